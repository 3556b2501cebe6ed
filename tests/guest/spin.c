// tests/guest/spin.c — spins on the CPU for argv[1] seconds (default 0),
// in argv[2] threads (default 1), then prints "spun". Used to test hartd's
// cpu/wall limits and kill.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double secs;

static void* spin(void* arg) {
  (void)arg;
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  volatile unsigned long x = 0;
  for (;;) {
    for (int i = 0; i < 100000; ++i) x += i;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 >= secs) break;
  }
  return NULL;
}

int main(int argc, char** argv) {
  secs = argc > 1 ? atof(argv[1]) : 0;
  int threads = argc > 2 ? atoi(argv[2]) : 1;
  for (int i = 1; i < threads; ++i) {
    pthread_t t;
    if (pthread_create(&t, NULL, spin, NULL) != 0) {
      printf("pthread_create failed\n");
      return 1;
    }
    pthread_detach(t);
  }
  spin(NULL);
  printf("spun\n");
  return 0;
}
