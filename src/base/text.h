#pragma once
// Text helpers: UTF-8 validation, display width for aligned terminal tables,
// strict number parsing with messages a user can act on.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace fupin::text {

bool IsValidUtf8(std::string_view s);

// Columns a terminal uses to show `s`: 2 for East Asian wide and fullwidth
// characters (CJK ideographs, fullwidth forms), 1 otherwise. Assumes valid UTF-8.
int DisplayWidth(std::string_view s);

// `s` padded with spaces to `width` display columns, on the right (left
// aligned) or on the left (right aligned).
std::string PadRight(std::string_view s, int width);
std::string PadLeft(std::string_view s, int width);

// A whole decimal integer, optional leading '-', no spaces, no '+', no
// leading zeros beyond a lone "0". Errors say what was wrong.
Result<int64_t> ParseInt64(std::string_view s);

// An integer in [min, max].
Result<int64_t> ParseInt64InRange(std::string_view s, int64_t min, int64_t max);

// A decimal with up to `scale` fractional digits, returned scaled by
// 10^scale: ParseFixed("8.97", 2) == 897. Accepts "42" and "42.2".
Result<int64_t> ParseFixed(std::string_view s, int scale);

// value / 10^scale formatted with exactly `scale` decimals: 897,2 -> "8.97".
std::string FormatFixed(int64_t value, int scale);

// A thousands separator for terminal tables: 1737000 -> "1,737,000".
std::string Grouped(int64_t value);

std::vector<std::string_view> Split(std::string_view s, char sep);

}  // namespace fupin::text
