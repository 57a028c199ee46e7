#pragma once
// Registry import and export: the registry as a folder of documented CSV files
// (docs/REGISTRY-FILES.md), and the fixed-column yearly extracts.
//
// Import is all or nothing, in three steps that can be used on their own:
//   1. CheckRegistryFolder: every file is present (one error naming the missing ones);
//   2. RegistryParser: parses and validates the files in memory — pure, no
//      database, no I/O — and lists every bad row as "FILE line N, column C: reason";
//   3. WriteRegistry: writes the validated data in ONE transaction with
//      db::BulkWriter (COPY on PostgreSQL), replacing poverty_lines and settings.
// ImportRegistryFolder runs the three. Exports stream rows ordered by their key
// and format every value from integers or text, so both databases write the
// same bytes; importing an export into an empty database and exporting again
// reproduces the files byte for byte.
//
// Nothing here throws (but std::bad_alloc): database failures come back as
// kUnavailable errors. Thread-safety: the functions are reentrant; a
// Connection belongs to one thread at a time; RegistryParser says what it allows.
//
// Speed (docs/REGISTRY-FILES.md has the measurements): a folder of 1,000,000
// households, 4,000,000 members and 9,000,000 household years imports in about
// 40–50 s on SQLite and PostgreSQL (~300,000 rows/s) and exports in under 10 s.
#include <array>
#include <cstdint>
#include <memory>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "db/database.h"
#include "registry/identity.h"
#include "registry/model.h"

namespace fupin::regions {
class RegionTree;
}

namespace fupin::registry {

// ---------------------------------------------------------------------------
// The folder format. Each file starts with exactly its header; rows end in "\n".

struct RegistryFileSpec {
  std::string_view name;    // "households.csv"
  std::string_view header;  // "household_id,county_code,…" (no line ending)
};

inline constexpr RegistryFileSpec kHouseholdsFile{
    "households.csv", "household_id,county_code,township_code,village_code,head_name,cause,registered_year,synthetic"};
inline constexpr RegistryFileSpec kMembersFile{
    "members.csv", "member_id,household_id,name,relation,sex,birth_year,id_number,id_synthetic"};
inline constexpr RegistryFileSpec kHouseholdYearsFile{
    "household_years.csv", "household_id,year,members,status,monitor_kind,exit_year,income_per_capita_fen,needs_unmet"};
inline constexpr RegistryFileSpec kVillagesFile{
    "villages.csv", "village_code,deep_poverty,broadband,mobile_4g,paved_road,distance_to_township_m"};
inline constexpr RegistryFileSpec kVillageYearsFile{"village_years.csv", "village_code,year,status"};
inline constexpr RegistryFileSpec kPovertyLinesFile{"poverty_lines.csv",
                                                    "year,poverty_line_fen,monitoring_line_fen,source"};
inline constexpr RegistryFileSpec kSettingsFile{"settings.csv", "key,value,source"};

// The seven files, in the order they are read, validated and reported.
inline constexpr std::array<RegistryFileSpec, 7> kRegistryFiles = {
    kHouseholdsFile,   kMembersFile,      kHouseholdYearsFile, kVillagesFile,
    kVillageYearsFile, kPovertyLinesFile, kSettingsFile};

// The fixed-column extracts of `fupin export households|villages`.
inline constexpr std::string_view kHouseholdsYearHeader =
    "household_id,county_code,township_code,village_code,members,status,exit_year,income_per_capita_fen";
inline constexpr std::string_view kVillagesYearHeader =
    "village_code,township_code,county_code,rural_population,poor_people,village_status,deep_poverty";

// Years are whole numbers in this range everywhere in the files.
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2100;
// A household's registered size in a year (household_years.members).
inline constexpr int kMaxMembers = 100;

// ---------------------------------------------------------------------------
// The registry held in memory, as validated. Every vector is sorted by its key.

struct HouseholdRow {
  int64_t household_id = 0;
  std::string county_code;
  std::string township_code;
  std::string village_code;
  std::string head_name;
  std::string cause;  // one of kCauses, or "" when not recorded (NULL in the database)
  int registered_year = 0;
  bool synthetic = false;
  int64_t line = 0;  // where it was read, for messages
};

struct MemberRow {
  int64_t member_id = 0;
  int64_t household_id = 0;
  std::string name;
  std::string relation;
  char sex = 'F';  // 'F' or 'M'
  int birth_year = 0;
  std::string id_number;  // "" when not recorded (NULL in the database)
  bool id_synthetic = false;
  int64_t line = 0;
};

// Compact on purpose: a national registry has tens of millions of these.
struct HouseholdYearRow {
  int64_t household_id = 0;
  int64_t income_per_capita_fen = 0;
  int64_t line = 0;
  int32_t year = 0;
  int32_t members = 0;
  int32_t exit_year = 0;  // 0 when there is none
  HouseholdStatus status = HouseholdStatus::kNotPoor;
  int8_t monitor_kind = -1;  // a MonitorKind value, -1 when there is none
  uint8_t needs_unmet = 0;   // bit i set: kBasicNeeds[i] is not guaranteed
};

// "housing;water" for the bits of `needs_unmet` (in kBasicNeeds order); "" for 0.
const std::string& NeedsUnmetText(uint8_t needs_unmet);

struct VillageRow {
  std::string village_code;
  std::string county_code;    // derived from the region tree
  std::string township_code;  // derived from the region tree
  bool deep_poverty = false;
  int8_t broadband = -1;  // 0 or 1; -1 when not recorded (NULL)
  int8_t mobile_4g = -1;
  int8_t paved_road = -1;
  int64_t distance_to_township_m = -1;  // -1 when not recorded (NULL)
};

struct VillageYearRow {
  std::string village_code;
  std::string county_code;  // derived from the region tree
  int64_t line = 0;         // line in village_years.csv
  int year = 0;
  VillageStatus status = VillageStatus::kNotPoor;
};

struct PovertyLineRow {
  int year = 0;
  int64_t poverty_line_fen = 0;
  int64_t monitoring_line_fen = -1;  // -1 when there is none (NULL)
  std::string source;
};

struct SettingRow {
  std::string key;
  std::string value;
  std::string source;
};

struct RegistryData {
  std::vector<HouseholdRow> households;           // by household_id
  std::vector<MemberRow> members;                 // by member_id
  std::vector<HouseholdYearRow> household_years;  // by household_id, year
  std::vector<VillageRow> villages;               // by village_code
  std::vector<VillageYearRow> village_years;      // by village_code, year
  std::vector<PovertyLineRow> poverty_lines;      // by year
  std::vector<SettingRow> settings;               // by key (byte order)
};

// Rows per table, as imported or exported.
struct RegistryCounts {
  int64_t households = 0;
  int64_t members = 0;
  int64_t household_years = 0;
  int64_t villages = 0;
  int64_t village_years = 0;
  int64_t poverty_lines = 0;
  int64_t settings = 0;
  int64_t total() const {
    return households + members + household_years + villages + village_years + poverty_lines + settings;
  }
};

// One bad row (or header) of a file.
struct FileError {
  std::string file;  // "households.csv"
  int64_t line = 0;  // 1-based; the header is line 1
  int column = 0;    // 1-based; 0 when the whole row is at fault
  std::string reason;
  // "households.csv line 3, column 4: reason" ("households.csv line 3: reason" without a column).
  std::string ToString() const;
};

// ---------------------------------------------------------------------------
// Parsing and validation: pure, no database, no I/O.

// Parses the files of a registry folder one at a time, so that a caller can
// release each file's text before reading the next. Call Households() first
// (the other files refer to it), then the others in any order, then Finish().
// Each file may be given once; a file never given is an empty file (an error:
// its header is missing). Once `max_errors` errors are found, later calls do
// nothing. Rows may come in any order; the data comes out sorted.
// Thread-safety: after Households() has returned, the other six calls may run
// at the same time on different threads (each fills its own table); Finish()
// after all of them.
class RegistryParser {
 public:
  // `tree` must outlive the parser. `max_errors` ≥ 1.
  RegistryParser(const regions::RegionTree& tree, int max_errors);
  ~RegistryParser();
  RegistryParser(const RegistryParser&) = delete;
  RegistryParser& operator=(const RegistryParser&) = delete;

  void Households(std::string_view text);
  void Members(std::string_view text);
  void HouseholdYears(std::string_view text);
  void Villages(std::string_view text);
  void VillageYears(std::string_view text);
  void PovertyLines(std::string_view text);
  void Settings(std::string_view text);
  // Parses `text` as the file named `name` (one of kRegistryFiles).
  void File(std::string_view name, std::string_view text);

    // True once max_errors errors were found: further files are not read.
  bool Full() const;

  struct Outcome {
    RegistryData data;              // complete and sorted only when `errors` is empty
    std::vector<FileError> errors;  // in file order (kRegistryFiles), then line, then column
    bool truncated = false;         // stopped at max_errors: there may be more
    bool ok() const { return errors.empty(); }
  };
  // Runs the checks that need every file, and hands over the result. Call once.
  Outcome Finish();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// The texts of the seven files (each may be empty), for tests and small folders.
struct RegistryTexts {
  std::string_view households, members, household_years, villages, village_years, poverty_lines, settings;
};
RegistryParser::Outcome ParseRegistry(const RegistryTexts& texts, const regions::RegionTree& tree,
                                      int max_errors = 100);

// ---------------------------------------------------------------------------
// The database side.

// Succeeds when `dir` is a folder holding all seven files; otherwise kNotFound
// with one line that names the folder or every missing file.
Status CheckRegistryFolder(const std::string& dir);

// Succeeds when the registry tables (households, members, household_years,
// villages, village_years) are empty; kConflict saying what they hold otherwise;
// kUnavailable when the database fails.
Status CheckRegistryEmpty(db::Connection& conn);

// Writes validated `data` (a successful Outcome's) in one transaction: deletes
// poverty_lines and settings, then bulk-loads every table (COPY on PostgreSQL,
// multi-row INSERTs on SQLite). Re-checks inside the transaction that the
// registry tables are empty (kConflict otherwise; on PostgreSQL the tables are
// locked against a concurrent import). For speed the secondary indexes of
// households, members and household_years (and on PostgreSQL their foreign
// keys) are dropped and rebuilt inside the same transaction, and SQLite's
// per-row foreign-key checks are off for the load: `data` must be what the
// parser validated. Identity numbers are stored sealed with `vault` beside
// their masked form (registry/identity.h). On any error nothing is written.
// Returns the rows written.
// `before_commit`, when given, runs inside the transaction just before it
// commits (the command line appends its audit entry there, so the entry and
// the data commit together).
using BeforeCommit = std::function<void(db::Connection&, const RegistryCounts&)>;
Result<RegistryCounts> WriteRegistry(db::Connection& conn, const RegistryData& data, const IdentityVault& vault,
                                     const BeforeCommit& before_commit = {});

struct ImportOutcome {
  RegistryCounts counts;          // rows written; all zero when rejected
  std::vector<FileError> errors;  // non-empty: the folder was rejected and nothing was written
  bool truncated = false;         // the error list stopped at max_errors
  bool ok() const { return errors.empty(); }
};
// The whole import: CheckRegistryFolder, CheckRegistryEmpty, parse file by file
// against the database's region tree, WriteRegistry. Errors (missing file,
// a database that holds registry data, a database failure) come back as the
// Result's error; bad rows as ImportOutcome::errors. Either way nothing is written.
Result<ImportOutcome> ImportRegistryFolder(db::Connection& conn, const std::string& dir, const IdentityVault& vault,
                                           int max_errors = 100, const BeforeCommit& before_commit = {});

// Writes the seven files of the whole registry into `dir` (created when
// missing). The files are written into a hidden temporary folder inside `dir`
// and renamed into place only when all are complete, so a failed export leaves
// `dir` as it was (or removes it again when this call created it). Reads in
// one snapshot. Identity numbers are opened with `vault` and written in clear
// (the folder is the registry's own copy); kInvalidArgument when one was sealed
// under another key. Returns the rows written.
Result<RegistryCounts> ExportRegistryFolder(db::Connection& conn, const std::string& dir, const IdentityVault& vault);

// The text of `fupin export households --year Y`: kHouseholdsYearHeader, then
// one row per household with a household_years row in `year`, by household_id.
// kNotFound "no registry data for year Y; years with data: …" for a year
// without household data.
Result<std::string> ExportHouseholdsYearCsv(db::Connection& conn, int year);

// The text of `fupin export villages --year Y`: kVillagesYearHeader, then one
// row per administrative village of the region tree, by code. Same kNotFound.
Result<std::string> ExportVillagesYearCsv(db::Connection& conn, int year);

}  // namespace fupin::registry
