// The order service on both databases: lot intake rules, FIFO allocation,
// short stock, idempotency, payment with the benefit ledger in the same
// transaction, the order life with compensating entries, supplier isolation,
// settlement, and races for the last units.
#include "market/order_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <fmt/format.h>

#include "audit/model.h"
#include "benefit/model.h"
#include "testing/market_fixture.h"

namespace fupin::testing {
namespace {

// The settlement month an ISO UTC time falls in: months are Beijing's (UTC+8),
// so from 16:00 UTC on a month's last day a payment belongs to the next month.
std::string BeijingMonth(const std::string& utc) {
  auto t = audit::ParseTimestamp(utc, "paid_at");
  EXPECT_TRUE(t.ok()) << utc;
  return t.ok() ? audit::FormatTimestamp(*t + 8 * 3600).substr(0, 7) : "";
}

using market::OrderState;

class OrderServiceTest : public MarketTest {
 protected:
  OrderServiceTest() : MarketTest(8) {}

  int64_t LedgerSum(int64_t order_id) {
    return QueryInt("SELECT COALESCE(SUM(amount_fen), 0) FROM ledger WHERE order_id = ?", {std::to_string(order_id)});
  }
  int64_t Count(const std::string& table) { return QueryInt("SELECT COUNT(*) FROM " + table); }
  // A good intake of 10 units at the outlet from the first linked household.
  market::LotIntake Intake() {
    market::LotIntake in;
    in.product_id = product_;
    in.outlet_id = outlet_;
    in.quantity = 10;
    in.grade = "一级";
    in.intake_date = "2017-08-01";
    in.inspection_test = "rapid test";
    in.inspection_result = "pass";
    in.inspector = "Ma";
    in.households = {{households_[0], 10, 3000}};
    return in;
  }
  market::Order PlacePaid(int64_t quantity, const std::string& key) {
    auto placed = orders_->Place(As(buyer_), Order(product_, quantity, key));
    EXPECT_TRUE(placed.ok()) << (placed.ok() ? "" : placed.error().message);
    auto paid = orders_->Pay(As(buyer_), placed->order.id, {"test", "", ""});
    EXPECT_TRUE(paid.ok()) << (paid.ok() ? "" : paid.error().message);
    return *paid;
  }
};

TEST_P(OrderServiceTest, TakeInRecordsTheLotItsHouseholdsAndATraceCode) {
  market::Lot lot = TakeIn(product_, 90);
  EXPECT_EQ(lot.quantity, 90);
  EXPECT_EQ(lot.on_hand, 90);
  EXPECT_EQ(lot.allocated, 0);
  EXPECT_EQ(lot.trace_code.size(), 12u);
  ASSERT_EQ(lot.households.size(), 3u);
  EXPECT_EQ(lot.households[0].quantity, 30);
  EXPECT_EQ(lot.households[0].paid_fen, 9000);
  EXPECT_EQ(lot.households[0].channel, market::Channel::kPurchase);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'market.lot.intake'"), 1);
}

TEST_P(OrderServiceTest, TakeInRefusesBadInputNamingTheFieldAndWritesNothing) {
  auto base = [&] { return Intake(); };
  struct Case {
    std::string field;
    std::function<void(market::LotIntake&)> spoil;
  };
  int64_t unlinked = QueryInt(
      "SELECT MIN(household_id) FROM households WHERE household_id NOT IN (SELECT household_id FROM supplier_links)");
  std::vector<Case> cases{
      {"quantity", [](auto& in) { in.quantity = 0; }},
      {"grade", [](auto& in) { in.grade = "特级"; }},
      {"intake_date", [](auto& in) { in.intake_date = "2017-13-01"; }},
      {"inspection_result", [](auto& in) { in.inspection_result = "maybe"; }},
      {"product_id", [](auto& in) { in.product_id = 999999; }},
      {"outlet_id", [](auto& in) { in.outlet_id = 999999; }},
      {"households[0].household_id", [](auto& in) { in.households[0].household_id = 99999999; }},
      {"households[0].household_id", [&](auto& in) { in.households[0].household_id = unlinked; }},
      {"households", [](auto& in) { in.households[0].quantity = 9; }},
      {"households[1].household_id", [](auto& in) { in.households.push_back(in.households[0]); }},
  };
  for (const Case& c : cases) {
    market::LotIntake in = base();
    c.spoil(in);
    auto lot = orders_->TakeIn(As(outlet_op_), in);
    ASSERT_FALSE(lot.ok()) << c.field;
    EXPECT_EQ(lot.error().code, ErrorCode::kInvalidArgument) << c.field << ": " << lot.error().message;
    EXPECT_EQ(lot.error().field, c.field) << lot.error().message;
  }
  EXPECT_EQ(Count("lots"), 0);
  EXPECT_EQ(Count("lot_households"), 0);
  EXPECT_TRUE(orders_->TakeIn(As(outlet_op_), base()).ok());
}

TEST_P(OrderServiceTest, TakeInWithAKeyMakesOneLotHoweverOftenItIsSent) {
  market::LotIntake in = Intake();

  // A refused intake leaves its key free.
  market::LotIntake bad = in;
  bad.idempotency_key = "k1";
  bad.households[0].quantity = 9;
  ASSERT_FALSE(orders_->TakeIn(As(outlet_op_), bad).ok());
  EXPECT_EQ(Count("lot_requests"), 0);

  in.idempotency_key = "k1";
  auto first = orders_->TakeIn(As(outlet_op_), in);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->replayed);
  auto again = orders_->TakeIn(As(outlet_op_), in);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->trace_code, first->trace_code);
  EXPECT_EQ(Count("lots"), 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'market.lot.intake'"), 1);

  // The key with another intake is refused; another key makes another lot.
  market::LotIntake other = in;
  other.quantity = 20;
  other.households[0].quantity = 20;
  auto reused = orders_->TakeIn(As(outlet_op_), other);
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.error().code, ErrorCode::kKeyReused);
  EXPECT_EQ(reused.error().field, "Idempotency-Key");
  other.idempotency_key = "k2";
  ASSERT_TRUE(orders_->TakeIn(As(outlet_op_), other).ok());
  EXPECT_EQ(Count("lots"), 2);

  // Concurrent retries of one intake make one lot.
  in.idempotency_key = "k3";
  std::atomic<int> made{0}, replayed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto lot = orders_->TakeIn(As(outlet_op_), in);
      if (lot.ok()) (lot->replayed ? replayed : made).fetch_add(1);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(replayed.load(), 3);
  EXPECT_EQ(Count("lots"), 3);
}

TEST_P(OrderServiceTest, TakeInNeedsScopeAndTheSuppliersPermissionElsewhere) {
  market::LotIntake in;
  in.product_id = product_;
  in.outlet_id = outlet_;
  in.quantity = 5;
  in.grade = "二级";
  in.intake_date = "2017-08-01";
  in.inspection_test = "t";
  in.inspection_result = "pass";
  in.inspector = "i";
  auto refused = orders_->TakeIn(As(other_county_op_), in);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(orders_->TakeIn(As(buyer_), in).error().code, ErrorCode::kPermissionDenied);

  // Another supplier's product at this outlet: only with its permission.
  std::string other_village;
  auto st = conn().Prepare(
      "SELECT code FROM regions WHERE level = 'village' AND code <> ? AND parent_code = ? ORDER BY code LIMIT 1");
  st->Bind(1, village_).Bind(2, township_);
  ASSERT_TRUE(st->Step());
  other_village = st->Text(0);
  st.reset();
  auto [other_supplier, other_product] = AddSupplier(other_village, 500);
  in.product_id = other_product;
  auto no_permission = orders_->TakeIn(As(outlet_op_), in);
  ASSERT_FALSE(no_permission.ok());
  EXPECT_EQ(no_permission.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(no_permission.error().message.find("permitted"), std::string::npos);
  auto grant = conn().Prepare("INSERT INTO outlet_permissions (outlet_id, supplier_id, granted_at) VALUES (?, ?, 'x')");
  grant->Bind(1, outlet_).Bind(2, other_supplier);
  grant->Run();
  EXPECT_TRUE(orders_->TakeIn(As(outlet_op_), in).ok());
}

TEST_P(OrderServiceTest, OrdersAllocateFirstInFirstOutAndNeverOversell) {
  market::Lot old_lot = TakeIn(product_, 6, "2017-07-01");
  market::Lot new_lot = TakeIn(product_, 9, "2017-08-01");
  TakeIn(product_, 50, "2017-06-01", 300, "fail");  // failed inspection: never sold
  auto placed = orders_->Place(As(buyer_), Order(product_, 10, "k1"));
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  const market::OrderLine& line = placed->order.lines.at(0);
  ASSERT_EQ(line.allocations.size(), 2u);
  EXPECT_EQ(line.allocations[0].lot_id, old_lot.id);
  EXPECT_EQ(line.allocations[0].quantity, 6);
  EXPECT_EQ(line.allocations[1].lot_id, new_lot.id);
  EXPECT_EQ(line.allocations[1].quantity, 4);
  EXPECT_EQ(placed->order.total_fen, 10000);
  EXPECT_EQ(placed->order.state, OrderState::kPlaced);

  // 5 left: 6 is refused with the field and the quantity left, and nothing changes.
  int64_t orders_before = Count("orders");
  auto short_stock = orders_->Place(As(buyer_), Order(product_, 6, "k2"));
  ASSERT_FALSE(short_stock.ok());
  EXPECT_EQ(short_stock.error().code, ErrorCode::kConflict);
  EXPECT_EQ(short_stock.error().field, "lines[0].quantity");
  EXPECT_NE(short_stock.error().message.find("5 can be sold"), std::string::npos) << short_stock.error().message;
  EXPECT_EQ(Count("orders"), orders_before);
  EXPECT_EQ(QueryInt("SELECT SUM(allocated) FROM lots"), 10);

  auto catalogue = orders_->Catalogue({});
  ASSERT_TRUE(catalogue.ok());
  bool found = false;
  for (const auto& item : catalogue->items) {
    if (item.id == product_) {
      found = true;
      EXPECT_EQ(item.saleable, 5);
      EXPECT_EQ(item.price_fen, 1000);
    }
  }
  EXPECT_TRUE(found);
}

TEST_P(OrderServiceTest, AnOrderWithAShortLineWritesNoneOfItsLines) {
  TakeIn(product_, 10);
  auto [s2, p2] = AddSupplier(village_, 700);
  (void)s2;
  market::PlaceOrder c = Order(product_, 3, "two-lines");
  c.lines.push_back({p2, 1});  // p2 has no stock
  auto r = orders_->Place(As(buyer_), c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "lines[1].quantity");
  EXPECT_EQ(QueryInt("SELECT SUM(allocated) FROM lots"), 0);
  EXPECT_EQ(Count("order_lines"), 0);
}

TEST_P(OrderServiceTest, ARetryWithTheSameKeyReturnsTheSameOrderAnotherBodyIsRefused) {
  TakeIn(product_, 20);
  auto first = orders_->Place(As(buyer_), Order(product_, 2, "retry-1"));
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->replayed);
  auto again = orders_->Place(As(buyer_), Order(product_, 2, "retry-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->order.id, first->order.id);
  auto other = orders_->Place(As(buyer_), Order(product_, 3, "retry-1"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kKeyReused);
  EXPECT_EQ(other.error().field, "Idempotency-Key");
  // Keys are per buyer: another buyer's same key is a new order.
  auto second_buyer = orders_->Place(As(buyer2_), Order(product_, 2, "retry-1"));
  ASSERT_TRUE(second_buyer.ok());
  EXPECT_NE(second_buyer->order.id, first->order.id);
  EXPECT_EQ(Count("orders"), 2);
  EXPECT_EQ(QueryInt("SELECT SUM(allocated) FROM lots"), 4);
}

TEST_P(OrderServiceTest, PayingCreditsTheHouseholdsInTheSameTransaction) {
  TakeIn(product_, 90, "2017-08-01", 400);
  auto ref = conn().Prepare("INSERT INTO reference_prices (product_id, year, price_fen, source) VALUES (?, ?, 250, 'test')");
  ref->Bind(1, product_).Bind(2, std::stoi(audit::FormatTimestamp(audit_->Now()).substr(0, 4)));
  ref->Run();
  market::Order paid = PlacePaid(10, "pay-1");
  EXPECT_EQ(paid.state, OrderState::kPaid);
  EXPECT_FALSE(paid.paid_at.empty());
  // 10 of 90 units: the households were paid 90 × 400 fen; 10/90 of it is attributed.
  EXPECT_EQ(LedgerSum(paid.id), 4000);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM ledger WHERE order_id = ?", {std::to_string(paid.id)}), 3);
  EXPECT_EQ(QueryInt("SELECT SUM(local_value_fen) FROM ledger WHERE order_id = ?", {std::to_string(paid.id)}), 2500);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM payments WHERE order_id = ? AND kind = 'payment' AND amount_fen = 10000",
                     {std::to_string(paid.id)}),
            1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'market.order.pay'"), 1);
  // Paying twice is refused.
  auto twice = orders_->Pay(As(buyer_), paid.id, {"test", "", ""});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(LedgerSum(paid.id), 4000);
}

TEST_P(OrderServiceTest, PaymentProvidersCheckWhoPays) {
  TakeIn(product_, 30);
  auto placed = orders_->Place(As(buyer_), Order(product_, 3, "p"));
  ASSERT_TRUE(placed.ok());
  int64_t id = placed->order.id;
  EXPECT_EQ(orders_->Pay(As(buyer_), id, {"cash", "", ""}).error().field, "provider");
  EXPECT_EQ(orders_->Pay(As(buyer_), id, {"test", "", "decline"}).error().code, ErrorCode::kFailedPrecondition);
  // Another buyer does not learn the order exists.
  EXPECT_EQ(orders_->Pay(As(buyer2_), id, {"test", "", ""}).error().code, ErrorCode::kNotFound);
  // Offline: a buyer cannot confirm its own transfer; an operator of another county cannot either.
  EXPECT_EQ(orders_->Pay(As(buyer_), id, {"offline", "BANK-1", ""}).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(orders_->Pay(As(other_county_op_), id, {"offline", "BANK-1", ""}).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(orders_->Pay(As(county_op_), id, {"offline", "", ""}).error().field, "reference");
  EXPECT_EQ(LedgerSum(id), 0);
  EXPECT_EQ(Count("payments"), 0);
  auto paid = orders_->Pay(As(county_op_), id, {"offline", "BANK-1", ""});
  ASSERT_TRUE(paid.ok()) << paid.error().message;
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM payments WHERE provider = 'offline' AND reference = 'BANK-1'"), 1);
}

TEST_P(OrderServiceTest, TheOrderLifeMovesStockAndCancellingFreesIt) {
  market::Lot lot = TakeIn(product_, 30);
  market::Order o = PlacePaid(5, "life");
  EXPECT_EQ(orders_->Ship(As(outlet_op_), o.id, "SF1").error().code, ErrorCode::kConflict);  // not packed yet
  EXPECT_EQ(orders_->Pack(As(buyer_), o.id).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(orders_->Pack(As(other_county_op_), o.id).error().code, ErrorCode::kPermissionDenied);
  ASSERT_TRUE(orders_->Pack(As(outlet_op_), o.id).ok());
  auto shipped = orders_->Ship(As(outlet_op_), o.id, "SF1");
  ASSERT_TRUE(shipped.ok());
  EXPECT_EQ(shipped->tracking_no, "SF1");
  EXPECT_EQ(QueryInt("SELECT on_hand FROM lots WHERE lot_id = ?", {std::to_string(lot.id)}), 25);
  EXPECT_EQ(QueryInt("SELECT allocated FROM lots WHERE lot_id = ?", {std::to_string(lot.id)}), 0);
  ASSERT_TRUE(orders_->Deliver(As(county_op_), o.id).ok());
  EXPECT_EQ(orders_->Accept(As(buyer2_), o.id, {}).error().code, ErrorCode::kNotFound);
  auto accepted = orders_->Accept(As(buyer_), o.id, {});
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->state, OrderState::kAccepted);
  EXPECT_EQ(accepted->events.size(), 6u);
  ASSERT_TRUE(orders_->Rate(As(buyer_), o.id, {supplier_, 5, "甜"}).ok());
  EXPECT_EQ(orders_->Rate(As(buyer_), o.id, {supplier_, 4, ""}).error().code, ErrorCode::kConflict);
  EXPECT_EQ(orders_->Rate(As(buyer_), o.id, {supplier_ + 1000, 4, ""}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(orders_->Refund(As(admin_), o.id, "late").error().code, ErrorCode::kConflict);  // accepted is final

  // Cancelling a placed order frees its allocation.
  auto placed = orders_->Place(As(buyer_), Order(product_, 7, "cancel-me"));
  ASSERT_TRUE(placed.ok());
  EXPECT_EQ(QueryInt("SELECT allocated FROM lots WHERE lot_id = ?", {std::to_string(lot.id)}), 7);
  EXPECT_EQ(orders_->Cancel(As(buyer2_), placed->order.id, "").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(orders_->Cancel(As(buyer_), placed->order.id, "changed my mind").ok());
  EXPECT_EQ(QueryInt("SELECT allocated FROM lots WHERE lot_id = ?", {std::to_string(lot.id)}), 0);
  EXPECT_EQ(orders_->Pay(As(buyer_), placed->order.id, {"test", "", ""}).error().code, ErrorCode::kConflict);
}

TEST_P(OrderServiceTest, ARefundReversesTheLedgerByCompensatingEntries) {
  market::Lot lot = TakeIn(product_, 30, "2017-08-01", 500);
  market::Order before_ship = PlacePaid(4, "refund-1");
  market::Order after_ship = PlacePaid(6, "refund-2");
  ASSERT_TRUE(orders_->Pack(As(outlet_op_), after_ship.id).ok());
  ASSERT_TRUE(orders_->Ship(As(outlet_op_), after_ship.id, "EMS9").ok());
  int64_t credits = Count("ledger");
  ASSERT_GT(credits, 0);
  EXPECT_EQ(orders_->Refund(As(buyer_), before_ship.id, "x").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(orders_->Refund(As(admin_), before_ship.id, "").error().field, "reason");
  ASSERT_TRUE(orders_->Refund(As(admin_), before_ship.id, "out of season").ok());
  ASSERT_TRUE(orders_->Refund(As(county_op_), after_ship.id, "damaged in transit").ok());
  // Nothing deleted: every credit has its reversal, and each order nets to zero.
  EXPECT_EQ(Count("ledger"), 2 * credits);
  EXPECT_EQ(LedgerSum(before_ship.id), 0);
  EXPECT_EQ(LedgerSum(after_ship.id), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM ledger WHERE reverses IS NOT NULL"), credits);
  // The first order's allocation is freed; the second's units came back.
  EXPECT_EQ(QueryInt("SELECT on_hand FROM lots WHERE lot_id = ?", {std::to_string(lot.id)}), 30);
  EXPECT_EQ(QueryInt("SELECT allocated FROM lots WHERE lot_id = ?", {std::to_string(lot.id)}), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM payments WHERE kind = 'refund'"), 2);
  // The ledger refuses changes whatever the program does.
  EXPECT_THROW(conn().Exec("UPDATE ledger SET amount_fen = 0"), db::DbError);
  EXPECT_THROW(conn().Exec("DELETE FROM ledger"), db::DbError);
}

TEST_P(OrderServiceTest, ASupplierSeesOnlyItsOwnLinesAndNoBuyerDetails) {
  int64_t owner = AddUser("t-supplier", accounts::Role::kSupplier, village_);
  auto set_owner = conn().Prepare("UPDATE suppliers SET owner_user_id = ? WHERE supplier_id = ?");
  set_owner->Bind(1, owner).Bind(2, supplier_);
  set_owner->Run();
  accounts::Principal me = User(owner, accounts::Role::kSupplier, village_);
  int64_t other_owner = AddUser("t-supplier2", accounts::Role::kSupplier, village_);
  auto [s2, p2] = AddSupplier(village_, 700, other_owner);
  accounts::Principal them = User(other_owner, accounts::Role::kSupplier, village_);
  (void)s2;
  TakeIn(product_, 10);
  TakeIn(p2, 10);
  market::PlaceOrder c = Order(product_, 2, "mixed");
  c.lines.push_back({p2, 3});
  auto placed = orders_->Place(As(buyer_), c);
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  auto mine = orders_->GetOrder(As(me), placed->order.id);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->supplier_view);
  ASSERT_EQ(mine->lines.size(), 1u);
  EXPECT_EQ(mine->lines[0].product_id, product_);
  EXPECT_EQ(mine->total_fen, 2000);
  EXPECT_TRUE(mine->ship_name.empty());
  EXPECT_TRUE(mine->ship_phone.empty());
  EXPECT_TRUE(mine->ship_address.empty());
  auto theirs = orders_->GetOrder(As(them), placed->order.id);
  ASSERT_TRUE(theirs.ok());
  ASSERT_EQ(theirs->lines.size(), 1u);
  EXPECT_EQ(theirs->lines[0].product_id, p2);
  // A supplier with no line in an order does not see it.
  auto solo = orders_->Place(As(buyer_), Order(p2, 1, "solo"));
  ASSERT_TRUE(solo.ok());
  EXPECT_EQ(orders_->GetOrder(As(me), solo->order.id).error().code, ErrorCode::kNotFound);
  auto list = orders_->ListOrders(As(me), {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].id, placed->order.id);
  // Buyers see their own orders only.
  EXPECT_EQ(orders_->GetOrder(As(buyer2_), placed->order.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(orders_->ListOrders(As(buyer2_), {})->items.size(), 0u);
  EXPECT_EQ(orders_->ListOrders(As(buyer_), {})->items.size(), 2u);
}

TEST_P(OrderServiceTest, SettlementOwesSalesLessRefundsAndFeeAndRefusesOverpaying) {
  TakeIn(product_, 100);
  market::Order a = PlacePaid(10, "s1");
  market::Order b = PlacePaid(5, "s2");
  ASSERT_TRUE(orders_->Refund(As(admin_), b.id, "quality").ok());
  std::string period = BeijingMonth(a.paid_at);
  int64_t bp = market::OrderService::FeeBp(conn());
  auto lines = orders_->Settlement(As(admin_), period, supplier_);
  ASSERT_TRUE(lines.ok()) << lines.error().message;
  ASSERT_EQ(lines->size(), 1u);
  const market::SettlementLine& s = lines->front();
  EXPECT_EQ(s.sales_fen, 15000);
  EXPECT_EQ(s.refunds_fen, 5000);
  EXPECT_EQ(s.fee_fen, market::Fee(10000, bp));
  EXPECT_EQ(s.owed_fen, 10000 - s.fee_fen);
  EXPECT_EQ(s.balance_fen, s.owed_fen);
  EXPECT_EQ(s.households, 3);
  EXPECT_EQ(orders_->Settlement(As(other_county_op_), period, supplier_).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(orders_->Settlement(As(admin_), "2017-13", std::nullopt).error().field, "period");
  auto over = orders_->RecordPayout(As(admin_), {supplier_, period, s.owed_fen + 1, "TR-1"});
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, ErrorCode::kConflict);
  EXPECT_EQ(orders_->RecordPayout(As(county_op_), {supplier_, period, 100, "TR-1"}).error().code,
            ErrorCode::kPermissionDenied);
  auto paid = orders_->RecordPayout(As(admin_), {supplier_, period, s.owed_fen, "TR-1"});
  ASSERT_TRUE(paid.ok());
  EXPECT_EQ(paid->balance_fen, 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'market.settlement.payout'"), 1);
}

TEST_P(OrderServiceTest, FiftyBuyersRaceForTheLastTenUnits) {
  TakeIn(product_, 10);
  std::vector<int64_t> buyers;
  for (int i = 0; i < 50; ++i) buyers.push_back(AddUser(fmt::format("racer{}", i), accounts::Role::kBuyer, "622900000000"));
  std::atomic<int> ok{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      accounts::Principal p = User(buyers[i], accounts::Role::kBuyer, "622900000000");
      auto r = orders_->Place(As(p), Order(product_, 1, "race"));
      if (r.ok()) {
        ++ok;
      } else if (r.error().code == ErrorCode::kConflict) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(refused.load(), 40);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(QueryInt("SELECT SUM(quantity) FROM order_lines"), 10);
  EXPECT_EQ(QueryInt("SELECT allocated FROM lots"), 10);
}

TEST_P(OrderServiceTest, ConcurrentRetriesWithOneKeyMakeOneOrder) {
  TakeIn(product_, 100);
  std::vector<int64_t> ids(16, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      auto r = orders_->Place(As(buyer_), Order(product_, 3, "same-key"));
      ids[i] = r.ok() ? r->order.id : -1;
    });
  }
  for (auto& t : threads) t.join();
  for (int64_t id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_GT(ids[0], 0);
  EXPECT_EQ(Count("orders"), 1);
  EXPECT_EQ(QueryInt("SELECT allocated FROM lots"), 3);
}

TEST_P(OrderServiceTest, ImpossibleDatesAndOverlargeLinesAreRefused) {
  market::LotIntake in;
  in.product_id = product_;
  in.outlet_id = outlet_;
  in.quantity = 3;
  in.grade = "一级";
  in.intake_date = "2017-02-29";  // not a leap year
  in.inspection_test = "t";
  in.inspection_result = "pass";
  in.inspector = "i";
  EXPECT_EQ(orders_->TakeIn(As(outlet_op_), in).error().field, "intake_date");
  in.intake_date = "2016-02-29";
  EXPECT_TRUE(orders_->TakeIn(As(outlet_op_), in).ok());
  // A line worth more than 10 billion yuan is refused before any arithmetic can overflow.
  auto price = conn().Prepare("UPDATE products SET price_fen = 100000000 WHERE product_id = ?");
  price->Bind(1, product_);
  price->Run();
  auto huge = orders_->Place(As(buyer_), Order(product_, 100'000'000, "huge"));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(huge.error().field, "lines[0].quantity");
}

TEST_P(OrderServiceTest, ConcurrentPayoutsNeverPayMoreThanTheBalance) {
  TakeIn(product_, 100);
  market::Order a = PlacePaid(10, "pay-out");
  std::string period = BeijingMonth(a.paid_at);
  auto lines = orders_->Settlement(As(admin_), period, supplier_);
  ASSERT_TRUE(lines.ok());
  int64_t owed = lines->front().owed_fen;
  ASSERT_GT(owed, 100);
  int64_t each = owed / 3 + 1;  // three of these would pay too much
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      if (orders_->RecordPayout(As(admin_), {supplier_, period, each, fmt::format("TR-{}", i)}).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 2);
  EXPECT_EQ(QueryInt("SELECT SUM(amount_fen) FROM payouts"), 2 * each);
}

TEST_P(OrderServiceTest, AnAdminOfAnotherCountyCannotCancel) {
  TakeIn(product_, 10);
  auto placed = orders_->Place(As(buyer_), Order(product_, 2, "far"));
  ASSERT_TRUE(placed.ok());
  std::string other = county_ == "622926000000" ? "622921000000" : "622926000000";
  accounts::Principal far_admin = User(AddUser("t-far-admin", accounts::Role::kAdmin, other), accounts::Role::kAdmin, other);
  auto refused = orders_->Cancel(As(far_admin), placed->order.id, "");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(QueryInt("SELECT SUM(allocated) FROM lots"), 2);
  EXPECT_TRUE(orders_->Cancel(As(admin_), placed->order.id, "duplicate").ok());
}

TEST_P(OrderServiceTest, AnOutletSellingAnotherCountysGoodsListsTheirOrders) {
  // A supplier of another county sells at this outlet with its permission.
  std::string other_county = county_ == "622926000000" ? "622921000000" : "622926000000";
  auto st = conn().Prepare("SELECT MIN(code) FROM regions WHERE level = 'village' AND code LIKE ?");
  st->Bind(1, other_county.substr(0, 6) + "%");
  ASSERT_TRUE(st->Step());
  std::string far_village = st->Text(0);
  st.reset();
  auto [far_supplier, far_product] = AddSupplier(far_village, 800);
  auto grant = conn().Prepare("INSERT INTO outlet_permissions (outlet_id, supplier_id, granted_at) VALUES (?, ?, 'x')");
  grant->Bind(1, outlet_).Bind(2, far_supplier);
  grant->Run();
  TakeIn(far_product, 5);
  auto placed = orders_->Place(As(buyer_), Order(far_product, 1, "far-goods"));
  ASSERT_TRUE(placed.ok()) << placed.error().message;
  for (const accounts::Principal* p : {&outlet_op_, &county_op_}) {
    auto list = orders_->ListOrders(As(*p), {});
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->items.size(), 1u) << p->username;
    EXPECT_EQ(list->items[0].id, placed->order.id);
  }
  EXPECT_TRUE(orders_->Pack(As(outlet_op_), placed->order.id).error().code == ErrorCode::kConflict);  // not paid yet
}

TEST_P(OrderServiceTest, OfficialsAndAuditorsSeeNoBuyerDetailsNorLotHouseholds) {
  market::Lot lot = TakeIn(product_, 10);
  market::Order o = PlacePaid(1, "who-sees");
  accounts::Principal official = User(AddUser("t-official", accounts::Role::kOfficial, "622900000000"),
                                      accounts::Role::kOfficial, "622900000000");
  accounts::Principal auditor = User(AddUser("t-auditor", accounts::Role::kAuditor, "622900000000"),
                                     accounts::Role::kAuditor, "622900000000");
  for (const accounts::Principal* p : {&official, &auditor}) {
    auto seen = orders_->GetOrder(As(*p), o.id);
    ASSERT_TRUE(seen.ok()) << seen.error().message;
    EXPECT_TRUE(seen->buyer_withheld);
    EXPECT_TRUE(seen->ship_name.empty());
    EXPECT_TRUE(seen->ship_phone.empty());
    EXPECT_EQ(seen->lines.size(), 1u);
  }
  auto operator_view = orders_->GetOrder(As(outlet_op_), o.id);
  ASSERT_TRUE(operator_view.ok());
  EXPECT_EQ(operator_view->ship_phone, "13800000000");  // the outlet delivers it
  auto audited = orders_->GetLot(As(auditor), lot.id);
  ASSERT_TRUE(audited.ok());
  EXPECT_TRUE(audited->households_withheld);
  EXPECT_TRUE(audited->households.empty());
  auto by_official = orders_->GetLot(As(official), lot.id);
  ASSERT_TRUE(by_official.ok());
  EXPECT_EQ(by_official->households.size(), 3u);
}

TEST_P(OrderServiceTest, AHouseholdSuppliersNameIsNotInTheCatalogue) {
  TakeIn(product_, 5);
  auto kind = conn().Prepare("UPDATE suppliers SET kind = 'household' WHERE supplier_id = ?");
  kind->Bind(1, supplier_);
  kind->Run();
  auto page = orders_->Catalogue({});
  ASSERT_TRUE(page.ok());
  bool found = false;
  for (const auto& item : page->items) {
    if (item.id != product_) continue;
    found = true;
    EXPECT_TRUE(item.supplier_name.empty());
  }
  EXPECT_TRUE(found);
}

TEST_P(OrderServiceTest, PeriodsAndLedgerYearsFollowTheCalendarInChina) {
  TakeIn(product_, 50);
  // 2016-12-31T17:00:00Z is 01:00 on 1 January 2017 in China.
  auto placed = orders_->Place(As(buyer_), Order(product_, 2, "new-year"));
  ASSERT_TRUE(placed.ok());
  {
    db::Transaction tx(conn());
    auto paid = orders_->PayIn(conn(), As(buyer_), placed->order.id, {"test", "", ""}, "2016-12-31T17:00:00Z");
    ASSERT_TRUE(paid.ok()) << paid.error().message;
    tx.Commit();
  }
  EXPECT_EQ(QueryInt("SELECT MIN(year) FROM ledger WHERE order_id = ?", {std::to_string(placed->order.id)}), 2017);
  auto january = orders_->Settlement(As(admin_), "2017-01", supplier_);
  ASSERT_TRUE(january.ok());
  EXPECT_EQ(january->front().sales_fen, 2000);
  auto december = orders_->Settlement(As(admin_), "2016-12", supplier_);
  ASSERT_TRUE(december.ok());
  EXPECT_EQ(december->front().sales_fen, 0);
}

TEST_P(OrderServiceTest, TheCachedCatalogueShowsEveryWriteAtOnce) {
  TakeIn(product_, 10);
  auto saleable = [&] {
    auto page = orders_->Catalogue({});
    EXPECT_TRUE(page.ok());
    for (const auto& item : page->items) {
      if (item.id == product_) return item.saleable;
    }
    return int64_t{-1};
  };
  EXPECT_EQ(saleable(), 10);
  EXPECT_EQ(saleable(), 10);  // from the cache
  ASSERT_TRUE(orders_->Place(As(buyer_), Order(product_, 4, "cache")).ok());
  EXPECT_EQ(saleable(), 6);
  // A write the service did not make (another service, another process) shows
  // once the server invalidates the cache after it.
  auto price = conn().Prepare("UPDATE products SET listed = 0 WHERE product_id = ?");
  price->Bind(1, product_);
  price->Run();
  orders_->InvalidateCatalogue();
  EXPECT_EQ(saleable(), -1);
}

INSTANTIATE_TEST_SUITE_P(Backends, OrderServiceTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::testing
