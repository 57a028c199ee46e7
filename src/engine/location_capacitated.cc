// Capacitated location, any of the three models: a search over the set of open
// sites in which each candidate set is scored by assigning the clients to it.
//
// The assignment (single sourcing: a client goes to one site) places clients in
// order of regret — the extra distance, times weight, of their second-best site
// with room over their best (Martello and Toth's regret heuristic for the
// generalised assignment problem) — then improves: unplaced clients are fitted
// by moving or displacing a lighter client, and clients are shifted or swapped
// between sites while that shortens distances.
//
// Scores compare lexicographically: unplaced weight first (infeasible for
// p-median and set covering; uncovered for maximal covering), then the
// objective, then the weighted distance.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <queue>
#include <tuple>

#include "engine/location_search.h"
#include "engine/location_vns.h"

namespace fupin::engine::detail {
namespace {

using Score = std::array<int64_t, 3>;

struct Assignment {
  std::vector<int> site;  // per client: its site, -1 when unplaced
  int64_t unplaced = 0;   // weight of the unplaced clients
  int64_t distance = 0;   // sum of weight × distance of the placed ones
};

class Assigner {
 public:
  explicit Assigner(const LocationProblem& pr) : pr_(pr), n_(pr.clients), by_distance_(pr.clients) {
    for (int c = 0; c < n_; ++c) {
      w_.push_back(WeightOf(pr, c));
      for (int s = 0; s < pr.sites; ++s) {
        if (Allowed(c, s)) by_distance_[c].push_back(s);
      }
      std::stable_sort(by_distance_[c].begin(), by_distance_[c].end(),
                       [&](int a, int b) { return Dist(pr, c, a) < Dist(pr, c, b); });
    }
  }

  bool Allowed(int c, int s) const { return !IsCovering(pr_) || Covers(pr_, c, s); }

  Assignment Assign(const std::vector<char>& is_open) {
    options_.assign(n_, {});
    for (int c = 0; c < n_; ++c) {
      for (int s : by_distance_[c]) {
        if (is_open[s]) options_[c].push_back(s);
      }
    }
    residual_ = pr_.capacity;
    members_.assign(pr_.sites, {});
    Assignment a;
    a.site.assign(n_, -1);
    PlaceByRegret(a);
    Improve(a);
    a.unplaced = 0;
    a.distance = 0;
    for (int c = 0; c < n_; ++c) {
      if (a.site[c] < 0) {
        a.unplaced += w_[c];
      } else {
        a.distance += w_[c] * Dist(pr_, c, a.site[c]);
      }
    }
    return a;
  }

 private:
  // The first two open sites with room for c, nearest first (-1: none).
  std::pair<int, int> FirstTwoWithRoom(int c) const {
    int first = -1;
    for (int s : options_[c]) {
      if (residual_[s] < w_[c]) continue;
      if (first < 0) {
        first = s;
      } else {
        return {first, s};
      }
    }
    return {first, -1};
  }

  // The urgency of placing c now: a client with a single site left goes first
  // (heaviest first), then the largest regret. Negative: c fits nowhere.
  std::pair<int64_t, int64_t> Urgency(int c) const {
    auto [first, second] = FirstTwoWithRoom(c);
    if (first < 0) return {-1, 0};
    if (second < 0) return {kFar, w_[c]};
    return {w_[c] * (Dist(pr_, c, second) - Dist(pr_, c, first)), w_[c]};
  }

  void Place(Assignment& a, int c, int s) {
    a.site[c] = s;
    residual_[s] -= w_[c];
    members_[s].push_back(c);
  }

  void Unplace(Assignment& a, int c) {
    int s = a.site[c];
    residual_[s] += w_[c];
    members_[s].erase(std::find(members_[s].begin(), members_[s].end(), c));
    a.site[c] = -1;
  }

  void PlaceByRegret(Assignment& a) {
    // Residual capacities only shrink, so a client's urgency is refreshed
    // lazily: when it comes out of the queue with a stale value it goes back.
    using Item = std::tuple<int64_t, int64_t, int>;  // urgency, weight, -client (smallest client first)
    std::priority_queue<Item> queue;
    for (int c = 0; c < n_; ++c) {
      auto [u, w] = Urgency(c);
      if (u >= 0) queue.push({u, w, -c});
    }
    while (!queue.empty()) {
      auto [u, w, neg_c] = queue.top();
      queue.pop();
      int c = -neg_c;
      auto now = Urgency(c);
      if (now.first < 0) continue;
      if (now != std::pair(u, w)) {
        queue.push({now.first, now.second, neg_c});
        continue;
      }
      Place(a, c, FirstTwoWithRoom(c).first);
    }
  }

  // Fits the unplaced client c directly, or by moving a client out of one of
  // its sites to another, or by displacing a lighter one. True when done.
  bool FitUnplaced(Assignment& a, int c) {
    for (int s : options_[c]) {
      if (residual_[s] >= w_[c]) {
        Place(a, c, s);
        return true;
      }
    }
    // (gain in placed weight, -distance change): the largest gain, then the least added distance.
    std::pair<int64_t, int64_t> best = {0, 0};
    int best_s = -1, best_other = -1, best_to = -1;
    for (int s : options_[c]) {
      int64_t need = w_[c] - residual_[s];
      for (int other : members_[s]) {
        if (w_[other] < need) continue;
        int64_t base = w_[c] * Dist(pr_, c, s) - w_[other] * Dist(pr_, other, s);
        for (int to : options_[other]) {
          if (to == s || residual_[to] < w_[other]) continue;
          std::pair<int64_t, int64_t> value = {w_[c], -(base + w_[other] * Dist(pr_, other, to))};
          if (best_s < 0 || value > best) {
            best = value;
            best_s = s;
            best_other = other;
            best_to = to;
          }
        }
        if (w_[other] < w_[c]) {
          std::pair<int64_t, int64_t> value = {w_[c] - w_[other], -base};
          if (best_s < 0 || value > best) {
            best = value;
            best_s = s;
            best_other = other;
            best_to = -1;
          }
        }
      }
    }
    if (best_s < 0) return false;
    Unplace(a, best_other);
    if (best_to >= 0) Place(a, best_other, best_to);
    Place(a, c, best_s);
    return true;
  }

  void Improve(Assignment& a) {
    for (int pass = 0; pass < 100; ++pass) {
      bool improved = false;
      std::vector<int> unplaced;
      for (int c = 0; c < n_; ++c) {
        if (a.site[c] < 0 && !options_[c].empty()) unplaced.push_back(c);
      }
      std::stable_sort(unplaced.begin(), unplaced.end(), [&](int x, int y) { return w_[x] > w_[y]; });
      for (int c : unplaced) improved |= FitUnplaced(a, c);

      for (int c = 0; c < n_; ++c) {
        int s = a.site[c];
        if (s < 0) continue;
        // Shift to a nearer site with room (options are nearest first).
        for (int to : options_[c]) {
          if (Dist(pr_, c, to) >= Dist(pr_, c, s)) break;
          if (residual_[to] >= w_[c]) {
            Unplace(a, c);
            Place(a, c, to);
            improved = true;
            break;
          }
        }
      }

      for (int c = 0; c < n_; ++c) {
        int s = a.site[c];
        if (s < 0) continue;
        bool swapped = false;
        for (int to : options_[c]) {
          if (swapped || Dist(pr_, c, to) >= Dist(pr_, c, s)) break;
          for (int other : members_[to]) {
            if (!Allowed(other, s)) continue;
            if (residual_[s] + w_[c] < w_[other] || residual_[to] + w_[other] < w_[c]) continue;
            int64_t delta =
                w_[c] * (Dist(pr_, c, to) - Dist(pr_, c, s)) + w_[other] * (Dist(pr_, other, s) - Dist(pr_, other, to));
            if (delta >= 0) continue;
            Unplace(a, c);
            Unplace(a, other);
            Place(a, c, to);
            Place(a, other, s);
            improved = swapped = true;
            break;
          }
        }
      }
      if (!improved) break;
    }
  }

  const LocationProblem& pr_;
  int n_;
  std::vector<int64_t> w_;
  std::vector<std::vector<int>> by_distance_;  // per client: allowed sites, nearest first
  // Per call of Assign:
  std::vector<std::vector<int>> options_;  // per client: open allowed sites, nearest first
  std::vector<int64_t> residual_;          // per site: capacity left
  std::vector<std::vector<int>> members_;  // per site: its clients
};

struct CapState {
  std::vector<char> is_open;
  Assignment assignment;
  Score score = {kFar, kFar, kFar};
};

class CapacitatedSearch {
 public:
  explicit CapacitatedSearch(const LocationProblem& pr) : pr_(pr), assigner_(pr) {
    for (int s = 0; s < pr.sites; ++s) fixed_.push_back(IsFixed(pr, s));
  }

  CapState& state() { return st_; }
  const Score& score() const { return st_.score; }
  bool CanMove() const {
    int fixed = static_cast<int>(std::count(fixed_.begin(), fixed_.end(), 1));
    if (pr_.objective == LocationObjective::kSetCovering) return fixed < pr_.sites;
    return pr_.p > fixed && pr_.p < pr_.sites;
  }

  void Set(const std::vector<char>& is_open) { st_ = Evaluate(is_open); }

  CapState Evaluate(const std::vector<char>& is_open) {
    CapState st;
    st.is_open = is_open;
    st.assignment = assigner_.Assign(is_open);
    if (pr_.objective == LocationObjective::kSetCovering) {
      int64_t opening = 0;
      for (int s = 0; s < pr_.sites; ++s) opening += is_open[s] ? OpeningCostOf(pr_, s) : 0;
      st.score = {st.assignment.unplaced, opening, st.assignment.distance};
    } else {
      st.score = {st.assignment.unplaced, st.assignment.distance, 0};
    }
    return st;
  }

  // The fixed sites and, up to p, the largest capacities: the start most
  // likely to hold every client.
  std::vector<char> LargestCapacities() const {
    std::vector<int> order;
    std::vector<char> open(pr_.sites, 0);
    int count = 0;
    for (int s = 0; s < pr_.sites; ++s) {
      if (fixed_[s]) {
        open[s] = 1;
        ++count;
      } else {
        order.push_back(s);
      }
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return pr_.capacity[a] > pr_.capacity[b]; });
    for (int k = 0; count < pr_.p; ++k, ++count) open[order[k]] = 1;
    return open;
  }

  // Set covering: from the fixed sites, open the site placing the most
  // unplaced weight per unit of opening cost until every client is placed.
  // False when even all sites leave some client unplaced.
  bool GreedyCover(const Deadline& deadline) {
    std::vector<char> open(pr_.sites, 0);
    for (int s = 0; s < pr_.sites; ++s) open[s] = fixed_[s];
    Set(open);
    while (st_.score[0] > 0) {
      int best = -1;
      int64_t best_gain = 0;
      for (int s = 0; s < pr_.sites; ++s) {
        if (open[s]) continue;
        int64_t reach = 0;
        for (int c = 0; c < pr_.clients; ++c) {
          if (st_.assignment.site[c] < 0 && Covers(pr_, c, s)) reach += WeightOf(pr_, c);
        }
        int64_t gain = std::min(reach, pr_.capacity[s]);
        if (gain == 0) continue;
        // gain / cost > best_gain / best_cost, without dividing (a free site wins).
        __int128 lhs = static_cast<__int128>(gain) * (best < 0 ? 1 : OpeningCostOf(pr_, best));
        __int128 rhs = static_cast<__int128>(best_gain) * OpeningCostOf(pr_, s);
        if (best < 0 || lhs > rhs) {
          best = s;
          best_gain = gain;
        }
      }
      if (best < 0) {
        // Only rearranging could help: open the largest closed site.
        for (int s = 0; s < pr_.sites; ++s) {
          if (!open[s] && (best < 0 || pr_.capacity[s] > pr_.capacity[best])) best = s;
        }
        if (best < 0) return false;
      }
      open[best] = 1;
      Set(open);
      if (deadline.Passed() && st_.score[0] > 0) return false;
    }
    return true;
  }

  void LocalSearch(const Deadline& deadline, Rng& rng) {
    if (!CanMove()) return;
    if (pr_.objective == LocationObjective::kSetCovering) {
      CoverDescent(deadline, rng);
    } else {
      SwapDescent(deadline, rng);
    }
  }

  void Shake(int k, Rng& rng) {
    std::vector<char> open = st_.is_open;
    std::vector<int> closed, free_open;
    for (int s = 0; s < pr_.sites; ++s) {
      if (!open[s]) closed.push_back(s);
      if (open[s] && !fixed_[s]) free_open.push_back(s);
    }
    rng.Shuffle(closed);
    rng.Shuffle(free_open);
    for (int j = 0; j < k && j < static_cast<int>(closed.size()); ++j) {
      open[closed[j]] = 1;
      if (pr_.objective != LocationObjective::kSetCovering) {
        if (j >= static_cast<int>(free_open.size())) break;
        open[free_open[j]] = 0;
      }
    }
    Set(open);
  }

 private:
  // Fixed number of open sites: first improving swap, until a whole round of
  // candidates brings nothing.
  void SwapDescent(const Deadline& deadline, Rng& rng) {
    const int m = pr_.sites;
    int since_improvement = 0;
    for (int in = rng.Below(m); since_improvement < m; in = (in + 1) % m) {
      ++since_improvement;
      if (st_.is_open[in]) continue;
      std::vector<int> outs;
      for (int s = 0; s < m; ++s) {
        if (st_.is_open[s] && !fixed_[s]) outs.push_back(s);
      }
      rng.Shuffle(outs);
      for (int out : outs) {
        if (deadline.Passed()) return;
        std::vector<char> open = st_.is_open;
        open[in] = 1;
        open[out] = 0;
        CapState next = Evaluate(open);
        if (next.score < st_.score) {
          st_ = std::move(next);
          since_improvement = 0;
          break;
        }
      }
    }
  }

  // Set covering: close sites (dearest first) and swap sites while the score improves.
  void CoverDescent(const Deadline& deadline, Rng& rng) {
    for (bool improved = true; improved;) {
      improved = false;
      std::vector<int> open, closed;
      for (int s = 0; s < pr_.sites; ++s) {
        if (st_.is_open[s] && !fixed_[s]) open.push_back(s);
        if (!st_.is_open[s]) closed.push_back(s);
      }
      rng.Shuffle(open);
      std::stable_sort(open.begin(), open.end(),
                       [&](int a, int b) { return OpeningCostOf(pr_, a) > OpeningCostOf(pr_, b); });
      for (int out : open) {
        if (deadline.Passed()) return;
        std::vector<char> next_open = st_.is_open;
        next_open[out] = 0;
        CapState next = Evaluate(next_open);
        if (next.score < st_.score) {
          st_ = std::move(next);
          improved = true;
        }
      }
      if (improved) continue;
      rng.Shuffle(closed);
      for (int out : open) {
        for (int in : closed) {
          if (deadline.Passed()) return;
          if (OpeningCostOf(pr_, in) > OpeningCostOf(pr_, out)) continue;
          std::vector<char> next_open = st_.is_open;
          next_open[out] = 0;
          next_open[in] = 1;
          CapState next = Evaluate(next_open);
          if (next.score < st_.score) {
            st_ = std::move(next);
            improved = true;
            break;
          }
        }
        if (improved) break;
      }
    }
  }

  const LocationProblem& pr_;
  Assigner assigner_;
  std::vector<char> fixed_;
  CapState st_;
};

std::vector<char> OpenFlags(int sites, const std::vector<int>& open) {
  std::vector<char> flags(sites, 0);
  for (int s : open) flags[s] = 1;
  return flags;
}

}  // namespace

Result<LocationSolution> CapacitatedHeuristic(const LocationProblem& pr, const SearchLimits& limits) {
  const Deadline& deadline = *limits.deadline;
  Rng rng(limits.seed);
  CapacitatedSearch search(pr);
  if (pr.objective == LocationObjective::kSetCovering) {
    if (!search.GreedyCover(deadline)) {
      return Error::Exhausted(
          "no assignment within the capacities was found: the capacities may be too tight for every client to "
          "reach an open site within the radius");
    }
  } else {
    // Two starts: the uncapacitated optimum's sites (short search), and the
    // largest capacities; the better one goes on.
    LocationProblem relaxed = pr;
    relaxed.capacity.clear();
    SearchLimits quick = limits;
    quick.idle_limit = 20;
    LocationSolution start = pr.objective == LocationObjective::kPMedian ? PMedianHeuristic(relaxed, quick)
                                                                         : MaxCoveringHeuristic(relaxed, quick);
    search.Set(search.LargestCapacities());
    CapState by_capacity = search.state();
    search.Set(OpenFlags(pr.sites, start.open));
    if (by_capacity.score < search.score()) search.state() = by_capacity;
  }
  int fixed = 0;
  for (int s = 0; s < pr.sites; ++s) fixed += IsFixed(pr, s) ? 1 : 0;
  int k_max =
      pr.objective == LocationObjective::kSetCovering ? 3 : std::max(1, std::min({pr.p - fixed, pr.sites - pr.p, 5}));
  int64_t idle_limit = limits.idle_limit > 0 ? limits.idle_limit : 30 + int64_t{pr.sites};
  VariableNeighbourhoodSearch(search, deadline, rng, k_max, idle_limit);

  const CapState& best = search.state();
  if (best.score[0] > 0 && pr.objective != LocationObjective::kMaxCovering) {
    return Error::Exhausted(
        fmt::format("no assignment within the capacities was found before the time limit ({} weight left unplaced)",
                    best.score[0]));
  }
  LocationSolution solution;
  for (int s = 0; s < pr.sites; ++s) {
    if (best.is_open[s]) solution.open.push_back(s);
  }
  solution.assigned = best.assignment.site;
  solution.objective = ObjectiveOf(pr, solution.open, solution.assigned);
  solution.method = "heuristic";
  return solution;
}

Result<LocationSolution> LocationHeuristic(const LocationProblem& pr, const SearchLimits& limits) {
  if (IsCapacitated(pr)) return CapacitatedHeuristic(pr, limits);
  switch (pr.objective) {
    case LocationObjective::kPMedian:
      return PMedianHeuristic(pr, limits);
    case LocationObjective::kMaxCovering:
      return MaxCoveringHeuristic(pr, limits);
    case LocationObjective::kSetCovering:
      return SetCoveringHeuristic(pr, limits);
  }
  return Error::Internal("unknown location objective");
}

}  // namespace fupin::engine::detail
