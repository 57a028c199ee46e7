#include <gtest/gtest.h>

#include "api/app.h"

namespace fupin::api {
namespace {

http::Request From(std::string peer, std::string forwarded) {
  http::Request r;
  r.remote_address = std::move(peer);
  if (!forwarded.empty()) r.headers.emplace_back("x-forwarded-for", std::move(forwarded));
  return r;
}

TEST(ClientAddressTest, OnlyATrustedProxyNamesTheClient) {
  const std::vector<std::string> proxies{"127.0.0.1"};
  // The proxy appended what it saw, right-most; what the client claimed is ignored.
  EXPECT_EQ(ClientAddress(From("127.0.0.1", "10.9.9.9, 203.0.113.7"), proxies), "203.0.113.7");
  EXPECT_EQ(ClientAddress(From("127.0.0.1", "2001:db8::1"), proxies), "2001:db8::1");
  // Anyone else's header is not believed.
  EXPECT_EQ(ClientAddress(From("198.51.100.2", "203.0.113.7"), proxies), "198.51.100.2");
  // No header, or no proxies configured: the peer.
  EXPECT_EQ(ClientAddress(From("127.0.0.1", ""), proxies), "127.0.0.1");
  EXPECT_EQ(ClientAddress(From("127.0.0.1", "203.0.113.7"), {}), "127.0.0.1");
  // Not an address: the peer, so nothing odd reaches the audit log.
  EXPECT_EQ(ClientAddress(From("127.0.0.1", "203.0.113.7, <script>"), proxies), "127.0.0.1");
  EXPECT_EQ(ClientAddress(From("127.0.0.1", "203.0.113.7,"), proxies), "127.0.0.1");
}

}  // namespace
}  // namespace fupin::api
