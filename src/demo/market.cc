#include "demo/market.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "accounts/model.h"
#include "accounts/store.h"
#include "audit/audit_log.h"
#include "audit/model.h"
#include "base/calendar.h"
#include "base/embedded_data.h"
#include "db/database.h"
#include "db/pool.h"
#include "demo/random.h"
#include "demo/scenario.h"
#include "market/model.h"
#include "market/order_service.h"
#include "market/supplier_service.h"
#include "regions/tree.h"

namespace fupin::demo {
namespace {

using accounts::Principal;
using accounts::Role;
using market::Caller;
using market::Channel;

constexpr int kFirstYear = 2016;  // the first year with orders
constexpr int kLastYear = 2020;   // the last year of the registry
constexpr const char* kPrefecture = "622900000000";
constexpr const char* kYongjing = "622923000000";
constexpr const char* kDongxiang = "622926000000";
constexpr const char* kDemoVillage = "622926101201";  // the demo outlet and supplier accounts' village
// No password hash: crypto_pwhash_str_verify refuses it, so no one signs in
// with these accounts.
constexpr const char* kNoPassword = "!synthetic demo account: no password";

// A step the generator relies on failed: a bug of the generator or a rule of
// the services it does not know. Ends the build.
struct Failure {
  std::string message;
};

template <typename T>
T Must(Result<T> result, std::string_view what) {
  if (!result) throw Failure{fmt::format("{}: {}", what, result.error().message)};
  return std::move(*result);
}

// ---- Calendar (UTC) -----------------------------------------------------------

int64_t At(int year, int month, int day, int hour = 0, int minute = 0) {
  return DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60;
}

int DaysIn(int year, int month) {
  return static_cast<int>(DaysFromCivil(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1) -
                          DaysFromCivil(year, month, 1));
}

std::string DateOf(int64_t unix_s) { return audit::FormatTimestamp(unix_s).substr(0, 10); }

// A time in [from, to), drawn.
int64_t Between(Random& rng, int64_t from, int64_t to) {
  return from + rng.Between(0, std::max<int64_t>(0, to - from - 1));
}

// ---- The palette: the counties' products ---------------------------------------

enum class Goods { kFruit, kMeat, kDry };

struct Speciality {
  const char* county;
  const char* name;
  const char* category;
  int64_t price_yuan;          // online price per kg; whole yuan, so that totals are whole yuan
  int64_t reference_fen_2016;  // local price per kg in 2016; +4 % a year
  Goods goods;
  bool paper;  // named in the paper (the others are synthetic choices)
};

// Prices are demo choices of the right order of magnitude, not market data.
constexpr Speciality kPalette[] = {
    {"622901000000", "临夏手工牛肉干", "肉制品", 120, 8000, Goods::kMeat, false},
    {"622901000000", "河州手工粉丝", "粮油", 16, 1000, Goods::kDry, false},
    {"622921000000", "临夏县大红袍花椒", "调味品", 90, 6000, Goods::kDry, false},
    {"622921000000", "临夏县胡麻油", "粮油", 36, 2400, Goods::kDry, false},
    {"622922000000", "康乐牛肉", "肉类", 70, 5200, Goods::kMeat, false},
    {"622922000000", "康乐蕨菜干", "山野菜", 40, 2600, Goods::kDry, false},
    {"622923000000", "永靖冰糖心苹果", "水果", 12, 400, Goods::kFruit, true},
    {"622923000000", "永靖百合", "蔬菜", 60, 2400, Goods::kFruit, true},
    {"622924000000", "广河羊肉", "肉类", 75, 5600, Goods::kMeat, false},
    {"622924000000", "广河牛肉", "肉类", 70, 5200, Goods::kMeat, false},
    {"622925000000", "和政啤特果", "水果", 8, 400, Goods::kFruit, false},
    {"622925000000", "和政羊肚菌", "山珍", 600, 40000, Goods::kDry, false},
    {"622926000000", "东乡洋芋", "蔬菜", 1, 60, Goods::kFruit, false},
    {"622926000000", "东乡手抓羊肉", "肉类", 80, 5800, Goods::kMeat, false},
    {"622927000000", "积石山核桃", "干果", 30, 1800, Goods::kDry, false},
    {"622927000000", "积石山花椒", "调味品", 90, 6000, Goods::kDry, false},
};
constexpr size_t kApples = 6;  // index in kPalette
constexpr size_t kLilies = 7;
constexpr size_t kPotatoes = 12;  // 1 yuan per kg: closes a year's volume to the yuan

int64_t ReferenceFen(const Speciality& s, int year) {
  return (s.reference_fen_2016 * (100 + 4 * (year - kFirstYear)) + 50) / 100;
}

std::vector<std::string> GradesOf(Goods g) {
  switch (g) {
    case Goods::kFruit: return {"特级", "一级", "二级"};
    case Goods::kMeat: return {"一级", "二级"};
    case Goods::kDry: return {"特级", "一级"};
  }
  return {"一级"};
}

const char* InspectionOf(Goods g) {
  switch (g) {
    case Goods::kFruit: return "农药残留速测 (pesticide residue rapid test, GB/T 5009.199)";
    case Goods::kMeat: return "动物检疫合格证明查验 (animal quarantine certificate check)";
    case Goods::kDry: return "感官与水分检验 (sensory and moisture check)";
  }
  return "inspection";
}

std::string StoryOf(const Speciality& s) {
  if (s.paper) {
    return fmt::format(
        "{}：论文第 3.2 节记载永靖县 2017 年 8 月网上售出冰糖心苹果 5 万多公斤、百合 5 千多公斤。"
        "本商品的供应商、价格和批次是演示数据 (synthetic demo data; the speciality is named in the paper).",
        s.name);
  }
  return fmt::format("{}：演示商品，名称、价格和批次均为示例，不是真实商品 (synthetic demo product).", s.name);
}

// "上科妥村委会" → "上科妥村".
std::string VillageShort(const std::string& name) {
  const std::string suffix = "委会";
  if (name.size() > suffix.size() && name.ends_with(suffix)) return name.substr(0, name.size() - suffix.size());
  return name;
}

// ---- What the generator keeps of what it made -------------------------------------

struct Link {
  int64_t household_id = 0;
  Channel channel = Channel::kPurchase;
};

struct SupplierInfo {
  int64_t id = 0;
  std::string village;
  std::string county;
  market::SupplierKind kind = market::SupplierKind::kCooperative;
  std::optional<int64_t> household;  // a household supplier's own
  std::vector<Link> links;           // verified
  int64_t outlet_id = 0;             // the outlet of its village
  std::optional<int64_t> permitted_outlet;
  bool demo_account = false;   // owned by the demo account "supplier"
  std::optional<size_t> only;  // Yongjing: the one speciality it sells (apples or lilies)
};

struct ProductInfo {
  int64_t id = 0;
  size_t supplier = 0;
  size_t speciality = 0;
  int64_t price_fen = 0;
  int64_t saleable = 0;  // as the lots have it: on hand − allocated (passed lots)
};

enum class BuyerKind { kConsumer, kTrader, kInstitution };

struct Buyer {
  const Principal* principal = nullptr;
  BuyerKind kind = BuyerKind::kConsumer;
  std::string county;  // an institution's county ("" for the prefecture's)
  std::string ship_name, ship_phone, ship_address;
};

enum class Fate { kAccept, kCancelByBuyer, kCancelUnpaid, kRefundBeforeShipping, kRefundAfterDelivery };

struct PlannedOrder {
  size_t buyer = 0;
  std::string county;
  std::vector<market::OrderLineInput> lines;  // product ids
  std::vector<size_t> products;               // indices, per line
  int64_t total_fen = 0;
  Fate fate = Fate::kAccept;
  int64_t id = 0;  // once placed
};

// The steps of an order, and the other dated actions of the timeline.
enum class Step { kPlace, kPay, kPack, kShip, kDeliver, kAccept, kCancel, kRefund, kMonth, kOutlet, kCertify, kPrices };

struct Event {
  int64_t at = 0;
  int64_t seq = 0;  // ties in time keep the order they were scheduled in
  // The order's index for an order's step; kMonth: year * 100 + month; kOutlet: the index in
  // later_outlets_; kCertify: the product's index; kPrices: the year.
  size_t subject = 0;
  Step step = Step::kPlace;
  bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

class Generator {
 public:
  Generator(db::Connection& conn, db::Pool& pool, const MarketOptions& options, const Scenario& scenario)
      : conn_(conn),
        options_(options),
        scenario_(scenario),
        tree_(regions::RegionTree::Load(conn)),
        audit_(tree_, [this] { return now_; }),
        suppliers_svc_(pool, tree_, audit_),
        orders_svc_(pool, tree_, audit_, Providers(tree_)) {}

  MarketSummary Run();

 private:
  static std::vector<std::unique_ptr<market::PaymentProvider>> Providers(const regions::RegionTree& tree) {
    std::vector<std::unique_ptr<market::PaymentProvider>> out;
    out.push_back(market::OfflinePayments(tree));
    out.push_back(market::TestPayments());
    return out;
  }

  int64_t Target(const std::string& target, const std::string& region, int year) const {
    auto it = scenario_.market.find({target, region, year});
    if (it == scenario_.market.end()) {
      throw Failure{fmt::format("the scenario has no row {},{},{}", target, region, year)};
    }
    return it->second;
  }
  int64_t Scaled(int64_t value) const {
    return static_cast<int64_t>(std::llround(static_cast<double>(value) * options_.scale));
  }
  static Caller As(const Principal& p) { return Caller{p, {}}; }
  const Principal& CountyOperator(const std::string& county) const { return *county_ops_.at(county); }

  // Setup, all in 2015.
  void LoadRegistry();
  const Principal& DemoAccount(const std::string& username);
  const Principal& NewAccount(const std::string& username, Role role, const std::string& region);
  void MakeAccounts();
  void PlanOutlets();
  void OpenOutlet(const std::string& village);
  void AdmitSuppliers();
  void DeclareLinks();
  void ListProducts();
  void CreateInstitutions();
  void SetReferencePrices(int year);

  // The timeline, 2016–2020.
  void Trade();
  void Push(int64_t at, Step step, size_t payload) { events_.push({at, seq_++, payload, step}); }
  void PlanMonth(int year, int month);
  void PlanPaperMonth(int year, int month, std::vector<PlannedOrder>& out, int64_t& value);
  std::optional<PlannedOrder> DrawOrder(int year, int month, int64_t cap_fen);
  PlannedOrder ClosingOrder(int64_t fen);
  void TakeIn(size_t product, int64_t quantity, int64_t at, const std::vector<std::pair<int64_t, int64_t>>* fixed,
              int64_t fixed_unit_fen);
  void Certify(size_t product);
  void Process(const Event& e);
  void MaybeCommit(bool force);
  std::vector<size_t> CountyProducts(const std::string& county) const;

  db::Connection& conn_;
  MarketOptions options_;
  const Scenario& scenario_;
  regions::RegionTree tree_;
  int64_t now_ = 0;  // the simulated clock: every timestamp the services write
  audit::AuditLog audit_;
  market::SupplierService suppliers_svc_;
  market::OrderService orders_svc_;
  std::optional<db::Transaction> tx_;
  int64_t steps_since_commit_ = 0;
  int paper_year_ = 2017, paper_month_ = 8;

  std::deque<Principal> principals_;  // stable addresses
  const Principal* admin_ = nullptr;
  const Principal* outlet_op_ = nullptr;
  const Principal* supplier_account_ = nullptr;
  std::map<std::string, const Principal*> county_ops_;

  std::vector<std::string> counties_;                         // in code order
  std::map<std::string, std::vector<std::string>> villages_;  // county → registered villages
  std::set<std::string> poor_villages_2016_;
  std::map<std::string, std::vector<int64_t>> poor_2016_;  // county → households poor in 2016
  std::map<int64_t, std::string> household_village_;
  std::vector<int64_t> yongjing_poor_paper_year_;
  std::map<std::string, std::vector<std::string>> early_outlets_;  // county → villages whose outlet opens in 2015
  std::vector<std::pair<int64_t, std::string>> later_outlets_;     // opened in 2016: (when, village)
  std::map<std::string, int64_t> outlet_of_village_;

  std::vector<SupplierInfo> suppliers_;
  std::vector<ProductInfo> products_;
  std::vector<int64_t> paper_households_;            // Yongjing, the paper's month
  std::map<size_t, std::vector<int64_t>> paper_of_;  // supplier → its share of them
  std::vector<Buyer> buyers_;
  std::vector<size_t> consumers_, traders_, institutions_;
  size_t demo_buyer_ = 0, canteen_ = 0;
  int demo_buyer_year_ = 0;  // the last year the demo buyer was given an order

  std::vector<PlannedOrder> orders_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  int64_t seq_ = 0;
  int64_t year_value_fen_ = 0;  // what the year's orders planned so far count towards its volume
  int64_t certificates_ = 0;
  Random rng_{0};
};

// ---- Registry and accounts ------------------------------------------------------------

void Generator::LoadRegistry() {
  for (const regions::Region* c : tree_.Children(tree_.Root()->code)) {
    if (c->level == regions::Level::kCounty) counties_.push_back(c->code);
  }
  std::sort(counties_.begin(), counties_.end());
  {
    auto st = conn_.Prepare("SELECT village_code, county_code FROM villages ORDER BY village_code");
    while (st->Step()) villages_[st->Text(1)].push_back(st->Text(0));
  }
  {
    auto st = conn_.Prepare("SELECT village_code FROM village_years WHERE year = ? AND status = 'poor'");
    st->Bind(1, kFirstYear);
    while (st->Step()) poor_villages_2016_.insert(st->Text(0));
  }
  {
    auto st = conn_.Prepare(
        "SELECT household_id, village_code, county_code FROM household_years WHERE year = ? AND status = 'poor' "
        "ORDER BY household_id");
    st->Bind(1, kFirstYear);
    while (st->Step()) {
      int64_t id = st->Int(0);
      poor_2016_[st->Text(2)].push_back(id);
      household_village_[id] = st->Text(1);
    }
  }
  {
    auto st = conn_.Prepare(
        "SELECT household_id FROM household_years WHERE year = ? AND status = 'poor' AND county_code = ? "
        "ORDER BY household_id");
    st->Bind(1, paper_year_).Bind(2, kYongjing);
    while (st->Step()) yongjing_poor_paper_year_.push_back(st->Int(0));
  }
  for (const std::string& c : counties_) {
    if (villages_[c].empty() || poor_2016_[c].empty()) {
      throw Failure{fmt::format("county {} has no registered villages or no poor households in {}", c, kFirstYear)};
    }
  }
}

const Principal& Generator::DemoAccount(const std::string& username) {
  std::optional<accounts::UserRecord> user = accounts::FindUser(conn_, username);
  if (!user) throw Failure{fmt::format("the demo account {} is missing: create the demo accounts first", username)};
  principals_.push_back(Principal{user->user_id, user->username, user->role, user->region_code, 0});
  return principals_.back();
}

const Principal& Generator::NewAccount(const std::string& username, Role role, const std::string& region) {
  accounts::UserRecord user;
  user.username = username;
  user.role = role;
  user.region_code = region;
  user.password_hash = kNoPassword;
  user.created_at = audit::FormatTimestamp(now_);
  std::optional<int64_t> id = accounts::InsertUser(conn_, user);
  if (!id) throw Failure{fmt::format("account {} exists already", username)};
  audit_.Append(conn_, nullptr, {},
                audit::Entry{"user.add", "user:" + username, region,
                             fmt::format("role {} (synthetic demo account; no one can sign in with it)",
                                         accounts::RoleName(role))});
  principals_.push_back(Principal{*id, username, role, region, 0});
  return principals_.back();
}

void Generator::MakeAccounts() {
  now_ = At(2015, 1, 5, 2);
  admin_ = &DemoAccount("admin");
  outlet_op_ = &DemoAccount("outlet");
  supplier_account_ = &DemoAccount("supplier");
  for (const std::string& c : counties_) {
    county_ops_[c] = c == kDongxiang
                         ? &DemoAccount("county")
                         : &NewAccount(fmt::format("demo-county-{}", c.substr(0, 6)), Role::kCountyOperator, c);
    now_ += 60;
  }
  // Where Linxia's produce is sold.
  static const char* kCities[] = {"甘肃省兰州市城关区", "甘肃省兰州市七里河区", "陕西省西安市雁塔区",
                                  "北京市朝阳区",       "上海市浦东新区",       "广东省广州市天河区",
                                  "四川省成都市武侯区", "浙江省杭州市西湖区",   "甘肃省临夏州临夏市"};
  Random rng = Random::Stream(options_.seed, 7001);
  auto phone = [](int64_t n) { return fmt::format("1380000{:04d}", n % 10000); };
  {
    Buyer b;
    b.principal = &DemoAccount("buyer");
    b.ship_name = "演示买家";
    b.ship_phone = phone(1);
    b.ship_address = "甘肃省兰州市城关区示例路 1 号 (synthetic address)";
    demo_buyer_ = buyers_.size();
    buyers_.push_back(b);
  }
  const int64_t consumers = std::max<int64_t>(5, Scaled(Target("market_consumer_accounts", kPrefecture, 0)));
  for (int64_t i = 1; i <= consumers; ++i) {
    Buyer b;
    b.principal = &NewAccount(fmt::format("demo-buyer-{:04d}", i), Role::kBuyer, kPrefecture);
    b.ship_name = fmt::format("演示顾客{}", i);
    b.ship_phone = phone(100 + i);
    b.ship_address =
        fmt::format("{}示例路 {} 号 (synthetic address)", kCities[rng.Below(std::size(kCities))], rng.Between(1, 300));
    consumers_.push_back(buyers_.size());
    buyers_.push_back(b);
  }
  const int64_t traders = std::max<int64_t>(2, Scaled(Target("market_trader_accounts", kPrefecture, 0)));
  for (int64_t i = 1; i <= traders; ++i) {
    Buyer b;
    b.kind = BuyerKind::kTrader;
    b.principal = &NewAccount(fmt::format("demo-trader-{:03d}", i), Role::kBuyer, kPrefecture);
    b.ship_name = fmt::format("演示商贸公司{} (synthetic)", i);
    b.ship_phone = phone(5000 + i);
    b.ship_address = fmt::format("{}物流园 {} 号库 (synthetic address)", kCities[rng.Below(std::size(kCities))], i);
    traders_.push_back(buyers_.size());
    buyers_.push_back(b);
  }
}

// ---- Outlets, suppliers, links, products ---------------------------------------------------

void Generator::PlanOutlets() {
  Random rng = Random::Stream(options_.seed, 7002);
  const int64_t wanted = Scaled(Target("market_outlets", kPrefecture, kFirstYear));
  std::vector<int64_t> weights;
  int64_t villages = 0;
  for (const std::string& c : counties_) {
    weights.push_back(static_cast<int64_t>(villages_[c].size()));
    villages += weights.back();
  }
  // One outlet per county at least, the rest by the number of villages; one per village at most.
  const int64_t counties = static_cast<int64_t>(counties_.size());
  const int64_t total = std::clamp<int64_t>(wanted, counties, villages);
  std::vector<int64_t> extra = market::Apportion(total - counties, weights);
  for (size_t ci = 0; ci < counties_.size(); ++ci) {
    const std::string& c = counties_[ci];
    std::vector<std::string> poor, other;
    for (const std::string& v : villages_[c]) (poor_villages_2016_.contains(v) ? poor : other).push_back(v);
    rng.Shuffle(poor);
    rng.Shuffle(other);
    // Seven outlets in ten in poor villages, the programme's focus, while there are some.
    size_t n = static_cast<size_t>(std::min<int64_t>(extra[ci] + 1, static_cast<int64_t>(villages_[c].size())));
    size_t from_poor = std::min(poor.size(), (n * 7 + 9) / 10);
    if (n - from_poor > other.size()) from_poor = n - other.size();
    std::vector<std::string> chosen(poor.begin(), poor.begin() + static_cast<std::ptrdiff_t>(from_poor));
    chosen.insert(chosen.end(), other.begin(), other.begin() + static_cast<std::ptrdiff_t>(n - from_poor));
    if (c == kDongxiang && std::find(chosen.begin(), chosen.end(), kDemoVillage) == chosen.end()) {
      chosen.insert(chosen.begin(), kDemoVillage);
      chosen.pop_back();
    } else if (c == kDongxiang) {
      std::erase(chosen, std::string(kDemoVillage));
      chosen.insert(chosen.begin(), kDemoVillage);
    }
    // The first half (at least two) open in early 2015: the suppliers' villages. The rest open during 2016.
    size_t early = std::min(chosen.size(), std::max<size_t>(2, (chosen.size() + 1) / 2));
    early_outlets_[c].assign(chosen.begin(), chosen.begin() + static_cast<std::ptrdiff_t>(early));
    for (size_t i = early; i < chosen.size(); ++i) {
      later_outlets_.push_back({Between(rng, At(2016, 1, 4, 1), At(2016, 11, 30, 9)), chosen[i]});
    }
  }
  std::vector<std::pair<int64_t, std::string>> first;
  for (const std::string& c : counties_) {
    for (const std::string& v : early_outlets_[c]) {
      first.push_back({Between(rng, At(2015, 2, 2, 1), At(2015, 3, 31, 9)), v});
    }
  }
  std::sort(first.begin(), first.end());
  std::sort(later_outlets_.begin(), later_outlets_.end());
  for (const auto& [at, village] : first) {
    now_ = at;
    OpenOutlet(village);
  }
}

void Generator::OpenOutlet(const std::string& village) {
  const regions::Region* v = tree_.Find(village);
  const regions::Region* county = tree_.AncestorAt(village, regions::Level::kCounty);
  market::Outlet outlet =
      Must(suppliers_svc_.OpenOutlet(conn_, As(CountyOperator(county->code)),
                                     market::NewOutlet{VillageShort(v->name) + "电商服务点", village}),
           "opening an outlet");
  outlet_of_village_[village] = outlet.id;
}

void Generator::AdmitSuppliers() {
  Random rng = Random::Stream(options_.seed, 7003);
  const int64_t wanted = Scaled(Target("market_suppliers", kPrefecture, 0));
  const int64_t per_county_min = 2;
  std::vector<int64_t> weights;
  for (const std::string& c : counties_) weights.push_back(static_cast<int64_t>(villages_[c].size()));
  std::vector<int64_t> extra = market::Apportion(
      std::max<int64_t>(0, wanted - per_county_min * static_cast<int64_t>(counties_.size())), weights);

  struct Application {
    int64_t at = 0;
    std::string county, village;
    market::SupplierKind kind = market::SupplierKind::kCooperative;
    std::optional<int64_t> household;
    std::string name;
    const Principal* applicant = nullptr;
    std::string fate;  // "approved", "applied", "recommended", "rejected"
  };
  std::vector<Application> apps;
  std::map<std::string, std::vector<int64_t>> poor_in_village;  // for household suppliers
  for (const auto& [county, list] : poor_2016_) {
    for (int64_t h : list) poor_in_village[household_village_[h]].push_back(h);
  }
  std::set<int64_t> taken;
  for (size_t ci = 0; ci < counties_.size(); ++ci) {
    const std::string& c = counties_[ci];
    const auto& outlets = early_outlets_[c];
    for (int64_t i = 0; i < per_county_min + extra[ci]; ++i) {
      Application a;
      a.county = c;
      a.village = i < 2 ? outlets[static_cast<size_t>(i) % outlets.size()] : outlets[rng.Below(outlets.size())];
      a.at = Between(rng, At(2015, 4, 1, 1), At(2015, 6, 30, 9));
      a.applicant = &CountyOperator(c);
      a.fate = "approved";
      double draw = rng.Unit();
      // Yongjing's suppliers are cooperatives buying apples and lilies from poor households.
      a.kind = c == kYongjing || draw < 0.5 ? market::SupplierKind::kCooperative
               : draw < 0.72                ? market::SupplierKind::kEnterprise
                                            : market::SupplierKind::kHousehold;
      if (a.kind == market::SupplierKind::kHousehold) {
        for (int64_t h : poor_in_village[a.village]) {
          if (taken.insert(h).second) {
            a.household = h;
            break;
          }
        }
        if (!a.household) a.kind = market::SupplierKind::kCooperative;
      }
      apps.push_back(std::move(a));
    }
  }
  // A few applications that are still pending or were turned down.
  const int64_t others = std::max<int64_t>(3, Scaled(Target("market_suppliers_not_approved", kPrefecture, 0)));
  for (int64_t i = 0; i < others; ++i) {
    Application a;
    a.county = counties_[rng.Below(counties_.size())];
    const auto& outlets = early_outlets_[a.county];
    a.village = outlets[rng.Below(outlets.size())];
    a.at = Between(rng, At(2015, 4, 1, 1), At(2015, 6, 30, 9));
    a.applicant = &CountyOperator(a.county);
    a.kind = market::SupplierKind::kEnterprise;
    static const char* kFates[] = {"applied", "recommended", "rejected"};
    a.fate = kFates[i % 3];
    apps.push_back(std::move(a));
  }
  // The demo account "supplier" applies for itself, in its village.
  {
    Application a;
    a.county = kDongxiang;
    a.village = kDemoVillage;
    a.at = At(2015, 4, 2, 2);
    a.applicant = supplier_account_;
    a.fate = "approved";
    a.name = VillageShort(tree_.Find(kDemoVillage)->name) + "洋芋种植专业合作社";
    apps.push_back(std::move(a));
  }
  std::stable_sort(apps.begin(), apps.end(), [](const Application& a, const Application& b) { return a.at < b.at; });

  auto head = conn_.Prepare("SELECT head_name FROM households WHERE household_id = ?");
  std::vector<int64_t> ids;
  for (size_t i = 0; i < apps.size(); ++i) {
    Application& a = apps[i];
    if (a.name.empty()) {
      std::string village = VillageShort(tree_.Find(a.village)->name);
      switch (a.kind) {
        case market::SupplierKind::kCooperative:
          a.name = fmt::format("{}{}专业合作社", village, a.county == kYongjing ? "果蔬种植" : "特色种养");
          break;
        case market::SupplierKind::kEnterprise:
          a.name = fmt::format("{}{}号农业发展有限公司", tree_.Find(a.county)->name, i + 1);
          break;
        case market::SupplierKind::kHousehold: {
          head->Bind(1, *a.household);
          std::string name = head->Step() ? head->Text(0) : "农户";
          head->Run();
          a.name = name + "家庭农场";
          break;
        }
      }
    }
    now_ = a.at;
    market::SupplierApplication app;
    app.kind = a.kind;
    app.name = a.name;
    app.village_code = a.village;
    app.household_id = a.household;
    app.contact = fmt::format("0930-{:07d} (synthetic)", 1000000 + i);
    app.synthetic = true;
    ids.push_back(Must(suppliers_svc_.Apply(conn_, As(*a.applicant), app), "a supplier application").id);
  }
  // The county recommends (or rejects) within weeks; the platform approves in September.
  std::vector<int64_t> decided(apps.size());
  for (size_t i = 0; i < apps.size(); ++i) decided[i] = At(2015, 7, 1, 1) + rng.Between(0, 60 * 86400 - 1);
  std::vector<size_t> by_decision(apps.size());
  for (size_t i = 0; i < apps.size(); ++i) by_decision[i] = i;
  std::stable_sort(by_decision.begin(), by_decision.end(), [&](size_t a, size_t b) { return decided[a] < decided[b]; });
  for (size_t i : by_decision) {
    const Application& a = apps[i];
    if (a.fate == "applied") continue;
    now_ = decided[i];
    if (a.fate == "rejected") {
      Must(suppliers_svc_.Reject(conn_, As(CountyOperator(a.county)), ids[i],
                                 "营业执照与申报地址不符 (business licence does not match the address; synthetic)"),
           "rejecting a supplier");
    } else {
      Must(suppliers_svc_.Recommend(conn_, As(CountyOperator(a.county)), ids[i]), "recommending a supplier");
    }
  }
  now_ = At(2015, 9, 1, 2);
  for (size_t i = 0; i < apps.size(); ++i) {
    const Application& a = apps[i];
    if (a.fate != "approved") continue;
    now_ += 600;
    Must(suppliers_svc_.Approve(conn_, As(*admin_), ids[i]), "approving a supplier");
    SupplierInfo s;
    s.id = ids[i];
    s.village = a.village;
    s.county = a.county;
    s.kind = a.kind;
    s.household = a.household;
    s.outlet_id = outlet_of_village_.at(a.village);
    s.demo_account = a.applicant == supplier_account_;
    suppliers_.push_back(std::move(s));
  }
}

void Generator::DeclareLinks() {
  Random rng = Random::Stream(options_.seed, 7004);
  // Yongjing's cooperatives: two in three sell apples, the others lilies.
  std::vector<size_t> apple_sup, lily_sup;
  for (size_t i = 0; i < suppliers_.size(); ++i) {
    if (suppliers_[i].county != kYongjing) continue;
    bool apples = apple_sup.size() <= lily_sup.size() * 2;
    (apples ? apple_sup : lily_sup).push_back(i);
    suppliers_[i].only = apples ? kApples : kLilies;
  }
  if (apple_sup.empty() || lily_sup.empty()) throw Failure{"Yongjing needs an apple and a lily cooperative"};
  // The paper's households: registered poor in Yongjing in the paper's year,
  // each linked to an apple cooperative; three in ten also to a lily one.
  const int64_t h = std::max<int64_t>(1, Scaled(Target("market_households_helped", kYongjing, paper_year_)));
  std::vector<int64_t> pool = yongjing_poor_paper_year_;
  rng.Shuffle(pool);
  if (static_cast<int64_t>(pool.size()) < h) {
    throw Failure{
        fmt::format("Yongjing has {} poor households in {}; the scenario needs {}", pool.size(), paper_year_, h)};
  }
  paper_households_.assign(pool.begin(), pool.begin() + h);
  std::sort(paper_households_.begin(), paper_households_.end());
  const int64_t lily_households = std::max<int64_t>(1, (h * 3 + 5) / 10);
  for (size_t i = 0; i < paper_households_.size(); ++i) {
    paper_of_[apple_sup[i % apple_sup.size()]].push_back(paper_households_[i]);
    if (static_cast<int64_t>(i) < lily_households) {
      paper_of_[lily_sup[i % lily_sup.size()]].push_back(paper_households_[i]);
    }
  }

  struct Declaration {
    int64_t at = 0;
    size_t supplier = 0;
    int64_t household = 0;
    Channel channel = Channel::kPurchase;
    std::string outcome;  // "verified", "declared" (still), "rejected"
  };
  std::vector<Declaration> list;
  for (size_t si = 0; si < suppliers_.size(); ++si) {
    const SupplierInfo& s = suppliers_[si];
    const std::vector<int64_t>& paper = paper_of_[si];
    std::set<int64_t> chosen(paper.begin(), paper.end());
    int64_t n = 0;
    switch (s.kind) {
      case market::SupplierKind::kCooperative: n = rng.Between(6, 16); break;
      case market::SupplierKind::kEnterprise: n = rng.Between(8, 20); break;
      case market::SupplierKind::kHousehold: n = rng.Between(0, 2); break;
    }
    const std::vector<int64_t>& county_pool = s.county == kYongjing ? yongjing_poor_paper_year_ : poor_2016_[s.county];
    const size_t want = paper.size() + static_cast<size_t>(n);
    for (int64_t k = 0; k < n * 3 && chosen.size() < want; ++k) {
      int64_t hh = county_pool[rng.Below(county_pool.size())];
      if (s.household != hh) chosen.insert(hh);
    }
    for (int64_t hh : chosen) {
      const bool for_paper = std::find(paper.begin(), paper.end(), hh) != paper.end();
      Declaration d;
      d.at = Between(rng, At(2015, 9, 25, 1), At(2015, 10, 20, 9));
      d.supplier = si;
      d.household = hh;
      // Enterprises employ and pay dividends as well as buy.
      double draw = rng.Unit();
      d.channel = for_paper || s.kind != market::SupplierKind::kEnterprise || draw < 0.5 ? Channel::kPurchase
                  : draw < 0.8                                                           ? Channel::kWages
                                                                                         : Channel::kDividends;
      double outcome = rng.Unit();
      d.outcome = for_paper || outcome < 0.94 ? "verified" : outcome < 0.97 ? "declared" : "rejected";
      list.push_back(d);
    }
  }
  std::stable_sort(list.begin(), list.end(), [](const Declaration& a, const Declaration& b) { return a.at < b.at; });
  std::vector<int64_t> link_ids;
  for (size_t i = 0; i < list.size(); ++i) {
    const Declaration& d = list[i];
    const SupplierInfo& s = suppliers_[d.supplier];
    now_ = d.at;
    static const char* kEvidence[] = {"收购协议", "务工合同", "入股分红协议"};
    const char* what = kEvidence[d.channel == Channel::kPurchase ? 0 : d.channel == Channel::kWages ? 1 : 2];
    market::LinkDeclaration link{s.id, d.household, d.channel,
                                 fmt::format("{} {}-{:05d} (synthetic)", what, s.county.substr(0, 6), i + 1)};
    link_ids.push_back(Must(suppliers_svc_.DeclareLink(
                                conn_, As(s.demo_account ? *supplier_account_ : CountyOperator(s.county)), link),
                            "declaring a link")
                           .id);
  }
  std::vector<int64_t> decided(list.size());
  for (size_t i = 0; i < list.size(); ++i) decided[i] = list[i].at + 86400 * rng.Between(5, 25);
  std::vector<size_t> by_decision(list.size());
  for (size_t i = 0; i < list.size(); ++i) by_decision[i] = i;
  std::stable_sort(by_decision.begin(), by_decision.end(), [&](size_t a, size_t b) { return decided[a] < decided[b]; });
  for (size_t i : by_decision) {
    const Declaration& d = list[i];
    if (d.outcome == "declared") continue;
    SupplierInfo& s = suppliers_[d.supplier];
    now_ = decided[i];
    if (d.outcome == "rejected") {
      Must(suppliers_svc_.RejectLink(conn_, As(CountyOperator(s.county)), link_ids[i],
                                     "未见收购凭证 (no receipts of purchase; synthetic)"),
           "rejecting a link");
      continue;
    }
    Must(suppliers_svc_.VerifyLink(conn_, As(CountyOperator(s.county)), link_ids[i]), "verifying a link");
    s.links.push_back({d.household, d.channel});
  }
  for (SupplierInfo& s : suppliers_) {
    std::sort(s.links.begin(), s.links.end(),
              [](const Link& a, const Link& b) { return a.household_id < b.household_id; });
  }
}

void Generator::ListProducts() {
  Random rng = Random::Stream(options_.seed, 7005);
  struct Listing {
    int64_t at = 0;
    size_t supplier = 0;
    size_t speciality = 0;
  };
  std::vector<Listing> list;
  for (size_t si = 0; si < suppliers_.size(); ++si) {
    const SupplierInfo& s = suppliers_[si];
    if (s.demo_account) {
      // The demo supplier sells Dongxiang potatoes (which close each year's volume) and mutton.
      list.push_back({At(2015, 11, 2, 2), si, kPotatoes});
      list.push_back({At(2015, 11, 2, 3), si, kPotatoes + 1});
      continue;
    }
    if (s.only) {
      list.push_back({Between(rng, At(2015, 11, 3, 1), At(2015, 11, 30, 9)), si, *s.only});
      continue;
    }
    std::vector<size_t> palette;
    for (size_t k = 0; k < std::size(kPalette); ++k) {
      if (s.county == kPalette[k].county) palette.push_back(k);
    }
    rng.Shuffle(palette);
    size_t n = std::min<size_t>(palette.size(), rng.Chance(0.5) ? 2 : 1);
    for (size_t k = 0; k < n; ++k) {
      list.push_back({Between(rng, At(2015, 11, 3, 1), At(2015, 11, 30, 9)), si, palette[k]});
    }
  }
  std::stable_sort(list.begin(), list.end(), [](const Listing& a, const Listing& b) { return a.at < b.at; });
  for (const Listing& l : list) {
    SupplierInfo& s = suppliers_[l.supplier];
    const Speciality& spec = kPalette[l.speciality];
    now_ = l.at;
    market::NewProduct p;
    p.supplier_id = s.demo_account ? 0 : s.id;  // a supplier account lists for its own supplier
    p.name = spec.name;
    p.category = spec.category;
    p.unit = "kg";
    p.price_fen = spec.price_yuan * 100;
    p.origin_village_code = s.village;
    p.story = StoryOf(spec);
    p.grades = GradesOf(spec.goods);
    p.flags.one_village_one_product = rng.Chance(0.3);
    p.flags.green = rng.Chance(0.2);
    p.flags.organic = rng.Chance(0.05);
    p.flags.compliance_certificate = rng.Chance(0.6);
    p.synthetic = true;
    const Principal& who = s.demo_account ? *supplier_account_ : CountyOperator(s.county);
    market::Product made = Must(suppliers_svc_.CreateProduct(conn_, As(who), p), "listing a product");
    ProductInfo info;
    info.id = made.id;
    info.supplier = l.supplier;
    info.speciality = l.speciality;
    info.price_fen = made.price_fen;
    products_.push_back(info);
  }
  // One supplier in four (not Yongjing's) also sells through a second outlet of its county.
  for (SupplierInfo& s : suppliers_) {
    const auto& outlets = early_outlets_[s.county];
    if (s.only || outlets.size() < 2 || !rng.Chance(0.25)) continue;
    const std::string& village = outlets[rng.Below(outlets.size())];
    if (village == s.village) continue;
    now_ = Between(rng, At(2015, 12, 1, 1), At(2015, 12, 9, 9));
    Must(
        suppliers_svc_.GrantOutletPermission(conn_, As(CountyOperator(s.county)), s.id, outlet_of_village_.at(village)),
        "granting an outlet permission");
    s.permitted_outlet = outlet_of_village_.at(village);
  }
}

void Generator::CreateInstitutions() {
  now_ = At(2015, 12, 10, 2);
  auto add = [&](const Principal& account, const std::string& name, market::InstitutionKind kind,
                 const std::string& region) {
    market::NewInstitution n;
    n.name = name;
    n.kind = kind;
    n.region_code = region;
    n.buyer_username = account.username;
    n.synthetic = true;
    market::Institution made = Must(suppliers_svc_.CreateInstitution(conn_, As(*admin_), n), "creating an institution");
    Buyer b;
    b.principal = &account;
    b.kind = BuyerKind::kInstitution;
    b.county = region == kPrefecture ? "" : region;
    b.ship_name = name;
    b.ship_phone = fmt::format("0930-{:07d}", 2000000 + made.id);
    b.ship_address = fmt::format("{}机关路 {} 号 (synthetic address)", tree_.Find(region)->name, made.id);
    institutions_.push_back(buyers_.size());
    buyers_.push_back(b);
    now_ += 600;
  };
  canteen_ = buyers_.size();
  add(DemoAccount("canteen"), "临夏州直机关食堂 (synthetic)", market::InstitutionKind::kGovernment, kPrefecture);
  const int64_t n = std::max<int64_t>(3, Scaled(Target("market_institutions", kPrefecture, 0)));
  static const std::pair<market::InstitutionKind, const char*> kKinds[] = {
      {market::InstitutionKind::kSchool, "第{}中学食堂"},
      {market::InstitutionKind::kHospital, "人民医院第{}食堂"},
      {market::InstitutionKind::kGovernment, "机关第{}食堂"},
      {market::InstitutionKind::kEnterprise, "第{}建筑公司职工食堂"},
      {market::InstitutionKind::kSchool, "第{}小学食堂"},
      {market::InstitutionKind::kArmy, "驻地部队第{}食堂"}};
  for (int64_t i = 0; i < n; ++i) {
    const std::string& county = counties_[static_cast<size_t>(i) % counties_.size()];
    const auto& [kind, pattern] = kKinds[static_cast<size_t>(i) % std::size(kKinds)];
    std::string name = tree_.Find(county)->name +
                       fmt::format(fmt::runtime(pattern), i / static_cast<int64_t>(counties_.size()) + 1) +
                       " (synthetic)";
    add(NewAccount(fmt::format("demo-inst-{:03d}", i + 1), Role::kBuyer, county), name, kind, county);
  }
}

void Generator::SetReferencePrices(int year) {
  now_ = At(year - 1, 12, 20, 2);
  for (const ProductInfo& p : products_) {
    market::ReferencePrice price;
    price.product_id = p.id;
    price.year = year;
    price.price_fen = ReferenceFen(kPalette[p.speciality], year);
    price.source = fmt::format("synthetic: the demo's local market price for {} (scenario choice, +4 % a year)", year);
    Must(suppliers_svc_.SetReferencePrice(conn_, As(CountyOperator(suppliers_[p.supplier].county)), price),
         "setting a reference price");
    now_ += 7;
  }
}

// ---- The timeline ----------------------------------------------------------------------------

std::vector<size_t> Generator::CountyProducts(const std::string& county) const {
  std::vector<size_t> out;
  for (size_t i = 0; i < products_.size(); ++i) {
    if (suppliers_[products_[i].supplier].county == county) out.push_back(i);
  }
  return out;
}

void Generator::TakeIn(size_t product, int64_t quantity, int64_t at,
                       const std::vector<std::pair<int64_t, int64_t>>* fixed, int64_t fixed_unit_fen) {
  ProductInfo& p = products_[product];
  const SupplierInfo& s = suppliers_[p.supplier];
  const Speciality& spec = kPalette[p.speciality];
  const int64_t reference = ReferenceFen(spec, std::stoi(DateOf(at).substr(0, 4)));
  now_ = at;
  market::LotIntake in;
  in.product_id = p.id;
  in.outlet_id = s.permitted_outlet && rng_.Chance(0.3) ? *s.permitted_outlet : s.outlet_id;
  in.quantity = quantity;
  std::vector<std::string> grades = GradesOf(spec.goods);
  in.grade = grades[rng_.Below(grades.size())];
  in.intake_date = DateOf(at);
  in.inspection_test = InspectionOf(spec.goods);
  in.inspection_result = "pass";
  in.inspector = fmt::format("质检员{} (synthetic)", s.county.substr(4, 2));
  if (fixed) {
    for (const auto& [household, q] : *fixed) in.households.push_back({household, q, q * fixed_unit_fen});
  } else {
    // The households that supplied it: the supplier's own household, and linked ones.
    std::vector<Link> links = s.links;
    rng_.Shuffle(links);
    size_t k = std::min<size_t>(links.size(), static_cast<size_t>(rng_.Between(2, 8)));
    if (s.kind == market::SupplierKind::kEnterprise && rng_.Chance(0.2)) k = 0;  // its own farm's produce
    std::vector<Link> who;
    if (s.household) who.push_back(Link{*s.household, Channel::kDirectSale});
    who.insert(who.end(), links.begin(), links.begin() + static_cast<std::ptrdiff_t>(k));
    if (static_cast<int64_t>(who.size()) > quantity) who.resize(static_cast<size_t>(quantity));
    if (!who.empty()) {
      std::vector<int64_t> weights;
      for (size_t i = 0; i < who.size(); ++i) weights.push_back(rng_.Between(1, 10));
      std::vector<int64_t> q = market::Apportion(quantity - static_cast<int64_t>(who.size()), weights);
      // What the supplier pays a household per kg: more than the local price.
      const int64_t unit = reference * rng_.Between(112, 150) / 100;
      for (size_t i = 0; i < who.size(); ++i) {
        int64_t units = q[i] + 1;
        int64_t paid = 0;
        switch (who[i].channel) {
          case Channel::kDirectSale: paid = 0; break;  // its own produce, credited at the product's price
          case Channel::kPurchase: paid = units * unit; break;
          case Channel::kWages: paid = units * reference / 5; break;       // picking, sorting, packing
          case Channel::kDividends: paid = units * reference / 10; break;  // its share of the profit
        }
        in.households.push_back({who[i].household_id, units, paid});
      }
    }
  }
  std::sort(in.households.begin(), in.households.end(),
            [](const market::LotHouseholdInput& a, const market::LotHouseholdInput& b) {
              return a.household_id < b.household_id;
            });
  const bool demo_outlet = in.outlet_id == outlet_of_village_.at(kDemoVillage);
  Must(orders_svc_.TakeInIn(conn_, As(demo_outlet ? *outlet_op_ : CountyOperator(s.county)), in), "taking in a lot");
  p.saleable += quantity;
  // Now and then a lot fails its inspection: recorded, never sold.
  if (!fixed && rng_.Chance(0.01)) {
    in.inspection_result = "fail";
    in.quantity = std::max<int64_t>(1, quantity / 10);
    in.households.clear();
    now_ += 1800;
    Must(orders_svc_.TakeInIn(conn_, As(demo_outlet ? *outlet_op_ : CountyOperator(s.county)), in),
         "recording a failed lot");
  }
}

void Generator::Certify(size_t product) {
  const ProductInfo& p = products_[product];
  const SupplierInfo& s = suppliers_[p.supplier];
  market::Certification c;
  c.certificate_no =
      fmt::format("FPCP-{}-{}-{:04d}", s.county.substr(0, 6), DateOf(now_).substr(0, 4), ++certificates_);
  c.valid_from = DateOf(now_);
  c.valid_until = "2021-12-31";
  Must(suppliers_svc_.Certify(conn_, As(CountyOperator(s.county)), p.id, c), "certifying a product");
}

std::optional<PlannedOrder> Generator::DrawOrder(int year, int month, int64_t cap_fen) {
  PlannedOrder o;
  double draw = rng_.Unit();
  // Half the orders are consumers' parcels; most of the volume is wholesale
  // (traders) and institutional buying. The mix keeps the number of orders
  // near 14,000 at scale 1 (about 66,000 yuan an order on average).
  BuyerKind kind = draw < 0.5 ? BuyerKind::kConsumer : draw < 0.85 ? BuyerKind::kTrader : BuyerKind::kInstitution;
  int64_t value_yuan = 0;
  switch (kind) {
    case BuyerKind::kConsumer:
      // The demo account "buyer" places a consumer order now and then, and the first of each year.
      o.buyer = rng_.Chance(0.04) || demo_buyer_year_ != year ? demo_buyer_ : consumers_[rng_.Below(consumers_.size())];
      demo_buyer_year_ = year;
      value_yuan = rng_.Between(60, 800);
      break;
    case BuyerKind::kTrader:
      o.buyer = traders_[rng_.Below(traders_.size())];
      value_yuan = rng_.Between(50000, 300000);
      break;
    case BuyerKind::kInstitution:
      o.buyer = rng_.Chance(0.1) ? canteen_ : institutions_[rng_.Below(institutions_.size())];
      value_yuan = rng_.Between(5000, 60000);
      break;
  }
  const Buyer& buyer = buyers_[o.buyer];
  // An institution buys in its own county more often than not (消费扶贫).
  o.county = !buyer.county.empty() && rng_.Chance(0.6) ? buyer.county : counties_[rng_.Below(counties_.size())];
  // The paper's month in Yongjing is planned on its own (PlanPaperMonth).
  if (o.county == kYongjing && year == paper_year_ && month == paper_month_) o.county = kDongxiang;
  std::vector<size_t> offer = CountyProducts(o.county);
  const int64_t value_fen = std::min(value_yuan * 100, cap_fen);
  size_t lines = kind == BuyerKind::kInstitution ? static_cast<size_t>(rng_.Between(2, 4))
                                                 : static_cast<size_t>(rng_.Between(1, 2));
  rng_.Shuffle(offer);
  offer.resize(std::min(lines, offer.size()));
  std::sort(offer.begin(), offer.end());
  int64_t total = 0;
  for (size_t i : offer) {
    const ProductInfo& p = products_[i];
    int64_t q = std::max<int64_t>(1, value_fen / static_cast<int64_t>(offer.size()) / p.price_fen);
    q = std::min(q, (cap_fen - total) / p.price_fen);
    if (q <= 0) continue;
    o.lines.push_back({p.id, q});
    o.products.push_back(i);
    total += q * p.price_fen;
  }
  if (o.lines.empty()) return std::nullopt;
  o.total_fen = total;
  double fate = rng_.Unit();
  if (kind == BuyerKind::kConsumer) {
    o.fate = fate < 0.028  ? Fate::kCancelByBuyer
             : fate < 0.04 ? Fate::kCancelUnpaid
             : fate < 0.05 ? Fate::kRefundBeforeShipping
             : fate < 0.06 ? Fate::kRefundAfterDelivery
                           : Fate::kAccept;
  } else {
    o.fate = fate < 0.01 ? Fate::kCancelByBuyer : fate < 0.02 ? Fate::kRefundAfterDelivery : Fate::kAccept;
  }
  // Up to the paper's month nothing comes back to Yongjing's shelves: its
  // stock is exact, so that the paper's lots are the only ones sold then.
  if (o.county == kYongjing && (year < paper_year_ || (year == paper_year_ && month <= paper_month_))) {
    o.fate = Fate::kAccept;
  }
  return o;
}

PlannedOrder Generator::ClosingOrder(int64_t fen) {
  // The canteen buys the year's last potatoes from the demo supplier: fen / 100 kg at 1 yuan per kg.
  PlannedOrder o;
  o.buyer = canteen_;
  o.county = kDongxiang;
  for (size_t i = 0; i < products_.size(); ++i) {
    if (products_[i].speciality == kPotatoes && suppliers_[products_[i].supplier].demo_account) {
      o.lines.push_back({products_[i].id, fen / products_[i].price_fen});
      o.products.push_back(i);
      o.total_fen = o.lines.back().quantity * products_[i].price_fen;
      break;
    }
  }
  if (o.lines.empty() || o.total_fen != fen) throw Failure{"no potatoes to close the year's volume with"};
  return o;
}

void Generator::PlanPaperMonth(int year, int month, std::vector<PlannedOrder>& out, int64_t& value) {
  // Yongjing in the paper's month: exactly the scenario's kilograms of apples
  // and lilies, from the paper's households only, paid a gain per kg over the
  // local price that gives them the scenario's mean gain.
  const int64_t apples = std::max<int64_t>(1, Scaled(Target("market_bingtangxin_apples_kg", kYongjing, year)));
  const int64_t lilies = std::max<int64_t>(1, Scaled(Target("market_lilies_kg", kYongjing, year)));
  const int64_t gain_fen =
      Target("market_gain_per_household_yuan", kYongjing, year) * 100 * static_cast<int64_t>(paper_households_.size());
  const int64_t lily_gain = 600;  // fen per kg; the apples make up the rest
  const int64_t apple_gain = (gain_fen - lily_gain * lilies) / apples;
  if (apple_gain < 1) throw Failure{"the scenario's gain per household cannot be reached with its quantities"};
  const int64_t at = At(year, month, 1, 0, 30);
  for (const bool lily : {false, true}) {
    const size_t spec = lily ? kLilies : kApples;
    std::vector<size_t> prods;
    std::vector<int64_t> weights;
    for (size_t i = 0; i < products_.size(); ++i) {
      auto it = paper_of_.find(products_[i].supplier);
      if (products_[i].speciality != spec || it == paper_of_.end() || it->second.empty()) continue;
      prods.push_back(i);
      weights.push_back(static_cast<int64_t>(it->second.size()));
    }
    if (prods.empty()) throw Failure{"no cooperative holds the paper's households"};
    std::vector<int64_t> per_product = market::Apportion(lily ? lilies : apples, weights);
    for (size_t k = 0; k < prods.size(); ++k) {
      ProductInfo& p = products_[prods[k]];
      const std::vector<int64_t>& households = paper_of_.at(p.supplier);
      const int64_t q = per_product[k];
      if (q < static_cast<int64_t>(households.size())) throw Failure{"too few kilograms for the paper's households"};
      if (p.saleable != 0) throw Failure{"Yongjing has stock left over before the paper's month"};
      std::vector<int64_t> w;
      for (size_t i = 0; i < households.size(); ++i) w.push_back(rng_.Between(6, 14));
      std::vector<int64_t> split = market::Apportion(q - static_cast<int64_t>(households.size()), w);
      std::vector<std::pair<int64_t, int64_t>> fixed;
      for (size_t i = 0; i < households.size(); ++i) fixed.push_back({households[i], split[i] + 1});
      TakeIn(prods[k], q, at, &fixed, ReferenceFen(kPalette[spec], year) + (lily ? lily_gain : apple_gain));
      // Sold out within the month, to traders, institutions and consumers.
      for (int64_t left = q; left > 0;) {
        PlannedOrder o;
        double draw = rng_.Unit();
        int64_t want = 0;
        if (draw < 0.5) {
          o.buyer = traders_[rng_.Below(traders_.size())];
          want = rng_.Between(300, 2000);
        } else if (draw < 0.7) {
          o.buyer = institutions_[rng_.Below(institutions_.size())];
          want = rng_.Between(50, 500);
        } else {
          o.buyer = rng_.Chance(0.04) ? demo_buyer_ : consumers_[rng_.Below(consumers_.size())];
          want = rng_.Between(5, 40);
        }
        want = std::min(want, left);
        left -= want;
        o.county = kYongjing;
        o.lines.push_back({p.id, want});
        o.products.push_back(prods[k]);
        o.total_fen = want * p.price_fen;
        value += o.total_fen;
        out.push_back(std::move(o));
      }
    }
  }
}

void Generator::PlanMonth(int year, int month) {
  // The year's volume, spread over the months by a seasonal weight (more in
  // autumn and before the Spring Festival). A month draws orders until the
  // cumulative target of the year so far is met, each order capped so as
  // never to overshoot it; in December a last order closes the year exactly.
  static const int64_t kMonthWeight[12] = {9, 7, 7, 7, 7, 7, 7, 8, 9, 10, 11, 11};  // sums to 100
  int64_t through = 0;
  for (int m = 1; m <= month; ++m) through += kMonthWeight[m - 1];
  const int64_t year_fen = Scaled(Target("market_transaction_volume_yuan", kPrefecture, year)) * 100;
  const int64_t month_target = year_fen * through / 100;
  if (month == 1) year_value_fen_ = 0;

  std::vector<PlannedOrder> planned;
  int64_t value = 0;
  if (year == paper_year_ && month == paper_month_) PlanPaperMonth(year, month, planned, value);
  const size_t paper_orders = planned.size();  // their stock is taken in already
  constexpr int64_t kSlack = 30000;            // fen: below this much left, the month stops drawing
  for (int failures = 0; month_target - year_value_fen_ - value >= kSlack && failures < 50;) {
    std::optional<PlannedOrder> o = DrawOrder(year, month, month_target - year_value_fen_ - value);
    if (!o) {
      ++failures;
      continue;
    }
    if (o->fate == Fate::kAccept) value += o->total_fen;
    planned.push_back(std::move(*o));
  }
  const bool closing = month == 12 && year_fen - year_value_fen_ - value > 0;
  if (closing) {
    planned.push_back(ClosingOrder(year_fen - year_value_fen_ - value));
    value += planned.back().total_fen;
  }
  year_value_fen_ += value;

  // Stock: on the 1st, lots of whatever the month's orders would find short.
  // Yongjing's lots hold exactly what is short; elsewhere about two months' sales.
  std::vector<int64_t> demand(products_.size(), 0);
  for (size_t i = paper_orders; i < planned.size(); ++i) {
    for (size_t k = 0; k < planned[i].lines.size(); ++k) demand[planned[i].products[k]] += planned[i].lines[k].quantity;
  }
  for (size_t i = 0; i < products_.size(); ++i) {
    ProductInfo& p = products_[i];
    if (demand[i] <= p.saleable) continue;
    const int64_t short_by = demand[i] - p.saleable;
    const bool exact = suppliers_[p.supplier].county == kYongjing;
    TakeIn(i, exact ? short_by : short_by + demand[i], At(year, month, 1, 0, static_cast<int>(i % 60)), nullptr, 0);
  }
  // Orders over the month, in the daytime of China Standard Time (01:00–14:00 UTC).
  const int days = DaysIn(year, month);
  for (size_t i = 0; i < planned.size(); ++i) {
    const int day = closing && i + 1 == planned.size() ? days : static_cast<int>(rng_.Between(1, days));
    int64_t at = At(year, month, day, static_cast<int>(rng_.Between(1, 13)), static_cast<int>(rng_.Between(0, 59))) +
                 rng_.Between(0, 59);
    const size_t index = orders_.size();
    orders_.push_back(std::move(planned[i]));
    Push(at, Step::kPlace, index);
  }
}

void Generator::Process(const Event& e) {
  now_ = e.at;
  switch (e.step) {
    case Step::kMonth: {
      const int year = static_cast<int>(e.subject / 100), month = static_cast<int>(e.subject % 100);
      PlanMonth(year, month);
      if (year < kLastYear || month < 12) {
        Push(month == 12 ? At(year + 1, 1, 1) : At(year, month + 1, 1), Step::kMonth,
             month == 12 ? static_cast<size_t>((year + 1) * 100 + 1) : e.subject + 1);
      }
      return;
    }
    case Step::kOutlet: OpenOutlet(later_outlets_[e.subject].second); return;
    case Step::kCertify: Certify(e.subject); return;
    case Step::kPrices: SetReferencePrices(static_cast<int>(e.subject)); return;
    default: break;
  }
  PlannedOrder& o = orders_[e.subject];
  const Buyer& buyer = buyers_[o.buyer];
  const std::string at = audit::FormatTimestamp(e.at);
  const Principal& op = CountyOperator(o.county);
  auto next = [&](Step step, int64_t after) { Push(e.at + after, step, e.subject); };
  switch (e.step) {
    case Step::kPlace: {
      market::PlaceOrder c;
      c.idempotency_key = fmt::format("demo-{}", e.subject + 1);
      c.lines = o.lines;
      c.ship_name = buyer.ship_name;
      c.ship_phone = buyer.ship_phone;
      c.ship_address = buyer.ship_address;
      o.id = Must(orders_svc_.PlaceIn(conn_, As(*buyer.principal), c), "placing an order").order.id;
      for (size_t k = 0; k < o.lines.size(); ++k) products_[o.products[k]].saleable -= o.lines[k].quantity;
      if (o.fate == Fate::kCancelByBuyer) {
        next(Step::kCancel, rng_.Between(600, 6 * 3600));
      } else if (o.fate == Fate::kCancelUnpaid) {
        next(Step::kCancel, 2 * 86400 + rng_.Between(0, 3600));
      } else {
        next(Step::kPay, rng_.Between(60, 3000));
      }
      break;
    }
    case Step::kPay: {
      market::PayOrder pay;
      if (buyer.kind == BuyerKind::kInstitution) {
        // Institutions pay by bank transfer; the county service center confirms it.
        pay.provider = "offline";
        pay.reference = fmt::format("BANK-{}-{:06d} (synthetic)", DateOf(e.at), o.id);
        Must(orders_svc_.PayIn(conn_, As(op), o.id, pay, at), "confirming an offline payment");
      } else {
        pay.provider = "test";
        Must(orders_svc_.PayIn(conn_, As(*buyer.principal), o.id, pay, at), "paying an order");
      }
      next(o.fate == Fate::kRefundBeforeShipping ? Step::kRefund : Step::kPack,
           o.fate == Fate::kRefundBeforeShipping ? rng_.Between(3600, 86400) : 86400 + rng_.Between(0, 4 * 3600));
      break;
    }
    case Step::kPack:
      Must(orders_svc_.MoveIn(conn_, As(op), o.id, market::OrderState::kPacked, "", at), "packing an order");
      next(Step::kShip, rng_.Between(2 * 3600, 8 * 3600));
      break;
    case Step::kShip:
      Must(orders_svc_.MoveIn(conn_, As(op), o.id, market::OrderState::kShipped,
                              fmt::format("YT{}{:08d}", DateOf(e.at).substr(0, 4), o.id), at),
           "shipping an order");
      next(Step::kDeliver, rng_.Between(86400, 4 * 86400));
      break;
    case Step::kDeliver:
      Must(orders_svc_.MoveIn(conn_, As(op), o.id, market::OrderState::kDelivered, "", at), "delivering an order");
      next(o.fate == Fate::kRefundAfterDelivery ? Step::kRefund : Step::kAccept, rng_.Between(6 * 3600, 3 * 86400));
      break;
    case Step::kAccept: {
      const bool institution = buyer.kind == BuyerKind::kInstitution;
      const std::string note = institution ? "验收合格，数量与发票相符 (synthetic)" : "";
      Must(orders_svc_.MoveIn(conn_, As(*buyer.principal), o.id, market::OrderState::kAccepted, note, at),
           "accepting an order");
      if (institution) {
        // An institution accepts with its invoice number (Accept() takes it; MoveIn does not).
        auto st = conn_.Prepare("UPDATE orders SET invoice_no = ?, inspection_note = ? WHERE order_id = ?");
        st->Bind(1, fmt::format("FP{}{:08d}", DateOf(e.at).substr(0, 4), o.id)).Bind(2, note).Bind(3, o.id);
        st->Run();
      }
      break;
    }
    case Step::kCancel: {
      const bool by_buyer = o.fate == Fate::kCancelByBuyer;
      Must(orders_svc_.MoveIn(
               conn_, As(by_buyer ? *buyer.principal : *admin_), o.id, market::OrderState::kCancelled,
               by_buyer ? "买家取消 (synthetic)" : "48 小时未付款，取消 (unpaid for two days; synthetic)", at),
           "cancelling an order");
      for (size_t k = 0; k < o.lines.size(); ++k) products_[o.products[k]].saleable += o.lines[k].quantity;
      break;
    }
    case Step::kRefund:
      Must(orders_svc_.MoveIn(conn_, As(*admin_), o.id, market::OrderState::kRefunded,
                              o.fate == Fate::kRefundBeforeShipping ? "缺货退款 (out of stock; synthetic)"
                                                                    : "质量问题退货退款 (goods returned; synthetic)",
                              at),
           "refunding an order");
      // Before shipping the allocation is freed; after, the units return to on hand: saleable again either way.
      for (size_t k = 0; k < o.lines.size(); ++k) products_[o.products[k]].saleable += o.lines[k].quantity;
      break;
    default: break;
  }
  ++steps_since_commit_;
}

void Generator::MaybeCommit(bool force) {
  if (!force && steps_since_commit_ < static_cast<int64_t>(options_.batch_orders) * 6) return;
  // The order service does not know an order is synthetic; in the demo every one is.
  conn_.Exec("UPDATE orders SET synthetic = 1 WHERE synthetic = 0");
  tx_->Commit();
  tx_.reset();
  tx_.emplace(conn_);
  steps_since_commit_ = 0;
}

void Generator::Trade() {
  rng_ = Random::Stream(options_.seed, 7100);
  Random rng = Random::Stream(options_.seed, 7007);
  Push(At(kFirstYear, 1, 1), Step::kMonth, static_cast<size_t>(kFirstYear * 100 + 1));
  for (size_t i = 0; i < later_outlets_.size(); ++i) Push(later_outlets_[i].first, Step::kOutlet, i);
  for (int year = kFirstYear + 1; year <= kLastYear; ++year) {
    Push(At(year - 1, 12, 20, 2), Step::kPrices, static_cast<size_t>(year));
  }
  // Poverty-alleviation certification over 2016–2018: the paper's products and
  // about six others in ten whose supplier has a verified link.
  for (size_t i = 0; i < products_.size(); ++i) {
    const SupplierInfo& s = suppliers_[products_[i].supplier];
    const bool linked = !s.links.empty() || s.household.has_value();
    if (linked && (kPalette[products_[i].speciality].paper || rng.Chance(0.6))) {
      Push(Between(rng, At(2016, 2, 1, 1), At(2018, 12, 31, 9)), Step::kCertify, i);
    }
  }
  // Steps that would fall after the records end do not happen: those orders stay where they are.
  const int64_t end = At(kLastYear + 1, 1, 1);
  while (!events_.empty() && events_.top().at < end) {
    Event e = events_.top();
    events_.pop();
    Process(e);
    MaybeCommit(false);
  }
}

MarketSummary Generator::Run() {
  for (const auto& [key, value] : scenario_.market) {
    if (std::get<0>(key) == "market_paper_month") {
      paper_year_ = std::get<2>(key);
      paper_month_ = static_cast<int>(value);
    }
  }
  tx_.emplace(conn_);
  LoadRegistry();
  MakeAccounts();
  PlanOutlets();
  AdmitSuppliers();
  DeclareLinks();
  ListProducts();
  CreateInstitutions();
  SetReferencePrices(kFirstYear);
  MaybeCommit(true);
  Trade();
  MaybeCommit(true);
  tx_->Commit();
  tx_.reset();

  MarketSummary s;
  auto count = [&](const char* sql) { return db::QueryInt(conn_, sql).value_or(0); };
  s.outlets = count("SELECT COUNT(*) FROM outlets");
  s.suppliers = count("SELECT COUNT(*) FROM suppliers");
  s.approved_suppliers = count("SELECT COUNT(*) FROM suppliers WHERE state = 'approved'");
  s.verified_links = count("SELECT COUNT(*) FROM supplier_links WHERE state = 'verified'");
  s.products = count("SELECT COUNT(*) FROM products");
  s.certified_products = count("SELECT COUNT(*) FROM products WHERE certificate_no IS NOT NULL");
  s.lots = count("SELECT COUNT(*) FROM lots");
  s.buyers = static_cast<int64_t>(consumers_.size() + traders_.size());
  s.institutions = count("SELECT COUNT(*) FROM institutions");
  s.orders = count("SELECT COUNT(*) FROM orders");
  s.cancelled = count("SELECT COUNT(*) FROM orders WHERE state = 'cancelled'");
  s.refunded = count("SELECT COUNT(*) FROM orders WHERE state = 'refunded'");
  s.ledger_entries = count("SELECT COUNT(*) FROM ledger");
  s.volume_2016_fen = count(
      "SELECT COALESCE(SUM(total_fen), 0) FROM orders WHERE paid_at >= '2016-01-01' AND paid_at < '2017-01-01' "
      "AND state <> 'refunded'");
  const int64_t expected = Scaled(Target("market_transaction_volume_yuan", kPrefecture, kFirstYear)) * 100;
  if (s.volume_2016_fen != expected) {
    throw Failure{fmt::format("the 2016 volume came out at {} fen instead of {}", s.volume_2016_fen, expected)};
  }
  return s;
}

}  // namespace

Result<MarketSummary> BuildMarket(db::Connection& conn, db::Pool& pool, const MarketOptions& options) {
  try {
    if (db::QueryInt(conn, "SELECT COUNT(*) FROM households").value_or(0) == 0) {
      return Error::Precondition("the marketplace is built on the demo registry: build the registry first");
    }
    if (db::QueryInt(conn,
                     "SELECT (SELECT COUNT(*) FROM suppliers) + (SELECT COUNT(*) FROM outlets) + "
                     "(SELECT COUNT(*) FROM orders)")
            .value_or(0) > 0) {
      return Error::Conflict("the database already holds a marketplace; build the demo into a new database");
    }
    auto scenario = ParseScenario(embedded::ScenarioLinxiaCsv());
    if (!scenario) return scenario.error();
    Generator generator(conn, pool, options, *scenario);
    return generator.Run();
  } catch (const Failure& f) {
    return Error::Internal(
        "building the demo marketplace failed, so it is incomplete (build the demo into a new database): " + f.message);
  } catch (const db::DbError& e) {
    return Error::Unavailable(fmt::format(
        "building the demo marketplace failed, so it is incomplete (build the demo into a new database): {}",
        e.what()));
  }
}

}  // namespace fupin::demo
