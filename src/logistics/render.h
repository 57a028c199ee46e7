#pragma once
// Plans and facilities as JSON (the API's bodies and `fupin plan routes
// --format json`) and as a terminal summary (`fupin plan routes`). Names come
// from the region tree; numbers stay integers in their units (fen, grams,
// metres, seconds).
#include <string>
#include <string_view>
#include <vector>

#include "logistics/model.h"
#include "logistics/store.h"

namespace fupin::json {
class Writer;
}
namespace fupin::regions {
class RegionTree;
}

namespace fupin::logistics {

// One plan as a JSON object (see docs/openapi.json, LogisticsPlan).
void WritePlan(json::Writer& w, const StoredPlan& plan, const regions::RegionTree& tree);

// {"date":…,"region":…,"plans":[…]}
std::string PlansJson(std::string_view date, std::string_view region, const std::vector<StoredPlan>& plans,
                      const regions::RegionTree& tree);

// One facility as a JSON object (LogisticsFacility).
void WriteFacility(json::Writer& w, const Facility& f, const regions::RegionTree& tree);

// The command line's summary: per station and per county (routes, distance,
// parcels, cost, revenue, margin), then the villages that do not break even
// with the advice, then the notes.
std::string PlansTable(std::string_view date, const std::vector<StoredPlan>& plans, const regions::RegionTree& tree,
                       double seconds);

}  // namespace fupin::logistics
