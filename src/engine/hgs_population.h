#pragma once
// The population of the genetic search (Vidal et al. 2012, section 3): a
// feasible and an infeasible subpopulation, each sorted by penalised cost,
// ranked by biased fitness (cost rank plus diversity rank by broken-pairs
// distance), trimmed back to mu once it reaches mu + lambda by removing clones
// first and then the worst biased fitness. It also adapts the penalties to
// keep about 20 % of the offspring feasible.
#include <deque>
#include <memory>
#include <vector>

#include "engine/hgs_data.h"
#include "engine/hgs_individual.h"

namespace fupin::engine::hgs {

class Population {
 public:
  Population(const Params& params, Rng& rng) : params_(params), rng_(rng) {}

  // Adds a copy of `indiv` to its subpopulation. `count` records it in the
  // feasibility statistics (offspring straight from the local search, not
  // repaired ones). Returns true when it is the best feasible solution since
  // the last restart.
  bool Add(const Individual& indiv, bool count);
  // Binary tournament on biased fitness over both subpopulations; not empty.
  const Individual& Tournament();
  // Raises or lowers each penalty by the share of feasible offspring among
  // the last 100, and reprices the infeasible subpopulation.
  void AdaptPenalties(Penalties& penalties);
  // Empties both subpopulations (the caller keeps the best solution).
  void Restart();
  int size() const { return static_cast<int>(feasible_.size() + infeasible_.size()); }

 private:
  using Group = std::vector<std::unique_ptr<Individual>>;
  void UpdateBiasedFitness(Group& group) const;
  void RemoveWorst(Group& group);

  const Params& params_;
  Rng& rng_;
  Group feasible_;
  Group infeasible_;
  std::deque<bool> load_feasible_;
  std::deque<bool> duration_feasible_;
  double best_since_restart_ = -1;
};

}  // namespace fupin::engine::hgs
