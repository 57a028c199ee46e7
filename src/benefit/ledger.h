#pragma once
// Writing the benefit ledger (benefit/model.h has the rule). Both functions
// run inside the caller's transaction — the payment's or the refund's — so
// an order is paid exactly when its credits exist. The ledger is append-only
// (triggers refuse UPDATE and DELETE); a refund adds compensating entries.
// Throw db::DbError like any write.
#include <cstdint>
#include <string_view>

namespace fupin::db {
class Connection;
}

namespace fupin::benefit {

// Credits the households behind every allocation of order `order_id`, dated
// `at` (UTC ISO-8601) in `year`. Returns the number of entries written.
int64_t CreditOrder(db::Connection& conn, int64_t order_id, int year, std::string_view at);

// Appends, for each credit of the order not yet reversed, an entry of the
// opposite amount (and local value and quantity) that names it in
// `reverses`. Returns the number of entries written.
int64_t ReverseOrder(db::Connection& conn, int64_t order_id, std::string_view at);

}  // namespace fupin::benefit
