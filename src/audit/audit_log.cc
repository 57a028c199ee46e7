#include "audit/audit_log.h"

#include <chrono>
#include <string>

#include <fmt/format.h>

#include "accounts/model.h"
#include "db/database.h"
#include "regions/tree.h"

namespace fupin::audit {
namespace {

// The region with its ancestors, root first, each followed by '/'. An
// unknown code (a caller's bug, or a region removed since) stands alone, so
// its entries stay findable by exact filter at least.
std::string RegionPath(const regions::RegionTree& tree, std::string_view code) {
  if (code.empty()) return {};
  std::string path;
  for (const regions::Region* r : tree.Ancestors(code)) path += r->code + "/";
  path += std::string(code) + "/";
  return path;
}

// Every path inside `path` starts with it; with the final '/' replaced by the
// next byte, '0', the pair bounds exactly those texts: [path, upper).
std::string UpperBound(std::string path) {
  path.back() = '0';
  return path;
}

// Empty text is stored as NULL, so "absent" reads the same on both databases.
void BindText(db::Statement& st, int index, std::string_view value) {
  if (value.empty()) {
    st.BindNull(index);
  } else {
    st.Bind(index, value);
  }
}

}  // namespace

int64_t SystemClock() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

AuditLog::AuditLog(const regions::RegionTree& tree, Clock now_unix_s) : tree_(tree), now_(std::move(now_unix_s)) {}

void AuditLog::Append(db::Connection& conn, const accounts::Principal* who, std::string_view remote_address,
                      const Entry& entry) const {
  auto st = conn.Prepare(
      "INSERT INTO audit_log (at, user_id, username, role, region_code, region_path, action, target, "
      "remote_address, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st->Bind(1, FormatTimestamp(now_()));
  if (who != nullptr) {
    st->Bind(2, who->user_id);
    st->Bind(3, who->username);
    st->Bind(4, accounts::RoleName(who->role));
  } else {
    st->BindNull(2);
    st->BindNull(3);
    st->BindNull(4);
  }
  BindText(*st, 5, entry.region_code);
  st->Bind(6, RegionPath(tree_, entry.region_code));
  st->Bind(7, entry.action);
  BindText(*st, 8, entry.target);
  BindText(*st, 9, remote_address);
  BindText(*st, 10, entry.detail);
  st->Run();
}

Result<Page> AuditLog::List(db::Connection& conn, const Filter& filter) const {
  if (filter.limit < 1 || filter.limit > 1000) return Error::Invalid("limit must be between 1 and 1000", "limit");
  std::string from, to;
  if (!filter.from.empty()) {
    Result<int64_t> t = ParseTimestamp(filter.from, "from");
    if (!t) return t.error();
    from = FormatTimestamp(*t);
  }
  if (!filter.to.empty()) {
    Result<int64_t> t = ParseTimestamp(filter.to, "to");
    if (!t) return t.error();
    // A date means the whole day: "to=2026-11-30" includes its last second.
    to = FormatTimestamp(IsDateOnly(filter.to) ? *t + 86399 : *t);
  }
  std::string path;
  if (!filter.region_code.empty()) {
    if (tree_.Find(filter.region_code) == nullptr) {
      return Error::Invalid(fmt::format("no region with code '{}'", filter.region_code), "region");
    }
    path = RegionPath(tree_, filter.region_code);
  }

  // Only fixed fragments are chosen here; every value is a bound parameter.
  std::string sql =
      "SELECT audit_id, at, user_id, username, role, region_code, action, target, remote_address, detail "
      "FROM audit_log WHERE 1 = 1";
  if (!filter.username.empty()) sql += " AND user_id = (SELECT user_id FROM users WHERE username = ?)";
  if (!path.empty()) sql += " AND region_path >= ? AND region_path < ?";
  if (!from.empty()) sql += " AND at >= ?";
  if (!to.empty()) sql += " AND at <= ?";
  if (filter.before_id) sql += " AND audit_id < ?";
  sql += " ORDER BY audit_id DESC LIMIT ?";

  auto st = conn.Prepare(sql);
  int i = 0;
  if (!filter.username.empty()) st->Bind(++i, filter.username);
  if (!path.empty()) {
    st->Bind(++i, path);
    st->Bind(++i, UpperBound(path));
  }
  if (!from.empty()) st->Bind(++i, from);
  if (!to.empty()) st->Bind(++i, to);
  if (filter.before_id) st->Bind(++i, *filter.before_id);
  // One more than asked: tells whether another page follows.
  st->Bind(++i, static_cast<int64_t>(filter.limit) + 1);

  Page page;
  while (st->Step()) {
    Record r;
    r.audit_id = st->Int(0);
    r.at = st->Text(1);
    r.user_id = st->OptInt(2);
    r.username = st->Text(3);
    r.role = st->Text(4);
    r.region_code = st->Text(5);
    r.action = st->Text(6);
    r.target = st->Text(7);
    r.remote_address = st->Text(8);
    r.detail = st->Text(9);
    page.items.push_back(std::move(r));
  }
  if (page.items.size() > static_cast<size_t>(filter.limit)) {
    page.items.pop_back();
    page.next_before = page.items.back().audit_id;
  }
  return page;
}

Result<Page> AuditLog::ListFor(db::Connection& conn, const accounts::Principal& reader, Filter filter) const {
  if (!filter.region_code.empty() && tree_.Find(filter.region_code) == nullptr) {
    return Error::Invalid(fmt::format("no region with code '{}'", filter.region_code), "region");
  }
  if (Status allowed = accounts::Check(tree_, reader, accounts::Action::kReadAudit, filter.region_code); !allowed) {
    return allowed.error();
  }
  // Without a region, a reader sees its grant; only a grant on the root sees
  // the entries that touched no region (sign-in refusals of unknown names).
  const regions::Region* root = tree_.Root();
  if (filter.region_code.empty() && (root == nullptr || root->code != reader.region_code)) {
    filter.region_code = reader.region_code;
  }
  return List(conn, filter);
}

}  // namespace fupin::audit
