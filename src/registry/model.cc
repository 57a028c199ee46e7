#include "registry/model.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/text.h"

namespace fupin::registry {

const std::vector<std::string_view> kCauses = {
    "illness", "disability", "schooling", "lack_of_skills", "lack_of_labour", "lack_of_capital",
    "lack_of_land", "lack_of_water", "poor_transport", "weak_motivation", "disaster", "other"};

const std::vector<std::string_view> kBasicNeeds = {"food", "clothing", "schooling", "medical", "housing", "water"};

const char* StatusName(HouseholdStatus s) {
  switch (s) {
    case HouseholdStatus::kNotPoor: return "not_poor";
    case HouseholdStatus::kPoor: return "poor";
    case HouseholdStatus::kExited: return "exited";
    case HouseholdStatus::kMonitored: return "monitored";
  }
  return "not_poor";
}

std::optional<HouseholdStatus> ParseStatus(std::string_view s) {
  if (s == "not_poor") return HouseholdStatus::kNotPoor;
  if (s == "poor") return HouseholdStatus::kPoor;
  if (s == "exited") return HouseholdStatus::kExited;
  if (s == "monitored") return HouseholdStatus::kMonitored;
  return std::nullopt;
}

const char* MonitorKindName(MonitorKind k) {
  switch (k) {
    case MonitorKind::kUnstableExited: return "unstable_exited";
    case MonitorKind::kMarginal: return "marginal";
    case MonitorKind::kSuddenHardship: return "sudden_hardship";
  }
  return "marginal";
}

std::optional<MonitorKind> ParseMonitorKind(std::string_view s) {
  if (s == "unstable_exited") return MonitorKind::kUnstableExited;
  if (s == "marginal") return MonitorKind::kMarginal;
  if (s == "sudden_hardship") return MonitorKind::kSuddenHardship;
  return std::nullopt;
}

const char* VillageStatusName(VillageStatus s) {
  switch (s) {
    case VillageStatus::kNotPoor: return "not_poor";
    case VillageStatus::kPoor: return "poor";
    case VillageStatus::kExited: return "exited";
  }
  return "not_poor";
}

std::optional<VillageStatus> ParseVillageStatus(std::string_view s) {
  if (s == "not_poor") return VillageStatus::kNotPoor;
  if (s == "poor") return VillageStatus::kPoor;
  if (s == "exited") return VillageStatus::kExited;
  return std::nullopt;
}

bool IsCause(std::string_view s) { return std::find(kCauses.begin(), kCauses.end(), s) != kCauses.end(); }

Result<std::vector<std::string>> ParseNeedsUnmet(std::string_view s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t last = 0;
  bool first = true;
  for (std::string_view part : text::Split(s, ';')) {
    auto it = std::find(kBasicNeeds.begin(), kBasicNeeds.end(), part);
    if (it == kBasicNeeds.end()) {
      return Error::Invalid(fmt::format("'{}' is not a basic need (food, clothing, schooling, medical, housing, water)",
                                        part));
    }
    size_t pos = static_cast<size_t>(it - kBasicNeeds.begin());
    if (!first && pos <= last) {
      return Error::Invalid("basic needs must be listed once each, in the order food;clothing;schooling;medical;"
                            "housing;water");
    }
    first = false;
    last = pos;
    out.emplace_back(part);
  }
  return out;
}

bool CanExit(Money income_per_capita, Money poverty_line, const std::vector<std::string>& needs_unmet) {
  return income_per_capita > poverty_line && needs_unmet.empty();
}

Status CheckYear(const HouseholdYear& y) {
  bool monitored = y.status == HouseholdStatus::kMonitored;
  if (monitored != y.monitor_kind.has_value()) {
    return Error::Invalid(monitored ? "a monitored household needs a monitor kind (unstable_exited, marginal, "
                                      "sudden_hardship)"
                                    : "only a monitored household has a monitor kind",
                          "monitor_kind");
  }
  bool needs_exit_year = y.status == HouseholdStatus::kExited ||
                         (monitored && y.monitor_kind == MonitorKind::kUnstableExited);
  bool may_have_exit_year = needs_exit_year || monitored;
  if (needs_exit_year && !y.exit_year) {
    return Error::Invalid(fmt::format("status {} needs an exit year", StatusName(y.status)), "exit_year");
  }
  if (y.exit_year && !may_have_exit_year) {
    return Error::Invalid(fmt::format("a household with status {} has no exit year", StatusName(y.status)),
                          "exit_year");
  }
  if (y.exit_year && *y.exit_year > y.year) {
    return Error::Invalid(fmt::format("exit year {} is after the year {}", *y.exit_year, y.year), "exit_year");
  }
  if (y.income_per_capita.fen() < 0) return Error::Invalid("income cannot be negative", "income_per_capita_fen");
  return {};
}

Status CheckTransition(const HouseholdYear& prev, const HouseholdYear& cur) {
  using S = HouseholdStatus;
  auto contradiction = [&](std::string_view why) {
    return Error::Invalid(fmt::format("status {} in {} contradicts status {} in {}: {}", StatusName(cur.status),
                                      cur.year, StatusName(prev.status), prev.year, why),
                          "status");
  };
  // The exit year, once there is one, travels with every later exited or
  // monitored year; a household that never exited cannot show one.
  bool carries_exit = cur.status == S::kExited || cur.status == S::kMonitored;
  if (prev.exit_year && carries_exit && cur.exit_year != prev.exit_year) {
    return Error::Invalid(fmt::format("exit year {} differs from {} the year before",
                                      cur.exit_year ? fmt::format("{}", *cur.exit_year) : std::string("(none)"),
                                      *prev.exit_year),
                          "exit_year");
  }
  if (!prev.exit_year && cur.status == S::kMonitored && cur.exit_year) {
    return contradiction("a household that never exited has no exit year");
  }
  switch (prev.status) {
    case S::kNotPoor:
      if (cur.status == S::kExited) return contradiction("a household that was not poor cannot exit");
      return {};
    case S::kPoor:
      if (cur.status == S::kNotPoor) return contradiction("a poor household leaves the register only by exiting");
      if (cur.status == S::kMonitored) return contradiction("a poor household must exit before it is monitored");
      if (cur.status == S::kExited && cur.exit_year != cur.year) {
        return Error::Invalid(fmt::format("a household poor in {} and exited in {} has exit year {}, not {}",
                                          prev.year, cur.year, cur.exit_year.value_or(0), cur.year),
                              "exit_year");
      }
      return {};
    case S::kExited:
      if (cur.status == S::kNotPoor) return contradiction("an exited household stays on the register as exited");
      if (cur.status == S::kMonitored && cur.monitor_kind != MonitorKind::kUnstableExited) {
        return contradiction("an exited household is monitored as unstable_exited");
      }
      return {};
    case S::kMonitored:
      if (cur.status == S::kExited && !prev.exit_year) {
        return contradiction("a monitored household that never exited cannot become exited");
      }
      if (cur.status == S::kNotPoor && prev.exit_year) {
        return contradiction("a household that exited stays on the register as exited");
      }
      return {};
  }
  return {};
}

Status CheckVillageTransition(VillageStatus prev, int prev_year, VillageStatus cur, int cur_year) {
  using V = VillageStatus;
  const char* why = nullptr;
  if (prev == V::kPoor && cur == V::kNotPoor) why = "a poor village leaves the register only by exiting";
  if (prev == V::kExited && cur == V::kPoor) why = "an exited village is not registered poor again";
  if (prev == V::kExited && cur == V::kNotPoor) why = "an exited village stays on the register as exited";
  if (prev == V::kNotPoor && cur == V::kExited) why = "a village that was not poor cannot exit";
  if (!why) return {};
  return Error::Invalid(fmt::format("village status {} in {} contradicts status {} in {}: {}", VillageStatusName(cur),
                                    cur_year, VillageStatusName(prev), prev_year, why),
                        "status");
}

std::optional<int64_t> Incidence::Hundredths() const {
  if (population <= 0) return std::nullopt;
  // round(poor * 10000 / population), half up, in integers.
  return (poor * 20000 + population) / (2 * population);
}

std::string Incidence::Percent() const {
  auto h = Hundredths();
  return h ? text::FormatFixed(*h, 2) : std::string();
}

bool Incidence::Below(int64_t threshold_hundredths) const {
  return population > 0 && poor * 10000 < threshold_hundredths * population;
}

std::optional<int> ExitYear(const std::vector<std::pair<int, Incidence>>& series, int64_t threshold_hundredths) {
  for (const auto& [year, incidence] : series) {
    if (incidence.Below(threshold_hundredths)) return year;
  }
  return std::nullopt;
}

VillageStatus VillageStatusFor(bool registered_poor, const std::vector<std::pair<int, Incidence>>& series, int year,
                               int64_t threshold_hundredths) {
  if (!registered_poor) return VillageStatus::kNotPoor;
  std::vector<std::pair<int, Incidence>> upto;
  for (const auto& entry : series) {
    if (entry.first <= year) upto.push_back(entry);
  }
  return ExitYear(upto, threshold_hundredths) ? VillageStatus::kExited : VillageStatus::kPoor;
}

char IdCheckCharacter(std::string_view first17) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kChars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[static_cast<size_t>(i)] - '0') * kWeights[i];
  return kChars[sum % 11];
}

bool IsValidIdNumber(std::string_view id) {
  if (id.size() != 18) return false;
  for (size_t i = 0; i < 17; ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
  }
  int year = (id[6] - '0') * 1000 + (id[7] - '0') * 100 + (id[8] - '0') * 10 + (id[9] - '0');
  int month = (id[10] - '0') * 10 + (id[11] - '0');
  int day = (id[12] - '0') * 10 + (id[13] - '0');
  if (year < 1800 || month < 1 || month > 12 || day < 1) return false;
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day > days) return false;
  return IdCheckCharacter(id.substr(0, 17)) == id[17];
}

std::string MaskIdNumber(std::string_view id) {
  // Too short to be a real number: show nothing of it.
  if (id.size() < 15) return std::string(id.size(), '*');
  std::string out(id);
  for (size_t i = 6; i < out.size() - 4; ++i) out[i] = '*';
  return out;
}

}  // namespace fupin::registry
