// fupin report NAME: computes a named report (src/reports/service.h; the
// marketplace's benefit and institutions reports, src/reports/benefit.h and
// institutions.h) and renders it as a table, CSV or JSON on stdout or into
// --out, atomically.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "reports/benefit.h"
#include "reports/institutions.h"
#include "reports/render.h"
#include "reports/service.h"

namespace fupin::cli {
namespace {

// The reports module names fields as the API does ("region"); on the command
// line they are flags, and a bad flag value is a usage error (exit 2).
Error AsFlag(Error error) {
  if (error.code == ErrorCode::kInvalidArgument && !error.field.empty() && !error.field.starts_with("--")) {
    error.field = "--" + error.field;
  }
  return error;
}

// The marketplace's reports (reports/benefit.h, reports/institutions.h), beside
// the registry's of reports/service.h.
constexpr const char* kMarketReports[] = {"benefit", "institutions"};

bool IsMarketReport(const std::string& name) {
  return std::find(std::begin(kMarketReports), std::end(kMarketReports), name) != std::end(kMarketReports);
}

}  // namespace

int RunReport(const ReportOptions& o) {
  if (!IsMarketReport(o.name)) {
    if (Status name = reports::CheckReportName(o.name); !name) {
      std::vector<std::string> names = reports::ReportNames();
      names.insert(names.end(), std::begin(kMarketReports), std::end(kMarketReports));
      return Fail(AsFlag(Error::Invalid(
          fmt::format("unknown report '{}'; valid reports: {}", o.name, fmt::join(names, ", ")), "name")));
    }
  }
  if (o.list_unreached && o.name != "benefit") {
    return Fail(Error::Invalid("--list-unreached goes with the benefit report only", "--list-unreached"));
  }
  auto format = reports::ParseFormat(o.format);
  if (!format) return Fail(AsFlag(format.error()));
  auto conn = OpenDatabase(o.db, SchemaMode::kRequire);
  if (!conn) return Fail(conn.error());
  try {
    Result<reports::Report> report = Error::Internal("no report");
    if (o.name == "benefit") {
      report = reports::BuildBenefitReport(**conn, {o.year, o.region, o.list_unreached});
    } else if (o.name == "institutions") {
      report = reports::BuildInstitutionsReport(**conn, o.year, o.region);
    } else {
      report = reports::BuildReport(**conn, {o.name, o.year, o.region});
    }
    if (!report) return Fail(AsFlag(report.error()));
    Status written = WriteFileAtomic(o.out, reports::Render(*report, *format));
    if (!written) return Fail(written.error());
  } catch (const db::DbError& e) {
    return Fail(Error::Unavailable(std::string("database error: ") + e.what()));
  }
  return 0;
}

}  // namespace fupin::cli
