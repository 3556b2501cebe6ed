// bench/bench_util.h — shared by the benchmark programs: the scale factor
// from argv and a checksum line, so every run can be checked for correctness
// (the harness compares the checksums of hart-run, qemu-riscv64 and native).
#pragma once
#include <stdio.h>
#include <stdlib.h>

// BENCH_SCALE_DIVISOR (a build option): smaller default sizes, for tests.
static inline long bench_scale(int argc, char** argv, long dflt) {
#ifdef BENCH_SCALE_DIVISOR
  dflt = dflt / BENCH_SCALE_DIVISOR > 0 ? dflt / BENCH_SCALE_DIVISOR : 1;
#endif
  return argc > 1 ? atol(argv[1]) : dflt;
}

static inline void bench_result(const char* name, unsigned long long checksum) {
  printf("%s checksum %llu\n", name, checksum);
}
