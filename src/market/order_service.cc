#include "market/order_service.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <unordered_map>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "accounts/model.h"
#include "audit/audit_log.h"
#include "base/text.h"
#include "benefit/ledger.h"
#include "db/group_commit.h"
#include "db/pool.h"
#include "market/supplier_service.h"
#include "market/trace.h"
#include "regions/tree.h"

namespace fupin::market {
namespace {

using accounts::Action;
using accounts::Role;

constexpr int64_t kMaxQuantity = 100'000'000;
constexpr size_t kMaxLines = 100;
// 10 billion yuan: no order line is worth more (and 100 such lines still fit
// in 64 bits, as do the sums of settlement over them).
constexpr int64_t kMaxLineFen = 1'000'000'000'000;

Error ConflictAt(std::string message, std::string field) {
  return Error{ErrorCode::kConflict, std::move(message), std::move(field)};
}

bool Printable(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

Status CheckText(std::string_view value, std::string_view field, size_t min, size_t max) {
  if (value.size() < min || value.size() > max) {
    return Error::Invalid(min > 0 ? fmt::format("{} needs {} to {} bytes", field, min, max)
                                  : fmt::format("{} has at most {} bytes", field, max),
                          std::string(field));
  }
  return {};
}

// ---- Reading rows ------------------------------------------------------------

const char* kLotColumns =
    "l.lot_id, l.trace_code, l.product_id, p.name, l.outlet_id, o.village_code, l.supplier_id, l.county_code, "
    "l.quantity, l.on_hand, l.allocated, l.grade, l.intake_date, l.inspection_test, l.inspection_result, "
    "l.inspector, l.created_at";

Lot ReadLot(db::Statement& st) {
  Lot lot;
  lot.id = st.Int(0);
  lot.trace_code = st.Text(1);
  lot.product_id = st.Int(2);
  lot.product_name = st.Text(3);
  lot.outlet_id = st.Int(4);
  lot.outlet_village_code = st.Text(5);
  lot.supplier_id = st.Int(6);
  lot.county_code = st.Text(7);
  lot.quantity = st.Int(8);
  lot.on_hand = st.Int(9);
  lot.allocated = st.Int(10);
  lot.grade = st.Text(11);
  lot.intake_date = st.Text(12);
  lot.inspection_test = st.Text(13);
  lot.inspection_result = st.Text(14);
  lot.inspector = st.Text(15);
  lot.created_at = st.Text(16);
  return lot;
}

std::optional<Lot> LoadLot(db::Connection& conn, int64_t lot_id) {
  auto st = conn.Prepare(fmt::format("SELECT {} FROM lots l JOIN products p ON p.product_id = l.product_id "
                                     "JOIN outlets o ON o.outlet_id = l.outlet_id WHERE l.lot_id = ?",
                                     kLotColumns));
  st->Bind(1, lot_id);
  if (!st->Step()) return std::nullopt;
  Lot lot = ReadLot(*st);
  st.reset();  // one statement in flight at a time (PostgreSQL single-row mode)
  auto hh = conn.Prepare(
      "SELECT lh.household_id, h.village_code, lh.channel, lh.quantity, lh.paid_fen FROM lot_households lh "
      "JOIN households h ON h.household_id = lh.household_id WHERE lh.lot_id = ? ORDER BY lh.household_id");
  hh->Bind(1, lot_id);
  while (hh->Step()) {
    LotHousehold h;
    h.household_id = hh->Int(0);
    h.village_code = hh->Text(1);
    h.channel = ParseChannel(hh->Text(2)).value_or(Channel::kPurchase);
    h.quantity = hh->Int(3);
    h.paid_fen = hh->Int(4);
    lot.households.push_back(std::move(h));
  }
  return lot;
}

// The supplier an account owns, if any.
std::optional<int64_t> OwnSupplier(db::Connection& conn, int64_t user_id) {
  Result<std::optional<int64_t>> own = SupplierService::SupplierOfUser(conn, user_id);
  return own ? *own : std::nullopt;
}

const char* kOrderColumns =
    "order_id, buyer_user_id, institution_id, state, total_fen, ship_name, ship_phone, ship_address, note, "
    "placed_at, paid_at, closed_at, tracking_no, invoice_no, inspection_note";

Order ReadOrder(db::Statement& st) {
  Order o;
  o.id = st.Int(0);
  o.buyer_user_id = st.Int(1);
  o.institution_id = st.OptInt(2);
  o.state = ParseOrderState(st.Text(3)).value_or(OrderState::kPlaced);
  o.total_fen = st.Int(4);
  o.ship_name = st.Text(5);
  o.ship_phone = st.Text(6);
  o.ship_address = st.Text(7);
  o.note = st.Text(8);
  o.placed_at = st.Text(9);
  o.paid_at = st.Text(10);
  o.closed_at = st.Text(11);
  o.tracking_no = st.Text(12);
  o.invoice_no = st.Text(13);
  o.inspection_note = st.Text(14);
  return o;
}

void LoadLines(db::Connection& conn, Order& order) {
  auto st = conn.Prepare(
      "SELECT ol.line_id, ol.product_id, p.name, ol.supplier_id, ol.county_code, ol.quantity, ol.unit_price_fen, "
      "ol.amount_fen FROM order_lines ol JOIN products p ON p.product_id = ol.product_id WHERE ol.order_id = ? "
      "ORDER BY ol.line_id");
  st->Bind(1, order.id);
  while (st->Step()) {
    OrderLine line;
    line.id = st->Int(0);
    line.product_id = st->Int(1);
    line.product_name = st->Text(2);
    line.supplier_id = st->Int(3);
    line.county_code = st->Text(4);
    line.quantity = st->Int(5);
    line.unit_price_fen = st->Int(6);
    line.amount_fen = st->Int(7);
    order.lines.push_back(std::move(line));
  }
  auto al = conn.Prepare(
      "SELECT a.line_id, a.lot_id, a.quantity, l.trace_code FROM allocations a "
      "JOIN order_lines ol ON ol.line_id = a.line_id JOIN lots l ON l.lot_id = a.lot_id "
      "WHERE ol.order_id = ? ORDER BY a.line_id, a.lot_id");
  al->Bind(1, order.id);
  while (al->Step()) {
    int64_t line_id = al->Int(0);
    for (OrderLine& line : order.lines) {
      if (line.id == line_id) line.allocations.push_back({al->Int(1), al->Int(2), al->Text(3)});
    }
  }
}

std::optional<Order> LoadOrder(db::Connection& conn, int64_t order_id, bool events) {
  auto st = conn.Prepare(fmt::format("SELECT {} FROM orders WHERE order_id = ?", kOrderColumns));
  st->Bind(1, order_id);
  if (!st->Step()) return std::nullopt;
  Order order = ReadOrder(*st);
  st.reset();
  LoadLines(conn, order);
  if (events) {
    auto ev = conn.Prepare("SELECT state, at, user_id, note FROM order_events WHERE order_id = ? ORDER BY event_id");
    ev->Bind(1, order_id);
    while (ev->Step()) order.events.push_back({ev->Text(0), ev->Text(1), ev->OptInt(2), ev->Text(3)});
  }
  return order;
}

// What a supplier may see of an order: its own lines, no buyer details.
Order SupplierView(Order order, int64_t supplier_id) {
  std::erase_if(order.lines, [&](const OrderLine& l) { return l.supplier_id != supplier_id; });
  order.ship_name.clear();
  order.ship_phone.clear();
  order.ship_address.clear();
  order.note.clear();
  order.supplier_view = true;
  order.total_fen = 0;
  for (const OrderLine& l : order.lines) order.total_fen += l.amount_fen;
  for (OrderEvent& e : order.events) {
    e.user_id.reset();
    e.note.clear();
  }
  return order;
}

// The outlet villages the order's units come from.
std::vector<std::string> OrderVillages(db::Connection& conn, int64_t order_id) {
  auto st = conn.Prepare(
      "SELECT DISTINCT o.village_code FROM order_lines ol JOIN allocations a ON a.line_id = ol.line_id "
      "JOIN lots l ON l.lot_id = a.lot_id JOIN outlets o ON o.outlet_id = l.outlet_id WHERE ol.order_id = ?");
  st->Bind(1, order_id);
  std::vector<std::string> out;
  while (st->Step()) out.push_back(st->Text(0));
  return out;
}

// The villages of the suppliers of the order's lines.
std::vector<std::string> SupplierVillages(db::Connection& conn, int64_t order_id) {
  auto st = conn.Prepare(
      "SELECT DISTINCT s.village_code FROM order_lines ol JOIN suppliers s ON s.supplier_id = ol.supplier_id "
      "WHERE ol.order_id = ?");
  st->Bind(1, order_id);
  std::vector<std::string> out;
  while (st->Step()) out.push_back(st->Text(0));
  return out;
}

Status CheckAll(const regions::RegionTree& tree, const accounts::Principal& p, Action action,
                const std::vector<std::string>& villages) {
  if (Status s = accounts::Check(tree, p, action); !s) return s;
  for (const std::string& v : villages) {
    if (!accounts::InScope(tree, p, v)) {
      return Error::Denied(fmt::format("role {} may not do this: the order has goods from {}, outside the region "
                                       "your account covers",
                                       accounts::RoleName(p.role), v));
    }
  }
  return {};
}

void AddEvent(db::Connection& conn, int64_t order_id, OrderState state, std::string_view at,
              const accounts::Principal* who, std::string_view note) {
  auto st = conn.Prepare("INSERT INTO order_events (order_id, state, at, user_id, note) VALUES (?, ?, ?, ?, ?)");
  st->Bind(1, order_id).Bind(2, OrderStateName(state)).Bind(3, at);
  if (who) {
    st->Bind(4, who->user_id);
  } else {
    st->BindNull(4);
  }
  if (note.empty()) {
    st->BindNull(5);
  } else {
    st->Bind(5, note);
  }
  st->Run();
}

// Moves `order_id` from `from` to `to`, only if it is still `from` (of two
// concurrent moves one wins; the other gets kConflict).
Status SetState(db::Connection& conn, int64_t order_id, OrderState from, OrderState to) {
  auto st = conn.Prepare("UPDATE orders SET state = ? WHERE order_id = ? AND state = ?");
  st->Bind(1, OrderStateName(to)).Bind(2, order_id).Bind(3, OrderStateName(from));
  st->Run();
  if (st->Changes() != 1) return CheckMove(order_id, to, to);  // someone moved it first
  return {};
}

// Frees the order's allocations (before shipping) or returns its units to
// on hand (after shipping).
void ReleaseStock(db::Connection& conn, int64_t order_id, bool goods_left) {
  auto st = conn.Prepare(
      "SELECT a.lot_id, a.quantity FROM allocations a JOIN order_lines ol ON ol.line_id = a.line_id "
      "WHERE ol.order_id = ? ORDER BY a.lot_id");
  st->Bind(1, order_id);
  std::vector<Allocation> list;
  while (st->Step()) list.push_back({st->Int(0), st->Int(1)});
  auto up = conn.Prepare(goods_left ? "UPDATE lots SET on_hand = on_hand + ? WHERE lot_id = ?"
                                    : "UPDATE lots SET allocated = allocated - ? WHERE lot_id = ?");
  for (const Allocation& a : list) {
    up->Bind(1, a.quantity).Bind(2, a.lot_id);
    up->Run();
  }
}

// ---- Payment providers ---------------------------------------------------------

class Offline : public PaymentProvider {
 public:
  explicit Offline(const regions::RegionTree& tree) : tree_(tree) {}
  std::string_view name() const override { return "offline"; }
  Result<std::string> Charge(const Caller& caller, const Order& order, const PayOrder& request) const override {
    if (Status s = accounts::Check(tree_, caller.principal, Action::kConfirmPayment); !s) {
      return Error::Denied(fmt::format("an offline payment is confirmed by an authorised operator; {}",
                                       s.error().message));
    }
    for (const OrderLine& line : order.lines) {
      if (!accounts::InScope(tree_, caller.principal, line.county_code)) {
        return Error::Denied(fmt::format("order {} has goods of county {}, outside the region your account covers",
                                         order.id, line.county_code));
      }
    }
    if (request.reference.empty()) {
      return Error::Invalid("an offline payment needs the reference of the bank transfer or receipt", "reference");
    }
    return request.reference;
  }

 private:
  const regions::RegionTree& tree_;
};

class TestProvider : public PaymentProvider {
 public:
  std::string_view name() const override { return "test"; }
  Result<std::string> Charge(const Caller& caller, const Order& order, const PayOrder& request) const override {
    if (caller.principal.user_id != order.buyer_user_id) {
      return Error::Denied(fmt::format("only the buyer of order {} pays it with the test provider", order.id));
    }
    if (request.outcome == "decline") return Error::Precondition("the test provider declined the payment");
    if (!request.outcome.empty() && request.outcome != "approve") {
      return Error::Invalid("outcome is \"approve\" or \"decline\"", "outcome");
    }
    return request.reference.empty() ? fmt::format("test-{}", order.id) : request.reference;
  }
};

}  // namespace

std::unique_ptr<PaymentProvider> OfflinePayments(const regions::RegionTree& tree) {
  return std::make_unique<Offline>(tree);
}
std::unique_ptr<PaymentProvider> TestPayments() { return std::make_unique<TestProvider>(); }

// A hex SHA-256 of a lot intake, for idempotency (length-prefixed fields).
std::string LotRequestHash(const LotIntake& in) {
  std::string text;
  auto add = [&](std::string_view s) { text += fmt::format("{}:{};", s.size(), s); };
  add(fmt::format("{}/{}/{}", in.product_id, in.outlet_id, in.quantity));
  add(in.grade);
  add(in.intake_date);
  add(in.inspection_test);
  add(in.inspection_result);
  add(in.inspector);
  for (const LotHouseholdInput& h : in.households) add(fmt::format("{}x{}@{}", h.household_id, h.quantity, h.paid_fen));
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::string hex;
  for (unsigned char b : hash) hex += fmt::format("{:02x}", b);
  return hex;
}

std::string RequestHash(const PlaceOrder& c) {
  // Length-prefixed fields: no two different requests serialise alike.
  std::string text;
  auto add = [&](std::string_view s) { text += fmt::format("{}:{};", s.size(), s); };
  for (const OrderLineInput& l : c.lines) add(fmt::format("{}x{}", l.product_id, l.quantity));
  add(c.ship_name);
  add(c.ship_phone);
  add(c.ship_address);
  add(c.note);
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::string hex;
  for (unsigned char b : hash) hex += fmt::format("{:02x}", b);
  return hex;
}

struct OrderService::Impl {
  Impl(db::Pool& p, const regions::RegionTree& t, const audit::AuditLog& a,
       std::vector<std::unique_ptr<PaymentProvider>> pp)
      : pool(p), tree(t), audit(a), providers(std::move(pp)) {}
  db::Pool& pool;
  const regions::RegionTree& tree;
  const audit::AuditLog& audit;
  std::vector<std::unique_ptr<PaymentProvider>> providers;
  // SQLite: orders and payments are committed in groups (db/group_commit.h).
  std::unique_ptr<db::GroupCommit> group;

  // The catalogue cache: pages by query, valid for the epoch they were read
  // in and for at most kCatalogueTtl.
  struct CachedPage {
    int64_t epoch = 0;
    std::chrono::steady_clock::time_point at;
    CataloguePage page;
  };
  static constexpr std::chrono::milliseconds kCatalogueTtl{1000};
  static constexpr size_t kCatalogueEntries = 4096;
  mutable std::mutex cache_mu;
  mutable std::unordered_map<std::string, CachedPage> cache;
  mutable std::atomic<int64_t> epoch{0};

  // Runs `body` on the group committer when there is one, else in a write
  // transaction of its own; kept when it succeeds and `keep` says so.
  template <typename T, typename F, typename K>
  Result<T> Durably(F&& body, K&& keep) const {
    if (!group) {
      return WithConnection<T>([&](db::Connection& conn) -> Result<T> {
        db::Transaction tx(conn);
        Result<T> out = body(conn);
        if (out && keep(*out)) {
          tx.Commit();
          epoch.fetch_add(1, std::memory_order_relaxed);
        }
        return out;
      });
    }
    std::optional<Result<T>> out;
    Status s = group->Run([&](db::Connection& conn) {
      out.emplace(body(conn));
      return out->ok() && keep(**out);
    });
    if (!s) return s.error();
    epoch.fetch_add(1, std::memory_order_relaxed);
    return std::move(*out);
  }

  template <typename T, typename F>
  Result<T> WithConnection(F&& body) const {
    return db::WithConnection<T>(pool, "market", std::forward<F>(body));
  }

  // Runs `body` in a write transaction, committing when it succeeds.
  template <typename T, typename F>
  Result<T> InWrite(F&& body) const {
    return WithConnection<T>([&](db::Connection& conn) -> Result<T> {
      db::Transaction tx(conn);
      Result<T> out = body(conn);
      if (out) {
        tx.Commit();
        epoch.fetch_add(1, std::memory_order_relaxed);
      }
      return out;
    });
  }

  std::string Now() const { return audit::FormatTimestamp(audit.Now()); }

  // May `caller` see lot `lot`?
  Status MaySeeLot(db::Connection& conn, const Caller& caller, const Lot& lot) const {
    const accounts::Principal& p = caller.principal;
    if (p.role == Role::kSupplier) {
      if (OwnSupplier(conn, p.user_id) == lot.supplier_id) return {};
      return Error::Denied(fmt::format("lot {} belongs to another supplier", lot.id));
    }
    bool role_ok = accounts::Allows(p.role, Action::kReadMarket) || accounts::Allows(p.role, Action::kTakeInLot);
    if (!role_ok) return accounts::Check(tree, p, Action::kReadMarket);
    if (!accounts::InScope(tree, p, lot.outlet_village_code)) {
      return Error::Denied(fmt::format("lot {} is outside the region your account covers", lot.id));
    }
    return {};
  }

  // The order as `caller` may see it, or the refusal.
  Result<Order> Visible(db::Connection& conn, const Caller& caller, int64_t order_id, bool events) const {
    std::optional<Order> order = LoadOrder(conn, order_id, events);
    if (!order) return Error::NotFound(fmt::format("no order {}", order_id));
    const accounts::Principal& p = caller.principal;
    if (order->buyer_user_id == p.user_id) return *order;
    if (p.role == Role::kSupplier) {
      std::optional<int64_t> own = OwnSupplier(conn, p.user_id);
      bool has = own && std::any_of(order->lines.begin(), order->lines.end(),
                                    [&](const OrderLine& l) { return l.supplier_id == *own; });
      if (!has) return Error::NotFound(fmt::format("no order {}", order_id));
      return SupplierView(std::move(*order), *own);
    }
    if (p.role == Role::kBuyer) return Error::NotFound(fmt::format("no order {}", order_id));
    if (Status s = accounts::Check(tree, p, Action::kReadMarket); !s) return s.error();
    std::vector<std::string> villages = OrderVillages(conn, order_id);
    std::vector<std::string> suppliers = SupplierVillages(conn, order_id);
    villages.insert(villages.end(), suppliers.begin(), suppliers.end());
    bool any = std::any_of(villages.begin(), villages.end(),
                           [&](const std::string& v) { return accounts::InScope(tree, p, v); });
    if (!any) return Error::Denied(fmt::format("order {} is outside the region your account covers", order_id));
    // The buyer's name, phone, address and note are for those who deliver or
    // take the payment, not for officials and auditors.
    if (!accounts::Allows(p.role, Action::kFulfilOrder) && !accounts::Allows(p.role, Action::kConfirmPayment)) {
      order->ship_name.clear();
      order->ship_phone.clear();
      order->ship_address.clear();
      order->note.clear();
      order->buyer_withheld = true;
    }
    return *order;
  }

  void Audit(db::Connection& conn, const Caller& caller, std::string action, std::string target,
             std::string region, std::string detail) const {
    audit.Append(conn, &caller.principal, caller.remote_address,
                 audit::Entry{std::move(action), std::move(target), std::move(region), std::move(detail)});
  }

  Result<Lot> TakeIn(db::Connection& conn, const Caller& caller, const LotIntake& in) const;
  Result<PlaceResult> Place(db::Connection& conn, const Caller& caller, const PlaceOrder& c) const;
  Result<Order> Pay(db::Connection& conn, const Caller& caller, int64_t order_id, const PayOrder& request,
                    std::string_view at) const;
  Result<Order> Move(db::Connection& conn, const Caller& caller, int64_t order_id, OrderState to,
                     std::string_view note, std::string_view at) const;
  Result<Order> Refund(db::Connection& conn, const Caller& caller, int64_t order_id, std::string_view reason,
                       std::string_view at) const;
  Result<std::vector<SettlementLine>> Settle(db::Connection& conn, const Caller& caller, std::string_view period,
                                             std::optional<int64_t> supplier_id) const;
};

// ---- Lots ----------------------------------------------------------------------

Result<Lot> OrderService::Impl::TakeIn(db::Connection& conn, const Caller& caller, const LotIntake& in) const {
  if (Status s = accounts::Check(tree, caller.principal, Action::kTakeInLot); !s) return s.error();
  if (in.quantity < 1 || in.quantity > kMaxQuantity) {
    return Error::Invalid(fmt::format("quantity is a whole number of units from 1 to {}", kMaxQuantity), "quantity");
  }
  if (!IsDate(in.intake_date)) return Error::Invalid("intake_date is a date YYYY-MM-DD", "intake_date");
  if (Status s = CheckText(in.inspection_test, "inspection_test", 1, 500); !s) return s.error();
  if (in.inspection_result != "pass" && in.inspection_result != "fail") {
    return Error::Invalid("inspection_result is \"pass\" or \"fail\"", "inspection_result");
  }
  if (Status s = CheckText(in.inspector, "inspector", 1, 100); !s) return s.error();

  // With a key: claim it first (a concurrent retry waits on the key's row,
  // PostgreSQL, or on the write lock, SQLite, until this one commits or rolls
  // back); a key already used answers with its lot, or kKeyReused for another
  // intake. The claim rolls back with a refused intake, so the key stays free.
  const std::string request_hash = in.idempotency_key.empty() ? std::string() : LotRequestHash(in);
  if (!in.idempotency_key.empty()) {
    if (in.idempotency_key.size() > 128 || !Printable(in.idempotency_key)) {
      return Error::Invalid("the Idempotency-Key header is 1 to 128 printable ASCII characters", "Idempotency-Key");
    }
    auto claim = conn.Prepare(
        "INSERT INTO lot_requests (user_id, idempotency_key, request_hash, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (user_id, idempotency_key) DO NOTHING");
    claim->Bind(1, caller.principal.user_id).Bind(2, in.idempotency_key).Bind(3, request_hash).Bind(4, Now());
    claim->Run();
    const bool claimed = claim->Changes() == 1;
    claim.reset();
    if (!claimed) {
      auto st = conn.Prepare("SELECT request_hash, lot_id FROM lot_requests WHERE user_id = ? AND idempotency_key = ?");
      st->Bind(1, caller.principal.user_id).Bind(2, in.idempotency_key);
      if (!st->Step()) return Error::Unavailable("the intake being made with this key vanished; try again");
      const std::string existing_hash = st->Text(0);
      const std::optional<int64_t> existing = st->OptInt(1);
      st.reset();
      if (existing_hash != request_hash || !existing) {
        return Error::KeyReused(fmt::format("Idempotency-Key '{}' was used for a different intake{}; use a new key "
                                            "for a new lot",
                                            in.idempotency_key,
                                            existing ? fmt::format(" (lot {})", *existing) : std::string()),
                                "Idempotency-Key");
      }
      std::optional<Lot> lot = LoadLot(conn, *existing);
      if (!lot) return Error::Unavailable("the lot of this key vanished; try again");
      lot->replayed = true;
      return *lot;
    }
  }

  // The product and its supplier.
  auto pst = conn.Prepare(
      "SELECT p.supplier_id, p.grades, s.state, s.village_code, s.county_code, s.kind, s.household_id, s.name "
      "FROM products p JOIN suppliers s ON s.supplier_id = p.supplier_id WHERE p.product_id = ?");
  pst->Bind(1, in.product_id);
  if (!pst->Step()) return Error::Invalid(fmt::format("no product {}", in.product_id), "product_id");
  int64_t supplier_id = pst->Int(0);
  std::string grades = pst->Text(1);
  std::string supplier_state = pst->Text(2);
  std::string county = pst->Text(4);
  bool household_supplier = pst->Text(5) == "household";
  std::optional<int64_t> supplier_household = pst->OptInt(6);
  std::string supplier_name = pst->Text(7);
  pst.reset();
  if (supplier_state != "approved") {
    return ConflictAt(fmt::format("supplier {} ({}) is {}, not approved: its produce cannot be taken in yet",
                                  supplier_id, supplier_name, supplier_state),
                      "product_id");
  }
  bool grade_ok = false;
  for (std::string_view g : text::Split(grades, '|')) {
    if (g == in.grade) grade_ok = true;
  }
  if (!grade_ok) {
    return Error::Invalid(fmt::format("grade '{}' is not in the product's grading standard ({})", in.grade, grades),
                          "grade");
  }

  // The outlet: in the caller's scope; the supplier's own village or a permission.
  auto ost = conn.Prepare("SELECT village_code FROM outlets WHERE outlet_id = ?");
  ost->Bind(1, in.outlet_id);
  if (!ost->Step()) return Error::Invalid(fmt::format("no outlet {}", in.outlet_id), "outlet_id");
  std::string outlet_village = ost->Text(0);
  ost.reset();
  if (Status s = accounts::Check(tree, caller.principal, Action::kTakeInLot, outlet_village); !s) return s.error();
  // The supplier's own village, or the supplier's permission.
  if (Status s = SupplierService::MayTakeIn(conn, in.outlet_id, supplier_id); !s) return s.error();

  // The households: each the supplier's own, or linked to it and verified.
  struct Share {
    LotHouseholdInput in;
    std::string county;
    std::optional<int64_t> link_id;
    Channel channel = Channel::kPurchase;
  };
  std::vector<Share> shares;
  int64_t total = 0;
  std::set<int64_t> seen;
  auto hh = conn.Prepare("SELECT county_code FROM households WHERE household_id = ?");
  auto link = conn.Prepare(
      "SELECT link_id, channel FROM supplier_links WHERE supplier_id = ? AND household_id = ? AND state = 'verified'");
  for (size_t i = 0; i < in.households.size(); ++i) {
    const LotHouseholdInput& h = in.households[i];
    std::string at = fmt::format("households[{}]", i);
    if (!seen.insert(h.household_id).second) {
      return Error::Invalid(fmt::format("household {} is listed twice", h.household_id), at + ".household_id");
    }
    if (h.quantity < 1 || h.quantity > in.quantity) {
      return Error::Invalid("a household's quantity is from 1 to the lot's quantity", at + ".quantity");
    }
    if (h.paid_fen < 0 || h.paid_fen > 1'000'000'000'000) {
      return Error::Invalid("paid_fen is from 0 to 10 billion yuan in fen", at + ".paid_fen");
    }
    hh->Bind(1, h.household_id);
    if (!hh->Step()) {
      return Error::Invalid(fmt::format("no registered household {}", h.household_id), at + ".household_id");
    }
    Share s{h, hh->Text(0), std::nullopt, Channel::kPurchase};
    while (hh->Step()) {
    }
    if (household_supplier && supplier_household == h.household_id) {
      s.channel = Channel::kDirectSale;
    } else {
      link->Bind(1, supplier_id).Bind(2, h.household_id);
      if (!link->Step()) {
        return Error::Invalid(fmt::format("household {} has no verified link with supplier {}: declare the link and "
                                          "have the county verify it first",
                                          h.household_id, supplier_id),
                              at + ".household_id");
      }
      s.link_id = link->Int(0);
      s.channel = ParseChannel(link->Text(1)).value_or(Channel::kPurchase);
      while (link->Step()) {
      }
    }
    total += h.quantity;
    shares.push_back(std::move(s));
  }
  if (!shares.empty() && total != in.quantity) {
    return Error::Invalid(fmt::format("the households supplied {} units in all, the lot has {}", total, in.quantity),
                          "households");
  }

  std::string now = Now();
  int64_t on_hand = in.inspection_result == "pass" ? in.quantity : 0;
  std::string code;
  int64_t lot_id = 0;
  // A trace code is random: draw again in the (vanishing) case it is taken.
  for (int attempt = 0; attempt < 5 && lot_id == 0; ++attempt) {
    code = NewTraceCode();
    auto ins = conn.Prepare(
        "INSERT INTO lots (trace_code, product_id, outlet_id, supplier_id, county_code, quantity, on_hand, "
        "allocated, grade, intake_date, inspection_test, inspection_result, inspector, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?) ON CONFLICT (trace_code) DO NOTHING RETURNING lot_id");
    ins->Bind(1, code).Bind(2, in.product_id).Bind(3, in.outlet_id).Bind(4, supplier_id).Bind(5, county);
    ins->Bind(6, in.quantity).Bind(7, on_hand).Bind(8, in.grade).Bind(9, in.intake_date);
    ins->Bind(10, in.inspection_test).Bind(11, in.inspection_result).Bind(12, in.inspector).Bind(13, now);
    if (ins->Step()) lot_id = ins->Int(0);
    while (ins->Step()) {
    }
  }
  if (lot_id == 0) return Error::Internal("could not draw a free trace code");
  auto lh = conn.Prepare(
      "INSERT INTO lot_households (lot_id, household_id, county_code, link_id, channel, quantity, paid_fen) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (const Share& s : shares) {
    lh->Bind(1, lot_id).Bind(2, s.in.household_id).Bind(3, s.county).Bind(4, s.link_id);
    lh->Bind(5, ChannelName(s.channel)).Bind(6, s.in.quantity).Bind(7, s.in.paid_fen);
    lh->Run();
  }
  if (!in.idempotency_key.empty()) {
    auto done = conn.Prepare("UPDATE lot_requests SET lot_id = ? WHERE user_id = ? AND idempotency_key = ?");
    done->Bind(1, lot_id).Bind(2, caller.principal.user_id).Bind(3, in.idempotency_key).Run();
  }
  Audit(conn, caller, "market.lot.intake", fmt::format("lot:{}", lot_id), outlet_village,
        fmt::format("{} units of product {} from {} households, grade {}, inspection {}", in.quantity,
                    in.product_id, shares.size(), in.grade, in.inspection_result));
  std::optional<Lot> lot = LoadLot(conn, lot_id);
  return *lot;
}

// ---- Orders ----------------------------------------------------------------------

Result<PlaceResult> OrderService::Impl::Place(db::Connection& conn, const Caller& caller, const PlaceOrder& c) const {
  const accounts::Principal& p = caller.principal;
  if (Status s = accounts::Check(tree, p, Action::kPlaceOrder); !s) return s.error();
  if (c.idempotency_key.empty() || c.idempotency_key.size() > 128 || !Printable(c.idempotency_key)) {
    return Error::Invalid("the Idempotency-Key header is 1 to 128 printable ASCII characters", "Idempotency-Key");
  }
  if (c.lines.empty() || c.lines.size() > kMaxLines) {
    return Error::Invalid(fmt::format("an order has 1 to {} lines", kMaxLines), "lines");
  }
  std::set<int64_t> products;
  for (size_t i = 0; i < c.lines.size(); ++i) {
    if (c.lines[i].quantity < 1 || c.lines[i].quantity > kMaxQuantity) {
      return Error::Invalid(fmt::format("quantity is from 1 to {}", kMaxQuantity), fmt::format("lines[{}].quantity", i));
    }
    if (!products.insert(c.lines[i].product_id).second) {
      return Error::Invalid(fmt::format("product {} is on two lines: order it on one", c.lines[i].product_id),
                            fmt::format("lines[{}].product_id", i));
    }
  }
  if (Status s = CheckText(c.ship_name, "ship_to.name", 1, 100); !s) return s.error();
  if (Status s = CheckText(c.ship_phone, "ship_to.phone", 5, 32); !s) return s.error();
  if (Status s = CheckText(c.ship_address, "ship_to.address", 1, 500); !s) return s.error();
  if (Status s = CheckText(c.note, "note", 0, 500); !s) return s.error();

  std::string hash = RequestHash(c);
  std::string now = Now();
  std::optional<int64_t> institution;
  {
    auto st = conn.Prepare("SELECT institution_id FROM institutions WHERE buyer_user_id = ?");
    st->Bind(1, p.user_id);
    if (st->Step()) institution = st->Int(0);
  }
  // Claim the key first: a concurrent request with the same key waits here
  // (PostgreSQL: on the unique index; SQLite: on the write lock) until the
  // first commits or rolls back.
  int64_t order_id = 0;
  {
    auto ins = conn.Prepare(
        "INSERT INTO orders (buyer_user_id, institution_id, idempotency_key, request_hash, state, total_fen, "
        "ship_name, ship_phone, ship_address, note, placed_at) VALUES (?, ?, ?, ?, 'placed', 0, ?, ?, ?, ?, ?) "
        "ON CONFLICT (buyer_user_id, idempotency_key) DO NOTHING RETURNING order_id");
    ins->Bind(1, p.user_id).Bind(2, institution).Bind(3, c.idempotency_key).Bind(4, hash);
    ins->Bind(5, c.ship_name).Bind(6, c.ship_phone).Bind(7, c.ship_address);
    if (c.note.empty()) {
      ins->BindNull(8);
    } else {
      ins->Bind(8, c.note);
    }
    ins->Bind(9, now);
    if (ins->Step()) order_id = ins->Int(0);
    while (ins->Step()) {
    }
  }
  if (order_id == 0) {
    auto st = conn.Prepare("SELECT order_id, request_hash FROM orders WHERE buyer_user_id = ? AND idempotency_key = ?");
    st->Bind(1, p.user_id).Bind(2, c.idempotency_key);
    if (!st->Step()) return Error::Unavailable("the order being placed with this key vanished; try again");
    int64_t existing = st->Int(0);
    std::string existing_hash = st->Text(1);
    st.reset();
    if (existing_hash != hash) {
      return Error::KeyReused(fmt::format("Idempotency-Key '{}' was used for a different order (order {}); use a new "
                                          "key for a new order",
                                          c.idempotency_key, existing),
                              "Idempotency-Key");
    }
    std::optional<Order> order = LoadOrder(conn, existing, true);
    return PlaceResult{std::move(*order), true};
  }

  // Lines in product order, so that two orders lock the same lots in the same order.
  std::vector<size_t> order_of(c.lines.size());
  for (size_t i = 0; i < order_of.size(); ++i) order_of[i] = i;
  std::sort(order_of.begin(), order_of.end(),
            [&](size_t a, size_t b) { return c.lines[a].product_id < c.lines[b].product_id; });
  bool pg = conn.dialect() == db::Dialect::kPostgres;
  auto product = conn.Prepare(
      "SELECT p.price_fen, p.supplier_id, p.county_code, p.listed, s.state, p.name FROM products p "
      "JOIN suppliers s ON s.supplier_id = p.supplier_id WHERE p.product_id = ?");
  auto lots = conn.Prepare(std::string("SELECT lot_id, on_hand, allocated FROM lots WHERE product_id = ? AND "
                                       "inspection_result = 'pass' AND on_hand > allocated "
                                       "ORDER BY intake_date, lot_id") +
                           (pg ? " FOR UPDATE" : ""));
  auto take = conn.Prepare("UPDATE lots SET allocated = allocated + ? WHERE lot_id = ? AND on_hand - allocated >= ?");
  auto line_ins = conn.Prepare(
      "INSERT INTO order_lines (order_id, product_id, supplier_id, county_code, quantity, unit_price_fen, "
      "amount_fen) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING line_id");
  auto alloc_ins = conn.Prepare("INSERT INTO allocations (line_id, lot_id, county_code, quantity) VALUES (?, ?, ?, ?)");
  int64_t total = 0;
  for (size_t i : order_of) {
    const OrderLineInput& line = c.lines[i];
    std::string field = fmt::format("lines[{}]", i);
    product->Bind(1, line.product_id);
    if (!product->Step()) {
      return Error::Invalid(fmt::format("no product {}", line.product_id), field + ".product_id");
    }
    int64_t price = product->Int(0);
    int64_t supplier_id = product->Int(1);
    std::string county = product->Text(2);
    bool listed = product->Int(3) == 1;
    std::string supplier_state = product->Text(4);
    std::string name = product->Text(5);
    while (product->Step()) {
    }
    if (!listed || supplier_state != "approved") {
      return ConflictAt(fmt::format("product {} ({}) is not on sale", line.product_id, name), field + ".product_id");
    }
    if (price <= 0 || line.quantity > kMaxLineFen / price) {
      return Error::Invalid(fmt::format("{} units of product {} at {} fen would be worth more than {} fen, the most one "
                                        "order line may be",
                                        line.quantity, line.product_id, price, kMaxLineFen),
                            field + ".quantity");
    }
    lots->Bind(1, line.product_id);
    std::vector<LotStock> stock;
    while (lots->Step()) stock.push_back({lots->Int(0), lots->Int(1), lots->Int(2)});
    std::optional<std::vector<Allocation>> got = AllocateFifo(stock, line.quantity);
    if (!got) {
      int64_t left = 0;
      for (const LotStock& s : stock) left += s.saleable();
      return ConflictAt(fmt::format("product {} ({}): {} ordered, {} can be sold now", line.product_id, name,
                                    line.quantity, left),
                        field + ".quantity");
    }
    int64_t amount = price * line.quantity;
    line_ins->Bind(1, order_id).Bind(2, line.product_id).Bind(3, supplier_id).Bind(4, county);
    line_ins->Bind(5, line.quantity).Bind(6, price).Bind(7, amount);
    if (!line_ins->Step()) throw db::DbError("INSERT … RETURNING gave no row");
    int64_t line_id = line_ins->Int(0);
    while (line_ins->Step()) {
    }
    for (const Allocation& a : *got) {
      take->Bind(1, a.quantity).Bind(2, a.lot_id).Bind(3, a.quantity);
      take->Run();
      // The lots are locked: a lot that no longer has the units is a bug.
      if (take->Changes() != 1) throw db::DbError(fmt::format("lot {} changed under its lock", a.lot_id));
      alloc_ins->Bind(1, line_id).Bind(2, a.lot_id).Bind(3, county).Bind(4, a.quantity);
      alloc_ins->Run();
    }
    total += amount;
  }
  {
    auto st = conn.Prepare("UPDATE orders SET total_fen = ? WHERE order_id = ?");
    st->Bind(1, total).Bind(2, order_id);
    st->Run();
  }
  AddEvent(conn, order_id, OrderState::kPlaced, now, &p, {});
  std::optional<Order> order = LoadOrder(conn, order_id, true);
  return PlaceResult{std::move(*order), false};
}

Result<Order> OrderService::Impl::Pay(db::Connection& conn, const Caller& caller, int64_t order_id,
                                      const PayOrder& request, std::string_view at) const {
  const PaymentProvider* provider = nullptr;
  for (const auto& pp : providers) {
    if (pp->name() == request.provider) provider = pp.get();
  }
  if (!provider) {
    std::string names;
    for (const auto& pp : providers) names += (names.empty() ? "" : ", ") + std::string(pp->name());
    return Error::Invalid(fmt::format("no payment provider '{}' here; this server offers: {}", request.provider, names),
                          "provider");
  }
  if (Status s = CheckText(request.reference, "reference", 0, 100); !s) return s.error();
  // The ledger's year is the year in China at the payment.
  Result<int64_t> at_unix = audit::ParseTimestamp(at, "at");
  if (!at_unix) return at_unix.error();
  int year = std::stoi(ChinaDate(*at_unix).substr(0, 4));
  std::optional<Order> order = LoadOrder(conn, order_id, false);
  if (!order) return Error::NotFound(fmt::format("no order {}", order_id));
  // Only the buyer or an operator who may confirm payments learns the order exists.
  if (order->buyer_user_id != caller.principal.user_id &&
      !accounts::Allows(caller.principal.role, Action::kConfirmPayment)) {
    return Error::NotFound(fmt::format("no order {}", order_id));
  }
  if (Status s = CheckMove(order_id, order->state, OrderState::kPaid); !s) return s.error();
  Result<std::string> reference = provider->Charge(caller, *order, request);
  if (!reference) return reference.error();
  if (Status s = SetState(conn, order_id, OrderState::kPlaced, OrderState::kPaid); !s) return s.error();
  {
    auto st = conn.Prepare("UPDATE orders SET paid_at = ? WHERE order_id = ?");
    st->Bind(1, at).Bind(2, order_id);
    st->Run();
    auto pay = conn.Prepare(
        "INSERT INTO payments (order_id, kind, provider, reference, amount_fen, at, user_id) "
        "VALUES (?, 'payment', ?, ?, ?, ?, ?)");
    pay->Bind(1, order_id).Bind(2, provider->name()).Bind(3, *reference).Bind(4, order->total_fen).Bind(5, at);
    pay->Bind(6, caller.principal.user_id);
    pay->Run();
  }
  benefit::CreditOrder(conn, order_id, year, at);
  AddEvent(conn, order_id, OrderState::kPaid, at, &caller.principal, provider->name());
  Audit(conn, caller, "market.order.pay", fmt::format("order:{}", order_id), "",
        fmt::format("{} fen by {} ({})", order->total_fen, provider->name(), *reference));
  return *LoadOrder(conn, order_id, true);
}

Result<Order> OrderService::Impl::Move(db::Connection& conn, const Caller& caller, int64_t order_id, OrderState to,
                                       std::string_view note, std::string_view at) const {
  const accounts::Principal& p = caller.principal;
  std::optional<Order> order = LoadOrder(conn, order_id, false);
  if (!order) return Error::NotFound(fmt::format("no order {}", order_id));
  bool buyer = order->buyer_user_id == p.user_id;
  switch (to) {
    case OrderState::kPacked:
    case OrderState::kShipped:
    case OrderState::kDelivered:
      if (Status s = CheckAll(tree, p, Action::kFulfilOrder, OrderVillages(conn, order_id)); !s) {
        if (buyer || p.role == Role::kBuyer || p.role == Role::kSupplier) {
          return Error::Denied(fmt::format("role {} may not pack, ship or deliver orders", accounts::RoleName(p.role)));
        }
        return s.error();
      }
      break;
    case OrderState::kAccepted:
      if (!buyer) {
        if (p.role == Role::kBuyer) return Error::NotFound(fmt::format("no order {}", order_id));
        return Error::Denied(fmt::format("only the buyer of order {} accepts its delivery", order_id));
      }
      break;
    case OrderState::kCancelled:
      if (!buyer && p.role != Role::kAdmin) {
        if (p.role == Role::kBuyer) return Error::NotFound(fmt::format("no order {}", order_id));
        return Error::Denied("an order is cancelled by its buyer or an admin");
      }
      if (!buyer) {
        // An admin of a part of the tree cancels only orders of goods of its part.
        for (const OrderLine& line : order->lines) {
          if (!accounts::InScope(tree, p, line.county_code)) {
            return Error::Denied(fmt::format(
                "order {} has goods of county {}, outside the region your account covers", order_id, line.county_code));
          }
        }
      }
      break;
    default:
      return Error::Internal("not a fulfilment move");
  }
  if (Status s = CheckMove(order_id, order->state, to); !s) return s.error();
  if (Status s = SetState(conn, order_id, order->state, to); !s) return s.error();
  if (to == OrderState::kShipped) {
    // The units leave the outlet.
    auto st = conn.Prepare(
        "SELECT a.lot_id, a.quantity FROM allocations a JOIN order_lines ol ON ol.line_id = a.line_id "
        "WHERE ol.order_id = ? ORDER BY a.lot_id");
    st->Bind(1, order_id);
    std::vector<Allocation> list;
    while (st->Step()) list.push_back({st->Int(0), st->Int(1)});
    auto up = conn.Prepare("UPDATE lots SET on_hand = on_hand - ?, allocated = allocated - ? WHERE lot_id = ?");
    for (const Allocation& a : list) {
      up->Bind(1, a.quantity).Bind(2, a.quantity).Bind(3, a.lot_id);
      up->Run();
    }
    auto t = conn.Prepare("UPDATE orders SET tracking_no = ? WHERE order_id = ?");
    t->Bind(1, note).Bind(2, order_id);
    t->Run();
  }
  if (to == OrderState::kCancelled) {
    ReleaseStock(conn, order_id, /*goods_left=*/false);
  }
  if (to == OrderState::kCancelled || to == OrderState::kAccepted) {
    auto st = conn.Prepare("UPDATE orders SET closed_at = ? WHERE order_id = ?");
    st->Bind(1, at).Bind(2, order_id);
    st->Run();
  }
  AddEvent(conn, order_id, to, at, &p, note);
  Audit(conn, caller, fmt::format("market.order.{}", OrderStateName(to)), fmt::format("order:{}", order_id), "",
        std::string(note));
  return *LoadOrder(conn, order_id, true);
}

Result<Order> OrderService::Impl::Refund(db::Connection& conn, const Caller& caller, int64_t order_id,
                                         std::string_view reason, std::string_view at) const {
  const accounts::Principal& p = caller.principal;
  if (p.role != Role::kAdmin && p.role != Role::kCountyOperator) {
    return Error::Denied(fmt::format("role {} may not refund orders", accounts::RoleName(p.role)));
  }
  if (Status s = CheckText(reason, "reason", 1, 500); !s) return s.error();
  std::optional<Order> order = LoadOrder(conn, order_id, false);
  if (!order) return Error::NotFound(fmt::format("no order {}", order_id));
  for (const OrderLine& line : order->lines) {
    if (!accounts::InScope(tree, p, line.county_code)) {
      return Error::Denied(fmt::format("order {} has goods of county {}, outside the region your account covers",
                                       order_id, line.county_code));
    }
  }
  if (Status s = CheckMove(order_id, order->state, OrderState::kRefunded); !s) return s.error();
  if (Status s = SetState(conn, order_id, order->state, OrderState::kRefunded); !s) return s.error();
  ReleaseStock(conn, order_id, GoodsLeft(order->state));
  {
    auto st = conn.Prepare("UPDATE orders SET closed_at = ? WHERE order_id = ?");
    st->Bind(1, at).Bind(2, order_id);
    st->Run();
    auto pay = conn.Prepare(
        "INSERT INTO payments (order_id, kind, provider, reference, amount_fen, at, user_id) "
        "SELECT order_id, 'refund', provider, reference, amount_fen, ?, ? FROM payments "
        "WHERE order_id = ? AND kind = 'payment'");
    pay->Bind(1, at).Bind(2, p.user_id).Bind(3, order_id);
    pay->Run();
  }
  benefit::ReverseOrder(conn, order_id, at);
  AddEvent(conn, order_id, OrderState::kRefunded, at, &p, reason);
  Audit(conn, caller, "market.order.refund", fmt::format("order:{}", order_id), "",
        fmt::format("{} fen: {}", order->total_fen, reason));
  return *LoadOrder(conn, order_id, true);
}

// ---- Settlement ------------------------------------------------------------------

int64_t OrderService::FeeBp(db::Connection& conn) {
  auto st = conn.Prepare("SELECT value FROM market_config WHERE key = 'fee_bp'");
  if (!st->Step()) return 0;
  std::string v = st->Text(0);
  int64_t bp = 0;
  for (char ch : v) {
    if (ch < '0' || ch > '9') return 0;
    bp = bp * 10 + (ch - '0');
    if (bp > 10000) return 0;
  }
  return bp;
}

Result<std::vector<SettlementLine>> OrderService::Impl::Settle(db::Connection& conn, const Caller& caller,
                                                               std::string_view period,
                                                               std::optional<int64_t> supplier_id) const {
  if (!IsPeriod(period)) return Error::Invalid("period is a month YYYY-MM", "period");
  const accounts::Principal& p = caller.principal;
  std::optional<int64_t> own;
  if (p.role == Role::kSupplier) {
    own = OwnSupplier(conn, p.user_id);
    if (!own) return Error::Denied("this account owns no supplier");
    if (supplier_id && *supplier_id != *own) return Error::Denied("a supplier sees only its own settlement");
    supplier_id = own;
  } else if (Status s = accounts::Check(tree, p, Action::kReadMarket); !s) {
    return s.error();
  }
  // [from, to): the month in China (UTC+8) as UTC ISO-8601 text bounds.
  int y = std::stoi(std::string(period.substr(0, 4)));
  int m = std::stoi(std::string(period.substr(5, 2)));
  auto start = [](int year, int month) {
    Result<int64_t> t = audit::ParseTimestamp(fmt::format("{:04}-{:02}-01T00:00:00Z", year, month), "period");
    return audit::FormatTimestamp(*t - 8 * 3600);
  };
  std::string from = start(y, m);
  std::string to = m == 12 ? start(y + 1, 1) : start(y, m + 1);
  int64_t bp = OrderService::FeeBp(conn);

  std::map<int64_t, SettlementLine> by;
  auto line_for = [&](int64_t id) -> SettlementLine& {
    SettlementLine& s = by[id];
    s.supplier_id = id;
    s.period = std::string(period);
    s.fee_bp = bp;
    return s;
  };
  auto sales = conn.Prepare(
      "SELECT ol.supplier_id, COUNT(DISTINCT o.order_id), SUM(ol.amount_fen) FROM orders o "
      "JOIN order_lines ol ON ol.order_id = o.order_id WHERE o.paid_at >= ? AND o.paid_at < ? "
      "AND (? = 0 OR ol.supplier_id = ?) GROUP BY ol.supplier_id");
  sales->Bind(1, from).Bind(2, to).Bind(3, supplier_id.value_or(0)).Bind(4, supplier_id.value_or(0));
  while (sales->Step()) {
    SettlementLine& s = line_for(sales->Int(0));
    s.orders = sales->Int(1);
    s.sales_fen = sales->Int(2);
  }
  auto refunds = conn.Prepare(
      "SELECT ol.supplier_id, SUM(ol.amount_fen) FROM orders o JOIN order_lines ol ON ol.order_id = o.order_id "
      "WHERE o.state = 'refunded' AND o.closed_at >= ? AND o.closed_at < ? AND (? = 0 OR ol.supplier_id = ?) "
      "GROUP BY ol.supplier_id");
  refunds->Bind(1, from).Bind(2, to).Bind(3, supplier_id.value_or(0)).Bind(4, supplier_id.value_or(0));
  while (refunds->Step()) line_for(refunds->Int(0)).refunds_fen = refunds->Int(1);
  auto paid = conn.Prepare(
      "SELECT supplier_id, SUM(amount_fen) FROM payouts WHERE period = ? AND (? = 0 OR supplier_id = ?) "
      "GROUP BY supplier_id");
  paid->Bind(1, period).Bind(2, supplier_id.value_or(0)).Bind(3, supplier_id.value_or(0));
  while (paid->Step()) line_for(paid->Int(0)).paid_fen = paid->Int(1);
  auto credited = conn.Prepare(
      "SELECT supplier_id, COUNT(DISTINCT household_id), SUM(amount_fen) FROM ledger WHERE at >= ? AND at < ? "
      "AND (? = 0 OR supplier_id = ?) GROUP BY supplier_id");
  credited->Bind(1, from).Bind(2, to).Bind(3, supplier_id.value_or(0)).Bind(4, supplier_id.value_or(0));
  while (credited->Step()) {
    SettlementLine& s = line_for(credited->Int(0));
    s.households = credited->Int(1);
    s.households_credited_fen = credited->Int(2);
  }
  if (supplier_id && by.empty()) line_for(*supplier_id);

  auto sup = conn.Prepare("SELECT name, village_code FROM suppliers WHERE supplier_id = ?");
  std::vector<SettlementLine> out;
  for (auto& [id, s] : by) {
    sup->Bind(1, id);
    if (!sup->Step()) {
      if (supplier_id) return Error::NotFound(fmt::format("no supplier {}", id));
      continue;
    }
    s.supplier_name = sup->Text(0);
    std::string village = sup->Text(1);
    while (sup->Step()) {
    }
    if (!own && !accounts::InScope(tree, p, village)) {
      if (supplier_id) return Error::Denied(fmt::format("supplier {} is outside the region your account covers", id));
      continue;
    }
    int64_t net = s.sales_fen - s.refunds_fen;
    s.fee_fen = Fee(net, bp);
    s.owed_fen = net - s.fee_fen;
    s.balance_fen = s.owed_fen - s.paid_fen;
    out.push_back(s);
  }
  return out;
}

// ---- The public face ---------------------------------------------------------------

OrderService::OrderService(db::Pool& pool, const regions::RegionTree& tree, const audit::AuditLog& audit,
                           std::vector<std::unique_ptr<PaymentProvider>> providers)
    : impl_(std::make_unique<Impl>(pool, tree, audit, std::move(providers))) {
  if (pool.dialect() == db::Dialect::kSqlite) {
    Result<std::unique_ptr<db::GroupCommit>> group = db::GroupCommit::Open(pool.url());
    if (group) {
      impl_->group = std::move(*group);
    } else {
      std::fprintf(stderr, "fupin: market: no group commit (%s); one commit per order\n",
                   group.error().message.c_str());
    }
  }
}

OrderService::~OrderService() = default;

Result<Lot> OrderService::TakeIn(const Caller& caller, const LotIntake& intake) const {
  return impl_->InWrite<Lot>([&](db::Connection& conn) { return impl_->TakeIn(conn, caller, intake); });
}

Result<Lot> OrderService::TakeInIn(db::Connection& conn, const Caller& caller, const LotIntake& intake) const {
  return impl_->TakeIn(conn, caller, intake);
}

Result<Lot> OrderService::GetLot(const Caller& caller, int64_t lot_id) const {
  return impl_->WithConnection<Lot>([&](db::Connection& conn) -> Result<Lot> {
    db::Transaction tx(conn, /*write=*/false);
    std::optional<Lot> lot = LoadLot(conn, lot_id);
    if (!lot) return Error::NotFound(fmt::format("no lot {}", lot_id));
    if (Status s = impl_->MaySeeLot(conn, caller, *lot); !s) return s.error();
    // Who supplied a lot and what each was paid is household data: for the
    // lot's supplier and the roles that read households or take in lots.
    const accounts::Principal& p = caller.principal;
    if (p.role != Role::kSupplier && !accounts::Allows(p.role, Action::kReadHouseholds) &&
        !accounts::Allows(p.role, Action::kTakeInLot)) {
      lot->households.clear();
      lot->households_withheld = true;
    }
    return *lot;
  });
}

Result<LotPage> OrderService::ListLots(const Caller& caller, const LotQuery& query) const {
  return impl_->WithConnection<LotPage>([&](db::Connection& conn) -> Result<LotPage> {
    db::Transaction tx(conn, /*write=*/false);
    const accounts::Principal& p = caller.principal;
    std::optional<int64_t> own;
    if (p.role == Role::kSupplier) {
      own = OwnSupplier(conn, p.user_id);
      if (!own) return LotPage{};
    } else if (!accounts::Allows(p.role, Action::kReadMarket) && !accounts::Allows(p.role, Action::kTakeInLot)) {
      return accounts::Check(impl_->tree, p, Action::kReadMarket).error();
    }
    auto st = conn.Prepare(fmt::format(
        "SELECT {} FROM lots l JOIN products p ON p.product_id = l.product_id JOIN outlets o ON o.outlet_id = "
        "l.outlet_id WHERE l.lot_id < ? AND (? = 0 OR l.product_id = ?) AND (? = 0 OR l.outlet_id = ?) "
        "AND (? = 0 OR l.supplier_id = ?) ORDER BY l.lot_id DESC",
        kLotColumns));
    int64_t before = query.after > 0 ? query.after : std::numeric_limits<int64_t>::max();
    st->Bind(1, before);
    st->Bind(2, query.product_id.value_or(0)).Bind(3, query.product_id.value_or(0));
    st->Bind(4, query.outlet_id.value_or(0)).Bind(5, query.outlet_id.value_or(0));
    st->Bind(6, own.value_or(0)).Bind(7, own.value_or(0));
    LotPage page;
    while (st->Step()) {
      Lot lot = ReadLot(*st);
      if (!own && !accounts::InScope(impl_->tree, p, lot.outlet_village_code)) continue;
      if (static_cast<int>(page.items.size()) == query.limit) {
        page.next_after = page.items.back().id;
        break;
      }
      page.items.push_back(std::move(lot));
    }
    return page;
  });
}

void OrderService::InvalidateCatalogue() const { impl_->epoch.fetch_add(1, std::memory_order_relaxed); }

Result<CataloguePage> OrderService::Catalogue(const CatalogueQuery& q) const {
  const std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", q.category, q.region_code,
                                      q.supplier_id.value_or(0), q.certified_only, q.in_stock_only, q.limit, q.after);
  const int64_t epoch = impl_->epoch.load(std::memory_order_relaxed);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(impl_->cache_mu);
    auto it = impl_->cache.find(key);
    if (it != impl_->cache.end() && it->second.epoch == epoch && now - it->second.at < Impl::kCatalogueTtl) {
      return it->second.page;
    }
  }
  Result<CataloguePage> page = ReadCatalogue(q);
  if (page) {
    std::lock_guard lock(impl_->cache_mu);
    if (impl_->cache.size() >= Impl::kCatalogueEntries) impl_->cache.clear();
    impl_->cache[key] = Impl::CachedPage{epoch, now, *page};
  }
  return page;
}

Result<CataloguePage> OrderService::ReadCatalogue(const CatalogueQuery& q) const {
  std::string county;   // the county the region lies in ("" = the whole prefecture)
  bool finer = false;   // the region is a township or village: filtered here, not in SQL
  if (!q.region_code.empty()) {
    const regions::Region* region = impl_->tree.Find(q.region_code);
    if (!region) return Error::Invalid(fmt::format("no region {}", q.region_code), "region");
    if (const regions::Region* c = impl_->tree.AncestorAt(q.region_code, regions::Level::kCounty)) county = c->code;
    finer = region->level == regions::Level::kTownship || region->level == regions::Level::kVillage;
  }
  return impl_->WithConnection<CataloguePage>([&](db::Connection& conn) -> Result<CataloguePage> {
    db::Transaction tx(conn, /*write=*/false);
    std::string today = ChinaDate(impl_->audit.Now());
    // Filters and the page limit in SQL, so a page costs the same whatever
    // the size of the catalogue (a finer region than a county is checked
    // against the tree below, then without a limit in SQL).
    auto st = conn.Prepare(
        "SELECT p.product_id, p.name, p.category, p.unit, p.price_fen, "
        "COALESCE((SELECT SUM(l.on_hand - l.allocated) FROM lots l WHERE l.product_id = p.product_id "
        "AND l.inspection_result = 'pass'), 0), p.supplier_id, s.name, p.origin_village_code, r.name, "
        "p.certified_from, p.certified_until, p.flag_one_village_one_product, p.flag_green, p.flag_organic, "
        "p.flag_geographical_indication, p.flag_compliance_certificate, "
        "(SELECT MIN(ph.photo_id) FROM product_photos ph WHERE ph.product_id = p.product_id), s.kind "
        "FROM products p JOIN suppliers s ON s.supplier_id = p.supplier_id "
        "JOIN regions r ON r.code = p.origin_village_code "
        "WHERE p.listed = 1 AND s.state = 'approved' AND p.product_id > ? AND (? = '' OR p.category = ?) "
        "AND (? = 0 OR p.supplier_id = ?) AND (? = '' OR p.county_code = ?) "
        "AND (? = 0 OR (p.certified_from <= ? AND p.certified_until >= ?)) "
        "AND (? = 0 OR EXISTS (SELECT 1 FROM lots l WHERE l.product_id = p.product_id "
        "AND l.inspection_result = 'pass' AND l.on_hand > l.allocated)) "
        "ORDER BY p.product_id LIMIT ?");
    st->Bind(1, q.after).Bind(2, q.category).Bind(3, q.category);
    st->Bind(4, q.supplier_id.value_or(0)).Bind(5, q.supplier_id.value_or(0));
    st->Bind(6, county).Bind(7, county);
    st->Bind(8, int64_t{q.certified_only}).Bind(9, today).Bind(10, today);
    st->Bind(11, int64_t{q.in_stock_only});
    st->Bind(12, finer ? std::numeric_limits<int64_t>::max() : int64_t{q.limit} + 1);
    CataloguePage page;
    while (st->Step()) {
      CatalogueItem item;
      item.id = st->Int(0);
      item.name = st->Text(1);
      item.category = st->Text(2);
      item.unit = st->Text(3);
      item.price_fen = st->Int(4);
      item.saleable = st->Int(5);
      item.supplier_id = st->Int(6);
      // A household supplier's name is a household's own: not for the public.
      if (st->Text(18) != "household") item.supplier_name = st->Text(7);
      item.origin_village_code = st->Text(8);
      item.origin_village_name = st->Text(9);
      std::optional<std::string> from, until;
      if (!st->IsNull(10)) from = st->Text(10);
      if (!st->IsNull(11)) until = st->Text(11);
      item.certified = CertificationValid(from, until, today);
      item.flags = {st->Int(12) == 1, st->Int(13) == 1, st->Int(14) == 1, st->Int(15) == 1, st->Int(16) == 1};
      item.photo_id = st->OptInt(17);
      if (finer && !impl_->tree.Covers(q.region_code, item.origin_village_code)) continue;
      if (static_cast<int>(page.items.size()) == q.limit) {
        page.next_after = page.items.back().id;
        break;
      }
      page.items.push_back(std::move(item));
    }
    return page;
  });
}

Result<PlaceResult> OrderService::Place(const Caller& caller, const PlaceOrder& command) const {
  return impl_->Durably<PlaceResult>([&](db::Connection& conn) { return impl_->Place(conn, caller, command); },
                                     [](const PlaceResult& r) { return !r.replayed; });
}

Result<PlaceResult> OrderService::PlaceIn(db::Connection& conn, const Caller& caller, const PlaceOrder& command) const {
  return impl_->Place(conn, caller, command);
}

Result<Order> OrderService::GetOrder(const Caller& caller, int64_t order_id) const {
  return impl_->WithConnection<Order>([&](db::Connection& conn) -> Result<Order> {
    db::Transaction tx(conn, /*write=*/false);
    return impl_->Visible(conn, caller, order_id, true);
  });
}

Result<OrderPage> OrderService::ListOrders(const Caller& caller, const OrderQuery& query) const {
  return impl_->WithConnection<OrderPage>([&](db::Connection& conn) -> Result<OrderPage> {
    db::Transaction tx(conn, /*write=*/false);
    const accounts::Principal& p = caller.principal;
    int64_t before = query.after > 0 ? query.after : std::numeric_limits<int64_t>::max();
    std::string state = query.state ? OrderStateName(*query.state) : "";
    std::unique_ptr<db::Statement> st;
    if (p.role == Role::kBuyer) {
      st = conn.Prepare(
          "SELECT order_id FROM orders WHERE buyer_user_id = ? AND order_id < ? AND (? = '' OR state = ?) "
          "ORDER BY order_id DESC LIMIT 200");
      st->Bind(1, p.user_id);
    } else if (p.role == Role::kSupplier) {
      std::optional<int64_t> own = OwnSupplier(conn, p.user_id);
      st = conn.Prepare(
          "SELECT DISTINCT o.order_id FROM orders o JOIN order_lines ol ON ol.order_id = o.order_id "
          "WHERE ol.supplier_id = ? AND o.order_id < ? AND (? = '' OR o.state = ?) ORDER BY o.order_id DESC "
          "LIMIT 200");
      st->Bind(1, own.value_or(-1));
    } else {
      if (Status s = accounts::Check(impl_->tree, p, Action::kReadMarket); !s) return s.error();
      // Orders with a line of the county of the caller's grant (all for a
      // prefecture grant), then filtered exactly by Visible.
      const regions::Region* county = impl_->tree.AncestorAt(p.region_code, regions::Level::kCounty);
      // (An outlet may sell the goods of another county's supplier: its
      // county counts too.)
      st = conn.Prepare(
          "SELECT DISTINCT o.order_id FROM orders o JOIN order_lines ol ON ol.order_id = o.order_id "
          "WHERE (ol.county_code LIKE ? OR EXISTS (SELECT 1 FROM allocations a JOIN lots l ON l.lot_id = a.lot_id "
          "JOIN outlets ou ON ou.outlet_id = l.outlet_id WHERE a.line_id = ol.line_id AND ou.county_code LIKE ?)) "
          "AND o.order_id < ? AND (? = '' OR o.state = ?) ORDER BY o.order_id DESC LIMIT 200");
      std::string like = county ? county->code : std::string("%");
      st->Bind(1, like).Bind(2, like);
    }
    // Batches of 200 ids, newest first, until a page and one more are seen.
    const int first = p.role == Role::kBuyer || p.role == Role::kSupplier ? 2 : 3;
    OrderPage page;
    std::vector<Order> seen;
    while (true) {
      st->Bind(first, before).Bind(first + 1, state).Bind(first + 2, state);
      std::vector<int64_t> ids;
      while (st->Step()) ids.push_back(st->Int(0));
      if (ids.empty()) break;
      for (int64_t id : ids) {
        before = id;
        Result<Order> o = impl_->Visible(conn, caller, id, false);
        if (o) seen.push_back(std::move(*o));
        if (static_cast<int>(seen.size()) > query.limit) break;
      }
      if (static_cast<int>(seen.size()) > query.limit || ids.size() < 200) break;
    }
    if (static_cast<int>(seen.size()) > query.limit) {
      seen.pop_back();
      page.next_after = seen.back().id;
    }
    page.items = std::move(seen);
    return page;
  });
}

Result<Order> OrderService::Pay(const Caller& caller, int64_t order_id, const PayOrder& request) const {
  return impl_->Durably<Order>(
      [&](db::Connection& conn) {
        std::string now = impl_->Now();
        return impl_->Pay(conn, caller, order_id, request, now);
      },
      [](const Order&) { return true; });
}

Result<Order> OrderService::PayIn(db::Connection& conn, const Caller& caller, int64_t order_id,
                                  const PayOrder& request, std::string_view at) const {
  return impl_->Pay(conn, caller, order_id, request, at);
}

Result<Order> OrderService::Pack(const Caller& caller, int64_t order_id) const {
  return impl_->InWrite<Order>(
      [&](db::Connection& conn) { return impl_->Move(conn, caller, order_id, OrderState::kPacked, "", impl_->Now()); });
}

Result<Order> OrderService::Ship(const Caller& caller, int64_t order_id, std::string_view tracking_no) const {
  if (Status s = CheckText(tracking_no, "tracking_no", 1, 64); !s) return s.error();
  return impl_->InWrite<Order>([&](db::Connection& conn) {
    return impl_->Move(conn, caller, order_id, OrderState::kShipped, tracking_no, impl_->Now());
  });
}

Result<Order> OrderService::Deliver(const Caller& caller, int64_t order_id) const {
  return impl_->InWrite<Order>([&](db::Connection& conn) {
    return impl_->Move(conn, caller, order_id, OrderState::kDelivered, "", impl_->Now());
  });
}

Result<Order> OrderService::Accept(const Caller& caller, int64_t order_id, const Acceptance& a) const {
  if (Status s = CheckText(a.invoice_no, "invoice_no", 0, 64); !s) return s.error();
  if (Status s = CheckText(a.inspection_note, "inspection_note", 0, 1000); !s) return s.error();
  return impl_->InWrite<Order>([&](db::Connection& conn) -> Result<Order> {
    std::optional<Order> order = LoadOrder(conn, order_id, false);
    if (order && order->institution_id && order->buyer_user_id == caller.principal.user_id) {
      if (a.invoice_no.empty()) {
        return Error::Invalid("an institution accepts a delivery with its invoice number", "invoice_no");
      }
      if (a.inspection_note.empty()) {
        return Error::Invalid("an institution accepts a delivery with an inspection note", "inspection_note");
      }
    }
    Result<Order> moved = impl_->Move(conn, caller, order_id, OrderState::kAccepted, a.inspection_note, impl_->Now());
    if (!moved) return moved;
    auto st = conn.Prepare("UPDATE orders SET invoice_no = ?, inspection_note = ? WHERE order_id = ?");
    st->Bind(1, a.invoice_no).Bind(2, a.inspection_note).Bind(3, order_id);
    if (a.invoice_no.empty()) st->BindNull(1);
    if (a.inspection_note.empty()) st->BindNull(2);
    st->Run();
    return *LoadOrder(conn, order_id, true);
  });
}

Status OrderService::Rate(const Caller& caller, int64_t order_id, const Rating& r) const {
  if (r.stars < 1 || r.stars > 5) return Error::Invalid("stars is from 1 to 5", "stars");
  if (Status s = CheckText(r.comment, "comment", 0, 1000); !s) return s;
  Result<bool> done = impl_->InWrite<bool>([&](db::Connection& conn) -> Result<bool> {
    std::optional<Order> order = LoadOrder(conn, order_id, false);
    if (!order || order->buyer_user_id != caller.principal.user_id) {
      return Error::NotFound(fmt::format("no order {} of yours", order_id));
    }
    if (order->state != OrderState::kAccepted && order->state != OrderState::kDelivered) {
      return Error::Conflict(fmt::format("order {} is {}: a supplier is rated once the delivery has arrived",
                                         order_id, OrderStateName(order->state)));
    }
    bool has = std::any_of(order->lines.begin(), order->lines.end(),
                           [&](const OrderLine& l) { return l.supplier_id == r.supplier_id; });
    if (!has) return Error::Invalid(fmt::format("supplier {} has no line in order {}", r.supplier_id, order_id),
                                    "supplier_id");
    auto st = conn.Prepare(
        "INSERT INTO ratings (order_id, supplier_id, stars, comment, at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (order_id, supplier_id) DO NOTHING");
    st->Bind(1, order_id).Bind(2, r.supplier_id).Bind(3, r.stars).Bind(4, r.comment).Bind(5, impl_->Now());
    if (r.comment.empty()) st->BindNull(4);
    st->Run();
    if (st->Changes() != 1) {
      return Error::Conflict(fmt::format("supplier {} was already rated for order {}", r.supplier_id, order_id));
    }
    return true;
  });
  if (!done) return done.error();
  return {};
}

Result<Order> OrderService::Cancel(const Caller& caller, int64_t order_id, std::string_view reason) const {
  if (Status s = CheckText(reason, "reason", 0, 500); !s) return s.error();
  return impl_->InWrite<Order>([&](db::Connection& conn) {
    return impl_->Move(conn, caller, order_id, OrderState::kCancelled, reason, impl_->Now());
  });
}

Result<Order> OrderService::Refund(const Caller& caller, int64_t order_id, std::string_view reason) const {
  return impl_->InWrite<Order>(
      [&](db::Connection& conn) { return impl_->Refund(conn, caller, order_id, reason, impl_->Now()); });
}

Result<Order> OrderService::MoveIn(db::Connection& conn, const Caller& caller, int64_t order_id, OrderState to,
                                   std::string_view note, std::string_view at) const {
  if (to == OrderState::kRefunded) return impl_->Refund(conn, caller, order_id, note, at);
  return impl_->Move(conn, caller, order_id, to, note, at);
}

Result<std::vector<SettlementLine>> OrderService::Settlement(const Caller& caller, std::string_view period,
                                                             std::optional<int64_t> supplier_id) const {
  return impl_->WithConnection<std::vector<SettlementLine>>(
      [&](db::Connection& conn) -> Result<std::vector<SettlementLine>> {
        db::Transaction tx(conn, /*write=*/false);
        return impl_->Settle(conn, caller, period, supplier_id);
      });
}

Result<SettlementLine> OrderService::RecordPayout(const Caller& caller, const Payout& payout) const {
  if (Status s = accounts::Check(impl_->tree, caller.principal, Action::kManageSettlement); !s) return s.error();
  if (!IsPeriod(payout.period)) return Error::Invalid("period is a month YYYY-MM", "period");
  if (payout.amount_fen < 1) return Error::Invalid("amount_fen is a positive number of fen", "amount_fen");
  if (Status s = CheckText(payout.reference, "reference", 1, 100); !s) return s.error();
  return impl_->InWrite<SettlementLine>([&](db::Connection& conn) -> Result<SettlementLine> {
    // Two payouts to one supplier take turns, so both cannot see the same
    // balance (SQLite: the write transaction already does).
    if (conn.dialect() == db::Dialect::kPostgres) {
      auto lock = conn.Prepare("SELECT supplier_id FROM suppliers WHERE supplier_id = ? FOR UPDATE");
      lock->Bind(1, payout.supplier_id);
      lock->Run();
    }
    Result<std::vector<SettlementLine>> lines = impl_->Settle(conn, caller, payout.period, payout.supplier_id);
    if (!lines) return lines.error();
    SettlementLine s = lines->front();
    if (payout.amount_fen > s.balance_fen) {
      return ConflictAt(fmt::format("supplier {} is owed {} fen for {}: a payout of {} fen would pay too much",
                                    payout.supplier_id, s.balance_fen, payout.period, payout.amount_fen),
                        "amount_fen");
    }
    auto st = conn.Prepare(
        "INSERT INTO payouts (supplier_id, period, amount_fen, reference, at, user_id) VALUES (?, ?, ?, ?, ?, ?)");
    st->Bind(1, payout.supplier_id).Bind(2, payout.period).Bind(3, payout.amount_fen).Bind(4, payout.reference);
    st->Bind(5, impl_->Now()).Bind(6, caller.principal.user_id);
    st->Run();
    impl_->Audit(conn, caller, "market.settlement.payout", fmt::format("supplier:{}", payout.supplier_id), "",
                 fmt::format("{} fen for {} ({})", payout.amount_fen, payout.period, payout.reference));
    s.paid_fen += payout.amount_fen;
    s.balance_fen -= payout.amount_fen;
    return s;
  });
}

}  // namespace fupin::market
