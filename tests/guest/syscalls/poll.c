// tests/guest/syscalls/poll.c — polling: ppoll/poll, pselect6/select with
// sigmask, epoll (the data word round-trips, 16-byte riscv64 layout),
// eventfd, signalfd (guest signals), timerfd, FIONREAD/FIONBIO; one
// epoll_wait returns every ready event up to maxevents, past 1,024.
#include "sc.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>

static volatile int got_usr1;
static void on_usr1(int s) { (void)s; got_usr1++; }

// More ready events than 1,024 in one epoll_wait (Python's EpollSelector asks
// for as many as it has registered): all of them come back, level-triggered
// and edge-triggered alike, and maxevents still bounds the answer.
enum { kMany = 1500 };
static void epoll_many(void) {
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < kMany + 64) {
    rl.rlim_cur = rl.rlim_max < kMany + 64 ? rl.rlim_max : kMany + 64;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  int n = rl.rlim_cur < kMany + 64 ? (int)rl.rlim_cur - 64 : kMany;  // the same native and guest
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int efd[kMany];
  uint64_t want = 0;
  for (int i = 0; i < n; ++i) {
    efd[i] = eventfd(1, EFD_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN | (i % 2 ? EPOLLET : 0), .data.u64 = i + 1};
    if (efd[i] < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd[i], &ev) < 0) {
      SAY("epoll many: setup failed at %d: %s", i, sc_errname(errno));
      return;
    }
    want += i + 1;
  }
  static struct epoll_event out[kMany + 8];
  int r = epoll_wait(ep, out, kMany + 8, 0);
  uint64_t sum = 0;
  for (int i = 0; i < r; ++i) sum += out[i].data.u64;
  BOOL("epoll_wait many: every ready fd", r == n && sum == want);
  BOOL("epoll_wait many: more than 1024", n <= 1024 || r > 1024);
  // Edge-triggered ones were taken; the level-triggered half is ready again.
  r = epoll_wait(ep, out, kMany + 8, 0);
  BOOL("epoll_wait many again: the level-triggered half", r == (n + 1) / 2);
  VAL("epoll_wait many: maxevents bounds", epoll_wait(ep, out, 100, 0));
  for (int i = 0; i < n; ++i) close(efd[i]);
  close(ep);
}

int main(void) {
  int p[2];
  OK("pipe2", pipe2(p, O_CLOEXEC));
  struct pollfd pf[3] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {999, POLLIN, 0}};
  VAL("poll idle", poll(pf, 2, 0));
  SAY("revents %x %x", pf[0].revents, pf[1].revents);
  VAL("poll nval", poll(pf, 3, 0));
  SAY("revents nval %x", pf[2].revents);
  pf[2].fd = -1;
  VAL("poll negative fd", poll(pf, 3, 0));
  OK("write", write(p[1], "abc", 3));
  VAL("poll ready", poll(pf, 1, 1000));
  SAY("revents %x", pf[0].revents);
  int n = -1;
  OK("FIONREAD", ioctl(p[0], FIONREAD, &n));
  SAY("FIONREAD = %d", n);
  ERR("poll EFAULT", poll(BAD_PTR, 1, 0));
  struct timespec bad = {0, 2000000000};
  ERR("ppoll EINVAL ts", ppoll(pf, 1, &bad, NULL));
  ERR("ppoll sigsetsize", syscall(SYS_ppoll, pf, 1, NULL, &bad, 4));
  ERR("poll nfds too big", poll(pf, 1 << 20, 0));

  // select
  fd_set r, w;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_SET(p[0], &r);
  FD_SET(p[1], &w);
  struct timeval tv = {0, 0};
  VAL("select", select(p[1] + 1, &r, &w, NULL, &tv));
  BOOL("select r", FD_ISSET(p[0], &r));
  BOOL("select w", FD_ISSET(p[1], &w));
  char buf[16];
  OK("read", read(p[0], buf, sizeof buf));
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  tv.tv_usec = 1000;
  VAL("select timeout", select(p[0] + 1, &r, NULL, NULL, &tv));
  BOOL("select cleared", !FD_ISSET(p[0], &r));
  FD_ZERO(&r);
  FD_SET(50, &r);
  ERR("select EBADF", select(51, &r, NULL, NULL, &tv));
  ERR("select EINVAL", select(-1, NULL, NULL, NULL, &tv));

  // pselect/ppoll sigmask: a blocked SIGUSR1 pending is delivered by the wait.
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  sigset_t block, empty, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigemptyset(&empty);
  sigprocmask(SIG_BLOCK, &block, &old);
  raise(SIGUSR1);
  SAY("before pselect: handled %d", got_usr1);
  struct timespec ts1 = {1, 0};
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  ERR("pselect with unblocking mask", pselect(p[0] + 1, &r, NULL, NULL, &ts1, &empty));
  SAY("after pselect: handled %d", got_usr1);
  sigprocmask(SIG_SETMASK, NULL, &old);
  BOOL("mask restored", sigismember(&old, SIGUSR1));
  raise(SIGUSR1);
  pf[0].events = POLLIN;
  ERR("ppoll with unblocking mask", ppoll(pf, 1, &ts1, &empty));
  SAY("after ppoll: handled %d", got_usr1);
  struct timespec ts0 = {0, 1000000};
  VAL("ppoll blocked mask timeout", ppoll(pf, 1, &ts0, &block));

  // epoll
  int ep = epoll_create1(EPOLL_CLOEXEC);
  OK("epoll_create1", ep);
  ERR("epoll_create1 EINVAL", epoll_create1(1));
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.u64 = 0x1122334455667788ull;
  OK("epoll_ctl add", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
  ERR("epoll_ctl add again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
  ERR("epoll_ctl self", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
  ERR("epoll_ctl EBADF", epoll_ctl(ep, EPOLL_CTL_ADD, 77, &ev));
  ERR("epoll_ctl EFAULT", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], BAD_PTR));
  ERR("epoll_ctl not epoll", epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev));
  struct epoll_event out[4];
  VAL("epoll_wait idle", epoll_wait(ep, out, 4, 0));
  OK("write", write(p[1], "x", 1));
  int ev2 = eventfd(3, EFD_NONBLOCK);
  OK("eventfd", ev2);
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.u64 = 42;
  OK("epoll_ctl add eventfd", epoll_ctl(ep, EPOLL_CTL_ADD, ev2, &ev));
  n = epoll_wait(ep, out, 4, 1000);
  VAL("epoll_wait", n);
  uint64_t sum = 0;
  unsigned evs = 0;
  for (int i = 0; i < n; ++i) sum += out[i].data.u64, evs |= out[i].events;
  SAY("epoll data sum %llx events %x", (unsigned long long)sum, evs);
  ERR("epoll_wait maxevents 0", epoll_wait(ep, out, 0, 0));
  ERR("epoll_wait EFAULT", epoll_wait(ep, BAD_PTR, 4, 0));
  ERR("epoll_wait not epoll", epoll_wait(p[0], out, 4, 0));
  OK("epoll_ctl del", epoll_ctl(ep, EPOLL_CTL_DEL, ev2, NULL));
  ERR("epoll_ctl del again", epoll_ctl(ep, EPOLL_CTL_DEL, ev2, NULL));
  raise(SIGUSR1);
  ERR("epoll_pwait unblocking", epoll_pwait(ep, out, 4, 1000, &empty));
  SAY("after epoll_pwait: handled %d", got_usr1);
  OK("read", read(p[0], buf, sizeof buf));

  // eventfd
  uint64_t v = 0;
  VAL("eventfd read", read(ev2, &v, 8));
  SAY("eventfd value %llu", (unsigned long long)v);
  ERR("eventfd read empty", read(ev2, &v, 8));
  ERR("eventfd short read", read(ev2, &v, 4));
  v = 5;
  VAL("eventfd write", write(ev2, &v, 8));
  ERR("eventfd2 bad flags", syscall(SYS_eventfd2, 0, 0x1234));
  int sem = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
  read(sem, &v, 8);
  SAY("semaphore read %llu", (unsigned long long)v);

  // signalfd: the guest's own signals
  sigset_t two;
  sigemptyset(&two);
  sigaddset(&two, SIGUSR1);
  sigaddset(&two, SIGUSR2);
  sigprocmask(SIG_BLOCK, &two, NULL);
  int sfd = signalfd(-1, &two, SFD_NONBLOCK | SFD_CLOEXEC);
  OK("signalfd", sfd);
  struct signalfd_siginfo si[2];
  ERR("signalfd empty", read(sfd, si, sizeof si));
  ERR("signalfd small buffer", read(sfd, si, 8));
  struct pollfd sp = {sfd, POLLIN, 0};
  VAL("signalfd poll idle", poll(&sp, 1, 0));
  kill(getpid(), SIGUSR2);
  union sigval sv = {.sival_int = 1234};
  sigqueue(getpid(), SIGUSR1, sv);
  VAL("signalfd poll ready", poll(&sp, 1, 1000));
  VAL("signalfd read", read(sfd, si, sizeof si));
  SAY("ssi %u code %d int %d pid_ok %d / %u", si[0].ssi_signo, si[0].ssi_code, si[0].ssi_int,
      si[0].ssi_pid == (uint32_t)getpid(), si[1].ssi_signo);
  VAL("signalfd poll drained", poll(&sp, 1, 0));
  int ep2 = epoll_create1(0);
  ev.events = EPOLLIN;
  ev.data.u64 = 7;
  OK("epoll add signalfd", epoll_ctl(ep2, EPOLL_CTL_ADD, sfd, &ev));
  VAL("epoll signalfd idle", epoll_wait(ep2, out, 4, 0));
  raise(SIGUSR2);
  VAL("epoll signalfd ready", epoll_wait(ep2, out, 4, 1000));
  VAL("signalfd read 1", read(sfd, si, sizeof si));
  SAY("ssi %u code %d", si[0].ssi_signo, si[0].ssi_code);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, SIGUSR1);
  VAL("signalfd change mask", signalfd(sfd, &one, 0) == sfd);
  ERR("signalfd not a signalfd", signalfd(p[0], &one, 0));
  ERR("signalfd EBADF", signalfd(99, &one, 0));
  ERR("signalfd bad flags", signalfd(-1, &one, 0x4000000));
  ERR("signalfd sizemask", syscall(SYS_signalfd4, -1, &one, 4, 0));
  int bsfd = signalfd(-1, &one, 0);
  raise(SIGUSR1);
  VAL("blocking signalfd read", read(bsfd, si, sizeof si));
  SAY("ssi %u", si[0].ssi_signo);

  // timerfd
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  OK("timerfd_create", tfd);
  ERR("timerfd_create bad clock", timerfd_create(12345, 0));
  ERR("timerfd_create bad flags", timerfd_create(CLOCK_MONOTONIC, 1));
  struct itimerspec its = {{0, 0}, {0, 20000000}}, cur;
  OK("timerfd_settime", timerfd_settime(tfd, 0, &its, NULL));
  OK("timerfd_gettime", timerfd_gettime(tfd, &cur));
  BOOL("timerfd armed", cur.it_value.tv_nsec > 0 || cur.it_value.tv_sec > 0);
  struct pollfd tp = {tfd, POLLIN, 0};
  VAL("timerfd poll", poll(&tp, 1, 2000));
  uint64_t exp = 0;
  VAL("timerfd read", read(tfd, &exp, 8));
  SAY("expirations %llu", (unsigned long long)exp);
  its.it_value.tv_nsec = 2000000000;
  ERR("timerfd_settime EINVAL", timerfd_settime(tfd, 0, &its, NULL));
  ERR("timerfd_settime EFAULT", timerfd_settime(tfd, 0, BAD_PTR, NULL));
  ERR("timerfd_settime not timerfd", timerfd_settime(p[0], 0, &cur, NULL));
  ERR("timerfd_gettime EBADF", timerfd_gettime(88, &cur));

  // FIONBIO
  int on = 1;
  OK("FIONBIO", ioctl(p[0], FIONBIO, &on));
  ERR("read nonblocking", read(p[0], buf, 1));
  BOOL("O_NONBLOCK set", fcntl(p[0], F_GETFL) & O_NONBLOCK);

  epoll_many();
  return 0;
}
