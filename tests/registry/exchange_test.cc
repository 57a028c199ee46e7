// Registry import and export (registry/exchange.h): the parser and its error
// for every class of bad row, without a database; then import, export and the
// yearly extracts on both databases.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "base/embedded_data.h"
#include "base/text.h"
#include "db/database.h"
#include "regions/loader.h"
#include "regions/tree.h"
#include "registry/exchange.h"
#include "registry/model.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::registry {
namespace {

using fupin::testing::Backend;
using fupin::testing::ScratchDb;
using fupin::testing::TempDir;

// The real Linxia divisions, as migration 2 loads them.
const regions::RegionTree& Tree() {
  static const regions::RegionTree tree = [] {
    auto parsed = regions::ParseDivisions(embedded::DivisionsCsv(), embedded::CoordinatesCsv());
    if (!parsed) ADD_FAILURE() << parsed.error().message;
    return regions::RegionTree::FromRegions(parsed ? *parsed : std::vector<regions::Region>());
  }();
  return tree;
}

struct Place {
  std::string village, township, county;
};

// The n-th administrative village (0-based, in code order) under `ancestor`.
Place VillageUnder(std::string_view ancestor, size_t n) {
  for (const regions::Region* r : Tree().Subtree(ancestor)) {
    if (!r->IsAdministrativeVillage()) continue;
    if (n-- == 0) return Place{r->code, r->parent_code, Tree().AncestorAt(r->code, regions::Level::kCounty)->code};
  }
  ADD_FAILURE() << "no village under " << ancestor;
  return {};
}

// Two villages of one township in Dongxiang, one in Linxia County (whose codes sort first).
const Place& V1() {
  static const Place p = VillageUnder("622926000000", 0);
  return p;
}
const Place& V2() {
  static const Place p = VillageUnder(V1().township, 1);
  return p;
}
const Place& V3() {
  static const Place p = VillageUnder("622921000000", 0);
  return p;
}

std::string IdNumber(std::string_view first17) { return std::string(first17) + IdCheckCharacter(first17); }

// A registry folder as file name → text.
using Folder = std::map<std::string, std::string>;

// A small, canonical folder (sorted, quoted only where needed): what export writes.
Folder GoodFolder() {
  const Place& a = V1();
  const Place& b = V2();
  const Place& c = V3();
  Folder f;
  f["households.csv"] = fmt::format(
      "household_id,county_code,township_code,village_code,head_name,cause,registered_year,synthetic\n"
      "1,{0},{1},{2},马小明,illness,2014,1\n"
      "2,{0},{1},{2},\"马,有\",lack_of_skills,2014,1\n"
      "3,{0},{1},{3},妥建华,,2015,0\n"
      "4,{4},{5},{6},\"He said \"\"hi\"\"\",disability,2014,1\n",
      a.county, a.township, a.village, b.village, c.county, c.township, c.village);
  f["members.csv"] = fmt::format(
      "member_id,household_id,name,relation,sex,birth_year,id_number,id_synthetic\n"
      "10,1,马小明,head,M,1970,{},0\n"
      "11,1,马小红,spouse,F,1972,,1\n"
      "12,2,马有,head,M,1980,,1\n"
      "13,3,妥建华,head,M,1965,{},1\n"
      "14,4,何,head,F,1990,,0\n",
      IdNumber("62292619700101001"), IdNumber("62292619650505123"));
  f["household_years.csv"] =
      "household_id,year,members,status,monitor_kind,exit_year,income_per_capita_fen,needs_unmet\n"
      "1,2014,5,poor,,,180000,housing;water\n"                                  // line 2
      "1,2015,5,poor,,,250000,water\n"                                          // 3
      "1,2016,4,exited,,2016,320000,\n"                                         // 4
      "1,2017,4,monitored,unstable_exited,2016,330000,\n"                       // 5
      "1,2018,4,exited,,2016,450000,\n"                                         // 6
      "2,2014,3,poor,,,200000,schooling\n"                                      // 7
      "2,2015,3,exited,,2015,300000,\n"                                         // 8
      "3,2015,6,not_poor,,,500000,\n"                                           // 9
      "3,2016,6,monitored,marginal,,410000,medical\n"                           // 10
      "3,2017,6,not_poor,,,520000,\n"                                           // 11
      "4,2014,2,poor,,,150000,food;clothing;schooling;medical;housing;water\n"  // 12
      "4,2016,2,poor,,,210000,housing\n";                                       // 13
  f["villages.csv"] = fmt::format(
      "village_code,deep_poverty,broadband,mobile_4g,paved_road,distance_to_township_m\n"
      "{},1,1,1,0,4200\n"
      "{},0,,,,\n",
      a.village, b.village);
  f["village_years.csv"] = fmt::format(
      "village_code,year,status\n"
      "{1},2016,poor\n"
      "{0},2014,poor\n"
      "{0},2015,poor\n"
      "{0},2016,exited\n",
      a.village, c.village);
  f["poverty_lines.csv"] =
      "year,poverty_line_fen,monitoring_line_fen,source\n"
      "2014,280000,,NBS\n"
      "2015,285500,,NBS\n"
      "2016,295200,,\"NBS, current prices\"\n"
      "2020,400000,600000,test\n";
  f["settings.csv"] =
      "key,value,source\n"
      "county_exit_threshold_percent,3,policy\n"
      "village_exit_threshold_percent,3,policy\n"
      "zeta.note,\"a,b\",test\n";
  return f;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

// Replaces line `n` (1-based; the header is line 1) of `file`.
void SetLine(Folder& f, const std::string& file, size_t n, const std::string& text) {
  auto lines = Lines(f[file]);
  ASSERT_LE(n, lines.size()) << file;
  lines[n - 1] = text;
  f[file] = Join(lines);
}

std::string GetLine(Folder& f, const std::string& file, size_t n) { return Lines(f[file]).at(n - 1); }

void AppendLine(Folder& f, const std::string& file, const std::string& text) { f[file] += text + "\n"; }

RegistryParser::Outcome Parse(const Folder& f, int max_errors = 100) {
  RegistryParser parser(Tree(), max_errors);
  for (const RegistryFileSpec& spec : kRegistryFiles) {
    auto it = f.find(std::string(spec.name));
    if (it != f.end()) parser.File(spec.name, it->second);
  }
  return parser.Finish();
}

void WriteFolder(const Folder& f, const std::string& dir) {
  for (const auto& [name, text] : f) fupin::testing::WriteFile(dir + "/" + name, text);
}

std::vector<std::string> Messages(const std::vector<FileError>& errors) {
  std::vector<std::string> out;
  for (const FileError& e : errors) out.push_back(e.ToString());
  return out;
}

// ---------------------------------------------------------------------------
// The parser, without a database.

TEST(RegistryParserTest, GoodFolderParsesSortedWithDerivedCodes) {
  auto outcome = Parse(GoodFolder());
  ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(Messages(outcome.errors));
  const RegistryData& d = outcome.data;
  ASSERT_EQ(d.households.size(), 4u);
  EXPECT_EQ(d.households[1].head_name, "马,有");
  EXPECT_EQ(d.households[2].cause, "");
  EXPECT_EQ(d.households[3].head_name, "He said \"hi\"");
  ASSERT_EQ(d.members.size(), 5u);
  EXPECT_EQ(d.members[0].id_number, IdNumber("62292619700101001"));
  EXPECT_FALSE(d.members[0].id_synthetic);
  ASSERT_EQ(d.household_years.size(), 12u);
  const HouseholdYearRow& monitored = d.household_years[3];
  EXPECT_EQ(monitored.year, 2017);
  EXPECT_EQ(monitored.status, HouseholdStatus::kMonitored);
  EXPECT_EQ(monitored.monitor_kind, static_cast<int8_t>(MonitorKind::kUnstableExited));
  EXPECT_EQ(monitored.exit_year, 2016);
  EXPECT_EQ(NeedsUnmetText(d.household_years[0].needs_unmet), "housing;water");
  EXPECT_EQ(NeedsUnmetText(d.household_years[10].needs_unmet), "food;clothing;schooling;medical;housing;water");
  ASSERT_EQ(d.villages.size(), 2u);
  EXPECT_EQ(d.villages[0].county_code, V1().county);
  EXPECT_EQ(d.villages[0].township_code, V1().township);
  EXPECT_EQ(d.villages[1].broadband, -1);
  EXPECT_EQ(d.villages[1].distance_to_township_m, -1);
  ASSERT_EQ(d.village_years.size(), 4u);
  EXPECT_EQ(d.village_years[0].village_code, V3().village);
  EXPECT_EQ(d.village_years[0].county_code, V3().county);
  ASSERT_EQ(d.poverty_lines.size(), 4u);
  EXPECT_EQ(d.poverty_lines[3].monitoring_line_fen, 600000);
  EXPECT_EQ(d.poverty_lines[0].monitoring_line_fen, -1);
  ASSERT_EQ(d.settings.size(), 3u);
  EXPECT_EQ(d.settings[2].value, "a,b");
}

TEST(RegistryParserTest, YearsWithoutPovertyLineAreFine) {
  // The good folder has household years 2017 and 2018, which have no poverty line.
  Folder f = GoodFolder();
  SetLine(f, "poverty_lines.csv", 5, "2019,321800,,NBS");
  EXPECT_TRUE(Parse(f).ok());
}

TEST(RegistryParserTest, RowsInAnyOrderAreAcceptedAndSorted) {
  Folder f = GoodFolder();
  auto reverse_rows = [&](const std::string& file) {
    auto lines = Lines(f[file]);
    std::reverse(lines.begin() + 1, lines.end());
    f[file] = Join(lines);
  };
  for (const char* file : {"households.csv", "members.csv", "household_years.csv", "village_years.csv",
                           "poverty_lines.csv", "settings.csv"}) {
    reverse_rows(file);
  }
  auto outcome = Parse(f);
  ASSERT_TRUE(outcome.ok()) << ::testing::PrintToString(Messages(outcome.errors));
  auto canonical = Parse(GoodFolder());
  ASSERT_EQ(outcome.data.household_years.size(), canonical.data.household_years.size());
  for (size_t i = 0; i < canonical.data.household_years.size(); ++i) {
    EXPECT_EQ(outcome.data.household_years[i].household_id, canonical.data.household_years[i].household_id);
    EXPECT_EQ(outcome.data.household_years[i].year, canonical.data.household_years[i].year);
  }
  EXPECT_EQ(outcome.data.members.front().member_id, 10);
  EXPECT_EQ(outcome.data.households.front().household_id, 1);
  EXPECT_EQ(outcome.data.settings.front().key, "county_exit_threshold_percent");
}

// One bad thing in an otherwise good folder, and the first error it must give.
struct BadCase {
  std::string name;
  std::function<void(Folder&)> spoil;
  std::string expected;  // the exact text of the first error, or its prefix when it ends in "…"
};

std::vector<BadCase> BadCases() {
  const Place& a = V1();
  const Place& c = V3();
  const regions::Region* residents = Tree().Find("622901001001");
  const regions::Region* township = Tree().Find(a.township);
  const regions::Region* county = Tree().Find(a.county);
  if (!residents || !township || !county || Tree().Find("622926999999")) ADD_FAILURE() << "region tree changed";
  auto household_1 = [a](std::string county_code, std::string township_code, std::string village_code) {
    return fmt::format("1,{},{},{},马小明,illness,2014,1", county_code, township_code, village_code);
  };
  return {
      {"unknown_village",
       [=](Folder& f) { SetLine(f, "households.csv", 2, household_1(a.county, a.township, "622926999999")); },
       "households.csv line 2, column 4: village_code '622926999999' is not in the region tree"},
      {"residents_committee",
       [=](Folder& f) { SetLine(f, "households.csv", 2, household_1(a.county, a.township, "622901001001")); },
       fmt::format("households.csv line 2, column 4: village_code '622901001001' ({}) is a residents_committee, not "
                   "an administrative village (villagers_committee)",
                   residents ? residents->name : "")},
      {"township_as_village",
       [=](Folder& f) { SetLine(f, "households.csv", 2, household_1(a.county, a.township, a.township)); },
       fmt::format("households.csv line 2, column 4: village_code '{}' ({}) is a township, not a village", a.township,
                   township ? township->name : "")},
      {"township_not_ancestor",
       [=](Folder& f) { SetLine(f, "households.csv", 2, household_1(a.county, c.township, a.village)); },
       fmt::format("households.csv line 2, column 3: township_code '{}' is not the township of village {}: the "
                   "region tree has {} ({})",
                   c.township, a.village, a.township, township ? township->name : "")},
      {"county_not_ancestor",
       [=](Folder& f) { SetLine(f, "households.csv", 2, household_1(c.county, a.township, a.village)); },
       fmt::format("households.csv line 2, column 2: county_code '{}' is not the county of village {}: the region "
                   "tree has {} ({})",
                   c.county, a.village, a.county, county ? county->name : "")},
      {"village_back_to_poor",
       [=](Folder& f) { AppendLine(f, "village_years.csv", fmt::format("{},2017,poor", a.village)); },
       "village_years.csv line 6, column 3: village status poor in 2017 contradicts status exited in 2016: an exited "
       "village is not registered poor again"},
      {"exit_below_poverty_line", [](Folder& f) { SetLine(f, "household_years.csv", 8, "2,2015,3,exited,,2015,285500,"); },
       "household_years.csv line 8, column 7: household 2 exits in 2015 with a per-capita income of 2855.00 yuan, not "
       "above that year's poverty line of 2855.00 yuan"},
      {"exit_with_unmet_need",
       [](Folder& f) { SetLine(f, "household_years.csv", 8, "2,2015,3,exited,,2015,300000,water"); },
       "household_years.csv line 8, column 8: household 2 exits in 2015 while basic needs are not guaranteed (water)"},
      {"duplicate_household_id", [](Folder& f) { AppendLine(f, "households.csv", GetLine(f, "households.csv", 2)); },
       "households.csv line 6, column 1: household_id 1 is already on line 2"},
      {"duplicate_member_id", [](Folder& f) { AppendLine(f, "members.csv", "10,2,马二,child,M,2000,,1"); },
       "members.csv line 7, column 1: member_id 10 is already on line 2"},
      {"duplicate_real_id_number",
       [](Folder& f) {
         AppendLine(f, "members.csv", fmt::format("15,2,马二,child,M,1970,{},0", IdNumber("62292619700101001")));
       },
       "members.csv line 7, column 7: id_number '622926********0019' is already on line 2"},
      {"bad_number",
       [=](Folder& f) {
         SetLine(f, "households.csv", 2,
                 fmt::format("1,{},{},{},马小明,illness,2O14,1", a.county, a.township, a.village));
       },
       "households.csv line 2, column 7: registered_year: '2O14' is not a whole number"},
      {"number_out_of_range", [](Folder& f) { SetLine(f, "household_years.csv", 2, "1,2014,0,poor,,,180000,"); },
       "household_years.csv line 2, column 3: members: 0 is outside 1..100"},
      {"bad_utf8", [](Folder& f) { SetLine(f, "members.csv", 3, "11,1,\xE9\xA9,spouse,F,1972,,1"); },
       "members.csv line 3, column 3: not valid UTF-8"},
      {"wrong_column_count",
       [](Folder& f) { SetLine(f, "village_years.csv", 3, GetLine(f, "village_years.csv", 3) + ",extra"); },
       "village_years.csv line 3, column 4: 4 fields where 3 are expected (village_code,year,status)"},
      {"too_few_columns", [](Folder& f) { SetLine(f, "poverty_lines.csv", 2, "2014,280000"); },
       "poverty_lines.csv line 2, column 3: 2 fields where 4 are expected "
       "(year,poverty_line_fen,monitoring_line_fen,source)"},
      {"missing_header",
       [](Folder& f) {
         auto lines = Lines(f["settings.csv"]);
         lines.erase(lines.begin());
         f["settings.csv"] = Join(lines);
       },
       "settings.csv line 1, column 1: the header must be exactly key,value,source (found "
       "'county_exit_threshold_percent')"},
      {"wrong_header", [](Folder& f) { SetLine(f, "village_years.csv", 1, "village_code,year,state"); },
       "village_years.csv line 1, column 3: the header must be exactly village_code,year,status (found 'state')"},
      {"empty_file", [](Folder& f) { f["poverty_lines.csv"] = ""; },
       "poverty_lines.csv line 1: the file is empty; its first line must be the header "
       "year,poverty_line_fen,monitoring_line_fen,source"},
      {"status_contradicts_previous_year",
       [](Folder& f) { SetLine(f, "household_years.csv", 10, "3,2016,6,exited,,2016,410000,"); },
       "household_years.csv line 10, column 4: status exited in 2016 contradicts status not_poor in 2015: a "
       "household that was not poor cannot exit"},
      {"exit_year_of_transition",
       [](Folder& f) { SetLine(f, "household_years.csv", 8, "2,2015,3,exited,,2014,300000,"); },
       "household_years.csv line 8, column 6: a household poor in 2014 and exited in 2015 has exit year 2014, not "
       "2015"},
      {"exit_year_missing", [](Folder& f) { SetLine(f, "household_years.csv", 4, "1,2016,4,exited,,,320000,"); },
       "household_years.csv line 4, column 6: status exited needs an exit year"},
      {"monitor_kind_without_monitoring",
       [](Folder& f) { SetLine(f, "household_years.csv", 9, "3,2015,6,not_poor,marginal,,500000,"); },
       "household_years.csv line 9, column 5: only a monitored household has a monitor kind"},
      {"duplicate_household_year",
       [](Folder& f) { AppendLine(f, "household_years.csv", "4,2016,2,poor,,,210000,housing"); },
       "household_years.csv line 14, column 2: household 4 already has a row for 2016 on line 13"},
      {"member_of_unknown_household", [](Folder& f) { SetLine(f, "members.csv", 6, "14,99,何,head,F,1990,,0"); },
       "members.csv line 6, column 2: household_id 99 is not in households.csv"},
      {"year_of_unknown_household",
       [](Folder& f) { SetLine(f, "household_years.csv", 13, "99,2016,2,poor,,,210000,housing"); },
       "household_years.csv line 13, column 1: household_id 99 is not in households.csv"},
      {"bad_cause",
       [=](Folder& f) {
         SetLine(f, "households.csv", 2,
                 fmt::format("1,{},{},{},马小明,sickness,2014,1", a.county, a.township, a.village));
       },
       "households.csv line 2, column 6: cause 'sickness' is not one of illness, disability, …"},
      {"bad_sex", [](Folder& f) { SetLine(f, "members.csv", 3, "11,1,马小红,spouse,W,1972,,1"); },
       "members.csv line 3, column 5: sex must be F or M, not 'W'"},
      {"bad_id_number",
       [](Folder& f) { SetLine(f, "members.csv", 3, "11,1,马小红,spouse,F,1972,622926197201010010,0"); },
       "members.csv line 3, column 7: id_number '622926********0010' is not a valid identity number …"},
      {"bad_status", [](Folder& f) { SetLine(f, "household_years.csv", 2, "1,2014,5,rich,,,180000,"); },
       "household_years.csv line 2, column 4: status 'rich' is not one of not_poor, poor, exited, monitored"},
      {"bad_needs_order", [](Folder& f) { SetLine(f, "household_years.csv", 2, "1,2014,5,poor,,,180000,water;food"); },
       "household_years.csv line 2, column 8: needs_unmet: basic needs must be listed once each, in the order …"},
      {"bad_flag", [=](Folder& f) { SetLine(f, "villages.csv", 2, fmt::format("{},yes,1,1,0,4200", a.village)); },
       "villages.csv line 2, column 2: deep_poverty must be 0 or 1, not 'yes'"},
      {"duplicate_village", [=](Folder& f) { AppendLine(f, "villages.csv", fmt::format("{},0,,,,", a.village)); },
       fmt::format("villages.csv line 4, column 1: village_code {} is already on line 2", a.village)},
      {"village_year_not_administrative",
       [](Folder& f) { SetLine(f, "village_years.csv", 2, "622901001001,2016,poor"); },
       "village_years.csv line 2, column 1: village_code '622901001001' (…"},
      {"duplicate_village_year", [=](Folder& f) { AppendLine(f, "village_years.csv", a.village + ",2015,exited"); },
       fmt::format("village_years.csv line 6, column 2: village {} already has a row for 2015 on line 4", a.village)},
      {"duplicate_poverty_line", [](Folder& f) { AppendLine(f, "poverty_lines.csv", "2015,1,,x"); },
       "poverty_lines.csv line 6, column 1: year 2015 is already on line 3"},
      {"bad_threshold", [](Folder& f) { SetLine(f, "settings.csv", 3, "village_exit_threshold_percent,three,x"); },
       "settings.csv line 3, column 2: value 'three' of village_exit_threshold_percent is not a percentage between 0 "
       "and 100 (e.g. 3 or 2.5)"},
      {"empty_source", [](Folder& f) { SetLine(f, "settings.csv", 4, "zeta.note,x,"); },
       "settings.csv line 4, column 3: source is empty"},
  };
}

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

bool MatchesExpected(const std::string& actual, const std::string& expected) {
  static const std::string kEllipsis = "…";
  if (expected.ends_with(kEllipsis)) return actual.starts_with(expected.substr(0, expected.size() - kEllipsis.size()));
  return actual == expected;
}

class RegistryBadRowTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(RegistryBadRowTest, IsReportedWithFileLineColumnAndReason) {
  Folder f = GoodFolder();
  GetParam().spoil(f);
  auto outcome = Parse(f);
  ASSERT_FALSE(outcome.ok());
  EXPECT_TRUE(MatchesExpected(outcome.errors.front().ToString(), GetParam().expected))
      << "got:      " << outcome.errors.front().ToString() << "\nexpected: " << GetParam().expected
      << "\nall: " << ::testing::PrintToString(Messages(outcome.errors));
  EXPECT_TRUE(outcome.data.households.empty()) << "a rejected folder hands over no data";
}

INSTANTIATE_TEST_SUITE_P(Cases, RegistryBadRowTest, ::testing::ValuesIn(BadCases()),
                         [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(RegistryParserTest, SeveralBadRowsAreReportedTogetherInFileOrder) {
  Folder f = GoodFolder();
  SetLine(f, "settings.csv", 3, "village_exit_threshold_percent,three,x");
  SetLine(f, "members.csv", 3, "11,1,马小红,spouse,W,1972,,1");
  SetLine(f, "household_years.csv", 2, "1,2014,5,rich,,,180000,");
  SetLine(f, "household_years.csv", 9, "3,2015,6,not_poor,,,-5,");
  SetLine(f, "members.csv", 2, fmt::format("x,1,马小明,head,M,1970,,1"));
  auto outcome = Parse(f);
  EXPECT_EQ(Messages(outcome.errors),
            (std::vector<std::string>{
                "members.csv line 2, column 1: member_id: 'x' is not a whole number",
                "members.csv line 3, column 5: sex must be F or M, not 'W'",
                "household_years.csv line 2, column 4: status 'rich' is not one of not_poor, poor, exited, monitored",
                "household_years.csv line 9, column 7: income_per_capita_fen: -5 is outside 0..1000000000000",
                "settings.csv line 3, column 2: value 'three' of village_exit_threshold_percent is not a percentage "
                "between 0 and 100 (e.g. 3 or 2.5)",
            }));
  EXPECT_FALSE(outcome.truncated);
}

TEST(RegistryParserTest, StopsAtMaxErrors) {
  Folder f = GoodFolder();
  for (int i = 0; i < 10; ++i) AppendLine(f, "poverty_lines.csv", fmt::format("{},bad,,x", 2030 + i));
  auto all = Parse(f);
  EXPECT_EQ(all.errors.size(), 10u);
  EXPECT_FALSE(all.truncated);
  auto limited = Parse(f, 3);
  ASSERT_EQ(limited.errors.size(), 3u);
  EXPECT_TRUE(limited.truncated);
  EXPECT_EQ(limited.errors[2].ToString(),
            "poverty_lines.csv line 8, column 2: poverty_line_fen: 'bad' is not a whole number");
}

TEST(RegistryParserTest, FileNeverGivenIsReportedAsEmpty) {
  Folder f = GoodFolder();
  f.erase("village_years.csv");
  auto outcome = Parse(f);
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].ToString(),
            "village_years.csv line 1: the file is empty; its first line must be the header village_code,year,status");
}

TEST(RegistryParserTest, UnreadableHouseholdsFileGivesNoCascadeOfUnknownHouseholds) {
  Folder f = GoodFolder();
  SetLine(f, "households.csv", 1, "id,county,township,village,head,cause,year,synthetic");
  auto outcome = Parse(f);
  ASSERT_EQ(outcome.errors.size(), 1u) << ::testing::PrintToString(Messages(outcome.errors));
  EXPECT_TRUE(outcome.errors[0].ToString().starts_with("households.csv line 1, column 1: the header must be exactly"));
}

TEST(RegistryFolderTest, MissingFileIsNamed) {
  TempDir dir;
  Folder f = GoodFolder();
  f.erase("members.csv");
  WriteFolder(f, dir.path());
  Status st = CheckRegistryFolder(dir.path());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(st.error().message.starts_with(fmt::format("registry folder {} has no members.csv;", dir.path())))
      << st.error().message;
  EXPECT_EQ(st.error().message.find('\n'), std::string::npos);
  Status none = CheckRegistryFolder(dir.File("nope"));
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.error().message.starts_with("no registry folder at ")) << none.error().message;
}

TEST(RegistryFolderTest, NeedsUnmetTextFollowsBasicNeedsOrder) {
  EXPECT_EQ(NeedsUnmetText(0), "");
  EXPECT_EQ(NeedsUnmetText(1), "food");
  EXPECT_EQ(NeedsUnmetText(0b110000), "housing;water");
}

// ---------------------------------------------------------------------------
// On both databases.

class RegistryExchangeTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto v = schema::Migrate(scratch_.conn());
    ASSERT_TRUE(v.ok()) << v.error().message;
  }
  int64_t Count(const std::string& table) {
    return db::QueryInt(scratch_.conn(), "SELECT COUNT(*) FROM " + table).value_or(-1);
  }
  // The registry tables stay empty and the reference data is migration 2's.
  void ExpectNothingWritten() {
    for (const char* table : {"households", "members", "household_years", "villages", "village_years"}) {
      EXPECT_EQ(Count(table), 0) << table;
    }
    EXPECT_EQ(Count("poverty_lines"), 9);
    EXPECT_EQ(Count("settings"), 2);
  }
  Result<ImportOutcome> Import(const Folder& f, int max_errors = 100) {
    std::string dir = scratch_dir_.File(fmt::format("in{}", ++folders_));
    std::filesystem::create_directory(dir);
    WriteFolder(f, dir);
    return ImportRegistryFolder(scratch_.conn(), dir, fupin::testing::TestVault(), max_errors);
  }
  ScratchDb scratch_{GetParam()};
  TempDir scratch_dir_;
  int folders_ = 0;
};

TEST_P(RegistryExchangeTest, ImportThenExportReproducesTheFilesByteForByte) {
  Folder good = GoodFolder();
  auto imported = Import(good);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  ASSERT_TRUE(imported->ok()) << ::testing::PrintToString(Messages(imported->errors));
  EXPECT_EQ(imported->counts.households, 4);
  EXPECT_EQ(imported->counts.members, 5);
  EXPECT_EQ(imported->counts.household_years, 12);
  EXPECT_EQ(imported->counts.poverty_lines, 4);
  EXPECT_EQ(Count("households"), 4);
  EXPECT_EQ(Count("poverty_lines"), 4);  // replaced, not added to
  EXPECT_EQ(Count("settings"), 3);
  EXPECT_EQ(db::QueryInt(scratch_.conn(), "SELECT COUNT(*) FROM household_years WHERE exit_year IS NULL"), 8);
  EXPECT_EQ(db::QueryInt(scratch_.conn(), "SELECT COUNT(*) FROM households WHERE cause IS NULL"), 1);
  // Identity numbers are stored sealed, with the masked form beside them.
  {
    auto st = scratch_.conn().Prepare(
        "SELECT member_id, id_number_sealed, id_number_masked FROM members WHERE id_number_sealed IS NOT NULL");
    int sealed = 0;
    while (st->Step()) {
      ++sealed;
      EXPECT_FALSE(IsValidIdNumber(st->Text(1))) << "stored in clear";
      auto opened = fupin::testing::TestVault().Open(st->Int(0), st->Text(1));
      ASSERT_TRUE(opened.ok());
      EXPECT_TRUE(IsValidIdNumber(*opened));
      EXPECT_EQ(st->Text(2), MaskIdNumber(*opened));
    }
    EXPECT_GT(sealed, 0);
  }

  std::string out = scratch_dir_.File("out/nested");
  auto exported = ExportRegistryFolder(scratch_.conn(), out, fupin::testing::TestVault());
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  EXPECT_EQ(exported->total(), imported->counts.total());
  for (const auto& [name, text] : good) {
    EXPECT_EQ(fupin::testing::ReadFile(out + "/" + name), text) << name;
  }
  // Nothing but the seven files (the temporary folder is gone).
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 7);
}

TEST_P(RegistryExchangeTest, RejectedImportWritesNothingForEveryClassOfBadRow) {
  for (const BadCase& bad : BadCases()) {
    SCOPED_TRACE(bad.name);
    Folder f = GoodFolder();
    bad.spoil(f);
    auto imported = Import(f);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    ASSERT_FALSE(imported->ok());
    EXPECT_TRUE(MatchesExpected(imported->errors.front().ToString(), bad.expected))
        << imported->errors.front().ToString();
    EXPECT_EQ(imported->counts.total(), 0);
    ExpectNothingWritten();
  }
}

TEST_P(RegistryExchangeTest, MaxErrorsLimitsTheList) {
  Folder f = GoodFolder();
  for (int i = 0; i < 5; ++i) AppendLine(f, "settings.csv", "Bad Key,1,x");
  auto imported = Import(f, 2);
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(imported->errors.size(), 2u);
  EXPECT_TRUE(imported->truncated);
  EXPECT_EQ(imported->errors[0].ToString(),
            "settings.csv line 5, column 1: key 'Bad Key' must be lower-case letters, digits, '_' or '.'");
  ExpectNothingWritten();
}

TEST_P(RegistryExchangeTest, RefusesADatabaseThatAlreadyHoldsHouseholds) {
  auto first = Import(GoodFolder());
  ASSERT_TRUE(first.ok() && first->ok());
  Folder other = GoodFolder();
  SetLine(other, "poverty_lines.csv", 2, "2014,1,,changed");
  auto second = Import(other);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_NE(second.error().message.find("already holds registry data (4 households, 5 members, 12 household years, "
                                        "2 villages, 4 village years)"),
            std::string::npos)
      << second.error().message;
  EXPECT_EQ(db::QueryInt(scratch_.conn(), "SELECT poverty_line_fen FROM poverty_lines WHERE year = 2014"), 280000);
  auto parsed = Parse(GoodFolder());
  auto direct = WriteRegistry(scratch_.conn(), parsed.data, fupin::testing::TestVault());
  ASSERT_FALSE(direct.ok());
  EXPECT_EQ(direct.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Count("households"), 4);
}

TEST_P(RegistryExchangeTest, MissingFileIsOneErrorAndNothingWritten) {
  Folder f = GoodFolder();
  f.erase("settings.csv");
  auto imported = Import(f);
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.error().code, ErrorCode::kNotFound);
  EXPECT_NE(imported.error().message.find("has no settings.csv"), std::string::npos);
  ExpectNothingWritten();
}

TEST_P(RegistryExchangeTest, HouseholdsOfAYearHaveFixedColumns) {
  auto imported = Import(GoodFolder());
  ASSERT_TRUE(imported.ok() && imported->ok());
  auto csv = ExportHouseholdsYearCsv(scratch_.conn(), 2016);
  ASSERT_TRUE(csv.ok()) << csv.error().message;
  const Place& a = V1();
  const Place& b = V2();
  const Place& c = V3();
  EXPECT_EQ(*csv, fmt::format("household_id,county_code,township_code,village_code,members,status,exit_year,"
                              "income_per_capita_fen\n"
                              "1,{},{},{},4,exited,2016,320000\n"
                              "3,{},{},{},6,monitored,,410000\n"
                              "4,{},{},{},2,poor,,210000\n",
                              a.county, a.township, a.village, b.county, b.township, b.village, c.county, c.township,
                              c.village));
  // Monitored after an exit: the exit year stays out of this extract.
  auto y2017 = ExportHouseholdsYearCsv(scratch_.conn(), 2017);
  ASSERT_TRUE(y2017.ok());
  EXPECT_NE(y2017->find(fmt::format("1,{},{},{},4,monitored,,330000\n", a.county, a.township, a.village)),
            std::string::npos);
}

TEST_P(RegistryExchangeTest, VillagesOfAYearHaveFixedColumnsAndEveryAdministrativeVillage) {
  auto imported = Import(GoodFolder());
  ASSERT_TRUE(imported.ok() && imported->ok());
  auto csv = ExportVillagesYearCsv(scratch_.conn(), 2016);
  ASSERT_TRUE(csv.ok()) << csv.error().message;
  auto lines = Lines(*csv);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0],
            "village_code,township_code,county_code,rural_population,poor_people,village_status,deep_poverty");
  size_t administrative = 0;
  for (const regions::Region& r : Tree().All()) administrative += r.IsAdministrativeVillage() ? 1 : 0;
  EXPECT_EQ(lines.size(), administrative + 1);
  auto row_of = [&](const Place& p) {
    for (const std::string& l : lines) {
      if (l.starts_with(p.village + ",")) return l;
    }
    return std::string();
  };
  const Place& a = V1();
  const Place& b = V2();
  const Place& c = V3();
  EXPECT_EQ(row_of(a), fmt::format("{},{},{},4,0,exited,1", a.village, a.township, a.county));
  EXPECT_EQ(row_of(b), fmt::format("{},{},{},6,0,not_poor,0", b.village, b.township, b.county));
  EXPECT_EQ(row_of(c), fmt::format("{},{},{},2,2,poor,0", c.village, c.township, c.county));
  Place quiet = VillageUnder("622926000000", 5);
  EXPECT_EQ(row_of(quiet), fmt::format("{},{},{},0,0,not_poor,0", quiet.village, quiet.township, quiet.county));
  EXPECT_TRUE(std::is_sorted(lines.begin() + 1, lines.end()));
}

TEST_P(RegistryExchangeTest, YearWithoutHouseholdDataIsAnError) {
  auto empty = ExportVillagesYearCsv(scratch_.conn(), 2016);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "no registry data for year 2016; years with data: none");
  auto imported = Import(GoodFolder());
  ASSERT_TRUE(imported.ok() && imported->ok());
  auto missing = ExportHouseholdsYearCsv(scratch_.conn(), 2030);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message, "no registry data for year 2030; years with data: 2014, 2015, 2016, 2017, 2018");
}

TEST_P(RegistryExchangeTest, FailedExportLeavesNoPartialFolder) {
  auto imported = Import(GoodFolder());
  ASSERT_TRUE(imported.ok() && imported->ok());
  // households.csv is written, then reading members fails.
  scratch_.conn().Exec("DROP TABLE members");
  std::string fresh = scratch_dir_.File("fresh");
  auto exported = ExportRegistryFolder(scratch_.conn(), fresh, fupin::testing::TestVault());
  ASSERT_FALSE(exported.ok());
  EXPECT_EQ(exported.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(std::filesystem::exists(fresh)) << "a folder this export created is removed again";
  // An earlier export in the folder stays as it was, without a temporary folder beside it.
  std::string earlier = scratch_dir_.File("earlier");
  std::filesystem::create_directory(earlier);
  fupin::testing::WriteFile(earlier + "/households.csv", "old\n");
  ASSERT_FALSE(ExportRegistryFolder(scratch_.conn(), earlier, fupin::testing::TestVault()).ok());
  EXPECT_EQ(fupin::testing::ReadFile(earlier + "/households.csv"), "old\n");
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(earlier)) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST_P(RegistryExchangeTest, ExportIntoAFileFailsAndLeavesItAlone) {
  std::string file = scratch_dir_.File("plain.txt");
  fupin::testing::WriteFile(file, "x");
  auto exported = ExportRegistryFolder(scratch_.conn(), file, fupin::testing::TestVault());
  ASSERT_FALSE(exported.ok());
  EXPECT_EQ(fupin::testing::ReadFile(file), "x");
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryExchangeTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::registry
