// The poverty report on both databases: every figure against an independent
// plain-SQL recomputation, children adding up to the total, and the report's shape.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "base/text.h"
#include "regions/tree.h"
#include "reports/poverty.h"
#include "reports/render.h"
#include "reports/registry_fixture.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::reports {
namespace {

using fupin::testing::Backend;
using fupin::testing::ScratchDb;

// The code prefix shared by a region and everything below it.
std::string Prefix(const std::string& code, const std::string& level) {
  size_t n = level == "prefecture" ? 4 : level == "county" ? 6 : level == "township" ? 9 : 12;
  return code.substr(0, n) + "%";
}

class PovertyReportTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto v = schema::Migrate(conn());
    ASSERT_TRUE(v.ok()) << v.error().message;
    fixture::BuildRegistry(conn());
    tree_ = regions::RegionTree::Load(conn());
  }
  db::Connection& conn() { return scratch_.conn(); }

  // One plain query with (year, prefix) or (prefix) parameters, as a cell of the report.
  Cell Query(const std::string& sql, const std::string& prefix, std::optional<int> year, Kind kind) {
    auto st = conn().Prepare(sql);
    int i = 1;
    if (year) st->Bind(i++, *year);
    st->Bind(i, prefix);
    EXPECT_TRUE(st->Step());
    std::optional<int64_t> v = st->OptInt(0);
    st->Run();
    if (!v) return kind == Kind::kPercent ? Cell::Empty("no data") : Cell::Int(0);
    return kind == Kind::kPercent ? Cell::Percent(*v) : Cell::Int(*v);
  }

  // The figure `key` of the region whose codes start with `prefix`, straight from the tables.
  Cell Expected(const std::string& key, const std::string& prefix, int year) {
    const std::string deep_join =
        " FROM household_years h JOIN villages v ON v.village_code = h.village_code WHERE v.deep_poverty = 1 AND "
        "h.year = ? AND h.village_code LIKE ?";
    if (key == "villages") {
      return Query("SELECT COUNT(*) FROM regions WHERE kind = 'villagers_committee' AND code LIKE ?", prefix, {},
                   Kind::kInt);
    }
    if (key == "poor_villages" || key == "exited_villages") {
      return Query(fmt::format("SELECT COUNT(*) FROM village_years WHERE year = ? AND status = '{}' AND "
                               "village_code LIKE ?",
                               key == "poor_villages" ? "poor" : "exited"),
                   prefix, year, Kind::kInt);
    }
    if (key == "deep_poverty_villages") {
      // The flag is not by year; the parameter order stays (year, prefix).
      return Query("SELECT COUNT(*) FROM villages WHERE deep_poverty = 1 AND ? > 0 AND village_code LIKE ?", prefix,
                   year, Kind::kInt);
    }
    if (key == "deep_poverty_villages_poor") {
      return Query("SELECT COUNT(*) FROM villages v JOIN village_years y ON y.village_code = v.village_code "
                   "WHERE v.deep_poverty = 1 AND y.status = 'poor' AND y.year = ? AND v.village_code LIKE ?",
                   prefix, year, Kind::kInt);
    }
    if (key == "deep_poverty_villages_nonpoor") {
      return Query("SELECT COUNT(*) FROM villages v WHERE v.deep_poverty = 1 AND NOT EXISTS (SELECT 1 FROM "
                   "village_years y WHERE y.village_code = v.village_code AND y.year = ? AND y.status = 'poor') "
                   "AND v.village_code LIKE ?",
                   prefix, year, Kind::kInt);
    }
    if (key == "rural_population") {
      return Query("SELECT SUM(members) FROM household_years WHERE year = ? AND village_code LIKE ?", prefix, year,
                   Kind::kInt);
    }
    if (key == "poor_people") {
      return Query("SELECT SUM(members) FROM household_years WHERE year = ? AND status = 'poor' AND "
                   "village_code LIKE ?",
                   prefix, year, Kind::kInt);
    }
    if (key == "poverty_incidence") {
      // Hundredths of a percent, rounded half up, in integer arithmetic.
      return Query("SELECT (SUM(CASE WHEN status = 'poor' THEN members ELSE 0 END) * 20000 + SUM(members)) / "
                   "(2 * SUM(members)) FROM household_years WHERE year = ? AND village_code LIKE ?",
                   prefix, year, Kind::kPercent);
    }
    if (key == "deep_poverty_rural_population") {
      return Query("SELECT SUM(h.members)" + deep_join, prefix, year, Kind::kInt);
    }
    if (key == "deep_poverty_poor_people") {
      return Query("SELECT SUM(CASE WHEN h.status = 'poor' THEN h.members ELSE 0 END)" + deep_join, prefix, year,
                   Kind::kInt);
    }
    if (key == "deep_poverty_incidence") {
      return Query("SELECT (SUM(CASE WHEN h.status = 'poor' THEN h.members ELSE 0 END) * 20000 + SUM(h.members)) / "
                   "(2 * SUM(h.members))" + deep_join,
                   prefix, year, Kind::kPercent);
    }
    ADD_FAILURE() << "no query for " << key;
    return Cell::Empty();
  }

  Report Build(const std::string& code, int year) {
    const regions::Region* region = tree_.Find(code);
    EXPECT_NE(region, nullptr) << code;
    return PovertyReport(LoadPovertyBreakdown(conn(), tree_, *region, year));
  }

  // Every numeric cell of every row equals its SQL recomputation; the rows
  // above the total add up to it.
  void CheckAgainstSql(const Report& r, int year) {
    ASSERT_FALSE(r.rows.empty());
    ASSERT_TRUE(r.rows.back().total);
    for (const Row& row : r.rows) {
      const std::string code = r.At(row, "region_code").text;
      const std::string prefix = Prefix(code, r.At(row, "level").text);
      for (size_t c = 3; c < r.columns.size(); ++c) {
        EXPECT_EQ(row.cells[c], Expected(r.columns[c].key, prefix, year))
            << r.columns[c].key << " of " << code << " in " << year << ": got " << PlainText(row.cells[c]);
      }
    }
    const Row& total = r.rows.back();
    if (r.rows.size() == 1) return;  // a village: no children to add up
    for (size_t c = 3; c < r.columns.size(); ++c) {
      if (r.columns[c].kind != Kind::kInt) continue;
      int64_t sum = 0;
      for (size_t i = 0; i + 1 < r.rows.size(); ++i) sum += r.rows[i].cells[c].number;
      // Children cover the whole region except residents' committees left out for having no data.
      EXPECT_EQ(sum, total.cells[c].number) << r.columns[c].key << " of " << r.region_code;
    }
  }

  ScratchDb scratch_{GetParam()};
  regions::RegionTree tree_;
};

TEST_P(PovertyReportTest, PrefectureRowsAreTheEightCountiesAndMatchSql) {
  for (int year : {2016, 2017, 2018}) {
    Report r = Build("622900000000", year);
    ASSERT_EQ(r.rows.size(), 9u);
    for (size_t i = 0; i < 8; ++i) EXPECT_EQ(r.At(r.rows[i], "level").text, "county");
    EXPECT_EQ(r.At(r.rows.back(), "region_name").text, "临夏回族自治州");
    CheckAgainstSql(r, year);
  }
  // Rendered for a terminal: title, blank, two header lines, rule, 8 counties, rule, total, all body lines
  // equally wide although the names are Chinese.
  std::string table = RenderTable(Build("622900000000", 2018));
  std::vector<std::string_view> lines = text::Split(table, '\n');
  ASSERT_GT(lines.size(), 15u);
  int width = text::DisplayWidth(lines[2]);
  for (size_t i = 2; i < 15; ++i) EXPECT_EQ(text::DisplayWidth(lines[i]), width) << lines[i];
  EXPECT_NE(lines[3].find("villages"), std::string_view::npos);
  EXPECT_NE(lines[5].find("临夏市"), std::string_view::npos);
  EXPECT_NE(lines[14].find("临夏回族自治州"), std::string_view::npos);
}

TEST_P(PovertyReportTest, HandWorkedFiguresOfTheFixture) {
  Report r = Build("622900000000", 2016);
  const Row& total = r.rows.back();
  EXPECT_EQ(r.At(total, "villages"), Cell::Int(1089));  // villagers' committees in the NBS 2023 tree
  EXPECT_EQ(r.At(total, "rural_population"), Cell::Int(560));
  EXPECT_EQ(r.At(total, "poor_people"), Cell::Int(30));
  EXPECT_EQ(r.At(total, "poverty_incidence"), Cell::Percent(536));
  EXPECT_EQ(r.At(total, "deep_poverty_villages"), Cell::Int(2));
  EXPECT_EQ(r.At(total, "deep_poverty_villages_poor"), Cell::Int(1));
  EXPECT_EQ(r.At(total, "deep_poverty_villages_nonpoor"), Cell::Int(1));
  EXPECT_EQ(r.At(total, "deep_poverty_incidence"), Cell::Percent(2333));  // 14 / 60
  const Row& dongxiang = r.rows[6];
  EXPECT_EQ(r.At(dongxiang, "region_code").text, fixture::kDongxiang);
  EXPECT_EQ(r.At(dongxiang, "poverty_incidence"), Cell::Percent(556));  // 20 / 360
  const Row& kangle = r.rows[2];
  EXPECT_EQ(r.At(kangle, "rural_population"), Cell::Int(0));
  EXPECT_TRUE(r.At(kangle, "poverty_incidence").empty());
  EXPECT_EQ(r.At(kangle, "poverty_incidence").text, "no data");

  Report r2018 = Build("622900000000", 2018);
  EXPECT_EQ(r2018.At(r2018.rows.back(), "exited_villages"), Cell::Int(2));
  EXPECT_EQ(r2018.At(r2018.rows.back(), "poor_villages"), Cell::Int(1));
  EXPECT_EQ(r2018.At(r2018.rows.back(), "poverty_incidence"), Cell::Percent(107));  // 6 / 560
}

TEST_P(PovertyReportTest, CountyTownshipAndVillageReportsMatchSql) {
  Report county = Build(fixture::kDongxiang, 2016);
  EXPECT_EQ(county.rows.size(), 24u + 1u);  // 24 townships of 东乡, then the county
  EXPECT_EQ(county.At(county.rows.front(), "level").text, "township");
  CheckAgainstSql(county, 2016);

  Report township = Build(fixture::kDaban, 2017);
  // 10 villagers' committees listed; the 4 residents' committees hold no data and are left out.
  EXPECT_EQ(township.rows.size(), 10u + 1u);
  bool noted = false;
  for (const std::string& note : township.notes) noted = noted || note.starts_with("4 residents' committees");
  EXPECT_TRUE(noted);
  CheckAgainstSql(township, 2017);

  Report village = Build(fixture::kVillage3, 2018);
  ASSERT_EQ(village.rows.size(), 1u);
  EXPECT_EQ(village.At(village.rows[0], "exited_villages"), Cell::Int(1));
  CheckAgainstSql(village, 2018);
}

INSTANTIATE_TEST_SUITE_P(Backends, PovertyReportTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::reports
