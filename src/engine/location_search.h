#pragma once
// Our own facility-location heuristics, used beyond CBC's reach, when CBC runs
// out of time, and to hand CBC a first incumbent. Each takes a problem that
// ValidateLocationProblem accepted and returns a feasible solution (method
// "heuristic", proven_optimal false, bound unset) or an Error when none was found.
//
//   uncapacitated p-median   location_pmedian.cc    greedy start, vertex substitution with
//                                                   Whitaker's fast interchange (nearest and
//                                                   second-nearest open site per client), VNS shaking
//   uncapacitated covering   location_covering.cc   greedy, swap/drop local search, shaking
//   capacitated, any model   location_capacitated.cc regret assignment + shift/swap moves inside
//                                                   a search over the open set
#include "base/result.h"
#include "engine/location.h"
#include "engine/location_common.h"

namespace fupin::engine::detail {

LocationSolution PMedianHeuristic(const LocationProblem& problem, const SearchLimits& limits);
LocationSolution MaxCoveringHeuristic(const LocationProblem& problem, const SearchLimits& limits);
LocationSolution SetCoveringHeuristic(const LocationProblem& problem, const SearchLimits& limits);
Result<LocationSolution> CapacitatedHeuristic(const LocationProblem& problem, const SearchLimits& limits);

// Dispatches to the one of the above that fits the problem.
Result<LocationSolution> LocationHeuristic(const LocationProblem& problem, const SearchLimits& limits);

}  // namespace fupin::engine::detail
