// fupin report NAME: exit codes, defaults, formats and --out, through the real binary.
#include <regex>

#include <gtest/gtest.h>

#include "reports/registry_fixture.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::reports {
namespace {

using fupin::testing::Backend;
using fupin::testing::CommandResult;
using fupin::testing::RunFupin;
using fupin::testing::ScratchDb;
using fupin::testing::TempDir;

class ReportCommandTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new ScratchDb(Backend::kSqlite);
    ASSERT_TRUE(schema::Migrate(db_->conn()).ok());
    fixture::BuildRegistry(db_->conn());
  }
  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }
  static CommandResult Report(const std::string& args) { return RunFupin("report " + args + " --db " + db_->url()); }

  static ScratchDb* db_;
};
ScratchDb* ReportCommandTest::db_ = nullptr;

TEST_F(ReportCommandTest, PovertyDefaultsToThePrefectureAndTheLatestYear) {
  CommandResult r = Report("poverty");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("贫困状况 Poverty by region: 临夏回族自治州 622900000000, 2018\n")) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST_F(ReportCommandTest, CsvAndJsonOfACountyAndYear) {
  CommandResult csv = Report("poverty --region 622926000000 --year 2016 --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_TRUE(csv.out.starts_with(
      "level,region_code,region_name,villages,poor_villages,exited_villages,deep_poverty_villages,"
      "deep_poverty_villages_poor,deep_poverty_villages_nonpoor,rural_population,poor_people,poverty_incidence,"
      "deep_poverty_rural_population,deep_poverty_poor_people,deep_poverty_incidence\n"
      "township,622926100000,锁南镇,"))
      << csv.out;
  EXPECT_TRUE(csv.out.ends_with("\ncounty,622926000000,东乡族自治县,193,2,0,2,1,1,360,20,5.56,60,14,23.33\n"))
      << csv.out;

  CommandResult json = Report("poverty --year 2017 --format json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_TRUE(json.out.starts_with(R"({"report":"poverty","title_zh":"贫困状况",)")) << json.out;
  EXPECT_NE(json.out.find(R"("region":{"code":"622900000000","name":"临夏回族自治州"},"year":2017,)"),
            std::string::npos);
  EXPECT_NE(json.out.find(R"("poverty_incidence":2.50,)"), std::string::npos);  // 临夏市, 5 of 200
}

TEST_F(ReportCommandTest, UnknownReportIsAUsageErrorListingTheNames) {
  CommandResult r = Report("nope");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "fupin: unknown report 'nope'; valid reports: poverty, paper-check, benefit, institutions, indicator, "
            "indicators, trend, coverage, logistics, ecommerce-scale\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(ReportCommandTest, UnknownRegionIsAUsageError) {
  for (const char* code : {"999999999999", "620000000000", "abc"}) {
    CommandResult r = Report(std::string("poverty --region ") + code);
    EXPECT_EQ(r.exit_code, 2) << code;
    EXPECT_TRUE(r.err.starts_with(std::string("fupin: no region '") + code + "'")) << r.err;
  }
  CommandResult paper = Report("paper-check --region 622926000000");
  EXPECT_EQ(paper.exit_code, 2);
  EXPECT_TRUE(paper.err.starts_with("fupin: no region choice for paper-check")) << paper.err;
}

TEST_F(ReportCommandTest, YearWithoutDataFailsNamingTheYearsWithData) {
  CommandResult r = Report("poverty --year 2015");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "fupin: no registry data for year 2015; years with data: 2016–2018\n");
}

TEST_F(ReportCommandTest, OutWritesTheFileAndNothingToStdout) {
  TempDir dir;
  std::string file = dir.File("poverty.csv");
  CommandResult r = Report("poverty --format csv --out " + file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(fupin::testing::ReadFile(file), Report("poverty --format csv").out);

  CommandResult bad = Report("poverty --out " + dir.File("missing/poverty.txt"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(bad.err.starts_with("fupin: cannot write")) << bad.err;
}

TEST_F(ReportCommandTest, PaperCheckExitsZeroWithMismatchesAndEndsWithTheSummary) {
  CommandResult r = Report("paper-check");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  EXPECT_TRUE(std::regex_search(r.out, m, std::regex("\n\\d+ match, [1-9]\\d* mismatch, \\d+ not answerable\n$")))
      << r.out;
  CommandResult csv = Report("paper-check --format csv");
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_TRUE(csv.out.starts_with(
      "section,figure,year,scope,unit,published_value,computed_value,result,source,reason\n"
      "paper,area,,Linxia prefecture,km2,8169,,not answerable,\"paper, section 2\","))
      << csv.out;
}

TEST(ReportCommandDatabaseTest, MissingOrEmptyDatabaseFails) {
  TempDir dir;
  CommandResult missing = RunFupin("report poverty --db sqlite:" + dir.File("none.db"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(missing.err.starts_with("fupin: no database at")) << missing.err;

  ScratchDb empty(Backend::kSqlite);
  ASSERT_TRUE(schema::Migrate(empty.conn()).ok());
  CommandResult r = RunFupin("report poverty --db " + empty.url());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "fupin: no registry data in the database; load it with fupin demo or fupin import registry\n");
}

}  // namespace
}  // namespace fupin::reports
