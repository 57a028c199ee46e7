#include "reports/render_xlsx.h"

#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <vector>

#include "base/text.h"
#include "regions/tree.h"

namespace fupin::reports {
namespace {

std::string NowUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Excel's rules for a sheet name: at most 31 characters, none of []:*?/\.
std::string SheetName(std::string name) {
  for (char& c : name) {
    if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) c = '-';
  }
  if (name.size() > 31) name.resize(31);
  return name.empty() ? "report" : name;
}

std::string DecimalFormat(int decimals) {
  return decimals <= 0 ? "#,##0" : "#,##0." + std::string(static_cast<size_t>(decimals), '0');
}

double Scaled(int64_t number, int decimals) {
  double v = static_cast<double>(number);
  for (int i = 0; i < decimals; ++i) v /= 10;
  return v;
}

// One lxw_format per (number format, bold), made on first use.
class Formats {
 public:
  explicit Formats(lxw_workbook* wb) : wb_(wb) {}
  lxw_format* Get(const std::string& number_format, bool bold) {
    auto key = std::pair{number_format, bold};
    auto it = formats_.find(key);
    if (it != formats_.end()) return it->second;
    lxw_format* f = workbook_add_format(wb_);
    if (!number_format.empty()) format_set_num_format(f, number_format.c_str());
    if (bold) format_set_bold(f);
    formats_.emplace(key, f);
    return f;
  }
  lxw_format* Header() {
    if (!header_) {
      header_ = workbook_add_format(wb_);
      format_set_bold(header_);
      format_set_bg_color(header_, 0xDDEBF7);
      format_set_bottom(header_, LXW_BORDER_THIN);
      format_set_text_wrap(header_);
    }
    return header_;
  }

 private:
  lxw_workbook* wb_;
  std::map<std::pair<std::string, bool>, lxw_format*> formats_;
  lxw_format* header_ = nullptr;
};

// A column of a sheet: one of the report's, or the pinyin of its region codes.
struct OutColumn {
  std::string key;
  std::string name_zh;
  std::string name_en;
  Kind kind = Kind::kText;
  int source = -1;  // the report's column; -1: pinyin of the column `code_column`
  int code_column = -1;
};

std::vector<OutColumn> OutColumns(const Report& report, const regions::RegionTree* tree) {
  std::vector<OutColumn> out;
  const int code = report.ColumnIndex("region_code");
  const bool add_pinyin = tree && code >= 0 && report.ColumnIndex("region_pinyin") < 0;
  const int after = report.ColumnIndex("region_name") >= 0 ? report.ColumnIndex("region_name") : code;
  for (size_t i = 0; i < report.columns.size(); ++i) {
    const Column& c = report.columns[i];
    out.push_back({c.key, c.name_zh, c.name_en, c.kind, static_cast<int>(i), -1});
    if (add_pinyin && static_cast<int>(i) == after) {
      out.push_back({"region_pinyin", "拼音", "pinyin", Kind::kText, -1, code});
    }
  }
  return out;
}

std::string Shown(const Cell& cell) {
  switch (cell.type) {
    case Cell::Type::kEmpty:
      return cell.text;
    case Cell::Type::kText:
      return cell.text;
    case Cell::Type::kInt:
      return text::Grouped(cell.number);
    case Cell::Type::kYear:
      return fmt::format("{}", cell.number);
    case Cell::Type::kPercent:
      return text::FormatFixed(cell.number, 2) + "%";
    case Cell::Type::kDecimal:
      return text::FormatFixed(cell.number, cell.decimals);
  }
  return {};
}

class Writer {
 public:
  Writer(const Report& report, const XlsxOptions& options, lxw_workbook* wb)
      : report_(report), options_(options), wb_(wb), formats_(wb) {}

  void Data() {
    columns_ = OutColumns(report_, options_.tree);
    if (report_.sections.empty()) {
      std::vector<const Row*> rows;
      for (const Row& r : report_.rows) rows.push_back(&r);
      Sheet(SheetName(report_.name), rows);
    } else {
      for (const Section& s : report_.sections) {
        std::vector<const Row*> rows;
        for (const Row& r : report_.rows) {
          if (r.section == s.key) rows.push_back(&r);
        }
        Sheet(SheetName(s.key), rows);
      }
    }
  }

  void Sources() {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, "sources");
    lxw_format* bold = formats_.Get("", true);
    worksheet_set_column(ws, 0, 0, 28, nullptr);
    worksheet_set_column(ws, 1, 3, 60, nullptr);
    lxw_row_t row = 0;
    auto line = [&](const std::string& label, const std::string& value) {
      worksheet_write_string(ws, row, 0, label.c_str(), bold);
      worksheet_write_string(ws, row, 1, value.c_str(), nullptr);
      ++row;
    };
    line("报表 report", report_.name);
    line("标题 title", report_.title_zh + " / " + report_.title_en);
    std::string region = report_.region_name + " " + report_.region_code;
    if (options_.tree) {
      if (const regions::Region* r = options_.tree->Find(report_.region_code); r && !r->name_pinyin.empty()) {
        region += " (" + r->name_pinyin + ")";
      }
    }
    line("地区 region", region);
    line("年份 year", fmt::format("{}", report_.year));
    line("计算时间 computed at", options_.computed_at.empty() ? NowUtc() : options_.computed_at);
    line("数据来源 computed from", options_.computed_from);
    for (const Section& s : report_.sections) {
      line("部分 section " + s.key, s.title_zh + " / " + s.title_en);
    }
    if (!report_.summary.empty()) line("小结 summary", report_.summary);
    ++row;
    worksheet_write_string(ws, row++, 0, "说明 notes", bold);
    for (const std::string& note : report_.notes) worksheet_write_string(ws, row++, 1, note.c_str(), nullptr);
    ++row;
    const char* heads[] = {"列 column", "中文", "English", "kind"};
    for (lxw_col_t c = 0; c < 4; ++c) worksheet_write_string(ws, row, c, heads[c], bold);
    ++row;
    for (const OutColumn& c : columns_) {
      worksheet_write_string(ws, row, 0, c.key.c_str(), nullptr);
      worksheet_write_string(ws, row, 1, c.name_zh.c_str(), nullptr);
      worksheet_write_string(ws, row, 2, c.name_en.c_str(), nullptr);
      worksheet_write_string(ws, row, 3, KindName(c.kind), nullptr);
      ++row;
    }
  }

 private:
  const Cell& CellOf(const Row& row, const OutColumn& c) const {
    static const Cell kNone;
    return c.source >= 0 && static_cast<size_t>(c.source) < row.cells.size() ? row.cells[static_cast<size_t>(c.source)]
                                                                             : kNone;
  }

  std::string Pinyin(const Row& row, const OutColumn& c) const {
    if (!options_.tree || c.code_column < 0 || static_cast<size_t>(c.code_column) >= row.cells.size()) return {};
    const regions::Region* r = options_.tree->Find(row.cells[static_cast<size_t>(c.code_column)].text);
    return r ? r->name_pinyin : std::string();
  }

  void Write(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const Cell& cell, bool bold) {
    switch (cell.type) {
      case Cell::Type::kEmpty:
        if (!cell.text.empty()) worksheet_write_string(ws, r, c, cell.text.c_str(), formats_.Get("", bold));
        return;
      case Cell::Type::kText:
        worksheet_write_string(ws, r, c, cell.text.c_str(), formats_.Get("", bold));
        return;
      case Cell::Type::kInt:
        worksheet_write_number(ws, r, c, static_cast<double>(cell.number), formats_.Get("#,##0", bold));
        return;
      case Cell::Type::kYear:
        worksheet_write_number(ws, r, c, static_cast<double>(cell.number), formats_.Get("0", bold));
        return;
      case Cell::Type::kPercent:  // hundredths of a percent: 4220 → 0.4220, shown 42.20%
        worksheet_write_number(ws, r, c, Scaled(cell.number, 4), formats_.Get("0.00%", bold));
        return;
      case Cell::Type::kDecimal:
        worksheet_write_number(ws, r, c, Scaled(cell.number, cell.decimals),
                               formats_.Get(DecimalFormat(cell.decimals), bold));
        return;
    }
  }

  void Sheet(const std::string& name, const std::vector<const Row*>& rows) {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
    const Lang lang = options_.lang;
    const lxw_row_t header_rows = lang == Lang::kBoth ? 2 : 1;
    std::vector<int> widths(columns_.size(), 6);
    for (size_t i = 0; i < columns_.size(); ++i) {
      const OutColumn& c = columns_[i];
      const lxw_col_t col = static_cast<lxw_col_t>(i);
      lxw_row_t r = 0;
      if (lang != Lang::kEn) {
        worksheet_write_string(ws, r++, col, c.name_zh.c_str(), formats_.Header());
        widths[i] = std::max(widths[i], text::DisplayWidth(c.name_zh));
      }
      if (lang != Lang::kZh) {
        worksheet_write_string(ws, r++, col, c.name_en.c_str(), formats_.Header());
        widths[i] = std::max(widths[i], text::DisplayWidth(c.name_en));
      }
    }
    lxw_row_t r = header_rows;
    for (const Row* row : rows) {
      for (size_t i = 0; i < columns_.size(); ++i) {
        const OutColumn& c = columns_[i];
        const lxw_col_t col = static_cast<lxw_col_t>(i);
        if (c.source < 0) {
          const std::string p = Pinyin(*row, c);
          if (!p.empty()) worksheet_write_string(ws, r, col, p.c_str(), formats_.Get("", row->total));
          widths[i] = std::max(widths[i], text::DisplayWidth(p));
          continue;
        }
        const Cell& cell = CellOf(*row, c);
        Write(ws, r, col, cell, row->total);
        widths[i] = std::max(widths[i], text::DisplayWidth(Shown(cell)));
      }
      ++r;
    }
    for (size_t i = 0; i < columns_.size(); ++i) {
      worksheet_set_column(ws, static_cast<lxw_col_t>(i), static_cast<lxw_col_t>(i), std::min(50, widths[i] + 2),
                           nullptr);
    }
    worksheet_freeze_panes(ws, header_rows, 0);
    if (!charted_) Chart(ws, name, rows, header_rows);
  }

  // The main series over the regions (columns) or the years (a line).
  void Chart(lxw_worksheet* ws, const std::string& sheet, const std::vector<const Row*>& rows, lxw_row_t header_rows) {
    int category = -1;
    for (const char* key : {"region_name", "year", "region"}) {
      for (size_t i = 0; i < columns_.size() && category < 0; ++i) {
        if (columns_[i].key == key) category = static_cast<int>(i);
      }
    }
    int value = -1;
    for (const Kind wanted : {Kind::kPercent, Kind::kDecimal, Kind::kInt}) {
      for (size_t i = 0; i < columns_.size() && value < 0; ++i) {
        if (columns_[i].kind == wanted && columns_[i].source >= 0) value = static_cast<int>(i);
      }
      if (value >= 0) break;
    }
    if (category < 0 || value < 0) return;
    // The rows of the series: the non-total ones, which come first.
    lxw_row_t first = 0, last = 0;
    int count = 0;
    for (size_t k = 0; k < rows.size(); ++k) {
      if (rows[k]->total) continue;
      const lxw_row_t at = header_rows + static_cast<lxw_row_t>(k);
      if (count == 0) first = at;
      last = at;
      ++count;
    }
    if (count < 2 || last - first + 1 != static_cast<lxw_row_t>(count)) return;
    const bool by_year = columns_[static_cast<size_t>(category)].key == "year";
    lxw_chart* chart = workbook_add_chart(wb_, by_year ? LXW_CHART_LINE : LXW_CHART_COLUMN);
    lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
    const lxw_col_t cat = static_cast<lxw_col_t>(category), val = static_cast<lxw_col_t>(value);
    chart_series_set_categories(series, sheet.c_str(), first, cat, last, cat);
    chart_series_set_values(series, sheet.c_str(), first, val, last, val);
    const OutColumn& v = columns_[static_cast<size_t>(value)];
    const std::string series_name = options_.lang == Lang::kEn ? v.name_en : v.name_zh;
    chart_series_set_name(series, series_name.c_str());
    const std::string title = (options_.lang == Lang::kEn ? report_.title_en : report_.title_zh) + ": " +
                              (options_.lang == Lang::kEn ? v.name_en : v.name_zh);
    chart_title_set_name(chart, title.c_str());
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    worksheet_insert_chart(ws, header_rows, static_cast<lxw_col_t>(columns_.size() + 1), chart);
    charted_ = true;
  }

  const Report& report_;
  const XlsxOptions& options_;
  lxw_workbook* wb_;
  Formats formats_;
  std::vector<OutColumn> columns_;
  bool charted_ = false;
};

}  // namespace

std::string XlsxFileName(const Report& report) {
  return fmt::format("{}-{}-{}.xlsx", report.name, report.region_code, report.year);
}

Result<std::string> RenderXlsx(const Report& report, const XlsxOptions& options) {
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) return Error::Internal("no temporary folder for the workbook: " + ec.message());
  std::string path = (dir / "fupin-report-XXXXXX.xlsx").string();
  const int fd = mkstemps(path.data(), 5);
  if (fd < 0) return Error::Internal("cannot create a temporary file for the workbook in " + dir.string());
  ::close(fd);
  struct Remove {
    std::string path;
    ~Remove() { ::unlink(path.c_str()); }
  } remove{path};

  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return Error::Internal("libxlsxwriter could not start a workbook");
  lxw_doc_properties properties{};
  const std::string title = report.title_zh + " " + report.title_en;
  properties.title = const_cast<char*>(title.c_str());
  properties.author = const_cast<char*>("Fupin");
  const std::string comments = fmt::format("{} {} {}", report.name, report.region_code, report.year);
  properties.comments = const_cast<char*>(comments.c_str());
  workbook_set_properties(wb, &properties);
  Writer writer(report, options, wb);
  writer.Data();
  writer.Sources();
  if (lxw_error e = workbook_close(wb); e != LXW_NO_ERROR) {
    return Error::Internal(fmt::format("libxlsxwriter could not write the workbook: {}", lxw_strerror(e)));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Internal("cannot read the workbook back from " + path);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes;
}

}  // namespace fupin::reports
