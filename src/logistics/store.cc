#include "logistics/store.h"

#include <charconv>

#include <fmt/format.h>

#include "db/database.h"

namespace fupin::logistics {
namespace {

constexpr const char* kFacilityColumns =
    "facility_id, county_code, tier, region_code, serves_region_code, name, lon_e6, lat_e6, position_source, "
    "capacity_parcels_per_day, opened_on, closed_on, parent_id, synthetic";

Facility ReadFacility(db::Statement& st) {
  Facility f;
  f.id = st.Int(0);
  f.county_code = st.Text(1);
  f.tier = ParseTier(st.Text(2)).value_or(Tier::kPoint);
  f.region_code = st.Text(3);
  f.serves_region_code = st.Text(4);
  f.name = st.Text(5);
  f.lon_e6 = st.Int(6);
  f.lat_e6 = st.Int(7);
  f.position_source = st.Text(8);
  f.capacity_parcels_per_day = st.Int(9);
  f.opened_on = st.Text(10);
  f.closed_on = st.IsNull(11) ? "" : st.Text(11);
  f.parent_id = st.OptInt(12);
  f.synthetic = st.Int(13) != 0;
  return f;
}

// "[1,2,3]" for a load profile.
std::string JsonInts(const std::vector<int64_t>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "]";
}

std::vector<int64_t> ParseInts(std::string_view text) {
  std::vector<int64_t> out;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '-' || (c >= '0' && c <= '9')) {
      int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), v);
      if (ec != std::errc()) break;
      out.push_back(v);
      i = static_cast<size_t>(end - text.data());
    } else {
      ++i;
    }
  }
  return out;
}

std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

}  // namespace

Result<Config> LoadConfig(db::Connection& conn) {
  Config config;
  auto st = conn.Prepare("SELECT key, value FROM logistics_config ORDER BY key");
  while (st->Step()) {
    std::string key = st->Text(0);
    Status ok = SetConfig(config, key, st->Text(1));
    if (!ok) {
      Error e = ok.error();
      e.message = "logistics_config: " + e.message;
      return e;
    }
  }
  return config;
}

std::vector<Facility> LoadFacilities(db::Connection& conn, std::string_view county_code) {
  std::vector<Facility> out;
  std::unique_ptr<db::Statement> st;
  if (county_code.empty()) {
    st = conn.Prepare(fmt::format("SELECT {} FROM logistics_facilities ORDER BY facility_id", kFacilityColumns));
  } else {
    st = conn.Prepare(fmt::format("SELECT {} FROM logistics_facilities WHERE county_code = ? ORDER BY facility_id",
                                  kFacilityColumns));
    st->Bind(1, county_code);
  }
  while (st->Step()) out.push_back(ReadFacility(*st));
  return out;
}

std::string LatestParcelDate(db::Connection& conn, std::string_view county_code) {
  auto st = conn.Prepare("SELECT MAX(ready_on) FROM logistics_parcels WHERE county_code = ?");
  st->Bind(1, county_code);
  std::string out;
  if (st->Step() && !st->IsNull(0)) out = st->Text(0);
  st->Run();
  return out;
}

std::vector<VillageParcels> LoadDayParcels(db::Connection& conn, std::string_view county_code, std::string_view date) {
  auto st = conn.Prepare(
      "SELECT village_code, township_code, direction, delivery, COUNT(*), SUM(weight_g) FROM logistics_parcels "
      "WHERE county_code = ? AND ready_on = ? GROUP BY village_code, township_code, direction, delivery "
      "ORDER BY village_code, township_code, direction, delivery");
  st->Bind(1, county_code).Bind(2, date);
  std::vector<VillageParcels> out;
  while (st->Step()) {
    std::string village = st->Text(0);
    if (out.empty() || out.back().village_code != village) {
      out.push_back(VillageParcels{});
      out.back().village_code = village;
      out.back().township_code = st->Text(1);
    }
    VillageParcels& v = out.back();
    const bool inbound = st->Text(2) == "inbound";
    const int64_t count = st->Int(4), weight = st->Int(5);
    if (inbound) {
      v.parcels_in += count;
      v.weight_in_g += weight;
      if (!st->IsNull(3) && st->Text(3) == "door") v.door_parcels += count;
    } else {
      v.parcels_out += count;
      v.weight_out_g += weight;
    }
  }
  return out;
}

ParcelRates LoadParcelRates(db::Connection& conn, std::string_view county_code) {
  ParcelRates rates;
  for (const char* direction : {"inbound", "outbound"}) {
    const bool inbound = std::string_view(direction) == "inbound";
    int64_t& days = inbound ? rates.days_in : rates.days_out;
    std::string first;
    auto dates = conn.Prepare(
        "SELECT DISTINCT ready_on FROM logistics_parcels WHERE county_code = ? AND direction = ? "
        "ORDER BY ready_on DESC LIMIT 28");
    dates->Bind(1, county_code).Bind(2, direction);
    while (dates->Step()) {
      first = dates->Text(0);
      ++days;
    }
    if (days == 0) continue;
    auto st = conn.Prepare(
        "SELECT village_code, COUNT(*), SUM(weight_g) FROM logistics_parcels WHERE county_code = ? AND "
        "direction = ? AND ready_on >= ? GROUP BY village_code ORDER BY village_code");
    st->Bind(1, county_code).Bind(2, direction).Bind(3, first);
    while (st->Step()) {
      VillageRate& r = rates.villages[st->Text(0)];
      (inbound ? r.in_milli : r.out_milli) = DivRound(st->Int(1) * 1000, days);
      (inbound ? r.weight_in_g : r.weight_out_g) = DivRound(st->Int(2), days);
    }
  }
  return rates;
}

std::map<std::string, Position> LoadPositions(db::Connection& conn, std::string_view county_code) {
  std::map<std::string, Position> out;
  // The published coordinates of the regions table (the demo marks its own "demo: …").
  auto published = conn.Prepare(
      "SELECT code, lon_e6, lat_e6, coord_source FROM regions WHERE lon_e6 IS NOT NULL AND lat_e6 IS NOT NULL "
      "AND (code = ? OR parent_code = ? OR parent_code IN (SELECT code FROM regions WHERE parent_code = ?))");
  published->Bind(1, county_code).Bind(2, county_code).Bind(3, county_code);
  while (published->Step()) {
    std::string source = published->IsNull(3) ? "" : published->Text(3);
    if (source.starts_with("demo:")) continue;
    out[published->Text(0)] = Position{published->Int(1), published->Int(2), "published"};
  }
  auto st = conn.Prepare("SELECT code, lon_e6, lat_e6, source FROM region_positions WHERE county_code = ?");
  st->Bind(1, county_code);
  while (st->Step()) out[st->Text(0)] = Position{st->Int(1), st->Int(2), st->Text(3)};
  return out;
}

std::map<std::string, int64_t> LoadHouseholds(db::Connection& conn, std::string_view county_code) {
  std::map<std::string, int64_t> out;
  auto st = conn.Prepare(
      "SELECT village_code, CAST(SUM(households) AS BIGINT) FROM household_year_counts WHERE county_code = ? AND year = "
      "(SELECT MAX(year) FROM household_year_counts WHERE county_code = ?) GROUP BY village_code");
  st->Bind(1, county_code).Bind(2, county_code);
  while (st->Step()) out[st->Text(0)] = st->Int(1);
  return out;
}

const char* ScopeName(Scope scope) { return scope == Scope::kCounty ? "county" : "station"; }

void LockCountyPlans(db::Connection& conn, std::string_view county_code) {
  if (conn.dialect() != db::Dialect::kPostgres) return;
  // NO KEY UPDATE: rows that only refer to the region (their foreign keys)
  // are not held up.
  auto lock = conn.Prepare("SELECT code FROM regions WHERE code = ? FOR NO KEY UPDATE");
  lock->Bind(1, county_code).Run();
}

SavedPlan SavePlan(db::Connection& conn, const PlanHeader& h, const CountyPlan& plan) {
  auto remove_rows = [&](int64_t plan_id) {
    for (const char* sql :
         {"DELETE FROM logistics_route_stops WHERE plan_id = ?",
          "DELETE FROM logistics_plan_villages WHERE plan_id = ?", "DELETE FROM logistics_routes WHERE plan_id = ?"}) {
      conn.Prepare(sql)->Bind(1, plan_id).Run();
    }
  };
  if (h.scope == Scope::kCounty) {
    std::vector<int64_t> stations;
    auto find = conn.Prepare(
        "SELECT plan_id FROM logistics_plans WHERE plan_date = ? AND county_code = ? AND scope = 'station' "
        "ORDER BY plan_id");
    find->Bind(1, h.date).Bind(2, h.county_code);
    while (find->Step()) stations.push_back(find->Int(0));
    for (int64_t id : stations) {
      remove_rows(id);
      conn.Prepare("DELETE FROM logistics_plans WHERE plan_id = ?")->Bind(1, id).Run();
    }
  }
  PlanTotals t = Totals(plan);
  auto insert = conn.Prepare(
      "INSERT INTO logistics_plans (plan_date, county_code, region_code, scope, computed_at, computed_by, seed, "
      "routes, villages, villages_losing, parcels_in, parcels_out, weight_in_g, weight_out_g, distance_m, "
      "duration_s, cost_fen, revenue_fen, solver_ms, note) VALUES (" +
      Placeholders(20) +
      ") ON CONFLICT (plan_date, region_code) DO UPDATE SET county_code = excluded.county_code, "
      "scope = excluded.scope, computed_at = excluded.computed_at, computed_by = excluded.computed_by, "
      "seed = excluded.seed, routes = excluded.routes, villages = excluded.villages, "
      "villages_losing = excluded.villages_losing, parcels_in = excluded.parcels_in, "
      "parcels_out = excluded.parcels_out, weight_in_g = excluded.weight_in_g, weight_out_g = excluded.weight_out_g, "
      "distance_m = excluded.distance_m, duration_s = excluded.duration_s, cost_fen = excluded.cost_fen, "
      "revenue_fen = excluded.revenue_fen, solver_ms = excluded.solver_ms, note = excluded.note "
      "RETURNING plan_id");
  insert->Bind(1, h.date).Bind(2, h.county_code).Bind(3, h.region_code).Bind(4, ScopeName(h.scope));
  insert->Bind(5, h.computed_at).Bind(6, h.computed_by).Bind(7, static_cast<int64_t>(h.seed));
  insert->Bind(8, t.routes).Bind(9, t.villages).Bind(10, t.villages_losing).Bind(11, t.parcels_in);
  insert->Bind(12, t.parcels_out).Bind(13, t.weight_in_g).Bind(14, t.weight_out_g).Bind(15, t.distance_m);
  insert->Bind(16, t.duration_s).Bind(17, t.cost_fen).Bind(18, t.revenue_fen).Bind(19, h.solver_ms).Bind(20, h.note);
  if (!insert->Step()) throw db::DbError("INSERT INTO logistics_plans … RETURNING gave no row");
  SavedPlan saved;
  const int64_t plan_id = saved.plan_id = insert->Int(0);
  insert->Run();  // to the end: an active RETURNING statement blocks COMMIT on SQLite
  // The rows of the plan it replaces (none when it is new).
  remove_rows(plan_id);

  auto route = conn.Prepare(
      "INSERT INTO logistics_routes (plan_id, county_code, tier, facility_id, seq, capacity_g, distance_m, "
      "duration_s, cost_fen, delivery_g, pickup_g, max_load_g, load_profile, distance_source) VALUES (" +
      Placeholders(14) + ") RETURNING route_id");
  auto stop = conn.Prepare(
      "INSERT INTO logistics_route_stops (route_id, seq, plan_id, county_code, region_code, facility_id, part, "
      "parts, delivery_g, pickup_g, parcels_in, parcels_out, load_after_g, distance_from_prev_m, arrival_s, "
      "round_trip_m, cost_share_fen) VALUES (" +
      Placeholders(17) + ")");
  for (const PlannedRoute& r : plan.routes) {
    route->Bind(1, plan_id).Bind(2, h.county_code).Bind(3, TierName(r.tier)).Bind(4, r.facility_id);
    route->Bind(5, r.seq).Bind(6, r.capacity_g).Bind(7, r.distance_m).Bind(8, r.duration_s).Bind(9, r.cost_fen);
    route->Bind(10, r.delivery_g).Bind(11, r.pickup_g).Bind(12, r.max_load_g).Bind(13, JsonInts(r.load_profile_g));
    route->Bind(14, DistanceSourceName(r.distance_source));
    if (!route->Step()) throw db::DbError("INSERT INTO logistics_routes … RETURNING gave no row");
    const int64_t route_id = route->Int(0);
    saved.route_ids.push_back(route_id);
    route->Run();
    int seq = 0;
    for (const PlannedStop& s : r.stops) {
      stop->Bind(1, route_id).Bind(2, ++seq).Bind(3, plan_id).Bind(4, h.county_code).Bind(5, s.region_code);
      stop->Bind(6, s.facility_id).Bind(7, s.part).Bind(8, s.parts).Bind(9, s.delivery_g).Bind(10, s.pickup_g);
      stop->Bind(11, s.parcels_in).Bind(12, s.parcels_out).Bind(13, s.load_after_g);
      stop->Bind(14, s.distance_from_prev_m).Bind(15, s.arrival_s).Bind(16, s.round_trip_m);
      stop->Bind(17, s.cost_share_fen).Run();
    }
  }
  auto village = conn.Prepare(
      "INSERT INTO logistics_plan_villages (plan_id, village_code, county_code, township_code, served, parcels_in, "
      "parcels_out, weight_in_g, weight_out_g, route_cost_fen, center_cost_fen, cost_fen, cost_per_parcel_fen, "
      "revenue_fen, revenue_per_parcel_fen, margin_fen, breaks_even, break_even_parcels_per_run, "
      "break_even_runs_per_week) VALUES (" +
      Placeholders(19) + ")");
  for (const PlannedVillage& v : plan.villages) {
    const Economics& e = v.economics;
    village->Bind(1, plan_id).Bind(2, v.village_code).Bind(3, h.county_code).Bind(4, v.township_code);
    village->Bind(5, ServedName(v.served)).Bind(6, v.parcels_in).Bind(7, v.parcels_out).Bind(8, v.weight_in_g);
    village->Bind(9, v.weight_out_g).Bind(10, v.route_cost_fen).Bind(11, v.center_cost_fen).Bind(12, v.cost_fen);
    village->Bind(13, e.cost_per_parcel_fen).Bind(14, e.revenue_fen).Bind(15, e.revenue_per_parcel_fen);
    village->Bind(16, e.margin_fen).Bind(17, e.breaks_even ? 1 : 0).Bind(18, e.break_even_parcels_per_run);
    village->Bind(19, e.break_even_runs_per_week).Run();
  }
  return saved;
}

std::vector<StoredPlan> LoadPlans(db::Connection& conn, std::string_view date,
                                  const std::vector<std::string>& counties) {
  std::vector<StoredPlan> out;
  if (counties.empty()) return out;
  auto plans = conn.Prepare(
      "SELECT plan_id, plan_date, county_code, region_code, scope, computed_at, computed_by, seed, solver_ms, note, "
      "routes, villages, villages_losing, parcels_in, parcels_out, weight_in_g, weight_out_g, distance_m, "
      "duration_s, cost_fen, revenue_fen FROM logistics_plans WHERE plan_date = ? AND county_code IN (" +
      Placeholders(counties.size()) + ") ORDER BY county_code, region_code");
  plans->Bind(1, date);
  for (size_t i = 0; i < counties.size(); ++i) plans->Bind(static_cast<int>(i) + 2, counties[i]);
  while (plans->Step()) {
    StoredPlan p;
    PlanHeader& h = p.header;
    h.id = plans->Int(0);
    h.date = plans->Text(1);
    h.county_code = plans->Text(2);
    h.region_code = plans->Text(3);
    h.scope = plans->Text(4) == "station" ? Scope::kStation : Scope::kCounty;
    h.computed_at = plans->Text(5);
    h.computed_by = plans->Text(6);
    h.seed = static_cast<uint64_t>(plans->Int(7));
    h.solver_ms = plans->Int(8);
    h.note = plans->Text(9);
    PlanTotals& t = p.totals;
    t.routes = plans->Int(10);
    t.villages = plans->Int(11);
    t.villages_losing = plans->Int(12);
    t.parcels_in = plans->Int(13);
    t.parcels_out = plans->Int(14);
    t.weight_in_g = plans->Int(15);
    t.weight_out_g = plans->Int(16);
    t.distance_m = plans->Int(17);
    t.duration_s = plans->Int(18);
    t.cost_fen = plans->Int(19);
    t.revenue_fen = plans->Int(20);
    p.plan.county_code = h.county_code;
    out.push_back(std::move(p));
  }
  auto routes = conn.Prepare(
      "SELECT r.route_id, r.tier, r.facility_id, f.region_code, r.seq, r.capacity_g, r.distance_m, r.duration_s, "
      "r.cost_fen, r.delivery_g, r.pickup_g, r.max_load_g, r.load_profile, r.distance_source FROM logistics_routes r "
      "JOIN logistics_facilities f ON f.facility_id = r.facility_id WHERE r.plan_id = ? "
      "ORDER BY CASE r.tier WHEN 'station' THEN 0 ELSE 1 END, r.facility_id, r.seq");
  auto stops = conn.Prepare(
      "SELECT region_code, facility_id, part, parts, delivery_g, pickup_g, parcels_in, parcels_out, load_after_g, "
      "distance_from_prev_m, arrival_s, round_trip_m, cost_share_fen FROM logistics_route_stops WHERE route_id = ? "
      "ORDER BY seq");
  auto villages = conn.Prepare(
      "SELECT village_code, township_code, served, parcels_in, parcels_out, weight_in_g, weight_out_g, "
      "route_cost_fen, center_cost_fen, cost_fen, cost_per_parcel_fen, revenue_fen, revenue_per_parcel_fen, "
      "margin_fen, breaks_even, break_even_parcels_per_run, break_even_runs_per_week FROM logistics_plan_villages "
      "WHERE plan_id = ? ORDER BY village_code");
  for (StoredPlan& p : out) {
    routes->Bind(1, p.header.id);
    while (routes->Step()) {
      PlannedRoute r;
      p.route_ids.push_back(routes->Int(0));
      r.tier = routes->Text(1) == "center" ? Tier::kCenter : Tier::kStation;
      r.facility_id = routes->Int(2);
      r.depot_region_code = routes->Text(3);
      r.seq = static_cast<int>(routes->Int(4));
      r.capacity_g = routes->Int(5);
      r.distance_m = routes->Int(6);
      r.duration_s = routes->Int(7);
      r.cost_fen = routes->Int(8);
      r.delivery_g = routes->Int(9);
      r.pickup_g = routes->Int(10);
      r.max_load_g = routes->Int(11);
      r.load_profile_g = ParseInts(routes->Text(12));
      r.distance_source = ParseDistanceSource(routes->Text(13)).value_or(DistanceSource::kGreatCircle);
      p.plan.routes.push_back(std::move(r));
    }
    for (size_t i = 0; i < p.plan.routes.size(); ++i) {
      stops->Bind(1, p.route_ids[i]);
      while (stops->Step()) {
        PlannedStop s;
        s.region_code = stops->Text(0);
        s.facility_id = stops->Int(1);
        s.part = static_cast<int>(stops->Int(2));
        s.parts = static_cast<int>(stops->Int(3));
        s.delivery_g = stops->Int(4);
        s.pickup_g = stops->Int(5);
        s.parcels_in = stops->Int(6);
        s.parcels_out = stops->Int(7);
        s.load_after_g = stops->Int(8);
        s.distance_from_prev_m = stops->Int(9);
        s.arrival_s = stops->Int(10);
        s.round_trip_m = stops->Int(11);
        s.cost_share_fen = stops->Int(12);
        p.plan.routes[i].stops.push_back(std::move(s));
      }
    }
    villages->Bind(1, p.header.id);
    while (villages->Step()) {
      PlannedVillage v;
      v.village_code = villages->Text(0);
      v.township_code = villages->Text(1);
      v.served = villages->Text(2) == "route" ? Served::kRoute : Served::kFetch;
      v.parcels_in = villages->Int(3);
      v.parcels_out = villages->Int(4);
      v.weight_in_g = villages->Int(5);
      v.weight_out_g = villages->Int(6);
      v.route_cost_fen = villages->Int(7);
      v.center_cost_fen = villages->Int(8);
      v.cost_fen = villages->Int(9);
      Economics& e = v.economics;
      e.parcels = v.parcels_in + v.parcels_out;
      e.cost_per_parcel_fen = villages->Int(10);
      e.revenue_fen = villages->Int(11);
      e.revenue_per_parcel_fen = villages->Int(12);
      e.margin_fen = villages->Int(13);
      e.breaks_even = villages->Int(14) != 0;
      e.break_even_parcels_per_run = villages->Int(15);
      e.break_even_runs_per_week = villages->Int(16);
      p.plan.villages.push_back(std::move(v));
    }
    std::string note = p.header.note;
    for (size_t start = 0; start < note.size();) {
      size_t end = note.find('\n', start);
      if (end == std::string::npos) end = note.size();
      if (end > start) p.plan.notes.push_back(note.substr(start, end - start));
      start = end + 1;
    }
  }
  return out;
}

RoadMatrix LoadRoadMatrix(db::Connection& conn, std::string_view county_code) {
  RoadMatrix out;
  auto st = conn.Prepare(
      "SELECT from_code, to_code, metres, seconds FROM logistics_road_matrix WHERE county_code = ? "
      "ORDER BY from_code, to_code");
  st->Bind(1, county_code);
  while (st->Step()) out[{st->Text(0), st->Text(1)}] = RoadLeg{st->Int(2), st->Int(3)};
  return out;
}

void ReplaceRoadMatrix(db::Connection& conn, std::string_view county_code, const std::vector<RoadEntry>& legs) {
  conn.Prepare("DELETE FROM logistics_road_matrix WHERE county_code = ?")->Bind(1, county_code).Run();
  auto bulk = conn.Bulk("logistics_road_matrix", {"county_code", "from_code", "to_code", "metres", "seconds"});
  for (const RoadEntry& e : legs) {
    bulk->Text(county_code).Text(e.from_code).Text(e.to_code).Int(e.metres).Int(e.seconds);
    bulk->EndRow();
  }
  bulk->Finish();
}

}  // namespace fupin::logistics
