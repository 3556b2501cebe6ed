// bench/bench_util.h — shared by the benchmark programs: the scale factor
// from argv and a checksum line, so every run can be checked for correctness
// (the harness compares the checksums of hart-run, qemu-riscv64 and native).
#pragma once
#include <stdio.h>
#include <stdlib.h>

static inline long bench_scale(int argc, char** argv, long dflt) {
  return argc > 1 ? atol(argv[1]) : dflt;
}

static inline void bench_result(const char* name, unsigned long long checksum) {
  printf("%s checksum %llu\n", name, checksum);
}
