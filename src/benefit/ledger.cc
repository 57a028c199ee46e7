#include "benefit/ledger.h"

#include <map>
#include <vector>

#include "benefit/model.h"
#include "db/database.h"

namespace fupin::benefit {

int64_t CreditOrder(db::Connection& conn, int64_t order_id, int year, std::string_view at) {
  struct Row {
    int64_t line_id, lot_id, quantity, unit_price, supplier_id, product_id, lot_quantity;
  };
  std::vector<Row> rows;
  {
    auto st = conn.Prepare(
        "SELECT a.line_id, a.lot_id, a.quantity, ol.unit_price_fen, ol.supplier_id, ol.product_id, l.quantity "
        "FROM order_lines ol JOIN allocations a ON a.line_id = ol.line_id JOIN lots l ON l.lot_id = a.lot_id "
        "WHERE ol.order_id = ? ORDER BY a.line_id, a.lot_id");
    st->Bind(1, order_id);
    while (st->Step()) {
      rows.push_back({st->Int(0), st->Int(1), st->Int(2), st->Int(3), st->Int(4), st->Int(5), st->Int(6)});
    }
  }
  auto shares_of = conn.Prepare(
      "SELECT lh.household_id, lh.channel, lh.quantity, lh.paid_fen, h.county_code, h.village_code "
      "FROM lot_households lh JOIN households h ON h.household_id = lh.household_id WHERE lh.lot_id = ? "
      "ORDER BY lh.household_id");
  auto price = conn.Prepare("SELECT price_fen FROM reference_prices WHERE product_id = ? AND year = ?");
  auto ins = conn.Prepare(
      "INSERT INTO ledger (household_id, county_code, village_code, order_id, line_id, lot_id, supplier_id, "
      "product_id, channel, year, quantity, amount_fen, local_value_fen, at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  int64_t written = 0;
  for (const Row& r : rows) {
    std::vector<LotShare> shares;
    std::map<int64_t, std::pair<std::string, std::string>> where;  // household → county, village
    shares_of->Bind(1, r.lot_id);
    while (shares_of->Step()) {
      LotShare s;
      s.household_id = shares_of->Int(0);
      s.channel = market::ParseChannel(shares_of->Text(1)).value_or(market::Channel::kPurchase);
      s.quantity = shares_of->Int(2);
      s.paid_fen = shares_of->Int(3);
      where[s.household_id] = {shares_of->Text(4), shares_of->Text(5)};
      shares.push_back(s);
    }
    if (shares.empty()) continue;
    price->Bind(1, r.product_id).Bind(2, year);
    std::optional<int64_t> reference;
    if (price->Step()) reference = price->Int(0);
    while (price->Step()) {
    }
    for (const Credit& c : CreditsFor(r.unit_price, r.quantity, r.lot_quantity, shares, reference)) {
      const auto& [county, village] = where[c.household_id];
      ins->Bind(1, c.household_id).Bind(2, county).Bind(3, village).Bind(4, order_id).Bind(5, r.line_id);
      ins->Bind(6, r.lot_id).Bind(7, r.supplier_id).Bind(8, r.product_id).Bind(9, market::ChannelName(c.channel));
      ins->Bind(10, year).Bind(11, c.quantity).Bind(12, c.amount_fen).Bind(13, c.local_value_fen).Bind(14, at);
      ins->Run();
      ++written;
    }
  }
  return written;
}

int64_t ReverseOrder(db::Connection& conn, int64_t order_id, std::string_view at) {
  // A reversal keeps the year of the credit it reverses, so that a year's
  // figures net out; it is dated when it happened.
  auto st = conn.Prepare(
      "INSERT INTO ledger (household_id, county_code, village_code, order_id, line_id, lot_id, supplier_id, "
      "product_id, channel, year, quantity, amount_fen, local_value_fen, reverses, at) "
      "SELECT e.household_id, e.county_code, e.village_code, e.order_id, e.line_id, e.lot_id, e.supplier_id, "
      "e.product_id, e.channel, e.year, -e.quantity, -e.amount_fen, -e.local_value_fen, e.entry_id, ? "
      "FROM ledger e WHERE e.order_id = ? AND e.reverses IS NULL "
      "AND NOT EXISTS (SELECT 1 FROM ledger r WHERE r.reverses = e.entry_id) ORDER BY e.entry_id");
  st->Bind(1, at).Bind(2, order_id);
  st->Run();
  return st->Changes();
}

}  // namespace fupin::benefit
