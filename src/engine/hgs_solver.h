#pragma once
// Hybrid Genetic Search for vehicle routing (Vidal et al. 2012; Vidal 2022):
// random giant tours are cut into routes (Split) and educated (local search);
// then, until the limit, two parents chosen by binary tournament give one
// child by ordered crossover, which is split, educated, repaired half of the
// time when infeasible, and added to the population. After
// Params::RestartAfter iterations without a better solution the population
// starts afresh, the best solution being kept. Nothing is shared between
// calls: concurrent searches on different threads are safe.
#include <cstdint>
#include <vector>

#include "engine/hgs_data.h"
#include "engine/routing.h"

namespace fupin::engine::hgs {

struct Outcome {
  bool found = false;                    // a feasible solution was found
  std::vector<std::vector<int>> routes;  // the best feasible one
  int64_t cost = 0;
  double seconds_to_best = 0;
  int64_t iterations = 0;                // crossovers
};

// `problem` must be valid (see SolveRouting) and have at least two stops.
Outcome Search(const RoutingProblem& problem, const RoutingOptions& options, const Deadline& deadline);

}  // namespace fupin::engine::hgs
