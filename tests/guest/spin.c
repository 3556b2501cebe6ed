// tests/guest/spin.c — spins on the CPU for argv[1] seconds (default 0),
// then prints "spun". Used to test hartd's cpu/wall limits and kill.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char** argv) {
  double secs = argc > 1 ? atof(argv[1]) : 0;
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  volatile unsigned long x = 0;
  for (;;) {
    for (int i = 0; i < 100000; ++i) x += i;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 >= secs) break;
  }
  printf("spun\n");
  return 0;
}
