// tests/unit/linux-abi/fd_table_test.cpp — guest fd table: lowest-free
// numbering, dup sharing one host fd, CLOEXEC, limits.
#include "linux-abi/process/fd_table.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>

namespace hart::linux {
namespace {

int host_null() { return open("/dev/null", O_RDONLY | O_CLOEXEC); }

bool host_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

TEST(FdTable, LowestFree) {
  FdTable t;
  EXPECT_EQ(t.install_host(host_null(), false), 0);
  EXPECT_EQ(t.install_host(host_null(), false), 1);
  EXPECT_EQ(t.install_host(host_null(), false), 2);
  EXPECT_EQ(t.close(1), 0);
  EXPECT_EQ(t.install_host(host_null(), false), 1);
  EXPECT_EQ(t.install_host(host_null(), false, 10), 10);
  EXPECT_EQ(t.install_host(host_null(), false), 3);
  EXPECT_EQ(t.close(7), -EBADF);
  EXPECT_EQ(t.close(-1), -EBADF);
  EXPECT_EQ(t.close(1), 0);
  EXPECT_EQ(t.close(1), -EBADF);
  EXPECT_EQ((std::vector<int>{0, 2, 3, 10}), t.open_fds());
}

TEST(FdTable, DupSharesHostFdUntilLastClose) {
  FdTable t;
  int h = host_null();
  int a = t.install_host(h, false);
  int b = t.install(t.get(a), true);
  EXPECT_NE(a, b);
  EXPECT_EQ(t.host(a), t.host(b));
  EXPECT_EQ(t.get_cloexec(a), 0);
  EXPECT_EQ(t.get_cloexec(b), 1);
  t.close(a);
  EXPECT_TRUE(host_open(h));
  t.close(b);
  EXPECT_FALSE(host_open(h));
}

TEST(FdTable, InstallAtReplaces) {
  FdTable t;
  int h1 = host_null(), h2 = host_null();
  t.install_host(h1, false);
  EXPECT_EQ(t.install_at(0, std::make_shared<HostFd>(h2), true), 0);
  EXPECT_FALSE(host_open(h1));
  EXPECT_EQ(t.host(0), h2);
  EXPECT_EQ(t.install_at(5000, t.get(0), false), -EBADF);
  EXPECT_EQ(t.install_at(-1, t.get(0), false), -EBADF);
}

TEST(FdTable, CloseOnExec) {
  FdTable t;
  t.install_host(host_null(), false);
  t.install_host(host_null(), true);
  t.install_host(host_null(), false);
  t.close_on_exec();
  EXPECT_EQ((std::vector<int>{0, 2}), t.open_fds());
}

TEST(FdTable, Limit) {
  FdTable t;
  t.set_limit(4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(t.install_host(host_null(), false), i);
  int h = host_null();
  EXPECT_EQ(t.install_host(h, false), -EMFILE);
  EXPECT_FALSE(host_open(h));  // closed on failure
  EXPECT_EQ(t.install(t.get(0), false, 4), -EINVAL);
  EXPECT_EQ(t.host(99), -1);
}

}  // namespace
}  // namespace hart::linux
