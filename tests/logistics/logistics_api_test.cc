// The logistics routes on the real `fupin serve` (scale-0.01 demo), signed in
// as the demo accounts: facilities for the map, a plan computed and read back,
// scope (403 outside the grant), and bad input answered 400/404 naming the
// field. On SQLite only: the HTTP layer does not depend on the database, and
// plan_service_test.cc runs the same service on both (a served PostgreSQL demo
// costs several seconds per test).
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include "testing/api_json.h"
#include "testing/served_demo.h"
#include "testing/test_db.h"

namespace fupin::logistics {
namespace {

using fupin::testing::Backend;
using fupin::testing::BackendName;
using fupin::testing::ErrorCode;
using fupin::testing::ErrorField;
using fupin::testing::HttpResponse;
using fupin::testing::kDaban;
using fupin::testing::kDongxiang;
using fupin::testing::ParseJson;
using fupin::testing::ServedDemo;
using fupin::testing::Session;
using fupin::testing::Str;
namespace bj = boost::json;

class LogisticsApiTest : public ::testing::TestWithParam<Backend> {
 protected:
  int64_t Q(const std::string& sql) { return fupin::testing::SelectInt(served_.conn(), sql); }
  ServedDemo served_{GetParam()};
};

TEST_P(LogisticsApiTest, FacilitiesPlansAndScope) {
  ASSERT_NE(served_.port(), 0);
  Session county = served_.SignIn("county");  // Dongxiang's county operator

  // Facilities of the county for the map.
  HttpResponse r = county.Get("/api/v1/logistics/facilities");
  ASSERT_EQ(r.status, 200) << r.body;
  bj::value body = ParseJson(r);
  const bj::array& items = body.at("items").as_array();
  int centers = 0, stations = 0, points = 0;
  for (const bj::value& f : items) {
    std::string tier = Str(f.at("tier"));
    centers += tier == "center";
    stations += tier == "station";
    points += tier == "point";
    EXPECT_EQ(Str(f.at("county_code")), kDongxiang);
    EXPECT_TRUE(f.at("lon_e6").is_int64());
    EXPECT_TRUE(f.at("synthetic").as_bool());
  }
  EXPECT_EQ(centers, 1);
  EXPECT_GT(stations, 10);
  EXPECT_GT(points, 50);

  // Compute Dongxiang's plan, then read it.
  r = county.Post("/api/v1/logistics/plans", R"({"date":"2020-12-28"})");
  ASSERT_EQ(r.status, 201) << r.body;
  body = ParseJson(r);
  ASSERT_EQ(body.at("plans").as_array().size(), 1u);
  const bj::value& plan = body.at("plans").as_array()[0];
  EXPECT_EQ(Str(plan.at("region_code")), kDongxiang);
  EXPECT_EQ(Str(plan.at("scope")), "county");
  EXPECT_EQ(Str(plan.at("computed_by")), "county");
  EXPECT_GT(plan.at("totals").at("routes").as_int64(), 1);
  const bj::array& routes = plan.at("routes").as_array();
  ASSERT_FALSE(routes.empty());
  for (const bj::value& route : routes) {
    const bj::array& profile = route.at("load_profile_g").as_array();
    const bj::array& stops = route.at("stops").as_array();
    EXPECT_EQ(profile.size(), stops.size() + 1);
    int64_t shares = 0;
    for (const bj::value& s : stops) shares += s.at("cost_share_fen").as_int64();
    EXPECT_EQ(shares, route.at("cost_fen").as_int64());
  }
  bool advice_seen = false;
  for (const bj::value& v : plan.at("villages").as_array()) {
    EXPECT_EQ(v.at("margin_fen").as_int64(), v.at("revenue_fen").as_int64() - v.at("cost_fen").as_int64());
    advice_seen = advice_seen || v.at("advice").is_object();
  }
  EXPECT_TRUE(advice_seen);  // at this scale most route villages lose money
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plans"), 1);
  const int64_t plan_id = plan.at("id").as_int64();

  r = county.Get("/api/v1/logistics/plans?date=2020-12-28");
  ASSERT_EQ(r.status, 200) << r.body;
  body = ParseJson(r);
  ASSERT_EQ(body.at("plans").as_array().size(), 1u);
  EXPECT_EQ(body.at("plans").as_array()[0].at("id").as_int64(), plan_id);

  // The station operator of 达板镇: its own station, nothing wider.
  Session station = served_.SignIn("station");
  r = station.Post("/api/v1/logistics/plans", std::string(R"({"date":"2020-12-28","station":")") + kDaban + "\"}");
  EXPECT_EQ(r.status, 201) << r.body;
  r = station.Post("/api/v1/logistics/plans", std::string(R"({"date":"2020-12-28","region":")") + kDongxiang + "\"}");
  EXPECT_EQ(r.status, 403) << r.body;
  r = station.Post("/api/v1/logistics/plans", R"({"date":"2020-12-28","station":"622926102000"})");
  EXPECT_EQ(r.status, 403) << r.body;
  r = station.Get("/api/v1/logistics/plans?date=2020-12-28");  // its township: its part of the county's plan,
  ASSERT_EQ(r.status, 200) << r.body;                          // where its new tours replaced the old
  body = ParseJson(r);
  ASSERT_EQ(body.at("plans").as_array().size(), 1u);
  EXPECT_TRUE(body.at("plans").as_array()[0].at("partial").as_bool());
  EXPECT_EQ(body.at("plans").as_array()[0].at("id").as_int64(), plan_id);
  EXPECT_EQ(station.Get("/api/v1/logistics/plans?date=2020-12-28&region=622921000000").status, 403);
  EXPECT_EQ(county.Get("/api/v1/logistics/facilities?region=622921000000").status, 403);

  // Officials read, buyers do not; officials do not compute.
  Session official = served_.SignIn("official");
  EXPECT_EQ(official.Get("/api/v1/logistics/plans?date=2020-12-28&region=622926000000").status, 200);
  EXPECT_EQ(official.Post("/api/v1/logistics/plans", R"({"date":"2020-12-28"})").status, 403);
  Session buyer = served_.SignIn("buyer");
  EXPECT_EQ(buyer.Get("/api/v1/logistics/facilities").status, 403);
  EXPECT_EQ(buyer.Get("/api/v1/logistics/plans?date=2020-12-28").status, 403);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plans"), 1);

  // The village outlet's operator sees its village and no other.
  Session outlet = served_.SignIn("outlet");
  r = outlet.Get("/api/v1/logistics/plans?date=2020-12-28");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string own = fupin::testing::kShangketuo;
  size_t at = 0;
  int codes = 0;
  while ((at = r.body.find("\"622926", at)) != std::string::npos) {
    const std::string code = r.body.substr(at + 1, 12);
    // The county, its township, or the village itself: never another village.
    EXPECT_TRUE(code == kDongxiang || code == kDaban || code == own) << code << " in " << r.body;
    ++codes;
    at += 13;
  }
  EXPECT_GT(codes, 0);

  // date=latest: the newest day with a plan concerning the region. Dongxiang
  // also plans 2020-12-27 (older): its latest is still 2020-12-28, the same
  // answer as that day's; 临夏县 has none (404); outside the grant is 403.
  r = county.Post("/api/v1/logistics/plans", R"({"date":"2020-12-27"})");
  EXPECT_EQ(r.status, 201) << r.body;
  r = county.Get("/api/v1/logistics/plans?date=latest");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(ParseJson(r).at("date")), "2020-12-28");
  EXPECT_EQ(r.body, county.Get("/api/v1/logistics/plans?date=2020-12-28").body);
  r = station.Get("/api/v1/logistics/plans?date=latest");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(ParseJson(r).at("date")), "2020-12-28");
  EXPECT_EQ(official.Get("/api/v1/logistics/plans?date=latest&region=622921000000").status, 404);
  EXPECT_EQ(station.Get("/api/v1/logistics/plans?date=latest&region=622921000000").status, 403);
  EXPECT_EQ(buyer.Get("/api/v1/logistics/plans?date=latest").status, 403);
}

TEST_P(LogisticsApiTest, BadInputIsNamed) {
  ASSERT_NE(served_.port(), 0);
  Session admin = served_.SignIn("admin");
  struct Case {
    const char* body;
    int status;
    const char* field;
  };
  const Case cases[] = {
      {R"({"date":"2020-02-30"})", 400, "date"},
      {R"({"date":"2020-12-28","station":"622926999000"})", 404, ""},
      {R"({"date":"2020-12-28","station":"622926101201"})", 400, "station"},
      {R"({"date":"2020-12-28","region":"622926101201"})", 400, "region"},
      {R"({"date":"2020-12-28","station":"622926101000","region":"622926000000"})", 400, "region"},
      {R"({"date":"2020-12-28","seed":0})", 400, "seed"},
      {R"({"date":"2020-12-28","vehicles":3})", 400, "vehicles"},
      {R"({"station":"622926101000"})", 400, "date"},
  };
  for (const Case& c : cases) {
    HttpResponse r = admin.Post("/api/v1/logistics/plans", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " " << r.body;
    EXPECT_EQ(ErrorField(r), c.field) << c.body;
  }
  HttpResponse r = admin.Get("/api/v1/logistics/plans");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorField(r), "date");
  r = admin.Get("/api/v1/logistics/plans?date=2020-12-28&region=xyz");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorField(r), "region");
  r = admin.Get("/api/v1/logistics/facilities?date=yesterday");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorField(r), "date");
  EXPECT_EQ(admin.Get("/api/v1/logistics/facilities?region=999999999999").status, 404);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM logistics_plans"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, LogisticsApiTest, ::testing::Values(Backend::kSqlite), BackendName);

}  // namespace
}  // namespace fupin::logistics
