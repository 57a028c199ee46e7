#pragma once
// A small registry for the report tests, written with plain INSERTs (no demo,
// no import): two real counties of Linxia, five villages, ten households over
// 2016–2018. The figures it should give are worked out by hand below and
// recomputed by plain SQL in the tests.
//
//   village        county  township  deep  village status 2016/17/18  households (members: status 2016/17/18)
//   622901102201   临夏市  南龙镇    no    (no rows: not_poor)         H1 5: poor/exited/exited; H2 95: not_poor/not_poor/monitored
//   622901102202   临夏市  南龙镇    no    poor/poor/exited            H3 5: poor/poor/exited;   H4 95: not_poor
//   622926101201   东乡    达板镇    yes   poor/poor/exited            H5 10: poor/poor/exited;  H6 30: not_poor
//   622926101202   东乡    达板镇    yes   not_poor x3                 H7 4: poor/exited/exited; H8 16: not_poor
//   622926200200   东乡    春台乡    no    poor x3                     H9 6: poor x3;            H10 294: not_poor
//
// 临夏市 incidence: 2016 10/200 = 5.00 %, 2017 5/200 = 2.50 % (below 3 %: exits 2017), 2018 0.
// 东乡:            2016 20/360 = 5.56 %, 2017 16/360 = 4.44 %, 2018 6/360 = 1.67 % (exits 2018).
// Prefecture: population 560 every year; poor 30 / 21 / 6.
#include <array>
#include <cstdint>
#include <string>

#include "db/database.h"

namespace fupin::reports::fixture {

inline constexpr const char* kDongxiang = "622926000000";
inline constexpr const char* kDaban = "622926101000";  // 达板镇, 东乡: villages 3 and 4, four residents' committees
inline constexpr const char* kVillage3 = "622926101201";
inline constexpr int kFirstYear = 2016;

inline void InsertVillage(db::Connection& conn, const std::string& code, bool deep) {
  conn.Prepare(
          "INSERT INTO villages (village_code, county_code, township_code, deep_poverty) VALUES (?, ?, ?, ?)")
      ->Bind(1, code)
      .Bind(2, code.substr(0, 6) + "000000")
      .Bind(3, code.substr(0, 9) + "000")
      .Bind(4, deep ? 1 : 0)
      .Run();
}

inline void InsertVillageYears(db::Connection& conn, const std::string& code, std::array<const char*, 3> status) {
  auto st = conn.Prepare("INSERT INTO village_years (village_code, year, county_code, status) VALUES (?, ?, ?, ?)");
  for (int i = 0; i < 3; ++i) {
    st->Bind(1, code).Bind(2, kFirstYear + i).Bind(3, code.substr(0, 6) + "000000").Bind(4, status[i]).Run();
  }
}

inline void InsertHousehold(db::Connection& conn, int64_t id, const std::string& village, int members,
                            std::array<const char*, 3> status) {
  const std::string county = village.substr(0, 6) + "000000";
  conn.Prepare(
          "INSERT INTO households (household_id, county_code, township_code, village_code, head_name, cause, "
          "registered_year, synthetic) VALUES (?, ?, ?, ?, ?, 'illness', ?, 1)")
      ->Bind(1, id)
      .Bind(2, county)
      .Bind(3, village.substr(0, 9) + "000")
      .Bind(4, village)
      .Bind(5, "户主" + std::to_string(id))
      .Bind(6, kFirstYear)
      .Run();
  auto st = conn.Prepare(
      "INSERT INTO household_years (household_id, year, county_code, village_code, members, status, monitor_kind, "
      "exit_year, income_per_capita_fen, needs_unmet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 500000, '')");
  std::optional<int64_t> exit_year;
  for (int i = 0; i < 3; ++i) {
    std::string s = status[i];
    if (s == "exited" && !exit_year) exit_year = kFirstYear + i;
    st->Bind(1, id).Bind(2, kFirstYear + i).Bind(3, county).Bind(4, village).Bind(5, members).Bind(6, s);
    if (s == "monitored") {
      st->Bind(7, "marginal");
    } else {
      st->BindNull(7);
    }
    st->Bind(8, s == "exited" ? exit_year : std::nullopt);
    st->Run();
  }
}

// Fills a migrated database with the registry described above.
inline void BuildRegistry(db::Connection& conn) {
  db::Transaction tx(conn);
  InsertVillage(conn, "622901102201", false);
  InsertVillage(conn, "622901102202", false);
  InsertVillage(conn, "622926101201", true);
  InsertVillage(conn, "622926101202", true);
  InsertVillage(conn, "622926200200", false);
  InsertVillageYears(conn, "622901102202", {"poor", "poor", "exited"});
  InsertVillageYears(conn, "622926101201", {"poor", "poor", "exited"});
  InsertVillageYears(conn, "622926101202", {"not_poor", "not_poor", "not_poor"});
  InsertVillageYears(conn, "622926200200", {"poor", "poor", "poor"});
  InsertHousehold(conn, 1, "622901102201", 5, {"poor", "exited", "exited"});
  InsertHousehold(conn, 2, "622901102201", 95, {"not_poor", "not_poor", "monitored"});
  InsertHousehold(conn, 3, "622901102202", 5, {"poor", "poor", "exited"});
  InsertHousehold(conn, 4, "622901102202", 95, {"not_poor", "not_poor", "not_poor"});
  InsertHousehold(conn, 5, "622926101201", 10, {"poor", "poor", "exited"});
  InsertHousehold(conn, 6, "622926101201", 30, {"not_poor", "not_poor", "not_poor"});
  InsertHousehold(conn, 7, "622926101202", 4, {"poor", "exited", "exited"});
  InsertHousehold(conn, 8, "622926101202", 16, {"not_poor", "not_poor", "not_poor"});
  InsertHousehold(conn, 9, "622926200200", 6, {"poor", "poor", "poor"});
  InsertHousehold(conn, 10, "622926200200", 294, {"not_poor", "not_poor", "not_poor"});
  tx.Commit();
}

}  // namespace fupin::reports::fixture
