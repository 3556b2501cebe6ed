// tests/guest/fork_bomb.c — forks up to N children (argv[1], default 8) that
// stay alive until the parent is done forking, then reports how many forks
// worked and the errno of the first failure (hartd's `processes` limit
// makes fork fail with EAGAIN). With "hold" as argv[2], the children stay
// until stdin ends too (tests that need many live guests at once).
// Exit status 0 unless something unexpected.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 8;
  int fds[2];
  if (pipe(fds) != 0) return 2;
  int ok = 0, err = 0;
  for (int i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid < 0) {
      err = errno;
      break;
    }
    if (pid == 0) {  // child: wait until the parent closes the pipe
      char c;
      close(fds[1]);
      while (read(fds[0], &c, 1) > 0) {
      }
      _exit(0);
    }
    ++ok;
  }
  if (argc > 2 && strcmp(argv[2], "hold") == 0) {
    char c;
    while (read(0, &c, 1) > 0) {
    }
  }
  close(fds[1]);
  int reaped = 0;
  while (wait(NULL) > 0) ++reaped;
  if (reaped != ok) return 3;
  if (err)
    printf("forks: %d ok, then %s\n", ok, err == EAGAIN ? "EAGAIN" : strerror(err));
  else
    printf("forks: %d ok\n", ok);
  return 0;
}
