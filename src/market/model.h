#pragma once
// The marketplace's rules, pure: no SQL, no HTTP, no clock.
//
//  - Stock: saleable = on hand − allocated, per lot. An order allocates from
//    the lots of a product first-in first-out (intake date, then lot id).
//  - Splitting money: Apportion() divides a whole number of fen among shares
//    by the largest-remainder rule, so the parts always add up exactly.
//  - The order life: placed → paid → packed → shipped → delivered → accepted,
//    or cancelled (before payment) / refunded (after payment).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace fupin::market {

// ---- Suppliers -------------------------------------------------------------

enum class SupplierKind { kHousehold, kCooperative, kEnterprise };
const char* SupplierKindName(SupplierKind kind);  // "household", "cooperative", "enterprise"
std::optional<SupplierKind> ParseSupplierKind(std::string_view name);

// Admission: applied → recommended (by the county) → approved, or rejected
// (by the county at the first step, by the platform at the second).
enum class SupplierState { kApplied, kRecommended, kApproved, kRejected };
const char* SupplierStateName(SupplierState state);
std::optional<SupplierState> ParseSupplierState(std::string_view name);

// How a supplier's sales reach a poor household (联农带农). A household that
// is itself the supplier sells directly.
enum class Channel { kDirectSale, kPurchase, kWages, kDividends };
const char* ChannelName(Channel channel);  // "direct_sale", "purchase", "wages", "dividends"
std::optional<Channel> ParseChannel(std::string_view name);

enum class LinkState { kDeclared, kVerified, kRejected };
const char* LinkStateName(LinkState state);
std::optional<LinkState> ParseLinkState(std::string_view name);

// ---- Products --------------------------------------------------------------

struct ProductFlags {
  bool one_village_one_product = false;
  bool green = false;
  bool organic = false;
  bool geographical_indication = false;
  bool compliance_certificate = false;
};

// The calendar date in China (UTC+8) at `unix_s`, "YYYY-MM-DD": the day
// certifications are valid on, whatever the server's time zone.
std::string ChinaDate(int64_t unix_s);

// A poverty-alleviation product certification is valid on `date`
// ("YYYY-MM-DD") when from <= date <= until. Dates compare as text.
bool CertificationValid(const std::optional<std::string>& from, const std::optional<std::string>& until,
                        std::string_view date);

// ---- Stock and allocation -------------------------------------------------

struct LotStock {
  int64_t lot_id = 0;
  int64_t on_hand = 0;
  int64_t allocated = 0;
  int64_t saleable() const { return on_hand - allocated; }
};

struct Allocation {
  int64_t lot_id = 0;
  int64_t quantity = 0;
  std::string trace_code;  // the lot's, when read back with an order (what the package's QR code says)
};

// Takes `quantity` units from `lots`, which are in first-in first-out order,
// each lot giving what it can before the next is touched. nullopt when the
// lots together cannot give `quantity` (nothing is taken then). quantity > 0.
std::optional<std::vector<Allocation>> AllocateFifo(const std::vector<LotStock>& lots, int64_t quantity);

// ---- Splitting money -------------------------------------------------------

// Divides `total` (>= 0) into parts proportional to `weights` (each >= 0, not
// all 0 unless total is 0) by the largest-remainder rule: each part is first
// floor(total × weight / sum); the fen left over go one each to the parts with
// the largest remainders, ties to the earlier part. The parts add up to
// `total` exactly, and each is within one fen of its exact share. Products
// are computed in 128 bits, so any fen amount and weights up to 2^63 work.
std::vector<int64_t> Apportion(int64_t total, const std::vector<int64_t>& weights);

// round(amount × numerator / denominator), halves away from zero, in 128-bit
// arithmetic. denominator > 0.
int64_t MulDivRound(int64_t amount, int64_t numerator, int64_t denominator);

// ---- Orders ----------------------------------------------------------------

enum class OrderState { kPlaced, kPaid, kPacked, kShipped, kDelivered, kAccepted, kCancelled, kRefunded };
const char* OrderStateName(OrderState state);
std::optional<OrderState> ParseOrderState(std::string_view name);

// Whether the life of an order may go from `from` to `to`:
// placed→paid, paid→packed, packed→shipped, shipped→delivered,
// delivered→accepted; placed→cancelled; paid/packed/shipped/delivered→refunded.
bool CanMove(OrderState from, OrderState to);
// kConflict naming the states unless CanMove.
Status CheckMove(int64_t order_id, OrderState from, OrderState to);
// True once the goods have left the outlet (shipped, delivered, accepted).
bool GoodsLeft(OrderState state);

// ---- Settlement -------------------------------------------------------------

// The platform's fee on `sales_fen` at `fee_bp` basis points (1/100 of a
// percent), rounded half up. 0 <= fee_bp <= 10000.
int64_t Fee(int64_t sales_fen, int64_t fee_bp);

// A settlement period is a calendar month, "YYYY-MM".
bool IsPeriod(std::string_view text);

}  // namespace fupin::market
