// The paper-check report: on the small fixture registry (both databases), and
// on synthetic village stats built to reproduce every published figure.
#include <gtest/gtest.h>

#include <set>

#include <fmt/format.h>

#include "base/embedded_data.h"
#include "regions/loader.h"
#include "regions/tree.h"
#include "reports/paper_check.h"
#include "reports/registry_fixture.h"
#include "reports/render.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::reports {
namespace {

using fupin::testing::Backend;
using fupin::testing::ScratchDb;

// The row of `figure` in `section` for `year` (and `scope` when given).
const Row* Find(const Report& r, const std::string& section, const std::string& figure, const std::string& year,
                const std::string& scope = "") {
  for (const Row& row : r.rows) {
    if (row.section == section && r.At(row, "figure").text == figure && r.At(row, "year").text == year &&
        (scope.empty() || r.At(row, "scope").text == scope)) {
      return &row;
    }
  }
  return nullptr;
}

std::string Result(const Report& r, const Row* row) { return row ? r.At(*row, "result").text : "(no row)"; }
std::string Reason(const Report& r, const Row* row) { return row ? r.At(*row, "reason").text : "(no row)"; }
Cell Computed(const Report& r, const Row* row) { return row ? r.At(*row, "computed_value") : Cell::Text("(no row)"); }

class PaperCheckTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto v = schema::Migrate(scratch_.conn());
    ASSERT_TRUE(v.ok()) << v.error().message;
    fixture::BuildRegistry(scratch_.conn());
    tree_ = regions::RegionTree::Load(scratch_.conn());
  }
  ScratchDb scratch_{GetParam()};
  regions::RegionTree tree_;
};

TEST_P(PaperCheckTest, FixtureFiguresComeOutAsComputedWithReasons) {
  auto report = LoadPaperCheck(scratch_.conn(), tree_, 2018);
  ASSERT_TRUE(report.ok()) << report.error().message;
  const Report& r = *report;

  // The 2016 figures read as the deep-poverty villages: 14 poor of 60 people in 2 villages.
  const Row* poor2016 = Find(r, "paper", "poor_people", "2016");
  EXPECT_EQ(Result(r, poor2016), "mismatch");
  EXPECT_EQ(Computed(r, poor2016), Cell::Int(14));
  EXPECT_EQ(r.At(*poor2016, "published_value"), Cell::Int(175700));
  EXPECT_NE(Reason(r, poor2016).find("175,686 fewer than published"), std::string::npos) << Reason(r, poor2016);
  EXPECT_NE(Reason(r, poor2016).find("deep-poverty villages"), std::string::npos);
  EXPECT_EQ(Computed(r, Find(r, "paper", "deep_poverty_villages", "2016")), Cell::Int(2));
  EXPECT_EQ(Computed(r, Find(r, "paper", "deep_poverty_villages_poor", "2016")), Cell::Int(1));
  EXPECT_EQ(Computed(r, Find(r, "paper", "deep_poverty_villages_nonpoor", "2016")), Cell::Int(1));
  const Row* incidence2016 = Find(r, "paper", "poverty_incidence", "2016");
  EXPECT_EQ(Computed(r, incidence2016), Cell::Percent(2333));
  EXPECT_NE(Reason(r, incidence2016).find("8.83 percentage points less"), std::string::npos)
      << Reason(r, incidence2016);

  EXPECT_EQ(Computed(r, Find(r, "paper", "villages_lifted_by_2018", "2018")), Cell::Int(2));
  EXPECT_EQ(Computed(r, Find(r, "paper", "impoverished_villages_remaining", "2018")), Cell::Int(1));
  EXPECT_EQ(Computed(r, Find(r, "paper", "poor_people", "2018")), Cell::Int(6));
  EXPECT_EQ(Computed(r, Find(r, "paper", "poverty_incidence", "2018")), Cell::Percent(107));

  // The tree answers these exactly.
  EXPECT_EQ(Result(r, Find(r, "paper", "county_level_units", "")), "match");
  const Row* townships = Find(r, "paper", "townships", "2018");
  EXPECT_EQ(Result(r, townships), "match");
  EXPECT_EQ(Computed(r, townships), Cell::Int(124));
  EXPECT_NE(Reason(r, townships).find("2023"), std::string::npos);

  const Row* population = Find(r, "paper", "population", "");
  EXPECT_EQ(Result(r, population), "not comparable");
  EXPECT_EQ(Computed(r, population), Cell::Int(560));
  EXPECT_EQ(r.At(*population, "published_value"), Cell::Int(2200000));
  EXPECT_NE(Reason(r, population).find("registered rural population only"), std::string::npos);
  EXPECT_EQ(Result(r, Find(r, "paper", "area", "")), "not answerable");
  EXPECT_EQ(Reason(r, Find(r, "paper", "ecommerce_transaction_volume", "2016")),
            "no e-commerce records (orders)");

  // Cited figures for years without data cannot be answered.
  const Row* poor2012 = Find(r, "cited", "poor_population", "2012");
  EXPECT_EQ(Result(r, poor2012), "not answerable");
  EXPECT_EQ(Reason(r, poor2012), "no registry data for 2012 (years with data: 2016–2018)");

  // County exits: 临夏市 falls below 3 % in 2017 (2.50 %), its batch year; 东乡 in 2018, not 2020.
  const Row* linxia = Find(r, "cited", "poverty_county_exit", "2018", "临夏市");
  EXPECT_EQ(Result(r, linxia), "match");
  EXPECT_EQ(Computed(r, linxia), Cell::Year(2017));
  EXPECT_EQ(r.At(*linxia, "published_value"), Cell::Year(2017));
  EXPECT_NE(Reason(r, linxia).find("first below 3.00 % in 2017 (2.50 %)"), std::string::npos) << Reason(r, linxia);
  const Row* dongxiang = Find(r, "cited", "poverty_county_exit", "2020", "东乡族自治县");
  EXPECT_EQ(Result(r, dongxiang), "mismatch");
  EXPECT_EQ(Computed(r, dongxiang), Cell::Year(2018));
  EXPECT_NE(Reason(r, dongxiang).find("records give 2018, 2 years earlier than the 2020 batch"), std::string::npos)
      << Reason(r, dongxiang);
  const Row* kangle = Find(r, "cited", "poverty_county_exit", "2020", "康乐县");
  EXPECT_EQ(Result(r, kangle), "not answerable");
  EXPECT_EQ(Reason(r, kangle), "no registry data for 康乐县 in any year");

  // Every row has a source; the summary counts the results.
  int match = 0, mismatch = 0, other = 0;
  for (const Row& row : r.rows) {
    EXPECT_FALSE(r.At(row, "source").text.empty());
    EXPECT_FALSE(r.At(row, "reason").text.empty());
    std::string result = r.At(row, "result").text;
    (result == "match" ? match : result == "mismatch" ? mismatch : other)++;
  }
  EXPECT_EQ(r.summary, fmt::format("{} match, {} mismatch, {} not answerable", match, mismatch, other));
  EXPECT_TRUE(RenderTable(r).ends_with("\n" + r.summary + "\n"));
}

TEST_P(PaperCheckTest, ExitYearUsesTheConfiguredCountyThreshold) {
  // At 5 %, 东乡 (5.56 % in 2016, 4.44 % in 2017) exits in 2017.
  scratch_.conn().Exec("UPDATE settings SET value = '5' WHERE key = 'county_exit_threshold_percent'");
  auto r = LoadPaperCheck(scratch_.conn(), tree_, 2018);
  ASSERT_TRUE(r.ok());
  const Row* dongxiang = Find(*r, "cited", "poverty_county_exit", "2020", "东乡族自治县");
  EXPECT_EQ(Computed(*r, dongxiang), Cell::Year(2017));
  EXPECT_NE(Reason(*r, dongxiang).find("first below 5.00 % in 2017 (4.44 %)"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, PaperCheckTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

// Synthetic stats built to reproduce every published figure: all that the
// records can answer must then match, which checks each figure's reading.
class SyntheticPaperCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    auto regions = regions::ParseDivisions(embedded::DivisionsCsv(), embedded::CoordinatesCsv());
    ASSERT_TRUE(regions.ok()) << regions.error().message;
    tree_ = regions::RegionTree::FromRegions(std::move(*regions));
    std::set<std::string> anchors;
    for (const regions::Region* county : tree_.Children(tree_.Root()->code)) {
      for (const regions::Region* r : tree_.Subtree(county->code)) {
        if (r->IsAdministrativeVillage()) {
          anchor_.push_back(r->code);
          anchors.insert(r->code);
          break;
        }
      }
    }
    for (const regions::Region& r : tree_.All()) {
      if (r.IsAdministrativeVillage() && !anchors.contains(r.code)) others_.push_back(r.code);
    }
    ASSERT_EQ(anchor_.size(), 8u);
  }

  static registry::VillageYearStats Village(const std::string& code, int64_t population, int64_t poor,
                                            registry::VillageStatus status = registry::VillageStatus::kNotPoor,
                                            bool deep = false) {
    registry::VillageYearStats v;
    v.village_code = code;
    v.population = population;
    v.poor = poor;
    v.status = status;
    v.deep_poverty = deep;
    return v;
  }

  // One year: (population, poor) of each county in code order (临夏市, 临夏县, 康乐, 永靖, 广河, 和政, 东乡,
  // 积石山), on its first village, plus `extra` villages.
  void Year(int year, std::vector<std::pair<int64_t, int64_t>> counties,
            std::vector<registry::VillageYearStats> extra = {}) {
    for (size_t i = 0; i < 8; ++i) extra.push_back(Village(anchor_[i], counties[i].first, counties[i].second));
    input_.years.emplace(year, AggregatePoverty(tree_, *tree_.Root(), year, extra));
  }

  regions::RegionTree tree_;
  std::vector<std::string> anchor_;  // the first administrative village of each county
  std::vector<std::string> others_;
  PaperCheckInput input_;
};

TEST_F(SyntheticPaperCheck, EveryAnswerableFigureMatchesWhenTheRecordsReproduceThem) {
  using registry::VillageStatus;
  const std::pair<int64_t, int64_t> p10{100000, 10000}, p2{100000, 2000}, p1{100000, 1000};
  // 2012: 733,000 poor, 42.20 % (1,736,967 people).
  Year(2012, {p10, {1036967, 663000}, p10, p10, p10, p10, p10, p10});
  // 2013: 东乡 109,200 poor, 38.74 %.
  Year(2013, {p10, p10, p10, p10, p10, p10, {281879, 109200}, p10});
  // 2016: 412 deep-poverty villages (323 poor) with 175,700 poor of 546,330 (32.16 %); prefecture 298,400 poor.
  std::vector<registry::VillageYearStats> deep;
  for (size_t i = 0; i < 412; ++i) {
    deep.push_back(Village(others_[i], i == 0 ? 546330 : 0, i == 0 ? 175700 : 0,
                           i < 323 ? VillageStatus::kPoor : VillageStatus::kNotPoor, true));
  }
  Year(2016, {p10, {100000, 52700}, p10, p10, p10, p10, p10, p10}, deep);
  // 2017: 临夏市 below 3 %.
  Year(2017, {p2, p10, p10, p10, p10, p10, p10, p10});
  // 2018: 163,800 poor, 8.97 % (1,826,087 people); 489 poor villages, 160 exited.
  std::vector<registry::VillageYearStats> statuses;
  for (size_t i = 0; i < 489 + 160; ++i) {
    statuses.push_back(Village(others_[i], 0, 0, i < 489 ? VillageStatus::kPoor : VillageStatus::kExited));
  }
  Year(2018, {p1, {1126087, 102800}, p10, p10, p10, p10, p10, p10}, statuses);
  // 2019: the five counties of the 2019 batch below 3 %; 东乡 12,800 poor, 4.25 %.
  Year(2019, {p1, p10, p2, p2, p2, p2, {301176, 12800}, p2});
  // 2020: everyone below.
  Year(2020, {p1, p1, p1, p1, p1, p1, p1, p1});

  input_.tree = &tree_;
  input_.year = 2020;
  input_.county_exit_threshold = 300;
  input_.headline_csv = embedded::HeadlineFiguresCsv();
  input_.statistics_csv = embedded::StatisticsCsv();
  auto report = PaperCheckReport(input_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  const Report& r = *report;

  const std::set<std::string> answerable = {"county_level_units",           "poor_people",
                                            "deep_poverty_villages",        "deep_poverty_villages_poor",
                                            "deep_poverty_villages_nonpoor", "poverty_incidence",
                                            "villages_lifted_by_2018",      "impoverished_villages_remaining",
                                            "townships"};
  int match = 0;
  for (const Row& row : r.rows) {
    std::string figure = r.At(row, "figure").text;
    std::string result = r.At(row, "result").text;
    bool expect_answer =
        row.section == "cited" ? r.At(row, "year").text != "2011" : answerable.contains(figure);
    EXPECT_EQ(result, expect_answer ? "match" : (figure == "population" ? "not comparable" : "not answerable"))
        << row.section << " " << figure << " " << r.At(row, "year").text << " " << r.At(row, "scope").text << ": "
        << r.At(row, "reason").text;
    match += result == "match";
  }
  // 11 of the paper's figures; 5 prefecture and 4 东乡 poverty figures and 8 county exits from statistics.csv.
  EXPECT_EQ(match, 11 + 9 + 8);
  EXPECT_EQ(r.summary, fmt::format("28 match, 0 mismatch, {} not answerable", r.rows.size() - 28));
}

// The e-commerce figures: from MarketFigures per (period, region), each read
// as the headline file's note says (exactly, a lower bound, or about: 4 %).
class MarketPaperCheck : public SyntheticPaperCheck {
 protected:
  void SetUp() override {
    SyntheticPaperCheck::SetUp();
    input_.tree = &tree_;
    input_.year = 2020;
    input_.headline_csv = embedded::HeadlineFiguresCsv();
    input_.statistics_csv = embedded::StatisticsCsv();
    prefecture_.any_orders = prefecture_.any_ledger = prefecture_.any_outlets = true;
    prefecture_.outlets = 800;
    prefecture_.volume_fen = 12'000'000'000;
    yongjing_.any_orders = yongjing_.any_ledger = yongjing_.any_outlets = true;
    yongjing_.apples_kg = 50'000;
    yongjing_.lilies_kg = 5'000;
    yongjing_.outlet_goods_fen = 15'000'000;
    yongjing_.poor_households = 260;
    yongjing_.gain_fen = 260 * 50'000;
  }
  Report Run() {
    input_.market[{"2016", "622900000000"}] = prefecture_;
    input_.market[{"2017-08", "622923000000"}] = yongjing_;
    auto r = PaperCheckReport(input_);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : Report{};
  }
  MarketFigures prefecture_, yongjing_;
};

TEST_F(MarketPaperCheck, EveryEcommerceFigureMatchesWhenTheRecordsReproduceIt) {
  Report r = Run();
  const std::vector<std::pair<std::string, std::string>> figures = {
      {"network_outlets", "2016"},
      {"ecommerce_transaction_volume", "2016"},
      {"bingtangxin_apples_sold_online", "2017-08"},
      {"lilies_sold_online", "2017-08"},
      {"offline_retail_products_sold_online", "2017-08"},
      {"poor_households_helped", "2017-08"},
      {"income_increase_per_household", "2017-08"}};
  for (const auto& [figure, period] : figures) {
    const Row* row = Find(r, "paper", figure, period);
    EXPECT_EQ(Result(r, row), "match") << figure << ": " << Reason(r, row);
  }
  EXPECT_EQ(Computed(r, Find(r, "paper", "ecommerce_transaction_volume", "2016")), Cell::Int(120'000'000));
  EXPECT_EQ(Computed(r, Find(r, "paper", "income_increase_per_household", "2017-08")), Cell::Int(500));
  EXPECT_NE(Reason(r, Find(r, "paper", "bingtangxin_apples_sold_online", "2017-08")).find("lower bound"),
            std::string::npos);
  EXPECT_NE(Reason(r, Find(r, "paper", "poor_households_helped", "2017-08")).find("永靖县"), std::string::npos);
  EXPECT_NE(r.summary.find(", 0 mismatch,"), std::string::npos) << r.summary;
}

TEST_F(MarketPaperCheck, EachReadingDecidesMatchOrMismatch) {
  // A lower bound is met by more and missed by less; "about" allows 4 %; counts and money are exact.
  yongjing_.apples_kg = 80'000;
  yongjing_.lilies_kg = 4'999;
  yongjing_.gain_fen = 260 * 52'000;  // 520 yuan: the edge of 4 %
  prefecture_.volume_fen = 12'000'000'001;
  prefecture_.outlets = 799;
  Report r = Run();
  EXPECT_EQ(Result(r, Find(r, "paper", "bingtangxin_apples_sold_online", "2017-08")), "match");
  const Row* lilies = Find(r, "paper", "lilies_sold_online", "2017-08");
  EXPECT_EQ(Result(r, lilies), "mismatch");
  EXPECT_NE(Reason(r, lilies).find("records give 1 fewer than published"), std::string::npos) << Reason(r, lilies);
  EXPECT_EQ(Result(r, Find(r, "paper", "income_increase_per_household", "2017-08")), "match");
  const Row* volume = Find(r, "paper", "ecommerce_transaction_volume", "2016");
  EXPECT_EQ(Result(r, volume), "mismatch");
  EXPECT_NE(Reason(r, volume).find("records give 0.01 yuan more"), std::string::npos) << Reason(r, volume);
  EXPECT_EQ(Result(r, Find(r, "paper", "network_outlets", "2016")), "mismatch");

  yongjing_.gain_fen = 260 * 52'001;  // just over 4 %
  r = Run();
  EXPECT_EQ(Result(r, Find(r, "paper", "income_increase_per_household", "2017-08")), "mismatch");
}

TEST_F(MarketPaperCheck, AnEmptyMarketplaceIsNotAnswerable) {
  prefecture_ = MarketFigures{};
  yongjing_ = MarketFigures{};
  Report r = Run();
  EXPECT_EQ(Reason(r, Find(r, "paper", "network_outlets", "2016")), "no village outlet records");
  EXPECT_EQ(Reason(r, Find(r, "paper", "lilies_sold_online", "2017-08")), "no e-commerce records (orders)");
  yongjing_.any_orders = true;
  r = Run();
  EXPECT_EQ(Reason(r, Find(r, "paper", "poor_households_helped", "2017-08")), "no benefit ledger records");
  EXPECT_EQ(Result(r, Find(r, "paper", "lilies_sold_online", "2017-08")), "mismatch");
}

}  // namespace
}  // namespace fupin::reports
