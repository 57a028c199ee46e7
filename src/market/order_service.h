#pragma once
// The selling side of the marketplace: lots taken in at outlets, the
// catalogue with saleable stock, orders and their life, payments, the benefit
// ledger entries a payment writes, and settlement with suppliers.
//
// Every public method checks the caller's permission and runs in its own
// transaction on a pooled connection; the `…In(db::Connection&, …)` variants do
// the same work inside a transaction the caller holds (the demo batches
// thousands of them per commit). Errors are values: kInvalidArgument naming
// the field, kNotFound, kPermissionDenied, kConflict (short stock, a state that
// forbids the move), kKeyReused (an idempotency key reused for another
// request), kUnavailable (the database failed; the connection is discarded).
//
// Stock: saleable = on hand − allocated, per lot. Placing an order locks the
// lots of its products and re-checks them in the same transaction (SQLite:
// BEGIN IMMEDIATE, one writer at a time; PostgreSQL: SELECT … FOR UPDATE on
// the lots, products in id order so two orders never wait on each other in a
// cycle), so stock is never oversold. Shipping takes the units off on hand
// and allocated; cancelling or refunding before shipping frees the
// allocation; refunding after shipping returns the units to on hand.
//
// Thread-safe.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "db/database.h"
#include "market/caller.h"
#include "market/model.h"

namespace fupin::db {
class Pool;
}
namespace fupin::regions {
class RegionTree;
}
namespace fupin::audit {
class AuditLog;
}

namespace fupin::market {

// ---- Lots ------------------------------------------------------------------

struct LotHouseholdInput {
  int64_t household_id = 0;
  int64_t quantity = 0;  // units it supplied to the lot
  int64_t paid_fen = 0;  // what the outlet or supplier paid it for them
};

struct LotIntake {
  int64_t product_id = 0;
  int64_t outlet_id = 0;
  int64_t quantity = 0;
  std::string grade;        // one of the product's grades
  std::string intake_date;  // YYYY-MM-DD
  std::string inspection_test;
  std::string inspection_result;  // "pass" or "fail" (a failed lot is recorded, never sold)
  std::string inspector;
  // The households that supplied it; their quantities add up to `quantity`.
  // May be empty (produce of the supplier's own farm or workshop).
  std::vector<LotHouseholdInput> households;
  // Optional (the Idempotency-Key header): the same caller, key and intake
  // give the lot taken in the first time instead of a second lot; the same
  // key with another intake is kKeyReused. 1–128 printable ASCII characters.
  std::string idempotency_key;
};

struct LotHousehold {
  int64_t household_id = 0;
  std::string village_code;
  Channel channel = Channel::kPurchase;
  int64_t quantity = 0;
  int64_t paid_fen = 0;
};

struct Lot {
  int64_t id = 0;
  std::string trace_code;
  int64_t product_id = 0;
  std::string product_name;
  int64_t outlet_id = 0;
  std::string outlet_village_code;
  int64_t supplier_id = 0;
  std::string county_code;
  int64_t quantity = 0;
  int64_t on_hand = 0;
  int64_t allocated = 0;
  std::string grade;
  std::string intake_date;
  std::string inspection_test;
  std::string inspection_result;
  std::string inspector;
  std::string created_at;
  std::vector<LotHousehold> households;  // filled by GetLot
  // Set when the caller may not see the households (GetLot for an official or auditor).
  bool households_withheld = false;
  // TakeIn only: an earlier intake with the same idempotency key made this lot.
  bool replayed = false;
};

struct LotQuery {
  std::optional<int64_t> product_id;
  std::optional<int64_t> outlet_id;
  int limit = 50;
  int64_t after = 0;
};

struct LotPage {
  std::vector<Lot> items;
  std::optional<int64_t> next_after;
};

// ---- Catalogue -------------------------------------------------------------

struct CatalogueQuery {
  std::string category;      // "" = any
  std::string region_code;   // origin in this region ("" = anywhere)
  std::optional<int64_t> supplier_id;
  bool certified_only = false;
  bool in_stock_only = false;
  int limit = 50;
  int64_t after = 0;
};

struct CatalogueItem {
  int64_t id = 0;
  std::string name;
  std::string category;
  std::string unit;
  int64_t price_fen = 0;
  int64_t saleable = 0;
  int64_t supplier_id = 0;
  std::string supplier_name;  // "" for a household supplier: its name is a household's own
  std::string origin_village_code;
  std::string origin_village_name;
  bool certified = false;  // a poverty-alleviation product, valid today
  ProductFlags flags;
  std::optional<int64_t> photo_id;  // the first photo
};

struct CataloguePage {
  std::vector<CatalogueItem> items;
  std::optional<int64_t> next_after;
};

// ---- Orders ----------------------------------------------------------------

struct OrderLineInput {
  int64_t product_id = 0;
  int64_t quantity = 0;
};

struct PlaceOrder {
  std::string idempotency_key;  // 1–128 printable ASCII characters
  std::vector<OrderLineInput> lines;  // 1–100 lines, each product at most once
  std::string ship_name;
  std::string ship_phone;
  std::string ship_address;
  std::string note;
};

struct OrderLine {
  int64_t id = 0;
  int64_t product_id = 0;
  std::string product_name;
  int64_t supplier_id = 0;
  std::string county_code;
  int64_t quantity = 0;
  int64_t unit_price_fen = 0;
  int64_t amount_fen = 0;
  std::vector<Allocation> allocations;  // lot id, units
};

struct OrderEvent {
  std::string state;
  std::string at;
  std::optional<int64_t> user_id;
  std::string note;
};

struct Order {
  int64_t id = 0;
  int64_t buyer_user_id = 0;
  std::optional<int64_t> institution_id;
  OrderState state = OrderState::kPlaced;
  int64_t total_fen = 0;
  std::string ship_name;
  std::string ship_phone;
  std::string ship_address;
  std::string note;
  std::string placed_at;
  std::string paid_at;    // "" until paid
  std::string closed_at;  // "" until accepted, cancelled or refunded
  std::string tracking_no;
  std::string invoice_no;
  std::string inspection_note;
  std::vector<OrderLine> lines;
  std::vector<OrderEvent> events;
  // Set when shown to a supplier: only its own lines are listed, and the
  // buyer's name, phone, address and note are withheld.
  bool supplier_view = false;
  // Set when shown to an official or auditor: the buyer's name, phone,
  // address and note are withheld (the lines are all there).
  bool buyer_withheld = false;
};

struct PlaceResult {
  Order order;
  bool replayed = false;  // an earlier request with the same key made it
};

struct OrderQuery {
  std::optional<OrderState> state;
  int limit = 50;
  int64_t after = 0;  // orders are listed newest first: ids below `after`
};

struct OrderPage {
  std::vector<Order> items;  // without events
  std::optional<int64_t> next_after;
};

// A payment request. `provider` names one of the PaymentProviders the
// service was given ("offline", "test"). `reference`: the bank transfer or
// receipt number for offline payments.
struct PayOrder {
  std::string provider;
  std::string reference;
  std::string outcome;  // test provider only: "" or "approve" pays; "decline" is refused
};

// A way to take a payment. Called inside the paying transaction, before
// anything is written: an error leaves the order unpaid.
class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  virtual std::string_view name() const = 0;
  // The reference to record, or an error (kPermissionDenied when the caller
  // may not use this provider, kFailedPrecondition when it declines).
  virtual Result<std::string> Charge(const Caller& caller, const Order& order, const PayOrder& request) const = 0;
};

// "offline": an authorised operator (accounts::Action::kConfirmPayment, in
// scope of every line's supplier) confirms a bank transfer or cash payment
// with its reference — the way institutional buyers pay.
std::unique_ptr<PaymentProvider> OfflinePayments(const regions::RegionTree& tree);
// "test": for tests and the demo only (the server offers it only when started
// with --test-payments). The buyer of the order pays; outcome "decline" fails.
std::unique_ptr<PaymentProvider> TestPayments();

struct Acceptance {
  std::string invoice_no;       // required for an institution's order
  std::string inspection_note;  // required for an institution's order
};

struct Rating {
  int64_t supplier_id = 0;
  int stars = 0;  // 1–5
  std::string comment;
};

// ---- Settlement ------------------------------------------------------------

struct SettlementLine {
  int64_t supplier_id = 0;
  std::string supplier_name;
  std::string period;          // YYYY-MM
  int64_t orders = 0;          // orders paid in the period with a line of the supplier
  int64_t sales_fen = 0;       // its lines of orders paid in the period
  int64_t refunds_fen = 0;     // its lines of orders refunded in the period
  int64_t fee_bp = 0;
  int64_t fee_fen = 0;         // Fee(sales − refunds, fee_bp)
  int64_t owed_fen = 0;        // sales − refunds − fee
  int64_t paid_fen = 0;        // payouts recorded for the period
  int64_t balance_fen = 0;     // owed − paid
  int64_t households = 0;      // households credited through its lots in the period
  int64_t households_credited_fen = 0;  // net ledger credits of those households
};

struct Payout {
  int64_t supplier_id = 0;
  std::string period;
  int64_t amount_fen = 0;
  std::string reference;
};

class OrderService {
 public:
  // `pool`, `tree` and `audit` are borrowed and must outlive the service.
  // `providers`: the payment providers offered (by name).
  OrderService(db::Pool& pool, const regions::RegionTree& tree, const audit::AuditLog& audit,
               std::vector<std::unique_ptr<PaymentProvider>> providers);
  ~OrderService();

  // -- Lots. Intake needs kTakeInLot in scope of the outlet's village; the
  // product's supplier must be approved and may sell at the outlet (its own
  // village, or a permission); each household must be the supplier's own
  // (direct sale) or have a verified link to it (its channel). Audited
  // ("market.lot.intake"). Fields are named "households[2].quantity" etc.
  Result<Lot> TakeIn(const Caller& caller, const LotIntake& intake) const;
  Result<Lot> TakeInIn(db::Connection& conn, const Caller& caller, const LotIntake& intake) const;
  // kReadMarket or kTakeInLot in scope of the outlet, or the owning supplier.
  Result<Lot> GetLot(const Caller& caller, int64_t lot_id) const;
  Result<LotPage> ListLots(const Caller& caller, const LotQuery& query) const;

  // -- The catalogue: listed products of approved suppliers with their
  // saleable stock. Public. Pages are cached: an answer is reused until
  // InvalidateCatalogue() is called (the server calls it after every write
  // that succeeds) and for at most one second (writes of other processes).
  Result<CataloguePage> Catalogue(const CatalogueQuery& query) const;
  void InvalidateCatalogue() const;

  // -- Orders. Place needs kPlaceOrder. Replays: the same buyer and key with
  // the same request returns the first order (replayed = true); with another
  // request, kKeyReused. Short stock: kConflict naming "lines[i].quantity"
  // and what is left; nothing is written.
  Result<PlaceResult> Place(const Caller& caller, const PlaceOrder& command) const;
  Result<PlaceResult> PlaceIn(db::Connection& conn, const Caller& caller, const PlaceOrder& command) const;

  // The buyer sees its orders in full; a supplier sees orders with its lines
  // (supplier_view); kReadMarket / kFulfilOrder roles see orders with a lot
  // in their scope.
  Result<Order> GetOrder(const Caller& caller, int64_t order_id) const;
  Result<OrderPage> ListOrders(const Caller& caller, const OrderQuery& query) const;

  // placed → paid, in ONE transaction with the payment record, the benefit
  // ledger credits and the audit entry.
  Result<Order> Pay(const Caller& caller, int64_t order_id, const PayOrder& request) const;
  Result<Order> PayIn(db::Connection& conn, const Caller& caller, int64_t order_id, const PayOrder& request,
                      std::string_view at) const;

  // Fulfilment (kFulfilOrder in scope of every lot of the order): paid →
  // packed → shipped (with a tracking number; the units leave on hand and
  // allocated) → delivered.
  Result<Order> Pack(const Caller& caller, int64_t order_id) const;
  Result<Order> Ship(const Caller& caller, int64_t order_id, std::string_view tracking_no) const;
  Result<Order> Deliver(const Caller& caller, int64_t order_id) const;
  // The buyer accepts a delivered order (an institution with its invoice
  // number and inspection note), then rates each supplier once.
  Result<Order> Accept(const Caller& caller, int64_t order_id, const Acceptance& acceptance) const;
  Status Rate(const Caller& caller, int64_t order_id, const Rating& rating) const;
  // The buyer or an admin cancels a placed order: its allocations are freed.
  Result<Order> Cancel(const Caller& caller, int64_t order_id, std::string_view reason) const;
  // An admin (or a county operator in scope) refunds a paid, packed, shipped
  // or delivered order: allocations freed or units returned, a refund
  // payment recorded, and every ledger credit of the order reversed by a
  // compensating entry.
  Result<Order> Refund(const Caller& caller, int64_t order_id, std::string_view reason) const;

  // Runs a fulfilment step inside the caller's transaction (for the demo).
  Result<Order> MoveIn(db::Connection& conn, const Caller& caller, int64_t order_id, OrderState to,
                       std::string_view note, std::string_view at) const;

  // -- Settlement for `period` (YYYY-MM): every supplier in the caller's
  // scope with sales, refunds or payouts in it (kReadMarket), or the caller's
  // own supplier. `supplier_id` narrows it to one.
  Result<std::vector<SettlementLine>> Settlement(const Caller& caller, std::string_view period,
                                                 std::optional<int64_t> supplier_id) const;
  // Records a payout (kManageSettlement); kConflict when it would pay more
  // than the balance of the period. Audited.
  Result<SettlementLine> RecordPayout(const Caller& caller, const Payout& payout) const;

  // The fee rate in basis points (market_config key fee_bp; 0 when unset or malformed).
  static int64_t FeeBp(db::Connection& conn);

 private:
  Result<CataloguePage> ReadCatalogue(const CatalogueQuery& query) const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A hex SHA-256 of the order request, for idempotency: the lines in order,
// the shipping details and the note.
std::string RequestHash(const PlaceOrder& command);

}  // namespace fupin::market
