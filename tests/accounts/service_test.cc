// AccountService on both databases: adding users, signing in and out,
// sessions that expire or end elsewhere, and the limits on failed sign-ins.
// Time is moved by hand; hashes use the minimum Argon2id cost (the cost is in
// each hash string, so verification is exercised all the same).
#include "accounts/service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "accounts/store.h"
#include "audit/audit_log.h"
#include "db/database.h"
#include "db/pool.h"
#include "regions/tree.h"
#include "schema/schema.h"
#include "testing/test_db.h"

namespace fupin::accounts {
namespace {

using fupin::testing::AllBackends;
using fupin::testing::Backend;
using fupin::testing::BackendName;
using fupin::testing::ScratchDb;

constexpr int64_t kStart = 1'796'000'000;
constexpr const char* kPassword = "correct horse battery";

class AccountServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    auto version = schema::Migrate(conn());
    ASSERT_TRUE(version.ok()) << version.error().message;
    tree_ = regions::RegionTree::Load(conn());
    auto pool = db::Pool::Open(scratch_.url(), 3);
    ASSERT_TRUE(pool.ok()) << pool.error().message;
    pool_ = std::move(*pool);
    log_ = std::make_unique<audit::AuditLog>(tree_, Clock());
    service_ = NewService(Options());
  }

  std::function<int64_t()> Clock() {
    return [this] { return now_.load(); };
  }

  static AccountService::Options Options() {
    AccountService::Options o;
    o.password_cost = PasswordCost::kMinimum;
    return o;
  }

  std::unique_ptr<AccountService> NewService(AccountService::Options o) {
    return std::make_unique<AccountService>(*pool_, tree_, *log_, o, Clock());
  }

  db::Connection& conn() { return scratch_.conn(); }

  Result<int64_t> Add(const std::string& name, const std::string& role, const std::string& region,
                      PasswordCost cost = PasswordCost::kMinimum) {
    return AddUser(conn(), *log_, NewUser{name, role, region, kPassword}, nullptr, {}, cost);
  }

  int64_t CountAudit(const std::string& action) {
    return fupin::testing::SelectInt(conn(), "SELECT COUNT(*) FROM audit_log WHERE action = ?", {action});
  }

  ScratchDb scratch_{GetParam()};
  regions::RegionTree tree_;
  std::unique_ptr<db::Pool> pool_;
  std::atomic<int64_t> now_{kStart};
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<AccountService> service_;
};

TEST_P(AccountServiceTest, AddUserChecksEveryFieldAndRefusesADuplicate) {
  auto id = Add("outlet7", "outlet_operator", "622926101201");
  ASSERT_TRUE(id.ok()) << id.error().message;
  std::optional<UserRecord> stored = FindUser(conn(), "outlet7");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->user_id, *id);
  EXPECT_EQ(stored->role, Role::kOutletOperator);
  EXPECT_EQ(stored->region_code, "622926101201");
  EXPECT_TRUE(stored->password_hash.starts_with("$argon2id$")) << stored->password_hash;
  EXPECT_EQ(stored->password_hash.find(kPassword), std::string::npos);
  EXPECT_EQ(stored->created_at, audit::FormatTimestamp(kStart));
  EXPECT_EQ(CountAudit("user.add"), 1);

  auto dup = Add("outlet7", "buyer", "622900000000");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);

  struct Case {
    NewUser user;
    const char* field;
  };
  const Case cases[] = {
      {{"Bad Name", "buyer", "622900000000", kPassword}, "username"},
      {{"x", "buyer", "622900000000", kPassword}, "username"},
      {{"newuser", "superuser", "622900000000", kPassword}, "role"},
      {{"newuser", "", "622900000000", kPassword}, "role"},
      {{"newuser", "buyer", "622999999999", kPassword}, "region"},
      {{"newuser", "buyer", "", kPassword}, "region"},
      {{"newuser", "buyer", "622900000000", "short"}, "password"},
  };
  for (const Case& c : cases) {
    auto r = AddUser(conn(), *log_, c.user, nullptr, {}, PasswordCost::kMinimum);
    ASSERT_FALSE(r.ok()) << c.field;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.field;
    EXPECT_EQ(r.error().field, c.field) << r.error().message;
  }
  EXPECT_FALSE(FindUser(conn(), "newuser").has_value());
  EXPECT_EQ(CountAudit("user.add"), 1);
}

TEST_P(AccountServiceTest, SignInAuthenticateAndSignOut) {
  ASSERT_TRUE(Add("station1", "station_operator", "622926101000").ok());
  auto in = service_->SignIn("station1", kPassword, "10.0.0.7");
  ASSERT_TRUE(in.ok()) << in.error().message;
  EXPECT_GE(in->token.size(), 43u);
  EXPECT_GE(in->csrf_token.size(), 43u);
  EXPECT_NE(in->token, in->csrf_token);
  EXPECT_EQ(in->principal.username, "station1");
  EXPECT_EQ(in->principal.role, Role::kStationOperator);
  EXPECT_EQ(in->principal.region_code, "622926101000");
  EXPECT_GT(in->principal.session_id, 0);
  EXPECT_EQ(in->expires_at, kStart + 8 * 3600);

  // The database holds a hash of the token, never the token.
  auto st = conn().Prepare("SELECT token_hash, remote_address, expires_at FROM sessions");
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Text(0), TokenHash(in->token));
  EXPECT_NE(st->Text(0), in->token);
  EXPECT_EQ(st->Text(1), "10.0.0.7");
  EXPECT_EQ(st->Text(2), audit::FormatTimestamp(kStart + 8 * 3600));
  EXPECT_FALSE(st->Step());

  auto info = service_->Authenticate(in->token);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->principal.user_id, in->principal.user_id);
  EXPECT_EQ(info->principal.session_id, in->principal.session_id);
  EXPECT_EQ(info->csrf_token, in->csrf_token);
  // Another service (another process, or a restart) finds it in the database.
  auto fresh = NewService(Options())->Authenticate(in->token);
  ASSERT_TRUE(fresh.ok()) << fresh.error().message;
  EXPECT_EQ(fresh->csrf_token, in->csrf_token);

  for (std::string bad : {std::string(), std::string("forged"), in->csrf_token, in->token + "x"}) {
    auto r = service_->Authenticate(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
  }

  ASSERT_TRUE(service_->SignOut(in->token, "10.0.0.7").ok());
  auto after = service_->Authenticate(in->token);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code, ErrorCode::kUnauthenticated);
  auto twice = service_->SignOut(in->token);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(CountAudit("session.sign_in"), 1);
  EXPECT_EQ(CountAudit("session.sign_out"), 1);
}

TEST_P(AccountServiceTest, WrongPasswordAndUnknownNameAnswerAlike) {
  ASSERT_TRUE(Add("county1", "county_operator", "622926000000").ok());
  auto wrong = service_->SignIn("county1", "not the password", "10.0.0.1");
  auto unknown = service_->SignIn("nobody", kPassword, "10.0.0.1");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
  EXPECT_EQ(CountAudit("session.refused"), 2);
  EXPECT_EQ(CountAudit("session.sign_in"), 0);
}

TEST_P(AccountServiceTest, SessionsExpireWithTheClock) {
  ASSERT_TRUE(Add("buyer1", "buyer", "622900000000").ok());
  AccountService::Options o = Options();
  o.session_ttl_s = 600;
  auto service = NewService(o);
  auto in = service->SignIn("buyer1", kPassword, "10.0.0.1");
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->expires_at, kStart + 600);
  now_ = kStart + 599;
  EXPECT_TRUE(service->Authenticate(in->token).ok());
  now_ = kStart + 600;
  auto expired = service->Authenticate(in->token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
  EXPECT_FALSE(NewService(o)->Authenticate(in->token).ok()) << "from the database as well";
}

TEST_P(AccountServiceTest, LongExpiredSessionsAreClearedOut) {
  ASSERT_TRUE(Add("buyer2", "buyer", "622900000000").ok());
  AccountService::Options o = Options();
  o.session_ttl_s = 600;
  auto service = NewService(o);
  ASSERT_TRUE(service->SignIn("buyer2", kPassword, "10.0.0.1").ok());
  auto sessions = [&] { return fupin::testing::SelectInt(conn(), "SELECT COUNT(*) FROM sessions"); };
  EXPECT_EQ(sessions(), 1);
  // Expired, but within the retention: kept.
  now_ += 600 + 3600;
  ASSERT_TRUE(service->SignIn("buyer2", kPassword, "10.0.0.1").ok());
  EXPECT_EQ(sessions(), 2);
  // A week after the first one expired, the next sweep removes it, and only it.
  now_ = kStart + 600 + 7 * 24 * 3600 + 1;
  ASSERT_TRUE(service->SignIn("buyer2", kPassword, "10.0.0.1").ok());
  EXPECT_EQ(sessions(), 2);
}

TEST_P(AccountServiceTest, SignOutOrDisablingElsewhereIsSeenAfterTheRecheckInterval) {
  ASSERT_TRUE(Add("official1", "official", "622900000000").ok());
  auto in = service_->SignIn("official1", kPassword, "10.0.0.1");
  ASSERT_TRUE(in.ok());
  ASSERT_TRUE(service_->Authenticate(in->token).ok());
  ASSERT_TRUE(NewService(Options())->SignOut(in->token).ok()) << "another process signs it out";
  now_ += 29;
  EXPECT_TRUE(service_->Authenticate(in->token).ok()) << "trusted from memory for 30 s";
  now_ += 1;
  EXPECT_FALSE(service_->Authenticate(in->token).ok());

  auto again = service_->SignIn("official1", kPassword, "10.0.0.1");
  ASSERT_TRUE(again.ok());
  conn().Exec("UPDATE users SET disabled = 1 WHERE username = 'official1'");
  now_ += 30;
  auto disabled = service_->Authenticate(again->token);
  ASSERT_FALSE(disabled.ok());
  EXPECT_EQ(disabled.error().code, ErrorCode::kUnauthenticated);
  auto refused = service_->SignIn("official1", kPassword, "10.0.0.1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
}

TEST_P(AccountServiceTest, FiveFailuresLockTheAccountUntilTheWindowPasses) {
  ASSERT_TRUE(Add("registry1", "registry", "622926000000").ok());
  for (int i = 0; i < 5; ++i) {
    now_ += 10;
    auto r = service_->SignIn("registry1", "guess number " + std::to_string(i), "10.0.0." + std::to_string(i));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated) << i;
  }
  EXPECT_EQ(service_->RetryAfter("registry1", "10.9.9.9"), 900 - 40);
  // Even the right password, from a new address: refused, with when to retry.
  auto locked = service_->SignIn("registry1", kPassword, "10.9.9.9");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(locked.error().message.find("try again in 15 minutes"), std::string::npos) << locked.error().message;
  EXPECT_EQ(CountAudit("session.refused"), 6);
  // Further refusals in the same lockout cost the caller nothing, so they are
  // not logged again: the log cannot be flooded through them.
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(service_->SignIn("registry1", kPassword, "10.9.9.8").ok());
  EXPECT_EQ(CountAudit("session.refused"), 6);
  // Another account is not affected.
  ASSERT_TRUE(Add("registry2", "registry", "622926000000").ok());
  EXPECT_TRUE(service_->SignIn("registry2", kPassword, "10.9.9.9").ok());

  // The oldest failure leaves the window 900 s after it was made.
  now_ = kStart + 10 + 899;
  EXPECT_EQ(service_->RetryAfter("registry1", "10.9.9.9"), 1);
  EXPECT_FALSE(service_->SignIn("registry1", kPassword, "10.9.9.9").ok());
  now_ = kStart + 10 + 900;
  EXPECT_EQ(service_->RetryAfter("registry1", "10.9.9.9"), 0);
  ASSERT_TRUE(service_->SignIn("registry1", kPassword, "10.9.9.9").ok());

  // A success forgets the account's failures: four more wrong ones and the
  // right one still pass.
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(service_->SignIn("registry1", "wrong again", "10.0.1.1").ok());
  EXPECT_TRUE(service_->SignIn("registry1", kPassword, "10.0.1.1").ok());
}

TEST_P(AccountServiceTest, TwentyFailuresFromOneAddressLockTheAddress) {
  ASSERT_TRUE(Add("supplier1", "supplier", "622926101201").ok());
  const std::string attacker = "203.0.113.5";
  for (int i = 0; i < 19; ++i) {
    auto r = service_->SignIn("name" + std::to_string(i), kPassword, attacker);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated) << i;
  }
  // A success from the address does not wipe its count...
  ASSERT_TRUE(service_->SignIn("supplier1", kPassword, attacker).ok());
  EXPECT_FALSE(service_->SignIn("name19", kPassword, attacker).ok());
  // ...so the 21st attempt, with a right password, is refused.
  auto locked = service_->SignIn("supplier1", kPassword, attacker);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, ErrorCode::kResourceExhausted);
  EXPECT_NE(locked.error().message.find("from this address"), std::string::npos) << locked.error().message;
  EXPECT_EQ(service_->RetryAfter("supplier1", attacker), 900);
  EXPECT_TRUE(service_->SignIn("supplier1", kPassword, "198.51.100.1").ok()) << "other addresses still work";

  now_ += 900;
  EXPECT_TRUE(service_->SignIn("supplier1", kPassword, attacker).ok());
}

TEST_P(AccountServiceTest, BusyHashingAnswersUnavailable) {
  // Verification takes as long as the cost recorded in the stored hash.
  ASSERT_TRUE(Add("busy1", "buyer", "622900000000", PasswordCost::kInteractive).ok());
  // Real cost (~230 ms a hash), one at a time and nobody waiting: of several
  // sign-ins started together, some must be told to come back.
  AccountService::Options o;
  o.max_concurrent_hashes = 1;
  o.max_waiting_hashes = 0;
  auto service = NewService(o);
  std::atomic<int> unavailable{0}, answered{0};
  std::vector<std::thread> threads;
  std::atomic<bool> go{false};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      while (!go) std::this_thread::yield();
      auto r = service->SignIn("busy1", kPassword, "10.0.2." + std::to_string(i));
      if (!r.ok() && r.error().code == ErrorCode::kUnavailable) {
        EXPECT_EQ(r.error().message, "the server is busy signing others in; try again in a moment");
        ++unavailable;
      } else {
        ++answered;
      }
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();
  EXPECT_GE(unavailable.load(), 1);
  EXPECT_GE(answered.load(), 1);
  // Being busy is not a failed sign-in: the account is not locked by it.
  EXPECT_EQ(service->RetryAfter("busy1", "10.0.2.0"), 0);
}

TEST_P(AccountServiceTest, AdminsCreateAndListUsersInsideTheirGrant) {
  ASSERT_TRUE(Add("dxadmin", "admin", "622926000000").ok());
  auto in = service_->SignIn("dxadmin", kPassword, "10.0.0.1");
  ASSERT_TRUE(in.ok());
  const Principal& admin = in->principal;

  // Roles that unmask identity data or make accounts are not the API's to give.
  for (const char* role : {"registry", "admin"}) {
    auto refused = service_->CreateUser(admin, "10.0.0.1", NewUser{"grab", role, "622926101201", kPassword});
    ASSERT_FALSE(refused.ok()) << role;
    EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(refused.error().field, "role");
  }
  auto made = service_->CreateUser(admin, "10.0.0.1", NewUser{"outlet9", "outlet_operator", "622926101201", kPassword});
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->username, "outlet9");
  EXPECT_EQ(made->role, Role::kOutletOperator);
  EXPECT_EQ(made->created_at, audit::FormatTimestamp(kStart));
  EXPECT_TRUE(service_->SignIn("outlet9", kPassword, "10.0.0.2").ok());
  audit::Filter by_admin;
  by_admin.username = "dxadmin";
  auto audit_page = log_->List(conn(), by_admin);
  ASSERT_TRUE(audit_page.ok());
  ASSERT_FALSE(audit_page->items.empty());
  EXPECT_EQ(audit_page->items[0].action, "user.add");
  EXPECT_EQ(audit_page->items[0].target, "user:outlet9");
  EXPECT_EQ(audit_page->items[0].region_code, "622926101201");

  auto outside = service_->CreateUser(admin, "", NewUser{"linxia9", "buyer", "622921000000", kPassword});
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().code, ErrorCode::kPermissionDenied);
  auto dup = service_->CreateUser(admin, "", NewUser{"outlet9", "buyer", "622926000000", kPassword});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  auto weak = service_->CreateUser(admin, "", NewUser{"outlet10", "buyer", "622926000000", "short"});
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().field, "password");
  auto outlet = service_->SignIn("outlet9", kPassword, "10.0.0.2");
  ASSERT_TRUE(outlet.ok());
  auto not_admin =
      service_->CreateUser(outlet->principal, "", NewUser{"outlet11", "buyer", "622926101201", kPassword});
  ASSERT_FALSE(not_admin.ok());
  EXPECT_EQ(not_admin.error().code, ErrorCode::kPermissionDenied);

  // Outside the grant: a user in another county, not listed.
  ASSERT_TRUE(Add("linxia1", "buyer", "622921000000").ok());
  ASSERT_TRUE(Add("dxbuyer", "buyer", "622926000000").ok());
  std::vector<std::string> names;
  int64_t after = 0;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 10);
    auto page = service_->ListUsers(admin, 2, after);
    ASSERT_TRUE(page.ok()) << page.error().message;
    EXPECT_LE(page->items.size(), 2u);
    for (const UserView& u : page->items) names.push_back(u.username);
    if (!page->next_after) break;
    after = *page->next_after;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"dxadmin", "outlet9", "dxbuyer"}));
  auto listed_by_outlet = service_->ListUsers(outlet->principal, 10, 0);
  ASSERT_FALSE(listed_by_outlet.ok());
  EXPECT_EQ(listed_by_outlet.error().code, ErrorCode::kPermissionDenied);
}

TEST_P(AccountServiceTest, AdminsDisableAccountsAndTheirSessionsEndAtOnce) {
  ASSERT_TRUE(Add("dxadmin2", "admin", "622926000000").ok());
  ASSERT_TRUE(Add("outlet7", "outlet_operator", "622926101201").ok());
  ASSERT_TRUE(Add("lxoutlet", "outlet_operator", "622921100201").ok());
  ASSERT_TRUE(Add("county7", "county_operator", "622926000000").ok());
  auto admin = service_->SignIn("dxadmin2", kPassword, "10.0.0.1");
  auto outlet = service_->SignIn("outlet7", kPassword, "10.0.0.2");
  auto county = service_->SignIn("county7", kPassword, "10.0.0.3");
  ASSERT_TRUE(admin.ok() && outlet.ok() && county.ok());
  ASSERT_TRUE(service_->Authenticate(outlet->token).ok());
  const int64_t outlet_id = outlet->principal.user_id;

  auto off = service_->SetDisabled(admin->principal, "10.0.0.1", outlet_id, true);
  ASSERT_TRUE(off.ok()) << off.error().message;
  EXPECT_TRUE(off->disabled);
  // At once, not after the 30 s recheck; and no new sign-in.
  EXPECT_FALSE(service_->Authenticate(outlet->token).ok());
  EXPECT_EQ(service_->SignIn("outlet7", kPassword, "10.0.0.2").error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(service_->Authenticate(county->token).ok()) << "others keep their sessions";
  EXPECT_EQ(CountAudit("user.disable"), 1);

  auto on = service_->SetDisabled(admin->principal, "10.0.0.1", outlet_id, false);
  ASSERT_TRUE(on.ok());
  EXPECT_TRUE(service_->SignIn("outlet7", kPassword, "10.0.0.2").ok());
  EXPECT_EQ(CountAudit("user.enable"), 1);

  // Its own account, an account outside the grant, an unknown id, a non-admin.
  EXPECT_EQ(service_->SetDisabled(admin->principal, "", admin->principal.user_id, true).error().code,
            ErrorCode::kConflict);
  auto lx = service_->SignIn("lxoutlet", kPassword, "10.0.0.4");
  ASSERT_TRUE(lx.ok());
  EXPECT_EQ(service_->SetDisabled(admin->principal, "", lx->principal.user_id, true).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(service_->SetDisabled(admin->principal, "", 999999, true).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(service_->SetDisabled(county->principal, "", outlet_id, true).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(service_->Authenticate(lx->token).ok());
}

TEST_P(AccountServiceTest, UsersChangeTheirPasswordAndOtherSessionsEnd) {
  ASSERT_TRUE(Add("station7", "station_operator", "622926101000").ok());
  auto phone = service_->SignIn("station7", kPassword, "10.0.0.1");
  auto desk = service_->SignIn("station7", kPassword, "10.0.0.2");
  ASSERT_TRUE(phone.ok() && desk.ok());
  const std::string next = "a new and longer password";

  auto wrong = service_->ChangePassword(phone->principal, "10.0.0.1", "not it", next);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().field, "current_password");
  auto weak = service_->ChangePassword(phone->principal, "10.0.0.1", kPassword, "short");
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().field, "new_password");

  ASSERT_TRUE(service_->ChangePassword(phone->principal, "10.0.0.1", kPassword, next).ok());
  EXPECT_TRUE(service_->Authenticate(phone->token).ok()) << "the session that changed it stays";
  EXPECT_FALSE(service_->Authenticate(desk->token).ok()) << "the others end";
  EXPECT_EQ(service_->SignIn("station7", kPassword, "10.0.0.3").error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(service_->SignIn("station7", next, "10.0.0.3").ok());
  EXPECT_EQ(CountAudit("user.password"), 1);

  // Guessing the current password meets the sign-in limit.
  for (int i = 0; i < 5; ++i) (void)service_->ChangePassword(phone->principal, "10.0.0.1", "guess", next);
  auto locked = service_->ChangePassword(phone->principal, "10.0.0.1", next, "yet another password");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, ErrorCode::kResourceExhausted);
}

INSTANTIATE_TEST_SUITE_P(Databases, AccountServiceTest, ::testing::ValuesIn(AllBackends()), BackendName);

}  // namespace
}  // namespace fupin::accounts
