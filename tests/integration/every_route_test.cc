// Every route of the API, driven by the OpenAPI document (which OpenApiTest
// proves equal to the routes served): unauthenticated calls get 401, writes
// without the CSRF token 403, unknown query parameters and malformed bodies a
// 400 naming the field, and every error comes in the one error body. Then the
// scope rules on the routes that take a region.
#include <atomic>
#include <map>
#include <mutex>
#include <regex>
#include <thread>
#include <set>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include "api/app.h"
#include "testing/api_json.h"
#include "testing/served_demo.h"

namespace fupin::testing {
namespace {

namespace bj = boost::json;

struct Operation {
  std::string method;  // upper case
  std::string path;    // with parameters filled in
  bool is_public = false;
  bool has_body = false;
};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::vector<Operation> Operations(int64_t household_id) {
  bj::value doc = bj::parse(bj::string_view(api::OpenApiDocument().data(), api::OpenApiDocument().size()));
  std::vector<Operation> ops;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      Operation o;
      o.method = Upper(std::string(method));
      o.path = std::string(path);
      o.path = std::regex_replace(o.path, std::regex("\\{code\\}"), kShangketuo);
      o.path = std::regex_replace(o.path, std::regex("/households/\\{id\\}"),
                                  "/households/" + std::to_string(household_id));
      o.path = std::regex_replace(o.path, std::regex("\\{id\\}"), "1");
      const bj::object& obj = op.as_object();
      o.is_public = obj.contains("security") && obj.at("security").as_array().empty();
      o.has_body = obj.contains("requestBody");
      ops.push_back(o);
    }
  }
  return ops;
}

// The error body, parsed: {"error":{"code","message"[,"field"]}}.
struct ErrorBody {
  bool ok = false;
  std::string code;
  std::string field;
};

ErrorBody ParseError(const HttpResponse& r) {
  ErrorBody e;
  const bj::value body = ParseJson(r);
  const bj::object* err = ErrorObject(body);
  if (!err) return e;
  const bj::value* code = err->if_contains("code");
  const bj::value* message = err->if_contains("message");
  const bj::value* field = err->if_contains("field");
  if (!code || !code->is_string() || !message || !message->is_string() || (field && !field->is_string())) return e;
  e.ok = true;
  e.code = Str(*code);
  if (field) e.field = Str(*field);
  return e;
}

class EveryRouteTest : public ::testing::TestWithParam<Backend> {};

TEST_P(EveryRouteTest, AuthCsrfBadInputAndTheErrorBody) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  std::optional<int64_t> household =
      db::QueryInt(served.conn(), "SELECT MIN(household_id) FROM households WHERE village_code = '622926101201'");
  ASSERT_TRUE(household.has_value());
  std::vector<Operation> ops = Operations(*household);
  ASSERT_GT(ops.size(), 15u);
  const std::vector<std::string> market_tables{"suppliers", "supplier_links", "products", "product_photos",
                                               "outlets",   "lots",           "orders",   "payments",
                                               "ledger",    "payouts",        "institutions"};
  std::map<std::string, int64_t> market_before;
  for (const std::string& t : market_tables) {
    market_before[t] = *db::QueryInt(served.conn(), "SELECT COUNT(*) FROM " + t);
  }

  HttpClient anonymous = served.Client();
  Session admin = served.SignIn("admin");
  const std::optional<int64_t> users = db::QueryInt(served.conn(), "SELECT COUNT(*) FROM users");
  int checked_401 = 0, checked_csrf = 0, checked_query = 0, checked_body = 0;
  for (const Operation& op : ops) {
    SCOPED_TRACE(op.method + " " + op.path);
    const bool api = op.path.starts_with("/api/v1/") && op.path != "/api/v1/openapi.json";
    if (!op.is_public) {
      HttpResponse r = anonymous.Request(op.method, op.path, op.has_body ? "{}" : "",
                                         {{"Content-Type", "application/json"}});
      EXPECT_EQ(r.status, 401) << r.body;
      EXPECT_EQ(ParseError(r).code, "unauthenticated");
      ++checked_401;
    }
    if (!op.is_public && op.method != "GET") {
      HttpResponse r = admin.Send(op.method, op.path, op.has_body ? "{}" : "", /*with_csrf=*/false);
      EXPECT_EQ(r.status, 403) << r.body;
      EXPECT_EQ(ParseError(r).field, "X-CSRF-Token");
      ++checked_csrf;
    }
    if (api) {
      // An unknown query parameter is named, before anything is done.
      HttpResponse r = admin.Send(op.method, op.path + "?bogus=1", op.has_body ? "{}" : "", true);
      EXPECT_EQ(r.status, 400) << r.body;
      ErrorBody e = ParseError(r);
      EXPECT_TRUE(e.ok) << r.body;
      EXPECT_EQ(e.field, "bogus");
      ++checked_query;
    }
    if (op.has_body) {
      for (const char* bad : {"{\"year\":", "[1]", "\"text\"", "{\"zzz_unknown\":1}", "{\"year\":\"2020\"}"}) {
        SCOPED_TRACE(bad);
        HttpResponse r = admin.Send(op.method, op.path, bad, true);
        EXPECT_EQ(r.status, 400) << r.body;
        ErrorBody e = ParseError(r);
        EXPECT_TRUE(e.ok) << r.body;
        EXPECT_FALSE(e.field.empty()) << r.body;
      }
      ++checked_body;
    }
  }
  EXPECT_GT(checked_401, 10);
  EXPECT_GE(checked_csrf, 5);
  EXPECT_GT(checked_query, 10);
  EXPECT_GE(checked_body, 4);

  // Nothing above changed the registry, the accounts or the market.
  EXPECT_EQ(db::QueryInt(served.conn(), "SELECT COUNT(*) FROM change_requests"), 0);
  EXPECT_EQ(db::QueryInt(served.conn(), "SELECT COUNT(*) FROM users"), users);
  for (const std::string& t : market_tables) {
    EXPECT_EQ(*db::QueryInt(served.conn(), "SELECT COUNT(*) FROM " + t), market_before[t]) << t;
  }
}

TEST_P(EveryRouteTest, GrantsStopAtTheirRegion) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  std::optional<int64_t> other_household = db::QueryInt(
      served.conn(), "SELECT MIN(household_id) FROM households WHERE village_code <> '622926101201'");
  ASSERT_TRUE(other_household.has_value());
  const std::string other_village = "622926101202";  // 下科妥村, beside the outlet's village
  const std::string other_county = "622921000000";   // 临夏县

  Session outlet = served.SignIn("outlet");
  EXPECT_EQ(outlet.Get(std::string("/api/v1/villages/") + kShangketuo + "/households").status, 200);
  EXPECT_EQ(outlet.Get("/api/v1/villages/" + other_village + "/households").status, 403);
  EXPECT_EQ(outlet.Get("/api/v1/households/" + std::to_string(*other_household)).status, 403);
  EXPECT_EQ(outlet.Get("/api/v1/indicators?region=" + other_county).status, 403);
  EXPECT_EQ(outlet.Get("/api/v1/change-requests?region=" + other_county).status, 403);
  EXPECT_EQ(outlet.Post("/api/v1/households/" + std::to_string(*other_household) + "/change-requests",
                        R"({"year":2020,"income_per_capita_fen":900000,"reason":"survey"})")
                .status,
            403);
  EXPECT_EQ(outlet.Get("/api/v1/audit").status, 403);
  EXPECT_EQ(outlet.Get("/api/v1/users").status, 403);

  Session station = served.SignIn("station");
  EXPECT_EQ(station.Get("/api/v1/villages/" + other_village + "/households").status, 200);  // same township
  EXPECT_EQ(station.Get("/api/v1/indicators?region=" + other_county).status, 403);

  Session county = served.SignIn("county");
  EXPECT_EQ(county.Get(std::string("/api/v1/indicators?region=") + kDaban).status, 200);  // below the county
  EXPECT_EQ(county.Get("/api/v1/indicators?region=622900000000").status, 403);            // above it

  Session buyer = served.SignIn("buyer");
  EXPECT_EQ(buyer.Get(std::string("/api/v1/villages/") + kShangketuo + "/households").status, 403);
  EXPECT_EQ(buyer.Get("/api/v1/indicators").status, 403);
  EXPECT_EQ(buyer.Get("/api/v1/regions/622900000000").status, 200);

  Session auditor = served.SignIn("auditor");
  EXPECT_EQ(auditor.Get("/api/v1/audit").status, 200);
  EXPECT_EQ(auditor.Get(std::string("/api/v1/villages/") + kShangketuo + "/households").status, 403);
}

TEST_P(EveryRouteTest, GracefulShutdownLosesNoAcknowledgedWrite) {
  ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  Session outlet = served.SignIn("outlet");
  const std::vector<int64_t> households = SelectIds(
      served.conn(), "SELECT household_id FROM households WHERE village_code = '622926101201' ORDER BY household_id");
  ASSERT_FALSE(households.empty());

  std::mutex mu;
  std::set<int64_t> acknowledged;
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  static const std::regex kId("^\\{\"id\":(\\d+),");
  for (int t = 0; t < 6; ++t) {
    writers.emplace_back([&, t] {
      Session s("127.0.0.1", served.port(), outlet.cookie(), outlet.csrf());
      for (int i = 0; !stop; ++i) {
        int64_t h = households[static_cast<size_t>(t * 7 + i) % households.size()];
        HttpResponse r = s.Post("/api/v1/households/" + std::to_string(h) + "/change-requests",
                                "{\"year\":2020,\"income_per_capita_fen\":" + std::to_string(900000 + i) +
                                    ",\"reason\":\"survey\"}");
        if (r.status == 0) break;  // the server has gone
        if (r.status != 201) continue;
        std::smatch m;
        if (std::regex_search(r.body, m, kId)) {
          std::lock_guard lock(mu);
          acknowledged.insert(std::stoll(m[1].str()));
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  int exit_code = served.Stop();
  stop = true;
  for (std::thread& w : writers) w.join();
  EXPECT_EQ(exit_code, 0) << served.Log();
  ASSERT_GT(acknowledged.size(), 5u);
  // Every acknowledged request is in the database, with its audit entry.
  std::set<int64_t> stored;
  auto stmt = served.conn().Prepare("SELECT request_id FROM change_requests");
  while (stmt->Step()) stored.insert(stmt->Int(0));
  for (int64_t id : acknowledged) EXPECT_TRUE(stored.count(id)) << "acknowledged request " << id << " was lost";
  EXPECT_EQ(db::QueryInt(served.conn(), "SELECT COUNT(*) FROM audit_log WHERE action = 'registry.change.propose'"),
            static_cast<int64_t>(stored.size()));
}

INSTANTIATE_TEST_SUITE_P(Backends, EveryRouteTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::testing
