// The imported road matrix (logistics/road_matrix.h): the file's rules, each
// error naming its line; and on SQLite and PostgreSQL a matrix for one
// station's places at twice the great-circle distance, which that station's
// tours then use leg by leg (and say so) while the others keep great circles,
// a malformed file that changes nothing, and `fupin import road-matrix`.
#include "logistics/road_matrix.h"

#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engine/geo.h"
#include "logistics/render.h"
#include "logistics_fixture.h"
#include "testing/test_db.h"

namespace fupin::logistics {
namespace {

using fupin::testing::AllBackends;
using fupin::testing::BackendName;

constexpr const char* kHeader = "from,to,metres,seconds\n";

TEST(RoadMatrixCsvTest, AcceptsAnySubsetOfPairs) {
  auto place = [](std::string_view code) { return code == "A" || code == "B" || code == "C"; };
  auto legs = ParseRoadMatrixCsv(std::string(kHeader) + "A,B,1200,130\nB,A,1250,140\n\nC,C,0,0\r\n", place, "known");
  ASSERT_TRUE(legs.ok()) << legs.error().message;
  ASSERT_EQ(legs->size(), 2u);  // a place to itself adds nothing
  EXPECT_EQ((*legs)[0].from_code, "A");
  EXPECT_EQ((*legs)[0].to_code, "B");
  EXPECT_EQ((*legs)[0].metres, 1200);
  EXPECT_EQ((*legs)[0].seconds, 130);
  EXPECT_EQ((*legs)[1].metres, 1250);
}

TEST(RoadMatrixCsvTest, EveryErrorNamesItsLine) {
  auto place = [](std::string_view code) { return code == "A" || code == "B"; };
  struct Case {
    std::string text;
    const char* line;
    const char* says;
  };
  const std::string h = kHeader;
  const Case cases[] = {
      {"", "line 1", "header"},
      {"from,to,metres\n", "line 1", "header"},
      {"to,from,metres,seconds\n", "line 1", "header"},
      {h, "line 1", "without a pair"},
      {h + "A,B,10\n", "line 2", "expected 4 columns"},
      {h + "A,B,10,1\nA,X,10,2\n", "line 3", "column 2 (to): 'X' is not a place of the test"},
      {h + "Y,B,10,2\n", "line 2", "column 1 (from)"},
      {h + "A,B,-1,2\n", "line 2", "column 3 (metres): -1 is negative"},
      {h + "A,B,1.5,2\n", "line 2", "column 3 (metres)"},
      {h + "A,B,10000001,2\n", "line 2", "column 3 (metres): 10000001 is more than 10000000 metres"},
      {h + "A,B,9223372036854775807,0\n", "line 2", "column 3 (metres)"},
      {h + "A,B,10,3600001\n", "line 2", "column 4 (seconds): 3600001 is more than 3600000 seconds"},
      {h + "A,B,15,two\n", "line 2", "column 4 (seconds)"},
      {h + "A,B,1,1\nB,A,1,1\nA,B,2,2\n", "line 4", "already given on line 2"},
      {h + "A,A,5,0\n", "line 2", "to itself must be 0"},
      {h + "\n\"A,B,1,1\n", "line 3", ""},
  };
  for (const Case& c : cases) {
    auto legs = ParseRoadMatrixCsv(c.text, place, "a place of the test");
    ASSERT_FALSE(legs.ok()) << c.text;
    EXPECT_EQ(legs.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(legs.error().field, c.line) << c.text << ": " << legs.error().message;
    EXPECT_NE(legs.error().message.find(c.line), std::string::npos) << legs.error().message;
    EXPECT_NE(legs.error().message.find(c.says), std::string::npos) << legs.error().message;
  }
}

constexpr const char* kDate = "2020-12-28";
constexpr const char* kDongxiang = "622926000000";
constexpr const char* kDaban = "622926101000";

class RoadMatrixDbTest : public LogisticsDbTest {
 protected:
  struct Place {
    std::string code;
    int64_t lon_e6 = 0;
    int64_t lat_e6 = 0;
  };
  // Daban's station and its village points, where they stand.
  std::vector<Place> DabanPlaces() {
    std::vector<Place> out;
    auto st = conn().Prepare(
        "SELECT region_code, lon_e6, lat_e6 FROM logistics_facilities WHERE (tier = 'station' AND "
        "serves_region_code = ?) OR (tier = 'point' AND parent_id = (SELECT facility_id FROM logistics_facilities "
        "WHERE tier = 'station' AND serves_region_code = ?)) ORDER BY region_code");
    st->Bind(1, kDaban).Bind(2, kDaban);
    while (st->Step()) out.push_back(Place{st->Text(0), st->Int(1), st->Int(2)});
    return out;
  }
  // Every ordered pair of `places` at twice the great-circle distance, at 30 km/h.
  std::string Csv(const std::vector<Place>& places, RoadMatrix* legs) {
    std::string csv = kHeader;
    for (const Place& a : places) {
      for (const Place& b : places) {
        if (a.code == b.code) continue;
        double gc = engine::GreatCircleMetres({a.lon_e6 / 1e6, a.lat_e6 / 1e6}, {b.lon_e6 / 1e6, b.lat_e6 / 1e6});
        int64_t metres = std::llround(2 * gc);
        int64_t seconds = std::llround(static_cast<double>(metres) / (30 / 3.6));
        csv += fmt::format("{},{},{},{}\n", a.code, b.code, metres, seconds);
        if (legs) (*legs)[{a.code, b.code}] = RoadLeg{metres, seconds};
      }
    }
    return csv;
  }
  Result<RoadMatrixImport> Import(const std::string& csv, const char* county = kDongxiang) {
    return ImportRoadMatrix(conn(), tree_, audit_.get(), county, csv, "test");
  }
  accounts::Principal admin_ = As(accounts::Role::kAdmin, "622900000000");
};

TEST_P(RoadMatrixDbTest, AStationsToursUseTheMatrixLegByLeg) {
  std::vector<Place> places = DabanPlaces();
  ASSERT_GT(places.size(), 3u);
  RoadMatrix legs;
  auto imported = Import(Csv(places, &legs));
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->pairs, static_cast<int64_t>(places.size() * (places.size() - 1)));
  EXPECT_EQ(imported->replaced, 0);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_road_matrix WHERE county_code = ?", {kDongxiang}), imported->pairs);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM audit_log WHERE action = 'logistics.road_matrix'"), 1);

  PlanRequest request;
  request.date = kDate;
  request.region = kDongxiang;
  auto run = service_->Plan(Actor{&admin_, "", ""}, request);
  ASSERT_TRUE(run.ok()) << run.error().message;
  int daban = 0, others = 0;
  for (const PlannedRoute& r : run->plans[0].plan.routes) {
    SCOPED_TRACE(r.depot_region_code + " route " + std::to_string(r.seq));
    if (r.tier != Tier::kStation || r.depot_region_code != kDaban) {
      EXPECT_EQ(r.distance_source, DistanceSource::kGreatCircle);
      ++others;
      continue;
    }
    ++daban;
    EXPECT_EQ(r.distance_source, DistanceSource::kRoad);
    std::string prev = kDaban;
    int64_t metres = 0;
    for (const PlannedStop& s : r.stops) {
      if (s.region_code == prev) continue;  // a split village's next part: 0 m
      EXPECT_EQ(s.distance_from_prev_m, legs.at({prev, s.region_code}).metres) << s.region_code;
      metres += legs.at({prev, s.region_code}).metres;
      prev = s.region_code;
    }
    metres += legs.at({prev, kDaban}).metres;
    EXPECT_EQ(r.distance_m, metres);
  }
  EXPECT_GT(daban, 0);
  EXPECT_GT(others, 0);
  // As stored and as shown.
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_routes r JOIN logistics_facilities f ON f.facility_id = r.facility_id "
              "WHERE r.distance_source = 'road'"),
            daban);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_routes WHERE distance_source = 'great_circle'"), others);
  auto read = service_->Plans(Actor{&admin_, "", ""}, kDate, kDaban);
  ASSERT_TRUE(read.ok()) << read.error().message;
  std::string json = PlansJson(kDate, kDaban, *read, tree_);
  EXPECT_NE(json.find("\"distance_source\":\"road\""), std::string::npos);
  std::string table = PlansTable(kDate, *read, tree_, 0);
  EXPECT_NE(table.find("distances"), std::string::npos) << table;
  EXPECT_NE(table.find("road"), std::string::npos) << table;

  // Without the matrix, great circles again.
  conn().Exec("DELETE FROM logistics_road_matrix");
  run = service_->Plan(Actor{&admin_, "", ""}, request);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_routes WHERE distance_source = 'road'"), 0);
}

TEST_P(RoadMatrixDbTest, AMalformedFileChangesNothing) {
  std::vector<Place> places = DabanPlaces();
  ASSERT_GT(places.size(), 2u);
  places.resize(2);
  auto first = Import(Csv(places, nullptr));
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->pairs, 2);
  const int64_t metres = Q("SELECT SUM(metres) FROM logistics_road_matrix");
  const int64_t audited = Q("SELECT COUNT(*) FROM audit_log WHERE action = 'logistics.road_matrix'");

  const std::string bad = std::string(kHeader) + places[0].code + "," + places[1].code + ",100,10\n" + places[1].code +
                          "," + places[0].code + ",100,-10\n";
  auto rejected = Import(bad);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().field, "line 3");
  EXPECT_NE(rejected.error().message.find("line 3, column 4 (seconds)"), std::string::npos) << rejected.error().message;
  // A place outside the county.
  rejected = Import(std::string(kHeader) + places[0].code + ",622921100000,100,10\n");
  ASSERT_FALSE(rejected.ok());
  EXPECT_NE(rejected.error().message.find("not a region of county 622926000000"), std::string::npos)
      << rejected.error().message;
  // Not a county.
  rejected = Import(Csv(places, nullptr), kDaban);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().field, "county");
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_road_matrix"), 2);
  EXPECT_EQ(Q("SELECT SUM(metres) FROM logistics_road_matrix"), metres);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM audit_log WHERE action = 'logistics.road_matrix'"), audited);

  // A good file replaces the county's matrix.
  auto second = Import(std::string(kHeader) + places[0].code + "," + places[1].code + ",100,10\n");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->replaced, 2);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_road_matrix"), 1);
  EXPECT_EQ(Q("SELECT SUM(metres) FROM logistics_road_matrix"), 100);
}

TEST_P(RoadMatrixDbTest, TheCommandLineImportsAndNamesTheLine) {
  std::vector<Place> places = DabanPlaces();
  ASSERT_GT(places.size(), 2u);
  places.resize(3);
  fupin::testing::TempDir dir;
  fupin::testing::WriteFile(dir.File("roads.csv"), Csv(places, nullptr));
  fupin::testing::WriteFile(dir.File("bad.csv"), std::string(kHeader) + places[0].code + "," + places[1].code +
                                                     ",100,10\n" + places[0].code + "," + places[1].code + ",100,10\n");
  const std::string db = " --db '" + url() + "'";
  auto r = fupin::testing::RunFupin("import road-matrix" + db + " --county 622926000000 " + dir.File("roads.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("6 road legs"), std::string::npos) << r.out;
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_road_matrix"), 6);

  struct Case {
    std::string args;
    int exit_code;
    std::string mentions;
  };
  const Case cases[] = {
      {"--county 622926000000 " + dir.File("bad.csv"), 1, dir.File("bad.csv") + " line 3: the pair"},
      {"--county 622926101000 " + dir.File("roads.csv"), 2, "--county"},
      {"--county 622926000000 " + dir.File("missing.csv"), 1, "cannot open"},
      {"--county 622926000000", 2, "file"},
  };
  for (const Case& c : cases) {
    r = fupin::testing::RunFupin("import road-matrix" + db + " " + c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << "\n" << r.err;
    EXPECT_TRUE(fupin::testing::OneLineError(r.err)) << r.err;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << c.args << "\n" << r.err;
  }
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_road_matrix"), 6);
}

INSTANTIATE_TEST_SUITE_P(Backends, RoadMatrixDbTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::logistics
