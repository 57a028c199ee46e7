#pragma once
// The daily joint-distribution plan, as plain data: what each county's
// stations and villages have to move on one day in, routes and village
// economics out. Two tiers:
//  1. each township station's van tours its villages that have an open
//     village point and parcels that day, delivering the inbound parcels and
//     picking up the outbound ones on the same tour (VRPSPD,
//     engine::SolveRouting); villages without a point fetch their parcels
//     from the station;
//  2. each county center's truck tours its stations with parcels (delivering
//     the station's inbound parcels, picking up its outbound ones).
// Distances come from the county's imported road matrix for a tour when it
// has every pair of places the tour needs, else they are great-circle × the
// configured detour factor (engine::GreatCircleMatrix) with travel times at
// the configured speed; each route records which (DistanceSource). Every stop
// costs a service time (and each inbound parcel taken to the door a little
// more).
//
// Economics (logistics/model.h): a route costs fixed + per km + per hour; its
// cost is shared between its stops in proportion to their depot–stop–depot
// round trips. A village's route cost is the sum of its stops' shares; a
// station's share of the center's tour is passed on to the station's villages
// (point or not) in proportion to their parcels (its center cost). Its cost is
// both; its revenue the tariffs of its parcels; margin = revenue − cost.
//
// A stop heavier than the vehicle is split into several stops at the same
// place, each within the capacity (and a note says so).
//
// Notes: each starts with the 12-digit code of the region it concerns and
// ": " (NoteRegion), so that a reader of a part of the plan is shown only the
// notes about that part: a village (a split stop), a station's township (its
// search stopped on the clock), the county (its center's tours).
//
// Determinism: each solver run stops after a number of iterations without
// improvement, so the same seed gives the same plan; its wall-clock limit is
// only a safety net, and a run that reaches it says so in a note. No database
// here, and no clock beyond that safety net.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "logistics/model.h"

namespace fupin::logistics {

// A place a vehicle starts from or stops at.
struct Site {
  int64_t facility_id = 0;
  std::string region_code;  // the facility's region (the village of a point, the township of a station)
  int64_t lon_e6 = 0;
  int64_t lat_e6 = 0;
};

// A village's parcels on the day.
struct VillageDay {
  std::string village_code;
  std::string township_code;
  int64_t parcels_in = 0;
  int64_t parcels_out = 0;
  int64_t weight_in_g = 0;
  int64_t weight_out_g = 0;
  int64_t door_parcels = 0;   // inbound parcels taken on to the door
  std::optional<Site> point;  // its village point, when one is open that day
};

struct StationDay {
  Site station;
  std::vector<VillageDay> villages;  // the villages of its township with parcels
};

// Imported road distances between places of a county (table
// logistics_road_matrix), by (from, to) region code; need not be complete
// nor symmetric.
struct RoadLeg {
  int64_t metres = 0;
  int64_t seconds = 0;
};
using RoadMatrix = std::map<std::pair<std::string, std::string>, RoadLeg>;

// Where a route's distances and times come from.
enum class DistanceSource { kGreatCircle, kRoad };
const char* DistanceSourceName(DistanceSource source);  // "great_circle", "road"
std::optional<DistanceSource> ParseDistanceSource(std::string_view name);

struct CountyDay {
  std::string county_code;
  std::optional<Site> center;        // the county center, when open (needed for the center tier)
  std::vector<StationDay> stations;  // open stations whose township has parcels
  // Villages of townships without an open station: their parcels are fetched
  // at the county center (no route, no cost share).
  std::vector<VillageDay> without_station;
  bool center_tier = true;  // false: plan the stations' tours only (a station's plan)
  RoadMatrix roads;         // the county's imported road matrix; empty: great circle everywhere
};

struct PlannedStop {
  std::string region_code;  // the village (station tier) or the station's township (center tier)
  int64_t facility_id = 0;  // the village point or the station
  int part = 1;             // 1..parts: a village split into several stops for its weight
  int parts = 1;
  int64_t delivery_g = 0;
  int64_t pickup_g = 0;
  int64_t parcels_in = 0;
  int64_t parcels_out = 0;
  int64_t load_after_g = 0;          // on board when leaving the stop
  int64_t distance_from_prev_m = 0;  // from the depot or the previous stop
  int64_t arrival_s = 0;             // seconds after leaving the depot
  int64_t round_trip_m = 0;          // depot–stop–depot: its weight in the cost share
  int64_t cost_share_fen = 0;
};

struct PlannedRoute {
  Tier tier = Tier::kStation;  // kCenter or kStation: the depot's tier
  int64_t facility_id = 0;     // the depot
  std::string depot_region_code;
  int seq = 1;  // 1.. within the depot
  int64_t capacity_g = 0;
  int64_t distance_m = 0;  // depot to depot
  int64_t duration_s = 0;  // travel and service times
  int64_t cost_fen = 0;
  int64_t delivery_g = 0;
  int64_t pickup_g = 0;
  int64_t max_load_g = 0;
  std::vector<int64_t> load_profile_g;  // leaving the depot, then after each stop
  std::vector<PlannedStop> stops;
  DistanceSource distance_source = DistanceSource::kGreatCircle;
  // Only in a reader's part of a plan (PlanService::Plans): the route cut to
  // its stops inside the reader's region. Its cost_fen, delivery_g and
  // pickup_g are then those of the stops kept; its distance, duration, loads
  // on board and load profile (which tell of the other stops) are left out
  // (0, empty).
  bool cut = false;
};

struct PlannedVillage {
  std::string village_code;
  std::string township_code;
  Served served = Served::kFetch;
  int64_t parcels_in = 0;
  int64_t parcels_out = 0;
  int64_t weight_in_g = 0;
  int64_t weight_out_g = 0;
  int64_t route_cost_fen = 0;   // its stops' shares of its station's routes
  int64_t center_cost_fen = 0;  // its part of its station's share of the center's routes
  int64_t cost_fen = 0;         // route + center
  Economics economics;          // advice only for villages served by route
};

struct CountyPlan {
  std::string county_code;
  std::vector<PlannedRoute> routes;      // station routes by station, then center routes
  std::vector<PlannedVillage> villages;  // by village code
  std::vector<std::string> notes;        // "CODE: …" — what a reader should know: splits, an empty day
  double solver_seconds = 0;             // summed over the solver runs
};

// The region code a note starts with ("" when it starts with none).
std::string_view NoteRegion(std::string_view note);

// A plan's totals, as stored with it.
struct PlanTotals {
  int64_t routes = 0;
  int64_t villages = 0;
  int64_t villages_losing = 0;  // villages whose margin is negative
  int64_t parcels_in = 0;
  int64_t parcels_out = 0;
  int64_t weight_in_g = 0;
  int64_t weight_out_g = 0;
  int64_t distance_m = 0;  // of the whole routes (not of a cut one)
  int64_t duration_s = 0;
  // Of every route; equal to the villages' costs summed, since every route's
  // cost lands on its villages. In a reader's part of a plan: the routes kept
  // (a cut route: its stops' shares) and the villages' part of the center's
  // tours, i.e. again the villages' costs summed.
  int64_t cost_fen = 0;
  int64_t revenue_fen = 0;
};
PlanTotals Totals(const CountyPlan& plan);

// The seeds a plan may be asked for: 1..2^31-1, the same rule for the API and
// the command line (a JSON integer every client reads exactly).
inline constexpr uint64_t kMaxSeed = 2'147'483'647;

struct PlanOptions {
  uint64_t seed = 1;
  // Per solver run: it stops after this many iterations without improving
  // its best tours (at most 200 + 50 per stop, which small tours never need
  // more of) — deterministic, so the same seed gives the same plan.
  int64_t max_idle_iterations = 1000;
  // Per solver run, a safety net only: a run that reaches it stops there,
  // and the plan's notes say so (that run may then differ between two runs
  // of the same seed).
  double time_limit_s = 5.0;
  int threads = 0;  // 0: the machine's cores, at most 4
};

// Plans every county of `days`; the solver runs (one per station and one per
// center) go over a pool of `options.threads` threads. Each run's seed is
// derived from options.seed and its depot's facility id, so the plan does not
// depend on the order the threads finish in. Errors: kInvalidArgument for a
// malformed day (a negative weight); kInternal when a solver run fails or
// returns a tour that breaks the capacity (never a silently wrong plan), naming
// the depot.
Result<std::vector<CountyPlan>> PlanCounties(const std::vector<CountyDay>& days, const Config& config,
                                             const PlanOptions& options);

// Puts `station`, the plan of one station's tours (planned without the center
// tier) of the same day, into `county`, the county's plan: the station's
// routes and villages replace the county plan's routes from that station and
// villages of its township, and its notes replace the notes about the
// township and those villages. The center's tours stay as planned; the
// station's share of them (its stops' shares, found by `township`) is passed
// on to its villages again in proportion to their parcels, and their costs
// and economics are recomputed. `township` is the station's township code.
void MergeStationPlan(CountyPlan& county, CountyPlan station, const std::string& township, const Config& config);

}  // namespace fupin::logistics
