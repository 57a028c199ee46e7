#include "base/json_writer.h"

#include <fmt/format.h>

#include "base/text.h"

namespace fupin::json {
namespace {

// Length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF); 0 when there is none.
size_t SequenceLength(std::string_view s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(0);
  if (c < 0x80) return 1;
  size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || s.size() < n) return 0;
  for (size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  if (c == 0xE0 && byte(1) < 0xA0) return 0;  // overlong
  if (c == 0xED && byte(1) > 0x9F) return 0;  // surrogate
  if (c == 0xF0 && byte(1) < 0x90) return 0;  // overlong
  if (c == 0xF4 && byte(1) > 0x8F) return 0;  // above U+10FFFF
  return n;
}

}  // namespace

void AppendString(std::string& out, std::string_view s) {
  // Text may come from a client (a path segment, a parameter's name) and
  // need not be UTF-8; JSON must be. Each ill-formed byte becomes U+FFFD.
  if (!text::IsValidUtf8(s)) {
    std::string clean;
    clean.reserve(s.size() + 8);
    for (size_t i = 0; i < s.size();) {
      size_t n = SequenceLength(s.substr(i));
      if (n == 0) {
        clean += "\xEF\xBF\xBD";
        ++i;
      } else {
        clean.append(s.substr(i, n));
        i += n;
      }
    }
    AppendString(out, clean);
    return;
  }
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
