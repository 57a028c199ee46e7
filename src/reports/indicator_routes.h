#pragma once
// HTTP handlers of the named reports, under /api/v1 (session):
//   GET /reports/{poverty, paper-check, indicator, indicators, trend, coverage,
//                 logistics, ecommerce-scale}
//       ?region=CODE&year=Y&indicator=CODE&from=Y&to=Y&format=json|csv
// The same reports as `fupin report NAME` (reports/service.h,
// reports/indicator_reports.h), rendered by render.h. The region defaults to
// the caller's grant; a region outside it is 403. Parameters a report does not
// take are 400, as are unknown ones.
#include "api/context.h"

namespace fupin::reports {

void AddIndicatorRoutes(api::RouteTable& table);

}  // namespace fupin::reports
