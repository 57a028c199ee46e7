#include "engine/hgs_split.h"

#include <algorithm>
#include <limits>

namespace fupin::engine::hgs {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Route r ends before stop j and starts at start_of(r, j); read last to first.
template <typename StartOf>
void Cut(const std::vector<int>& giant, int routes, StartOf&& start_of, std::vector<std::vector<int>>& out) {
  out.assign(routes, {});
  int j = static_cast<int>(giant.size());
  for (int r = routes - 1; r >= 0; --r) {
    const int i = start_of(r, j);
    out[r].assign(giant.begin() + i, giant.begin() + j);
    j = i;
  }
}

}  // namespace

template <typename Visit>
void Split::Extend(const std::vector<int>& giant, int i, bool bounded, Penalties p, Visit&& visit) const {
  const int stops = static_cast<int>(giant.size());
  const double load_limit = 1.5 * static_cast<double>(data_.capacity());
  const double duration_limit = 1.5 * static_cast<double>(data_.max_duration());
  Segment s = data_.Visit(giant[i]);
  for (int j = i + 1; j <= stops; ++j) {
    if (j > i + 1) s = data_.Join(s, data_.Visit(giant[j - 1]));
    double cost = static_cast<double>(data_.Distance(0, s.first) + s.distance + data_.Distance(s.last, 0));
    if (s.peak > data_.capacity()) cost += p.load * static_cast<double>(s.peak - data_.capacity());
    if (data_.has_duration()) {
      const int64_t duration = data_.TravelTime(0, s.first) + s.duration + data_.TravelTime(s.last, 0);
      if (duration > data_.max_duration()) cost += p.duration * static_cast<double>(duration - data_.max_duration());
    }
    visit(j, cost);
    if (bounded && (static_cast<double>(s.peak) > load_limit ||
                    (data_.has_duration() && static_cast<double>(s.duration) > duration_limit))) {
      break;
    }
  }
}

void Split::Run(Individual& indiv, Penalties p) {
  const std::vector<int>& giant = indiv.giant;
  const int stops = static_cast<int>(giant.size());
  potential_.assign(stops + 1, kInfinity);
  previous_.assign(stops + 1, 0);
  potential_[0] = 0;
  for (int i = 0; i < stops; ++i) {
    const double base = potential_[i];
    Extend(giant, i, true, p, [&](int j, double cost) {
      if (base + cost < potential_[j]) {
        potential_[j] = base + cost;
        previous_[j] = i;
      }
    });
  }
  int routes = 0;
  for (int j = stops; j > 0; j = previous_[j]) ++routes;
  if (!data_.limited_fleet() || routes <= data_.fleet()) {
    Cut(giant, routes, [&](int, int j) { return previous_[j]; }, indiv.routes);
    return;
  }
  // Too many routes: the same with the number of routes counted. A tight
  // fleet may need routes longer than the bound; then search without it.
  if (!Limited(indiv, p, true)) Limited(indiv, p, false);
}

bool Split::Limited(Individual& indiv, Penalties p, bool bounded) {
  const std::vector<int>& giant = indiv.giant;
  const int stops = static_cast<int>(giant.size());
  const int fleet = data_.fleet();
  const int width = stops + 1;
  // potential_[k * width + j]: best cost of the first j stops in k routes.
  potential_.assign(static_cast<size_t>(fleet + 1) * width, kInfinity);
  previous_.assign(static_cast<size_t>(fleet + 1) * width, 0);
  potential_[0] = 0;
  for (int k = 0; k < fleet; ++k) {
    for (int i = k; i < stops; ++i) {
      const double base = potential_[static_cast<size_t>(k) * width + i];
      if (base == kInfinity) continue;
      Extend(giant, i, bounded, p, [&](int j, double cost) {
        const size_t at = static_cast<size_t>(k + 1) * width + j;
        if (base + cost < potential_[at]) {
          potential_[at] = base + cost;
          previous_[at] = i;
        }
      });
    }
  }
  int best_k = 0;
  double best = kInfinity;
  for (int k = 1; k <= fleet; ++k) {
    if (potential_[static_cast<size_t>(k) * width + stops] < best) {
      best = potential_[static_cast<size_t>(k) * width + stops];
      best_k = k;
    }
  }
  if (best_k == 0) return false;
  Cut(
      giant, best_k, [&](int r, int j) { return previous_[static_cast<size_t>(r + 1) * width + j]; },
      indiv.routes);
  return true;
}

}  // namespace fupin::engine::hgs
