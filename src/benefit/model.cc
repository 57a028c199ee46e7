#include "benefit/model.h"

namespace fupin::benefit {

std::vector<Credit> CreditsFor(int64_t unit_price_fen, int64_t allocated, int64_t lot_quantity,
                               const std::vector<LotShare>& shares, std::optional<int64_t> reference_price_fen) {
  std::vector<Credit> out;
  if (shares.empty() || allocated <= 0 || lot_quantity <= 0) return out;
  std::vector<int64_t> weights;
  std::vector<int64_t> units;
  int64_t weight_sum = 0;
  for (const LotShare& s : shares) {
    int64_t w = s.channel == market::Channel::kDirectSale ? unit_price_fen * s.quantity : s.paid_fen;
    weights.push_back(w);
    units.push_back(s.quantity);
    weight_sum += w;
  }
  int64_t attributed = market::MulDivRound(weight_sum, allocated, lot_quantity);
  std::vector<int64_t> amounts = market::Apportion(attributed, weights);
  std::vector<int64_t> quantities = market::Apportion(allocated, units);
  std::vector<int64_t> local;
  if (reference_price_fen) local = market::Apportion(*reference_price_fen * allocated, units);
  for (size_t i = 0; i < shares.size(); ++i) {
    if (amounts[i] == 0 && quantities[i] == 0) continue;
    Credit c;
    c.household_id = shares[i].household_id;
    c.channel = shares[i].channel;
    c.quantity = quantities[i];
    c.amount_fen = amounts[i];
    bool produce = c.channel == market::Channel::kDirectSale || c.channel == market::Channel::kPurchase;
    if (reference_price_fen && produce) c.local_value_fen = local[i];
    out.push_back(c);
  }
  return out;
}

}  // namespace fupin::benefit
