// Reference data (poverty lines, exit thresholds) loaded by migration 2, read
// back on both databases; and ReferenceData's threshold parsing on its own.
#include "registry/reference.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>

#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::registry {
namespace {

using fupin::testing::Backend;
using fupin::testing::ScratchDb;

bool Mentions(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

class ReferenceDataTest : public ::testing::TestWithParam<Backend> {
 protected:
  ScratchDb scratch_{GetParam()};
};

TEST_P(ReferenceDataTest, MigrationLoadsPovertyLinesAndThresholds) {
  auto version = schema::Migrate(scratch_.conn());
  ASSERT_TRUE(version.ok()) << version.error().message;
  ReferenceData data = ReadReferenceData(scratch_.conn());

  // data/reference/poverty_lines.csv: yuan per person and year, in fen here.
  const std::map<int, int64_t> want_fen = {{2012, 262500}, {2013, 273600}, {2014, 280000},
                                           {2015, 285500}, {2016, 295200}, {2017, 295200},
                                           {2018, 299500}, {2019, 321800}, {2020, 400000}};
  ASSERT_EQ(data.poverty_lines.size(), want_fen.size());
  for (const auto& [year, fen] : want_fen) {
    auto it = data.poverty_lines.find(year);
    ASSERT_NE(it, data.poverty_lines.end()) << year;
    const PovertyLine& line = it->second;
    EXPECT_EQ(line.year, year);
    EXPECT_EQ(line.poverty_line, Money::FromFen(fen)) << year << ": " << line.poverty_line.fen();
    EXPECT_FALSE(line.monitoring_line.has_value()) << year;
    EXPECT_FALSE(line.source.empty()) << year;
    if (year <= 2018) {
      // The 2,300-yuan-at-2010-prices series in current prices; the source
      // text holds a comma, so it was quoted in the CSV.
      EXPECT_TRUE(Mentions(line.source, "(2,300 yuan at 2010 prices) in current prices")) << line.source;
    }
  }
  EXPECT_EQ(data.poverty_lines.begin()->first, 2012);
  EXPECT_EQ(data.poverty_lines.rbegin()->first, 2020);
  EXPECT_EQ(FormatYuan(data.poverty_lines.at(2012).poverty_line), "2625.00");
  EXPECT_TRUE(Mentions(data.poverty_lines.at(2020).source, "'about 4,000 yuan'"));

  ASSERT_EQ(data.settings.size(), 2u);
  EXPECT_EQ(data.settings.at("village_exit_threshold_percent").first, "3");
  EXPECT_TRUE(Mentions(data.settings.at("village_exit_threshold_percent").second, "中办发〔2016〕16号"));
  EXPECT_EQ(data.settings.at("county_exit_threshold_percent").first, "3");
  auto village = data.ThresholdHundredths("village_exit_threshold_percent");
  ASSERT_TRUE(village.ok()) << village.error().message;
  EXPECT_EQ(*village, 300);
  EXPECT_EQ(data.VillageExitThreshold(), 300);
  EXPECT_EQ(data.CountyExitThreshold(), 300);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReferenceDataTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

struct ThresholdCase {
  const char* name;
  const char* value;  // nullptr: the setting is absent
  bool ok;
  int64_t hundredths;
  ErrorCode code;
};

class ThresholdTest : public ::testing::TestWithParam<ThresholdCase> {};

TEST_P(ThresholdTest, ParsesPercentToHundredths) {
  const ThresholdCase& c = GetParam();
  ReferenceData data;
  if (c.value) data.settings["village_exit_threshold_percent"] = {c.value, "test"};
  auto r = data.ThresholdHundredths("village_exit_threshold_percent");
  ASSERT_EQ(r.ok(), c.ok) << (r.ok() ? std::to_string(*r) : r.error().message);
  if (c.ok) {
    EXPECT_EQ(*r, c.hundredths);
    EXPECT_EQ(data.VillageExitThreshold(), c.hundredths);
  } else {
    EXPECT_EQ(r.error().code, c.code);
    EXPECT_TRUE(Mentions(r.error().message, "village_exit_threshold_percent")) << r.error().message;
  }
  // The county threshold is a separate setting: absent here, so the default.
  EXPECT_EQ(data.CountyExitThreshold(), 300);
}

INSTANTIATE_TEST_SUITE_P(Cases, ThresholdTest,
                         ::testing::Values(ThresholdCase{"West", "3", true, 300, ErrorCode::kInvalidArgument},
                                           ThresholdCase{"East", "2", true, 200, ErrorCode::kInvalidArgument},
                                           ThresholdCase{"Decimals", "2.5", true, 250, ErrorCode::kInvalidArgument},
                                           ThresholdCase{"TwoDecimals", "2.75", true, 275, ErrorCode::kInvalidArgument},
                                           ThresholdCase{"Missing", nullptr, false, 0, ErrorCode::kNotFound},
                                           ThresholdCase{"NotANumber", "three", false, 0, ErrorCode::kInvalidArgument},
                                           ThresholdCase{"PercentSign", "3%", false, 0, ErrorCode::kInvalidArgument},
                                           ThresholdCase{"TooPrecise", "2.995", false, 0, ErrorCode::kInvalidArgument}),
                         [](const ::testing::TestParamInfo<ThresholdCase>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace fupin::registry
