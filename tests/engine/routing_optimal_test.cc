// SolveRouting (engine/routing.h) against proven optima: random small
// instances (6-9 stops; CVRP and VRPSPD, some with a route-duration limit,
// asymmetric travel times or a fixed fleet) solved exactly here by
// enumeration, and the solver must find exactly that cost.
//
// The exact method, written for this test only:
// 1. best_route[S] for every set S of stops: the cheapest single route serving
//    exactly S, found by enumerating every order of every set depth-first. A
//    route's load after a prefix P of its stops is D(S) - D(P) + K(P) (D:
//    deliveries, K: pickups), which depends on the final set S; the search
//    carries m = max over prefixes of K(P) - D(P), and the route is feasible
//    iff D(S) + m <= capacity. Pruned when D(P) + m > capacity (D(S) >= D(P))
//    or the duration so far exceeds the limit (times are non-negative).
// 2. A set-partition DP over the stops: f[k][S] = cheapest k routes serving S.
// The enumeration is itself checked against brute force (every order of the
// stops cut into routes every possible way, each judged by CheckRouting).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "engine/routing.h"

namespace fupin::engine {
namespace {

constexpr int64_t kInf = std::numeric_limits<int64_t>::max() / 4;

int64_t Arc(const std::vector<int64_t>& m, int n, int i, int j) { return m[static_cast<size_t>(i) * n + j]; }

class Exact {
 public:
  explicit Exact(const RoutingProblem& p) : p_(p), stops_(p.n - 1), best_route_(size_t{1} << stops_, kInf) {
    const std::vector<int64_t>& t = p.travel_time.empty() ? p.distance : p.travel_time;
    travel_ = &t;
    Extend(0, 0, 0, 0, 0, 0);
  }

  // The optimum with at most `max_routes` routes (0: any number), or kInf.
  int64_t Optimum(int max_routes) const {
    const size_t full = (size_t{1} << stops_) - 1;
    const int k_max = max_routes > 0 ? std::min(max_routes, stops_) : stops_;
    std::vector<int64_t> f(size_t{1} << stops_, kInf), next;
    f[0] = 0;
    int64_t best = stops_ == 0 ? 0 : kInf;
    for (int k = 1; k <= k_max; ++k) {
      next.assign(f.size(), kInf);
      for (size_t s = 1; s <= full; ++s) {
        const size_t low = s & (~s + 1);
        // The route holding the lowest stop of s: every subset t of s containing it.
        for (size_t t = s; t != 0; t = (t - 1) & s) {
          if (!(t & low) || best_route_[t] >= kInf || f[s ^ t] >= kInf) continue;
          next[s] = std::min(next[s], f[s ^ t] + best_route_[t]);
        }
      }
      // f[S] with at most k routes.
      for (size_t s = 0; s <= full; ++s) f[s] = std::min(f[s], next[s]);
      best = std::min(best, f[full]);
    }
    return best;
  }

  // The fewest routes of any feasible solution, or 0 when there is none.
  int FewestRoutes() const {
    for (int k = 1; k <= stops_; ++k) {
      if (Optimum(k) < kInf) return k;
    }
    return 0;
  }

 private:
  int64_t Delivery(int node) const { return p_.delivery[node]; }
  int64_t Pickup(int node) const { return p_.pickup.empty() ? 0 : p_.pickup[node]; }
  int64_t Service(int node) const { return p_.service_time.empty() ? 0 : p_.service_time[node]; }

  // `mask` (bit i: stop i+1) visited in some order ending at `last`.
  void Extend(int last, size_t mask, int64_t cost, int64_t duration, int64_t delivered, int64_t m) {
    const int n = p_.n;
    if (mask != 0) {
      const int64_t back = duration + Arc(*travel_, n, last, 0);
      if ((p_.max_duration == 0 || back <= p_.max_duration) && delivered + m <= p_.capacity) {
        best_route_[mask] = std::min(best_route_[mask], cost + Arc(p_.distance, n, last, 0));
      }
    }
    for (int j = 1; j < n; ++j) {
      const size_t bit = size_t{1} << (j - 1);
      if (mask & bit) continue;
      const int64_t d = delivered + Delivery(j);
      // K(P) - D(P) after j, from the running totals: m tracks the maximum.
      const int64_t picked = PickedUp(mask) + Pickup(j);
      const int64_t m2 = std::max(m, picked - d);
      const int64_t dur = duration + Arc(*travel_, n, last, j) + Service(j);
      if (d + m2 > p_.capacity) continue;
      if (p_.max_duration > 0 && dur > p_.max_duration) continue;
      Extend(j, mask | bit, cost + Arc(p_.distance, n, last, j), dur, d, m2);
    }
  }

  int64_t PickedUp(size_t mask) const {
    int64_t sum = 0;
    for (int j = 1; j < p_.n; ++j) {
      if (mask & (size_t{1} << (j - 1))) sum += Pickup(j);
    }
    return sum;
  }

  const RoutingProblem& p_;
  const std::vector<int64_t>* travel_ = nullptr;
  int stops_;
  std::vector<int64_t> best_route_;
};

enum class Kind { kCvrp, kSpd, kSpdTimed };

// A random instance: stops on a 100×100 grid, Euclidean distances rounded.
RoutingProblem Random(uint64_t seed, int stops, Kind kind, bool asymmetric) {
  std::mt19937_64 rng(seed);
  auto uniform = [&rng](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  RoutingProblem p;
  p.n = stops + 1;
  std::vector<double> x(p.n), y(p.n);
  for (int i = 0; i < p.n; ++i) {
    x[i] = static_cast<double>(uniform(0, 100));
    y[i] = static_cast<double>(uniform(0, 100));
  }
  p.distance.assign(static_cast<size_t>(p.n) * p.n, 0);
  for (int i = 0; i < p.n; ++i) {
    for (int j = 0; j < p.n; ++j) {
      if (i == j) continue;
      double e = std::hypot(x[i] - x[j], y[i] - y[j]);
      // Asymmetric: uphill one way (a mountain road), by up to 30 %.
      if (asymmetric && i < j) e *= 1.0 + static_cast<double>(uniform(0, 30)) / 100.0;
      p.distance[static_cast<size_t>(i) * p.n + j] = static_cast<int64_t>(std::floor(e + 0.5));
    }
  }
  p.delivery.assign(p.n, 0);
  if (kind == Kind::kCvrp) {
    p.capacity = 50;
    for (int i = 1; i < p.n; ++i) p.delivery[i] = uniform(1, 30);
  } else {
    p.capacity = 60;
    p.pickup.assign(p.n, 0);
    for (int i = 1; i < p.n; ++i) {
      p.delivery[i] = uniform(0, 30);
      p.pickup[i] = uniform(0, 30);
    }
  }
  if (kind == Kind::kSpdTimed) {
    p.service_time.assign(p.n, 0);
    for (int i = 1; i < p.n; ++i) p.service_time[i] = uniform(0, 10);
    // Travel times differ from distances (slow roads), so the cheapest order
    // of a route need not be the quickest.
    p.travel_time = p.distance;
    for (int64_t& t : p.travel_time) t = t * uniform(10, 20) / 10;
    int64_t longest_single = 0;
    for (int j = 1; j < p.n; ++j) {
      longest_single =
          std::max(longest_single, Arc(p.travel_time, p.n, 0, j) + Arc(p.travel_time, p.n, j, 0) + p.service_time[j]);
    }
    p.max_duration = longest_single + uniform(0, longest_single / 2);
  }
  return p;
}

// Every solution of a problem with few stops: each order of the stops, cut
// into consecutive routes in every possible way, judged by CheckRouting.
int64_t BruteForce(const RoutingProblem& p) {
  std::vector<int> order(p.n - 1);
  std::iota(order.begin(), order.end(), 1);
  int64_t best = kInf;
  const int cuts = p.n - 2;  // places between consecutive stops
  do {
    for (uint32_t split = 0; split < (1u << cuts); ++split) {
      std::vector<std::vector<int>> routes(1);
      for (size_t i = 0; i < order.size(); ++i) {
        if (i > 0 && (split & (1u << (i - 1)))) routes.emplace_back();
        routes.back().push_back(order[i]);
      }
      Result<int64_t> cost = CheckRouting(p, routes);
      if (cost) best = std::min(best, *cost);
    }
  } while (std::next_permutation(order.begin(), order.end()));
  return best;
}

TEST(RoutingExactOracle, AgreesWithBruteForce) {
  int compared = 0;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    for (Kind kind : {Kind::kCvrp, Kind::kSpd, Kind::kSpdTimed}) {
      RoutingProblem p = Random(seed * 101, 6, kind, seed % 2 == 0);
      if (seed % 3 == 0) p.max_vehicles = 3;
      Exact exact(p);
      int64_t expected = BruteForce(p);
      EXPECT_EQ(exact.Optimum(p.max_vehicles), expected) << "seed " << seed << " kind " << static_cast<int>(kind);
      compared += expected < kInf ? 1 : 0;
    }
  }
  EXPECT_GE(compared, 15);  // most instances are feasible, so the comparison means something
}

class RoutingOptimalTest : public ::testing::TestWithParam<int> {};

TEST_P(RoutingOptimalTest, SolverFindsTheOptimum) {
  const int i = GetParam();
  const Kind kind = i % 3 == 0 ? Kind::kCvrp : i % 3 == 1 ? Kind::kSpd : Kind::kSpdTimed;
  const int stops = 6 + i % 4;
  RoutingProblem p = Random(1000 + i, stops, kind, i % 4 == 3);
  Exact exact(p);
  if (i % 5 == 4) {
    // Fix the fleet at the fewest routes that can serve everyone: the fleet then binds.
    p.max_vehicles = exact.FewestRoutes();
    ASSERT_GT(p.max_vehicles, 0);
  }
  const int64_t optimum = exact.Optimum(p.max_vehicles);
  ASSERT_LT(optimum, kInf) << "the generator made an infeasible instance";

  RoutingOptions options;
  options.time_limit_s = 0.5;
  options.max_idle_iterations = 2000;
  options.seed = 7;
  Result<RoutingSolution> solution = SolveRouting(p, options);
  ASSERT_TRUE(solution) << solution.error().message;
  Result<int64_t> checked = CheckRouting(p, solution->routes);
  ASSERT_TRUE(checked) << checked.error().message;
  EXPECT_EQ(*checked, solution->cost);
  EXPECT_EQ(solution->cost, optimum) << stops << " stops, kind " << static_cast<int>(kind) << ", fleet "
                                     << p.max_vehicles;
}

INSTANTIATE_TEST_SUITE_P(Random, RoutingOptimalTest, ::testing::Range(0, 30));

}  // namespace
}  // namespace fupin::engine
