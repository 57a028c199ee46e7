#pragma once
// The public face of a lot: its trace code, what a buyer who scans the QR
// code on the package may learn about it, and the printable label sheet.
//
// A trace view says where the goods come from (product, certification, origin
// village, supplier, outlet, intake and inspection) and how many households
// supplied the lot, and nothing about those households: never a name, an id
// or an amount paid. The name of a supplier of kind "household" is withheld
// as well, since it is a household's own name.
//
// Thread-safety: each call uses the one connection it is given.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "market/model.h"

namespace fupin::db {
class Connection;
}
namespace fupin::regions {
class RegionTree;
}
namespace fupin::accounts {
struct Principal;
}

namespace fupin::market {

struct QrMatrix;

// ---- Trace codes -------------------------------------------------------------

// A trace code is "LX" and 10 characters of Crockford's base32 alphabet
// (0-9 and A-Z without I, L, O, U), 50 random bits: "LX7M3Q9ZK2T0".
inline constexpr std::string_view kTraceCodePrefix = "LX";
inline constexpr size_t kTraceCodeLength = 12;

// A new code from libsodium's random generator. Codes are not checked for
// uniqueness here: lots.trace_code is UNIQUE, and with 2^50 codes a clash is
// not expected in the life of the platform (a million lots: about 1 in 2,000).
std::string NewTraceCode();

// Whether `text` is a trace code, letters in either case.
bool IsTraceCode(std::string_view text);

// The upper-case form of a trace code; kInvalidArgument naming "code" when
// `text` is not one.
Result<std::string> NormalizeTraceCode(std::string_view text);

// ---- The public view -------------------------------------------------------

struct NamedRegion {
  std::string code;  // 12 digits
  std::string name;  // "" when the regions table lacks it
};

struct TraceView {
  int64_t lot_id = 0;      // not shown on the public page; labels and links use it
  std::string trace_code;  // upper case

  std::string product_name;
  std::string category;
  std::string unit;  // what quantity counts: "kg", "box", …
  ProductFlags flags;

  // Poverty-alleviation product certification; each nullopt when not recorded.
  std::optional<std::string> certificate_no;
  std::optional<std::string> certified_from;   // "YYYY-MM-DD"
  std::optional<std::string> certified_until;  // "YYYY-MM-DD"
  bool certified_today = false;  // a certificate number, and today (UTC) within from..until

  NamedRegion origin_village;  // the product's village of origin
  NamedRegion origin_township;
  NamedRegion origin_county;

  std::optional<std::string> supplier_name;  // nullopt for a supplier of kind household
  SupplierKind supplier_kind = SupplierKind::kCooperative;

  std::string outlet_name;
  NamedRegion outlet_village;

  std::string grade;
  std::string intake_date;  // "YYYY-MM-DD"
  std::string inspection_test;
  std::string inspection_result;  // "pass" or "fail"
  std::string inspector;

  int64_t quantity = 0;    // units taken in with the lot
  int64_t households = 0;  // households that supplied it
};

// The view of the lot with trace code `code` (either case).
// kInvalidArgument naming "code" when `code` is not a trace code; kNotFound
// when no lot has it. `today` ("YYYY-MM-DD") decides certified_today; the
// first form takes today's date in China (market::ChinaDate). Throws db::DbError
// on a database failure.
Result<TraceView> LookUpTrace(db::Connection& conn, std::string_view code);
Result<TraceView> LookUpTrace(db::Connection& conn, std::string_view code, std::string_view today);

// The normalised code when a lot has it; errors as LookUpTrace. Cheaper than
// LookUpTrace (one indexed probe), for the QR routes.
Result<std::string> FindTraceCode(db::Connection& conn, std::string_view code);

// The view of lot `lot_id` for printing its labels, when `principal` may:
// its supplier (suppliers.owner_user_id), or a role that takes in lots or
// reads the market (accounts::Action::kTakeInLot, kReadMarket) with the
// lot's outlet village in its grant. kNotFound for an unknown lot;
// kPermissionDenied otherwise (not saying where the lot is when only the
// region is wrong).
Result<TraceView> LotForLabels(db::Connection& conn, const regions::RegionTree& tree,
                               const accounts::Principal& principal, int64_t lot_id);

// ---- Public URLs -----------------------------------------------------------

// `url` checked as the base of the server's public URLs: http:// or https://,
// a host, optionally a port and a path; no query, fragment, spaces or
// characters outside printable ASCII. Returned without a trailing '/'.
// kInvalidArgument naming "--public-url" otherwise.
Result<std::string> NormalizePublicUrl(std::string_view url);

// The page of the web interface that shows a trace: "{public_url}/trace/{code}".
std::string TraceUrl(std::string_view public_url, std::string_view code);

// ---- Labels ----------------------------------------------------------------

// An A4 sheet holds 3 × 8 labels of 70 × 37 mm (the common 24-up sheet).
inline constexpr int kLabelsPerSheet = 24;

// One A4 sheet (an SVG of 210 × 297 mm) with `count` labels of `lot`
// (1 <= count <= kLabelsPerSheet), filled row by row from the top left. Each
// label shows `qr` (the code of the lot's trace URL), the product name,
// grade, intake date, origin village and the trace code; every text is
// XML-escaped.
std::string LabelSheetSvg(const TraceView& lot, const QrMatrix& qr, int count);

}  // namespace fupin::market
