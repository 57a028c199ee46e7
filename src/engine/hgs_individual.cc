#include "engine/hgs_individual.h"

#include <algorithm>

namespace fupin::engine::hgs {

Individual::Individual(const Data& data)
    : successor(data.nodes(), 0), predecessor(data.nodes(), 0) {
  giant.reserve(data.stops());
}

void Individual::Evaluate(const Data& data, Penalties penalties) {
  distance = 0;
  load_excess = 0;
  duration_excess = 0;
  for (const std::vector<int>& route : routes) {
    const Segment s = data.RouteSegment(route);
    distance += s.distance;
    load_excess += data.LoadExcess(s);
    duration_excess += data.DurationExcess(s);
    for (size_t k = 0; k < route.size(); ++k) {
      predecessor[route[k]] = k == 0 ? 0 : route[k - 1];
      successor[route[k]] = k + 1 == route.size() ? 0 : route[k + 1];
    }
  }
  feasible = load_excess == 0 && duration_excess == 0;
  Reprice(penalties);
}

double Individual::BrokenPairsDistance(const Individual& other) const {
  const int n = static_cast<int>(successor.size());
  if (n <= 1) return 0;
  int differences = 0;
  for (int j = 1; j < n; ++j) {
    if (successor[j] != other.successor[j] && successor[j] != other.predecessor[j]) ++differences;
    if (predecessor[j] == 0 && other.predecessor[j] != 0 && other.successor[j] != 0) ++differences;
  }
  return static_cast<double>(differences) / (n - 1);
}

double Individual::AverageDistanceToClosest(int k) const {
  const int count = std::min<int>(k, static_cast<int>(closest.size()));
  if (count == 0) return 1;
  double sum = 0;
  for (int i = 0; i < count; ++i) sum += closest[i].first;
  return sum / count;
}

void Individual::AddClose(double distance_to, const Individual* other) {
  auto at = std::upper_bound(closest.begin(), closest.end(), distance_to,
                             [](double d, const std::pair<double, const Individual*>& e) { return d < e.first; });
  closest.insert(at, {distance_to, other});
}

void Individual::RemoveClose(const Individual* other) {
  auto at = std::find_if(closest.begin(), closest.end(), [&](const auto& e) { return e.second == other; });
  if (at != closest.end()) closest.erase(at);
}

}  // namespace fupin::engine::hgs
