// The indicator catalogue and the reports built on it: the catalogue's rules
// and arithmetic on hand-made figures; on the scale-0.01 demo (registry,
// marketplace, logistics network and one day's plan; SQLite and PostgreSQL)
// every count of every county and of the prefecture against its own plain SQL,
// trend and drill-down against the poverty report, "no data" where the records
// hold nothing, coverage, logistics and Table 1; the command's flags and
// errors through the real binary; GET /api/v1/reports/… with its permissions.
#include "reports/indicator_reports.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <map>

#include "logistics/logistics_fixture.h"
#include "reports/catalogue.h"
#include "reports/counts.h"
#include "reports/paper_check.h"
#include "reports/poverty.h"
#include "reports/render.h"
#include "testing/api_json.h"
#include "testing/served_demo.h"
#include "testing/test_db.h"

namespace fupin::reports {
namespace {

using fupin::testing::CommandResult;
using fupin::testing::ErrorField;
using fupin::testing::HttpResponse;
using fupin::testing::ParseJson;
using fupin::testing::RunFupin;
using fupin::testing::SelectInt;
using fupin::testing::Str;
namespace bj = boost::json;

constexpr const char* kPrefecture = "622900000000";
constexpr const char* kDongxiang = "622926000000";
constexpr const char* kYongjing = "622923000000";

// ---- The catalogue ------------------------------------------------------------------

TEST(IndicatorCatalogueTest, TheBuiltInCatalogueHasEveryIndicatorAskedFor) {
  const IndicatorCatalogue& c = IndicatorCatalogue::BuiltIn();
  for (const char* code :
       {"poverty_incidence", "poor_people", "poor_villages", "deep_poverty_villages", "deep_poverty_villages_poor",
        "deep_poverty_villages_nonpoor", "households_exited", "households_monitored", "ecommerce_volume",
        "online_shops", "station_coverage", "point_coverage", "poor_households_reached", "poor_mean_gain",
        "logistics_cost_per_parcel", "door_service_share", "trained_people", "trained_selling_online"}) {
    const Indicator* ind = c.Find(code);
    ASSERT_NE(ind, nullptr) << code;
    for (const std::string& count : ind->Counts()) EXPECT_NE(FindCount(count), nullptr) << code << ": " << count;
  }
  const Indicator& incidence = *c.Find("poverty_incidence");
  EXPECT_EQ(incidence.numerator, "poor_people");
  EXPECT_EQ(incidence.denominator, "rural_population");
  EXPECT_EQ(incidence.factor, 100);
  EXPECT_EQ(incidence.decimals, 2);
  auto unknown = c.Get("poverty_rate");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "indicator");
  EXPECT_NE(unknown.error().message.find("valid indicators: poverty_incidence, poor_people"), std::string::npos)
      << unknown.error().message;
}

TEST(IndicatorCatalogueTest, ABadCatalogueNamesThePlaceAndTheReason) {
  struct Case {
    std::string json;
    const char* field;
    const char* says;
  };
  const std::string ok = R"("code": "x", "name_zh": "甲", "name_en": "X", "numerator": "poor_people")";
  const Case cases[] = {
      {"[1", "catalogue", "not JSON"},
      {"[]", "catalogue", "must be a JSON object"},
      {"{}", "indicators", "needs \"indicators\""},
      {R"({"indicators": []})", "indicators", "no indicators"},
      {R"({"indicators": [], "extra": 1})", "catalogue", "catalogue.extra is not a field"},
      {R"({"indicators": [7]})", "indicators[0]", "must be an object"},
      {"{\"indicators\": [{" + ok + ", \"colour\": \"red\"}]}", "indicators[0].colour", "is not a field"},
      {R"({"indicators": [{"name_zh": "甲", "name_en": "X", "numerator": "poor_people"}]})", "indicators[0].code",
       "is missing"},
      {R"({"indicators": [{"code": "Poverty", "name_zh": "甲", "name_en": "X", "numerator": "poor_people"}]})",
       "indicators[0].code", "snake_case"},
      {R"({"indicators": [{"code": "x", "name_zh": "甲", "name_en": "X", "numerator": "poor_peple"}]})",
       "indicators[0].numerator", "'poor_peple' is not a count; the counts are: households, rural_population"},
      {"{\"indicators\": [{" + ok + ", \"denominator\": \"people\"}]}", "indicators[0].denominator",
       "'people' is not a count"},
      {"{\"indicators\": [{" + ok + ", \"factor\": 0}]}", "indicators[0].factor", "is 0; it must be from 1"},
      {"{\"indicators\": [{" + ok + ", \"factor\": 1.5}]}", "indicators[0].factor", "whole number"},
      {"{\"indicators\": [{" + ok + ", \"decimals\": 7}]}", "indicators[0].decimals", "from 0 to 6"},
      {"{\"indicators\": [{" + ok + ", \"unit_en\": 3}]}", "indicators[0].unit_en", "must be a string"},
      {"{\"indicators\": [{" + ok + "}, {" + ok + "}]}", "indicators[1].code", "'x' is used twice"},
  };
  for (const Case& c : cases) {
    auto parsed = IndicatorCatalogue::Parse(c.json);
    ASSERT_FALSE(parsed.ok()) << c.json;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(parsed.error().field, c.field) << c.json << ": " << parsed.error().message;
    EXPECT_NE(parsed.error().message.find(c.says), std::string::npos) << c.json << ": " << parsed.error().message;
  }
  auto one = IndicatorCatalogue::Parse("{\"indicators\": [{" + ok + "}]}");
  ASSERT_TRUE(one.ok()) << one.error().message;
  ASSERT_EQ(one->All().size(), 1u);
  EXPECT_EQ(one->All()[0].factor, 1);
  EXPECT_EQ(one->All()[0].denominator, "");
}

// A table of figures made by hand for region R.
CountTable Figures(std::map<std::string, int64_t> values, std::vector<std::string> missing = {}) {
  CountTable t;
  t.SetYear(2018);
  for (const auto& [count, value] : values) {
    t.SetAvailable(count, true);
    t.SetValue(count, "R", value);
  }
  for (const std::string& m : missing) t.SetAvailable(m, false);
  return t;
}

TEST(IndicatorCatalogueTest, ValuesRoundHalfAwayFromZeroAndSayWhyThereIsNone) {
  Indicator share{"share", "比", "share", "poor_people", "rural_population", 100, 1, 2, "%", "%", ""};
  struct Case {
    int64_t numerator, denominator, scaled;
  };
  // 1/8 = 12.5 %, 1/3 = 33.333 %, 2/3 = 66.667 %, 1/16 = 6.25 %, 1/80000 = 0.00125 %.
  for (const Case& c : {Case{1, 8, 1250}, Case{1, 3, 3333}, Case{2, 3, 6667}, Case{1, 16, 625}, Case{1, 80000, 0},
                        Case{3, 160000, 0}, Case{1, 40000, 0}, Case{1, 20000, 1}, Case{5, 5, 10000}}) {
    const IndicatorValue v =
        Evaluate(share, Figures({{"poor_people", c.numerator}, {"rural_population", c.denominator}}), "R");
    ASSERT_TRUE(v.scaled) << c.numerator << "/" << c.denominator;
    EXPECT_EQ(*v.scaled, c.scaled) << c.numerator << "/" << c.denominator;
    EXPECT_EQ(v.numerator, c.numerator);
    EXPECT_EQ(v.denominator, c.denominator);
  }
  // Half away from zero on the negative side too (a gain may be negative); fen shown as yuan.
  Indicator gain{"gain", "增收", "gain", "poor_gain_fen", "poor_households_reached", 1, 100, 2, "元", "yuan", ""};
  EXPECT_EQ(*Evaluate(gain, Figures({{"poor_gain_fen", -1}, {"poor_households_reached", 2}}), "R").scaled, -1);
  EXPECT_EQ(*Evaluate(gain, Figures({{"poor_gain_fen", 100001}, {"poor_households_reached", 2}}), "R").scaled, 50001);
  EXPECT_EQ(*Evaluate(gain, Figures({{"poor_gain_fen", -3}, {"poor_households_reached", 2}}), "R").scaled, -2);
  // No overflow on large counts: 9e15 fen over 3 households, in yuan.
  EXPECT_EQ(
      *Evaluate(gain, Figures({{"poor_gain_fen", 9'000'000'000'000'000}, {"poor_households_reached", 3}}), "R").scaled,
      3'000'000'000'000'000);

  // A region with nothing recorded has 0 (not no data); a zero denominator is no data; a source without records is.
  const IndicatorValue zero = Evaluate(share, Figures({{"poor_people", 0}, {"rural_population", 10}}), "R");
  EXPECT_EQ(*zero.scaled, 0);
  const IndicatorValue empty = Evaluate(share, Figures({{"poor_people", 0}, {"rural_population", 0}}), "R");
  EXPECT_FALSE(empty.scaled);
  EXPECT_FALSE(empty.no_records);
  EXPECT_EQ(empty.no_data, "rural_population is 0");
  EXPECT_EQ(ValueCell(share, empty), Cell::Empty("no data"));
  const IndicatorValue none = Evaluate(share, Figures({{"poor_people", 5}}, {"rural_population"}), "R");
  EXPECT_FALSE(none.scaled);
  EXPECT_TRUE(none.no_records);
  EXPECT_EQ(none.no_data, "no registry records for 2018");
  Indicator count{"count", "人", "people", "poor_people", "", 1, 1, 0, "", "", ""};
  EXPECT_EQ(ValueCell(count, Evaluate(count, Figures({{"poor_people", 42}}), "R")), Cell::Decimal(42, 0));
}

// ---- On the demo ---------------------------------------------------------------------

class IndicatorDemoTest : public logistics::LogisticsDbTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(LogisticsDbTest::SetUp());
    // One day's plan for Dongxiang: the plans hold data for 2020 only.
    logistics::PlanRequest request;
    request.date = "2020-12-28";
    request.region = kDongxiang;
    accounts::Principal admin = logistics::As(accounts::Role::kAdmin, kPrefecture);
    auto run = service_->Plan(logistics::Actor{&admin, "192.0.2.1", ""}, request);
    ASSERT_TRUE(run.ok()) << run.error().message;
  }

  Result<Report> Build(IndicatorQuery q) { return BuildIndicatorReport(conn(), tree_, q); }

  // The total row, and the row of `code`, of a by-region report.
  static const Row& RowOf(const Report& r, const std::string& code) {
    for (const Row& row : r.rows) {
      if (r.At(row, "region_code").text == code) return row;
    }
    static const Row none;
    ADD_FAILURE() << code << " not in " << r.name;
    return none;
  }

  std::vector<std::string> Counties() {
    std::vector<std::string> out;
    for (const regions::Region* c : tree_.Children(kPrefecture)) out.push_back(c->code);
    return out;
  }
};

// Every count, for the prefecture and each county, against plain SQL over the
// records; the counties add up to the prefecture.
TEST_P(IndicatorDemoTest, EveryCountIsWhatPlainSqlSays) {
  std::vector<std::string> all;
  for (const CountInfo& c : CountCatalogue()) all.push_back(c.name);
  for (const int year : {2016, 2018, 2020}) {
    const CountTable t = LoadCounts(conn(), tree_, year, all);
    EXPECT_EQ(t.unplaced(), 0);
    const std::string y = std::to_string(year);
    const std::string from = y + "-01-01", to = std::to_string(year + 1) + "-01-01", last = y + "-12-31";
    std::vector<std::string> regions = Counties();
    regions.push_back("");  // the prefecture
    for (const std::string& county : regions) {
      const std::string at = county.empty() ? kPrefecture : county;
      SCOPED_TRACE(fmt::format("{} {}", year, at));
      // `sql` has ? for the year-like parameters in `params`, then (? = '' OR <column> = ?) for the county.
      auto expect = [&](const char* count, const std::string& sql, std::vector<std::string> params) {
        params.push_back(county);
        params.push_back(county);
        ASSERT_TRUE(t.Available(count)) << count;
        EXPECT_EQ(t.Value(count, at), SelectInt(conn(), sql, params)) << count;
      };
      const std::string hy = "SELECT {} FROM household_years WHERE year = ? AND {} AND (? = '' OR county_code = ?)";
      expect("households", fmt::format(fmt::runtime(hy), "COUNT(*)", "1 = 1"), {y});
      expect("rural_population", fmt::format(fmt::runtime(hy), "SUM(members)", "1 = 1"), {y});
      expect("poor_households", fmt::format(fmt::runtime(hy), "COUNT(*)", "status = 'poor'"), {y});
      expect("poor_people", fmt::format(fmt::runtime(hy), "SUM(members)", "status = 'poor'"), {y});
      expect("exited_households", fmt::format(fmt::runtime(hy), "COUNT(*)", "status = 'exited'"), {y});
      expect("monitored_households", fmt::format(fmt::runtime(hy), "COUNT(*)", "status = 'monitored'"), {y});
      const std::string vy =
          "SELECT COUNT(*) FROM villages v JOIN village_years y ON y.village_code = v.village_code AND y.year = ? "
          "WHERE {} AND (? = '' OR v.county_code = ?)";
      expect("poor_villages", fmt::format(fmt::runtime(vy), "y.status = 'poor'"), {y});
      expect("exited_villages", fmt::format(fmt::runtime(vy), "y.status = 'exited'"), {y});
      expect("registered_poor_villages", fmt::format(fmt::runtime(vy), "y.status IN ('poor', 'exited')"), {y});
      expect("deep_poverty_villages_poor", fmt::format(fmt::runtime(vy), "v.deep_poverty = 1 AND y.status = 'poor'"),
             {y});
      expect("deep_poverty_villages",
             "SELECT COUNT(*) FROM villages WHERE deep_poverty = 1 AND (? = '' OR county_code = ?)", {});
      EXPECT_EQ(t.Value("deep_poverty_villages_poor", at) + t.Value("deep_poverty_villages_nonpoor", at),
                t.Value("deep_poverty_villages", at));
      const std::string prefix = county.empty() ? "6229" : county.substr(0, 6);
      expect("villages",
             "SELECT COUNT(*) FROM regions WHERE level = 'village' AND kind = 'villagers_committee' AND code LIKE ? "
             "AND (? = '' OR ? <> '')",
             {prefix + "%"});
      expect("townships",
             "SELECT COUNT(*) FROM regions WHERE level = 'township' AND kind <> 'subdistrict' AND code LIKE ? "
             "AND (? = '' OR ? <> '')",
             {prefix + "%"});
      expect("outlets", "SELECT COUNT(*) FROM outlets WHERE created_at < ? AND (? = '' OR county_code = ?)", {to});
      const std::string paid =
          "FROM orders o JOIN order_lines ol ON ol.order_id = o.order_id JOIN suppliers s ON s.supplier_id = "
          "ol.supplier_id WHERE o.paid_at >= ? AND o.paid_at < ? AND o.state <> 'refunded' AND (? = '' OR "
          "s.county_code = ?)";
      expect("transaction_volume_fen", "SELECT SUM(ol.amount_fen) " + paid, {from, to});
      expect("online_shops", "SELECT COUNT(DISTINCT ol.supplier_id) " + paid, {from, to});
      const std::string open =
          "FROM logistics_facilities WHERE tier = '{}' AND opened_on <= ? AND (closed_on IS NULL OR closed_on > ?) "
          "AND (? = '' OR county_code = ?)";
      expect("service_centers", "SELECT COUNT(*) " + fmt::format(fmt::runtime(open), "center"), {last, last});
      expect("stations", "SELECT COUNT(*) " + fmt::format(fmt::runtime(open), "station"), {last, last});
      expect("village_points", "SELECT COUNT(*) " + fmt::format(fmt::runtime(open), "point"), {last, last});
      expect("townships_with_station",
             "SELECT COUNT(DISTINCT serves_region_code) " + fmt::format(fmt::runtime(open), "station"), {last, last});
      expect("villages_with_point",
             "SELECT COUNT(DISTINCT serves_region_code) " + fmt::format(fmt::runtime(open), "point"), {last, last});
      expect("registered_poor_villages_with_point",
             "SELECT COUNT(DISTINCT f.serves_region_code) FROM logistics_facilities f JOIN village_years y ON "
             "y.village_code = f.serves_region_code AND y.year = ? AND y.status IN ('poor', 'exited') WHERE "
             "f.tier = 'point' AND f.opened_on <= ? AND (f.closed_on IS NULL OR f.closed_on > ?) AND (? = '' OR "
             "f.county_code = ?)",
             {y, last, last});
      // The benefit ledger: households with net credits above zero; of them, the registered poor of the year.
      const std::string reached =
          "SELECT household_id, SUM(amount_fen) AS c, SUM(COALESCE(local_value_fen, 0)) AS l FROM ledger WHERE "
          "year = ? AND (? = '' OR county_code = ?) GROUP BY household_id HAVING SUM(amount_fen) > 0";
      const std::string poor =
          "SELECT household_id FROM household_years WHERE year = ? AND (status IN ('poor', 'monitored') OR "
          "(status = 'exited' AND exit_year = ?))";
      auto ledger = [&](const std::string& what, bool only_poor) {
        return SelectInt(conn(),
                         "SELECT " + what + " FROM (" + reached + ") r" +
                             (only_poor ? " WHERE r.household_id IN (" + poor + ")" : ""),
                         only_poor ? std::vector<std::string>{y, county, county, y, y}
                                   : std::vector<std::string>{y, county, county});
      };
      if (t.Available("households_reached")) {
        EXPECT_EQ(t.Value("households_reached", at), ledger("COUNT(*)", false));
        EXPECT_EQ(t.Value("ecommerce_income_fen", at), ledger("SUM(r.c)", false));
        EXPECT_EQ(t.Value("poor_households_reached", at), ledger("COUNT(*)", true));
        EXPECT_EQ(t.Value("poor_gain_fen", at), ledger("SUM(r.c - r.l)", true));
      } else {
        EXPECT_EQ(SelectInt(conn(), "SELECT COUNT(*) FROM ledger WHERE year = ?", {y}), 0);
      }
      const std::string plans =
          "FROM logistics_plan_villages pv JOIN logistics_plans p ON p.plan_id = pv.plan_id WHERE p.plan_date >= ? "
          "AND p.plan_date <= ? AND (? = '' OR pv.county_code = ?)";
      if (year == 2020) {
        expect("planned_village_days", "SELECT COUNT(*) " + plans, {from, last});
        expect("village_days_on_route", "SELECT COUNT(*) " + plans + " AND pv.served = 'route'", {from, last});
        expect("planned_parcels", "SELECT SUM(pv.parcels_in + pv.parcels_out) " + plans, {from, last});
        expect("logistics_cost_fen", "SELECT SUM(pv.cost_fen) " + plans, {from, last});
      } else {
        EXPECT_FALSE(t.Available("planned_parcels"));
      }
      EXPECT_FALSE(t.Available("trained_people"));
      EXPECT_FALSE(t.Available("trained_selling_online"));
    }
    // The counties add up to the prefecture, count by count.
    for (const std::string& count : all) {
      if (!t.Available(count)) continue;
      int64_t sum = 0;
      for (const std::string& c : Counties()) sum += t.Value(count, c);
      EXPECT_EQ(sum, t.Value(count, kPrefecture)) << count << " " << year;
    }
  }
  // What the demo holds that the checks above rest on.
  EXPECT_GT(SelectInt(conn(), "SELECT COUNT(*) FROM orders WHERE paid_at >= '2018' AND paid_at < '2019'"), 0);
  EXPECT_GT(SelectInt(conn(), "SELECT COUNT(*) FROM ledger WHERE year = 2018"), 0);
  EXPECT_GT(SelectInt(conn(), "SELECT COUNT(*) FROM logistics_plan_villages"), 0);
}

// trend and the drill-down agree with the poverty report, year by year and child by child.
TEST_P(IndicatorDemoTest, TrendAndDrillDownAgreeWithThePovertyReport) {
  auto trend = Build({"trend", "poverty_incidence", std::nullopt, std::nullopt, std::nullopt, kDongxiang});
  ASSERT_TRUE(trend.ok()) << trend.error().message;
  ASSERT_EQ(trend->rows.size(), 9u);  // 2012–2020, the years with registry data
  const regions::Region& dongxiang = *tree_.Find(kDongxiang);
  for (const Row& row : trend->rows) {
    const int year = static_cast<int>(trend->At(row, "year").number);
    const Report poverty = PovertyReport(LoadPovertyBreakdown(conn(), tree_, dongxiang, year));
    const Row& total = poverty.rows.back();
    EXPECT_EQ(trend->At(row, "value").number, poverty.At(total, "poverty_incidence").number) << year;
    EXPECT_EQ(trend->At(row, "numerator").number, poverty.At(total, "poor_people").number) << year;
    EXPECT_EQ(trend->At(row, "denominator").number, poverty.At(total, "rural_population").number) << year;
  }
  for (const char* code : {"poverty_incidence", "poor_villages", "deep_poverty_villages_nonpoor"}) {
    auto drill = Build({"indicator", code, 2016, std::nullopt, std::nullopt, ""});
    ASSERT_TRUE(drill.ok()) << drill.error().message;
    const Report poverty = PovertyReport(LoadPovertyBreakdown(conn(), tree_, *tree_.Root(), 2016));
    ASSERT_EQ(drill->rows.size(), poverty.rows.size()) << code;
    int64_t sum = 0;
    for (size_t i = 0; i < drill->rows.size(); ++i) {
      const Row& mine = drill->rows[i];
      const Row& theirs = poverty.rows[i];
      EXPECT_EQ(drill->At(mine, "region_code").text, poverty.At(theirs, "region_code").text);
      EXPECT_EQ(mine.total, theirs.total);
      EXPECT_EQ(drill->At(mine, "value").number, poverty.At(theirs, code).number)
          << code << " " << drill->At(mine, "region_code").text;
      if (!mine.total) sum += drill->At(mine, "numerator").number;
    }
    EXPECT_EQ(sum, drill->At(drill->rows.back(), "numerator").number) << code;
  }
  // A township drills down to its villages.
  const std::string township = tree_.Children(kDongxiang).front()->code;
  auto villages = Build({"indicator", "poor_people", 2018, std::nullopt, std::nullopt, township});
  ASSERT_TRUE(villages.ok()) << villages.error().message;
  EXPECT_EQ(villages->At(villages->rows.front(), "level").text, "village");
  EXPECT_EQ(villages->At(villages->rows.back(), "numerator").number,
            SelectInt(conn(),
                      "SELECT SUM(members) FROM household_years WHERE year = 2018 AND status = 'poor' AND "
                      "village_code LIKE ?",
                      {township.substr(0, 9) + "%"}));
}

TEST_P(IndicatorDemoTest, NoDataIsSaidNeverZero) {
  auto all = Build({"indicators", "", 2016, std::nullopt, std::nullopt, ""});
  ASSERT_TRUE(all.ok()) << all.error().message;
  std::map<std::string, const Row*> by_code;
  for (const Row& row : all->rows) by_code[all->At(row, "indicator").text] = &row;
  ASSERT_EQ(by_code.size(), IndicatorCatalogue::BuiltIn().All().size());
  for (const char* code :
       {"trained_people", "trained_selling_online", "logistics_cost_per_parcel", "door_service_share"}) {
    const Row& row = *by_code.at(code);
    EXPECT_EQ(all->At(row, "value"), Cell::Empty("no data")) << code;
    EXPECT_TRUE(all->At(row, "numerator").empty()) << code;
    EXPECT_NE(all->At(row, "no_data").text.find(" records for 2016"), std::string::npos) << code;
  }
  EXPECT_EQ(all->At(*by_code.at("trained_people"), "no_data").text, "no training records for 2016");
  EXPECT_EQ(all->At(*by_code.at("logistics_cost_per_parcel"), "no_data").text, "no plans records for 2016");
  for (const char* code : {"poverty_incidence", "ecommerce_volume", "station_coverage", "point_coverage"}) {
    EXPECT_TRUE(all->At(*by_code.at(code), "value").IsNumber()) << code;
  }
  // JSON says null, CSV says nothing, the table says "no data".
  const std::string json = RenderJson(*all);
  EXPECT_NE(json.find(R"({"indicator":"trained_people","name_zh":"电商培训人数","name_en":"People trained in )"
                      R"(e-commerce","value":null,)"),
            std::string::npos)
      << json;
  EXPECT_NE(RenderTable(*all).find("no data"), std::string::npos);
  EXPECT_NE(all->summary.find("no data for 4"), std::string::npos) << all->summary;

  // A year before any order: the marketplace's indicators have no data, for every county too.
  ASSERT_EQ(SelectInt(conn(), "SELECT COUNT(*) FROM orders WHERE paid_at < '2013'"), 0);
  auto volume = Build({"indicator", "ecommerce_volume", 2012, std::nullopt, std::nullopt, ""});
  ASSERT_TRUE(volume.ok()) << volume.error().message;
  for (const Row& row : volume->rows) EXPECT_EQ(volume->At(row, "value"), Cell::Empty("no data"));
}

TEST_P(IndicatorDemoTest, CoverageLogisticsAndTableOne) {
  // Coverage at the end of 2016: the paper's 25 stations in 124 townships.
  auto coverage = Build({"coverage", "", 2016, std::nullopt, std::nullopt, ""});
  ASSERT_TRUE(coverage.ok()) << coverage.error().message;
  const Row& total = coverage->rows.back();
  EXPECT_TRUE(total.total);
  const int64_t with = SelectInt(conn(),
                                 "SELECT COUNT(DISTINCT serves_region_code) FROM logistics_facilities WHERE tier = "
                                 "'station' AND opened_on <= '2016-12-31'");
  EXPECT_EQ(with, 25);
  EXPECT_EQ(coverage->At(total, "townships").number, 124);
  EXPECT_EQ(coverage->At(total, "townships_with_station").number, with);
  EXPECT_EQ(coverage->At(total, "station_coverage"), Cell::Decimal((with * 10000 * 2 + 124) / (2 * 124), 2));
  int64_t points = 0, poor = 0;
  for (const Row& row : coverage->rows) {
    if (row.total) continue;
    points += coverage->At(row, "registered_poor_villages_with_point").number;
    poor += coverage->At(row, "registered_poor_villages").number;
  }
  EXPECT_EQ(points, coverage->At(total, "registered_poor_villages_with_point").number);
  EXPECT_EQ(poor, coverage->At(total, "registered_poor_villages").number);
  auto later = Build({"coverage", "", 2018, std::nullopt, std::nullopt, ""});
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->At(later->rows.back(), "station_coverage"), Cell::Decimal(10000, 2));  // 124 of 124

  // Logistics in 2020: the one planned day of Dongxiang; the other counties have no village-days.
  auto plans = Build({"logistics", "", 2020, std::nullopt, std::nullopt, ""});
  ASSERT_TRUE(plans.ok()) << plans.error().message;
  const Row& dongxiang = RowOf(*plans, kDongxiang);
  const Row& all = plans->rows.back();
  const int64_t days = SelectInt(conn(), "SELECT COUNT(*) FROM logistics_plan_villages");
  const int64_t cost = SelectInt(conn(), "SELECT SUM(cost_fen) FROM logistics_plan_villages");
  const int64_t parcels = SelectInt(conn(), "SELECT SUM(parcels_in + parcels_out) FROM logistics_plan_villages");
  ASSERT_GT(parcels, 0);
  EXPECT_EQ(plans->At(all, "planned_village_days").number, days);
  EXPECT_EQ(plans->At(dongxiang, "planned_village_days").number, days);
  EXPECT_EQ(plans->At(RowOf(*plans, kYongjing), "planned_village_days").number, 0);
  EXPECT_EQ(plans->At(all, "logistics_cost_yuan"), Cell::Decimal(cost, 2));
  EXPECT_EQ(plans->At(all, "cost_per_parcel_yuan"), Cell::Decimal((2 * cost + parcels) / (2 * parcels), 2));
  EXPECT_EQ(plans->At(RowOf(*plans, kYongjing), "cost_per_parcel_yuan"), Cell::Empty("no data"));  // 0 parcels
  auto before = Build({"logistics", "", 2019, std::nullopt, std::nullopt, ""});
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->At(before->rows.back(), "planned_village_days"), Cell::Empty("no data"));

  // Table 1: the records' row, then the paper's six rows as reference.
  auto scale = Build({"ecommerce-scale", "", std::nullopt, std::nullopt, std::nullopt, ""});
  ASSERT_TRUE(scale.ok()) << scale.error().message;
  EXPECT_EQ(scale->year, 2016);
  ASSERT_EQ(scale->rows.size(), 7u);
  const Row& own = scale->rows[0];
  EXPECT_EQ(own.section, "records");
  const int64_t fen = SelectInt(conn(),
                                "SELECT SUM(ol.amount_fen) FROM orders o JOIN order_lines ol ON ol.order_id = "
                                "o.order_id WHERE o.paid_at >= '2016-01-01' AND o.paid_at < '2017-01-01' AND o.state "
                                "<> 'refunded'");
  EXPECT_EQ(scale->At(own, "transaction_volume_100m_yuan"), Cell::Decimal((fen + 50'000'000) / 100'000'000, 2));
  EXPECT_EQ(scale->At(own, "service_centers").number, 8);
  EXPECT_EQ(scale->At(own, "service_stations").number, 25);
  EXPECT_EQ(scale->At(own, "shops").number,
            SelectInt(conn(), "SELECT COUNT(*) FROM outlets WHERE created_at < '2017-01-01'"));
  int reference = 0;
  for (const Row& row : scale->rows) {
    if (row.section != "reference") continue;
    ++reference;
    EXPECT_NE(scale->At(row, "source").text.find("the paper, Table 1"), std::string::npos);
    if (scale->At(row, "region").text == "Linxia") {
      EXPECT_EQ(scale->At(row, "transaction_volume_100m_yuan"), Cell::Decimal(120, 2));
      EXPECT_EQ(scale->At(row, "shops").number, 800);
      EXPECT_TRUE(scale->At(row, "service_points").empty());
    }
  }
  EXPECT_EQ(reference, 6);
}

TEST_P(IndicatorDemoTest, BadRequestsSayWhatIsValid) {
  struct Case {
    IndicatorQuery query;
    const char* field;
    const char* says;
  };
  const Case cases[] = {
      {{"scale", "", std::nullopt, std::nullopt, std::nullopt, ""}, "report", "valid reports: indicator, indicators"},
      {{"trend", "", std::nullopt, std::nullopt, std::nullopt, ""},
       "indicator",
       "needs an indicator; valid indicators: poverty_incidence"},
      {{"indicator", "poverty", 2018, std::nullopt, std::nullopt, ""},
       "indicator",
       "unknown indicator 'poverty'; valid indicators: poverty_incidence"},
      {{"coverage", "poor_people", 2018, std::nullopt, std::nullopt, ""}, "indicator", "takes no indicator"},
      {{"indicator", "poor_people", 2018, std::nullopt, std::nullopt, "nowhere"}, "region", "no region 'nowhere'"},
      {{"indicator", "poor_people", 2011, std::nullopt, std::nullopt, ""},
       "year",
       "no registry data for year 2011; years with data: 2012–2020"},
      {{"trend", "poor_people", 2018, std::nullopt, std::nullopt, ""}, "year", "takes from and to, not year"},
      {{"trend", "poor_people", std::nullopt, 2019, 2015, ""}, "from", "from 2019 is after to 2015"},
      {{"trend", "poor_people", std::nullopt, 1999, 2015, ""}, "from", "give a year from 2000 to 2100"},
      {{"coverage", "", 2018, 2015, std::nullopt, ""}, "from", "trend report only"},
  };
  for (const Case& c : cases) {
    auto r = Build(c.query);
    ASSERT_FALSE(r.ok()) << c.query.report << " " << c.field;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().message;
    EXPECT_EQ(r.error().field, c.field) << r.error().message;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
  // A trend over years without registry data is rows of no data, not an error.
  auto early = Build({"trend", "poverty_incidence", std::nullopt, 2010, 2012, ""});
  ASSERT_TRUE(early.ok()) << early.error().message;
  ASSERT_EQ(early->rows.size(), 3u);
  EXPECT_EQ(early->At(early->rows[0], "value"), Cell::Empty("no data"));
  EXPECT_TRUE(early->At(early->rows[2], "value").IsNumber());
}

// paper-check reads the paper's network figures from the facilities: the demo builds them as the paper says.
TEST_P(IndicatorDemoTest, PaperCheckReadsTheNetworkFromTheFacilities) {
  auto report = LoadPaperCheck(conn(), tree_, 2020);
  ASSERT_TRUE(report.ok()) << report.error().message;
  const std::string open = "opened_on <= ? AND (closed_on IS NULL OR closed_on > ?)";
  struct Case {
    const char* figure;
    int64_t published;
    std::string sql;
    std::vector<std::string> params;
  };
  const Case cases[] = {
      {"ecommerce_service_centers",
       8,
       "SELECT COUNT(*) FROM logistics_facilities WHERE tier = 'center' AND " + open,
       {"2016-12-31", "2016-12-31"}},
      {"ecommerce_service_stations",
       25,
       "SELECT COUNT(*) FROM logistics_facilities WHERE tier = 'station' AND " + open,
       {"2016-12-31", "2016-12-31"}},
      {"new_township_stations",
       33,
       "SELECT COUNT(*) FROM logistics_facilities WHERE tier = 'station' AND opened_on LIKE '2018-%'",
       {}},
      {"new_village_stations",
       214,
       "SELECT COUNT(*) FROM logistics_facilities WHERE tier = 'point' AND opened_on LIKE '2018-%'",
       {}},
      {"poverty_stricken_villages_covered",
       560,
       "SELECT COUNT(*) FROM village_years y WHERE y.year = 2018 AND y.status IN ('poor', 'exited') AND EXISTS "
       "(SELECT 1 FROM logistics_facilities f WHERE f.tier = 'point' AND f.serves_region_code = y.village_code AND "
       "f.opened_on <= '2018-12-31')",
       {}},
  };
  for (const Case& c : cases) {
    const Row* found = nullptr;
    for (const Row& row : report->rows) {
      if (row.section == "paper" && report->At(row, "figure").text == c.figure) found = &row;
    }
    ASSERT_NE(found, nullptr) << c.figure;
    const int64_t expected = SelectInt(conn(), c.sql, c.params);
    EXPECT_EQ(expected, c.published) << c.figure;
    EXPECT_EQ(report->At(*found, "computed_value"), Cell::Int(expected)) << c.figure;
    EXPECT_EQ(report->At(*found, "result").text, "match") << c.figure << ": " << report->At(*found, "reason").text;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, IndicatorDemoTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

// ---- The command ---------------------------------------------------------------------

class IndicatorCommandTest : public IndicatorDemoTest {
 protected:
  CommandResult Report(const std::string& args) { return RunFupin("report " + args + " --db " + url()); }
};

TEST_P(IndicatorCommandTest, FormatsFlagsAndACatalogueOfOnesOwn) {
  CommandResult csv = Report(
      "trend --indicator poverty_incidence --region 622926000000 --from 2016 --to 2018 "
      "--format csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  auto trend = Build({"trend", "poverty_incidence", std::nullopt, 2016, 2018, kDongxiang});
  ASSERT_TRUE(trend.ok());
  EXPECT_EQ(csv.out, RenderCsv(*trend));
  EXPECT_TRUE(csv.out.starts_with("year,numerator,denominator,value\n2016,")) << csv.out;

  CommandResult table = Report("indicators --year 2018");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(table.out.starts_with("指标一览 Indicators: 临夏回族自治州 622900000000, 2018\n")) << table.out;
  EXPECT_NE(table.out.find("no data"), std::string::npos);

  fupin::testing::TempDir dir;
  fupin::testing::WriteFile(
      dir.File("mine.json"),
      R"({"indicators": [{"code": "poor_share", "name_zh": "贫困户占比", "name_en": "Poor share",)"
      R"( "numerator": "poor_households", "denominator": "households", "factor": 1000,)"
      R"( "decimals": 1, "unit_en": "per thousand"}]})");
  CommandResult mine =
      Report("indicator --indicator poor_share --year 2018 --format json --indicators " + dir.File("mine.json"));
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  const int64_t poor = SelectInt(conn(), "SELECT COUNT(*) FROM household_years WHERE year = 2018 AND status = 'poor'");
  const int64_t households = SelectInt(conn(), "SELECT COUNT(*) FROM household_years WHERE year = 2018");
  const int64_t tenths = (poor * 10000 * 2 + households) / (2 * households);
  EXPECT_NE(mine.out.find(fmt::format(R"("numerator":{},"denominator":{},"value":{}.{},"total":true)", poor, households,
                                      tenths / 10, tenths % 10)),
            std::string::npos)
      << mine.out;

  fupin::testing::WriteFile(dir.File("bad.json"),
                            R"({"indicators": [{"code": "x", "name_zh": "甲", "name_en": "X", "numerator": "poor"}]})");
  struct Case {
    std::string args;
    const char* says;
  };
  // Every one a usage error (exit 2) but the missing file (exit 1).
  const Case cases[] = {
      {"indicator --year 2018", "the indicator report needs an indicator; valid indicators: poverty_incidence"},
      {"indicator --indicator poor --year 2018", "unknown indicator 'poor'; valid indicators: poverty_incidence"},
      {"poverty --indicator poor_people", "--indicator goes with the indicator, indicators, trend"},
      {"trend --indicator poor_people --from 2020 --to 2019", "from 2020 is after to 2019"},
      {"indicators --indicators " + dir.File("bad.json"), "indicators[0].numerator 'poor' is not a count"},
      {"coverage --region nowhere", "no region 'nowhere'"},
      {"indicators --year 2011", "no registry data for year 2011; years with data: 2012–2020"},
      {"nonsense", "valid reports: poverty, paper-check, benefit, institutions, indicator, indicators, trend"},
      {"indicators --indicators " + dir.File("none.json"), "none.json"},
  };
  for (const Case& c : cases) {
    CommandResult r = Report(c.args);
    EXPECT_EQ(r.exit_code, c.args.find("none.json") == std::string::npos ? 2 : 1) << c.args << "\n" << r.err;
    EXPECT_EQ(r.out, "") << c.args;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << "\n" << r.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, IndicatorCommandTest, ::testing::Values(fupin::testing::Backend::kSqlite),
                         fupin::testing::BackendName);

// ---- The API ---------------------------------------------------------------------------

class IndicatorApiTest : public ::testing::TestWithParam<fupin::testing::Backend> {};

TEST_P(IndicatorApiTest, ReportsWithinTheCallersGrant) {
  fupin::testing::ServedDemo served(GetParam());
  ASSERT_NE(served.port(), 0);
  fupin::testing::Session official = served.SignIn("official");
  HttpResponse drill = official.Get("/api/v1/reports/indicator?indicator=poverty_incidence&year=2018");
  ASSERT_EQ(drill.status, 200) << drill.body;
  bj::value body = ParseJson(drill);
  EXPECT_EQ(Str(body.at("report")), "indicator");
  EXPECT_EQ(Str(body.at("region").at("code")), kPrefecture);
  EXPECT_EQ(body.at("rows").as_array().size(), 9u);  // eight counties and the prefecture

  HttpResponse csv = official.Get("/api/v1/reports/trend?indicator=poor_people&region=622923000000&format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_TRUE(csv.body.starts_with("year,numerator,value\n2012,")) << csv.body;
  for (const char* name : {"poverty", "paper-check", "indicators", "coverage", "logistics", "ecommerce-scale"}) {
    HttpResponse r = official.Get(std::string("/api/v1/reports/") + name);
    EXPECT_EQ(r.status, 200) << name << ": " << r.body;
    EXPECT_EQ(Str(ParseJson(r).at("report")), name);
  }

  // The county operator: its county by default, not another; paper-check covers the prefecture.
  fupin::testing::Session county = served.SignIn("county");
  HttpResponse own = county.Get("/api/v1/reports/indicators");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(Str(ParseJson(own).at("region").at("code")), kDongxiang);
  EXPECT_EQ(county.Get("/api/v1/reports/coverage?region=622923000000").status, 403);
  EXPECT_EQ(county.Get("/api/v1/reports/paper-check").status, 403);
  EXPECT_EQ(served.SignIn("buyer").Get("/api/v1/reports/indicators").status, 403);

  struct Case {
    const char* target;
    const char* field;
  };
  for (const Case& c :
       {Case{"/api/v1/reports/trend", "indicator"}, Case{"/api/v1/reports/indicator?indicator=nope", "indicator"},
        Case{"/api/v1/reports/coverage?colour=red", "colour"}, Case{"/api/v1/reports/coverage?format=xml", "format"},
        Case{"/api/v1/reports/trend?indicator=poor_people&year=2018", "year"},
        Case{"/api/v1/reports/poverty?indicator=poor_people", "indicator"},
        Case{"/api/v1/reports/coverage?year=2011", "year"}, Case{"/api/v1/reports/coverage?region=nowhere", "region"},
        Case{"/api/v1/reports/paper-check?region=622923000000", "region"}}) {
    HttpResponse r = official.Get(c.target);
    EXPECT_EQ(r.status, 400) << c.target << ": " << r.body;
    EXPECT_EQ(ErrorField(r), c.field) << c.target << ": " << r.body;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, IndicatorApiTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::reports
