#include "logistics/service.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>

#include <fmt/format.h>

#include "accounts/model.h"
#include "audit/audit_log.h"
#include "audit/model.h"
#include "base/text.h"
#include "db/database.h"
#include "db/pool.h"
#include "regions/tree.h"

namespace fupin::logistics {
namespace {

using regions::Level;

int64_t SystemNow() { return static_cast<int64_t>(std::time(nullptr)); }

// What a plan request asks for: the plans to make, each a county's or a station's.
struct Target {
  std::string county_code;
  std::string region_code;  // the county, or the station's township
  Scope scope = Scope::kCounty;
};

Site SiteOf(const Facility& f) { return Site{f.id, f.region_code, f.lon_e6, f.lat_e6}; }

VillageDay DayOf(const VillageParcels& p) {
  VillageDay v;
  v.village_code = p.village_code;
  v.township_code = p.township_code;
  v.parcels_in = p.parcels_in;
  v.parcels_out = p.parcels_out;
  v.weight_in_g = p.weight_in_g;
  v.weight_out_g = p.weight_out_g;
  v.door_parcels = p.door_parcels;
  return v;
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

// The part of `p` that a reader of `code`, a region below the plan's own, may
// see: the station routes from depots inside it whole; a station route from
// the depot above it (a village's station) cut to its stops inside it, with
// the cost of those stops and nothing that tells of the others (no distance,
// duration, loads on board, load profile, leg lengths or arrival times); no center tours; its villages;
// the notes about places inside it. Totals from what is kept, the villages'
// part of the center's tours included, so that cost = the villages' costs.
StoredPlan PartOf(StoredPlan p, std::string_view code, const regions::RegionTree& tree) {
  CountyPlan part;
  part.county_code = p.plan.county_code;
  part.solver_seconds = p.plan.solver_seconds;
  std::vector<int64_t> ids;
  for (size_t i = 0; i < p.plan.routes.size(); ++i) {
    PlannedRoute& r = p.plan.routes[i];
    if (r.tier != Tier::kStation) continue;
    if (!tree.Covers(code, r.depot_region_code)) {
      if (!tree.Covers(r.depot_region_code, code)) continue;
      std::vector<PlannedStop> kept;
      for (PlannedStop& s : r.stops) {
        if (tree.Covers(code, s.region_code)) kept.push_back(std::move(s));
      }
      if (kept.empty()) continue;
      r.cut = true;
      r.cost_fen = r.delivery_g = r.pickup_g = 0;
      r.distance_m = r.duration_s = r.max_load_g = 0;
      r.load_profile_g.clear();
      for (PlannedStop& s : kept) {
        r.cost_fen += s.cost_share_fen;
        r.delivery_g += s.delivery_g;
        r.pickup_g += s.pickup_g;
        s.load_after_g = 0;
        s.distance_from_prev_m = s.arrival_s = 0;
      }
      r.stops = std::move(kept);
    }
    part.routes.push_back(std::move(r));
    ids.push_back(i < p.route_ids.size() ? p.route_ids[i] : 0);
  }
  for (PlannedVillage& v : p.plan.villages) {
    if (tree.Covers(code, v.village_code)) part.villages.push_back(std::move(v));
  }
  for (std::string& n : p.plan.notes) {
    std::string_view region = NoteRegion(n);
    if (!region.empty() && tree.Covers(code, region)) part.notes.push_back(std::move(n));
  }
  p.totals = Totals(part);
  for (const PlannedVillage& v : part.villages) p.totals.cost_fen += v.center_cost_fen;
  p.plan = std::move(part);
  p.route_ids = std::move(ids);
  p.partial = true;
  return p;
}

}  // namespace

PlanService::PlanService(db::Pool& pool, const regions::RegionTree& tree, const audit::AuditLog* audit,
                         PlanOptions options, Clock clock)
    : pool_(pool), tree_(tree), audit_(audit), options_(options), clock_(clock ? std::move(clock) : SystemNow) {}

Result<PlanRun> PlanService::Plan(const Actor& actor, const PlanRequest& request) const {
  const auto started = std::chrono::steady_clock::now();
  if (Result<int64_t> day = ParseDate(request.date, "date"); !day) return day.error();
  if (request.seed < 1 || request.seed > kMaxSeed) {
    return Error::Invalid(fmt::format("seed is a whole number from 1 to {}, not {}", kMaxSeed, request.seed), "seed");
  }
  // A role that may never plan is told so before anything about the region.
  if (actor.principal) {
    if (Status ok = accounts::Check(tree_, *actor.principal, accounts::Action::kPlanLogistics); !ok) return ok.error();
  }
  // The region asked for, and the plans it means.
  const regions::Region* region = nullptr;
  std::vector<Target> targets;
  if (!request.station.empty()) {
    if (!regions::IsRegionCode(request.station)) {
      return Error::Invalid(fmt::format("station is the 12-digit code of a township, not '{}'", request.station),
                            "station");
    }
    Result<const regions::Region*> r = tree_.Get(request.station);
    if (!r) return r.error();
    if ((*r)->level != Level::kTownship) {
      return Error::Invalid(fmt::format("station is the code of a township; {} {} is a {}", (*r)->code, (*r)->name,
                                        regions::LevelName((*r)->level)),
                            "station");
    }
    region = *r;
  } else {
    std::string code = request.region.empty() && tree_.Root() ? tree_.Root()->code : request.region;
    if (!regions::IsRegionCode(code)) {
      return Error::Invalid(fmt::format("region is a 12-digit region code, not '{}'", code), "region");
    }
    Result<const regions::Region*> r = tree_.Get(code);
    if (!r) return r.error();
    if ((*r)->level == Level::kVillage) {
      return Error::Invalid("plans are made for a township's station, a county or the prefecture, not for a village",
                            "region");
    }
    region = *r;
  }
  if (region->level == Level::kPrefecture) {
    for (const regions::Region* c : tree_.Children(region->code)) targets.push_back({c->code, c->code, Scope::kCounty});
  } else if (region->level == Level::kCounty) {
    targets.push_back({region->code, region->code, Scope::kCounty});
  } else {
    targets.push_back({region->parent_code, region->code, Scope::kStation});
  }
  if (actor.principal) {
    if (Status ok = accounts::Check(tree_, *actor.principal, accounts::Action::kPlanLogistics, region->code); !ok) {
      return ok.error();
    }
  }

  // Read what the day has to move.
  struct Loaded {
    Config config;
    std::vector<CountyDay> days;
  };
  Result<Loaded> loaded = db::WithConnection<Loaded>(pool_, "logistics", [&](db::Connection& conn) -> Result<Loaded> {
    Loaded out;
    Result<Config> config = LoadConfig(conn);
    if (!config) return config.error();
    out.config = *config;
    for (const Target& t : targets) {
      CountyDay day;
      day.county_code = t.county_code;
      day.center_tier = t.scope == Scope::kCounty;
      day.roads = LoadRoadMatrix(conn, t.county_code);
      std::map<std::string, const Facility*> stations, points;  // by the region served, open on the day
      std::vector<Facility> facilities = LoadFacilities(conn, t.county_code);
      const Facility* station_any = nullptr;
      for (const Facility& f : facilities) {
        if (t.scope == Scope::kStation && f.tier == Tier::kStation && f.serves_region_code == t.region_code) {
          station_any = &f;
        }
        if (!f.OpenOn(request.date)) continue;
        if (f.tier == Tier::kCenter) day.center = SiteOf(f);
        if (f.tier == Tier::kStation) stations[f.serves_region_code] = &f;
        if (f.tier == Tier::kPoint) points[f.serves_region_code] = &f;
      }
      if (t.scope == Scope::kStation) {
        const regions::Region* township = tree_.Find(t.region_code);
        if (!station_any) {
          return Error::NotFound(fmt::format("no township station serves {} {}", t.region_code, township->name));
        }
        if (!stations.count(t.region_code)) {
          return Error::Precondition(fmt::format("the station of {} {} is not open on {} (open from {}{}{})",
                                                 t.region_code, township->name, request.date, station_any->opened_on,
                                                 station_any->closed_on.empty() ? "" : " to ", station_any->closed_on));
        }
      }
      std::map<std::string, size_t> station_index;  // township → index in day.stations
      for (const VillageParcels& p : LoadDayParcels(conn, t.county_code, request.date)) {
        if (t.scope == Scope::kStation && p.township_code != t.region_code) continue;
        VillageDay v = DayOf(p);
        auto station = stations.find(p.township_code);
        if (station == stations.end()) {
          day.without_station.push_back(std::move(v));
          continue;
        }
        auto point = points.find(p.village_code);
        if (point != points.end()) v.point = SiteOf(*point->second);
        auto [it, added] = station_index.emplace(p.township_code, day.stations.size());
        if (added) day.stations.push_back(StationDay{SiteOf(*station->second), {}});
        day.stations[it->second].villages.push_back(std::move(v));
      }
      out.days.push_back(std::move(day));
    }
    return out;
  });
  if (!loaded) return loaded.error();

  PlanOptions options = options_;
  options.seed = request.seed;
  Result<std::vector<CountyPlan>> plans = PlanCounties(loaded->days, loaded->config, options);
  if (!plans) return plans.error();

  const std::string computed_at = audit::FormatTimestamp(clock_());
  const std::string computed_by =
      actor.principal ? actor.principal->username : (actor.name.empty() ? std::string("command line") : actor.name);
  Result<PlanRun> saved = db::WithConnection<PlanRun>(pool_, "logistics", [&](db::Connection& conn) -> Result<PlanRun> {
    PlanRun run;
    db::Transaction tx(conn);
    // One writer of a county's plans at a time, the counties locked in code order.
    std::vector<std::string> counties;
    for (const Target& t : targets) counties.push_back(t.county_code);
    std::sort(counties.begin(), counties.end());
    counties.erase(std::unique(counties.begin(), counties.end()), counties.end());
    for (const std::string& c : counties) LockCountyPlans(conn, c);
    int64_t routes = 0, cost = 0;
    for (size_t i = 0; i < targets.size(); ++i) {
      const Target& target = targets[i];
      CountyPlan& plan = (*plans)[i];
      if (plan.villages.empty()) {
        plan.notes.clear();
        plan.notes.push_back(
            fmt::format("{}: no parcels are ready on {}: nothing to route", target.region_code, request.date));
      }
      StoredPlan stored;
      stored.header.date = request.date;
      stored.header.county_code = target.county_code;
      stored.header.region_code = target.region_code;
      stored.header.scope = target.scope;
      stored.header.computed_at = computed_at;
      stored.header.computed_by = computed_by;
      stored.header.seed = request.seed;
      stored.header.solver_ms = std::llround(plan.solver_seconds * 1000.0);
      if (target.scope == Scope::kStation) {
        // A county plan of the day holds this station's tours already: they
        // are replaced inside it, so that the day has one plan per station.
        std::vector<StoredPlan> stored_plans = LoadPlans(conn, request.date, {target.county_code});
        auto county = std::find_if(stored_plans.begin(), stored_plans.end(),
                                   [](const StoredPlan& p) { return p.header.scope == Scope::kCounty; });
        if (county != stored_plans.end()) {
          plan.notes.push_back(fmt::format("{}: the station's tours were planned again on {} by {} (seed {})",
                                           target.region_code, computed_at, computed_by, request.seed));
          MergeStationPlan(county->plan, std::move(plan), target.region_code, loaded->config);
          county->header.note = JoinLines(county->plan.notes);
          SavePlan(conn, county->header, county->plan);
          for (StoredPlan& p : LoadPlans(conn, request.date, {target.county_code})) {
            if (p.header.scope != Scope::kCounty) continue;
            stored = PartOf(std::move(p), target.region_code, tree_);
          }
          routes += stored.totals.routes;
          cost += stored.totals.cost_fen;
          run.plans.push_back(std::move(stored));
          continue;
        }
      }
      stored.header.note = JoinLines(plan.notes);
      SavedPlan ids = SavePlan(conn, stored.header, plan);
      stored.header.id = ids.plan_id;
      stored.route_ids = std::move(ids.route_ids);
      stored.totals = Totals(plan);
      routes += stored.totals.routes;
      cost += stored.totals.cost_fen;
      stored.plan = std::move(plan);
      run.plans.push_back(std::move(stored));
    }
    if (audit_) {
      audit::Entry e;
      e.action = "logistics.plan";
      e.target = fmt::format("plan:{}:{}", request.date, region->code);
      e.region_code = region->code;
      e.detail =
          fmt::format("{} plan(s), {} route(s), cost {} fen, seed {}", run.plans.size(), routes, cost, request.seed);
      audit_->Append(conn, actor.principal, actor.remote_address, e);
    }
    tx.Commit();
    return run;
  });
  if (!saved) return saved.error();
  saved->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return saved;
}

std::vector<std::string> PlanService::CountiesOf(const regions::Region& region) const {
  std::vector<std::string> counties;
  if (region.level == Level::kPrefecture) {
    for (const regions::Region* c : tree_.Children(region.code)) counties.push_back(c->code);
  } else if (const regions::Region* c = tree_.AncestorAt(region.code, Level::kCounty)) {
    counties.push_back(c->code);
  }
  return counties;
}

Result<const regions::Region*> PlanService::ReadableRegion(const Actor& actor, std::string_view region_code) const {
  std::string code(region_code);
  if (code.empty()) code = actor.principal ? actor.principal->region_code : (tree_.Root() ? tree_.Root()->code : "");
  if (!regions::IsRegionCode(code)) {
    return Error::Invalid(fmt::format("region is a 12-digit region code, not '{}'", code), "region");
  }
  Result<const regions::Region*> region = tree_.Get(code);
  if (!region) return region.error();
  if (actor.principal) {
    if (Status ok = accounts::Check(tree_, *actor.principal, accounts::Action::kReadLogistics, code); !ok) {
      return ok.error();
    }
  }
  return region;
}

Result<std::vector<StoredPlan>> PlanService::Plans(const Actor& actor, std::string_view date,
                                                   std::string_view region_code) const {
  if (Result<int64_t> day = ParseDate(date, "date"); !day) return day.error();
  Result<const regions::Region*> region = ReadableRegion(actor, region_code);
  if (!region) return region.error();
  const std::string code = (*region)->code;
  const std::vector<std::string> counties = CountiesOf(**region);
  return db::WithConnection<std::vector<StoredPlan>>(
      pool_, "logistics", [&](db::Connection& conn) -> Result<std::vector<StoredPlan>> {
        std::vector<StoredPlan> out;
        for (StoredPlan& p : LoadPlans(conn, date, counties)) {
          if (tree_.Covers(code, p.header.region_code)) {
            out.push_back(std::move(p));
          } else if (tree_.Covers(p.header.region_code, code)) {
            out.push_back(PartOf(std::move(p), code, tree_));  // the plan around the region: its part inside it
          }
        }
        return out;
      });
}

Result<std::string> PlanService::LatestPlanDate(const Actor& actor, std::string_view region_code) const {
  Result<const regions::Region*> region = ReadableRegion(actor, region_code);
  if (!region) return region.error();
  const std::string code = (*region)->code;
  // The plans Plans() shows for the region: those of the region or a region
  // inside it (their codes share the region's prefix: 4 digits for the
  // prefecture, 6 a county, 9 a township, 12 a village), and those of a
  // region around it (an ancestor). One query over the county index.
  const std::vector<std::string> counties = CountiesOf(**region);
  if (counties.empty()) return std::string();
  const Level level = (*region)->level;
  const size_t prefix = level == Level::kPrefecture ? 4 : level == Level::kCounty ? 6 : level == Level::kTownship ? 9 : 12;
  std::vector<std::string> around;
  for (const regions::Region* a : tree_.Ancestors(code)) around.push_back(a->code);
  around.push_back(code);
  auto marks = [](size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
    return out;
  };
  const std::string sql = fmt::format(
      "SELECT MAX(plan_date) FROM logistics_plans WHERE county_code IN ({}) AND (substr(region_code, 1, {}) = ? OR "
      "region_code IN ({}))",
      marks(counties.size()), prefix, marks(around.size()));
  return db::WithConnection<std::string>(pool_, "logistics", [&](db::Connection& conn) -> Result<std::string> {
    auto st = conn.Prepare(sql);
    int at = 1;
    for (const std::string& c : counties) st->Bind(at++, c);
    st->Bind(at++, code.substr(0, prefix));
    for (const std::string& a : around) st->Bind(at++, a);
    std::string day;
    if (st->Step() && !st->IsNull(0)) day = st->Text(0);
    st->Run();
    return day;
  });
}

Result<std::vector<Facility>> PlanService::Facilities(const Actor& actor, std::string_view region_code,
                                                      std::string_view date) const {
  if (!date.empty()) {
    if (Result<int64_t> day = ParseDate(date, "date"); !day) return day.error();
  }
  Result<const regions::Region*> region = ReadableRegion(actor, region_code);
  if (!region) return region.error();
  const std::string code = (*region)->code;
  const regions::Region* county = tree_.AncestorAt(code, Level::kCounty);
  const std::string county_code = (*region)->level == Level::kPrefecture || !county ? "" : county->code;
  return db::WithConnection<std::vector<Facility>>(pool_, "logistics",
                                                   [&](db::Connection& conn) -> Result<std::vector<Facility>> {
                                                     std::vector<Facility> out;
                                                     for (Facility& f : LoadFacilities(conn, county_code)) {
                                                       if (!tree_.Covers(code, f.serves_region_code)) continue;
                                                       if (!date.empty() && !f.OpenOn(date)) continue;
                                                       out.push_back(std::move(f));
                                                     }
                                                     return out;
                                                   });
}

}  // namespace fupin::logistics
