// bench/sha512_like.c — a 64-bit hash compression of the SHA-512 kind,
// written here: an 80-word message schedule with rotate/shift sigma
// functions and 80 rounds of Ch/Maj/Sigma over eight 64-bit working
// variables. The round constants are generated (splitmix64), not SHA's.
// What it stresses: 64-bit rotations built from shifts (no Zbb), eight
// live accumulators plus temporaries, loads of the schedule.
#include <stdint.h>

#include "bench_util.h"

static uint64_t K[80];

#define ROTR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))
#define S0(x) (ROTR(x, 28) ^ ROTR(x, 34) ^ ROTR(x, 39))
#define S1(x) (ROTR(x, 14) ^ ROTR(x, 18) ^ ROTR(x, 41))
#define s0(x) (ROTR(x, 1) ^ ROTR(x, 8) ^ ((x) >> 7))
#define s1(x) (ROTR(x, 19) ^ ROTR(x, 61) ^ ((x) >> 6))

static void compress(uint64_t h[8], const uint64_t m[16]) {
  uint64_t w[80];
  for (int i = 0; i < 16; ++i) w[i] = m[i];
  for (int i = 16; i < 80; ++i) w[i] = s1(w[i - 2]) + w[i - 7] + s0(w[i - 15]) + w[i - 16];
  uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 80; ++i) {
    uint64_t t1 = hh + S1(e) + ((e & f) ^ (~e & g)) + K[i] + w[i];
    uint64_t t2 = S0(a) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

int main(int argc, char** argv) {
  long blocks = bench_scale(argc, argv, 1200000);
  uint64_t z = 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < 80; ++i) {
    uint64_t v = (z += 0x9e3779b97f4a7c15ull);
    v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ull;
    v = (v ^ (v >> 27)) * 0x94d049bb133111ebull;
    K[i] = v ^ (v >> 31);
  }
  uint64_t h[8], m[16];
  for (int i = 0; i < 8; ++i) h[i] = K[i] ^ 0x6a09e667f3bcc908ull;
  for (int i = 0; i < 16; ++i) m[i] = K[79 - i];
  for (long b = 0; b < blocks; ++b) {
    m[b & 15] ^= (uint64_t)b;
    compress(h, m);
  }
  unsigned long long sum = 0;
  for (int i = 0; i < 8; ++i) sum ^= h[i] + (unsigned long long)i;
  bench_result("sha512_like", sum);
  return 0;
}
