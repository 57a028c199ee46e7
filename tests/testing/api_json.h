#pragma once
// Reading the JSON bodies of API responses in tests. An error body is
// {"error":{"code","message"[,"field"]}}.
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "testing/http_client.h"

namespace fupin::testing {

// The body parsed as JSON; a failure of the test (EXPECT) when it is not JSON,
// and then a null value.
boost::json::value ParseJson(const HttpResponse& r);

// The string `v` holds, or "" when it is not a string.
std::string Str(const boost::json::value& v);

// The "error" object of a parsed error body, or nullptr when there is none.
const boost::json::object* ErrorObject(const boost::json::value& body);

// error.code and error.field of an error body: "" when the member is missing
// or not a string, "(no error in BODY)" when the body has no error object.
std::string ErrorCode(const HttpResponse& r);
std::string ErrorField(const HttpResponse& r);

}  // namespace fupin::testing
