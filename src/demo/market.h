#pragma once
// `fupin demo`, second part: a synthetic marketplace grown on the demo
// registry through the real market services (market/supplier_service.h,
// market/order_service.h), so that every row passed the same checks, permission
// checks and audit entries as a request would, and the benefit ledger is written
// by the payments themselves.
//
// What it builds, from 2015 to the end of 2020 on a simulated clock (every
// timestamp the services write — applications, decisions, lots, orders,
// payments, audit entries — is the simulated time):
//  - village e-commerce outlets, opened in 2015 and 2016;
//  - suppliers (cooperatives, enterprises, households) in outlet villages, with
//    declared and verified links to registered poor households of their county;
//  - products of the county's specialities: Bingtangxin apples (冰糖心苹果) and
//    lilies (百合) in Yongjing, named in the paper; the others are synthetic
//    choices and say so in their story; some certified, with local reference
//    prices per year;
//  - lots taken in at the outlets from the linked households, month by month;
//  - orders from synthetic buyers and institutions, 2016–2020: placed, paid
//    (test provider by the buyer, or offline confirmed by the county operator),
//    packed, shipped, delivered and accepted; some cancelled or refunded.
// Every supplier, product, institution and order row is flagged synthetic = 1.
//
// The targets (data/scenarios/linxia.csv, rows "market_…", scaled by `scale`
// and rounded) hold exactly in the records:
//  - outlets opened by the end of 2016 (the paper: 800 network outlets);
//  - the e-commerce transaction volume of each year: the totals of orders paid
//    that year and not refunded (the paper: 120 million yuan in 2016);
//  - in the paper's month (August 2017) in Yongjing: the kilograms of
//    Bingtangxin apples and of lilies sold (orders paid that month, not
//    refunded), the number of registered poor households with net ledger
//    credits that month (the paper: 260), and their mean gain (credit − local
//    value, benefit/model.h) — about 500 yuan, within one yuan.
#include <cstdint>

#include "base/result.h"

namespace fupin::db {
class Connection;
class Pool;
}  // namespace fupin::db

namespace fupin::demo {

struct MarketOptions {
  uint64_t seed = 2020;
  double scale = 1.0;  // as the registry's: 0.01 .. 20
  // Orders processed per commit; the marketplace is written in batches of
  // this many orders' steps.
  int batch_orders = 2000;
};

struct MarketSummary {
  int64_t outlets = 0;
  int64_t suppliers = 0;
  int64_t approved_suppliers = 0;
  int64_t verified_links = 0;
  int64_t products = 0;
  int64_t certified_products = 0;
  int64_t lots = 0;
  int64_t buyers = 0;  // synthetic buyer accounts (consumers and traders)
  int64_t institutions = 0;
  int64_t orders = 0;
  int64_t cancelled = 0;
  int64_t refunded = 0;
  int64_t ledger_entries = 0;
  int64_t volume_2016_fen = 0;  // paid in 2016, not refunded
};

// Builds the marketplace into `conn`, which must hold the demo registry and
// the demo accounts (accounts::EnsureDemoAccounts) and no marketplace yet
// (kConflict otherwise). `pool` (on the same database) is only handed to the
// services' constructors: every write goes through `conn`, in transactions
// committed every `batch_orders` orders; on a failure the batch in progress
// rolls back and the error says the marketplace is incomplete. The same
// options give the same rows on SQLite and PostgreSQL, trace codes aside
// (they are random by design). Creates synthetic accounts with passwords no
// one can sign in with: county operators of the seven counties other than
// Dongxiang ("demo-county-622901", …), consumers ("demo-buyer-0001", …),
// traders ("demo-trader-001", …) and institution buyers ("demo-inst-001", …).
Result<MarketSummary> BuildMarket(db::Connection& conn, db::Pool& pool, const MarketOptions& options);

}  // namespace fupin::demo
