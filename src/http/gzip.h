#pragma once
// gzip (RFC 1952) over zlib, for response bodies and the static-file cache.
#include <string>
#include <string_view>

#include "base/result.h"

namespace fupin::http {

// The gzip form of `data` at zlib `level` (1 fastest … 9 smallest; 6 is zlib's
// default and the usual trade-off for text). Thread-safe: each thread keeps its
// own compressor, so a hot path pays no 256 KiB zlib allocation per call.
std::string Gzip(std::string_view data, int level = 6);

// The data inside a gzip stream; kInvalidArgument when it is not valid gzip
// (truncated, corrupt, trailing garbage) or would exceed 256 MiB.
Result<std::string> Gunzip(std::string_view gzipped);

// Whether an Accept-Encoding header value admits gzip (RFC 9110 §12.5.3):
// "gzip" or "x-gzip" or "*" with a q-value above 0; "gzip;q=0" refuses it
// even when "*" would admit it.
bool AcceptsGzip(std::string_view accept_encoding);

}  // namespace fupin::http
