// The data-access layer on both real databases.
#include <gtest/gtest.h>

#include "db/database.h"
#include "db/migrate.h"
#include "db/postgres.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::db {
namespace {

using fupin::testing::Backend;
using fupin::testing::ScratchDb;

class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  ScratchDb scratch_{GetParam()};
};

TEST_P(DatabaseTest, PreparedStatementsRoundTripIntegersTextAndNull) {
  Connection& c = scratch_.conn();
  c.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, amount BIGINT)");
  auto ins = c.Prepare("INSERT INTO t (id, name, amount) VALUES (?, ?, ?)");
  ins->Bind(1, int64_t{1}).Bind(2, "临夏 'quoted' ?").Bind(3, int64_t{9'000'000'000'000}).Run();
  EXPECT_EQ(ins->Changes(), 1);
  ins->Bind(1, int64_t{2}).BindNull(2).BindNull(3).Run();
  auto sel = c.Prepare("SELECT id, name, amount FROM t WHERE id >= ? ORDER BY id");
  sel->Bind(1, int64_t{1});
  ASSERT_TRUE(sel->Step());
  EXPECT_EQ(sel->Int(0), 1);
  EXPECT_EQ(sel->Text(1), "临夏 'quoted' ?");
  EXPECT_EQ(sel->Int(2), 9'000'000'000'000);
  ASSERT_TRUE(sel->Step());
  EXPECT_TRUE(sel->IsNull(1));
  EXPECT_FALSE(sel->OptInt(2).has_value());
  EXPECT_FALSE(sel->Step());
  // Re-running after the end reads again.
  sel->Bind(1, int64_t{2});
  ASSERT_TRUE(sel->Step());
  EXPECT_EQ(sel->Int(0), 2);
  EXPECT_FALSE(sel->Step());
}

TEST_P(DatabaseTest, RolledBackTransactionLeavesNothing) {
  Connection& c = scratch_.conn();
  c.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  {
    Transaction tx(c);
    c.Prepare("INSERT INTO t (id) VALUES (?)")->Bind(1, int64_t{7}).Run();
    // destroyed without Commit()
  }
  EXPECT_EQ(QueryInt(c, "SELECT COUNT(*) FROM t"), 0);
  {
    Transaction tx(c);
    c.Prepare("INSERT INTO t (id) VALUES (?)")->Bind(1, int64_t{8}).Run();
    tx.Commit();
  }
  EXPECT_EQ(QueryInt(c, "SELECT COUNT(*) FROM t"), 1);
}

TEST_P(DatabaseTest, ConstraintViolationThrowsAndKeepsConnectionUsable) {
  Connection& c = scratch_.conn();
  c.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  auto ins = c.Prepare("INSERT INTO t (id) VALUES (?)");
  ins->Bind(1, int64_t{1}).Run();
  EXPECT_THROW(ins->Bind(1, int64_t{1}).Run(), DbError);
  ins->Bind(1, int64_t{2}).Run();
  EXPECT_EQ(QueryInt(c, "SELECT COUNT(*) FROM t"), 2);
}

TEST_P(DatabaseTest, BulkWriterLoadsRowsWithSpecialCharacters) {
  Connection& c = scratch_.conn();
  c.Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, v BIGINT)");
  Transaction tx(c);
  auto bulk = c.Bulk("t", {"id", "name", "v"});
  for (int i = 0; i < 5000; ++i) {
    bulk->Int(i).Text(i == 3 ? "tab\tnew\nline\\back" : "东乡").OptInt(i % 2 ? std::optional<int64_t>() : i);
    bulk->EndRow();
  }
  bulk->Finish();
  tx.Commit();
  EXPECT_EQ(QueryInt(c, "SELECT COUNT(*) FROM t"), 5000);
  EXPECT_EQ(QueryInt(c, "SELECT COUNT(*) FROM t WHERE v IS NULL"), 2500);
  auto st = c.Prepare("SELECT name FROM t WHERE id = ?");
  st->Bind(1, int64_t{3});
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Text(0), "tab\tnew\nline\\back");
}

TEST_P(DatabaseTest, MigrationsRunOnceAndRefuseNewerSchema) {
  Connection& c = scratch_.conn();
  auto v = schema::Migrate(c);
  ASSERT_TRUE(v.ok()) << v.error().message;
  int newest = *v;
  EXPECT_GE(newest, 2);
  EXPECT_TRUE(schema::RequireCurrent(c).ok());
  auto again = schema::Migrate(c);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, newest);
  EXPECT_EQ(QueryInt(c, "SELECT COUNT(*) FROM regions"), 1337);
  c.Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')")
      ->Bind(1, newest + 1)
      .Run();
  auto newer = schema::Migrate(c);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(newer.error().message.find("newer"), std::string::npos);
  EXPECT_FALSE(schema::RequireCurrent(c).ok());
}

TEST_P(DatabaseTest, FailingMigrationLeavesPreviousVersion) {
  Connection& c = scratch_.conn();
  std::vector<Migration> list = {{1, "one", "CREATE TABLE a (x INTEGER)", nullptr},
                                 {2, "two", "CREATE TABLE b (x INTEGER)", [](Connection& conn) {
                                    conn.Exec("INSERT INTO no_such_table VALUES (1)");
                                  }}};
  auto r = ApplyMigrations(c, list);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(CurrentVersion(c), 1);
  // Table b was rolled back with the failed step.
  EXPECT_THROW(c.Exec("SELECT * FROM b"), DbError);
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

TEST(DatabaseUrlTest, RejectsUnknownSchemeAndUnreachableServer) {
  auto bad = Open("mysql://x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  auto down = Open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
  auto dir = Open("sqlite:/nonexistent-folder/x.db");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().code, ErrorCode::kUnavailable);
}

TEST(DatabaseUrlTest, PlaceholdersAreRewrittenOutsideQuotes) {
  EXPECT_EQ(RewritePlaceholders("SELECT ? , '?' , \"a?\" , ?"), "SELECT $1 , '?' , \"a?\" , $2");
}

}  // namespace
}  // namespace fupin::db
