#include "http/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace fupin::http {
namespace {

bool Contains(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(MetricsTest, CountsRequestsByRouteMethodAndStatus) {
  Metrics m;
  m.RecordRequest("/api/v1/regions/{code}", "GET", 200, 100);
  m.RecordRequest("/api/v1/regions/{code}", "GET", 200, 300);
  m.RecordRequest("/api/v1/regions/{code}", "GET", 404, 50);
  m.RecordRequest("", "POST", 404, 10);
  std::string text = m.Render();
  EXPECT_TRUE(Contains(text, "# TYPE fupin_http_requests_total counter")) << text;
  EXPECT_TRUE(Contains(text, R"(fupin_http_requests_total{route="/api/v1/regions/{code}",method="GET",status="200"} 2)"))
      << text;
  EXPECT_TRUE(Contains(text, R"(fupin_http_requests_total{route="/api/v1/regions/{code}",method="GET",status="404"} 1)"))
      << text;
  EXPECT_TRUE(Contains(text, R"(fupin_http_requests_total{route="unmatched",method="POST",status="404"} 1)")) << text;
}

TEST(MetricsTest, HistogramBucketsAreCumulativeSecondsPerRoute) {
  Metrics m;
  m.RecordRequest("/r", "GET", 200, 400);      // ≤ 0.0005
  m.RecordRequest("/r", "GET", 200, 500);      // ≤ 0.0005 (le is inclusive)
  m.RecordRequest("/r", "GET", 500, 3000);     // ≤ 0.005, another status: same route histogram
  m.RecordRequest("/r", "POST", 201, 2000000);  // ≤ 2.5
  m.RecordRequest("/r", "GET", 200, 60000000);  // above 10 s: only +Inf
  std::string text = m.Render();
  EXPECT_TRUE(Contains(text, "# TYPE fupin_http_request_duration_seconds histogram")) << text;
  const std::pair<const char*, int> want[] = {
      {"0.0005", 2}, {"0.001", 2}, {"0.0025", 2}, {"0.005", 3}, {"0.01", 3}, {"0.025", 3}, {"0.05", 3}, {"0.1", 3},
      {"0.25", 3},   {"0.5", 3},   {"1", 3},      {"2.5", 4},   {"5", 4},    {"10", 4},    {"+Inf", 5}};
  for (const auto& [le, count] : want) {
    std::string line = std::string(R"(fupin_http_request_duration_seconds_bucket{route="/r",le=")") + le + "\"} " +
                       std::to_string(count);
    EXPECT_TRUE(Contains(text, line)) << line << "\n" << text;
  }
  EXPECT_TRUE(Contains(text, R"(fupin_http_request_duration_seconds_sum{route="/r"} 62.003900)")) << text;
  EXPECT_TRUE(Contains(text, R"(fupin_http_request_duration_seconds_count{route="/r"} 5)")) << text;
}

TEST(MetricsTest, EscapesLabelValues) {
  Metrics m;
  m.RecordRequest("/a\"b\\c\nd", "GET", 200, 1);
  m.RecordRejection("we\"ird");
  std::string text = m.Render();
  EXPECT_TRUE(Contains(text, R"(fupin_http_requests_total{route="/a\"b\\c\nd",method="GET",status="200"} 1)")) << text;
  EXPECT_TRUE(Contains(text, R"(fupin_http_rejections_total{reason="we\"ird"} 1)")) << text;
  // Every sample line has the metric name first: no raw newline escaped a label.
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    EXPECT_TRUE(line.starts_with("# ") || line.starts_with("fupin_")) << line;
    start = end + 1;
  }
}

TEST(MetricsTest, ConnectionsRejectionsAndPoolGauges) {
  Metrics m;
  m.ConnectionOpened();
  m.ConnectionOpened();
  m.ConnectionClosed();
  EXPECT_EQ(m.open_connections(), 1);
  m.RecordRejection("body");
  m.RecordRejection("body");
  m.RecordRejection("max_connections");
  std::string text = m.Render();
  EXPECT_TRUE(Contains(text, "fupin_http_open_connections 1")) << text;
  EXPECT_TRUE(Contains(text, R"(fupin_http_rejections_total{reason="body"} 2)")) << text;
  EXPECT_TRUE(Contains(text, R"(fupin_http_rejections_total{reason="max_connections"} 1)")) << text;
  EXPECT_EQ(text.find("fupin_db_pool"), std::string::npos);  // no pool: no gauges

  int64_t in_use = 3;
  m.SetPoolGauges([&] { return in_use; }, [] { return int64_t{8}; });
  text = m.Render();
  EXPECT_TRUE(Contains(text, "fupin_db_pool_in_use 3")) << text;
  EXPECT_TRUE(Contains(text, "fupin_db_pool_size 8")) << text;
  in_use = 5;
  EXPECT_TRUE(Contains(m.Render(), "fupin_db_pool_in_use 5"));  // read at each render
}

TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 5000; ++i) m.RecordRequest(t % 2 ? "/a" : "/b", "GET", 200, i);
    });
  }
  for (auto& t : threads) t.join();
  std::string text = m.Render();
  EXPECT_TRUE(Contains(text, R"(fupin_http_requests_total{route="/a",method="GET",status="200"} 10000)")) << text;
  EXPECT_TRUE(Contains(text, R"(fupin_http_request_duration_seconds_count{route="/b"} 10000)")) << text;
}

}  // namespace
}  // namespace fupin::http
