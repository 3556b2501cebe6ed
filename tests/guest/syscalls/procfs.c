// tests/guest/syscalls/procfs.c — what a program sees of itself in /proc:
// /proc/self/fd listings (getdents64, including the listing's own fd),
// readlink of fd links, /proc/self/task with one and with two threads,
// /proc/self/task/<tid>/{comm,stat}, Threads: in /proc/self/status, the
// num_threads field of /proc/self/stat (what Python checks before fork),
// /proc/<child>/fd and /proc/<child>/cmdline of a child, /dev/fd, context
// switches in /proc/self/status (growing across sleeps). Output has
// no pids or inode numbers, so native and hart-run runs compare.
#include "sc.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static void list_dir(const char* label, const char* path) {
  DIR* d = opendir(path);
  if (!d) {
    printf("%s: %s\n", label, sc_errname(errno));
    return;
  }
  int names[256], n = 0;
  int other = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char* end;
    long v = strtol(e->d_name, &end, 10);
    if (*end || n >= 256) ++other;
    else names[n++] = (int)v;
  }
  closedir(d);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (names[j] < names[i]) {
        int t = names[i];
        names[i] = names[j];
        names[j] = t;
      }
  printf("%s:", label);
  for (int i = 0; i < n; ++i) printf(" %d", names[i]);
  if (other) printf(" (+%d non-numeric)", other);
  printf("\n");
  fflush(stdout);
}

static int count_entries(const char* path) {
  DIR* d = opendir(path);
  if (!d) return -errno;
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.') ++n;
  closedir(d);
  return n;
}

// A number line of /proc/self/status ("name:\tN"), -1 if missing.
static long status_number(const char* name) {
  FILE* f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  size_t n = strlen(name);
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, name, n) && line[n] == ':') v = strtol(line + n + 1, NULL, 10);
  if (f) fclose(f);
  return v;
}

static void status_threads(const char* label) {
  FILE* f = fopen("/proc/self/status", "r");
  char line[256];
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "Threads:", 8) == 0) printf("%s: %s", label, line);
  if (f) fclose(f);
  // num_threads: field 20 of /proc/self/stat, after the ")" of comm.
  f = fopen("/proc/self/stat", "r");
  if (f && fgets(line, sizeof line, f)) {
    char* p = strrchr(line, ')');
    int field = 2;
    while (p && field < 20) {
      p = strchr(p + 1, ' ');
      ++field;
    }
    if (p) printf("%s: stat num_threads %ld\n", label, strtol(p + 1, NULL, 10));
  }
  if (f) fclose(f);
  fflush(stdout);
}

static int go_on[2];
static void* worker(void* arg) {
  (void)arg;
  char c;
  read(go_on[0], &c, 1);
  return NULL;
}

// The state letter of /proc/<pid>/stat ('-' if it cannot be read).
static char state_of(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return '-';
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return '-';
  buf[n] = 0;
  char* paren = strrchr(buf, ')');
  return paren && paren[1] == ' ' ? paren[2] : '?';
}

int main(void) {
  list_dir("/proc/self/fd", "/proc/self/fd");
  int fd = open("file", O_RDWR | O_CREAT, 0600);
  VAL("open", fd);
  list_dir("/proc/self/fd after open", "/proc/self/fd");
  list_dir("/dev/fd", "/dev/fd");
  char link[64], target[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n > 0) {
    target[n] = 0;
    char* slash = strrchr(target, '/');
    SAY("readlink fd: ends with %s", slash ? slash : target);
  }
  VAL("/proc/self/task entries", count_entries("/proc/self/task"));
  status_threads("one thread");
  char path[128];
  snprintf(path, sizeof path, "/proc/self/task/%ld/comm", (long)syscall(SYS_gettid));
  FILE* f = fopen(path, "r");
  char comm[64] = "";
  if (f) {
    fgets(comm, sizeof comm, f);
    fclose(f);
  }
  SAY("task comm: %s", comm[0] ? "read" : "missing");
  snprintf(path, sizeof path, "/proc/self/task/%ld/stat", (long)syscall(SYS_gettid));
  f = fopen(path, "r");
  long tid_field = 0;
  if (f) {
    fscanf(f, "%ld", &tid_field);
    fclose(f);
  }
  BOOL("task stat starts with the tid", tid_field == syscall(SYS_gettid));
  ERR("task of a bad tid", open("/proc/self/task/999999999/comm", O_RDONLY));

  pipe(go_on);
  pthread_t th;
  pthread_create(&th, NULL, worker, NULL);
  VAL("/proc/self/task entries with 2 threads", count_entries("/proc/self/task"));
  status_threads("two threads");
  write(go_on[1], "x", 1);
  pthread_join(th, NULL);

  int to_parent[2], to_child[2];
  pipe(to_parent);
  pipe(to_child);
  pid_t c = fork();
  if (c == 0) {
    int extra = open("file", O_RDONLY);
    dup2(extra, 30);
    write(to_parent[1], "x", 1);
    char ch;
    read(to_child[0], &ch, 1);
    _exit(0);
  }
  char ch;
  read(to_parent[0], &ch, 1);
  snprintf(path, sizeof path, "/proc/%d/fd", c);
  int has30 = 0;
  DIR* d = opendir(path);
  struct dirent* e;
  while (d && (e = readdir(d)) != NULL) has30 |= strcmp(e->d_name, "30") == 0;
  if (d) closedir(d);
  BOOL("child's fd 30 listed in /proc/<child>/fd", has30);
  snprintf(path, sizeof path, "/proc/%d/cmdline", c);
  f = fopen(path, "r");
  BOOL("child's cmdline readable", f != NULL);
  if (f) fclose(f);
  write(to_child[1], "x", 1);
  waitpid(c, NULL, 0);
  unlink("file");
  // True states: a child sleeping in nanosleep is S, a child that exited
  // and is not reaped yet is Z (and /proc/<pid> is still there), the
  // reader itself runs (R); oom_score_adj is writable and inherited.
  {
    pid_t sleeper = fork();
    if (sleeper == 0) {
      sleep(30);
      _exit(0);
    }
    pid_t quick = fork();
    if (quick == 0) _exit(3);
    usleep(300000);
    printf("sleeping child: %c\n", state_of(sleeper));
    printf("exited child before wait: %c\n", state_of(quick));
    printf("self: %c\n", state_of(getpid()));
    kill(sleeper, SIGKILL);
    waitpid(sleeper, NULL, 0);
    waitpid(quick, NULL, 0);
    printf("reaped child: %c\n", state_of(quick));
    int f = open("/proc/self/oom_score_adj", O_RDWR);
    VAL("write oom_score_adj", write(f, "250\n", 4));
    close(f);
    char buf[32] = "";
    f = open("/proc/self/oom_score_adj", O_RDONLY);
    read(f, buf, sizeof buf - 1);
    close(f);
    printf("oom_score_adj now: %s", buf);
    f = open("/proc/self/oom_score_adj", O_WRONLY);
    ERR("oom_score_adj 5000", write(f, "5000", 4));
    ERR("oom_score_adj junk", write(f, "abc", 3));
    close(f);
    pid_t c = fork();
    if (c == 0) {
      int g = open("/proc/self/oom_score_adj", O_RDONLY);
      char b[32] = "";
      read(g, b, sizeof b - 1);
      printf("child inherits oom_score_adj: %s", b);
      fflush(stdout);
      _exit(0);
    }
    waitpid(c, NULL, 0);
  }
  // /dev/stdin names the process's fd 0, whatever it is now.
  {
    int pp[2];
    pipe(pp);
    int saved = dup(0);
    dup2(pp[0], 0);
    write(pp[1], "via the pipe", 12);
    int f = open("/dev/stdin", O_RDONLY);
    char buf[32] = "";
    if (f >= 0) read(f, buf, 12);
    printf("/dev/stdin after dup2(pipe, 0): %s\n", f >= 0 ? buf : sc_errname(errno));
    if (f >= 0) close(f);
    dup2(saved, 0);
    close(saved);
    close(pp[0]);
    close(pp[1]);
  }
  // Context switches: each sleep gives the CPU away, so the count grows.
  {
    long before = status_number("voluntary_ctxt_switches");
    for (int i = 0; i < 3; ++i) usleep(20000);
    long after = status_number("voluntary_ctxt_switches");
    BOOL("voluntary_ctxt_switches shown", before >= 0 && status_number("nonvoluntary_ctxt_switches") >= 0);
    BOOL("voluntary_ctxt_switches grows across three sleeps", after >= before + 3);
  }
  return 0;
}
