#pragma once
// The education step of the genetic search (Vidal 2022, section 3): local
// search over granular neighbourhoods, first improvement in random order.
//
//   Moves between a stop u (followed by x) and a neighbour v (followed by y):
//     relocate u after v; relocate (u,x) after v, also as (x,u);
//     swap u with v, (u,x) with v, (u,x) with (v,y);
//     2-opt within a route; 2-opt* between routes (both variants);
//   and SWAP* between two routes whose polar sectors overlap: exchange a stop
//   of each, each inserted at its best place in the other route (not
//   necessarily where the other was), or relocate one.
//
// From the second pass on, a stop, a pair or a route's tail may also move into
// an empty route.
//
// Every move is priced in constant time from the segments (prefix, suffix and
// their reversals) kept at each node, except moves inside one route when
// pickups or a duration limit make the order matter, which walk the route;
// SWAP* estimates, then prices its best candidate exactly before making it.
// Reversals are priced with the reversed arcs, so asymmetric matrices are exact.
//
// Compiled with FUPIN_HGS_SELF_CHECK, every move made is checked against a
// recomputation of the routes it changed (a debugging aid; it aborts on a
// mismatch).
#include <cstdint>
#include <set>
#include <vector>

#include "engine/hgs_data.h"
#include "engine/hgs_individual.h"

namespace fupin::engine::hgs {

class LocalSearch {
 public:
  LocalSearch(const Data& data, const Params& params, Rng& rng);

  // Improves the routes of `indiv` until no move lowers the penalised cost
  // (or `deadline` passes), then writes them back with the giant tour, routes
  // ordered by the polar angle of their centre. Does not re-evaluate `indiv`.
  void Run(Individual& indiv, Penalties penalties, const Deadline& deadline);

 private:
  struct Route;
  struct Node {
    int id = 0;
    bool depot = false;
    int position = 0;           // 0 for the start depot
    int64_t when_tested = -1;   // move counter when its neighbourhood was last scanned
    Node* next = nullptr;
    Node* prev = nullptr;
    Route* route = nullptr;
    double removal_gain = 0;  // SWAP*: distance change when this stop leaves its route
    Segment prefix;      // start depot .. this node
    Segment suffix;      // this node .. end depot
    Segment rev_prefix;  // this node .. start depot, travelled backwards
    Segment rev_suffix;  // end depot .. this node, travelled backwards
  };
  struct Route {
    int index = 0;
    int stops = 0;
    int64_t when_modified = 0;
    int64_t when_swap_tested = -1;
    Node* start = nullptr;
    Node* end = nullptr;
    Segment total;
    double cost = 0;              // distance plus penalties
    double penalty = 0;           // cost - distance
    double load_penalty = 0;
    double duration_penalty = 0;
    double angle = 0;             // polar angle of the centre of its stops
    Sector sector;
  };
  // The three cheapest places to insert a stop into a route.
  struct Insertions {
    double cost[3] = {0, 0, 0};
    Node* after[3] = {nullptr, nullptr, nullptr};
    void Reset();
    void Add(double c, Node* place);
  };

  void Load(const Individual& indiv);
  void Export(Individual& indiv);
  void Update(Route* r);
  void Relink(Route* r, const std::vector<Node*>& sequence);
  static void InsertAfter(Node* a, Node* b);
  static void SwapNodes(Node* a, Node* b);
  // Counts the move and refreshes the routes it changed.
  void Commit(Route* a, Route* b);

  void SetU(Node* u);
  void SetV(Node* v);
  double Cost(const Segment& s) const { return data_.Cost(s, penalties_); }
  int64_t D(int a, int b) const { return data_.Distance(a, b); }
  // Inter-route move: improving when the two new routes cost less than the old ones.
  bool InterImproves(const Segment& new_u, const Segment& new_v);
  // Intra-route move with the given distance change; `build` lists the new order.
  template <typename Build>
  bool IntraImproves(int64_t distance_change, Build&& build);

  bool Relocate();          // u after v
  bool MovePair();          // (u,x) after v, or else (x,u) after v
  bool SwapOne();           // u with v
  bool SwapPairOne();       // (u,x) with v
  bool SwapPairs();         // (u,x) with (v,y)
  bool TwoOpt();            // same route: reverse x..v
  bool TwoOptStarBack();    // other route: u joins v backwards, x..end joins y backwards
  bool TwoOptStar();        // other route: exchange the tails after u and after v

  bool SwapStar(Route* r1, Route* r2);
  void Prepare(Route* from, Route* into);
  // The places for every stop in a route, and when each was computed (kept
  // while the route is unchanged); allocated when the route is first used.
  struct InsertionCache {
    std::vector<int64_t> when_computed;
    std::vector<Insertions> best;
  };
  InsertionCache& Cache(Route* into);
  // Cheapest place for `stop` in the route of `leaving` once `leaving` has left it.
  double BestInsertion(Node* stop, Node* leaving, Node** after) const;
  double LoadPenaltyWith(const Route* r, const Node* out, const Node* in) const;
  double DurationPenaltyWith(const Route* r, const Node* out, const Node* in, Node* after) const;

  const Data& data_;
  const Params& params_;
  Rng& rng_;
  Penalties penalties_;
  std::vector<Node> stops_;   // by stop number; [0] unused
  std::vector<Node> starts_;  // per route
  std::vector<Node> ends_;    // per route
  std::vector<Route> routes_;
  std::vector<std::vector<int>> neighbours_;
  std::vector<int> order_stops_;
  std::vector<int> order_routes_;
  std::set<int> empty_routes_;
  std::vector<InsertionCache> insertions_;  // per route
  std::vector<int> stale_;
  int64_t moves_ = 0;
  bool improved_ = false;
  int loop_ = 0;

  // The move being priced.
  Node* u_ = nullptr;
  Node* x_ = nullptr;
  Node* v_ = nullptr;
  Node* y_ = nullptr;
  Route* ru_ = nullptr;
  Route* rv_ = nullptr;
  double predicted_ = 0;  // cost change of the move being made
  std::vector<int> sequence_;
  std::vector<Node*> seq_u_;
  std::vector<Node*> seq_v_;
};

}  // namespace fupin::engine::hgs
