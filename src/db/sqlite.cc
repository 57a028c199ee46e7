#include "db/sqlite.h"

#include <sqlite3.h>

#include <fmt/format.h>

namespace fupin::db {
namespace {

class SqliteStatement : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  Statement& Bind(int index, int64_t value) override {
    Rearm();
    Check(sqlite3_bind_int64(stmt_, index, value));
    return *this;
  }
  Statement& Bind(int index, std::string_view value) override {
    Rearm();
    // An empty view may have no data pointer; SQLite would bind that as NULL.
    const char* data = value.data() ? value.data() : "";
    Check(sqlite3_bind_text(stmt_, index, data, static_cast<int>(value.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& BindNull(int index) override {
    Rearm();
    Check(sqlite3_bind_null(stmt_, index));
    return *this;
  }
  bool Step() override {
    if (done_) Rearm();
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    done_ = true;
    if (rc == SQLITE_DONE) {
      changes_ = sqlite3_changes64(db_);
      return false;
    }
    std::string message = sqlite3_errmsg(db_);
    sqlite3_reset(stmt_);
    throw DbError(fmt::format("SQLite: {}", message));
  }
  bool IsNull(int column) override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  int64_t Int(int column) override { return sqlite3_column_int64(stmt_, column); }
  std::string Text(int column) override {
    const unsigned char* p = sqlite3_column_text(stmt_, column);
    if (!p) return {};
    return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  int64_t Changes() override { return changes_; }

 private:
  void Rearm() {
    if (done_) {
      sqlite3_reset(stmt_);
      done_ = false;
    }
  }
  void Check(int rc) {
    if (rc != SQLITE_OK) throw DbError(fmt::format("SQLite: {}", sqlite3_errmsg(db_)));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool done_ = false;
  int64_t changes_ = 0;
};

// Binds each row's values to one prepared INSERT. Text is copied into a
// buffer per column that keeps its capacity from row to row and is bound
// without another copy (SQLITE_STATIC): no allocation per value.
class SqliteBulk : public BulkWriter {
 public:
  SqliteBulk(sqlite3* db, sqlite3_stmt* stmt, size_t columns) : db_(db), stmt_(stmt), text_(columns) {}
  ~SqliteBulk() override { sqlite3_finalize(stmt_); }
  BulkWriter& Int(int64_t value) override {
    Check(sqlite3_bind_int64(stmt_, ++col_, value));
    return *this;
  }
  BulkWriter& Text(std::string_view value) override {
    std::string& buffer = text_.at(static_cast<size_t>(col_));
    buffer.assign(value);
    Check(sqlite3_bind_text(stmt_, ++col_, buffer.c_str(), static_cast<int>(buffer.size()), SQLITE_STATIC));
    return *this;
  }
  BulkWriter& Null() override {
    Check(sqlite3_bind_null(stmt_, ++col_));
    return *this;
  }
  void EndRow() override {
    int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    if (rc != SQLITE_DONE) throw DbError(fmt::format("SQLite: {}", sqlite3_errmsg(db_)));
    col_ = 0;
  }
  void Finish() override {}

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK) throw DbError(fmt::format("SQLite: {}", sqlite3_errmsg(db_)));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::vector<std::string> text_;
  int col_ = 0;
};

class SqliteConnection : public Connection {
 public:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteConnection() override { sqlite3_close_v2(db_); }

  Dialect dialect() const override { return Dialect::kSqlite; }
  void Exec(std::string_view sql) override {
    std::string s(sql);
    char* err = nullptr;
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string message = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw DbError(fmt::format("SQLite: {}", message));
    }
  }
  std::unique_ptr<Statement> Prepare(std::string_view sql) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
      throw DbError(fmt::format("SQLite: {} in: {}", sqlite3_errmsg(db_), sql));
    }
    return std::make_unique<SqliteStatement>(db_, stmt);
  }
  std::unique_ptr<BulkWriter> Bulk(std::string_view table, const std::vector<std::string>& columns) override {
    std::string sql = fmt::format("INSERT INTO {} (", table);
    for (size_t i = 0; i < columns.size(); ++i) sql += (i ? "," : "") + columns[i];
    sql += ") VALUES (";
    for (size_t i = 0; i < columns.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
      throw DbError(fmt::format("SQLite: {} in: {}", sqlite3_errmsg(db_), sql));
    }
    return std::make_unique<SqliteBulk>(db_, stmt, columns.size());
  }
  void BeginWrite() override { Exec("BEGIN IMMEDIATE"); }
  std::string Describe() const override { return "sqlite:" + path_; }

 private:
  sqlite3* db_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenSqlite(std::string_view path) {
  if (path.empty()) return Error::Invalid("sqlite: needs a file name, e.g. sqlite:fupin.db", "--db");
  std::string p(path);
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(p.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Error::Unavailable(fmt::format("cannot open SQLite database '{}': {}", p, message));
  }
  auto conn = std::make_unique<SqliteConnection>(db, p);
  try {
    sqlite3_busy_timeout(db, 10000);
    conn->Exec("PRAGMA foreign_keys=ON");
    if (p != ":memory:") conn->Exec("PRAGMA journal_mode=WAL");
    conn->Exec("PRAGMA synchronous=FULL");
    // Read the schema once so that a file that is not a database fails here.
    conn->Exec("SELECT count(*) FROM sqlite_master");
  } catch (const DbError& e) {
    return Error::Unavailable(fmt::format("cannot use SQLite database '{}': {}", p, e.what()));
  }
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace fupin::db
