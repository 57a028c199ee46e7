#include "reports/render.h"

#include <fmt/format.h>

#include "base/text.h"

namespace fupin::reports {

Result<Format> ParseFormat(std::string_view name) {
  if (name == "table") return Format::kTable;
  if (name == "csv") return Format::kCsv;
  if (name == "json") return Format::kJson;
  return Error::Invalid(fmt::format("unknown format '{}'; valid formats: table, csv, json", name), "format");
}

std::string Render(const Report& report, Format format) {
  switch (format) {
    case Format::kTable: return RenderTable(report);
    case Format::kCsv: return RenderCsv(report);
    case Format::kJson: return RenderJson(report);
  }
  return RenderTable(report);
}

std::string PlainText(const Cell& cell) {
  switch (cell.type) {
    case Cell::Type::kEmpty: return {};
    case Cell::Type::kText: return cell.text;
    case Cell::Type::kInt:
    case Cell::Type::kYear: return fmt::format("{}", cell.number);
    case Cell::Type::kPercent: return text::FormatFixed(cell.number, 2);
    case Cell::Type::kDecimal: return text::FormatFixed(cell.number, cell.decimals);
  }
  return {};
}

}  // namespace fupin::reports
