// The region routes on the real `fupin serve` (scale-0.01 demo, SQLite and
// PostgreSQL): the tree to a depth, search by name and pinyin with paging, one
// region; bad input answers 400 naming the parameter. Expected values come
// from the regions table.
#include <boost/json/value.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "base/text.h"
#include "testing/api_json.h"
#include "testing/served_demo.h"

namespace fupin::regions {
namespace {

using fupin::testing::Backend;
using fupin::testing::ErrorField;
using fupin::testing::HttpResponse;
using fupin::testing::ParseJson;
using fupin::testing::ServedDemo;
using fupin::testing::Session;
using fupin::testing::Str;
namespace bj = boost::json;

constexpr const char* kPrefecture = "622900000000";

class RegionRoutesTest : public ::testing::TestWithParam<Backend> {
 protected:
  int64_t Count(const std::string& sql, const std::string& param) {
    return fupin::testing::SelectInt(served_.conn(), sql, {param});
  }

  ServedDemo served_{GetParam()};
};

TEST_P(RegionRoutesTest, TheTreeToADepth) {
  ASSERT_NE(served_.port(), 0);
  Session buyer = served_.SignIn("buyer");  // every signed-in user reads regions
  HttpResponse r = buyer.Get("/api/v1/regions/tree");
  ASSERT_EQ(r.status, 200) << r.body;
  bj::value root = ParseJson(r);
  EXPECT_EQ(Str(root.at("code")), kPrefecture);
  EXPECT_EQ(Str(root.at("level")), "prefecture");
  const bj::array& counties = root.at("children").as_array();
  EXPECT_EQ(static_cast<int64_t>(counties.size()),
            Count("SELECT COUNT(*) FROM regions WHERE parent_code = ?", kPrefecture));
  for (const bj::value& c : counties) {
    EXPECT_EQ(Str(c.at("level")), "county");
    EXPECT_EQ(c.as_object().if_contains("children"), nullptr);  // depth 1 stops here
  }

  HttpResponse deep = buyer.Get("/api/v1/regions/tree?root=622926000000&depth=2");
  ASSERT_EQ(deep.status, 200) << deep.body;
  bj::value dongxiang = ParseJson(deep);
  int64_t villages = 0;
  for (const bj::value& township : dongxiang.at("children").as_array()) {
    for (const bj::value& village : township.at("children").as_array()) {
      EXPECT_EQ(Str(village.at("level")), "village");
      ++villages;
    }
  }
  EXPECT_EQ(villages, Count("SELECT COUNT(*) FROM regions WHERE level = 'village' AND parent_code LIKE ?",
                            "622926%"));

  struct Case {
    std::string target;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{{"/api/v1/regions/tree?depth=0", "depth"},
                                         {"/api/v1/regions/tree?depth=5", "depth"},
                                         {"/api/v1/regions/tree?root=6229", "root"},
                                         {"/api/v1/regions/tree?root=622999000000", "root"},
                                         {"/api/v1/regions/tree?level=1", "level"}}) {
    HttpResponse e = buyer.Get(c.target);
    EXPECT_EQ(e.status, 400) << c.target;
    EXPECT_EQ(ErrorField(e), c.field) << c.target;
  }
  EXPECT_EQ(served_.Client().Get("/api/v1/regions/tree").status, 401);
}

TEST_P(RegionRoutesTest, SearchByNameAndPinyinPaged) {
  ASSERT_NE(served_.port(), 0);
  Session outlet = served_.SignIn("outlet");
  HttpResponse r = outlet.Get("/api/v1/regions/search?q=dongxiang");
  ASSERT_EQ(r.status, 200) << r.body;
  bj::value page = ParseJson(r);
  ASSERT_FALSE(page.at("items").as_array().empty());
  const bj::value& first = page.at("items").as_array()[0];
  EXPECT_EQ(Str(first.at("code")), "622926000000");
  EXPECT_EQ(Str(first.at("ancestors").as_array()[0].at("code")), kPrefecture);

  HttpResponse by_name = outlet.Get("/api/v1/regions/search?q=%E4%B8%8A%E7%A7%91%E5%A6%A5");  // 上科妥
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  bool found = false;
  const bj::value by_name_page = ParseJson(by_name);
  for (const bj::value& item : by_name_page.at("items").as_array()) {
    found = found || Str(item.at("code")) == fupin::testing::kShangketuo;
  }
  EXPECT_TRUE(found) << by_name.body;

  // Paging one at a time gives the same list as one page.
  HttpResponse all = outlet.Get("/api/v1/regions/search?q=da&limit=100");
  ASSERT_EQ(all.status, 200);
  std::vector<std::string> expected;
  const bj::value all_page = ParseJson(all);
  for (const bj::value& item : all_page.at("items").as_array()) expected.push_back(Str(item.at("code")));
  ASSERT_GE(expected.size(), 3u);
  std::vector<std::string> paged;
  std::string target = "/api/v1/regions/search?q=da&limit=2";
  for (int i = 0; i < 100; ++i) {
    HttpResponse p = outlet.Get(target);
    ASSERT_EQ(p.status, 200) << p.body;
    bj::value v = ParseJson(p);
    for (const bj::value& item : v.at("items").as_array()) paged.push_back(Str(item.at("code")));
    if (!v.as_object().contains("next_cursor")) break;
    target = "/api/v1/regions/search?q=da&limit=2&cursor=" + Str(v.at("next_cursor"));
  }
  if (expected.size() < 100) {
    EXPECT_EQ(paged, expected);
  }

  for (const auto& [target, field] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/regions/search", "q"},
           {"/api/v1/regions/search?q=", "q"},
           {"/api/v1/regions/search?q=da&limit=1000", "limit"},
           {"/api/v1/regions/search?q=da&cursor=%3F%3F", "cursor"},
           {"/api/v1/regions/search?q=da&sort=name", "sort"}}) {
    HttpResponse e = outlet.Get(target);
    EXPECT_EQ(e.status, 400) << target;
    EXPECT_EQ(ErrorField(e), field) << target;
  }
}

TEST_P(RegionRoutesTest, OneRegion) {
  ASSERT_NE(served_.port(), 0);
  Session official = served_.SignIn("official");
  HttpResponse r = official.Get(fmt::format("/api/v1/regions/{}", fupin::testing::kShangketuo));
  ASSERT_EQ(r.status, 200) << r.body;
  bj::value v = ParseJson(r);
  EXPECT_EQ(Str(v.at("code")), fupin::testing::kShangketuo);
  EXPECT_EQ(Str(v.at("level")), "village");
  EXPECT_EQ(Str(v.at("kind")), "villagers_committee");
  EXPECT_EQ(Str(v.at("parent").at("code")), fupin::testing::kDaban);
  const bj::array& ancestors = v.at("ancestors").as_array();
  ASSERT_EQ(ancestors.size(), 3u);
  EXPECT_EQ(Str(ancestors[0].at("code")), kPrefecture);
  EXPECT_EQ(Str(ancestors[1].at("code")), fupin::testing::kDongxiang);
  EXPECT_EQ(Str(ancestors[2].at("code")), fupin::testing::kDaban);
  EXPECT_TRUE(v.at("children").as_array().empty());

  // Coordinates: the stored microdegrees written as six-decimal numbers.
  auto st = served_.conn().Prepare("SELECT lon_e6, lat_e6 FROM regions WHERE code = ?");
  st->Bind(1, fupin::testing::kShangketuo);
  ASSERT_TRUE(st->Step());
  if (st->IsNull(0)) {
    EXPECT_TRUE(v.at("coordinates").is_null());
  } else {
    std::string lon = text::FormatFixed(st->Int(0), 6);
    std::string lat = text::FormatFixed(st->Int(1), 6);
    EXPECT_NE(r.body.find("\"lon\":" + lon + ","), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"lat\":" + lat + ","), std::string::npos) << r.body;
  }
  st->Run();

  HttpResponse county = official.Get("/api/v1/regions/622926000000");
  ASSERT_EQ(county.status, 200);
  EXPECT_EQ(static_cast<int64_t>(ParseJson(county).at("children").as_array().size()),
            Count("SELECT COUNT(*) FROM regions WHERE parent_code = ?", "622926000000"));
  HttpResponse root = official.Get(fmt::format("/api/v1/regions/{}", kPrefecture));
  ASSERT_EQ(root.status, 200);
  EXPECT_TRUE(ParseJson(root).at("parent").is_null());
  EXPECT_TRUE(ParseJson(root).at("ancestors").as_array().empty());

  HttpResponse malformed = official.Get("/api/v1/regions/62292610120");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(ErrorField(malformed), "code");
  EXPECT_EQ(official.Get("/api/v1/regions/622926101299").status, 404);
  EXPECT_EQ(served_.Client().Get("/api/v1/regions/622926000000").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegionRoutesTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::regions
