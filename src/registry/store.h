#pragma once
// The registry's SQL for the API (households, members, years, change requests
// and the registry revision). Each function is one or two prepared statements
// with `?` placeholders, the same text on SQLite and PostgreSQL; callers own
// the transaction. Every function throws db::DbError when the database fails;
// nothing else is an exception. Thread-safety: as the Connection (one thread at
// a time).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "db/database.h"
#include "regions/model.h"
#include "registry/change_request.h"
#include "registry/model.h"

namespace fupin::registry::store {

struct HouseholdRecord {
  int64_t household_id = 0;
  std::string county_code;
  std::string township_code;
  std::string village_code;
  std::string head_name;
  std::string cause;  // "" when not recorded
  int registered_year = 0;
};

struct MemberRecord {
  int64_t member_id = 0;
  int64_t household_id = 0;
  std::string name;
  std::string relation;
  char sex = 'F';
  int birth_year = 0;
  std::string id_number_masked;  // "" when no number is recorded
  std::string id_number_sealed;  // "" when no number is recorded; open with IdentityVault
};

// A household_years row: the rules' view plus the registered size.
struct YearRecord {
  HouseholdYear year;
  int members = 0;
};

// A household with its row of one year (ListVillageHouseholds).
struct HouseholdInYear {
  HouseholdRecord household;
  YearRecord year;
};

// ---------------------------------------------------------------------------
// Reading the registry.

// The latest year with household data; nullopt when there is none.
std::optional<int> LatestYear(db::Connection& conn);
// True when some household has a row for `year`.
bool HasYear(db::Connection& conn, int year);

std::optional<HouseholdRecord> FindHousehold(db::Connection& conn, int64_t household_id);

// Households of `village_code` with a row for `year` (and `status`, when
// given), household_id > `after`, by household_id; at most `limit` rows.
std::vector<HouseholdInYear> ListVillageHouseholds(db::Connection& conn, std::string_view village_code, int year,
                                                   std::optional<HouseholdStatus> status, int64_t after, int limit);

// Members of the households of `village_code` whose ids lie in [first, last],
// by household_id then member_id (one query for a page of households).
std::vector<MemberRecord> VillageMembers(db::Connection& conn, std::string_view village_code, int64_t first,
                                         int64_t last);
std::vector<MemberRecord> HouseholdMembers(db::Connection& conn, int64_t household_id);

// Every year of a household, ascending.
std::vector<YearRecord> HouseholdYears(db::Connection& conn, int64_t household_id);

// The number of member rows of a household.
int64_t MemberCount(db::Connection& conn, int64_t household_id);

// The poverty line of `year` in fen; nullopt when the reference data has none.
std::optional<int64_t> PovertyLineFen(db::Connection& conn, int year);

// ---------------------------------------------------------------------------
// Writing the registry (inside the caller's write transaction).

// On PostgreSQL, locks the household's row until the transaction ends, so that
// two approvals touching one household apply one after the other (SQLite's
// BEGIN IMMEDIATE already serialises writers). False when there is no such household.
bool LockHousehold(db::Connection& conn, int64_t household_id);

// Writes `y` as the household's row of y.year.year: updates the row when there
// is one, inserts it otherwise (with the household's county and village).
void UpsertHouseholdYear(db::Connection& conn, const HouseholdRecord& household, const YearRecord& y);

// ---------------------------------------------------------------------------
// Change requests.

struct NewChangeRequest {
  int64_t household_id = 0;
  std::string county_code;
  std::string village_code;
  int year = 0;
  ChangeSet changes;
  std::string reason;
  int64_t proposed_by = 0;
  std::string proposed_at;  // UTC ISO-8601
};
// Inserts a pending request and returns its id.
int64_t InsertChangeRequest(db::Connection& conn, const NewChangeRequest& request);

std::optional<ChangeRequest> FindChangeRequest(db::Connection& conn, int64_t request_id);

// Which requests a list covers: those whose county_code (by_county) or
// village_code is one of `codes`, taken from the region tree, never from code
// prefixes (a division's code need not begin with its parent's).
struct RequestScope {
  bool by_county = true;
  std::vector<std::string> codes;
};
// Requests in `scope`, in `state` when given, request_id > `after`, by
// request_id; at most `limit`.
std::vector<ChangeRequest> ListChangeRequests(db::Connection& conn, const RequestScope& scope,
                                              std::optional<ChangeState> state, int64_t after, int limit);

// The pending requests of one household, by id.
std::vector<ChangeRequest> PendingForHousehold(db::Connection& conn, int64_t household_id);

// Moves a pending request to `to` (approved or rejected). Returns false, and
// changes nothing, when the request is no longer pending: of two concurrent
// decisions exactly one gets true.
bool DecideChangeRequest(db::Connection& conn, int64_t request_id, ChangeState to, int64_t decided_by,
                         std::string_view decided_at, std::string_view decision_reason);

// The stored form of a ChangeSet, which is also the API's "changes" object:
// {"status":…,"income_per_capita_fen":…,"exit_year":…,"monitor_kind":…,
// "needs_unmet":"housing;water"} with only the fields it changes, in that order.
std::string ChangesJson(const ChangeSet& changes);
// kInternal when `json` is not what ChangesJson writes.
Result<ChangeSet> ParseChangesJson(std::string_view json);

// ---------------------------------------------------------------------------
// The registry revision: a counter raised by every committed change of
// registry data (approvals, imports), so caches of figures computed from the
// registry (reports::IndicatorService) know when to recompute.

// The current revision (1 on a new database).
int64_t Revision(db::Connection& conn);
// Raises the revision by one.
void BumpRevision(db::Connection& conn);
// BumpRevision when the registry_revision table exists (a database migrated
// to version 4 or later); returns whether it did.
bool BumpRevisionIfPresent(db::Connection& conn);

// ---------------------------------------------------------------------------


}  // namespace fupin::registry::store
