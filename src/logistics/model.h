#pragma once
// County–township–village logistics: the pure rules. Facilities of three
// tiers, parcels, the configuration of the joint distribution (tariffs,
// vehicles, costs: assumptions, not facts), the cost of a route, how a route's
// cost is shared between its stops, a village's economics and the
// break-even advice. No SQL, no JSON, no clock.
//
// Units are in the names: money in fen, weights in grams, distances in
// metres, durations in seconds, dates "YYYY-MM-DD".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace fupin::logistics {

// ---- Dates -------------------------------------------------------------------

// "YYYY-MM-DD" (a real calendar date, years 1900..2199) to days since
// 1970-01-01; kInvalidArgument naming `field` otherwise.
Result<int64_t> ParseDate(std::string_view text, std::string_view field);
// Days since 1970-01-01 to "YYYY-MM-DD".
std::string FormatDate(int64_t days);

// ---- Facilities and parcels -------------------------------------------------

enum class Tier { kCenter, kStation, kPoint };  // county service center, township station, village point
const char* TierName(Tier tier);                // "center", "station", "point"
std::optional<Tier> ParseTier(std::string_view name);

enum class Direction { kOutbound, kInbound };  // farm produce out of the village; purchases into it
const char* DirectionName(Direction d);        // "outbound", "inbound"

// How a village is served on a plan's day: a route of its station's van
// stops at its village point, or villagers fetch their parcels from the
// township station (no point, or no station open: from the county center).
enum class Served { kRoute, kFetch };
const char* ServedName(Served s);  // "route", "fetch"

// A facility of the network (table logistics_facilities). A center stands in
// its county's seat and serves the county; a station stands in and serves its
// township; a point stands in and serves its village.
struct Facility {
  int64_t id = 0;
  std::string county_code;
  Tier tier = Tier::kPoint;
  std::string region_code;         // where it stands
  std::string serves_region_code;  // the county, township or village it serves
  std::string name;
  int64_t lon_e6 = 0;  // GCJ-02, microdegrees
  int64_t lat_e6 = 0;
  std::string position_source;  // "published" or "synthetic"
  int64_t capacity_parcels_per_day = 0;
  std::string opened_on;             // YYYY-MM-DD
  std::string closed_on;             // "" while open
  std::optional<int64_t> parent_id;  // a point's station, a station's center
  bool synthetic = false;
  // Open on `date` (YYYY-MM-DD): opened on or before it, not closed by then.
  bool OpenOn(std::string_view date) const { return opened_on <= date && (closed_on.empty() || date < closed_on); }
};

// ---- Configuration (table logistics_config) -----------------------------------

// Every value is an integer with its unit in the key. The defaults are
// ASSUMPTIONS of a plausible order of magnitude for mountain counties in
// Gansu (documented in docs/ARCHITECTURE.md), not measured facts; an operator
// changes them in the table.
struct Config {
  int64_t tariff_inbound_fen = 150;          // what the joint distribution earns per parcel delivered to a village
  int64_t tariff_outbound_fen = 300;         // per parcel collected from a village
  int64_t van_capacity_g = 800'000;          // a township station's van
  int64_t truck_capacity_g = 3'000'000;      // a county center's truck
  int64_t cost_per_km_fen = 150;             // fuel and wear
  int64_t cost_per_hour_fen = 2'500;         // driver
  int64_t fixed_cost_per_route_fen = 2'000;  // vehicle depreciation and insurance per run
  int64_t speed_kmh = 30;                    // mountain roads
  int64_t detour_permille = 1'400;           // road distance = great circle × 1.4
  int64_t service_s_per_stop = 300;          // hand-over at a point or a station
  int64_t service_s_per_door_parcel = 120;   // an inbound parcel taken on to the door
  int64_t inbound_parcels_per_household_week_permille = 300;  // the demo's inbound parcels: 0.3 per household a week
  int64_t runs_per_week = 7;                                  // how often a station's van runs
  int64_t parcel_max_g = 30'000;    // the demo packs an order's goods into parcels of at most this weight
  int64_t freight_min_g = 100'000;  // heavier shipments go as freight, outside the parcel network (demo)
};

// The keys of Config, in declaration order, with a one-line description.
struct ConfigKey {
  const char* key;
  const char* description;
};
const std::vector<ConfigKey>& ConfigKeys();

// Sets the value of `key` (one of ConfigKeys()); kInvalidArgument naming the
// key when it is unknown or the value is not a whole number in its range
// (capacities, speed, detour (≥ 1000) and runs per week (1..7) positive; the
// rest ≥ 0).
Status SetConfig(Config& config, std::string_view key, std::string_view value);
// The value of `key` as text ("" for an unknown key).
std::string ConfigValue(const Config& config, std::string_view key);

// ---- Costs and shares ----------------------------------------------------------

// A route's cost: fixed + per km × distance + per hour × duration, each
// product rounded half up to the fen.
int64_t RouteCostFen(const Config& config, int64_t distance_m, int64_t duration_s);

// Splits a route's cost between its stops in proportion to each stop's
// depot–stop–depot round trip (`round_trip_m`, its "stand-alone" distance),
// by the largest-remainder rule: the shares add up to `cost_fen` exactly.
// Stops with a zero round trip (at the depot) share by equal weights when
// every stop has zero.
std::vector<int64_t> ShareCost(int64_t cost_fen, const std::vector<int64_t>& round_trip_m);

// round(a / b), halves up, for a >= 0 and b > 0; 0 when b == 0.
int64_t DivRound(int64_t a, int64_t b);

// ---- Overweight stops --------------------------------------------------------------

// A village's load split into parts the vehicle can carry: as few parts as
// max(ceil(delivery / capacity), ceil(pickup / capacity)) (at least 1), each
// quantity split in near-equal parts (they add up exactly). capacity > 0.
struct Part {
  int64_t delivery_g = 0;
  int64_t pickup_g = 0;
  int64_t parcels_in = 0;
  int64_t parcels_out = 0;
  int64_t door_parcels = 0;
};
std::vector<Part> SplitForCapacity(const Part& whole, int64_t capacity_g);

// ---- Load along a tour (simultaneous pickup and delivery) ---------------------------

// The load on board: leaving the depot with every delivery of the tour, then
// after each stop (minus its delivery, plus its pickup). size = stops + 1.
std::vector<int64_t> LoadProfile(const std::vector<int64_t>& delivery_g, const std::vector<int64_t>& pickup_g);

// ---- A village's economics ------------------------------------------------------------

struct VillageMoney {
  int64_t parcels_in = 0;
  int64_t parcels_out = 0;
  int64_t cost_fen = 0;  // its share of the day's routes
};

struct Economics {
  int64_t parcels = 0;
  int64_t revenue_fen = 0;             // parcels × tariffs
  int64_t margin_fen = 0;              // revenue − cost
  int64_t cost_per_parcel_fen = 0;     // cost / parcels, rounded half up (0 without parcels)
  int64_t revenue_per_parcel_fen = 0;  // revenue / parcels, rounded half up
  bool breaks_even = true;             // margin >= 0
  // When it does not break even: the parcels one run would need to pay for
  // its cost (ceil(cost / revenue per parcel)), and the runs per week that
  // would break even if the village's parcels accumulated between runs. The
  // day's parcels are what accumulated over 7 / runs_per_week days, so a week
  // brings runs_per_week × revenue, and k runs a week pay while k × cost ≤
  // that: floor(runs_per_week × revenue / cost), at most 7. 0 runs: not even
  // one run a week pays; the village is better served by fetching from the
  // station. Both 0 when it breaks even.
  int64_t break_even_parcels_per_run = 0;
  int64_t break_even_runs_per_week = 0;
};

// Assumes a run costs the same whatever it carries (its cost share is set by
// the distance), which holds while the consolidated load fits the vehicle.
Economics VillageEconomics(const Config& config, const VillageMoney& village);

}  // namespace fupin::logistics
