#pragma once
// The application behind the HTTP server: the one route table of /api/v1,
// authentication and CSRF checks in front of it, /healthz, /metrics, the
// OpenAPI document, and the static files of the web interface for every
// other path.
#include <memory>
#include <string>
#include <vector>

#include "api/context.h"
#include "http/server.h"

namespace fupin::http {
class Metrics;
class StaticFiles;
}  // namespace fupin::http

namespace fupin::api {

// Name of the session cookie.
inline constexpr const char* kSessionCookie = "fupin_session";

// Every route of the platform, as served (the OpenAPI test compares this list
// with the document).
void AddAllRoutes(RouteTable& table);

// The OpenAPI 3 document served at /api/v1/openapi.json (docs/openapi.json,
// compiled in).
std::string_view OpenApiDocument();

class App : public http::Dispatcher {
 public:
  // `services` and `metrics` are borrowed and must outlive the App. When a
  // request comes from one of `trusted_proxies` (IP addresses), its client is
  // the last address the proxy appended to X-Forwarded-For: that address is
  // what the audit log records and what sign-in limits count.
  App(Services& services, http::Metrics& metrics, std::string web_dir, std::vector<std::string> trusted_proxies = {});
  ~App() override;

  http::Response Handle(http::Request& request) override;
  const RouteTable& routes() const { return routes_; }

 private:
  http::Response Dispatch(http::Request& request);

  Services& services_;
  http::Metrics& metrics_;
  RouteTable routes_;
  std::unique_ptr<http::StaticFiles> static_files_;
  std::vector<std::string> trusted_proxies_;
};

// The client's address of `request`: its peer, or, when the peer is one of
// `trusted_proxies`, the right-most address of X-Forwarded-For (the one the
// proxy itself saw). Addresses further left are the client's own claims and
// are never trusted.
std::string ClientAddress(const http::Request& request, const std::vector<std::string>& trusted_proxies);

}  // namespace fupin::api
