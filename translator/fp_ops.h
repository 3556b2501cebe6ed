// translator/fp_ops.h — RISC-V F/D arithmetic as pure functions on raw bits:
// every operation takes its operands as IEEE bit patterns and a resolved
// rounding mode (RNE..RMM, never DYN), returns the RISC-V result bits and
// ORs the RISC-V fflags it raises into *fl. Used by the reference
// interpreter and callable by the JIT as helpers.
// Owns: NaN-boxing, canonical NaNs, fmin/fmax/fclass/compare semantics,
// fcvt saturation, rounding-mode and exception-flag mapping to the host.
// Does not own: which register or CSR holds what (interp.cpp), dynamic rm
// resolution (the caller passes frm when rm == DYN).
//
// Host arithmetic: SSE scalar instructions under an MXCSR rounding mode set
// for the one operation; host exception flags are mapped to fflags. x86 SSE
// and RISC-V both detect tininess after rounding, so UF matches; x86's NaN
// results (quieted operand or the negative default NaN) are replaced by the
// RISC-V canonical NaN. RMM (ties to max magnitude, no x86 equivalent) is
// derived from the RNE result and an exact tie test for add/sub/mul,
// conversions and fcvt.s.d; for div/sqrt/fma RMM equals RNE except for
// exact ties, which can only occur for subnormal results of div and for fma
// (documented limitation).
#pragma once

#include <cstdint>

namespace hart::fp {

constexpr uint32_t kCanonicalNaN32 = 0x7fc00000u;
constexpr uint64_t kCanonicalNaN64 = 0x7ff8000000000000ull;

// A single read from a 64-bit f register: NaN-boxed or the canonical NaN.
inline uint32_t unbox32(uint64_t f) {
  return (f >> 32) == 0xffffffffu ? static_cast<uint32_t>(f) : kCanonicalNaN32;
}
inline uint64_t box32(uint32_t v) { return 0xffffffff00000000ull | v; }

enum class Arith : uint8_t { Add, Sub, Mul, Div };

uint32_t f32_arith(Arith op, uint32_t a, uint32_t b, unsigned rm, uint32_t* fl);
uint64_t f64_arith(Arith op, uint64_t a, uint64_t b, unsigned rm, uint32_t* fl);
uint32_t f32_sqrt(uint32_t a, unsigned rm, uint32_t* fl);
uint64_t f64_sqrt(uint64_t a, unsigned rm, uint32_t* fl);
// (neg_prod ? -(a*b) : a*b) + (neg_add ? -c : c), rounded once.
// fmadd: (0,0)  fmsub: (0,1)  fnmsub: (1,0)  fnmadd: (1,1)
uint32_t f32_fma(uint32_t a, uint32_t b, uint32_t c, bool neg_prod, bool neg_add, unsigned rm,
                 uint32_t* fl);
uint64_t f64_fma(uint64_t a, uint64_t b, uint64_t c, bool neg_prod, bool neg_add, unsigned rm,
                 uint32_t* fl);

uint32_t f32_min(uint32_t a, uint32_t b, uint32_t* fl);
uint32_t f32_max(uint32_t a, uint32_t b, uint32_t* fl);
uint64_t f64_min(uint64_t a, uint64_t b, uint32_t* fl);
uint64_t f64_max(uint64_t a, uint64_t b, uint32_t* fl);

// Comparisons: feq is quiet (NV only for sNaN), flt/fle signal on any NaN.
bool f32_eq(uint32_t a, uint32_t b, uint32_t* fl);
bool f32_lt(uint32_t a, uint32_t b, uint32_t* fl);
bool f32_le(uint32_t a, uint32_t b, uint32_t* fl);
bool f64_eq(uint64_t a, uint64_t b, uint32_t* fl);
bool f64_lt(uint64_t a, uint64_t b, uint32_t* fl);
bool f64_le(uint64_t a, uint64_t b, uint32_t* fl);

uint64_t f32_class(uint32_t a);
uint64_t f64_class(uint64_t a);

// Float -> integer with saturation. width 32 or 64; the 32-bit results are
// returned sign-extended to 64 bits (also for the unsigned forms), as the
// fcvt.w[u] instructions write them.
uint64_t f32_to_int(uint32_t a, int width, bool is_unsigned, unsigned rm, uint32_t* fl);
uint64_t f64_to_int(uint64_t a, int width, bool is_unsigned, unsigned rm, uint32_t* fl);
// Integer -> float. v is the 64-bit source register; width 32 uses its low
// 32 bits (sign- or zero-extended by is_unsigned).
uint32_t int_to_f32(uint64_t v, int width, bool is_unsigned, unsigned rm, uint32_t* fl);
uint64_t int_to_f64(uint64_t v, int width, bool is_unsigned, unsigned rm, uint32_t* fl);

uint64_t f32_to_f64(uint32_t a, uint32_t* fl);
uint32_t f64_to_f32(uint64_t a, unsigned rm, uint32_t* fl);

}  // namespace hart::fp
