#pragma once
// Named reports: the one entry point the CLI (fupin report NAME) and, later,
// GET /api/v1/reports/NAME call. Resolves the defaults (the prefecture, the
// latest year with data), checks the request, computes the Report; rendering
// is the caller's choice (render.h).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "db/database.h"
#include "reports/report.h"

namespace fupin::reports {

// "poverty", "paper-check".
const std::vector<std::string>& ReportNames();

// kInvalidArgument (field "name") naming the valid reports when `name` is not one.
Status CheckReportName(std::string_view name);

struct ReportRequest {
  std::string name;
  std::optional<int> year;  // default: the latest year with registry data
  std::string region;       // 12-digit code or an unambiguous name or pinyin; default: the root (the prefecture)
};

// Builds the report. Errors:
//   kInvalidArgument, field "name"   — unknown report (the message lists the valid names);
//   kInvalidArgument, field "region" — "no region …" when the code is not in the region tree, or
//                                      paper-check asked for a region other than the prefecture;
//   kNotFound                        — no registry data at all, or none for the year asked
//                                      ("no registry data for year Y; years with data: 2012–2020").
// Throws db::DbError when the database fails.
Result<Report> BuildReport(db::Connection& conn, const ReportRequest& request);

}  // namespace fupin::reports
