// tests/guest/syscalls/procmaps.c — what /proc/self/maps says about file
// mappings: the program's own image under its canonical absolute path (the
// one /proc/self/exe names, even when started by a relative path), every
// named file mapping with the device and inode a stat() of that path gives
// (so programs that match maps lines to files, as unwinders, profilers and
// sanitizers do, find them), a file mapped through a relative path and a
// symlink under its canonical path at its page offset, a deleted file's
// " (deleted)" suffix, a newline in a name written as \012 (no forged
// lines), a memfd's "/memfd:NAME (deleted)". Same lines
// natively and under hart-run.
#include "sc.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

struct line {
  unsigned long start, end, off, ino;
  unsigned maj, min;
  char perms[5];
  char name[PATH_MAX + 32];
};

// Fills *l with the maps line that covers addr; 0 if none.
static int line_of(const void* addr, struct line* l) {
  FILE* f = fopen("/proc/self/maps", "r");
  if (!f) return 0;
  char buf[PATH_MAX + 128];
  int found = 0;
  while (!found && fgets(buf, sizeof buf, f)) {
    int n = 0;
    l->name[0] = 0;
    if (sscanf(buf, "%lx-%lx %4s %lx %x:%x %lu %n", &l->start, &l->end, l->perms, &l->off, &l->maj,
               &l->min, &l->ino, &n) < 7)
      continue;
    size_t len = strlen(buf + n);
    if (len && buf[n + len - 1] == '\n') buf[n + len - 1] = 0;
    snprintf(l->name, sizeof l->name, "%s", buf + n);
    found = (unsigned long)addr >= l->start && (unsigned long)addr < l->end;
  }
  fclose(f);
  return found;
}

// Every named mapping that is a path: it exists, with that device and inode.
static void every_file_mapping(void) {
  FILE* f = fopen("/proc/self/maps", "r");
  if (!f) {
    SAY("maps: %s", sc_errname(errno));
    return;
  }
  char buf[PATH_MAX + 128];
  int files = 0, bad = 0;
  while (fgets(buf, sizeof buf, f)) {
    unsigned long s, e, off, ino;
    unsigned maj, min;
    char perms[5];
    int n = 0;
    if (sscanf(buf, "%lx-%lx %4s %lx %x:%x %lu %n", &s, &e, perms, &off, &maj, &min, &ino, &n) < 7) {
      ++bad;
      continue;
    }
    char* name = buf + n;
    name[strcspn(name, "\n")] = 0;
    if (name[0] != '/' || strstr(name, " (deleted)")) continue;  // [heap], [stack], anonymous
    ++files;
    struct stat st;
    if (stat(name, &st) != 0 || st.st_ino != ino || major(st.st_dev) != maj || minor(st.st_dev) != min) {
      SAY("maps names %s but stat says otherwise", name);
      ++bad;
    }
  }
  fclose(f);
  BOOL("maps: every line parses and every file mapping is its file (path, device, inode)", !bad);
  BOOL("maps: at least one file mapping (the program)", files >= 1);
}

static int self_probe;

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  struct line l;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = 0;
  BOOL("the program's code is a maps line", line_of((void*)main, &l));
  BOOL("named as /proc/self/exe", !strcmp(l.name, exe));
  BOOL("absolute", l.name[0] == '/');
  BOOL("executable", l.perms[2] == 'x');
  struct stat st;
  stat(exe, &st);
  BOOL("its inode", l.ino == st.st_ino && l.maj == major(st.st_dev) && l.min == minor(st.st_dev));
  BOOL("its data is a maps line of the program too", line_of(&self_probe, &l) && !strcmp(l.name, exe));
  every_file_mapping();

  // A file mapped through a relative path and a symlink: its canonical path.
  char dir[] = "/tmp/hart-procmaps-XXXXXX";
  if (!mkdtemp(dir)) return 1;
  if (chdir(dir) != 0) return 1;
  int fd = open("data", O_RDWR | O_CREAT, 0600);
  char page[4096];
  memset(page, 'x', sizeof page);
  for (int i = 0; i < 3; ++i) (void)!write(fd, page, sizeof page);
  close(fd);
  (void)!symlink("data", "link");
  fd = open("link", O_RDONLY);
  char* m = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 4096);
  close(fd);
  BOOL("a file mapping at offset 4096 is a maps line", m != MAP_FAILED && line_of(m, &l));
  char want[PATH_MAX];
  snprintf(want, sizeof want, "%s/data", dir);
  BOOL("named by its canonical path (not the relative symlink)", !strcmp(l.name, want));
  VAL("its offset", (long)l.off);
  VAL("its length", (long)(l.end - l.start));
  BOOL("read-only private", !strcmp(l.perms, "r--p"));
  stat("data", &st);
  BOOL("its inode", l.ino == st.st_ino && l.maj == major(st.st_dev) && l.min == minor(st.st_dev));
  // A name with a newline: one line, the newline written as \012.
  int nfd = open("new\nline", O_RDWR | O_CREAT, 0600);
  (void)!write(nfd, page, sizeof page);
  char* nm = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, nfd, 0);
  close(nfd);
  char nwant[PATH_MAX];
  snprintf(nwant, sizeof nwant, "%s/new\\012line", dir);
  BOOL("a name with a newline is escaped", nm != MAP_FAILED && line_of(nm, &l) && !strcmp(l.name, nwant));
  munmap(nm, 4096);
  unlink("new\nline");
  unlink("link");
  unlink("data");
  BOOL("after unlink: the same line says (deleted)",
       line_of(m, &l) && !strcmp(l.name + strlen(want), " (deleted)") && !strncmp(l.name, want, strlen(want)));
  munmap(m, 8192);
  if (chdir("/") != 0) return 1;
  rmdir(dir);

  // A memfd: "/memfd:NAME (deleted)".
  fd = memfd_create("hart-probe", MFD_CLOEXEC);
  if (ftruncate(fd, 4096) != 0) return 1;
  m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  fstat(fd, &st);
  close(fd);
  BOOL("a memfd mapping is a maps line", m != MAP_FAILED && line_of(m, &l));
  SAY("its name: %s", l.name);
  BOOL("shared", l.perms[3] == 's');
  BOOL("its inode", l.ino == st.st_ino);
  munmap(m, 4096);
  return 0;
}
