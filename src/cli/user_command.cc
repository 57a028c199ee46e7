// fupin user add: an account from the command line, the way to make the first
// administrator of a new installation.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "accounts/password.h"
#include "accounts/service.h"
#include "audit/audit_log.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "regions/tree.h"

namespace fupin::cli {
namespace {

// 16 of 62 characters: ~95 bits, beyond guessing even without rate limits.
constexpr size_t kGeneratedLength = 16;

// The first line of standard input without its line end; "" for a terminal
// (nobody should type a password where it echoes) or an empty input.
std::string ReadPassword() {
  if (::isatty(STDIN_FILENO)) return {};
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

int RunUserAdd(const UserAddOptions& o) {
  auto conn = OpenDatabase(o.db, SchemaMode::kMigrate);
  if (!conn) return Fail(conn.error());
  accounts::NewUser user;
  user.username = o.name;
  user.role = o.role;
  user.region_code = o.region;
  user.password = ReadPassword();
  const bool generated = user.password.empty();
  if (generated) user.password = accounts::GeneratePassword(kGeneratedLength);

  try {
    regions::RegionTree tree = regions::RegionTree::Load(**conn);
    audit::AuditLog log(tree);
    Result<int64_t> id = accounts::AddUser(**conn, log, user);
    if (!id) return Fail(id.error());
    const regions::Region* region = tree.Find(user.region_code);
    std::printf("added user %s (role %s, region %s %s)\n", user.username.c_str(), user.role.c_str(),
                user.region_code.c_str(), region ? region->name.c_str() : "");
    if (generated) std::printf("password: %s (shown once)\n", user.password.c_str());
  } catch (const db::DbError& e) {
    return Fail(Error::Unavailable(e.what()));
  }
  return 0;
}

}  // namespace fupin::cli
