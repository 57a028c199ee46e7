// The JSON renderer (render.h).
#include "base/json_writer.h"
#include "base/text.h"
#include "reports/render.h"

namespace fupin::reports {
namespace {

void WriteCell(json::Writer& w, const Cell& cell) {
  switch (cell.type) {
    case Cell::Type::kEmpty: w.Null(); return;
    case Cell::Type::kText: w.String(cell.text); return;
    case Cell::Type::kInt:
    case Cell::Type::kYear: w.Int(cell.number); return;
    case Cell::Type::kPercent: w.Raw(text::FormatFixed(cell.number, 2)); return;
    case Cell::Type::kDecimal: w.Raw(text::FormatFixed(cell.number, cell.decimals)); return;
  }
  w.Null();
}

}  // namespace

std::string RenderJson(const Report& report) {
  json::Writer w;
  w.BeginObject();
  w.Key("report").String(report.name);
  w.Key("title_zh").String(report.title_zh);
  w.Key("title_en").String(report.title_en);
  w.Key("region").BeginObject();
  w.Key("code").String(report.region_code);
  w.Key("name").String(report.region_name);
  w.EndObject();
  w.Key("year").Int(report.year);
  w.Key("columns").BeginArray();
  for (const Column& c : report.columns) {
    w.BeginObject();
    w.Key("key").String(c.key);
    w.Key("name_zh").String(c.name_zh);
    w.Key("name_en").String(c.name_en);
    w.Key("kind").String(KindName(c.kind));
    w.EndObject();
  }
  w.EndArray();
  w.Key("sections").BeginArray();
  for (const Section& s : report.sections) {
    w.BeginObject();
    w.Key("key").String(s.key);
    w.Key("title_zh").String(s.title_zh);
    w.Key("title_en").String(s.title_en);
    w.EndObject();
  }
  w.EndArray();
  w.Key("rows").BeginArray();
  static const Cell kNone;
  for (const Row& row : report.rows) {
    w.BeginObject();
    if (!report.sections.empty()) w.Key("section").String(row.section);
    for (size_t i = 0; i < report.columns.size(); ++i) {
      w.Key(report.columns[i].key);
      WriteCell(w, i < row.cells.size() ? row.cells[i] : kNone);
    }
    w.Key("total").Bool(row.total);
    w.EndObject();
  }
  w.EndArray();
  w.Key("notes").BeginArray();
  for (const std::string& note : report.notes) w.String(note);
  w.EndArray();
  w.Key("summary").String(report.summary);
  w.EndObject();
  std::string out = w.Take();
  out.push_back('\n');
  return out;
}

}  // namespace fupin::reports
