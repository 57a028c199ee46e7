#pragma once
// GET /api/v1/indicators: the poverty report of a region and year as JSON,
// byte for byte what `fupin report poverty --format json --region CODE --year Y`
// prints (reports::BuildReport + RenderJson, the same code).
//
// The API serves it from a cache: the rendered body and its gzip, kept per
// (region, year) and valid while the registry revision (registry/service.h:
// RegistryRevision) is the one it was computed at. The revision is read at
// most once per `revision_check_interval` (by one request; the others use the
// value last read), and at once after RegistryService approves a change in
// this process (OnRevisionChange → Invalidate). So a hit costs a shared lock,
// a hash lookup and a copy of the body; a change made by another process
// shows within the interval.
//
// Thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"

namespace fupin::db {
class Pool;
}
namespace fupin::regions {
class RegionTree;
}
namespace fupin::accounts {
struct Principal;
}
namespace fupin::registry {
class RegistryService;
}

namespace fupin::reports {

// One rendered answer.
struct IndicatorBody {
  std::string region_code;
  int year = 0;                                // the year the report is for (the default resolved)
  int64_t revision = 0;                        // the registry revision it was computed at
  std::string json;                            // RenderJson's text
  std::shared_ptr<const std::string> gzipped;  // http::Gzip(json)
};

class IndicatorService {
 public:
  struct Options {
    // How stale a cached body may be when the registry is changed by another
    // process (an import, another server). 0: read the revision on every request.
    std::chrono::milliseconds revision_check_interval{250};
  };

  // `pool` and `tree` must outlive the service. When `registry` is given, its
  // approvals invalidate the cache at once (RegistryService::OnRevisionChange).
  IndicatorService(db::Pool& pool, const regions::RegionTree& tree, registry::RegistryService* registry,
                   Options options);
  explicit IndicatorService(db::Pool& pool, const regions::RegionTree& tree,
                            registry::RegistryService* registry = nullptr)
      : IndicatorService(pool, tree, registry, Options{}) {}

  // The poverty report of `region_code` ("" = the principal's grant) for
  // `year` (nullopt = the latest year with data). Errors:
  //   kInvalidArgument "region" — not a 12-digit code, or not in the tree;
  //   kPermissionDenied         — the role may not read indicators, or not there;
  //   kNotFound                 — no registry data (for that year);
  //   kUnavailable              — the database cannot be reached.
  Result<std::shared_ptr<const IndicatorBody>> Get(const accounts::Principal& principal, std::string_view region_code,
                                                   std::optional<int> year);

  // Makes the next Get read the revision again.
  void Invalidate() { checked_at_ns_.store(kNever, std::memory_order_release); }

  // Bodies computed (cache misses) since start, for tests and metrics.
  int64_t computed() const { return computed_.load(std::memory_order_relaxed); }

 private:
  static constexpr int64_t kNever = INT64_MIN / 2;

  struct Key {
    std::string region;  // 12 digits: fits the small-string buffer, no allocation
    int year = 0;        // 0: the default (latest) year
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const noexcept {
      return std::hash<std::string_view>{}(k.region) * 31u + static_cast<size_t>(k.year);
    }
  };

  // The revision, read again when the interval has passed. kUnavailable when it cannot be read.
  Result<int64_t> Revision();
  Result<std::shared_ptr<const IndicatorBody>> Compute(const Key& key);

  db::Pool& pool_;
  const regions::RegionTree& tree_;
  Options options_;
  std::atomic<int64_t> revision_{-1};
  std::atomic<int64_t> checked_at_ns_{kNever};  // steady clock
  std::atomic<int64_t> computed_{0};
  std::shared_mutex mu_;
  std::unordered_map<Key, std::shared_ptr<const IndicatorBody>, KeyHash> cache_;
};

}  // namespace fupin::reports
