#pragma once
// HTTP handlers of the registry (registry/service.h), under /api/v1:
//   GET  /villages/{code}/households      households of a village in a year, paged
//   GET  /households/{id}                 one household, its years and pending requests
//   POST /households/{id}/change-requests propose a change of one household-year
//   GET  /change-requests                 requests in a region, paged
//   GET  /change-requests/{id}
//   POST /change-requests/{id}/approve
//   POST /change-requests/{id}/reject
// Each handler parses, makes one service call and renders; nothing else.
#include "api/context.h"

namespace fupin::registry {

void AddRoutes(api::RouteTable& table);

}  // namespace fupin::registry
