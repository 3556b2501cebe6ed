// tests/guest/ifconv.c — branchy integer loops that GCC -O2 (rv64gc, no
// Zicond) compiles to short forward branches over a few ALU instructions
// and to if-then-else diamonds, which hart's frontend if-converts (selects
// instead of block exits; docs/ARCHITECTURE.md "If-conversion"): a Collatz
// step (threads2's loop: one self-loop block), abs/clamp/min/max, signed
// and unsigned comparisons, sign tests, conditional increments and swaps,
// and a bitwise CRC-16 whose 8-step loop (a constant trip count, a branch
// on the top bit) the translator unrolls into one block with selects.
// Values come from a xorshift generator so that both sides of every branch
// run, in irregular order. Prints one checksum per kernel; the expected
// output is the native x86-64 build's (expected/ifconv.stdout).
#include <stdint.h>
#include <stdio.h>

#define NOINLINE __attribute__((noinline))

static uint64_t rng_state = 88172645463325252ull;
static uint64_t next(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

NOINLINE uint64_t collatz(uint64_t seed, int n) {
  uint64_t h = 0;
  for (int i = 0; i < n; ++i) {
    uint64_t v = ((seed + (uint64_t)i * 0x9e3779b97f4a7c15ull) & 0xffff) | 1;
    int steps = 0;
    while (v != 1 && steps < 40) {
      v = (v & 1) ? 3 * v + 1 : v >> 1;
      ++steps;
    }
    h = (h ^ v ^ (uint64_t)steps) * 0x100000001b3ull;
  }
  return h;
}

NOINLINE int64_t abs_clamp(const int64_t* a, int n, int64_t lo, int64_t hi) {
  int64_t s = 0;
  for (int i = 0; i < n; ++i) {
    int64_t v = a[i];
    if (v < 0) v = -v;
    if (v > hi) v = hi;
    if (v < lo) v = lo;
    s += v;
  }
  return s;
}

NOINLINE uint64_t minmax_u(const uint64_t* a, int n) {
  uint64_t mn = ~0ull, mx = 0, cnt = 0;
  for (int i = 0; i < n; ++i) {
    uint64_t v = a[i];
    if (v < mn) mn = v;
    if (v > mx) mx = v;
    if ((int64_t)v >= 0) cnt++;
  }
  return mn ^ (mx << 1) ^ (cnt << 7);
}

NOINLINE int64_t diamond(const int64_t* a, int n) {
  int64_t s = 0, t = 1;
  for (int i = 0; i < n; ++i) {
    int64_t v = a[i], w;
    if ((v & 3) == 0)
      w = v + t, t += 3;
    else
      w = (v >> 2) - s, t ^= v;
    s += w ^ t;
  }
  return s ^ t;
}

NOINLINE uint32_t words(const uint32_t* a, int n) {
  uint32_t s = 0;
  for (int i = 0; i < n; ++i) {
    uint32_t v = a[i];
    if ((int32_t)v < 0) v = ~v;
    if (v > s) s = v - s;
    else s = s - v + 1;
  }
  return s;
}

NOINLINE int64_t swaps(int64_t* a, int n) {
  // one bubble pass per round, branch-swapped pairs
  int64_t moves = 0;
  for (int r = 0; r < 8; ++r)
    for (int i = 0; i + 1 < n; ++i) {
      int64_t x = a[i], y = a[i + 1];
      if (x > y) {
        int64_t tmp = x;
        x = y;
        y = tmp;
        ++moves;
      }
      a[i] = x;
      a[i + 1] = y;
    }
  int64_t h = moves;
  for (int i = 0; i < n; ++i) h = h * 31 + a[i];
  return h;
}

// CRC-16/CCITT one bit at a time, a branch per bit.
NOINLINE uint16_t crc_bits(uint16_t crc, uint8_t byte) {
  crc ^= (uint16_t)(byte << 8);
  for (int k = 0; k < 8; ++k) {
    if (crc & 0x8000)
      crc = (uint16_t)((crc << 1) ^ 0x1021);
    else
      crc = (uint16_t)(crc << 1);
  }
  return crc;
}

#define N 4096
static int64_t s64[N];
static uint64_t u64[N];
static uint32_t u32[N];

int main(void) {
  for (int i = 0; i < N; ++i) {
    uint64_t r = next();
    s64[i] = (int64_t)r >> (r & 31);
    u64[i] = r >> (r & 7);
    u32[i] = (uint32_t)(r >> 13);
  }
  printf("collatz %016llx\n", (unsigned long long)collatz(12345, 3000));
  printf("abs_clamp %lld\n", (long long)abs_clamp(s64, N, 1000, 1ll << 40));
  printf("minmax_u %016llx\n", (unsigned long long)minmax_u(u64, N));
  printf("diamond %lld\n", (long long)diamond(s64, N));
  printf("words %08x\n", words(u32, N));
  printf("swaps %lld\n", (long long)swaps(s64, 512));
  uint16_t crc = 0xffff;
  for (int i = 0; i < N; ++i) crc = crc_bits(crc, (uint8_t)u32[i]);
  printf("crc_bits %04x\n", crc);
  return 0;
}
