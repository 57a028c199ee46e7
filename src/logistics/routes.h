#pragma once
// HTTP routes of logistics: the daily joint-distribution plans (read and
// compute), the facilities of the network, and network planning (computed,
// never stored).
#include "api/context.h"

namespace fupin::logistics {

void AddRoutes(api::RouteTable& table);

}  // namespace fupin::logistics
