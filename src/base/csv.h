#pragma once
// CSV as RFC 4180 describes it: comma separated, fields with a comma, quote or
// line break are quoted, a quote inside a quoted field is doubled. Lines end in
// "\n" (a "\r\n" is accepted on input). Input must be UTF-8.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace fupin::csv {

// One parsed record. `line` is the 1-based line on which the record starts, so
// errors can say "FILE line N".
struct Record {
  int64_t line = 0;
  std::vector<std::string> fields;
};

// Reads records one at a time from text held in memory (the caller owns it and
// keeps it alive). Never throws; a malformed record is reported through
// Next()'s error and reading can go on with the next line.
class Reader {
 public:
  explicit Reader(std::string_view text);

  // The next record; std::nullopt at the end. A record with an unterminated
  // quote or invalid UTF-8 gives an Error whose message names the line.
  Result<std::optional<Record>> Next();

  int64_t line() const { return line_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

// Appends one field to `out`, quoted only when it must be.
void AppendField(std::string& out, std::string_view field);

// Appends a whole row (fields joined by commas) and a "\n".
void AppendRow(std::string& out, const std::vector<std::string>& fields);

}  // namespace fupin::csv
