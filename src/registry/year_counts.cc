// The implementation of registry/year_counts.h.
#include "registry/year_counts.h"

#include <string>

namespace fupin::registry {
namespace {

// A household-year row adds one household and its members to the count of
// its (year, village, status, county); removing it takes them away, and a
// count that reaches zero households is removed, so the table is exactly the
// grouped count of household_years. The decrement comes before the removal
// because it locks the row (PostgreSQL): two writers taking the last two
// households of a count each see the other's result, and the second removes
// the row at zero. (A delete of "the row at one household" first would read a
// stale snapshot.) SQLite runs one writer at a time; note that its
// INSERT OR REPLACE fires no delete trigger for the row it replaces (unless
// recursive_triggers is on), so household_years is never written that way.
constexpr const char* kSqliteTriggers = R"SQL(
CREATE TRIGGER household_year_counts_insert AFTER INSERT ON household_years
BEGIN
  INSERT INTO household_year_counts (year, village_code, status, county_code, households, people)
  VALUES (NEW.year, NEW.village_code, NEW.status, NEW.county_code, 1, NEW.members)
  ON CONFLICT (year, village_code, status, county_code)
  DO UPDATE SET households = households + 1, people = people + excluded.people;
END;
CREATE TRIGGER household_year_counts_delete AFTER DELETE ON household_years
BEGIN
  UPDATE household_year_counts SET households = households - 1, people = people - OLD.members
  WHERE year = OLD.year AND village_code = OLD.village_code AND status = OLD.status AND county_code = OLD.county_code;
  DELETE FROM household_year_counts
  WHERE year = OLD.year AND village_code = OLD.village_code AND status = OLD.status AND county_code = OLD.county_code
    AND households = 0;
END;
CREATE TRIGGER household_year_counts_update AFTER UPDATE OF year, village_code, status, members, county_code
ON household_years
BEGIN
  UPDATE household_year_counts SET households = households - 1, people = people - OLD.members
  WHERE year = OLD.year AND village_code = OLD.village_code AND status = OLD.status AND county_code = OLD.county_code;
  DELETE FROM household_year_counts
  WHERE year = OLD.year AND village_code = OLD.village_code AND status = OLD.status AND county_code = OLD.county_code
    AND households = 0;
  INSERT INTO household_year_counts (year, village_code, status, county_code, households, people)
  VALUES (NEW.year, NEW.village_code, NEW.status, NEW.county_code, 1, NEW.members)
  ON CONFLICT (year, village_code, status, county_code)
  DO UPDATE SET households = households + 1, people = people + excluded.people;
END;
)SQL";

constexpr const char* kPostgresFunction = R"SQL(
CREATE FUNCTION household_year_counts_take(r household_years) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE household_year_counts c
  SET households = c.households - 1, people = c.people - r.members
  WHERE c.year = r.year AND c.village_code = r.village_code AND c.status = r.status AND c.county_code = r.county_code;
  DELETE FROM household_year_counts c
  WHERE c.year = r.year AND c.village_code = r.village_code AND c.status = r.status AND c.county_code = r.county_code
    AND c.households = 0;
END;
$fn$;
CREATE FUNCTION household_year_counts_add(r household_years) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO household_year_counts AS c (year, village_code, status, county_code, households, people)
  VALUES (r.year, r.village_code, r.status, r.county_code, 1, r.members)
  ON CONFLICT (year, village_code, status, county_code)
  DO UPDATE SET households = c.households + 1, people = c.people + EXCLUDED.people;
END;
$fn$;
CREATE FUNCTION household_year_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM household_year_counts;
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM household_year_counts_add(NEW);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM household_year_counts_take(OLD);
  ELSIF ROW(OLD.year, OLD.village_code, OLD.status, OLD.county_code) <
        ROW(NEW.year, NEW.village_code, NEW.status, NEW.county_code) THEN
    -- An update touches two counts: always the lower key first, so two
    -- opposite moves (poor to exited and exited to poor) lock them in the
    -- same order and cannot deadlock.
    PERFORM household_year_counts_take(OLD);
    PERFORM household_year_counts_add(NEW);
  ELSE
    PERFORM household_year_counts_add(NEW);
    PERFORM household_year_counts_take(OLD);
  END IF;
  RETURN NULL;
END;
$fn$;
)SQL";

constexpr const char* kPostgresTriggers = R"SQL(
CREATE TRIGGER household_year_counts_insert_delete AFTER INSERT OR DELETE ON household_years
  FOR EACH ROW EXECUTE FUNCTION household_year_counts_keep();
CREATE TRIGGER household_year_counts_update AFTER UPDATE OF year, village_code, status, members, county_code
  ON household_years FOR EACH ROW EXECUTE FUNCTION household_year_counts_keep();
CREATE TRIGGER household_year_counts_truncate AFTER TRUNCATE ON household_years
  FOR EACH STATEMENT EXECUTE FUNCTION household_year_counts_keep();
)SQL";

void CreateTriggers(db::Connection& conn) {
  conn.Exec(conn.dialect() == db::Dialect::kSqlite ? kSqliteTriggers : kPostgresTriggers);
}

}  // namespace

void CreateYearCountsSchema(db::Connection& conn) {
  conn.Exec(R"SQL(
CREATE TABLE household_year_counts (
  year         INTEGER NOT NULL,
  village_code TEXT NOT NULL,
  status       TEXT NOT NULL,
  county_code  TEXT NOT NULL,
  households   BIGINT NOT NULL CHECK (households >= 0),
  people       BIGINT NOT NULL CHECK (people >= 0),
  PRIMARY KEY (year, village_code, status, county_code)
))SQL" + std::string(conn.dialect() == db::Dialect::kSqlite ? " WITHOUT ROWID" : ""));
  if (conn.dialect() == db::Dialect::kPostgres) conn.Exec(kPostgresFunction);
  RestoreYearCounts(conn);
}

void SuspendYearCounts(db::Connection& conn) {
  if (conn.dialect() == db::Dialect::kSqlite) {
    conn.Exec(
        "DROP TRIGGER IF EXISTS household_year_counts_insert; DROP TRIGGER IF EXISTS household_year_counts_delete; "
        "DROP TRIGGER IF EXISTS household_year_counts_update;");
  } else {
    conn.Exec(
        "DROP TRIGGER IF EXISTS household_year_counts_insert_delete ON household_years; "
        "DROP TRIGGER IF EXISTS household_year_counts_update ON household_years; "
        "DROP TRIGGER IF EXISTS household_year_counts_truncate ON household_years;");
  }
}

void RestoreYearCounts(db::Connection& conn) {
  // PostgreSQL: no household row may be written between the recount's
  // snapshot and the triggers' creation (a writer of an older server during
  // the migration); a bulk load already holds a stronger lock.
  if (conn.dialect() == db::Dialect::kPostgres) conn.Exec("LOCK TABLE household_years IN SHARE ROW EXCLUSIVE MODE");
  SuspendYearCounts(conn);  // restoring twice must not create the triggers twice
  conn.Exec("DELETE FROM household_year_counts");
  conn.Exec(
      "INSERT INTO household_year_counts (year, village_code, status, county_code, households, people) "
      "SELECT year, village_code, status, county_code, COUNT(*), SUM(members) FROM household_years "
      "GROUP BY year, village_code, status, county_code");
  CreateTriggers(conn);
}

}  // namespace fupin::registry
