// The implementation of testing/demo_services.h.
#include "testing/demo_services.h"

#include <utility>

#include <fmt/format.h>

#include "demo/generator.h"
#include "schema/schema.h"

namespace fupin::testing {

void DemoServicesTest::SetUp() {
  auto version = schema::Migrate(conn());
  ASSERT_TRUE(version.ok()) << version.error().message;
  demo::DemoOptions options;
  options.seed = 2020;
  options.scale = 0.01;
  options.vault = &TestVault();
  auto demo = demo::BuildDemo(conn(), options);
  ASSERT_TRUE(demo.ok()) << demo.error().message;
  tree_ = regions::RegionTree::Load(conn());
  audit_ = std::make_unique<audit::AuditLog>(tree_);
  auto pool = db::Pool::Open(scratch_.url(), pool_size_);
  ASSERT_TRUE(pool.ok()) << pool.error().message;
  pool_ = std::move(*pool);
  service_ = std::make_unique<registry::RegistryService>(*pool_, tree_, &TestVault(), *audit_);
}

accounts::Principal User(int64_t id, accounts::Role role, std::string region) {
  accounts::Principal p;
  p.user_id = id;
  p.username = fmt::format("user{}", id);
  p.role = role;
  p.region_code = std::move(region);
  return p;
}

}  // namespace fupin::testing
