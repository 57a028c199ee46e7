#pragma once
// The SQL of the logistics module (tables of migration 6, logistics/schema.cc).
// Every function works on the connection it is given, inside whatever
// transaction the caller holds; a database failure throws db::DbError.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "logistics/model.h"
#include "logistics/planner.h"

namespace fupin::db {
class Connection;
}

namespace fupin::logistics {

// logistics_config over the defaults of Config; kInvalidArgument naming the
// key when a stored value is malformed (unknown keys are errors too).
Result<Config> LoadConfig(db::Connection& conn);

// The facilities of `county_code` ("" = every county), by id.
std::vector<Facility> LoadFacilities(db::Connection& conn, std::string_view county_code);

// A village's parcels on one day, summed (table logistics_parcels).
struct VillageParcels {
  std::string village_code;
  std::string township_code;
  int64_t parcels_in = 0;
  int64_t parcels_out = 0;
  int64_t weight_in_g = 0;
  int64_t weight_out_g = 0;
  int64_t door_parcels = 0;
};
// The county's latest day with parcels ("" when it has none).
std::string LatestParcelDate(db::Connection& conn, std::string_view county_code);

// The villages of `county_code` with parcels ready on `date`, by village code.
std::vector<VillageParcels> LoadDayParcels(db::Connection& conn, std::string_view county_code, std::string_view date);

// Each village's average parcels per day, inbound and outbound apart, each
// over the county's last 28 days with parcels of that direction (so that a
// few days of one direction are not diluted by many of the other).
struct VillageRate {
  int64_t in_milli = 0;  // parcels per day × 1000
  int64_t out_milli = 0;
  int64_t weight_in_g = 0;  // grams per day
  int64_t weight_out_g = 0;
};
struct ParcelRates {
  int64_t days_in = 0;  // the days averaged over
  int64_t days_out = 0;
  std::map<std::string, VillageRate> villages;
};
ParcelRates LoadParcelRates(db::Connection& conn, std::string_view county_code);

// A region's position for planning: region_positions first, else the
// published coordinate of regions (never one the demo placed there).
struct Position {
  int64_t lon_e6 = 0;
  int64_t lat_e6 = 0;
  std::string source;  // "published" or "synthetic"
};
std::map<std::string, Position> LoadPositions(db::Connection& conn, std::string_view county_code);

// Households of each village in its latest registry year (the weight of a
// village without parcels in network planning).
std::map<std::string, int64_t> LoadHouseholds(db::Connection& conn, std::string_view county_code);

// ---- Plans ------------------------------------------------------------------

enum class Scope { kCounty, kStation };
const char* ScopeName(Scope scope);  // "county", "station"

struct PlanHeader {
  int64_t id = 0;
  std::string date;
  std::string county_code;
  std::string region_code;  // the county (scope county) or the station's township (scope station)
  Scope scope = Scope::kCounty;
  std::string computed_at;  // UTC ISO-8601
  std::string computed_by;
  uint64_t seed = 0;
  int64_t solver_ms = 0;
  std::string note;  // the plan's notes, one per line
};

struct StoredPlan {
  PlanHeader header;
  PlanTotals totals;
  CountyPlan plan;
  std::vector<int64_t> route_ids;  // parallel to plan.routes
  bool partial = false;            // only the part inside the region read (PlanService::Plans)
};

// Serialises the writers of a county's plans until the transaction ends (on
// PostgreSQL a row lock on the county's region; SQLite's write transactions
// are serial already), so that reading a plan to change it and writing it
// back cannot interleave with another writer. Call first in the transaction.
void LockCountyPlans(db::Connection& conn, std::string_view county_code);

struct SavedPlan {
  int64_t plan_id = 0;
  std::vector<int64_t> route_ids;  // parallel to the plan's routes
};

// Writes `plan` under `header`: the plan stored for the same date and region
// is updated in place (one statement, INSERT … ON CONFLICT DO UPDATE, so two
// writers of the same day never collide on the unique day and region; it
// keeps its id) and its routes, stops and villages are written anew. Saving a
// county's plan also removes the day's station plans in that county: their
// tours are part of it now. Call inside a write transaction, after
// LockCountyPlans.
SavedPlan SavePlan(db::Connection& conn, const PlanHeader& header, const CountyPlan& plan);

// The stored plans of `date` in `counties` (county codes), by county code
// then region code, with their routes (by facility, then seq), stops and
// villages.
std::vector<StoredPlan> LoadPlans(db::Connection& conn, std::string_view date,
                                  const std::vector<std::string>& counties);

// ---- Road matrix --------------------------------------------------------------

// One imported road leg (table logistics_road_matrix).
struct RoadEntry {
  std::string from_code;
  std::string to_code;
  int64_t metres = 0;
  int64_t seconds = 0;
};

// The county's imported road legs (empty when it has none).
RoadMatrix LoadRoadMatrix(db::Connection& conn, std::string_view county_code);

// Replaces the county's road legs by `legs`. Call inside a write transaction.
void ReplaceRoadMatrix(db::Connection& conn, std::string_view county_code, const std::vector<RoadEntry>& legs);

}  // namespace fupin::logistics
