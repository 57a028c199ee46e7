#pragma once
// The institutions report (单位采购): what each institutional buyer (消费扶贫:
// canteens of schools, hospitals, government units…) bought in a year —
// orders paid that year and not refunded — and how much of it was
// poverty-alleviation buying: certified products, and goods from villages
// registered poor that year. Money in fen.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "reports/report.h"

namespace fupin::db {
class Connection;
}
namespace fupin::regions {
class RegionTree;
struct Region;
}  // namespace fupin::regions

namespace fupin::reports {

struct InstitutionPurchases {
  int64_t institution_id = 0;
  std::string name;
  std::string kind;         // market::InstitutionKindName
  std::string region_code;  // where the institution is
  int64_t orders = 0;       // paid in the year, not refunded
  int64_t total_fen = 0;    // their line amounts
  // Lines of products whose poverty-alleviation certification (as recorded:
  // the product's certificate) was valid on the day of payment (UTC date).
  int64_t certified_fen = 0;
  // Lines of products whose origin village had register status poor that year (village_years).
  int64_t poor_village_fen = 0;
};

// The report "institutions", pure: one row per institution (by id), then the
// total row of the region. Columns: institution_id, name, kind, region_code,
// region_name, orders, total_fen, certified_fen, certified_share (%),
// poor_village_fen, poor_village_share (%); shares of total_fen, two
// decimals rounded half up, no value when the total is 0.
Report InstitutionsReport(const regions::RegionTree& tree, const regions::Region& region, int year,
                          const std::vector<InstitutionPurchases>& rows);

// Every institution located in `region` (its region_code under it), with its
// purchases in `year` (zero when none). Throws db::DbError.
std::vector<InstitutionPurchases> LoadInstitutionPurchases(db::Connection& conn, const regions::RegionTree& tree,
                                                           const regions::Region& region, int year);

// Resolves the defaults (the prefecture; the latest year with registry data)
// as BuildBenefitReport does and builds the report. Throws db::DbError.
Result<Report> BuildInstitutionsReport(db::Connection& conn, std::optional<int> year, const std::string& region);

}  // namespace fupin::reports
