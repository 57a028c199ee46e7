// fupin report NAME: computes a named report (src/reports/service.h; the
// marketplace's benefit and institutions reports, src/reports/benefit.h and
// institutions.h) and renders it as a table, CSV or JSON on stdout or into
// --out, atomically.
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "regions/tree.h"
#include "reports/benefit.h"
#include "reports/catalogue.h"
#include "reports/indicator_reports.h"
#include "reports/institutions.h"
#include "reports/render.h"
#include "reports/render_xlsx.h"
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
  const bool indicator_report = reports::IsIndicatorReport(o.name);
  if (!IsMarketReport(o.name) && !indicator_report) {
    if (Status name = reports::CheckReportName(o.name); !name) {
      std::vector<std::string> names = reports::ReportNames();
      names.insert(names.end(), std::begin(kMarketReports), std::end(kMarketReports));
      for (const std::string& n : reports::IndicatorReportNames()) names.push_back(n);
      return Fail(AsFlag(Error::Invalid(
          fmt::format("unknown report '{}'; valid reports: {}", o.name, fmt::join(names, ", ")), "name")));
    }
  }
  if (o.list_unreached && o.name != "benefit") {
    return Fail(Error::Invalid("--list-unreached goes with the benefit report only", "--list-unreached"));
  }
  if (!indicator_report) {
    for (const auto& [given, flag] : {std::pair{!o.indicator.empty(), "--indicator"}, {o.from.has_value(), "--from"},
                                      {o.to.has_value(), "--to"}, {!o.catalogue.empty(), "--indicators"}}) {
      if (given) {
        return Fail(Error::Invalid(fmt::format("{} goes with the {} reports only", flag,
                                               fmt::join(reports::IndicatorReportNames(), ", ")),
                                   flag));
      }
    }
  }
  std::optional<reports::IndicatorCatalogue> catalogue;
  if (!o.catalogue.empty()) {
    auto text = ReadInputFile(o.catalogue);
    if (!text) return Fail(text.error());
    auto parsed = reports::IndicatorCatalogue::Parse(*text);
    if (!parsed) {
      Error e = parsed.error();
      e.message = o.catalogue + ": " + e.message;
      e.field = "--indicators";
      return Fail(e);
    }
    catalogue = std::move(*parsed);
  }
  auto format = reports::ParseFormat(o.format);
  if (!format) return Fail(AsFlag(format.error()));
  auto lang = reports::ParseLang(o.lang);
  if (!lang) return Fail(AsFlag(lang.error()));
  const bool to_stdout = o.out.empty() || o.out == "-";
  if (*format == reports::Format::kXlsx && to_stdout && isatty(STDOUT_FILENO)) {
    return Fail(Error::Invalid("--format xlsx writes a workbook: give --out FILE.xlsx (or redirect the output)",
                               "--out"));
  }
  auto conn = OpenDatabase(o.db, SchemaMode::kRequire);
  if (!conn) return Fail(conn.error());
  try {
    Result<reports::Report> report = Error::Internal("no report");
    regions::RegionTree tree = regions::RegionTree::Load(**conn);
    if (indicator_report) {
      reports::IndicatorQuery q;
      q.report = o.name;
      q.indicator = o.indicator;
      q.year = o.year;
      q.from = o.from;
      q.to = o.to;
      q.region = o.region;
      q.catalogue = catalogue ? &*catalogue : nullptr;
      report = reports::BuildIndicatorReport(**conn, tree, q);
    } else if (o.name == "benefit") {
      report = reports::BuildBenefitReport(**conn, {o.year, o.region, o.list_unreached});
    } else if (o.name == "institutions") {
      report = reports::BuildInstitutionsReport(**conn, o.year, o.region);
    } else {
      report = reports::BuildReport(**conn, {o.name, o.year, o.region});
    }
    if (!report) return Fail(AsFlag(report.error()));
    std::string bytes;
    if (*format == reports::Format::kXlsx) {
      reports::XlsxOptions x;
      x.lang = *lang;
      x.tree = &tree;
      x.computed_from = (*conn)->dialect() == db::Dialect::kPostgres
                            ? "the records of a Fupin database on PostgreSQL (fupin report)"
                            : "the records of a Fupin database on SQLite (fupin report)";
      auto workbook = reports::RenderXlsx(*report, x);
      if (!workbook) return Fail(workbook.error());
      bytes = std::move(*workbook);
    } else {
      bytes = reports::Render(*report, *format, *lang);
    }
    Status written = WriteFileAtomic(o.out, bytes);
    if (!written) return Fail(written.error());
  } catch (const db::DbError& e) {
    return Fail(Error::Unavailable(std::string("database error: ") + e.what()));
  }
  return 0;
}

}  // namespace fupin::cli
