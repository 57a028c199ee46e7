#pragma once
// HTTP handlers of the marketplace's reports, under /api/v1 (session):
//   GET /reports/benefit?year=Y&region=CODE                 reports/benefit.h as JSON
//   GET /reports/institution-purchases?year=Y&region=CODE   reports/institutions.h as JSON
// The region defaults to the caller's grant; the year to the latest with
// registry data.
#include "api/context.h"

namespace fupin::reports {

void AddBenefitRoutes(api::RouteTable& table);

}  // namespace fupin::reports
