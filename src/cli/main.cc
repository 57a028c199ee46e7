// fupin: the command line of the platform. Parses arguments and hands each
// subcommand to its Run* function (commands.h).
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace {

// A one-line error that says what to do, then exit code 2.
int Usage(const CLI::App& app, const CLI::Error& e) {
  std::string what = e.what();
  if (what.empty()) what = e.get_name();
  std::fprintf(stderr, "fupin: %s (see: fupin %s--help)\n", what.c_str(),
               app.get_name() == "fupin" ? "" : (app.get_name() + " ").c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fupin::cli;
  CLI::App app{"Fupin: targeted poverty alleviation through rural e-commerce", "fupin"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "fupin 0.1.0");

  MigrateOptions migrate;
  auto* migrate_cmd = app.add_subcommand("migrate", "Create or upgrade the database schema");
  migrate_cmd->add_option("--db", migrate.db, "Database URL: sqlite:PATH, sqlite::memory: or postgresql://…");

  DemoOptions demo;
  auto* demo_cmd = app.add_subcommand("demo", "Build the synthetic, calibrated Linxia demo scenario");
  demo_cmd->add_option("--db", demo.db, "Database URL (must hold no registry data yet)");
  demo_cmd->add_option("--seed", demo.seed, "Random seed: the same seed gives the same database");
  demo_cmd
      ->add_option("--scale", demo.scale, "Population scale: 1 = Linxia, 0.01 = a small test version (0.01 to 20)")
      ->check(CLI::Validator(
          [](std::string& value) -> std::string {
            double v = 0;
            try {
              size_t used = 0;
              v = std::stod(value, &used);
              if (used != value.size()) return "--scale must be a number";
            } catch (...) {
              return "--scale must be a number";
            }
            // Below 0.01 the smallest villages would hold no one.
            if (!(v >= 0.01 && v <= 20.0)) return "--scale must be between 0.01 and 20";
            return {};
          },
          "0.01..20"));
  demo_cmd->add_flag("--quiet", demo.quiet, "Print nothing but errors");
  demo_cmd->add_flag("--if-empty", demo.if_empty,
                     "Leave a database that already holds a registry as it is, and succeed");

  auto* import_cmd = app.add_subcommand("import", "Load data from files");
  import_cmd->require_subcommand(1);
  ImportRegistryOptions import_registry;
  auto* import_registry_cmd = import_cmd->add_subcommand("registry", "Load a registry folder written by export");
  import_registry_cmd->add_option("--db", import_registry.db, "Database URL");
  import_registry_cmd->add_option("dir", import_registry.dir, "Folder with the registry CSV files")->required();
  import_registry_cmd->add_option("--max-errors", import_registry.max_errors, "Errors to list before stopping")
      ->check(CLI::Range(1, 100000));
  ImportRoadMatrixOptions import_roads;
  auto* import_roads_cmd = import_cmd->add_subcommand(
      "road-matrix", "Replace a county's road distances and times (CSV from,to,metres,seconds of region codes)");
  import_roads_cmd->add_option("--db", import_roads.db, "Database URL");
  import_roads_cmd->add_option("--county", import_roads.county, "County code")->required();
  import_roads_cmd->add_option("file", import_roads.file, "CSV file: from,to,metres,seconds")->required();

  auto* export_cmd = app.add_subcommand("export", "Write data to files");
  export_cmd->require_subcommand(1);
  ExportRegistryOptions export_registry;
  auto* export_registry_cmd = export_cmd->add_subcommand("registry", "Write the whole registry as CSV files");
  export_registry_cmd->add_option("--db", export_registry.db, "Database URL");
  export_registry_cmd->add_option("--out", export_registry.out, "Folder to write (created if missing)")->required();
  ExportYearOptions export_households;
  auto* export_households_cmd = export_cmd->add_subcommand("households", "One CSV row per household for a year");
  export_households_cmd->add_option("--db", export_households.db, "Database URL");
  export_households_cmd->add_option("--year", export_households.year, "Year")->required();
  export_households_cmd->add_option("--out", export_households.out, "CSV file to write")->required();
  ExportYearOptions export_villages;
  auto* export_villages_cmd = export_cmd->add_subcommand("villages", "One CSV row per village for a year");
  export_villages_cmd->add_option("--db", export_villages.db, "Database URL");
  export_villages_cmd->add_option("--year", export_villages.year, "Year")->required();
  export_villages_cmd->add_option("--out", export_villages.out, "CSV file to write")->required();

  ReportOptions report;
  int report_year = 0;
  int report_from = 0;
  int report_to = 0;
  const char* report_names =
      "poverty, paper-check, benefit, institutions, indicator, indicators, trend, coverage, logistics, "
      "ecommerce-scale";
  auto* report_cmd = app.add_subcommand("report", std::string("Print a named report (") + report_names + ")");
  report_cmd->add_option("name", report.name, std::string("Report name: ") + report_names)->required();
  report_cmd->add_option("--db", report.db, "Database URL");
  auto* year_opt = report_cmd->add_option("--year", report_year, "Year (default: the latest with data)");
  report_cmd->add_option("--region", report.region, "Region code (default: the prefecture)");
  report_cmd->add_option("--indicator", report.indicator, "indicator, trend: the indicator's code");
  auto* from_opt = report_cmd->add_option("--from", report_from, "trend: first year (default: the first with data)");
  auto* to_opt = report_cmd->add_option("--to", report_to, "trend: last year (default: the last with data)");
  report_cmd->add_option("--indicators", report.catalogue,
                         "A JSON indicator catalogue to use instead of the built-in one");
  report_cmd->add_option("--format", report.format, "table, csv, json or xlsx (an Excel workbook)")
      ->check(CLI::IsMember({"table", "csv", "json", "xlsx"}));
  report_cmd->add_option("--lang", report.lang, "Headers of tables and workbooks: zh, en or both (default)")
      ->check(CLI::IsMember({"zh", "en", "both"}));
  report_cmd->add_option("--out", report.out, "File to write instead of standard output");
  report_cmd->add_flag("--list-unreached", report.list_unreached,
                       "benefit: list the registered poor households the ledger did not reach, by village");

  auto* user_cmd = app.add_subcommand("user", "Manage accounts");
  user_cmd->require_subcommand(1);
  UserAddOptions user_add;
  auto* user_add_cmd = user_cmd->add_subcommand(
      "add", "Add an account; the password is read from standard input, or generated and printed once");
  user_add_cmd->add_option("--db", user_add.db, "Database URL");
  user_add_cmd->add_option("--name", user_add.name, "User name (3-32 of a-z 0-9 . _ -, starting with a letter)")
      ->required();
  user_add_cmd
      ->add_option("--role", user_add.role,
                   "admin, official, registry, auditor, county_operator, station_operator, outlet_operator, "
                   "supplier or buyer")
      ->required()
      ->check(CLI::IsMember({"admin", "official", "registry", "auditor", "county_operator", "station_operator",
                             "outlet_operator", "supplier", "buyer"}));
  user_add_cmd->add_option("--region", user_add.region, "Region code of the grant (covers everything below it)")
      ->required();

  ServeOptions serve;
  auto* serve_cmd = app.add_subcommand("serve", "Serve the web interface and the JSON API");
  serve_cmd->add_option("--db", serve.db, "Database URL");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on (port 0: any free port)");
  serve_cmd->add_option("--threads", serve.threads, "I/O threads (default: one per core)")
      ->check(CLI::Range(1, 256));
  serve_cmd->add_option("--web", serve.web, "Folder of the built web interface");
  serve_cmd->add_option("--max-connections", serve.max_connections, "Open connections before answering 503")
      ->check(CLI::Range(1, 1000000));
  serve_cmd->add_option("--request-timeout", serve.request_timeout_s, "Seconds to receive a whole request")
      ->check(CLI::Range(1, 3600));
  serve_cmd->add_option("--idle-timeout", serve.idle_timeout_s, "Seconds a keep-alive connection may idle")
      ->check(CLI::Range(1, 3600));
  serve_cmd->add_option("--trusted-proxy", serve.trusted_proxies,
                        "IP address of a reverse proxy whose X-Forwarded-For names the client (repeatable)");
  serve_cmd->add_flag("--test-payments", serve.test_payments,
                      "Offer the \"test\" payment provider, which pays without money: for tests and the synthetic "
                      "demo only, never in production");
  serve_cmd->add_flag("--secure-cookie", serve.secure_cookie,
                      "Mark the session cookie Secure (HTTPS only): for a server behind TLS");
  serve_cmd->add_option("--session-ttl", serve.session_ttl_s, "Seconds a session lasts after sign-in")
      ->check(CLI::Range(60, 30 * 24 * 3600));
  serve_cmd->add_option("--public-url", serve.public_url,
                        "Address buyers reach the server at, e.g. https://fupin.example.org: the base of the trace "
                        "URLs in QR codes");

  SolveOptions solve;
  auto* solve_cmd = app.add_subcommand(
      "solve", "Solve a vehicle-routing instance file (CVRP or VRPSPD, CVRPLIB format) and print the routes");
  solve_cmd->add_option("file", solve.file, "Instance file (.vrp, .vrpspd)")->required();
  solve_cmd->add_option("--time-limit", solve.time_limit_s, "Seconds to search (wall clock)")
      ->check(CLI::Range(0.001, 1e6));
  solve_cmd->add_option("--seed", solve.seed, "Random seed: the same seed and limit repeat a run");
  solve_cmd->add_option("--out", solve.out, "Solution file to write (CVRPLIB .sol format) instead of standard output");
  solve_cmd->add_option("--vehicles", solve.vehicles, "Fleet size (default 0: unlimited)")
      ->check(CLI::Range(0, 1000000));

  SolvePMedianOptions pmedian;
  auto* pmedian_cmd = app.add_subcommand(
      "solve-pmedian", "Solve an OR-Library p-median instance (CBC when small enough, else our heuristic)");
  pmedian_cmd->add_option("file", pmedian.file, "Instance file (OR-Library pmed format)")->required();
  pmedian_cmd->add_option("--time-limit", pmedian.time_limit_s, "Seconds to search (wall clock)")
      ->check(CLI::Range(0.001, 1e6));
  pmedian_cmd->add_option("--seed", pmedian.seed, "Random seed of the heuristic");
  auto* pmedian_exact = pmedian_cmd->add_flag("--exact", pmedian.exact, "Use CBC whatever the instance's size");
  pmedian_cmd->add_flag("--heuristic", pmedian.heuristic, "Use only our heuristic, never CBC")
      ->excludes(pmedian_exact);

  auto* plan_cmd = app.add_subcommand("plan", "Logistics planning: daily routes, network design");
  plan_cmd->require_subcommand(1);
  PlanRoutesOptions plan_routes;
  auto* plan_routes_cmd = plan_cmd->add_subcommand(
      "routes", "Compute and store the day's joint-distribution routes and village economics");
  plan_routes_cmd->add_option("--db", plan_routes.db, "Database URL");
  plan_routes_cmd->add_option("--date", plan_routes.date, "Day to plan (YYYY-MM-DD)")->required();
  plan_routes_cmd->add_option("--station", plan_routes.station, "Township code: plan only that township's station");
  plan_routes_cmd->add_option("--county", plan_routes.county, "County code: plan only that county");
  plan_routes_cmd->add_option("--seed", plan_routes.seed, "Random seed of the route search (1 to 2147483647)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{2147483647}));
  plan_routes_cmd->add_option("--format", plan_routes.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  PlanNetworkOptions plan_network;
  auto* plan_network_cmd = plan_cmd->add_subcommand(
      "network", "Where a county's stations and village points should stand, against the existing network");
  plan_network_cmd->add_option("--db", plan_network.db, "Database URL");
  plan_network_cmd->add_option("--county", plan_network.county, "County code")->required();
  auto* k_opt = plan_network_cmd->add_option("--stations", plan_network.stations, "K stations: p-median")
                    ->check(CLI::Range(1, 10000));
  plan_network_cmd
      ->add_option("--radius-km", plan_network.radius_km, "Every village within R km of a station: set covering")
      ->check(CLI::Range(0.1, 1000.0))
      ->excludes(k_opt);
  plan_network_cmd->add_option("--points-radius-km", plan_network.points_radius_km,
                               "Every village within R2 km of a village point (default 2)")
      ->check(CLI::Range(0.1, 100.0));
  plan_network_cmd->add_option("--seed", plan_network.seed, "Random seed of the heuristics");
  plan_network_cmd->add_option("--time-limit", plan_network.time_limit_s, "Seconds per location model")
      ->check(CLI::Range(0.01, 1e5));
  plan_network_cmd->add_option("--date", plan_network.date,
                               "The existing network: facilities open on this day (default: the latest parcel day)");
  plan_network_cmd->add_option("--format", plan_network.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Usage(app, e);
  }

  if (*migrate_cmd) return RunMigrate(migrate);
  if (*demo_cmd) return RunDemo(demo);
  if (*import_registry_cmd) return RunImportRegistry(import_registry);
  if (*import_roads_cmd) return RunImportRoadMatrix(import_roads);
  if (*export_registry_cmd) return RunExportRegistry(export_registry);
  if (*export_households_cmd) return RunExportHouseholds(export_households);
  if (*export_villages_cmd) return RunExportVillages(export_villages);
  if (*user_add_cmd) return RunUserAdd(user_add);
  if (*serve_cmd) return RunServe(serve);
  if (*solve_cmd) return RunSolve(solve);
  if (*pmedian_cmd) return RunSolvePMedian(pmedian);
  if (*plan_routes_cmd) return RunPlanRoutes(plan_routes);
  if (*plan_network_cmd) return RunPlanNetwork(plan_network);
  if (*report_cmd) {
    if (year_opt->count() > 0) report.year = report_year;
    if (from_opt->count() > 0) report.from = report_from;
    if (to_opt->count() > 0) report.to = report_to;
    return RunReport(report);
  }
  return 2;
}
