#include "api/json_body.h"

#include <gtest/gtest.h>

namespace fupin::api {
namespace {

JsonBody Parsed(std::string_view text) {
  Result<JsonBody> body = JsonBody::ParseText(text);
  EXPECT_TRUE(body.ok()) << text;
  return std::move(body.value());
}

TEST(JsonBodyTest, ReadsTypedFields) {
  JsonBody body = Parsed(R"({"name":"official","year":2016,"flag":true,"note":null})");
  EXPECT_EQ(body.String("name", 1, 32), "official");
  EXPECT_EQ(body.Int("year", 2012, 2030), 2016);
  EXPECT_EQ(body.OptBool("flag"), true);
  EXPECT_EQ(body.OptString("note", 0, 10), std::nullopt);
  EXPECT_EQ(body.OptInt("absent", 0, 1), std::nullopt);
  EXPECT_TRUE(body.Finish().ok());
}

struct BadCase {
  const char* text;
  const char* field;
  const char* message_part;
};

class JsonBodyBadTest : public ::testing::TestWithParam<BadCase> {};

// Each case reads {"name": string 1..8, "year": int 2012..2030, "inner": {"n": int 0..9}}.
TEST_P(JsonBodyBadTest, NamesTheField) {
  const BadCase& c = GetParam();
  Result<JsonBody> parsed = JsonBody::ParseText(c.text);
  Status status;
  if (!parsed) {
    status = parsed.error();
  } else {
    JsonBody& body = parsed.value();
    body.String("name", 1, 8);
    body.Int("year", 2012, 2030);
    if (JsonBody* inner = body.OptObject("inner")) inner->Int("n", 0, 9);
    status = body.Finish();
  }
  ASSERT_FALSE(status.ok()) << c.text;
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.error().field, c.field) << c.text;
  EXPECT_NE(status.error().message.find(c.message_part), std::string::npos) << status.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonBodyBadTest,
    ::testing::Values(BadCase{"", "body", "needs a JSON object"}, BadCase{"{\"name\":", "body", "not valid JSON"},
                      BadCase{"[1,2]", "body", "must be a JSON object"},
                      BadCase{"{\"name\":\"x\",\"year\":2016,\"extra\":1}", "extra", "not a field"},
                      BadCase{"{\"name\":5,\"year\":2016}", "name", "must be a string"},
                      BadCase{"{\"name\":\"abcdefghij\",\"year\":2016}", "name", "1 to 8 bytes"},
                      BadCase{"{\"name\":\"x\"}", "year", "is required"},
                      BadCase{"{\"name\":\"x\",\"year\":\"2016\"}", "year", "must be an integer"},
                      BadCase{"{\"name\":\"x\",\"year\":2016.5}", "year", "must be an integer"},
                      BadCase{"{\"name\":\"x\",\"year\":1999}", "year", "got 1999"},
                      BadCase{"{\"name\":\"x\",\"year\":99999999999999999999}", "year", "must be an integer"},
                      BadCase{"{\"name\":\"x\",\"year\":2016,\"inner\":{\"n\":10}}", "inner.n", "0 to 9"},
                      BadCase{"{\"name\":\"x\",\"year\":2016,\"inner\":{\"n\":1,\"m\":2}}", "inner.m", "not a field"},
                      BadCase{"{\"name\":\"x\",\"year\":2016,\"inner\":[]}", "inner", "must be an object"},
                      BadCase{"{\"name\":\"\xff\",\"year\":2016}", "body", "UTF-8"}));

TEST(JsonBodyTest, RefusesAnotherContentType) {
  http::Request request;
  request.body = "{}";
  request.headers.emplace_back("content-type", "text/plain");
  Result<JsonBody> body = JsonBody::Parse(request);
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().field, "Content-Type");
  request.headers.back().second = "application/json; charset=utf-8";
  EXPECT_TRUE(JsonBody::Parse(request).ok());
}

}  // namespace
}  // namespace fupin::api
