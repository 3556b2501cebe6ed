// tests/security/cross_attacker.c — launch A of the cross-launch suite
// (run_cross_launch_test.py): told the pid and a thread id of a process of
// another launch (B, cross_victim.c) and host ids (hartd's pid and some of
// its threads' tids), it tries to read or change their CPU affinity,
// names and per-process settings by every id it knows and by scanning
// ranges of ids, through the system calls that name a task
// (sched_*affinity, kill, tgkill, getpgid, getsid, getpriority,
// setpriority, sched_getscheduler, sched_getparam, prlimit (read and set),
// sigqueue, ioprio_set, pidfd_open,
// ioprio_get) and through /proc/<id>/ and /proc/<id>/task/<tid>/ files.
// Linux's answers for a task outside the caller's pid namespace are the
// expected ones: ESRCH from the system calls, ENOENT from /proc. With the
// view "owner" (the launch field proc_view), B's /proc entries are
// listed by design, but nothing of B's may be changed through them, and
// what Linux gives only to a process that may ptrace B (mem, environ, auxv,
// maps, io, fd/, cwd, root, exe) answers EACCES.
// Prints "ok NAME" or "BREACH NAME: detail" per attempt, then
// "breaches: N"; the exit status is N (capped).
//
//   cross_attacker VIEW VICTIM_PID VICTIM_TID HOST_ID...
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int breaches, checks;
static int own_pid;
static int owner_view;
static cpu_set_t first_cpu;

static void report(const char* name, int breach, const char* detail) {
  ++checks;
  if (breach) {
    printf("BREACH %s: %s\n", name, detail);
    ++breaches;
  }
}

// A system call on id must fail with ESRCH.
static void want_esrch(const char* what, int id, long r) {
  char name[96], detail[96];
  snprintf(name, sizeof name, "%s(%d)", what, id);
  snprintf(detail, sizeof detail, "returned %ld (%s), not ESRCH", r, r < 0 ? strerror(errno) : "ok");
  report(name, !(r == -1 && errno == ESRCH), detail);
}

// Every system call that names a task by id.
static void syscalls_on(int id) {
  cpu_set_t set;
  want_esrch("sched_getaffinity", id, sched_getaffinity(id, sizeof set, &set));
  want_esrch("sched_setaffinity", id, sched_setaffinity(id, sizeof first_cpu, &first_cpu));
  want_esrch("kill0", id, kill(id, 0));
  want_esrch("tkill0", id, syscall(SYS_tkill, id, 0));
  want_esrch("getpgid", id, getpgid(id));
  want_esrch("getsid", id, getsid(id));
  errno = 0;
  long prio = getpriority(PRIO_PROCESS, (id_t)id);
  want_esrch("getpriority", id, prio == -1 && errno ? -1 : prio);
  want_esrch("setpriority", id, setpriority(PRIO_PROCESS, (id_t)id, 19));
  want_esrch("sched_getscheduler", id, sched_getscheduler(id));
  struct sched_param sp;
  want_esrch("sched_getparam", id, sched_getparam(id, &sp));
  struct rlimit rl;
  want_esrch("prlimit", id, prlimit(id, RLIMIT_NOFILE, NULL, &rl));
  // Writes: starve the victim of files, kill it by a queued signal, demote its I/O.
  struct rlimit one = {1, 1};
  want_esrch("prlimit set", id, prlimit(id, RLIMIT_NOFILE, &one, NULL));
  want_esrch("sigqueue SIGKILL", id, sigqueue(id, SIGKILL, (union sigval){0}));
  want_esrch("ioprio_set", id, syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, id, 3 << 13));
  want_esrch("pidfd_open", id, syscall(SYS_pidfd_open, id, 0));
  want_esrch("ioprio_get", id, syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, id));
}

static const char* const kFiles[] = {"comm",    "oom_score_adj", "timerslack_ns", "loginuid",
                                     "coredump_filter", "sessionid", "status", "stat",
                                     "mem",     "environ",       "maps",          "fd/1"};
// What only a process that may ptrace the task reaches on Linux.
static const char* const kPtraceFiles[] = {"mem", "environ", "auxv", "maps", "io", "fd/0", "fd/1"};
static const char* const kPtraceLinks[] = {"cwd", "root", "exe", "fd/1"};

// The /proc file must not exist (ENOENT), for reading or for writing.
static void want_enoent(const char* path) {
  for (int acc = 0; acc < 2; ++acc) {
    int fd = open(path, acc ? O_WRONLY : O_RDONLY);
    char name[160], detail[96];
    snprintf(name, sizeof name, "open %s %s", path, acc ? "for writing" : "for reading");
    snprintf(detail, sizeof detail, "%s, not ENOENT", fd >= 0 ? "opened" : strerror(errno));
    report(name, !(fd < 0 && errno == ENOENT), detail);
    if (fd >= 0) {
      if (acc) {
        ssize_t n = write(fd, "1\n", 2);
        (void)n;
      }
      close(fd);
    }
  }
}

// Opening the file (for reading) or reading the link fails with EACCES.
static void want_eacces(const char* path, int link) {
  char buf[256];
  int fd = -1;
  long r = link ? (long)readlink(path, buf, sizeof buf) : (fd = open(path, O_RDONLY));
  char name[160], detail[96];
  snprintf(name, sizeof name, "%s %s", link ? "readlink" : "open", path);
  snprintf(detail, sizeof detail, "%s, not EACCES", r >= 0 ? "succeeded" : strerror(errno));
  report(name, !(r < 0 && errno == EACCES), detail);
  if (fd >= 0) close(fd);
}

// Writing the file must change nothing: refused at open or at write (the
// victim checks its values itself).
static void want_refused_write(const char* path, const char* text) {
  int fd = open(path, O_WRONLY);
  ssize_t n = fd >= 0 ? write(fd, text, strlen(text)) : -1;
  char name[160], detail[96];
  snprintf(name, sizeof name, "write %s", path);
  snprintf(detail, sizeof detail, "wrote %zd bytes", n);
  report(name, n >= 0, detail);
  if (fd >= 0) close(fd);
}

static void proc_files_of(int pid, int tid) {
  char path[128];
  if (!owner_view) {
    snprintf(path, sizeof path, "/proc/%d", pid);
    struct stat st;
    report(path, !(stat(path, &st) != 0 && errno == ENOENT), "visible");
    for (size_t i = 0; i < sizeof kFiles / sizeof *kFiles; ++i) {
      snprintf(path, sizeof path, "/proc/%d/%s", pid, kFiles[i]);
      want_enoent(path);
    }
    snprintf(path, sizeof path, "/proc/%d/task/%d/comm", pid, tid);
    want_enoent(path);
    snprintf(path, sizeof path, "/proc/%d/task/%d/loginuid", pid, tid);
    want_enoent(path);
    return;
  }
  // Listed, but read-only to another launch.
  const char* writes[][2] = {{"comm", "pwned"},        {"oom_score_adj", "-1000"},
                             {"timerslack_ns", "1"},   {"loginuid", "0"},
                             {"coredump_filter", "0x1ff"}};
  for (size_t i = 0; i < sizeof writes / sizeof *writes; ++i) {
    snprintf(path, sizeof path, "/proc/%d/%s", pid, writes[i][0]);
    want_refused_write(path, writes[i][1]);
  }
  snprintf(path, sizeof path, "/proc/%d/task/%d/comm", pid, tid);
  want_refused_write(path, "pwned");
  snprintf(path, sizeof path, "/proc/%d/task/%d/loginuid", pid, tid);
  want_refused_write(path, "0");
  for (size_t i = 0; i < sizeof kPtraceFiles / sizeof *kPtraceFiles; ++i) {
    snprintf(path, sizeof path, "/proc/%d/%s", pid, kPtraceFiles[i]);
    want_eacces(path, 0);
    snprintf(path, sizeof path, "/proc/%d/task/%d/%s", pid, tid, kPtraceFiles[i]);
    want_eacces(path, 0);
  }
  for (size_t i = 0; i < sizeof kPtraceLinks / sizeof *kPtraceLinks; ++i) {
    snprintf(path, sizeof path, "/proc/%d/%s", pid, kPtraceLinks[i]);
    want_eacces(path, 1);
  }
  snprintf(path, sizeof path, "/proc/%d/fd", pid);
  want_eacces(path, 0);
}

// Ids this process may legitimately reach: its own, and the outside init
// (pid 1, whose affinity Linux shows in a pid namespace too).
static int own(int id) { return id == own_pid || id == 1; }

// Tries ids [from, to): any one that answers must be this launch's.
static void scan(int from, int to) {
  int found = 0;
  char first[160] = "";
  for (int id = from; id < to; ++id) {
    if (own(id)) continue;
    cpu_set_t set;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/comm", id);
    int fd = owner_view ? -1 : open(path, O_RDONLY);
    int open_errno = errno;
    const char* how = NULL;
    if (sched_getaffinity(id, sizeof set, &set) == 0 || errno != ESRCH)
      how = "sched_getaffinity";
    else if (sched_setaffinity(id, sizeof first_cpu, &first_cpu) == 0 || errno != ESRCH)
      how = "sched_setaffinity";
    else if (kill(id, 0) == 0 || errno != ESRCH)
      how = "kill";
    else if (fd >= 0 || (!owner_view && open_errno != ENOENT))
      how = path;
    if (fd >= 0) close(fd);
    if (how && !found++) snprintf(first, sizeof first, "%d through %s", id, how);
  }
  char name[64], detail[200];
  snprintf(name, sizeof name, "scan %d..%d", from, to - 1);
  snprintf(detail, sizeof detail, "%d ids reached, the first %s", found, first);
  report(name, found != 0, detail);
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: cross_attacker VIEW VICTIM_PID VICTIM_TID HOST_ID...\n");
    return 100;
  }
  owner_view = strcmp(argv[1], "owner") == 0;
  int vpid = atoi(argv[2]), vtid = atoi(argv[3]);
  own_pid = getpid();
  CPU_ZERO(&first_cpu);
  cpu_set_t mine;
  sched_getaffinity(0, sizeof mine, &mine);
  for (int i = 0; i < CPU_SETSIZE; ++i)
    if (CPU_ISSET(i, &mine)) {
      CPU_SET(i, &first_cpu);
      break;
    }
  // The victim's ids, and the same ids through this process's own task/.
  int ids[] = {vpid, vtid};
  for (int i = 0; i < 2; ++i) syscalls_on(ids[i]);
  want_esrch("tgkill0", vtid, syscall(SYS_tgkill, vpid, vtid, 0));
  proc_files_of(vpid, vtid);
  proc_files_of(vpid, vpid);
  char path[96];
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", vtid);
  want_enoent(path);
  snprintf(path, sizeof path, "/proc/%d/comm", vtid);  // a tid is a /proc name too (unlisted)
  if (!owner_view) want_enoent(path);
  // Host ids: hartd's own pid and threads.
  for (int i = 4; i < argc; ++i) {
    int id = atoi(argv[i]);
    if (own(id) || id == vpid || id == vtid) continue;
    syscalls_on(id);
    snprintf(path, sizeof path, "/proc/%d/comm", id);
    want_enoent(path);
    snprintf(path, sizeof path, "/proc/%d/task/%d/comm", id, id);
    want_enoent(path);
  }
  // Guessing: every id around the victim's and the first host id.
  int top = (vpid > vtid ? vpid : vtid) + 64;
  scan(1, top);
  if (argc > 4) {
    int h = atoi(argv[4]);
    scan(h > 64 ? h - 64 : top, h + 256);
  }
  printf("checks: %d\nbreaches: %d\n", checks, breaches);
  return breaches > 99 ? 99 : breaches;
}
