#include "logistics/demo.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "audit/model.h"
#include "db/database.h"
#include "demo/random.h"
#include "logistics/model.h"
#include "logistics/store.h"
#include "market/model.h"
#include "regions/tree.h"

namespace fupin::logistics {
namespace {

using demo::Random;

constexpr int kPaperCenters2016 = 8;       // the paper, table 1: 8 county service centers (2016)
constexpr int kPaperStations2016 = 25;     // the paper, table 1: 25 service stations (2016)
constexpr int kPaperNewStations2018 = 33;  // the paper, 3.2: 33 new township stations (2018)
constexpr int kPaperPoints = 560;          // the paper, 3.2: 560 poor villages covered (2018)
constexpr int kPaperNewPoints2018 = 214;   // the paper, 3.2: 214 new village stations (2018)
// Daily handling capacities: scenario choices (ASSUMED), not data.
constexpr int64_t kCenterCapacity = 6000;
constexpr int64_t kStationCapacity = 600;
constexpr int64_t kPointCapacity = 100;
constexpr int kInboundDays = 7;  // the last days of the registry's last year
const char* kSyntheticNote = "demo: near its township seat, inside its county (synthetic, not a real location)";

struct Point {
  int64_t lon_e6 = 0;
  int64_t lat_e6 = 0;
};

struct Box {
  int64_t min_lon = 0, max_lon = 0, min_lat = 0, max_lat = 0;
  Point Clamp(Point p) const {
    return Point{std::clamp(p.lon_e6, min_lon, max_lon), std::clamp(p.lat_e6, min_lat, max_lat)};
  }
};

Point Near(Random& rng, Point center, double min_km, double max_km) {
  double r = min_km + (max_km - min_km) * rng.Unit();
  double angle = 6.283185307179586 * rng.Unit();
  double lat = static_cast<double>(center.lat_e6) / 1e6;
  double dlat = r * std::sin(angle) / 110.574;
  double dlon = r * std::cos(angle) / (111.320 * std::cos(lat * 3.14159265358979323846 / 180.0));
  return Point{center.lon_e6 + std::llround(dlon * 1e6), center.lat_e6 + std::llround(dlat * 1e6)};
}

bool Published(const regions::Region& r) { return r.lon_e6 && r.lat_e6 && !r.coord_source.starts_with("demo:"); }

// "上科妥村委会" → "上科妥村".
std::string ShortName(const regions::Region& r) {
  const std::string suffix = "委会";
  if (r.name.size() > suffix.size() && r.name.ends_with(suffix)) return r.name.substr(0, r.name.size() - suffix.size());
  return r.name;
}

// A day of `year` drawn after `after` (days since 1970), at most `last`.
int64_t DayIn(Random& rng, int64_t from, int64_t to) { return from + rng.Between(0, std::max<int64_t>(0, to - from)); }

int64_t Jan1(int year) { return *ParseDate(fmt::format("{:04d}-01-01", year), "date"); }
int64_t Dec31(int year) { return *ParseDate(fmt::format("{:04d}-12-31", year), "date"); }

struct Placed {
  Point p;
  bool published = false;
};

int64_t InsertFacility(db::Statement& insert, const Facility& f) {
  insert.Bind(1, f.county_code).Bind(2, TierName(f.tier)).Bind(3, f.region_code).Bind(4, f.serves_region_code);
  insert.Bind(5, f.name).Bind(6, f.lon_e6).Bind(7, f.lat_e6).Bind(8, f.position_source);
  insert.Bind(9, f.capacity_parcels_per_day).Bind(10, f.opened_on).Bind(11, f.parent_id).Bind(12, 1);
  if (!insert.Step()) throw db::DbError("INSERT INTO logistics_facilities … RETURNING gave no row");
  int64_t id = insert.Int(0);
  insert.Run();
  return id;
}

}  // namespace

Result<DemoSummary> BuildDemo(db::Connection& conn, const DemoOptions& options) {
  try {
    if (db::QueryInt(conn, "SELECT COUNT(*) FROM logistics_facilities").value_or(0) > 0 ||
        db::QueryInt(conn, "SELECT COUNT(*) FROM logistics_parcels").value_or(0) > 0) {
      return Error::Conflict("the database already holds logistics data; build the demo into a new database");
    }
    std::optional<int64_t> last_year = db::QueryInt(conn, "SELECT MAX(year) FROM household_years");
    if (!last_year) return Error::Precondition("the logistics demo needs the demo registry: build it first");
    Result<Config> config = LoadConfig(conn);
    if (!config) return config.error();
    const regions::RegionTree tree = regions::RegionTree::Load(conn);
    if (!tree.Root()) return Error::Precondition("the region tree is empty");
    DemoSummary summary;
    db::Transaction tx(conn);

    // ---- Positions ----------------------------------------------------------
    Random geo = Random::Stream(options.seed, 7001);
    std::map<std::string, Placed> placed;
    std::vector<const regions::Region*> counties = tree.Children(tree.Root()->code);
    {
      auto out = conn.Bulk("region_positions", {"code", "county_code", "lon_e6", "lat_e6", "source", "note"});
      for (const regions::Region* county : counties) {
        std::vector<const regions::Region*> subtree = tree.Subtree(county->code);
        std::optional<Box> box;
        for (const regions::Region* r : subtree) {
          if (!Published(*r)) continue;
          if (!box) box = Box{*r->lon_e6, *r->lon_e6, *r->lat_e6, *r->lat_e6};
          box->min_lon = std::min(box->min_lon, *r->lon_e6);
          box->max_lon = std::max(box->max_lon, *r->lon_e6);
          box->min_lat = std::min(box->min_lat, *r->lat_e6);
          box->max_lat = std::max(box->max_lat, *r->lat_e6);
        }
        if (!box) return Error::Precondition(fmt::format("county {} has no published coordinate", county->code));
        box->min_lon -= kCountyBoxMarginE6;
        box->max_lon += kCountyBoxMarginE6;
        box->min_lat -= kCountyBoxMarginE6;
        box->max_lat += kCountyBoxMarginE6;
        for (const regions::Region* r : subtree) {  // parents before children
          Placed pl;
          if (Published(*r)) {
            pl = Placed{Point{*r->lon_e6, *r->lat_e6}, true};
          } else {
            Point p;
            if (r->lon_e6 && r->lat_e6) {
              p = Point{*r->lon_e6, *r->lat_e6};  // the demo registry's placement
            } else {
              auto parent = placed.find(r->parent_code);
              if (parent == placed.end())
                return Error::Internal(fmt::format("no position for the parent of {}", r->code));
              p = Near(geo, parent->second.p, r->level == regions::Level::kTownship ? 3 : 0.8,
                       r->level == regions::Level::kTownship ? 12 : 5);
            }
            pl = Placed{box->Clamp(p), false};
          }
          placed[r->code] = pl;
          out->Text(r->code).Text(county->code).Int(pl.p.lon_e6).Int(pl.p.lat_e6);
          out->Text(pl.published ? "published" : "synthetic");
          if (pl.published) {
            out->OptText(r->coord_source);
          } else {
            out->Text(kSyntheticNote);
          }
          out->EndRow();
          ++(pl.published ? summary.positions_published : summary.positions_synthetic);
        }
      }
      out->Finish();
    }

    // ---- Facilities -----------------------------------------------------------
    Random net = Random::Stream(options.seed, 7002);
    auto insert = conn.Prepare(
        "INSERT INTO logistics_facilities (county_code, tier, region_code, serves_region_code, name, lon_e6, lat_e6, "
        "position_source, capacity_parcels_per_day, opened_on, parent_id, synthetic) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING facility_id");
    auto facility = [&](const std::string& county, Tier tier, const regions::Region& at, const std::string& serves,
                        std::string name, int64_t capacity, int64_t opened, std::optional<int64_t> parent) {
      Facility f;
      f.county_code = county;
      f.tier = tier;
      f.region_code = at.code;
      f.serves_region_code = serves;
      f.name = std::move(name);
      const Placed& pl = placed.at(at.code);
      f.lon_e6 = pl.p.lon_e6;
      f.lat_e6 = pl.p.lat_e6;
      f.position_source = pl.published ? "published" : "synthetic";
      f.capacity_parcels_per_day = capacity;
      f.opened_on = FormatDate(opened);
      f.parent_id = parent;
      return InsertFacility(*insert, f);
    };
    // Centers, in the county seats, early in 2016.
    std::map<std::string, std::pair<int64_t, int64_t>> centers;  // county → (id, opened)
    for (const regions::Region* county : counties) {
      std::vector<const regions::Region*> townships = tree.Children(county->code);
      if (townships.empty()) continue;
      int64_t opened = DayIn(net, Jan1(2016), Jan1(2016) + 59);
      int64_t id = facility(county->code, Tier::kCenter, *townships.front(), county->code,
                            county->name + "物流配送中心", kCenterCapacity, opened, std::nullopt);
      centers[county->code] = {id, opened};
      ++summary.centers;
    }
    if (summary.centers != kPaperCenters2016) {
      return Error::Precondition(fmt::format("the region tree has {} counties; the paper's network has {}",
                                             summary.centers, kPaperCenters2016));
    }
    // Stations: every town and township (not the urban subdistricts).
    std::map<std::string, std::vector<const regions::Region*>> towns;  // county → its towns and townships
    std::vector<const regions::Region*> all_towns;
    for (const regions::Region* county : counties) {
      for (const regions::Region* t : tree.Children(county->code)) {
        if (t->kind == "subdistrict") continue;
        towns[county->code].push_back(t);
        all_towns.push_back(t);
      }
    }
    // 2016: 25 shared out by the counties' numbers of towns, the seat's town first.
    std::vector<int64_t> town_counts;
    for (const regions::Region* county : counties)
      town_counts.push_back(static_cast<int64_t>(towns[county->code].size()));
    std::vector<int64_t> first_year =
        market::Apportion(std::min<int64_t>(kPaperStations2016, static_cast<int64_t>(all_towns.size())), town_counts);
    std::map<std::string, int> opening_year;
    for (size_t c = 0; c < counties.size(); ++c) {
      std::vector<const regions::Region*> order = towns[counties[c]->code];
      if (order.size() > 1) {
        std::vector<const regions::Region*> rest(order.begin() + 1, order.end());
        net.Shuffle(rest);
        std::copy(rest.begin(), rest.end(), order.begin() + 1);
      }
      for (size_t i = 0; i < order.size(); ++i) {
        if (static_cast<int64_t>(i) < first_year[c]) opening_year[order[i]->code] = 2016;
      }
    }
    std::vector<const regions::Region*> later;
    for (const regions::Region* t : all_towns) {
      if (!opening_year.count(t->code)) later.push_back(t);
    }
    net.Shuffle(later);
    for (size_t i = 0; i < later.size(); ++i) {
      opening_year[later[i]->code] = static_cast<int>(i) < kPaperNewStations2018 ? 2018 : 2017;
    }
    std::map<std::string, std::pair<int64_t, int64_t>> stations;  // township → (id, opened)
    for (const regions::Region* t : all_towns) {                  // code order
      const std::string& county = t->parent_code;
      int year = opening_year[t->code];
      int64_t from = year == 2016 ? centers[county].second + 1 : Jan1(year);
      int64_t opened = DayIn(net, from, Dec31(year));
      int64_t id = facility(county, Tier::kStation, *t, t->code, t->name + "物流服务站", kStationCapacity, opened,
                            centers[county].first);
      stations[t->code] = {id, opened};
      ++summary.stations;
    }
    // Points: 560 registered poor villages (poor or exited by 2018), by county.
    std::map<std::string, std::vector<std::string>> poor;  // county → villages, code order
    {
      auto st = conn.Prepare(
          "SELECT village_code, county_code FROM village_years WHERE year = 2018 AND status IN ('poor', 'exited') "
          "ORDER BY village_code");
      while (st->Step()) {
        std::string village = st->Text(0);
        const regions::Region* v = tree.Find(village);
        if (!v || !stations.count(v->parent_code)) continue;  // a point needs its township's station
        poor[st->Text(1)].push_back(village);
      }
    }
    std::vector<int64_t> poor_counts;
    int64_t poor_total = 0;
    for (const regions::Region* county : counties) {
      poor_counts.push_back(static_cast<int64_t>(poor[county->code].size()));
      poor_total += poor_counts.back();
    }
    std::vector<int64_t> point_counts = market::Apportion(std::min<int64_t>(kPaperPoints, poor_total), poor_counts);
    std::vector<std::string> chosen;
    for (size_t c = 0; c < counties.size(); ++c) {
      std::vector<std::string> list = poor[counties[c]->code];
      net.Shuffle(list);
      list.resize(static_cast<size_t>(std::min<int64_t>(point_counts[c], static_cast<int64_t>(list.size()))));
      chosen.insert(chosen.end(), list.begin(), list.end());
    }
    // 2018: the points of the stations new in 2018 first, then drawn.
    std::sort(chosen.begin(), chosen.end());
    std::set<std::string> new_2018;
    std::vector<std::string> others;
    for (const std::string& code : chosen) {
      if (opening_year[tree.Find(code)->parent_code] == 2018) {
        new_2018.insert(code);
      } else {
        others.push_back(code);
      }
    }
    net.Shuffle(others);
    for (size_t i = 0; i < others.size() && new_2018.size() < static_cast<size_t>(kPaperNewPoints2018); ++i) {
      new_2018.insert(others[i]);
    }
    for (const std::string& code : chosen) {
      const regions::Region& v = *tree.Find(code);
      const auto& station = stations[v.parent_code];
      int year = new_2018.count(code) ? 2018 : 2017;
      // Never before its station (the same day at the earliest).
      int64_t opened = DayIn(net, std::max(Jan1(year), station.second), Dec31(year));
      facility(tree.Find(v.parent_code)->parent_code, Tier::kPoint, v, v.code, ShortName(v) + "物流服务点",
               kPointCapacity, opened, station.first);
      ++summary.points;
    }

    // ---- Parcels ------------------------------------------------------------------
    struct Shipment {
      int64_t order_id = 0;
      std::string village;
      std::string date;
      int64_t weight_g = 0;
    };
    std::vector<Shipment> shipments;
    {
      auto st = conn.Prepare(
          "SELECT s.order_id, s.shipped_at, ou.village_code, p.unit, SUM(a.quantity) "
          "FROM (SELECT order_id, MIN(at) AS shipped_at FROM order_events WHERE state = 'shipped' "
          "      GROUP BY order_id) s "
          "JOIN order_lines l ON l.order_id = s.order_id "
          "JOIN allocations a ON a.line_id = l.line_id "
          "JOIN lots lo ON lo.lot_id = a.lot_id "
          "JOIN outlets ou ON ou.outlet_id = lo.outlet_id "
          "JOIN products p ON p.product_id = l.product_id "
          "GROUP BY s.order_id, s.shipped_at, ou.village_code, p.unit "
          "ORDER BY s.order_id, ou.village_code, p.unit");
      while (st->Step()) {
        const int64_t order_id = st->Int(0);
        std::string village = st->Text(2);
        const std::string unit = st->Text(3);
        const int64_t quantity = st->Int(4);
        int64_t grams_per_unit = unit == "kg" ? 1000 : unit == "g" ? 1 : unit == "斤" ? 500 : 0;
        if (grams_per_unit == 0) continue;  // not sold by weight: not a parcel the demo can weigh
        if (shipments.empty() || shipments.back().order_id != order_id || shipments.back().village != village) {
          Result<int64_t> at = audit::ParseTimestamp(st->Text(1), "at");
          if (!at) return Error::Internal("order " + std::to_string(order_id) + ": " + at.error().message);
          shipments.push_back(Shipment{order_id, village, market::ChinaDate(*at), 0});
        }
        shipments.back().weight_g += quantity * grams_per_unit;
      }
    }
    std::vector<std::pair<std::string, int64_t>> households;  // village → households, code order
    {
      auto st = conn.Prepare(
          "SELECT village_code, COUNT(*) FROM household_years WHERE year = ? GROUP BY village_code "
          "ORDER BY village_code");
      st->Bind(1, *last_year);
      while (st->Step()) households.emplace_back(st->Text(0), st->Int(1));
    }
    auto out = conn.Bulk("logistics_parcels", {"county_code", "township_code", "village_code", "direction", "weight_g",
                                               "ready_on", "order_id", "delivery", "synthetic"});
    auto place = [&](const std::string& village) -> std::pair<std::string, std::string> {
      const regions::Region* v = tree.Find(village);
      const regions::Region* t = v ? tree.Find(v->parent_code) : nullptr;
      if (!t) return {"", ""};
      return {t->parent_code, t->code};
    };
    for (const Shipment& s : shipments) {
      if (s.weight_g >= config->freight_min_g) {
        ++summary.freight_shipments;
        continue;
      }
      auto [county, township] = place(s.village);
      if (county.empty()) continue;
      int64_t n = (s.weight_g + config->parcel_max_g - 1) / config->parcel_max_g;
      for (int64_t w : market::Apportion(s.weight_g, std::vector<int64_t>(static_cast<size_t>(n), 1))) {
        if (w <= 0) continue;
        out->Text(county).Text(township).Text(s.village).Text("outbound").Int(w).Text(s.date).Int(s.order_id);
        out->Null().Int(1).EndRow();
        ++summary.outbound_parcels;
      }
    }
    const int64_t window_end = Dec31(static_cast<int>(*last_year));
    const int64_t window_start = window_end - (kInboundDays - 1);
    summary.inbound_from = FormatDate(window_start);
    summary.inbound_to = FormatDate(window_end);
    for (size_t vi = 0; vi < households.size(); ++vi) {
      const auto& [village, count] = households[vi];
      auto [county, township] = place(village);
      if (county.empty()) continue;
      Random rng = Random::Stream(options.seed, 9000 + vi);
      // Parcels a day, in thousandths.
      const int64_t milli = count * config->inbound_parcels_per_household_week_permille / 7;
      for (int64_t day = window_start; day <= window_end; ++day) {
        int64_t n = milli / 1000 + (static_cast<int64_t>(rng.Below(1000)) < milli % 1000 ? 1 : 0);
        const std::string date = FormatDate(day);
        for (int64_t k = 0; k < n; ++k) {
          double u = rng.Unit();
          int64_t weight = u < 0.6   ? rng.Between(200, 2000)
                           : u < 0.9 ? rng.Between(2000, 8000)
                                     : rng.Between(8000, 25000);
          const char* delivery = rng.Chance(0.2) ? "door" : "point";
          out->Text(county).Text(township).Text(village).Text("inbound").Int(weight).Text(date).Null();
          out->Text(delivery).Int(1).EndRow();
          ++summary.inbound_parcels;
        }
      }
    }
    out->Finish();
    tx.Commit();
    return summary;
  } catch (const db::DbError& e) {
    return Error::Unavailable(fmt::format("building the logistics demo failed: {}", e.what()));
  }
}

}  // namespace fupin::logistics
