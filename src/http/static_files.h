#pragma once
// The web interface's files (the built single-page app) served from a folder.
#include <memory>
#include <optional>
#include <string>

#include "http/message.h"

namespace fupin::http {

// Serves GET and HEAD for files under `dir`:
//   - content types by extension (html, js, mjs, css, json, svg, png, jpg,
//     webp, ico, woff2, txt, map, webmanifest; others application/octet-stream);
//   - `/` is index.html, and so is any path without a file extension that
//     names no file (the single-page app routes its own URLs), except under /api/;
//   - files under /assets/ (content-hashed names from the build) are cached
//     for a year as immutable; everything else is `no-cache` (revalidated);
//   - an ETag from size and modification time, and 304 for If-None-Match;
//   - `..`, absolute paths and NUL bytes are refused with 404.
// While `dir` has no index.html (the interface is not built), `/` and the
// fallback answer a small built-in page pointing at the API.
//
// Files are read once and kept in memory with their gzip form, keyed by
// path, and read again when their size or modification time changes (one
// stat per request). Thread-safe.
class StaticFiles {
 public:
  explicit StaticFiles(std::string dir);
  ~StaticFiles();
  StaticFiles(const StaticFiles&) = delete;
  StaticFiles& operator=(const StaticFiles&) = delete;

  // The answer for `request`, or nullopt when it is not for a static file:
  // a method other than GET/HEAD, a path under /api/, or a missing file whose
  // name has an extension (the caller answers its own 404 then).
  std::optional<Response> Serve(const Request& request) const;

 private:
  struct Cache;
  std::string dir_;
  std::unique_ptr<Cache> cache_;
};

}  // namespace fupin::http
