#include "registry/stats.h"

#include <map>

namespace fupin::registry {

std::vector<VillageYearStats> VillageStats(db::Connection& conn, int year) {
  std::map<std::string, VillageYearStats> by_village;
  auto counts = conn.Prepare(
      "SELECT village_code, status, households, people FROM household_year_counts WHERE year = ?");
  counts->Bind(1, year);
  while (counts->Step()) {
    std::string code = counts->Text(0);
    VillageYearStats& s = by_village[code];
    s.village_code = code;
    auto status = ParseStatus(counts->Text(1)).value_or(HouseholdStatus::kNotPoor);
    int64_t households = counts->Int(2);
    int64_t people = counts->Int(3);
    s.households += households;
    s.population += people;
    if (status == HouseholdStatus::kPoor) {
      s.poor_households += households;
      s.poor += people;
    } else if (status == HouseholdStatus::kExited) {
      s.exited_households += households;
    } else if (status == HouseholdStatus::kMonitored) {
      s.monitored_households += households;
    }
  }
  auto villages = conn.Prepare(
      "SELECT v.village_code, v.deep_poverty, y.status FROM villages v "
      "LEFT JOIN village_years y ON y.village_code = v.village_code AND y.year = ?");
  villages->Bind(1, year);
  while (villages->Step()) {
    std::string code = villages->Text(0);
    bool deep = villages->Int(1) != 0;
    std::string status = villages->Text(2);
    if (!deep && (status.empty() || status == "not_poor") && !by_village.contains(code)) continue;
    VillageYearStats& s = by_village[code];
    s.village_code = code;
    s.deep_poverty = deep;
    s.status = ParseVillageStatus(status).value_or(VillageStatus::kNotPoor);
  }
  std::vector<VillageYearStats> out;
  out.reserve(by_village.size());
  for (auto& [code, s] : by_village) out.push_back(std::move(s));
  return out;
}

std::vector<int> YearsWithData(db::Connection& conn) {
  std::vector<int> years;
  // Walk the key instead of scanning: each step jumps to the next year.
  std::optional<int64_t> y = db::QueryInt(conn, "SELECT MIN(year) FROM household_year_counts");
  auto next = conn.Prepare("SELECT MIN(year) FROM household_year_counts WHERE year > ?");
  while (y) {
    years.push_back(static_cast<int>(*y));
    next->Bind(1, *y);
    y.reset();
    if (next->Step()) y = next->OptInt(0);
    next->Run();
  }
  return years;
}

}  // namespace fupin::registry
