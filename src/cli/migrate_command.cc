#include <cstdio>

#include "cli/commands.h"
#include "cli/common.h"
#include "schema/schema.h"

namespace fupin::cli {

int RunMigrate(const MigrateOptions& o) {
  auto conn = db::Open(o.db);
  if (!conn) return Fail(conn.error());
  auto version = schema::Migrate(**conn);
  if (!version) return Fail(version.error());
  std::printf("%s is at schema version %d\n", (*conn)->Describe().c_str(), *version);
  return 0;
}

}  // namespace fupin::cli
