#pragma once
// The registry's services in process, over a scale-0.01 demo registry (seed
// 2020, sealed with TestVault()) on a scratch database of the test's backend:
// the region tree, the audit log, a connection pool and the registry service,
// built as the server builds them.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accounts/model.h"
#include "audit/audit_log.h"
#include "db/pool.h"
#include "regions/tree.h"
#include "registry/service.h"
#include "testing/test_db.h"

namespace fupin::testing {

class DemoServicesTest : public ::testing::TestWithParam<Backend> {
 protected:
  explicit DemoServicesTest(int pool_size = 4) : pool_size_(pool_size) {}
  // Migrates, builds the demo and opens the services; a fatal failure when any step fails.
  void SetUp() override;

  db::Connection& conn() { return scratch_.conn(); }
  // SelectInt and SelectIds on conn().
  int64_t QueryInt(const std::string& sql, const std::vector<std::string>& params = {}) {
    return SelectInt(conn(), sql, params);
  }
  std::vector<int64_t> QueryIds(const std::string& sql, const std::vector<std::string>& params = {}) {
    return SelectIds(conn(), sql, params);
  }

  ScratchDb scratch_{GetParam()};
  regions::RegionTree tree_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<db::Pool> pool_;  // pool_size connections
  std::unique_ptr<registry::RegistryService> service_;

 private:
  int pool_size_;
};

// A signed-in user as the services see one: "user<id>", with `role`, granted `region`.
accounts::Principal User(int64_t id, accounts::Role role, std::string region);

}  // namespace fupin::testing
