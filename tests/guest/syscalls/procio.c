// tests/guest/syscalls/procio.c — /proc/self/limits and /proc/self/io are
// the process's own: the limits table shows what the process inherited
// (RLIMIT_NOFILE: its runner's) and what setrlimit/prlimit set (and
// a child's shows its own after it changed them), in Linux's layout; the
// I/O counters move by exactly the bytes and calls of read/write/pread/
// pwrite/readv/writev/sendfile, not by failed calls that never reached the
// file (EBADF) nor by recv/send on a socket, and a new child starts from
// zero. Output is the deltas and rows, so native and hart-run runs compare.
#include "sc.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>

struct io {
  unsigned long rchar, wchar, syscr, syscw;
  long own;  // bytes of the read that took this snapshot (counted in the next one)
};

// One snapshot: open, one read, close (the read is counted after its text
// was made, so it shows up in the next snapshot, not in this one).
static struct io io_now(void) {
  char buf[512];
  struct io v = {0, 0, 0, 0, 0};
  int fd = open("/proc/self/io", O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  v.own = n;
  sscanf(buf, "rchar: %lu wchar: %lu syscr: %lu syscw: %lu", &v.rchar, &v.wchar, &v.syscr, &v.syscw);
  return v;
}

// What the operations since the last snapshot moved.
static struct io last;
static void delta(const char* label) {
  struct io now = io_now();
  SAY("%s: rchar +%ld wchar +%ld syscr +%ld syscw +%ld", label, (long)(now.rchar - last.rchar - last.own),
      (long)(now.wchar - last.wchar), (long)(now.syscr - last.syscr - 1), (long)(now.syscw - last.syscw));
  last = io_now();
}

static void limits_row(const char* name) {
  FILE* f = fopen("/proc/self/limits", "r");
  char line[256];
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, name, strlen(name))) printf("%s", line);
  if (f) fclose(f);
  fflush(stdout);
}

int main(void) {
  FILE* f = fopen("/proc/self/limits", "r");
  char line[256];
  if (f && fgets(line, sizeof line, f)) printf("%s", line);  // the header
  if (f) fclose(f);
  // As inherited from the runner (hart-run passes on its own, as a parent).
  limits_row("Max open files");
  struct rlimit r = {100, 200};
  OK("setrlimit NOFILE 100/200", setrlimit(RLIMIT_NOFILE, &r));
  limits_row("Max open files");
  r.rlim_cur = 1024 * 1024;  // lower than any runner's hard limit
  r.rlim_max = 2048 * 1024;
  OK("setrlimit STACK 1M/2M", setrlimit(RLIMIT_STACK, &r));
  limits_row("Max stack size");
  limits_row("Max nice priority");
  pid_t c = fork();
  if (c == 0) {
    r.rlim_cur = 50;
    r.rlim_max = 60;
    setrlimit(RLIMIT_NOFILE, &r);
    limits_row("Max open files");
    _exit(0);
  }
  waitpid(c, NULL, 0);
  limits_row("Max open files");

  char tmpl[] = "/tmp/hart-procio-XXXXXX";
  int fd = mkstemp(tmpl);
  unlink(tmpl);
  char data[1000];
  memset(data, 'a', sizeof data);
  last = io_now();
  delta("nothing");
  (void)!write(fd, data, 1000);
  delta("write 1000");
  (void)!pread(fd, data, 300, 0);
  delta("pread 300");
  struct iovec v[2] = {{data, 10}, {data + 10, 20}};
  (void)!pwritev(fd, v, 2, 0);
  delta("pwritev 30");
  (void)!preadv(fd, v, 2, 990);
  delta("preadv at 990 (10 bytes left)");
  (void)!read(fd, data, 10);  // at the end after the write
  delta("read at the end (0 bytes)");
  (void)!read(-1, data, 10);
  delta("read of a bad fd");
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  (void)!send(sv[0], "xy", 2, 0);
  (void)!recv(sv[1], data, 2, 0);
  delta("send+recv on a socket");
  (void)!write(sv[0], "xyz", 3);
  (void)!read(sv[1], data, 3);
  delta("write+read on a socket");
  int out = open("/dev/null", O_WRONLY);
  off_t off = 0;
  (void)!sendfile(out, fd, &off, 500);
  delta("sendfile 500");
  c = fork();
  if (c == 0) {
    struct io z = io_now();
    SAY("child starts with rchar %s, syscr %lu", z.rchar < 1000 ? "small" : "its parent's", z.syscr);
    _exit(0);
  }
  waitpid(c, NULL, 0);
  return 0;
}
