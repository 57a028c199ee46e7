// The supply side's HTTP routes on the real `fupin serve` (scale-0.01 demo,
// SQLite and PostgreSQL), signed in as the demo accounts and as supplier
// accounts the admin adds: admission by role, every bad JSON field answered
// 400 naming it with nothing changed, suppliers isolated from each other,
// products with grades and flags, certification, photo upload (magic bytes,
// size limit, round trip with ETag), reference prices, outlets with
// permissions, and institutions.
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "testing/api_json.h"
#include "testing/served_demo.h"
#include "testing/test_db.h"

namespace fupin::market {
namespace {

using fupin::testing::Backend;
using fupin::testing::ErrorField;
using fupin::testing::HttpClient;
using fupin::testing::HttpResponse;
using fupin::testing::kShangketuo;
using fupin::testing::ParseJson;
using fupin::testing::ServedDemo;
using fupin::testing::Session;
using fupin::testing::Str;
namespace bj = boost::json;

int64_t Int(const bj::value& v, std::string_view key) {
  const bj::object* o = v.if_object();
  if (!o || !o->contains(key) || !o->at(key).is_int64()) return 0;
  return o->at(key).as_int64();
}

std::string Text(const bj::value& v, std::string_view key) {
  const bj::object* o = v.if_object();
  if (!o || !o->contains(key)) return "(absent)";
  return Str(o->at(key));
}

class SupplierApiTest : public ::testing::TestWithParam<Backend> {
 protected:
  int64_t QueryInt(const std::string& sql, const std::vector<std::string>& params = {}) {
    return fupin::testing::SelectInt(served_.conn(), sql, params);
  }

  // A new account added by the admin, signed in.
  Session NewAccount(const std::string& name, const std::string& role, const std::string& region) {
    Session admin = served_.SignIn("admin");
    HttpResponse r = admin.Post(
        "/api/v1/users",
        fmt::format(R"({{"username":"{}","role":"{}","region":"{}","password":"{}"}})", name, role, region,
                    fupin::testing::kDemoPassword));
    EXPECT_EQ(r.status, 201) << r.body;
    return served_.SignIn(name);
  }

  // The raw body with a Content-Type of its own, as a browser uploads a file.
  HttpResponse Upload(const Session& s, const std::string& target, const std::string& type, const std::string& body) {
    HttpClient client = served_.Client();
    std::vector<std::pair<std::string, std::string>> headers{{"Cookie", s.cookie()}, {"X-CSRF-Token", s.csrf()}};
    if (!type.empty()) headers.emplace_back("Content-Type", type);
    return client.Request("POST", target, body, headers);
  }

  int64_t Apply(Session& s, const std::string& name, const std::string& village = kShangketuo) {
    HttpResponse r = s.Post("/api/v1/suppliers",
                            fmt::format(R"({{"kind":"cooperative","name":"{}","village_code":"{}"}})", name, village));
    EXPECT_EQ(r.status, 201) << r.body;
    return Int(ParseJson(r), "id");
  }

  // A poor household of the demo supplier's village.
  int64_t PoorHousehold() {
    return QueryInt(
        "SELECT MIN(household_id) FROM household_years WHERE village_code = ? AND status = 'poor'", {kShangketuo});
  }

  ServedDemo served_{GetParam()};
};

TEST_P(SupplierApiTest, AdmissionByRoleAndBadFieldsChangeNothing) {
  ASSERT_NE(served_.port(), 0);
  EXPECT_EQ(served_.Client().Get("/api/v1/suppliers").status, 401);
  Session own = NewAccount("coop-ma", "supplier", kShangketuo);
  const int64_t suppliers = QueryInt("SELECT COUNT(*) FROM suppliers");
  const int64_t audits = QueryInt("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'market.%'");

  struct Case {
    const char* body;
    const char* field;
  };
  const Case cases[] = {
      {R"({"kind":"farm","name":"x","village_code":"622926101201"})", "kind"},
      {R"({"kind":"cooperative","village_code":"622926101201"})", "name"},
      {R"({"kind":"cooperative","name":"","village_code":"622926101201"})", "name"},
      {R"({"kind":"cooperative","name":"x","village_code":"622926101000"})", "village_code"},
      {R"({"kind":"cooperative","name":"x","village_code":622926101201})", "village_code"},
      {R"({"kind":"cooperative","name":"x","village_code":"622926101201","household_id":"7"})", "household_id"},
      {R"({"kind":"cooperative","name":"x","village_code":"622926101201","household_id":0})", "household_id"},
      {R"({"kind":"household","name":"x","village_code":"622926101201"})", "household_id"},
      {R"({"kind":"cooperative","name":"x","village_code":"622926101201","owner":1})", "owner"},
      {R"({"kind":"cooperative","name":"x","village_code":"622926101201","contact":true})", "contact"},
      {R"(["kind"])", "body"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    HttpResponse r = own.Post("/api/v1/suppliers", c.body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(ErrorField(r), c.field) << r.body;
  }
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM suppliers"), suppliers);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'market.%'"), audits);

  // Applying for itself; then the county recommends and the admin approves.
  HttpResponse applied = own.Post(
      "/api/v1/suppliers",
      R"({"kind":"cooperative","name":"上科妥马家合作社","village_code":"622926101201","contact":"0930-1234567"})");
  ASSERT_EQ(applied.status, 201) << applied.body;
  bj::value s = ParseJson(applied);
  const int64_t id = Int(s, "id");
  EXPECT_EQ(Text(s, "state"), "applied");
  EXPECT_EQ(Text(s, "village_name"), "上科妥村委会");
  EXPECT_EQ(own.Post("/api/v1/suppliers", R"({"kind":"enterprise","name":"二","village_code":"622926101201"})").status,
            409);
  const std::string base = fmt::format("/api/v1/suppliers/{}", id);

  Session county = served_.SignIn("county");
  Session station = served_.SignIn("station");
  Session admin = served_.SignIn("admin");
  EXPECT_EQ(station.Post(base + "/recommend", "").status, 403);
  EXPECT_EQ(admin.Post(base + "/recommend", "").status, 403);
  HttpResponse early = admin.Post(base + "/approve", "");
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(fupin::testing::ErrorCode(early), "conflict");
  EXPECT_EQ(county.Post(base + "/recommend", R"({"why":1})").status, 400);
  HttpResponse recommended = county.Post(base + "/recommend", "");
  ASSERT_EQ(recommended.status, 200) << recommended.body;
  EXPECT_EQ(Text(ParseJson(recommended), "state"), "recommended");
  EXPECT_EQ(county.Post(base + "/approve", "{}").status, 403);
  HttpResponse no_reason = admin.Post(base + "/reject", "{}");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(ErrorField(no_reason), "reason");
  HttpResponse approved = admin.Post(base + "/approve", "{}");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(Text(ParseJson(approved), "state"), "approved");
  EXPECT_EQ(admin.Post(base + "/reject", R"({"reason":"late"})").status, 409);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE target = ? AND action IN ('market.supplier.apply', "
                     "'market.supplier.recommend', 'market.supplier.approve')",
                     {fmt::format("supplier:{}", id)}),
            3);

  // Path ids are positive integers.
  for (const char* bad : {"abc", "0", "-1", "1.5"}) {
    HttpResponse r = county.Get(std::string("/api/v1/suppliers/") + bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(ErrorField(r), "id") << bad;
  }
  EXPECT_EQ(county.Get("/api/v1/suppliers/999999999").status, 404);

  // Lists: state filter, the county's scope.
  HttpResponse list = county.Get("/api/v1/suppliers?state=approved&region=622926101201");
  ASSERT_EQ(list.status, 200) << list.body;
  bool found = false;
  const bj::value listed = ParseJson(list);
  for (const bj::value& item : listed.at("items").as_array()) found |= Int(item, "id") == id;
  EXPECT_TRUE(found);
  EXPECT_EQ(county.Get("/api/v1/suppliers?state=open").status, 400);
  EXPECT_EQ(county.Get("/api/v1/suppliers?region=622921000000").status, 403);
  EXPECT_EQ(served_.SignIn("buyer").Get("/api/v1/suppliers").status, 403);
}

TEST_P(SupplierApiTest, SupplierAccountsAreIsolated) {
  ASSERT_NE(served_.port(), 0);
  Session a = NewAccount("coop-a", "supplier", kShangketuo);
  Session b = NewAccount("coop-b", "supplier", kShangketuo);
  const int64_t id_a = Apply(a, "甲合作社");
  const int64_t id_b = Apply(b, "乙合作社");
  ASSERT_GT(id_a, 0);
  ASSERT_GT(id_b, 0);
  HttpResponse product = a.Post(
      "/api/v1/products",
      R"({"name":"东乡土豆","category":"vegetables","unit":"kg","price_fen":300,"origin_village_code":"622926101201","grades":["一级","二级"]})");
  ASSERT_EQ(product.status, 201) << product.body;
  const int64_t product_a = Int(ParseJson(product), "id");
  EXPECT_EQ(Int(ParseJson(product), "supplier_id"), id_a);

  const std::string other = fmt::format("/api/v1/suppliers/{}", id_a);
  EXPECT_EQ(b.Get(other).status, 403);
  EXPECT_EQ(b.Get(other + "/links").status, 403);
  EXPECT_EQ(b.Post(other + "/links",
                   fmt::format(R"({{"household_id":{},"channel":"purchase","evidence":"x"}})", PoorHousehold()))
                .status,
            403);
  EXPECT_EQ(b.Post("/api/v1/products",
                   fmt::format(R"({{"supplier_id":{},"name":"x","category":"c","unit":"kg","price_fen":1,)"
                               R"("origin_village_code":"622926101201","grades":["一级"]}})",
                               id_a))
                .status,
            403);
  EXPECT_EQ(b.Patch(fmt::format("/api/v1/products/{}", product_a), R"({"price_fen":1})").status, 403);
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + "img";
  EXPECT_EQ(Upload(b, fmt::format("/api/v1/products/{}/photos", product_a), "image/png", png).status, 403);
  EXPECT_EQ(b.Post(other + "/outlet-permissions", R"({"outlet_id":1})").status, 403);
  EXPECT_EQ(b.Post(other + "/recommend", "").status, 403);
  EXPECT_EQ(QueryInt("SELECT price_fen FROM products WHERE product_id = ?", {std::to_string(product_a)}), 300);

  // Each sees its own supplier in the list, and only it.
  HttpResponse list = b.Get("/api/v1/suppliers");
  ASSERT_EQ(list.status, 200) << list.body;
  const bj::value listed = ParseJson(list);
  const bj::array& items = listed.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(Int(items[0], "id"), id_b);
  EXPECT_EQ(a.Get(other).status, 200);
}

TEST_P(SupplierApiTest, ProductsPhotosCertificationAndPrices) {
  ASSERT_NE(served_.port(), 0);
  Session own = NewAccount("coop-p", "supplier", kShangketuo);
  Session county = served_.SignIn("county");
  Session admin = served_.SignIn("admin");
  const int64_t supplier = Apply(own, "马家合作社");
  ASSERT_GT(supplier, 0);
  const int64_t products = QueryInt("SELECT COUNT(*) FROM products");

  const std::string good =
      R"("name":"东乡手抓羊肉","category":"meat","unit":"kg","price_fen":8800,"origin_village_code":"622926101201")";
  struct Case {
    std::string body;
    const char* field;
  };
  const std::vector<Case> cases{
      {"{" + good + "}", "grades"},
      {"{" + good + R"(,"grades":"一级"})", "grades"},
      {"{" + good + R"(,"grades":[]})", "grades"},
      {"{" + good + R"(,"grades":[1]})", "grades[0]"},
      {"{" + good + R"(,"grades":["一级","一级"]})", "grades"},
      {"{" + good + R"(,"grades":["一级"],"flags":{"green":"yes"}})", "flags.green"},
      {"{" + good + R"(,"grades":["一级"],"flags":{"halal":true}})", "flags.halal"},
      {"{" + good + R"(,"grades":["一级"],"listed":1})", "listed"},
      {R"({"name":"x","category":"c","unit":"kg","price_fen":0,"origin_village_code":"622926101201","grades":["一级"]})",
       "price_fen"},
      {R"({"name":"x","category":"c","unit":"kg","price_fen":5,"origin_village_code":"622926000000","grades":["一级"]})",
       "origin_village_code"},
      {"{" + good + R"(,"grades":["一级"],"supplier_id":-4})", "supplier_id"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    HttpResponse r = own.Post("/api/v1/products", c.body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(ErrorField(r), c.field) << r.body;
  }
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM products"), products);

  HttpResponse created = own.Post(
      "/api/v1/products", "{" + good + R"(,"grades":["特级","一级","二级"],"story":"清真","flags":{"green":true}})");
  ASSERT_EQ(created.status, 201) << created.body;
  const int64_t product = Int(ParseJson(created), "id");
  const std::string path = fmt::format("/api/v1/products/{}", product);

  // The public catalogue detail.
  HttpResponse detail = served_.Client().Get(path);
  ASSERT_EQ(detail.status, 200) << detail.body;
  bj::value d = ParseJson(detail);
  EXPECT_EQ(d.at("grades").as_array().size(), 3u);
  EXPECT_EQ(Str(d.at("grades").as_array()[0]), "特级");
  EXPECT_TRUE(d.at("flags").at("green").as_bool());
  EXPECT_FALSE(d.at("flags").at("organic").as_bool());
  EXPECT_TRUE(d.at("certification").is_null());
  EXPECT_FALSE(d.at("certified").as_bool());
  EXPECT_EQ(Text(d, "supplier_name"), "马家合作社");
  EXPECT_EQ(Text(d, "origin_village_name"), "上科妥村委会");
  EXPECT_EQ(Text(d, "story"), "清真");

  HttpResponse patched = own.Patch(path, R"({"price_fen":9200,"flags":{"organic":true}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Int(ParseJson(patched), "price_fen"), 9200);
  EXPECT_TRUE(ParseJson(patched).at("flags").at("organic").as_bool());
  EXPECT_TRUE(ParseJson(patched).at("flags").at("green").as_bool());
  HttpResponse bad_patch = own.Patch(path, R"({"price_fen":-1})");
  EXPECT_EQ(bad_patch.status, 400);
  EXPECT_EQ(ErrorField(bad_patch), "price_fen");
  EXPECT_EQ(own.Patch(path, "{}").status, 400);

  // Certification: refused until the supplier is approved and has a verified link.
  const std::string cert = R"({"certificate_no":"LX-2020-001","valid_from":"2020-01-01","valid_until":"2099-12-31"})";
  HttpResponse refused = county.Post(path + "/certification", cert);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("not approved"), std::string::npos) << refused.body;
  ASSERT_EQ(county.Post(fmt::format("/api/v1/suppliers/{}/recommend", supplier), "").status, 200);
  ASSERT_EQ(admin.Post(fmt::format("/api/v1/suppliers/{}/approve", supplier), "").status, 200);
  refused = county.Post(path + "/certification", cert);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("verified link"), std::string::npos) << refused.body;

  HttpResponse direct_sale = own.Post(fmt::format("/api/v1/suppliers/{}/links", supplier),
                                          R"({"household_id":1,"channel":"direct_sale","evidence":"x"})");
  EXPECT_EQ(direct_sale.status, 400);
  EXPECT_EQ(ErrorField(direct_sale), "channel");
  HttpResponse link = own.Post(fmt::format("/api/v1/suppliers/{}/links", supplier),
                               fmt::format(R"({{"household_id":{},"channel":"purchase","evidence":"收购合同 2020-07"}})",
                                           PoorHousehold()));
  ASSERT_EQ(link.status, 201) << link.body;
  const int64_t link_id = Int(ParseJson(link), "id");
  EXPECT_EQ(served_.SignIn("outlet").Post(fmt::format("/api/v1/links/{}/verify", link_id), "").status, 403);
  HttpResponse verified = county.Post(fmt::format("/api/v1/links/{}/verify", link_id), "");
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(Text(ParseJson(verified), "state"), "verified");
  EXPECT_EQ(county.Post(path + "/certification", R"({"certificate_no":"x","valid_from":"2020-13-01","valid_until":"2021-01-01"})")
                .status,
            400);
  HttpResponse certified = county.Post(path + "/certification", cert);
  ASSERT_EQ(certified.status, 200) << certified.body;
  EXPECT_TRUE(ParseJson(served_.Client().Get(path)).at("certified").as_bool());

  // Photos: the raw image; the type must match the bytes.
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + "fupin-photo";
  HttpResponse wrong_type = Upload(own, path + "/photos", "image/jpeg", png);
  EXPECT_EQ(wrong_type.status, 400) << wrong_type.body;
  EXPECT_EQ(ErrorField(wrong_type), "body");
  HttpResponse gif = Upload(own, path + "/photos", "image/gif", "GIF89a....");
  EXPECT_EQ(gif.status, 400);
  EXPECT_EQ(ErrorField(gif), "Content-Type");
  HttpResponse untyped = Upload(own, path + "/photos", "", png);
  EXPECT_EQ(untyped.status, 400);
  EXPECT_EQ(ErrorField(untyped), "Content-Type");
  // Over the limit: refused, by the server's body limit (413, and the connection
  // may close before the client has sent everything: status 0) or by the
  // service (400). Either way nothing is stored; the exact limit is tested on
  // the service.
  std::string huge = png + std::string(2 * 1024 * 1024, 'x');
  HttpResponse too_big = Upload(own, path + "/photos", "image/png", huge);
  EXPECT_TRUE(too_big.status == 400 || too_big.status == 413 || too_big.status == 0) << too_big.status;
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM product_photos WHERE product_id = ?", {std::to_string(product)}), 0);

  HttpResponse stored = Upload(own, path + "/photos", "image/png", png);
  ASSERT_EQ(stored.status, 201) << stored.body;
  bj::value photo = ParseJson(stored);
  EXPECT_EQ(Text(photo, "sha256"), "0722d9eeaa2e81432bcee0b8f94f56e9b489d746f81f0e465c2ea1f1f63da238");
  const std::string url = Text(photo, "url");
  HttpClient anonymous = served_.Client();
  HttpResponse image = anonymous.Get(url);
  ASSERT_EQ(image.status, 200);
  EXPECT_EQ(image.body, png);
  EXPECT_EQ(image.Header("content-type"), "image/png");
  EXPECT_EQ(image.Header("etag"), "\"0722d9eeaa2e81432bcee0b8f94f56e9b489d746f81f0e465c2ea1f1f63da238\"");
  EXPECT_NE(image.Header("cache-control").find("max-age"), std::string::npos);
  EXPECT_EQ(anonymous.Get(url, {{"If-None-Match", image.Header("etag")}}).status, 304);
  EXPECT_EQ(anonymous.Get(fmt::format("/api/v1/products/{}/photos/{}", product + 1, Int(photo, "id"))).status, 404);
  bj::value with_photo = ParseJson(served_.Client().Get(path));
  ASSERT_EQ(with_photo.at("photo_ids").as_array().size(), 1u);

  // Reference prices: county operator or admin, per year.
  HttpResponse price = county.Put(path + "/reference-prices/2020", R"({"price_fen":7000,"source":"临夏市场 2020-09"})");
  ASSERT_EQ(price.status, 200) << price.body;
  EXPECT_EQ(own.Put(path + "/reference-prices/2020", R"({"price_fen":1,"source":"x"})").status, 403);
  HttpResponse bad_year = county.Put(path + "/reference-prices/1999", R"({"price_fen":1,"source":"x"})");
  EXPECT_EQ(bad_year.status, 400);
  EXPECT_EQ(ErrorField(bad_year), "year");
  HttpResponse bad_source = county.Put(path + "/reference-prices/2021", R"({"price_fen":1,"source":""})");
  EXPECT_EQ(bad_source.status, 400);
  EXPECT_EQ(ErrorField(bad_source), "source");
  EXPECT_EQ(QueryInt("SELECT price_fen FROM reference_prices WHERE product_id = ? AND year = 2020",
                     {std::to_string(product)}),
            7000);

  HttpResponse revoked = served_.SignIn("county").Delete(path + "/certification");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_TRUE(ParseJson(revoked).at("certification").is_null());
}

TEST_P(SupplierApiTest, OutletsPermissionsAndInstitutions) {
  ASSERT_NE(served_.port(), 0);
  Session county = served_.SignIn("county");
  Session admin = served_.SignIn("admin");
  // A village of Dongxiang without an outlet, other than the supplier's.
  auto st = served_.conn().Prepare(
      "SELECT code FROM regions WHERE code LIKE '622926%' AND level = 'village' AND code <> ? "
      "AND code NOT IN (SELECT village_code FROM outlets) ORDER BY code LIMIT 1");
  st->Bind(1, kShangketuo);
  ASSERT_TRUE(st->Step());
  const std::string village = st->Text(0);
  st.reset();

  HttpResponse bad = county.Post("/api/v1/outlets", fmt::format(R"({{"name":"","village_code":"{}"}})", village));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorField(bad), "name");
  EXPECT_EQ(served_.SignIn("outlet").Post("/api/v1/outlets",
                                          fmt::format(R"({{"name":"点","village_code":"{}"}})", village))
                .status,
            403);
  HttpResponse opened = county.Post("/api/v1/outlets", fmt::format(R"({{"name":"邻村服务点","village_code":"{}"}})", village));
  ASSERT_EQ(opened.status, 201) << opened.body;
  const int64_t outlet = Int(ParseJson(opened), "id");
  EXPECT_EQ(county.Post("/api/v1/outlets", fmt::format(R"({{"name":"again","village_code":"{}"}})", village)).status,
            409);
  HttpResponse listed = county.Get("/api/v1/outlets?region=" + village);
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(ParseJson(listed).at("items").as_array().size(), 1u);
  EXPECT_EQ(county.Get("/api/v1/outlets?region=622921000000").status, 403);

  Session own = NewAccount("coop-o", "supplier", kShangketuo);
  const int64_t supplier = Apply(own, "外销合作社");
  const std::string perms = fmt::format("/api/v1/suppliers/{}/outlet-permissions", supplier);
  HttpResponse bad_outlet = own.Post(perms, R"({"outlet_id":"one"})");
  EXPECT_EQ(bad_outlet.status, 400);
  EXPECT_EQ(ErrorField(bad_outlet), "outlet_id");
  EXPECT_EQ(own.Post(perms, R"({"outlet_id":999999999})").status, 404);
  HttpResponse granted = own.Post(perms, fmt::format(R"({{"outlet_id":{}}})", outlet));
  ASSERT_EQ(granted.status, 201) << granted.body;
  EXPECT_TRUE(ParseJson(granted).at("revoked_at").is_null());
  EXPECT_EQ(own.Post(perms, fmt::format(R"({{"outlet_id":{}}})", outlet)).status, 409);
  HttpResponse seen = own.Get(fmt::format("/api/v1/outlets/{}", outlet));
  ASSERT_EQ(seen.status, 200) << seen.body;
  ASSERT_EQ(ParseJson(seen).at("permissions").as_array().size(), 1u);
  EXPECT_EQ(Int(ParseJson(seen).at("permissions").as_array()[0], "supplier_id"), supplier);
  EXPECT_EQ(own.Delete(perms + "/abc").status, 400);
  HttpResponse revoked = own.Delete(fmt::format("{}/{}", perms, outlet));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_FALSE(ParseJson(revoked).at("revoked_at").is_null());
  EXPECT_EQ(own.Delete(fmt::format("{}/{}", perms, outlet)).status, 404);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'market.outlet_permission.%' AND target = ?",
                     {fmt::format("supplier:{} outlet:{}", supplier, outlet)}),
            2);

  // Institutions: the admin registers one for a buyer account.
  NewAccount("school-buyer", "buyer", "622900000000");
  const std::string body =
      R"({"name":"临夏州中学","kind":"school","region_code":"622901000000","buyer_username":"school-buyer"})";
  EXPECT_EQ(county.Post("/api/v1/institutions", body).status, 403);
  HttpResponse bad_kind = admin.Post(
      "/api/v1/institutions",
      R"({"name":"x","kind":"church","region_code":"622901000000","buyer_username":"school-buyer"})");
  EXPECT_EQ(bad_kind.status, 400);
  EXPECT_EQ(ErrorField(bad_kind), "kind");
  HttpResponse not_buyer = admin.Post(
      "/api/v1/institutions",
      R"({"name":"x","kind":"school","region_code":"622901000000","buyer_username":"coop-o"})");
  EXPECT_EQ(not_buyer.status, 400);
  EXPECT_EQ(ErrorField(not_buyer), "buyer_username");
  HttpResponse created = admin.Post("/api/v1/institutions", body);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Text(ParseJson(created), "kind"), "school");
  EXPECT_EQ(admin.Post("/api/v1/institutions", body).status, 409);
  HttpResponse institutions = county.Get("/api/v1/institutions");
  ASSERT_EQ(institutions.status, 200) << institutions.body;
  bool found = false;
  const bj::value all = ParseJson(institutions);
  for (const bj::value& i : all.at("items").as_array()) {
    found |= Text(i, "buyer_username") == "school-buyer";
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(served_.SignIn("buyer").Get("/api/v1/institutions").status, 403);
}

INSTANTIATE_TEST_SUITE_P(Backends, SupplierApiTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::market
