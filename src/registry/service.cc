#include "registry/service.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "accounts/model.h"
#include "audit/audit_log.h"
#include "db/pool.h"
#include "regions/tree.h"
#include "registry/identity.h"

namespace fupin::registry {
namespace {

// A refusal about a record the caller named by id: when the role may do the
// action somewhere, the refusal must not say where the record is (its
// village is not the caller's to know); a refusal of the role itself stands.
Error Hidden(const accounts::Principal& principal, accounts::Action action, Error refusal, const std::string& what) {
  if (!accounts::Allows(principal.role, action)) return refusal;
  return Error::Denied(what + " is outside the region your account covers");
}

using accounts::Action;

bool SameYear(const HouseholdYear& a, const HouseholdYear& b) {
  return a.year == b.year && a.status == b.status && a.monitor_kind == b.monitor_kind && a.exit_year == b.exit_year &&
         a.income_per_capita == b.income_per_capita && a.needs_unmet == b.needs_unmet;
}

// The household-year a change would produce, checked against its neighbours.
struct Outcome {
  store::YearRecord result;
  bool changes_row = true;  // false: identical to the row the registry holds
};

// Computes and checks the record `changes` would make of `year` for
// `household`, from the registry as `conn` sees it now.
Result<Outcome> Resolve(db::Connection& conn, const store::HouseholdRecord& household, int year,
                        const ChangeSet& changes) {
  if (changes.empty()) {
    return Error::Invalid(
        "a change request changes at least one of status, income_per_capita_fen, exit_year, monitor_kind, "
        "needs_unmet",
        "body");
  }
  std::vector<store::YearRecord> years = store::HouseholdYears(conn, household.household_id);
  const store::YearRecord* current = nullptr;
  ChangeContext ctx;
  for (const store::YearRecord& y : years) {
    if (y.year.year < year) ctx.prev = y.year;
    if (y.year.year == year) current = &y;
    if (y.year.year > year && !ctx.next) ctx.next = y.year;
  }
  store::YearRecord base;
  if (current) {
    base = *current;
  } else {
    // A new year must be one the registry can judge (its poverty line is
    // reference data) and one the household was registered by; otherwise a
    // single far-future row would become everyone's "latest year".
    if (!store::PovertyLineFen(conn, year)) {
      return Error::Invalid(fmt::format("no poverty line for {} in the reference data: a year is added to the "
                                        "registry only once its poverty line is known",
                                        year),
                            "year");
    }
    if (year < household.registered_year) {
      return Error::Invalid(fmt::format("household {} was registered in {}: it has no year {}",
                                        household.household_id, household.registered_year, year),
                            "year");
    }
    // A year the register does not hold yet: its status and income are facts
    // to state, not to carry over; the size is carried from a neighbour.
    if (!changes.status) {
      return Error::Invalid(fmt::format("household {} has no row for {}: a request adding the year gives its status",
                                        household.household_id, year),
                            "status");
    }
    if (!changes.income_per_capita) {
      return Error::Invalid(
          fmt::format("household {} has no row for {}: a request adding the year gives its per-capita income",
                      household.household_id, year),
          "income_per_capita_fen");
    }
    const store::YearRecord* neighbour = nullptr;
    for (const store::YearRecord& y : years) {
      if (y.year.year < year || !neighbour) neighbour = &y;
    }
    if (neighbour) {
      base = *neighbour;
    } else {
      base.members = static_cast<int>(std::max<int64_t>(1, store::MemberCount(conn, household.household_id)));
    }
  }
  Outcome out;
  out.result.members = base.members;
  out.result.year = ApplyChanges(base.year, year, changes);
  if (auto line = store::PovertyLineFen(conn, year)) ctx.poverty_line = Money::FromFen(*line);
  if (ctx.next) {
    if (auto line = store::PovertyLineFen(conn, ctx.next->year)) ctx.next_poverty_line = Money::FromFen(*line);
  }
  if (Status s = CheckChange(out.result.year, ctx); !s) return s.error();
  out.changes_row = !current || !SameYear(current->year, out.result.year);
  return out;
}

std::string JoinIds(const std::vector<HouseholdView>& items) {
  std::string out;
  for (const HouseholdView& h : items) {
    if (!out.empty()) out.push_back(',');
    out += std::to_string(h.household.household_id);
  }
  return out;
}

}  // namespace

RegistryService::RegistryService(db::Pool& pool, const regions::RegionTree& tree, const IdentityVault* vault,
                                 const audit::AuditLog& audit)
    : pool_(pool), tree_(tree), vault_(vault), audit_(audit) {}

template <typename T, typename F>
Result<T> RegistryService::WithConnection(F&& body) const {
  return db::WithConnection<T>(pool_, "registry", std::forward<F>(body));
}

void RegistryService::OnRevisionChange(std::function<void()> listener) {
  std::lock_guard lock(listeners_mu_);
  listeners_.push_back(std::move(listener));
}

void RegistryService::NotifyRevision() const {
  std::lock_guard lock(listeners_mu_);
  for (const auto& listener : listeners_) listener();
}

Result<const regions::Region*> RegistryService::VillageOf(std::string_view code, std::string_view field) const {
  if (!regions::IsRegionCode(code)) {
    return Error::Invalid(fmt::format("'{}' is not a region code: a village code has 12 digits", code),
                          std::string(field));
  }
  const regions::Region* region = tree_.Find(code);
  if (!region) return Error::NotFound(fmt::format("no region {} in the region tree", code));
  if (region->level != regions::Level::kVillage) {
    return Error::Invalid(
        fmt::format("{} {} is a {}, not a village", region->code, region->name, regions::LevelName(region->level)),
        std::string(field));
  }
  return region;
}

bool RegistryService::MayReadIdentity(const accounts::Principal& principal, std::string_view village_code) const {
  return accounts::Allows(principal.role, Action::kReadIdentity) && accounts::InScope(tree_, principal, village_code);
}

Result<std::vector<MemberView>> RegistryService::Members(const std::vector<store::MemberRecord>& rows,
                                                         bool unmasked) const {
  std::vector<MemberView> out;
  out.reserve(rows.size());
  for (const store::MemberRecord& m : rows) {
    MemberView v;
    v.id = m.member_id;
    v.name = m.name;
    v.relation = m.relation;
    v.sex = m.sex;
    v.birth_year = m.birth_year;
    if (unmasked && !m.id_number_sealed.empty()) {
      Result<std::string> opened = vault_->Open(m.member_id, m.id_number_sealed);
      if (!opened) {
        // The message already names the member and the key.
        return Error::Internal(opened.error().message + " (is the server given the registry's own key file?)");
      }
      v.id_number = std::move(*opened);
    } else if (!m.id_number_masked.empty()) {
      v.id_number = m.id_number_masked;
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<HouseholdPage> RegistryService::ListHouseholds(const Caller& caller, const HouseholdQuery& query) const {
  auto village = VillageOf(query.village_code, "code");
  if (!village) return village.error();
  const std::string& code = (*village)->code;
  if (Status s = accounts::Check(tree_, caller.principal, Action::kReadHouseholds, code); !s) return s.error();
  const bool unmasked = MayReadIdentity(caller.principal, code);
  // Checked before any data is read: a clerk gets the numbers or an error, never a silently masked page.
  if (unmasked && !vault_) return Error::Unavailable("the registry key is not available to this server");

  return WithConnection<HouseholdPage>([&](db::Connection& conn) -> Result<HouseholdPage> {
    HouseholdPage page;
    page.village = *village;
    page.unmasked = unmasked;
    std::vector<store::HouseholdInYear> rows;
    std::vector<store::MemberRecord> members;
    {
      db::Transaction tx(conn, /*write=*/false);
      if (query.year) {
        if (!store::HasYear(conn, *query.year)) {
          return Error::NotFound(fmt::format("no registry data for year {}", *query.year));
        }
        page.year = *query.year;
      } else {
        std::optional<int> latest = store::LatestYear(conn);
        if (!latest) return Error::NotFound("no registry data in the database");
        page.year = *latest;
      }
      // One row more than asked tells whether another page follows.
      rows = store::ListVillageHouseholds(conn, code, page.year, query.status, query.after, query.limit + 1);
      if (rows.size() > static_cast<size_t>(query.limit)) {
        rows.resize(static_cast<size_t>(query.limit));
        page.next_after = rows.back().household.household_id;
      }
      if (!rows.empty()) {
        members =
            store::VillageMembers(conn, code, rows.front().household.household_id, rows.back().household.household_id);
      }
      tx.Commit();
    }

    // Members come by household id, as do the rows: walk both together. Members
    // of households not on the page (another status) are skipped.
    size_t m = 0;
    for (store::HouseholdInYear& row : rows) {
      HouseholdView view;
      view.household = std::move(row.household);
      view.years.push_back(row.year);
      std::vector<store::MemberRecord> own;
      while (m < members.size() && members[m].household_id < view.household.household_id) ++m;
      while (m < members.size() && members[m].household_id == view.household.household_id) own.push_back(members[m++]);
      auto views = Members(own, page.unmasked);
      if (!views) return views.error();
      view.members = std::move(*views);
      page.items.push_back(std::move(view));
    }

    if (page.unmasked && !page.items.empty()) {
      // Committed before the numbers leave: a read that cannot be recorded does not happen.
      db::Transaction tx(conn);
      audit_.Append(
          conn, &caller.principal, caller.remote_address,
          audit::Entry{"identity.read", fmt::format("village:{} households:{}", code, JoinIds(page.items)), code,
                       fmt::format("identity numbers of {} households, year {}", page.items.size(), page.year)});
      tx.Commit();
    }
    return page;
  });
}

Result<HouseholdDetail> RegistryService::GetHousehold(const Caller& caller, int64_t household_id) const {
  return WithConnection<HouseholdDetail>([&](db::Connection& conn) -> Result<HouseholdDetail> {
    HouseholdDetail detail;
    std::vector<store::MemberRecord> members;
    {
      db::Transaction tx(conn, /*write=*/false);
      std::optional<store::HouseholdRecord> household = store::FindHousehold(conn, household_id);
      if (!household) return Error::NotFound(fmt::format("no household {} in the registry", household_id));
      if (Status s = accounts::Check(tree_, caller.principal, Action::kReadHouseholds, household->village_code); !s) {
        return Hidden(caller.principal, Action::kReadHouseholds, s.error(), fmt::format("household {}", household_id));
      }
      detail.village = tree_.Find(household->village_code);
      detail.unmasked = MayReadIdentity(caller.principal, household->village_code);
      if (detail.unmasked && !vault_) return Error::Unavailable("the registry key is not available to this server");
      detail.view.household = std::move(*household);
      detail.view.years = store::HouseholdYears(conn, household_id);
      members = store::HouseholdMembers(conn, household_id);
      detail.pending = store::PendingForHousehold(conn, household_id);
      tx.Commit();
    }
    auto views = Members(members, detail.unmasked);
    if (!views) return views.error();
    detail.view.members = std::move(*views);
    if (detail.unmasked) {
      const std::string& code = detail.view.household.village_code;
      db::Transaction tx(conn);
      audit_.Append(conn, &caller.principal, caller.remote_address,
                    audit::Entry{"identity.read", fmt::format("household:{}", household_id), code,
                                 fmt::format("identity numbers of {} members", detail.view.members.size())});
      tx.Commit();
    }
    return detail;
  });
}

Result<ChangeRequest> RegistryService::Propose(const Caller& caller, const ProposeChange& command) const {
  if (command.reason.empty()) return Error::Invalid("a change request needs a reason", "reason");
  return WithConnection<ChangeRequest>([&](db::Connection& conn) -> Result<ChangeRequest> {
    int64_t id = 0;
    {
      db::Transaction tx(conn);
      // Locked (PostgreSQL) so that the check below and the insert see one registry.
      if (!store::LockHousehold(conn, command.household_id)) {
        return Error::NotFound(fmt::format("no household {} in the registry", command.household_id));
      }
      std::optional<store::HouseholdRecord> household = store::FindHousehold(conn, command.household_id);
      if (!household) return Error::NotFound(fmt::format("no household {} in the registry", command.household_id));
      if (Status s = accounts::Check(tree_, caller.principal, Action::kProposeChange, household->village_code); !s) {
        return Hidden(caller.principal, Action::kProposeChange, s.error(),
                      fmt::format("household {}", command.household_id));
      }
      auto outcome = Resolve(conn, *household, command.year, command.changes);
      if (!outcome) return outcome.error();
      if (!outcome->changes_row) {
        return Error::Invalid(fmt::format("household {} already has these values in {}: the request changes nothing",
                                          command.household_id, command.year),
                              "body");
      }
      store::NewChangeRequest row;
      row.household_id = household->household_id;
      row.county_code = household->county_code;
      row.village_code = household->village_code;
      row.year = command.year;
      row.changes = command.changes;
      row.reason = command.reason;
      row.proposed_by = caller.principal.user_id;
      row.proposed_at = audit::FormatTimestamp(audit_.Now());
      id = store::InsertChangeRequest(conn, row);
      audit_.Append(conn, &caller.principal, caller.remote_address,
                    audit::Entry{"registry.change.propose",
                                 fmt::format("change_request:{} household:{}", id, household->household_id),
                                 household->village_code,
                                 fmt::format("year {}: {}; reason: {}", command.year,
                                             store::ChangesJson(command.changes), command.reason)});
      tx.Commit();
    }
    std::optional<ChangeRequest> stored = store::FindChangeRequest(conn, id);
    if (!stored) return Error::Internal(fmt::format("change request {} vanished after it was written", id));
    return *stored;
  });
}

Result<ChangeRequestPage> RegistryService::ListChangeRequests(const Caller& caller,
                                                              const ChangeRequestQuery& query) const {
  std::string code = query.region.empty() ? caller.principal.region_code : query.region;
  if (!regions::IsRegionCode(code)) {
    return Error::Invalid(fmt::format("'{}' is not a region code: a region code has 12 digits", code), "region");
  }
  const regions::Region* region = tree_.Find(code);
  if (!region) return Error::Invalid(fmt::format("no region {} in the region tree", code), "region");
  if (Status s = accounts::Check(tree_, caller.principal, Action::kReadHouseholds, code); !s) return s.error();
  // Counties of a prefecture or the county itself by county_code; below a
  // county, the villages themselves (a township has a few dozen).
  store::RequestScope scope;
  scope.by_county = region->level == regions::Level::kPrefecture || region->level == regions::Level::kCounty;
  for (const regions::Region* r : tree_.Subtree(code)) {
    if (r->level == (scope.by_county ? regions::Level::kCounty : regions::Level::kVillage)) scope.codes.push_back(r->code);
  }
  return WithConnection<ChangeRequestPage>([&](db::Connection& conn) -> Result<ChangeRequestPage> {
    ChangeRequestPage page;
    page.items = store::ListChangeRequests(conn, scope, query.state, query.after, query.limit + 1);
    if (page.items.size() > static_cast<size_t>(query.limit)) {
      page.items.resize(static_cast<size_t>(query.limit));
      page.next_after = page.items.back().id;
    }
    return page;
  });
}

Result<ChangeRequest> RegistryService::GetChangeRequest(const Caller& caller, int64_t request_id) const {
  return WithConnection<ChangeRequest>([&](db::Connection& conn) -> Result<ChangeRequest> {
    std::optional<ChangeRequest> request = store::FindChangeRequest(conn, request_id);
    if (!request) return Error::NotFound(fmt::format("no change request {}", request_id));
    if (Status s = accounts::Check(tree_, caller.principal, Action::kReadHouseholds, request->village_code); !s) {
      return Hidden(caller.principal, Action::kReadHouseholds, s.error(), fmt::format("change request {}", request_id));
    }
    return *request;
  });
}

Result<ChangeRequest> RegistryService::Approve(const Caller& caller, int64_t request_id) const {
  Result<ChangeRequest> out = WithConnection<ChangeRequest>(
      [&](db::Connection& conn) { return Decide(conn, caller, request_id, ChangeState::kApproved, {}); });
  if (out) NotifyRevision();
  return out;
}

Result<ChangeRequest> RegistryService::Reject(const Caller& caller, int64_t request_id, std::string_view reason) const {
  if (reason.empty()) return Error::Invalid("a rejection needs a reason", "reason");
  return WithConnection<ChangeRequest>(
      [&](db::Connection& conn) { return Decide(conn, caller, request_id, ChangeState::kRejected, reason); });
}

Result<ChangeRequest> RegistryService::Decide(db::Connection& conn, const Caller& caller, int64_t request_id,
                                              ChangeState to, std::string_view reason) const {
  const bool approve = to == ChangeState::kApproved;
  {
    db::Transaction tx(conn);
    std::optional<ChangeRequest> request = store::FindChangeRequest(conn, request_id);
    if (!request) return Error::NotFound(fmt::format("no change request {}", request_id));
    if (Status s = accounts::Check(tree_, caller.principal, Action::kApproveChange, request->village_code); !s) {
      return Hidden(caller.principal, Action::kApproveChange, s.error(), fmt::format("change request {}", request_id));
    }
    // Four eyes: a change to the registry is made by two people.
    if (request->proposed_by == caller.principal.user_id) {
      return Error::Denied(
          fmt::format("change request {} was proposed by you: another registry clerk decides it", request_id));
    }
    auto already = [&](const ChangeRequest& r) {
      return Error::Conflict(fmt::format("change request {} was already {} by user {} at {}", request_id,
                                         ChangeStateName(r.state), r.decided_by.value_or(0), r.decided_at));
    };
    if (request->state != ChangeState::kPending) return already(*request);
    std::string now = audit::FormatTimestamp(audit_.Now());
    // The conditional update decides a race between two deciders: the loser
    // changes no row and reports the winner's decision.
    if (!store::DecideChangeRequest(conn, request_id, to, caller.principal.user_id, now, reason)) {
      tx.Commit();  // nothing was written; ends the transaction cleanly
      std::optional<ChangeRequest> winner = store::FindChangeRequest(conn, request_id);
      if (winner) return already(*winner);
      return Error::Conflict(fmt::format("change request {} is no longer pending", request_id));
    }
    std::string detail;
    if (approve) {
      if (!store::LockHousehold(conn, request->household_id)) {
        return Error::Conflict(fmt::format("household {} is no longer in the registry", request->household_id));
      }
      std::optional<store::HouseholdRecord> household = store::FindHousehold(conn, request->household_id);
      if (!household) {
        return Error::Conflict(fmt::format("household {} is no longer in the registry", request->household_id));
      }
      auto outcome = Resolve(conn, *household, request->year, request->changes);
      if (!outcome) {
        return Error::Conflict(
            fmt::format("change request {} no longer fits the registry, which changed since it "
                        "was proposed: {}; reject it and propose again",
                        request_id, outcome.error().message));
      }
      store::UpsertHouseholdYear(conn, *household, outcome->result);
      store::BumpRevision(conn);
      detail = fmt::format("year {}: {}", request->year, store::ChangesJson(request->changes));
    } else {
      detail = fmt::format("reason: {}", reason);
    }
    audit_.Append(conn, &caller.principal, caller.remote_address,
                  audit::Entry{approve ? "registry.change.approve" : "registry.change.reject",
                               fmt::format("change_request:{} household:{}", request_id, request->household_id),
                               request->village_code, detail});
    tx.Commit();
  }
  std::optional<ChangeRequest> stored = store::FindChangeRequest(conn, request_id);
  if (!stored) return Error::Internal(fmt::format("change request {} vanished after it was decided", request_id));
  return *stored;
}

int64_t RegistryRevision(db::Connection& conn) { return store::Revision(conn); }

}  // namespace fupin::registry
