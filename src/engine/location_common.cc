#include "engine/location_common.h"

#include <fmt/format.h>

#include <algorithm>

namespace fupin::engine::detail {
namespace {

// 2^53: the largest range in which a double holds every integer, so CBC's
// objective values can be read back exactly.
constexpr long double kExactLimit = 9007199254740992.0L;

Status CheckNonNegative(const std::vector<int64_t>& values, const char* name) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] < 0) return Error::Invalid(fmt::format("{}[{}] is negative: {}", name, i, values[i]), name);
  }
  return {};
}

Status CheckSize(size_t size, int expected, const char* name, const char* per) {
  if (size != 0 && size != static_cast<size_t>(expected)) {
    return Error::Invalid(fmt::format("{} has {} entries; expected none or one per {} ({})", name, size, per, expected),
                          name);
  }
  return {};
}

}  // namespace

Status ValidateLocationProblem(const LocationProblem& pr) {
  if (pr.clients < 1 || pr.sites < 1) {
    return Error::Invalid(
        fmt::format("a location problem needs at least one client and one site (got {} and {})", pr.clients, pr.sites));
  }
  if (static_cast<int64_t>(pr.clients) * pr.sites > (int64_t{1} << 31)) {
    return Error::Invalid(fmt::format("{} clients × {} sites is too large a distance matrix", pr.clients, pr.sites));
  }
  size_t cells = static_cast<size_t>(pr.clients) * pr.sites;
  if (pr.distance.size() != cells) {
    return Error::Invalid(
        fmt::format("distance has {} entries; expected clients × sites = {}", pr.distance.size(), cells), "distance");
  }
  for (size_t k = 0; k < cells; ++k) {
    if (pr.distance[k] < 0) {
      return Error::Invalid(
          fmt::format("distance from client {} to site {} is negative: {}", k / pr.sites, k % pr.sites, pr.distance[k]),
          "distance");
    }
  }
  if (Status s = CheckSize(pr.weight.size(), pr.clients, "weight", "client"); !s) return s;
  if (Status s = CheckSize(pr.opening_cost.size(), pr.sites, "opening_cost", "site"); !s) return s;
  if (Status s = CheckSize(pr.capacity.size(), pr.sites, "capacity", "site"); !s) return s;
  if (Status s = CheckSize(pr.fixed_open.size(), pr.sites, "fixed_open", "site"); !s) return s;
  if (Status s = CheckNonNegative(pr.weight, "weight"); !s) return s;
  if (Status s = CheckNonNegative(pr.opening_cost, "opening_cost"); !s) return s;
  if (Status s = CheckNonNegative(pr.capacity, "capacity"); !s) return s;

  int fixed = 0;
  for (int s = 0; s < pr.sites; ++s) fixed += IsFixed(pr, s) ? 1 : 0;
  if (pr.objective != LocationObjective::kSetCovering) {
    if (pr.p < 1 || pr.p > pr.sites) {
      return Error::Invalid(fmt::format("p must be between 1 and the number of sites ({}); got {}", pr.sites, pr.p),
                            "p");
    }
    if (fixed > pr.p) {
      return Error::Invalid(fmt::format("{} sites must stay open but p is {}", fixed, pr.p), "fixed_open");
    }
  }
  if (IsCovering(pr) && pr.radius < 0) {
    return Error::Invalid(fmt::format("radius is negative: {}", pr.radius), "radius");
  }

  // Every sum the solvers form must stay exact in a double.
  long double total_weight = 0, worst_cost = 0, total_opening = 0;
  for (int c = 0; c < pr.clients; ++c) {
    int64_t farthest = 0;
    for (int s = 0; s < pr.sites; ++s) farthest = std::max(farthest, Dist(pr, c, s));
    total_weight += WeightOf(pr, c);
    worst_cost += static_cast<long double>(WeightOf(pr, c)) * farthest;
  }
  for (int s = 0; s < pr.sites; ++s) total_opening += OpeningCostOf(pr, s);
  if (worst_cost > kExactLimit || total_weight > kExactLimit || total_opening > kExactLimit) {
    return Error::Invalid("weights × distances (or opening costs) add up beyond 2^53; use coarser units");
  }

  if (pr.objective == LocationObjective::kSetCovering) {
    for (int c = 0; c < pr.clients; ++c) {
      bool covered = false, fits = false;
      for (int s = 0; s < pr.sites; ++s) {
        if (!Covers(pr, c, s)) continue;
        covered = true;
        if (!IsCapacitated(pr) || pr.capacity[s] >= WeightOf(pr, c)) fits = true;
      }
      if (!covered) return Error::Invalid(fmt::format("infeasible: client {} has no site within {}", c, pr.radius));
      if (!fits) {
        return Error::Invalid(
            fmt::format("infeasible: client {} (weight {}) fits no site within {}", c, WeightOf(pr, c), pr.radius));
      }
    }
  }
  if (IsCapacitated(pr) && pr.objective != LocationObjective::kMaxCovering) {
    // The most any allowed set of open sites can hold: set covering may open all;
    // p-median opens the fixed ones and the p - fixed largest of the others.
    long double room = 0;
    if (pr.objective == LocationObjective::kSetCovering) {
      for (int64_t cap : pr.capacity) room += cap;
    } else {
      std::vector<int64_t> others;
      for (int s = 0; s < pr.sites; ++s) {
        if (IsFixed(pr, s)) {
          room += pr.capacity[s];
        } else {
          others.push_back(pr.capacity[s]);
        }
      }
      std::sort(others.rbegin(), others.rend());
      for (int k = 0; k < pr.p - fixed && k < static_cast<int>(others.size()); ++k) room += others[k];
    }
    if (room < total_weight) {
      return Error::Invalid(fmt::format("infeasible: the clients weigh {} but the open sites can hold at most {}",
                                        static_cast<int64_t>(total_weight), static_cast<int64_t>(room)),
                            "capacity");
    }
    if (pr.objective == LocationObjective::kPMedian) {
      int64_t largest = *std::max_element(pr.capacity.begin(), pr.capacity.end());
      for (int c = 0; c < pr.clients; ++c) {
        if (WeightOf(pr, c) > largest) {
          return Error::Invalid(fmt::format("infeasible: client {} weighs {}, more than any site's capacity ({})", c,
                                            WeightOf(pr, c), largest),
                                "capacity");
        }
      }
    }
  }
  return {};
}

void AssignNearest(const LocationProblem& pr, LocationSolution& solution) {
  std::sort(solution.open.begin(), solution.open.end());
  solution.assigned.assign(pr.clients, -1);
  for (int c = 0; c < pr.clients; ++c) {
    int best = -1;
    int64_t best_d = kFar;
    for (int s : solution.open) {
      int64_t d = Dist(pr, c, s);
      if (d < best_d && (!IsCovering(pr) || d <= pr.radius)) {
        best_d = d;
        best = s;
      }
    }
    solution.assigned[c] = best;
  }
  solution.objective = ObjectiveOf(pr, solution.open, solution.assigned);
}

int64_t ObjectiveOf(const LocationProblem& pr, const std::vector<int>& open, const std::vector<int>& assigned) {
  int64_t total = 0;
  switch (pr.objective) {
    case LocationObjective::kPMedian:
      for (int c = 0; c < pr.clients; ++c) {
        if (assigned[c] >= 0) total += WeightOf(pr, c) * Dist(pr, c, assigned[c]);
      }
      break;
    case LocationObjective::kMaxCovering:
      for (int c = 0; c < pr.clients; ++c) {
        if (assigned[c] >= 0) total += WeightOf(pr, c);
      }
      break;
    case LocationObjective::kSetCovering:
      for (int s : open) total += OpeningCostOf(pr, s);
      break;
  }
  return total;
}

int64_t SimpleBound(const LocationProblem& pr) {
  int64_t bound = 0;
  switch (pr.objective) {
    case LocationObjective::kPMedian:
      for (int c = 0; c < pr.clients; ++c) {
        int64_t nearest = kFar;
        for (int s = 0; s < pr.sites; ++s) nearest = std::min(nearest, Dist(pr, c, s));
        bound += WeightOf(pr, c) * nearest;
      }
      break;
    case LocationObjective::kMaxCovering:
      for (int c = 0; c < pr.clients; ++c) {
        for (int s = 0; s < pr.sites; ++s) {
          if (Covers(pr, c, s)) {
            bound += WeightOf(pr, c);
            break;
          }
        }
      }
      break;
    case LocationObjective::kSetCovering: {
      int64_t dearest = 0;
      for (int c = 0; c < pr.clients; ++c) {
        int64_t cheapest = kFar;
        for (int s = 0; s < pr.sites; ++s) {
          if (!Covers(pr, c, s)) continue;
          cheapest = std::min(cheapest, IsFixed(pr, s) ? 0 : OpeningCostOf(pr, s));
        }
        if (cheapest < kFar) dearest = std::max(dearest, cheapest);
      }
      bound = dearest;
      for (int s = 0; s < pr.sites; ++s) bound += IsFixed(pr, s) ? OpeningCostOf(pr, s) : 0;
      break;
    }
  }
  return bound;
}

Deadline::Deadline(double seconds) {
  // Beyond a year is "no limit"; the clamp keeps the addition from overflowing.
  seconds = std::clamp(seconds, 0.0, 365.0 * 24 * 3600);
  end_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

double Deadline::RemainingSeconds() const {
  return std::max(0.0, std::chrono::duration<double>(end_ - Clock::now()).count());
}

}  // namespace fupin::engine::detail
