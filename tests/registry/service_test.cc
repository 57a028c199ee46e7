// registry::RegistryService on a scale-0.01 demo registry, on SQLite and
// PostgreSQL: listing and paging households, masking and audited identity
// reads, change requests (propose, validation, approve, reject, four eyes,
// concurrent approvals), and the registry revision. Expected figures come
// from plain SQL, independently of the service. The pure rules of
// registry/change_request.h are tested first, without a database.
#include <atomic>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "accounts/model.h"
#include "registry/change_request.h"
#include "registry/exchange.h"
#include "registry/service.h"
#include "registry/store.h"
#include "schema/schema.h"
#include "testing/demo_services.h"
#include "testing/test_db.h"

namespace fupin::registry {
namespace {

using accounts::Principal;
using accounts::Role;
using fupin::testing::ScratchDb;
using fupin::testing::TempDir;
using fupin::testing::TestVault;
using fupin::testing::User;

constexpr const char* kDongxiang = "622926000000";
constexpr const char* kDaban = "622926101000";
constexpr const char* kShangketuo = "622926101201";  // a village of 达板镇, Dongxiang

// ---------------------------------------------------------------------------
// The pure rules.

HouseholdYear Year(int year, HouseholdStatus status, int64_t income_fen, std::optional<int> exit_year = {},
                   std::optional<MonitorKind> kind = {}) {
  HouseholdYear y;
  y.year = year;
  y.status = status;
  y.income_per_capita = Money::FromFen(income_fen);
  y.exit_year = exit_year;
  y.monitor_kind = kind;
  return y;
}

TEST(ApplyChangesTest, AStatusChangeDropsWhatTheNewStatusCannotCarry) {
  using S = HouseholdStatus;
  HouseholdYear monitored = Year(2020, S::kMonitored, 500000, 2018, MonitorKind::kUnstableExited);
  ChangeSet to_poor;
  to_poor.status = S::kPoor;
  HouseholdYear poor = ApplyChanges(monitored, 2020, to_poor);
  EXPECT_EQ(poor.status, S::kPoor);
  EXPECT_FALSE(poor.monitor_kind);
  EXPECT_FALSE(poor.exit_year);
  EXPECT_EQ(poor.income_per_capita.fen(), 500000);

  ChangeSet to_exited;
  to_exited.status = S::kExited;
  HouseholdYear exited = ApplyChanges(monitored, 2020, to_exited);
  EXPECT_FALSE(exited.monitor_kind);
  EXPECT_EQ(exited.exit_year, 2018);  // an exited household keeps its exit year

  // A field the request names is kept, for CheckYear to judge.
  ChangeSet named;
  named.status = S::kPoor;
  named.monitor_kind = MonitorKind::kMarginal;
  EXPECT_EQ(ApplyChanges(monitored, 2020, named).monitor_kind, MonitorKind::kMarginal);

  // A carried-over year takes the year asked.
  ChangeSet income;
  income.income_per_capita = Money::FromFen(1);
  EXPECT_EQ(ApplyChanges(monitored, 2021, income).year, 2021);
}

struct CheckChangeCase {
  const char* name;
  std::optional<HouseholdYear> prev;
  HouseholdYear result;
  std::optional<HouseholdYear> next;
  std::optional<int64_t> line_fen;
  std::optional<int64_t> next_line_fen;
  const char* field;  // "" when valid
};

class CheckChangeTest : public ::testing::TestWithParam<CheckChangeCase> {};

TEST_P(CheckChangeTest, NamesTheFieldThatBreaksARule) {
  const CheckChangeCase& c = GetParam();
  ChangeContext ctx;
  ctx.prev = c.prev;
  ctx.next = c.next;
  if (c.line_fen) ctx.poverty_line = Money::FromFen(*c.line_fen);
  if (c.next_line_fen) ctx.next_poverty_line = Money::FromFen(*c.next_line_fen);
  Status s = CheckChange(c.result, ctx);
  if (std::string(c.field).empty()) {
    EXPECT_TRUE(s.ok()) << s.error().message;
  } else {
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, c.field) << s.error().message;
  }
}

using S = HouseholdStatus;
INSTANTIATE_TEST_SUITE_P(
    Cases, CheckChangeTest,
    ::testing::Values(
        CheckChangeCase{"exit_above_the_line", Year(2018, S::kPoor, 200000), Year(2019, S::kExited, 400000, 2019),
                        std::nullopt, 321800, std::nullopt, ""},
        CheckChangeCase{"exit_at_the_line", Year(2018, S::kPoor, 200000), Year(2019, S::kExited, 321800, 2019),
                        std::nullopt, 321800, std::nullopt, "income_per_capita_fen"},
        CheckChangeCase{"exit_without_a_known_line", Year(2018, S::kPoor, 200000), Year(2019, S::kExited, 100, 2019),
                        std::nullopt, std::nullopt, std::nullopt, ""},
        CheckChangeCase{"exit_with_needs_unmet", Year(2018, S::kPoor, 200000),
                        [] {
                          HouseholdYear y = Year(2019, S::kExited, 400000, 2019);
                          y.needs_unmet = {"housing"};
                          return y;
                        }(),
                        std::nullopt, 321800, std::nullopt, "needs_unmet"},
        CheckChangeCase{"exit_year_not_this_year", Year(2018, S::kPoor, 200000), Year(2019, S::kExited, 400000, 2018),
                        std::nullopt, 321800, std::nullopt, "exit_year"},
        CheckChangeCase{"monitored_without_kind", Year(2018, S::kExited, 400000, 2017),
                        Year(2019, S::kMonitored, 400000, 2017), std::nullopt, 321800, std::nullopt, "monitor_kind"},
        CheckChangeCase{"poor_to_not_poor", Year(2018, S::kPoor, 200000), Year(2019, S::kNotPoor, 400000), std::nullopt,
                        321800, std::nullopt, "status"},
        CheckChangeCase{"breaks_the_next_year", Year(2015, S::kNotPoor, 500000), Year(2016, S::kPoor, 100000),
                        Year(2017, S::kNotPoor, 500000), 295200, 295200, "status"},
        CheckChangeCase{"makes_the_next_exit_break_the_line", Year(2016, S::kExited, 500000, 2016),
                        Year(2017, S::kPoor, 100000), Year(2018, S::kExited, 200000, 2016), 295200, 299500,
                        "exit_year"},
        CheckChangeCase{"poor_before_an_exit_below_the_line", std::nullopt, Year(2017, S::kPoor, 100000),
                        Year(2018, S::kExited, 200000, 2018), 295200, 299500, "status"},
        CheckChangeCase{"negative_income", std::nullopt, Year(2017, S::kNotPoor, -1), std::nullopt, std::nullopt,
                        std::nullopt, "income_per_capita_fen"}),
    [](const auto& info) { return std::string(info.param.name); });

// ---------------------------------------------------------------------------
// The service on the demo registry.

class RegistryServiceTest : public fupin::testing::DemoServicesTest {
 protected:
  int64_t AuditCount(const std::string& action) {
    return QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = ?", {action});
  }
  // A household in Dongxiang whose household_years match `condition` (SQL on y1 = year Y-1, y2 = year Y).
  int64_t HouseholdWhere(int year, const std::string& condition) {
    auto ids =
        QueryIds(fmt::format("SELECT y2.household_id FROM household_years y2 JOIN household_years y1 "
                             "ON y1.household_id = y2.household_id AND y1.year = y2.year - 1 "
                             "WHERE y2.year = {} AND y2.county_code = '{}' AND {} ORDER BY y2.household_id",
                             year, kDongxiang, condition));
    EXPECT_FALSE(ids.empty()) << "no household with " << condition;
    return ids.empty() ? 0 : ids.front();
  }
  // The village with the most households in Dongxiang.
  std::string BusiestVillage() {
    auto st = conn().Prepare(
        "SELECT village_code FROM households WHERE county_code = ? GROUP BY village_code "
        "ORDER BY COUNT(*) DESC, village_code LIMIT 1");
    st->Bind(1, kDongxiang);
    std::string code;
    if (st->Step()) code = st->Text(0);
    st->Run();
    return code;
  }

  Result<ChangeRequest> Propose(const Principal& who, int64_t household, int year, ChangeSet changes,
                                std::string reason = "survey of 2021-03") {
    ProposeChange command;
    command.household_id = household;
    command.year = year;
    command.changes = std::move(changes);
    command.reason = std::move(reason);
    return service_->Propose(Caller{who, "10.0.0.1"}, command);
  }

  const Principal registry_ = User(1001, Role::kRegistry, kDongxiang);
  const Principal reviewer_ = User(1002, Role::kRegistry, kDongxiang);
  const Principal admin_ = User(1003, Role::kAdmin, "622900000000");
  const Principal county_ = User(1004, Role::kCountyOperator, kDongxiang);
  const Principal outlet_ = User(1005, Role::kOutletOperator, kShangketuo);
  const Principal supplier_ = User(1006, Role::kSupplier, kShangketuo);
  const Principal station_ = User(1007, Role::kStationOperator, kDaban);
};

TEST_P(RegistryServiceTest, PagesThroughAVillageByHouseholdId) {
  const std::string village = BusiestVillage();
  ASSERT_FALSE(village.empty());
  std::vector<int64_t> expected = QueryIds(
      "SELECT h.household_id FROM households h JOIN household_years y ON y.household_id = h.household_id "
      "AND y.year = 2020 WHERE h.village_code = ? ORDER BY h.household_id",
      {village});
  ASSERT_GT(expected.size(), 5u);

  std::vector<int64_t> seen;
  HouseholdQuery query;
  query.village_code = village;
  query.limit = 3;
  int pages = 0;
  while (true) {
    auto page = service_->ListHouseholds(Caller{county_, ""}, query);
    ASSERT_TRUE(page.ok()) << page.error().message;
    EXPECT_EQ(page->year, 2020);  // the latest year with data
    EXPECT_FALSE(page->unmasked);
    EXPECT_LE(page->items.size(), 3u);
    for (const HouseholdView& h : page->items) {
      seen.push_back(h.household.household_id);
      EXPECT_EQ(h.household.village_code, village);
      ASSERT_EQ(h.years.size(), 1u);
      EXPECT_EQ(h.years[0].year.year, 2020);
      EXPECT_EQ(static_cast<int64_t>(h.members.size()), QueryInt("SELECT COUNT(*) FROM members WHERE household_id = ?",
                                                                 {std::to_string(h.household.household_id)}));
    }
    ++pages;
    if (!page->next_after) break;
    query.after = *page->next_after;
    ASSERT_LT(pages, 100);
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, static_cast<int>((expected.size() + 2) / 3));
}

TEST_P(RegistryServiceTest, FiltersByYearAndStatus) {
  const std::string village = BusiestVillage();
  HouseholdQuery query;
  query.village_code = village;
  query.year = 2016;
  query.status = HouseholdStatus::kPoor;
  query.limit = 500;
  auto page = service_->ListHouseholds(Caller{county_, ""}, query);
  ASSERT_TRUE(page.ok()) << page.error().message;
  std::vector<int64_t> expected = QueryIds(
      "SELECT household_id FROM household_years WHERE village_code = ? AND year = 2016 AND status = 'poor' "
      "ORDER BY household_id",
      {village});
  std::vector<int64_t> got;
  for (const HouseholdView& h : page->items) {
    got.push_back(h.household.household_id);
    EXPECT_EQ(h.years[0].year.status, HouseholdStatus::kPoor);
    EXPECT_EQ(h.years[0].year.year, 2016);
  }
  EXPECT_EQ(got, expected);
  EXPECT_FALSE(page->next_after);
}

TEST_P(RegistryServiceTest, MasksIdentityNumbersForAnyoneButARegistryClerkInScope) {
  HouseholdQuery query;
  query.village_code = kShangketuo;
  for (const Principal* who : {&county_, &outlet_, &station_, &admin_}) {
    auto page = service_->ListHouseholds(Caller{*who, ""}, query);
    ASSERT_TRUE(page.ok()) << who->username << ": " << page.error().message;
    EXPECT_FALSE(page->unmasked);
    ASSERT_FALSE(page->items.empty());
    for (const HouseholdView& h : page->items) {
      for (const MemberView& m : h.members) {
        if (!m.id_number) continue;
        EXPECT_NE(m.id_number->find("********"), std::string::npos) << *m.id_number;
        EXPECT_FALSE(IsValidIdNumber(*m.id_number));
      }
    }
  }
  EXPECT_EQ(AuditCount("identity.read"), 0);
}

TEST_P(RegistryServiceTest, AnIdentityReadIsAuditedBeforeTheNumbersAreReturned) {
  HouseholdQuery query;
  query.village_code = kShangketuo;
  auto page = service_->ListHouseholds(Caller{registry_, "10.1.2.3"}, query);
  ASSERT_TRUE(page.ok()) << page.error().message;
  EXPECT_TRUE(page->unmasked);
  int numbers = 0;
  for (const HouseholdView& h : page->items) {
    for (const MemberView& m : h.members) {
      if (!m.id_number) continue;
      EXPECT_TRUE(IsValidIdNumber(*m.id_number)) << *m.id_number;
      ++numbers;
    }
  }
  EXPECT_GT(numbers, 0);
  // One entry for the response, committed: another connection sees it.
  auto st = conn().Prepare(
      "SELECT user_id, action, target, region_code, remote_address FROM audit_log "
      "WHERE action = 'identity.read'");
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Int(0), registry_.user_id);
  EXPECT_EQ(st->Text(2).rfind(fmt::format("village:{} households:", kShangketuo), 0), 0u) << st->Text(2);
  EXPECT_NE(st->Text(2).find(std::to_string(page->items.front().household.household_id)), std::string::npos);
  EXPECT_EQ(st->Text(3), kShangketuo);
  EXPECT_EQ(st->Text(4), "10.1.2.3");
  EXPECT_FALSE(st->Step());

  auto detail = service_->GetHousehold(Caller{registry_, ""}, page->items.front().household.household_id);
  ASSERT_TRUE(detail.ok()) << detail.error().message;
  EXPECT_TRUE(detail->unmasked);
  EXPECT_EQ(AuditCount("identity.read"), 2);
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE target = ?",
                     {fmt::format("household:{}", page->items.front().household.household_id)}),
            1);

  // A registry clerk of another county sees the numbers masked, unaudited.
  Principal elsewhere = User(1010, Role::kRegistry, "622921000000");
  auto other = service_->ListHouseholds(Caller{elsewhere, ""}, query);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(AuditCount("identity.read"), 2);
}

TEST_P(RegistryServiceTest, WithoutTheRegistryKeyAClerkGetsUnavailable) {
  RegistryService keyless(*pool_, tree_, nullptr, *audit_);
  HouseholdQuery query;
  query.village_code = kShangketuo;
  auto page = keyless.ListHouseholds(Caller{registry_, ""}, query);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(page.error().message, "the registry key is not available to this server");
  // Masked reads do not need the key.
  EXPECT_TRUE(keyless.ListHouseholds(Caller{county_, ""}, query).ok());
  EXPECT_EQ(AuditCount("identity.read"), 0);
}

TEST_P(RegistryServiceTest, ListingErrors) {
  struct Case {
    const Principal* who;
    std::string code;
    std::optional<int> year;
    ErrorCode code_expected;
    std::string field;
  };
  const std::vector<Case> cases = {
      {&county_, "62292610120", {}, ErrorCode::kInvalidArgument, "code"},
      {&county_, "62292610120x", {}, ErrorCode::kInvalidArgument, "code"},
      {&county_, kDaban, {}, ErrorCode::kInvalidArgument, "code"},  // a township
      {&county_, "622926101299", {}, ErrorCode::kNotFound, ""},
      {&county_, kShangketuo, 2011, ErrorCode::kNotFound, ""},
      {&outlet_, "622926101202", {}, ErrorCode::kPermissionDenied, ""},  // another village
      {&supplier_, kShangketuo, {}, ErrorCode::kPermissionDenied, ""},
  };
  for (const Case& c : cases) {
    HouseholdQuery query;
    query.village_code = c.code;
    query.year = c.year;
    auto page = service_->ListHouseholds(Caller{*c.who, ""}, query);
    ASSERT_FALSE(page.ok()) << c.code;
    EXPECT_EQ(page.error().code, c.code_expected) << c.code << ": " << page.error().message;
    EXPECT_EQ(page.error().field, c.field) << c.code;
  }
}

TEST_P(RegistryServiceTest, ProposeApproveWritesTheYearTheRevisionAndTheAudit) {
  // A household exited before 2020 that returns to poverty in 2020.
  const int64_t id = HouseholdWhere(2020, "y1.status = 'exited' AND y2.status = 'exited'");
  ChangeSet changes;
  changes.status = HouseholdStatus::kPoor;
  changes.income_per_capita = Money::FromFen(310000);
  const int64_t revision = store::Revision(conn());

  auto proposed = Propose(registry_, id, 2020, changes, "lost the harvest to hail");
  ASSERT_TRUE(proposed.ok()) << proposed.error().message;
  EXPECT_EQ(proposed->state, ChangeState::kPending);
  EXPECT_EQ(proposed->household_id, id);
  EXPECT_EQ(proposed->proposed_by, registry_.user_id);
  EXPECT_EQ(proposed->changes, changes);
  EXPECT_EQ(proposed->reason, "lost the harvest to hail");
  EXPECT_EQ(proposed->proposed_at.size(), 20u) << proposed->proposed_at;  // 2026-11-30T06:40:00Z
  EXPECT_EQ(AuditCount("registry.change.propose"), 1);
  // Proposing changes nothing in the registry.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM household_years WHERE household_id = ? AND year = 2020 AND "
                     "status = 'exited'",
                     {std::to_string(id)}),
            1);
  EXPECT_EQ(store::Revision(conn()), revision);

  // It shows on the household, with the pending request.
  auto detail = service_->GetHousehold(Caller{county_, ""}, id);
  ASSERT_TRUE(detail.ok()) << detail.error().message;
  ASSERT_EQ(detail->pending.size(), 1u);
  EXPECT_EQ(detail->pending[0].id, proposed->id);
  EXPECT_EQ(static_cast<int64_t>(detail->view.years.size()),
            QueryInt("SELECT COUNT(*) FROM household_years WHERE household_id = ?", {std::to_string(id)}));

  // The proposer may not approve; an operator may not approve at all.
  auto own = service_->Approve(Caller{registry_, ""}, proposed->id);
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().code, ErrorCode::kPermissionDenied);
  auto operator_approval = service_->Approve(Caller{county_, ""}, proposed->id);
  ASSERT_FALSE(operator_approval.ok());
  EXPECT_EQ(operator_approval.error().code, ErrorCode::kPermissionDenied);

  int notified = 0;
  service_->OnRevisionChange([&] { ++notified; });
  auto approved = service_->Approve(Caller{reviewer_, "10.0.0.2"}, proposed->id);
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  EXPECT_EQ(approved->state, ChangeState::kApproved);
  EXPECT_EQ(approved->decided_by, reviewer_.user_id);
  EXPECT_FALSE(approved->decided_at.empty());
  EXPECT_EQ(notified, 1);

  auto st = conn().Prepare(
      "SELECT status, exit_year, monitor_kind, income_per_capita_fen FROM household_years WHERE household_id = ? "
      "AND year = 2020");
  st->Bind(1, id);
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Text(0), "poor");
  EXPECT_TRUE(st->IsNull(1));  // a poor household has no exit year
  EXPECT_TRUE(st->IsNull(2));
  EXPECT_EQ(st->Int(3), 310000);
  st->Run();
  EXPECT_EQ(store::Revision(conn()), revision + 1);
  EXPECT_EQ(
      QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'registry.change.approve' AND user_id = ? "
               "AND target = ?",
               {std::to_string(reviewer_.user_id), fmt::format("change_request:{} household:{}", proposed->id, id)}),
      1);

  // Decided once: a second decision is a conflict and changes nothing.
  auto again = service_->Approve(Caller{admin_, ""}, proposed->id);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto reject = service_->Reject(Caller{admin_, ""}, proposed->id, "too late");
  ASSERT_FALSE(reject.ok());
  EXPECT_EQ(reject.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store::Revision(conn()), revision + 1);
  EXPECT_EQ(notified, 1);
}

TEST_P(RegistryServiceTest, ARequestAddingAYearInsertsTheRow) {
  // A year is added once its poverty line is reference data.
  conn().Exec("INSERT INTO poverty_lines (year, poverty_line_fen, source) VALUES (2021, 420000, 'test')");
  const int64_t id = HouseholdWhere(2020, "y2.status = 'exited'");
  ChangeSet changes;
  changes.status = HouseholdStatus::kExited;
  changes.income_per_capita = Money::FromFen(620000);
  auto proposed = Propose(registry_, id, 2021, changes);
  ASSERT_TRUE(proposed.ok()) << proposed.error().message;
  auto approved = service_->Approve(Caller{reviewer_, ""}, proposed->id);
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  auto st = conn().Prepare(
      "SELECT y.status, y.exit_year, y.members, y.village_code, p.exit_year, p.members FROM household_years y "
      "JOIN household_years p ON p.household_id = y.household_id AND p.year = 2020 "
      "WHERE y.household_id = ? AND y.year = 2021");
  st->Bind(1, id);
  ASSERT_TRUE(st->Step());
  EXPECT_EQ(st->Text(0), "exited");
  EXPECT_EQ(st->Int(1), st->Int(4));  // the exit year carried over
  EXPECT_EQ(st->Int(2), st->Int(5));  // the size carried over
  st->Run();
}

TEST_P(RegistryServiceTest, ProposalsThatWouldBreakARuleNameTheField) {
  const int64_t exited = HouseholdWhere(2020, "y1.status = 'exited' AND y2.status = 'exited'");
  const int64_t exits_2019 = HouseholdWhere(2019, "y1.status = 'poor' AND y2.status = 'exited'");
  const int64_t poor_2018 = HouseholdWhere(2018, "y1.status = 'poor' AND y2.status = 'poor'");
  const int64_t never_poor = HouseholdWhere(2017, "y1.status = 'not_poor' AND y2.status = 'not_poor'");
  const int64_t income_2020 =
      QueryInt("SELECT income_per_capita_fen FROM household_years WHERE household_id = ? AND year = 2020",
               {std::to_string(exited)});
  const int64_t exit_year = QueryInt("SELECT exit_year FROM household_years WHERE household_id = ? AND year = 2020",
                                     {std::to_string(exited)});
  const int64_t registered_2016 = QueryInt(
      "SELECT MIN(household_id) FROM households WHERE registered_year = 2016 AND county_code = '622926000000'");
  conn().Exec("INSERT INTO poverty_lines (year, poverty_line_fen, source) VALUES (2021, 420000, 'test')");

  struct Case {
    const char* name;
    int64_t household;
    int year;
    ChangeSet changes;
    const char* field;
  };
  auto set = [](auto fill) {
    ChangeSet c;
    fill(c);
    return c;
  };
  const std::vector<Case> cases = {
      {"monitored_without_kind", exited, 2020, set([](ChangeSet& c) { c.status = S::kMonitored; }), "monitor_kind"},
      {"monitored_marginal_after_exit", exited, 2020, set([](ChangeSet& c) {
         c.status = S::kMonitored;
         c.monitor_kind = MonitorKind::kMarginal;
       }),
       "status"},
      {"poor_to_not_poor", exits_2019, 2019, set([](ChangeSet& c) { c.status = S::kNotPoor; }), "status"},
      {"exit_at_the_line", poor_2018, 2018, set([](ChangeSet& c) {
         c.status = S::kExited;
         c.exit_year = 2018;
         c.income_per_capita = Money::FromFen(299500);  // 2018's poverty line
       }),
       "income_per_capita_fen"},
      {"exit_with_housing_unsafe", poor_2018, 2018, set([](ChangeSet& c) {
         c.status = S::kExited;
         c.exit_year = 2018;
         c.income_per_capita = Money::FromFen(400000);
         c.needs_unmet = std::vector<std::string>{"housing"};
       }),
       "needs_unmet"},
      {"exit_without_exit_year", poor_2018, 2018, set([](ChangeSet& c) {
         c.status = S::kExited;
         c.income_per_capita = Money::FromFen(400000);
       }),
       "exit_year"},
      {"another_exit_year", exited, 2020, set([&](ChangeSet& c) { c.exit_year = exit_year - 1; }), "exit_year"},
      {"breaks_the_year_after", never_poor, 2016, set([](ChangeSet& c) { c.status = S::kPoor; }), "status"},
      {"changes_nothing", exited, 2020, set([&](ChangeSet& c) { c.income_per_capita = Money::FromFen(income_2020); }),
       "body"},
      {"no_change_at_all", exited, 2020, ChangeSet{}, "body"},
      {"new_year_without_income", exited, 2021, set([](ChangeSet& c) { c.status = S::kExited; }),
       "income_per_capita_fen"},
      {"new_year_without_status", exited, 2021, set([](ChangeSet& c) { c.income_per_capita = Money::FromFen(700000); }),
       "status"},
      // No poverty line for 2022: a far year would otherwise become everyone's latest.
      {"new_year_without_a_poverty_line", exited, 2022, set([](ChangeSet& c) {
         c.status = S::kExited;
         c.income_per_capita = Money::FromFen(700000);
       }),
       "year"},
      {"year_before_registration", registered_2016, 2014, set([](ChangeSet& c) {
         c.status = S::kPoor;
         c.income_per_capita = Money::FromFen(100000);
       }),
       "year"},
  };
  for (const Case& c : cases) {
    auto r = Propose(registry_, c.household, c.year, c.changes);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.name << ": " << r.error().message;
    EXPECT_EQ(r.error().field, c.field) << c.name << ": " << r.error().message;
  }
  auto no_reason = Propose(registry_, exited, 2020, set([](ChangeSet& c) { c.status = S::kPoor; }), "");
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.error().field, "reason");
  // Nothing was recorded.
  EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM change_requests"), 0);
  EXPECT_EQ(AuditCount("registry.change.propose"), 0);
}

TEST_P(RegistryServiceTest, ProposingNeedsTheRoleAndTheScope) {
  // A household of the outlet's village, and one of another village of Dongxiang.
  std::vector<int64_t> own =
      QueryIds("SELECT household_id FROM households WHERE village_code = ? ORDER BY 1", {kShangketuo});
  std::vector<int64_t> other =
      QueryIds("SELECT household_id FROM households WHERE county_code = ? AND village_code <> ? ORDER BY 1",
               {kDongxiang, kShangketuo});
  ASSERT_FALSE(own.empty());
  ASSERT_FALSE(other.empty());
  ChangeSet changes;
  changes.income_per_capita = Money::FromFen(777777);
  auto ok = Propose(outlet_, own.front(), 2020, changes);
  EXPECT_TRUE(ok.ok()) << ok.error().message;
  auto out_of_scope = Propose(outlet_, other.front(), 2020, changes);
  ASSERT_FALSE(out_of_scope.ok());
  EXPECT_EQ(out_of_scope.error().code, ErrorCode::kPermissionDenied);
  auto supplier = Propose(supplier_, own.front(), 2019, changes);
  ASSERT_FALSE(supplier.ok());
  EXPECT_EQ(supplier.error().code, ErrorCode::kPermissionDenied);
  auto missing = Propose(registry_, 999999999, 2020, changes);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(RegistryServiceTest, RejectKeepsTheRegistryAndRecordsTheReason) {
  const int64_t id = HouseholdWhere(2020, "y2.status = 'not_poor'");
  ChangeSet changes;
  changes.income_per_capita = Money::FromFen(123456);
  auto proposed = Propose(registry_, id, 2020, changes);
  ASSERT_TRUE(proposed.ok()) << proposed.error().message;
  const int64_t revision = store::Revision(conn());
  auto empty = service_->Reject(Caller{reviewer_, ""}, proposed->id, "");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().field, "reason");
  auto own = service_->Reject(Caller{registry_, ""}, proposed->id, "never mind");
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.error().code, ErrorCode::kPermissionDenied);
  auto rejected = service_->Reject(Caller{reviewer_, ""}, proposed->id, "the survey was of another household");
  ASSERT_TRUE(rejected.ok()) << rejected.error().message;
  EXPECT_EQ(rejected->state, ChangeState::kRejected);
  EXPECT_EQ(rejected->decision_reason, "the survey was of another household");
  EXPECT_NE(QueryInt("SELECT income_per_capita_fen FROM household_years WHERE household_id = ? AND year = 2020",
                     {std::to_string(id)}),
            123456);
  EXPECT_EQ(store::Revision(conn()), revision);
  EXPECT_EQ(AuditCount("registry.change.reject"), 1);
  auto approve = service_->Approve(Caller{admin_, ""}, proposed->id);
  ASSERT_FALSE(approve.ok());
  EXPECT_EQ(approve.error().code, ErrorCode::kConflict);
}

TEST_P(RegistryServiceTest, OfTwoConcurrentApprovalsExactlyOneWins) {
  const std::vector<int64_t> households = QueryIds(
      "SELECT household_id FROM household_years WHERE year = 2020 AND status = 'not_poor' AND county_code = ? "
      "ORDER BY household_id LIMIT 4",
      {kDongxiang});
  ASSERT_EQ(households.size(), 4u);
  for (size_t round = 0; round < households.size(); ++round) {
    ChangeSet changes;
    changes.income_per_capita = Money::FromFen(900000 + static_cast<int64_t>(round));
    auto proposed = Propose(registry_, households[round], 2020, changes);
    ASSERT_TRUE(proposed.ok()) << proposed.error().message;
    const int64_t revision = store::Revision(conn());
    std::atomic<int> ready{0};
    std::vector<Result<ChangeRequest>> results(2, Error::Internal("not run"));
    std::vector<std::thread> threads;
    const Principal* deciders[2] = {&reviewer_, &admin_};
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        ready.fetch_add(1);
        while (ready.load() < 2) {
        }
        results[static_cast<size_t>(t)] = service_->Approve(Caller{*deciders[t], ""}, proposed->id);
      });
    }
    for (auto& th : threads) th.join();
    int wins = 0;
    for (const auto& r : results) {
      if (r.ok()) {
        ++wins;
      } else {
        EXPECT_EQ(r.error().code, ErrorCode::kConflict) << r.error().message;
      }
    }
    EXPECT_EQ(wins, 1) << "round " << round;
    EXPECT_EQ(store::Revision(conn()), revision + 1);
    EXPECT_EQ(QueryInt("SELECT COUNT(*) FROM audit_log WHERE action = 'registry.change.approve' AND target LIKE ?",
                       {fmt::format("change_request:{} %", proposed->id)}),
              1);
  }
}

TEST_P(RegistryServiceTest, ListsChangeRequestsInScopeByState) {
  std::vector<int64_t> own = QueryIds(
      "SELECT household_id FROM household_years WHERE village_code = ? AND year = 2020 ORDER BY 1", {kShangketuo});
  std::vector<int64_t> elsewhere = QueryIds(
      "SELECT household_id FROM household_years WHERE county_code = '622921000000' AND year = 2020 ORDER BY 1");
  ASSERT_GE(own.size(), 3u);
  ASSERT_FALSE(elsewhere.empty());
  Principal linxia_clerk = User(1020, Role::kRegistry, "622921000000");
  std::vector<int64_t> ids;
  for (size_t i = 0; i < 3; ++i) {
    ChangeSet c;
    c.income_per_capita = Money::FromFen(811111 + static_cast<int64_t>(i));
    auto r = Propose(outlet_, own[i], 2020, c);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ids.push_back(r->id);
  }
  ChangeSet c;
  c.income_per_capita = Money::FromFen(822222);
  auto foreign = Propose(linxia_clerk, elsewhere.front(), 2020, c);
  ASSERT_TRUE(foreign.ok()) << foreign.error().message;
  ASSERT_TRUE(service_->Reject(Caller{reviewer_, ""}, ids[1], "duplicate").ok());

  // Default region: the caller's grant (Dongxiang): the three, not the Linxia County one.
  ChangeRequestQuery all;
  all.limit = 2;
  std::vector<int64_t> seen;
  while (true) {
    auto page = service_->ListChangeRequests(Caller{registry_, ""}, all);
    ASSERT_TRUE(page.ok()) << page.error().message;
    for (const ChangeRequest& r : page->items) seen.push_back(r.id);
    if (!page->next_after) break;
    all.after = *page->next_after;
  }
  EXPECT_EQ(seen, ids);

  ChangeRequestQuery pending;
  pending.state = ChangeState::kPending;
  pending.region = kDaban;
  auto page = service_->ListChangeRequests(Caller{registry_, ""}, pending);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, ids[0]);
  EXPECT_EQ(page->items[1].id, ids[2]);

  ChangeRequestQuery prefecture;
  prefecture.region = "622900000000";
  auto denied = service_->ListChangeRequests(Caller{registry_, ""}, prefecture);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, ErrorCode::kPermissionDenied);
  auto admin_view = service_->ListChangeRequests(Caller{admin_, ""}, ChangeRequestQuery{});
  ASSERT_TRUE(admin_view.ok());
  EXPECT_EQ(admin_view->items.size(), 4u);

  ChangeRequestQuery bad;
  bad.region = "6229";
  auto malformed = service_->ListChangeRequests(Caller{registry_, ""}, bad);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().field, "region");
  bad.region = "622926999000";
  auto unknown = service_->ListChangeRequests(Caller{registry_, ""}, bad);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "region");

  auto one = service_->GetChangeRequest(Caller{outlet_, ""}, ids[0]);
  ASSERT_TRUE(one.ok()) << one.error().message;
  EXPECT_EQ(one->village_code, kShangketuo);
  auto foreign_read = service_->GetChangeRequest(Caller{outlet_, ""}, foreign->id);
  ASSERT_FALSE(foreign_read.ok());
  EXPECT_EQ(foreign_read.error().code, ErrorCode::kPermissionDenied);
  auto missing = service_->GetChangeRequest(Caller{outlet_, ""}, 987654);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(RegistryServiceTest, AnImportRaisesTheRevision) {
  TempDir dir;
  auto exported = ExportRegistryFolder(conn(), dir.File("registry"), TestVault());
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  ScratchDb fresh(GetParam());
  ASSERT_TRUE(schema::Migrate(fresh.conn()).ok());
  const int64_t before = store::Revision(fresh.conn());
  EXPECT_EQ(before, 1);
  auto imported = ImportRegistryFolder(fresh.conn(), dir.File("registry"), TestVault());
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  ASSERT_TRUE(imported->ok());
  EXPECT_EQ(store::Revision(fresh.conn()), before + 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryServiceTest, ::testing::ValuesIn(fupin::testing::AllBackends()),
                         fupin::testing::BackendName);

}  // namespace
}  // namespace fupin::registry
