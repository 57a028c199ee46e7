// fupin report NAME: computes a named report (src/reports/service.h) and
// renders it as a table, CSV or JSON on stdout or into --out, atomically.
#include "cli/commands.h"
#include "cli/common.h"
#include "reports/render.h"
#include "reports/service.h"

namespace fupin::cli {
namespace {

// The reports module names fields as the API does ("region"); on the command
// line they are flags, and a bad flag value is a usage error (exit 2).
Error AsFlag(Error error) {
  if (error.code == ErrorCode::kInvalidArgument && !error.field.empty() && !error.field.starts_with("--")) {
    error.field = "--" + error.field;
  }
  return error;
}

}  // namespace

int RunReport(const ReportOptions& o) {
  if (Status name = reports::CheckReportName(o.name); !name) return Fail(AsFlag(name.error()));
  auto format = reports::ParseFormat(o.format);
  if (!format) return Fail(AsFlag(format.error()));
  auto conn = OpenDatabase(o.db, SchemaMode::kRequire);
  if (!conn) return Fail(conn.error());
  try {
    auto report = reports::BuildReport(**conn, {o.name, o.year, o.region});
    if (!report) return Fail(AsFlag(report.error()));
    Status written = WriteFileAtomic(o.out, reports::Render(*report, *format));
    if (!written) return Fail(written.error());
  } catch (const db::DbError& e) {
    return Fail(Error::Unavailable(std::string("database error: ") + e.what()));
  }
  return 0;
}

}  // namespace fupin::cli
