// bench/aes_like.c — a table-lookup block cipher round function of the AES
// kind, written here: the S-box is computed at start (inverse in GF(2^8)
// plus an affine map), four 32-bit round tables are built from it with a
// column mix, and a 128-bit block runs 10 rounds of four-table lookups and
// round-key XORs, in counter mode over a buffer. What it stresses: many
// live 32-bit values, byte extraction (shifts and masks), indexed loads.
#include <stdint.h>
#include <string.h>

#include "bench_util.h"

static uint8_t sbox[256];
static uint32_t T0[256], T1[256], T2[256], T3[256];
static uint32_t rk[44];

static uint8_t gmul(uint8_t a, uint8_t b) {
  uint8_t p = 0;
  while (b) {
    if (b & 1) p ^= a;
    a = (uint8_t)((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
    b >>= 1;
  }
  return p;
}

static uint8_t rotl8(uint8_t x, int s) { return (uint8_t)((x << s) | (x >> (8 - s))); }

static void build_tables(void) {
  for (int x = 0; x < 256; ++x) {
    uint8_t inv = 0;
    for (int y = 1; y < 256 && x; ++y)
      if (gmul((uint8_t)x, (uint8_t)y) == 1) { inv = (uint8_t)y; break; }
    sbox[x] = (uint8_t)(inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63);
  }
  for (int x = 0; x < 256; ++x) {
    uint8_t s = sbox[x];
    uint32_t t = (uint32_t)gmul(s, 2) | (uint32_t)s << 8 | (uint32_t)s << 16 | (uint32_t)gmul(s, 3) << 24;
    T0[x] = t;
    T1[x] = t << 8 | t >> 24;
    T2[x] = t << 16 | t >> 16;
    T3[x] = t << 24 | t >> 8;
  }
}

static void expand_key(const uint8_t key[16]) {
  uint8_t rcon = 1;
  for (int i = 0; i < 4; ++i) memcpy(&rk[i], key + 4 * i, 4);
  for (int i = 4; i < 44; ++i) {
    uint32_t t = rk[i - 1];
    if (i % 4 == 0) {
      t = t >> 8 | t << 24;
      t = (uint32_t)sbox[t & 0xff] | (uint32_t)sbox[(t >> 8) & 0xff] << 8 |
          (uint32_t)sbox[(t >> 16) & 0xff] << 16 | (uint32_t)sbox[t >> 24] << 24;
      t ^= rcon;
      rcon = gmul(rcon, 2);
    }
    rk[i] = rk[i - 4] ^ t;
  }
}

static void encrypt_block(const uint32_t in[4], uint32_t out[4]) {
  uint32_t s0 = in[0] ^ rk[0], s1 = in[1] ^ rk[1], s2 = in[2] ^ rk[2], s3 = in[3] ^ rk[3];
  const uint32_t* k = rk + 4;
  for (int r = 0; r < 9; ++r, k += 4) {
    uint32_t t0 = T0[s0 & 0xff] ^ T1[(s1 >> 8) & 0xff] ^ T2[(s2 >> 16) & 0xff] ^ T3[s3 >> 24] ^ k[0];
    uint32_t t1 = T0[s1 & 0xff] ^ T1[(s2 >> 8) & 0xff] ^ T2[(s3 >> 16) & 0xff] ^ T3[s0 >> 24] ^ k[1];
    uint32_t t2 = T0[s2 & 0xff] ^ T1[(s3 >> 8) & 0xff] ^ T2[(s0 >> 16) & 0xff] ^ T3[s1 >> 24] ^ k[2];
    uint32_t t3 = T0[s3 & 0xff] ^ T1[(s0 >> 8) & 0xff] ^ T2[(s1 >> 16) & 0xff] ^ T3[s2 >> 24] ^ k[3];
    s0 = t0; s1 = t1; s2 = t2; s3 = t3;
  }
  out[0] = ((uint32_t)sbox[s0 & 0xff] | (uint32_t)sbox[(s1 >> 8) & 0xff] << 8 |
            (uint32_t)sbox[(s2 >> 16) & 0xff] << 16 | (uint32_t)sbox[s3 >> 24] << 24) ^ k[0];
  out[1] = ((uint32_t)sbox[s1 & 0xff] | (uint32_t)sbox[(s2 >> 8) & 0xff] << 8 |
            (uint32_t)sbox[(s3 >> 16) & 0xff] << 16 | (uint32_t)sbox[s0 >> 24] << 24) ^ k[1];
  out[2] = ((uint32_t)sbox[s2 & 0xff] | (uint32_t)sbox[(s3 >> 8) & 0xff] << 8 |
            (uint32_t)sbox[(s0 >> 16) & 0xff] << 16 | (uint32_t)sbox[s1 >> 24] << 24) ^ k[2];
  out[3] = ((uint32_t)sbox[s3 & 0xff] | (uint32_t)sbox[(s0 >> 8) & 0xff] << 8 |
            (uint32_t)sbox[(s1 >> 16) & 0xff] << 16 | (uint32_t)sbox[s2 >> 24] << 24) ^ k[3];
}

int main(int argc, char** argv) {
  long blocks = bench_scale(argc, argv, 6000000);
  uint8_t key[16];
  for (int i = 0; i < 16; ++i) key[i] = (uint8_t)(i * 17 + 3);
  build_tables();
  expand_key(key);
  uint32_t ctr[4] = {0x01234567u, 0x89abcdefu, 0xfedcba98u, 0};
  unsigned long long sum = 0;
  for (long b = 0; b < blocks; ++b) {
    uint32_t out[4];
    ctr[3] = (uint32_t)b;
    encrypt_block(ctr, out);
    sum = sum * 31 + (out[0] ^ out[1]) + ((unsigned long long)(out[2] ^ out[3]) << 32);
  }
  bench_result("aes_like", sum);
  return 0;
}
