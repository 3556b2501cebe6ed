// tests/guest/syscalls/jobctl.c — stop and continue (job control signals):
// SIGSTOP/SIGTSTP stop every thread of a process until SIGCONT; the parent
// sees it through wait4(WUNTRACED/WCONTINUED), waitid(WSTOPPED/WCONTINUED,
// WNOWAIT) and SIGCHLD (CLD_STOPPED/CLD_CONTINUED, not with SA_NOCLDSTOP);
// a blocking read of a stopped process completes once it is continued;
// SIGKILL ends a stopped process; a SIGTSTP handler or SIG_IGN means no
// stop; SIGTSTP does not stop a process of an orphaned group; SIGCONT's
// handler runs after the continue; wait4(0) and wait4(-pgid) pick by group.
// Everything runs in a new session (setsid), so that which groups are
// orphaned does not depend on how the test itself was started.
#include "sc.h"  // first: it defines _GNU_SOURCE

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t chld_code, chld_status, chld_count;

static void on_chld(int sig, siginfo_t* si, void* uc) {
  (void)sig;
  (void)uc;
  chld_code = si->si_code;
  chld_status = si->si_status;
  chld_count++;
}

static const char* describe(int st) {
  static char buf[64];
  if (WIFSTOPPED(st)) snprintf(buf, sizeof buf, "stopped by %d", WSTOPSIG(st));
  else if (WIFCONTINUED(st)) snprintf(buf, sizeof buf, "continued");
  else if (WIFSIGNALED(st)) snprintf(buf, sizeof buf, "killed by %d", WTERMSIG(st));
  else snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(st));
  return buf;
}

static void report(const char* label, pid_t pid, int options) {
  int st = 0;
  pid_t r = waitpid(pid, &st, options);
  if (r < 0) printf("%s: %s\n", label, sc_errname(errno));
  else if (r == 0) printf("%s: nothing\n", label);
  else printf("%s: %s\n", label, describe(st));
  fflush(stdout);
}

static pid_t spawn_pauser(int own_group) {
  pid_t pid = fork();
  if (pid == 0) {
    if (own_group) setpgid(0, 0);
    for (;;) pause();
  }
  if (own_group) setpgid(pid, pid);
  return pid;
}

static atomic_long* counter;
static void* spin(void* arg) {
  (void)arg;
  for (;;) atomic_fetch_add(counter, 1);
  return NULL;
}

static int cont_pipe[2];
static void on_cont(int sig) {
  (void)sig;
  (void)!write(cont_pipe[1], "C", 1);
}

static void session(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);

  // 1. SIGSTOP / SIGCONT: wait4 and SIGCHLD see both.
  pid_t a = spawn_pauser(1);
  usleep(50000);
  kill(a, SIGSTOP);
  report("stop: wait4 WUNTRACED", a, WUNTRACED);
  printf("stop: SIGCHLD code %d status %d\n", (int)chld_code, (int)chld_status);
  report("stop: reported once", a, WUNTRACED | WNOHANG);
  report("stop: wait4 without WUNTRACED", a, WNOHANG);
  kill(a, SIGCONT);
  report("cont: wait4 WCONTINUED", a, WCONTINUED);
  usleep(50000);  // the parent hears of the continue once the child runs
  printf("cont: SIGCHLD code %d status %d\n", (int)chld_code, (int)chld_status);
  kill(a, SIGCONT);  // not stopped: nothing to report
  report("cont again: WCONTINUED|WNOHANG", a, WCONTINUED | WNOHANG);
  kill(a, SIGTERM);
  report("term", a, 0);

  // 2. SIGTSTP: stops a process whose group is not orphaned; a handler or
  //    SIG_IGN means no stop; in an orphaned group it is discarded.
  pid_t b = spawn_pauser(1);
  usleep(50000);
  kill(b, SIGTSTP);
  report("tstp: own group", b, WUNTRACED);
  kill(b, SIGKILL);
  report("kill while stopped", b, 0);
  pid_t orphan = spawn_pauser(0);  // in the session leader's group: orphaned
  usleep(50000);
  kill(orphan, SIGTSTP);
  usleep(100000);
  report("tstp: orphaned group", orphan, WUNTRACED | WNOHANG);
  kill(orphan, SIGSTOP);  // SIGSTOP always stops
  report("stop: orphaned group", orphan, WUNTRACED);
  kill(orphan, SIGKILL);
  report("kill", orphan, 0);
  pid_t h = fork();
  if (h == 0) {
    setpgid(0, 0);
    signal(SIGTSTP, SIG_IGN);
    for (int i = 0; i < 20; i++) usleep(10000);
    _exit(7);
  }
  setpgid(h, h);
  usleep(30000);
  kill(h, SIGTSTP);
  report("tstp: ignored", h, WUNTRACED);

  // 3. All threads stop: a 3-thread process's counter does not move while stopped.
  counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid_t c = fork();
  if (c == 0) {
    pthread_t t1, t2;
    pthread_create(&t1, NULL, spin, NULL);
    pthread_create(&t2, NULL, spin, NULL);
    spin(NULL);
  }
  usleep(100000);
  kill(c, SIGSTOP);
  report("threads: stopped", c, WUNTRACED);
  long n1 = atomic_load(counter);
  usleep(150000);
  long n2 = atomic_load(counter);
  printf("threads: counter frozen: %s\n", n1 == n2 ? "yes" : "no");
  kill(c, SIGCONT);
  report("threads: continued", c, WCONTINUED);
  for (int i = 0; i < 500 && atomic_load(counter) == n2; i++) usleep(10000);  // a loaded machine is slow
  printf("threads: counter moves again: %s\n", atomic_load(counter) > n2 ? "yes" : "no");
  kill(c, SIGKILL);
  report("threads: killed", c, 0);

  // 4. A blocking read of a stopped process completes once it is continued;
  //    its SIGCONT handler runs.
  int in[2], out[2];
  pipe(in);
  pipe(out);
  pipe(cont_pipe);
  pid_t d = fork();
  if (d == 0) {
    signal(SIGCONT, on_cont);
    char ch;
    ssize_t n = read(in[0], &ch, 1);  // restarted after the stop (no handler for SIGSTOP)
    char msg[2] = {n == 1 ? ch : '?', '\n'};
    write(out[1], msg, 2);
    read(in[0], &ch, 1);  // exits when told to
    _exit(0);
  }
  usleep(50000);
  kill(d, SIGSTOP);
  report("read: stopped", d, WUNTRACED);
  write(in[1], "x", 1);
  usleep(100000);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  char buf[8];
  ssize_t got = read(out[0], buf, sizeof buf);
  printf("read: while stopped: %s\n", got < 0 ? sc_errname(errno) : "data");
  kill(d, SIGCONT);
  fcntl(out[0], F_SETFL, 0);
  got = read(out[0], buf, sizeof buf);
  printf("read: after continue: %.*s", (int)(got > 0 ? got : 0), buf);
  got = read(cont_pipe[0], buf, 1);
  printf("read: SIGCONT handler ran: %s\n", got == 1 ? "yes" : "no");
  report("read: continued", d, WCONTINUED);
  write(in[1], "y", 1);
  report("read: exit", d, 0);

  // 5. waitid: WSTOPPED with WNOWAIT leaves the event; SA_NOCLDSTOP: no SIGCHLD.
  sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  chld_count = 0;
  pid_t e = spawn_pauser(1);
  usleep(50000);
  kill(e, SIGSTOP);
  siginfo_t si = {0};
  VAL("waitid WSTOPPED|WNOWAIT", waitid(P_PID, e, &si, WSTOPPED | WNOWAIT));
  printf("waitid: code %d status %d\n", si.si_code, si.si_status);
  memset(&si, 0, sizeof si);
  VAL("waitid WSTOPPED", waitid(P_PID, e, &si, WSTOPPED));
  printf("waitid: code %d status %d\n", si.si_code, si.si_status);
  memset(&si, 0, sizeof si);
  VAL("waitid WSTOPPED|WNOHANG", waitid(P_PID, e, &si, WSTOPPED | WNOHANG));
  printf("waitid: pid set: %s\n", si.si_pid ? "yes" : "no");
  kill(e, SIGCONT);
  memset(&si, 0, sizeof si);
  VAL("waitid WCONTINUED", waitid(P_PID, e, &si, WCONTINUED));
  printf("waitid: code %d status %d\n", si.si_code, si.si_status);
  usleep(50000);
  printf("SA_NOCLDSTOP: SIGCHLD count %d\n", (int)chld_count);
  kill(e, SIGKILL);
  report("waitid: kill", e, 0);

  // 6. wait4(0) and wait4(-pgid): by process group.
  pid_t f = spawn_pauser(1);  // its own group
  pid_t g = spawn_pauser(0);  // the caller's group
  usleep(50000);
  kill(f, SIGSTOP);
  kill(g, SIGSTOP);
  usleep(50000);
  int st;
  pid_t r = waitpid(0, &st, WUNTRACED);
  printf("wait4(0): %s %s\n", r == g ? "the same-group child" : "another", describe(st));
  r = waitpid(-f, &st, WUNTRACED);
  printf("wait4(-pgid): %s %s\n", r == f ? "that group's child" : "another", describe(st));
  kill(f, SIGKILL);
  kill(g, SIGKILL);
  report("group: f", f, 0);
  report("group: g", g, 0);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t s = fork();
  if (s == 0) {
    if (setsid() < 0) _exit(99);
    session();
    _exit(0);
  }
  int st;
  waitpid(s, &st, 0);
  printf("session: %s\n", describe(st));
  return 0;
}
