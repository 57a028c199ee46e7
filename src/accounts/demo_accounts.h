#pragma once
// The accounts of the demo database: one per role, on regions a visitor can
// follow down the tree (the prefecture, Dongxiang county, 达板镇, 上科妥村),
// all with the password kDemoPassword. For demonstrations only: `fupin demo`
// prints them, and they are published in the README.
#include <string>
#include <vector>

#include "base/result.h"

namespace fupin::db {
class Connection;
}

namespace fupin::accounts {

inline constexpr const char* kDemoPassword = "fupin-demo";

struct DemoAccount {
  std::string username;
  std::string role;
  std::string region_code;
  std::string region_name;
  std::string password;
  bool created = false;  // false: it existed already and was left as it was
};

// Creates the demo accounts that do not exist yet (an existing one keeps its
// password), each with an audit entry "user.add", in one transaction. Returns
// all of them, in a fixed order; kResourceExhausted when the password hash
// finds no memory. Needs the region tree loaded (schema migration 2). Throws
// db::DbError on a database failure.
Result<std::vector<DemoAccount>> EnsureDemoAccounts(db::Connection& conn);

// The accounts as an aligned table for the terminal: user name, role, region
// code and name, password.
std::string DemoAccountsTable(const std::vector<DemoAccount>& accounts);

}  // namespace fupin::accounts
