#pragma once
// The paper-check report: the figures the research paper states about Linxia
// (data/paper/headline_figures.csv, section "paper") and the cited poverty
// figures of data/linxia/statistics.csv (section "cited"), each beside the value
// computed from the records, with match / mismatch and the reason, or "not
// answerable" and why. The registry figures come from the poverty report's
// aggregation (poverty.h), never from a scenario file. It ends with the summary
// "N match, M mismatch, K not answerable". docs/REPORTS.md lists how each
// figure is read (the project's settled interpretation of the paper).
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/result.h"
#include "db/database.h"
#include "regions/tree.h"
#include "reports/poverty.h"
#include "reports/report.h"

namespace fupin::reports {

struct PaperCheckInput {
  const regions::RegionTree* tree = nullptr;  // its root is the prefecture
  // The prefecture's breakdown (children: its counties) for every year with
  // registry data; a year missing here has no data.
  std::map<int, PovertyBreakdown> years;
  int year = 0;                         // the records' year for undated figures (the paper's population)
  int64_t county_exit_threshold = 300;  // hundredths of a percent (3 % → 300)
  std::string county_exit_threshold_source;
  std::string_view headline_csv;    // data/paper/headline_figures.csv
  std::string_view statistics_csv;  // data/linxia/statistics.csv
};

// Builds the report. Pure. kInternal when a CSV lacks a column it needs.
Result<Report> PaperCheckReport(const PaperCheckInput& input);

// Reads the inputs (one VillageStats per year with data, the county exit
// threshold from the settings, the embedded CSVs) and builds the report for
// the tree's root. `year` is used for undated figures. Throws db::DbError.
Result<Report> LoadPaperCheck(db::Connection& conn, const regions::RegionTree& tree, int year);

}  // namespace fupin::reports
