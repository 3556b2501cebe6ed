// bench/vec/vk_strlen.c — string scans: strlen and strcmp of C strings of
// unknown length, and strchr-style searches in bounded records. The
// vector build scans strings the way the C library's vector string
// functions do (fault-only-first vle8ff.v, vmseq/vmsne into a mask,
// vfirst.m; RVV intrinsics, as GCC 14 does not vectorise a loop whose
// trip count depends on data it may not read past); the bounded searches
// are left to GCC 14's autovectoriser (early exits, max/min reductions).
// The scalar build runs the same loops in plain C.
#include "../bench_util.h"
#ifdef __riscv_vector
#include <riscv_vector.h>
#endif

#define N 8192
static unsigned char text[N + 64], copy[N + 64];

__attribute__((noipa)) static unsigned long str_len(const unsigned char* s) {
#ifdef __riscv_vector
  const unsigned char* p = s;
  for (;;) {
    size_t vl = __riscv_vsetvlmax_e8m1();
    vuint8m1_t v = __riscv_vle8ff_v_u8m1(p, &vl, vl);
    vbool8_t z = __riscv_vmseq_vx_u8m1_b8(v, 0, vl);
    long first = __riscv_vfirst_m_b8(z, vl);
    if (first >= 0) return (unsigned long)(p - s) + (unsigned long)first;
    p += vl;
  }
#else
  const unsigned char* p = s;
  while (*p) ++p;
  return (unsigned long)(p - s);
#endif
}

// <0, 0, >0 as strcmp.
__attribute__((noipa)) static int str_cmp(const unsigned char* a, const unsigned char* b) {
#ifdef __riscv_vector
  for (;;) {
    size_t vl = __riscv_vsetvlmax_e8m1();
    vuint8m1_t va = __riscv_vle8ff_v_u8m1(a, &vl, vl);
    size_t vlb = vl;
    vuint8m1_t vb = __riscv_vle8ff_v_u8m1(b, &vlb, vl);
    vl = vlb;
    vbool8_t stop = __riscv_vmor_mm_b8(__riscv_vmsne_vv_u8m1_b8(va, vb, vl), __riscv_vmseq_vx_u8m1_b8(va, 0, vl), vl);
    long first = __riscv_vfirst_m_b8(stop, vl);
    if (first >= 0) return (int)a[first] - (int)b[first];
    a += vl;
    b += vl;
  }
#else
  while (*a && *a == *b) ++a, ++b;
  return (int)*a - (int)*b;
#endif
}

// Counts the zero bytes of a block (vmseq + vcpop.m in the vector build).
__attribute__((noipa)) static unsigned count_zeros(const unsigned char* s, int n) {
  unsigned c = 0;
  for (int i = 0; i < n; ++i) c += s[i] == 0;
  return c;
}

// The largest byte of each 256-byte record, and the smallest (autovectorised:
// vredmaxu/vredminu).
__attribute__((noipa)) static unsigned record_maxmin(const unsigned char* s, int n) {
  unsigned acc = 0;
  for (int r = 0; r + 256 <= n; r += 256) {
    unsigned char mx = 0, mn = 255;
    for (int i = 0; i < 256; ++i) {
      mx = s[r + i] > mx ? s[r + i] : mx;
      mn = s[r + i] < mn ? s[r + i] : mn;
    }
    acc += mx * 3u + mn;
  }
  return acc;
}

int main(int argc, char** argv) {
  long scale = bench_scale(argc, argv, 20000);
  // Strings of 20..400 bytes separated by zeros.
  unsigned seed = 12345;
  for (int i = 0; i < N; ++i) {
    seed = seed * 1103515245u + 12345u;
    text[i] = (unsigned char)('a' + (seed >> 16) % 26);
  }
  int starts[64], ns = 0;
  for (int i = 0, len = 20; i + len + 1 < N && ns < 64; i += len + 1, len = 20 + (len * 7) % 381) {
    starts[ns++] = i;
    text[i + len] = 0;
  }
  text[N - 1] = 0;
  // The copy differs from the text three quarters into every odd string.
  for (int i = 0; i < N; ++i) copy[i] = text[i];
  for (int k = 1; k < ns; k += 2) {
    int len = (int)str_len(text + starts[k]);
    copy[starts[k] + len * 3 / 4] ^= 1;
  }
  unsigned long long sum = 0;
  for (long r = 0; r < scale; ++r) {
    for (int k = 0; k < ns; ++k) sum += str_len(text + starts[k] + (r & 3));
    for (int k = 0; k < ns; ++k) sum += (unsigned)(str_cmp(text + starts[k] + (r & 1), copy + starts[k] + (r & 1)) + 1000);
    sum += count_zeros(text, N);
    if ((r & 3) == 0) sum += record_maxmin(text, N);
  }
  bench_result("vk_strlen", sum);
  return 0;
}
