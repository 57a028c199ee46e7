#include "api/reply.h"

#include <limits>

#include <sodium.h>

#include "base/json_writer.h"
#include "base/text.h"

namespace fupin::api {

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kKeyReused: return 422;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

http::Response ErrorResponse(const Error& error) {
  json::Writer w;
  w.BeginObject().Key("error").BeginObject();
  w.Key("code").String(ErrorCodeName(error.code));
  w.Key("message").String(error.message);
  if (!error.field.empty()) w.Key("field").String(error.field);
  w.EndObject().EndObject();
  http::Response response;
  response.status = HttpStatus(error.code);
  response.body = w.Take();
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::Response JsonResponse(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.body = std::move(body);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::Response NoContent() {
  http::Response response;
  response.status = 204;
  response.content_type.clear();
  response.compressible = false;
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

std::string EncodeCursor(std::string_view key) {
  if (key.empty()) return {};
  std::string out(sodium_base64_ENCODED_LEN(key.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

Result<std::string> DecodeCursor(std::string_view cursor) {
  std::string out(cursor.size(), '\0');
  size_t len = 0;
  if (cursor.empty() || cursor.size() > 512 ||
      sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), cursor.data(), cursor.size(),
                        nullptr, &len, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len == 0) {
    return Error::Invalid("cursor is not one this server wrote: pass next_cursor from the previous page as it is",
                          "cursor");
  }
  out.resize(len);
  if (!text::IsValidUtf8(out)) return Error::Invalid("cursor is not one this server wrote", "cursor");
  return out;
}

Result<std::optional<int64_t>> QueryInt(const http::Request& request, std::string_view name, int64_t min,
                                        int64_t max) {
  std::optional<std::string> text = request.Query(name);
  if (!text) return std::optional<int64_t>();
  Result<int64_t> value = text::ParseInt64(*text);
  if (!value || *value < min || *value > max) {
    return Error::Invalid(std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
                              std::to_string(max) + " (got \"" + *text + "\")",
                          std::string(name));
  }
  return std::optional<int64_t>(*value);
}

Result<PageRequest> ParsePage(const http::Request& request, int default_limit, int max_limit) {
  PageRequest page;
  page.limit = default_limit;
  Result<std::optional<int64_t>> limit = QueryInt(request, "limit", 1, max_limit);
  if (!limit) return limit.error();
  if (limit.value()) page.limit = static_cast<int>(**limit);
  if (std::optional<std::string> cursor = request.Query("cursor")) {
    Result<std::string> after = DecodeCursor(*cursor);
    if (!after) return after.error();
    page.after = std::move(after.value());
  }
  return page;
}

Status CheckQuery(const http::Request& request, const std::vector<std::string_view>& allowed) {
  for (size_t i = 0; i < request.query.size(); ++i) {
    const std::string& name = request.query[i].first;
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Error::Invalid("unknown query parameter \"" + name + "\"" +
                                (list.empty() ? std::string(" (this route takes none)") : " (known: " + list + ")"),
                            name);
    }
    for (size_t j = 0; j < i; ++j) {
      if (request.query[j].first == name) return Error::Invalid("query parameter given twice", name);
    }
  }
  return {};
}

Result<int64_t> CursorId(const PageRequest& page) {
  if (page.after.empty()) return int64_t{0};
  auto id = text::ParseInt64InRange(page.after, 1, std::numeric_limits<int64_t>::max());
  if (!id) return Error::Invalid("cursor is not one this server wrote", "cursor");
  return *id;
}

}  // namespace fupin::api
