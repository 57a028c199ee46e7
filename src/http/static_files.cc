#include "http/static_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "http/gzip.h"

namespace fupin::http {
namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kNoCache = "no-cache";
constexpr size_t kMinGzipBytes = 512;

struct ContentType {
  std::string_view extension;
  std::string_view type;
  bool compressible;  // text compresses; images and fonts are compressed already
};

constexpr ContentType kContentTypes[] = {
    {"html", "text/html; charset=utf-8", true},
    {"js", "text/javascript; charset=utf-8", true},
    {"mjs", "text/javascript; charset=utf-8", true},
    {"css", "text/css; charset=utf-8", true},
    {"json", "application/json", true},
    {"map", "application/json", true},
    {"webmanifest", "application/manifest+json", true},
    {"svg", "image/svg+xml", true},
    {"txt", "text/plain; charset=utf-8", true},
    {"ico", "image/x-icon", true},  // usually uncompressed BMP/PNG frames
    {"png", "image/png", false},
    {"jpg", "image/jpeg", false},
    {"jpeg", "image/jpeg", false},
    {"webp", "image/webp", false},
    {"woff2", "font/woff2", false},
};
constexpr ContentType kUnknownType = {"", "application/octet-stream", false};

// The extension of the last path segment, or "" when it has none.
std::string_view Extension(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return name.substr(dot + 1);
}

const ContentType& TypeOf(std::string_view path) {
  std::string ext(Extension(path));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const ContentType& t : kContentTypes) {
    if (t.extension == ext) return t;
  }
  return kUnknownType;
}

// A path we will look up below the folder: relative, every segment a plain
// name. Refuses "..", ".", hidden names (".env", ".git"), empty segments
// ("//etc/passwd" would be absolute once the first slash is stripped) and NUL.
bool SafeRelativePath(std::string_view rel) {
  if (rel.find('\0') != std::string_view::npos || rel.find('\\') != std::string_view::npos) return false;
  while (!rel.empty()) {
    size_t slash = rel.find('/');
    std::string_view segment = rel.substr(0, slash);
    if (segment.empty() || segment.front() == '.') return false;
    if (slash == std::string_view::npos) break;
    rel.remove_prefix(slash + 1);
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// If-None-Match (RFC 9110 §13.1.2): "*" or a list of tags, compared weakly.
bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  while (!if_none_match.empty()) {
    size_t comma = if_none_match.find(',');
    std::string_view tag = Trim(if_none_match.substr(0, comma));
    if_none_match = comma == std::string_view::npos ? std::string_view() : if_none_match.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

// Shown at / until the web interface is built: no external resources, readable on a phone.
constexpr std::string_view kPlaceholderHtml = R"(<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fupin 扶贫</title>
<style>
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.6;color:#222}
h1{font-size:1.6rem;margin-bottom:.5rem}code,a{color:#a5281b}
</style>
</head>
<body>
<h1>Fupin 扶贫</h1>
<p>网页界面尚未构建。接口位于 <a href="/api/v1"><code>/api/v1</code></a>，说明文档见
<a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a>。</p>
<p>Fupin 扶贫 — the web interface is not built yet; the API is at <a href="/api/v1"><code>/api/v1</code></a>,
documented at <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a>.</p>
</body>
</html>
)";

struct Entry {
  int64_t size = 0;
  int64_t mtime_ns = 0;
  std::string etag;
  std::string bytes;
  std::shared_ptr<const std::string> gzipped;  // null when not worth it
};

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// Reads the whole file; nullopt when it cannot be opened or read.
std::optional<std::string> ReadFile(const std::string& path, struct stat& st) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<std::string> out;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    if (done == bytes.size()) out = std::move(bytes);
  }
  ::close(fd);
  return out;
}

std::shared_ptr<const std::string> GzipIfSmaller(std::string_view bytes, bool compressible) {
  if (!compressible || bytes.size() < kMinGzipBytes) return nullptr;
  // Compressed once per file version, so the smallest setting is worth its time.
  std::string gz = Gzip(bytes, 9);
  if (gz.empty() || gz.size() >= bytes.size()) return nullptr;
  return std::make_shared<const std::string>(std::move(gz));
}

Response PlaceholderPage() {
  static const std::shared_ptr<const std::string> gzipped = GzipIfSmaller(kPlaceholderHtml, true);
  Response r;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::string(kPlaceholderHtml);
  r.gzipped = gzipped;
  r.headers.emplace_back("Cache-Control", std::string(kNoCache));
  r.route = "static";
  return r;
}

Response NotFound() {
  Response r;
  r.status = 404;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "Not found\n";
  r.compressible = false;
  r.route = "static";
  return r;
}

}  // namespace

struct StaticFiles::Cache {
  std::mutex mutex;  // held for a lookup or an insert, never while reading a file
  std::unordered_map<std::string, std::shared_ptr<const Entry>> entries;

  // The entry for `path` as it is on disk now, or null when it is not a readable regular file.
  std::shared_ptr<const Entry> Get(const std::string& path) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
    {
      std::lock_guard lock(mutex);
      auto it = entries.find(path);
      if (it != entries.end() && it->second->size == st.st_size && it->second->mtime_ns == MtimeNs(st)) {
        return it->second;
      }
    }
    std::optional<std::string> bytes = ReadFile(path, st);
    if (!bytes) return nullptr;
    auto entry = std::make_shared<Entry>();
    entry->size = st.st_size;
    entry->mtime_ns = MtimeNs(st);
    char etag[64];
    std::snprintf(etag, sizeof etag, "\"%llx-%llx\"", static_cast<unsigned long long>(entry->size),
                  static_cast<unsigned long long>(entry->mtime_ns));
    entry->etag = etag;
    entry->gzipped = GzipIfSmaller(*bytes, TypeOf(path).compressible);
    entry->bytes = std::move(*bytes);
    std::lock_guard lock(mutex);
    entries[path] = entry;
    return entry;
  }
};

StaticFiles::StaticFiles(std::string dir) : dir_(std::move(dir)), cache_(std::make_unique<Cache>()) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

StaticFiles::~StaticFiles() = default;

std::optional<Response> StaticFiles::Serve(const Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  std::string_view path = request.path;
  if (path == "/api" || path.starts_with("/api/")) return std::nullopt;
  if (path.empty() || path.front() != '/') return NotFound();
  std::string_view rel = path.substr(1);
  bool directory = rel.empty() || rel.back() == '/';
  if (directory && !rel.empty()) rel.remove_suffix(1);
  if (!rel.empty() && !SafeRelativePath(rel)) return NotFound();

  std::shared_ptr<const Entry> entry;
  std::string_view cache_control = kNoCache;
  std::string file_for_type;
  if (!rel.empty() && !directory) {
    std::string file = dir_ + "/" + std::string(rel);
    entry = cache_->Get(file);
    if (entry) {
      file_for_type = std::move(file);
      if (path.starts_with("/assets/")) cache_control = kImmutable;
    } else if (!Extension(rel).empty()) {
      return std::nullopt;  // a missing file, not an app route
    }
  }
  if (!entry) {
    // `/`, a directory, or an app route such as /villages/622921: the app's page.
    file_for_type = dir_ + "/index.html";
    entry = cache_->Get(file_for_type);
    if (!entry) return PlaceholderPage();
  }

  const ContentType& type = TypeOf(file_for_type);
  Response r;
  r.route = "static";
  r.headers.reserve(2);
  r.headers.emplace_back("ETag", entry->etag);
  r.headers.emplace_back("Cache-Control", std::string(cache_control));
  const std::string* if_none_match = request.Header("if-none-match");
  if (if_none_match != nullptr && EtagMatches(*if_none_match, entry->etag)) {
    r.status = 304;
    r.content_type.clear();
    r.compressible = false;
    return r;
  }
  r.content_type = std::string(type.type);
  r.compressible = type.compressible;
  r.body = entry->bytes;
  r.gzipped = entry->gzipped;
  return r;
}

}  // namespace fupin::http
