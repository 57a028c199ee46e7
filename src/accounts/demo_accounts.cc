#include "accounts/demo_accounts.h"

#include <algorithm>

#include <fmt/format.h>

#include "accounts/model.h"
#include "accounts/password.h"
#include "accounts/store.h"
#include "audit/audit_log.h"
#include "audit/model.h"
#include "base/text.h"
#include "db/database.h"
#include "regions/tree.h"

namespace fupin::accounts {
namespace {

struct Seed {
  const char* username;
  Role role;
  const char* region_code;
};

// The same accounts as tests/testing/served_demo.h lists.
constexpr Seed kSeeds[] = {
    {"admin", Role::kAdmin, "622900000000"},
    {"official", Role::kOfficial, "622900000000"},
    {"auditor", Role::kAuditor, "622900000000"},
    {"registry", Role::kRegistry, "622926000000"},
    {"reviewer", Role::kRegistry, "622926000000"},  // a second clerk: a change is approved by another
    {"county", Role::kCountyOperator, "622926000000"},
    {"station", Role::kStationOperator, "622926101000"},
    {"outlet", Role::kOutletOperator, "622926101201"},
    {"supplier", Role::kSupplier, "622926101201"},
    {"buyer", Role::kBuyer, "622900000000"},
    {"canteen", Role::kBuyer, "622900000000"},  // the demo marketplace's institution (a canteen)
};

}  // namespace

Result<std::vector<DemoAccount>> EnsureDemoAccounts(db::Connection& conn) {
  regions::RegionTree tree = regions::RegionTree::Load(conn);
  audit::AuditLog log(tree);
  std::vector<DemoAccount> out;
  // Hashed once and shared by every demo account: ten Argon2id hashes would
  // add over two seconds to every `fupin demo` and every test that builds a
  // demo. Sharing a salt reveals that the passwords are equal — which the
  // README says anyway.
  std::string hash;
  db::Transaction tx(conn);
  for (const Seed& s : kSeeds) {
    DemoAccount a;
    a.username = s.username;
    a.role = RoleName(s.role);
    a.region_code = s.region_code;
    const regions::Region* region = tree.Find(s.region_code);
    a.region_name = region ? region->name : std::string();
    a.password = kDemoPassword;
    if (!FindUser(conn, s.username)) {
      if (hash.empty()) {
        Result<std::string> h = HashPassword(kDemoPassword);
        if (!h) return h.error();
        hash = std::move(*h);
      }
      UserRecord user;
      user.username = s.username;
      user.role = s.role;
      user.region_code = s.region_code;
      user.password_hash = hash;
      user.created_at = audit::FormatTimestamp(log.Now());
      a.created = InsertUser(conn, user).has_value();
      if (a.created) {
        log.Append(conn, nullptr, {},
                   audit::Entry{"user.add", "user:" + a.username, a.region_code,
                                fmt::format("role {} (demo account)", a.role)});
      }
    }
    out.push_back(std::move(a));
  }
  tx.Commit();
  return out;
}

std::string DemoAccountsTable(const std::vector<DemoAccount>& accounts) {
  const std::vector<std::string> header{"user", "role", "region", "", "password"};
  std::vector<std::vector<std::string>> rows{header};
  for (const DemoAccount& a : accounts) rows.push_back({a.username, a.role, a.region_code, a.region_name, a.password});
  std::vector<int> widths(header.size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], text::DisplayWidth(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "  ";
      line += i + 1 < row.size() ? text::PadRight(row[i], widths[i]) : row[i];
    }
    out += "  " + line + "\n";
  }
  return out;
}

}  // namespace fupin::accounts
