#pragma once
// The exact facility-location models, solved with COIN-OR CBC through its C
// interface. Internal to src/engine; SolveLocation decides when to call it.
//
//   p-median        min Σ w_c d_cs x_cs   Σ_s x_cs = 1, x_cs ≤ y_s, Σ y_s = p
//                   (x continuous when uncapacitated: integral y suffices)
//   max covering    max Σ w_c z_c         z_c ≤ Σ_{s covers c} y_s, Σ y_s = p, z continuous
//                   capacitated: x_cs binary over covering pairs, Σ_s x_cs ≤ 1
//   set covering    min Σ f_s y_s         Σ_{s covers c} y_s ≥ 1
//                   capacitated: x_cs binary over covering pairs, Σ_s x_cs = 1
//   with capacity   Σ_c w_c x_cs ≤ cap_s y_s; fixed sites have y_s = 1.
//
// The whole model is loaded in one call as compressed columns (adding rows one
// by one is quadratic in CBC).
#include <cstdint>

#include "engine/location.h"

namespace fupin::engine::detail {

struct CbcOutcome {
  bool has_solution = false;  // CBC found an integer solution
  LocationSolution solution;  // then: open, assigned, objective (recomputed), proven_optimal
  bool has_bound = false;     // CBC's best bound is known
  int64_t bound = 0;          // in the problem's own sense (an upper bound for max covering)
  bool proven_infeasible = false;
};

// Runs CBC for at most `time_limit_s` seconds, starting from `start` when given
// (a feasible solution of the same problem). Silent: CBC's log is off.
CbcOutcome SolveWithCbc(const LocationProblem& problem, double time_limit_s, const LocationSolution* start);

}  // namespace fupin::engine::detail
