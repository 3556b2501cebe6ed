// tests/guest/syscalls/mseal.c — mseal (462, Linux 6.10+): argument checks
// (flags, alignment, a length that wraps, unmapped pages: nothing sealed
// then), and what a seal refuses: munmap, mremap (shrink, grow, move, a
// sealed MREMAP_FIXED destination), mprotect (the mappings before the
// sealed one change, as Linux goes mapping by mapping), mmap MAP_FIXED over
// it, discarding madvise on read-only private anonymous memory (allowed
// when writable, shared or file-backed), brk shrinking a sealed heap; the
// seal splits the mapping in /proc/self/maps and shows as "sl" in smaps'
// VmFlags; a fork child inherits the seals. Run with --host-release (a
// kernel older than 6.10 is reported and nothing is called).
#include "sc.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif
#define PG 4096UL

static long sc_mseal(void* a, unsigned long len, unsigned long flags) {
  return syscall(462, a, len, flags);
}

static char text[1 << 20];

static void slurp(const char* path) { sc_slurp(path, text, sizeof text); }

// The permissions /proc/self/maps shows for the mapping holding addr, and
// how many maps lines fall inside [lo, hi).
static void maps_of(const char* label, char* addr, char* lo, char* hi) {
  slurp("/proc/self/maps");
  int lines = 0;
  char perms[8] = "none";
  for (char* p = text; *p;) {
    unsigned long s, e;
    char pr[8];
    if (sscanf(p, "%lx-%lx %7s", &s, &e, pr) == 3) {
      if (s >= (unsigned long)lo && e <= (unsigned long)hi) ++lines;
      if ((unsigned long)addr >= s && (unsigned long)addr < e) snprintf(perms, sizeof perms, "%s", pr);
    }
    char* nl = strchr(p, '\n');
    if (!nl) break;
    p = nl + 1;
  }
  SAY("%s: %s, %d maps lines", label, perms, lines);
}

// Whether smaps' VmFlags of the mapping starting at addr has "sl".
static void sealed_flag(const char* label, char* addr) {
  char head[32];
  snprintf(head, sizeof head, "%lx-", (unsigned long)addr);
  slurp("/proc/self/smaps");
  char* p = strstr(text, head);
  char* f = p ? strstr(p, "VmFlags:") : NULL;
  char* nl = f ? strchr(f, '\n') : NULL;
  if (nl) *nl = 0;
  BOOL(label, f && strstr(f, " sl"));
}

static char* anon(int pages, int prot, int flags) {
  char* p = mmap(NULL, pages * PG, prot, flags | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    SAY("mmap failed");
    exit(1);
  }
  return p;
}

int main(void) {
  if (sc_kernel_before(6, 10)) return 0;
  char* m = anon(6, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  memset(m, 'a', 6 * PG);

  // Argument checks.
  ERR("flags", sc_mseal(m, PG, 1));
  ERR("unaligned", sc_mseal(m + 1, PG, 0));
  OK("len 0", sc_mseal(m, 0, 0));
  OK("len 0 unmapped", sc_mseal(BAD_PTR, 0, 0));
  ERR("len wraps to 0", sc_mseal(m, -1UL, 0));
  ERR("beyond user space", sc_mseal((void*)(-4 * PG), 2 * PG, 0));
  ERR("end wraps", sc_mseal((void*)(-2 * PG), 4 * PG, 0));
  char* hole = anon(1, PROT_READ, MAP_PRIVATE);
  munmap(hole, PG);
  ERR("unmapped", sc_mseal(hole, PG, 0));
  munmap(m + 5 * PG, PG);  // a hole after the mapping
  ERR("runs past the mapping", sc_mseal(m + 4 * PG, 2 * PG, 0));
  OK("nothing sealed then", munmap(m + 4 * PG, PG));

  // Seal pages 1 and 2 (a length rounded up to pages).
  OK("seal", sc_mseal(m + PG, 2 * PG - 100, 0));
  OK("seal again", sc_mseal(m + PG, 2 * PG, 0));
  maps_of("maps", m + PG, m, m + 4 * PG);
  sealed_flag("smaps sl (sealed)", m + PG);
  sealed_flag("smaps sl (not sealed)", m + 3 * PG);

  ERR("munmap sealed", munmap(m + PG, PG));
  ERR("munmap over sealed", munmap(m, 4 * PG));
  BOOL("data kept", m[0] == 'a' && m[PG] == 'a' && m[3 * PG] == 'a');
  ERR("mprotect sealed", mprotect(m + PG, PG, PROT_READ));
  ERR("mprotect across", mprotect(m, 4 * PG, PROT_READ));
  maps_of("page 0 after", m, m, m + 4 * PG);
  maps_of("page 1 after", m + PG, m, m + 4 * PG);
  maps_of("page 3 after", m + 3 * PG, m, m + 4 * PG);
  OK("mprotect unsealed", mprotect(m, PG, PROT_READ | PROT_WRITE));

  ERR("mremap shrink", (long)mremap(m + PG, 2 * PG, PG, 0) == -1 ? -1 : 0);
  ERR("mremap grow", (long)mremap(m + 2 * PG, PG, 2 * PG, MREMAP_MAYMOVE) == -1 ? -1 : 0);
  char* dst = anon(2, PROT_READ, MAP_PRIVATE);
  ERR("mremap move", (long)mremap(m + PG, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst) == -1 ? -1 : 0);
  ERR("mremap onto sealed",
      (long)mremap(dst, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, m + PG) == -1 ? -1 : 0);
  ERR("mremap unmapped", (long)mremap(hole, PG, PG, 0) == -1 ? -1 : 0);

  ERR("mmap fixed over sealed",
      mmap(m, 3 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED ? -1 : 0);
  ERR("mmap noreplace over sealed",
      mmap(m + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED
          ? -1
          : 0);
  BOOL("mmap hint picks elsewhere",
       mmap(m + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != m + PG);

  // madvise: writable sealed anonymous memory may be discarded.
  OK("madvise DONTNEED writable", madvise(m + PG, PG, MADV_DONTNEED));
  BOOL("zeroed", m[PG] == 0);
  OK("madvise WILLNEED", madvise(m + PG, PG, MADV_WILLNEED));
  // Read-only sealed anonymous memory may not.
  char* ro = anon(3, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  memset(ro, 'r', 3 * PG);
  mprotect(ro + PG, 2 * PG, PROT_READ);
  OK("seal read-only", sc_mseal(ro + PG, 2 * PG, 0));
  ERR("madvise DONTNEED read-only", madvise(ro + PG, PG, MADV_DONTNEED));
  ERR("madvise FREE read-only", madvise(ro + PG, PG, MADV_FREE));
  ERR("madvise DONTFORK read-only", madvise(ro + PG, PG, MADV_DONTFORK));
  OK("madvise WILLNEED read-only", madvise(ro + PG, PG, MADV_WILLNEED));
  ERR("madvise DONTNEED across", madvise(ro, 3 * PG, MADV_DONTNEED));
  BOOL("page before advised", ro[0] == 0);
  BOOL("sealed page kept", ro[PG] == 'r');
  // Shared anonymous and file-backed read-only sealed memory may.
  char* sh = anon(1, PROT_READ, MAP_SHARED);
  OK("seal shared", sc_mseal(sh, PG, 0));
  OK("madvise DONTNEED shared", madvise(sh, PG, MADV_DONTNEED));
  int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (ftruncate(fd, PG)) SAY("ftruncate failed");
  char* fm = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
  OK("seal file", sc_mseal(fm, PG, 0));
  OK("madvise DONTNEED file", madvise(fm, PG, MADV_DONTNEED));
  ERR("munmap file", munmap(fm, PG));
  close(fd);

  // A fork child has the same seals.
  pid_t c = fork();
  if (c == 0) {
    ERR("child munmap sealed", munmap(m + PG, PG));
    ERR("child mprotect sealed", mprotect(m + PG, PG, PROT_NONE));
    OK("child munmap unsealed", munmap(m + 3 * PG, PG));
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  SAY("child status %d", WEXITSTATUS(st));

  // brk: a sealed heap does not shrink; brk keeps the old break.
  char* b0 = sbrk(0);
  char* top = (char*)(((unsigned long)b0 + 3 * PG) & ~(PG - 1));
  if (brk(top) == 0) {
    OK("seal heap", sc_mseal(top - PG, PG, 0));
    ERR("brk shrink sealed", brk(top - PG));
    BOOL("break unchanged", sbrk(0) == top);
  }
  return 0;
}
