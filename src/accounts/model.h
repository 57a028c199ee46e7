#pragma once
// Accounts: who may do what, where. A user holds one role on one region; the
// grant covers that region and everything below it (a county grant covers its
// townships and villages). Pure rules: no SQL, no HTTP, no clock.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace fupin::regions {
class RegionTree;
}

namespace fupin::accounts {

enum class Role {
  kAdmin,            // runs the platform: accounts, everything in scope (identity data stays masked)
  kOfficial,         // prefecture/county official: indicators, reports, planning (read)
  kRegistry,         // registry clerk: sees identity data, proposes and approves registry changes
  kAuditor,          // reads the audit log
  kCountyOperator,   // county service center
  kStationOperator,  // township service station
  kOutletOperator,   // village outlet
  kSupplier,         // a producer: household, cooperative or enterprise
  kBuyer,            // consumer or institution
};

// "admin", "official", "registry", "auditor", "county_operator",
// "station_operator", "outlet_operator", "supplier", "buyer".
const char* RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
const std::vector<Role>& AllRoles();

// The signed-in user making a request.
struct Principal {
  int64_t user_id = 0;
  std::string username;
  Role role = Role::kBuyer;
  std::string region_code;  // the grant: this region and everything below it
  int64_t session_id = 0;
};

// What a role may do; the region scope is checked separately (InScope).
enum class Action {
  kReadRegions,         // every signed-in user
  kReadIndicators,      // admin, official, registry, auditor, county/station/outlet operators
  kReadHouseholds,      // admin, official, registry, county/station/outlet operators (masked)
  kReadIdentity,        // registry only: unmasked ID numbers (audited)
  kProposeChange,       // registry, admin, county/station/outlet operators
  kApproveChange,       // registry, admin (never the proposer)
  kReadAudit,           // auditor, admin
  kManageUsers,         // admin
  // The marketplace (market/):
  kApplySupplier,       // supplier (for itself), outlet and county operators, admin (on a supplier's behalf)
  kRecommendSupplier,   // county operator: recommends an application, verifies or rejects supplier links
  kApproveSupplier,     // admin: approves or rejects a recommended supplier
  kManageProducts,      // supplier (its own), outlet and county operators, admin
  kCertifyProduct,      // county operator, admin: poverty-alleviation product certification
  kManageOutlets,       // county operator, admin: open outlets; outlet operator: its outlet's lots
  kTakeInLot,           // outlet operator, county operator, admin
  kPlaceOrder,          // buyer
  kConfirmPayment,      // admin, county operator: confirm an offline (bank transfer, cash) payment
  kFulfilOrder,         // outlet, station and county operators, admin: pack, ship, deliver
  kReadMarket,          // admin, official, auditor, operators: orders, lots and settlement in scope
  kManageSettlement,    // admin: record payouts to suppliers
  kReadBenefit,         // admin, official, registry, auditor, operators: the benefit ledger and its reports
  // Logistics (logistics/):
  kReadLogistics,       // admin, official, auditor, operators: facilities and daily plans in scope
  kPlanLogistics,       // admin, county operator (its county), station operator (its township): compute plans
};

bool Allows(Role role, Action action);

// True when `principal`'s grant covers `region_code`.
bool InScope(const regions::RegionTree& tree, const Principal& principal, std::string_view region_code);

// kPermissionDenied with a sentence naming the role and the action or region,
// unless `principal` may do `action` on `region_code` ("" = no region).
Status Check(const regions::RegionTree& tree, const Principal& principal, Action action,
             std::string_view region_code = {});

// Username rules: 3–32 characters of a–z, 0–9, '.', '_', '-', starting with a letter.
Status CheckUsername(std::string_view username);
// Password rules: 10–128 bytes of valid UTF-8.
Status CheckPassword(std::string_view password);

}  // namespace fupin::accounts
