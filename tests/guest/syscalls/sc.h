// tests/guest/syscalls/sc.h — helpers shared by the syscall suite: print
// the outcome of a call as "label: ok" / "label: = N" / "label: ERRNO_NAME"
// so the output is the same on every machine (no pids, fds, addresses or
// times). Each program is built natively and for riscv64; the riscv64 build
// under hart-run must print exactly what the native one prints on Linux.
#ifndef SC_H
#define SC_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline const char* sc_errname(int e) {
  const char* n = strerrorname_np(e);
  return n ? n : "E?";
}

// Success/failure only.
#define OK(label, expr)                                                      \
  do {                                                                       \
    errno = 0;                                                               \
    long r_ = (long)(expr);                                                  \
    if (r_ < 0) printf("%s: %s\n", label, sc_errname(errno));                \
    else printf("%s: ok\n", label);                                          \
    fflush(stdout);                                                          \
  } while (0)

// The value on success.
#define VAL(label, expr)                                                     \
  do {                                                                       \
    errno = 0;                                                               \
    long r_ = (long)(expr);                                                  \
    if (r_ < 0) printf("%s: %s\n", label, sc_errname(errno));                \
    else printf("%s: = %ld\n", label, r_);                                   \
    fflush(stdout);                                                          \
  } while (0)

// Expect failure with an errno (prints the errno, or "ok" if it succeeded).
#define ERR(label, expr) OK(label, expr)

#define SAY(...)              \
  do {                        \
    printf(__VA_ARGS__);      \
    printf("\n");             \
    fflush(stdout);           \
  } while (0)

#define BOOL(label, cond) SAY("%s: %s", label, (cond) ? "yes" : "no")

// Runs fn in a forked child that dropped root (uid/gid 65534, no groups)
// and prints its exit status; when not root, runs fn in this process.
// sc_parent_root: fn runs in that child, so getppid() is a root process it
// may not touch (when not root, the parent is the caller's own user's).
#include <grp.h>
#include <sys/wait.h>
static int sc_parent_root;
static inline void sc_unprivileged(void (*fn)(void)) {
  if (geteuid() != 0) {
    fn();
    SAY("child status 0");
    return;
  }
  pid_t c = fork();
  if (c == 0) {
    setgroups(0, NULL);
    if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) _exit(3);
    sc_parent_root = 1;
    fn();
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  SAY("child status %d", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

// An address no guest or host program has mapped.
static void* volatile sc_bad_ptr = (void*)16;
#define BAD_PTR ((void*)sc_bad_ptr)

// Reads a whole (small) file into buf (NUL-terminated; empty if it cannot
// be opened).
#include <fcntl.h>
static inline void sc_slurp(const char* path, char* buf, size_t size) {
  int f = open(path, O_RDONLY);
  size_t n = 0;
  ssize_t r;
  while (f >= 0 && n < size - 1 && (r = read(f, buf + n, size - 1 - n)) > 0) n += r;
  buf[n] = 0;
  if (f >= 0) close(f);
}

// For programs run with compare.py --host-release: true (after saying so)
// when the kernel uname reports is older than major.minor, whose features
// the program then leaves alone.
#include <sys/utsname.h>
static inline int sc_kernel_before(int major, int minor) {
  struct utsname u;
  int ma = 0, mi = 0;
  if (uname(&u) == 0) sscanf(u.release, "%d.%d", &ma, &mi);
  if (ma > major || (ma == major && mi >= minor)) return 0;
  SAY("kernel %d.%d: before %d.%d, not tested", ma, mi, major, minor);
  return 1;
}

#endif
