#include "reports/counts.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <map>
#include <set>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "regions/tree.h"
#include "registry/model.h"
#include "registry/stats.h"

namespace fupin::reports {

const std::vector<CountInfo>& CountCatalogue() {
  static const std::vector<CountInfo> counts = {
      {"households", "registry", "登记户数", "households on the register", "households"},
      {"rural_population", "registry", "农村人口", "registered rural population", "people"},
      {"poor_households", "registry", "贫困户", "poor households", "households"},
      {"poor_people", "registry", "贫困人口", "poor people", "people"},
      {"exited_households", "registry", "脱贫户", "households exited from poverty", "households"},
      {"monitored_households", "registry", "监测户", "households monitored against return to poverty", "households"},
      {"poor_villages", "registry", "贫困村", "poor villages (status poor)", "villages"},
      {"exited_villages", "registry", "退出贫困村", "poor villages exited", "villages"},
      {"registered_poor_villages", "registry", "建档立卡贫困村", "registered poor villages (poor or exited)",
       "villages"},
      {"deep_poverty_villages", "registry", "深度贫困村", "deep poverty villages", "villages"},
      {"deep_poverty_villages_poor", "registry", "深度贫困村中贫困村", "deep poverty villages that are poor",
       "villages"},
      {"deep_poverty_villages_nonpoor", "registry", "深度贫困村中非贫困村", "deep poverty villages that are not poor",
       "villages"},
      {"villages", "regions", "行政村", "administrative villages", "villages"},
      {"townships", "regions", "乡镇", "townships (towns and townships, not subdistricts)", "townships"},
      {"outlets", "outlets", "村级电商网点", "village e-commerce outlets open", "outlets"},
      {"transaction_volume_fen", "market", "电商交易额", "e-commerce transaction volume", "fen"},
      {"online_shops", "market", "网店", "online shops: suppliers with a sale", "suppliers"},
      {"households_reached", "benefit", "电商增收户", "households with e-commerce income", "households"},
      {"ecommerce_income_fen", "benefit", "电商收入", "e-commerce income of the households reached", "fen"},
      {"poor_households_reached", "benefit", "电商增收贫困户", "registered poor households with e-commerce income",
       "households"},
      {"poor_gain_fen", "benefit", "贫困户电商增收", "gain of the registered poor households reached", "fen"},
      {"service_centers", "facilities", "县级服务中心", "county service centers open", "facilities"},
      {"stations", "facilities", "乡镇服务站", "township service stations open", "facilities"},
      {"village_points", "facilities", "村级服务点", "village service points open", "facilities"},
      {"townships_with_station", "facilities", "有服务站的乡镇", "townships with a station open", "townships"},
      {"villages_with_point", "facilities", "有服务点的行政村", "villages with a point open", "villages"},
      {"registered_poor_villages_with_point", "facilities", "有服务点的贫困村",
       "registered poor villages with a point open", "villages"},
      {"planned_village_days", "plans", "计划村次", "village-days in the daily plans", "village-days"},
      {"village_days_on_route", "plans", "送达到村村次", "village-days served on a route", "village-days"},
      {"planned_parcels", "plans", "计划包裹", "parcels in the daily plans", "parcels"},
      {"logistics_cost_fen", "plans", "物流成本", "cost of the daily plans", "fen"},
      {"trained_people", "training", "电商培训人数", "people trained in e-commerce", "people"},
      {"trained_selling_online", "training", "培训后网上销售人数", "trained people who went on to sell online",
       "people"},
  };
  return counts;
}

const CountInfo* FindCount(std::string_view name) {
  for (const CountInfo& c : CountCatalogue()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string CountNames() {
  std::string out;
  for (const CountInfo& c : CountCatalogue()) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

bool CountTable::Available(std::string_view count) const {
  auto it = available_.find(count);
  return it != available_.end() && it->second;
}

int64_t CountTable::Value(std::string_view count, std::string_view region_code) const {
  auto it = values_.find(count);
  if (it == values_.end()) return 0;
  auto v = it->second.find(std::string(region_code));
  return v == it->second.end() ? 0 : v->second;
}

// Fills a CountTable: each record is added to its region and every ancestor.
class CountLoader {
 public:
  CountLoader(db::Connection& conn, const regions::RegionTree& tree, int year, const std::vector<std::string>& counts)
      : conn_(conn), tree_(tree) {
    table_.year_ = year;
    for (const std::string& name : counts) {
      if (const CountInfo* info = FindCount(name)) {
        sources_.insert(info->source);
        sums_.emplace(info->name, std::vector<int64_t>());
      }
    }
  }

  CountTable Load() {
    const int year = table_.year_;
    from_ = fmt::format("{:04d}-01-01", year);
    to_ = fmt::format("{:04d}-01-01", year + 1);
    last_day_ = fmt::format("{:04d}-12-31", year);
    if (sources_.contains("regions")) Regions();
    if (sources_.contains("registry")) Registry();
    if (sources_.contains("outlets")) Outlets();
    if (sources_.contains("market")) Market();
    if (sources_.contains("benefit")) Benefit();
    if (sources_.contains("facilities")) Facilities();
    if (sources_.contains("plans")) Plans();
    if (sources_.contains("training")) SetSource("training", false);
    // Only the regions with a figure go into the table.
    const std::vector<regions::Region>& all = tree_.All();
    for (auto& [count, sums] : sums_) {
      if (sums.empty()) continue;
      auto& values = table_.values_[count];
      for (size_t i = 0; i < sums.size(); ++i) {
        if (sums[i] != 0) values.emplace(all[i].code, sums[i]);
      }
    }
    return std::move(table_);
  }

 private:
  void SetSource(std::string_view source, bool available) {
    for (const CountInfo& c : CountCatalogue()) {
      if (c.source == source) table_.available_[c.name] = available;
    }
  }

  // Adds `value` of `count` at `code` and at every region above it (counts
  // not asked for are skipped). The sums are kept in an array by the tree's
  // positions: a figure per village and count costs one lookup of the
  // village, then array additions up to the prefecture.
  void Add(std::string_view count, const std::string& code, int64_t value) {
    if (value == 0) return;
    auto wanted = sums_.find(count);
    if (wanted == sums_.end()) return;
    const regions::Region* r = tree_.Find(code);
    if (!r) {
      ++table_.unplaced_;
      return;
    }
    std::vector<int64_t>& sums = wanted->second;
    if (sums.empty()) sums.assign(tree_.All().size(), 0);
    for (int i = static_cast<int>(tree_.IndexOf(r)); i >= 0; i = tree_.ParentIndex(static_cast<size_t>(i))) {
      sums[static_cast<size_t>(i)] += value;
    }
  }

  // Whether `sql` returns a row, with `args` bound as text, then `year` when given.
  // The statement is closed on return: PostgreSQL runs one at a time per connection.
  bool Exists(std::string_view sql, const std::vector<std::string>& args, std::optional<int> year = std::nullopt) {
    auto st = conn_.Prepare(sql);
    for (size_t i = 0; i < args.size(); ++i) st->Bind(static_cast<int>(i + 1), args[i]);
    if (year) st->Bind(static_cast<int>(args.size() + 1), *year);
    return st->Step();
  }

  void Regions() {
    SetSource("regions", true);
    for (const regions::Region& r : tree_.All()) {
      if (r.IsAdministrativeVillage()) Add("villages", r.code, 1);
      if (r.level == regions::Level::kTownship && r.kind != "subdistrict") Add("townships", r.code, 1);
    }
  }

  bool RegistryHasYear() {
    if (!registry_checked_) {
      registry_has_year_ = Exists("SELECT 1 FROM household_year_counts WHERE year = ? LIMIT 1", {}, table_.year_);
      registry_checked_ = true;
    }
    return registry_has_year_;
  }

  void Registry() {
    const bool has = RegistryHasYear();
    SetSource("registry", has);
    if (!has) return;
    using registry::VillageStatus;
    for (const registry::VillageYearStats& v : registry::VillageStats(conn_, table_.year_)) {
      const std::string& code = v.village_code;
      Add("households", code, v.households);
      Add("rural_population", code, v.population);
      Add("poor_households", code, v.poor_households);
      Add("poor_people", code, v.poor);
      Add("exited_households", code, v.exited_households);
      Add("monitored_households", code, v.monitored_households);
      const bool poor = v.status == VillageStatus::kPoor;
      const bool exited = v.status == VillageStatus::kExited;
      Add("poor_villages", code, poor ? 1 : 0);
      Add("exited_villages", code, exited ? 1 : 0);
      Add("registered_poor_villages", code, poor || exited ? 1 : 0);
      if (v.deep_poverty) {
        Add("deep_poverty_villages", code, 1);
        Add(poor ? "deep_poverty_villages_poor" : "deep_poverty_villages_nonpoor", code, 1);
      }
    }
  }

  void Outlets() {
    const bool has = Exists("SELECT 1 FROM outlets LIMIT 1", {});
    SetSource("outlets", has);
    if (!has) return;
    auto st = conn_.Prepare("SELECT village_code, COUNT(*) FROM outlets WHERE created_at < ? GROUP BY village_code");
    st->Bind(1, to_);
    while (st->Step()) Add("outlets", st->Text(0), st->Int(1));
  }

  void Market() {
    const bool has = Exists("SELECT 1 FROM orders WHERE paid_at >= ? AND paid_at < ? LIMIT 1", {from_, to_});
    SetSource("market", has);
    if (!has) return;
    // A line belongs to its supplier's village; a supplier lies in one village,
    // so distinct suppliers add up.
    auto st = conn_.Prepare(
        "SELECT s.village_code, SUM(ol.amount_fen), COUNT(DISTINCT ol.supplier_id) FROM orders o "
        "JOIN order_lines ol ON ol.order_id = o.order_id JOIN suppliers s ON s.supplier_id = ol.supplier_id "
        "WHERE o.paid_at >= ? AND o.paid_at < ? AND o.state <> 'refunded' GROUP BY s.village_code");
    st->Bind(1, from_).Bind(2, to_);
    while (st->Step()) {
      const std::string code = st->Text(0);
      Add("transaction_volume_fen", code, st->Int(1));
      Add("online_shops", code, st->Int(2));
    }
  }

  void Benefit() {
    const bool has = Exists("SELECT 1 FROM ledger WHERE year = ? LIMIT 1", {}, table_.year_);
    SetSource("benefit", has);
    if (!has) return;
    // The benefit report's definitions (reports/benefit.h): reached = net
    // credits of the year above zero; registered poor = poor or monitored that
    // year, or exited that year. Only the households of the ledger are read,
    // each joined to its register row by key.
    auto st = conn_.Prepare(
        "SELECT r.village_code, COUNT(*), SUM(r.credited), "
        "SUM(CASE WHEN h.household_id IS NULL THEN 0 ELSE 1 END), "
        "SUM(CASE WHEN h.household_id IS NULL THEN 0 ELSE r.credited - r.local_value END) FROM ("
        "SELECT household_id, village_code, SUM(amount_fen) AS credited, SUM(COALESCE(local_value_fen, 0)) AS "
        "local_value FROM ledger WHERE year = ? GROUP BY household_id, village_code HAVING SUM(amount_fen) > 0) r "
        "LEFT JOIN household_years h ON h.household_id = r.household_id AND h.year = ? AND (h.status IN ('poor', "
        "'monitored') OR (h.status = 'exited' AND h.exit_year = ?)) GROUP BY r.village_code");
    st->Bind(1, table_.year_).Bind(2, table_.year_).Bind(3, table_.year_);
    while (st->Step()) {
      const std::string code = st->Text(0);
      Add("households_reached", code, st->Int(1));
      Add("ecommerce_income_fen", code, st->Int(2));
      Add("poor_households_reached", code, st->Int(3));
      Add("poor_gain_fen", code, st->Int(4));
    }
  }

  void Facilities() {
    const bool has = Exists("SELECT 1 FROM logistics_facilities LIMIT 1", {});
    SetSource("facilities", has);
    if (!has) return;
    // The poor villages with a point need the village register of the year.
    if (!RegistryHasYear()) table_.available_["registered_poor_villages_with_point"] = false;
    // Open at the end of the year.
    auto st = conn_.Prepare(
        "SELECT tier, region_code, serves_region_code FROM logistics_facilities "
        "WHERE opened_on <= ? AND (closed_on IS NULL OR closed_on > ?) ORDER BY facility_id");
    st->Bind(1, last_day_).Bind(2, last_day_);
    std::set<std::string> townships, villages;
    while (st->Step()) {
      const std::string tier = st->Text(0);
      const std::string at = st->Text(1);
      const std::string serves = st->Text(2);
      if (tier == "center") {
        Add("service_centers", at, 1);
      } else if (tier == "station") {
        Add("stations", at, 1);
        const regions::Region* t = tree_.Find(serves);
        if (t && t->level == regions::Level::kTownship && t->kind != "subdistrict") townships.insert(serves);
      } else if (tier == "point") {
        Add("village_points", at, 1);
        const regions::Region* v = tree_.Find(serves);
        if (v && v->IsAdministrativeVillage()) villages.insert(serves);
      }
    }
    for (const std::string& t : townships) Add("townships_with_station", t, 1);
    for (const std::string& v : villages) Add("villages_with_point", v, 1);
    if (!RegistryHasYear()) return;
    auto poor = conn_.Prepare(
        "SELECT village_code FROM village_years WHERE year = ? AND status IN ('poor', 'exited') ORDER BY village_code");
    poor->Bind(1, table_.year_);
    while (poor->Step()) {
      const std::string code = poor->Text(0);
      if (villages.contains(code)) Add("registered_poor_villages_with_point", code, 1);
    }
  }

  void Plans() {
    const bool has =
        Exists("SELECT 1 FROM logistics_plans WHERE plan_date >= ? AND plan_date <= ? LIMIT 1", {from_, last_day_});
    SetSource("plans", has);
    if (!has) return;
    // A day has one plan per station (a county plan holds its stations'), so
    // each village appears once a day.
    auto st = conn_.Prepare(
        "SELECT pv.village_code, COUNT(*), SUM(CASE WHEN pv.served = 'route' THEN 1 ELSE 0 END), "
        "SUM(pv.parcels_in + pv.parcels_out), SUM(pv.cost_fen) FROM logistics_plan_villages pv "
        "JOIN logistics_plans p ON p.plan_id = pv.plan_id WHERE p.plan_date >= ? AND p.plan_date <= ? "
        "GROUP BY pv.village_code");
    st->Bind(1, from_).Bind(2, last_day_);
    while (st->Step()) {
      const std::string code = st->Text(0);
      Add("planned_village_days", code, st->Int(1));
      Add("village_days_on_route", code, st->Int(2));
      Add("planned_parcels", code, st->Int(3));
      Add("logistics_cost_fen", code, st->Int(4));
    }
  }

  db::Connection& conn_;
  const regions::RegionTree& tree_;
  std::set<std::string> sources_;
  // count asked for → sum by the tree's positions (empty until a record comes)
  std::map<std::string, std::vector<int64_t>, std::less<>> sums_;
  CountTable table_;
  std::string from_, to_, last_day_;
  bool registry_checked_ = false;
  bool registry_has_year_ = false;
};

CountTable LoadCounts(db::Connection& conn, const regions::RegionTree& tree, int year,
                      const std::vector<std::string>& counts) {
  return CountLoader(conn, tree, year, counts).Load();
}

}  // namespace fupin::reports
