#include "regions/routes.h"

#include <fmt/format.h>

#include "accounts/model.h"
#include "api/reply.h"
#include "base/json_writer.h"
#include "base/text.h"
#include "regions/tree.h"

namespace fupin::regions {
namespace {

using api::Call;
using api::ErrorResponse;
using api::JsonResponse;
using http::Response;

constexpr size_t kMaxQueryBytes = 64;

// A code from the request: kInvalidArgument naming `field` unless 12 digits.
Status CheckCode(std::string_view code, std::string_view field) {
  if (IsRegionCode(code)) return {};
  return Error::Invalid(fmt::format("'{}' is not a region code: a region code has 12 digits", code),
                        std::string(field));
}

void WriteBrief(json::Writer& w, const Region& r) {
  w.BeginObject();
  w.Key("code").String(r.code);
  w.Key("name").String(r.name);
  w.Key("level").String(LevelName(r.level));
  w.EndObject();
}

void WriteAncestors(json::Writer& w, const RegionTree& tree, const Region& r) {
  w.Key("ancestors").BeginArray();
  for (const Region* a : tree.Ancestors(r.code)) WriteBrief(w, *a);
  w.EndArray();
}

// `r` and, while `depth` > 0, its children nested below it.
void WriteSubtree(json::Writer& w, const RegionTree& tree, const Region& r, int depth) {
  w.BeginObject();
  w.Key("code").String(r.code);
  w.Key("name").String(r.name);
  w.Key("level").String(LevelName(r.level));
  if (depth > 0) {
    w.Key("children").BeginArray();
    for (const Region* c : tree.Children(r.code)) WriteSubtree(w, tree, *c, depth - 1);
    w.EndArray();
  }
  w.EndObject();
}

// Every signed-in user may read the tree; the check is kept so that a role
// without it would be refused here too.
Status MayRead(const Call& call) {
  return accounts::Check(*call.services.tree, *call.principal, accounts::Action::kReadRegions);
}

// GET /api/v1/regions/tree?root=CODE&depth=N
Response Tree(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"root", "depth"}); !s) return ErrorResponse(s.error());
  if (Status s = MayRead(call); !s) return ErrorResponse(s.error());
  const RegionTree& tree = *call.services.tree;
  const Region* root = tree.Root();
  if (std::optional<std::string> code = call.request.Query("root")) {
    if (Status s = CheckCode(*code, "root"); !s) return ErrorResponse(s.error());
    root = tree.Find(*code);
    if (!root) return ErrorResponse(Error::Invalid(fmt::format("no region {} in the region tree", *code), "root"));
  }
  if (!root) return ErrorResponse(Error::Unavailable("the region tree is empty: run fupin migrate"));
  auto depth = api::QueryInt(call.request, "depth", 1, 4);
  if (!depth) return ErrorResponse(depth.error());
  json::Writer w;
  WriteSubtree(w, tree, *root, static_cast<int>(depth->value_or(1)));
  return JsonResponse(w.Take());
}

// GET /api/v1/regions/search?q=&limit=&cursor= — the cursor is the position
// after the previous page in the ranked list (the ranking is deterministic).
Response Search(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"q", "limit", "cursor"}); !s) return ErrorResponse(s.error());
  if (Status s = MayRead(call); !s) return ErrorResponse(s.error());
  std::string q = call.request.Query("q").value_or(std::string());
  if (q.empty() || q.size() > kMaxQueryBytes || !text::IsValidUtf8(q)) {
    return ErrorResponse(Error::Invalid(
        fmt::format("q is required: 1 to {} bytes of a name, short name or pinyin", kMaxQueryBytes), "q"));
  }
  auto page = api::ParsePage(call.request, 20, 100);
  if (!page) return ErrorResponse(page.error());
  size_t offset = 0;
  if (!page->after.empty()) {
    auto n = text::ParseInt64InRange(page->after, 1, 1'000'000);
    if (!n) return ErrorResponse(Error::Invalid("cursor is not one this server wrote", "cursor"));
    offset = static_cast<size_t>(*n);
  }
  const RegionTree& tree = *call.services.tree;
  const size_t limit = static_cast<size_t>(page->limit);
  std::vector<const Region*> hits = tree.Search(q, offset + limit + 1);
  json::Writer w;
  w.BeginObject();
  w.Key("items").BeginArray();
  for (size_t i = offset; i < hits.size() && i < offset + limit; ++i) {
    const Region& r = *hits[i];
    w.BeginObject();
    w.Key("code").String(r.code);
    w.Key("name").String(r.name);
    w.Key("name_pinyin").String(r.name_pinyin);
    w.Key("level").String(LevelName(r.level));
    w.Key("kind").String(r.kind);
    WriteAncestors(w, tree, r);
    w.EndObject();
  }
  w.EndArray();
  // next_cursor is absent on the last page.
  if (hits.size() > offset + limit) w.Key("next_cursor").String(api::EncodeCursor(std::to_string(offset + limit)));
  w.EndObject();
  return JsonResponse(w.Take());
}

// GET /api/v1/regions/{code}
Response Get(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  if (Status s = MayRead(call); !s) return ErrorResponse(s.error());
  std::string_view code = call.Param("code");
  if (Status s = CheckCode(code, "code"); !s) return ErrorResponse(s.error());
  const RegionTree& tree = *call.services.tree;
  const Region* r = tree.Find(code);
  if (!r) return ErrorResponse(Error::NotFound(fmt::format("no region {} in the region tree", code)));
  json::Writer w;
  w.BeginObject();
  w.Key("code").String(r->code);
  w.Key("name").String(r->name);
  w.Key("name_short").String(r->name_short);
  w.Key("name_pinyin").String(r->name_pinyin);
  w.Key("name_en").String(r->name_en);
  w.Key("level").String(LevelName(r->level));
  w.Key("kind").String(r->kind);
  w.Key("parent");
  if (const Region* parent = tree.Find(r->parent_code); parent && !r->parent_code.empty()) {
    WriteBrief(w, *parent);
  } else {
    w.Null();
  }
  WriteAncestors(w, tree, *r);
  // Microdegrees written as fixed six-decimal numbers, never through a double.
  w.Key("coordinates");
  if (r->lon_e6 && r->lat_e6) {
    w.BeginObject();
    w.Key("lon").Raw(text::FormatFixed(*r->lon_e6, 6));
    w.Key("lat").Raw(text::FormatFixed(*r->lat_e6, 6));
    w.Key("source").String(r->coord_source);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("children").BeginArray();
  for (const Region* c : tree.Children(r->code)) WriteBrief(w, *c);
  w.EndArray();
  w.EndObject();
  return JsonResponse(w.Take());
}

}  // namespace

void AddRoutes(api::RouteTable& table) {
  table.Get("/api/v1/regions/tree", Tree);
  table.Get("/api/v1/regions/search", Search);
  table.Get("/api/v1/regions/{code}", Get);
}

}  // namespace fupin::regions
