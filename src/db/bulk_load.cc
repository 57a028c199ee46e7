#include "db/bulk_load.h"

#include <fmt/format.h>

namespace fupin::db {

BulkLoadMode::BulkLoadMode(Connection& conn) : conn_(conn) {
  if (conn_.dialect() == Dialect::kSqlite) {
    conn_.Exec("PRAGMA journal_mode=DELETE");
    conn_.Exec("PRAGMA cache_size=-262144");
    // The loader checks every reference itself before writing; the database
    // would look each one up again, row by row.
    conn_.Exec("PRAGMA foreign_keys=OFF");
  }
}

BulkLoadMode::~BulkLoadMode() {
  if (conn_.dialect() != Dialect::kSqlite) return;
  try {
    conn_.Exec("PRAGMA foreign_keys=ON");
    conn_.Exec("PRAGMA cache_size=-2000");
    conn_.Exec("PRAGMA journal_mode=WAL");
  } catch (const DbError&) {
    // A memory database has no WAL; the file keeps working in the other mode.
  }
}

std::vector<std::string> DropIndexes(Connection& conn, const std::string& table) {
  std::vector<std::pair<std::string, std::string>> indexes;
  if (conn.dialect() == Dialect::kSqlite) {
    auto st = conn.Prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name");
    st->Bind(1, table);
    while (st->Step()) indexes.emplace_back(st->Text(0), st->Text(1));
  } else {
    auto st = conn.Prepare(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ? AND i.schemaname = current_schema() "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY i.indexname");
    st->Bind(1, table);
    while (st->Step()) indexes.emplace_back(st->Text(0), st->Text(1));
  }
  std::vector<std::string> statements;
  for (const auto& [name, sql] : indexes) {
    conn.Exec(fmt::format("DROP INDEX {}", name));
    statements.push_back(sql);
  }
  return statements;
}

std::vector<std::string> DropForeignKeys(Connection& conn, const std::string& table) {
  std::vector<std::string> drops, adds;
  if (conn.dialect() != Dialect::kPostgres) return adds;
  auto st = conn.Prepare(
      "SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint "
      "WHERE contype = 'f' AND conrelid = to_regclass(?) ORDER BY conname");
  st->Bind(1, table);
  while (st->Step()) {
    drops.push_back(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", table, st->Text(0)));
    adds.push_back(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}", table, st->Text(0), st->Text(1)));
  }
  for (const std::string& sql : drops) conn.Exec(sql);
  return adds;
}

void CreateIndexes(Connection& conn, const std::vector<std::string>& statements) {
  for (const std::string& sql : statements) conn.Exec(sql);
}

}  // namespace fupin::db
