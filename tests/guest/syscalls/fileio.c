// tests/guest/syscalls/fileio.c — bulk I/O between descriptors and the
// remaining file, memory and session calls: sendfile, copy_file_range,
// splice, tee, fallocate, readahead, syncfs, mknodat (FIFO), openat2,
// mincore, setsid/getsid/setpgid/getpgid, sched_setaffinity.
#include "sc.h"

#include <sys/inotify.h>
#include <sys/mman.h>

#include <sys/sysmacros.h>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static int make_file(const char* name, const char* text) {
  int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0 && write(fd, text, strlen(text)) < 0) return -1;
  return fd;
}

static void show(const char* label, int fd, off_t at, size_t n) {
  char buf[64] = {0};
  ssize_t r = pread(fd, buf, n < sizeof buf - 1 ? n : sizeof buf - 1, at);
  SAY("%s: [%.*s]", label, (int)(r > 0 ? r : 0), buf);
}

int main(void) {
  char dir[] = "/tmp/hart-fileio-XXXXXX";
  if (!mkdtemp(dir) || chdir(dir) != 0) return 1;

  int src = make_file("src", "hello, sendfile and friends\n");
  int dst = open("dst", O_RDWR | O_CREAT | O_TRUNC, 0644);
  off_t off = 7;
  VAL("sendfile from offset", sendfile(dst, src, &off, 8));
  VAL("sendfile offset advanced", (long)off);
  show("sendfile dst", dst, 0, 8);
  ERR("sendfile bad fd", sendfile(dst, 999, NULL, 4));
  ERR("sendfile bad offset pointer", sendfile(dst, src, BAD_PTR, 4));

  loff_t in = 0, out = 8;
  VAL("copy_file_range", copy_file_range(src, &in, dst, &out, 5, 0));
  VAL("copy_file_range offsets", (long)(in * 100 + out));
  show("copy_file_range dst", dst, 0, 13);
  ERR("copy_file_range flags", copy_file_range(src, NULL, dst, NULL, 5, 1));

  int p[2], q[2];
  if (pipe(p) != 0 || pipe(q) != 0) return 1;
  loff_t sin = 0;
  VAL("splice file->pipe", splice(src, &sin, p[1], NULL, 5, 0));
  VAL("tee pipe->pipe", tee(p[0], q[1], 5, 0));
  char b1[8] = {0}, b2[8] = {0};
  VAL("read spliced", read(p[0], b1, 5));
  VAL("read teed", read(q[0], b2, 5));
  BOOL("tee copies", memcmp(b1, b2, 5) == 0 && memcmp(b1, "hello", 5) == 0);
  ERR("splice pipe to itself", splice(p[0], NULL, p[1], NULL, 1, SPLICE_F_NONBLOCK));

  OK("fallocate", fallocate(dst, 0, 0, 8192));
  struct stat st;
  fstat(dst, &st);
  VAL("size after fallocate", (long)st.st_size);
  ERR("fallocate bad mode", fallocate(dst, 0x7fff0000, 0, 1));
  OK("readahead", readahead(src, 0, 4096));
  OK("syncfs", syncfs(src));
  ERR("syncfs bad fd", syncfs(999));

  OK("mknodat fifo", mknodat(AT_FDCWD, "fifo", S_IFIFO | 0600, 0));
  fstatat(AT_FDCWD, "fifo", &st, 0);
  BOOL("is a fifo", S_ISFIFO(st.st_mode));
  ERR("mknodat exists", mknodat(AT_FDCWD, "fifo", S_IFIFO | 0600, 0));
  ERR("mknodat bad type", mknodat(AT_FDCWD, "x", 0170000, 0));
  // A character device node as root (CAP_MKNOD): the null device.
  if (geteuid() == 0) {
    OK("mknodat char device", mknodat(AT_FDCWD, "nulldev", S_IFCHR | 0600, makedev(1, 3)));
    int nd = open("nulldev", O_WRONLY);
    VAL("write to it", write(nd, "gone", 4));
    close(nd);
    unlink("nulldev");
  }

  struct open_how how = {.flags = O_RDONLY};
  long fd2 = syscall(SYS_openat2, AT_FDCWD, "src", &how, sizeof how);
  OK("openat2 plain", fd2);
  if (fd2 >= 0) close((int)fd2);
  int dfd = open(".", O_DIRECTORY | O_RDONLY);
  how.resolve = RESOLVE_BENEATH;
  ERR("openat2 beneath ..", syscall(SYS_openat2, dfd, "../etc", &how, sizeof how));
  OK("openat2 beneath inside", fd2 = syscall(SYS_openat2, dfd, "src", &how, sizeof how));
  if (fd2 >= 0) close((int)fd2);
  how.resolve = RESOLVE_IN_ROOT;
  OK("openat2 in root", fd2 = syscall(SYS_openat2, dfd, "/src", &how, sizeof how));
  if (fd2 >= 0) close((int)fd2);
  struct { struct open_how h; uint64_t extra; } big = {{.flags = O_RDONLY}, 1};
  ERR("openat2 nonzero tail", syscall(SYS_openat2, AT_FDCWD, "src", &big, sizeof big));
  ERR("openat2 short", syscall(SYS_openat2, AT_FDCWD, "src", &how, 8));
  how.resolve = 0;
  how.mode = 0644;
  ERR("openat2 mode without create", syscall(SYS_openat2, AT_FDCWD, "src", &how, sizeof how));

  long page = sysconf(_SC_PAGESIZE);
  unsigned char* m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  unsigned char vec[4] = {9, 9, 9, 9};
  m[0] = 1;
  OK("mincore", mincore(m, 4 * page, vec));
  BOOL("touched page resident", vec[0] & 1);
  munmap(m + 2 * page, page);
  ERR("mincore hole", mincore(m, 4 * page, vec));
  ERR("mincore unaligned", mincore(m + 1, page, vec));
  ERR("mincore bad vector", mincore(m, page, BAD_PTR));

  pid_t child = fork();
  if (child == 0) {
    BOOL("child not a group leader", getpgid(0) != getpid());
    BOOL("setsid gives own pid", setsid() == getpid());
    BOOL("session and group are own", getsid(0) == getpid() && getpgid(0) == getpid());
    ERR("setsid again", setsid());
    ERR("setpgid session leader", setpgid(0, 0));
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  SAY("child status %d", WEXITSTATUS(status));
  ERR("getpgid unknown", getpgid(999999));
  ERR("setpgid unknown", setpgid(999999, 0));

  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  OK("sched_setaffinity cpu0", sched_setaffinity(0, sizeof set, &set));
  CPU_ZERO(&set);
  ERR("sched_setaffinity empty", sched_setaffinity(0, sizeof set, &set));

  unlink("src");
  unlink("dst");
  unlink("fifo");
  // inotify on the current (scratch) folder; sync_file_range; mlockall.
  {
    int in = inotify_init1(IN_CLOEXEC);
    printf("inotify_init1: %s\n", in >= 0 ? "ok" : sc_errname(errno));
    int wd = inotify_add_watch(in, ".", IN_CREATE | IN_DELETE);
    printf("inotify_add_watch: %s\n", wd >= 0 ? "ok" : sc_errname(errno));
    int nf = open("watched-file", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    char evbuf[4096] __attribute__((aligned(8)));
    ssize_t n = read(in, evbuf, sizeof evbuf);
    struct inotify_event* ev = (struct inotify_event*)evbuf;
    printf("event: %s %s\n", n > 0 && (ev->mask & IN_CREATE) ? "IN_CREATE" : "?", n > 0 && ev->len ? ev->name : "");
    ERR("inotify_add_watch missing", inotify_add_watch(in, "no-such-file", IN_CREATE));
    ERR("inotify_add_watch bad fd", inotify_add_watch(999, ".", IN_CREATE));
    OK("inotify_rm_watch", inotify_rm_watch(in, wd));
    ERR("inotify_rm_watch again", inotify_rm_watch(in, wd));
    ERR("inotify_init1 bad flags", inotify_init1(12345));
    write(nf, "data", 4);
    OK("sync_file_range", sync_file_range(nf, 0, 0, SYNC_FILE_RANGE_WRITE));
    ERR("sync_file_range bad flags", sync_file_range(nf, 0, 0, 99));
    ERR("sync_file_range bad fd", sync_file_range(999, 0, 0, SYNC_FILE_RANGE_WRITE));
    close(nf);
    // truncate(path) and ftruncate are a modification only (no open, no close).
    int fw = inotify_add_watch(in, "watched-file", IN_ALL_EVENTS);
    OK("truncate watched-file", truncate("watched-file", 10));
    nf = open("watched-file", O_WRONLY);
    OK("ftruncate watched-file", ftruncate(nf, 2));
    close(nf);
    inotify_rm_watch(in, fw);
    ERR("truncate a folder", truncate(".", 0));
    ERR("truncate to a negative size", truncate("watched-file", -1));
    for (int k = 0; k < 8; ++k) {  // IN_MODIFY, IN_OPEN, IN_MODIFY, IN_CLOSE_WRITE, IN_IGNORED
      n = read(in, evbuf, sizeof evbuf);
      if (n <= 0) break;
      for (ssize_t o = 0; o < n;) {
        ev = (struct inotify_event*)(evbuf + o);
        printf("watched-file event %#x\n", ev->mask);
        o += (ssize_t)sizeof *ev + ev->len;
      }
      if (ev->mask & IN_IGNORED) break;
    }
    unlink("watched-file");
    close(in);
    OK("mlockall", mlockall(MCL_CURRENT));
    OK("munlockall", munlockall());
    ERR("mlockall 0", mlockall(0));
  }
  chdir("/");
  rmdir(dir);
  return 0;
}
