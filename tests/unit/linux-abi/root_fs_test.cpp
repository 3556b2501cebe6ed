// tests/unit/linux-abi/root_fs_test.cpp — the root (jail): lexical path
// normalization, openat2 lookups that `..` and absolute symlinks cannot
// leave, host ↔ guest path translation.
#include "linux-abi/vfs/root_fs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>

namespace hart::linux {
namespace {

TEST(RootFs, NormalizePath) {
  EXPECT_EQ(normalize_path("/"), "/");
  EXPECT_EQ(normalize_path("//a///b/"), "/a/b");
  EXPECT_EQ(normalize_path("/a/./b/../c"), "/a/c");
  EXPECT_EQ(normalize_path("/../../x"), "/x");
  EXPECT_EQ(normalize_path("/proc/self/fd/.."), "/proc/self");
}

// `..` right after a link to another file keeps the rest as written (the
// walk climbs from that file); anywhere else it is lexical.
TEST(RootFs, NormalizeThroughLinks) {
  EXPECT_EQ(normalize_through_links("/a/./b/../c"), "/a/c");
  EXPECT_EQ(normalize_through_links("/proc/self/fd/.."), "/proc/self");
  EXPECT_EQ(normalize_through_links("/dev/fd/3/../x/./y"), "/dev/fd/3/../x/./y");
  EXPECT_EQ(normalize_through_links("//dev//fd/3/./../x"), "/dev/fd/3/../x");
  EXPECT_EQ(normalize_through_links("/proc/self/fd/12/sub/../x"), "/proc/self/fd/12/x");
  EXPECT_EQ(normalize_through_links("/proc/self/fd/12/../x"), "/proc/self/fd/12/../x");
  EXPECT_EQ(normalize_through_links("/proc/42/cwd/../x"), "/proc/42/cwd/../x");
  EXPECT_EQ(normalize_through_links("/proc/thread-self/root/.."), "/proc/thread-self/root/..");
  EXPECT_EQ(normalize_through_links("/proc/self/task/7/fd/1/.."), "/proc/self/task/7/fd/1/..");
  // Not links to other files: lexical.
  EXPECT_EQ(normalize_through_links("/dev/fd/x/../y"), "/dev/fd/y");
  EXPECT_EQ(normalize_through_links("/proc/self/fdinfo/3/.."), "/proc/self/fdinfo");
  EXPECT_EQ(normalize_through_links("/proc/sys/fd/3/.."), "/proc/sys/fd");
}

class RootDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hart-rootfs-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    outer_ = tmpl;
    root_ = outer_ + "/root";
    ASSERT_EQ(mkdir(root_.c_str(), 0755), 0);
    ASSERT_EQ(mkdir((root_ + "/etc").c_str(), 0755), 0);
    std::ofstream(root_ + "/etc/inside") << "in";
    std::ofstream(outer_ + "/outside") << "out";
    ASSERT_EQ(symlink("/etc/inside", (root_ + "/abs").c_str()), 0);
    ASSERT_EQ(symlink("../outside", (root_ + "/up").c_str()), 0);
  }
  void TearDown() override { system(("rm -rf '" + outer_ + "'").c_str()); }
  std::string outer_, root_;
};

TEST_F(RootDir, LookupsStayInside) {
  std::string err;
  auto r = RootFs::open(root_, &err);
  ASSERT_TRUE(r) << err;
  char real[PATH_MAX];
  ASSERT_TRUE(realpath(root_.c_str(), real));
  EXPECT_EQ(r->host_path(), real);
  int fd = r->open("/abs", O_RDONLY);
  ASSERT_GE(fd, 0);
  char buf[8] = {};
  EXPECT_EQ(read(fd, buf, sizeof buf), 2);
  EXPECT_STREQ(buf, "in");
  close(fd);
  EXPECT_EQ(r->open("/up", O_RDONLY), -ENOENT);            // ../outside → /outside in the root
  EXPECT_EQ(r->open("/../outside", O_RDONLY), -ENOENT);
  fd = r->open("/../../etc/inside", O_RDONLY);
  EXPECT_GE(fd, 0);
  if (fd >= 0) close(fd);
  EXPECT_EQ(r->to_guest(r->host_path()), "/");
  EXPECT_EQ(r->to_guest(r->host_path() + "/etc/inside"), "/etc/inside");
  EXPECT_EQ(r->to_guest(outer_ + "/outside"), "");
  EXPECT_EQ(r->to_guest(r->host_path() + "x/y"), "");  // a sibling with the same prefix
}

TEST(RootFs, MissingFolder) {
  std::string err;
  EXPECT_FALSE(RootFs::open("/nonexistent/hart-root", &err));
  EXPECT_NE(err.find("/nonexistent/hart-root"), std::string::npos);
}

}  // namespace
}  // namespace hart::linux
