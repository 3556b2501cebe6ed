// bench/spectral_sp.c — single-precision spectral norm: the matrix
// A(i,j) = 1/((i+j)(i+j+1)/2+i+1) times vectors, power iteration, in float
// (index arithmetic converted with fcvt.s.w; fadd.s/fmul.s/fdiv.s).
#include <math.h>

#include "bench_util.h"

#define N 300

static float eval_a(int i, int j) { return 1.0f / (float)((i + j) * (i + j + 1) / 2 + i + 1); }

static void mul_av(const float* v, float* av) {
  for (int i = 0; i < N; ++i) {
    float s = 0;
    for (int j = 0; j < N; ++j) s += eval_a(i, j) * v[j];
    av[i] = s;
  }
}

static void mul_atv(const float* v, float* atv) {
  for (int i = 0; i < N; ++i) {
    float s = 0;
    for (int j = 0; j < N; ++j) s += eval_a(j, i) * v[j];
    atv[i] = s;
  }
}

int main(int argc, char** argv) {
  long iters = bench_scale(argc, argv, 600);
  static float u[N], v[N], t[N];
  for (int i = 0; i < N; ++i) u[i] = 1.0f;
  for (long k = 0; k < iters; ++k) {
    mul_av(u, t);
    mul_atv(t, v);
    mul_av(v, t);
    mul_atv(t, u);
    // Each round multiplies the vectors by about 2.6: scale both back, or
    // after ~50 rounds the dot products overflow and the checksum is the
    // conversion of a NaN (which x86 and RISC-V define differently).
    float m = u[0];
    for (int i = 0; i < N; ++i) {
      u[i] /= m;
      v[i] /= m;
    }
  }
  float vbv = 0, vv = 0;
  for (int i = 0; i < N; ++i) {
    vbv += u[i] * v[i];
    vv += v[i] * v[i];
  }
  float norm = sqrtf(vbv / vv);
  bench_result("spectral_sp", (unsigned long long)(norm * 1e6f));
  return 0;
}
