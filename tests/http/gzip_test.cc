#include "http/gzip.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>

namespace fupin::http {
namespace {

TEST(GzipTest, RoundTrip) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "{\"code\":\"6229" + std::to_string(i) + "\",\"name\":\"临夏\"},";
  std::mt19937 rng(7);
  std::string random(100000, '\0');
  for (char& c : random) c = static_cast<char>(rng());
  for (const std::string& data : {std::string(), std::string("x"), text, random}) {
    for (int level : {1, 6, 9}) {
      std::string gz = Gzip(data, level);
      ASSERT_GE(gz.size(), 18u);  // header and trailer at least
      EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
      EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
      Result<std::string> back = Gunzip(gz);
      ASSERT_TRUE(back.ok()) << back.error().message;
      EXPECT_EQ(*back, data);
    }
  }
  EXPECT_LT(Gzip(text).size(), text.size() / 5);
}

TEST(GzipTest, ReusedCompressorGivesTheSameBytes) {
  std::string a(5000, 'a'), b = "hello hello hello hello";
  std::string first = Gzip(a);
  Gzip(b);
  EXPECT_EQ(Gzip(a), first);
  std::string other_thread;
  std::thread t([&] { other_thread = Gzip(a); });
  t.join();
  EXPECT_EQ(other_thread, first);
}

TEST(GzipTest, GunzipRejectsBadInput) {
  std::string gz = Gzip(std::string(3000, 'z'));
  EXPECT_FALSE(Gunzip("").ok());
  EXPECT_FALSE(Gunzip("not gzip at all").ok());
  EXPECT_FALSE(Gunzip(gz.substr(0, gz.size() - 4)).ok());  // truncated trailer
  EXPECT_FALSE(Gunzip(gz + "trailing").ok());
  std::string corrupt = gz;
  corrupt[gz.size() / 2] ^= 0x55;
  EXPECT_FALSE(Gunzip(corrupt).ok());
  EXPECT_EQ(Gunzip("x").error().code, ErrorCode::kInvalidArgument);
}

TEST(GzipTest, AcceptsGzip) {
  struct Case {
    const char* header;
    bool want;
  };
  const Case cases[] = {
      {"gzip", true},
      {"gzip, deflate, br", true},
      {"deflate, gzip;q=0.5", true},
      {"GZIP", true},
      {"x-gzip", true},
      {"br", false},
      {"", false},
      {"identity", false},
      {"gzip;q=0", false},
      {"gzip; q=0.000", false},
      {"gzip;q=0.001", true},
      {"gzip;q=1.0", true},
      {"*", true},
      {"*;q=0", false},
      {"br, *;q=0.1", true},
      {"*, gzip;q=0", false},  // an explicit refusal beats the wildcard
      {"gzip;q=0, *", false},
      {"gzipx", false},
  };
  for (const Case& c : cases) EXPECT_EQ(AcceptsGzip(c.header), c.want) << c.header;
}

}  // namespace
}  // namespace fupin::http
