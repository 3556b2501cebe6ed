// bench/vec/vk_saxpy.c — saxpy (float) and daxpy (double): y = a*x + y,
// the FP multiply-add loop GCC 14 turns into vfmacc.vf.
#include "../bench_util.h"

#define N 2000
static float xs[N], ys[N];
static double xd[N], yd[N];

__attribute__((noinline)) static void saxpy(float* restrict y, const float* restrict x, float a, int n) {
  for (int i = 0; i < n; ++i) y[i] = a * x[i] + y[i];
}

__attribute__((noinline)) static void daxpy(double* restrict y, const double* restrict x, double a, int n) {
  for (int i = 0; i < n; ++i) y[i] = a * x[i] + y[i];
}

int main(int argc, char** argv) {
  long scale = bench_scale(argc, argv, 20000);
  for (int i = 0; i < N; ++i) {
    xs[i] = (float)(i % 17) * 0.25f;
    ys[i] = (float)(i % 5);
    xd[i] = (double)(i % 23) * 0.125;
    yd[i] = (double)(i % 7);
  }
  for (long r = 0; r < scale; ++r) {
    int n = N - (int)(r & 15);
    saxpy(ys, xs, (r & 1) ? 0.5f : -0.5f, n);
    daxpy(yd, xd, (r & 1) ? 0.25 : -0.25, n);
  }
  unsigned long long sum = 0;
  for (int i = 0; i < N; ++i) {
    union { float f; unsigned u; } a = {ys[i]};
    union { double d; unsigned long long u; } b = {yd[i]};
    sum = sum * 31 + a.u + b.u;
  }
  bench_result("vk_saxpy", sum);
  return 0;
}
