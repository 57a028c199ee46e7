#pragma once
// Strict reading of a JSON request body: the body must be a JSON object, every
// field is checked for its type and range, and a field the route does not know
// is an error. The first problem found is kept and returned by Finish() as
// kInvalidArgument naming the field ("changes.status" for nested ones).
//
//   Result<JsonBody> body = JsonBody::Parse(call.request);
//   if (!body) return ErrorResponse(body.error());
//   std::string name = body->String("username", 1, 32);
//   std::optional<int64_t> year = body->OptInt("year", 2012, 2030);
//   if (Status s = body->Finish(); !s) return ErrorResponse(s.error());
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/message.h"

namespace fupin::api {

class JsonBody {
 public:
  // kInvalidArgument (field "body") when the body is empty, not JSON (with the
  // parser's reason and offset), or not an object; field "Content-Type" when
  // a Content-Type other than application/json is declared.
  static Result<JsonBody> Parse(const http::Request& request);
  static Result<JsonBody> ParseText(std::string_view text);

  JsonBody(JsonBody&&) noexcept;
  JsonBody& operator=(JsonBody&&) noexcept;
  ~JsonBody();

  bool Has(std::string_view name) const;

  // Required fields: on a problem, records it and returns a default value.
  std::string String(std::string_view name, size_t min_bytes, size_t max_bytes);
  int64_t Int(std::string_view name, int64_t min, int64_t max);
  bool Bool(std::string_view name);
  // Optional fields: nullopt when absent or null.
  std::optional<std::string> OptString(std::string_view name, size_t min_bytes, size_t max_bytes);
  std::optional<int64_t> OptInt(std::string_view name, int64_t min, int64_t max);
  std::optional<bool> OptBool(std::string_view name);
  // A nested object (required / optional). Its problems are reported through
  // this body's Finish(), prefixed with "name.".
  JsonBody* Object(std::string_view name);
  JsonBody* OptObject(std::string_view name);

  // An array of objects, with min_items..max_items elements (required /
  // optional). Problems inside are named "name[2].field".
  std::vector<JsonBody*> Objects(std::string_view name, size_t min_items, size_t max_items);
  std::optional<std::vector<JsonBody*>> OptObjects(std::string_view name, size_t min_items, size_t max_items);
  // An array of strings, each min_bytes..max_bytes long.
  std::optional<std::vector<std::string>> OptStrings(std::string_view name, size_t min_items, size_t max_items,
                                                     size_t min_bytes, size_t max_bytes);

  // The first problem, or an unknown field, or ok.
  Status Finish();

 private:
  struct Impl;
  explicit JsonBody(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fupin::api
