#pragma once
// Support for loading millions of rows at once (the demo, registry imports).
#include <string>
#include <vector>

#include "db/database.h"

namespace fupin::db {

// Switches the connection to its fastest safe mode for one large transaction
// and back when destroyed. SQLite: a rollback journal instead of the WAL while
// the load runs (the WAL would write every new page twice), a larger page
// cache, and no row-by-row foreign-key lookups (the loader must have checked
// every reference itself); all come back afterwards. PostgreSQL: nothing to change (COPY).
// Create it before the transaction begins and destroy it after it ends.
class BulkLoadMode {
 public:
  explicit BulkLoadMode(Connection& conn);
  ~BulkLoadMode();
  BulkLoadMode(const BulkLoadMode&) = delete;
  BulkLoadMode& operator=(const BulkLoadMode&) = delete;

 private:
  Connection& conn_;
};

// Drops the secondary indexes of `table` (not its primary key) and returns the
// statements that create them again: building an index once over loaded rows
// is faster than growing it row by row. Call inside the load's transaction,
// then CreateIndexes() before commit.
std::vector<std::string> DropIndexes(Connection& conn, const std::string& table);
void CreateIndexes(Connection& conn, const std::vector<std::string>& statements);

// PostgreSQL checks a foreign key with a trigger per row; dropped for a load
// and added again before the commit, it checks the whole table in one join.
// Returns the statements that add the keys again (run them with
// CreateIndexes); nothing on SQLite, where BulkLoadMode turns the per-row
// checks off instead.
std::vector<std::string> DropForeignKeys(Connection& conn, const std::string& table);

}  // namespace fupin::db
