#pragma once
// The variable neighbourhood search every location heuristic runs (Hansen and
// Mladenović 1997): from the best solution so far, shake k random moves, descend
// to a local optimum, keep it when better (then k = 1), else go back and try
// k + 1 (wrapping at k_max). Stops at the deadline or after `idle_limit` descents
// in a row found nothing better, so that small instances end early and a run is
// repeatable for a seed.
//
// Search must offer: a copyable `State state()` / `state() = ...`, `score()`
// (lower is better), `bool CanMove()`, `void LocalSearch(const
// Deadline&, Rng&)` and `void Shake(int k, Rng&)`. `score()` may be any type with
// `<` (an int64_t, or an array compared lexicographically).
#include <cstdint>

#include "engine/location_common.h"

namespace fupin::engine::detail {

template <typename Search>
void VariableNeighbourhoodSearch(Search& search, const Deadline& deadline, Rng& rng, int k_max, int64_t idle_limit) {
  search.LocalSearch(deadline, rng);
  if (!search.CanMove()) return;
  auto best = search.state();
  auto best_score = search.score();
  int k = 1;
  for (int64_t idle = 0; idle < idle_limit && !deadline.Passed();) {
    search.Shake(k, rng);
    search.LocalSearch(deadline, rng);
    if (search.score() < best_score) {
      best = search.state();
      best_score = search.score();
      k = 1;
      idle = 0;
    } else {
      search.state() = best;
      k = k % k_max + 1;
      ++idle;
    }
  }
  search.state() = best;
}

}  // namespace fupin::engine::detail
