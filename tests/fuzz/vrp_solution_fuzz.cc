// libFuzzer target: ParseCvrplibSolution (engine/vrp_instance.h) on any bytes.
// An error names a line; routes read are written and read back unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/vrp_instance.h"

using fupin::Result;
using fupin::engine::FormatCvrplibSolution;
using fupin::engine::ParseCvrplibSolution;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<std::vector<std::vector<int>>> routes = ParseCvrplibSolution(text);
  if (!routes) {
    if (!routes.error().field.starts_with("line ")) __builtin_trap();
    return 0;
  }
  for (const std::vector<int>& route : *routes) {
    for (int stop : route) {
      if (stop < 0) __builtin_trap();
    }
  }
  std::string again = FormatCvrplibSolution(*routes, 0);
  Result<std::vector<std::vector<int>>> back = ParseCvrplibSolution(again);
  if (!back || *back != *routes) __builtin_trap();
  return 0;
}
