#pragma once
// Building responses, and the ONE place where domain errors become HTTP
// statuses and the error body {"error":{"code":…,"message":…,"field":…}}.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/result.h"
#include "http/message.h"

namespace fupin::api {

// kInvalidArgument 400, kUnauthenticated 401, kPermissionDenied 403,
// kNotFound 404, kConflict 409, kFailedPrecondition 409,
// kResourceExhausted 429, kKeyReused 422, kInternal 500, kUnavailable 503.
int HttpStatus(ErrorCode code);

// The error body with the status of its code. `field` is omitted when empty.
http::Response ErrorResponse(const Error& error);

// A JSON body (already serialised) with `status`.
http::Response JsonResponse(int status, std::string body);
inline http::Response JsonResponse(std::string body) { return JsonResponse(200, std::move(body)); }
// 204 No Content.
http::Response NoContent();

// Paging by cursor: ?limit=&cursor= in; {"items":[…],"next_cursor":"…"} out.
struct PageRequest {
  int limit = 50;
  std::string after;  // the decoded cursor: the last key of the previous page ("" = first page)
};
// kInvalidArgument naming "limit" (not an integer in 1..max_limit) or
// "cursor" (not a cursor this server wrote).
Result<PageRequest> ParsePage(const http::Request& request, int default_limit = 50, int max_limit = 500);
// Opaque text for a key (base64url), and back.
std::string EncodeCursor(std::string_view key);
Result<std::string> DecodeCursor(std::string_view cursor);
// For pages keyed by a positive id: the id the decoded cursor holds (0 on the
// first page), or kInvalidArgument naming "cursor".
Result<int64_t> CursorId(const PageRequest& page);

// kInvalidArgument naming the first query parameter not in `allowed`, or one
// given twice.
Status CheckQuery(const http::Request& request, const std::vector<std::string_view>& allowed);

// Parses an optional integer query parameter within [min, max]; kInvalidArgument naming it.
Result<std::optional<int64_t>> QueryInt(const http::Request& request, std::string_view name, int64_t min, int64_t max);

}  // namespace fupin::api
