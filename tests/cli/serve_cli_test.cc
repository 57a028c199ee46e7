// `fupin serve` refuses what it cannot do with a one-line reason.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "testing/test_db.h"

namespace fupin::testing {
namespace {

TEST(ServeCliTest, BadFlagsAreUsageErrors) {
  for (const char* args : {"serve --listen nohost", "serve --listen 127.0.0.1:70000", "serve --listen :80",
                           "serve --threads 0", "serve --max-connections 0", "serve --request-timeout x",
                           "serve --db sqlite::memory:", "serve --trusted-proxy proxy.example",
                           "serve --trusted-proxy 10.0.0.300"}) {
    CommandResult r = RunFupin(args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
    EXPECT_NE(r.err.find("fupin: "), std::string::npos) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(ServeCliTest, APortInUseIsAClearFailure) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);

  TempDir dir;
  CommandResult r = RunFupin("serve --db sqlite:" + dir.File("f.db") + " --listen 127.0.0.1:" + std::to_string(port));
  close(fd);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos) << r.err;
}

TEST(ServeCliTest, AnUnreachableDatabaseIsAClearFailure) {
  CommandResult r = RunFupin("serve --db postgresql://127.0.0.1:1/nothing --listen 127.0.0.1:0");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("fupin: "), std::string::npos);
}

}  // namespace
}  // namespace fupin::testing
