// tests/guest/syscalls/memory.c — memory: mmap (anonymous, file, shared,
// fixed, MAP_FIXED_NOREPLACE), munmap, mprotect (and the SIGSEGV it causes),
// mremap, madvise, msync, brk, and the errno of bad arguments.
#include "sc.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

static sigjmp_buf jb;
static volatile int segv_code;
static void on_segv(int s, siginfo_t* si, void* uc) {
  (void)s;
  (void)uc;
  segv_code = si->si_code;
  siglongjmp(jb, 1);
}

int main(void) {
  long pg = sysconf(_SC_PAGESIZE);
  SAY("page size %ld", pg);
  char* a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  BOOL("mmap anon", a != MAP_FAILED);
  BOOL("zero filled", a[0] == 0 && a[4 * pg - 1] == 0);
  a[0] = 1;
  ERR("mmap EINVAL len 0", (long)mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ERR("mmap EINVAL flags", (long)mmap(NULL, pg, PROT_READ, MAP_ANONYMOUS, -1, 0));
  ERR("mmap EBADF", (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 99, 0));
  ERR("mmap unaligned offset", (long)mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1));
  ERR("mmap fixed unaligned", (long)mmap(a + 1, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
  ERR("MAP_FIXED_NOREPLACE busy",
      (long)mmap(a, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
  char* f = mmap(a + pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  BOOL("MAP_FIXED replaces", f == a + pg);
  OK("munmap middle", munmap(a + 2 * pg, pg));
  ERR("munmap unaligned", munmap(a + 1, pg));
  ERR("munmap len 0", munmap(a, 0));
  OK("munmap unmapped ok", munmap(a + 2 * pg, pg));
  OK("mprotect", mprotect(a, pg, PROT_READ));
  ERR("mprotect unaligned", mprotect(a + 1, pg, PROT_READ));
  ERR("mprotect unmapped", mprotect(a + 2 * pg, pg, PROT_READ));
  ERR("mprotect bad prot", mprotect(a, pg, 0x100));

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  if (!sigsetjmp(jb, 1)) {
    a[0] = 2;
    SAY("write to read-only did not fault");
  } else {
    SAY("write to read-only: SIGSEGV code %s", segv_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other");
  }
  if (!sigsetjmp(jb, 1)) {
    a[2 * pg] = 2;
    SAY("write to unmapped did not fault");
  } else {
    SAY("write to unmapped: SIGSEGV code %s", segv_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other");
  }
  ERR("read into read-only buffer", read(open("/dev/zero", O_RDONLY), a, 16));

  // mremap
  char* m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  strcpy(m, "keep me");
  char* m2 = mremap(m, pg, 8 * pg, MREMAP_MAYMOVE);
  BOOL("mremap grow", m2 != MAP_FAILED && strcmp(m2, "keep me") == 0);
  m2[8 * pg - 1] = 1;
  char* m3 = mremap(m2, 8 * pg, pg, 0);
  BOOL("mremap shrink in place", m3 == m2);
  ERR("mremap bad flags", (long)mremap(m3, pg, 2 * pg, 0x80));
  ERR("mremap unaligned", (long)mremap(m3 + 1, pg, 2 * pg, MREMAP_MAYMOVE));

  // file and shared mappings
  int fd = open("mapfile", O_CREAT | O_RDWR | O_TRUNC, 0644);
  ftruncate(fd, pg);
  char* s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  BOOL("mmap shared file", s != MAP_FAILED);
  strcpy(s, "shared text");
  OK("msync", msync(s, pg, MS_SYNC));
  char buf[32] = {0};
  pread(fd, buf, 11, 0);
  SAY("file sees %s", buf);
  ERR("msync bad flags", msync(s, pg, MS_SYNC | MS_ASYNC));
  char* anon_sh = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  strcpy(anon_sh, "parent");
  pid_t pid = fork();
  if (pid == 0) {
    strcpy(anon_sh, "child wrote");
    s[0] = 'S';
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  SAY("after child: %s / %c", anon_sh, s[0]);
  char* priv = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  priv[1] = 'X';
  pread(fd, buf, 3, 0);
  SAY("private write not in file: %.3s", buf);
  int ro = open("mapfile", O_RDONLY);
  ERR("mmap shared write on O_RDONLY", (long)mmap(NULL, pg, PROT_WRITE, MAP_SHARED, ro, 0));
  OK("madvise", madvise(m3, pg, MADV_DONTNEED));
  ERR("madvise bad advice", madvise(m3, pg, 9999));
  OK("mlock", mlock(m3, pg));
  OK("munlock", munlock(m3, pg));

  // brk
  void* b0 = sbrk(0);
  BOOL("sbrk grow", sbrk(3 * pg) == b0);
  memset(b0, 7, 3 * pg);
  BOOL("brk moved", (char*)sbrk(0) == (char*)b0 + 3 * pg);
  BOOL("sbrk shrink", sbrk(-pg) != (void*)-1);
  return 0;
}
