// tests/guest/syscalls/files.c — files and paths: open flags, read/write
// families, lseek, stat/fstat/statx sizes and modes, directories, links,
// rename, chdir/getcwd, dup/dup3, fcntl (F_DUPFD*, flags, record locks),
// pipe2, truncate, umask, EFAULT and the errno of bad arguments.
#include "sc.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/uio.h>

static int cmp(const void* a, const void* b) { return strcmp(*(char**)a, *(char**)b); }

int main(void) {
  umask(022);
  int fd = open("f1", O_CREAT | O_RDWR | O_TRUNC, 0666);
  OK("open create", fd);
  ERR("open excl", open("f1", O_CREAT | O_EXCL | O_RDWR, 0666));
  ERR("open ENOENT", open("nope/x", O_RDONLY));
  ERR("open EFAULT", open(BAD_PTR, O_RDONLY));
  ERR("open ENOTDIR", open("f1/x", O_RDONLY));
  ERR("open EISDIR", open(".", O_WRONLY));
  ERR("open empty", open("", O_RDONLY));
  VAL("write", write(fd, "hello world\n", 12));
  ERR("write EFAULT", write(fd, BAD_PTR, 4));
  ERR("write EBADF", write(99, "x", 1));
  VAL("lseek cur", lseek(fd, 0, SEEK_CUR));
  VAL("lseek set", lseek(fd, 6, SEEK_SET));
  char buf[64] = {0};
  VAL("read", read(fd, buf, sizeof buf));
  SAY("read %s", buf);
  ERR("lseek EINVAL", lseek(fd, -100, SEEK_SET));
  ERR("lseek whence", lseek(fd, 0, 17));
  VAL("pread", pread(fd, buf, 5, 0));
  ERR("pread negative", pread(fd, buf, 5, -1));
  VAL("pwrite", pwrite(fd, "HELLO", 5, 0));
  struct iovec iov[2] = {{buf, 3}, {buf + 10, 4}};
  lseek(fd, 0, SEEK_SET);
  VAL("readv", readv(fd, iov, 2));
  SAY("readv %.3s|%.4s", buf, buf + 10);
  { volatile int neg = -1; ERR("readv EINVAL", readv(fd, iov, neg)); }
  ERR("readv EFAULT", readv(fd, BAD_PTR, 1));
  VAL("writev", writev(fd, iov, 2));
  struct stat st;
  OK("fstat", fstat(fd, &st));
  SAY("size %ld mode %o nlink %lu", (long)st.st_size, st.st_mode & 07777, (unsigned long)st.st_nlink);
  BOOL("S_ISREG", S_ISREG(st.st_mode));
  ERR("fstat EFAULT", fstat(fd, BAD_PTR));
  ERR("fstat EBADF", fstat(99, &st));
  OK("stat", stat("f1", &st));
  ERR("stat ENOENT", stat("nope", &st));
  struct statx sx;
  OK("statx", statx(AT_FDCWD, "f1", 0, STATX_SIZE | STATX_MODE, &sx));
  SAY("statx size %llu", (unsigned long long)sx.stx_size);
  OK("fstatat AT_EMPTY_PATH", fstatat(fd, "", &st, AT_EMPTY_PATH));
  ERR("fstatat bad flags", fstatat(AT_FDCWD, "f1", &st, 0x40000000));

  // dup family, fcntl
  int d = dup(fd);
  OK("dup", d);
  BOOL("dup shares offset", lseek(d, 0, SEEK_CUR) == lseek(fd, 0, SEEK_CUR));
  VAL("dup3 to 20", dup3(fd, 20, O_CLOEXEC));
  VAL("F_GETFD 20", fcntl(20, F_GETFD));
  ERR("dup3 same", dup3(fd, fd, 0));
  ERR("dup3 bad flags", dup3(fd, 21, 1));
  ERR("dup EBADF", dup(98));
  VAL("dup2 same", dup2(fd, fd) == fd);
  VAL("F_DUPFD 10", fcntl(fd, F_DUPFD, 10));
  VAL("F_DUPFD_CLOEXEC 10", fcntl(fd, F_DUPFD_CLOEXEC, 10));
  VAL("F_GETFD cloexec", fcntl(11, F_GETFD));
  ERR("F_DUPFD EINVAL", fcntl(fd, F_DUPFD, -1));
  VAL("F_GETFL", fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK));
  OK("F_SETFL", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK));
  VAL("F_GETFL after", fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK));
  ERR("fcntl bad cmd", fcntl(fd, 9999));
  struct flock fl = {0};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 4;
  OK("F_SETLK", fcntl(fd, F_SETLK, &fl));
  fl.l_type = F_RDLCK;
  OK("F_GETLK", fcntl(fd, F_GETLK, &fl));
  SAY("F_GETLK type unlck %d", fl.l_type == F_UNLCK);
  ERR("F_SETLK EFAULT", fcntl(fd, F_SETLK, BAD_PTR));
  fl.l_type = 77;
  ERR("F_SETLK bad type", fcntl(fd, F_SETLK, &fl));

  // pipe2
  int p[2];
  OK("pipe2", pipe2(p, O_CLOEXEC | O_NONBLOCK));
  ERR("pipe2 bad flags", pipe2(p, 1));
  ERR("pipe2 EFAULT", pipe2(BAD_PTR, 0));
  ERR("read empty nonblocking pipe", read(p[0], buf, 1));
  close(p[0]);
  signal(SIGPIPE, SIG_IGN);
  ERR("write closed pipe", write(p[1], "x", 1));

  // directories, links
  OK("mkdir", mkdir("d", 0755));
  ERR("mkdir EEXIST", mkdir("d", 0755));
  OK("mkdirat", mkdirat(AT_FDCWD, "d/sub", 0700));
  OK("stat dir", stat("d/sub", &st));
  SAY("dir mode %o", st.st_mode & 07777);
  OK("symlink", symlink("../f1", "d/link"));
  char t[PATH_MAX] = {0};
  VAL("readlink", readlink("d/link", t, sizeof t));
  SAY("readlink %s", t);
  ERR("readlink EINVAL", readlink("f1", t, sizeof t));
  VAL("readlink short", readlink("d/link", t, 2));
  OK("link", link("f1", "d/hard"));
  OK("stat hard", stat("f1", &st));
  SAY("nlink %lu", (unsigned long)st.st_nlink);
  OK("rename", rename("d/hard", "d/hard2"));
  ERR("rename ENOENT", rename("d/none", "d/x"));
  OK("renameat2 noreplace", syscall(SYS_renameat2, AT_FDCWD, "d/hard2", AT_FDCWD, "d/hard3", 1));
  ERR("renameat2 noreplace EEXIST", syscall(SYS_renameat2, AT_FDCWD, "d/hard3", AT_FDCWD, "f1", 1));
  int dfd = open("d", O_RDONLY | O_DIRECTORY);
  OK("open dir", dfd);
  char dbuf[4096];
  long n = syscall(SYS_getdents64, dfd, dbuf, sizeof dbuf);
  char* names[16];
  int cnt = 0;
  for (long off = 0; off < n && cnt < 16;) {
    struct dirent64 {
      unsigned long ino;
      long off;
      unsigned short reclen;
      unsigned char type;
      char name[];
    }* e = (void*)(dbuf + off);
    names[cnt++] = strdup(e->name);
    off += e->reclen;
  }
  qsort(names, cnt, sizeof names[0], cmp);
  printf("getdents:");
  for (int i = 0; i < cnt; ++i) printf(" %s", names[i]);
  printf("\n");
  ERR("getdents ENOTDIR", syscall(SYS_getdents64, fd, dbuf, sizeof dbuf));
  OK("openat relative", openat(dfd, "link", O_RDONLY));
  ERR("openat EBADF", openat(97, "x", O_RDONLY));
  ERR("unlink dir", unlink("d/sub"));
  ERR("rmdir nonempty", rmdir("d"));
  OK("unlinkat dir", unlinkat(dfd, "sub", AT_REMOVEDIR));
  ERR("unlinkat bad flag", unlinkat(dfd, "link", 0x1));

  // cwd
  char cwd0[PATH_MAX], cwd1[PATH_MAX];
  getcwd(cwd0, sizeof cwd0);
  OK("chdir", chdir("d"));
  getcwd(cwd1, sizeof cwd1);
  BOOL("getcwd follows", strlen(cwd1) == strlen(cwd0) + 2 && strcmp(cwd1 + strlen(cwd0), "/d") == 0);
  OK("open relative to new cwd", open("link", O_RDONLY));
  ERR("getcwd ERANGE", syscall(SYS_getcwd, cwd1, 2));
  OK("fchdir", fchdir(open("..", O_RDONLY)));
  ERR("chdir ENOTDIR", chdir("f1"));
  ERR("fchdir ENOTDIR", fchdir(fd));
  OK("access", access("f1", R_OK | W_OK));
  ERR("access ENOENT", access("none", F_OK));
  ERR("access EINVAL", access("f1", 0x100));

  // attributes
  OK("chmod", chmod("f1", 0600));
  stat("f1", &st);
  SAY("mode %o", st.st_mode & 07777);
  OK("truncate", truncate("f1", 3));
  stat("f1", &st);
  SAY("size %ld", (long)st.st_size);
  OK("ftruncate", ftruncate(fd, 100));
  fstat(fd, &st);
  SAY("size %ld", (long)st.st_size);
  ERR("ftruncate EINVAL", ftruncate(fd, -1));
  VAL("umask", umask(077));
  int f2 = open("f2", O_CREAT | O_WRONLY, 0666);
  fstat(f2, &st);
  SAY("umasked mode %o", st.st_mode & 07777);
  struct timespec ts[2] = {{1000, 0}, {2000, 0}};
  OK("utimensat", utimensat(AT_FDCWD, "f2", ts, 0));
  stat("f2", &st);
  SAY("mtime %ld atime %ld", (long)st.st_mtime, (long)st.st_atime);
  OK("fsync", fsync(fd));
  OK("fdatasync", fdatasync(fd));
  OK("close", close(fd));
  ERR("close again", close(fd));
  return 0;
}
