#include "api/context.h"

namespace fupin::api {

std::string_view Call::Param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace fupin::api
