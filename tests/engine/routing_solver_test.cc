// SolveRouting (engine/routing.h): every answer on random instances (CVRP and
// VRPSPD, symmetric and asymmetric, with and without a duration limit and a
// fleet limit) judged by a checker written here; repeatability for a seed;
// the error paths; small cases whose optimum is plain by hand. And the local
// search of the solver (engine/hgs_local_search.h) against brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "engine/hgs_data.h"
#include "engine/hgs_individual.h"
#include "engine/hgs_local_search.h"
#include "engine/hgs_split.h"
#include "engine/routing.h"

namespace fupin::engine {
namespace {

using Routes = std::vector<std::vector<int>>;

int64_t Arc(const std::vector<int64_t>& m, int n, int i, int j) { return m[static_cast<size_t>(i) * n + j]; }

bool Mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The test's own judge: returns "" when `solution` is a feasible answer to
// `p` whose cost is right, else what is wrong.
std::string Judge(const RoutingProblem& p, const RoutingSolution& solution) {
  const std::vector<int64_t>& travel = p.travel_time.empty() ? p.distance : p.travel_time;
  if (p.max_vehicles > 0 && solution.routes.size() > static_cast<size_t>(p.max_vehicles)) {
    return "more routes than vehicles: " + std::to_string(solution.routes.size());
  }
  std::vector<int> visits(p.n, 0);
  int64_t cost = 0;
  for (size_t r = 0; r < solution.routes.size(); ++r) {
    const std::vector<int>& route = solution.routes[r];
    const std::string where = "route " + std::to_string(r) + ": ";
    if (route.empty()) return where + "empty";
    int64_t load = 0;
    for (int s : route) {
      if (s <= 0 || s >= p.n) return where + "bad stop " + std::to_string(s);
      ++visits[s];
      load += p.delivery[s];
    }
    if (load > p.capacity) return where + "leaves the depot overloaded";
    int64_t duration = 0;
    int at = 0;
    for (int s : route) {
      cost += Arc(p.distance, p.n, at, s);
      duration += Arc(travel, p.n, at, s) + (p.service_time.empty() ? 0 : p.service_time[s]);
      load += (p.pickup.empty() ? 0 : p.pickup[s]) - p.delivery[s];
      if (load > p.capacity) return where + "overloaded after stop " + std::to_string(s);
      at = s;
    }
    cost += Arc(p.distance, p.n, at, 0);
    duration += Arc(travel, p.n, at, 0);
    if (p.max_duration > 0 && duration > p.max_duration) return where + "too long: " + std::to_string(duration);
  }
  for (int s = 1; s < p.n; ++s) {
    if (visits[s] != 1) return "stop " + std::to_string(s) + " visited " + std::to_string(visits[s]) + " times";
  }
  if (cost != solution.cost) return "cost " + std::to_string(solution.cost) + ", recomputed " + std::to_string(cost);
  return "";
}

struct Shape {
  const char* name;
  bool pickup = false;
  bool asymmetric = false;
  bool duration = false;     // a duration limit, with service times and own travel times
  bool fleet = false;        // the fewest vehicles the loads allow, plus one
};

void PrintTo(const Shape& shape, std::ostream* os) { *os << shape.name; }

// Points in a 1000 x 1000 square, rounded Euclidean distances (stretched and
// shifted at random per direction when asymmetric), capacity 100, deliveries
// 1..40 (and pickups 0..40).
RoutingProblem RandomProblem(const Shape& shape, int stops, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(rng() % (hi - lo + 1)); };
  RoutingProblem p;
  p.n = stops + 1;
  std::vector<double> x(p.n), y(p.n);
  for (int i = 0; i < p.n; ++i) {
    x[i] = static_cast<double>(uniform(0, 1000));
    y[i] = static_cast<double>(uniform(0, 1000));
  }
  p.distance.resize(static_cast<size_t>(p.n) * p.n);
  for (int i = 0; i < p.n; ++i) {
    for (int j = 0; j < p.n; ++j) {
      double d = std::hypot(x[i] - x[j], y[i] - y[j]);
      if (shape.asymmetric && i != j) d = d * (1 + 0.4 * static_cast<double>(uniform(0, 1000)) / 1000) + 30;
      p.distance[static_cast<size_t>(i) * p.n + j] = static_cast<int64_t>(std::floor(d + 0.5));
    }
  }
  p.capacity = 100;
  p.delivery.assign(p.n, 0);
  for (int i = 1; i < p.n; ++i) p.delivery[i] = uniform(1, 40);
  if (shape.pickup) {
    p.pickup.assign(p.n, 0);
    for (int i = 1; i < p.n; ++i) p.pickup[i] = uniform(0, 40);
  }
  if (shape.duration) {
    p.travel_time = p.distance;
    for (int64_t& t : p.travel_time) t = t * 3 / 2;
    p.service_time.assign(p.n, 0);
    for (int i = 1; i < p.n; ++i) p.service_time[i] = uniform(10, 60);
    int64_t longest = 0;  // the farthest stop alone, there and back
    for (int i = 1; i < p.n; ++i) {
      longest = std::max(longest, Arc(p.travel_time, p.n, 0, i) + p.service_time[i] + Arc(p.travel_time, p.n, i, 0));
    }
    p.max_duration = longest + 200;
  }
  if (shape.fleet) {
    int64_t delivery = 0, pickup = 0;
    for (int i = 1; i < p.n; ++i) {
      delivery += p.delivery[i];
      pickup += p.pickup.empty() ? 0 : p.pickup[i];
    }
    p.max_vehicles = static_cast<int>((std::max(delivery, pickup) + p.capacity - 1) / p.capacity) + 1;
  }
  return p;
}

RoutingOptions Quick(uint64_t seed, int64_t idle = 300) {
  RoutingOptions o;
  o.seed = seed;
  o.time_limit_s = 30;  // a safety net only: runs stop by max_idle_iterations
  o.max_idle_iterations = idle;
  return o;
}

class RoutingSolverShapes : public ::testing::TestWithParam<Shape> {};

TEST_P(RoutingSolverShapes, EveryAnswerIsFeasibleAndPricedRight) {
  const Shape& shape = GetParam();
  int runs = 0;
  for (int stops : {8, 23, 40}) {
    for (uint64_t seed = 1; seed <= 2; ++seed) {
      SCOPED_TRACE(std::string(shape.name) + ", " + std::to_string(stops) + " stops, seed " + std::to_string(seed));
      const RoutingProblem p = RandomProblem(shape, stops, seed * 1000 + stops);
      Result<RoutingSolution> solution = SolveRouting(p, Quick(seed, 150));
      if (!solution && shape.fleet && Mentions(solution.error().message, "no feasible solution")) continue;
      ASSERT_TRUE(solution) << solution.error().message;
      EXPECT_EQ(Judge(p, *solution), "");
      EXPECT_LE(solution->seconds_to_best, solution->seconds);
      ++runs;
    }
  }
  EXPECT_GE(runs, 4);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, RoutingSolverShapes,
    ::testing::Values(Shape{"Cvrp"}, Shape{"CvrpAsymmetric", false, true}, Shape{"Vrpspd", true},
                      Shape{"VrpspdAsymmetric", true, true}, Shape{"CvrpDuration", false, false, true},
                      Shape{"VrpspdAsymmetricDuration", true, true, true}, Shape{"CvrpFleet", false, false, false, true},
                      Shape{"VrpspdDurationFleet", true, false, true, true},
                      Shape{"AsymmetricDurationFleet", false, true, true, true}),
    [](const ::testing::TestParamInfo<Shape>& info) { return std::string(info.param.name); });

TEST(RoutingSolver, SameSeedSameRoutes) {
  for (const Shape& shape : {Shape{"Cvrp"}, Shape{"VrpspdAsymmetricDuration", true, true, true}}) {
    SCOPED_TRACE(shape.name);
    const RoutingProblem p = RandomProblem(shape, 35, 77);
    Result<RoutingSolution> a = SolveRouting(p, Quick(5, 200));
    Result<RoutingSolution> b = SolveRouting(p, Quick(5, 200));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->routes, b->routes);
    EXPECT_EQ(a->cost, b->cost);
    EXPECT_EQ(a->iterations, b->iterations);
  }
}

TEST(RoutingSolver, StopsAfterTheIdleIterations) {
  const RoutingProblem p = RandomProblem(Shape{"Cvrp"}, 20, 3);
  Result<RoutingSolution> s = SolveRouting(p, Quick(1, 50));
  ASSERT_TRUE(s) << s.error().message;
  // At least the idle iterations after the last improvement, and not a run to the 30 s limit.
  EXPECT_GE(s->iterations, 50);
  EXPECT_LT(s->iterations, 100000);
}

TEST(RoutingSolver, ReportsEveryImprovementInOrder) {
  const RoutingProblem p = RandomProblem(Shape{"Vrpspd", true}, 40, 9);
  std::vector<int64_t> reported;
  RoutingOptions o = Quick(2, 200);
  o.on_improvement = [&](int64_t cost, double) { reported.push_back(cost); };
  Result<RoutingSolution> s = SolveRouting(p, o);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_FALSE(reported.empty());
  for (size_t i = 1; i < reported.size(); ++i) EXPECT_LT(reported[i], reported[i - 1]);
  EXPECT_EQ(reported.back(), s->cost);
}

TEST(RoutingSolver, HonoursAFleetLimitThatBinds) {
  // Sixty stops of 50 with capacity 100: at least 30 vehicles; exactly 30
  // allowed, so every route carries two stops.
  std::mt19937_64 rng(4);
  RoutingProblem p;
  p.n = 61;
  p.capacity = 100;
  p.delivery.assign(p.n, 50);
  p.delivery[0] = 0;
  std::vector<int64_t> x(p.n), y(p.n);
  for (int i = 0; i < p.n; ++i) {
    x[i] = static_cast<int64_t>(rng() % 100);
    y[i] = static_cast<int64_t>(rng() % 100);
  }
  p.distance.resize(static_cast<size_t>(p.n) * p.n);
  for (int i = 0; i < p.n; ++i) {
    for (int j = 0; j < p.n; ++j) p.distance[static_cast<size_t>(i) * p.n + j] = std::abs(x[i] - x[j]) + std::abs(y[i] - y[j]);
  }
  p.max_vehicles = 30;
  Result<RoutingSolution> s = SolveRouting(p, Quick(1, 200));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(Judge(p, *s), "");
  EXPECT_EQ(s->routes.size(), 30u);
}

// ------------------------------------------------- the local search alone

// Penalised cost of a set of routes, computed here from the problem alone.
double PenalisedCost(const RoutingProblem& p, const Routes& routes, hgs::Penalties pen) {
  const std::vector<int64_t>& travel = p.travel_time.empty() ? p.distance : p.travel_time;
  double cost = 0;
  for (const std::vector<int>& route : routes) {
    if (route.empty()) continue;
    int64_t load = 0, peak = 0, distance = 0, duration = 0;
    for (int s : route) load += p.delivery[s];
    peak = load;
    int at = 0;
    for (int s : route) {
      distance += Arc(p.distance, p.n, at, s);
      duration += Arc(travel, p.n, at, s) + (p.service_time.empty() ? 0 : p.service_time[s]);
      load += (p.pickup.empty() ? 0 : p.pickup[s]) - p.delivery[s];
      peak = std::max(peak, load);
      at = s;
    }
    distance += Arc(p.distance, p.n, at, 0);
    duration += Arc(travel, p.n, at, 0);
    cost += static_cast<double>(distance) + pen.load * static_cast<double>(std::max<int64_t>(0, peak - p.capacity));
    if (p.max_duration > 0) {
      cost += pen.duration * static_cast<double>(std::max<int64_t>(0, duration - p.max_duration));
    }
  }
  return cost;
}

// With at most 21 stops every stop is a neighbour of every other, so once
// the local search stops no relocation of one stop (anywhere, or alone), no
// exchange of two stops and no reversal after a stop within a route may lower
// the penalised cost: checked by brute force with costs recomputed from
// scratch, which catches any move the search prices wrongly.
// The same with the parameters of 40–99 stops (8 neighbours) on 9 stops, where
// 8 neighbours are again all the others.
TEST(RoutingLocalSearch, LeavesNoImprovingSimpleMove) {
  int checked = 0;
  for (const int stops : {18, 9}) {
    // Vidal's parameters (20 neighbours) on 18 stops; those of 40–99 stops on 9.
    const hgs::Params params = stops == 18 ? hgs::Params::ForStops(stops) : hgs::Params::ForStops(60);
    ASSERT_GE(params.granularity, stops - 1);
    for (const Shape& shape : {Shape{"CvrpAsymmetric", false, true}, Shape{"VrpspdAsymmetric", true, true},
                               Shape{"VrpspdAsymmetricDuration", true, true, true}, Shape{"Cvrp"}}) {
      for (uint64_t seed = 1; seed <= 3; ++seed) {
        SCOPED_TRACE(std::string(shape.name) + ", " + std::to_string(stops) + " stops, seed " + std::to_string(seed));
        const RoutingProblem p = RandomProblem(shape, stops, seed * 31);
        const hgs::Data data(p, params);
        hgs::Rng rng(seed);
        hgs::Split split(data);
        hgs::LocalSearch search(data, params, rng);
        // Moderate prices, so that some routes stay over their limits.
        const hgs::Penalties pen{5, 2};
        hgs::Individual indiv(data);
        for (int s = 1; s < p.n; ++s) indiv.giant.push_back(s);
        rng.Shuffle(indiv.giant);
        split.Run(indiv, pen);
        const double before = PenalisedCost(p, indiv.routes, pen);
        search.Run(indiv, pen, hgs::Deadline(60));
        const Routes routes = indiv.routes;
        const double after = PenalisedCost(p, routes, pen);
        EXPECT_LE(after, before + 1e-6);

        auto improves = [&](const Routes& changed) { return PenalisedCost(p, changed, pen) < after - 1e-6; };
        for (size_t a = 0; a < routes.size(); ++a) {
          for (size_t i = 0; i < routes[a].size(); ++i) {
            // Relocate routes[a][i] to every place of every route, or alone.
            Routes without = routes;
            const int stop = without[a][i];
            without[a].erase(without[a].begin() + static_cast<long>(i));
            Routes alone = without;
            alone.push_back({stop});
            EXPECT_FALSE(improves(alone)) << "stop " << stop << " alone";
            for (size_t b = 0; b < without.size(); ++b) {
              for (size_t k = 0; k <= without[b].size(); ++k) {
                Routes moved = without;
                moved[b].insert(moved[b].begin() + static_cast<long>(k), stop);
                EXPECT_FALSE(improves(moved)) << "stop " << stop << " to route " << b << " place " << k;
              }
            }
            // Exchange it with any other stop.
            for (size_t b = 0; b < routes.size(); ++b) {
              for (size_t k = 0; k < routes[b].size(); ++k) {
                Routes swapped = routes;
                std::swap(swapped[a][i], swapped[b][k]);
                EXPECT_FALSE(improves(swapped)) << "swap " << stop << " and " << routes[b][k];
              }
            }
            // Reverse the stops after it up to any later one of its route.
            for (size_t j = i + 2; j < routes[a].size(); ++j) {
              Routes reversed = routes;
              std::reverse(reversed[a].begin() + static_cast<long>(i) + 1,
                           reversed[a].begin() + static_cast<long>(j) + 1);
              EXPECT_FALSE(improves(reversed)) << "reverse after " << stop << " to position " << j;
            }
          }
        }
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 24);
}

// ------------------------------------------------------------- small cases

// A matrix from a table of rows.
RoutingProblem Matrix(const std::vector<std::vector<int64_t>>& rows) {
  RoutingProblem p;
  p.n = static_cast<int>(rows.size());
  for (const auto& row : rows) p.distance.insert(p.distance.end(), row.begin(), row.end());
  p.delivery.assign(p.n, 0);
  return p;
}

TEST(RoutingSolverSmall, DepotAloneHasNoRoutes) {
  RoutingProblem p = Matrix({{0}});
  p.capacity = 10;
  Result<RoutingSolution> s = SolveRouting(p, Quick(1));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->routes.empty());
  EXPECT_EQ(s->cost, 0);
}

TEST(RoutingSolverSmall, OneStopThereAndBack) {
  RoutingProblem p = Matrix({{0, 7}, {9, 0}});
  p.capacity = 10;
  p.delivery = {0, 10};
  Result<RoutingSolution> s = SolveRouting(p, Quick(1));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->routes, (Routes{{1}}));
  EXPECT_EQ(s->cost, 16);
}

TEST(RoutingSolverSmall, StopsOnALineFitOneVehicle) {
  // Depot at 0, stops at 1..6 on a line: one trip out and back, cost 12.
  const int n = 7;
  std::vector<std::vector<int64_t>> rows(n, std::vector<int64_t>(n));
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) rows[i][j] = std::abs(i - j);
  }
  RoutingProblem p = Matrix(rows);
  p.capacity = 100;
  p.delivery = {0, 5, 5, 5, 5, 5, 5};
  Result<RoutingSolution> s = SolveRouting(p, Quick(3));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->cost, 12);
  ASSERT_EQ(s->routes.size(), 1u);
  EXPECT_EQ(Judge(p, *s), "");
}

TEST(RoutingSolverSmall, FollowsTheCheapDirectionOfAOneWayRing) {
  // Depot and five stops on a ring: 1 along the ring, 10 against it, 20
  // across. The only tour of cost 6 is 0-1-2-3-4-5-0; backwards costs 60.
  const int n = 6;
  std::vector<std::vector<int64_t>> rows(n, std::vector<int64_t>(n, 20));
  for (int i = 0; i < n; ++i) {
    rows[i][i] = 0;
    rows[i][(i + 1) % n] = 1;
    rows[(i + 1) % n][i] = 10;
  }
  RoutingProblem p = Matrix(rows);
  p.capacity = 100;
  p.delivery = {0, 1, 1, 1, 1, 1};
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    Result<RoutingSolution> s = SolveRouting(p, Quick(seed, 100));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->routes, (Routes{{1, 2, 3, 4, 5}}));
    EXPECT_EQ(s->cost, 6);
  }
}

TEST(RoutingSolverSmall, DeliversBeforePickingUpWhenTheVanIsFull) {
  // Stop 1 takes all 10 on board; stop 2 hands over 10. Both orders cost the
  // same distance (symmetric matrix) but only 1-then-2 keeps the load within
  // 10; two trips would cost 40 instead of 30.
  RoutingProblem p = Matrix({{0, 10, 10}, {10, 0, 10}, {10, 10, 0}});
  p.capacity = 10;
  p.delivery = {0, 10, 0};
  p.pickup = {0, 0, 10};
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    Result<RoutingSolution> s = SolveRouting(p, Quick(seed, 100));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->routes, (Routes{{1, 2}}));
    EXPECT_EQ(s->cost, 30);
  }
}

TEST(RoutingSolverSmall, DurationLimitSplitsTheTour) {
  // Four stops at the corners of a 10 x 10 square with the depot in the
  // middle (Manhattan distances: 10 to a corner, 10 between neighbouring
  // corners). One tour costs 50 but lasts 50 + 4 x 20 of service = 130;
  // the limit 70 allows two corners per route: 2 x (10 + 10 + 10) = 60,
  // each lasting 30 + 40 = 70.
  RoutingProblem p = Matrix({{0, 10, 10, 10, 10},
                             {10, 0, 10, 20, 10},
                             {10, 10, 0, 10, 20},
                             {10, 20, 10, 0, 10},
                             {10, 10, 20, 10, 0}});
  p.capacity = 100;
  p.delivery = {0, 1, 1, 1, 1};
  p.service_time = {0, 20, 20, 20, 20};
  p.max_duration = 70;
  Result<RoutingSolution> s = SolveRouting(p, Quick(1, 100));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->cost, 60);
  EXPECT_EQ(s->routes.size(), 2u);
  EXPECT_EQ(Judge(p, *s), "");
}

TEST(RoutingSolverSmall, CapacityPairsTheNearStops) {
  // Depot at 0 on a line, stops at -2, -1, 1, 2 with load 1 each and capacity
  // 2: best is one trip to each side, 4 + 4 = 8.
  const std::vector<int64_t> at = {0, -2, -1, 1, 2};
  std::vector<std::vector<int64_t>> rows(5, std::vector<int64_t>(5));
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) rows[i][j] = std::abs(at[i] - at[j]);
  }
  RoutingProblem p = Matrix(rows);
  p.capacity = 2;
  p.delivery = {0, 1, 1, 1, 1};
  Result<RoutingSolution> s = SolveRouting(p, Quick(1, 100));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->cost, 8);
  EXPECT_EQ(s->routes.size(), 2u);
  EXPECT_EQ(Judge(p, *s), "");
}

// ------------------------------------------------------------------ errors

struct BadCase {
  const char* name;
  void (*spoil)(RoutingProblem&);
  const char* field;
  const char* message_part;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class RoutingSolverErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(RoutingSolverErrors, NameTheReason) {
  const BadCase& c = GetParam();
  RoutingProblem p = RandomProblem(Shape{"Vrpspd", true}, 10, 1);
  c.spoil(p);
  Result<RoutingSolution> s = SolveRouting(p, Quick(1, 50));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().field, c.field);
  EXPECT_TRUE(Mentions(s.error().message, c.message_part)) << s.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RoutingSolverErrors,
    ::testing::Values(
        BadCase{"NoDepot", [](RoutingProblem& p) { p.n = 0; }, "n", "the depot"},
        BadCase{"MatrixSize", [](RoutingProblem& p) { p.distance.pop_back(); }, "distance", "expected n×n = 121"},
        BadCase{"DeliverySize", [](RoutingProblem& p) { p.delivery.pop_back(); }, "delivery", "expected n = 11"},
        BadCase{"PickupSize", [](RoutingProblem& p) { p.pickup.push_back(0); }, "pickup", "expected n = 11"},
        BadCase{"TravelSize", [](RoutingProblem& p) { p.travel_time.assign(5, 1); }, "travel_time", "121"},
        BadCase{"ServiceSize", [](RoutingProblem& p) { p.service_time.assign(3, 1); }, "service_time", "11"},
        BadCase{"NegativeDistance", [](RoutingProblem& p) { p.distance[2 * 11 + 5] = -4; }, "distance",
                "distance from node 2 to node 5 is negative (-4)"},
        BadCase{"NegativeDelivery", [](RoutingProblem& p) { p.delivery[3] = -1; }, "delivery",
                "stop 3 has a negative delivery"},
        BadCase{"NegativePickup", [](RoutingProblem& p) { p.pickup[4] = -2; }, "pickup", "stop 4 has a negative pickup"},
        BadCase{"NegativeService",
                [](RoutingProblem& p) {
                  p.service_time.assign(p.n, 0);
                  p.service_time[6] = -1;
                },
                "service_time", "stop 6 has a negative service time"},
        BadCase{"ZeroCapacity", [](RoutingProblem& p) { p.capacity = 0; }, "capacity", "capacity must be positive"},
        BadCase{"NegativeDurationLimit", [](RoutingProblem& p) { p.max_duration = -1; }, "max_duration", "-1"},
        BadCase{"NegativeFleet", [](RoutingProblem& p) { p.max_vehicles = -2; }, "max_vehicles", "-2"},
        BadCase{"HeavyDelivery", [](RoutingProblem& p) { p.delivery[7] = 120; }, "delivery",
                "infeasible: stop 7 delivers 120 and picks up"},
        BadCase{"HeavyPickup",
                [](RoutingProblem& p) {
                  p.pickup[7] = 101;
                  p.delivery[7] = 3;
                },
                "pickup", "infeasible: stop 7 delivers 3 and picks up 101, more than the capacity 100"},
        BadCase{"StopTooFarForTheDuration",
                [](RoutingProblem& p) {
                  p.max_duration = 1000000;
                  for (int j = 0; j < p.n; ++j) {
                    p.distance[0 * 11 + j] = j == 4 ? 600000 : p.distance[0 * 11 + j];
                    p.distance[j * 11 + 0] = j == 4 ? 500000 : p.distance[j * 11 + 0];
                  }
                  p.service_time.assign(p.n, 0);
                  p.service_time[4] = 1;
                },
                "max_duration", "infeasible: stop 4 alone (depot, stop, depot) takes 1100001"},
        BadCase{"FleetTooSmall", [](RoutingProblem& p) { p.max_vehicles = 1; }, "max_vehicles",
                "no feasible solution found with at most 1 vehicles: total "}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

TEST(RoutingSolverErrors, OptionsOutOfRange) {
  const RoutingProblem p = RandomProblem(Shape{"Cvrp"}, 5, 1);
  RoutingOptions o = Quick(1);
  o.time_limit_s = -1;
  Result<RoutingSolution> s = SolveRouting(p, o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "time_limit_s");
  o = Quick(1);
  o.max_idle_iterations = -5;
  s = SolveRouting(p, o);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "max_idle_iterations");
}

TEST(RoutingSolver, NoTimeStillGivesAFeasibleAnswer) {
  // With no time to search, the answer is the plain sequential one: still
  // feasible, and within the fleet when it fits.
  for (const Shape& shape : {Shape{"Cvrp"}, Shape{"VrpspdAsymmetricDuration", true, true, true}}) {
    SCOPED_TRACE(shape.name);
    const RoutingProblem p = RandomProblem(shape, 30, 8);
    RoutingOptions o;
    o.time_limit_s = 0;
    Result<RoutingSolution> s = SolveRouting(p, o);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(Judge(p, *s), "");
  }
}

TEST(RoutingSolverErrors, FleetTooSmallGivesTheBound) {
  RoutingProblem p = Matrix({{0, 1, 1, 1}, {1, 0, 1, 1}, {1, 1, 0, 1}, {1, 1, 1, 0}});
  p.capacity = 100;
  p.delivery = {0, 80, 70, 90};
  p.max_vehicles = 2;
  Result<RoutingSolution> s = SolveRouting(p, Quick(1, 50));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message,
            "no feasible solution found with at most 2 vehicles: total delivery 240 needs at least ⌈240/100⌉ = 3");
}

TEST(RoutingSolverErrors, FleetThatTheLoadsAllowButThePackingDoesNot) {
  // Three stops of 60 with capacity 100: the total (180) fits two vehicles,
  // but no two stops share one. The search finds nothing feasible.
  RoutingProblem p = Matrix({{0, 1, 1, 1}, {1, 0, 1, 1}, {1, 1, 0, 1}, {1, 1, 1, 0}});
  p.capacity = 100;
  p.delivery = {0, 60, 60, 60};
  p.max_vehicles = 2;
  Result<RoutingSolution> s = SolveRouting(p, Quick(1, 50));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "max_vehicles");
  EXPECT_TRUE(Mentions(s.error().message, "no feasible solution found with at most 2 vehicles")) << s.error().message;
}

}  // namespace
}  // namespace fupin::engine
