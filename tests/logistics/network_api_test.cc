// POST /api/v1/logistics/network-plans on the scale-0.01 demo, SQLite and
// PostgreSQL, through the route table as the server dispatches it: the answer
// is the planner's own (PlanNetwork and NetworkJson called directly with the
// request the body describes, the solvers' timings aside), nothing is stored
// or audited, who may ask (403 outside the role or the grant), and bad input
// answered 400 naming the field.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "api/context.h"
#include "http/message.h"
#include "logistics/network.h"
#include "logistics/network_json.h"
#include "logistics/routes.h"
#include "logistics_fixture.h"
#include "testing/api_json.h"
#include "testing/http_client.h"

namespace fupin::logistics {
namespace {

using accounts::Role;
using fupin::testing::AllBackends;
using fupin::testing::BackendName;
using fupin::testing::HttpResponse;
namespace bj = boost::json;

constexpr const char* kPath = "/api/v1/logistics/network-plans";
constexpr const char* kDongxiang = "622926000000";
constexpr const char* kDaban = "622926101000";         // a township of Dongxiang
constexpr const char* kLinxiaCounty = "622921000000";  // another county
constexpr const char* kPrefecture = "622900000000";

class NetworkApiTest : public LogisticsDbTest {
 protected:
  void SetUp() override {
    LogisticsDbTest::SetUp();
    if (HasFatalFailure()) return;
    AddRoutes(table_);
    services_.pool = pool_.get();
    services_.tree = &tree_;
    services_.audit = audit_.get();
    services_.logistics = service_.get();
  }

  // The request as the server hands it to the route: JSON body, query string.
  HttpResponse Post(const accounts::Principal& who, const std::string& body, const std::string& query = "",
                    const std::string& content_type = "application/json") {
    http::Request request;
    request.method = "POST";
    request.path = kPath;
    request.target = std::string(kPath) + (query.empty() ? "" : "?" + query);
    request.query = http::ParseQuery(query);
    request.headers.emplace_back("content-type", content_type);
    request.body = body;
    request.remote_address = "192.0.2.1";
    auto match = table_.router().Find("POST", kPath);
    EXPECT_EQ(match.outcome, http::Router<api::Route>::Outcome::kFound);
    if (!match.entry) return HttpResponse{};
    api::Call call{request, match.params, &who, services_};
    http::Response response = match.entry->route.handler(call);
    HttpResponse out;
    out.status = response.status;
    out.body = response.body;
    return out;
  }

  // PlanNetwork and NetworkJson called directly.
  std::string Direct(const NetworkRequest& request) {
    Result<NetworkResult> result = PlanNetwork(conn(), tree_, request);
    EXPECT_TRUE(result.ok()) << result.error().message;
    if (!result) return "";
    return NetworkJson(*result, tree_);
  }

  // The answer with the solvers' wall times set to 0, the one part that
  // differs between two runs.
  static bj::value Timeless(const std::string& text) {
    boost::system::error_code ec;
    bj::value v = bj::parse(text, ec);
    EXPECT_FALSE(ec) << text;
    if (ec) return {};
    for (const char* model : {"station_model", "point_model"}) v.at(model).as_object()["seconds"] = 0;
    return v;
  }

  int64_t Stored() {
    return Q("SELECT COUNT(*) FROM logistics_plans") +
           Q("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'logistics.%'");
  }

  api::RouteTable table_;
  api::Services services_;
};

TEST_P(NetworkApiTest, TheAnswerIsThePlannersOwn) {
  const int64_t stored = Stored();
  const accounts::Principal county = As(Role::kCountyOperator, kDongxiang);

  // K stations, every other field by default.
  HttpResponse r = Post(county, std::string(R"({"county":")") + kDongxiang + R"(","stations":5})");
  ASSERT_EQ(r.status, 200) << r.body;
  NetworkRequest k;
  k.county = kDongxiang;
  k.stations = 5;
  k.points_radius_m = 2000;
  k.seed = 1;
  k.time_limit_s = 2;
  bj::value answer = Timeless(r.body);
  EXPECT_EQ(answer, Timeless(Direct(k))) << r.body;
  EXPECT_EQ(answer.at("proposed").at("stations").as_array().size(), 5u);
  EXPECT_EQ(answer.at("station_model").at("model").as_string(), "p-median");
  EXPECT_EQ(answer.at("points_radius_m").as_int64(), 2000);
  EXPECT_EQ(answer.at("coverage_radius_m").as_int64(), kDefaultCoverageRadiusM);
  // The existing network: the stations open on the county's latest day with parcels.
  const std::string existing_on(answer.at("existing_on").as_string());
  EXPECT_EQ(
      Q("SELECT COUNT(*) FROM logistics_parcels WHERE county_code = ? AND ready_on > ?", {kDongxiang, existing_on}), 0);
  EXPECT_EQ(static_cast<int64_t>(answer.at("existing").at("stations").as_array().size()),
            Q("SELECT COUNT(*) FROM logistics_facilities WHERE county_code = ? AND tier = 'station' AND opened_on <= ? "
              "AND (closed_on IS NULL OR closed_on > ?)",
              {kDongxiang, existing_on, existing_on}));

  // A radius in decimal kilometres, a points radius, a day, a seed, a time limit: an official of the prefecture.
  const accounts::Principal official = As(Role::kOfficial, kPrefecture);
  r = Post(official, std::string(R"({"county":")") + kDongxiang +
                         R"(","radius_km":8.5,"points_radius_km":1.5,"date":"2020-12-28","seed":7,"time_limit_s":3})");
  ASSERT_EQ(r.status, 200) << r.body;
  NetworkRequest radius;
  radius.county = kDongxiang;
  radius.radius_m = 8500;
  radius.points_radius_m = 1500;
  radius.date = "2020-12-28";
  radius.seed = 7;
  radius.time_limit_s = 3;
  answer = Timeless(r.body);
  EXPECT_EQ(answer, Timeless(Direct(radius))) << r.body;
  EXPECT_EQ(answer.at("station_model").at("model").as_string(), "set covering");
  EXPECT_EQ(answer.at("coverage_radius_m").as_int64(), 8500);
  EXPECT_EQ(answer.at("points_radius_m").as_int64(), 1500);
  EXPECT_EQ(answer.at("existing_on").as_string(), "2020-12-28");
  // Set covering: every village that a seat can reach within 8.5 km is covered.
  EXPECT_EQ(answer.at("proposed").at("villages_covered").as_int64() +
                static_cast<int64_t>(answer.at("uncoverable").as_array().size()),
            answer.at("proposed").at("villages").as_int64());

  // Computed, never stored nor audited.
  EXPECT_EQ(Stored(), stored);
}

TEST_P(NetworkApiTest, WhoMayPlanTheNetwork) {
  const std::string body = std::string(R"({"county":")") + kDongxiang + R"(","radius_km":12})";
  // Admins within their grant.
  HttpResponse r = Post(As(Role::kAdmin, kPrefecture), body);
  EXPECT_EQ(r.status, 200) << r.body;

  struct Case {
    accounts::Principal who;
    const char* mentions;
  };
  const std::vector<Case> refused = {
      {As(Role::kCountyOperator, kLinxiaCounty), "outside 622921000000"},  // another county's operator
      {As(Role::kOfficial, kLinxiaCounty), "outside 622921000000"},        // an official of another county
      {As(Role::kStationOperator, kDaban), "role station_operator"},       // a station: its routes, not the network
      {As(Role::kAuditor, kPrefecture), "role auditor"},
      {As(Role::kRegistry, kDongxiang), "role registry"},
      {As(Role::kOutletOperator, "622926101201"), "role outlet_operator"},
      {As(Role::kSupplier, "622926101201"), "role supplier"},
      {As(Role::kBuyer, kPrefecture), "role buyer"},
  };
  for (const Case& c : refused) {
    r = Post(c.who, body);
    EXPECT_EQ(r.status, 403) << accounts::RoleName(c.who.role) << " " << r.body;
    EXPECT_EQ(fupin::testing::ErrorCode(r), "permission_denied");
    EXPECT_NE(r.body.find(c.mentions), std::string::npos) << r.body;
  }
  // A county operator of another county asking for that county is answered.
  r = Post(As(Role::kCountyOperator, kLinxiaCounty),
           std::string(R"({"county":")") + kLinxiaCounty + R"(","stations":2,"time_limit_s":1})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Timeless(r.body).at("county").as_string(), kLinxiaCounty);
}

TEST_P(NetworkApiTest, BadInputIsNamed) {
  const int64_t stored = Stored();
  const accounts::Principal admin = As(Role::kAdmin, kPrefecture);
  const std::string d = std::string(R"("county":")") + kDongxiang + "\"";
  struct Case {
    std::string body;
    int status;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"{}", 400, "county"},
      {R"({"stations":3})", 400, "county"},
      {R"({"county":622926000000,"stations":3})", 400, "county"},
      {R"({"county":"62292600000x","stations":3})", 400, "county"},
      {R"({"county":"622926101000","stations":3})", 400, "county"},     // a township
      {R"({"county":"622900000000","stations":3})", 400, "county"},     // the prefecture
      {R"({"county":"622926999000","stations":3})", 404, ""},           // no such region
      {"{" + d + "}", 400, "stations"},                                 // neither stations nor radius_km
      {"{" + d + R"(,"stations":3,"radius_km":5})", 400, "radius_km"},  // both
      {"{" + d + R"(,"stations":0})", 400, "stations"},
      {"{" + d + R"(,"stations":2.5})", 400, "stations"},
      {"{" + d + R"(,"stations":"3"})", 400, "stations"},
      {"{" + d + R"(,"stations":500})", 400, "stations"},  // more than the county's towns and townships
      {"{" + d + R"(,"radius_km":0.05})", 400, "radius_km"},
      {"{" + d + R"(,"radius_km":1001})", 400, "radius_km"},
      {"{" + d + R"(,"radius_km":"5"})", 400, "radius_km"},
      {"{" + d + R"(,"stations":3,"points_radius_km":0})", 400, "points_radius_km"},
      {"{" + d + R"(,"stations":3,"points_radius_km":100.5})", 400, "points_radius_km"},
      {"{" + d + R"(,"stations":3,"time_limit_s":0})", 400, "time_limit_s"},
      {"{" + d + R"(,"stations":3,"time_limit_s":10.5})", 400, "time_limit_s"},
      {"{" + d + R"(,"stations":3,"time_limit_s":600})", 400, "time_limit_s"},
      {"{" + d + R"(,"stations":3,"date":"2020-02-30"})", 400, "date"},
      {"{" + d + R"(,"stations":3,"date":20201228})", 400, "date"},
      {"{" + d + R"(,"stations":3,"seed":0})", 400, "seed"},
      {"{" + d + R"(,"stations":3,"seed":2147483648})", 400, "seed"},
      {"{" + d + R"(,"stations":3,"vehicles":2})", 400, "vehicles"},
      {"[1,2]", 400, "body"},
      {"not json", 400, "body"},
      {"", 400, "body"},
  };
  for (const Case& c : cases) {
    HttpResponse r = Post(admin, c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " " << r.body;
    EXPECT_EQ(fupin::testing::ErrorField(r), c.field) << c.body << " " << r.body;
  }
  // The messages say what is wanted.
  HttpResponse r = Post(admin, R"({"county":"622926101000","stations":3})");
  EXPECT_NE(r.body.find("达板镇 is a township"), std::string::npos) << r.body;
  r = Post(admin, "{" + d + R"(,"stations":3,"time_limit_s":600})");
  EXPECT_NE(r.body.find("0.1 to 10"), std::string::npos) << r.body;
  // Not JSON by its header, and a query parameter the route does not take.
  r = Post(admin, "{" + d + R"(,"stations":3})", "", "text/plain");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(fupin::testing::ErrorField(r), "Content-Type");
  r = Post(admin, "{" + d + R"(,"stations":3})", "county=622926000000");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(fupin::testing::ErrorField(r), "county");
  // Bad input is refused before the role: a buyer's malformed body is 400.
  r = Post(As(Role::kBuyer, kPrefecture), "{" + d + "}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Stored(), stored);
}

// The body read alone: the values it carries into the request, in metres.
TEST(NetworkRequestTest, ReadsTheBodyIntoMetres) {
  Result<NetworkRequest> r = ParseNetworkRequest(
      R"({"county":"622926000000","radius_km":7.25,"points_radius_km":0.1,"date":null,"seed":2147483647})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->county, "622926000000");
  EXPECT_EQ(r->stations, 0);
  EXPECT_EQ(r->radius_m, 7250);
  EXPECT_EQ(r->points_radius_m, 100);
  EXPECT_EQ(r->date, "");
  EXPECT_EQ(r->seed, 2147483647u);
  EXPECT_DOUBLE_EQ(r->time_limit_s, kNetworkDefaultTimeLimitS);
  r = ParseNetworkRequest(R"({"county":"622926000000","stations":4,"time_limit_s":10,"date":"2020-12-28"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stations, 4);
  EXPECT_EQ(r->radius_m, 0);
  EXPECT_EQ(r->points_radius_m, kDefaultPointsRadiusM);
  EXPECT_DOUBLE_EQ(r->time_limit_s, kNetworkMaxTimeLimitS);
  EXPECT_EQ(r->date, "2020-12-28");
  EXPECT_EQ(r->seed, 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, NetworkApiTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::logistics
