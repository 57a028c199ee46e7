#pragma once
// `fupin demo`, third part: the logistics network and its parcels, synthetic
// and labelled so (synthetic = 1 on every facility and parcel; positions the
// demo placed are marked 'synthetic').
//
// The network is the paper's (section 3.1 and 3.2; data/paper/headline_figures.csv),
// the same at every scale, since it stands on the real divisions:
//  - 8 county service centers (one per county, in 2016), each in its county's
//    seat (the county's first township-level unit in code order);
//  - a township service station in each of the 124 towns and townships (the 7
//    urban subdistricts have no rural villages): 25 opened in 2016 (the paper's
//    figure), the rest in 2017 and 2018 (the paper: 33 new in 2018; the 2017
//    count is a scenario choice that reaches the paper's full coverage);
//  - a village service point in 560 of the registered poor villages (the
//    villages on the register of poor villages up to 2018), shared out over
//    the counties by their numbers of poor villages (largest remainder) and
//    drawn within each county with the seed: 214 of them opened in 2018 (the
//    paper's "214 new village stations": those whose station is new in 2018,
//    then drawn), the others in 2017, never before their station.
// Positions (region_positions): every township and village of the tree; the
// published coordinate where the regions table has one, else a synthetic one —
// the demo registry's placement near the township seat, clamped into the box of
// the county's published points widened by kCountyBoxMarginE6 on each side.
//
// Parcels (logistics_parcels):
//  - outbound: every order the demo marketplace shipped, one shipment per
//    (order, village of the lots' outlet), ready on the day it shipped (China
//    time); a shipment lighter than the configured freight_min_g is packed into
//    parcels of at most parcel_max_g, a heavier one is freight (bulk buyers'
//    trucks, outside the parcel network) and only counted;
//  - inbound: villagers' purchases over the last 7 days of the registry's
//    last year: each village gets, each day, its households × the configured
//    inbound parcels per household per week / 7 (the fraction drawn), weights
//    drawn between 0.2 and 25 kg, a fifth to the door.
// At scale 1 that is about 115,000 inbound and 5,000 outbound parcels.
#include <cstdint>
#include <string>

#include "base/result.h"

namespace fupin::db {
class Connection;
}

namespace fupin::logistics {

// A synthetic position stays inside its county's box: the box of the county's
// published points (the county, its townships and villages), widened by this
// many microdegrees (about 2 km) on each side.
inline constexpr int64_t kCountyBoxMarginE6 = 20'000;

struct DemoOptions {
  uint64_t seed = 2020;
};

struct DemoSummary {
  int64_t positions_published = 0;
  int64_t positions_synthetic = 0;
  int64_t centers = 0;
  int64_t stations = 0;
  int64_t points = 0;
  int64_t outbound_parcels = 0;
  int64_t freight_shipments = 0;  // heavier than freight_min_g: not parcels
  int64_t inbound_parcels = 0;
  std::string inbound_from;  // the inbound window, YYYY-MM-DD
  std::string inbound_to;
};

// Builds the network and the parcels into `conn`, which must hold the demo
// registry (and, for outbound parcels, the demo marketplace) and no logistics
// data yet (kConflict otherwise). One transaction: on failure nothing is
// written. The same seed gives the same rows on SQLite and PostgreSQL.
Result<DemoSummary> BuildDemo(db::Connection& conn, const DemoOptions& options);

}  // namespace fupin::logistics
