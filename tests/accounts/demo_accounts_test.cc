// The demo accounts: made once, sharing one hash, usable to sign in.
#include "accounts/demo_accounts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "accounts/service.h"
#include "audit/audit_log.h"
#include "db/database.h"
#include "db/pool.h"
#include "regions/tree.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::accounts {
namespace {

using fupin::testing::AllBackends;
using fupin::testing::Backend;
using fupin::testing::BackendName;
using fupin::testing::ScratchDb;

class DemoAccountsTest : public ::testing::TestWithParam<Backend> {
 protected:
  ScratchDb scratch_{GetParam()};
};

TEST_P(DemoAccountsTest, MadeOnceWithOneSharedHashAndUsable) {
  db::Connection& conn = scratch_.conn();
  ASSERT_TRUE(schema::Migrate(conn).ok());
  auto first = EnsureDemoAccounts(conn);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->size(), 11u);
  const std::vector<std::pair<std::string, std::string>> want = {
      {"admin", "622900000000"},  {"official", "622900000000"}, {"auditor", "622900000000"},
      {"registry", "622926000000"}, {"reviewer", "622926000000"}, {"county", "622926000000"},
      {"station", "622926101000"}, {"outlet", "622926101201"},   {"supplier", "622926101201"},
      {"buyer", "622900000000"},  {"canteen", "622900000000"}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ((*first)[i].username, want[i].first);
    EXPECT_EQ((*first)[i].region_code, want[i].second);
    EXPECT_TRUE((*first)[i].created);
    EXPECT_EQ((*first)[i].password, "fupin-demo");
  }
  EXPECT_EQ((*first)[7].role, "outlet_operator");
  EXPECT_EQ((*first)[7].region_name, "上科妥村委会");
  EXPECT_EQ(db::QueryInt(conn, "SELECT COUNT(DISTINCT password_hash) FROM users"), 1);
  EXPECT_EQ(db::QueryInt(conn, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.add'"), 11);

  auto second = EnsureDemoAccounts(conn);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 11u);
  for (const DemoAccount& a : *second) EXPECT_FALSE(a.created) << a.username;
  EXPECT_EQ(db::QueryInt(conn, "SELECT COUNT(*) FROM users"), 11);

  std::string table = DemoAccountsTable(*first);
  EXPECT_NE(table.find("outlet    outlet_operator   622926101201  上科妥村委会"), std::string::npos) << table;
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 12) << "a header and eleven accounts";

  regions::RegionTree tree = regions::RegionTree::Load(conn);
  audit::AuditLog log(tree);
  auto pool = db::Pool::Open(scratch_.url(), 1);
  ASSERT_TRUE(pool.ok());
  AccountService service(**pool, tree, log);
  auto in = service.SignIn("outlet", kDemoPassword, "127.0.0.1");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_EQ(in->principal.role, Role::kOutletOperator);
}

INSTANTIATE_TEST_SUITE_P(Databases, DemoAccountsTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::accounts
