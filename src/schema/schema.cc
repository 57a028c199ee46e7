#include "schema/schema.h"

#include "regions/loader.h"
#include "registry/reference.h"
#include "registry/year_counts.h"
#include "schema/parts.h"

namespace fupin::schema {
namespace {

// Version 1: the region tree and the household registry. Types are the common
// subset of SQLite and PostgreSQL: TEXT, INTEGER, BIGINT. Money in fen (BIGINT),
// region codes as TEXT, every large table carries county_code (the shard key).
const char* kRegistrySchema = R"SQL(
CREATE TABLE regions (
  code         TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  level        TEXT NOT NULL CHECK (level IN ('prefecture', 'county', 'township', 'village')),
  parent_code  TEXT,
  kind         TEXT NOT NULL,
  name_short   TEXT,
  name_pinyin  TEXT,
  name_en      TEXT,
  lon_e6       BIGINT,
  lat_e6       BIGINT,
  coord_source TEXT
);
CREATE INDEX regions_parent ON regions (parent_code);
CREATE INDEX regions_name ON regions (name);

CREATE TABLE poverty_lines (
  year                INTEGER PRIMARY KEY,
  poverty_line_fen    BIGINT NOT NULL,
  monitoring_line_fen BIGINT,
  source              TEXT NOT NULL
);

CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL,
  source TEXT NOT NULL
);

CREATE TABLE villages (
  village_code           TEXT PRIMARY KEY REFERENCES regions (code),
  county_code            TEXT NOT NULL,
  township_code          TEXT NOT NULL,
  deep_poverty           INTEGER NOT NULL CHECK (deep_poverty IN (0, 1)),
  broadband              INTEGER CHECK (broadband IN (0, 1)),
  mobile_4g              INTEGER CHECK (mobile_4g IN (0, 1)),
  paved_road             INTEGER CHECK (paved_road IN (0, 1)),
  distance_to_township_m BIGINT
);

CREATE TABLE village_years (
  village_code TEXT NOT NULL REFERENCES regions (code),
  year         INTEGER NOT NULL,
  county_code  TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('not_poor', 'poor', 'exited')),
  PRIMARY KEY (village_code, year)
){WITHOUT_ROWID};

CREATE TABLE households (
  household_id    {ID} PRIMARY KEY,
  county_code     TEXT NOT NULL,
  township_code   TEXT NOT NULL,
  village_code    TEXT NOT NULL REFERENCES regions (code),
  head_name       TEXT NOT NULL,
  cause           TEXT,
  registered_year INTEGER NOT NULL,
  synthetic       INTEGER NOT NULL CHECK (synthetic IN (0, 1))
);
CREATE INDEX households_village ON households (village_code);

CREATE TABLE members (
  member_id    {ID} PRIMARY KEY,
  household_id BIGINT NOT NULL REFERENCES households (household_id),
  county_code  TEXT NOT NULL,
  name         TEXT NOT NULL,
  relation     TEXT NOT NULL,
  sex          TEXT NOT NULL CHECK (sex IN ('F', 'M')),
  birth_year   INTEGER NOT NULL,
  id_number_sealed TEXT,
  id_number_masked TEXT,
  id_synthetic     INTEGER NOT NULL CHECK (id_synthetic IN (0, 1))
);
CREATE INDEX members_household ON members (household_id);

CREATE TABLE household_years (
  household_id          BIGINT NOT NULL REFERENCES households (household_id),
  year                  INTEGER NOT NULL,
  county_code           TEXT NOT NULL,
  village_code          TEXT NOT NULL,
  members               INTEGER NOT NULL CHECK (members > 0),
  status                TEXT NOT NULL CHECK (status IN ('not_poor', 'poor', 'exited', 'monitored')),
  monitor_kind          TEXT,
  exit_year             INTEGER,
  income_per_capita_fen BIGINT NOT NULL,
  needs_unmet           TEXT NOT NULL,
  PRIMARY KEY (household_id, year)
){WITHOUT_ROWID};
CREATE INDEX household_years_year_village ON household_years (year, village_code, status, members);
)SQL";

std::vector<db::Migration> Build() {
  std::vector<db::Migration> list;
  list.push_back({1, "region tree and household registry", kRegistrySchema, nullptr});
  list.push_back({2, "Linxia divisions and registry reference data", "", [](db::Connection& conn) {
                    regions::LoadLinxia(conn);
                    registry::LoadReferenceData(conn);
                  }});
  list.push_back({3, "accounts, sessions and the audit log", "", accounts::CreateSchema});
  list.push_back({4, "registry change requests", "", registry::CreateChangeRequestSchema});
  list.push_back({5, "marketplace and benefit ledger", "", market::CreateSchema});
  list.push_back({6, "logistics: facilities, parcels and daily plans", "", logistics::CreateSchema});
  // The institutions report joins each institution to its orders of a year:
  // without this index that is one scan of the year's orders per institution.
  list.push_back({7, "orders by institution and payment time, for the institutions report",
                  "CREATE INDEX orders_institution ON orders (institution_id, paid_at);", nullptr});
  // Every poverty figure of a year from a few thousand counts instead of the
  // year's household rows (registry/year_counts.h).
  list.push_back({8, "the registry counted by year, village and status, kept by triggers", "",
                  registry::CreateYearCountsSchema});
  // A lot intake sent again with the same Idempotency-Key finds its lot here
  // instead of making a second one (the outlet console retries after a dropped link).
  list.push_back({9, "idempotency keys of lot intakes", R"SQL(
CREATE TABLE lot_requests (
  user_id         BIGINT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_hash    TEXT NOT NULL,
  lot_id          BIGINT REFERENCES lots (lot_id),
  created_at      TEXT NOT NULL,
  PRIMARY KEY (user_id, idempotency_key)
){WITHOUT_ROWID};
)SQL",
                  nullptr});
  return list;
}

}  // namespace

const std::vector<db::Migration>& Migrations() {
  static const std::vector<db::Migration> list = Build();
  return list;
}

Result<int> Migrate(db::Connection& conn) { return db::ApplyMigrations(conn, Migrations()); }

Status RequireCurrent(db::Connection& conn) { return db::CheckVersion(conn, Migrations()); }

}  // namespace fupin::schema
