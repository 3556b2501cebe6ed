// bench/arx_cipher.c — an add/rotate/xor permutation of the ChaCha and NORX
// kind, written here: a 16-word 32-bit state, column and diagonal rounds of
// a quarter-round that mixes ChaCha's add-rotate-xor with NORX's
// carry-free "H(a,b) = a ^ b ^ ((a & b) << 1)", run as a keystream
// generator. What it stresses: 32-bit word ops (addw, sllw/srlw rotations),
// sixteen live values plus temporaries in one large block.
#include <stdint.h>

#include "bench_util.h"

#define ROTL(x, s) ((uint32_t)((x) << (s)) | ((x) >> (32 - (s))))
#define H(a, b) (((a) ^ (b)) ^ (((a) & (b)) << 1))

#define QR(a, b, c, d)          \
  a += b; d ^= a; d = ROTL(d, 16); \
  c = H(c, d); b ^= c; b = ROTL(b, 12); \
  a += b; d ^= a; d = ROTL(d, 8);  \
  c = H(c, d); b ^= c; b = ROTL(b, 7);

static void permute(uint32_t x[16], int rounds) {
  uint32_t x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], x4 = x[4], x5 = x[5], x6 = x[6], x7 = x[7];
  uint32_t x8 = x[8], x9 = x[9], x10 = x[10], x11 = x[11], x12 = x[12], x13 = x[13], x14 = x[14],
           x15 = x[15];
  for (int r = 0; r < rounds; r += 2) {
    QR(x0, x4, x8, x12) QR(x1, x5, x9, x13) QR(x2, x6, x10, x14) QR(x3, x7, x11, x15)
    QR(x0, x5, x10, x15) QR(x1, x6, x11, x12) QR(x2, x7, x8, x13) QR(x3, x4, x9, x14)
  }
  x[0] += x0; x[1] += x1; x[2] += x2; x[3] += x3; x[4] += x4; x[5] += x5; x[6] += x6; x[7] += x7;
  x[8] += x8; x[9] += x9; x[10] += x10; x[11] += x11; x[12] += x12; x[13] += x13; x[14] += x14;
  x[15] += x15;
}

int main(int argc, char** argv) {
  long blocks = bench_scale(argc, argv, 3000000);
  uint32_t st[16];
  for (int i = 0; i < 16; ++i) st[i] = 0x61707865u * (uint32_t)(i + 1) ^ (uint32_t)i << 20;
  unsigned long long sum = 0;
  for (long b = 0; b < blocks; ++b) {
    uint32_t x[16];
    for (int i = 0; i < 16; ++i) x[i] = st[i];
    x[12] = (uint32_t)b;
    permute(x, 8);
    for (int i = 0; i < 16; ++i) sum = (sum << 1 | sum >> 63) ^ x[i];
  }
  bench_result("arx_cipher", sum);
  return 0;
}
