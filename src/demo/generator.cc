#include "demo/generator.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "base/embedded_data.h"
#include "db/bulk_load.h"
#include "demo/people.h"
#include "demo/plan.h"
#include "demo/random.h"
#include "demo/scenario.h"
#include "regions/tree.h"
#include "registry/model.h"
#include "registry/reference.h"
#include "registry/year_counts.h"

namespace fupin::demo {
namespace {

constexpr double kDetourFactor = 1.4;  // mountain roads: road distance ≈ 1.4 × great circle (a demo assumption)
const char* kVillagePlacedByDemo = "demo: placed at random near its township (synthetic, not a real location)";
const char* kTownshipPlacedByDemo = "demo: placed at random near its county (synthetic, not a real location)";

// Main causes of poverty among poor households, weighted; a synthetic choice.
const std::vector<std::pair<const char*, int64_t>> kCauseWeights = {
    {"illness", 22},       {"lack_of_skills", 18}, {"lack_of_capital", 16}, {"lack_of_labour", 10},
    {"disability", 8},     {"schooling", 7},       {"lack_of_water", 6},    {"poor_transport", 5},
    {"lack_of_land", 4},   {"weak_motivation", 4}};

double GreatCircleMeters(double lon1, double lat1, double lon2, double lat2) {
  constexpr double kR = 6371008.8;
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kR * std::asin(std::sqrt(a));
}

struct Point {
  int64_t lon_e6 = 0, lat_e6 = 0;
};

Point Near(Random& rng, Point center, double min_km, double max_km) {
  double r = min_km + (max_km - min_km) * rng.Unit();
  double angle = 6.283185307179586 * rng.Unit();
  double lat = static_cast<double>(center.lat_e6) / 1e6;
  double dlat = r * std::sin(angle) / 110.574;
  double dlon = r * std::cos(angle) / (111.320 * std::cos(lat * 3.14159265358979323846 / 180.0));
  return Point{center.lon_e6 + static_cast<int64_t>(std::llround(dlon * 1e6)),
               center.lat_e6 + static_cast<int64_t>(std::llround(dlat * 1e6))};
}

// Splits `people` into household sizes drawn from `weights` (index = size - 1).
std::vector<int> Partition(Random& rng, int64_t people, const std::vector<int64_t>& weights) {
  std::vector<int> sizes;
  while (people > 0) {
    int size = static_cast<int>(rng.Pick(weights)) + 1;
    if (size > people) size = static_cast<int>(people);
    sizes.push_back(size);
    people -= size;
  }
  return sizes;
}

int64_t Permille(int64_t fen, int64_t permille) { return fen * permille / 1000; }

}  // namespace

Result<DemoSummary> BuildDemo(db::Connection& conn, const DemoOptions& options) {
  try {
    if (!options.vault) return Error::Internal("the demo needs the registry key to seal identity numbers");
    if (db::QueryInt(conn, "SELECT COUNT(*) FROM households").value_or(0) > 0) {
      return Error::Conflict("the database already holds registry data; build the demo into a new database");
    }
    auto scenario = ParseScenario(embedded::ScenarioLinxiaCsv());
    if (!scenario) return scenario.error();
    regions::RegionTree tree = regions::RegionTree::Load(conn);
    registry::ReferenceData reference = registry::ReadReferenceData(conn);
    auto plan_result = MakePlan(*scenario, CountiesOf(tree), options.scale, options.seed,
                                reference.VillageExitThreshold());
    if (!plan_result) return Error::Invalid("the scenario cannot be met: " + plan_result.error().message);
    Plan& plan = *plan_result;
    const int n = plan.Years();
    std::vector<int64_t> line_fen(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      auto it = reference.poverty_lines.find(plan.first_year + i);
      if (it == reference.poverty_lines.end()) {
        return Error::Precondition(fmt::format("no poverty line for {} in the reference data", plan.first_year + i));
      }
      line_fen[static_cast<size_t>(i)] = it->second.poverty_line.fen();
    }
    std::sort(plan.villages.begin(), plan.villages.end(),
              [](const VillagePlan& a, const VillagePlan& b) { return a.code < b.code; });

    db::BulkLoadMode bulk_mode(conn);
    db::Transaction tx(conn);
    std::vector<std::string> indexes;
    for (const char* table : {"households", "members", "household_years"}) {
      for (std::string& sql : db::DropIndexes(conn, table)) indexes.push_back(std::move(sql));
      for (std::string& sql : db::DropForeignKeys(conn, table)) indexes.push_back(std::move(sql));
    }
    registry::SuspendYearCounts(conn);
    DemoSummary summary;
    summary.first_year = plan.first_year;
    summary.last_year = plan.last_year;

    // Coordinates: keep every published point; place the rest near their parent.
    Random geo = Random::Stream(options.seed, 2);
    std::map<std::string, Point> points;
    auto update = conn.Prepare("UPDATE regions SET lon_e6 = ?, lat_e6 = ?, coord_source = ? WHERE code = ?");
    for (const regions::Region& r : tree.All()) {
      if (r.lon_e6 && r.lat_e6) {
        points[r.code] = Point{*r.lon_e6, *r.lat_e6};
        continue;
      }
      if (r.level != regions::Level::kTownship && r.level != regions::Level::kVillage) continue;
      auto parent = points.find(r.parent_code);
      if (parent == points.end()) continue;  // parents come first in code order
      Point p = r.level == regions::Level::kTownship ? Near(geo, parent->second, 3, 12)
                                                     : Near(geo, parent->second, 0.8, 7);
      points[r.code] = p;
      const char* source = r.level == regions::Level::kTownship ? kTownshipPlacedByDemo : kVillagePlacedByDemo;
      update->Bind(1, p.lon_e6).Bind(2, p.lat_e6).Bind(3, source).Bind(4, r.code).Run();
    }

    // Village attributes and the village register.
    Random infra = Random::Stream(options.seed, 3);
    auto villages = conn.Bulk("villages", {"village_code", "county_code", "township_code", "deep_poverty", "broadband",
                                           "mobile_4g", "paved_road", "distance_to_township_m"});
    for (const VillagePlan& v : plan.villages) {
      bool deep = v.deep_poverty;
      std::optional<int64_t> distance;
      auto vp = points.find(v.code), tp = points.find(v.township_code);
      if (vp != points.end() && tp != points.end()) {
        distance = std::llround(kDetourFactor * GreatCircleMeters(static_cast<double>(vp->second.lon_e6) / 1e6,
                                                                  static_cast<double>(vp->second.lat_e6) / 1e6,
                                                                  static_cast<double>(tp->second.lon_e6) / 1e6,
                                                                  static_cast<double>(tp->second.lat_e6) / 1e6));
      }
      villages->Text(v.code).Text(v.county_code).Text(v.township_code).Int(deep ? 1 : 0);
      villages->Int(infra.Chance(deep ? 0.55 : 0.85)).Int(infra.Chance(deep ? 0.8 : 0.97));
      villages->Int(infra.Chance(deep ? 0.75 : 0.95)).OptInt(distance).EndRow();
      ++summary.villages;
    }
    villages->Finish();
    auto village_years = conn.Bulk("village_years", {"village_code", "year", "county_code", "status"});
    for (const VillagePlan& v : plan.villages) {
      for (int i = 0; i < n; ++i) {
        int year = plan.first_year + i;
        const char* status = !v.poor_village ? "not_poor" : (year < v.exit_year ? "poor" : "exited");
        village_years->Text(v.code).Int(year).Text(v.county_code).Text(status).EndRow();
      }
    }
    village_years->Finish();

    // Households, members and their years.
    std::vector<int64_t> cause_weights;
    for (const auto& c : kCauseWeights) cause_weights.push_back(c.second);
    static const char* kUnmetChoices[] = {"housing", "water", "medical", "schooling", "housing;water",
                                          "medical;housing"};
    // PostgreSQL takes one COPY at a time on a connection, so there each table
    // is written in its own pass over the same seeded generation; SQLite takes
    // all three in one pass. A null writer skips its table.
    int64_t household_id = 0, member_id = 0;
    auto generate = [&](db::BulkWriter* household_out, db::BulkWriter* member_out,
                        db::BulkWriter* year_out) -> Status {
    household_id = 0;
    member_id = 0;
    summary.household_years = 0;
    for (size_t vi = 0; vi < plan.villages.size(); ++vi) {
      const VillagePlan& v = plan.villages[vi];
      Random rng = Random::Stream(options.seed, 1000 + vi);
      std::string county_prefix = v.county_code.substr(0, 6);
      struct Cohort {
        int registered_index;  // year index the household joins the register
        int exit_index;        // year index of exit; -1 when never poor
        int size;
      };
      std::vector<Cohort> cohorts;
      for (int i = 1; i < n; ++i) {
        for (int size : Partition(rng, v.poor[static_cast<size_t>(i - 1)] - v.poor[static_cast<size_t>(i)],
                                  plan.household_size_weights)) {
          cohorts.push_back({0, i, size});
        }
      }
      if (v.poor[static_cast<size_t>(n - 1)] != 0) {
        return Error::Internal(fmt::format("village {} still has poor people in the last year", v.code));
      }
      for (int size : Partition(rng, v.population[0] - v.poor[0], plan.household_size_weights)) {
        cohorts.push_back({0, -1, size});
      }
      for (int i = 1; i < n; ++i) {
        for (int size : Partition(rng, v.population[static_cast<size_t>(i)] - v.population[static_cast<size_t>(i - 1)],
                                  plan.household_size_weights)) {
          cohorts.push_back({i, -1, size});
        }
      }
      rng.Shuffle(cohorts);  // ids do not reveal who was poor
      for (const Cohort& h : cohorts) {
        ++household_id;
        int registered_year = plan.first_year + h.registered_index;
        std::vector<Person> family = MakeFamily(rng, h.size, county_prefix, registered_year);
        bool ever_poor = h.exit_index >= 0;
        const char* cause = ever_poor ? kCauseWeights[rng.Pick(cause_weights)].first : nullptr;
        if (household_out) {
          db::BulkWriter& out = *household_out;
          out.Int(household_id).Text(v.county_code).Text(v.township_code).Text(v.code).Text(family[0].name);
          if (cause) {
            out.Text(cause);
          } else {
            out.Null();
          }
          out.Int(registered_year).Int(1).EndRow();
        }
        for (const Person& p : family) {
          ++member_id;
          if (!member_out) continue;
          db::BulkWriter& out = *member_out;
          out.Int(member_id).Int(household_id).Text(v.county_code).Text(p.name).Text(p.relation);
          out.Text(p.sex == 'M' ? "M" : "F").Int(p.birth_year).Text(options.vault->Seal(member_id, p.id_number));
          out.Text(registry::MaskIdNumber(p.id_number)).Int(1).EndRow();
        }
        // Income factors in permille of the poverty line.
        int64_t poor_factor = rng.Between(550, 960);
        int64_t exited_factor = rng.Between(1080, 1700);
        int64_t rich_factor = rng.Between(1500, 4500);
        const char* unmet = ever_poor && rng.Chance(0.35) ? kUnmetChoices[rng.Below(std::size(kUnmetChoices))] : "";
        // Return-to-poverty monitoring began in the last year of the series.
        double monitor_draw = rng.Unit();
        for (int i = h.registered_index; i < n; ++i) {
          int year = plan.first_year + i;
          int64_t line = line_fen[static_cast<size_t>(i)];
          const char* status = "not_poor";
          const char* monitor_kind = nullptr;
          std::optional<int64_t> exit_year;
          int64_t income;
          std::string_view needs;
          if (ever_poor && i < h.exit_index) {
            status = "poor";
            income = Permille(line, std::min<int64_t>(poor_factor + 8 * (i - h.registered_index), 990));
            needs = unmet;
          } else if (ever_poor) {
            status = "exited";
            exit_year = plan.first_year + h.exit_index;
            income = Permille(line, exited_factor + 40 * (i - h.exit_index));
            if (i == n - 1 && i > h.exit_index && monitor_draw < 0.05) {
              status = "monitored";
              monitor_kind = "unstable_exited";
              income = Permille(line, 1020 + (exited_factor - 1080) / 4);
            }
          } else {
            income = Permille(line, rich_factor + 30 * (i - h.registered_index));
            if (i == n - 1 && monitor_draw < 0.015) {
              status = "monitored";
              monitor_kind = "marginal";
              income = Permille(line, 1050 + (rich_factor - 1500) / 10);
            } else if (i == n - 1 && monitor_draw < 0.02) {
              status = "monitored";
              monitor_kind = "sudden_hardship";
              income = Permille(line, 900 + (rich_factor - 1500) / 20);
            }
          }
          ++summary.household_years;
          if (!year_out) continue;
          db::BulkWriter& out = *year_out;
          out.Int(household_id).Int(year).Text(v.county_code).Text(v.code).Int(h.size).Text(status);
          if (monitor_kind) {
            out.Text(monitor_kind);
          } else {
            out.Null();
          }
          out.OptInt(exit_year).Int(income).Text(needs).EndRow();
        }
      }
    }
    return {};
    };
    auto households = [&] {
      return conn.Bulk("households", {"household_id", "county_code", "township_code", "village_code", "head_name",
                                      "cause", "registered_year", "synthetic"});
    };
    auto members = [&] {
      return conn.Bulk("members", {"member_id", "household_id", "county_code", "name", "relation", "sex",
                                   "birth_year", "id_number_sealed", "id_number_masked", "id_synthetic"});
    };
    auto years = [&] {
      return conn.Bulk("household_years",
                       {"household_id", "year", "county_code", "village_code", "members", "status", "monitor_kind",
                        "exit_year", "income_per_capita_fen", "needs_unmet"});
    };
    if (conn.dialect() == db::Dialect::kSqlite) {
      auto h = households(), m = members(), y = years();
      Status done = generate(h.get(), m.get(), y.get());
      if (!done) return done.error();
      h->Finish();
      m->Finish();
      y->Finish();
    } else {
      for (int pass = 0; pass < 3; ++pass) {
        auto out = pass == 0 ? households() : pass == 1 ? members() : years();
        Status done = generate(pass == 0 ? out.get() : nullptr, pass == 1 ? out.get() : nullptr,
                               pass == 2 ? out.get() : nullptr);
        if (!done) return done.error();
        out->Finish();
      }
    }
    summary.households = household_id;
    summary.members = member_id;
    db::CreateIndexes(conn, indexes);
    registry::RestoreYearCounts(conn);
    tx.Commit();
    return summary;
  } catch (const db::DbError& e) {
    return Error::Unavailable(fmt::format("building the demo failed: {}", e.what()));
  }
}

}  // namespace fupin::demo
