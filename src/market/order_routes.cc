#include "market/order_routes.h"

#include <algorithm>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "api/json_body.h"
#include "api/reply.h"
#include "base/json_writer.h"
#include "base/text.h"
#include "market/order_service.h"

namespace fupin::market {
namespace {

using api::Call;
using api::CursorId;
using api::PathId;
using api::ErrorResponse;
using api::JsonResponse;
using http::Response;

constexpr int64_t kMaxQuantity = 100'000'000;
constexpr int64_t kMaxFen = 1'000'000'000'000;

Caller CallerOf(const Call& call) { return Caller{*call.principal, call.request.remote_address}; }

OrderService& Orders(const Call& call) { return *call.services.orders; }

void WriteFlags(json::Writer& w, const ProductFlags& f) {
  w.Key("flags").BeginObject();
  w.Key("one_village_one_product").Bool(f.one_village_one_product);
  w.Key("green").Bool(f.green);
  w.Key("organic").Bool(f.organic);
  w.Key("geographical_indication").Bool(f.geographical_indication);
  w.Key("compliance_certificate").Bool(f.compliance_certificate);
  w.EndObject();
}

void WriteLot(json::Writer& w, const Lot& lot, bool with_households) {
  w.BeginObject();
  w.Key("id").Int(lot.id);
  w.Key("trace_code").String(lot.trace_code);
  w.Key("product_id").Int(lot.product_id);
  w.Key("product_name").String(lot.product_name);
  w.Key("outlet_id").Int(lot.outlet_id);
  w.Key("outlet_village_code").String(lot.outlet_village_code);
  w.Key("supplier_id").Int(lot.supplier_id);
  w.Key("quantity").Int(lot.quantity);
  w.Key("on_hand").Int(lot.on_hand);
  w.Key("allocated").Int(lot.allocated);
  w.Key("saleable").Int(lot.on_hand - lot.allocated);
  w.Key("grade").String(lot.grade);
  w.Key("intake_date").String(lot.intake_date);
  w.Key("inspection").BeginObject();
  w.Key("test").String(lot.inspection_test);
  w.Key("result").String(lot.inspection_result);
  w.Key("inspector").String(lot.inspector);
  w.EndObject();
  w.Key("created_at").String(lot.created_at);
  if (with_households && !lot.households_withheld) {
    w.Key("households").BeginArray();
    for (const LotHousehold& h : lot.households) {
      w.BeginObject();
      w.Key("household_id").Int(h.household_id);
      w.Key("village_code").String(h.village_code);
      w.Key("channel").String(ChannelName(h.channel));
      w.Key("quantity").Int(h.quantity);
      w.Key("paid_fen").Int(h.paid_fen);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteOrder(json::Writer& w, const Order& o, bool events) {
  w.BeginObject();
  w.Key("id").Int(o.id);
  w.Key("state").String(OrderStateName(o.state));
  w.Key("total_fen").Int(o.total_fen);
  if (!o.supplier_view) {
    w.Key("buyer_user_id").Int(o.buyer_user_id);
    w.Key("institution_id");
    if (o.institution_id) {
      w.Int(*o.institution_id);
    } else {
      w.Null();
    }
  }
  if (!o.supplier_view && !o.buyer_withheld) {
    w.Key("ship_to").BeginObject();
    w.Key("name").String(o.ship_name);
    w.Key("phone").String(o.ship_phone);
    w.Key("address").String(o.ship_address);
    w.EndObject();
    w.Key("note").StringOrNull(o.note);
    w.Key("invoice_no").StringOrNull(o.invoice_no);
    w.Key("inspection_note").StringOrNull(o.inspection_note);
  }
  w.Key("placed_at").String(o.placed_at);
  w.Key("paid_at").StringOrNull(o.paid_at);
  w.Key("closed_at").StringOrNull(o.closed_at);
  w.Key("tracking_no").StringOrNull(o.tracking_no);
  w.Key("lines").BeginArray();
  for (const OrderLine& l : o.lines) {
    w.BeginObject();
    w.Key("id").Int(l.id);
    w.Key("product_id").Int(l.product_id);
    w.Key("product_name").String(l.product_name);
    w.Key("supplier_id").Int(l.supplier_id);
    w.Key("quantity").Int(l.quantity);
    w.Key("unit_price_fen").Int(l.unit_price_fen);
    w.Key("amount_fen").Int(l.amount_fen);
    w.Key("allocations").BeginArray();
    for (const Allocation& a : l.allocations) {
      w.BeginObject();
      w.Key("lot_id").Int(a.lot_id);
      w.Key("trace_code").String(a.trace_code);
      w.Key("quantity").Int(a.quantity);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  if (events) {
    w.Key("events").BeginArray();
    for (const OrderEvent& e : o.events) {
      w.BeginObject();
      w.Key("state").String(e.state);
      w.Key("at").String(e.at);
      if (!o.supplier_view) {
        w.Key("user_id");
        if (e.user_id) {
          w.Int(*e.user_id);
        } else {
          w.Null();
        }
        w.Key("note").StringOrNull(e.note);
      }
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

Response OrderResponse(int status, const Order& o) {
  json::Writer w;
  WriteOrder(w, o, true);
  return JsonResponse(status, w.Take());
}

Response OrderOrError(Result<Order> r) {
  if (!r) return ErrorResponse(r.error());
  return OrderResponse(200, *r);
}

std::optional<bool> ParseBool(std::string_view s) {
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

// GET /api/v1/products?category=&region=&supplier=&certified=&in_stock=&limit=&cursor=
Response ListProducts(Call& call) {
  if (Status s = api::CheckQuery(call.request,
                                 {"category", "region", "supplier", "certified", "in_stock", "limit", "cursor"});
      !s) {
    return ErrorResponse(s.error());
  }
  CatalogueQuery q;
  q.category = call.request.Query("category").value_or("");
  q.region_code = call.request.Query("region").value_or("");
  auto supplier = api::QueryInt(call.request, "supplier", 1, std::numeric_limits<int64_t>::max());
  if (!supplier) return ErrorResponse(supplier.error());
  q.supplier_id = *supplier;
  for (const char* name : {"certified", "in_stock"}) {
    if (std::optional<std::string> v = call.request.Query(name)) {
      std::optional<bool> b = ParseBool(*v);
      if (!b) return ErrorResponse(Error::Invalid(fmt::format("{} is true or false", name), name));
      (std::string_view(name) == "certified" ? q.certified_only : q.in_stock_only) = *b;
    }
  }
  auto page = api::ParsePage(call.request, 50, 500);
  if (!page) return ErrorResponse(page.error());
  auto after = CursorId(*page);
  if (!after) return ErrorResponse(after.error());
  q.limit = page->limit;
  q.after = *after;
  Result<CataloguePage> result = Orders(call).Catalogue(q);
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  w.BeginObject();
  w.Key("items").BeginArray();
  for (const CatalogueItem& p : result->items) {
    w.BeginObject();
    w.Key("id").Int(p.id);
    w.Key("name").String(p.name);
    w.Key("category").String(p.category);
    w.Key("unit").String(p.unit);
    w.Key("price_fen").Int(p.price_fen);
    w.Key("saleable").Int(p.saleable);
    w.Key("supplier_id").Int(p.supplier_id);
    w.Key("supplier_name").StringOrNull(p.supplier_name);
    w.Key("origin").BeginObject();
    w.Key("code").String(p.origin_village_code);
    w.Key("name").String(p.origin_village_name);
    w.EndObject();
    w.Key("certified").Bool(p.certified);
    WriteFlags(w, p.flags);
    w.Key("photo_id");
    if (p.photo_id) {
      w.Int(*p.photo_id);
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  if (result->next_after) w.Key("next_cursor").String(api::EncodeCursor(std::to_string(*result->next_after)));
  w.EndObject();
  return JsonResponse(w.Take());
}

// POST /api/v1/lots
Response TakeIn(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  LotIntake in;
  in.product_id = body->Int("product_id", 1, std::numeric_limits<int64_t>::max());
  in.outlet_id = body->Int("outlet_id", 1, std::numeric_limits<int64_t>::max());
  in.quantity = body->Int("quantity", 1, kMaxQuantity);
  in.grade = body->String("grade", 1, 64);
  in.intake_date = body->String("intake_date", 10, 10);
  if (api::JsonBody* inspection = body->Object("inspection")) {
    in.inspection_test = inspection->String("test", 1, 500);
    in.inspection_result = inspection->String("result", 4, 4);
    in.inspector = inspection->String("inspector", 1, 100);
  }
  if (auto list = body->OptObjects("households", 0, 1000)) {
    for (api::JsonBody* h : *list) {
      LotHouseholdInput x;
      x.household_id = h->Int("household_id", 1, std::numeric_limits<int64_t>::max());
      x.quantity = h->Int("quantity", 1, kMaxQuantity);
      x.paid_fen = h->Int("paid_fen", 0, kMaxFen);
      in.households.push_back(x);
    }
  }
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  if (in.inspection_result != "pass" && in.inspection_result != "fail") {
    return ErrorResponse(Error::Invalid("inspection.result is \"pass\" or \"fail\"", "inspection.result"));
  }
  // Optional: a client on a patchy link sends one key per intake and the same
  // on every retry, so a retried intake never makes a second lot.
  if (const std::string* key = call.request.Header("idempotency-key")) {
    if (key->empty()) {
      return ErrorResponse(
          Error::Invalid("the Idempotency-Key header is 1 to 128 printable ASCII characters", "Idempotency-Key"));
    }
    in.idempotency_key = *key;
  }
  Result<Lot> lot = Orders(call).TakeIn(CallerOf(call), in);
  if (!lot) {
    Error e = lot.error();
    if (e.field == "inspection_test" || e.field == "inspection_result" || e.field == "inspector") {
      e.field = "inspection." + e.field.substr(11);
      if (e.field == "inspection.") e.field = "inspection.inspector";
    }
    return ErrorResponse(e);
  }
  json::Writer w;
  WriteLot(w, *lot, true);
  Response r = JsonResponse(201, w.Take());
  if (lot->replayed) r.headers.emplace_back("Idempotent-Replayed", "true");
  return r;
}

// GET /api/v1/lots?product=&outlet=&limit=&cursor=
Response ListLots(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"product", "outlet", "limit", "cursor"}); !s) {
    return ErrorResponse(s.error());
  }
  LotQuery q;
  auto product = api::QueryInt(call.request, "product", 1, std::numeric_limits<int64_t>::max());
  if (!product) return ErrorResponse(product.error());
  auto outlet = api::QueryInt(call.request, "outlet", 1, std::numeric_limits<int64_t>::max());
  if (!outlet) return ErrorResponse(outlet.error());
  q.product_id = *product;
  q.outlet_id = *outlet;
  auto page = api::ParsePage(call.request, 50, 500);
  if (!page) return ErrorResponse(page.error());
  auto after = CursorId(*page);
  if (!after) return ErrorResponse(after.error());
  q.limit = page->limit;
  q.after = *after;
  Result<LotPage> result = Orders(call).ListLots(CallerOf(call), q);
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  w.BeginObject();
  w.Key("items").BeginArray();
  for (const Lot& lot : result->items) WriteLot(w, lot, false);
  w.EndArray();
  if (result->next_after) w.Key("next_cursor").String(api::EncodeCursor(std::to_string(*result->next_after)));
  w.EndObject();
  return JsonResponse(w.Take());
}

// GET /api/v1/lots/{id}
Response GetLot(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<Lot> lot = Orders(call).GetLot(CallerOf(call), *id);
  if (!lot) return ErrorResponse(lot.error());
  json::Writer w;
  WriteLot(w, *lot, true);
  return JsonResponse(w.Take());
}

// POST /api/v1/orders (Idempotency-Key)
Response PlaceOrderRoute(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  const std::string* key = call.request.Header("idempotency-key");
  if (!key || key->empty()) {
    return ErrorResponse(Error::Invalid("an order needs an Idempotency-Key header (a fresh random text per order, "
                                        "the same on every retry of it)",
                                        "Idempotency-Key"));
  }
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  PlaceOrder c;
  c.idempotency_key = *key;
  for (api::JsonBody* line : body->Objects("lines", 1, 100)) {
    OrderLineInput x;
    x.product_id = line->Int("product_id", 1, std::numeric_limits<int64_t>::max());
    x.quantity = line->Int("quantity", 1, kMaxQuantity);
    c.lines.push_back(x);
  }
  if (api::JsonBody* ship = body->Object("ship_to")) {
    c.ship_name = ship->String("name", 1, 100);
    c.ship_phone = ship->String("phone", 5, 32);
    c.ship_address = ship->String("address", 1, 500);
  }
  c.note = body->OptString("note", 0, 500).value_or("");
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  Result<PlaceResult> placed = Orders(call).Place(CallerOf(call), c);
  if (!placed) return ErrorResponse(placed.error());
  Response r = OrderResponse(201, placed->order);
  r.headers.emplace_back("Location", fmt::format("/api/v1/orders/{}", placed->order.id));
  if (placed->replayed) r.headers.emplace_back("Idempotent-Replayed", "true");
  return r;
}

// GET /api/v1/orders?state=&limit=&cursor=
Response ListOrders(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"state", "limit", "cursor"}); !s) return ErrorResponse(s.error());
  OrderQuery q;
  if (std::optional<std::string> state = call.request.Query("state")) {
    q.state = ParseOrderState(*state);
    if (!q.state) {
      return ErrorResponse(Error::Invalid(
          fmt::format("state '{}' is not one of placed, paid, packed, shipped, delivered, accepted, cancelled, "
                      "refunded",
                      *state),
          "state"));
    }
  }
  auto page = api::ParsePage(call.request, 50, 200);
  if (!page) return ErrorResponse(page.error());
  auto after = CursorId(*page);
  if (!after) return ErrorResponse(after.error());
  q.limit = page->limit;
  q.after = *after;
  Result<OrderPage> result = Orders(call).ListOrders(CallerOf(call), q);
  if (!result) return ErrorResponse(result.error());
  json::Writer w;
  w.BeginObject();
  w.Key("items").BeginArray();
  for (const Order& o : result->items) WriteOrder(w, o, false);
  w.EndArray();
  if (result->next_after) w.Key("next_cursor").String(api::EncodeCursor(std::to_string(*result->next_after)));
  w.EndObject();
  return JsonResponse(w.Take());
}

// GET /api/v1/orders/{id}
Response GetOrder(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  return OrderOrError(Orders(call).GetOrder(CallerOf(call), *id));
}

// A POST on an order with a JSON body of small string fields (`required`
// ones must be there; without any, an empty body counts as {}).
Result<std::map<std::string, std::string>> SmallBody(const Call& call,
                                                     std::initializer_list<std::pair<const char*, size_t>> fields,
                                                     std::initializer_list<const char*> required = {}) {
  std::map<std::string, std::string> out;
  if (call.request.body.empty() && required.size() == 0) return out;
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return body.error();
  for (const auto& [name, max] : fields) {
    bool needed = std::find_if(required.begin(), required.end(),
                               [&](const char* r) { return std::string_view(r) == name; }) != required.end();
    if (needed) {
      out[name] = body->String(name, 1, max);
    } else if (auto v = body->OptString(name, 0, max)) {
      out[name] = *v;
    }
  }
  if (Status s = body->Finish(); !s) return s.error();
  return out;
}

Response PayRoute(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  auto f = SmallBody(call, {{"provider", 32}, {"reference", 100}, {"outcome", 16}}, {"provider"});
  if (!f) return ErrorResponse(f.error());
  PayOrder p{(*f)["provider"], (*f)["reference"], (*f)["outcome"]};
  return OrderOrError(Orders(call).Pay(CallerOf(call), *id, p));
}

Response PackRoute(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  auto f = SmallBody(call, {});
  if (!f) return ErrorResponse(f.error());
  return OrderOrError(Orders(call).Pack(CallerOf(call), *id));
}

Response ShipRoute(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  auto f = SmallBody(call, {{"tracking_no", 64}}, {"tracking_no"});
  if (!f) return ErrorResponse(f.error());
  return OrderOrError(Orders(call).Ship(CallerOf(call), *id, (*f)["tracking_no"]));
}

Response DeliverRoute(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  auto f = SmallBody(call, {});
  if (!f) return ErrorResponse(f.error());
  return OrderOrError(Orders(call).Deliver(CallerOf(call), *id));
}

Response AcceptRoute(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  auto f = SmallBody(call, {{"invoice_no", 64}, {"inspection_note", 1000}});
  if (!f) return ErrorResponse(f.error());
  return OrderOrError(Orders(call).Accept(CallerOf(call), *id, Acceptance{(*f)["invoice_no"], (*f)["inspection_note"]}));
}

Response CancelRoute(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  auto f = SmallBody(call, {{"reason", 500}});
  if (!f) return ErrorResponse(f.error());
  return OrderOrError(Orders(call).Cancel(CallerOf(call), *id, (*f)["reason"]));
}

Response RefundRoute(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  auto f = SmallBody(call, {{"reason", 500}}, {"reason"});
  if (!f) return ErrorResponse(f.error());
  return OrderOrError(Orders(call).Refund(CallerOf(call), *id, (*f)["reason"]));
}

// POST /api/v1/orders/{id}/ratings {supplier_id, stars, comment}
Response RateRoute(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  auto id = PathId(call, "id");
  if (!id) return ErrorResponse(id.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  Rating r;
  r.supplier_id = body->Int("supplier_id", 1, std::numeric_limits<int64_t>::max());
  r.stars = static_cast<int>(body->Int("stars", 1, 5));
  r.comment = body->OptString("comment", 0, 1000).value_or("");
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  if (Status s = Orders(call).Rate(CallerOf(call), *id, r); !s) return ErrorResponse(s.error());
  return api::NoContent();
}

void WriteSettlement(json::Writer& w, const SettlementLine& s) {
  w.BeginObject();
  w.Key("supplier_id").Int(s.supplier_id);
  w.Key("supplier_name").String(s.supplier_name);
  w.Key("period").String(s.period);
  w.Key("orders").Int(s.orders);
  w.Key("sales_fen").Int(s.sales_fen);
  w.Key("refunds_fen").Int(s.refunds_fen);
  w.Key("fee_bp").Int(s.fee_bp);
  w.Key("fee_fen").Int(s.fee_fen);
  w.Key("owed_fen").Int(s.owed_fen);
  w.Key("paid_fen").Int(s.paid_fen);
  w.Key("balance_fen").Int(s.balance_fen);
  w.Key("households").Int(s.households);
  w.Key("households_credited_fen").Int(s.households_credited_fen);
  w.EndObject();
}

// GET /api/v1/settlements?period=YYYY-MM&supplier=
Response SettlementRoute(Call& call) {
  if (Status s = api::CheckQuery(call.request, {"period", "supplier"}); !s) return ErrorResponse(s.error());
  std::optional<std::string> period = call.request.Query("period");
  if (!period) return ErrorResponse(Error::Invalid("period (YYYY-MM) is required", "period"));
  auto supplier = api::QueryInt(call.request, "supplier", 1, std::numeric_limits<int64_t>::max());
  if (!supplier) return ErrorResponse(supplier.error());
  auto lines = Orders(call).Settlement(CallerOf(call), *period, *supplier);
  if (!lines) return ErrorResponse(lines.error());
  json::Writer w;
  w.BeginObject();
  w.Key("period").String(*period);
  w.Key("items").BeginArray();
  for (const SettlementLine& s : *lines) WriteSettlement(w, s);
  w.EndArray();
  w.EndObject();
  return JsonResponse(w.Take());
}

// POST /api/v1/settlements/payouts {supplier_id, period, amount_fen, reference}
Response PayoutRoute(Call& call) {
  if (Status s = api::CheckQuery(call.request, {}); !s) return ErrorResponse(s.error());
  Result<api::JsonBody> body = api::JsonBody::Parse(call.request);
  if (!body) return ErrorResponse(body.error());
  Payout p;
  p.supplier_id = body->Int("supplier_id", 1, std::numeric_limits<int64_t>::max());
  p.period = body->String("period", 7, 7);
  p.amount_fen = body->Int("amount_fen", 1, kMaxFen);
  p.reference = body->String("reference", 1, 100);
  if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
  auto line = Orders(call).RecordPayout(CallerOf(call), p);
  if (!line) return ErrorResponse(line.error());
  json::Writer w;
  WriteSettlement(w, *line);
  return JsonResponse(201, w.Take());
}

}  // namespace

void AddOrderRoutes(api::RouteTable& table) {
  table.Get("/api/v1/products", ListProducts, api::Access::kPublic);
  table.Post("/api/v1/lots", TakeIn);
  table.Get("/api/v1/lots", ListLots);
  table.Get("/api/v1/lots/{id}", GetLot);
  table.Post("/api/v1/orders", PlaceOrderRoute);
  table.Get("/api/v1/orders", ListOrders);
  table.Get("/api/v1/orders/{id}", GetOrder);
  table.Post("/api/v1/orders/{id}/pay", PayRoute);
  table.Post("/api/v1/orders/{id}/pack", PackRoute);
  table.Post("/api/v1/orders/{id}/ship", ShipRoute);
  table.Post("/api/v1/orders/{id}/deliver", DeliverRoute);
  table.Post("/api/v1/orders/{id}/accept", AcceptRoute);
  table.Post("/api/v1/orders/{id}/ratings", RateRoute);
  table.Post("/api/v1/orders/{id}/cancel", CancelRoute);
  table.Post("/api/v1/orders/{id}/refund", RefundRoute);
  table.Get("/api/v1/settlements", SettlementRoute);
  table.Post("/api/v1/settlements/payouts", PayoutRoute);
}

}  // namespace fupin::market
