// Trace codes, the public trace view of a lot, and its label sheet.
#include "market/trace.h"

#include <sodium.h>

#include <cassert>
#include <ctime>

#include <fmt/format.h>

#include "accounts/model.h"
#include "audit/model.h"
#include "db/database.h"
#include "market/qr.h"

namespace fupin::market {
namespace {

// Crockford's base32: the digits and the capitals without I, L, O and U,
// which are easy to misread (or, for U, to read as a word).
constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kRandomBits = 50;

char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// Everything the public view shows, and the lot's supplier account for the
// label permission. Household names, ids and payments are not selected at
// all, so no later change of the rendering can leak them.
constexpr std::string_view kSelectLot = R"SQL(
SELECT l.lot_id, l.trace_code, p.name, p.category, p.unit,
       p.flag_one_village_one_product, p.flag_green, p.flag_organic,
       p.flag_geographical_indication, p.flag_compliance_certificate,
       p.certificate_no, p.certified_from, p.certified_until,
       p.origin_village_code, v.name, t.code, t.name, c.code, c.name,
       s.name, s.kind, s.owner_user_id,
       o.name, o.village_code, ov.name,
       l.grade, l.intake_date, l.inspection_test, l.inspection_result, l.inspector, l.quantity,
       (SELECT COUNT(*) FROM lot_households lh WHERE lh.lot_id = l.lot_id)
FROM lots l
JOIN products p ON p.product_id = l.product_id
JOIN suppliers s ON s.supplier_id = l.supplier_id
JOIN outlets o ON o.outlet_id = l.outlet_id
LEFT JOIN regions v ON v.code = p.origin_village_code
LEFT JOIN regions t ON t.code = v.parent_code
LEFT JOIN regions c ON c.code = t.parent_code
LEFT JOIN regions ov ON ov.code = o.village_code
)SQL";

struct LotRow {
  TraceView view;
  std::optional<int64_t> owner_user_id;
};

std::optional<std::string> OptText(db::Statement& st, int column) {
  if (st.IsNull(column)) return std::nullopt;
  return st.Text(column);
}

std::string TextOrEmpty(db::Statement& st, int column) { return st.IsNull(column) ? std::string() : st.Text(column); }

LotRow ReadLot(db::Statement& st, std::string_view today) {
  LotRow row;
  TraceView& v = row.view;
  int i = 0;
  v.lot_id = st.Int(i++);
  v.trace_code = st.Text(i++);
  v.product_name = st.Text(i++);
  v.category = st.Text(i++);
  v.unit = st.Text(i++);
  v.flags.one_village_one_product = st.Int(i++) != 0;
  v.flags.green = st.Int(i++) != 0;
  v.flags.organic = st.Int(i++) != 0;
  v.flags.geographical_indication = st.Int(i++) != 0;
  v.flags.compliance_certificate = st.Int(i++) != 0;
  v.certificate_no = OptText(st, i++);
  v.certified_from = OptText(st, i++);
  v.certified_until = OptText(st, i++);
  v.certified_today = v.certificate_no.has_value() && CertificationValid(v.certified_from, v.certified_until, today);
  v.origin_village.code = st.Text(i++);
  v.origin_village.name = TextOrEmpty(st, i++);
  v.origin_township.code = TextOrEmpty(st, i++);
  v.origin_township.name = TextOrEmpty(st, i++);
  v.origin_county.code = TextOrEmpty(st, i++);
  v.origin_county.name = TextOrEmpty(st, i++);
  std::string supplier_name = st.Text(i++);
  std::string kind = st.Text(i++);
  std::optional<SupplierKind> parsed = ParseSupplierKind(kind);
  if (!parsed) throw db::DbError("suppliers.kind holds '" + kind + "', which the schema does not allow");
  v.supplier_kind = *parsed;
  if (v.supplier_kind != SupplierKind::kHousehold) v.supplier_name = std::move(supplier_name);
  row.owner_user_id = st.OptInt(i++);
  v.outlet_name = st.Text(i++);
  v.outlet_village.code = st.Text(i++);
  v.outlet_village.name = TextOrEmpty(st, i++);
  v.grade = st.Text(i++);
  v.intake_date = st.Text(i++);
  v.inspection_test = st.Text(i++);
  v.inspection_result = st.Text(i++);
  v.inspector = st.Text(i++);
  v.quantity = st.Int(i++);
  v.households = st.Int(i++);
  return row;
}

// Certifications are valid by the calendar in China.
std::string Today() { return ChinaDate(static_cast<int64_t>(std::time(nullptr))); }

// Text for XML character data and attribute values. Control characters that
// XML 1.0 does not allow are dropped.
std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out.push_back(c);
    }
  }
  return out;
}

// The width of `text` in ems, roughly: a CJK character is one em wide, a
// Latin letter or digit about 0.6 em (sans-serif). Only for choosing a size.
double EstimatedEms(std::string_view text) {
  double ems = 0;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      ems += 0.6;
    } else if ((u & 0xC0) != 0x80) {
      ems += 1.0;  // the first byte of a multi-byte character
    }
  }
  return ems;
}

// The font size (mm) at which `text` fits `width_mm`: `largest` when it fits,
// smaller down to `smallest`, below which the label's clip cuts it.
double FitFontSize(std::string_view text, double largest, double smallest, double width_mm) {
  const double ems = EstimatedEms(text);
  if (ems <= 0 || ems * largest <= width_mm) return largest;
  const double size = width_mm / ems;
  return size < smallest ? smallest : static_cast<double>(static_cast<int>(size * 10)) / 10;
}

}  // namespace

std::string NewTraceCode() {
  unsigned char bytes[8];
  randombytes_buf(bytes, sizeof bytes);
  uint64_t bits = 0;
  for (unsigned char b : bytes) bits = (bits << 8) | b;
  bits &= (uint64_t{1} << kRandomBits) - 1;
  std::string code(kTraceCodePrefix);
  for (int shift = kRandomBits - 5; shift >= 0; shift -= 5) code.push_back(kCrockford[(bits >> shift) & 31]);
  assert(code.size() == kTraceCodeLength);
  return code;
}

bool IsTraceCode(std::string_view text) {
  if (text.size() != kTraceCodeLength) return false;
  if (Upper(text[0]) != kTraceCodePrefix[0] || Upper(text[1]) != kTraceCodePrefix[1]) return false;
  for (char c : text.substr(kTraceCodePrefix.size())) {
    if (kCrockford.find(Upper(c)) == std::string_view::npos) return false;
  }
  return true;
}

Result<std::string> NormalizeTraceCode(std::string_view text) {
  if (!IsTraceCode(text)) {
    // The text is echoed only when it is short and plain.
    bool plain = text.size() <= 40;
    for (char c : text) plain = plain && c > 0x20 && c < 0x7f;
    return Error::Invalid(fmt::format("{} is not a trace code: LX and 10 characters of 0-9 and A-Z without I, L, O "
                                      "and U, as printed on the label",
                                      plain ? fmt::format("'{}'", text) : std::string("the code given")),
                          "code");
  }
  std::string code(text);
  for (char& c : code) c = Upper(c);
  return code;
}

Result<TraceView> LookUpTrace(db::Connection& conn, std::string_view code) {
  return LookUpTrace(conn, code, Today());
}

Result<TraceView> LookUpTrace(db::Connection& conn, std::string_view code, std::string_view today) {
  Result<std::string> normal = NormalizeTraceCode(code);
  if (!normal) return normal.error();
  auto st = conn.Prepare(std::string(kSelectLot) + "WHERE l.trace_code = ?");
  st->Bind(1, *normal);
  if (!st->Step()) return Error::NotFound(fmt::format("no lot has the trace code {}", *normal));
  TraceView view = ReadLot(*st, today).view;
  st->Run();
  return view;
}

Result<std::string> FindTraceCode(db::Connection& conn, std::string_view code) {
  Result<std::string> normal = NormalizeTraceCode(code);
  if (!normal) return normal.error();
  auto st = conn.Prepare("SELECT lot_id FROM lots WHERE trace_code = ?");
  st->Bind(1, *normal);
  if (!st->Step()) return Error::NotFound(fmt::format("no lot has the trace code {}", *normal));
  st->Run();
  return *normal;
}

Result<TraceView> LotForLabels(db::Connection& conn, const regions::RegionTree& tree,
                               const accounts::Principal& principal, int64_t lot_id) {
  auto st = conn.Prepare(std::string(kSelectLot) + "WHERE l.lot_id = ?");
  st->Bind(1, lot_id);
  if (!st->Step()) return Error::NotFound(fmt::format("no lot {}", lot_id));
  LotRow row = ReadLot(*st, Today());
  st->Run();

  if (row.owner_user_id && *row.owner_user_id == principal.user_id) return std::move(row.view);
  const std::string& village = row.view.outlet_village.code;
  if (accounts::Check(tree, principal, accounts::Action::kTakeInLot, village)) return std::move(row.view);
  Status read = accounts::Check(tree, principal, accounts::Action::kReadMarket, village);
  if (read) return std::move(row.view);
  // A role that may print labels somewhere learns only that this lot is not
  // in its grant, not where the lot is.
  if (accounts::Allows(principal.role, accounts::Action::kTakeInLot) ||
      accounts::Allows(principal.role, accounts::Action::kReadMarket)) {
    return Error::Denied(fmt::format("lot {} is outside the region your account covers", lot_id));
  }
  return Error::Denied(fmt::format(
      "the labels of lot {} are printed by its supplier, its outlet and the operators and readers of the market "
      "over its village",
      lot_id));
}

Result<std::string> NormalizePublicUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return Error::Invalid(fmt::format("--public-url {}: give the address buyers reach the server at, e.g. "
                                      "https://fupin.example.org (got \"{}\")",
                                      why, url),
                          "--public-url");
  };
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return bad("must start with http:// or https://");
  }
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' ||
        c == '{' || c == '|' || c == '}') {
      return bad("holds a character that a URL cannot");
    }
    if (c == '?' || c == '#') return bad("cannot have a query or a fragment");
  }
  const size_t slash = rest.find('/');
  std::string_view host = rest.substr(0, slash);
  if (host.empty() || host.front() == ':' || host.find('@') != std::string_view::npos) {
    return bad("needs a host (and no user name)");
  }
  std::string out(url);
  while (out.ends_with('/')) out.pop_back();
  return out;
}

std::string TraceUrl(std::string_view public_url, std::string_view code) {
  return fmt::format("{}/trace/{}", public_url, code);
}

std::string LabelSheetSvg(const TraceView& lot, const QrMatrix& qr, int count) {
  assert(count >= 1 && count <= kLabelsPerSheet);
  // 3 columns of 70 mm fill the 210 mm width; 8 rows of 37 mm leave 0.5 mm
  // above and below.
  constexpr int kColumns = 3;
  constexpr double kWidth = 70, kHeight = 37, kTop = 0.5;
  const int side = qr.size + 2 * kQrQuietZone;

  std::string svg;
  svg += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
         "width=\"210mm\" height=\"297mm\" viewBox=\"0 0 210 297\" "
         "font-family=\"'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif\">\n";
  svg += fmt::format("<title>{} {}</title>\n", XmlEscape(lot.product_name), XmlEscape(lot.trace_code));
  svg += "<defs>\n";
  svg += fmt::format("<symbol id=\"qr\" viewBox=\"0 0 {0} {0}\" shape-rendering=\"crispEdges\">"
                     "<rect width=\"{0}\" height=\"{0}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{1}\"/></symbol>\n",
                     side, QrPathData(qr));
  // The text column of a label, in the label's own coordinates: text longer
  // than the label is cut at its edge rather than running into the next one.
  svg += "<clipPath id=\"text\"><rect x=\"34\" y=\"2\" width=\"34.5\" height=\"33\"/></clipPath>\n";
  svg += "</defs>\n";

  // Text starts at x = 35 and is clipped at 68.5; long names get smaller type.
  constexpr double kTextWidth = 33;
  const std::string_view origin_text =
      lot.origin_village.name.empty() ? std::string_view(lot.origin_village.code) : lot.origin_village.name;
  const double name_size = FitFontSize(lot.product_name, 4.2, 2.8, kTextWidth);
  const double origin_size = FitFontSize(std::string("产地 ") + std::string(origin_text), 3.2, 2.4, kTextWidth);
  const std::string name = XmlEscape(lot.product_name);
  const std::string grade = XmlEscape(lot.grade);
  const std::string date = XmlEscape(lot.intake_date);
  const std::string origin = XmlEscape(origin_text);
  const std::string code = XmlEscape(lot.trace_code);
  for (int i = 0; i < count; ++i) {
    const double x = (i % kColumns) * kWidth;
    const double y = kTop + (i / kColumns) * kHeight;
    svg += fmt::format("<g transform=\"translate({} {})\">", x, y);
    svg += "<rect x=\"0.5\" y=\"0.5\" width=\"69\" height=\"36\" rx=\"2\" fill=\"none\" stroke=\"#bbb\" "
           "stroke-width=\"0.2\"/>";
    svg += "<use xlink:href=\"#qr\" x=\"2\" y=\"3\" width=\"31\" height=\"31\"/>";
    svg += "<g clip-path=\"url(#text)\" fill=\"#000\">";
    svg += fmt::format("<text x=\"35\" y=\"8.5\" font-size=\"{}\" font-weight=\"bold\">{}</text>", name_size,
                       name);
    svg += fmt::format("<text x=\"35\" y=\"14.5\" font-size=\"3.2\">等级 {}</text>", grade);
    svg += fmt::format("<text x=\"35\" y=\"19.5\" font-size=\"3.2\">入库 {}</text>", date);
    svg += fmt::format("<text x=\"35\" y=\"24.5\" font-size=\"{}\">产地 {}</text>", origin_size, origin);
    svg += fmt::format("<text x=\"35\" y=\"32\" font-size=\"3.6\" font-family=\"monospace\">{}</text>", code);
    svg += "</g></g>\n";
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace fupin::market
