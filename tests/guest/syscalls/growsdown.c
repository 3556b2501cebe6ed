// tests/guest/syscalls/growsdown.c — MAP_GROWSDOWN mappings grow down on a
// fault below them (as Linux's expand_stack: limited by RLIMIT_STACK and
// the stack guard gap to the mapping below), MAP_GROWSDOWN on shared
// mappings is EINVAL, and MAP_LOCKED's RLIMIT_MEMLOCK checks (EPERM with a
// zero limit, EAGAIN past it). Same lines natively and under hart-run.
#include "sc.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

static long pg;

// A hole of `size` bytes; returns its start.
static char* hole(size_t size) {
  char* h = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(h, size);
  return h;
}

static char* growsdown_at(char* top, int pages) {
  return mmap(top - pages * pg, pages * pg, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0);
}

static int mapped(char* lo, char* hi) {
  unsigned char vec[4096];
  return mincore(lo, hi - lo, vec) == 0;
}

// Runs fn in a child and prints how it ended.
static void in_child(const char* label, void (*fn)(void)) {
  pid_t c = fork();
  if (c == 0) {
    fn();
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  if (WIFSIGNALED(st)) SAY("%s: killed by %s", label, sigabbrev_np(WTERMSIG(st)));
  else SAY("%s: exit %d", label, WEXITSTATUS(st));
}

static char* g_top;
static void touch_far(void) {
  struct rlimit rl = {1 << 20, 1 << 20};
  setrlimit(RLIMIT_STACK, &rl);
  char* s = growsdown_at(g_top, 4);
  volatile char* p = s - (2 << 20);
  *p = 1;
}
static void touch_near_other(void) {
  char* s = growsdown_at(g_top, 4);
  mmap(s - 64 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  volatile char* p = s - 1;
  *p = 1;
}
static void locked_unprivileged(void) {
  struct rlimit rl = {0, 0};
  setrlimit(RLIMIT_MEMLOCK, &rl);
  setresgid(65534, 65534, 65534);
  setresuid(65534, 65534, 65534);
  void* m = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
  SAY("MAP_LOCKED with RLIMIT_MEMLOCK 0: %s", m == MAP_FAILED ? sc_errname(errno) : "ok");
}
static void locked_limit(void) {
  struct rlimit rl = {64 * 1024, 64 * 1024};
  setrlimit(RLIMIT_MEMLOCK, &rl);
  setresgid(65534, 65534, 65534);
  setresuid(65534, 65534, 65534);
  void* m = mmap(NULL, 8 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
  SAY("MAP_LOCKED 8 pages under a 16-page limit: %s", m == MAP_FAILED ? sc_errname(errno) : "ok");
  m = mmap(NULL, 16 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
  SAY("MAP_LOCKED 16 more pages: %s", m == MAP_FAILED ? sc_errname(errno) : "ok");
}

int main(void) {
  pg = sysconf(_SC_PAGESIZE);
  char* h = hole(64 << 20);
  char* top = h + (64 << 20);
  char* s = growsdown_at(top, 4);
  SAY("mapped at the top of the hole: %s", s == top - 4 * pg ? "yes" : "no");
  BOOL("below is unmapped", !mapped(s - pg, s));
  volatile char* p = s - 1;
  *p = 7;
  SAY("one byte below reads back %d", *p);
  BOOL("it grew by a page", mapped(s - pg, top));
  p = s - 100 * pg;
  SAY("100 pages below reads %d", *p);
  BOOL("grown 100 pages", mapped(s - 100 * pg, top));
  BOOL("not further", !mapped(s - 101 * pg, s - 100 * pg));
  munmap(s - 100 * pg, 104 * pg);

  g_top = top;
  in_child("growing past RLIMIT_STACK", touch_far);
  in_child("growing into the guard gap of a mapping below", touch_near_other);

  void* m = mmap(NULL, pg, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
  SAY("shared MAP_GROWSDOWN: %s", m == MAP_FAILED ? sc_errname(errno) : "ok");
  m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
  SAY("MAP_LOCKED as %s: %s", geteuid() == 0 ? "root" : "user", m == MAP_FAILED ? sc_errname(errno) : "ok");
  if (geteuid() == 0) {
    in_child("unprivileged, no memlock", locked_unprivileged);
    in_child("unprivileged, 64 KiB memlock", locked_limit);
  }
  return 0;
}
