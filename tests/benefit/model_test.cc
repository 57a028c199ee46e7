#include "benefit/model.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace fupin::benefit {
namespace {

using market::Channel;

int64_t Sum(const std::vector<Credit>& cs) {
  int64_t s = 0;
  for (const Credit& c : cs) s += c.amount_fen;
  return s;
}

TEST(CreditsFor, PurchaseCreditsWhatTheHouseholdsWerePaidForTheSoldShare) {
  // A lot of 100 kg: household 1 supplied 60 kg for 300 yuan, household 2 40 kg for 200 yuan.
  std::vector<LotShare> shares{{1, Channel::kPurchase, 60, 30000}, {2, Channel::kPurchase, 40, 20000}};
  // 10 kg of it sold at 12 yuan/kg: 10 % of what they were paid is attributed.
  auto credits = CreditsFor(1200, 10, 100, shares, 350);
  ASSERT_EQ(credits.size(), 2u);
  EXPECT_EQ(credits[0].amount_fen, 3000);
  EXPECT_EQ(credits[1].amount_fen, 2000);
  EXPECT_EQ(credits[0].quantity, 6);
  EXPECT_EQ(credits[1].quantity, 4);
  // Local value: 10 kg × 3.50 yuan split 6:4.
  EXPECT_EQ(credits[0].local_value_fen, 2100);
  EXPECT_EQ(credits[1].local_value_fen, 1400);
}

TEST(CreditsFor, DirectSaleCreditsTheSalePrice) {
  std::vector<LotShare> shares{{9, Channel::kDirectSale, 50, 0}};
  auto credits = CreditsFor(800, 5, 50, shares, std::nullopt);
  ASSERT_EQ(credits.size(), 1u);
  EXPECT_EQ(credits[0].amount_fen, 4000);
  EXPECT_FALSE(credits[0].local_value_fen);
}

TEST(CreditsFor, WagesAndDividendsHaveNoLocalValue) {
  std::vector<LotShare> shares{{1, Channel::kWages, 10, 1000}, {2, Channel::kDividends, 10, 500}};
  auto credits = CreditsFor(100, 20, 20, shares, 50);
  ASSERT_EQ(credits.size(), 2u);
  EXPECT_EQ(credits[0].amount_fen, 1000);
  EXPECT_EQ(credits[1].amount_fen, 500);
  EXPECT_FALSE(credits[0].local_value_fen);
  EXPECT_FALSE(credits[1].local_value_fen);
}

TEST(CreditsFor, CreditsOfAnAllocationAddUpToTheAttributedAmount) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 1000; ++round) {
    int n = 1 + static_cast<int>(rng() % 8);
    std::vector<LotShare> shares;
    int64_t lot = 0;
    int64_t weight = 0;
    int64_t price = 1 + static_cast<int64_t>(rng() % 5000);
    for (int i = 0; i < n; ++i) {
      LotShare s{i + 1, static_cast<Channel>(rng() % 4), 1 + static_cast<int64_t>(rng() % 500),
                 static_cast<int64_t>(rng() % 200000)};
      lot += s.quantity;
      weight += s.channel == Channel::kDirectSale ? price * s.quantity : s.paid_fen;
      shares.push_back(s);
    }
    int64_t sold = 1 + static_cast<int64_t>(rng() % lot);
    auto credits = CreditsFor(price, sold, lot, shares, 100);
    EXPECT_EQ(Sum(credits), market::MulDivRound(weight, sold, lot)) << round;
    int64_t units = 0;
    for (const Credit& c : credits) units += c.quantity;
    EXPECT_EQ(units, sold) << round;
  }
}

TEST(CreditsFor, SellingALotInPiecesCreditsAboutTheWhole) {
  // Three sales of a lot of 3 units among 3 households paid 100 fen each:
  // each sale attributes 100 fen, split 34/33/33 with the leftover to the first.
  std::vector<LotShare> shares{{1, Channel::kPurchase, 1, 100}, {2, Channel::kPurchase, 1, 100},
                               {3, Channel::kPurchase, 1, 100}};
  int64_t total = 0;
  for (int i = 0; i < 3; ++i) total += Sum(CreditsFor(500, 1, 3, shares, std::nullopt));
  EXPECT_EQ(total, 300);
}

TEST(CreditsFor, NoHouseholdsNoCredits) {
  EXPECT_TRUE(CreditsFor(100, 1, 1, {}, 10).empty());
}

}  // namespace
}  // namespace fupin::benefit
