#pragma once
// A small streaming JSON writer for reports and command output. Numbers are
// written as integers or as fixed-point text the caller formats, never as
// binary doubles, so golden files stay stable.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fupin::json {

// Appends `s` as a JSON string literal (quotes included), escaping as RFC 8259 requires.
void AppendString(std::string& out, std::string_view s);

class Writer {
 public:
  Writer& BeginObject();
  Writer& EndObject();
  Writer& BeginArray();
  Writer& EndArray();
  Writer& Key(std::string_view key);
  Writer& String(std::string_view value);
  Writer& Int(int64_t value);
  Writer& Bool(bool value);
  Writer& Null();
  // `value`, or null when it is empty (an absent optional text).
  Writer& StringOrNull(std::string_view value) { return value.empty() ? Null() : String(value); }
  // A number already formatted as JSON number text ("8.97"); written unquoted.
  Writer& Raw(std::string_view number_text);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Separate();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace fupin::json
