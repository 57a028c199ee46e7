#include "base/text.h"

#include <charconv>

#include <fmt/format.h>

namespace fupin::text {

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are invalid.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    if (cp > 0x10FFFF) return false;
    i += len;
  }
  return true;
}

namespace {
bool IsWide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x1F680 && cp <= 0x1F6FF) || (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}
}  // namespace

int DisplayWidth(std::string_view s) {
  int width = 0;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    int len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else {
      cp = c & 0x07;
      len = 4;
    }
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    width += IsWide(cp) ? 2 : 1;
  }
  return width;
}

std::string PadRight(std::string_view s, int width) {
  std::string out(s);
  int w = DisplayWidth(s);
  if (w < width) out.append(static_cast<size_t>(width - w), ' ');
  return out;
}

std::string PadLeft(std::string_view s, int width) {
  int w = DisplayWidth(s);
  std::string out;
  if (w < width) out.append(static_cast<size_t>(width - w), ' ');
  out.append(s);
  return out;
}

Result<int64_t> ParseInt64(std::string_view s) {
  if (s.empty()) return Error::Invalid("empty where a whole number is expected");
  std::string_view digits = s[0] == '-' ? s.substr(1) : s;
  if (digits.empty()) return Error::Invalid(fmt::format("'{}' is not a whole number", s));
  for (char c : digits) {
    if (c < '0' || c > '9') return Error::Invalid(fmt::format("'{}' is not a whole number", s));
  }
  if (digits.size() > 1 && digits[0] == '0') {
    return Error::Invalid(fmt::format("'{}' has a leading zero", s));
  }
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return Error::Invalid(fmt::format("'{}' is out of range", s));
  }
  return value;
}

Result<int64_t> ParseInt64InRange(std::string_view s, int64_t min, int64_t max) {
  Result<int64_t> v = ParseInt64(s);
  if (!v) return v;
  if (*v < min || *v > max) {
    return Error::Invalid(fmt::format("{} is outside {}..{}", *v, min, max));
  }
  return v;
}

Result<int64_t> ParseFixed(std::string_view s, int scale) {
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (dot != std::string_view::npos && frac.empty()) return Error::Invalid(fmt::format("'{}' is not a number", s));
  if (static_cast<int>(frac.size()) > scale) {
    return Error::Invalid(fmt::format("'{}' has more than {} decimals", s, scale));
  }
  bool negative = !whole.empty() && whole[0] == '-';
  Result<int64_t> w = ParseInt64(whole);
  if (!w) return Error::Invalid(fmt::format("'{}' is not a number", s));
  int64_t value = negative ? -*w : *w;
  for (char c : frac) {
    if (c < '0' || c > '9') return Error::Invalid(fmt::format("'{}' is not a number", s));
  }
  int64_t f = 0;
  for (int i = 0; i < scale; ++i) f = f * 10 + (i < static_cast<int>(frac.size()) ? frac[i] - '0' : 0);
  int64_t mult = 1;
  for (int i = 0; i < scale; ++i) mult *= 10;
  int64_t total;
  if (__builtin_mul_overflow(value, mult, &total) || __builtin_add_overflow(total, f, &total)) {
    return Error::Invalid(fmt::format("'{}' is out of range", s));
  }
  return negative ? -total : total;
}

std::string FormatFixed(int64_t value, int scale) {
  int64_t mult = 1;
  for (int i = 0; i < scale; ++i) mult *= 10;
  const char* sign = value < 0 ? "-" : "";
  uint64_t abs = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  if (scale == 0) return fmt::format("{}{}", sign, abs);
  return fmt::format("{}{}.{:0{}d}", sign, abs / mult, abs % mult, scale);
}

std::string Grouped(int64_t value) {
  uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string digits = fmt::format("{}", magnitude);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count && count % 3 == 0) out.push_back(',');
    out.push_back(*it);
    ++count;
  }
  if (value < 0) out.push_back('-');
  return std::string(out.rbegin(), out.rend());
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, p - start));
    start = p + 1;
  }
}

}  // namespace fupin::text
