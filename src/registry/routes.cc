#include "registry/routes.h"

#include <limits>
#include <utility>

#include <fmt/format.h>

#include "api/json_body.h"
#include "api/reply.h"
#include "base/json_writer.h"
#include "base/text.h"
#include "regions/model.h"
#include "registry/exchange.h"
#include "registry/service.h"

namespace fupin::registry {
namespace {

using api::Call;
using api::CursorId;
using api::PathId;
using api::ErrorResponse;
using api::JsonResponse;
using http::Response;

// The same bound as the registry files (exchange.cc): 10 billion yuan.
constexpr int64_t kMaxFen = 1'000'000'000'000;
constexpr size_t kMaxReasonBytes = 2000;

void WriteNextCursor(json::Writer& w, const std::optional<int64_t>& next) {
  // next_cursor is absent on the last page.
  if (next) w.Key("next_cursor").String(api::EncodeCursor(std::to_string(*next)));
}


void WriteYear(json::Writer& w, const store::YearRecord& r) {
  const HouseholdYear& y = r.year;
  w.BeginObject();
  w.Key("year").Int(y.year);
  w.Key("status").String(StatusName(y.status));
  w.Key("income_per_capita_fen").Int(y.income_per_capita.fen());
  w.Key("members").Int(r.members);
  w.Key("exit_year");
  if (y.exit_year) {
    w.Int(*y.exit_year);
  } else {
    w.Null();
  }
  w.Key("monitor_kind");
  if (y.monitor_kind) {
    w.String(MonitorKindName(*y.monitor_kind));
  } else {
    w.Null();
  }
  w.Key("needs_unmet").String(fmt::format("{}", fmt::join(y.needs_unmet, ";")));
  w.EndObject();
}

void WriteMembers(json::Writer& w, const std::vector<MemberView>& members) {
  w.Key("members").BeginArray();
  for (const MemberView& m : members) {
    w.BeginObject();
    w.Key("id").Int(m.id);
    w.Key("name").String(m.name);
    w.Key("relation").String(m.relation);
    w.Key("sex").String(std::string_view(&m.sex, 1));
    w.Key("birth_year").Int(m.birth_year);
    w.Key("id_number");
    if (m.id_number) {
      w.String(*m.id_number);
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
}

void WriteHouseholdHead(json::Writer& w, const store::HouseholdRecord& h) {
  w.Key("id").Int(h.household_id);
  w.Key("head_name").String(h.head_name);
  w.Key("cause").StringOrNull(h.cause);
  w.Key("registered_year").Int(h.registered_year);
}

void WriteVillage(json::Writer& w, const regions::Region* village, std::string_view code) {
  w.Key("village").BeginObject();
  w.Key("code").String(village ? std::string_view(village->code) : code);
  w.Key("name").String(village ? std::string_view(village->name) : std::string_view());
  w.EndObject();
}

void WriteRequest(json::Writer& w, const ChangeRequest& r) {
  w.BeginObject();
  w.Key("id").Int(r.id);
  w.Key("household_id").Int(r.household_id);
  w.Key("county_code").String(r.county_code);
  w.Key("village_code").String(r.village_code);
  w.Key("year").Int(r.year);
  w.Key("changes").Raw(store::ChangesJson(r.changes));
  w.Key("reason").String(r.reason);
  w.Key("state").String(ChangeStateName(r.state));
  w.Key("proposed_by").Int(r.proposed_by);
  w.Key("proposed_at").String(r.proposed_at);
  w.Key("decided_by");
  if (r.decided_by) {
    w.Int(*r.decided_by);
  } else {
    w.Null();
  }
  w.Key("decided_at").StringOrNull(r.decided_at);
  w.Key("decision_reason").StringOrNull(r.decision_reason);
  w.EndObject();
}

std::string RequestJson(const ChangeRequest& r) {
  json::Writer w;
  WriteRequest(w, r);
  return w.Take();
}

Caller CallerOf(const Call& call) { return Caller{*call.principal, call.request.remote_address}; }

// GET /api/v1/villages/{code}/households?year=&status=&limit=&cursor=
Response ListHouseholds(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"year", "status", "limit", "cursor"}); !s) {
    return ErrorResponse(s.error());
  }
  HouseholdQuery query;
  query.village_code = std::string(call.Param("code"));
  auto year = api::QueryInt(call.request, "year", kMinYear, kMaxYear);
  if (!year) return ErrorResponse(year.error());
  if (*year) query.year = static_cast<int>(**year);
  if (std::optional<std::string> status = call.request.Query("status")) {
    query.status = ParseStatus(*status);
    if (!query.status) {
      return ErrorResponse(Error::Invalid(
          fmt::format("status '{}' is not one of not_poor, poor, exited, monitored", *status), "status"));
    }
  }
  auto page = api::ParsePage(call.request, 50, 500);
  if (!page) return ErrorResponse(page.error());
  // The cursor is "YEAR:ID": the pages after the first stay in the year the
  // first one resolved, even if a newer year appears meanwhile.
  if (!page->after.empty()) {
    size_t colon = page->after.find(':');
    auto cursor_year = text::ParseInt64InRange(page->after.substr(0, colon), kMinYear, kMaxYear);
    if (colon == std::string::npos || !cursor_year || (query.year && *query.year != *cursor_year)) {
      return ErrorResponse(Error::Invalid("cursor is not one this server wrote for this query", "cursor"));
    }
    query.year = static_cast<int>(*cursor_year);
    page->after = page->after.substr(colon + 1);
  }
  auto after = CursorId(*page);
  if (!after) return ErrorResponse(after.error());
  query.limit = page->limit;
  query.after = *after;

  Result<HouseholdPage> result = call.services.registry->ListHouseholds(CallerOf(call), query);
  if (!result) return ErrorResponse(result.error());
  const HouseholdPage& p = *result;
  json::Writer w;
  w.BeginObject();
  WriteVillage(w, p.village, query.village_code);
  w.Key("year").Int(p.year);
  w.Key("identity").String(p.unmasked ? "unmasked" : "masked");
  w.Key("items").BeginArray();
  for (const HouseholdView& h : p.items) {
    w.BeginObject();
    WriteHouseholdHead(w, h.household);
    WriteMembers(w, h.members);
    if (!h.years.empty()) {
      w.Key("year");
      WriteYear(w, h.years.front());
    }
    w.EndObject();
  }
  w.EndArray();
  // next_cursor is absent on the last page.
  if (p.next_after) w.Key("next_cursor").String(api::EncodeCursor(fmt::format("{}:{}", p.year, *p.next_after)));
  w.EndObject();
  return JsonResponse(w.Take());
}

// GET /api/v1/households/{id}
Response GetHousehold(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<HouseholdDetail> result = call.services.registry->GetHousehold(CallerOf(call), *id);
  if (!result) return ErrorResponse(result.error());
  const HouseholdDetail& d = *result;
  const store::HouseholdRecord& h = d.view.household;
  json::Writer w;
  w.BeginObject();
  WriteHouseholdHead(w, h);
  WriteVillage(w, d.village, h.village_code);
  w.Key("township_code").String(h.township_code);
  w.Key("county_code").String(h.county_code);
  w.Key("identity").String(d.unmasked ? "unmasked" : "masked");
  WriteMembers(w, d.view.members);
  w.Key("years").BeginArray();
  for (const store::YearRecord& y : d.view.years) WriteYear(w, y);
  w.EndArray();
  w.Key("change_requests").BeginArray();
  for (const ChangeRequest& r : d.pending) WriteRequest(w, r);
  w.EndArray();
  w.EndObject();
  return JsonResponse(w.Take());
}

// The body of POST /api/v1/households/{id}/change-requests. A field that is
// absent or null is left as it is.
Result<ProposeChange> ParseProposal(const http::Request& request, int64_t household_id) {
  Result<api::JsonBody> parsed = api::JsonBody::Parse(request);
  if (!parsed) return parsed.error();
  api::JsonBody& body = *parsed;
  ProposeChange command;
  command.household_id = household_id;
  command.year = static_cast<int>(body.Int("year", kMinYear, kMaxYear));
  std::optional<std::string> status = body.OptString("status", 1, 32);
  std::optional<int64_t> income = body.OptInt("income_per_capita_fen", 0, kMaxFen);
  std::optional<int64_t> exit_year = body.OptInt("exit_year", kMinYear, kMaxYear);
  std::optional<std::string> monitor_kind = body.OptString("monitor_kind", 1, 32);
  std::optional<std::string> needs = body.OptString("needs_unmet", 0, 128);
  command.reason = body.String("reason", 1, kMaxReasonBytes);
  if (Status s = body.Finish(); !s) return s.error();

  ChangeSet& c = command.changes;
  if (status) {
    c.status = ParseStatus(*status);
    if (!c.status) {
      return Error::Invalid(fmt::format("status '{}' is not one of not_poor, poor, exited, monitored", *status),
                            "status");
    }
  }
  if (income) c.income_per_capita = Money::FromFen(*income);
  if (exit_year) c.exit_year = static_cast<int>(*exit_year);
  if (monitor_kind) {
    c.monitor_kind = ParseMonitorKind(*monitor_kind);
    if (!c.monitor_kind) {
      return Error::Invalid(
          fmt::format("monitor_kind '{}' is not one of unstable_exited, marginal, sudden_hardship", *monitor_kind),
          "monitor_kind");
    }
  }
  if (needs) {
    auto list = ParseNeedsUnmet(*needs);
    if (!list) return Error::Invalid(list.error().message, "needs_unmet");
    c.needs_unmet = std::move(*list);
  }
  return command;
}

// POST /api/v1/households/{id}/change-requests
Response ProposeChangeRoute(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<ProposeChange> command = ParseProposal(call.request, *id);
  if (!command) return ErrorResponse(command.error());
  Result<ChangeRequest> result = call.services.registry->Propose(CallerOf(call), *command);
  if (!result) return ErrorResponse(result.error());
  return JsonResponse(201, RequestJson(*result));
}

// GET /api/v1/change-requests?state=&region=&limit=&cursor=
Response ListChangeRequests(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"state", "region", "limit", "cursor"}); !s) {
    return ErrorResponse(s.error());
  }
  ChangeRequestQuery query;
  if (std::optional<std::string> state = call.request.Query("state")) {
    query.state = ParseChangeState(*state);
    if (!query.state) {
      return ErrorResponse(
          Error::Invalid(fmt::format("state '{}' is not one of pending, approved, rejected", *state), "state"));
    }
  }
  query.region = call.request.Query("region").value_or(std::string());
  if (call.request.Query("region") && query.region.empty()) {
    return ErrorResponse(Error::Invalid("region is empty: give a 12-digit region code", "region"));
  }
  auto page = api::ParsePage(call.request, 50, 500);
  if (!page) return ErrorResponse(page.error());
  auto after = CursorId(*page);
  if (!after) return ErrorResponse(after.error());
  query.limit = page->limit;
  query.after = *after;
  Result<ChangeRequestPage> result = call.services.registry->ListChangeRequests(CallerOf(call), query);
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  w.BeginObject();
  w.Key("items").BeginArray();
  for (const ChangeRequest& r : result->items) WriteRequest(w, r);
  w.EndArray();
  WriteNextCursor(w, result->next_after);
  w.EndObject();
  return JsonResponse(w.Take());
}

// GET /api/v1/change-requests/{id}
Response GetChangeRequest(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<ChangeRequest> result = call.services.registry->GetChangeRequest(CallerOf(call), *id);
  if (!result) return ErrorResponse(result.error());
  return JsonResponse(RequestJson(*result));
}

// POST /api/v1/change-requests/{id}/approve — no body (an empty JSON object is accepted).
Response ApproveChangeRequest(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  if (!call.request.body.empty()) {
    Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
    if (!body) return ErrorResponse(body.error());
    if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  }
  Result<ChangeRequest> result = call.services.registry->Approve(CallerOf(call), *id);
  if (!result) return ErrorResponse(result.error());
  return JsonResponse(RequestJson(*result));
}

// POST /api/v1/change-requests/{id}/reject {"reason": "…"}
Response RejectChangeRequest(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  std::string reason = body->String("reason", 1, kMaxReasonBytes);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  Result<ChangeRequest> result = call.services.registry->Reject(CallerOf(call), *id, reason);
  if (!result) return ErrorResponse(result.error());
  return JsonResponse(RequestJson(*result));
}

}  // namespace

void AddRoutes(api::RouteTable& table) {
  table.Get("/api/v1/villages/{code}/households", ListHouseholds);
  table.Get("/api/v1/households/{id}", GetHousehold);
  table.Post("/api/v1/households/{id}/change-requests", ProposeChangeRoute);
  table.Get("/api/v1/change-requests", ListChangeRequests);
  table.Get("/api/v1/change-requests/{id}", GetChangeRequest);
  table.Post("/api/v1/change-requests/{id}/approve", ApproveChangeRequest);
  table.Post("/api/v1/change-requests/{id}/reject", RejectChangeRequest);
}

}  // namespace fupin::registry
