#pragma once
// The supply side of the marketplace: suppliers and their admission, their
// links to poor households (联农带农), products (flags, grading standard,
// poverty-alleviation certification, photos, local reference prices),
// village outlets and the permissions suppliers give them, and institutional
// buyers (消费扶贫).
//
// Admission: a supplier applies (itself, or an outlet/county operator or an
// admin on its behalf); the county operator in scope recommends or rejects;
// the platform admin approves or rejects a recommended supplier. A product
// may be certified only when its supplier is approved and "has a verified
// link": at least one verified link to a poor household, or it is a household
// supplier whose own household is registered poor.
//
// A "poor household" is a registered household with a registry status of
// poor, exited or monitored in at least one year.
//
// Every write checks the caller's permission (accounts::Check on the region
// concerned) and appends its audit entry in the same transaction. Each write
// comes in two forms:
//  - Op(const Caller&, …): opens its own write transaction on a pooled
//    connection and commits it;
//  - Op(db::Connection&, const Caller&, …): the same validation, checks,
//    write and audit entry inside a transaction the CALLER has open (for batch
//    use, e.g. the demo generator writing thousands of rows in one
//    transaction). It never begins or commits. It throws db::DbError on a
//    database failure; the caller's transaction then rolls back.
//
// Errors are values: kInvalidArgument naming the field, kNotFound,
// kPermissionDenied, kConflict (a state that forbids the step, naming the
// states), kUnavailable (the database failed — the pooled connection is then
// discarded). Thread-safe: the service holds only borrowed immutable state;
// each call works on its own connection.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "market/caller.h"
#include "market/model.h"

namespace fupin::db {
class Connection;
class Pool;
}  // namespace fupin::db
namespace fupin::regions {
class RegionTree;
}
namespace fupin::audit {
class AuditLog;
}

namespace fupin::market {

// ---- Suppliers ---------------------------------------------------------------

struct SupplierApplication {
  SupplierKind kind = SupplierKind::kCooperative;
  std::string name;          // 1..200 bytes
  std::string village_code;  // a village of the tree
  std::string contact;       // 0..200 bytes; "" = none
  // Required for kind household (the supplier's own household, registered in
  // that village); must be absent for the other kinds.
  std::optional<int64_t> household_id;
  bool synthetic = false;  // made by the demo generator
};

struct Supplier {
  int64_t id = 0;
  std::string name;
  SupplierKind kind = SupplierKind::kCooperative;
  std::string village_code;
  std::string county_code;
  std::optional<int64_t> household_id;
  std::optional<int64_t> owner_user_id;  // the supplier account that applied for itself
  std::string contact;                   // "" = none
  SupplierState state = SupplierState::kApplied;
  std::string state_reason;  // the reason of a rejection; "" otherwise
  std::string applied_at;    // UTC ISO-8601
  std::string decided_at;    // the last recommend/approve/reject; "" before
  bool synthetic = false;
  bool has_verified_link = false;  // see the file comment
};

struct SupplierQuery {
  std::string region;                   // "" = the caller's grant
  std::optional<SupplierState> state;   // nullopt = every state
  int limit = 50;
  int64_t after = 0;  // the last supplier id of the previous page (0: the first page)
};

struct SupplierPage {
  std::vector<Supplier> items;  // by id
  std::optional<int64_t> next_after;
};

// What the order and lot services need to know of a supplier.
struct SupplierOwner {
  int64_t supplier_id = 0;
  std::optional<int64_t> owner_user_id;
  std::string village_code;
  std::string county_code;
  SupplierState state = SupplierState::kApplied;
};

// ---- Links to poor households -------------------------------------------------

struct LinkDeclaration {
  int64_t supplier_id = 0;
  int64_t household_id = 0;
  Channel channel = Channel::kPurchase;  // purchase, wages or dividends (direct_sale is implicit)
  std::string evidence;                  // a document reference, 1..500 bytes
};

struct SupplierLink {
  int64_t id = 0;
  int64_t supplier_id = 0;
  int64_t household_id = 0;
  std::string village_code;  // the household's
  std::string county_code;   // the household's
  Channel channel = Channel::kPurchase;
  std::string evidence;
  LinkState state = LinkState::kDeclared;
  std::string state_reason;  // "" unless rejected
  std::string declared_at;
  std::string decided_at;  // "" while declared
};

// ---- Products ------------------------------------------------------------------

struct NewProduct {
  int64_t supplier_id = 0;
  std::string name;      // 1..200 bytes
  std::string category;  // 1..100 bytes
  std::string unit;      // 1..50 bytes, e.g. "kg", "箱"
  int64_t price_fen = 0;  // > 0
  std::string origin_village_code;  // a village of the tree
  std::string story;                // 0..4000 bytes; "" = none
  // The product's grading standard, best first, e.g. {"特级", "一级", "二级"}:
  // 1..10 names of 1..50 bytes each, distinct, without '|'.
  std::vector<std::string> grades;
  ProductFlags flags;
  bool listed = true;
  bool synthetic = false;
};

// PATCH: only the fields that are set change.
struct ProductChange {
  std::optional<int64_t> price_fen;  // > 0
  std::optional<bool> listed;
  std::optional<std::string> story;  // "" removes the story
  std::optional<bool> one_village_one_product;
  std::optional<bool> green;
  std::optional<bool> organic;
  std::optional<bool> geographical_indication;
  std::optional<bool> compliance_certificate;
};

struct Certification {
  std::string certificate_no;  // 1..100 bytes
  std::string valid_from;      // "YYYY-MM-DD"
  std::string valid_until;     // "YYYY-MM-DD", >= valid_from
};

struct Product {
  int64_t id = 0;
  int64_t supplier_id = 0;
  std::string county_code;  // the supplier's county
  std::string name;
  std::string category;
  std::string unit;
  int64_t price_fen = 0;
  std::string origin_village_code;
  std::string story;  // "" = none
  std::vector<std::string> grades;
  ProductFlags flags;
  std::optional<Certification> certification;  // the recorded one, valid or not
  bool listed = true;
  bool synthetic = false;
  std::string created_at;
};

struct ReferencePrice {
  int64_t product_id = 0;
  int year = 0;
  int64_t price_fen = 0;  // >= 0: what the product fetches locally, per unit
  std::string source;     // 1..500 bytes: where the figure comes from
};

// The public catalogue view of one product.
struct ProductDetail {
  Product product;
  std::string origin_village_name;
  std::string supplier_name;  // "" for a household supplier (its name is a household's own)
  SupplierState supplier_state = SupplierState::kApplied;
  bool certified = false;  // a certification valid today (China Standard Time)
  std::vector<int64_t> photo_ids;  // in upload order
  std::vector<ReferencePrice> reference_prices;  // by year
};

// Photo uploads: JPEG, PNG or WebP, the magic bytes matching the declared type.
// The server takes bodies of at most 1 MiB (http::ServerOptions), and a photo
// for buyers on slow rural links should be far smaller anyway.
inline constexpr size_t kMaxPhotoBytes = 1024 * 1024;
// A product shows a handful of pictures; the bound keeps one product from filling the database.
inline constexpr int64_t kMaxPhotosPerProduct = 20;

struct PhotoInfo {
  int64_t id = 0;
  int64_t product_id = 0;
  std::string content_type;  // "image/jpeg", "image/png" or "image/webp"
  std::string sha256;        // lowercase hex of the image bytes
  int64_t size_bytes = 0;
  std::string added_at;
};

struct Photo {
  PhotoInfo info;
  std::string bytes;  // the image itself
};

// ---- Outlets -------------------------------------------------------------------

struct NewOutlet {
  std::string name;          // 1..200 bytes
  std::string village_code;  // a village of the tree without an outlet yet
};

struct Outlet {
  int64_t id = 0;
  std::string village_code;
  std::string county_code;
  std::string name;
  std::string created_at;
};

struct OutletQuery {
  std::string region;  // "" = the caller's grant (a supplier: the whole tree)
  int limit = 50;
  int64_t after = 0;
};

struct OutletPage {
  std::vector<Outlet> items;  // by id
  std::optional<int64_t> next_after;
};

struct OutletPermission {
  int64_t outlet_id = 0;
  int64_t supplier_id = 0;
  std::string supplier_name;
  std::string granted_at;
  std::string revoked_at;  // "" while active
};

struct OutletDetail {
  Outlet outlet;
  std::string village_name;
  // Active permissions, by supplier id. A supplier account sees its own only.
  std::vector<OutletPermission> permissions;
};

// ---- Institutional buyers --------------------------------------------------------

enum class InstitutionKind { kGovernment, kSchool, kHospital, kEnterprise, kArmy, kOther };
// "government", "school", "hospital", "enterprise", "army", "other".
const char* InstitutionKindName(InstitutionKind kind);
std::optional<InstitutionKind> ParseInstitutionKind(std::string_view name);

struct NewInstitution {
  std::string name;  // 1..200 bytes
  InstitutionKind kind = InstitutionKind::kOther;
  std::string region_code;     // any region of the tree
  std::string buyer_username;  // an existing account with the buyer role, not yet an institution's
  bool synthetic = false;
};

struct Institution {
  int64_t id = 0;
  std::string name;
  InstitutionKind kind = InstitutionKind::kOther;
  std::string region_code;
  int64_t buyer_user_id = 0;
  std::string buyer_username;
  bool synthetic = false;
};

// ---- The service -------------------------------------------------------------------

class SupplierService {
 public:
  // `pool`, `tree` and `audit` are borrowed and must outlive the service.
  // The audit log's clock is the service's clock (timestamps, "today").
  SupplierService(db::Pool& pool, const regions::RegionTree& tree, const audit::AuditLog& audit);

  // ---- Admission ----

  // Records an application in state applied. A supplier account applies for
  // itself (owner = the caller; kConflict when it already has a supplier);
  // outlet/county operators and admins (kApplySupplier) apply on someone's
  // behalf in their scope (no owner). kInvalidArgument "name", "village_code"
  // (not a village), "contact", "household_id" (missing for a household
  // supplier, given for another kind, or not a household registered in that
  // village). kPermissionDenied out of scope. Audited "market.supplier.apply".
  Result<Supplier> Apply(db::Connection& conn, const Caller& caller, const SupplierApplication& application) const;
  Result<Supplier> Apply(const Caller& caller, const SupplierApplication& application) const;

  // applied → recommended, by a county operator in scope of the village
  // (kRecommendSupplier). kConflict naming the states otherwise. Audited
  // "market.supplier.recommend".
  Result<Supplier> Recommend(db::Connection& conn, const Caller& caller, int64_t supplier_id) const;
  Result<Supplier> Recommend(const Caller& caller, int64_t supplier_id) const;

  // recommended → approved, by an admin (kApproveSupplier) in scope. kConflict
  // naming the states otherwise. Audited "market.supplier.approve".
  Result<Supplier> Approve(db::Connection& conn, const Caller& caller, int64_t supplier_id) const;
  Result<Supplier> Approve(const Caller& caller, int64_t supplier_id) const;

  // → rejected with `reason` (1..500 bytes, kInvalidArgument "reason"): a
  // county operator in scope rejects an applied supplier, an admin a
  // recommended one. kPermissionDenied for other roles; kConflict naming the
  // states when the caller's role may not reject from the current state.
  // Audited "market.supplier.reject".
  Result<Supplier> Reject(db::Connection& conn, const Caller& caller, int64_t supplier_id,
                          std::string_view reason) const;
  Result<Supplier> Reject(const Caller& caller, int64_t supplier_id, std::string_view reason) const;

  // Suppliers in a region (default: the caller's grant) for roles with
  // kReadMarket there; a supplier account sees only its own. kInvalidArgument
  // "region" for an unknown code.
  Result<SupplierPage> ListSuppliers(const Caller& caller, const SupplierQuery& query) const;
  // One supplier: for kReadMarket in scope of its village, or its owner
  // account (another supplier account gets kPermissionDenied). kNotFound.
  Result<Supplier> GetSupplier(const Caller& caller, int64_t supplier_id) const;

  // ---- Links ----

  // Declares a link to a poor household, in state declared. By the
  // supplier's owner account, or an operator/admin with kApplySupplier in
  // scope of the supplier's village. kInvalidArgument "channel" (direct_sale
  // may not be declared), "evidence", "household_id" (no such household, or
  // one never registered poor; or the household supplier's own household).
  // kConflict when the supplier is rejected or the link exists already.
  // Audited "market.link.declare".
  Result<SupplierLink> DeclareLink(db::Connection& conn, const Caller& caller, const LinkDeclaration& link) const;
  Result<SupplierLink> DeclareLink(const Caller& caller, const LinkDeclaration& link) const;

  // declared → verified / rejected (reason 1..500 bytes), by a county operator
  // (kRecommendSupplier) in scope of the household's village. kConflict
  // naming the states when the link is not declared. Audited
  // "market.link.verify" / "market.link.reject".
  Result<SupplierLink> VerifyLink(db::Connection& conn, const Caller& caller, int64_t link_id) const;
  Result<SupplierLink> VerifyLink(const Caller& caller, int64_t link_id) const;
  Result<SupplierLink> RejectLink(db::Connection& conn, const Caller& caller, int64_t link_id,
                                  std::string_view reason) const;
  Result<SupplierLink> RejectLink(const Caller& caller, int64_t link_id, std::string_view reason) const;

  // A supplier's links, by id. Who may read: as GetSupplier.
  Result<std::vector<SupplierLink>> ListLinks(const Caller& caller, int64_t supplier_id) const;

  // ---- Products ----

  // Creates a product of a supplier that is not rejected. By the supplier's
  // owner account, or a role with kManageProducts in scope of the supplier's
  // village. kInvalidArgument naming "name", "category", "unit", "price_fen",
  // "origin_village_code", "story", "grades", "supplier_id" (unknown).
  // Audited "market.product.create".
  Result<Product> CreateProduct(db::Connection& conn, const Caller& caller, const NewProduct& product) const;
  Result<Product> CreateProduct(const Caller& caller, const NewProduct& product) const;

  // Changes price, listing, story or flags. Who may: as CreateProduct.
  // kInvalidArgument "price_fen", "story", or "body" when nothing is set.
  // Audited "market.product.update".
  Result<Product> UpdateProduct(db::Connection& conn, const Caller& caller, int64_t product_id,
                                const ProductChange& change) const;
  Result<Product> UpdateProduct(const Caller& caller, int64_t product_id, const ProductChange& change) const;

  // Records the poverty-alleviation certification (replacing an earlier one),
  // by a role with kCertifyProduct in scope of the supplier's village.
  // kInvalidArgument "certificate_no", "valid_from", "valid_until" (not a
  // date, or before valid_from). kConflict saying why when the supplier is
  // not approved or has no verified link. Audited "market.product.certify".
  Result<Product> Certify(db::Connection& conn, const Caller& caller, int64_t product_id,
                          const Certification& certification) const;
  Result<Product> Certify(const Caller& caller, int64_t product_id, const Certification& certification) const;
  // Removes the certification (kConflict when there is none). Audited
  // "market.product.revoke_certification".
  Result<Product> RevokeCertification(db::Connection& conn, const Caller& caller, int64_t product_id) const;
  Result<Product> RevokeCertification(const Caller& caller, int64_t product_id) const;

  // Stores a photo of a product. Who may: as UpdateProduct. kInvalidArgument
  // "Content-Type" (not image/jpeg, image/png or image/webp), "body" (empty,
  // larger than kMaxPhotoBytes, or the bytes are not of the declared type);
  // kConflict when the product has kMaxPhotosPerProduct photos already.
  // Stored base64 with the SHA-256 of the bytes. Audited "market.product.photo".
  Result<PhotoInfo> AddPhoto(db::Connection& conn, const Caller& caller, int64_t product_id,
                             std::string_view content_type, std::string_view bytes) const;
  Result<PhotoInfo> AddPhoto(const Caller& caller, int64_t product_id, std::string_view content_type,
                             std::string_view bytes) const;
  // A photo of a product, for anyone. kNotFound when the photo is not that product's.
  Result<Photo> GetPhoto(int64_t product_id, int64_t photo_id) const;

  // Sets (or replaces) the local reference price of a product in `year`
  // (2000..2100), by a role with kCertifyProduct in scope of the supplier's
  // village. kInvalidArgument "year", "price_fen" (< 0), "source". Audited
  // "market.product.reference_price".
  Result<ReferencePrice> SetReferencePrice(db::Connection& conn, const Caller& caller,
                                           const ReferencePrice& price) const;
  Result<ReferencePrice> SetReferencePrice(const Caller& caller, const ReferencePrice& price) const;

  // The public catalogue detail of one product (listed or not). kNotFound.
  Result<ProductDetail> GetProduct(int64_t product_id) const;

  // ---- Outlets ----

  // Opens the outlet of a village (one per village), by a role with
  // kManageOutlets in scope. kInvalidArgument "name", "village_code";
  // kConflict when the village has an outlet. Audited "market.outlet.open".
  Result<Outlet> OpenOutlet(db::Connection& conn, const Caller& caller, const NewOutlet& outlet) const;
  Result<Outlet> OpenOutlet(const Caller& caller, const NewOutlet& outlet) const;

  // Outlets in a region: roles with kReadMarket within their grant; a
  // supplier account anywhere (it chooses where to sell). kInvalidArgument
  // "region".
  Result<OutletPage> ListOutlets(const Caller& caller, const OutletQuery& query) const;
  Result<OutletDetail> GetOutlet(const Caller& caller, int64_t outlet_id) const;

  // Lets an outlet sell the supplier's products (again, after a revocation).
  // By the supplier's owner account or a role with kManageProducts in scope
  // of the supplier's village. kNotFound for an unknown outlet; kConflict
  // when a permission is active already or the supplier is rejected.
  // Audited "market.outlet_permission.grant".
  Result<OutletPermission> GrantOutletPermission(db::Connection& conn, const Caller& caller, int64_t supplier_id,
                                                 int64_t outlet_id) const;
  Result<OutletPermission> GrantOutletPermission(const Caller& caller, int64_t supplier_id,
                                                 int64_t outlet_id) const;
  // Sets revoked_at. kNotFound when no active permission. Audited
  // "market.outlet_permission.revoke".
  Result<OutletPermission> RevokeOutletPermission(db::Connection& conn, const Caller& caller, int64_t supplier_id,
                                                  int64_t outlet_id) const;
  Result<OutletPermission> RevokeOutletPermission(const Caller& caller, int64_t supplier_id,
                                                  int64_t outlet_id) const;

  // ---- Institutions ----

  // By an admin (kManageUsers). kInvalidArgument "name", "kind",
  // "region_code", "buyer_username" (no such account, or not a buyer);
  // kConflict when the account is an institution's already. Audited
  // "market.institution.create".
  Result<Institution> CreateInstitution(db::Connection& conn, const Caller& caller,
                                        const NewInstitution& institution) const;
  Result<Institution> CreateInstitution(const Caller& caller, const NewInstitution& institution) const;
  // Every institution, by id: roles with kReadMarket.
  Result<std::vector<Institution>> ListInstitutions(const Caller& caller) const;

  // ---- For the lot and order services (no permission checks; throw db::DbError) ----

  // Ok when `supplier_id`'s products may be taken in at `outlet_id`: the
  // supplier is approved, and the outlet is in the supplier's own village or
  // holds an active permission of the supplier. kNotFound for an unknown
  // outlet or supplier; kConflict when the supplier is not approved;
  // kPermissionDenied without a permission.
  static Status MayTakeIn(db::Connection& conn, int64_t outlet_id, int64_t supplier_id);
  // nullopt for an unknown supplier.
  static std::optional<SupplierOwner> OwnerOf(db::Connection& conn, int64_t supplier_id);
  // The supplier an account owns; nullopt when it owns none.
  static Result<std::optional<int64_t>> SupplierOfUser(db::Connection& conn, int64_t user_id);
  // See the file comment.
  static bool HasVerifiedLink(db::Connection& conn, int64_t supplier_id);
  // True when the household has status poor, exited or monitored in some year.
  static bool IsPoorHousehold(db::Connection& conn, int64_t household_id);
  // The reference price of a product in a year; nullopt when none is recorded.
  static std::optional<int64_t> ReferencePriceFen(db::Connection& conn, int64_t product_id, int year);

  // Today's date "YYYY-MM-DD" in China Standard Time (UTC+8), by the audit clock.
  std::string Today() const;

 private:
  template <typename T, typename F>
  Result<T> WithConnection(bool write, F&& body) const;

  db::Pool& pool_;
  const regions::RegionTree& tree_;
  const audit::AuditLog& audit_;
};

}  // namespace fupin::market
