#pragma once
// What the facility-location solvers share (location.h is the public contract):
// the problem's checks, its defaults (weight 1, opening cost 1), the
// nearest-site assignment of the uncapacitated models, a wall-clock deadline
// and a seeded random stream. Internal to src/engine.
#include <chrono>
#include <cstdint>
#include <limits>
#include <vector>

#include "base/result.h"
#include "engine/location.h"

namespace fupin::engine::detail {

// A distance larger than any real one: "no site" in nearest/second-nearest tables.
inline constexpr int64_t kFar = std::numeric_limits<int64_t>::max() / 4;

// Checks sizes, signs, p, fixed sites and that every sum of weight × distance
// fits in 2^53 (so CBC's doubles hold it exactly). Problems that can never be
// feasible are refused here too: a client no site covers (set covering), a
// capacity too small for the total weight.
Status ValidateLocationProblem(const LocationProblem& problem);

inline int64_t Dist(const LocationProblem& problem, int client, int site) {
  return problem.distance[static_cast<size_t>(client) * problem.sites + site];
}
inline int64_t WeightOf(const LocationProblem& problem, int client) {
  return problem.weight.empty() ? 1 : problem.weight[client];
}
inline int64_t OpeningCostOf(const LocationProblem& problem, int site) {
  return problem.opening_cost.empty() ? 1 : problem.opening_cost[site];
}
inline bool IsFixed(const LocationProblem& problem, int site) {
  return !problem.fixed_open.empty() && problem.fixed_open[site] != 0;
}
inline bool IsCapacitated(const LocationProblem& problem) { return !problem.capacity.empty(); }
inline bool IsCovering(const LocationProblem& problem) { return problem.objective != LocationObjective::kPMedian; }
inline bool Covers(const LocationProblem& problem, int client, int site) {
  return Dist(problem, client, site) <= problem.radius;
}
// Maximal covering maximises; the other two minimise.
inline bool Maximises(const LocationProblem& problem) { return problem.objective == LocationObjective::kMaxCovering; }

// Sorts `solution.open`, gives each client its nearest open site (covering
// models: the nearest within the radius, else -1) and sets the objective.
// Only for the uncapacitated models.
void AssignNearest(const LocationProblem& problem, LocationSolution& solution);

// The objective of an assignment (p-median: weighted distance; max covering:
// assigned weight; set covering: the opening cost of `open`).
int64_t ObjectiveOf(const LocationProblem& problem, const std::vector<int>& open, const std::vector<int>& assigned);

// A bound every solution respects, cheap to compute: p-median, each client at
// its nearest site; max covering, every coverable client covered; set
// covering, the fixed sites plus the dearest "cheapest site covering a client".
int64_t SimpleBound(const LocationProblem& problem);

// True when `a` is better than `b` for the problem's sense.
inline bool Better(const LocationProblem& problem, int64_t a, int64_t b) { return Maximises(problem) ? a > b : a < b; }

// A wall-clock deadline (steady clock: only durations, never dates).
class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Deadline(double seconds);
  bool Passed() const { return Clock::now() >= end_; }
  double RemainingSeconds() const;

 private:
  Clock::time_point end_;
};

// A small, fast random stream (splitmix64): the same seed gives the same
// numbers on every platform, which std::uniform_int_distribution does not promise.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0.
  int Below(int n) { return static_cast<int>((static_cast<unsigned __int128>(Next()) * n) >> 64); }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (int i = static_cast<int>(v.size()) - 1; i > 0; --i) std::swap(v[i], v[Below(i + 1)]);
  }

 private:
  uint64_t state_;
};

// How long a heuristic may search: until the deadline, or after `idle_limit`
// local searches in a row that found nothing better (so that small instances
// finish early and a run is repeatable for a seed).
struct SearchLimits {
  const Deadline* deadline = nullptr;
  uint64_t seed = 1;
  int64_t idle_limit = 0;  // 0: the solver's own default
};

}  // namespace fupin::engine::detail
