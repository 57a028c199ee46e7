// The registry's HTTP routes on the real `fupin serve` (scale-0.01 demo,
// SQLite and PostgreSQL), signed in as the demo accounts: households of a
// village (masked for the county operator, in clear and audited for the
// registry clerk), one household, and a change request proposed by the
// village outlet, refused to its proposer and approved by a second clerk.
#include <set>

#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "api/reply.h"
#include "registry/model.h"
#include "testing/api_json.h"
#include "testing/served_demo.h"
#include "testing/test_db.h"

namespace fupin::registry {
namespace {

using fupin::testing::Backend;
using fupin::testing::ErrorField;
using fupin::testing::HttpResponse;
using fupin::testing::kShangketuo;
using fupin::testing::ParseJson;
using fupin::testing::ServedDemo;
using fupin::testing::Session;
using fupin::testing::Str;
namespace bj = boost::json;

constexpr const char* kOtherVillage = "622926101202";  // another village of 达板镇

class RegistryApiTest : public ::testing::TestWithParam<Backend> {
 protected:
  // SelectInt and SelectIds on the server's database.
  int64_t QueryInt(const std::string& sql, const std::vector<std::string>& params = {}) {
    return fupin::testing::SelectInt(served_.conn(), sql, params);
  }
  std::vector<int64_t> QueryIds(const std::string& sql, const std::vector<std::string>& params = {}) {
    return fupin::testing::SelectIds(served_.conn(), sql, params);
  }
  std::string Households(const std::string& village, const std::string& query = "") {
    return fmt::format("/api/v1/villages/{}/households{}", village, query);
  }

  ServedDemo served_{GetParam()};
};

TEST_P(RegistryApiTest, HouseholdsOfAVillageMaskedOrAuditedInClear) {
  ASSERT_NE(served_.port(), 0);
  EXPECT_EQ(served_.Client().Get(Households(kShangketuo)).status, 401);

  std::vector<int64_t> expected = QueryIds(
      "SELECT household_id FROM household_years WHERE village_code = ? AND year = 2020 ORDER BY household_id",
      {kShangketuo});
  ASSERT_GE(expected.size(), 3u);

  // The county operator: masked, paged by cursor, no audit entry.
  Session county = served_.SignIn("county");
  std::vector<int64_t> seen;
  std::string target = Households(kShangketuo, "?limit=2");
  for (int pages = 0; pages < 50; ++pages) {
    HttpResponse r = county.Get(target);
    ASSERT_EQ(r.status, 200) << r.body;
    bj::value page = ParseJson(r);
    EXPECT_EQ(Str(page.at("identity")), "masked");
    EXPECT_EQ(page.at("year").as_int64(), 2020);
    EXPECT_EQ(Str(page.at("village").at("code")), kShangketuo);
    for (const bj::value& item : page.at("items").as_array()) {
      seen.push_back(item.at("id").as_int64());
      EXPECT_EQ(item.at("year").at("year").as_int64(), 2020);
      for (const bj::value& m : item.at("members").as_array()) {
        if (m.at("id_number").is_null()) continue;
        std::string number = Str(m.at("id_number"));
        EXPECT_NE(number.find("****"), std::string::npos) << number;
        EXPECT_FALSE(IsValidIdNumber(number));
      }
    }
    if (!page.as_object().contains("next_cursor")) break;
    target = Households(kShangketuo, "?limit=2&cursor=" + Str(page.at("next_cursor")));
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'identity.read'"), 0);

  // The registry clerk of the county: in clear, and the read is in the audit log.
  Session clerk = served_.SignIn("registry");
  HttpResponse r = clerk.Get(Households(kShangketuo, "?year=2019&status=exited"));
  ASSERT_EQ(r.status, 200) << r.body;
  bj::value page = ParseJson(r);
  EXPECT_EQ(Str(page.at("identity")), "unmasked");
  int numbers = 0;
  for (const bj::value& item : page.at("items").as_array()) {
    EXPECT_EQ(Str(item.at("year").at("status")), "exited");
    for (const bj::value& m : item.at("members").as_array()) {
      if (m.at("id_number").is_null()) continue;
      EXPECT_TRUE(IsValidIdNumber(Str(m.at("id_number")))) << Str(m.at("id_number"));
      ++numbers;
    }
  }
  EXPECT_GT(numbers, 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'identity.read' AND username = 'registry' AND "
                     "region_code = ? AND target LIKE ?",
                     {kShangketuo, fmt::format("village:{} households:%", kShangketuo)}),
            1);

  // Scope and role.
  Session outlet = served_.SignIn("outlet");
  EXPECT_EQ(outlet.Get(Households(kShangketuo)).status, 200);
  EXPECT_EQ(outlet.Get(Households(kOtherVillage)).status, 403);
  EXPECT_EQ(served_.SignIn("supplier").Get(Households(kShangketuo)).status, 403);
  EXPECT_EQ(served_.SignIn("buyer").Get(Households(kShangketuo)).status, 403);

  struct Case {
    std::string target;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {Households("62292610120"), 400, "code"},
      {Households("622926101000"), 400, "code"},  // a township
      {Households("622926101299"), 404, ""},
      {Households(kShangketuo, "?year=20x0"), 400, "year"},
      {Households(kShangketuo, "?year=2011"), 404, ""},
      {Households(kShangketuo, "?status=rich"), 400, "status"},
      {Households(kShangketuo, "?limit=0"), 400, "limit"},
      {Households(kShangketuo, "?cursor=%21%21"), 400, "cursor"},
      // A cursor keeps the year of its first page: another year, or none, is refused.
      {Households(kShangketuo, "?year=2019&cursor=" + api::EncodeCursor("2020:5")), 400, "cursor"},
      {Households(kShangketuo, "?cursor=" + api::EncodeCursor("5")), 400, "cursor"},
      {Households(kShangketuo, "?colour=red"), 400, "colour"},
  };
  for (const Case& c : cases) {
    HttpResponse e = county.Get(c.target);
    EXPECT_EQ(e.status, c.status) << c.target << ": " << e.body;
    if (!c.field.empty()) {
      EXPECT_EQ(ErrorField(e), c.field) << c.target;
    }
  }
}

TEST_P(RegistryApiTest, OneHousehold) {
  ASSERT_NE(served_.port(), 0);
  const int64_t id =
      QueryIds("SELECT household_id FROM households WHERE village_code = ? ORDER BY 1", {kShangketuo}).front();
  const int64_t other =
      QueryIds("SELECT household_id FROM households WHERE village_code = ? ORDER BY 1", {kOtherVillage}).front();
  Session county = served_.SignIn("county");
  HttpResponse r = county.Get(fmt::format("/api/v1/households/{}", id));
  ASSERT_EQ(r.status, 200) << r.body;
  bj::value h = ParseJson(r);
  EXPECT_EQ(h.at("id").as_int64(), id);
  EXPECT_EQ(Str(h.at("village").at("code")), kShangketuo);
  EXPECT_EQ(Str(h.at("identity")), "masked");
  EXPECT_EQ(static_cast<int64_t>(h.at("years").as_array().size()),
            QueryInt("SELECT COUNT(*) FROM household_years WHERE household_id = ?", {std::to_string(id)}));
  EXPECT_EQ(static_cast<int64_t>(h.at("members").as_array().size()),
            QueryInt("SELECT COUNT(*) FROM members WHERE household_id = ?", {std::to_string(id)}));
  EXPECT_TRUE(h.at("change_requests").as_array().empty());

  HttpResponse clear = served_.SignIn("registry").Get(fmt::format("/api/v1/households/{}", id));
  ASSERT_EQ(clear.status, 200) << clear.body;
  EXPECT_EQ(Str(ParseJson(clear).at("identity")), "unmasked");
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'identity.read' AND target = ?",
                     {fmt::format("household:{}", id)}),
            1);

  Session outlet = served_.SignIn("outlet");
  EXPECT_EQ(outlet.Get(fmt::format("/api/v1/households/{}", id)).status, 200);
  EXPECT_EQ(outlet.Get(fmt::format("/api/v1/households/{}", other)).status, 403);
  HttpResponse bad = county.Get("/api/v1/households/x1");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorField(bad), "id");
  EXPECT_EQ(county.Get("/api/v1/households/999999999").status, 404);
  EXPECT_EQ(served_.Client().Get(fmt::format("/api/v1/households/{}", id)).status, 401);
}

TEST_P(RegistryApiTest, AChangeRequestFromTheOutletApprovedByASecondClerk) {
  ASSERT_NE(served_.port(), 0);
  // An exited household of the outlet's village, and one of another village.
  const std::vector<int64_t> own = QueryIds(
      "SELECT household_id FROM household_years WHERE village_code = ? AND year = 2020 AND status = 'exited' "
      "ORDER BY 1",
      {kShangketuo});
  ASSERT_GE(own.size(), 2u);
  const int64_t other =
      QueryIds("SELECT household_id FROM households WHERE village_code = ? ORDER BY 1", {kOtherVillage}).front();
  const std::string propose = fmt::format("/api/v1/households/{}/change-requests", own[0]);
  Session outlet = served_.SignIn("outlet");

  struct Case {
    std::string body;
    std::string field;
  };
  const std::vector<Case> bad = {
      {R"({"year":2020,"status":"rich","reason":"x"})", "status"},
      {R"({"year":2020,"income_per_capita_fen":1,"reason":"x","colour":"red"})", "colour"},
      {R"({"year":"2020","income_per_capita_fen":1,"reason":"x"})", "year"},
      {R"({"year":2020,"income_per_capita_fen":-5,"reason":"x"})", "income_per_capita_fen"},
      {R"({"year":2020,"income_per_capita_fen":1})", "reason"},
      {R"({"year":2020,"reason":"x"})", "body"},
      {R"({"year":2020,"status":"monitored","reason":"x"})", "monitor_kind"},
      {R"({"year":2020,"needs_unmet":"water;food","reason":"x"})", "needs_unmet"},
      {R"({"year":2020,"monitor_kind":"bored","status":"monitored","reason":"x"})", "monitor_kind"},
      {R"([1,2])", "body"},
  };
  for (const Case& c : bad) {
    HttpResponse e = outlet.Post(propose, c.body);
    EXPECT_EQ(e.status, 400) << c.body << ": " << e.body;
    EXPECT_EQ(ErrorField(e), c.field) << c.body << ": " << e.body;
  }
  EXPECT_EQ(outlet.Post(fmt::format("/api/v1/households/{}/change-requests", other),
                        R"({"year":2020,"income_per_capita_fen":1,"reason":"x"})")
                .status,
            403);
  EXPECT_EQ(served_.SignIn("supplier").Post(propose, R"({"year":2020,"income_per_capita_fen":1,"reason":"x"})").status,
            403);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM change_requests"), 0);

  HttpResponse created =
      outlet.Post(propose, R"({"year":2020,"status":"monitored","monitor_kind":"unstable_exited",)"
                           R"("income_per_capita_fen":350000,"reason":"the son fell ill; income is unstable"})");
  ASSERT_EQ(created.status, 201) << created.body;
  bj::value request = ParseJson(created);
  const int64_t id = request.at("id").as_int64();
  EXPECT_EQ(request.at("household_id").as_int64(), own[0]);
  EXPECT_EQ(Str(request.at("village_code")), kShangketuo);
  EXPECT_EQ(Str(request.at("state")), "pending");
  EXPECT_EQ(Str(request.at("changes").at("status")), "monitored");
  EXPECT_EQ(request.at("changes").at("income_per_capita_fen").as_int64(), 350000);
  EXPECT_EQ(request.at("proposed_by").as_int64(),
            QueryInt("SELECT user_id FROM users WHERE username = 'outlet'"));
  EXPECT_TRUE(request.at("decided_at").is_null());
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'registry.change.propose' AND "
                     "username = 'outlet'"),
            1);

  // Listed for the reviewer, readable by the outlet, shown on the household.
  Session reviewer = served_.SignIn("reviewer");
  HttpResponse list = reviewer.Get("/api/v1/change-requests?state=pending");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(ParseJson(list).at("items").as_array().size(), 1u);
  EXPECT_EQ(ParseJson(list).at("items").as_array()[0].at("id").as_int64(), id);
  EXPECT_EQ(outlet.Get(fmt::format("/api/v1/change-requests/{}", id)).status, 200);
  HttpResponse household = outlet.Get(fmt::format("/api/v1/households/{}", own[0]));
  ASSERT_EQ(ParseJson(household).at("change_requests").as_array().size(), 1u);
  EXPECT_EQ(ErrorField(reviewer.Get("/api/v1/change-requests?state=open")), "state");
  EXPECT_EQ(ErrorField(reviewer.Get("/api/v1/change-requests?region=6229")), "region");
  EXPECT_EQ(reviewer.Get("/api/v1/change-requests?region=622900000000").status, 403);
  EXPECT_EQ(reviewer.Get("/api/v1/change-requests/777777").status, 404);

  // The outlet may not approve (its role); a clerk may not approve their own request.
  const std::string approve = fmt::format("/api/v1/change-requests/{}/approve", id);
  EXPECT_EQ(outlet.Post(approve, "").status, 403);
  Session clerk = served_.SignIn("registry");
  HttpResponse own_request = clerk.Post(fmt::format("/api/v1/households/{}/change-requests", own[1]),
                                        R"({"year":2020,"income_per_capita_fen":654321,"reason":"recount"})");
  ASSERT_EQ(own_request.status, 201) << own_request.body;
  const int64_t clerk_id = ParseJson(own_request).at("id").as_int64();
  EXPECT_EQ(clerk.Post(fmt::format("/api/v1/change-requests/{}/approve", clerk_id), "").status, 403);

  HttpResponse approved = reviewer.Post(approve, "");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(Str(ParseJson(approved).at("state")), "approved");
  EXPECT_EQ(ParseJson(approved).at("decided_by").as_int64(),
            QueryInt("SELECT user_id FROM users WHERE username = 'reviewer'"));
  auto st = served_.conn().Prepare(
      "SELECT status, monitor_kind, income_per_capita_fen FROM household_years WHERE household_id = ? AND year = 2020");
  st->Bind(1, own[0]);
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Text(0), "monitored");
  EXPECT_EQ(st->Text(1), "unstable_exited");
  EXPECT_EQ(st->Int(2), 350000);
  st->Run();
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'registry.change.approve' AND "
                     "username = 'reviewer'"),
            1);
  EXPECT_EQ(reviewer.Post(approve, "").status, 409);

  // Reject the clerk's own request: needs a reason.
  const std::string reject = fmt::format("/api/v1/change-requests/{}/reject", clerk_id);
  HttpResponse no_reason = reviewer.Post(reject, R"({"reason":""})");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(ErrorField(no_reason), "reason");
  HttpResponse rejected = reviewer.Post(reject, R"({"reason":"the recount was of 2019"})");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(Str(ParseJson(rejected).at("state")), "rejected");
  EXPECT_EQ(Str(ParseJson(rejected).at("decision_reason")), "the recount was of 2019");
  EXPECT_EQ(reviewer.Post(reject, R"({"reason":"again"})").status, 409);
  EXPECT_EQ(ErrorField(reviewer.Post("/api/v1/change-requests/abc/approve", "")), "id");
  EXPECT_EQ(served_.Client().Get("/api/v1/change-requests").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryApiTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::registry
