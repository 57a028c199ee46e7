// SolveRouting (routing.h): checks the problem, solves the trivial cases
// directly and the others by Hybrid Genetic Search (hgs_solver.h), then checks
// the answer once more before handing it back.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/hgs_data.h"  // Deadline
#include "engine/hgs_solver.h"
#include "engine/routing.h"

namespace fupin::engine {
namespace {

// Largest arc, time or quantity accepted: keeps every sum the solver forms
// (n of them, n up to a few thousand) far from overflowing int64.
constexpr int64_t kLargest = 1'000'000'000'000;  // 10^12

int64_t Arc(const std::vector<int64_t>& matrix, int n, int from, int to) {
  return matrix[static_cast<size_t>(from) * n + to];
}

Status CheckMatrix(const std::vector<int64_t>& m, int n, const char* name) {
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const int64_t v = Arc(m, n, i, j);
      if (v < 0) return Error::Invalid(fmt::format("{} from node {} to node {} is negative ({})", name, i, j, v), name);
      if (v > kLargest) {
        return Error::Invalid(fmt::format("{} from node {} to node {} is {}, more than 10^12", name, i, j, v), name);
      }
    }
  }
  return {};
}

Status CheckPerNode(const std::vector<int64_t>& values, const char* name, const char* what) {
  for (size_t i = 1; i < values.size(); ++i) {
    if (values[i] < 0) return Error::Invalid(fmt::format("stop {} has a negative {} ({})", i, what, values[i]), name);
    if (values[i] > kLargest) {
      return Error::Invalid(fmt::format("stop {} has a {} of {}, more than 10^12", i, what, values[i]), name);
    }
  }
  return {};
}

int64_t Total(const std::vector<int64_t>& values) {
  int64_t sum = 0;
  for (size_t i = 1; i < values.size(); ++i) sum += values[i];
  return sum;
}

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// "no feasible solution ... with at most K vehicles", with the bound the loads give.
Error FleetTooSmall(const RoutingProblem& p, const std::string& how) {
  const int64_t delivery = Total(p.delivery), pickup = Total(p.pickup);
  const bool by_pickup = pickup > delivery;
  const int64_t total = by_pickup ? pickup : delivery;
  return Error::Invalid(
      fmt::format("no feasible solution found with at most {} vehicles{}: total {} {} needs at least ⌈{}/{}⌉ = {}",
                  p.max_vehicles, how, by_pickup ? "pickup" : "delivery", total, total, p.capacity,
                  CeilDiv(total, p.capacity)),
      "max_vehicles");
}

Status Validate(const RoutingProblem& p) {
  if (p.n < 1) return Error::Invalid(fmt::format("n is {}: the depot (node 0) at least is needed", p.n), "n");
  const size_t n = static_cast<size_t>(p.n);
  if (p.distance.size() != n * n) {
    return Error::Invalid(fmt::format("distance has {} entries, expected n×n = {}", p.distance.size(), n * n),
                          "distance");
  }
  if (p.delivery.size() != n) {
    return Error::Invalid(fmt::format("delivery has {} entries, expected n = {}", p.delivery.size(), n), "delivery");
  }
  if (!p.pickup.empty() && p.pickup.size() != n) {
    return Error::Invalid(fmt::format("pickup has {} entries, expected n = {} (or none)", p.pickup.size(), n),
                          "pickup");
  }
  if (!p.travel_time.empty() && p.travel_time.size() != n * n) {
    return Error::Invalid(
        fmt::format("travel_time has {} entries, expected n×n = {} (or none)", p.travel_time.size(), n * n),
        "travel_time");
  }
  if (!p.service_time.empty() && p.service_time.size() != n) {
    return Error::Invalid(
        fmt::format("service_time has {} entries, expected n = {} (or none)", p.service_time.size(), n),
        "service_time");
  }
  if (p.capacity <= 0) return Error::Invalid(fmt::format("capacity must be positive, not {}", p.capacity), "capacity");
  if (p.max_duration < 0) {
    return Error::Invalid(fmt::format("max_duration must be 0 (no limit) or positive, not {}", p.max_duration),
                          "max_duration");
  }
  if (p.max_vehicles < 0) {
    return Error::Invalid(fmt::format("max_vehicles must be 0 (unlimited) or positive, not {}", p.max_vehicles),
                          "max_vehicles");
  }
  if (Status s = CheckMatrix(p.distance, p.n, "distance"); !s) return s;
  if (!p.travel_time.empty()) {
    if (Status s = CheckMatrix(p.travel_time, p.n, "travel_time"); !s) return s;
  }
  if (Status s = CheckPerNode(p.delivery, "delivery", "delivery"); !s) return s;
  if (Status s = CheckPerNode(p.pickup, "pickup", "pickup"); !s) return s;
  if (Status s = CheckPerNode(p.service_time, "service_time", "service time"); !s) return s;

  for (int i = 1; i < p.n; ++i) {
    const int64_t delivers = p.delivery[i], picks = p.pickup.empty() ? 0 : p.pickup[i];
    if (delivers > p.capacity || picks > p.capacity) {
      return Error::Invalid(fmt::format("infeasible: stop {} delivers {} and picks up {}, more than the capacity {}", i,
                                        delivers, picks, p.capacity),
                            delivers > p.capacity ? "delivery" : "pickup");
    }
  }
  if (p.max_duration > 0) {
    const std::vector<int64_t>& travel = p.travel_time.empty() ? p.distance : p.travel_time;
    for (int i = 1; i < p.n; ++i) {
      const int64_t alone = Arc(travel, p.n, 0, i) + (p.service_time.empty() ? 0 : p.service_time[i]) +
                            Arc(travel, p.n, i, 0);
      if (alone > p.max_duration) {
        return Error::Invalid(
            fmt::format("infeasible: stop {} alone (depot, stop, depot) takes {}, more than the maximum duration {}",
                        i, alone, p.max_duration),
            "max_duration");
      }
    }
  }
  if (p.max_vehicles > 0) {
    const int64_t total = std::max(Total(p.delivery), Total(p.pickup));
    if (CeilDiv(total, p.capacity) > p.max_vehicles) return FleetTooSmall(p, "");
  }
  return {};
}

// The solver's own last look at its answer: every stop once, the load within
// the capacity at every point, the duration and the fleet; returns the cost.
Result<int64_t> Verify(const RoutingProblem& p, const std::vector<std::vector<int>>& routes) {
  const std::vector<int64_t>& travel = p.travel_time.empty() ? p.distance : p.travel_time;
  if (p.max_vehicles > 0 && static_cast<int64_t>(routes.size()) > p.max_vehicles) {
    return Error::Internal(fmt::format("{} routes for {} vehicles", routes.size(), p.max_vehicles));
  }
  std::vector<char> seen(p.n, 0);
  int64_t cost = 0;
  for (size_t r = 0; r < routes.size(); ++r) {
    const std::vector<int>& route = routes[r];
    if (route.empty()) return Error::Internal(fmt::format("route {} is empty", r + 1));
    int64_t load = 0, duration = 0;
    for (int s : route) {
      if (s < 1 || s >= p.n || seen[s]) return Error::Internal(fmt::format("route {}: stop {} repeated or unknown", r + 1, s));
      seen[s] = 1;
      load += p.delivery[s];
    }
    int previous = 0;
    for (size_t k = 0; k <= route.size(); ++k) {
      const int s = k < route.size() ? route[k] : 0;
      cost += Arc(p.distance, p.n, previous, s);
      duration += Arc(travel, p.n, previous, s);
      if (s != 0) {
        if (load > p.capacity) return Error::Internal(fmt::format("route {}: load {} before stop {}", r + 1, load, s));
        load += (p.pickup.empty() ? 0 : p.pickup[s]) - p.delivery[s];
        if (load > p.capacity) return Error::Internal(fmt::format("route {}: load {} after stop {}", r + 1, load, s));
        if (!p.service_time.empty()) duration += p.service_time[s];
      }
      previous = s;
    }
    if (p.max_duration > 0 && duration > p.max_duration) {
      return Error::Internal(fmt::format("route {} lasts {}", r + 1, duration));
    }
  }
  for (int s = 1; s < p.n; ++s) {
    if (!seen[s]) return Error::Internal(fmt::format("stop {} is on no route", s));
  }
  return cost;
}

// Stops in number order, a new route whenever the next stop would break the
// capacity or the duration: always feasible (every stop fits alone), used only
// when the search found nothing feasible in its time.
std::vector<std::vector<int>> Sequential(const RoutingProblem& p) {
  const std::vector<int64_t>& travel = p.travel_time.empty() ? p.distance : p.travel_time;
  auto fits = [&](const std::vector<int>& route) {
    int64_t load = 0, duration = 0;
    for (int s : route) load += p.delivery[s];
    if (load > p.capacity) return false;
    int previous = 0;
    for (int s : route) {
      load += (p.pickup.empty() ? 0 : p.pickup[s]) - p.delivery[s];
      if (load > p.capacity) return false;
      duration += Arc(travel, p.n, previous, s) + (p.service_time.empty() ? 0 : p.service_time[s]);
      previous = s;
    }
    return p.max_duration == 0 || duration + Arc(travel, p.n, previous, 0) <= p.max_duration;
  };
  std::vector<std::vector<int>> routes;
  std::vector<int> current;
  for (int s = 1; s < p.n; ++s) {
    current.push_back(s);
    if (current.size() > 1 && !fits(current)) {
      current.pop_back();
      routes.push_back(current);
      current.assign(1, s);
    }
  }
  if (!current.empty()) routes.push_back(current);
  return routes;
}

}  // namespace

Result<RoutingSolution> SolveRouting(const RoutingProblem& problem, const RoutingOptions& options) {
  if (!(options.time_limit_s >= 0)) {
    return Error::Invalid(fmt::format("time_limit_s must be 0 or more seconds, not {}", options.time_limit_s),
                          "time_limit_s");
  }
  if (options.max_idle_iterations < 0) {
    return Error::Invalid(
        fmt::format("max_idle_iterations must be 0 (no limit) or positive, not {}", options.max_idle_iterations),
        "max_idle_iterations");
  }
  // Capped at a year, far beyond any use, so that the clock arithmetic cannot overflow.
  const hgs::Deadline deadline(std::min(options.time_limit_s, 365.0 * 24 * 3600));
  if (Status valid = Validate(problem); !valid) return valid.error();

  RoutingSolution solution;
  if (problem.n == 2) {
    solution.routes = {{1}};
  } else if (problem.n > 2) {
    hgs::Outcome outcome = hgs::Search(problem, options, deadline);
    solution.iterations = outcome.iterations;
    solution.seconds_to_best = outcome.seconds_to_best;
    if (outcome.found) {
      solution.routes = std::move(outcome.routes);
    } else {
      std::vector<std::vector<int>> fallback = Sequential(problem);
      if (problem.max_vehicles > 0 && static_cast<int64_t>(fallback.size()) > problem.max_vehicles) {
        return FleetTooSmall(problem, fmt::format(" in {:.1f} s", deadline.Elapsed()));
      }
      solution.routes = std::move(fallback);
      solution.fallback = true;
      solution.seconds_to_best = deadline.Elapsed();
    }
  }
  Result<int64_t> cost = Verify(problem, solution.routes);
  if (!cost) return Error::Internal("the routing solver produced an invalid solution: " + cost.error().message);
  solution.cost = *cost;
  solution.seconds = deadline.Elapsed();
  return solution;
}

}  // namespace fupin::engine
