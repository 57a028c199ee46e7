// `fupin plan routes` and `fupin plan network` on a scale-0.01 demo database:
// the summary and the JSON, the plan stored, usage errors as one line with
// exit code 2 naming the flag (seeds 1..2^31-1, as the API's), no database
// created by planning, and the existing network as open on a day (measures
// that do not apply without a station are null).
#include <filesystem>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include "logistics_fixture.h"
#include "testing/api_json.h"
#include "testing/test_db.h"

namespace fupin::logistics {
namespace {

using fupin::testing::AllBackends;
using fupin::testing::BackendName;
using fupin::testing::CommandResult;
using fupin::testing::OneLineError;
using fupin::testing::RunFupin;
using fupin::testing::SelectInt;
namespace bj = boost::json;

// On the shared demo database (logistics_fixture.h), which `fupin demo` would
// have built the same.
class PlanCliTest : public LogisticsDbTest {
 protected:
  std::string Db() { return " --db '" + url() + "'"; }
};

TEST_P(PlanCliTest, RoutesPrintsTheSummaryAndStoresThePlans) {
  const int64_t audited = SelectInt(conn(), "SELECT COUNT(*) FROM audit_log WHERE action = 'logistics.plan'");
  CommandResult r = RunFupin("plan routes" + Db() + " --date 2020-12-28 --county 622926000000");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Joint-distribution plan for 2020-12-28"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("达板镇"), std::string::npos);
  EXPECT_NE(r.out.find("东乡族自治县 (county)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("do not break even"), std::string::npos);
  EXPECT_EQ(SelectInt(conn(), "SELECT COUNT(*) FROM logistics_plans"), 1);
  EXPECT_EQ(SelectInt(conn(), "SELECT COUNT(*) FROM audit_log WHERE action = 'logistics.plan'"), audited + 1);

  r = RunFupin("plan routes" + Db() + " --date 2020-12-29 --station 622926101000 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  boost::system::error_code ec;
  bj::value doc = bj::parse(r.out, ec);
  ASSERT_FALSE(ec) << r.out;
  ASSERT_EQ(doc.at("plans").as_array().size(), 1u);
  EXPECT_EQ(fupin::testing::Str(doc.at("plans").as_array()[0].at("scope")), "station");
  EXPECT_EQ(SelectInt(conn(), "SELECT COUNT(*) FROM logistics_plans"), 2);
}

TEST_P(PlanCliTest, UsageErrorsNameTheFlag) {
  struct Case {
    std::string args;
    int exit_code;
    const char* mentions;
  };
  const Case cases[] = {
      {"plan routes" + Db() + " --date 2020-02-30", 2, "--date"},
      {"plan routes" + Db(), 2, "--date"},
      {"plan routes" + Db() + " --date 2020-12-28 --station 622926999000", 1, "622926999000"},
      {"plan routes" + Db() + " --date 2020-12-28 --county 622926101201", 2, "--county"},
      {"plan routes" + Db() + " --date 2020-12-28 --county 622926101000", 2, "is a township, not a county"},
      {"plan routes" + Db() + " --date 2020-12-28 --county 622900000000", 2, "is a prefecture, not a county"},
      {"plan routes" + Db() + " --date 2020-12-28 --station x --county 622926000000", 2, "--county"},
      {"plan routes" + Db() + " --date 2020-12-28 --format xml", 2, "--format"},
      {"plan routes" + Db() + " --date 2020-12-28 --seed 0", 2, "--seed"},
      {"plan routes" + Db() + " --date 2020-12-28 --seed 2147483648", 2, "--seed"},
      {"plan network" + Db() + " --county 622926000000 --stations 3 --date 2020-13-01", 2, "--date"},
      {"plan network" + Db() + " --county 622926000000", 2, "--stations"},
      {"plan network" + Db() + " --county 622926000000 --stations 3 --radius-km 5", 2, "--radius-km"},
      {"plan network" + Db() + " --county 622926101000 --stations 3", 2, "--county"},
      {"plan network" + Db() + " --county 622926000000 --stations 500", 2, "--stations"},
  };
  for (const Case& c : cases) {
    CommandResult r = RunFupin(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << "\n" << r.err;
    EXPECT_TRUE(OneLineError(r.err)) << r.err;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << c.args << "\n" << r.err;
  }
  EXPECT_EQ(SelectInt(conn(), "SELECT COUNT(*) FROM logistics_plans"), 0);

  // Planning needs a database at the current schema: it never creates nor migrates one.
  fupin::testing::TempDir dir;
  CommandResult r = RunFupin("plan routes --db sqlite:" + dir.File("none.db") + " --date 2020-12-28");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("no database at"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("none.db")));
}

TEST_P(PlanCliTest, TheLargestSeedIsTheApisToo) {
  CommandResult r = RunFupin("plan routes" + Db() + " --date 2020-12-28 --county 622926000000 --seed 2147483647");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(SelectInt(conn(), "SELECT seed FROM logistics_plans"), 2147483647);
}

TEST_P(PlanCliTest, NetworkComparesTheProposalWithTheExistingNetwork) {
  CommandResult r = RunFupin("plan network" + Db() + " --county 622926000000 --radius-km 8 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  boost::system::error_code ec;
  bj::value doc = bj::parse(r.out, ec);
  ASSERT_FALSE(ec) << r.out;
  EXPECT_EQ(fupin::testing::Str(doc.at("station_model").at("model")), "set covering");
  const bj::value& proposed = doc.at("proposed");
  const bj::value& existing = doc.at("existing");
  const int64_t villages = proposed.at("villages").as_int64();
  EXPECT_GT(villages, 100);
  // Set covering within 8 km: every village that can be reached is covered.
  EXPECT_EQ(proposed.at("villages_covered").as_int64() + static_cast<int64_t>(doc.at("uncoverable").as_array().size()),
            villages);
  // Points within 2 km of every village.
  EXPECT_EQ(proposed.at("villages_with_point").as_int64(),
            static_cast<int64_t>(proposed.at("points").as_array().size()));
  EXPECT_GT(existing.at("stations").as_array().size(), 10u);
  EXPECT_GT(proposed.at("cost_per_parcel_fen").as_int64(), 0);
  EXPECT_GT(existing.at("cost_per_parcel_fen").as_int64(), 0);
  // The existing network is the one open on the county's latest day with parcels.
  const int64_t latest_day =
      SelectInt(conn(), "SELECT COUNT(*) FROM logistics_parcels WHERE county_code = '622926000000' AND ready_on = ?",
                {fupin::testing::Str(doc.at("existing_on"))});
  EXPECT_GT(latest_day, 0);
  EXPECT_EQ(
      SelectInt(conn(), "SELECT COUNT(*) FROM logistics_parcels WHERE county_code = '622926000000' AND ready_on > ?",
                {fupin::testing::Str(doc.at("existing_on"))}),
      0);

  // Before any station opened: nothing to measure to, and it says so.
  r = RunFupin("plan network" + Db() + " --county 622926000000 --radius-km 8 --date 2015-06-01 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  doc = bj::parse(r.out, ec);
  ASSERT_FALSE(ec) << r.out;
  EXPECT_EQ(fupin::testing::Str(doc.at("existing_on")), "2015-06-01");
  const bj::value& none = doc.at("existing");
  EXPECT_TRUE(none.at("stations").as_array().empty());
  EXPECT_EQ(none.at("villages_covered").as_int64(), 0);
  EXPECT_TRUE(none.at("mean_distance_m").is_null()) << r.out;
  EXPECT_TRUE(none.at("day_cost_fen").is_null()) << r.out;
  EXPECT_TRUE(none.at("cost_per_parcel_fen").is_null()) << r.out;
  EXPECT_FALSE(doc.at("proposed").at("mean_distance_m").is_null());
  r = RunFupin("plan network" + Db() + " --county 622926000000 --radius-km 8 --date 2015-06-01");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("n/a"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("open on 2015-06-01"), std::string::npos) << r.out;

  r = RunFupin("plan network" + Db() + " --county 622926000000 --stations 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("p-median"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("optimal"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cost per parcel"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, PlanCliTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::logistics
