#pragma once
// Logistics use cases: computing and storing the daily joint-distribution
// plans (planner.h), reading them back, and listing the facilities.
//
// Who may do what (accounts/model.h): computing a plan needs
// Action::kPlanLogistics on the plan's region — a county operator for its
// county and the stations in it, a station operator for its township's
// station, an admin everywhere; reading plans and facilities needs
// Action::kReadLogistics on the region asked for (officials, auditors,
// operators, admins). An Actor without a principal is the command line, which
// works on the database directly and is not checked.
//
// Errors are values: kInvalidArgument naming the field ("date", "station",
// "region", "seed"), kNotFound (an unknown region, a township without a station),
// kPermissionDenied, kFailedPrecondition (the station is not open on the
// day), kUnavailable (the database failed), kInternal (a solver failure:
// nothing is stored). Thread-safe: the service holds only borrowed immutable
// state; each call leases its own connections.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "logistics/model.h"
#include "logistics/planner.h"
#include "logistics/store.h"

namespace fupin::db {
class Pool;
}
namespace fupin::regions {
class RegionTree;
struct Region;
}
namespace fupin::audit {
class AuditLog;
}
namespace fupin::accounts {
struct Principal;
}

namespace fupin::logistics {

struct Actor {
  const accounts::Principal* principal = nullptr;  // nullptr: the command line
  std::string remote_address;                      // for the audit log; "" when none
  std::string name;                                // who computed a plan when there is no principal
};

struct PlanRequest {
  std::string date;     // YYYY-MM-DD
  std::string station;  // a township's code: that station's plan; "" = by region
  std::string region;   // a county (its plan), a township (its station's plan), or the prefecture
                        // (every county's plan); "" = the prefecture
  uint64_t seed = 1;    // 1..kMaxSeed
};

struct PlanRun {
  std::vector<StoredPlan> plans;  // as stored, by county code (a station merged into its county's plan: that part)
  double seconds = 0;             // the whole call
};

class PlanService {
 public:
  using Clock = std::function<int64_t()>;  // seconds since 1970, UTC
  // `tree` and `pool` are borrowed and must outlive the service; `audit` may be
  // null (no audit entries). `options` bound each solver run (its seed is the
  // request's).
  PlanService(db::Pool& pool, const regions::RegionTree& tree, const audit::AuditLog* audit, PlanOptions options = {},
              Clock clock = {});

  // Computes the plans of `request.date` for the region or station asked for,
  // and stores each, replacing the plan of the same date and region, all in
  // one transaction (with the audit entry); two calls for the same day at
  // once both succeed, the later one's plan staying (store.h SavePlan). A day
  // has one plan per station: a county's plan removes the day's station
  // plans in it; a station planned while its county has a plan of the day
  // has its tours replaced inside that plan (planner.h MergeStationPlan), and
  // the run gives that plan's part for the station (as Plans would);
  // otherwise the station's plan is stored alone. A day without parcels
  // gives plans without routes and a note saying so.
  Result<PlanRun> Plan(const Actor& actor, const PlanRequest& request) const;

  // The stored plans of `date` that concern `region` ("" = the reader's grant):
  // the plans of regions inside it whole, and the plan around it cut to its
  // part inside it (`partial`): station routes from depots inside it; a route
  // from the depot above it cut to its stops inside it (PlannedRoute::cut);
  // no center tours; its villages; the notes about places inside it; totals
  // of that part. A village's reader sees nothing of another village.
  Result<std::vector<StoredPlan>> Plans(const Actor& actor, std::string_view date, std::string_view region) const;
  // The latest day with a stored plan concerning `region` (as Plans() sees it),
  // or "" when there is none. The same access checks as Plans().
  Result<std::string> LatestPlanDate(const Actor& actor, std::string_view region) const;

  // The facilities serving places inside `region` ("" = the reader's grant),
  // by id; only those open on `date` when it is not "".
  Result<std::vector<Facility>> Facilities(const Actor& actor, std::string_view region, std::string_view date) const;

 private:
  // The region a reader asks about ("" = its grant; the prefecture for a
  // caller without a principal), checked: a region code of the tree that
  // the reader may read logistics of.
  Result<const regions::Region*> ReadableRegion(const Actor& actor, std::string_view region_code) const;
  // The counties whose plans may concern `region`: the prefecture's, or the one it lies in.
  std::vector<std::string> CountiesOf(const regions::Region& region) const;
  db::Pool& pool_;
  const regions::RegionTree& tree_;
  const audit::AuditLog* audit_;
  PlanOptions options_;
  Clock clock_;
};

}  // namespace fupin::logistics
