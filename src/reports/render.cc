#include "reports/render.h"

#include <fmt/format.h>

#include "base/text.h"

namespace fupin::reports {

Result<Format> ParseFormat(std::string_view name) {
  if (name == "table") return Format::kTable;
  if (name == "csv") return Format::kCsv;
  if (name == "json") return Format::kJson;
  if (name == "xlsx") return Format::kXlsx;
  return Error::Invalid(fmt::format("unknown format '{}'; valid formats: table, csv, json, xlsx", name), "format");
}

Result<Lang> ParseLang(std::string_view name) {
  if (name == "both") return Lang::kBoth;
  if (name == "zh") return Lang::kZh;
  if (name == "en") return Lang::kEn;
  return Error::Invalid(fmt::format("unknown language '{}'; valid: zh, en, both", name), "lang");
}

std::string Render(const Report& report, Format format, Lang lang) {
  switch (format) {
    case Format::kTable: return RenderTable(report, lang);
    case Format::kCsv: return RenderCsv(report);
    case Format::kJson: return RenderJson(report);
    case Format::kXlsx: break;  // render_xlsx.h
  }
  return RenderTable(report, lang);
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
