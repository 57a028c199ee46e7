#pragma once
// Renderers of a Report (report.h). Each is a pure function of the report, so
// the CLI and the HTTP API print the same figures:
//   table — aligned for a terminal: Chinese and English headers, columns padded
//           by display width (a CJK character takes two columns), numbers right
//           aligned and grouped by thousands, then the notes and the summary;
//   csv   — RFC 4180, a header row of the columns' English snake_case keys
//           (after a "section" column when the report has sections), plain
//           integers, percentages as "42.20", empty for no value; no notes;
//   json  — one object: report, title_zh, title_en, region {code, name}, year,
//           columns [{key, name_zh, name_en, kind}], sections [{key, title_zh,
//           title_en}], rows [{<column key>: value, …, "total": bool
//           [, "section": key]}], notes [..], summary. Numbers are integers or
//           fixed two-decimal numbers (42.20), never binary doubles; no value is null.
//   xlsx  — an Excel workbook (render_xlsx.h).
// Every text output ends with a newline.
#include <string>
#include <string_view>

#include "base/result.h"
#include "reports/report.h"

namespace fupin::reports {

enum class Format { kTable, kCsv, kJson, kXlsx };

// "table", "csv", "json" or "xlsx"; kInvalidArgument (field "format") otherwise.
Result<Format> ParseFormat(std::string_view name);

// The language of the column headers of a table or a workbook: both (a
// Chinese line, then an English one), Chinese or English. CSV headers are the
// stable keys and JSON carries both names, whatever the language.
enum class Lang { kBoth, kZh, kEn };
// "both", "zh" or "en"; kInvalidArgument (field "lang") otherwise.
Result<Lang> ParseLang(std::string_view name);

// Table, CSV or JSON (an xlsx workbook: render_xlsx.h, which needs more).
std::string Render(const Report& report, Format format, Lang lang = Lang::kBoth);
std::string RenderTable(const Report& report, Lang lang = Lang::kBoth);
std::string RenderCsv(const Report& report);
std::string RenderJson(const Report& report);

// A cell as CSV writes it (and as JSON writes a number): "" for no value,
// "163800", "8.97", "2019", or the text.
std::string PlainText(const Cell& cell);

}  // namespace fupin::reports
