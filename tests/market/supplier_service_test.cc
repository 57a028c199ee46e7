// market::SupplierService on the scale-0.01 demo registry, on SQLite and
// PostgreSQL: the admission workflow role by role (wrong role, wrong county,
// wrong state, missing reason, audit entries), links to poor households and
// their verification, products and their validation, certification refused
// without approval or a verified link, photos (magic bytes, size limit, round
// trip), reference prices, outlets and outlet permissions (MayTakeIn),
// institutions, the isolation of supplier accounts from each other, and the
// batch form inside a caller's transaction. Expected states are read back
// with plain SQL, independently of the service.
#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "accounts/model.h"
#include "db/database.h"
#include "market/supplier_service.h"
#include "regions/tree.h"
#include "testing/demo_services.h"
#include "testing/test_db.h"

namespace fupin::market {
namespace {

using accounts::Principal;
using accounts::Role;
using fupin::testing::User;

constexpr const char* kPrefecture = "622900000000";
constexpr const char* kDongxiang = "622926000000";
constexpr const char* kLinxiaCounty = "622921000000";  // 临夏县, another county

class SupplierServiceTest : public fupin::testing::DemoServicesTest {
 protected:
  void SetUp() override {
    DemoServicesTest::SetUp();
    if (HasFatalFailure()) return;
    suppliers_ = std::make_unique<SupplierService>(*pool_, tree_, *audit_);

    // Two villages of Dongxiang with poor households, no outlet and no supplier yet.
    auto st = conn().Prepare(
        "SELECT y.village_code FROM household_years y WHERE y.county_code = ? AND y.status = 'poor' "
        "AND NOT EXISTS (SELECT 1 FROM outlets o WHERE o.village_code = y.village_code) "
        "AND NOT EXISTS (SELECT 1 FROM suppliers s WHERE s.village_code = y.village_code) "
        "GROUP BY y.village_code HAVING COUNT(DISTINCT y.household_id) >= 3 ORDER BY y.village_code LIMIT 2");
    st->Bind(1, kDongxiang);
    std::vector<std::string> villages;
    while (st->Step()) villages.push_back(st->Text(0));
    st.reset();
    ASSERT_EQ(villages.size(), 2u);
    village_ = villages[0];
    other_village_ = villages[1];
    poor_ = QueryIds(
        "SELECT DISTINCT household_id FROM household_years WHERE village_code = ? AND status = 'poor' "
        "ORDER BY household_id LIMIT 3",
        {village_});
    ASSERT_EQ(poor_.size(), 3u);

    // A household the registry never held as poor, exited or monitored.
    const regions::Region* township = tree_.AncestorAt(village_, regions::Level::kTownship);
    never_poor_ = QueryInt("SELECT MAX(household_id) FROM households") + 1;
    auto h = conn().Prepare(
        "INSERT INTO households (household_id, county_code, township_code, village_code, head_name, "
        "registered_year, synthetic) VALUES (?, ?, ?, ?, '马富', 2016, 1)");
    h->Bind(1, never_poor_).Bind(2, kDongxiang).Bind(3, township->code).Bind(4, village_);
    h->Run();
    auto y = conn().Prepare(
        "INSERT INTO household_years (household_id, year, county_code, village_code, members, status, "
        "income_per_capita_fen, needs_unmet) VALUES (?, 2020, ?, ?, 3, 'not_poor', 1500000, '')");
    y->Bind(1, never_poor_).Bind(2, kDongxiang).Bind(3, village_);
    y->Run();

    admin_ = Account("s-admin", Role::kAdmin, kPrefecture);
    county_op_ = Account("s-county", Role::kCountyOperator, kDongxiang);
    other_county_op_ = Account("s-other", Role::kCountyOperator, kLinxiaCounty);
    outlet_op_ = Account("s-outlet", Role::kOutletOperator, village_);
    station_op_ = Account("s-station", Role::kStationOperator, township->code);
    official_ = Account("s-official", Role::kOfficial, kPrefecture);
    buyer_ = Account("s-buyer", Role::kBuyer, kPrefecture);
    supplier_a_ = Account("s-supplier-a", Role::kSupplier, village_);
    supplier_b_ = Account("s-supplier-b", Role::kSupplier, village_);
  }

  Principal Account(const std::string& name, Role role, const std::string& region) {
    auto st = conn().Prepare(
        "INSERT INTO users (username, role, region_code, password_hash, created_at) VALUES (?, ?, ?, '!', "
        "'2026-01-01T00:00:00Z') RETURNING user_id");
    st->Bind(1, name).Bind(2, accounts::RoleName(role)).Bind(3, region);
    EXPECT_TRUE(st->Step());
    int64_t id = st->Int(0);
    st->Run();
    Principal p = User(id, role, region);
    p.username = name;
    return p;
  }

  static constexpr const char* kAddress = "192.0.2.7";
  Caller As(const Principal& p) { return Caller{p, kAddress}; }

  // Entries written by this test's calls (they come from kAddress).
  int64_t Audits(const std::string& action, const std::string& target_prefix = "") {
    return QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = ? AND target LIKE ? AND remote_address = ?",
                    {action, target_prefix + "%", kAddress});
  }
  int64_t Rows(const std::string& table) { return QueryInt("SELECT COUNT(*) FROM " + table); }
  std::string SupplierState(int64_t id) {
    auto st = conn().Prepare("SELECT state FROM suppliers WHERE supplier_id = ?");
    st->Bind(1, id);
    std::string out = st->Step() ? st->Text(0) : "";
    st->Run();
    return out;
  }

  SupplierApplication Cooperative(const std::string& village, const std::string& name = "东乡合作社") {
    SupplierApplication a;
    a.kind = SupplierKind::kCooperative;
    a.name = name;
    a.village_code = village;
    a.contact = "0930-1234567";
    return a;
  }

  // A cooperative of `village_` taken through admission by the admin and the county.
  Supplier ApprovedSupplier(const std::string& name = "达板合作社") {
    auto s = suppliers_->Apply(As(admin_), Cooperative(village_, name));
    EXPECT_TRUE(s.ok()) << s.error().message;
    EXPECT_TRUE(suppliers_->Recommend(As(county_op_), s->id).ok());
    auto approved = suppliers_->Approve(As(admin_), s->id);
    EXPECT_TRUE(approved.ok()) << approved.error().message;
    return *approved;
  }

  NewProduct Apples(int64_t supplier_id) {
    NewProduct n;
    n.supplier_id = supplier_id;
    n.name = "东乡洋芋";
    n.category = "vegetables";
    n.unit = "kg";
    n.price_fen = 450;
    n.origin_village_code = village_;
    n.story = "高山旱地种植";
    n.grades = {"特级", "一级", "二级"};
    n.flags.one_village_one_product = true;
    return n;
  }

  std::unique_ptr<SupplierService> suppliers_;
  std::string village_, other_village_;
  std::vector<int64_t> poor_;
  int64_t never_poor_ = 0;
  Principal admin_, county_op_, other_county_op_, outlet_op_, station_op_, official_, buyer_, supplier_a_,
      supplier_b_;
};

void ExpectError(const Status& s, ErrorCode code, const std::string& field = {}) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, code) << s.error().message;
  if (!field.empty()) {
    EXPECT_EQ(s.error().field, field) << s.error().message;
  }
}

template <typename T>
void ExpectError(const Result<T>& r, ErrorCode code, const std::string& field = {}) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code) << r.error().message;
  if (!field.empty()) {
    EXPECT_EQ(r.error().field, field) << r.error().message;
  }
}

// ---------------------------------------------------------------------------
// Admission.

TEST_P(SupplierServiceTest, AdmissionWorkflowRoleByRole) {
  // A supplier account applies for itself.
  auto applied = suppliers_->Apply(As(supplier_a_), Cooperative(village_));
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  const int64_t id = applied->id;
  EXPECT_EQ(applied->state, SupplierState::kApplied);
  EXPECT_EQ(applied->owner_user_id, supplier_a_.user_id);
  EXPECT_EQ(applied->county_code, kDongxiang);
  EXPECT_FALSE(applied->has_verified_link);
  EXPECT_EQ(Audits("market.supplier.apply", fmt::format("supplier:{}", id)), 1);
  // One supplier per account.
  ExpectError(suppliers_->Apply(As(supplier_a_), Cooperative(village_, "另一个")), ErrorCode::kConflict);

  // Approval before recommendation: the state is wrong.
  auto early = suppliers_->Approve(As(admin_), id);
  ExpectError(early, ErrorCode::kConflict);
  EXPECT_NE(early.error().message.find("applied"), std::string::npos) << early.error().message;
  EXPECT_NE(early.error().message.find("recommended"), std::string::npos) << early.error().message;

  // Recommending: the county service center in scope only.
  ExpectError(suppliers_->Recommend(As(admin_), id), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->Recommend(As(station_op_), id), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->Recommend(As(supplier_a_), id), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->Recommend(As(other_county_op_), id), ErrorCode::kPermissionDenied);
  EXPECT_EQ(SupplierState(id), "applied");
  auto recommended = suppliers_->Recommend(As(county_op_), id);
  ASSERT_TRUE(recommended.ok()) << recommended.error().message;
  EXPECT_EQ(recommended->state, SupplierState::kRecommended);
  EXPECT_FALSE(recommended->decided_at.empty());
  ExpectError(suppliers_->Recommend(As(county_op_), id), ErrorCode::kConflict);

  // Approving: the admin only; the county may no longer reject.
  ExpectError(suppliers_->Approve(As(county_op_), id), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->Reject(As(county_op_), id, "no licence"), ErrorCode::kConflict);
  auto approved = suppliers_->Approve(As(admin_), id);
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  EXPECT_EQ(approved->state, SupplierState::kApproved);
  ExpectError(suppliers_->Reject(As(admin_), id, "too late"), ErrorCode::kConflict);
  EXPECT_EQ(SupplierState(id), "approved");

  EXPECT_EQ(Audits("market.supplier.recommend", fmt::format("supplier:{}", id)), 1);
  EXPECT_EQ(Audits("market.supplier.approve", fmt::format("supplier:{}", id)), 1);
  EXPECT_EQ(Audits("market.supplier.reject", fmt::format("supplier:{}", id)), 0);
}

TEST_P(SupplierServiceTest, RejectionsNeedAReasonAndTheRightStep) {
  auto a = suppliers_->Apply(As(outlet_op_), Cooperative(village_, "甲"));
  auto b = suppliers_->Apply(As(county_op_), Cooperative(village_, "乙"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(a->owner_user_id.has_value());  // on someone's behalf

  ExpectError(suppliers_->Reject(As(county_op_), a->id, ""), ErrorCode::kInvalidArgument, "reason");
  ExpectError(suppliers_->Reject(As(county_op_), a->id, std::string(501, 'x')), ErrorCode::kInvalidArgument,
              "reason");
  ExpectError(suppliers_->Reject(As(buyer_), a->id, "no"), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->Reject(As(other_county_op_), a->id, "no"), ErrorCode::kPermissionDenied);
  // The platform rejects at the second step only.
  ExpectError(suppliers_->Reject(As(admin_), a->id, "no"), ErrorCode::kConflict);
  EXPECT_EQ(SupplierState(a->id), "applied");
  EXPECT_EQ(Audits("market.supplier.reject"), 0);

  auto rejected = suppliers_->Reject(As(county_op_), a->id, "营业执照过期");
  ASSERT_TRUE(rejected.ok()) << rejected.error().message;
  EXPECT_EQ(rejected->state, SupplierState::kRejected);
  EXPECT_EQ(rejected->state_reason, "营业执照过期");
  ExpectError(suppliers_->Recommend(As(county_op_), a->id), ErrorCode::kConflict);

  ASSERT_TRUE(suppliers_->Recommend(As(county_op_), b->id).ok());
  auto by_admin = suppliers_->Reject(As(admin_), b->id, "产品不符合标准");
  ASSERT_TRUE(by_admin.ok()) << by_admin.error().message;
  EXPECT_EQ(by_admin->state, SupplierState::kRejected);
  EXPECT_EQ(Audits("market.supplier.reject"), 2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'market.supplier.reject' AND detail LIKE ?",
                     {"%营业执照过期%"}),
            1);
}

TEST_P(SupplierServiceTest, ApplicationsAreValidatedAndChangeNothingWhenBad) {
  const int64_t suppliers = Rows("suppliers");
  const int64_t audits = Rows("audit_log");
  const regions::Region* township = tree_.AncestorAt(village_, regions::Level::kTownship);

  struct Case {
    const char* what;
    SupplierApplication a;
    const char* field;
  };
  std::vector<Case> cases;
  auto base = [&] { return Cooperative(village_); };
  cases.push_back({"empty name", base(), "name"});
  cases.back().a.name = "";
  cases.push_back({"long name", base(), "name"});
  cases.back().a.name = std::string(201, 'x');
  cases.push_back({"long contact", base(), "contact"});
  cases.back().a.contact = std::string(201, 'x');
  cases.push_back({"a township", base(), "village_code"});
  cases.back().a.village_code = township->code;
  cases.push_back({"not a code", base(), "village_code"});
  cases.back().a.village_code = "62292610120";
  cases.push_back({"unknown code", base(), "village_code"});
  cases.back().a.village_code = "622926999999";
  cases.push_back({"household without household_id", base(), "household_id"});
  cases.back().a.kind = SupplierKind::kHousehold;
  cases.push_back({"cooperative with household_id", base(), "household_id"});
  cases.back().a.household_id = poor_[0];
  cases.push_back({"household of another village", base(), "household_id"});
  cases.back().a.kind = SupplierKind::kHousehold;
  cases.back().a.village_code = other_village_;
  cases.back().a.household_id = poor_[0];
  cases.push_back({"unknown household", base(), "household_id"});
  cases.back().a.kind = SupplierKind::kHousehold;
  cases.back().a.household_id = 999999999;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    ExpectError(suppliers_->Apply(As(county_op_), c.a), ErrorCode::kInvalidArgument, c.field);
  }
  // Out of scope and wrong roles.
  ExpectError(suppliers_->Apply(As(supplier_a_), Cooperative(other_village_)), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->Apply(As(other_county_op_), Cooperative(village_)), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->Apply(As(buyer_), Cooperative(village_)), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->Apply(As(station_op_), Cooperative(village_)), ErrorCode::kPermissionDenied);
  EXPECT_EQ(Rows("suppliers"), suppliers);
  EXPECT_EQ(Rows("audit_log"), audits);

  // A household supplier of a registered poor household "has a verified link" by itself.
  SupplierApplication household = Cooperative(village_, "马家");
  household.kind = SupplierKind::kHousehold;
  household.household_id = poor_[0];
  auto h = suppliers_->Apply(As(county_op_), household);
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_TRUE(h->has_verified_link);
  EXPECT_EQ(h->household_id, poor_[0]);
  // The same for a household never poor: no link of its own.
  household.name = "马富家";
  household.household_id = never_poor_;
  auto rich = suppliers_->Apply(As(county_op_), household);
  ASSERT_TRUE(rich.ok()) << rich.error().message;
  EXPECT_FALSE(rich->has_verified_link);
}

TEST_P(SupplierServiceTest, ListsFollowTheCallersScopeAndState) {
  auto mine = suppliers_->Apply(As(supplier_a_), Cooperative(village_, "甲"));
  auto other = suppliers_->Apply(As(county_op_), Cooperative(other_village_, "乙"));
  ASSERT_TRUE(mine.ok() && other.ok());
  ASSERT_TRUE(suppliers_->Recommend(As(county_op_), other->id).ok());

  auto ids = [](const SupplierPage& page) {
    std::vector<int64_t> out;
    for (const Supplier& s : page.items) out.push_back(s.id);
    return out;
  };
  SupplierQuery all;
  all.limit = 500;
  SupplierQuery in_village = all;
  in_village.region = village_;
  auto county = suppliers_->ListSuppliers(As(county_op_), in_village);
  ASSERT_TRUE(county.ok()) << county.error().message;
  EXPECT_EQ(ids(*county), std::vector<int64_t>{mine->id});
  SupplierQuery whole_county = all;
  whole_county.limit = 1;
  auto by_county = suppliers_->ListSuppliers(As(county_op_), whole_county);  // default: the grant
  ASSERT_TRUE(by_county.ok()) << by_county.error().message;
  EXPECT_EQ(by_county->items.size(), 1u);
  EXPECT_EQ(by_county->items[0].county_code, kDongxiang);

  SupplierQuery recommended = all;
  recommended.state = SupplierState::kRecommended;
  recommended.region = other_village_;
  auto filtered = suppliers_->ListSuppliers(As(official_), recommended);
  ASSERT_TRUE(filtered.ok());
  EXPECT_EQ(ids(*filtered), std::vector<int64_t>{other->id});

  // Paging by one.
  SupplierQuery paged;
  paged.region = village_;
  paged.limit = 1;
  ASSERT_TRUE(suppliers_->Apply(As(county_op_), Cooperative(village_, "丙")).ok());
  auto first = suppliers_->ListSuppliers(As(county_op_), paged);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 1u);
  ASSERT_TRUE(first->next_after.has_value());
  paged.after = *first->next_after;
  auto second = suppliers_->ListSuppliers(As(county_op_), paged);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_GT(second->items[0].id, first->items[0].id);

  // Out of scope, wrong role, bad region.
  SupplierQuery outside;
  outside.region = kLinxiaCounty;
  ExpectError(suppliers_->ListSuppliers(As(county_op_), outside), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->ListSuppliers(As(buyer_), all), ErrorCode::kPermissionDenied);
  SupplierQuery bad;
  bad.region = "62";
  ExpectError(suppliers_->ListSuppliers(As(county_op_), bad), ErrorCode::kInvalidArgument, "region");

  // A supplier account sees its own, and nothing else.
  auto own = suppliers_->ListSuppliers(As(supplier_a_), all);
  ASSERT_TRUE(own.ok()) << own.error().message;
  EXPECT_EQ(ids(*own), std::vector<int64_t>{mine->id});
  auto none = suppliers_->ListSuppliers(As(supplier_b_), all);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->items.empty());
  ExpectError(suppliers_->GetSupplier(As(supplier_b_), mine->id), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(suppliers_->GetSupplier(As(supplier_a_), mine->id).ok());
  ExpectError(suppliers_->GetSupplier(As(other_county_op_), mine->id), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->GetSupplier(As(county_op_), 999999999), ErrorCode::kNotFound);
}

TEST_P(SupplierServiceTest, ConcurrentRecommendationsDecideOnce) {
  auto s = suppliers_->Apply(As(county_op_), Cooperative(village_));
  ASSERT_TRUE(s.ok());
  std::atomic<int> ok{0}, conflict{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto r = suppliers_->Recommend(As(county_op_), s->id);
      if (r.ok()) {
        ++ok;
      } else if (r.error().code == ErrorCode::kConflict) {
        ++conflict;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), 3);
  EXPECT_EQ(Audits("market.supplier.recommend", fmt::format("supplier:{}", s->id)), 1);
}

TEST_P(SupplierServiceTest, TheBatchFormWritesInTheCallersTransaction) {
  const int64_t suppliers = Rows("suppliers");
  const int64_t audits = Audits("market.supplier.apply");
  {
    db::Transaction tx(conn());
    for (int i = 0; i < 3; ++i) {
      auto s = suppliers_->Apply(conn(), As(admin_), Cooperative(village_, fmt::format("批量 {}", i)));
      ASSERT_TRUE(s.ok()) << s.error().message;
      ASSERT_TRUE(suppliers_->Recommend(conn(), As(county_op_), s->id).ok());
    }
    // Not committed: everything, audit entries included, rolls back.
  }
  EXPECT_EQ(Rows("suppliers"), suppliers);
  EXPECT_EQ(Audits("market.supplier.apply"), audits);
  {
    db::Transaction tx(conn());
    auto s = suppliers_->Apply(conn(), As(admin_), Cooperative(village_, "批量"));
    ASSERT_TRUE(s.ok());
    // A refused step inside the batch leaves the transaction usable.
    ExpectError(suppliers_->Approve(conn(), As(admin_), s->id), ErrorCode::kConflict);
    ASSERT_TRUE(suppliers_->Recommend(conn(), As(county_op_), s->id).ok());
    ASSERT_TRUE(suppliers_->Approve(conn(), As(admin_), s->id).ok());
    tx.Commit();
  }
  EXPECT_EQ(Rows("suppliers"), suppliers + 1);
  EXPECT_EQ(Audits("market.supplier.apply"), audits + 1);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM suppliers WHERE state = 'approved' AND name = '批量'"), 1);
}

// ---------------------------------------------------------------------------
// Links.

TEST_P(SupplierServiceTest, LinksToPoorHouseholdsAreDeclaredThenVerifiedOrRejected) {
  auto s = suppliers_->Apply(As(supplier_a_), Cooperative(village_));
  ASSERT_TRUE(s.ok());
  const int64_t links = Rows("supplier_links");
  LinkDeclaration d{s->id, poor_[0], Channel::kPurchase, "收购合同 2020-001"};

  struct Case {
    const char* what;
    LinkDeclaration d;
    const char* field;
  };
  std::vector<Case> cases{
      {"direct sale", {s->id, poor_[0], Channel::kDirectSale, "x"}, "channel"},
      {"no evidence", {s->id, poor_[0], Channel::kWages, ""}, "evidence"},
      {"long evidence", {s->id, poor_[0], Channel::kWages, std::string(501, 'e')}, "evidence"},
      {"never poor", {s->id, never_poor_, Channel::kWages, "x"}, "household_id"},
      {"unknown household", {s->id, 999999999, Channel::kWages, "x"}, "household_id"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    ExpectError(suppliers_->DeclareLink(As(supplier_a_), c.d), ErrorCode::kInvalidArgument, c.field);
  }
  ExpectError(suppliers_->DeclareLink(As(supplier_b_), d), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->DeclareLink(As(buyer_), d), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->DeclareLink(As(supplier_a_), LinkDeclaration{999999999, poor_[0], Channel::kWages, "x"}),
              ErrorCode::kNotFound);
  EXPECT_EQ(Rows("supplier_links"), links);

  auto declared = suppliers_->DeclareLink(As(supplier_a_), d);
  ASSERT_TRUE(declared.ok()) << declared.error().message;
  EXPECT_EQ(declared->state, LinkState::kDeclared);
  EXPECT_EQ(declared->county_code, kDongxiang);
  ExpectError(suppliers_->DeclareLink(As(supplier_a_), d), ErrorCode::kConflict);
  auto second = suppliers_->DeclareLink(As(county_op_), LinkDeclaration{s->id, poor_[1], Channel::kWages, "工资表"});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(Audits("market.link.declare"), 2);

  // Declared links do not count.
  EXPECT_FALSE(suppliers_->GetSupplier(As(county_op_), s->id)->has_verified_link);

  // Deciding: the county service center of the household only.
  ExpectError(suppliers_->VerifyLink(As(admin_), declared->id), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->VerifyLink(As(supplier_a_), declared->id), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->VerifyLink(As(other_county_op_), declared->id), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->VerifyLink(As(county_op_), 999999999), ErrorCode::kNotFound);
  auto verified = suppliers_->VerifyLink(As(county_op_), declared->id);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->state, LinkState::kVerified);
  ExpectError(suppliers_->VerifyLink(As(county_op_), declared->id), ErrorCode::kConflict);
  ExpectError(suppliers_->RejectLink(As(county_op_), declared->id, "假"), ErrorCode::kConflict);
  EXPECT_TRUE(suppliers_->GetSupplier(As(county_op_), s->id)->has_verified_link);

  ExpectError(suppliers_->RejectLink(As(county_op_), second->id, ""), ErrorCode::kInvalidArgument, "reason");
  auto rejected = suppliers_->RejectLink(As(county_op_), second->id, "工资表无签字");
  ASSERT_TRUE(rejected.ok()) << rejected.error().message;
  EXPECT_EQ(rejected->state, LinkState::kRejected);
  EXPECT_EQ(rejected->state_reason, "工资表无签字");
  EXPECT_EQ(Audits("market.link.verify"), 1);
  EXPECT_EQ(Audits("market.link.reject"), 1);

  auto list = suppliers_->ListLinks(As(supplier_a_), s->id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].state, LinkState::kVerified);
  ExpectError(suppliers_->ListLinks(As(supplier_b_), s->id), ErrorCode::kPermissionDenied);

  // A household supplier's own household is linked implicitly.
  SupplierApplication household = Cooperative(village_, "马家");
  household.kind = SupplierKind::kHousehold;
  household.household_id = poor_[2];
  auto h = suppliers_->Apply(As(county_op_), household);
  ASSERT_TRUE(h.ok());
  ExpectError(suppliers_->DeclareLink(As(county_op_), LinkDeclaration{h->id, poor_[2], Channel::kPurchase, "x"}),
              ErrorCode::kInvalidArgument, "household_id");
}

// ---------------------------------------------------------------------------
// Products.

TEST_P(SupplierServiceTest, ProductsAreValidatedAndChangedByTheirSupplier) {
  auto s = suppliers_->Apply(As(supplier_a_), Cooperative(village_));
  ASSERT_TRUE(s.ok());
  const int64_t products = Rows("products");
  const int64_t audits = Rows("audit_log");
  struct Case {
    const char* what;
    void (*mutate)(NewProduct&);
    const char* field;
  };
  const std::vector<Case> cases{
      {"no name", [](NewProduct& n) { n.name = ""; }, "name"},
      {"no category", [](NewProduct& n) { n.category = ""; }, "category"},
      {"no unit", [](NewProduct& n) { n.unit = ""; }, "unit"},
      {"zero price", [](NewProduct& n) { n.price_fen = 0; }, "price_fen"},
      {"negative price", [](NewProduct& n) { n.price_fen = -5; }, "price_fen"},
      {"origin a county", [](NewProduct& n) { n.origin_village_code = kDongxiang; }, "origin_village_code"},
      {"long story", [](NewProduct& n) { n.story = std::string(4001, 's'); }, "story"},
      {"no grades", [](NewProduct& n) { n.grades.clear(); }, "grades"},
      {"empty grade", [](NewProduct& n) { n.grades = {"一级", ""}; }, "grades"},
      {"grade with bar", [](NewProduct& n) { n.grades = {"一|二"}; }, "grades"},
      {"grade twice", [](NewProduct& n) { n.grades = {"一级", "一级"}; }, "grades"},
      {"eleven grades",
       [](NewProduct& n) { n.grades = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}; }, "grades"},
      {"unknown supplier", [](NewProduct& n) { n.supplier_id = 999999999; }, "supplier_id"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    NewProduct n = Apples(s->id);
    c.mutate(n);
    ExpectError(suppliers_->CreateProduct(As(supplier_a_), n), ErrorCode::kInvalidArgument, c.field);
  }
  // An operator must name the supplier.
  NewProduct unnamed = Apples(0);
  ExpectError(suppliers_->CreateProduct(As(county_op_), unnamed), ErrorCode::kInvalidArgument, "supplier_id");
  ExpectError(suppliers_->CreateProduct(As(supplier_b_), Apples(s->id)), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->CreateProduct(As(other_county_op_), Apples(s->id)), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->CreateProduct(As(buyer_), Apples(s->id)), ErrorCode::kPermissionDenied);
  EXPECT_EQ(Rows("products"), products);
  EXPECT_EQ(Rows("audit_log"), audits);

  // The supplier account names no supplier: its own is meant.
  auto p = suppliers_->CreateProduct(As(supplier_a_), unnamed);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->supplier_id, s->id);
  EXPECT_EQ(p->grades, (std::vector<std::string>{"特级", "一级", "二级"}));
  EXPECT_TRUE(p->flags.one_village_one_product);
  EXPECT_FALSE(p->flags.green);
  EXPECT_TRUE(p->listed);
  EXPECT_FALSE(p->certification.has_value());
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM products WHERE product_id = ? AND grades = ?",
                     {std::to_string(p->id), "特级|一级|二级"}),
            1);
  EXPECT_EQ(Audits("market.product.create", fmt::format("product:{}", p->id)), 1);
  auto by_outlet = suppliers_->CreateProduct(As(outlet_op_), Apples(s->id));
  ASSERT_TRUE(by_outlet.ok()) << by_outlet.error().message;

  // Changes: only what is given.
  ProductChange none;
  ExpectError(suppliers_->UpdateProduct(As(supplier_a_), p->id, none), ErrorCode::kInvalidArgument, "body");
  ProductChange bad_price;
  bad_price.price_fen = 0;
  ExpectError(suppliers_->UpdateProduct(As(supplier_a_), p->id, bad_price), ErrorCode::kInvalidArgument, "price_fen");
  ProductChange change;
  change.price_fen = 520;
  change.green = true;
  change.one_village_one_product = false;
  ExpectError(suppliers_->UpdateProduct(As(supplier_b_), p->id, change), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->UpdateProduct(As(supplier_a_), 999999999, change), ErrorCode::kNotFound);
  auto changed = suppliers_->UpdateProduct(As(supplier_a_), p->id, change);
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(changed->price_fen, 520);
  EXPECT_TRUE(changed->flags.green);
  EXPECT_FALSE(changed->flags.one_village_one_product);
  EXPECT_EQ(changed->story, "高山旱地种植");  // untouched
  EXPECT_TRUE(changed->listed);
  ProductChange unlist;
  unlist.listed = false;
  unlist.story = "";
  auto unlisted = suppliers_->UpdateProduct(As(county_op_), p->id, unlist);
  ASSERT_TRUE(unlisted.ok()) << unlisted.error().message;
  EXPECT_FALSE(unlisted->listed);
  EXPECT_TRUE(unlisted->story.empty());
  EXPECT_EQ(unlisted->price_fen, 520);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM products WHERE product_id = ? AND story IS NULL AND listed = 0",
                     {std::to_string(p->id)}),
            1);
  EXPECT_EQ(Audits("market.product.update", fmt::format("product:{}", p->id)), 2);

  // A rejected supplier lists nothing more.
  ASSERT_TRUE(suppliers_->Reject(As(county_op_), s->id, "停业").ok());
  ExpectError(suppliers_->CreateProduct(As(supplier_a_), Apples(s->id)), ErrorCode::kConflict);
}

TEST_P(SupplierServiceTest, CertificationNeedsApprovalAndAVerifiedLink) {
  auto s = suppliers_->Apply(As(supplier_a_), Cooperative(village_));
  ASSERT_TRUE(s.ok());
  auto p = suppliers_->CreateProduct(As(supplier_a_), Apples(s->id));
  ASSERT_TRUE(p.ok());
  const std::string today = suppliers_->Today();
  const std::string year = today.substr(0, 4);
  Certification c{"扶贫产品 622926-2020-0001", year + "-01-01", std::to_string(std::stoi(year) + 1) + "-12-31"};

  // Bad input first, whatever the state.
  ExpectError(suppliers_->Certify(As(county_op_), p->id, Certification{"", c.valid_from, c.valid_until}),
              ErrorCode::kInvalidArgument, "certificate_no");
  ExpectError(suppliers_->Certify(As(county_op_), p->id, Certification{"n", "2020-02-30", c.valid_until}),
              ErrorCode::kInvalidArgument, "valid_from");
  ExpectError(suppliers_->Certify(As(county_op_), p->id, Certification{"n", c.valid_from, "20201231"}),
              ErrorCode::kInvalidArgument, "valid_until");
  ExpectError(suppliers_->Certify(As(county_op_), p->id, Certification{"n", "2021-01-01", "2020-12-31"}),
              ErrorCode::kInvalidArgument, "valid_until");

  // Not approved.
  auto unapproved = suppliers_->Certify(As(county_op_), p->id, c);
  ExpectError(unapproved, ErrorCode::kConflict);
  EXPECT_NE(unapproved.error().message.find("not approved"), std::string::npos) << unapproved.error().message;
  ASSERT_TRUE(suppliers_->Recommend(As(county_op_), s->id).ok());
  ASSERT_TRUE(suppliers_->Approve(As(admin_), s->id).ok());

  // Approved, but no verified link (a declared one does not count).
  auto link = suppliers_->DeclareLink(As(supplier_a_), LinkDeclaration{s->id, poor_[0], Channel::kDividends, "分红"});
  ASSERT_TRUE(link.ok());
  auto unlinked = suppliers_->Certify(As(county_op_), p->id, c);
  ExpectError(unlinked, ErrorCode::kConflict);
  EXPECT_NE(unlinked.error().message.find("verified link"), std::string::npos) << unlinked.error().message;
  EXPECT_EQ(Audits("market.product.certify"), 0);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM products WHERE certificate_no IS NOT NULL AND product_id = ?",
                     {std::to_string(p->id)}),
            0);

  ASSERT_TRUE(suppliers_->VerifyLink(As(county_op_), link->id).ok());
  ExpectError(suppliers_->Certify(As(supplier_a_), p->id, c), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->Certify(As(outlet_op_), p->id, c), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->Certify(As(other_county_op_), p->id, c), ErrorCode::kPermissionDenied);
  auto certified = suppliers_->Certify(As(county_op_), p->id, c);
  ASSERT_TRUE(certified.ok()) << certified.error().message;
  ASSERT_TRUE(certified->certification.has_value());
  EXPECT_EQ(certified->certification->certificate_no, c.certificate_no);
  EXPECT_EQ(Audits("market.product.certify", fmt::format("product:{}", p->id)), 1);
  auto detail = suppliers_->GetProduct(p->id);
  ASSERT_TRUE(detail.ok());
  EXPECT_TRUE(detail->certified);
  EXPECT_EQ(detail->supplier_state, SupplierState::kApproved);

  // A certificate that has run out is kept but not valid.
  auto expired = suppliers_->Certify(As(admin_), p->id, Certification{"old", "2018-01-01", "2019-12-31"});
  ASSERT_TRUE(expired.ok()) << expired.error().message;
  EXPECT_FALSE(suppliers_->GetProduct(p->id)->certified);
  EXPECT_EQ(suppliers_->GetProduct(p->id)->product.certification->certificate_no, "old");

  ExpectError(suppliers_->RevokeCertification(As(supplier_a_), p->id), ErrorCode::kPermissionDenied);
  auto revoked = suppliers_->RevokeCertification(As(county_op_), p->id);
  ASSERT_TRUE(revoked.ok()) << revoked.error().message;
  EXPECT_FALSE(revoked->certification.has_value());
  ExpectError(suppliers_->RevokeCertification(As(county_op_), p->id), ErrorCode::kConflict);
  EXPECT_EQ(Audits("market.product.revoke_certification"), 1);

  // A household supplier of a poor household needs no declared link.
  SupplierApplication household = Cooperative(village_, "马家");
  household.kind = SupplierKind::kHousehold;
  household.household_id = poor_[1];
  auto h = suppliers_->Apply(As(county_op_), household);
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(suppliers_->Recommend(As(county_op_), h->id).ok());
  ASSERT_TRUE(suppliers_->Approve(As(admin_), h->id).ok());
  auto hp = suppliers_->CreateProduct(As(county_op_), Apples(h->id));
  ASSERT_TRUE(hp.ok());
  EXPECT_TRUE(suppliers_->Certify(As(county_op_), hp->id, c).ok());
}

TEST_P(SupplierServiceTest, PhotosAreCheckedStoredAndReturned) {
  auto s = suppliers_->Apply(As(supplier_a_), Cooperative(village_));
  ASSERT_TRUE(s.ok());
  auto p = suppliers_->CreateProduct(As(supplier_a_), Apples(s->id));
  ASSERT_TRUE(p.ok());
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + "fupin-photo";
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(100, '\0');
  const std::string webp = std::string("RIFF\x10\0\0\0WEBPVP8 ", 16) + "data";

  ExpectError(suppliers_->AddPhoto(As(supplier_a_), p->id, "image/gif", "GIF89a"), ErrorCode::kInvalidArgument,
              "Content-Type");
  ExpectError(suppliers_->AddPhoto(As(supplier_a_), p->id, "image/jpeg", png), ErrorCode::kInvalidArgument, "body");
  ExpectError(suppliers_->AddPhoto(As(supplier_a_), p->id, "image/png", jpeg), ErrorCode::kInvalidArgument, "body");
  ExpectError(suppliers_->AddPhoto(As(supplier_a_), p->id, "image/webp", "RIFF0000WEBX"), ErrorCode::kInvalidArgument,
              "body");
  ExpectError(suppliers_->AddPhoto(As(supplier_a_), p->id, "image/png", ""), ErrorCode::kInvalidArgument, "body");
  std::string too_big = png + std::string(kMaxPhotoBytes - png.size() + 1, 'x');
  ExpectError(suppliers_->AddPhoto(As(supplier_a_), p->id, "image/png", too_big), ErrorCode::kInvalidArgument,
              "body");
  ExpectError(suppliers_->AddPhoto(As(supplier_b_), p->id, "image/png", png), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->AddPhoto(As(supplier_a_), 999999999, "image/png", png), ErrorCode::kNotFound);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM product_photos WHERE product_id = ?", {std::to_string(p->id)}), 0);

  auto stored = suppliers_->AddPhoto(As(supplier_a_), p->id, "image/png", png);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  // sha256 of the bytes, computed independently.
  EXPECT_EQ(stored->sha256, "0722d9eeaa2e81432bcee0b8f94f56e9b489d746f81f0e465c2ea1f1f63da238");
  EXPECT_EQ(stored->size_bytes, static_cast<int64_t>(png.size()));
  auto back = suppliers_->GetPhoto(p->id, stored->id);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->bytes, png);
  EXPECT_EQ(back->info.content_type, "image/png");
  ExpectError(suppliers_->GetPhoto(p->id + 1, stored->id), ErrorCode::kNotFound);

  // Exactly the limit is allowed; every byte value survives the round trip.
  std::string full = std::string("\xFF\xD8\xFF", 3);
  for (size_t i = full.size(); i < kMaxPhotoBytes; ++i) full.push_back(static_cast<char>(i * 7 % 256));
  auto big = suppliers_->AddPhoto(As(county_op_), p->id, "image/jpeg", full);
  ASSERT_TRUE(big.ok()) << big.error().message;
  EXPECT_EQ(suppliers_->GetPhoto(p->id, big->id)->bytes, full);
  auto w = suppliers_->AddPhoto(As(supplier_a_), p->id, "image/webp", webp);
  ASSERT_TRUE(w.ok()) << w.error().message;

  auto detail = suppliers_->GetProduct(p->id);
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->photo_ids, (std::vector<int64_t>{stored->id, big->id, w->id}));
  EXPECT_EQ(Audits("market.product.photo"), 3);

  // At most kMaxPhotosPerProduct photos a product.
  for (int64_t i = 3; i < kMaxPhotosPerProduct; ++i) {
    ASSERT_TRUE(suppliers_->AddPhoto(As(supplier_a_), p->id, "image/png", png).ok()) << i;
  }
  ExpectError(suppliers_->AddPhoto(As(supplier_a_), p->id, "image/png", png), ErrorCode::kConflict);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM product_photos WHERE product_id = ?", {std::to_string(p->id)}),
            kMaxPhotosPerProduct);
}

TEST_P(SupplierServiceTest, ReferencePricesPerProductAndYear) {
  auto s = suppliers_->Apply(As(supplier_a_), Cooperative(village_));
  ASSERT_TRUE(s.ok());
  auto p = suppliers_->CreateProduct(As(supplier_a_), Apples(s->id));
  ASSERT_TRUE(p.ok());
  ExpectError(suppliers_->SetReferencePrice(As(county_op_), ReferencePrice{p->id, 1999, 300, "集市"}),
              ErrorCode::kInvalidArgument, "year");
  ExpectError(suppliers_->SetReferencePrice(As(county_op_), ReferencePrice{p->id, 2020, -1, "集市"}),
              ErrorCode::kInvalidArgument, "price_fen");
  ExpectError(suppliers_->SetReferencePrice(As(county_op_), ReferencePrice{p->id, 2020, 300, ""}),
              ErrorCode::kInvalidArgument, "source");
  ExpectError(suppliers_->SetReferencePrice(As(supplier_a_), ReferencePrice{p->id, 2020, 300, "集市"}),
              ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->SetReferencePrice(As(other_county_op_), ReferencePrice{p->id, 2020, 300, "集市"}),
              ErrorCode::kPermissionDenied);
  auto prices = [&] {
    return QueryInt("SELECT COUNT(*) FROM reference_prices WHERE product_id = ?", {std::to_string(p->id)});
  };
  EXPECT_EQ(prices(), 0);

  ASSERT_TRUE(suppliers_->SetReferencePrice(As(county_op_), ReferencePrice{p->id, 2020, 300, "达板集市 2020-09"}).ok());
  ASSERT_TRUE(suppliers_->SetReferencePrice(As(admin_), ReferencePrice{p->id, 2019, 280, "集市"}).ok());
  ASSERT_TRUE(suppliers_->SetReferencePrice(As(county_op_), ReferencePrice{p->id, 2020, 320, "复核"}).ok());
  EXPECT_EQ(prices(), 2);
  EXPECT_EQ(SupplierService::ReferencePriceFen(conn(), p->id, 2020), 320);
  EXPECT_EQ(SupplierService::ReferencePriceFen(conn(), p->id, 2018), std::nullopt);
  auto detail = suppliers_->GetProduct(p->id);
  ASSERT_TRUE(detail.ok());
  ASSERT_EQ(detail->reference_prices.size(), 2u);
  EXPECT_EQ(detail->reference_prices[0].year, 2019);
  EXPECT_EQ(detail->reference_prices[1].source, "复核");
  EXPECT_EQ(Audits("market.product.reference_price"), 3);
}

// ---------------------------------------------------------------------------
// Outlets.

TEST_P(SupplierServiceTest, OutletsPermissionsAndTakeIn) {
  ExpectError(suppliers_->OpenOutlet(As(outlet_op_), NewOutlet{"服务点", village_}), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->OpenOutlet(As(other_county_op_), NewOutlet{"服务点", village_}),
              ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->OpenOutlet(As(county_op_), NewOutlet{"", village_}), ErrorCode::kInvalidArgument, "name");
  ExpectError(suppliers_->OpenOutlet(As(county_op_), NewOutlet{"服务点", kDongxiang}), ErrorCode::kInvalidArgument,
              "village_code");
  auto home = suppliers_->OpenOutlet(As(county_op_), NewOutlet{"本村服务点", village_});
  ASSERT_TRUE(home.ok()) << home.error().message;
  EXPECT_EQ(home->county_code, kDongxiang);
  ExpectError(suppliers_->OpenOutlet(As(admin_), NewOutlet{"第二个", village_}), ErrorCode::kConflict);
  auto away = suppliers_->OpenOutlet(As(admin_), NewOutlet{"邻村服务点", other_village_});
  ASSERT_TRUE(away.ok()) << away.error().message;
  EXPECT_EQ(Audits("market.outlet.open"), 2);

  auto s = suppliers_->Apply(As(supplier_a_), Cooperative(village_));
  ASSERT_TRUE(s.ok());
  // Not approved yet: nothing is taken in.
  ExpectError(SupplierService::MayTakeIn(conn(), home->id, s->id), ErrorCode::kConflict);
  ASSERT_TRUE(suppliers_->Recommend(As(county_op_), s->id).ok());
  ASSERT_TRUE(suppliers_->Approve(As(admin_), s->id).ok());
  EXPECT_TRUE(SupplierService::MayTakeIn(conn(), home->id, s->id).ok());  // its own village
  ExpectError(SupplierService::MayTakeIn(conn(), away->id, s->id), ErrorCode::kPermissionDenied);
  ExpectError(SupplierService::MayTakeIn(conn(), 999999999, s->id), ErrorCode::kNotFound);
  ExpectError(SupplierService::MayTakeIn(conn(), home->id, 999999999), ErrorCode::kNotFound);

  ExpectError(suppliers_->GrantOutletPermission(As(supplier_b_), s->id, away->id), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->GrantOutletPermission(As(supplier_a_), s->id, 999999999), ErrorCode::kNotFound);
  auto granted = suppliers_->GrantOutletPermission(As(supplier_a_), s->id, away->id);
  ASSERT_TRUE(granted.ok()) << granted.error().message;
  EXPECT_TRUE(granted->revoked_at.empty());
  EXPECT_TRUE(SupplierService::MayTakeIn(conn(), away->id, s->id).ok());
  ExpectError(suppliers_->GrantOutletPermission(As(county_op_), s->id, away->id), ErrorCode::kConflict);

  // The outlet shows its permitted suppliers; a supplier account sees its own only.
  auto other = suppliers_->Apply(As(supplier_b_), Cooperative(village_, "乙"));
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(suppliers_->GrantOutletPermission(As(supplier_b_), other->id, away->id).ok());
  auto seen_by_county = suppliers_->GetOutlet(As(county_op_), away->id);
  ASSERT_TRUE(seen_by_county.ok()) << seen_by_county.error().message;
  EXPECT_EQ(seen_by_county->permissions.size(), 2u);
  auto seen_by_a = suppliers_->GetOutlet(As(supplier_a_), away->id);
  ASSERT_TRUE(seen_by_a.ok()) << seen_by_a.error().message;
  ASSERT_EQ(seen_by_a->permissions.size(), 1u);
  EXPECT_EQ(seen_by_a->permissions[0].supplier_id, s->id);
  ExpectError(suppliers_->GetOutlet(As(other_county_op_), away->id), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->GetOutlet(As(buyer_), away->id), ErrorCode::kPermissionDenied);

  ExpectError(suppliers_->RevokeOutletPermission(As(supplier_b_), s->id, away->id), ErrorCode::kPermissionDenied);
  auto revoked = suppliers_->RevokeOutletPermission(As(supplier_a_), s->id, away->id);
  ASSERT_TRUE(revoked.ok()) << revoked.error().message;
  EXPECT_FALSE(revoked->revoked_at.empty());
  ExpectError(SupplierService::MayTakeIn(conn(), away->id, s->id), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->RevokeOutletPermission(As(supplier_a_), s->id, away->id), ErrorCode::kNotFound);
  auto again = suppliers_->GrantOutletPermission(As(outlet_op_), s->id, away->id);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(SupplierService::MayTakeIn(conn(), away->id, s->id).ok());
  EXPECT_EQ(Audits("market.outlet_permission.grant"), 3);
  EXPECT_EQ(Audits("market.outlet_permission.revoke"), 1);

  // Lists: in scope; a supplier anywhere.
  OutletQuery query;
  query.region = village_;
  auto in_village = suppliers_->ListOutlets(As(county_op_), query);
  ASSERT_TRUE(in_village.ok());
  ASSERT_EQ(in_village->items.size(), 1u);
  EXPECT_EQ(in_village->items[0].id, home->id);
  OutletQuery everywhere;
  auto for_supplier = suppliers_->ListOutlets(As(supplier_a_), everywhere);
  ASSERT_TRUE(for_supplier.ok()) << for_supplier.error().message;
  OutletQuery elsewhere;
  elsewhere.region = kLinxiaCounty;  // outside its grant: a supplier chooses where to sell
  EXPECT_TRUE(suppliers_->ListOutlets(As(supplier_a_), elsewhere).ok());
  elsewhere.region = other_village_;
  auto neighbour = suppliers_->ListOutlets(As(supplier_a_), elsewhere);
  ASSERT_TRUE(neighbour.ok());
  ASSERT_EQ(neighbour->items.size(), 1u);
  EXPECT_EQ(neighbour->items[0].id, away->id);
  OutletQuery county_wide;
  county_wide.region = kDongxiang;
  ExpectError(suppliers_->ListOutlets(As(outlet_op_), county_wide), ErrorCode::kPermissionDenied);
  auto own_village = suppliers_->ListOutlets(As(outlet_op_), everywhere);  // default: its grant
  ASSERT_TRUE(own_village.ok());
  ASSERT_EQ(own_village->items.size(), 1u);
  EXPECT_EQ(own_village->items[0].id, home->id);
  ExpectError(suppliers_->ListOutlets(As(buyer_), everywhere), ErrorCode::kPermissionDenied);
  query.region = kLinxiaCounty;
  ExpectError(suppliers_->ListOutlets(As(county_op_), query), ErrorCode::kPermissionDenied);
  OutletQuery paged;
  paged.region = kDongxiang;
  paged.limit = 1;
  auto first = suppliers_->ListOutlets(As(county_op_), paged);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 1u);
  ASSERT_TRUE(first->next_after.has_value());

  // The order service's look-ups.
  auto owner = SupplierService::OwnerOf(conn(), s->id);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->owner_user_id, supplier_a_.user_id);
  EXPECT_EQ(owner->state, SupplierState::kApproved);
  EXPECT_FALSE(SupplierService::OwnerOf(conn(), 999999999).has_value());
  auto of_user = SupplierService::SupplierOfUser(conn(), supplier_a_.user_id);
  ASSERT_TRUE(of_user.ok());
  EXPECT_EQ(*of_user, s->id);
  EXPECT_EQ(*SupplierService::SupplierOfUser(conn(), buyer_.user_id), std::nullopt);
}

// ---------------------------------------------------------------------------
// Institutions.

TEST_P(SupplierServiceTest, InstitutionsAreRegisteredByTheAdmin) {
  NewInstitution n{"临夏州第一中学", InstitutionKind::kSchool, kDongxiang, buyer_.username};
  ExpectError(suppliers_->CreateInstitution(As(county_op_), n), ErrorCode::kPermissionDenied);
  NewInstitution bad = n;
  bad.buyer_username = supplier_a_.username;
  ExpectError(suppliers_->CreateInstitution(As(admin_), bad), ErrorCode::kInvalidArgument, "buyer_username");
  bad.buyer_username = "nobody-here";
  ExpectError(suppliers_->CreateInstitution(As(admin_), bad), ErrorCode::kInvalidArgument, "buyer_username");
  bad = n;
  bad.region_code = "622926999999";
  ExpectError(suppliers_->CreateInstitution(As(admin_), bad), ErrorCode::kInvalidArgument, "region_code");
  bad = n;
  bad.name = "";
  ExpectError(suppliers_->CreateInstitution(As(admin_), bad), ErrorCode::kInvalidArgument, "name");
  const int64_t before = Rows("institutions");

  auto created = suppliers_->CreateInstitution(As(admin_), n);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->buyer_user_id, buyer_.user_id);
  EXPECT_EQ(Rows("institutions"), before + 1);
  ExpectError(suppliers_->CreateInstitution(As(admin_), n), ErrorCode::kConflict);
  EXPECT_EQ(Audits("market.institution.create"), 1);

  auto list = suppliers_->ListInstitutions(As(county_op_));
  ASSERT_TRUE(list.ok()) << list.error().message;
  ASSERT_EQ(static_cast<int64_t>(list->size()), before + 1);
  EXPECT_EQ(list->back().name, "临夏州第一中学");
  EXPECT_EQ(list->back().kind, InstitutionKind::kSchool);
  EXPECT_EQ(list->back().buyer_username, buyer_.username);
  ExpectError(suppliers_->ListInstitutions(As(buyer_)), ErrorCode::kPermissionDenied);
  ExpectError(suppliers_->ListInstitutions(As(supplier_a_)), ErrorCode::kPermissionDenied);

  EXPECT_EQ(ParseInstitutionKind("army"), InstitutionKind::kArmy);
  EXPECT_FALSE(ParseInstitutionKind("church").has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, SupplierServiceTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::market
