#include "reports/indicator_reports.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "base/csv.h"
#include "base/embedded_data.h"
#include "base/text.h"
#include "regions/tree.h"
#include "registry/stats.h"
#include "reports/benefit.h"
#include "reports/counts.h"

namespace fupin::reports {
namespace {

constexpr int kFirstYear = 2000;
constexpr int kLastYear = 2100;
constexpr int kTable1Year = 2016;  // the paper's Table 1 describes 2016

std::string Pinyin(const regions::Region& r) { return r.name_pinyin; }

// The children a by-region report lists: every child, except residents'
// committees (urban communities) with nothing recorded for `keys`.
std::vector<const regions::Region*> ListedChildren(const regions::RegionTree& tree, const regions::Region& region,
                                                   const CountTable& counts, const std::vector<std::string>& keys,
                                                   int64_t& omitted) {
  std::vector<const regions::Region*> out;
  for (const regions::Region* c : tree.Children(region.code)) {
    if (c->level == regions::Level::kVillage && !c->IsAdministrativeVillage()) {
      bool any = false;
      for (const std::string& k : keys) any = any || counts.Value(k, c->code) != 0;
      if (!any) {
        ++omitted;
        continue;
      }
    }
    out.push_back(c);
  }
  return out;
}

// A report's head: name, titles, region and year.
Report Head(const char* name, std::string title_zh, std::string title_en, const regions::Region& region, int year) {
  Report r;
  r.name = name;
  r.title_zh = std::move(title_zh);
  r.title_en = std::move(title_en);
  r.region_code = region.code;
  r.region_name = region.name;
  r.year = year;
  return r;
}

// The note on the residents' committees a by-region report leaves out.
void NoteOmitted(Report& r, int64_t omitted) {
  if (omitted > 0) {
    r.notes.push_back(
        fmt::format("{} residents' committees (居委会, urban communities) with nothing recorded are "
                    "not listed",
                    omitted));
  }
}

std::vector<Cell> RegionCells(const regions::Region& r) {
  return {Cell::Text(regions::LevelName(r.level)), Cell::Text(r.code), Cell::Text(r.name), Cell::Text(Pinyin(r))};
}

std::vector<Column> RegionColumns() {
  return {{"level", "级别", "level", Kind::kText},
          {"region_code", "区划代码", "code", Kind::kText},
          {"region_name", "地区", "region", Kind::kText},
          {"region_pinyin", "拼音", "pinyin", Kind::kText}};
}

std::string UnitSuffix(const std::string& unit) { return unit.empty() ? "" : " (" + unit + ")"; }

std::string Formula(const Indicator& ind) {
  if (ind.denominator.empty() && ind.factor == 1 && ind.divisor == 1) {
    return fmt::format("{} = the count {}", ind.code, ind.numerator);
  }
  std::string f = ind.numerator;
  if (!ind.denominator.empty()) f += " / " + ind.denominator;
  if (ind.factor != 1) f += fmt::format(" x {}", ind.factor);
  if (ind.divisor != 1) f += fmt::format(" / {}", ind.divisor);
  return fmt::format("{} = {}, rounded half away from zero to {} decimal{}", ind.code, f, ind.decimals,
                     ind.decimals == 1 ? "" : "s");
}

Column CountColumn(const std::string& key, const std::string& count) {
  const CountInfo* info = FindCount(count);
  return {key, info ? info->name_zh : count, (info ? info->name_en : count) + (info ? " [" + info->unit + "]" : ""),
          Kind::kInt};
}

Column ValueColumn(const Indicator& ind) {
  return {"value", ind.name_zh + (ind.unit_zh.empty() ? "" : "(" + ind.unit_zh + ")"),
          ind.name_en + UnitSuffix(ind.unit_en), Kind::kDecimal};
}

// The numerator, denominator and value cells of one evaluation.
std::vector<Cell> ValueCells(const Indicator& ind, const IndicatorValue& v) {
  std::vector<Cell> cells;
  const bool no_source = v.no_records;
  cells.push_back(no_source ? Cell::Empty("no data") : Cell::Int(v.numerator));
  if (!ind.denominator.empty()) cells.push_back(no_source ? Cell::Empty("no data") : Cell::Int(v.denominator));
  cells.push_back(ValueCell(ind, v));
  return cells;
}

void AddIndicatorNotes(Report& r, const Indicator& ind) {
  r.notes.push_back(Formula(ind));
  if (!ind.definition_en.empty()) r.notes.push_back(ind.code + ": " + ind.definition_en);
  for (const std::string& c : ind.Counts()) {
    if (const CountInfo* info = FindCount(c)) {
      r.notes.push_back(fmt::format("{}: {} [{}], from the {} records", c, info->name_en, info->unit, info->source));
    }
  }
}

// ---- indicator: one indicator drilled down -------------------------------------

Report DrillDown(const regions::RegionTree& tree, const regions::Region& region, int year, const Indicator& ind,
                 const CountTable& counts) {
  Report r = Head("indicator", ind.name_zh, ind.name_en, region, year);
  r.columns = RegionColumns();
  r.columns.push_back(CountColumn("numerator", ind.numerator));
  if (!ind.denominator.empty()) r.columns.push_back(CountColumn("denominator", ind.denominator));
  r.columns.push_back(ValueColumn(ind));
  int64_t omitted = 0;
  for (const regions::Region* c : ListedChildren(tree, region, counts, ind.Counts(), omitted)) {
    Row row;
    row.cells = RegionCells(*c);
    for (Cell& cell : ValueCells(ind, Evaluate(ind, counts, c->code))) row.cells.push_back(std::move(cell));
    r.rows.push_back(std::move(row));
  }
  Row total;
  total.total = true;
  total.cells = RegionCells(region);
  const IndicatorValue v = Evaluate(ind, counts, region.code);
  for (Cell& cell : ValueCells(ind, v)) total.cells.push_back(std::move(cell));
  r.rows.push_back(std::move(total));
  AddIndicatorNotes(r, ind);
  if (!v.scaled) r.notes.push_back(fmt::format("no data for {} in {}: {}", region.name, year, v.no_data));
  NoteOmitted(r, omitted);
  return r;
}

// ---- indicators: the whole catalogue for one region -----------------------------

Report Overview(const regions::Region& region, int year, const IndicatorCatalogue& catalogue,
                const CountTable& counts) {
  Report r = Head("indicators", "指标一览", "Indicators", region, year);
  r.columns = {{"indicator", "指标代码", "indicator", Kind::kText},
               {"name_zh", "指标", "name (zh)", Kind::kText},
               {"name_en", "名称", "name", Kind::kText},
               {"value", "数值", "value", Kind::kDecimal},
               {"unit", "单位", "unit", Kind::kText},
               {"numerator", "分子", "numerator", Kind::kInt},
               {"denominator", "分母", "denominator", Kind::kInt},
               {"no_data", "无数据原因", "why no data", Kind::kText}};
  int64_t answered = 0;
  for (const Indicator& ind : catalogue.All()) {
    const IndicatorValue v = Evaluate(ind, counts, region.code);
    const bool no_source = v.no_records;
    Row row;
    row.cells = {Cell::Text(ind.code),
                 Cell::Text(ind.name_zh),
                 Cell::Text(ind.name_en),
                 ValueCell(ind, v),
                 Cell::Text(ind.unit_en),
                 no_source ? Cell::Empty() : Cell::Int(v.numerator),
                 no_source || ind.denominator.empty() ? Cell::Empty() : Cell::Int(v.denominator),
                 v.scaled ? Cell::Empty() : Cell::Text(v.no_data)};
    if (v.scaled) ++answered;
    r.rows.push_back(std::move(row));
  }
  for (const Indicator& ind : catalogue.All()) r.notes.push_back(Formula(ind));
  r.summary = fmt::format("{} of {} indicators answered; no data for {}", answered, catalogue.All().size(),
                          catalogue.All().size() - static_cast<size_t>(answered));
  return r;
}

// ---- trend: one indicator over the years ------------------------------------------

Report Trend(db::Connection& conn, const regions::RegionTree& tree, const regions::Region& region, const Indicator& ind,
             int from, int to) {
  Report r = Head("trend", ind.name_zh + "趋势", ind.name_en + ", by year", region, to);
  r.columns = {{"year", "年份", "year", Kind::kYear}};
  r.columns.push_back(CountColumn("numerator", ind.numerator));
  if (!ind.denominator.empty()) r.columns.push_back(CountColumn("denominator", ind.denominator));
  r.columns.push_back(ValueColumn(ind));
  std::vector<int> missing;
  for (int year = from; year <= to; ++year) {
    const CountTable counts = LoadCounts(conn, tree, year, ind.Counts());
    const IndicatorValue v = Evaluate(ind, counts, region.code);
    Row row;
    row.cells = {Cell::Year(year)};
    for (Cell& cell : ValueCells(ind, v)) row.cells.push_back(std::move(cell));
    if (!v.scaled) missing.push_back(year);
    r.rows.push_back(std::move(row));
  }
  AddIndicatorNotes(r, ind);
  if (!missing.empty()) r.notes.push_back(fmt::format("no data for {}", YearRanges(missing)));
  r.summary = fmt::format("{}, {} ({}): {}–{}", ind.code, region.name, region.code, from, to);
  return r;
}

// ---- coverage and logistics: counts and ratios by child region --------------------

struct Measure {
  Column column;
  std::string count;  // a count, or "" for a ratio
  const Indicator* ratio = nullptr;
};

// `head` (Head()) filled with a row per listed child of `region` and its total row.
Report ByRegion(Report head, const regions::RegionTree& tree, const regions::Region& region, const CountTable& counts,
                const std::vector<Measure>& measures) {
  Report r = std::move(head);
  r.columns = RegionColumns();
  std::vector<std::string> keys;
  for (const Measure& m : measures) {
    r.columns.push_back(m.column);
    if (!m.count.empty()) keys.push_back(m.count);
  }
  auto row_of = [&](const regions::Region& at, bool total) {
    Row row;
    row.total = total;
    row.cells = RegionCells(at);
    for (const Measure& m : measures) {
      if (m.ratio) {
        row.cells.push_back(ValueCell(*m.ratio, Evaluate(*m.ratio, counts, at.code)));
      } else if (!counts.Available(m.count)) {
        row.cells.push_back(Cell::Empty("no data"));
      } else if (m.column.kind == Kind::kDecimal) {  // fen shown as yuan
        row.cells.push_back(Cell::Decimal(counts.Value(m.count, at.code), 2));
      } else {
        row.cells.push_back(Cell::Int(counts.Value(m.count, at.code)));
      }
    }
    return row;
  };
  int64_t omitted = 0;
  for (const regions::Region* c : ListedChildren(tree, region, counts, keys, omitted))
    r.rows.push_back(row_of(*c, false));
  r.rows.push_back(row_of(region, true));
  NoteOmitted(r, omitted);
  return r;
}

const Indicator& BuiltInIndicator(const char* code) {
  const Indicator* ind = IndicatorCatalogue::BuiltIn().Find(code);
  if (!ind) {
    std::fprintf(stderr, "built-in indicator catalogue: no %s\n", code);
    std::abort();
  }
  return *ind;
}

Report Coverage(const regions::RegionTree& tree, const regions::Region& region, int year, const CountTable& counts) {
  const Indicator& stations = BuiltInIndicator("station_coverage");
  const Indicator& points = BuiltInIndicator("point_coverage");
  Report r =
      ByRegion(Head("coverage", "电商物流服务覆盖", "Service coverage", region, year), tree, region, counts,
               {{{"townships", "乡镇", "townships", Kind::kInt}, "townships"},
                {{"townships_with_station", "有服务站乡镇", "with a station", Kind::kInt}, "townships_with_station"},
                {{"station_coverage", "服务站覆盖率%", "station coverage %", Kind::kDecimal}, "", &stations},
                {{"registered_poor_villages", "贫困村", "poor villages", Kind::kInt}, "registered_poor_villages"},
                {{"registered_poor_villages_with_point", "有服务点贫困村", "with a point", Kind::kInt},
                 "registered_poor_villages_with_point"},
                {{"point_coverage", "服务点覆盖率%", "point coverage %", Kind::kDecimal}, "", &points},
                {{"service_centers", "县级服务中心", "centers", Kind::kInt}, "service_centers"},
                {{"stations", "乡镇服务站", "stations", Kind::kInt}, "stations"},
                {{"village_points", "村级服务点", "points", Kind::kInt}, "village_points"}});
  r.notes.insert(r.notes.begin(),
                 {fmt::format("facilities open at the end of {} (opened on or before {}-12-31 and not closed by then)",
                              year, year),
                  "townships: towns and townships (镇, 乡), subdistricts (街道) left out",
                  fmt::format("poor villages: registered poor villages, status poor or exited in {}", year),
                  Formula(stations), Formula(points)});
  return r;
}

Report Logistics(const regions::RegionTree& tree, const regions::Region& region, int year, const CountTable& counts) {
  const Indicator& door = BuiltInIndicator("door_service_share");
  const Indicator& per_parcel = BuiltInIndicator("logistics_cost_per_parcel");
  Report r =
      ByRegion(Head("logistics", "农村物流共同配送", "Joint distribution", region, year), tree, region, counts,
               {{{"planned_village_days", "计划村次", "village-days", Kind::kInt}, "planned_village_days"},
                {{"village_days_on_route", "送达到村村次", "on a route", Kind::kInt}, "village_days_on_route"},
                {{"door_service_share", "送达到村比例%", "served on a route %", Kind::kDecimal}, "", &door},
                {{"planned_parcels", "包裹", "parcels", Kind::kInt}, "planned_parcels"},
                {{"logistics_cost_yuan", "物流成本(元)", "cost (yuan)", Kind::kDecimal}, "logistics_cost_fen"},
                {{"cost_per_parcel_yuan", "单件成本(元)", "cost per parcel (yuan)", Kind::kDecimal}, "", &per_parcel}});
  r.notes.insert(
      r.notes.begin(),
      {fmt::format("the daily joint-distribution plans stored for dates in {} (fupin plan routes)", year),
       "a village-day: a village with parcels in one day's plan; on a route: served by a tour, else "
       "fetched from the township station",
       "cost: the plans' route and center costs shared out to the villages", Formula(door), Formula(per_parcel)});
  return r;
}

// ---- ecommerce-scale: the paper's Table 1 ------------------------------------------

Result<Report> EcommerceScale(const regions::Region& region, int year, const CountTable& counts) {
  Report r = Head("ecommerce-scale", "电子商务发展规模", "E-commerce scale", region, year);
  r.columns = {{"region", "地区", "region", Kind::kText},
               {"source", "来源", "source", Kind::kText},
               {"service_centers", "县级服务中心", "service centers", Kind::kInt},
               {"service_stations", "乡镇服务站", "service stations", Kind::kInt},
               {"service_points", "村级服务点", "service points", Kind::kInt},
               {"shops", "网店/网点", "shops or outlets", Kind::kInt},
               {"transaction_volume_100m_yuan", "交易额(亿元)", "volume (100 million yuan)", Kind::kDecimal},
               {"note", "说明", "note", Kind::kText}};
  r.sections = {{"records", "由平台记录计算", "computed from the records"},
                {"reference", "论文表1（参考）", "the paper's Table 1, for reference"}};
  auto count = [&](const char* name) {
    return counts.Available(name) ? Cell::Int(counts.Value(name, region.code)) : Cell::Empty("no data");
  };
  Row own;
  own.section = "records";
  // fen to 100 million yuan, two decimals: / 10^8 (fen) / 10^2, rounded half up.
  Cell volume = Cell::Empty("no data");
  if (counts.Available("transaction_volume_fen")) {
    const int64_t fen = counts.Value("transaction_volume_fen", region.code);
    volume = Cell::Decimal((fen + 50000000) / 100000000, 2);
  }
  own.cells = {Cell::Text(region.name_en.empty() ? region.name : region.name + " " + region.name_en),
               Cell::Text(fmt::format("records, {}", year)),
               count("service_centers"),
               count("stations"),
               count("village_points"),
               count("outlets"),
               volume,
               Cell::Text("facilities and outlets open at the end of the year; orders paid that year, not refunded")};
  r.rows.push_back(std::move(own));

  csv::Reader reader(embedded::Table1Csv());
  bool header = true;
  while (true) {
    auto record = reader.Next();
    if (!record) return record.error();
    if (!*record) break;
    const std::vector<std::string>& f = (*record)->fields;
    if (header) {
      header = false;
      continue;
    }
    if (f.size() < 7) return Error::Internal("the paper's Table 1 has a short row");
    auto number = [](const std::string& s) {
      auto v = text::ParseInt64(s);
      return v ? Cell::Int(*v) : Cell::Empty();
    };
    auto fixed = text::ParseFixed(f[5], 2);
    Row row;
    row.section = "reference";
    row.cells = {Cell::Text(f[0]),
                 Cell::Text(fmt::format("the paper, Table 1 ({})", kTable1Year)),
                 number(f[1]),
                 number(f[2]),
                 number(f[3]),
                 number(f[4]),
                 fixed ? Cell::Decimal(*fixed, 2) : Cell::Empty(),
                 Cell::Text(f[6])};
    r.rows.push_back(std::move(row));
  }
  r.notes = {
      "records: computed from this database; reference: as published in the paper's Table 1 (e-commerce scale of "
      "Linxia and major Gansu cities), not computed, kept with the paper's own inconsistencies (see the note column)",
      "shops: for the records, village e-commerce outlets; the paper counts e-commerce companies or shops (for "
      "Linxia, its text calls the 800 'network outlets')",
      "an empty reference cell: the paper gives no figure",
  };
  if (year != kTable1Year) {
    r.notes.push_back(fmt::format("the records are for {}, the reference rows for {}", year, kTable1Year));
  }
  return r;
}

Result<int> CheckYearRange(std::optional<int> y, int fallback, const char* field) {
  const int v = y.value_or(fallback);
  if (v < kFirstYear || v > kLastYear) {
    return Error::Invalid(
        fmt::format("{} {} is out of range: give a year from {} to {}", field, v, kFirstYear, kLastYear), field);
  }
  return v;
}

}  // namespace

const std::vector<std::string>& IndicatorReportNames() {
  static const std::vector<std::string> names = {"indicator", "indicators", "trend",
                                                 "coverage",  "logistics",  "ecommerce-scale"};
  return names;
}

bool IsIndicatorReport(std::string_view name) {
  const auto& names = IndicatorReportNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

Result<Report> BuildIndicatorReport(db::Connection& conn, const regions::RegionTree& tree,
                                    const IndicatorQuery& query) {
  if (!IsIndicatorReport(query.report)) {
    return Error::Invalid(
        fmt::format("unknown report '{}'; valid reports: {}", query.report, fmt::join(IndicatorReportNames(), ", ")),
        "report");
  }
  const IndicatorCatalogue& catalogue = query.catalogue ? *query.catalogue : IndicatorCatalogue::BuiltIn();
  const Indicator* ind = nullptr;
  const bool needs_indicator = query.report == "indicator" || query.report == "trend";
  if (needs_indicator) {
    if (query.indicator.empty()) {
      std::string codes;
      for (const Indicator& i : catalogue.All()) codes += (codes.empty() ? "" : ", ") + i.code;
      return Error::Invalid(fmt::format("the {} report needs an indicator; valid indicators: {}", query.report, codes),
                            "indicator");
    }
    auto found = catalogue.Get(query.indicator);
    if (!found) return found.error();
    ind = *found;
  } else if (!query.indicator.empty()) {
    return Error::Invalid(fmt::format("the {} report takes no indicator (indicator and trend do)", query.report),
                          "indicator");
  }
  if (query.report != "trend" && (query.from || query.to)) {
    return Error::Invalid("from and to go with the trend report only", query.from ? "from" : "to");
  }
  if (query.report == "trend" && query.year) {
    return Error::Invalid("the trend report takes from and to, not year", "year");
  }
  auto region = ResolveReportRegion(tree, query.region);
  if (!region) return region.error();

  if (query.report == "trend") {
    std::vector<int> years = registry::YearsWithData(conn);
    if (years.empty() && (!query.from || !query.to)) {
      return Error::NotFound(
          "no registry data in the database to choose the years from; give from and to, or "
          "load data with fupin demo or fupin import registry");
    }
    auto from = CheckYearRange(query.from, years.empty() ? 0 : years.front(), "from");
    if (!from) return from.error();
    auto to = CheckYearRange(query.to, years.empty() ? 0 : years.back(), "to");
    if (!to) return to.error();
    if (*from > *to) return Error::Invalid(fmt::format("from {} is after to {}", *from, *to), "from");
    return Trend(conn, tree, **region, *ind, *from, *to);
  }

  int year = 0;
  if (query.report == "ecommerce-scale" && !query.year) {
    year = kTable1Year;
  } else {
    auto resolved = ResolveReportYear(conn, query.year);
    if (!resolved) {
      Error e = resolved.error();
      if (query.year) e = Error::Invalid(e.message, "year");
      return e;
    }
    year = *resolved;
  }
  if (query.report == "indicator") {
    return DrillDown(tree, **region, year, *ind, LoadCounts(conn, tree, year, ind->Counts()));
  }
  if (query.report == "indicators") {
    return Overview(**region, year, catalogue, LoadCounts(conn, tree, year, catalogue.Counts()));
  }
  if (query.report == "coverage") {
    return Coverage(
        tree, **region, year,
        LoadCounts(conn, tree, year,
                   {"townships", "townships_with_station", "registered_poor_villages",
                    "registered_poor_villages_with_point", "service_centers", "stations", "village_points"}));
  }
  if (query.report == "logistics") {
    return Logistics(
        tree, **region, year,
        LoadCounts(conn, tree, year,
                   {"planned_village_days", "village_days_on_route", "planned_parcels", "logistics_cost_fen"}));
  }
  return EcommerceScale(
      **region, year,
      LoadCounts(conn, tree, year,
                 {"service_centers", "stations", "village_points", "outlets", "transaction_volume_fen"}));
}

}  // namespace fupin::reports
