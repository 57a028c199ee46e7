#pragma once
// The poverty report: the paper's Figure 1 ("basic situation of deep poverty
// villages", by county, 2016) for any year and region, and the aggregation that
// every poverty figure of the reports is built from (paper_check.h reuses it).
//
// One VillageStats(conn, year) call gives the registry's counts per village;
// AggregatePoverty sums them up the region tree in memory: one query per year,
// never one per region.
#include <cstdint>
#include <utility>
#include <vector>

#include "db/database.h"
#include "regions/tree.h"
#include "registry/model.h"
#include "registry/stats.h"
#include "reports/report.h"

namespace fupin::reports {

// The poverty figures of one region in one year, summed over its villages.
struct PovertyFigures {
  int64_t villages = 0;                    // administrative villages (村委会) in the region tree
  int64_t poor_villages = 0;               // village register status poor that year
  int64_t exited_villages = 0;             // village register status exited that year
  int64_t deep_poverty_villages = 0;       // flagged deep poverty (深度贫困村), whatever their status
  int64_t deep_poverty_villages_poor = 0;  // of which status poor that year
  int64_t population = 0;                  // registered rural population: members of households on the register
  int64_t poor = 0;                        // members of households with status poor
  int64_t deep_poverty_population = 0;     // population and poor of the deep-poverty villages only
  int64_t deep_poverty_poor = 0;

  int64_t deep_poverty_villages_nonpoor() const { return deep_poverty_villages - deep_poverty_villages_poor; }
  registry::Incidence incidence() const { return {poor, population}; }
  registry::Incidence deep_poverty_incidence() const { return {deep_poverty_poor, deep_poverty_population}; }

  // Adds one village's registry counts (everything but `villages`, which the tree gives).
  void Add(const registry::VillageYearStats& village);
};

// A region's figures and those of each of its child regions in one year.
struct PovertyBreakdown {
  const regions::Region* region = nullptr;  // points into the tree given to AggregatePoverty
  int year = 0;
  PovertyFigures total;
  // Child regions in code order. Residents' committees (urban communities)
  // without registry data are left out and counted in omitted_children.
  std::vector<std::pair<const regions::Region*, PovertyFigures>> children;
  int64_t omitted_children = 0;
  int64_t unknown_villages = 0;  // stats rows whose code the tree does not hold (ignored)

  // The figures of the child `code`; nullptr when it is not listed.
  const PovertyFigures* Child(std::string_view code) const;
};

// Sums one year's village stats up the tree into `region`'s total and into the
// child of `region` each village lies under; villages outside `region` are
// ignored. Pure; the result points into `tree`, which must outlive it.
PovertyBreakdown AggregatePoverty(const regions::RegionTree& tree, const regions::Region& region, int year,
                                  const std::vector<registry::VillageYearStats>& stats);

// VillageStats(conn, year) aggregated for `region`. Throws db::DbError.
PovertyBreakdown LoadPovertyBreakdown(db::Connection& conn, const regions::RegionTree& tree,
                                      const regions::Region& region, int year);

// The report: one row per listed child region, then the region's total row.
// Columns (keys): level, region_code, region_name, villages, poor_villages,
// exited_villages, deep_poverty_villages, deep_poverty_villages_poor,
// deep_poverty_villages_nonpoor, rural_population, poor_people,
// poverty_incidence, deep_poverty_rural_population, deep_poverty_poor_people,
// deep_poverty_incidence. docs/REPORTS.md defines each.
Report PovertyReport(const PovertyBreakdown& breakdown);

// An incidence as a percent cell; an empty cell shown as "no data" when the population is 0.
Cell IncidenceCell(const registry::Incidence& incidence);

}  // namespace fupin::reports
