#include "reports/benefit_routes.h"

#include <optional>
#include <string>

#include "accounts/model.h"
#include "api/reply.h"
#include "db/pool.h"
#include "regions/tree.h"
#include "registry/exchange.h"
#include "reports/benefit.h"
#include "reports/institutions.h"
#include "reports/render.h"

namespace fupin::reports {
namespace {

using api::Call;
using api::ErrorResponse;
using http::Response;

// The year and region of a report request, checked, and the caller's right
// to `action` in that region: 400 for bad parameters, 403 outside the grant.
struct Asked {
  std::optional<int> year;
  std::string region;  // a code of the tree
};

Result<Asked> Ask(Call& call, accounts::Action action) {
  if (Status s = api::CheckQuery(call.request, {"year", "region"}); !s) return s.error();
  auto year = api::QueryInt(call.request, "year", registry::kMinYear, registry::kMaxYear);
  if (!year) return year.error();
  Asked asked;
  if (*year) asked.year = static_cast<int>(**year);
  std::optional<std::string> region = call.request.Query("region");
  if (region && region->empty()) return Error::Invalid("region is empty: give a 12-digit region code", "region");
  auto where = ResolveReportRegion(*call.services.tree, region ? *region : call.principal->region_code);
  if (!where) return where.error();
  asked.region = (*where)->code;
  if (Status s = accounts::Check(*call.services.tree, *call.principal, action, asked.region); !s) return s.error();
  return asked;
}

// Runs `build` on a pooled connection and answers its report as JSON.
template <typename F>
Response Answer(Call& call, F&& build) {
  Result<db::Pool::Lease> lease = call.services.pool->Acquire();
  if (!lease) return ErrorResponse(lease.error());
  Result<Report> report = Error::Internal("unreachable");
  try {
    report = build(**lease);
  } catch (const db::DbError&) {
    lease->Discard();  // a broken connection must not go back to the pool
    throw;
  }
  if (!report) return ErrorResponse(report.error());
  return api::JsonResponse(RenderJson(*report));
}

// GET /api/v1/reports/benefit
Response Benefit(Call& call) {
  Result<Asked> asked = Ask(call, accounts::Action::kReadBenefit);
  if (!asked) return ErrorResponse(asked.error());
  return Answer(call, [&](db::Connection& conn) {
    return BuildBenefitReport(conn, BenefitQuery{asked->year, asked->region, false});
  });
}

// GET /api/v1/reports/institution-purchases
Response InstitutionPurchasesReport(Call& call) {
  Result<Asked> asked = Ask(call, accounts::Action::kReadMarket);
  if (!asked) return ErrorResponse(asked.error());
  return Answer(call, [&](db::Connection& conn) { return BuildInstitutionsReport(conn, asked->year, asked->region); });
}

}  // namespace

void AddBenefitRoutes(api::RouteTable& table) {
  table.Get("/api/v1/reports/benefit", Benefit);
  table.Get("/api/v1/reports/institution-purchases", InstitutionPurchasesReport);
}

}  // namespace fupin::reports
