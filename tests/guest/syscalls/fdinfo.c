// tests/guest/syscalls/fdinfo.c — /proc/self/fdinfo and pidfds: the fdinfo
// directory lists the open fds; fdinfo/N shows the open file description's
// pos and flags (O_APPEND, O_NONBLOCK, O_CLOEXEC of the fd itself, O_LARGEFILE)
// then the lines of its type: an eventfd's count, a signalfd's mask, an
// epoll's targets by guest fd number, a timerfd's clock, a pidfd's Pid and
// NSpid (the child's pid while it runs and as a zombie, -1 once reaped);
// a closed fd has none (ENOENT). read and write of a pidfd are EINVAL;
// pidfd_getfd of an exited child is ESRCH (zombie or reaped). Emulated
// /proc files open read-only with the guest's flags (write EBADF).
// Only values that are the same on every run are printed.
#include "sc.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

static char info[4096];

// The text of /proc/self/fdinfo/<fd> (empty if it cannot be read).
static const char* fdinfo(int fd) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  int f = open(path, O_RDONLY);
  info[0] = 0;
  if (f < 0) return info;
  ssize_t n = read(f, info, sizeof info - 1);
  close(f);
  info[n > 0 ? n : 0] = 0;
  return info;
}

// Prints the line of fd's fdinfo that starts with key.
static void line(const char* label, int fd, const char* key) {
  const char* t = fdinfo(fd);
  const char* p = t;
  while (p && *p) {
    if (!strncmp(p, key, strlen(key))) {
      const char* e = strchr(p, '\n');
      SAY("%s: %.*s", label, (int)(e ? e - p : (long)strlen(p)), p);
      return;
    }
    p = strchr(p, '\n');
    if (p) ++p;
  }
  SAY("%s: no %s", label, key);
}

// The keys of fd's fdinfo, in order.
static void keys(const char* label, int fd) {
  const char* p = fdinfo(fd);
  printf("%s:", label);
  while (*p) {
    const char* c = strchr(p, ':');
    const char* e = strchr(p, '\n');
    if (!e) break;
    if (c && c < e) printf(" %.*s", (int)(c - p), p);
    p = e + 1;
  }
  printf("\n");
  fflush(stdout);
}

static int pidfd_open(pid_t pid, unsigned flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }

int main(void) {
  int f = open("file", O_CREAT | O_RDWR | O_APPEND | O_CLOEXEC, 0644);
  write(f, "hello", 5);
  keys("file keys", f);
  line("file", f, "flags:");
  line("file", f, "pos:");
  lseek(f, 2, SEEK_SET);
  line("file after lseek", f, "pos:");
  fcntl(f, F_SETFD, 0);
  line("file without cloexec", f, "flags:");
  fcntl(f, F_SETFL, O_NONBLOCK);
  line("file O_NONBLOCK (no O_APPEND)", f, "flags:");
  int d = dup(f);
  line("dup", d, "flags:");
  line("dup", d, "pos:");
  close(d);
  VAL("closed fd's fdinfo", open("/proc/self/fdinfo/999", O_RDONLY));

  // The directory lists exactly the open fds (its own included).
  int dfd = open("/proc/self/fdinfo", O_RDONLY | O_DIRECTORY);
  DIR* dir = fdopendir(dfd);
  int n = 0, open_fds = 0, has_f = 0, has_dir = 0;
  for (struct dirent* e; (e = readdir(dir));) {
    if (e->d_name[0] == '.') continue;
    ++n;
    has_f |= atoi(e->d_name) == f;
    has_dir |= atoi(e->d_name) == dfd;
    if (e->d_type != DT_REG) SAY("entry %s not a regular file", e->d_name);
  }
  for (int i = 0; i < 1024; ++i) open_fds += fcntl(i, F_GETFD) >= 0;
  closedir(dir);
  SAY("fdinfo lists: the open fds %d, the file %d, its own fd %d", n == open_fds, has_f, has_dir);

  int ev = eventfd(7, EFD_NONBLOCK | EFD_CLOEXEC);
  keys("eventfd keys", ev);
  line("eventfd", ev, "flags:");
  line("eventfd", ev, "eventfd-count:");

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC);
  keys("signalfd keys", sfd);
  line("signalfd", sfd, "sigmask:");
  line("signalfd", sfd, "flags:");

  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  line("timerfd", tfd, "clockid:");
  line("timerfd", tfd, "ticks:");

  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event e = {.events = EPOLLIN, .data.u64 = 42};
  epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e);
  {
    const char* t = fdinfo(ep);
    const char* p = strstr(t, "tfd:");
    int tfd_no = -1;
    unsigned events = 0;
    if (p) sscanf(p, "tfd: %d events: %x", &tfd_no, &events);
    SAY("epoll target is the eventfd: %d, events %x", tfd_no == ev, events);
  }

  // A pidfd: Pid while running and as a zombie, -1 once reaped.
  pid_t c = fork();
  if (c == 0) {
    pause();
    _exit(0);
  }
  int pfd = pidfd_open(c, 0);
  keys("pidfd keys", pfd);
  line("pidfd", pfd, "flags:");
  {
    const char* t = fdinfo(pfd);
    const char* p = strstr(t, "Pid:");
    SAY("pidfd Pid is the child's: %d", p && atoi(p + 4) == c);
    p = strstr(t, "NSpid:");
    SAY("pidfd NSpid is the child's: %d", p && atoi(p + 6) == c);
  }
  char buf[16];
  VAL("read pidfd", read(pfd, buf, 8));
  VAL("write pidfd", write(pfd, buf, 8));
  int npfd = pidfd_open(c, O_NONBLOCK);
  line("nonblocking pidfd", npfd, "flags:");
  kill(c, SIGKILL);
  siginfo_t si;
  waitid(P_PID, c, &si, WEXITED | WNOWAIT);  // a zombie now
  {
    const char* p = strstr(fdinfo(pfd), "Pid:");
    SAY("zombie's Pid is the child's: %d", p && atoi(p + 4) == c);
  }
  VAL("pidfd_getfd of a zombie", syscall(SYS_pidfd_getfd, pfd, 0, 0));
  waitpid(c, NULL, 0);
  line("reaped", pfd, "Pid:");
  line("reaped", pfd, "NSpid:");
  VAL("pidfd_getfd of a reaped child", syscall(SYS_pidfd_getfd, pfd, 0, 0));

  // Emulated /proc files: read-only descriptors with the guest's flags.
  int st = open("/proc/self/status", O_RDONLY | O_NONBLOCK);
  VAL("F_GETFL of /proc/self/status", fcntl(st, F_GETFL) & ~0100000);
  VAL("write /proc/self/status", write(st, "x", 1));
  VAL("ftruncate /proc/self/status", ftruncate(st, 0));
  line("/proc/self/status", st, "flags:");
  line("/proc/self/status", st, "pos:");
  read(st, buf, 10);
  line("/proc/self/status after read", st, "pos:");
  return 0;
}
