// Traceable lots on SQLite and PostgreSQL: trace codes, the public trace view
// and its JSON (everything a buyer may know, nothing about the households that
// supplied the lot), the QR routes, and the label sheet with its permissions.
// Lots are written with plain SQL into a scale-0.01 demo database.
#include "market/trace.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "accounts/model.h"
#include "market/qr.h"
#include "testing/api_json.h"
#include "testing/demo_services.h"
#include "testing/served_demo.h"
#include "testing/test_db.h"

namespace fupin::market {
namespace {

using accounts::Role;
using fupin::testing::Backend;
using fupin::testing::ErrorField;
using fupin::testing::HttpResponse;
using fupin::testing::kDaban;
using fupin::testing::kDongxiang;
using fupin::testing::kShangketuo;
using fupin::testing::ParseJson;
using fupin::testing::SelectIds;
using fupin::testing::SelectInt;
using fupin::testing::Str;
using fupin::testing::User;
namespace bj = boost::json;

constexpr const char* kXiaketuo = "622926101202";  // another village of 达板镇
constexpr const char* kProductName = "高原<洋芋> & \"土豆\" 'A'";

// ---- Writing lots with plain SQL ----------------------------------------------

struct LotSpec {
  std::string outlet_village = kShangketuo;
  std::string origin_village = kShangketuo;
  std::string supplier_kind = "cooperative";
  std::string supplier_name = "达板镇高原洋芋种植专业合作社";
  std::optional<int64_t> supplier_household;
  std::optional<int64_t> owner_user_id;
  std::string product_name = kProductName;
  int households = 3;  // households of the origin village that supplied the lot
  int64_t quantity = 9137;
};

struct LotFixture {
  int64_t lot_id = 0;
  int64_t supplier_id = 0;
  std::string code;
  std::vector<int64_t> household_ids;
  std::vector<int64_t> paid_fen;
};

std::string CountyOf(const std::string& village) { return village.substr(0, 6) + "000000"; }

int64_t Last(db::Connection& conn, const std::string& table, const std::string& id) {
  return SelectInt(conn, fmt::format("SELECT MAX({}) FROM {}", id, table));
}

LotFixture InsertLot(db::Connection& conn, const LotSpec& spec) {
  LotFixture f;
  const std::string county = CountyOf(spec.origin_village);
  db::Transaction tx(conn);
  auto supplier = conn.Prepare(
      "INSERT INTO suppliers (name, kind, village_code, county_code, household_id, owner_user_id, contact, state, "
      "applied_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, '0930-1234567', 'approved', '2026-01-05T02:00:00Z', "
      "'2026-01-20T02:00:00Z')");
  supplier->Bind(1, spec.supplier_name).Bind(2, spec.supplier_kind).Bind(3, spec.origin_village).Bind(4, county);
  supplier->Bind(5, spec.supplier_household).Bind(6, spec.owner_user_id).Run();
  f.supplier_id = Last(conn, "suppliers", "supplier_id");

  auto product = conn.Prepare(
      "INSERT INTO products (supplier_id, county_code, name, category, unit, price_fen, origin_village_code, story, "
      "grades, flag_one_village_one_product, flag_green, flag_organic, flag_geographical_indication, "
      "flag_compliance_certificate, certificate_no, certified_from, certified_until, created_at) "
      "VALUES (?, ?, ?, '蔬菜', 'kg', 450, ?, '山地旱作', 'A;B', 1, 1, 0, 1, 0, 'GS-FP-2026-0042', '2026-01-01', "
      "'2026-12-31', '2026-02-01T00:00:00Z')");
  product->Bind(1, f.supplier_id).Bind(2, county).Bind(3, spec.product_name).Bind(4, spec.origin_village).Run();
  const int64_t product_id = Last(conn, "products", "product_id");

  int64_t outlet_id = SelectInt(conn, "SELECT outlet_id FROM outlets WHERE village_code = ?", {spec.outlet_village});
  if (outlet_id == 0) {
    auto outlet = conn.Prepare(
        "INSERT INTO outlets (village_code, county_code, name, created_at) VALUES (?, ?, ?, '2026-01-02T00:00:00Z')");
    outlet->Bind(1, spec.outlet_village).Bind(2, CountyOf(spec.outlet_village)).Bind(3, "村级电商服务站").Run();
    outlet_id = Last(conn, "outlets", "outlet_id");
  }

  f.code = NewTraceCode();
  auto lot = conn.Prepare(
      "INSERT INTO lots (trace_code, product_id, outlet_id, supplier_id, county_code, quantity, on_hand, allocated, "
      "grade, intake_date, inspection_test, inspection_result, inspector, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, 0, 'A', '2026-05-01', '农药残留快速检测', 'pass', '县农产品质量检测站', "
      "'2026-05-01T03:00:00Z')");
  lot->Bind(1, f.code).Bind(2, product_id).Bind(3, outlet_id).Bind(4, f.supplier_id).Bind(5, county);
  lot->Bind(6, spec.quantity).Bind(7, spec.quantity).Run();
  f.lot_id = Last(conn, "lots", "lot_id");

  std::vector<int64_t> households = SelectIds(
      conn, "SELECT household_id FROM households WHERE village_code = ? ORDER BY household_id", {spec.origin_village});
  EXPECT_GE(households.size(), static_cast<size_t>(spec.households));
  auto share = conn.Prepare(
      "INSERT INTO lot_households (lot_id, household_id, county_code, channel, quantity, paid_fen) "
      "VALUES (?, ?, ?, 'purchase', ?, ?)");
  for (int i = 0; i < spec.households && i < static_cast<int>(households.size()); ++i) {
    const int64_t paid = 123457 + 111111 * i;
    share->Bind(1, f.lot_id).Bind(2, households[i]).Bind(3, county).Bind(4, int64_t{10 + i}).Bind(5, paid).Run();
    f.household_ids.push_back(households[i]);
    f.paid_fen.push_back(paid);
  }
  tx.Commit();
  return f;
}

std::string HeadName(db::Connection& conn, int64_t household_id) {
  auto st = conn.Prepare("SELECT head_name FROM households WHERE household_id = ?");
  st->Bind(1, household_id);
  std::string name = st->Step() ? st->Text(0) : std::string();
  st->Run();
  return name;
}

std::string RegionName(db::Connection& conn, const std::string& code) {
  auto st = conn.Prepare("SELECT name FROM regions WHERE code = ?");
  st->Bind(1, code);
  std::string name = st->Step() ? st->Text(0) : std::string();
  st->Run();
  return name;
}

// Names of every household of `village` and of the lot.
std::vector<std::string> HouseholdNames(db::Connection& conn, const std::string& village, const LotFixture& lot) {
  std::vector<std::string> names;
  auto st = conn.Prepare("SELECT head_name FROM households WHERE village_code = ?");
  st->Bind(1, village);
  while (st->Step()) names.push_back(st->Text(0));
  for (int64_t id : lot.household_ids) names.push_back(HeadName(conn, id));
  return names;
}

// Every key and every integer anywhere in `v`.
void Collect(const bj::value& v, std::set<std::string>& keys, std::vector<int64_t>& ints) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.as_object()) {
      keys.insert(std::string(k));
      Collect(child, keys, ints);
    }
  } else if (v.is_array()) {
    for (const bj::value& child : v.as_array()) Collect(child, keys, ints);
  } else if (v.is_int64()) {
    ints.push_back(v.as_int64());
  } else if (v.is_uint64()) {
    ints.push_back(static_cast<int64_t>(v.as_uint64()));
  }
}

// The trace JSON tells nothing about the households: no name (of the lot's
// households or any other of the village), no id, no amount paid; its only
// numbers are the lot's quantity and how many households supplied it.
void ExpectNoHouseholdData(const std::string& json, db::Connection& conn, const std::string& village,
                           const LotFixture& lot) {
  for (const std::string& name : HouseholdNames(conn, village, lot)) {
    EXPECT_EQ(json.find(name), std::string::npos) << "household name " << name << " in " << json;
  }
  for (int64_t paid : lot.paid_fen) EXPECT_EQ(json.find(std::to_string(paid)), std::string::npos) << json;
  std::set<std::string> keys;
  std::vector<int64_t> ints;
  Collect(ParseJson(HttpResponse{200, {}, json}), keys, ints);
  for (const std::string& k : keys) {
    EXPECT_FALSE(k == "id" || k.ends_with("_id") || k.ends_with("_ids")) << "key " << k;
    EXPECT_EQ(k.find("paid"), std::string::npos) << "key " << k;
    EXPECT_EQ(k.find("household_"), std::string::npos) << "key " << k;
  }
  ASSERT_EQ(ints.size(), 2u) << json;  // quantity and households
  for (int64_t id : lot.household_ids) {
    EXPECT_EQ(std::count(ints.begin(), ints.end(), id), 0) << "household id " << id << " in " << json;
  }
}

boost::property_tree::ptree ParseXml(const std::string& xml) {
  boost::property_tree::ptree tree;
  std::istringstream in(xml);
  EXPECT_NO_THROW(boost::property_tree::read_xml(in, tree)) << xml.substr(0, 400);
  return tree;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// ---- Codes and URLs (no database) ------------------------------------------------

TEST(TraceCodeTest, NewCodesAreLxAndTenCrockfordCharacters) {
  constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::set<std::string> codes;
  std::set<char> last_chars;
  for (int i = 0; i < 2000; ++i) {
    std::string code = NewTraceCode();
    ASSERT_EQ(code.size(), 12u) << code;
    EXPECT_EQ(code.substr(0, 2), "LX");
    for (char c : code.substr(2)) EXPECT_NE(kAlphabet.find(c), std::string_view::npos) << code;
    EXPECT_TRUE(IsTraceCode(code)) << code;
    codes.insert(code);
    last_chars.insert(code.back());
  }
  EXPECT_EQ(codes.size(), 2000u);
  EXPECT_EQ(last_chars.size(), 32u);  // every character turns up (missing one: about 1 in 10^26)
}

TEST(TraceCodeTest, ValidationIsExactAndCaseInsensitive) {
  struct Case {
    std::string text;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"LX7M3Q9ZK2T0", true},   {"lx7m3q9zk2t0", true},  {"Lx0000000000", true},  {"LXZZZZZZZZZZ", true},
      {"LX7M3Q9ZK2T", false},   {"LX7M3Q9ZK2T01", false}, {"", false},            {"XL7M3Q9ZK2T0", false},
      {"LX7M3Q9ZK2TI", false},  {"LX7M3Q9ZK2TL", false},  {"LXO000000000", false}, {"LXU000000000", false},
      {"LX7M3Q9ZK2T ", false},  {"LX-M3Q9ZK2T0", false},  {"622926101201", false}, {"LX7M3Q9ZK2T\xe4", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsTraceCode(c.text), c.valid) << c.text;
    Result<std::string> normal = NormalizeTraceCode(c.text);
    EXPECT_EQ(normal.ok(), c.valid) << c.text;
    if (normal.ok()) {
      std::string upper = c.text;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      EXPECT_EQ(*normal, upper);
    } else {
      EXPECT_EQ(normal.error().code, ErrorCode::kInvalidArgument);
      EXPECT_EQ(normal.error().field, "code");
    }
  }
}

TEST(TraceCodeTest, PublicUrls) {
  struct Case {
    std::string url;
    std::string normal;  // "" = refused
  };
  const std::vector<Case> cases = {
      {"http://localhost:8080", "http://localhost:8080"},
      {"https://fupin.example.org/", "https://fupin.example.org"},
      {"https://example.org/fupin//", "https://example.org/fupin"},
      {"http://[::1]:8080", "http://[::1]:8080"},
      {"ftp://example.org", ""},
      {"example.org", ""},
      {"https://", ""},
      {"https:///path", ""},
      {"https://user@example.org", ""},
      {"https://example.org/?a=1", ""},
      {"https://example.org/#x", ""},
      {"https://exa mple.org", ""},
      {"https://example.org/\"><script>", ""},
      {"https://例子.org", ""},
  };
  for (const Case& c : cases) {
    Result<std::string> r = NormalizePublicUrl(c.url);
    EXPECT_EQ(r.ok(), !c.normal.empty()) << c.url;
    if (r.ok()) {
      EXPECT_EQ(*r, c.normal);
    } else {
      EXPECT_EQ(r.error().field, "--public-url");
    }
  }
  EXPECT_EQ(TraceUrl("https://example.org", "LX7M3Q9ZK2T0"), "https://example.org/trace/LX7M3Q9ZK2T0");
}

TEST(TraceCodeTest, LabelSheetIsEscapedA4WithTheLabelsAsked) {
  TraceView lot;
  lot.trace_code = "LX7M3Q9ZK2T0";
  lot.product_name = kProductName;
  lot.grade = "A&B";
  lot.intake_date = "2026-05-01";
  lot.origin_village = {kShangketuo, "上科妥村委会<script>"};
  Result<QrMatrix> qr = EncodeQr("https://example.org/trace/LX7M3Q9ZK2T0");
  ASSERT_TRUE(qr.ok());
  for (int count : {1, 7, 24}) {
    std::string svg = LabelSheetSvg(lot, *qr, count);
    boost::property_tree::ptree tree = ParseXml(svg);
    EXPECT_EQ(tree.get<std::string>("svg.<xmlattr>.viewBox"), "0 0 210 297");
    EXPECT_EQ(tree.get<std::string>("svg.<xmlattr>.width"), "210mm");
    EXPECT_EQ(Count(svg, "<use "), static_cast<size_t>(count));
    EXPECT_EQ(Count(svg, "LX7M3Q9ZK2T0</text>"), static_cast<size_t>(count));
    EXPECT_EQ(Count(svg, "高原&lt;洋芋&gt; &amp; &quot;土豆&quot; &apos;A&apos;</text>"), static_cast<size_t>(count));
    EXPECT_EQ(svg.find("<洋芋>"), std::string::npos);
    EXPECT_EQ(svg.find("<script>"), std::string::npos);
    EXPECT_NE(svg.find("等级 A&amp;B"), std::string::npos);
    EXPECT_NE(svg.find("入库 2026-05-01"), std::string::npos);
    EXPECT_NE(svg.find("产地 上科妥村委会&lt;script&gt;"), std::string::npos);
    // The QR symbol is defined once, with the path of the code's modules.
    EXPECT_EQ(Count(svg, "<symbol "), 1u);
    EXPECT_NE(svg.find(QrPathData(*qr)), std::string::npos);
  }
}

// ---- The view, on both databases -------------------------------------------------

class TraceTest : public fupin::testing::DemoServicesTest {};

TEST_P(TraceTest, LooksUpEveryPublicField) {
  LotFixture f = InsertLot(conn(), LotSpec{});
  ASSERT_EQ(f.household_ids.size(), 3u);

  Result<TraceView> view = LookUpTrace(conn(), f.code, "2026-06-01");
  ASSERT_TRUE(view.ok()) << view.error().message;
  const TraceView& v = *view;
  EXPECT_EQ(v.lot_id, f.lot_id);
  EXPECT_EQ(v.trace_code, f.code);
  EXPECT_EQ(v.product_name, kProductName);
  EXPECT_EQ(v.category, "蔬菜");
  EXPECT_EQ(v.unit, "kg");
  EXPECT_TRUE(v.flags.one_village_one_product);
  EXPECT_TRUE(v.flags.green);
  EXPECT_FALSE(v.flags.organic);
  EXPECT_TRUE(v.flags.geographical_indication);
  EXPECT_FALSE(v.flags.compliance_certificate);
  EXPECT_EQ(v.certificate_no, "GS-FP-2026-0042");
  EXPECT_EQ(v.certified_from, "2026-01-01");
  EXPECT_EQ(v.certified_until, "2026-12-31");
  EXPECT_TRUE(v.certified_today);
  EXPECT_EQ(v.origin_village.code, kShangketuo);
  EXPECT_EQ(v.origin_village.name, RegionName(conn(), kShangketuo));
  EXPECT_EQ(v.origin_township.code, kDaban);
  EXPECT_EQ(v.origin_township.name, RegionName(conn(), kDaban));
  EXPECT_EQ(v.origin_county.code, kDongxiang);
  EXPECT_EQ(v.origin_county.name, RegionName(conn(), kDongxiang));
  EXPECT_FALSE(v.origin_county.name.empty());
  EXPECT_EQ(v.supplier_name, "达板镇高原洋芋种植专业合作社");
  EXPECT_EQ(v.supplier_kind, SupplierKind::kCooperative);
  EXPECT_EQ(v.outlet_village.code, kShangketuo);
  EXPECT_EQ(v.outlet_village.name, v.origin_village.name);
  EXPECT_FALSE(v.outlet_name.empty());
  EXPECT_EQ(v.grade, "A");
  EXPECT_EQ(v.intake_date, "2026-05-01");
  EXPECT_EQ(v.inspection_test, "农药残留快速检测");
  EXPECT_EQ(v.inspection_result, "pass");
  EXPECT_EQ(v.inspector, "县农产品质量检测站");
  EXPECT_EQ(v.quantity, 9137);
  EXPECT_EQ(v.households, 3);

  // Either case finds it; the certificate is judged on the day asked.
  std::string lower = f.code;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Result<TraceView> again = LookUpTrace(conn(), lower, "2027-01-01");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->trace_code, f.code);
  EXPECT_FALSE(again->certified_today);
  EXPECT_FALSE(LookUpTrace(conn(), f.code, "2025-12-31")->certified_today);
  Result<std::string> found = FindTraceCode(conn(), lower);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, f.code);
}

TEST_P(TraceTest, AHouseholdSupplierIsNotNamed) {
  const int64_t household = QueryIds("SELECT household_id FROM households WHERE village_code = ? ORDER BY "
                                     "household_id DESC",
                                     {kShangketuo})
                                .front();
  LotSpec spec;
  spec.supplier_kind = "household";
  spec.supplier_name = HeadName(conn(), household);
  spec.supplier_household = household;
  spec.households = 1;
  LotFixture f = InsertLot(conn(), spec);
  Result<TraceView> v = LookUpTrace(conn(), f.code);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->supplier_kind, SupplierKind::kHousehold);
  EXPECT_FALSE(v->supplier_name.has_value());
  EXPECT_EQ(v->households, 1);
}

TEST_P(TraceTest, UnknownAndMalformedCodes) {
  InsertLot(conn(), LotSpec{});
  // The errors of LookUpTrace and FindTraceCode for `code` (nullopt: found).
  auto errors = [&](const std::string& code) {
    std::vector<std::optional<Error>> out;
    Result<TraceView> view = LookUpTrace(conn(), code);
    out.push_back(view.ok() ? std::nullopt : std::optional<Error>(view.error()));
    Result<std::string> found = FindTraceCode(conn(), code);
    out.push_back(found.ok() ? std::nullopt : std::optional<Error>(found.error()));
    return out;
  };
  for (const std::optional<Error>& e : errors(NewTraceCode())) {
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->code, ErrorCode::kNotFound);
  }
  for (const std::string& bad : {std::string(""), std::string("LX123"), std::string("LXIIIIIIIIII"),
                                 std::string(kShangketuo), std::string("LX0000000000'--")}) {
    for (const std::optional<Error>& e : errors(bad)) {
      ASSERT_TRUE(e.has_value()) << bad;
      EXPECT_EQ(e->code, ErrorCode::kInvalidArgument) << bad;
      EXPECT_EQ(e->field, "code") << bad;
    }
  }
}

TEST_P(TraceTest, LabelsForTheSupplierAndTheRolesInScope) {
  auto user = conn().Prepare(
      "INSERT INTO users (username, role, region_code, password_hash, created_at) "
      "VALUES ('grower', 'supplier', ?, 'not-a-hash', '2026-01-01T00:00:00Z')");
  user->Bind(1, kShangketuo).Run();
  const int64_t owner = QueryInt("SELECT user_id FROM users WHERE username = 'grower'");
  ASSERT_GT(owner, 0);
  LotSpec spec;
  spec.owner_user_id = owner;
  LotFixture f = InsertLot(conn(), spec);

  struct Case {
    accounts::Principal principal;
    bool allowed;
  };
  const std::vector<Case> cases = {
      {User(owner, Role::kSupplier, kShangketuo), true},
      {User(owner + 1000, Role::kSupplier, kShangketuo), false},  // another supplier of the village
      {User(901, Role::kOutletOperator, kShangketuo), true},
      {User(902, Role::kOutletOperator, kXiaketuo), false},
      {User(903, Role::kStationOperator, kDaban), true},
      {User(904, Role::kCountyOperator, kDongxiang), true},
      {User(905, Role::kCountyOperator, "622921000000"), false},
      {User(906, Role::kAdmin, "622900000000"), true},
      {User(907, Role::kOfficial, "622900000000"), true},
      {User(908, Role::kAuditor, "622900000000"), true},
      {User(909, Role::kRegistry, kDongxiang), false},
      {User(910, Role::kBuyer, "622900000000"), false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(accounts::RoleName(c.principal.role)) + " " + c.principal.region_code);
    Result<TraceView> r = LotForLabels(conn(), tree_, c.principal, f.lot_id);
    EXPECT_EQ(r.ok(), c.allowed);
    if (r.ok()) {
      EXPECT_EQ(r->trace_code, f.code);
    } else {
      EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
      EXPECT_EQ(r.error().message.find("622926"), std::string::npos) << "the refusal tells where the lot is";
    }
  }
  Result<TraceView> missing = LotForLabels(conn(), tree_, User(906, Role::kAdmin, "622900000000"), f.lot_id + 1000);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, TraceTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

// ---- The routes, on the real server -------------------------------------------------

constexpr const char* kPublicUrl = "https://trace.example.org/fupin";

class TraceRoutesTest : public ::testing::TestWithParam<Backend> {
 protected:
  db::Connection& conn() { return served_.conn(); }
  fupin::testing::ServedDemo served_{GetParam(), {"--public-url", std::string(kPublicUrl) + "/"}};
};

TEST_P(TraceRoutesTest, PublicTraceAndQrCodes) {
  ASSERT_NE(served_.port(), 0);
  LotFixture f = InsertLot(conn(), LotSpec{});
  ASSERT_EQ(f.household_ids.size(), 3u);
  for (int64_t id : f.household_ids) ASSERT_NE(id, 9137) << "the fixture's quantity must not be a household id";
  fupin::testing::HttpClient anonymous = served_.Client();

  HttpResponse r = anonymous.Get("/api/v1/trace/" + f.code);
  ASSERT_EQ(r.status, 200) << r.body;
  bj::value trace = ParseJson(r);
  const std::string url = std::string(kPublicUrl) + "/trace/" + f.code;
  EXPECT_EQ(Str(trace.at("trace_code")), f.code);
  EXPECT_EQ(Str(trace.at("trace_url")), url);
  EXPECT_EQ(Str(trace.at("product").at("name")), kProductName);
  EXPECT_EQ(Str(trace.at("product").at("category")), "蔬菜");
  EXPECT_EQ(Str(trace.at("product").at("unit")), "kg");
  EXPECT_TRUE(trace.at("product").at("flags").at("green").as_bool());
  EXPECT_FALSE(trace.at("product").at("flags").at("organic").as_bool());
  EXPECT_EQ(Str(trace.at("certification").at("certificate_no")), "GS-FP-2026-0042");
  EXPECT_EQ(Str(trace.at("certification").at("valid_until")), "2026-12-31");
  EXPECT_TRUE(trace.at("certification").at("valid_today").is_bool());
  EXPECT_EQ(Str(trace.at("origin").at("village").at("code")), kShangketuo);
  EXPECT_EQ(Str(trace.at("origin").at("township").at("name")), RegionName(conn(), kDaban));
  EXPECT_EQ(Str(trace.at("origin").at("county").at("name")), RegionName(conn(), kDongxiang));
  EXPECT_EQ(Str(trace.at("supplier").at("kind")), "cooperative");
  EXPECT_EQ(Str(trace.at("supplier").at("name")), "达板镇高原洋芋种植专业合作社");
  EXPECT_EQ(Str(trace.at("outlet").at("village").at("code")), kShangketuo);
  EXPECT_EQ(Str(trace.at("grade")), "A");
  EXPECT_EQ(Str(trace.at("intake_date")), "2026-05-01");
  EXPECT_EQ(Str(trace.at("inspection").at("result")), "pass");
  EXPECT_EQ(Str(trace.at("inspection").at("inspector")), "县农产品质量检测站");
  EXPECT_EQ(trace.at("quantity").as_int64(), 9137);
  EXPECT_EQ(trace.at("households").as_int64(), 3);
  ExpectNoHouseholdData(r.body, conn(), kShangketuo, f);

  // A household supplier: its name (a household's own) is not shown either.
  const int64_t household = SelectIds(conn(), "SELECT household_id FROM households WHERE village_code = ?",
                                      {kXiaketuo})
                                .front();
  LotSpec own;
  own.origin_village = kXiaketuo;
  own.supplier_kind = "household";
  own.supplier_name = HeadName(conn(), household);
  own.supplier_household = household;
  LotFixture g = InsertLot(conn(), own);
  HttpResponse h = anonymous.Get("/api/v1/trace/" + g.code);
  ASSERT_EQ(h.status, 200) << h.body;
  EXPECT_TRUE(ParseJson(h).at("supplier").at("name").is_null());
  ExpectNoHouseholdData(h.body, conn(), kXiaketuo, g);

  // The QR codes hold the trace URL under --public-url (the request's Host is 127.0.0.1).
  std::string lower = f.code;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  HttpResponse svg = anonymous.Get("/api/v1/trace/" + lower + "/qr.svg");
  ASSERT_EQ(svg.status, 200) << svg.body;
  EXPECT_EQ(svg.Header("content-type"), "image/svg+xml");
  EXPECT_EQ(svg.Header("cache-control"), "public, max-age=86400");
  EXPECT_EQ(svg.body, *QrSvg(url));
  ParseXml(svg.body);
  HttpResponse png = anonymous.Get("/api/v1/trace/" + f.code + "/qr.png?scale=6");
  ASSERT_EQ(png.status, 200) << png.body;
  EXPECT_EQ(png.Header("content-type"), "image/png");
  EXPECT_EQ(png.Header("cache-control"), "public, max-age=86400");
  EXPECT_EQ(png.body, *QrPng(url, 6));

  struct Case {
    std::string target;
    int status;
    std::string field;
  };
  const std::string unknown = NewTraceCode();
  const std::vector<Case> cases = {
      {"/api/v1/trace/" + unknown, 404, ""},
      {"/api/v1/trace/" + unknown + "/qr.svg", 404, ""},
      {"/api/v1/trace/" + unknown + "/qr.png", 404, ""},
      {"/api/v1/trace/LX123", 400, "code"},
      {"/api/v1/trace/LXOOOOOOOOOO/qr.svg", 400, "code"},
      {std::string("/api/v1/trace/") + kShangketuo + "/qr.png", 400, "code"},
      {"/api/v1/trace/" + f.code + "/qr.png?scale=0", 400, "scale"},
      {"/api/v1/trace/" + f.code + "/qr.svg?scale=65", 400, "scale"},
      {"/api/v1/trace/" + f.code + "?scale=2", 400, "scale"},
      {"/api/v1/trace/" + f.code + "/qr.svg?size=2", 400, "size"},
  };
  for (const Case& c : cases) {
    HttpResponse e = anonymous.Get(c.target);
    EXPECT_EQ(e.status, c.status) << c.target << " " << e.body;
    if (!c.field.empty()) {
      EXPECT_EQ(ErrorField(e), c.field) << c.target;
    }
  }
}

TEST_P(TraceRoutesTest, LabelsNeedASessionAndScope) {
  ASSERT_NE(served_.port(), 0);
  LotFixture here = InsertLot(conn(), LotSpec{});  // outlet in 上科妥村, the outlet account's village
  LotSpec there_spec;
  there_spec.outlet_village = kXiaketuo;
  there_spec.origin_village = kXiaketuo;
  LotFixture there = InsertLot(conn(), there_spec);
  auto labels = [](const LotFixture& f, const std::string& query = "") {
    return "/api/v1/lots/" + std::to_string(f.lot_id) + "/labels.svg" + query;
  };

  EXPECT_EQ(served_.Client().Get(labels(here)).status, 401);

  fupin::testing::Session outlet = served_.SignIn("outlet");
  HttpResponse sheet = outlet.Get(labels(here));
  ASSERT_EQ(sheet.status, 200) << sheet.body;
  EXPECT_EQ(sheet.Header("content-type"), "image/svg+xml; charset=utf-8");
  EXPECT_EQ(sheet.Header("x-label-pages"), "1");
  boost::property_tree::ptree tree = ParseXml(sheet.body);
  EXPECT_EQ(tree.get<std::string>("svg.<xmlattr>.viewBox"), "0 0 210 297");
  EXPECT_EQ(Count(sheet.body, "<use "), 24u);
  EXPECT_EQ(Count(sheet.body, here.code + "</text>"), 24u);
  EXPECT_NE(sheet.body.find("高原&lt;洋芋&gt; &amp; &quot;土豆&quot;"), std::string::npos);
  EXPECT_EQ(sheet.body.find("<洋芋>"), std::string::npos);
  Result<QrMatrix> qr = EncodeQr(std::string(kPublicUrl) + "/trace/" + here.code);
  ASSERT_TRUE(qr.ok());
  EXPECT_NE(sheet.body.find(QrPathData(*qr)), std::string::npos);
  for (const std::string& name : HouseholdNames(conn(), kShangketuo, here)) {
    EXPECT_EQ(sheet.body.find(name), std::string::npos) << name;
  }

  // 30 copies fill two sheets: 24, then 6.
  HttpResponse second = outlet.Get(labels(here, "?copies=30&page=2"));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.Header("x-label-pages"), "2");
  EXPECT_EQ(Count(second.body, "<use "), 6u);
  EXPECT_EQ(Count(outlet.Get(labels(here, "?copies=5")).body, "<use "), 5u);

  struct Case {
    std::string target;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {labels(here, "?copies=30&page=3"), 400, "page"},
      {labels(here, "?page=2"), 400, "page"},
      {labels(here, "?copies=0"), 400, "copies"},
      {labels(here, "?copies=501"), 400, "copies"},
      {labels(here, "?copies=x"), 400, "copies"},
      {labels(here, "?format=pdf"), 400, "format"},
      {"/api/v1/lots/abc/labels.svg", 400, "id"},
      {"/api/v1/lots/0/labels.svg", 400, "id"},
      {"/api/v1/lots/" + std::to_string(there.lot_id + 1000) + "/labels.svg", 404, ""},
      {labels(there), 403, ""},  // the outlet of another village
  };
  for (const Case& c : cases) {
    HttpResponse e = outlet.Get(c.target);
    EXPECT_EQ(e.status, c.status) << c.target << " " << e.body;
    if (!c.field.empty()) {
      EXPECT_EQ(ErrorField(e), c.field) << c.target;
    }
  }

  // Roles over the outlet's village; the supplier only once it owns the lot.
  struct Who {
    std::string user;
    int here, there;
  };
  const std::vector<Who> who = {
      {"station", 200, 200}, {"county", 200, 200},   {"admin", 200, 200},    {"official", 200, 200},
      {"auditor", 200, 200}, {"registry", 403, 403}, {"buyer", 403, 403},    {"supplier", 403, 403},
  };
  for (const Who& w : who) {
    fupin::testing::Session s = served_.SignIn(w.user);
    EXPECT_EQ(s.Get(labels(here)).status, w.here) << w.user;
    EXPECT_EQ(s.Get(labels(there)).status, w.there) << w.user;
  }
  const int64_t supplier_user = SelectInt(conn(), "SELECT user_id FROM users WHERE username = 'supplier'");
  ASSERT_GT(supplier_user, 0);
  {
    db::Transaction tx(conn());
    auto clear = conn().Prepare("UPDATE suppliers SET owner_user_id = NULL WHERE owner_user_id = ?");
    clear->Bind(1, supplier_user).Run();
    auto own = conn().Prepare("UPDATE suppliers SET owner_user_id = ? WHERE supplier_id = ?");
    own->Bind(1, supplier_user).Bind(2, there.supplier_id).Run();
    tx.Commit();
  }
  fupin::testing::Session supplier = served_.SignIn("supplier");
  EXPECT_EQ(supplier.Get(labels(there)).status, 200);  // its own lot, though at another village's outlet
  EXPECT_EQ(supplier.Get(labels(here)).status, 403);
}

INSTANTIATE_TEST_SUITE_P(Backends, TraceRoutesTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::market
