// household_year_counts stays exactly the grouped count of household_years:
// after plain inserts, updates and deletes (including the last household of a
// count), concurrent writers, the migration that creates it over existing
// rows, the demo's bulk load, and a registry import that commits or fails.
#include <chrono>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/migrate.h"
#include "demo/generator.h"
#include "registry/exchange.h"
#include "schema/schema.h"
#include "testing/test_db.h"
#include "testing/year_counts_check.h"
#include "reports/registry_fixture.h"

namespace fupin::registry {
namespace {

using fupin::testing::Backend;
using fupin::testing::ScratchDb;
using fupin::testing::YearCountsDifference;
using fupin::testing::YearCountsTriggers;

class YearCountsTest : public ::testing::TestWithParam<Backend> {
 protected:
  void Migrated() {
    auto v = schema::Migrate(db_.conn());
    ASSERT_TRUE(v.ok()) << v.error().message;
  }
  int64_t Kept(const std::string& where) {
    return db::QueryInt(db_.conn(), "SELECT COALESCE(SUM(households), -1) FROM household_year_counts WHERE " + where)
        .value_or(-1);
  }
  ScratchDb db_{GetParam()};
};

TEST_P(YearCountsTest, InsertsUpdatesAndDeletesKeepTheCountsExact) {
  Migrated();
  EXPECT_EQ(YearCountsTriggers(db_.conn()), 3);
  reports::fixture::BuildRegistry(db_.conn());
  ASSERT_EQ(YearCountsDifference(db_.conn()), "");
  // By hand: 622926200200 in 2016 has H9 (poor, 6 people) and H10 (not poor, 294).
  EXPECT_EQ(Kept("year = 2016 AND village_code = '622926200200' AND status = 'poor'"), 1);
  EXPECT_EQ(db::QueryInt(db_.conn(), "SELECT people FROM household_year_counts WHERE year = 2016 AND "
                                     "village_code = '622926200200' AND status = 'not_poor'"),
            294);

  // The last poor household of a count leaves it: the row goes.
  db_.conn().Exec("UPDATE household_years SET status = 'exited', exit_year = 2016 WHERE household_id = 9 AND year = 2016");
  EXPECT_EQ(YearCountsDifference(db_.conn()), "");
  EXPECT_EQ(Kept("year = 2016 AND village_code = '622926200200' AND status = 'poor'"), -1);
  EXPECT_EQ(Kept("year = 2016 AND village_code = '622926200200' AND status = 'exited'"), 1);

  // Random writes of every kind, checked after each one.
  std::mt19937 random(20201228);
  const char* statuses[] = {"not_poor", "poor", "exited", "monitored"};
  const char* villages[] = {"622901102201", "622901102202", "622926101201", "622926101202", "622926200200"};
  int64_t next_id = 100;
  for (int step = 0; step < 120; ++step) {
    const int kind = static_cast<int>(random() % 6);
    const int64_t household = 1 + static_cast<int64_t>(random() % 10);
    const int year = 2016 + static_cast<int>(random() % 3);
    std::string what;
    if (kind == 0) {
      const char* s = statuses[random() % 4];
      what = fmt::format("status of {} in {} to {}", household, year, s);
      db_.conn()
          .Prepare("UPDATE household_years SET status = ?, monitor_kind = CASE WHEN ? = 'monitored' THEN "
                   "'marginal' END, exit_year = CASE WHEN ? = 'exited' THEN year END WHERE household_id = ? AND year = ?")
          ->Bind(1, s).Bind(2, s).Bind(3, s).Bind(4, household).Bind(5, year).Run();
    } else if (kind == 1) {
      const int members = 1 + static_cast<int>(random() % 9);
      what = fmt::format("members of {} in {} to {}", household, year, members);
      db_.conn()
          .Prepare("UPDATE household_years SET members = ? WHERE household_id = ? AND year = ?")
          ->Bind(1, members).Bind(2, household).Bind(3, year).Run();
    } else if (kind == 2) {
      const std::string village = villages[random() % 5];
      what = fmt::format("household {} in {} moves to {}", household, year, village);
      db_.conn()
          .Prepare("UPDATE household_years SET village_code = ?, county_code = ? WHERE household_id = ? AND year = ?")
          ->Bind(1, village).Bind(2, village.substr(0, 6) + "000000").Bind(3, household).Bind(4, year).Run();
    } else if (kind == 3) {
      what = fmt::format("year {} of household {} removed", year, household);
      db_.conn()
          .Prepare("DELETE FROM household_years WHERE household_id = ? AND year = ?")
          ->Bind(1, household).Bind(2, year).Run();
    } else if (kind == 4) {
      // The county alone changes (a village moved to another county): the
      // count moves with it.
      const std::string county = random() % 2 ? "622926000000" : "622901000000";
      what = fmt::format("household {} in {} counted in county {}", household, year, county);
      db_.conn()
          .Prepare("UPDATE household_years SET county_code = ? WHERE household_id = ? AND year = ?")
          ->Bind(1, county).Bind(2, household).Bind(3, year).Run();
    } else {
      const std::string village = villages[random() % 5];
      what = fmt::format("new household {} in {}", next_id, village);
      reports::fixture::InsertHousehold(db_.conn(), next_id++, village, 1 + static_cast<int>(random() % 7),
                                        {"poor", "poor", "exited"});
    }
    ASSERT_EQ(YearCountsDifference(db_.conn()), "") << "after step " << step << ": " << what;
  }

  // A write that is rolled back takes its counts back with it.
  const int64_t poor_2018 = Kept("year = 2018 AND status = 'poor'");
  {
    db::Transaction tx(db_.conn());
    db_.conn().Exec("UPDATE household_years SET status = 'poor', monitor_kind = NULL, exit_year = NULL WHERE year = 2018");
    EXPECT_EQ(YearCountsDifference(db_.conn()), "") << "inside the transaction";
    EXPECT_EQ(Kept("year = 2018 AND status = 'poor'"),
              db::QueryInt(db_.conn(), "SELECT COUNT(*) FROM household_years WHERE year = 2018"));
  }
  EXPECT_EQ(YearCountsDifference(db_.conn()), "");
  EXPECT_EQ(Kept("year = 2018 AND status = 'poor'"), poor_2018);
  db_.conn().Exec("DELETE FROM household_years");
  EXPECT_EQ(db::QueryInt(db_.conn(), "SELECT COUNT(*) FROM household_year_counts"), 0);
}

TEST_P(YearCountsTest, ConcurrentWritersTakingTheLastHouseholdsOfACountLeaveItExact) {
  Migrated();
  reports::fixture::BuildRegistry(db_.conn());
  // 2016, 622901102201: H1 poor and H2 not poor. Make H2 poor too: two poor households.
  db_.conn().Exec("UPDATE household_years SET status = 'poor' WHERE household_id = 2 AND year = 2016");
  ASSERT_EQ(Kept("year = 2016 AND village_code = '622901102201' AND status = 'poor'"), 2);
  for (int round = 0; round < 5; ++round) {
    // Two writers each take one of the two poor households out of the count
    // at the same time; the first holds its transaction open a moment.
    auto first = db_.Connect();
    auto second = db_.Connect();
    {
      db::Transaction tx(*first);
      first->Exec("UPDATE household_years SET status = 'exited', exit_year = 2016 WHERE household_id = 1 AND year = 2016");
      std::thread other([&] {
        db::Transaction tx2(*second);
        second->Exec(
            "UPDATE household_years SET status = 'exited', exit_year = 2016 WHERE household_id = 2 AND year = 2016");
        tx2.Commit();
      });
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      tx.Commit();
      other.join();
    }
    EXPECT_EQ(YearCountsDifference(db_.conn()), "") << "round " << round;
    EXPECT_EQ(Kept("year = 2016 AND village_code = '622901102201' AND status = 'poor'"), -1) << "round " << round;
    EXPECT_EQ(Kept("year = 2016 AND village_code = '622901102201' AND status = 'exited'"), 2) << "round " << round;
    // And both back at once: the row comes back with two.
    db_.conn().Exec("UPDATE household_years SET status = 'poor', exit_year = NULL WHERE household_id IN (1, 2) AND "
                    "year = 2016");
    ASSERT_EQ(Kept("year = 2016 AND village_code = '622901102201' AND status = 'poor'"), 2);
  }
}

TEST_P(YearCountsTest, TheMigrationCountsTheRowsAlreadyRegistered) {
  std::vector<db::Migration> before(schema::Migrations().begin(), schema::Migrations().end());
  while (!before.empty() && before.back().version >= 8) before.pop_back();
  ASSERT_EQ(before.size(), 7u);
  auto v = db::ApplyMigrations(db_.conn(), before);
  ASSERT_TRUE(v.ok()) << v.error().message;
  reports::fixture::BuildRegistry(db_.conn());
  Migrated();
  EXPECT_EQ(YearCountsDifference(db_.conn()), "");
  EXPECT_EQ(db::QueryInt(db_.conn(), "SELECT SUM(households) FROM household_year_counts"), 30);
  EXPECT_EQ(YearCountsTriggers(db_.conn()), 3);
}

TEST_P(YearCountsTest, BulkLoadsRecountAndAFailedImportKeepsTheTriggers) {
  Migrated();
  demo::DemoOptions options;
  options.scale = 0.01;
  options.vault = &fupin::testing::TestVault();
  auto demo = demo::BuildDemo(db_.conn(), options);
  ASSERT_TRUE(demo.ok()) << demo.error().message;
  EXPECT_EQ(YearCountsDifference(db_.conn()), "");
  EXPECT_EQ(YearCountsTriggers(db_.conn()), 3);
  EXPECT_GT(db::QueryInt(db_.conn(), "SELECT SUM(households) FROM household_year_counts").value_or(0), 1000);

  fupin::testing::TempDir dir;
  auto exported = ExportRegistryFolder(db_.conn(), dir.File("registry"), fupin::testing::TestVault());
  ASSERT_TRUE(exported.ok()) << exported.error().message;

  ScratchDb other(GetParam());
  ASSERT_TRUE(schema::Migrate(other.conn()).ok());
  auto failed = ImportRegistryFolder(other.conn(), dir.File("registry"), fupin::testing::TestVault(), 100,
                                     [](db::Connection&, const RegistryCounts&) {
                                       throw db::DbError("the audit entry could not be written");
                                     });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(db::QueryInt(other.conn(), "SELECT COUNT(*) FROM household_years"), 0);
  EXPECT_EQ(db::QueryInt(other.conn(), "SELECT COUNT(*) FROM household_year_counts"), 0);
  EXPECT_EQ(YearCountsTriggers(other.conn()), 3) << "the rolled-back load took the triggers with it";

  auto imported = ImportRegistryFolder(other.conn(), dir.File("registry"), fupin::testing::TestVault());
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  ASSERT_TRUE(imported->ok());
  EXPECT_EQ(YearCountsDifference(other.conn()), "");
  EXPECT_EQ(YearCountsTriggers(other.conn()), 3);
  EXPECT_EQ(db::QueryInt(other.conn(), "SELECT SUM(households) FROM household_year_counts"),
            db::QueryInt(db_.conn(), "SELECT SUM(households) FROM household_year_counts"));
  // After the load the triggers work again.
  other.conn().Exec("DELETE FROM household_years WHERE household_id = (SELECT MIN(household_id) FROM households)");
  EXPECT_EQ(YearCountsDifference(other.conn()), "");
}

INSTANTIATE_TEST_SUITE_P(Backends, YearCountsTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::registry
