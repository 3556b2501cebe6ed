// tests/guest/fork_exec.c — processes inside hartd: fork + wait4 (exit
// codes, death by signal, WNOHANG, ECHILD), separate memory after fork,
// getppid, a pipe between parent and child, a SIGCHLD handler, waitid,
// vfork + execve of this same program (its path comes from argv[0]),
// posix_spawn (glibc: clone(CLONE_VM|CLONE_VFORK)), and execve of a `#!`
// script whose interpreter is this program. Output must equal the native run.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;
static int global = 1;
static volatile int sigchld_count;
static void on_chld(int s) { (void)s; sigchld_count++; }

static void show(const char* what, int status) {
  if (WIFEXITED(status))
    printf("%s: exited %d\n", what, WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    printf("%s: killed by signal %d core %d\n", what, WTERMSIG(status), WCOREDUMP(status) ? 1 : 0);
  else
    printf("%s: status %#x\n", what, status);
}

static pid_t fork_flushed(void) {
  fflush(stdout);
  return fork();
}

int main(int argc, char** argv) {
  if (argc >= 2 && !strcmp(argv[1], "exec-child")) {
    printf("exec-child running with %d args, last '%s'\n", argc, argv[argc - 1]);
    return 11;
  }
  if (argc >= 2 && !strcmp(argv[1], "spawned")) return 7;
  if (argc >= 2 && !strcmp(argv[1], "as-interpreter")) {
    // argv: interpreter, its optional argument, the script path, the script's arguments.
    printf("interpreter got '%s', script path ok %d, arg '%s'\n", argv[1],
           argc > 2 && !strncmp(argv[2], "/tmp/", 5), argc > 3 ? argv[3] : "");
    return 12;
  }
  const char* self = argv[0];
  int status;

  pid_t pid = fork_flushed();
  if (pid == 0) {
    global = 2;
    printf("child: ppid matches %d, global %d\n", getppid() != getpid(), global);
    exit(3);
  }
  pid_t w = waitpid(pid, &status, 0);
  printf("waited right child %d, parent global %d\n", w == pid, global);
  show("exit", status);

  pid = fork_flushed();
  if (pid == 0) {
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    abort();
  }
  waitpid(pid, &status, 0);
  show("abort", status);

  pid = fork_flushed();
  if (pid == 0) {
    for (;;) pause();
  }
  printf("WNOHANG while running: %d\n", waitpid(pid, &status, WNOHANG));
  kill(pid, SIGTERM);
  waitpid(pid, &status, 0);
  show("kill TERM", status);
  errno = 0;
  int none = (int)waitpid(-1, &status, 0);
  printf("no children left: %d %s\n", none, strerror(errno));

  int fds[2];
  if (pipe(fds) != 0) return 1;
  pid = fork_flushed();
  if (pid == 0) {
    close(fds[0]);
    const char msg[] = "hello through a pipe";
    write(fds[1], msg, sizeof msg - 1);
    _exit(0);
  }
  close(fds[1]);
  char buf[64];
  ssize_t n, total = 0;
  while ((n = read(fds[0], buf + total, sizeof buf - 1 - total)) > 0) total += n;
  buf[total] = 0;
  close(fds[0]);
  waitpid(pid, &status, 0);
  printf("pipe: '%s'\n", buf);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_chld;
  sigaction(SIGCHLD, &sa, NULL);
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &old);
  pid = fork_flushed();
  if (pid == 0) _exit(4);
  while (!sigchld_count) sigsuspend(&old);
  sigprocmask(SIG_SETMASK, &old, NULL);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  waitid(P_PID, pid, &si, WEXITED);
  printf("SIGCHLD handler ran %d; waitid code %d status %d pid ok %d\n", sigchld_count,
         si.si_code, si.si_status, si.si_pid == pid);
  signal(SIGCHLD, SIG_DFL);

  fflush(stdout);
  pid = vfork();
  if (pid == 0) {
    char* args[] = {(char*)self, "exec-child", "a", "b", NULL};
    execve(self, args, environ);
    _exit(99);
  }
  waitpid(pid, &status, 0);
  show("vfork+execve", status);

  char* sargs[] = {(char*)self, "spawned", NULL};
  fflush(stdout);
  if (posix_spawn(&pid, self, NULL, NULL, sargs, environ) != 0) return 1;
  waitpid(pid, &status, 0);
  show("posix_spawn", status);

  errno = 0;
  char* nargs[] = {"/nonexistent/program", NULL};
  execve(nargs[0], nargs, environ);
  printf("execve of a missing file: %s\n", strerror(errno));

  char script[] = "/tmp/hart-script-XXXXXX";
  int sfd = mkstemp(script);
  if (sfd < 0) return 1;
  dprintf(sfd, "#!%s as-interpreter\n", self);
  close(sfd);
  chmod(script, 0755);
  pid = fork_flushed();
  if (pid == 0) {
    char* args[] = {script, "script-arg", NULL};
    execve(script, args, environ);
    _exit(98);
  }
  waitpid(pid, &status, 0);
  unlink(script);
  show("script", status);
  return 0;
}
