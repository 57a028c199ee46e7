// logistics::PlanService on the scale-0.01 demo, SQLite and PostgreSQL: the
// stored plan read back with plain SQL and its economics recomputed
// independently (cost shares add up to each route's cost, a village's cost is
// its shares plus its part of the center's tour, margin = revenue − cost at
// the configured tariffs, loads within the capacity at every stop, each village
// with parcels and a point on exactly one route), recomputing replaces the
// plan, an empty day, an overweight village, who may plan and read, and bad
// input.
#include <gtest/gtest.h>

#include <map>

#include "logistics_fixture.h"

namespace fupin::logistics {
namespace {

using accounts::Role;
using fupin::testing::AllBackends;
using fupin::testing::BackendName;

constexpr const char* kDate = "2020-12-28";
constexpr const char* kDongxiang = "622926000000";
constexpr const char* kDaban = "622926101000";  // 达板镇, a township of Dongxiang
constexpr const char* kLinxiaCounty = "622921000000";

class PlanServiceTest : public LogisticsDbTest {
 protected:
  Actor Admin() { return Actor{&admin_, "192.0.2.1", ""}; }
  accounts::Principal admin_ = As(Role::kAdmin, "622900000000");

  // Checks the stored plans of `date` with SQL alone (not through the store).
  void CheckStored(const std::string& date) {
    const int64_t tariff_in = Q("SELECT CAST(value AS BIGINT) FROM logistics_config WHERE key = 'tariff_inbound_fen'");
    const int64_t tariff_out =
        Q("SELECT CAST(value AS BIGINT) FROM logistics_config WHERE key = 'tariff_outbound_fen'");
    ASSERT_GT(tariff_in, 0);
    const std::string plans = "(SELECT plan_id FROM logistics_plans WHERE plan_date = '" + date + "')";
    // Shares add up to each route's cost.
    EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_routes r WHERE r.plan_id IN " + plans +
                " AND r.cost_fen <> (SELECT SUM(cost_share_fen) FROM logistics_route_stops s WHERE s.route_id = "
                "r.route_id)"),
              0);
    // Loads, recomputed from the stops in order: start with every delivery, then swap at each stop.
    auto routes = conn().Prepare(
        "SELECT route_id, capacity_g, load_profile, max_load_g FROM logistics_routes "
        "WHERE plan_id IN " +
        plans + " ORDER BY route_id");
    auto stops = conn().Prepare(
        "SELECT delivery_g, pickup_g, load_after_g FROM logistics_route_stops WHERE route_id = ? ORDER BY seq");
    int checked = 0;
    std::vector<std::tuple<int64_t, int64_t, std::string, int64_t>> rows;
    while (routes->Step()) rows.emplace_back(routes->Int(0), routes->Int(1), routes->Text(2), routes->Int(3));
    for (const auto& [route, capacity, profile, max_load] : rows) {
      std::vector<std::pair<int64_t, int64_t>> swaps;
      std::vector<int64_t> after;
      stops->Bind(1, route);
      while (stops->Step()) {
        swaps.emplace_back(stops->Int(0), stops->Int(1));
        after.push_back(stops->Int(2));
      }
      int64_t load = 0;
      for (const auto& s : swaps) load += s.first;
      std::string expected = "[" + std::to_string(load);
      int64_t peak = load;
      EXPECT_LE(load, capacity) << "route " << route;
      for (size_t i = 0; i < swaps.size(); ++i) {
        load = load - swaps[i].first + swaps[i].second;
        EXPECT_LE(load, capacity) << "route " << route;
        EXPECT_EQ(after[i], load) << "route " << route;
        expected += "," + std::to_string(load);
        peak = std::max(peak, load);
      }
      EXPECT_EQ(profile, expected + "]") << "route " << route;
      EXPECT_EQ(max_load, peak);
      ++checked;
    }
    EXPECT_GT(checked, 0);
    // A village's route cost is the sum of its stops' shares on its station's routes.
    EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plan_villages v WHERE v.plan_id IN " + plans +
                " AND v.route_cost_fen <> COALESCE((SELECT SUM(s.cost_share_fen) FROM logistics_route_stops s JOIN "
                "logistics_routes r ON r.route_id = s.route_id WHERE s.plan_id = v.plan_id AND r.tier = 'station' AND "
                "s.region_code = v.village_code), 0)"),
              0);
    // The center's routes land on the villages in full: per plan, villages' center costs = center routes' cost.
    EXPECT_EQ(
        Q("SELECT COUNT(*) FROM logistics_plans p WHERE p.plan_id IN " + plans +
          " AND COALESCE((SELECT SUM(center_cost_fen) FROM logistics_plan_villages v WHERE v.plan_id = p.plan_id), "
          "0) <> COALESCE((SELECT SUM(cost_fen) FROM logistics_routes r WHERE r.plan_id = p.plan_id AND r.tier = "
          "'center'), 0)"),
        0);
    // Cost, revenue and margin.
    EXPECT_EQ(
        Q("SELECT COUNT(*) FROM logistics_plan_villages WHERE plan_id IN " + plans +
              " AND (cost_fen <> route_cost_fen + center_cost_fen OR revenue_fen <> parcels_in * ? + parcels_out * ? "
              "OR margin_fen <> revenue_fen - cost_fen OR breaks_even <> CASE WHEN margin_fen >= 0 THEN 1 ELSE 0 END)",
          {std::to_string(tariff_in), std::to_string(tariff_out)}),
        0);
    // The plan's villages are the villages with parcels that day, with their counts.
    EXPECT_EQ(
        Q("SELECT COUNT(*) FROM logistics_plan_villages v WHERE v.plan_id IN " + plans +
              " AND (v.parcels_in <> (SELECT COUNT(*) FROM logistics_parcels p WHERE p.village_code = v.village_code "
              "AND p.ready_on = ? AND p.direction = 'inbound') OR v.parcels_out <> (SELECT COUNT(*) FROM "
              "logistics_parcels p WHERE p.village_code = v.village_code AND p.ready_on = ? AND p.direction = "
              "'outbound'))",
          {date, date}),
        0);
    // Each village with parcels and an open point is on exactly one route (a
    // village split for its weight: on one to `parts` routes); the others on none.
    EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plan_villages v WHERE v.plan_id IN " + plans +
                " AND (SELECT COUNT(DISTINCT s.route_id) FROM logistics_route_stops s WHERE s.plan_id = v.plan_id AND "
                "s.region_code = v.village_code AND s.parts = 1) <> CASE WHEN v.served = 'route' AND NOT EXISTS "
                "(SELECT 1 FROM logistics_route_stops s WHERE s.plan_id = v.plan_id AND s.region_code = "
                "v.village_code AND s.parts > 1) THEN 1 ELSE 0 END"),
              0);
    EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plan_villages v WHERE v.plan_id IN " + plans +
                " AND v.served = 'route' AND (SELECT COUNT(*) FROM logistics_route_stops s JOIN logistics_routes r ON "
                "r.route_id = s.route_id WHERE r.plan_id = v.plan_id AND r.tier = 'station' AND s.region_code = "
                "v.village_code) <> (SELECT COALESCE(MAX(s.parts), 0) FROM logistics_route_stops s WHERE s.plan_id = "
                "v.plan_id AND s.region_code = v.village_code)"),
              0);
    EXPECT_EQ(
        Q("SELECT COUNT(*) FROM logistics_plan_villages v WHERE v.plan_id IN " + plans +
              " AND (v.served = 'route') <> EXISTS (SELECT 1 FROM logistics_facilities f WHERE f.tier = 'point' AND "
              "f.serves_region_code = v.village_code AND f.opened_on <= ?)",
          {date}),
        0);
  }
};

TEST_P(PlanServiceTest, ACountyPlanIsStoredAndItsEconomicsHold) {
  const int64_t audited =
      Q("SELECT COUNT(*) FROM audit_log WHERE action = 'logistics.plan' AND region_code = ?", {kDongxiang});
  PlanRequest request;
  request.date = kDate;
  request.region = kDongxiang;
  auto run = service_->Plan(Admin(), request);
  ASSERT_TRUE(run.ok()) << run.error().message;
  ASSERT_EQ(run->plans.size(), 1u);
  const StoredPlan& plan = run->plans[0];
  EXPECT_EQ(plan.header.scope, Scope::kCounty);
  EXPECT_EQ(plan.header.region_code, kDongxiang);
  EXPECT_GT(plan.totals.routes, 1);
  EXPECT_GT(plan.totals.villages, 10);
  ASSERT_NO_FATAL_FAILURE(CheckStored(kDate));
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_routes WHERE tier = 'center'"), 1);  // 0.01 scale: one truck tour
  EXPECT_EQ(Q("SELECT COUNT(*) FROM audit_log WHERE action = 'logistics.plan' AND region_code = ?", {kDongxiang}),
            audited + 1);

  // Read back as the service stores it.
  auto read = service_->Plans(Admin(), kDate, kDongxiang);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].totals.cost_fen, plan.totals.cost_fen);
  EXPECT_EQ((*read)[0].plan.routes.size(), plan.plan.routes.size());
  EXPECT_EQ((*read)[0].plan.villages.size(), plan.plan.villages.size());

  // Recomputing replaces it (another seed), leaving nothing of the first behind.
  request.seed = 2;
  auto again = service_->Plan(Admin(), request);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plans"), 1);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_routes WHERE plan_id <> ?", {std::to_string(again->plans[0].header.id)}),
            0);
  EXPECT_EQ(
      Q("SELECT COUNT(*) FROM logistics_route_stops WHERE plan_id <> ?", {std::to_string(again->plans[0].header.id)}),
      0);
  EXPECT_EQ(Q("SELECT seed FROM logistics_plans"), 2);
  ASSERT_NO_FATAL_FAILURE(CheckStored(kDate));

  // The same seed gives the same plan again.
  request.seed = 1;
  auto same = service_->Plan(Admin(), request);
  ASSERT_TRUE(same.ok()) << same.error().message;
  EXPECT_EQ(same->plans[0].totals.cost_fen, plan.totals.cost_fen);
  EXPECT_EQ(same->plans[0].totals.distance_m, plan.totals.distance_m);
  EXPECT_EQ(same->plans[0].totals.routes, plan.totals.routes);
}

TEST_P(PlanServiceTest, TheWholePrefectureAndAStationAlone) {
  PlanRequest request;
  request.date = "2020-12-30";
  auto run = service_->Plan(Admin(), request);  // "" = the prefecture
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->plans.size(), 8u);
  ASSERT_NO_FATAL_FAILURE(CheckStored("2020-12-30"));
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_routes WHERE tier = 'center'"), 8);

  // A station's own plan on a day without a county plan: its routes only, no
  // center tier, stored alone.
  PlanRequest station;
  station.date = "2020-12-29";
  station.station = kDaban;
  accounts::Principal op = As(Role::kStationOperator, kDaban);
  auto own = service_->Plan(Actor{&op, "", ""}, station);
  ASSERT_TRUE(own.ok()) << own.error().message;
  ASSERT_EQ(own->plans.size(), 1u);
  EXPECT_EQ(own->plans[0].header.scope, Scope::kStation);
  EXPECT_FALSE(own->plans[0].partial);
  for (const PlannedRoute& r : own->plans[0].plan.routes) EXPECT_EQ(r.tier, Tier::kStation);
  for (const PlannedVillage& v : own->plans[0].plan.villages) EXPECT_EQ(v.township_code, kDaban);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plans WHERE plan_date = '2020-12-29' AND scope = 'station'"), 1);
  // The station operator reads its station's plan.
  auto read = service_->Plans(Actor{&op, "", ""}, "2020-12-29", kDaban);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].header.scope, Scope::kStation);
  EXPECT_EQ((*read)[0].plan.routes.size(), own->plans[0].plan.routes.size());
}

TEST_P(PlanServiceTest, AnEmptyDayAndAnOverweightVillage) {
  PlanRequest empty;
  empty.date = "2030-06-01";
  empty.region = kDongxiang;
  auto run = service_->Plan(Admin(), empty);
  ASSERT_TRUE(run.ok()) << run.error().message;
  ASSERT_EQ(run->plans.size(), 1u);
  EXPECT_EQ(run->plans[0].totals.routes, 0);
  ASSERT_EQ(run->plans[0].plan.notes.size(), 1u);
  EXPECT_NE(run->plans[0].plan.notes[0].find("no parcels"), std::string::npos);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plans WHERE plan_date = '2030-06-01' AND note LIKE '%no parcels%'"), 1);

  // 1.9 t of purchases for one village with a point: more than the 800 kg van.
  const std::string village = [&] {
    auto st = conn().Prepare(
        "SELECT serves_region_code, county_code FROM logistics_facilities WHERE tier = 'point' "
        "AND county_code = ? ORDER BY serves_region_code");
    st->Bind(1, kDongxiang);
    std::string v;
    if (st->Step()) v = st->Text(0);
    st->Run();
    return v;
  }();
  ASSERT_FALSE(village.empty());
  const std::string township = tree_.Find(village)->parent_code;
  auto add = conn().Prepare(
      "INSERT INTO logistics_parcels (county_code, township_code, village_code, direction, "
      "weight_g, ready_on, delivery, synthetic) VALUES (?, ?, ?, 'inbound', ?, '2030-06-01', "
      "'point', 0)");
  for (int i = 0; i < 95; ++i) add->Bind(1, kDongxiang).Bind(2, township).Bind(3, village).Bind(4, 20'000).Run();
  run = service_->Plan(Admin(), empty);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plans WHERE plan_date = '2030-06-01'"), 1);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_route_stops s JOIN logistics_routes r ON r.route_id = s.route_id "
              "WHERE r.tier = 'station' AND s.region_code = ?",
              {village}),
            3);
  EXPECT_EQ(Q("SELECT SUM(s.delivery_g) FROM logistics_route_stops s JOIN logistics_routes r ON r.route_id = "
              "s.route_id WHERE r.tier = 'station' AND s.region_code = ?",
              {village}),
            95 * 20'000);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_route_stops WHERE delivery_g > 800000 AND region_code = ?", {village}),
            0);
  EXPECT_EQ(
      Q("SELECT COUNT(*) FROM logistics_plans WHERE plan_date = '2030-06-01' AND note LIKE '%split into 3 stops%'"), 1);
  EXPECT_EQ(Q("SELECT parcels_in FROM logistics_plan_villages WHERE village_code = ?", {village}), 95);
  ASSERT_NO_FATAL_FAILURE(CheckStored("2030-06-01"));
}

TEST_P(PlanServiceTest, WhoMayPlanAndRead) {
  PlanRequest county;
  county.date = kDate;
  county.region = kDongxiang;
  PlanRequest station;
  station.date = kDate;
  station.station = kDaban;
  struct Case {
    Role role;
    const char* grant;
    const PlanRequest* request;
    bool allowed;
  };
  const Case cases[] = {
      {Role::kCountyOperator, kDongxiang, &county, true},     {Role::kCountyOperator, kDongxiang, &station, true},
      {Role::kCountyOperator, kLinxiaCounty, &county, false}, {Role::kStationOperator, kDaban, &station, true},
      {Role::kStationOperator, kDaban, &county, false},       {Role::kStationOperator, "622926102000", &station, false},
      {Role::kOfficial, "622900000000", &county, false},      {Role::kOutletOperator, "622926101201", &station, false},
      {Role::kBuyer, "622900000000", &county, false},
  };
  for (const Case& c : cases) {
    accounts::Principal p = As(c.role, c.grant);
    auto run = service_->Plan(Actor{&p, "", ""}, *c.request);
    EXPECT_EQ(run.ok(), c.allowed) << accounts::RoleName(c.role) << " " << c.grant << " "
                                   << (run.ok() ? "" : run.error().message);
    if (!run.ok()) {
      EXPECT_EQ(run.error().code, ErrorCode::kPermissionDenied);
    }
  }
  struct Read {
    Role role;
    const char* grant;
    const char* region;
    bool allowed;
  };
  const Read reads[] = {
      {Role::kOfficial, "622900000000", kDongxiang, true}, {Role::kAuditor, "622900000000", "", true},
      {Role::kStationOperator, kDaban, kDaban, true},      {Role::kStationOperator, kDaban, kDongxiang, false},
      {Role::kOutletOperator, "622926101201", "", true},   {Role::kBuyer, "622900000000", "", false},
      {Role::kSupplier, "622926101201", "", false},        {Role::kCountyOperator, kLinxiaCounty, kDongxiang, false},
  };
  for (const Read& r : reads) {
    accounts::Principal p = As(r.role, r.grant);
    auto plans = service_->Plans(Actor{&p, "", ""}, kDate, r.region);
    EXPECT_EQ(plans.ok(), r.allowed) << accounts::RoleName(r.role) << " " << r.region;
    auto facilities = service_->Facilities(Actor{&p, "", ""}, r.region, "");
    EXPECT_EQ(facilities.ok(), r.allowed) << accounts::RoleName(r.role) << " " << r.region;
  }
  // Facilities inside the region asked for.
  accounts::Principal op = As(Role::kStationOperator, kDaban);
  auto mine = service_->Facilities(Actor{&op, "", ""}, "", "");
  ASSERT_TRUE(mine.ok());
  ASSERT_FALSE(mine->empty());
  for (const Facility& f : *mine) EXPECT_TRUE(tree_.Covers(kDaban, f.serves_region_code)) << f.name;
  auto all = service_->Facilities(Admin(), "", "2016-06-30");
  ASSERT_TRUE(all.ok());
  int stations = 0;
  for (const Facility& f : *all) stations += f.tier == Tier::kStation ? 1 : 0;
  EXPECT_LE(stations, 25);  // only those open by then
}

TEST_P(PlanServiceTest, BadInputIsNamedAndChangesNothing) {
  struct Case {
    PlanRequest request;
    ErrorCode code;
    const char* field;
  };
  auto req = [](const char* date, const char* station, const char* region) {
    PlanRequest r;
    r.date = date;
    r.station = station;
    r.region = region;
    return r;
  };
  const Case cases[] = {
      {req("2020-02-30", "", kDongxiang), ErrorCode::kInvalidArgument, "date"},
      {req("28/12/2020", "", kDongxiang), ErrorCode::kInvalidArgument, "date"},
      {req(kDate, "622926999000", ""), ErrorCode::kNotFound, ""},
      {req(kDate, "daban", ""), ErrorCode::kInvalidArgument, "station"},
      {req(kDate, kDongxiang, ""), ErrorCode::kInvalidArgument, "station"},  // a county is not a station
      {req(kDate, "622901001000", ""), ErrorCode::kNotFound, ""},            // an urban subdistrict: no station
      {req(kDate, "", "622926101201"), ErrorCode::kInvalidArgument, "region"},
      {req(kDate, "", "999999999999"), ErrorCode::kNotFound, ""},
      {req("2015-06-01", kDaban, ""), ErrorCode::kFailedPrecondition, ""},  // before any station opened
  };
  const int64_t audited = Q("SELECT COUNT(*) FROM audit_log WHERE action = 'logistics.plan'");
  for (const Case& c : cases) {
    auto run = service_->Plan(Admin(), c.request);
    ASSERT_FALSE(run.ok()) << c.request.date << " " << c.request.station << " " << c.request.region;
    EXPECT_EQ(run.error().code, c.code) << run.error().message;
    EXPECT_EQ(run.error().field, c.field) << run.error().message;
  }
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plans"), 0);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM audit_log WHERE action = 'logistics.plan'"), audited);
  auto read = service_->Plans(Admin(), "2020-13-01", "");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().field, "date");
}

INSTANTIATE_TEST_SUITE_P(Backends, PlanServiceTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::logistics
