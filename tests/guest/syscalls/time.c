// tests/guest/syscalls/time.c — clocks (all ids, CPU clocks of the process
// and of threads), clock_getres, nanosleep, POSIX timers (SIGEV_SIGNAL,
// SIGEV_NONE, SIGEV_THREAD_ID), setitimer, times, getrusage.
#include "sc.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>

static volatile int ticks, last_code, last_val;
static void on_timer(int s, siginfo_t* si, void* uc) {
  (void)s;
  (void)uc;
  ticks++;
  last_code = si->si_code;
  last_val = si->si_value.sival_int;
}

static void* spin(void* arg) {
  (void)arg;
  volatile unsigned long x = 0;
  for (unsigned long i = 0; i < 20000000; ++i) x += i;
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (void*)(long)(ts.tv_sec > 0 || ts.tv_nsec > 0);
}

// clock_nanosleep returns the error number itself.
#define NSLEEP(label, expr)                             \
  do {                                                  \
    int e_ = (expr);                                    \
    SAY("%s: %s", label, e_ ? sc_errname(e_) : "ok");   \
  } while (0)

static void on_alarm(int s) { (void)s; }

static volatile int stop_spinning;
static void* spin_until_stopped(void* arg) {
  (void)arg;
  while (!stop_spinning) {
  }
  return NULL;
}

static volatile sig_atomic_t itimer_fired[65];
static void itimer_handler(int sig) { itimer_fired[sig] = 1; }
static volatile int xcpu_pipe = -1;
static void xcpu_handler(int sig) {
  (void)sig;
  write(xcpu_pipe, "x", 1);
}

int main(void) {
  const int ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                     CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
                     CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_TAI, 16, 100};
  for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; ++i) {
    struct timespec ts;
    char l[64];
    snprintf(l, sizeof l, "clock_gettime(%d)", ids[i]);
    OK(l, syscall(SYS_clock_gettime, ids[i], &ts));
    snprintf(l, sizeof l, "clock_getres(%d)", ids[i]);
    OK(l, syscall(SYS_clock_getres, ids[i], &ts));
  }
  ERR("clock_gettime EFAULT", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, BAD_PTR));
  OK("clock_getres NULL", syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec d = {0, 20000000};
  OK("nanosleep", nanosleep(&d, NULL));
  clock_gettime(CLOCK_MONOTONIC, &b);
  BOOL("monotonic advanced 20ms", (b.tv_sec - a.tv_sec) * 1000000000L + b.tv_nsec - a.tv_nsec >= 20000000);
  d.tv_nsec = 1000000000;
  ERR("nanosleep EINVAL", nanosleep(&d, NULL));
  ERR("nanosleep EFAULT", nanosleep(BAD_PTR, NULL));

  // CPU clocks
  pthread_t t;
  pthread_create(&t, NULL, spin, NULL);
  clockid_t tc;
  OK("pthread_getcpuclockid", pthread_getcpuclockid(t, &tc));
  void* res;
  pthread_join(t, &res);
  BOOL("thread saw its cpu time", res != NULL);
  struct timespec pc;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &pc);
  BOOL("process cpu includes thread", pc.tv_sec > 0 || pc.tv_nsec > 1000000);
  clockid_t myc;
  OK("clock_getcpuclockid", clock_getcpuclockid(0, &myc));
  OK("clock_gettime(own cpu clock)", clock_gettime(myc, &pc));
  OK("clock_gettime(self thread clock)", clock_gettime(CLOCK_THREAD_CPUTIME_ID, &pc));

  // POSIX timers
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_timer;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGRTMIN, &sa, NULL);
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGRTMIN;
  ev.sigev_value.sival_int = 77;
  timer_t tm;
  OK("timer_create", timer_create(CLOCK_MONOTONIC, &ev, &tm));
  struct itimerspec its = {{0, 10000000}, {0, 10000000}}, cur;
  OK("timer_settime", timer_settime(tm, 0, &its, NULL));
  while (ticks < 3) pause();
  SAY("ticks >= 3, code SI_TIMER %d, value %d", last_code == SI_TIMER, last_val);
  OK("timer_gettime", timer_gettime(tm, &cur));
  BOOL("interval kept", cur.it_interval.tv_nsec == 10000000);
  VAL("timer_getoverrun", timer_getoverrun(tm) >= 0 ? 0 : -1);
  memset(&its, 0, sizeof its);
  OK("timer disarm", timer_settime(tm, 0, &its, &cur));
  OK("timer_gettime disarmed", timer_gettime(tm, &cur));
  BOOL("disarmed", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
  OK("timer_delete", timer_delete(tm));
  ERR("timer_delete again", syscall(SYS_timer_delete, 0));
  ERR("timer_gettime bad id", syscall(SYS_timer_gettime, 1234, &cur));
  ev.sigev_notify = SIGEV_NONE;
  timer_t tn;
  OK("timer_create SIGEV_NONE", timer_create(CLOCK_REALTIME, &ev, &tn));
  its.it_value.tv_sec = 100;
  OK("timer_settime none", timer_settime(tn, 0, &its, NULL));
  timer_gettime(tn, &cur);
  BOOL("none armed ~100s", cur.it_value.tv_sec >= 98 && cur.it_value.tv_sec <= 100);
  its.it_value.tv_nsec = 1000000000;
  ERR("timer_settime EINVAL", timer_settime(tn, 0, &its, NULL));
  ERR("timer_settime EFAULT", syscall(SYS_timer_settime, 0, 0, BAD_PTR, NULL));
  ev.sigev_notify = 99;
  ERR("timer_create bad notify", timer_create(CLOCK_REALTIME, &ev, &tn));
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = 200;
  ERR("timer_create bad signo", timer_create(CLOCK_REALTIME, &ev, &tn));
  ERR("timer_create bad clock", timer_create(1234, NULL, &tn));
  ERR("timer_create MONOTONIC_RAW (no timers)", timer_create(CLOCK_MONOTONIC_RAW, NULL, &tn));
  ERR("timer_create REALTIME_COARSE (no timers)", timer_create(CLOCK_REALTIME_COARSE, &ev, &tn));
  ERR("timer_create MONOTONIC_COARSE (no timers)", timer_create(CLOCK_MONOTONIC_COARSE, NULL, &tn));
  ERR("timer_create EFAULT", syscall(SYS_timer_create, CLOCK_REALTIME, NULL, BAD_PTR));
  // thread-directed
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = SIGRTMIN;
  ev._sigev_un._tid = (int)syscall(SYS_gettid);
  ticks = 0;
  OK("timer_create THREAD_ID", timer_create(CLOCK_MONOTONIC, &ev, &tn));
  its.it_value.tv_sec = 0;
  its.it_value.tv_nsec = 5000000;
  timer_settime(tn, 0, &its, NULL);
  while (ticks < 1) pause();
  SAY("thread timer fired");
  ev._sigev_un._tid = 1;
  ERR("timer_create bad tid", timer_create(CLOCK_MONOTONIC, &ev, &tn));

  // setitimer
  signal(SIGALRM, SIG_IGN);
  struct itimerval iv = {{0, 0}, {5, 0}}, ov;
  OK("setitimer", setitimer(ITIMER_REAL, &iv, NULL));
  OK("getitimer", getitimer(ITIMER_REAL, &ov));
  BOOL("itimer armed", ov.it_value.tv_sec >= 4);
  memset(&iv, 0, sizeof iv);
  setitimer(ITIMER_REAL, &iv, NULL);
  ERR("getitimer EINVAL", getitimer(7, &ov));

  struct tms tt;
  OK("times", times(&tt));
  struct rusage ru;
  OK("getrusage self", getrusage(RUSAGE_SELF, &ru));
  BOOL("rusage cpu > 0", ru.ru_utime.tv_sec + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec > 0);
  OK("getrusage children", getrusage(RUSAGE_CHILDREN, &ru));
  OK("getrusage thread", getrusage(RUSAGE_THREAD, &ru));
  ERR("getrusage EINVAL", getrusage(5, &ru));
  ERR("getrusage EFAULT", getrusage(RUSAGE_SELF, BAD_PTR));
  struct timeval tv;
  OK("gettimeofday", gettimeofday(&tv, NULL));
  BOOL("gettimeofday sane", tv.tv_sec > 1600000000);
  // CPU-time interval timers: SIGVTALRM and SIGPROF after CPU time is spent.
  {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = itimer_handler;
    sigaction(SIGVTALRM, &sa, NULL);
    sigaction(SIGPROF, &sa, NULL);
    for (int which = ITIMER_VIRTUAL; which <= ITIMER_PROF; ++which) {
      int sig = which == ITIMER_VIRTUAL ? SIGVTALRM : SIGPROF;
      struct itimerval it = {{0, 0}, {0, 50000}};
      OK(which == ITIMER_VIRTUAL ? "setitimer VIRTUAL" : "setitimer PROF", setitimer(which, &it, NULL));
      struct itimerval cur;
      getitimer(which, &cur);
      printf("armed: %s\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 ? "yes" : "no");
      struct timespec t0, t1;
      clock_gettime(CLOCK_MONOTONIC, &t0);
      volatile unsigned long spin = 0;
      do {
        for (int i = 0; i < 100000; ++i) spin += i;
        clock_gettime(CLOCK_MONOTONIC, &t1);
      } while (!itimer_fired[sig] && t1.tv_sec - t0.tv_sec < 10);
      printf("%s after CPU time: %s\n", sig == SIGVTALRM ? "SIGVTALRM" : "SIGPROF", itimer_fired[sig] ? "yes" : "no");
      getitimer(which, &cur);
      printf("disarmed after one shot: %s\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0 ? "yes" : "no");
    }
    struct itimerval big = {{1, 0}, {100, 0}}, old;
    setitimer(ITIMER_PROF, &big, NULL);
    struct itimerval none = {{0, 0}, {0, 0}};
    OK("setitimer PROF disarm", setitimer(ITIMER_PROF, &none, &old));
    printf("old value about 100 s: %s, interval 1 s: %s\n", old.it_value.tv_sec >= 99 ? "yes" : "no",
           old.it_interval.tv_sec == 1 ? "yes" : "no");
    ERR("setitimer bad which", setitimer(3, &none, NULL));
    ERR("getitimer bad which", getitimer(3, &old));
  }
  // RLIMIT_CPU: SIGXCPU at the soft limit, SIGKILL at the hard one.
  {
    int pfd[2];
    pipe(pfd);
    pid_t c = fork();
    if (c == 0) {
      close(pfd[0]);
      xcpu_pipe = pfd[1];
      signal(SIGXCPU, xcpu_handler);
      struct rlimit rl = {1, 2};
      setrlimit(RLIMIT_CPU, &rl);
      volatile unsigned long spin = 0;
      for (;;) spin++;
    }
    close(pfd[1]);
    int status = 0;
    waitpid(c, &status, 0);
    char b[16];
    ssize_t n = read(pfd[0], b, sizeof b);
    printf("RLIMIT_CPU: SIGXCPU: %s, then killed by SIGKILL: %s\n", n > 0 ? "yes" : "no",
           WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? "yes" : "no");
    close(pfd[0]);
  }
  // Setting clocks: only CLOCK_REALTIME is settable (not tried here: CI may
  // run as root with CAP_SYS_TIME); reading the kernel clock state is free.
  {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    ERR("clock_settime CLOCK_MONOTONIC", clock_settime(CLOCK_MONOTONIC, &now));
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    int r = adjtimex(&tx);
    printf("adjtimex query: %s\n", r >= 0 && r <= 5 ? "a clock state" : sc_errname(errno));
  }
  // clock_nanosleep on the process's CPU clock (the sum of its threads'):
  // an absolute deadline passed returns at once, a relative one once the
  // threads ran that long; a thread's CPU clock is EINVAL.
  {
    struct timespec zero = {0, 0}, t0, t1, d = {0, 30000000};
    NSLEEP("clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, abs 0)",
           clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, TIMER_ABSTIME, &zero, NULL));
    pthread_t spinner;
    pthread_create(&spinner, NULL, spin_until_stopped, NULL);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    NSLEEP("clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 30 ms) beside a spinning thread",
           clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &d, NULL));
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    stop_spinning = 1;
    pthread_join(spinner, NULL);
    long long ran = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    BOOL("  the process ran at least 30 ms of CPU meanwhile", ran >= 30000000);
    clockid_t own;
    pthread_getcpuclockid(pthread_self(), &own);
    NSLEEP("clock_nanosleep(a thread's CPU clock)", clock_nanosleep(own, 0, &d, NULL));
    NSLEEP("clock_nanosleep(CLOCK_THREAD_CPUTIME_ID)", clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &d, NULL));
    // A sleep past 2^64 ns never ends (a signal ends it: EINTR from the
    // handler of an alarm), it is not wrapped round to a short one: this
    // many seconds are 2^64 * 513 + 20,992 ns.
    struct sigaction alrm = {0};
    alrm.sa_handler = on_alarm;
    sigaction(SIGALRM, &alrm, NULL);
    struct timespec far = {9463179709813, 0};
    ualarm(200000, 0);
    NSLEEP("clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 2^73 ns) until an alarm",
           clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &far, NULL));
    ualarm(200000, 0);
    NSLEEP("clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, abs 2^73 ns) until an alarm",
           clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, TIMER_ABSTIME, &far, NULL));
    struct timespec bad = {0, 1000000000};
    NSLEEP("clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 1e9 ns)",
           clock_nanosleep(CLOCK_PROCESS_CPUTIME_ID, 0, &bad, NULL));
  }
  return 0;
}
