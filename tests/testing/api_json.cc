// The implementation of testing/api_json.h.
#include "testing/api_json.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace fupin::testing {
namespace {

std::string ErrorMember(const HttpResponse& r, const char* name) {
  const boost::json::value body = ParseJson(r);
  const boost::json::object* error = ErrorObject(body);
  if (!error) return "(no error in " + r.body + ")";
  const boost::json::value* member = error->if_contains(name);
  return member ? Str(*member) : "";
}

}  // namespace

boost::json::value ParseJson(const HttpResponse& r) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r.body, ec);
  EXPECT_FALSE(ec) << r.body;
  return v;
}

std::string Str(const boost::json::value& v) { return v.is_string() ? std::string(v.get_string()) : ""; }

const boost::json::object* ErrorObject(const boost::json::value& body) {
  const boost::json::value* error = body.is_object() ? body.get_object().if_contains("error") : nullptr;
  return error && error->is_object() ? &error->get_object() : nullptr;
}

std::string ErrorCode(const HttpResponse& r) { return ErrorMember(r, "code"); }

std::string ErrorField(const HttpResponse& r) { return ErrorMember(r, "field"); }

}  // namespace fupin::testing
