#include "market/supplier_service.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "accounts/model.h"
#include "accounts/store.h"
#include "audit/audit_log.h"
#include "base/text.h"
#include "db/database.h"
#include "db/pool.h"
#include "regions/tree.h"

namespace fupin::market {
namespace {

using accounts::Action;
using accounts::Principal;
using accounts::Role;

constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxContactBytes = 200;
constexpr size_t kMaxReasonBytes = 500;
constexpr size_t kMaxEvidenceBytes = 500;
constexpr size_t kMaxStoryBytes = 4000;
constexpr size_t kMaxGrades = 10;
constexpr size_t kMaxGradeBytes = 50;
// A million yuan a unit: far above any real price, and small enough that a
// price times any quantity (at most 10^8 units) fits in 64 bits.
constexpr int64_t kMaxPriceFen = 100'000'000;
constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2100;

// A refusal about a record the caller named by id: when the role may do the
// action somewhere, the refusal does not say where the record is; a refusal
// of the role itself stands.
Error Hidden(const Principal& principal, Action action, Error refusal, const std::string& what) {
  if (!accounts::Allows(principal.role, action)) return refusal;
  return Error::Denied(what + " is outside the region your account covers");
}

Status CheckText(std::string_view value, size_t min_bytes, size_t max_bytes, const char* field) {
  if (value.size() < min_bytes) {
    return Error::Invalid(min_bytes == 1 ? fmt::format("{} must not be empty", field)
                                         : fmt::format("{} needs at least {} bytes", field, min_bytes),
                          field);
  }
  if (value.size() > max_bytes) return Error::Invalid(fmt::format("{} has at most {} bytes", field, max_bytes), field);
  if (!text::IsValidUtf8(value)) return Error::Invalid(fmt::format("{} must be valid UTF-8 text", field), field);
  return {};
}

Result<const regions::Region*> VillageOf(const regions::RegionTree& tree, std::string_view code, const char* field) {
  if (!regions::IsRegionCode(code)) {
    return Error::Invalid(fmt::format("'{}' is not a region code: a village code has 12 digits", code), field);
  }
  const regions::Region* region = tree.Find(code);
  if (!region) return Error::Invalid(fmt::format("no region {} in the region tree", code), field);
  if (region->level != regions::Level::kVillage) {
    return Error::Invalid(
        fmt::format("{} {} is a {}, not a village", region->code, region->name, regions::LevelName(region->level)),
        field);
  }
  return region;
}

std::string CountyOf(const regions::RegionTree& tree, std::string_view village_code) {
  const regions::Region* county = tree.AncestorAt(village_code, regions::Level::kCounty);
  return county ? county->code : std::string();
}

Status CheckDate(std::string_view text, const char* field) {
  auto parsed = audit::ParseTimestamp(text, field);
  if (!parsed || !audit::IsDateOnly(text)) {
    return Error::Invalid(fmt::format("{} must be a date like 2026-11-30", field), field);
  }
  return {};
}

// Runs a statement with RETURNING of one id; nullopt when it returned no row
// (ON CONFLICT DO NOTHING). Steps to the end: on SQLite a RETURNING statement
// left active blocks the commit.
std::optional<int64_t> ReturnedId(db::Statement& st) {
  std::optional<int64_t> id;
  if (st.Step()) id = st.Int(0);
  st.Run();
  return id;
}

std::string JoinGrades(const std::vector<std::string>& grades) {
  std::string out;
  for (const std::string& g : grades) {
    if (!out.empty()) out.push_back('|');
    out += g;
  }
  return out;
}

std::vector<std::string> SplitGrades(std::string_view joined) {
  std::vector<std::string> out;
  for (std::string_view g : text::Split(joined, '|')) {
    if (!g.empty()) out.emplace_back(g);
  }
  return out;
}

// ---- Rows -----------------------------------------------------------------------

constexpr const char* kSupplierColumns =
    "s.supplier_id, s.name, s.kind, s.village_code, s.county_code, s.household_id, s.owner_user_id, s.contact, "
    "s.state, s.state_reason, s.applied_at, s.decided_at, s.synthetic, "
    "CASE WHEN EXISTS (SELECT 1 FROM supplier_links l WHERE l.supplier_id = s.supplier_id AND l.state = 'verified') "
    "OR (s.kind = 'household' AND EXISTS (SELECT 1 FROM household_years y WHERE y.household_id = s.household_id "
    "AND y.status IN ('poor', 'exited', 'monitored'))) THEN 1 ELSE 0 END";

Supplier ReadSupplier(db::Statement& st) {
  Supplier s;
  s.id = st.Int(0);
  s.name = st.Text(1);
  s.kind = ParseSupplierKind(st.Text(2)).value_or(SupplierKind::kCooperative);
  s.village_code = st.Text(3);
  s.county_code = st.Text(4);
  s.household_id = st.OptInt(5);
  s.owner_user_id = st.OptInt(6);
  if (!st.IsNull(7)) s.contact = st.Text(7);
  s.state = ParseSupplierState(st.Text(8)).value_or(SupplierState::kApplied);
  if (!st.IsNull(9)) s.state_reason = st.Text(9);
  s.applied_at = st.Text(10);
  if (!st.IsNull(11)) s.decided_at = st.Text(11);
  s.synthetic = st.Int(12) != 0;
  s.has_verified_link = st.Int(13) != 0;
  return s;
}

std::optional<Supplier> FindSupplier(db::Connection& conn, int64_t supplier_id) {
  auto st = conn.Prepare(fmt::format("SELECT {} FROM suppliers s WHERE s.supplier_id = ?", kSupplierColumns));
  st->Bind(1, supplier_id);
  if (!st->Step()) return std::nullopt;
  Supplier s = ReadSupplier(*st);
  st->Run();
  return s;
}

constexpr const char* kLinkColumns =
    "l.link_id, l.supplier_id, l.household_id, h.village_code, l.county_code, l.channel, l.evidence, l.state, "
    "l.state_reason, l.declared_at, l.decided_at";

SupplierLink ReadLink(db::Statement& st) {
  SupplierLink l;
  l.id = st.Int(0);
  l.supplier_id = st.Int(1);
  l.household_id = st.Int(2);
  l.village_code = st.Text(3);
  l.county_code = st.Text(4);
  l.channel = ParseChannel(st.Text(5)).value_or(Channel::kPurchase);
  l.evidence = st.Text(6);
  l.state = ParseLinkState(st.Text(7)).value_or(LinkState::kDeclared);
  if (!st.IsNull(8)) l.state_reason = st.Text(8);
  l.declared_at = st.Text(9);
  if (!st.IsNull(10)) l.decided_at = st.Text(10);
  return l;
}

std::optional<SupplierLink> FindLink(db::Connection& conn, int64_t link_id) {
  auto st = conn.Prepare(fmt::format(
      "SELECT {} FROM supplier_links l JOIN households h ON h.household_id = l.household_id WHERE l.link_id = ?",
      kLinkColumns));
  st->Bind(1, link_id);
  if (!st->Step()) return std::nullopt;
  SupplierLink l = ReadLink(*st);
  st->Run();
  return l;
}

constexpr const char* kProductColumns =
    "product_id, supplier_id, county_code, name, category, unit, price_fen, origin_village_code, story, grades, "
    "flag_one_village_one_product, flag_green, flag_organic, flag_geographical_indication, "
    "flag_compliance_certificate, certificate_no, certified_from, certified_until, listed, synthetic, created_at";

std::optional<Product> FindProduct(db::Connection& conn, int64_t product_id) {
  auto st = conn.Prepare(fmt::format("SELECT {} FROM products WHERE product_id = ?", kProductColumns));
  st->Bind(1, product_id);
  if (!st->Step()) return std::nullopt;
  Product p;
  p.id = st->Int(0);
  p.supplier_id = st->Int(1);
  p.county_code = st->Text(2);
  p.name = st->Text(3);
  p.category = st->Text(4);
  p.unit = st->Text(5);
  p.price_fen = st->Int(6);
  p.origin_village_code = st->Text(7);
  if (!st->IsNull(8)) p.story = st->Text(8);
  p.grades = SplitGrades(st->Text(9));
  p.flags.one_village_one_product = st->Int(10) != 0;
  p.flags.green = st->Int(11) != 0;
  p.flags.organic = st->Int(12) != 0;
  p.flags.geographical_indication = st->Int(13) != 0;
  p.flags.compliance_certificate = st->Int(14) != 0;
  if (!st->IsNull(15)) {
    Certification c;
    c.certificate_no = st->Text(15);
    if (!st->IsNull(16)) c.valid_from = st->Text(16);
    if (!st->IsNull(17)) c.valid_until = st->Text(17);
    p.certification = std::move(c);
  }
  p.listed = st->Int(18) != 0;
  p.synthetic = st->Int(19) != 0;
  p.created_at = st->Text(20);
  st->Run();
  return p;
}

std::optional<Outlet> FindOutlet(db::Connection& conn, int64_t outlet_id) {
  auto st = conn.Prepare("SELECT outlet_id, village_code, county_code, name, created_at FROM outlets WHERE outlet_id = ?");
  st->Bind(1, outlet_id);
  if (!st->Step()) return std::nullopt;
  Outlet o{st->Int(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4)};
  st->Run();
  return o;
}

// The permission row of an outlet and a supplier, active or revoked.
std::optional<OutletPermission> FindPermission(db::Connection& conn, int64_t outlet_id, int64_t supplier_id) {
  auto st = conn.Prepare(
      "SELECT p.outlet_id, p.supplier_id, s.name, p.granted_at, p.revoked_at FROM outlet_permissions p "
      "JOIN suppliers s ON s.supplier_id = p.supplier_id WHERE p.outlet_id = ? AND p.supplier_id = ?");
  st->Bind(1, outlet_id).Bind(2, supplier_id);
  if (!st->Step()) return std::nullopt;
  OutletPermission p;
  p.outlet_id = st->Int(0);
  p.supplier_id = st->Int(1);
  p.supplier_name = st->Text(2);
  p.granted_at = st->Text(3);
  if (!st->IsNull(4)) p.revoked_at = st->Text(4);
  st->Run();
  return p;
}

struct HouseholdRow {
  std::string village_code;
  std::string county_code;
};

std::optional<HouseholdRow> FindHousehold(db::Connection& conn, int64_t household_id) {
  auto st = conn.Prepare("SELECT village_code, county_code FROM households WHERE household_id = ?");
  st->Bind(1, household_id);
  if (!st->Step()) return std::nullopt;
  HouseholdRow h{st->Text(0), st->Text(1)};
  st->Run();
  return h;
}

// ---- Permissions -------------------------------------------------------------------

// A supplier account acts for its own supplier only; the other roles with
// `action` act for the suppliers in their grant.
Status MayActFor(const regions::RegionTree& tree, const Principal& principal, Action action, const Supplier& s) {
  if (!accounts::Allows(principal.role, action)) return accounts::Check(tree, principal, action);
  if (principal.role == Role::kSupplier) {
    if (s.owner_user_id && *s.owner_user_id == principal.user_id) return {};
    return Error::Denied(fmt::format("supplier {} is not your account's supplier", s.id));
  }
  if (Status st = accounts::Check(tree, principal, action, s.village_code); !st) {
    return Hidden(principal, action, st.error(), fmt::format("supplier {}", s.id));
  }
  return {};
}

// Who may read a supplier: its owner account, or kReadMarket in scope.
Status MayRead(const regions::RegionTree& tree, const Principal& principal, const Supplier& s) {
  if (principal.role == Role::kSupplier) {
    if (s.owner_user_id && *s.owner_user_id == principal.user_id) return {};
    return Error::Denied(fmt::format("supplier {} is not your account's supplier", s.id));
  }
  if (Status st = accounts::Check(tree, principal, Action::kReadMarket, s.village_code); !st) {
    return Hidden(principal, Action::kReadMarket, st.error(), fmt::format("supplier {}", s.id));
  }
  return {};
}

Error WrongState(const Supplier& s, std::string_view step, std::string_view needed) {
  return Error::Conflict(fmt::format("supplier {} is {}: only a supplier that is {} can be {}", s.id,
                                     SupplierStateName(s.state), needed, step));
}

// The region a list covers: `requested` or the caller's grant.
Result<const regions::Region*> ListRegion(const regions::RegionTree& tree, const std::string& requested,
                                          const std::string& fallback) {
  const std::string& code = requested.empty() ? fallback : requested;
  if (!regions::IsRegionCode(code)) {
    return Error::Invalid(fmt::format("'{}' is not a region code: a region code has 12 digits", code), "region");
  }
  const regions::Region* region = tree.Find(code);
  if (!region) return Error::Invalid(fmt::format("no region {} in the region tree", code), "region");
  return region;
}

// ---- Photos -------------------------------------------------------------------------

bool MagicMatches(std::string_view type, std::string_view bytes) {
  if (type == "image/jpeg") return bytes.size() >= 3 && bytes.substr(0, 3) == std::string_view("\xFF\xD8\xFF", 3);
  if (type == "image/png") return bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1A\n", 8);
  if (type == "image/webp") return bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP";
  return false;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> FromBase64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string FlagsText(const ProductFlags& f) {
  std::string out;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!out.empty()) out += ',';
    out += name;
  };
  add(f.one_village_one_product, "one_village_one_product");
  add(f.green, "green");
  add(f.organic, "organic");
  add(f.geographical_indication, "geographical_indication");
  add(f.compliance_certificate, "compliance_certificate");
  return out.empty() ? "none" : out;
}

}  // namespace

// ---- Institution kinds ----------------------------------------------------------------

const char* InstitutionKindName(InstitutionKind kind) {
  switch (kind) {
    case InstitutionKind::kGovernment: return "government";
    case InstitutionKind::kSchool: return "school";
    case InstitutionKind::kHospital: return "hospital";
    case InstitutionKind::kEnterprise: return "enterprise";
    case InstitutionKind::kArmy: return "army";
    case InstitutionKind::kOther: return "other";
  }
  return "other";
}

std::optional<InstitutionKind> ParseInstitutionKind(std::string_view name) {
  for (InstitutionKind k : {InstitutionKind::kGovernment, InstitutionKind::kSchool, InstitutionKind::kHospital,
                            InstitutionKind::kEnterprise, InstitutionKind::kArmy, InstitutionKind::kOther}) {
    if (name == InstitutionKindName(k)) return k;
  }
  return std::nullopt;
}

// ---- The service ------------------------------------------------------------------------

SupplierService::SupplierService(db::Pool& pool, const regions::RegionTree& tree, const audit::AuditLog& audit)
    : pool_(pool), tree_(tree), audit_(audit) {}

template <typename T, typename F>
Result<T> SupplierService::WithConnection(bool write, F&& body) const {
  return db::WithConnection<T>(pool_, "market", [&](db::Connection& conn) -> Result<T> {
    db::Transaction tx(conn, write);
    Result<T> out = body(conn);
    // A refused write leaves nothing behind: the transaction rolls back.
    if (out) tx.Commit();
    return out;
  });
}

std::string SupplierService::Today() const { return ChinaDate(audit_.Now()); }

// ---- Admission --------------------------------------------------------------------------

Result<Supplier> SupplierService::Apply(db::Connection& conn, const Caller& caller,
                                        const SupplierApplication& a) const {
  const Principal& p = caller.principal;
  if (Status s = CheckText(a.name, 1, kMaxNameBytes, "name"); !s) return s.error();
  if (Status s = CheckText(a.contact, 0, kMaxContactBytes, "contact"); !s) return s.error();
  auto village = VillageOf(tree_, a.village_code, "village_code");
  if (!village) return village.error();
  if (a.kind == SupplierKind::kHousehold && !a.household_id) {
    return Error::Invalid("a household supplier names its household: household_id is required", "household_id");
  }
  if (a.kind != SupplierKind::kHousehold && a.household_id) {
    return Error::Invalid(
        fmt::format("only a household supplier has a household_id, not a {}", SupplierKindName(a.kind)),
        "household_id");
  }
  if (Status s = accounts::Check(tree_, p, Action::kApplySupplier, a.village_code); !s) return s.error();
  if (a.household_id) {
    std::optional<HouseholdRow> h = FindHousehold(conn, *a.household_id);
    if (!h) return Error::Invalid(fmt::format("no household {} in the registry", *a.household_id), "household_id");
    if (h->village_code != a.village_code) {
      return Error::Invalid(fmt::format("household {} is registered in village {}, not in {}", *a.household_id,
                                        h->village_code, a.village_code),
                            "household_id");
    }
  }
  std::optional<int64_t> owner;
  if (p.role == Role::kSupplier) owner = p.user_id;
  if (owner) {
    auto existing = SupplierOfUser(conn, *owner);
    if (!existing) return existing.error();
    if (*existing) {
      return Error::Conflict(fmt::format("your account has a supplier already (supplier {}): one supplier per account",
                                         **existing));
    }
  }
  const std::string now = audit::FormatTimestamp(audit_.Now());
  auto st = conn.Prepare(
      "INSERT INTO suppliers (name, kind, village_code, county_code, household_id, owner_user_id, contact, state, "
      "applied_at, synthetic) VALUES (?, ?, ?, ?, ?, ?, ?, 'applied', ?, ?) RETURNING supplier_id");
  st->Bind(1, a.name).Bind(2, SupplierKindName(a.kind)).Bind(3, a.village_code).Bind(4, CountyOf(tree_, a.village_code));
  st->Bind(5, a.household_id).Bind(6, owner);
  if (a.contact.empty()) {
    st->BindNull(7);
  } else {
    st->Bind(7, a.contact);
  }
  st->Bind(8, now).Bind(9, a.synthetic ? 1 : 0);
  std::optional<int64_t> id = ReturnedId(*st);
  if (!id) throw db::DbError("INSERT INTO suppliers … RETURNING gave no row");
  audit_.Append(conn, &p, caller.remote_address,
                audit::Entry{"market.supplier.apply", fmt::format("supplier:{}", *id), a.village_code,
                             fmt::format("{} supplier \"{}\"{}{}", SupplierKindName(a.kind), a.name,
                                         a.household_id ? fmt::format(", household {}", *a.household_id) : "",
                                         owner ? ", for the applying account" : "")});
  std::optional<Supplier> out = FindSupplier(conn, *id);
  if (!out) throw db::DbError("a supplier vanished after it was written");
  return *out;
}

Result<Supplier> SupplierService::Apply(const Caller& caller, const SupplierApplication& application) const {
  return WithConnection<Supplier>(true, [&](db::Connection& conn) { return Apply(conn, caller, application); });
}

Result<Supplier> SupplierService::Recommend(db::Connection& conn, const Caller& caller, int64_t supplier_id) const {
  std::optional<Supplier> s = FindSupplier(conn, supplier_id);
  if (!s) return Error::NotFound(fmt::format("no supplier {}", supplier_id));
  if (Status st = MayActFor(tree_, caller.principal, Action::kRecommendSupplier, *s); !st) return st.error();
  if (s->state != SupplierState::kApplied) return WrongState(*s, "recommended", "applied");
  const std::string now = audit::FormatTimestamp(audit_.Now());
  auto up = conn.Prepare(
      "UPDATE suppliers SET state = 'recommended', state_reason = NULL, decided_at = ? "
      "WHERE supplier_id = ? AND state = 'applied'");
  up->Bind(1, now).Bind(2, supplier_id);
  up->Run();
  if (up->Changes() != 1) {
    s = FindSupplier(conn, supplier_id);
    return WrongState(*s, "recommended", "applied");
  }
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.supplier.recommend", fmt::format("supplier:{}", supplier_id), s->village_code,
                             fmt::format("\"{}\": applied → recommended", s->name)});
  return *FindSupplier(conn, supplier_id);
}

Result<Supplier> SupplierService::Recommend(const Caller& caller, int64_t supplier_id) const {
  return WithConnection<Supplier>(true, [&](db::Connection& conn) { return Recommend(conn, caller, supplier_id); });
}

Result<Supplier> SupplierService::Approve(db::Connection& conn, const Caller& caller, int64_t supplier_id) const {
  std::optional<Supplier> s = FindSupplier(conn, supplier_id);
  if (!s) return Error::NotFound(fmt::format("no supplier {}", supplier_id));
  if (Status st = MayActFor(tree_, caller.principal, Action::kApproveSupplier, *s); !st) return st.error();
  if (s->state != SupplierState::kRecommended) return WrongState(*s, "approved", "recommended");
  const std::string now = audit::FormatTimestamp(audit_.Now());
  auto up = conn.Prepare(
      "UPDATE suppliers SET state = 'approved', state_reason = NULL, decided_at = ? "
      "WHERE supplier_id = ? AND state = 'recommended'");
  up->Bind(1, now).Bind(2, supplier_id);
  up->Run();
  if (up->Changes() != 1) {
    s = FindSupplier(conn, supplier_id);
    return WrongState(*s, "approved", "recommended");
  }
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.supplier.approve", fmt::format("supplier:{}", supplier_id), s->village_code,
                             fmt::format("\"{}\": recommended → approved", s->name)});
  return *FindSupplier(conn, supplier_id);
}

Result<Supplier> SupplierService::Approve(const Caller& caller, int64_t supplier_id) const {
  return WithConnection<Supplier>(true, [&](db::Connection& conn) { return Approve(conn, caller, supplier_id); });
}

Result<Supplier> SupplierService::Reject(db::Connection& conn, const Caller& caller, int64_t supplier_id,
                                         std::string_view reason) const {
  if (Status s = CheckText(reason, 1, kMaxReasonBytes, "reason"); !s) return s.error();
  const Principal& p = caller.principal;
  std::optional<Supplier> s = FindSupplier(conn, supplier_id);
  if (!s) return Error::NotFound(fmt::format("no supplier {}", supplier_id));
  // The county rejects at the first step, the platform at the second.
  SupplierState from;
  if (p.role == Role::kCountyOperator) {
    if (Status st = MayActFor(tree_, p, Action::kRecommendSupplier, *s); !st) return st.error();
    from = SupplierState::kApplied;
  } else if (accounts::Allows(p.role, Action::kApproveSupplier)) {
    if (Status st = MayActFor(tree_, p, Action::kApproveSupplier, *s); !st) return st.error();
    from = SupplierState::kRecommended;
  } else {
    return Error::Denied(fmt::format("role {} may not reject suppliers: the county service center rejects an "
                                     "application, the platform a recommended supplier",
                                     accounts::RoleName(p.role)));
  }
  const char* from_name = SupplierStateName(from);
  auto wrong = [&](const Supplier& now) {
    return Error::Conflict(fmt::format("supplier {} is {}: your role rejects only a supplier that is {}", now.id,
                                       SupplierStateName(now.state), from_name));
  };
  if (s->state != from) return wrong(*s);
  const std::string now = audit::FormatTimestamp(audit_.Now());
  auto up = conn.Prepare(
      "UPDATE suppliers SET state = 'rejected', state_reason = ?, decided_at = ? WHERE supplier_id = ? AND state = ?");
  up->Bind(1, reason).Bind(2, now).Bind(3, supplier_id).Bind(4, from_name);
  up->Run();
  if (up->Changes() != 1) return wrong(*FindSupplier(conn, supplier_id));
  audit_.Append(conn, &p, caller.remote_address,
                audit::Entry{"market.supplier.reject", fmt::format("supplier:{}", supplier_id), s->village_code,
                             fmt::format("\"{}\": {} → rejected; reason: {}", s->name, from_name, reason)});
  return *FindSupplier(conn, supplier_id);
}

Result<Supplier> SupplierService::Reject(const Caller& caller, int64_t supplier_id, std::string_view reason) const {
  return WithConnection<Supplier>(true,
                                  [&](db::Connection& conn) { return Reject(conn, caller, supplier_id, reason); });
}

Result<SupplierPage> SupplierService::ListSuppliers(const Caller& caller, const SupplierQuery& query) const {
  const Principal& p = caller.principal;
  const bool own_only = p.role == Role::kSupplier;
  const regions::Region* region = nullptr;
  if (!own_only) {
    auto r = ListRegion(tree_, query.region, p.region_code);
    if (!r) return r.error();
    region = *r;
    if (Status s = accounts::Check(tree_, p, Action::kReadMarket, region->code); !s) return s.error();
  } else if (!query.region.empty()) {
    auto r = ListRegion(tree_, query.region, p.region_code);
    if (!r) return r.error();
    region = *r;
  }
  // Prefecture: everything; a county: by county_code; below: the villages themselves.
  std::string where = "s.supplier_id > ?";
  std::vector<std::string> codes;
  if (own_only) where += " AND s.owner_user_id = ?";
  if (region && region->level == regions::Level::kCounty) {
    where += " AND s.county_code = ?";
    codes.push_back(region->code);
  } else if (region && region->level != regions::Level::kPrefecture) {
    for (const regions::Region* r : tree_.Subtree(region->code)) {
      if (r->level == regions::Level::kVillage) codes.push_back(r->code);
    }
    where += " AND s.village_code IN (";
    for (size_t i = 0; i < codes.size(); ++i) where += i ? ", ?" : "?";
    where += ")";
  }
  if (query.state) where += " AND s.state = ?";
  const std::string sql =
      fmt::format("SELECT {} FROM suppliers s WHERE {} ORDER BY s.supplier_id LIMIT ?", kSupplierColumns, where);
  return WithConnection<SupplierPage>(false, [&](db::Connection& conn) -> Result<SupplierPage> {
    auto st = conn.Prepare(sql);
    int i = 1;
    st->Bind(i++, query.after);
    if (own_only) st->Bind(i++, p.user_id);
    for (const std::string& c : codes) st->Bind(i++, c);
    if (query.state) st->Bind(i++, SupplierStateName(*query.state));
    st->Bind(i++, static_cast<int64_t>(query.limit) + 1);
    SupplierPage page;
    while (st->Step()) page.items.push_back(ReadSupplier(*st));
    if (page.items.size() > static_cast<size_t>(query.limit)) {
      page.items.resize(static_cast<size_t>(query.limit));
      page.next_after = page.items.back().id;
    }
    return page;
  });
}

Result<Supplier> SupplierService::GetSupplier(const Caller& caller, int64_t supplier_id) const {
  return WithConnection<Supplier>(false, [&](db::Connection& conn) -> Result<Supplier> {
    std::optional<Supplier> s = FindSupplier(conn, supplier_id);
    if (!s) return Error::NotFound(fmt::format("no supplier {}", supplier_id));
    if (Status st = MayRead(tree_, caller.principal, *s); !st) return st.error();
    return *s;
  });
}

// ---- Links ------------------------------------------------------------------------------

Result<SupplierLink> SupplierService::DeclareLink(db::Connection& conn, const Caller& caller,
                                                  const LinkDeclaration& link) const {
  if (link.channel == Channel::kDirectSale) {
    return Error::Invalid(
        "direct_sale is not declared: a household supplier sells for its own household; declare purchase, wages "
        "or dividends",
        "channel");
  }
  if (Status s = CheckText(link.evidence, 1, kMaxEvidenceBytes, "evidence"); !s) return s.error();
  std::optional<Supplier> s = FindSupplier(conn, link.supplier_id);
  if (!s) return Error::NotFound(fmt::format("no supplier {}", link.supplier_id));
  if (Status st = MayActFor(tree_, caller.principal, Action::kApplySupplier, *s); !st) return st.error();
  if (s->household_id && *s->household_id == link.household_id) {
    return Error::Invalid(fmt::format("household {} is the supplier's own household: its sales reach it directly",
                                      link.household_id),
                          "household_id");
  }
  // One answer for an unknown household, one never registered poor and one
  // of another county: the registry is not for suppliers to probe.
  std::optional<HouseholdRow> h = FindHousehold(conn, link.household_id);
  if (!h || h->county_code != s->county_code || !IsPoorHousehold(conn, link.household_id)) {
    return Error::Invalid(fmt::format("household {} is not a registered poor household of the supplier's county: a "
                                      "link is declared to a poor household (registered poor, exited or monitored) "
                                      "of the same county",
                                      link.household_id),
                          "household_id");
  }
  if (s->state == SupplierState::kRejected) {
    return Error::Conflict(fmt::format("supplier {} is rejected: it declares no links", s->id));
  }
  const std::string now = audit::FormatTimestamp(audit_.Now());
  auto st = conn.Prepare(
      "INSERT INTO supplier_links (supplier_id, household_id, county_code, channel, evidence, state, declared_at) "
      "VALUES (?, ?, ?, ?, ?, 'declared', ?) ON CONFLICT (supplier_id, household_id) DO NOTHING RETURNING link_id");
  st->Bind(1, s->id).Bind(2, link.household_id).Bind(3, h->county_code).Bind(4, ChannelName(link.channel));
  st->Bind(5, link.evidence).Bind(6, now);
  std::optional<int64_t> id = ReturnedId(*st);
  if (!id) {
    auto q = conn.Prepare("SELECT link_id, state FROM supplier_links WHERE supplier_id = ? AND household_id = ?");
    q->Bind(1, s->id).Bind(2, link.household_id);
    std::string what = "exists";
    if (q->Step()) what = fmt::format("exists already (link {}, {})", q->Int(0), q->Text(1));
    q->Run();
    return Error::Conflict(
        fmt::format("the link of supplier {} to household {} {}", s->id, link.household_id, what));
  }
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.link.declare", fmt::format("link:{} supplier:{} household:{}", *id, s->id,
                                                                link.household_id),
                             s->village_code,
                             fmt::format("{}; evidence: {}", ChannelName(link.channel), link.evidence)});
  return *FindLink(conn, *id);
}

Result<SupplierLink> SupplierService::DeclareLink(const Caller& caller, const LinkDeclaration& link) const {
  return WithConnection<SupplierLink>(true, [&](db::Connection& conn) { return DeclareLink(conn, caller, link); });
}

namespace {

Result<SupplierLink> DecideLink(db::Connection& conn, const regions::RegionTree& tree, const audit::AuditLog& audit,
                                const Caller& caller, int64_t link_id, LinkState to, std::string_view reason) {
  std::optional<SupplierLink> link = FindLink(conn, link_id);
  if (!link) return Error::NotFound(fmt::format("no link {}", link_id));
  const Principal& p = caller.principal;
  if (Status st = accounts::Check(tree, p, Action::kRecommendSupplier, link->village_code); !st) {
    return Hidden(p, Action::kRecommendSupplier, st.error(), fmt::format("the household of link {}", link_id));
  }
  auto wrong = [&](const SupplierLink& l) {
    return Error::Conflict(fmt::format("link {} is {}: only a declared link can be {}", l.id,
                                       LinkStateName(l.state), LinkStateName(to)));
  };
  if (link->state != LinkState::kDeclared) return wrong(*link);
  const std::string now = audit::FormatTimestamp(audit.Now());
  auto up = conn.Prepare(
      "UPDATE supplier_links SET state = ?, state_reason = ?, decided_at = ? WHERE link_id = ? AND state = 'declared'");
  up->Bind(1, LinkStateName(to));
  if (reason.empty()) {
    up->BindNull(2);
  } else {
    up->Bind(2, reason);
  }
  up->Bind(3, now).Bind(4, link_id);
  up->Run();
  if (up->Changes() != 1) return wrong(*FindLink(conn, link_id));
  const bool verify = to == LinkState::kVerified;
  audit.Append(conn, &p, caller.remote_address,
               audit::Entry{verify ? "market.link.verify" : "market.link.reject",
                            fmt::format("link:{} supplier:{} household:{}", link_id, link->supplier_id,
                                        link->household_id),
                            link->village_code,
                            verify ? fmt::format("{}: declared → verified", ChannelName(link->channel))
                                   : fmt::format("{}: declared → rejected; reason: {}", ChannelName(link->channel),
                                                 reason)});
  return *FindLink(conn, link_id);
}

}  // namespace

Result<SupplierLink> SupplierService::VerifyLink(db::Connection& conn, const Caller& caller, int64_t link_id) const {
  return DecideLink(conn, tree_, audit_, caller, link_id, LinkState::kVerified, {});
}

Result<SupplierLink> SupplierService::VerifyLink(const Caller& caller, int64_t link_id) const {
  return WithConnection<SupplierLink>(true, [&](db::Connection& conn) { return VerifyLink(conn, caller, link_id); });
}

Result<SupplierLink> SupplierService::RejectLink(db::Connection& conn, const Caller& caller, int64_t link_id,
                                                 std::string_view reason) const {
  if (Status s = CheckText(reason, 1, kMaxReasonBytes, "reason"); !s) return s.error();
  return DecideLink(conn, tree_, audit_, caller, link_id, LinkState::kRejected, reason);
}

Result<SupplierLink> SupplierService::RejectLink(const Caller& caller, int64_t link_id,
                                                 std::string_view reason) const {
  return WithConnection<SupplierLink>(true,
                                      [&](db::Connection& conn) { return RejectLink(conn, caller, link_id, reason); });
}

Result<std::vector<SupplierLink>> SupplierService::ListLinks(const Caller& caller, int64_t supplier_id) const {
  return WithConnection<std::vector<SupplierLink>>(
      false, [&](db::Connection& conn) -> Result<std::vector<SupplierLink>> {
        std::optional<Supplier> s = FindSupplier(conn, supplier_id);
        if (!s) return Error::NotFound(fmt::format("no supplier {}", supplier_id));
        if (Status st = MayRead(tree_, caller.principal, *s); !st) return st.error();
        auto st = conn.Prepare(fmt::format("SELECT {} FROM supplier_links l JOIN households h ON h.household_id = "
                                           "l.household_id WHERE l.supplier_id = ? ORDER BY l.link_id",
                                           kLinkColumns));
        st->Bind(1, supplier_id);
        std::vector<SupplierLink> out;
        while (st->Step()) out.push_back(ReadLink(*st));
        return out;
      });
}

// ---- Products ---------------------------------------------------------------------------

Result<Product> SupplierService::CreateProduct(db::Connection& conn, const Caller& caller,
                                               const NewProduct& n) const {
  if (Status s = CheckText(n.name, 1, kMaxNameBytes, "name"); !s) return s.error();
  if (Status s = CheckText(n.category, 1, 100, "category"); !s) return s.error();
  if (Status s = CheckText(n.unit, 1, 50, "unit"); !s) return s.error();
  if (n.price_fen <= 0 || n.price_fen > kMaxPriceFen) {
    return Error::Invalid(fmt::format("price_fen must be a whole number of fen from 1 to {}", kMaxPriceFen),
                          "price_fen");
  }
  auto village = VillageOf(tree_, n.origin_village_code, "origin_village_code");
  if (!village) return village.error();
  if (Status s = CheckText(n.story, 0, kMaxStoryBytes, "story"); !s) return s.error();
  if (n.grades.empty() || n.grades.size() > kMaxGrades) {
    return Error::Invalid(fmt::format("grades lists 1 to {} grade names, best first", kMaxGrades), "grades");
  }
  std::set<std::string_view> seen;
  for (const std::string& g : n.grades) {
    if (Status s = CheckText(g, 1, kMaxGradeBytes, "grades"); !s) return s.error();
    if (g.find('|') != std::string::npos) return Error::Invalid("a grade name holds no '|'", "grades");
    if (!seen.insert(g).second) return Error::Invalid(fmt::format("grade \"{}\" is listed twice", g), "grades");
  }
  int64_t supplier_id = n.supplier_id;
  if (supplier_id == 0) {
    // A supplier account creates its own products without naming itself.
    if (caller.principal.role != Role::kSupplier) {
      return Error::Invalid("supplier_id is required: the supplier whose product this is", "supplier_id");
    }
    auto own = SupplierOfUser(conn, caller.principal.user_id);
    if (!own) return own.error();
    if (!*own) return Error::Invalid("your account has no supplier yet: apply first", "supplier_id");
    supplier_id = **own;
  }
  std::optional<Supplier> s = FindSupplier(conn, supplier_id);
  if (!s) return Error::Invalid(fmt::format("no supplier {}", supplier_id), "supplier_id");
  if (Status st = MayActFor(tree_, caller.principal, Action::kManageProducts, *s); !st) return st.error();
  if (s->state == SupplierState::kRejected) {
    return Error::Conflict(fmt::format("supplier {} is rejected: it lists no products", s->id));
  }
  const std::string now = audit::FormatTimestamp(audit_.Now());
  auto st = conn.Prepare(
      "INSERT INTO products (supplier_id, county_code, name, category, unit, price_fen, origin_village_code, story, "
      "grades, flag_one_village_one_product, flag_green, flag_organic, flag_geographical_indication, "
      "flag_compliance_certificate, listed, synthetic, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING product_id");
  st->Bind(1, s->id).Bind(2, s->county_code).Bind(3, n.name).Bind(4, n.category).Bind(5, n.unit);
  st->Bind(6, n.price_fen).Bind(7, n.origin_village_code);
  if (n.story.empty()) {
    st->BindNull(8);
  } else {
    st->Bind(8, n.story);
  }
  st->Bind(9, JoinGrades(n.grades));
  st->Bind(10, n.flags.one_village_one_product ? 1 : 0).Bind(11, n.flags.green ? 1 : 0);
  st->Bind(12, n.flags.organic ? 1 : 0).Bind(13, n.flags.geographical_indication ? 1 : 0);
  st->Bind(14, n.flags.compliance_certificate ? 1 : 0).Bind(15, n.listed ? 1 : 0).Bind(16, n.synthetic ? 1 : 0);
  st->Bind(17, now);
  std::optional<int64_t> id = ReturnedId(*st);
  if (!id) throw db::DbError("INSERT INTO products … RETURNING gave no row");
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.product.create", fmt::format("product:{} supplier:{}", *id, s->id),
                             s->village_code,
                             fmt::format("\"{}\" ({}), {} fen per {}, grades {}, flags {}", n.name, n.category,
                                         n.price_fen, n.unit, JoinGrades(n.grades), FlagsText(n.flags))});
  return *FindProduct(conn, *id);
}

Result<Product> SupplierService::CreateProduct(const Caller& caller, const NewProduct& product) const {
  return WithConnection<Product>(true, [&](db::Connection& conn) { return CreateProduct(conn, caller, product); });
}

namespace {

// The product and its supplier, with the caller's permission for `action`.
struct Owned {
  Product product;
  Supplier supplier;
};

Result<Owned> OwnedProduct(db::Connection& conn, const regions::RegionTree& tree, const Principal& principal,
                           Action action, int64_t product_id) {
  std::optional<Product> p = FindProduct(conn, product_id);
  if (!p) return Error::NotFound(fmt::format("no product {}", product_id));
  std::optional<Supplier> s = FindSupplier(conn, p->supplier_id);
  if (!s) return Error::Internal(fmt::format("product {} names supplier {}, which does not exist", p->id, p->supplier_id));
  if (Status st = MayActFor(tree, principal, action, *s); !st) {
    // The same refusal, worded for the product.
    if (st.error().message.find("outside the region") != std::string::npos) {
      return Error::Denied(fmt::format("product {} is outside the region your account covers", product_id));
    }
    if (principal.role == Role::kSupplier && accounts::Allows(principal.role, action)) {
      return Error::Denied(fmt::format("product {} is not your supplier's", product_id));
    }
    return st.error();
  }
  return Owned{std::move(*p), std::move(*s)};
}

}  // namespace

Result<Product> SupplierService::UpdateProduct(db::Connection& conn, const Caller& caller, int64_t product_id,
                                               const ProductChange& c) const {
  if (c.price_fen && (*c.price_fen <= 0 || *c.price_fen > kMaxPriceFen)) {
    return Error::Invalid(fmt::format("price_fen must be a whole number of fen from 1 to {}", kMaxPriceFen),
                          "price_fen");
  }
  if (c.story) {
    if (Status s = CheckText(*c.story, 0, kMaxStoryBytes, "story"); !s) return s.error();
  }
  const bool any = c.price_fen || c.listed || c.story || c.one_village_one_product || c.green || c.organic ||
                   c.geographical_indication || c.compliance_certificate;
  if (!any) return Error::Invalid("the change sets nothing: give price_fen, listed, story or flags", "body");
  auto owned = OwnedProduct(conn, tree_, caller.principal, Action::kManageProducts, product_id);
  if (!owned) return owned.error();
  auto flag = [](const std::optional<bool>& v) -> std::optional<int64_t> {
    if (!v) return std::nullopt;
    return *v ? 1 : 0;
  };
  // Each column changes only when its value is given, so two concurrent
  // changes of different fields both stand.
  auto up = conn.Prepare(
      "UPDATE products SET price_fen = COALESCE(?, price_fen), listed = COALESCE(?, listed), "
      "story = CASE WHEN ? = 1 THEN ? ELSE story END, "
      "flag_one_village_one_product = COALESCE(?, flag_one_village_one_product), "
      "flag_green = COALESCE(?, flag_green), flag_organic = COALESCE(?, flag_organic), "
      "flag_geographical_indication = COALESCE(?, flag_geographical_indication), "
      "flag_compliance_certificate = COALESCE(?, flag_compliance_certificate) WHERE product_id = ?");
  up->Bind(1, c.price_fen).Bind(2, flag(c.listed)).Bind(3, c.story ? 1 : 0);
  if (c.story && !c.story->empty()) {
    up->Bind(4, *c.story);
  } else {
    up->BindNull(4);
  }
  up->Bind(5, flag(c.one_village_one_product)).Bind(6, flag(c.green)).Bind(7, flag(c.organic));
  up->Bind(8, flag(c.geographical_indication)).Bind(9, flag(c.compliance_certificate)).Bind(10, product_id);
  up->Run();
  std::vector<std::string> parts;
  const Product& before = owned->product;
  if (c.price_fen) parts.push_back(fmt::format("price_fen {} → {}", before.price_fen, *c.price_fen));
  if (c.listed) parts.push_back(fmt::format("listed {} → {}", before.listed, *c.listed));
  if (c.story) parts.push_back(c.story->empty() ? "story removed" : "story changed");
  auto flag_part = [&](const std::optional<bool>& v, bool old, const char* name) {
    if (v) parts.push_back(fmt::format("{} {} → {}", name, old, *v));
  };
  flag_part(c.one_village_one_product, before.flags.one_village_one_product, "one_village_one_product");
  flag_part(c.green, before.flags.green, "green");
  flag_part(c.organic, before.flags.organic, "organic");
  flag_part(c.geographical_indication, before.flags.geographical_indication, "geographical_indication");
  flag_part(c.compliance_certificate, before.flags.compliance_certificate, "compliance_certificate");
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.product.update", fmt::format("product:{} supplier:{}", product_id, before.supplier_id),
                             owned->supplier.village_code, fmt::format("{}", fmt::join(parts, "; "))});
  return *FindProduct(conn, product_id);
}

Result<Product> SupplierService::UpdateProduct(const Caller& caller, int64_t product_id,
                                               const ProductChange& change) const {
  return WithConnection<Product>(true,
                                 [&](db::Connection& conn) { return UpdateProduct(conn, caller, product_id, change); });
}

Result<Product> SupplierService::Certify(db::Connection& conn, const Caller& caller, int64_t product_id,
                                         const Certification& c) const {
  if (Status s = CheckText(c.certificate_no, 1, 100, "certificate_no"); !s) return s.error();
  if (Status s = CheckDate(c.valid_from, "valid_from"); !s) return s.error();
  if (Status s = CheckDate(c.valid_until, "valid_until"); !s) return s.error();
  if (c.valid_until < c.valid_from) {
    return Error::Invalid(fmt::format("valid_until {} is before valid_from {}", c.valid_until, c.valid_from),
                          "valid_until");
  }
  auto owned = OwnedProduct(conn, tree_, caller.principal, Action::kCertifyProduct, product_id);
  if (!owned) return owned.error();
  const Supplier& s = owned->supplier;
  if (s.state != SupplierState::kApproved) {
    return Error::Conflict(fmt::format("supplier {} is {}, not approved: only an approved supplier's products are "
                                       "certified",
                                       s.id, SupplierStateName(s.state)));
  }
  if (!s.has_verified_link) {
    return Error::Conflict(fmt::format("supplier {} has no verified link to a poor household: a product is certified "
                                       "only when its supplier's sales reach one",
                                       s.id));
  }
  auto up = conn.Prepare(
      "UPDATE products SET certificate_no = ?, certified_from = ?, certified_until = ? WHERE product_id = ?");
  up->Bind(1, c.certificate_no).Bind(2, c.valid_from).Bind(3, c.valid_until).Bind(4, product_id);
  up->Run();
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.product.certify", fmt::format("product:{} supplier:{}", product_id, s.id),
                             s.village_code,
                             fmt::format("certificate {} valid {} to {}", c.certificate_no, c.valid_from,
                                         c.valid_until)});
  return *FindProduct(conn, product_id);
}

Result<Product> SupplierService::Certify(const Caller& caller, int64_t product_id,
                                         const Certification& certification) const {
  return WithConnection<Product>(
      true, [&](db::Connection& conn) { return Certify(conn, caller, product_id, certification); });
}

Result<Product> SupplierService::RevokeCertification(db::Connection& conn, const Caller& caller,
                                                     int64_t product_id) const {
  auto owned = OwnedProduct(conn, tree_, caller.principal, Action::kCertifyProduct, product_id);
  if (!owned) return owned.error();
  if (!owned->product.certification) {
    return Error::Conflict(fmt::format("product {} has no certification to revoke", product_id));
  }
  auto up = conn.Prepare(
      "UPDATE products SET certificate_no = NULL, certified_from = NULL, certified_until = NULL WHERE product_id = ?");
  up->Bind(1, product_id);
  up->Run();
  const Certification& c = *owned->product.certification;
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.product.revoke_certification",
                             fmt::format("product:{} supplier:{}", product_id, owned->supplier.id),
                             owned->supplier.village_code,
                             fmt::format("certificate {} (valid {} to {}) revoked", c.certificate_no, c.valid_from,
                                         c.valid_until)});
  return *FindProduct(conn, product_id);
}

Result<Product> SupplierService::RevokeCertification(const Caller& caller, int64_t product_id) const {
  return WithConnection<Product>(true,
                                 [&](db::Connection& conn) { return RevokeCertification(conn, caller, product_id); });
}

Result<PhotoInfo> SupplierService::AddPhoto(db::Connection& conn, const Caller& caller, int64_t product_id,
                                            std::string_view content_type, std::string_view bytes) const {
  if (content_type != "image/jpeg" && content_type != "image/png" && content_type != "image/webp") {
    return Error::Invalid(
        fmt::format("a photo is sent as image/jpeg, image/png or image/webp, not '{}'", content_type),
        "Content-Type");
  }
  if (bytes.empty()) return Error::Invalid("the body holds no image", "body");
  if (bytes.size() > kMaxPhotoBytes) {
    return Error::Invalid(fmt::format("a photo has at most {} bytes (1 MiB); this one has {}", kMaxPhotoBytes,
                                      bytes.size()),
                          "body");
  }
  if (!MagicMatches(content_type, bytes)) {
    return Error::Invalid(fmt::format("the body is not a {} image: its first bytes do not match", content_type),
                          "body");
  }
  auto owned = OwnedProduct(conn, tree_, caller.principal, Action::kManageProducts, product_id);
  if (!owned) return owned.error();
  auto count = conn.Prepare("SELECT COUNT(*) FROM product_photos WHERE product_id = ?");
  count->Bind(1, product_id);
  int64_t photos = count->Step() ? count->Int(0) : 0;
  count->Run();
  if (photos >= kMaxPhotosPerProduct) {
    return Error::Conflict(fmt::format("product {} has {} photos, the most a product shows", product_id, photos));
  }
  PhotoInfo info;
  info.product_id = product_id;
  info.content_type = std::string(content_type);
  info.sha256 = Sha256Hex(bytes);
  info.size_bytes = static_cast<int64_t>(bytes.size());
  info.added_at = audit::FormatTimestamp(audit_.Now());
  auto st = conn.Prepare(
      "INSERT INTO product_photos (product_id, content_type, sha256, size_bytes, data_base64, added_at) "
      "VALUES (?, ?, ?, ?, ?, ?) RETURNING photo_id");
  st->Bind(1, product_id).Bind(2, info.content_type).Bind(3, info.sha256).Bind(4, info.size_bytes);
  st->Bind(5, Base64(bytes)).Bind(6, info.added_at);
  std::optional<int64_t> id = ReturnedId(*st);
  if (!id) throw db::DbError("INSERT INTO product_photos … RETURNING gave no row");
  info.id = *id;
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.product.photo", fmt::format("product:{} photo:{}", product_id, info.id),
                             owned->supplier.village_code,
                             fmt::format("{}, {} bytes, sha256 {}", info.content_type, info.size_bytes, info.sha256)});
  return info;
}

Result<PhotoInfo> SupplierService::AddPhoto(const Caller& caller, int64_t product_id, std::string_view content_type,
                                            std::string_view bytes) const {
  return WithConnection<PhotoInfo>(
      true, [&](db::Connection& conn) { return AddPhoto(conn, caller, product_id, content_type, bytes); });
}

Result<Photo> SupplierService::GetPhoto(int64_t product_id, int64_t photo_id) const {
  return WithConnection<Photo>(false, [&](db::Connection& conn) -> Result<Photo> {
    auto st = conn.Prepare(
        "SELECT photo_id, product_id, content_type, sha256, size_bytes, added_at, data_base64 FROM product_photos "
        "WHERE photo_id = ? AND product_id = ?");
    st->Bind(1, photo_id).Bind(2, product_id);
    if (!st->Step()) return Error::NotFound(fmt::format("no photo {} of product {}", photo_id, product_id));
    Photo photo;
    photo.info = PhotoInfo{st->Int(0), st->Int(1), st->Text(2), st->Text(3), st->Int(4), st->Text(5)};
    std::optional<std::string> bytes = FromBase64(st->Text(6));
    st->Run();
    if (!bytes) return Error::Internal(fmt::format("photo {} is stored damaged (not base64)", photo_id));
    photo.bytes = std::move(*bytes);
    return photo;
  });
}

Result<ReferencePrice> SupplierService::SetReferencePrice(db::Connection& conn, const Caller& caller,
                                                          const ReferencePrice& price) const {
  if (price.year < kMinYear || price.year > kMaxYear) {
    return Error::Invalid(fmt::format("year must be from {} to {}", kMinYear, kMaxYear), "year");
  }
  if (price.price_fen < 0 || price.price_fen > kMaxPriceFen) {
    return Error::Invalid(fmt::format("price_fen must be a whole number of fen from 0 to {}", kMaxPriceFen),
                          "price_fen");
  }
  if (Status s = CheckText(price.source, 1, kMaxReasonBytes, "source"); !s) return s.error();
  auto owned = OwnedProduct(conn, tree_, caller.principal, Action::kCertifyProduct, price.product_id);
  if (!owned) return owned.error();
  std::optional<int64_t> before = ReferencePriceFen(conn, price.product_id, price.year);
  auto st = conn.Prepare(
      "INSERT INTO reference_prices (product_id, year, price_fen, source) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (product_id, year) DO UPDATE SET price_fen = excluded.price_fen, source = excluded.source");
  st->Bind(1, price.product_id).Bind(2, price.year).Bind(3, price.price_fen).Bind(4, price.source);
  st->Run();
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.product.reference_price",
                             fmt::format("product:{} year:{}", price.product_id, price.year),
                             owned->supplier.village_code,
                             fmt::format("{} → {} fen per {}; source: {}",
                                         before ? std::to_string(*before) : std::string("none"), price.price_fen,
                                         owned->product.unit, price.source)});
  return price;
}

Result<ReferencePrice> SupplierService::SetReferencePrice(const Caller& caller, const ReferencePrice& price) const {
  return WithConnection<ReferencePrice>(true,
                                        [&](db::Connection& conn) { return SetReferencePrice(conn, caller, price); });
}

Result<ProductDetail> SupplierService::GetProduct(int64_t product_id) const {
  const std::string today = Today();
  return WithConnection<ProductDetail>(false, [&](db::Connection& conn) -> Result<ProductDetail> {
    std::optional<Product> p = FindProduct(conn, product_id);
    if (!p) return Error::NotFound(fmt::format("no product {}", product_id));
    ProductDetail d;
    std::optional<Supplier> s = FindSupplier(conn, p->supplier_id);
    if (s) {
      // A household supplier's name is a household's own: not for the public.
      if (s->kind != SupplierKind::kHousehold) d.supplier_name = s->name;
      d.supplier_state = s->state;
    }
    if (const regions::Region* v = tree_.Find(p->origin_village_code)) d.origin_village_name = v->name;
    if (p->certification) {
      d.certified = CertificationValid(p->certification->valid_from, p->certification->valid_until, today);
    }
    auto photos = conn.Prepare("SELECT photo_id FROM product_photos WHERE product_id = ? ORDER BY photo_id");
    photos->Bind(1, product_id);
    while (photos->Step()) d.photo_ids.push_back(photos->Int(0));
    auto prices = conn.Prepare(
        "SELECT year, price_fen, source FROM reference_prices WHERE product_id = ? ORDER BY year");
    prices->Bind(1, product_id);
    while (prices->Step()) {
      d.reference_prices.push_back(
          ReferencePrice{product_id, static_cast<int>(prices->Int(0)), prices->Int(1), prices->Text(2)});
    }
    d.product = std::move(*p);
    return d;
  });
}

// ---- Outlets ----------------------------------------------------------------------------

Result<Outlet> SupplierService::OpenOutlet(db::Connection& conn, const Caller& caller, const NewOutlet& n) const {
  if (Status s = CheckText(n.name, 1, kMaxNameBytes, "name"); !s) return s.error();
  auto village = VillageOf(tree_, n.village_code, "village_code");
  if (!village) return village.error();
  if (Status s = accounts::Check(tree_, caller.principal, Action::kManageOutlets, n.village_code); !s) {
    return s.error();
  }
  const std::string now = audit::FormatTimestamp(audit_.Now());
  auto st = conn.Prepare(
      "INSERT INTO outlets (village_code, county_code, name, created_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (village_code) DO NOTHING RETURNING outlet_id");
  st->Bind(1, n.village_code).Bind(2, CountyOf(tree_, n.village_code)).Bind(3, n.name).Bind(4, now);
  std::optional<int64_t> id = ReturnedId(*st);
  if (!id) {
    auto q = conn.Prepare("SELECT outlet_id FROM outlets WHERE village_code = ?");
    q->Bind(1, n.village_code);
    int64_t existing = q->Step() ? q->Int(0) : 0;
    q->Run();
    return Error::Conflict(fmt::format("village {} {} has an outlet already (outlet {}): one outlet per village",
                                       n.village_code, (*village)->name, existing));
  }
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.outlet.open", fmt::format("outlet:{}", *id), n.village_code,
                             fmt::format("\"{}\" in {}", n.name, (*village)->name)});
  return *FindOutlet(conn, *id);
}

Result<Outlet> SupplierService::OpenOutlet(const Caller& caller, const NewOutlet& outlet) const {
  return WithConnection<Outlet>(true, [&](db::Connection& conn) { return OpenOutlet(conn, caller, outlet); });
}

Result<OutletPage> SupplierService::ListOutlets(const Caller& caller, const OutletQuery& query) const {
  const Principal& p = caller.principal;
  // A supplier chooses where to sell: it sees every outlet.
  const bool anywhere = p.role == Role::kSupplier;
  const regions::RegionTree& tree = tree_;
  const std::string fallback = anywhere && tree.Root() ? tree.Root()->code : p.region_code;
  auto region = ListRegion(tree, query.region, fallback);
  if (!region) return region.error();
  if (!anywhere) {
    if (Status s = accounts::Check(tree, p, Action::kReadMarket, (*region)->code); !s) return s.error();
  }
  const std::string code = (*region)->code;
  return WithConnection<OutletPage>(false, [&](db::Connection& conn) -> Result<OutletPage> {
    // At most one outlet per village (about 1,300): filtering here is cheap.
    auto st = conn.Prepare(
        "SELECT outlet_id, village_code, county_code, name, created_at FROM outlets WHERE outlet_id > ? "
        "ORDER BY outlet_id");
    st->Bind(1, query.after);
    OutletPage page;
    while (st->Step()) {
      Outlet o{st->Int(0), st->Text(1), st->Text(2), st->Text(3), st->Text(4)};
      if (!tree.Covers(code, o.village_code)) continue;
      if (page.items.size() == static_cast<size_t>(query.limit)) {
        page.next_after = page.items.back().id;
        break;
      }
      page.items.push_back(std::move(o));
    }
    st.reset();
    return page;
  });
}

Result<OutletDetail> SupplierService::GetOutlet(const Caller& caller, int64_t outlet_id) const {
  const Principal& p = caller.principal;
  return WithConnection<OutletDetail>(false, [&](db::Connection& conn) -> Result<OutletDetail> {
    std::optional<Outlet> o = FindOutlet(conn, outlet_id);
    if (!o) return Error::NotFound(fmt::format("no outlet {}", outlet_id));
    std::optional<int64_t> own;
    if (p.role == Role::kSupplier) {
      auto mine = SupplierOfUser(conn, p.user_id);
      if (!mine) return mine.error();
      own = mine->value_or(0);
    } else if (Status s = accounts::Check(tree_, p, Action::kReadMarket, o->village_code); !s) {
      return Hidden(p, Action::kReadMarket, s.error(), fmt::format("outlet {}", outlet_id));
    }
    OutletDetail d;
    if (const regions::Region* v = tree_.Find(o->village_code)) d.village_name = v->name;
    auto st = conn.Prepare(
        "SELECT p.outlet_id, p.supplier_id, s.name, p.granted_at FROM outlet_permissions p "
        "JOIN suppliers s ON s.supplier_id = p.supplier_id WHERE p.outlet_id = ? AND p.revoked_at IS NULL "
        "ORDER BY p.supplier_id");
    st->Bind(1, outlet_id);
    while (st->Step()) {
      OutletPermission perm;
      perm.outlet_id = st->Int(0);
      perm.supplier_id = st->Int(1);
      perm.supplier_name = st->Text(2);
      perm.granted_at = st->Text(3);
      if (own && perm.supplier_id != *own) continue;
      d.permissions.push_back(std::move(perm));
    }
    d.outlet = std::move(*o);
    return d;
  });
}

Result<OutletPermission> SupplierService::GrantOutletPermission(db::Connection& conn, const Caller& caller,
                                                                int64_t supplier_id, int64_t outlet_id) const {
  std::optional<Supplier> s = FindSupplier(conn, supplier_id);
  if (!s) return Error::NotFound(fmt::format("no supplier {}", supplier_id));
  if (Status st = MayActFor(tree_, caller.principal, Action::kManageProducts, *s); !st) return st.error();
  std::optional<Outlet> o = FindOutlet(conn, outlet_id);
  if (!o) return Error::NotFound(fmt::format("no outlet {}", outlet_id));
  if (s->state == SupplierState::kRejected) {
    return Error::Conflict(fmt::format("supplier {} is rejected: it sells at no outlet", supplier_id));
  }
  const std::string now = audit::FormatTimestamp(audit_.Now());
  std::optional<OutletPermission> existing = FindPermission(conn, outlet_id, supplier_id);
  if (existing && existing->revoked_at.empty()) {
    return Error::Conflict(fmt::format("outlet {} already sells supplier {}'s products (since {})", outlet_id,
                                       supplier_id, existing->granted_at));
  }
  if (existing) {
    auto up = conn.Prepare(
        "UPDATE outlet_permissions SET granted_at = ?, revoked_at = NULL "
        "WHERE outlet_id = ? AND supplier_id = ? AND revoked_at IS NOT NULL");
    up->Bind(1, now).Bind(2, outlet_id).Bind(3, supplier_id);
    up->Run();
    if (up->Changes() != 1) {
      return Error::Conflict(fmt::format("outlet {} already sells supplier {}'s products", outlet_id, supplier_id));
    }
  } else {
    auto ins = conn.Prepare(
        "INSERT INTO outlet_permissions (outlet_id, supplier_id, granted_at) VALUES (?, ?, ?) "
        "ON CONFLICT (outlet_id, supplier_id) DO NOTHING");
    ins->Bind(1, outlet_id).Bind(2, supplier_id).Bind(3, now);
    ins->Run();
    if (ins->Changes() != 1) {
      return Error::Conflict(fmt::format("outlet {} already sells supplier {}'s products", outlet_id, supplier_id));
    }
  }
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.outlet_permission.grant",
                             fmt::format("supplier:{} outlet:{}", supplier_id, outlet_id), s->village_code,
                             fmt::format("\"{}\" may be sold at outlet \"{}\" ({})", s->name, o->name,
                                         o->village_code)});
  return *FindPermission(conn, outlet_id, supplier_id);
}

Result<OutletPermission> SupplierService::GrantOutletPermission(const Caller& caller, int64_t supplier_id,
                                                                int64_t outlet_id) const {
  return WithConnection<OutletPermission>(true, [&](db::Connection& conn) {
    return GrantOutletPermission(conn, caller, supplier_id, outlet_id);
  });
}

Result<OutletPermission> SupplierService::RevokeOutletPermission(db::Connection& conn, const Caller& caller,
                                                                 int64_t supplier_id, int64_t outlet_id) const {
  std::optional<Supplier> s = FindSupplier(conn, supplier_id);
  if (!s) return Error::NotFound(fmt::format("no supplier {}", supplier_id));
  if (Status st = MayActFor(tree_, caller.principal, Action::kManageProducts, *s); !st) return st.error();
  const std::string now = audit::FormatTimestamp(audit_.Now());
  auto up = conn.Prepare(
      "UPDATE outlet_permissions SET revoked_at = ? WHERE outlet_id = ? AND supplier_id = ? AND revoked_at IS NULL");
  up->Bind(1, now).Bind(2, outlet_id).Bind(3, supplier_id);
  up->Run();
  if (up->Changes() != 1) {
    return Error::NotFound(fmt::format("outlet {} holds no active permission of supplier {}", outlet_id, supplier_id));
  }
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.outlet_permission.revoke",
                             fmt::format("supplier:{} outlet:{}", supplier_id, outlet_id), s->village_code,
                             fmt::format("\"{}\" no longer sold at outlet {}", s->name, outlet_id)});
  return *FindPermission(conn, outlet_id, supplier_id);
}

Result<OutletPermission> SupplierService::RevokeOutletPermission(const Caller& caller, int64_t supplier_id,
                                                                 int64_t outlet_id) const {
  return WithConnection<OutletPermission>(true, [&](db::Connection& conn) {
    return RevokeOutletPermission(conn, caller, supplier_id, outlet_id);
  });
}

// ---- Institutions -------------------------------------------------------------------------

Result<Institution> SupplierService::CreateInstitution(db::Connection& conn, const Caller& caller,
                                                       const NewInstitution& n) const {
  if (Status s = CheckText(n.name, 1, kMaxNameBytes, "name"); !s) return s.error();
  if (!regions::IsRegionCode(n.region_code) || !tree_.Find(n.region_code)) {
    return Error::Invalid(fmt::format("'{}' is not a region of the tree", n.region_code), "region_code");
  }
  if (n.buyer_username.empty()) return Error::Invalid("buyer_username must not be empty", "buyer_username");
  if (Status s = accounts::Check(tree_, caller.principal, Action::kManageUsers, n.region_code); !s) return s.error();
  std::optional<accounts::UserRecord> user = accounts::FindUser(conn, n.buyer_username);
  if (!user) return Error::Invalid(fmt::format("no account '{}'", n.buyer_username), "buyer_username");
  if (user->role != Role::kBuyer) {
    return Error::Invalid(fmt::format("account '{}' is a {}, not a buyer", n.buyer_username,
                                      accounts::RoleName(user->role)),
                          "buyer_username");
  }
  auto st = conn.Prepare(
      "INSERT INTO institutions (name, kind, region_code, buyer_user_id, synthetic) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (buyer_user_id) DO NOTHING RETURNING institution_id");
  st->Bind(1, n.name).Bind(2, InstitutionKindName(n.kind)).Bind(3, n.region_code).Bind(4, user->user_id);
  st->Bind(5, n.synthetic ? 1 : 0);
  std::optional<int64_t> id = ReturnedId(*st);
  if (!id) {
    return Error::Conflict(fmt::format("account '{}' buys for an institution already", n.buyer_username));
  }
  audit_.Append(conn, &caller.principal, caller.remote_address,
                audit::Entry{"market.institution.create", fmt::format("institution:{} user:{}", *id, n.buyer_username),
                             n.region_code, fmt::format("{} \"{}\"", InstitutionKindName(n.kind), n.name)});
  return Institution{*id, n.name, n.kind, n.region_code, user->user_id, n.buyer_username, n.synthetic};
}

Result<Institution> SupplierService::CreateInstitution(const Caller& caller, const NewInstitution& n) const {
  return WithConnection<Institution>(true, [&](db::Connection& conn) { return CreateInstitution(conn, caller, n); });
}

Result<std::vector<Institution>> SupplierService::ListInstitutions(const Caller& caller) const {
  if (Status s = accounts::Check(tree_, caller.principal, Action::kReadMarket); !s) return s.error();
  return WithConnection<std::vector<Institution>>(false, [&](db::Connection& conn)
                                                             -> Result<std::vector<Institution>> {
    auto st = conn.Prepare(
        "SELECT i.institution_id, i.name, i.kind, i.region_code, i.buyer_user_id, u.username, i.synthetic "
        "FROM institutions i JOIN users u ON u.user_id = i.buyer_user_id ORDER BY i.institution_id");
    std::vector<Institution> out;
    while (st->Step()) {
      out.push_back(Institution{st->Int(0), st->Text(1),
                                ParseInstitutionKind(st->Text(2)).value_or(InstitutionKind::kOther), st->Text(3),
                                st->Int(4), st->Text(5), st->Int(6) != 0});
    }
    return out;
  });
}

// ---- For the lot and order services -----------------------------------------------------------

Status SupplierService::MayTakeIn(db::Connection& conn, int64_t outlet_id, int64_t supplier_id) {
  std::optional<Outlet> o = FindOutlet(conn, outlet_id);
  if (!o) return Error::NotFound(fmt::format("no outlet {}", outlet_id));
  std::optional<SupplierOwner> s = OwnerOf(conn, supplier_id);
  if (!s) return Error::NotFound(fmt::format("no supplier {}", supplier_id));
  if (s->state != SupplierState::kApproved) {
    return Error::Conflict(fmt::format("supplier {} is {}, not approved: its goods are not taken in", supplier_id,
                                       SupplierStateName(s->state)));
  }
  if (o->village_code == s->village_code) return {};
  std::optional<OutletPermission> perm = FindPermission(conn, outlet_id, supplier_id);
  if (perm && perm->revoked_at.empty()) return {};
  return Error::Denied(fmt::format("supplier {} has not permitted outlet {} to sell its products", supplier_id,
                                   outlet_id));
}

std::optional<SupplierOwner> SupplierService::OwnerOf(db::Connection& conn, int64_t supplier_id) {
  auto st = conn.Prepare(
      "SELECT supplier_id, owner_user_id, village_code, county_code, state FROM suppliers WHERE supplier_id = ?");
  st->Bind(1, supplier_id);
  if (!st->Step()) return std::nullopt;
  SupplierOwner o;
  o.supplier_id = st->Int(0);
  o.owner_user_id = st->OptInt(1);
  o.village_code = st->Text(2);
  o.county_code = st->Text(3);
  o.state = ParseSupplierState(st->Text(4)).value_or(SupplierState::kApplied);
  st->Run();
  return o;
}

Result<std::optional<int64_t>> SupplierService::SupplierOfUser(db::Connection& conn, int64_t user_id) {
  auto st = conn.Prepare("SELECT supplier_id FROM suppliers WHERE owner_user_id = ?");
  st->Bind(1, user_id);
  std::optional<int64_t> id;
  if (st->Step()) id = st->Int(0);
  st->Run();
  return id;
}

bool SupplierService::HasVerifiedLink(db::Connection& conn, int64_t supplier_id) {
  std::optional<Supplier> s = FindSupplier(conn, supplier_id);
  return s && s->has_verified_link;
}

bool SupplierService::IsPoorHousehold(db::Connection& conn, int64_t household_id) {
  auto st = conn.Prepare(
      "SELECT 1 FROM household_years WHERE household_id = ? AND status IN ('poor', 'exited', 'monitored') LIMIT 1");
  st->Bind(1, household_id);
  bool poor = st->Step();
  st->Run();
  return poor;
}

std::optional<int64_t> SupplierService::ReferencePriceFen(db::Connection& conn, int64_t product_id, int year) {
  auto st = conn.Prepare("SELECT price_fen FROM reference_prices WHERE product_id = ? AND year = ?");
  st->Bind(1, product_id).Bind(2, year);
  std::optional<int64_t> out;
  if (st->Step()) out = st->Int(0);
  st->Run();
  return out;
}

}  // namespace fupin::market
