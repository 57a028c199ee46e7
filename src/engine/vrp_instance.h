#pragma once
// Vehicle-routing instances in the TSPLIB / CVRPLIB text format (TYPE CVRP) and
// LKH-3's variant for simultaneous pickup and delivery (TYPE VRPSPD), and the
// CVRPLIB solution format. Only an adapter: the solver takes a RoutingProblem
// (routing.h) and knows nothing of files.
//
// Node numbering: the file's node i is node i-1 of the RoutingProblem, so the
// depot (which must be the file's node 1) is node 0, and a solution's stop k is
// the file's node k+1 -- the numbering of CVRPLIB's .sol files.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/routing.h"

namespace fupin::engine {

struct VrpInstance {
  std::string name;        // NAME, blanks trimmed (may be empty)
  std::string type;        // "CVRP" or "VRPSPD"
  RoutingProblem problem;  // max_vehicles is always 0 (unlimited): see `vehicles`
  // File distance units per reported unit: the file's SCALE (default 1). Every
  // distance, service time and route-length limit in `problem` is the file's
  // real value times cost_scale, rounded; a cost in reported units is
  // cost / cost_scale (FormatScaledCost). Instances pre-scaled by their authors
  // without a SCALE line (Dethloff's VRPSPD files, ×10^4) keep cost_scale 1.
  double cost_scale = 1;
  // The file's VEHICLES (0 when absent). Not copied into problem.max_vehicles:
  // CVRPLIB's X instances assume an unlimited fleet, and in LKH-3's VRPSPD files
  // it is the fleet LKH-3 was given; a caller that wants a fixed fleet sets it.
  int vehicles = 0;
};

// Reads an instance. Accepted:
// - header lines `KEY : value`, `KEY: value`, `KEY:value`, any blanks (tabs),
//   LF, CRLF or CR line ends; unknown keys (COMMENT, DISPLAY_DATA_TYPE, ...) are
//   ignored; TYPE must be CVRP or VRPSPD; DIMENSION (2..20000) and CAPACITY are
//   required.
// - EDGE_WEIGHT_TYPE EUC_2D and EXACT_2D (distance = nint(euclidean × SCALE),
//   nint(x) = floor(x + 0.5), the CVRPLIB rounding), CEIL_2D (ceil), or EXPLICIT
//   with EDGE_WEIGHT_FORMAT FULL_MATRIX, LOWER_ROW, UPPER_ROW, LOWER_DIAG_ROW,
//   UPPER_DIAG_ROW (and the *_COL forms, their transposes); matrix numbers may
//   wrap across lines anyhow; each is multiplied by SCALE and rounded.
// - NODE_COORD_SECTION (`id x y`), DEMAND_SECTION (`id demand`),
//   PICKUP_AND_DELIVERY_SECTION (`id demand earliest latest service PICKUP
//   DELIVERY`, LKH-3's order: pickup first; the demand and time-window columns
//   are read as numbers and ignored), DEPOT_SECTION (`1` then `-1`; optional,
//   node 1 when absent; only node 1 may be the depot: any other depot is an
//   error, nothing is renumbered), DISPLAY_DATA_SECTION (skipped). Sections list every node exactly once, in
//   any order.
// - DISTANCE (route-length limit, in the file's real unit; 0 = none): becomes
//   problem.max_duration = floor(DISTANCE × SCALE), with travel time = distance.
//   A limit no route could reach (at least the sum over all nodes of their
//   longest outgoing arc plus all service times, e.g. LKH-3's 999999) is
//   dropped (max_duration 0), so it costs the solver nothing.
// - SERVICE_TIME (all stops) or the service column of the pickup-and-delivery
//   section: problem.service_time = nint(value × SCALE), only when some is > 0.
// Demands, pickups and capacity are non-negative integers up to 10^12; a stop
// whose delivery or pickup exceeds the capacity is an error; distances are at
// most 10^12 after scaling.
// Errors: Error::Invalid whose message reads "line N: reason" and whose field
// is "line N" (for a missing section or key: the last line of the file). Never
// crashes or throws, whatever the input, short of memory: DIMENSION is at most
// 20,000, and the full matrix of that many nodes takes 3.2 GB.
Result<VrpInstance> ParseVrpInstance(std::string_view text);

// `cost` in reported units: cost / cost_scale. Exact when cost_scale is a power
// of ten (10^k: k decimals, e.g. 635618 at 1000 -> "635.618"); otherwise with
// six decimals. cost_scale 1 prints the integer.
std::string FormatScaledCost(int64_t cost, double cost_scale);

// A solution in CVRPLIB's .sol format: `Route #1: 3 7 9` per route (stops as
// node indices 1..n-1, the depot left out), then `Cost C` with C from
// FormatScaledCost. Lines end in "\n".
std::string FormatCvrplibSolution(const std::vector<std::vector<int>>& routes, int64_t cost, double cost_scale = 1);

// Reads a .sol file: the routes of its `Route #k: ...` lines, in file order.
// `Cost ...` lines and blank lines are skipped; CRLF is accepted. Anything
// else, a stop that is not a whole number in 0..2^31-1, or no route at all is
// an Error ("line N: reason", field "line N"). An empty route is returned as
// it is. Whether the stops fit an instance (range, depot, duplicates) is
// CheckRouting's job.
Result<std::vector<std::vector<int>>> ParseCvrplibSolution(std::string_view text);

}  // namespace fupin::engine
