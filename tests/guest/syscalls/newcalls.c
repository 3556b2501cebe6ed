// tests/guest/syscalls/newcalls.c — calls of Linux 6.5 to 6.7 that riscv64
// 6.12 has: cachestat (451), fchmodat2 (452) and the futex2 calls
// futex_wake, futex_wait, futex_requeue (454-456): results and Linux's
// errno order. Run with compare.py --host-release: a kernel older than 6.7
// (uname, the host's in both runs) is reported and nothing is called.
#include "sc.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>

enum { kCachestat = 451, kFchmodat2 = 452, kFutexWake = 454, kFutexWait = 455, kFutexRequeue = 456 };
enum { kU32 = 2, kPrivate = 128 };  // FUTEX2_SIZE_U32, FUTEX2_PRIVATE

struct range {
  uint64_t off, len;
};
struct cstat {
  uint64_t cache, dirty, writeback, evicted, recently_evicted;
};
struct waitv {
  uint64_t val, uaddr;
  uint32_t flags, reserved;
};

static _Atomic uint32_t word, other;
static _Atomic int waiting;

static void* waiter(void* arg) {
  (void)arg;
  waiting = 1;
  long r = syscall(kFutexWait, &word, 0, 0xffffffffUL, kU32 | kPrivate, NULL, 0);
  return (void*)r;
}

static void cachestat_part(void) {
  int f = open("data", O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0644);
  static char buf[65536];
  memset(buf, 'x', sizeof buf);
  OK("write", write(f, buf, sizeof buf));
  struct range whole = {0, 0};
  struct cstat cs;
  memset(&cs, 0, sizeof cs);
  OK("cachestat", syscall(kCachestat, f, &whole, &cs, 0));
  BOOL("cachestat: pages cached", cs.cache > 0 && cs.cache <= 16);
  ERR("cachestat flags", syscall(kCachestat, f, &whole, &cs, 1));
  ERR("cachestat EBADF", syscall(kCachestat, 999, &whole, &cs, 0));
  ERR("cachestat range EFAULT before flags", syscall(kCachestat, f, BAD_PTR, &cs, 1));
  ERR("cachestat result EFAULT", syscall(kCachestat, f, &whole, BAD_PTR, 0));
  close(f);
}

static void fchmodat2_part(void) {
  OK("fchmodat2", syscall(kFchmodat2, AT_FDCWD, "data", 0640, 0));
  struct stat st;
  stat("data", &st);
  SAY("mode %o", st.st_mode & 07777);
  symlink("data", "link");
  OK("fchmodat2 through a link", syscall(kFchmodat2, AT_FDCWD, "link", 0600, 0));
  stat("data", &st);
  SAY("mode %o", st.st_mode & 07777);
  ERR("fchmodat2 nofollow on a link", syscall(kFchmodat2, AT_FDCWD, "link", 0644, AT_SYMLINK_NOFOLLOW));
  OK("fchmodat2 nofollow on a file", syscall(kFchmodat2, AT_FDCWD, "data", 0604, AT_SYMLINK_NOFOLLOW));
  stat("data", &st);
  SAY("mode %o", st.st_mode & 07777);
  int p = open("data", O_PATH | O_CLOEXEC);
  OK("fchmodat2 empty path", syscall(kFchmodat2, p, "", 0644, AT_EMPTY_PATH));
  stat("data", &st);
  SAY("mode %o", st.st_mode & 07777);
  ERR("fchmodat2 empty path without the flag", syscall(kFchmodat2, p, "", 0644, 0));
  ERR("fchmodat2 bad flag", syscall(kFchmodat2, AT_FDCWD, "data", 0644, AT_REMOVEDIR));
  ERR("fchmodat2 ENOENT", syscall(kFchmodat2, AT_FDCWD, "nothing", 0644, 0));
  ERR("fchmodat2 EFAULT", syscall(kFchmodat2, AT_FDCWD, BAD_PTR, 0644, 0));
  close(p);
  unlink("link");
  unlink("data");
}

static void futex2_part(void) {
  VAL("futex_wake nobody", syscall(kFutexWake, &word, 0xffffffffUL, 1, kU32 | kPrivate));
  ERR("futex_wake size u8", syscall(kFutexWake, &word, 0xffffffffUL, 1, 0));
  ERR("futex_wake mask > 32 bits", syscall(kFutexWake, &word, 1UL << 40, 1, kU32));
  ERR("futex_wake misaligned", syscall(kFutexWake, (char*)&word + 1, 1, 1, kU32));
  ERR("futex_wake EFAULT", syscall(kFutexWake, BAD_PTR, 1, 1, kU32));
  ERR("futex_wait other value", syscall(kFutexWait, &word, 5, 0xffffffffUL, kU32, NULL, 0));
  struct timespec past;
  clock_gettime(CLOCK_MONOTONIC, &past);
  ERR("futex_wait deadline passed", syscall(kFutexWait, &word, 0, 0xffffffffUL, kU32, &past, CLOCK_MONOTONIC));
  clock_gettime(CLOCK_REALTIME, &past);
  ERR("futex_wait realtime deadline", syscall(kFutexWait, &word, 0, 0xffffffffUL, kU32, &past, CLOCK_REALTIME));
  ERR("futex_wait bad clock", syscall(kFutexWait, &word, 0, 0xffffffffUL, kU32, &past, CLOCK_BOOTTIME));
  struct timespec bad = {0, 2000000000};
  ERR("futex_wait bad timespec", syscall(kFutexWait, &word, 0, 0xffffffffUL, kU32, &bad, CLOCK_MONOTONIC));
  ERR("futex_wait value > 32 bits", syscall(kFutexWait, &word, 1UL << 33, 0xffffffffUL, kU32, NULL, 0));
  ERR("futex_wait mask 0", syscall(kFutexWait, &word, 0, 0, kU32, NULL, 0));

  // A waiter is woken by futex_wake (tried until it is asleep).
  pthread_t t;
  pthread_create(&t, NULL, waiter, NULL);
  while (!waiting) sched_yield();
  long woken = 0;
  for (int i = 0; i < 20000 && woken == 0; ++i) {
    woken = syscall(kFutexWake, &word, 0xffffffffUL, 1, kU32 | kPrivate);
    if (!woken) usleep(100);
  }
  void* res;
  pthread_join(t, &res);
  SAY("futex_wake woke %ld, futex_wait returned %ld", woken, (long)res);

  struct waitv w[2] = {{0, (uintptr_t)&word, kU32 | kPrivate, 0}, {0, (uintptr_t)&other, kU32 | kPrivate, 0}};
  VAL("futex_requeue nobody", syscall(kFutexRequeue, w, 0, 1, 1));
  ERR("futex_requeue flags", syscall(kFutexRequeue, w, 1, 1, 1));
  w[0].val = 7;
  ERR("futex_requeue other value", syscall(kFutexRequeue, w, 0, 1, 1));
  w[0].val = 0;
  w[1].reserved = 1;
  ERR("futex_requeue reserved", syscall(kFutexRequeue, w, 0, 1, 1));
  ERR("futex_requeue EFAULT", syscall(kFutexRequeue, BAD_PTR, 0, 1, 1));
}

int main(void) {
  struct utsname u;
  uname(&u);
  int major = 0, minor = 0;
  sscanf(u.release, "%d.%d", &major, &minor);
  if (major < 6 || (major == 6 && minor < 7)) {
    SAY("kernel %d.%d: before 6.7, not tested", major, minor);
    return 0;
  }
  char dir[] = "/tmp/hart-newcalls.XXXXXX";
  if (!mkdtemp(dir) || chdir(dir) != 0) return 1;
  cachestat_part();
  fchmodat2_part();
  futex2_part();
  chdir("/");
  rmdir(dir);
  return 0;
}
