#pragma once
// Distances for the platform: great-circle distance times a detour factor for
// mountain roads by default, or an imported distance and time matrix.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace fupin::engine {

struct GeoPoint {
  double lon = 0;
  double lat = 0;
};

// Haversine distance in metres on a sphere of radius 6,371,008.8 m.
double GreatCircleMetres(GeoPoint a, GeoPoint b);

struct DistanceMatrix {
  int n = 0;
  std::vector<int64_t> metres;   // n*n
  std::vector<int64_t> seconds;  // n*n
};

// Great-circle × detour, travel time at `speed_kmh`. Rounded to whole metres/seconds.
DistanceMatrix GreatCircleMatrix(const std::vector<GeoPoint>& points, double detour_factor, double speed_kmh);

// Reads a matrix CSV `from,to,metres,seconds` (header line required) where from/to
// are the ids given in `ids` (e.g. region codes). Every ordered pair i != j must be
// present; errors name the line and column.
Result<DistanceMatrix> ParseMatrixCsv(std::string_view csv, const std::vector<std::string>& ids);

}  // namespace fupin::engine
