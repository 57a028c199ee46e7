#pragma once
// Change requests: the registry never changes silently. A user proposes a
// change to one household-year, another user approves (or rejects) it, and
// only an approval writes household_years. This file holds the pure part —
// what a change is, how it applies to a year, and the rules the resulting
// record must satisfy in the household's sequence of years. No database, no
// JSON, no clock.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/money.h"
#include "base/result.h"
#include "registry/model.h"

namespace fupin::registry {

enum class ChangeState { kPending, kApproved, kRejected };
// "pending", "approved", "rejected".
const char* ChangeStateName(ChangeState s);
std::optional<ChangeState> ParseChangeState(std::string_view s);

// The fields a request changes; nullopt = left as it is. A field the new
// status cannot carry (a monitor kind unless monitored, an exit year unless
// exited or monitored) is dropped when the status changes and the request does
// not name it (ApplyChanges).
struct ChangeSet {
  std::optional<HouseholdStatus> status;
  std::optional<Money> income_per_capita;
  std::optional<int> exit_year;
  std::optional<MonitorKind> monitor_kind;
  std::optional<std::vector<std::string>> needs_unmet;  // in kBasicNeeds order; empty = all guaranteed

  bool empty() const { return !status && !income_per_capita && !exit_year && !monitor_kind && !needs_unmet; }
  friend bool operator==(const ChangeSet&, const ChangeSet&) = default;
};

// A request as stored.
struct ChangeRequest {
  int64_t id = 0;
  int64_t household_id = 0;
  std::string county_code;
  std::string village_code;
  int year = 0;
  ChangeSet changes;
  std::string reason;
  ChangeState state = ChangeState::kPending;
  int64_t proposed_by = 0;  // user id
  std::string proposed_at;  // UTC ISO-8601
  std::optional<int64_t> decided_by;
  std::string decided_at;       // "" while pending
  std::string decision_reason;  // the rejection's reason; "" otherwise
};

// `base` (the year as the registry holds it, or the year it is carried from
// for a year without a row) with `changes` applied, for `year`.
HouseholdYear ApplyChanges(const HouseholdYear& base, int year, const ChangeSet& changes);

// The neighbours of the changed year on the register and the reference data
// the rules need.
struct ChangeContext {
  std::optional<HouseholdYear> prev;       // the household's latest year before the changed one
  std::optional<HouseholdYear> next;       // its earliest year after it
  std::optional<Money> poverty_line;       // of the changed year, when known
  std::optional<Money> next_poverty_line;  // of `next`'s year, when known
};

// Checks that `result` may stand on the register between ctx.prev and
// ctx.next: CheckYear, CheckTransition from prev and to next, and the exit
// rule (CanExit) for a poor → exited step into or out of the changed year
// where that year's poverty line is known. kInvalidArgument naming the field
// of the request ("status", "exit_year", "income_per_capita_fen",
// "needs_unmet", "monitor_kind") that makes the record break a rule.
Status CheckChange(const HouseholdYear& result, const ChangeContext& ctx);

}  // namespace fupin::registry
