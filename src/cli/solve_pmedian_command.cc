// fupin solve-pmedian FILE: reads an OR-Library p-median instance, solves it
// (CBC when the model is small enough, else our heuristic), checks the answer
// with the independent checker, and prints
//
//   Medians: 3 17 44        1-based vertex ids, ascending
//   Cost 5819
//   Proven optimal: yes|no
//   Method: cbc|heuristic
//   Seconds: 1.23
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "engine/location.h"
#include "engine/orlib.h"

namespace fupin::cli {
int RunSolvePMedian(const SolvePMedianOptions& o) {
  Result<std::string> text = ReadInputFile(o.file);
  if (!text) return Fail(text.error());
  Result<engine::LocationProblem> problem = engine::ParseOrLibPMedian(*text);
  if (!problem) {
    return Fail(InFile(o.file, problem.error()));
  }

  engine::LocationOptions options;
  options.time_limit_s = o.time_limit_s;
  options.seed = o.seed;
  options.allow_exact = !o.heuristic;
  if (o.exact) options.exact_max_variables = std::numeric_limits<int64_t>::max();
  Result<engine::LocationSolution> solution = engine::SolveLocation(*problem, options);
  if (!solution) return Fail(Error{solution.error().code, fmt::format("{}: {}", o.file, solution.error().message), {}});

  // The solver's answer is trusted only after the checker has recomputed it.
  Result<int64_t> cost = engine::CheckLocation(*problem, *solution);
  if (!cost) {
    return Fail(
        Error::Internal(fmt::format("{}: the solver returned an invalid solution: {}", o.file, cost.error().message)));
  }
  std::string medians;
  for (int site : solution->open) medians += fmt::format(" {}", site + 1);
  std::printf("Medians:%s\nCost %lld\nProven optimal: %s\nMethod: %s\nSeconds: %.2f\n", medians.c_str(),
              static_cast<long long>(*cost), solution->proven_optimal ? "yes" : "no", solution->method.c_str(),
              solution->seconds);
  return 0;
}

}  // namespace fupin::cli
