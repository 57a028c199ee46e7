// fupin solve FILE: reads a CVRP or VRPSPD instance (TSPLIB / CVRPLIB / LKH-3
// format), solves it, checks the answer with the independent checker, and
// writes the routes in CVRPLIB's .sol format. A one-line summary goes to
// stderr: `name cost routes seconds seconds_to_best`.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "engine/routing.h"
#include "engine/vrp_instance.h"

namespace fupin::cli {
int RunSolve(const SolveOptions& o) {
  Result<std::string> text = ReadInputFile(o.file);
  if (!text) return Fail(text.error());
  Result<engine::VrpInstance> instance = engine::ParseVrpInstance(*text);
  if (!instance) {
    return Fail(InFile(o.file, instance.error()));
  }
  engine::RoutingProblem& problem = instance->problem;
  problem.max_vehicles = o.vehicles;
  std::string name = instance->name;
  if (name.empty()) name = std::filesystem::path(o.file).stem().string();
  for (char& c : name) {
    if (c == ' ' || c == '\t') c = '_';  // one field of the summary line
  }

  engine::RoutingOptions options;
  options.time_limit_s = o.time_limit_s;
  options.seed = o.seed;
  Result<engine::RoutingSolution> solution = engine::SolveRouting(problem, options);
  if (!solution) return Fail(Error{solution.error().code, fmt::format("{}: {}", o.file, solution.error().message), {}});

  // The solver's answer is trusted only after the checker has recomputed it.
  Result<int64_t> cost = engine::CheckRouting(problem, solution->routes);
  if (!cost) {
    return Fail(Error::Internal(
        fmt::format("{}: the solver returned an infeasible solution: {}", o.file, cost.error().message)));
  }
  if (*cost != solution->cost) {
    return Fail(Error::Internal(
        fmt::format("{}: the solver reports cost {} but its routes cost {}", o.file, solution->cost, *cost)));
  }
  Status written = WriteFileAtomic(o.out, engine::FormatCvrplibSolution(solution->routes, *cost, instance->cost_scale));
  if (!written) return Fail(written.error());
  if (solution->fallback) {
    std::fprintf(stderr,
                 "fupin: warning: no feasible solution was found in %.2f s; the routes written take the stops in "
                 "number order, as many per vehicle as fit: give more time\n",
                 solution->seconds);
  }
  std::fprintf(stderr, "%s %s %zu %.2f %.2f\n", name.c_str(),
               engine::FormatScaledCost(*cost, instance->cost_scale).c_str(), solution->routes.size(),
               solution->seconds, solution->seconds_to_best);
  return 0;
}

}  // namespace fupin::cli
