#pragma once
// The routing problem as the Hybrid Genetic Search sees it (Vidal et al. 2012,
// "A hybrid genetic algorithm for multidepot and periodic vehicle routing
// problems"; Vidal 2022, "Hybrid genetic search for the CVRP: open-source
// implementation and SWAP* neighborhood"): the matrices, route segments and
// their concatenation, the granular neighbour lists, and the polar angles that
// order routes in a giant tour and pair them for SWAP*.
// Internal to the solver; engine/routing.h is its public face.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "engine/routing.h"

namespace fupin::engine::hgs {

// A sequence of consecutive visits, summarised so that two sequences can be
// joined in constant time (Vidal et al. 2014, "A unified solution framework
// for multi-attribute vehicle routing problems"). The load rule is that of
// simultaneous pickup and delivery; with no pickups `peak` equals `delivery`
// and it is the capacitated problem.
struct Segment {
  int first = 0;         // first and last node of the sequence (0 = the depot)
  int last = 0;
  int64_t distance = 0;  // arcs inside the sequence
  int64_t duration = 0;  // travel times inside it plus the service times of its stops
  int64_t delivery = 0;  // D: goods for its stops, on board when it starts
  int64_t pickup = 0;    // P: goods collected along it
  int64_t peak = 0;      // L: the highest load inside it, starting with D on board
};

// Prices of one unit of excess, in distance units; adapted during the search.
struct Penalties {
  double load = 1;      // per unit of load above the capacity
  double duration = 1;  // per unit of duration above the limit
};

// The search's parameters: those of Vidal 2022 (target share of feasible
// offspring 20 %), except the earlier restart on small instances.
struct Params {
  int granularity = 20;         // Gamma: neighbours per stop tried by the local search
  int mu = 25;                  // minimum size of each subpopulation
  int lambda = 40;              // offspring added before a subpopulation is trimmed back to mu
  int elite = 4;                // best individuals protected by the biased fitness
  int close = 5;                // neighbours averaged in the diversity contribution
  int initial_individuals = 100;  // 4 * mu random individuals at every (re)start
  // Iterations without improvement before a restart: 20000, or 100 per stop
  // when fewer (at least 500), as small instances run out of diversity sooner.
  int restart_after = 20000;
  int RestartAfter(int stops) const { return std::clamp(100 * stops, 500, restart_after); }
  int penalty_interval = 100;   // iterations between penalty adjustments
  double target_feasible = 0.2;
  double penalty_increase = 1.2;
  double penalty_decrease = 0.85;
  double repair_factor = 10;    // penalties multiplied by this to repair an infeasible offspring

  // Vidal's values, except from 40 to 99 stops: a granularity of 8 and a
  // population of 12 + 20 (48 at a start). A generation then costs about half
  // as much, and a township's day of 60 stops converges in a tenth of a second
  // (bench/township.sh) while the classic CVRPLIB instances of that size stay
  // at their optimum. Below 40 stops the search is fast anyway, and 8
  // neighbours can trap it (P-n19-k2 stays 4.7 % above its optimum).
  static Params ForStops(int stops) {
    Params p;
    if (stops >= 40 && stops < 100) {
      p.granularity = 8;
      p.mu = 12;
      p.lambda = 20;
      p.initial_individuals = 4 * p.mu;
    }
    return p;
  }
};

// Tolerance on penalised costs (sums of integers and penalties in double).
inline constexpr double kEpsilon = 1e-5;

// The search's own random numbers: seeded, the same sequence on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  // Uniform in [0, n), n > 0.
  int Below(int n) { return static_cast<int>(engine_() % static_cast<uint64_t>(n)); }
  template <typename T>
  void Shuffle(std::vector<T>& items) {
    for (int i = static_cast<int>(items.size()) - 1; i > 0; --i) std::swap(items[i], items[Below(i + 1)]);
  }

 private:
  std::mt19937_64 engine_;
};

// The wall-clock limit: the only time-dependent decision of the search is when it stops.
class Deadline {
 public:
  explicit Deadline(double seconds)
      : start_(std::chrono::steady_clock::now()),
        end_(start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::chrono::duration<double>(seconds))) {}
  bool Passed() const { return std::chrono::steady_clock::now() >= end_; }
  double Elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point end_;
};

class Data {
 public:
  // `problem` must have passed SolveRouting's validation and have at least one stop.
  Data(const RoutingProblem& problem, const Params& params);
  Data(const Data&) = delete;
  Data& operator=(const Data&) = delete;

  int nodes() const { return n_; }
  int stops() const { return n_ - 1; }
  bool has_pickup() const { return has_pickup_; }
  bool has_duration() const { return has_duration_; }
  bool symmetric() const { return symmetric_; }
  int64_t capacity() const { return capacity_; }
  int64_t max_duration() const { return max_duration_; }
  // Route slots of the local search: the fleet limit, else one per stop.
  int fleet() const { return fleet_; }
  bool limited_fleet() const { return limited_fleet_; }

  int64_t Distance(int i, int j) const { return distance_[static_cast<size_t>(i) * n_ + j]; }
  int64_t TravelTime(int i, int j) const { return travel_data_[static_cast<size_t>(i) * n_ + j]; }

  // One visit to `node` (the depot: an empty segment at the depot).
  const Segment& Visit(int node) const { return visit_[node]; }
  Segment Join(const Segment& a, const Segment& b) const {
    Segment s;
    s.first = a.first;
    s.last = b.last;
    s.distance = a.distance + Distance(a.last, b.first) + b.distance;
    if (has_duration_) s.duration = a.duration + TravelTime(a.last, b.first) + b.duration;
    s.delivery = a.delivery + b.delivery;
    s.pickup = a.pickup + b.pickup;
    s.peak = std::max(a.peak + b.delivery, a.pickup + b.peak);
    return s;
  }
  // A whole route, depot to depot, visiting `stops` in order.
  Segment RouteSegment(const std::vector<int>& stops) const;

  int64_t LoadExcess(const Segment& route) const { return std::max<int64_t>(0, route.peak - capacity_); }
  int64_t DurationExcess(const Segment& route) const {
    return has_duration_ ? std::max<int64_t>(0, route.duration - max_duration_) : 0;
  }
  // Distance plus penalties of a whole route.
  double Cost(const Segment& route, Penalties p) const {
    return static_cast<double>(route.distance) + p.load * static_cast<double>(LoadExcess(route)) +
           p.duration * static_cast<double>(DurationExcess(route));
  }

  // The stops whose neighbourhoods are searched together with `stop`: its
  // Gamma nearest and those that count it among theirs, ascending by number.
  const std::vector<int>& Neighbours(int stop) const { return neighbours_[stop]; }

  // Planar coordinates recovered from the distances (exact for Euclidean
  // instances, an approximation otherwise) and the angle of each node seen
  // from the depot, in 1/65536 of a turn.
  double X(int node) const { return x_[node]; }
  double Y(int node) const { return y_[node]; }
  int Angle(int node) const { return angle_[node]; }

  Penalties InitialPenalties() const { return initial_penalties_; }
  // Fewest vehicles the loads alone require: max(total delivery, total pickup) / capacity, rounded up.
  int64_t MinVehicles() const { return min_vehicles_; }

 private:
  void Coordinates();

  int n_ = 0;
  bool has_pickup_ = false;
  bool has_duration_ = false;
  bool symmetric_ = true;
  bool limited_fleet_ = false;
  int fleet_ = 0;
  int64_t capacity_ = 0;
  int64_t max_duration_ = 0;
  int64_t min_vehicles_ = 0;
  std::vector<int64_t> distance_;
  std::vector<int64_t> travel_;        // own travel times, when given
  const int64_t* travel_data_ = nullptr;  // travel_, or distance_ when none are given
  std::vector<Segment> visit_;
  std::vector<std::vector<int>> neighbours_;
  std::vector<double> x_, y_;
  std::vector<int> angle_;
  Penalties initial_penalties_;
};

// Angles are kept in 1/65536 of a turn; the sector arithmetic is modulo that.
inline int AngleMod(int a) { return ((a % 65536) + 65536) % 65536; }

// The smallest arc of directions (seen from the depot) covering a route's stops.
struct Sector {
  int start = 0;
  int end = 0;
  void Reset(int angle) { start = end = angle; }
  bool Covers(int angle) const { return AngleMod(angle - start) <= AngleMod(end - start); }
  void Extend(int angle) {
    if (Covers(angle)) return;
    if (AngleMod(angle - end) <= AngleMod(start - angle)) {
      end = angle;
    } else {
      start = angle;
    }
  }
  static bool Overlap(const Sector& a, const Sector& b) {
    return AngleMod(b.start - a.start) <= AngleMod(a.end - a.start) ||
           AngleMod(a.start - b.start) <= AngleMod(b.end - b.start);
  }
};

}  // namespace fupin::engine::hgs
