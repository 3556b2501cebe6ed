// bench/threads2.c — two threads of CPU-bound integer code (a xorshift
// generator feeding a small hash and a collatz-style loop), each on its own
// stack-local state, joined and combined. What it stresses: two vCPUs of
// one guest running at once (no shared cache lines written on the hot
// path, no lock taken per block).
#include <pthread.h>
#include <stdint.h>

#include "bench_util.h"

struct work {
  long iters;
  uint64_t seed;
  uint64_t result;
  char pad[64];  // the two results never share a cache line
};

static void* run(void* arg) {
  struct work* w = arg;
  uint64_t x = w->seed, h = 0;
  for (long i = 0; i < w->iters; ++i) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    uint64_t v = (x & 0xffff) | 1;
    int steps = 0;
    while (v != 1 && steps < 16) {
      v = (v & 1) ? 3 * v + 1 : v >> 1;
      ++steps;
    }
    h = (h ^ v ^ (uint64_t)steps) * 0x100000001b3ull;
  }
  w->result = h;
  return 0;
}

int main(int argc, char** argv) {
  long iters = bench_scale(argc, argv, 5000000);
  static struct work w[2];
  pthread_t t[2];
  for (int k = 0; k < 2; ++k) {
    w[k].iters = iters;
    w[k].seed = 88172645463325252ull + (uint64_t)k * 7919;
    pthread_create(&t[k], 0, run, &w[k]);
  }
  for (int k = 0; k < 2; ++k) pthread_join(t[k], 0);
  bench_result("threads2", w[0].result ^ (w[1].result << 1));
  return 0;
}
