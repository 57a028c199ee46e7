// The implementation of testing/year_counts_check.h.
#include "testing/year_counts_check.h"

#include <fmt/format.h>

#include <map>
#include <tuple>

namespace fupin::testing {
namespace {

using Key = std::tuple<int64_t, std::string, std::string, std::string>;  // year, village, status, county
using Value = std::tuple<int64_t, int64_t>;                              // households, people

std::map<Key, Value> Read(db::Connection& conn, const char* sql) {
  std::map<Key, Value> out;
  auto st = conn.Prepare(sql);
  while (st->Step()) out[Key{st->Int(0), st->Text(1), st->Text(2), st->Text(3)}] = Value{st->Int(4), st->Int(5)};
  return out;
}

std::string Show(const Key& k, const Value& v) {
  return fmt::format("({} {} {} county {}: households {} people {})", std::get<0>(k), std::get<1>(k), std::get<2>(k),
                     std::get<3>(k), std::get<0>(v), std::get<1>(v));
}

}  // namespace

std::string YearCountsDifference(db::Connection& conn) {
  auto kept = Read(conn, "SELECT year, village_code, status, county_code, households, people FROM household_year_counts");
  auto fresh = Read(conn,
                    "SELECT year, village_code, status, county_code, COUNT(*), CAST(SUM(members) AS BIGINT) "
                    "FROM household_years GROUP BY year, village_code, status, county_code");
  for (const auto& [k, v] : fresh) {
    auto it = kept.find(k);
    if (it == kept.end()) return "missing " + Show(k, v);
    if (it->second != v) return "kept " + Show(k, it->second) + " but counted " + Show(k, v);
  }
  for (const auto& [k, v] : kept) {
    if (!fresh.contains(k)) return "extra " + Show(k, v);
  }
  return "";
}

int YearCountsTriggers(db::Connection& conn) {
  const char* sql = conn.dialect() == db::Dialect::kSqlite
                        ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'household_year_counts%'"
                        : "SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE 'household_year_counts%'";
  return static_cast<int>(db::QueryInt(conn, sql).value_or(0));
}

}  // namespace fupin::testing
