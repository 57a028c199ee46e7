#include "reports/benefit.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "base/text.h"
#include "db/database.h"
#include "regions/tree.h"
#include "registry/stats.h"

namespace fupin::reports {
namespace {

// a / b rounded half away from zero; b > 0.
int64_t RoundDiv(int64_t a, int64_t b) { return a >= 0 ? (2 * a + b) / (2 * b) : -((2 * -a + b) / (2 * b)); }

struct Figures {
  int64_t reached = 0;
  int64_t poor_reached = 0;
  int64_t credited = 0;
  int64_t local = 0;
  int64_t poor = 0;
  int64_t poor_unreached = 0;
  std::vector<int64_t> gains;  // per household reached

  void Add(const HouseholdCredit& c, bool registered_poor) {
    ++reached;
    poor_reached += registered_poor;
    credited += c.credited_fen;
    local += c.local_value_fen;
    gains.push_back(c.credited_fen - c.local_value_fen);
  }
};

Row FiguresRow(const regions::Region& region, Figures f, bool total, const char* section) {
  Row row;
  row.total = total;
  row.section = section;
  Cell mean = Cell::Empty(), median = Cell::Empty();
  if (f.reached > 0) {
    int64_t sum = 0;
    for (int64_t g : f.gains) sum += g;
    mean = Cell::Int(RoundDiv(sum, f.reached));
    std::sort(f.gains.begin(), f.gains.end());
    size_t n = f.gains.size();
    median = Cell::Int(n % 2 == 1 ? f.gains[n / 2] : RoundDiv(f.gains[n / 2 - 1] + f.gains[n / 2], 2));
  }
  row.cells = {Cell::Text(regions::LevelName(region.level)),
               Cell::Text(region.code),
               Cell::Text(region.name),
               Cell::Int(f.reached),
               Cell::Int(f.poor_reached),
               Cell::Int(f.credited),
               Cell::Int(f.local),
               Cell::Int(f.credited - f.local),
               mean,
               median,
               Cell::Int(f.poor),
               Cell::Int(f.poor_unreached)};
  return row;
}

// The households reached (net credits above zero), by id.
std::map<int64_t, const HouseholdCredit*> Reached(const BenefitInput& in) {
  std::map<int64_t, const HouseholdCredit*> out;
  for (const HouseholdCredit& c : in.credits) {
    if (c.credited_fen > 0 && in.tree->Covers(in.region->code, c.village_code)) out[c.household_id] = &c;
  }
  return out;
}

}  // namespace

Report BenefitReport(const BenefitInput& in) {
  const regions::RegionTree& tree = *in.tree;
  const regions::Region& region = *in.region;
  std::map<int64_t, const HouseholdCredit*> reached = Reached(in);
  std::set<int64_t> poor_ids;
  for (const RegisteredPoor& p : in.poor) {
    if (tree.Covers(region.code, p.village_code)) poor_ids.insert(p.household_id);
  }

  // County and village of each household, by the village it was credited in
  // (reached) or is registered in (poor).
  Figures total;
  std::map<std::string, Figures> counties, villages;
  auto county_of = [&](const std::string& village) {
    const regions::Region* c = tree.AncestorAt(village, regions::Level::kCounty);
    return c ? c->code : std::string();
  };
  for (const auto& [id, c] : reached) {
    const bool poor = poor_ids.contains(id);
    total.Add(*c, poor);
    counties[county_of(c->village_code)].Add(*c, poor);
    villages[c->village_code].Add(*c, poor);
  }
  for (const RegisteredPoor& p : in.poor) {
    if (!poor_ids.contains(p.household_id)) continue;
    const bool unreached = !reached.contains(p.household_id);
    for (Figures* f : {&total, &counties[county_of(p.village_code)], &villages[p.village_code]}) {
      ++f->poor;
      f->poor_unreached += unreached;
    }
  }

  Report r;
  r.name = "benefit";
  r.title_zh = "受益情况";
  r.title_en = "What the benefit ledger credited households";
  r.region_code = region.code;
  r.region_name = region.name;
  r.year = in.year;
  r.columns = {
      {"level", "级别", "level", Kind::kText},
      {"region_code", "区划代码", "code", Kind::kText},
      {"region_name", "地区", "region", Kind::kText},
      {"households_reached", "受益户", "reached", Kind::kInt},
      {"poor_reached", "其中建档立卡户", "of which poor", Kind::kInt},
      {"credited_fen", "入账(分)", "credited (fen)", Kind::kInt},
      {"local_value_fen", "本地价值(分)", "local value (fen)", Kind::kInt},
      {"gain_fen", "增收(分)", "gain (fen)", Kind::kInt},
      {"mean_gain_fen", "户均增收(分)", "mean gain (fen)", Kind::kInt},
      {"median_gain_fen", "增收中位数(分)", "median gain (fen)", Kind::kInt},
      {"poor_households", "建档立卡户", "poor households", Kind::kInt},
      {"poor_unreached", "未受益建档立卡户", "poor not reached", Kind::kInt},
  };
  r.sections = {{"regions", "地区", "the region (and its counties)"}, {"villages", "行政村", "villages"}};
  if (region.level == regions::Level::kPrefecture) {
    for (const regions::Region* c : tree.Children(region.code)) {
      if (c->level != regions::Level::kCounty) continue;
      auto it = counties.find(c->code);
      r.rows.push_back(FiguresRow(*c, it == counties.end() ? Figures{} : it->second, false, "regions"));
    }
  }
  r.rows.push_back(FiguresRow(region, total, true, "regions"));
  for (const auto& [code, f] : villages) {
    const regions::Region* v = tree.Find(code);
    if (!v) continue;
    r.rows.push_back(FiguresRow(*v, f, false, "villages"));
  }

  r.notes = {
      fmt::format("a household's {}: the net of its benefit-ledger entries of {} (credits less the reversals of "
                  "refunded orders); reached: net credits above zero",
                  in.year, in.year),
      "gain = credited − local value: what the same produce fetches locally (the product's reference price that "
      "year); wages and dividends have no local counterpart, so all of such a credit is gain (benefit/model.h)",
      "mean and median gain per household reached, in fen, rounded half away from zero",
      fmt::format("registered poor households (建档立卡户): registry status poor or monitored in {}, or exited in {}",
                  in.year, in.year),
      "a household counts in the village it was credited in (reached) or registered in (poor); money in fen "
      "(100 fen = 1 yuan)",
  };
  r.summary = fmt::format(
      "{} households reached ({} registered poor), {} fen credited, {} fen gained; {} of {} "
      "registered poor households not reached",
      text::Grouped(total.reached), text::Grouped(total.poor_reached), text::Grouped(total.credited),
      text::Grouped(total.credited - total.local), text::Grouped(total.poor_unreached), text::Grouped(total.poor));
  return r;
}

Report UnreachedReport(const BenefitInput& in) {
  const regions::RegionTree& tree = *in.tree;
  std::map<int64_t, const HouseholdCredit*> reached = Reached(in);
  std::vector<const RegisteredPoor*> list;
  for (const RegisteredPoor& p : in.poor) {
    if (tree.Covers(in.region->code, p.village_code) && !reached.contains(p.household_id)) list.push_back(&p);
  }
  std::sort(list.begin(), list.end(), [](const RegisteredPoor* a, const RegisteredPoor* b) {
    return a->village_code != b->village_code ? a->village_code < b->village_code : a->household_id < b->household_id;
  });
  Report r;
  r.name = "benefit-unreached";
  r.title_zh = "未受益的建档立卡户";
  r.title_en = "Registered poor households the benefit ledger did not reach";
  r.region_code = in.region->code;
  r.region_name = in.region->name;
  r.year = in.year;
  r.columns = {
      {"county_code", "县", "county", Kind::kText},       {"village_code", "行政村代码", "village code", Kind::kText},
      {"village_name", "行政村", "village", Kind::kText}, {"household_id", "户编号", "household", Kind::kInt},
      {"status", "状态", "status", Kind::kText},
  };
  for (const RegisteredPoor* p : list) {
    const regions::Region* v = tree.Find(p->village_code);
    const regions::Region* c = tree.AncestorAt(p->village_code, regions::Level::kCounty);
    Row row;
    row.cells = {Cell::Text(c ? c->code : ""), Cell::Text(p->village_code), Cell::Text(v ? v->name : ""),
                 Cell::Int(p->household_id), Cell::Text(p->status)};
    r.rows.push_back(std::move(row));
  }
  r.notes = {
      fmt::format("registered poor households (status poor or monitored in {}, or exited in {}) without net "
                  "benefit-ledger credits above zero in {}",
                  in.year, in.year, in.year),
  };
  r.summary =
      fmt::format("{} registered poor households not reached", text::Grouped(static_cast<int64_t>(list.size())));
  return r;
}

BenefitInput LoadBenefit(db::Connection& conn, const regions::RegionTree& tree, const regions::Region& region,
                         int year) {
  BenefitInput in;
  in.tree = &tree;
  in.region = &region;
  in.year = year;
  // Below the prefecture, one county's rows, narrowed to the region in memory.
  const regions::Region* county = tree.AncestorAt(region.code, regions::Level::kCounty);
  const std::string county_code = region.level == regions::Level::kPrefecture || !county ? "" : county->code;
  {
    auto st = conn.Prepare(
        "SELECT household_id, village_code, SUM(amount_fen), SUM(COALESCE(local_value_fen, 0)) FROM ledger "
        "WHERE year = ? AND (? = '' OR county_code = ?) GROUP BY household_id, village_code "
        "ORDER BY household_id, village_code");
    st->Bind(1, year).Bind(2, county_code).Bind(3, county_code);
    while (st->Step()) {
      HouseholdCredit c{st->Int(0), st->Text(1), st->Int(2), st->Int(3)};
      if (tree.Covers(region.code, c.village_code)) in.credits.push_back(std::move(c));
    }
  }
  {
    auto st = conn.Prepare(
        "SELECT household_id, village_code, status FROM household_years WHERE year = ? AND (? = '' OR county_code = ?) "
        "AND (status IN ('poor', 'monitored') OR (status = 'exited' AND exit_year = ?)) ORDER BY household_id");
    st->Bind(1, year).Bind(2, county_code).Bind(3, county_code).Bind(4, year);
    while (st->Step()) {
      RegisteredPoor p{st->Int(0), st->Text(1), st->Text(2)};
      if (tree.Covers(region.code, p.village_code)) in.poor.push_back(std::move(p));
    }
  }
  return in;
}

Result<const regions::Region*> ResolveReportRegion(const regions::RegionTree& tree, const std::string& region) {
  const regions::Region* root = tree.Root();
  if (!root) return Error::Precondition("the region tree is empty: run fupin migrate");
  if (region.empty()) return root;
  auto resolved = tree.Resolve(region);
  if (resolved) return *resolved;
  if (resolved.error().code == ErrorCode::kNotFound) {
    return Error::Invalid(fmt::format("no region '{}' in the region tree of {} ({}): give a 12-digit code or the name "
                                      "of the prefecture or a county, township or village in it",
                                      region, root->name, root->code),
                          "region");
  }
  return Error::Invalid(resolved.error().message, "region");
}

Result<int> ResolveReportYear(db::Connection& conn, std::optional<int> year) {
  std::vector<int> years = registry::YearsWithData(conn);
  if (years.empty()) {
    return Error::NotFound("no registry data in the database; load it with fupin demo or fupin import registry");
  }
  if (!year) return years.back();
  if (!std::binary_search(years.begin(), years.end(), *year)) {
    return Error::NotFound(fmt::format("no registry data for year {}; years with data: {}", *year, YearRanges(years)));
  }
  return *year;
}

Result<Report> BuildBenefitReport(db::Connection& conn, const BenefitQuery& query) {
  regions::RegionTree tree = regions::RegionTree::Load(conn);
  auto region = ResolveReportRegion(tree, query.region);
  if (!region) return region.error();
  auto year = ResolveReportYear(conn, query.year);
  if (!year) return year.error();
  BenefitInput in = LoadBenefit(conn, tree, **region, *year);
  return query.list_unreached ? UnreachedReport(in) : BenefitReport(in);
}

}  // namespace fupin::reports
