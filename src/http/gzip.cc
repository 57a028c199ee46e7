#include "http/gzip.h"

#include <zlib.h>

#include <array>
#include <cctype>
#include <memory>

namespace fupin::http {
namespace {

// 15 window bits + 16 selects the gzip wrapper instead of zlib's.
constexpr int kGzipWindowBits = 15 + 16;
constexpr size_t kMaxGunzipBytes = 256u << 20;

// One deflate state per thread and level, reset between uses: deflateInit
// allocates and clears about 256 KiB, more than compressing a small JSON body.
class Deflater {
 public:
  explicit Deflater(int level) {
    ok_ = deflateInit2(&stream_, level, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Deflater() {
    if (ok_) deflateEnd(&stream_);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  std::string Compress(std::string_view data) {
    std::string out;
    if (!ok_) return out;
    deflateReset(&stream_);
    out.resize(deflateBound(&stream_, data.size()));
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream_.avail_in = static_cast<uInt>(data.size());
    stream_.next_out = reinterpret_cast<Bytef*>(out.data());
    stream_.avail_out = static_cast<uInt>(out.size());
    // deflateBound guarantees one Z_FINISH call is enough.
    int rc = deflate(&stream_, Z_FINISH);
    if (rc != Z_STREAM_END) return std::string();
    out.resize(stream_.total_out);
    return out;
  }

 private:
  z_stream stream_{};
  bool ok_ = false;
};

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The q-value of one "coding;q=0.5" element: 1 when absent; 0 when it
// is 0, 0.0, 0.00 or 0.000 (all we need to know is whether it is zero).
bool QIsZero(std::string_view params) {
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view param = Trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    size_t eq = param.find('=');
    if (eq == std::string_view::npos || !IEquals(Trim(param.substr(0, eq)), "q")) continue;
    std::string_view q = Trim(param.substr(eq + 1));
    if (q.empty() || q[0] != '0') return false;  // "1", "1.0", or malformed: not a refusal
    for (char c : q.substr(1)) {
      if (c != '.' && c != '0') return false;
    }
    return true;
  }
  return false;
}

}  // namespace

std::string Gzip(std::string_view data, int level) {
  if (level < 1 || level > 9) level = 6;
  thread_local std::array<std::unique_ptr<Deflater>, 10> deflaters;
  auto& deflater = deflaters[level];
  if (!deflater) deflater = std::make_unique<Deflater>(level);
  return deflater->Compress(data);
}

Result<std::string> Gunzip(std::string_view gzipped) {
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) return Error::Internal("zlib: inflateInit2 failed");
  std::string out;
  out.resize(gzipped.size() * 4 + 64);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzipped.data()));
  stream.avail_in = static_cast<uInt>(gzipped.size());
  int rc = Z_OK;
  while (true) {
    if (stream.total_out == out.size()) {
      if (out.size() >= kMaxGunzipBytes) {
        inflateEnd(&stream);
        return Error::Invalid("gzip data expands beyond 256 MiB");
      }
      out.resize(out.size() * 2);
    }
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + stream.total_out);
    stream.avail_out = static_cast<uInt>(out.size() - stream.total_out);
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && stream.avail_out > 0) break;  // input ended early
    if (rc != Z_OK) break;
  }
  bool complete = rc == Z_STREAM_END && stream.avail_in == 0;
  out.resize(stream.total_out);
  inflateEnd(&stream);
  if (!complete) return Error::Invalid("not valid gzip data (corrupt, truncated or followed by other bytes)");
  return out;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  bool gzip_named = false;
  bool gzip_ok = false;
  bool star_ok = false;
  std::string_view rest = accept_encoding;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view element = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t semi = element.find(';');
    std::string_view coding = Trim(element.substr(0, semi));
    std::string_view params = semi == std::string_view::npos ? std::string_view() : element.substr(semi + 1);
    if (IEquals(coding, "gzip") || IEquals(coding, "x-gzip")) {
      gzip_named = true;
      gzip_ok = !QIsZero(params);
    } else if (coding == "*") {
      star_ok = !QIsZero(params);
    }
  }
  return gzip_named ? gzip_ok : star_ok;
}

}  // namespace fupin::http
