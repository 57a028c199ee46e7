// Migration 6: county–township–village logistics. Facilities of three tiers,
// positions of townships and villages, parcels, the configuration of the joint
// distribution, the daily plans with their routes, stops and village
// economics, and the imported road distances between a county's places.
// Written per dialect only for the identity columns.
//
// Conventions: money in fen, weights in grams, distances in metres, durations
// in seconds (all BIGINT); dates "YYYY-MM-DD"; times UTC ISO-8601 text. The
// large tables (parcels, plans and their rows) carry county_code, the shard key.
#include <string>

#include "db/database.h"
#include "logistics/model.h"
#include "schema/parts.h"

namespace fupin::logistics {
namespace {

std::string Replace(std::string text, const std::string& marker, const std::string& with) {
  for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + with.size())) {
    text.replace(at, marker.size(), with);
  }
  return text;
}

constexpr const char* kTables = R"SQL(
CREATE TABLE logistics_config (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL,
  source TEXT NOT NULL
);

CREATE TABLE region_positions (
  code        TEXT PRIMARY KEY REFERENCES regions (code),
  county_code TEXT NOT NULL,
  lon_e6      BIGINT NOT NULL,
  lat_e6      BIGINT NOT NULL,
  source      TEXT NOT NULL CHECK (source IN ('published', 'synthetic')),
  note        TEXT
);
CREATE INDEX region_positions_county ON region_positions (county_code);

CREATE TABLE logistics_facilities (
  facility_id              {ID} PRIMARY KEY,
  county_code              TEXT NOT NULL,
  tier                     TEXT NOT NULL CHECK (tier IN ('center', 'station', 'point')),
  region_code              TEXT NOT NULL REFERENCES regions (code),
  serves_region_code       TEXT NOT NULL REFERENCES regions (code),
  name                     TEXT NOT NULL,
  lon_e6                   BIGINT NOT NULL,
  lat_e6                   BIGINT NOT NULL,
  position_source          TEXT NOT NULL CHECK (position_source IN ('published', 'synthetic')),
  capacity_parcels_per_day BIGINT NOT NULL CHECK (capacity_parcels_per_day > 0),
  opened_on                TEXT NOT NULL,
  closed_on                TEXT,
  parent_id                BIGINT REFERENCES logistics_facilities (facility_id),
  synthetic                INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1))
);
CREATE INDEX logistics_facilities_county ON logistics_facilities (county_code, tier);
CREATE INDEX logistics_facilities_serves ON logistics_facilities (serves_region_code);

CREATE TABLE logistics_parcels (
  parcel_id     {ID} PRIMARY KEY,
  county_code   TEXT NOT NULL,
  township_code TEXT NOT NULL,
  village_code  TEXT NOT NULL REFERENCES regions (code),
  direction     TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  weight_g      BIGINT NOT NULL CHECK (weight_g > 0),
  ready_on      TEXT NOT NULL,
  order_id      BIGINT REFERENCES orders (order_id),
  delivery      TEXT CHECK (delivery IN ('point', 'door')),
  synthetic     INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1))
);
CREATE INDEX logistics_parcels_day ON logistics_parcels (county_code, ready_on);

CREATE TABLE logistics_plans (
  plan_id         {ID} PRIMARY KEY,
  plan_date       TEXT NOT NULL,
  county_code     TEXT NOT NULL,
  region_code     TEXT NOT NULL,
  scope           TEXT NOT NULL CHECK (scope IN ('county', 'station')),
  computed_at     TEXT NOT NULL,
  computed_by     TEXT NOT NULL,
  seed            BIGINT NOT NULL,
  routes          BIGINT NOT NULL,
  villages        BIGINT NOT NULL,
  villages_losing BIGINT NOT NULL,
  parcels_in      BIGINT NOT NULL,
  parcels_out     BIGINT NOT NULL,
  weight_in_g     BIGINT NOT NULL,
  weight_out_g    BIGINT NOT NULL,
  distance_m      BIGINT NOT NULL,
  duration_s      BIGINT NOT NULL,
  cost_fen        BIGINT NOT NULL,
  revenue_fen     BIGINT NOT NULL,
  solver_ms       BIGINT NOT NULL,
  note            TEXT NOT NULL,
  UNIQUE (plan_date, region_code)
);
CREATE INDEX logistics_plans_county ON logistics_plans (county_code, plan_date);

CREATE TABLE logistics_routes (
  route_id     {ID} PRIMARY KEY,
  plan_id      BIGINT NOT NULL REFERENCES logistics_plans (plan_id),
  county_code  TEXT NOT NULL,
  tier         TEXT NOT NULL CHECK (tier IN ('center', 'station')),
  facility_id  BIGINT NOT NULL REFERENCES logistics_facilities (facility_id),
  seq          INTEGER NOT NULL,
  capacity_g   BIGINT NOT NULL,
  distance_m   BIGINT NOT NULL,
  duration_s   BIGINT NOT NULL,
  cost_fen     BIGINT NOT NULL,
  delivery_g   BIGINT NOT NULL,
  pickup_g     BIGINT NOT NULL,
  max_load_g   BIGINT NOT NULL,
  load_profile TEXT NOT NULL,
  distance_source TEXT NOT NULL CHECK (distance_source IN ('road', 'great_circle')),
  UNIQUE (plan_id, facility_id, seq)
);

CREATE TABLE logistics_route_stops (
  route_id             BIGINT NOT NULL REFERENCES logistics_routes (route_id),
  seq                  INTEGER NOT NULL,
  plan_id              BIGINT NOT NULL REFERENCES logistics_plans (plan_id),
  county_code          TEXT NOT NULL,
  region_code          TEXT NOT NULL,
  facility_id          BIGINT NOT NULL REFERENCES logistics_facilities (facility_id),
  part                 INTEGER NOT NULL,
  parts                INTEGER NOT NULL,
  delivery_g           BIGINT NOT NULL,
  pickup_g             BIGINT NOT NULL,
  parcels_in           BIGINT NOT NULL,
  parcels_out          BIGINT NOT NULL,
  load_after_g         BIGINT NOT NULL,
  distance_from_prev_m BIGINT NOT NULL,
  arrival_s            BIGINT NOT NULL,
  round_trip_m         BIGINT NOT NULL,
  cost_share_fen       BIGINT NOT NULL,
  PRIMARY KEY (route_id, seq)
){WITHOUT_ROWID};
CREATE INDEX logistics_route_stops_plan ON logistics_route_stops (plan_id);

CREATE TABLE logistics_plan_villages (
  plan_id                    BIGINT NOT NULL REFERENCES logistics_plans (plan_id),
  village_code               TEXT NOT NULL,
  county_code                TEXT NOT NULL,
  township_code              TEXT NOT NULL,
  served                     TEXT NOT NULL CHECK (served IN ('route', 'fetch')),
  parcels_in                 BIGINT NOT NULL,
  parcels_out                BIGINT NOT NULL,
  weight_in_g                BIGINT NOT NULL,
  weight_out_g               BIGINT NOT NULL,
  route_cost_fen             BIGINT NOT NULL,
  center_cost_fen            BIGINT NOT NULL,
  cost_fen                   BIGINT NOT NULL,
  cost_per_parcel_fen        BIGINT NOT NULL,
  revenue_fen                BIGINT NOT NULL,
  revenue_per_parcel_fen     BIGINT NOT NULL,
  margin_fen                 BIGINT NOT NULL,
  breaks_even                INTEGER NOT NULL CHECK (breaks_even IN (0, 1)),
  break_even_parcels_per_run BIGINT NOT NULL,
  break_even_runs_per_week   BIGINT NOT NULL,
  PRIMARY KEY (plan_id, village_code)
){WITHOUT_ROWID};

CREATE TABLE logistics_road_matrix (
  county_code TEXT NOT NULL,
  from_code   TEXT NOT NULL REFERENCES regions (code),
  to_code     TEXT NOT NULL REFERENCES regions (code),
  metres      BIGINT NOT NULL CHECK (metres >= 0),
  seconds     BIGINT NOT NULL CHECK (seconds >= 0),
  PRIMARY KEY (from_code, to_code)
){WITHOUT_ROWID};
CREATE INDEX logistics_road_matrix_county ON logistics_road_matrix (county_code);
)SQL";

// The defaults of logistics/model.h Config, each marked as an assumption.
void InsertDefaults(db::Connection& conn) {
  const Config defaults;
  auto insert = conn.Prepare("INSERT INTO logistics_config (key, value, source) VALUES (?, ?, ?)");
  for (const ConfigKey& k : ConfigKeys()) {
    std::string source =
        std::string("ASSUMED default (not a measured fact; an operator may change it): ") + k.description;
    insert->Bind(1, k.key).Bind(2, ConfigValue(defaults, k.key)).Bind(3, source).Run();
  }
}

}  // namespace

void CreateSchema(db::Connection& conn) {
  const bool sqlite = conn.dialect() == db::Dialect::kSqlite;
  std::string sql = Replace(kTables, "{ID}", sqlite ? "INTEGER" : "BIGINT GENERATED BY DEFAULT AS IDENTITY");
  sql = Replace(sql, "{WITHOUT_ROWID}", sqlite ? " WITHOUT ROWID" : "");
  conn.Exec(sql);
  InsertDefaults(conn);
}

}  // namespace fupin::logistics
