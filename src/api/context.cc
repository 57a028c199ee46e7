#include "api/context.h"

#include <limits>

#include <fmt/format.h>

#include "base/text.h"

namespace fupin::api {

Result<int64_t> PathId(const Call& call, std::string_view name) {
  std::string_view text = call.Param(name);
  auto id = text::ParseInt64InRange(text, 1, std::numeric_limits<int64_t>::max());
  if (!id) return Error::Invalid(fmt::format("'{}' is not an id: a positive whole number", text), std::string(name));
  return *id;
}

std::string_view Call::Param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace fupin::api
