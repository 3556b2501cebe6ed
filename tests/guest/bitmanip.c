// tests/guest/bitmanip.c — C code that GCC compiles to Zba/Zbb/Zbs
// instructions at -O2 -march=rv64gc_zba_zbb_zbs: __builtin_clz/ctz/
// popcount (clz, clzw, ctz, ctzw, cpop, cpopw), bswap (rev8), rotates (rol,
// ror, rori, rolw, rorw, roriw), min/max (min, max, minu, maxu), sign and
// zero extensions (sext.b, sext.h, zext.h, zext.w), a & ~b (andn), a | ~b
// (orn), ~(a ^ b) (xnor), single bits (bset, bclr, binv, bext and their
// immediate forms) and array indexing with 32-bit indexes (sh1add, sh2add,
// sh3add and their .uw forms, add.uw, slli.uw). The values go through
// noinline functions so they are computed at run time. Prints one line per
// group; the expected output is qemu-riscv64's (expected/bitmanip.stdout).
// guest-cflags: -march=rv64gc_zba_zbb_zbs
#include <stdint.h>
#include <stdio.h>

#define NOINLINE __attribute__((noinline))

static const uint64_t kValues[] = {
    0,
    1,
    ~0ull,
    1ull << 63,
    (1ull << 63) - 1,
    0xffffffffull,
    0x80000000ull,
    0xffffffff80000000ull,
    0x0123456789abcdefull,
    0x00ff00ff00ff00ffull,
    0x100000000ull,
    0xdeadbeefcafef00dull,
    0x8000000000000001ull,
    0x0000000000012340ull,
};
#define N (sizeof kValues / sizeof kValues[0])

// FNV-1a over the results, so each group prints one number.
static uint64_t mix(uint64_t h, uint64_t v) {
  for (int i = 0; i < 8; ++i) h = (h ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ull;
  return h;
}

NOINLINE uint64_t counts(uint64_t x) {
  uint64_t r = x ? (uint64_t)__builtin_clzll(x) : 64;
  r = r * 131 + (x ? (uint64_t)__builtin_ctzll(x) : 64);
  r = r * 131 + (uint64_t)__builtin_popcountll(x);
  uint32_t w = (uint32_t)x;
  r = r * 131 + (w ? (uint64_t)__builtin_clz(w) : 32);
  r = r * 131 + (w ? (uint64_t)__builtin_ctz(w) : 32);
  r = r * 131 + (uint64_t)__builtin_popcount(w);
  return r;
}

NOINLINE uint64_t rotl64(uint64_t x, unsigned n) { return (x << (n & 63)) | (x >> (-n & 63)); }
NOINLINE uint64_t rotr64(uint64_t x, unsigned n) { return (x >> (n & 63)) | (x << (-n & 63)); }
NOINLINE uint32_t rotl32(uint32_t x, unsigned n) { return (x << (n & 31)) | (x >> (-n & 31)); }
NOINLINE uint32_t rotr32(uint32_t x, unsigned n) { return (x >> (n & 31)) | (x << (-n & 31)); }
NOINLINE uint64_t rotr64_13(uint64_t x) { return (x >> 13) | (x << 51); }
NOINLINE uint32_t rotr32_7(uint32_t x) { return (x >> 7) | (x << 25); }

NOINLINE int64_t smin(int64_t a, int64_t b) { return a < b ? a : b; }
NOINLINE int64_t smax(int64_t a, int64_t b) { return a > b ? a : b; }
NOINLINE uint64_t umin(uint64_t a, uint64_t b) { return a < b ? a : b; }
NOINLINE uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }

NOINLINE int64_t sext8(uint64_t x) { return (int8_t)x; }
NOINLINE int64_t sext16(uint64_t x) { return (int16_t)x; }
NOINLINE uint64_t zext16(uint64_t x) { return (uint16_t)x; }
NOINLINE uint64_t zext32(uint64_t x) { return (uint32_t)x; }

NOINLINE uint64_t and_not(uint64_t a, uint64_t b) { return a & ~b; }
NOINLINE uint64_t or_not(uint64_t a, uint64_t b) { return a | ~b; }
NOINLINE uint64_t xor_not(uint64_t a, uint64_t b) { return ~(a ^ b); }

NOINLINE uint64_t bit_set(uint64_t x, unsigned n) { return x | (1ull << (n & 63)); }
NOINLINE uint64_t bit_clear(uint64_t x, unsigned n) { return x & ~(1ull << (n & 63)); }
NOINLINE uint64_t bit_flip(uint64_t x, unsigned n) { return x ^ (1ull << (n & 63)); }
NOINLINE uint64_t bit_test(uint64_t x, unsigned n) { return (x >> (n & 63)) & 1; }
// bseti/bclri/binvi/bexti with indexes past andi/ori/xori's immediates.
NOINLINE uint64_t bits_const(uint64_t x) { return (x | (1ull << 40)) ^ (1ull << 62) ^ ((x >> 35) & 1); }
NOINLINE uint64_t bit_clear_const(uint64_t x) { return x & ~(1ull << 50); }

// Address arithmetic with 32-bit indexes: shNadd(.uw), add.uw, slli.uw.
static uint16_t h16[64];
static uint32_t w32[64];
static uint64_t d64[64];
NOINLINE uint64_t index_u32(unsigned i, unsigned j) {
  return h16[i & 63] + w32[(i + j) & 63] + d64[(j * 3u) & 63];
}
NOINLINE uint64_t scaled(uint64_t base, uint32_t i) {
  return base + ((uint64_t)i << 3) + ((uint64_t)(i >> 1) << 2) + ((uint64_t)(i >> 2) << 1);
}
NOINLINE uint64_t scaled2(uint64_t base, uint64_t i) { return base + (i << 1) + (i << 2); }
NOINLINE uint64_t shifted_u32(uint32_t i) { return (uint64_t)i << 5; }
NOINLINE uint64_t plus_u32(uint64_t base, uint32_t i) { return base + i; }

int main(void) {
  for (int k = 0; k < 64; ++k) {
    h16[k] = (uint16_t)(k * 977);
    w32[k] = (uint32_t)k * 2654435761u;
    d64[k] = (uint64_t)k * 0x9e3779b97f4a7c15ull;
  }
  uint64_t h[12] = {0};
  for (unsigned i = 0; i < N; ++i) {
    uint64_t x = kValues[i];
    h[0] = mix(h[0], counts(x));
    h[1] = mix(h[1], __builtin_bswap64(x) ^ __builtin_bswap32((uint32_t)x));
    for (unsigned n = 0; n < 70; n += 3) {
      h[2] = mix(h[2], rotl64(x, n) ^ rotr64(x, n + 1));
      h[3] = mix(h[3], rotl32((uint32_t)x, n) ^ (uint64_t)rotr32((uint32_t)x, n + 5) << 32);
      h[4] = mix(h[4], bit_set(x, n) ^ bit_clear(x, n + 1) ^ bit_flip(x, n + 2) ^ bit_test(x, n));
    }
    h[2] = mix(h[2], rotr64_13(x) + rotr32_7((uint32_t)x));
    h[4] = mix(h[4], bits_const(x) ^ bit_clear_const(x) * 3);
    for (unsigned j = 0; j < N; ++j) {
      uint64_t y = kValues[j];
      h[5] = mix(h[5], (uint64_t)smin((int64_t)x, (int64_t)y) ^ (uint64_t)smax((int64_t)x, (int64_t)y) * 3);
      h[6] = mix(h[6], umin(x, y) ^ umax(x, y) * 5);
      h[7] = mix(h[7], and_not(x, y) ^ or_not(x, y) * 3 ^ xor_not(x, y) * 5);
      h[8] = mix(h[8], index_u32((unsigned)x + j, (unsigned)(y >> 7)) + scaled(x, (uint32_t)y) +
                           scaled2(x, y) + plus_u32(y, (uint32_t)x));
    }
    h[9] = mix(h[9], (uint64_t)sext8(x) ^ (uint64_t)sext16(x) << 1 ^ zext16(x) << 2 ^ zext32(x) << 3 ^
                         shifted_u32((uint32_t)x));
  }
  static const char* const kNames[] = {"clz/ctz/cpop", "rev8",  "rol/ror",  "rolw/rorw",
                                       "bset/bclr/binv/bext", "min/max", "minu/maxu", "andn/orn/xnor",
                                       "shNadd/add.uw", "sext/zext/slli.uw"};
  for (int g = 0; g < 10; ++g) printf("%-20s %016llx\n", kNames[g], (unsigned long long)h[g]);
  // A few plain values, easy to check by hand.
  printf("clz(1)=%d clzw(0x80000000)=%d ctz(1<<63)=%d cpop(-1)=%d rev8=%016llx\n",
         __builtin_clzll(kValues[1]), __builtin_clz((uint32_t)kValues[6]), __builtin_ctzll(kValues[3]),
         __builtin_popcountll(kValues[2]), (unsigned long long)__builtin_bswap64(kValues[8]));
  return 0;
}
