// Money in fen and its one formatting edge, FormatYuan.
#include "base/money.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace fupin {
namespace {

struct YuanCase {
  const char* name;
  int64_t fen;
  std::string want;
};

class FormatYuanTest : public ::testing::TestWithParam<YuanCase> {};

TEST_P(FormatYuanTest, WritesYuanWithTwoDecimals) {
  EXPECT_EQ(FormatYuan(Money::FromFen(GetParam().fen)), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FormatYuanTest,
    ::testing::Values(YuanCase{"Zero", 0, "0.00"}, YuanCase{"OneFen", 1, "0.01"}, YuanCase{"TenFen", 10, "0.10"},
                      YuanCase{"Header", 123405, "1234.05"}, YuanCase{"PovertyLine2012", 262500, "2625.00"},
                      YuanCase{"MinusOneFen", -1, "-0.01"}, YuanCase{"MinusHalfYuan", -50, "-0.50"},
                      YuanCase{"MinusMore", -123405, "-1234.05"},
                      YuanCase{"Max", std::numeric_limits<int64_t>::max(), "92233720368547758.07"},
                      YuanCase{"Min", std::numeric_limits<int64_t>::min(), "-92233720368547758.08"}),
    [](const ::testing::TestParamInfo<YuanCase>& info) { return std::string(info.param.name); });

TEST(MoneyTest, ArithmeticAndOrderAreInFen) {
  constexpr Money line = Money::FromYuan(2625);
  static_assert(line.fen() == 262500);
  EXPECT_EQ((line + Money::FromFen(1)).fen(), 262501);
  EXPECT_EQ((Money::FromFen(100) - Money::FromFen(250)).fen(), -150);
  EXPECT_LT(Money::FromFen(-1), Money());
  EXPECT_EQ(Money(), Money::FromFen(0));
  EXPECT_GT(Money::FromYuan(1), Money::FromFen(99));
}

}  // namespace
}  // namespace fupin
