#include "db/migrate.h"

#include <chrono>

#include <fmt/format.h>

namespace fupin::db {
namespace {

void EnsureTable(Connection& conn) {
  conn.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
}

std::string NowUtc() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The few words where the two databases differ. SQLite: "INTEGER PRIMARY KEY"
// makes the key the rowid itself (one B-tree instead of two), and WITHOUT ROWID
// stores a table with a composite key in its key's order.
std::string ForDialect(std::string sql, Dialect dialect) {
  auto replace_all = [&](std::string_view from, std::string_view to) {
    for (size_t p = sql.find(from); p != std::string::npos; p = sql.find(from, p + to.size())) {
      sql.replace(p, from.size(), to);
    }
  };
  bool sqlite = dialect == Dialect::kSqlite;
  replace_all("{ID}", sqlite ? "INTEGER" : "BIGINT");
  replace_all("{WITHOUT_ROWID}", sqlite ? " WITHOUT ROWID" : "");
  return sql;
}

int Newest(const std::vector<Migration>& migrations) {
  return migrations.empty() ? 0 : migrations.back().version;
}

}  // namespace

int CurrentVersion(Connection& conn) {
  EnsureTable(conn);
  return static_cast<int>(QueryInt(conn, "SELECT MAX(version) FROM schema_migrations").value_or(0));
}

Result<int> ApplyMigrations(Connection& conn, const std::vector<Migration>& migrations) {
  try {
    int current = CurrentVersion(conn);
    if (current > Newest(migrations)) {
      return Error::Precondition(fmt::format(
          "the database is at schema version {}, newer than this fupin knows ({}); use a newer fupin",
          current, Newest(migrations)));
    }
    for (const Migration& m : migrations) {
      if (m.version <= current) continue;
      Transaction tx(conn);
      if (!m.sql.empty()) conn.Exec(ForDialect(m.sql, conn.dialect()));
      if (m.code) m.code(conn);
      auto st = conn.Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
      st->Bind(1, m.version).Bind(2, m.name).Bind(3, NowUtc()).Run();
      tx.Commit();
      current = m.version;
    }
    return current;
  } catch (const DbError& e) {
    return Error::Unavailable(fmt::format("migration failed: {}", e.what()));
  }
}

Status CheckVersion(Connection& conn, const std::vector<Migration>& migrations) {
  int current;
  try {
    current = CurrentVersion(conn);
  } catch (const DbError& e) {
    return Error::Unavailable(e.what());
  }
  if (current > Newest(migrations)) {
    return Error::Precondition(fmt::format(
        "the database is at schema version {}, newer than this fupin knows ({}); use a newer fupin", current,
        Newest(migrations)));
  }
  if (current < Newest(migrations)) {
    return Error::Precondition(fmt::format(
        "the database is at schema version {}, this fupin needs {}; run: fupin migrate --db URL", current,
        Newest(migrations)));
  }
  return {};
}

}  // namespace fupin::db
