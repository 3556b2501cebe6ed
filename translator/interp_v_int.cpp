// translator/interp_v_int.cpp — V 1.0 integer arithmetic in the reference
// interpreter: single-width ALU ops, add-with-carry and carry-out masks,
// compares to masks, merges and vmv.v.*, multiply/divide, multiply-add,
// widening and narrowing forms, sign/zero extension, and the fixed-point
// instructions (saturating add/sub, averaging add/sub, vsmul, scaling
// shifts, narrowing clips) with vxrm rounding and vxsat; and the Zvbb
// (Zvkb) and Zvbc element operations (insn_table_vk.h: vandn, bit/byte
// reversal, counts, rotates, vwsll, carry-less multiply at SEW 64).
// Owns: these element semantics (spec chapters "Vector Integer Arithmetic"
// and "Vector Fixed-Point Arithmetic"). Element loops follow interp_v.h's
// policies (undisturbed tails and masked-off elements).
#include "translator/bit_ops.h"
#include "translator/interp_v.h"

namespace hart::v {

namespace {

using u128 = unsigned __int128;
using s128 = __int128;

int64_t smax(unsigned bits) { return static_cast<int64_t>((uint64_t{1} << (bits - 1)) - 1); }
int64_t smin(unsigned bits) { return -smax(bits) - 1; }
uint64_t umax(unsigned bits) { return trunc(~uint64_t{0}, bits); }

// Clamps v to the signed range of bits, noting saturation in vxsat.
uint64_t sat_s(CpuState& s, s128 v, unsigned bits) {
  if (v > smax(bits)) { s.vxsat = 1; return static_cast<uint64_t>(smax(bits)); }
  if (v < smin(bits)) { s.vxsat = 1; return static_cast<uint64_t>(smin(bits)); }
  return static_cast<uint64_t>(static_cast<int64_t>(v));
}
uint64_t sat_u(CpuState& s, u128 v, unsigned bits) {
  if (v > umax(bits)) { s.vxsat = 1; return umax(bits); }
  return static_cast<uint64_t>(v);
}

// Single-width operation on vs2 element a and operand b (SEW bits).
uint64_t alu(VInsn& c, uint64_t a, uint64_t b) {
  const unsigned sew = c.sew;
  const uint64_t ua = trunc(a, sew), ub = trunc(b, sew);
  const int64_t sa = sext(a, sew), sb = sext(b, sew);
  const unsigned sh = b & (sew - 1);
  const unsigned xrm = c.s.vxrm;
  switch (c.d.op) {
    HART_V_VV_VX_VI(vadd): return a + b;
    HART_V_VV_VX(vsub): return a - b;
    HART_V_VX_VI(vrsub): return b - a;
    HART_V_VV_VX(vminu): return ua < ub ? ua : ub;
    HART_V_VV_VX(vmin): return sa < sb ? a : b;
    HART_V_VV_VX(vmaxu): return ua > ub ? ua : ub;
    HART_V_VV_VX(vmax): return sa > sb ? a : b;
    HART_V_VV_VX_VI(vand): return a & b;
    HART_V_VV_VX_VI(vor): return a | b;
    HART_V_VV_VX_VI(vxor): return a ^ b;
    HART_V_VV_VX_VI(vsll): return a << sh;
    HART_V_VV_VX_VI(vsrl): return ua >> sh;
    HART_V_VV_VX_VI(vsra): return static_cast<uint64_t>(sa >> sh);
    HART_V_VV_VX_VI(vsaddu): return sat_u(c.s, static_cast<u128>(ua) + ub, sew);
    HART_V_VV_VX_VI(vsadd): return sat_s(c.s, static_cast<s128>(sa) + sb, sew);
    HART_V_VV_VX(vssubu):
      if (ua < ub) { c.s.vxsat = 1; return 0; }
      return ua - ub;
    HART_V_VV_VX(vssub): return sat_s(c.s, static_cast<s128>(sa) - sb, sew);
    HART_V_VV_VX(vaaddu): {
      u128 v = static_cast<u128>(ua) + ub;
      return static_cast<uint64_t>((v >> 1) + round_inc(v, 1, xrm));
    }
    HART_V_VV_VX(vaadd): {
      s128 v = static_cast<s128>(sa) + sb;
      return static_cast<uint64_t>((v >> 1) + static_cast<s128>(round_inc(static_cast<u128>(v), 1, xrm)));
    }
    HART_V_VV_VX(vasubu): {
      s128 v = static_cast<s128>(ua) - static_cast<s128>(ub);
      return static_cast<uint64_t>((v >> 1) + static_cast<s128>(round_inc(static_cast<u128>(v), 1, xrm)));
    }
    HART_V_VV_VX(vasub): {
      s128 v = static_cast<s128>(sa) - sb;
      return static_cast<uint64_t>((v >> 1) + static_cast<s128>(round_inc(static_cast<u128>(v), 1, xrm)));
    }
    HART_V_VV_VX(vsmul): {
      s128 p = static_cast<s128>(sa) * sb;
      s128 r = (p >> (sew - 1)) + static_cast<s128>(round_inc(static_cast<u128>(p), sew - 1, xrm));
      return sat_s(c.s, r, sew);
    }
    HART_V_VV_VX_VI(vssrl): return (ua >> sh) + round_inc(ua, sh, xrm);
    HART_V_VV_VX_VI(vssra):
      return static_cast<uint64_t>(sa >> sh) + round_inc(static_cast<u128>(static_cast<s128>(sa)), sh, xrm);
    HART_V_VV_VX(vdivu): return ub == 0 ? ~uint64_t{0} : ua / ub;
    HART_V_VV_VX(vdiv):
      if (sb == 0) return ~uint64_t{0};
      if (sa == smin(sew) && sb == -1) return a;
      return static_cast<uint64_t>(sa / sb);
    HART_V_VV_VX(vremu): return ub == 0 ? ua : ua % ub;
    HART_V_VV_VX(vrem):
      if (sb == 0) return a;
      if (sa == smin(sew) && sb == -1) return 0;
      return static_cast<uint64_t>(sa % sb);
    HART_V_VV_VX(vmul): return a * b;
    HART_V_VV_VX(vmulh): return static_cast<uint64_t>((static_cast<s128>(sa) * sb) >> sew);
    HART_V_VV_VX(vmulhu): return static_cast<uint64_t>((static_cast<u128>(ua) * ub) >> sew);
    HART_V_VV_VX(vmulhsu): return static_cast<uint64_t>((static_cast<s128>(sa) * static_cast<s128>(ub)) >> sew);
    // Zvbb: the unary ones (vs1 field = operation) read vs2 alone.
    HART_V_VV_VX(vandn): return a & ~b;
    case Opcode::vbrev8_v: return bits::brev8(ua);
    case Opcode::vrev8_v: return bits::rev8(ua) >> (64 - sew);
    case Opcode::vbrev_v: return bits::brev8(bits::rev8(ua)) >> (64 - sew);
    case Opcode::vclz_v: return ua ? static_cast<uint64_t>(__builtin_clzll(ua)) - (64 - sew) : sew;
    case Opcode::vctz_v: return ua ? static_cast<uint64_t>(__builtin_ctzll(ua)) : sew;
    case Opcode::vcpop_v: return bits::cpop64(ua);
    // Rotates without a branch on the amount (Zvkt); sh = 0 gives ua | ua.
    HART_V_VV_VX_VI(vror): return (ua >> sh) | (ua << ((sew - sh) & (sew - 1)));
    HART_V_VV_VX(vrol): return (ua << sh) | (ua >> ((sew - sh) & (sew - 1)));
    // Zvbc (SEW 64 only: step_int refuses the others)
    HART_V_VV_VX(vclmul): return static_cast<uint64_t>(bits::clmul128(ua, ub));
    HART_V_VV_VX(vclmulh): return static_cast<uint64_t>(bits::clmul128(ua, ub) >> 64);
    default: return 0;
  }
}

bool is_alu(Opcode op) {
  switch (op) {
    HART_V_VV_VX_VI(vadd): HART_V_VV_VX(vsub): HART_V_VX_VI(vrsub): HART_V_VV_VX(vminu):
    HART_V_VV_VX(vmin): HART_V_VV_VX(vmaxu): HART_V_VV_VX(vmax): HART_V_VV_VX_VI(vand):
    HART_V_VV_VX_VI(vor): HART_V_VV_VX_VI(vxor): HART_V_VV_VX_VI(vsll): HART_V_VV_VX_VI(vsrl):
    HART_V_VV_VX_VI(vsra): HART_V_VV_VX_VI(vsaddu): HART_V_VV_VX_VI(vsadd): HART_V_VV_VX(vssubu):
    HART_V_VV_VX(vssub): HART_V_VV_VX(vaaddu): HART_V_VV_VX(vaadd): HART_V_VV_VX(vasubu):
    HART_V_VV_VX(vasub): HART_V_VV_VX(vsmul): HART_V_VV_VX_VI(vssrl): HART_V_VV_VX_VI(vssra):
    HART_V_VV_VX(vdivu): HART_V_VV_VX(vdiv): HART_V_VV_VX(vremu): HART_V_VV_VX(vrem):
    HART_V_VV_VX(vmul): HART_V_VV_VX(vmulh): HART_V_VV_VX(vmulhu): HART_V_VV_VX(vmulhsu):
    HART_V_VV_VX(vandn): case Opcode::vbrev8_v: case Opcode::vrev8_v: case Opcode::vbrev_v:
    case Opcode::vclz_v: case Opcode::vctz_v: case Opcode::vcpop_v: HART_V_VV_VX_VI(vror): HART_V_VV_VX(vrol):
    HART_V_VV_VX(vclmul): HART_V_VV_VX(vclmulh):
      return true;
    default:
      return false;
  }
}

bool vs1_is_vector(const VInsn& c) {
  InsnFormat f = c.d.info().format;
  return f == InsnFormat::VV || f == InsnFormat::VVR || f == InsnFormat::VVM || f == InsnFormat::V1V;
}

bool single(VInsn& c) {
  if (!reg_ok(c.vd, c.lmul) || !reg_ok(c.vs2, c.lmul) || (vs1_is_vector(c) && !reg_ok(c.vs1, c.lmul)) ||
      (!c.vm && c.vd == 0))
    return false;
  for (uint64_t i = c.vstart; i < c.vl; ++i)
    if (c.active(i)) eset(c.s, c.vd, c.sew, i, alu(c, eget(c.s, c.vs2, c.sew, i), opnd1(c, c.sew, i)));
  return true;
}

// vadc/vsbc (vector result) and vmadc/vmsbc (carry/borrow-out mask).
// A mask destination (compares, carry-out) against its vector sources.
bool mask_dest_ok(const VInsn& c, bool vs1_vector) {
  return overlap_ok(c.vd, 0, 1, c.vs2, c.lmul, c.sew) && (!vs1_vector || overlap_ok(c.vd, 0, 1, c.vs1, c.lmul, c.sew));
}

bool carry(VInsn& c) {
  const Opcode op = c.d.op;
  const bool to_mask = op != Opcode::vadc_vvm && op != Opcode::vadc_vxm && op != Opcode::vadc_vim &&
                       op != Opcode::vsbc_vvm && op != Opcode::vsbc_vxm;
  const bool sub = op == Opcode::vsbc_vvm || op == Opcode::vsbc_vxm || op == Opcode::vmsbc_vvm ||
                   op == Opcode::vmsbc_vxm || op == Opcode::vmsbc_vv || op == Opcode::vmsbc_vx;
  if (!reg_ok(c.vs2, c.lmul) || (vs1_is_vector(c) && !reg_ok(c.vs1, c.lmul))) return false;
  if (!to_mask && (!reg_ok(c.vd, c.lmul) || c.vd == 0)) return false;
  if (to_mask && !mask_dest_ok(c, vs1_is_vector(c))) return false;
  const unsigned sew = c.sew;
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    const uint64_t a = trunc(eget(c.s, c.vs2, sew, i), sew), b = trunc(opnd1(c, sew, i), sew);
    const uint64_t cin = c.vm ? 0 : mbit(c.s, 0, i);  // vm=0: v0 holds carry-in
    if (to_mask) {
      bool out = sub ? static_cast<u128>(a) < static_cast<u128>(b) + cin
                     : ((static_cast<u128>(a) + b + cin) >> sew) != 0;
      mset(c.s, c.vd, i, out);
    } else {
      eset(c.s, c.vd, sew, i, sub ? a - b - cin : a + b + cin);
    }
  }
  return true;
}

bool compare(VInsn& c) {
  if (!reg_ok(c.vs2, c.lmul) || (vs1_is_vector(c) && !reg_ok(c.vs1, c.lmul)) || !mask_dest_ok(c, vs1_is_vector(c)))
    return false;
  const unsigned sew = c.sew;
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    const uint64_t a = eget(c.s, c.vs2, sew, i), b = opnd1(c, sew, i);
    const uint64_t ua = trunc(a, sew), ub = trunc(b, sew);
    const int64_t sa = sext(a, sew), sb = sext(b, sew);
    bool r;
    switch (c.d.op) {
      HART_V_VV_VX_VI(vmseq): r = ua == ub; break;
      HART_V_VV_VX_VI(vmsne): r = ua != ub; break;
      HART_V_VV_VX(vmsltu): r = ua < ub; break;
      HART_V_VV_VX(vmslt): r = sa < sb; break;
      HART_V_VV_VX_VI(vmsleu): r = ua <= ub; break;
      HART_V_VV_VX_VI(vmsle): r = sa <= sb; break;
      HART_V_VX_VI(vmsgtu): r = ua > ub; break;
      default: r = sa > sb; break;  // vmsgt
    }
    mset(c.s, c.vd, i, r);
  }
  return true;
}

// vmerge (v0 selects op1 over vs2) and vmv.v.v/x/i.
bool merge(VInsn& c) {
  const bool is_merge = !c.vm;
  if (!reg_ok(c.vd, c.lmul) || (vs1_is_vector(c) && !reg_ok(c.vs1, c.lmul)) ||
      (is_merge && (c.vd == 0 || !reg_ok(c.vs2, c.lmul))))
    return false;
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    const bool take = !is_merge || mbit(c.s, 0, i);
    eset(c.s, c.vd, c.sew, i, take ? opnd1(c, c.sew, i) : eget(c.s, c.vs2, c.sew, i));
  }
  return true;
}

// vmacc/vnmsac/vmadd/vnmsub: vd is a source too.
bool madd(VInsn& c) {
  if (!reg_ok(c.vd, c.lmul) || !reg_ok(c.vs2, c.lmul) || (vs1_is_vector(c) && !reg_ok(c.vs1, c.lmul)) ||
      (!c.vm && c.vd == 0))
    return false;
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    const uint64_t a = eget(c.s, c.vs2, c.sew, i), b = opnd1(c, c.sew, i), d = eget(c.s, c.vd, c.sew, i);
    uint64_t r;
    switch (c.d.op) {
      HART_V_VV_VX(vmacc): r = b * a + d; break;
      HART_V_VV_VX(vnmsac): r = d - b * a; break;
      HART_V_VV_VX(vmadd): r = b * d + a; break;
      default: r = a - b * d; break;  // vnmsub
    }
    eset(c.s, c.vd, c.sew, i, r);
  }
  return true;
}

// Widening: vd is 2*SEW (EMUL 2*LMUL); .wv/.wx take a 2*SEW vs2.
bool widen(VInsn& c, bool wide_vs2) {
  const unsigned sew = c.sew, wsew = 2 * sew;
  if (sew > 32 || c.lmul >= 3 || !reg_ok(c.vd, c.lmul + 1) || !reg_ok(c.vs2, wide_vs2 ? c.lmul + 1 : c.lmul) ||
      (vs1_is_vector(c) && !reg_ok(c.vs1, c.lmul)) || (!c.vm && c.vd == 0))
    return false;
  if (!overlap_ok(c.vd, c.lmul + 1, wsew, c.vs2, wide_vs2 ? c.lmul + 1 : c.lmul, wide_vs2 ? wsew : sew) ||
      (vs1_is_vector(c) && !overlap_ok(c.vd, c.lmul + 1, wsew, c.vs1, c.lmul, sew)))
    return false;
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    const uint64_t a = eget(c.s, c.vs2, wide_vs2 ? wsew : sew, i), b = opnd1(c, sew, i);
    const uint64_t ua = wide_vs2 ? a : trunc(a, sew), ub = trunc(b, sew);
    const int64_t sa = wide_vs2 ? sext(a, wsew) : sext(a, sew), sb = sext(b, sew);
    const uint64_t d = eget(c.s, c.vd, wsew, i);
    uint64_t r;
    switch (c.d.op) {
      HART_V_VV_VX(vwaddu): case Opcode::vwaddu_wv: case Opcode::vwaddu_wx: r = ua + ub; break;
      HART_V_VV_VX(vwadd): case Opcode::vwadd_wv: case Opcode::vwadd_wx: r = static_cast<uint64_t>(sa + sb); break;
      HART_V_VV_VX(vwsubu): case Opcode::vwsubu_wv: case Opcode::vwsubu_wx: r = ua - ub; break;
      HART_V_VV_VX(vwsub): case Opcode::vwsub_wv: case Opcode::vwsub_wx: r = static_cast<uint64_t>(sa - sb); break;
      HART_V_VV_VX(vwmulu): r = ua * ub; break;
      HART_V_VV_VX(vwmulsu): r = static_cast<uint64_t>(sa) * ub; break;
      HART_V_VV_VX(vwmul): r = static_cast<uint64_t>(sa * sb); break;
      HART_V_VV_VX(vwmaccu): r = ub * ua + d; break;
      HART_V_VV_VX(vwmacc): r = static_cast<uint64_t>(sb * sa) + d; break;
      HART_V_VV_VX(vwmaccsu): r = static_cast<uint64_t>(sb) * ua + d; break;
      HART_V_VV_VX_VI(vwsll): r = ua << (ub & (wsew - 1)); break;  // Zvbb
      default: r = ub * static_cast<uint64_t>(sa) + d; break;  // vwmaccus
    }
    eset(c.s, c.vd, wsew, i, r);
  }
  return true;
}

// Narrowing shifts and clips: vs2 is 2*SEW; the shift amount is op1 mod 2*SEW.
bool narrow(VInsn& c) {
  const unsigned sew = c.sew, wsew = 2 * sew;
  if (sew > 32 || c.lmul >= 3 || !reg_ok(c.vd, c.lmul) || !reg_ok(c.vs2, c.lmul + 1) ||
      (vs1_is_vector(c) && !reg_ok(c.vs1, c.lmul)) || (!c.vm && c.vd == 0) ||
      !overlap_ok(c.vd, c.lmul, sew, c.vs2, c.lmul + 1, wsew))
    return false;
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    const uint64_t a = eget(c.s, c.vs2, wsew, i);
    const unsigned sh = opnd1(c, sew, i) & (wsew - 1);
    const int64_t sa = sext(a, wsew);
    uint64_t r;
    switch (c.d.op) {
      case Opcode::vnsrl_wv: case Opcode::vnsrl_wx: case Opcode::vnsrl_wi: r = a >> sh; break;
      case Opcode::vnsra_wv: case Opcode::vnsra_wx: case Opcode::vnsra_wi: r = static_cast<uint64_t>(sa >> sh); break;
      case Opcode::vnclipu_wv: case Opcode::vnclipu_wx: case Opcode::vnclipu_wi:
        r = sat_u(c.s, static_cast<u128>(a >> sh) + round_inc(a, sh, c.s.vxrm), sew);
        break;
      default:  // vnclip
        r = sat_s(c.s, static_cast<s128>(sa >> sh) + static_cast<s128>(round_inc(static_cast<u128>(static_cast<s128>(sa)), sh, c.s.vxrm)), sew);
        break;
    }
    eset(c.s, c.vd, sew, i, r);
  }
  return true;
}

// vzext/vsext.vf2/4/8: the source is SEW/f bits with EMUL LMUL/f.
bool extend(VInsn& c, unsigned f, bool is_signed) {
  const unsigned seew = c.sew / f;
  const int semul = c.lmul - __builtin_ctz(f);
  if (seew < 8 || semul < -3 || !reg_ok(c.vd, c.lmul) || !reg_ok(c.vs2, semul) || (!c.vm && c.vd == 0) ||
      !overlap_ok(c.vd, c.lmul, c.sew, c.vs2, semul, seew))
    return false;
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    uint64_t x = eget(c.s, c.vs2, seew, i);
    eset(c.s, c.vd, c.sew, i, is_signed ? static_cast<uint64_t>(sext(x, seew)) : x);
  }
  return true;
}

}  // namespace

bool step_int(VInsn& c) {
  const Opcode op = c.d.op;
  if (is_alu(op)) {
    const bool clmul = op == Opcode::vclmul_vv || op == Opcode::vclmul_vx || op == Opcode::vclmulh_vv ||
                       op == Opcode::vclmulh_vx;
    return (!clmul || c.sew == 64) && single(c);
  }
  switch (op) {
    case Opcode::vadc_vvm: case Opcode::vadc_vxm: case Opcode::vadc_vim:
    case Opcode::vsbc_vvm: case Opcode::vsbc_vxm:
    case Opcode::vmadc_vvm: case Opcode::vmadc_vxm: case Opcode::vmadc_vim:
    case Opcode::vmadc_vv: case Opcode::vmadc_vx: case Opcode::vmadc_vi:
    case Opcode::vmsbc_vvm: case Opcode::vmsbc_vxm: case Opcode::vmsbc_vv: case Opcode::vmsbc_vx:
      return carry(c);
    HART_V_VV_VX_VI(vmseq): HART_V_VV_VX_VI(vmsne): HART_V_VV_VX(vmsltu): HART_V_VV_VX(vmslt):
    HART_V_VV_VX_VI(vmsleu): HART_V_VV_VX_VI(vmsle): HART_V_VX_VI(vmsgtu): HART_V_VX_VI(vmsgt):
      return compare(c);
    case Opcode::vmerge_vvm: case Opcode::vmerge_vxm: case Opcode::vmerge_vim:
    case Opcode::vmv_v_v: case Opcode::vmv_v_x: case Opcode::vmv_v_i:
      return merge(c);
    HART_V_VV_VX(vmacc): HART_V_VV_VX(vnmsac): HART_V_VV_VX(vmadd): HART_V_VV_VX(vnmsub):
      return madd(c);
    HART_V_VV_VX(vwaddu): HART_V_VV_VX(vwadd): HART_V_VV_VX(vwsubu): HART_V_VV_VX(vwsub):
    HART_V_VV_VX(vwmulu): HART_V_VV_VX(vwmulsu): HART_V_VV_VX(vwmul): HART_V_VV_VX(vwmaccu):
    HART_V_VV_VX(vwmacc): HART_V_VV_VX(vwmaccsu): case Opcode::vwmaccus_vx: HART_V_VV_VX_VI(vwsll):
      return widen(c, false);
    case Opcode::vwaddu_wv: case Opcode::vwaddu_wx: case Opcode::vwadd_wv: case Opcode::vwadd_wx:
    case Opcode::vwsubu_wv: case Opcode::vwsubu_wx: case Opcode::vwsub_wv: case Opcode::vwsub_wx:
      return widen(c, true);
    case Opcode::vnsrl_wv: case Opcode::vnsrl_wx: case Opcode::vnsrl_wi:
    case Opcode::vnsra_wv: case Opcode::vnsra_wx: case Opcode::vnsra_wi:
    case Opcode::vnclipu_wv: case Opcode::vnclipu_wx: case Opcode::vnclipu_wi:
    case Opcode::vnclip_wv: case Opcode::vnclip_wx: case Opcode::vnclip_wi:
      return narrow(c);
    case Opcode::vzext_vf2: return extend(c, 2, false);
    case Opcode::vzext_vf4: return extend(c, 4, false);
    case Opcode::vzext_vf8: return extend(c, 8, false);
    case Opcode::vsext_vf2: return extend(c, 2, true);
    case Opcode::vsext_vf4: return extend(c, 4, true);
    case Opcode::vsext_vf8: return extend(c, 8, true);
    default:
      return false;
  }
}

}  // namespace hart::v
