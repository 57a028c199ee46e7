#include "api/app.h"

#include <sodium.h>

#include <cctype>
#include <cstdio>
#include <exception>

#include "accounts/model.h"
#include "accounts/routes.h"
#include "accounts/service.h"
#include "api/reply.h"
#include "audit/routes.h"
#include "base/embedded_data.h"
#include "base/json_writer.h"
#include "db/database.h"
#include "http/metrics.h"
#include "http/static_files.h"
#include "logistics/routes.h"
#include "market/order_routes.h"
#include "market/order_service.h"
#include "market/supplier_routes.h"
#include "market/trace_routes.h"
#include "regions/routes.h"
#include "registry/routes.h"
#include "reports/benefit_routes.h"
#include "reports/indicator_routes.h"
#include "reports/routes.h"

namespace fupin::api {
namespace {

bool IsWrite(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

bool SameToken(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void AddPlatformRoutes(RouteTable& table) {
  table.Get(
      "/healthz", [](Call&) { return JsonResponse(R"({"status":"ok"})"); }, Access::kPublic);
  table.Get(
      "/api/v1/openapi.json",
      [](Call&) {
        http::Response r;
        r.body = std::string(OpenApiDocument());
        r.headers.emplace_back("Cache-Control", "no-cache");
        return r;
      },
      Access::kPublic);
  // /metrics is answered by App itself (it needs the Metrics object), but is
  // registered here so that it is documented and counted like any route.
  table.Get(
      "/metrics", [](Call&) { return http::Response{}; }, Access::kPublic);
}

}  // namespace

std::string_view OpenApiDocument() { return embedded::OpenApiJson(); }

void AddAllRoutes(RouteTable& table) {
  AddPlatformRoutes(table);
  accounts::AddRoutes(table);
  audit::AddRoutes(table);
  regions::AddRoutes(table);
  registry::AddRoutes(table);
  market::AddSupplierRoutes(table);
  market::AddTraceRoutes(table);
  market::AddOrderRoutes(table);
  reports::AddRoutes(table);
  reports::AddBenefitRoutes(table);
  reports::AddIndicatorRoutes(table);
  logistics::AddRoutes(table);
}

std::string ClientAddress(const http::Request& request, const std::vector<std::string>& trusted_proxies) {
  bool trusted = false;
  for (const std::string& p : trusted_proxies) trusted = trusted || p == request.remote_address;
  const std::string* forwarded = trusted ? request.Header("x-forwarded-for") : nullptr;
  if (forwarded == nullptr) return request.remote_address;
  std::string_view list = *forwarded;
  size_t comma = list.rfind(',');
  std::string_view last = comma == std::string_view::npos ? list : list.substr(comma + 1);
  while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
  while (!last.empty() && (last.back() == ' ' || last.back() == '\t')) last.remove_suffix(1);
  // An address is short and plain; anything else is not an address.
  bool plain = !last.empty() && last.size() <= 45;
  for (char c : last) plain = plain && (std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':');
  return plain ? std::string(last) : request.remote_address;
}

App::App(Services& services, http::Metrics& metrics, std::string web_dir, std::vector<std::string> trusted_proxies)
    : services_(services),
      metrics_(metrics),
      static_files_(std::make_unique<http::StaticFiles>(std::move(web_dir))),
      trusted_proxies_(std::move(trusted_proxies)) {
  AddAllRoutes(routes_);
}

App::~App() = default;

http::Response App::Handle(http::Request& request) {
  if (!trusted_proxies_.empty()) request.remote_address = ClientAddress(request, trusted_proxies_);
  try {
    return Dispatch(request);
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "fupin: database error on %s %s: %s\n", request.method.c_str(), request.path.c_str(),
                 e.what());
    return ErrorResponse(Error::Unavailable("the database failed to answer; try again"));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fupin: internal error on %s %s: %s\n", request.method.c_str(), request.path.c_str(),
                 e.what());
    return ErrorResponse(Error::Internal("internal error"));
  }
}

http::Response App::Dispatch(http::Request& request) {
  const bool api = request.path.starts_with("/api/") || request.path == "/healthz" || request.path == "/metrics";
  if (!api) {
    if (std::optional<http::Response> file = static_files_->Serve(request)) {
      // Not found is answered in the one error body, like everything else.
      if (file->status != 404) return std::move(*file);
    }
    return ErrorResponse(Error::NotFound("no page at " + request.path));
  }

  auto match = routes_.router().Find(request.method, request.path);
  if (match.outcome == http::Router<Route>::Outcome::kNoPath) {
    return ErrorResponse(Error::NotFound("no API route " + request.path + " (see /api/v1/openapi.json)"));
  }
  if (match.outcome == http::Router<Route>::Outcome::kNoMethod) {
    // 405 has no domain error code of its own: the body names it directly.
    json::Writer w;
    w.BeginObject().Key("error").BeginObject();
    w.Key("code").String("method_not_allowed");
    w.Key("message").String(request.method + " is not allowed on " + request.path + "; allowed: " + match.allow);
    w.Key("field").String("method");
    w.EndObject().EndObject();
    http::Response r = JsonResponse(405, w.Take());
    r.headers.emplace_back("Allow", match.allow);
    return r;
  }
  const auto& entry = *match.entry;
  if (entry.pattern == "/metrics") {
    http::Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.Render();
    r.route = entry.pattern;
    return r;
  }

  std::optional<accounts::SessionInfo> session;
  if (entry.route.access == Access::kSession) {
    std::string token = request.Cookie(kSessionCookie);
    if (token.empty()) {
      http::Response r = ErrorResponse(Error::Unauthenticated("sign in first: POST /api/v1/session"));
      r.route = entry.pattern;
      return r;
    }
    Result<accounts::SessionInfo> info = services_.accounts->Authenticate(token);
    if (!info) {
      http::Response r = ErrorResponse(info.error());
      r.route = entry.pattern;
      return r;
    }
    session = std::move(info.value());
    if (IsWrite(request.method)) {
      const std::string* csrf = request.Header("x-csrf-token");
      if (csrf == nullptr || !SameToken(*csrf, session->csrf_token)) {
        http::Response r = ErrorResponse(Error{ErrorCode::kPermissionDenied,
                                               "this change needs the session's CSRF token in the X-CSRF-Token header",
                                               "X-CSRF-Token"});
        r.route = entry.pattern;
        return r;
      }
    }
  }

  Call call{request, match.params, session ? &session->principal : nullptr, services_};
  http::Response response = entry.route.handler(call);
  response.route = entry.pattern;
  // A write that succeeded may have changed what the catalogue shows: its
  // cache starts again (the write is committed before the handler returns).
  if (request.method != "GET" && request.method != "HEAD" && response.status < 400 && services_.orders) {
    services_.orders->InvalidateCatalogue();
  }
  return response;
}

}  // namespace fupin::api
