#pragma once
// HTTP routes of logistics: the daily joint-distribution plans (read and
// compute) and the facilities of the network.
#include "api/context.h"

namespace fupin::logistics {

void AddRoutes(api::RouteTable& table);

}  // namespace fupin::logistics
