#pragma once
// Appending to and reading the audit log (audit/model.h). Other modules call
// Append inside their own transaction, so an entry commits or rolls back
// together with the change it records.
//
// Thread-safe: the log holds only the region tree (immutable) and the clock;
// every call works on the connection it is given.
#include <cstdint>
#include <functional>
#include <string_view>

#include "audit/model.h"
#include "base/result.h"

namespace fupin::db {
class Connection;
}
namespace fupin::regions {
class RegionTree;
}
namespace fupin::accounts {
struct Principal;
}

namespace fupin::audit {

// Seconds since 1970, UTC. Tests pass their own to move time.
using Clock = std::function<int64_t()>;
int64_t SystemClock();

class AuditLog {
 public:
  // `tree` is borrowed and must outlive the log; `now_unix_s` must be thread-safe.
  explicit AuditLog(const regions::RegionTree& tree, Clock now_unix_s = SystemClock);

  // Appends one entry on `conn`, in whatever transaction the caller has open.
  // `who` is the signed-in user (nullptr: the command line, or no one signed in
  // yet); `remote_address` "" when there is none. Throws db::DbError like any
  // write: the caller's transaction then rolls back with its change.
  void Append(db::Connection& conn, const accounts::Principal* who, std::string_view remote_address,
              const Entry& entry) const;

  // Entries matching `filter`, newest first. kInvalidArgument naming "from",
  // "to", "region" or "limit" for a malformed filter (a region code the tree
  // does not know, a time that is not ParseTimestamp's). No permission checks:
  // see ListFor.
  Result<Page> List(db::Connection& conn, const Filter& filter) const;

  // List, as `reader` may see it: kPermissionDenied unless the role may read
  // the audit log (accounts::Action::kReadAudit) and `filter.region_code` lies
  // in its grant. Without a region filter, a reader whose grant is not the
  // whole tree sees the entries inside its grant only.
  Result<Page> ListFor(db::Connection& conn, const accounts::Principal& reader, Filter filter) const;

  const regions::RegionTree& tree() const { return tree_; }
  int64_t Now() const { return now_(); }

 private:
  const regions::RegionTree& tree_;
  Clock now_;
};

}  // namespace fupin::audit
