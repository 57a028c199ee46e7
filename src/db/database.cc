#include "db/database.h"

#include <fmt/format.h>

#include "db/postgres.h"
#include "db/sqlite.h"

namespace fupin::db {

Result<std::unique_ptr<Connection>> Open(std::string_view url) {
  if (url.starts_with("sqlite:")) return OpenSqlite(url.substr(7));
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return OpenPostgres(url);
  return Error::Invalid(
      fmt::format("database URL '{}' is not understood; use sqlite:PATH, sqlite::memory: or postgresql://…", url),
      "--db");
}

Transaction::Transaction(Connection& conn, bool write) : conn_(conn) {
  if (write) {
    conn_.BeginWrite();
  } else {
    conn_.Exec("BEGIN");
  }
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      conn_.Exec("ROLLBACK");
    } catch (const DbError&) {
      // The connection is already broken; the database discards the transaction.
    }
  }
}

void Transaction::Commit() {
  conn_.Exec("COMMIT");
  done_ = true;
}

std::optional<int64_t> QueryInt(Connection& conn, std::string_view sql) {
  auto st = conn.Prepare(sql);
  if (!st->Step()) return std::nullopt;
  std::optional<int64_t> v = st->OptInt(0);
  st->Run();
  return v;
}

}  // namespace fupin::db
