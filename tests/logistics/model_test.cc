// The pure rules of logistics (logistics/model.h): dates, configuration,
// route cost, cost shares, splitting an overweight stop, the load along a
// tour, and a village's economics with the break-even advice.
#include "logistics/model.h"

#include <numeric>

#include <gtest/gtest.h>

namespace fupin::logistics {
namespace {

TEST(LogisticsDateTest, ParsesRealDatesAndNamesTheFieldOtherwise) {
  struct Case {
    const char* text;
    bool ok;
  };
  const Case cases[] = {
      {"2020-12-28", true},  {"2020-02-29", true},  {"2019-02-29", false}, {"2020-13-01", false},
      {"2020-00-10", false}, {"2020-04-31", false}, {"2020-4-1", false},   {"20201228", false},
      {"", false},           {"2020-12-2x", false}, {"1899-12-31", false}, {"2000-02-29", true},
  };
  for (const Case& c : cases) {
    Result<int64_t> d = ParseDate(c.text, "date");
    EXPECT_EQ(d.ok(), c.ok) << c.text;
    if (d.ok()) {
      EXPECT_EQ(FormatDate(*d), c.text);
    } else {
      EXPECT_EQ(d.error().field, "date");
      EXPECT_EQ(d.error().code, ErrorCode::kInvalidArgument);
    }
  }
  EXPECT_EQ(*ParseDate("1970-01-01", "d"), 0);
  EXPECT_EQ(*ParseDate("2021-01-01", "d") - *ParseDate("2020-12-25", "d"), 7);
}

TEST(LogisticsConfigTest, SetsKnownKeysWithinRange) {
  Config c;
  EXPECT_TRUE(SetConfig(c, "van_capacity_g", "500000").ok());
  EXPECT_EQ(c.van_capacity_g, 500000);
  EXPECT_EQ(ConfigValue(c, "van_capacity_g"), "500000");
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{{"van_capacity_g", "0"},
                                                                                   {"runs_per_week", "8"},
                                                                                   {"speed_kmh", "fast"},
                                                                                   {"detour_permille", "900"},
                                                                                   {"tariff_inbound_fen", "-1"},
                                                                                   {"tariff_inbound_fen", "1.5"},
                                                                                   {"no_such_key", "1"}}) {
    Status s = SetConfig(c, key, value);
    ASSERT_FALSE(s.ok()) << key << "=" << value;
    EXPECT_EQ(s.error().field, key);
  }
  EXPECT_EQ(c.van_capacity_g, 500000);  // unchanged by the refusals
  // Every key has a value and a description.
  for (const ConfigKey& k : ConfigKeys()) {
    EXPECT_FALSE(ConfigValue(Config{}, k.key).empty()) << k.key;
    EXPECT_GT(std::string(k.description).size(), 10u) << k.key;
  }
}

TEST(LogisticsCostTest, RouteCostIsFixedPlusDistancePlusTime) {
  Config c;
  c.fixed_cost_per_route_fen = 2000;
  c.cost_per_km_fen = 150;
  c.cost_per_hour_fen = 2500;
  EXPECT_EQ(RouteCostFen(c, 0, 0), 2000);
  EXPECT_EQ(RouteCostFen(c, 10'000, 3600), 2000 + 1500 + 2500);
  EXPECT_EQ(RouteCostFen(c, 1'003, 0), 2000 + 150);  // 150.45 rounds to 150
  EXPECT_EQ(RouteCostFen(c, 1'004, 0), 2000 + 151);  // 150.6 rounds to 151
  EXPECT_EQ(RouteCostFen(c, 0, 1800), 2000 + 1250);
}

TEST(LogisticsCostTest, SharesAddUpAndFollowTheRoundTrips) {
  const std::vector<std::pair<int64_t, std::vector<int64_t>>> cases = {
      {10000, {1000, 1000, 2000}}, {7, {1, 1, 1}}, {0, {5, 6}}, {12345, {0, 0, 0}}, {100, {0, 300}}, {999, {7}}};
  for (const auto& [cost, trips] : cases) {
    std::vector<int64_t> shares = ShareCost(cost, trips);
    ASSERT_EQ(shares.size(), trips.size());
    EXPECT_EQ(std::accumulate(shares.begin(), shares.end(), int64_t{0}), cost);
  }
  EXPECT_EQ(ShareCost(10000, {1000, 1000, 2000}), (std::vector<int64_t>{2500, 2500, 5000}));
  EXPECT_EQ(ShareCost(9, {0, 0, 0}), (std::vector<int64_t>{3, 3, 3}));  // all at the depot: equal
  EXPECT_EQ(ShareCost(100, {0, 300}), (std::vector<int64_t>{0, 100}));
}

TEST(LogisticsSplitTest, AStopHeavierThanTheVehicleBecomesSeveralThatFit) {
  struct Case {
    Part whole;
    int64_t capacity;
    size_t parts;
  };
  const Case cases[] = {
      {{500, 200, 5, 2, 1}, 800, 1},   {{800, 800, 8, 8, 0}, 800, 1},   {{801, 0, 9, 0, 3}, 800, 2},
      {{2000, 100, 40, 1, 7}, 800, 3}, {{100, 2500, 1, 25, 0}, 800, 4}, {{0, 0, 0, 0, 0}, 800, 1},
  };
  for (const Case& c : cases) {
    std::vector<Part> parts = SplitForCapacity(c.whole, c.capacity);
    ASSERT_EQ(parts.size(), c.parts) << c.whole.delivery_g << "/" << c.whole.pickup_g;
    Part sum;
    for (const Part& p : parts) {
      EXPECT_LE(p.delivery_g, c.capacity);
      EXPECT_LE(p.pickup_g, c.capacity);
      sum.delivery_g += p.delivery_g;
      sum.pickup_g += p.pickup_g;
      sum.parcels_in += p.parcels_in;
      sum.parcels_out += p.parcels_out;
      sum.door_parcels += p.door_parcels;
    }
    EXPECT_EQ(sum.delivery_g, c.whole.delivery_g);
    EXPECT_EQ(sum.pickup_g, c.whole.pickup_g);
    EXPECT_EQ(sum.parcels_in, c.whole.parcels_in);
    EXPECT_EQ(sum.parcels_out, c.whole.parcels_out);
    EXPECT_EQ(sum.door_parcels, c.whole.door_parcels);
  }
}

TEST(LogisticsLoadTest, ProfileStartsWithEveryDeliveryAndSwapsAtEachStop) {
  EXPECT_EQ(LoadProfile({300, 200, 100}, {0, 500, 50}), (std::vector<int64_t>{600, 300, 600, 550}));
  EXPECT_EQ(LoadProfile({}, {}), (std::vector<int64_t>{0}));
  EXPECT_EQ(LoadProfile({0, 0}, {10, 20}), (std::vector<int64_t>{0, 10, 30}));
}

TEST(LogisticsEconomicsTest, MarginAndBreakEvenAdvice) {
  Config c;
  c.tariff_inbound_fen = 150;
  c.tariff_outbound_fen = 300;
  c.runs_per_week = 7;
  struct Case {
    VillageMoney v;
    int64_t revenue, margin, cost_per_parcel, revenue_per_parcel;
    bool even;
    int64_t parcels_per_run, runs_per_week;
  };
  const Case cases[] = {
      // 10 in + 2 out = 2,100 fen against 1,500: breaks even, no advice.
      {{10, 2, 1500}, 2100, 600, 125, 175, true, 0, 0},
      // 4 in = 600 fen against 3,000: needs 20 parcels a run; 7 × 600 / 3,000 = 1.4 → 1 run a week.
      {{4, 0, 3000}, 600, -2400, 750, 150, false, 20, 1},
      // 1 in = 150 against 2,000: not even a weekly run (7 × 150 < 2,000): 0 runs; 14 parcels a run.
      {{1, 0, 2000}, 150, -1850, 2000, 150, false, 14, 0},
      // 6 in + 1 out = 1,200 against 1,300: 7 × 1,200 / 1,300 = 6.46 → 6 runs; 7 × 1,300 / 1,200 → 8 parcels.
      {{6, 1, 1300}, 1200, -100, 186, 171, false, 8, 6},
      // Exactly even.
      {{2, 0, 300}, 300, 0, 150, 150, true, 0, 0},
  };
  for (const Case& k : cases) {
    Economics e = VillageEconomics(c, k.v);
    SCOPED_TRACE(k.v.cost_fen);
    EXPECT_EQ(e.parcels, k.v.parcels_in + k.v.parcels_out);
    EXPECT_EQ(e.revenue_fen, k.revenue);
    EXPECT_EQ(e.margin_fen, k.margin);
    EXPECT_EQ(e.margin_fen, e.revenue_fen - k.v.cost_fen);
    EXPECT_EQ(e.cost_per_parcel_fen, k.cost_per_parcel);
    EXPECT_EQ(e.revenue_per_parcel_fen, k.revenue_per_parcel);
    EXPECT_EQ(e.breaks_even, k.even);
    EXPECT_EQ(e.break_even_parcels_per_run, k.parcels_per_run);
    EXPECT_EQ(e.break_even_runs_per_week, k.runs_per_week);
  }
  // Runs every other day today: the day's parcels are two days' worth.
  c.runs_per_week = 3;
  Economics e = VillageEconomics(c, {4, 0, 1000});  // 600 against 1,000: 3 × 600 / 1,000 = 1.8 → 1
  EXPECT_EQ(e.break_even_runs_per_week, 1);
}

TEST(LogisticsFacilityTest, OpenBetweenOpeningAndClosing) {
  Facility f;
  f.opened_on = "2017-05-01";
  EXPECT_FALSE(f.OpenOn("2017-04-30"));
  EXPECT_TRUE(f.OpenOn("2017-05-01"));
  EXPECT_TRUE(f.OpenOn("2020-12-31"));
  f.closed_on = "2019-01-01";
  EXPECT_TRUE(f.OpenOn("2018-12-31"));
  EXPECT_FALSE(f.OpenOn("2019-01-01"));
}

}  // namespace
}  // namespace fupin::logistics
