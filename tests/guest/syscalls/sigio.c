// tests/guest/syscalls/sigio.c — signal-driven I/O: O_ASYNC with an owner
// (F_SETOWN, F_SETOWN_EX, a process group; set by fcntl or FIOASYNC) sends SIGIO when input arrives on
// a pipe or a socket; F_SETSIG picks the signal and fills si_code POLL_IN,
// si_fd and si_band; no owner, or O_ASYNC cleared, sends nothing. Same
// lines natively and under hart-run.
#include "sc.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

static volatile int got, got_code, got_fd;
static volatile long got_band;

static void on_sig(int sig, siginfo_t* si, void* ctx) {
  (void)sig;
  (void)ctx;
  got++;
  got_code = si->si_code;
  got_fd = si->si_fd;
  got_band = si->si_band;
}

// Writes to w with the signals blocked, then waits for one (5 s at most):
// whether a signal came, without depending on how soon.
static int wait_signal(int w, int sig) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, sig);
  sigprocmask(SIG_BLOCK, &block, &old);
  got = 0;
  if (write(w, "x", 1) != 1) return -1;
  struct timespec t = {5, 0};
  siginfo_t si;
  int r = sigtimedwait(&block, &si, &t);
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (r == sig) {
    got = 1;
    got_code = si.si_code;
    got_fd = si.si_fd;
    got_band = si.si_band;
  }
  return r == sig;
}

// Writes with the signal blocked and checks that none is pending 200 ms on.
static int stays_quiet(int w, int sig) {
  sigset_t block, old, pend;
  sigemptyset(&block);
  sigaddset(&block, sig);
  sigprocmask(SIG_BLOCK, &block, &old);
  if (write(w, "x", 1) != 1) return -1;
  usleep(200000);
  sigpending(&pend);
  int quiet = !sigismember(&pend, sig);
  if (!quiet) {
    siginfo_t si;
    struct timespec z = {0, 0};
    sigtimedwait(&block, &si, &z);
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  return quiet;
}

static void drain(int r) {
  char buf[64];
  while (read(r, buf, sizeof buf) > 0) {
  }
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sig;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGIO, &sa, NULL);
  sigaction(SIGRTMIN + 1, &sa, NULL);

  int p[2];
  if (pipe2(p, O_NONBLOCK) != 0) return 1;
  OK("F_SETFL O_ASYNC without owner", fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK));
  SAY("no owner: quiet %d", stays_quiet(p[1], SIGIO));
  drain(p[0]);
  OK("F_SETOWN self", fcntl(p[0], F_SETOWN, getpid()));
  int came = wait_signal(p[1], SIGIO);  // (before reading what it stored)
  SAY("pipe input: SIGIO %d code %s", came, got_code == SI_KERNEL ? "SI_KERNEL" : "other");
  drain(p[0]);
  SAY("second input: SIGIO %d", wait_signal(p[1], SIGIO));
  drain(p[0]);
  OK("F_SETSIG SIGRTMIN+1", fcntl(p[0], F_SETSIG, SIGRTMIN + 1));
  came = wait_signal(p[1], SIGRTMIN + 1);
  SAY("F_SETSIG: signal %d code %s fd ok %d band %#lx", came, got_code == POLL_IN ? "POLL_IN" : "other",
      got_fd == p[0], got_band);
  drain(p[0]);
  OK("F_SETFL without O_ASYNC", fcntl(p[0], F_SETFL, O_NONBLOCK));
  SAY("O_ASYNC cleared: quiet %d", stays_quiet(p[1], SIGRTMIN + 1));
  drain(p[0]);

  // A socket, its owner given as a process group (F_SETOWN -pgid) and with
  // F_SETOWN_EX (F_OWNER_PID).
  int s[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s) != 0) return 1;
  setpgid(0, 0);
  OK("F_SETOWN -pgrp", fcntl(s[0], F_SETOWN, -getpgrp()));
  VAL("F_GETOWN is -pgrp", fcntl(s[0], F_GETOWN) == -getpgrp());
  OK("socket O_ASYNC", fcntl(s[0], F_SETFL, O_ASYNC | O_NONBLOCK));
  SAY("socket input, group owner: SIGIO %d", wait_signal(s[1], SIGIO));
  drain(s[0]);
  struct f_owner_ex ex = {F_OWNER_PID, getpid()};
  OK("F_SETOWN_EX pid", fcntl(s[0], F_SETOWN_EX, &ex));
  SAY("socket input, F_SETOWN_EX: SIGIO %d", wait_signal(s[1], SIGIO));
  drain(s[0]);
  // FIOASYNC is O_ASYNC by ioctl.
  int off = 0, on = 1;
  OK("FIOASYNC off", ioctl(s[0], FIOASYNC, &off));
  SAY("FIOASYNC off: quiet %d", stays_quiet(s[1], SIGIO));
  drain(s[0]);
  OK("FIOASYNC on", ioctl(s[0], FIOASYNC, &on));
  SAY("FIOASYNC on: SIGIO %d", wait_signal(s[1], SIGIO));
  drain(s[0]);
  ex.pid = 0;
  OK("F_SETOWN_EX none", fcntl(s[0], F_SETOWN_EX, &ex));
  SAY("owner removed: quiet %d", stays_quiet(s[1], SIGIO));
  return 0;
}
