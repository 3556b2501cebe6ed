// tests/guest/mem_hog.c — maps (and touches) 1 MiB chunks until N MiB
// (argv[1], default 16) or the first failure, and reports it: hartd's
// `memory_bytes` limit makes mmap fail with ENOMEM and brk/malloc fail.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 16;
  int got = 0;
  for (; got < n; ++got) {
    char* p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      int e = errno;
      void* m = malloc(64 << 20);  // brk or mmap: must fail as well
      printf("mapped %d MiB, then %s; malloc(64 MiB) %s\n", got,
             e == ENOMEM ? "ENOMEM" : strerror(e), m ? "worked" : "failed");
      return 0;
    }
    p[0] = 1;
  }
  printf("mapped %d MiB\n", got);
  return 0;
}
