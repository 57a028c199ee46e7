#include "audit/model.h"

#include <chrono>

#include <fmt/format.h>

namespace fupin::audit {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::string FormatTimestamp(int64_t unix_s) {
  using namespace std::chrono;
  sys_seconds t{seconds{unix_s}};
  sys_days day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

bool IsDateOnly(std::string_view text) { return text.size() == 10; }

Result<int64_t> ParseTimestamp(std::string_view text, std::string_view field) {
  using namespace std::chrono;
  auto bad = [&] {
    return Error::Invalid(fmt::format("{} must be a UTC time like 2026-11-30T06:40:00Z or a date like 2026-11-30",
                                      field),
                          std::string(field));
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() != 10 && text.size() != 20) return bad();
  if (!Digits(text, 0, 4, y) || text[4] != '-' || !Digits(text, 5, 2, mo) || text[7] != '-' ||
      !Digits(text, 8, 2, d)) {
    return bad();
  }
  if (text.size() == 20) {
    if (text[10] != 'T' || !Digits(text, 11, 2, h) || text[13] != ':' || !Digits(text, 14, 2, mi) ||
        text[16] != ':' || !Digits(text, 17, 2, s) || text[19] != 'Z') {
      return bad();
    }
    if (h > 23 || mi > 59 || s > 59) return bad();
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad();
  int64_t days_since_epoch = sys_days{ymd}.time_since_epoch().count();
  return days_since_epoch * 86400 + h * 3600 + mi * 60 + s;
}

}  // namespace fupin::audit
