#pragma once
// Integer apportionment: splitting a whole number into parts that add up to it
// exactly, the way seats are apportioned (largest remainder). The demo uses it
// to turn its targets into exact counts per county, village and year.
#include <cstdint>
#include <vector>

#include "base/result.h"

namespace fupin::demo {

// Parts proportional to `weights` (non-negative, not all zero unless total is
// 0) that add up to `total` exactly. Ties go to the lower index.
std::vector<int64_t> Apportion(int64_t total, const std::vector<double>& weights);

// Parts within [lower[i], upper[i]] that add up to `total`: each part is
// lower + λ·weight clamped to its bounds, λ chosen so the sum fits, then
// rounded by largest remainder. kInvalidArgument when the bounds make `total`
// unreachable (Σlower > total or Σupper < total).
Result<std::vector<int64_t>> ApportionBounded(int64_t total, const std::vector<int64_t>& lower,
                                              const std::vector<int64_t>& upper, const std::vector<double>& weights);

}  // namespace fupin::demo
