#include "registry/exchange.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "base/csv.h"
#include "base/text.h"
#include "db/bulk_load.h"
#include "regions/tree.h"
#include "registry/stats.h"
#include "registry/store.h"
#include "registry/year_counts.h"

namespace fupin::registry {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMaxId = std::numeric_limits<int64_t>::max();
// Upper bounds that only catch typos (a misplaced column, a value in yuan × 100 twice).
constexpr int64_t kMaxFen = 1'000'000'000'000;  // 10 billion yuan
constexpr int64_t kMaxDistanceM = 10'000'000;   // 10,000 km

int FileIndex(std::string_view name) {
  for (size_t i = 0; i < kRegistryFiles.size(); ++i) {
    if (kRegistryFiles[i].name == name) return static_cast<int>(i);
  }
  return static_cast<int>(kRegistryFiles.size());
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// Collects errors up to a limit.
class ErrorSink {
 public:
  explicit ErrorSink(size_t max) : max_(max) {}
  bool Full() const { return errors_.size() >= max_; }
  void Add(std::string_view file, int64_t line, int column, std::string reason) {
    if (Full()) return;
    errors_.push_back(FileError{std::string(file), line, column, std::move(reason)});
  }
  // csv::Reader messages read "line N, column C: reason" or "line N: reason".
  void AddReaderError(std::string_view file, const std::string& message) {
    std::string_view m = message;
    int64_t line = 0;
    int column = 0;
    auto number = [&m](int64_t& out) {
      size_t n = 0;
      while (n < m.size() && m[n] >= '0' && m[n] <= '9') ++n;
      std::from_chars(m.data(), m.data() + n, out);
      m.remove_prefix(n);
    };
    if (m.starts_with("line ")) {
      m.remove_prefix(5);
      number(line);
      if (m.starts_with(", column ")) {
        m.remove_prefix(9);
        int64_t c = 0;
        number(c);
        column = static_cast<int>(c);
      }
      if (m.starts_with(": ")) m.remove_prefix(2);
    }
    Add(file, line, column, std::string(m));
  }
  std::vector<FileError> Take() { return std::move(errors_); }

 private:
  size_t max_;
  std::vector<FileError> errors_;
};

// "'text'" for messages: one line (control characters shown as '?'), long
// values cut at a character boundary.
std::string Quoted(std::string_view s) {
  constexpr size_t kMax = 60;
  bool cut = s.size() > kMax;
  if (cut) {
    size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s = s.substr(0, n);
  }
  std::string out = "'";
  for (char c : s) out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c);
  out += cut ? "…'" : "'";
  return out;
}

// One record of a file with the right number of fields, and the checks of its fields.
class Row {
 public:
  Row(std::string_view file, const std::vector<std::string_view>& columns, csv::Record& record, ErrorSink& sink)
      : file_(file), columns_(columns), record_(record), sink_(sink) {}

  int64_t line() const { return record_.line; }
  bool ok() const { return ok_; }
  std::string& Text(int i) { return record_.fields[static_cast<size_t>(i)]; }
  bool Empty(int i) { return Text(i).empty(); }
  std::string_view Name(int i) const { return columns_[static_cast<size_t>(i)]; }

  void Fail(int i, std::string reason) {
    ok_ = false;
    sink_.Add(file_, line(), i + 1, std::move(reason));
  }

  // A whole number in [min, max].
  std::optional<int64_t> Int(int i, int64_t min, int64_t max) {
    Result<int64_t> v = text::ParseInt64(Text(i));
    if (!v) {
      Fail(i, Text(i).empty() ? fmt::format("{} is empty; a whole number is expected", Name(i))
                              : fmt::format("{}: {}", Name(i), v.error().message));
      return std::nullopt;
    }
    if (*v < min || *v > max) {
      Fail(i, fmt::format("{}: {} is outside {}..{}", Name(i), *v, min, max));
      return std::nullopt;
    }
    return *v;
  }

  // 0 or 1.
  std::optional<bool> Flag(int i) {
    const std::string& s = Text(i);
    if (s == "0") return false;
    if (s == "1") return true;
    Fail(i, fmt::format("{} must be 0 or 1, not {}", Name(i), Quoted(s)));
    return std::nullopt;
  }
  // 0, 1 or empty (-1).
  int8_t OptFlag(int i) {
    if (Empty(i)) return -1;
    auto v = Flag(i);
    return v ? static_cast<int8_t>(*v) : int8_t{-1};
  }

  // Not empty.
  bool Required(int i) {
    if (!Empty(i)) return true;
    Fail(i, fmt::format("{} is empty", Name(i)));
    return false;
  }

 private:
  std::string_view file_;
  const std::vector<std::string_view>& columns_;
  csv::Record& record_;
  ErrorSink& sink_;
  bool ok_ = true;
};

// Reads `text` as the file `spec`: checks the header, then calls on_row for
// every record with the right number of fields. Returns false when the header
// is missing or wrong (reported; the rows are not read).
template <typename OnRow>
bool ForEachRow(const RegistryFileSpec& spec, std::string_view text, ErrorSink& sink, OnRow&& on_row) {
  std::vector<std::string_view> columns = text::Split(spec.header, ',');
  csv::Reader reader(text);
  auto first = reader.Next();
  if (!first) {
    sink.AddReaderError(spec.name, first.error().message);
    return false;
  }
  if (!*first) {
    sink.Add(spec.name, 1, 0, fmt::format("the file is empty; its first line must be the header {}", spec.header));
    return false;
  }
  const std::vector<std::string>& header = (*first)->fields;
  if (!std::equal(header.begin(), header.end(), columns.begin(), columns.end())) {
    size_t i = 0;
    while (i < header.size() && i < columns.size() && header[i] == columns[i]) ++i;
    std::string found = i < header.size() ? fmt::format("found {}", Quoted(header[i]))
                                          : fmt::format("the line ends after {} columns", header.size());
    sink.Add(spec.name, 1, static_cast<int>(i + 1),
             fmt::format("the header must be exactly {} ({})", spec.header, found));
    return false;
  }
  while (!sink.Full()) {
    auto next = reader.Next();
    if (!next) {
      sink.AddReaderError(spec.name, next.error().message);
      continue;
    }
    if (!*next) break;
    csv::Record& record = **next;
    if (record.fields.size() != columns.size()) {
      int column = static_cast<int>(std::min(record.fields.size(), columns.size()) + 1);
      sink.Add(spec.name, record.line, column,
               fmt::format("{} {} where {} are expected ({})", record.fields.size(),
                           record.fields.size() == 1 ? "field" : "fields", columns.size(), spec.header));
      continue;
    }
    Row row(spec.name, columns, record, sink);
    on_row(row);
  }
  return true;
}

// Where an administrative village sits in the region tree.
struct VillagePlace {
  const regions::Region* township = nullptr;
  const regions::Region* county = nullptr;
};

std::string CountyOf(const regions::RegionTree& tree, std::string_view code) {
  const regions::Region* county = tree.AncestorAt(code, regions::Level::kCounty);
  return county ? county->code : std::string();
}

// The column of household_years.csv a rule's error names.
int HouseholdYearColumn(const std::string& field) {
  if (field == "status") return 3;
  if (field == "monitor_kind") return 4;
  if (field == "exit_year") return 5;
  if (field == "income_per_capita_fen") return 6;
  return 3;
}

HouseholdYear AsRuleYear(const HouseholdYearRow& r) {
  HouseholdYear y;
  y.year = r.year;
  y.status = r.status;
  if (r.monitor_kind >= 0) y.monitor_kind = static_cast<MonitorKind>(r.monitor_kind);
  if (r.exit_year != 0) y.exit_year = r.exit_year;
  y.income_per_capita = Money::FromFen(r.income_per_capita_fen);
  return y;
}

bool IsSettingKey(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

}  // namespace

const std::string& NeedsUnmetText(uint8_t needs_unmet) {
  static const std::vector<std::string> table = [] {
    std::vector<std::string> t(64);
    for (unsigned mask = 0; mask < 64; ++mask) {
      for (size_t i = 0; i < kBasicNeeds.size(); ++i) {
        if (mask & (1u << i)) {
          if (!t[mask].empty()) t[mask].push_back(';');
          t[mask].append(kBasicNeeds[i]);
        }
      }
    }
    return t;
  }();
  return table[needs_unmet & 63u];
}

std::string FileError::ToString() const {
  if (column > 0) return fmt::format("{} line {}, column {}: {}", file, line, column, reason);
  return fmt::format("{} line {}: {}", file, line, reason);
}

// ---------------------------------------------------------------------------
// RegistryParser

struct RegistryParser::State {
  State(const regions::RegionTree& t, int max) : tree(t), max_errors(max < 1 ? 1 : static_cast<size_t>(max)) {
    for (const regions::Region& r : tree.All()) {
      if (!r.IsAdministrativeVillage()) continue;
      places.emplace(r.code, VillagePlace{tree.AncestorAt(r.code, regions::Level::kTownship),
                                          tree.AncestorAt(r.code, regions::Level::kCounty)});
    }
  }

  // Marks `spec` as given and returns the error list for reading it; nullopt
  // when it should not be read (given before, or max_errors reached).
  std::optional<ErrorSink> Begin(const RegistryFileSpec& spec) {
    std::lock_guard<std::mutex> lock(mu);
    size_t i = static_cast<size_t>(FileIndex(spec.name));
    if (given[i]) return std::nullopt;
    given[i] = true;
    if (errors.size() >= max_errors) return std::nullopt;
    return ErrorSink(max_errors - errors.size());
  }
  // Adds the errors of a file read.
  void End(ErrorSink& sink) {
    std::vector<FileError> found = sink.Take();
    std::lock_guard<std::mutex> lock(mu);
    errors.insert(errors.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
  }
  bool Full() {
    std::lock_guard<std::mutex> lock(mu);
    return errors.size() >= max_errors;
  }

  // The place of the administrative village in column `i`; reports and returns nullptr otherwise.
  const VillagePlace* Village(Row& row, int i) {
    const std::string& code = row.Text(i);
    auto it = places.find(code);
    if (it != places.end()) return &it->second;
    if (code.empty()) {
      row.Fail(i, fmt::format("{} is empty", row.Name(i)));
      return nullptr;
    }
    const regions::Region* r = tree.Find(code);
    if (!r) {
      row.Fail(i, fmt::format("{} {} is not in the region tree", row.Name(i), Quoted(code)));
    } else if (r->level != regions::Level::kVillage) {
      row.Fail(i, fmt::format("{} {} ({}) is a {}, not a village", row.Name(i), Quoted(code), r->name,
                              regions::LevelName(r->level)));
    } else {
      row.Fail(i, fmt::format("{} {} ({}) is a {}, not an administrative village (villagers_committee)", row.Name(i),
                              Quoted(code), r->name, r->kind));
    }
    return nullptr;
  }

  // Checks that column `i` names a household of households.csv.
  void KnownHousehold(Row& row, int i, int64_t id) {
    if (households_read && !household_lines.contains(id)) {
      row.Fail(i, fmt::format("household_id {} is not in {}", id, kHouseholdsFile.name));
    }
  }

  const regions::RegionTree& tree;
  const size_t max_errors;
  // Files may be read on several threads at once (after households.csv): each
  // collects its errors on its own and adds them here under the lock.
  std::mutex mu;
  std::vector<FileError> errors;
  std::array<bool, kRegistryFiles.size()> given{};
  std::unordered_map<std::string, VillagePlace> places;  // administrative villages
  RegistryData data;
  // households.csv: every household id read (valid row or not) and its line, so
  // that other files are checked against it without a cascade of errors.
  bool households_read = false;
  std::unordered_map<int64_t, int64_t> household_lines;
};

RegistryParser::RegistryParser(const regions::RegionTree& tree, int max_errors)
    : s_(std::make_unique<State>(tree, max_errors)) {}

RegistryParser::~RegistryParser() = default;

bool RegistryParser::Full() const { return s_->Full(); }

void RegistryParser::Households(std::string_view text) {
  State& s = *s_;
  std::optional<ErrorSink> started = s.Begin(kHouseholdsFile);
  if (!started) return;
  ErrorSink& sink = *started;
  auto& out = s.data.households;
  bool sorted = true;
  s.households_read = ForEachRow(kHouseholdsFile, text, sink, [&](Row& row) {
    HouseholdRow h;
    h.line = row.line();
    if (auto id = row.Int(0, 1, kMaxId)) {
      h.household_id = *id;
      auto [it, inserted] = s.household_lines.emplace(*id, row.line());
      if (!inserted) row.Fail(0, fmt::format("household_id {} is already on line {}", *id, it->second));
    }
    if (const VillagePlace* place = s.Village(row, 3)) {
      std::string_view village = row.Text(3);
      if (place->county && row.Text(1) != place->county->code) {
        row.Fail(1, fmt::format("county_code {} is not the county of village {}: the region tree has {} ({})",
                                Quoted(row.Text(1)), village, place->county->code, place->county->name));
      }
      if (place->township && row.Text(2) != place->township->code) {
        row.Fail(2, fmt::format("township_code {} is not the township of village {}: the region tree has {} ({})",
                                Quoted(row.Text(2)), village, place->township->code, place->township->name));
      }
    }
    row.Required(4);
    if (!row.Empty(5) && !IsCause(row.Text(5))) {
      std::string causes;
      for (std::string_view c : kCauses) causes += (causes.empty() ? "" : ", ") + std::string(c);
      row.Fail(5, fmt::format("cause {} is not one of {} (or empty)", Quoted(row.Text(5)), causes));
    }
    if (auto year = row.Int(6, kMinYear, kMaxYear)) h.registered_year = static_cast<int>(*year);
    if (auto synthetic = row.Flag(7)) h.synthetic = *synthetic;
    if (!row.ok()) return;
    h.county_code = std::move(row.Text(1));
    h.township_code = std::move(row.Text(2));
    h.village_code = std::move(row.Text(3));
    h.head_name = std::move(row.Text(4));
    h.cause = std::move(row.Text(5));
    if (!out.empty() && out.back().household_id >= h.household_id) sorted = false;
    out.push_back(std::move(h));
  });
  if (!sorted) {
    std::sort(out.begin(), out.end(),
              [](const HouseholdRow& a, const HouseholdRow& b) { return a.household_id < b.household_id; });
  }
  s.End(sink);
}

void RegistryParser::Members(std::string_view text) {
  State& s = *s_;
  std::optional<ErrorSink> started = s.Begin(kMembersFile);
  if (!started) return;
  ErrorSink& sink = *started;
  auto& out = s.data.members;
  // Every member id read, with its line, for the duplicate check.
  std::vector<std::pair<int64_t, int64_t>> ids;
  bool ids_sorted = true;
  // Real identity numbers must be unique; synthetic ones (demo data) may repeat.
  std::unordered_map<std::string, int64_t> real_ids;
  ForEachRow(kMembersFile, text, sink, [&](Row& row) {
    MemberRow m;
    m.line = row.line();
    if (auto id = row.Int(0, 1, kMaxId)) {
      m.member_id = *id;
      if (!ids.empty() && ids.back().first >= *id) ids_sorted = false;
      ids.emplace_back(*id, row.line());
    }
    if (auto household = row.Int(1, 1, kMaxId)) {
      m.household_id = *household;
      s.KnownHousehold(row, 1, *household);
    }
    row.Required(2);
    row.Required(3);
    const std::string& sex = row.Text(4);
    if (sex == "F" || sex == "M") {
      m.sex = sex[0];
    } else {
      row.Fail(4, fmt::format("sex must be F or M, not {}", Quoted(sex)));
    }
    if (auto year = row.Int(5, kMinYear, kMaxYear)) m.birth_year = static_cast<int>(*year);
    const std::string& id_number = row.Text(6);
    if (!id_number.empty() && !IsValidIdNumber(id_number)) {
      row.Fail(6, fmt::format("id_number {} is not a valid identity number (18 characters: 17 digits with a birth "
                              "date, then the check character of GB 11643)",
                              Quoted(MaskIdNumber(id_number))));
    }
    if (auto synthetic = row.Flag(7)) m.id_synthetic = *synthetic;
    if (row.ok() && !m.id_synthetic && !id_number.empty()) {
      auto [it, inserted] = real_ids.emplace(id_number, row.line());
      if (!inserted) {
        row.Fail(6, fmt::format("id_number {} is already on line {}", Quoted(MaskIdNumber(id_number)), it->second));
      }
    }
    if (!row.ok()) return;
    m.name = std::move(row.Text(2));
    m.relation = std::move(row.Text(3));
    m.id_number = std::move(row.Text(6));
    out.push_back(std::move(m));
  });
  if (!ids_sorted) {
    std::sort(ids.begin(), ids.end());
    std::stable_sort(out.begin(), out.end(),
                     [](const MemberRow& a, const MemberRow& b) { return a.member_id < b.member_id; });
  }
  for (size_t i = 1; i < ids.size() && !sink.Full(); ++i) {
    if (ids[i].first == ids[i - 1].first) {
      sink.Add(kMembersFile.name, ids[i].second, 1,
               fmt::format("member_id {} is already on line {}", ids[i].first, ids[i - 1].second));
    }
  }
  s.End(sink);
}

void RegistryParser::HouseholdYears(std::string_view text) {
  State& s = *s_;
  std::optional<ErrorSink> started = s.Begin(kHouseholdYearsFile);
  if (!started) return;
  ErrorSink& sink = *started;
  auto& out = s.data.household_years;
  bool sorted = true;
  // Households with a bad row: their year sequence is not checked, so one bad
  // row gives one error, not a cascade.
  std::unordered_set<int64_t> broken;
  ForEachRow(kHouseholdYearsFile, text, sink, [&](Row& row) {
    HouseholdYearRow y;
    y.line = row.line();
    std::optional<int64_t> household = row.Int(0, 1, kMaxId);
    if (household) {
      y.household_id = *household;
      s.KnownHousehold(row, 0, *household);
    }
    if (auto year = row.Int(1, kMinYear, kMaxYear)) y.year = static_cast<int32_t>(*year);
    if (auto members = row.Int(2, 1, kMaxMembers)) y.members = static_cast<int32_t>(*members);
    if (auto status = ParseStatus(row.Text(3))) {
      y.status = *status;
    } else {
      row.Fail(3, fmt::format("status {} is not one of not_poor, poor, exited, monitored", Quoted(row.Text(3))));
    }
    if (!row.Empty(4)) {
      if (auto kind = ParseMonitorKind(row.Text(4))) {
        y.monitor_kind = static_cast<int8_t>(*kind);
      } else {
        row.Fail(4, fmt::format("monitor_kind {} is not one of unstable_exited, marginal, sudden_hardship (or empty)",
                                Quoted(row.Text(4))));
      }
    }
    if (!row.Empty(5)) {
      if (auto exit_year = row.Int(5, kMinYear, kMaxYear)) y.exit_year = static_cast<int32_t>(*exit_year);
    }
    if (auto income = row.Int(6, 0, kMaxFen)) y.income_per_capita_fen = *income;
    if (!row.Empty(7)) {
      auto needs = ParseNeedsUnmet(row.Text(7));
      if (needs) {
        for (const std::string& need : *needs) {
          auto it = std::find(kBasicNeeds.begin(), kBasicNeeds.end(), need);
          y.needs_unmet |= static_cast<uint8_t>(1u << (it - kBasicNeeds.begin()));
        }
      } else {
        row.Fail(7, fmt::format("needs_unmet: {}", needs.error().message));
      }
    }
    if (row.ok()) {
      Status rules = CheckYear(AsRuleYear(y));
      if (!rules) row.Fail(HouseholdYearColumn(rules.error().field), rules.error().message);
    }
    if (!row.ok()) {
      if (household) broken.insert(*household);
      return;
    }
    if (!out.empty() && std::tie(out.back().household_id, out.back().year) >= std::tie(y.household_id, y.year)) {
      sorted = false;
    }
    out.push_back(y);
  });
  if (!sorted) {
    std::stable_sort(out.begin(), out.end(), [](const HouseholdYearRow& a, const HouseholdYearRow& b) {
      return std::tie(a.household_id, a.year) < std::tie(b.household_id, b.year);
    });
  }
  // The year sequence of each household, in year order.
  for (size_t i = 1; i < out.size() && !sink.Full(); ++i) {
    const HouseholdYearRow& prev = out[i - 1];
    const HouseholdYearRow& cur = out[i];
    if (prev.household_id != cur.household_id || broken.contains(cur.household_id)) continue;
    if (prev.year == cur.year) {
      sink.Add(kHouseholdYearsFile.name, cur.line, 2,
               fmt::format("household {} already has a row for {} on line {}", cur.household_id, cur.year, prev.line));
      continue;
    }
    Status rules = CheckTransition(AsRuleYear(prev), AsRuleYear(cur));
    if (!rules) {
      sink.Add(kHouseholdYearsFile.name, cur.line, HouseholdYearColumn(rules.error().field) + 1, rules.error().message);
    }
  }
  s.End(sink);
}

void RegistryParser::Villages(std::string_view text) {
  State& s = *s_;
  std::optional<ErrorSink> started = s.Begin(kVillagesFile);
  if (!started) return;
  ErrorSink& sink = *started;
  auto& out = s.data.villages;
  std::unordered_map<std::string, int64_t> lines;
  ForEachRow(kVillagesFile, text, sink, [&](Row& row) {
    VillageRow v;
    const VillagePlace* place = s.Village(row, 0);
    if (place) {
      auto [it, inserted] = lines.emplace(row.Text(0), row.line());
      if (!inserted) row.Fail(0, fmt::format("village_code {} is already on line {}", row.Text(0), it->second));
    }
    if (auto deep = row.Flag(1)) v.deep_poverty = *deep;
    v.broadband = row.OptFlag(2);
    v.mobile_4g = row.OptFlag(3);
    v.paved_road = row.OptFlag(4);
    if (!row.Empty(5)) {
      if (auto d = row.Int(5, 0, kMaxDistanceM)) v.distance_to_township_m = *d;
    }
    if (!row.ok()) return;
    v.village_code = std::move(row.Text(0));
    v.county_code = place->county ? place->county->code : std::string();
    v.township_code = place->township ? place->township->code : std::string();
    out.push_back(std::move(v));
  });
  std::sort(out.begin(), out.end(),
            [](const VillageRow& a, const VillageRow& b) { return a.village_code < b.village_code; });
  s.End(sink);
}

void RegistryParser::VillageYears(std::string_view text) {
  State& s = *s_;
  std::optional<ErrorSink> started = s.Begin(kVillageYearsFile);
  if (!started) return;
  ErrorSink& sink = *started;
  auto& out = s.data.village_years;
  std::map<std::pair<std::string, int64_t>, int64_t> lines;
  ForEachRow(kVillageYearsFile, text, sink, [&](Row& row) {
    VillageYearRow v;
    const VillagePlace* place = s.Village(row, 0);
    auto year = row.Int(1, kMinYear, kMaxYear);
    if (place && year) {
      auto [it, inserted] = lines.emplace(std::make_pair(row.Text(0), *year), row.line());
      if (!inserted) {
        row.Fail(1, fmt::format("village {} already has a row for {} on line {}", row.Text(0), *year, it->second));
      }
    }
    if (auto status = ParseVillageStatus(row.Text(2))) {
      v.status = *status;
    } else {
      row.Fail(2, fmt::format("status {} is not one of not_poor, poor, exited", Quoted(row.Text(2))));
    }
    if (!row.ok()) return;
    v.village_code = std::move(row.Text(0));
    v.county_code = place->county ? place->county->code : std::string();
    v.year = static_cast<int>(*year);
    v.line = row.line();
    out.push_back(std::move(v));
  });
  std::sort(out.begin(), out.end(), [](const VillageYearRow& a, const VillageYearRow& b) {
    return std::tie(a.village_code, a.year) < std::tie(b.village_code, b.year);
  });
  // The register of each village, in year order.
  for (size_t i = 1; i < out.size() && !sink.Full(); ++i) {
    const VillageYearRow& prev = out[i - 1];
    const VillageYearRow& cur = out[i];
    if (prev.village_code != cur.village_code || prev.year == cur.year) continue;
    Status rules = CheckVillageTransition(prev.status, prev.year, cur.status, cur.year);
    if (!rules) sink.Add(kVillageYearsFile.name, cur.line, 3, rules.error().message);
  }
  s.End(sink);
}

void RegistryParser::PovertyLines(std::string_view text) {
  State& s = *s_;
  std::optional<ErrorSink> started = s.Begin(kPovertyLinesFile);
  if (!started) return;
  ErrorSink& sink = *started;
  auto& out = s.data.poverty_lines;
  std::map<int64_t, int64_t> lines;
  ForEachRow(kPovertyLinesFile, text, sink, [&](Row& row) {
    PovertyLineRow p;
    if (auto year = row.Int(0, kMinYear, kMaxYear)) {
      p.year = static_cast<int>(*year);
      auto [it, inserted] = lines.emplace(*year, row.line());
      if (!inserted) row.Fail(0, fmt::format("year {} is already on line {}", *year, it->second));
    }
    if (auto line = row.Int(1, 1, kMaxFen)) p.poverty_line_fen = *line;
    if (!row.Empty(2)) {
      if (auto line = row.Int(2, 1, kMaxFen)) p.monitoring_line_fen = *line;
    }
    row.Required(3);
    if (!row.ok()) return;
    p.source = std::move(row.Text(3));
    out.push_back(std::move(p));
  });
  std::sort(out.begin(), out.end(), [](const PovertyLineRow& a, const PovertyLineRow& b) { return a.year < b.year; });
  s.End(sink);
}

void RegistryParser::Settings(std::string_view text) {
  State& s = *s_;
  std::optional<ErrorSink> started = s.Begin(kSettingsFile);
  if (!started) return;
  ErrorSink& sink = *started;
  auto& out = s.data.settings;
  std::map<std::string, int64_t> lines;
  ForEachRow(kSettingsFile, text, sink, [&](Row& row) {
    const std::string& key = row.Text(0);
    if (!IsSettingKey(key)) {
      row.Fail(0, fmt::format("key {} must be lower-case letters, digits, '_' or '.'", Quoted(key)));
    } else {
      auto [it, inserted] = lines.emplace(key, row.line());
      if (!inserted) row.Fail(0, fmt::format("key {} is already on line {}", key, it->second));
    }
    // The thresholds the exit rules read must be percentages (ReferenceData).
    if (key.ends_with("_threshold_percent")) {
      auto v = text::ParseFixed(row.Text(1), 2);
      if (!v || *v < 0 || *v > 10000) {
        row.Fail(1, fmt::format("value {} of {} is not a percentage between 0 and 100 (e.g. 3 or 2.5)",
                                Quoted(row.Text(1)), key));
      }
    }
    row.Required(2);
    if (!row.ok()) return;
    out.push_back(SettingRow{std::move(row.Text(0)), std::move(row.Text(1)), std::move(row.Text(2))});
  });
  std::sort(out.begin(), out.end(), [](const SettingRow& a, const SettingRow& b) { return a.key < b.key; });
  s.End(sink);
}

void RegistryParser::File(std::string_view name, std::string_view text) {
  if (name == kHouseholdsFile.name) return Households(text);
  if (name == kMembersFile.name) return Members(text);
  if (name == kHouseholdYearsFile.name) return HouseholdYears(text);
  if (name == kVillagesFile.name) return Villages(text);
  if (name == kVillageYearsFile.name) return VillageYears(text);
  if (name == kPovertyLinesFile.name) return PovertyLines(text);
  if (name == kSettingsFile.name) return Settings(text);
}

RegistryParser::Outcome RegistryParser::Finish() {
  State& s = *s_;
  // A file never given is an empty file: its missing header is reported.
  for (const RegistryFileSpec& spec : kRegistryFiles) {
    if (!s.given[static_cast<size_t>(FileIndex(spec.name))]) File(spec.name, "");
  }
  // The exit rule, where the folder gives that year's poverty line: a household
  // exits only with per-capita income above the line and every basic need
  // guaranteed.
  std::map<int, int64_t> line_of_year;
  for (const PovertyLineRow& p : s.data.poverty_lines) line_of_year[p.year] = p.poverty_line_fen;
  const auto& years = s.data.household_years;
  for (size_t i = 1; i < years.size() && s.errors.size() < s.max_errors; ++i) {
    const HouseholdYearRow& prev = years[i - 1];
    const HouseholdYearRow& cur = years[i];
    if (prev.household_id != cur.household_id || prev.status != HouseholdStatus::kPoor ||
        cur.status != HouseholdStatus::kExited) {
      continue;
    }
    auto line = line_of_year.find(cur.year);
    if (line == line_of_year.end()) continue;
    if (cur.income_per_capita_fen <= line->second) {
      s.errors.push_back(FileError{std::string(kHouseholdYearsFile.name), cur.line, 7,
                                   fmt::format("household {} exits in {} with a per-capita income of {} yuan, not "
                                               "above that year's poverty line of {} yuan",
                                               cur.household_id, cur.year,
                                               FormatYuan(Money::FromFen(cur.income_per_capita_fen)),
                                               FormatYuan(Money::FromFen(line->second)))});
    } else if (cur.needs_unmet != 0) {
      s.errors.push_back(FileError{std::string(kHouseholdYearsFile.name), cur.line, 8,
                                   fmt::format("household {} exits in {} while basic needs are not guaranteed ({})",
                                               cur.household_id, cur.year, NeedsUnmetText(cur.needs_unmet))});
    }
  }
  Outcome outcome;
  outcome.errors = std::move(s.errors);
  std::stable_sort(outcome.errors.begin(), outcome.errors.end(), [](const FileError& a, const FileError& b) {
    int fa = FileIndex(a.file);
    int fb = FileIndex(b.file);
    return std::tie(fa, a.line, a.column) < std::tie(fb, b.line, b.column);
  });
  // Files read at the same time may together have found more than max_errors.
  outcome.truncated = outcome.errors.size() >= s.max_errors;
  if (outcome.errors.size() > s.max_errors) outcome.errors.resize(s.max_errors);
  if (outcome.errors.empty()) outcome.data = std::move(s.data);
  return outcome;
}

RegistryParser::Outcome ParseRegistry(const RegistryTexts& texts, const regions::RegionTree& tree, int max_errors) {
  RegistryParser parser(tree, max_errors);
  parser.Households(texts.households);
  parser.Members(texts.members);
  parser.HouseholdYears(texts.household_years);
  parser.Villages(texts.villages);
  parser.VillageYears(texts.village_years);
  parser.PovertyLines(texts.poverty_lines);
  parser.Settings(texts.settings);
  return parser.Finish();
}

// ---------------------------------------------------------------------------
// Files

namespace {

Result<std::string> ReadWholeFile(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::Unavailable(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  struct stat st {};
  std::string out;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Error::Unavailable(fmt::format("cannot read {}: {}", path.string(), std::strerror(err)));
    }
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// A CSV file written through a large buffer; fsynced on Close.
class CsvOut {
 public:
  explicit CsvOut(const fs::path& path) : path_(path), file_(std::fopen(path.c_str(), "wb")) {
    buf_.reserve(kFlushAt + (1 << 16));
  }
  ~CsvOut() {
    if (file_) std::fclose(file_);
  }
  CsvOut(const CsvOut&) = delete;
  CsvOut& operator=(const CsvOut&) = delete;

  std::string& buf() { return buf_; }
  // Ends a row: flushes when the buffer is large.
  void EndRow() {
    buf_.push_back('\n');
    ++rows_;
    if (buf_.size() >= kFlushAt) Flush();
  }
  int64_t rows() const { return rows_; }

  Status Close() {
    if (!file_) return Error::Unavailable(fmt::format("cannot write {}: {}", path_.string(), std::strerror(errno)));
    Flush();
    bool ok = !failed_ && std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
    ok = std::fclose(file_) == 0 && ok;
    file_ = nullptr;
    if (!ok) return Error::Unavailable(fmt::format("writing {} failed (disk full?)", path_.string()));
    return {};
  }

 private:
  static constexpr size_t kFlushAt = 4 << 20;
  void Flush() {
    if (file_ && !buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size()) failed_ = true;
    buf_.clear();
  }
  fs::path path_;
  std::FILE* file_;
  std::string buf_;
  int64_t rows_ = 0;
  bool failed_ = false;
};

// The collation that orders text by bytes on both databases.
const char* ByteOrder(db::Connection& conn) { return conn.dialect() == db::Dialect::kPostgres ? " COLLATE \"C\"" : ""; }

// Runs `sql` and writes `header` and one CSV row per result row; column i is
// written as an integer when ints[i] is true (NULL as empty), as text otherwise.
// `sealed_column` (when >= 0) holds identity numbers sealed for the member id
// in column 0; they are opened with `vault` and written in clear.
Result<int64_t> ExportTable(db::Connection& conn, const fs::path& path, std::string_view header, const std::string& sql,
                            const std::vector<bool>& ints, int sealed_column = -1,
                            const IdentityVault* vault = nullptr) {
  CsvOut out(path);
  out.buf().append(header);
  out.buf().push_back('\n');
  auto st = conn.Prepare(sql);
  while (st->Step()) {
    std::string& b = out.buf();
    for (size_t i = 0; i < ints.size(); ++i) {
      if (i) b.push_back(',');
      int col = static_cast<int>(i);
      if (st->IsNull(col)) continue;
      if (col == sealed_column) {
        Result<std::string> number = vault->Open(st->Int(0), st->Text(col));
        if (!number) return number.error();
        csv::AppendField(b, *number);
      } else if (ints[i]) {
        AppendInt(b, st->Int(col));
      } else {
        csv::AppendField(b, st->Text(col));
      }
    }
    out.EndRow();
  }
  Status closed = out.Close();
  if (!closed) return closed.error();
  return out.rows();
}

std::string YearsList(const std::vector<int>& years) {
  if (years.empty()) return "none";
  std::string s;
  for (int y : years) s += (s.empty() ? "" : ", ") + std::to_string(y);
  return s;
}

Status RequireYearWithData(db::Connection& conn, int year) {
  std::vector<int> years = YearsWithData(conn);
  if (std::find(years.begin(), years.end(), year) != years.end()) return {};
  return Error::NotFound(fmt::format("no registry data for year {}; years with data: {}", year, YearsList(years)));
}

// Thrown inside WriteRegistry when `data` breaks its contract (not validated): rolls the transaction back.
struct UnvalidatedData : std::logic_error {
  using std::logic_error::logic_error;
};

}  // namespace

Status CheckRegistryFolder(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Error::NotFound(
        fmt::format("no registry folder at {}; give the folder that fupin export registry wrote", dir));
  }
  std::vector<std::string> missing;
  for (const RegistryFileSpec& spec : kRegistryFiles) {
    if (!fs::is_regular_file(fs::path(dir) / spec.name, ec)) missing.emplace_back(spec.name);
  }
  if (missing.empty()) return {};
  std::string all;
  for (const RegistryFileSpec& spec : kRegistryFiles) all += (all.empty() ? "" : ", ") + std::string(spec.name);
  std::string names;
  for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
  return Error::NotFound(fmt::format("registry folder {} has no {}; a registry folder holds {}", dir, names, all));
}

namespace {

struct RegistryTable {
  const char* count_sql;
  const char* what;
};
constexpr RegistryTable kRegistryTables[] = {
    {"SELECT COUNT(*) FROM households", "households"},           {"SELECT COUNT(*) FROM members", "members"},
    {"SELECT COUNT(*) FROM household_years", "household years"}, {"SELECT COUNT(*) FROM villages", "villages"},
    {"SELECT COUNT(*) FROM village_years", "village years"},
};

// Throws db::DbError.
Status CheckEmptyOrThrow(db::Connection& conn) {
  std::string held;
  for (const RegistryTable& t : kRegistryTables) {
    int64_t n = db::QueryInt(conn, t.count_sql).value_or(0);
    if (n > 0) held += fmt::format("{}{} {}", held.empty() ? "" : ", ", text::Grouped(n), t.what);
  }
  if (held.empty()) return {};
  return Error::Conflict(
      fmt::format("the database {} already holds registry data ({}); import into a new, empty database instead",
                  conn.Describe(), held));
}

}  // namespace

Status CheckRegistryEmpty(db::Connection& conn) {
  try {
    return CheckEmptyOrThrow(conn);
  } catch (const db::DbError& e) {
    return Error::Unavailable(e.what());
  }
}

Result<RegistryCounts> WriteRegistry(db::Connection& conn, const RegistryData& data, const IdentityVault& vault,
                                     const BeforeCommit& before_commit) {
  RegistryCounts counts;
  try {
    // Every reference was checked in memory: SQLite need not look each one up again.
    db::BulkLoadMode bulk_mode(conn);
    db::Transaction tx(conn);
    if (conn.dialect() == db::Dialect::kPostgres) {
      // A second import waits here instead of both finding the tables empty.
      conn.Exec(
          "LOCK TABLE households, members, household_years, villages, village_years, poverty_lines, settings "
          "IN EXCLUSIVE MODE");
    }
    Status empty = CheckEmptyOrThrow(conn);
    if (!empty) return empty.error();
    conn.Exec("DELETE FROM settings");
    conn.Exec("DELETE FROM poverty_lines");
    // The big tables' secondary indexes (and on PostgreSQL their foreign keys)
    // are built once after the load, in this transaction: faster than growing
    // them row by row (see docs/REGISTRY-FILES.md, Speed).
    std::vector<std::string> rebuild;
    for (const char* table : {"households", "members", "household_years"}) {
      for (std::string& sql : db::DropIndexes(conn, table)) rebuild.push_back(std::move(sql));
    }
    std::vector<std::string> foreign_keys;
    for (const char* table : {"household_years", "members", "households"}) {
      for (std::string& sql : db::DropForeignKeys(conn, table)) foreign_keys.push_back(std::move(sql));
    }
    SuspendYearCounts(conn);
    {
      auto bulk = conn.Bulk("poverty_lines", {"year", "poverty_line_fen", "monitoring_line_fen", "source"});
      for (const PovertyLineRow& p : data.poverty_lines) {
        bulk->Int(p.year).Int(p.poverty_line_fen);
        if (p.monitoring_line_fen >= 0) {
          bulk->Int(p.monitoring_line_fen);
        } else {
          bulk->Null();
        }
        bulk->Text(p.source).EndRow();
      }
      bulk->Finish();
      counts.poverty_lines = static_cast<int64_t>(data.poverty_lines.size());
    }
    {
      auto bulk = conn.Bulk("settings", {"key", "value", "source"});
      for (const SettingRow& s : data.settings) bulk->Text(s.key).Text(s.value).Text(s.source).EndRow();
      bulk->Finish();
      counts.settings = static_cast<int64_t>(data.settings.size());
    }
    {
      auto bulk = conn.Bulk("villages",
                       {"village_code", "county_code", "township_code", "deep_poverty", "broadband", "mobile_4g",
                        "paved_road", "distance_to_township_m"});
      auto opt = [&](int64_t v) -> db::BulkWriter& { return v >= 0 ? bulk->Int(v) : bulk->Null(); };
      for (const VillageRow& v : data.villages) {
        bulk->Text(v.village_code).Text(v.county_code).Text(v.township_code).Int(v.deep_poverty ? 1 : 0);
        opt(v.broadband);
        opt(v.mobile_4g);
        opt(v.paved_road);
        opt(v.distance_to_township_m);
        bulk->EndRow();
      }
      bulk->Finish();
      counts.villages = static_cast<int64_t>(data.villages.size());
    }
    {
      auto bulk = conn.Bulk("village_years", {"village_code", "year", "county_code", "status"});
      for (const VillageYearRow& v : data.village_years) {
        bulk->Text(v.village_code).Int(v.year).Text(v.county_code).Text(VillageStatusName(v.status)).EndRow();
      }
      bulk->Finish();
      counts.village_years = static_cast<int64_t>(data.village_years.size());
    }
    {
      auto bulk = conn.Bulk("households",
                       {"household_id", "county_code", "township_code", "village_code", "head_name", "cause",
                        "registered_year", "synthetic"});
      for (const HouseholdRow& h : data.households) {
        bulk->Int(h.household_id).Text(h.county_code).Text(h.township_code).Text(h.village_code).Text(h.head_name);
        bulk->OptText(h.cause).Int(h.registered_year).Int(h.synthetic ? 1 : 0).EndRow();
      }
      bulk->Finish();
      counts.households = static_cast<int64_t>(data.households.size());
    }
    {
      auto bulk = conn.Bulk("members",
                       {"member_id", "household_id", "county_code", "name", "relation", "sex", "birth_year",
                        "id_number_sealed", "id_number_masked", "id_synthetic"});
      // county_code comes from the household: an index into the (sorted) households.
      std::unordered_map<int64_t, size_t> index;
      index.reserve(data.households.size());
      for (size_t i = 0; i < data.households.size(); ++i) index.emplace(data.households[i].household_id, i);
      for (const MemberRow& m : data.members) {
        auto it = index.find(m.household_id);
        if (it == index.end()) throw UnvalidatedData(fmt::format("member {} has no household", m.member_id));
        const HouseholdRow& h = data.households[it->second];
        bulk->Int(m.member_id).Int(m.household_id).Text(h.county_code).Text(m.name).Text(m.relation);
        bulk->Text(std::string_view(&m.sex, 1)).Int(m.birth_year);
        if (m.id_number.empty()) {
          bulk->Null().Null();
        } else {
          bulk->Text(vault.Seal(m.member_id, m.id_number)).Text(MaskIdNumber(m.id_number));
        }
        bulk->Int(m.id_synthetic ? 1 : 0);
        bulk->EndRow();
      }
      bulk->Finish();
      counts.members = static_cast<int64_t>(data.members.size());
    }
    {
      auto bulk = conn.Bulk("household_years",
                       {"household_id", "year", "county_code", "village_code", "members", "status", "monitor_kind",
                        "exit_year", "income_per_capita_fen", "needs_unmet"});
      // Both lists are sorted by household_id: walk them together.
      size_t h = 0;
      for (const HouseholdYearRow& y : data.household_years) {
        while (h < data.households.size() && data.households[h].household_id < y.household_id) ++h;
        if (h == data.households.size() || data.households[h].household_id != y.household_id) {
          throw UnvalidatedData(
              fmt::format("household_years of {} come unsorted or without a household", y.household_id));
        }
        const HouseholdRow& hh = data.households[h];
        bulk->Int(y.household_id).Int(y.year).Text(hh.county_code).Text(hh.village_code).Int(y.members);
        bulk->Text(StatusName(y.status));
        if (y.monitor_kind >= 0) {
          bulk->Text(MonitorKindName(static_cast<MonitorKind>(y.monitor_kind)));
        } else {
          bulk->Null();
        }
        if (y.exit_year != 0) {
          bulk->Int(y.exit_year);
        } else {
          bulk->Null();
        }
        bulk->Int(y.income_per_capita_fen).Text(NeedsUnmetText(y.needs_unmet)).EndRow();
      }
      bulk->Finish();
      counts.household_years = static_cast<int64_t>(data.household_years.size());
    }
    db::CreateIndexes(conn, rebuild);
    db::CreateIndexes(conn, foreign_keys);
    RestoreYearCounts(conn);
    // Caches of figures computed from the registry (the indicators) see the import.
    store::BumpRevisionIfPresent(conn);
    if (before_commit) before_commit(conn, counts);
    tx.Commit();
  } catch (const db::DbError& e) {
    return Error::Unavailable(fmt::format("writing the registry failed and nothing was written: {}", e.what()));
  } catch (const UnvalidatedData& e) {
    return Error::Internal(fmt::format("the registry data was not validated ({}); nothing was written", e.what()));
  }
  return counts;
}

Result<ImportOutcome> ImportRegistryFolder(db::Connection& conn, const std::string& dir, const IdentityVault& vault,
                                           int max_errors, const BeforeCommit& before_commit) {
  Status folder = CheckRegistryFolder(dir);
  if (!folder) return folder.error();
  Status empty = CheckRegistryEmpty(conn);
  if (!empty) return empty.error();
  regions::RegionTree tree;
  try {
    tree = regions::RegionTree::Load(conn);
  } catch (const db::DbError& e) {
    return Error::Unavailable(e.what());
  }
  RegistryParser parser(tree, max_errors);
  // Each file's text is released once it is parsed.
  auto read = [&](const RegistryFileSpec& spec) -> Status {
    if (parser.Full()) return {};
    Result<std::string> text = ReadWholeFile(fs::path(dir) / spec.name);
    if (!text) return text.error();
    parser.File(spec.name, *text);
    return {};
  };
  // households.csv first: the other files refer to it. Then the two big files
  // at once, members.csv on a second thread.
  if (Status st = read(kHouseholdsFile); !st) return st.error();
  Status members_read;
  std::exception_ptr members_failure;
  std::thread members([&] {
    try {
      members_read = read(kMembersFile);
    } catch (...) {
      members_failure = std::current_exception();
    }
  });
  Status years_read;
  try {
    years_read = read(kHouseholdYearsFile);
  } catch (...) {
    members.join();
    throw;
  }
  members.join();
  if (members_failure) std::rethrow_exception(members_failure);
  if (!members_read) return members_read.error();
  if (!years_read) return years_read.error();
  for (const RegistryFileSpec& spec : {kVillagesFile, kVillageYearsFile, kPovertyLinesFile, kSettingsFile}) {
    if (Status st = read(spec); !st) return st.error();
  }
  RegistryParser::Outcome parsed = parser.Finish();
  ImportOutcome outcome;
  if (!parsed.ok()) {
    outcome.errors = std::move(parsed.errors);
    outcome.truncated = parsed.truncated;
    return outcome;
  }
  Result<RegistryCounts> counts = WriteRegistry(conn, parsed.data, vault, before_commit);
  if (!counts) return counts.error();
  outcome.counts = *counts;
  return outcome;
}

Result<RegistryCounts> ExportRegistryFolder(db::Connection& conn, const std::string& dir, const IdentityVault& vault) {
  std::error_code ec;
  fs::path target(dir);
  bool created = false;
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) {
      return Error::Conflict(fmt::format("{} is a file, not a folder; give --out a folder to write into", dir));
    }
  } else {
    fs::create_directories(target, ec);
    if (ec) return Error::Unavailable(fmt::format("cannot create the folder {}: {}", dir, ec.message()));
    created = true;
  }
  // Files are complete in the hidden folder before any is renamed into `dir`.
  fs::path tmp = target / fmt::format(".tmp-export-{}", ::getpid());
  fs::remove_all(tmp, ec);
  fs::create_directory(tmp, ec);
  if (ec) {
    std::string why = ec.message();
    if (created) fs::remove(target, ec);
    return Error::Unavailable(fmt::format("cannot write into {}: {}", dir, why));
  }
  auto discard = [&] {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    if (created) fs::remove(target, ignored);
  };
  RegistryCounts counts;
  try {
    db::Transaction tx(conn, /*write=*/false);
    if (conn.dialect() == db::Dialect::kPostgres) {
      // One snapshot for every file (SQLite's read transaction is one already).
      conn.Exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }
    const std::string by = ByteOrder(conn);
    struct Job {
      const RegistryFileSpec& spec;
      std::string sql;
      std::vector<bool> ints;
      int64_t* count;
    };
    const Job jobs[] = {
        {kHouseholdsFile,
         "SELECT household_id, county_code, township_code, village_code, head_name, cause, registered_year, "
         "synthetic FROM households ORDER BY household_id",
         {true, false, false, false, false, false, true, true},
         &counts.households},
        {kMembersFile,
         "SELECT member_id, household_id, name, relation, sex, birth_year, id_number_sealed, id_synthetic FROM members "
         "ORDER BY member_id",
         {true, true, false, false, false, true, false, true},
         &counts.members},
        {kHouseholdYearsFile,
         "SELECT household_id, year, members, status, monitor_kind, exit_year, income_per_capita_fen, needs_unmet "
         "FROM household_years ORDER BY household_id, year",
         {true, true, true, false, false, true, true, false},
         &counts.household_years},
        {kVillagesFile,
         "SELECT village_code, deep_poverty, broadband, mobile_4g, paved_road, distance_to_township_m FROM villages "
         "ORDER BY village_code" +
             by,
         {false, true, true, true, true, true},
         &counts.villages},
        {kVillageYearsFile,
         "SELECT village_code, year, status FROM village_years ORDER BY village_code" + by + ", year",
         {false, true, false},
         &counts.village_years},
        {kPovertyLinesFile,
         "SELECT year, poverty_line_fen, monitoring_line_fen, source FROM poverty_lines ORDER BY year",
         {true, true, true, false},
         &counts.poverty_lines},
        {kSettingsFile,
         "SELECT key, value, source FROM settings ORDER BY key" + by,
         {false, false, false},
         &counts.settings},
    };
    for (const Job& job : jobs) {
      bool members = std::string_view(job.spec.name) == kMembersFile.name;
      Result<int64_t> rows = ExportTable(conn, tmp / job.spec.name, job.spec.header, job.sql, job.ints,
                                         members ? 6 : -1, &vault);
      if (!rows) {
        discard();
        return rows.error();
      }
      *job.count = *rows;
    }
    tx.Commit();
  } catch (const db::DbError& e) {
    discard();
    return Error::Unavailable(fmt::format("reading the registry failed: {}", e.what()));
  }
  for (const RegistryFileSpec& spec : kRegistryFiles) {
    fs::rename(tmp / spec.name, target / spec.name, ec);
    if (ec) {
      std::string why = ec.message();
      discard();
      return Error::Unavailable(fmt::format("cannot move {} into {}: {}", spec.name, dir, why));
    }
  }
  fs::remove(tmp, ec);
  return counts;
}

Result<std::string> ExportHouseholdsYearCsv(db::Connection& conn, int year) {
  try {
    db::Transaction tx(conn, /*write=*/false);
    Status has_data = RequireYearWithData(conn, year);
    if (!has_data) return has_data.error();
    std::string out;
    out.append(kHouseholdsYearHeader);
    out.push_back('\n');
    // The place is the household's that year; its township is the village's parent.
    auto st = conn.Prepare(
        "SELECT y.household_id, y.county_code, r.parent_code, y.village_code, y.members, y.status, y.exit_year, "
        "y.income_per_capita_fen FROM household_years y LEFT JOIN regions r ON r.code = y.village_code "
        "WHERE y.year = ? ORDER BY y.household_id");
    st->Bind(1, year);
    while (st->Step()) {
      AppendInt(out, st->Int(0));
      out.push_back(',');
      csv::AppendField(out, st->Text(1));
      out.push_back(',');
      csv::AppendField(out, st->Text(2));
      out.push_back(',');
      csv::AppendField(out, st->Text(3));
      out.push_back(',');
      AppendInt(out, st->Int(4));
      out.push_back(',');
      std::string status = st->Text(5);
      csv::AppendField(out, status);
      out.push_back(',');
      if (status == "exited" && !st->IsNull(6)) AppendInt(out, st->Int(6));
      out.push_back(',');
      AppendInt(out, st->Int(7));
      out.push_back('\n');
    }
    tx.Commit();
    return out;
  } catch (const db::DbError& e) {
    return Error::Unavailable(fmt::format("reading the registry failed: {}", e.what()));
  }
}

Result<std::string> ExportVillagesYearCsv(db::Connection& conn, int year) {
  try {
    db::Transaction tx(conn, /*write=*/false);
    Status has_data = RequireYearWithData(conn, year);
    if (!has_data) return has_data.error();
    struct Counts {
      int64_t population = 0;
      int64_t poor = 0;
      std::string status;
      bool deep = false;
    };
    std::unordered_map<std::string, Counts> by_village;
    auto people = conn.Prepare(
        "SELECT village_code, status, people FROM household_year_counts WHERE year = ?");
    people->Bind(1, year);
    while (people->Step()) {
      Counts& c = by_village[people->Text(0)];
      int64_t n = people->Int(2);
      c.population += n;
      if (people->Text(1) == StatusName(HouseholdStatus::kPoor)) c.poor += n;
    }
    auto register_rows = conn.Prepare("SELECT village_code, status FROM village_years WHERE year = ?");
    register_rows->Bind(1, year);
    while (register_rows->Step()) by_village[register_rows->Text(0)].status = register_rows->Text(1);
    auto villages = conn.Prepare("SELECT village_code, deep_poverty FROM villages");
    while (villages->Step()) by_village[villages->Text(0)].deep = villages->Int(1) != 0;
    regions::RegionTree tree = regions::RegionTree::Load(conn);
    tx.Commit();

    std::string out;
    out.append(kVillagesYearHeader);
    out.push_back('\n');
    const Counts none;
    for (const regions::Region& r : tree.All()) {  // in code order
      if (!r.IsAdministrativeVillage()) continue;
      auto it = by_village.find(r.code);
      const Counts& c = it == by_village.end() ? none : it->second;
      csv::AppendField(out, r.code);
      out.push_back(',');
      csv::AppendField(out, r.parent_code);
      out.push_back(',');
      csv::AppendField(out, CountyOf(tree, r.code));
      out.push_back(',');
      AppendInt(out, c.population);
      out.push_back(',');
      AppendInt(out, c.poor);
      out.push_back(',');
      out.append(c.status.empty() ? VillageStatusName(VillageStatus::kNotPoor) : c.status);
      out.push_back(',');
      out.push_back(c.deep ? '1' : '0');
      out.push_back('\n');
    }
    return out;
  } catch (const db::DbError& e) {
    return Error::Unavailable(fmt::format("reading the registry failed: {}", e.what()));
  }
}

}  // namespace fupin::registry
