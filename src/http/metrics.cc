#include "http/metrics.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace fupin::http {
namespace {

// Upper bounds of the latency buckets in microseconds, rendered in seconds:
// 0.5 ms … 10 s, the spread between a cached lookup and a stuck database.
constexpr std::array<int64_t, 14> kBucketUs = {500,    1000,   2500,   5000,    10000,   25000,   50000,
                                               100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};
constexpr std::array<const char*, 14> kBucketLabel = {"0.0005", "0.001", "0.0025", "0.005", "0.01",
                                                      "0.025",  "0.05",  "0.1",    "0.25",  "0.5",
                                                      "1",      "2.5",   "5",      "10"};

struct SeriesKey {
  std::string route;
  std::string method;
  int status;
};

struct SeriesKeyView {
  std::string_view route;
  std::string_view method;
  int status;
};

struct SeriesHash {
  using is_transparent = void;
  size_t operator()(const SeriesKeyView& k) const {
    size_t h = std::hash<std::string_view>()(k.route);
    h = h * 31 + std::hash<std::string_view>()(k.method);
    return h * 31 + static_cast<size_t>(k.status);
  }
  size_t operator()(const SeriesKey& k) const { return (*this)(SeriesKeyView{k.route, k.method, k.status}); }
};

struct SeriesEq {
  using is_transparent = void;
  static SeriesKeyView View(const SeriesKey& k) { return {k.route, k.method, k.status}; }
  static SeriesKeyView View(const SeriesKeyView& k) { return k; }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    SeriesKeyView x = View(a), y = View(b);
    return x.status == y.status && x.route == y.route && x.method == y.method;
  }
};

// One (route, method, status): its count and latency histogram. The histogram
// is rendered per route, summed over the route's series.
struct Series {
  int64_t count = 0;
  int64_t sum_us = 0;
  std::array<int64_t, kBucketUs.size() + 1> buckets{};  // last: above 10 s
};

// Prometheus text format 0.0.4: label values escape \, " and newline.
void AppendLabelValue(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '"';
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  int n = std::snprintf(buf, sizeof buf, "%" PRId64, v);
  out.append(buf, static_cast<size_t>(n));
}

// Microseconds as decimal seconds, exactly ("0.001250"), without doubles.
void AppendSeconds(std::string& out, int64_t us) {
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%" PRId64 ".%06" PRId64, us / 1000000, us % 1000000);
  out.append(buf, static_cast<size_t>(n));
}

}  // namespace

struct Metrics::Impl {
  std::atomic<int64_t> open_connections{0};

  // Held for a hash lookup and a few additions per request: short enough that
  // the I/O threads do not queue on it at tens of thousands of requests/s.
  mutable std::mutex mutex;
  std::unordered_map<SeriesKey, Series, SeriesHash, SeriesEq> series;
  std::map<std::string, int64_t, std::less<>> rejections;
  std::function<int64_t()> pool_in_use;
  std::function<int64_t()> pool_size;
};

Metrics::Metrics() : impl_(new Impl) {}

Metrics::~Metrics() { delete impl_; }

void Metrics::RecordRequest(std::string_view route, std::string_view method, int status, int64_t latency_us) {
  if (route.empty()) route = "unmatched";
  if (latency_us < 0) latency_us = 0;
  size_t bucket = static_cast<size_t>(std::lower_bound(kBucketUs.begin(), kBucketUs.end(), latency_us) -
                                      kBucketUs.begin());
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->series.find(SeriesKeyView{route, method, status});
  if (it == impl_->series.end()) {
    it = impl_->series.emplace(SeriesKey{std::string(route), std::string(method), status}, Series{}).first;
  }
  Series& s = it->second;
  ++s.count;
  s.sum_us += latency_us;
  ++s.buckets[bucket];
}

void Metrics::ConnectionOpened() { impl_->open_connections.fetch_add(1, std::memory_order_relaxed); }

void Metrics::ConnectionClosed() { impl_->open_connections.fetch_sub(1, std::memory_order_relaxed); }

int64_t Metrics::open_connections() const { return impl_->open_connections.load(std::memory_order_relaxed); }

void Metrics::RecordRejection(std::string_view reason) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->rejections.find(reason);
  if (it == impl_->rejections.end()) it = impl_->rejections.emplace(std::string(reason), 0).first;
  ++it->second;
}

void Metrics::SetPoolGauges(std::function<int64_t()> in_use, std::function<int64_t()> size) {
  std::lock_guard lock(impl_->mutex);
  impl_->pool_in_use = std::move(in_use);
  impl_->pool_size = std::move(size);
}

std::string Metrics::Render() const {
  // Copy under the lock, format outside it: a scrape never stalls requests
  // for longer than the copy.
  std::vector<std::pair<SeriesKey, Series>> series;
  std::map<std::string, int64_t, std::less<>> rejections;
  std::function<int64_t()> pool_in_use, pool_size;
  {
    std::lock_guard lock(impl_->mutex);
    series.assign(impl_->series.begin(), impl_->series.end());
    rejections = impl_->rejections;
    pool_in_use = impl_->pool_in_use;
    pool_size = impl_->pool_size;
  }
  // Sorted, so that scrapes and tests see a stable order.
  std::sort(series.begin(), series.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.route, a.first.method, a.first.status) <
           std::tie(b.first.route, b.first.method, b.first.status);
  });

  std::string out;
  out.reserve(256 + series.size() * 400);
  out += "# HELP fupin_http_requests_total HTTP requests answered, by route pattern, method and status.\n";
  out += "# TYPE fupin_http_requests_total counter\n";
  for (const auto& [key, s] : series) {
    out += "fupin_http_requests_total{route=";
    AppendLabelValue(out, key.route);
    out += ",method=";
    AppendLabelValue(out, key.method);
    out += ",status=\"";
    AppendInt(out, key.status);
    out += "\"} ";
    AppendInt(out, s.count);
    out += '\n';
  }

  out += "# HELP fupin_http_request_duration_seconds Time from the end of reading a request to the end of writing "
         "its answer.\n";
  out += "# TYPE fupin_http_request_duration_seconds histogram\n";
  for (size_t i = 0; i < series.size();) {
    const std::string& route = series[i].first.route;
    Series total;
    for (; i < series.size() && series[i].first.route == route; ++i) {
      const Series& s = series[i].second;
      total.count += s.count;
      total.sum_us += s.sum_us;
      for (size_t b = 0; b < total.buckets.size(); ++b) total.buckets[b] += s.buckets[b];
    }
    int64_t cumulative = 0;
    for (size_t b = 0; b <= kBucketUs.size(); ++b) {
      cumulative += total.buckets[b];
      out += "fupin_http_request_duration_seconds_bucket{route=";
      AppendLabelValue(out, route);
      out += ",le=\"";
      out += b < kBucketUs.size() ? kBucketLabel[b] : "+Inf";
      out += "\"} ";
      AppendInt(out, cumulative);
      out += '\n';
    }
    out += "fupin_http_request_duration_seconds_sum{route=";
    AppendLabelValue(out, route);
    out += "} ";
    AppendSeconds(out, total.sum_us);
    out += '\n';
    out += "fupin_http_request_duration_seconds_count{route=";
    AppendLabelValue(out, route);
    out += "} ";
    AppendInt(out, total.count);
    out += '\n';
  }

  out += "# HELP fupin_http_open_connections Client connections open now.\n";
  out += "# TYPE fupin_http_open_connections gauge\n";
  out += "fupin_http_open_connections ";
  AppendInt(out, open_connections());
  out += '\n';

  out += "# HELP fupin_http_rejections_total Requests or connections refused by a server limit.\n";
  out += "# TYPE fupin_http_rejections_total counter\n";
  for (const auto& [reason, count] : rejections) {
    out += "fupin_http_rejections_total{reason=";
    AppendLabelValue(out, reason);
    out += "} ";
    AppendInt(out, count);
    out += '\n';
  }

  // The pool gauges appear once the server has a database pool to report.
  if (pool_in_use && pool_size) {
    out += "# HELP fupin_db_pool_in_use Database connections lent out now.\n";
    out += "# TYPE fupin_db_pool_in_use gauge\n";
    out += "fupin_db_pool_in_use ";
    AppendInt(out, pool_in_use());
    out += '\n';
    out += "# HELP fupin_db_pool_size Database connections in the pool.\n";
    out += "# TYPE fupin_db_pool_size gauge\n";
    out += "fupin_db_pool_size ";
    AppendInt(out, pool_size());
    out += '\n';
  }
  return out;
}

}  // namespace fupin::http
