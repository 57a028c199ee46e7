// engine/vrp_instance.h: the TSPLIB / CVRPLIB / LKH-3 instance reader and the
// CVRPLIB solution format, on published files (tests/data/vrp) and on small
// hand-written ones, error paths included.
#include "engine/vrp_instance.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/routing.h"

namespace fupin::engine {
namespace {

std::string ReadData(const std::string& name) {
  std::ifstream in(std::string(FUPIN_TEST_DATA_DIR) + "/vrp/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing test file " << name;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int64_t D(const RoutingProblem& p, int i, int j) { return p.distance[static_cast<size_t>(i) * p.n + j]; }

// The number after "Cost" in a .sol file.
std::string CostLine(const std::string& sol) {
  size_t at = sol.rfind("Cost ");
  if (at == std::string::npos) return "";
  std::string rest = sol.substr(at + 5);
  return rest.substr(0, rest.find_first_of("\r\n"));
}

// Replaces the first `from` in `text` by `to`.
std::string With(std::string text, std::string_view from, std::string_view to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// --------------------------------------------------------- published files

TEST(VrpInstanceFiles, PublishedSolutionsCostExactlyTheirCostLine) {
  for (const char* name : {"E-n13-k4", "P-n16-k8", "A-n32-k5", "B-n31-k5", "X-n101-k25"}) {
    SCOPED_TRACE(name);
    Result<VrpInstance> instance = ParseVrpInstance(ReadData(std::string(name) + ".vrp"));
    ASSERT_TRUE(instance) << instance.error().message;
    std::string sol = ReadData(std::string(name) + ".sol");
    Result<std::vector<std::vector<int>>> routes = ParseCvrplibSolution(sol);
    ASSERT_TRUE(routes) << routes.error().message;
    Result<int64_t> cost = CheckRouting(instance->problem, *routes);
    ASSERT_TRUE(cost) << cost.error().message;
    EXPECT_EQ(std::to_string(*cost), CostLine(sol));
    EXPECT_EQ(instance->name, name);
    EXPECT_EQ(instance->type, "CVRP");
    EXPECT_EQ(instance->problem.max_vehicles, 0);
    EXPECT_EQ(instance->problem.max_duration, 0);
    EXPECT_TRUE(instance->problem.pickup.empty());
  }
}

TEST(VrpInstanceFiles, ExplicitLowerRowWrappedAcrossLines) {
  Result<VrpInstance> e13 = ParseVrpInstance(ReadData("E-n13-k4.vrp"));
  ASSERT_TRUE(e13) << e13.error().message;
  const RoutingProblem& p = e13->problem;
  EXPECT_EQ(p.n, 13);
  EXPECT_EQ(p.capacity, 6000);
  // First numbers of the section: 9 | 14 21 | 23 22 25 | 32 36 38 42 ...; the last row ends "... 8 10 10".
  EXPECT_EQ(D(p, 1, 0), 9);
  EXPECT_EQ(D(p, 0, 1), 9);
  EXPECT_EQ(D(p, 2, 0), 14);
  EXPECT_EQ(D(p, 2, 1), 21);
  EXPECT_EQ(D(p, 3, 2), 25);
  EXPECT_EQ(D(p, 4, 3), 42);
  EXPECT_EQ(D(p, 12, 11), 10);
  EXPECT_EQ(D(p, 12, 10), 10);
  EXPECT_EQ(D(p, 12, 9), 8);
  EXPECT_EQ(D(p, 5, 5), 0);
  EXPECT_EQ(p.delivery[1], 1200);
  EXPECT_EQ(p.delivery[12], 1100);
}

TEST(VrpInstanceFiles, CrlfAndTabs) {
  std::string text = ReadData("X-n101-k25.vrp");
  ASSERT_NE(text.find("\r\n"), std::string::npos);  // the test means something only on the CRLF file
  Result<VrpInstance> x = ParseVrpInstance(text);
  ASSERT_TRUE(x) << x.error().message;
  EXPECT_EQ(x->name, "X-n101-k25");
  EXPECT_EQ(x->problem.n, 101);
  EXPECT_EQ(x->problem.capacity, 206);
  // Nodes 1 (365, 689) and 2 (146, 180): sqrt(219² + 509²) = 554.11 -> 554.
  EXPECT_EQ(D(x->problem, 0, 1), 554);
  Result<std::vector<std::vector<int>>> routes = ParseCvrplibSolution(ReadData("X-n101-k25.sol"));
  ASSERT_TRUE(routes);
  EXPECT_EQ(routes->size(), 26u);
}

TEST(VrpInstanceFiles, DethloffPickupColumnComesFirst) {
  Result<VrpInstance> con = ParseVrpInstance(ReadData("CON3-0.vrpspd"));
  ASSERT_TRUE(con) << con.error().message;
  const RoutingProblem& p = con->problem;
  EXPECT_EQ(con->type, "VRPSPD");
  EXPECT_EQ(p.n, 51);
  EXPECT_EQ(p.capacity, 8080987);
  EXPECT_EQ(con->vehicles, 4);
  EXPECT_EQ(p.max_vehicles, 0);
  EXPECT_EQ(con->cost_scale, 1);
  EXPECT_EQ(p.max_duration, 0);  // DISTANCE : 0
  // "2 0 0 10000000 0 1015547 109447": pickup 1015547, delivery 109447.
  ASSERT_EQ(p.pickup.size(), 51u);
  EXPECT_EQ(p.pickup[1], 1015547);
  EXPECT_EQ(p.delivery[1], 109447);
  EXPECT_EQ(p.pickup[0], 0);
  EXPECT_EQ(D(p, 0, 1), 174413);  // first row: 0 174413 ...
  EXPECT_EQ(D(p, 0, 0), 0);
  EXPECT_TRUE(p.service_time.empty());
}

TEST(VrpInstanceFiles, Exact2dWithScaleAndAnUnreachableDistanceLimit) {
  Result<VrpInstance> r101 = ParseVrpInstance(ReadData("r101.vrpspd"));
  ASSERT_TRUE(r101) << r101.error().message;
  const RoutingProblem& p = r101->problem;
  EXPECT_EQ(r101->cost_scale, 1000);
  EXPECT_EQ(r101->vehicles, 12);
  // Depot (35, 35), node 2 (41, 49): sqrt(232) = 15.23154... -> 15232 at SCALE 1000.
  EXPECT_EQ(D(p, 0, 1), 15232);
  EXPECT_EQ(D(p, 1, 0), 15232);
  // DISTANCE 999999 (× 1000) is far beyond any route: dropped.
  EXPECT_EQ(p.max_duration, 0);
  EXPECT_EQ(p.pickup[1], 41);
  EXPECT_EQ(p.delivery[1], 10);
}

// --------------------------------------------------------- small instances

// A 4-node instance around a header and sections given by the test.
std::string Cvrp(std::string_view extra_header, std::string_view sections) {
  return "NAME : tiny\nTYPE : CVRP\nDIMENSION : 4\nCAPACITY : 10\n" + std::string(extra_header) +
         std::string(sections) + "DEMAND_SECTION\n1 0\n2 3\n3 4\n4 5\nDEPOT_SECTION\n1\n-1\nEOF\n";
}

// The symmetric matrix every explicit format below encodes:
//   0 1 2 3
//   1 0 4 5
//   2 4 0 6
//   3 5 6 0
struct FormatCase {
  const char* name;
  const char* format;
  const char* numbers;
};

class ExplicitFormatTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(ExplicitFormatTest, GivesTheSameMatrix) {
  const FormatCase& c = GetParam();
  std::string text = Cvrp(std::string("EDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : ") + c.format + "\n",
                          std::string("EDGE_WEIGHT_SECTION\n") + c.numbers + "\n");
  Result<VrpInstance> instance = ParseVrpInstance(text);
  ASSERT_TRUE(instance) << instance.error().message;
  const std::vector<int64_t> expected = {0, 1, 2, 3, 1, 0, 4, 5, 2, 4, 0, 6, 3, 5, 6, 0};
  EXPECT_EQ(instance->problem.distance, expected);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, ExplicitFormatTest,
    ::testing::Values(FormatCase{"FullMatrix", "FULL_MATRIX", "0 1 2 3\n1 0 4 5\n2 4 0 6\n3 5 6 0"},
                      FormatCase{"FullMatrixWrapped", "FULL_MATRIX", "0 1 2 3 1 0\n4 5 2\n4 0 6 3 5 6 0"},
                      FormatCase{"LowerRow", "LOWER_ROW", "1\n2 4\n3 5 6"},
                      FormatCase{"LowerRowOneLine", "LOWER_ROW", "1 2 4 3 5 6"},
                      FormatCase{"UpperRow", "UPPER_ROW", "1 2 3\n4 5\n6"},
                      FormatCase{"LowerDiagRow", "LOWER_DIAG_ROW", "0\n1 0\n2 4 0\n3 5 6 0"},
                      FormatCase{"UpperDiagRow", "UPPER_DIAG_ROW", "0 1 2 3\n0 4 5\n0 6\n0"},
                      FormatCase{"UpperCol", "UPPER_COL", "1\n2 4\n3 5 6"},
                      FormatCase{"LowerCol", "LOWER_COL", "1 2 3\n4 5\n6"},
                      FormatCase{"DecimalsRounded", "LOWER_ROW", "1.2 2 4.49 2.5 5 6"}),
    [](const ::testing::TestParamInfo<FormatCase>& info) { return std::string(info.param.name); });

TEST(VrpInstanceParse, EveryKeySpellingAndLineEnd) {
  std::string text =
      "NAME:tiny\r\nTYPE\t:\tCVRP\r\nDIMENSION :3\r\nCAPACITY: 5\r\nEDGE_WEIGHT_TYPE : EUC_2D \r\n"
      "NODE_COORD_SECTION\t\r\n1\t0\t0\r\n2 3 4\r\n3 0 1\r\n\r\nDEMAND_SECTION\r\n1 0\r\n2 5\r\n3 1\r\n"
      "DEPOT_SECTION\r\n 1\r\n -1\r\nEOF\r\n";
  Result<VrpInstance> instance = ParseVrpInstance(text);
  ASSERT_TRUE(instance) << instance.error().message;
  EXPECT_EQ(instance->name, "tiny");
  EXPECT_EQ(D(instance->problem, 0, 1), 5);
  // Old Mac line ends (CR only) too.
  std::string cr = text;
  std::erase(cr, '\n');
  Result<VrpInstance> again = ParseVrpInstance(cr);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->problem.distance, instance->problem.distance);
}

TEST(VrpInstanceParse, RoundingOfEachCoordinateType) {
  // (0,0)-(1,1): 1.414; (0,0)-(1,2): 2.236; (1,1)-(1,2): 1; (0,0)-(0,2.5): 2.5.
  auto parse = [](std::string_view type, std::string_view scale) {
    std::string text = "TYPE : CVRP\nDIMENSION : 4\nCAPACITY : 10\nEDGE_WEIGHT_TYPE : " + std::string(type) + "\n" +
                       std::string(scale) +
                       "NODE_COORD_SECTION\n1 0 0\n2 1 1\n3 1 2\n4 0 2.5\n"
                       "DEMAND_SECTION\n1 0\n2 1\n3 1\n4 1\nDEPOT_SECTION\n1\n-1\nEOF\n";
    Result<VrpInstance> instance = ParseVrpInstance(text);
    EXPECT_TRUE(instance) << instance.error().message;
    return instance ? instance->problem : RoutingProblem{};
  };
  RoutingProblem euc = parse("EUC_2D", "");
  EXPECT_EQ(D(euc, 0, 1), 1);
  EXPECT_EQ(D(euc, 0, 2), 2);
  EXPECT_EQ(D(euc, 0, 3), 3);  // nint(2.5) = floor(3.0) = 3
  RoutingProblem ceil = parse("CEIL_2D", "");
  EXPECT_EQ(D(ceil, 0, 1), 2);
  EXPECT_EQ(D(ceil, 0, 2), 3);
  EXPECT_EQ(D(ceil, 1, 2), 1);
  RoutingProblem exact = parse("EXACT_2D", "SCALE : 1000\n");
  EXPECT_EQ(D(exact, 0, 1), 1414);
  EXPECT_EQ(D(exact, 0, 2), 2236);
  EXPECT_EQ(D(exact, 0, 3), 2500);
}

TEST(VrpInstanceParse, DistanceLimitAndServiceTimes) {
  // Stops on a line at 10, 20, 30 from the depot; SERVICE_TIME 2 for every stop; DISTANCE 62.
  std::string text =
      "TYPE : CVRP\nDIMENSION : 4\nCAPACITY : 10\nDISTANCE : 62\nSERVICE_TIME : 2\nEDGE_WEIGHT_TYPE : EUC_2D\n"
      "NODE_COORD_SECTION\n1 0 0\n2 10 0\n3 20 0\n4 30 0\nDEMAND_SECTION\n1 0\n2 1\n3 1\n4 1\n"
      "DEPOT_SECTION\n1\n-1\nEOF\n";
  Result<VrpInstance> instance = ParseVrpInstance(text);
  ASSERT_TRUE(instance) << instance.error().message;
  const RoutingProblem& p = instance->problem;
  EXPECT_EQ(p.max_duration, 62);
  EXPECT_EQ(p.service_time, (std::vector<int64_t>{0, 2, 2, 2}));
  EXPECT_TRUE(p.travel_time.empty());  // travel time = distance
  // 0-10-20-0 lasts 40 + 4 and 0-30-0 lasts 60 + 2: within 62; all three on one route: 60 + 6.
  Result<int64_t> cost = CheckRouting(p, {{1, 2}, {3}});
  ASSERT_TRUE(cost) << cost.error().message;
  EXPECT_EQ(*cost, 100);
  EXPECT_FALSE(CheckRouting(p, {{1, 2, 3}}));
  // A limit beyond anything reachable is dropped.
  Result<VrpInstance> relaxed = ParseVrpInstance(With(text, "DISTANCE : 62", "DISTANCE : 999999"));
  ASSERT_TRUE(relaxed);
  EXPECT_EQ(relaxed->problem.max_duration, 0);
  Result<VrpInstance> none = ParseVrpInstance(With(text, "DISTANCE : 62", "DISTANCE : 0"));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->problem.max_duration, 0);
}

TEST(VrpInstanceParse, PickupAndDeliveryServiceColumnIsScaled) {
  std::string text =
      "TYPE : VRPSPD\nDIMENSION : 3\nCAPACITY : 10\nSCALE : 10\nDISTANCE : 3.5\nEDGE_WEIGHT_TYPE : EXACT_2D\n"
      "NODE_COORD_SECTION\n1 0 0\n2 1 0\n3 2 0\n"
      "PICKUP_AND_DELIVERY_SECTION\n1 0 0 1000 0 0 0\n2 0 0 1000 0.5 4 6\n3 0 0 1000 0 10 0\n"
      "DEPOT_SECTION\n1\n-1\nEOF\n";
  Result<VrpInstance> instance = ParseVrpInstance(text);
  ASSERT_TRUE(instance) << instance.error().message;
  const RoutingProblem& p = instance->problem;
  EXPECT_EQ(p.pickup, (std::vector<int64_t>{0, 4, 10}));
  EXPECT_EQ(p.delivery, (std::vector<int64_t>{0, 6, 0}));
  EXPECT_EQ(p.service_time, (std::vector<int64_t>{0, 5, 0}));
  EXPECT_EQ(p.max_duration, 35);  // below 20 + 10 + 20 + 5, the longest conceivable route: kept
  EXPECT_EQ(D(p, 0, 2), 20);
}

// ------------------------------------------------------------------ errors

struct BadCase {
  const char* name;
  std::string text;
  int line;
  const char* says;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class VrpInstanceErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(VrpInstanceErrorTest, NamesTheLineAndTheReason) {
  const BadCase& c = GetParam();
  Result<VrpInstance> instance = ParseVrpInstance(c.text);
  ASSERT_FALSE(instance);
  EXPECT_EQ(instance.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(instance.error().field, "line " + std::to_string(c.line)) << instance.error().message;
  EXPECT_NE(instance.error().message.find(c.says), std::string::npos) << instance.error().message;
  EXPECT_TRUE(instance.error().message.starts_with("line " + std::to_string(c.line) + ": "));
}

const char* kCoords = "EDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 0\n3 2 0\n4 3 0\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, VrpInstanceErrorTest,
    ::testing::Values(
        BadCase{"Empty", "", 1, "empty"}, BadCase{"OnlyBlanks", " \n\t\r\n", 1, "empty"},
        BadCase{"MissingCapacity", With(Cvrp("", kCoords), "CAPACITY : 10\n", ""), 18, "missing CAPACITY"},
        BadCase{"MissingDemands", With(Cvrp("", kCoords), "DEMAND_SECTION\n1 0\n2 3\n3 4\n4 5\n", ""), 14,
                "missing DEMAND_SECTION"},
        BadCase{"MissingCoords", Cvrp("EDGE_WEIGHT_TYPE : EUC_2D\n", ""), 14, "missing NODE_COORD_SECTION"},
        BadCase{"FewerRows", With(Cvrp("", kCoords), "4 3 0\n", ""), 6, "lists 3 nodes, DIMENSION is 4 (node 4"},
        BadCase{"MoreRows", With(Cvrp("", kCoords), "4 3 0\n", "4 3 0\n5 4 0\n"), 11, "node id 5 is out of range"},
        BadCase{"IdZero", With(Cvrp("", kCoords), "1 0 0\n", "0 0 0\n"), 7, "node id 0 is out of range 1..4"},
        BadCase{"DuplicateId", With(Cvrp("", kCoords), "2 1 0\n", "1 1 0\n"), 8,
                "node 1 is listed twice (first on line 7)"},
        BadCase{"DemandAboveCapacity", With(Cvrp("", kCoords), "3 4\n", "3 11\n"), 14,
                "node 3 demands 11, more than the capacity 10"},
        BadCase{"NegativeDemand", With(Cvrp("", kCoords), "3 4\n", "3 -4\n"), 14, "demand -4 is negative"},
        BadCase{"FractionalDemand", With(Cvrp("", kCoords), "3 4\n", "3 4.5\n"), 14, "'4.5' is not a whole number"},
        BadCase{"NonNumericCoordinate", With(Cvrp("", kCoords), "2 1 0\n", "2 1 x0\n"), 8,
                "y coordinate 'x0' is not a number"},
        BadCase{"ThreeDCoordinates", With(Cvrp("", kCoords), "2 1 0\n", "2 1 0 7\n"), 8, "expected 3 numbers"},
        BadCase{"NegativeCapacity", With(Cvrp("", kCoords), "CAPACITY : 10", "CAPACITY : -1"), 4,
                "CAPACITY -1 is out of range"},
        BadCase{"TextCapacity", With(Cvrp("", kCoords), "CAPACITY : 10", "CAPACITY : ten"), 4,
                "CAPACITY 'ten' is not a whole number"},
        BadCase{"DimensionOne", With(Cvrp("", kCoords), "DIMENSION : 4", "DIMENSION : 1"), 3,
                "DIMENSION 1 is out of range 2..20000"},
        BadCase{"UnknownType", With(Cvrp("", kCoords), "TYPE : CVRP", "TYPE : CVRPTW"), 2,
                "TYPE 'CVRPTW' is not supported"},
        BadCase{"UnknownEdgeWeightType", With(Cvrp("", kCoords), "EUC_2D", "GEO"), 5,
                "EDGE_WEIGHT_TYPE 'GEO' is not supported"},
        BadCase{"UnknownFormat", Cvrp("EDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : FUNCTION\n", ""), 6,
                "EDGE_WEIGHT_FORMAT 'FUNCTION' is not supported"},
        BadCase{"ExplicitWithoutFormat", Cvrp("EDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_SECTION\n1 2 3 4 5 6\n", ""), 5,
                "needs an EDGE_WEIGHT_FORMAT"},
        BadCase{
            "TooFewWeights",
            Cvrp("EDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : LOWER_ROW\nEDGE_WEIGHT_SECTION\n1 2 3\n4 5\n", ""),
            7, "holds 5 numbers; LOWER_ROW needs n(n-1)/2 = 6"},
        BadCase{
            "TooManyWeights",
            Cvrp("EDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : UPPER_ROW\nEDGE_WEIGHT_SECTION\n1 2 3 4 5 6 7\n",
                 ""),
            7, "holds 7 numbers"},
        BadCase{
            "NegativeWeight",
            Cvrp("EDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : LOWER_ROW\nEDGE_WEIGHT_SECTION\n1 2 3\n4 -5 6\n",
                 ""),
            9, "distance '-5' is negative"},
        BadCase{"DepotNotNodeOne", With(Cvrp("", kCoords), "DEPOT_SECTION\n1\n", "DEPOT_SECTION\n3\n"), 17,
                "the depot is node 3; only node 1"},
        BadCase{"TwoDepots", With(Cvrp("", kCoords), "DEPOT_SECTION\n1\n", "DEPOT_SECTION\n1\n1\n"), 18,
                "more than one depot"},
        BadCase{"DepotWithoutEnd", With(Cvrp("", kCoords), "1\n-1\nEOF", "1\nEOF"), 17, "does not end with -1"},
        BadCase{"DepotDemand", With(Cvrp("", kCoords), "1 0\n2 3", "1 2\n2 3"), 12, "the depot (node 1) has demand 2"},
        BadCase{"NumbersOutsideSections", "TYPE : CVRP\n1 2 3\n", 2, "numbers outside any section"},
        BadCase{"Garbage", "TYPE : CVRP\nhello world\n", 2, "expected 'KEY : value'"},
        BadCase{"UnsupportedSection", With(Cvrp("", kCoords), "DEPOT_SECTION", "TIME_WINDOW_SECTION"), 16,
                "section 'TIME_WINDOW_SECTION' is not supported"},
        BadCase{"SectionTwice", With(Cvrp("", kCoords), "DEPOT_SECTION", "DEMAND_SECTION"), 16,
                "DEMAND_SECTION is given twice (first on line 11)"},
        BadCase{"KeyTwice", With(Cvrp("", kCoords), "CAPACITY : 10\n", "CAPACITY : 10\nCAPACITY : 12\n"), 5,
                "CAPACITY is given twice"},
        BadCase{"SectionBeforeDimension", "TYPE : CVRP\nDEMAND_SECTION\n1 0\n", 2,
                "DEMAND_SECTION comes before DIMENSION"},
        BadCase{"InfiniteCoordinate", With(Cvrp("", kCoords), "2 1 0\n", "2 inf 0\n"), 8,
                "x coordinate 'inf' is not a number"},
        BadCase{"HugeCoordinate", With(Cvrp("", kCoords), "2 1 0\n", "2 1e12 0\n"), 8, "beyond"},
        BadCase{"SpdMissingSection", With(Cvrp("", kCoords), "TYPE : CVRP", "TYPE : VRPSPD"), 19,
                "missing PICKUP_AND_DELIVERY_SECTION"},
        BadCase{
            "SpdPickupAboveCapacity",
            "TYPE : VRPSPD\nDIMENSION : 2\nCAPACITY : 10\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 0\n"
            "PICKUP_AND_DELIVERY_SECTION\n1 0 0 100 0 0 0\n2 0 0 100 0 11 3\nEOF\n",
            10, "node 2 picks up 11 and delivers 3: more than the capacity 10"},
        BadCase{
            "SpdSixColumns",
            "TYPE : VRPSPD\nDIMENSION : 2\nCAPACITY : 10\nEDGE_WEIGHT_TYPE : EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 0\n"
            "PICKUP_AND_DELIVERY_SECTION\n1 0 0 100 0 0\n",
            9, "expected 7 numbers"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return std::string(info.param.name); });

TEST(VrpInstanceParse, NeverCrashesOnTruncations) {
  // Every prefix of a real file either parses or gives a line-numbered error.
  std::string text = ReadData("E-n13-k4.vrp");
  for (size_t len = 0; len <= text.size(); ++len) {
    Result<VrpInstance> instance = ParseVrpInstance(std::string_view(text).substr(0, len));
    if (!instance) {
      EXPECT_TRUE(instance.error().field.starts_with("line ")) << len;
    }
  }
}

// ----------------------------------------------------------------- solutions

TEST(CvrplibSolution, FormatsAndReadsBack) {
  std::vector<std::vector<int>> routes = {{3, 7, 9}, {1}, {2, 4}};
  std::string text = FormatCvrplibSolution(routes, 784);
  EXPECT_EQ(text, "Route #1: 3 7 9\nRoute #2: 1\nRoute #3: 2 4\nCost 784\n");
  Result<std::vector<std::vector<int>>> back = ParseCvrplibSolution(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, routes);
  EXPECT_EQ(FormatCvrplibSolution({{1}}, 6356186, 1000), "Route #1: 1\nCost 6356.186\n");
}

TEST(CvrplibSolution, ScaledCosts) {
  EXPECT_EQ(FormatScaledCost(784, 1), "784");
  EXPECT_EQ(FormatScaledCost(635618, 1000), "635.618");
  EXPECT_EQ(FormatScaledCost(6356186, 10000), "635.6186");
  EXPECT_EQ(FormatScaledCost(1009050, 1000), "1009.050");
  EXPECT_EQ(FormatScaledCost(5, 1000), "0.005");
  EXPECT_EQ(FormatScaledCost(-1500, 1000), "-1.500");
  EXPECT_EQ(FormatScaledCost(10, 4), "2.500000");
}

TEST(CvrplibSolution, ReadsCrlfTrailingBlanksAndEmptyRoutes) {
  Result<std::vector<std::vector<int>>> routes = ParseCvrplibSolution("Route #1: 2 \r\nRoute #2:\r\nCost 450\r\n");
  ASSERT_TRUE(routes) << routes.error().message;
  EXPECT_EQ(*routes, (std::vector<std::vector<int>>{{2}, {}}));  // CheckRouting rejects the empty one
}

struct BadSolution {
  const char* name;
  const char* text;
  int line;
  const char* says;
};

void PrintTo(const BadSolution& c, std::ostream* os) { *os << c.name; }

class CvrplibSolutionErrorTest : public ::testing::TestWithParam<BadSolution> {};

TEST_P(CvrplibSolutionErrorTest, NamesTheLine) {
  const BadSolution& c = GetParam();
  Result<std::vector<std::vector<int>>> routes = ParseCvrplibSolution(c.text);
  ASSERT_FALSE(routes);
  EXPECT_EQ(routes.error().field, "line " + std::to_string(c.line)) << routes.error().message;
  EXPECT_NE(routes.error().message.find(c.says), std::string::npos) << routes.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CvrplibSolutionErrorTest,
    ::testing::Values(BadSolution{"Empty", "", 1, "no 'Route #k: stops' line"},
                      BadSolution{"OnlyCost", "Cost 5\n", 1, "no 'Route #k: stops' line"},
                      BadSolution{"NoHash", "Route 1: 2 3\n", 1, "expected 'Route #k: stops'"},
                      BadSolution{"NoColon", "Route #1 2 3\n", 1, "expected 'Route #k: stops'"},
                      BadSolution{"BadNumber", "Route #x: 2\n", 1, "route number 'x'"},
                      BadSolution{"NegativeStop", "Route #1: 2\nRoute #2: -3\n", 2, "stop '-3'"},
                      BadSolution{"TextStop", "Route #1: 2 b\n", 1, "stop 'b'"},
                      BadSolution{"HugeStop", "Route #1: 99999999999\n", 1, "stop '99999999999'"},
                      BadSolution{"OtherLine", "Route #1: 2\nTime 3.2\n", 2, "expected 'Route #k: stops' or 'Cost C'"}),
    [](const ::testing::TestParamInfo<BadSolution>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace fupin::engine
