// The benefit and institutions reports: the pure builders on hand-made
// ledgers; on the scale-0.01 demo marketplace (SQLite and PostgreSQL) every
// row against its own plain SQL; the command's flags and errors through the
// real binary; and GET /api/v1/reports/benefit and
// /api/v1/reports/institution-purchases with their permissions.
#include "reports/benefit.h"

#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include <fmt/format.h>
#include <boost/json/value.hpp>

#include "accounts/demo_accounts.h"
#include "base/embedded_data.h"
#include "db/database.h"
#include "db/pool.h"
#include "demo/generator.h"
#include "demo/market.h"
#include "regions/loader.h"
#include "regions/tree.h"
#include "reports/institutions.h"
#include "reports/render.h"
#include "schema/schema.h"
#include "testing/api_json.h"
#include "testing/served_demo.h"
#include "testing/test_db.h"

namespace fupin::reports {
namespace {

using fupin::testing::Backend;
using fupin::testing::CommandResult;
using fupin::testing::ErrorField;
using fupin::testing::HttpResponse;
using fupin::testing::ParseJson;
using fupin::testing::RunFupin;
using fupin::testing::ScratchDb;
using fupin::testing::SelectInt;
using fupin::testing::Str;
namespace bj = boost::json;

constexpr const char* kYongjing = "622923000000";
constexpr const char* kDongxiang = "622926000000";

// ---- The pure builders ----------------------------------------------------------------

class BenefitReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto regions = regions::ParseDivisions(embedded::DivisionsCsv(), embedded::CoordinatesCsv());
    ASSERT_TRUE(regions.ok()) << regions.error().message;
    tree_ = regions::RegionTree::FromRegions(std::move(*regions));
    // Two villages of Yongjing (A, B) and one of Dongxiang (C).
    for (const regions::Region* r : tree_.Subtree(kYongjing)) {
      if (r->IsAdministrativeVillage() && village_a_.empty()) {
        village_a_ = r->code;
      } else if (r->IsAdministrativeVillage() && village_b_.empty()) {
        village_b_ = r->code;
      }
    }
    for (const regions::Region* r : tree_.Subtree(kDongxiang)) {
      if (r->IsAdministrativeVillage() && village_c_.empty()) village_c_ = r->code;
    }
    in_.tree = &tree_;
    in_.region = tree_.Root();
    in_.year = 2017;
    in_.credits = {{1, village_a_, 1000, 600},  // gain 400
                   {2, village_a_, 500, 0},     // wages: all gain
                   {3, village_b_, 0, 0},       // refunded: net zero, not reached
                   {4, village_c_, 300, 100}};  // gain 200
    in_.poor = {
        {1, village_a_, "poor"}, {3, village_b_, "monitored"}, {5, village_b_, "exited"}, {6, village_c_, "poor"}};
  }

  const Row* RowOf(const Report& r, const std::string& section, const std::string& code) const {
    for (const Row& row : r.rows) {
      if (row.section == section && r.At(row, "region_code").text == code) return &row;
    }
    return nullptr;
  }
  // The numbers of a row: reached, poor reached, credited, local, gain, mean, median, poor, unreached (-1: none).
  std::vector<int64_t> Numbers(const Report& r, const Row* row) const {
    std::vector<int64_t> out;
    if (!row) return out;
    for (const char* key : {"households_reached", "poor_reached", "credited_fen", "local_value_fen", "gain_fen",
                            "mean_gain_fen", "median_gain_fen", "poor_households", "poor_unreached"}) {
      const Cell& c = r.At(*row, key);
      out.push_back(c.empty() ? -1 : c.number);
    }
    return out;
  }

  regions::RegionTree tree_;
  std::string village_a_, village_b_, village_c_;
  BenefitInput in_;
};

TEST_F(BenefitReportTest, CountiesVillagesAndTheTotalAddUp) {
  Report r = BenefitReport(in_);
  EXPECT_EQ(r.name, "benefit");
  EXPECT_EQ(r.year, 2017);
  // The prefecture: eight county rows, then its total.
  int counties = 0;
  for (const Row& row : r.rows) counties += row.section == "regions" && !row.total;
  EXPECT_EQ(counties, 8);
  const Row* total = RowOf(r, "regions", "622900000000");
  ASSERT_NE(total, nullptr);
  EXPECT_TRUE(total->total);
  // Mean 1100 / 3 = 366.67 → 367; median of 200, 400, 500 → 400.
  EXPECT_EQ(Numbers(r, total), (std::vector<int64_t>{3, 1, 1800, 700, 1100, 367, 400, 4, 3}));
  // Median of two: the mean of the middle pair, 400 and 500 → 450.
  EXPECT_EQ(Numbers(r, RowOf(r, "regions", kYongjing)), (std::vector<int64_t>{2, 1, 1500, 600, 900, 450, 450, 3, 2}));
  EXPECT_EQ(Numbers(r, RowOf(r, "regions", kDongxiang)), (std::vector<int64_t>{1, 0, 300, 100, 200, 200, 200, 1, 1}));
  EXPECT_EQ(Numbers(r, RowOf(r, "regions", "622901000000")), (std::vector<int64_t>{0, 0, 0, 0, 0, -1, -1, 0, 0}));
  EXPECT_EQ(Numbers(r, RowOf(r, "villages", village_a_)), (std::vector<int64_t>{2, 1, 1500, 600, 900, 450, 450, 1, 0}));
  // Nobody reached in B: no mean, no median.
  EXPECT_EQ(Numbers(r, RowOf(r, "villages", village_b_)), (std::vector<int64_t>{0, 0, 0, 0, 0, -1, -1, 2, 2}));
  int villages = 0;
  for (const Row& row : r.rows) villages += row.section == "villages";
  EXPECT_EQ(villages, 3);
  EXPECT_EQ(r.summary,
            "3 households reached (1 registered poor), 1,800 fen credited, 1,100 fen gained; 3 of 4 registered poor "
            "households not reached");
  // The same report renders as CSV with a section column.
  EXPECT_TRUE(RenderCsv(r).starts_with("section,level,region_code,region_name,households_reached,")) << RenderCsv(r);
}

TEST_F(BenefitReportTest, AVillageShowsItselfOnlyAndTheListNamesTheUnreached) {
  in_.region = tree_.Find(village_b_);
  Report r = BenefitReport(in_);
  ASSERT_EQ(r.rows.size(), 2u);  // the total, and the village among the villages
  EXPECT_EQ(Numbers(r, &r.rows[0]), (std::vector<int64_t>{0, 0, 0, 0, 0, -1, -1, 2, 2}));

  in_.region = tree_.Root();
  Report list = UnreachedReport(in_);
  EXPECT_EQ(list.name, "benefit-unreached");
  ASSERT_EQ(list.rows.size(), 3u);
  std::vector<int64_t> ids;
  for (const Row& row : list.rows) ids.push_back(list.At(row, "household_id").number);
  // By village code (A < B within Yongjing, then Dongxiang's C), then by id.
  EXPECT_EQ(ids, (std::vector<int64_t>{3, 5, 6}));
  EXPECT_EQ(list.At(list.rows[0], "status").text, "monitored");
  EXPECT_EQ(list.At(list.rows[2], "county_code").text, kDongxiang);
  EXPECT_EQ(list.summary, "3 registered poor households not reached");
}

TEST_F(BenefitReportTest, InstitutionSharesAndTotal) {
  std::vector<InstitutionPurchases> rows = {
      {1, "食堂 A", "school", kYongjing, 3, 10000, 2500, 5000},
      {2, "食堂 B", "hospital", kDongxiang, 0, 0, 0, 0},
  };
  Report r = InstitutionsReport(tree_, *tree_.Root(), 2018, rows);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.At(r.rows[0], "certified_share"), Cell::Percent(2500));
  EXPECT_EQ(r.At(r.rows[0], "poor_village_share"), Cell::Percent(5000));
  EXPECT_TRUE(r.At(r.rows[1], "certified_share").empty());  // bought nothing: no share
  EXPECT_TRUE(r.rows[2].total);
  EXPECT_EQ(r.At(r.rows[2], "total_fen"), Cell::Int(10000));
  EXPECT_EQ(r.At(r.rows[2], "orders"), Cell::Int(3));
}

// ---- On the demo marketplace ------------------------------------------------------------

class BenefitOnDemoTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(schema::Migrate(conn()).ok());
    demo::DemoOptions options;
    options.scale = 0.01;
    options.vault = &fupin::testing::TestVault();
    auto registry = demo::BuildDemo(conn(), options);
    ASSERT_TRUE(registry.ok()) << registry.error().message;
    ASSERT_TRUE(accounts::EnsureDemoAccounts(conn()).ok());
    auto pool = db::Pool::Open(scratch_.url(), 1);
    ASSERT_TRUE(pool.ok());
    demo::MarketOptions market;
    market.scale = 0.01;
    auto built = demo::BuildMarket(conn(), **pool, market);
    ASSERT_TRUE(built.ok()) << built.error().message;
  }
  db::Connection& conn() { return scratch_.conn(); }

  ScratchDb scratch_{GetParam()};
};

// (reached, poor reached, credited, local, poor, unreached) per key, by plain SQL. `key` is the village or the
// county column; `where` narrows the ledger and the register alike.
std::map<std::string, std::vector<int64_t>> Expected(db::Connection& c, const std::string& key, int year,
                                                     const std::string& county) {
  std::map<std::string, std::vector<int64_t>> out;
  const std::string narrow = county.empty() ? "" : fmt::format(" AND county_code = '{}'", county);
  const std::string reached = fmt::format(
      "SELECT household_id, {0} AS k, SUM(amount_fen) AS c, SUM(COALESCE(local_value_fen, 0)) AS l FROM ledger "
      "WHERE year = {1}{2} GROUP BY household_id, {0} HAVING SUM(amount_fen) > 0",
      key, year, narrow);
  const std::string poor = fmt::format(
      "SELECT household_id, {0} AS k FROM household_years WHERE year = {1}{2} AND (status IN ('poor', 'monitored') "
      "OR (status = 'exited' AND exit_year = {1}))",
      key, year, narrow);
  auto st = c.Prepare(fmt::format(
      "SELECT k, SUM(n), SUM(np), SUM(c), SUM(l), SUM(p), SUM(u) FROM ("
      " SELECT r.k, 1 AS n, CASE WHEN p.household_id IS NULL THEN 0 ELSE 1 END AS np, r.c, r.l, 0 AS p, 0 AS u"
      " FROM ({0}) r LEFT JOIN ({1}) p ON p.household_id = r.household_id"
      " UNION ALL"
      " SELECT p.k, 0, 0, 0, 0, 1, CASE WHEN r.household_id IS NULL THEN 1 ELSE 0 END"
      " FROM ({1}) p LEFT JOIN ({0}) r ON r.household_id = p.household_id) t GROUP BY k ORDER BY k",
      reached, poor));
  while (st->Step()) {
    out[st->Text(0)] = {st->Int(1), st->Int(2), st->Int(3), st->Int(4), st->Int(5), st->Int(6)};
  }
  return out;
}

std::vector<int64_t> Observed(const Report& r, const Row& row) {
  std::vector<int64_t> out;
  for (const char* key :
       {"households_reached", "poor_reached", "credited_fen", "local_value_fen", "poor_households", "poor_unreached"}) {
    out.push_back(r.At(row, key).number);
  }
  return out;
}

TEST_P(BenefitOnDemoTest, EveryRowIsWhatPlainSqlSays) {
  // Yongjing in the paper's year, village by village.
  auto report = BuildBenefitReport(conn(), BenefitQuery{2017, kYongjing, false});
  ASSERT_TRUE(report.ok()) << report.error().message;
  std::map<std::string, std::vector<int64_t>> want = Expected(conn(), "village_code", 2017, kYongjing);
  ASSERT_FALSE(want.empty());
  int64_t reached = 0, unreached = 0;
  int compared = 0;
  for (const Row& row : report->rows) {
    if (row.section != "villages") continue;
    const std::string code = report->At(row, "region_code").text;
    EXPECT_EQ(Observed(*report, row), want[code]) << code;
    reached += report->At(row, "households_reached").number;
    unreached += report->At(row, "poor_unreached").number;
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(want.size()));
  EXPECT_GE(reached, 3);                                                         // the paper's households at least
  EXPECT_EQ(report->At(report->rows[0], "households_reached").number, reached);  // the county's total row
  // The list names exactly the unreached.
  auto list = BuildBenefitReport(conn(), BenefitQuery{2017, kYongjing, true});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(static_cast<int64_t>(list->rows.size()), unreached);

  // The prefecture's county rows, in 2019.
  auto prefecture = BuildBenefitReport(conn(), BenefitQuery{2019, "", false});
  ASSERT_TRUE(prefecture.ok());
  std::map<std::string, std::vector<int64_t>> counties = Expected(conn(), "county_code", 2019, "");
  int county_rows = 0;
  for (const Row& row : prefecture->rows) {
    if (row.section != "regions" || row.total) continue;
    const std::string code = prefecture->At(row, "region_code").text;
    std::vector<int64_t> w = counties.contains(code) ? counties[code] : std::vector<int64_t>(6, 0);
    EXPECT_EQ(Observed(*prefecture, row), w) << code;
    ++county_rows;
  }
  EXPECT_EQ(county_rows, 8);
}

TEST_P(BenefitOnDemoTest, InstitutionRowsAreWhatPlainSqlSays) {
  auto report = BuildInstitutionsReport(conn(), 2018, "");
  ASSERT_TRUE(report.ok()) << report.error().message;
  const int64_t institutions = SelectInt(conn(), "SELECT COUNT(*) FROM institutions");
  ASSERT_EQ(static_cast<int64_t>(report->rows.size()), institutions + 1);
  auto st = conn().Prepare(
      "SELECT i.institution_id, COUNT(DISTINCT o.order_id), SUM(ol.amount_fen), "
      "SUM(CASE WHEN p.certified_from <= SUBSTR(o.paid_at, 1, 10) AND p.certified_until >= SUBSTR(o.paid_at, 1, 10) "
      "THEN ol.amount_fen ELSE 0 END), "
      "SUM(CASE WHEN EXISTS (SELECT 1 FROM village_years v WHERE v.village_code = p.origin_village_code AND "
      "v.year = 2018 AND v.status = 'poor') THEN ol.amount_fen ELSE 0 END) "
      "FROM institutions i JOIN orders o ON o.institution_id = i.institution_id JOIN order_lines ol ON "
      "ol.order_id = o.order_id JOIN products p ON p.product_id = ol.product_id WHERE o.paid_at >= '2018-01-01' AND "
      "o.paid_at < '2019-01-01' AND o.state <> 'refunded' GROUP BY i.institution_id");
  std::map<int64_t, std::vector<int64_t>> want;
  while (st->Step()) want[st->Int(0)] = {st->Int(1), st->Int(2), st->Int(3), st->Int(4)};
  ASSERT_FALSE(want.empty());
  int64_t certified = 0;
  for (const Row& row : report->rows) {
    if (row.total) continue;
    const int64_t id = report->At(row, "institution_id").number;
    std::vector<int64_t> got = {report->At(row, "orders").number, report->At(row, "total_fen").number,
                                report->At(row, "certified_fen").number, report->At(row, "poor_village_fen").number};
    EXPECT_EQ(got, want.contains(id) ? want[id] : std::vector<int64_t>(4, 0)) << id;
    certified += got[2];
  }
  EXPECT_GT(certified, 0);
  // A county's report lists the institutions located in it only.
  auto county = BuildInstitutionsReport(conn(), 2018, kYongjing);
  ASSERT_TRUE(county.ok());
  for (const Row& row : county->rows) {
    if (!row.total) {
      EXPECT_EQ(county->At(row, "region_code").text, kYongjing);
    }
  }
}

TEST_P(BenefitOnDemoTest, BadRequestsAreClearErrors) {
  auto year = BuildBenefitReport(conn(), BenefitQuery{2011, "", false});
  ASSERT_FALSE(year.ok());
  EXPECT_EQ(year.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(year.error().message, "no registry data for year 2011; years with data: 2012–2020");
  auto region = BuildBenefitReport(conn(), BenefitQuery{2017, "999999999999", false});
  ASSERT_FALSE(region.ok());
  EXPECT_EQ(region.error().field, "region");
  auto institutions = BuildInstitutionsReport(conn(), std::nullopt, "nowhere");
  ASSERT_FALSE(institutions.ok());
  EXPECT_EQ(institutions.error().field, "region");
  // By name, and the default year is the latest with data.
  auto named = BuildBenefitReport(conn(), BenefitQuery{std::nullopt, "永靖县", false});
  ASSERT_TRUE(named.ok()) << named.error().message;
  EXPECT_EQ(named->region_code, kYongjing);
  EXPECT_EQ(named->year, 2020);
}

INSTANTIATE_TEST_SUITE_P(Backends, BenefitOnDemoTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

// ---- The command line ---------------------------------------------------------------------

TEST(BenefitCommandTest, FlagsFormatsAndErrors) {
  fupin::testing::TempDir dir;
  const std::string db = "sqlite:" + dir.File("demo.db");
  CommandResult demo = RunFupin("demo --quiet --scale 0.01 --db " + db);
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  auto report = [&](const std::string& args) { return RunFupin("report " + args + " --db " + db); };

  CommandResult table = report("benefit --year 2017 --region 622923000000");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(
      table.out.starts_with("受益情况 What the benefit ledger credited households: 永靖县 622923000000, 2017\n"))
      << table.out;
  CommandResult csv = report("benefit --year 2017 --region 永靖县 --format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_TRUE(
      csv.out.starts_with("section,level,region_code,region_name,households_reached,poor_reached,"
                          "credited_fen,local_value_fen,gain_fen,mean_gain_fen,median_gain_fen,"
                          "poor_households,poor_unreached\nregions,county,622923000000,永靖县,"))
      << csv.out;
  CommandResult list = report("benefit --year 2017 --region 622923000000 --list-unreached --format csv");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(list.out.starts_with("county_code,village_code,village_name,household_id,status\n")) << list.out;
  CommandResult json = report("institutions --year 2018 --format json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_TRUE(json.out.starts_with(R"({"report":"institutions","title_zh":"单位采购",)")) << json.out;

  // Usage errors exit 2 with one line naming the flag; a year without data exits 1.
  const std::pair<const char*, const char*> usage[] = {
      {"benefit --year abc", "--year"},
      {"benefit --region nowhere", "no region 'nowhere'"},
      {"benefit --format xml", "--format"},
      {"poverty --list-unreached", "--list-unreached goes with the benefit report only"},
      {"institutions --list-unreached", "--list-unreached"},
      {"institutions --region 999999999999", "no region '999999999999'"},
  };
  for (const auto& [args, says] : usage) {
    CommandResult r = report(args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
    EXPECT_TRUE(fupin::testing::OneLineError(r.err)) << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << args << ": " << r.err;
    EXPECT_EQ(r.out, "");
  }
  CommandResult year = report("benefit --year 2011");
  EXPECT_EQ(year.exit_code, 1);
  EXPECT_EQ(year.err, "fupin: no registry data for year 2011; years with data: 2012–2020\n");
}

// ---- The API ----------------------------------------------------------------------------------

class BenefitApiTest : public ::testing::TestWithParam<Backend> {};

TEST_P(BenefitApiTest, ReportsAsJsonWithinTheCallersGrant) {
  fupin::testing::ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  fupin::testing::Session official = served.SignIn("official");
  HttpResponse ok = official.Get("/api/v1/reports/benefit?year=2017&region=622923000000");
  ASSERT_EQ(ok.status, 200) << ok.body;
  bj::value body = ParseJson(ok);
  EXPECT_EQ(Str(body.at("report")), "benefit");
  EXPECT_EQ(Str(body.at("region").at("code")), kYongjing);
  EXPECT_EQ(body.at("year").as_int64(), 2017);
  EXPECT_GT(body.at("rows").as_array().size(), 1u);

  // The county operator: its own county by default; another county is refused.
  fupin::testing::Session county = served.SignIn("county");
  HttpResponse own = county.Get("/api/v1/reports/benefit");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(Str(ParseJson(own).at("region").at("code")), kDongxiang);
  EXPECT_EQ(county.Get("/api/v1/reports/benefit?region=622923000000").status, 403);
  EXPECT_EQ(county.Get("/api/v1/reports/institution-purchases?region=622923000000").status, 403);
  HttpResponse purchases = county.Get("/api/v1/reports/institution-purchases?year=2018");
  ASSERT_EQ(purchases.status, 200) << purchases.body;
  EXPECT_EQ(Str(ParseJson(purchases).at("report")), "institutions");

  // Roles without the permission; bad parameters name themselves; a year without data is 404.
  EXPECT_EQ(served.SignIn("buyer").Get("/api/v1/reports/benefit").status, 403);
  EXPECT_EQ(served.SignIn("registry").Get("/api/v1/reports/institution-purchases").status, 403);
  HttpResponse bad_year = official.Get("/api/v1/reports/benefit?year=twenty");
  EXPECT_EQ(bad_year.status, 400);
  EXPECT_EQ(ErrorField(bad_year), "year");
  HttpResponse bad_region = official.Get("/api/v1/reports/institution-purchases?region=nowhere");
  EXPECT_EQ(bad_region.status, 400);
  EXPECT_EQ(ErrorField(bad_region), "region");
  EXPECT_EQ(official.Get("/api/v1/reports/benefit?year=2011").status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, BenefitApiTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::reports
