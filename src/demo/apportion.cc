#include "demo/apportion.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace fupin::demo {
namespace {

// Floors `exact` and hands out the remaining units to the largest fractional
// parts among the parts allowed to grow (`room[i]` > 0).
std::vector<int64_t> RoundToTotal(int64_t total, const std::vector<double>& exact, const std::vector<int64_t>& cap) {
  size_t n = exact.size();
  std::vector<int64_t> out(n);
  int64_t sum = 0;
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<int64_t>(std::floor(exact[i] + 1e-9));
    if (out[i] > cap[i]) out[i] = cap[i];
    sum += out[i];
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return exact[a] - std::floor(exact[a]) > exact[b] - std::floor(exact[b]);
  });
  // Hand out whole units; loop again when caps stop some parts.
  while (sum < total) {
    bool progressed = false;
    for (size_t i : order) {
      if (sum >= total) break;
      if (out[i] < cap[i]) {
        ++out[i];
        ++sum;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  while (sum > total) {
    bool progressed = false;
    for (auto it = order.rbegin(); it != order.rend() && sum > total; ++it) {
      if (out[*it] > 0) {
        --out[*it];
        --sum;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  return out;
}

}  // namespace

std::vector<int64_t> Apportion(int64_t total, const std::vector<double>& weights) {
  double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<double> exact(weights.size(), 0.0);
  if (sum > 0) {
    for (size_t i = 0; i < weights.size(); ++i) exact[i] = static_cast<double>(total) * weights[i] / sum;
  } else if (!weights.empty()) {
    exact[0] = static_cast<double>(total);
  }
  std::vector<int64_t> cap(weights.size(), INT64_MAX);
  return RoundToTotal(total, exact, cap);
}

Result<std::vector<int64_t>> ApportionBounded(int64_t total, const std::vector<int64_t>& lower,
                                              const std::vector<int64_t>& upper, const std::vector<double>& weights) {
  size_t n = lower.size();
  int64_t sum_lower = 0, sum_upper = 0;
  for (size_t i = 0; i < n; ++i) {
    if (upper[i] < lower[i]) {
      return Error::Invalid(fmt::format("part {} has upper bound {} below its lower bound {}", i, upper[i], lower[i]));
    }
    sum_lower += lower[i];
    sum_upper += upper[i];
  }
  if (total < sum_lower || total > sum_upper) {
    return Error::Invalid(fmt::format("{} cannot be split within bounds adding up to {}..{}", total, sum_lower,
                                      sum_upper));
  }
  auto value_at = [&](double lambda, std::vector<double>* exact) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) {
      double v = static_cast<double>(lower[i]) + lambda * weights[i];
      v = std::clamp(v, static_cast<double>(lower[i]), static_cast<double>(upper[i]));
      if (exact) (*exact)[i] = v;
      s += v;
    }
    return s;
  };
  double lo = 0, hi = 1;
  while (value_at(hi, nullptr) < static_cast<double>(total) && hi < 1e18) hi *= 2;
  for (int iter = 0; iter < 200; ++iter) {
    double mid = (lo + hi) / 2;
    if (value_at(mid, nullptr) < static_cast<double>(total)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  std::vector<double> exact(n);
  value_at(hi, &exact);
  // Round within the bounds: floor is never below lower; caps are upper.
  std::vector<int64_t> out = RoundToTotal(total, exact, upper);
  for (size_t i = 0; i < n; ++i) {
    if (out[i] < lower[i]) {
      // Can only happen through floating error; lift it and take from others.
      out[i] = lower[i];
    }
  }
  int64_t s = std::accumulate(out.begin(), out.end(), int64_t{0});
  for (size_t i = 0; s > total && i < n; ++i) {
    int64_t give = std::min(out[i] - lower[i], s - total);
    out[i] -= give;
    s -= give;
  }
  for (size_t i = 0; s < total && i < n; ++i) {
    int64_t take = std::min(upper[i] - out[i], total - s);
    out[i] += take;
    s += take;
  }
  return out;
}

}  // namespace fupin::demo
