#pragma once
// The application's schema: the list of numbered migrations, and the two
// entry points every command uses on start.
#include <vector>

#include "base/result.h"
#include "db/database.h"
#include "db/migrate.h"

namespace fupin::schema {

const std::vector<db::Migration>& Migrations();

// Brings the database to the newest version (serve, demo, import, migrate).
// Returns the version reached.
Result<int> Migrate(db::Connection& conn);

// Fails unless the database is at the newest version (export, report).
Status RequireCurrent(db::Connection& conn);

}  // namespace fupin::schema
