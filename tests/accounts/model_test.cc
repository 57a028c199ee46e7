// Who may do what, where: the rules table of accounts/model.h.
#include "accounts/model.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "regions/tree.h"

namespace fupin::accounts {
namespace {

using regions::Level;
using regions::Region;
using regions::RegionTree;

Region Make(const char* code, const char* name, Level level, const char* parent) {
  Region r;
  r.code = code;
  r.name = name;
  r.level = level;
  r.parent_code = parent;
  return r;
}

// A slice of Linxia: the prefecture, two counties, a township, two villages.
RegionTree SmallTree() {
  return RegionTree::FromRegions({
      Make("622900000000", "临夏回族自治州", Level::kPrefecture, ""),
      Make("622926000000", "东乡族自治县", Level::kCounty, "622900000000"),
      Make("622921000000", "临夏县", Level::kCounty, "622900000000"),
      Make("622926101000", "达板镇", Level::kTownship, "622926000000"),
      Make("622926101201", "上科妥村委会", Level::kVillage, "622926101000"),
      Make("622926101202", "下科妥村委会", Level::kVillage, "622926101000"),
  });
}

Principal As(Role role, const char* region) {
  Principal p;
  p.user_id = 1;
  p.username = "someone";
  p.role = role;
  p.region_code = region;
  return p;
}

TEST(RoleTest, NamesRoundTripAndUnknownNamesAreRefused) {
  EXPECT_EQ(AllRoles().size(), 9u);
  std::set<std::string> names;
  for (Role r : AllRoles()) {
    names.insert(RoleName(r));
    ASSERT_TRUE(ParseRole(RoleName(r)).has_value()) << RoleName(r);
    EXPECT_EQ(*ParseRole(RoleName(r)), r);
  }
  EXPECT_EQ(names, (std::set<std::string>{"admin", "official", "registry", "auditor", "county_operator",
                                          "station_operator", "outlet_operator", "supplier", "buyer"}));
  EXPECT_FALSE(ParseRole("Admin").has_value());
  EXPECT_FALSE(ParseRole("").has_value());
  EXPECT_FALSE(ParseRole("root").has_value());
}

// The whole matrix, written out from the table in model.h: a change to one
// cell must change this test.
TEST(AllowsTest, MatrixOfRolesAndActions) {
  using enum Role;
  const std::map<Action, std::set<Role>> allowed = {
      {Action::kReadRegions,
       {kAdmin, kOfficial, kRegistry, kAuditor, kCountyOperator, kStationOperator, kOutletOperator, kSupplier, kBuyer}},
      {Action::kReadIndicators,
       {kAdmin, kOfficial, kRegistry, kAuditor, kCountyOperator, kStationOperator, kOutletOperator}},
      {Action::kReadHouseholds, {kAdmin, kOfficial, kRegistry, kCountyOperator, kStationOperator, kOutletOperator}},
      {Action::kReadIdentity, {kRegistry}},
      {Action::kProposeChange, {kRegistry, kAdmin, kCountyOperator, kStationOperator, kOutletOperator}},
      {Action::kApproveChange, {kRegistry, kAdmin}},
      {Action::kReadAudit, {kAuditor, kAdmin}},
      {Action::kManageUsers, {kAdmin}},
      // The marketplace.
      {Action::kApplySupplier, {kSupplier, kOutletOperator, kCountyOperator, kAdmin}},
      {Action::kRecommendSupplier, {kCountyOperator}},
      {Action::kApproveSupplier, {kAdmin}},
      {Action::kManageProducts, {kSupplier, kOutletOperator, kCountyOperator, kAdmin}},
      {Action::kCertifyProduct, {kCountyOperator, kAdmin}},
      {Action::kManageOutlets, {kCountyOperator, kAdmin}},
      {Action::kTakeInLot, {kOutletOperator, kCountyOperator, kAdmin}},
      {Action::kPlaceOrder, {kBuyer}},
      {Action::kConfirmPayment, {kAdmin, kCountyOperator}},
      {Action::kFulfilOrder, {kAdmin, kCountyOperator, kStationOperator, kOutletOperator}},
      {Action::kReadMarket, {kAdmin, kOfficial, kAuditor, kCountyOperator, kStationOperator, kOutletOperator}},
      {Action::kManageSettlement, {kAdmin}},
      {Action::kReadBenefit,
       {kAdmin, kOfficial, kRegistry, kAuditor, kCountyOperator, kStationOperator, kOutletOperator}},
      {Action::kReadLogistics, {kAdmin, kOfficial, kAuditor, kCountyOperator, kStationOperator, kOutletOperator}},
      {Action::kPlanLogistics, {kAdmin, kCountyOperator, kStationOperator}},
  };
  // Every action is in the table (kPlanLogistics is the last one).
  EXPECT_EQ(allowed.size(), static_cast<size_t>(Action::kPlanLogistics) + 1);
  for (const auto& [action, roles] : allowed) {
    for (Role role : AllRoles()) {
      EXPECT_EQ(Allows(role, action), roles.contains(role))
          << RoleName(role) << " on action " << static_cast<int>(action);
    }
  }
}

TEST(InScopeTest, AGrantCoversItsRegionAndEverythingBelow) {
  RegionTree tree = SmallTree();
  struct Case {
    const char* grant;
    const char* region;
    bool in;
  };
  const Case cases[] = {
      {"622900000000", "622900000000", true},  {"622900000000", "622926101201", true},
      {"622926000000", "622926101202", true},  {"622926000000", "622921000000", false},
      {"622926000000", "622900000000", false},  // not upwards
      {"622926101201", "622926101201", true},  {"622926101201", "622926101202", false},
      {"622926101000", "622926101201", true},  {"622926000000", "999999999999", false},  // unknown
  };
  for (const Case& c : cases) {
    EXPECT_EQ(InScope(tree, As(Role::kOfficial, c.grant), c.region), c.in) << c.grant << " over " << c.region;
  }
}

TEST(CheckTest, NamesTheRoleTheActionAndTheGrant) {
  RegionTree tree = SmallTree();
  Principal outlet = As(Role::kOutletOperator, "622926101201");
  EXPECT_TRUE(Check(tree, outlet, Action::kReadHouseholds, "622926101201").ok());
  EXPECT_TRUE(Check(tree, outlet, Action::kReadHouseholds).ok());

  Status outside = Check(tree, outlet, Action::kReadHouseholds, "622926101202");
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(outside.error().message,
            "role outlet_operator may not read households of 622926101202 (outside 622926101201 上科妥村委会)");

  Status role = Check(tree, outlet, Action::kReadAudit, "622926101201");
  ASSERT_FALSE(role.ok());
  EXPECT_EQ(role.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(role.error().message, "role outlet_operator may not read the audit log");

  Principal buyer = As(Role::kBuyer, "622900000000");
  Status identity = Check(tree, buyer, Action::kReadIdentity);
  ASSERT_FALSE(identity.ok());
  EXPECT_EQ(identity.error().message, "role buyer may not read identity numbers");
}

TEST(CheckUsernameTest, Rules) {
  for (const char* good : {"abc", "outlet2", "li.wei", "a_b-c", "z23456789012345678901234567890ab"}) {
    EXPECT_TRUE(CheckUsername(good).ok()) << good;
  }
  for (const char* bad : {"", "ab", "2abc", "_abc", "Abc", "abc def", "abc@x", "李伟abc",
                          "z234567890123456789012345678901ab"}) {
    Status s = CheckUsername(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(s.error().field, "username") << bad;
  }
}

TEST(CheckPasswordTest, Rules) {
  EXPECT_TRUE(CheckPassword("0123456789").ok());
  EXPECT_TRUE(CheckPassword("临夏回族自治州扶贫").ok()) << "27 bytes of UTF-8";
  EXPECT_TRUE(CheckPassword(std::string(128, 'x')).ok());
  for (const std::string& bad : {std::string("123456789"), std::string(), std::string(129, 'x'),
                                 std::string("0123456789\xff")}) {
    Status s = CheckPassword(bad);
    ASSERT_FALSE(s.ok()) << bad.size();
    EXPECT_EQ(s.error().field, "password");
  }
}

}  // namespace
}  // namespace fupin::accounts
