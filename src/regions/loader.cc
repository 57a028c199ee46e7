#include "regions/loader.h"

#include <unordered_map>

#include <fmt/format.h>

#include "base/csv.h"
#include "base/embedded_data.h"
#include "base/text.h"

namespace fupin::regions {
namespace {

Result<std::vector<csv::Record>> ReadAll(std::string_view text, std::string_view file, size_t columns,
                                         std::string_view first_column) {
  csv::Reader reader(text);
  std::vector<csv::Record> rows;
  bool header = true;
  while (true) {
    auto next = reader.Next();
    if (!next) return Error::Invalid(fmt::format("{} {}", file, next.error().message));
    if (!*next) break;
    csv::Record& r = **next;
    if (r.fields.size() != columns) {
      return Error::Invalid(
          fmt::format("{} line {}: {} columns where {} are expected", file, r.line, r.fields.size(), columns));
    }
    if (header) {
      if (r.fields[0] != first_column) return Error::Invalid(fmt::format("{} line 1: missing header", file));
      header = false;
      continue;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

Result<int64_t> Microdegrees(std::string_view s) { return text::ParseFixed(s, 6); }

}  // namespace

Result<std::vector<Region>> ParseDivisions(std::string_view divisions_csv, std::string_view coordinates_csv) {
  auto divisions = ReadAll(divisions_csv, "divisions.csv", 8, "code");
  if (!divisions) return divisions.error();
  auto coordinates = ReadAll(coordinates_csv, "coordinates.csv", 10, "code");
  if (!coordinates) return coordinates.error();

  std::vector<Region> regions;
  std::vector<int64_t> lines;
  std::unordered_map<std::string, size_t> index;
  for (const csv::Record& r : *divisions) {
    Region region;
    region.code = r.fields[0];
    if (!IsRegionCode(region.code)) {
      return Error::Invalid(fmt::format("divisions.csv line {}, column 1: '{}' is not a 12-digit code", r.line,
                                        region.code));
    }
    region.name = r.fields[1];
    auto level = ParseLevel(r.fields[2]);
    if (!level) {
      return Error::Invalid(fmt::format("divisions.csv line {}, column 3: unknown level '{}'", r.line, r.fields[2]));
    }
    region.level = *level;
    region.parent_code = region.level == Level::kPrefecture ? "" : r.fields[3];
    if (region.level != Level::kPrefecture && region.parent_code.empty()) {
      return Error::Invalid(fmt::format("divisions.csv line {}, column 4: a {} needs a parent code", r.line,
                                        LevelName(region.level)));
    }
    region.name_pinyin = r.fields[4];
    region.name_short = r.fields[5];
    region.kind = r.fields[6];
    region.name_en = r.fields[7];
    if (index.contains(region.code)) {
      return Error::Invalid(fmt::format("divisions.csv line {}: duplicate code {}", r.line, region.code));
    }
    index.emplace(region.code, regions.size());
    regions.push_back(std::move(region));
    lines.push_back(r.line);
  }
  for (size_t i = 0; i < regions.size(); ++i) {
    const Region& region = regions[i];
    if (!region.parent_code.empty() && !index.contains(region.parent_code)) {
      return Error::Invalid(fmt::format("divisions.csv line {}, column 4: parent {} of {} is missing", lines[i],
                                        region.parent_code, region.code));
    }
  }
  for (const csv::Record& r : *coordinates) {
    auto it = index.find(r.fields[0]);
    if (it == index.end()) {
      return Error::Invalid(fmt::format("coordinates.csv line {}, column 1: unknown code {}", r.line, r.fields[0]));
    }
    auto lon = Microdegrees(r.fields[1]);
    auto lat = Microdegrees(r.fields[2]);
    if (!lon || !lat) {
      return Error::Invalid(fmt::format("coordinates.csv line {}: bad longitude or latitude", r.line));
    }
    Region& region = regions[it->second];
    region.lon_e6 = *lon;
    region.lat_e6 = *lat;
    region.coord_source = fmt::format("{} ({}, {})", r.fields[3], r.fields[6], r.fields[7]);
  }
  return regions;
}

void LoadLinxia(db::Connection& conn) {
  auto regions = ParseDivisions(embedded::DivisionsCsv(), embedded::CoordinatesCsv());
  if (!regions) throw db::DbError("embedded divisions: " + regions.error().message);
  auto bulk = conn.Bulk("regions", {"code", "name", "level", "parent_code", "kind", "name_short", "name_pinyin",
                                    "name_en", "lon_e6", "lat_e6", "coord_source"});
  for (const Region& r : *regions) {
    bulk->Text(r.code).Text(r.name).Text(LevelName(r.level)).OptText(r.parent_code).Text(r.kind);
    bulk->OptText(r.name_short).OptText(r.name_pinyin).OptText(r.name_en);
    bulk->OptInt(r.lon_e6).OptInt(r.lat_e6).OptText(r.coord_source);
    bulk->EndRow();
  }
  bulk->Finish();
}

}  // namespace fupin::regions
