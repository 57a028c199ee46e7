// The terminal table renderer (render.h).
#include <algorithm>

#include <fmt/format.h>

#include "base/text.h"
#include "reports/render.h"

namespace fupin::reports {
namespace {

constexpr const char* kGap = "  ";

std::string Shown(const Cell& cell) {
  switch (cell.type) {
    case Cell::Type::kEmpty: return cell.text;
    case Cell::Type::kText: return cell.text;
    case Cell::Type::kInt: return text::Grouped(cell.number);
    case Cell::Type::kYear: return fmt::format("{}", cell.number);
    case Cell::Type::kPercent: return text::FormatFixed(cell.number, 2);
    case Cell::Type::kDecimal: {
      // Grouped like the counts: 6,645.65.
      std::string fixed = text::FormatFixed(cell.number, cell.decimals);
      const size_t point = fixed.find('.');
      const std::string fraction = point == std::string::npos ? "" : fixed.substr(point);
      int64_t whole = cell.number;
      for (int i = 0; i < cell.decimals; ++i) whole /= 10;
      const bool minus = cell.number < 0 && whole == 0;  // -0.25: the sign is not in the whole part
      return (minus ? "-" : "") + text::Grouped(whole) + fraction;
    }
  }
  return {};
}

void TrimRight(std::string& line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
}

class Table {
 public:
  Table(const Report& report, Lang lang) : report_(report) {
    widths_.resize(report.columns.size(), 0);
    for (size_t i = 0; i < report.columns.size(); ++i) {
      const Column& c = report.columns[i];
      widths_[i] = std::max(lang == Lang::kEn ? 0 : text::DisplayWidth(c.name_zh),
                            lang == Lang::kZh ? 0 : text::DisplayWidth(c.name_en));
    }
    for (const Row& row : report.rows) {
      for (size_t i = 0; i < widths_.size() && i < row.cells.size(); ++i) {
        widths_[i] = std::max(widths_[i], text::DisplayWidth(Shown(row.cells[i])));
      }
    }
  }

  std::string Line(const std::vector<std::string>& values) const {
    std::string line;
    for (size_t i = 0; i < widths_.size(); ++i) {
      if (i) line += kGap;
      const std::string& v = i < values.size() ? values[i] : std::string();
      line += report_.columns[i].kind == Kind::kText ? text::PadRight(v, widths_[i]) : text::PadLeft(v, widths_[i]);
    }
    TrimRight(line);
    line.push_back('\n');
    return line;
  }

  std::string Rule() const {
    std::string line;
    for (size_t i = 0; i < widths_.size(); ++i) {
      if (i) line += kGap;
      line.append(static_cast<size_t>(widths_[i]), '-');
    }
    line.push_back('\n');
    return line;
  }

  std::string RowLine(const Row& row) const {
    std::vector<std::string> values;
    for (const Cell& cell : row.cells) values.push_back(Shown(cell));
    return Line(values);
  }

 private:
  const Report& report_;
  std::vector<int> widths_;
};

}  // namespace

std::string RenderTable(const Report& report, Lang lang) {
  Table table(report, lang);
  std::string out = fmt::format("{} {}: {} {}, {}\n\n", report.title_zh, report.title_en, report.region_name,
                                report.region_code, report.year);
  std::vector<std::string> zh, en;
  for (const Column& c : report.columns) {
    zh.push_back(c.name_zh);
    en.push_back(c.name_en);
  }
  if (lang != Lang::kEn) out += table.Line(zh);
  if (lang != Lang::kZh) out += table.Line(en);
  out += table.Rule();
  if (report.sections.empty()) {
    for (const Row& row : report.rows) {
      if (row.total) out += table.Rule();
      out += table.RowLine(row);
    }
  } else {
    for (const Section& section : report.sections) {
      out += fmt::format("== {} {} ==\n", section.title_zh, section.title_en);
      for (const Row& row : report.rows) {
        if (row.section != section.key) continue;
        if (row.total) out += table.Rule();
        out += table.RowLine(row);
      }
    }
  }
  if (!report.notes.empty()) {
    out += "\nNotes:\n";
    for (const std::string& note : report.notes) out += fmt::format("- {}\n", note);
  }
  if (!report.summary.empty()) out += fmt::format("\n{}\n", report.summary);
  return out;
}

}  // namespace fupin::reports
