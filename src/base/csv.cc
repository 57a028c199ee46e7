#include "base/csv.h"

#include <fmt/format.h>

#include "base/text.h"

namespace fupin::csv {

Reader::Reader(std::string_view text) : text_(text) {
  // A UTF-8 byte order mark is tolerated at the very start.
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

Result<std::optional<Record>> Reader::Next() {
  if (pos_ >= text_.size()) return std::optional<Record>();
  Record record;
  record.line = line_;
  std::string field;
  bool in_quotes = false;
  bool field_was_quoted = false;
  bool bad_quote = false;
  auto finish_record = [&]() -> Result<std::optional<Record>> {
    record.fields.push_back(std::move(field));
    if (bad_quote) {
      return Error::Invalid(fmt::format("line {}: a quote inside an unquoted field, or text after a closing quote",
                                        record.line));
    }
    for (size_t i = 0; i < record.fields.size(); ++i) {
      if (!text::IsValidUtf8(record.fields[i])) {
        return Error::Invalid(fmt::format("line {}, column {}: not valid UTF-8", record.line, i + 1));
      }
    }
    return std::optional<Record>(std::move(record));
  };
  while (pos_ < text_.size()) {
    char c = text_[pos_++];
    if (in_quotes) {
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field.push_back('"');
          ++pos_;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line_;
        field.push_back(c);
      }
      continue;
    }
    if (c == ',') {
      record.fields.push_back(std::move(field));
      field.clear();
      field_was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      return finish_record();
    } else if (c == '"') {
      if (field.empty() && !field_was_quoted) {
        in_quotes = true;
        field_was_quoted = true;
      } else {
        bad_quote = true;
        field.push_back(c);
      }
    } else {
      if (field_was_quoted) bad_quote = true;
      field.push_back(c);
    }
  }
  if (in_quotes) {
    return Error::Invalid(fmt::format("line {}: a quoted field is not closed before the end of the file",
                                      record.line));
  }
  return finish_record();
}

void AppendField(std::string& out, std::string_view field) {
  bool needs_quotes = field.find_first_of(",\"\n\r") != std::string_view::npos;
  if (!needs_quotes) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void AppendRow(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(',');
    AppendField(out, fields[i]);
  }
  out.push_back('\n');
}

}  // namespace fupin::csv
