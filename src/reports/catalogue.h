#pragma once
// The indicator catalogue: indicators defined as data (data/indicators/
// catalogue.json, compiled into the program; a user may give another file),
// each numerator / denominator × factor / divisor over the named counts of
// counts.h, as DHIS2 defines indicators. Evaluated for any region and year
// from a CountTable.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "reports/counts.h"
#include "reports/report.h"

namespace fupin::reports {

struct Indicator {
  std::string code;  // snake_case, unique in its catalogue
  std::string name_zh;
  std::string name_en;
  std::string numerator;    // a count
  std::string denominator;  // a count, or "" for none
  int64_t factor = 1;       // ≥ 1: 100 for a percentage
  int64_t divisor = 1;      // ≥ 1: 100 for fen shown as yuan
  int decimals = 0;         // 0–6
  std::string unit_zh;
  std::string unit_en;
  std::string definition_en;

  // The counts it reads: the numerator, then the denominator if any.
  std::vector<std::string> Counts() const;
};

class IndicatorCatalogue {
 public:
  // Reads a catalogue: a JSON object with an array "indicators" (and an
  // optional "about" text). Every problem is kInvalidArgument naming the place
  // ("indicators[3].numerator") and the reason; a numerator or denominator
  // that is not a count lists the valid counts.
  static Result<IndicatorCatalogue> Parse(std::string_view json);
  // The catalogue compiled into the program (checked by the tests).
  static const IndicatorCatalogue& BuiltIn();

  const std::vector<Indicator>& All() const { return indicators_; }
  const Indicator* Find(std::string_view code) const;
  // kInvalidArgument (field "indicator") listing the valid codes when unknown.
  Result<const Indicator*> Get(std::string_view code) const;
  // Every count the catalogue reads, once each.
  std::vector<std::string> Counts() const;

 private:
  std::vector<Indicator> indicators_;
};

// One indicator for one region and year.
struct IndicatorValue {
  int64_t numerator = 0;
  int64_t denominator = 0;        // 1 when the indicator has no denominator
  std::optional<int64_t> scaled;  // the value × 10^decimals; nullopt = no data
  bool no_records = false;        // no data because a count's source holds nothing for the year
  std::string no_data;            // why there is no value: "no market records for 2013", "rural_population is 0"
};

// Evaluates `indicator` for `region_code` from `counts` (which must hold the
// indicator's counts for the year): no data when a count's source has no
// records for the year or the denominator is 0; else numerator × factor ×
// 10^decimals / (denominator × divisor), rounded half away from zero.
IndicatorValue Evaluate(const Indicator& indicator, const CountTable& counts, std::string_view region_code);

// The value as a report cell: a decimal with the indicator's decimals, or an
// empty cell shown as "no data".
Cell ValueCell(const Indicator& indicator, const IndicatorValue& value);

}  // namespace fupin::reports
