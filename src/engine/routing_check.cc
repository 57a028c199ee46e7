// CheckRouting (routing.h): the solver's referee. Written apart from the solver
// and sharing no code with it, so that a bug in one is caught by the other.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/routing.h"

namespace fupin::engine {
namespace {

Error Bad(std::string message, std::string field) { return Error::Invalid(std::move(message), std::move(field)); }

Status CheckSizes(const RoutingProblem& p) {
  if (p.n < 1) return Bad(fmt::format("the problem has {} nodes; the depot at least is needed", p.n), "n");
  const size_t n = static_cast<size_t>(p.n);
  if (p.distance.size() != n * n) {
    return Bad(fmt::format("distance holds {} entries; n×n = {}", p.distance.size(), n * n), "distance");
  }
  if (p.delivery.size() != n) {
    return Bad(fmt::format("delivery holds {} entries; n = {}", p.delivery.size(), n), "delivery");
  }
  if (!p.pickup.empty() && p.pickup.size() != n) {
    return Bad(fmt::format("pickup holds {} entries; n = {} (or none)", p.pickup.size(), n), "pickup");
  }
  if (!p.travel_time.empty() && p.travel_time.size() != n * n) {
    return Bad(fmt::format("travel_time holds {} entries; n×n = {} (or none)", p.travel_time.size(), n * n),
               "travel_time");
  }
  if (!p.service_time.empty() && p.service_time.size() != n) {
    return Bad(fmt::format("service_time holds {} entries; n = {} (or none)", p.service_time.size(), n),
               "service_time");
  }
  if (p.capacity < 0) return Bad(fmt::format("capacity {} is negative", p.capacity), "capacity");
  if (p.max_duration < 0) return Bad(fmt::format("max_duration {} is negative", p.max_duration), "max_duration");
  if (p.max_vehicles < 0) return Bad(fmt::format("max_vehicles {} is negative", p.max_vehicles), "max_vehicles");
  for (size_t i = 0; i < n; ++i) {
    if (p.delivery[i] < 0) return Bad(fmt::format("stop {} has a negative delivery", i), "delivery");
    if (!p.pickup.empty() && p.pickup[i] < 0) return Bad(fmt::format("stop {} has a negative pickup", i), "pickup");
    if (!p.service_time.empty() && p.service_time[i] < 0) {
      return Bad(fmt::format("stop {} has a negative service time", i), "service_time");
    }
  }
  return {};
}

// a + b, or false when it would overflow int64.
bool Add(int64_t& a, int64_t b) { return !__builtin_add_overflow(a, b, &a); }

}  // namespace

Result<int64_t> CheckRouting(const RoutingProblem& p, const std::vector<std::vector<int>>& routes) {
  if (Status sizes = CheckSizes(p); !sizes) return sizes.error();
  const int n = p.n;
  if (p.max_vehicles > 0 && routes.size() > static_cast<size_t>(p.max_vehicles)) {
    return Bad(fmt::format("{} routes, more than the {} vehicles", routes.size(), p.max_vehicles), "routes");
  }
  auto arc = [n](const std::vector<int64_t>& m, int from, int to) { return m[static_cast<size_t>(from) * n + to]; };
  const std::vector<int64_t>& travel = p.travel_time.empty() ? p.distance : p.travel_time;

  // on_route[s] = 1-based route that visits stop s (0: none yet).
  std::vector<size_t> on_route(n, 0);
  int64_t cost = 0;
  for (size_t r = 0; r < routes.size(); ++r) {
    const std::vector<int>& route = routes[r];
    // Built only on failure: a search may call the checker very often.
    auto where = [r] { return fmt::format("route {}", r + 1); };
    if (route.empty()) return Bad(fmt::format("route {} is empty", r + 1), where());
    int64_t load = 0;  // leaving the depot: every delivery of the route on board
    for (size_t k = 0; k < route.size(); ++k) {
      const int s = route[k];
      if (s == 0) return Bad(fmt::format("route {}, stop {}: the depot (0) inside a route", r + 1, k + 1), where());
      if (s < 0 || s >= n) {
        return Bad(fmt::format("route {}, stop {}: {} is not a stop (1..{})", r + 1, k + 1, s, n - 1), where());
      }
      if (on_route[s] != 0) {
        return Bad(on_route[s] == r + 1
                       ? fmt::format("route {}, stop {}: stop {} is visited twice on this route", r + 1, k + 1, s)
                       : fmt::format("route {}, stop {}: stop {} is visited by route {} already", r + 1, k + 1, s,
                                     on_route[s]),
                   where());
      }
      on_route[s] = r + 1;
      if (!Add(load, p.delivery[s])) return Bad(fmt::format("route {}: the load overflows", r + 1), where());
    }
    if (load > p.capacity) {
      return Bad(fmt::format("route {}: it leaves the depot with {} to deliver, more than the capacity {}", r + 1, load,
                             p.capacity),
                 where());
    }
    int64_t route_cost = 0, duration = 0;
    int previous = 0;
    for (size_t k = 0; k <= route.size(); ++k) {
      const int s = k < route.size() ? route[k] : 0;
      bool ok = Add(route_cost, arc(p.distance, previous, s)) && Add(duration, arc(travel, previous, s));
      if (s != 0) {
        load -= p.delivery[s];
        if (!p.pickup.empty()) ok = ok && Add(load, p.pickup[s]);
        if (!p.service_time.empty()) ok = ok && Add(duration, p.service_time[s]);
        if (load > p.capacity) {
          return Bad(fmt::format("route {}, stop {} (node {}): the load {} after it is more than the capacity {}",
                                 r + 1, k + 1, s, load, p.capacity),
                     where());
        }
      }
      if (!ok) return Bad(fmt::format("route {}: its cost or duration overflows", r + 1), where());
      previous = s;
    }
    if (p.max_duration > 0 && duration > p.max_duration) {
      return Bad(fmt::format("route {}: it lasts {}, more than the limit {}", r + 1, duration, p.max_duration),
                 where());
    }
    if (!Add(cost, route_cost)) return Bad("the total cost overflows", "routes");
  }
  for (int s = 1; s < n; ++s) {
    if (on_route[s] == 0) return Bad(fmt::format("stop {} is on no route", s), "routes");
  }
  return cost;
}

}  // namespace fupin::engine
