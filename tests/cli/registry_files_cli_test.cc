// fupin import registry and fupin export registry|households|villages, run as
// a user runs them: the real binary, its exit codes (0 ok, 1 failure, 2 usage),
// its one-line errors, and what is (not) left behind.
#include <filesystem>
#include <map>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/database.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::cli {
namespace {

using fupin::testing::Backend;
using fupin::testing::ReadFile;
using fupin::testing::RunFupin;
using fupin::testing::ScratchDb;
using fupin::testing::TempDir;
using fupin::testing::WriteFile;

// Two real villages of 锁南镇, Dongxiang (NBS 2023 codes).
constexpr const char* kCounty = "622926000000";
constexpr const char* kTownship = "622926100000";
constexpr const char* kVillageA = "622926100202";
constexpr const char* kVillageB = "622926100203";

std::map<std::string, std::string> SmallFolder() {
  std::map<std::string, std::string> f;
  f["households.csv"] = fmt::format(
      "household_id,county_code,township_code,village_code,head_name,cause,registered_year,synthetic\n"
      "101,{0},{1},{2},马进财,illness,2015,1\n"
      "102,{0},{1},{3},妥秀兰,,2015,1\n",
      kCounty, kTownship, kVillageA, kVillageB);
  f["members.csv"] =
      "member_id,household_id,name,relation,sex,birth_year,id_number,id_synthetic\n"
      "1001,101,马进财,head,M,1968,,1\n"
      "1002,102,妥秀兰,head,F,1975,,1\n";
  f["household_years.csv"] =
      "household_id,year,members,status,monitor_kind,exit_year,income_per_capita_fen,needs_unmet\n"
      "101,2015,5,poor,,,210000,housing\n"
      "101,2016,5,exited,,2016,330000,\n"
      "102,2015,3,not_poor,,,520000,\n"
      "102,2016,3,not_poor,,,560000,\n";
  f["villages.csv"] = fmt::format(
      "village_code,deep_poverty,broadband,mobile_4g,paved_road,distance_to_township_m\n"
      "{},1,0,1,1,3500\n",
      kVillageA);
  f["village_years.csv"] = fmt::format("village_code,year,status\n{0},2015,poor\n{0},2016,exited\n", kVillageA);
  f["poverty_lines.csv"] =
      "year,poverty_line_fen,monitoring_line_fen,source\n"
      "2015,285500,,NBS\n"
      "2016,295200,,NBS\n";
  f["settings.csv"] = "key,value,source\nvillage_exit_threshold_percent,3,policy\n";
  return f;
}

void WriteFolder(const std::map<std::string, std::string>& f, const std::string& dir) {
  std::filesystem::create_directories(dir);
  for (const auto& [name, text] : f) WriteFile(dir + "/" + name, text);
}

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

class RegistryFilesCliTest : public ::testing::TestWithParam<Backend> {
 protected:
  std::string Db() const { return "'" + scratch_.url() + "'"; }
  int64_t Count(const char* table) {
    return db::QueryInt(scratch_.conn(), std::string("SELECT COUNT(*) FROM ") + table).value_or(-1);
  }
  ScratchDb scratch_{GetParam()};
  TempDir dir_;
};

TEST_P(RegistryFilesCliTest, ImportThenExportRoundTripsAndYearlyExtracts) {
  auto folder = SmallFolder();
  WriteFolder(folder, dir_.File("in"));
  auto imported = RunFupin(fmt::format("import registry --db {} {}", Db(), dir_.File("in")));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("2 households, 2 members, 4 household years"), std::string::npos) << imported.out;

  auto exported = RunFupin(fmt::format("export registry --db {} --out {}", Db(), dir_.File("out")));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  for (const auto& [name, text] : folder) EXPECT_EQ(ReadFile(dir_.File("out/" + name)), text) << name;

  auto households = RunFupin(fmt::format("export households --db {} --year 2016 --out {}", Db(), dir_.File("h.csv")));
  ASSERT_EQ(households.exit_code, 0) << households.err;
  EXPECT_EQ(ReadFile(dir_.File("h.csv")),
            fmt::format("household_id,county_code,township_code,village_code,members,status,exit_year,"
                        "income_per_capita_fen\n"
                        "101,{0},{1},{2},5,exited,2016,330000\n"
                        "102,{0},{1},{3},3,not_poor,,560000\n",
                        kCounty, kTownship, kVillageA, kVillageB));

  auto villages = RunFupin(fmt::format("export villages --db {} --year 2015 --out {}", Db(), dir_.File("v.csv")));
  ASSERT_EQ(villages.exit_code, 0) << villages.err;
  std::string v = ReadFile(dir_.File("v.csv"));
  EXPECT_TRUE(v.starts_with(
      "village_code,township_code,county_code,rural_population,poor_people,village_status,deep_poverty\n"));
  EXPECT_NE(v.find(fmt::format("\n{},{},{},5,5,poor,1\n", kVillageA, kTownship, kCounty)), std::string::npos);
  EXPECT_NE(v.find(fmt::format("\n{},{},{},3,0,not_poor,0\n", kVillageB, kTownship, kCounty)), std::string::npos);
  EXPECT_EQ(Lines(v), 1090);  // the header and Linxia's 1,089 administrative villages

  auto no_year = RunFupin(fmt::format("export villages --db {} --year 2030 --out {}", Db(), dir_.File("x.csv")));
  EXPECT_EQ(no_year.exit_code, 1);
  EXPECT_EQ(no_year.err, "fupin: no registry data for year 2030; years with data: 2015, 2016\n");
  EXPECT_FALSE(std::filesystem::exists(dir_.File("x.csv")));

  auto again = RunFupin(fmt::format("import registry --db {} {}", Db(), dir_.File("in")));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already holds registry data (2 households"), std::string::npos) << again.err;
  EXPECT_EQ(Lines(again.err), 1);
}

TEST_P(RegistryFilesCliTest, BadRowsAreListedAndNothingIsWritten) {
  auto folder = SmallFolder();
  folder["household_years.csv"] += "102,2017,3,exited,,2017,600000,\n";  // not poor in 2016: cannot exit
  folder["members.csv"] += "1003,999,马,child,M,2001,,1\n";
  WriteFolder(folder, dir_.File("in"));
  auto r = RunFupin(fmt::format("import registry --db {} {}", Db(), dir_.File("in")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "members.csv line 4, column 2: household_id 999 is not in households.csv\n"
            "household_years.csv line 6, column 4: status exited in 2017 contradicts status not_poor in 2016: a "
            "household that was not poor cannot exit\n"
            "fupin: import of " +
                dir_.File("in") + " rejected: 2 bad rows; nothing was written\n");
  EXPECT_EQ(Count("households"), 0);
  EXPECT_EQ(Count("members"), 0);
  EXPECT_EQ(Count("household_years"), 0);
  EXPECT_EQ(Count("poverty_lines"), 9);  // migration 2's, not replaced

  auto limited = RunFupin(fmt::format("import registry --db {} --max-errors 1 {}", Db(), dir_.File("in")));
  EXPECT_EQ(limited.exit_code, 1);
  EXPECT_EQ(Lines(limited.err), 2);
  EXPECT_NE(limited.err.find("rejected: 1 bad row (stopped at the first 1; --max-errors sets the limit)"),
            std::string::npos)
      << limited.err;
}

TEST_P(RegistryFilesCliTest, NewerSchemaIsRefusedByImportAndExport) {
  auto version = schema::Migrate(scratch_.conn());
  ASSERT_TRUE(version.ok());
  scratch_.conn()
      .Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')")
      ->Bind(1, *version + 1)
      .Run();
  WriteFolder(SmallFolder(), dir_.File("in"));
  auto imported = RunFupin(fmt::format("import registry --db {} {}", Db(), dir_.File("in")));
  EXPECT_EQ(imported.exit_code, 1);
  EXPECT_NE(imported.err.find("newer than this fupin knows"), std::string::npos) << imported.err;
  auto exported = RunFupin(fmt::format("export registry --db {} --out {}", Db(), dir_.File("out")));
  EXPECT_EQ(exported.exit_code, 1);
  EXPECT_NE(exported.err.find("newer than this fupin knows"), std::string::npos) << exported.err;
  EXPECT_EQ(Lines(exported.err), 1);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("out")));
  auto villages = RunFupin(fmt::format("export villages --db {} --year 2016 --out {}", Db(), dir_.File("v.csv")));
  EXPECT_EQ(villages.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("v.csv")));
  EXPECT_EQ(Count("households"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryFilesCliTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

TEST(RegistryFilesCliUsageTest, BadFlagsExitTwo) {
  TempDir dir;
  std::string db = "sqlite:" + dir.File("f.db");
  for (const std::string& args : {
           fmt::format("export households --db {} --year abc --out {}", db, dir.File("h.csv")),
           fmt::format("export villages --db {} --year 2016", db),
           fmt::format("export registry --db {} --out {} --bogus", db, dir.File("out")),
           fmt::format("import registry --db {} --max-errors 0 {}", db, dir.path()),
           fmt::format("import registry --db {}", db),
       }) {
    SCOPED_TRACE(args);
    auto r = RunFupin(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(r.err.starts_with("fupin: ")) << r.err;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.File("f.db")));
}

TEST(RegistryFilesCliUsageTest, MissingFolderOrFileExitsOneBeforeTouchingTheDatabase) {
  TempDir dir;
  std::string db = "sqlite:" + dir.File("f.db");
  auto none = RunFupin(fmt::format("import registry --db {} {}", db, dir.File("nope")));
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err, fmt::format("fupin: no registry folder at {}; give the folder that fupin export registry "
                                  "wrote\n",
                                  dir.File("nope")));
  auto folder = SmallFolder();
  folder.erase("village_years.csv");
  WriteFolder(folder, dir.File("in"));
  auto missing = RunFupin(fmt::format("import registry --db {} {}", db, dir.File("in")));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(
      missing.err.starts_with(fmt::format("fupin: registry folder {} has no village_years.csv;", dir.File("in"))))
      << missing.err;
  EXPECT_EQ(Lines(missing.err), 1);
  EXPECT_FALSE(std::filesystem::exists(dir.File("f.db")));
}

TEST(RegistryFilesCliUsageTest, UnreachableOrAbsentDatabaseExitsOne) {
  TempDir dir;
  WriteFolder(SmallFolder(), dir.File("in"));
  const std::string down = "postgresql://nobody@127.0.0.1:1/x";
  for (const std::string& args : {
           fmt::format("import registry --db {} {}", down, dir.File("in")),
           fmt::format("export registry --db {} --out {}", down, dir.File("out")),
           fmt::format("export households --db {} --year 2016 --out {}", down, dir.File("h.csv")),
           fmt::format("export villages --db {} --year 2016 --out {}", down, dir.File("v.csv")),
       }) {
    SCOPED_TRACE(args);
    auto r = RunFupin(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(r.err.starts_with("fupin: cannot connect to PostgreSQL")) << r.err;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
  }
  auto absent = RunFupin(
      fmt::format("export households --db sqlite:{} --year 2016 --out {}", dir.File("no.db"), dir.File("h.csv")));
  EXPECT_EQ(absent.exit_code, 1);
  EXPECT_TRUE(absent.err.starts_with("fupin: no database at ")) << absent.err;
  EXPECT_FALSE(std::filesystem::exists(dir.File("out")));
  EXPECT_FALSE(std::filesystem::exists(dir.File("h.csv")));
}

}  // namespace
}  // namespace fupin::cli
