// tests/guest/syscalls/atedges.c — edge cases of path and memory calls that
// syscall suites check: readlinkat(fd, "") of an O_PATH symlink fd; fstatat
// and statx with a NULL path and AT_EMPTY_PATH (Linux 6.11) and statx's
// flag and mask checks before the lookup; mknod of a directory (EPERM);
// mmap's MAP_SHARED_VALIDATE of anonymous memory (EINVAL) and of a file
// with an unknown flag (EOPNOTSUPP); mprotect's PROT_GROWSDOWN (only on a
// MAP_GROWSDOWN mapping) and PROT_GROWSUP (never on riscv64 or x86-64);
// getcwd after chdir through /proc/self and /proc/thread-self (the
// symlinks resolved: /proc/<pid>, /proc/<pid>/task/<tid>).
#include "sc.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int main(void) {
  char b[256];
  symlink("target-of-link", "link");
  int lfd = open("link", O_PATH | O_NOFOLLOW);
  VAL("readlinkat(O_PATH symlink fd, \"\")", readlinkat(lfd, "", b, sizeof b));
  int dfd = open(".", O_RDONLY);
  VAL("readlinkat(directory fd, \"\")", readlinkat(dfd, "", b, sizeof b));
  VAL("readlinkat(AT_FDCWD, \"\")", readlinkat(AT_FDCWD, "", b, sizeof b));

  int f = open("file", O_CREAT | O_RDWR, 0644);
  write(f, "12345", 5);
  struct stat st;
  struct statx sx;
  VAL("fstatat(fd, NULL, AT_EMPTY_PATH)", syscall(SYS_newfstatat, f, NULL, &st, AT_EMPTY_PATH));
  VAL("its size", (long)st.st_size);
  VAL("fstatat(fd, NULL, 0)", syscall(SYS_newfstatat, f, NULL, &st, 0));
  VAL("statx(fd, NULL, AT_EMPTY_PATH)", syscall(SYS_statx, f, NULL, AT_EMPTY_PATH, STATX_SIZE, &sx));
  VAL("its size", (long)sx.stx_size);
  VAL("statx(closed fd, NULL, AT_EMPTY_PATH)", syscall(SYS_statx, 999, NULL, AT_EMPTY_PATH, STATX_SIZE, &sx));
  VAL("statx bad flags, missing file", syscall(SYS_statx, AT_FDCWD, "missing", 0x10000000, STATX_SIZE, &sx));
  VAL("statx FORCE_SYNC|DONT_SYNC, missing file",
      syscall(SYS_statx, AT_FDCWD, "missing", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, STATX_SIZE, &sx));
  VAL("statx reserved mask, missing file", syscall(SYS_statx, AT_FDCWD, "missing", 0, 0x80000000U, &sx));

  VAL("mknod S_IFDIR", mknod("d", S_IFDIR | 0755, 0));
  VAL("mknod unknown type", mknod("u", 0170000 | 0644, 0));

  long ps = sysconf(_SC_PAGESIZE);
  VAL("mmap anonymous MAP_SHARED_VALIDATE",
      mmap(NULL, ps, PROT_READ, MAP_ANONYMOUS | MAP_SHARED_VALIDATE, -1, 0) == MAP_FAILED ? -errno : 0);
  VAL("mmap file MAP_SHARED_VALIDATE unknown flag",
      mmap(NULL, ps, PROT_READ, MAP_SHARED_VALIDATE | 0x1000000, f, 0) == MAP_FAILED ? -errno : 0);
  VAL("mmap file MAP_SHARED_VALIDATE",
      mmap(NULL, ps, PROT_READ, MAP_SHARED_VALIDATE, f, 0) == MAP_FAILED ? -errno : 0);
  char* p = mmap(NULL, 4 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  VAL("mprotect PROT_GROWSDOWN, plain mapping", mprotect(p + ps, ps, PROT_READ | PROT_GROWSDOWN));
  VAL("mprotect PROT_GROWSUP", mprotect(p + ps, ps, PROT_READ | PROT_GROWSUP));
  VAL("mprotect both", mprotect(p + ps, ps, PROT_READ | PROT_GROWSUP | PROT_GROWSDOWN));
  p[0] = 1;  // still writable: nothing changed
  char* g = mmap(NULL, 4 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
  VAL("mprotect PROT_GROWSDOWN, MAP_GROWSDOWN mapping", mprotect(g + 2 * ps, ps, PROT_READ | PROT_GROWSDOWN));
  {  // the whole range from the mapping's start became read-only
    FILE* m = fopen("/proc/self/maps", "r");
    char line[512];
    int ro = 0;
    while (fgets(line, sizeof line, m)) {
      unsigned long s, e;
      char perms[5];
      if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3 && s <= (unsigned long)g &&
          (unsigned long)g < e)
        ro = perms[1] == '-';
    }
    fclose(m);
    SAY("its start is read-only now: %d", ro);
  }

  VAL("chdir /proc/self", chdir("/proc/self"));
  VAL("getcwd is /proc/<pid>", ({
        char want[64];
        snprintf(want, sizeof want, "/proc/%d", getpid());
        getcwd(b, sizeof b) && strcmp(b, want) == 0;
      }));
  VAL("chdir fd", chdir("fd"));
  VAL("getcwd is /proc/<pid>/fd", ({
        char want[64];
        snprintf(want, sizeof want, "/proc/%d/fd", getpid());
        getcwd(b, sizeof b) && strcmp(b, want) == 0;
      }));
  VAL("chdir /proc/thread-self", chdir("/proc/thread-self"));
  VAL("getcwd is /proc/<pid>/task/<tid>", ({
        char want[64];
        snprintf(want, sizeof want, "/proc/%d/task/%ld", getpid(), (long)syscall(SYS_gettid));
        getcwd(b, sizeof b) && strcmp(b, want) == 0;
      }));
  VAL("readlink /proc/thread-self", ({
        char want[64];
        snprintf(want, sizeof want, "%d/task/%ld", getpid(), (long)syscall(SYS_gettid));
        ssize_t n = readlink("/proc/thread-self", b, sizeof b);
        n > 0 && (size_t)n == strlen(want) && memcmp(b, want, n) == 0;
      }));
  return 0;
}
