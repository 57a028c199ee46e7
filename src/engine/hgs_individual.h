#pragma once
// One solution of the genetic search: a giant tour (every stop once, routes one
// after another) and its cut into routes, with its cost, its excesses and its
// broken-pairs distances to the others of its subpopulation.
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/hgs_data.h"

namespace fupin::engine::hgs {

struct Individual {
  explicit Individual(const Data& data);

  // Recomputes distance, excesses and penalised cost from `routes`, and the
  // successor and predecessor of every stop.
  void Evaluate(const Data& data, Penalties penalties);
  // Penalised cost again after the penalties changed (excesses unchanged).
  void Reprice(Penalties penalties) {
    penalized_cost = static_cast<double>(distance) + penalties.load * static_cast<double>(load_excess) +
                     penalties.duration * static_cast<double>(duration_excess);
  }

  // Share of stops whose neighbours differ between the two solutions (Prins
  // 2004's broken pairs, direction ignored), in [0, 1].
  double BrokenPairsDistance(const Individual& other) const;
  // Mean distance to the `k` closest others of the subpopulation (1 when alone).
  double AverageDistanceToClosest(int k) const;
  void AddClose(double distance_to, const Individual* other);
  void RemoveClose(const Individual* other);

  std::vector<int> giant;                // the stops, routes one after another
  std::vector<std::vector<int>> routes;  // non-empty routes
  int64_t distance = 0;
  int64_t load_excess = 0;      // summed over routes
  int64_t duration_excess = 0;  // summed over routes
  double penalized_cost = 0;
  bool feasible = false;
  double biased_fitness = 0;
  std::vector<int> successor;    // per node; 0 = the depot
  std::vector<int> predecessor;  // per node; 0 = the depot
  // Broken-pairs distances to the others of the subpopulation, ascending.
  std::vector<std::pair<double, const Individual*>> closest;
};

}  // namespace fupin::engine::hgs
