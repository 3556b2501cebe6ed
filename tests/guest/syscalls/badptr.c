// tests/guest/syscalls/badptr.c — bad pointers: every syscall that reads or
// writes guest memory fails with EFAULT for NULL, unmapped holes, the end of
// the riscv64 guest space (2^38, and buffers crossing it), kernel-style
// addresses, ranges wrapping around 2^64, read-only pages given as output
// and PROT_NONE pages; and loads/stores from generated code at 2^38 - 8,
// straddling 2^38, at 2^38 and at 2^63 are SIGSEGV caught by a handler with
// si_addr = the address, after which the program (and hart-run) go on, with
// a canary planted before unchanged. Addresses are ones that are invalid on
// both x86-64 and riscv64 (Sv39), so the native build is the oracle; where
// the two kernels report differently (si_addr of a non-canonical x86-64
// address) the line says whether the address matched the architecture's
// expectation.
#include "sc.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#define TOP (UINT64_C(1) << 38)
static sigjmp_buf jb;
static volatile uintptr_t fault_addr;
static volatile int fault_sig;

static void on_fault(int sig, siginfo_t* si, void* uc) {
  (void)uc;
  fault_sig = sig;
  fault_addr = (uintptr_t)si->si_addr;
  siglongjmp(jb, 1);
}

// Runs one access; prints the signal and whether si_addr is what Linux on
// this architecture reports.
#define ACCESS(label, expect_addr, stmt)                                              \
  do {                                                                                \
    fault_sig = 0;                                                                    \
    if (sigsetjmp(jb, 1) == 0) {                                                      \
      stmt;                                                                           \
      printf("%s: no fault\n", label);                                                \
    } else {                                                                          \
      printf("%s: %s, si_addr %s\n", label, fault_sig == SIGSEGV ? "SIGSEGV" : "other", \
             fault_addr == (uintptr_t)(expect_addr) ? "ok" : "WRONG");                \
    }                                                                                 \
    fflush(stdout);                                                                   \
  } while (0)

int main(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);

  // Canary on the heap and on the stack.
  static const char kCanary[] = "canary: all guest memory as it was";
  char* heap = malloc(sizeof kCanary);
  memcpy(heap, kCanary, sizeof kCanary);
  char stack[sizeof kCanary];
  memcpy(stack, kCanary, sizeof kCanary);

  // A hole: three pages, the middle one unmapped; a read-only and a
  // PROT_NONE page; the last page below 2^38 mapped (a buffer there can
  // cross the end of the guest space).
  long pg = sysconf(_SC_PAGESIZE);
  void* ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void* none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char* last = mmap((void*)(TOP - pg), pg, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  int ep0 = epoll_create1(EPOLL_CLOEXEC);  // anything that might map memory, before the hole
  close(ep0);
  printf("%s", "");
  char* three = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(three + pg, pg);  // no mmap after this: the hole stays a hole
  void* hole = three + pg;
  BOOL("mapped the last page below 2^38", last == (char*)(TOP - pg));
  void* cross = (void*)(TOP - 8);  // 8 valid bytes, then the end of the space
  void* const bad[] = {NULL, (void*)16, hole, (void*)TOP, (void*)(TOP + pg),
                       (void*)UINT64_C(0xffff800000000000), (void*)UINT64_C(0xfffffffffffff000),
                       (void*)(UINT64_C(1) << 63)};
  const char* const bad_name[] = {"NULL", "16", "hole", "2^38", "2^38+page",
                                  "0xffff800000000000", "0xfffffffffffff000", "2^63"};
  const int nbad = sizeof bad / sizeof bad[0];

  int p[2];
  pipe(p);
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  char label[160];
  for (int i = 0; i < nbad; ++i) {
    void* b = bad[i];
#define T(what, expr)                                      \
  snprintf(label, sizeof label, "%s %s", what, bad_name[i]); \
  ERR(label, expr)
    write(p[1], "data", 4);
    T("read into", syscall(SYS_read, p[0], b, 4));
    T("write from", syscall(SYS_write, p[1], b, 4));
    struct iovec iov = {b, 4};
    T("readv iov array", syscall(SYS_readv, p[0], b, 1));
    T("readv iov_base", syscall(SYS_readv, p[0], &iov, 1));
    T("writev iov_base", syscall(SYS_writev, p[1], &iov, 1));
    struct msghdr mh = {0};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    T("sendmsg msghdr", syscall(SYS_sendmsg, sv[0], b, 0));
    T("sendmsg iov_base", syscall(SYS_sendmsg, sv[0], &mh, 0));
    send(sv[0], "data", 4, 0);
    T("recvmsg msghdr", syscall(SYS_recvmsg, sv[1], b, 0));
    T("recvmsg iov_base", syscall(SYS_recvmsg, sv[1], &mh, 0));
    T("newfstatat path", syscall(SYS_newfstatat, AT_FDCWD, b, heap, 0));
    T("newfstatat buf", syscall(SYS_newfstatat, AT_FDCWD, "/", b, 0));
    T("openat path", syscall(SYS_openat, AT_FDCWD, b, O_RDONLY));
    T("execve path", syscall(SYS_execve, b, NULL, NULL));
    char* argv_ok[] = {"x", NULL};
    (void)argv_ok;
    T("execve argv", syscall(SYS_execve, "/nonexistent-but-checked-later", b, NULL));
    T("clock_gettime", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, b));
    T("rt_sigaction act", syscall(SYS_rt_sigaction, SIGUSR1, b, NULL, 8));
    T("rt_sigaction oldact", syscall(SYS_rt_sigaction, SIGUSR1, NULL, b, 8));
    T("futex wait", syscall(SYS_futex, b, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0));
    T("ppoll fds", syscall(SYS_ppoll, b, 1, NULL, NULL, 8));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    T("epoll_ctl event", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, p[0], b));
    close(ep);
    int d = open("/", O_RDONLY | O_DIRECTORY);
    T("getdents64", syscall(SYS_getdents64, d, b, 4096));
    close(d);
    T("readlinkat path", syscall(SYS_readlinkat, AT_FDCWD, b, heap, 8));
    T("readlinkat buf", syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", b, 8));
    T("uname", syscall(SYS_uname, b));
    T("getrandom", syscall(SYS_getrandom, b, 16, 0));
    char drain[64];
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    while (read(p[0], drain, sizeof drain) > 0) {}
    fcntl(sv[1], F_SETFL, O_NONBLOCK);
    while (read(sv[1], drain, sizeof drain) > 0) {}
#undef T
  }
  // Output buffers that are read-only or PROT_NONE, input that is PROT_NONE.
  write(p[1], "data", 4);
  ERR("read into a read-only page", syscall(SYS_read, p[0], ro, 4));
  ERR("read into a PROT_NONE page", syscall(SYS_read, p[0], none, 4));
  ERR("write from a PROT_NONE page", syscall(SYS_write, p[1], none, 4));
  ERR("clock_gettime into a read-only page", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ro));
  ERR("uname into a read-only page", syscall(SYS_uname, ro));
  ERR("newfstatat into a PROT_NONE page", syscall(SYS_newfstatat, AT_FDCWD, "/", none, 0));
  // Fixed-size structs crossing 2^38 (8 valid bytes, then the end).
  if (last == (char*)(TOP - pg)) {
    ERR("clock_gettime crossing 2^38", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, cross));
    ERR("uname crossing 2^38", syscall(SYS_uname, cross));
    ERR("newfstatat crossing 2^38", syscall(SYS_newfstatat, AT_FDCWD, "/", cross, 0));
    ERR("rt_sigaction act crossing 2^38", syscall(SYS_rt_sigaction, SIGUSR1, cross, NULL, 8));
    // read/write: a regular file gets the valid head (Linux copies page by
    // page), a pipe or a socket fails as a whole.
    int f = open("crossing.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
    memcpy(cross, "ABCDEFGH", 8);
    VAL("file write crossing 2^38", syscall(SYS_write, f, cross, 16));
    lseek(f, 0, SEEK_SET);
    write(f, "0123456789abcdef", 16);
    lseek(f, 0, SEEK_SET);
    VAL("file read crossing 2^38", syscall(SYS_read, f, cross, 16));
    VAL("file pread crossing 2^38", syscall(SYS_pread64, f, cross, 16, 0));
    VAL("file pwrite crossing 2^38", syscall(SYS_pwrite64, f, cross, 16, 0));
    close(f);
    unlink("crossing.dat");
    write(p[1], "0123456789abcdef", 16);
    ERR("pipe read crossing 2^38", syscall(SYS_read, p[0], cross, 16));
    ERR("pipe write crossing 2^38", syscall(SYS_write, p[1], cross, 16));
    fcntl(sv[1], F_SETFL, 0);
    send(sv[0], "0123456789abcdef", 16, 0);
    ERR("socket read crossing 2^38", syscall(SYS_read, sv[1], cross, 16));
    ERR("socket write crossing 2^38", syscall(SYS_write, sv[0], cross, 16));
    memcpy(cross, "/tmp/abc", 8);  // a path without its NUL before the end
    ERR("openat path crossing 2^38", syscall(SYS_openat, AT_FDCWD, cross, O_RDONLY));
  }
  // Wrapping ranges: addr + len passes 2^64.
  ERR("write wrapping 2^64", syscall(SYS_write, p[1], (void*)UINT64_C(0xfffffffffffff000), 0x2000));
  ERR("read wrapping 2^64", syscall(SYS_read, p[0], (void*)UINT64_C(0xfffffffffffff000), 0x2000));
  ERR("getrandom wrapping 2^64", syscall(SYS_getrandom, (void*)UINT64_C(0xffffffffffffff00), 0x1000, 0));

  // Loads and stores from compiled code.
  ACCESS("load at 2^38-8 (unmapped)", TOP - 8,
         { munmap(last, pg); (void)*(volatile uint64_t*)(TOP - 8); });
  ACCESS("store at 2^38-8", TOP - 8, *(volatile uint64_t*)(TOP - 8) = 1);
  ACCESS("load straddling 2^38", TOP - 2, (void)*(volatile uint32_t*)(TOP - 2));
  ACCESS("load at 2^38", TOP, (void)*(volatile uint64_t*)TOP);
  ACCESS("store at 2^38", TOP, *(volatile uint64_t*)TOP = 1);
  ACCESS("byte store at 2^38+0x1000", TOP + 0x1000, *(volatile uint8_t*)(TOP + 0x1000) = 1);
#ifdef __x86_64__
  const uintptr_t noncanon = 0;  // x86-64: a general protection fault reports 0
#else
  const uintptr_t noncanon = UINT64_C(1) << 63;
#endif
  ACCESS("load at 2^63", noncanon, (void)*(volatile uint64_t*)(UINT64_C(1) << 63));
  ACCESS("store at 2^63", noncanon, *(volatile uint64_t*)(UINT64_C(1) << 63) = 1);
  ACCESS("load at the hole", (uintptr_t)hole, (void)*(volatile uint64_t*)hole);
  ACCESS("store to a read-only page", (uintptr_t)ro, *(volatile uint64_t*)ro = 1);
  ACCESS("load from a PROT_NONE page", (uintptr_t)none, (void)*(volatile uint8_t*)none);

  BOOL("heap canary intact", memcmp(heap, kCanary, sizeof kCanary) == 0);
  BOOL("stack canary intact", memcmp(stack, kCanary, sizeof kCanary) == 0);
  SAY("still running");
  return 0;
}
