#pragma once
#include <memory>
#include <string_view>

#include "base/result.h"
#include "db/database.h"

namespace fupin::db {

// `path` is a file name or ":memory:". Opens with WAL, synchronous=FULL
// (a committed write survives a crash), foreign keys on, a busy timeout.
Result<std::unique_ptr<Connection>> OpenSqlite(std::string_view path);

}  // namespace fupin::db
