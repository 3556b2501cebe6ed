// tests/guest/syscalls/restart.c — interrupted timed waits and their
// restart, vmsplice, and vectored I/O that runs into unmapped memory.
// 1. A process stopped (SIGSTOP) and continued (SIGCONT) in the middle of a
//    2 s wait resumes it with the time that is left (restart_syscall for
//    nanosleep, relative clock_nanosleep and futex waits; the updated
//    timeout for poll/ppoll/select; the same deadline for an absolute
//    clock_nanosleep), so it waits 2 s in all; epoll_wait fails with EINTR.
// 2. A handler (even with SA_RESTART) makes the same waits fail with EINTR;
//    nanosleep and relative clock_nanosleep report the time left, ppoll and
//    select write it back; restart_syscall without anything to restart
//    fails with EINTR.
// 3. vmsplice: memory into a pipe and a pipe into memory, partial and
//    non-blocking cases, and its errors.
// 4. writev/readv/pwritev/preadv/read/write/getrandom and the socket calls
//    with a buffer that runs into an unmapped page: what moved before the
//    hole, or EFAULT.
// Times are never printed: only whether an elapsed time or a remaining time
// lies in a range with wide margins (a loaded 2-core machine).
#include "sc.h"  // first: it defines _GNU_SOURCE

#include <fcntl.h>
#include <linux/futex.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

static double mono(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double ts_sec(struct timespec t) { return (double)t.tv_sec + (double)t.tv_nsec / 1e9; }

// "ok" / "= N" / the errno name of a libc-style result.
static const char* outcome(long r, int err) {
  static char buf[32];
  if (r < 0) return sc_errname(err);
  snprintf(buf, sizeof buf, "= %ld", r);
  return buf;
}

// ---- 1 and 2: timed waits --------------------------------------------------------

enum {
  kNanosleep,
  kClockRel,
  kClockRelRealtime,
  kClockAbs,
  kPoll,
  kPpoll,
  kSelect,
  kFutexWait,
  kFutexWaitBitsetAbs,
  kEpollWait,
  kWaits
};
static const char* const kWaitName[kWaits] = {
    "nanosleep",          "clock_nanosleep relative",   "clock_nanosleep relative REALTIME",
    "clock_nanosleep abs", "poll",                       "ppoll",
    "select",             "futex FUTEX_WAIT",           "futex FUTEX_WAIT_BITSET abs",
    "epoll_wait"};

static uint32_t futex_word;

// One wait of 2 s of the given kind. Returns its result (clock_nanosleep's
// error number made negative, like the others' -1) with errno in *err, and
// a note about what it wrote back (time left) in note.
static long timed_wait(int kind, int* err, char* note, size_t n) {
  struct timespec two = {2, 0}, rem = {7, 7};
  int p[2];
  long r = 0;
  note[0] = 0;
  errno = 0;
  switch (kind) {
    case kNanosleep:
      r = nanosleep(&two, &rem);
      if (r < 0) snprintf(note, n, ", rem in (1, 2): %s", ts_sec(rem) > 1 && ts_sec(rem) < 2 ? "yes" : "no");
      break;
    case kClockRel:
    case kClockRelRealtime: {
      int e = clock_nanosleep(kind == kClockRel ? CLOCK_MONOTONIC : CLOCK_REALTIME, 0, &two, &rem);
      r = e ? -1 : 0;
      errno = e;
      if (e) snprintf(note, n, ", rem in (1, 2): %s", ts_sec(rem) > 1 && ts_sec(rem) < 2 ? "yes" : "no");
      break;
    }
    case kClockAbs: {
      struct timespec until;
      clock_gettime(CLOCK_MONOTONIC, &until);
      until.tv_sec += 2;
      int e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, &rem);
      r = e ? -1 : 0;
      errno = e;
      snprintf(note, n, ", rem untouched: %s", rem.tv_sec == 7 && rem.tv_nsec == 7 ? "yes" : "no");
      break;
    }
    case kPoll:
    case kPpoll:
    case kSelect: {
      pipe(p);
      struct pollfd pf = {p[0], POLLIN, 0};
      if (kind == kPoll) {
        r = poll(&pf, 1, 2000);
      } else if (kind == kPpoll) {
        struct timespec t = two;
        r = syscall(SYS_ppoll, &pf, 1, &t, NULL, 8);
        snprintf(note, n, ", time left %s", r < 0 ? (ts_sec(t) > 1 && ts_sec(t) < 2 ? "in (1, 2)" : "wrong")
                                                  : (t.tv_sec == 0 && t.tv_nsec == 0 ? "zero" : "not zero"));
      } else {
        fd_set rd;
        FD_ZERO(&rd);
        FD_SET(p[0], &rd);
        struct timeval tv = {2, 0};
        r = select(p[0] + 1, &rd, NULL, NULL, &tv);
        double left = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
        snprintf(note, n, ", time left %s", r < 0 ? (left > 1 && left < 2 ? "in (1, 2)" : "wrong")
                                                  : (left == 0 ? "zero" : "not zero"));
      }
      int e = errno;
      close(p[0]);
      close(p[1]);
      errno = e;
      break;
    }
    case kFutexWait:
      r = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, &two, NULL, 0);
      break;
    case kFutexWaitBitsetAbs: {
      struct timespec until;
      clock_gettime(CLOCK_MONOTONIC, &until);
      until.tv_sec += 2;
      r = syscall(SYS_futex, &futex_word, FUTEX_WAIT_BITSET_PRIVATE, 0, &until, NULL,
                  FUTEX_BITSET_MATCH_ANY);
      break;
    }
    case kEpollWait: {
      pipe(p);
      int ep = epoll_create1(0);
      struct epoll_event ev = {.events = EPOLLIN};
      epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
      r = epoll_wait(ep, &ev, 1, 2000);
      int e = errno;
      close(ep);
      close(p[0]);
      close(p[1]);
      errno = e;
      break;
    }
  }
  *err = errno;
  return r;
}

// Every kind of wait in its own child; all are stopped after 1 s, continued
// 0.2 s later, and report how long their wait took in all.
static void stop_and_continue(void) {
  pid_t kid[kWaits];
  int out[kWaits][2];
  for (int k = 0; k < kWaits; k++) {
    pipe(out[k]);
    kid[k] = fork();
    if (kid[k] == 0) {
      char note[96], line[256];
      int err;
      double t0 = mono();
      long r = timed_wait(k, &err, note, sizeof note);
      double el = mono() - t0;
      int len = snprintf(line, sizeof line, "stop/cont %s: %s%s, took 2 s (>= 2, < 3): %s\n",
                         kWaitName[k], outcome(r, err), note, el >= 1.99 && el < 3 ? "yes" : "no");
      write(out[k][1], line, len);
      _exit(0);
    }
    close(out[k][1]);
  }
  usleep(1000000);
  for (int k = 0; k < kWaits; k++) kill(kid[k], SIGSTOP);
  int stopped = 0;
  for (int k = 0; k < kWaits; k++) {
    int st;
    if (waitpid(kid[k], &st, WUNTRACED) == kid[k] && WIFSTOPPED(st)) stopped++;
  }
  BOOL("stop/cont: all stopped", stopped == kWaits);
  usleep(200000);
  for (int k = 0; k < kWaits; k++) kill(kid[k], SIGCONT);
  for (int k = 0; k < kWaits; k++) {
    int st;
    waitpid(kid[k], &st, 0);
    char line[256];
    ssize_t got = read(out[k][0], line, sizeof line);
    printf("%.*s", (int)(got > 0 ? got : 0), line);
    close(out[k][0]);
  }
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

// The same waits in this process, interrupted after 0.3 s by a SIGALRM
// handler installed with SA_RESTART: EINTR all the same.
static void with_handler(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  for (int k = 0; k < kWaits; k++) {
    struct itimerval it = {{0, 0}, {0, 300000}};
    setitimer(ITIMER_REAL, &it, NULL);
    char note[96];
    int err;
    double t0 = mono();
    long r = timed_wait(k, &err, note, sizeof note);
    double el = mono() - t0;
    SAY("handler %s: %s%s, returned early: %s", kWaitName[k], outcome(r, err), note,
        el < 1.5 ? "yes" : "no");
  }
  BOOL("handler: ran each time", alarms == kWaits);
  // Nothing to restart: after a handler ran (rt_sigreturn clears the
  // restart block) and in a fresh process.
  ERR("restart_syscall after a handler", syscall(SYS_restart_syscall));
  pid_t c = fork();
  if (c == 0) {
    ERR("restart_syscall in a new process", syscall(SYS_restart_syscall));
    _exit(0);
  }
  waitpid(c, NULL, 0);
  signal(SIGALRM, SIG_DFL);
}

// ---- 3: vmsplice ----------------------------------------------------------------------

static void vmsplice_tests(char* hole_end) {
  int p[2];
  pipe(p);
  char a[] = "hello ", b[] = "world";
  struct iovec iov[2] = {{a, 6}, {b, 5}};
  VAL("vmsplice to pipe", vmsplice(p[1], iov, 2, 0));
  char buf[64] = {0};
  VAL("read it", read(p[0], buf, sizeof buf));
  SAY("data: %s", buf);
  VAL("vmsplice SPLICE_F_GIFT", vmsplice(p[1], iov, 1, SPLICE_F_GIFT | SPLICE_F_MORE | SPLICE_F_MOVE));
  memset(buf, 0, sizeof buf);
  VAL("read it", read(p[0], buf, sizeof buf));
  SAY("data: %s", buf);
  write(p[1], "abcdefghij", 10);
  char x[4] = {0}, y[16] = {0};
  struct iovec in[2] = {{x, 4}, {y, sizeof y}};
  VAL("vmsplice from pipe", vmsplice(p[0], in, 2, 0));
  SAY("data: %.4s|%s", x, y);
  VAL("vmsplice 0 segments", vmsplice(p[1], iov, 0, 0));
  VAL("vmsplice empty segments", vmsplice(p[1], (struct iovec[]){{a, 0}, {b, 0}}, 2, 0));
  ERR("vmsplice from empty pipe, NONBLOCK", vmsplice(p[0], in, 2, SPLICE_F_NONBLOCK));
  // A segment running into an unmapped page: what came before it.
  memcpy(hole_end - 4, "tail", 4);
  struct iovec part[2] = {{a, 6}, {hole_end - 4, 100}};
  VAL("vmsplice to pipe into a hole", vmsplice(p[1], part, 2, 0));
  memset(buf, 0, sizeof buf);
  VAL("read it", read(p[0], buf, sizeof buf));
  SAY("data: %s", buf);
  struct iovec at_hole = {hole_end, 16};
  ERR("vmsplice to pipe from a hole", vmsplice(p[1], &at_hole, 1, 0));
  write(p[1], "0123456789", 10);
  ERR("vmsplice from pipe into a hole", vmsplice(p[0], &at_hole, 1, 0));
  struct iovec in_part[2] = {{x, 4}, {hole_end - 3, 16}};
  VAL("vmsplice from pipe partly into a hole", vmsplice(p[0], in_part, 2, 0));
  SAY("data: %.4s|%.3s", x, hole_end - 3);
  char drain[64];
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  while (read(p[0], drain, sizeof drain) > 0) {}
  // Errors.
  ERR("vmsplice bad flags", vmsplice(p[1], iov, 2, 0x10));
  ERR("vmsplice closed fd", vmsplice(999, iov, 2, 0));
  int f = open("vmsplice.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
  ERR("vmsplice regular file", vmsplice(f, iov, 2, 0));
  ERR("vmsplice regular file, empty iov", vmsplice(f, iov, 0, 0));
  close(f);
  unlink("vmsplice.dat");
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  ERR("vmsplice socket", vmsplice(sv[0], iov, 2, 0));
  close(sv[0]);
  close(sv[1]);
  int opath = open(".", O_PATH);
  ERR("vmsplice O_PATH fd", vmsplice(opath, iov, 2, 0));
  close(opath);
  ERR("vmsplice bad iov array", vmsplice(p[1], BAD_PTR, 2, 0));
  struct iovec neg = {a, (size_t)-1};
  ERR("vmsplice negative length", vmsplice(p[1], &neg, 1, 0));
  ERR("vmsplice 1025 segments", vmsplice(p[1], iov, 1025, 0));
  // A full pipe: SPLICE_F_NONBLOCK gives EAGAIN (the fd's O_NONBLOCK does not matter).
  fcntl(p[1], F_SETFL, O_NONBLOCK);
  char chunk[4096];
  memset(chunk, 'z', sizeof chunk);
  while (write(p[1], chunk, sizeof chunk) > 0) {}
  ERR("vmsplice to a full pipe, NONBLOCK", vmsplice(p[1], iov, 2, SPLICE_F_NONBLOCK));
  close(p[0]);
  signal(SIGPIPE, SIG_IGN);
  ERR("vmsplice to a pipe without readers", vmsplice(p[1], iov, 2, 0));
  signal(SIGPIPE, SIG_DFL);
  close(p[1]);
}

// ---- 4: vectored I/O into a hole ---------------------------------------------------------

static void partial_io(char* hole_end) {
  char head[3] = {'a', 'b', 'c'};
  memcpy(hole_end - 100, "0123456789", 10);
  struct iovec wv[2] = {{head, 3}, {hole_end - 100, 200}};
  int f = open("partial.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
  VAL("file writev into a hole", writev(f, wv, 2));
  VAL("file pwritev into a hole", pwritev(f, wv, 2, 1000));
  VAL("file pwritev2 into a hole", pwritev2(f, wv, 2, 2000, 0));
  VAL("file size", lseek(f, 0, SEEK_END));
  struct iovec at_hole = {hole_end, 10};
  ERR("file writev from the hole", writev(f, &at_hole, 1));
  char fill[4096];
  memset(fill, 'F', sizeof fill);
  pwrite(f, fill, sizeof fill, 0);
  lseek(f, 0, SEEK_SET);
  char rhead[3];
  struct iovec rv[2] = {{rhead, 3}, {hole_end - 100, 200}};
  VAL("file readv into a hole", readv(f, rv, 2));
  VAL("file position", lseek(f, 0, SEEK_CUR));
  VAL("file preadv into a hole", preadv(f, rv, 2, 0));
  VAL("file preadv2 into a hole", preadv2(f, rv, 2, 0, 0));
  ERR("file readv into the hole", readv(f, &at_hole, 1));
  ERR("preadv negative offset", preadv(f, rv, 2, -1));
  VAL("preadv2 offset -1 (file position)", preadv2(f, rv, 2, -1, 0));
  VAL("file read into a hole", read(f, hole_end - 100, 200));
  VAL("file write from a hole", write(f, hole_end - 100, 200));
  close(f);
  unlink("partial.dat");
  // Pipes copy page by page: a short page is EFAULT unless a whole page
  // went first.
  int p[2];
  pipe(p);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  char drain[8192];
  VAL("pipe writev into a hole", writev(p[1], wv, 2));
  while (read(p[0], drain, sizeof drain) > 0) {}
  char* two_pages = hole_end - 4096 - 50;
  struct iovec big = {two_pages, 4096 + 50 + 10};
  VAL("pipe writev, a page then the hole", writev(p[1], &big, 1));
  while (read(p[0], drain, sizeof drain) > 0) {}
  write(p[1], "0123456789", 10);
  VAL("pipe readv into a hole", readv(p[0], rv, 2));
  while (read(p[0], drain, sizeof drain) > 0) {}
  write(p[1], "0123456789", 10);
  VAL("pipe read into a hole", read(p[0], hole_end - 5, 10));
  close(p[0]);
  close(p[1]);
  // Sockets: send/recv, sendmsg/recvmsg (stream and datagram) too.
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  fcntl(sv[0], F_SETFL, O_NONBLOCK);
  VAL("stream send from a hole", send(sv[1], hole_end - 100, 200, 0));
  VAL("stream sendto, a page then the hole", sendto(sv[1], two_pages, 4096 + 60, 0, NULL, 0));
  struct msghdr mh = {.msg_iov = wv, .msg_iovlen = 2};
  VAL("stream sendmsg into a hole", sendmsg(sv[1], &mh, 0));
  send(sv[1], "0123456789abcdefghij", 20, 0);
  VAL("stream recv into a hole", recv(sv[0], hole_end - 5, 20, 0));
  send(sv[1], "0123456789abcdefghij", 20, 0);
  mh.msg_iov = rv;
  VAL("stream recvmsg into a hole", recvmsg(sv[0], &mh, 0));
  send(sv[1], "0123456789abcdefghij", 20, 0);
  VAL("stream recvfrom into a hole", recvfrom(sv[0], hole_end - 5, 20, 0, NULL, NULL));
  ERR("stream recv at the hole", recv(sv[0], hole_end, 10, 0));
  while (recv(sv[0], drain, sizeof drain, 0) > 0) {}
  close(sv[0]);
  close(sv[1]);
  // TCP over loopback copies what it can.
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t slen = sizeof sin;
  bind(ls, (struct sockaddr*)&sin, sizeof sin);
  listen(ls, 1);
  getsockname(ls, (struct sockaddr*)&sin, &slen);
  int tc = socket(AF_INET, SOCK_STREAM, 0);
  connect(tc, (struct sockaddr*)&sin, sizeof sin);
  int ts = accept(ls, NULL, NULL);
  VAL("tcp send from a hole", send(tc, hole_end - 100, 200, 0));
  VAL("tcp sendmsg into a hole", sendmsg(tc, &(struct msghdr){.msg_iov = wv, .msg_iovlen = 2}, 0));
  usleep(100000);
  VAL("tcp recv into a hole", recv(ts, hole_end - 50, 100, MSG_DONTWAIT));
  VAL("tcp recv the rest", recv(ts, drain, sizeof drain, MSG_DONTWAIT));
  close(tc);
  close(ts);
  close(ls);
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  ERR("dgram send from a hole", send(sv[1], hole_end - 100, 200, 0));
  send(sv[1], "0123456789", 10, 0);
  ERR("dgram recv into a hole", recv(sv[0], hole_end - 5, 10, 0));
  close(sv[0]);
  close(sv[1]);
  // getrandom: the bytes before the hole.
  VAL("getrandom into a hole", getrandom(hole_end - 100, 200, 0));
  ERR("getrandom at the hole", getrandom(hole_end, 16, 0));
  VAL("getrandom size 0 at the hole", getrandom(hole_end, 0, 0));
  ERR("getrandom GRND_RANDOM|GRND_INSECURE", getrandom(head, 1, GRND_RANDOM | 4));
  // An iovec array that itself runs into the hole, a bad one, too many.
  struct iovec* tail_iov = (struct iovec*)(hole_end - sizeof(struct iovec));
  *tail_iov = (struct iovec){head, 3};
  int devnull = open("/dev/null", O_WRONLY);
  ERR("writev iov array into the hole", writev(devnull, tail_iov, 2));
  VAL("writev iov array up to the hole", writev(devnull, tail_iov, 1));
  ERR("writev 1025 segments", writev(devnull, wv, 1025));
  struct iovec neg = {head, (size_t)-1};
  ERR("writev negative length", writev(devnull, &neg, 1));
  VAL("writev 0 segments", writev(devnull, wv, 0));
  close(devnull);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  // Three pages, the last one unmapped: hole_end is where memory stops.
  long pg = sysconf(_SC_PAGESIZE);
  char* three = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(three + 2 * pg, pg);
  char* hole_end = three + 2 * pg;

  stop_and_continue();
  with_handler();
  vmsplice_tests(hole_end);
  partial_io(hole_end);
  return 0;
}
