// regions::ParseDivisions on the shipped Linxia data (NBS 2023) and on small
// hand-written files, the RegionTree queries, and the load through both databases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/embedded_data.h"
#include "regions/loader.h"
#include "regions/model.h"
#include "regions/tree.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::regions {
namespace {

bool Mentions(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

const std::vector<Region>& Parsed() {
  static const std::vector<Region> regions = [] {
    auto r = ParseDivisions(embedded::DivisionsCsv(), embedded::CoordinatesCsv());
    if (!r) ADD_FAILURE() << r.error().message;
    return r ? *r : std::vector<Region>();
  }();
  return regions;
}

const RegionTree& Linxia() {
  static const RegionTree tree = RegionTree::FromRegions(Parsed());
  return tree;
}

std::vector<std::string> Codes(const std::vector<const Region*>& regions) {
  std::vector<std::string> codes;
  for (const Region* r : regions) codes.push_back(r->code);
  return codes;
}

constexpr const char* kPrefecture = "622900000000";
constexpr const char* kKangle = "622922000000";     // 康乐县
constexpr const char* kFucheng = "622922100000";    // 附城镇, 康乐县
constexpr const char* kGaolinwan = "622922100200";  // 高林湾村委会, 附城镇
constexpr const char* kDongxiang = "622926000000";  // 东乡族自治县

// ------------------------------------------------------- the shipped data

TEST(LinxiaDivisionsTest, CountsByLevelAndKindMatchNbs2023) {
  std::map<std::pair<Level, std::string>, int> by_kind;
  std::map<Level, int> by_level;
  for (const Region& r : Parsed()) {
    ++by_kind[{r.level, r.kind}];
    ++by_level[r.level];
  }
  EXPECT_EQ(Parsed().size(), 1337u);
  EXPECT_EQ(by_level[Level::kPrefecture], 1);
  EXPECT_EQ(by_level[Level::kCounty], 8);
  EXPECT_EQ(by_level[Level::kTownship], 131);
  EXPECT_EQ(by_level[Level::kVillage], 1197);
  EXPECT_EQ((by_kind[{Level::kTownship, "subdistrict"}]), 7);                                                 // 街道
  EXPECT_EQ((by_kind[{Level::kTownship, "town"}]), 58);                                                       // 镇
  EXPECT_EQ((by_kind[{Level::kTownship, "township"}] + by_kind[{Level::kTownship, "ethnic_township"}]), 66);  // 乡
  EXPECT_EQ((by_kind[{Level::kVillage, "villagers_committee"}]), 1089);
  EXPECT_EQ((by_kind[{Level::kVillage, "residents_committee"}]), 108);
  int administrative = 0;
  for (const Region& r : Parsed()) administrative += r.IsAdministrativeVillage();
  EXPECT_EQ(administrative, 1089);
}

TEST(LinxiaDivisionsTest, EveryRegionHasItsParentOneLevelUp) {
  std::map<std::string, const Region*> by_code;
  for (const Region& r : Parsed()) by_code[r.code] = &r;
  for (const Region& r : Parsed()) {
    EXPECT_TRUE(IsRegionCode(r.code)) << r.code;
    if (r.level == Level::kPrefecture) {
      // The file names Gansu (620000000000) as the parent; it is not in the tree.
      EXPECT_EQ(r.parent_code, "") << r.code;
      continue;
    }
    auto it = by_code.find(r.parent_code);
    ASSERT_NE(it, by_code.end()) << r.code << " has no parent " << r.parent_code;
    EXPECT_EQ(static_cast<int>(it->second->level), static_cast<int>(r.level) - 1) << r.code;
    // NBS codes nest: a child starts with its parent's significant digits.
    size_t significant = r.level == Level::kCounty ? 4 : r.level == Level::kTownship ? 6 : 9;
    EXPECT_EQ(r.code.substr(0, significant), r.parent_code.substr(0, significant)) << r.code;
  }
}

TEST(LinxiaDivisionsTest, PinyinForPrefectureCountiesAnd127Townships) {
  std::set<std::string> townships_without;
  int townships_with = 0;
  for (const Region& r : Parsed()) {
    switch (r.level) {
      case Level::kPrefecture:
      case Level::kCounty:
        EXPECT_FALSE(r.name_pinyin.empty()) << r.code;
        EXPECT_FALSE(r.name_short.empty()) << r.code;
        EXPECT_FALSE(r.name_en.empty()) << r.code;
        break;
      case Level::kTownship:
        if (r.name_pinyin.empty()) {
          townships_without.insert(r.code);
        } else {
          ++townships_with;
        }
        EXPECT_TRUE(r.name_en.empty()) << r.code;
        break;
      case Level::kVillage:
        EXPECT_TRUE(r.name_pinyin.empty()) << r.code;
        EXPECT_TRUE(r.name_en.empty()) << r.code;
        break;
    }
  }
  EXPECT_EQ(townships_with, 127);
  // data/linxia/README.md names the four AreaCity has no entry for.
  EXPECT_EQ(townships_without, (std::set<std::string>{"622901007000", "622924103000", "622926100000", "622926216000"}));
  const Region* jishishan = Linxia().Find("622927000000");
  ASSERT_NE(jishishan, nullptr);
  EXPECT_EQ(jishishan->name_en, "Jishishan Bonan, Dongxiang and Salar Autonomous County");  // quoted in the CSV
  EXPECT_EQ(Linxia().Find(kKangle)->name_pinyin, "kang le");
}

TEST(LinxiaDivisionsTest, CoordinatesAttachTo202Regions) {
  std::map<Level, int> with_point;
  for (const Region& r : Parsed()) {
    EXPECT_EQ(r.lon_e6.has_value(), r.lat_e6.has_value()) << r.code;
    EXPECT_EQ(r.lon_e6.has_value(), !r.coord_source.empty()) << r.code;
    if (!r.lon_e6) continue;
    ++with_point[r.level];
    // Linxia lies around 102.7–103.9 E, 35.1–36.2 N.
    EXPECT_GT(*r.lon_e6, 102'000'000) << r.code;
    EXPECT_LT(*r.lon_e6, 104'000'000) << r.code;
    EXPECT_GT(*r.lat_e6, 35'000'000) << r.code;
    EXPECT_LT(*r.lat_e6, 36'500'000) << r.code;
  }
  EXPECT_EQ(with_point[Level::kPrefecture] + with_point[Level::kCounty] + with_point[Level::kTownship] +
                with_point[Level::kVillage],
            202);
  EXPECT_EQ(with_point[Level::kPrefecture], 1);
  EXPECT_EQ(with_point[Level::kCounty], 8);
  EXPECT_EQ(with_point[Level::kTownship], 127);
  EXPECT_EQ(with_point[Level::kVillage], 66);

  const Region* root = Linxia().Find(kPrefecture);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->lon_e6, 103'289'177);  // 103.289177 as published, GCJ-02
  EXPECT_EQ(root->lat_e6, 35'625'236);
  EXPECT_TRUE(Mentions(root->coord_source, "620000_full.json"));
  EXPECT_TRUE(Mentions(root->coord_source, "(polygon_centroid, GCJ-02)")) << root->coord_source;
  const Region* kangle = Linxia().Find(kKangle);
  EXPECT_EQ(kangle->lon_e6, 103'654'026);
  EXPECT_EQ(kangle->lat_e6, 35'244'470);
}

// Per county: townships and villages by kind (data/linxia/README.md, Counts).
struct CountyCounts {
  const char* code;
  const char* name;
  int subdistricts, towns, townships, villagers_committees, residents_committees;
};

class LinxiaCountyTest : public ::testing::TestWithParam<CountyCounts> {};

TEST_P(LinxiaCountyTest, ChildrenAndSubtreeMatchTheReadme) {
  const CountyCounts& c = GetParam();
  const RegionTree& tree = Linxia();
  const Region* county = tree.Find(c.code);
  ASSERT_NE(county, nullptr);
  EXPECT_EQ(county->name, c.name);
  std::map<std::string, int> kinds;
  int townships = 0, villages = 0;
  for (const Region* t : tree.Children(c.code)) {
    ++townships;
    ++kinds[t->kind == "ethnic_township" ? "township" : t->kind];
    for (const Region* v : tree.Children(t->code)) {
      ++villages;
      ++kinds[v->kind];
    }
  }
  EXPECT_EQ(kinds["subdistrict"], c.subdistricts);
  EXPECT_EQ(kinds["town"], c.towns);
  EXPECT_EQ(kinds["township"], c.townships);
  EXPECT_EQ(kinds["villagers_committee"], c.villagers_committees);
  EXPECT_EQ(kinds["residents_committee"], c.residents_committees);
  // The subtree is the county itself, its townships and their villages.
  std::vector<const Region*> subtree = tree.Subtree(c.code);
  EXPECT_EQ(static_cast<int>(subtree.size()), 1 + townships + villages);
  ASSERT_FALSE(subtree.empty());
  EXPECT_EQ(subtree.front()->code, c.code);
  for (const Region* r : subtree) EXPECT_TRUE(tree.Covers(c.code, r->code)) << r->code;
}

INSTANTIATE_TEST_SUITE_P(
    Readme, LinxiaCountyTest,
    ::testing::Values(CountyCounts{"622901000000", "临夏市", 7, 4, 0, 35, 44},
                      CountyCounts{"622921000000", "临夏县", 0, 9, 16, 218, 9},
                      CountyCounts{"622922000000", "康乐县", 0, 5, 10, 152, 4},
                      CountyCounts{"622923000000", "永靖县", 0, 10, 7, 122, 12},
                      CountyCounts{"622924000000", "广河县", 0, 6, 3, 102, 6},
                      CountyCounts{"622925000000", "和政县", 0, 9, 4, 122, 4},
                      CountyCounts{"622926000000", "东乡族自治县", 0, 8, 16, 193, 15},
                      CountyCounts{"622927000000", "积石山保安族东乡族撒拉族自治县", 0, 7, 10, 145, 14}),
    [](const ::testing::TestParamInfo<CountyCounts>& info) { return std::string(info.param.code); });

// ----------------------------------------------- errors on hand-written files

constexpr const char* kDivisionsHeader = "code,name,level,parent_code,name_pinyin,name_short,kind,name_en\n";
constexpr const char* kPrefectureRow =
    "622900000000,临夏回族自治州,prefecture,620000000000,lin xia,临夏,autonomous_prefecture,Linxia\n";
constexpr const char* kCountyRow = "622922000000,康乐县,county,622900000000,kang le,康乐,county,Kangle County\n";
constexpr const char* kCoordinatesHeader = "code,lon,lat,source,name,level,point_type,crs,lon_wgs84,lat_wgs84\n";
constexpr const char* kCoordinateRow =
    "622922000000,103.654026,35.244470,DataV,康乐县,county,polygon_centroid,GCJ-02,103.651745,35.245263\n";

TEST(ParseDivisionsTest, SmallValidFiles) {
  std::string divisions = std::string(kDivisionsHeader) + kPrefectureRow + kCountyRow +
                          "622922100000,附城镇,township,622922000000,fu cheng,附城,town,\n";
  auto r = ParseDivisions(divisions, std::string(kCoordinatesHeader) + kCoordinateRow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  const Region& county = (*r)[1];
  EXPECT_EQ(county.code, "622922000000");
  EXPECT_EQ(county.name, "康乐县");
  EXPECT_EQ(county.level, Level::kCounty);
  EXPECT_EQ(county.parent_code, "622900000000");
  EXPECT_EQ(county.name_pinyin, "kang le");
  EXPECT_EQ(county.name_short, "康乐");
  EXPECT_EQ(county.kind, "county");
  EXPECT_EQ(county.name_en, "Kangle County");
  EXPECT_EQ(county.lon_e6, 103'654'026);
  EXPECT_EQ(county.lat_e6, 35'244'470);
  EXPECT_EQ(county.coord_source, "DataV (polygon_centroid, GCJ-02)");
  EXPECT_EQ((*r)[0].parent_code, "");
  EXPECT_FALSE((*r)[2].lon_e6.has_value());
  EXPECT_TRUE((*r)[2].coord_source.empty());
}

struct BadFileCase {
  const char* name;
  std::string divisions;    // rows after the header
  std::string coordinates;  // rows after the header
  std::string want;         // file, line (and column) and what
};

class ParseDivisionsErrorTest : public ::testing::TestWithParam<BadFileCase> {};

TEST_P(ParseDivisionsErrorTest, NamesFileAndLine) {
  const BadFileCase& c = GetParam();
  auto r = ParseDivisions(kDivisionsHeader + c.divisions, kCoordinatesHeader + c.coordinates);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(r.error().message, c.want)) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseDivisionsErrorTest,
    ::testing::Values(
        BadFileCase{"ShortCode", std::string(kPrefectureRow) + "62292200000,康乐县,county,622900000000,,,county,\n", "",
                    "divisions.csv line 3, column 1: '62292200000' is not a 12-digit code"},
        BadFileCase{"LetterInCode", std::string(kPrefectureRow) + "62292200000X,康乐县,county,622900000000,,,county,\n",
                    "", "divisions.csv line 3, column 1"},
        BadFileCase{"UnknownLevel", std::string(kPrefectureRow) + "622922000000,康乐县,city,622900000000,,,county,\n",
                    "", "divisions.csv line 3, column 3: unknown level 'city'"},
        BadFileCase{"CapitalisedLevel",
                    std::string(kPrefectureRow) + "622922000000,康乐县,County,622900000000,,,county,\n", "",
                    "divisions.csv line 3, column 3"},
        BadFileCase{"DuplicateCode", std::string(kPrefectureRow) + kCountyRow + kCountyRow, "",
                    "divisions.csv line 4: duplicate code 622922000000"},
        BadFileCase{"TooFewColumns", std::string(kPrefectureRow) + "622922000000,康乐县,county,622900000000,,,county\n",
                    "", "divisions.csv line 3: 7 columns where 8 are expected"},
        BadFileCase{"TooManyColumns",
                    std::string(kPrefectureRow) + "622922000000,康乐县,county,622900000000,,,county,,x\n", "",
                    "divisions.csv line 3: 9 columns where 8 are expected"},
        BadFileCase{"UnterminatedQuote", std::string(kPrefectureRow) + "622922000000,\"康乐县,county\n", "",
                    "divisions.csv line 3: a quoted field is not closed"},
        BadFileCase{"InvalidUtf8",
                    std::string(kPrefectureRow) + "622922000000,\xBF\xB5,county,622900000000,,,county,\n", "",
                    "divisions.csv line 3, column 2: not valid UTF-8"},
        BadFileCase{"UnknownCoordinateCode", std::string(kPrefectureRow) + kCountyRow,
                    "622923000000,103.1,35.9,DataV,永靖县,county,polygon_centroid,GCJ-02,103.1,35.9\n",
                    "coordinates.csv line 2, column 1: unknown code 622923000000"},
        BadFileCase{"BadLongitude", std::string(kPrefectureRow) + kCountyRow,
                    "622922000000,103.6540261,35.2,DataV,康乐县,county,polygon_centroid,GCJ-02,1,1\n",
                    "coordinates.csv line 2: bad longitude or latitude"},
        BadFileCase{"BadLatitude", std::string(kPrefectureRow) + kCountyRow,
                    "622922000000,103.6,north,DataV,康乐县,county,polygon_centroid,GCJ-02,1,1\n",
                    "coordinates.csv line 2: bad longitude or latitude"},
        BadFileCase{"CoordinateColumns", std::string(kPrefectureRow) + kCountyRow,
                    "622922000000,103.6,35.2,DataV,康乐县,county,polygon_centroid,GCJ-02,1\n",
                    "coordinates.csv line 2: 9 columns where 10 are expected"},
        BadFileCase{"CoordinateOnThirdLine", std::string(kPrefectureRow) + kCountyRow,
                    std::string(kCoordinateRow) + "\"622999000000\",1,1,x,x,county,x,x,1,1\n",
                    "coordinates.csv line 3, column 1: unknown code 622999000000"}),
    [](const ::testing::TestParamInfo<BadFileCase>& info) { return std::string(info.param.name); });

TEST(ParseDivisionsTest, MissingHeaderIsNamed) {
  auto r = ParseDivisions(std::string(kPrefectureRow), kCoordinatesHeader);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Mentions(r.error().message, "divisions.csv line 1: missing header")) << r.error().message;
  auto c = ParseDivisions(std::string(kDivisionsHeader) + kPrefectureRow, kCoordinateRow);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(Mentions(c.error().message, "coordinates.csv line 1: missing header")) << c.error().message;
}

TEST(ParseDivisionsTest, MissingParentIsAnError) {
  auto r = ParseDivisions(std::string(kDivisionsHeader) + kPrefectureRow +
                              "622922100000,附城镇,township,622922000000,fu cheng,附城,town,\n",
                          kCoordinatesHeader);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(Mentions(r.error().message, "divisions.csv")) << r.error().message;
  EXPECT_TRUE(Mentions(r.error().message, "parent 622922000000 of 622922100000 is missing")) << r.error().message;
}

// Regression test for a fixed bug: the "parent … is missing" error names no line, although loader.h promises errors
// that name the file, line and column, and every other error does.
TEST(ParseDivisionsTest, MissingParentNamesTheLine) {
  auto r = ParseDivisions(std::string(kDivisionsHeader) + kPrefectureRow +
                              "622922100000,附城镇,township,622922000000,fu cheng,附城,town,\n",
                          kCoordinatesHeader);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(Mentions(r.error().message, "divisions.csv line 3")) << r.error().message;
}

// Regression test for a fixed bug: a county, township or village with an EMPTY parent_code passes, because only
// non-empty parents are looked up; RegionTree then treats it as a second root (or drops it from every
// subtree).
TEST(ParseDivisionsTest, EmptyParentBelowThePrefectureIsAnError) {
  auto r = ParseDivisions(std::string(kDivisionsHeader) + kPrefectureRow + kCountyRow +
                              "622922100000,附城镇,township,,fu cheng,附城,town,\n",
                          kCoordinatesHeader);
  ASSERT_FALSE(r.ok()) << "a township without a parent was accepted";
  EXPECT_TRUE(Mentions(r.error().message, "divisions.csv line 4")) << r.error().message;
}

// ------------------------------------------------------------- RegionTree

TEST(RegionTreeTest, RootAndChildrenOfThePrefectureInCodeOrder) {
  const RegionTree& tree = Linxia();
  ASSERT_NE(tree.Root(), nullptr);
  EXPECT_EQ(tree.Root()->code, kPrefecture);
  EXPECT_EQ(Codes(tree.Children(kPrefecture)),
            (std::vector<std::string>{"622901000000", "622921000000", "622922000000", "622923000000", "622924000000",
                                      "622925000000", "622926000000", "622927000000"}));
  EXPECT_TRUE(tree.Children(kGaolinwan).empty());
  EXPECT_TRUE(tree.Children("999999999999").empty());
  std::vector<std::string> towns = Codes(tree.Children(kKangle));
  EXPECT_EQ(towns.size(), 15u);
  EXPECT_TRUE(std::is_sorted(towns.begin(), towns.end()));
  EXPECT_EQ(towns.front(), kFucheng);
}

TEST(RegionTreeTest, FromRegionsSortsItsInput) {
  std::vector<Region> shuffled = Parsed();
  std::reverse(shuffled.begin(), shuffled.end());
  RegionTree tree = RegionTree::FromRegions(std::move(shuffled));
  EXPECT_EQ(tree.Root()->code, kPrefecture);
  EXPECT_EQ(Codes(tree.Children(kPrefecture)), Codes(Linxia().Children(kPrefecture)));
  EXPECT_EQ(Codes(tree.Subtree(kKangle)), Codes(Linxia().Subtree(kKangle)));
  EXPECT_TRUE(std::is_sorted(tree.All().begin(), tree.All().end(),
                             [](const Region& a, const Region& b) { return a.code < b.code; }));
}

TEST(RegionTreeTest, FindAndGet) {
  const RegionTree& tree = Linxia();
  ASSERT_NE(tree.Find(kGaolinwan), nullptr);
  EXPECT_EQ(tree.Find(kGaolinwan)->name, "高林湾村委会");
  EXPECT_EQ(tree.Find("622922"), nullptr);
  auto got = tree.Get(kDongxiang);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)->name, "东乡族自治县");
  auto missing = tree.Get("622999000000");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(Mentions(missing.error().message, "622999000000")) << missing.error().message;
  EXPECT_EQ(RegionTree().Root(), nullptr);
}

TEST(RegionTreeTest, AncestorsRunFromTheRootDown) {
  const RegionTree& tree = Linxia();
  EXPECT_EQ(Codes(tree.Ancestors(kGaolinwan)), (std::vector<std::string>{kPrefecture, kKangle, kFucheng}));
  EXPECT_EQ(Codes(tree.Ancestors(kFucheng)), (std::vector<std::string>{kPrefecture, kKangle}));
  EXPECT_EQ(Codes(tree.Ancestors(kKangle)), (std::vector<std::string>{kPrefecture}));
  EXPECT_TRUE(tree.Ancestors(kPrefecture).empty());
  EXPECT_TRUE(tree.Ancestors("999999999999").empty());
  // Every village has exactly three ancestors.
  for (const Region& r : tree.All()) {
    if (r.level == Level::kVillage) {
      ASSERT_EQ(tree.Ancestors(r.code).size(), 3u) << r.code;
    }
  }
}

TEST(RegionTreeTest, SubtreeIsDepthFirstInCodeOrder) {
  const RegionTree& tree = Linxia();
  EXPECT_EQ(tree.Subtree(kPrefecture).size(), 1337u);
  std::vector<std::string> kangle = Codes(tree.Subtree(kKangle));
  ASSERT_EQ(kangle.size(), 1u + 15u + 156u);  // 康乐县 + 15 townships + 152 村委会 + 4 居委会
  EXPECT_EQ(kangle[0], kKangle);
  EXPECT_EQ(kangle[1], kFucheng);        // first township
  EXPECT_EQ(kangle[2], "622922100002");  // its first village, before the next township
  // With 12-digit nesting codes, depth first in code order is plain code order.
  EXPECT_TRUE(std::is_sorted(kangle.begin(), kangle.end()));
  EXPECT_EQ(Codes(tree.Subtree(kGaolinwan)), std::vector<std::string>{kGaolinwan});
  EXPECT_TRUE(tree.Subtree("999999999999").empty());
}

struct AncestorAtCase {
  const char* name;
  const char* code;
  Level level;
  const char* want;  // nullptr: none
};

class AncestorAtTest : public ::testing::TestWithParam<AncestorAtCase> {};

TEST_P(AncestorAtTest, FindsTheAncestorOrItselfAtALevel) {
  const Region* r = Linxia().AncestorAt(GetParam().code, GetParam().level);
  if (!GetParam().want) {
    EXPECT_EQ(r, nullptr) << r->code;
  } else {
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->code, GetParam().want);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AncestorAtTest,
    ::testing::Values(AncestorAtCase{"VillageToCounty", kGaolinwan, Level::kCounty, kKangle},
                      AncestorAtCase{"VillageToTownship", kGaolinwan, Level::kTownship, kFucheng},
                      AncestorAtCase{"VillageToPrefecture", kGaolinwan, Level::kPrefecture, kPrefecture},
                      AncestorAtCase{"VillageItself", kGaolinwan, Level::kVillage, kGaolinwan},
                      AncestorAtCase{"CountyItself", kKangle, Level::kCounty, kKangle},
                      AncestorAtCase{"NothingBelow", kKangle, Level::kTownship, nullptr},
                      AncestorAtCase{"RootHasNoVillage", kPrefecture, Level::kVillage, nullptr},
                      AncestorAtCase{"Unknown", "999999999999", Level::kCounty, nullptr}),
    [](const ::testing::TestParamInfo<AncestorAtCase>& info) { return std::string(info.param.name); });

struct CoversCase {
  const char* name;
  const char* ancestor;
  const char* code;
  bool covers;
};

class CoversTest : public ::testing::TestWithParam<CoversCase> {};

TEST_P(CoversTest, TrueForItselfAndEverythingBelow) {
  EXPECT_EQ(Linxia().Covers(GetParam().ancestor, GetParam().code), GetParam().covers);
}

INSTANTIATE_TEST_SUITE_P(Cases, CoversTest,
                         ::testing::Values(CoversCase{"Itself", kKangle, kKangle, true},
                                           CoversCase{"Village", kKangle, kGaolinwan, true},
                                           CoversCase{"RootCoversAll", kPrefecture, kGaolinwan, true},
                                           CoversCase{"Township", kFucheng, kGaolinwan, true},
                                           CoversCase{"OtherCounty", kDongxiang, kGaolinwan, false},
                                           CoversCase{"Upwards", kGaolinwan, kKangle, false},
                                           CoversCase{"UnknownCode", kPrefecture, "622922999999", false},
                                           CoversCase{"UnknownAncestor", "622922999999", kGaolinwan, false},
                                           // Codes share a prefix but not a parent.
                                           CoversCase{"SiblingPrefix", "622922100000", "622922101000", false}),
                         [](const ::testing::TestParamInfo<CoversCase>& info) { return std::string(info.param.name); });

struct SearchCase {
  const char* name;
  std::string query;
  size_t limit;
  std::vector<std::string> want;  // codes, in order
};

class RegionSearchTest : public ::testing::TestWithParam<SearchCase> {};

TEST_P(RegionSearchTest, BestMatchesFirst) {
  EXPECT_EQ(Codes(Linxia().Search(GetParam().query, GetParam().limit)), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Linxia, RegionSearchTest,
    ::testing::Values(
        // 东乡族自治县 starts with it; 积石山…东乡族… and 阿力麻土东乡族乡 contain it (county before township).
        SearchCase{"ChineseName", "东乡", 20, {"622926000000", "622927000000", "622924204000"}},
        SearchCase{"ChineseShortNameExact", "临夏", 20, {"622900000000", "622901000000", "622921000000"}},
        SearchCase{"PinyinWithoutSpaces", "kangle", 20, {"622922000000"}},
        SearchCase{"PinyinUpperCaseWithSpace", "KANG LE", 20, {"622922000000"}},
        SearchCase{"PinyinSpacesAnywhere", " k a n g l e ", 20, {"622922000000"}},
        SearchCase{"PinyinExactBeforePrefix", "maji", 20, {"622921102000", "622925103000"}},  // 马集镇, 马家堡镇
        SearchCase{"EnglishName", "Jishishan", 20, {"622927000000"}},
        SearchCase{"PinyinSubstring", "dongxiang", 20, {"622926000000", "622927000000"}},
        SearchCase{"Village", "高林湾", 20, {kGaolinwan}},
        SearchCase{"Limit", "集镇", 3, {"622921100000", "622921102000", "622921104000"}},
        SearchCase{"LimitZero", "集镇", 0, {}}, SearchCase{"NoMatch", "北京", 20, {}},
        SearchCase{"EmptyQuery", "", 20, {}}, SearchCase{"OnlySpaces", "   ", 20, {}}),
    [](const ::testing::TestParamInfo<SearchCase>& info) { return std::string(info.param.name); });

TEST(RegionSearchTest, SubstringMatchesCount) {
  // 14 towns whose name contains 集镇 (韩集镇, 马集镇, …); none else.
  std::vector<const Region*> hits = Linxia().Search("集镇", 100);
  EXPECT_EQ(hits.size(), 14u);
  for (const Region* r : hits) EXPECT_EQ(r->kind, "town") << r->code;
}

TEST(RegionSearchTest, ExactBeforePrefixBeforeSubstringWhateverTheLevel) {
  auto region = [](std::string code, std::string name, Level level, std::string parent, std::string pinyin) {
    Region r;
    r.code = std::move(code);
    r.name = std::move(name);
    r.level = level;
    r.parent_code = std::move(parent);
    r.name_pinyin = std::move(pinyin);
    r.kind = "x";
    return r;
  };
  RegionTree tree = RegionTree::FromRegions({
      region("100000000000", "甲州", Level::kPrefecture, "", "jia zhou"),
      region("100100000000", "乐山县", Level::kCounty, "100000000000", "le shan xian"),     // prefix of "乐山"
      region("100101000000", "新乐山乡", Level::kTownship, "100100000000", "xin le shan"),  // substring
      region("100101001000", "乐山", Level::kVillage, "100101000000", ""),                  // exact
      region("100101002000", "乐山", Level::kVillage, "100101000000", ""),                  // exact, later code
  });
  EXPECT_EQ(Codes(tree.Search("乐山")),
            (std::vector<std::string>{"100101001000", "100101002000", "100100000000", "100101000000"}));
  // Pinyin the same way: exact "leshan"? none; prefix 乐山县; substring 新乐山乡.
  EXPECT_EQ(Codes(tree.Search("LeShan")), (std::vector<std::string>{"100100000000", "100101000000"}));
  EXPECT_EQ(Codes(tree.Search("乐山", 1)), (std::vector<std::string>{"100101001000"}));
}

// -------------------------------------------- the load through both databases

using fupin::testing::Backend;
using fupin::testing::ScratchDb;

class RegionTreeLoadTest : public ::testing::TestWithParam<Backend> {
 protected:
  ScratchDb scratch_{GetParam()};
};

TEST_P(RegionTreeLoadTest, MigratedDatabaseGivesTheParsedTree) {
  auto version = schema::Migrate(scratch_.conn());
  ASSERT_TRUE(version.ok()) << version.error().message;
  RegionTree loaded = RegionTree::Load(scratch_.conn());
  const RegionTree& parsed = Linxia();
  ASSERT_EQ(loaded.All().size(), 1337u);
  ASSERT_EQ(loaded.All().size(), parsed.All().size());
  int with_point = 0;
  for (size_t i = 0; i < parsed.All().size(); ++i) {
    const Region& want = parsed.All()[i];
    const Region& got = loaded.All()[i];
    ASSERT_EQ(got.code, want.code);
    EXPECT_EQ(got.name, want.name) << want.code;
    EXPECT_EQ(got.level, want.level) << want.code;
    EXPECT_EQ(got.parent_code, want.parent_code) << want.code;
    EXPECT_EQ(got.kind, want.kind) << want.code;
    EXPECT_EQ(got.name_short, want.name_short) << want.code;
    EXPECT_EQ(got.name_pinyin, want.name_pinyin) << want.code;
    EXPECT_EQ(got.name_en, want.name_en) << want.code;
    EXPECT_EQ(got.lon_e6, want.lon_e6) << want.code;
    EXPECT_EQ(got.lat_e6, want.lat_e6) << want.code;
    EXPECT_EQ(got.coord_source, want.coord_source) << want.code;
    with_point += got.lon_e6.has_value();
  }
  EXPECT_EQ(with_point, 202);
  ASSERT_NE(loaded.Root(), nullptr);
  EXPECT_EQ(loaded.Root()->code, kPrefecture);
  EXPECT_EQ(Codes(loaded.Children(kPrefecture)), Codes(parsed.Children(kPrefecture)));
  EXPECT_EQ(Codes(loaded.Subtree(kDongxiang)), Codes(parsed.Subtree(kDongxiang)));
  EXPECT_EQ(Codes(loaded.Ancestors(kGaolinwan)), (std::vector<std::string>{kPrefecture, kKangle, kFucheng}));
}

INSTANTIATE_TEST_SUITE_P(Backends, RegionTreeLoadTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::regions

namespace fupin::regions {
namespace {

TEST(RegionTreeResolveTest, CodeNameOrPinyinNamesOneRegion) {
  auto parsed = ParseDivisions(embedded::DivisionsCsv(), embedded::CoordinatesCsv());
  ASSERT_TRUE(parsed.ok());
  RegionTree tree = RegionTree::FromRegions(std::move(*parsed));
  EXPECT_EQ((*tree.Resolve("622926000000"))->name, "东乡族自治县");
  EXPECT_EQ((*tree.Resolve("东乡族自治县"))->code, "622926000000");
  EXPECT_EQ((*tree.Resolve("Kang Le"))->code, "622922000000");
  EXPECT_EQ((*tree.Resolve("Yongjing County"))->code, "622923000000");
  auto missing = tree.Resolve("北京");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  // A village name used in two places is ambiguous: the error lists the codes.
  std::map<std::string, int> names;
  for (const Region& r : tree.All()) {
    if (r.level == Level::kVillage) names[r.name]++;
  }
  std::string twice;
  for (const auto& [name, count] : names) {
    if (count > 1) {
      twice = name;
      break;
    }
  }
  ASSERT_FALSE(twice.empty());
  auto ambiguous = tree.Resolve(twice);
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(ambiguous.error().message.find("give the code"), std::string::npos);
}

}  // namespace
}  // namespace fupin::regions
