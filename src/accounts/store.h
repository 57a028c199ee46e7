#pragma once
// The SQL of accounts: users and sessions (schema in accounts/schema.cc).
// Plain functions on a connection; the caller holds the transaction. Errors
// of the database itself are thrown as db::DbError (db/database.h).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/model.h"

namespace fupin::db {
class Connection;
}

namespace fupin::accounts {

struct UserRecord {
  int64_t user_id = 0;
  std::string username;
  Role role = Role::kBuyer;
  std::string region_code;
  std::string password_hash;
  std::string created_at;  // UTC ISO-8601
  bool disabled = false;
};

struct SessionRecord {
  int64_t session_id = 0;
  std::string token_hash;  // accounts::TokenHash of the cookie's token
  int64_t user_id = 0;
  std::string csrf_token;
  std::string created_at;
  std::string expires_at;
  std::string remote_address;
  std::string ended_at;  // "" while the session is open
};

// nullopt when there is no such user.
std::optional<UserRecord> FindUser(db::Connection& conn, std::string_view username);

// Inserts `user` (its user_id is ignored) and returns the new id; nullopt when
// the user name is taken.
std::optional<UserRecord> FindUserById(db::Connection& conn, int64_t user_id);
void SetUserDisabled(db::Connection& conn, int64_t user_id, bool disabled);
void SetPasswordHash(db::Connection& conn, int64_t user_id, std::string_view password_hash);
// Ends every open session of `user_id` except `keep_session_id` (0: none
// kept); returns how many.
int64_t EndUserSessions(db::Connection& conn, int64_t user_id, int64_t keep_session_id, std::string_view ended_at);

std::optional<int64_t> InsertUser(db::Connection& conn, const UserRecord& user);

// Up to `limit` users with user_id > `after_id`, by user_id.
std::vector<UserRecord> ListUsers(db::Connection& conn, int64_t after_id, int limit);

// The name of region `code`; nullopt when the region does not exist.
std::optional<std::string> FindRegionName(db::Connection& conn, std::string_view code);

// Inserts `session` (its session_id is ignored) and returns the new id.
int64_t InsertSession(db::Connection& conn, const SessionRecord& session);

struct SessionWithUser {
  SessionRecord session;
  UserRecord user;
};
// The session stored under `token_hash`, with its user; nullopt when none.
std::optional<SessionWithUser> FindSession(db::Connection& conn, std::string_view token_hash);

// Marks the session ended at `ended_at`; false when it was unknown or already ended.
bool EndSession(db::Connection& conn, std::string_view token_hash, std::string_view ended_at);

// Deletes the sessions that expired before `cutoff` (an ISO-8601 UTC
// timestamp); returns how many.
int64_t DeleteSessionsExpiredBefore(db::Connection& conn, std::string_view cutoff);

}  // namespace fupin::accounts
