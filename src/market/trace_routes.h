#pragma once
// HTTP handlers of traceable lots (market/trace.h), under /api/v1:
//   GET /trace/{code}           public: what a buyer who scanned a label may know of the lot
//   GET /trace/{code}/qr.svg    public: the QR code of the lot's trace page, as SVG
//   GET /trace/{code}/qr.png    public: the same as a PNG
//   GET /lots/{id}/labels.svg   a printable A4 sheet of labels (supplier, outlet, operators)
// The trace page URL in the codes is api::Services::public_url + "/trace/{code}".
#include "api/context.h"

namespace fupin::market {

void AddTraceRoutes(api::RouteTable& table);

}  // namespace fupin::market
