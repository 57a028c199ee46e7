#include "engine/geo.h"

#include <fmt/format.h>

#include <cassert>
#include <cmath>
#include <map>
#include <numbers>
#include <optional>

#include "base/csv.h"
#include "base/text.h"

namespace fupin::engine {
namespace {

// The mean Earth radius (IUGG R1 = (2a + b) / 3 of WGS 84), in metres.
constexpr double kEarthRadiusMetres = 6371008.8;

double Radians(double degrees) { return degrees * std::numbers::pi / 180.0; }

// Whole metres and seconds fit a double exactly far beyond any road.
int64_t RoundToInt(double v) { return static_cast<int64_t>(std::llround(v)); }

constexpr const char* kMatrixHeader[] = {"from", "to", "metres", "seconds"};

}  // namespace

double GreatCircleMetres(GeoPoint a, GeoPoint b) {
  double phi1 = Radians(a.lat), phi2 = Radians(b.lat);
  double dphi = phi2 - phi1, dlambda = Radians(b.lon - a.lon);
  double h = std::sin(dphi / 2) * std::sin(dphi / 2) +
             std::cos(phi1) * std::cos(phi2) * std::sin(dlambda / 2) * std::sin(dlambda / 2);
  // Rounding can push h a hair above 1 for antipodal points.
  h = std::min(1.0, h);
  return 2 * kEarthRadiusMetres * std::asin(std::sqrt(h));
}

DistanceMatrix GreatCircleMatrix(const std::vector<GeoPoint>& points, double detour_factor, double speed_kmh) {
  assert(detour_factor > 0 && speed_kmh > 0);
  DistanceMatrix matrix;
  matrix.n = static_cast<int>(points.size());
  size_t cells = static_cast<size_t>(matrix.n) * matrix.n;
  matrix.metres.assign(cells, 0);
  matrix.seconds.assign(cells, 0);
  const double metres_per_second = speed_kmh / 3.6;
  for (int i = 0; i < matrix.n; ++i) {
    for (int j = i + 1; j < matrix.n; ++j) {
      double metres = GreatCircleMetres(points[i], points[j]) * detour_factor;
      int64_t m = RoundToInt(metres);
      int64_t s = RoundToInt(metres / metres_per_second);
      for (size_t k : {static_cast<size_t>(i) * matrix.n + j, static_cast<size_t>(j) * matrix.n + i}) {
        matrix.metres[k] = m;
        matrix.seconds[k] = s;
      }
    }
  }
  return matrix;
}

Result<DistanceMatrix> ParseMatrixCsv(std::string_view text, const std::vector<std::string>& ids) {
  std::map<std::string, int, std::less<>> index;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!index.emplace(ids[i], static_cast<int>(i)).second) {
      return Error::Invalid(fmt::format("id '{}' is given twice", ids[i]), "ids");
    }
  }
  const int n = static_cast<int>(ids.size());
  DistanceMatrix matrix;
  matrix.n = n;
  matrix.metres.assign(static_cast<size_t>(n) * n, 0);
  matrix.seconds.assign(static_cast<size_t>(n) * n, 0);
  std::vector<int64_t> seen_on_line(static_cast<size_t>(n) * n, 0);  // 0: not yet

  csv::Reader reader(text);
  bool header_read = false;
  while (true) {
    Result<std::optional<csv::Record>> next = reader.Next();
    if (!next) return next.error();
    if (!next->has_value()) break;
    const csv::Record& record = **next;
    if (record.fields.size() == 1 && record.fields[0].empty()) continue;  // a blank line
    if (!header_read) {
      bool ok = record.fields.size() == 4;
      for (size_t k = 0; ok && k < 4; ++k) ok = record.fields[k] == kMatrixHeader[k];
      if (!ok) {
        return Error::Invalid(fmt::format("line {}: the header must be 'from,to,metres,seconds'", record.line),
                              fmt::format("line {}", record.line));
      }
      header_read = true;
      continue;
    }
    if (record.fields.size() != 4) {
      return Error::Invalid(fmt::format("line {}: expected 4 columns, found {}", record.line, record.fields.size()),
                            fmt::format("line {}", record.line));
    }
    int ends[2];
    for (int k = 0; k < 2; ++k) {
      auto it = index.find(record.fields[k]);
      if (it == index.end()) {
        return Error::Invalid(fmt::format("line {}, column {} ({}): unknown id '{}'", record.line, k + 1,
                                          kMatrixHeader[k], record.fields[k]),
                              kMatrixHeader[k]);
      }
      ends[k] = it->second;
    }
    int64_t values[2];
    for (int k = 0; k < 2; ++k) {
      Result<int64_t> v = text::ParseInt64(record.fields[2 + k]);
      if (v && *v < 0) v = Error::Invalid(fmt::format("{} is negative", *v));
      if (!v) {
        return Error::Invalid(
            fmt::format("line {}, column {} ({}): {}", record.line, 3 + k, kMatrixHeader[2 + k], v.error().message),
            kMatrixHeader[2 + k]);
      }
      values[k] = *v;
    }
    size_t cell = static_cast<size_t>(ends[0]) * n + ends[1];
    if (ends[0] == ends[1]) {
      if (values[0] != 0 || values[1] != 0) {
        return Error::Invalid(
            fmt::format("line {}: from '{}' to itself must be 0 metres and 0 seconds", record.line, record.fields[0]),
            fmt::format("line {}", record.line));
      }
      continue;
    }
    if (seen_on_line[cell] != 0) {
      return Error::Invalid(fmt::format("line {}: the pair {} → {} was already given on line {}", record.line,
                                        record.fields[0], record.fields[1], seen_on_line[cell]),
                            fmt::format("line {}", record.line));
    }
    seen_on_line[cell] = record.line;
    matrix.metres[cell] = values[0];
    matrix.seconds[cell] = values[1];
  }
  if (!header_read) return Error::Invalid("line 1: the header 'from,to,metres,seconds' is missing", "line 1");
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i != j && seen_on_line[static_cast<size_t>(i) * n + j] == 0) {
        return Error::Invalid(fmt::format("the pair {} → {} is missing", ids[i], ids[j]));
      }
    }
  }
  return matrix;
}

}  // namespace fupin::engine
