// fupin export registry: writes the whole registry as a folder of CSV files
// (docs/REGISTRY-FILES.md) that fupin import registry loads again.
#include <cstdio>
#include <string>

#include "audit/audit_log.h"
#include "base/text.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "regions/tree.h"
#include "registry/exchange.h"
#include "registry/identity.h"

namespace fupin::cli {

int RunExportRegistry(const ExportRegistryOptions& o) {
  auto conn = OpenDatabase(o.db, SchemaMode::kRequire);
  if (!conn) return Fail(conn.error());
  // Identity numbers are written in clear: only the holder of the registry key can export.
  auto vault = OpenRegistryVault(o.db, /*create=*/false);
  if (!vault && vault.error().code == ErrorCode::kNotFound &&
      db::QueryInt(**conn, "SELECT COUNT(*) FROM members WHERE id_number_sealed IS NOT NULL").value_or(0) == 0) {
    // Nothing sealed to open: any key will do.
    registry::IdentityVault::Key unused{};
    vault = registry::IdentityVault(unused);
  }
  if (!vault) return Fail(vault.error());
  // Identity numbers leave the database in clear: the read is audited first,
  // so no export goes unrecorded.
  {
    regions::RegionTree tree = regions::RegionTree::Load(**conn);
    audit::AuditLog audit_log(tree);
    db::Transaction tx(**conn);
    audit_log.Append(**conn, nullptr, "",
                     audit::Entry{"identity.read", "registry export:" + o.out, tree.Root() ? tree.Root()->code : "",
                                  CommandLineActor() + ": the whole registry, identity numbers in clear"});
    tx.Commit();
  }
  Result<registry::RegistryCounts> counts = registry::ExportRegistryFolder(**conn, o.out, *vault);
  if (!counts) return Fail(counts.error());
  std::printf(
      "exported %s households, %s members, %s household years, %s villages, %s village years, "
      "%s poverty lines and %s settings to %s\n",
      text::Grouped(counts->households).c_str(), text::Grouped(counts->members).c_str(),
      text::Grouped(counts->household_years).c_str(), text::Grouped(counts->villages).c_str(),
      text::Grouped(counts->village_years).c_str(), text::Grouped(counts->poverty_lines).c_str(),
      text::Grouped(counts->settings).c_str(), o.out.c_str());
  return 0;
}

}  // namespace fupin::cli
