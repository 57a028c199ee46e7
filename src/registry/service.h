#pragma once
// The registry's use cases for the API: households of a village and one
// household (identity numbers masked, or opened and audited for a registry
// clerk in scope), and change requests — propose, list, approve, reject. Every
// call checks the caller's permission (accounts::Check on the household's
// village) and runs its own transactions on a connection of the pool.
//
// Errors are values: kInvalidArgument naming the field, kNotFound,
// kPermissionDenied, kConflict (a request already decided, or one the
// registry no longer admits), kUnavailable (no registry key; the database
// failed — the connection is then discarded from the pool). Thread-safe: each
// call takes its own connection from the pool.
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "db/database.h"
#include "registry/change_request.h"
#include "registry/model.h"
#include "registry/store.h"

namespace fupin::db {
class Pool;
}
namespace fupin::regions {
class RegionTree;
struct Region;
}  // namespace fupin::regions
namespace fupin::accounts {
struct Principal;
}
namespace fupin::audit {
class AuditLog;
}

namespace fupin::registry {

class IdentityVault;

// Who asks: for the permission checks and the audit log.
struct Caller {
  const accounts::Principal& principal;
  std::string_view remote_address;
};

struct MemberView {
  int64_t id = 0;
  std::string name;
  std::string relation;
  char sex = 'F';
  int birth_year = 0;
  // Masked ("622926********1234") or in clear (when the page says unmasked);
  // nullopt when the registry holds no number.
  std::optional<std::string> id_number;
};

struct HouseholdView {
  store::HouseholdRecord household;
  std::vector<MemberView> members;       // by member id
  std::vector<store::YearRecord> years;  // a list: the year asked; one household: every year, ascending
};

struct HouseholdQuery {
  std::string village_code;
  std::optional<int> year;  // default: the latest year with data
  std::optional<HouseholdStatus> status;
  int limit = 50;
  int64_t after = 0;  // the last household id of the previous page (0: the first page)
};

struct HouseholdPage {
  const regions::Region* village = nullptr;
  int year = 0;
  bool unmasked = false;  // identity numbers are in clear (and the read was audited)
  std::vector<HouseholdView> items;
  std::optional<int64_t> next_after;  // set when another page follows
};

struct HouseholdDetail {
  const regions::Region* village = nullptr;
  bool unmasked = false;
  HouseholdView view;
  std::vector<ChangeRequest> pending;  // its pending change requests, by id
};

struct ProposeChange {
  int64_t household_id = 0;
  int year = 0;
  ChangeSet changes;
  std::string reason;
};

struct ChangeRequestQuery {
  std::string region;                // "" = the caller's grant
  std::optional<ChangeState> state;  // nullopt = every state
  int limit = 50;
  int64_t after = 0;
};

struct ChangeRequestPage {
  std::vector<ChangeRequest> items;  // by id
  std::optional<int64_t> next_after;
};

class RegistryService {
 public:
  // `pool`, `tree`, `vault` and `audit` are borrowed and must outlive the
  // service. `vault` may be null: identity reads then fail with kUnavailable
  // ("the registry key is not available to this server").
  RegistryService(db::Pool& pool, const regions::RegionTree& tree, const IdentityVault* vault,
                  const audit::AuditLog& audit);

  // Households of one village with a row in the year. kInvalidArgument
  // "code" (not 12 digits, or not a village), "year" (no data that year is
  // kNotFound), kNotFound for an unknown village, kPermissionDenied without
  // kReadHouseholds on the village. Identity numbers are opened for a caller
  // with kReadIdentity on the village; then one audit entry
  // ("identity.read") is committed before this returns.
  Result<HouseholdPage> ListHouseholds(const Caller& caller, const HouseholdQuery& query) const;

  // One household with its members, every year and its pending requests.
  // Errors and identity rules as ListHouseholds.
  Result<HouseholdDetail> GetHousehold(const Caller& caller, int64_t household_id) const;

  // Records a pending change request after checking that the resulting
  // household-year would satisfy the registry's rules (change_request.h:
  // CheckChange) — kInvalidArgument naming the field otherwise, "body" when
  // it changes nothing. A year without a row needs "status" and
  // "income_per_capita_fen". Audited ("registry.change.propose") in the same
  // transaction. Needs kProposeChange on the household's village.
  Result<ChangeRequest> Propose(const Caller& caller, const ProposeChange& command) const;

  // Requests in a region (default: the caller's grant). kInvalidArgument
  // "region" for a malformed or unknown code; needs kReadHouseholds there.
  Result<ChangeRequestPage> ListChangeRequests(const Caller& caller, const ChangeRequestQuery& query) const;
  Result<ChangeRequest> GetChangeRequest(const Caller& caller, int64_t request_id) const;

  // Approves a pending request: in ONE transaction, marks it approved (only if
  // still pending), writes the household-year, raises the registry revision
  // and appends the audit entry ("registry.change.approve"). Needs
  // kApproveChange on the village; the proposer may not decide their own
  // request (kPermissionDenied). kConflict when it was already decided (of two
  // concurrent approvals exactly one succeeds) or when the registry changed
  // since and the change no longer satisfies the rules. Calls the revision
  // listeners after the commit.
  Result<ChangeRequest> Approve(const Caller& caller, int64_t request_id) const;

  // Rejects a pending request with `reason` (kInvalidArgument "reason" when
  // empty): the same rules and errors as Approve, the registry unchanged,
  // audited as "registry.change.reject".
  Result<ChangeRequest> Reject(const Caller& caller, int64_t request_id, std::string_view reason) const;

  // `listener` is called (on the approving thread, after the commit) each time
  // this service raises the registry revision. Register before serving; it
  // must stay callable while the service is used.
  void OnRevisionChange(std::function<void()> listener);

 private:
  Result<const regions::Region*> VillageOf(std::string_view code, std::string_view field) const;
  bool MayReadIdentity(const accounts::Principal& principal, std::string_view village_code) const;
  Result<std::vector<MemberView>> Members(const std::vector<store::MemberRecord>& rows, bool unmasked) const;
  Result<ChangeRequest> Decide(db::Connection& conn, const Caller& caller, int64_t request_id, ChangeState to,
                               std::string_view reason) const;
  void NotifyRevision() const;
  // Runs `body(conn)` on a pooled connection; a db::DbError discards the
  // connection and comes back as kUnavailable.
  template <typename T, typename F>
  Result<T> WithConnection(F&& body) const;

  db::Pool& pool_;
  const regions::RegionTree& tree_;
  const IdentityVault* vault_;
  const audit::AuditLog& audit_;
  mutable std::mutex listeners_mu_;
  std::vector<std::function<void()>> listeners_;
};

// The registry revision (store.h): raised by every committed change of
// registry data. For caches of figures computed from the registry. Throws db::DbError.
int64_t RegistryRevision(db::Connection& conn);

}  // namespace fupin::registry
