// tests/guest/syscalls/openat2.c — openat2's checks and resolve flags:
// struct open_how's flags (every bit known, O_PATH with only its few
// companions, O_TMPFILE rules), mode only when creating, one scoping flag,
// RESOLVE_CACHED never creating; the resolve flags on the host's file
// system (RESOLVE_BENEATH escapes, RESOLVE_NO_SYMLINKS) and in /proc, whose
// magic links (fd/N, exe, cwd) RESOLVE_NO_MAGICLINKS refuses (ELOOP) and the
// scoping flags too (EXDEV), where /proc/self is a plain symlink
// (RESOLVE_NO_SYMLINKS) and /proc a mount of its own (RESOLVE_NO_XDEV).
// What a resolve-flagged open reaches in /proc is the guest's own process
// (its name, its file), never the host's /proc.
#include "sc.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static long oa2(int dfd, const char* path, unsigned long long flags, unsigned long long mode,
                unsigned long long resolve) {
  struct open_how h = {flags, mode, resolve};
  return syscall(SYS_openat2, dfd, path, &h, sizeof h);
}

static char name[32];

// Opens and tells whether the first line names this process ("Name:\t<comm>"
// or "<comm>").
static void mine(const char* label, long fd) {
  if (fd < 0) {
    SAY("%s: %s", label, sc_errname(errno));
    return;
  }
  char b[256];
  ssize_t n = read((int)fd, b, sizeof b - 1);
  close((int)fd);
  b[n > 0 ? n : 0] = 0;
  char* e = strchr(b, '\n');
  if (e) *e = 0;
  const char* v = strncmp(b, "Name:\t", 6) == 0 ? b + 6 : b;
  SAY("%s: ours %d", label, strcmp(v, name) == 0);
}

int main(void) {
  prctl(PR_SET_NAME, "oa2-test");
  prctl(PR_GET_NAME, name);
  int f = open("file", O_CREAT | O_RDWR, 0644);
  close(f);
  mkdir("dir", 0755);
  symlink("file", "link");
  symlink("/etc", "abslink");

  // open_how checks.
  OK("plain", oa2(AT_FDCWD, "file", O_RDONLY, 0, 0));
  OK("unknown flag bit 010", oa2(AT_FDCWD, "file", O_RDONLY | 010, 0, 0));
  OK("flag bit 32", oa2(AT_FDCWD, "file", O_RDONLY | (1ULL << 32), 0, 0));
  OK("mode without O_CREAT", oa2(AT_FDCWD, "file", O_RDONLY, 0644, 0));
  OK("mode past 07777", oa2(AT_FDCWD, "new", O_CREAT | O_RDWR, 010000, 0));
  OK("O_PATH | O_RDWR", oa2(AT_FDCWD, "file", O_PATH | O_RDWR, 0, 0));
  OK("O_PATH | O_NOFOLLOW | O_CLOEXEC | O_DIRECTORY", oa2(AT_FDCWD, "dir", O_PATH | O_NOFOLLOW | O_CLOEXEC | O_DIRECTORY, 0, 0));
  OK("O_TMPFILE read-only", oa2(AT_FDCWD, "dir", O_TMPFILE | O_RDONLY, 0600, 0));
  OK("O_TMPFILE | O_CREAT", oa2(AT_FDCWD, "dir", O_TMPFILE | O_CREAT | O_RDWR, 0600, 0));
  OK("BENEATH | IN_ROOT", oa2(AT_FDCWD, "file", O_RDONLY, 0, RESOLVE_BENEATH | RESOLVE_IN_ROOT));
  OK("unknown resolve bit", oa2(AT_FDCWD, "file", O_RDONLY, 0, 0x100));
  OK("CACHED", oa2(AT_FDCWD, "file", O_RDONLY, 0, RESOLVE_CACHED));
  OK("CACHED | O_CREAT", oa2(AT_FDCWD, "file", O_CREAT | O_RDWR, 0644, RESOLVE_CACHED));
  OK("CACHED | O_TRUNC", oa2(AT_FDCWD, "file", O_TRUNC | O_RDWR, 0, RESOLVE_CACHED));

  // On the host's file system.
  int d = open("dir", O_RDONLY | O_DIRECTORY);
  OK("BENEATH ..", oa2(d, "../file", O_RDONLY, 0, RESOLVE_BENEATH));
  OK("BENEATH absolute", oa2(d, "/", O_RDONLY, 0, RESOLVE_BENEATH));
  OK("BENEATH ./. inside", oa2(AT_FDCWD, "./dir/../file", O_RDONLY, 0, RESOLVE_BENEATH));
  OK("BENEATH absolute symlink", oa2(AT_FDCWD, "abslink", O_RDONLY, 0, RESOLVE_BENEATH));
  OK("NO_SYMLINKS", oa2(AT_FDCWD, "link", O_RDONLY, 0, RESOLVE_NO_SYMLINKS));
  OK("NO_SYMLINKS O_PATH|O_NOFOLLOW", oa2(AT_FDCWD, "link", O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS));
  OK("NO_MAGICLINKS plain symlink", oa2(AT_FDCWD, "link", O_RDONLY, 0, RESOLVE_NO_MAGICLINKS));

  // In /proc.
  mine("status NO_MAGICLINKS", oa2(AT_FDCWD, "/proc/self/status", O_RDONLY, 0, RESOLVE_NO_MAGICLINKS));
  mine("status NO_SYMLINKS", oa2(AT_FDCWD, "/proc/self/status", O_RDONLY, 0, RESOLVE_NO_SYMLINKS));
  mine("status by pid NO_SYMLINKS", ({
         char p[64];
         snprintf(p, sizeof p, "/proc/%d/status", getpid());
         oa2(AT_FDCWD, p, O_RDONLY, 0, RESOLVE_NO_SYMLINKS);
       }));
  mine("status NO_XDEV from /", oa2(AT_FDCWD, "/proc/self/status", O_RDONLY, 0, RESOLVE_NO_XDEV));
  int self = open("/proc/self", O_RDONLY | O_DIRECTORY);
  mine("status BENEATH /proc/self", oa2(self, "status", O_RDONLY, 0, RESOLVE_BENEATH));
  mine("comm BENEATH /proc/self", oa2(self, "comm", O_RDONLY, 0, RESOLVE_BENEATH));
  mine("comm NO_XDEV inside /proc", oa2(self, "comm", O_RDONLY, 0, RESOLVE_NO_XDEV));
  mine("comm IN_ROOT /proc/self", oa2(self, "comm", O_RDONLY, 0, RESOLVE_IN_ROOT));
  mine("task/../comm BENEATH", oa2(self, "task/../comm", O_RDONLY, 0, RESOLVE_BENEATH));
  OK("../self BENEATH", oa2(self, "../self/comm", O_RDONLY, 0, RESOLVE_BENEATH));
  OK("fd/1 BENEATH", oa2(self, "fd/1", O_RDONLY, 0, RESOLVE_BENEATH));
  OK("exe BENEATH", oa2(self, "exe", O_RDONLY, 0, RESOLVE_BENEATH));
  OK("exe NO_MAGICLINKS", oa2(AT_FDCWD, "/proc/self/exe", O_RDONLY, 0, RESOLVE_NO_MAGICLINKS));
  OK("fd/0 NO_MAGICLINKS", oa2(AT_FDCWD, "/proc/self/fd/0", O_RDONLY, 0, RESOLVE_NO_MAGICLINKS));
  OK("cwd NO_MAGICLINKS", oa2(AT_FDCWD, "/proc/self/cwd", O_RDONLY | O_DIRECTORY, 0, RESOLVE_NO_MAGICLINKS));
  OK("/dev/stdin NO_MAGICLINKS", oa2(AT_FDCWD, "/dev/stdin", O_RDONLY, 0, RESOLVE_NO_MAGICLINKS));
  OK("exe O_PATH|O_NOFOLLOW NO_MAGICLINKS", oa2(AT_FDCWD, "/proc/self/exe", O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_MAGICLINKS));
  OK("cwd NO_XDEV inside /proc", oa2(self, "cwd", O_RDONLY | O_DIRECTORY, 0, RESOLVE_NO_XDEV));
  OK("/proc/self NO_SYMLINKS", oa2(AT_FDCWD, "/proc/self", O_RDONLY | O_DIRECTORY, 0, RESOLVE_NO_SYMLINKS));
  int procfd = open("/proc", O_RDONLY | O_DIRECTORY);
  mine("self/comm IN_ROOT /proc", oa2(procfd, "self/comm", O_RDONLY, 0, RESOLVE_IN_ROOT));
  OK("self/comm NO_SYMLINKS from /proc", oa2(procfd, "self/comm", O_RDONLY, 0, RESOLVE_NO_SYMLINKS));
  // Writing through a resolve-flagged open reaches the guest's files only.
  OK("mem O_RDWR BENEATH", ({
       long m = oa2(self, "mem", O_RDWR, 0, RESOLVE_BENEATH);
       if (m >= 0) close((int)m);
       m;
     }));
  return 0;
}
