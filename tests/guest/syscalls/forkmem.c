// tests/guest/syscalls/forkmem.c — madvise's fork behaviour: MADV_WIPEONFORK
// (the child sees zeros; private anonymous memory only, EINVAL on shared or
// file mappings; the parent keeps its data; inherited by the child's own
// children), MADV_KEEPONFORK (copied again), MADV_DONTFORK (the child has no
// mapping there: mincore ENOMEM, an access SIGSEGV), MADV_DOFORK; advice on a
// part of a mapping splits it (/proc/self/maps shows three entries). Random
// number generators (glibc's arc4random, OpenSSL) rely on WIPEONFORK so a
// child never repeats its parent's stream.
#include "sc.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

// The child's exit status: fn(p) run in a forked child.
static int in_child(int (*fn)(char*), char* p) {
  pid_t c = fork();
  if (c == 0) _exit(fn(p));
  int st;
  waitpid(c, &st, 0);
  return WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : WEXITSTATUS(st);
}
static int first_bytes(char* p) { return p[0] + p[4096] + p[8192]; }
static int middle_byte(char* p) { return p[4096]; }
static int outer_bytes(char* p) { return p[0] + p[8192]; }
static int has_middle(char* p) {
  unsigned char v;
  return mincore(p + 4096, 4096, &v) == 0 ? 1 : errno == ENOMEM ? 2 : 3;
}
static int grandchild_sees(char* p) { return in_child(middle_byte, p); }

static int maps_entries(char* p) {
  FILE* f = fopen("/proc/self/maps", "r");
  char line[512];
  int n = 0;
  unsigned long lo, hi, a = (unsigned long)p, b = a + 3 * 4096;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo < b && hi > a) ++n;
  if (f) fclose(f);
  return n;
}

int main(void) {
  char* p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(p, 1, 3 * 4096);
  OK("MADV_WIPEONFORK on the middle page", madvise(p + 4096, 4096, MADV_WIPEONFORK));
  SAY("maps entries over the range: %d", maps_entries(p));
  SAY("child sums the three pages' first bytes: %d", in_child(first_bytes, p));
  SAY("parent's middle byte: %d", p[4096]);
  SAY("grandchild's middle byte (the advice is inherited): %d", in_child(grandchild_sees, p));
  OK("MADV_KEEPONFORK", madvise(p + 4096, 4096, MADV_KEEPONFORK));
  SAY("child's middle byte after KEEPONFORK: %d", in_child(middle_byte, p));
  OK("MADV_DONTFORK on the middle page", madvise(p + 4096, 4096, MADV_DONTFORK));
  SAY("child's mincore of the middle page: %s", in_child(has_middle, p) == 2 ? "ENOMEM" : "mapped");
  int r = in_child(middle_byte, p);
  SAY("child reading the middle page: %s", r == 1000 + SIGSEGV ? "SIGSEGV" : "read it");
  SAY("child's other pages' first bytes: %d", in_child(outer_bytes, p));
  OK("MADV_DOFORK", madvise(p + 4096, 4096, MADV_DOFORK));
  SAY("child's middle byte after DOFORK: %d", in_child(middle_byte, p));
  char* s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  ERR("MADV_WIPEONFORK on shared memory", madvise(s, 4096, MADV_WIPEONFORK));
  OK("MADV_DONTFORK on shared memory", madvise(s, 4096, MADV_DONTFORK));
  int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0600);
  ftruncate(fd, 4096);
  char* m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  ERR("MADV_WIPEONFORK on a file mapping", madvise(m, 4096, MADV_WIPEONFORK));
  OK("MADV_KEEPONFORK on a file mapping", madvise(m, 4096, MADV_KEEPONFORK));
  ERR("MADV_WIPEONFORK on unmapped memory", madvise(p + 3 * 4096 * 1000, 4096, MADV_WIPEONFORK));
  return 0;
}
