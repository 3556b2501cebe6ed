// translator/interp_v_perm.cpp — V 1.0 mask, reduction and permutation
// instructions in the reference interpreter: mask-register logical ops,
// vcpop.m, vfirst.m, vmsbf/vmsif/vmsof, viota.m, vid.v, integer single-
// width and widening reductions, scalar moves (vmv.x.s, vmv.s.x), slides
// (vslideup/down, vslide1up/down and their FP forms), vrgather(ei16),
// vcompress and whole-register moves (vmv<nr>r.v).
// Owns: these element semantics (spec chapters "Vector Reduction
// Operations", "Vector Mask Instructions", "Vector Permutation
// Instructions"). FP reductions are in interp_v_fp.cpp.
#include "translator/fp_ops.h"
#include "translator/interp_v.h"

namespace hart::v {

namespace {

bool mask_logical(VInsn& c) {
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    const bool a = mbit(c.s, c.vs2, i), b = mbit(c.s, c.vs1, i);
    bool r;
    switch (c.d.op) {
      case Opcode::vmandn_mm: r = a && !b; break;
      case Opcode::vmand_mm: r = a && b; break;
      case Opcode::vmor_mm: r = a || b; break;
      case Opcode::vmxor_mm: r = a != b; break;
      case Opcode::vmorn_mm: r = a || !b; break;
      case Opcode::vmnand_mm: r = !(a && b); break;
      case Opcode::vmnor_mm: r = !(a || b); break;
      default: r = a == b; break;  // vmxnor
    }
    mset(c.s, c.vd, i, r);
  }
  return true;
}

// vmsbf (set before first), vmsif (including first), vmsof (only first).
bool set_first(VInsn& c) {
  if (c.vstart != 0 || c.vd == c.vs2 || (!c.vm && c.vd == 0)) return false;
  bool seen = false;
  for (uint64_t i = 0; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    const bool bit = mbit(c.s, c.vs2, i);
    bool r;
    switch (c.d.op) {
      case Opcode::vmsbf_m: r = !seen && !bit; break;
      case Opcode::vmsif_m: r = !seen; break;
      default: r = !seen && bit; break;  // vmsof
    }
    seen = seen || bit;
    mset(c.s, c.vd, i, r);
  }
  return true;
}

bool reduce_int(VInsn& c, bool widening) {
  const unsigned sew = c.sew, asew = widening ? 2 * sew : sew;
  if ((widening && sew > 32) || !reg_ok(c.vs2, c.lmul) || c.vstart != 0) return false;
  if (c.vl == 0) return true;
  uint64_t acc = eget(c.s, c.vs1, asew, 0);
  for (uint64_t i = 0; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    const uint64_t x = eget(c.s, c.vs2, sew, i);
    const int64_t sx = sext(x, sew), sacc = sext(acc, asew);
    switch (c.d.op) {
      case Opcode::vredsum_vs: acc += x; break;
      case Opcode::vwredsumu_vs: acc += x; break;
      case Opcode::vwredsum_vs: acc += static_cast<uint64_t>(sx); break;
      case Opcode::vredand_vs: acc &= x; break;
      case Opcode::vredor_vs: acc |= x; break;
      case Opcode::vredxor_vs: acc ^= x; break;
      case Opcode::vredminu_vs: acc = trunc(acc, sew) < x ? acc : x; break;
      case Opcode::vredmin_vs: acc = sacc < sx ? acc : x; break;
      case Opcode::vredmaxu_vs: acc = trunc(acc, sew) > x ? acc : x; break;
      default: acc = sacc > sx ? acc : x; break;  // vredmax
    }
  }
  eset(c.s, c.vd, asew, 0, acc);
  return true;
}

// Element index of a slide/gather operand: x[rs1], or the unsigned immediate.
uint64_t scalar_index(const VInsn& c) {
  return c.d.info().format == InsnFormat::VI ? static_cast<uint64_t>(c.d.imm) : c.s.x[c.d.rs1];
}

bool slide(VInsn& c) {
  const unsigned sew = c.sew;
  const uint64_t max = vlmax(sew, c.lmul);
  if (!reg_ok(c.vd, c.lmul) || !reg_ok(c.vs2, c.lmul) || (!c.vm && c.vd == 0)) return false;
  const Opcode op = c.d.op;
  const bool up = op == Opcode::vslideup_vx || op == Opcode::vslideup_vi || op == Opcode::vslide1up_vx ||
                  op == Opcode::vfslide1up_vf;
  const bool one = op == Opcode::vslide1up_vx || op == Opcode::vslide1down_vx || op == Opcode::vfslide1up_vf ||
                   op == Opcode::vfslide1down_vf;
  if (up && groups_overlap(c.vd, c.lmul, c.vs2, c.lmul)) return false;  // slide-up: no overlap with the source
  uint64_t scalar = c.s.x[c.d.rs1];
  if (op == Opcode::vfslide1up_vf || op == Opcode::vfslide1down_vf) {
    if (sew == 8) return false;  // SEW 16: Zvfh
    scalar = sew == 16 ? fp::unbox16(c.s.f[c.d.rs1]) : sew == 32 ? fp::unbox32(c.s.f[c.d.rs1]) : c.s.f[c.d.rs1];
  }
  const uint64_t off = one ? 1 : scalar_index(c);
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    if (up) {
      if (i < off) {
        if (one) eset(c.s, c.vd, sew, i, scalar);  // i == 0
        continue;                                  // vslideup: below OFFSET unchanged
      }
      eset(c.s, c.vd, sew, i, eget(c.s, c.vs2, sew, i - off));
    } else if (one && i == c.vl - 1) {
      eset(c.s, c.vd, sew, i, scalar);
    } else {
      const uint64_t src = i + off;
      eset(c.s, c.vd, sew, i, (src >= i && src < max) ? eget(c.s, c.vs2, sew, src) : 0);
    }
  }
  return true;
}

bool gather(VInsn& c) {
  const unsigned sew = c.sew;
  const bool ei16 = c.d.op == Opcode::vrgatherei16_vv;
  const int iemul = ei16 ? c.lmul + 4 - __builtin_ctz(sew) : c.lmul;  // EMUL of a 16-bit index
  if (iemul < -3 || iemul > 3 || !reg_ok(c.vd, c.lmul) || !reg_ok(c.vs2, c.lmul) ||
      groups_overlap(c.vd, c.lmul, c.vs2, c.lmul) ||
      (c.d.info().format == InsnFormat::VV && (!reg_ok(c.vs1, iemul) || groups_overlap(c.vd, c.lmul, c.vs1, iemul))) ||
      (!c.vm && c.vd == 0))
    return false;
  const uint64_t max = vlmax(sew, c.lmul);
  for (uint64_t i = c.vstart; i < c.vl; ++i) {
    if (!c.active(i)) continue;
    const uint64_t idx = c.d.info().format == InsnFormat::VV ? eget(c.s, c.vs1, ei16 ? 16 : sew, i) : scalar_index(c);
    eset(c.s, c.vd, sew, i, idx < max ? eget(c.s, c.vs2, sew, idx) : 0);
  }
  return true;
}

bool compress(VInsn& c) {
  if (c.vstart != 0 || !reg_ok(c.vd, c.lmul) || !reg_ok(c.vs2, c.lmul) || groups_overlap(c.vd, c.lmul, c.vs2, c.lmul) ||
      groups_overlap(c.vd, c.lmul, c.vs1, 0))
    return false;
  uint64_t k = 0;
  for (uint64_t i = 0; i < c.vl; ++i)
    if (mbit(c.s, c.vs1, i)) eset(c.s, c.vd, c.sew, k++, eget(c.s, c.vs2, c.sew, i));
  return true;
}

}  // namespace

bool step_perm(VInsn& c) {
  CpuState& s = c.s;
  switch (c.d.op) {
    case Opcode::vmandn_mm: case Opcode::vmand_mm: case Opcode::vmor_mm: case Opcode::vmxor_mm:
    case Opcode::vmorn_mm: case Opcode::vmnand_mm: case Opcode::vmnor_mm: case Opcode::vmxnor_mm:
      return mask_logical(c);
    case Opcode::vcpop_m: case Opcode::vfirst_m: {
      if (c.vstart != 0) return false;
      int64_t first = -1;
      uint64_t n = 0;
      for (uint64_t i = 0; i < c.vl; ++i)
        if (c.active(i) && mbit(s, c.vs2, i)) {
          if (first < 0) first = static_cast<int64_t>(i);
          ++n;
        }
      if (c.d.rd) s.x[c.d.rd] = c.d.op == Opcode::vcpop_m ? n : static_cast<uint64_t>(first);
      return true;
    }
    case Opcode::vmsbf_m: case Opcode::vmsif_m: case Opcode::vmsof_m:
      return set_first(c);
    case Opcode::viota_m: {
      if (c.vstart != 0 || !reg_ok(c.vd, c.lmul) || groups_overlap(c.vd, c.lmul, c.vs2, 0) || (!c.vm && c.vd == 0))
        return false;
      uint64_t sum = 0;
      for (uint64_t i = 0; i < c.vl; ++i) {
        if (!c.active(i)) continue;
        eset(s, c.vd, c.sew, i, sum);
        sum += mbit(s, c.vs2, i);
      }
      return true;
    }
    case Opcode::vid_v:
      if (!reg_ok(c.vd, c.lmul) || (!c.vm && c.vd == 0)) return false;
      for (uint64_t i = c.vstart; i < c.vl; ++i)
        if (c.active(i)) eset(s, c.vd, c.sew, i, i);
      return true;
    case Opcode::vredsum_vs: case Opcode::vredand_vs: case Opcode::vredor_vs: case Opcode::vredxor_vs:
    case Opcode::vredminu_vs: case Opcode::vredmin_vs: case Opcode::vredmaxu_vs: case Opcode::vredmax_vs:
      return reduce_int(c, false);
    case Opcode::vwredsumu_vs: case Opcode::vwredsum_vs:
      return reduce_int(c, true);
    case Opcode::vmv_x_s:  // ignores vl and vstart
      if (c.d.rd) s.x[c.d.rd] = static_cast<uint64_t>(sext(eget(s, c.vs2, c.sew, 0), c.sew));
      return true;
    case Opcode::vmv_s_x:
      if (c.vstart < c.vl) eset(s, c.vd, c.sew, 0, s.x[c.d.rs1]);
      return true;
    case Opcode::vslideup_vx: case Opcode::vslideup_vi: case Opcode::vslidedown_vx: case Opcode::vslidedown_vi:
    case Opcode::vslide1up_vx: case Opcode::vslide1down_vx: case Opcode::vfslide1up_vf:
    case Opcode::vfslide1down_vf:
      return slide(c);
    case Opcode::vrgather_vv: case Opcode::vrgather_vx: case Opcode::vrgather_vi: case Opcode::vrgatherei16_vv:
      return gather(c);
    case Opcode::vcompress_vm:
      return compress(c);
    case Opcode::vmv1r_v: case Opcode::vmv2r_v: case Opcode::vmv4r_v: case Opcode::vmv8r_v: {
      const unsigned nr = static_cast<unsigned>(c.d.imm) + 1;
      if (c.vd % nr || c.vs2 % nr) return false;
      const uint64_t evl = nr * kVlenb / (c.sew / 8);
      for (uint64_t i = c.vstart; i < evl; ++i) eset(s, c.vd, c.sew, i, eget(s, c.vs2, c.sew, i));
      return true;
    }
    default:
      return false;
  }
}

}  // namespace hart::v
