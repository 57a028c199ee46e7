// `fupin demo` on the real databases: the records reproduce the scenario's
// targets, every household passes the registry's rules, and the same seed gives
// the same rows on SQLite and PostgreSQL. Figures are recomputed here with
// plain SQL, independently of the report code.
#include <gtest/gtest.h>

#include <map>

#include <fmt/format.h>

#include "db/database.h"
#include "demo/generator.h"
#include "registry/exchange.h"
#include "registry/model.h"
#include "registry/reference.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::demo {
namespace {

using fupin::testing::Backend;
using fupin::testing::ScratchDb;
using fupin::testing::TestVault;

int64_t Query(db::Connection& c, const std::string& sql, std::optional<int64_t> p1 = {},
              std::optional<int64_t> p2 = {}) {
  auto st = c.Prepare(sql);
  if (p1) st->Bind(1, *p1);
  if (p2) st->Bind(2, *p2);
  int64_t v = 0;
  if (st->Step()) v = st->IsNull(0) ? 0 : st->Int(0);
  st->Run();
  return v;
}

std::string Percent(int64_t poor, int64_t pop) { return registry::Incidence{poor, pop}.Percent(); }

// A digest of every row the demo writes, in key order, as text.
uint64_t Digest(db::Connection& c) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&](const std::string& s) {
    for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ULL;
    h = (h ^ 0xff) * 1099511628211ULL;
  };
  const std::pair<int, const char*> queries[] = {
      {8, "SELECT household_id, county_code, township_code, village_code, head_name, COALESCE(cause, ''), "
          "registered_year, synthetic FROM households ORDER BY household_id"},
      {8, "SELECT member_id, household_id, name, relation, sex, birth_year, id_number_sealed, id_synthetic FROM members "
          "ORDER BY member_id"},
      {9, "SELECT household_id, year, village_code, members, status, COALESCE(monitor_kind, ''), "
          "COALESCE(exit_year, 0), income_per_capita_fen, needs_unmet FROM household_years "
          "ORDER BY household_id, year"},
      {6, "SELECT village_code, deep_poverty, broadband, mobile_4g, paved_road, "
          "COALESCE(distance_to_township_m, -1) FROM villages ORDER BY village_code"},
      {3, "SELECT village_code, year, status FROM village_years ORDER BY village_code, year"},
      {4, "SELECT code, COALESCE(lon_e6, 0), COALESCE(lat_e6, 0), COALESCE(coord_source, '') FROM regions "
          "ORDER BY code"}};
  for (const auto& [columns, sql] : queries) {
    auto st = c.Prepare(sql);
    while (st->Step()) {
      std::string row;
      for (int i = 0; i < columns; ++i) row += st->Text(i) + "|";
      mix(row);
    }
  }
  return h;
}

DemoOptions Options(uint64_t seed, double scale) {
  DemoOptions o;
  o.seed = seed;
  o.scale = scale;
  o.vault = &TestVault();
  return o;
}

// The village targets, the same at every scale (the villages are real): 412
// deep-poverty villages (323 poor in 2016) holding `deep_poor` poor people at
// 32.16 % in 2016; 649 poor villages, 160 exited and 489 still poor in 2018,
// all exited by 2020.
void ExpectVillageTargets(db::Connection& c, int64_t deep_poor_expected) {
  int64_t deep_pop = Query(c,
                           "SELECT SUM(y.members) FROM household_years y JOIN villages v ON v.village_code = "
                           "y.village_code WHERE y.year = 2016 AND v.deep_poverty = 1");
  int64_t deep_poor = Query(c,
                            "SELECT SUM(y.members) FROM household_years y JOIN villages v ON v.village_code = "
                            "y.village_code WHERE y.year = 2016 AND v.deep_poverty = 1 AND y.status = 'poor'");
  EXPECT_EQ(deep_poor, deep_poor_expected);
  EXPECT_EQ(Percent(deep_poor, deep_pop), "32.16");
  EXPECT_EQ(Query(c, "SELECT COUNT(*) FROM villages WHERE deep_poverty = 1"), 412);
  EXPECT_EQ(Query(c,
                  "SELECT COUNT(*) FROM villages v JOIN village_years y ON y.village_code = v.village_code "
                  "WHERE v.deep_poverty = 1 AND y.year = 2016 AND y.status = 'poor'"),
            323);
  EXPECT_EQ(Query(c, "SELECT COUNT(DISTINCT village_code) FROM village_years WHERE status <> 'not_poor'"), 649);
  EXPECT_EQ(Query(c, "SELECT COUNT(*) FROM village_years WHERE year = 2018 AND status = 'exited'"), 160);
  EXPECT_EQ(Query(c, "SELECT COUNT(*) FROM village_years WHERE year = 2018 AND status = 'poor'"), 489);
  EXPECT_EQ(Query(c, "SELECT COUNT(*) FROM village_years WHERE year = 2020 AND status = 'exited'"), 649);
  EXPECT_EQ(Query(c, "SELECT COUNT(*) FROM village_years WHERE year = 2020 AND status = 'poor'"), 0);
}

class DemoTest : public ::testing::TestWithParam<Backend> {};

TEST_P(DemoTest, SmallScaleHitsScaledTargetsAndObeysTheRules) {
  ScratchDb scratch(GetParam());
  db::Connection& c = scratch.conn();
  ASSERT_TRUE(schema::Migrate(c).ok());
  auto summary = BuildDemo(c, Options(11, 0.01));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->first_year, 2012);
  EXPECT_EQ(summary->last_year, 2020);
  EXPECT_EQ(Query(c, "SELECT COUNT(*) FROM households"), summary->households);

  auto pop = [&](int y) { return Query(c, "SELECT SUM(members) FROM household_years WHERE year = ?", y); };
  auto poor = [&](int y) {
    return Query(c, "SELECT SUM(members) FROM household_years WHERE year = ? AND status = 'poor'", y);
  };
  EXPECT_EQ(pop(2012), 17370);
  EXPECT_EQ(pop(2018), 18260);
  EXPECT_EQ(poor(2012), 7330);
  EXPECT_EQ(poor(2016), 2984);
  EXPECT_EQ(poor(2018), 1638);
  EXPECT_EQ(poor(2020), 0);
  EXPECT_EQ(Percent(poor(2012), pop(2012)), "42.20");
  EXPECT_EQ(Percent(poor(2018), pop(2018)), "8.97");
  ExpectVillageTargets(c, 1757);
  auto county = [&](const char* code, int y, bool only_poor) {
    return Query(c,
                 fmt::format("SELECT SUM(members) FROM household_years WHERE county_code = '{}' AND year = ?{}", code,
                             only_poor ? " AND status = 'poor'" : ""),
                 y);
  };
  EXPECT_EQ(county("622926000000", 2013, true), 1092);
  EXPECT_EQ(Percent(county("622926000000", 2013, true), county("622926000000", 2013, false)), "38.74");
  EXPECT_EQ(Percent(county("622926000000", 2019, true), county("622926000000", 2019, false)), "4.25");

  // Every poor village's incidence is at or above 3 % before its exit and below from then on.
  auto st = c.Prepare(
      "SELECT vy.village_code, vy.year, vy.status, SUM(hy.members), "
      "SUM(CASE WHEN hy.status = 'poor' THEN hy.members ELSE 0 END) FROM village_years vy "
      "JOIN household_years hy ON hy.village_code = vy.village_code AND hy.year = vy.year "
      "WHERE vy.village_code IN (SELECT village_code FROM village_years WHERE status <> 'not_poor') "
      "GROUP BY vy.village_code, vy.year, vy.status");
  int checked = 0;
  while (st->Step()) {
    registry::Incidence inc{st->Int(4), st->Int(3)};
    EXPECT_EQ(inc.Below(300), st->Text(2) == "exited") << st->Text(0) << " " << st->Int(1);
    ++checked;
  }
  EXPECT_EQ(checked, 649 * 9);

  // Every household's years pass the registry's rules, and it exits only when it may.
  registry::ReferenceData ref = registry::ReadReferenceData(c);
  auto years = c.Prepare(
      "SELECT household_id, year, status, monitor_kind, exit_year, income_per_capita_fen, needs_unmet "
      "FROM household_years ORDER BY household_id, year");
  int64_t last_id = -1;
  registry::HouseholdYear prev;
  int64_t rows = 0;
  while (years->Step()) {
    registry::HouseholdYear y;
    y.year = static_cast<int>(years->Int(1));
    y.status = *registry::ParseStatus(years->Text(2));
    if (!years->IsNull(3)) y.monitor_kind = registry::ParseMonitorKind(years->Text(3));
    if (!years->IsNull(4)) y.exit_year = static_cast<int>(years->Int(4));
    y.income_per_capita = Money::FromFen(years->Int(5));
    y.needs_unmet = *registry::ParseNeedsUnmet(years->Text(6));
    ASSERT_TRUE(registry::CheckYear(y).ok()) << years->Int(0) << " " << y.year << ": " << registry::CheckYear(y).error().message;
    if (years->Int(0) == last_id) {
      Status t = registry::CheckTransition(prev, y);
      ASSERT_TRUE(t.ok()) << years->Int(0) << ": " << t.error().message;
      if (prev.status == registry::HouseholdStatus::kPoor && y.status == registry::HouseholdStatus::kExited) {
        EXPECT_TRUE(registry::CanExit(y.income_per_capita, ref.poverty_lines.at(y.year).poverty_line, y.needs_unmet));
      }
      if (y.status == registry::HouseholdStatus::kPoor) {
        EXPECT_LT(y.income_per_capita, ref.poverty_lines.at(y.year).poverty_line);
      }
    }
    last_id = years->Int(0);
    prev = y;
    ++rows;
  }
  EXPECT_EQ(rows, summary->household_years);
  // Households keep their size, which equals their members.
  EXPECT_EQ(Query(c,
                  "SELECT COUNT(*) FROM household_years y WHERE y.members <> "
                  "(SELECT COUNT(*) FROM members m WHERE m.household_id = y.household_id)"),
            0);
  // Identity numbers are stored sealed: the column never shows a number, the
  // registry key opens each one to a well-formed (synthetic) number whose
  // masked form is stored beside it.
  auto ids = c.Prepare("SELECT member_id, id_number_sealed, id_number_masked, id_synthetic FROM members");
  int64_t bad = 0, members_seen = 0;
  while (ids->Step()) {
    ++members_seen;
    std::string sealed = ids->Text(1);
    auto opened = TestVault().Open(ids->Int(0), sealed);
    bad += !opened.ok() || !registry::IsValidIdNumber(*opened) || registry::IsValidIdNumber(sealed) ||
           ids->Text(2) != registry::MaskIdNumber(*opened) || ids->Int(3) != 1;
  }
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(members_seen, summary->members);
  // Villages without a published point were placed by the demo and say so.
  EXPECT_EQ(Query(c, "SELECT COUNT(*) FROM regions WHERE level = 'village' AND lon_e6 IS NULL"), 0);
  EXPECT_EQ(Query(c, "SELECT COUNT(*) FROM regions WHERE level = 'village' AND coord_source NOT LIKE 'demo:%'"), 66);

  // A second run refuses to touch a database that already holds a registry.
  auto again = BuildDemo(c, Options(11, 0.01));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

INSTANTIATE_TEST_SUITE_P(Backends, DemoTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

TEST(DemoDeterminismTest, SameSeedSameRowsOnSqliteAndPostgres) {
  ScratchDb lite(Backend::kSqlite), pg(Backend::kPostgres), other(Backend::kSqlite);
  for (ScratchDb* db : {&lite, &pg, &other}) ASSERT_TRUE(schema::Migrate(db->conn()).ok());
  ASSERT_TRUE(BuildDemo(lite.conn(), Options(5, 0.01)).ok());
  ASSERT_TRUE(BuildDemo(pg.conn(), Options(5, 0.01)).ok());
  ASSERT_TRUE(BuildDemo(other.conn(), Options(6, 0.01)).ok());
  uint64_t a = Digest(lite.conn()), b = Digest(pg.conn()), d = Digest(other.conn());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, d);
  // Their exports are identical, file by file.
  fupin::testing::TempDir dir;
  ASSERT_TRUE(registry::ExportRegistryFolder(lite.conn(), dir.File("lite"), TestVault()).ok());
  ASSERT_TRUE(registry::ExportRegistryFolder(pg.conn(), dir.File("pg"), TestVault()).ok());
  for (const char* name : {"households.csv", "members.csv", "household_years.csv", "villages.csv",
                           "village_years.csv", "poverty_lines.csv", "settings.csv"}) {
    EXPECT_TRUE(fupin::testing::ReadFile(dir.File(std::string("lite/") + name)) ==
                fupin::testing::ReadFile(dir.File(std::string("pg/") + name)))
        << name;
  }
}

}  // namespace
}  // namespace fupin::demo

namespace fupin::demo {
namespace {

// The full Linxia scenario (about 400,000 households): every target exact.
TEST(DemoFullScaleTest, HitsEveryTargetExactlyOnSqlite) {
  ScratchDb scratch(Backend::kSqlite);
  db::Connection& c = scratch.conn();
  ASSERT_TRUE(schema::Migrate(c).ok());
  auto summary = BuildDemo(c, Options(2020, 1));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_GT(summary->households, 350000);
  EXPECT_LT(summary->households, 420000);
  std::map<int, std::pair<int64_t, int64_t>> by_year;  // year → (population, poor)
  auto st = c.Prepare(
      "SELECT year, SUM(members), SUM(CASE WHEN status = 'poor' THEN members ELSE 0 END) FROM household_years "
      "GROUP BY year");
  while (st->Step()) by_year[static_cast<int>(st->Int(0))] = {st->Int(1), st->Int(2)};
  const std::map<int, int64_t> population = {{2012, 1737000}, {2013, 1751833}, {2014, 1766667},
                                             {2015, 1781500}, {2016, 1796333}, {2017, 1811167},
                                             {2018, 1826000}, {2019, 1840833}, {2020, 1855667}};
  for (const auto& [year, pop] : population) EXPECT_EQ(by_year[year].first, pop) << year;
  EXPECT_EQ(by_year[2012].second, 733000);
  EXPECT_EQ(by_year[2016].second, 298400);
  EXPECT_EQ(by_year[2018].second, 163800);
  EXPECT_EQ(by_year[2020].second, 0);
  EXPECT_EQ(Percent(by_year[2012].second, by_year[2012].first), "42.20");
  EXPECT_EQ(Percent(by_year[2018].second, by_year[2018].first), "8.97");
  ExpectVillageTargets(c, 175700);
  // Counties: Dongxiang's cited figures, and each county below 3 % exactly from its exit year on.
  std::map<std::pair<std::string, int>, std::pair<int64_t, int64_t>> county;
  auto cs = c.Prepare(
      "SELECT county_code, year, SUM(members), SUM(CASE WHEN status = 'poor' THEN members ELSE 0 END) "
      "FROM household_years GROUP BY county_code, year");
  while (cs->Step()) county[{cs->Text(0), static_cast<int>(cs->Int(1))}] = {cs->Int(2), cs->Int(3)};
  auto dx13 = county[{"622926000000", 2013}], dx19 = county[{"622926000000", 2019}];
  EXPECT_EQ(dx13.second, 109200);
  EXPECT_EQ(Percent(dx13.second, dx13.first), "38.74");
  EXPECT_EQ(dx19.second, 12800);
  EXPECT_EQ(Percent(dx19.second, dx19.first), "4.25");
  const std::map<std::string, int> exit_year = {{"622901000000", 2017}, {"622921000000", 2020},
                                                {"622922000000", 2019}, {"622923000000", 2019},
                                                {"622924000000", 2019}, {"622925000000", 2019},
                                                {"622926000000", 2020}, {"622927000000", 2019}};
  for (const auto& [code, exit] : exit_year) {
    for (int y = 2012; y <= 2020; ++y) {
      auto [pop, poor] = county[{code, y}];
      EXPECT_EQ(registry::Incidence({poor, pop}).Below(300), y >= exit) << code << " " << y;
    }
  }
}

}  // namespace
}  // namespace fupin::demo

namespace fupin::demo {
namespace {

// The demo's registry exported from SQLite, imported into PostgreSQL and
// exported again: the folders are identical byte for byte, and so are the
// yearly extracts of both databases.
TEST(DemoRoundTripTest, ExportImportExportIsByteIdenticalAcrossDatabases) {
  ScratchDb lite(Backend::kSqlite), pg(Backend::kPostgres);
  ASSERT_TRUE(schema::Migrate(lite.conn()).ok());
  ASSERT_TRUE(schema::Migrate(pg.conn()).ok());
  ASSERT_TRUE(BuildDemo(lite.conn(), Options(3, 0.01)).ok());
  fupin::testing::TempDir dir;
  auto first = registry::ExportRegistryFolder(lite.conn(), dir.File("a"), TestVault());
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto imported = registry::ImportRegistryFolder(pg.conn(), dir.File("a"), TestVault());
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  ASSERT_TRUE(imported->ok()) << imported->errors.front().ToString();
  auto second = registry::ExportRegistryFolder(pg.conn(), dir.File("b"), TestVault());
  ASSERT_TRUE(second.ok()) << second.error().message;
  for (const char* name : {"households.csv", "members.csv", "household_years.csv", "villages.csv",
                           "village_years.csv", "poverty_lines.csv", "settings.csv"}) {
    std::string a = fupin::testing::ReadFile(dir.File(std::string("a/") + name));
    EXPECT_FALSE(a.empty()) << name;
    EXPECT_TRUE(a == fupin::testing::ReadFile(dir.File(std::string("b/") + name))) << name << " differs";
  }
  for (int year : {2012, 2016, 2020}) {
    auto h1 = registry::ExportHouseholdsYearCsv(lite.conn(), year), h2 = registry::ExportHouseholdsYearCsv(pg.conn(), year);
    auto v1 = registry::ExportVillagesYearCsv(lite.conn(), year), v2 = registry::ExportVillagesYearCsv(pg.conn(), year);
    ASSERT_TRUE(h1.ok() && h2.ok() && v1.ok() && v2.ok());
    EXPECT_TRUE(*h1 == *h2) << year;
    EXPECT_TRUE(*v1 == *v2) << year;
  }
}

}  // namespace
}  // namespace fupin::demo
