// tests/guest/vector/autovec.c — loops a compiler autovectorises for RVV
// (built with clang -O3 -march=rv64gcv, and again scalar with
// -march=rv64gc): saxpy, integer multiply-add with shifts, a widening dot
// product (a reduction), a byte image filter (averages and saturation),
// a copy, a float matrix multiply, a conditional select and a 64-bit sum
// with early-out-free loop tails (n not a multiple of the vector length).
// Prints checksums; the vector build must print what the scalar build
// prints (vector.autovec compares them, and with qemu).
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 1003
static float x[N], y[N];
static int32_t a[N], b[N], c[N];
static uint8_t img[64 * 67], out[64 * 67];
static double ma[24 * 24], mb[24 * 24], mc[24 * 24];
static uint16_t h16[N];
static int64_t s64[N];

__attribute__((noinline)) void saxpy(float s, float* restrict yy, const float* restrict xx, int n) {
  for (int i = 0; i < n; ++i) yy[i] += s * xx[i];
}
__attribute__((noinline)) void madd(int32_t* restrict cc, const int32_t* restrict aa, const int32_t* restrict bb, int n) {
  for (int i = 0; i < n; ++i) cc[i] = aa[i] * 3 + (bb[i] >> 2) - (aa[i] ^ bb[i]);
}
__attribute__((noinline)) int64_t dot(const int32_t* aa, const int32_t* bb, int n) {
  int64_t s = 0;
  for (int i = 0; i < n; ++i) s += (int64_t)aa[i] * bb[i];
  return s;
}
__attribute__((noinline)) void blur(uint8_t* restrict o, const uint8_t* restrict in, int w, int h) {
  for (int r = 1; r < h - 1; ++r)
    for (int col = 0; col < w; ++col) {
      unsigned v = (in[(r - 1) * w + col] + 2u * in[r * w + col] + in[(r + 1) * w + col] + 2) >> 2;
      o[r * w + col] = v > 200 ? 200 : (uint8_t)v;
    }
}
__attribute__((noinline)) void copy(uint16_t* restrict d, const int32_t* restrict s, int n) {
  for (int i = 0; i < n; ++i) d[i] = (uint16_t)(s[i] >> 3);
}
__attribute__((noinline)) void matmul(double* restrict cc, const double* restrict aa, const double* restrict bb, int n) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < n; ++k) s += aa[i * n + k] * bb[k * n + j];
      cc[i * n + j] = s;
    }
}
__attribute__((noinline)) void select(int32_t* restrict cc, const int32_t* restrict aa, const int32_t* restrict bb, int n) {
  for (int i = 0; i < n; ++i) cc[i] = aa[i] > bb[i] ? aa[i] - bb[i] : bb[i] * 2;
}
__attribute__((noinline)) int64_t sum64(const int64_t* v, int n) {
  int64_t s = 0;
  for (int i = 0; i < n; ++i) s += v[i] * (v[i] & 7);
  return s;
}

static uint64_t fnv(const void* p, size_t n) {
  const uint8_t* b = p;
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}

int main(void) {
  for (int i = 0; i < N; ++i) {
    x[i] = (float)i * 0.25f;
    y[i] = 1000.0f - (float)i;
    a[i] = i * 7 - 300;
    b[i] = 5000 - i * 13;
    s64[i] = (int64_t)i * 0x123456789ll - 77;
  }
  for (int i = 0; i < 64 * 67; ++i) img[i] = (uint8_t)(i * 31 + (i >> 5));
  for (int i = 0; i < 24 * 24; ++i) ma[i] = i * 0.5 - 3, mb[i] = 1.0 / (i + 1);
  for (int rep = 0; rep < 3; ++rep) {
    saxpy(1.5f, y, x, N - rep);
    madd(c, a, b, N - rep);
    blur(out, img, 64, 67);
    copy(h16, c, N);
    matmul(mc, ma, mb, 24);
    printf("saxpy %016llx madd %016llx dot %lld blur %016llx copy %016llx matmul %016llx sum64 %lld\n",
           (unsigned long long)fnv(y, sizeof y), (unsigned long long)fnv(c, sizeof c), (long long)dot(a, b, N - rep),
           (unsigned long long)fnv(out, sizeof out), (unsigned long long)fnv(h16, sizeof h16),
           (unsigned long long)fnv(mc, sizeof mc), (long long)sum64(s64, N - rep));
    select(c, a, b, N - rep);
    printf("select %016llx\n", (unsigned long long)fnv(c, sizeof c));
  }
  return 0;
}
