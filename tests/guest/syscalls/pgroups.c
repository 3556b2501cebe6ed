// tests/guest/syscalls/pgroups.c — process groups: kill(-pgid) reaches every
// member of the group (set from both sides, the race-free idiom) and only
// them; an empty group is ESRCH.
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
  pid_t a = fork();
  if (a == 0) { setpgid(0, 0); pause(); _exit(1); }
  pid_t b = fork();
  if (b == 0) { setpgid(0, a); pause(); _exit(2); }
  pid_t c = fork();
  if (c == 0) { sleep(3); _exit(3); }
  usleep(100000);
  setpgid(a, a); setpgid(b, a);
  printf("kill group: %d\n", kill(-a, SIGTERM));
  int st;
  waitpid(a, &st, 0); printf("a: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
  waitpid(b, &st, 0); printf("b: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
  printf("kill empty group: %d\n", kill(-a, SIGTERM));
  kill(c, SIGKILL); waitpid(c, &st, 0); printf("c: %d\n", WTERMSIG(st));
  return 0;
}
