// `fupin migrate` and `fupin demo` as a user runs them: exit codes and one-line errors.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "db/database.h"
#include "testing/test_db.h"

namespace fupin::cli {
namespace {

using fupin::testing::OneLineError;
using fupin::testing::RunFupin;
using fupin::testing::TempDir;

TEST(MigrateCliTest, CreatesUpgradesAndRefusesNewerSchema) {
  TempDir dir;
  std::string url = "sqlite:" + dir.File("m.db");
  auto first = RunFupin("migrate --db " + url);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("schema version"), std::string::npos);
  EXPECT_EQ(RunFupin("migrate --db " + url).exit_code, 0);
  {
    auto conn = db::Open(url);
    ASSERT_TRUE(conn.ok());
    (*conn)->Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')");
  }
  for (const char* cmd : {"migrate", "demo --scale 0.01", "report poverty"}) {
    auto r = RunFupin(fmt::format("{} --db {}", cmd, url));
    EXPECT_EQ(r.exit_code, 1) << cmd;
    EXPECT_TRUE(OneLineError(r.err)) << r.err;
    EXPECT_NE(r.err.find("newer"), std::string::npos) << r.err;
  }
}

TEST(DemoCliTest, BadFlagsAreUsageErrors) {
  for (const char* args : {"demo --bogus", "demo --scale 0", "demo --scale abc", "demo --scale nan",
                           "demo --scale 0.001", "demo --scale 21", "demo --seed -x", "nonsense", "demo --db"}) {
    auto r = RunFupin(args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
    EXPECT_TRUE(OneLineError(r.err)) << args << ": " << r.err;
  }
  auto bad_url = RunFupin("demo --db mysql://x");
  EXPECT_EQ(bad_url.exit_code, 2) << bad_url.err;
}

TEST(DemoCliTest, UnreachableDatabaseAndSecondRunFailWithOneLine) {
  auto down = RunFupin("demo --scale 0.01 --db 'postgresql://nobody@127.0.0.1:1/x?connect_timeout=2'");
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_TRUE(OneLineError(down.err)) << down.err;
  TempDir dir;
  std::string url = "sqlite:" + dir.File("d.db");
  auto built = RunFupin("demo --quiet --scale 0.01 --db " + url);
  ASSERT_EQ(built.exit_code, 0) << built.err;
  EXPECT_TRUE(built.out.empty());
  auto again = RunFupin("demo --scale 0.01 --db " + url);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(OneLineError(again.err)) << again.err;
  EXPECT_NE(again.err.find("already holds"), std::string::npos);
  // What `make demo` runs: a database that holds a registry is left as it is.
  auto kept = RunFupin("demo --if-empty --scale 0.01 --db " + url);
  EXPECT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_NE(kept.out.find("left as it is"), std::string::npos);
  // ... and an empty one (migrated, or left by an interrupted run) gets the demo.
  std::string empty = "sqlite:" + dir.File("e.db");
  ASSERT_EQ(RunFupin("migrate --db " + empty).exit_code, 0);
  auto filled = RunFupin("demo --if-empty --quiet --scale 0.01 --db " + empty);
  EXPECT_EQ(filled.exit_code, 0) << filled.err;
  auto report = RunFupin("report poverty --format csv --db " + empty);
  EXPECT_EQ(report.exit_code, 0) << report.err;
  auto folder = RunFupin("demo --scale 0.01 --db sqlite:" + dir.File("no/such/folder/x.db"));
  EXPECT_EQ(folder.exit_code, 1);
  EXPECT_TRUE(OneLineError(folder.err)) << folder.err;
}

}  // namespace
}  // namespace fupin::cli
