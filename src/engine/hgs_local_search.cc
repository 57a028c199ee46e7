#include "engine/hgs_local_search.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

namespace fupin::engine::hgs {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

}  // namespace

void LocalSearch::Insertions::Reset() {
  for (int k = 0; k < 3; ++k) {
    cost[k] = kInfinity;
    after[k] = nullptr;
  }
}

void LocalSearch::Insertions::Add(double c, Node* place) {
  if (c >= cost[2]) return;
  int k = 2;
  while (k > 0 && c < cost[k - 1]) {
    cost[k] = cost[k - 1];
    after[k] = after[k - 1];
    --k;
  }
  cost[k] = c;
  after[k] = place;
}

LocalSearch::LocalSearch(const Data& data, const Params& params, Rng& rng)
    : data_(data), params_(params), rng_(rng) {
  const int n = data.nodes();
  const int fleet = data.fleet();
  stops_.resize(n);
  for (int i = 0; i < n; ++i) stops_[i].id = i;
  starts_.resize(fleet);
  ends_.resize(fleet);
  routes_.resize(fleet);
  for (int r = 0; r < fleet; ++r) {
    Route& route = routes_[r];
    route.index = r;
    route.start = &starts_[r];
    route.end = &ends_[r];
    for (Node* depot : {route.start, route.end}) {
      depot->depot = true;
      depot->id = 0;
      depot->route = &route;
    }
  }
  neighbours_.resize(n);
  for (int i = 1; i < n; ++i) {
    neighbours_[i] = data.Neighbours(i);
    order_stops_.push_back(i);
  }
  for (int r = 0; r < fleet; ++r) order_routes_.push_back(r);
  insertions_.resize(fleet);
}

void LocalSearch::Run(Individual& indiv, Penalties penalties, const Deadline& deadline) {
  penalties_ = penalties;
  Load(indiv);
  rng_.Shuffle(order_stops_);
  rng_.Shuffle(order_routes_);
  for (size_t i = 1; i < neighbours_.size(); ++i) {
    if (rng_.Below(params_.granularity) == 0) rng_.Shuffle(neighbours_[i]);
  }

  std::vector<Route*> used;
  int checks = 0;
  bool stop = false;
  // At least three passes: the first skips the moves into empty routes (they
  // would open too many routes at once); later passes look only where a
  // route changed since the stop was last examined.
  for (loop_ = 0; !stop; ++loop_) {
    if (loop_ > 2 && !improved_) break;
    improved_ = false;

    for (int at = 0; at < static_cast<int>(order_stops_.size()); ++at) {
      if ((++checks & 15) == 0 && deadline.Passed()) {
        stop = true;
        break;
      }
      Node* u = &stops_[order_stops_[at]];
      const int64_t last_tested = u->when_tested;
      u->when_tested = moves_;
      for (int other : neighbours_[u->id]) {
        Node* v = &stops_[other];
        if (loop_ > 0 && std::max(u->route->when_modified, v->route->when_modified) <= last_tested) continue;
        SetU(u);
        SetV(v);
        if (Relocate() || MovePair()) continue;
        if (u->id <= other && SwapOne()) continue;
        if (SwapPairOne()) continue;
        if (u->id <= other && SwapPairs()) continue;
        if (ru_ == rv_) {
          if (TwoOpt()) continue;
        } else if (TwoOptStarBack() || TwoOptStar()) {
          continue;
        }
        // Also try u as the first stop of v's route.
        if (v->prev->depot) {
          SetV(v->prev);
          if (Relocate() || MovePair()) continue;
          if (ru_ != rv_ && (TwoOptStarBack() || TwoOptStar())) continue;
        }
      }
      if (loop_ > 0 && !empty_routes_.empty()) {
        SetU(u);
        SetV(routes_[*empty_routes_.begin()].start);
        if (Relocate() || MovePair() || TwoOptStar()) continue;
      }
    }
    if (stop) break;

    used.clear();
    for (int r : order_routes_) {
      if (routes_[r].stops > 0) used.push_back(&routes_[r]);
    }
    for (Route* r1 : used) {
      if (stop) break;
      const int64_t last_tested = r1->when_swap_tested;
      r1->when_swap_tested = moves_;
      for (Route* r2 : used) {
        if (r1->stops == 0) break;
        if (r2->stops == 0 || r1->index >= r2->index) continue;
        if (loop_ > 0 && std::max(r1->when_modified, r2->when_modified) <= last_tested) continue;
        if (!Sector::Overlap(r1->sector, r2->sector)) continue;
        if ((++checks & 15) == 0 && deadline.Passed()) {
          stop = true;
          break;
        }
        SwapStar(r1, r2);
      }
    }
  }
  Export(indiv);
}

void LocalSearch::Load(const Individual& indiv) {
  ++moves_;
  empty_routes_.clear();
  const int fleet = static_cast<int>(routes_.size());
  for (int r = 0; r < fleet; ++r) {
    Route& route = routes_[r];
    Node* prev = route.start;
    if (r < static_cast<int>(indiv.routes.size())) {
      for (int stop : indiv.routes[r]) {
        Node* node = &stops_[stop];
        prev->next = node;
        node->prev = prev;
        node->route = &route;
        prev = node;
      }
    }
    prev->next = route.end;
    route.end->prev = prev;
    route.when_swap_tested = -1;
    Update(&route);
  }
  for (Node& node : stops_) node.when_tested = -1;
}

void LocalSearch::Export(Individual& indiv) {
  std::vector<std::pair<double, int>> order;
  for (const Route& r : routes_) {
    if (r.stops > 0) order.emplace_back(r.angle, r.index);
  }
  std::sort(order.begin(), order.end());
  indiv.routes.assign(order.size(), {});
  indiv.giant.clear();
  for (size_t k = 0; k < order.size(); ++k) {
    const Route& r = routes_[order[k].second];
    for (Node* n = r.start->next; !n->depot; n = n->next) {
      indiv.routes[k].push_back(n->id);
      indiv.giant.push_back(n->id);
    }
  }
}

// Recomputes positions and the four segments at every node of the route, its
// cost, centre and sector.
void LocalSearch::Update(Route* r) {
  r->when_modified = moves_;
  Node* start = r->start;
  start->position = 0;
  start->prefix = start->rev_prefix = data_.Visit(0);
  int position = 0;
  double sum_x = 0, sum_y = 0;
  for (Node* n = start->next;; n = n->next) {
    n->position = ++position;
    n->route = r;
    const Segment& visit = data_.Visit(n->id);
    n->prefix = data_.Join(n->prev->prefix, visit);
    n->rev_prefix = data_.Join(visit, n->prev->rev_prefix);
    if (n->depot) break;
    sum_x += data_.X(n->id);
    sum_y += data_.Y(n->id);
    if (position == 1) {
      r->sector.Reset(data_.Angle(n->id));
    } else {
      r->sector.Extend(data_.Angle(n->id));
    }
  }
  r->end->suffix = r->end->rev_suffix = data_.Visit(0);
  for (Node* n = r->end->prev;; n = n->prev) {
    const Segment& visit = data_.Visit(n->id);
    n->suffix = data_.Join(visit, n->next->suffix);
    n->rev_suffix = data_.Join(n->next->rev_suffix, visit);
    if (n->depot) break;
  }
  r->stops = position - 1;
  r->total = r->end->prefix;
  r->load_penalty = penalties_.load * static_cast<double>(data_.LoadExcess(r->total));
  r->duration_penalty = penalties_.duration * static_cast<double>(data_.DurationExcess(r->total));
  r->penalty = r->load_penalty + r->duration_penalty;
  r->cost = static_cast<double>(r->total.distance) + r->penalty;
  if (r->stops > 0) {
    r->angle = std::atan2(sum_y / r->stops - data_.Y(0), sum_x / r->stops - data_.X(0));
    empty_routes_.erase(r->index);
  } else {
    r->angle = 0;
    empty_routes_.insert(r->index);
  }
}

void LocalSearch::Relink(Route* r, const std::vector<Node*>& sequence) {
  Node* prev = r->start;
  for (Node* n : sequence) {
    prev->next = n;
    n->prev = prev;
    n->route = r;
    prev = n;
  }
  prev->next = r->end;
  r->end->prev = prev;
}

void LocalSearch::InsertAfter(Node* a, Node* b) {
  a->prev->next = a->next;
  a->next->prev = a->prev;
  b->next->prev = a;
  a->prev = b;
  a->next = b->next;
  b->next = a;
  a->route = b->route;
}

// Exchanges two stops that are not next to each other.
void LocalSearch::SwapNodes(Node* a, Node* b) {
  Node* a_prev = a->prev;
  Node* a_next = a->next;
  Node* b_prev = b->prev;
  Node* b_next = b->next;
  Route* a_route = a->route;
  a_prev->next = b;
  a_next->prev = b;
  b_prev->next = a;
  b_next->prev = a;
  a->prev = b_prev;
  a->next = b_next;
  b->prev = a_prev;
  b->next = a_next;
  a->route = b->route;
  b->route = a_route;
}

void LocalSearch::Commit(Route* a, Route* b) {
#ifdef FUPIN_HGS_SELF_CHECK
  const double before = a->cost + (b != a ? b->cost : 0);
#endif
  ++moves_;
  improved_ = true;
  Update(a);
  if (b != a) Update(b);
#ifdef FUPIN_HGS_SELF_CHECK
  const double after = a->cost + (b != a ? b->cost : 0);
  if (std::abs(after - before - predicted_) > 1e-3 || after > before - kEpsilon) {
    std::fprintf(stderr, "self-check: predicted %.3f, got %.3f\n", predicted_, after - before);
    std::abort();
  }
  for (Route* r : {a, b}) {
    std::vector<int> ids;
    for (Node* n = r->start->next; !n->depot; n = n->next) ids.push_back(n->id);
    const Segment s = data_.RouteSegment(ids);
    if (s.distance != r->total.distance || s.duration != r->total.duration || s.peak != r->total.peak) {
      std::fprintf(stderr, "self-check: route segment differs\n");
      std::abort();
    }
  }
#endif
}

void LocalSearch::SetU(Node* u) {
  u_ = u;
  x_ = u->next;
  ru_ = u->route;
}

void LocalSearch::SetV(Node* v) {
  v_ = v;
  y_ = v->next;
  rv_ = v->route;
}

bool LocalSearch::InterImproves(const Segment& new_u, const Segment& new_v) {
  predicted_ = Cost(new_u) + Cost(new_v) - ru_->cost - rv_->cost;
  return predicted_ < -kEpsilon;
}

template <typename Build>
bool LocalSearch::IntraImproves(int64_t distance_change, Build&& build) {
  // The penalty cannot fall below zero: a lower bound of the new cost.
  if (static_cast<double>(distance_change) - ru_->penalty > -kEpsilon) return false;
  // Same stops, so the same load; without pickups its peak is the same too.
  if (!data_.has_pickup() && !data_.has_duration()) {
    predicted_ = static_cast<double>(distance_change);
    return distance_change < 0;
  }
  sequence_.clear();
  build(sequence_);
  predicted_ = Cost(data_.RouteSegment(sequence_)) - ru_->cost;
  return predicted_ < -kEpsilon;
}

bool LocalSearch::Relocate() {
  if (u_ == y_) return false;
  Node* pu = u_->prev;
  const int u = u_->id, x = x_->id, v = v_->id, y = y_->id, p = pu->id;
  const int64_t change = D(p, x) - D(p, u) - D(u, x) + D(v, u) + D(u, y) - D(v, y);
  if (ru_ != rv_) {
    if (static_cast<double>(change) - ru_->penalty - rv_->penalty > -kEpsilon) return false;
    if (!InterImproves(data_.Join(pu->prefix, x_->suffix),
                       data_.Join(data_.Join(v_->prefix, data_.Visit(u)), y_->suffix))) {
      return false;
    }
  } else if (!IntraImproves(change, [&](std::vector<int>& out) {
               if (v_->depot) out.push_back(u);
               for (Node* n = ru_->start->next; !n->depot; n = n->next) {
                 if (n == u_) continue;
                 out.push_back(n->id);
                 if (n == v_) out.push_back(u);
               }
             })) {
    return false;
  }
  Route* ru = ru_;
  Route* rv = rv_;
  InsertAfter(u_, v_);
  Commit(ru, rv);
  return true;
}

bool LocalSearch::MovePair() {
  if (x_->depot || v_ == x_ || u_ == y_) return false;
  Node* pu = u_->prev;
  Node* xx = x_->next;
  const int u = u_->id, x = x_->id, v = v_->id, y = y_->id, p = pu->id, q = xx->id;
  // Both orientations share the removal of (u,x) and the arc v-y they replace.
  const int64_t removal = D(p, q) - D(p, u) - D(u, x) - D(x, q) - D(v, y);
  const int64_t forward = removal + D(v, u) + D(u, x) + D(x, y);
  const int64_t backward = removal + D(v, x) + D(x, u) + D(u, y);
  for (const bool reversed : {false, true}) {
    const int64_t change = reversed ? backward : forward;
    Node* first = reversed ? x_ : u_;
    Node* second = reversed ? u_ : x_;
    const int a = first->id, b = second->id;
    if (ru_ != rv_) {
      if (static_cast<double>(change) - ru_->penalty - rv_->penalty > -kEpsilon) continue;
      const Segment pair = data_.Join(data_.Visit(a), data_.Visit(b));
      if (!InterImproves(data_.Join(pu->prefix, xx->suffix),
                         data_.Join(data_.Join(v_->prefix, pair), y_->suffix))) {
        continue;
      }
    } else if (!IntraImproves(change, [&](std::vector<int>& out) {
                 if (v_->depot) {
                   out.push_back(a);
                   out.push_back(b);
                 }
                 for (Node* n = ru_->start->next; !n->depot; n = n->next) {
                   if (n == u_ || n == x_) continue;
                   out.push_back(n->id);
                   if (n == v_) {
                     out.push_back(a);
                     out.push_back(b);
                   }
                 }
               })) {
      continue;
    }
    Route* ru = ru_;
    Route* rv = rv_;
    InsertAfter(first, v_);
    InsertAfter(second, first);
    Commit(ru, rv);
    return true;
  }
  return false;
}

bool LocalSearch::SwapOne() {
  if (x_ == v_ || u_ == y_) return false;
  Node* pu = u_->prev;
  Node* pv = v_->prev;
  const int u = u_->id, x = x_->id, v = v_->id, y = y_->id, a = pu->id, b = pv->id;
  const int64_t change = D(a, v) + D(v, x) - D(a, u) - D(u, x) + D(b, u) +
                         D(u, y) - D(b, v) - D(v, y);
  if (ru_ != rv_) {
    if (static_cast<double>(change) - ru_->penalty - rv_->penalty > -kEpsilon) return false;
    if (!InterImproves(data_.Join(data_.Join(pu->prefix, data_.Visit(v)), x_->suffix),
                       data_.Join(data_.Join(pv->prefix, data_.Visit(u)), y_->suffix))) {
      return false;
    }
  } else if (!IntraImproves(change, [&](std::vector<int>& out) {
               for (Node* n = ru_->start->next; !n->depot; n = n->next) {
                 out.push_back(n == u_ ? v : n == v_ ? u : n->id);
               }
             })) {
    return false;
  }
  Route* ru = ru_;
  Route* rv = rv_;
  SwapNodes(u_, v_);
  Commit(ru, rv);
  return true;
}

bool LocalSearch::SwapPairOne() {
  if (x_->depot || x_ == v_ || x_->next == v_ || u_ == y_) return false;
  Node* pu = u_->prev;
  Node* xx = x_->next;
  Node* pv = v_->prev;
  const int u = u_->id, x = x_->id, v = v_->id, y = y_->id, a = pu->id, q = xx->id, b = pv->id;
  const int64_t change = D(a, v) + D(v, q) - D(a, u) - D(x, q) + D(b, u) +
                         D(x, y) - D(b, v) - D(v, y);
  if (ru_ != rv_) {
    if (static_cast<double>(change) - ru_->penalty - rv_->penalty > -kEpsilon) return false;
    const Segment pair = data_.Join(data_.Visit(u), data_.Visit(x));
    if (!InterImproves(data_.Join(data_.Join(pu->prefix, data_.Visit(v)), xx->suffix),
                       data_.Join(data_.Join(pv->prefix, pair), y_->suffix))) {
      return false;
    }
  } else if (!IntraImproves(change, [&](std::vector<int>& out) {
               for (Node* n = ru_->start->next; !n->depot; n = n->next) {
                 if (n == u_) {
                   out.push_back(v);
                 } else if (n == v_) {
                   out.push_back(u);
                   out.push_back(x);
                 } else if (n != x_) {
                   out.push_back(n->id);
                 }
               }
             })) {
    return false;
  }
  Route* ru = ru_;
  Route* rv = rv_;
  Node* second = x_;
  SwapNodes(u_, v_);
  InsertAfter(second, u_);
  Commit(ru, rv);
  return true;
}

bool LocalSearch::SwapPairs() {
  if (x_->depot || y_->depot || y_ == u_->prev || u_ == y_ || x_ == v_ || v_ == x_->next) return false;
  Node* pu = u_->prev;
  Node* xx = x_->next;
  Node* pv = v_->prev;
  Node* yy = y_->next;
  const int u = u_->id, x = x_->id, v = v_->id, y = y_->id, a = pu->id, q = xx->id, b = pv->id, r = yy->id;
  const int64_t change = D(a, v) + D(y, q) - D(a, u) - D(x, q) + D(b, u) +
                         D(x, r) - D(b, v) - D(y, r);
  if (ru_ != rv_) {
    if (static_cast<double>(change) - ru_->penalty - rv_->penalty > -kEpsilon) return false;
    const Segment pair_u = data_.Join(data_.Visit(u), data_.Visit(x));
    const Segment pair_v = data_.Join(data_.Visit(v), data_.Visit(y));
    if (!InterImproves(data_.Join(data_.Join(pu->prefix, pair_v), xx->suffix),
                       data_.Join(data_.Join(pv->prefix, pair_u), yy->suffix))) {
      return false;
    }
  } else if (!IntraImproves(change, [&](std::vector<int>& out) {
               for (Node* n = ru_->start->next; !n->depot; n = n->next) {
                 if (n == u_) {
                   out.push_back(v);
                   out.push_back(y);
                 } else if (n == v_) {
                   out.push_back(u);
                   out.push_back(x);
                 } else if (n != x_ && n != y_) {
                   out.push_back(n->id);
                 }
               }
             })) {
    return false;
  }
  Route* ru = ru_;
  Route* rv = rv_;
  Node* second_u = x_;
  Node* second_v = y_;
  SwapNodes(u_, v_);
  SwapNodes(second_u, second_v);
  Commit(ru, rv);
  return true;
}

bool LocalSearch::TwoOpt() {
  if (u_->position > v_->position || x_ == v_) return false;
  const int u = u_->id, x = x_->id, v = v_->id, y = y_->id;
  int64_t change = D(u, v) + D(x, y) - D(u, x) - D(v, y);
  if (!data_.symmetric()) {  // x..v travelled backwards
    change += (v_->rev_prefix.distance - x_->rev_prefix.distance) - (v_->prefix.distance - x_->prefix.distance);
  }
  if (!IntraImproves(change, [&](std::vector<int>& out) {
        for (Node* n = ru_->start->next;; n = n->next) {
          out.push_back(n->id);
          if (n == u_) break;
        }
        for (Node* n = v_; n != u_; n = n->prev) out.push_back(n->id);
        for (Node* n = y_; !n->depot; n = n->next) out.push_back(n->id);
      })) {
    return false;
  }
  seq_u_.clear();
  for (Node* n = ru_->start->next;; n = n->next) {
    seq_u_.push_back(n);
    if (n == u_) break;
  }
  for (Node* n = v_; n != u_; n = n->prev) seq_u_.push_back(n);
  for (Node* n = y_; !n->depot; n = n->next) seq_u_.push_back(n);
  Route* ru = ru_;
  Relink(ru, seq_u_);
  Commit(ru, ru);
  return true;
}

bool LocalSearch::TwoOptStarBack() {
  const int u = u_->id, x = x_->id, v = v_->id, y = y_->id;
  // The arcs exchanged, plus (asymmetric matrix) what travelling the two
  // reversed parts backwards changes.
  int64_t change = D(u, v) + D(x, y) - D(u, x) - D(v, y);
  if (!data_.symmetric()) {
    change += v_->rev_prefix.distance - v_->prefix.distance + x_->rev_suffix.distance - x_->suffix.distance;
  }
  if (static_cast<double>(change) - ru_->penalty - rv_->penalty > -kEpsilon) return false;
  if (!InterImproves(data_.Join(u_->prefix, v_->rev_prefix), data_.Join(x_->rev_suffix, y_->suffix))) {
    return false;
  }
  seq_u_.clear();
  for (Node* n = ru_->start->next; n != x_; n = n->next) seq_u_.push_back(n);
  for (Node* n = v_; !n->depot; n = n->prev) seq_u_.push_back(n);
  seq_v_.clear();
  for (Node* n = ru_->end->prev; n != u_; n = n->prev) seq_v_.push_back(n);
  for (Node* n = y_; !n->depot; n = n->next) seq_v_.push_back(n);
  Route* ru = ru_;
  Route* rv = rv_;
  Relink(ru, seq_u_);
  Relink(rv, seq_v_);
  Commit(ru, rv);
  return true;
}

bool LocalSearch::TwoOptStar() {
  const int u = u_->id, x = x_->id, v = v_->id, y = y_->id;
  const int64_t change = D(u, y) + D(v, x) - D(u, x) - D(v, y);
  if (static_cast<double>(change) - ru_->penalty - rv_->penalty > -kEpsilon) return false;
  if (!InterImproves(data_.Join(u_->prefix, y_->suffix), data_.Join(v_->prefix, x_->suffix))) return false;
  seq_u_.clear();
  for (Node* n = ru_->start->next; n != x_; n = n->next) seq_u_.push_back(n);
  for (Node* n = y_; !n->depot; n = n->next) seq_u_.push_back(n);
  seq_v_.clear();
  for (Node* n = rv_->start->next; n != y_; n = n->next) seq_v_.push_back(n);
  for (Node* n = x_; !n->depot; n = n->next) seq_v_.push_back(n);
  Route* ru = ru_;
  Route* rv = rv_;
  Relink(ru, seq_u_);
  Relink(rv, seq_v_);
  Commit(ru, rv);
  return true;
}

// ---- SWAP* (Vidal 2022, section 4) ----

LocalSearch::InsertionCache& LocalSearch::Cache(Route* into) {
  InsertionCache& cache = insertions_[into->index];
  if (cache.best.empty()) {
    cache.when_computed.assign(data_.nodes(), -1);
    cache.best.resize(data_.nodes());
  }
  return cache;
}

// For every stop of `from`: the distance saved by taking it out, and its three
// cheapest insertion places in `into` (kept while `into` is unchanged).
void LocalSearch::Prepare(Route* from, Route* into) {
  InsertionCache& cache = Cache(into);
  stale_.clear();
  for (Node* u = from->start->next; !u->depot; u = u->next) {
    const int p = u->prev->id, s = u->id, q = u->next->id;
    u->removal_gain = static_cast<double>(D(p, q) - D(p, s) - D(s, q));
    if (into->when_modified <= cache.when_computed[s]) continue;
    cache.when_computed[s] = moves_;
    cache.best[s].Reset();
    stale_.push_back(s);
  }
  if (stale_.empty()) return;
  const bool symmetric = data_.symmetric();
  for (Node* place = into->start; place != into->end; place = place->next) {
    const int a = place->id, b = place->next->id;
    const int64_t ab = D(a, b);
    for (int s : stale_) {
      const int64_t sb = symmetric ? D(b, s) : D(s, b);  // row b: fewer cache misses
      cache.best[s].Add(static_cast<double>(D(a, s) + sb - ab), place);
    }
  }
}

double LocalSearch::BestInsertion(Node* stop, Node* leaving, Node** after) const {
  const Insertions& c = insertions_[leaving->route->index].best[stop->id];
  double best = kInfinity;
  *after = nullptr;
  for (int k = 0; k < 3 && c.after[k] != nullptr; ++k) {
    if (c.after[k] != leaving && c.after[k]->next != leaving) {
      best = c.cost[k];
      *after = c.after[k];
      break;
    }
  }
  const int a = leaving->prev->id, s = stop->id, b = leaving->next->id;
  const double in_place = static_cast<double>(D(a, s) + D(s, b) - D(a, b));
  if (in_place < best) {
    best = in_place;
    *after = leaving->prev;
  }
  return best;
}

// Load penalty of route r once `out` has left it and `in` has joined it
// (either may be null). Exact without pickups; with pickups an estimate from
// the totals and the current peak, checked exactly before a move is made.
inline double LocalSearch::LoadPenaltyWith(const Route* r, const Node* out, const Node* in) const {
  const Segment& o = data_.Visit(out ? out->id : 0);
  const Segment& i = data_.Visit(in ? in->id : 0);
  const int64_t delivery = r->total.delivery - o.delivery + i.delivery;
  int64_t peak = delivery;
  if (data_.has_pickup()) {
    const int64_t pickup = r->total.pickup - o.pickup + i.pickup;
    peak = std::max({delivery, pickup,
                     r->total.peak + std::min(i.delivery - o.delivery, i.pickup - o.pickup)});
  }
  return penalties_.load * static_cast<double>(std::max<int64_t>(0, peak - data_.capacity()));
}

// Duration penalty of route r once `out` has left it and `in` has been put
// right after `after`.
double LocalSearch::DurationPenaltyWith(const Route* r, const Node* out, const Node* in, Node* after) const {
  int64_t duration = r->total.duration;
  if (out != nullptr) {
    const int a = out->prev->id, s = out->id, b = out->next->id;
    duration += data_.TravelTime(a, b) - data_.TravelTime(a, s) - data_.TravelTime(s, b) - data_.Visit(s).duration;
  }
  if (in != nullptr) {
    const Node* next = after->next == out ? out->next : after->next;
    const int a = after->id, s = in->id, b = next->id;
    duration += data_.TravelTime(a, s) + data_.TravelTime(s, b) - data_.TravelTime(a, b) + data_.Visit(s).duration;
  }
  return penalties_.duration * static_cast<double>(std::max<int64_t>(0, duration - data_.max_duration()));
}

bool LocalSearch::SwapStar(Route* r1, Route* r2) {
  Prepare(r1, r2);
  Prepare(r2, r1);
  const bool timed = data_.has_duration();
  double best = -kEpsilon;
  Node* best_u = nullptr;     // leaves r1 (null: nothing does)
  Node* best_v = nullptr;     // leaves r2 (null: nothing does)
  Node* place_in_r2 = nullptr;  // best_u goes right after it
  Node* place_in_r1 = nullptr;  // best_v goes right after it

  for (Node* u = r1->start->next; !u->depot; u = u->next) {
    for (Node* v = r2->start->next; !v->depot; v = v->next) {
      const double load_change =
          LoadPenaltyWith(r1, u, v) - r1->load_penalty + LoadPenaltyWith(r2, v, u) - r2->load_penalty;
      if (load_change + u->removal_gain + v->removal_gain - r1->duration_penalty - r2->duration_penalty > 0) {
        continue;
      }
      Node* after_v;
      Node* after_u;
      double cost = load_change + u->removal_gain + v->removal_gain + BestInsertion(v, u, &after_v) +
                    BestInsertion(u, v, &after_u);
      if (timed && cost < best) {
        cost += DurationPenaltyWith(r1, u, v, after_v) - r1->duration_penalty +
                DurationPenaltyWith(r2, v, u, after_u) - r2->duration_penalty;
      }
      if (cost < best) {
        best = cost;
        best_u = u;
        best_v = v;
        place_in_r1 = after_v;
        place_in_r2 = after_u;
      }
    }
  }
  // Moving a single stop across, at its cheapest place.
  for (auto [from, into] : {std::pair{r1, r2}, std::pair{r2, r1}}) {
    for (Node* s = from->start->next; !s->depot; s = s->next) {
      const Insertions& c = Cache(into).best[s->id];
      if (c.after[0] == nullptr) continue;
      double cost = s->removal_gain + c.cost[0] + LoadPenaltyWith(from, s, nullptr) - from->load_penalty +
                    LoadPenaltyWith(into, nullptr, s) - into->load_penalty;
      if (timed && cost < best) {
        cost += DurationPenaltyWith(from, s, nullptr, nullptr) - from->duration_penalty +
                DurationPenaltyWith(into, nullptr, s, c.after[0]) - into->duration_penalty;
      }
      if (cost < best) {
        best = cost;
        if (from == r1) {
          best_u = s;
          best_v = nullptr;
          place_in_r2 = c.after[0];
          place_in_r1 = nullptr;
        } else {
          best_u = nullptr;
          best_v = s;
          place_in_r1 = c.after[0];
          place_in_r2 = nullptr;
        }
      }
    }
  }
  if (best_u == nullptr && best_v == nullptr) return false;

  // The new routes, priced exactly before anything changes.
  auto build = [](Route* r, Node* leaving, Node* joining, Node* after, std::vector<Node*>& out) {
    out.clear();
    if (joining != nullptr && after == r->start) out.push_back(joining);
    for (Node* n = r->start->next; !n->depot; n = n->next) {
      if (n != leaving) out.push_back(n);
      if (joining != nullptr && n == after) out.push_back(joining);
    }
  };
  build(r1, best_u, best_v, place_in_r1, seq_u_);
  build(r2, best_v, best_u, place_in_r2, seq_v_);
  auto segment = [&](const std::vector<Node*>& seq) {
    Segment s = data_.Visit(0);
    for (Node* n : seq) s = data_.Join(s, data_.Visit(n->id));
    return data_.Join(s, data_.Visit(0));
  };
  predicted_ = Cost(segment(seq_u_)) + Cost(segment(seq_v_)) - r1->cost - r2->cost;
  if (predicted_ > -kEpsilon) return false;
  Relink(r1, seq_u_);
  Relink(r2, seq_v_);
  Commit(r1, r2);
  return true;
}

}  // namespace fupin::engine::hgs
