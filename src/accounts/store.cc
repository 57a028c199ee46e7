#include "accounts/store.h"

#include "db/database.h"

namespace fupin::accounts {
namespace {

constexpr const char* kUserColumns =
    "u.user_id, u.username, u.role, u.region_code, u.password_hash, u.created_at, u.disabled";

// Reads the kUserColumns starting at `first`. The CHECK constraint keeps role
// one of the nine names; an unknown one would be a bug and reads as the least
// privileged role.
UserRecord ReadUser(db::Statement& st, int first) {
  UserRecord u;
  u.user_id = st.Int(first);
  u.username = st.Text(first + 1);
  u.role = ParseRole(st.Text(first + 2)).value_or(Role::kBuyer);
  u.region_code = st.Text(first + 3);
  u.password_hash = st.Text(first + 4);
  u.created_at = st.Text(first + 5);
  u.disabled = st.Int(first + 6) != 0;
  return u;
}

}  // namespace

std::optional<UserRecord> FindUser(db::Connection& conn, std::string_view username) {
  auto st = conn.Prepare(std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.username = ?");
  st->Bind(1, username);
  std::optional<UserRecord> found;
  while (st->Step()) found = ReadUser(*st, 0);
  return found;
}

std::optional<UserRecord> FindUserById(db::Connection& conn, int64_t user_id) {
  auto st = conn.Prepare(std::string("SELECT ") + kUserColumns + " FROM users u WHERE u.user_id = ?");
  st->Bind(1, user_id);
  std::optional<UserRecord> found;
  while (st->Step()) found = ReadUser(*st, 0);
  return found;
}

void SetUserDisabled(db::Connection& conn, int64_t user_id, bool disabled) {
  auto st = conn.Prepare("UPDATE users SET disabled = ? WHERE user_id = ?");
  st->Bind(1, disabled ? 1 : 0).Bind(2, user_id);
  st->Run();
}

void SetPasswordHash(db::Connection& conn, int64_t user_id, std::string_view password_hash) {
  auto st = conn.Prepare("UPDATE users SET password_hash = ? WHERE user_id = ?");
  st->Bind(1, password_hash).Bind(2, user_id);
  st->Run();
}

int64_t EndUserSessions(db::Connection& conn, int64_t user_id, int64_t keep_session_id, std::string_view ended_at) {
  auto st = conn.Prepare(
      "UPDATE sessions SET ended_at = ? WHERE user_id = ? AND session_id <> ? AND ended_at IS NULL");
  st->Bind(1, ended_at).Bind(2, user_id).Bind(3, keep_session_id);
  st->Run();
  return st->Changes();
}

std::optional<int64_t> InsertUser(db::Connection& conn, const UserRecord& user) {
  // ON CONFLICT DO NOTHING: two clerks adding the same name at once get one
  // user and one kConflict, never a constraint error.
  auto st = conn.Prepare(
      "INSERT INTO users (username, role, region_code, password_hash, created_at, disabled) "
      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING RETURNING user_id");
  st->Bind(1, user.username);
  st->Bind(2, RoleName(user.role));
  st->Bind(3, user.region_code);
  st->Bind(4, user.password_hash);
  st->Bind(5, user.created_at);
  st->Bind(6, user.disabled ? 1 : 0);
  std::optional<int64_t> id;
  // Step to the end: on SQLite a RETURNING statement left active blocks COMMIT.
  while (st->Step()) id = st->Int(0);
  return id;
}

std::vector<UserRecord> ListUsers(db::Connection& conn, int64_t after_id, int limit) {
  auto st = conn.Prepare(std::string("SELECT ") + kUserColumns +
                         " FROM users u WHERE u.user_id > ? ORDER BY u.user_id LIMIT ?");
  st->Bind(1, after_id);
  st->Bind(2, limit);
  std::vector<UserRecord> out;
  while (st->Step()) out.push_back(ReadUser(*st, 0));
  return out;
}

std::optional<std::string> FindRegionName(db::Connection& conn, std::string_view code) {
  auto st = conn.Prepare("SELECT name FROM regions WHERE code = ?");
  st->Bind(1, code);
  std::optional<std::string> name;
  while (st->Step()) name = st->Text(0);
  return name;
}

int64_t InsertSession(db::Connection& conn, const SessionRecord& s) {
  auto st = conn.Prepare(
      "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, remote_address) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING session_id");
  st->Bind(1, s.token_hash);
  st->Bind(2, s.user_id);
  st->Bind(3, s.csrf_token);
  st->Bind(4, s.created_at);
  st->Bind(5, s.expires_at);
  if (s.remote_address.empty()) {
    st->BindNull(6);
  } else {
    st->Bind(6, s.remote_address);
  }
  int64_t id = 0;
  while (st->Step()) id = st->Int(0);
  return id;
}

std::optional<SessionWithUser> FindSession(db::Connection& conn, std::string_view token_hash) {
  auto st = conn.Prepare(
      std::string("SELECT s.session_id, s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, "
                  "s.remote_address, s.ended_at, ") +
      kUserColumns + " FROM sessions s JOIN users u ON u.user_id = s.user_id WHERE s.token_hash = ?");
  st->Bind(1, token_hash);
  std::optional<SessionWithUser> found;
  while (st->Step()) {
    SessionWithUser r;
    r.session.session_id = st->Int(0);
    r.session.token_hash = st->Text(1);
    r.session.user_id = st->Int(2);
    r.session.csrf_token = st->Text(3);
    r.session.created_at = st->Text(4);
    r.session.expires_at = st->Text(5);
    r.session.remote_address = st->Text(6);
    r.session.ended_at = st->Text(7);
    r.user = ReadUser(*st, 8);
    found = std::move(r);
  }
  return found;
}

bool EndSession(db::Connection& conn, std::string_view token_hash, std::string_view ended_at) {
  auto st = conn.Prepare("UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL");
  st->Bind(1, ended_at);
  st->Bind(2, token_hash);
  st->Run();
  return st->Changes() > 0;
}

int64_t DeleteSessionsExpiredBefore(db::Connection& conn, std::string_view cutoff) {
  auto st = conn.Prepare("DELETE FROM sessions WHERE expires_at < ?");
  st->Bind(1, cutoff);
  st->Run();
  return st->Changes();
}

}  // namespace fupin::accounts
