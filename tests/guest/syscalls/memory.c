// tests/guest/syscalls/memory.c — memory: mmap (anonymous, file, shared,
// fixed, MAP_FIXED_NOREPLACE), munmap, mprotect (and the SIGSEGV it causes),
// mremap, madvise, msync, brk, and the errno of bad arguments.
#include "sc.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

static sigjmp_buf jb;
static volatile int segv_code;
static void on_segv(int s, siginfo_t* si, void* uc) {
  (void)s;
  (void)uc;
  segv_code = si->si_code;
  siglongjmp(jb, 1);
}

static volatile int bus_code;
static volatile char* volatile bus_addr;
static void on_bus(int s, siginfo_t* si, void* uc) {
  (void)s;
  (void)uc;
  bus_code = si->si_code;
  bus_addr = si->si_addr;
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
  // mremap: moves and growth of every kind of mapping.
  {
    long ps = sysconf(_SC_PAGESIZE);
    char* a = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(a, "anon data");
    // A guard page after it forces a move.
    mmap(a + 2 * ps, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    ERR("mremap grow without MAYMOVE", mremap(a, 2 * ps, 8 * ps, 0));
    char* b = mremap(a, 2 * ps, 8 * ps, MREMAP_MAYMOVE);
    BOOL("mremap MAYMOVE moved with the data", b != MAP_FAILED && b != a && strcmp(b, "anon data") == 0);
    b[7 * ps] = 1;
    // FIXED to an address we pick.
    char* spot = mmap(NULL, 8 * ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(spot, 8 * ps);
    char* c = mremap(b, 8 * ps, 8 * ps, MREMAP_MAYMOVE | MREMAP_FIXED, spot);
    BOOL("mremap FIXED lands there", c == spot && strcmp(c, "anon data") == 0 && c[7 * ps] == 1);
    ERR("msync of the old range", msync(b, ps, MS_ASYNC));
    ERR("mremap of unmapped memory", mremap(b, ps, 2 * ps, MREMAP_MAYMOVE));
    ERR("mremap FIXED without MAYMOVE", mremap(c, ps, ps, MREMAP_FIXED, b));
    ERR("mremap FIXED overlapping", mremap(c, 2 * ps, 2 * ps, MREMAP_MAYMOVE | MREMAP_FIXED, c + ps));
    ERR("mremap DONTUNMAP resize", mremap(c, 2 * ps, 4 * ps, MREMAP_MAYMOVE | MREMAP_DONTUNMAP));
    // A PROT_NONE mapping moved while growing: its pages come along unread.
    char* n = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(n, "hidden");
    mprotect(n, ps, PROT_NONE);
    mmap(n + ps, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    char* n2 = mremap(n, ps, 4 * ps, MREMAP_MAYMOVE);
    BOOL("PROT_NONE mapping moved", n2 != MAP_FAILED);
    if (n2 != MAP_FAILED) {
      mprotect(n2, 4 * ps, PROT_READ);
      BOOL("its data came along", strcmp(n2, "hidden") == 0);
    }
    // A shared file mapping of 4 MiB grown to 8 MiB.
    int fd = open("mremap-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    ftruncate(fd, 8 << 20);
    char* f = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    mmap(f + (4 << 20), ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    char* g = mremap(f, 4 << 20, 8 << 20, MREMAP_MAYMOVE);
    BOOL("shared file mapping grown", g != MAP_FAILED);
    if (g != MAP_FAILED) {
      strcpy(g + (6 << 20), "written through the new part");
      char buf[32] = "";
      pread(fd, buf, 28, 6 << 20);
      BOOL("the file sees it", strcmp(buf, "written through the new part") == 0);
    }
    // A second view of a shared mapping (old size 0).
    char* s1 = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char* s2 = mremap(s1, 0, ps, MREMAP_MAYMOVE);
    BOOL("old size 0: a second view", s2 != MAP_FAILED && s2 != s1);
    if (s2 != MAP_FAILED) {
      strcpy(s1, "shared");
      BOOL("both views see writes", strcmp(s2, "shared") == 0);
    }
    char* p1 = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ERR("old size 0 of a private mapping", mremap(p1, 0, ps, MREMAP_MAYMOVE));
    // Two mappings with different protections: one mremap cannot span them.
    char* two = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(two + ps, ps, PROT_READ);
    ERR("mremap across two mappings", mremap(two, 2 * ps, 4 * ps, MREMAP_MAYMOVE));
    BOOL("shrink in place", mremap(two, 2 * ps, ps, 0) == two);
    close(fd);
    unlink("mremap-file");
  }
  // A private file mapping across fork: the page the parent wrote is the
  // child's copy, the other is still the file's, so a later write to the
  // file shows in both processes there (the page cache is shared), and the
  // child's own writes stay its own.
  {
    long ps = sysconf(_SC_PAGESIZE);
    int fd = open("fork-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    ftruncate(fd, 2 * ps);
    pwrite(fd, "page zero", 10, 0);
    pwrite(fd, "page one", 9, ps);
    char* m = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    strcpy(m, "parent wrote");
    BOOL("the parent reads page one", strcmp(m + ps, "page one") == 0);  // (read, not copied)
    int ready[2], go[2], done[2];
    pipe(ready);
    pipe(go);
    pipe(done);
    pid_t pid = fork();
    if (pid == 0) {
      char c;
      int bits = (strcmp(m, "parent wrote") == 0) | (strcmp(m + ps, "page one") == 0) << 1;
      write(ready[1], "x", 1);
      read(go[0], &c, 1);  // the parent changed the file
      bits |= (strcmp(m + ps, "changed!") == 0) << 2;
      strcpy(m + ps, "child wrote");
      write(done[1], "x", 1);
      _exit(bits);
    }
    char c;
    read(ready[0], &c, 1);
    pwrite(fd, "changed!", 9, ps);
    write(go[1], "x", 1);
    read(done[0], &c, 1);
    int st = 0;
    waitpid(pid, &st, 0);
    const int bits = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    BOOL("the child has the parent's written page", bits >= 0 && (bits & 1));
    BOOL("the child reads the file's other page", bits >= 0 && (bits & 2));
    BOOL("the child sees the file change there", bits >= 0 && (bits & 4));
    BOOL("the parent sees the file change too", strcmp(m + ps, "changed!") == 0);
    BOOL("the parent keeps its written page", strcmp(m, "parent wrote") == 0);
    char disk[16] = "";
    pread(fd, disk, 9, ps);
    BOOL("the child's write is its own", strcmp(disk, "changed!") == 0);
    close(ready[0]), close(ready[1]), close(go[0]), close(go[1]), close(done[0]), close(done[1]);
    munmap(m, 2 * ps);
    close(fd);
    unlink("fork-file");
  }
  // A mapped file's path taken over by a FIFO before fork: fork neither
  // blocks on it nor loses the mapping (the child has the mapped bytes).
  {
    long ps = sysconf(_SC_PAGESIZE);
    int fd = open("fifo-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    ftruncate(fd, ps);
    pwrite(fd, "mapped", 7, 0);
    char* m = mmap(NULL, ps, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    mkfifo("fifo-new", 0600);
    rename("fifo-new", "fifo-file");
    pid_t pid = fork();
    if (pid == 0) _exit(strcmp(m, "mapped") == 0 ? 0 : 1);
    int st = 0;
    waitpid(pid, &st, 0);
    BOOL("fork past a FIFO at a mapped path", WIFEXITED(st) && WEXITSTATUS(st) == 0);
    munmap(m, ps);
    unlink("fifo-file");
  }
  // Mappings are counted (vm.max_map_count): past the limit mmap fails
  // with ENOMEM, and works again once some are gone.
  {
    long ps = sysconf(_SC_PAGESIZE);
    enum { kMax = 70000 };
    static char* maps[kMax];
    int n = 0, err = 0;
    char* hint = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (; n < kMax; ++n) {
      // Every other page a different protection: neighbours never merge.
      maps[n] = mmap(NULL, ps, (n & 1) ? PROT_READ : PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (maps[n] == MAP_FAILED) {
        err = errno;
        break;
      }
    }
    printf("many mappings end in ENOMEM: %s\n", n < kMax && err == ENOMEM ? "yes" : "no");
    for (int i = 0; i < n; i += 2) munmap(maps[i], ps);
    char* again = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("after munmap mmap works again: %s\n", again != MAP_FAILED ? "yes" : "no");
    for (int i = 1; i < n; i += 2) munmap(maps[i], ps);
    munmap(again, ps);
    munmap(hint, ps);
  }
  // A load from a file mapping past the end of the file: SIGBUS (BUS_ADRERR).
  {
    long ps = sysconf(_SC_PAGESIZE);
    int fd = open("short-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    write(fd, "x", 1);
    volatile char* m = mmap(NULL, 2 * ps, PROT_READ, MAP_SHARED, fd, 0);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, &old);
    if (sigsetjmp(jb, 1) == 0) {
      printf("read past EOF: %d\n", m[ps]);
    } else {
      printf("read past EOF: SIGBUS code %d at the address: %s\n", bus_code, bus_addr == m + ps ? "yes" : "no");
    }
    sigaction(SIGBUS, &old, NULL);
    printf("within the file: %c\n", m[0]);
    close(fd);
    unlink("short-file");
  }
  // MADV_REMOVE frees shared memory and punches a hole in a shared file
  // mapping's file (EINVAL on private anonymous memory, EACCES on a private
  // file mapping); MADV_FREE is for private anonymous memory only.
  {
    char* s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    s[0] = 'S';
    OK("MADV_REMOVE on shared memory", madvise(s, 4096, MADV_REMOVE));
    printf("  then reads %d\n", s[0]);
    char* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 'P';
    ERR("MADV_REMOVE on private memory", madvise(p, 4096, MADV_REMOVE));
    OK("MADV_FREE on private memory", madvise(p, 4096, MADV_FREE));
    ERR("MADV_FREE on shared memory", madvise(s, 4096, MADV_FREE));
    int fd = open("holes", O_RDWR | O_CREAT | O_TRUNC, 0600);
    write(fd, "file", 4);
    char* f = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    ERR("MADV_FREE on a file mapping", madvise(f, 4096, MADV_FREE));
    ERR("MADV_REMOVE on a private file mapping", madvise(f, 4096, MADV_REMOVE));
    char* fs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    OK("MADV_REMOVE on a shared file mapping", madvise(fs, 4096, MADV_REMOVE));
    char b[4] = {1, 1, 1, 1};
    pread(fd, b, 4, 0);
    printf("  the file reads %d %d %d %d\n", b[0], b[1], b[2], b[3]);
    close(fd);
    unlink("holes");
  }
  return 0;
}
