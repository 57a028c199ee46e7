// The demo marketplace (demo/market.h) at scale 0.01 on SQLite and
// PostgreSQL: the records hold the scaled targets (read by paper-check and
// recomputed with plain SQL), every credit of the benefit ledger is what the
// rule (benefit::CreditsFor) gives for its allocation, refunds net out, the
// stock of every lot balances, and the same seed gives the same rows on both
// databases.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "accounts/demo_accounts.h"
#include "benefit/model.h"
#include "db/database.h"
#include "db/pool.h"
#include "demo/generator.h"
#include "demo/market.h"
#include "market/model.h"
#include "regions/tree.h"
#include "reports/paper_check.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::demo {
namespace {

using fupin::testing::Backend;
using fupin::testing::ScratchDb;
using fupin::testing::SelectInt;

// Builds the registry, the demo accounts and the marketplace; fatal on failure.
void BuildAll(ScratchDb& db, uint64_t seed, MarketSummary* summary = nullptr) {
  ASSERT_TRUE(schema::Migrate(db.conn()).ok());
  DemoOptions options;
  options.seed = seed;
  options.scale = 0.01;
  options.vault = &fupin::testing::TestVault();
  auto registry = BuildDemo(db.conn(), options);
  ASSERT_TRUE(registry.ok()) << registry.error().message;
  auto accounts = accounts::EnsureDemoAccounts(db.conn());
  ASSERT_TRUE(accounts.ok()) << accounts.error().message;
  auto pool = db::Pool::Open(db.url(), 1);
  ASSERT_TRUE(pool.ok()) << pool.error().message;
  MarketOptions market;
  market.seed = seed;
  market.scale = 0.01;
  market.batch_orders = 40;  // several commits even at this scale
  auto built = BuildMarket(db.conn(), **pool, market);
  ASSERT_TRUE(built.ok()) << built.error().message;
  if (summary) *summary = *built;
}

class MarketDemoTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(BuildAll(scratch_, 2020, &summary_)); }
  db::Connection& conn() { return scratch_.conn(); }
  int64_t Q(const std::string& sql, const std::vector<std::string>& params = {}) {
    return SelectInt(conn(), sql, params);
  }

  ScratchDb scratch_{GetParam()};
  MarketSummary summary_;
};

const reports::Row* Find(const reports::Report& r, const std::string& figure) {
  for (const reports::Row& row : r.rows) {
    if (row.section == "paper" && r.At(row, "figure").text == figure) return &row;
  }
  return nullptr;
}

TEST_P(MarketDemoTest, TheRecordsHoldTheScaledTargets) {
  // Paper-check reads them from the records: each the paper's figure × 0.01.
  regions::RegionTree tree = regions::RegionTree::Load(conn());
  auto report = reports::LoadPaperCheck(conn(), tree, 2020);
  ASSERT_TRUE(report.ok()) << report.error().message;
  const std::map<std::string, int64_t> scaled = {{"network_outlets", 8},
                                                 {"ecommerce_transaction_volume", 1'200'000},
                                                 {"bingtangxin_apples_sold_online", 500},
                                                 {"lilies_sold_online", 50},
                                                 {"offline_retail_products_sold_online", 500 * 12 + 50 * 60},
                                                 {"poor_households_helped", 3},  // 2.6, rounded
                                                 {"income_increase_per_household", 500}};
  for (const auto& [figure, value] : scaled) {
    const reports::Row* row = Find(*report, figure);
    ASSERT_NE(row, nullptr) << figure;
    EXPECT_EQ(report->At(*row, "computed_value"), reports::Cell::Int(value))
        << figure << ": " << report->At(*row, "reason").text;
  }
  // The paper's month gives a gain of 500 yuan per household to the fen, by plain SQL.
  EXPECT_EQ(Q("SELECT SUM(amount_fen - COALESCE(local_value_fen, 0)) FROM ledger WHERE county_code = '622923000000' "
              "AND at >= '2017-08-01' AND at < '2017-09-01'"),
            3 * 50'000);
  EXPECT_EQ(Q("SELECT COUNT(DISTINCT household_id) FROM ledger WHERE county_code = '622923000000' "
              "AND at >= '2017-08-01' AND at < '2017-09-01'"),
            3);
  // Every year's volume is the scenario's, scaled.
  const std::map<int, int64_t> volume = {
      {2016, 120'000'000}, {2017, 150'000'000}, {2018, 180'000'000}, {2019, 210'000'000}, {2020, 240'000'000}};
  for (const auto& [year, yuan] : volume) {
    EXPECT_EQ(Q("SELECT SUM(total_fen) FROM orders WHERE paid_at >= ? AND paid_at < ? AND state <> 'refunded'",
                {fmt::format("{}-01-01", year), fmt::format("{}-01-01", year + 1)}),
              yuan)  // yuan × 0.01 × 100 fen
        << year;
  }
  EXPECT_EQ(summary_.volume_2016_fen, 120'000'000);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM outlets"), 8);
  EXPECT_EQ(summary_.orders, Q("SELECT COUNT(*) FROM orders"));
}

TEST_P(MarketDemoTest, EverythingIsSyntheticAndWentThroughTheServices) {
  for (const char* table : {"suppliers", "products", "orders", "institutions"}) {
    EXPECT_GT(Q(fmt::format("SELECT COUNT(*) FROM {}", table)), 0) << table;
    EXPECT_EQ(Q(fmt::format("SELECT COUNT(*) FROM {} WHERE synthetic <> 1", table)), 0) << table;
  }
  // Every kind of supplier, links in every state, certified products, every closing state of an order.
  EXPECT_GT(Q("SELECT COUNT(DISTINCT kind) FROM suppliers"), 1);
  EXPECT_GT(Q("SELECT COUNT(*) FROM suppliers WHERE state = 'approved'"), 8);
  EXPECT_GT(Q("SELECT COUNT(*) FROM suppliers WHERE state <> 'approved'"), 0);
  EXPECT_GT(Q("SELECT COUNT(*) FROM supplier_links WHERE state = 'verified'"), 20);
  EXPECT_GT(Q("SELECT COUNT(*) FROM products WHERE certificate_no IS NOT NULL"), 0);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM reference_prices r "
              "WHERE r.product_id = p.product_id AND r.year = 2020)"),
            0);
  for (const char* state : {"accepted", "cancelled", "refunded"}) {
    EXPECT_GT(Q("SELECT COUNT(*) FROM orders WHERE state = ?", {state}), 0) << state;
  }
  // Both ways of paying; each payment audited by the service.
  EXPECT_GT(Q("SELECT COUNT(*) FROM payments WHERE provider = 'offline' AND kind = 'payment'"), 0);
  EXPECT_GT(Q("SELECT COUNT(*) FROM payments WHERE provider = 'test' AND kind = 'payment'"), 0);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM audit_log WHERE action = 'market.order.pay'"),
            Q("SELECT COUNT(*) FROM payments WHERE kind = 'payment'"));
  EXPECT_EQ(Q("SELECT COUNT(*) FROM audit_log WHERE action = 'market.lot.intake'"), Q("SELECT COUNT(*) FROM lots"));
  // The history lies in 2015–2020, on the simulated clock.
  EXPECT_EQ(Q("SELECT COUNT(*) FROM orders WHERE placed_at < '2016-01-01' OR placed_at >= '2021-01-01'"), 0);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM orders WHERE paid_at IS NOT NULL AND paid_at < placed_at"), 0);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'market.%' AND (at < '2015-01-01' OR at >= "
              "'2021-01-01')"),
            0);
  // The demo accounts play their parts: the supplier owns the village's cooperative, the outlet's village has
  // the outlet, the buyer and the canteen have orders.
  EXPECT_EQ(Q("SELECT COUNT(*) FROM suppliers s JOIN users u ON u.user_id = s.owner_user_id WHERE u.username = "
              "'supplier' AND s.village_code = '622926101201' AND s.state = 'approved'"),
            1);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM outlets WHERE village_code = '622926101201'"), 1);
  EXPECT_GT(Q("SELECT COUNT(*) FROM lots l JOIN outlets o ON o.outlet_id = l.outlet_id "
              "WHERE o.village_code = '622926101201'"),
            0);
  for (const char* buyer : {"buyer", "canteen"}) {
    EXPECT_GT(
        Q("SELECT COUNT(*) FROM orders o JOIN users u ON u.user_id = o.buyer_user_id WHERE u.username = ?", {buyer}), 0)
        << buyer;
  }
  EXPECT_EQ(Q("SELECT COUNT(*) FROM institutions i JOIN users u ON u.user_id = i.buyer_user_id "
              "WHERE u.username = 'canteen'"),
            1);
  // The synthetic accounts cannot sign in: their hash is no Argon2 hash.
  EXPECT_EQ(Q("SELECT COUNT(*) FROM users WHERE username LIKE 'demo-%' AND password_hash LIKE '$argon2%'"), 0);

  // A second marketplace is refused, and nothing changes.
  auto pool = db::Pool::Open(scratch_.url(), 1);
  ASSERT_TRUE(pool.ok());
  const int64_t orders = Q("SELECT COUNT(*) FROM orders");
  auto again = BuildMarket(conn(), **pool, MarketOptions{});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM orders"), orders);
}

TEST_P(MarketDemoTest, EveryCreditIsTheRulesAndRefundsNetOut) {
  db::Connection& c = conn();
  // Each allocation of a paid order, with its line's price and the lot's size.
  struct Alloc {
    int64_t order_id, line_id, lot_id, quantity, unit_price, lot_quantity, product_id;
    int year;
  };
  std::vector<Alloc> allocs;
  {
    auto st = c.Prepare(
        "SELECT o.order_id, ol.line_id, a.lot_id, a.quantity, ol.unit_price_fen, l.quantity, ol.product_id, "
        "o.paid_at FROM orders o JOIN order_lines ol ON ol.order_id = o.order_id "
        "JOIN allocations a ON a.line_id = ol.line_id JOIN lots l ON l.lot_id = a.lot_id "
        "WHERE o.paid_at IS NOT NULL ORDER BY ol.line_id, a.lot_id");
    while (st->Step()) {
      allocs.push_back({st->Int(0), st->Int(1), st->Int(2), st->Int(3), st->Int(4), st->Int(5), st->Int(6),
                        std::stoi(st->Text(7).substr(0, 4))});
    }
  }
  ASSERT_GT(allocs.size(), 100u);
  auto shares = c.Prepare("SELECT household_id, channel, quantity, paid_fen FROM lot_households WHERE lot_id = ?");
  auto price = c.Prepare("SELECT price_fen FROM reference_prices WHERE product_id = ? AND year = ?");
  auto credits = c.Prepare(
      "SELECT household_id, channel, quantity, amount_fen, local_value_fen FROM ledger "
      "WHERE line_id = ? AND lot_id = ? AND reverses IS NULL ORDER BY household_id");
  int64_t compared = 0;
  for (const Alloc& a : allocs) {
    std::vector<benefit::LotShare> lot;
    shares->Bind(1, a.lot_id);
    while (shares->Step()) {
      lot.push_back({shares->Int(0), market::ParseChannel(shares->Text(1)).value(), shares->Int(2), shares->Int(3)});
    }
    std::optional<int64_t> reference;
    price->Bind(1, a.product_id).Bind(2, a.year);
    if (price->Step()) reference = price->Int(0);
    price->Run();
    std::map<int64_t, benefit::Credit> want;
    for (const benefit::Credit& cr : benefit::CreditsFor(a.unit_price, a.quantity, a.lot_quantity, lot, reference)) {
      want[cr.household_id] = cr;
    }
    std::map<int64_t, benefit::Credit> got;
    credits->Bind(1, a.line_id).Bind(2, a.lot_id);
    while (credits->Step()) {
      benefit::Credit cr;
      cr.household_id = credits->Int(0);
      cr.channel = market::ParseChannel(credits->Text(1)).value();
      cr.quantity = credits->Int(2);
      cr.amount_fen = credits->Int(3);
      cr.local_value_fen = credits->OptInt(4);
      got[cr.household_id] = cr;
    }
    ASSERT_EQ(got.size(), want.size()) << "line " << a.line_id << " lot " << a.lot_id;
    for (const auto& [household, w] : want) {
      const benefit::Credit& g = got[household];
      EXPECT_EQ(g.amount_fen, w.amount_fen) << "line " << a.line_id << " household " << household;
      EXPECT_EQ(g.quantity, w.quantity);
      EXPECT_EQ(g.local_value_fen, w.local_value_fen);
      EXPECT_EQ(g.channel, w.channel);
      ++compared;
    }
  }
  EXPECT_GT(compared, 100);
  // A refunded order's entries net to zero, one reversal per credit; no other order has reversals.
  EXPECT_EQ(Q("SELECT COUNT(*) FROM (SELECT e.order_id FROM ledger e JOIN orders o ON o.order_id = e.order_id "
              "WHERE o.state = 'refunded' GROUP BY e.order_id HAVING SUM(e.amount_fen) <> 0 OR SUM(e.quantity) <> 0 "
              "OR SUM(CASE WHEN e.reverses IS NULL THEN 1 ELSE -1 END) <> 0) t"),
            0);
  EXPECT_GT(Q("SELECT COUNT(*) FROM ledger e JOIN orders o ON o.order_id = e.order_id WHERE o.state = 'refunded'"), 0);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM ledger e JOIN orders o ON o.order_id = e.order_id WHERE o.state <> 'refunded' "
              "AND e.reverses IS NOT NULL"),
            0);
  // Unpaid orders credit no one.
  EXPECT_EQ(Q("SELECT COUNT(*) FROM ledger e JOIN orders o ON o.order_id = e.order_id WHERE o.paid_at IS NULL"), 0);
}

TEST_P(MarketDemoTest, EveryLotsStockBalances) {
  // Passed lots: quantity = on hand + units that left in shipped, delivered or accepted orders; allocated = the
  // allocations of placed, paid and packed orders. Failed lots hold nothing.
  const std::string sql =
      "SELECT COUNT(*) FROM lots l WHERE l.inspection_result = 'pass' AND ("
      "l.quantity <> l.on_hand + COALESCE((SELECT SUM(a.quantity) FROM allocations a JOIN order_lines ol ON "
      "ol.line_id = a.line_id JOIN orders o ON o.order_id = ol.order_id WHERE a.lot_id = l.lot_id AND o.state IN "
      "('shipped', 'delivered', 'accepted')), 0) OR "
      "l.allocated <> COALESCE((SELECT SUM(a.quantity) FROM allocations a JOIN order_lines ol ON "
      "ol.line_id = a.line_id JOIN orders o ON o.order_id = ol.order_id WHERE a.lot_id = l.lot_id AND o.state IN "
      "('placed', 'paid', 'packed')), 0))";
  EXPECT_EQ(Q(sql), 0);
  EXPECT_GT(Q("SELECT COUNT(*) FROM lots WHERE inspection_result = 'pass'"), 50);
  EXPECT_EQ(Q("SELECT COUNT(*) FROM lots l WHERE l.inspection_result = 'fail' AND (l.on_hand <> 0 OR l.allocated <> 0 "
              "OR EXISTS (SELECT 1 FROM allocations a WHERE a.lot_id = l.lot_id))"),
            0);
  // Refunds after shipping put their units back on hand (some of which later orders took).
  EXPECT_GT(Q("SELECT COUNT(*) FROM orders WHERE state = 'refunded' AND tracking_no IS NOT NULL"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, MarketDemoTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

// A digest of the marketplace's rows in key order (trace codes aside: they are random by design).
uint64_t Digest(db::Connection& c) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&](const std::string& s) {
    for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ULL;
    h = (h ^ 0xff) * 1099511628211ULL;
  };
  const std::pair<int, const char*> queries[] = {
      {5, "SELECT outlet_id, village_code, county_code, name, created_at FROM outlets ORDER BY outlet_id"},
      {9,
       "SELECT supplier_id, name, kind, village_code, COALESCE(household_id, 0), state, applied_at, "
       "COALESCE(decided_at, ''), synthetic FROM suppliers ORDER BY supplier_id"},
      {6,
       "SELECT link_id, supplier_id, household_id, channel, state, declared_at FROM supplier_links ORDER BY link_id"},
      {9,
       "SELECT product_id, supplier_id, name, price_fen, origin_village_code, grades, COALESCE(certificate_no, ''), "
       "COALESCE(certified_from, ''), created_at FROM products ORDER BY product_id"},
      {3, "SELECT product_id, year, price_fen FROM reference_prices ORDER BY product_id, year"},
      {11,
       "SELECT lot_id, product_id, outlet_id, quantity, on_hand, allocated, grade, intake_date, inspection_result, "
       "inspector, created_at FROM lots ORDER BY lot_id"},
      {5, "SELECT lot_id, household_id, channel, quantity, paid_fen FROM lot_households ORDER BY lot_id, household_id"},
      {9,
       "SELECT order_id, buyer_user_id, COALESCE(institution_id, 0), state, total_fen, placed_at, "
       "COALESCE(paid_at, ''), COALESCE(closed_at, ''), request_hash FROM orders ORDER BY order_id"},
      {5, "SELECT line_id, order_id, product_id, quantity, amount_fen FROM order_lines ORDER BY line_id"},
      {3, "SELECT line_id, lot_id, quantity FROM allocations ORDER BY line_id, lot_id"},
      {4, "SELECT event_id, order_id, state, at FROM order_events ORDER BY event_id"},
      {5, "SELECT payment_id, order_id, kind, provider, amount_fen FROM payments ORDER BY payment_id"},
      {9,
       "SELECT entry_id, household_id, order_id, lot_id, channel, year, amount_fen, COALESCE(local_value_fen, -1), "
       "COALESCE(reverses, 0) FROM ledger ORDER BY entry_id"},
      {4, "SELECT username, role, region_code, created_at FROM users WHERE username LIKE 'demo-%' ORDER BY user_id"},
      {4,
       "SELECT at, action, COALESCE(target, ''), COALESCE(detail, '') FROM audit_log WHERE action LIKE 'market.%' "
       "ORDER BY audit_id"},
  };
  for (const auto& [columns, sql] : queries) {
    auto st = c.Prepare(sql);
    while (st->Step()) {
      std::string row;
      for (int i = 0; i < columns; ++i) row += st->Text(i) + "|";
      mix(row);
    }
  }
  return h;
}

TEST(MarketDemoDeterminismTest, SameSeedSameRowsOnSqliteAndPostgres) {
  ScratchDb lite(Backend::kSqlite), pg(Backend::kPostgres), other(Backend::kSqlite);
  ASSERT_NO_FATAL_FAILURE(BuildAll(lite, 5));
  ASSERT_NO_FATAL_FAILURE(BuildAll(pg, 5));
  ASSERT_NO_FATAL_FAILURE(BuildAll(other, 6));
  EXPECT_EQ(Digest(lite.conn()), Digest(pg.conn()));
  EXPECT_NE(Digest(lite.conn()), Digest(other.conn()));
  EXPECT_EQ(SelectInt(lite.conn(), "SELECT COUNT(*) FROM ledger"), SelectInt(pg.conn(), "SELECT COUNT(*) FROM ledger"));
}

}  // namespace
}  // namespace fupin::demo
