// Crash safety of the order path: the real `fupin serve --test-payments`,
// on SQLite and on PostgreSQL, is killed with SIGKILL at random moments while
// eight clients place and pay orders, and started again on the same database.
// Afterwards every answer the clients were given still holds, and the stock
// and money invariants hold for every lot and order:
//
//  - an acknowledged order (201) exists; an acknowledged payment (200) is paid,
//    with one payment row and the ledger credits benefit::CreditsFor gives;
//  - a request that got no answer is retried with the same key after the
//    restart and then answered: it either committed whole or not at all;
//  - for every lot, allocated = the units of its allocations to placed, paid
//    or packed orders; on hand = the units taken in − those of shipped,
//    delivered or accepted orders; 0 ≤ allocated ≤ on hand;
//  - no order without lines, every line fully allocated, every order paid at
//    some point has exactly one payment row, unpaid ones have none.
//
// The run is seeded: the seed is printed, and FUPIN_CRASH_SEED=N repeats the
// kill times and the requests (not the thread interleaving).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
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

class CrashTest : public ::testing::TestWithParam<Backend> {};

constexpr int kClients = 8;
constexpr int kKills = 5;

uint32_t Seed() {
  if (const char* s = std::getenv("FUPIN_CRASH_SEED")) return static_cast<uint32_t>(std::strtoul(s, nullptr, 10));
  return std::random_device{}();
}

int64_t IdOf(const HttpResponse& r) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("id") || !v.as_object().at("id").is_int64()) return 0;
  return v.as_object().at("id").as_int64();
}

std::string StateOf(const HttpResponse& r) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("state")) return "";
  return Str(v.as_object().at("state"));
}

// What the clients were told, and what they were not told (no answer).
struct Outcomes {
  std::mutex mu;
  std::map<std::string, int64_t> placed;          // key → order id, acknowledged with 201
  std::set<int64_t> paid;                         // acknowledged with 200
  std::map<std::string, std::string> unanswered;  // key → body of an order request without an answer
  std::set<int64_t> pay_unanswered;               // pay requests without an answer
  std::vector<std::string> failures;              // answers no client should get
  int64_t requests = 0;
  int64_t retried = 0;    // requests sent again after a restart
  int64_t committed = 0;  // of those, how many had committed before the crash
};

// One client: places orders and pays about half of them until the server
// stops answering or `stop` is set.
void Drive(uint16_t port, const Session& buyer, const std::vector<int64_t>& products, uint32_t seed,
           const std::string& prefix, const std::atomic<bool>& stop, Outcomes& out) {
  std::mt19937 rng(seed);
  HttpClient client("127.0.0.1", port);
  std::vector<std::pair<std::string, std::string>> headers{
      {"Cookie", buyer.cookie()}, {"X-CSRF-Token", buyer.csrf()}, {"Content-Type", "application/json"}};
  for (int n = 0; !stop.load(); ++n) {
    std::vector<std::pair<int64_t, int64_t>> lines;
    for (int64_t product : products) {
      if (lines.empty() || rng() % 2 == 0) lines.push_back({product, 1 + static_cast<int64_t>(rng() % 3)});
    }
    if (rng() % 2 == 0 && lines.size() > 1) lines.erase(lines.begin());
    std::string key = fmt::format("{}-{}", prefix, n);
    std::string body = OrderJson(lines);
    HttpResponse r = PostOrder(client, buyer.cookie(), buyer.csrf(), key, body);
    int64_t id = IdOf(r);
    {
      std::lock_guard lock(out.mu);
      ++out.requests;
      if (r.status == 0) {
        out.unanswered[key] = body;
        return;
      }
      if (r.status != 201 || id == 0) {
        out.failures.push_back(fmt::format("POST /api/v1/orders ({}) answered {}: {}", key, r.status, r.body));
        return;
      }
      out.placed[key] = id;
    }
    if (rng() % 2 != 0) continue;
    HttpResponse p = client.Request("POST", fmt::format("/api/v1/orders/{}/pay", id), R"({"provider":"test"})", headers);
    std::lock_guard lock(out.mu);
    ++out.requests;
    if (p.status == 0) {
      out.pay_unanswered.insert(id);
      return;
    }
    if (p.status != 200 || StateOf(p) != "paid") {
      out.failures.push_back(fmt::format("paying order {} answered {}: {}", id, p.status, p.body));
      return;
    }
    out.paid.insert(id);
  }
}

// Sends again, with the same key and body, every request that got no answer
// before the crash: each must now be answered as if it had been sent once.
void Resolve(uint16_t port, const Session& buyer, Outcomes& out) {
  HttpClient client("127.0.0.1", port);
  out.retried += static_cast<int64_t>(out.unanswered.size() + out.pay_unanswered.size());
  for (const auto& [key, body] : out.unanswered) {
    HttpResponse r = PostOrder(client, buyer.cookie(), buyer.csrf(), key, body);
    if (r.status != 201 || IdOf(r) == 0) {
      out.failures.push_back(fmt::format("retry of {} after the restart answered {}: {}", key, r.status, r.body));
      continue;
    }
    out.placed[key] = IdOf(r);
    if (r.Header("idempotent-replayed") == "true") ++out.committed;
  }
  out.unanswered.clear();
  for (int64_t id : out.pay_unanswered) {
    HttpResponse p = client.Request("POST", fmt::format("/api/v1/orders/{}/pay", id), R"({"provider":"test"})",
                                    {{"Cookie", buyer.cookie()},
                                     {"X-CSRF-Token", buyer.csrf()},
                                     {"Content-Type", "application/json"}});
    if (p.status == 200 || p.status == 409) {
      // 409: the payment had committed before the crash.
      HttpResponse got = client.Request("GET", fmt::format("/api/v1/orders/{}", id), "", {{"Cookie", buyer.cookie()}});
      if (StateOf(got) == "paid") {
        if (p.status == 409) ++out.committed;
        out.paid.insert(id);
        continue;
      }
    }
    out.failures.push_back(fmt::format("retry of paying order {} answered {}: {}", id, p.status, p.body));
  }
  out.pay_unanswered.clear();
}

TEST_P(CrashTest, AKilledServerKeepsEveryAnswerItGaveAndTheStockInvariants) {
  const uint32_t seed = Seed();
  std::printf("crash test seed: %u (FUPIN_CRASH_SEED=%u repeats it)\n", seed, seed);
  RecordProperty("seed", std::to_string(seed));
  SCOPED_TRACE(fmt::format("seed {}", seed));
  std::mt19937 rng(seed);

  ServedDemo served(GetParam(), {"--test-payments"});
  ASSERT_NE(served.port(), 0);
  db::Connection& db = served.conn();
  // Two suppliers; the first product's stock in two lots, so orders cross lots.
  SeededProduct a = SeedProduct(db, 4000);
  AddLot(db, a, 4000, "2017-09-01");
  SeedOptions other;
  other.price_fen = 2350;
  other.households = 2;
  SeededProduct b = SeedProduct(db, 5000, other);
  std::vector<int64_t> products{a.product_id, b.product_id};

  Session buyer = served.SignIn("buyer");
  Outcomes out;
  for (int round = 0; round < kKills; ++round) {
    // The session is in the database: it outlives the server.
    Resolve(served.port(), buyer, out);
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < kClients; ++t) {
      clients.emplace_back(Drive, served.port(), std::cref(buyer), std::cref(products), seed + 1000 * round + t,
                           fmt::format("crash-{}-{}", round, t), std::cref(stop), std::ref(out));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 251));
    served.Kill();
    stop = true;
    for (std::thread& c : clients) c.join();
    served.Restart();
    ASSERT_NE(served.port(), 0) << "round " << round;
  }
  Resolve(served.port(), buyer, out);
  for (const std::string& f : out.failures) ADD_FAILURE() << f;
  std::printf("crash test: %lld requests; %lld without an answer, sent again (%lld of them had committed); "
              "%zu orders acknowledged, %zu paid; %d kills\n",
              static_cast<long long>(out.requests), static_cast<long long>(out.retried),
              static_cast<long long>(out.committed), out.placed.size(), out.paid.size(), kKills);
  ASSERT_GT(out.placed.size(), 0u);

  // Every acknowledged order is there, as it was placed; nothing else of ours.
  int64_t buyer_id = UserId(db, "buyer");
  for (const auto& [key, id] : out.placed) {
    auto st = db.Prepare("SELECT buyer_user_id, idempotency_key, state FROM orders WHERE order_id = ?");
    st->Bind(1, id);
    ASSERT_TRUE(st->Step()) << "acknowledged order " << id << " (" << key << ") is gone";
    EXPECT_EQ(st->Int(0), buyer_id);
    EXPECT_EQ(st->Text(1), key);
    std::string state = st->Text(2);
    st->Run();
    EXPECT_EQ(state, out.paid.contains(id) ? "paid" : "placed") << "order " << id;
  }
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM orders WHERE idempotency_key LIKE 'crash-%'"),
            static_cast<int64_t>(out.placed.size()));
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM orders WHERE idempotency_key LIKE 'crash-%' AND state = 'paid'"),
            static_cast<int64_t>(out.paid.size()));

  // Every acknowledged payment: one payment row, and the credits the rule gives.
  for (int64_t id : out.paid) {
    std::string ids = std::to_string(id);
    EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM payments WHERE order_id = ?", {ids}), 1) << "order " << id;
    int year = static_cast<int>(SelectInt(db, "SELECT MIN(year) FROM ledger WHERE order_id = ?", {ids}));
    int64_t expected = ExpectedCredits(db, id, year);
    EXPECT_GT(expected, 0) << "order " << id;
    EXPECT_EQ(SelectInt(db, "SELECT COALESCE(SUM(amount_fen), 0) FROM ledger WHERE order_id = ?", {ids}), expected)
        << "order " << id;
  }

  // The invariants, for every lot and order in the database.
  auto lots = db.Prepare(
      "SELECT l.lot_id, l.quantity, l.on_hand, l.allocated, l.inspection_result, "
      "COALESCE((SELECT SUM(a.quantity) FROM allocations a JOIN order_lines ol ON ol.line_id = a.line_id "
      "JOIN orders o ON o.order_id = ol.order_id WHERE a.lot_id = l.lot_id "
      "AND o.state IN ('placed', 'paid', 'packed')), 0), "
      "COALESCE((SELECT SUM(a.quantity) FROM allocations a JOIN order_lines ol ON ol.line_id = a.line_id "
      "JOIN orders o ON o.order_id = ol.order_id WHERE a.lot_id = l.lot_id "
      "AND o.state IN ('shipped', 'delivered', 'accepted')), 0) "
      "FROM lots l ORDER BY l.lot_id");
  int lots_checked = 0;
  while (lots->Step()) {
    int64_t lot = lots->Int(0), quantity = lots->Int(1), on_hand = lots->Int(2), allocated = lots->Int(3);
    int64_t taken_in = lots->Text(4) == "pass" ? quantity : 0;
    int64_t held = lots->Int(5), gone = lots->Int(6);
    EXPECT_EQ(allocated, held) << "lot " << lot;
    EXPECT_EQ(on_hand, taken_in - gone) << "lot " << lot;
    EXPECT_GE(allocated, 0) << "lot " << lot;
    EXPECT_LE(allocated, on_hand) << "lot " << lot;
    ++lots_checked;
  }
  EXPECT_GE(lots_checked, 3);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS "
                          "(SELECT 1 FROM order_lines ol WHERE ol.order_id = o.order_id)"),
            0);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM order_lines ol WHERE ol.quantity <> "
                          "COALESCE((SELECT SUM(a.quantity) FROM allocations a WHERE a.line_id = ol.line_id), 0)"),
            0);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM orders o WHERE o.total_fen <> "
                          "(SELECT SUM(ol.amount_fen) FROM order_lines ol WHERE ol.order_id = o.order_id)"),
            0);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM orders o WHERE o.state IN "
                          "('paid', 'packed', 'shipped', 'delivered', 'accepted', 'refunded') AND (SELECT COUNT(*) "
                          "FROM payments p WHERE p.order_id = o.order_id AND p.kind = 'payment') <> 1"),
            0);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM orders o WHERE o.state IN ('placed', 'cancelled') AND EXISTS "
                          "(SELECT 1 FROM payments p WHERE p.order_id = o.order_id)"),
            0);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM orders o WHERE o.state IN ('placed', 'cancelled') AND EXISTS "
                          "(SELECT 1 FROM ledger e WHERE e.order_id = o.order_id)"),
            0);
  EXPECT_EQ(SelectInt(db, "SELECT COUNT(*) FROM (SELECT e.order_id FROM ledger e JOIN orders o ON "
                          "o.order_id = e.order_id WHERE o.state = 'refunded' GROUP BY e.order_id "
                          "HAVING SUM(e.amount_fen) <> 0) x"),
            0);
  if (HasFailure()) std::printf("fupin serve's log:\n%s\n", served.Log().c_str());
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::testing
