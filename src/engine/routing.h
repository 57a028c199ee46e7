#pragma once
// Vehicle routing: capacitated (CVRP) and with simultaneous pickup and delivery
// (VRPSPD), with an optional route-duration limit and fleet size. Plain data in,
// plain data out: no database, no HTTP. Deterministic for a seed (up to the
// wall-clock limit, which only decides when the search stops).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"

namespace fupin::engine {

// Node 0 is the depot; nodes 1..n-1 are the stops. Every quantity is an integer
// in the caller's unit (distances in metres or in an instance's own unit).
struct RoutingProblem {
  int n = 0;                       // nodes, depot included
  std::vector<int64_t> distance;   // n*n, row-major; distance[i*n+j]; need not be symmetric
  std::vector<int64_t> delivery;   // n entries (depot 0): goods carried from the depot to the stop
  std::vector<int64_t> pickup;     // n entries or empty (CVRP): goods carried from the stop to the depot
  int64_t capacity = 0;            // the load may never exceed it, at any point of a tour
  // Optional duration limit: a route's duration is the sum of its arcs' travel
  // times (`travel_time`, or `distance` when that is empty) plus the service
  // times of its stops. 0 = no limit.
  std::vector<int64_t> travel_time;   // n*n or empty
  std::vector<int64_t> service_time;  // n entries or empty
  int64_t max_duration = 0;
  int max_vehicles = 0;            // 0 = unlimited fleet
};

struct RoutingOptions {
  double time_limit_s = 10.0;      // wall clock; the search returns its best solution by then
  uint64_t seed = 1;
  // Stop earlier after this many iterations without improving the best solution
  // (0 = run until the time limit).
  int64_t max_idle_iterations = 0;
  // Called now and then with the best cost so far; may be empty.
  std::function<void(int64_t cost, double seconds)> on_improvement;
};

struct RoutingSolution {
  std::vector<std::vector<int>> routes;  // each a list of stops (1..n-1), depot left out; no empty routes
  int64_t cost = 0;                      // sum of the arcs' distances, depot to depot
  double seconds = 0;                    // time spent
  double seconds_to_best = 0;            // when the returned solution was found
  int64_t iterations = 0;
  // The search found no feasible solution in time (a very short limit, or a
  // duration limit hard to meet): `routes` are then the plain ones that take
  // the stops in number order, as many per vehicle as fit — feasible, poor.
  bool fallback = false;
};

// Checks the problem (sizes, non-negative quantities, a stop heavier than the
// capacity, ...): an Error names the reason, e.g. "infeasible: stop 7 delivers
// 120 and picks up 0, more than the capacity 100". Otherwise returns the best
// feasible solution found within the limit, or an Error saying why none was
// found (e.g. the fleet is too small for the total load).
Result<RoutingSolution> SolveRouting(const RoutingProblem& problem, const RoutingOptions& options);

// Independent of the solver: checks a solution against the problem (each stop
// exactly once, load within capacity at every point of every tour, duration,
// fleet) and recomputes its cost. The error names the route and the reason.
Result<int64_t> CheckRouting(const RoutingProblem& problem, const std::vector<std::vector<int>>& routes);

}  // namespace fupin::engine
