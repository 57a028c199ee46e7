#pragma once
// The benefit ledger's rule, pure: how a paid order line credits the
// households behind the lots it was allocated from.
//
// For an allocation of q units from a lot of Q units, each household h that
// supplied the lot (q_h units, paid p_h fen at intake, through channel c_h)
// has the weight
//     w_h = unit_price × q_h   when c_h is direct_sale (the household is the supplier)
//     w_h = p_h                otherwise (purchase, wages, dividends: what it earned from the lot)
// The amount attributed to households is A = round(q × Σ w_h / Q) (halves up),
// and A is divided among them by the largest-remainder rule
// (market::Apportion) in proportion to w_h: the credits add up to A exactly.
//
// The local value of the same produce (for the gain) is the reference price
// × q, divided in proportion to q_h; it is recorded for direct_sale and
// purchase credits only, and only when the product has a reference price for
// the year. Wages and dividends have no produce counterfactual: all of such a
// credit is gain. Units are divided the same way (largest remainder by q_h).
#include <cstdint>
#include <optional>
#include <vector>

#include "market/model.h"

namespace fupin::benefit {

struct LotShare {
  int64_t household_id = 0;
  market::Channel channel = market::Channel::kPurchase;
  int64_t quantity = 0;  // units this household supplied to the lot
  int64_t paid_fen = 0;  // what it was paid for them at intake
};

struct Credit {
  int64_t household_id = 0;
  market::Channel channel = market::Channel::kPurchase;
  int64_t quantity = 0;     // units of this allocation attributed to the household
  int64_t amount_fen = 0;   // the credit
  std::optional<int64_t> local_value_fen;  // what the same produce fetches locally
};

// The credits of one allocation: `allocated` units (of a lot of
// `lot_quantity` units, sold at `unit_price_fen`) among `shares` (the lot's
// households, any order). `reference_price_fen`: the local price per unit that
// year, if known. Households with a zero credit and zero units are left out.
std::vector<Credit> CreditsFor(int64_t unit_price_fen, int64_t allocated, int64_t lot_quantity,
                               const std::vector<LotShare>& shares, std::optional<int64_t> reference_price_fen);

}  // namespace fupin::benefit
