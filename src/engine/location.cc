// SolveLocation: our heuristic first (a fallback and CBC's first incumbent),
// then CBC when the model is small enough, keeping whichever is better; and
// CheckLocation, which trusts neither.
#include "engine/location.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "engine/location_cbc.h"
#include "engine/location_common.h"
#include "engine/location_search.h"

namespace fupin::engine {

using detail::Better;
using detail::Deadline;

Result<LocationSolution> SolveLocation(const LocationProblem& problem, const LocationOptions& options) {
  auto started = std::chrono::steady_clock::now();
  if (!(options.time_limit_s >= 0) || !std::isfinite(options.time_limit_s)) {
    return Error::Invalid(fmt::format("the time limit must be a number of seconds >= 0; got {}", options.time_limit_s),
                          "time_limit_s");
  }
  if (Status valid = detail::ValidateLocationProblem(problem); !valid) return valid.error();

  Deadline deadline(options.time_limit_s);
  const bool exact =
      options.allow_exact && static_cast<int64_t>(problem.clients) * problem.sites <= options.exact_max_variables;
  // With CBC to follow, the heuristic gets a fifth of the time: it usually
  // needs far less, and CBC proves more when it starts from a good incumbent.
  Deadline heuristic_deadline(exact ? options.time_limit_s / 5 : options.time_limit_s);
  detail::SearchLimits limits{&heuristic_deadline, options.seed, 0};
  Result<LocationSolution> heuristic = detail::LocationHeuristic(problem, limits);

  LocationSolution best;
  bool have = false;
  int64_t bound = detail::SimpleBound(problem);
  if (heuristic) {
    best = *heuristic;
    have = true;
  }
  const bool settled = have && best.objective == bound;  // e.g. p = sites: nothing left to prove
  if (exact && !settled) {
    detail::CbcOutcome cbc =
        detail::SolveWithCbc(problem, std::max(0.05, deadline.RemainingSeconds()), have ? &best : nullptr);
    if (cbc.proven_infeasible && !cbc.has_solution && !have) {
      return Error::Invalid("infeasible: no choice of sites serves every client within the capacities", "capacity");
    }
    if (cbc.has_bound) bound = Better(problem, cbc.bound, bound) ? bound : cbc.bound;
    // Keep CBC's solution unless the heuristic's is strictly better.
    if (cbc.has_solution && (!have || !Better(problem, best.objective, cbc.solution.objective))) {
      best = cbc.solution;
      have = true;
    }
  }
  if (!have) return heuristic.error();

  // The bound can never be on the wrong side of a solution.
  bound = Better(problem, bound, best.objective) ? bound : best.objective;
  best.bound = bound;
  best.proven_optimal = best.proven_optimal || best.objective == bound;
  if (best.proven_optimal) best.bound = best.objective;
  best.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return best;
}

Result<int64_t> CheckLocation(const LocationProblem& problem, const LocationSolution& solution) {
  if (Status valid = detail::ValidateLocationProblem(problem); !valid) return valid.error();
  const int n = problem.clients, m = problem.sites;
  std::vector<char> is_open(m, 0);
  for (size_t k = 0; k < solution.open.size(); ++k) {
    int s = solution.open[k];
    if (s < 0 || s >= m) return Error::Invalid(fmt::format("open site {} is out of range 0..{}", s, m - 1), "open");
    if (k > 0 && s <= solution.open[k - 1]) {
      return Error::Invalid(
          fmt::format("open sites must be ascending without repeats: {} follows {}", s, solution.open[k - 1]), "open");
    }
    is_open[s] = 1;
  }
  for (int s = 0; s < m; ++s) {
    if (detail::IsFixed(problem, s) && !is_open[s]) {
      return Error::Invalid(fmt::format("site {} must stay open but is closed", s), "open");
    }
  }
  if (problem.objective != LocationObjective::kSetCovering && static_cast<int>(solution.open.size()) != problem.p) {
    return Error::Invalid(fmt::format("{} sites are open; p is {}", solution.open.size(), problem.p), "open");
  }
  if (static_cast<int>(solution.assigned.size()) != n) {
    return Error::Invalid(fmt::format("assigned has {} entries for {} clients", solution.assigned.size(), n),
                          "assigned");
  }
  std::vector<int64_t> load(m, 0);
  for (int c = 0; c < n; ++c) {
    int s = solution.assigned[c];
    if (s < 0) {
      if (problem.objective != LocationObjective::kMaxCovering) {
        return Error::Invalid(fmt::format("client {} is not assigned to any site", c), "assigned");
      }
      if (!detail::IsCapacitated(problem)) {
        for (int t : solution.open) {
          if (detail::Covers(problem, c, t)) {
            return Error::Invalid(
                fmt::format("client {} is within {} of open site {} but counted as not covered", c, problem.radius, t),
                "assigned");
          }
        }
      }
      continue;
    }
    if (s >= m || !is_open[s]) {
      return Error::Invalid(fmt::format("client {} is assigned to site {}, which is not open", c, s), "assigned");
    }
    if (detail::IsCovering(problem) && !detail::Covers(problem, c, s)) {
      return Error::Invalid(fmt::format("client {} is assigned to site {} at {}, beyond the radius {}", c, s,
                                        detail::Dist(problem, c, s), problem.radius),
                            "assigned");
    }
    load[s] += detail::WeightOf(problem, c);
  }
  if (detail::IsCapacitated(problem)) {
    for (int s = 0; s < m; ++s) {
      if (load[s] > problem.capacity[s]) {
        return Error::Invalid(
            fmt::format("site {} serves a weight of {}, more than its capacity {}", s, load[s], problem.capacity[s]),
            "assigned");
      }
    }
  }
  int64_t objective = detail::ObjectiveOf(problem, solution.open, solution.assigned);
  if (objective != solution.objective) {
    return Error::Invalid(fmt::format("the objective is {} but the solution reports {}", objective, solution.objective),
                          "objective");
  }
  if (Better(problem, objective, solution.bound)) {
    return Error::Invalid(fmt::format("the bound {} is worse than the objective {}", solution.bound, objective),
                          "bound");
  }
  if (solution.proven_optimal && solution.bound != objective) {
    return Error::Invalid(
        fmt::format("proven optimal, but the bound {} differs from the objective {}", solution.bound, objective),
        "bound");
  }
  return objective;
}

}  // namespace fupin::engine
