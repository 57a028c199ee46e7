#pragma once
// GET /api/v1/audit?user=&region=&from=&to=&limit=&cursor= — the audit log,
// newest first, for auditors and administrators within their grant.
namespace fupin::api {
class RouteTable;
}

namespace fupin::audit {

void AddRoutes(api::RouteTable& table);

}  // namespace fupin::audit
