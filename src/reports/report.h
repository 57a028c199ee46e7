#pragma once
// The report model: what a named report computed, before any format. Builders
// (poverty.h, paper_check.h) fill it from registry figures and the region tree;
// renderers (render.h) turn it into a terminal table, CSV or JSON. The CLI and,
// later, GET /api/v1/reports/NAME share both halves, so every format shows the
// same numbers. Pure data: no database, no I/O.
#include <cstdint>
#include <string>
#include <vector>

namespace fupin::reports {

// What a column holds; decides alignment and formatting.
enum class Kind {
  kText,     // left aligned
  kInt,      // a count; grouped by thousands in tables, plain in CSV and JSON
  kPercent,  // hundredths of a percent, shown with two decimals: 4220 → "42.20"
  kYear,     // a calendar year, never grouped
  kValue,    // mixed: each cell is an int, percent or year of its own (paper-check values)
  kDecimal,  // a fixed-point number with its own decimals per cell: 123456 with 2 → "1234.56"
};
const char* KindName(Kind kind);

struct Column {
  std::string key;      // stable English snake_case: the CSV header and the JSON key
  std::string name_zh;  // table header, first line
  std::string name_en;  // table header, second line; JSON "name_en"
  Kind kind = Kind::kText;
};

// One value. An empty cell is "no value" (CSV "", JSON null); `text` may hold
// what a table shows instead, such as "no data".
struct Cell {
  enum class Type { kEmpty, kText, kInt, kPercent, kYear, kDecimal };
  Type type = Type::kEmpty;
  int64_t number = 0;  // kInt: the count; kPercent: hundredths of a percent; kYear: the year;
                       // kDecimal: the value times 10^decimals
  std::string text;    // kText: the text; kEmpty: what a table shows (may be "")
  int decimals = 0;    // kDecimal only

  static Cell Empty(std::string shown = {}) { return Cell{Type::kEmpty, 0, std::move(shown)}; }
  static Cell Text(std::string s) { return Cell{Type::kText, 0, std::move(s)}; }
  static Cell Int(int64_t v) { return Cell{Type::kInt, v, {}}; }
  static Cell Percent(int64_t hundredths) { return Cell{Type::kPercent, hundredths, {}}; }
  static Cell Year(int64_t year) { return Cell{Type::kYear, year, {}}; }
  static Cell Decimal(int64_t scaled, int decimals) { return Cell{Type::kDecimal, scaled, {}, decimals}; }

  bool empty() const { return type == Type::kEmpty; }
  bool IsNumber() const {
    return type == Type::kInt || type == Type::kPercent || type == Type::kYear || type == Type::kDecimal;
  }
  friend bool operator==(const Cell&, const Cell&) = default;
};

// A group of rows with its own heading (paper-check: the paper's figures, then
// other cited figures). A report without sections is one table.
struct Section {
  std::string key;  // stable English snake_case; the CSV "section" column
  std::string title_zh;
  std::string title_en;
};

struct Row {
  std::vector<Cell> cells;  // one per column, in column order
  bool total = false;       // the region's own row below its children
  std::string section;      // Section::key when the report has sections
};

struct Report {
  std::string name;  // "poverty", "paper-check"
  std::string title_zh;
  std::string title_en;
  std::string region_code;
  std::string region_name;
  int year = 0;
  std::vector<Column> columns;
  std::vector<Section> sections;  // empty: all rows form one table
  std::vector<Row> rows;
  std::vector<std::string> notes;  // definitions and caveats, one sentence each
  std::string summary;             // one closing line ("31 match, 0 mismatch, …"); may be empty

  // Index of the column `key`, or -1.
  int ColumnIndex(const std::string& key) const;
  // The cell of `row` in column `key`; an empty cell if there is no such column.
  const Cell& At(const Row& row, const std::string& key) const;
};

// Years as a reader wants them: "2012–2020" for a run, "2012, 2014–2016" with
// gaps, "none" for no years. `years` ascending.
std::string YearRanges(const std::vector<int>& years);

}  // namespace fupin::reports
