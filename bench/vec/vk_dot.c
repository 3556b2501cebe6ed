// bench/vec/vk_dot.c — dot products: int32 (vmacc + vredsum), int16
// into int32 (widening multiply-add), and a float sum of products with an
// ordered (in-loop vfredosum, as C's FP semantics require) reduction.
#include "../bench_util.h"

#define N 2048
static int a32[N], b32[N];
static short a16[N], b16[N];
static float af[N], bf[N];

__attribute__((noinline)) static int dot32(const int* a, const int* b, int n) {
  int s = 0;
  for (int i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

__attribute__((noinline)) static int dot16(const short* a, const short* b, int n) {
  int s = 0;
  for (int i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

__attribute__((noinline)) static float dotf(const float* a, const float* b, int n) {
  float s = 0;
  for (int i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

int main(int argc, char** argv) {
  long scale = bench_scale(argc, argv, 20000);
  for (int i = 0; i < N; ++i) {
    a32[i] = i * 7 - 5000;
    b32[i] = (i % 13) - 6;
    a16[i] = (short)(i * 3 - 3000);
    b16[i] = (short)((i % 11) - 5);
    af[i] = (float)(i % 9) * 0.5f;
    bf[i] = (float)(i % 7) - 3.0f;
  }
  unsigned long long sum = 0;
  for (long r = 0; r < scale; ++r) {
    int n = N - (int)(r & 31);
    sum += (unsigned)dot32(a32, b32, n);
    sum += (unsigned)dot16(a16, b16, n);
    if ((r & 3) == 0) {
      union { float f; unsigned u; } u = {dotf(af, bf, n)};
      sum += u.u;
    }
  }
  bench_result("vk_dot", sum);
  return 0;
}
