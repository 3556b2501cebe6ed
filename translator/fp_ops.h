// translator/fp_ops.h — RISC-V F/D (and Zfh, Zfa) arithmetic as pure functions on raw bits:
// every operation takes its operands as IEEE bit patterns and a resolved
// rounding mode (RNE..RMM, never DYN), returns the RISC-V result bits and
// ORs the RISC-V fflags it raises into *fl. Used by the reference
// interpreter and callable by the JIT as helpers.
// Owns: NaN-boxing, canonical NaNs, fmin/fmax/fclass/compare semantics,
// fcvt saturation, rounding-mode and exception-flag mapping to the host
// (the MXCSR tables below are the one place for them; the JIT uses them).
// Does not own: which register or CSR holds what (interp.cpp), dynamic rm
// resolution (the caller passes frm when rm == DYN).
//
// Host MXCSR contract: every function here leaves the caller's MXCSR
// exactly as it found it (rounding control, masks, FTZ/DAZ and sticky flag
// bits, DE included), whatever it holds, and its results do not depend on
// it. The JIT relies on this: generated code keeps the guest's rounding
// mode and accrued flags in MXCSR and calls these functions as helpers.
// The x87 control word is never touched.
//
// Host arithmetic: SSE scalar instructions (and FMA3 vfmadd when the host
// has it) under an MXCSR loaded for the one operation (wanted RC, all
// exceptions masked, FTZ/DAZ off, flags clear); the flags it raised are read
// back and mapped to fflags, then the caller's MXCSR is reloaded. x86 SSE
// and RISC-V both detect tininess after rounding, so UF matches; x86's NaN
// results (quieted operand or the negative default NaN) are replaced by the
// RISC-V canonical NaN. Compares, min/max, fclass, fcvt between integers
// and floats and fcvt.d.s are integer code on the bits (no host FP at all).
// fma with RMM, and every fma on hosts without FMA3, runs an exact
// integer implementation (same results and flags as FMA3, RMM included).
// RMM (ties to max magnitude, no x86 equivalent) is exact for add/sub/mul,
// fma, the conversions and fcvt.s.d (RNE result plus an exact tie test, or
// integer rounding); for div/sqrt RMM equals RNE: sqrt has no exact ties,
// div can have them only for subnormal results (documented limitation).
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
// Halves (Zfh/Zfhmin) likewise: NaN-boxed with 48 ones above.
constexpr uint16_t kCanonicalNaN16 = 0x7e00u;
inline uint16_t unbox16(uint64_t f) {
  return (f >> 16) == 0xffffffffffffull ? static_cast<uint16_t>(f) : kCanonicalNaN16;
}
inline uint64_t box16(uint16_t v) { return 0xffffffffffff0000ull | v; }

// ---- MXCSR <-> RISC-V mapping, shared with the JIT ----
// MXCSR layout: flags IE=bit0 DE=1 ZE=2 OE=3 UE=4 PE=5 (sticky), DAZ=6,
// exception masks bits 7-12, rounding control RC bits 13-14
// (00 nearest-even, 01 down, 10 up, 11 toward zero), FTZ=15.
constexpr uint32_t kMxcsrFlagMask = 0x3fu;   // IE..PE
constexpr uint32_t kMxcsrRcMask = 0x6000u;   // RC
// All exceptions masked, RNE, FTZ/DAZ off, flags clear (the power-on value).
constexpr uint32_t kMxcsrDefault = 0x1f80u;

namespace detail {
constexpr uint32_t fflags_of_mxcsr_flags(uint32_t m) {
  return ((m & 0x01u) ? 16u : 0u)    // IE -> NV
         | ((m & 0x04u) ? 8u : 0u)   // ZE -> DZ
         | ((m & 0x08u) ? 4u : 0u)   // OE -> OF
         | ((m & 0x10u) ? 2u : 0u)   // UE -> UF
         | ((m & 0x20u) ? 1u : 0u);  // PE -> NX
}
struct FflagsTable {
  uint8_t v[64];
  constexpr FflagsTable() : v{} {
    for (uint32_t i = 0; i < 64; ++i) v[i] = static_cast<uint8_t>(fflags_of_mxcsr_flags(i));
  }
};
inline constexpr FflagsTable kFflagsFromMxcsr{};
}  // namespace detail

// The RISC-V fflags (NX=1 UF=2 OF=4 DZ=8 NV=16) for the exception flag bits
// of an MXCSR value: IE->NV, ZE->DZ, OE->OF, UE->UF, PE->NX. DE (denormal
// operand, no RISC-V equivalent) and all non-flag bits are ignored. Valid for
// flags raised with all exceptions masked and FTZ/DAZ off: then x86's masked
// responses match RISC-V's (OF implies NX, UF is tiny-after-rounding and
// inexact, like RISC-V).
constexpr uint32_t fp_fflags_from_mxcsr(uint32_t mxcsr) {
  return detail::kFflagsFromMxcsr.v[mxcsr & kMxcsrFlagMask];
}
// The inverse: MXCSR flag bits (IE/ZE/OE/UE/PE) for RISC-V fflags, e.g. to
// load the guest's accrued flags into MXCSR. Bits above NV are ignored.
constexpr uint32_t fp_mxcsr_from_fflags(uint32_t fflags) {
  return ((fflags & 16u) ? 0x01u : 0u) | ((fflags & 8u) ? 0x04u : 0u) |
         ((fflags & 4u) ? 0x08u : 0u) | ((fflags & 2u) ? 0x10u : 0u) |
         ((fflags & 1u) ? 0x20u : 0u);
}
// MXCSR RC bits (already shifted into bits 13-14) for a RISC-V static
// rounding mode: RNE(0)->0x0000, RTZ(1)->0x6000, RDN(2)->0x2000,
// RUP(3)->0x4000. RMM (4) has no x86 equivalent: it yields the RNE bits (0)
// and the caller must emulate RMM itself (as the functions below do: RNE
// result plus a tie fix-up); so do the reserved values 5-7 (resolve DYN
// first). Typical use: kMxcsrDefault | fp_mxcsr_rc(rm).
constexpr uint32_t fp_mxcsr_rc(uint32_t riscv_rm) {
  return riscv_rm == 1u ? 0x6000u : riscv_rm == 2u ? 0x2000u : riscv_rm == 3u ? 0x4000u : 0u;
}

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

// ---- Zfh/Zfhmin: binary16, exact in integer code ----
// Add, sub, mul and fma are the software fma on halves; div and sqrt are
// computed in double under RTZ, made round-to-odd and rounded once to half
// (exact: double has more than 2*11+2 bits). Conversions round once.
uint16_t f16_arith(Arith op, uint16_t a, uint16_t b, unsigned rm, uint32_t* fl);
uint16_t f16_sqrt(uint16_t a, unsigned rm, uint32_t* fl);
uint16_t f16_fma(uint16_t a, uint16_t b, uint16_t c, bool neg_prod, bool neg_add, unsigned rm,
                 uint32_t* fl);
uint16_t f16_min(uint16_t a, uint16_t b, uint32_t* fl);
uint16_t f16_max(uint16_t a, uint16_t b, uint32_t* fl);
bool f16_eq(uint16_t a, uint16_t b, uint32_t* fl);
bool f16_lt(uint16_t a, uint16_t b, uint32_t* fl);
bool f16_le(uint16_t a, uint16_t b, uint32_t* fl);
uint64_t f16_class(uint16_t a);
uint64_t f16_to_int(uint16_t a, int width, bool is_unsigned, unsigned rm, uint32_t* fl);
uint16_t int_to_f16(uint64_t v, int width, bool is_unsigned, unsigned rm, uint32_t* fl);
uint32_t f16_to_f32(uint16_t a, uint32_t* fl);
uint64_t f16_to_f64(uint16_t a, uint32_t* fl);
uint16_t f32_to_f16(uint32_t a, unsigned rm, uint32_t* fl);
uint16_t f64_to_f16(uint64_t a, unsigned rm, uint32_t* fl);

// ---- Zfa ----
// fli: constant number idx (0..31) of the spec's table, in each format.
uint16_t f16_fli(unsigned idx);
// The table's value as a double (for the disassembler; 0 for 1, 30, 31:
// min, inf, nan, which depend on the format or are not numbers).
double fli_table_value(unsigned idx);
uint32_t f32_fli(unsigned idx);
uint64_t f64_fli(unsigned idx);
// fminm/fmaxm: as fmin/fmax but a NaN operand gives the canonical NaN.
uint16_t f16_minmax_m(uint16_t a, uint16_t b, bool is_max, uint32_t* fl);
uint32_t f32_minmax_m(uint32_t a, uint32_t b, bool is_max, uint32_t* fl);
uint64_t f64_minmax_m(uint64_t a, uint64_t b, bool is_max, uint32_t* fl);
// fround (nx false) / froundnx (nx true): round to an integral value.
uint16_t f16_round(uint16_t a, unsigned rm, bool nx, uint32_t* fl);
uint32_t f32_round(uint32_t a, unsigned rm, bool nx, uint32_t* fl);
uint64_t f64_round(uint64_t a, unsigned rm, bool nx, uint32_t* fl);
// fltq (lt true) / fleq (lt false): quiet comparisons.
bool f16_cmp_quiet(uint16_t a, uint16_t b, bool lt, uint32_t* fl);
bool f32_cmp_quiet(uint32_t a, uint32_t b, bool lt, uint32_t* fl);
bool f64_cmp_quiet(uint64_t a, uint64_t b, bool lt, uint32_t* fl);
// fcvtmod.w.d: truncate, keep the low 32 bits (sign-extended); NaN/inf give
// 0 and NV; NV when the integer is outside int32, else NX when inexact.
uint64_t f64_to_i32_mod(uint64_t a, uint32_t* fl);

// Whether f32_fma/f64_fma use the host's FMA3 instruction (checked once at
// start-up; RMM always uses the software path). Testing only, not thread
// safe: force_soft_fma_for_testing(true) makes them use the exact integer
// software fma instead; false returns to the detected host capability.
bool host_has_fma();
void force_soft_fma_for_testing(bool soft);

}  // namespace hart::fp
