#pragma once
// Reference data of the registry: poverty lines by year and the settings the
// rules read (exit thresholds). Data, not constants in code: shipped in
// data/reference/ and loaded by migration 2; exported and imported with the
// registry.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/money.h"
#include "base/result.h"
#include "db/database.h"

namespace fupin::registry {

struct PovertyLine {
  int year = 0;
  Money poverty_line;                 // per capita per year
  std::optional<Money> monitoring_line;
  std::string source;
};

struct ReferenceData {
  std::map<int, PovertyLine> poverty_lines;  // by year
  // key → (value, source)
  std::map<std::string, std::pair<std::string, std::string>> settings;

  // The village / county exit threshold in hundredths of a percent (3 % → 300).
  Result<int64_t> ThresholdHundredths(const std::string& key) const;
  int64_t VillageExitThreshold() const;  // 300 unless configured otherwise
  int64_t CountyExitThreshold() const;
};

// Loads data/reference/*.csv (embedded) into empty tables. Throws db::DbError.
void LoadReferenceData(db::Connection& conn);

// Reads the reference tables.
ReferenceData ReadReferenceData(db::Connection& conn);

}  // namespace fupin::registry
