#include "engine/hgs_data.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

namespace fupin::engine::hgs {

Data::Data(const RoutingProblem& problem, const Params& params) : n_(problem.n) {
  const size_t cells = static_cast<size_t>(n_) * n_;
  distance_ = problem.distance;
  if (!problem.travel_time.empty()) travel_ = problem.travel_time;
  travel_data_ = travel_.empty() ? distance_.data() : travel_.data();
  // The diagonal is never an arc of a route; zero keeps an empty route at cost 0.
  for (int i = 0; i < n_; ++i) {
    distance_[static_cast<size_t>(i) * n_ + i] = 0;
    if (!travel_.empty()) travel_[static_cast<size_t>(i) * n_ + i] = 0;
  }
  for (int i = 0; i < n_ && symmetric_; ++i) {
    for (int j = i + 1; j < n_; ++j) {
      if (Distance(i, j) != Distance(j, i) || TravelTime(i, j) != TravelTime(j, i)) {
        symmetric_ = false;
        break;
      }
    }
  }
  capacity_ = problem.capacity;
  max_duration_ = problem.max_duration;
  has_duration_ = max_duration_ > 0;

  visit_.assign(n_, Segment{});
  int64_t total_delivery = 0, total_pickup = 0, max_quantity = 0;
  for (int i = 1; i < n_; ++i) {
    Segment& v = visit_[i];
    v.first = v.last = i;
    v.delivery = problem.delivery[i];
    v.pickup = problem.pickup.empty() ? 0 : problem.pickup[i];
    v.peak = std::max(v.delivery, v.pickup);
    v.duration = has_duration_ && !problem.service_time.empty() ? problem.service_time[i] : 0;
    if (v.pickup > 0) has_pickup_ = true;
    total_delivery += v.delivery;
    total_pickup += v.pickup;
    max_quantity = std::max(max_quantity, v.peak);
  }
  const int64_t total = std::max(total_delivery, total_pickup);
  min_vehicles_ = (total + capacity_ - 1) / capacity_;

  const int stop_count = n_ - 1;
  limited_fleet_ = problem.max_vehicles > 0 && problem.max_vehicles < stop_count;
  fleet_ = limited_fleet_ ? problem.max_vehicles : stop_count;

  // Granular neighbourhoods: the Gamma nearest stops (by the round trip, so
  // that an asymmetric matrix counts both directions), closed under symmetry.
  neighbours_.assign(n_, {});
  const int gamma = std::min(params.granularity, stop_count - 1);
  if (gamma > 0) {
    std::vector<std::pair<int64_t, int>> order;
    order.reserve(stop_count);
    for (int i = 1; i < n_; ++i) {
      order.clear();
      for (int j = 1; j < n_; ++j) {
        if (j != i) order.emplace_back(symmetric_ ? Distance(i, j) : Distance(i, j) + Distance(j, i), j);
      }
      std::partial_sort(order.begin(), order.begin() + gamma, order.end());
      for (int k = 0; k < gamma; ++k) {
        neighbours_[i].push_back(order[k].second);
        neighbours_[order[k].second].push_back(i);
      }
    }
    for (int i = 1; i < n_; ++i) {
      std::sort(neighbours_[i].begin(), neighbours_[i].end());
      neighbours_[i].erase(std::unique(neighbours_[i].begin(), neighbours_[i].end()), neighbours_[i].end());
    }
  }

  // Starting penalty for load (Vidal 2022): the longest arc per unit of the largest quantity.
  int64_t max_arc = 0, max_travel = 0;
  for (size_t c = 0; c < cells; ++c) {
    max_arc = std::max(max_arc, distance_[c]);
    max_travel = std::max(max_travel, travel_data_[c]);
  }
  if (max_quantity > 0) {
    initial_penalties_.load =
        std::clamp(static_cast<double>(max_arc) / static_cast<double>(max_quantity), 0.1, 1000.0);
  }
  // For duration, ten times the distance per unit of travel time: starting
  // lower lets the first generations run far over the limit.
  if (max_travel > 0) {
    initial_penalties_.duration =
        std::clamp(10.0 * static_cast<double>(max_arc) / static_cast<double>(max_travel), 0.1, 1000.0);
  }

  Coordinates();
}

Segment Data::RouteSegment(const std::vector<int>& stops) const {
  Segment s = visit_[0];
  for (int stop : stops) s = Join(s, visit_[stop]);
  return Join(s, visit_[0]);
}

// Two coordinates per node by FastMap (Faloutsos & Lin 1995): project every
// node on the line through two far-apart pivots, then do the same with the
// distances that remain across that line. Linear in n, and exact (up to a
// rotation or reflection, which angles do not mind) for points in the plane.
void Data::Coordinates() {
  x_.assign(n_, 0);
  y_.assign(n_, 0);
  angle_.assign(n_, 0);
  if (n_ < 3) return;
  auto sym = [&](int i, int j) { return 0.5 * static_cast<double>(Distance(i, j) + Distance(j, i)); };
  auto farthest = [&](int from, auto&& dist2) {
    int best = from;
    double best_d = -1;
    for (int i = 0; i < n_; ++i) {
      const double d = dist2(from, i);
      if (d > best_d) {
        best_d = d;
        best = i;
      }
    }
    return best;
  };
  auto project = [&](auto&& dist2, std::vector<double>& out) {
    int a = farthest(0, dist2);
    int b = farthest(a, dist2);
    a = farthest(b, dist2);
    const double ab2 = dist2(a, b);
    if (ab2 <= 0) return;
    const double ab = std::sqrt(ab2);
    for (int i = 0; i < n_; ++i) out[i] = (dist2(a, i) + ab2 - dist2(b, i)) / (2 * ab);
  };
  project([&](int i, int j) { return sym(i, j) * sym(i, j); }, x_);
  project(
      [&](int i, int j) {
        const double s = sym(i, j), dx = x_[i] - x_[j];
        return std::max(0.0, s * s - dx * dx);
      },
      y_);
  for (int i = 0; i < n_; ++i) {
    const double a = std::atan2(y_[i] - y_[0], x_[i] - x_[0]);
    angle_[i] = AngleMod(static_cast<int>(std::lround(32768.0 * a / std::numbers::pi)));
  }
}

}  // namespace fupin::engine::hgs
