#include "market/supplier_routes.h"

#include <cctype>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "api/json_body.h"
#include "api/reply.h"
#include "base/json_writer.h"
#include "base/text.h"
#include "market/supplier_service.h"
#include "regions/tree.h"

namespace fupin::market {
namespace {

using api::Call;
using api::CursorId;
using api::PathId;
using api::ErrorResponse;
using api::JsonResponse;
using http::Response;

constexpr int64_t kMaxFen = 1'000'000'000'000;
constexpr int64_t kMaxId = std::numeric_limits<int64_t>::max();

Caller CallerOf(const Call& call) { return Caller{*call.principal, call.request.remote_address}; }

void WriteNextCursor(json::Writer& w, const std::optional<int64_t>& next) {
  // next_cursor is absent on the last page.
  if (next) w.Key("next_cursor").String(api::EncodeCursor(std::to_string(*next)));
}

void OptInt(json::Writer& w, std::string_view key, const std::optional<int64_t>& v) {
  w.Key(key);
  if (v) {
    w.Int(*v);
  } else {
    w.Null();
  }
}

// A route without a body accepts none or an empty JSON object.
Status NoBody(const http::Request& request) {
  if (request.body.empty()) return {};
  Result<api::JsonBody> body = api::JsonBody::Parse(request);
  if (!body) return body.error();
  return body->Finish();
}

Result<std::optional<std::string>> RegionQuery(const http::Request& request) {
  std::optional<std::string> region = request.Query("region");
  if (region && region->empty()) return Error::Invalid("region is empty: give a 12-digit region code", "region");
  return region;
}

std::string_view VillageName(const Call& call, std::string_view code) {
  const regions::Region* r = call.services.tree->Find(code);
  return r ? std::string_view(r->name) : std::string_view();
}

// ---- Rendering ------------------------------------------------------------------

void WriteSupplier(json::Writer& w, const Call& call, const Supplier& s) {
  w.BeginObject();
  w.Key("id").Int(s.id);
  w.Key("name").String(s.name);
  w.Key("kind").String(SupplierKindName(s.kind));
  w.Key("village_code").String(s.village_code);
  w.Key("village_name").String(VillageName(call, s.village_code));
  w.Key("county_code").String(s.county_code);
  OptInt(w, "household_id", s.household_id);
  OptInt(w, "owner_user_id", s.owner_user_id);
  w.Key("contact").StringOrNull(s.contact);
  w.Key("state").String(SupplierStateName(s.state));
  w.Key("state_reason").StringOrNull(s.state_reason);
  w.Key("applied_at").String(s.applied_at);
  w.Key("decided_at").StringOrNull(s.decided_at);
  w.Key("has_verified_link").Bool(s.has_verified_link);
  w.EndObject();
}

void WriteLink(json::Writer& w, const SupplierLink& l) {
  w.BeginObject();
  w.Key("id").Int(l.id);
  w.Key("supplier_id").Int(l.supplier_id);
  w.Key("household_id").Int(l.household_id);
  w.Key("village_code").String(l.village_code);
  w.Key("county_code").String(l.county_code);
  w.Key("channel").String(ChannelName(l.channel));
  w.Key("evidence").String(l.evidence);
  w.Key("state").String(LinkStateName(l.state));
  w.Key("state_reason").StringOrNull(l.state_reason);
  w.Key("declared_at").String(l.declared_at);
  w.Key("decided_at").StringOrNull(l.decided_at);
  w.EndObject();
}

void WriteProductFields(json::Writer& w, const Product& p) {
  w.Key("id").Int(p.id);
  w.Key("supplier_id").Int(p.supplier_id);
  w.Key("county_code").String(p.county_code);
  w.Key("name").String(p.name);
  w.Key("category").String(p.category);
  w.Key("unit").String(p.unit);
  w.Key("price_fen").Int(p.price_fen);
  w.Key("origin_village_code").String(p.origin_village_code);
  w.Key("story").StringOrNull(p.story);
  w.Key("grades").BeginArray();
  for (const std::string& g : p.grades) w.String(g);
  w.EndArray();
  w.Key("flags").BeginObject();
  w.Key("one_village_one_product").Bool(p.flags.one_village_one_product);
  w.Key("green").Bool(p.flags.green);
  w.Key("organic").Bool(p.flags.organic);
  w.Key("geographical_indication").Bool(p.flags.geographical_indication);
  w.Key("compliance_certificate").Bool(p.flags.compliance_certificate);
  w.EndObject();
  w.Key("certification");
  if (p.certification) {
    w.BeginObject();
    w.Key("certificate_no").String(p.certification->certificate_no);
    w.Key("valid_from").String(p.certification->valid_from);
    w.Key("valid_until").String(p.certification->valid_until);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("listed").Bool(p.listed);
  w.Key("created_at").String(p.created_at);
}

std::string ProductJson(const Product& p) {
  json::Writer w;
  w.BeginObject();
  WriteProductFields(w, p);
  w.EndObject();
  return w.Take();
}

void WriteOutlet(json::Writer& w, const Call& call, const Outlet& o) {
  w.Key("id").Int(o.id);
  w.Key("name").String(o.name);
  w.Key("village_code").String(o.village_code);
  w.Key("village_name").String(VillageName(call, o.village_code));
  w.Key("county_code").String(o.county_code);
  w.Key("created_at").String(o.created_at);
}

std::string PermissionJson(const OutletPermission& p) {
  json::Writer w;
  w.BeginObject();
  w.Key("outlet_id").Int(p.outlet_id);
  w.Key("supplier_id").Int(p.supplier_id);
  w.Key("supplier_name").String(p.supplier_name);
  w.Key("granted_at").String(p.granted_at);
  w.Key("revoked_at").StringOrNull(p.revoked_at);
  w.EndObject();
  return w.Take();
}

void WriteInstitution(json::Writer& w, const Institution& i) {
  w.BeginObject();
  w.Key("id").Int(i.id);
  w.Key("name").String(i.name);
  w.Key("kind").String(InstitutionKindName(i.kind));
  w.Key("region_code").String(i.region_code);
  w.Key("buyer_user_id").Int(i.buyer_user_id);
  w.Key("buyer_username").String(i.buyer_username);
  w.EndObject();
}

// ---- Suppliers ------------------------------------------------------------------

// GET /api/v1/suppliers?state=&region=&limit=&cursor=
Response ListSuppliers(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"state", "region", "limit", "cursor"}); !s) {
    return ErrorResponse(s.error());
  }
  SupplierQuery query;
  if (std::optional<std::string> state = call.request.Query("state")) {
    query.state = ParseSupplierState(*state);
    if (!query.state) {
      return ErrorResponse(Error::Invalid(
          fmt::format("state '{}' is not one of applied, recommended, approved, rejected", *state), "state"));
    }
  }
  auto region = RegionQuery(call.request);
  if (!region) return ErrorResponse(region.error());
  query.region = region->value_or(std::string());
  auto page = api::ParsePage(call.request, 50, 500);
  if (!page) return ErrorResponse(page.error());
  auto after = CursorId(*page);
  if (!after) return ErrorResponse(after.error());
  query.limit = page->limit;
  query.after = *after;
  Result<SupplierPage> result = call.services.suppliers->ListSuppliers(CallerOf(call), query);
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  w.BeginObject();
  w.Key("items").BeginArray();
  for (const Supplier& s : result->items) WriteSupplier(w, call, s);
  w.EndArray();
  WriteNextCursor(w, result->next_after);
  w.EndObject();
  return JsonResponse(w.Take());
}

Response SupplierResponse(const Call& call, int status, const Result<Supplier>& result) {
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  WriteSupplier(w, call, *result);
  return JsonResponse(status, w.Take());
}

// POST /api/v1/suppliers {"kind","name","village_code","contact"?,"household_id"?}
Response ApplySupplier(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  SupplierApplication a;
  std::string kind = body->String("kind", 1, 32);
  a.name = body->String("name", 1, 200);
  a.village_code = body->String("village_code", 1, 32);
  a.contact = body->OptString("contact", 0, 200).value_or(std::string());
  a.household_id = body->OptInt("household_id", 1, kMaxId);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  std::optional<SupplierKind> parsed = ParseSupplierKind(kind);
  if (!parsed) {
    return ErrorResponse(
        Error::Invalid(fmt::format("kind '{}' is not one of household, cooperative, enterprise", kind), "kind"));
  }
  a.kind = *parsed;
  return SupplierResponse(call, 201, call.services.suppliers->Apply(CallerOf(call), a));
}

// GET /api/v1/suppliers/{id}
Response GetSupplier(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  return SupplierResponse(call, 200, call.services.suppliers->GetSupplier(CallerOf(call), *id));
}

// POST /api/v1/suppliers/{id}/recommend — no body (an empty JSON object is accepted).
Response RecommendSupplier(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  if (Status s = NoBody(call.request); !s) return ErrorResponse(s.error());
  return SupplierResponse(call, 200, call.services.suppliers->Recommend(CallerOf(call), *id));
}

// POST /api/v1/suppliers/{id}/approve — no body.
Response ApproveSupplier(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  if (Status s = NoBody(call.request); !s) return ErrorResponse(s.error());
  return SupplierResponse(call, 200, call.services.suppliers->Approve(CallerOf(call), *id));
}

Result<std::string> ParseReason(const http::Request& request) {
  Result<api::JsonBody> body = api::JsonBody::Parse(request);
  if (!body) return body.error();
  std::string reason = body->String("reason", 1, 500);
  if (Status s = body->Finish(); !s) return s.error();
  return reason;
}

// POST /api/v1/suppliers/{id}/reject {"reason"}
Response RejectSupplier(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  auto reason = ParseReason(call.request);
  if (!reason) return ErrorResponse(reason.error());
  return SupplierResponse(call, 200, call.services.suppliers->Reject(CallerOf(call), *id, *reason));
}

// ---- Links ------------------------------------------------------------------------

Response LinkResponse(int status, const Result<SupplierLink>& result) {
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  WriteLink(w, *result);
  return JsonResponse(status, w.Take());
}

// GET /api/v1/suppliers/{id}/links
Response ListLinks(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<std::vector<SupplierLink>> result = call.services.suppliers->ListLinks(CallerOf(call), *id);
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  w.BeginObject();
  w.Key("items").BeginArray();
  for (const SupplierLink& l : *result) WriteLink(w, l);
  w.EndArray();
  w.EndObject();
  return JsonResponse(w.Take());
}

// POST /api/v1/suppliers/{id}/links {"household_id","channel","evidence"}
Response DeclareLink(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  LinkDeclaration link;
  link.supplier_id = *id;
  link.household_id = body->Int("household_id", 1, kMaxId);
  std::string channel = body->String("channel", 1, 32);
  link.evidence = body->String("evidence", 1, 500);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  std::optional<Channel> parsed = ParseChannel(channel);
  if (!parsed) {
    return ErrorResponse(
        Error::Invalid(fmt::format("channel '{}' is not one of purchase, wages, dividends", channel), "channel"));
  }
  link.channel = *parsed;
  return LinkResponse(201, call.services.suppliers->DeclareLink(CallerOf(call), link));
}

// POST /api/v1/links/{id}/verify — no body.
Response VerifyLink(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  if (Status s = NoBody(call.request); !s) return ErrorResponse(s.error());
  return LinkResponse(200, call.services.suppliers->VerifyLink(CallerOf(call), *id));
}

// POST /api/v1/links/{id}/reject {"reason"}
Response RejectLink(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  auto reason = ParseReason(call.request);
  if (!reason) return ErrorResponse(reason.error());
  return LinkResponse(200, call.services.suppliers->RejectLink(CallerOf(call), *id, *reason));
}

// ---- Products -------------------------------------------------------------------------

// The optional "flags" object of a product body.
struct FlagsBody {
  std::optional<bool> one_village_one_product, green, organic, geographical_indication, compliance_certificate;
};

FlagsBody ReadFlags(api::JsonBody& body) {
  FlagsBody f;
  if (api::JsonBody* flags = body.OptObject("flags")) {
    f.one_village_one_product = flags->OptBool("one_village_one_product");
    f.green = flags->OptBool("green");
    f.organic = flags->OptBool("organic");
    f.geographical_indication = flags->OptBool("geographical_indication");
    f.compliance_certificate = flags->OptBool("compliance_certificate");
  }
  return f;
}

// POST /api/v1/products
Response CreateProduct(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Result<api::JsonBody> parsed = api::JsonBody::Parse(call.request);
  if (!parsed) return ErrorResponse(parsed.error());
  api::JsonBody& body = *parsed;
  NewProduct n;
  n.supplier_id = body.OptInt("supplier_id", 1, kMaxId).value_or(0);
  n.name = body.String("name", 1, 200);
  n.category = body.String("category", 1, 100);
  n.unit = body.String("unit", 1, 50);
  n.price_fen = body.Int("price_fen", 1, kMaxFen);
  n.origin_village_code = body.String("origin_village_code", 1, 32);
  n.story = body.OptString("story", 0, 4000).value_or(std::string());
  n.listed = body.OptBool("listed").value_or(true);
  std::optional<std::vector<std::string>> grades = body.OptStrings("grades", 1, 10, 1, 50);
  const bool has_grades = body.Has("grades");
  FlagsBody f = ReadFlags(body);
  if (Status s = body.Finish(); !s) return ErrorResponse(s.error());
  if (!has_grades) return ErrorResponse(Error::Invalid("grades: is required", "grades"));
  n.grades = std::move(grades).value_or(std::vector<std::string>());
  n.flags.one_village_one_product = f.one_village_one_product.value_or(false);
  n.flags.green = f.green.value_or(false);
  n.flags.organic = f.organic.value_or(false);
  n.flags.geographical_indication = f.geographical_indication.value_or(false);
  n.flags.compliance_certificate = f.compliance_certificate.value_or(false);
  Result<Product> result = call.services.suppliers->CreateProduct(CallerOf(call), n);
  if (!result) return ErrorResponse(result.error());
  return JsonResponse(201, ProductJson(*result));
}

// GET /api/v1/products/{id} — public.
Response GetProduct(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<ProductDetail> result = call.services.suppliers->GetProduct(*id);
  if (!result) return ErrorResponse(result.error());
  const ProductDetail& d = *result;
  json::Writer w;
  w.BeginObject();
  WriteProductFields(w, d.product);
  w.Key("origin_village_name").String(d.origin_village_name);
  w.Key("supplier_name").StringOrNull(d.supplier_name);
  w.Key("supplier_state").String(SupplierStateName(d.supplier_state));
  w.Key("certified").Bool(d.certified);
  w.Key("photo_ids").BeginArray();
  for (int64_t p : d.photo_ids) w.Int(p);
  w.EndArray();
  w.Key("reference_prices").BeginArray();
  for (const ReferencePrice& r : d.reference_prices) {
    w.BeginObject();
    w.Key("year").Int(r.year);
    w.Key("price_fen").Int(r.price_fen);
    w.Key("source").String(r.source);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return JsonResponse(w.Take());
}

// PATCH /api/v1/products/{id} {"price_fen"?,"listed"?,"story"?,"flags"?:{…}}
Response UpdateProduct(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  ProductChange c;
  c.price_fen = body->OptInt("price_fen", 1, kMaxFen);
  c.listed = body->OptBool("listed");
  c.story = body->OptString("story", 0, 4000);
  FlagsBody f = ReadFlags(*body);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  c.one_village_one_product = f.one_village_one_product;
  c.green = f.green;
  c.organic = f.organic;
  c.geographical_indication = f.geographical_indication;
  c.compliance_certificate = f.compliance_certificate;
  Result<Product> result = call.services.suppliers->UpdateProduct(CallerOf(call), *id, c);
  if (!result) return ErrorResponse(result.error());
  return JsonResponse(ProductJson(*result));
}

// POST /api/v1/products/{id}/certification {"certificate_no","valid_from","valid_until"}
Response CertifyProduct(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  Certification c;
  c.certificate_no = body->String("certificate_no", 1, 100);
  c.valid_from = body->String("valid_from", 10, 10);
  c.valid_until = body->String("valid_until", 10, 10);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  Result<Product> result = call.services.suppliers->Certify(CallerOf(call), *id, c);
  if (!result) return ErrorResponse(result.error());
  return JsonResponse(ProductJson(*result));
}

// DELETE /api/v1/products/{id}/certification
Response RevokeCertification(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  if (Status s = NoBody(call.request); !s) return ErrorResponse(s.error());
  Result<Product> result = call.services.suppliers->RevokeCertification(CallerOf(call), *id);
  if (!result) return ErrorResponse(result.error());
  return JsonResponse(ProductJson(*result));
}

// The media type of a Content-Type header, lower case, without parameters.
std::string MediaType(const http::Request& request) {
  const std::string* type = request.Header("content-type");
  if (!type) return {};
  std::string_view t = *type;
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  std::string out(t);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// POST /api/v1/products/{id}/photos — the image itself as the body.
Response AddPhoto(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  std::string type = MediaType(call.request);
  if (type.empty()) {
    return ErrorResponse(
        Error::Invalid("a photo is sent with Content-Type image/jpeg, image/png or image/webp", "Content-Type"));
  }
  Result<PhotoInfo> result = call.services.suppliers->AddPhoto(CallerOf(call), *id, type, call.request.body);
  if (!result) return ErrorResponse(result.error());
  const PhotoInfo& p = *result;
  json::Writer w;
  w.BeginObject();
  w.Key("id").Int(p.id);
  w.Key("product_id").Int(p.product_id);
  w.Key("content_type").String(p.content_type);
  w.Key("sha256").String(p.sha256);
  w.Key("size_bytes").Int(p.size_bytes);
  w.Key("added_at").String(p.added_at);
  w.Key("url").String(fmt::format("/api/v1/products/{}/photos/{}", p.product_id, p.id));
  w.EndObject();
  Response r = JsonResponse(201, w.Take());
  r.headers.emplace_back("Location", fmt::format("/api/v1/products/{}/photos/{}", p.product_id, p.id));
  return r;
}

// GET /api/v1/products/{id}/photos/{photo_id} — public; a photo never
// changes under its id, so it may be cached for good.
Response GetPhoto(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  auto photo_id = PathId(call, "photo_id");
  if (!photo_id) return ErrorResponse(photo_id.error());
  Result<Photo> result = call.services.suppliers->GetPhoto(*id, *photo_id);
  if (!result) return ErrorResponse(result.error());
  const std::string etag = "\"" + result->info.sha256 + "\"";
  Response r;
  r.compressible = false;  // already compressed image formats
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  const std::string* match = call.request.Header("if-none-match");
  if (match && (*match == etag || *match == "*")) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = result->info.content_type;
  r.body = std::move(result->bytes);
  return r;
}

// PUT /api/v1/products/{id}/reference-prices/{year} {"price_fen","source"}
Response PutReferencePrice(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  auto year = text::ParseInt64InRange(call.Param("year"), 2000, 2100);
  if (!year) {
    return ErrorResponse(
        Error::Invalid(fmt::format("'{}' is not a year from 2000 to 2100", call.Param("year")), "year"));
  }
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  ReferencePrice price;
  price.product_id = *id;
  price.year = static_cast<int>(*year);
  price.price_fen = body->Int("price_fen", 0, kMaxFen);
  price.source = body->String("source", 1, 500);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  Result<ReferencePrice> result = call.services.suppliers->SetReferencePrice(CallerOf(call), price);
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  w.BeginObject();
  w.Key("product_id").Int(result->product_id);
  w.Key("year").Int(result->year);
  w.Key("price_fen").Int(result->price_fen);
  w.Key("source").String(result->source);
  w.EndObject();
  return JsonResponse(w.Take());
}

// ---- Outlets ----------------------------------------------------------------------------

// GET /api/v1/outlets?region=&limit=&cursor=
Response ListOutlets(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"region", "limit", "cursor"}); !s) return ErrorResponse(s.error());
  OutletQuery query;
  auto region = RegionQuery(call.request);
  if (!region) return ErrorResponse(region.error());
  query.region = region->value_or(std::string());
  auto page = api::ParsePage(call.request, 50, 500);
  if (!page) return ErrorResponse(page.error());
  auto after = CursorId(*page);
  if (!after) return ErrorResponse(after.error());
  query.limit = page->limit;
  query.after = *after;
  Result<OutletPage> result = call.services.suppliers->ListOutlets(CallerOf(call), query);
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  w.BeginObject();
  w.Key("items").BeginArray();
  for (const Outlet& o : result->items) {
    w.BeginObject();
    WriteOutlet(w, call, o);
    w.EndObject();
  }
  w.EndArray();
  WriteNextCursor(w, result->next_after);
  w.EndObject();
  return JsonResponse(w.Take());
}

// POST /api/v1/outlets {"name","village_code"}
Response OpenOutlet(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  NewOutlet n;
  n.name = body->String("name", 1, 200);
  n.village_code = body->String("village_code", 1, 32);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  Result<Outlet> result = call.services.suppliers->OpenOutlet(CallerOf(call), n);
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  w.BeginObject();
  WriteOutlet(w, call, *result);
  w.EndObject();
  return JsonResponse(201, w.Take());
}

// GET /api/v1/outlets/{id}
Response GetOutlet(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<OutletDetail> result = call.services.suppliers->GetOutlet(CallerOf(call), *id);
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  w.BeginObject();
  WriteOutlet(w, call, result->outlet);
  w.Key("permissions").BeginArray();
  for (const OutletPermission& p : result->permissions) {
    w.BeginObject();
    w.Key("supplier_id").Int(p.supplier_id);
    w.Key("supplier_name").String(p.supplier_name);
    w.Key("granted_at").String(p.granted_at);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return JsonResponse(w.Take());
}

// POST /api/v1/suppliers/{id}/outlet-permissions {"outlet_id"}
Response GrantOutletPermission(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  int64_t outlet_id = body->Int("outlet_id", 1, kMaxId);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  Result<OutletPermission> result = call.services.suppliers->GrantOutletPermission(CallerOf(call), *id, outlet_id);
  if (!result) return ErrorResponse(result.error());
  return JsonResponse(201, PermissionJson(*result));
}

// DELETE /api/v1/suppliers/{id}/outlet-permissions/{outlet_id}
Response RevokeOutletPermission(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  auto outlet_id = PathId(call, "outlet_id");
  if (!outlet_id) return ErrorResponse(outlet_id.error());
  if (Status s = NoBody(call.request); !s) return ErrorResponse(s.error());
  Result<OutletPermission> result =
      call.services.suppliers->RevokeOutletPermission(CallerOf(call), *id, *outlet_id);
  if (!result) return ErrorResponse(result.error());
  return JsonResponse(PermissionJson(*result));
}

// ---- Institutions ------------------------------------------------------------------------

// GET /api/v1/institutions
Response ListInstitutions(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Result<std::vector<Institution>> result = call.services.suppliers->ListInstitutions(CallerOf(call));
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  w.BeginObject();
  w.Key("items").BeginArray();
  for (const Institution& i : *result) WriteInstitution(w, i);
  w.EndArray();
  w.EndObject();
  return JsonResponse(w.Take());
}

// POST /api/v1/institutions {"name","kind","region_code","buyer_username"}
Response CreateInstitution(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  NewInstitution n;
  n.name = body->String("name", 1, 200);
  std::string kind = body->String("kind", 1, 32);
  n.region_code = body->String("region_code", 1, 32);
  n.buyer_username = body->String("buyer_username", 1, 32);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  std::optional<InstitutionKind> parsed = ParseInstitutionKind(kind);
  if (!parsed) {
    return ErrorResponse(Error::Invalid(
        fmt::format("kind '{}' is not one of government, school, hospital, enterprise, army, other", kind), "kind"));
  }
  n.kind = *parsed;
  Result<Institution> result = call.services.suppliers->CreateInstitution(CallerOf(call), n);
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  WriteInstitution(w, *result);
  return JsonResponse(201, w.Take());
}

}  // namespace

void AddSupplierRoutes(api::RouteTable& table) {
  table.Get("/api/v1/suppliers", ListSuppliers);
  table.Post("/api/v1/suppliers", ApplySupplier);
  table.Get("/api/v1/suppliers/{id}", GetSupplier);
  table.Post("/api/v1/suppliers/{id}/recommend", RecommendSupplier);
  table.Post("/api/v1/suppliers/{id}/approve", ApproveSupplier);
  table.Post("/api/v1/suppliers/{id}/reject", RejectSupplier);
  table.Get("/api/v1/suppliers/{id}/links", ListLinks);
  table.Post("/api/v1/suppliers/{id}/links", DeclareLink);
  table.Post("/api/v1/links/{id}/verify", VerifyLink);
  table.Post("/api/v1/links/{id}/reject", RejectLink);
  table.Post("/api/v1/products", CreateProduct);
  table.Get("/api/v1/products/{id}", GetProduct, api::Access::kPublic);
  table.Patch("/api/v1/products/{id}", UpdateProduct);
  table.Post("/api/v1/products/{id}/certification", CertifyProduct);
  table.Delete("/api/v1/products/{id}/certification", RevokeCertification);
  table.Post("/api/v1/products/{id}/photos", AddPhoto);
  table.Get("/api/v1/products/{id}/photos/{photo_id}", GetPhoto, api::Access::kPublic);
  table.Put("/api/v1/products/{id}/reference-prices/{year}", PutReferencePrice);
  table.Get("/api/v1/outlets", ListOutlets);
  table.Post("/api/v1/outlets", OpenOutlet);
  table.Get("/api/v1/outlets/{id}", GetOutlet);
  table.Post("/api/v1/suppliers/{id}/outlet-permissions", GrantOutletPermission);
  table.Delete("/api/v1/suppliers/{id}/outlet-permissions/{outlet_id}", RevokeOutletPermission);
  table.Get("/api/v1/institutions", ListInstitutions);
  table.Post("/api/v1/institutions", CreateInstitution);
}

}  // namespace fupin::market
