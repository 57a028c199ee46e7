#include "reports/routes.h"

#include "api/reply.h"
#include "registry/exchange.h"
#include "reports/indicators.h"

namespace fupin::reports {
namespace {

// GET /api/v1/indicators?region=CODE&year=Y — the hot path: a cache hit is a
// lookup and a copy of the body; the gzip form travels as a shared pointer.
http::Response Indicators(api::Call& call) {
  if (Status s = api::CheckQuery(call.request, {"region", "year"}); !s) return api::ErrorResponse(s.error());
  auto year = api::QueryInt(call.request, "year", registry::kMinYear, registry::kMaxYear);
  if (!year) return api::ErrorResponse(year.error());
  std::optional<std::string> region = call.request.Query("region");
  if (region && region->empty()) {
    return api::ErrorResponse(Error::Invalid("region is empty: give a 12-digit region code", "region"));
  }
  std::optional<int> y;
  if (*year) y = static_cast<int>(**year);
  auto body =
      call.services.indicators->Get(*call.principal, region ? std::string_view(*region) : std::string_view(), y);
  if (!body) return api::ErrorResponse(body.error());
  http::Response response = api::JsonResponse((*body)->json);
  response.gzipped = (*body)->gzipped;
  return response;
}

}  // namespace

void AddRoutes(api::RouteTable& table) { table.Get("/api/v1/indicators", Indicators); }

}  // namespace fupin::reports
