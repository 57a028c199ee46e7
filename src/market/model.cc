#include "market/model.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

namespace fupin::market {
namespace {

template <typename E, size_t N>
const char* NameOf(const std::pair<E, const char*> (&table)[N], E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "unknown";
}

template <typename E, size_t N>
std::optional<E> Parse(const std::pair<E, const char*> (&table)[N], std::string_view name) {
  for (const auto& [e, text] : table) {
    if (name == text) return e;
  }
  return std::nullopt;
}

constexpr std::pair<SupplierKind, const char*> kKinds[] = {
    {SupplierKind::kHousehold, "household"},
    {SupplierKind::kCooperative, "cooperative"},
    {SupplierKind::kEnterprise, "enterprise"},
};
constexpr std::pair<SupplierState, const char*> kSupplierStates[] = {
    {SupplierState::kApplied, "applied"},
    {SupplierState::kRecommended, "recommended"},
    {SupplierState::kApproved, "approved"},
    {SupplierState::kRejected, "rejected"},
};
constexpr std::pair<Channel, const char*> kChannels[] = {
    {Channel::kDirectSale, "direct_sale"},
    {Channel::kPurchase, "purchase"},
    {Channel::kWages, "wages"},
    {Channel::kDividends, "dividends"},
};
constexpr std::pair<LinkState, const char*> kLinkStates[] = {
    {LinkState::kDeclared, "declared"},
    {LinkState::kVerified, "verified"},
    {LinkState::kRejected, "rejected"},
};
constexpr std::pair<OrderState, const char*> kOrderStates[] = {
    {OrderState::kPlaced, "placed"},       {OrderState::kPaid, "paid"},
    {OrderState::kPacked, "packed"},       {OrderState::kShipped, "shipped"},
    {OrderState::kDelivered, "delivered"}, {OrderState::kAccepted, "accepted"},
    {OrderState::kCancelled, "cancelled"}, {OrderState::kRefunded, "refunded"},
};

using Int128 = __int128;

}  // namespace

const char* SupplierKindName(SupplierKind kind) { return NameOf(kKinds, kind); }
std::optional<SupplierKind> ParseSupplierKind(std::string_view name) { return Parse(kKinds, name); }
const char* SupplierStateName(SupplierState state) { return NameOf(kSupplierStates, state); }
std::optional<SupplierState> ParseSupplierState(std::string_view name) { return Parse(kSupplierStates, name); }
const char* ChannelName(Channel channel) { return NameOf(kChannels, channel); }
std::optional<Channel> ParseChannel(std::string_view name) { return Parse(kChannels, name); }
const char* LinkStateName(LinkState state) { return NameOf(kLinkStates, state); }
std::optional<LinkState> ParseLinkState(std::string_view name) { return Parse(kLinkStates, name); }
const char* OrderStateName(OrderState state) { return NameOf(kOrderStates, state); }
std::optional<OrderState> ParseOrderState(std::string_view name) { return Parse(kOrderStates, name); }

std::string ChinaDate(int64_t unix_s) {
  int64_t days = (unix_s + 8 * 3600) / 86400;
  if ((unix_s + 8 * 3600) % 86400 < 0) --days;
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

bool CertificationValid(const std::optional<std::string>& from, const std::optional<std::string>& until,
                        std::string_view date) {
  if (!from || !until) return false;
  return *from <= date && date <= *until;
}

std::optional<std::vector<Allocation>> AllocateFifo(const std::vector<LotStock>& lots, int64_t quantity) {
  std::vector<Allocation> out;
  int64_t left = quantity;
  for (const LotStock& lot : lots) {
    if (left == 0) break;
    int64_t take = std::min(left, lot.saleable());
    if (take <= 0) continue;
    out.push_back({lot.lot_id, take});
    left -= take;
  }
  if (left > 0) return std::nullopt;
  return out;
}

std::vector<int64_t> Apportion(int64_t total, const std::vector<int64_t>& weights) {
  std::vector<int64_t> parts(weights.size(), 0);
  Int128 sum = 0;
  for (int64_t w : weights) sum += w;
  if (sum == 0 || total == 0) return parts;
  std::vector<Int128> remainders(weights.size());
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    Int128 exact = static_cast<Int128>(total) * weights[i];
    parts[i] = static_cast<int64_t>(exact / sum);
    remainders[i] = exact % sum;
    given += parts[i];
  }
  int64_t left = total - given;  // < number of parts
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  for (size_t k = 0; k < order.size() && left > 0; ++k, --left) ++parts[order[k]];
  return parts;
}

int64_t MulDivRound(int64_t amount, int64_t numerator, int64_t denominator) {
  Int128 p = static_cast<Int128>(amount) * numerator;
  bool negative = p < 0;
  if (negative) p = -p;
  Int128 q = (p + denominator / 2) / denominator;
  return static_cast<int64_t>(negative ? -q : q);
}

bool CanMove(OrderState from, OrderState to) {
  switch (to) {
    case OrderState::kPaid: return from == OrderState::kPlaced;
    case OrderState::kPacked: return from == OrderState::kPaid;
    case OrderState::kShipped: return from == OrderState::kPacked;
    case OrderState::kDelivered: return from == OrderState::kShipped;
    case OrderState::kAccepted: return from == OrderState::kDelivered;
    case OrderState::kCancelled: return from == OrderState::kPlaced;
    case OrderState::kRefunded:
      return from == OrderState::kPaid || from == OrderState::kPacked || from == OrderState::kShipped ||
             from == OrderState::kDelivered;
    case OrderState::kPlaced: return false;
  }
  return false;
}

Status CheckMove(int64_t order_id, OrderState from, OrderState to) {
  if (CanMove(from, to)) return {};
  return Error::Conflict(fmt::format("order {} is {}: it cannot become {}", order_id, OrderStateName(from),
                                     OrderStateName(to)));
}

bool GoodsLeft(OrderState state) {
  return state == OrderState::kShipped || state == OrderState::kDelivered || state == OrderState::kAccepted;
}

int64_t Fee(int64_t sales_fen, int64_t fee_bp) { return MulDivRound(sales_fen, fee_bp, 10000); }

bool IsPeriod(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  int month = (text[5] - '0') * 10 + (text[6] - '0');
  return month >= 1 && month <= 12;
}

}  // namespace fupin::market
