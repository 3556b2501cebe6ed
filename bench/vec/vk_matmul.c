// bench/vec/vk_matmul.c — small dense matrix multiplies, C += A * B in
// i-k-j order (the inner loop is a saxpy over a row of B): float 48x48 and
// int32 32x32.
#include "../bench_util.h"

#define NF 48
#define NI 32
static float A[NF][NF], B[NF][NF], C[NF][NF];
static int Ai[NI][NI], Bi[NI][NI], Ci[NI][NI];

__attribute__((noinline)) static void matmul_f(void) {
  for (int i = 0; i < NF; ++i)
    for (int k = 0; k < NF; ++k) {
      float a = A[i][k];
      for (int j = 0; j < NF; ++j) C[i][j] += a * B[k][j];
    }
}

__attribute__((noinline)) static void matmul_i(void) {
  for (int i = 0; i < NI; ++i)
    for (int k = 0; k < NI; ++k) {
      int a = Ai[i][k];
      for (int j = 0; j < NI; ++j) Ci[i][j] += a * Bi[k][j];
    }
}

int main(int argc, char** argv) {
  long scale = bench_scale(argc, argv, 400);
  for (int i = 0; i < NF; ++i)
    for (int j = 0; j < NF; ++j) {
      A[i][j] = (float)((i * 3 + j) % 7) * 0.125f;
      B[i][j] = (float)((i + 2 * j) % 5) - 2.0f;
    }
  for (int i = 0; i < NI; ++i)
    for (int j = 0; j < NI; ++j) {
      Ai[i][j] = (i * 5 + j) % 9 - 4;
      Bi[i][j] = (i + 3 * j) % 11 - 5;
    }
  for (long r = 0; r < scale; ++r) {
    matmul_f();
    matmul_i();
  }
  unsigned long long sum = 0;
  for (int i = 0; i < NF; ++i)
    for (int j = 0; j < NF; ++j) {
      union { float f; unsigned u; } u = {C[i][j]};
      sum = sum * 31 + u.u;
    }
  for (int i = 0; i < NI; ++i)
    for (int j = 0; j < NI; ++j) sum = sum * 31 + (unsigned)Ci[i][j];
  bench_result("vk_matmul", sum);
  return 0;
}
