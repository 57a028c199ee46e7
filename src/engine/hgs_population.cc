#include "engine/hgs_population.h"

#include <algorithm>
#include <utility>

namespace fupin::engine::hgs {

bool Population::Add(const Individual& indiv, bool count) {
  if (count) {
    load_feasible_.push_back(indiv.load_excess == 0);
    duration_feasible_.push_back(indiv.duration_excess == 0);
    if (load_feasible_.size() > 100) load_feasible_.pop_front();
    if (duration_feasible_.size() > 100) duration_feasible_.pop_front();
  }
  auto copy = std::make_unique<Individual>(indiv);
  copy->closest.clear();
  Group& group = copy->feasible ? feasible_ : infeasible_;
  for (auto& other : group) {
    const double d = copy->BrokenPairsDistance(*other);
    other->AddClose(d, copy.get());
    copy->AddClose(d, other.get());
  }
  const double cost = copy->penalized_cost;
  const bool feasible = copy->feasible;
  auto at = std::upper_bound(group.begin(), group.end(), cost,
                             [](double c, const std::unique_ptr<Individual>& e) { return c < e->penalized_cost; });
  group.insert(at, std::move(copy));
  if (static_cast<int>(group.size()) > params_.mu + params_.lambda) {
    while (static_cast<int>(group.size()) > params_.mu) RemoveWorst(group);
  }
  if (feasible && (best_since_restart_ < 0 || cost < best_since_restart_ - kEpsilon)) {
    best_since_restart_ = cost;
    return true;
  }
  return false;
}

// Biased fitness = cost rank + (1 - elite / size) * diversity rank, both
// scaled to [0, 1]; lower is better.
void Population::UpdateBiasedFitness(Group& group) const {
  const int size = static_cast<int>(group.size());
  if (size == 1) {
    group[0]->biased_fitness = 0;
    return;
  }
  std::vector<std::pair<double, int>> diversity;
  diversity.reserve(size);
  for (int i = 0; i < size; ++i) diversity.emplace_back(-group[i]->AverageDistanceToClosest(params_.close), i);
  std::sort(diversity.begin(), diversity.end());
  for (int rank = 0; rank < size; ++rank) {
    const int i = diversity[rank].second;
    const double diversity_rank = static_cast<double>(rank) / (size - 1);
    const double cost_rank = static_cast<double>(i) / (size - 1);
    group[i]->biased_fitness = size <= params_.elite
                                   ? cost_rank
                                   : cost_rank + (1.0 - static_cast<double>(params_.elite) / size) * diversity_rank;
  }
}

void Population::RemoveWorst(Group& group) {
  UpdateBiasedFitness(group);
  int worst = -1;
  bool worst_is_clone = false;
  double worst_fitness = -1;
  // The best (index 0) always stays.
  for (int i = 1; i < static_cast<int>(group.size()); ++i) {
    const bool clone = group[i]->AverageDistanceToClosest(1) < kEpsilon;
    if ((clone && !worst_is_clone) || (clone == worst_is_clone && group[i]->biased_fitness > worst_fitness)) {
      worst = i;
      worst_is_clone = clone;
      worst_fitness = group[i]->biased_fitness;
    }
  }
  const Individual* gone = group[worst].get();
  for (auto& other : group) other->RemoveClose(gone);
  group.erase(group.begin() + worst);
}

const Individual& Population::Tournament() {
  UpdateBiasedFitness(feasible_);
  if (!infeasible_.empty()) UpdateBiasedFitness(infeasible_);
  auto pick = [&]() -> const Individual& {
    const int i = rng_.Below(size());
    return i < static_cast<int>(feasible_.size()) ? *feasible_[i] : *infeasible_[i - feasible_.size()];
  };
  const Individual& a = pick();
  const Individual& b = pick();
  return a.biased_fitness < b.biased_fitness ? a : b;
}

void Population::AdaptPenalties(Penalties& penalties) {
  auto adapt = [&](const std::deque<bool>& record, double& penalty) {
    if (record.empty()) return;
    const double share =
        static_cast<double>(std::count(record.begin(), record.end(), true)) / static_cast<double>(record.size());
    if (share < params_.target_feasible - 0.05) {
      penalty = std::min(penalty * params_.penalty_increase, 100000.0);
    } else if (share > params_.target_feasible + 0.05) {
      penalty = std::max(penalty * params_.penalty_decrease, 0.1);
    }
  };
  adapt(load_feasible_, penalties.load);
  adapt(duration_feasible_, penalties.duration);
  for (auto& indiv : infeasible_) indiv->Reprice(penalties);
  std::stable_sort(infeasible_.begin(), infeasible_.end(),
                   [](const auto& a, const auto& b) { return a->penalized_cost < b->penalized_cost; });
}

void Population::Restart() {
  feasible_.clear();
  infeasible_.clear();
  best_since_restart_ = -1;
}

}  // namespace fupin::engine::hgs
