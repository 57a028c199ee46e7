#include "accounts/routes.h"

#include <cstdint>

#include <fmt/format.h>

#include "accounts/model.h"
#include "accounts/service.h"
#include "api/app.h"
#include "api/context.h"
#include "api/json_body.h"
#include "api/reply.h"
#include "audit/model.h"
#include "base/json_writer.h"
#include "base/text.h"
#include "regions/tree.h"

namespace fupin::accounts {
namespace {

using api::Call;
using api::ErrorResponse;
using api::JsonResponse;
using http::Response;

// Bounds on what a request may carry; the account rules (model.h) are checked
// by the service and are tighter.
constexpr size_t kMaxUsernameBytes = 64;
constexpr size_t kMaxPasswordBytes = 1024;

void WriteRegion(json::Writer& w, const regions::RegionTree& tree, std::string_view code) {
  const regions::Region* r = tree.Find(code);
  w.BeginObject();
  w.Key("code").String(code);
  w.Key("name").String(r ? std::string_view(r->name) : std::string_view());
  w.EndObject();
}

// {"user":{…},"csrf_token":"…","expires_at":"…"}: the answer to sign-in and
// to GET /session, so a reloaded page recovers its CSRF token.
std::string SessionBody(const regions::RegionTree& tree, const Principal& p, std::string_view csrf_token,
                        int64_t expires_at) {
  json::Writer w;
  w.BeginObject();
  w.Key("user").BeginObject();
  w.Key("id").Int(p.user_id);
  w.Key("username").String(p.username);
  w.Key("role").String(RoleName(p.role));
  w.Key("region");
  WriteRegion(w, tree, p.region_code);
  w.EndObject();
  w.Key("csrf_token").String(csrf_token);
  w.Key("expires_at").String(audit::FormatTimestamp(expires_at));
  w.EndObject();
  return w.Take();
}

void WriteUser(json::Writer& w, const regions::RegionTree& tree, const UserView& u) {
  w.BeginObject();
  w.Key("id").Int(u.user_id);
  w.Key("username").String(u.username);
  w.Key("role").String(RoleName(u.role));
  w.Key("region");
  WriteRegion(w, tree, u.region_code);
  w.Key("created_at").String(u.created_at);
  w.Key("disabled").Bool(u.disabled);
  w.EndObject();
}

// POST /api/v1/session {"username","password"}
Response PostSession(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  std::string username = body->String("username", 1, kMaxUsernameBytes);
  std::string password = body->String("password", 1, kMaxPasswordBytes);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());

  AccountService& accounts = *call.services.accounts;
  Result<SignedIn> in = accounts.SignIn(username, password, call.request.remote_address);
  if (!in) {
    Response r = ErrorResponse(in.error());
    if (in.error().code == ErrorCode::kResourceExhausted) {
      int64_t wait = accounts.RetryAfter(username, call.request.remote_address);
      r.headers.emplace_back("Retry-After", std::to_string(wait > 0 ? wait : 1));
    }
    return r;
  }
  Response r = JsonResponse(SessionBody(*call.services.tree, in->principal, in->csrf_token, in->expires_at));
  r.headers.emplace_back("Set-Cookie", SessionCookie(in->token, accounts.session_ttl_s(), accounts.secure_cookie()));
  return r;
}

// GET /api/v1/session
Response GetSession(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  // The app authenticated this token a moment ago: the answer comes from memory.
  Result<SessionInfo> info = call.services.accounts->Authenticate(call.request.Cookie(api::kSessionCookie));
  if (!info) return ErrorResponse(info.error());
  return JsonResponse(SessionBody(*call.services.tree, info->principal, info->csrf_token, info->expires_at));
}

// DELETE /api/v1/session
Response DeleteSession(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Status out = call.services.accounts->SignOut(call.request.Cookie(api::kSessionCookie), call.request.remote_address);
  if (!out) return ErrorResponse(out.error());
  Response r = api::NoContent();
  r.headers.emplace_back("Set-Cookie", SessionCookie("", 0, call.services.accounts->secure_cookie()));
  return r;
}

// GET /api/v1/users?limit=&cursor=
Response GetUsers(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"limit", "cursor"}); !s) return ErrorResponse(s.error());
  Result<api::PageRequest> page = api::ParsePage(call.request, 50, 500);
  if (!page) return ErrorResponse(page.error());
  int64_t after = 0;
  if (!page->after.empty()) {
    Result<int64_t> id = text::ParseInt64InRange(page->after, 1, INT64_MAX);
    if (!id) return ErrorResponse(Error::Invalid("cursor is not one this server wrote", "cursor"));
    after = *id;
  }
  Result<UserPage> users = call.services.accounts->ListUsers(*call.principal, page->limit, after);
  if (!users) return ErrorResponse(users.error());
  json::Writer w;
  w.BeginObject();
  w.Key("items").BeginArray();
  for (const UserView& u : users->items) WriteUser(w, *call.services.tree, u);
  w.EndArray();
  // next_cursor is absent on the last page.
  if (users->next_after) w.Key("next_cursor").String(api::EncodeCursor(std::to_string(*users->next_after)));
  w.EndObject();
  return JsonResponse(w.Take());
}

// POST /api/v1/users {"username","role","region","password"}
Response PostUsers(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  NewUser user;
  user.username = body->String("username", 1, kMaxUsernameBytes);
  user.role = body->String("role", 1, 32);
  user.region_code = body->String("region", 1, 32);
  user.password = body->String("password", 1, kMaxPasswordBytes);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  Result<UserView> added = call.services.accounts->CreateUser(*call.principal, call.request.remote_address, user);
  if (!added) return ErrorResponse(added.error());
  json::Writer w;
  WriteUser(w, *call.services.tree, *added);
  return JsonResponse(201, w.Take());
}

// PATCH /api/v1/users/{id} {"disabled": true|false}
Response PatchUser(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Result<int64_t> id = text::ParseInt64InRange(call.Param("id"), 1, INT64_MAX);
  if (!id) return ErrorResponse(Error::Invalid("id must be a user id (a positive integer)", "id"));
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  bool disabled = body->Bool("disabled");
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  Result<UserView> user =
      call.services.accounts->SetDisabled(*call.principal, call.request.remote_address, *id, disabled);
  if (!user) return ErrorResponse(user.error());
  json::Writer w;
  WriteUser(w, *call.services.tree, *user);
  return JsonResponse(w.Take());
}

// PUT /api/v1/session/password {"current_password","new_password"}
Response PutPassword(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  std::string current = body->String("current_password", 1, kMaxPasswordBytes);
  std::string next = body->String("new_password", 1, kMaxPasswordBytes);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  Status changed = call.services.accounts->ChangePassword(*call.principal, call.request.remote_address, current, next);
  if (!changed) return ErrorResponse(changed.error());
  return api::NoContent();
}

}  // namespace

std::string SessionCookie(std::string_view token, int64_t max_age_s, bool secure) {
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", api::kSessionCookie, token, max_age_s,
                     secure ? "; Secure" : "");
}

void AddRoutes(api::RouteTable& table) {
  table.Post("/api/v1/session", PostSession, api::Access::kPublic);
  table.Get("/api/v1/session", GetSession);
  table.Delete("/api/v1/session", DeleteSession);
  table.Get("/api/v1/users", GetUsers);
  table.Post("/api/v1/users", PostUsers);
  table.Patch("/api/v1/users/{id}", PatchUser);
  table.Put("/api/v1/session/password", PutPassword);
}

}  // namespace fupin::accounts
