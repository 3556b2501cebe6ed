// bench/int_kernels.c — integer kernels: sieve of Eratosthenes, CRC-32
// (bitwise), 64-bit integer matrix multiply, and an insertion/shell sort.
#include <stdint.h>
#include <string.h>

#include "bench_util.h"

static uint32_t crc32_bitwise(const uint8_t* p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
  }
  return ~c;
}

static unsigned sieve(uint8_t* s, unsigned n) {
  memset(s, 1, n);
  s[0] = s[1] = 0;
  for (unsigned i = 2; i * i < n; ++i)
    if (s[i])
      for (unsigned j = i * i; j < n; j += i) s[j] = 0;
  unsigned c = 0;
  for (unsigned i = 0; i < n; ++i) c += s[i];
  return c;
}

#define N 64
static int64_t A[N][N], B[N][N], C[N][N];

static int64_t matmul(void) {
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) {
      int64_t s = 0;
      for (int k = 0; k < N; ++k) s += A[i][k] * B[k][j];
      C[i][j] = s;
    }
  int64_t t = 0;
  for (int i = 0; i < N; ++i) t ^= C[i][i] + C[i][N - 1 - i];
  return t;
}

static void shell_sort(uint32_t* a, int n) {
  for (int gap = n / 2; gap > 0; gap /= 2)
    for (int i = gap; i < n; ++i) {
      uint32_t v = a[i];
      int j = i;
      for (; j >= gap && a[j - gap] > v; j -= gap) a[j] = a[j - gap];
      a[j] = v;
    }
}

int main(int argc, char** argv) {
  long scale = bench_scale(argc, argv, 10);
  static uint8_t buf[1 << 16], sv[1 << 20];
  static uint32_t arr[1 << 14];
  unsigned long long sum = 0;
  uint32_t x = 12345;
  for (size_t i = 0; i < sizeof buf; ++i) buf[i] = (uint8_t)(x = x * 1103515245u + 12345u) >> 3;
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) {
      A[i][j] = (i * 7 + j * 3) % 17 - 8;
      B[i][j] = (i * 5 + j * 11) % 13 - 6;
    }
  for (long r = 0; r < scale; ++r) {
    sum += crc32_bitwise(buf, sizeof buf);
    sum += sieve(sv, sizeof sv);
    sum += (unsigned long long)matmul();
    for (int i = 0; i < (1 << 14); ++i) arr[i] = (x = x * 1664525u + 1013904223u);
    shell_sort(arr, 1 << 14);
    sum += arr[100] ^ arr[(1 << 14) - 1];
  }
  bench_result("int_kernels", sum);
  return 0;
}
