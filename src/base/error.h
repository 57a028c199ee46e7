#pragma once
// The one error type that crosses module boundaries. Services return it inside
// Result<T>; only the edges (the command line, later the HTTP layer) turn it
// into an exit code or a status.
#include <string>
#include <utility>

namespace fupin {

enum class ErrorCode {
  kInvalidArgument,     // the input is malformed; `field` names where
  kNotFound,            // the thing named does not exist
  kConflict,            // it exists already, or the state forbids the change
  kFailedPrecondition,  // e.g. the database schema is newer than this program
  kPermissionDenied,    // signed in, but the role or region scope does not allow it
  kUnauthenticated,     // not signed in, or the session expired
  kResourceExhausted,   // too many attempts: try again later
  kKeyReused,           // an idempotency key already used for a different request
  kUnavailable,         // a database or file that cannot be reached
  kInternal,            // a bug or an unexpected failure of a dependency
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // a sentence a user can act on
  std::string field;    // where: a column, a flag, a JSON field; may be empty

  static Error Invalid(std::string message, std::string field = {}) {
    return Error{ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
  }
  static Error NotFound(std::string message) { return Error{ErrorCode::kNotFound, std::move(message), {}}; }
  static Error Conflict(std::string message) { return Error{ErrorCode::kConflict, std::move(message), {}}; }
  static Error Precondition(std::string message) {
    return Error{ErrorCode::kFailedPrecondition, std::move(message), {}};
  }
  static Error Unavailable(std::string message) {
    return Error{ErrorCode::kUnavailable, std::move(message), {}};
  }
  static Error Denied(std::string message) {
    return Error{ErrorCode::kPermissionDenied, std::move(message), {}};
  }
  static Error Unauthenticated(std::string message) {
    return Error{ErrorCode::kUnauthenticated, std::move(message), {}};
  }
  static Error Exhausted(std::string message) {
    return Error{ErrorCode::kResourceExhausted, std::move(message), {}};
  }
  static Error KeyReused(std::string message, std::string field = {}) {
    return Error{ErrorCode::kKeyReused, std::move(message), std::move(field)};
  }
  static Error Internal(std::string message) { return Error{ErrorCode::kInternal, std::move(message), {}}; }
};

}  // namespace fupin
