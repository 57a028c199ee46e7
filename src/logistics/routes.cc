#include "logistics/routes.h"

#include <limits>

#include <fmt/format.h>

#include "accounts/model.h"
#include "api/json_body.h"
#include "api/reply.h"
#include "base/json_writer.h"
#include "logistics/network_json.h"
#include "logistics/render.h"
#include "logistics/service.h"

namespace fupin::logistics {
namespace {

using api::Call;
using api::ErrorResponse;
using api::JsonResponse;
using http::Response;

Actor ActorOf(const Call& call) { return Actor{call.principal, call.request.remote_address, ""}; }

// The service, or an error when this server runs without it.
Result<PlanService*> Service(const Call& call) {
  if (!call.services.logistics) return Error::Unavailable("logistics planning is not available on this server");
  return call.services.logistics;
}

// GET /api/v1/logistics/plans?date=&region=
Response GetPlans(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"date", "region"}); !s) return ErrorResponse(s.error());
  std::optional<std::string> date = call.request.Query("date");
  if (!date) return ErrorResponse(Error::Invalid("date (YYYY-MM-DD, or latest) is required", "date"));
  std::string region = call.request.Query("region").value_or("");
  Result<PlanService*> service = Service(call);
  if (!service) return ErrorResponse(service.error());
  // "latest": the newest day with a plan concerning the region, so a page
  // opens on it with one request.
  if (*date == "latest") {
    Result<std::string> latest = (*service)->LatestPlanDate(ActorOf(call), region);
    if (!latest) return ErrorResponse(latest.error());
    if (latest->empty()) {
      return ErrorResponse(Error::NotFound("no stored plan concerns this region yet: compute a day's plan first"));
    }
    date = *latest;
  }
  Result<std::vector<StoredPlan>> plans = (*service)->Plans(ActorOf(call), *date, region);
  if (!plans) return ErrorResponse(plans.error());
  if (region.empty()) region = call.principal->region_code;
  return JsonResponse(PlansJson(*date, region, *plans, *call.services.tree));
}

// POST /api/v1/logistics/plans {date, station?, region?, seed?}
Response PostPlans(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  PlanRequest request;
  request.date = body->String("date", 10, 10);
  request.station = body->OptString("station", 12, 12).value_or("");
  request.region = body->OptString("region", 12, 12).value_or("");
  request.seed = static_cast<uint64_t>(body->OptInt("seed", 1, std::numeric_limits<int32_t>::max()).value_or(1));
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  if (!request.station.empty() && !request.region.empty()) {
    return ErrorResponse(Error::Invalid("give a station or a region, not both", "region"));
  }
  if (request.station.empty() && request.region.empty()) request.region = call.principal->region_code;
  Result<PlanService*> service = Service(call);
  if (!service) return ErrorResponse(service.error());
  Result<PlanRun> run = (*service)->Plan(ActorOf(call), request);
  if (!run) return ErrorResponse(run.error());
  std::string region = request.station.empty() ? request.region : request.station;
  return JsonResponse(201, PlansJson(request.date, region, run->plans, *call.services.tree));
}

// GET /api/v1/logistics/facilities?region=&date=
Response GetFacilities(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"region", "date"}); !s) return ErrorResponse(s.error());
  std::string region = call.request.Query("region").value_or("");
  std::string date = call.request.Query("date").value_or("");
  Result<PlanService*> service = Service(call);
  if (!service) return ErrorResponse(service.error());
  Result<std::vector<Facility>> facilities = (*service)->Facilities(ActorOf(call), region, date);
  if (!facilities) return ErrorResponse(facilities.error());
  json::Writer w;
  w.BeginObject();
  w.Key("items").BeginArray();
  for (const Facility& f : *facilities) WriteFacility(w, f, *call.services.tree);
  w.EndArray();
  w.EndObject();
  return JsonResponse(w.Take());
}

// POST /api/v1/logistics/network-plans {county, stations | radius_km, points_radius_km?, date?, seed?,
// time_limit_s?}: where the county's stations and points should stand, against
// its network; computed, never stored.
Response PostNetworkPlans(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  // The Content-Type and the body's shape are checked as on every route.
  if (Result<api::JsonBody> body = api::JsonBody::Parse(call.request); !body) return ErrorResponse(body.error());
  Result<NetworkRequest> request = ParseNetworkRequest(call.request.body);
  if (!request) return ErrorResponse(request.error());
  if (Status ok = CheckNetworkAccess(*call.services.tree, *call.principal, request->county); !ok) {
    return ErrorResponse(ok.error());
  }
  if (Result<PlanService*> service = Service(call); !service) return ErrorResponse(service.error());
  Result<std::string> answer = PlanNetworkJson(*call.services.pool, *call.services.tree, *request);
  if (!answer) return ErrorResponse(answer.error());
  return JsonResponse(std::move(*answer));
}

}  // namespace

void AddRoutes(api::RouteTable& table) {
  table.Get("/api/v1/logistics/plans", GetPlans);
  table.Post("/api/v1/logistics/plans", PostPlans);
  table.Get("/api/v1/logistics/facilities", GetFacilities);
  table.Post("/api/v1/logistics/network-plans", PostNetworkPlans);
}

}  // namespace fupin::logistics
