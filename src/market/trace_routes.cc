#include "market/trace_routes.h"

#include <algorithm>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "api/reply.h"
#include "base/json_writer.h"
#include "base/text.h"
#include "db/pool.h"
#include "market/qr.h"
#include "market/trace.h"

namespace fupin::market {
namespace {

using api::Call;
using api::ErrorResponse;
using api::JsonResponse;
using http::Response;

// A QR code of a lot never changes while the server's public URL stays.
constexpr const char* kQrCacheControl = "public, max-age=86400";
constexpr int kMaxCopies = 500;

// Runs `fn` on a pooled connection; a connection that failed is not given back.
template <typename T, typename Fn>
Result<T> WithConnection(Call& call, Fn&& fn) {
  Result<db::Pool::Lease> lease = call.services.pool->Acquire();
  if (!lease) return lease.error();
  try {
    return fn(**lease);
  } catch (const db::DbError&) {
    lease->Discard();
    throw;
  }
}

void WriteRegion(json::Writer& w, std::string_view key, const NamedRegion& r) {
  w.Key(key).BeginObject();
  w.Key("code").StringOrNull(r.code);
  w.Key("name").StringOrNull(r.name);
  w.EndObject();
}

void WriteOptText(json::Writer& w, std::string_view key, const std::optional<std::string>& v) {
  w.Key(key);
  if (v) {
    w.String(*v);
  } else {
    w.Null();
  }
}

std::string TraceJson(const TraceView& v, const std::string& public_url) {
  json::Writer w;
  w.BeginObject();
  w.Key("trace_code").String(v.trace_code);
  w.Key("trace_url").String(TraceUrl(public_url, v.trace_code));
  w.Key("product").BeginObject();
  w.Key("name").String(v.product_name);
  w.Key("category").String(v.category);
  w.Key("unit").String(v.unit);
  w.Key("flags").BeginObject();
  w.Key("one_village_one_product").Bool(v.flags.one_village_one_product);
  w.Key("green").Bool(v.flags.green);
  w.Key("organic").Bool(v.flags.organic);
  w.Key("geographical_indication").Bool(v.flags.geographical_indication);
  w.Key("compliance_certificate").Bool(v.flags.compliance_certificate);
  w.EndObject();
  w.EndObject();
  w.Key("certification").BeginObject();
  WriteOptText(w, "certificate_no", v.certificate_no);
  WriteOptText(w, "valid_from", v.certified_from);
  WriteOptText(w, "valid_until", v.certified_until);
  w.Key("valid_today").Bool(v.certified_today);
  w.EndObject();
  w.Key("origin").BeginObject();
  WriteRegion(w, "village", v.origin_village);
  WriteRegion(w, "township", v.origin_township);
  WriteRegion(w, "county", v.origin_county);
  w.EndObject();
  w.Key("supplier").BeginObject();
  WriteOptText(w, "name", v.supplier_name);
  w.Key("kind").String(SupplierKindName(v.supplier_kind));
  w.EndObject();
  w.Key("outlet").BeginObject();
  w.Key("name").String(v.outlet_name);
  WriteRegion(w, "village", v.outlet_village);
  w.EndObject();
  w.Key("grade").String(v.grade);
  w.Key("intake_date").String(v.intake_date);
  w.Key("inspection").BeginObject();
  w.Key("test").String(v.inspection_test);
  w.Key("result").String(v.inspection_result);
  w.Key("inspector").String(v.inspector);
  w.EndObject();
  w.Key("quantity").Int(v.quantity);
  w.Key("households").Int(v.households);
  w.EndObject();
  return w.Take();
}

// GET /api/v1/trace/{code}
Response GetTrace(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  std::string_view code = call.Param("code");
  Result<TraceView> view =
      WithConnection<TraceView>(call, [&](db::Connection& conn) { return LookUpTrace(conn, code); });
  if (!view) return ErrorResponse(view.error());
  return JsonResponse(TraceJson(*view, call.services.public_url));
}

enum class Image { kSvg, kPng };

// GET /api/v1/trace/{code}/qr.svg and /qr.png ?scale=
Response GetQr(Call& call, Image image) {
  if (Status s = api::CheckQuery(call.request, {"scale"}); !s) return ErrorResponse(s.error());
  auto scale = api::QueryInt(call.request, "scale", 1, 64);
  if (!scale) return ErrorResponse(scale.error());
  std::string_view code = call.Param("code");
  Result<std::string> known =
      WithConnection<std::string>(call, [&](db::Connection& conn) { return FindTraceCode(conn, code); });
  if (!known) return ErrorResponse(known.error());
  const std::string url = TraceUrl(call.services.public_url, *known);
  const int pixels = static_cast<int>(scale->value_or(4));
  Result<std::string> body = image == Image::kSvg ? QrSvg(url, pixels) : QrPng(url, pixels);
  if (!body) return ErrorResponse(body.error());
  Response r;
  r.content_type = image == Image::kSvg ? "image/svg+xml" : "image/png";
  r.body = std::move(*body);
  r.compressible = image == Image::kSvg;  // a PNG is deflated already
  r.headers.emplace_back("Cache-Control", kQrCacheControl);
  return r;
}

// GET /api/v1/lots/{id}/labels.svg?copies=&page=
Response GetLabels(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"copies", "page"}); !s) return ErrorResponse(s.error());
  std::string_view id_text = call.Param("id");
  auto id = text::ParseInt64InRange(id_text, 1, std::numeric_limits<int64_t>::max());
  if (!id) {
    return ErrorResponse(Error::Invalid(fmt::format("'{}' is not a lot id: a positive whole number", id_text), "id"));
  }
  auto copies = api::QueryInt(call.request, "copies", 1, kMaxCopies);
  if (!copies) return ErrorResponse(copies.error());
  const int total = static_cast<int>(copies->value_or(kLabelsPerSheet));
  const int pages = (total + kLabelsPerSheet - 1) / kLabelsPerSheet;
  auto page = api::QueryInt(call.request, "page", 1, pages);
  if (!page) return ErrorResponse(page.error());
  const int this_page = static_cast<int>(page->value_or(1));

  Result<TraceView> lot = WithConnection<TraceView>(call, [&](db::Connection& conn) {
    return LotForLabels(conn, *call.services.tree, *call.principal, *id);
  });
  if (!lot) return ErrorResponse(lot.error());
  Result<QrMatrix> qr = EncodeQr(TraceUrl(call.services.public_url, lot->trace_code));
  if (!qr) return ErrorResponse(qr.error());

  const int count = std::min(kLabelsPerSheet, total - (this_page - 1) * kLabelsPerSheet);
  Response r;
  r.content_type = "image/svg+xml; charset=utf-8";
  r.body = LabelSheetSvg(*lot, *qr, count);
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Label-Pages", std::to_string(pages));
  r.headers.emplace_back("Content-Disposition",
                         fmt::format("inline; filename=\"labels-{}-{}.svg\"", lot->trace_code, this_page));
  return r;
}

}  // namespace

void AddTraceRoutes(api::RouteTable& table) {
  table.Get("/api/v1/trace/{code}", GetTrace, api::Access::kPublic);
  table.Get(
      "/api/v1/trace/{code}/qr.svg", [](Call& call) { return GetQr(call, Image::kSvg); }, api::Access::kPublic);
  table.Get(
      "/api/v1/trace/{code}/qr.png", [](Call& call) { return GetQr(call, Image::kPng); }, api::Access::kPublic);
  table.Get("/api/v1/lots/{id}/labels.svg", GetLabels);
}

}  // namespace fupin::market
