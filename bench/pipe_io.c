// bench/pipe_io.c — system-call bound: small messages through a pipe to
// itself (write then read, 256 bytes each), a clock_gettime per round and a
// checksum of what came back. What it stresses: the system call path —
// under `hart-run --record` every read's bytes and every clock value go to
// the log (bench/record.py's I/O-bound case).
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

int main(int argc, char** argv) {
  long rounds = bench_scale(argc, argv, 200000);
  int fds[2];
  if (pipe(fds) != 0) return 1;
  unsigned char out[256], in[256];
  uint64_t sum = 0, ticks = 0;
  for (long r = 0; r < rounds; ++r) {
    for (int i = 0; i < 256; ++i) out[i] = (unsigned char)(r * 31 + i);
    if (write(fds[1], out, sizeof out) != (ssize_t)sizeof out) return 1;
    if (read(fds[0], in, sizeof in) != (ssize_t)sizeof in) return 1;
    for (int i = 0; i < 256; ++i) sum = sum * 131 + in[i];
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ticks += ts.tv_nsec != 0;  // the clock is read, not summed: the checksum stays deterministic
  }
  bench_result("pipe_io", sum + (ticks > 0));
  return 0;
}
