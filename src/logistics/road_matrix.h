#pragma once
// A county's imported road distances and travel times between its places
// (`fupin import road-matrix`), which the daily plan uses instead of great
// circles for a tour whose every leg it has (planner.h).
//
// The file is CSV (RFC 4180, UTF-8): the header `from,to,metres,seconds`,
// then one ordered pair a line — the 12-digit region codes of two places of
// the county (the county, its towns and townships, its villages: where its
// facilities stand), whole metres and seconds ≥ 0. Any subset of the pairs
// may be given, in either or both directions (a road need not be symmetric);
// a pair from a place to itself must be 0 and 0 and adds nothing; a pair
// given twice is an error. engine::ParseMatrixCsv reads the same columns but
// wants every pair of a fixed list of ids, which a county's partial matrix
// does not have.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "logistics/store.h"

namespace fupin::db {
class Connection;
}
namespace fupin::regions {
class RegionTree;
}
namespace fupin::audit {
class AuditLog;
}

namespace fupin::logistics {

// The largest leg a road matrix may give: 10,000 km and 1,000 hours.
inline constexpr int64_t kMaxRoadMetres = 10'000'000;
inline constexpr int64_t kMaxRoadSeconds = 3'600'000;

// Parses a road matrix file; `place` says whether a code is a place the
// matrix may name, and `places` how to describe them in an error ("a region
// of county …"). Every error is kInvalidArgument with a message naming the
// line (and the column): "line 4, column 3 (metres): …", field "line 4".
Result<std::vector<RoadEntry>> ParseRoadMatrixCsv(std::string_view csv,
                                                  const std::function<bool(std::string_view)>& place,
                                                  std::string_view places);

struct RoadMatrixImport {
  int64_t pairs = 0;     // the legs stored
  int64_t replaced = 0;  // the county's legs before
};

// Replaces the road matrix of `county` by the file's legs, in one transaction
// with its audit entry ("logistics.road_matrix"; `actor` says who, for the
// entry's detail). Nothing changes on an error: kInvalidArgument naming
// "county" (not a county's code) or the line of the file; kNotFound for an
// unknown county. A database failure throws db::DbError.
Result<RoadMatrixImport> ImportRoadMatrix(db::Connection& conn, const regions::RegionTree& tree,
                                          const audit::AuditLog* audit, std::string_view county, std::string_view csv,
                                          std::string_view actor);

}  // namespace fupin::logistics
