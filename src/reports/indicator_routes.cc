#include "reports/indicator_routes.h"

#include <optional>
#include <string>

#include "accounts/model.h"
#include "api/reply.h"
#include "db/pool.h"
#include "regions/tree.h"
#include "registry/exchange.h"
#include "reports/benefit.h"
#include "reports/indicator_reports.h"
#include "reports/render.h"
#include "reports/render_xlsx.h"
#include "reports/service.h"

namespace fupin::reports {
namespace {

using api::Call;
using api::ErrorResponse;
using http::Response;

Result<std::optional<int>> Year(Call& call, std::string_view name) {
  auto v = api::QueryInt(call.request, name, registry::kMinYear, registry::kMaxYear);
  if (!v) return v.error();
  if (!*v) return std::optional<int>();
  return std::optional<int>(static_cast<int>(**v));
}

// One handler for every report of `name`.
Response Named(Call& call, const std::string& name) {
  if (Status s = api::CheckQuery(call.request, {"region", "year", "indicator", "from", "to", "format", "lang"}); !s) {
    return ErrorResponse(s.error());
  }
  const std::string format_name = call.request.Query("format").value_or("json");
  if (format_name != "json" && format_name != "csv" && format_name != "xlsx") {
    return ErrorResponse(
        Error::Invalid("unknown format '" + format_name + "'; valid formats here: json, csv, xlsx", "format"));
  }
  auto lang = ParseLang(call.request.Query("lang").value_or("both"));
  if (!lang) return ErrorResponse(lang.error());
  auto year = Year(call, "year");
  if (!year) return ErrorResponse(year.error());
  auto from = Year(call, "from");
  if (!from) return ErrorResponse(from.error());
  auto to = Year(call, "to");
  if (!to) return ErrorResponse(to.error());
  std::optional<std::string> region = call.request.Query("region");
  if (region && region->empty()) {
    return ErrorResponse(Error::Invalid("region is empty: give a 12-digit region code", "region"));
  }
  const std::string indicator = call.request.Query("indicator").value_or("");
  const bool registry_report = name == "poverty" || name == "paper-check";
  if (registry_report) {
    for (const char* p : {"indicator", "from", "to"}) {
      if (call.request.Query(p)) {
        return ErrorResponse(Error::Invalid(std::string(p) + " does not go with the " + name + " report", p));
      }
    }
  }
  auto where = ResolveReportRegion(*call.services.tree, region ? *region : call.principal->region_code);
  if (!where) return ErrorResponse(where.error());
  const accounts::Action action =
      name == "logistics" ? accounts::Action::kReadLogistics : accounts::Action::kReadIndicators;
  if (name == "paper-check" && region && *where != call.services.tree->Root()) {
    return ErrorResponse(Error::Invalid("no region choice for paper-check: it covers the whole prefecture", "region"));
  }
  // paper-check covers the whole prefecture: only a grant over it may read it.
  const std::string& checked = name == "paper-check" ? call.services.tree->Root()->code : (*where)->code;
  if (Status s = accounts::Check(*call.services.tree, *call.principal, action, checked); !s) {
    return ErrorResponse(s.error());
  }
  Result<db::Pool::Lease> lease = call.services.pool->Acquire();
  if (!lease) return ErrorResponse(lease.error());
  Result<Report> report = Error::Internal("unreachable");
  try {
    if (registry_report) {
      report = BuildReport(**lease, ReportRequest{name, *year, name == "paper-check" ? "" : (*where)->code});
    } else {
      IndicatorQuery q;
      q.report = name;
      q.indicator = indicator;
      q.year = *year;
      q.from = *from;
      q.to = *to;
      q.region = (*where)->code;
      report = BuildIndicatorReport(**lease, *call.services.tree, q);
    }
  } catch (const db::DbError&) {
    lease->Discard();  // a broken connection must not go back to the pool
    throw;
  }
  if (!report) return ErrorResponse(report.error());
  if (format_name == "xlsx") {
    XlsxOptions x;
    x.lang = *lang;
    x.tree = call.services.tree;
    x.computed_from = "the records of this Fupin server's database (GET /api/v1/reports/" + name + ")";
    auto workbook = RenderXlsx(*report, x);
    if (!workbook) return ErrorResponse(workbook.error());
    Response r;
    r.content_type = kXlsxContentType;
    r.body = std::move(*workbook);
    r.compressible = false;  // a zip already
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + XlsxFileName(*report) + "\"");
    return r;
  }
  if (format_name == "csv") {
    Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = RenderCsv(*report);
    return r;
  }
  return api::JsonResponse(RenderJson(*report));
}

}  // namespace

void AddIndicatorRoutes(api::RouteTable& table) {
  for (const char* name :
       {"poverty", "paper-check", "indicator", "indicators", "trend", "coverage", "logistics", "ecommerce-scale"}) {
    const std::string report = name;
    table.Get(std::string("/api/v1/reports/") + name, [report](Call& call) { return Named(call, report); });
  }
}

}  // namespace fupin::reports
