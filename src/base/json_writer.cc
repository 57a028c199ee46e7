#include "base/json_writer.h"

#include <fmt/format.h>

namespace fupin::json {

void AppendString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void Writer::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

Writer& Writer::BeginObject() {
  Separate();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}
Writer& Writer::EndObject() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}
Writer& Writer::BeginArray() {
  Separate();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}
Writer& Writer::EndArray() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}
Writer& Writer::Key(std::string_view key) {
  Separate();
  AppendString(out_, key);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}
Writer& Writer::String(std::string_view value) {
  Separate();
  AppendString(out_, value);
  return *this;
}
Writer& Writer::Int(int64_t value) {
  Separate();
  out_ += fmt::format("{}", value);
  return *this;
}
Writer& Writer::Bool(bool value) {
  Separate();
  out_ += value ? "true" : "false";
  return *this;
}
Writer& Writer::Null() {
  Separate();
  out_ += "null";
  return *this;
}
Writer& Writer::Raw(std::string_view number_text) {
  Separate();
  out_.append(number_text);
  return *this;
}

}  // namespace fupin::json
