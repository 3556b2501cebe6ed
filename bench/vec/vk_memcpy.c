// bench/vec/vk_memcpy.c — byte loops GCC 14 autovectorises: a copy loop
// (memcpy-style, written out so the compiler, not libc, vectorises it), a
// byte-wise transform (to upper case), and a strlen-style count of the
// bytes before a terminator in fixed-size records.
#include "../bench_util.h"

#define N 4096
static unsigned char src[N], dst[N];

__attribute__((noinline)) static void copy_bytes(unsigned char* restrict d, const unsigned char* restrict s, int n) {
  for (int i = 0; i < n; ++i) d[i] = s[i];
}

__attribute__((noinline)) static void upper(unsigned char* restrict d, const unsigned char* restrict s, int n) {
  for (int i = 0; i < n; ++i) d[i] = (s[i] >= 'a' && s[i] <= 'z') ? s[i] - 32 : s[i];
}

// Bytes before the first 0 of each 64-byte record, counted branch-free.
__attribute__((noinline)) static unsigned record_lengths(const unsigned char* s, int n) {
  unsigned total = 0;
  for (int r = 0; r < n; r += 64) {
    unsigned seen = 0, len = 0;
    for (int i = 0; i < 64; ++i) {
      seen |= s[r + i] == 0;
      len += !seen;
    }
    total += len;
  }
  return total;
}

int main(int argc, char** argv) {
  long scale = bench_scale(argc, argv, 20000);
  for (int i = 0; i < N; ++i) src[i] = (unsigned char)((i * 37 + 11) % 97 == 0 ? 0 : 'A' + (i * 7) % 58);
  unsigned long long sum = 0;
  for (long r = 0; r < scale; ++r) {
    int n = N - (int)(r & 63);
    copy_bytes(dst, src + (r & 7), n - 8);
    sum += dst[(r * 13) % (n - 8)];
    upper(dst, src, n);
    sum += dst[(r * 29) % n];
    if ((r & 7) == 0) sum += record_lengths(dst, N);
  }
  bench_result("vk_memcpy", sum);
  return 0;
}
