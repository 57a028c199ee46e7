#include "reports/indicators.h"

#include <algorithm>

#include <cstdio>
#include <mutex>

#include <fmt/format.h>

#include "accounts/model.h"
#include "db/database.h"
#include "db/pool.h"
#include "http/gzip.h"
#include "regions/tree.h"
#include "registry/service.h"
#include "reports/render.h"
#include "reports/service.h"

namespace fupin::reports {
namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

IndicatorService::IndicatorService(db::Pool& pool, const regions::RegionTree& tree, registry::RegistryService* registry,
                                   Options options)
    : pool_(pool), tree_(tree), options_(options) {
  if (registry) registry->OnRevisionChange([this] { Invalidate(); });
}

Result<int64_t> IndicatorService::Revision() {
  const int64_t interval =
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.revision_check_interval).count();
  const int64_t now = NowNs();
  int64_t last = checked_at_ns_.load(std::memory_order_acquire);
  int64_t known = revision_.load(std::memory_order_acquire);
  if (known >= 0 && now - last < interval) return known;
  // One request reads the revision; the others meanwhile use the value known.
  if (!checked_at_ns_.compare_exchange_strong(last, now, std::memory_order_acq_rel) && known >= 0) return known;
  Result<db::Pool::Lease> lease = pool_.Acquire();
  if (!lease) {
    checked_at_ns_.store(kNever, std::memory_order_release);
    return lease.error();
  }
  try {
    int64_t revision = registry::RegistryRevision(**lease);
    // Only ever raise the known revision: a slow reader must not put back a
    // value older than one stored meanwhile (by an approval in this process).
    int64_t seen = revision_.load(std::memory_order_acquire);
    while (seen < revision && !revision_.compare_exchange_weak(seen, revision, std::memory_order_acq_rel)) {
    }
    return std::max(seen, revision);
  } catch (const db::DbError& e) {
    lease->Discard();
    checked_at_ns_.store(kNever, std::memory_order_release);
    std::fprintf(stderr, "fupin: reading the registry revision failed: %s\n", e.what());
    return Error::Unavailable("the database failed to answer; try again");
  }
}

Result<std::shared_ptr<const IndicatorBody>> IndicatorService::Get(const accounts::Principal& principal,
                                                                   std::string_view region_code,
                                                                   std::optional<int> year) {
  Key key{std::string(region_code.empty() ? std::string_view(principal.region_code) : region_code), year.value_or(0)};
  if (!regions::IsRegionCode(key.region)) {
    return Error::Invalid(fmt::format("'{}' is not a region code: a region code has 12 digits", key.region), "region");
  }
  if (!tree_.Find(key.region)) {
    return Error::Invalid(fmt::format("no region {} in the region tree", key.region), "region");
  }
  if (Status s = accounts::Check(tree_, principal, accounts::Action::kReadIndicators, key.region); !s) {
    return s.error();
  }
  Result<int64_t> revision = Revision();
  if (!revision) return revision.error();
  {
    std::shared_lock lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second->revision == *revision) return it->second;
  }
  return Compute(key);
}

Result<std::shared_ptr<const IndicatorBody>> IndicatorService::Compute(const Key& key) {
  Result<db::Pool::Lease> lease = pool_.Acquire();
  if (!lease) return lease.error();
  db::Connection& conn = **lease;
  auto body = std::make_shared<IndicatorBody>();
  try {
    // The revision and the figures from one snapshot, so the body is marked
    // with exactly the revision it shows (SQLite: a read transaction in WAL
    // mode; PostgreSQL: REPEATABLE READ).
    db::Transaction tx(conn, /*write=*/false);
    if (conn.dialect() == db::Dialect::kPostgres) conn.Exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    body->revision = registry::RegistryRevision(conn);
    ReportRequest request;
    request.name = "poverty";
    request.region = key.region;
    if (key.year != 0) request.year = key.year;
    Result<Report> report = BuildReport(conn, request);
    if (!report) return report.error();
    tx.Commit();
    body->region_code = report->region_code;
    body->year = report->year;
    body->json = RenderJson(*report);
  } catch (const db::DbError& e) {
    lease->Discard();
    std::fprintf(stderr, "fupin: computing indicators of %s failed: %s\n", key.region.c_str(), e.what());
    return Error::Unavailable("the database failed to answer; try again");
  }
  body->gzipped = std::make_shared<const std::string>(http::Gzip(body->json));
  computed_.fetch_add(1, std::memory_order_relaxed);
  std::shared_ptr<const IndicatorBody> out = std::move(body);
  {
    std::unique_lock lock(mu_);
    auto& slot = cache_[key];
    // Two requests may compute one key at once; the newer revision stays.
    if (!slot || slot->revision <= out->revision) slot = out;
  }
  // A body newer than the revision known tells of a change this process has not seen yet.
  int64_t known = revision_.load(std::memory_order_acquire);
  while (known < out->revision && !revision_.compare_exchange_weak(known, out->revision)) {
  }
  return out;
}

}  // namespace fupin::reports
