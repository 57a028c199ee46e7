#include "logistics/planner.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "base/text.h"
#include "engine/geo.h"
#include "engine/routing.h"
#include "market/model.h"

namespace fupin::logistics {
namespace {

// One stop of a solver run: a village (or a part of one) or a station.
struct Node {
  std::string region_code;
  int64_t facility_id = 0;
  int64_t lon_e6 = 0;
  int64_t lat_e6 = 0;
  int part = 1;
  int parts = 1;
  Part load;
};

// One solver run: a depot and its stops.
struct Task {
  size_t county = 0;
  Tier tier = Tier::kStation;
  Site depot;
  int64_t capacity_g = 0;
  std::vector<Node> nodes;
  const RoadMatrix* roads = nullptr;  // the county's; never null
  // Filled by Solve.
  std::vector<PlannedRoute> routes;
  double seconds = 0;
  bool stopped_on_clock = false;  // the run reached its safety limit
  bool fallback = false;          // the search found no feasible tours: plain ones in stop order
  std::optional<Error> error;
};

uint64_t Mix(uint64_t seed, uint64_t id) {
  uint64_t z = seed ^ (id * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string Kg(int64_t grams) { return text::Grouped((grams + 500) / 1000); }

std::string DepotName(const Task& t) {
  return fmt::format("{} {} (facility {})", t.tier == Tier::kCenter ? "county center of" : "station of",
                     t.depot.region_code, t.depot.facility_id);
}

// Adds `whole` as one node, or several when it is heavier than the vehicle.
// The note of a split concerns the village (a station's tour) or the county
// (its center's tour, naming the station).
void AddNodes(Task& task, const std::string& county_code, const std::string& region, int64_t facility_id,
              int64_t lon_e6, int64_t lat_e6, const Part& whole, std::vector<std::string>& notes) {
  std::vector<Part> parts = SplitForCapacity(whole, task.capacity_g);
  if (parts.size() > 1 && task.tier == Tier::kStation) {
    notes.push_back(
        fmt::format("{}: {} kg to deliver and {} kg to collect exceed the {} kg a station van carries: split into {} "
                    "stops",
                    region, Kg(whole.delivery_g), Kg(whole.pickup_g), Kg(task.capacity_g), parts.size()));
  } else if (parts.size() > 1) {
    notes.push_back(fmt::format(
        "{}: the station of {}: {} kg to deliver and {} kg to collect exceed the {} kg a county truck carries: split "
        "into {} stops",
        county_code, region, Kg(whole.delivery_g), Kg(whole.pickup_g), Kg(task.capacity_g), parts.size()));
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    Node n;
    n.region_code = region;
    n.facility_id = facility_id;
    n.lon_e6 = lon_e6;
    n.lat_e6 = lat_e6;
    n.part = static_cast<int>(i) + 1;
    n.parts = static_cast<int>(parts.size());
    n.load = parts[i];
    task.nodes.push_back(std::move(n));
  }
}

engine::GeoPoint Geo(int64_t lon_e6, int64_t lat_e6) {
  return engine::GeoPoint{static_cast<double>(lon_e6) / 1e6, static_cast<double>(lat_e6) / 1e6};
}

// The distances of one solver run: great circle × detour for every pair, and
// the imported road legs between its places where there are any.
class Legs {
 public:
  Legs(const Task& task, const Config& config) : n_(static_cast<int>(task.nodes.size()) + 1), roads_(*task.roads) {
    std::vector<engine::GeoPoint> points{Geo(task.depot.lon_e6, task.depot.lat_e6)};
    codes_.push_back(task.depot.region_code);
    for (const Node& node : task.nodes) {
      points.push_back(Geo(node.lon_e6, node.lat_e6));
      codes_.push_back(node.region_code);
    }
    great_circle_ = engine::GreatCircleMatrix(points, static_cast<double>(config.detour_permille) / 1000.0,
                                              static_cast<double>(config.speed_kmh));
  }

  int n() const { return n_; }
  const engine::DistanceMatrix& great_circle() const { return great_circle_; }

  // The road leg from node i to node j; 0 between two nodes at the same place
  // (the parts of a split village, a center beside its seat's station).
  std::optional<RoadLeg> Road(int i, int j) const {
    if (codes_[static_cast<size_t>(i)] == codes_[static_cast<size_t>(j)]) return RoadLeg{};
    auto it = roads_.find({codes_[static_cast<size_t>(i)], codes_[static_cast<size_t>(j)]});
    if (it == roads_.end()) return std::nullopt;
    return it->second;
  }

  // The whole run's matrix from the road legs, when every pair has one.
  std::optional<engine::DistanceMatrix> RoadMatrixOfAll() const {
    if (roads_.empty()) return std::nullopt;
    engine::DistanceMatrix m;
    m.n = n_;
    m.metres.assign(static_cast<size_t>(n_) * static_cast<size_t>(n_), 0);
    m.seconds.assign(m.metres.size(), 0);
    for (int i = 0; i < n_; ++i) {
      for (int j = 0; j < n_; ++j) {
        std::optional<RoadLeg> leg = Road(i, j);
        if (!leg) return std::nullopt;
        m.metres[At(i, j)] = leg->metres;
        m.seconds[At(i, j)] = leg->seconds;
      }
    }
    return m;
  }

  // Whether a tour (stops in order) has a road leg for each of its arcs and
  // each of its stops' round trips from the depot.
  bool RoadCovers(const std::vector<int>& tour) const {
    if (roads_.empty()) return false;
    int prev = 0;
    for (int node : tour) {
      if (!Road(prev, node) || !Road(0, node) || !Road(node, 0)) return false;
      prev = node;
    }
    return true;
  }

  size_t At(int i, int j) const { return static_cast<size_t>(i) * static_cast<size_t>(n_) + static_cast<size_t>(j); }

 private:
  int n_;
  const RoadMatrix& roads_;
  std::vector<std::string> codes_;  // node → its place
  engine::DistanceMatrix great_circle_;
};

void Solve(Task& task, const Config& config, const PlanOptions& options) {
  const Legs legs(task, config);
  const int n = legs.n();
  // The search runs on the road matrix when it has every pair, else on great
  // circles; each tour found is then measured on the road where the road
  // covers it.
  const std::optional<engine::DistanceMatrix> road = legs.RoadMatrixOfAll();
  const engine::DistanceMatrix& m = road ? *road : legs.great_circle();
  engine::RoutingProblem problem;
  problem.n = n;
  problem.distance = m.metres;
  problem.travel_time = m.seconds;
  problem.capacity = task.capacity_g;
  problem.delivery.assign(static_cast<size_t>(n), 0);
  problem.pickup.assign(static_cast<size_t>(n), 0);
  problem.service_time.assign(static_cast<size_t>(n), 0);
  for (int i = 1; i < n; ++i) {
    const Part& load = task.nodes[static_cast<size_t>(i - 1)].load;
    problem.delivery[static_cast<size_t>(i)] = load.delivery_g;
    problem.pickup[static_cast<size_t>(i)] = load.pickup_g;
    problem.service_time[static_cast<size_t>(i)] =
        config.service_s_per_stop + load.door_parcels * config.service_s_per_door_parcel;
  }
  engine::RoutingOptions ro;
  ro.time_limit_s = options.time_limit_s;
  // Small tours reach their best long before a large idle budget runs out:
  // the budget grows with the stops, up to the option's.
  ro.max_idle_iterations = std::min<int64_t>(options.max_idle_iterations, 200 + 50 * static_cast<int64_t>(n));
  ro.seed = Mix(options.seed, static_cast<uint64_t>(task.depot.facility_id));
  Result<engine::RoutingSolution> solution = engine::SolveRouting(problem, ro);
  if (!solution) {
    task.error = Error::Internal(fmt::format("routing the {} failed: {}", DepotName(task), solution.error().message));
    return;
  }
  task.seconds = solution->seconds;
  // The search ends on its idle budget or on the clock; only the clock can
  // have stopped it once the limit has passed.
  task.stopped_on_clock = n > 2 && solution->seconds >= options.time_limit_s;
  task.fallback = solution->fallback;
  // Never a silently wrong plan: every tour is checked independently.
  Result<int64_t> checked = engine::CheckRouting(problem, solution->routes);
  if (!checked) {
    task.error = Error::Internal(
        fmt::format("the route found for the {} is not valid: {}", DepotName(task), checked.error().message));
    return;
  }
  int seq = 0;
  for (const std::vector<int>& tour : solution->routes) {
    // This tour's legs: the road's when it covers the tour.
    const bool on_road = road.has_value() || legs.RoadCovers(tour);
    auto metres = [&](int i, int j) { return on_road ? legs.Road(i, j)->metres : m.metres[legs.At(i, j)]; };
    auto seconds = [&](int i, int j) { return on_road ? legs.Road(i, j)->seconds : m.seconds[legs.At(i, j)]; };
    PlannedRoute r;
    r.distance_source = on_road ? DistanceSource::kRoad : DistanceSource::kGreatCircle;
    r.tier = task.tier;
    r.facility_id = task.depot.facility_id;
    r.depot_region_code = task.depot.region_code;
    r.seq = ++seq;
    r.capacity_g = task.capacity_g;
    std::vector<int64_t> delivery, pickup, round_trips;
    int prev = 0;
    int64_t clock = 0;
    for (int node : tour) {
      const Node& nd = task.nodes[static_cast<size_t>(node - 1)];
      PlannedStop s;
      s.region_code = nd.region_code;
      s.facility_id = nd.facility_id;
      s.part = nd.part;
      s.parts = nd.parts;
      s.delivery_g = nd.load.delivery_g;
      s.pickup_g = nd.load.pickup_g;
      s.parcels_in = nd.load.parcels_in;
      s.parcels_out = nd.load.parcels_out;
      s.distance_from_prev_m = metres(prev, node);
      clock += seconds(prev, node);
      s.arrival_s = clock;
      clock += problem.service_time[static_cast<size_t>(node)];
      s.round_trip_m = metres(0, node) + metres(node, 0);
      r.distance_m += s.distance_from_prev_m;
      delivery.push_back(s.delivery_g);
      pickup.push_back(s.pickup_g);
      round_trips.push_back(s.round_trip_m);
      r.delivery_g += s.delivery_g;
      r.pickup_g += s.pickup_g;
      r.stops.push_back(std::move(s));
      prev = node;
    }
    r.distance_m += metres(prev, 0);
    clock += seconds(prev, 0);
    r.duration_s = clock;
    r.load_profile_g = LoadProfile(delivery, pickup);
    r.max_load_g = *std::max_element(r.load_profile_g.begin(), r.load_profile_g.end());
    for (size_t i = 0; i < r.stops.size(); ++i) r.stops[i].load_after_g = r.load_profile_g[i + 1];
    r.cost_fen = RouteCostFen(config, r.distance_m, r.duration_s);
    std::vector<int64_t> shares = ShareCost(r.cost_fen, round_trips);
    for (size_t i = 0; i < r.stops.size(); ++i) r.stops[i].cost_share_fen = shares[i];
    task.routes.push_back(std::move(r));
  }
}

Status CheckVillage(const VillageDay& v) {
  if (v.parcels_in < 0 || v.parcels_out < 0 || v.weight_in_g < 0 || v.weight_out_g < 0 || v.door_parcels < 0 ||
      v.door_parcels > v.parcels_in) {
    return Error::Invalid(fmt::format("village {}: parcel counts and weights must not be negative", v.village_code),
                          "parcels");
  }
  return {};
}

// A station's share of the center's tours passed on to its villages in
// proportion to their parcels (equal weights when none has any).
std::vector<int64_t> CenterCosts(int64_t share, const std::vector<int64_t>& parcels) {
  std::vector<int64_t> weights = parcels;
  if (share <= 0 || weights.empty()) return std::vector<int64_t>(weights.size(), 0);
  bool any = std::any_of(weights.begin(), weights.end(), [](int64_t w) { return w > 0; });
  if (!any) std::fill(weights.begin(), weights.end(), 1);
  return market::Apportion(share, weights);
}

// Cost and economics from the route and center costs.
void Finish(PlannedVillage& p, const Config& config) {
  p.cost_fen = p.route_cost_fen + p.center_cost_fen;
  p.economics = VillageEconomics(config, VillageMoney{p.parcels_in, p.parcels_out, p.cost_fen});
  if (p.served != Served::kRoute) {
    p.economics.break_even_parcels_per_run = 0;
    p.economics.break_even_runs_per_week = 0;
  }
}

void SortVillages(std::vector<PlannedVillage>& villages) {
  std::sort(villages.begin(), villages.end(),
            [](const PlannedVillage& a, const PlannedVillage& b) { return a.village_code < b.village_code; });
}

PlannedVillage Village(const VillageDay& v, Served served) {
  PlannedVillage p;
  p.village_code = v.village_code;
  p.township_code = v.township_code;
  p.served = served;
  p.parcels_in = v.parcels_in;
  p.parcels_out = v.parcels_out;
  p.weight_in_g = v.weight_in_g;
  p.weight_out_g = v.weight_out_g;
  return p;
}

}  // namespace

const char* DistanceSourceName(DistanceSource source) {
  return source == DistanceSource::kRoad ? "road" : "great_circle";
}

std::optional<DistanceSource> ParseDistanceSource(std::string_view name) {
  for (DistanceSource d : {DistanceSource::kGreatCircle, DistanceSource::kRoad}) {
    if (name == DistanceSourceName(d)) return d;
  }
  return std::nullopt;
}

std::string_view NoteRegion(std::string_view note) {
  if (note.size() < 14 || note[12] != ':' || note[13] != ' ') return {};
  std::string_view code = note.substr(0, 12);
  bool digits = std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
  return digits ? code : std::string_view();
}

Result<std::vector<CountyPlan>> PlanCounties(const std::vector<CountyDay>& days, const Config& config,
                                             const PlanOptions& options) {
  std::vector<CountyPlan> plans(days.size());
  std::vector<Task> tasks;
  for (size_t c = 0; c < days.size(); ++c) {
    const CountyDay& day = days[c];
    CountyPlan& plan = plans[c];
    plan.county_code = day.county_code;
    for (const StationDay& s : day.stations) {
      Task t;
      t.county = c;
      t.tier = Tier::kStation;
      t.depot = s.station;
      t.capacity_g = config.van_capacity_g;
      t.roads = &day.roads;
      for (const VillageDay& v : s.villages) {
        if (Status ok = CheckVillage(v); !ok) return ok.error();
        if (!v.point) continue;
        AddNodes(t, day.county_code, v.village_code, v.point->facility_id, v.point->lon_e6, v.point->lat_e6,
                 Part{v.weight_in_g, v.weight_out_g, v.parcels_in, v.parcels_out, v.door_parcels}, plan.notes);
      }
      if (!t.nodes.empty()) tasks.push_back(std::move(t));
    }
    for (const VillageDay& v : day.without_station) {
      if (Status ok = CheckVillage(v); !ok) return ok.error();
    }
    if (day.center_tier && !day.stations.empty()) {
      if (!day.center) {
        plan.notes.push_back(
            fmt::format("{}: no county center is open on the day: the tours from the center "
                        "to the stations are not planned",
                        day.county_code));
      } else {
        Task t;
        t.county = c;
        t.tier = Tier::kCenter;
        t.depot = *day.center;
        t.capacity_g = config.truck_capacity_g;
        t.roads = &day.roads;
        for (const StationDay& s : day.stations) {
          Part total;
          for (const VillageDay& v : s.villages) {
            total.delivery_g += v.weight_in_g;
            total.pickup_g += v.weight_out_g;
            total.parcels_in += v.parcels_in;
            total.parcels_out += v.parcels_out;
          }
          if (total.delivery_g + total.pickup_g == 0) continue;
          AddNodes(t, day.county_code, s.station.region_code, s.station.facility_id, s.station.lon_e6, s.station.lat_e6,
                   total, plan.notes);
        }
        if (!t.nodes.empty()) tasks.push_back(std::move(t));
      }
    }
  }

  // The solver runs, over a small pool of threads; each writes its own task.
  int threads = options.threads;
  if (threads <= 0) threads = static_cast<int>(std::clamp<unsigned>(std::thread::hardware_concurrency(), 1, 4));
  threads = std::max(1, std::min<int>(threads, static_cast<int>(tasks.size())));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < tasks.size(); i = next++) {
      try {
        Solve(tasks[i], config, options);
      } catch (const std::exception& e) {
        tasks[i].error = Error::Internal(fmt::format("routing the {} failed: {}", DepotName(tasks[i]), e.what()));
      }
    }
  };
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) pool.emplace_back(work);
    for (std::thread& t : pool) t.join();
  }
  for (Task& t : tasks) {
    if (t.error) return *t.error;
  }

  // Routes per county: the stations' in input order, then the center's.
  for (Tier tier : {Tier::kStation, Tier::kCenter}) {
    for (Task& t : tasks) {
      if (t.tier != tier) continue;
      CountyPlan& plan = plans[t.county];
      plan.solver_seconds += t.seconds;
      if (t.stopped_on_clock) {
        plan.notes.push_back(fmt::format(
            "{}: the route search of the {} stopped on its {:g} s safety limit before its idle-iteration budget ran "
            "out: its tours may be worse than usual, and the same seed may not give them again",
            t.tier == Tier::kCenter ? days[t.county].county_code : t.depot.region_code, DepotName(t),
            options.time_limit_s));
      }
      if (t.fallback) {
        plan.notes.push_back(fmt::format(
            "{}: the route search of the {} found no feasible tours in time; its tours take the stops in a plain "
            "order, as many per vehicle as fit, and cost more than they need to",
            t.tier == Tier::kCenter ? days[t.county].county_code : t.depot.region_code, DepotName(t)));
      }
      for (PlannedRoute& r : t.routes) plan.routes.push_back(std::move(r));
    }
  }

  // Villages: route cost from their stops, center cost from their station's share.
  for (size_t c = 0; c < days.size(); ++c) {
    const CountyDay& day = days[c];
    CountyPlan& plan = plans[c];
    std::map<std::string, int64_t> route_cost;  // village → its stops' shares
    std::map<int64_t, int64_t> center_share;    // station facility → its stops' shares
    for (const PlannedRoute& r : plan.routes) {
      for (const PlannedStop& s : r.stops) {
        if (r.tier == Tier::kStation) {
          route_cost[s.region_code] += s.cost_share_fen;
        } else {
          center_share[s.facility_id] += s.cost_share_fen;
        }
      }
    }
    for (const StationDay& s : day.stations) {
      std::vector<int64_t> weights;
      for (const VillageDay& v : s.villages) weights.push_back(v.parcels_in + v.parcels_out);
      auto share = center_share.find(s.station.facility_id);
      std::vector<int64_t> center = CenterCosts(share == center_share.end() ? 0 : share->second, weights);
      for (size_t i = 0; i < s.villages.size(); ++i) {
        const VillageDay& v = s.villages[i];
        PlannedVillage p = Village(v, v.point ? Served::kRoute : Served::kFetch);
        auto rc = route_cost.find(v.village_code);
        p.route_cost_fen = rc == route_cost.end() ? 0 : rc->second;
        p.center_cost_fen = center[i];
        plan.villages.push_back(std::move(p));
      }
    }
    for (const VillageDay& v : day.without_station) plan.villages.push_back(Village(v, Served::kFetch));
    for (PlannedVillage& p : plan.villages) Finish(p, config);
    SortVillages(plan.villages);
    if (plan.villages.empty()) {
      plan.notes.push_back(fmt::format("{}: no parcels are ready on the day: nothing to route", day.county_code));
    }
  }
  return plans;
}

void MergeStationPlan(CountyPlan& county, CountyPlan station, const std::string& township, const Config& config) {
  // The places whose notes the station's plan replaces.
  std::set<std::string, std::less<>> places{township};
  for (const PlannedVillage& v : county.villages) {
    if (v.township_code == township) places.insert(v.village_code);
  }
  for (const PlannedVillage& v : station.villages) places.insert(v.village_code);

  // Routes: the other stations', the station's new ones, then the center's.
  std::vector<PlannedRoute> routes;
  for (PlannedRoute& r : county.routes) {
    if (r.tier == Tier::kStation && r.depot_region_code != township) routes.push_back(std::move(r));
  }
  for (PlannedRoute& r : station.routes) {
    if (r.tier == Tier::kStation) routes.push_back(std::move(r));
  }
  int64_t share = 0;  // the station's stops' shares of the center's tours
  for (PlannedRoute& r : county.routes) {
    if (r.tier != Tier::kCenter) continue;
    for (const PlannedStop& s : r.stops) share += s.region_code == township ? s.cost_share_fen : 0;
    routes.push_back(std::move(r));
  }
  county.routes = std::move(routes);

  // Villages: the others as they were; the township's from the station's plan.
  std::vector<PlannedVillage> villages;
  for (PlannedVillage& v : county.villages) {
    if (v.township_code != township) villages.push_back(std::move(v));
  }
  std::vector<int64_t> weights;
  for (const PlannedVillage& v : station.villages) weights.push_back(v.parcels_in + v.parcels_out);
  std::vector<int64_t> center = CenterCosts(share, weights);
  for (size_t i = 0; i < station.villages.size(); ++i) {
    PlannedVillage v = std::move(station.villages[i]);
    v.center_cost_fen = center[i];
    Finish(v, config);
    villages.push_back(std::move(v));
  }
  SortVillages(villages);
  county.villages = std::move(villages);

  std::vector<std::string> notes;
  for (std::string& n : county.notes) {
    if (!places.count(NoteRegion(n))) notes.push_back(std::move(n));
  }
  for (std::string& n : station.notes) notes.push_back(std::move(n));
  county.notes = std::move(notes);
}

PlanTotals Totals(const CountyPlan& plan) {
  PlanTotals t;
  t.routes = static_cast<int64_t>(plan.routes.size());
  for (const PlannedRoute& r : plan.routes) {
    if (!r.cut) {
      t.distance_m += r.distance_m;
      t.duration_s += r.duration_s;
    }
    t.cost_fen += r.cost_fen;
  }
  for (const PlannedVillage& v : plan.villages) {
    ++t.villages;
    t.villages_losing += v.economics.margin_fen < 0 ? 1 : 0;
    t.parcels_in += v.parcels_in;
    t.parcels_out += v.parcels_out;
    t.weight_in_g += v.weight_in_g;
    t.weight_out_g += v.weight_out_g;
    t.revenue_fen += v.economics.revenue_fen;
  }
  return t;
}

}  // namespace fupin::logistics
