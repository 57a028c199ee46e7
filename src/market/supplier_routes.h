#pragma once
// HTTP handlers of the supply side (market/supplier_service.h), under /api/v1:
//   GET  /suppliers                         suppliers in a region (a supplier account: its own), paged
//   POST /suppliers                         apply for admission
//   GET  /suppliers/{id}
//   POST /suppliers/{id}/recommend          county operator
//   POST /suppliers/{id}/approve            admin
//   POST /suppliers/{id}/reject             {"reason"}
//   GET  /suppliers/{id}/links              its links to poor households
//   POST /suppliers/{id}/links              declare a link
//   POST /links/{id}/verify, /links/{id}/reject
//   POST /products                          create a product
//   GET  /products/{id}                     public catalogue detail
//   PATCH /products/{id}                    price, listing, story, flags
//   POST|DELETE /products/{id}/certification
//   POST /products/{id}/photos              the raw image as body
//   GET  /products/{id}/photos/{photo_id}   public
//   PUT  /products/{id}/reference-prices/{year}
//   GET|POST /outlets, GET /outlets/{id}
//   POST /suppliers/{id}/outlet-permissions, DELETE /suppliers/{id}/outlet-permissions/{outlet_id}
//   GET|POST /institutions
// Each handler parses, makes one service call and renders; nothing else.
#include "api/context.h"

namespace fupin::market {

void AddSupplierRoutes(api::RouteTable& table);

}  // namespace fupin::market
