#include "reports/paper_check.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <regex>
#include <unordered_map>

#include <fmt/format.h>

#include "base/csv.h"
#include "base/embedded_data.h"
#include "base/text.h"
#include "registry/reference.h"
#include "registry/stats.h"

namespace fupin::reports {
namespace {

enum class Outcome { kMatch, kMismatch, kNotComparable, kNotAnswerable };

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kMatch: return "match";
    case Outcome::kMismatch: return "mismatch";
    case Outcome::kNotComparable: return "not comparable";
    case Outcome::kNotAnswerable: return "not answerable";
  }
  return "not answerable";
}

// What the records say about one figure.
struct Check {
  Cell computed;
  Outcome outcome = Outcome::kNotAnswerable;
  std::string reason;
};

Check NotAnswerable(std::string reason) { return Check{Cell::Empty(), Outcome::kNotAnswerable, std::move(reason)}; }

Check CompareCount(const Cell& published, int64_t computed, const std::string& basis) {
  if (published.type != Cell::Type::kInt) return NotAnswerable("the published value is not a whole number");
  int64_t diff = computed - published.number;
  if (diff == 0) return Check{Cell::Int(computed), Outcome::kMatch, basis};
  return Check{Cell::Int(computed), Outcome::kMismatch,
               fmt::format("records give {} {} than published; computed as: {}", text::Grouped(std::llabs(diff)),
                           diff > 0 ? "more" : "fewer", basis)};
}

// Incidences are compared in hundredths of a percent (two decimals, rounded half up).
Check CompareIncidence(const Cell& published, const registry::Incidence& incidence, const std::string& basis) {
  if (published.type != Cell::Type::kPercent) return NotAnswerable("the published value is not a percentage");
  auto h = incidence.Hundredths();
  if (!h) return NotAnswerable(fmt::format("no registered rural population; computed as: {}", basis));
  int64_t diff = *h - published.number;
  if (diff == 0) return Check{Cell::Percent(*h), Outcome::kMatch, basis};
  return Check{Cell::Percent(*h), Outcome::kMismatch,
               fmt::format("records give {} percentage points {} than published; computed as: {}",
                           text::FormatFixed(std::llabs(diff), 2), diff > 0 ? "more" : "less", basis)};
}

// How a published figure is read: exactly, as a lower bound ("more than"),
// or approximately ("about": within 4 %).
enum class Reading { kExact, kAtLeast, kAbout };

Reading ReadingOf(const std::string& note) {
  if (note.find("lower bound") != std::string::npos) return Reading::kAtLeast;
  if (note.find("about") != std::string::npos) return Reading::kAbout;
  return Reading::kExact;
}

const char* ReadingText(Reading r) {
  switch (r) {
    case Reading::kExact: return "compared exactly";
    case Reading::kAtLeast: return "the paper's figure is a lower bound: the records match when they reach it";
    case Reading::kAbout: return "the paper says about: the records match within 4 % of it";
  }
  return "";
}

// `computed` and `published` in the same unit (hundredths of a yuan for money).
bool Agrees(Reading r, int64_t computed, int64_t published) {
  switch (r) {
    case Reading::kExact: return computed == published;
    case Reading::kAtLeast: return computed >= published;
    case Reading::kAbout: return std::llabs(computed - published) * 100 <= std::llabs(published) * 4;
  }
  return false;
}

// A count or a number of kilograms against the published whole number.
Check CompareReading(const Cell& published, int64_t computed, Reading reading, const std::string& basis) {
  if (published.type != Cell::Type::kInt) return NotAnswerable("the published value is not a whole number");
  std::string why = fmt::format("{}; {}", basis, ReadingText(reading));
  if (Agrees(reading, computed, published.number)) return Check{Cell::Int(computed), Outcome::kMatch, why};
  int64_t diff = computed - published.number;
  return Check{Cell::Int(computed), Outcome::kMismatch,
               fmt::format("records give {} {} than published; computed as: {}", text::Grouped(std::llabs(diff)),
                           diff > 0 ? "more" : "fewer", why)};
}

// Yuan: the published whole yuan against fen computed (shown rounded to the yuan).
Check CompareYuan(const Cell& published, int64_t computed_fen, Reading reading, const std::string& basis) {
  if (published.type != Cell::Type::kInt) return NotAnswerable("the published value is not a whole number");
  const int64_t shown = (computed_fen + (computed_fen >= 0 ? 50 : -50)) / 100;
  std::string why = fmt::format("{} ({} yuan); {}", basis, text::FormatFixed(computed_fen, 2), ReadingText(reading));
  if (Agrees(reading, computed_fen, published.number * 100)) return Check{Cell::Int(shown), Outcome::kMatch, why};
  int64_t diff = computed_fen - published.number * 100;
  return Check{Cell::Int(shown), Outcome::kMismatch,
               fmt::format("records give {} yuan {} than published; computed as: {}",
                           text::FormatFixed(std::llabs(diff), 2), diff > 0 ? "more" : "less", why)};
}

// The published value as a cell: "42.2" percent → 4220 hundredths; "2.2"
// million people → 2,200,000 (and the unit becomes "people"); a whole number
// → an int; anything else → text.
Cell PublishedCell(const std::string& value, std::string& unit) {
  if (unit == "percent") {
    if (auto h = text::ParseFixed(value, 2)) return Cell::Percent(*h);
  } else if (unit.starts_with("million ")) {
    if (auto v = text::ParseFixed(value, 6)) {
      unit = unit.substr(8);
      return Cell::Int(*v);
    }
  } else if (auto v = text::ParseInt64(value)) {
    return Cell::Int(*v);
  }
  return Cell::Text(value);
}

// A CSV file read into rows of named fields.
class Table {
 public:
  static Result<Table> Parse(std::string_view csv_text, const char* file, std::vector<std::string> needed) {
    Table t;
    csv::Reader reader(csv_text);
    bool header = true;
    while (true) {
      auto next = reader.Next();
      if (!next) return Error::Internal(fmt::format("{}: {}", file, next.error().message));
      if (!*next) break;
      if (header) {
        header = false;
        for (size_t i = 0; i < (*next)->fields.size(); ++i) t.index_[(*next)->fields[i]] = i;
        for (const std::string& column : needed) {
          if (!t.index_.contains(column)) return Error::Internal(fmt::format("{} has no column {}", file, column));
        }
        continue;
      }
      t.rows_.push_back(std::move((*next)->fields));
    }
    return t;
  }
  size_t size() const { return rows_.size(); }
  std::string Get(size_t row, const std::string& column) const {
    auto it = index_.find(column);
    if (it == index_.end() || it->second >= rows_[row].size()) return {};
    return rows_[row][it->second];
  }

 private:
  std::unordered_map<std::string, size_t> index_;
  std::vector<std::vector<std::string>> rows_;
};

// How the paper's registry figures are read (the project's settled interpretation).
enum class Measure {
  kPoor,
  kIncidence,
  kDeepPoor,
  kDeepIncidence,
  kDeepVillages,
  kDeepVillagesPoor,
  kDeepVillagesNonpoor,
  kExitedVillages,
  kPoorVillages,
};

struct Rule {
  std::string_view key;
  int year;  // 0: any year
  Measure measure;
  std::string_view basis;
};

// First match wins: the 2016 rules come before the general ones.
constexpr Rule kRules[] = {
    {"poor_people", 2016, Measure::kDeepPoor,
     "members of poor households in the deep-poverty villages (the paper's 2016 figures describe the deep-poverty "
     "villages)"},
    {"poverty_incidence", 2016, Measure::kDeepIncidence,
     "poor people / registered rural population of the deep-poverty villages (the paper's 2016 figures describe "
     "the deep-poverty villages)"},
    {"deep_poverty_villages", 0, Measure::kDeepVillages, "villages flagged deep poverty"},
    {"deep_poverty_villages_poor", 0, Measure::kDeepVillagesPoor, "deep-poverty villages with register status poor"},
    {"deep_poverty_villages_nonpoor", 0, Measure::kDeepVillagesNonpoor,
     "deep-poverty villages without register status poor"},
    {"villages_lifted_by_2018", 0, Measure::kExitedVillages, "villages with register status exited"},
    {"impoverished_villages_remaining", 0, Measure::kPoorVillages, "villages with register status poor"},
    {"poor_people", 0, Measure::kPoor, "members of poor households in all villages of the prefecture"},
    {"poverty_incidence", 0, Measure::kIncidence,
     "poor people / registered rural population of the prefecture"},
};

// Figures of the paper the records cannot answer, and why.
constexpr std::pair<std::string_view, std::string_view> kNotRecorded[] = {
    {"area", "the records hold no areas: the region tree has codes and names, not boundaries"},
    {"minority_share", "the registry records no ethnicity"},
    {"poverty_incidence_national", "the records cover Linxia only"},
    {"demonstration_counties", "the platform records no demonstration-county designations"},
    {"incubator_parks", "the platform records no incubator parks"},
    {"incubator_enterprises", "the platform records no incubator parks"},
    {"questionnaires", "no survey records yet"},
};

// Township-level units that are not subdistricts (街道): the paper's 124 townships.
bool IsRuralTownship(const regions::Region& r) {
  return r.level == regions::Level::kTownship &&
         (r.kind == "town" || r.kind == "township" || r.kind == "ethnic_township");
}

class Checker {
 public:
  explicit Checker(const PaperCheckInput& in) : in_(in), root_(*in.tree->Root()) {
    for (const auto& entry : in.years) years_.push_back(entry.first);
  }

  // A row of headline_figures.csv.
  Check Headline(const std::string& key, const std::string& year_text, const std::string& scope,
                 const Cell& published, const std::string& note) const {
    for (const auto& [k, reason] : kNotRecorded) {
      if (k == key) return NotAnswerable(std::string(reason));
    }
    if (IsMarketFigure(key)) return Market(key, year_text, scope, published, ReadingOf(note));
    if (IsFacilityFigure(key)) {
      if (scope != "Linxia prefecture") return NotAnswerable("the network's figures are read for the prefecture");
      if (!in_.any_facilities) return NotAnswerable("no logistics facility records");
      auto it = in_.facilities.find({key, year_text});
      if (it == in_.facilities.end()) return NotAnswerable("the network's figures for this year were not read");
      return CompareCount(published, it->second.first, it->second.second);
    }
    if (key == "county_level_units") {
      int64_t n = 0;
      for (const regions::Region* c : in_.tree->Children(root_.code)) n += c->level == regions::Level::kCounty;
      return CompareCount(published, n, "county-level units under the prefecture in the region tree");
    }
    if (key == "townships") {
      int64_t n = 0;
      for (const regions::Region* r : in_.tree->Subtree(root_.code)) n += IsRuralTownship(*r);
      return CompareCount(published, n,
                          "towns and townships (镇, 乡, 民族乡; subdistricts 街道 excluded) in the region tree, "
                          "which holds the NBS 2023 divisions; the paper counts those of 2018");
    }
    if (key == "population") {
      const PovertyBreakdown* b = Year(in_.year);
      if (!b) return NotAnswerable(NoData(in_.year));
      return Check{Cell::Int(b->total.population), Outcome::kNotComparable,
                   fmt::format("the registry holds the registered rural population only (shown: {}); the paper's "
                               "figure is the total population, towns included",
                               in_.year)};
    }
    if (scope != "Linxia prefecture") return NotAnswerable("no rule computes this figure from the records");
    auto year = text::ParseInt64(year_text);
    for (const Rule& rule : kRules) {
      if (rule.key != key || (rule.year != 0 && (!year || *year != rule.year))) continue;
      if (!year) return NotAnswerable("the figure has no year");
      const PovertyBreakdown* b = Year(static_cast<int>(*year));
      if (!b) return NotAnswerable(NoData(static_cast<int>(*year)));
      std::string basis = fmt::format("{}, {}", rule.basis, *year);
      const PovertyFigures& f = b->total;
      switch (rule.measure) {
        case Measure::kPoor: return CompareCount(published, f.poor, basis);
        case Measure::kIncidence: return CompareIncidence(published, f.incidence(), basis);
        case Measure::kDeepPoor: return CompareCount(published, f.deep_poverty_poor, basis);
        case Measure::kDeepIncidence: return CompareIncidence(published, f.deep_poverty_incidence(), basis);
        case Measure::kDeepVillages: return CompareCount(published, f.deep_poverty_villages, basis);
        case Measure::kDeepVillagesPoor: return CompareCount(published, f.deep_poverty_villages_poor, basis);
        case Measure::kDeepVillagesNonpoor: return CompareCount(published, f.deep_poverty_villages_nonpoor(), basis);
        case Measure::kExitedVillages: return CompareCount(published, f.exited_villages, basis);
        case Measure::kPoorVillages: return CompareCount(published, f.poor_villages, basis);
      }
    }
    return NotAnswerable("no rule computes this figure from the records");
  }

  // The e-commerce figures: outlets, orders and the benefit ledger of a period in a region.
  Check Market(const std::string& key, const std::string& period, const std::string& scope, const Cell& published,
               Reading reading) const {
    const regions::Region* region = ScopeRegion(*in_.tree, scope);
    if (!region) return NotAnswerable(fmt::format("'{}' names no region of the tree", scope));
    auto it = in_.market.find({period, region->code});
    if (it == in_.market.end()) return NotAnswerable("the marketplace's figures for this period were not read");
    const MarketFigures& f = it->second;
    const bool root = region == in_.tree->Root();
    if (key == "network_outlets") {
      if (!f.any_outlets) return NotAnswerable("no village outlet records");
      return CompareReading(published, f.outlets, reading,
                            fmt::format("village outlets of {} opened by the end of {}", region->name, period));
    }
    if (!f.any_orders) return NotAnswerable("no e-commerce records (orders)");
    const std::string orders =
        root ? fmt::format("orders paid in {} and not refunded", period)
             : fmt::format("the lines of {}'s suppliers on orders paid in {} and not refunded", region->name, period);
    if (key == "ecommerce_transaction_volume") {
      return CompareYuan(published, f.volume_fen, reading, fmt::format("the line amounts of {}", orders));
    }
    if (key == "bingtangxin_apples_sold_online") {
      return CompareReading(published, f.apples_kg, reading,
                            fmt::format("kilograms of products named 冰糖心 (Bingtangxin apples) on {}", orders));
    }
    if (key == "lilies_sold_online") {
      return CompareReading(published, f.lilies_kg, reading,
                            fmt::format("kilograms of products named 百合 (lilies) on {}", orders));
    }
    if (key == "offline_retail_products_sold_online") {
      return CompareYuan(published, f.outlet_goods_fen, reading,
                         fmt::format("goods taken in at the village outlets of {} and sold online: units allocated "
                                     "from their lots × unit price, orders paid in {} and not refunded",
                                     region->name, period));
    }
    if (!f.any_ledger) return NotAnswerable("no benefit ledger records");
    const std::string households = fmt::format(
        "registered poor households of {} (status poor, exited or monitored in {}) with net benefit-ledger credits "
        "above zero from orders paid in {} (refunds netted out)",
        region->name, period.substr(0, 4), period);
    if (key == "poor_households_helped") return CompareReading(published, f.poor_households, reading, households);
    if (key == "income_increase_per_household") {
      if (f.poor_households == 0) return NotAnswerable(fmt::format("no {}", households));
      // The mean in fen, rounded half up.
      const int64_t mean = (2 * f.gain_fen + f.poor_households) / (2 * f.poor_households);
      return CompareYuan(published, mean, reading,
                         fmt::format("the mean gain (credit − local value) of the {} {}", f.poor_households,
                                     households));
    }
    return NotAnswerable("no rule computes this figure from the records");
  }

  // The figures of `code` (the prefecture or one of its counties) in `year`; nullptr if none.
  const PovertyFigures* Figures(const std::string& code, int year) const {
    const PovertyBreakdown* b = Year(year);
    if (!b) return nullptr;
    return code == root_.code ? &b->total : b->Child(code);
  }

  Check PoorPopulation(const regions::Region& region, int year, const Cell& published) const {
    if (!Year(year)) return NotAnswerable(NoData(year));
    const PovertyFigures* f = Figures(region.code, year);
    if (!f) return NotAnswerable("the records aggregate the prefecture and its counties only");
    return CompareCount(published, f->poor,
                        fmt::format("members of poor households in all villages of {}, {}", region.name, year));
  }

  Check Incidence(const regions::Region& region, int year, const Cell& published) const {
    if (!Year(year)) return NotAnswerable(NoData(year));
    const PovertyFigures* f = Figures(region.code, year);
    if (!f) return NotAnswerable("the records aggregate the prefecture and its counties only");
    return CompareIncidence(published, f->incidence(),
                            fmt::format("poor people / registered rural population of {}, {}", region.name, year));
  }

  // The year the county's incidence first falls below the county threshold,
  // over all years with data, against the year of its exit batch.
  Check CountyExit(const regions::Region& county, int batch_year, const std::string& cited) const {
    if (county.level != regions::Level::kCounty) return NotAnswerable("exit years are computed for counties only");
    std::vector<std::pair<int, registry::Incidence>> series;
    bool any = false;
    for (const auto& [year, breakdown] : in_.years) {
      const PovertyFigures* f = breakdown.Child(county.code);
      registry::Incidence inc = f ? f->incidence() : registry::Incidence{};
      any = any || inc.population > 0;
      series.emplace_back(year, inc);
    }
    if (!any) return NotAnswerable(fmt::format("no registry data for {} in any year", county.name));
    const std::string threshold = text::FormatFixed(in_.county_exit_threshold, 2);
    std::optional<int> exit = registry::ExitYear(series, in_.county_exit_threshold);
    if (!exit) {
      // The lowest incidence, to say how far the county is from the threshold.
      std::pair<int, int64_t> lowest{0, -1};
      for (const auto& [year, inc] : series) {
        auto h = inc.Hundredths();
        if (h && (lowest.second < 0 || *h <= lowest.second)) lowest = {year, *h};
      }
      return Check{Cell::Empty("never"), Outcome::kMismatch,
                   fmt::format("incidence never below {} % in {} (lowest {} % in {}); cited: {}", threshold,
                               YearRanges(years_), text::FormatFixed(lowest.second, 2), lowest.first, cited)};
    }
    std::string at;
    for (const auto& [year, inc] : series) {
      if (year == *exit) at = inc.Percent();
    }
    std::string basis = fmt::format("incidence first below {} % in {} ({} %); cited: {}", threshold, *exit, at, cited);
    if (*exit == batch_year) return Check{Cell::Year(*exit), Outcome::kMatch, basis};
    int gap = std::abs(*exit - batch_year);
    return Check{Cell::Year(*exit), Outcome::kMismatch,
                 fmt::format("records give {}, {} year{} {} than the {} batch; {}", *exit, gap, gap == 1 ? "" : "s",
                             *exit < batch_year ? "earlier" : "later", batch_year, basis)};
  }

  std::string NoData(int year) const {
    return fmt::format("no registry data for {} (years with data: {})", year, YearRanges(years_));
  }

 private:
  const PovertyBreakdown* Year(int year) const {
    auto it = in_.years.find(year);
    return it == in_.years.end() ? nullptr : &it->second;
  }

  const PaperCheckInput& in_;
  const regions::Region& root_;
  std::vector<int> years_;
};

Row MakeRow(const char* section, const std::string& figure, const std::string& year, const std::string& scope,
            const std::string& unit, const Cell& published, const Check& check, const std::string& source) {
  Row row;
  row.section = section;
  row.cells = {Cell::Text(figure), Cell::Text(year), Cell::Text(scope), Cell::Text(unit), published, check.computed,
               Cell::Text(OutcomeName(check.outcome)), Cell::Text(source), Cell::Text(check.reason)};
  return row;
}

// "2017 exit batch, approved …" → 2017; otherwise the row's year.
std::optional<int> BatchYear(const std::string& note, const std::string& year) {
  static const std::regex kBatch(R"((\d{4}) exit batch)");
  std::smatch m;
  if (std::regex_search(note, m, kBatch)) return std::stoi(m[1].str());
  if (auto y = text::ParseInt64(year)) return static_cast<int>(*y);
  return std::nullopt;
}

}  // namespace

const regions::Region* ScopeRegion(const regions::RegionTree& tree, std::string_view scope) {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
  };
  const regions::Region* root = tree.Root();
  if (!root) return nullptr;
  if (lower(scope) == "linxia prefecture") return root;
  for (const regions::Region* c : tree.Children(root->code)) {
    if (c->level == regions::Level::kCounty && lower(c->name_en) == lower(scope)) return c;
  }
  return nullptr;
}

bool IsMarketFigure(std::string_view key) {
  static constexpr std::string_view kKeys[] = {
      "network_outlets",    "ecommerce_transaction_volume",        "bingtangxin_apples_sold_online",
      "lilies_sold_online", "offline_retail_products_sold_online", "poor_households_helped",
      "income_increase_per_household"};
  return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

bool IsFacilityFigure(std::string_view key) {
  static constexpr std::string_view kKeys[] = {"ecommerce_service_centers", "ecommerce_service_stations",
                                               "new_township_stations", "new_village_stations",
                                               "poverty_stricken_villages_covered"};
  return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

std::pair<int64_t, std::string> LoadFacilityFigure(db::Connection& conn, std::string_view key, int year) {
  const std::string first = fmt::format("{:04d}-01-01", year);
  const std::string last = fmt::format("{:04d}-12-31", year);
  auto count = [&](const char* sql, std::vector<std::string> args) {
    auto st = conn.Prepare(sql);
    for (size_t i = 0; i < args.size(); ++i) st->Bind(static_cast<int>(i + 1), args[i]);
    return st->Step() ? st->Int(0) : int64_t{0};
  };
  const char* open_at_end =
      "SELECT COUNT(*) FROM logistics_facilities WHERE tier = ? AND opened_on <= ? AND (closed_on IS NULL OR "
      "closed_on > ?)";
  const char* opened_in =
      "SELECT COUNT(*) FROM logistics_facilities WHERE tier = ? AND opened_on >= ? AND opened_on <= ?";
  if (key == "ecommerce_service_centers") {
    return {count(open_at_end, {"center", last, last}),
            fmt::format("county service centers open at the end of {} (logistics facilities)", year)};
  }
  if (key == "ecommerce_service_stations") {
    return {count(open_at_end, {"station", last, last}),
            fmt::format("township service stations open at the end of {} (logistics facilities)", year)};
  }
  if (key == "new_township_stations") {
    return {count(opened_in, {"station", first, last}),
            fmt::format("township service stations opened in {} (logistics facilities)", year)};
  }
  if (key == "new_village_stations") {
    return {count(opened_in, {"point", first, last}),
            fmt::format("village service points opened in {} (logistics facilities)", year)};
  }
  auto st = conn.Prepare(
      "SELECT COUNT(DISTINCT f.serves_region_code) FROM logistics_facilities f JOIN village_years y ON "
      "y.village_code = f.serves_region_code AND y.year = ? AND y.status IN ('poor', 'exited') WHERE f.tier = "
      "'point' AND f.opened_on <= ? AND (f.closed_on IS NULL OR f.closed_on > ?)");
  st->Bind(1, year).Bind(2, last).Bind(3, last);
  const int64_t covered = st->Step() ? st->Int(0) : 0;
  return {covered, fmt::format("registered poor villages (poor or exited in {}) with a village service point open "
                               "at the end of {}",
                               year, year)};
}

MarketFigures LoadMarketFigures(db::Connection& conn, const regions::RegionTree& tree, std::string_view period,
                                const regions::Region& region) {
  MarketFigures f;
  // The period as a half-open range of ISO times: "2016" → [2016-01-01, 2017-01-01).
  const int year = std::stoi(std::string(period.substr(0, 4)));
  std::string from, to;
  if (period.size() == 7) {
    const int month = std::stoi(std::string(period.substr(5, 2)));
    from = fmt::format("{:04d}-{:02d}-01", year, month);
    to = month == 12 ? fmt::format("{:04d}-01-01", year + 1) : fmt::format("{:04d}-{:02d}-01", year, month + 1);
  } else {
    from = fmt::format("{:04d}-01-01", year);
    to = fmt::format("{:04d}-01-01", year + 1);
  }
  // A county's figures: its own lines, outlets and households; the root's: all.
  const std::string county = tree.Root() && region.code == tree.Root()->code ? std::string() : region.code;
  auto one = [&](const std::string& sql, std::vector<std::string> texts, int64_t* a, int64_t* b = nullptr,
                 int64_t* c = nullptr) {
    auto st = conn.Prepare(sql);
    for (size_t i = 0; i < texts.size(); ++i) st->Bind(static_cast<int>(i + 1), texts[i]);
    if (st->Step()) {
      if (a) *a = st->IsNull(0) ? 0 : st->Int(0);
      if (b) *b = st->IsNull(1) ? 0 : st->Int(1);
      if (c) *c = st->IsNull(2) ? 0 : st->Int(2);
    }
    st->Run();
  };
  f.any_orders = db::QueryInt(conn, "SELECT COUNT(*) FROM (SELECT 1 FROM orders LIMIT 1) t").value_or(0) > 0;
  f.any_ledger = db::QueryInt(conn, "SELECT COUNT(*) FROM (SELECT 1 FROM ledger LIMIT 1) t").value_or(0) > 0;
  f.any_outlets = db::QueryInt(conn, "SELECT COUNT(*) FROM (SELECT 1 FROM outlets LIMIT 1) t").value_or(0) > 0;
  one("SELECT COUNT(*) FROM outlets WHERE created_at < ? AND (? = '' OR county_code = ?)", {to, county, county},
      &f.outlets);
  one("SELECT SUM(ol.amount_fen), SUM(CASE WHEN p.name LIKE ? AND p.unit = 'kg' THEN ol.quantity ELSE 0 END), "
      "SUM(CASE WHEN p.name LIKE ? AND p.unit = 'kg' THEN ol.quantity ELSE 0 END) "
      "FROM orders o JOIN order_lines ol ON ol.order_id = o.order_id JOIN products p ON p.product_id = ol.product_id "
      "WHERE o.paid_at >= ? AND o.paid_at < ? AND o.state <> 'refunded' AND (? = '' OR ol.county_code = ?)",
      {"%冰糖心%", "%百合%", from, to, county, county}, &f.volume_fen, &f.apples_kg, &f.lilies_kg);
  one("SELECT SUM(a.quantity * ol.unit_price_fen) FROM orders o JOIN order_lines ol ON ol.order_id = o.order_id "
      "JOIN allocations a ON a.line_id = ol.line_id JOIN lots l ON l.lot_id = a.lot_id "
      "JOIN outlets t ON t.outlet_id = l.outlet_id "
      "WHERE o.paid_at >= ? AND o.paid_at < ? AND o.state <> 'refunded' AND (? = '' OR t.county_code = ?)",
      {from, to, county, county}, &f.outlet_goods_fen);
  auto st = conn.Prepare(
      "SELECT COUNT(*), SUM(gain) FROM (SELECT e.household_id, SUM(e.amount_fen - COALESCE(e.local_value_fen, 0)) "
      "AS gain FROM ledger e JOIN orders o ON o.order_id = e.order_id "
      "WHERE o.paid_at >= ? AND o.paid_at < ? AND (? = '' OR e.county_code = ?) AND EXISTS (SELECT 1 FROM "
      "household_years y WHERE y.household_id = e.household_id AND y.year = ? AND y.status IN ('poor', 'exited', "
      "'monitored')) GROUP BY e.household_id HAVING SUM(e.amount_fen) > 0) t");
  st->Bind(1, from).Bind(2, to).Bind(3, county).Bind(4, county).Bind(5, year);
  if (st->Step()) {
    f.poor_households = st->IsNull(0) ? 0 : st->Int(0);
    f.gain_fen = st->IsNull(1) ? 0 : st->Int(1);
  }
  st->Run();
  return f;
}

Result<Report> PaperCheckReport(const PaperCheckInput& in) {
  if (!in.tree || !in.tree->Root()) return Error::Internal("the region tree is empty");
  auto headline = Table::Parse(in.headline_csv, "headline_figures.csv",
                               {"key", "value", "unit", "year", "scope", "section", "note"});
  if (!headline) return headline.error();
  auto statistics = Table::Parse(in.statistics_csv, "statistics.csv",
                                 {"code", "name", "indicator", "year", "value", "unit", "source_title", "note"});
  if (!statistics) return statistics.error();

  const regions::Region& root = *in.tree->Root();
  Checker checker(in);
  Report r;
  r.name = "paper-check";
  r.title_zh = "论文数据核对";
  r.title_en = "The paper's figures against the records";
  r.region_code = root.code;
  r.region_name = root.name;
  r.year = in.year;
  r.columns = {
      {"figure", "指标", "figure", Kind::kText},
      {"year", "年份", "year", Kind::kText},
      {"scope", "范围", "scope", Kind::kText},
      {"unit", "单位", "unit", Kind::kText},
      {"published_value", "公布值", "published", Kind::kValue},
      {"computed_value", "记录计算值", "computed", Kind::kValue},
      {"result", "结果", "result", Kind::kText},
      {"source", "来源", "source", Kind::kText},
      {"reason", "说明", "reason", Kind::kText},
  };
  r.sections = {{"paper", "论文中的数字", "figures stated in the paper"},
                {"cited", "其他引用数字", "other cited figures (data/linxia/statistics.csv)"}};

  const Table& h = *headline;
  for (size_t i = 0; i < h.size(); ++i) {
    std::string key = h.Get(i, "key");
    std::string unit = h.Get(i, "unit");
    Cell published = PublishedCell(h.Get(i, "value"), unit);
    Check check = checker.Headline(key, h.Get(i, "year"), h.Get(i, "scope"), published, h.Get(i, "note"));
    r.rows.push_back(MakeRow("paper", key, h.Get(i, "year"), h.Get(i, "scope"), unit, published, check,
                             fmt::format("paper, section {}", h.Get(i, "section"))));
  }

  const Table& s = *statistics;
  for (size_t i = 0; i < s.size(); ++i) {
    std::string indicator = s.Get(i, "indicator");
    if (indicator != "poor_population" && indicator != "poverty_incidence" && indicator != "poverty_county_exit") {
      continue;
    }
    const regions::Region* region = in.tree->Find(s.Get(i, "code"));
    if (!region || (region != &root && region->parent_code != root.code)) continue;
    std::string year = s.Get(i, "year");
    std::string unit = s.Get(i, "unit");
    std::string source = s.Get(i, "source_title");
    auto year_number = text::ParseInt64(year);
    if (indicator == "poverty_county_exit") {
      std::optional<int> batch = BatchYear(s.Get(i, "note"), year);  // the expected exit year
      if (!batch) continue;
      std::string note = s.Get(i, "note");
      std::string cited = note.empty() ? s.Get(i, "value") : fmt::format("{} ({})", s.Get(i, "value"), note);
      r.rows.push_back(MakeRow("cited", indicator, year, region->name, "year", Cell::Year(*batch),
                               checker.CountyExit(*region, *batch, cited), source));
      continue;
    }
    Cell published = PublishedCell(s.Get(i, "value"), unit);
    Check check = !year_number ? NotAnswerable("the figure has no year")
                  : indicator == "poor_population"
                      ? checker.PoorPopulation(*region, static_cast<int>(*year_number), published)
                      : checker.Incidence(*region, static_cast<int>(*year_number), published);
    r.rows.push_back(MakeRow("cited", indicator, year, region->name, unit, published, check, source));
  }

  int64_t match = 0, mismatch = 0, not_answerable = 0, not_comparable = 0;
  const int result_column = r.ColumnIndex("result");
  for (const Row& row : r.rows) {
    const std::string& result = row.cells[static_cast<size_t>(result_column)].text;
    if (result == OutcomeName(Outcome::kMatch)) {
      ++match;
    } else if (result == OutcomeName(Outcome::kMismatch)) {
      ++mismatch;
    } else {
      ++not_answerable;
      if (result == OutcomeName(Outcome::kNotComparable)) ++not_comparable;
    }
  }

  r.notes = {
      "paper: every figure of data/paper/headline_figures.csv (the research paper on Linxia); cited: the poverty figures and "
      "county exits of data/linxia/statistics.csv",
      "computed with the poverty report's aggregation (fupin report poverty) of the registry, per year",
      "the paper's 2016 figures (175,700 poor people; 412 deep-poverty villages, 323 poor and 89 not; incidence "
      "32.16 %) are read as describing the deep-poverty villages in 2016",
      "counts are compared exactly, incidences rounded half up to two decimals",
      "e-commerce figures come from the orders paid in the figure's period and not refunded, the village outlets and "
      "the benefit ledger; a figure the paper gives as a lower bound matches when the records reach it, one it gives "
      "as about a value matches within 4 %",
      fmt::format("county exit: the first year with data in which the county's incidence is below {} % "
                  "(settings county_exit_threshold_percent{}), against the year of its exit batch",
                  text::FormatFixed(in.county_exit_threshold, 2),
                  in.county_exit_threshold_source.empty() ? "" : ": " + in.county_exit_threshold_source),
      fmt::format("undated figures are set against the records of {}", in.year),
      fmt::format("not answerable includes {} not comparable figure(s): a value the records hold, but of "
                  "another quantity",
                  not_comparable),
  };
  r.summary = fmt::format("{} match, {} mismatch, {} not answerable", match, mismatch, not_answerable);
  return r;
}

Result<Report> LoadPaperCheck(db::Connection& conn, const regions::RegionTree& tree, int year) {
  if (!tree.Root()) return Error::Precondition("the region tree is empty: run fupin migrate");
  PaperCheckInput in;
  in.tree = &tree;
  for (int y : registry::YearsWithData(conn)) in.years.emplace(y, LoadPovertyBreakdown(conn, tree, *tree.Root(), y));
  in.year = year;
  registry::ReferenceData reference = registry::ReadReferenceData(conn);
  in.county_exit_threshold = reference.CountyExitThreshold();
  auto setting = reference.settings.find("county_exit_threshold_percent");
  if (setting != reference.settings.end()) in.county_exit_threshold_source = setting->second.second;
  in.headline_csv = embedded::HeadlineFiguresCsv();
  in.statistics_csv = embedded::StatisticsCsv();
  // The marketplace's figures for each e-commerce row's period and scope.
  auto headline = Table::Parse(in.headline_csv, "headline_figures.csv", {"key", "year", "scope"});
  if (!headline) return headline.error();
  in.any_facilities = db::QueryInt(conn, "SELECT COUNT(*) FROM (SELECT 1 FROM logistics_facilities LIMIT 1) t")
                           .value_or(0) > 0;
  for (size_t i = 0; i < headline->size(); ++i) {
    const std::string key = headline->Get(i, "key");
    if (in.any_facilities && IsFacilityFigure(key)) {
      const std::string year_text = headline->Get(i, "year");
      auto y = text::ParseInt64(year_text);
      if (y && *y >= 2000 && *y <= 2100 && !in.facilities.contains({key, year_text})) {
        in.facilities[{key, year_text}] = LoadFacilityFigure(conn, key, static_cast<int>(*y));
      }
      continue;
    }
    if (!IsMarketFigure(key)) continue;
    const std::string period = headline->Get(i, "year");
    const regions::Region* region = ScopeRegion(tree, headline->Get(i, "scope"));
    auto digit_or_dash = [](char c) { return c == '-' || (c >= '0' && c <= '9'); };
    const bool dated = (period.size() == 4 || (period.size() == 7 && period[4] == '-')) &&
                       std::all_of(period.begin(), period.end(), digit_or_dash);
    if (!region || !dated || in.market.contains({period, region->code})) continue;
    in.market[{period, region->code}] = LoadMarketFigures(conn, tree, period, *region);
  }
  return PaperCheckReport(in);
}

}  // namespace fupin::reports
