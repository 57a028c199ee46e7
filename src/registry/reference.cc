#include "registry/reference.h"

#include <fmt/format.h>

#include "base/csv.h"
#include "base/embedded_data.h"
#include "base/text.h"

namespace fupin::registry {
namespace {

std::vector<std::vector<std::string>> Rows(std::string_view text, const char* file) {
  csv::Reader reader(text);
  std::vector<std::vector<std::string>> rows;
  bool header = true;
  while (true) {
    auto next = reader.Next();
    if (!next) throw db::DbError(fmt::format("embedded {}: {}", file, next.error().message));
    if (!*next) break;
    if (header) {
      header = false;
      continue;
    }
    rows.push_back(std::move((*next)->fields));
  }
  return rows;
}

}  // namespace

Result<int64_t> ReferenceData::ThresholdHundredths(const std::string& key) const {
  auto it = settings.find(key);
  if (it == settings.end()) return Error::NotFound(fmt::format("setting {} is missing", key));
  auto v = text::ParseFixed(it->second.first, 2);
  if (!v) return Error::Invalid(fmt::format("setting {}: {}", key, v.error().message));
  return v;
}

int64_t ReferenceData::VillageExitThreshold() const {
  auto v = ThresholdHundredths("village_exit_threshold_percent");
  return v ? *v : 300;
}

int64_t ReferenceData::CountyExitThreshold() const {
  auto v = ThresholdHundredths("county_exit_threshold_percent");
  return v ? *v : 300;
}

void LoadReferenceData(db::Connection& conn) {
  auto lines = conn.Prepare(
      "INSERT INTO poverty_lines (year, poverty_line_fen, monitoring_line_fen, source) VALUES (?, ?, ?, ?)");
  for (const auto& row : Rows(embedded::PovertyLinesCsv(), "poverty_lines.csv")) {
    auto year = text::ParseInt64(row.at(0));
    auto line = text::ParseInt64(row.at(1));
    if (!year || !line) throw db::DbError("embedded poverty_lines.csv: bad number");
    lines->Bind(1, *year).Bind(2, *line * 100);
    if (row.at(2).empty()) {
      lines->BindNull(3);
    } else {
      auto monitoring = text::ParseInt64(row.at(2));
      if (!monitoring) throw db::DbError("embedded poverty_lines.csv: bad monitoring line");
      lines->Bind(3, *monitoring * 100);
    }
    lines->Bind(4, row.at(3)).Run();
  }
  auto settings = conn.Prepare("INSERT INTO settings (key, value, source) VALUES (?, ?, ?)");
  for (const auto& row : Rows(embedded::SettingsCsv(), "settings.csv")) {
    settings->Bind(1, row.at(0)).Bind(2, row.at(1)).Bind(3, row.at(2)).Run();
  }
}

ReferenceData ReadReferenceData(db::Connection& conn) {
  ReferenceData data;
  auto lines = conn.Prepare(
      "SELECT year, poverty_line_fen, monitoring_line_fen, source FROM poverty_lines ORDER BY year");
  while (lines->Step()) {
    PovertyLine line;
    line.year = static_cast<int>(lines->Int(0));
    line.poverty_line = Money::FromFen(lines->Int(1));
    if (!lines->IsNull(2)) line.monitoring_line = Money::FromFen(lines->Int(2));
    line.source = lines->Text(3);
    data.poverty_lines.emplace(line.year, std::move(line));
  }
  auto settings = conn.Prepare("SELECT key, value, source FROM settings ORDER BY key");
  while (settings->Step()) {
    data.settings.emplace(settings->Text(0), std::make_pair(settings->Text(1), settings->Text(2)));
  }
  return data;
}

}  // namespace fupin::registry
