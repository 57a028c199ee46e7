// Migration 5: the marketplace (suppliers, products, outlets, lots, orders,
// payments, settlement) and the benefit ledger. Written per dialect because
// identity columns and the append-only triggers differ.
//
// Conventions: money in fen (BIGINT), quantities in whole units of the
// product's unit (BIGINT), dates "YYYY-MM-DD", times UTC ISO-8601 text. The
// large tables (lots, lot_households, order_lines, allocations, ledger) carry
// county_code, the shard key: the county of the supplier.
#include <string>

#include "db/database.h"
#include "schema/parts.h"

namespace fupin::market {
namespace {

std::string Tables(const std::string& id) {
  return R"SQL(
CREATE TABLE suppliers (
  supplier_id    )SQL" + id + R"SQL( PRIMARY KEY,
  name           TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('household', 'cooperative', 'enterprise')),
  village_code   TEXT NOT NULL REFERENCES regions (code),
  county_code    TEXT NOT NULL,
  household_id   BIGINT REFERENCES households (household_id),
  owner_user_id  BIGINT REFERENCES users (user_id),
  contact        TEXT,
  state          TEXT NOT NULL CHECK (state IN ('applied', 'recommended', 'approved', 'rejected')),
  state_reason   TEXT,
  applied_at     TEXT NOT NULL,
  decided_at     TEXT,
  synthetic      INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1))
);
CREATE INDEX suppliers_village ON suppliers (village_code);
CREATE INDEX suppliers_county_state ON suppliers (county_code, state);
CREATE UNIQUE INDEX suppliers_owner ON suppliers (owner_user_id);

CREATE TABLE supplier_links (
  link_id       )SQL" + id + R"SQL( PRIMARY KEY,
  supplier_id   BIGINT NOT NULL REFERENCES suppliers (supplier_id),
  household_id  BIGINT NOT NULL REFERENCES households (household_id),
  county_code   TEXT NOT NULL,
  channel       TEXT NOT NULL CHECK (channel IN ('direct_sale', 'purchase', 'wages', 'dividends')),
  evidence      TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('declared', 'verified', 'rejected')),
  state_reason  TEXT,
  declared_at   TEXT NOT NULL,
  decided_at    TEXT,
  UNIQUE (supplier_id, household_id)
);
CREATE INDEX supplier_links_household ON supplier_links (household_id);

CREATE TABLE products (
  product_id          )SQL" + id + R"SQL( PRIMARY KEY,
  supplier_id         BIGINT NOT NULL REFERENCES suppliers (supplier_id),
  county_code         TEXT NOT NULL,
  name                TEXT NOT NULL,
  category            TEXT NOT NULL,
  unit                TEXT NOT NULL,
  price_fen           BIGINT NOT NULL CHECK (price_fen > 0),
  origin_village_code TEXT NOT NULL REFERENCES regions (code),
  story               TEXT,
  grades              TEXT NOT NULL,
  flag_one_village_one_product INTEGER NOT NULL DEFAULT 0 CHECK (flag_one_village_one_product IN (0, 1)),
  flag_green          INTEGER NOT NULL DEFAULT 0 CHECK (flag_green IN (0, 1)),
  flag_organic        INTEGER NOT NULL DEFAULT 0 CHECK (flag_organic IN (0, 1)),
  flag_geographical_indication INTEGER NOT NULL DEFAULT 0 CHECK (flag_geographical_indication IN (0, 1)),
  flag_compliance_certificate  INTEGER NOT NULL DEFAULT 0 CHECK (flag_compliance_certificate IN (0, 1)),
  certificate_no      TEXT,
  certified_from      TEXT,
  certified_until     TEXT,
  listed              INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0, 1)),
  synthetic           INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
  created_at          TEXT NOT NULL
);
CREATE INDEX products_supplier ON products (supplier_id);

CREATE TABLE product_photos (
  photo_id     )SQL" + id + R"SQL( PRIMARY KEY,
  product_id   BIGINT NOT NULL REFERENCES products (product_id),
  content_type TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  size_bytes   BIGINT NOT NULL,
  data_base64  TEXT NOT NULL,
  added_at     TEXT NOT NULL
);
CREATE INDEX product_photos_product ON product_photos (product_id);

CREATE TABLE reference_prices (
  product_id  BIGINT NOT NULL REFERENCES products (product_id),
  year        INTEGER NOT NULL,
  price_fen   BIGINT NOT NULL CHECK (price_fen >= 0),
  source      TEXT NOT NULL,
  PRIMARY KEY (product_id, year)
);

CREATE TABLE outlets (
  outlet_id     )SQL" + id + R"SQL( PRIMARY KEY,
  village_code  TEXT NOT NULL UNIQUE REFERENCES regions (code),
  county_code   TEXT NOT NULL,
  name          TEXT NOT NULL,
  created_at    TEXT NOT NULL
);

CREATE TABLE outlet_permissions (
  outlet_id    BIGINT NOT NULL REFERENCES outlets (outlet_id),
  supplier_id  BIGINT NOT NULL REFERENCES suppliers (supplier_id),
  granted_at   TEXT NOT NULL,
  revoked_at   TEXT,
  PRIMARY KEY (outlet_id, supplier_id)
);

CREATE TABLE lots (
  lot_id            )SQL" + id + R"SQL( PRIMARY KEY,
  trace_code        TEXT NOT NULL UNIQUE,
  product_id        BIGINT NOT NULL REFERENCES products (product_id),
  outlet_id         BIGINT NOT NULL REFERENCES outlets (outlet_id),
  supplier_id       BIGINT NOT NULL REFERENCES suppliers (supplier_id),
  county_code       TEXT NOT NULL,
  quantity          BIGINT NOT NULL CHECK (quantity > 0),
  on_hand           BIGINT NOT NULL CHECK (on_hand >= 0),
  allocated         BIGINT NOT NULL CHECK (allocated >= 0),
  grade             TEXT NOT NULL,
  intake_date       TEXT NOT NULL,
  inspection_test   TEXT NOT NULL,
  inspection_result TEXT NOT NULL CHECK (inspection_result IN ('pass', 'fail')),
  inspector         TEXT NOT NULL,
  created_at        TEXT NOT NULL,
  CHECK (allocated <= on_hand)
);
CREATE INDEX lots_product_fifo ON lots (product_id, intake_date, lot_id);

CREATE TABLE lot_households (
  lot_id        BIGINT NOT NULL REFERENCES lots (lot_id),
  household_id  BIGINT NOT NULL REFERENCES households (household_id),
  county_code   TEXT NOT NULL,
  link_id       BIGINT REFERENCES supplier_links (link_id),
  channel       TEXT NOT NULL CHECK (channel IN ('direct_sale', 'purchase', 'wages', 'dividends')),
  quantity      BIGINT NOT NULL CHECK (quantity > 0),
  paid_fen      BIGINT NOT NULL CHECK (paid_fen >= 0),
  PRIMARY KEY (lot_id, household_id)
);
CREATE INDEX lot_households_household ON lot_households (household_id);

CREATE TABLE institutions (
  institution_id )SQL" + id + R"SQL( PRIMARY KEY,
  name           TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('government', 'school', 'hospital', 'enterprise', 'army', 'other')),
  region_code    TEXT NOT NULL REFERENCES regions (code),
  buyer_user_id  BIGINT NOT NULL UNIQUE REFERENCES users (user_id),
  synthetic      INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1))
);

CREATE TABLE orders (
  order_id         )SQL" + id + R"SQL( PRIMARY KEY,
  buyer_user_id    BIGINT NOT NULL REFERENCES users (user_id),
  institution_id   BIGINT REFERENCES institutions (institution_id),
  idempotency_key  TEXT NOT NULL,
  request_hash     TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('placed', 'paid', 'packed', 'shipped', 'delivered', 'accepted',
                                                  'cancelled', 'refunded')),
  total_fen        BIGINT NOT NULL CHECK (total_fen >= 0),
  ship_name        TEXT NOT NULL,
  ship_phone       TEXT NOT NULL,
  ship_address     TEXT NOT NULL,
  note             TEXT,
  placed_at        TEXT NOT NULL,
  paid_at          TEXT,
  closed_at        TEXT,
  tracking_no      TEXT,
  invoice_no       TEXT,
  inspection_note  TEXT,
  synthetic        INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
  UNIQUE (buyer_user_id, idempotency_key)
);
CREATE INDEX orders_buyer ON orders (buyer_user_id, order_id);
CREATE INDEX orders_paid_at ON orders (paid_at);

CREATE TABLE order_lines (
  line_id         )SQL" + id + R"SQL( PRIMARY KEY,
  order_id        BIGINT NOT NULL REFERENCES orders (order_id),
  product_id      BIGINT NOT NULL REFERENCES products (product_id),
  supplier_id     BIGINT NOT NULL REFERENCES suppliers (supplier_id),
  county_code     TEXT NOT NULL,
  quantity        BIGINT NOT NULL CHECK (quantity > 0),
  unit_price_fen  BIGINT NOT NULL CHECK (unit_price_fen > 0),
  amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0)
);
CREATE INDEX order_lines_order ON order_lines (order_id);
CREATE INDEX order_lines_supplier ON order_lines (supplier_id, order_id);

CREATE TABLE allocations (
  line_id      BIGINT NOT NULL REFERENCES order_lines (line_id),
  lot_id       BIGINT NOT NULL REFERENCES lots (lot_id),
  county_code  TEXT NOT NULL,
  quantity     BIGINT NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (line_id, lot_id)
);
CREATE INDEX allocations_lot ON allocations (lot_id);

CREATE TABLE order_events (
  event_id    )SQL" + id + R"SQL( PRIMARY KEY,
  order_id    BIGINT NOT NULL REFERENCES orders (order_id),
  state       TEXT NOT NULL,
  at          TEXT NOT NULL,
  user_id     BIGINT,
  note        TEXT
);
CREATE INDEX order_events_order ON order_events (order_id, event_id);

CREATE TABLE payments (
  payment_id   )SQL" + id + R"SQL( PRIMARY KEY,
  order_id     BIGINT NOT NULL REFERENCES orders (order_id),
  kind         TEXT NOT NULL CHECK (kind IN ('payment', 'refund')),
  provider     TEXT NOT NULL,
  reference    TEXT NOT NULL,
  amount_fen   BIGINT NOT NULL CHECK (amount_fen >= 0),
  at           TEXT NOT NULL,
  user_id      BIGINT
);
CREATE INDEX payments_order ON payments (order_id);

CREATE TABLE ratings (
  order_id     BIGINT NOT NULL REFERENCES orders (order_id),
  supplier_id  BIGINT NOT NULL REFERENCES suppliers (supplier_id),
  stars        INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
  comment      TEXT,
  at           TEXT NOT NULL,
  PRIMARY KEY (order_id, supplier_id)
);
CREATE INDEX ratings_supplier ON ratings (supplier_id);

CREATE TABLE payouts (
  payout_id    )SQL" + id + R"SQL( PRIMARY KEY,
  supplier_id  BIGINT NOT NULL REFERENCES suppliers (supplier_id),
  period       TEXT NOT NULL,
  amount_fen   BIGINT NOT NULL CHECK (amount_fen > 0),
  reference    TEXT NOT NULL,
  at           TEXT NOT NULL,
  user_id      BIGINT
);
CREATE INDEX payouts_supplier ON payouts (supplier_id, period);

CREATE TABLE ledger (
  entry_id        )SQL" + id + R"SQL( PRIMARY KEY,
  household_id    BIGINT NOT NULL REFERENCES households (household_id),
  county_code     TEXT NOT NULL,
  village_code    TEXT NOT NULL,
  order_id        BIGINT NOT NULL REFERENCES orders (order_id),
  line_id         BIGINT NOT NULL REFERENCES order_lines (line_id),
  lot_id          BIGINT NOT NULL REFERENCES lots (lot_id),
  supplier_id     BIGINT NOT NULL,
  product_id      BIGINT NOT NULL,
  channel         TEXT NOT NULL CHECK (channel IN ('direct_sale', 'purchase', 'wages', 'dividends')),
  year            INTEGER NOT NULL,
  quantity        BIGINT NOT NULL,
  amount_fen      BIGINT NOT NULL,
  local_value_fen BIGINT,
  reverses        BIGINT REFERENCES ledger (entry_id),
  at              TEXT NOT NULL
);
CREATE INDEX ledger_household ON ledger (household_id, year);
CREATE INDEX ledger_year_county ON ledger (year, county_code);
CREATE INDEX ledger_line ON ledger (line_id);
CREATE INDEX ledger_order ON ledger (order_id);
CREATE INDEX ledger_reverses ON ledger (reverses);
)SQL";
}

// The benefit ledger is evidence like the audit log: entries are never
// changed or removed; a reversal is a new, compensating entry.
constexpr const char* kSqliteTriggers = R"SQL(
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
  SELECT RAISE(ABORT, 'the benefit ledger is append-only');
END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
  SELECT RAISE(ABORT, 'the benefit ledger is append-only');
END;
)SQL";

constexpr const char* kPostgresTriggers = R"SQL(
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'the benefit ledger is append-only';
END;
$fn$;
CREATE TRIGGER ledger_no_change BEFORE UPDATE OR DELETE ON ledger
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
)SQL";

// The marketplace's own configuration, apart from the registry's settings
// (which a registry import replaces). The platform's service fee on a
// supplier's net sales is in basis points: configuration, not a fact.
constexpr const char* kConfig = R"SQL(
CREATE TABLE market_config (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL,
  source TEXT NOT NULL
);
INSERT INTO market_config (key, value, source) VALUES ('fee_bp', '100',
  'platform configuration: service fee on suppliers'' net sales in basis points (100 = 1 %); an operator may change it');
)SQL";

}  // namespace

void CreateSchema(db::Connection& conn) {
  if (conn.dialect() == db::Dialect::kSqlite) {
    conn.Exec(Tables("INTEGER"));
    conn.Exec(kSqliteTriggers);
  } else {
    conn.Exec(Tables("BIGINT GENERATED BY DEFAULT AS IDENTITY"));
    conn.Exec(kPostgresTriggers);
  }
  conn.Exec(kConfig);
}

}  // namespace fupin::market
