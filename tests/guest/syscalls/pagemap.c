// tests/guest/syscalls/pagemap.c — /proc/self/pagemap: one 8-byte entry per
// page at offset (address / 4096) * 8; of a private anonymous mapping, a
// written page is present and mapped exclusively, a page only read is
// present (the zero page, not exclusive), an untouched one is not; a
// written shared anonymous page is present and a file/shared page; a page
// outside every mapping is 0; reads at an offset or of a length that is not
// a multiple of 8 are EINVAL; past the end of user space 0 bytes; fstat,
// fstatat(AT_EMPTY_PATH) and fstatfs of it and of /proc/self/status show
// procfs files, as stat of their paths does. Frame
// numbers are 0 for a reader without CAP_SYS_ADMIN (checked when not root:
// the .unprivileged run). Soft-dirty (bit 55) is not looked at.
#include "sc.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#define PG 4096UL

static int pm;

static uint64_t entry(void* addr) {
  uint64_t e = ~0ULL;
  if (pread(pm, &e, 8, (uintptr_t)addr / PG * 8) != 8) SAY("pread: %s", sc_errname(errno));
  return e;
}

static void show(const char* label, void* addr) {
  uint64_t e = entry(addr);
  SAY("%s: present %d swapped %d file/shared %d exclusive %d", label, (int)(e >> 63 & 1),
      (int)(e >> 62 & 1), (int)(e >> 61 & 1), (int)(e >> 56 & 1));
}

static char* m;

static void pfns(void) {
  if (geteuid() == 0) {  // root sees frame numbers on Linux (hart shows none)
    SAY("root: frame numbers not compared");
    return;
  }
  int f = open("/proc/self/pagemap", O_RDONLY);
  uint64_t e = 0;
  if (pread(f, &e, 8, (uintptr_t)m / PG * 8) != 8) SAY("pread: %s", sc_errname(errno));
  SAY("unprivileged: present %d, frame number %s", (int)(e >> 63), (e & ((1ULL << 55) - 1)) ? "shown" : "0");
  close(f);
}

int main(void) {
  pm = open("/proc/self/pagemap", O_RDONLY);
  OK("open", pm);
  m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  m[0] = 1;
  volatile char c = m[PG];
  (void)c;
  show("written", m);
  show("read", m + PG);
  show("untouched", m + 2 * PG);
  munmap(m + 3 * PG, PG);
  uint64_t e = entry(m + 3 * PG);
  SAY("unmapped: %s", e == 0 ? "0" : "not 0");
  char* sh = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sh[0] = 1;
  show("shared written", sh);
  uint64_t four[4];
  VAL("read 4 entries", pread(pm, four, sizeof four, (uintptr_t)m / PG * 8));
  SAY("entries agree %d", four[0] == entry(m) && four[2] == entry(m + 2 * PG));
  ERR("odd offset", pread(pm, four, 8, (uintptr_t)m / PG * 8 + 1));
  ERR("odd length", pread(pm, four, 7, (uintptr_t)m / PG * 8));
  VAL("past user space", pread(pm, four, 8, (1ULL << 47) / PG * 8));
  ERR("write", pwrite(pm, four, 8, (uintptr_t)m / PG * 8));
  // An open /proc file is a procfs file to fstat and fstatfs, as its path is.
  int status = open("/proc/self/status", O_RDONLY);
  const int fds[] = {pm, status};
  for (int i = 0; i < 2; ++i) {
    struct stat st, by_path;
    struct statfs sf;
    fstat(fds[i], &st);
    stat(i ? "/proc/self/status" : "/proc/self/pagemap", &by_path);
    fstatfs(fds[i], &sf);
    struct stat at;
    fstatat(fds[i], "", &at, AT_EMPTY_PATH);
    SAY("%s: fstat mode %o size %ld, as stat %d, fstatat %d, procfs %d", i ? "status" : "pagemap",
        st.st_mode, (long)st.st_size, st.st_mode == by_path.st_mode, at.st_mode == st.st_mode,
        sf.f_type == 0x9fa0);
  }
  pfns();
  return 0;
}
