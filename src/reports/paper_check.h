#pragma once
// The paper-check report: the figures the research paper states about Linxia
// (data/paper/headline_figures.csv, section "paper") and the cited poverty
// figures of data/linxia/statistics.csv (section "cited"), each beside the value
// computed from the records, with match / mismatch and the reason, or "not
// answerable" and why. The registry figures come from the poverty report's
// aggregation (poverty.h), never from a scenario file. It ends with the summary
// "N match, M mismatch, K not answerable". docs/REPORTS.md lists how each
// figure is read (the project's settled interpretation of the paper). The
// e-commerce figures come from the orders, outlets and benefit ledger.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"
#include "db/database.h"
#include "regions/tree.h"
#include "reports/poverty.h"
#include "reports/report.h"

namespace fupin::reports {

// What the marketplace's records say about one of the paper's e-commerce
// figures: a period ("2016", or a month "2017-08") in a region (the
// prefecture or a county). Orders count when paid in the period and not
// refunded (at any time); a line counts in the region of its supplier's county.
struct MarketFigures {
  bool any_orders = false;       // the records hold orders at all (else: not answerable)
  bool any_ledger = false;       // the benefit ledger holds entries at all
  bool any_outlets = false;      // the records hold village outlets at all
  int64_t outlets = 0;           // village outlets of the region opened before the period ended
  int64_t volume_fen = 0;        // the amounts of the region's order lines
  int64_t apples_kg = 0;         // lines of products named 冰糖心 (Bingtangxin apples), unit kg
  int64_t lilies_kg = 0;         // lines of products named 百合 (lilies), unit kg
  int64_t outlet_goods_fen = 0;  // units allocated from lots taken in at the region's outlets × unit price
  // Registered poor households (status poor, exited or monitored in the
  // period's year) of the region whose net ledger credits from those orders
  // (credits less reversals) are above zero, and their gains together
  // (credit − local value, benefit/model.h).
  int64_t poor_households = 0;
  int64_t gain_fen = 0;
};

// The region a headline row's scope names: "Linxia prefecture" is the root;
// "Yongjing county" is the county whose English name is "Yongjing County"
// (case aside). nullptr when none.
const regions::Region* ScopeRegion(const regions::RegionTree& tree, std::string_view scope);

// The e-commerce figures the paper states (headline keys), computed from the marketplace.
bool IsMarketFigure(std::string_view key);

struct PaperCheckInput {
  const regions::RegionTree* tree = nullptr;  // its root is the prefecture
  // The prefecture's breakdown (children: its counties) for every year with
  // registry data; a year missing here has no data.
  std::map<int, PovertyBreakdown> years;
  int year = 0;                         // the records' year for undated figures (the paper's population)
  int64_t county_exit_threshold = 300;  // hundredths of a percent (3 % → 300)
  std::string county_exit_threshold_source;
  // The marketplace's figures by (period, region code), for the e-commerce
  // rows of the headline figures; a row without its entry is not answerable.
  std::map<std::pair<std::string, std::string>, MarketFigures> market;
  // The facility figures by (key, year) with their basis, for the network rows;
  // any_facilities false: the records hold no facilities (not answerable).
  bool any_facilities = false;
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::string>> facilities;
  std::string_view headline_csv;    // data/paper/headline_figures.csv
  std::string_view statistics_csv;  // data/linxia/statistics.csv
};

// The logistics network's figures the paper states (headline keys): county
// service centers and township stations open at the end of a year, stations
// and village points opened during a year, registered poor villages with a
// point open at the end of a year.
bool IsFacilityFigure(std::string_view key);

// The value of facility figure `key` for `year` from the facility records,
// with how it was counted. Throws db::DbError.
std::pair<int64_t, std::string> LoadFacilityFigure(db::Connection& conn, std::string_view key, int year);

// Builds the report. Pure. kInternal when a CSV lacks a column it needs.
Result<Report> PaperCheckReport(const PaperCheckInput& input);

// The marketplace's figures for `period` ("YYYY" or "YYYY-MM") in `region`
// (the root or a county). Throws db::DbError.
MarketFigures LoadMarketFigures(db::Connection& conn, const regions::RegionTree& tree, std::string_view period,
                                const regions::Region& region);

// Reads the inputs (one VillageStats per year with data, the county exit
// threshold from the settings, the marketplace's figures for the e-commerce
// rows, the embedded CSVs) and builds the report for the tree's root. `year`
// is used for undated figures. Throws db::DbError.
Result<Report> LoadPaperCheck(db::Connection& conn, const regions::RegionTree& tree, int year);

}  // namespace fupin::reports
