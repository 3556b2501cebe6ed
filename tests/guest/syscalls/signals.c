// tests/guest/syscalls/signals.c — signals: sigaction (flags read back),
// masks, pending, raise/kill/tgkill/sigqueue with siginfo, sigtimedwait,
// sigsuspend, SA_RESTART vs EINTR on a blocking read, SA_RESETHAND,
// SA_NODEFER, sigaltstack, and the errno of bad arguments.
#include "sc.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>

static volatile int hits, depth, maxdepth, on_alt, last_code, last_val;
static char altstack[65536];

static void h(int s, siginfo_t* si, void* uc) {
  (void)s;
  (void)uc;
  hits++;
  last_code = si->si_code;
  last_val = si->si_value.sival_int;
  char here;
  on_alt = &here >= altstack && &here < altstack + sizeof altstack;
}
static void nested(int s) {
  depth++;
  if (depth > maxdepth) maxdepth = depth;
  if (depth < 3) raise(s);
  depth--;
}
static void plain(int s) { (void)s; hits++; }

int main(void) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = h;
  sa.sa_flags = SA_SIGINFO;
  OK("sigaction", sigaction(SIGUSR1, &sa, &old));
  BOOL("old was SIG_DFL", old.sa_handler == SIG_DFL);
  ERR("sigaction SIGKILL", sigaction(SIGKILL, &sa, NULL));
  ERR("sigaction 0", sigaction(0, &sa, NULL));
  ERR("sigaction 65", syscall(SYS_rt_sigaction, 65, NULL, NULL, 8));
  ERR("sigaction sigsetsize", syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4));
  ERR("sigaction EFAULT", syscall(SYS_rt_sigaction, SIGUSR1, BAD_PTR, NULL, 8));
  sigaction(SIGUSR1, NULL, &old);
  BOOL("flags read back SA_SIGINFO", old.sa_flags & SA_SIGINFO);
  OK("raise", raise(SIGUSR1));
  SAY("hits %d code SI_TKILL %d", hits, last_code == SI_TKILL);
  OK("kill", kill(getpid(), SIGUSR1));
  SAY("hits %d code SI_USER %d", hits, last_code == SI_USER);
  union sigval v = {.sival_int = 99};
  OK("sigqueue", sigqueue(getpid(), SIGUSR1, v));
  SAY("hits %d code SI_QUEUE %d value %d", hits, last_code == SI_QUEUE, last_val);
  OK("tgkill", syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1));
  ERR("tgkill ESRCH", syscall(SYS_tgkill, getpid(), 999999, SIGUSR1));
  ERR("tgkill EINVAL", syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 99));

  // masks and pending
  sigset_t set, pend, prev;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  OK("sigprocmask block", sigprocmask(SIG_BLOCK, &set, &prev));
  raise(SIGUSR1);
  raise(SIGUSR1);
  SAY("blocked: hits %d", hits);
  sigpending(&pend);
  BOOL("pending", sigismember(&pend, SIGUSR1));
  ERR("sigprocmask bad how", sigprocmask(99, &set, NULL));
  ERR("rt_sigprocmask sigsetsize", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  SAY("unblocked: hits %d (classic signals do not queue)", hits);
  sigset_t kill_stop;
  sigemptyset(&kill_stop);
  sigaddset(&kill_stop, SIGKILL);
  sigaddset(&kill_stop, SIGSTOP);
  sigprocmask(SIG_BLOCK, &kill_stop, NULL);
  sigprocmask(SIG_SETMASK, NULL, &prev);
  BOOL("SIGKILL not blockable", !sigismember(&prev, SIGKILL));
  // real-time signals queue
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN + 1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  for (int i = 0; i < 3; ++i) {
    v.sival_int = i;
    sigqueue(getpid(), SIGRTMIN + 1, v);
  }
  siginfo_t si;
  struct timespec zero = {0, 0};
  int got = 0, order = 1;
  while (sigtimedwait(&set, &si, &zero) == SIGRTMIN + 1) order &= si.si_value.sival_int == got++;
  SAY("rt queued %d in order %d", got, order);
  ERR("sigtimedwait EAGAIN", sigtimedwait(&set, &si, &zero));
  struct timespec badts = {0, -1};
  ERR("sigtimedwait EINVAL", sigtimedwait(&set, &si, &badts));

  // sigsuspend
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  raise(SIGUSR1);
  sigset_t none;
  sigemptyset(&none);
  int before = hits;
  ERR("sigsuspend", sigsuspend(&none));
  SAY("sigsuspend ran handler %d", hits == before + 1);
  sigprocmask(SIG_SETMASK, NULL, &prev);
  BOOL("mask restored after sigsuspend", sigismember(&prev, SIGUSR1));
  sigprocmask(SIG_UNBLOCK, &set, NULL);

  // SA_RESTART vs EINTR: a read on an empty pipe interrupted by SIGALRM.
  int p[2];
  pipe(p);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = plain;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 0}, {0, 20000}};
  setitimer(ITIMER_REAL, &it, NULL);
  char c;
  ERR("read interrupted (no SA_RESTART)", read(p[0], &c, 1));
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  it.it_value.tv_usec = 20000;
  setitimer(ITIMER_REAL, &it, NULL);
  if (fork() == 0) {
    usleep(100000);
    write(p[1], "z", 1);
    _exit(0);
  }
  VAL("read restarted (SA_RESTART)", read(p[0], &c, 1));

  // SA_RESETHAND / SA_NODEFER
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = nested;
  sa.sa_flags = SA_NODEFER;
  sigaction(SIGUSR2, &sa, NULL);
  raise(SIGUSR2);
  SAY("SA_NODEFER nesting depth %d", maxdepth);
  sa.sa_flags = SA_RESETHAND;
  sa.sa_handler = plain;
  sigaction(SIGUSR2, &sa, NULL);
  raise(SIGUSR2);
  sigaction(SIGUSR2, NULL, &old);
  BOOL("SA_RESETHAND reset to SIG_DFL", old.sa_handler == SIG_DFL);

  // sigaltstack
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0}, oss;
  OK("sigaltstack", sigaltstack(&ss, &oss));
  BOOL("old disabled", oss.ss_flags & SS_DISABLE);
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = h;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  SAY("handler ran on altstack %d", on_alt);
  ss.ss_size = 100;
  ERR("sigaltstack ENOMEM", sigaltstack(&ss, NULL));
  ss.ss_flags = 12345;
  ss.ss_size = sizeof altstack;
  ERR("sigaltstack EINVAL", sigaltstack(&ss, NULL));
  signal(SIGUSR1, SIG_IGN);
  OK("ignored signal", raise(SIGUSR1));
  SAY("done");
  // RLIMIT_SIGPENDING bounds queued real-time signals: sigqueue past it is EAGAIN.
  {
    pid_t c = fork();
    if (c == 0) {
      // Linux counts the user's pending signals machine-wide (status' SigQ
      // shows them): room for 5 more than are pending now.
      long pending = 0;
      FILE* st = fopen("/proc/self/status", "r");
      char line[256];
      while (st && fgets(line, sizeof line, st))
        if (sscanf(line, "SigQ: %ld/", &pending) == 1) break;
      if (st) fclose(st);
      struct rlimit rl = {(rlim_t)pending + 5, (rlim_t)pending + 5};
      setrlimit(RLIMIT_SIGPENDING, &rl);
      sigset_t rt;
      sigemptyset(&rt);
      sigaddset(&rt, SIGRTMIN + 1);
      sigprocmask(SIG_BLOCK, &rt, NULL);
      int ok = 0, err = 0;
      for (int i = 0; i < 8; ++i) {
        union sigval v = {.sival_int = i};
        if (sigqueue(getpid(), SIGRTMIN + 1, v) == 0) ++ok;
        else err = errno;
      }
      // At most 5 of them fit.
      printf("RLIMIT_SIGPENDING 5: queued some, at most 5: %s, then %s\n", ok >= 1 && ok <= 5 ? "yes" : "no",
             sc_errname(err));
      fflush(stdout);
      _exit(0);
    }
    waitpid(c, NULL, 0);
  }
  return 0;
}
