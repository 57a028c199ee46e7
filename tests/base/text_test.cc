// base/text.h: UTF-8 validation, display width, strict number parsing.
#include "base/text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace fupin::text {
namespace {

bool Mentions(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

template <typename P>
std::string CaseName(const ::testing::TestParamInfo<P>& info) {
  return std::string(info.param.name);
}

// ---------------------------------------------------------------- IsValidUtf8

struct Utf8Case {
  const char* name;
  std::string bytes;
  bool valid;
};

class IsValidUtf8Test : public ::testing::TestWithParam<Utf8Case> {};

TEST_P(IsValidUtf8Test, AcceptsExactlyWellFormedUtf8) { EXPECT_EQ(IsValidUtf8(GetParam().bytes), GetParam().valid); }

INSTANTIATE_TEST_SUITE_P(
    Cases, IsValidUtf8Test,
    ::testing::Values(Utf8Case{"Empty", "", true}, Utf8Case{"Ascii", "Linxia 6229", true},
                      Utf8Case{"EmbeddedNul", std::string("a\0b", 3), true},
                      Utf8Case{"TwoByte", "\xC2\xA9", true},  // ©
                      Utf8Case{"Cjk", "临夏回族自治州", true},
                      Utf8Case{"CjkExtensionB", "\xF0\xA0\x80\x80", true},  // U+20000, 4 bytes
                      Utf8Case{"Emoji", "\xF0\x9F\x98\x80", true},          // U+1F600
                      Utf8Case{"LastCodePoint", "\xF4\x8F\xBF\xBF", true},  // U+10FFFF
                      Utf8Case{"BeforeSurrogates", "\xED\x9F\xBF", true},   // U+D7FF
                      Utf8Case{"AfterSurrogates", "\xEE\x80\x80", true},    // U+E000
                      Utf8Case{"Bom", "\xEF\xBB\xBF", true}, Utf8Case{"OverlongSlash2", "\xC0\xAF", false},
                      Utf8Case{"OverlongNul2", "\xC0\x80", false}, Utf8Case{"OverlongC1", "\xC1\xBF", false},
                      Utf8Case{"Overlong3", "\xE0\x80\xAF", false},
                      Utf8Case{"Overlong3Max", "\xE0\x9F\xBF", false},   // U+07FF in 3 bytes
                      Utf8Case{"Overlong4", "\xF0\x8F\xBF\xBF", false},  // U+FFFF in 4 bytes
                      Utf8Case{"SurrogateHigh", "\xED\xA0\x80", false},  // U+D800
                      Utf8Case{"SurrogateLow", "\xED\xBF\xBF", false},   // U+DFFF
                      Utf8Case{"PastMax", "\xF4\x90\x80\x80", false},    // U+110000
                      Utf8Case{"LeadF5", "\xF5\x80\x80\x80", false},
                      Utf8Case{"FiveByte", "\xF8\x88\x80\x80\x80", false}, Utf8Case{"ByteFF", "\xFF", false},
                      Utf8Case{"LoneContinuation", "a\x80", false}, Utf8Case{"TruncatedTwo", "\xC2", false},
                      Utf8Case{"TruncatedThree", "临\xE5\xA4", false}, Utf8Case{"TruncatedFour", "\xF0\x9F\x98", false},
                      Utf8Case{"AsciiInsteadOfContinuation", "\xE4\xB8\x41", false},
                      Utf8Case{"Latin1", "caf\xE9", false}),
    CaseName<Utf8Case>);

// ------------------------------------------------------ DisplayWidth and pads

struct WidthCase {
  const char* name;
  std::string s;
  int width;
};

class DisplayWidthTest : public ::testing::TestWithParam<WidthCase> {};

TEST_P(DisplayWidthTest, CountsWideCharactersAsTwoColumns) { EXPECT_EQ(DisplayWidth(GetParam().s), GetParam().width); }

INSTANTIATE_TEST_SUITE_P(Cases, DisplayWidthTest,
                         ::testing::Values(WidthCase{"Empty", "", 0}, WidthCase{"Ascii", "Kangle", 6},
                                           WidthCase{"Cjk", "康乐县", 6}, WidthCase{"Mixed", "6229 临夏", 9},
                                           WidthCase{"FullwidthForm", "\xEF\xBC\xA1", 2},  // Ａ U+FF21
                                           WidthCase{"FullwidthComma", "，", 2}, WidthCase{"IdeographicStop", "。", 2},
                                           WidthCase{"Hangul", "한", 2},
                                           WidthCase{"CjkExtensionB", "\xF0\xA0\x80\x80", 2},
                                           WidthCase{"NarrowNonAscii", "é€", 2},
                                           WidthCase{"HalfwidthKatakana", "\xEF\xBD\xB1", 1}),  // ｱ U+FF71
                         CaseName<WidthCase>);

// Regression test for a fixed bug: text.h promises 2 columns for East Asian wide characters, but the table stops at
// U+3FFFD and leaves out the emoji blocks that Unicode gives East_Asian_Width=W (U+1F300–U+1F64F, U+1F900–
// U+1F9FF, …), so a name or note with an emoji misaligns a terminal table by one column.
TEST(DisplayWidthTest, EmojiAreWide) {
  EXPECT_EQ(DisplayWidth("\xF0\x9F\x98\x80"), 2);  // U+1F600
  EXPECT_EQ(DisplayWidth("\xF0\x9F\x8C\xBE"), 2);  // U+1F33E ear of rice
}

struct PadCase {
  const char* name;
  std::string s;
  int width;
  std::string right;  // PadRight
  std::string left;   // PadLeft
};

class PadTest : public ::testing::TestWithParam<PadCase> {};

TEST_P(PadTest, PadsToDisplayColumnsNotBytes) {
  const PadCase& c = GetParam();
  EXPECT_EQ(PadRight(c.s, c.width), c.right);
  EXPECT_EQ(PadLeft(c.s, c.width), c.left);
}

INSTANTIATE_TEST_SUITE_P(Cases, PadTest,
                         ::testing::Values(PadCase{"Ascii", "ab", 5, "ab   ", "   ab"},
                                           PadCase{"Chinese", "临夏", 6, "临夏  ", "  临夏"},
                                           PadCase{"ChineseOddWidth", "临夏市", 7, "临夏市 ", " 临夏市"},
                                           PadCase{"ExactWidth", "东乡", 4, "东乡", "东乡"},
                                           PadCase{"TooWideIsNotCut", "积石山县", 3, "积石山县", "积石山县"},
                                           PadCase{"ZeroWidth", "", 0, "", ""},
                                           PadCase{"EmptyPadded", "", 3, "   ", "   "}),
                         CaseName<PadCase>);

// -------------------------------------------------------------- ParseInt64

struct IntCase {
  const char* name;
  std::string s;
  bool ok;
  int64_t value;     // when ok
  const char* want;  // part of the message when not ok
};

class ParseInt64Test : public ::testing::TestWithParam<IntCase> {};

// A parse result: the value when `ok`, else an invalid-argument error mentioning `want`.
void ExpectParsed(const Result<int64_t>& r, bool ok, int64_t value, std::string_view want) {
  ASSERT_EQ(r.ok(), ok) << (r.ok() ? std::to_string(*r) : r.error().message);
  if (ok) {
    EXPECT_EQ(*r, value);
  } else {
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(Mentions(r.error().message, want)) << r.error().message;
  }
}

TEST_P(ParseInt64Test, ParsesStrictDecimalIntegers) {
  const IntCase& c = GetParam();
  Result<int64_t> r = ParseInt64(c.s);
  ExpectParsed(r, c.ok, c.value, c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseInt64Test,
    ::testing::Values(IntCase{"Zero", "0", true, 0, ""}, IntCase{"Positive", "1737000", true, 1737000, ""},
                      IntCase{"Negative", "-42", true, -42, ""},
                      // "-0" is a well-formed zero (no digit beyond a lone 0); ParseFixed
                      // relies on it for "-0.50".
                      IntCase{"MinusZero", "-0", true, 0, ""},
                      IntCase{"Max", "9223372036854775807", true, std::numeric_limits<int64_t>::max(), ""},
                      IntCase{"Min", "-9223372036854775808", true, std::numeric_limits<int64_t>::min(), ""},
                      IntCase{"Empty", "", false, 0, "empty"},
                      IntCase{"OnlyMinus", "-", false, 0, "'-' is not a whole number"},
                      IntCase{"LeadingZero", "007", false, 0, "'007' has a leading zero"},
                      IntCase{"NegativeLeadingZero", "-07", false, 0, "leading zero"},
                      IntCase{"DoubleZero", "00", false, 0, "leading zero"},
                      IntCase{"Plus", "+5", false, 0, "'+5' is not a whole number"},
                      IntCase{"LeadingSpace", " 5", false, 0, "not a whole number"},
                      IntCase{"TrailingSpace", "5 ", false, 0, "not a whole number"},
                      IntCase{"DoubleMinus", "--5", false, 0, "not a whole number"},
                      IntCase{"Decimal", "1.5", false, 0, "not a whole number"},
                      IntCase{"Letters", "12a", false, 0, "not a whole number"},
                      IntCase{"FullwidthDigits", "１２", false, 0, "not a whole number"},
                      IntCase{"OverflowByOne", "9223372036854775808", false, 0,
                              "'9223372036854775808' is out of range"},
                      IntCase{"UnderflowByOne", "-9223372036854775809", false, 0, "out of range"},
                      IntCase{"Huge", "123456789012345678901234567890", false, 0, "out of range"}),
    CaseName<IntCase>);

struct RangeCase {
  const char* name;
  std::string s;
  int64_t min, max;
  bool ok;
  const char* want;
};

class ParseInt64InRangeTest : public ::testing::TestWithParam<RangeCase> {};

TEST_P(ParseInt64InRangeTest, BoundsAreInclusive) {
  const RangeCase& c = GetParam();
  Result<int64_t> r = ParseInt64InRange(c.s, c.min, c.max);
  ASSERT_EQ(r.ok(), c.ok) << (r.ok() ? std::to_string(*r) : r.error().message);
  if (!c.ok) {
    EXPECT_TRUE(Mentions(r.error().message, c.want)) << r.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseInt64InRangeTest,
    ::testing::Values(RangeCase{"AtMin", "2012", 2012, 2020, true, ""},
                      RangeCase{"AtMax", "2020", 2012, 2020, true, ""},
                      RangeCase{"BelowMin", "2011", 2012, 2020, false, "2011 is outside 2012..2020"},
                      RangeCase{"AboveMax", "2021", 2012, 2020, false, "2021 is outside 2012..2020"},
                      RangeCase{"NegativeRange", "-3", -5, -1, true, ""},
                      RangeCase{"NotANumberFirst", "20x", 0, 100, false, "not a whole number"}),
    CaseName<RangeCase>);

// -------------------------------------------------- ParseFixed / FormatFixed

struct FixedCase {
  const char* name;
  std::string s;
  int scale;
  bool ok;
  int64_t value;
  const char* want;
};

class ParseFixedTest : public ::testing::TestWithParam<FixedCase> {};

TEST_P(ParseFixedTest, ScalesDecimalsToIntegers) {
  const FixedCase& c = GetParam();
  Result<int64_t> r = ParseFixed(c.s, c.scale);
  ExpectParsed(r, c.ok, c.value, c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseFixedTest,
    ::testing::Values(
        FixedCase{"Header", "8.97", 2, true, 897, ""}, FixedCase{"Whole", "42", 2, true, 4200, ""},
        FixedCase{"OneDecimal", "42.2", 2, true, 4220, ""}, FixedCase{"ScaleZero", "42", 0, true, 42, ""},
        FixedCase{"Zero", "0", 2, true, 0, ""}, FixedCase{"ZeroPointZero", "0.00", 2, true, 0, ""},
        FixedCase{"SmallFraction", "0.05", 2, true, 5, ""}, FixedCase{"Negative", "-1.5", 2, true, -150, ""},
        FixedCase{"NegativeBelowOne", "-0.5", 2, true, -50, ""}, FixedCase{"NegativeSmall", "-0.05", 2, true, -5, ""},
        FixedCase{"Microdegrees", "103.289177", 6, true, 103289177, ""},
        FixedCase{"MicrodegreesShort", "35.62", 6, true, 35620000, ""},
        FixedCase{"TrailingZeros", "1.10", 2, true, 110, ""},
        FixedCase{"TooManyDecimals", "8.975", 2, false, 0, "'8.975' has more than 2 decimals"},
        FixedCase{"DecimalsAtScaleZero", "1.5", 0, false, 0, "more than 0 decimals"},
        FixedCase{"TrailingDot", "8.", 2, false, 0, "'8.' is not a number"},
        FixedCase{"LeadingDot", ".5", 2, false, 0, "not a number"},
        FixedCase{"MinusDot", "-.5", 2, false, 0, "not a number"}, FixedCase{"Empty", "", 2, false, 0, "not a number"},
        FixedCase{"Plus", "+1.5", 2, false, 0, "not a number"}, FixedCase{"Space", " 1.5", 2, false, 0, "not a number"},
        FixedCase{"LettersInFraction", "1.a", 2, false, 0, "not a number"},
        FixedCase{"SignInFraction", "1.-5", 2, false, 0, "not a number"},
        FixedCase{"LeadingZero", "01.5", 2, false, 0, "not a number"},
        FixedCase{"Comma", "1,5", 2, false, 0, "not a number"}),
    CaseName<FixedCase>);

// Regression test for a fixed bug: the whole part is multiplied by 10^scale without an overflow check, so a value
// that fits int64 unscaled but not scaled wraps around (signed overflow, UB) instead of being rejected.
TEST(ParseFixedTest, RejectsValuesThatOverflowWhenScaled) {
  for (const char* s : {"100000000000000000", "92233720368547758.08", "-100000000000000000.5", "9223372036854775807"}) {
    Result<int64_t> r = ParseFixed(s, 2);
    ASSERT_FALSE(r.ok()) << s << " parsed as " << *r;
    EXPECT_TRUE(Mentions(r.error().message, "out of range")) << r.error().message;
  }
  // The largest value that fits still parses.
  Result<int64_t> max = ParseFixed("92233720368547758.07", 2);
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(*max, std::numeric_limits<int64_t>::max());
}

struct FormatCase {
  const char* name;
  int64_t value;
  int scale;
  std::string want;
};

class FormatFixedTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(FormatFixedTest, WritesExactlyScaleDecimals) {
  EXPECT_EQ(FormatFixed(GetParam().value, GetParam().scale), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FormatFixedTest,
    ::testing::Values(FormatCase{"Header", 897, 2, "8.97"}, FormatCase{"Round", 4220, 2, "42.20"},
                      FormatCase{"Zero", 0, 2, "0.00"}, FormatCase{"Small", 5, 2, "0.05"},
                      FormatCase{"Negative", -150, 2, "-1.50"}, FormatCase{"NegativeBelowOne", -50, 2, "-0.50"},
                      FormatCase{"ScaleZero", 42, 0, "42"}, FormatCase{"ScaleZeroNegative", -42, 0, "-42"},
                      FormatCase{"Micro", 103289177, 6, "103.289177"}, FormatCase{"MicroSmall", 1, 6, "0.000001"},
                      FormatCase{"Max", std::numeric_limits<int64_t>::max(), 2, "92233720368547758.07"}),
    CaseName<FormatCase>);

TEST(FixedRoundTripTest, FormatThenParseGivesTheValueBack) {
  for (int scale : {0, 1, 2, 6}) {
    for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{9}, int64_t{-10}, int64_t{897}, int64_t{-897},
                      int64_t{123456789}, int64_t{-35625236}}) {
      Result<int64_t> back = ParseFixed(FormatFixed(v, scale), scale);
      ASSERT_TRUE(back.ok()) << v << " at scale " << scale << ": " << back.error().message;
      EXPECT_EQ(*back, v) << "scale " << scale << " text " << FormatFixed(v, scale);
    }
  }
}

// ------------------------------------------------------------------ Grouped

struct GroupedCase {
  const char* name;
  int64_t value;
  std::string want;
};

class GroupedTest : public ::testing::TestWithParam<GroupedCase> {};

TEST_P(GroupedTest, SeparatesThousands) { EXPECT_EQ(Grouped(GetParam().value), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Cases, GroupedTest,
    ::testing::Values(GroupedCase{"Zero", 0, "0"}, GroupedCase{"Three", 999, "999"}, GroupedCase{"Four", 1000, "1,000"},
                      GroupedCase{"Population", 1737000, "1,737,000"}, GroupedCase{"Census", 2109750, "2,109,750"},
                      GroupedCase{"Negative", -1234, "-1,234"}, GroupedCase{"NegativeSmall", -12, "-12"},
                      GroupedCase{"NegativeSixDigits", -123456, "-123,456"},
                      GroupedCase{"Max", std::numeric_limits<int64_t>::max(), "9,223,372,036,854,775,807"}),
    CaseName<GroupedCase>);

// Regression test for a fixed bug: negating INT64_MIN overflows (UB); in practice it stays negative, fmt writes its
// '-' among the digits and a second '-' is added.
TEST(GroupedTest, Int64MinHasOneSign) {
  EXPECT_EQ(Grouped(std::numeric_limits<int64_t>::min()), "-9,223,372,036,854,775,808");
}

// -------------------------------------------------------------------- Split

struct SplitCase {
  const char* name;
  std::string s;
  char sep;
  std::vector<std::string> want;
};

class SplitTest : public ::testing::TestWithParam<SplitCase> {};

TEST_P(SplitTest, KeepsEmptyParts) {
  std::vector<std::string_view> parts = Split(GetParam().s, GetParam().sep);
  std::vector<std::string> got(parts.begin(), parts.end());
  EXPECT_EQ(got, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(Cases, SplitTest,
                         ::testing::Values(SplitCase{"Empty", "", ';', {""}}, SplitCase{"One", "food", ';', {"food"}},
                                           SplitCase{"Two", "housing;water", ';', {"housing", "water"}},
                                           SplitCase{"Inner", "a;;b", ';', {"a", "", "b"}},
                                           SplitCase{"Edges", ";a;", ';', {"", "a", ""}},
                                           SplitCase{"OnlySep", ";", ';', {"", ""}},
                                           SplitCase{"OtherSep", "a;b,c", ',', {"a;b", "c"}},
                                           SplitCase{"Chinese", "临夏,东乡", ',', {"临夏", "东乡"}}),
                         CaseName<SplitCase>);

}  // namespace
}  // namespace fupin::text
