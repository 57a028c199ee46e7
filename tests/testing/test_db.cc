// The implementation of testing/test_db.h.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "testing/test_db.h"

namespace fupin::testing {
namespace {

std::atomic<int> counter{0};

std::string PgUrl(const std::string& database) {
  const char* host = std::getenv("FUPIN_TEST_PG_HOST");
  const char* port = std::getenv("FUPIN_TEST_PG_PORT");
  if (!host || !port) {
    throw std::runtime_error(
        "FUPIN_TEST_PG_HOST/FUPIN_TEST_PG_PORT are not set: run the tests with scripts/test (or make test), "
        "which starts a throwaway PostgreSQL server");
  }
  return fmt::format("postgresql://postgres@/{}?host={}&port={}", database, host, port);
}

// A name no other test process uses at the same time or left behind. The
// process id alone is not enough: ids are reused, and a test process that was
// killed leaves its files, so a fresh random part is added (std::rand is
// unseeded and would give every process the same one).
std::string Unique(const char* prefix) {
  static std::random_device device;
  return fmt::format("{}_{}_{}_{:08x}", prefix, ::getpid(), counter.fetch_add(1), device());
}

}  // namespace

const registry::IdentityVault& TestVault() {
  static const registry::IdentityVault vault([] {
    registry::IdentityVault::Key key;
    key.fill(7);
    return key;
  }());
  return vault;
}

int64_t SelectInt(db::Connection& conn, const std::string& sql, const std::vector<std::string>& params) {
  auto st = conn.Prepare(sql);
  for (size_t i = 0; i < params.size(); ++i) st->Bind(static_cast<int>(i + 1), params[i]);
  int64_t v = 0;
  if (st->Step() && !st->IsNull(0)) v = st->Int(0);
  st->Run();
  return v;
}

std::vector<int64_t> SelectIds(db::Connection& conn, const std::string& sql, const std::vector<std::string>& params) {
  auto st = conn.Prepare(sql);
  for (size_t i = 0; i < params.size(); ++i) st->Bind(static_cast<int>(i + 1), params[i]);
  std::vector<int64_t> out;
  while (st->Step()) out.push_back(st->Int(0));
  return out;
}

std::unique_ptr<db::Connection> PgAdmin() {
  auto conn = db::Open(PgUrl("postgres"));
  if (!conn) throw std::runtime_error(conn.error().message);
  return std::move(*conn);
}

ScratchDb::ScratchDb(Backend backend) : backend_(backend) {
  if (backend == Backend::kSqlite) {
    // A directory of its own: mkdtemp never hands out an existing one.
    std::string tmpl = (std::filesystem::temp_directory_path() / "fupin_db_XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    name_ = dir_ + "/test.db";
    url_ = "sqlite:" + name_;
  } else {
    name_ = Unique("fupin_test");
    PgAdmin()->Exec(fmt::format("CREATE DATABASE {}", name_));
    url_ = PgUrl(name_);
  }
}

ScratchDb::~ScratchDb() {
  conn_.reset();
  if (backend_ == Backend::kSqlite) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  } else {
    try {
      PgAdmin()->Exec(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
    } catch (...) {
    }
  }
}

db::Connection& ScratchDb::conn() {
  if (!conn_) conn_ = Connect();
  return *conn_;
}

std::unique_ptr<db::Connection> ScratchDb::Connect() const {
  auto conn = db::Open(url_);
  if (!conn) throw std::runtime_error(conn.error().message);
  return std::move(*conn);
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "fupin_test_XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

CommandResult RunFupin(const std::string& args, const std::string& stdin_text) {
  const char* bin = std::getenv("FUPIN_BIN");
  std::string binary = bin ? bin : "build/fupin";
  TempDir dir;
  std::string in = dir.File("stdin");
  WriteFile(in, stdin_text);
  std::string cmd = fmt::format("'{}' {} <'{}' >'{}' 2>'{}'", binary, args, in, dir.File("out"), dir.File("err"));
  int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(dir.File("out"));
  r.err = ReadFile(dir.File("err"));
  return r;
}

bool OneLineError(const std::string& err) {
  return !err.empty() && err.find('\n') == err.size() - 1 && err.starts_with("fupin: ");
}

}  // namespace fupin::testing
