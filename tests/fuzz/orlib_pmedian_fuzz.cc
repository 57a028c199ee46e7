// libFuzzer target: ParseOrLibPMedian (engine/orlib.h) on any bytes. A parsed
// problem has a full, non-negative, symmetric distance matrix with zeros on
// the diagonal and 1 <= p <= vertices.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/orlib.h"

using fupin::Result;
using fupin::engine::LocationProblem;
using fupin::engine::ParseOrLibPMedian;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<LocationProblem> problem = ParseOrLibPMedian(text);
  if (!problem) return 0;
  const LocationProblem& p = *problem;
  const size_t n = static_cast<size_t>(p.clients);
  if (p.clients < 1 || p.sites != p.clients || p.p < 1 || p.p > p.sites) __builtin_trap();
  if (p.distance.size() != n * n) __builtin_trap();
  for (size_t i = 0; i < n; ++i) {
    if (p.distance[i * n + i] != 0) __builtin_trap();
    for (size_t j = 0; j < n; ++j) {
      if (p.distance[i * n + j] < 0 || p.distance[i * n + j] != p.distance[j * n + i]) __builtin_trap();
    }
  }
  return 0;
}
