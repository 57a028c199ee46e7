#include "registry/store.h"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include "base/json_writer.h"

namespace fupin::registry::store {
namespace {

constexpr const char* kHouseholdColumns =
    "h.household_id, h.county_code, h.township_code, h.village_code, h.head_name, h.cause, h.registered_year";
constexpr const char* kYearColumns =
    "y.year, y.members, y.status, y.monitor_kind, y.exit_year, y.income_per_capita_fen, y.needs_unmet";
constexpr const char* kMemberColumns =
    "m.member_id, m.household_id, m.name, m.relation, m.sex, m.birth_year, m.id_number_masked, m.id_number_sealed";
constexpr const char* kRequestColumns =
    "request_id, household_id, county_code, village_code, year, changes, reason, state, proposed_by, proposed_at, "
    "decided_by, decided_at, decision_reason";

std::string OptText(db::Statement& st, int column) { return st.IsNull(column) ? std::string() : st.Text(column); }

HouseholdRecord ReadHousehold(db::Statement& st, int c) {
  HouseholdRecord h;
  h.household_id = st.Int(c);
  h.county_code = st.Text(c + 1);
  h.township_code = st.Text(c + 2);
  h.village_code = st.Text(c + 3);
  h.head_name = st.Text(c + 4);
  h.cause = OptText(st, c + 5);
  h.registered_year = static_cast<int>(st.Int(c + 6));
  return h;
}

// Rows the database accepted satisfy its CHECKs; a value outside them is a
// bug elsewhere, and reading it as the nearest valid value would hide it.
[[noreturn]] void Corrupt(std::string what) { throw db::DbError("unexpected value in the registry: " + what); }

YearRecord ReadYear(db::Statement& st, int c) {
  YearRecord r;
  r.year.year = static_cast<int>(st.Int(c));
  r.members = static_cast<int>(st.Int(c + 1));
  std::string status = st.Text(c + 2);
  auto s = ParseStatus(status);
  if (!s) Corrupt("status " + status);
  r.year.status = *s;
  if (!st.IsNull(c + 3)) {
    std::string kind = st.Text(c + 3);
    auto k = ParseMonitorKind(kind);
    if (!k) Corrupt("monitor_kind " + kind);
    r.year.monitor_kind = *k;
  }
  if (!st.IsNull(c + 4)) r.year.exit_year = static_cast<int>(st.Int(c + 4));
  r.year.income_per_capita = Money::FromFen(st.Int(c + 5));
  std::string needs = st.Text(c + 6);
  auto parsed = ParseNeedsUnmet(needs);
  if (!parsed) Corrupt("needs_unmet " + needs);
  r.year.needs_unmet = std::move(*parsed);
  return r;
}

MemberRecord ReadMember(db::Statement& st) {
  MemberRecord m;
  m.member_id = st.Int(0);
  m.household_id = st.Int(1);
  m.name = st.Text(2);
  m.relation = st.Text(3);
  std::string sex = st.Text(4);
  m.sex = sex.empty() ? 'F' : sex[0];
  m.birth_year = static_cast<int>(st.Int(5));
  m.id_number_masked = OptText(st, 6);
  m.id_number_sealed = OptText(st, 7);
  return m;
}

ChangeRequest ReadRequest(db::Statement& st) {
  ChangeRequest r;
  r.id = st.Int(0);
  r.household_id = st.Int(1);
  r.county_code = st.Text(2);
  r.village_code = st.Text(3);
  r.year = static_cast<int>(st.Int(4));
  std::string changes = st.Text(5);
  auto parsed = ParseChangesJson(changes);
  if (!parsed) Corrupt(fmt::format("changes of request {}: {}", r.id, parsed.error().message));
  r.changes = std::move(*parsed);
  r.reason = st.Text(6);
  std::string state = st.Text(7);
  auto s = ParseChangeState(state);
  if (!s) Corrupt("state " + state);
  r.state = *s;
  r.proposed_by = st.Int(8);
  r.proposed_at = st.Text(9);
  r.decided_by = st.OptInt(10);
  r.decided_at = OptText(st, 11);
  r.decision_reason = OptText(st, 12);
  return r;
}

std::string NeedsText(const std::vector<std::string>& needs) { return fmt::format("{}", fmt::join(needs, ";")); }

}  // namespace

std::optional<int> LatestYear(db::Connection& conn) {
  // MAX over the leading column of household_years_year_village: one index probe.
  auto y = db::QueryInt(conn, "SELECT MAX(year) FROM household_years");
  if (!y) return std::nullopt;
  return static_cast<int>(*y);
}

bool HasYear(db::Connection& conn, int year) {
  auto st = conn.Prepare("SELECT 1 FROM household_years WHERE year = ? LIMIT 1");
  st->Bind(1, year);
  bool found = st->Step();
  st->Run();
  return found;
}

std::optional<HouseholdRecord> FindHousehold(db::Connection& conn, int64_t household_id) {
  auto st = conn.Prepare(fmt::format("SELECT {} FROM households h WHERE h.household_id = ?", kHouseholdColumns));
  st->Bind(1, household_id);
  std::optional<HouseholdRecord> out;
  if (st->Step()) out = ReadHousehold(*st, 0);
  st->Run();
  return out;
}

std::vector<HouseholdInYear> ListVillageHouseholds(db::Connection& conn, std::string_view village_code, int year,
                                                   std::optional<HouseholdStatus> status, int64_t after, int limit) {
  // Two fixed texts rather than one with "(? IS NULL OR …)": each gets a plan
  // that uses the status.
  static const std::string kAll = fmt::format(
      "SELECT {}, {} FROM households h JOIN household_years y ON y.household_id = h.household_id AND y.year = ? "
      "WHERE h.village_code = ? AND h.household_id > ? ORDER BY h.household_id LIMIT ?",
      kHouseholdColumns, kYearColumns);
  static const std::string kByStatus = fmt::format(
      "SELECT {}, {} FROM households h JOIN household_years y ON y.household_id = h.household_id AND y.year = ? "
      "WHERE h.village_code = ? AND h.household_id > ? AND y.status = ? ORDER BY h.household_id LIMIT ?",
      kHouseholdColumns, kYearColumns);
  auto st = conn.Prepare(status ? kByStatus : kAll);
  st->Bind(1, year).Bind(2, village_code).Bind(3, after);
  int next = 4;
  if (status) st->Bind(next++, StatusName(*status));
  st->Bind(next, limit);
  std::vector<HouseholdInYear> out;
  while (st->Step()) {
    HouseholdInYear row;
    row.household = ReadHousehold(*st, 0);
    row.year = ReadYear(*st, 7);
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<MemberRecord> VillageMembers(db::Connection& conn, std::string_view village_code, int64_t first,
                                         int64_t last) {
  static const std::string kSql = fmt::format(
      "SELECT {} FROM members m JOIN households h ON h.household_id = m.household_id "
      "WHERE h.village_code = ? AND h.household_id >= ? AND h.household_id <= ? ORDER BY m.household_id, m.member_id",
      kMemberColumns);
  auto st = conn.Prepare(kSql);
  st->Bind(1, village_code).Bind(2, first).Bind(3, last);
  std::vector<MemberRecord> out;
  while (st->Step()) out.push_back(ReadMember(*st));
  return out;
}

std::vector<MemberRecord> HouseholdMembers(db::Connection& conn, int64_t household_id) {
  static const std::string kSql =
      fmt::format("SELECT {} FROM members m WHERE m.household_id = ? ORDER BY m.member_id", kMemberColumns);
  auto st = conn.Prepare(kSql);
  st->Bind(1, household_id);
  std::vector<MemberRecord> out;
  while (st->Step()) out.push_back(ReadMember(*st));
  return out;
}

std::vector<YearRecord> HouseholdYears(db::Connection& conn, int64_t household_id) {
  static const std::string kSql =
      fmt::format("SELECT {} FROM household_years y WHERE y.household_id = ? ORDER BY y.year", kYearColumns);
  auto st = conn.Prepare(kSql);
  st->Bind(1, household_id);
  std::vector<YearRecord> out;
  while (st->Step()) out.push_back(ReadYear(*st, 0));
  return out;
}

int64_t MemberCount(db::Connection& conn, int64_t household_id) {
  auto st = conn.Prepare("SELECT COUNT(*) FROM members WHERE household_id = ?");
  st->Bind(1, household_id);
  int64_t n = 0;
  if (st->Step()) n = st->Int(0);
  st->Run();
  return n;
}

std::optional<int64_t> PovertyLineFen(db::Connection& conn, int year) {
  auto st = conn.Prepare("SELECT poverty_line_fen FROM poverty_lines WHERE year = ?");
  st->Bind(1, year);
  std::optional<int64_t> out;
  if (st->Step()) out = st->OptInt(0);
  st->Run();
  return out;
}

bool LockHousehold(db::Connection& conn, int64_t household_id) {
  auto st = conn.Prepare(conn.dialect() == db::Dialect::kPostgres
                             ? "SELECT household_id FROM households WHERE household_id = ? FOR UPDATE"
                             : "SELECT household_id FROM households WHERE household_id = ?");
  st->Bind(1, household_id);
  bool found = st->Step();
  st->Run();
  return found;
}

void UpsertHouseholdYear(db::Connection& conn, const HouseholdRecord& household, const YearRecord& y) {
  const HouseholdYear& v = y.year;
  std::optional<int64_t> exit_year;
  if (v.exit_year) exit_year = *v.exit_year;
  std::string needs = NeedsText(v.needs_unmet);
  auto update = conn.Prepare(
      "UPDATE household_years SET status = ?, monitor_kind = ?, exit_year = ?, income_per_capita_fen = ?, "
      "needs_unmet = ? WHERE household_id = ? AND year = ?");
  update->Bind(1, StatusName(v.status));
  if (v.monitor_kind) {
    update->Bind(2, MonitorKindName(*v.monitor_kind));
  } else {
    update->BindNull(2);
  }
  update->Bind(3, exit_year).Bind(4, v.income_per_capita.fen()).Bind(5, needs);
  update->Bind(6, household.household_id).Bind(7, v.year);
  update->Run();
  if (update->Changes() > 0) return;
  auto insert = conn.Prepare(
      "INSERT INTO household_years (household_id, year, county_code, village_code, members, status, monitor_kind, "
      "exit_year, income_per_capita_fen, needs_unmet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert->Bind(1, household.household_id).Bind(2, v.year).Bind(3, household.county_code);
  insert->Bind(4, household.village_code).Bind(5, y.members).Bind(6, StatusName(v.status));
  if (v.monitor_kind) {
    insert->Bind(7, MonitorKindName(*v.monitor_kind));
  } else {
    insert->BindNull(7);
  }
  insert->Bind(8, exit_year).Bind(9, v.income_per_capita.fen()).Bind(10, needs);
  insert->Run();
}

int64_t InsertChangeRequest(db::Connection& conn, const NewChangeRequest& r) {
  // RETURNING: PostgreSQL, and SQLite since 3.35.
  auto st = conn.Prepare(
      "INSERT INTO change_requests (household_id, county_code, village_code, year, changes, reason, state, "
      "proposed_by, proposed_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING request_id");
  st->Bind(1, r.household_id).Bind(2, r.county_code).Bind(3, r.village_code).Bind(4, r.year);
  st->Bind(5, ChangesJson(r.changes)).Bind(6, r.reason).Bind(7, r.proposed_by).Bind(8, r.proposed_at);
  if (!st->Step()) throw db::DbError("INSERT … RETURNING gave no row");
  int64_t id = st->Int(0);
  st->Run();
  return id;
}

std::optional<ChangeRequest> FindChangeRequest(db::Connection& conn, int64_t request_id) {
  static const std::string kSql = fmt::format("SELECT {} FROM change_requests WHERE request_id = ?", kRequestColumns);
  auto st = conn.Prepare(kSql);
  st->Bind(1, request_id);
  std::optional<ChangeRequest> out;
  if (st->Step()) out = ReadRequest(*st);
  st->Run();
  return out;
}

std::vector<ChangeRequest> ListChangeRequests(db::Connection& conn, const RequestScope& scope,
                                              std::optional<ChangeState> state, int64_t after, int limit) {
  if (scope.codes.empty()) return {};
  // The statement's text depends only on how many codes there are (one
  // placeholder each), never on their values.
  std::string sql = fmt::format("SELECT {} FROM change_requests WHERE {} IN (", kRequestColumns,
                                scope.by_county ? "county_code" : "village_code");
  for (size_t i = 0; i < scope.codes.size(); ++i) sql += i == 0 ? "?" : ", ?";
  sql += ") AND request_id > ?";
  if (state) sql += " AND state = ?";
  sql += " ORDER BY request_id LIMIT ?";
  auto st = conn.Prepare(sql);
  int next = 1;
  for (const std::string& code : scope.codes) st->Bind(next++, code);
  st->Bind(next++, after);
  if (state) st->Bind(next++, ChangeStateName(*state));
  st->Bind(next, limit);
  std::vector<ChangeRequest> out;
  while (st->Step()) out.push_back(ReadRequest(*st));
  return out;
}

std::vector<ChangeRequest> PendingForHousehold(db::Connection& conn, int64_t household_id) {
  static const std::string kSql =
      fmt::format("SELECT {} FROM change_requests WHERE household_id = ? AND state = 'pending' ORDER BY request_id",
                  kRequestColumns);
  auto st = conn.Prepare(kSql);
  st->Bind(1, household_id);
  std::vector<ChangeRequest> out;
  while (st->Step()) out.push_back(ReadRequest(*st));
  return out;
}

bool DecideChangeRequest(db::Connection& conn, int64_t request_id, ChangeState to, int64_t decided_by,
                         std::string_view decided_at, std::string_view decision_reason) {
  // The state in the WHERE clause is the arbiter of concurrent decisions: the
  // second UPDATE finds the row no longer pending (on PostgreSQL it waits for
  // the first one's row lock, then re-reads the row) and changes nothing.
  auto st = conn.Prepare(
      "UPDATE change_requests SET state = ?, decided_by = ?, decided_at = ?, decision_reason = ? "
      "WHERE request_id = ? AND state = 'pending'");
  st->Bind(1, ChangeStateName(to)).Bind(2, decided_by).Bind(3, decided_at);
  if (decision_reason.empty()) {
    st->BindNull(4);
  } else {
    st->Bind(4, decision_reason);
  }
  st->Bind(5, request_id);
  st->Run();
  return st->Changes() == 1;
}

std::string ChangesJson(const ChangeSet& c) {
  json::Writer w;
  w.BeginObject();
  if (c.status) w.Key("status").String(StatusName(*c.status));
  if (c.income_per_capita) w.Key("income_per_capita_fen").Int(c.income_per_capita->fen());
  if (c.exit_year) w.Key("exit_year").Int(*c.exit_year);
  if (c.monitor_kind) w.Key("monitor_kind").String(MonitorKindName(*c.monitor_kind));
  if (c.needs_unmet) w.Key("needs_unmet").String(NeedsText(*c.needs_unmet));
  w.EndObject();
  return w.Take();
}

Result<ChangeSet> ParseChangesJson(std::string_view text) {
  namespace bj = boost::json;
  boost::system::error_code ec;
  bj::value v = bj::parse(bj::string_view(text.data(), text.size()), ec);
  if (ec || !v.is_object()) return Error::Internal("stored changes are not a JSON object");
  ChangeSet c;
  for (const auto& [key, value] : v.get_object()) {
    std::string_view k(key.data(), key.size());
    auto text_of = [&]() -> std::optional<std::string_view> {
      if (!value.is_string()) return std::nullopt;
      return std::string_view(value.get_string().data(), value.get_string().size());
    };
    if (k == "status") {
      auto s = text_of();
      if (s) c.status = ParseStatus(*s);
      if (!c.status) return Error::Internal("stored changes: bad status");
    } else if (k == "income_per_capita_fen" && value.is_int64()) {
      c.income_per_capita = Money::FromFen(value.get_int64());
    } else if (k == "exit_year" && value.is_int64()) {
      c.exit_year = static_cast<int>(value.get_int64());
    } else if (k == "monitor_kind") {
      auto s = text_of();
      if (s) c.monitor_kind = ParseMonitorKind(*s);
      if (!c.monitor_kind) return Error::Internal("stored changes: bad monitor_kind");
    } else if (k == "needs_unmet") {
      auto s = text_of();
      if (!s) return Error::Internal("stored changes: bad needs_unmet");
      auto needs = ParseNeedsUnmet(*s);
      if (!needs) return Error::Internal("stored changes: " + needs.error().message);
      c.needs_unmet = std::move(*needs);
    } else {
      return Error::Internal(fmt::format("stored changes: unexpected field {}", k));
    }
  }
  return c;
}

int64_t Revision(db::Connection& conn) {
  return db::QueryInt(conn, "SELECT revision FROM registry_revision WHERE id = 1").value_or(0);
}

void BumpRevision(db::Connection& conn) {
  conn.Prepare("UPDATE registry_revision SET revision = revision + 1 WHERE id = 1")->Run();
}

bool BumpRevisionIfPresent(db::Connection& conn) {
  // Asking the catalogue, not trying the UPDATE: on PostgreSQL a failed
  // statement would abort the caller's transaction.
  const char* sql = conn.dialect() == db::Dialect::kSqlite
                        ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'registry_revision'"
                        : "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                          "AND tablename = 'registry_revision'";
  if (db::QueryInt(conn, sql).value_or(0) == 0) return false;
  BumpRevision(conn);
  return true;
}

}  // namespace fupin::registry::store
