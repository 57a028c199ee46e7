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
  std::string indicator;        // indicator, trend
  std::optional<int> from;      // trend
  std::optional<int> to;        // trend
  std::string catalogue;        // an indicator catalogue file instead of the built-in one
  std::string lang = "both";    // headers of tables and workbooks: zh, en or both
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

struct SolveOptions {
  std::string file;          // a CVRP or VRPSPD instance (TSPLIB / CVRPLIB / LKH-3 format)
  double time_limit_s = 10;
  uint64_t seed = 1;
  std::string out;           // the .sol file to write; empty: standard output
  int vehicles = 0;          // fleet size; 0 = unlimited
};
// Writes the routes in CVRPLIB's .sol format and prints
// `name cost routes seconds seconds_to_best` on stderr.
int RunSolve(const SolveOptions& o);

struct SolvePMedianOptions {
  std::string file;          // an OR-Library p-median instance (pmed1..pmed40 format)
  double time_limit_s = 10;
  uint64_t seed = 1;
  bool exact = false;        // CBC whatever the size (still bounded by the time limit)
  bool heuristic = false;    // our heuristic only
};
// Prints the medians (1-based, ascending), the cost, whether it is proven
// optimal, the method and the seconds taken.
int RunSolvePMedian(const SolvePMedianOptions& o);

struct PlanRoutesOptions {
  std::string db = kDefaultDb;
  std::string date;      // YYYY-MM-DD
  std::string station;   // a township code: that station's plan only
  std::string county;    // a county code: that county's plan; neither: every county
  uint64_t seed = 1;              // 1..2^31-1, as the API's
  std::string format = "table";  // table or json
};
// Computes and stores the day's joint-distribution plans; prints a summary per
// station and county and the villages that do not break even (or the JSON).
int RunPlanRoutes(const PlanRoutesOptions& o);

struct ImportRoadMatrixOptions {
  std::string db = kDefaultDb;
  std::string county;  // a county code
  std::string file;    // CSV from,to,metres,seconds
};
// Replaces the county's road distance and time matrix (docs/ARCHITECTURE.md, Logistics).
int RunImportRoadMatrix(const ImportRoadMatrixOptions& o);

struct PlanNetworkOptions {
  std::string db = kDefaultDb;
  std::string county;
  int stations = 0;               // K: p-median
  double radius_km = 0;           // R: set covering (exactly one of the two)
  double points_radius_km = 2;    // village points: set covering within this radius
  uint64_t seed = 1;
  double time_limit_s = 10;       // per location model
  std::string date;               // the existing network is the facilities open on it; "": the latest parcel day
  std::string format = "table";
};
// Where a county's stations and village points should stand, compared with
// the existing network.
int RunPlanNetwork(const PlanNetworkOptions& o);

}  // namespace fupin::cli
