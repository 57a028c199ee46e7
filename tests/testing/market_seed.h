#pragma once
// Stock and orders for tests that drive the marketplace from outside the
// process (over HTTP, or across a killed and restarted server). Stock is
// written with plain SQL on a connection to the server's database, so the
// tests depend only on the schema, the way testing/market_fixture.h does in
// process.
//
// SeedProduct makes an approved cooperative in a village, verified purchase
// links to households of that village, a listed product, the village's outlet
// (the one already there, or a new one) and a passed lot whose units the
// linked households supplied in near-equal parts, each paid a fixed price per
// unit (so that paying an order credits them in the benefit ledger).
//
// The seeding functions are not thread-safe (one connection, one thread);
// OrderJson and PostOrder are (one HttpClient per thread).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "benefit/model.h"
#include "testing/http_client.h"

namespace fupin::db {
class Connection;
}

namespace fupin::testing {

struct SeedOptions {
  // The village of the supplier and the outlet. "" picks the first village
  // (by code) with at least `households` households and no outlet yet.
  std::string village;
  int households = 3;             // linked households (1 or more)
  int64_t price_fen = 1000;       // the product's price per unit
  int64_t paid_per_unit_fen = 300;  // what each household was paid per unit at intake
  std::optional<int64_t> owner_user_id;  // the account that owns the supplier, if any
  std::string intake_date = "2017-08-01";
};

struct SeededProduct {
  int64_t supplier_id = 0;
  int64_t product_id = 0;
  int64_t outlet_id = 0;
  std::vector<int64_t> lot_ids;        // in intake order
  std::vector<int64_t> household_ids;  // the linked households
  std::string village_code;
  std::string county_code;
  int64_t price_fen = 0;
  int64_t paid_per_unit_fen = 0;
};

// Seeds a product with one lot of `units` (> 0) units. Throws
// std::runtime_error when the database has no suitable village or a write
// fails, so a test cannot go on without its stock.
SeededProduct SeedProduct(db::Connection& conn, int64_t units, const SeedOptions& options = {});

// Adds another lot of `units` of the seeded product, supplied by the same
// households, taken in on `intake_date`. Returns the lot id and records it
// in `product.lot_ids`.
int64_t AddLot(db::Connection& conn, SeededProduct& product, int64_t units, const std::string& intake_date);

// The user id of `username`; throws std::runtime_error when there is none.
int64_t UserId(db::Connection& conn, const std::string& username);

// What benefit::CreditsFor gives, summed, for every allocation of order
// `order_id` (read back from order_lines, allocations, lots, lot_households
// and reference_prices for `year`): the ledger total a payment must write.
int64_t ExpectedCredits(db::Connection& conn, int64_t order_id, int year);

// ---- Orders over HTTP ------------------------------------------------------

// The body of POST /api/v1/orders: `lines` as (product id, quantity), a fixed
// ship_to (name 马老师, phone 13800000000, an address in Linxia city) and
// `note` when not empty.
std::string OrderJson(const std::vector<std::pair<int64_t, int64_t>>& lines, const std::string& note = "");

// POST /api/v1/orders with the session's cookie and CSRF token and, when
// `key` is not empty, the Idempotency-Key header.
HttpResponse PostOrder(HttpClient& client, const std::string& cookie, const std::string& csrf,
                       const std::string& key, const std::string& body);

}  // namespace fupin::testing
