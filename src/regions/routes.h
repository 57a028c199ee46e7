#pragma once
// HTTP handlers of the region tree, for every signed-in user, under /api/v1:
//   GET /regions/tree?root=CODE&depth=N   the tree below a region, nested
//   GET /regions/search?q=&limit=&cursor= regions by name or pinyin, best first
//   GET /regions/{code}                   one region with its ancestors and children
// They read only the in-memory tree (Services::tree): no database.
#include "api/context.h"

namespace fupin::regions {

void AddRoutes(api::RouteTable& table);

}  // namespace fupin::regions
