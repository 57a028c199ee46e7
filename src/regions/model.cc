#include "regions/model.h"

namespace fupin::regions {

const char* LevelName(Level level) {
  switch (level) {
    case Level::kPrefecture: return "prefecture";
    case Level::kCounty: return "county";
    case Level::kTownship: return "township";
    case Level::kVillage: return "village";
  }
  return "village";
}

std::optional<Level> ParseLevel(std::string_view name) {
  if (name == "prefecture") return Level::kPrefecture;
  if (name == "county") return Level::kCounty;
  if (name == "township") return Level::kTownship;
  if (name == "village") return Level::kVillage;
  return std::nullopt;
}

bool IsRegionCode(std::string_view code) {
  if (code.size() != 12) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace fupin::regions
