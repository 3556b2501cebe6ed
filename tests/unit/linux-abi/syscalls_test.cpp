// tests/unit/linux-abi/syscalls_test.cpp — the syscall table, strace
// formatting, the initial stack image, struct stat conversion, and handlers
// called directly on a loaded (not running) process: fds, paths with a
// sysroot, /proc/self emulation, brk/mmap, identity, EFAULT/EBADF paths.
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <csignal>
#include <map>
#include <set>

#include "guest_programs.h"
#include "linux-abi/process/process.h"
#include "linux-abi/riscv64_abi.h"
#include "linux-abi/syscalls/syscall_table.h"

namespace hart::linux {
namespace {

TEST(SyscallTable, NumbersMatchRiscv64) {
  EXPECT_EQ(syscall_number("read"), 63);
  EXPECT_EQ(syscall_number("write"), 64);
  EXPECT_EQ(syscall_number("openat"), 56);
  EXPECT_EQ(syscall_number("newfstatat"), 79);
  EXPECT_EQ(syscall_number("fstat"), 80);
  EXPECT_EQ(syscall_number("mmap"), 222);
  EXPECT_EQ(syscall_number("exit_group"), 94);
  EXPECT_EQ(syscall_number("riscv_hwprobe"), 258);
  EXPECT_EQ(syscall_number("riscv_flush_icache"), 259);
  EXPECT_EQ(syscall_number("clone3"), 435);
  EXPECT_EQ(syscall_number("futex_waitv"), 449);
  EXPECT_EQ(syscall_number("open"), -1);  // no legacy open on riscv64
  EXPECT_EQ(syscall_info(38).name, nullptr);  // renameat does not exist either
  std::set<std::string> names;
  int implemented = 0;
  for (uint32_t nr = 0; nr < kMaxSyscallNr; ++nr) {
    const SyscallInfo& s = syscall_info(nr);
    if (!s.name) continue;
    EXPECT_EQ(s.nr, nr);
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    EXPECT_LE(strlen(s.args), 6u);
    if (s.level == SupportLevel::Refused)
      EXPECT_TRUE((s.handler != nullptr) != (s.refuse_errno != 0)) << s.name;
    else
      EXPECT_EQ(s.handler != nullptr, s.level != SupportLevel::None) << s.name;
    implemented += s.handler != nullptr;
  }
  EXPECT_GT(names.size(), 300u);
  EXPECT_GT(implemented, 90);
}

// Refused rows answer as an unprivileged container; ENOSYS is left only
// where the riscv64 kernel itself has no such call (docs/SYSCALLS.md).
TEST(SyscallTable, RefusedAndUnimplementedRows) {
  const std::map<std::string, int> refused = {
      {"pivot_root", EPERM},   {"swapon", EPERM},         {"init_module", EPERM},
      {"bpf", EPERM},          {"keyctl", EPERM},         {"reboot", EPERM},
      {"io_uring_setup", EPERM}, {"perf_event_open", EACCES}, {"syslog", EPERM},
      {"landlock_create_ruleset", EOPNOTSUPP}, {"userfaultfd", EPERM}, {"fsopen", EPERM}};
  for (const auto& [name, err] : refused) {
    const SyscallInfo& s = syscall_info(syscall_number(name));
    EXPECT_EQ(s.level, SupportLevel::Refused) << name;
    EXPECT_EQ(s.refuse_errno, err) << name;
  }
  EXPECT_EQ(syscall_info(syscall_number("umount2")).level, SupportLevel::Refused);
  EXPECT_NE(syscall_info(syscall_number("umount2")).handler, nullptr);
  EXPECT_EQ(syscall_info(syscall_number("ptrace")).level, SupportLevel::Refused);
  std::set<std::string> enosys;
  for (uint32_t nr = 0; nr < kMaxSyscallNr; ++nr) {
    const SyscallInfo& s = syscall_info(nr);
    if (s.name && s.level == SupportLevel::None) enosys.insert(s.name);
  }
  // map_shadow_stack: riscv64 6.12 has no user shadow stack (sys_ni_syscall).
  const std::set<std::string> kernel_enosys = {"lookup_dcookie", "nfsservctl", "pkey_mprotect",
                                               "pkey_alloc",     "pkey_free",  "memfd_secret",
                                               "map_shadow_stack"};

  for (const std::string& n : enosys)
    if (!kernel_enosys.count(n)) ADD_FAILURE() << "still ENOSYS: " << n;
}

TEST(SyscallTable, ResultFormat) {
  const SyscallInfo& w = syscall_info(64);
  const SyscallInfo& b = syscall_info(214);
  EXPECT_EQ(format_syscall_result(w, 12), " = 12");
  EXPECT_EQ(format_syscall_result(w, -ENOENT), " = -1 errno=2 (No such file or directory)");
  EXPECT_EQ(format_syscall_result(b, 0x7d000), " = 0x000000000007d000");
}

TEST(GuestStat, LayoutAndConversion) {
  struct stat st {};
  st.st_dev = 0x801;
  st.st_ino = 1234567;
  st.st_mode = S_IFREG | 0644;
  st.st_nlink = 3;
  st.st_uid = 1000;
  st.st_gid = 100;
  st.st_rdev = 7;
  st.st_size = 0x123456789;
  st.st_blksize = 4096;
  st.st_blocks = 8;
  st.st_atim = {11, 12};
  st.st_mtim = {21, 22};
  st.st_ctim = {31, 32};
  GuestStat g = to_guest_stat(st);
  const uint8_t* raw = reinterpret_cast<const uint8_t*>(&g);
  auto u64 = [&](int off) { uint64_t v; memcpy(&v, raw + off, 8); return v; };
  auto u32 = [&](int off) { uint32_t v; memcpy(&v, raw + off, 4); return v; };
  // Offsets from asm-generic/stat.h.
  EXPECT_EQ(u64(0), 0x801u);
  EXPECT_EQ(u64(8), 1234567u);
  EXPECT_EQ(u32(16), static_cast<uint32_t>(S_IFREG | 0644));
  EXPECT_EQ(u32(20), 3u);
  EXPECT_EQ(u32(24), 1000u);
  EXPECT_EQ(u32(28), 100u);
  EXPECT_EQ(u64(32), 7u);
  EXPECT_EQ(u64(48), 0x123456789u);
  EXPECT_EQ(u32(56), 4096u);
  EXPECT_EQ(u64(64), 8u);
  EXPECT_EQ(u64(72), 11u);
  EXPECT_EQ(u64(80), 12u);
  EXPECT_EQ(u64(88), 21u);
  EXPECT_EQ(u64(104), 31u);
  EXPECT_EQ(u64(112), 32u);
}

// A process with the static test program loaded (never run).
class LoadedProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = test::static_binary();
    if (bin_.empty()) GTEST_SKIP() << "riscv64-linux-gnu-gcc not available";
    std::string err;
    proc_ = Process::create(exec_, log_, &err);
    ASSERT_TRUE(proc_) << err;
    ASSERT_TRUE(proc_->exec(bin_, {"prog", "one", "two"}, {"A=1", "HOME=/x"}, sysroot_, {}, &err))
        << err;
    scratch_ = proc_->stack().sp - 64 * 1024;  // below sp: mapped stack memory
  }
  int64_t call(const char* name, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
               uint64_t a3 = 0, uint64_t a4 = 0, uint64_t a5 = 0) {
    int nr = syscall_number(name);
    EXPECT_GE(nr, 0) << name;
    SyscallCtx ctx{*proc_, proc_->main_thread(), static_cast<uint64_t>(nr), {a0, a1, a2, a3, a4, a5}};
    return dispatch_syscall(ctx);
  }
  uint64_t put_string(const std::string& s, uint64_t off = 0) {
    EXPECT_TRUE(proc_->as().write(scratch_ + off, s.c_str(), s.size() + 1));
    return scratch_ + off;
  }
  uint64_t u64_at(uint64_t a) {
    uint64_t v = 0;
    EXPECT_TRUE(proc_->as().read(a, &v, 8));
    return v;
  }
  std::string str_at(uint64_t a) {
    std::string s;
    EXPECT_TRUE(proc_->as().read_string(a, &s));
    return s;
  }

  test::NullExecutor exec_;
  GuestLog log_;
  std::shared_ptr<Process> proc_;
  std::string bin_, sysroot_;
  uint64_t scratch_ = 0;
};

TEST_F(LoadedProcess, InitialStackLayout) {
  const StackLayout& st = proc_->stack();
  EXPECT_EQ(st.sp % 16, 0u);
  EXPECT_EQ(proc_->main_thread().state.x[2], st.sp);
  EXPECT_EQ(proc_->main_thread().state.pc, proc_->image().exe.entry);
  uint64_t p = st.sp;
  ASSERT_EQ(u64_at(p), 3u);  // argc
  EXPECT_EQ(str_at(u64_at(p + 8)), "prog");
  EXPECT_EQ(str_at(u64_at(p + 16)), "one");
  EXPECT_EQ(str_at(u64_at(p + 24)), "two");
  EXPECT_EQ(u64_at(p + 32), 0u);
  EXPECT_EQ(str_at(u64_at(p + 40)), "A=1");
  EXPECT_EQ(str_at(u64_at(p + 48)), "HOME=/x");
  EXPECT_EQ(u64_at(p + 56), 0u);
  std::map<uint64_t, uint64_t> aux;
  uint64_t a = p + 64;
  EXPECT_EQ(a, st.auxv);
  for (int i = 0; i < 64; ++i, a += 16) {
    uint64_t k = u64_at(a), v = u64_at(a + 8);
    if (k == AT_NULL) break;
    aux[k] = v;
  }
  const LoadedProgram& img = proc_->image();
  EXPECT_EQ(aux[AT_PHDR], img.exe.phdr_addr);
  EXPECT_EQ(aux[AT_PHENT], sizeof(Elf64_Phdr));
  EXPECT_EQ(aux[AT_PHNUM], img.exe.phnum);
  EXPECT_EQ(aux[AT_PAGESZ], 4096u);
  EXPECT_EQ(aux[AT_BASE], 0u);
  EXPECT_EQ(aux[AT_ENTRY], img.exe.entry);
  EXPECT_EQ(aux[AT_HWCAP], 0x112du | 1u << 21);  // IMAFDC and V
  EXPECT_EQ(aux[AT_CLKTCK], 100u);
  EXPECT_EQ(aux[AT_SECURE], 0u);
  EXPECT_EQ(aux[AT_UID], getuid());
  EXPECT_EQ(aux[AT_EGID], getegid());
  EXPECT_EQ(aux.count(AT_PLATFORM), 0u);
  EXPECT_EQ(str_at(aux[AT_EXECFN]), bin_);
  uint8_t rnd[16];
  EXPECT_TRUE(proc_->as().read(aux[AT_RANDOM], rnd, 16));
  EXPECT_GT(aux[AT_RANDOM], st.sp);
  EXPECT_GT(aux[AT_EXECFN], aux[AT_RANDOM]);
  EXPECT_LT(aux[AT_EXECFN], stack_top(proc_->as()));
  bool found_stack = false;
  for (const Vma& v : proc_->as().vmas())
    if (v.name == "[stack]") {
      found_stack = true;
      EXPECT_EQ(v.end, stack_top(proc_->as()));
      EXPECT_EQ(v.end - v.start, kStackSize);
      EXPECT_EQ(v.prot, PROT_READ | PROT_WRITE);
    }
  EXPECT_TRUE(found_stack);
}

TEST_F(LoadedProcess, WriteReadThroughFds) {
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  int gw = proc_->fds().install_host(pipefd[1], false);
  int gr = proc_->fds().install_host(pipefd[0], false);
  EXPECT_EQ(gw, 3);
  EXPECT_EQ(gr, 4);
  uint64_t s = put_string("hello");
  EXPECT_EQ(call("write", gw, s, 5), 5);
  EXPECT_EQ(call("read", gr, scratch_ + 100, 5), 5);
  EXPECT_EQ(str_at(scratch_ + 100).substr(0, 5), "hello");
  EXPECT_EQ(call("write", 99, s, 5), -EBADF);
  EXPECT_EQ(call("write", gw, 0x10, 5), -EFAULT);
  // Text is not writable: EFAULT once there is data to copy (Linux waits for
  // data first, so the pipe gets some); the data stays in the pipe.
  EXPECT_EQ(call("write", gw, s, 5), 5);
  EXPECT_EQ(call("read", gr, proc_->image().exe.entry, 1), -EFAULT);
  EXPECT_EQ(call("read", gr, scratch_ + 100, 5), 5);
  // writev with two pieces
  put_string("ab", 200);
  put_string("cd", 210);
  uint64_t iov[4] = {scratch_ + 200, 2, scratch_ + 210, 2};
  ASSERT_TRUE(proc_->as().write(scratch_ + 300, iov, sizeof iov));
  EXPECT_EQ(call("writev", gw, scratch_ + 300, 2), 4);
  char buf[8] = {};
  EXPECT_EQ(read(pipefd[0], buf, 4), 4);
  EXPECT_STREQ(buf, "abcd");
  EXPECT_EQ(call("close", gw), 0);
  EXPECT_EQ(call("close", gw), -EBADF);
  EXPECT_EQ(call("dup", gr), 3);
  EXPECT_EQ(call("dup3", 3, 3, 0), -EINVAL);
  EXPECT_EQ(call("dup3", 3, 7, O_CLOEXEC), 7);
  EXPECT_EQ(call("fcntl", 7, F_GETFD), FD_CLOEXEC);
  EXPECT_EQ(call("fcntl", 3, F_DUPFD, 5), 5);
}

TEST_F(LoadedProcess, OpenStatAndProcSelf) {
  std::string path = test::write_file("data.txt", "0123456789");
  int64_t fd = call("openat", static_cast<uint64_t>(AT_FDCWD), put_string(path), O_RDONLY);
  ASSERT_GE(fd, 3);
  EXPECT_EQ(call("fstat", fd, scratch_ + 512), 0);
  GuestStat g;
  ASSERT_TRUE(proc_->as().read(scratch_ + 512, &g, sizeof g));
  EXPECT_EQ(g.st_size, 10);
  EXPECT_TRUE(S_ISREG(g.st_mode));
  EXPECT_EQ(call("lseek", fd, 4, SEEK_SET), 4);
  EXPECT_EQ(call("read", fd, scratch_ + 100, 100), 6);
  EXPECT_EQ(call("newfstatat", static_cast<uint64_t>(AT_FDCWD), put_string("/no/such"), scratch_ + 512, 0), -ENOENT);
  EXPECT_EQ(call("newfstatat", fd, put_string(""), scratch_ + 512, AT_EMPTY_PATH), 0);
  EXPECT_EQ(call("newfstatat", fd, put_string(""), scratch_ + 512, 0), -ENOENT);
  EXPECT_EQ(call("openat", static_cast<uint64_t>(AT_FDCWD), 0x10, O_RDONLY), -EFAULT);
  EXPECT_EQ(call("openat", 55, put_string("rel"), O_RDONLY), -EBADF);
  // /proc/self/exe
  int64_t n = call("readlinkat", static_cast<uint64_t>(AT_FDCWD), put_string("/proc/self/exe"), scratch_ + 100, 4096);
  ASSERT_GT(n, 0);
  std::string link(n, '\0');
  proc_->as().read(scratch_ + 100, link.data(), n);
  EXPECT_EQ(link, proc_->exe_path());
  EXPECT_EQ(link[0], '/');
  int64_t mfd = call("openat", static_cast<uint64_t>(AT_FDCWD), put_string("/proc/self/maps"), O_RDONLY);
  ASSERT_GE(mfd, 0);
  int64_t got = call("read", mfd, scratch_ + 1000, 4000);
  ASSERT_GT(got, 0);
  std::string maps(got, '\0');
  proc_->as().read(scratch_ + 1000, maps.data(), got);
  EXPECT_NE(maps.find("[stack]"), std::string::npos) << maps;
  // getcwd
  int64_t len = call("getcwd", scratch_ + 100, 4096);
  ASSERT_GT(len, 1);
  char host_cwd[4096];
  ASSERT_TRUE(getcwd(host_cwd, sizeof host_cwd));
  EXPECT_EQ(str_at(scratch_ + 100), host_cwd);
  EXPECT_EQ(call("getcwd", scratch_ + 100, 1), -ERANGE);
}

TEST_F(LoadedProcess, BrkAndMmap) {
  uint64_t start = call("brk", 0);
  EXPECT_EQ(start, proc_->image().brk_start);
  EXPECT_EQ(call("brk", start + 0x2100), static_cast<int64_t>(start + 0x2100));
  uint64_t one = 1;
  EXPECT_TRUE(proc_->as().write(start + 0x2000, &one, 8));
  EXPECT_EQ(call("brk", start), static_cast<int64_t>(start));
  EXPECT_FALSE(proc_->as().write(start + 0x2000, &one, 8));
  EXPECT_EQ(call("brk", 0x100), static_cast<int64_t>(start));  // below start: unchanged

  int64_t m = call("mmap", 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   static_cast<uint64_t>(-1), 0);
  ASSERT_GT(m, 0);
  EXPECT_LT(static_cast<uint64_t>(m), kGuestVaMax);
  EXPECT_TRUE(proc_->as().write(m + 100, &one, 8));
  EXPECT_EQ(call("mprotect", m, 4096, PROT_READ), 0);
  EXPECT_FALSE(proc_->as().write(m + 100, &one, 8));
  EXPECT_EQ(call("munmap", m, 8192), 0);
  EXPECT_FALSE(proc_->as().check(m, 1, 0));
  EXPECT_EQ(call("mmap", 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, static_cast<uint64_t>(-1), 0), -EINVAL);
  EXPECT_EQ(call("mmap", 0, 4096, PROT_READ, MAP_ANONYMOUS, static_cast<uint64_t>(-1), 0), -EINVAL);
  EXPECT_EQ(call("mmap", 0, 4096, PROT_READ, MAP_PRIVATE, 77, 0), -EBADF);
  EXPECT_EQ(call("munmap", 123, 4096), -EINVAL);
  // File mapping sees the file bytes.
  std::string path = test::write_file("map.txt", "mapped file");
  int64_t fd = call("openat", static_cast<uint64_t>(AT_FDCWD), put_string(path), O_RDONLY);
  int64_t fm = call("mmap", 0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
  ASSERT_GT(fm, 0);
  EXPECT_EQ(str_at(fm), "mapped file");
}

TEST_F(LoadedProcess, IdentityAndMisc) {
  EXPECT_EQ(call("getpid"), proc_->pid());
  EXPECT_GE(proc_->pid(), kFirstGuestPid);
  EXPECT_EQ(call("gettid"), proc_->pid());
  EXPECT_EQ(call("getppid"), kGuestPpid);
  // That parent (init, which hart does not run) answers as Linux's would
  // and cannot be changed.
  EXPECT_EQ(call("kill", kGuestPpid, 0), -EPERM);  // exists, not ours
  EXPECT_EQ(call("kill", kGuestPpid, SIGKILL), -EPERM);
  EXPECT_EQ(call("sched_getscheduler", kGuestPpid), 0);
  EXPECT_EQ(call("getpriority", PRIO_PROCESS, kGuestPpid), 20);
  EXPECT_EQ(call("setpriority", PRIO_PROCESS, kGuestPpid, 5), -EPERM);
  EXPECT_EQ(call("getsid", kGuestPpid), kGuestPpid);
  EXPECT_EQ(call("getpgid", kGuestPpid), kGuestPpid);
  uint32_t zero = 0;
  proc_->as().write(scratch_, &zero, 4);
  EXPECT_EQ(call("sched_setparam", kGuestPpid, scratch_), -EPERM);
  EXPECT_EQ(call("sched_getparam", kGuestPpid + 1, scratch_), -ESRCH);  // nobody else outside
  EXPECT_EQ(call("uname", scratch_), 0);
  GuestUtsname u;
  proc_->as().read(scratch_, &u, sizeof u);
  EXPECT_STREQ(u.machine, "riscv64");
  EXPECT_STREQ(u.sysname, "Linux");
  EXPECT_EQ(call("clock_gettime", CLOCK_MONOTONIC, scratch_), 0);
  EXPECT_EQ(call("clock_gettime", 12345, scratch_), -EINVAL);
  EXPECT_EQ(call("getrandom", scratch_, 16, 0), 16);
  EXPECT_EQ(call("prlimit64", 0, RLIMIT_STACK, 0, scratch_), 0);
  EXPECT_EQ(u64_at(scratch_), kStackSize);
  EXPECT_EQ(call("set_robust_list", scratch_, 24), 0);
  EXPECT_EQ(call("set_robust_list", scratch_, 23), -EINVAL);
  EXPECT_EQ(call("rseq", scratch_, 32, 0, 0), -ENOSYS);
  EXPECT_EQ(call("rt_sigaction", SIGINT, 0, scratch_, 8), 0);
  EXPECT_EQ(call("rt_sigaction", SIGKILL, scratch_, 0, 8), -EINVAL);
  EXPECT_EQ(call("rt_sigprocmask", SIG_BLOCK, 0, scratch_, 8), 0);
  // riscv_hwprobe: base behaviour IMA, the IMA_EXT_0 set below; unknown key -1.
  int64_t pairs[6] = {3, 0, 4, 0, 9999, 0};
  proc_->as().write(scratch_, pairs, sizeof pairs);
  EXPECT_EQ(call("riscv_hwprobe", scratch_, 3, 0, 0, 0), 0);
  proc_->as().read(scratch_, pairs, sizeof pairs);
  EXPECT_EQ(pairs[1], 1);
  // FD, C, Zba, Zbb, Zbs, Zicboz, Zbc, Zihintntl, Zicond, Zihintpause, Zimop, Zca, Zcb, Zcd, Zcmop, Zawrs
  // + Zkt, Zfh, Zfhmin, Zfa, Zacas, Zicbom, Zaamo, Zalrsc, Zabha, Supm, Zbkc, Zicntr, Zicbop, and V:
  // IMA_V, Zve32x, Zve32f, Zve64x, Zve64f, Zve64d, Zvbb, Zvbc, Zvkb, Zvkg, Zvkned, Zvknha, Zvknhb, Zvkt, Zvfh, Zvfhmin
  EXPECT_EQ(static_cast<uint64_t>(pairs[3]), 1 | 2 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 7 | 1ull << 29 | 1ull << 35 | 1ull << 36 |
                          1ull << 42 | 1ull << 43 | 1ull << 44 | 1ull << 45 | 1ull << 47 | 1ull << 48 |
                          1ull << 16 | 1ull << 27 | 1ull << 28 | 1ull << 32 | 1ull << 34 | 1ull << 55 |
                          1ull << 56 | 1ull << 57 | 1ull << 58 | 1ull << 49 | 1ull << 9 | 1ull << 50 | 1ull << 60 |
                          (1 << 2 | 1ull << 37 | 1ull << 38 | 1ull << 39 | 1ull << 40 | 1ull << 41) |
                          (1ull << 17 | 1ull << 18 | 1ull << 19 | 1ull << 20 | 1ull << 21 | 1ull << 22 |
                           1ull << 23 | 1ull << 26 | 1ull << 30 | 1ull << 31));
  EXPECT_EQ(pairs[4], -1);
  EXPECT_EQ(call("riscv_flush_icache", 0, 0, 0), 0);
  EXPECT_EQ(call("riscv_flush_icache", 0, 0, 2), -EINVAL);
  // ENOSYS rows (absent on riscv64 Linux too), refused rows and unknown numbers.
  EXPECT_EQ(call("pkey_alloc"), -ENOSYS);
  EXPECT_EQ(call("reboot"), -EPERM);
  SyscallCtx ctx{*proc_, proc_->main_thread(), 4000, {}};
  EXPECT_EQ(dispatch_syscall(ctx), -ENOSYS);
  // exit_group ends the process.
  EXPECT_FALSE(proc_->exited());
  call("exit_group", 300);
  EXPECT_TRUE(proc_->exited());
  EXPECT_EQ(proc_->exit_code(), 300 & 0xff);
}

TEST_F(LoadedProcess, SelfKillDefaultAction) {
  EXPECT_EQ(call("kill", proc_->pid(), 0), 0);
  EXPECT_EQ(call("kill", 4242, SIGTERM), -ESRCH);
  EXPECT_EQ(call("tgkill", proc_->pid(), proc_->pid(), SIGCHLD), 0);
  deliver_signals(*proc_, proc_->main_thread());
  EXPECT_FALSE(proc_->exited());
  EXPECT_EQ(call("tgkill", proc_->pid(), proc_->pid(), SIGABRT), 0);
  EXPECT_FALSE(proc_->exited());  // pending until the thread returns to guest code
  deliver_signals(*proc_, proc_->main_thread());
  EXPECT_TRUE(proc_->exited());
  EXPECT_TRUE(proc_->killed_by_signal());
  EXPECT_EQ(proc_->exit_signal(), SIGABRT);
}

// With a sysroot, absolute guest paths look in the prefix first.
class SysrootProcess : public LoadedProcess {
 protected:
  void SetUp() override {
    std::string root = test::scratch_dir() + "/sysroot";
    mkdir(root.c_str(), 0755);
    mkdir((root + "/etc").c_str(), 0755);
    test::write_file("sysroot/etc/hart-test.conf", "from sysroot");
    sysroot_ = root;
    LoadedProcess::SetUp();
  }
};

TEST_F(SysrootProcess, PathsGoThroughSysroot) {
  int64_t fd = call("openat", static_cast<uint64_t>(AT_FDCWD), put_string("/etc/hart-test.conf"), O_RDONLY);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(call("read", fd, scratch_ + 100, 100), 12);
  EXPECT_EQ(call("faccessat", static_cast<uint64_t>(AT_FDCWD), put_string("/etc/hart-test.conf"), R_OK), 0);
  // Falls back to the host when the prefix has no such file.
  EXPECT_EQ(call("faccessat", static_cast<uint64_t>(AT_FDCWD), put_string("/bin/sh"), F_OK), 0);
}

}  // namespace
}  // namespace hart::linux
