#include "logistics/model.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "base/calendar.h"
#include "market/model.h"

namespace fupin::logistics {
namespace {

bool Digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int64_t CeilDiv(int64_t a, int64_t b) { return b <= 0 ? 0 : (a + b - 1) / b; }

struct KeyEntry {
  const char* key;
  const char* description;
  int64_t Config::*member;
  int64_t min;
  int64_t max;
};

constexpr int64_t kBig = 1'000'000'000'000;

const KeyEntry kKeys[] = {
    {"tariff_inbound_fen", "revenue per parcel delivered to a village, fen", &Config::tariff_inbound_fen, 0, kBig},
    {"tariff_outbound_fen", "revenue per parcel collected from a village, fen", &Config::tariff_outbound_fen, 0, kBig},
    {"van_capacity_g", "capacity of a township station's van, grams", &Config::van_capacity_g, 1, kBig},
    {"truck_capacity_g", "capacity of a county center's truck, grams", &Config::truck_capacity_g, 1, kBig},
    {"cost_per_km_fen", "vehicle cost per km driven, fen", &Config::cost_per_km_fen, 0, kBig},
    {"cost_per_hour_fen", "driver cost per hour on the road, fen", &Config::cost_per_hour_fen, 0, kBig},
    {"fixed_cost_per_route_fen", "fixed cost of one run of a vehicle, fen", &Config::fixed_cost_per_route_fen, 0, kBig},
    {"speed_kmh", "average speed on the roads, km/h", &Config::speed_kmh, 1, 200},
    {"detour_permille", "road distance per great-circle distance, per mille (1400 = 1.4)", &Config::detour_permille,
     1000, 10000},
    {"service_s_per_stop", "time spent at each stop, seconds", &Config::service_s_per_stop, 0, 86400},
    {"service_s_per_door_parcel", "extra time per inbound parcel taken to the door, seconds",
     &Config::service_s_per_door_parcel, 0, 86400},
    {"inbound_parcels_per_household_week_permille",
     "inbound parcels per household per week, per mille (the demo's inbound parcels)",
     &Config::inbound_parcels_per_household_week_permille, 0, 100000},
    {"runs_per_week", "runs of a station's van per week", &Config::runs_per_week, 1, 7},
    {"parcel_max_g", "heaviest parcel the demo packs, grams", &Config::parcel_max_g, 1, kBig},
    {"freight_min_g", "shipments at least this heavy go as freight, outside the parcel network (demo), grams",
     &Config::freight_min_g, 1, kBig},
};

const KeyEntry* FindKey(std::string_view key) {
  for (const KeyEntry& e : kKeys) {
    if (key == e.key) return &e;
  }
  return nullptr;
}

}  // namespace

Result<int64_t> ParseDate(std::string_view text, std::string_view field) {
  auto bad = [&] {
    return Error::Invalid(fmt::format("{} is a date YYYY-MM-DD, not '{}'", field, text), std::string(field));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  std::string_view ys = text.substr(0, 4), ms = text.substr(5, 2), ds = text.substr(8, 2);
  if (!Digits(ys) || !Digits(ms) || !Digits(ds)) return bad();
  int y = 0, m = 0, d = 0;
  std::from_chars(ys.data(), ys.data() + ys.size(), y);
  std::from_chars(ms.data(), ms.data() + ms.size(), m);
  std::from_chars(ds.data(), ds.data() + ds.size(), d);
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return bad();
  int64_t first = DaysFromCivil(y, m, 1);
  int64_t next = m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, m + 1, 1);
  if (d > next - first) return bad();
  return first + d - 1;
}

std::string FormatDate(int64_t days) {
  // Howard Hinnant's civil_from_days.
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

const char* TierName(Tier tier) {
  switch (tier) {
    case Tier::kCenter:
      return "center";
    case Tier::kStation:
      return "station";
    case Tier::kPoint:
      return "point";
  }
  return "point";
}

std::optional<Tier> ParseTier(std::string_view name) {
  for (Tier t : {Tier::kCenter, Tier::kStation, Tier::kPoint}) {
    if (name == TierName(t)) return t;
  }
  return std::nullopt;
}

const char* DirectionName(Direction d) { return d == Direction::kOutbound ? "outbound" : "inbound"; }

const char* ServedName(Served s) { return s == Served::kRoute ? "route" : "fetch"; }

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> out;
    for (const KeyEntry& e : kKeys) out.push_back({e.key, e.description});
    return out;
  }();
  return keys;
}

Status SetConfig(Config& config, std::string_view key, std::string_view value) {
  const KeyEntry* e = FindKey(key);
  if (!e) return Error::Invalid(fmt::format("unknown logistics setting '{}'", key), std::string(key));
  int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size() || v < e->min || v > e->max) {
    return Error::Invalid(
        fmt::format("logistics setting {} is a whole number from {} to {}, not '{}'", key, e->min, e->max, value),
        std::string(key));
  }
  config.*(e->member) = v;
  return {};
}

std::string ConfigValue(const Config& config, std::string_view key) {
  const KeyEntry* e = FindKey(key);
  return e ? std::to_string(config.*(e->member)) : std::string();
}

int64_t DivRound(int64_t a, int64_t b) { return b <= 0 ? 0 : market::MulDivRound(a, 1, b); }

int64_t RouteCostFen(const Config& config, int64_t distance_m, int64_t duration_s) {
  return config.fixed_cost_per_route_fen + market::MulDivRound(distance_m, config.cost_per_km_fen, 1000) +
         market::MulDivRound(duration_s, config.cost_per_hour_fen, 3600);
}

std::vector<int64_t> ShareCost(int64_t cost_fen, const std::vector<int64_t>& round_trip_m) {
  std::vector<int64_t> weights = round_trip_m;
  bool all_zero = std::all_of(weights.begin(), weights.end(), [](int64_t w) { return w <= 0; });
  if (all_zero) std::fill(weights.begin(), weights.end(), 1);
  for (int64_t& w : weights) w = std::max<int64_t>(w, 0);
  return market::Apportion(cost_fen, weights);
}

std::vector<Part> SplitForCapacity(const Part& whole, int64_t capacity_g) {
  int64_t n = std::max<int64_t>({1, CeilDiv(whole.delivery_g, capacity_g), CeilDiv(whole.pickup_g, capacity_g)});
  std::vector<int64_t> equal(static_cast<size_t>(n), 1);
  std::vector<int64_t> d = market::Apportion(whole.delivery_g, equal);
  std::vector<int64_t> p = market::Apportion(whole.pickup_g, equal);
  std::vector<int64_t> pi = market::Apportion(whole.parcels_in, equal);
  std::vector<int64_t> po = market::Apportion(whole.parcels_out, equal);
  std::vector<int64_t> door = market::Apportion(whole.door_parcels, equal);
  std::vector<Part> parts(static_cast<size_t>(n));
  for (size_t i = 0; i < parts.size(); ++i) parts[i] = Part{d[i], p[i], pi[i], po[i], door[i]};
  return parts;
}

std::vector<int64_t> LoadProfile(const std::vector<int64_t>& delivery_g, const std::vector<int64_t>& pickup_g) {
  int64_t load = 0;
  for (int64_t d : delivery_g) load += d;
  std::vector<int64_t> profile{load};
  for (size_t i = 0; i < delivery_g.size(); ++i) {
    load = load - delivery_g[i] + (i < pickup_g.size() ? pickup_g[i] : 0);
    profile.push_back(load);
  }
  return profile;
}

Economics VillageEconomics(const Config& config, const VillageMoney& v) {
  Economics e;
  e.parcels = v.parcels_in + v.parcels_out;
  e.revenue_fen = v.parcels_in * config.tariff_inbound_fen + v.parcels_out * config.tariff_outbound_fen;
  e.margin_fen = e.revenue_fen - v.cost_fen;
  e.cost_per_parcel_fen = DivRound(v.cost_fen, e.parcels);
  e.revenue_per_parcel_fen = DivRound(e.revenue_fen, e.parcels);
  e.breaks_even = e.margin_fen >= 0;
  if (!e.breaks_even && e.revenue_fen > 0) {
    // cost / (revenue / parcels), rounded up.
    __int128 need = static_cast<__int128>(v.cost_fen) * e.parcels;
    e.break_even_parcels_per_run = static_cast<int64_t>((need + e.revenue_fen - 1) / e.revenue_fen);
    // The day's parcels are what accumulated over 7 / runs_per_week days.
    __int128 runs = static_cast<__int128>(config.runs_per_week) * e.revenue_fen / v.cost_fen;
    e.break_even_runs_per_week = static_cast<int64_t>(std::min<__int128>(runs, 7));
  }
  return e;
}

}  // namespace fupin::logistics
