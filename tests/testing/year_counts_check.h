#pragma once
// Checks household_year_counts (registry/year_counts.h) against a count of
// household_years made on the spot.
#include <string>

#include "db/database.h"

namespace fupin::testing {

// "" when household_year_counts holds exactly the grouped count of
// household_years (no row missing, none extra, no count off); otherwise the
// first difference, for the failure message.
std::string YearCountsDifference(db::Connection& conn);

// The number of triggers that keep household_year_counts.
int YearCountsTriggers(db::Connection& conn);

}  // namespace fupin::testing
