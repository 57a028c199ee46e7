#include <chrono>
#include <cstdio>

#include "accounts/demo_accounts.h"
#include "base/text.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "db/pool.h"
#include "demo/generator.h"
#include "demo/market.h"
#include "logistics/demo.h"
#include "registry/identity.h"

namespace fupin::cli {

int RunDemo(const DemoOptions& o) {
  auto start = std::chrono::steady_clock::now();
  auto conn = OpenDatabase(o.db, SchemaMode::kMigrate);
  if (!conn) return Fail(conn.error());
  auto vault = OpenRegistryVault(o.db, /*create=*/true);
  if (!vault) return Fail(vault.error());
  demo::DemoOptions options;
  options.seed = o.seed;
  options.scale = o.scale;
  options.vault = &*vault;
  auto summary = demo::BuildDemo(**conn, options);
  const bool kept = !summary && o.if_empty && summary.error().code == ErrorCode::kConflict;
  if (!summary && !kept) return Fail(summary.error());
  // One account per role, also in a database built before accounts existed.
  auto accounts = accounts::EnsureDemoAccounts(**conn);
  if (!accounts) return Fail(accounts.error());
  if (kept) {
    if (!o.quiet) {
      std::printf("%s already holds a registry; left as it is\n\nDemo accounts:\n%s",
                  (*conn)->Describe().c_str(), accounts::DemoAccountsTable(*accounts).c_str());
    }
    return 0;
  }
  // The marketplace, through the market services: after the accounts, since
  // the demo accounts own some of it (the supplier, the outlet's lots, orders).
  auto market_start = std::chrono::steady_clock::now();
  auto pool = db::Pool::Open(o.db, 1);
  if (!pool) return Fail(pool.error());
  demo::MarketOptions market_options;
  market_options.seed = o.seed;
  market_options.scale = o.scale;
  auto market = demo::BuildMarket(**conn, **pool, market_options);
  if (!market) return Fail(market.error());
  // The logistics network and its parcels: after the market, whose shipped
  // orders are the outbound parcels.
  auto logistics_start = std::chrono::steady_clock::now();
  logistics::DemoOptions logistics_options;
  logistics_options.seed = o.seed;
  auto logistics = logistics::BuildDemo(**conn, logistics_options);
  if (!logistics) return Fail(logistics.error());
  double logistics_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - logistics_start).count();
  // Fresh statistics for the query planners: the tables went from empty to
  // full in minutes, before any automatic analysis could see them.
  try {
    (*conn)->Exec("ANALYZE");
  } catch (const db::DbError& e) {
    std::fprintf(stderr, "fupin: warning: ANALYZE failed: %s\n", e.what());
  }
  auto end = std::chrono::steady_clock::now();
  double seconds = std::chrono::duration<double>(end - start).count();
  double market_seconds = std::chrono::duration<double>(logistics_start - market_start).count();
  if (!o.quiet) {
    std::printf(
        "Demo built in %s (%.1f s): synthetic households on the real Linxia divisions, scale %g, seed %llu.\n"
        "  %s villages, %s households, %s members, %s household-years (%d-%d)\n"
        "  marketplace (%.1f s): %s outlets, %s suppliers (%s approved), %s products, %s lots, %s orders "
        "(%s cancelled, %s refunded), %s benefit ledger entries; 2016 volume %s yuan\n"
        "  Every name and identity number is made up; the targets it reproduces are cited in "
        "data/scenarios/linxia.csv.\n",
        (*conn)->Describe().c_str(), seconds, o.scale, static_cast<unsigned long long>(o.seed),
        text::Grouped(summary->villages).c_str(), text::Grouped(summary->households).c_str(),
        text::Grouped(summary->members).c_str(), text::Grouped(summary->household_years).c_str(),
        summary->first_year, summary->last_year, market_seconds, text::Grouped(market->outlets).c_str(),
        text::Grouped(market->suppliers).c_str(), text::Grouped(market->approved_suppliers).c_str(),
        text::Grouped(market->products).c_str(), text::Grouped(market->lots).c_str(),
        text::Grouped(market->orders).c_str(), text::Grouped(market->cancelled).c_str(),
        text::Grouped(market->refunded).c_str(), text::Grouped(market->ledger_entries).c_str(),
        text::Grouped(market->volume_2016_fen / 100).c_str());
    std::printf(
        "  logistics (%.1f s): %s county centers, %s township stations, %s village points; %s outbound parcels "
        "(%s freight shipments apart), %s inbound parcels (%s to %s); positions %s published, %s synthetic\n",
        logistics_seconds, text::Grouped(logistics->centers).c_str(), text::Grouped(logistics->stations).c_str(),
        text::Grouped(logistics->points).c_str(), text::Grouped(logistics->outbound_parcels).c_str(),
        text::Grouped(logistics->freight_shipments).c_str(), text::Grouped(logistics->inbound_parcels).c_str(),
        logistics->inbound_from.c_str(), logistics->inbound_to.c_str(),
        text::Grouped(logistics->positions_published).c_str(), text::Grouped(logistics->positions_synthetic).c_str());
    std::printf("\nDemo accounts (synthetic, for trying the platform; change or remove them in production):\n%s",
                accounts::DemoAccountsTable(*accounts).c_str());
  }
  return 0;
}

}  // namespace fupin::cli
