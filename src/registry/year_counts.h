#pragma once
// household_year_counts: the registry counted by year, village, status and
// county (households and people), kept exact by triggers on household_years
// on every insert, update and delete, whoever writes (on SQLite, not through
// INSERT OR REPLACE, which fires no delete trigger for the replaced row). Every poverty figure of a year
// reads these few thousand rows instead of the year's hundreds of thousands
// of household rows.
//
// A bulk load (the demo, a registry import) suspends the triggers inside its
// transaction and restores them before the commit: the restore recounts the
// table from household_years in one grouped scan, so the counts are exact
// when the load becomes visible, and no other writer can slip between (the
// load holds the write lock on SQLite and the table locks on PostgreSQL).
#include "db/database.h"

namespace fupin::registry {

// Migration 8: the table, filled from the rows already registered, and its triggers.
void CreateYearCountsSchema(db::Connection& conn);

// Drops the triggers; call inside a bulk load's transaction before the load.
void SuspendYearCounts(db::Connection& conn);

// Recounts the table from household_years and creates the triggers again;
// call in the same transaction after the load (after its indexes are rebuilt:
// the recount walks the covering index).
void RestoreYearCounts(db::Connection& conn);

}  // namespace fupin::registry
