// tests/guest/syscalls/locks.c — file locks between processes: POSIX record
// locks (fcntl F_SETLK/F_SETLKW/F_GETLK: conflicts, the owner's pid, range
// split and merge, release on close of any fd of the file and on exit,
// blocking waits woken by an unlock, EDEADLK, EINTR) and flock() (per open
// file description: a forked child shares its parent's). Two processes
// contend; the riscv64 build under hart-run must print what the native
// build prints on Linux.
#include "sc.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>

static int setlk(int fd, int cmd, short type, off_t start, off_t len) {
  struct flock fl = {0};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = start;
  fl.l_len = len;
  return fcntl(fd, cmd, &fl);
}

// F_GETLK as text: "unlocked" or "W 0+10 by parent".
static void getlk(const char* label, int fd, short type, off_t start, off_t len, pid_t parent) {
  struct flock fl = {0};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = start;
  fl.l_len = len;
  if (fcntl(fd, F_GETLK, &fl) != 0) {
    printf("%s: %s\n", label, sc_errname(errno));
  } else if (fl.l_type == F_UNLCK) {
    printf("%s: unlocked (start %ld len %ld kept)\n", label, (long)fl.l_start, (long)fl.l_len);
  } else {
    printf("%s: %c %ld+%ld by %s\n", label, fl.l_type == F_WRLCK ? 'W' : 'R', (long)fl.l_start,
           (long)fl.l_len, fl.l_pid == parent ? "parent" : fl.l_pid == getpid() ? "self" : "other");
  }
  fflush(stdout);
}

static void msleep(int ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static int to_child[2], to_parent[2];
static void tell(int fd) { write(fd, "x", 1); }
static void hear(int fd) {
  char c;
  read(fd, &c, 1);
}

static void on_alarm(int s) { (void)s; }

static void* thread_lock(void* arg) {
  int fd = *(int*)arg;
  // Same process: no conflict with the main thread's lock.
  long r = setlk(fd, F_SETLK, F_WRLCK, 0, 10);
  return (void*)r;
}

int main(void) {
  const char* path = "lockfile";
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "0123456789abcdefghij", 20);
  pid_t parent = getpid();
  pipe(to_child);
  pipe(to_parent);

  // ---- conflicts, GETLK, split/merge ----
  OK("parent W 0+10", setlk(fd, F_SETLK, F_WRLCK, 0, 10));
  OK("parent W 10+10 (merges)", setlk(fd, F_SETLK, F_WRLCK, 10, 10));
  OK("parent R 100+0 (to EOF)", setlk(fd, F_SETLK, F_RDLCK, 100, 0));
  pthread_t th;
  void* tr;
  pthread_create(&th, NULL, thread_lock, &fd);
  pthread_join(th, &tr);
  SAY("thread of the owner relocks: %s", (long)tr == 0 ? "ok" : "failed");
  pid_t c = fork();
  if (c == 0) {
    int cfd = open(path, O_RDWR);
    ERR("child W 5+1", setlk(cfd, F_SETLK, F_WRLCK, 5, 1));
    getlk("child GETLK W 5+1", cfd, F_WRLCK, 5, 1, parent);
    getlk("child GETLK W 0+100", cfd, F_WRLCK, 0, 100, parent);
    getlk("child GETLK R 200+1", cfd, F_RDLCK, 200, 1, parent);
    getlk("child GETLK W 200+1", cfd, F_WRLCK, 200, 1, parent);
    getlk("child GETLK W 20+80", cfd, F_WRLCK, 20, 80, parent);
    OK("child R 150+5 shared with parent's R", setlk(cfd, F_SETLK, F_RDLCK, 150, 5));
    tell(to_parent[1]);
    hear(to_child[0]);  // parent unlocked 5..14
    getlk("child GETLK W 0+20 after split", cfd, F_WRLCK, 0, 20, parent);
    getlk("child GETLK W 5+10", cfd, F_WRLCK, 5, 10, parent);
    getlk("child GETLK W 12+5", cfd, F_WRLCK, 12, 5, parent);
    OK("child W 5+10", setlk(cfd, F_SETLK, F_WRLCK, 5, 10));
    tell(to_parent[1]);
    hear(to_child[0]);
    _exit(0);
  }
  hear(to_parent[0]);
  getlk("parent GETLK W 150+1 (child's R)", fd, F_WRLCK, 150, 1, parent);
  OK("parent unlock 5+10", setlk(fd, F_SETLK, F_UNLCK, 5, 10));
  tell(to_child[1]);
  hear(to_parent[0]);
  getlk("parent GETLK W 0+20", fd, F_WRLCK, 0, 20, parent);
  ERR("parent W 7+1 (child holds)", setlk(fd, F_SETLK, F_WRLCK, 7, 1));
  tell(to_child[1]);
  int st;
  waitpid(c, &st, 0);
  OK("parent W 7+1 after the child exited", setlk(fd, F_SETLK, F_WRLCK, 7, 1));
  OK("parent unlock all", setlk(fd, F_SETLK, F_UNLCK, 0, 0));

  // ---- F_SETLKW waits for the unlock; close of another fd releases ----
  OK("parent W 0+5", setlk(fd, F_SETLK, F_WRLCK, 0, 5));
  c = fork();
  if (c == 0) {
    int cfd = open(path, O_RDWR);
    tell(to_parent[1]);
    OK("child SETLKW W 0+5 (waits)", setlk(cfd, F_SETLKW, F_WRLCK, 0, 5));
    SAY("child got the lock");
    _exit(0);
  }
  hear(to_parent[0]);
  msleep(200);
  SAY("parent closes another fd of the file");
  int other = open(path, O_RDONLY);
  close(other);  // POSIX: this drops the parent's locks on the file
  waitpid(c, &st, 0);
  SAY("child status %d", WEXITSTATUS(st));

  // ---- EDEADLK: two processes each waiting for the other ----
  // Whichever asks second closes the cycle and gets EDEADLK (which one that
  // is depends on timing, so only the count is printed); it gives up its
  // lock and the other one then gets what it waited for.
  OK("parent W 0+1", setlk(fd, F_SETLK, F_WRLCK, 0, 1));
  c = fork();
  if (c == 0) {
    int cfd = open(path, O_RDWR);
    setlk(cfd, F_SETLK, F_WRLCK, 1, 1);
    tell(to_parent[1]);
    int r = setlk(cfd, F_SETLKW, F_WRLCK, 0, 1);
    _exit(r == 0 ? 0 : errno == EDEADLK ? 35 : 1);  // exit releases its locks
  }
  hear(to_parent[0]);
  msleep(100);
  int pr = setlk(fd, F_SETLKW, F_WRLCK, 1, 1);
  int perr = errno;
  if (pr != 0) setlk(fd, F_SETLK, F_UNLCK, 0, 1);  // lost: let the child go on
  waitpid(c, &st, 0);
  int deadlocks = (pr != 0 && perr == EDEADLK) + (WEXITSTATUS(st) == 35);
  int winners = (pr == 0) + (WEXITSTATUS(st) == 0);
  SAY("deadlock: %d EDEADLK, %d got the lock", deadlocks, winners);
  OK("parent unlock all", setlk(fd, F_SETLK, F_UNLCK, 0, 0));

  // ---- F_SETLKW interrupted by a signal ----
  c = fork();
  if (c == 0) {
    int cfd = open(path, O_RDWR);
    OK("child W 0+1", setlk(cfd, F_SETLK, F_WRLCK, 0, 1));
    tell(to_parent[1]);
    hear(to_child[0]);
    _exit(0);
  }
  hear(to_parent[0]);
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  alarm(1);
  ERR("parent SETLKW interrupted", setlk(fd, F_SETLKW, F_WRLCK, 0, 1));
  tell(to_child[1]);
  waitpid(c, &st, 0);
  ERR("F_SETLK W on a read-only fd", setlk(open(path, O_RDONLY), F_SETLK, F_WRLCK, 0, 1));
  ERR("F_GETLK F_UNLCK", setlk(fd, F_GETLK, F_UNLCK, 0, 1));
  ERR("F_SETLK negative start", setlk(fd, F_SETLK, F_WRLCK, -5, 1));

  // ---- flock ----
  OK("parent LOCK_EX", flock(fd, LOCK_EX));
  c = fork();
  if (c == 0) {
    OK("child LOCK_EX|NB on the shared description", flock(fd, LOCK_EX | LOCK_NB));
    int cfd = open(path, O_RDWR);
    ERR("child LOCK_EX|NB on its own description", flock(cfd, LOCK_EX | LOCK_NB));
    ERR("child LOCK_SH|NB on its own description", flock(cfd, LOCK_SH | LOCK_NB));
    tell(to_parent[1]);
    OK("child LOCK_EX (waits)", flock(cfd, LOCK_EX));
    SAY("child got the flock");
    _exit(0);
  }
  hear(to_parent[0]);
  msleep(200);
  SAY("parent unlocks");
  int un = flock(fd, LOCK_UN);  // printed after the child's lines: no race
  waitpid(c, &st, 0);
  OK("parent LOCK_UN", un);
  ERR("flock bad op", flock(fd, 77));
  ERR("flock EBADF", flock(99, LOCK_EX));
  unlink(path);
  // Owners, the I/O signal and leases (fcntl).
  {
    int f = open("owner-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    VAL("F_GETOWN initially", fcntl(f, F_GETOWN));
    OK("F_SETOWN self", fcntl(f, F_SETOWN, getpid()));
    BOOL("F_GETOWN is self", fcntl(f, F_GETOWN) == getpid());
    OK("F_SETOWN own group", fcntl(f, F_SETOWN, -getpgrp()));
    BOOL("F_GETOWN is -pgrp", fcntl(f, F_GETOWN) == -getpgrp());
    ERR("F_SETOWN no such pid", fcntl(f, F_SETOWN, 999999));
    struct f_owner_ex ex = {F_OWNER_TID, getpid()};
    OK("F_SETOWN_EX tid", fcntl(f, F_SETOWN_EX, &ex));
    struct f_owner_ex got = {0, 0};
    OK("F_GETOWN_EX", fcntl(f, F_GETOWN_EX, &got));
    BOOL("F_GETOWN_EX tid self", got.type == F_OWNER_TID && got.pid == getpid());
    ex.type = 7;
    ERR("F_SETOWN_EX bad type", fcntl(f, F_SETOWN_EX, &ex));
    ERR("F_GETOWN_EX EFAULT", fcntl(f, F_GETOWN_EX, (void*)8));
    VAL("F_GETSIG initially", fcntl(f, F_GETSIG));
    OK("F_SETSIG SIGUSR1", fcntl(f, F_SETSIG, SIGUSR1));
    VAL("F_GETSIG", fcntl(f, F_GETSIG));
    ERR("F_SETSIG 99", fcntl(f, F_SETSIG, 99));
    VAL("F_GETLEASE initially", fcntl(f, F_GETLEASE));
    ERR("F_SETLEASE read on a writable fd", fcntl(f, F_SETLEASE, F_RDLCK));
    int r = open("owner-file", O_RDONLY);
    close(f);
    OK("F_SETLEASE read", fcntl(r, F_SETLEASE, F_RDLCK));
    VAL("F_GETLEASE", fcntl(r, F_GETLEASE));
    OK("F_SETLEASE unlock", fcntl(r, F_SETLEASE, F_UNLCK));
    ERR("F_SETLEASE bad", fcntl(r, F_SETLEASE, 9));
    close(r);
    unlink("owner-file");
  }
  // OFD and POSIX locks conflict; F_GETLK reports the lowest conflicting lock.
  {
    int a = open("ofd-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    int b = open("ofd-file", O_RDWR);
    struct flock ofd = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    OK("F_OFD_SETLK write 0..9", fcntl(a, F_OFD_SETLK, &ofd));
    struct flock px = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
    ERR("POSIX F_SETLK over it", fcntl(b, F_SETLK, &px));
    struct flock q = px;
    OK("F_GETLK", fcntl(b, F_GETLK, &q));
    printf("conflict: type %s start %ld len %ld pid %d\n", q.l_type == F_WRLCK ? "W" : "?", (long)q.l_start,
           (long)q.l_len, q.l_pid);
    struct flock bad = ofd;
    bad.l_pid = 1;
    ERR("F_OFD_SETLK with l_pid", fcntl(b, F_OFD_SETLK, &bad));
    ERR("F_OFD_SETLK from another description", fcntl(b, F_OFD_SETLK, &ofd));
    close(a);
    OK("POSIX F_SETLK after the description closed", fcntl(b, F_SETLK, &px));
    px.l_type = F_UNLCK;
    fcntl(b, F_SETLK, &px);
    int pfd[2];
    pipe(pfd);
    pid_t c = fork();
    if (c == 0) {
      struct flock l20 = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 20, .l_len = 1};
      struct flock l10 = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 2};
      fcntl(b, F_SETLK, &l20);
      fcntl(b, F_SETLK, &l10);
      write(pfd[1], "x", 1);
      sleep(5);
      _exit(0);
    }
    char x;
    read(pfd[0], &x, 1);
    struct flock all = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    OK("F_GETLK whole file", fcntl(b, F_GETLK, &all));
    printf("lowest conflict: start %ld len %ld type %s, pid is the child's: %s\n", (long)all.l_start,
           (long)all.l_len, all.l_type == F_RDLCK ? "R" : "W", all.l_pid == c ? "yes" : "no");
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
    close(b);
    unlink("ofd-file");
  }
  return 0;
}
