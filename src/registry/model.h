#pragma once
// The household registry's types and rules (docs/ARCHITECTURE.md, Registry). Pure: no
// database, no clock. Every rule here has a table-driven test in
// tests/registry/model_test.cc.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/money.h"
#include "base/result.h"

namespace fupin::registry {

// Status of a household at the end of a year.
enum class HouseholdStatus {
  kNotPoor,    // never registered, or a marginal household no longer watched
  kPoor,       // registered poor (建档立卡)
  kExited,     // lifted out (脱贫), with the year of exit
  kMonitored,  // under return-to-poverty monitoring (防返贫监测)
};
const char* StatusName(HouseholdStatus s);
std::optional<HouseholdStatus> ParseStatus(std::string_view s);

// Why a monitored household is watched.
enum class MonitorKind { kUnstableExited, kMarginal, kSuddenHardship };
const char* MonitorKindName(MonitorKind k);
std::optional<MonitorKind> ParseMonitorKind(std::string_view s);

// Status of a village in the poor-village register at the end of a year.
enum class VillageStatus { kNotPoor, kPoor, kExited };
const char* VillageStatusName(VillageStatus s);
std::optional<VillageStatus> ParseVillageStatus(std::string_view s);

// The main cause of a household's poverty, as the registry records it.
// Names are the codes used in files and the API.
extern const std::vector<std::string_view> kCauses;  // illness, disability, schooling, …
bool IsCause(std::string_view s);

// The basic needs that must be guaranteed for a household to exit (两不愁三保障
// plus safe water): food, clothing, schooling, medical care, safe housing, safe water.
extern const std::vector<std::string_view> kBasicNeeds;
// Parses "housing;water" (needs not guaranteed, ';'-separated, in kBasicNeeds
// order, no repeats); "" means all guaranteed.
Result<std::vector<std::string>> ParseNeedsUnmet(std::string_view s);

// One household-year as the rules see it.
struct HouseholdYear {
  int year = 0;
  HouseholdStatus status = HouseholdStatus::kNotPoor;
  std::optional<MonitorKind> monitor_kind;  // only when monitored
  std::optional<int> exit_year;             // when exited, or monitored after an exit
  Money income_per_capita;
  std::vector<std::string> needs_unmet;
};

// A household exits when its per-capita income is above that year's poverty
// line and its basic needs are guaranteed.
bool CanExit(Money income_per_capita, Money poverty_line, const std::vector<std::string>& needs_unmet);

// Checks one year on its own (monitor kind only when monitored, exit year
// present exactly when the status needs it, not after `year`).
Status CheckYear(const HouseholdYear& y);

// Checks that `cur` may follow `prev`, the household's previous year on the
// register. Allowed:
//   not_poor  → not_poor | poor | monitored (marginal or sudden hardship)
//   poor      → poor | exited (exit_year = this year)
//   exited    → exited | monitored (unstable_exited) | poor (return to poverty)
//   monitored → monitored | poor | exited (risk eliminated, only after an exit) | not_poor (never exited)
// Once a household has exited, every later exited or monitored year carries
// the same exit year; a household that never exited shows none. Anything else
// contradicts the previous year.
Status CheckTransition(const HouseholdYear& prev, const HouseholdYear& cur);

// Checks that a village's register status `cur` in `cur_year` may follow
// `prev` in `prev_year`, its previous year on the register. Allowed:
//   not_poor → not_poor | poor (designated a poor village)
//   poor     → poor | exited
//   exited   → exited
// An exited village stays exited; a village leaves the register only by exiting.
Status CheckVillageTransition(VillageStatus prev, int prev_year, VillageStatus cur, int cur_year);

// Poverty incidence = poor people / registered rural population × 100.
struct Incidence {
  int64_t poor = 0;
  int64_t population = 0;
  // In hundredths of a percent, rounded half up: 42.20 % → 4220. nullopt
  // when the population is 0 (no data).
  std::optional<int64_t> Hundredths() const;
  // "42.20"; "" when there is no population.
  std::string Percent() const;
  // Strictly below `threshold_hundredths` (3 % = 300), compared exactly.
  bool Below(int64_t threshold_hundredths) const;
};

// A poor village (or county) exits in the first year its incidence falls below
// the threshold of its zone (3 % in the west). Given a series of incidences by
// year, in year order, returns the exit year, or nullopt if it never falls below.
std::optional<int> ExitYear(const std::vector<std::pair<int, Incidence>>& series, int64_t threshold_hundredths);

// The status the village register should show for `year`, given whether the
// village was registered poor and the incidence series up to that year.
VillageStatus VillageStatusFor(bool registered_poor, const std::vector<std::pair<int, Incidence>>& series, int year,
                               int64_t threshold_hundredths);

// A mainland resident identity number (GB 11643-1999): 18 characters, region
// code, birth date, sequence, ISO 7064 MOD 11-2 check character.
bool IsValidIdNumber(std::string_view id);
char IdCheckCharacter(std::string_view first17);
// "622926********1234"-style masking for anyone without a registry role.
std::string MaskIdNumber(std::string_view id);

}  // namespace fupin::registry
