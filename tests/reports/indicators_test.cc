// reports::IndicatorService on a scale-0.01 demo registry (SQLite and
// PostgreSQL): the body is the poverty report's JSON, served from the cache
// while the registry revision stands and recomputed after an approved change;
// then GET /api/v1/indicators on the real server against
// `fupin report poverty --format json`.
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "accounts/model.h"
#include "http/gzip.h"
#include "registry/service.h"
#include "reports/indicators.h"
#include "reports/render.h"
#include "reports/service.h"
#include "testing/api_json.h"
#include "testing/demo_services.h"
#include "testing/served_demo.h"
#include "testing/test_db.h"

namespace fupin::reports {
namespace {

using accounts::Principal;
using accounts::Role;
using fupin::testing::Backend;
using fupin::testing::User;

constexpr const char* kPrefecture = "622900000000";
constexpr const char* kDongxiang = "622926000000";
constexpr const char* kLinxiaCounty = "622921000000";
// The first household of a county (the parameter) that is exited in 2020.
constexpr const char* kExitedIn2020 =
    "SELECT household_id FROM household_years WHERE year = 2020 AND status = 'exited' AND county_code = ? "
    "ORDER BY household_id LIMIT 1";

class IndicatorServiceTest : public fupin::testing::DemoServicesTest {
 protected:
  IndicatorServiceTest() : DemoServicesTest(/*pool_size=*/3) {}

  // What `fupin report poverty --format json` prints for the region and year.
  std::string Expected(const std::string& region, std::optional<int> year) {
    ReportRequest request;
    request.name = "poverty";
    request.region = region;
    request.year = year;
    auto report = BuildReport(conn(), request);
    EXPECT_TRUE(report.ok()) << report.error().message;
    return report.ok() ? RenderJson(*report) : std::string();
  }

  // Approves a return to poverty in 2020 of a Dongxiang household exited then.
  void ApproveAChangeInDongxiang() {
    const std::vector<int64_t> exited = QueryIds(kExitedIn2020, {kDongxiang});
    ASSERT_FALSE(exited.empty());
    registry::ProposeChange command;
    command.household_id = exited.front();
    command.year = 2020;
    command.changes.status = registry::HouseholdStatus::kPoor;
    command.changes.income_per_capita = Money::FromFen(300000);
    command.reason = "illness of the head of household";
    auto proposed = service_->Propose(registry::Caller{clerk_, ""}, command);
    ASSERT_TRUE(proposed.ok()) << proposed.error().message;
    auto approved = service_->Approve(registry::Caller{reviewer_, ""}, proposed->id);
    ASSERT_TRUE(approved.ok()) << approved.error().message;
  }

  const Principal official_ = User(1, Role::kOfficial, kPrefecture);
  const Principal clerk_ = User(2, Role::kRegistry, kDongxiang);
  const Principal reviewer_ = User(3, Role::kRegistry, kDongxiang);
};

TEST_P(IndicatorServiceTest, TheBodyIsThePovertyReportAndIsServedFromTheCache) {
  IndicatorService indicators(*pool_, tree_, service_.get());
  auto first = indicators.Get(official_, kDongxiang, 2018);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ((*first)->json, Expected(kDongxiang, 2018));
  EXPECT_EQ((*first)->year, 2018);
  EXPECT_EQ((*first)->region_code, kDongxiang);
  auto gunzipped = http::Gunzip(*(*first)->gzipped);
  ASSERT_TRUE(gunzipped.ok());
  EXPECT_EQ(*gunzipped, (*first)->json);
  EXPECT_EQ(indicators.computed(), 1);

  auto second = indicators.Get(official_, kDongxiang, 2018);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->get(), first->get());  // the same cached body
  EXPECT_EQ(indicators.computed(), 1);

  // Each (region, year) is its own entry; no year means the latest.
  auto latest = indicators.Get(official_, kDongxiang, std::nullopt);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ((*latest)->year, 2020);
  EXPECT_EQ((*latest)->json, Expected(kDongxiang, std::nullopt));
  // No region means the caller's grant.
  auto mine = indicators.Get(official_, "", 2018);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ((*mine)->region_code, kPrefecture);
  EXPECT_EQ((*mine)->json, Expected(kPrefecture, 2018));
  EXPECT_EQ(indicators.computed(), 3);
}

TEST_P(IndicatorServiceTest, AnApprovedChangeInvalidatesTheCache) {
  IndicatorService indicators(*pool_, tree_, service_.get(),
                              IndicatorService::Options{std::chrono::hours(1)});  // only the listener can tell
  auto before = indicators.Get(official_, kDongxiang, 2020);
  ASSERT_TRUE(before.ok()) << before.error().message;
  auto other_county = indicators.Get(official_, kLinxiaCounty, 2020);
  ASSERT_TRUE(other_county.ok());
  ApproveAChangeInDongxiang();
  auto after = indicators.Get(official_, kDongxiang, 2020);
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_NE((*after)->json, (*before)->json);  // one more poor household
  EXPECT_EQ((*after)->json, Expected(kDongxiang, 2020));
  EXPECT_GT((*after)->revision, (*before)->revision);
  // Every entry is recomputed at the new revision, even where the figures did not change.
  auto other_after = indicators.Get(official_, kLinxiaCounty, 2020);
  ASSERT_TRUE(other_after.ok());
  EXPECT_NE(other_after->get(), other_county->get());
  EXPECT_EQ((*other_after)->json, (*other_county)->json);
}

TEST_P(IndicatorServiceTest, AChangeByAnotherProcessShowsThroughTheRevision) {
  // No listener: the revision, read on every request, is what tells.
  IndicatorService indicators(*pool_, tree_, nullptr, IndicatorService::Options{std::chrono::milliseconds(0)});
  auto before = indicators.Get(official_, kDongxiang, 2020);
  ASSERT_TRUE(before.ok()) << before.error().message;
  ApproveAChangeInDongxiang();
  auto after = indicators.Get(official_, kDongxiang, 2020);
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_NE((*after)->json, (*before)->json);
  EXPECT_EQ((*after)->json, Expected(kDongxiang, 2020));
  EXPECT_EQ(indicators.computed(), 2);
  // And without a change, the revision read finds the cache valid.
  ASSERT_TRUE(indicators.Get(official_, kDongxiang, 2020).ok());
  EXPECT_EQ(indicators.computed(), 2);
}

TEST_P(IndicatorServiceTest, Errors) {
  IndicatorService indicators(*pool_, tree_);
  struct Case {
    Principal who;
    std::string region;
    std::optional<int> year;
    ErrorCode code;
    std::string field;
  };
  const std::vector<Case> cases = {
      {official_, "6229", 2018, ErrorCode::kInvalidArgument, "region"},
      {official_, "622926999999", 2018, ErrorCode::kInvalidArgument, "region"},
      {official_, kDongxiang, 2011, ErrorCode::kNotFound, ""},
      {User(4, Role::kSupplier, kDongxiang), kDongxiang, 2018, ErrorCode::kPermissionDenied, ""},
      {User(5, Role::kOutletOperator, "622926101201"), kDongxiang, 2018, ErrorCode::kPermissionDenied, ""},
      {User(6, Role::kCountyOperator, kDongxiang), kLinxiaCounty, 2018, ErrorCode::kPermissionDenied, ""},
  };
  for (const Case& c : cases) {
    auto r = indicators.Get(c.who, c.region, c.year);
    ASSERT_FALSE(r.ok()) << c.region;
    EXPECT_EQ(r.error().code, c.code) << c.region << ": " << r.error().message;
    EXPECT_EQ(r.error().field, c.field) << c.region;
  }
  EXPECT_EQ(indicators.computed(), 0);
  // An outlet operator reads its own village.
  auto own = indicators.Get(User(5, Role::kOutletOperator, "622926101201"), "", 2018);
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ((*own)->json, Expected("622926101201", 2018));
}

INSTANTIATE_TEST_SUITE_P(Backends, IndicatorServiceTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

// ---------------------------------------------------------------------------
// GET /api/v1/indicators on the real server.

using fupin::testing::ErrorField;
using fupin::testing::HttpResponse;
using fupin::testing::ParseJson;
using fupin::testing::RunFupin;
using fupin::testing::SelectIds;
using fupin::testing::ServedDemo;
using fupin::testing::Session;

std::string CliReport(const ServedDemo& served, const std::string& region, int year) {
  auto r = RunFupin(fmt::format("report poverty --format json --db '{}' --region {} --year {}", served.db_url(),
                                region, year));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

class IndicatorsApiTest : public ::testing::TestWithParam<Backend> {};

TEST_P(IndicatorsApiTest, TheSameBytesAsTheCommandLineAndTheErrorsOfTheRoute) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  Session official = served.SignIn("official");
  const std::string target = fmt::format("/api/v1/indicators?region={}&year=2018", kDongxiang);
  HttpResponse r = official.Get(target);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type").find("application/json"), 0u);
  EXPECT_EQ(r.body, CliReport(served, kDongxiang, 2018));
  // Gzipped for a client that accepts it; the same bytes once decoded.
  {
    fupin::testing::HttpClient client = served.Client();
    HttpResponse gz = client.Get(target, {{"Cookie", official.cookie()}, {"Accept-Encoding", "gzip"}});
    EXPECT_EQ(gz.status, 200);
    EXPECT_EQ(gz.Header("content-encoding"), "gzip");
    EXPECT_EQ(gz.body, r.body);
  }
  // The whole prefecture, the default year (the latest).
  HttpResponse prefecture = official.Get("/api/v1/indicators");
  ASSERT_EQ(prefecture.status, 200) << prefecture.body;
  EXPECT_EQ(prefecture.body, CliReport(served, kPrefecture, 2020));

  struct Case {
    std::string target;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"/api/v1/indicators?region=abc", 400, "region"},
      {"/api/v1/indicators?region=622926999999", 400, "region"},
      {"/api/v1/indicators?region=", 400, "region"},
      {"/api/v1/indicators?year=20x8", 400, "year"},
      {"/api/v1/indicators?year=1800", 400, "year"},
      {"/api/v1/indicators?year=2011", 404, ""},
      {"/api/v1/indicators?colour=red", 400, "colour"},
      {"/api/v1/indicators?year=2018&year=2019", 400, "year"},
  };
  for (const Case& c : cases) {
    HttpResponse e = official.Get(c.target);
    EXPECT_EQ(e.status, c.status) << c.target << ": " << e.body;
    if (!c.field.empty()) {
      EXPECT_EQ(ErrorField(e), c.field) << c.target;
    }
  }
  EXPECT_EQ(served.Client().Get(target).status, 401);
  EXPECT_EQ(served.SignIn("supplier").Get(target).status, 403);
  Session outlet = served.SignIn("outlet");
  EXPECT_EQ(outlet.Get(target).status, 403);  // the county is outside its village
  HttpResponse own = outlet.Get("/api/v1/indicators?year=2018");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.body, CliReport(served, fupin::testing::kShangketuo, 2018));
}

TEST_P(IndicatorsApiTest, AnApprovedChangeShowsInTheIndicators) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  Session official = served.SignIn("official");
  const std::string target = fmt::format("/api/v1/indicators?region={}&year=2020", kDongxiang);
  HttpResponse before = official.Get(target);
  ASSERT_EQ(before.status, 200) << before.body;

  const std::vector<int64_t> exited = SelectIds(served.conn(), kExitedIn2020, {kDongxiang});
  ASSERT_FALSE(exited.empty());
  Session clerk = served.SignIn("registry");
  HttpResponse proposed = clerk.Post(fmt::format("/api/v1/households/{}/change-requests", exited.front()),
                                     R"({"year":2020,"status":"poor","income_per_capita_fen":300000,)"
                                     R"("reason":"illness of the head of household"})");
  ASSERT_EQ(proposed.status, 201) << proposed.body;
  int64_t id = ParseJson(proposed).at("id").as_int64();
  HttpResponse approved = served.SignIn("reviewer").Post(fmt::format("/api/v1/change-requests/{}/approve", id), "");
  ASSERT_EQ(approved.status, 200) << approved.body;

  // The same server sees its own approval at once; allow the documented
  // revision interval (250 ms) in case the cache is not wired to the registry.
  const std::string expected = CliReport(served, kDongxiang, 2020);
  EXPECT_NE(expected, before.body);
  HttpResponse after;
  for (int i = 0; i < 20; ++i) {
    after = official.Get(target);
    if (after.body == expected) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, expected);
}

INSTANTIATE_TEST_SUITE_P(Backends, IndicatorsApiTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::reports
