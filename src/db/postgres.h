#pragma once
#include <memory>
#include <string_view>

#include "base/result.h"
#include "db/database.h"

namespace fupin::db {

// `url` is a libpq connection URI (postgresql://user@host:port/db?…).
Result<std::unique_ptr<Connection>> OpenPostgres(std::string_view url);

// "$1, $2" for the `?` placeholders of `sql`, skipping quoted text. Exposed for tests.
std::string RewritePlaceholders(std::string_view sql);

}  // namespace fupin::db
