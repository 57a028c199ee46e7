#pragma once
// Network planning over the API (POST /api/v1/logistics/network-plans): the
// request body read strictly into a NetworkRequest, who may ask, and the
// planning itself on a leased connection. The answer is NetworkJson
// (network.h), byte for byte what `fupin plan network --format json` prints
// for the same request, less the trailing newline. Nothing is stored.
//
// The body: {"county": CODE, "stations": K | "radius_km": R,
// "points_radius_km": R2, "date": "YYYY-MM-DD", "seed": N, "time_limit_s": T}
//   county            required, a county's 12-digit code
//   stations          1..10000: the p-median with K stations; or
//   radius_km         0.1..1000: set covering within R km (exactly one of the two)
//   points_radius_km  0.1..100, default 2: village points within R2 km
//   date              the existing network's day; default: the county's latest day with parcels
//   seed              1..2147483647, default 1
//   time_limit_s      0.1..10, default 2: seconds per location model, so that a
//                     request holds a server worker a bounded time
// The same ranges as the command line's, except the time limit. Decimals are
// rounded to whole metres. An optional field that is null counts as absent; a
// field not listed is refused.
#include <string_view>

#include "base/result.h"
#include "logistics/network.h"

namespace fupin::accounts {
struct Principal;
}
namespace fupin::db {
class Pool;
}
namespace fupin::regions {
class RegionTree;
}

namespace fupin::logistics {

inline constexpr double kNetworkDefaultTimeLimitS = 2.0;
inline constexpr double kNetworkMaxTimeLimitS = 10.0;

// kInvalidArgument naming the field ("body" for text that is not a JSON
// object): a missing county, both or neither of stations and radius_km, a
// value of the wrong type or out of its range, a malformed date, an unknown
// field.
Result<NetworkRequest> ParseNetworkRequest(std::string_view body);

// County operators plan their county's network; officials and admins the
// counties of their grant. kPermissionDenied for any other role or a county
// outside the grant; kInvalidArgument naming "county" for a code that is not a
// county's (a township, the prefecture); kNotFound for an unknown code.
Status CheckNetworkAccess(const regions::RegionTree& tree, const accounts::Principal& principal,
                          std::string_view county);

// PlanNetwork on a connection leased from `pool`, rendered as NetworkJson.
// Errors as PlanNetwork's; kUnavailable when the database fails.
Result<std::string> PlanNetworkJson(db::Pool& pool, const regions::RegionTree& tree, const NetworkRequest& request);

}  // namespace fupin::logistics
