// tests/guest/syscalls/procmod.c — changing /proc fails as on Linux, for
// root (EPERM where procfs lacks the operation, after EEXIST, ENOENT,
// EISDIR, ENOTDIR) and for user nobody (the .unprivileged run: EACCES, /proc
// directories being 0555): mkdir, mknod, symlink, unlink, rmdir, rename and
// link inside /proc, rename and link between /proc and another file system
// (EXDEV), chmod of /proc files (EPERM for everyone), while chmod through
// /proc/self/fd/N changes the file behind it; truncate (without effect for
// whoever may write, EISDIR, EACCES), chown of the process's own entries
// (root; put back by the next lookup) and of /proc/sys (EPERM), and
// unprivileged chown and utimensat of root's files (EPERM, EACCES);
// opening a generated file for writing (root only; its writes are EINVAL).
// Only calls that fail on Linux or change nothing that lasts are made
// (never root's chmod, chown or utimes of top-level /proc files, which
// Linux keeps for the whole host).
#include "sc.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int main(void) {
  int fd = open("file", O_RDWR | O_CREAT | O_TRUNC, 0644);
  char fdpath[64];
  snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);

  ERR("open O_CREAT|O_DIRECTORY", open("/proc/self", O_RDONLY | O_DIRECTORY | O_CREAT, 0644));
  ERR("open O_CREAT new name", open("/proc/self/newfile", O_RDWR | O_CREAT, 0644));
  ERR("open O_CREAT|O_EXCL existing", open("/proc/self/status", O_RDWR | O_CREAT | O_EXCL, 0644));
  ERR("mkdir in pid dir", mkdir("/proc/self/x", 0755));
  ERR("mkdir in /proc", mkdir("/proc/x", 0755));
  ERR("mkdir existing", mkdir("/proc/self", 0755));
  ERR("mkdir existing file", mkdir("/proc/self/status", 0755));
  ERR("mkdir missing parent", mkdir("/proc/self/nonexistent/x", 0755));
  ERR("mkdir under a file", mkdir("/proc/self/status/x", 0755));
  ERR("mknod fifo", mknod("/proc/self/y", S_IFIFO | 0600, 0));
  ERR("mknod existing", mknod("/proc/self/status", S_IFIFO | 0600, 0));
  ERR("symlink", symlink("target", "/proc/self/y"));
  ERR("symlink existing", symlink("target", "/proc/self/status"));

  ERR("unlink file", unlink("/proc/self/status"));
  ERR("unlink dir", unlink("/proc/self/fd"));
  ERR("unlink fd link", unlink(fdpath));
  ERR("unlink self", unlink("/proc/self"));
  ERR("unlink missing", unlink("/proc/self/nonexistent"));
  ERR("unlink top-level", unlink("/proc/version"));
  ERR("unlink ns link", unlink("/proc/self/ns/ipc"));
  ERR("unlink in sys", unlink("/proc/sys/kernel/ostype"));
  ERR("unlink in fdinfo", unlink("/proc/self/fdinfo/0"));
  ERR("unlink in task dir", unlink("/proc/thread-self/status"));
  ERR("rmdir dir", rmdir("/proc/self/fd"));
  ERR("rmdir file", rmdir("/proc/self/status"));
  ERR("rmdir missing", rmdir("/proc/nonexistent"));
  ERR("unlinkat removedir", unlinkat(AT_FDCWD, "/proc/self/task", AT_REMOVEDIR));

  ERR("rename inside", rename("/proc/self/status", "/proc/self/x"));
  ERR("rename out", rename("/proc/self/status", "moved"));
  ERR("rename in", rename("file", "/proc/self/x"));
  ERR("rename onto existing", rename("/proc/self/status", "/proc/self/stat"));
  ERR("rename /proc entries", rename("/proc/version", "/proc/uptime"));
  ERR("rename missing inside", rename("/proc/self/nonexistent", "/proc/self/x"));
  ERR("renameat2 bad flags", syscall(SYS_renameat2, AT_FDCWD, "/proc/self/status", AT_FDCWD, "x", 8));
  BOOL("file still there", access("file", F_OK) == 0);
  ERR("link out", link("/proc/self/status", "linked"));
  ERR("link in", link("file", "/proc/self/x"));
  ERR("link onto existing", link("file", "/proc/self/status"));
  ERR("link missing source", link("nonexistent", "/proc/self/x"));

  ERR("chmod file", chmod("/proc/self/status", 0600));
  ERR("chmod dir", chmod("/proc/self/fd", 0700));
  ERR("chmod self", chmod("/proc/self", 0700));
  ERR("chmod missing", chmod("/proc/self/nonexistent", 0600));
  OK("chmod through fd link", chmod(fdpath, 0600));
  struct stat st;
  fstat(fd, &st);
  SAY("file mode %o", st.st_mode & 0777);

  // truncate(2): a regular procfs file may be truncated by whoever may
  // write it, without effect (procfs's setattr copies no size); a directory
  // is EISDIR, a read-only sysctl EACCES even for root.
  ERR("truncate status", truncate("/proc/self/status", 0));
  ERR("truncate negative", truncate("/proc/self/status", -1));
  ERR("truncate dir", truncate("/proc/self/fd", 0));
  ERR("truncate self", truncate("/proc/self", 0));
  ERR("truncate missing", truncate("/proc/self/nonexistent", 0));
  ERR("truncate sysctl", truncate("/proc/sys/kernel/ostype", 0));
  OK("truncate through fd link", truncate(fdpath, 3));
  fstat(fd, &st);
  VAL("file size", st.st_size);

  // chown: a process's entries take CAP_CHOWN (or the owner keeping its
  // ids) and get their owner back at the next lookup; /proc/sys refuses
  // owner changes for everyone. (Top-level files only unprivileged: root's
  // chown of them would stay.)
  ERR("chown status", chown("/proc/self/status", 0, 0));
  BOOL("status owner unchanged", stat("/proc/self/status", &st) == 0 && st.st_uid == geteuid());
  ERR("chown status to own ids", chown("/proc/self/status", geteuid(), getegid()));
  ERR("chown status unchanged", chown("/proc/self/status", -1, -1));
  ERR("chown dir", chown("/proc/self/fd", 0, -1));
  ERR("chgrp thread dir", chown("/proc/thread-self", -1, 0));
  ERR("chown process dir", chown("/proc/self", 0, -1));
  ERR("chown process dir unchanged", chown("/proc/self", -1, -1));
  ERR("chgrp task dir", chown("/proc/self/task", -1, 0));
  ERR("lchown fd link", lchown(fdpath, geteuid(), -1));
  ERR("chown missing", chown("/proc/self/nonexistent", 0, 0));
  ERR("chown sysctl", chown("/proc/sys/kernel/ostype", 0, 0));
  ERR("fchownat bad flags", fchownat(AT_FDCWD, "/proc/self/status", 0, 0, 0x8000));
  if (geteuid() != 0) {
    ERR("chown top-level", chown("/proc/cpuinfo", geteuid(), -1));
    struct timespec t[2] = {{1, 0}, {1, 0}};
    ERR("utimensat top-level", utimensat(AT_FDCWD, "/proc/cpuinfo", t, 0));
    ERR("utimensat top-level now", utimensat(AT_FDCWD, "/proc/cpuinfo", NULL, 0));
    ERR("utimensat sysctl", utimensat(AT_FDCWD, "/proc/sys/kernel/ostype", t, 0));
    ERR("utimensat sysctl now", utimensat(AT_FDCWD, "/proc/sys/kernel/ostype", NULL, 0));
  }
  struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
  ERR("utimensat bad nsec", utimensat(AT_FDCWD, "/proc/self/status", bad, 0));

  // Relative to a /proc directory fd.
  int dir = open("/proc/self", O_RDONLY | O_DIRECTORY);
  ERR("mkdirat relative", mkdirat(dir, "x", 0755));
  ERR("unlinkat relative", unlinkat(dir, "status", 0));
  if (geteuid() == 0) ERR("link inside", link("/proc/self/status", "/proc/self/x"));

  // Opening a generated file for writing: root may (CAP_DAC_OVERRIDE), and
  // its writes fail (procfs has no write for it); others get EACCES. (Only
  // the process's own status, which nothing can change.)
  int w = open("/proc/self/status", O_WRONLY);
  OK("open status for writing", w);
  if (w >= 0) {
    ERR("write it", write(w, "x", 1));
    ERR("read it", read(w, fdpath, 1));
    close(w);
  }
  int rw = open("/proc/self/status", O_RDWR);
  OK("open status read-write", rw);
  if (rw >= 0) {
    char head[6] = {0};
    VAL("read it", read(rw, head, 5));
    SAY("starts %s", head);
    ERR("write it", write(rw, "x", 1));
    close(rw);
  }
  return 0;
}
