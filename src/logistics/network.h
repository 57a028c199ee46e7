#pragma once
// Network planning for one county: where its township stations and village
// points should stand, compared with the network it has.
//
//  - Candidate station sites: the county's towns and townships (their seats'
//    positions, store.h LoadPositions). Clients: its administrative villages,
//    weighted by their parcels per day (inbound and outbound each averaged over
//    the county's last 28 days with parcels of that direction, store.h
//    LoadParcelRates), or by their households when the county has no parcels.
//  - Stations: with K, the p-median (open K sites, least weighted distance);
//    with a radius R, set covering (the fewest sites such that every village
//    is within R; villages farther than R from every site cannot be covered and
//    are listed apart). engine::SolveLocation; the answer says whether it is
//    proven optimal.
//  - Village points: set covering of the villages by villages within R2.
//  - The comparison, for the existing network (the facilities open on a day:
//    the request's, else the county's latest day with parcels) and the
//    proposed one: villages within the coverage radius of a station (R, or
//    kDefaultCoverageRadiusM with K), villages with a point, the mean distance
//    per parcel to the nearest station, and the cost per parcel of an average
//    day (each village's average parcels at the average parcel weights, served
//    by its nearest station, by route when it has a point; the county
//    center's tours included), planned with planner.h. A network without
//    stations has no distance to a station nor a day's cost: those measures
//    are absent ("not applicable"), never 0.
// Distances are great-circle × the configured detour factor (the imported
// road matrix is for the daily plans, whose places are the facilities').
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace fupin::db {
class Connection;
}
namespace fupin::regions {
class RegionTree;
}

namespace fupin::logistics {

inline constexpr int64_t kDefaultCoverageRadiusM = 10'000;
inline constexpr int64_t kDefaultPointsRadiusM = 2'000;

struct NetworkRequest {
  std::string county;    // a county code
  int stations = 0;      // K > 0: p-median
  int64_t radius_m = 0;  // R > 0: set covering (exactly one of K and R)
  int64_t points_radius_m = kDefaultPointsRadiusM;
  uint64_t seed = 1;
  double time_limit_s = 10;  // per location model
  // The existing network is the facilities open on this day (YYYY-MM-DD);
  // "": the county's latest day with parcels, or, without parcels, every
  // facility not closed.
  std::string date;
};

// One network (existing or proposed) measured the same way.
struct NetworkMeasures {
  std::vector<std::string> stations;  // township codes where stations stand
  std::vector<std::string> points;    // village codes with a point
  int64_t villages = 0;
  int64_t villages_covered = 0;  // within the coverage radius of a station
  int64_t villages_with_point = 0;
  int64_t day_parcels_milli = 0;  // the average day's parcels × 1000
  // Absent without a station (nothing to measure to or route from); the
  // per-parcel ones also without parcels.
  std::optional<int64_t> mean_distance_m;             // parcel-weighted, village to its nearest station
  std::optional<int64_t> day_cost_fen;                // its routes' cost
  std::optional<int64_t> cost_per_parcel_fen;         // day cost / day parcels
  std::optional<int64_t> parcels_at_points_permille;  // share of the parcels delivered to a point
};

struct LocationOutcome {
  std::string model;  // "p-median" or "set covering"
  int64_t objective = 0;
  int64_t bound = 0;
  bool proven_optimal = false;
  std::string method;
  double seconds = 0;
};

struct NetworkResult {
  std::string county;
  std::string weights;  // "parcels per day over N days" or "households"
  int64_t coverage_radius_m = 0;
  int64_t points_radius_m = 0;
  std::string existing_on;  // the day the existing network is taken on; "" = the facilities not closed
  LocationOutcome station_model;
  LocationOutcome point_model;
  std::vector<std::string> uncoverable;  // villages farther than R from every candidate site
  NetworkMeasures existing;
  NetworkMeasures proposed;
};

// kInvalidArgument naming "county", "stations" (K above the number of
// candidate sites), "radius" or "date"; kNotFound for an unknown county;
// kInternal when a solver fails. Reads only.
Result<NetworkResult> PlanNetwork(db::Connection& conn, const regions::RegionTree& tree, const NetworkRequest& request);

std::string NetworkJson(const NetworkResult& result, const regions::RegionTree& tree);
std::string NetworkTable(const NetworkResult& result, const regions::RegionTree& tree);

}  // namespace fupin::logistics
