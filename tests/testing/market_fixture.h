#pragma once
// A marketplace on the scale-0.01 demo registry: the order service (offline
// and test payments) and, written with plain SQL so that these tests depend
// only on the schema, one approved cooperative in a village of poor
// households with verified links to three of them, a product, an outlet in
// the village, and buyer accounts. Lots are taken in through the service.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "market/order_service.h"
#include "testing/demo_services.h"

namespace fupin::testing {

class MarketTest : public DemoServicesTest {
 protected:
  explicit MarketTest(int pool_size = 4) : DemoServicesTest(pool_size) {}
  void SetUp() override;

  // A users row (the password hash unusable); returns its id.
  int64_t AddUser(const std::string& name, accounts::Role role, const std::string& region);
  // Another approved supplier in `village`, with a product at `price_fen`.
  // Returns {supplier id, product id}.
  std::pair<int64_t, int64_t> AddSupplier(const std::string& village, int64_t price_fen,
                                          std::optional<int64_t> owner_user_id = std::nullopt);
  // Takes in `quantity` units of `product` at the outlet, supplied in equal
  // parts by the linked households (their quantities add up); each paid
  // `paid_per_unit_fen` per unit. Fails the test on error.
  market::Lot TakeIn(int64_t product, int64_t quantity, const std::string& date = "2017-08-01",
                     int64_t paid_per_unit_fen = 300, const std::string& result = "pass");
  market::PlaceOrder Order(int64_t product, int64_t quantity, const std::string& key);

  market::Caller As(const accounts::Principal& p) { return market::Caller{p, "192.0.2.1"}; }

  std::unique_ptr<market::OrderService> orders_;
  std::string village_;   // the cooperative's (and the outlet's) village
  std::string county_;
  std::string township_;
  int64_t supplier_ = 0;  // the cooperative
  int64_t product_ = 0;   // its product, 1,000 fen a unit, grades 一级|二级
  int64_t outlet_ = 0;
  std::vector<int64_t> households_;  // linked (verified, purchase) poor households
  accounts::Principal admin_, county_op_, outlet_op_, buyer_, buyer2_, other_county_op_;
};

}  // namespace fupin::testing
