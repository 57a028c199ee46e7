// The logistics demo (logistics/demo.h) at scale 0.01 on SQLite and
// PostgreSQL: the paper's network (8 centers, 124 stations, 560 points in
// registered poor villages, opened when the paper says), positions published
// or synthetic and then inside their county, and parcels that follow the
// marketplace's shipped orders and the households of each village.
#include <gtest/gtest.h>

#include "logistics/store.h"
#include "logistics_fixture.h"

namespace fupin::logistics {
namespace {

using fupin::testing::AllBackends;
using fupin::testing::BackendName;

class LogisticsDemoTest : public LogisticsDbTest {};

TEST_P(LogisticsDemoTest, ThePapersNetwork) {
  EXPECT_EQ(summary_.centers, 8);
  EXPECT_EQ(summary_.stations, 124);
  EXPECT_EQ(summary_.points, 560);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_facilities WHERE tier = 'center'"), 8);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_facilities WHERE tier = 'station'"), 124);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_facilities WHERE tier = 'point'"), 560);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_facilities WHERE synthetic <> 1"), 0);
  // The paper's dates: 8 centers and 25 stations in 2016, 214 new points in 2018.
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_facilities WHERE tier = 'center' AND opened_on < '2017'"), 8);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_facilities WHERE tier = 'station' AND opened_on < '2017'"), 25);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_facilities WHERE tier = 'station' AND opened_on >= '2019'"), 0);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_facilities WHERE tier = 'point' AND opened_on LIKE '2018-%'"), 214);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_facilities WHERE tier = 'point' AND opened_on LIKE '2017-%'"), 346);

  std::vector<Facility> all = LoadFacilities(conn(), "");
  std::map<int64_t, const Facility*> by_id;
  for (const Facility& f : all) by_id[f.id] = &f;
  std::set<std::string> counties;
  for (const Facility& f : all) {
    SCOPED_TRACE(f.name);
    const regions::Region* at = tree_.Find(f.region_code);
    ASSERT_NE(at, nullptr);
    EXPECT_TRUE(tree_.Covers(f.county_code, f.region_code));
    switch (f.tier) {
      case Tier::kCenter:
        EXPECT_EQ(f.serves_region_code, f.county_code);
        EXPECT_EQ(at->level, regions::Level::kTownship);
        EXPECT_FALSE(f.parent_id.has_value());
        counties.insert(f.county_code);
        break;
      case Tier::kStation: {
        EXPECT_EQ(f.serves_region_code, f.region_code);
        EXPECT_EQ(at->level, regions::Level::kTownship);
        EXPECT_NE(at->kind, "subdistrict");
        ASSERT_TRUE(f.parent_id && by_id.count(*f.parent_id));
        const Facility& center = *by_id[*f.parent_id];
        EXPECT_EQ(center.tier, Tier::kCenter);
        EXPECT_EQ(center.county_code, f.county_code);
        EXPECT_LE(center.opened_on, f.opened_on);
        break;
      }
      case Tier::kPoint: {
        EXPECT_EQ(f.serves_region_code, f.region_code);
        EXPECT_TRUE(at->IsAdministrativeVillage());
        // Only in registered poor villages.
        EXPECT_EQ(Q("SELECT COUNT(*) FROM village_years WHERE village_code = ? AND year = 2018 "
                    "AND status IN ('poor', 'exited')",
                    {f.region_code}),
                  1);
        ASSERT_TRUE(f.parent_id && by_id.count(*f.parent_id));
        const Facility& station = *by_id[*f.parent_id];
        EXPECT_EQ(station.tier, Tier::kStation);
        EXPECT_EQ(station.serves_region_code, at->parent_code);
        EXPECT_LE(station.opened_on, f.opened_on);
        break;
      }
    }
  }
  EXPECT_EQ(counties.size(), 8u);
  // One station per town and township.
  EXPECT_EQ(Q("SELECT COUNT(DISTINCT serves_region_code) FROM logistics_facilities WHERE tier = 'station'"), 124);
  EXPECT_EQ(Q("SELECT COUNT(DISTINCT serves_region_code) FROM logistics_facilities WHERE tier = 'point'"), 560);
  // Spread by each county's share of the poor villages: every county has points.
  EXPECT_EQ(Q("SELECT COUNT(DISTINCT county_code) FROM logistics_facilities WHERE tier = 'point'"), 8);

  // Building it again is refused and changes nothing.
  auto again = BuildDemo(conn(), DemoOptions{});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_facilities"), 8 + 124 + 560);
}

TEST_P(LogisticsDemoTest, PositionsArePublishedOrSyntheticInsideTheirCounty) {
  EXPECT_EQ(Q("SELECT COUNT(*) FROM region_positions"), Q("SELECT COUNT(*) FROM regions WHERE level <> 'prefecture'"));
  EXPECT_GT(summary_.positions_synthetic, 1000);
  EXPECT_EQ(summary_.positions_published + summary_.positions_synthetic, Q("SELECT COUNT(*) FROM region_positions"));
  // Published positions are the regions' published coordinates, unchanged.
  EXPECT_EQ(Q("SELECT COUNT(*) FROM region_positions p JOIN regions r ON r.code = p.code WHERE p.source = "
              "'published' AND (r.lon_e6 <> p.lon_e6 OR r.lat_e6 <> p.lat_e6 OR r.coord_source LIKE 'demo:%')"),
            0);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM region_positions WHERE source = 'synthetic' AND note NOT LIKE '%synthetic%'"), 0);
  for (const regions::Region* county : tree_.Children(tree_.Root()->code)) {
    SCOPED_TRACE(county->code);
    const int64_t min_lon =
        Q("SELECT MIN(lon_e6) FROM region_positions WHERE county_code = ? AND source = 'published'", {county->code}) -
        kCountyBoxMarginE6;
    const int64_t max_lon =
        Q("SELECT MAX(lon_e6) FROM region_positions WHERE county_code = ? AND source = 'published'", {county->code}) +
        kCountyBoxMarginE6;
    const int64_t min_lat =
        Q("SELECT MIN(lat_e6) FROM region_positions WHERE county_code = ? AND source = 'published'", {county->code}) -
        kCountyBoxMarginE6;
    const int64_t max_lat =
        Q("SELECT MAX(lat_e6) FROM region_positions WHERE county_code = ? AND source = 'published'", {county->code}) +
        kCountyBoxMarginE6;
    EXPECT_GT(Q("SELECT COUNT(*) FROM region_positions WHERE county_code = ? AND source = 'synthetic'", {county->code}),
              0);
    EXPECT_EQ(Q("SELECT COUNT(*) FROM region_positions WHERE county_code = ? AND source = 'synthetic' AND "
                "(lon_e6 < ? OR lon_e6 > ? OR lat_e6 < ? OR lat_e6 > ?)",
                {county->code, std::to_string(min_lon), std::to_string(max_lon), std::to_string(min_lat),
                 std::to_string(max_lat)}),
              0);
  }
  // Facilities stand where their region is, and say where the position came from.
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_facilities f JOIN region_positions p ON p.code = f.region_code "
              "WHERE p.lon_e6 <> f.lon_e6 OR p.lat_e6 <> f.lat_e6 OR p.source <> f.position_source"),
            0);
  EXPECT_GT(Q("SELECT COUNT(*) FROM logistics_facilities WHERE position_source = 'synthetic'"), 400);
}

TEST_P(LogisticsDemoTest, ParcelsFollowShippedOrdersAndHouseholds) {
  EXPECT_EQ(summary_.inbound_from, "2020-12-25");
  EXPECT_EQ(summary_.inbound_to, "2020-12-31");
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_parcels WHERE direction = 'inbound'"), summary_.inbound_parcels);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_parcels WHERE direction = 'outbound'"), summary_.outbound_parcels);
  // About 0.3 parcels per household a week (9,000 households at this scale).
  EXPECT_GT(summary_.inbound_parcels, 2000);
  EXPECT_LT(summary_.inbound_parcels, 3500);
  EXPECT_GT(summary_.outbound_parcels, 20);
  EXPECT_GT(summary_.freight_shipments, 20);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_parcels WHERE direction = 'inbound' AND "
              "(ready_on < '2020-12-25' OR ready_on > '2020-12-31' OR order_id IS NOT NULL OR delivery IS NULL)"),
            0);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_parcels WHERE synthetic <> 1 OR weight_g <= 0 OR weight_g > 30000"), 0);
  // Every parcel's township and county are its village's.
  EXPECT_EQ(
      Q("SELECT COUNT(*) FROM logistics_parcels p JOIN regions v ON v.code = p.village_code "
        "JOIN regions t ON t.code = v.parent_code WHERE t.code <> p.township_code OR t.parent_code <> p.county_code"),
      0);
  // Outbound: from the village of an outlet whose lots the order took, of an order that shipped.
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_parcels p WHERE direction = 'outbound' AND (delivery IS NOT NULL OR "
              "NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = p.order_id AND e.state = 'shipped') OR "
              "NOT EXISTS (SELECT 1 FROM order_lines l JOIN allocations a ON a.line_id = l.line_id JOIN lots lo ON "
              "lo.lot_id = a.lot_id JOIN outlets o ON o.outlet_id = lo.outlet_id WHERE l.order_id = p.order_id AND "
              "o.village_code = p.village_code))"),
            0);
  // A shipment is lighter than freight and weighs what the order's lots from that village weigh.
  EXPECT_EQ(Q("SELECT COUNT(*) FROM (SELECT p.order_id, p.village_code, SUM(p.weight_g) AS w FROM logistics_parcels p "
              "WHERE direction = 'outbound' GROUP BY p.order_id, p.village_code) s WHERE s.w >= 100000 OR s.w <> "
              "(SELECT SUM(a.quantity) * 1000 FROM order_lines l JOIN allocations a ON a.line_id = l.line_id "
              "JOIN lots lo ON lo.lot_id = a.lot_id JOIN outlets o ON o.outlet_id = lo.outlet_id "
              "WHERE l.order_id = s.order_id AND o.village_code = s.village_code)"),
            0);
  // Inbound parcels go where the households are.
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_parcels p WHERE direction = 'inbound' AND NOT EXISTS "
              "(SELECT 1 FROM household_years h WHERE h.village_code = p.village_code AND h.year = 2020)"),
            0);
}

INSTANTIATE_TEST_SUITE_P(Backends, LogisticsDemoTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::logistics
