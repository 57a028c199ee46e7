#include "logistics/road_matrix.h"

#include <map>

#include <fmt/format.h>

#include "audit/audit_log.h"
#include "base/csv.h"
#include "base/text.h"
#include "db/database.h"
#include "regions/tree.h"

namespace fupin::logistics {
namespace {

constexpr const char* kColumns[] = {"from", "to", "metres", "seconds"};

Error LineError(int64_t line, const std::string& what) {
  return Error::Invalid(fmt::format("line {}: {}", line, what), fmt::format("line {}", line));
}

Error CellError(int64_t line, int column, const std::string& what) {
  return Error::Invalid(fmt::format("line {}, column {} ({}): {}", line, column + 1, kColumns[column], what),
                        fmt::format("line {}", line));
}

}  // namespace

Result<std::vector<RoadEntry>> ParseRoadMatrixCsv(std::string_view text,
                                                  const std::function<bool(std::string_view)>& place,
                                                  std::string_view places) {
  std::vector<RoadEntry> out;
  std::map<std::pair<std::string, std::string>, int64_t> seen;  // pair → its line
  csv::Reader reader(text);
  bool header = false;
  int64_t last_line = 1;
  while (true) {
    Result<std::optional<csv::Record>> next = reader.Next();
    if (!next) {
      // The reader's message starts "line N: …" or "line N, column C: …".
      const std::string& message = next.error().message;
      std::string field = message.starts_with("line ") ? message.substr(0, message.find_first_of(",:"))
                                                       : fmt::format("line {}", reader.line());
      return Error::Invalid(message, field);
    }
    if (!next->has_value()) break;
    const csv::Record& record = **next;
    last_line = record.line;
    if (record.fields.size() == 1 && record.fields[0].empty()) continue;  // a blank line
    if (!header) {
      bool ok = record.fields.size() == 4;
      for (size_t k = 0; ok && k < 4; ++k) ok = record.fields[k] == kColumns[k];
      if (!ok) return LineError(record.line, "the header must be 'from,to,metres,seconds'");
      header = true;
      continue;
    }
    if (record.fields.size() != 4) {
      return LineError(record.line, fmt::format("expected 4 columns, found {}", record.fields.size()));
    }
    RoadEntry e;
    for (int k = 0; k < 2; ++k) {
      const std::string& code = record.fields[static_cast<size_t>(k)];
      if (!place(code)) return CellError(record.line, k, fmt::format("'{}' is not {}", code, places));
    }
    e.from_code = record.fields[0];
    e.to_code = record.fields[1];
    int64_t values[2];
    for (int k = 2; k < 4; ++k) {
      Result<int64_t> v = text::ParseInt64(record.fields[static_cast<size_t>(k)]);
      if (!v) return CellError(record.line, k, v.error().message);
      if (*v < 0) return CellError(record.line, k, fmt::format("{} is negative", *v));
      // Within a county no road is 10,000 km long or takes 1,000 hours; the
      // bounds also keep every sum over a tour far from overflowing.
      const int64_t limit = k == 2 ? kMaxRoadMetres : kMaxRoadSeconds;
      if (*v > limit) {
        return CellError(record.line, k,
                         fmt::format("{} is more than {} {}, not a road inside a county", *v, limit,
                                     k == 2 ? "metres" : "seconds"));
      }
      values[k - 2] = *v;
    }
    e.metres = values[0];
    e.seconds = values[1];
    if (e.from_code == e.to_code) {
      if (e.metres != 0 || e.seconds != 0) {
        return LineError(record.line, fmt::format("from {} to itself must be 0 metres and 0 seconds", e.from_code));
      }
      continue;
    }
    auto [it, added] = seen.emplace(std::pair{e.from_code, e.to_code}, record.line);
    if (!added) {
      return LineError(record.line, fmt::format("the pair {} → {} was already given on line {}", e.from_code, e.to_code,
                                                it->second));
    }
    out.push_back(std::move(e));
  }
  if (!header) return LineError(1, "the header 'from,to,metres,seconds' is missing");
  if (out.empty()) return LineError(last_line, "the file ends without a pair of two different places");
  return out;
}

Result<RoadMatrixImport> ImportRoadMatrix(db::Connection& conn, const regions::RegionTree& tree,
                                          const audit::AuditLog* audit, std::string_view county, std::string_view csv,
                                          std::string_view actor) {
  if (!regions::IsRegionCode(county)) {
    return Error::Invalid(fmt::format("county is a 12-digit region code, not '{}'", county), "county");
  }
  Result<const regions::Region*> region = tree.Get(county);
  if (!region) return region.error();
  if ((*region)->level != regions::Level::kCounty) {
    return Error::Invalid(fmt::format("{} {} is not a county", (*region)->code, (*region)->name), "county");
  }
  auto place = [&](std::string_view code) {
    return regions::IsRegionCode(code) && tree.Find(code) != nullptr && tree.Covers(county, code);
  };
  Result<std::vector<RoadEntry>> legs =
      ParseRoadMatrixCsv(csv, place, fmt::format("a region of county {} {}", (*region)->code, (*region)->name));
  if (!legs) return legs.error();

  RoadMatrixImport outcome;
  outcome.pairs = static_cast<int64_t>(legs->size());
  db::Transaction tx(conn);
  auto count = conn.Prepare("SELECT COUNT(*) FROM logistics_road_matrix WHERE county_code = ?");
  count->Bind(1, county);
  if (count->Step()) outcome.replaced = count->Int(0);
  count->Run();
  ReplaceRoadMatrix(conn, county, *legs);
  if (audit) {
    audit::Entry e;
    e.action = "logistics.road_matrix";
    e.target = fmt::format("road_matrix:{}", county);
    e.region_code = std::string(county);
    e.detail = fmt::format("{}: {} road legs imported, replacing {}", actor, outcome.pairs, outcome.replaced);
    audit->Append(conn, nullptr, "", e);
  }
  tx.Commit();
  return outcome;
}

}  // namespace fupin::logistics
