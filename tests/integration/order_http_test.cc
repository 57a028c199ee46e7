// The order path as buyers meet it: the real `fupin serve --test-payments` on
// a scale-0.01 demo database, on SQLite and on PostgreSQL, spoken to over
// HTTP by many clients at once. Races for the last units, concurrent retries
// of one request, bad input that must change nothing, what a supplier may see
// of an order, and payment and refund with the benefit ledger.
#include <ctime>
#include <latch>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "testing/api_json.h"
#include "testing/market_seed.h"
#include "testing/served_demo.h"

namespace fupin::testing {
namespace {

class OrderHttpTest : public ::testing::TestWithParam<Backend> {};

// What a bad request must leave alone.
struct MarketCounts {
  int64_t orders = 0, order_lines = 0, allocations = 0, order_events = 0, lots = 0, lot_households = 0;
  int64_t allocated = 0, on_hand = 0, payments = 0, ledger = 0, audit = 0;
  std::string order_states;  // "id:state," for every order

  static MarketCounts Of(db::Connection& conn) {
    MarketCounts c;
    c.orders = SelectInt(conn, "SELECT COUNT(*) FROM orders");
    c.order_lines = SelectInt(conn, "SELECT COUNT(*) FROM order_lines");
    c.allocations = SelectInt(conn, "SELECT COUNT(*) FROM allocations");
    c.order_events = SelectInt(conn, "SELECT COUNT(*) FROM order_events");
    c.lots = SelectInt(conn, "SELECT COUNT(*) FROM lots");
    c.lot_households = SelectInt(conn, "SELECT COUNT(*) FROM lot_households");
    c.allocated = SelectInt(conn, "SELECT COALESCE(SUM(allocated), 0) FROM lots");
    c.on_hand = SelectInt(conn, "SELECT COALESCE(SUM(on_hand), 0) FROM lots");
    c.payments = SelectInt(conn, "SELECT COUNT(*) FROM payments");
    c.ledger = SelectInt(conn, "SELECT COUNT(*) FROM ledger");
    c.audit = SelectInt(conn, "SELECT COUNT(*) FROM audit_log");
    auto st = conn.Prepare("SELECT order_id, state FROM orders ORDER BY order_id");
    while (st->Step()) c.order_states += fmt::format("{}:{},", st->Int(0), st->Text(1));
    return c;
  }
  bool operator==(const MarketCounts&) const = default;
};

std::ostream& operator<<(std::ostream& os, const MarketCounts& c) {
  return os << fmt::format(
             "orders {} lines {} allocations {} events {} lots {} lot_households {} allocated {} on_hand {} "
             "payments {} ledger {} audit {} states [{}]",
             c.orders, c.order_lines, c.allocations, c.order_events, c.lots, c.lot_households, c.allocated, c.on_hand,
             c.payments, c.ledger, c.audit, c.order_states);
}

int64_t IdOf(const HttpResponse& r) {
  boost::json::value v = ParseJson(r);
  if (!v.is_object() || !v.as_object().contains("id") || !v.as_object().at("id").is_int64()) return 0;
  return v.as_object().at("id").as_int64();
}

std::string StateOf(const HttpResponse& r) {
  boost::json::value v = ParseJson(r);
  return v.is_object() && v.as_object().contains("state") ? Str(v.as_object().at("state")) : "";
}

int CurrentYear() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

// The saleable stock GET /api/v1/products shows for the product (-1 when it is not listed).
int64_t CatalogueSaleable(ServedDemo& served, const SeededProduct& p) {
  HttpClient client = served.Client();
  HttpResponse r = client.Get(fmt::format("/api/v1/products?supplier={}", p.supplier_id));
  EXPECT_EQ(r.status, 200) << r.body;
  boost::json::value v = ParseJson(r);
  if (!v.is_object()) return -1;
  for (const boost::json::value& item : v.as_object().at("items").as_array()) {
    if (item.as_object().at("id").as_int64() == p.product_id) return item.as_object().at("saleable").as_int64();
  }
  return -1;
}

TEST_P(OrderHttpTest, FiftyClientsRaceForTheLastTenUnits) {
  ServedDemo served(GetParam(), {"--test-payments"});
  ASSERT_NE(served.port(), 0);
  db::Connection& db = served.conn();
  // Ten units in two lots, so that the winners also cross from one lot to the next.
  SeededProduct p = SeedProduct(db, 6);
  AddLot(db, p, 4, "2017-09-01");
  ASSERT_EQ(CatalogueSaleable(served, p), 10);
  Session buyer = served.SignIn("buyer");

  constexpr int kClients = 50;
  std::vector<HttpResponse> answers(kClients);
  std::latch ready(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client("127.0.0.1", served.port());
      client.Get("/healthz");  // connected before the start
      ready.arrive_and_wait();
      answers[i] = PostOrder(client, buyer.cookie(), buyer.csrf(), fmt::format("race-{}", i),
                             OrderJson({{p.product_id, 1}}));
    });
  }
  for (std::thread& t : threads) t.join();

  int created = 0, conflicts = 0;
  std::set<int64_t> ids;
  for (const HttpResponse& r : answers) {
    EXPECT_LT(r.status, 500) << r.body;
    EXPECT_NE(r.status, 0) << r.body;
    if (r.status == 201) {
      ++created;
      ids.insert(IdOf(r));
    } else if (r.status == 409) {
      ++conflicts;
      EXPECT_EQ(ErrorCode(r), "conflict");
      EXPECT_EQ(ErrorField(r), "lines[0].quantity") << r.body;
    } else {
      ADD_FAILURE() << "unexpected answer " << r.status << ": " << r.body;
    }
  }
  EXPECT_EQ(created, 10);
  EXPECT_EQ(conflicts, 40);
  EXPECT_EQ(ids.size(), 10u);
  EXPECT_FALSE(ids.contains(0));

  std::string product = std::to_string(p.product_id);
  EXPECT_EQ(SelectInt(db, "SELECT COALESCE(SUM(quantity), 0) FROM order_lines WHERE product_id = ?", {product}), 10);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(DISTINCT order_id) FROM order_lines WHERE product_id = ?", {product}), 10);
  EXPECT_EQ(SelectInt(db, "SELECT COALESCE(SUM(allocated), 0) FROM lots WHERE product_id = ?", {product}), 10);
  EXPECT_EQ(SelectInt(db, "SELECT COALESCE(SUM(on_hand), 0) FROM lots WHERE product_id = ?", {product}), 10);
  EXPECT_EQ(SelectInt(db,
                      "SELECT COALESCE(SUM(a.quantity), 0) FROM allocations a JOIN lots l ON l.lot_id = a.lot_id "
                      "WHERE l.product_id = ?",
                      {product}),
            10);
  // The losers left nothing behind: no order claims their keys.
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM orders WHERE idempotency_key LIKE 'race-%'"), 10);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS "
                          "(SELECT 1 FROM order_lines ol WHERE ol.order_id = o.order_id)"),
            0);
  EXPECT_EQ(CatalogueSaleable(served, p), 0);

  // One more is refused the same way once the race is over.
  HttpClient late = served.Client();
  HttpResponse r = PostOrder(late, buyer.cookie(), buyer.csrf(), "race-late", OrderJson({{p.product_id, 1}}));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(ErrorField(r), "lines[0].quantity");
}

TEST_P(OrderHttpTest, ConcurrentRetriesOfOneRequestMakeOneOrder) {
  ServedDemo served(GetParam(), {"--test-payments"});
  ASSERT_NE(served.port(), 0);
  db::Connection& db = served.conn();
  SeededProduct p = SeedProduct(db, 100);
  Session buyer = served.SignIn("buyer");
  const std::string body = OrderJson({{p.product_id, 3}}, "请在周末送达");

  constexpr int kRetries = 16;
  std::vector<HttpResponse> answers(kRetries);
  std::latch ready(kRetries);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRetries; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client("127.0.0.1", served.port());
      client.Get("/healthz");
      ready.arrive_and_wait();
      answers[i] = PostOrder(client, buyer.cookie(), buyer.csrf(), "retry-7f3a", body);
    });
  }
  for (std::thread& t : threads) t.join();

  std::set<int64_t> ids;
  int replayed = 0;
  for (const HttpResponse& r : answers) {
    EXPECT_EQ(r.status, 201) << r.body;
    ids.insert(IdOf(r));
    if (r.Header("idempotent-replayed") == "true") ++replayed;
  }
  ASSERT_EQ(ids.size(), 1u);
  int64_t id = *ids.begin();
  EXPECT_GT(id, 0);
  EXPECT_EQ(replayed, kRetries - 1);  // one request placed it; the others saw it placed
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM orders WHERE idempotency_key = 'retry-7f3a'"), 1);
  std::string product = std::to_string(p.product_id);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM order_lines WHERE product_id = ?", {product}), 1);
  EXPECT_EQ(SelectInt(db, "SELECT COALESCE(SUM(allocated), 0) FROM lots WHERE product_id = ?", {product}), 3);
  EXPECT_EQ(SelectInt(db,
                      "SELECT COALESCE(SUM(a.quantity), 0) FROM allocations a JOIN order_lines ol ON "
                      "ol.line_id = a.line_id WHERE ol.order_id = ?",
                      {std::to_string(id)}),
            3);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM order_events WHERE order_id = ?", {std::to_string(id)}), 1);
  // Each allocation names its lot's trace code (what the package's QR code opens).
  {
    auto st = db.Prepare(
        "SELECT l.trace_code FROM allocations a JOIN order_lines ol ON ol.line_id = a.line_id "
        "JOIN lots l ON l.lot_id = a.lot_id WHERE ol.order_id = ?");
    st->Bind(1, id);
    int codes = 0;
    while (st->Step()) {
      ++codes;
      EXPECT_NE(answers[0].body.find("\"trace_code\":\"" + st->Text(0) + "\""), std::string::npos) << answers[0].body;
    }
    EXPECT_GT(codes, 0);
  }

  // The same key with another body is refused and changes nothing.
  MarketCounts before = MarketCounts::Of(db);
  HttpClient client = served.Client();
  HttpResponse other =
      PostOrder(client, buyer.cookie(), buyer.csrf(), "retry-7f3a", OrderJson({{p.product_id, 4}}, "请在周末送达"));
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(ErrorCode(other), "idempotency_key_reused");
  EXPECT_EQ(ErrorField(other), "Idempotency-Key");
  HttpResponse other_note = PostOrder(client, buyer.cookie(), buyer.csrf(), "retry-7f3a", OrderJson({{p.product_id, 3}}));
  EXPECT_EQ(other_note.status, 422) << other_note.body;
  EXPECT_EQ(MarketCounts::Of(db), before);

  // A later retry of the first request still answers with the first order.
  HttpResponse again = PostOrder(client, buyer.cookie(), buyer.csrf(), "retry-7f3a", body);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(IdOf(again), id);
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(again.Header("location"), fmt::format("/api/v1/orders/{}", id));
  EXPECT_EQ(MarketCounts::Of(db), before);
}

struct BadRequest {
  const char* name;
  std::string target;
  std::string body;
  std::string field;  // expected error.field
};

TEST_P(OrderHttpTest, BadInputIsRefusedNamingTheFieldAndChangesNothing) {
  ServedDemo served(GetParam(), {"--test-payments"});
  ASSERT_NE(served.port(), 0);
  db::Connection& db = served.conn();
  // The product of a cooperative in the demo outlet operator's village, so
  // that a lot intake passes every check up to the one under test.
  SeedOptions at_outlet;
  at_outlet.village = kShangketuo;
  at_outlet.households = 2;
  SeededProduct local = SeedProduct(db, 50, at_outlet);
  SeededProduct p = SeedProduct(db, 100);
  int64_t stranger = SelectInt(db, "SELECT MIN(household_id) FROM households WHERE village_code <> ?", {kShangketuo});
  Session buyer = served.SignIn("buyer");
  Session outlet = served.SignIn("outlet");
  Session admin = served.SignIn("admin");
  HttpClient client = served.Client();

  // An order to move (placed, not paid).
  HttpResponse placed = PostOrder(client, buyer.cookie(), buyer.csrf(), "bad-input-base", OrderJson({{p.product_id, 2}}));
  ASSERT_EQ(placed.status, 201) << placed.body;
  int64_t order = IdOf(placed);

  const std::string ship = R"("ship_to":{"name":"马老师","phone":"13800000000","address":"临夏市"})";
  auto order_body = [&](const std::string& lines, const std::string& rest = "") {
    return "{\"lines\":" + lines + "," + ship + rest + "}";
  };
  const std::string good_line = fmt::format(R"({{"product_id":{},"quantity":1}})", p.product_id);
  std::string hundred_and_one = "[";
  for (int i = 0; i < 101; ++i) hundred_and_one += fmt::format("{}{{\"product_id\":{},\"quantity\":1}}", i ? "," : "", i + 1);
  hundred_and_one += "]";

  MarketCounts before = MarketCounts::Of(db);

  // ---- POST /api/v1/orders ----
  struct OrderCase {
    const char* name;
    std::string key;
    std::string body;
    std::string field;
  };
  std::vector<OrderCase> orders{
      {"no key", "", OrderJson({{p.product_id, 1}}), "Idempotency-Key"},
      {"key too long", std::string(129, 'k'), OrderJson({{p.product_id, 1}}), "Idempotency-Key"},
      {"key not ASCII", "订单-1", OrderJson({{p.product_id, 1}}), "Idempotency-Key"},
      {"not JSON", "bad-1", "{\"lines\":", "body"},
      {"not an object", "bad-2", "[]", "body"},
      {"no lines", "bad-3", "{" + ship + "}", "lines"},
      {"empty lines", "bad-4", order_body("[]"), "lines"},
      {"lines not a list", "bad-5", order_body("\"apples\""), "lines"},
      {"101 lines", "bad-6", order_body(hundred_and_one), "lines"},
      {"quantity 0", "bad-7", order_body(fmt::format(R"([{{"product_id":{},"quantity":0}}])", p.product_id)),
       "lines[0].quantity"},
      {"quantity negative", "bad-8", order_body(fmt::format(R"([{{"product_id":{},"quantity":-2}}])", p.product_id)),
       "lines[0].quantity"},
      {"quantity text", "bad-9", order_body(fmt::format(R"([{{"product_id":{},"quantity":"2"}}])", p.product_id)),
       "lines[0].quantity"},
      {"quantity fraction", "bad-10",
       order_body(fmt::format(R"([{{"product_id":{},"quantity":1.5}}])", p.product_id)), "lines[0].quantity"},
      {"quantity too large", "bad-11",
       order_body(fmt::format(R"([{{"product_id":{},"quantity":100000001}}])", p.product_id)), "lines[0].quantity"},
      {"no product", "bad-12", order_body(R"([{"quantity":1}])"), "lines[0].product_id"},
      {"unknown product", "bad-13", order_body(R"([{"product_id":987654321,"quantity":1}])"), "lines[0].product_id"},
      {"product twice", "bad-14", order_body("[" + good_line + "," + good_line + "]"), "lines[1].product_id"},
      {"unknown line field", "bad-15",
       order_body(fmt::format(R"([{{"product_id":{},"quantity":1,"price_fen":1}}])", p.product_id)),
       "lines[0].price_fen"},
      {"unknown field", "bad-16", order_body("[" + good_line + "]", ",\"coupon\":\"FREE\""), "coupon"},
      {"no ship_to", "bad-17", "{\"lines\":[" + good_line + "]}", "ship_to"},
      {"short phone", "bad-18",
       "{\"lines\":[" + good_line + R"(],"ship_to":{"name":"马老师","phone":"12","address":"临夏市"}})",
       "ship_to.phone"},
      {"name not text", "bad-19",
       "{\"lines\":[" + good_line + R"(],"ship_to":{"name":7,"phone":"13800000000","address":"临夏市"}})",
       "ship_to.name"},
      {"unknown ship_to field", "bad-20",
       "{\"lines\":[" + good_line +
           R"(],"ship_to":{"name":"马老师","phone":"13800000000","address":"临夏市","email":"a@b.cn"}})",
       "ship_to.email"},
      {"note too long", "bad-21", order_body("[" + good_line + "]", ",\"note\":\"" + std::string(501, 'n') + "\""),
       "note"},
  };
  for (const OrderCase& c : orders) {
    HttpResponse r = PostOrder(client, buyer.cookie(), buyer.csrf(), c.key, c.body);
    EXPECT_EQ(r.status, 400) << c.name << ": " << r.body;
    EXPECT_EQ(ErrorCode(r), "invalid_argument") << c.name << ": " << r.body;
    EXPECT_EQ(ErrorField(r), c.field) << c.name << ": " << r.body;
    EXPECT_EQ(MarketCounts::Of(db), before) << c.name;
  }

  // ---- POST /api/v1/lots (as the outlet operator of the village) ----
  int64_t h0 = local.household_ids[0], h1 = local.household_ids[1];
  auto lot_body = [&](const std::string& households, const std::string& extra = "",
                      const std::string& inspection = R"({"test":"农残速测","result":"pass","inspector":"马林"})",
                      const std::string& quantity = "10", const std::string& date = "2017-09-01",
                      const std::string& grade = "一级", int64_t product = 0, int64_t outlet_id = 0) {
    return fmt::format(
        R"({{"product_id":{},"outlet_id":{},"quantity":{},"grade":"{}","intake_date":"{}","inspection":{},"households":{}{}}})",
        product ? product : local.product_id, outlet_id ? outlet_id : local.outlet_id, quantity, grade, date,
        inspection, households, extra);
  };
  const std::string good_households =
      fmt::format(R"([{{"household_id":{},"quantity":6,"paid_fen":1800}},{{"household_id":{},"quantity":4,"paid_fen":1200}}])",
                  h0, h1);
  std::vector<BadRequest> lots{
      {"lot not JSON", "/api/v1/lots", "{", "body"},
      {"lot quantity 0", "/api/v1/lots", lot_body(good_households, "", R"({"test":"t","result":"pass","inspector":"i"})", "0"),
       "quantity"},
      {"lot quantity text", "/api/v1/lots",
       lot_body(good_households, "", R"({"test":"t","result":"pass","inspector":"i"})", "\"10\""), "quantity"},
      {"lot unknown field", "/api/v1/lots", lot_body(good_households, ",\"price_fen\":100"), "price_fen"},
      {"lot no inspection", "/api/v1/lots",
       fmt::format(R"({{"product_id":{},"outlet_id":{},"quantity":10,"grade":"一级","intake_date":"2017-09-01"}})",
                   local.product_id, local.outlet_id),
       "inspection"},
      {"lot inspection result", "/api/v1/lots",
       lot_body(good_households, "", R"({"test":"t","result":"okay","inspector":"i"})"), "inspection.result"},
      {"lot inspection unknown field", "/api/v1/lots",
       lot_body(good_households, "", R"({"test":"t","result":"pass","inspector":"i","lab":"x"})"), "inspection.lab"},
      {"lot bad date", "/api/v1/lots",
       lot_body(good_households, "", R"({"test":"t","result":"pass","inspector":"i"})", "10", "2017-13-01"),
       "intake_date"},
      {"lot unknown grade", "/api/v1/lots",
       lot_body(good_households, "", R"({"test":"t","result":"pass","inspector":"i"})", "10", "2017-09-01", "特级"),
       "grade"},
      {"lot unknown product", "/api/v1/lots",
       lot_body(good_households, "", R"({"test":"t","result":"pass","inspector":"i"})", "10", "2017-09-01", "一级",
                987654321),
       "product_id"},
      {"lot unknown outlet", "/api/v1/lots",
       lot_body(good_households, "", R"({"test":"t","result":"pass","inspector":"i"})", "10", "2017-09-01", "一级", 0,
                987654321),
       "outlet_id"},
      {"lot household quantity 0", "/api/v1/lots",
       lot_body(fmt::format(R"([{{"household_id":{},"quantity":0,"paid_fen":0}}])", h0)), "households[0].quantity"},
      {"lot household unknown field", "/api/v1/lots",
       lot_body(fmt::format(R"([{{"household_id":{},"quantity":10,"paid_fen":3000,"name":"x"}}])", h0)),
       "households[0].name"},
      {"lot households do not add up", "/api/v1/lots",
       lot_body(fmt::format(R"([{{"household_id":{},"quantity":6,"paid_fen":1800}}])", h0)), "households"},
      {"lot household twice", "/api/v1/lots",
       lot_body(fmt::format(R"([{{"household_id":{0},"quantity":5,"paid_fen":1}},{{"household_id":{0},"quantity":5,"paid_fen":1}}])",
                            h0)),
       "households[1].household_id"},
      {"lot household not linked", "/api/v1/lots",
       lot_body(fmt::format(R"([{{"household_id":{},"quantity":10,"paid_fen":3000}}])", stranger)),
       "households[0].household_id"},
  };
  for (const BadRequest& c : lots) {
    HttpResponse r = outlet.Post(c.target, c.body);
    EXPECT_EQ(r.status, 400) << c.name << ": " << r.body;
    EXPECT_EQ(ErrorField(r), c.field) << c.name << ": " << r.body;
    EXPECT_EQ(MarketCounts::Of(db), before) << c.name;
  }

  // ---- The moves of an order ----
  std::string base = fmt::format("/api/v1/orders/{}", order);
  std::vector<std::pair<Session*, BadRequest>> moves{
      {&buyer, {"pay not JSON", base + "/pay", "{", "body"}},
      {&buyer, {"pay no provider", base + "/pay", "{}", "provider"}},
      {&buyer, {"pay provider not text", base + "/pay", R"({"provider":1})", "provider"}},
      {&buyer, {"pay unknown provider", base + "/pay", R"({"provider":"alipay-free"})", "provider"}},
      {&buyer, {"pay unknown field", base + "/pay", R"({"provider":"test","tip_fen":100})", "tip_fen"}},
      {&buyer, {"pay bad outcome", base + "/pay", R"({"provider":"test","outcome":"maybe"})", "outcome"}},
      {&buyer, {"pay id not a number", "/api/v1/orders/abc/pay", R"({"provider":"test"})", "id"}},
      {&buyer, {"cancel reason too long", base + "/cancel", "{\"reason\":\"" + std::string(501, 'r') + "\"}", "reason"}},
      {&buyer, {"cancel unknown field", base + "/cancel", R"({"why":"x"})", "why"}},
      {&admin, {"refund no reason", base + "/refund", "{}", "reason"}},
      {&admin, {"refund empty reason", base + "/refund", R"({"reason":""})", "reason"}},
      {&admin, {"ship no tracking", base + "/ship", "{}", "tracking_no"}},
      {&buyer, {"accept unknown field", base + "/accept", R"({"stars":5})", "stars"}},
      {&buyer, {"rating stars 6", base + "/ratings", fmt::format(R"({{"supplier_id":{},"stars":6}})", p.supplier_id),
                "stars"}},
  };
  for (auto& [session, c] : moves) {
    HttpResponse r = session->Post(c.target, c.body);
    EXPECT_EQ(r.status, 400) << c.name << ": " << r.body;
    EXPECT_EQ(ErrorField(r), c.field) << c.name << ": " << r.body;
    EXPECT_EQ(MarketCounts::Of(db), before) << c.name;
  }

  // The refusals were not for want of a good request: the same routes with
  // good input do change things (so the counts above could have moved).
  HttpResponse lot = outlet.Post("/api/v1/lots", lot_body(good_households));
  EXPECT_EQ(lot.status, 201) << lot.body;
  MarketCounts after_lot = MarketCounts::Of(db);
  EXPECT_EQ(after_lot.lots, before.lots + 1);
  EXPECT_EQ(after_lot.lot_households, before.lot_households + 2);
  // With an Idempotency-Key a lot sent again is the same lot (201, replayed),
  // the key with another intake is 422, and an empty key is 400.
  {
    auto post_lot = [&](const std::string& key, const std::string& body) {
      return client.Request("POST", "/api/v1/lots", body,
                            {{"Cookie", outlet.cookie()}, {"X-CSRF-Token", outlet.csrf()},
                             {"Content-Type", "application/json"}, {"Idempotency-Key", key}});
    };
    HttpResponse first = post_lot("intake-1", lot_body(good_households));
    EXPECT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(first.Header("idempotent-replayed"), "");
    HttpResponse again = post_lot("intake-1", lot_body(good_households));
    EXPECT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.Header("idempotent-replayed"), "true");
    EXPECT_EQ(again.body, first.body);
    HttpResponse other = post_lot("intake-1", lot_body(good_households, "", R"({"test":"t","result":"pass","inspector":"i"})", "10", "2017-09-02"));
    EXPECT_EQ(other.status, 422) << other.body;
    EXPECT_EQ(ErrorField(other), "Idempotency-Key") << other.body;
    HttpResponse empty = post_lot("", lot_body(good_households));
    EXPECT_EQ(empty.status, 400) << empty.body;
    EXPECT_EQ(ErrorField(empty), "Idempotency-Key") << empty.body;
    EXPECT_EQ(MarketCounts::Of(db).lots, after_lot.lots + 1);
  }
  after_lot = MarketCounts::Of(db);
  // A key whose request was refused by the service after claiming it is free
  // again: the refused transaction left no order behind.
  HttpResponse fresh = PostOrder(client, buyer.cookie(), buyer.csrf(), "bad-13", OrderJson({{p.product_id, 1}}));
  EXPECT_EQ(fresh.status, 201) << fresh.body;
  EXPECT_EQ(fresh.Header("idempotent-replayed"), "");
  HttpResponse paid = buyer.Post(base + "/pay", R"({"provider":"test"})");
  EXPECT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(StateOf(paid), "paid");
  MarketCounts after = MarketCounts::Of(db);
  EXPECT_EQ(after.orders, before.orders + 1);
  EXPECT_EQ(after.payments, before.payments + 1);
  EXPECT_GT(after.ledger, before.ledger);
}

TEST_P(OrderHttpTest, ASupplierSeesOnlyItsOwnLinesAndNoBuyerDetails) {
  ServedDemo served(GetParam(), {"--test-payments"});
  ASSERT_NE(served.port(), 0);
  db::Connection& db = served.conn();
  int64_t supplier_user = UserId(db, "supplier");
  // The demo account owns the seeded cooperative (and nothing else).
  {
    auto st = db.Prepare("UPDATE suppliers SET owner_user_id = NULL WHERE owner_user_id = ?");
    st->Bind(1, supplier_user);
    st->Run();
  }
  SeedOptions owned;
  owned.owner_user_id = supplier_user;
  SeededProduct mine = SeedProduct(db, 100, owned);
  SeedOptions cheaper;
  cheaper.price_fen = 250;
  SeededProduct theirs = SeedProduct(db, 100, cheaper);

  Session buyer = served.SignIn("buyer");
  HttpClient client = served.Client();
  HttpResponse mixed = PostOrder(client, buyer.cookie(), buyer.csrf(), "iso-mixed",
                                 OrderJson({{mine.product_id, 2}, {theirs.product_id, 3}}, "门口放下即可"));
  ASSERT_EQ(mixed.status, 201) << mixed.body;
  HttpResponse other = PostOrder(client, buyer.cookie(), buyer.csrf(), "iso-theirs", OrderJson({{theirs.product_id, 1}}));
  ASSERT_EQ(other.status, 201) << other.body;
  HttpResponse own = PostOrder(client, buyer.cookie(), buyer.csrf(), "iso-mine", OrderJson({{mine.product_id, 1}}));
  ASSERT_EQ(own.status, 201) << own.body;
  int64_t mixed_id = IdOf(mixed), other_id = IdOf(other), own_id = IdOf(own);
  // The buyer sees both lines and where they go.
  EXPECT_NE(mixed.body.find("13800000000"), std::string::npos);

  Session supplier = served.SignIn("supplier");
  HttpResponse seen = supplier.Get(fmt::format("/api/v1/orders/{}", mixed_id));
  ASSERT_EQ(seen.status, 200) << seen.body;
  boost::json::object o = ParseJson(seen).as_object();
  const boost::json::array& lines = o.at("lines").as_array();
  ASSERT_EQ(lines.size(), 1u) << seen.body;
  EXPECT_EQ(lines[0].as_object().at("product_id").as_int64(), mine.product_id);
  EXPECT_EQ(o.at("total_fen").as_int64(), 2 * 1000);
  for (const char* hidden : {"ship_to", "note", "buyer_user_id", "institution_id", "invoice_no"}) {
    EXPECT_FALSE(o.contains(hidden)) << hidden << " in " << seen.body;
  }
  for (const char* text : {"马老师", "13800000000", "红园路", "门口放下即可"}) {
    EXPECT_EQ(seen.body.find(text), std::string::npos) << text << " in " << seen.body;
  }
  EXPECT_EQ(seen.body.find(fmt::format("\"product_id\":{}", theirs.product_id)), std::string::npos) << seen.body;

  // Another supplier's order does not exist for it, to read or to pay.
  HttpResponse not_mine = supplier.Get(fmt::format("/api/v1/orders/{}", other_id));
  EXPECT_EQ(not_mine.status, 404) << not_mine.body;
  EXPECT_EQ(not_mine.body.find("13800000000"), std::string::npos);
  HttpResponse pay = supplier.Post(fmt::format("/api/v1/orders/{}/pay", other_id), R"({"provider":"test"})");
  EXPECT_EQ(pay.status, 404) << pay.body;
  HttpResponse lot = supplier.Get(fmt::format("/api/v1/lots/{}", theirs.lot_ids[0]));
  EXPECT_EQ(lot.status, 403) << lot.body;

  // Its order list has its two orders and not the other.
  HttpResponse list = supplier.Get("/api/v1/orders");
  ASSERT_EQ(list.status, 200) << list.body;
  std::set<int64_t> listed;
  boost::json::value listing = ParseJson(list);
  for (const boost::json::value& item : listing.as_object().at("items").as_array()) {
    listed.insert(item.as_object().at("id").as_int64());
    EXPECT_FALSE(item.as_object().contains("ship_to")) << list.body;
  }
  EXPECT_EQ(listed, (std::set<int64_t>{mixed_id, own_id}));
  EXPECT_EQ(list.body.find("13800000000"), std::string::npos);
}

TEST_P(OrderHttpTest, PaymentCreditsTheLedgerAndARefundNetsItToZero) {
  ServedDemo served(GetParam(), {"--test-payments"});
  ASSERT_NE(served.port(), 0);
  db::Connection& db = served.conn();
  SeededProduct p = SeedProduct(db, 5);
  AddLot(db, p, 100, "2017-09-01");
  Session buyer = served.SignIn("buyer");
  HttpClient client = served.Client();
  HttpResponse placed = PostOrder(client, buyer.cookie(), buyer.csrf(), "pay-1", OrderJson({{p.product_id, 7}}));
  ASSERT_EQ(placed.status, 201) << placed.body;
  int64_t id = IdOf(placed);
  std::string ids = std::to_string(id);
  std::string base = fmt::format("/api/v1/orders/{}", id);
  EXPECT_EQ(StateOf(placed), "placed");
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM ledger WHERE order_id = ?", {ids}), 0);

  HttpResponse paid = buyer.Post(base + "/pay", R"({"provider":"test"})");
  ASSERT_EQ(paid.status, 200) << paid.body;
  HttpResponse got = buyer.Get(base);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(StateOf(got), "paid");
  EXPECT_TRUE(ParseJson(got).as_object().at("paid_at").is_string()) << got.body;

  // 5 units of the first lot and 2 of the second; the households were paid
  // 300 fen a unit, so the ledger holds 1,500 + round(2 × 30,000 / 100) fen.
  int year = CurrentYear();
  int64_t expected = ExpectedCredits(db, id, year);
  EXPECT_EQ(expected, 1500 + 600);
  EXPECT_GT(SelectInt(db, "SELECT COUNT(*) FROM ledger WHERE order_id = ?", {ids}), 0);
  EXPECT_EQ(SelectInt(db, "SELECT COALESCE(SUM(amount_fen), 0) FROM ledger WHERE order_id = ?", {ids}), expected);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM payments WHERE order_id = ? AND kind = 'payment'", {ids}), 1);
  EXPECT_EQ(SelectInt(db, "SELECT amount_fen FROM payments WHERE order_id = ?", {ids}), 7 * 1000);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(DISTINCT household_id) FROM ledger WHERE order_id = ?", {ids}), 3);

  // Paying twice is a conflict and writes nothing.
  MarketCounts before = MarketCounts::Of(db);
  HttpResponse twice = buyer.Post(base + "/pay", R"({"provider":"test"})");
  EXPECT_EQ(twice.status, 409) << twice.body;
  // Only an admin or a county operator refunds.
  HttpResponse by_buyer = buyer.Post(base + "/refund", R"({"reason":"changed my mind"})");
  EXPECT_EQ(by_buyer.status, 403) << by_buyer.body;
  EXPECT_EQ(MarketCounts::Of(db), before);

  Session admin = served.SignIn("admin");
  HttpResponse refunded = admin.Post(base + "/refund", R"({"reason":"damaged in transit"})");
  ASSERT_EQ(refunded.status, 200) << refunded.body;
  EXPECT_EQ(StateOf(refunded), "refunded");
  EXPECT_EQ(SelectInt(db, "SELECT COALESCE(SUM(amount_fen), 0) FROM ledger WHERE order_id = ?", {ids}), 0);
  EXPECT_EQ(SelectInt(db, "SELECT COALESCE(SUM(quantity), 0) FROM ledger WHERE order_id = ?", {ids}), 0);
  // Every credit is reversed exactly once, by an entry that names it.
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM ledger WHERE order_id = ? AND reverses IS NULL", {ids}),
            SelectInt(db, "SELECT COUNT(*) FROM ledger WHERE order_id = ? AND reverses IS NOT NULL", {ids}));
  EXPECT_EQ(SelectInt(db,
                      "SELECT COUNT(*) FROM ledger e WHERE e.order_id = ? AND e.reverses IS NULL AND "
                      "(SELECT COUNT(*) FROM ledger r WHERE r.reverses = e.entry_id) <> 1",
                      {ids}),
            0);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM payments WHERE order_id = ? AND kind = 'refund'", {ids}), 1);
  EXPECT_EQ(SelectInt(db, "SELECT COALESCE(SUM(allocated), 0) FROM lots WHERE product_id = ?",
                      {std::to_string(p.product_id)}),
            0);
  EXPECT_EQ(CatalogueSaleable(served, p), 105);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'market.order.refund' AND target = ?",
                      {"order:" + ids}),
            1);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM audit_log WHERE action = 'market.order.pay' AND target = ?",
                      {"order:" + ids}),
            1);
  HttpResponse again = admin.Post(base + "/refund", R"({"reason":"damaged in transit"})");
  EXPECT_EQ(again.status, 409) << again.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, OrderHttpTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::testing
