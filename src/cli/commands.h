#pragma once
// The subcommands of `fupin`, as plain functions of parsed options, so that only
// main.cc includes the argument parser. Each returns the process exit code:
// 0 success, 1 failure (the reason printed as one line on stderr), 2 usage.
#include <optional>
#include <string>
#include <vector>

namespace fupin::cli {

inline constexpr const char* kDefaultDb = "sqlite:fupin.db";

struct MigrateOptions {
  std::string db = kDefaultDb;
};
int RunMigrate(const MigrateOptions& o);

struct DemoOptions {
  std::string db = kDefaultDb;
  uint64_t seed = 2020;
  double scale = 1.0;
  bool quiet = false;
  bool if_empty = false;  // a database that already holds a registry is left as it is (exit 0)
};
int RunDemo(const DemoOptions& o);

struct ImportRegistryOptions {
  std::string db = kDefaultDb;
  std::string dir;
  int max_errors = 100;
};
int RunImportRegistry(const ImportRegistryOptions& o);

struct ExportRegistryOptions {
  std::string db = kDefaultDb;
  std::string out;
};
int RunExportRegistry(const ExportRegistryOptions& o);

struct ExportYearOptions {
  std::string db = kDefaultDb;
  int year = 0;
  std::string out;
};
int RunExportHouseholds(const ExportYearOptions& o);
int RunExportVillages(const ExportYearOptions& o);

struct ReportOptions {
  std::string db = kDefaultDb;
  std::string name;
  std::optional<int> year;
  std::string region;
  std::string format = "table";
  std::string out;
  bool list_unreached = false;  // benefit: list the registered poor households not reached
};
int RunReport(const ReportOptions& o);

struct UserAddOptions {
  std::string db = kDefaultDb;
  std::string name;
  std::string role;
  std::string region;
};
// Reads the password from stdin; when stdin is a terminal or empty, generates
// one and prints it once.
int RunUserAdd(const UserAddOptions& o);

struct ServeOptions {
  std::string db = kDefaultDb;
  std::string listen = "127.0.0.1:8080";
  int threads = 0;  // 0: one per core
  std::string web = "web/dist";
  int max_connections = 10000;
  int request_timeout_s = 15;
  int idle_timeout_s = 60;
  int session_ttl_s = 8 * 3600;
  std::vector<std::string> trusted_proxies;  // peers whose X-Forwarded-For is believed
  bool secure_cookie = false;                // the session cookie is sent over HTTPS only
  bool test_payments = false;                // offer the "test" payment provider (tests and the demo only)
  std::string public_url = "http://localhost:8080";  // where buyers reach the server: the base of trace QR codes
};
int RunServe(const ServeOptions& o);

}  // namespace fupin::cli
