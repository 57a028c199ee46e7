#pragma once
// Numbered migrations shared by SQLite and PostgreSQL. Each runs in its own
// transaction with the row that records it in schema_migrations, so a crash
// leaves the database at the previous version, never between two.
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "db/database.h"

namespace fupin::db {

struct Migration {
  int version;       // 1, 2, 3, … without gaps
  std::string name;  // short description, recorded in schema_migrations
  // Run first (may be empty); the same text on both databases, except two
  // markers: {ID} (a 64-bit primary key: INTEGER on SQLite, the rowid; BIGINT
  // on PostgreSQL) and {WITHOUT_ROWID} after a table with a composite key.
  std::string sql;
  std::function<void(Connection&)> code;  // run after `sql` (may be empty): data loads
};

// The version the database is at (0 for an empty database).
int CurrentVersion(Connection& conn);

// Applies every migration above the current version. Fails with
// kFailedPrecondition when the database is newer than `migrations` knows.
Result<int> ApplyMigrations(Connection& conn, const std::vector<Migration>& migrations);

// Succeeds only when the database is exactly at the newest version.
Status CheckVersion(Connection& conn, const std::vector<Migration>& migrations);

}  // namespace fupin::db
