#pragma once
// The region tree: prefecture → county → township → village, keyed by the
// 12-digit statistical division codes of the National Bureau of Statistics.
// "county" is any county-level unit, "township" any township-level unit
// (街道, 镇, 乡), "village" a villagers' (村委会) or residents' (居委会) committee.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace fupin::regions {

enum class Level { kPrefecture = 0, kCounty = 1, kTownship = 2, kVillage = 3 };

const char* LevelName(Level level);
std::optional<Level> ParseLevel(std::string_view name);

struct Region {
  std::string code;         // 12 digits
  std::string name;         // NBS statistical name, Chinese
  Level level = Level::kVillage;
  std::string parent_code;  // empty for the root of the tree
  std::string kind;         // county_level_city, town, villagers_committee, …
  std::string name_short;
  std::string name_pinyin;  // without tones; empty where no source has it
  std::string name_en;
  std::optional<int64_t> lon_e6;  // GCJ-02 longitude in microdegrees
  std::optional<int64_t> lat_e6;
  std::string coord_source;       // where the point comes from; "demo: …" when the demo placed it

  // Administrative villages are villagers' committees (村委会); residents'
  // committees (居委会) are urban communities and hold no rural households.
  bool IsAdministrativeVillage() const { return level == Level::kVillage && kind == "villagers_committee"; }
};

// A well-formed 12-digit code.
bool IsRegionCode(std::string_view code);

}  // namespace fupin::regions
