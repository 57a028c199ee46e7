// The implementation of testing/market_seed.h.
#include "testing/market_seed.h"

#include <stdexcept>

#include <fmt/format.h>

#include "db/database.h"
#include "market/trace.h"

namespace fupin::testing {
namespace {

// Runs an INSERT … RETURNING and gives the one id back.
int64_t InsertId(db::Statement& st) {
  if (!st.Step()) throw std::runtime_error("INSERT … RETURNING gave no row");
  int64_t id = st.Int(0);
  st.Run();
  return id;
}

std::string PickVillage(db::Connection& conn, int households) {
  auto st = conn.Prepare(
      "SELECT h.village_code FROM households h WHERE NOT EXISTS (SELECT 1 FROM outlets o WHERE o.village_code = "
      "h.village_code) GROUP BY h.village_code HAVING COUNT(*) >= ? ORDER BY h.village_code LIMIT 1");
  st->Bind(1, static_cast<int64_t>(households));
  if (!st->Step()) throw std::runtime_error(fmt::format("no village with {} households and no outlet", households));
  std::string village = st->Text(0);
  st->Run();
  return village;
}

}  // namespace

int64_t UserId(db::Connection& conn, const std::string& username) {
  auto st = conn.Prepare("SELECT user_id FROM users WHERE username = ?");
  st->Bind(1, username);
  if (!st->Step()) throw std::runtime_error("no user " + username);
  int64_t id = st->Int(0);
  st->Run();
  return id;
}

SeededProduct SeedProduct(db::Connection& conn, int64_t units, const SeedOptions& options) {
  if (units < 1 || options.households < 1) throw std::runtime_error("SeedProduct needs units and households");
  SeededProduct out;
  out.village_code = options.village.empty() ? PickVillage(conn, options.households) : options.village;
  out.price_fen = options.price_fen;
  out.paid_per_unit_fen = options.paid_per_unit_fen;
  {
    auto st = conn.Prepare("SELECT household_id, county_code FROM households WHERE village_code = ? "
                           "ORDER BY household_id LIMIT ?");
    st->Bind(1, out.village_code).Bind(2, static_cast<int64_t>(options.households));
    while (st->Step()) {
      out.household_ids.push_back(st->Int(0));
      out.county_code = st->Text(1);
    }
  }
  if (static_cast<int>(out.household_ids.size()) != options.households) {
    throw std::runtime_error(fmt::format("village {} has fewer than {} households", out.village_code,
                                         options.households));
  }
  db::Transaction tx(conn);
  auto supplier = conn.Prepare(
      "INSERT INTO suppliers (name, kind, village_code, county_code, owner_user_id, state, applied_at, decided_at) "
      "VALUES (?, 'cooperative', ?, ?, ?, 'approved', '2016-01-01T00:00:00Z', '2016-02-01T00:00:00Z') "
      "RETURNING supplier_id");
  supplier->Bind(1, fmt::format("种植合作社 {} {}", out.village_code, market::NewTraceCode()));
  supplier->Bind(2, out.village_code).Bind(3, out.county_code).Bind(4, options.owner_user_id);
  out.supplier_id = InsertId(*supplier);

  auto link = conn.Prepare(
      "INSERT INTO supplier_links (supplier_id, household_id, county_code, channel, evidence, state, declared_at, "
      "decided_at) VALUES (?, ?, ?, 'purchase', 'purchase contract 2016-001', 'verified', '2016-01-01T00:00:00Z', "
      "'2016-02-01T00:00:00Z')");
  for (int64_t h : out.household_ids) {
    link->Bind(1, out.supplier_id).Bind(2, h).Bind(3, out.county_code);
    link->Run();
  }

  auto product = conn.Prepare(
      "INSERT INTO products (supplier_id, county_code, name, category, unit, price_fen, origin_village_code, grades, "
      "created_at) VALUES (?, ?, '花椒', 'spice', 'kg', ?, ?, '一级|二级', '2016-01-01T00:00:00Z') "
      "RETURNING product_id");
  product->Bind(1, out.supplier_id).Bind(2, out.county_code).Bind(3, options.price_fen).Bind(4, out.village_code);
  out.product_id = InsertId(*product);

  auto existing = conn.Prepare("SELECT outlet_id FROM outlets WHERE village_code = ?");
  existing->Bind(1, out.village_code);
  if (existing->Step()) {
    out.outlet_id = existing->Int(0);
    existing->Run();
  } else {
    existing.reset();
    auto outlet = conn.Prepare(
        "INSERT INTO outlets (village_code, county_code, name, created_at) VALUES (?, ?, '村级服务站', "
        "'2016-01-01T00:00:00Z') RETURNING outlet_id");
    outlet->Bind(1, out.village_code).Bind(2, out.county_code);
    out.outlet_id = InsertId(*outlet);
  }
  tx.Commit();
  AddLot(conn, out, units, options.intake_date);
  return out;
}

int64_t AddLot(db::Connection& conn, SeededProduct& p, int64_t units, const std::string& intake_date) {
  db::Transaction tx(conn);
  auto lot = conn.Prepare(
      "INSERT INTO lots (trace_code, product_id, outlet_id, supplier_id, county_code, quantity, on_hand, allocated, "
      "grade, intake_date, inspection_test, inspection_result, inspector, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, 0, '一级', ?, 'pesticide residue rapid test', 'pass', 'Ma Lin', "
      "'2017-08-01T08:00:00Z') RETURNING lot_id");
  lot->Bind(1, market::NewTraceCode()).Bind(2, p.product_id).Bind(3, p.outlet_id).Bind(4, p.supplier_id);
  lot->Bind(5, p.county_code).Bind(6, units).Bind(7, units).Bind(8, intake_date);
  int64_t lot_id = InsertId(*lot);

  auto link_of = conn.Prepare("SELECT link_id FROM supplier_links WHERE supplier_id = ? AND household_id = ?");
  auto share = conn.Prepare(
      "INSERT INTO lot_households (lot_id, household_id, county_code, link_id, channel, quantity, paid_fen) "
      "VALUES (?, ?, ?, ?, 'purchase', ?, ?)");
  // Near-equal parts that add up to the lot; a household with no part is left out.
  int64_t n = static_cast<int64_t>(p.household_ids.size());
  for (int64_t i = 0; i < n; ++i) {
    int64_t q = units / n + (i < units % n ? 1 : 0);
    if (q == 0) continue;
    link_of->Bind(1, p.supplier_id).Bind(2, p.household_ids[i]);
    if (!link_of->Step()) throw std::runtime_error("the seeded link vanished");
    int64_t link_id = link_of->Int(0);
    link_of->Run();
    share->Bind(1, lot_id).Bind(2, p.household_ids[i]).Bind(3, p.county_code).Bind(4, link_id);
    share->Bind(5, q).Bind(6, q * p.paid_per_unit_fen);
    share->Run();
  }
  tx.Commit();
  p.lot_ids.push_back(lot_id);
  return lot_id;
}

int64_t ExpectedCredits(db::Connection& conn, int64_t order_id, int year) {
  struct Row {
    int64_t lot_id, allocated, unit_price, product_id, lot_quantity;
  };
  std::vector<Row> rows;
  {
    auto st = conn.Prepare(
        "SELECT a.lot_id, a.quantity, ol.unit_price_fen, ol.product_id, l.quantity FROM order_lines ol "
        "JOIN allocations a ON a.line_id = ol.line_id JOIN lots l ON l.lot_id = a.lot_id WHERE ol.order_id = ? "
        "ORDER BY a.line_id, a.lot_id");
    st->Bind(1, order_id);
    while (st->Step()) rows.push_back({st->Int(0), st->Int(1), st->Int(2), st->Int(3), st->Int(4)});
  }
  int64_t total = 0;
  for (const Row& r : rows) {
    std::vector<benefit::LotShare> shares;
    {
      auto st = conn.Prepare(
          "SELECT household_id, channel, quantity, paid_fen FROM lot_households WHERE lot_id = ? "
          "ORDER BY household_id");
      st->Bind(1, r.lot_id);
      while (st->Step()) {
        shares.push_back({st->Int(0), market::ParseChannel(st->Text(1)).value_or(market::Channel::kPurchase),
                          st->Int(2), st->Int(3)});
      }
    }
    std::optional<int64_t> reference;
    {
      auto st = conn.Prepare("SELECT price_fen FROM reference_prices WHERE product_id = ? AND year = ?");
      st->Bind(1, r.product_id).Bind(2, static_cast<int64_t>(year));
      if (st->Step()) reference = st->Int(0);
      if (reference) st->Run();
    }
    for (const benefit::Credit& c : benefit::CreditsFor(r.unit_price, r.allocated, r.lot_quantity, shares, reference)) {
      total += c.amount_fen;
    }
  }
  return total;
}

std::string OrderJson(const std::vector<std::pair<int64_t, int64_t>>& lines, const std::string& note) {
  std::string out = "{\"lines\":[";
  for (size_t i = 0; i < lines.size(); ++i) {
    out += fmt::format("{}{{\"product_id\":{},\"quantity\":{}}}", i ? "," : "", lines[i].first, lines[i].second);
  }
  out += "],\"ship_to\":{\"name\":\"马老师\",\"phone\":\"13800000000\",\"address\":\"临夏市 红园路 1 号\"}";
  if (!note.empty()) out += ",\"note\":\"" + note + "\"";
  return out + "}";
}

HttpResponse PostOrder(HttpClient& client, const std::string& cookie, const std::string& csrf,
                       const std::string& key, const std::string& body) {
  std::vector<std::pair<std::string, std::string>> headers{
      {"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Content-Type", "application/json"}};
  if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
  return client.Request("POST", "/api/v1/orders", body, headers);
}

}  // namespace fupin::testing
