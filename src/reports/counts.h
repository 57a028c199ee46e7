#pragma once
// Named counts: the figures every indicator is built from, as DHIS2's data
// elements are. Each count is read from the records for one calendar year,
// where the record belongs (a village, a township, a supplier's village), and
// summed up the region tree, so that any region's value is the sum over
// everything below it and the counties add up to the prefecture by
// construction.
//
// A count belongs to a source (the registry, the marketplace's orders, the
// benefit ledger, the logistics facilities, the daily plans, training). A
// source either has data for a year or has none; a count of a source without
// data is "no data", never 0. Training has no records yet: its counts are
// always "no data".
//
// docs/REPORTS.md defines every count.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fupin::db {
class Connection;
}
namespace fupin::regions {
class RegionTree;
}

namespace fupin::reports {

struct CountInfo {
  std::string name;    // "poor_people": what indicators refer to
  std::string source;  // "registry", "regions", "outlets", "market", "benefit", "facilities", "plans", "training"
  std::string name_zh;
  std::string name_en;
  std::string unit;  // "people", "households", "villages", "townships", "outlets", "suppliers", "fen", "parcels",
                     // "village-days"
};

// Every count, grouped by source, in a fixed order.
const std::vector<CountInfo>& CountCatalogue();
// nullptr when there is no count of that name.
const CountInfo* FindCount(std::string_view name);
// The names, comma separated, for error messages.
std::string CountNames();

// One year's values of some counts, summed for every region of the tree.
class CountTable {
 public:
  int year() const { return year_; }
  // Whether the count's source has data for the year (false for a count not loaded).
  bool Available(std::string_view count) const;
  // The count for `region_code` and everything below it; 0 when nothing is
  // recorded there. Meaningful only when Available(count).
  int64_t Value(std::string_view count, std::string_view region_code) const;
  // Records whose region code the tree does not hold (left out of every sum).
  int64_t unplaced() const { return unplaced_; }

  // A table built by hand (tests, what-if figures): the year, whether a
  // count has data, and a value already summed for a region.
  void SetYear(int year) { year_ = year; }
  void SetAvailable(const std::string& count, bool available) { available_[count] = available; }
  void SetValue(const std::string& count, const std::string& region_code, int64_t value) {
    values_[count][region_code] = value;
  }

 private:
  friend class CountLoader;
  int year_ = 0;
  std::map<std::string, bool, std::less<>> available_;
  // count → region code → value, for every region with a non-zero value.
  std::map<std::string, std::unordered_map<std::string, int64_t>, std::less<>> values_;
  int64_t unplaced_ = 0;
};

// Reads, for `year`, the sources of `counts` (names from CountCatalogue; an
// unknown name is ignored) and sums them up `tree`. One or two grouped queries
// per source. Throws db::DbError.
CountTable LoadCounts(db::Connection& conn, const regions::RegionTree& tree, int year,
                      const std::vector<std::string>& counts);

}  // namespace fupin::reports
