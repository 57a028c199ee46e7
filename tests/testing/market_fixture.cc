#include "testing/market_fixture.h"

#include <fmt/format.h>

namespace fupin::testing {

int64_t MarketTest::AddUser(const std::string& name, accounts::Role role, const std::string& region) {
  auto st = conn().Prepare(
      "INSERT INTO users (username, role, region_code, password_hash, created_at) VALUES (?, ?, ?, '!', "
      "'2026-01-01T00:00:00Z') RETURNING user_id");
  st->Bind(1, name).Bind(2, accounts::RoleName(role)).Bind(3, region);
  EXPECT_TRUE(st->Step());
  int64_t id = st->Int(0);
  while (st->Step()) {
  }
  return id;
}

std::pair<int64_t, int64_t> MarketTest::AddSupplier(const std::string& village, int64_t price_fen,
                                                    std::optional<int64_t> owner) {
  const regions::Region* county = tree_.AncestorAt(village, regions::Level::kCounty);
  auto s = conn().Prepare(
      "INSERT INTO suppliers (name, kind, village_code, county_code, owner_user_id, state, applied_at) "
      "VALUES (?, 'cooperative', ?, ?, ?, 'approved', '2016-01-01T00:00:00Z') RETURNING supplier_id");
  s->Bind(1, fmt::format("合作社 {}", village)).Bind(2, village).Bind(3, county->code).Bind(4, owner);
  EXPECT_TRUE(s->Step());
  int64_t supplier = s->Int(0);
  while (s->Step()) {
  }
  auto p = conn().Prepare(
      "INSERT INTO products (supplier_id, county_code, name, category, unit, price_fen, origin_village_code, "
      "grades, created_at) VALUES (?, ?, '冰糖心苹果', 'fruit', 'kg', ?, ?, '一级|二级', '2016-01-01T00:00:00Z') "
      "RETURNING product_id");
  p->Bind(1, supplier).Bind(2, county->code).Bind(3, price_fen).Bind(4, village);
  EXPECT_TRUE(p->Step());
  int64_t product = p->Int(0);
  while (p->Step()) {
  }
  return {supplier, product};
}

void MarketTest::SetUp() {
  DemoServicesTest::SetUp();
  if (HasFatalFailure()) return;
  std::vector<std::unique_ptr<market::PaymentProvider>> providers;
  providers.push_back(market::OfflinePayments(tree_));
  providers.push_back(market::TestPayments());
  orders_ = std::make_unique<market::OrderService>(*pool_, tree_, *audit_, std::move(providers));

  // A village with at least three poor households and no outlet yet.
  auto st = conn().Prepare(
      "SELECT hy.village_code FROM household_years hy WHERE hy.year = 2017 AND hy.status = 'poor' "
      "AND NOT EXISTS (SELECT 1 FROM outlets o WHERE o.village_code = hy.village_code) "
      "GROUP BY hy.village_code HAVING COUNT(*) >= 3 ORDER BY hy.village_code LIMIT 1");
  ASSERT_TRUE(st->Step());
  village_ = st->Text(0);
  st.reset();
  county_ = tree_.AncestorAt(village_, regions::Level::kCounty)->code;
  township_ = tree_.AncestorAt(village_, regions::Level::kTownship)->code;
  households_ = QueryIds(
      "SELECT household_id FROM household_years WHERE year = 2017 AND status = 'poor' AND village_code = ? "
      "ORDER BY household_id LIMIT 3",
      {village_});
  ASSERT_EQ(households_.size(), 3u);

  admin_ = User(AddUser("t-admin", accounts::Role::kAdmin, "622900000000"), accounts::Role::kAdmin, "622900000000");
  county_op_ = User(AddUser("t-county", accounts::Role::kCountyOperator, county_),
                    accounts::Role::kCountyOperator, county_);
  outlet_op_ = User(AddUser("t-outlet", accounts::Role::kOutletOperator, village_),
                    accounts::Role::kOutletOperator, village_);
  buyer_ = User(AddUser("t-buyer", accounts::Role::kBuyer, "622900000000"), accounts::Role::kBuyer, "622900000000");
  buyer2_ = User(AddUser("t-buyer2", accounts::Role::kBuyer, "622900000000"), accounts::Role::kBuyer, "622900000000");
  std::string other = county_ == "622926000000" ? "622921000000" : "622926000000";
  other_county_op_ = User(AddUser("t-other", accounts::Role::kCountyOperator, other),
                          accounts::Role::kCountyOperator, other);

  std::tie(supplier_, product_) = AddSupplier(village_, 1000);
  auto link = conn().Prepare(
      "INSERT INTO supplier_links (supplier_id, household_id, county_code, channel, evidence, state, declared_at) "
      "VALUES (?, ?, ?, 'purchase', 'contract 2016-001', 'verified', '2016-01-01T00:00:00Z')");
  for (int64_t h : households_) {
    link->Bind(1, supplier_).Bind(2, h).Bind(3, county_);
    link->Run();
  }
  auto o = conn().Prepare(
      "INSERT INTO outlets (village_code, county_code, name, created_at) VALUES (?, ?, 'village outlet', "
      "'2016-01-01T00:00:00Z') RETURNING outlet_id");
  o->Bind(1, village_).Bind(2, county_);
  ASSERT_TRUE(o->Step());
  outlet_ = o->Int(0);
  while (o->Step()) {
  }
}

market::Lot MarketTest::TakeIn(int64_t product, int64_t quantity, const std::string& date, int64_t paid_per_unit,
                               const std::string& result) {
  market::LotIntake in;
  in.product_id = product;
  in.outlet_id = outlet_;
  in.quantity = quantity;
  in.grade = "一级";
  in.intake_date = date;
  in.inspection_test = "pesticide residue rapid test";
  in.inspection_result = result;
  in.inspector = "Ma Lin";
  if (product == product_) {
    int64_t left = quantity;
    for (size_t i = 0; i < households_.size(); ++i) {
      int64_t q = i + 1 == households_.size() ? left : quantity / static_cast<int64_t>(households_.size());
      if (q <= 0) continue;
      in.households.push_back({households_[i], q, q * paid_per_unit});
      left -= q;
    }
  }
  Result<market::Lot> lot = orders_->TakeIn(As(outlet_op_), in);
  EXPECT_TRUE(lot.ok()) << (lot.ok() ? "" : lot.error().message);
  return lot.ok() ? *lot : market::Lot{};
}

market::PlaceOrder MarketTest::Order(int64_t product, int64_t quantity, const std::string& key) {
  market::PlaceOrder c;
  c.idempotency_key = key;
  c.lines = {{product, quantity}};
  c.ship_name = "马老师";
  c.ship_phone = "13800000000";
  c.ship_address = "临夏市 红园路 1 号";
  return c;
}

}  // namespace fupin::testing
