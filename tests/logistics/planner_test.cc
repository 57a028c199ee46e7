// The daily plan as plain data (logistics/planner.h), on small made-up
// counties: every village with a point and parcels on exactly one tour, the
// loads recomputed from the stops within the capacity everywhere, the cost
// shares adding up to each route's cost, a village's cost and margin
// recomputed independently, an overweight village split, an empty day, a
// county without its center, bad input, the same plan for the same seed, a
// run stopped by the clock, the road matrix, and a station's plan merged into
// its county's.
#include "logistics/planner.h"

#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>

namespace fupin::logistics {
namespace {

// Around 达板镇 (Dongxiang): the station at the origin, villages a few km off.
constexpr int64_t kLon = 103'400'000;
constexpr int64_t kLat = 35'600'000;

VillageDay Village(const std::string& code, int64_t in, int64_t out, int64_t kg_in, int64_t kg_out, int64_t dlon,
                   int64_t dlat, bool point, int64_t facility_id) {
  VillageDay v;
  v.village_code = code;
  v.township_code = "622926101000";
  v.parcels_in = in;
  v.parcels_out = out;
  v.weight_in_g = kg_in * 1000;
  v.weight_out_g = kg_out * 1000;
  if (point) v.point = Site{facility_id, code, kLon + dlon, kLat + dlat};
  return v;
}

CountyDay SmallCounty() {
  CountyDay day;
  day.county_code = "622926000000";
  day.center = Site{1, "622926100000", kLon - 150'000, kLat - 100'000};
  StationDay s;
  s.station = Site{10, "622926101000", kLon, kLat};
  s.villages = {
      Village("622926101201", 12, 2, 40, 30, 30'000, 10'000, true, 101),
      Village("622926101202", 8, 0, 25, 0, -20'000, 25'000, true, 102),
      Village("622926101203", 3, 1, 6, 10, 50'000, -30'000, true, 103),
      Village("622926101204", 5, 0, 12, 0, 0, 0, false, 0),  // no point: fetches from the station
  };
  day.stations.push_back(s);
  StationDay t;
  t.station = Site{11, "622926102000", kLon + 80'000, kLat + 40'000};
  t.villages = {Village("622926102201", 20, 4, 60, 50, 10'000, 5'000, true, 201)};
  t.villages[0].township_code = "622926102000";
  t.villages[0].point->lon_e6 = kLon + 90'000;
  t.villages[0].point->lat_e6 = kLat + 45'000;
  day.stations.push_back(t);
  return day;
}

PlanOptions Fast() {
  PlanOptions o;
  o.seed = 7;
  o.max_idle_iterations = 500;
  return o;
}

// Checks what must hold of any plan, recomputing from the stops.
void CheckPlan(const CountyDay& day, const CountyPlan& plan, const Config& config) {
  std::map<std::string, int> visits;  // village → routes it appears on
  std::map<std::string, int64_t> route_cost;
  std::map<int64_t, int64_t> center_share;
  for (const PlannedRoute& r : plan.routes) {
    SCOPED_TRACE(r.depot_region_code + " route " + std::to_string(r.seq));
    ASSERT_FALSE(r.stops.empty());
    int64_t load = 0, delivery = 0, pickup = 0, shares = 0;
    for (const PlannedStop& s : r.stops) load += s.delivery_g;
    ASSERT_EQ(r.load_profile_g.size(), r.stops.size() + 1);
    EXPECT_EQ(r.load_profile_g[0], load);
    EXPECT_LE(load, r.capacity_g);
    int64_t distance = 0;
    std::set<std::string> here;
    for (size_t i = 0; i < r.stops.size(); ++i) {
      const PlannedStop& s = r.stops[i];
      load = load - s.delivery_g + s.pickup_g;
      EXPECT_EQ(s.load_after_g, load);
      EXPECT_EQ(r.load_profile_g[i + 1], load);
      EXPECT_LE(load, r.capacity_g);
      EXPECT_GE(load, 0);
      delivery += s.delivery_g;
      pickup += s.pickup_g;
      shares += s.cost_share_fen;
      distance += s.distance_from_prev_m;
      here.insert(s.region_code);
      if (r.tier == Tier::kStation) route_cost[s.region_code] += s.cost_share_fen;
      if (r.tier == Tier::kCenter) center_share[s.facility_id] += s.cost_share_fen;
    }
    for (const std::string& v : here) ++visits[v];
    EXPECT_GT(r.distance_m, distance);  // and back to the depot
    EXPECT_EQ(r.delivery_g, delivery);
    EXPECT_EQ(r.pickup_g, pickup);
    EXPECT_EQ(shares, r.cost_fen);
    EXPECT_EQ(r.cost_fen, RouteCostFen(config, r.distance_m, r.duration_s));
  }
  std::map<std::string, const PlannedVillage*> villages;
  for (const PlannedVillage& v : plan.villages) villages[v.village_code] = &v;
  for (const StationDay& s : day.stations) {
    int64_t station_center = 0;
    for (const VillageDay& v : s.villages) {
      ASSERT_TRUE(villages.count(v.village_code)) << v.village_code;
      const PlannedVillage& p = *villages[v.village_code];
      EXPECT_EQ(p.served, v.point ? Served::kRoute : Served::kFetch) << v.village_code;
      EXPECT_EQ(visits[v.village_code], v.point ? 1 : 0) << v.village_code;
      EXPECT_EQ(p.route_cost_fen, route_cost[v.village_code]) << v.village_code;
      EXPECT_EQ(p.cost_fen, p.route_cost_fen + p.center_cost_fen);
      int64_t revenue = v.parcels_in * config.tariff_inbound_fen + v.parcels_out * config.tariff_outbound_fen;
      EXPECT_EQ(p.economics.revenue_fen, revenue);
      EXPECT_EQ(p.economics.margin_fen, revenue - p.cost_fen);
      station_center += p.center_cost_fen;
    }
    EXPECT_EQ(station_center, center_share[s.station.facility_id]) << s.station.region_code;
  }
}

TEST(PlannerTest, ToursCoverEveryPointVillageOnceWithinCapacity) {
  Config config;
  CountyDay day = SmallCounty();
  auto plans = PlanCounties({day}, config, Fast());
  ASSERT_TRUE(plans.ok()) << plans.error().message;
  ASSERT_EQ(plans->size(), 1u);
  const CountyPlan& plan = plans->front();
  CheckPlan(day, plan, config);
  EXPECT_EQ(plan.villages.size(), 5u);
  int center_routes = 0;
  for (const PlannedRoute& r : plan.routes) center_routes += r.tier == Tier::kCenter ? 1 : 0;
  EXPECT_EQ(center_routes, 1);  // 0.4 t for two stations: one truck tour
  EXPECT_TRUE(plan.notes.empty());
  // Totals agree with the parts.
  PlanTotals t = Totals(plan);
  EXPECT_EQ(t.parcels_in, 12 + 8 + 3 + 5 + 20);
  EXPECT_EQ(t.parcels_out, 2 + 0 + 1 + 0 + 4);
  int64_t villages_cost = 0;
  for (const PlannedVillage& v : plan.villages) villages_cost += v.cost_fen;
  EXPECT_EQ(villages_cost, t.cost_fen);  // every route's cost lands on a village
}

TEST(PlannerTest, AnOverweightVillageIsSplitIntoStopsThatFit) {
  Config config;
  config.van_capacity_g = 800'000;
  CountyDay day = SmallCounty();
  day.stations[0].villages[0].weight_in_g = 2'000'000;  // 2 t for an 800 kg van
  day.stations[0].villages[0].weight_out_g = 100'000;
  auto plans = PlanCounties({day}, config, Fast());
  ASSERT_TRUE(plans.ok()) << plans.error().message;
  const CountyPlan& plan = plans->front();
  int parts = 0;
  int64_t delivered = 0;
  for (const PlannedRoute& r : plan.routes) {
    for (const PlannedStop& s : r.stops) {
      if (r.tier != Tier::kStation || s.region_code != "622926101201") continue;
      ++parts;
      delivered += s.delivery_g;
      EXPECT_EQ(s.parts, 3);
      EXPECT_LE(s.delivery_g, config.van_capacity_g);
    }
  }
  EXPECT_EQ(parts, 3);
  EXPECT_EQ(delivered, 2'000'000);
  ASSERT_FALSE(plan.notes.empty());
  EXPECT_NE(plan.notes.front().find("split into 3 stops"), std::string::npos) << plan.notes.front();
  // Everything else still holds (each part on one tour; the village once per tour at most).
  for (const PlannedRoute& r : plan.routes) {
    int64_t load = r.load_profile_g.front();
    EXPECT_LE(load, r.capacity_g);
    for (const PlannedStop& s : r.stops) {
      load = load - s.delivery_g + s.pickup_g;
      EXPECT_LE(load, r.capacity_g);
    }
  }
  // The station's 2.1 t is more than a 3 t truck's? No: 2.1 t + the rest fits; a
  // heavier one splits on the center tier too.
  config.truck_capacity_g = 1'000'000;
  plans = PlanCounties({day}, config, Fast());
  ASSERT_TRUE(plans.ok()) << plans.error().message;
  int center_stops_for_daban = 0;
  for (const PlannedRoute& r : plans->front().routes) {
    for (const PlannedStop& s : r.stops) {
      if (r.tier == Tier::kCenter && s.facility_id == 10) ++center_stops_for_daban;
    }
  }
  EXPECT_GE(center_stops_for_daban, 3);
}

TEST(PlannerTest, AnEmptyDayGivesNoRoutesAndSaysSo) {
  CountyDay day;
  day.county_code = "622926000000";
  day.center = Site{1, "622926100000", kLon, kLat};
  auto plans = PlanCounties({day}, Config{}, Fast());
  ASSERT_TRUE(plans.ok()) << plans.error().message;
  EXPECT_TRUE(plans->front().routes.empty());
  EXPECT_TRUE(plans->front().villages.empty());
  ASSERT_EQ(plans->front().notes.size(), 1u);
  EXPECT_NE(plans->front().notes[0].find("no parcels"), std::string::npos);
}

TEST(PlannerTest, WithoutACenterOrAStationVillagesStillGetTheirEconomics) {
  CountyDay day = SmallCounty();
  day.center.reset();
  day.without_station.push_back(Village("622926103201", 4, 1, 8, 5, 0, 0, false, 0));
  day.without_station.back().township_code = "622926103000";
  auto plans = PlanCounties({day}, Config{}, Fast());
  ASSERT_TRUE(plans.ok()) << plans.error().message;
  const CountyPlan& plan = plans->front();
  for (const PlannedRoute& r : plan.routes) EXPECT_EQ(r.tier, Tier::kStation);
  ASSERT_FALSE(plan.notes.empty());
  EXPECT_NE(plan.notes[0].find("no county center"), std::string::npos) << plan.notes[0];
  const PlannedVillage* fetched = nullptr;
  for (const PlannedVillage& v : plan.villages) {
    if (v.village_code == "622926103201") fetched = &v;
  }
  ASSERT_NE(fetched, nullptr);
  EXPECT_EQ(fetched->served, Served::kFetch);
  EXPECT_EQ(fetched->cost_fen, 0);
  EXPECT_EQ(fetched->economics.revenue_fen, 4 * 150 + 1 * 300);
}

TEST(PlannerTest, TheSameSeedGivesTheSamePlan) {
  CountyDay day = SmallCounty();
  // More villages, so that tours can differ.
  for (int i = 0; i < 12; ++i) {
    std::string code = "6229261012" + std::to_string(10 + i);
    day.stations[0].villages.push_back(Village(code, 3 + i, i % 3, 20 + 7 * i, 5 * (i % 4),
                                               (i * 7919) % 60'000 - 30'000, (i * 104'729) % 50'000 - 25'000, true,
                                               300 + i));
  }
  PlanOptions options = Fast();
  options.threads = 2;
  auto a = PlanCounties({day, day}, Config{}, options);
  options.threads = 1;
  auto b = PlanCounties({day, day}, Config{}, options);
  ASSERT_TRUE(a.ok() && b.ok());
  for (size_t c = 0; c < 2; ++c) {
    const CountyPlan& x = (*a)[c];
    const CountyPlan& y = (*b)[c];
    ASSERT_EQ(x.routes.size(), y.routes.size());
    for (size_t i = 0; i < x.routes.size(); ++i) {
      EXPECT_EQ(x.routes[i].cost_fen, y.routes[i].cost_fen);
      ASSERT_EQ(x.routes[i].stops.size(), y.routes[i].stops.size());
      for (size_t k = 0; k < x.routes[i].stops.size(); ++k) {
        EXPECT_EQ(x.routes[i].stops[k].region_code, y.routes[i].stops[k].region_code);
      }
    }
    CheckPlan(day, x, Config{});
  }
}

TEST(PlannerTest, ARunStoppedByTheClockSaysSo) {
  CountyDay day = SmallCounty();
  PlanOptions options = Fast();
  auto plans = PlanCounties({day}, Config{}, options);
  ASSERT_TRUE(plans.ok()) << plans.error().message;
  for (const std::string& n : plans->front().notes) EXPECT_EQ(n.find("safety limit"), std::string::npos) << n;
  options.time_limit_s = 0;  // every run with a choice to make stops on the clock
  plans = PlanCounties({day}, Config{}, options);
  ASSERT_TRUE(plans.ok()) << plans.error().message;
  CheckPlan(day, plans->front(), Config{});
  std::set<std::string> regions;
  for (const std::string& n : plans->front().notes) {
    if (n.find("stopped on its 0 s safety limit") != std::string::npos) regions.insert(std::string(NoteRegion(n)));
  }
  // Daban's station (3 villages with a point) and the center (2 stations); the
  // other station's single village needs no search.
  EXPECT_EQ(regions, (std::set<std::string>{"622926101000", "622926000000"}));
}

TEST(PlannerTest, NotesStartWithTheRegionTheyConcern) {
  EXPECT_EQ(NoteRegion("622926101201: split into 3 stops"), "622926101201");
  EXPECT_EQ(NoteRegion("62292610120: short"), "");
  EXPECT_EQ(NoteRegion("62292610120x: not digits"), "");
  EXPECT_EQ(NoteRegion("622926101201 without a colon"), "");
  EXPECT_EQ(NoteRegion(""), "");
  CountyDay day = SmallCounty();
  day.center.reset();
  day.stations[0].villages[0].weight_in_g = 2'000'000;
  auto plans = PlanCounties({day}, Config{}, Fast());
  ASSERT_TRUE(plans.ok()) << plans.error().message;
  ASSERT_EQ(plans->front().notes.size(), 2u);
  for (const std::string& n : plans->front().notes) EXPECT_FALSE(NoteRegion(n).empty()) << n;
}

// Road legs between Daban's station and its three points: 1 km per step of
// their order, a little longer one way than the other.
RoadMatrix DabanRoads() {
  const std::vector<std::string> places = {"622926101000", "622926101201", "622926101202", "622926101203"};
  RoadMatrix roads;
  for (size_t i = 0; i < places.size(); ++i) {
    for (size_t j = 0; j < places.size(); ++j) {
      if (i == j) continue;
      int64_t metres = 1000 * static_cast<int64_t>(i > j ? i - j : j - i) + (i < j ? 7 : 0);
      roads[{places[i], places[j]}] = RoadLeg{metres, metres / 10};
    }
  }
  return roads;
}

TEST(PlannerTest, ATourUsesTheRoadMatrixWhenItHasEveryLeg) {
  CountyDay day = SmallCounty();
  day.roads = DabanRoads();
  auto plans = PlanCounties({day}, Config{}, Fast());
  ASSERT_TRUE(plans.ok()) << plans.error().message;
  CheckPlan(day, plans->front(), Config{});
  int on_road = 0;
  for (const PlannedRoute& r : plans->front().routes) {
    SCOPED_TRACE(r.depot_region_code);
    if (r.tier != Tier::kStation || r.depot_region_code != "622926101000") {
      EXPECT_EQ(r.distance_source, DistanceSource::kGreatCircle);  // no legs for them
      continue;
    }
    EXPECT_EQ(r.distance_source, DistanceSource::kRoad);
    ++on_road;
    // The route's legs are the matrix's, one by one.
    std::string prev = r.depot_region_code;
    int64_t metres = 0, seconds = 0;
    for (const PlannedStop& s : r.stops) {
      const RoadLeg& leg = day.roads.at({prev, s.region_code});
      EXPECT_EQ(s.distance_from_prev_m, leg.metres);
      EXPECT_EQ(s.round_trip_m, day.roads.at({r.depot_region_code, s.region_code}).metres +
                                    day.roads.at({s.region_code, r.depot_region_code}).metres);
      metres += leg.metres;
      seconds += leg.seconds;
      prev = s.region_code;
    }
    metres += day.roads.at({prev, r.depot_region_code}).metres;
    seconds += day.roads.at({prev, r.depot_region_code}).seconds;
    EXPECT_EQ(r.distance_m, metres);
    EXPECT_EQ(r.duration_s, seconds + 3 * Config{}.service_s_per_stop);
  }
  EXPECT_EQ(on_road, 1);

  // One leg missing: the tour needs it, so great circles again.
  day.roads.erase({"622926101202", "622926101201"});
  day.roads.erase({"622926101201", "622926101202"});
  plans = PlanCounties({day}, Config{}, Fast());
  ASSERT_TRUE(plans.ok()) << plans.error().message;
  for (const PlannedRoute& r : plans->front().routes) {
    bool needs_missing = false;
    for (size_t i = 1; i < r.stops.size(); ++i) {
      std::set<std::string> pair{r.stops[i - 1].region_code, r.stops[i].region_code};
      needs_missing = needs_missing || pair == std::set<std::string>{"622926101201", "622926101202"};
    }
    if (needs_missing || r.depot_region_code != "622926101000") {
      EXPECT_EQ(r.distance_source, DistanceSource::kGreatCircle);
    } else {
      EXPECT_EQ(r.distance_source, DistanceSource::kRoad);  // a tour that never takes the missing leg
    }
  }
}

TEST(PlannerTest, AStationPlanReplacesItsToursInTheCountyPlan) {
  Config config;
  CountyDay day = SmallCounty();
  auto county = PlanCounties({day}, config, Fast());
  ASSERT_TRUE(county.ok()) << county.error().message;
  CountyPlan merged = county->front();
  int64_t center_share = 0;
  for (const PlannedRoute& r : merged.routes) {
    if (r.tier != Tier::kCenter) continue;
    for (const PlannedStop& s : r.stops) center_share += s.region_code == "622926101000" ? s.cost_share_fen : 0;
  }
  ASSERT_GT(center_share, 0);
  // Daban's station alone, with a heavier village and a new one.
  CountyDay station = day;
  station.center_tier = false;
  station.stations.erase(station.stations.begin() + 1);
  station.stations[0].villages[0].weight_in_g = 1'500'000;
  station.stations[0].villages.push_back(Village("622926101205", 6, 0, 9, 0, 10'000, 0, true, 105));
  auto own = PlanCounties({station}, config, Fast());
  ASSERT_TRUE(own.ok()) << own.error().message;
  ASSERT_FALSE(own->front().notes.empty());  // the split
  MergeStationPlan(merged, own->front(), "622926101000", config);

  int daban = 0, other = 0, center = 0;
  for (const PlannedRoute& r : merged.routes) {
    if (r.tier == Tier::kCenter) {
      ++center;
    } else {
      (r.depot_region_code == "622926101000" ? daban : other) += 1;
    }
  }
  EXPECT_EQ(daban, static_cast<int>(own->front().routes.size()));
  EXPECT_EQ(other, 1);
  EXPECT_EQ(center, 1);
  ASSERT_EQ(merged.villages.size(), 6u);
  int64_t daban_center = 0, villages_cost = 0;
  for (const PlannedVillage& v : merged.villages) {
    if (v.township_code == "622926101000") daban_center += v.center_cost_fen;
    EXPECT_EQ(v.cost_fen, v.route_cost_fen + v.center_cost_fen);
    villages_cost += v.cost_fen;
  }
  EXPECT_EQ(daban_center, center_share);
  EXPECT_EQ(villages_cost, Totals(merged).cost_fen);
  EXPECT_TRUE(
      std::is_sorted(merged.villages.begin(), merged.villages.end(),
                     [](const PlannedVillage& a, const PlannedVillage& b) { return a.village_code < b.village_code; }));
  ASSERT_EQ(merged.notes.size(), 1u);
  EXPECT_EQ(NoteRegion(merged.notes[0]), "622926101201");
  // Planned again, the notes about Daban's villages are the new plan's only.
  MergeStationPlan(merged, own->front(), "622926101000", config);
  EXPECT_EQ(merged.notes.size(), 1u);
  EXPECT_EQ(merged.villages.size(), 6u);
}

TEST(PlannerTest, NegativeWeightsAreRefused) {
  CountyDay day = SmallCounty();
  day.stations[0].villages[1].weight_in_g = -5;
  auto plans = PlanCounties({day}, Config{}, Fast());
  ASSERT_FALSE(plans.ok());
  EXPECT_EQ(plans.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(plans.error().message.find("622926101202"), std::string::npos) << plans.error().message;
}

}  // namespace
}  // namespace fupin::logistics
