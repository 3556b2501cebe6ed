// tests/guest/syscalls/smaps.c — /proc/self/smaps and smaps_rollup: the
// entry of a private anonymous mapping of 16 pages with 5 of them touched
// (its maps line with Linux's trailing space, Size, page sizes, Rss, Pss,
// the clean/dirty split, Anonymous, Swap, Locked, VmFlags), the same after
// MADV_DONTNEED of two touched pages; the keys of an entry and of the
// rollup, whose header names [rollup]. Also /proc/self/personality after
// personality(ADDR_NO_RANDOMIZE), in the process and in a fork child (which
// inherits the persona), and /proc/self/wchan of the running process ("0").
#include "sc.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/wait.h>

static char text[1 << 20];

static void slurp(const char* path) { sc_slurp(path, text, sizeof text); }

// The smaps entry of the mapping at addr: from its header to the next one.
static const char* entry(void* addr, size_t* len) {
  char head[32];
  snprintf(head, sizeof head, "%lx-", (unsigned long)addr);
  slurp("/proc/self/smaps");
  char* p = text;
  while (p && strncmp(p, head, strlen(head)) != 0) {
    p = strchr(p, '\n');
    if (p) ++p;
  }
  if (!p) {
    *len = 0;
    return "";
  }
  char* e = strstr(p, "VmFlags:");
  e = e ? strchr(e, '\n') + 1 : p + strlen(p);
  *len = e - p;
  return p;
}

static void show(const char* label, const char* e, size_t len, const char* key) {
  const char* p = e;
  while (p < e + len) {
    const char* nl = strchr(p, '\n');
    if (!strncmp(p, key, strlen(key))) {
      SAY("%s: %.*s", label, (int)(nl - p), p);
      return;
    }
    p = nl + 1;
  }
  SAY("%s: no %s", label, key);
}

// (ProtectionKey: x86-64's memory protection keys, shown by a kernel on a
// CPU that has them; no riscv64 kernel has them, so the native run's line
// is left out.)
static void keys(const char* label, const char* e, size_t len) {
  printf("%s:", label);
  const char* p = strchr(e, '\n') + 1;  // past the header
  while (p < e + len) {
    const char* c = strchr(p, ':');
    const char* nl = strchr(p, '\n');
    if (c && c < nl && !(c - p == 13 && memcmp(p, "ProtectionKey", 13) == 0)) printf(" %.*s", (int)(c - p), p);
    p = nl + 1;
  }
  printf("\n");
  fflush(stdout);
}

int main(void) {
  long ps = 4096;
  // Guards on both sides, so the mapping is a VMA of its own.
  char* g = mmap(NULL, 18 * ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char* p = g + ps;
  mprotect(p, 16 * ps, PROT_READ | PROT_WRITE);
  for (int i = 0; i < 5; ++i) p[i * ps] = 1;
  size_t len;
  const char* e = entry(p, &len);
  {
    const char* nl = strchr(e, '\n');
    SAY("header ends with \"0 \": %d", nl && nl - e >= 2 && nl[-1] == ' ' && nl[-2] == '0');
  }
  keys("entry keys", e, len);
  const char* fields[] = {"Size:", "KernelPageSize:", "MMUPageSize:", "Rss:", "Pss:", "Pss_Dirty:",
                          "Shared_Clean:", "Shared_Dirty:", "Private_Clean:", "Private_Dirty:",
                          "Referenced:", "Anonymous:", "Swap:", "Locked:", "THPeligible:",
                          "VmFlags:"};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; ++i) show("touched 5", e, len, fields[i]);
  madvise(p, 2 * ps, MADV_DONTNEED);
  e = entry(p, &len);
  show("after MADV_DONTNEED", e, len, "Rss:");
  show("after MADV_DONTNEED", e, len, "Anonymous:");

  slurp("/proc/self/smaps_rollup");
  {
    const char* nl = strchr(text, '\n');
    SAY("rollup header names [rollup]: %d", nl && nl - text > 8 && !strncmp(nl - 8, "[rollup]", 8));
    keys("rollup keys", text, strlen(text));
  }

  personality(PER_LINUX | ADDR_NO_RANDOMIZE);
  slurp("/proc/self/personality");
  SAY("personality: %s", text);
  pid_t c = fork();
  if (c == 0) {  // a fork child has its parent's persona
    slurp("/proc/self/personality");
    SAY("the child's personality: %s", text);
    SAY("the child's personality(): %x", personality(0xffffffff));
    _exit(0);
  }
  waitpid(c, NULL, 0);
  slurp("/proc/self/wchan");
  SAY("wchan: %s", text);
  return 0;
}
