#pragma once
// What a route handler receives, and the table routes are registered in.
// Each domain module adds its routes (e.g. registry/routes.cc:
// registry::AddRoutes(api::RouteTable&)); src/api/app.cc builds the one table,
// authenticates, checks CSRF, and maps errors (api/reply.h).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/message.h"
#include "http/router.h"

namespace fupin::db {
class Pool;
}
namespace fupin::regions {
class RegionTree;
}
namespace fupin::registry {
class IdentityVault;
class RegistryService;
}
namespace fupin::accounts {
struct Principal;
class AccountService;
}
namespace fupin::audit {
class AuditLog;
}
namespace fupin::reports {
class IndicatorService;
}
namespace fupin::market {
class SupplierService;
class OrderService;
}
namespace fupin::logistics {
class PlanService;
}

namespace fupin::api {

// The long-lived parts of the running server, built by `fupin serve`.
// Everything here is thread-safe.
struct Services {
  db::Pool* pool = nullptr;
  const regions::RegionTree* tree = nullptr;
  // nullptr when the registry key is not available to this server: identity
  // reads then answer 503 (kUnavailable) instead of the numbers.
  const registry::IdentityVault* vault = nullptr;
  accounts::AccountService* accounts = nullptr;
  audit::AuditLog* audit = nullptr;
  registry::RegistryService* registry = nullptr;
  reports::IndicatorService* indicators = nullptr;
  market::SupplierService* suppliers = nullptr;
  market::OrderService* orders = nullptr;
  logistics::PlanService* logistics = nullptr;
  // The address buyers reach the server at (`fupin serve --public-url`),
  // without a trailing '/': the base of the trace URLs in QR codes.
  std::string public_url = "http://localhost:8080";
};

// One request in flight, as a handler sees it.
struct Call {
  http::Request& request;
  const http::PathParams& params;
  // The signed-in user; never null on kSession routes, may be null on kPublic ones.
  const accounts::Principal* principal;
  Services& services;

  // The path parameter `name` ("" when the pattern has none of that name).
  std::string_view Param(std::string_view name) const;
};

// The path parameter `name` as an id (a positive whole number); otherwise
// kInvalidArgument naming it.
Result<int64_t> PathId(const Call& call, std::string_view name);

using Handler = std::function<http::Response(Call&)>;

enum class Access {
  kPublic,   // no session needed
  kSession,  // 401 without a valid session; POST/PUT/PATCH/DELETE also need X-CSRF-Token
};

struct Route {
  Handler handler;
  Access access = Access::kSession;
};

class RouteTable {
 public:
  void Add(std::string method, std::string pattern, Handler handler, Access access = Access::kSession) {
    router_.Add(std::move(method), std::move(pattern), Route{std::move(handler), access});
  }
  void Get(std::string pattern, Handler h, Access a = Access::kSession) { Add("GET", std::move(pattern), std::move(h), a); }
  void Post(std::string pattern, Handler h, Access a = Access::kSession) { Add("POST", std::move(pattern), std::move(h), a); }
  void Put(std::string pattern, Handler h, Access a = Access::kSession) { Add("PUT", std::move(pattern), std::move(h), a); }
  void Patch(std::string pattern, Handler h, Access a = Access::kSession) { Add("PATCH", std::move(pattern), std::move(h), a); }
  void Delete(std::string pattern, Handler h, Access a = Access::kSession) { Add("DELETE", std::move(pattern), std::move(h), a); }

  const http::Router<Route>& router() const { return router_; }

 private:
  http::Router<Route> router_;
};

}  // namespace fupin::api
