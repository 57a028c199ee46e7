#pragma once
// OR-Library p-median instances (J.E. Beasley 1990, pmed1–pmed40): an adapter
// from the file to a LocationProblem; the solver never sees the file format.
//
//   n m p          vertices, edges, medians to open (first line)
//   i j cost       m lines: an undirected edge between vertices i and j (1-based)
//
// A vertex pair listed more than once takes the cost of its LAST occurrence
// (with "the cheapest wins" the published optima are undercut, so that reading
// is wrong). Distances are shortest paths over the graph; every vertex is a
// client of weight 1 and a candidate site, so vertex v is client and site v-1.
#include <string_view>

#include "base/result.h"
#include "engine/location.h"

namespace fupin::engine {

// At most this many vertices: the distance matrix is vertices² integers.
inline constexpr int kOrLibMaxVertices = 5000;

// The p-median problem of an OR-Library file held in `text`. Errors name the
// line and the reason ("line 7: vertex 101 is out of range 1..100"), or the
// vertex a disconnected graph cannot reach ("vertex 17 is unreachable from vertex 1").
Result<LocationProblem> ParseOrLibPMedian(std::string_view text);

}  // namespace fupin::engine
