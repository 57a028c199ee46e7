// libFuzzer target: ParseVrpInstance (engine/vrp_instance.h) on any bytes.
// Besides "never crashes", it checks what the header promises: an error names
// a line; a parsed instance has consistent sizes, every stop within the
// capacity, and a trivial solution (one route per stop) that CheckRouting
// judges without crashing and that survives the .sol format both ways.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/routing.h"
#include "engine/vrp_instance.h"

using fupin::Result;
using fupin::engine::CheckRouting;
using fupin::engine::FormatCvrplibSolution;
using fupin::engine::ParseCvrplibSolution;
using fupin::engine::ParseVrpInstance;
using fupin::engine::RoutingProblem;
using fupin::engine::VrpInstance;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<VrpInstance> instance = ParseVrpInstance(text);
  if (!instance) {
    if (!instance.error().field.starts_with("line ")) __builtin_trap();
    return 0;
  }
  const RoutingProblem& p = instance->problem;
  const size_t n = static_cast<size_t>(p.n);
  if (p.n < 2 || p.distance.size() != n * n || p.delivery.size() != n) __builtin_trap();
  if (!p.pickup.empty() && p.pickup.size() != n) __builtin_trap();
  if (!p.service_time.empty() && p.service_time.size() != n) __builtin_trap();
  if (p.capacity <= 0 || p.max_duration < 0 || p.max_vehicles != 0) __builtin_trap();
  for (size_t i = 0; i < n; ++i) {
    if (p.delivery[i] < 0 || p.delivery[i] > p.capacity) __builtin_trap();
    if (!p.pickup.empty() && (p.pickup[i] < 0 || p.pickup[i] > p.capacity)) __builtin_trap();
  }
  for (int64_t d : p.distance) {
    if (d < 0) __builtin_trap();
  }
  std::vector<std::vector<int>> routes;
  for (int s = 1; s < p.n; ++s) routes.push_back({s});
  Result<int64_t> cost = CheckRouting(p, routes);
  // One stop per route never breaks the capacity: only a duration limit can refuse it.
  if (!cost && p.max_duration == 0) __builtin_trap();
  if (cost && *cost < 0) __builtin_trap();
  std::string sol = FormatCvrplibSolution(routes, cost ? *cost : 0, instance->cost_scale);
  Result<std::vector<std::vector<int>>> back = ParseCvrplibSolution(sol);
  if (!back || *back != routes) __builtin_trap();
  return 0;
}
