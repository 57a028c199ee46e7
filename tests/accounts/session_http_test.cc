// The session and audit routes over HTTP, against the real `fupin serve` on a
// demo database: cookie flags, CSRF, the limit on failed sign-ins, and who may
// read the audit log.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "testing/api_json.h"
#include "testing/served_demo.h"

namespace fupin::testing {
namespace {

class SessionHttpTest : public ::testing::TestWithParam<Backend> {};

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

HttpResponse PostSession(HttpClient& client, const std::string& body) {
  return client.Request("POST", "/api/v1/session", body, {{"Content-Type", "application/json"}});
}

TEST_P(SessionHttpTest, SignInGetAndSignOut) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  HttpClient client = served.Client();

  HttpResponse in = PostSession(client, R"({"username":"outlet","password":"fupin-demo"})");
  ASSERT_EQ(in.status, 200) << in.body;
  std::string cookie = in.Header("set-cookie");
  EXPECT_TRUE(std::regex_match(cookie, std::regex("fupin_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; "
                                                  "SameSite=Strict; Max-Age=28800")))
      << cookie;
  EXPECT_TRUE(std::regex_search(in.body, std::regex(R"(^\{"user":\{"id":[1-9][0-9]*,"username":"outlet",)")))
      << in.body;
  EXPECT_TRUE(Has(in.body, R"("username":"outlet","role":"outlet_operator",)"
                           R"("region":{"code":"622926101201","name":"上科妥村委会"}},"csrf_token":")"))
      << in.body;
  EXPECT_TRUE(std::regex_search(in.body, std::regex(R"("expires_at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")")))
      << in.body;
  EXPECT_EQ(in.Header("cache-control"), "no-store");

  Session session = served.SignIn("outlet");
  HttpResponse me = session.Get("/api/v1/session");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_TRUE(Has(me.body, "\"username\":\"outlet\""));
  EXPECT_TRUE(Has(me.body, "\"csrf_token\":\"" + session.csrf() + "\"")) << "a reloaded page recovers its token";

  HttpResponse anonymous = client.Get("/api/v1/session");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(ErrorCode(anonymous), "unauthenticated");

  HttpResponse no_csrf = session.Send("DELETE", "/api/v1/session", "", /*with_csrf=*/false);
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(session.Get("/api/v1/session").status, 200) << "still signed in";
  HttpResponse out = session.Delete("/api/v1/session");
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(out.Header("set-cookie"), "fupin_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  EXPECT_EQ(session.Get("/api/v1/session").status, 401);

  // The first session is separate and still open.
  HttpResponse first = client.Get("/api/v1/session", {{"Cookie", cookie.substr(0, cookie.find(';'))}});
  EXPECT_EQ(first.status, 200);
}

TEST_P(SessionHttpTest, BadBodiesNameTheFieldAndWrongPasswordsAre401) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  HttpClient client = served.Client();
  struct Case {
    const char* body;
    const char* field;
  };
  const Case cases[] = {
      {R"({"username":"outlet","password":"fupin-demo","remember":true})", "remember"},
      {R"({"username":1,"password":"fupin-demo"})", "username"},
      {R"({"username":"outlet"})", "password"},
      {R"(["outlet","fupin-demo"])", "body"},
      {"not json", "body"},
  };
  for (const Case& c : cases) {
    HttpResponse r = PostSession(client, c.body);
    EXPECT_EQ(r.status, 400) << c.body << ": " << r.body;
    EXPECT_EQ(ErrorField(r), c.field) << c.body << ": " << r.body;
    EXPECT_EQ(r.Header("set-cookie"), "");
  }
  HttpResponse wrong = PostSession(client, R"({"username":"outlet","password":"not-the-password"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(ErrorCode(wrong), "unauthenticated");
  EXPECT_EQ(wrong.Header("set-cookie"), "");
  HttpResponse unknown = PostSession(client, R"({"username":"nobody","password":"not-the-password"})");
  EXPECT_EQ(unknown.status, 401);
}

TEST_P(SessionHttpTest, FiveFailuresThenTooManyRequestsWithRetryAfter) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  HttpClient client = served.Client();
  for (int i = 0; i < 5; ++i) {
    HttpResponse r = PostSession(client, R"({"username":"station","password":"wrong-password"})");
    ASSERT_EQ(r.status, 401) << i << ": " << r.body;
  }
  HttpResponse locked = PostSession(client, R"({"username":"station","password":"fupin-demo"})");
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(ErrorCode(locked), "too_many_requests");
  std::string retry = locked.Header("retry-after");
  ASSERT_TRUE(std::regex_match(retry, std::regex("[0-9]+"))) << retry;
  EXPECT_GT(std::stoi(retry), 800);
  EXPECT_LE(std::stoi(retry), 900);
  // Other accounts from the same address are not locked by five failures.
  EXPECT_EQ(PostSession(client, R"({"username":"county","password":"fupin-demo"})").status, 200);

  Session auditor = served.SignIn("auditor");
  HttpResponse refused = auditor.Get("/api/v1/audit?limit=20");
  ASSERT_EQ(refused.status, 200);
  EXPECT_TRUE(Has(refused.body, "\"action\":\"session.refused\"")) << refused.body;
  EXPECT_TRUE(Has(refused.body, "too many failed sign-ins for station")) << refused.body;
}

TEST_P(SessionHttpTest, AuditForAuditorsAndAdminsOnly) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  Session auditor = served.SignIn("auditor");
  Session outlet = served.SignIn("outlet");

  HttpResponse page = auditor.Get("/api/v1/audit?limit=5");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Has(page.body, "\"items\":[{\"id\":")) << page.body;
  EXPECT_TRUE(Has(page.body, "\"user\":\"outlet\",\"role\":\"outlet_operator\",\"region\":{\"code\":"
                             "\"622926101201\",\"name\":\"上科妥村委会\"},\"action\":\"session.sign_in\""))
      << page.body;
  EXPECT_TRUE(Has(page.body, "\"remote_address\":\"127.0.0.1\""));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex("\"next_cursor\":\"([A-Za-z0-9_-]+)\""))) << page.body;
  HttpResponse next = auditor.Get("/api/v1/audit?limit=5&cursor=" + m[1].str());
  EXPECT_EQ(next.status, 200);
  EXPECT_NE(next.body, page.body);

  HttpResponse by_user = auditor.Get("/api/v1/audit?user=outlet&region=622926101000&from=2000-01-01");
  ASSERT_EQ(by_user.status, 200);
  EXPECT_TRUE(Has(by_user.body, "session.sign_in"));
  EXPECT_FALSE(Has(by_user.body, "\"user\":\"auditor\""));

  HttpResponse denied = outlet.Get("/api/v1/audit");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(ErrorCode(denied), "permission_denied");
  HttpClient anonymous = served.Client();
  EXPECT_EQ(anonymous.Get("/api/v1/audit").status, 401);

  HttpResponse bad_from = auditor.Get("/api/v1/audit?from=yesterday");
  EXPECT_EQ(bad_from.status, 400);
  EXPECT_EQ(ErrorField(bad_from), "from");
  HttpResponse bad_param = auditor.Get("/api/v1/audit?who=outlet");
  EXPECT_EQ(bad_param.status, 400);
  EXPECT_EQ(ErrorField(bad_param), "who");

  // Admins read it too, and manage users within their grant.
  Session admin = served.SignIn("admin");
  EXPECT_EQ(admin.Get("/api/v1/audit?region=622926000000").status, 200);
  HttpResponse users = admin.Get("/api/v1/users?limit=100");
  ASSERT_EQ(users.status, 200);
  EXPECT_TRUE(Has(users.body, "\"username\":\"reviewer\",\"role\":\"registry\""));
  HttpResponse added = admin.Post(
      "/api/v1/users",
      R"({"username":"outlet2","role":"outlet_operator","region":"622926101202","password":"another-pass-1"})");
  EXPECT_EQ(added.status, 201) << added.body;
  EXPECT_TRUE(Has(added.body, "\"username\":\"outlet2\""));
  EXPECT_EQ(served.SignIn("outlet2", "another-pass-1").csrf().empty(), false);
  HttpResponse dup = admin.Post(
      "/api/v1/users",
      R"({"username":"outlet2","role":"outlet_operator","region":"622926101202","password":"another-pass-1"})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(outlet.Get("/api/v1/users").status, 403);
  HttpResponse audit_add = auditor.Get("/api/v1/audit?user=admin");
  EXPECT_TRUE(Has(audit_add.body, "\"action\":\"user.add\",\"target\":\"user:outlet2\"")) << audit_add.body;
}

TEST_P(SessionHttpTest, AdminDisablesAnAccountAndAUserChangesAPassword) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  Session admin = served.SignIn("admin");
  Session outlet = served.SignIn("outlet");
  std::optional<int64_t> outlet_id = db::QueryInt(served.conn(), "SELECT user_id FROM users WHERE username = 'outlet'");
  ASSERT_TRUE(outlet_id.has_value());
  const std::string target = "/api/v1/users/" + std::to_string(*outlet_id);

  HttpResponse off = admin.Patch(target, R"({"disabled":true})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_TRUE(Has(off.body, R"("username":"outlet")") && Has(off.body, R"("disabled":true)")) << off.body;
  EXPECT_EQ(outlet.Get("/api/v1/session").status, 401) << "its session ended at once";
  EXPECT_EQ(admin.Patch(target, R"({"disabled":"yes"})").status, 400);
  EXPECT_EQ(admin.Patch("/api/v1/users/0", R"({"disabled":true})").status, 400);
  EXPECT_EQ(admin.Patch("/api/v1/users/999999", R"({"disabled":true})").status, 404);
  ASSERT_EQ(admin.Patch(target, R"({"disabled":false})").status, 200);

  Session station = served.SignIn("station");
  EXPECT_EQ(station.Patch(target, R"({"disabled":true})").status, 403);
  HttpResponse wrong = station.Put("/api/v1/session/password",
                                   R"({"current_password":"nope","new_password":"station password 2"})");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_TRUE(Has(wrong.body, R"("field":"current_password")")) << wrong.body;
  HttpResponse changed = station.Put("/api/v1/session/password",
                                     R"({"current_password":"fupin-demo","new_password":"station password 2"})");
  EXPECT_EQ(changed.status, 204) << changed.body;
  EXPECT_EQ(station.Get("/api/v1/session").status, 200);
  served.SignIn("station", "station password 2");
}

INSTANTIATE_TEST_SUITE_P(Databases, SessionHttpTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::testing
