#include "engine/hgs_solver.h"

#include <algorithm>
#include <utility>

#include "engine/hgs_individual.h"
#include "engine/hgs_local_search.h"
#include "engine/hgs_population.h"
#include "engine/hgs_split.h"

namespace fupin::engine::hgs {
namespace {

// Ordered crossover (OX): the child keeps a random circular stretch of the
// first parent's giant tour in place and fills the rest in the order of the
// second parent, starting after the stretch.
void Crossover(const Individual& first, const Individual& second, Individual& child, Rng& rng,
               std::vector<char>& taken) {
  const int n = static_cast<int>(first.giant.size());
  const int start = rng.Below(n);
  int end = rng.Below(n);
  while (end == start) end = rng.Below(n);
  std::fill(taken.begin(), taken.end(), 0);
  child.giant.assign(n, 0);
  for (int i = start;; i = (i + 1) % n) {
    child.giant[i] = first.giant[i];
    taken[first.giant[i]] = 1;
    if (i == end) break;
  }
  int at = (end + 1) % n;
  for (int k = 1; k <= n; ++k) {
    const int stop = second.giant[(end + k) % n];
    if (taken[stop]) continue;
    child.giant[at] = stop;
    at = (at + 1) % n;
  }
}

}  // namespace

Outcome Search(const RoutingProblem& problem, const RoutingOptions& options, const Deadline& deadline) {
  const Params params = Params::ForStops(problem.n - 1);
  const Data data(problem, params);
  Rng rng(options.seed);
  Penalties penalties = data.InitialPenalties();
  Split split(data);
  LocalSearch search(data, params, rng);
  Population population(params, rng);
  Individual child(data);
  std::vector<char> taken(data.nodes(), 0);
  Outcome out;

  auto keep = [&](const Individual& indiv) {
    if (!indiv.feasible || (out.found && indiv.distance >= out.cost)) return false;
    out.found = true;
    out.cost = indiv.distance;
    out.routes = indiv.routes;
    out.seconds_to_best = deadline.Elapsed();
    if (options.on_improvement) options.on_improvement(out.cost, out.seconds_to_best);
    return true;
  };
  // Split, educate and add `child`; repair it half of the time when infeasible.
  // Returns {better than every solution so far, best since the last restart}.
  auto educate = [&]() {
    split.Run(child, penalties);
    search.Run(child, penalties, deadline);
    child.Evaluate(data, penalties);
    bool improved = keep(child);
    bool best = population.Add(child, true);
    if (!child.feasible && rng.Below(2) == 0) {
      // Repair: the same search with penalties ten times higher; for a route
      // still too long, a hundred times (it may need a whole new route, which
      // ten times a small excess does not pay for).
      search.Run(child, Penalties{penalties.load * params.repair_factor, penalties.duration * params.repair_factor},
                 deadline);
      child.Evaluate(data, penalties);
      if (child.duration_excess > 0) {
        const double factor = params.repair_factor * params.repair_factor;
        search.Run(child, Penalties{penalties.load * factor, penalties.duration * factor}, deadline);
        child.Evaluate(data, penalties);
      }
      if (child.feasible) {
        improved = keep(child) || improved;
        best = population.Add(child, false) || best;
      }
    }
    return std::pair{improved, best};
  };
  auto initialize = [&]() {
    for (int k = 0; k < params.initial_individuals && !deadline.Passed(); ++k) {
      child.giant.clear();
      for (int s = 1; s < data.nodes(); ++s) child.giant.push_back(s);
      rng.Shuffle(child.giant);
      educate();
    }
  };

  initialize();
  int64_t idle = 0;           // iterations since the best solution improved
  int64_t since_restart = 0;  // iterations since the best of this run improved
  while (population.size() > 0 && !deadline.Passed()) {
    if (options.max_idle_iterations > 0 && idle >= options.max_idle_iterations) break;
    ++out.iterations;
    const Individual& first = population.Tournament();
    const Individual& second = population.Tournament();
    Crossover(first, second, child, rng, taken);
    const auto [improved, best] = educate();
    idle = improved ? 0 : idle + 1;
    since_restart = best ? 0 : since_restart + 1;
    if (out.iterations % params.penalty_interval == 0) population.AdaptPenalties(penalties);
    if (since_restart >= params.RestartAfter(data.stops())) {
      population.Restart();
      initialize();
      since_restart = 0;
    }
  }
  return out;
}

}  // namespace fupin::engine::hgs
