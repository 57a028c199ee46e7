#include <chrono>
#include <cstdio>

#include "accounts/demo_accounts.h"
#include "base/text.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "demo/generator.h"
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
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!o.quiet) {
    std::printf(
        "Demo built in %s (%.1f s): synthetic households on the real Linxia divisions, scale %g, seed %llu.\n"
        "  %s villages, %s households, %s members, %s household-years (%d-%d)\n"
        "  Every name and identity number is made up; the targets it reproduces are cited in "
        "data/scenarios/linxia.csv.\n",
        (*conn)->Describe().c_str(), seconds, o.scale, static_cast<unsigned long long>(o.seed),
        text::Grouped(summary->villages).c_str(), text::Grouped(summary->households).c_str(),
        text::Grouped(summary->members).c_str(), text::Grouped(summary->household_years).c_str(),
        summary->first_year, summary->last_year);
    std::printf("\nDemo accounts (synthetic, for trying the platform; change or remove them in production):\n%s",
                accounts::DemoAccountsTable(*accounts).c_str());
  }
  return 0;
}

}  // namespace fupin::cli
