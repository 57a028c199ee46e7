#pragma once
// Counters for GET /metrics, in the Prometheus text exposition format.
// Thread-safe; recording is lock-free on the hot path where possible.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace fupin::http {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request: its route pattern ("unmatched" when empty), method,
  // status and the time from the end of reading it to the end of writing the answer.
  void RecordRequest(std::string_view route, std::string_view method, int status, int64_t latency_us);
  void ConnectionOpened();
  void ConnectionClosed();
  int64_t open_connections() const;
  // A connection refused because of a limit: "max_connections", "header", "body", "timeout".
  void RecordRejection(std::string_view reason);

  // Called when rendering, to read the database pool's gauges.
  void SetPoolGauges(std::function<int64_t()> in_use, std::function<int64_t()> size);

  // The exposition text:
  //   fupin_http_requests_total{route,method,status}
  //   fupin_http_request_duration_seconds (histogram, buckets 0.5 ms … 10 s)
  //   fupin_http_open_connections, fupin_http_rejections_total{reason}
  //   fupin_db_pool_in_use, fupin_db_pool_size
  std::string Render() const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace fupin::http
