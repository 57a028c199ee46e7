// json::Writer and json::AppendString (RFC 8259 string escaping).
#include "base/json_writer.h"

#include "base/text.h"

#include <gtest/gtest.h>

#include <string>

namespace fupin::json {
namespace {

struct EscapeCase {
  const char* name;
  std::string in;
  std::string want;
};

class AppendStringTest : public ::testing::TestWithParam<EscapeCase> {};

TEST_P(AppendStringTest, EscapesWhatRfc8259Requires) {
  std::string out = "x";
  AppendString(out, GetParam().in);
  EXPECT_EQ(out, "x" + GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AppendStringTest,
    ::testing::Values(
        EscapeCase{"Empty", "", R"("")"}, EscapeCase{"Plain", "Linxia", R"("Linxia")"},
        EscapeCase{"Quote", "say \"hi\"", R"("say \"hi\"")"}, EscapeCase{"Backslash", "a\\b", R"("a\\b")"},
        EscapeCase{"Slash", "a/b", R"("a/b")"},  // '/' may stay as it is
        EscapeCase{"Newline", "a\nb", R"("a\nb")"}, EscapeCase{"CarriageReturn", "\r", R"("\r")"},
        EscapeCase{"Tab", "\t", R"("\t")"}, EscapeCase{"Backspace", "\b", R"("\b")"},
        EscapeCase{"FormFeed", "\f", R"("\f")"}, EscapeCase{"Nul", std::string("a\0b", 3), R"("a\u0000b")"},
        EscapeCase{"Soh", "\x01", R"("\u0001")"}, EscapeCase{"Escape", "\x1b", R"("\u001b")"},
        EscapeCase{"UnitSeparator", "\x1f", R"("\u001f")"}, EscapeCase{"SpaceIsNotControl", " ", R"(" ")"},
        EscapeCase{"Delete", "\x7f", "\"\x7f\""}, EscapeCase{"Chinese", "临夏回族自治州", "\"临夏回族自治州\""},
        EscapeCase{"FourByte", "\xF0\x9F\x98\x80", "\"\xF0\x9F\x98\x80\""},
        EscapeCase{"LineSeparator", "\xE2\x80\xA8", "\"\xE2\x80\xA8\""}),
    [](const ::testing::TestParamInfo<EscapeCase>& info) { return std::string(info.param.name); });

TEST(JsonWriterTest, NestedContainersGetCommasOnlyBetweenElements) {
  Writer w;
  // The indentation shows the nesting.
  // clang-format off
  w.BeginObject()
      .Key("code").String("622922000000")
      .Key("name").String("康乐县")
      .Key("population").Int(-1)
      .Key("incidence").Raw("8.97")
      .Key("poor").Bool(true)
      .Key("exited").Bool(false)
      .Key("note").Null()
      .Key("years").BeginArray().Int(2019).Int(2020).EndArray()
      .Key("empty_array").BeginArray().EndArray()
      .Key("empty_object").BeginObject().EndObject()
      .Key("rows").BeginArray()
          .BeginObject().Key("a").Int(1).EndObject()
          .BeginObject().Key("b").BeginArray().Null().EndArray().EndObject()
      .EndArray()
      .EndObject();
  // clang-format on
  EXPECT_EQ(w.str(), R"({"code":"622922000000","name":"康乐县","population":-1,"incidence":8.97,"poor":true,)"
                     R"("exited":false,"note":null,"years":[2019,2020],"empty_array":[],"empty_object":{},)"
                     R"("rows":[{"a":1},{"b":[null]}]})");
}

TEST(JsonWriterTest, KeysAreEscapedLikeStrings) {
  Writer w;
  w.BeginObject().Key("a\"b\n").String("\\").EndObject();
  EXPECT_EQ(w.str(), R"({"a\"b\n":"\\"})");
}

TEST(JsonWriterTest, ArrayOfScalarsAndInt64Extremes) {
  Writer w;
  w.BeginArray().Int(INT64_MIN).Int(INT64_MAX).Int(0).String("").EndArray();
  EXPECT_EQ(w.str(), R"([-9223372036854775808,9223372036854775807,0,""])");
}

TEST(JsonWriterTest, TakeMovesTheText) {
  Writer w;
  w.BeginArray().Int(1).EndArray();
  EXPECT_EQ(w.Take(), "[1]");
}

TEST(JsonWriterTest, IllFormedUtf8BecomesReplacementCharacters) {
  const std::string r = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
  json::AppendString(out, std::string("a") + "\x80" + "b" + "\xE4\xB8" + "c" + "\xC0\xAF" + "\xED\xA0\x80" + "临夏");
  EXPECT_EQ(out, "\"a" + r + "b" + r + r + "c" + r + r + r + r + r + "临夏\"");
  EXPECT_TRUE(text::IsValidUtf8(out));
}

}  // namespace
}  // namespace fupin::json
