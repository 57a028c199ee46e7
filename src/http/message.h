#pragma once
// HTTP requests and responses as plain values, so that routes, services and
// their tests never see Boost.Beast (only src/http/server.cc does).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fupin::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;          // "GET", "POST", … as sent
  std::string target;          // as sent: "/api/v1/regions?q=x"
  std::string path;            // percent-decoded path, no query: "/api/v1/regions"
  Fields query;                // percent-decoded query parameters, in order ('+' is a space)
  Fields headers;              // names lower-case, values as sent
  std::string body;
  std::string remote_address;  // the peer's IP address, "127.0.0.1"

  // The first header named `lower_name`, or nullptr.
  const std::string* Header(std::string_view lower_name) const;
  // The first query parameter named `name`, or nullopt.
  std::optional<std::string> Query(std::string_view name) const;
  // The value of cookie `name` from the Cookie header(s), or "".
  std::string Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  Fields headers;  // extra headers: Set-Cookie, Retry-After, Cache-Control, Allow…
  // The body may be gzipped on the way out when the client accepts it.
  bool compressible = true;
  // When set, the gzip form of `body`, prepared once (caches of hot bodies).
  std::shared_ptr<const std::string> gzipped;
  // The route pattern that answered ("/api/v1/regions/{code}"), for metrics;
  // empty for no route (404) — the server then records "unmatched".
  std::string route;
};

// Splits "a=1&b=x%20y" into decoded pairs. Malformed percent escapes are kept
// as written.
Fields ParseQuery(std::string_view query);
// Decodes %XX escapes; '+' becomes a space only when `plus_is_space`.
std::string PercentDecode(std::string_view s, bool plus_is_space);

}  // namespace fupin::http
