// The audit log: appended in the caller's transaction, read back with filters
// and pages, and refused any change by the database itself.
#include "audit/audit_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "accounts/model.h"
#include "accounts/service.h"
#include "db/database.h"
#include "regions/tree.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::audit {
namespace {

using fupin::testing::AllBackends;
using fupin::testing::Backend;
using fupin::testing::BackendName;
using fupin::testing::ScratchDb;

constexpr int64_t kStart = 1'796'000'000;  // 2026-11-30T00:53:20Z

// A filter, one condition at a time: F().user("a").region("622926000000").
struct F {
  Filter f;
  F& user(std::string v) { f.username = std::move(v); return *this; }
  F& region(std::string v) { f.region_code = std::move(v); return *this; }
  F& from(std::string v) { f.from = std::move(v); return *this; }
  F& to(std::string v) { f.to = std::move(v); return *this; }
  F& limit(int v) { f.limit = v; return *this; }
  operator Filter() const { return f; }  // NOLINT: implicit on purpose
};

TEST(TimestampTest, FormatsAndParsesUtc) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(1796013600), "2026-11-30T04:40:00Z");
  for (int64_t t : {int64_t{0}, int64_t{951782399}, kStart, int64_t{4102444799}}) {
    auto back = ParseTimestamp(FormatTimestamp(t), "at");
    ASSERT_TRUE(back.ok()) << t;
    EXPECT_EQ(*back, t);
  }
  auto day = ParseTimestamp("2026-12-01", "from");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(*day, 1796083200);  // midnight UTC
  EXPECT_EQ(FormatTimestamp(*day), "2026-12-01T00:00:00Z");
  EXPECT_TRUE(IsDateOnly("2026-12-01"));
  EXPECT_FALSE(IsDateOnly("2026-12-01T00:00:00Z"));
  for (const char* bad : {"", "2026-13-01", "2026-02-29", "2026-12-01T24:00:00Z", "2026-12-01T10:00:00",
                          "2026-12-01 10:00:00Z", "yesterday", "2026-1-01", "2026-12-01T10:00:60Z",
                          "+026-12-01"}) {
    auto r = ParseTimestamp(bad, "from");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().field, "from");
  }
}

class AuditLogTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto version = schema::Migrate(conn());
    ASSERT_TRUE(version.ok()) << version.error().message;
    tree_ = regions::RegionTree::Load(conn());
    log_ = std::make_unique<AuditLog>(tree_, [this] { return now_.load(); });
  }

  db::Connection& conn() { return scratch_.conn(); }

  accounts::Principal User(const std::string& name, accounts::Role role, const std::string& region) {
    accounts::NewUser u{name, accounts::RoleName(role), region, "a-long-password"};
    auto id = accounts::AddUser(conn(), *log_, u, nullptr, {}, accounts::PasswordCost::kMinimum);
    EXPECT_TRUE(id.ok()) << id.error().message;
    accounts::Principal p;
    p.user_id = id.ok() ? *id : 0;
    p.username = name;
    p.role = role;
    p.region_code = region;
    return p;
  }

  void Append(const accounts::Principal* who, const std::string& action, const std::string& region) {
    db::Transaction tx(conn());
    log_->Append(conn(), who, "10.1.2.3", Entry{action, "thing:1", region, "why"});
    tx.Commit();
  }

  std::vector<std::string> Actions(const Filter& filter) {
    auto page = log_->List(conn(), filter);
    EXPECT_TRUE(page.ok()) << page.error().message;
    std::vector<std::string> out;
    if (page.ok()) {
      for (const Record& r : page->items) out.push_back(r.action);
    }
    return out;
  }

  ScratchDb scratch_{GetParam()};
  regions::RegionTree tree_;
  std::atomic<int64_t> now_{kStart};
  std::unique_ptr<AuditLog> log_;
};

TEST_P(AuditLogTest, AnEntryCommitsOrRollsBackWithItsChange) {
  {
    db::Transaction tx(conn());
    log_->Append(conn(), nullptr, "", Entry{"test.rolled_back", "", "", ""});
    // destroyed uncommitted: rolled back
  }
  Append(nullptr, "test.kept", "622926101201");
  auto page = log_->List(conn(), Filter{});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  const Record& r = page->items[0];
  EXPECT_EQ(r.action, "test.kept");
  EXPECT_EQ(r.at, FormatTimestamp(kStart));
  EXPECT_FALSE(r.user_id.has_value());
  EXPECT_EQ(r.username, "");
  EXPECT_EQ(r.region_code, "622926101201");
  EXPECT_EQ(r.target, "thing:1");
  EXPECT_EQ(r.remote_address, "10.1.2.3");
  EXPECT_EQ(r.detail, "why");
}

TEST_P(AuditLogTest, FiltersByUserRegionTimeAndPagesNewestFirst) {
  accounts::Principal outlet = User("outlet1", accounts::Role::kOutletOperator, "622926101201");
  accounts::Principal other = User("linxia1", accounts::Role::kCountyOperator, "622921000000");
  now_ = kStart + 3600;  // the two user.add entries above are an hour older
  Append(&outlet, "a.village", "622926101201");
  now_ += 60;
  Append(&outlet, "b.other_village", "622926101202");
  now_ += 60;
  Append(&other, "c.township", "622926101000");
  now_ += 60;
  Append(&other, "d.county", "622926000000");
  now_ += 60;
  Append(&other, "e.other_county", "622921000000");
  now_ += 60;
  Append(nullptr, "f.nowhere", "");

  using V = std::vector<std::string>;
  EXPECT_EQ(Actions(Filter{}), (V{"f.nowhere", "e.other_county", "d.county", "c.township", "b.other_village",
                                  "a.village", "user.add", "user.add"}));
  // Inside a region: the region itself and everything below it, nothing above or beside.
  EXPECT_EQ(Actions(F().region("622926101000")),
            (V{"c.township", "b.other_village", "a.village", "user.add"}));
  EXPECT_EQ(Actions(F().region("622926101201")), (V{"a.village", "user.add"}));
  EXPECT_EQ(Actions(F().region("622926000000")),
            (V{"d.county", "c.township", "b.other_village", "a.village", "user.add"}));
  EXPECT_EQ(Actions(F().region("622900000000")).size(), 7u) << "every entry with a region";
  // By user: entries the account made, not the ones made about it.
  EXPECT_EQ(Actions(F().user("outlet1")), (V{"b.other_village", "a.village"}));
  EXPECT_EQ(Actions(F().user("nobody")), V{});
  // By time: from and to are inclusive; a date as `to` covers the whole day.
  EXPECT_EQ(Actions(F().from(FormatTimestamp(kStart + 3660)).to(FormatTimestamp(kStart + 3780))),
            (V{"d.county", "c.township", "b.other_village"}));
  EXPECT_EQ(Actions(F().from(FormatTimestamp(kStart + 3601))).size(), 5u);
  std::string day = FormatTimestamp(kStart).substr(0, 10);
  EXPECT_EQ(Actions(F().to(day)).size(), 8u);
  EXPECT_EQ(Actions(F().from(day).to(day)).size(), 8u);
  EXPECT_EQ(Actions(F().to("2020-01-01")), V{});
  // Combined.
  EXPECT_EQ(Actions(F().user("linxia1").region("622926000000")), (V{"d.county", "c.township"}));

  // Pages of three, newest first, until next_before is empty.
  std::vector<std::string> seen;
  Filter f = F().limit(3);
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 5);
    auto page = log_->List(conn(), f);
    ASSERT_TRUE(page.ok());
    EXPECT_LE(page->items.size(), 3u);
    for (const Record& r : page->items) seen.push_back(r.action);
    if (!page->next_before) break;
    EXPECT_EQ(*page->next_before, page->items.back().audit_id);
    f.before_id = page->next_before;
  }
  EXPECT_EQ(seen, Actions(Filter{}));
}

TEST_P(AuditLogTest, MalformedFiltersNameTheirField) {
  struct Case {
    Filter filter;
    const char* field;
  };
  const Case cases[] = {
      {F().from("yesterday"), "from"},
      {F().to("2026-11-31"), "to"},
      {F().region("622999999999"), "region"},
      {F().limit(0), "limit"},
  };
  for (const Case& c : cases) {
    auto page = log_->List(conn(), c.filter);
    ASSERT_FALSE(page.ok()) << c.field;
    EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(page.error().field, c.field);
  }
}

TEST_P(AuditLogTest, ReadersSeeOnlyTheirGrant) {
  Append(nullptr, "in.village", "622926101201");
  Append(nullptr, "in.other_county", "622921000000");
  Append(nullptr, "in.nowhere", "");
  auto as = [](accounts::Role role, const char* region) {
    accounts::Principal p;
    p.user_id = 99;
    p.username = "reader";
    p.role = role;
    p.region_code = region;
    return p;
  };
  auto actions = [&](const accounts::Principal& p, Filter f) {
    auto page = log_->ListFor(conn(), p, f);
    std::vector<std::string> out;
    if (!page.ok()) return std::vector<std::string>{"error:" + std::string(ErrorCodeName(page.error().code))};
    for (const Record& r : page->items) out.push_back(r.action);
    return out;
  };
  using V = std::vector<std::string>;
  auto root_auditor = as(accounts::Role::kAuditor, "622900000000");
  auto county_auditor = as(accounts::Role::kAuditor, "622926000000");
  auto county_admin = as(accounts::Role::kAdmin, "622926000000");
  auto outlet = as(accounts::Role::kOutletOperator, "622926101201");
  EXPECT_EQ(actions(root_auditor, {}), (V{"in.nowhere", "in.other_county", "in.village"}));
  EXPECT_EQ(actions(county_auditor, {}), (V{"in.village"}));
  EXPECT_EQ(actions(county_admin, {}), (V{"in.village"}));
  EXPECT_EQ(actions(county_auditor, F().region("622926101201")), (V{"in.village"}));
  EXPECT_EQ(actions(county_auditor, F().region("622921000000")), (V{"error:permission_denied"}));
  EXPECT_EQ(actions(county_auditor, F().region("622900000000")), (V{"error:permission_denied"}));
  EXPECT_EQ(actions(outlet, {}), (V{"error:permission_denied"}));
  EXPECT_EQ(actions(outlet, F().region("622926101201")), (V{"error:permission_denied"}));
}

TEST_P(AuditLogTest, TheDatabaseRefusesToChangeOrRemoveEntries) {
  Append(nullptr, "evidence", "622926101201");
  EXPECT_THROW(conn().Exec("UPDATE audit_log SET action = 'forged'"), db::DbError);
  EXPECT_THROW(conn().Exec("DELETE FROM audit_log"), db::DbError);
  if (GetParam() == Backend::kPostgres) {
    EXPECT_THROW(conn().Exec("TRUNCATE audit_log"), db::DbError);
  }
  try {
    conn().Exec("DELETE FROM audit_log WHERE action = 'evidence'");
    ADD_FAILURE() << "DELETE went through";
  } catch (const db::DbError& e) {
    EXPECT_NE(std::string(e.what()).find("append-only"), std::string::npos) << e.what();
  }
  auto page = log_->List(conn(), Filter{});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].action, "evidence");
}

INSTANTIATE_TEST_SUITE_P(Databases, AuditLogTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::audit
