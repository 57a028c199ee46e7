#pragma once
// HTTP routes of accounts (thin: parse, one AccountService call, reply):
//   POST   /api/v1/session  sign in (public)         → 200 session, Set-Cookie
//   GET    /api/v1/session  the signed-in user        → 200 session
//   DELETE /api/v1/session  sign out (CSRF)           → 204, cookie cleared
//   GET    /api/v1/users    accounts in the admin's grant (paged)
//   POST   /api/v1/users    an admin adds an account  → 201 user
#include <cstdint>
#include <string>
#include <string_view>

namespace fupin::api {
class RouteTable;
}

namespace fupin::accounts {

void AddRoutes(api::RouteTable& table);

// The Set-Cookie value that holds `token` for `max_age_s` seconds: HttpOnly
// (no script reads it), SameSite=Strict (no other site's page sends it), Path=/.
// An empty token with max_age_s 0 clears the cookie. `secure` adds Secure
// (sent over HTTPS only): for a server behind TLS (`fupin serve --secure-cookie`).
std::string SessionCookie(std::string_view token, int64_t max_age_s, bool secure = false);

}  // namespace fupin::accounts
