#include "engine/vrp_instance.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fupin::engine {
namespace {

// 20000 nodes: a full int64 matrix of 3.2 GB, the most routing.h's dense
// matrix can sensibly hold.
constexpr int kMaxDimension = 20000;
// Bound on every quantity and scaled distance, so that a route's load, cost and
// duration (at most kMaxDimension terms) can never overflow int64.
constexpr int64_t kMaxValue = 1'000'000'000'000;  // 10^12
constexpr double kMaxScale = 1e6;

// ------------------------------------------------------------------ lexing

struct Line {
  int number = 0;
  std::string_view text;                 // blanks trimmed
  std::vector<std::string_view> tokens;  // split at blanks
};

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Tokens(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsBlank(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !IsBlank(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// Lines end in LF, CRLF or CR.
std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  size_t pos = 0;
  int number = 1;
  while (pos < text.size()) {
    size_t end = pos;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
    Line line;
    line.number = number++;
    line.text = Trim(text.substr(pos, end - pos));
    line.tokens = Tokens(line.text);
    lines.push_back(std::move(line));
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ++end;
    pos = end + 1;
  }
  return lines;
}

// A token as it may appear in a message: at most 40 characters, control and
// non-ASCII bytes shown as '?'.
std::string Shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) {
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  if (s.size() > 40) out += "...";
  return "'" + out + "'";
}

Error LineError(int line, std::string_view reason) {
  return Error::Invalid(fmt::format("line {}: {}", line, reason), fmt::format("line {}", line));
}

bool StartsNumber(std::string_view s) {
  if (s.empty()) return false;
  char c = s.front();
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
}

std::optional<int64_t> ToInteger(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ToReal(std::string_view s) {
  if (!StartsNumber(s)) return std::nullopt;  // refuses "inf", "nan"
  if (s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.front() == '+' || (s.front() == '-' && s.size() > 1 && s[1] == '-')) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// ------------------------------------------------------------------ parsing

enum class Format { kFull, kLowerRow, kUpperRow, kLowerDiagRow, kUpperDiagRow };

struct NodeEntry {
  int line = 0;  // 0: not given
};

struct Parsed {
  int last_line = 1;
  std::optional<std::string> name;
  std::optional<std::string> type;
  int type_line = 0;
  std::optional<int> dimension;
  int dimension_line = 0;
  std::optional<int64_t> capacity;
  int capacity_line = 0;
  std::optional<std::string> edge_weight_type;
  int edge_weight_type_line = 0;
  std::optional<Format> format;
  double scale = 1;
  bool scale_given = false;
  std::optional<double> distance_limit;
  int distance_line = 0;
  std::optional<double> service_time;
  int service_time_line = 0;
  std::optional<int> vehicles;

  int coord_section_line = 0;
  std::vector<double> x, y;
  std::vector<int> coord_line;

  int demand_section_line = 0;
  std::vector<int64_t> demand;
  std::vector<int> demand_line;

  int pd_section_line = 0;
  std::vector<int64_t> pickup, delivery;
  std::vector<double> pd_service;
  std::vector<int> pd_line;

  int weight_section_line = 0;
  std::vector<double> weights;

  int depot_section_line = 0;
};

// Per-node section rows: `id` then `columns - 1` values.
Result<int> NodeId(const Line& line, std::string_view section, int n, const std::vector<int>& seen_line) {
  std::optional<int64_t> id = ToInteger(line.tokens[0]);
  if (!id)
    return LineError(line.number, fmt::format("{}: node id {} is not a whole number", section, Shown(line.tokens[0])));
  if (*id < 1 || *id > n) {
    return LineError(line.number, fmt::format("{}: node id {} is out of range 1..{} (DIMENSION)", section, *id, n));
  }
  int i = static_cast<int>(*id - 1);
  if (seen_line[i] != 0) {
    return LineError(line.number,
                     fmt::format("{}: node {} is listed twice (first on line {})", section, *id, seen_line[i]));
  }
  return i;
}

Result<int64_t> Quantity(const Line& line, std::string_view token, std::string_view what) {
  std::optional<int64_t> v = ToInteger(token);
  if (!v) {
    std::string_view kind = ToReal(token) ? "a whole number" : "a number";
    return LineError(line.number, fmt::format("{} {} is not {}", what, Shown(token), kind));
  }
  if (*v < 0) return LineError(line.number, fmt::format("{} {} is negative", what, *v));
  if (*v > kMaxValue) return LineError(line.number, fmt::format("{} {} is above the supported 10^12", what, *v));
  return *v;
}

Result<double> Real(const Line& line, std::string_view token, std::string_view what, bool non_negative) {
  std::optional<double> v = ToReal(token);
  if (!v) return LineError(line.number, fmt::format("{} {} is not a number", what, Shown(token)));
  if (non_negative && *v < 0) return LineError(line.number, fmt::format("{} {} is negative", what, Shown(token)));
  if (std::fabs(*v) > 1e15) return LineError(line.number, fmt::format("{} {} is too large", what, Shown(token)));
  return *v;
}

Status NeedDimension(const Parsed& p, const Line& header, std::string_view section) {
  if (!p.dimension) return LineError(header.number, fmt::format("{} comes before DIMENSION", section));
  return {};
}

Status ReadCoords(Parsed& p, const Line& header, const std::vector<const Line*>& rows) {
  if (Status s = NeedDimension(p, header, "NODE_COORD_SECTION"); !s) return s;
  int n = *p.dimension;
  p.x.assign(n, 0);
  p.y.assign(n, 0);
  p.coord_line.assign(n, 0);
  for (const Line* row : rows) {
    if (row->tokens.size() != 3) {
      return LineError(row->number,
                       fmt::format("NODE_COORD_SECTION: expected 3 numbers 'id x y', found {}", row->tokens.size()));
    }
    Result<int> i = NodeId(*row, "NODE_COORD_SECTION", n, p.coord_line);
    if (!i) return i.error();
    Result<double> x = Real(*row, row->tokens[1], "x coordinate", false);
    if (!x) return x.error();
    Result<double> y = Real(*row, row->tokens[2], "y coordinate", false);
    if (!y) return y.error();
    if (std::fabs(*x) > 1e9 || std::fabs(*y) > 1e9) {
      return LineError(row->number, "coordinates beyond ±10^9 are not supported");
    }
    p.x[*i] = *x;
    p.y[*i] = *y;
    p.coord_line[*i] = row->number;
  }
  return {};
}

Status ReadDemands(Parsed& p, const Line& header, const std::vector<const Line*>& rows) {
  if (Status s = NeedDimension(p, header, "DEMAND_SECTION"); !s) return s;
  int n = *p.dimension;
  p.demand.assign(n, 0);
  p.demand_line.assign(n, 0);
  for (const Line* row : rows) {
    if (row->tokens.size() != 2) {
      return LineError(row->number,
                       fmt::format("DEMAND_SECTION: expected 2 numbers 'id demand', found {}", row->tokens.size()));
    }
    Result<int> i = NodeId(*row, "DEMAND_SECTION", n, p.demand_line);
    if (!i) return i.error();
    Result<int64_t> d = Quantity(*row, row->tokens[1], "demand");
    if (!d) return d.error();
    p.demand[*i] = *d;
    p.demand_line[*i] = row->number;
  }
  return {};
}

Status ReadPickupDelivery(Parsed& p, const Line& header, const std::vector<const Line*>& rows) {
  if (Status s = NeedDimension(p, header, "PICKUP_AND_DELIVERY_SECTION"); !s) return s;
  int n = *p.dimension;
  p.pickup.assign(n, 0);
  p.delivery.assign(n, 0);
  p.pd_service.assign(n, 0);
  p.pd_line.assign(n, 0);
  for (const Line* row : rows) {
    if (row->tokens.size() != 7) {
      return LineError(row->number,
                       fmt::format("PICKUP_AND_DELIVERY_SECTION: expected 7 numbers 'id demand earliest latest "
                                   "service pickup delivery', found {}",
                                   row->tokens.size()));
    }
    Result<int> i = NodeId(*row, "PICKUP_AND_DELIVERY_SECTION", n, p.pd_line);
    if (!i) return i.error();
    // The demand and time-window columns are not used, but must be numbers.
    for (int c = 1; c <= 3; ++c) {
      static constexpr const char* kNames[] = {"", "demand", "earliest time", "latest time"};
      if (Result<double> v = Real(*row, row->tokens[c], kNames[c], false); !v) return v.error();
    }
    Result<double> service = Real(*row, row->tokens[4], "service time", true);
    if (!service) return service.error();
    Result<int64_t> pickup = Quantity(*row, row->tokens[5], "pickup");
    if (!pickup) return pickup.error();
    Result<int64_t> delivery = Quantity(*row, row->tokens[6], "delivery");
    if (!delivery) return delivery.error();
    p.pickup[*i] = *pickup;
    p.delivery[*i] = *delivery;
    p.pd_service[*i] = *service;
    p.pd_line[*i] = row->number;
  }
  return {};
}

Status ReadWeights(Parsed& p, const std::vector<const Line*>& rows) {
  for (const Line* row : rows) {
    for (std::string_view token : row->tokens) {
      Result<double> w = Real(*row, token, "EDGE_WEIGHT_SECTION: distance", true);
      if (!w) return w.error();
      p.weights.push_back(*w);
    }
  }
  return {};
}

Status ReadDepots(const Line& header, const std::vector<const Line*>& rows) {
  std::vector<std::pair<std::string_view, int>> tokens;
  for (const Line* row : rows) {
    for (std::string_view token : row->tokens) tokens.emplace_back(token, row->number);
  }
  if (tokens.empty()) return LineError(header.number, "DEPOT_SECTION is empty: expected '1' then '-1'");
  bool ended = false;
  int depots = 0;
  for (auto [token, line] : tokens) {
    if (ended) return LineError(line, fmt::format("DEPOT_SECTION: {} after the closing -1", Shown(token)));
    std::optional<int64_t> id = ToInteger(token);
    if (!id) return LineError(line, fmt::format("DEPOT_SECTION: {} is not a whole number", Shown(token)));
    if (*id == -1) {
      ended = true;
      continue;
    }
    if (*id != 1) {
      return LineError(line, fmt::format("the depot is node {}; only node 1 is supported as the depot", *id));
    }
    if (++depots > 1) return LineError(line, "DEPOT_SECTION: more than one depot; only one (node 1) is supported");
  }
  if (!ended) return LineError(tokens.back().second, "DEPOT_SECTION does not end with -1");
  if (depots == 0) return LineError(header.number, "DEPOT_SECTION names no depot: expected '1' then '-1'");
  return {};
}

Status ReadHeader(Parsed& p, const Line& line, std::string_view key, std::string_view value) {
  auto once = [&](bool given) -> Status {
    if (given) return LineError(line.number, fmt::format("{} is given twice", key));
    if (value.empty()) return LineError(line.number, fmt::format("{} has no value", key));
    return {};
  };
  auto whole = [&](int64_t min, int64_t max) -> Result<int64_t> {
    std::optional<int64_t> v = ToInteger(value);
    if (!v) return LineError(line.number, fmt::format("{} {} is not a whole number", key, Shown(value)));
    if (*v < min || *v > max) {
      return LineError(line.number, fmt::format("{} {} is out of range {}..{}", key, *v, min, max));
    }
    return *v;
  };
  auto real = [&]() -> Result<double> {
    std::optional<double> v = ToReal(value);
    if (!v) return LineError(line.number, fmt::format("{} {} is not a number", key, Shown(value)));
    if (*v < 0) return LineError(line.number, fmt::format("{} {} is negative", key, Shown(value)));
    return *v;
  };
  if (key == "NAME") {
    if (p.name) return LineError(line.number, "NAME is given twice");
    p.name = std::string(value);
  } else if (key == "TYPE") {
    if (Status s = once(p.type.has_value()); !s) return s;
    if (value != "CVRP" && value != "VRPSPD") {
      return LineError(line.number, fmt::format("TYPE {} is not supported: expected CVRP or VRPSPD", Shown(value)));
    }
    p.type = std::string(value);
    p.type_line = line.number;
  } else if (key == "DIMENSION") {
    if (Status s = once(p.dimension.has_value()); !s) return s;
    Result<int64_t> v = whole(2, kMaxDimension);
    if (!v) return v.error();
    p.dimension = static_cast<int>(*v);
    p.dimension_line = line.number;
  } else if (key == "CAPACITY") {
    if (Status s = once(p.capacity.has_value()); !s) return s;
    Result<int64_t> v = whole(1, kMaxValue);
    if (!v) return v.error();
    p.capacity = *v;
    p.capacity_line = line.number;
  } else if (key == "VEHICLES") {
    if (Status s = once(p.vehicles.has_value()); !s) return s;
    Result<int64_t> v = whole(0, kMaxDimension);
    if (!v) return v.error();
    p.vehicles = static_cast<int>(*v);
  } else if (key == "EDGE_WEIGHT_TYPE") {
    if (Status s = once(p.edge_weight_type.has_value()); !s) return s;
    if (value != "EUC_2D" && value != "EXACT_2D" && value != "CEIL_2D" && value != "EXPLICIT") {
      return LineError(line.number, fmt::format("EDGE_WEIGHT_TYPE {} is not supported: expected EUC_2D, EXACT_2D, "
                                                "CEIL_2D or EXPLICIT",
                                                Shown(value)));
    }
    p.edge_weight_type = std::string(value);
    p.edge_weight_type_line = line.number;
  } else if (key == "EDGE_WEIGHT_FORMAT") {
    if (Status s = once(p.format.has_value()); !s) return s;
    // A *_COL form lists the transpose of the *_ROW form of the other triangle.
    if (value == "FULL_MATRIX") {
      p.format = Format::kFull;
    } else if (value == "LOWER_ROW" || value == "UPPER_COL") {
      p.format = Format::kLowerRow;
    } else if (value == "UPPER_ROW" || value == "LOWER_COL") {
      p.format = Format::kUpperRow;
    } else if (value == "LOWER_DIAG_ROW" || value == "UPPER_DIAG_COL") {
      p.format = Format::kLowerDiagRow;
    } else if (value == "UPPER_DIAG_ROW" || value == "LOWER_DIAG_COL") {
      p.format = Format::kUpperDiagRow;
    } else {
      return LineError(line.number, fmt::format("EDGE_WEIGHT_FORMAT {} is not supported: expected FULL_MATRIX, "
                                                "LOWER_ROW, UPPER_ROW, LOWER_DIAG_ROW or UPPER_DIAG_ROW",
                                                Shown(value)));
    }
  } else if (key == "SCALE") {
    if (Status st = once(p.scale_given); !st) return st;
    p.scale_given = true;
    Result<double> v = real();
    if (!v) return v.error();
    if (!(*v >= 1e-6 && *v <= kMaxScale)) {
      return LineError(line.number, fmt::format("SCALE {} is out of range 10^-6..10^6", Shown(value)));
    }
    p.scale = *v;
  } else if (key == "DISTANCE") {
    if (Status s = once(p.distance_limit.has_value()); !s) return s;
    Result<double> v = real();
    if (!v) return v.error();
    p.distance_limit = *v;
    p.distance_line = line.number;
  } else if (key == "SERVICE_TIME") {
    if (Status s = once(p.service_time.has_value()); !s) return s;
    Result<double> v = real();
    if (!v) return v.error();
    if (*v > 1e15) return LineError(line.number, fmt::format("SERVICE_TIME {} is too large", Shown(value)));
    p.service_time = *v;
    p.service_time_line = line.number;
  }
  // Other keys (COMMENT, DISPLAY_DATA_TYPE, NODE_COORD_TYPE, ...) say nothing
  // the problem needs.
  return {};
}

// nint(x) = floor(x + 0.5), TSPLIB's rounding.
int64_t Nint(double x) { return static_cast<int64_t>(std::floor(x + 0.5)); }

Result<std::vector<int64_t>> BuildMatrix(const Parsed& p, int n) {
  const bool explicit_weights = *p.edge_weight_type == "EXPLICIT";
  std::vector<int64_t> d;
  auto scaled = [&](double v, int line, std::string_view what) -> Result<int64_t> {
    double s = v * p.scale;
    if (!(s <= static_cast<double>(kMaxValue))) {
      return LineError(line, fmt::format("{} × SCALE = {:.0f} is above the supported 10^12", what, s));
    }
    return Nint(s);
  };
  if (!explicit_weights) {
    d.assign(static_cast<size_t>(n) * n, 0);
    const bool ceil = *p.edge_weight_type == "CEIL_2D";
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        if (i == j) continue;
        double dx = p.x[i] - p.x[j], dy = p.y[i] - p.y[j];
        double e = std::sqrt(dx * dx + dy * dy) * p.scale;
        if (!(e <= static_cast<double>(kMaxValue))) {
          return LineError(p.coord_line[j], fmt::format("the distance from node {} to node {} is above the "
                                                        "supported 10^12",
                                                        i + 1, j + 1));
        }
        d[static_cast<size_t>(i) * n + j] = ceil ? static_cast<int64_t>(std::ceil(e)) : Nint(e);
      }
    }
    return d;
  }
  const Format format = *p.format;
  const int64_t nn = n;
  int64_t expected = 0;
  const char* described = "";
  switch (format) {
    case Format::kFull:
      expected = nn * nn;
      described = "FULL_MATRIX needs n×n";
      break;
    case Format::kLowerRow:
      expected = nn * (nn - 1) / 2;
      described = "LOWER_ROW needs n(n-1)/2";
      break;
    case Format::kUpperRow:
      expected = nn * (nn - 1) / 2;
      described = "UPPER_ROW needs n(n-1)/2";
      break;
    case Format::kLowerDiagRow:
      expected = nn * (nn + 1) / 2;
      described = "LOWER_DIAG_ROW needs n(n+1)/2";
      break;
    case Format::kUpperDiagRow:
      expected = nn * (nn + 1) / 2;
      described = "UPPER_DIAG_ROW needs n(n+1)/2";
      break;
  }
  if (static_cast<int64_t>(p.weights.size()) != expected) {
    return LineError(p.weight_section_line,
                     fmt::format("EDGE_WEIGHT_SECTION holds {} numbers; {} = {} for DIMENSION {}", p.weights.size(),
                                 described, expected, n));
  }
  // Allocated only once the numbers are known to fill it.
  d.assign(static_cast<size_t>(n) * n, 0);
  size_t k = 0;
  auto put = [&](int i, int j, bool symmetric) -> Status {
    Result<int64_t> v = scaled(p.weights[k++], p.weight_section_line, "an EDGE_WEIGHT_SECTION distance");
    if (!v) return v.error();
    d[static_cast<size_t>(i) * n + j] = *v;
    if (symmetric) d[static_cast<size_t>(j) * n + i] = *v;
    return {};
  };
  for (int i = 0; i < n; ++i) {
    int from = 0, to = n;  // j range of row i
    switch (format) {
      case Format::kFull:
        from = 0;
        to = n;
        break;
      case Format::kLowerRow:
        from = 0;
        to = i;
        break;
      case Format::kUpperRow:
        from = i + 1;
        to = n;
        break;
      case Format::kLowerDiagRow:
        from = 0;
        to = i + 1;
        break;
      case Format::kUpperDiagRow:
        from = i;
        to = n;
        break;
    }
    for (int j = from; j < to; ++j) {
      if (Status s = put(i, j, format != Format::kFull); !s) return s.error();
    }
  }
  for (int i = 0; i < n; ++i) {
    if (format != Format::kFull) d[static_cast<size_t>(i) * n + i] = 0;
  }
  return d;
}

std::string MissingNode(const std::vector<int>& seen_line) {
  for (size_t i = 0; i < seen_line.size(); ++i) {
    if (seen_line[i] == 0) return fmt::format("node {}", i + 1);
  }
  return "none";
}

Status CheckComplete(const std::vector<int>& seen_line, int section_line, std::string_view section, int n) {
  int64_t given = std::count_if(seen_line.begin(), seen_line.end(), [](int l) { return l != 0; });
  if (given == n) return {};
  return LineError(section_line, fmt::format("{} lists {} nodes, DIMENSION is {} ({} is missing)", section, given, n,
                                             MissingNode(seen_line)));
}

Result<VrpInstance> Build(const Parsed& p) {
  const int end = p.last_line;
  if (!p.type) return LineError(end, "missing TYPE (CVRP or VRPSPD)");
  if (!p.dimension) return LineError(end, "missing DIMENSION");
  if (!p.capacity) return LineError(end, "missing CAPACITY");
  if (!p.edge_weight_type) return LineError(end, "missing EDGE_WEIGHT_TYPE");
  const int n = *p.dimension;
  const bool spd = *p.type == "VRPSPD";
  const bool explicit_weights = *p.edge_weight_type == "EXPLICIT";
  if (explicit_weights) {
    if (!p.format) return LineError(p.edge_weight_type_line, "EDGE_WEIGHT_TYPE EXPLICIT needs an EDGE_WEIGHT_FORMAT");
    if (p.weight_section_line == 0) return LineError(end, "missing EDGE_WEIGHT_SECTION (EDGE_WEIGHT_TYPE EXPLICIT)");
  } else {
    if (p.coord_section_line == 0) {
      return LineError(end, fmt::format("missing NODE_COORD_SECTION (EDGE_WEIGHT_TYPE {})", *p.edge_weight_type));
    }
    if (Status s = CheckComplete(p.coord_line, p.coord_section_line, "NODE_COORD_SECTION", n); !s) return s.error();
  }

  VrpInstance instance;
  instance.name = p.name.value_or("");
  instance.type = *p.type;
  instance.cost_scale = p.scale;
  instance.vehicles = p.vehicles.value_or(0);
  RoutingProblem& problem = instance.problem;
  problem.n = n;
  problem.capacity = *p.capacity;

  if (spd) {
    if (p.pd_section_line == 0) return LineError(end, "missing PICKUP_AND_DELIVERY_SECTION (TYPE VRPSPD)");
    if (Status s = CheckComplete(p.pd_line, p.pd_section_line, "PICKUP_AND_DELIVERY_SECTION", n); !s) {
      return s.error();
    }
    if (p.pickup[0] != 0 || p.delivery[0] != 0) {
      return LineError(p.pd_line[0], fmt::format("the depot (node 1) picks up {} and delivers {}; expected 0 and 0",
                                                 p.pickup[0], p.delivery[0]));
    }
    for (int i = 1; i < n; ++i) {
      if (p.pickup[i] > *p.capacity || p.delivery[i] > *p.capacity) {
        return LineError(p.pd_line[i], fmt::format("node {} picks up {} and delivers {}: more than the capacity {}",
                                                   i + 1, p.pickup[i], p.delivery[i], *p.capacity));
      }
    }
    problem.delivery = p.delivery;
    problem.pickup = p.pickup;
  } else {
    if (p.demand_section_line == 0) return LineError(end, "missing DEMAND_SECTION (TYPE CVRP)");
    if (Status s = CheckComplete(p.demand_line, p.demand_section_line, "DEMAND_SECTION", n); !s) return s.error();
    if (p.demand[0] != 0) {
      return LineError(p.demand_line[0], fmt::format("the depot (node 1) has demand {}; expected 0", p.demand[0]));
    }
    for (int i = 1; i < n; ++i) {
      if (p.demand[i] > *p.capacity) {
        return LineError(p.demand_line[i],
                         fmt::format("node {} demands {}, more than the capacity {}", i + 1, p.demand[i], *p.capacity));
      }
    }
    problem.delivery = p.demand;
  }

  Result<std::vector<int64_t>> matrix = BuildMatrix(p, n);
  if (!matrix) return matrix.error();
  problem.distance = std::move(*matrix);

  // Service times: the section's column where it is positive, else SERVICE_TIME.
  std::vector<int64_t> service(n, 0);
  bool any_service = false;
  for (int i = 1; i < n; ++i) {
    double s = 0;
    int line = p.service_time_line;
    if (spd && p.pd_service[i] > 0) {
      s = p.pd_service[i];
      line = p.pd_line[i];
    } else if (p.service_time) {
      s = *p.service_time;
    }
    double scaled = s * p.scale;
    if (!(scaled <= static_cast<double>(kMaxValue))) {
      return LineError(line, "a service time × SCALE above the supported 10^12");
    }
    service[i] = Nint(scaled);
    any_service = any_service || service[i] > 0;
  }
  if (any_service) problem.service_time = std::move(service);

  if (p.distance_limit && *p.distance_limit > 0) {
    // The longest any route could last: every node left once by its longest arc.
    int64_t reachable = 0;
    for (int i = 0; i < n; ++i) {
      int64_t longest = 0;
      for (int j = 0; j < n; ++j) longest = std::max(longest, problem.distance[static_cast<size_t>(i) * n + j]);
      reachable += longest + (problem.service_time.empty() ? 0 : problem.service_time[i]);
    }
    double limit = std::floor(*p.distance_limit * p.scale + 1e-9);
    if (limit < 1) {
      return LineError(p.distance_line, fmt::format("DISTANCE {} is below one distance unit at SCALE {}: no route "
                                                    "could be driven",
                                                    *p.distance_limit, p.scale));
    }
    if (limit < static_cast<double>(reachable)) problem.max_duration = static_cast<int64_t>(limit);
  }
  return instance;
}

bool IsSectionData(const Line& line) { return !line.tokens.empty() && StartsNumber(line.tokens[0]); }

}  // namespace

Result<VrpInstance> ParseVrpInstance(std::string_view text) {
  std::vector<Line> lines = SplitLines(text);
  Parsed p;
  bool any = false;
  for (const Line& line : lines) {
    if (!line.tokens.empty()) any = true;
  }
  if (!any) return LineError(1, "the file is empty");
  p.last_line = lines.empty() ? 1 : lines.back().number;

  size_t i = 0;
  while (i < lines.size()) {
    const Line& line = lines[i];
    if (line.tokens.empty()) {
      ++i;
      continue;
    }
    if (line.text == "EOF") {
      p.last_line = line.number;
      break;
    }
    std::string_view key, value;
    if (size_t colon = line.text.find(':'); colon != std::string_view::npos) {
      key = Trim(line.text.substr(0, colon));
      value = Trim(line.text.substr(colon + 1));
    } else {
      key = line.tokens[0];
      value = Trim(line.text.substr(key.size()));
    }
    bool word = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (!word || (key.front() >= '0' && key.front() <= '9')) {
      if (IsSectionData(line)) return LineError(line.number, "numbers outside any section");
      return LineError(line.number,
                       fmt::format("expected 'KEY : value', a section name or EOF, found {}", Shown(line.text)));
    }
    ++i;
    if (!key.ends_with("_SECTION")) {
      if (Status s = ReadHeader(p, line, key, value); !s) return s.error();
      continue;
    }
    if (!value.empty()) {
      return LineError(line.number, fmt::format("{} must stand alone on its line, found {}", key, Shown(value)));
    }
    std::vector<const Line*> rows;
    while (i < lines.size() && (lines[i].tokens.empty() || IsSectionData(lines[i]))) {
      if (!lines[i].tokens.empty()) rows.push_back(&lines[i]);
      ++i;
    }
    auto first = [&](int& section_line) -> Status {
      if (section_line != 0) {
        return LineError(line.number, fmt::format("{} is given twice (first on line {})", key, section_line));
      }
      section_line = line.number;
      return {};
    };
    Status s;
    if (key == "NODE_COORD_SECTION") {
      if (s = first(p.coord_section_line); s) s = ReadCoords(p, line, rows);
    } else if (key == "DEMAND_SECTION") {
      if (s = first(p.demand_section_line); s) s = ReadDemands(p, line, rows);
    } else if (key == "PICKUP_AND_DELIVERY_SECTION") {
      if (s = first(p.pd_section_line); s) s = ReadPickupDelivery(p, line, rows);
    } else if (key == "EDGE_WEIGHT_SECTION") {
      if (s = first(p.weight_section_line); s) s = ReadWeights(p, rows);
    } else if (key == "DEPOT_SECTION") {
      if (s = first(p.depot_section_line); s) s = ReadDepots(line, rows);
    } else if (key == "DISPLAY_DATA_SECTION") {
      // Coordinates for drawing only.
    } else {
      s = LineError(line.number, fmt::format("section {} is not supported", Shown(key)));
    }
    if (!s) return s.error();
  }
  return Build(p);
}

std::string FormatScaledCost(int64_t cost, double cost_scale) {
  if (cost_scale == 1) return std::to_string(cost);
  int digits = 0;
  int64_t power = 1;
  while (digits < 9 && static_cast<double>(power) < cost_scale) {
    power *= 10;
    ++digits;
  }
  if (static_cast<double>(power) == cost_scale) {
    // Exact: integer arithmetic, no rounding.
    uint64_t magnitude = cost < 0 ? 0 - static_cast<uint64_t>(cost) : static_cast<uint64_t>(cost);
    return fmt::format("{}{}.{:0{}}", cost < 0 ? "-" : "", magnitude / power, magnitude % power, digits);
  }
  return fmt::format("{:.6f}", static_cast<double>(cost) / cost_scale);
}

std::string FormatCvrplibSolution(const std::vector<std::vector<int>>& routes, int64_t cost, double cost_scale) {
  std::string out;
  for (size_t r = 0; r < routes.size(); ++r) {
    out += fmt::format("Route #{}:", r + 1);
    for (int stop : routes[r]) out += fmt::format(" {}", stop);
    out += '\n';
  }
  out += fmt::format("Cost {}\n", FormatScaledCost(cost, cost_scale));
  return out;
}

Result<std::vector<std::vector<int>>> ParseCvrplibSolution(std::string_view text) {
  std::vector<std::vector<int>> routes;
  for (const Line& line : SplitLines(text)) {
    if (line.tokens.empty()) continue;
    if (line.tokens[0] == "Cost" || line.tokens[0] == "Cost:") continue;
    if (!line.text.starts_with("Route")) {
      return LineError(line.number, fmt::format("expected 'Route #k: stops' or 'Cost C', found {}", Shown(line.text)));
    }
    std::string_view rest = Trim(line.text.substr(5));
    size_t colon = rest.find(':');
    if (rest.empty() || rest.front() != '#' || colon == std::string_view::npos) {
      return LineError(line.number, fmt::format("expected 'Route #k: stops', found {}", Shown(line.text)));
    }
    std::string_view number = Trim(rest.substr(1, colon - 1));
    std::optional<int64_t> k = ToInteger(number);
    if (!k || *k < 1) {
      return LineError(line.number, fmt::format("route number {} is not a whole number from 1", Shown(number)));
    }
    std::vector<int> route;
    for (std::string_view token : Tokens(rest.substr(colon + 1))) {
      std::optional<int64_t> stop = ToInteger(token);
      if (!stop || *stop < 0 || *stop > std::numeric_limits<int>::max()) {
        return LineError(line.number, fmt::format("route #{}: stop {} is not a whole number from 0", *k, Shown(token)));
      }
      route.push_back(static_cast<int>(*stop));
    }
    routes.push_back(std::move(route));
  }
  if (routes.empty()) return LineError(1, "no 'Route #k: stops' line: not a CVRPLIB solution");
  return routes;
}

}  // namespace fupin::engine
