// CheckRouting (engine/routing.h): the independent referee of the solver.
// Table-driven: each bad solution must be refused with the route and the stop
// named; good ones give their recomputed cost.
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "engine/routing.h"

namespace fupin::engine {
namespace {

using Routes = std::vector<std::vector<int>>;

// Depot 0 and stops 1..4 on a line at 1, 2, 3, 4; asymmetric only where noted.
RoutingProblem Line(int64_t capacity) {
  RoutingProblem p;
  p.n = 5;
  p.distance.assign(25, 0);
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) p.distance[i * 5 + j] = i > j ? i - j : j - i;
  }
  p.delivery = {0, 2, 3, 4, 5};
  p.capacity = capacity;
  return p;
}

TEST(CheckRouting, RecomputesTheCost) {
  RoutingProblem p = Line(100);
  // 0-1-2-0: 1+1+2 = 4; 0-4-3-0: 4+1+3 = 8.
  Result<int64_t> cost = CheckRouting(p, {{1, 2}, {4, 3}});
  ASSERT_TRUE(cost) << cost.error().message;
  EXPECT_EQ(*cost, 12);
  // An asymmetric arc is taken in the direction travelled.
  p.distance[1 * 5 + 2] = 10;
  EXPECT_EQ(*CheckRouting(p, {{1, 2}, {4, 3}}), 21);
  EXPECT_EQ(*CheckRouting(p, {{2, 1}, {4, 3}}), 12);
}

TEST(CheckRouting, NoStopsNoRoutes) {
  RoutingProblem p;
  p.n = 1;
  p.distance = {0};
  p.delivery = {0};
  p.capacity = 1;
  Result<int64_t> cost = CheckRouting(p, {});
  ASSERT_TRUE(cost) << cost.error().message;
  EXPECT_EQ(*cost, 0);
}

struct BadCase {
  const char* name;
  RoutingProblem problem;
  Routes routes;
  const char* says;
};

RoutingProblem Spd() {
  // Stop 1 delivers 4 and picks up 9; stop 2 delivers 5 and picks up 0; capacity 10.
  // Leaving with 9: 1 first -> 9-4+9 = 14 > 10; 2 first -> 9-5 = 4, then 4-4+9 = 9.
  RoutingProblem p = Line(10);
  p.delivery = {0, 4, 5, 0, 0};
  p.pickup = {0, 9, 0, 1, 1};
  return p;
}

RoutingProblem Timed() {
  // Duration 10; travel times twice the distances; a service time of 1 at each stop.
  RoutingProblem p = Line(100);
  p.travel_time = p.distance;
  for (int64_t& t : p.travel_time) t *= 2;
  p.service_time = {0, 1, 1, 1, 1};
  p.max_duration = 10;
  return p;
}

RoutingProblem With(RoutingProblem p, void (*change)(RoutingProblem&)) {
  change(p);
  return p;
}

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class CheckRoutingErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(CheckRoutingErrorTest, RefusesAndSaysWhy) {
  const BadCase& c = GetParam();
  Result<int64_t> cost = CheckRouting(c.problem, c.routes);
  ASSERT_FALSE(cost) << "accepted at cost " << *cost;
  EXPECT_EQ(cost.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(cost.error().message.find(c.says), std::string::npos) << cost.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CheckRoutingErrorTest,
    ::testing::Values(
        BadCase{"MissingStop", Line(100), {{1, 2}, {4}}, "stop 3 is on no route"},
        BadCase{"NoRoutes", Line(100), {}, "stop 1 is on no route"},
        BadCase{"EmptyRoute", Line(100), {{1, 2, 3, 4}, {}}, "route 2 is empty"},
        BadCase{"DepotInside", Line(100), {{1, 0, 2}, {3, 4}}, "route 1, stop 2: the depot (0) inside a route"},
        BadCase{"OutOfRange", Line(100), {{1, 2}, {3, 4, 5}}, "route 2, stop 3: 5 is not a stop (1..4)"},
        BadCase{"Negative", Line(100), {{1, 2}, {-3, 4}}, "route 2, stop 1: -3 is not a stop"},
        BadCase{"TwiceOnOneRoute", Line(100), {{1, 2, 1}, {3, 4}}, "route 1, stop 3: stop 1 is visited twice"},
        BadCase{"OnTwoRoutes", Line(100), {{1, 2}, {3, 4, 2}}, "route 2, stop 3: stop 2 is visited by route 1"},
        BadCase{"OverCapacity",
                Line(8),
                {{1, 2}, {3, 4}},
                "route 2: it leaves the depot with 9 to deliver, more than the capacity 8"},
        BadCase{"PickupOrderMatters", Spd(), {{1, 2}, {3, 4}}, "route 1, stop 1 (node 1): the load 14 after it"},
        BadCase{"PickupAtTheEnd", Spd(), {{2, 1, 3, 4}}, "route 1, stop 4 (node 4): the load 11"},
        BadCase{"TooLong", Timed(), {{1, 2}, {3}, {4}}, "route 2: it lasts 13, more than the limit 10"},
        BadCase{"TooManyVehicles",
                With(Line(100), [](RoutingProblem& p) { p.max_vehicles = 1; }),
                {{1, 2}, {3, 4}},
                "2 routes, more than the 1 vehicles"},
        BadCase{"WrongMatrixSize",
                With(Line(100), [](RoutingProblem& p) { p.distance.pop_back(); }),
                {{1, 2, 3, 4}},
                "distance holds 24 entries"},
        BadCase{"WrongDeliverySize",
                With(Line(100), [](RoutingProblem& p) { p.delivery.pop_back(); }),
                {{1, 2, 3, 4}},
                "delivery holds 4 entries"},
        BadCase{"WrongPickupSize",
                With(Line(100),
                     [](RoutingProblem& p) {
                       p.pickup = {0, 1};
                     }),
                {{1, 2, 3, 4}},
                "pickup holds 2 entries"},
        BadCase{"WrongServiceSize",
                With(Line(100), [](RoutingProblem& p) { p.service_time = {0}; }),
                {{1, 2, 3, 4}},
                "service_time holds 1 entries"},
        BadCase{"WrongTravelSize",
                With(Line(100), [](RoutingProblem& p) { p.travel_time = {0}; }),
                {{1, 2, 3, 4}},
                "travel_time holds 1 entries"},
        BadCase{"NegativeDelivery",
                With(Line(100), [](RoutingProblem& p) { p.delivery[2] = -1; }),
                {{1, 2, 3, 4}},
                "stop 2 has a negative delivery"},
        BadCase{"NoNodes", With(Line(100), [](RoutingProblem& p) { p.n = 0; }), {}, "the depot at least"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

TEST(CheckRouting, PickupOrderThatFits) {
  // The same stops as PickupOrderMatters, in the order that keeps the load within 10.
  Result<int64_t> cost = CheckRouting(Spd(), {{2, 1}, {3, 4}});
  ASSERT_TRUE(cost) << cost.error().message;
  EXPECT_EQ(*cost, 4 + 8);
  // Exactly at the capacity is allowed: leaving with 9, then 2, 1, 3: 4, 9, 10.
  EXPECT_TRUE(CheckRouting(Spd(), {{2, 1, 3}, {4}}));
  // One more pickup goes over 10, not over 11.
  EXPECT_FALSE(CheckRouting(Spd(), {{2, 1, 3, 4}}));
  RoutingProblem roomy = Spd();
  roomy.capacity = 11;
  EXPECT_TRUE(CheckRouting(roomy, {{2, 1, 3, 4}}));
}

TEST(CheckRouting, DurationCountsTravelTimeAndService) {
  // In travel time 0-1-2-0 lasts 2+2+4 = 8, plus 2 of service: 10; 0-3-0: 12 + 1; 0-4-0: 16 + 1.
  RoutingProblem p = Timed();
  p.max_duration = 10;
  EXPECT_TRUE(CheckRouting(p, {{1, 2}, {3}, {4}}).ok() == false);
  p.max_duration = 17;
  Result<int64_t> cost = CheckRouting(p, {{1, 2}, {3}, {4}});
  ASSERT_TRUE(cost) << cost.error().message;
  EXPECT_EQ(*cost, 4 + 6 + 8);  // the cost stays in distance, not travel time
  p.max_duration = 16;
  EXPECT_FALSE(CheckRouting(p, {{1, 2}, {3}, {4}}));
}

}  // namespace
}  // namespace fupin::engine
