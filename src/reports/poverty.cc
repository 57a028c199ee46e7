#include "reports/poverty.h"

#include <unordered_map>

#include <fmt/format.h>

namespace fupin::reports {
namespace {

// Where `code` lies relative to `region`: the index of the child it lies under,
// kSelf for the region itself (or a region below it but under no listed child),
// kOutside when it is not under `region`.
constexpr int kSelf = -1;
constexpr int kOutside = -2;

class Placer {
 public:
  Placer(const regions::RegionTree& tree, const regions::Region& region,
         const std::vector<const regions::Region*>& children)
      : tree_(tree), region_(region) {
    for (size_t i = 0; i < children.size(); ++i) child_index_.emplace(children[i]->code, static_cast<int>(i));
  }

  int Place(const regions::Region& r) const {
    const regions::Region* cur = &r;
    int child = kSelf;
    while (cur) {
      if (cur->code == region_.code) return child;
      auto it = child_index_.find(cur->code);
      if (it != child_index_.end()) child = it->second;
      cur = cur->parent_code.empty() ? nullptr : tree_.Find(cur->parent_code);
    }
    return kOutside;
  }

 private:
  const regions::RegionTree& tree_;
  const regions::Region& region_;
  std::unordered_map<std::string, int> child_index_;
};

}  // namespace

void PovertyFigures::Add(const registry::VillageYearStats& village) {
  using registry::VillageStatus;
  population += village.population;
  poor += village.poor;
  if (village.status == VillageStatus::kPoor) ++poor_villages;
  if (village.status == VillageStatus::kExited) ++exited_villages;
  if (village.deep_poverty) {
    ++deep_poverty_villages;
    if (village.status == VillageStatus::kPoor) ++deep_poverty_villages_poor;
    deep_poverty_population += village.population;
    deep_poverty_poor += village.poor;
  }
}

const PovertyFigures* PovertyBreakdown::Child(std::string_view code) const {
  for (const auto& [child, figures] : children) {
    if (child->code == code) return &figures;
  }
  return nullptr;
}

PovertyBreakdown AggregatePoverty(const regions::RegionTree& tree, const regions::Region& region, int year,
                                  const std::vector<registry::VillageYearStats>& stats) {
  PovertyBreakdown out;
  out.region = &region;
  out.year = year;
  std::vector<const regions::Region*> children = tree.Children(region.code);
  Placer placer(tree, region, children);
  std::vector<PovertyFigures> figures(children.size());
  std::vector<bool> has_data(children.size(), false);

  for (const regions::Region* r : tree.Subtree(region.code)) {
    if (!r->IsAdministrativeVillage()) continue;
    ++out.total.villages;
    int at = placer.Place(*r);
    if (at >= 0) ++figures[static_cast<size_t>(at)].villages;
  }
  for (const registry::VillageYearStats& v : stats) {
    const regions::Region* r = tree.Find(v.village_code);
    if (!r) {
      ++out.unknown_villages;
      continue;
    }
    int at = placer.Place(*r);
    if (at == kOutside) continue;
    out.total.Add(v);
    if (at >= 0) {
      figures[static_cast<size_t>(at)].Add(v);
      has_data[static_cast<size_t>(at)] = true;
    }
  }
  for (size_t i = 0; i < children.size(); ++i) {
    const regions::Region* child = children[i];
    // Residents' committees are urban communities: listed only if the registry has data on them.
    if (child->level == regions::Level::kVillage && !child->IsAdministrativeVillage() && !has_data[i]) {
      ++out.omitted_children;
      continue;
    }
    out.children.emplace_back(child, figures[i]);
  }
  return out;
}

PovertyBreakdown LoadPovertyBreakdown(db::Connection& conn, const regions::RegionTree& tree,
                                      const regions::Region& region, int year) {
  return AggregatePoverty(tree, region, year, registry::VillageStats(conn, year));
}

Cell IncidenceCell(const registry::Incidence& incidence) {
  auto h = incidence.Hundredths();
  return h ? Cell::Percent(*h) : Cell::Empty("no data");
}

namespace {

Row FiguresRow(const regions::Region& region, const PovertyFigures& f, bool total) {
  Row row;
  row.total = total;
  row.cells = {
      Cell::Text(regions::LevelName(region.level)),
      Cell::Text(region.code),
      Cell::Text(region.name),
      Cell::Int(f.villages),
      Cell::Int(f.poor_villages),
      Cell::Int(f.exited_villages),
      Cell::Int(f.deep_poverty_villages),
      Cell::Int(f.deep_poverty_villages_poor),
      Cell::Int(f.deep_poverty_villages_nonpoor()),
      Cell::Int(f.population),
      Cell::Int(f.poor),
      IncidenceCell(f.incidence()),
      Cell::Int(f.deep_poverty_population),
      Cell::Int(f.deep_poverty_poor),
      IncidenceCell(f.deep_poverty_incidence()),
  };
  return row;
}

}  // namespace

Report PovertyReport(const PovertyBreakdown& b) {
  Report r;
  r.name = "poverty";
  r.title_zh = "贫困状况";
  r.title_en = "Poverty by region";
  r.region_code = b.region->code;
  r.region_name = b.region->name;
  r.year = b.year;
  r.columns = {
      {"level", "级别", "level", Kind::kText},
      {"region_code", "区划代码", "code", Kind::kText},
      {"region_name", "地区", "region", Kind::kText},
      {"villages", "行政村", "villages", Kind::kInt},
      {"poor_villages", "贫困村", "poor", Kind::kInt},
      {"exited_villages", "退出贫困村", "exited", Kind::kInt},
      {"deep_poverty_villages", "深度贫困村", "deep poverty", Kind::kInt},
      {"deep_poverty_villages_poor", "其中贫困村", "deep, poor", Kind::kInt},
      {"deep_poverty_villages_nonpoor", "其中非贫困村", "deep, not poor", Kind::kInt},
      {"rural_population", "农村户籍人口", "rural population", Kind::kInt},
      {"poor_people", "贫困人口", "poor people", Kind::kInt},
      {"poverty_incidence", "贫困发生率%", "incidence %", Kind::kPercent},
      {"deep_poverty_rural_population", "深贫村人口", "deep: pop.", Kind::kInt},
      {"deep_poverty_poor_people", "深贫村贫困人口", "deep: poor", Kind::kInt},
      {"deep_poverty_incidence", "深贫村发生率%", "deep: incid. %", Kind::kPercent},
  };
  for (const auto& [child, figures] : b.children) r.rows.push_back(FiguresRow(*child, figures, false));
  r.rows.push_back(FiguresRow(*b.region, b.total, true));

  r.notes = {
      "villages: administrative villages (villagers' committees, 村委会) in the region tree (NBS 2023 divisions)",
      fmt::format("poor / exited villages: the poor-village register's status at the end of {}", b.year),
      fmt::format("deep-poverty villages (深度贫困村): villages flagged deep poverty, split by whether the village "
                  "is registered poor in {}",
                  b.year),
      fmt::format("rural population: the registered rural population, members of the households on the register "
                  "in {}; poor people: members of households with status poor",
                  b.year),
      "poverty incidence = poor people / rural population x 100, rounded half up to two decimals; "
      "no data where the population is 0",
      "deep: the same figures over the deep-poverty villages only (the paper's Figure 1 shows these for 2016)",
  };
  if (b.omitted_children > 0) {
    r.notes.push_back(fmt::format("{} residents' committees (居委会, urban communities) without registry data are "
                                  "not listed",
                                  b.omitted_children));
  }
  if (b.region->level == regions::Level::kVillage) {
    r.notes.push_back("a village has no child regions: the report shows the village alone");
  }
  if (b.unknown_villages > 0) {
    r.notes.push_back(fmt::format("{} villages with registry data are missing from the region tree and were left "
                                  "out",
                                  b.unknown_villages));
  }
  return r;
}

}  // namespace fupin::reports
