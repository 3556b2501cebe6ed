// tests/guest/syscalls/proctune.c — the per-process settings a program
// reads and writes through /proc/self and prctl are the process's own, with
// Linux's formats, parsing, inheritance and permission rules:
//   - timerslack_ns mirrors PR_GET/SET_TIMERSLACK, takes decimal only, 0
//     restores the default (the creator's slack at fork), a child starts
//     with its parent's; another process's needs CAP_SYS_NICE; no such
//     file in task/<tid>/;
//   - coredump_filter takes any base, keeps 9 bits, is inherited by fork;
//   - loginuid/sessionid: decimal, writable only by the task itself at
//     offset 0, a successful write sets the uid and a new session that a
//     child inherits (whether the write may succeed depends on the machine,
//     so only the consistency of its outcome is printed);
//   - oom_score_adj strips blanks and takes any base;
//   - thread names (comm) are per thread: PR_SET_NAME in a thread renames
//     only it, pthread_setname_np/getname_np on another thread go through
//     /proc/self/task/<tid>/comm, status escapes a newline in Name, stat
//     shows the name as it is, another process may not rename ours;
//   - PR_SET_DUMPABLE 0 is inherited by fork and such a process dumps no
//     core; PR_SET_PDEATHSIG delivers its signal (SI_USER, from the old
//     parent) when the parent exits, and is not inherited by fork; the
//     parent is the thread that forked: its exit sends the signal while
//     the process lives on, and the child stays the process's child.
//   - /proc/self/status has Linux 6.1+'s lines in its order (where uname
//   shows such a kernel; x86's own lines left out of the native run), and
//   its memory lines add up: VmRSS = RssAnon + RssFile + RssShmem, statm's
//   resident is VmRSS, touching fresh memory raises VmRSS, RssAnon and
//   VmHWM by it; Cpus_allowed_list is the sched_getaffinity set.
//   - CPU affinity is per thread: pthread_get/setaffinity_np on another
//   thread, sched_get/setaffinity on a child process, ESRCH for no task;
//   - a thread of another process is a task to name by its tid, as Linux's
//   find_task_by_vpid finds it: sched_*affinity, kill, tkill, getpgid,
//   getpriority, sched_getscheduler;
// Values that depend on the machine (the runner's slack or filter) are only
// compared, never printed.
#include "sc.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

static int put(const char* path, const char* text) {
  int fd = open(path, O_WRONLY);
  if (fd < 0) return -1;
  ssize_t n = write(fd, text, strlen(text));
  int e = errno;
  close(fd);
  errno = e;
  return n < 0 ? -1 : (int)n;
}

static int get(const char* path, char* buf, size_t len) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, len - 1);
  int e = errno;
  close(fd);
  errno = e;
  if (n < 0) return -1;
  buf[n] = 0;
  return (int)n;
}

static unsigned long long get_num(const char* path, int base) {
  char buf[64];
  if (get(path, buf, sizeof buf) < 0) return ~0ull;
  return strtoull(buf, 0, base);
}

// Writes each text to path and prints the outcome and what the file reads then.
static void try_writes(const char* path, const char* const* writes, unsigned n) {
  char buf[64];
  for (unsigned i = 0; i < n; ++i) {
    int r = put(path, writes[i]);
    get(path, buf, sizeof buf);
    buf[strcspn(buf, "\n")] = 0;
    char label[32];
    snprintf(label, sizeof label, "%s", writes[i]);
    label[strcspn(label, "\n")] = 0;
    SAY("%s: write '%s': %s -> %s", strrchr(path, '/') + 1, label, r < 0 ? sc_errname(errno) : "ok", buf);
  }
}

static void timerslack(void) {
  const char* f = "/proc/self/timerslack_ns";
  unsigned long long start = (unsigned long long)prctl(PR_GET_TIMERSLACK);
  BOOL("slack file = prctl", get_num(f, 10) == start);
  OK("set slack by prctl", prctl(PR_SET_TIMERSLACK, 12345));
  VAL("file after prctl", (long)get_num(f, 10));
  OK("write 777", put(f, "777\n"));
  VAL("prctl after write", prctl(PR_GET_TIMERSLACK));
  char buf[64];
  get(f, buf, sizeof buf);
  BOOL("text is 777 and a newline", strcmp(buf, "777\n") == 0);
  OK("write +5", put(f, "+5"));
  VAL("prctl after +5", prctl(PR_GET_TIMERSLACK));
  ERR("write abc", put(f, "abc"));
  ERR("write -1", put(f, "-1"));
  ERR("write 0x10", put(f, "0x10"));
  ERR("write 5 5", put(f, "5 5"));
  ERR("write too big", put(f, "99999999999999999999"));
  ERR("write empty", put(f, ""));
  OK("write 0", put(f, "0"));
  BOOL("0 restores the start value", (unsigned long long)prctl(PR_GET_TIMERSLACK) == start);
  OK("prctl 4242", prctl(PR_SET_TIMERSLACK, 4242));
  OK("prctl 0", prctl(PR_SET_TIMERSLACK, 0));
  BOOL("prctl 0 restores the start value", (unsigned long long)prctl(PR_GET_TIMERSLACK) == start);
  prctl(PR_SET_TIMERSLACK, 4242);
  int sync[2];
  pipe(sync);
  pid_t c = fork();
  if (c == 0) {
    VAL("child inherits", prctl(PR_GET_TIMERSLACK));
    put(f, "0");
    VAL("child's default is its parent's slack", prctl(PR_GET_TIMERSLACK));
    write(sync[1], "x", 1);
    pause();
    _exit(0);
  }
  read(sync[0], buf, 1);
  close(sync[0]);
  close(sync[1]);
  char other[64];
  snprintf(other, sizeof other, "/proc/%d/timerslack_ns", (int)c);
  int r = get(other, buf, sizeof buf);
  // Root (CAP_SYS_NICE) may read and write it; others get EPERM.
  SAY("other's slack read: %s", r < 0 ? sc_errname(errno) : strcmp(buf, "4242\n") == 0 ? "4242" : buf);
  r = put(other, "99");
  SAY("other's slack write: %s", r < 0 ? sc_errname(errno) : "ok");
  kill(c, SIGKILL);
  waitpid(c, 0, 0);
  snprintf(other, sizeof other, "/proc/self/task/%d/timerslack_ns", (int)getpid());
  ERR("task dir has no timerslack_ns", open(other, O_RDONLY));
  prctl(PR_SET_TIMERSLACK, 0);
}

static void coredump_filter(void) {
  const char* f = "/proc/self/coredump_filter";
  char buf[64];
  int n = get(f, buf, sizeof buf);
  int hex = 1;
  for (int i = 0; i < 8; ++i) hex &= (buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f');
  BOOL("filter is 8 hex digits and a newline", n == 9 && hex && buf[8] == '\n');
  const char* writes[] = {"0x7", "017", "0xfff", "35", "0X21\n", "0x", "12x", "-1", "", "0x1ffffffff"};
  try_writes(f, writes, sizeof writes / sizeof *writes);
  put(f, "0x13");
  pid_t c = fork();
  if (c == 0) {
    get(f, buf, sizeof buf);
    SAY("child's filter: %s", buf[0] ? buf : "?");
    _exit(0);
  }
  waitpid(c, 0, 0);
  put(f, "0x33");
}

static void loginuid(void) {
  char buf[64];
  int n = get("/proc/self/loginuid", buf, sizeof buf);
  BOOL("loginuid is a bare number", n > 0 && buf[strspn(buf, "0123456789")] == 0);
  n = get("/proc/self/sessionid", buf, sizeof buf);
  BOOL("sessionid is a bare number", n > 0 && buf[strspn(buf, "0123456789")] == 0);
  // Root may open it for writing (CAP_DAC_OVERRIDE) but not write it.
  ERR("write sessionid", put("/proc/self/sessionid", "5"));
  int fd = open("/proc/self/loginuid", O_WRONLY);
  ERR("write at offset 1", pwrite(fd, "5", 1, 1));
  ERR("write abc", pwrite(fd, "abc", 3, 0));
  ERR("write 0x5", pwrite(fd, "0x5", 3, 0));
  ERR("write too big", pwrite(fd, "4294967296", 10, 0));
  close(fd);
  pid_t parent = getpid();
  pid_t c = fork();
  if (c == 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/loginuid", (int)parent);
    ERR("child writes its parent's loginuid", put(path, "1000"));
    // A write that succeeds sets the uid and a new session (sessionid
    // changes unless the uid is the unset one); one that fails changes
    // nothing. A child inherits both.
    unsigned long long uid0 = get_num("/proc/self/loginuid", 10);
    unsigned long long sid0 = get_num("/proc/self/sessionid", 10);
    int r = put("/proc/self/loginuid", "1234");
    int e = errno;
    unsigned long long uid1 = get_num("/proc/self/loginuid", 10);
    unsigned long long sid1 = get_num("/proc/self/sessionid", 10);
    if (r >= 0) {
      BOOL("write took effect", uid1 == 1234 && sid1 != sid0 && sid1 != 4294967295ull);
    } else {
      BOOL("write took effect", e == EPERM && uid1 == uid0 && sid1 == sid0);
    }
    pid_t g = fork();
    if (g == 0) {
      BOOL("grandchild inherits both", get_num("/proc/self/loginuid", 10) == uid1 &&
                                            get_num("/proc/self/sessionid", 10) == sid1);
      _exit(0);
    }
    waitpid(g, 0, 0);
    _exit(0);
  }
  waitpid(c, 0, 0);
}

static void oom_score_adj(void) {
  const char* f = "/proc/self/oom_score_adj";
  const char* writes[] = {" 5 \n", "0x10", "010", "+7", "1001", "5x", "", "-0x1"};
  try_writes(f, writes, sizeof writes / sizeof *writes);
  put(f, "0");
}

static void dumpable(void) {
  VAL("dumpable", prctl(PR_GET_DUMPABLE));
  ERR("set dumpable 2", prctl(PR_SET_DUMPABLE, 2));
  pid_t c = fork();
  if (c == 0) {
    prctl(PR_SET_DUMPABLE, 0);
    pid_t g = fork();
    if (g == 0) {
      VAL("grandchild's dumpable", prctl(PR_GET_DUMPABLE));
      struct rlimit rl;
      getrlimit(RLIMIT_CORE, &rl);
      rl.rlim_cur = rl.rlim_max;
      setrlimit(RLIMIT_CORE, &rl);
      abort();
    }
    int st = 0;
    waitpid(g, &st, 0);
    SAY("undumpable abort: signal %d, core %s", WIFSIGNALED(st) ? WTERMSIG(st) : 0,
        WCOREDUMP(st) ? "yes" : "no");
    _exit(0);
  }
  waitpid(c, 0, 0);
}

static int pipe_w = -1;
static void on_usr1(int sig, siginfo_t* si, void* ctx) {
  (void)ctx;
  int v[3] = {sig, si->si_code, si->si_pid};
  write(pipe_w, v, sizeof v);
}

// SIGUSR1's signo, si_code and si_pid go to fd.
static void catch_usr1(int fd) {
  pipe_w = fd;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, 0);
}

static void pdeathsig(void) {
  int v = -1;
  OK("get pdeathsig", prctl(PR_GET_PDEATHSIG, &v));
  VAL("pdeathsig", v);
  ERR("set pdeathsig 65", prctl(PR_SET_PDEATHSIG, 65));
  ERR("get pdeathsig to a bad address", prctl(PR_GET_PDEATHSIG, (void*)8));
  // This process reaps the orphan (subreaper); the middle child exits and
  // its child, which asked for SIGUSR1, reports the signal through a pipe.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  int p[2], go[2];
  pipe(p);
  pipe(go);
  pid_t mid = fork();
  if (mid == 0) {
    pid_t g = fork();
    if (g == 0) {
      catch_usr1(p[1]);
      prctl(PR_SET_PDEATHSIG, SIGUSR1);
      int w = -1;
      prctl(PR_GET_PDEATHSIG, &w);
      pid_t gg = fork();
      if (gg == 0) {
        int x = -1;
        prctl(PR_GET_PDEATHSIG, &x);
        _exit(x == 0 ? 0 : 1);
      }
      int st = 0;
      waitpid(gg, &st, 0);
      int ready[3] = {w, WIFEXITED(st) && WEXITSTATUS(st) == 0, (int)getpid()};
      write(go[1], ready, sizeof ready);
      for (int i = 0; i < 100; ++i) sleep(1);  // killed by the test once its signal came
      _exit(0);
    }
    int ready[3];
    read(go[0], ready, sizeof ready);  // the grandchild has its pdeathsig
    SAY("grandchild's pdeathsig %d, its child's cleared: %s", ready[0], ready[1] ? "yes" : "no");
    write(go[1], &ready[2], sizeof ready[2]);  // its pid, for the test to reap it
    _exit(0);
  }
  int st = 0;
  waitpid(mid, &st, 0);
  int orphan = 0;
  read(go[0], &orphan, sizeof orphan);
  alarm(20);
  int got[3] = {0, 0, 0};
  read(p[0], got, sizeof got);
  alarm(0);
  SAY("orphan got signal %d, SI_USER %s, from the old parent %s", got[0],
      got[1] == SI_USER ? "yes" : "no", got[2] == mid ? "yes" : "no");
  // The orphan is ours now (subreaper): end it and reap it.
  kill(orphan, SIGKILL);
  BOOL("orphan reaped by the subreaper", waitpid(orphan, &st, 0) == orphan);
  prctl(PR_SET_CHILD_SUBREAPER, 0);
}

struct forker {
  int p[2], go[2];
  pid_t child;
};

static void* forking_thread(void* arg) {
  struct forker* f = arg;
  pid_t c = fork();
  if (c == 0) {
    catch_usr1(f->p[1]);
    prctl(PR_SET_PDEATHSIG, SIGUSR1);
    char x = 1;
    write(f->go[1], &x, 1);
    for (int i = 0; i < 100; ++i) sleep(1);  // killed by the test once its signal came
    _exit(0);
  }
  f->child = c;
  char x;
  read(f->go[0], &x, 1);  // the child has its pdeathsig
  return 0;
}

static void pdeathsig_thread(void) {
  struct forker f;
  pipe(f.p);
  pipe(f.go);
  pthread_t th;
  pthread_create(&th, 0, forking_thread, &f);
  pthread_join(th, 0);
  alarm(20);
  int got[3] = {0, 0, 0};
  read(f.p[0], got, sizeof got);
  alarm(0);
  SAY("child of an ended thread got signal %d, SI_USER %s, from this process %s", got[0],
      got[1] == SI_USER ? "yes" : "no", got[2] == getpid() ? "yes" : "no");
  kill(f.child, SIGKILL);
  int st = 0;
  BOOL("it is still this process's child", waitpid(f.child, &st, 0) == f.child);
}

static pthread_barrier_t names_barrier;
static pid_t worker_tid;

static void* named_worker(void* arg) {
  (void)arg;
  worker_tid = gettid();
  prctl(PR_SET_NAME, "worker-own");
  pthread_barrier_wait(&names_barrier);
  pthread_barrier_wait(&names_barrier);  // renamed by main meanwhile
  char n[16];
  prctl(PR_GET_NAME, n);
  SAY("worker sees itself as: %s", n);
  return 0;
}

// The Name line of a status file, or its stat's (comm) field.
static void show_name(const char* label, const char* path, int stat_form) {
  char buf[2048];
  if (get(path, buf, sizeof buf) < 0) {
    SAY("%s: %s", label, sc_errname(errno));
    return;
  }
  char* s = stat_form ? strchr(buf, '(') : strstr(buf, "Name:\t");
  char* e = stat_form ? strrchr(buf, ')') : s ? strchr(s, '\n') : 0;
  if (!s || !e) {
    SAY("%s: unparsed", label);
    return;
  }
  s += stat_form ? 1 : 6;
  *e = 0;
  SAY("%s: [%s]", label, s);
}

static void thread_names(void) {
  char self[16], n[32], path[96];
  prctl(PR_GET_NAME, self);
  pthread_barrier_init(&names_barrier, 0, 2);
  pthread_t t;
  pthread_create(&t, 0, named_worker, 0);
  pthread_barrier_wait(&names_barrier);
  VAL("getname of the worker", pthread_getname_np(t, n, sizeof n));
  SAY("worker's name: %s", n);
  prctl(PR_GET_NAME, n);
  BOOL("main keeps its name", strcmp(n, self) == 0);
  get("/proc/self/comm", n, sizeof n);
  n[strcspn(n, "\n")] = 0;
  BOOL("/proc/self/comm is main's", strcmp(n, self) == 0);
  VAL("setname of the worker", pthread_setname_np(t, "renamed"));
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)worker_tid);
  get(path, n, sizeof n);
  SAY("task comm: %s", strcmp(n, "renamed\n") == 0 ? "renamed" : n);
  snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)worker_tid);
  show_name("task status Name", path, 0);
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)worker_tid);
  show_name("task stat comm", path, 1);
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)worker_tid);
  OK("long name through the file", put(path, "a-very-long-thread-name"));
  get(path, n, sizeof n);
  n[strcspn(n, "\n")] = 0;
  SAY("kept: %s", n);
  // A thread's directory shares the process's files.
  static char a[65536], b[65536];
  snprintf(path, sizeof path, "/proc/self/task/%d/maps", (int)worker_tid);
  int na = get(path, a, sizeof a), nb = get("/proc/self/maps", b, sizeof b);
  BOOL("task maps = process maps", na > 0 && na == nb && memcmp(a, b, na) == 0);
  snprintf(path, sizeof path, "/proc/self/task/%d/exe", (int)worker_tid);
  na = readlink(path, a, sizeof a);
  nb = readlink("/proc/self/exe", b, sizeof b);
  BOOL("task exe = process exe", na > 0 && na == nb && memcmp(a, b, na) == 0);
  snprintf(path, sizeof path, "/proc/self/task/%d/fd/1", (int)worker_tid);
  OK("task fd/1", access(path, F_OK));
  snprintf(path, sizeof path, "/proc/self/task/%d/cmdline", (int)worker_tid);
  na = get(path, a, sizeof a);
  nb = get("/proc/self/cmdline", b, sizeof b);
  BOOL("task cmdline = process cmdline", na > 0 && na == nb && memcmp(a, b, na) == 0);
  pthread_barrier_wait(&names_barrier);
  pthread_join(t, 0);
  prctl(PR_SET_NAME, "odd\\name\nx");
  show_name("status Name escapes", "/proc/self/status", 0);
  show_name("stat comm is raw", "/proc/self/stat", 1);
  prctl(PR_SET_NAME, self);
  pid_t parent = getpid();
  pid_t c = fork();
  if (c == 0) {
    prctl(PR_GET_NAME, n);
    BOOL("fork child keeps the name", strcmp(n, self) == 0);
    snprintf(path, sizeof path, "/proc/%d/comm", (int)parent);
    ERR("child renames its parent", put(path, "stolen"));
    _exit(0);
  }
  waitpid(c, 0, 0);
  prctl(PR_GET_NAME, n);
  BOOL("parent keeps its name", strcmp(n, self) == 0);
}

// <linux/prctl.h> of Linux 6.4+ (older headers lack them).
#ifndef PR_GET_AUXV
#define PR_GET_AUXV 0x41555856
#endif
#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#define PR_GET_MDWE 66
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif
#ifndef PR_MDWE_NO_INHERIT
#define PR_MDWE_NO_INHERIT 2
#endif

// The kernel release uname shows, as major * 100 + minor.
static int release(void) {
  struct utsname u;
  uname(&u);
  int a = 0, b = 0;
  sscanf(u.release, "%d.%d", &a, &b);
  return a * 100 + b;
}

static void small_prctls(void) {
  VAL("timing", prctl(PR_GET_TIMING));
  ERR("set timing 1", prctl(PR_SET_TIMING, 1));
  OK("set timing statistical", prctl(PR_SET_TIMING, PR_TIMING_STATISTICAL));
  OK("perf events disable", prctl(PR_TASK_PERF_EVENTS_DISABLE));
  OK("perf events enable", prctl(PR_TASK_PERF_EVENTS_ENABLE));
  VAL("mce kill", prctl(PR_MCE_KILL_GET, 0, 0, 0, 0));
  OK("mce kill early", prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0));
  VAL("mce kill", prctl(PR_MCE_KILL_GET, 0, 0, 0, 0));
  ERR("mce kill 3", prctl(PR_MCE_KILL, PR_MCE_KILL_SET, 3, 0, 0));
  ERR("mce kill clear 1", prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 1, 0, 0));
  OK("mce kill clear", prctl(PR_MCE_KILL, PR_MCE_KILL_CLEAR, 0, 0, 0));
  VAL("mce kill", prctl(PR_MCE_KILL_GET, 0, 0, 0, 0));
  VAL("thp disable", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
  ERR("thp disable get 1", prctl(PR_GET_THP_DISABLE, 1, 0, 0, 0));
  OK("thp disable set", prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
  pid_t c = fork();
  if (c == 0) {
    VAL("child's thp disable", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
    _exit(0);
  }
  waitpid(c, 0, 0);
  prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
  static int tid_word;
  int* old = 0;
  prctl(PR_GET_TID_ADDRESS, &old);
  syscall(SYS_set_tid_address, &tid_word);
  int* now = 0;
  OK("tid address", prctl(PR_GET_TID_ADDRESS, &now));
  BOOL("tid address is set_tid_address's", now == &tid_word);
  syscall(SYS_set_tid_address, old);
  ERR("tid address to a bad pointer", prctl(PR_GET_TID_ADDRESS, (void*)8));
}

static void get_auxv(void) {
  if (release() < 604) return;  // PR_GET_AUXV is Linux 6.4's
  uint64_t buf[128];
  memset(buf, 0xff, sizeof buf);
  long n = prctl(PR_GET_AUXV, buf, sizeof buf, 0, 0);
  int entries = 0, pagesz = 0, ended = 0;
  for (int i = 0; n > 0 && i + 1 < n / 8 && i + 1 < 128; i += 2) {
    if (buf[i] == AT_NULL) {
      ended = 1;
      break;
    }
    ++entries;
    if (buf[i] == AT_PAGESZ) pagesz = buf[i + 1] == getauxval(AT_PAGESZ);
  }
  BOOL("auxv: a size with room for the entries, AT_PAGESZ as getauxval's",
       n > 0 && n % 16 == 0 && ended && pagesz && entries * 16 < n);
  uint64_t first[2] = {0, 0};
  long m = prctl(PR_GET_AUXV, first, 16, 0, 0);
  BOOL("auxv into 16 bytes: the same size, the first entry", m == n && first[0] == buf[0] && first[1] == buf[1]);
  ERR("auxv arg4", prctl(PR_GET_AUXV, buf, sizeof buf, 1, 0));
  ERR("auxv to a bad pointer", prctl(PR_GET_AUXV, (void*)8, 64, 0, 0));
  VAL("auxv size only", prctl(PR_GET_AUXV, 0, 0, 0, 0) == n);
}

// What a fork child of this process has.
static void child_mdwe(const char* label) {
  pid_t g = fork();
  if (g == 0) {
    VAL(label, prctl(PR_GET_MDWE, 0, 0, 0, 0));
    _exit(0);
  }
  waitpid(g, 0, 0);
}

static void mdwe(void) {
  if (release() < 607) return;  // PR_MDWE_NO_INHERIT is Linux 6.7's
  pid_t c = fork();
  if (c == 0) {  // MDWE cannot be turned off: a child of its own
    VAL("mdwe", prctl(PR_GET_MDWE, 0, 0, 0, 0));
    ERR("mdwe no-inherit alone", prctl(PR_SET_MDWE, PR_MDWE_NO_INHERIT, 0, 0, 0));
    ERR("mdwe 4", prctl(PR_SET_MDWE, 4, 0, 0, 0));
    OK("mdwe on", prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0));
    VAL("mdwe", prctl(PR_GET_MDWE, 0, 0, 0, 0));
    ERR("mdwe off", prctl(PR_SET_MDWE, 0, 0, 0, 0));
    ERR("mdwe plus no-inherit", prctl(PR_SET_MDWE, 3, 0, 0, 0));
    OK("mdwe on again", prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0));
    void* wx = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SAY("mmap rwx: %s", wx == MAP_FAILED ? sc_errname(errno) : "ok");
    void* rx = mmap(0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    SAY("mmap rx: %s", rx == MAP_FAILED ? sc_errname(errno) : "ok");
    void* rw = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ERR("mprotect rw to rx", mprotect(rw, 4096, PROT_READ | PROT_EXEC));
    OK("mprotect rw to r", mprotect(rw, 4096, PROT_READ));
    ERR("mprotect rx to rwx", mprotect(rx, 4096, PROT_READ | PROT_WRITE | PROT_EXEC));
    OK("mprotect rx to r", mprotect(rx, 4096, PROT_READ));
    ERR("mprotect r (was rx) to rx", mprotect(rx, 4096, PROT_READ | PROT_EXEC));
    ERR("mprotect unmapped to rwx", mprotect((char*)rw + (1 << 30), 4096, PROT_READ | PROT_WRITE | PROT_EXEC));
    child_mdwe("child's mdwe");
    _exit(0);
  }
  waitpid(c, 0, 0);
  c = fork();
  if (c == 0) {
    OK("mdwe no-inherit", prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN | PR_MDWE_NO_INHERIT, 0, 0, 0));
    VAL("mdwe", prctl(PR_GET_MDWE, 0, 0, 0, 0));
    child_mdwe("child's mdwe (no-inherit)");
    _exit(0);
  }
  waitpid(c, 0, 0);
}

// One read of /proc/self/status, and field `name` of it (kB for memory
// lines; -1 if absent). Linux's counters are per-CPU sums read without
// locking, so comparisons across reads leave a little slack.
static char snap[8192];
static void snapshot(void) {
  if (get("/proc/self/status", snap, sizeof snap) < 0) snap[0] = 0;
}
static long field(const char* name) {
  char key[64];
  snprintf(key, sizeof key, "\n%s:", name);
  char* at = strstr(snap, key);
  return at ? strtol(at + strlen(key), 0, 10) : -1;
}

static void status_lines(void) {
  static char buf[8192];
  snapshot();
  if (release() >= 601) {
    static const char* const arch_only[] = {"untag_mask", "x86_Thread_features",
                                            "x86_Thread_features_locked"};
    char names[2048] = "";
    memcpy(buf, snap, sizeof buf);
    for (char* line = strtok(buf, "\n"); line; line = strtok(0, "\n")) {
      char* colon = strchr(line, ':');
      if (!colon) continue;
      *colon = 0;
      int skip = 0;
      for (unsigned i = 0; i < sizeof arch_only / sizeof *arch_only; ++i) skip |= strcmp(line, arch_only[i]) == 0;
      if (!skip && strlen(names) + strlen(line) + 2 < sizeof names) {
        strcat(names, line);
        strcat(names, " ");
      }
    }
    SAY("status lines: %s", names);
  }
  BOOL("VmRSS is RssAnon + RssFile + RssShmem",
       field("VmRSS") > 0 && field("VmRSS") == field("RssAnon") + field("RssFile") + field("RssShmem"));
  BOOL("VmPeak covers VmSize, VmHWM VmRSS", field("VmPeak") >= field("VmSize") && field("VmHWM") >= field("VmRSS"));
  get("/proc/self/statm", buf, sizeof buf);
  long size = 0, resident = 0;
  sscanf(buf, "%ld %ld", &size, &resident);
  snapshot();
  BOOL("statm resident is VmRSS", labs(resident * 4 - field("VmRSS")) <= 512);
  BOOL("statm size is VmSize", labs(size * 4 - field("VmSize")) <= 512);
  long anon0 = field("RssAnon"), rss0 = field("VmRSS");
  size_t n = 16 << 20;
  char* mem = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (size_t i = 0; i < n; i += 4096) mem[i] = 1;
  snapshot();
  long anon1 = field("RssAnon"), rss1 = field("VmRSS"), hwm1 = field("VmHWM");
  BOOL("16 MiB touched: RssAnon and VmRSS grow by it", anon1 - anon0 >= 15360 && rss1 - rss0 >= 15360);
  munmap(mem, n);
  snapshot();
  BOOL("after munmap VmHWM stays, VmRSS drops", field("VmHWM") >= hwm1 - 1024 && field("VmRSS") < rss1 - 8192);
  cpu_set_t set;
  sched_getaffinity(0, sizeof set, &set);
  char want[256] = "";
  for (int i = 0; i < CPU_SETSIZE; ++i) {
    if (!CPU_ISSET(i, &set)) continue;
    int j = i;
    while (j + 1 < CPU_SETSIZE && CPU_ISSET(j + 1, &set)) ++j;
    char r[32];
    snprintf(r, sizeof r, "%s%d", want[0] ? "," : "", i);
    strcat(want, r);
    if (j > i) {
      snprintf(r, sizeof r, "-%d", j);
      strcat(want, r);
    }
    i = j;
  }
  char* at = strstr(snap, "Cpus_allowed_list:\t");
  char got[256] = "";
  if (at) sscanf(at + strlen("Cpus_allowed_list:\t"), "%255s", got);
  BOOL("Cpus_allowed_list is the affinity", strcmp(got, want) == 0);
}

static void* idle_worker(void* arg) {
  (void)arg;
  pthread_barrier_wait(&names_barrier);
  return 0;
}

static void affinity(void) {
  cpu_set_t all, s;
  CPU_ZERO(&all);
  sched_getaffinity(0, sizeof all, &all);
  int first = 0;
  while (first < CPU_SETSIZE && !CPU_ISSET(first, &all)) ++first;
  pthread_barrier_init(&names_barrier, 0, 2);
  pthread_t t;
  pthread_create(&t, 0, idle_worker, 0);
  CPU_ZERO(&s);
  VAL("thread get", pthread_getaffinity_np(t, sizeof s, &s));
  BOOL("thread has every cpu", CPU_EQUAL(&s, &all));
  CPU_ZERO(&s);
  CPU_SET(first, &s);
  VAL("thread set one cpu", pthread_setaffinity_np(t, sizeof s, &s));
  CPU_ZERO(&s);
  pthread_getaffinity_np(t, sizeof s, &s);
  BOOL("thread has that cpu only", CPU_COUNT(&s) == 1 && CPU_ISSET(first, &s));
  CPU_ZERO(&s);
  sched_getaffinity(0, sizeof s, &s);
  BOOL("main keeps every cpu", CPU_EQUAL(&s, &all));
  pthread_barrier_wait(&names_barrier);
  pthread_join(t, 0);
  int sync[2];
  pipe(sync);
  pid_t c = fork();
  if (c == 0) {
    char x;
    read(sync[0], &x, 1);
    CPU_ZERO(&s);
    sched_getaffinity(0, sizeof s, &s);
    BOOL("child sees the cpu its parent gave it", CPU_COUNT(&s) == 1 && CPU_ISSET(first, &s));
    _exit(0);
  }
  CPU_ZERO(&s);
  OK("child get", sched_getaffinity(c, sizeof s, &s));
  CPU_ZERO(&s);
  CPU_SET(first, &s);
  OK("child set", sched_setaffinity(c, sizeof s, &s));
  write(sync[1], "x", 1);
  waitpid(c, 0, 0);
  CPU_ZERO(&s);
  ERR("no such task", sched_getaffinity(999999, sizeof s, &s));
  ERR("size 4", syscall(SYS_sched_getaffinity, 0, 4, &s));
}

static int tid_pipe[2], done_pipe[2];

static void* reporting_worker(void* arg) {
  (void)arg;
  pid_t me = gettid();
  write(tid_pipe[1], &me, sizeof me);
  char x;
  read(done_pipe[0], &x, 1);
  return 0;
}

static void other_process_thread(void) {
  pipe(tid_pipe);
  pipe(done_pipe);
  pid_t c = fork();
  if (c == 0) {
    pthread_t t;
    pthread_create(&t, 0, reporting_worker, 0);
    pthread_join(t, 0);
    _exit(0);
  }
  pid_t tid = 0;
  read(tid_pipe[0], &tid, sizeof tid);
  cpu_set_t all, s;
  sched_getaffinity(0, sizeof all, &all);
  int first = 0;
  while (first < CPU_SETSIZE && !CPU_ISSET(first, &all)) ++first;
  CPU_ZERO(&s);
  CPU_SET(first, &s);
  OK("set the affinity of a child's thread", sched_setaffinity(tid, sizeof s, &s));
  CPU_ZERO(&s);
  OK("get it", sched_getaffinity(tid, sizeof s, &s));
  BOOL("it has that cpu only", CPU_COUNT(&s) == 1 && CPU_ISSET(first, &s));
  CPU_ZERO(&s);
  sched_getaffinity(c, sizeof s, &s);
  BOOL("the child's main thread keeps every cpu", CPU_EQUAL(&s, &all));
  OK("kill(child's thread, 0)", kill(tid, 0));
  OK("tkill(child's thread, 0)", syscall(SYS_tkill, tid, 0));
  BOOL("getpgid(child's thread) is the child's group", getpgid(tid) == getpgid(c));
  OK("getpriority(child's thread)", (errno = 0, getpriority(PRIO_PROCESS, tid), errno ? -1 : 0));
  VAL("sched_getscheduler(child's thread)", sched_getscheduler(tid));
  write(done_pipe[1], "x", 1);
  int st = 0;
  waitpid(c, &st, 0);
  BOOL("child done", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  ERR("its thread is gone", kill(tid, 0));
}

int main(void) {
  affinity();
  other_process_thread();
  status_lines();
  small_prctls();
  get_auxv();
  mdwe();
  thread_names();
  timerslack();
  coredump_filter();
  loginuid();
  oom_score_adj();
  dumpable();
  pdeathsig();
  pdeathsig_thread();
  return 0;
}
