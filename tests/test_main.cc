#include <sys/resource.h>

#include <algorithm>

#include <gtest/gtest.h>

int main(int argc, char** argv) {
  // The server tests hold over a thousand connections open from this process;
  // many machines start processes with a soft limit of 1,024 descriptors.
  // The servers these tests start inherit the limit. Raising the hard limit
  // works where the tests run as root; elsewhere the soft limit goes up to it.
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    constexpr rlim_t kWanted = 8192;
    rlimit raised{std::max(limit.rlim_cur, kWanted), std::max(limit.rlim_max, kWanted)};
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0 && limit.rlim_cur < limit.rlim_max) {
      limit.rlim_cur = limit.rlim_max;
      setrlimit(RLIMIT_NOFILE, &limit);
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
