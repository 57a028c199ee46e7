#include "registry/stats.h"

#include <string>
#include <string_view>

namespace fupin::registry {

std::vector<VillageYearStats> VillageStats(db::Connection& conn, int year) {
  // Both queries come in village-code byte order (the merge compares bytes;
  // PostgreSQL sorts by its collation unless told), so the two lists are
  // merged without a map.
  const std::string bytes = conn.dialect() == db::Dialect::kPostgres ? " COLLATE \"C\"" : "";
  std::vector<VillageYearStats> counted;
  auto counts = conn.Prepare(
      "SELECT village_code, status, households, people FROM household_year_counts WHERE year = ? "
      "ORDER BY village_code" + bytes);
  counts->Bind(1, year);
  while (counts->Step()) {
    std::string code = counts->Text(0);
    if (counted.empty() || counted.back().village_code != code) {
      counted.emplace_back();
      counted.back().village_code = code;
    }
    VillageYearStats& s = counted.back();
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
  std::vector<VillageYearStats> out;
  out.reserve(counted.size());
  auto next = counted.begin();
  auto villages = conn.Prepare(
      "SELECT v.village_code, v.deep_poverty, y.status FROM villages v "
      "LEFT JOIN village_years y ON y.village_code = v.village_code AND y.year = ? ORDER BY v.village_code" + bytes);
  villages->Bind(1, year);
  while (villages->Step()) {
    std::string code = villages->Text(0);
    while (next != counted.end() && next->village_code < code) out.push_back(std::move(*next++));
    const bool deep = villages->Int(1) != 0;
    std::string status = villages->IsNull(2) ? std::string() : villages->Text(2);
    const bool has_counts = next != counted.end() && next->village_code == code;
    if (!has_counts && !deep && (status.empty() || status == "not_poor")) continue;
    if (has_counts) {
      out.push_back(std::move(*next++));
    } else {
      out.emplace_back();
      out.back().village_code = code;
    }
    out.back().deep_poverty = deep;
    out.back().status = ParseVillageStatus(status).value_or(VillageStatus::kNotPoor);
  }
  while (next != counted.end()) out.push_back(std::move(*next++));
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
