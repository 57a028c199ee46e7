#include "cli/commands.h"
#include "cli/common.h"

namespace fupin::cli {

int RunExportRegistry(const ExportRegistryOptions& o) { return Fail(Error::Internal("not built yet")); }

}  // namespace fupin::cli
