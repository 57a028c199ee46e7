#include "audit/routes.h"

#include <cstdint>
#include <string>

#include "accounts/model.h"
#include "api/context.h"
#include "api/reply.h"
#include "audit/audit_log.h"
#include "base/json_writer.h"
#include "base/text.h"
#include "db/pool.h"
#include "regions/tree.h"

namespace fupin::audit {
namespace {

using api::Call;
using api::ErrorResponse;
using api::JsonResponse;
using http::Response;


void WriteRecord(json::Writer& w, const regions::RegionTree& tree, const Record& r) {
  w.BeginObject();
  w.Key("id").Int(r.audit_id);
  w.Key("at").String(r.at);
  w.Key("user").StringOrNull(r.username);
  w.Key("role").StringOrNull(r.role);
  w.Key("region");
  if (r.region_code.empty()) {
    w.Null();
  } else {
    const regions::Region* region = tree.Find(r.region_code);
    w.BeginObject();
    w.Key("code").String(r.region_code);
    w.Key("name").String(region ? std::string_view(region->name) : std::string_view());
    w.EndObject();
  }
  w.Key("action").String(r.action);
  w.Key("target").StringOrNull(r.target);
  w.Key("remote_address").StringOrNull(r.remote_address);
  w.Key("detail").StringOrNull(r.detail);
  w.EndObject();
}

// GET /api/v1/audit
Response List(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"user", "region", "from", "to", "limit", "cursor"}); !s) {
    return ErrorResponse(s.error());
  }
  Result<api::PageRequest> page = api::ParsePage(call.request, 50, 500);
  if (!page) return ErrorResponse(page.error());
  Filter filter;
  filter.limit = page->limit;
  if (!page->after.empty()) {
    Result<int64_t> id = text::ParseInt64InRange(page->after, 1, INT64_MAX);
    if (!id) return ErrorResponse(Error::Invalid("cursor is not one this server wrote", "cursor"));
    filter.before_id = *id;
  }
  filter.username = call.request.Query("user").value_or(std::string());
  if (filter.username.size() > 64) return ErrorResponse(Error::Invalid("user is at most 64 bytes", "user"));
  filter.region_code = call.request.Query("region").value_or(std::string());
  filter.from = call.request.Query("from").value_or(std::string());
  filter.to = call.request.Query("to").value_or(std::string());
  // Malformed times are the reader's mistake: 400 before any permission question.
  for (auto [value, field] : {std::pair{&filter.from, "from"}, std::pair{&filter.to, "to"}}) {
    if (value->empty()) continue;
    if (Result<int64_t> t = ParseTimestamp(*value, field); !t) return ErrorResponse(t.error());
  }

  Result<db::Pool::Lease> lease = call.services.pool->Acquire();
  if (!lease) return ErrorResponse(lease.error());
  Result<Page> result = Error::Internal("unreachable");
  try {
    result = call.services.audit->ListFor(**lease, *call.principal, filter);
  } catch (const db::DbError&) {
    lease->Discard();  // a broken connection must not go back to the pool
    throw;
  }
  if (!result) return ErrorResponse(result.error());

  json::Writer w;
  w.BeginObject();
  w.Key("items").BeginArray();
  for (const Record& r : result->items) WriteRecord(w, *call.services.tree, r);
  w.EndArray();
  // next_cursor is absent on the last page.
  if (result->next_before) w.Key("next_cursor").String(api::EncodeCursor(std::to_string(*result->next_before)));
  w.EndObject();
  return JsonResponse(w.Take());
}

}  // namespace

void AddRoutes(api::RouteTable& table) { table.Get("/api/v1/audit", List); }

}  // namespace fupin::audit
