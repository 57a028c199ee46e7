// `fupin user add` as an operator runs it: a password from standard input or
// a generated one shown once, one-line errors, and an account that signs in.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "accounts/service.h"
#include "audit/audit_log.h"
#include "db/database.h"
#include "db/pool.h"
#include "regions/tree.h"
#include "testing/test_db.h"

namespace fupin::cli {
namespace {

using fupin::testing::OneLineError;
using fupin::testing::RunFupin;
using fupin::testing::TempDir;

// Signs in through the service, as the server would.
Status SignIn(const std::string& url, const std::string& username, const std::string& password) {
  auto pool = db::Pool::Open(url, 1);
  if (!pool) return pool.error();
  regions::RegionTree tree;
  {
    auto lease = (*pool)->Acquire();
    if (!lease) return lease.error();
    tree = regions::RegionTree::Load(**lease);
  }
  audit::AuditLog log(tree);
  accounts::AccountService service(**pool, tree, log);
  auto in = service.SignIn(username, password, "127.0.0.1");
  if (!in) return in.error();
  return {};
}

TEST(UserCliTest, AddsWithAPasswordFromStandardInput) {
  TempDir dir;
  std::string url = "sqlite:" + dir.File("u.db");
  auto r = RunFupin("user add --db " + url + " --name clerk1 --role registry --region 622926000000",
                    "a long pass phrase\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "added user clerk1 (role registry, region 622926000000 东乡族自治县)\n");
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(SignIn(url, "clerk1", "a long pass phrase").ok()) << "the line end is not part of the password";
  EXPECT_FALSE(SignIn(url, "clerk1", "a long pass phrase\n").ok());
  auto conn = db::Open(url);
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(db::QueryInt(**conn, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.add' AND user_id IS NULL"), 1);
}

TEST(UserCliTest, GeneratesAndShowsAPasswordWhenStandardInputIsEmpty) {
  TempDir dir;
  std::string url = "sqlite:" + dir.File("u.db");
  auto r = RunFupin("user add --db " + url + " --name first.admin --role admin --region 622900000000", "");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  static const std::regex kShown(
      "^added user first\\.admin \\(role admin, region 622900000000 临夏回族自治州\\)\n"
      "password: ([A-Za-z0-9]{16}) \\(shown once\\)\n$");
  ASSERT_TRUE(std::regex_match(r.out, m, kShown)) << r.out;
  std::string password = m[1].str();
  EXPECT_TRUE(SignIn(url, "first.admin", password).ok());

  auto other = RunFupin("user add --db " + url + " --name second.admin --role admin --region 622900000000", "");
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_EQ(other.out.find(password), std::string::npos) << "a new password each time";
}

TEST(UserCliTest, MistakesAreOneLineErrors) {
  TempDir dir;
  std::string url = "sqlite:" + dir.File("u.db");
  const std::string pw = "a long pass phrase\n";
  ASSERT_EQ(RunFupin("user add --db " + url + " --name taken --role buyer --region 622900000000", pw).exit_code, 0);
  struct Case {
    std::string args;
    int exit_code;
    const char* says;
  };
  const Case cases[] = {
      {"--name taken --role buyer --region 622900000000", 1, "exists"},
      {"--name other --role emperor --region 622900000000", 2, "role"},
      {"--name other --role buyer --region 622999999999", 1, "622999999999"},
      {"--name Other --role buyer --region 622900000000", 1, "user name"},
      {"--name other --role buyer", 2, "region"},
  };
  for (const Case& c : cases) {
    auto r = RunFupin("user add --db " + url + " " + c.args, pw);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << ": " << r.err;
    EXPECT_TRUE(OneLineError(r.err)) << c.args << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << ": " << r.err;
    EXPECT_EQ(r.out, "") << c.args;
  }
  auto weak = RunFupin("user add --db " + url + " --name other --role buyer --region 622900000000", "short\n");
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_TRUE(OneLineError(weak.err)) << weak.err;
  EXPECT_NE(weak.err.find("password"), std::string::npos) << weak.err;
  auto conn = db::Open(url);
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ(db::QueryInt(**conn, "SELECT COUNT(*) FROM users"), 1);
}

}  // namespace
}  // namespace fupin::cli
