// tests/guest/syscalls/fsize.c — RLIMIT_FSIZE, as Linux keeps it on writes
// to regular files: a write that would cross the limit is cut at it; one at
// or past it gets SIGXFSZ (si_code SI_USER, from the process itself) and
// EFBIG — write, pwrite, writev, pwritev2 with RWF_APPEND, O_APPEND,
// sendfile, splice and copy_file_range alike; a zero-length write there is
// 0 with no signal; truncate, ftruncate and fallocate may not grow a file
// past it (shrinking is fine); pipes and /dev/null are not limited. Also
// SIGPIPE from splice and sendfile into a pipe without readers.
#include "sc.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>

static volatile int xfsz, xfsz_user, xfsz_self, pipes;

static void on_xfsz(int sig, siginfo_t* si, void* ctx) {
  (void)sig;
  (void)ctx;
  ++xfsz;
  xfsz_user += si->si_code == SI_USER;
  xfsz_self += si->si_pid == getpid();
}

static void on_pipe(int sig) {
  (void)sig;
  ++pipes;
}

static void signals(const char* label) {
  SAY("%s: SIGXFSZ %d (SI_USER %d, from itself %d)", label, xfsz, xfsz_user, xfsz_self);
  xfsz = xfsz_user = xfsz_self = 0;
}

static long size_of(int fd) {
  struct stat st;
  fstat(fd, &st);
  return (long)st.st_size;
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_xfsz;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGXFSZ, &sa, NULL);
  signal(SIGPIPE, on_pipe);
  char buf[8192];
  memset(buf, 'x', sizeof buf);
  int src = open("src", O_CREAT | O_RDWR, 0644);
  write(src, buf, sizeof buf);  // before the limit

  struct rlimit rl = {1000, RLIM_INFINITY};
  VAL("setrlimit FSIZE 1000", setrlimit(RLIMIT_FSIZE, &rl));
  int f = open("f", O_CREAT | O_RDWR, 0644);
  VAL("write 600", write(f, buf, 600));
  VAL("write 600 crossing", write(f, buf, 600));
  signals("crossing");
  VAL("size", size_of(f));
  VAL("write at the limit", write(f, buf, 1));
  signals("at the limit");
  VAL("write 0 at the limit", write(f, buf, 0));
  signals("zero length");
  VAL("pwrite past", pwrite(f, buf, 10, 5000));
  VAL("pwrite crossing", pwrite(f, buf, 10, 995));
  VAL("pwrite below", pwrite(f, buf, 10, 0));
  signals("pwrite");
  struct iovec iov[3] = {{buf, 100}, {buf, 100}, {buf, 100}};
  lseek(f, 850, SEEK_SET);
  VAL("writev crossing", writev(f, iov, 3));
  VAL("position", lseek(f, 0, SEEK_CUR));
  VAL("writev at the limit", writev(f, iov, 3));
  VAL("pwritev2 RWF_APPEND", pwritev2(f, iov, 1, 0, RWF_APPEND));
  signals("vectors");
  VAL("ftruncate shrink", ftruncate(f, 500));
  VAL("ftruncate to the limit", ftruncate(f, 1000));
  VAL("ftruncate past", ftruncate(f, 1001));
  VAL("truncate past", truncate("f", 4096));
  VAL("truncate shrink", truncate("f", 100));
  signals("truncate");
  VAL("fallocate past", fallocate(f, 0, 0, 2000));
  VAL("fallocate KEEP_SIZE past", fallocate(f, FALLOC_FL_KEEP_SIZE, 0, 2000));
  VAL("size", size_of(f));
  signals("fallocate");
  int a = open("f", O_WRONLY | O_APPEND);
  VAL("O_APPEND crossing", write(a, buf, 2000));
  VAL("O_APPEND at the limit", write(a, buf, 1));
  signals("O_APPEND");
  VAL("size", size_of(f));

  int g = open("g", O_CREAT | O_RDWR, 0644);
  VAL("sendfile crossing", sendfile(g, src, &(off_t){0}, 4000));
  VAL("sendfile at the limit", sendfile(g, src, &(off_t){0}, 4000));
  signals("sendfile");
  VAL("copy_file_range past", copy_file_range(src, &(loff_t){0}, g, &(loff_t){2000}, 10, 0));
  VAL("copy_file_range crossing", copy_file_range(src, &(loff_t){0}, g, &(loff_t){990}, 100, 0));
  VAL("copy_file_range bad flags past", copy_file_range(src, &(loff_t){0}, g, &(loff_t){2000}, 10, 1));
  signals("copy_file_range");
  int p[2];
  pipe(p);
  write(p[1], buf, 4000);
  VAL("splice crossing", splice(p[0], NULL, g, &(loff_t){900}, 4000, 0));
  VAL("splice past", splice(p[0], NULL, g, &(loff_t){1000}, 100, 0));
  signals("splice");
  VAL("write to a pipe", write(p[1], buf, 2000));
  VAL("write to /dev/null", write(open("/dev/null", O_WRONLY), buf, 2000));
  signals("not regular files");

  rl.rlim_cur = 0;
  setrlimit(RLIMIT_FSIZE, &rl);
  VAL("limit 0: write", write(open("h", O_CREAT | O_WRONLY, 0644), buf, 1));
  signal(SIGXFSZ, SIG_IGN);
  VAL("limit 0, SIGXFSZ ignored: write", write(open("h", O_WRONLY), buf, 1));
  signals("limit 0");
  rl.rlim_cur = RLIM_INFINITY;
  setrlimit(RLIMIT_FSIZE, &rl);
  VAL("no limit: write", write(f, buf, 2000));

  // SIGPIPE from splice and sendfile into a pipe nobody reads.
  int q[2];
  pipe(q);
  close(q[0]);
  VAL("sendfile to a closed pipe", sendfile(q[1], src, &(off_t){0}, 10));
  SAY("SIGPIPE %d", pipes);
  int r[2];
  pipe(r);
  write(r[1], "abc", 3);
  VAL("splice to a closed pipe", splice(r[0], NULL, q[1], NULL, 3, 0));
  SAY("SIGPIPE %d", pipes);
  return 0;
}
