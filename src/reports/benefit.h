#pragma once
// The benefit report (受益情况): what the benefit ledger (benefit/model.h)
// credited the households of a region in a year, by county and by village,
// and the registered poor households it did not reach.
//
// Definitions (docs/REPORTS.md):
//  - a household's year: the net of its ledger entries of that year (credits
//    less the reversals of refunded orders, which keep the credit's year);
//  - reached: net credits above zero;
//  - gain: net credits − net local value (what the same produce fetches
//    locally; none for wages and dividends, so all of such a credit is gain);
//  - registered poor that year: registry status poor or monitored that year,
//    or exited that year (exit_year = the year): the households the
//    programme was to reach. Exited in an earlier year does not count.
// Money in fen.
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

struct HouseholdCredit {
  int64_t household_id = 0;
  std::string village_code;
  int64_t credited_fen = 0;     // net credits of the year
  int64_t local_value_fen = 0;  // net local value of the same entries (0 where none is recorded)
};

struct RegisteredPoor {
  int64_t household_id = 0;
  std::string village_code;
  std::string status;  // "poor", "monitored" or "exited" (that year)
};

struct BenefitInput {
  const regions::RegionTree* tree = nullptr;
  const regions::Region* region = nullptr;  // in `tree`
  int year = 0;
  std::vector<HouseholdCredit> credits;  // households under the region with ledger entries that year, any order
  std::vector<RegisteredPoor> poor;      // the region's registered poor households that year, any order
};

// The report "benefit", pure. Sections: "regions" — one row per county when
// the region is the prefecture, then the region's own total row; "villages" —
// every village under the region with a household reached or a registered
// poor household, by code. Columns: level, region_code, region_name,
// households_reached, poor_reached, credited_fen, local_value_fen, gain_fen,
// mean_gain_fen, median_gain_fen (per household reached, rounded half away
// from zero; no value when none was reached), poor_households, poor_unreached.
Report BenefitReport(const BenefitInput& input);

// The report "benefit-unreached", pure: one row per registered poor household
// of the region that the ledger did not reach that year, by village and
// household id. Columns: county_code, village_code, village_name,
// household_id, status.
Report UnreachedReport(const BenefitInput& input);

// Reads the year's ledger (one grouped query) and registered poor households
// of the region. Throws db::DbError.
BenefitInput LoadBenefit(db::Connection& conn, const regions::RegionTree& tree, const regions::Region& region,
                         int year);

// ---- The entry point of the CLI and the API --------------------------------------

// A region as `fupin report` takes it: a 12-digit code, or a name or pinyin
// naming exactly one region; "" = the root. kInvalidArgument "region".
Result<const regions::Region*> ResolveReportRegion(const regions::RegionTree& tree, const std::string& region);

// The year: `year` if the registry holds data for it, else kNotFound ("no
// registry data for year Y; years with data: …"); nullopt = the latest year
// with data (kNotFound when there is none). Throws db::DbError.
Result<int> ResolveReportYear(db::Connection& conn, std::optional<int> year);

struct BenefitQuery {
  std::optional<int> year;      // default: the latest year with registry data
  std::string region;           // default: the prefecture
  bool list_unreached = false;  // the unreached households' list instead of the figures
};

// Resolves the defaults and builds "benefit" (or "benefit-unreached").
// Errors as ResolveReportRegion and ResolveReportYear. Throws db::DbError.
Result<Report> BuildBenefitReport(db::Connection& conn, const BenefitQuery& query);

}  // namespace fupin::reports
