// translator/bit_ops.h — plain C++ semantics of the bit-manipulation
// operations of Zbb and Zbc (RISC-V bit-manipulation spec, "Zbb", "Zbc"):
// counts, rotates, orc.b, carry-less products. Shared by the reference
// interpreter (interp_zb.cpp) and IR constant folding (ir_eval), so each
// operation has one definition. Owns: the arithmetic only; what an
// instruction reads and writes is interp_zb.cpp's.
#pragma once

#include <cstdint>

namespace hart::bits {

// Counts; clz/ctz of 0 are the width (64, or 32 for the W forms).
inline uint64_t clz64(uint64_t v) { return v ? static_cast<uint64_t>(__builtin_clzll(v)) : 64; }
inline uint64_t ctz64(uint64_t v) { return v ? static_cast<uint64_t>(__builtin_ctzll(v)) : 64; }
inline uint64_t clz32(uint32_t v) { return v ? static_cast<uint64_t>(__builtin_clz(v)) : 32; }
inline uint64_t ctz32(uint32_t v) { return v ? static_cast<uint64_t>(__builtin_ctz(v)) : 32; }
inline uint64_t cpop64(uint64_t v) { return static_cast<uint64_t>(__builtin_popcountll(v)); }
inline uint64_t cpop32(uint32_t v) { return static_cast<uint64_t>(__builtin_popcount(v)); }

inline uint64_t sext32(uint32_t v) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))); }

// Rotates by the low 6 bits (64-bit) or 5 bits (W forms: 32-bit result,
// sign-extended).
inline uint64_t rotl64(uint64_t v, uint64_t n) {
  n &= 63;
  return n ? (v << n) | (v >> (64 - n)) : v;
}
inline uint64_t rotr64(uint64_t v, uint64_t n) {
  n &= 63;
  return n ? (v >> n) | (v << (64 - n)) : v;
}
inline uint64_t rotl32(uint64_t v, uint64_t n) {
  uint32_t x = static_cast<uint32_t>(v);
  n &= 31;
  return sext32(n ? (x << n) | (x >> (32 - n)) : x);
}
inline uint64_t rotr32(uint64_t v, uint64_t n) {
  uint32_t x = static_cast<uint32_t>(v);
  n &= 31;
  return sext32(n ? (x >> n) | (x << (32 - n)) : x);
}

// orc.b: every non-zero byte becomes 0xff, every zero byte stays 0.
inline uint64_t orc_b(uint64_t v) {
  uint64_t r = 0;
  for (int i = 0; i < 64; i += 8)
    if ((v >> i) & 0xff) r |= uint64_t{0xff} << i;
  return r;
}

inline uint64_t rev8(uint64_t v) { return __builtin_bswap64(v); }

// brev8 (Zvbb's vbrev8, Zbkb's brev8): the bits of each byte reversed.
inline uint64_t brev8(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  return ((v >> 4) & 0x0f0f0f0f0f0f0f0full) | ((v & 0x0f0f0f0f0f0f0f0full) << 4);
}

// Carry-less product of two 64-bit values: clmul is bits 63..0, clmulh bits
// 127..64, clmulr bits 126..63.
// Branch-free (a mask per bit of b), so that its time does not depend on
// the operands: Zkt requires that of clmul/clmulh on hosts where the JIT
// calls this instead of PCLMULQDQ.
inline unsigned __int128 clmul128(uint64_t a, uint64_t b) {
  unsigned __int128 r = 0;
  for (int i = 0; i < 64; ++i) {
    const unsigned __int128 mask = 0 - static_cast<unsigned __int128>((b >> i) & 1);
    r ^= (static_cast<unsigned __int128>(a) << i) & mask;
  }
  return r;
}
inline uint64_t clmul(uint64_t a, uint64_t b) { return static_cast<uint64_t>(clmul128(a, b)); }
inline uint64_t clmulh(uint64_t a, uint64_t b) { return static_cast<uint64_t>(clmul128(a, b) >> 64); }
inline uint64_t clmulr(uint64_t a, uint64_t b) { return static_cast<uint64_t>(clmul128(a, b) >> 63); }

}  // namespace hart::bits
