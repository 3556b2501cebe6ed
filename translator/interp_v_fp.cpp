// translator/interp_v_fp.cpp — V 1.0 floating point in the reference
// interpreter: single-width arithmetic, fused multiply-add, min/max,
// sign injection, compares to masks, classify, sqrt, conversions (single-
// width, widening, narrowing, rtz and round-to-odd forms), widening
// arithmetic, merges and scalar moves, and the FP reductions.
// Elements are IEEE binary16 (SEW=16: Zvfh, which includes Zvfhmin's
// vfwcvt.f.f.v/vfncvt.f.f.w between half and single), binary32 (SEW=32) or
// binary64 (SEW=64); FP at SEW=8 is illegal.
// The arithmetic is translator/fp_ops (the scalar F/D semantics: canonical
// NaNs, exact fflags); dynamic rounding comes from frm (an invalid frm makes
// the instruction illegal). fflags accrue over the active elements.
// vfredusum (unordered sum) runs in element order, like vfredosum — one of
// the orders the spec allows, and qemu's.
// vfrec7.v / vfrsqrt7.v use the spec's 7-bit estimate tables (kRec7,
// kRsqrt7: indexed by the top 7 significand bits, and for the square root
// by the exponent's low bit and the top 6 significand bits).
#include "translator/fp_ops.h"
#include "translator/interp_v.h"

namespace hart::v {

namespace {

using fp::Arith;

uint16_t h16(uint64_t v) { return static_cast<uint16_t>(v); }
uint32_t s32(uint64_t v) { return static_cast<uint32_t>(v); }

struct Fp {
  unsigned w;  // 16, 32 or 64
  unsigned rm;
  uint32_t fl = 0;

  uint64_t arith(Arith op, uint64_t a, uint64_t b) {
    if (w == 16) return fp::f16_arith(op, h16(a), h16(b), rm, &fl);
    return w == 32 ? fp::f32_arith(op, s32(a), s32(b), rm, &fl) : fp::f64_arith(op, a, b, rm, &fl);
  }
  uint64_t fma(uint64_t a, uint64_t b, uint64_t c, bool np, bool na) {
    if (w == 16) return fp::f16_fma(h16(a), h16(b), h16(c), np, na, rm, &fl);
    return w == 32 ? fp::f32_fma(s32(a), s32(b), s32(c), np, na, rm, &fl) : fp::f64_fma(a, b, c, np, na, rm, &fl);
  }
  uint64_t min(uint64_t a, uint64_t b) {
    if (w == 16) return fp::f16_min(h16(a), h16(b), &fl);
    return w == 32 ? fp::f32_min(s32(a), s32(b), &fl) : fp::f64_min(a, b, &fl);
  }
  uint64_t max(uint64_t a, uint64_t b) {
    if (w == 16) return fp::f16_max(h16(a), h16(b), &fl);
    return w == 32 ? fp::f32_max(s32(a), s32(b), &fl) : fp::f64_max(a, b, &fl);
  }
  bool eq(uint64_t a, uint64_t b) {
    if (w == 16) return fp::f16_eq(h16(a), h16(b), &fl);
    return w == 32 ? fp::f32_eq(s32(a), s32(b), &fl) : fp::f64_eq(a, b, &fl);
  }
  bool lt(uint64_t a, uint64_t b) {
    if (w == 16) return fp::f16_lt(h16(a), h16(b), &fl);
    return w == 32 ? fp::f32_lt(s32(a), s32(b), &fl) : fp::f64_lt(a, b, &fl);
  }
  bool le(uint64_t a, uint64_t b) {
    if (w == 16) return fp::f16_le(h16(a), h16(b), &fl);
    return w == 32 ? fp::f32_le(s32(a), s32(b), &fl) : fp::f64_le(a, b, &fl);
  }
  // A value of this width made twice as wide (exact; NV for a signaling NaN).
  uint64_t widen(uint64_t a) { return w == 16 ? fp::f16_to_f32(h16(a), &fl) : fp::f32_to_f64(s32(a), &fl); }
  uint64_t sgnj(Opcode op, uint64_t a, uint64_t b) {
    const uint64_t sign = uint64_t{1} << (w - 1);
    switch (op) {
      case Opcode::vfsgnj_vv: case Opcode::vfsgnj_vf: return (a & ~sign) | (b & sign);
      case Opcode::vfsgnjn_vv: case Opcode::vfsgnjn_vf: return (a & ~sign) | (~b & sign);
      default: return a ^ (b & sign);
    }
  }
  // Float (w bits) -> integer of iw bits, saturating (NaN -> max); iw < 32
  // narrows fp_ops' 32-bit result further (out of range: NV alone).
  uint64_t to_int(uint64_t a, unsigned iw, bool uns, unsigned r) {
    uint32_t f = 0;
    const int cw = iw >= 32 ? static_cast<int>(iw) : 32;
    uint64_t v = w == 16   ? fp::f16_to_int(h16(a), cw, uns, r, &f)
                 : w == 32 ? fp::f32_to_int(s32(a), cw, uns, r, &f)
                           : fp::f64_to_int(a, cw, uns, r, &f);
    if (iw < 32) {
      if (uns) {
        const uint32_t mx = (1u << iw) - 1;
        if (static_cast<uint32_t>(v) > mx) v = mx, f = NV;
      } else {
        const int32_t mx = (1 << (iw - 1)) - 1, mn = -mx - 1, sv = static_cast<int32_t>(v);
        if (sv > mx) v = static_cast<uint64_t>(mx), f = NV;
        else if (sv < mn) v = static_cast<uint64_t>(static_cast<int64_t>(mn)), f = NV;
      }
    }
    fl |= f;
    return trunc(v, iw);
  }
  // Integer (iw bits) -> float of w bits.
  uint64_t from_int(uint64_t v, unsigned iw, bool uns) {
    const uint64_t x = uns ? trunc(v, iw) : static_cast<uint64_t>(sext(v, iw));
    if (w == 16) return fp::int_to_f16(x, 64, uns, rm, &fl);
    return w == 32 ? fp::int_to_f32(x, 64, uns, rm, &fl) : fp::int_to_f64(x, 64, uns, rm, &fl);
  }
};

bool fp_width(unsigned w) { return w == 16 || w == 32 || w == 64; }
uint64_t canonical_nan(unsigned w) {
  return w == 16 ? fp::kCanonicalNaN16 : w == 32 ? fp::kCanonicalNaN32 : fp::kCanonicalNaN64;
}

// The spec's tables ("Vector Floating-Point Reciprocal Estimate" and
// "... Reciprocal Square-Root Estimate" instructions).
constexpr uint8_t kRec7[128] = {
    127, 125, 123, 121, 119, 117, 116, 114, 112, 110, 109, 107, 105, 104, 102, 100,
    99, 97, 96, 94, 93, 91, 90, 88, 87, 85, 84, 83, 81, 80, 79, 77,
    76, 75, 74, 72, 71, 70, 69, 68, 66, 65, 64, 63, 62, 61, 60, 59,
    58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43,
    42, 41, 40, 40, 39, 38, 37, 36, 35, 35, 34, 33, 32, 31, 31, 30,
    29, 28, 28, 27, 26, 25, 25, 24, 23, 23, 22, 21, 21, 20, 19, 19,
    18, 17, 17, 16, 15, 15, 14, 14, 13, 12, 12, 11, 11, 10, 9, 9,
    8, 8, 7, 7, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0,
};
constexpr uint8_t kRsqrt7[128] = {
    52, 51, 50, 48, 47, 46, 44, 43, 42, 41, 40, 39, 38, 36, 35, 34,
    33, 32, 31, 30, 30, 29, 28, 27, 26, 25, 24, 23, 23, 22, 21, 20,
    19, 19, 18, 17, 16, 16, 15, 14, 14, 13, 12, 12, 11, 10, 10, 9,
    9, 8, 7, 7, 6, 6, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0,
    127, 125, 123, 121, 119, 118, 116, 114, 113, 111, 109, 108, 106, 105, 103, 102,
    100, 99, 97, 96, 95, 93, 92, 91, 90, 88, 87, 86, 85, 84, 83, 82,
    80, 79, 78, 77, 76, 75, 74, 73, 72, 71, 70, 70, 69, 68, 67, 66,
    65, 64, 63, 63, 62, 61, 60, 59, 59, 58, 57, 56, 56, 55, 54, 53,
};

struct FpParts {
  unsigned m, ebits;  // significand and exponent widths
  uint64_t sign;
  int64_t exp;        // biased; <= 0 for a normalized subnormal
  uint64_t sig;       // fraction bits (leading 1 dropped)
};
FpParts parts(uint64_t a, unsigned w) {
  FpParts p;
  p.m = w == 16 ? 10 : w == 32 ? 23 : 52;
  p.ebits = w == 16 ? 5 : w == 32 ? 8 : 11;
  p.sign = (a >> (w - 1)) & 1;
  p.exp = static_cast<int64_t>((a >> p.m) & ((uint64_t{1} << p.ebits) - 1));
  p.sig = a & ((uint64_t{1} << p.m) - 1);
  return p;
}
// Subnormal -> normal with an exponent <= 0 (the estimates' normalization).
void normalize(FpParts& p) {
  if (p.exp != 0) return;
  while (!((p.sig >> (p.m - 1)) & 1)) {
    --p.exp;
    p.sig <<= 1;
  }
  p.sig = (p.sig << 1) & ((uint64_t{1} << p.m) - 1);
}

uint64_t frec7(uint64_t a, unsigned w, unsigned rm, uint32_t* fl) {
  FpParts p = parts(a, w);
  const int64_t emax = (int64_t{1} << p.ebits) - 1, bias = emax >> 1;
  const uint64_t inf = static_cast<uint64_t>(emax) << p.m, sign = p.sign << (w - 1);
  if (p.exp == emax) {
    if (p.sig == 0) return sign;  // 1/±inf = ±0
    if (!((p.sig >> (p.m - 1)) & 1)) *fl |= NV;
    return canonical_nan(w);
  }
  if (p.exp == 0 && p.sig == 0) {
    *fl |= DZ;
    return sign | inf;
  }
  normalize(p);
  if (p.exp < -1) {  // |a| < 2^-(bias+1): the reciprocal overflows
    *fl |= OF | NX;
    const bool to_inf = rm == RNE || rm == RMM || (rm == RDN && p.sign) || (rm == RUP && !p.sign);
    return sign | (to_inf ? inf : inf - 1);
  }
  int64_t oexp = 2 * bias - 1 - p.exp;
  uint64_t osig = static_cast<uint64_t>(kRec7[p.sig >> (p.m - 7)]) << (p.m - 7);
  if (oexp <= 0) {  // subnormal result
    osig = (osig | uint64_t{1} << p.m) >> (1 - oexp);
    oexp = 0;
  }
  return sign | static_cast<uint64_t>(oexp) << p.m | osig;
}

uint64_t frsqrt7(uint64_t a, unsigned w, uint32_t* fl) {
  FpParts p = parts(a, w);
  const int64_t emax = (int64_t{1} << p.ebits) - 1, bias = emax >> 1;
  const uint64_t inf = static_cast<uint64_t>(emax) << p.m, canon = canonical_nan(w);
  if (p.exp == emax && p.sig) {  // NaN
    if (!((p.sig >> (p.m - 1)) & 1)) *fl |= NV;
    return canon;
  }
  if (p.exp == 0 && p.sig == 0) {
    *fl |= DZ;
    return p.sign << (w - 1) | inf;
  }
  if (p.sign) {  // negative, -inf included
    *fl |= NV;
    return canon;
  }
  if (p.exp == emax) return 0;  // 1/sqrt(+inf) = +0
  normalize(p);
  const unsigned idx = static_cast<unsigned>((p.exp & 1) << 6 | p.sig >> (p.m - 6));
  const int64_t oexp = (3 * bias - 1 - p.exp) / 2;
  return static_cast<uint64_t>(oexp) << p.m | static_cast<uint64_t>(kRsqrt7[idx]) << (p.m - 7);
}

uint64_t fscalar(const VInsn& c, unsigned w) {
  if (w == 16) return fp::unbox16(c.s.f[c.d.rs1]);
  return w == 32 ? fp::unbox32(c.s.f[c.d.rs1]) : c.s.f[c.d.rs1];
}
bool vs1_vec(const VInsn& c) { return c.d.info().format == InsnFormat::VV || c.d.info().format == InsnFormat::VVR; }
uint64_t fop1(const VInsn& c, unsigned w, uint64_t i) { return vs1_vec(c) ? eget(c.s, c.vs1, w, i) : fscalar(c, w); }

// Single-width binary ops and fused multiply-adds.
bool single(VInsn& c, Fp& f) {
  if (!reg_ok(c.vd, c.lmul) || !reg_ok(c.vs2, c.lmul) || (vs1_vec(c) && !reg_ok(c.vs1, c.lmul)) || (!c.vm && c.vd == 0))
    return false;
  const unsigned w = c.sew;
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    const uint64_t a = eget(c.s, c.vs2, w, i), b = fop1(c, w, i), d = eget(c.s, c.vd, w, i);
    uint64_t r;
    switch (c.d.op) {
      case Opcode::vfadd_vv: case Opcode::vfadd_vf: r = f.arith(Arith::Add, a, b); break;
      case Opcode::vfsub_vv: case Opcode::vfsub_vf: r = f.arith(Arith::Sub, a, b); break;
      case Opcode::vfrsub_vf: r = f.arith(Arith::Sub, b, a); break;
      case Opcode::vfmul_vv: case Opcode::vfmul_vf: r = f.arith(Arith::Mul, a, b); break;
      case Opcode::vfdiv_vv: case Opcode::vfdiv_vf: r = f.arith(Arith::Div, a, b); break;
      case Opcode::vfrdiv_vf: r = f.arith(Arith::Div, b, a); break;
      case Opcode::vfmin_vv: case Opcode::vfmin_vf: r = f.min(a, b); break;
      case Opcode::vfmax_vv: case Opcode::vfmax_vf: r = f.max(a, b); break;
      case Opcode::vfmacc_vv: case Opcode::vfmacc_vf: r = f.fma(b, a, d, false, false); break;
      case Opcode::vfnmacc_vv: case Opcode::vfnmacc_vf: r = f.fma(b, a, d, true, true); break;
      case Opcode::vfmsac_vv: case Opcode::vfmsac_vf: r = f.fma(b, a, d, false, true); break;
      case Opcode::vfnmsac_vv: case Opcode::vfnmsac_vf: r = f.fma(b, a, d, true, false); break;
      case Opcode::vfmadd_vv: case Opcode::vfmadd_vf: r = f.fma(b, d, a, false, false); break;
      case Opcode::vfnmadd_vv: case Opcode::vfnmadd_vf: r = f.fma(b, d, a, true, true); break;
      case Opcode::vfmsub_vv: case Opcode::vfmsub_vf: r = f.fma(b, d, a, false, true); break;
      case Opcode::vfnmsub_vv: case Opcode::vfnmsub_vf: r = f.fma(b, d, a, true, false); break;
      default: r = f.sgnj(c.d.op, a, b); break;
    }
    eset(c.s, c.vd, w, i, r);
  }
  return true;
}

bool compare(VInsn& c, Fp& f) {
  if (!reg_ok(c.vs2, c.lmul) || (vs1_vec(c) && !reg_ok(c.vs1, c.lmul)) ||
      !overlap_ok(c.vd, 0, 1, c.vs2, c.lmul, c.sew) || (vs1_vec(c) && !overlap_ok(c.vd, 0, 1, c.vs1, c.lmul, c.sew)))
    return false;
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    const uint64_t a = eget(c.s, c.vs2, c.sew, i), b = fop1(c, c.sew, i);
    bool r;
    switch (c.d.op) {
      case Opcode::vmfeq_vv: case Opcode::vmfeq_vf: r = f.eq(a, b); break;
      case Opcode::vmfne_vv: case Opcode::vmfne_vf: r = !f.eq(a, b); break;
      case Opcode::vmflt_vv: case Opcode::vmflt_vf: r = f.lt(a, b); break;
      case Opcode::vmfle_vv: case Opcode::vmfle_vf: r = f.le(a, b); break;
      case Opcode::vmfgt_vf: r = f.lt(b, a); break;
      default: r = f.le(b, a); break;  // vmfge
    }
    mset(c.s, c.vd, i, r);
  }
  return true;
}

// Unary ops: sqrt, classify, conversions. src/dst widths follow the form.
bool unary(VInsn& c, Fp& f) {
  const unsigned sew = c.sew;
  const Opcode op = c.d.op;
  const bool widen = op >= Opcode::vfwcvt_xu_f_v && op <= Opcode::vfwcvt_rtz_x_f_v;
  const bool narrow = op >= Opcode::vfncvt_xu_f_w && op <= Opcode::vfncvt_rtz_x_f_w;
  const unsigned dw = widen ? 2 * sew : sew, sw = narrow ? 2 * sew : sew;
  // Which side is floating point decides the legal widths.
  bool src_fp, dst_fp;
  switch (op) {
    case Opcode::vfcvt_f_xu_v: case Opcode::vfcvt_f_x_v: case Opcode::vfwcvt_f_xu_v: case Opcode::vfwcvt_f_x_v:
    case Opcode::vfncvt_f_xu_w: case Opcode::vfncvt_f_x_w:
      src_fp = false, dst_fp = true;
      break;
    case Opcode::vfwcvt_f_f_v: case Opcode::vfncvt_f_f_w: case Opcode::vfncvt_rod_f_f_w: case Opcode::vfsqrt_v:
    case Opcode::vfrec7_v: case Opcode::vfrsqrt7_v:
      src_fp = true, dst_fp = true;
      break;
    case Opcode::vfclass_v:
      src_fp = true, dst_fp = false;
      break;
    default:
      src_fp = true, dst_fp = false;
      break;
  }
  if ((src_fp && !fp_width(sw)) || (dst_fp && !fp_width(dw)) || dw > 64 || sw > 64) return false;
  const int dl = widen ? c.lmul + 1 : c.lmul, sl = narrow ? c.lmul + 1 : c.lmul;
  if (dl > 3 || sl > 3 || !reg_ok(c.vd, dl) || !reg_ok(c.vs2, sl) || (!c.vm && c.vd == 0) ||
      !overlap_ok(c.vd, dl, dw, c.vs2, sl, sw))
    return false;
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    const uint64_t a = eget(c.s, c.vs2, sw, i);
    Fp src{sw, f.rm};  // ops on the source's format
    Fp dst{dw, f.rm};  // ops producing the destination's format
    uint64_t r;
    switch (op) {
      case Opcode::vfsqrt_v:
        r = sw == 16   ? fp::f16_sqrt(h16(a), f.rm, &src.fl)
            : sw == 32 ? fp::f32_sqrt(s32(a), f.rm, &src.fl)
                       : fp::f64_sqrt(a, f.rm, &src.fl);
        break;
      case Opcode::vfclass_v:
        r = sw == 16 ? fp::f16_class(h16(a)) : sw == 32 ? fp::f32_class(s32(a)) : fp::f64_class(a);
        break;
      case Opcode::vfrec7_v:
        r = frec7(a, sw, f.rm, &src.fl);
        break;
      case Opcode::vfrsqrt7_v:
        r = frsqrt7(a, sw, &src.fl);
        break;
      case Opcode::vfcvt_xu_f_v: case Opcode::vfwcvt_xu_f_v: case Opcode::vfncvt_xu_f_w:
        r = src.to_int(a, dw, true, f.rm); break;
      case Opcode::vfcvt_x_f_v: case Opcode::vfwcvt_x_f_v: case Opcode::vfncvt_x_f_w:
        r = src.to_int(a, dw, false, f.rm); break;
      case Opcode::vfcvt_rtz_xu_f_v: case Opcode::vfwcvt_rtz_xu_f_v: case Opcode::vfncvt_rtz_xu_f_w:
        r = src.to_int(a, dw, true, RTZ); break;
      case Opcode::vfcvt_rtz_x_f_v: case Opcode::vfwcvt_rtz_x_f_v: case Opcode::vfncvt_rtz_x_f_w:
        r = src.to_int(a, dw, false, RTZ); break;
      case Opcode::vfcvt_f_xu_v: case Opcode::vfwcvt_f_xu_v: case Opcode::vfncvt_f_xu_w:
        r = dst.from_int(a, sw, true); break;
      case Opcode::vfcvt_f_x_v: case Opcode::vfwcvt_f_x_v: case Opcode::vfncvt_f_x_w:
        r = dst.from_int(a, sw, false); break;
      case Opcode::vfwcvt_f_f_v:
        r = src.widen(a); break;
      case Opcode::vfncvt_f_f_w:
        r = dw == 16 ? fp::f32_to_f16(s32(a), f.rm, &src.fl) : fp::f64_to_f32(a, f.rm, &src.fl); break;
      case Opcode::vfncvt_rod_f_f_w: {
        // Round to odd: truncate, then set the lsb if anything was lost.
        uint32_t t = 0;
        r = dw == 16 ? fp::f32_to_f16(s32(a), RTZ, &t) : fp::f64_to_f32(a, RTZ, &t);
        const uint64_t exp_mask = dw == 16 ? 0x7c00u : 0x7f800000u;
        const bool finite = (r & exp_mask) != exp_mask;
        if ((t & NX) && finite) r |= 1;
        src.fl |= t;
        break;
      }
      default:
        return false;
    }
    f.fl |= src.fl | dst.fl;
    eset(c.s, c.vd, dw, i, r);
  }
  return true;
}

// Widening arithmetic: SEW=16 or 32 sources (or a 2*SEW vs2 for .w
// forms), 2*SEW results.
bool widening(VInsn& c, Fp& f, bool wide_vs2) {
  const unsigned n = c.sew, ww = 2 * n;
  if ((n != 16 && n != 32) || c.lmul >= 3 || !reg_ok(c.vd, c.lmul + 1) ||
      !reg_ok(c.vs2, wide_vs2 ? c.lmul + 1 : c.lmul) || (vs1_vec(c) && !reg_ok(c.vs1, c.lmul)) ||
      (!c.vm && c.vd == 0) ||
      !overlap_ok(c.vd, c.lmul + 1, ww, c.vs2, wide_vs2 ? c.lmul + 1 : c.lmul, wide_vs2 ? ww : n) ||
      (vs1_vec(c) && !overlap_ok(c.vd, c.lmul + 1, ww, c.vs1, c.lmul, n)))
    return false;
  Fp d{ww, f.rm}, narrow{n, f.rm};
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    uint64_t a = eget(c.s, c.vs2, wide_vs2 ? ww : n, i);
    if (!wide_vs2) a = narrow.widen(a);
    const uint64_t b = narrow.widen(fop1(c, n, i));
    const uint64_t acc = eget(c.s, c.vd, ww, i);
    uint64_t r;
    switch (c.d.op) {
      case Opcode::vfwadd_vv: case Opcode::vfwadd_vf: case Opcode::vfwadd_wv: case Opcode::vfwadd_wf:
        r = d.arith(Arith::Add, a, b); break;
      case Opcode::vfwsub_vv: case Opcode::vfwsub_vf: case Opcode::vfwsub_wv: case Opcode::vfwsub_wf:
        r = d.arith(Arith::Sub, a, b); break;
      case Opcode::vfwmul_vv: case Opcode::vfwmul_vf: r = d.arith(Arith::Mul, a, b); break;
      case Opcode::vfwmacc_vv: case Opcode::vfwmacc_vf: r = d.fma(b, a, acc, false, false); break;
      case Opcode::vfwnmacc_vv: case Opcode::vfwnmacc_vf: r = d.fma(b, a, acc, true, true); break;
      case Opcode::vfwmsac_vv: case Opcode::vfwmsac_vf: r = d.fma(b, a, acc, false, true); break;
      default: r = d.fma(b, a, acc, true, false); break;  // vfwnmsac
    }
    eset(c.s, c.vd, ww, i, r);
  }
  f.fl |= d.fl | narrow.fl;
  return true;
}

bool reduce(VInsn& c, Fp& f, bool widening_sum) {
  const unsigned sw = c.sew, aw = widening_sum ? 2 * sw : sw;
  if ((widening_sum && sw != 16 && sw != 32) || !fp_width(sw) || !reg_ok(c.vs2, c.lmul) || c.vstart != 0) return false;
  if (c.vl == 0) return true;
  Fp a{aw, f.rm}, narrow{sw, f.rm};
  uint64_t acc = eget(c.s, c.vs1, aw, 0);
  for (uint64_t i = 0; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    uint64_t x = eget(c.s, c.vs2, sw, i);
    if (widening_sum) x = narrow.widen(x);
    switch (c.d.op) {
      case Opcode::vfredmin_vs: acc = a.min(acc, x); break;
      case Opcode::vfredmax_vs: acc = a.max(acc, x); break;
      default: acc = a.arith(Arith::Add, acc, x); break;  // ordered or unordered sums
    }
  }
  eset(c.s, c.vd, aw, 0, acc);
  f.fl |= a.fl | narrow.fl;
  return true;
}

bool is_fp(Opcode op) { return op >= Opcode::vfadd_vv && op <= Opcode::vfwnmsac_vf; }

}  // namespace

bool step_fp(VInsn& c) {
  const Opcode op = c.d.op;
  if (!is_fp(op) || op == Opcode::vfslide1up_vf || op == Opcode::vfslide1down_vf) return false;
  CpuState& s = c.s;
  if (s.frm > RMM) return false;  // invalid dynamic rounding mode
  Fp f{c.sew, s.frm};
  bool ok;
  switch (op) {
    case Opcode::vfmv_f_s:
      if (!fp_width(c.sew)) return false;
      s.f[c.d.rd] = c.sew == 16   ? fp::box16(h16(eget(s, c.vs2, 16, 0)))
                    : c.sew == 32 ? fp::box32(s32(eget(s, c.vs2, 32, 0)))
                                  : eget(s, c.vs2, 64, 0);
      return true;
    case Opcode::vfmv_s_f:
      if (!fp_width(c.sew)) return false;
      if (c.vstart < c.vl) eset(s, c.vd, c.sew, 0, fscalar(c, c.sew));
      return true;
    case Opcode::vfmerge_vfm: case Opcode::vfmv_v_f: {
      const bool merge = op == Opcode::vfmerge_vfm;
      if (!fp_width(c.sew) || !reg_ok(c.vd, c.lmul) || (merge && (c.vd == 0 || !reg_ok(c.vs2, c.lmul)))) return false;
      for (uint64_t i = c.vstart; i < c.vl; ++i)
        eset(s, c.vd, c.sew, i, (!merge || mbit(s, 0, i)) ? fscalar(c, c.sew) : eget(s, c.vs2, c.sew, i));
      return true;
    }
    case Opcode::vmfeq_vv: case Opcode::vmfeq_vf: case Opcode::vmfne_vv: case Opcode::vmfne_vf:
    case Opcode::vmflt_vv: case Opcode::vmflt_vf: case Opcode::vmfle_vv: case Opcode::vmfle_vf:
    case Opcode::vmfgt_vf: case Opcode::vmfge_vf:
      if (!fp_width(c.sew)) return false;
      ok = compare(c, f);
      break;
    case Opcode::vfredusum_vs: case Opcode::vfredosum_vs: case Opcode::vfredmin_vs: case Opcode::vfredmax_vs:
      ok = reduce(c, f, false);
      break;
    case Opcode::vfwredusum_vs: case Opcode::vfwredosum_vs:
      ok = reduce(c, f, true);
      break;
    case Opcode::vfwadd_vv: case Opcode::vfwadd_vf: case Opcode::vfwsub_vv: case Opcode::vfwsub_vf:
    case Opcode::vfwmul_vv: case Opcode::vfwmul_vf: case Opcode::vfwmacc_vv: case Opcode::vfwmacc_vf:
    case Opcode::vfwnmacc_vv: case Opcode::vfwnmacc_vf: case Opcode::vfwmsac_vv: case Opcode::vfwmsac_vf:
    case Opcode::vfwnmsac_vv: case Opcode::vfwnmsac_vf:
      ok = widening(c, f, false);
      break;
    case Opcode::vfwadd_wv: case Opcode::vfwadd_wf: case Opcode::vfwsub_wv: case Opcode::vfwsub_wf:
      ok = widening(c, f, true);
      break;
    default:
      if (c.d.info().format == InsnFormat::V2) {
        ok = unary(c, f);
      } else {
        if (!fp_width(c.sew)) return false;
        ok = single(c, f);
      }
      break;
  }
  if (ok) s.fflags |= f.fl;
  return ok;
}

}  // namespace hart::v
