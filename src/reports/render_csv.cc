// The CSV renderer (render.h).
#include "base/csv.h"
#include "reports/render.h"

namespace fupin::reports {

std::string RenderCsv(const Report& report) {
  const bool sectioned = !report.sections.empty();
  std::string out;
  std::vector<std::string> fields;
  if (sectioned) fields.emplace_back("section");
  for (const Column& c : report.columns) fields.push_back(c.key);
  csv::AppendRow(out, fields);
  for (const Row& row : report.rows) {
    fields.clear();
    if (sectioned) fields.push_back(row.section);
    for (size_t i = 0; i < report.columns.size(); ++i) {
      fields.push_back(i < row.cells.size() ? PlainText(row.cells[i]) : std::string());
    }
    csv::AppendRow(out, fields);
  }
  return out;
}

}  // namespace fupin::reports
