// tests/guest/security/orphan_tree.c — an attacker: the first process of a
// launch forks N children (argv[1], default 4) that run for ever, prints
// "children N" and exits 0. The launch must end with it, its children
// killed (docs/PROTOCOL.md: a launch ends when its first process ends).
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 4;
  int made = 0;
  for (int i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid == 0)
      for (;;) pause();
    if (pid > 0) ++made;
  }
  printf("children %d\n", made);
  fflush(stdout);
  return 0;
}
