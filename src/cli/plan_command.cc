// fupin plan routes: computes and stores the day's joint-distribution plans
// (logistics/service.h) and prints a summary per station and county, with the
// villages that do not break even, or the plans as JSON.
// fupin plan network: where a county's stations and village points should
// stand (logistics/network.h), compared with the network it has.
// fupin import road-matrix: a county's road distances and times between its
// places (logistics/road_matrix.h), which the daily plans then use.
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "audit/audit_log.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "db/pool.h"
#include "logistics/network.h"
#include "logistics/planner.h"
#include "logistics/render.h"
#include "logistics/road_matrix.h"
#include "logistics/service.h"
#include "regions/tree.h"

namespace fupin::cli {
namespace {

// The service names fields as the API does; here they are flags, named in
// the message too ("--date is a date …", "--county: …").
Error AsFlag(Error error, const char* region_flag) {
  if (error.code != ErrorCode::kInvalidArgument || error.field.empty() || error.field.starts_with("--")) return error;
  const std::string flag = error.field == "region" ? region_flag : "--" + error.field;
  if (error.message.starts_with(error.field + " ")) {
    error.message = flag + error.message.substr(error.field.size());
  } else {
    error.message = flag + ": " + error.message;
  }
  error.field = flag;
  return error;
}

Status CheckFormat(const std::string& format) {
  if (format != "table" && format != "json") return Error::Invalid("--format is table or json", "--format");
  return {};
}

}  // namespace

int RunPlanRoutes(const PlanRoutesOptions& o) {
  if (Status f = CheckFormat(o.format); !f) return Fail(f.error());
  if (!o.station.empty() && !o.county.empty()) {
    return Fail(Error::Invalid("give --station or --county, not both", "--county"));
  }
  auto conn = OpenDatabase(o.db, SchemaMode::kRequire);
  if (!conn) return Fail(conn.error());
  regions::RegionTree tree;
  try {
    tree = regions::RegionTree::Load(**conn);
  } catch (const db::DbError& e) {
    return Fail(Error::Unavailable(std::string("database error: ") + e.what()));
  }
  conn->reset();
  if (!o.county.empty()) {
    // --county means a county: a township is --station, the prefecture is no flag.
    const regions::Region* county = regions::IsRegionCode(o.county) ? tree.Find(o.county) : nullptr;
    if (county && county->level != regions::Level::kCounty) {
      return Fail(Error::Invalid(
          fmt::format("{} {} is a {}, not a county: give a county's code (a township's plan: --station; every "
                      "county: leave --county out)",
                      county->code, county->name, regions::LevelName(county->level)),
          "--county"));
    }
  }
  auto pool = db::Pool::Open(o.db, 1);
  if (!pool) return Fail(pool.error());
  audit::AuditLog audit(tree);
  logistics::PlanService service(**pool, tree, &audit);
  logistics::PlanRequest request;
  request.date = o.date;
  request.station = o.station;
  request.region = o.county;
  request.seed = o.seed;
  auto run = service.Plan(logistics::Actor{nullptr, "", CommandLineActor()}, request);
  if (!run) return Fail(AsFlag(run.error(), "--county"));
  std::string region = !o.station.empty() ? o.station : !o.county.empty() ? o.county : tree.Root()->code;
  std::string out = o.format == "json" ? logistics::PlansJson(o.date, region, run->plans, tree) + "\n"
                                       : logistics::PlansTable(o.date, run->plans, tree, run->seconds);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

int RunPlanNetwork(const PlanNetworkOptions& o) {
  if (Status f = CheckFormat(o.format); !f) return Fail(f.error());
  if ((o.stations > 0) == (o.radius_km > 0)) {
    return Fail(Error::Invalid("give either --stations K (p-median) or --radius-km R (set covering)", "--stations"));
  }
  auto conn = OpenDatabase(o.db, SchemaMode::kRequire);
  if (!conn) return Fail(conn.error());
  try {
    regions::RegionTree tree = regions::RegionTree::Load(**conn);
    logistics::NetworkRequest request;
    request.county = o.county;
    request.stations = o.stations;
    request.radius_m = static_cast<int64_t>(o.radius_km * 1000.0 + 0.5);
    request.points_radius_m = static_cast<int64_t>(o.points_radius_km * 1000.0 + 0.5);
    request.seed = o.seed;
    request.time_limit_s = o.time_limit_s;
    request.date = o.date;
    auto result = logistics::PlanNetwork(**conn, tree, request);
    if (!result) return Fail(AsFlag(result.error(), "--county"));
    std::string out =
        o.format == "json" ? logistics::NetworkJson(*result, tree) + "\n" : logistics::NetworkTable(*result, tree);
    std::fwrite(out.data(), 1, out.size(), stdout);
  } catch (const db::DbError& e) {
    return Fail(Error::Unavailable(std::string("database error: ") + e.what()));
  }
  return 0;
}

int RunImportRoadMatrix(const ImportRoadMatrixOptions& o) {
  // The file first: a mistyped path must not touch the database.
  std::string csv;
  if (std::FILE* f = std::fopen(o.file.c_str(), "rb")) {
    char buffer[1 << 16];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) csv.append(buffer, n);
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) return Fail(Error::Invalid(fmt::format("cannot read {}", o.file)));
  } else {
    return Fail(Error::Invalid(fmt::format("cannot open {}", o.file)));
  }
  auto conn = OpenDatabase(o.db, SchemaMode::kMigrate);
  if (!conn) return Fail(conn.error());
  try {
    regions::RegionTree tree = regions::RegionTree::Load(**conn);
    audit::AuditLog audit(tree);
    auto imported = logistics::ImportRoadMatrix(**conn, tree, &audit, o.county, csv, CommandLineActor());
    if (!imported) {
      Error e = imported.error();
      if (e.field.starts_with("line ")) {
        e.message = o.file + " " + e.message + "; nothing was imported";
        return Fail(e);
      }
      return Fail(AsFlag(e, "--county"));
    }
    std::printf("imported %s into %s: %lld road legs for county %s (replacing %lld)\n", o.file.c_str(),
                (*conn)->Describe().c_str(), static_cast<long long>(imported->pairs), o.county.c_str(),
                static_cast<long long>(imported->replaced));
  } catch (const db::DbError& e) {
    return Fail(Error::Unavailable(std::string("database error: ") + e.what()));
  }
  return 0;
}

}  // namespace fupin::cli
