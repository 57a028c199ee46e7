#include "reports/service.h"

#include <algorithm>

#include <fmt/format.h>

#include "regions/tree.h"
#include "registry/stats.h"
#include "reports/paper_check.h"
#include "reports/poverty.h"

namespace fupin::reports {

const std::vector<std::string>& ReportNames() {
  static const std::vector<std::string> names = {"poverty", "paper-check"};
  return names;
}

Status CheckReportName(std::string_view name) {
  const auto& names = ReportNames();
  if (std::find(names.begin(), names.end(), name) != names.end()) return {};
  return Error::Invalid(fmt::format("unknown report '{}'; valid reports: {}", name, fmt::join(names, ", ")), "name");
}

Result<Report> BuildReport(db::Connection& conn, const ReportRequest& request) {
  if (Status name = CheckReportName(request.name); !name) return name.error();

  regions::RegionTree tree = regions::RegionTree::Load(conn);
  const regions::Region* root = tree.Root();
  if (!root) return Error::Precondition("the region tree is empty: run fupin migrate");
  const regions::Region* region = root;
  if (!request.region.empty()) {
    auto resolved = tree.Resolve(request.region);
    if (!resolved) {
      std::string why = resolved.error().code == ErrorCode::kNotFound
                            ? fmt::format("no region '{}' in the region tree of {} ({}): give a 12-digit code or the "
                                          "name of the prefecture or a county, township or village in it",
                                          request.region, root->name, root->code)
                            : resolved.error().message;
      return Error::Invalid(why, "region");
    }
    region = *resolved;
  }
  if (request.name == "paper-check" && region != root) {
    return Error::Invalid(fmt::format("no region choice for paper-check: it covers the whole prefecture {} ({})",
                                      root->name, root->code),
                          "region");
  }

  std::vector<int> years = registry::YearsWithData(conn);
  if (years.empty()) {
    return Error::NotFound("no registry data in the database; load it with fupin demo or fupin import registry");
  }
  int year = years.back();
  if (request.year) {
    year = *request.year;
    if (!std::binary_search(years.begin(), years.end(), year)) {
      return Error::NotFound(
          fmt::format("no registry data for year {}; years with data: {}", year, YearRanges(years)));
    }
  }

  if (request.name == "poverty") return PovertyReport(LoadPovertyBreakdown(conn, tree, *region, year));
  return LoadPaperCheck(conn, tree, year);
}

}  // namespace fupin::reports
