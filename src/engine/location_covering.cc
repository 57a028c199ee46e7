// Uncapacitated covering heuristics.
//
// Maximal covering (Church and ReVelle 1974): greedy by covered weight, then
// swaps evaluated in O(|clients covered by the candidate| + p) from, per client,
// the number of open sites covering it and (when that number is 1) which one —
// the XOR of the covering sites' ids — inside a VNS.
//
// Set covering: Chvátal's greedy (least cost per newly covered client), drop
// the sites nothing needs, swap a site for a cheaper one that covers what only
// it covered; the VNS shake closes k random sites and repairs greedily.
#include <algorithm>

#include "engine/location_search.h"
#include "engine/location_vns.h"

namespace fupin::engine::detail {
namespace {

// Which clients each site covers and which sites cover each client.
struct Coverage {
  explicit Coverage(const LocationProblem& pr) : by_site(pr.sites), by_client(pr.clients) {
    for (int c = 0; c < pr.clients; ++c) {
      for (int s = 0; s < pr.sites; ++s) {
        if (Covers(pr, c, s)) {
          by_site[s].push_back(c);
          by_client[c].push_back(s);
        }
      }
    }
  }
  std::vector<std::vector<int>> by_site;
  std::vector<std::vector<int>> by_client;
};

// Open/closed sites with, per client, how many open sites cover it.
struct CoverState {
  std::vector<char> is_open;
  std::vector<int> open;      // in no order
  std::vector<int> count;     // per client: open sites covering it
  std::vector<int> sole;      // per client: XOR of their ids, which is the id when count == 1
  std::vector<int64_t> loss;  // per site: weight covered by it alone (meaningful when open)
  int64_t covered = 0;        // weight of the clients with count > 0
  int64_t cost = 0;           // opening cost of the open sites
};

class CoverSearchBase {
 public:
  CoverSearchBase(const LocationProblem& pr, const Coverage& cover) : pr_(pr), cover_(cover) {
    for (int s = 0; s < pr.sites; ++s) fixed_.push_back(IsFixed(pr, s));
    for (int c = 0; c < pr.clients; ++c) w_.push_back(WeightOf(pr, c));
    Clear();
  }

  CoverState& state() { return st_; }

  void Clear() {
    st_.is_open.assign(pr_.sites, 0);
    st_.open.clear();
    st_.count.assign(pr_.clients, 0);
    st_.sole.assign(pr_.clients, 0);
    st_.loss.assign(pr_.sites, 0);
    st_.covered = 0;
    st_.cost = 0;
  }

  void Open(int s) {
    st_.is_open[s] = 1;
    st_.open.push_back(s);
    st_.cost += OpeningCostOf(pr_, s);
    for (int c : cover_.by_site[s]) {
      if (st_.count[c] == 0) {
        st_.covered += w_[c];
        st_.loss[s] += w_[c];
      } else if (st_.count[c] == 1) {
        st_.loss[st_.sole[c]] -= w_[c];
      }
      ++st_.count[c];
      st_.sole[c] ^= s;
    }
  }

  void Close(int s) {
    st_.is_open[s] = 0;
    st_.open.erase(std::find(st_.open.begin(), st_.open.end(), s));
    st_.cost -= OpeningCostOf(pr_, s);
    for (int c : cover_.by_site[s]) {
      --st_.count[c];
      st_.sole[c] ^= s;
      if (st_.count[c] == 0) {
        st_.covered -= w_[c];
      } else if (st_.count[c] == 1) {
        st_.loss[st_.sole[c]] += w_[c];
      }
    }
    st_.loss[s] = 0;
  }

  void OpenFixed() {
    for (int s = 0; s < pr_.sites; ++s) {
      if (fixed_[s]) Open(s);
    }
  }

 protected:
  const LocationProblem& pr_;
  const Coverage& cover_;
  std::vector<char> fixed_;
  std::vector<int64_t> w_;
  CoverState st_;
};

class MaxCoverSearch : public CoverSearchBase {
 public:
  MaxCoverSearch(const LocationProblem& pr, const Coverage& cover) : CoverSearchBase(pr, cover) {
    extra_.assign(pr.sites, 0);
  }

  int64_t score() const { return -st_.covered; }
  bool CanMove() const {
    int fixed = static_cast<int>(std::count(fixed_.begin(), fixed_.end(), 1));
    return pr_.p > fixed && pr_.p < pr_.sites;
  }

  // The fixed sites, then the site adding the most covered weight, p times.
  void Greedy() {
    Clear();
    OpenFixed();
    while (static_cast<int>(st_.open.size()) < pr_.p) {
      int best = -1;
      int64_t best_gain = -1;
      for (int s = 0; s < pr_.sites; ++s) {
        if (st_.is_open[s]) continue;
        int64_t gain = 0;
        for (int c : cover_.by_site[s]) gain += st_.count[c] == 0 ? w_[c] : 0;
        if (gain > best_gain) {
          best_gain = gain;
          best = s;
        }
      }
      Open(best);
    }
  }

  void LocalSearch(const Deadline& deadline, Rng& rng) {
    if (!CanMove()) return;
    const int m = pr_.sites;
    int since_improvement = 0;
    for (int k = rng.Below(m); since_improvement < m; k = (k + 1) % m) {
      ++since_improvement;
      if (st_.is_open[k]) continue;
      if (deadline.Passed()) return;
      auto [profit, out] = BestRemoval(k);
      if (profit > 0) {
        Close(out);
        Open(k);
        since_improvement = 0;
      }
    }
  }

  void Shake(int k, Rng& rng) {
    for (int j = 0; j < k; ++j) {
      int in = rng.Below(pr_.sites);
      while (st_.is_open[in]) in = (in + 1) % pr_.sites;
      int n_open = static_cast<int>(st_.open.size());
      int pos = rng.Below(n_open);
      while (fixed_[st_.open[pos]]) pos = (pos + 1) % n_open;
      Close(st_.open[pos]);
      Open(in);
    }
  }

 private:
  // Covered weight gained by opening `in` and closing the best open site.
  std::pair<int64_t, int> BestRemoval(int in) {
    int64_t gain = 0;
    touched_.clear();
    for (int c : cover_.by_site[in]) {
      if (st_.count[c] == 0) {
        gain += w_[c];
      } else if (st_.count[c] == 1) {
        // Closing its sole coverer would not uncover it: `in` covers it too.
        if (extra_[st_.sole[c]] == 0) touched_.push_back(st_.sole[c]);
        extra_[st_.sole[c]] += w_[c];
      }
    }
    int out = -1;
    int64_t best = 0;
    for (int s : st_.open) {
      if (fixed_[s]) continue;
      int64_t value = extra_[s] - st_.loss[s];
      if (out < 0 || value > best) {
        out = s;
        best = value;
      }
    }
    for (int s : touched_) extra_[s] = 0;
    return {gain + best, out};
  }

  std::vector<int64_t> extra_;
  std::vector<int> touched_;
};

class SetCoverSearch : public CoverSearchBase {
 public:
  SetCoverSearch(const LocationProblem& pr, const Coverage& cover) : CoverSearchBase(pr, cover) {}

  int64_t score() const { return st_.cost; }
  bool CanMove() const { return std::count(fixed_.begin(), fixed_.end(), 0) > 0; }

  // Chvátal's greedy: the least cost per newly covered client; with `noise`,
  // each cost is scaled by a random factor in [1, 1 + noise) (for restarts).
  void Greedy(Rng& rng, double noise) {
    Clear();
    OpenFixed();
    cost_.resize(pr_.sites);
    for (int s = 0; s < pr_.sites; ++s) {
      double factor = noise > 0 ? 1 + noise * static_cast<double>(rng.Next() >> 11) * 0x1.0p-53 : 1.0;
      cost_[s] = static_cast<double>(OpeningCostOf(pr_, s)) * factor;
    }
    Repair();
    DropRedundant();
  }

  void LocalSearch(const Deadline& deadline, Rng& rng) {
    DropRedundant();
    for (bool improved = true; improved && !deadline.Passed();) {
      improved = false;
      std::vector<int> open = st_.open;
      rng.Shuffle(open);
      for (int r : open) {
        if (fixed_[r] || !st_.is_open[r]) continue;
        int in = CheaperReplacement(r);
        if (in < 0) continue;
        Close(r);
        Open(in);
        DropRedundant();
        improved = true;
      }
    }
  }

  // Destroy and repair: closes k free open sites, drawn with chances
  // proportional to their cost (dear sites are the ones worth replacing), then
  // covers the clients left bare greedily with slightly perturbed costs.
  void Shake(int k, Rng& rng) {
    for (int j = 0; j < k; ++j) {
      int64_t total = 0;
      for (int s : st_.open) total += fixed_[s] ? 0 : OpeningCostOf(pr_, s) + 1;
      if (total == 0) break;
      int64_t ticket = static_cast<int64_t>((static_cast<unsigned __int128>(rng.Next()) * total) >> 64);
      for (int s : st_.open) {
        if (fixed_[s]) continue;
        ticket -= OpeningCostOf(pr_, s) + 1;
        if (ticket < 0) {
          Close(s);
          break;
        }
      }
    }
    for (int s = 0; s < pr_.sites; ++s) {
      cost_[s] =
          static_cast<double>(OpeningCostOf(pr_, s)) * (1 + 0.3 * static_cast<double>(rng.Next() >> 11) * 0x1.0p-53);
    }
    Repair();
  }

 private:
  // Opens, until every client is covered, the site of least cost per newly
  // covered client, among the sites covering an uncovered client.
  void Repair() {
    std::vector<int> bare;
    for (int c = 0; c < pr_.clients; ++c) {
      if (st_.count[c] == 0) bare.push_back(c);
    }
    while (!bare.empty()) {
      int best = -1, best_new = 0;
      for (int c : bare) {
        for (int s : cover_.by_client[c]) {
          if (st_.is_open[s] || s == best) continue;
          int fresh = 0;
          for (int d : cover_.by_site[s]) fresh += st_.count[d] == 0 ? 1 : 0;
          // cost_[s] / fresh < cost_[best] / best_new, without dividing.
          if (best < 0 || cost_[s] * best_new < cost_[best] * fresh) {
            best = s;
            best_new = fresh;
          }
        }
      }
      Open(best);  // validation guarantees every client has a covering site
      std::erase_if(bare, [&](int c) { return st_.count[c] > 0; });
    }
  }

  // Closes, dearest first, every free open site whose clients all have another cover.
  void DropRedundant() {
    std::vector<int> open = st_.open;
    std::sort(open.begin(), open.end(), [&](int a, int b) {
      int64_t ca = OpeningCostOf(pr_, a), cb = OpeningCostOf(pr_, b);
      return ca != cb ? ca > cb : a < b;
    });
    for (int s : open) {
      if (!fixed_[s] && st_.loss[s] == 0 && AllCoveredTwice(s)) Close(s);
    }
  }

  // loss counts weight, which may be 0: check the clients themselves.
  bool AllCoveredTwice(int s) const {
    for (int c : cover_.by_site[s]) {
      if (st_.count[c] < 2) return false;
    }
    return true;
  }

  // The cheapest closed site, cheaper than r, covering every client only r covers; -1 if none.
  int CheaperReplacement(int r) const {
    int first = -1;
    for (int c : cover_.by_site[r]) {
      if (st_.count[c] == 1) {
        first = c;
        break;
      }
    }
    if (first < 0) return -1;  // nothing depends on r alone; DropRedundant handles it
    int best = -1;
    int64_t best_cost = OpeningCostOf(pr_, r);
    for (int i : cover_.by_client[first]) {
      if (st_.is_open[i] || OpeningCostOf(pr_, i) >= best_cost) continue;
      bool covers_all = true;
      for (int c : cover_.by_site[r]) {
        if (st_.count[c] == 1 && !Covers(pr_, c, i)) {
          covers_all = false;
          break;
        }
      }
      if (covers_all) {
        best = i;
        best_cost = OpeningCostOf(pr_, i);
      }
    }
    return best;
  }

  std::vector<double> cost_;  // opening costs as the greedy sees them (perhaps with noise)
};

LocationSolution Finish(const LocationProblem& pr, const CoverState& state) {
  LocationSolution solution;
  solution.open = state.open;
  AssignNearest(pr, solution);
  solution.method = "heuristic";
  return solution;
}

}  // namespace

LocationSolution MaxCoveringHeuristic(const LocationProblem& pr, const SearchLimits& limits) {
  Rng rng(limits.seed);
  Coverage cover(pr);
  MaxCoverSearch search(pr, cover);
  search.Greedy();
  int fixed = 0;
  for (int s = 0; s < pr.sites; ++s) fixed += IsFixed(pr, s) ? 1 : 0;
  int k_max = std::max(1, std::min({pr.p - fixed, pr.sites - pr.p, 10}));
  int64_t idle_limit = limits.idle_limit > 0 ? limits.idle_limit : 50 + 2 * int64_t{pr.sites};
  VariableNeighbourhoodSearch(search, *limits.deadline, rng, k_max, idle_limit);
  return Finish(pr, search.state());
}

LocationSolution SetCoveringHeuristic(const LocationProblem& pr, const SearchLimits& limits) {
  Rng rng(limits.seed);
  Coverage cover(pr);
  SetCoverSearch search(pr, cover);
  int64_t idle_limit = limits.idle_limit > 0 ? limits.idle_limit : 50 + 2 * int64_t{pr.sites};
  // Restarts from a randomised greedy, as long as they keep finding better
  // covers: set covering's landscape has wide plateaus.
  search.Greedy(rng, 0);
  VariableNeighbourhoodSearch(search, *limits.deadline, rng, 10, idle_limit);
  CoverState best = search.state();
  for (int idle_restarts = 0; idle_restarts < 3 && !limits.deadline->Passed(); ++idle_restarts) {
    search.Greedy(rng, 0.5);
    VariableNeighbourhoodSearch(search, *limits.deadline, rng, 10, idle_limit);
    if (search.score() < best.cost) {
      best = search.state();
      idle_restarts = -1;
    }
  }
  return Finish(pr, best);
}

}  // namespace fupin::engine::detail
