#pragma once
// Split (Prins 2004; Vidal 2016): the best cut of a giant tour into routes,
// each route priced at its distance plus penalties for excess load and
// duration. Bellman's shortest path over the tour, a route growing until its
// load passes 1.5 times the capacity; with a fleet limit, the same by number
// of routes used.
#include <vector>

#include "engine/hgs_data.h"
#include "engine/hgs_individual.h"

namespace fupin::engine::hgs {

class Split {
 public:
  explicit Split(const Data& data) : data_(data) {}

  // Fills `indiv.routes` from `indiv.giant`: at most data.fleet() routes when
  // the fleet is limited, any number otherwise.
  void Run(Individual& indiv, Penalties penalties);

 private:
  // Calls visit(j, cost) for every route giant[i..j-1] worth considering.
  template <typename Visit>
  void Extend(const std::vector<int>& giant, int i, bool bounded, Penalties p, Visit&& visit) const;
  bool Limited(Individual& indiv, Penalties p, bool bounded);

  const Data& data_;
  std::vector<double> potential_;
  std::vector<int> previous_;
};

}  // namespace fupin::engine::hgs
