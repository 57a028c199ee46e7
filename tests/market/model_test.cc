#include "market/model.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace fupin::market {
namespace {

TEST(AllocateFifo, TakesFromTheOldestLotFirst) {
  std::vector<LotStock> lots{{1, 10, 4}, {2, 5, 0}, {3, 8, 0}};
  auto got = AllocateFifo(lots, 9);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].lot_id, 1);
  EXPECT_EQ((*got)[0].quantity, 6);  // saleable 10 - 4
  EXPECT_EQ((*got)[1].lot_id, 2);
  EXPECT_EQ((*got)[1].quantity, 3);
}

TEST(AllocateFifo, SkipsEmptyLotsAndRefusesShortStock) {
  std::vector<LotStock> lots{{1, 5, 5}, {2, 3, 1}};
  auto got = AllocateFifo(lots, 2);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].lot_id, 2);
  EXPECT_FALSE(AllocateFifo(lots, 3));
  EXPECT_FALSE(AllocateFifo({}, 1));
}

TEST(Apportion, PartsAddUpExactlyAndStayWithinOneFen) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 2000; ++round) {
    int n = 1 + static_cast<int>(rng() % 12);
    std::vector<int64_t> w(n);
    for (auto& x : w) x = static_cast<int64_t>(rng() % 100000);
    if (std::accumulate(w.begin(), w.end(), int64_t{0}) == 0) w[0] = 1;
    int64_t total = static_cast<int64_t>(rng() % 100000000);
    std::vector<int64_t> parts = Apportion(total, w);
    ASSERT_EQ(std::accumulate(parts.begin(), parts.end(), int64_t{0}), total);
    int64_t sum = std::accumulate(w.begin(), w.end(), int64_t{0});
    for (int i = 0; i < n; ++i) {
      long double exact = static_cast<long double>(total) * w[i] / sum;
      EXPECT_LE(std::abs(static_cast<long double>(parts[i]) - exact), 1.0L) << round << " " << i;
    }
  }
}

TEST(Apportion, LeftoverFenGoToTheLargestRemaindersTiesToTheEarlierPart) {
  // 100 fen among three equal shares: 34, 33, 33.
  EXPECT_EQ(Apportion(100, {1, 1, 1}), (std::vector<int64_t>{34, 33, 33}));
  // 10 among 1:2:3 → exact 1.67, 3.33, 5: floors 1, 3, 5 (9); the leftover to the 0.67.
  EXPECT_EQ(Apportion(10, {1, 2, 3}), (std::vector<int64_t>{2, 3, 5}));
  EXPECT_EQ(Apportion(0, {1, 2}), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(Apportion(5, {0, 0}), (std::vector<int64_t>{0, 0}));
}

TEST(Apportion, HugeAmountsDoNotOverflow) {
  int64_t total = 900'000'000'000'000'000;
  auto parts = Apportion(total, {3'000'000'000'000'000'000, 1});
  EXPECT_EQ(parts[0] + parts[1], total);
}

TEST(MulDivRound, RoundsHalvesAwayFromZero) {
  EXPECT_EQ(MulDivRound(5, 1, 2), 3);
  EXPECT_EQ(MulDivRound(-5, 1, 2), -3);
  EXPECT_EQ(MulDivRound(4, 1, 3), 1);
  EXPECT_EQ(MulDivRound(10'000'000'000'000, 9'000'000, 10'000'000), 9'000'000'000'000);
}

TEST(OrderLife, OnlyTheWrittenMovesAreAllowed) {
  using S = OrderState;
  const std::vector<std::pair<S, S>> allowed{
      {S::kPlaced, S::kPaid},       {S::kPaid, S::kPacked},        {S::kPacked, S::kShipped},
      {S::kShipped, S::kDelivered}, {S::kDelivered, S::kAccepted}, {S::kPlaced, S::kCancelled},
      {S::kPaid, S::kRefunded},     {S::kPacked, S::kRefunded},    {S::kShipped, S::kRefunded},
      {S::kDelivered, S::kRefunded}};
  const S all[] = {S::kPlaced,    S::kPaid,     S::kPacked,    S::kShipped,
                   S::kDelivered, S::kAccepted, S::kCancelled, S::kRefunded};
  for (S from : all) {
    for (S to : all) {
      bool expected = std::find(allowed.begin(), allowed.end(), std::make_pair(from, to)) != allowed.end();
      EXPECT_EQ(CanMove(from, to), expected) << OrderStateName(from) << " -> " << OrderStateName(to);
    }
  }
  Status s = CheckMove(7, S::kAccepted, S::kRefunded);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kConflict);
  EXPECT_NE(s.error().message.find("accepted"), std::string::npos);
}

TEST(Names, RoundTrip) {
  for (auto s : {OrderState::kPlaced, OrderState::kRefunded, OrderState::kAccepted}) {
    EXPECT_EQ(ParseOrderState(OrderStateName(s)), s);
  }
  for (auto c : {Channel::kDirectSale, Channel::kPurchase, Channel::kWages, Channel::kDividends}) {
    EXPECT_EQ(ParseChannel(ChannelName(c)), c);
  }
  EXPECT_FALSE(ParseChannel("gift"));
  EXPECT_EQ(ParseSupplierKind("cooperative"), SupplierKind::kCooperative);
  EXPECT_FALSE(ParseSupplierState("pending"));
}

TEST(Settlement, FeeAndPeriod) {
  EXPECT_EQ(Fee(10000, 100), 100);
  EXPECT_EQ(Fee(150, 100), 2);  // 1.5 fen rounds up
  EXPECT_EQ(Fee(149, 100), 1);
  EXPECT_EQ(Fee(-150, 100), -2);
  EXPECT_TRUE(IsPeriod("2017-08"));
  EXPECT_FALSE(IsPeriod("2017-13"));
  EXPECT_FALSE(IsPeriod("2017-8"));
  EXPECT_FALSE(IsPeriod("2017/08"));
}

TEST(Certification, ValidBetweenItsDates) {
  EXPECT_TRUE(CertificationValid("2017-01-01", "2017-12-31", "2017-08-15"));
  EXPECT_TRUE(CertificationValid("2017-01-01", "2017-12-31", "2017-12-31"));
  EXPECT_FALSE(CertificationValid("2017-01-01", "2017-12-31", "2018-01-01"));
  EXPECT_FALSE(CertificationValid(std::nullopt, "2017-12-31", "2017-06-01"));
}

TEST(ChinaDate, IsTheCalendarDayAtUtcPlusEight) {
  EXPECT_EQ(ChinaDate(0), "1970-01-01");
  EXPECT_EQ(ChinaDate(16 * 3600 - 1), "1970-01-01");  // 23:59:59 in Beijing
  EXPECT_EQ(ChinaDate(16 * 3600), "1970-01-02");
  EXPECT_EQ(ChinaDate(1501516800), "2017-08-01");  // 2017-07-31T16:00:00Z
  EXPECT_EQ(ChinaDate(1501516799), "2017-07-31");
  EXPECT_EQ(ChinaDate(1582934400), "2020-02-29");  // 2020-02-29T00:00:00Z, a leap day
  EXPECT_EQ(ChinaDate(-8 * 3600 - 1), "1969-12-31");
}

}  // namespace
}  // namespace fupin::market
