#include "accounts/model.h"

#include <fmt/format.h>

#include "base/text.h"
#include "regions/tree.h"

namespace fupin::accounts {
namespace {

struct RoleEntry {
  Role role;
  const char* name;
};

constexpr RoleEntry kRoles[] = {
    {Role::kAdmin, "admin"},
    {Role::kOfficial, "official"},
    {Role::kRegistry, "registry"},
    {Role::kAuditor, "auditor"},
    {Role::kCountyOperator, "county_operator"},
    {Role::kStationOperator, "station_operator"},
    {Role::kOutletOperator, "outlet_operator"},
    {Role::kSupplier, "supplier"},
    {Role::kBuyer, "buyer"},
};

// What the action is, as the end of "role X may not …".
const char* ActionPhrase(Action action) {
  switch (action) {
    case Action::kReadRegions: return "read regions";
    case Action::kReadIndicators: return "read indicators";
    case Action::kReadHouseholds: return "read households";
    case Action::kReadIdentity: return "read identity numbers";
    case Action::kProposeChange: return "propose registry changes";
    case Action::kApproveChange: return "approve registry changes";
    case Action::kReadAudit: return "read the audit log";
    case Action::kManageUsers: return "manage users";
    case Action::kApplySupplier: return "apply for supplier admission";
    case Action::kRecommendSupplier: return "recommend suppliers or verify their links to households";
    case Action::kApproveSupplier: return "approve suppliers";
    case Action::kManageProducts: return "manage products";
    case Action::kCertifyProduct: return "certify products";
    case Action::kManageOutlets: return "manage outlets";
    case Action::kTakeInLot: return "take in lots";
    case Action::kPlaceOrder: return "place orders";
    case Action::kConfirmPayment: return "confirm offline payments";
    case Action::kFulfilOrder: return "pack, ship or deliver orders";
    case Action::kReadMarket: return "read orders, lots and settlement";
    case Action::kManageSettlement: return "record payouts to suppliers";
    case Action::kReadBenefit: return "read the benefit ledger";
    case Action::kReadLogistics: return "read logistics facilities and plans";
    case Action::kPlanLogistics: return "compute logistics plans";
  }
  return "do this";
}

bool IsOperator(Role role) {
  return role == Role::kCountyOperator || role == Role::kStationOperator || role == Role::kOutletOperator;
}

}  // namespace

const char* RoleName(Role role) {
  for (const RoleEntry& e : kRoles) {
    if (e.role == role) return e.name;
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const RoleEntry& e : kRoles) {
    if (name == e.name) return e.role;
  }
  return std::nullopt;
}

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> out;
    for (const RoleEntry& e : kRoles) out.push_back(e.role);
    return out;
  }();
  return roles;
}

bool Allows(Role role, Action action) {
  switch (action) {
    case Action::kReadRegions:
      return true;
    case Action::kReadIndicators:
      return role == Role::kAdmin || role == Role::kOfficial || role == Role::kRegistry || role == Role::kAuditor ||
             IsOperator(role);
    case Action::kReadHouseholds:
      return role == Role::kAdmin || role == Role::kOfficial || role == Role::kRegistry || IsOperator(role);
    case Action::kReadIdentity:
      return role == Role::kRegistry;
    case Action::kProposeChange:
      return role == Role::kRegistry || role == Role::kAdmin || IsOperator(role);
    case Action::kApproveChange:
      return role == Role::kRegistry || role == Role::kAdmin;
    case Action::kReadAudit:
      return role == Role::kAuditor || role == Role::kAdmin;
    case Action::kManageUsers:
      return role == Role::kAdmin;
    case Action::kApplySupplier:
      return role == Role::kSupplier || role == Role::kOutletOperator || role == Role::kCountyOperator ||
             role == Role::kAdmin;
    case Action::kRecommendSupplier:
      return role == Role::kCountyOperator;
    case Action::kApproveSupplier:
      return role == Role::kAdmin;
    case Action::kManageProducts:
      return role == Role::kSupplier || role == Role::kOutletOperator || role == Role::kCountyOperator ||
             role == Role::kAdmin;
    case Action::kCertifyProduct:
      return role == Role::kCountyOperator || role == Role::kAdmin;
    case Action::kManageOutlets:
      return role == Role::kCountyOperator || role == Role::kAdmin;
    case Action::kTakeInLot:
      return role == Role::kOutletOperator || role == Role::kCountyOperator || role == Role::kAdmin;
    case Action::kPlaceOrder:
      return role == Role::kBuyer;
    case Action::kConfirmPayment:
      return role == Role::kAdmin || role == Role::kCountyOperator;
    case Action::kFulfilOrder:
      return role == Role::kAdmin || IsOperator(role);
    case Action::kReadMarket:
      return role == Role::kAdmin || role == Role::kOfficial || role == Role::kAuditor || IsOperator(role);
    case Action::kManageSettlement:
      return role == Role::kAdmin;
    case Action::kReadBenefit:
      return role == Role::kAdmin || role == Role::kOfficial || role == Role::kRegistry || role == Role::kAuditor ||
             IsOperator(role);
    case Action::kReadLogistics:
      return role == Role::kAdmin || role == Role::kOfficial || role == Role::kAuditor || IsOperator(role);
    case Action::kPlanLogistics:
      return role == Role::kAdmin || role == Role::kCountyOperator || role == Role::kStationOperator;
  }
  return false;
}

bool InScope(const regions::RegionTree& tree, const Principal& principal, std::string_view region_code) {
  return tree.Covers(principal.region_code, region_code);
}

Status Check(const regions::RegionTree& tree, const Principal& principal, Action action,
             std::string_view region_code) {
  if (!Allows(principal.role, action)) {
    return Error::Denied(fmt::format("role {} may not {}", RoleName(principal.role), ActionPhrase(action)));
  }
  if (!region_code.empty() && !InScope(tree, principal, region_code)) {
    const regions::Region* grant = tree.Find(principal.region_code);
    return Error::Denied(fmt::format("role {} may not {} of {} (outside {} {})", RoleName(principal.role),
                                     ActionPhrase(action), region_code, principal.region_code,
                                     grant ? grant->name : std::string("(unknown region)")));
  }
  return {};
}

Status CheckUsername(std::string_view username) {
  if (username.size() < 3 || username.size() > 32) {
    return Error::Invalid("a user name has 3 to 32 characters", "username");
  }
  if (!(username[0] >= 'a' && username[0] <= 'z')) {
    return Error::Invalid("a user name starts with a lower-case letter a-z", "username");
  }
  for (char c : username) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Error::Invalid("a user name holds only a-z, 0-9, '.', '_' and '-'", "username");
    }
  }
  return {};
}

Status CheckPassword(std::string_view password) {
  // Length over character classes (NIST SP 800-63B, 5.1.1.2). The upper bound
  // only keeps requests small: a pass phrase of 128 bytes is long enough.
  if (password.size() < 10) return Error::Invalid("a password needs at least 10 characters", "password");
  if (password.size() > 128) return Error::Invalid("a password has at most 128 bytes", "password");
  if (!text::IsValidUtf8(password)) return Error::Invalid("a password must be valid UTF-8 text", "password");
  return {};
}

}  // namespace fupin::accounts
