#pragma once
// HTTP routes of the selling side: the catalogue (GET /api/v1/products),
// lots, orders and their life, settlement.
#include "api/context.h"

namespace fupin::market {

void AddOrderRoutes(api::RouteTable& table);

}  // namespace fupin::market
