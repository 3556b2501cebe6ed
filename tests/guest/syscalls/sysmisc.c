// tests/guest/syscalls/sysmisc.c — corners of issue 11's "Misc": getpriority
// and setpriority (who, permission), sethostname/setdomainname (as root,
// and refused unprivileged), prctl PR_SET_CHILD_SUBREAPER (orphans come to
// the subreaper), PR_SET/GET_TIMERSLACK, PR_SET_NO_NEW_PRIVS,
// PR_SET_SECCOMP and seccomp's argument checks, memfd_create's name
// length, ioctl on an O_PATH fd, uname's machine. Unprivileged parts run in
// a forked child that dropped root. Same lines natively and under hart-run.
#include "sc.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>

static void as_nobody(void) {
  setgroups(0, NULL);
  setresgid(65534, 65534, 65534);
  setresuid(65534, 65534, 65534);
  char name[65];
  gethostname(name, sizeof name);
  OK("sethostname unprivileged", sethostname(name, strlen(name)));
  OK("setdomainname unprivileged", setdomainname("x", 1));
  OK("setpriority raise nice", setpriority(PRIO_PROCESS, 0, 5));
  VAL("getpriority", getpriority(PRIO_PROCESS, 0));
  OK("setpriority lower nice", setpriority(PRIO_PROCESS, 0, 1));
  OK("setpriority of root parent", setpriority(PRIO_PROCESS, getppid(), 1));
  struct sched_param sp = {10};
  OK("sched_setscheduler FIFO unprivileged", sched_setscheduler(0, SCHED_FIFO, &sp));
  sp.sched_priority = 0;
  OK("sched_setscheduler of root parent", sched_setscheduler(getppid(), SCHED_OTHER, &sp));
  struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog prog = {1, &insn};
  OK("seccomp filter without no_new_privs", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog));
}

int main(void) {
  struct utsname u;
  uname(&u);
#ifdef __riscv
  BOOL("machine is this build's", !strcmp(u.machine, "riscv64"));
#else
  BOOL("machine is this build's", !strcmp(u.machine, "x86_64"));
#endif
  char name[65], dom[65];
  gethostname(name, sizeof name);
  getdomainname(dom, sizeof dom);
  OK("sethostname same name", sethostname(name, strlen(name)));
  OK("setdomainname same name", setdomainname(dom, strlen(dom)));
  uname(&u);
  BOOL("nodename unchanged", !strcmp(u.nodename, name));
  OK("sethostname 65 bytes", sethostname(name, 65));
  OK("sethostname -1", sethostname(name, -1));
  OK("sethostname bad pointer", sethostname(BAD_PTR, 4));

  VAL("getpriority self", getpriority(PRIO_PROCESS, 0));
  OK("getpriority bad which", getpriority(7, 0));
  OK("getpriority no such pid", getpriority(PRIO_PROCESS, 99999999));
  OK("setpriority 10", setpriority(PRIO_PROCESS, 0, 10));
  VAL("getpriority", getpriority(PRIO_PROCESS, 0));
  OK("setpriority 50 (clamped)", setpriority(PRIO_PROCESS, 0, 50));
  VAL("getpriority", getpriority(PRIO_PROCESS, 0));
  OK("setpriority back to 0 as root", setpriority(PRIO_PROCESS, 0, 0));
  // Alone in a group of its own: natively the test driver shares its group.
  setpgid(0, 0);
  VAL("getpriority pgrp", getpriority(PRIO_PGRP, 0));
  errno = 0;
  getpriority(PRIO_USER, 0);  // the value depends on the host's other processes
  SAY("getpriority user: %s", sc_errname(errno));

  // Scheduling policies (virtual in hartd; the host thread is unchanged).
  VAL("sched_get_priority_max FIFO", sched_get_priority_max(SCHED_FIFO));
  VAL("sched_get_priority_min RR", sched_get_priority_min(SCHED_RR));
  VAL("sched_get_priority_max OTHER", sched_get_priority_max(SCHED_OTHER));
  OK("sched_get_priority_max 99", sched_get_priority_max(99));
  struct sched_param sp = {0};
  VAL("sched_getscheduler", sched_getscheduler(0));
  OK("sched_setscheduler BATCH", sched_setscheduler(0, SCHED_BATCH, &sp));
  VAL("sched_getscheduler", sched_getscheduler(0));
  sp.sched_priority = 5;
  OK("sched_setscheduler OTHER prio 5", sched_setscheduler(0, SCHED_OTHER, &sp));
  OK("sched_setscheduler NULL", sched_setscheduler(0, SCHED_OTHER, NULL));
  OK("sched_setscheduler bad param", sched_setscheduler(0, SCHED_OTHER, BAD_PTR));
  OK("sched_setscheduler bad policy", sched_setscheduler(0, 77, &sp));
  OK("sched_setscheduler no such pid", sched_setscheduler(99999999, SCHED_OTHER, &sp));
  sp.sched_priority = 0;
  OK("sched_setparam", sched_setparam(0, &sp));
  OK("sched_setscheduler OTHER", sched_setscheduler(0, SCHED_OTHER, &sp));
  struct timespec rr;
  OK("sched_rr_get_interval", sched_rr_get_interval(0, &rr));
  OK("sched_rr_get_interval bad pid", sched_rr_get_interval(-1, &rr));
  VAL("timerslack default", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0));
  OK("set timerslack", prctl(PR_SET_TIMERSLACK, 1000, 0, 0, 0));
  VAL("timerslack", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0));
  OK("reset timerslack", prctl(PR_SET_TIMERSLACK, 0, 0, 0, 0));
  VAL("timerslack", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0));

  OK("PR_SET_SECCOMP filter NULL", prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0));
  OK("PR_SET_SECCOMP bad mode", prctl(PR_SET_SECCOMP, 7, 0, 0, 0));
  VAL("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
  struct sock_fprog empty = {0, NULL};
  OK("seccomp empty filter", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &empty));
  OK("seccomp bad flags", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0x80000000u, &empty));
  OK("seccomp bad op", syscall(SYS_seccomp, 99, 0, NULL));
  VAL("no_new_privs", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  OK("set no_new_privs 2", prctl(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0));

  char longname[300];
  memset(longname, 'm', sizeof longname);
  longname[249] = 0;
  int fd = memfd_create(longname, 0);
  BOOL("memfd name 249", fd >= 0);
  close(fd);
  longname[249] = 'm';
  longname[250] = 0;
  OK("memfd name 250", memfd_create(longname, 0));
  OK("memfd bad name", memfd_create(BAD_PTR, 0));
  OK("memfd bad flags", memfd_create("x", 0x4000));

  int pfd = open("/", O_PATH);
  struct termios t;
  OK("ioctl on O_PATH fd", ioctl(pfd, TCGETS, &t));
  int n;
  OK("FIONREAD on O_PATH fd", ioctl(pfd, FIONREAD, &n));
  close(pfd);

  // Child subreaper: the grandchild of an exiting child comes to us.
  VAL("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
  int flag = 0;
  prctl(PR_GET_CHILD_SUBREAPER, &flag, 0, 0, 0);
  SAY("subreaper flag %d", flag);
  int pipefd[2];
  pipe(pipefd);
  pid_t me = getpid();
  pid_t c = fork();
  if (c == 0) {
    pid_t g = fork();
    if (g == 0) {
      char b;
      read(pipefd[0], &b, 1);  // until the middle child is gone
      SAY("grandchild: parent is the subreaper: %s", getppid() == me ? "yes" : "no");
      _exit(5);
    }
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  write(pipefd[1], "x", 1);
  pid_t g = wait(&st);
  SAY("reaped a grandchild: %s, status %d", g > 0 && g != c ? "yes" : "no", WEXITSTATUS(st));
  OK("wait again", wait(&st));

  c = fork();
  if (c == 0) {
    as_nobody();
    _exit(0);
  }
  waitpid(c, &st, 0);
  return 0;
}
