// fupin export villages --year Y: one fixed-column CSV row per administrative
// village (columns in registry::kVillagesYearHeader).
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "registry/exchange.h"

namespace fupin::cli {
int RunExportVillages(const ExportYearOptions& o) {
  auto conn = OpenDatabase(o.db, SchemaMode::kRequire);
  if (!conn) return Fail(conn.error());
  Result<std::string> csv = registry::ExportVillagesYearCsv(**conn, o.year);
  if (!csv) return Fail(csv.error());
  Status written = WriteFileAtomic(o.out, *csv);
  if (!written) return Fail(written.error());
  return 0;
}

}  // namespace fupin::cli
