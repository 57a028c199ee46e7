#include "reports/report.h"

#include <fmt/format.h>

namespace fupin::reports {

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kText: return "text";
    case Kind::kInt: return "int";
    case Kind::kPercent: return "percent";
    case Kind::kYear: return "year";
    case Kind::kValue: return "value";
    case Kind::kDecimal: return "decimal";
  }
  return "text";
}

int Report::ColumnIndex(const std::string& key) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].key == key) return static_cast<int>(i);
  }
  return -1;
}

const Cell& Report::At(const Row& row, const std::string& key) const {
  static const Cell kNone;
  int i = ColumnIndex(key);
  if (i < 0 || static_cast<size_t>(i) >= row.cells.size()) return kNone;
  return row.cells[static_cast<size_t>(i)];
}

std::string YearRanges(const std::vector<int>& years) {
  if (years.empty()) return "none";
  std::string out;
  size_t i = 0;
  while (i < years.size()) {
    size_t j = i;
    while (j + 1 < years.size() && years[j + 1] == years[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += j == i ? fmt::format("{}", years[i]) : fmt::format("{}–{}", years[i], years[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace fupin::reports
