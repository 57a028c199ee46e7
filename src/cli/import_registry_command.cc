#include "cli/commands.h"
#include "cli/common.h"

namespace fupin::cli {

int RunImportRegistry(const ImportRegistryOptions& o) { return Fail(Error::Internal("not built yet")); }

}  // namespace fupin::cli
