#include "base/money.h"

#include <cstdlib>

#include <fmt/format.h>

namespace fupin {

std::string FormatYuan(Money money) {
  int64_t fen = money.fen();
  const char* sign = fen < 0 ? "-" : "";
  uint64_t abs = fen < 0 ? static_cast<uint64_t>(-(fen + 1)) + 1 : static_cast<uint64_t>(fen);
  return fmt::format("{}{}.{:02d}", sign, abs / 100, abs % 100);
}

}  // namespace fupin
