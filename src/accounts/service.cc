#include "accounts/service.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "accounts/store.h"
#include "audit/audit_log.h"
#include "db/database.h"
#include "db/pool.h"
#include "regions/tree.h"

namespace fupin::accounts {
namespace {

constexpr size_t kTokenBytes = 32;  // 256 bits: not guessable, not worth brute-forcing
// Above this many tracked names or addresses, entries whose failures all aged
// out are dropped, so guessing with many names cannot grow memory for ever.
constexpr size_t kSweepAt = 10000;
constexpr int kUserBatch = 200;

std::string RetryText(int64_t seconds) {
  if (seconds <= 90) return fmt::format("{} seconds", seconds);
  return fmt::format("{} minutes", (seconds + 59) / 60);
}

Principal PrincipalOf(const UserRecord& user, int64_t session_id) {
  Principal p;
  p.user_id = user.user_id;
  p.username = user.username;
  p.role = user.role;
  p.region_code = user.region_code;
  p.session_id = session_id;
  return p;
}

UserView ViewOf(const UserRecord& user) {
  return UserView{user.user_id, user.username, user.role, user.region_code, user.created_at, user.disabled};
}

// Seconds until `failures` (oldest first) holds fewer than `limit` entries
// younger than `window`; 0 when it already does.
int64_t WaitBelow(const std::deque<int64_t>& failures, size_t limit, int64_t window, int64_t now) {
  if (failures.size() < limit) return 0;
  int64_t free_at = failures[failures.size() - limit] + window;
  return std::max<int64_t>(1, free_at - now);
}

// Inserts the user and its audit entry in one transaction.
Result<int64_t> InsertWithAudit(db::Connection& conn, const audit::AuditLog& audit, const NewUser& user,
                                std::string password_hash, const Principal* who, std::string_view remote_address) {
  UserRecord record;
  record.username = user.username;
  record.role = *ParseRole(user.role);
  record.region_code = user.region_code;
  record.password_hash = std::move(password_hash);
  record.created_at = audit::FormatTimestamp(audit.Now());
  db::Transaction tx(conn);
  std::optional<int64_t> id = InsertUser(conn, record);
  if (!id) return Error::Conflict(fmt::format("a user named {} exists already", user.username));
  audit.Append(conn, who, remote_address,
               audit::Entry{"user.add", "user:" + user.username, user.region_code,
                            fmt::format("role {}", user.role) + (who ? "" : " (command line)")});
  tx.Commit();
  return *id;
}

}  // namespace

Status CheckNewUser(db::Connection& conn, const NewUser& user) {
  if (Status s = CheckUsername(user.username); !s) return s;
  if (!ParseRole(user.role)) {
    return Error::Invalid(fmt::format("unknown role '{}' (admin, official, registry, auditor, county_operator, "
                                      "station_operator, outlet_operator, supplier or buyer)",
                                      user.role),
                          "role");
  }
  if (!FindRegionName(conn, user.region_code)) {
    return Error::Invalid(fmt::format("no region with code '{}'", user.region_code), "region");
  }
  if (Status s = CheckPassword(user.password); !s) return s;
  if (FindUser(conn, user.username)) return Error::Conflict(fmt::format("a user named {} exists already", user.username));
  return {};
}

Result<int64_t> AddUser(db::Connection& conn, const audit::AuditLog& audit, const NewUser& user, const Principal* who,
                        std::string_view remote_address, PasswordCost cost) {
  if (Status s = CheckNewUser(conn, user); !s) return s.error();
  Result<std::string> hash = HashPassword(user.password, cost);
  if (!hash) return hash.error();
  return InsertWithAudit(conn, audit, user, std::move(*hash), who, remote_address);
}

AccountService::AccountService(db::Pool& pool, const regions::RegionTree& tree, const audit::AuditLog& audit,
                               AccountOptions options)
    : AccountService(pool, tree, audit, options, audit::SystemClock) {}

AccountService::AccountService(db::Pool& pool, const regions::RegionTree& tree, const audit::AuditLog& audit,
                               Options options, std::function<int64_t()> now_unix_s)
    : pool_(pool), tree_(tree), audit_(audit), options_(options), now_(std::move(now_unix_s)) {}

Status AccountService::AcquireHashSlot() {
  std::unique_lock lock(hash_mu_);
  if (hashes_running_ >= options_.max_concurrent_hashes && hashes_waiting_ >= options_.max_waiting_hashes) {
    return Error::Unavailable("the server is busy signing others in; try again in a moment");
  }
  ++hashes_waiting_;
  hash_cv_.wait(lock, [&] { return hashes_running_ < options_.max_concurrent_hashes; });
  --hashes_waiting_;
  ++hashes_running_;
  return {};
}

void AccountService::ReleaseHashSlot() {
  {
    std::lock_guard lock(hash_mu_);
    --hashes_running_;
  }
  hash_cv_.notify_one();
}

const std::string& AccountService::DummyHash() {
  // Hashed once, lazily: a random password nobody knows, at the cost new
  // hashes get, so an unknown name costs what a known one does.
  std::call_once(dummy_once_, [&] {
    Result<std::string> hash = HashPassword(RandomToken(kTokenBytes), options_.password_cost);
    dummy_hash_ = hash ? *hash : std::string();
  });
  return dummy_hash_;
}

void AccountService::Prune(std::deque<int64_t>& failures, int64_t now) const {
  while (!failures.empty() && failures.front() <= now - options_.failure_window_s) failures.pop_front();
}

void AccountService::Unreserve(const std::string& username, const std::string& address, int64_t at, bool success) {
  std::lock_guard lock(limits_mu_);
  auto take_back = [at](std::deque<int64_t>& failures) {
    auto it = std::find(failures.rbegin(), failures.rend(), at);
    if (it != failures.rend()) failures.erase(std::next(it).base());
  };
  if (auto it = account_failures_.find(username); it != account_failures_.end()) {
    if (success) {
      account_failures_.erase(it);
    } else {
      take_back(it->second);
    }
  }
  // A success keeps the address's failures: one right password among many
  // guesses from an address must not reset its count.
  if (auto it = address_failures_.find(address); it != address_failures_.end()) take_back(it->second);
}

void AccountService::RefuseAudit(std::string_view username, std::string_view region_code,
                                 std::string_view remote_address, std::string_view detail) {
  Result<db::Pool::Lease> lease = pool_.Acquire();
  if (!lease) return;  // the refusal stands; only its record is lost with the database
  try {
    db::Transaction tx(**lease);
    audit_.Append(**lease, nullptr, remote_address,
                  audit::Entry{"session.refused", "user:" + std::string(username), std::string(region_code),
                               std::string(detail)});
    tx.Commit();
  } catch (const db::DbError&) {
    lease->Discard();
    throw;
  }
}

Result<SignedIn> AccountService::SignIn(std::string_view username_view, std::string_view password,
                                        std::string_view remote_address) {
  const std::string username(username_view);
  const std::string address(remote_address);
  const int64_t now = now_();

  // Count the attempt before hashing; refuse without hashing over a limit.
  {
    std::unique_lock lock(limits_mu_);
    if (account_failures_.size() > kSweepAt || address_failures_.size() > kSweepAt ||
        refusal_logged_until_.size() > kSweepAt) {
      std::erase_if(refusal_logged_until_, [now](const auto& entry) { return entry.second <= now; });
      for (auto* map : {&account_failures_, &address_failures_}) {
        for (auto it = map->begin(); it != map->end();) {
          Prune(it->second, now);
          it = it->second.empty() ? map->erase(it) : std::next(it);
        }
      }
    }
    auto& by_account = account_failures_[username];
    auto& by_address = address_failures_[address];
    Prune(by_account, now);
    Prune(by_address, now);
    int64_t account_wait = WaitBelow(by_account, options_.account_failure_limit, options_.failure_window_s, now);
    int64_t address_wait = WaitBelow(by_address, options_.address_failure_limit, options_.failure_window_s, now);
    if (account_wait > 0 || address_wait > 0) {
      const std::string key = account_wait > 0 ? "account:" + username : "address:" + address;
      int64_t& logged_until = refusal_logged_until_[key];
      const bool first_refusal = logged_until <= now;
      if (first_refusal) logged_until = now + std::max(account_wait, address_wait);
      lock.unlock();
      std::string message =
          account_wait > 0
              ? fmt::format("too many failed sign-ins for {}; try again in {}", username, RetryText(account_wait))
              : fmt::format("too many failed sign-ins from this address; try again in {}", RetryText(address_wait));
      if (first_refusal) RefuseAudit(username, {}, remote_address, message + " (later refusals in this lockout are not logged)");
      return Error::Exhausted(std::move(message));
    }
    by_account.push_back(now);
    by_address.push_back(now);
  }

  bool judged = false;  // after the verification, the attempt counts whatever follows
  try {
    std::optional<UserRecord> user;
    {
      Result<db::Pool::Lease> lease = pool_.Acquire();
      if (!lease) {
        Unreserve(username, address, now, false);
        return lease.error();
      }
      try {
        user = FindUser(**lease, username);
      } catch (const db::DbError&) {
        lease->Discard();
        throw;
      }
    }
    if (Status slot = AcquireHashSlot(); !slot) {
      Unreserve(username, address, now, false);
      return slot.error();
    }
    bool verified = VerifyPassword(user ? user->password_hash : DummyHash(), password);
    ReleaseHashSlot();
    judged = true;

    if (!user || !verified) {
      RefuseAudit(username, user ? user->region_code : std::string(), remote_address, "wrong user name or password");
      return Error::Unauthenticated("wrong user name or password");
    }
    if (user->disabled) {
      Unreserve(username, address, now, false);
      RefuseAudit(username, user->region_code, remote_address, "the account is disabled");
      return Error::Unauthenticated("this account is disabled; ask an administrator");
    }
    Unreserve(username, address, now, true);

    SignedIn out;
    out.token = RandomToken(kTokenBytes);
    out.csrf_token = RandomToken(kTokenBytes);
    out.expires_at = now + options_.session_ttl_s;
    SessionRecord session;
    session.token_hash = TokenHash(out.token);
    session.user_id = user->user_id;
    session.csrf_token = out.csrf_token;
    session.created_at = audit::FormatTimestamp(now);
    session.expires_at = audit::FormatTimestamp(out.expires_at);
    session.remote_address = address;

    Result<db::Pool::Lease> lease = pool_.Acquire();
    if (!lease) return lease.error();
    try {
      db::Transaction tx(**lease);
      int64_t session_id = InsertSession(**lease, session);
      out.principal = PrincipalOf(*user, session_id);
      audit_.Append(**lease, &out.principal, remote_address,
                    audit::Entry{"session.sign_in", fmt::format("session:{}", session_id), user->region_code, {}});
      tx.Commit();
    } catch (const db::DbError&) {
      lease->Discard();
      throw;
    }

    {
      std::lock_guard lock(cache_mu_);
      if (cache_.size() >= options_.cache_capacity) cache_.clear();
      cache_[session.token_hash] = CachedSession{SessionInfo{out.principal, out.csrf_token, out.expires_at}, now};
    }
    // One sign-in per sweep interval also clears out long-expired sessions.
    int64_t last = last_session_sweep_.load();
    if (now - last >= options_.session_sweep_interval_s && last_session_sweep_.compare_exchange_strong(last, now)) {
      try {
        DeleteSessionsExpiredBefore(**lease, audit::FormatTimestamp(now - options_.expired_session_retention_s));
      } catch (const db::DbError& e) {
        lease->Discard();  // the sign-in itself succeeded; the sweep waits for the next interval
        std::fprintf(stderr, "fupin: clearing expired sessions failed: %s\n", e.what());
      }
    }
    return out;
  } catch (const db::DbError&) {
    // An attempt the database stopped before its password was checked is no
    // failure of the account.
    if (!judged) Unreserve(username, address, now, false);
    throw;
  }
}

int64_t AccountService::RetryAfter(std::string_view username, std::string_view remote_address) {
  const int64_t now = now_();
  std::lock_guard lock(limits_mu_);
  int64_t wait = 0;
  if (auto it = account_failures_.find(std::string(username)); it != account_failures_.end()) {
    Prune(it->second, now);
    wait = WaitBelow(it->second, options_.account_failure_limit, options_.failure_window_s, now);
  }
  if (auto it = address_failures_.find(std::string(remote_address)); it != address_failures_.end()) {
    Prune(it->second, now);
    wait = std::max(wait, WaitBelow(it->second, options_.address_failure_limit, options_.failure_window_s, now));
  }
  return wait;
}

Result<SessionInfo> AccountService::Authenticate(std::string_view token) {
  // A token is 43 characters; anything much longer is not one of ours.
  if (token.empty() || token.size() > 256) return Error::Unauthenticated("sign in first: POST /api/v1/session");
  const std::string hash = TokenHash(token);
  const int64_t now = now_();
  uint64_t sign_outs_before = 0;
  {
    std::lock_guard lock(cache_mu_);
    sign_outs_before = sign_outs_;
    auto it = cache_.find(hash);
    if (it != cache_.end()) {
      if (now >= it->second.info.expires_at) {
        cache_.erase(it);
        return Error::Unauthenticated("the session has expired; sign in again");
      }
      if (now - it->second.checked_at < options_.recheck_s) return it->second.info;
    }
  }

  Result<db::Pool::Lease> lease = pool_.Acquire();
  if (!lease) return lease.error();
  std::optional<SessionWithUser> row;
  try {
    row = FindSession(**lease, hash);
  } catch (const db::DbError&) {
    lease->Discard();
    throw;
  }
  auto forget = [&] {
    std::lock_guard lock(cache_mu_);
    cache_.erase(hash);
  };
  if (!row) {
    forget();
    return Error::Unauthenticated("the session is not known; sign in again");
  }
  Result<int64_t> expires_at = audit::ParseTimestamp(row->session.expires_at, "expires_at");
  if (!row->session.ended_at.empty()) {
    forget();
    return Error::Unauthenticated("the session was signed out; sign in again");
  }
  if (!expires_at || now >= *expires_at) {
    forget();
    return Error::Unauthenticated("the session has expired; sign in again");
  }
  if (row->user.disabled) {
    forget();
    return Error::Unauthenticated("this account is disabled; ask an administrator");
  }
  SessionInfo info{PrincipalOf(row->user, row->session.session_id), row->session.csrf_token, *expires_at};
  std::lock_guard lock(cache_mu_);
  if (sign_outs_ != sign_outs_before) return info;  // maybe this very session: let the next request read again
  if (cache_.size() >= options_.cache_capacity && !cache_.contains(hash)) {
    std::erase_if(cache_, [&](const auto& entry) { return now >= entry.second.info.expires_at; });
    // Still full of live sessions: start again; each is read back on its next request.
    if (cache_.size() >= options_.cache_capacity) cache_.clear();
  }
  cache_[hash] = CachedSession{info, now};
  return info;
}

Status AccountService::SignOut(std::string_view token, std::string_view remote_address) {
  if (token.empty()) return Error::Unauthenticated("not signed in");
  const std::string hash = TokenHash(token);
  auto forget = [&] {
    std::lock_guard lock(cache_mu_);
    cache_.erase(hash);
    ++sign_outs_;
  };
  forget();
  Result<db::Pool::Lease> lease = pool_.Acquire();
  if (!lease) return lease.error();
  try {
    db::Transaction tx(**lease);
    std::optional<SessionWithUser> row = FindSession(**lease, hash);
    if (!row || !EndSession(**lease, hash, audit::FormatTimestamp(now_()))) {
      return Error::Unauthenticated("the session is not open; nothing to sign out");
    }
    Principal who = PrincipalOf(row->user, row->session.session_id);
    audit_.Append(**lease, &who, remote_address,
                  audit::Entry{"session.sign_out", fmt::format("session:{}", row->session.session_id),
                               row->user.region_code, {}});
    tx.Commit();
  } catch (const db::DbError&) {
    lease->Discard();
    throw;
  }
  // Again after the commit: a request that read the session in between must
  // not have put it back.
  forget();
  return {};
}

Result<UserView> AccountService::CreateUser(const Principal& admin, std::string_view remote_address,
                                            const NewUser& user) {
  if (Status s = Check(tree_, admin, Action::kManageUsers); !s) return s.error();
  if (tree_.Find(user.region_code) == nullptr) {
    return Error::Invalid(fmt::format("no region with code '{}'", user.region_code), "region");
  }
  if (Status s = Check(tree_, admin, Action::kManageUsers, user.region_code); !s) return s.error();
  // An admin must not be able to hand itself identity data (registry) or
  // more admins: those accounts are made with `fupin user add` by whoever
  // runs the server, so one account can never unmask or approve alone.
  if (user.role == "registry" || user.role == "admin") {
    return Error{ErrorCode::kPermissionDenied,
                 fmt::format("accounts with the role {} are added on the server with `fupin user add`, not through "
                             "the API",
                             user.role),
                 "role"};
  }

  Result<db::Pool::Lease> lease = pool_.Acquire();
  if (!lease) return lease.error();
  try {
    if (Status s = CheckNewUser(**lease, user); !s) return s.error();
    if (Status slot = AcquireHashSlot(); !slot) return slot.error();
    Result<std::string> hash = HashPassword(user.password, options_.password_cost);
    ReleaseHashSlot();
    if (!hash) return hash.error();
    Result<int64_t> id = InsertWithAudit(**lease, audit_, user, std::move(*hash), &admin, remote_address);
    if (!id) return id.error();
    std::optional<UserRecord> added = FindUser(**lease, user.username);
    if (!added) return Error::Internal("the new user vanished after its insert");
    return ViewOf(*added);
  } catch (const db::DbError&) {
    lease->Discard();
    throw;
  }
}

Result<UserPage> AccountService::ListUsers(const Principal& admin, int limit, int64_t after_id) {
  if (Status s = Check(tree_, admin, Action::kManageUsers); !s) return s.error();
  if (limit < 1) return Error::Invalid("limit must be at least 1", "limit");
  Result<db::Pool::Lease> lease = pool_.Acquire();
  if (!lease) return lease.error();
  UserPage page;
  // Users are few (hundreds); reading by id and keeping those inside the
  // grant avoids a query per grant shape.
  try {
    int64_t cursor = after_id;
    while (page.items.size() <= static_cast<size_t>(limit)) {
      std::vector<UserRecord> batch = accounts::ListUsers(**lease, cursor, kUserBatch);
      for (const UserRecord& u : batch) {
        if (tree_.Covers(admin.region_code, u.region_code)) page.items.push_back(ViewOf(u));
        if (page.items.size() > static_cast<size_t>(limit)) break;
      }
      if (batch.size() < static_cast<size_t>(kUserBatch)) break;
      cursor = batch.back().user_id;
    }
  } catch (const db::DbError&) {
    lease->Discard();
    throw;
  }
  if (page.items.size() > static_cast<size_t>(limit)) {
    page.items.resize(static_cast<size_t>(limit));
    page.next_after = page.items.back().user_id;
  }
  return page;
}

void AccountService::ForgetUser(int64_t user_id, int64_t keep_session_id) {
  std::lock_guard lock(cache_mu_);
  std::erase_if(cache_, [&](const auto& entry) {
    const Principal& p = entry.second.info.principal;
    return p.user_id == user_id && p.session_id != keep_session_id;
  });
}

Result<UserView> AccountService::SetDisabled(const Principal& admin, std::string_view remote_address, int64_t user_id,
                                             bool disabled) {
  if (Status s = Check(tree_, admin, Action::kManageUsers); !s) return s.error();
  if (user_id == admin.user_id) return Error::Conflict("an admin cannot disable or enable its own account");
  Result<db::Pool::Lease> lease = pool_.Acquire();
  if (!lease) return lease.error();
  std::optional<UserRecord> user;
  try {
    db::Transaction tx(**lease);
    user = FindUserById(**lease, user_id);
    // Outside the grant looks like absent: an admin learns nothing of others' accounts.
    if (!user || !tree_.Covers(admin.region_code, user->region_code)) {
      return Error::NotFound(fmt::format("no user {} within your grant", user_id));
    }
    if (user->disabled != disabled) {
      const int64_t now = now_();
      SetUserDisabled(**lease, user_id, disabled);
      if (disabled) EndUserSessions(**lease, user_id, 0, audit::FormatTimestamp(now));
      audit_.Append(**lease, &admin, remote_address,
                    audit::Entry{disabled ? "user.disable" : "user.enable", "user:" + user->username,
                                 user->region_code, {}});
      user->disabled = disabled;
    }
    tx.Commit();
  } catch (const db::DbError&) {
    lease->Discard();
    throw;
  }
  if (disabled) ForgetUser(user_id, 0);
  return ViewOf(*user);
}

Status AccountService::ChangePassword(const Principal& who, std::string_view remote_address,
                                      std::string_view current_password, std::string_view new_password) {
  if (Status s = CheckPassword(new_password); !s) {
    return Error::Invalid(s.error().message, "new_password");
  }
  const int64_t now = now_();
  {
    // Guessing through this route meets the same limit as signing in.
    std::lock_guard lock(limits_mu_);
    auto& failures = account_failures_[who.username];
    Prune(failures, now);
    if (int64_t wait = WaitBelow(failures, options_.account_failure_limit, options_.failure_window_s, now); wait > 0) {
      return Error::Exhausted(
          fmt::format("too many failed sign-ins for {}; try again in {}", who.username, RetryText(wait)));
    }
  }
  Result<db::Pool::Lease> lease = pool_.Acquire();
  if (!lease) return lease.error();
  try {
    std::optional<UserRecord> user = FindUserById(**lease, who.user_id);
    if (!user) return Error::Unauthenticated("the account no longer exists");
    if (Status slot = AcquireHashSlot(); !slot) return slot.error();
    bool verified = VerifyPassword(user->password_hash, current_password);
    Result<std::string> hash = verified ? HashPassword(new_password, options_.password_cost)
                                        : Result<std::string>(std::string());
    ReleaseHashSlot();
    if (!verified) {
      std::lock_guard lock(limits_mu_);
      account_failures_[who.username].push_back(now);
      return Error::Invalid("the current password is wrong", "current_password");
    }
    if (!hash) return hash.error();
    db::Transaction tx(**lease);
    SetPasswordHash(**lease, who.user_id, *hash);
    // Whoever else holds a session of this account is signed out.
    EndUserSessions(**lease, who.user_id, who.session_id, audit::FormatTimestamp(now));
    audit_.Append(**lease, &who, remote_address, audit::Entry{"user.password", "user:" + who.username,
                                                              who.region_code, {}});
    tx.Commit();
  } catch (const db::DbError&) {
    lease->Discard();
    throw;
  }
  ForgetUser(who.user_id, who.session_id);
  return {};
}

}  // namespace fupin::accounts
