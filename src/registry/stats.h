#pragma once
// Counts of the registry by village and year: the numbers every poverty report
// and indicator is built from. One query per year over household_year_counts
// (kept exact by triggers, registry/year_counts.h), joined with the village register.
#include <cstdint>
#include <string>
#include <vector>

#include "db/database.h"
#include "registry/model.h"

namespace fupin::registry {

struct VillageYearStats {
  std::string village_code;
  int64_t households = 0;        // households on the register that year
  int64_t population = 0;        // registered rural population (sum of members)
  int64_t poor_households = 0;
  int64_t poor = 0;              // people in households with status poor
  int64_t exited_households = 0;
  int64_t monitored_households = 0;
  VillageStatus status = VillageStatus::kNotPoor;  // from village_years; not_poor when absent
  bool deep_poverty = false;                       // from villages
};

// One entry per village that has households or a village-register row in
// `year`, sorted by village code. Throws db::DbError.
std::vector<VillageYearStats> VillageStats(db::Connection& conn, int year);

// The years with household data, ascending.
std::vector<int> YearsWithData(db::Connection& conn);

}  // namespace fupin::registry
