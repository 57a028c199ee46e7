#pragma once
// Real databases for tests: every store and registry test runs on SQLite and on
// the throwaway PostgreSQL server that scripts/test starts (its host and port
// arrive in FUPIN_TEST_PG_HOST / FUPIN_TEST_PG_PORT). A PostgreSQL test without
// that server fails: it is never skipped silently.
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "db/database.h"
#include "registry/identity.h"

namespace fupin::testing {

enum class Backend { kSqlite, kPostgres };

inline void PrintTo(Backend backend, std::ostream* os) { *os << (backend == Backend::kSqlite ? "SQLite" : "PostgreSQL"); }

inline std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

inline std::vector<Backend> AllBackends() { return {Backend::kSqlite, Backend::kPostgres}; }

// A new, empty database, removed again when the object is destroyed.
class ScratchDb {
 public:
  explicit ScratchDb(Backend backend);
  ~ScratchDb();
  ScratchDb(const ScratchDb&) = delete;
  ScratchDb& operator=(const ScratchDb&) = delete;

  const std::string& url() const { return url_; }
  // A connection opened on url() (created on first use).
  db::Connection& conn();
  // Opens another connection to the same database.
  std::unique_ptr<db::Connection> Connect() const;

 private:
  Backend backend_;
  std::string url_;
  std::string name_;  // file (SQLite) or database (PostgreSQL)
  std::string dir_;   // the directory holding the file (SQLite)
  std::unique_ptr<db::Connection> conn_;
};

// The first column of the first row of `sql` with `params` bound as text in
// order; 0 when there is no row or the value is NULL. (db::QueryInt takes no
// parameters.)
int64_t SelectInt(db::Connection& conn, const std::string& sql, const std::vector<std::string>& params = {});
// The first column of every row of `sql` with `params` bound as text in order.
std::vector<int64_t> SelectIds(db::Connection& conn, const std::string& sql,
                               const std::vector<std::string>& params = {});

// A connection to the server's maintenance database (PostgreSQL only).
std::unique_ptr<db::Connection> PgAdmin();

// One registry key for every test database, so sealed identity numbers
// compare across databases.
const registry::IdentityVault& TestVault();

// A fresh temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

// Runs `fupin` (the binary built beside the tests; FUPIN_BIN) with `args`,
// capturing stdout and stderr. Returns the exit code.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult RunFupin(const std::string& args, const std::string& stdin_text = "");

// Whether `err` is one line "fupin: …\n", as the command line reports an error.
bool OneLineError(const std::string& err);

}  // namespace fupin::testing
