/* tests/gdb/forker.c — gdb fork/exec events: forks a child that prints and
 * exits (child_work), waits for it, then execs the program named by argv[1]
 * (tests/gdb/execd.c) with argument "from-forker". */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int child_value = 0;

int child_work(int n) {
  child_value = n * 2; /* line for "break child" */
  printf("child says %d\n", child_value);
  fflush(stdout);
  return child_value;
}

int main(int argc, char **argv) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    child_work(21);
    _exit(7);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  printf("parent saw child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  fflush(stdout);
  if (argc > 1) {
    char *args[] = {argv[1], "from-forker", NULL};
    execv(argv[1], args);
    perror("execv");
    return 1;
  }
  return 0;
}
