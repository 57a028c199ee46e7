#pragma once
// The audit log: who did what, where, when, from which address. Entries are
// appended in the transaction of the change they record and never altered
// (the database refuses UPDATE and DELETE on audit_log). Pure types and the
// timestamp format shared with sessions; no SQL.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace fupin::audit {

// What happened. Empty strings are stored as NULL.
struct Entry {
  std::string action;       // dotted verb: "session.sign_in", "user.add", "identity.read"
  std::string target;       // what it was done to: "user:outlet2", "household:1234"
  std::string region_code;  // the region the action touched; "" when none (e.g. a refused sign-in)
  std::string detail;       // free text for a reader: why, or what changed
};

// One stored entry.
struct Record {
  int64_t audit_id = 0;
  std::string at;                  // UTC, "2026-11-30T06:40:00Z"
  std::optional<int64_t> user_id;  // nullopt: no signed-in user (the command line, a refused sign-in)
  std::string username;
  std::string role;
  std::string region_code;
  std::string action;
  std::string target;
  std::string remote_address;
  std::string detail;
};

struct Filter {
  std::string username;     // "" = everyone; else entries by that account
  std::string region_code;  // "" = everywhere; else entries whose region lies inside it (or is it)
  std::string from;         // "" or a timestamp: entries at or after it
  std::string to;           // "" or a timestamp: entries at or before it
  int limit = 50;
  std::optional<int64_t> before_id;  // the page after the entry with this id (newest first)
};

struct Page {
  std::vector<Record> items;          // newest first
  std::optional<int64_t> next_before;  // set when more entries follow: Filter::before_id for the next page
};

// Seconds since 1970 (UTC) as "2026-11-30T06:40:00Z".
std::string FormatTimestamp(int64_t unix_s);

// "2026-11-30T06:40:00Z" or a date "2026-11-30" (its midnight, UTC) to
// seconds since 1970. kInvalidArgument naming `field` otherwise.
Result<int64_t> ParseTimestamp(std::string_view text, std::string_view field);

// For a text ParseTimestamp accepted: true when it is a date without a time.
bool IsDateOnly(std::string_view text);

}  // namespace fupin::audit
