#include "logistics/network.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "base/json_writer.h"
#include "base/money.h"
#include "base/text.h"
#include "db/database.h"
#include "engine/geo.h"
#include "engine/location.h"
#include "logistics/model.h"
#include "logistics/planner.h"
#include "logistics/store.h"
#include "regions/tree.h"

namespace fupin::logistics {
namespace {

using regions::Level;

struct Place {
  std::string code;
  int64_t lon_e6 = 0;
  int64_t lat_e6 = 0;
};

engine::GeoPoint Geo(int64_t lon_e6, int64_t lat_e6) {
  return engine::GeoPoint{static_cast<double>(lon_e6) / 1e6, static_cast<double>(lat_e6) / 1e6};
}

int64_t Road(const Config& config, const Place& a, const Place& b) {
  return std::llround(engine::GreatCircleMetres(Geo(a.lon_e6, a.lat_e6), Geo(b.lon_e6, b.lat_e6)) *
                      static_cast<double>(config.detour_permille) / 1000.0);
}

LocationOutcome Outcome(const char* model, const engine::LocationSolution& s) {
  return LocationOutcome{model, s.objective, s.bound, s.proven_optimal, s.method, s.seconds};
}

// A network's station sites: each a place and the facility id it plans under.
struct Network {
  std::vector<Place> stations;
  std::vector<int64_t> station_ids;
  std::set<std::string> points;
  std::map<std::string, int64_t> point_ids;
};

Result<NetworkMeasures> Measure(const Network& net, const std::vector<Place>& villages,
                                const std::map<std::string, std::string>& township_of,
                                const std::vector<int64_t>& weights, const ParcelRates& rates,
                                const std::optional<Site>& center, const Config& config, int64_t coverage_radius_m,
                                uint64_t seed) {
  NetworkMeasures m;
  for (const Place& s : net.stations) m.stations.push_back(s.code);
  m.points.assign(net.points.begin(), net.points.end());
  m.villages = static_cast<int64_t>(villages.size());
  CountyDay day;
  day.county_code = "";
  day.center = center;
  day.center_tier = center.has_value();
  std::vector<StationDay> stations(net.stations.size());
  for (size_t s = 0; s < net.stations.size(); ++s) {
    stations[s].station =
        Site{net.station_ids[s], net.stations[s].code, net.stations[s].lon_e6, net.stations[s].lat_e6};
  }
  __int128 weighted = 0;
  int64_t total_weight = 0, sum_distance = 0, at_points_milli = 0;
  for (size_t c = 0; c < villages.size(); ++c) {
    const Place& v = villages[c];
    int64_t best = std::numeric_limits<int64_t>::max();
    size_t nearest = 0;
    for (size_t s = 0; s < net.stations.size(); ++s) {
      int64_t d = Road(config, v, net.stations[s]);
      if (d < best) {
        best = d;
        nearest = s;
      }
    }
    m.villages_covered += !net.stations.empty() && best <= coverage_radius_m ? 1 : 0;
    const bool point = net.points.count(v.code) > 0;
    m.villages_with_point += point ? 1 : 0;
    if (!net.stations.empty()) {
      weighted += static_cast<__int128>(weights[c]) * best;
      total_weight += weights[c];
      sum_distance += best;
    }
    auto rate = rates.villages.find(v.code);
    if (rate == rates.villages.end() || net.stations.empty()) continue;
    const VillageRate& r = rate->second;
    if (r.weight_in_g + r.weight_out_g == 0) continue;
    VillageDay vd;
    vd.village_code = v.code;
    vd.township_code = township_of.at(v.code);
    vd.parcels_in = DivRound(r.in_milli, 1000);
    vd.parcels_out = DivRound(r.out_milli, 1000);
    vd.weight_in_g = r.weight_in_g;
    vd.weight_out_g = r.weight_out_g;
    if (point) {
      auto id = net.point_ids.find(v.code);
      vd.point = Site{id == net.point_ids.end() ? 0 : id->second, v.code, v.lon_e6, v.lat_e6};
      at_points_milli += r.in_milli + r.out_milli;
    }
    m.day_parcels_milli += r.in_milli + r.out_milli;
    stations[nearest].villages.push_back(std::move(vd));
  }
  if (net.stations.empty()) return m;  // no distance to a station, no day's cost: not applicable
  if (total_weight > 0) {
    m.mean_distance_m = static_cast<int64_t>((weighted + total_weight / 2) / total_weight);
  } else if (!villages.empty()) {
    m.mean_distance_m = DivRound(sum_distance, static_cast<int64_t>(villages.size()));
  }
  for (StationDay& s : stations) {
    if (!s.villages.empty()) day.stations.push_back(std::move(s));
  }
  m.day_cost_fen = 0;
  if (m.day_parcels_milli > 0) {
    PlanOptions options;
    options.seed = seed;
    Result<std::vector<CountyPlan>> plan = PlanCounties({day}, config, options);
    if (!plan) return plan.error();
    m.day_cost_fen = Totals(plan->front()).cost_fen;
    m.cost_per_parcel_fen = DivRound(*m.day_cost_fen * 1000, m.day_parcels_milli);
    m.parcels_at_points_permille = DivRound(at_points_milli * 1000, m.day_parcels_milli);
  }
  return m;
}

}  // namespace

Result<NetworkResult> PlanNetwork(db::Connection& conn, const regions::RegionTree& tree,
                                  const NetworkRequest& request) {
  if (!regions::IsRegionCode(request.county)) {
    return Error::Invalid(fmt::format("county is a 12-digit region code, not '{}'", request.county), "county");
  }
  Result<const regions::Region*> county = tree.Get(request.county);
  if (!county) return county.error();
  if ((*county)->level != Level::kCounty) {
    return Error::Invalid(fmt::format("{} {} is not a county", (*county)->code, (*county)->name), "county");
  }
  if ((request.stations > 0) == (request.radius_m > 0)) {
    return Error::Invalid("give either a number of stations (p-median) or a radius (set covering)", "stations");
  }
  if (request.points_radius_m <= 0) return Error::Invalid("the points' radius must be positive", "points_radius");
  if (!request.date.empty()) {
    if (Result<int64_t> day = ParseDate(request.date, "date"); !day) return day.error();
  }
  Result<Config> config = LoadConfig(conn);
  if (!config) return config.error();
  std::map<std::string, Position> positions = LoadPositions(conn, request.county);

  // Candidate sites: the towns and townships; clients: the administrative villages.
  std::vector<Place> sites, villages;
  std::map<std::string, std::string> township_of;
  for (const regions::Region* t : tree.Children(request.county)) {
    if (t->kind == "subdistrict") continue;
    auto p = positions.find(t->code);
    if (p != positions.end()) sites.push_back(Place{t->code, p->second.lon_e6, p->second.lat_e6});
    for (const regions::Region* v : tree.Children(t->code)) {
      if (!v->IsAdministrativeVillage()) continue;
      auto q = positions.find(v->code);
      if (q == positions.end()) continue;
      villages.push_back(Place{v->code, q->second.lon_e6, q->second.lat_e6});
      township_of[v->code] = t->code;
    }
  }
  if (sites.empty() || villages.empty()) {
    return Error::Precondition(
        fmt::format("county {} has no positions for its townships or villages (run the demo, "
                    "or fill region_positions)",
                    request.county));
  }
  if (request.stations > static_cast<int>(sites.size())) {
    return Error::Invalid(
        fmt::format("{} stations is more than the county's {} towns and townships", request.stations, sites.size()),
        "stations");
  }
  NetworkResult result;
  result.county = request.county;
  result.points_radius_m = request.points_radius_m;
  result.coverage_radius_m = request.radius_m > 0 ? request.radius_m : kDefaultCoverageRadiusM;

  ParcelRates rates = LoadParcelRates(conn, request.county);
  std::vector<int64_t> weights(villages.size(), 0);
  if (rates.days_in + rates.days_out > 0) {
    result.weights = fmt::format(
        "parcels per day (thousandths): inbound over the county's last {} days with inbound parcels, outbound over "
        "its last {} days with outbound parcels",
        rates.days_in, rates.days_out);
    for (size_t c = 0; c < villages.size(); ++c) {
      auto r = rates.villages.find(villages[c].code);
      if (r != rates.villages.end()) weights[c] = r->second.in_milli + r->second.out_milli;
    }
  } else {
    result.weights = "households (the county has no parcels)";
    std::map<std::string, int64_t> households = LoadHouseholds(conn, request.county);
    for (size_t c = 0; c < villages.size(); ++c) {
      auto h = households.find(villages[c].code);
      if (h != households.end()) weights[c] = h->second;
    }
  }

  // Stations.
  engine::LocationOptions options;
  options.time_limit_s = request.time_limit_s;
  options.seed = request.seed;
  std::vector<size_t> clients;  // indexes of the villages in the station model
  for (size_t c = 0; c < villages.size(); ++c) {
    bool reachable = request.radius_m == 0;
    for (const Place& s : sites) reachable = reachable || Road(*config, villages[c], s) <= request.radius_m;
    if (reachable) {
      clients.push_back(c);
    } else {
      result.uncoverable.push_back(villages[c].code);
    }
  }
  engine::LocationProblem stations;
  stations.clients = static_cast<int>(clients.size());
  stations.sites = static_cast<int>(sites.size());
  for (size_t c : clients) {
    for (const Place& s : sites) stations.distance.push_back(Road(*config, villages[c], s));
    stations.weight.push_back(weights[c]);
  }
  if (request.stations > 0) {
    stations.objective = engine::LocationObjective::kPMedian;
    stations.p = request.stations;
  } else {
    stations.objective = engine::LocationObjective::kSetCovering;
    stations.radius = request.radius_m;
  }
  Network proposed;
  if (!clients.empty()) {
    Result<engine::LocationSolution> solved = engine::SolveLocation(stations, options);
    if (!solved) return Error::Internal("locating the stations failed: " + solved.error().message);
    if (Result<int64_t> checked = engine::CheckLocation(stations, *solved); !checked) {
      return Error::Internal("the stations found are not a solution: " + checked.error().message);
    }
    result.station_model = Outcome(request.stations > 0 ? "p-median" : "set covering", *solved);
    for (int s : solved->open) {
      proposed.stations.push_back(sites[static_cast<size_t>(s)]);
      proposed.station_ids.push_back(-1 - s);  // not facilities yet
    }
  } else {
    result.station_model.model = "set covering";
  }

  // Village points: every village within R2 of a point.
  engine::LocationProblem points;
  points.clients = static_cast<int>(villages.size());
  points.sites = static_cast<int>(villages.size());
  for (const Place& a : villages) {
    for (const Place& b : villages) points.distance.push_back(Road(*config, a, b));
  }
  points.objective = engine::LocationObjective::kSetCovering;
  points.radius = request.points_radius_m;
  Result<engine::LocationSolution> covered = engine::SolveLocation(points, options);
  if (!covered) return Error::Internal("locating the village points failed: " + covered.error().message);
  if (Result<int64_t> checked = engine::CheckLocation(points, *covered); !checked) {
    return Error::Internal("the village points found are not a solution: " + checked.error().message);
  }
  result.point_model = Outcome("set covering", *covered);
  for (int s : covered->open) proposed.points.insert(villages[static_cast<size_t>(s)].code);

  // The existing network: the facilities open on the day.
  result.existing_on = request.date.empty() ? LatestParcelDate(conn, request.county) : request.date;
  Network existing;
  std::optional<Site> center;
  for (const Facility& f : LoadFacilities(conn, request.county)) {
    if (result.existing_on.empty() ? !f.closed_on.empty() : !f.OpenOn(result.existing_on)) continue;
    if (f.tier == Tier::kCenter) center = Site{f.id, f.region_code, f.lon_e6, f.lat_e6};
    if (f.tier == Tier::kStation) {
      existing.stations.push_back(Place{f.serves_region_code, f.lon_e6, f.lat_e6});
      existing.station_ids.push_back(f.id);
    }
    if (f.tier == Tier::kPoint) {
      existing.points.insert(f.serves_region_code);
      existing.point_ids[f.serves_region_code] = f.id;
    }
  }
  Result<NetworkMeasures> before =
      Measure(existing, villages, township_of, weights, rates, center, *config, result.coverage_radius_m, request.seed);
  if (!before) return before.error();
  Result<NetworkMeasures> after =
      Measure(proposed, villages, township_of, weights, rates, center, *config, result.coverage_radius_m, request.seed);
  if (!after) return after.error();
  result.existing = std::move(*before);
  result.proposed = std::move(*after);
  return result;
}

namespace {

void WriteMeasures(json::Writer& w, const NetworkMeasures& m) {
  w.BeginObject();
  w.Key("stations").BeginArray();
  for (const std::string& s : m.stations) w.String(s);
  w.EndArray();
  w.Key("points").BeginArray();
  for (const std::string& p : m.points) w.String(p);
  w.EndArray();
  w.Key("villages").Int(m.villages);
  w.Key("villages_covered").Int(m.villages_covered);
  w.Key("villages_with_point").Int(m.villages_with_point);
  auto optional = [&](const char* key, const std::optional<int64_t>& v) {
    w.Key(key);
    if (v) {
      w.Int(*v);
    } else {
      w.Null();
    }
  };
  optional("mean_distance_m", m.mean_distance_m);
  w.Key("day_parcels_milli").Int(m.day_parcels_milli);
  optional("day_cost_fen", m.day_cost_fen);
  optional("cost_per_parcel_fen", m.cost_per_parcel_fen);
  optional("parcels_at_points_permille", m.parcels_at_points_permille);
  w.EndObject();
}

void WriteOutcome(json::Writer& w, const LocationOutcome& o) {
  w.BeginObject();
  w.Key("model").String(o.model);
  w.Key("objective").Int(o.objective);
  w.Key("bound").Int(o.bound);
  w.Key("proven_optimal").Bool(o.proven_optimal);
  w.Key("method").String(o.method);
  w.Key("seconds").Raw(fmt::format("{:.3f}", o.seconds));
  w.EndObject();
}

std::string Names(const std::vector<std::string>& codes, const regions::RegionTree& tree) {
  std::string out;
  for (const std::string& c : codes) {
    const regions::Region* r = tree.Find(c);
    if (!out.empty()) out += ", ";
    out += r ? r->name : c;
  }
  return out;
}

}  // namespace

std::string NetworkJson(const NetworkResult& r, const regions::RegionTree& tree) {
  json::Writer w;
  w.BeginObject();
  w.Key("county").String(r.county);
  w.Key("weights").String(r.weights);
  w.Key("coverage_radius_m").Int(r.coverage_radius_m);
  w.Key("points_radius_m").Int(r.points_radius_m);
  w.Key("existing_on").StringOrNull(r.existing_on);
  w.Key("station_model");
  WriteOutcome(w, r.station_model);
  w.Key("point_model");
  WriteOutcome(w, r.point_model);
  w.Key("uncoverable").BeginArray();
  for (const std::string& v : r.uncoverable) w.String(v);
  w.EndArray();
  w.Key("existing");
  WriteMeasures(w, r.existing);
  w.Key("proposed");
  WriteMeasures(w, r.proposed);
  w.EndObject();
  return w.Take();
}

std::string NetworkTable(const NetworkResult& r, const regions::RegionTree& tree) {
  const regions::Region* county = tree.Find(r.county);
  std::string out =
      fmt::format("Network plan for {} {} (weights: {})\n\n", r.county, county ? county->name : "", r.weights);
  auto model = [](const LocationOutcome& o) {
    return fmt::format("{}: objective {}, bound {}, {} ({}, {:.2f} s)", o.model, text::Grouped(o.objective),
                       text::Grouped(o.bound), o.proven_optimal ? "proven optimal" : "NOT proven optimal", o.method,
                       o.seconds);
  };
  out += "Stations   " + model(r.station_model) + "\n";
  out += fmt::format("Points     {} (radius {} km)\n", model(r.point_model),
                     text::FormatFixed(r.points_radius_m / 100, 1));
  if (!r.uncoverable.empty()) {
    out += fmt::format("Farther than the radius from every township seat ({}): {}\n", r.uncoverable.size(),
                       Names(r.uncoverable, tree));
  }
  auto row = [](const char* what, const std::string& a, const std::string& b) {
    return fmt::format("  {:<44}{:>14}{:>14}\n", what, a, b);
  };
  const NetworkMeasures& e = r.existing;
  const NetworkMeasures& p = r.proposed;
  out += fmt::format("\nThe existing network: {}.\n",
                     r.existing_on.empty() ? std::string("every facility not closed (the county has no parcels)")
                                           : "the facilities open on " + r.existing_on);
  out += "\n" + row("", "existing", "proposed");
  out += row("stations", std::to_string(e.stations.size()), std::to_string(p.stations.size()));
  out += row("village points", std::to_string(e.points.size()), std::to_string(p.points.size()));
  out +=
      row(fmt::format("villages within {} km of a station", text::FormatFixed(r.coverage_radius_m / 100, 1)).c_str(),
          fmt::format("{}/{}", e.villages_covered, e.villages), fmt::format("{}/{}", p.villages_covered, p.villages));
  out += row("villages with a point", fmt::format("{}/{}", e.villages_with_point, e.villages),
             fmt::format("{}/{}", p.villages_with_point, p.villages));
  // "n/a" where a measure does not apply (no station).
  auto km = [](const std::optional<int64_t>& m) { return m ? text::FormatFixed((*m + 50) / 100, 1) : "n/a"; };
  auto yuan = [](const std::optional<int64_t>& f) { return f ? FormatYuan(Money::FromFen(*f)) : "n/a"; };
  auto percent = [](const std::optional<int64_t>& p) { return p ? text::FormatFixed(*p, 1) : "n/a"; };
  out += row("mean km per parcel to the nearest station", km(e.mean_distance_m), km(p.mean_distance_m));
  out += row("parcels per average day", text::FormatFixed(e.day_parcels_milli / 10, 2),
             text::FormatFixed(p.day_parcels_milli / 10, 2));
  out += row("cost of an average day (yuan)", yuan(e.day_cost_fen), yuan(p.day_cost_fen));
  out += row("cost per parcel (yuan)", yuan(e.cost_per_parcel_fen), yuan(p.cost_per_parcel_fen));
  out += row("parcels delivered at a point (%)", percent(e.parcels_at_points_permille),
             percent(p.parcels_at_points_permille));
  out += "\nProposed stations: " + Names(p.stations, tree) + "\n";
  return out;
}

}  // namespace fupin::logistics
