#pragma once
// Chinese yuan as integer fen (1 yuan = 100 fen). Formatting to "12.34" happens
// only at the edges (FormatYuan).
#include <compare>
#include <cstdint>
#include <string>

namespace fupin {

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money FromFen(int64_t fen) { return Money(fen); }
  static constexpr Money FromYuan(int64_t yuan) { return Money(yuan * 100); }
  constexpr int64_t fen() const { return fen_; }
  friend constexpr Money operator+(Money a, Money b) { return Money(a.fen_ + b.fen_); }
  friend constexpr Money operator-(Money a, Money b) { return Money(a.fen_ - b.fen_); }
  friend constexpr auto operator<=>(const Money&, const Money&) = default;

 private:
  constexpr explicit Money(int64_t fen) : fen_(fen) {}
  int64_t fen_ = 0;
};

// "1234.05" for 123405 fen; "-0.50" for -50.
std::string FormatYuan(Money money);

}  // namespace fupin
