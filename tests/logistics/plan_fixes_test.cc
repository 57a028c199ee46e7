// Regression tests of the stored plans, on SQLite and PostgreSQL, one per
// defect found in review: the same day planned twice at once (the second
// failed on the unique day and region), a village's reader shown its whole
// station route and the other villages' notes, and a county plan and a
// station plan of the same day both stored and both read (now a station's
// plan replaces its tours inside the county's plan of the day).
#include <gtest/gtest.h>

#include <latch>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "logistics/render.h"
#include "logistics_fixture.h"

namespace fupin::logistics {
namespace {

using accounts::Role;
using fupin::testing::AllBackends;
using fupin::testing::BackendName;

constexpr const char* kDate = "2020-12-28";
constexpr const char* kDongxiang = "622926000000";

class PlanFixesTest : public LogisticsDbTest {
 protected:
  Actor Admin() { return Actor{&admin_, "", ""}; }
  accounts::Principal admin_ = As(Role::kAdmin, "622900000000");

  PlanRequest County(const char* date = kDate) {
    PlanRequest r;
    r.date = date;
    r.region = kDongxiang;
    return r;
  }
  PlanRequest Station(const std::string& township, const char* date = kDate) {
    PlanRequest r;
    r.date = date;
    r.station = township;
    return r;
  }

  // Every village code of Dongxiang.
  std::vector<std::string> Villages() {
    std::vector<std::string> out;
    for (const regions::Region* t : tree_.Children(kDongxiang)) {
      for (const regions::Region* v : tree_.Children(t->code)) out.push_back(v->code);
    }
    return out;
  }
};

TEST_P(PlanFixesTest, TheSameDayPlannedTwiceAtOnceSucceedsTwiceAndStoresOnePlan) {
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::optional<Result<PlanRun>> runs[2];
    std::latch start(2);
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        PlanRequest request = County();
        request.seed = static_cast<uint64_t>(1 + i);
        start.arrive_and_wait();
        runs[i] = service_->Plan(Admin(), request);
      });
    }
    for (std::thread& t : threads) t.join();
    for (const auto& run : runs) {
      ASSERT_TRUE(run.has_value());
      ASSERT_TRUE(run->ok()) << run->error().message;
    }
    EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plans WHERE plan_date = ?", {kDate}), 1);
    // Only the last writer's rows remain, and nothing without its plan.
    const int64_t plan_id = Q("SELECT plan_id FROM logistics_plans WHERE plan_date = ?", {kDate});
    EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_routes WHERE plan_id <> ?", {std::to_string(plan_id)}), 0);
    EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_route_stops WHERE plan_id <> ?", {std::to_string(plan_id)}), 0);
    EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plan_villages WHERE plan_id <> ?", {std::to_string(plan_id)}), 0);
    EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_routes WHERE plan_id = ?", {std::to_string(plan_id)}),
              Q("SELECT routes FROM logistics_plans WHERE plan_id = ?", {std::to_string(plan_id)}));
    EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plan_villages WHERE plan_id = ?", {std::to_string(plan_id)}),
              Q("SELECT villages FROM logistics_plans WHERE plan_id = ?", {std::to_string(plan_id)}));
  }
}

TEST_P(PlanFixesTest, AVillagesReaderSeesItsOwnStopsAndNoOtherVillage) {
  auto run = service_->Plan(Admin(), County());
  ASSERT_TRUE(run.ok()) << run.error().message;
  // A village served on a station route with other villages.
  std::string village;
  for (const PlannedRoute& r : run->plans[0].plan.routes) {
    if (r.tier == Tier::kStation && r.stops.size() >= 3 && r.stops[1].parts == 1) {
      village = r.stops[1].region_code;
      break;
    }
  }
  ASSERT_FALSE(village.empty());
  const PlannedVillage* own = nullptr;
  for (const PlannedVillage& v : run->plans[0].plan.villages) {
    if (v.village_code == village) own = &v;
  }
  ASSERT_NE(own, nullptr);

  accounts::Principal outlet = As(Role::kOutletOperator, village);
  auto read = service_->Plans(Actor{&outlet, "", ""}, kDate, "");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->size(), 1u);
  const StoredPlan& part = (*read)[0];
  EXPECT_TRUE(part.partial);
  ASSERT_EQ(part.plan.routes.size(), 1u);
  const PlannedRoute& route = part.plan.routes[0];
  EXPECT_TRUE(route.cut);
  ASSERT_EQ(route.stops.size(), 1u);
  EXPECT_EQ(route.stops[0].region_code, village);
  EXPECT_EQ(route.cost_fen, route.stops[0].cost_share_fen);
  EXPECT_TRUE(route.load_profile_g.empty());
  // Nor the leg from the village before it, nor the time spent at the earlier stops.
  EXPECT_EQ(route.stops[0].distance_from_prev_m, 0);
  EXPECT_EQ(route.stops[0].arrival_s, 0);
  ASSERT_EQ(part.plan.villages.size(), 1u);
  // The totals are the village's own.
  EXPECT_EQ(part.totals.villages, 1);
  EXPECT_EQ(part.totals.routes, 1);
  EXPECT_EQ(part.totals.cost_fen, own->cost_fen);
  EXPECT_EQ(part.totals.revenue_fen, own->economics.revenue_fen);
  EXPECT_EQ(part.totals.parcels_in, own->parcels_in);
  EXPECT_EQ(part.totals.distance_m, 0);  // the tour's length is not the village's

  const std::string body = PlansJson(kDate, village, *read, tree_);
  EXPECT_NE(body.find(R"("distance_from_prev_m":null,"arrival_s":null,)"), std::string::npos) << body;
  int others = 0;
  for (const std::string& code : Villages()) {
    if (code == village) continue;
    ++others;
    EXPECT_EQ(body.find(code), std::string::npos) << code << " in " << body;
  }
  EXPECT_GT(others, 100);
  EXPECT_NE(body.find(village), std::string::npos);
  EXPECT_NE(body.find("\"load_profile_g\":[]"), std::string::npos) << body;

  // The station's reader sees its whole routes, and only its villages' notes.
  const std::string township = tree_.Find(village)->parent_code;
  accounts::Principal station = As(Role::kStationOperator, township);
  read = service_->Plans(Actor{&station, "", ""}, kDate, "");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->size(), 1u);
  int64_t villages_cost = 0;
  for (const PlannedVillage& v : (*read)[0].plan.villages) {
    EXPECT_EQ(v.township_code, township);
    villages_cost += v.cost_fen;
  }
  EXPECT_EQ((*read)[0].totals.cost_fen, villages_cost);
  for (const PlannedRoute& r : (*read)[0].plan.routes) {
    EXPECT_FALSE(r.cut);
    EXPECT_EQ(r.depot_region_code, township);
  }
  for (const std::string& note : (*read)[0].plan.notes) {
    EXPECT_TRUE(tree_.Covers(township, NoteRegion(note))) << note;
  }
}

TEST_P(PlanFixesTest, AStationPlanIsStoredAloneOrReplacesItsToursInTheCountyPlan) {
  const std::string daban = "622926101000";
  accounts::Principal op = As(Role::kStationOperator, daban);
  auto count = [&](const char* scope) {
    return Q("SELECT COUNT(*) FROM logistics_plans WHERE plan_date = ? AND scope = ?", {kDate, scope});
  };
  // Without a county plan of the day: the station's plan alone.
  auto alone = service_->Plan(Actor{&op, "", ""}, Station(daban));
  ASSERT_TRUE(alone.ok()) << alone.error().message;
  EXPECT_EQ(alone->plans[0].header.scope, Scope::kStation);
  EXPECT_EQ(count("station"), 1);

  // The county's plan of the day holds every station's tours: the station's own plan goes.
  auto county = service_->Plan(Admin(), County());
  ASSERT_TRUE(county.ok()) << county.error().message;
  EXPECT_EQ(count("station"), 0);
  EXPECT_EQ(count("county"), 1);
  const CountyPlan& before = county->plans[0].plan;
  int64_t daban_center_share = 0;
  std::map<std::string, int64_t> other_routes;  // depot → cost of its routes, Daban's and the center's apart
  for (const PlannedRoute& r : before.routes) {
    if (r.tier == Tier::kCenter) {
      for (const PlannedStop& s : r.stops) daban_center_share += s.region_code == daban ? s.cost_share_fen : 0;
      other_routes["center"] += r.cost_fen;
    } else if (r.depot_region_code != daban) {
      other_routes[r.depot_region_code] += r.cost_fen;
    }
  }
  ASSERT_GT(daban_center_share, 0);

  // The station planned again: its tours replace its tours inside the county plan.
  PlanRequest again = Station(daban);
  again.seed = 5;
  auto merged = service_->Plan(Actor{&op, "", ""}, again);
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  ASSERT_EQ(merged->plans.size(), 1u);
  const StoredPlan& part = merged->plans[0];
  EXPECT_EQ(part.header.scope, Scope::kCounty);
  EXPECT_EQ(part.header.id, county->plans[0].header.id);
  EXPECT_TRUE(part.partial);
  ASSERT_FALSE(part.plan.routes.empty());
  EXPECT_EQ(count("station"), 0);
  EXPECT_EQ(count("county"), 1);
  EXPECT_EQ(Q("SELECT seed FROM logistics_plans WHERE plan_date = ?", {kDate}), 1);  // the county's own

  auto read = service_->Plans(Admin(), kDate, kDongxiang);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->size(), 1u);
  const StoredPlan& full = (*read)[0];
  std::set<std::pair<int64_t, int>> tours;
  std::map<std::string, int64_t> after_routes;
  int daban_routes = 0;
  for (const PlannedRoute& r : full.plan.routes) {
    EXPECT_TRUE(tours.insert({r.facility_id, r.seq}).second) << r.depot_region_code << " " << r.seq;
    if (r.tier == Tier::kCenter) {
      after_routes["center"] += r.cost_fen;
    } else if (r.depot_region_code == daban) {
      ++daban_routes;
    } else {
      after_routes[r.depot_region_code] += r.cost_fen;
    }
  }
  EXPECT_EQ(daban_routes, static_cast<int>(part.plan.routes.size()));
  EXPECT_EQ(after_routes, other_routes);  // the other stations' and the center's tours as they were
  std::set<std::string> villages;
  int64_t daban_center = 0, villages_cost = 0;
  for (const PlannedVillage& v : full.plan.villages) {
    EXPECT_TRUE(villages.insert(v.village_code).second) << v.village_code;
    if (v.township_code == daban) daban_center += v.center_cost_fen;
    EXPECT_EQ(v.cost_fen, v.route_cost_fen + v.center_cost_fen);
    EXPECT_EQ(v.economics.margin_fen, v.economics.revenue_fen - v.cost_fen);
    villages_cost += v.cost_fen;
  }
  EXPECT_EQ(daban_center, daban_center_share);  // Daban's part of the center's tours stays on its villages
  EXPECT_EQ(full.totals.cost_fen, villages_cost);
  bool noted = false;
  for (const std::string& n : full.plan.notes) noted = noted || n.find("planned again") != std::string::npos;
  EXPECT_TRUE(noted);
  // The stored rows agree: each village's route cost is its stops' shares.
  const std::string id = std::to_string(full.header.id);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plan_villages v WHERE v.plan_id = ? AND v.route_cost_fen <> "
              "COALESCE((SELECT SUM(s.cost_share_fen) FROM logistics_route_stops s JOIN logistics_routes r ON "
              "r.route_id = s.route_id WHERE s.plan_id = v.plan_id AND r.tier = 'station' AND s.region_code = "
              "v.village_code), 0)",
              {id}),
            0);
  EXPECT_EQ(Q("SELECT cost_fen FROM logistics_plans WHERE plan_id = ?", {id}), villages_cost);
}

INSTANTIATE_TEST_SUITE_P(Backends, PlanFixesTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::logistics
