// `fupin solve` as a user runs it: the solution it writes is read back with the
// CVRPLIB solution reader and checked against the instance independently of the
// solver; bad files and flags give one-line errors and the documented exit codes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "engine/routing.h"
#include "engine/vrp_instance.h"
#include "testing/test_db.h"

namespace fupin::engine {
namespace {

using testing::CommandResult;
using testing::RunFupin;

std::string DataPath(const std::string& name) { return std::string(FUPIN_TEST_DATA_DIR) + "/vrp/" + name; }

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The cost the solution text claims, from its `Cost C` line.
std::string CostLine(const std::string& sol) {
  size_t at = sol.rfind("Cost ");
  if (at == std::string::npos) return "";
  return sol.substr(at + 5, sol.find('\n', at) - at - 5);
}

TEST(EngineSolveCommand, WritesACheckedCvrplibSolution) {
  testing::TempDir dir;
  const std::string sol_path = dir.File("E-n13-k4.sol");
  CommandResult r = RunFupin("solve '" + DataPath("E-n13-k4.vrp") + "' --time-limit 2 --seed 4 --out '" +
                             sol_path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  // Summary on stderr: name cost routes seconds seconds_to_best.
  EXPECT_EQ(r.err.rfind("E-n13-k4 247 4 ", 0), 0u) << r.err;

  Result<VrpInstance> instance = ParseVrpInstance(Read(DataPath("E-n13-k4.vrp")));
  ASSERT_TRUE(instance) << instance.error().message;
  const std::string sol = Read(sol_path);
  Result<std::vector<std::vector<int>>> routes = ParseCvrplibSolution(sol);
  ASSERT_TRUE(routes) << routes.error().message;
  Result<int64_t> cost = CheckRouting(instance->problem, *routes);
  ASSERT_TRUE(cost) << cost.error().message;
  EXPECT_EQ(*cost, 247);  // the proven optimum (CVRPLIB)
  EXPECT_EQ(CostLine(sol), "247");
}

TEST(EngineSolveCommand, VrpspdToStandardOutput) {
  CommandResult r = RunFupin("solve '" + DataPath("CON3-0.vrpspd") + "' --time-limit 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Result<VrpInstance> instance = ParseVrpInstance(Read(DataPath("CON3-0.vrpspd")));
  ASSERT_TRUE(instance) << instance.error().message;
  Result<std::vector<std::vector<int>>> routes = ParseCvrplibSolution(r.out);
  ASSERT_TRUE(routes) << routes.error().message << "\n" << r.out;
  Result<int64_t> cost = CheckRouting(instance->problem, *routes);
  ASSERT_TRUE(cost) << cost.error().message;
  EXPECT_EQ(CostLine(r.out), std::to_string(*cost));
  // The best known value is 616.52 in the file's unit ÷ 10^4: a checked solution is never below it.
  EXPECT_GE(*cost, 6165100);
}

TEST(EngineSolveCommand, BadFilesAndFlags) {
  testing::TempDir dir;
  // A demand above the capacity: the line that says so is named.
  testing::WriteFile(dir.File("heavy.vrp"),
                     "NAME : heavy\nTYPE : CVRP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n"
                     "NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\nDEMAND_SECTION\n1 0\n2 5\n3 11\n"
                     "DEPOT_SECTION\n1\n-1\nEOF\n");
  CommandResult r = RunFupin("solve '" + dir.File("heavy.vrp") + "' --time-limit 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(testing::OneLineError(r.err)) << r.err;
  EXPECT_NE(r.err.find(dir.File("heavy.vrp") + ":"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("capacity"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");

  // A missing section.
  testing::WriteFile(dir.File("short.vrp"),
                     "NAME : short\nTYPE : CVRP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n"
                     "NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\nEOF\n");
  r = RunFupin("solve '" + dir.File("short.vrp") + "' --time-limit 1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(testing::OneLineError(r.err)) << r.err;
  EXPECT_NE(r.err.find("DEMAND_SECTION"), std::string::npos) << r.err;

  // An unknown edge weight type.
  testing::WriteFile(dir.File("geo.vrp"),
                     "NAME : geo\nTYPE : CVRP\nDIMENSION : 2\nEDGE_WEIGHT_TYPE : GEO\nCAPACITY : 10\n"
                     "NODE_COORD_SECTION\n1 0 0\n2 3 4\nDEMAND_SECTION\n1 0\n2 1\nEOF\n");
  r = RunFupin("solve '" + dir.File("geo.vrp") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(dir.File("geo.vrp") + ":4:"), std::string::npos) << r.err;

  r = RunFupin("solve '" + dir.File("missing.vrp") + "'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(testing::OneLineError(r.err)) << r.err;

  r = RunFupin("solve '" + DataPath("E-n13-k4.vrp") + "' --time-limit -1");
  EXPECT_EQ(r.exit_code, 2);
  r = RunFupin("solve");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace fupin::engine
