// fupin import registry: loads a registry folder (docs/REGISTRY-FILES.md) into
// an empty database, all or nothing.
#include <chrono>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "audit/audit_log.h"
#include "base/text.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "regions/tree.h"
#include "registry/exchange.h"
#include "registry/identity.h"

namespace fupin::cli {
int RunImportRegistry(const ImportRegistryOptions& o) {
  // The folder first: a mistyped path must not create or migrate a database.
  Status folder = registry::CheckRegistryFolder(o.dir);
  if (!folder) return Fail(folder.error());
  auto conn = OpenDatabase(o.db, SchemaMode::kMigrate);
  if (!conn) return Fail(conn.error());
  auto vault = OpenRegistryVault(o.db, /*create=*/true);
  if (!vault) return Fail(vault.error());
  auto start = std::chrono::steady_clock::now();
  // The import is a write to the registry: its audit entry commits with it.
  regions::RegionTree tree = regions::RegionTree::Load(**conn);
  audit::AuditLog audit_log(tree);
  auto before_commit = [&](db::Connection& c, const registry::RegistryCounts& counts) {
    audit_log.Append(c, nullptr, "",
                     audit::Entry{"registry.import", "folder:" + o.dir, tree.Root() ? tree.Root()->code : "",
                                  fmt::format("{}: {} households, {} members, {} household years", CommandLineActor(),
                                              counts.households, counts.members, counts.household_years)});
  };
  Result<registry::ImportOutcome> outcome =
      registry::ImportRegistryFolder(**conn, o.dir, *vault, o.max_errors, before_commit);
  if (!outcome) return Fail(outcome.error());
  if (!outcome->ok()) {
    // One line per bad row, "FILE line N, column C: reason", then the verdict.
    for (const registry::FileError& e : outcome->errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    size_t n = outcome->errors.size();
    std::string more =
        outcome->truncated ? fmt::format(" (stopped at the first {}; --max-errors sets the limit)", n) : std::string();
    return Fail(Error::Invalid(fmt::format("import of {} rejected: {} {}{}; nothing was written", o.dir, n,
                                                  n == 1 ? "bad row" : "bad rows", more)));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const registry::RegistryCounts& c = outcome->counts;
  std::printf(
      "imported %s into %s: %s households, %s members, %s household years, %s villages, %s village years, "
      "%s poverty lines, %s settings (%s rows in %.1f s)\n",
      o.dir.c_str(), (*conn)->Describe().c_str(), text::Grouped(c.households).c_str(), text::Grouped(c.members).c_str(),
      text::Grouped(c.household_years).c_str(), text::Grouped(c.villages).c_str(),
      text::Grouped(c.village_years).c_str(), text::Grouped(c.poverty_lines).c_str(), text::Grouped(c.settings).c_str(),
      text::Grouped(c.total()).c_str(), seconds);
  return 0;
}

}  // namespace fupin::cli
