// fupin serve: opens the database, builds the services and runs the HTTP
// server until SIGINT or SIGTERM, then stops gracefully (requests in flight
// are finished and answered) and exits 0.
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "accounts/service.h"
#include "api/app.h"
#include "api/context.h"
#include "audit/audit_log.h"
#include "base/text.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "db/pool.h"
#include "http/metrics.h"
#include "http/server.h"
#include "logistics/service.h"
#include "market/supplier_service.h"
#include "market/trace.h"
#include "regions/tree.h"
#include "market/order_service.h"
#include "registry/service.h"
#include "reports/indicators.h"

namespace fupin::cli {
namespace {

Result<http::ServerOptions> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error::Invalid("--listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got \"" + listen + "\")", "--listen");
  }
  Result<int64_t> port = text::ParseInt64(std::string_view(listen).substr(colon + 1));
  if (!port || *port < 0 || *port > 65535) {
    return Error::Invalid("--listen port must be 0 to 65535 (got \"" + listen.substr(colon + 1) + "\")",
                          "--listen");
  }
  http::ServerOptions options;
  options.host = listen.substr(0, colon);
  if (options.host.size() > 2 && options.host.front() == '[' && options.host.back() == ']') {
    options.host = options.host.substr(1, options.host.size() - 2);
  }
  options.port = static_cast<uint16_t>(*port);
  return options;
}

}  // namespace

int RunServe(const ServeOptions& o) {
  Result<http::ServerOptions> parsed = ParseListen(o.listen);
  if (!parsed) return Fail(parsed.error());
  http::ServerOptions options = *parsed;
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.io_threads = o.threads > 0 ? o.threads : cores;
  // Handlers block on the database (and on fsync for writes): more workers
  // than cores keep the cores busy while some wait.
  options.worker_threads = std::max(4, 2 * options.io_threads) + 2;
  options.max_connections = o.max_connections;
  options.request_timeout = std::chrono::seconds(o.request_timeout_s);
  options.idle_timeout = std::chrono::seconds(o.idle_timeout_s);

  for (const std::string& proxy : o.trusted_proxies) {
    in6_addr v6{};
    in_addr v4{};
    if (inet_pton(AF_INET, proxy.c_str(), &v4) != 1 && inet_pton(AF_INET6, proxy.c_str(), &v6) != 1) {
      return Fail(Error::Invalid("--trusted-proxy must be an IP address, e.g. 127.0.0.1 (got \"" + proxy + "\")",
                                 "--trusted-proxy"));
    }
  }
  Result<std::string> public_url = market::NormalizePublicUrl(o.public_url);
  if (!public_url) return Fail(public_url.error());

  // Signals are taken by one thread with sigwait, never by a handler in the
  // middle of the server's work. Blocked before any thread starts (the
  // services start some), so that every thread inherits the mask; a signal
  // that comes during start-up waits for the sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  if (o.db.rfind("sqlite::memory:", 0) == 0) {
    return Fail(Error::Invalid(
        "sqlite::memory: cannot be served: each pooled connection would be an empty database of its own; "
        "give a file (sqlite:fupin.db) or PostgreSQL",
        "--db"));
  }
  // Migrates first, so a new program upgrades the database it is given.
  auto conn = OpenDatabase(o.db, SchemaMode::kMigrate);
  if (!conn) return Fail(conn.error());
  regions::RegionTree tree = regions::RegionTree::Load(**conn);
  const std::string described = (*conn)->Describe();
  conn->reset();

  auto pool = db::Pool::Open(o.db, options.worker_threads);
  if (!pool) return Fail(pool.error());

  // The registry key: without it the server still runs, but identity numbers
  // cannot be shown to anyone (they answer 503).
  std::optional<registry::IdentityVault> vault;
  if (auto v = OpenRegistryVault(o.db, /*create=*/false)) {
    vault.emplace(std::move(v.value()));
  } else {
    std::fprintf(stderr, "fupin: warning: %s; identity numbers will not be shown\n", v.error().message.c_str());
  }

  audit::AuditLog audit_log(tree);
  accounts::AccountOptions account_options;
  account_options.session_ttl_s = o.session_ttl_s;
  account_options.secure_cookie = o.secure_cookie;
  accounts::AccountService accounts(**pool, tree, audit_log, account_options);
  registry::RegistryService registry(**pool, tree, vault ? &*vault : nullptr, audit_log);
  reports::IndicatorService indicators(**pool, tree, &registry);
  market::SupplierService suppliers(**pool, tree, audit_log);
  std::vector<std::unique_ptr<market::PaymentProvider>> providers;
  providers.push_back(market::OfflinePayments(tree));
  if (o.test_payments) {
    std::fprintf(stderr, "fupin: the \"test\" payment provider is on: orders can be paid without money\n");
    providers.push_back(market::TestPayments());
  }
  market::OrderService orders(**pool, tree, audit_log, std::move(providers));
  logistics::PlanService logistics(**pool, tree, &audit_log);

  api::Services services;
  services.pool = pool->get();
  services.tree = &tree;
  services.vault = vault ? &*vault : nullptr;
  services.accounts = &accounts;
  services.audit = &audit_log;
  services.registry = &registry;
  services.indicators = &indicators;
  services.suppliers = &suppliers;
  services.orders = &orders;
  services.logistics = &logistics;
  services.public_url = *public_url;

  http::Metrics metrics;
  db::Pool* pool_ptr = pool->get();
  metrics.SetPoolGauges([pool_ptr] { return static_cast<int64_t>(pool_ptr->in_use()); },
                        [pool_ptr] { return static_cast<int64_t>(pool_ptr->size()); });
  api::App app(services, metrics, o.web, o.trusted_proxies);


  http::Server server(options, app, metrics);
  if (Status s = server.Listen(); !s) return Fail(s.error());
  std::thread signal_thread([&server, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    std::fprintf(stderr, "fupin: %s received: finishing requests in flight, then stopping\n",
                 sig == SIGINT ? "SIGINT" : "SIGTERM");
    server.Shutdown();
  });
  signal_thread.detach();

  std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  std::printf("fupin: serving http://%s:%u (database %s, %d I/O threads, %d workers; Ctrl-C stops)\n",
              host.c_str(), static_cast<unsigned>(server.port()), described.c_str(), options.io_threads,
              options.worker_threads);
  std::fflush(stdout);
  server.Run();
  std::fprintf(stderr, "fupin: stopped\n");
  return 0;
}

}  // namespace fupin::cli
