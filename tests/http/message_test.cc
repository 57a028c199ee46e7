#include "http/message.h"

#include <gtest/gtest.h>

namespace fupin::http {
namespace {

TEST(HttpMessageTest, ParseQueryDecodesPairsInOrder) {
  struct Case {
    std::string query;
    Fields want;
  };
  const Case cases[] = {
      {"", {}},
      {"a=1", {{"a", "1"}}},
      {"a=1&b=x%20y", {{"a", "1"}, {"b", "x y"}}},
      {"q=%E4%B8%B4%E5%A4%8F", {{"q", "临夏"}}},
      {"name=a+b", {{"name", "a b"}}},              // '+' is a space in a query
      {"a=1&&b=2&", {{"a", "1"}, {"b", "2"}}},        // empty parts skipped
      {"flag&x=", {{"flag", ""}, {"x", ""}}},         // no value
      {"a=1&a=2", {{"a", "1"}, {"a", "2"}}},          // repeated names kept
      {"k%3Dv=%26", {{"k=v", "&"}}},                  // escaped separators
      {"bad=%zz%4", {{"bad", "%zz%4"}}},              // malformed escapes kept as written
      {"e==1", {{"e", "=1"}}},                        // first '=' splits
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ParseQuery(c.query), c.want) << c.query;
  }
}

TEST(HttpMessageTest, PercentDecode) {
  EXPECT_EQ(PercentDecode("/api/v1/regions/62%2029", false), "/api/v1/regions/62 29");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("%41%6a%6A", false), "Ajj");
  EXPECT_EQ(PercentDecode("100%", false), "100%");
  EXPECT_EQ(PercentDecode("%4", false), "%4");
  EXPECT_EQ(PercentDecode("%g1x", false), "%g1x");
  EXPECT_EQ(PercentDecode("%00", false), std::string(1, '\0'));
}

TEST(HttpMessageTest, HeaderAndQueryLookups) {
  Request r;
  r.headers = {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};
  r.query = {{"year", "2016"}, {"region", ""}, {"year", "2017"}};
  ASSERT_NE(r.Header("x-a"), nullptr);
  EXPECT_EQ(*r.Header("x-a"), "1");
  EXPECT_EQ(r.Header("X-A"), nullptr);  // names are stored and looked up lower-case
  EXPECT_EQ(r.Header("missing"), nullptr);
  EXPECT_EQ(r.Query("year"), "2016");
  EXPECT_EQ(r.Query("region"), "");
  EXPECT_EQ(r.Query("missing"), std::nullopt);
}

TEST(HttpMessageTest, Cookies) {
  Request r;
  r.headers = {{"cookie", "theme=dark; fupin_session=abc123;lang=zh"},
               {"cookie", "other=1; fupin_session=second"},
               {"x-cookie", "ignored=1"}};
  EXPECT_EQ(r.Cookie("fupin_session"), "abc123");
  EXPECT_EQ(r.Cookie("lang"), "zh");
  EXPECT_EQ(r.Cookie("theme"), "dark");
  EXPECT_EQ(r.Cookie("other"), "1");
  EXPECT_EQ(r.Cookie("ignored"), "");
  EXPECT_EQ(r.Cookie("fupin"), "");  // no prefix matches

  Request quoted;
  quoted.headers = {{"cookie", "  a = \"q v\" ; novalue; b="}};
  EXPECT_EQ(quoted.Cookie("a"), "q v");
  EXPECT_EQ(quoted.Cookie("novalue"), "");
  EXPECT_EQ(quoted.Cookie("b"), "");
  EXPECT_EQ(Request().Cookie("a"), "");
}

}  // namespace
}  // namespace fupin::http
