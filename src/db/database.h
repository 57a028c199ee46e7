#pragma once
// The data-access layer: one interface over SQLite (embedded default) and
// PostgreSQL (production), thin wrappers over libsqlite3 and libpq.
//
// SQL is written once with `?` placeholders; the PostgreSQL connection rewrites
// them to $1, $2, … Values travel as text or 64-bit integers, never as
// doubles. Only prepared statements carry values: no SQL is built from data.
//
// Errors of the database itself (a lost connection, a constraint broken by a
// bug, a full disk) end the operation: they are thrown as db::DbError and
// turned into an Error at the edge. Expected failures are checked by the
// callers before they reach SQL.
//
// Thread-safety: a Connection and its statements belong to one thread at a time.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace fupin::db {

enum class Dialect { kSqlite, kPostgres };

class DbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A prepared statement. Bind 1-based parameters, then Step() through the rows.
// After the last row (Step() false) the statement can be bound and run again.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual Statement& Bind(int index, int64_t value) = 0;
  virtual Statement& Bind(int index, std::string_view value) = 0;
  virtual Statement& BindNull(int index) = 0;
  Statement& Bind(int index, const std::optional<int64_t>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }

  // Runs the statement (on the first call after binding) and moves to the
  // next row. Returns false when there are no more rows.
  virtual bool Step() = 0;
  // Runs a statement that returns no rows.
  void Run() {
    while (Step()) {
    }
  }

  // Columns of the current row, 0-based.
  virtual bool IsNull(int column) = 0;
  virtual int64_t Int(int column) = 0;
  virtual std::string Text(int column) = 0;
  std::optional<int64_t> OptInt(int column) {
    if (IsNull(column)) return std::nullopt;
    return Int(column);
  }
  // Rows changed by the last INSERT/UPDATE/DELETE.
  virtual int64_t Changes() = 0;
};

// Streams rows into one table as fast as the database allows: COPY on
// PostgreSQL, a prepared INSERT on SQLite. Call inside a transaction; Finish()
// before commit. Values per row are given in the column order of Bulk().
class BulkWriter {
 public:
  virtual ~BulkWriter() = default;
  virtual BulkWriter& Int(int64_t value) = 0;
  virtual BulkWriter& Text(std::string_view value) = 0;
  virtual BulkWriter& Null() = 0;
  BulkWriter& OptInt(const std::optional<int64_t>& v) { return v ? Int(*v) : Null(); }
  // Text, or NULL when empty.
  BulkWriter& OptText(std::string_view v) { return v.empty() ? Null() : Text(v); }
  virtual void EndRow() = 0;
  virtual void Finish() = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs SQL without parameters (may hold several statements).
  virtual void Exec(std::string_view sql) = 0;
  virtual std::unique_ptr<Statement> Prepare(std::string_view sql) = 0;
  virtual std::unique_ptr<BulkWriter> Bulk(std::string_view table, const std::vector<std::string>& columns) = 0;
  // BEGIN for a transaction that will write (SQLite: BEGIN IMMEDIATE, so two
  // writers queue instead of failing at commit).
  virtual void BeginWrite() = 0;
  // A description safe to print (no password).
  virtual std::string Describe() const = 0;
};

// Opens `url`: "sqlite:PATH", "sqlite::memory:", or "postgresql://…" /
// "postgres://…" (any libpq connection URI). Errors: kInvalidArgument for a URL
// of another form, kUnavailable when the database cannot be reached.
Result<std::unique_ptr<Connection>> Open(std::string_view url);

// Commits on Commit(); rolls back when destroyed uncommitted (an exception or
// an early return), so nothing is half-written.
class Transaction {
 public:
  explicit Transaction(Connection& conn, bool write = true);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

// Runs `sql` (one value in the first column of the first row) and returns it;
// std::nullopt when there is no row or the value is NULL.
std::optional<int64_t> QueryInt(Connection& conn, std::string_view sql);

}  // namespace fupin::db
