#include "registry/change_request.h"

#include <fmt/format.h>

namespace fupin::registry {

const char* ChangeStateName(ChangeState s) {
  switch (s) {
    case ChangeState::kPending: return "pending";
    case ChangeState::kApproved: return "approved";
    case ChangeState::kRejected: return "rejected";
  }
  return "pending";
}

std::optional<ChangeState> ParseChangeState(std::string_view s) {
  if (s == "pending") return ChangeState::kPending;
  if (s == "approved") return ChangeState::kApproved;
  if (s == "rejected") return ChangeState::kRejected;
  return std::nullopt;
}

HouseholdYear ApplyChanges(const HouseholdYear& base, int year, const ChangeSet& changes) {
  HouseholdYear out = base;
  out.year = year;
  if (changes.status) out.status = *changes.status;
  if (changes.income_per_capita) out.income_per_capita = *changes.income_per_capita;
  if (changes.needs_unmet) out.needs_unmet = *changes.needs_unmet;
  // A status change drops what the new status cannot carry, so that moving a
  // monitored household back to poor needs no explicit "clear" of its monitor
  // kind; a field the request names is kept, and CheckYear judges it.
  bool may_have_exit_year = out.status == HouseholdStatus::kExited || out.status == HouseholdStatus::kMonitored;
  if (changes.exit_year) {
    out.exit_year = *changes.exit_year;
  } else if (!may_have_exit_year) {
    out.exit_year.reset();
  }
  if (changes.monitor_kind) {
    out.monitor_kind = *changes.monitor_kind;
  } else if (out.status != HouseholdStatus::kMonitored) {
    out.monitor_kind.reset();
  }
  return out;
}

namespace {

// The exit rule for a poor → exited step into `exited` (its poverty line known).
Status CheckExit(const HouseholdYear& exited, Money line, std::string_view which) {
  if (exited.income_per_capita <= line) {
    return Error::Invalid(fmt::format("{} exits in {} with a per-capita income of {} yuan, not above that year's "
                                      "poverty line of {} yuan",
                                      which, exited.year, FormatYuan(exited.income_per_capita), FormatYuan(line)),
                          "income_per_capita_fen");
  }
  if (!CanExit(exited.income_per_capita, line, exited.needs_unmet)) {
    return Error::Invalid(fmt::format("{} exits in {} while basic needs are not guaranteed ({})", which, exited.year,
                                      fmt::join(exited.needs_unmet, ";")),
                          "needs_unmet");
  }
  return {};
}

}  // namespace

Status CheckChange(const HouseholdYear& result, const ChangeContext& ctx) {
  if (Status s = CheckYear(result); !s) return s;
  if (ctx.prev) {
    if (Status s = CheckTransition(*ctx.prev, result); !s) return s;
    if (ctx.prev->status == HouseholdStatus::kPoor && result.status == HouseholdStatus::kExited && ctx.poverty_line) {
      if (Status s = CheckExit(result, *ctx.poverty_line, "the household"); !s) return s;
    }
  }
  if (ctx.next) {
    Status s = CheckTransition(result, *ctx.next);
    if (!s) {
      // The rule is broken by the year after: say so, and blame the field of
      // this request that made the sequence fail.
      Error e = s.error();
      e.message = fmt::format("the registry's {} would no longer follow: {}", ctx.next->year, e.message);
      return e;
    }
    if (result.status == HouseholdStatus::kPoor && ctx.next->status == HouseholdStatus::kExited &&
        ctx.next_poverty_line) {
      Status exit = CheckExit(*ctx.next, *ctx.next_poverty_line, fmt::format("the household (in {})", ctx.next->year));
      if (!exit) return Error::Invalid(exit.error().message + ", so it cannot be poor the year before", "status");
    }
  }
  return {};
}

}  // namespace fupin::registry
