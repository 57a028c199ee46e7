#pragma once
// HTTP handlers of the reports module, under /api/v1:
//   GET /indicators?region=CODE&year=Y   the poverty report as JSON (reports/indicators.h)
#include "api/context.h"

namespace fupin::reports {

void AddRoutes(api::RouteTable& table);

}  // namespace fupin::reports
