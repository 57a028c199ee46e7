#include "demo/scenario.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/csv.h"
#include "base/text.h"

namespace fupin::demo {

Result<Scenario> ParseScenario(std::string_view csv_text) {
  Scenario s;
  csv::Reader reader(csv_text);
  bool header = true;
  s.first_year = 9999;
  s.last_year = 0;
  while (true) {
    auto next = reader.Next();
    if (!next) return Error::Invalid("scenario " + next.error().message);
    if (!*next) break;
    const csv::Record& r = **next;
    auto where = [&](int column) { return fmt::format("scenario line {}, column {}", r.line, column); };
    if (r.fields.size() != 5) {
      return Error::Invalid(fmt::format("scenario line {}: {} columns where 5 are expected", r.line, r.fields.size()));
    }
    if (header) {
      if (r.fields[0] != "target") return Error::Invalid("scenario line 1: missing header target,region,year,value,source");
      header = false;
      continue;
    }
    const std::string& target = r.fields[0];
    const std::string& region = r.fields[1];
    int year = 0;
    if (!r.fields[2].empty()) {
      auto y = text::ParseInt64InRange(r.fields[2], 1, 2100);
      if (!y) return Error::Invalid(fmt::format("{}: {}", where(3), y.error().message));
      year = static_cast<int>(*y);
    }
    if (r.fields[4].empty()) return Error::Invalid(fmt::format("{}: every target must cite its source", where(5)));
    bool is_percent = target.starts_with("poverty_incidence");
    auto value = is_percent ? text::ParseFixed(r.fields[3], 2) : text::ParseInt64(r.fields[3]);
    if (!value) return Error::Invalid(fmt::format("{}: {}", where(4), value.error().message));
    auto key = std::make_pair(region, year);
    if (target == "rural_population") {
      s.rural_population[key] = *value;
      s.prefecture = region;
    } else if (target == "poor_people") {
      s.poor_people[key] = *value;
      s.first_year = std::min(s.first_year, year);
      s.last_year = std::max(s.last_year, year);
    } else if (target == "poverty_incidence") {
      s.poverty_incidence[key] = *value;
    } else if (target == "county_exit_year") {
      s.county_exit_year[region] = static_cast<int>(*value);
    } else if (target == "county_population_weight") {
      s.county_population_weight[region] = *value;
    } else if (target == "deep_poverty_villages") {
      s.deep_poverty_villages[region] = *value;
    } else if (target == "deep_poverty_villages_poor") {
      s.deep_poverty_villages_poor[region] = *value;
    } else if (target == "poor_villages") {
      s.poor_villages[region] = *value;
    } else if (target == "village_exits") {
      s.village_exits[key] = *value;
    } else if (target == "poor_villages_exited") {
      s.poor_villages_exited[key] = *value;
    } else if (target == "poor_people_deep_poverty_villages") {
      s.deep_poverty_poor_2016 = *value;
    } else if (target == "poverty_incidence_deep_poverty_villages") {
      s.deep_poverty_incidence_2016 = *value;
    } else if (target.starts_with("market_")) {
      s.market[{target, region, year}] = *value;
    } else if (target == "household_size_weight") {
      s.household_size_weights.emplace_back(year, *value);
    } else {
      return Error::Invalid(fmt::format("{}: unknown target '{}'", where(1), target));
    }
  }
  if (s.prefecture.empty()) return Error::Invalid("scenario: no rural_population target for the prefecture");
  if (s.household_size_weights.empty()) return Error::Invalid("scenario: no household_size_weight rows");
  return s;
}

}  // namespace fupin::demo
