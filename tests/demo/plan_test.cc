// The demo plan alone (no database): every target of the scenario is met by
// the planned counts, at scale 1 and at the small test scale.
#include <gtest/gtest.h>

#include <map>

#include "base/embedded_data.h"
#include "demo/apportion.h"
#include "demo/plan.h"
#include "demo/scenario.h"
#include "regions/loader.h"
#include "regions/tree.h"
#include "registry/model.h"

namespace fupin::demo {
namespace {

const std::string kPrefecture = "622900000000";
const std::string kDongxiang = "622926000000";

regions::RegionTree LinxiaTree() {
  auto regions = regions::ParseDivisions(embedded::DivisionsCsv(), embedded::CoordinatesCsv());
  EXPECT_TRUE(regions.ok());
  return regions::RegionTree::FromRegions(std::move(*regions));
}

Scenario LinxiaScenario() {
  auto s = ParseScenario(embedded::ScenarioLinxiaCsv());
  EXPECT_TRUE(s.ok()) << s.error().message;
  return *s;
}

struct Totals {
  int64_t population = 0, poor = 0;
  std::string Percent() const { return registry::Incidence{poor, population}.Percent(); }
};

class PlanTest : public ::testing::TestWithParam<double> {};

TEST_P(PlanTest, MeetsEveryTarget) {
  double scale = GetParam();
  auto tree = LinxiaTree();
  auto plan = MakePlan(LinxiaScenario(), CountiesOf(tree), scale, 7, 300);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  const Plan& p = *plan;
  ASSERT_EQ(p.first_year, 2012);
  ASSERT_EQ(p.last_year, 2020);
  auto idx = [&](int year) { return static_cast<size_t>(year - p.first_year); };

  std::map<int, Totals> pref, dongxiang, deep;
  std::map<std::pair<std::string, int>, Totals> county;
  std::map<int, int> poor_villages, exited_villages, deep_count, deep_poor;
  for (const VillagePlan& v : p.villages) {
    for (int y = 2012; y <= 2020; ++y) {
      int64_t pop = v.population[idx(y)], poor = v.poor[idx(y)];
      pref[y].population += pop;
      pref[y].poor += poor;
      county[{v.county_code, y}].population += pop;
      county[{v.county_code, y}].poor += poor;
      if (v.deep_poverty) {
        deep[y].population += pop;
        deep[y].poor += poor;
      }
      if (y > 2012) {
        EXPECT_LE(poor, v.poor[idx(y - 1)]) << v.code << " gains poor people in " << y;
        EXPECT_GE(pop, v.population[idx(y - 1)]) << v.code << " shrinks in " << y;
      }
      if (v.poor_village) {
        bool exited = y >= v.exit_year;
        registry::Incidence inc{poor, pop};
        EXPECT_EQ(inc.Below(300), exited) << v.code << " in " << y << " exit " << v.exit_year;
        (exited ? exited_villages : poor_villages)[y]++;
      }
    }
    if (v.deep_poverty) {
      deep_count[0]++;
      if (v.poor_village && v.exit_year > 2016) deep_poor[0]++;
    }
  }
  auto near = [&](int64_t value) { return static_cast<int64_t>(value * scale + 0.5); };
  EXPECT_EQ(pref[2012].population, near(1737000));
  EXPECT_EQ(pref[2018].population, near(1826000));
  EXPECT_EQ(pref[2012].poor, near(733000));
  EXPECT_EQ(pref[2016].poor, near(298400));
  EXPECT_EQ(pref[2018].poor, near(163800));
  EXPECT_EQ(pref[2020].poor, 0);
  EXPECT_EQ(pref[2012].Percent(), "42.20");
  EXPECT_EQ(pref[2018].Percent(), "8.97");
  EXPECT_EQ(deep[2016].poor, near(175700));
  EXPECT_EQ(deep[2016].Percent(), "32.16");
  EXPECT_EQ(deep_count[0], 412);
  EXPECT_EQ(deep_poor[0], 323);
  EXPECT_EQ(poor_villages[2018], 489);
  EXPECT_EQ(exited_villages[2018], 160);
  EXPECT_EQ(exited_villages[2020], 649);
  Totals dx13 = county[{kDongxiang, 2013}], dx19 = county[{kDongxiang, 2019}];
  EXPECT_EQ(dx13.poor, near(109200));
  EXPECT_EQ(dx13.Percent(), "38.74");
  EXPECT_EQ(dx19.poor, near(12800));
  EXPECT_EQ(dx19.Percent(), "4.25");
  // Linear population: equal steps (up to rounding) at scale 1.
  if (scale == 1.0) {
    EXPECT_EQ(pref[2013].population, 1751833);
    EXPECT_EQ(pref[2020].population, 1855667);
  }
  // County exit years from the records' rule.
  std::map<std::string, int> expected = {{"622901000000", 2017}, {"622921000000", 2020}, {"622922000000", 2019},
                                         {"622923000000", 2019}, {"622924000000", 2019}, {"622925000000", 2019},
                                         {"622926000000", 2020}, {"622927000000", 2019}};
  for (const auto& [code, exit_year] : expected) {
    for (int y = 2012; y <= 2020; ++y) {
      registry::Incidence inc{county[{code, y}].poor, county[{code, y}].population};
      EXPECT_EQ(inc.Below(300), y >= exit_year) << code << " " << y << " " << inc.Percent();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Scales, PlanTest, ::testing::Values(1.0, 0.01, 0.05),
                         [](const ::testing::TestParamInfo<double>& info) {
                           return info.param == 1.0 ? std::string("Scale1")
                                                    : "Scale" + std::to_string(static_cast<int>(info.param * 1000)) +
                                                          "permille";
                         });

TEST(ApportionTest, PartsAddUpAndFollowWeights) {
  auto parts = Apportion(10, {1, 1, 1});
  EXPECT_EQ(parts, (std::vector<int64_t>{4, 3, 3}));
  EXPECT_EQ(Apportion(0, {1, 2}), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(Apportion(7, {0, 0, 5}), (std::vector<int64_t>{0, 0, 7}));
}

TEST(ApportionTest, BoundedRespectsBoundsOrFails) {
  auto parts = ApportionBounded(10, {2, 0, 0}, {3, 10, 10}, {1, 1, 1});
  ASSERT_TRUE(parts.ok());
  int64_t sum = 0;
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_GE((*parts)[i], std::vector<int64_t>({2, 0, 0})[i]);
    EXPECT_LE((*parts)[i], std::vector<int64_t>({3, 10, 10})[i]);
    sum += (*parts)[i];
  }
  EXPECT_EQ(sum, 10);
  EXPECT_FALSE(ApportionBounded(30, {0, 0}, {10, 10}, {1, 1}).ok());
  EXPECT_FALSE(ApportionBounded(1, {1, 1}, {10, 10}, {1, 1}).ok());
}

TEST(PinPopulationTest, FindsPopulationThatRoundsToTheCitedIncidence) {
  auto pop = PinPopulation(175700, 3216, 546331);
  ASSERT_TRUE(pop.ok());
  EXPECT_EQ(registry::Incidence({175700, *pop}).Percent(), "32.16");
  EXPECT_FALSE(PinPopulation(1, 6000, 3).ok());  // 1 of n is never 60 %
}

TEST(ScenarioTest, RejectsUnsourcedAndMalformedRows) {
  EXPECT_FALSE(ParseScenario("target,region,year,value,source\npoor_people,622900000000,2012,10,\n").ok());
  auto bad = ParseScenario("target,region,year,value,source\npoor_people,622900000000,20x2,10,s\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2, column 3"), std::string::npos);
  EXPECT_FALSE(ParseScenario("target,region,year,value,source\nno_such,622900000000,2012,10,s\n").ok());
}

}  // namespace
}  // namespace fupin::demo
