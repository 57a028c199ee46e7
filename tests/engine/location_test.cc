// engine/location.h: p-median, maximal covering and set covering, capacitated
// or not, on small random instances checked against brute force over every set
// of open sites (and, when capacitated, every assignment); CBC's models on their
// own, our heuristic on its own, and CheckLocation's rejections.
#include "engine/location.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/location_cbc.h"

namespace fupin::engine {
namespace {

// A deterministic generator for the test instances (the tests must not depend
// on the standard library's distributions).
class TestRng {
 public:
  explicit TestRng(uint64_t seed) : state_(seed * 2654435761u + 1) {}
  int Below(int n) {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<int>((state_ >> 33) % static_cast<uint64_t>(n));
  }

 private:
  uint64_t state_;
};

// Clients and sites at random points of a 100 × 100 square; Euclidean
// distances rounded; weights 1..9, opening costs 1..20, capacities (when asked)
// between 30% and 90% of the total weight.
LocationProblem RandomProblem(uint64_t seed, int clients, int sites, LocationObjective objective, bool capacitated) {
  TestRng rng(seed);
  LocationProblem p;
  p.clients = clients;
  p.sites = sites;
  p.objective = objective;
  std::vector<std::pair<int, int>> cp(clients), sp(sites);
  for (auto& xy : cp) xy = {rng.Below(100), rng.Below(100)};
  for (auto& xy : sp) xy = {rng.Below(100), rng.Below(100)};
  for (int c = 0; c < clients; ++c) {
    for (int s = 0; s < sites; ++s) {
      double dx = cp[c].first - sp[s].first, dy = cp[c].second - sp[s].second;
      p.distance.push_back(std::llround(std::sqrt(dx * dx + dy * dy)));
    }
  }
  int64_t total = 0;
  for (int c = 0; c < clients; ++c) {
    p.weight.push_back(1 + rng.Below(9));
    total += p.weight.back();
  }
  for (int s = 0; s < sites; ++s) p.opening_cost.push_back(1 + rng.Below(20));
  if (capacitated) {
    for (int s = 0; s < sites; ++s) p.capacity.push_back(total * (30 + rng.Below(61)) / 100);
  }
  p.p = 3;
  p.radius = 35;
  return p;
}

// The best objective over every set of open sites, and for capacitated
// problems every assignment (depth-first, pruned by capacity). nullopt when
// nothing is feasible.
std::optional<int64_t> BruteForce(const LocationProblem& p) {
  const bool maximise = p.objective == LocationObjective::kMaxCovering;
  const bool capacitated = !p.capacity.empty();
  auto dist = [&](int c, int s) { return p.distance[static_cast<size_t>(c) * p.sites + s]; };
  auto weight = [&](int c) { return p.weight.empty() ? int64_t{1} : p.weight[c]; };
  auto allowed = [&](int c, int s) { return p.objective == LocationObjective::kPMedian || dist(c, s) <= p.radius; };
  std::optional<int64_t> best;
  auto offer = [&](int64_t value) {
    if (!best || (maximise ? value > *best : value < *best)) best = value;
  };
  // Every subset for set covering (few sites); only the subsets of size p
  // otherwise, in the order of Gosper's hack.
  const bool any_size = p.objective == LocationObjective::kSetCovering;
  const int64_t end = int64_t{1} << p.sites;
  for (int64_t mask = any_size ? 0 : (int64_t{1} << p.p) - 1; mask < end;) {
    const int64_t current = mask;
    std::vector<int> open;
    for (int s = 0; s < p.sites; ++s) {
      if (current >> s & 1) open.push_back(s);
    }
    if (any_size) {
      ++mask;
    } else {
      int64_t low = mask & -mask, ripple = mask + low;
      mask = (((ripple ^ mask) >> 2) / low) | ripple;
    }
    bool fixed_ok = true;
    for (int s = 0; s < p.sites; ++s) {
      if (!p.fixed_open.empty() && p.fixed_open[s] && !(current >> s & 1)) fixed_ok = false;
    }
    if (!fixed_ok) continue;
    if (p.objective != LocationObjective::kSetCovering && static_cast<int>(open.size()) != p.p) continue;
    int64_t opening = 0;
    for (int s : open) opening += p.opening_cost.empty() ? 1 : p.opening_cost[s];

    if (!capacitated) {
      int64_t value = 0;
      bool feasible = true;
      for (int c = 0; c < p.clients; ++c) {
        int64_t nearest = -1;
        for (int s : open) {
          if (allowed(c, s) && (nearest < 0 || dist(c, s) < nearest)) nearest = dist(c, s);
        }
        if (p.objective == LocationObjective::kPMedian) value += weight(c) * nearest;
        if (p.objective == LocationObjective::kMaxCovering && nearest >= 0) value += weight(c);
        if (p.objective == LocationObjective::kSetCovering && nearest < 0) feasible = false;
      }
      if (p.objective == LocationObjective::kSetCovering) value = opening;
      if (feasible) offer(value);
      continue;
    }

    // Capacitated: every assignment of the clients to the open sites.
    std::vector<int64_t> room(p.sites);
    for (int s = 0; s < p.sites; ++s) room[s] = p.capacity[s];
    std::optional<int64_t> inner;
    std::function<void(int, int64_t)> go = [&](int c, int64_t value) {
      if (c == p.clients) {
        int64_t v = p.objective == LocationObjective::kSetCovering ? opening : value;
        if (!inner || (maximise ? v > *inner : v < *inner)) inner = v;
        return;
      }
      if (p.objective == LocationObjective::kPMedian && inner && value >= *inner) return;
      for (int s : open) {
        if (!allowed(c, s) || room[s] < weight(c)) continue;
        room[s] -= weight(c);
        int64_t add = p.objective == LocationObjective::kPMedian       ? weight(c) * dist(c, s)
                      : p.objective == LocationObjective::kMaxCovering ? weight(c)
                                                                       : 0;
        go(c + 1, value + add);
        room[s] += weight(c);
        if (p.objective == LocationObjective::kSetCovering && inner) return;  // feasibility is enough
      }
      if (p.objective == LocationObjective::kMaxCovering) go(c + 1, value);  // left uncovered
    };
    go(0, 0);
    if (inner) offer(*inner);
  }
  return best;
}

LocationOptions HeuristicOnly(uint64_t seed = 1) {
  LocationOptions o;
  o.allow_exact = false;
  o.seed = seed;
  o.time_limit_s = 5;
  return o;
}

const char* Name(LocationObjective objective) {
  switch (objective) {
    case LocationObjective::kPMedian:
      return "p-median";
    case LocationObjective::kMaxCovering:
      return "max covering";
    case LocationObjective::kSetCovering:
      return "set covering";
  }
  return "?";
}

struct Case {
  LocationObjective objective;
  bool capacitated;
  int clients, sites;
};

// Capacitated cases are smaller: brute force enumerates every assignment too.
const Case kCases[] = {
    {LocationObjective::kPMedian, false, 12, 12},     {LocationObjective::kMaxCovering, false, 12, 12},
    {LocationObjective::kSetCovering, false, 12, 12}, {LocationObjective::kPMedian, true, 9, 7},
    {LocationObjective::kMaxCovering, true, 9, 7},    {LocationObjective::kSetCovering, true, 9, 7},
};
constexpr int kSeeds = 6;

// The instance of `c` and `seed`, with a radius large enough for set covering to be feasible.
std::optional<LocationProblem> Instance(const Case& c, uint64_t seed) {
  LocationProblem p = RandomProblem(seed, c.clients, c.sites, c.objective, c.capacitated);
  if (c.objective == LocationObjective::kSetCovering) p.radius = 60;
  if (!BruteForce(p)) return std::nullopt;
  return p;
}

TEST(EngineLocation, CbcModelsMatchBruteForce) {
  int solved = 0;
  for (const Case& c : kCases) {
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      std::optional<LocationProblem> p = Instance(c, seed);
      if (!p) continue;
      SCOPED_TRACE(testing::Message() << Name(c.objective) << (c.capacitated ? " capacitated" : "") << " seed "
                                      << seed);
      int64_t expected = *BruteForce(*p);
      detail::CbcOutcome out = detail::SolveWithCbc(*p, 10, nullptr);
      ASSERT_TRUE(out.has_solution);
      EXPECT_TRUE(out.solution.proven_optimal);
      EXPECT_EQ(out.solution.objective, expected);
      EXPECT_EQ(out.bound, expected);
      LocationSolution s = out.solution;
      s.bound = out.bound;
      Result<int64_t> checked = CheckLocation(*p, s);
      ASSERT_TRUE(checked) << checked.error().message;
      ++solved;
    }
  }
  EXPECT_GE(solved, 30);  // most random instances are feasible
}

TEST(EngineLocation, CbcReducedPMedianGrowsToTheOptimum) {
  // Uncapacitated p-median starts CBC on each client's nearest sites only; with
  // p = 2 of 30 sites most clients end up farther, so the model must grow.
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE(testing::Message() << "seed " << seed);
    LocationProblem p = RandomProblem(seed, 30, 30, LocationObjective::kPMedian, false);
    p.p = 2;
    int64_t expected = *BruteForce(p);
    detail::CbcOutcome out = detail::SolveWithCbc(p, 10, nullptr);
    ASSERT_TRUE(out.has_solution);
    EXPECT_TRUE(out.solution.proven_optimal);
    EXPECT_EQ(out.solution.objective, expected);
    EXPECT_EQ(out.bound, expected);
  }
}

TEST(EngineLocation, SolveLocationIsProvenOptimal) {
  for (const Case& c : kCases) {
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      std::optional<LocationProblem> p = Instance(c, seed);
      if (!p) continue;
      SCOPED_TRACE(testing::Message() << Name(c.objective) << (c.capacitated ? " capacitated" : "") << " seed "
                                      << seed);
      Result<LocationSolution> s = SolveLocation(*p, LocationOptions{});
      ASSERT_TRUE(s) << s.error().message;
      EXPECT_EQ(s->objective, *BruteForce(*p));
      EXPECT_TRUE(s->proven_optimal);
      EXPECT_EQ(s->bound, s->objective);
      Result<int64_t> checked = CheckLocation(*p, *s);
      ASSERT_TRUE(checked) << checked.error().message;
    }
  }
}

TEST(EngineLocation, HeuristicFindsTheOptimumOnTinyInstances) {
  for (const Case& c : kCases) {
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      std::optional<LocationProblem> p = Instance(c, seed);
      if (!p) continue;
      SCOPED_TRACE(testing::Message() << Name(c.objective) << (c.capacitated ? " capacitated" : "") << " seed "
                                      << seed);
      Result<LocationSolution> s = SolveLocation(*p, HeuristicOnly(seed));
      ASSERT_TRUE(s) << s.error().message;
      EXPECT_EQ(s->method, "heuristic");
      Result<int64_t> checked = CheckLocation(*p, *s);
      ASSERT_TRUE(checked) << checked.error().message;
      EXPECT_EQ(s->objective, *BruteForce(*p));
    }
  }
}

TEST(EngineLocation, CbcProvesWhatTheSimpleBoundCannot) {
  LocationProblem p = RandomProblem(3, 12, 12, LocationObjective::kPMedian, false);
  Result<LocationSolution> s = SolveLocation(p, LocationOptions{});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->method, "cbc");
  EXPECT_TRUE(s->proven_optimal);
  EXPECT_EQ(s->objective, *BruteForce(p));

  // Without CBC only a bound that does not meet the solution is known.
  Result<LocationSolution> h = SolveLocation(p, HeuristicOnly());
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->proven_optimal);
  EXPECT_LT(h->bound, h->objective);
  EXPECT_EQ(h->objective, s->objective);
}

TEST(EngineLocation, FixedSitesStayOpen) {
  for (LocationObjective objective :
       {LocationObjective::kPMedian, LocationObjective::kMaxCovering, LocationObjective::kSetCovering}) {
    for (bool capacitated : {false, true}) {
      SCOPED_TRACE(testing::Message() << Name(objective) << (capacitated ? " capacitated" : ""));
      LocationProblem p = RandomProblem(11, capacitated ? 9 : 12, capacitated ? 7 : 12, objective, capacitated);
      p.radius = 60;
      p.fixed_open.assign(p.sites, 0);
      p.fixed_open[0] = p.fixed_open[4] = 1;
      std::optional<int64_t> expected = BruteForce(p);
      if (!expected) continue;
      for (const LocationOptions& o : {LocationOptions{}, HeuristicOnly()}) {
        Result<LocationSolution> s = SolveLocation(p, o);
        ASSERT_TRUE(s) << s.error().message;
        EXPECT_TRUE(std::binary_search(s->open.begin(), s->open.end(), 0));
        EXPECT_TRUE(std::binary_search(s->open.begin(), s->open.end(), 4));
        ASSERT_TRUE(CheckLocation(p, *s));
        EXPECT_EQ(s->objective, *expected);
      }
    }
  }
}

TEST(EngineLocation, AssignedIsTheNearestOpenSiteOrMinusOne) {
  LocationProblem p = RandomProblem(5, 12, 12, LocationObjective::kMaxCovering, false);
  p.radius = 20;
  Result<LocationSolution> s = SolveLocation(p, LocationOptions{});
  ASSERT_TRUE(s);
  for (int c = 0; c < p.clients; ++c) {
    int64_t nearest = -1;
    for (int site : s->open) {
      int64_t d = p.distance[c * p.sites + site];
      if (d <= p.radius && (nearest < 0 || d < nearest)) nearest = d;
    }
    if (nearest < 0) {
      EXPECT_EQ(s->assigned[c], -1) << "client " << c;
    } else {
      ASSERT_GE(s->assigned[c], 0) << "client " << c;
      EXPECT_EQ(p.distance[c * p.sites + s->assigned[c]], nearest) << "client " << c;
    }
  }
}

TEST(EngineLocation, HeuristicIsRepeatableForASeed) {
  LocationProblem p = RandomProblem(8, 60, 60, LocationObjective::kPMedian, false);
  p.p = 6;
  Result<LocationSolution> a = SolveLocation(p, HeuristicOnly(42));
  Result<LocationSolution> b = SolveLocation(p, HeuristicOnly(42));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->open, b->open);
  EXPECT_EQ(a->objective, b->objective);
}

TEST(EngineLocation, LargeModelsGoToTheHeuristic) {
  LocationProblem p = RandomProblem(9, 12, 12, LocationObjective::kPMedian, false);
  LocationOptions o;
  o.exact_max_variables = 100;  // 144 assignment variables
  Result<LocationSolution> s = SolveLocation(p, o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->method, "heuristic");
  EXPECT_TRUE(CheckLocation(p, *s));
}

TEST(EngineLocation, AShortTimeLimitStillGivesAValidSolution) {
  LocationProblem p = RandomProblem(10, 80, 80, LocationObjective::kPMedian, true);
  p.p = 8;
  LocationOptions o;
  o.time_limit_s = 0.05;
  Result<LocationSolution> s = SolveLocation(p, o);
  ASSERT_TRUE(s) << s.error().message;
  Result<int64_t> checked = CheckLocation(p, *s);
  EXPECT_TRUE(checked) << checked.error().message;
}

TEST(EngineLocation, RefusesBadProblems) {
  struct Bad {
    const char* what;
    std::function<void(LocationProblem&)> edit;
    std::string message;
  };
  const Bad cases[] = {
      {"short matrix", [](LocationProblem& p) { p.distance.pop_back(); },
       "distance has 143 entries; expected clients × sites = 144"},
      {"negative distance", [](LocationProblem& p) { p.distance[13] = -1; },
       "distance from client 1 to site 1 is negative: -1"},
      {"weights", [](LocationProblem& p) { p.weight.resize(3); },
       "weight has 3 entries; expected none or one per client (12)"},
      {"negative weight", [](LocationProblem& p) { p.weight[2] = -5; }, "weight[2] is negative: -5"},
      {"p zero", [](LocationProblem& p) { p.p = 0; }, "p must be between 1 and the number of sites (12); got 0"},
      {"p too big", [](LocationProblem& p) { p.p = 13; }, "p must be between 1 and the number of sites (12); got 13"},
      {"too many fixed", [](LocationProblem& p) { p.fixed_open.assign(12, 1); }, "12 sites must stay open but p is 3"},
      {"uncoverable",
       [](LocationProblem& p) {
         p.objective = LocationObjective::kSetCovering;
         p.radius = 5;
         for (int s = 0; s < 12; ++s) p.distance[7 * 12 + s] = 6;
         for (int c = 0; c < 12; ++c) {
           if (c != 7) p.distance[c * 12 + 0] = 0;  // site 0 covers every other client
         }
       },
       "infeasible: client 7 has no site within 5"},
      {"capacity too small", [](LocationProblem& p) { p.capacity.assign(12, 5); }, "infeasible: the clients weigh"},
      {"empty",
       [](LocationProblem& p) {
         p.clients = 0;
         p.distance.clear();
         p.weight.clear();
       },
       "a location problem needs at least one client and one site (got 0 and 12)"},
      {"huge", [](LocationProblem& p) { p.distance[0] = int64_t{1} << 60; }, "beyond 2^53"},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    LocationProblem p = RandomProblem(1, 12, 12, LocationObjective::kPMedian, false);
    bad.edit(p);
    Result<LocationSolution> s = SolveLocation(p, LocationOptions{});
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message.find(bad.message), std::string::npos) << s.error().message;
  }
  LocationProblem p = RandomProblem(1, 12, 12, LocationObjective::kPMedian, false);
  LocationOptions o;
  o.time_limit_s = -1;
  EXPECT_FALSE(SolveLocation(p, o));
}

TEST(EngineLocation, CheckRejectsBadSolutions) {
  LocationProblem p = RandomProblem(2, 12, 12, LocationObjective::kPMedian, true);
  Result<LocationSolution> good = SolveLocation(p, LocationOptions{});
  ASSERT_TRUE(good) << good.error().message;
  ASSERT_TRUE(CheckLocation(p, *good));
  const LocationSolution& g = *good;
  int closed = 0;
  while (std::binary_search(g.open.begin(), g.open.end(), closed)) ++closed;

  struct Bad {
    const char* what;
    std::function<void(LocationSolution&)> edit;
    std::string message;
  };
  const Bad cases[] = {
      {"too few open", [](LocationSolution& s) { s.open.pop_back(); }, "2 sites are open; p is 3"},
      {"unsorted", [](LocationSolution& s) { std::swap(s.open[0], s.open[1]); }, "must be ascending"},
      {"out of range", [](LocationSolution& s) { s.open.back() = 12; }, "open site 12 is out of range 0..11"},
      {"assigned to closed", [closed](LocationSolution& s) { s.assigned[0] = closed; }, "which is not open"},
      {"unassigned", [](LocationSolution& s) { s.assigned[3] = -1; }, "client 3 is not assigned to any site"},
      {"short assigned", [](LocationSolution& s) { s.assigned.pop_back(); }, "assigned has 11 entries for 12 clients"},
      {"objective", [](LocationSolution& s) { s.objective += 1; }, "the objective is"},
      {"bound above", [](LocationSolution& s) { s.bound = s.objective + 1; }, "is worse than the objective"},
      {"proven with gap",
       [](LocationSolution& s) {
         s.bound = s.objective - 1;
         s.proven_optimal = true;
       },
       "proven optimal, but the bound"},
      {"over capacity",
       [](LocationSolution& s) {
         for (int& a : s.assigned) a = s.open[0];
       },
       "more than its capacity"},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    LocationSolution s = g;
    bad.edit(s);
    Result<int64_t> checked = CheckLocation(p, s);
    ASSERT_FALSE(checked);
    EXPECT_NE(checked.error().message.find(bad.message), std::string::npos) << checked.error().message;
  }

  // Covering: beyond the radius, fixed site closed, a covered client counted out.
  LocationProblem q = RandomProblem(4, 12, 12, LocationObjective::kMaxCovering, false);
  q.radius = 30;
  q.fixed_open.assign(12, 0);
  Result<LocationSolution> cover = SolveLocation(q, LocationOptions{});
  ASSERT_TRUE(cover);
  LocationSolution s = *cover;
  int far_client = -1;
  for (int c = 0; c < q.clients && far_client < 0; ++c) {
    if (q.distance[c * q.sites + s.open[0]] > q.radius) far_client = c;
  }
  ASSERT_GE(far_client, 0);
  s.assigned[far_client] = s.open[0];
  Result<int64_t> beyond = CheckLocation(q, s);
  ASSERT_FALSE(beyond);
  EXPECT_NE(beyond.error().message.find("beyond the radius 30"), std::string::npos) << beyond.error().message;

  s = *cover;
  int covered = -1;
  for (int c = 0; c < q.clients && covered < 0; ++c) {
    if (s.assigned[c] >= 0) covered = c;
  }
  ASSERT_GE(covered, 0);
  s.assigned[covered] = -1;
  s.objective -= q.weight[covered];
  s.bound = std::max(s.bound, s.objective);
  Result<int64_t> counted_out = CheckLocation(q, s);
  ASSERT_FALSE(counted_out);
  EXPECT_NE(counted_out.error().message.find("counted as not covered"), std::string::npos);

  int shut = 0;
  while (std::binary_search(cover->open.begin(), cover->open.end(), shut)) ++shut;
  q.fixed_open[shut] = 1;
  Result<int64_t> fixed = CheckLocation(q, *cover);
  ASSERT_FALSE(fixed);
  EXPECT_NE(fixed.error().message.find("must stay open"), std::string::npos) << fixed.error().message;
}

}  // namespace
}  // namespace fupin::engine
