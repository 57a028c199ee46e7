#pragma once
// Loads the real divisions of Linxia (NBS 2023, shipped in data/linxia/) into
// the regions table, with the published coordinates where a source has one.
#include <string_view>
#include <vector>

#include "base/result.h"
#include "db/database.h"
#include "regions/model.h"

namespace fupin::regions {

// Parses divisions.csv and coordinates.csv text into regions. Errors name the
// file, line and column.
Result<std::vector<Region>> ParseDivisions(std::string_view divisions_csv, std::string_view coordinates_csv);

// Inserts the embedded Linxia divisions. Throws db::DbError on a database
// failure; the embedded files are checked by the tests, so a parse error here
// is a bug and also throws.
void LoadLinxia(db::Connection& conn);

}  // namespace fupin::regions
