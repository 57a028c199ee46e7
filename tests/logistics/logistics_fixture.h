#pragma once
// The scale-0.01 demo (seed 2020) with its marketplace and its logistics
// network and parcels, on a database of the test's backend, and the plan
// service over it, built as `fupin serve` builds it.
//
// The demo database is built once per backend and test run and shared by the
// logistics tests: the first test of a backend pays for it (under a second on
// SQLite, 2–6 s on PostgreSQL), the others start at once. Each test starts
// without stored plans, road matrices and parcels other than the demo's
// (SetUp removes them); the rest of the demo is only read. The databases are removed
// when the test program ends.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "accounts/demo_accounts.h"
#include "accounts/model.h"
#include "audit/audit_log.h"
#include "db/pool.h"
#include "demo/generator.h"
#include "demo/market.h"
#include "logistics/demo.h"
#include "logistics/service.h"
#include "regions/tree.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::logistics {

struct SharedDemo {
  std::unique_ptr<fupin::testing::ScratchDb> db;
  DemoSummary summary;
  std::string error;  // why building it failed; "" when it did not
};

inline std::map<fupin::testing::Backend, SharedDemo>& SharedDemos() {
  static std::map<fupin::testing::Backend, SharedDemo> demos;
  return demos;
}

// Removes the shared databases before the test program exits.
class SharedDemoCleanup : public ::testing::Environment {
 public:
  void TearDown() override { SharedDemos().clear(); }
};
inline ::testing::Environment* const kSharedDemoCleanup = ::testing::AddGlobalTestEnvironment(new SharedDemoCleanup);

// The shared demo of `backend`, built on first use.
inline SharedDemo& DemoFor(fupin::testing::Backend backend) {
  SharedDemo& d = SharedDemos()[backend];
  if (d.db || !d.error.empty()) return d;
  d.db = std::make_unique<fupin::testing::ScratchDb>(backend);
  db::Connection& conn = d.db->conn();
  auto fail = [&](const std::string& what, const Error& e) -> SharedDemo& {
    d.error = what + ": " + e.message;
    return d;
  };
  if (auto v = schema::Migrate(conn); !v) return fail("migrating", v.error());
  demo::DemoOptions registry;
  registry.seed = 2020;
  registry.scale = 0.01;
  registry.vault = &fupin::testing::TestVault();
  if (auto r = demo::BuildDemo(conn, registry); !r) return fail("the demo registry", r.error());
  if (auto a = accounts::EnsureDemoAccounts(conn); !a) return fail("the demo accounts", a.error());
  auto pool = db::Pool::Open(d.db->url(), 1);
  if (!pool) return fail("a pool", pool.error());
  demo::MarketOptions market;
  market.seed = 2020;
  market.scale = 0.01;
  if (auto m = demo::BuildMarket(conn, **pool, market); !m) return fail("the demo market", m.error());
  auto network = BuildDemo(conn, DemoOptions{});
  if (!network) return fail("the logistics demo", network.error());
  d.summary = *network;
  return d;
}

class LogisticsDbTest : public ::testing::TestWithParam<fupin::testing::Backend> {
 protected:
  void SetUp() override {
    SharedDemo& demo = DemoFor(GetParam());
    ASSERT_TRUE(demo.error.empty()) << demo.error;
    db_ = demo.db.get();
    summary_ = demo.summary;
    for (const char* sql : {"DELETE FROM logistics_route_stops", "DELETE FROM logistics_plan_villages",
                            "DELETE FROM logistics_routes", "DELETE FROM logistics_plans",
                            "DELETE FROM logistics_parcels WHERE synthetic = 0", "DELETE FROM logistics_road_matrix"}) {
      conn().Exec(sql);
    }
    auto pool = db::Pool::Open(db_->url(), 2);
    ASSERT_TRUE(pool.ok()) << pool.error().message;
    pool_ = std::move(*pool);
    tree_ = regions::RegionTree::Load(conn());
    audit_ = std::make_unique<audit::AuditLog>(tree_);
    service_ = std::make_unique<PlanService>(*pool_, tree_, audit_.get());  // the options `fupin serve` uses
  }

  db::Connection& conn() { return db_->conn(); }
  const std::string& url() const { return db_->url(); }
  int64_t Q(const std::string& sql, const std::vector<std::string>& params = {}) {
    return fupin::testing::SelectInt(conn(), sql, params);
  }

  fupin::testing::ScratchDb* db_ = nullptr;
  std::unique_ptr<db::Pool> pool_;
  DemoSummary summary_;
  regions::RegionTree tree_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<PlanService> service_;
};

inline accounts::Principal As(accounts::Role role, const std::string& region) {
  accounts::Principal p;
  p.user_id = 999;
  p.username = "tester";
  p.role = role;
  p.region_code = region;
  return p;
}

}  // namespace fupin::logistics
