// tests/unit/linux-abi/process_test.cpp — the interruptible syscall stub
// (safe_syscall) and fork's address-space copy (private pages copied,
// MAP_SHARED pages shared), the fd table copy and the process tree; the
// cost of skipping pids that another live instance claims.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "guest_programs.h"
#include "linux-abi/process/process.h"
#include "linux-abi/process/vpid.h"
#include "linux-abi/syscalls/safe_syscall.h"

namespace hart::linux {
namespace {

TEST(SafeSyscall, PassesThroughWhenNotFlagged) {
  std::atomic<uint32_t> flag{0};
  EXPECT_EQ(safe_syscall(&flag, SYS_getpid), getpid());
  EXPECT_EQ(safe_syscall(&flag, SYS_close, -1), -EBADF);
}

TEST(SafeSyscall, FlagSetReturnsEintrWithoutBlocking) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::atomic<uint32_t> flag{1};
  char b;
  EXPECT_EQ(safe_syscall(&flag, SYS_read, fds[0], reinterpret_cast<long>(&b), 1), -EINTR);
  close(fds[0]);
  close(fds[1]);
}

TEST(SafeSyscall, KickInterruptsBlockingRead) {
  install_kick_handler();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::atomic<uint32_t> flag{0};
  std::atomic<int64_t> result{1};
  std::atomic<bool> started{false};
  std::thread t([&] {
    char b;
    started = true;
    result = safe_syscall(&flag, SYS_read, fds[0], reinterpret_cast<long>(&b), 1);
  });
  while (!started) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // A sender raises the flag first, then kicks: whichever side of the check
  // the kick lands on, the read returns -EINTR.
  flag = 1;
  kick_host_thread(t.native_handle());
  t.join();
  EXPECT_EQ(result.load(), -EINTR);
  close(fds[0]);
  close(fds[1]);
}

class ForkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string bin = test::static_binary();
    if (bin.empty()) GTEST_SKIP() << "riscv64-linux-gnu-gcc not available";
    std::string err;
    proc_ = Process::create(exec_, log_, &err);
    ASSERT_TRUE(proc_) << err;
    ASSERT_TRUE(proc_->exec(bin, {"prog"}, {}, "", {}, &err)) << err;
  }
  test::NullExecutor exec_;
  GuestLog log_;
  std::shared_ptr<Process> proc_;
};

TEST_F(ForkTest, PrivatePagesCopiedSharedPagesShared) {
  AddressSpace& as = proc_->as();
  int64_t priv = as.map(0, 3 * kPageSize, PROT_READ | PROT_WRITE, 0, -1, 0, "");
  int64_t shared = as.map(0, kPageSize, PROT_READ | PROT_WRITE, kMapShared, -1, 0, "");
  int64_t ro = as.map(0, kPageSize, PROT_READ | PROT_WRITE, 0, -1, 0, "");
  ASSERT_GT(priv, 0);
  ASSERT_GT(shared, 0);
  ASSERT_GT(ro, 0);
  char c = 'A';
  ASSERT_TRUE(as.write(priv + kPageSize, &c, 1));  // pages 0 and 2 never touched
  c = 'S';
  ASSERT_TRUE(as.write(shared, &c, 1));
  c = 'R';
  ASSERT_TRUE(as.write(ro, &c, 1));
  ASSERT_EQ(as.protect(ro, kPageSize, PROT_NONE), 0);  // contents must survive anyway

  std::string err;
  Thread& t = Process::thread_of(proc_->main_thread());
  t.vcpu->state.x[5] = 0x1234;
  std::shared_ptr<Process> child = proc_->fork_child(t, false, &err);
  ASSERT_TRUE(child) << err;
  AddressSpace& cas = child->as();
  EXPECT_NE(&cas, &as);
  EXPECT_EQ(child->main_thread().state.x[5], 0x1234u);
  EXPECT_EQ(child->ppid(), proc_->pid());
  EXPECT_EQ(as.vmas().size(), cas.vmas().size());

  char got = 0;
  ASSERT_TRUE(cas.read(priv + kPageSize, &got, 1));
  EXPECT_EQ(got, 'A');
  ASSERT_TRUE(cas.read(priv, &got, 1));
  EXPECT_EQ(got, 0);
  ASSERT_TRUE(cas.read(shared, &got, 1));
  EXPECT_EQ(got, 'S');
  EXPECT_FALSE(cas.check(ro, 1, PROT_READ));
  ASSERT_EQ(cas.protect(ro, kPageSize, PROT_READ), 0);
  ASSERT_TRUE(cas.read(ro, &got, 1));
  EXPECT_EQ(got, 'R');

  c = 'B';
  ASSERT_TRUE(as.write(priv + kPageSize, &c, 1));
  c = 'T';
  ASSERT_TRUE(as.write(shared, &c, 1));
  ASSERT_TRUE(cas.read(priv + kPageSize, &got, 1));
  EXPECT_EQ(got, 'A');  // private: the child's copy
  ASSERT_TRUE(cas.read(shared, &got, 1));
  EXPECT_EQ(got, 'T');  // shared: the same page
  c = 'C';
  ASSERT_TRUE(cas.write(priv + kPageSize, &c, 1));
  ASSERT_TRUE(as.read(priv + kPageSize, &got, 1));
  EXPECT_EQ(got, 'B');

  // The fd table is a copy sharing the host fds.
  EXPECT_EQ(child->fds().open_fds(), proc_->fds().open_fds());
  EXPECT_EQ(child->fds().get(1), proc_->fds().get(1));

  // The child is a live child: WNOHANG-style reap finds nothing yet.
  Process::ChildMatch m;
  constexpr unsigned kAll = Process::kWaitExited | Process::kWaitStopped | Process::kWaitContinued;
  EXPECT_EQ(proc_->reap_child(-1, 0, kAll, false, &m), 0);
  EXPECT_EQ(proc_->reap_child(child->pid() + 1000, 0, kAll, false, &m), -ECHILD);
  // Group filter: the child is in the parent's group, not in another.
  EXPECT_EQ(proc_->reap_child(-1, proc_->group_id(), kAll, false, &m), 0);
  EXPECT_EQ(proc_->reap_child(-1, proc_->group_id() + 1000, kAll, false, &m), -ECHILD);
  // A reported stop, then a continue: each is reported once.
  child->wait_stop_sig.store(SIGSTOP);
  EXPECT_EQ(proc_->reap_child(-1, 0, Process::kWaitExited, false, &m), 0);
  EXPECT_EQ(proc_->reap_child(-1, 0, kAll, /*keep=*/true, &m), child->pid());
  EXPECT_EQ(proc_->reap_child(-1, 0, kAll, false, &m), child->pid());
  EXPECT_EQ(m.status, (SIGSTOP << 8) | 0x7f);
  EXPECT_EQ(m.code, kCLD_STOPPED);
  EXPECT_EQ(proc_->reap_child(-1, 0, kAll, false, &m), 0);
  child->wait_continued.store(true);
  EXPECT_EQ(proc_->reap_child(-1, 0, kAll, false, &m), child->pid());
  EXPECT_EQ(m.status, 0xffff);
  EXPECT_EQ(m.code, kCLD_CONTINUED);
  EXPECT_EQ(proc_->reap_child(-1, 0, kAll, false, &m), 0);
}

TEST_F(ForkTest, VforkSharesTheAddressSpace) {
  std::string err;
  Thread& t = Process::thread_of(proc_->main_thread());
  std::shared_ptr<Process> child = proc_->fork_child(t, true, &err);
  ASSERT_TRUE(child) << err;
  EXPECT_EQ(&child->as(), &proc_->as());
  EXPECT_EQ(&child->tb_cache(), &proc_->tb_cache());
}

// A tree's members are its own processes, forks included, and no other
// launch's; a process that is gone leaves its tree's table (members() walks
// that table, not the daemon's: a supervisor with a CPU limit asks 20 times
// a second).
TEST_F(ForkTest, MembersAreTheTreesOwnProcesses) {
  std::string err;
  Thread& t = Process::thread_of(proc_->main_thread());
  std::shared_ptr<Process> child = proc_->fork_child(t, false, &err);
  ASSERT_TRUE(child) << err;
  auto other_tree = std::make_shared<ProcessTree>();
  std::shared_ptr<Process> other = Process::create(exec_, log_, &err, other_tree);
  ASSERT_TRUE(other) << err;
  auto pids = [](const std::vector<std::shared_ptr<Process>>& v) {
    std::set<int> s;
    for (auto& p : v) s.insert(p->pid());
    return s;
  };
  EXPECT_EQ(pids(Process::members(proc_->tree())), (std::set<int>{proc_->pid(), child->pid()}));
  EXPECT_EQ(pids(Process::members(*other_tree)), std::set<int>{other->pid()});
  other.reset();
  EXPECT_TRUE(Process::members(*other_tree).empty());
  EXPECT_TRUE(other_tree->pids.empty());
}

// Claims of a live claimant at [base, base + count) in the claim folder
// (removed again by the destructor); dir is "" without a usable folder.
struct HeldNumbers {
  std::string dir, stamp;
  int base = 0, count = 0;
  HeldNumbers(int count_, int salt) : count(count_) {
    release_process_vpid(allocate_process_vpid());  // the folder is chosen (and made) now
    for (const char* d : {"/dev/shm/hart-pids", "/tmp/hart-pids"}) {
      struct stat st;
      if (lstat(d, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) && access(d, W_OK) == 0) {
        dir = d;
        break;
      }
    }
    // The claimant: a live host process other than this one (our parent),
    // named as instances name themselves: "HOSTPID STARTTIME".
    std::ifstream f("/proc/" + std::to_string(getppid()) + "/stat");
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::string after = text.substr(text.rfind(')') + 2);
    std::string start;
    for (int field = 3; field <= 22; ++field) {
      size_t sp = after.find(' ');
      if (field == 22) start = after.substr(0, sp);
      after = after.substr(sp + 1);
    }
    stamp = std::to_string(getppid()) + " " + start;
    // Numbers of our own (by our host pid) high above any instance's counter.
    base = 3000000 + (getpid() % 500) * 4000 + salt * 1001;  // count <= 1000
    if (dir.empty()) return;
    for (int n = base; n <= base + count; ++n) unlink(name(n).c_str());
    for (int n = base; n < base + count; ++n) symlink(stamp.c_str(), name(n).c_str());
  }
  ~HeldNumbers() {
    for (int n = base; n <= base + count && !dir.empty(); ++n) unlink(name(n).c_str());
  }
  std::string name(int n) const { return dir + "/" + std::to_string(n); }
  int present() const {
    int k = 0;
    struct stat st;
    for (int n = base; n < base + count; ++n) k += lstat(name(n).c_str(), &st) == 0;
    return k;
  }
};

// Found by a CI hang: hartd's first launch after it started skipped the
// ~4,000 numbers that a busy daemon held, reading that daemon's
// /proc/<pid>/stat (a walk over its thousands of threads) once per number,
// for minutes, on a control connection's thread. A run of numbers held by
// one live claimant costs one look-up, whatever its length.
TEST(Vpid, NumbersHeldByALiveInstanceAreSkippedWithoutALookUpEach) {
  HeldNumbers held(1000, 0);
  if (held.dir.empty()) GTEST_SKIP() << "no claim folder: numbers are not claimed";
  ASSERT_EQ(held.present(), 1000);
  reserve_vpids_through(held.base - 1);
  uint64_t before = vpid_claimant_probes();
  int pid = allocate_process_vpid();
  uint64_t probes = vpid_claimant_probes() - before;
  release_process_vpid(pid);
  EXPECT_EQ(pid, held.base + held.count);
  // One look-up, and one more per 2 s the skipping takes (never 1,000).
  EXPECT_LT(probes, 50u);
}

// The sweep of stale claims (one instance start in 64) keeps live ones with
// one look-up per claimant, not per claim.
TEST(Vpid, SweepKeepsALiveInstancesClaimsWithoutALookUpEach) {
  HeldNumbers held(1000, 1);
  if (held.dir.empty()) GTEST_SKIP() << "no claim folder: numbers are not claimed";
  // Other instances' claims (tests running beside this one, stale ones of
  // killed instances) may cost a look-up each: with more live claimants
  // than the sweep remembers (eight), their claims, interleaved in the
  // folder, are looked up again. They are counted before and after the
  // sweep (instances start and end meanwhile); ours are never counted.
  auto foreign_claims = [&] {
    size_t n = 0;
    if (DIR* d = opendir(held.dir.c_str())) {
      while (dirent* e = readdir(d)) {
        char target[128];
        ssize_t len = readlinkat(dirfd(d), e->d_name, target, sizeof target - 1);
        n += len > 0 && std::string(target, static_cast<size_t>(len)) != held.stamp;
      }
      closedir(d);
    }
    return n;
  };
  const size_t others_before = foreign_claims();
  uint64_t before = vpid_claimant_probes();
  sweep_stale_vpid_claims();
  uint64_t probes = vpid_claimant_probes() - before;
  const size_t others_after = foreign_claims();
  EXPECT_EQ(held.present(), 1000);
  EXPECT_LT(probes, 50u + others_before + others_after);  // (never one per claim of ours: 1,000)
}

// An instance stopped while it holds the claim folder's lock (here a child
// that takes it and sleeps) stalled every other one for ever, each launch
// waiting on the io thread: a stale claim is now skipped after a bounded
// wait, and the sweep gives up.
TEST(Vpid, AStoppedLockHolderDoesNotStallOthers) {
  HeldNumbers held(0, 2);
  if (held.dir.empty()) GTEST_SKIP() << "no claim folder: numbers are not claimed";
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  if (child == 0) {
    int fd = open(held.dir.c_str(), O_RDONLY | O_DIRECTORY);
    flock(fd, LOCK_EX);
    char c = 1;
    if (write(ready[1], &c, 1) != 1) _exit(1);
    for (;;) pause();
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  // The stale claim is made only now, under the child's lock: a sweep by
  // another instance (tests running beside this one) would clear it.
  ASSERT_EQ(symlink("999999999 1", held.name(held.base).c_str()), 0);  // stale: no such host pid
  reserve_vpids_through(held.base - 1);
  int pid = allocate_process_vpid();
  sweep_stale_vpid_claims();
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(ready[0]);
  close(ready[1]);
  release_process_vpid(pid);
  unlink(held.name(held.base + 1).c_str());
  EXPECT_EQ(pid, held.base + 1);  // the stale number is left to a later taker
}

}  // namespace
}  // namespace hart::linux
