// engine/orlib.h: the OR-Library p-median reader on pmed1 (tests/data/pmedian)
// and on small hand-written files, error paths included; pmed1 solved to its
// published optimum; and `fupin solve-pmedian` as a user runs it.
#include "engine/orlib.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "engine/location.h"
#include "testing/test_db.h"

namespace fupin::engine {
namespace {

std::string DataPath(const std::string& name) { return std::string(FUPIN_TEST_DATA_DIR) + "/pmedian/" + name; }

std::string ReadData(const std::string& name) {
  std::ifstream in(DataPath(name), std::ios::binary);
  EXPECT_TRUE(in) << "missing test file " << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int64_t D(const LocationProblem& p, int from, int to) {  // 1-based vertices
  return p.distance[static_cast<size_t>(from - 1) * p.sites + (to - 1)];
}

// OR-Library's published optimum of pmed1 (pmedopt.txt).
constexpr int64_t kPmed1Optimum = 5819;

TEST(EngineOrLib, ReadsPmed1) {
  Result<LocationProblem> p = ParseOrLibPMedian(ReadData("pmed1.txt"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->clients, 100);
  EXPECT_EQ(p->sites, 100);
  EXPECT_EQ(p->p, 5);
  EXPECT_EQ(p->objective, LocationObjective::kPMedian);
  EXPECT_TRUE(p->weight.empty());
  for (int i = 1; i <= 100; ++i) {
    EXPECT_EQ(D(*p, i, i), 0);
    for (int j = 1; j <= 100; ++j) ASSERT_EQ(D(*p, i, j), D(*p, j, i)) << i << "," << j;
  }
  // The first edge of the file is "1 2 30"; no path between them is shorter.
  EXPECT_LE(D(*p, 1, 2), 30);
  // Shortest paths obey the triangle inequality.
  for (int k = 1; k <= 100; k += 7) {
    for (int i = 1; i <= 100; i += 3) {
      for (int j = 1; j <= 100; j += 5) ASSERT_LE(D(*p, i, j), D(*p, i, k) + D(*p, k, j));
    }
  }
}

TEST(EngineOrLib, Pmed1ReachesTheOptimumWithCbcAndTheHeuristic) {
  Result<LocationProblem> p = ParseOrLibPMedian(ReadData("pmed1.txt"));
  ASSERT_TRUE(p);
  Result<LocationSolution> exact = SolveLocation(*p, LocationOptions{});
  ASSERT_TRUE(exact) << exact.error().message;
  EXPECT_EQ(exact->objective, kPmed1Optimum);
  EXPECT_TRUE(exact->proven_optimal);
  EXPECT_EQ(exact->method, "cbc");
  EXPECT_TRUE(CheckLocation(*p, *exact));

  LocationOptions heuristic;
  heuristic.allow_exact = false;
  Result<LocationSolution> h = SolveLocation(*p, heuristic);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->objective, kPmed1Optimum);
  EXPECT_EQ(h->method, "heuristic");
  EXPECT_FALSE(h->proven_optimal);  // nothing proves it without CBC
  EXPECT_TRUE(CheckLocation(*p, *h));
}

TEST(EngineOrLib, TheLastOccurrenceOfAPairWins) {
  // 1-2 is listed as 5, then (reversed) as 9: the 9 stands, though 5 is cheaper.
  Result<LocationProblem> p = ParseOrLibPMedian(" 3 3 1\n 1 2 5\n 2 3 4\n 2 1 9\n");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(D(*p, 1, 2), 9);
  EXPECT_EQ(D(*p, 2, 3), 4);
  EXPECT_EQ(D(*p, 1, 3), 13);
  // A longer path wins over a dear direct edge; tabs, CRLF and blank lines are fine.
  p = ParseOrLibPMedian("3\t3\t2\r\n\r\n1 2 1\r\n2 3 1\r\n1 3 50\r\n");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(D(*p, 1, 3), 2);
  EXPECT_EQ(p->p, 2);
  // A loop is harmless.
  p = ParseOrLibPMedian("2 2 1\n1 1 7\n1 2 3\n");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(D(*p, 1, 1), 0);
}

TEST(EngineOrLib, ErrorsNameTheLineAndTheReason) {
  struct Bad {
    const char* what;
    const char* text;
    const char* message;
  };
  const Bad cases[] = {
      {"empty", "", "line 1: missing the header 'vertices edges p'"},
      {"blank", "\n  \n", "line 1: missing the header 'vertices edges p'"},
      {"short header", "4 3\n1 2 3\n", "line 1: the header must be three whole numbers 'vertices edges p'; found 2"},
      {"word", "4 3 x\n", "line 1: 'x' is not a whole number"},
      {"no vertices", "0 0 1\n", "line 1: the number of vertices must be between 1 and 5000; got 0"},
      {"p > n", "3 2 4\n1 2 1\n2 3 1\n", "line 1: p must be between 1 and the 3 vertices; got 4"},
      {"p zero", "3 2 0\n1 2 1\n2 3 1\n", "line 1: p must be between 1 and the 3 vertices; got 0"},
      {"out of range", "3 2 1\n1 2 1\n2 4 1\n", "line 3: vertex 4 is out of range 1..3"},
      {"vertex zero", "3 2 1\n0 2 1\n2 3 1\n", "line 2: vertex 0 is out of range 1..3"},
      {"negative cost", "3 2 1\n1 2 1\n2 3 -4\n", "line 3: negative cost -4"},
      {"fraction", "3 2 1\n1 2 1.5\n2 3 1\n", "line 2: '1.5' is not a whole number"},
      {"two numbers", "3 2 1\n1 2\n2 3 1\n", "line 2: an edge must be three whole numbers 'i j cost'; found 2"},
      {"too few edges", "3 3 1\n1 2 1\n2 3 1\n", "line 4: the file ends after 2 of the 3 edges the header announces"},
      {"too many edges", "3 1 1\n1 2 1\n2 3 1\n", "line 3: more edges than the 1 the header announces"},
      {"disconnected", "4 2 1\n1 2 1\n3 4 1\n", "vertex 3 is unreachable from vertex 1"},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.what);
    Result<LocationProblem> p = ParseOrLibPMedian(bad.text);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(p.error().message, bad.message);
  }
}

TEST(EngineOrLib, SolvePMedianCommand) {
  using testing::RunFupin;
  testing::CommandResult r = RunFupin("solve-pmedian '" + DataPath("pmed1.txt") + "' --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  // The seconds vary; everything else is fixed.
  std::string fixed = r.out.substr(0, r.out.find("Seconds: "));
  EXPECT_EQ(fixed, "Medians: 7 13 65 91 99\nCost 5819\nProven optimal: yes\nMethod: cbc\n");
  EXPECT_NE(r.out.find("\nSeconds: "), std::string::npos);
  EXPECT_EQ(r.out.back(), '\n');

  r = RunFupin("solve-pmedian '" + DataPath("pmed1.txt") + "' --heuristic --time-limit 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find("Seconds: ")),
            "Medians: 7 13 65 91 99\nCost 5819\nProven optimal: no\nMethod: heuristic\n");

  testing::TempDir dir;
  testing::WriteFile(dir.File("bad.txt"), "3 2 1\n1 2 1\n2 9 1\n");
  r = RunFupin("solve-pmedian '" + dir.File("bad.txt") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(testing::OneLineError(r.err)) << r.err;
  EXPECT_EQ(r.err, "fupin: " + dir.File("bad.txt") + ":3: vertex 9 is out of range 1..3\n");
  EXPECT_EQ(r.out, "");

  r = RunFupin("solve-pmedian '" + dir.File("missing.txt") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(testing::OneLineError(r.err)) << r.err;

  r = RunFupin("solve-pmedian '" + DataPath("pmed1.txt") + "' --exact --heuristic");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(testing::OneLineError(r.err)) << r.err;
  r = RunFupin("solve-pmedian");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace fupin::engine
