#include "logistics/render.h"

#include <map>

#include <fmt/format.h>

#include "base/json_writer.h"
#include "base/money.h"
#include "base/text.h"
#include "regions/tree.h"

namespace fupin::logistics {
namespace {

std::string NameOf(const regions::RegionTree& tree, std::string_view code) {
  const regions::Region* r = tree.Find(code);
  return r ? r->name : std::string(code);
}

std::string Yuan(int64_t fen) { return FormatYuan(Money::FromFen(fen)); }

std::string Km(int64_t metres) { return text::FormatFixed((metres + 50) / 100, 1); }

std::string Hours(int64_t seconds) { return text::FormatFixed((seconds * 10 + 1800) / 3600, 1); }

// An aligned terminal table: the first column left-aligned, the others right.
std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<int> widths;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], text::DisplayWidth(row[i]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) line += "  ";
      line += i == 0 ? text::PadRight(row[i], widths[i]) : text::PadLeft(row[i], widths[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

}  // namespace

void WritePlan(json::Writer& w, const StoredPlan& p, const regions::RegionTree& tree) {
  const PlanHeader& h = p.header;
  const PlanTotals& t = p.totals;
  w.BeginObject();
  w.Key("id").Int(h.id);
  w.Key("date").String(h.date);
  w.Key("county_code").String(h.county_code);
  w.Key("region_code").String(h.region_code);
  w.Key("region_name").String(NameOf(tree, h.region_code));
  w.Key("scope").String(ScopeName(h.scope));
  w.Key("partial").Bool(p.partial);
  w.Key("computed_at").String(h.computed_at);
  w.Key("computed_by").String(h.computed_by);
  w.Key("seed").Int(static_cast<int64_t>(h.seed));
  w.Key("solver_ms").Int(h.solver_ms);
  w.Key("totals").BeginObject();
  w.Key("routes").Int(t.routes);
  w.Key("villages").Int(t.villages);
  w.Key("villages_losing").Int(t.villages_losing);
  w.Key("parcels_in").Int(t.parcels_in);
  w.Key("parcels_out").Int(t.parcels_out);
  w.Key("weight_in_g").Int(t.weight_in_g);
  w.Key("weight_out_g").Int(t.weight_out_g);
  w.Key("distance_m").Int(t.distance_m);
  w.Key("duration_s").Int(t.duration_s);
  w.Key("cost_fen").Int(t.cost_fen);
  w.Key("revenue_fen").Int(t.revenue_fen);
  w.EndObject();
  w.Key("notes").BeginArray();
  for (const std::string& n : p.plan.notes) w.String(n);
  w.EndArray();
  w.Key("routes").BeginArray();
  for (size_t i = 0; i < p.plan.routes.size(); ++i) {
    const PlannedRoute& r = p.plan.routes[i];
    w.BeginObject();
    w.Key("id").Int(i < p.route_ids.size() ? p.route_ids[i] : 0);
    w.Key("tier").String(TierName(r.tier));
    w.Key("facility_id").Int(r.facility_id);
    w.Key("depot_region_code").String(r.depot_region_code);
    w.Key("depot_name").String(NameOf(tree, r.depot_region_code));
    w.Key("seq").Int(r.seq);
    w.Key("cut").Bool(r.cut);
    w.Key("distance_source").String(DistanceSourceName(r.distance_source));
    w.Key("capacity_g").Int(r.capacity_g);
    // A cut route (a reader's part) tells nothing of the stops left out.
    auto whole = [&](int64_t value) {
      if (r.cut) {
        w.Null();
      } else {
        w.Int(value);
      }
    };
    w.Key("distance_m");
    whole(r.distance_m);
    w.Key("duration_s");
    whole(r.duration_s);
    w.Key("cost_fen").Int(r.cost_fen);
    w.Key("delivery_g").Int(r.delivery_g);
    w.Key("pickup_g").Int(r.pickup_g);
    w.Key("max_load_g");
    whole(r.max_load_g);
    w.Key("load_profile_g").BeginArray();
    for (int64_t g : r.load_profile_g) w.Int(g);
    w.EndArray();
    w.Key("stops").BeginArray();
    int seq = 0;
    for (const PlannedStop& s : r.stops) {
      w.BeginObject();
      w.Key("seq").Int(++seq);
      w.Key("region_code").String(s.region_code);
      w.Key("name").String(NameOf(tree, s.region_code));
      w.Key("facility_id").Int(s.facility_id);
      w.Key("part").Int(s.part);
      w.Key("parts").Int(s.parts);
      w.Key("delivery_g").Int(s.delivery_g);
      w.Key("pickup_g").Int(s.pickup_g);
      w.Key("parcels_in").Int(s.parcels_in);
      w.Key("parcels_out").Int(s.parcels_out);
      w.Key("load_after_g");
      whole(s.load_after_g);
      // On a cut route both tell of the stops left out (the leg from another
      // village, the time spent at the earlier ones).
      w.Key("distance_from_prev_m");
      whole(s.distance_from_prev_m);
      w.Key("arrival_s");
      whole(s.arrival_s);
      w.Key("round_trip_m").Int(s.round_trip_m);
      w.Key("cost_share_fen").Int(s.cost_share_fen);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("villages").BeginArray();
  for (const PlannedVillage& v : p.plan.villages) {
    const Economics& e = v.economics;
    w.BeginObject();
    w.Key("village_code").String(v.village_code);
    w.Key("name").String(NameOf(tree, v.village_code));
    w.Key("township_code").String(v.township_code);
    w.Key("served").String(ServedName(v.served));
    w.Key("parcels_in").Int(v.parcels_in);
    w.Key("parcels_out").Int(v.parcels_out);
    w.Key("weight_in_g").Int(v.weight_in_g);
    w.Key("weight_out_g").Int(v.weight_out_g);
    w.Key("route_cost_fen").Int(v.route_cost_fen);
    w.Key("center_cost_fen").Int(v.center_cost_fen);
    w.Key("cost_fen").Int(v.cost_fen);
    w.Key("cost_per_parcel_fen").Int(e.cost_per_parcel_fen);
    w.Key("revenue_fen").Int(e.revenue_fen);
    w.Key("revenue_per_parcel_fen").Int(e.revenue_per_parcel_fen);
    w.Key("margin_fen").Int(e.margin_fen);
    w.Key("breaks_even").Bool(e.breaks_even);
    w.Key("advice");
    if (!e.breaks_even && v.served == Served::kRoute) {
      w.BeginObject();
      w.Key("break_even_parcels_per_run").Int(e.break_even_parcels_per_run);
      w.Key("break_even_runs_per_week").Int(e.break_even_runs_per_week);
      w.EndObject();
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

std::string PlansJson(std::string_view date, std::string_view region, const std::vector<StoredPlan>& plans,
                      const regions::RegionTree& tree) {
  json::Writer w;
  w.BeginObject();
  w.Key("date").String(date);
  w.Key("region").String(region);
  w.Key("plans").BeginArray();
  for (const StoredPlan& p : plans) WritePlan(w, p, tree);
  w.EndArray();
  w.EndObject();
  return w.Take();
}

void WriteFacility(json::Writer& w, const Facility& f, const regions::RegionTree& tree) {
  w.BeginObject();
  w.Key("id").Int(f.id);
  w.Key("tier").String(TierName(f.tier));
  w.Key("county_code").String(f.county_code);
  w.Key("region_code").String(f.region_code);
  w.Key("serves_region_code").String(f.serves_region_code);
  w.Key("serves_name").String(NameOf(tree, f.serves_region_code));
  w.Key("name").String(f.name);
  w.Key("lon_e6").Int(f.lon_e6);
  w.Key("lat_e6").Int(f.lat_e6);
  w.Key("position_source").String(f.position_source);
  w.Key("capacity_parcels_per_day").Int(f.capacity_parcels_per_day);
  w.Key("opened_on").String(f.opened_on);
  w.Key("closed_on").StringOrNull(f.closed_on);
  w.Key("parent_id");
  if (f.parent_id) {
    w.Int(*f.parent_id);
  } else {
    w.Null();
  }
  w.Key("synthetic").Bool(f.synthetic);
  w.EndObject();
}

std::string PlansTable(std::string_view date, const std::vector<StoredPlan>& plans, const regions::RegionTree& tree,
                       double seconds) {
  std::string out =
      fmt::format("Joint-distribution plan for {} ({} plan(s), computed in {:.2f} s)\n\n", date, plans.size(), seconds);
  std::vector<std::vector<std::string>> rows{{"station / county", "routes", "stops", "km", "hours", "distances",
                                              "parcels in", "parcels out", "cost (yuan)", "revenue (yuan)",
                                              "margin (yuan)"}};
  struct Sum {
    int64_t routes = 0, stops = 0, distance = 0, duration = 0, in = 0, out = 0, cost = 0, revenue = 0;
    int64_t road = 0;  // routes measured on the imported road matrix
    // "road", "great circle", or both with the count on the road.
    std::string Sources() const {
      if (routes == 0) return "";
      if (road == routes) return "road";
      if (road == 0) return "great circle";
      return fmt::format("road {}/{}", road, routes);
    }
  };
  for (const StoredPlan& p : plans) {
    // Per station: its routes and its villages' parcels and money.
    std::map<std::string, Sum> by_township;
    for (const PlannedRoute& r : p.plan.routes) {
      if (r.tier != Tier::kStation) continue;
      Sum& s = by_township[r.depot_region_code];
      ++s.routes;
      s.road += r.distance_source == DistanceSource::kRoad ? 1 : 0;
      s.stops += static_cast<int64_t>(r.stops.size());
      s.distance += r.distance_m;
      s.duration += r.duration_s;
    }
    for (const PlannedVillage& v : p.plan.villages) {
      Sum& s = by_township[v.township_code];
      s.in += v.parcels_in;
      s.out += v.parcels_out;
      s.cost += v.route_cost_fen;
      s.revenue += v.economics.revenue_fen;
    }
    for (const auto& [township, s] : by_township) {
      rows.push_back({"  " + NameOf(tree, township), std::to_string(s.routes), std::to_string(s.stops), Km(s.distance),
                      Hours(s.duration), s.Sources(), text::Grouped(s.in), text::Grouped(s.out), Yuan(s.cost),
                      Yuan(s.revenue), Yuan(s.revenue - s.cost)});
    }
    Sum center;
    for (const PlannedRoute& r : p.plan.routes) {
      if (r.tier != Tier::kCenter) continue;
      ++center.routes;
      center.road += r.distance_source == DistanceSource::kRoad ? 1 : 0;
      center.stops += static_cast<int64_t>(r.stops.size());
      center.distance += r.distance_m;
      center.duration += r.duration_s;
      center.cost += r.cost_fen;
    }
    if (center.routes > 0) {
      rows.push_back({"  county center → stations", std::to_string(center.routes), std::to_string(center.stops),
                      Km(center.distance), Hours(center.duration), center.Sources(), "", "", Yuan(center.cost), "",
                      ""});
    }
    const PlanTotals& t = p.totals;
    Sum all;
    for (const PlannedRoute& r : p.plan.routes) {
      ++all.routes;
      all.road += r.distance_source == DistanceSource::kRoad ? 1 : 0;
      all.stops += static_cast<int64_t>(r.stops.size());
    }
    rows.push_back({fmt::format("{} ({}{})", NameOf(tree, p.header.region_code), ScopeName(p.header.scope),
                                p.partial ? ", part" : ""),
                    std::to_string(t.routes), std::to_string(all.stops), Km(t.distance_m), Hours(t.duration_s),
                    all.Sources(), text::Grouped(t.parcels_in), text::Grouped(t.parcels_out), Yuan(t.cost_fen),
                    Yuan(t.revenue_fen), Yuan(t.revenue_fen - t.cost_fen)});
  }
  out += Table(rows);

  std::vector<std::vector<std::string>> losing{{"village", "served", "parcels", "cost/parcel", "revenue/parcel",
                                                "margin (yuan)", "break-even parcels/run", "break-even runs/week"}};
  for (const StoredPlan& p : plans) {
    for (const PlannedVillage& v : p.plan.villages) {
      const Economics& e = v.economics;
      if (e.breaks_even) continue;
      const bool route = v.served == Served::kRoute;
      losing.push_back(
          {NameOf(tree, v.village_code) + " " + v.village_code, ServedName(v.served), std::to_string(e.parcels),
           Yuan(e.cost_per_parcel_fen), Yuan(e.revenue_per_parcel_fen), Yuan(e.margin_fen),
           route ? std::to_string(e.break_even_parcels_per_run) : "-",
           route ? (e.break_even_runs_per_week == 0 ? "none: fetch" : std::to_string(e.break_even_runs_per_week))
                 : "-"});
    }
  }
  if (losing.size() > 1) {
    out += fmt::format("\nVillages that do not break even ({}):\n", losing.size() - 1);
    out += Table(losing);
  } else {
    out += "\nEvery village served breaks even.\n";
  }
  bool any_note = false;
  for (const StoredPlan& p : plans) {
    for (const std::string& n : p.plan.notes) {
      if (!any_note) out += "\nNotes:\n";
      any_note = true;
      std::string_view region = NoteRegion(n);  // "CODE: …": the place it concerns, by name
      if (region.empty()) {
        out += fmt::format("  {}: {}\n", NameOf(tree, p.header.region_code), n);
      } else {
        out += fmt::format("  {} {}\n", NameOf(tree, region), n);
      }
    }
  }
  return out;
}

}  // namespace fupin::logistics
