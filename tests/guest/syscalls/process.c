// tests/guest/syscalls/process.c — processes and threads: fork/wait status
// (exit codes, death by signal), waitpid options and errnos, vfork+exec of
// itself, threads (create/join, futex-based mutex, gettid distinct), pid
// relations, rlimits, sched calls, lookups of a zombie child.
#include "sc.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static void* worker(void* arg) {
  for (int i = 0; i < 10000; ++i) {
    pthread_mutex_lock(&mu);
    counter++;
    pthread_mutex_unlock(&mu);
  }
  return (void*)(long)((long)syscall(SYS_gettid) != getpid() + 0 * (long)arg);
}

// Unprivileged: the root parent's limits may be neither read nor set, its
// own may.
static void prlimit_parent(void) {
  struct rlimit r;
  if (sc_parent_root) {
    OK("unprivileged prlimit(root parent) reads", prlimit(getppid(), RLIMIT_NOFILE, NULL, &r));
  } else {
    SAY("unprivileged prlimit(root parent) reads: EPERM");
  }
  OK("unprivileged prlimit(self) reads", prlimit(getpid(), RLIMIT_NOFILE, NULL, &r));
}

int main(int argc, char** argv) {
  if (argc > 1) {  // the exec'd child
    SAY("exec child: argv[1]=%s", argv[1]);
    return 7;
  }
  BOOL("getpid > 0", getpid() > 0);
  BOOL("gettid == getpid", syscall(SYS_gettid) == getpid());
  BOOL("getppid > 0", getppid() > 0);
  {
    // The parent outside (natively the test runner; under hart the init
    // every guest's first process has): it exists (kill(pid, 0) succeeds,
    // or fails with EPERM, never ESRCH), is in a session and a group and
    // has a scheduling class. Its session and group may be 0 natively
    // (a runner started from outside its pid namespace, as `docker exec`
    // does), so only success is asserted, not a positive id.
    pid_t pp = getppid();
    BOOL("kill(getppid(), 0): exists", kill(pp, 0) == 0 || errno == EPERM);
    BOOL("sched_getscheduler(getppid()) >= 0", sched_getscheduler(pp) >= 0);
    struct sched_param sp;
    OK("sched_getparam(getppid())", sched_getparam(pp, &sp));
    BOOL("getsid(getppid()) succeeds", getsid(pp) >= 0);
    BOOL("getpgid(getppid()) succeeds", getpgid(pp) >= 0);
  }
  int status;
  pid_t c = fork();
  if (c == 0) {
    cpu_set_t all, one;  // (ends on one CPU of its own choosing)
    CPU_ZERO(&one);
    if (sched_getaffinity(0, sizeof all, &all) == 0)
      for (int i = 0; i < CPU_SETSIZE; ++i)
        if (CPU_ISSET(i, &all)) {
          CPU_SET(i, &one);
          break;
        }
    sched_setaffinity(0, sizeof one, &one);
    syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 6);  // IOPRIO_WHO_PROCESS self: best-effort 6
    _exit(42);
  }
  {
    // An ended child not yet reaped (a zombie) is still found by pid:
    // signals reach it (and do nothing), its group, session and priority
    // read, setpgid moves it; once reaped, ESRCH.
    siginfo_t si;
    OK("waitid WNOWAIT (the child is a zombie)", waitid(P_PID, c, &si, WEXITED | WNOWAIT));
    OK("kill(zombie, 0)", kill(c, 0));
    OK("kill(zombie, SIGTERM)", kill(c, SIGTERM));
    OK("tgkill(zombie, zombie, 0)", syscall(SYS_tgkill, c, c, 0));
    OK("tgkill(zombie, other tid, 0)", syscall(SYS_tgkill, c, c + 100000, 0));
    OK("tkill(zombie, 0)", syscall(SYS_tkill, c, 0));
    BOOL("getpgid(zombie) is ours", getpgid(c) == getpgrp());
    BOOL("getsid(zombie) is ours", getsid(c) == getsid(0));
    errno = 0;
    getpriority(PRIO_PROCESS, c);
    SAY("getpriority(zombie): %s", errno ? sc_errname(errno) : "ok");
    OK("setpgid(zombie, zombie)", setpgid(c, c));
    struct sched_param zp;
    VAL("sched_getscheduler(zombie)", sched_getscheduler(c));
    OK("sched_getparam(zombie)", sched_getparam(c, &zp));
    zp.sched_priority = 0;
    OK("sched_setscheduler(zombie, SCHED_OTHER)", sched_setscheduler(c, SCHED_OTHER, &zp));
    OK("kill(-zombie's group, 0)", kill(-c, 0));
    struct rlimit zr;
    OK("prlimit(zombie, RLIMIT_NOFILE) reads", prlimit(c, RLIMIT_NOFILE, NULL, &zr));
    OK("sigqueue(zombie, 0)", sigqueue(c, 0, (union sigval){0}));
    OK("sigqueue(zombie, SIGUSR1)", sigqueue(c, SIGUSR1, (union sigval){0}));
    cpu_set_t zs;
    CPU_ZERO(&zs);
    OK("sched_getaffinity(zombie)", sched_getaffinity(c, sizeof zs, &zs));
    BOOL("the zombie's CPUs are the one it chose", CPU_COUNT(&zs) == 1);
    OK("sched_setaffinity(zombie, those CPUs)", sched_setaffinity(c, sizeof zs, &zs));
    // (Its value, and whether ioprio_set may still reach it, vary between
    // kernels: only that it is found.)
    OK("ioprio_get(zombie)", syscall(SYS_ioprio_get, 1, c));
  }
  VAL("waitpid matches", waitpid(c, &status, 0) == c);
  OK("kill(reaped, 0)", kill(c, 0));
  OK("getpgid(reaped)", getpgid(c));
  struct rlimit rr;
  OK("prlimit(reaped)", prlimit(c, RLIMIT_NOFILE, NULL, &rr));
  OK("sigqueue(reaped, 0)", sigqueue(c, 0, (union sigval){0}));
  SAY("exited %d code %d", WIFEXITED(status), WEXITSTATUS(status));
  {
    // prlimit on another process: a live child's limit set from here is
    // what the child reads; an unprivileged process may not read or set a
    // root process's (the parent, when the test runs as root).
    int go[2];
    if (pipe(go) == 0) {
      c = fork();
      if (c == 0) {
        char b;
        struct rlimit r;
        if (read(go[0], &b, 1) != 1 || getrlimit(RLIMIT_NOFILE, &r)) _exit(3);
        _exit(r.rlim_cur == 64 ? 1 : 2);
      }
      struct rlimit r, n;
      OK("prlimit(child, RLIMIT_NOFILE) reads", prlimit(c, RLIMIT_NOFILE, NULL, &r));
      n.rlim_cur = 64;
      n.rlim_max = r.rlim_max;
      OK("prlimit(child, RLIMIT_NOFILE, 64)", prlimit(c, RLIMIT_NOFILE, &n, NULL));
      OK("prlimit(child) reads again", prlimit(c, RLIMIT_NOFILE, NULL, &r));
      VAL("child's soft limit", (long)r.rlim_cur);
      VAL("write go", write(go[1], "x", 1));
      waitpid(c, &status, 0);
      SAY("child saw 64: %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
      close(go[0]);
      close(go[1]);
    }
    OK("prlimit(-1)", prlimit(-1, RLIMIT_NOFILE, NULL, &rr));
    OK("prlimit(0, bad resource)", prlimit(0, 99, NULL, &rr));
    sc_unprivileged(prlimit_parent);
  }
  c = fork();
  if (c == 0) {
    BOOL("child ppid is parent", getppid() != getpid());
    raise(SIGKILL);
    _exit(0);
  }
  waitpid(c, &status, 0);
  SAY("signaled %d sig %d", WIFSIGNALED(status), WTERMSIG(status));
  c = fork();
  if (c == 0) {
    *(volatile int*)BAD_PTR = 1;
    _exit(0);
  }
  waitpid(c, &status, 0);
  SAY("segv child: signaled %d sig %d", WIFSIGNALED(status), WTERMSIG(status));
  ERR("waitpid ECHILD", waitpid(-1, &status, 0));
  ERR("waitpid WNOHANG none", waitpid(-1, &status, WNOHANG));
  c = fork();
  if (c == 0) {
    usleep(50000);
    _exit(3);
  }
  VAL("waitpid WNOHANG running", waitpid(c, &status, WNOHANG));
  siginfo_t si;
  memset(&si, 0, sizeof si);
  OK("waitid", waitid(P_PID, c, &si, WEXITED));
  SAY("waitid code CLD_EXITED %d status %d pid ok %d", si.si_code == CLD_EXITED, si.si_status, si.si_pid == c);
  ERR("waitid EINVAL", waitid(P_PID, c, &si, 0));
  ERR("wait4 EFAULT", wait4(-1, BAD_PTR, WNOHANG, NULL) == 0 ? (errno = ECHILD, -1) : -1);

  // vfork + exec of this program
  c = vfork();
  if (c == 0) {
    char* args[] = {argv[0], "hi", NULL};
    execv("/proc/self/exe", args);
    _exit(127);
  }
  waitpid(c, &status, 0);
  SAY("exec child status %d", WEXITSTATUS(status));
  c = fork();
  if (c == 0) {
    char* args[] = {"/nonexistent", NULL};
    execv(args[0], args);
    _exit(errno == ENOENT ? 5 : 6);
  }
  waitpid(c, &status, 0);
  SAY("exec ENOENT child status %d", WEXITSTATUS(status));

  // threads
  pthread_t t[4];
  for (int i = 0; i < 4; ++i) pthread_create(&t[i], NULL, worker, NULL);
  int distinct = 1;
  for (int i = 0; i < 4; ++i) {
    void* r;
    pthread_join(t[i], &r);
    distinct &= r != NULL;
  }
  SAY("counter %ld, thread tids distinct %d", counter, distinct);

  // limits and scheduling
  struct rlimit rl;
  OK("getrlimit NOFILE", getrlimit(RLIMIT_NOFILE, &rl));
  BOOL("cur <= max", rl.rlim_cur <= rl.rlim_max);
  struct rlimit low = {64, rl.rlim_max};
  OK("setrlimit NOFILE", setrlimit(RLIMIT_NOFILE, &low));
  ERR("dup2 beyond limit", dup2(0, 100));
  struct rlimit bad = {10, 5};
  ERR("setrlimit cur > max", setrlimit(RLIMIT_NOFILE, &bad));
  ERR("getrlimit EINVAL", getrlimit(99, &rl));
  ERR("getrlimit EFAULT", getrlimit(RLIMIT_NOFILE, BAD_PTR));
  cpu_set_t cs;
  OK("sched_getaffinity", sched_getaffinity(0, sizeof cs, &cs));
  BOOL("at least one cpu", CPU_COUNT(&cs) >= 1);
  OK("sched_yield", sched_yield());
  VAL("sched_getscheduler", sched_getscheduler(0));
  ERR("kill ESRCH", kill(999999, 0));
  OK("kill self 0", kill(getpid(), 0));
  ERR("kill EINVAL", kill(getpid(), 1000));
  // execve of a file open for writing: ETXTBSY (Linux's deny_write_access).
  {
    char path[] = "/tmp/hart-txtbsy-XXXXXX";
    int w = mkstemp(path);
    int self = open("/proc/self/exe", O_RDONLY);
    char buf[65536];
    ssize_t n;
    while ((n = read(self, buf, sizeof buf)) > 0) write(w, buf, n);
    close(self);
    fchmod(w, 0755);
    pid_t k = fork();
    if (k == 0) {
      char* args[] = {path, "txtbsy", NULL};
      execv(path, args);
      printf("execve of a file open for writing: %s\n", sc_errname(errno));
      fflush(stdout);
      _exit(0);
    }
    waitpid(k, &status, 0);
    close(w);
    k = fork();
    if (k == 0) {
      char* args[] = {path, "closed", NULL};
      execv(path, args);
      _exit(99);
    }
    waitpid(k, &status, 0);
    SAY("after close: exec exit %d", WEXITSTATUS(status));
    unlink(path);
  }
  return 0;
}
