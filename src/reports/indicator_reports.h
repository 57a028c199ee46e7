#pragma once
// The reports built on the indicator catalogue (catalogue.h) and its counts
// (counts.h):
//   indicator        one indicator for a region and year, drilled down to the
//                    region's children (a row each, then the region's total);
//   indicators       every indicator of the catalogue for a region and year;
//   trend            one indicator for a region over a range of years;
//   coverage         the service network against the townships and registered
//                    poor villages, by child region;
//   logistics        the daily joint-distribution plans of a year: village-days
//                    served on a route, parcels, cost and cost per parcel, by
//                    child region;
//   ecommerce-scale  the paper's Table 1: the region's figures computed from
//                    the records, then the paper's rows (Linxia and five other
//                    Gansu cities, 2016) as reference rows, marked as such.
// docs/REPORTS.md defines every column.
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "reports/catalogue.h"
#include "reports/report.h"

namespace fupin::db {
class Connection;
}
namespace fupin::regions {
class RegionTree;
struct Region;
}  // namespace fupin::regions

namespace fupin::reports {

// The names above, in that order.
const std::vector<std::string>& IndicatorReportNames();
bool IsIndicatorReport(std::string_view name);

struct IndicatorQuery {
  std::string report;       // one of IndicatorReportNames()
  std::string indicator;    // indicator and trend: a code of the catalogue (required)
  std::optional<int> year;  // default: the latest year with registry data; ecommerce-scale: 2016, Table 1's year
  std::optional<int> from;  // trend: first year (default: the first year with registry data)
  std::optional<int> to;    // trend: last year (default: the last year with registry data)
  std::string region;       // code, name or pinyin; default: the prefecture
  const IndicatorCatalogue* catalogue = nullptr;  // default: the built-in one
};

// Builds the report. Errors (kInvalidArgument with the field, listing what is
// valid): "report", "indicator" (missing or unknown), "region", "year" (no
// registry data that year: the message lists the years with data), "from" /
// "to" (outside 2000–2100 or from > to). kNotFound when there is no registry
// data at all. Throws db::DbError.
Result<Report> BuildIndicatorReport(db::Connection& conn, const regions::RegionTree& tree, const IndicatorQuery& query);

}  // namespace fupin::reports
