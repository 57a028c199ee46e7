#pragma once
// Facility location: p-median, maximal covering and set covering, capacitated or
// not. Exact through COIN-OR CBC on small and medium instances, our own
// heuristic beyond; the result says whether it is proven optimal.
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace fupin::engine {

enum class LocationObjective {
  kPMedian,      // open exactly p sites; minimise sum of weight * distance to the assigned site
  kMaxCovering,  // open exactly p sites; maximise the weight within `radius` of an open site
  kSetCovering,  // cover every client within `radius` at the least total opening cost
};

struct LocationProblem {
  int clients = 0;
  int sites = 0;
  std::vector<int64_t> distance;     // clients*sites, row-major: distance[c*sites+s]
  std::vector<int64_t> weight;       // per client (empty = all 1); e.g. parcels per day
  std::vector<int64_t> opening_cost; // per site (empty = all 1): set covering minimises its sum
  std::vector<int64_t> capacity;     // per site (empty = uncapacitated): sum of assigned weight <= capacity
  std::vector<char> fixed_open;      // per site (empty = none): sites that must stay open (existing ones)
  LocationObjective objective = LocationObjective::kPMedian;
  int p = 0;                         // p-median and maximal covering
  int64_t radius = 0;                // covering models: a client is covered by a site within this distance
};

struct LocationOptions {
  double time_limit_s = 10.0;
  uint64_t seed = 1;
  // Use CBC when the model has at most this many assignment variables
  // (clients*sites); above it, or when CBC runs out of time, the heuristic.
  int64_t exact_max_variables = 250000;
  bool allow_exact = true;
};

struct LocationSolution {
  std::vector<int> open;      // open sites, ascending
  std::vector<int> assigned;  // per client: its site, or -1 when not covered (covering models)
  int64_t objective = 0;      // p-median: weighted distance; max covering: covered weight; set covering: cost
  bool proven_optimal = false;
  int64_t bound = 0;          // the best bound known (equal to objective when proven optimal)
  std::string method;         // "cbc", "heuristic" (vertex substitution / greedy + local search), ...
  double seconds = 0;
};

Result<LocationSolution> SolveLocation(const LocationProblem& problem, const LocationOptions& options);

// Independent check: open count / must-open / capacity / coverage, recomputes the objective.
Result<int64_t> CheckLocation(const LocationProblem& problem, const LocationSolution& solution);

}  // namespace fupin::engine
