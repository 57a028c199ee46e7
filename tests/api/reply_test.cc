#include "api/reply.h"

#include <gtest/gtest.h>

namespace fupin::api {
namespace {

TEST(ReplyTest, OneStatusPerErrorCode) {
  EXPECT_EQ(HttpStatus(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatus(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatus(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatus(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatus(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatus(ErrorCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatus(ErrorCode::kInternal), 500);
  EXPECT_EQ(HttpStatus(ErrorCode::kUnavailable), 503);
}

TEST(ReplyTest, ErrorBodyNamesCodeMessageAndField) {
  http::Response r = ErrorResponse(Error::Invalid("year must be \"2016\"", "year"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"error":{"code":"invalid_argument","message":"year must be \"2016\"","field":"year"}})");
  EXPECT_EQ(ErrorResponse(Error::NotFound("no household 7")).body,
            R"({"error":{"code":"not_found","message":"no household 7"}})");
}

TEST(ReplyTest, CursorRoundTripsAndRefusesForgeries) {
  std::string cursor = EncodeCursor("622926101201/12345");
  EXPECT_EQ(cursor.find_first_of("+/="), std::string::npos);
  Result<std::string> back = DecodeCursor(cursor);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "622926101201/12345");
  for (const char* bad : {"", "!!!", "%%%"}) {
    Result<std::string> r = DecodeCursor(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "cursor");
  }
}

http::Request WithQuery(std::string_view query) {
  http::Request request;
  request.query = http::ParseQuery(query);
  return request;
}

TEST(ReplyTest, PageLimitsAreChecked) {
  Result<PageRequest> page = ParsePage(WithQuery("limit=20"), 50, 500);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->limit, 20);
  EXPECT_EQ(ParsePage(WithQuery(""), 50, 500)->limit, 50);
  for (const char* q : {"limit=0", "limit=501", "limit=ten", "limit=-1", "limit="}) {
    Result<PageRequest> bad = ParsePage(WithQuery(q), 50, 500);
    ASSERT_FALSE(bad.ok()) << q;
    EXPECT_EQ(bad.error().field, "limit");
  }
  Result<PageRequest> bad_cursor = ParsePage(WithQuery("cursor=***"), 50, 500);
  ASSERT_FALSE(bad_cursor.ok());
  EXPECT_EQ(bad_cursor.error().field, "cursor");
}

TEST(ReplyTest, UnknownAndRepeatedQueryParametersAreNamed) {
  EXPECT_TRUE(CheckQuery(WithQuery("year=2016&region=x"), {"region", "year"}).ok());
  Status unknown = CheckQuery(WithQuery("year=2016&yaer=2017"), {"region", "year"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "yaer");
  Status twice = CheckQuery(WithQuery("year=2016&year=2017"), {"year"});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, "year");
}

}  // namespace
}  // namespace fupin::api
