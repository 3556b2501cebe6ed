// tests/guest/syscalls/sigedges.c — signal edges programs meet less often:
// a signalfd is never writable (poll, select and epoll report only POLLIN,
// even when asked for POLLOUT: a level-triggered EPOLLIN|EPOLLOUT must not
// spin); a SIGCHLD handler set with SA_NOCLDWAIT still runs (the child is
// reaped at once: waitpid is ECHILD), SIG_IGN sends nothing; and
// rt_sigqueueinfo/rt_tgsigqueueinfo refuse (EPERM) to pass a signal off as
// the kernel's or kill's (si_code >= 0, SI_TKILL) to another task, but
// allow it to the caller's own tid.
#include "sc.h"

#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static volatile sig_atomic_t chld_calls, chld_code;
static void on_chld(int s, siginfo_t* si, void* u) {
  (void)s;
  (void)u;
  chld_calls++;
  chld_code = si->si_code;
}
static volatile sig_atomic_t usr2_calls;
static void on_usr2(int s) {
  (void)s;
  usr2_calls++;
}

int main(void) {
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  sigprocmask(SIG_BLOCK, &m, NULL);
  int s = signalfd(-1, &m, SFD_NONBLOCK);
  struct pollfd p = {s, POLLIN | POLLOUT, 0};
  VAL("poll signalfd for in|out, nothing pending", poll(&p, 1, 0));
  SAY("  revents %#x", p.revents);
  fd_set rd, wr;
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_SET(s, &rd);
  FD_SET(s, &wr);
  struct timeval tv = {0, 0};
  VAL("select signalfd for reading and writing", select(s + 1, &rd, &wr, NULL, &tv));
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT};
  OK("epoll_ctl add signalfd, EPOLLIN|EPOLLOUT", epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
  VAL("epoll_wait, nothing pending", epoll_wait(ep, &ev, 1, 0));
  raise(SIGUSR1);
  p.revents = 0;
  VAL("poll signalfd, SIGUSR1 pending", poll(&p, 1, 0));
  SAY("  revents %#x", p.revents);
  ev.events = 0;
  VAL("epoll_wait, SIGUSR1 pending", epoll_wait(ep, &ev, 1, 0));
  SAY("  events %#x", ev.events);
  struct signalfd_siginfo si;
  VAL("read signalfd", read(s, &si, sizeof si));

  struct sigaction sa = {0};
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_NOCLDWAIT | SA_SIGINFO;
  sigaction(SIGCHLD, &sa, NULL);
  pid_t c = fork();
  if (c == 0) _exit(3);
  for (int i = 0; i < 2000 && !chld_calls; ++i) usleep(1000);  // (no pause: the signal may come first)
  int st;
  ERR("waitpid after SA_NOCLDWAIT", waitpid(c, &st, 0));
  SAY("SIGCHLD handler calls %d, CLD_EXITED %s", (int)chld_calls, chld_code == CLD_EXITED ? "yes" : "no");
  signal(SIGCHLD, SIG_IGN);
  c = fork();
  if (c == 0) _exit(4);
  ERR("waitpid with SIGCHLD ignored (blocks until reaped)", waitpid(c, &st, 0));
  SAY("SIGCHLD handler calls %d", (int)chld_calls);

  signal(SIGUSR2, on_usr2);
  c = fork();
  if (c == 0) {
    signal(SIGUSR2, SIG_IGN);
    for (;;) pause();
  }
  static const struct {
    const char* name;
    int code;
  } kCodes[] = {{"SI_USER", SI_USER}, {"SI_KERNEL", SI_KERNEL}, {"SI_TKILL", SI_TKILL}, {"SI_QUEUE", SI_QUEUE}};
  for (size_t i = 0; i < sizeof kCodes / sizeof kCodes[0]; ++i) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    info.si_signo = SIGUSR2;
    info.si_code = kCodes[i].code;
    char label[96];
    snprintf(label, sizeof label, "rt_sigqueueinfo %s to a child", kCodes[i].name);
    OK(label, syscall(SYS_rt_sigqueueinfo, c, SIGUSR2, &info));
    snprintf(label, sizeof label, "rt_tgsigqueueinfo %s to a child", kCodes[i].name);
    OK(label, syscall(SYS_rt_tgsigqueueinfo, c, c, SIGUSR2, &info));
    snprintf(label, sizeof label, "rt_sigqueueinfo %s to itself", kCodes[i].name);
    OK(label, syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR2, &info));
  }
  SAY("SIGUSR2 handler calls %d", (int)usr2_calls);
  kill(c, SIGKILL);
  return 0;
}
