// Uncapacitated p-median: vertex substitution with Whitaker's fast interchange,
// inside a variable neighbourhood search.
//
// Sources: R.A. Whitaker (1983), A fast algorithm for the greedy interchange for
// large-scale clustering and median location problems, INFOR 21:95–108;
// M.G.C. Resende and R.F. Werneck (2003), On the implementation of a swap-based
// local search procedure for the p-median problem, ALENEX; P. Hansen and
// N. Mladenović (1997), Variable neighborhood search for the p-median, Location
// Science 5:207–226.
//
// Each client keeps its nearest and second-nearest open site. Then the best
// swap that brings candidate i in is found in O(clients + p): a client nearer to
// i than to its nearest site moves to i whatever leaves; any other client loses
// only when its nearest site leaves, and then goes to i or to its second nearest.
#include <algorithm>
#include <numeric>

#include "engine/location_search.h"
#include "engine/location_vns.h"

namespace fupin::engine::detail {
namespace {

struct State {
  std::vector<char> is_open;
  std::vector<int> open;              // the open sites, in no order
  std::vector<int> d1_site, d2_site;  // per client: nearest and second-nearest open site (-1: none)
  std::vector<int64_t> d1, d2;        // their distances (kFar: none)
  int64_t cost = 0;                   // sum of weight × d1
};

class Interchange {
 public:
  explicit Interchange(const LocationProblem& pr) : pr_(pr), n_(pr.clients), m_(pr.sites) {
    // Site-major copy: the inner loops run over the clients of one site.
    dt_.resize(static_cast<size_t>(n_) * m_);
    for (int c = 0; c < n_; ++c) {
      for (int s = 0; s < m_; ++s) dt_[static_cast<size_t>(s) * n_ + c] = Dist(pr, c, s);
    }
    w_.resize(n_);
    for (int c = 0; c < n_; ++c) w_[c] = WeightOf(pr, c);
    fixed_.resize(m_);
    for (int s = 0; s < m_; ++s) fixed_[s] = IsFixed(pr, s);
    net_loss_.assign(m_, 0);
  }

  State& state() { return state_; }
  int64_t score() const { return state_.cost; }

  // Whether any swap is possible at all: a free open site and a closed one.
  bool CanMove() const {
    int fixed = static_cast<int>(std::count(fixed_.begin(), fixed_.end(), 1));
    return pr_.p > fixed && pr_.p < m_;
  }

  void Reset(const std::vector<int>& open) {
    state_.is_open.assign(m_, 0);
    state_.open = open;
    for (int s : open) state_.is_open[s] = 1;
    state_.d1_site.assign(n_, -1);
    state_.d2_site.assign(n_, -1);
    state_.d1.assign(n_, kFar);
    state_.d2.assign(n_, kFar);
    state_.cost = 0;
    for (int c = 0; c < n_; ++c) {
      Recompute(c);
      state_.cost += w_[c] * state_.d1[c];
    }
  }

  // Greedy: the fixed sites, then one site at a time, the one that lowers the
  // cost most.
  std::vector<int> Greedy() const {
    std::vector<int> open;
    std::vector<char> is_open(m_, 0);
    std::vector<int64_t> d1(n_, kFar);
    for (int s = 0; s < m_; ++s) {
      if (fixed_[s]) Add(s, open, is_open, d1);
    }
    while (static_cast<int>(open.size()) < pr_.p) {
      int best = -1;
      int64_t best_value = 0;
      for (int i = 0; i < m_; ++i) {
        if (is_open[i]) continue;
        const int64_t* col = &dt_[static_cast<size_t>(i) * n_];
        int64_t value = 0;  // the cost with i added, minus a constant
        if (open.empty()) {
          for (int c = 0; c < n_; ++c) value += w_[c] * col[c];
        } else {
          for (int c = 0; c < n_; ++c) value -= col[c] < d1[c] ? w_[c] * (d1[c] - col[c]) : 0;
        }
        if (best < 0 || value < best_value) {
          best = i;
          best_value = value;
        }
      }
      Add(best, open, is_open, d1);
    }
    return open;
  }

  std::vector<int> RandomStart(Rng& rng) const {
    std::vector<int> open, free;
    for (int s = 0; s < m_; ++s) (fixed_[s] ? open : free).push_back(s);
    rng.Shuffle(free);
    for (int k = 0; static_cast<int>(open.size()) < pr_.p; ++k) open.push_back(free[k]);
    return open;
  }

  // First-improvement fast interchange, cycling over the candidates from a
  // random point, until a whole round finds no improving swap. False when the
  // deadline cut it short.
  bool LocalSearch(const Deadline& deadline, Rng& rng) {
    if (!CanMove()) return true;
    int start = rng.Below(m_);
    int since_improvement = 0;
    for (int k = start; since_improvement < m_; k = (k + 1) % m_) {
      ++since_improvement;
      if (state_.is_open[k]) continue;
      if (deadline.Passed()) return false;
      auto [profit, out] = BestRemoval(k);
      if (profit > 0) {
        Swap(k, out);
        since_improvement = 0;
      }
    }
    return true;
  }

  // k random swaps (the VNS shake).
  void Shake(int k, Rng& rng) {
    for (int j = 0; j < k; ++j) {
      int in = rng.Below(m_);
      while (state_.is_open[in]) in = (in + 1) % m_;
      int out_pos = rng.Below(static_cast<int>(state_.open.size()));
      while (fixed_[state_.open[out_pos]]) out_pos = (out_pos + 1) % static_cast<int>(state_.open.size());
      Swap(in, state_.open[out_pos]);
    }
  }

 private:
  void Add(int s, std::vector<int>& open, std::vector<char>& is_open, std::vector<int64_t>& d1) const {
    open.push_back(s);
    is_open[s] = 1;
    const int64_t* col = &dt_[static_cast<size_t>(s) * n_];
    for (int c = 0; c < n_; ++c) d1[c] = std::min(d1[c], col[c]);
  }

  void Recompute(int c) {
    int64_t d1 = kFar, d2 = kFar;
    int s1 = -1, s2 = -1;
    for (int s : state_.open) {
      int64_t d = dt_[static_cast<size_t>(s) * n_ + c];
      if (d < d1) {
        d2 = d1;
        s2 = s1;
        d1 = d;
        s1 = s;
      } else if (d < d2) {
        d2 = d;
        s2 = s;
      }
    }
    state_.d1[c] = d1;
    state_.d2[c] = d2;
    state_.d1_site[c] = s1;
    state_.d2_site[c] = s2;
  }

  // The best open site to close when `in` opens, and the saving (> 0: better).
  std::pair<int64_t, int> BestRemoval(int in) {
    for (int s : state_.open) net_loss_[s] = 0;
    const int64_t* col = &dt_[static_cast<size_t>(in) * n_];
    int64_t gain = 0;
    for (int c = 0; c < n_; ++c) {
      int64_t d = col[c];
      if (d < state_.d1[c]) {
        gain += w_[c] * (state_.d1[c] - d);
      } else {
        net_loss_[state_.d1_site[c]] += w_[c] * (std::min(d, state_.d2[c]) - state_.d1[c]);
      }
    }
    int out = -1;
    for (int s : state_.open) {
      if (fixed_[s]) continue;
      if (out < 0 || net_loss_[s] < net_loss_[out]) out = s;
    }
    return {gain - net_loss_[out], out};
  }

  void Swap(int in, int out) {
    state_.is_open[in] = 1;
    state_.is_open[out] = 0;
    *std::find(state_.open.begin(), state_.open.end(), out) = in;
    const int64_t* col = &dt_[static_cast<size_t>(in) * n_];
    state_.cost = 0;
    for (int c = 0; c < n_; ++c) {
      if (state_.d1_site[c] == out || state_.d2_site[c] == out) {
        Recompute(c);
      } else if (col[c] < state_.d1[c]) {
        state_.d2[c] = state_.d1[c];
        state_.d2_site[c] = state_.d1_site[c];
        state_.d1[c] = col[c];
        state_.d1_site[c] = in;
      } else if (col[c] < state_.d2[c]) {
        state_.d2[c] = col[c];
        state_.d2_site[c] = in;
      }
      state_.cost += w_[c] * state_.d1[c];
    }
  }

  const LocationProblem& pr_;
  int n_, m_;
  std::vector<int64_t> dt_;  // dt_[site * clients + client]
  std::vector<int64_t> w_;
  std::vector<char> fixed_;
  std::vector<int64_t> net_loss_;
  State state_;
};

}  // namespace

LocationSolution PMedianHeuristic(const LocationProblem& pr, const SearchLimits& limits) {
  const Deadline& deadline = *limits.deadline;
  Rng rng(limits.seed);
  Interchange search(pr);
  // Greedy costs p × sites × clients steps; beyond a few hundred million a
  // random start and the local search get there sooner.
  double greedy_work = static_cast<double>(pr.p) * pr.sites * pr.clients;
  search.Reset(greedy_work <= 3e8 ? search.Greedy() : search.RandomStart(rng));
  int fixed = 0;
  for (int s = 0; s < pr.sites; ++s) fixed += IsFixed(pr, s) ? 1 : 0;
  // Shakes of more than a few swaps are little better than random restarts.
  int k_max = std::max(1, std::min({pr.p - fixed, pr.sites - pr.p, 10}));
  int64_t idle_limit = limits.idle_limit > 0 ? limits.idle_limit : 50 + 2 * int64_t{pr.sites};
  VariableNeighbourhoodSearch(search, deadline, rng, k_max, idle_limit);

  LocationSolution solution;
  solution.open = search.state().open;
  AssignNearest(pr, solution);
  solution.method = "heuristic";
  return solution;
}

}  // namespace fupin::engine::detail
