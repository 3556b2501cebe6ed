// tests/guest/syscalls/spawn.c — clone3 and pidfds: posix_spawn of this
// program (glibc's clone3 CLONE_VM|CLONE_VFORK path, errno left alone),
// a raw clone3 CLONE_VM|CLONE_VFORK with its own stack that execs at once,
// clone_args sizes (64, 88, larger with a zero tail; E2BIG, EINVAL,
// EFAULT), invalid flag combinations (EINVAL), exit_signal, set_tid,
// CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP with a non-cgroup fd, namespace
// flags when unprivileged, CLONE_PIDFD, pidfd_open, poll on a pidfd,
// pidfd_send_signal, pidfd_getfd and waitid(P_PIDFD), pidfd_open of a
// zombie. Same lines natively
// and under hart-run.
#include "sc.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char** environ;

static long clone3(struct clone_args* a, size_t size) { return syscall(SYS_clone3, a, size); }

// A fork-like clone3 (no CLONE_VM, no stack): the child exits with `code`.
static void fork_like(const char* label, struct clone_args* a, size_t size, int code) {
  errno = 0;
  long pid = clone3(a, size);
  if (pid == 0) _exit(code);
  if (pid < 0) {
    SAY("%s: %s", label, sc_errname(errno));
    return;
  }
  int st = 0;
  waitpid((pid_t)pid, &st, __WALL);
  SAY("%s: child exit %d", label, WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
}

// clone3 with CLONE_VM|CLONE_VFORK and a stack: the child runs on that
// stack and execs path at once (no C code may run there).
static long clone3_vfork_exec(struct clone_args* a, size_t size, const char* path,
                              char* const* argv) {
  long ret;
  // The exec arguments, read by the child from the (shared) parent stack.
  const void* exec_args[3] = {path, argv, environ};
#if defined(__x86_64__)
  register const void** args __asm__("r12") = exec_args;
  __asm__ volatile(
      "syscall; test %%rax, %%rax; jnz 1f\n\t"  // clone3
      "mov $59, %%eax; mov (%%r12), %%rdi; mov 8(%%r12), %%rsi; mov 16(%%r12), %%rdx; syscall\n\t"
      "mov $231, %%eax; mov $127, %%edi; syscall\n1:\n\t"  // execve failed: exit_group(127)
      : "=a"(ret) : "a"((long)SYS_clone3), "D"(a), "S"(size), "r"(args) : "rcx", "r11", "rdx", "memory");
#elif defined(__riscv)
  register long a0 __asm__("a0") = (long)a, a1 __asm__("a1") = (long)size,
                a7 __asm__("a7") = SYS_clone3;
  register const void** args __asm__("s2") = exec_args;
  __asm__ volatile(
      "ecall; bnez a0, 1f\n\t"  // clone3
      "ld a0, 0(s2); ld a1, 8(s2); ld a2, 16(s2); li a7, 221; ecall\n\t"
      "li a0, 127; li a7, 94; ecall\n1:\n\t"  // execve failed: exit_group(127)
      : "+r"(a0) : "r"(a1), "r"(a7), "r"(args) : "a2", "memory");
  ret = a0;
#endif
  if (ret < 0) {
    errno = (int)-ret;
    return -1;
  }
  return ret;
}

static void invalid(void) {
  struct clone_args a;
  char big[200];
  memset(big, 0, sizeof big);
  memset(&a, 0, sizeof a);
  a.exit_signal = SIGCHLD;
  memcpy(big, &a, sizeof a);
  fork_like("size 64", &a, 64, 1);
  fork_like("size 88", &a, 88, 2);
  fork_like("size 200, zero tail", (struct clone_args*)big, 200, 3);
  big[150] = 1;
  fork_like("size 200, non-zero tail", (struct clone_args*)big, 200, 0);
  fork_like("size 4097", (struct clone_args*)big, 4097, 0);
  fork_like("size 32", &a, 32, 0);
  OK("args NULL", clone3(NULL, 88));
  OK("args bad pointer", clone3(BAD_PTR, 88));
  struct clone_args b = a;
  b.flags = CLONE_SIGHAND;
  fork_like("SIGHAND without VM", &b, 88, 0);
  b.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
  fork_like("THREAD with exit_signal", &b, 88, 0);
  b.flags = CLONE_DETACHED;
  fork_like("DETACHED", &b, 88, 0);
  b.flags = CLONE_SIGHAND | CLONE_CLEAR_SIGHAND | CLONE_VM;
  fork_like("SIGHAND|CLEAR_SIGHAND", &b, 88, 0);
  b.flags = 1ull << 40;
  fork_like("unknown flag", &b, 88, 0);
  b.flags = 0x11;
  fork_like("signal bits in flags", &b, 88, 0);
  b.flags = CLONE_NEWNS | CLONE_FS;
  fork_like("NEWNS|FS", &b, 88, 0);
  b.flags = 0;
  b.exit_signal = 65;
  fork_like("exit_signal 65", &b, 88, 0);
  b.exit_signal = SIGCHLD | (1ull << 32);
  fork_like("exit_signal high bits", &b, 88, 0);
  b.exit_signal = SIGCHLD;
  b.stack = 0x10000;
  fork_like("stack without size", &b, 88, 0);
  b.stack = 0;
  b.stack_size = 4096;
  fork_like("size without stack", &b, 88, 0);
  b.stack_size = 0;
  b.set_tid_size = 1;
  fork_like("set_tid_size without set_tid", &b, 88, 0);
  pid_t tids[2] = {getpid(), 0};
  b.set_tid = (uintptr_t)tids;
  b.set_tid_size = 33;
  fork_like("set_tid_size 33", &b, 88, 0);
  b.set_tid_size = 2;
  fork_like("set_tid_size 2 (one pid namespace)", &b, 88, 0);
  b.set_tid_size = 1;
  fork_like("set_tid of a pid in use", &b, 88, 0);
  tids[0] = -5;
  fork_like("set_tid -5", &b, 88, 0);
  b.set_tid = (uintptr_t)BAD_PTR;
  fork_like("set_tid bad pointer", &b, 88, 0);
  b.set_tid = 0;
  b.set_tid_size = 0;
  b.flags = CLONE_INTO_CGROUP;
  b.cgroup = 1;
  fork_like("INTO_CGROUP stdout", &b, 88, 0);
  fork_like("INTO_CGROUP size 64", &b, 64, 0);
  b.cgroup = 1ull << 40;
  fork_like("INTO_CGROUP huge fd", &b, 88, 0);
  b.cgroup = 0;
  b.flags = CLONE_PIDFD;
  b.pidfd = (uintptr_t)BAD_PTR;
  fork_like("PIDFD bad pointer", &b, 88, 0);
}

static void unprivileged(void) {
  setgroups(0, NULL);
  setresgid(65534, 65534, 65534);
  setresuid(65534, 65534, 65534);
  struct clone_args a;
  memset(&a, 0, sizeof a);
  a.exit_signal = SIGCHLD;
  static const struct {
    const char* name;
    unsigned long long flag;
  } ns[] = {{"NEWNS", CLONE_NEWNS},   {"NEWUTS", CLONE_NEWUTS}, {"NEWIPC", CLONE_NEWIPC},
            {"NEWPID", CLONE_NEWPID}, {"NEWNET", CLONE_NEWNET}, {"NEWCGROUP", CLONE_NEWCGROUP}};
  for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; ++i) {
    a.flags = ns[i].flag;
    char label[64];
    snprintf(label, sizeof label, "unprivileged %s", ns[i].name);
    fork_like(label, &a, 88, 0);
  }
  OK("unshare NEWUTS unprivileged", unshare(CLONE_NEWUTS));
  OK("unshare NEWNS unprivileged", unshare(CLONE_NEWNS));
  a.flags = 0;
  pid_t tid = 30000;
  a.set_tid = (uintptr_t)&tid;
  a.set_tid_size = 1;
  fork_like("unprivileged set_tid", &a, 88, 0);
}

static void usr1(int s) { (void)s; }

static void pidfds(void) {
  // CLONE_PIDFD: the fd names the child; poll shows its exit.
  struct clone_args a;
  memset(&a, 0, sizeof a);
  int pidfd = -1;
  a.flags = CLONE_PIDFD;
  a.pidfd = (uintptr_t)&pidfd;
  a.exit_signal = SIGCHLD;
  long pid = clone3(&a, sizeof a);
  if (pid == 0) {
    usleep(20000);
    _exit(9);
  }
  BOOL("clone3 CLONE_PIDFD gave an fd", pid > 0 && pidfd >= 0);
  VAL("pidfd close-on-exec", fcntl(pidfd, F_GETFD));
  struct pollfd p = {pidfd, POLLIN, 0};
  VAL("poll before exit", poll(&p, 1, 0));
  VAL("poll until exit", poll(&p, 1, 5000));
  SAY("revents POLLIN %d", !!(p.revents & POLLIN));
  siginfo_t si;
  memset(&si, 0, sizeof si);
  OK("waitid P_PIDFD", waitid(P_PIDFD, pidfd, &si, WEXITED));
  SAY("waitid: code %d status %d pid matches %d", si.si_code, si.si_status, si.si_pid == pid);
  OK("pidfd_send_signal after reap", syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0));
  close(pidfd);

  // pidfd_open, pidfd_send_signal, pidfd_getfd.
  int pipefd[2];
  pipe(pipefd);
  pid_t c = fork();
  if (c == 0) {
    char b;
    signal(SIGUSR1, usr1);
    read(pipefd[0], &b, 1);
    pause();
    _exit(0);
  }
  OK("pidfd_open bad flags", syscall(SYS_pidfd_open, c, 1));
  OK("pidfd_open 0", syscall(SYS_pidfd_open, 0, 0));
  OK("pidfd_open no such pid", syscall(SYS_pidfd_open, 99999999, 0));
  int fd = (int)syscall(SYS_pidfd_open, c, 0);
  BOOL("pidfd_open", fd >= 0);
  int nb = (int)syscall(SYS_pidfd_open, c, O_NONBLOCK);
  OK("waitid P_PIDFD nonblocking, running", waitid(P_PIDFD, nb, &si, WEXITED));
  OK("waitid P_PIDFD WNOHANG, running", waitid(P_PIDFD, fd, &si, WEXITED | WNOHANG));
  OK("waitid P_PIDFD not a pidfd", waitid(P_PIDFD, pipefd[0], &si, WEXITED));
  OK("pidfd_send_signal not a pidfd", syscall(SYS_pidfd_send_signal, pipefd[0], 0, NULL, 0));
  OK("pidfd_send_signal bad flags", syscall(SYS_pidfd_send_signal, fd, 0, NULL, 8));
  OK("pidfd_send_signal bad signal", syscall(SYS_pidfd_send_signal, fd, 99, NULL, 0));
  OK("pidfd_send_signal 0", syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0));
  // A /proc/<pid> directory fd stands for a pidfd here (not its subfolders).
  char ppath[64];
  snprintf(ppath, sizeof ppath, "/proc/%d", (int)c);
  int procfd = open(ppath, O_RDONLY | O_DIRECTORY);
  snprintf(ppath, sizeof ppath, "/proc/%d/task", (int)c);
  int taskfd = open(ppath, O_RDONLY | O_DIRECTORY);
  OK("pidfd_send_signal /proc/<pid> fd", syscall(SYS_pidfd_send_signal, procfd, 0, NULL, 0));
  OK("pidfd_send_signal /proc/<pid>/task fd", syscall(SYS_pidfd_send_signal, taskfd, 0, NULL, 0));
  close(taskfd);
  memset(&si, 0, sizeof si);
  si.si_signo = SIGUSR1;
  si.si_code = SI_QUEUE;
  OK("pidfd_send_signal info signo mismatch", syscall(SYS_pidfd_send_signal, fd, SIGUSR2, &si, 0));
  si.si_code = 0;
  OK("pidfd_send_signal info si_code >= 0", syscall(SYS_pidfd_send_signal, fd, SIGUSR1, &si, 0));
  OK("pidfd_send_signal info bad pointer", syscall(SYS_pidfd_send_signal, fd, SIGUSR1, BAD_PTR, 0));
  int got = (int)syscall(SYS_pidfd_getfd, fd, pipefd[1], 0);
  BOOL("pidfd_getfd", got >= 0);
  VAL("pidfd_getfd close-on-exec", fcntl(got, F_GETFD));
  OK("pidfd_getfd bad flags", syscall(SYS_pidfd_getfd, fd, pipefd[1], 1));
  OK("pidfd_getfd closed fd", syscall(SYS_pidfd_getfd, fd, 900, 0));
  write(got, "x", 1);
  close(got);
  usleep(20000);
  OK("pidfd_send_signal SIGTERM", syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0));
  struct pollfd q = {fd, POLLIN, 0};
  VAL("poll", poll(&q, 1, 5000));
  memset(&si, 0, sizeof si);
  OK("waitid P_PIDFD", waitid(P_PIDFD, fd, &si, WEXITED));
  SAY("waitid: code %d status %d", si.si_code, si.si_status);
  OK("pidfd_send_signal /proc/<pid> fd after reap", syscall(SYS_pidfd_send_signal, procfd, 0, NULL, 0));
  close(procfd);
  close(fd);
  close(nb);

  // An ended child not yet reaped (a zombie) still has a pidfd, readable at
  // once; once reaped, none.
  c = fork();
  if (c == 0) _exit(5);
  memset(&si, 0, sizeof si);
  OK("waitid WNOWAIT (the child is a zombie)", waitid(P_PID, c, &si, WEXITED | WNOWAIT));
  fd = (int)syscall(SYS_pidfd_open, c, 0);
  BOOL("pidfd_open of a zombie", fd >= 0);
  struct pollfd z = {fd, POLLIN, 0};
  VAL("poll zombie's pidfd", poll(&z, 1, 0));
  SAY("revents POLLIN %d", !!(z.revents & POLLIN));
  OK("pidfd_send_signal 0 to a zombie", syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0));
  memset(&si, 0, sizeof si);
  OK("waitid P_PIDFD of a zombie", waitid(P_PIDFD, fd, &si, WEXITED));
  SAY("waitid: code %d status %d", si.si_code, si.si_status);
  OK("pidfd_open after reap", syscall(SYS_pidfd_open, c, 0));
  close(fd);
}

static void clear_sighand(void) {
  signal(SIGUSR1, usr1);
  signal(SIGUSR2, SIG_IGN);
  struct clone_args a;
  memset(&a, 0, sizeof a);
  a.flags = CLONE_CLEAR_SIGHAND;
  a.exit_signal = SIGCHLD;
  long pid = clone3(&a, sizeof a);
  if (pid == 0) {
    struct sigaction s1, s2;
    sigaction(SIGUSR1, NULL, &s1);
    sigaction(SIGUSR2, NULL, &s2);
    _exit((s1.sa_handler == SIG_DFL) | (s2.sa_handler == SIG_IGN) << 1);
  }
  int st;
  waitpid((pid_t)pid, &st, 0);
  SAY("CLEAR_SIGHAND: handler reset %d, ignored kept %d", WEXITSTATUS(st) & 1,
      (WEXITSTATUS(st) >> 1) & 1);
  signal(SIGUSR1, SIG_DFL);
  signal(SIGUSR2, SIG_DFL);
}

int main(int argc, char** argv) {
  if (argc > 1) return atoi(argv[1]);  // a spawned or exec'd copy of this program
  const char* self = argv[0];

  // posix_spawn of this program (glibc: clone3 CLONE_VM|CLONE_VFORK).
  pid_t pid;
  char* sargv[] = {argv[0], "3", NULL};
  errno = 0;
  int r = posix_spawn(&pid, self, NULL, NULL, sargv, environ);
  SAY("posix_spawn: %d, errno %s", r, sc_errname(errno));
  int st;
  VAL("waitpid is the spawned pid", waitpid(pid, &st, 0) == pid);
  SAY("spawned child exit %d", WEXITSTATUS(st));
  char* bad[] = {"/nonexistent/prog", NULL};
  r = posix_spawn(&pid, bad[0], NULL, NULL, bad, environ);
  SAY("posix_spawn of a missing program: %s", sc_errname(r));

  // A raw clone3 vfork with its own stack, exec'ing at once.
  static char stack[65536] __attribute__((aligned(16)));
  struct clone_args a;
  memset(&a, 0, sizeof a);
  a.flags = CLONE_VM | CLONE_VFORK;
  a.exit_signal = SIGCHLD;
  a.stack = (uintptr_t)stack;
  a.stack_size = sizeof stack;
  char* xargv[] = {argv[0], "4", NULL};
  long c = clone3_vfork_exec(&a, sizeof a, self, xargv);
  BOOL("clone3 CLONE_VM|CLONE_VFORK", c > 0);
  waitpid((pid_t)c, &st, 0);
  SAY("vfork child exit %d", WEXITSTATUS(st));
  char* missing[] = {"/nonexistent", NULL};
  c = clone3_vfork_exec(&a, sizeof a, missing[0], missing);
  waitpid((pid_t)c, &st, 0);
  SAY("vfork child of a missing program exit %d", WEXITSTATUS(st));

  OK("unshare 0", unshare(0));
  OK("unshare FILES", unshare(CLONE_FILES));
  OK("unshare FS|SYSVSEM", unshare(CLONE_FS | CLONE_SYSVSEM));
  OK("unshare signal bits", unshare(0x11));
  invalid();
  clear_sighand();
  pidfds();
  pid_t u = fork();
  if (u == 0) {
    unprivileged();
    fflush(stdout);
    _exit(0);
  }
  waitpid(u, &st, 0);
  return 0;
}
