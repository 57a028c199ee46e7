#include "api/json_body.h"

#include <list>
#include <set>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "base/text.h"

namespace fupin::api {

namespace bj = boost::json;

struct JsonBody::Impl {
  bj::value root;                      // owned by the top-level body only
  const bj::object* object = nullptr;  // this body's object
  std::string prefix;                  // "" or "changes."
  std::optional<Error>* problem = nullptr;  // the top-level body's first problem
  std::optional<Error> own_problem;
  std::set<std::string, std::less<>> seen;
  std::list<JsonBody> children;

  void Problem(std::string_view name, std::string message) {
    if (problem->has_value()) return;
    *problem = Error::Invalid(prefix + std::string(name) + ": " + message, prefix + std::string(name));
  }
  const bj::value* Lookup(std::string_view name) {
    seen.emplace(name);
    auto it = object->find(name);
    if (it == object->end() || it->value().is_null()) return nullptr;
    return &it->value();
  }
};

JsonBody::JsonBody(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonBody::JsonBody(JsonBody&&) noexcept = default;
JsonBody& JsonBody::operator=(JsonBody&&) noexcept = default;
JsonBody::~JsonBody() = default;

Result<JsonBody> JsonBody::Parse(const http::Request& request) {
  if (const std::string* type = request.Header("content-type")) {
    std::string_view t = *type;
    size_t semi = t.find(';');
    std::string_view media = t.substr(0, semi);
    while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
    std::string lower(media);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "application/json") {
      return Error::Invalid("the body must be JSON: send Content-Type: application/json", "Content-Type");
    }
  }
  return ParseText(request.body);
}

Result<JsonBody> JsonBody::ParseText(std::string_view text) {
  if (text.empty()) return Error::Invalid("the request needs a JSON object as its body", "body");
  if (!text::IsValidUtf8(text)) return Error::Invalid("the body is not valid UTF-8", "body");
  boost::system::error_code ec;
  bj::parse_options options;
  options.max_depth = 16;
  auto impl = std::make_unique<Impl>();
  impl->root = bj::parse(bj::string_view(text.data(), text.size()), ec, {}, options);
  if (ec) return Error::Invalid("the body is not valid JSON: " + ec.message(), "body");
  if (!impl->root.is_object()) return Error::Invalid("the body must be a JSON object", "body");
  impl->object = &impl->root.get_object();
  impl->problem = &impl->own_problem;
  return JsonBody(std::move(impl));
}

bool JsonBody::Has(std::string_view name) const {
  auto it = impl_->object->find(name);
  return it != impl_->object->end() && !it->value().is_null();
}

std::optional<std::string> JsonBody::OptString(std::string_view name, size_t min_bytes, size_t max_bytes) {
  const bj::value* v = impl_->Lookup(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    impl_->Problem(name, "must be a string");
    return std::nullopt;
  }
  const bj::string& s = v->get_string();
  if (s.size() < min_bytes || s.size() > max_bytes) {
    impl_->Problem(name, min_bytes == max_bytes ? "must be " + std::to_string(min_bytes) + " bytes long"
                                                : "must be " + std::to_string(min_bytes) + " to " +
                                                      std::to_string(max_bytes) + " bytes long");
    return std::nullopt;
  }
  return std::string(s.data(), s.size());
}

std::string JsonBody::String(std::string_view name, size_t min_bytes, size_t max_bytes) {
  if (!Has(name)) {
    impl_->seen.emplace(name);
    impl_->Problem(name, "is required");
    return {};
  }
  return OptString(name, min_bytes, max_bytes).value_or(std::string());
}

std::optional<int64_t> JsonBody::OptInt(std::string_view name, int64_t min, int64_t max) {
  const bj::value* v = impl_->Lookup(name);
  if (v == nullptr) return std::nullopt;
  std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  int64_t value = 0;
  if (v->is_int64()) {
    value = v->get_int64();
  } else if (v->is_uint64()) {
    impl_->Problem(name, "must be " + range);
    return std::nullopt;
  } else {
    impl_->Problem(name, "must be " + range);
    return std::nullopt;
  }
  if (value < min || value > max) {
    impl_->Problem(name, "must be " + range + " (got " + std::to_string(value) + ")");
    return std::nullopt;
  }
  return value;
}

int64_t JsonBody::Int(std::string_view name, int64_t min, int64_t max) {
  if (!Has(name)) {
    impl_->seen.emplace(name);
    impl_->Problem(name, "is required");
    return min;
  }
  return OptInt(name, min, max).value_or(min);
}

std::optional<bool> JsonBody::OptBool(std::string_view name) {
  const bj::value* v = impl_->Lookup(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    impl_->Problem(name, "must be true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

bool JsonBody::Bool(std::string_view name) {
  if (!Has(name)) {
    impl_->seen.emplace(name);
    impl_->Problem(name, "is required");
    return false;
  }
  return OptBool(name).value_or(false);
}

JsonBody* JsonBody::OptObject(std::string_view name) {
  const bj::value* v = impl_->Lookup(name);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    impl_->Problem(name, "must be an object");
    return nullptr;
  }
  auto child = std::make_unique<Impl>();
  child->object = &v->get_object();
  child->prefix = impl_->prefix + std::string(name) + ".";
  child->problem = impl_->problem;
  impl_->children.push_back(JsonBody(std::move(child)));
  return &impl_->children.back();
}

JsonBody* JsonBody::Object(std::string_view name) {
  if (!Has(name)) {
    impl_->seen.emplace(name);
    impl_->Problem(name, "is required");
    return nullptr;
  }
  return OptObject(name);
}

std::optional<std::vector<JsonBody*>> JsonBody::OptObjects(std::string_view name, size_t min_items,
                                                           size_t max_items) {
  const bj::value* v = impl_->Lookup(name);
  if (v == nullptr) return std::nullopt;
  std::string count = "an array of " + std::to_string(min_items) + " to " + std::to_string(max_items) + " objects";
  if (!v->is_array()) {
    impl_->Problem(name, "must be " + count);
    return std::nullopt;
  }
  const bj::array& items = v->get_array();
  if (items.size() < min_items || items.size() > max_items) {
    impl_->Problem(name, "must be " + count + " (got " + std::to_string(items.size()) + ")");
    return std::nullopt;
  }
  std::vector<JsonBody*> out;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string at = std::string(name) + "[" + std::to_string(i) + "]";
    if (!items[i].is_object()) {
      impl_->Problem(at, "must be an object");
      return std::nullopt;
    }
    auto child = std::make_unique<Impl>();
    child->object = &items[i].get_object();
    child->prefix = impl_->prefix + at + ".";
    child->problem = impl_->problem;
    impl_->children.push_back(JsonBody(std::move(child)));
    out.push_back(&impl_->children.back());
  }
  return out;
}

std::vector<JsonBody*> JsonBody::Objects(std::string_view name, size_t min_items, size_t max_items) {
  if (!Has(name)) {
    impl_->seen.emplace(name);
    impl_->Problem(name, "is required");
    return {};
  }
  return OptObjects(name, min_items, max_items).value_or(std::vector<JsonBody*>{});
}

std::optional<std::vector<std::string>> JsonBody::OptStrings(std::string_view name, size_t min_items,
                                                             size_t max_items, size_t min_bytes, size_t max_bytes) {
  const bj::value* v = impl_->Lookup(name);
  if (v == nullptr) return std::nullopt;
  std::string count = "an array of " + std::to_string(min_items) + " to " + std::to_string(max_items) + " strings";
  if (!v->is_array() || v->get_array().size() < min_items || v->get_array().size() > max_items) {
    impl_->Problem(name, "must be " + count);
    return std::nullopt;
  }
  std::vector<std::string> out;
  const bj::array& items = v->get_array();
  for (size_t i = 0; i < items.size(); ++i) {
    std::string at = std::string(name) + "[" + std::to_string(i) + "]";
    if (!items[i].is_string() || items[i].get_string().size() < min_bytes ||
        items[i].get_string().size() > max_bytes) {
      impl_->Problem(at, "must be a string of " + std::to_string(min_bytes) + " to " + std::to_string(max_bytes) +
                             " bytes");
      return std::nullopt;
    }
    out.emplace_back(items[i].get_string().data(), items[i].get_string().size());
  }
  return out;
}

Status JsonBody::Finish() {
  // Unknown fields, depth first, so the first one in the text is named.
  for (const auto& [key, value] : *impl_->object) {
    std::string_view k(key.data(), key.size());
    if (impl_->seen.find(k) == impl_->seen.end()) {
      impl_->Problem(k, "is not a field of this request");
      break;
    }
  }
  for (JsonBody& child : impl_->children) (void)child.Finish();
  if (impl_->problem->has_value()) return **impl_->problem;
  return {};
}

}  // namespace fupin::api
