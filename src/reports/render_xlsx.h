#pragma once
// The Excel renderer of a Report (libxlsxwriter): a workbook officials can
// open and work on.
//   - One sheet per table: the report's rows, or one sheet per section.
//   - A frozen header row (two with Lang::kBoth: Chinese, then English).
//   - Numbers as numbers with formats: counts "#,##0", percentages as Excel
//     percentages "0.00%", decimals with their own places, years plain. The
//     region's own (total) row in bold. "no data" stays text.
//   - Region names in Chinese and, when the report has region codes and a
//     tree is given, a pinyin column beside them.
//   - A native Excel chart of the main series (the first percentage or
//     decimal column, else the first count) over the regions or the years:
//     columns over regions, a line over years.
//   - A sheet "sources" (来源): what the report is, its region and year, when
//     and from what it was computed, its notes, and every column's key and names.
// Pure but for a temporary file (libxlsxwriter writes to a path), removed
// before it returns.
#include <string>

#include "base/result.h"
#include "reports/render.h"
#include "reports/report.h"

namespace fupin::regions {
class RegionTree;
}

namespace fupin::reports {

struct XlsxOptions {
  Lang lang = Lang::kBoth;
  std::string computed_at;  // UTC ISO-8601, shown on the sources sheet; "" = now
  std::string computed_from = "the records of the Fupin database";
  const regions::RegionTree* tree = nullptr;  // for the pinyin of region codes; may be null
};

// The workbook's bytes. kInternal when libxlsxwriter or the temporary file fails.
Result<std::string> RenderXlsx(const Report& report, const XlsxOptions& options);

// The content type and a file name ("poverty-622900000000-2018.xlsx") for a download.
inline constexpr const char* kXlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
std::string XlsxFileName(const Report& report);

}  // namespace fupin::reports
