#pragma once
// Signing in and out, recognising a session on every request, and adding
// users. Passwords are Argon2id (accounts/password.h); sessions are random
// tokens of which the database keeps only a hash.
//
// Thread-safety: AccountService is safe to call from any number of threads.
// SignIn and CreateUser hash a password (~230 ms, 64 MiB): call them from a
// worker thread, never an I/O thread. At most Options::max_concurrent_hashes
// hashes run at once; callers beyond that wait, and beyond
// Options::max_waiting_hashes waiting callers the call fails at once with
// kUnavailable, so a burst of sign-ins cannot exhaust memory.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "accounts/model.h"
#include "accounts/password.h"
#include "base/result.h"

namespace fupin::db {
class Connection;
class Pool;
}  // namespace fupin::db
namespace fupin::regions {
class RegionTree;
}
namespace fupin::audit {
class AuditLog;
}

namespace fupin::accounts {

// A new session: `token` goes into the cookie and is never stored.
struct SignedIn {
  std::string token;
  std::string csrf_token;
  Principal principal;
  int64_t expires_at = 0;  // seconds since 1970, UTC
};

// The session behind a request.
struct SessionInfo {
  Principal principal;
  std::string csrf_token;
  int64_t expires_at = 0;  // seconds since 1970, UTC
};

// An account as others may see it (no password hash).
struct UserView {
  int64_t user_id = 0;
  std::string username;
  Role role = Role::kBuyer;
  std::string region_code;
  std::string created_at;  // UTC ISO-8601
  bool disabled = false;
};

struct UserPage {
  std::vector<UserView> items;         // by user_id
  std::optional<int64_t> next_after;  // set when more follow: `after_id` of the next page
};

// What an administrator or `fupin user add` asks for; checked by AddUser.
struct NewUser {
  std::string username;
  std::string role;         // a RoleName
  std::string region_code;  // the grant
  std::string password;
};

// Checks `user` without hashing: kInvalidArgument naming "username", "role",
// "region" or "password"; kConflict when the name is taken.
Status CheckNewUser(db::Connection& conn, const NewUser& user);

// Adds an account: checks it (CheckNewUser), hashes the password on the
// calling thread at `cost`, and inserts it with the audit entry "user.add" in
// one transaction on `conn`. `who` is the administrator (nullptr: the command
// line). Returns the new user_id. For the command line and tests;
// AccountService::CreateUser is the server's way.
Result<int64_t> AddUser(db::Connection& conn, const audit::AuditLog& audit, const NewUser& user,
                        const Principal* who = nullptr, std::string_view remote_address = {},
                        PasswordCost cost = PasswordCost::kInteractive);

// Tuning of AccountService; the defaults are the production values.
struct AccountOptions {
  int64_t session_ttl_s = 8 * 3600;
  // Mark the session cookie Secure (HTTPS only). Off by default so that the
  // demo works over plain http on the local machine; on behind TLS.
  bool secure_cookie = false;
  // Stored hashes keep their own cost; this sets the cost of new hashes and
  // of the dummy hash checked for unknown names. kMinimum only in tests.
  PasswordCost password_cost = PasswordCost::kInteractive;
  int max_concurrent_hashes = 2;  // 2 × 64 MiB
  int max_waiting_hashes = 8;     // ~1 s of queue at 2 × 230 ms
  // Failed sign-ins within `failure_window_s` after which further attempts
  // are refused without hashing: per account, and per remote address.
  int account_failure_limit = 5;
  int address_failure_limit = 20;
  int64_t failure_window_s = 15 * 60;
  // How long a session read from the database is trusted from memory before
  // it is read again (so a sign-out or a disabled account in another
  // process takes effect within this time).
  int64_t recheck_s = 30;
  size_t cache_capacity = 10000;  // sessions held in memory
  // Sessions that expired longer ago than this are deleted, at most once per
  // sweep interval, by a sign-in (the table would otherwise only grow).
  int64_t expired_session_retention_s = 7 * 24 * 3600;
  int64_t session_sweep_interval_s = 3600;
};

class AccountService {
 public:
  using Options = AccountOptions;


  // `pool`, `tree` and `audit` are borrowed and must outlive the service.
  // `now_unix_s` (seconds since 1970, UTC) must be thread-safe.
  AccountService(db::Pool& pool, const regions::RegionTree& tree, const audit::AuditLog& audit,
                 AccountOptions options = {});
  AccountService(db::Pool& pool, const regions::RegionTree& tree, const audit::AuditLog& audit,
                 AccountOptions options, std::function<int64_t()> now_unix_s);

  // Checks the password and opens a session. Errors:
  //  kUnauthenticated  wrong user name or password (the same words for both),
  //                    or a disabled account;
  //  kResourceExhausted too many failed sign-ins for this account or from this
  //                    address within the window (RetryAfter tells how long);
  //                    no hash is computed;
  //  kUnavailable      too many sign-ins waiting for a hash; try again.
  // An unknown name still costs one verification, so timing does not reveal
  // which names exist. Successes and refusals are written to the audit log.
  //
  // Failure counts are held in this process's memory: several server
  // processes each allow the limits, and a restart forgets them.
  Result<SignedIn> SignIn(std::string_view username, std::string_view password, std::string_view remote_address);

  // Seconds until SignIn(username, …, remote_address) would be considered
  // again; 0 when it is not refused now.
  int64_t RetryAfter(std::string_view username, std::string_view remote_address);

  // The session of `token` (the cookie). kUnauthenticated when it is unknown,
  // expired, signed out, or its account is disabled. Answers from memory for
  // Options::recheck_s after each database read.
  Result<SessionInfo> Authenticate(std::string_view token);

  // Ends the session of `token` (audited as "session.sign_out").
  // kUnauthenticated when it is not an open session.
  Status SignOut(std::string_view token, std::string_view remote_address = {});

  // An administrator adds an account inside its grant: kPermissionDenied
  // unless `admin` may manage users in `user.region_code`; otherwise as AddUser.
  Result<UserView> CreateUser(const Principal& admin, std::string_view remote_address, const NewUser& user);

  // Accounts inside `admin`'s grant, by user_id, after `after_id` (0: from
  // the start). kPermissionDenied unless `admin` may manage users.
  Result<UserPage> ListUsers(const Principal& admin, int limit, int64_t after_id);

  // Disables (or enables again) an account inside the admin's grant; a
  // disabled account's sessions end at once. kNotFound for an unknown id or
  // one outside the grant, kConflict for the admin's own account.
  Result<UserView> SetDisabled(const Principal& admin, std::string_view remote_address, int64_t user_id,
                               bool disabled);

  // The signed-in user's own password. kInvalidArgument "current_password"
  // when it is wrong (counted like a failed sign-in), "new_password" when the
  // new one breaks the rules. The user's other sessions end.
  Status ChangePassword(const Principal& who, std::string_view remote_address, std::string_view current_password,
                        std::string_view new_password);

  int64_t session_ttl_s() const { return options_.session_ttl_s; }
  bool secure_cookie() const { return options_.secure_cookie; }
  const regions::RegionTree& tree() const { return tree_; }

 private:
  struct CachedSession {
    SessionInfo info;
    int64_t checked_at = 0;
  };

  // Waits for one of the hash slots; kUnavailable when too many wait already.
  // Every success must be paired with ReleaseHashSlot().
  Status AcquireHashSlot();
  // Drops every cached session of `user_id` except `keep_session_id`.
  void ForgetUser(int64_t user_id, int64_t keep_session_id);
  void ReleaseHashSlot();
  const std::string& DummyHash();
  // Under limits_mu_: drops failures older than the window.
  void Prune(std::deque<int64_t>& failures, int64_t now) const;
  // Takes back the failure SignIn reserved at `at` (the attempt did not fail);
  // `success` also forgets the account's earlier failures.
  void Unreserve(const std::string& username, const std::string& address, int64_t at, bool success);
  void RefuseAudit(std::string_view username, std::string_view region_code, std::string_view remote_address,
                   std::string_view detail);

  db::Pool& pool_;
  const regions::RegionTree& tree_;
  const audit::AuditLog& audit_;
  Options options_;
  std::function<int64_t()> now_;

  std::mutex hash_mu_;
  std::condition_variable hash_cv_;
  int hashes_running_ = 0;
  int hashes_waiting_ = 0;
  std::once_flag dummy_once_;
  std::string dummy_hash_;

  // Failure times (seconds), oldest first; an attempt in progress counts as a
  // failure until it succeeds, so concurrent guesses cannot overshoot a limit.
  std::atomic<int64_t> last_session_sweep_{0};  // unix seconds
  std::mutex limits_mu_;
  std::unordered_map<std::string, std::deque<int64_t>> account_failures_;
  // Refusals already written to the audit log, by key ("account:NAME",
  // "address:IP"), until when: one entry per lockout, not one per attempt, so
  // that refused attempts (which cost the caller nothing) cannot flood the log.
  std::unordered_map<std::string, int64_t> refusal_logged_until_;
  std::unordered_map<std::string, std::deque<int64_t>> address_failures_;

  std::mutex cache_mu_;
  std::unordered_map<std::string, CachedSession> cache_;  // by token hash
  // Counts sign-outs: a database read that raced with one is not cached, so
  // a session signed out in this process is never trusted again from memory.
  uint64_t sign_outs_ = 0;
};

}  // namespace fupin::accounts
