// bench/mem_string.c — string and memory copying through libc: memcpy,
// memset, strlen, strcmp, strchr over buffers of mixed sizes.
#include <string.h>

#include "bench_util.h"

int main(int argc, char** argv) {
  long scale = bench_scale(argc, argv, 4000);
  static char a[1 << 16], b[1 << 16];
  for (int i = 0; i < (1 << 16); ++i) a[i] = (char)('a' + (i * 7) % 26);
  a[(1 << 16) - 1] = 0;
  unsigned long long sum = 0;
  for (long r = 0; r < scale; ++r) {
    size_t n = 1024 + (size_t)(r * 977) % ((1 << 16) - 2048);
    memcpy(b, a + (r & 15), n);
    b[n] = 0;
    sum += strlen(b);
    sum += (unsigned long long)(strcmp(a, b) > 0);
    const char* p = strchr(b + (r & 255), 'z');
    sum += p ? (unsigned long long)(p - b) : 0;
    memset(b, (int)(r & 0x7f), 4096);
    sum += (unsigned char)b[4095];
    for (int k = 0; k < 64; ++k) {
      size_t m = 8 + (size_t)((k * 13 + r) & 127);
      memmove(b + 1, b + (k & 7), m);
      sum += (unsigned char)b[m / 2];
    }
  }
  bench_result("mem_string", sum);
  return 0;
}
