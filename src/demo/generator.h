#pragma once
// `fupin demo`: writes the synthetic, calibrated Linxia registry on the real
// divisions. Households, members (with synthetic identity numbers), every
// household's status, size and income by year, the village register and the
// village infrastructure — so that the records reproduce every target of the
// scenario exactly (see plan.h) and every household passes the registry's own
// rules (registry::CheckYear, CheckTransition, CanExit in its exit year).
#include <cstdint>
#include <string>

#include "base/result.h"
#include "db/database.h"
#include "registry/identity.h"

namespace fupin::demo {

struct DemoOptions {
  uint64_t seed = 2020;
  double scale = 1.0;
  // Seals the synthetic identity numbers; required.
  const registry::IdentityVault* vault = nullptr;
};

struct DemoSummary {
  int64_t villages = 0;
  int64_t households = 0;
  int64_t members = 0;
  int64_t household_years = 0;
  int first_year = 0;
  int last_year = 0;
};

// Builds the demo into `conn`, whose schema must be current and whose registry
// must be empty (kConflict otherwise). One transaction: on any failure nothing
// is written. The same options give the same rows on SQLite and PostgreSQL.
Result<DemoSummary> BuildDemo(db::Connection& conn, const DemoOptions& options);

}  // namespace fupin::demo
