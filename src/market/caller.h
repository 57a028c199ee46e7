#pragma once
// Who asks a market service: the signed-in user (for the permission checks)
// and where the request came from (for the audit log).
#include <string_view>

namespace fupin::accounts {
struct Principal;
}

namespace fupin::market {

struct Caller {
  const accounts::Principal& principal;
  std::string_view remote_address;
};

}  // namespace fupin::market
