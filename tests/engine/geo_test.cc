// engine/geo.h: great-circle distances against values worked out by hand, the
// detour/speed matrix, and the distance-matrix CSV with its error paths.
#include "engine/geo.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace fupin::engine {
namespace {

constexpr double kR = 6371008.8;  // metres

TEST(EngineGeo, GreatCircleKnownDistances) {
  // One degree of latitude: R × π / 180 = 111,195.08 m.
  EXPECT_NEAR(GreatCircleMetres({103.2, 35.0}, {103.2, 36.0}), 111195.08, 0.01);
  EXPECT_NEAR(GreatCircleMetres({0, 0}, {0, 1}), kR * std::numbers::pi / 180, 1e-6);
  // A quarter of the equator, and half of it (antipodes).
  EXPECT_NEAR(GreatCircleMetres({0, 0}, {90, 0}), kR * std::numbers::pi / 2, 1e-3);
  EXPECT_NEAR(GreatCircleMetres({0, 0}, {180, 0}), kR * std::numbers::pi, 1e-3);
  // Pole to equator, whatever the longitude.
  EXPECT_NEAR(GreatCircleMetres({37, 90}, {-120, 0}), kR * std::numbers::pi / 2, 1e-3);
  EXPECT_EQ(GreatCircleMetres({103.21, 35.6}, {103.21, 35.6}), 0);
  // One degree of longitude at 60° north is half a degree at the equator, nearly:
  // the great circle is a little shorter than the parallel (2R·asin(cos60°·sin0.5°)).
  double expected = 2 * kR * std::asin(0.5 * std::sin(0.5 * std::numbers::pi / 180));
  EXPECT_NEAR(GreatCircleMetres({10, 60}, {11, 60}), expected, 1e-6);
}

TEST(EngineGeo, GreatCircleIsSymmetric) {
  GeoPoint linxia{103.21, 35.60}, dongxiang{103.39, 35.66};
  EXPECT_DOUBLE_EQ(GreatCircleMetres(linxia, dongxiang), GreatCircleMetres(dongxiang, linxia));
  EXPECT_GT(GreatCircleMetres(linxia, dongxiang), 15000);
  EXPECT_LT(GreatCircleMetres(linxia, dongxiang), 20000);
}

TEST(EngineGeo, MatrixAppliesDetourAndSpeed) {
  std::vector<GeoPoint> points = {{103.2, 35.0}, {103.2, 36.0}, {103.2, 35.0}};
  DistanceMatrix m = GreatCircleMatrix(points, 1.3, 36);  // 36 km/h = 10 m/s
  ASSERT_EQ(m.n, 3);
  ASSERT_EQ(m.metres.size(), 9u);
  // 111,195.08 × 1.3 = 144,553.6 m → 144,554; at 10 m/s 14,455.4 s → 14,455.
  EXPECT_EQ(m.metres[0 * 3 + 1], 144554);
  EXPECT_EQ(m.metres[1 * 3 + 0], 144554);
  EXPECT_EQ(m.seconds[0 * 3 + 1], 14455);
  EXPECT_EQ(m.seconds[1 * 3 + 2], 14455);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(m.metres[i * 3 + i], 0);
    EXPECT_EQ(m.seconds[i * 3 + i], 0);
  }
  EXPECT_EQ(m.metres[0 * 3 + 2], 0);  // the same place twice
  EXPECT_EQ(GreatCircleMatrix({}, 1.0, 30).n, 0);
}

const std::vector<std::string> kIds = {"622921", "622922", "622923"};

std::string FullCsv() {
  return "from,to,metres,seconds\n"
         "622921,622922,1000,120\n"
         "622922,622921,1100,130\n"
         "622921,622923,2000,240\n"
         "622923,622921,2000,241\n"
         "622922,622923,3000,360\n"
         "622923,622922,3000,361\n";
}

TEST(EngineGeo, ParsesAMatrixCsv) {
  Result<DistanceMatrix> m = ParseMatrixCsv(FullCsv(), kIds);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->n, 3);
  EXPECT_EQ(m->metres[0 * 3 + 1], 1000);
  EXPECT_EQ(m->metres[1 * 3 + 0], 1100);
  EXPECT_EQ(m->seconds[2 * 3 + 1], 361);
  EXPECT_EQ(m->metres[2 * 3 + 2], 0);

  // The ids map rows, whatever their order; diagonal rows of zeros, CRLF and blank lines are fine.
  std::string shuffled =
      "from,to,metres,seconds\r\n622923,622922,7,8\r\n622922,622922,0,0\r\n\r\n622922,622923,5,6\r\n";
  Result<DistanceMatrix> two = ParseMatrixCsv(shuffled, {"622923", "622922"});
  ASSERT_TRUE(two) << two.error().message;
  EXPECT_EQ(two->metres[0 * 2 + 1], 7);
  EXPECT_EQ(two->seconds[1 * 2 + 0], 6);
}

TEST(EngineGeo, MatrixCsvErrorsNameTheLineAndColumn) {
  struct Bad {
    const char* what;
    std::string csv;
    std::string message;
  };
  auto with_line = [](const std::string& row) { return FullCsv() + row + "\n"; };
  auto replace = [](std::string text, const std::string& from, const std::string& to) {
    return text.replace(text.find(from), from.size(), to);
  };
  const Bad cases[] = {
      {"empty", "", "line 1: the header 'from,to,metres,seconds' is missing"},
      {"header", replace(FullCsv(), "metres", "meters"), "line 1: the header must be 'from,to,metres,seconds'"},
      {"unknown from", replace(FullCsv(), "622921,622923", "622999,622923"),
       "line 4, column 1 (from): unknown id '622999'"},
      {"unknown to", replace(FullCsv(), "622922,622923", "622922,62292"), "line 6, column 2 (to): unknown id '62292'"},
      {"negative", replace(FullCsv(), "2000,240", "-2000,240"), "line 4, column 3 (metres): -2000 is negative"},
      {"fraction", replace(FullCsv(), "3000,360", "3000,36.5"),
       "line 6, column 4 (seconds): '36.5' is not a whole number"},
      {"empty value", replace(FullCsv(), "1000,120", ",120"), "line 2, column 3 (metres): empty"},
      {"duplicate", with_line("622922,622921,1,1"), "line 8: the pair 622922 → 622921 was already given on line 3"},
      {"columns", with_line("622922,622921,1"), "line 8: expected 4 columns, found 3"},
      {"missing", replace(FullCsv(), "622922,622923,3000,360\n", ""), "the pair 622922 → 622923 is missing"},
      {"self", with_line("622921,622921,5,0"), "line 8: from '622921' to itself must be 0 metres and 0 seconds"},
      {"quote", with_line("\"622921,622922,1,1"), "line 8: a quoted field is not closed"},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    Result<DistanceMatrix> m = ParseMatrixCsv(bad.csv, kIds);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(m.error().message.find(bad.message), std::string::npos) << m.error().message;
  }
  Result<DistanceMatrix> twice = ParseMatrixCsv(FullCsv(), {"622921", "622921"});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message, "id '622921' is given twice");
}

}  // namespace
}  // namespace fupin::engine
