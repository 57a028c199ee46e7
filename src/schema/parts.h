#pragma once
// Schema steps that belong to a module and differ between SQLite and
// PostgreSQL (triggers), run as numbered migrations by schema.cc.
#include "db/database.h"

namespace fupin::accounts {
// Migration 3: users, sessions and the append-only audit log.
void CreateSchema(db::Connection& conn);
}  // namespace fupin::accounts

namespace fupin::registry {
// Migration 4: change requests and the registry revision counter.
void CreateChangeRequestSchema(db::Connection& conn);
}  // namespace fupin::registry

namespace fupin::market {
// Migration 5: the marketplace and the append-only benefit ledger.
void CreateSchema(db::Connection& conn);
}  // namespace fupin::market

namespace fupin::logistics {
// Migration 6: logistics facilities, positions, parcels, configuration and daily plans.
void CreateSchema(db::Connection& conn);
}  // namespace fupin::logistics
