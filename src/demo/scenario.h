#pragma once
// The demo scenario: the targets a synthetic Linxia must hit, read from a CSV
// file (data/scenarios/linxia.csv) in which every row cites its source or says
// it is a choice of the scenario. Columns: target,region,year,value,source.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "base/result.h"

namespace fupin::demo {

struct Scenario {
  // (region code, year) → value. Incidences are in hundredths of a percent.
  std::map<std::pair<std::string, int>, int64_t> rural_population;
  std::map<std::pair<std::string, int>, int64_t> poor_people;
  std::map<std::pair<std::string, int>, int64_t> poverty_incidence;
  std::map<std::string, int> county_exit_year;
  std::map<std::string, int64_t> county_population_weight;
  // Per county (and the prefecture total under the prefecture's code).
  std::map<std::string, int64_t> deep_poverty_villages;
  std::map<std::string, int64_t> deep_poverty_villages_poor;
  std::map<std::string, int64_t> poor_villages;
  std::map<std::pair<std::string, int>, int64_t> village_exits;          // (county, year) → villages
  std::map<std::pair<std::string, int>, int64_t> poor_villages_exited;   // prefecture, cumulative
  int64_t deep_poverty_poor_2016 = 0;       // poor people of the deep-poverty villages, 2016
  int64_t deep_poverty_incidence_2016 = 0;  // hundredths of a percent
  std::vector<std::pair<int, int64_t>> household_size_weights;  // size → weight
  std::string prefecture;                   // code of the prefecture rows
  // The marketplace's targets (rows whose target starts with "market_"; see
  // demo/market.h): (target, region, year) → value; year 0 when the row has none.
  std::map<std::tuple<std::string, std::string, int>, int64_t> market;

  int first_year = 0;  // first and last year with poor-people targets
  int last_year = 0;
};

// Parses scenario CSV text. Errors name the line and column.
Result<Scenario> ParseScenario(std::string_view csv_text);

}  // namespace fupin::demo
