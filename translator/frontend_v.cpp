// translator/frontend_v.cpp — see frontend_v.h: the V 1.0 instructions the
// JIT runs inline (vec_plan) and their IR (trans_vector).
#include "translator/frontend_v.h"

#include "core/vtype.h"
#include "translator/frontend.h"

namespace hart {

namespace {

bool vm_bit(const DecodedInsn& d) { return (d.expanded >> 25) & 1; }
bool aligned(unsigned r, unsigned nregs) { return r % nregs == 0; }

// Integer element op of an OPIV*/OPMV* instruction, with its operand source.
bool int_op(Opcode op, VIop* o, VSrc* s) {
  switch (op) {
#define VV_VX_VI(n, e) \
  case Opcode::n##_vv: *o = VIop::e; *s = VSrc::vv; return true; \
  case Opcode::n##_vx: *o = VIop::e; *s = VSrc::vx; return true; \
  case Opcode::n##_vi: *o = VIop::e; *s = VSrc::vi; return true;
#define VV_VX(n, e) \
  case Opcode::n##_vv: *o = VIop::e; *s = VSrc::vv; return true; \
  case Opcode::n##_vx: *o = VIop::e; *s = VSrc::vx; return true;
    VV_VX_VI(vadd, add)
    VV_VX_VI(vand, and_)
    VV_VX_VI(vor, or_)
    VV_VX_VI(vxor, xor_)
    VV_VX(vsub, sub)
    VV_VX(vmul, mul)
    VV_VX(vminu, minu)
    VV_VX(vmin, min)
    VV_VX(vmaxu, maxu)
    VV_VX(vmax, max)
    VV_VX(vmulh, mulh)
    VV_VX(vmulhu, mulhu)
    VV_VX(vclmul, clmul)
    VV_VX(vclmulh, clmulh)
    VV_VX(vandn, andn)
    VV_VX(vmacc, macc)
    VV_VX(vnmsac, nmsac)
    VV_VX(vmadd, madd)
    VV_VX(vnmsub, nmsub)
    VV_VX_VI(vmseq, seq)
    VV_VX_VI(vmsne, sne)
    VV_VX(vmsltu, sltu)
    VV_VX(vmslt, slt)
    VV_VX_VI(vmsleu, sleu)
    VV_VX_VI(vmsle, sle)
#undef VV_VX
#undef VV_VX_VI
    case Opcode::vrsub_vx: *o = VIop::rsub; *s = VSrc::vx; return true;
    case Opcode::vrsub_vi: *o = VIop::rsub; *s = VSrc::vi; return true;
    case Opcode::vsll_vx: *o = VIop::sll; *s = VSrc::vx; return true;
    case Opcode::vsll_vi: *o = VIop::sll; *s = VSrc::vi; return true;
    case Opcode::vsrl_vx: *o = VIop::srl; *s = VSrc::vx; return true;
    case Opcode::vsrl_vi: *o = VIop::srl; *s = VSrc::vi; return true;
    case Opcode::vsra_vx: *o = VIop::sra; *s = VSrc::vx; return true;
    case Opcode::vsra_vi: *o = VIop::sra; *s = VSrc::vi; return true;
    // Zvbb: rotates by a scalar or immediate (no per-element shift on SSE);
    // vrev8.v reads vs2 alone (vs1's field is the operation).
    case Opcode::vror_vx: *o = VIop::ror; *s = VSrc::vx; return true;
    case Opcode::vror_vi: *o = VIop::ror; *s = VSrc::vi; return true;
    case Opcode::vrol_vx: *o = VIop::rol; *s = VSrc::vx; return true;
    case Opcode::vrev8_v: *o = VIop::rev8; *s = VSrc::vv; return true;
    case Opcode::vmsgtu_vx: *o = VIop::sgtu; *s = VSrc::vx; return true;
    case Opcode::vmsgtu_vi: *o = VIop::sgtu; *s = VSrc::vi; return true;
    case Opcode::vmsgt_vx: *o = VIop::sgt; *s = VSrc::vx; return true;
    case Opcode::vmsgt_vi: *o = VIop::sgt; *s = VSrc::vi; return true;
    case Opcode::vfadd_vv: *o = VIop::fadd; *s = VSrc::vv; return true;
    case Opcode::vfadd_vf: *o = VIop::fadd; *s = VSrc::vf; return true;
    case Opcode::vfsub_vv: *o = VIop::fsub; *s = VSrc::vv; return true;
    case Opcode::vfsub_vf: *o = VIop::fsub; *s = VSrc::vf; return true;
    case Opcode::vfrsub_vf: *o = VIop::frsub; *s = VSrc::vf; return true;
    case Opcode::vfmul_vv: *o = VIop::fmul; *s = VSrc::vv; return true;
    case Opcode::vfmul_vf: *o = VIop::fmul; *s = VSrc::vf; return true;
    case Opcode::vfdiv_vv: *o = VIop::fdiv; *s = VSrc::vv; return true;
    case Opcode::vfdiv_vf: *o = VIop::fdiv; *s = VSrc::vf; return true;
    case Opcode::vfrdiv_vf: *o = VIop::frdiv; *s = VSrc::vf; return true;
#define VV_VF(n, e) \
  case Opcode::n##_vv: *o = VIop::e; *s = VSrc::vv; return true; \
  case Opcode::n##_vf: *o = VIop::e; *s = VSrc::vf; return true;
    VV_VF(vfmacc, fmacc)
    VV_VF(vfnmacc, fnmacc)
    VV_VF(vfmsac, fmsac)
    VV_VF(vfnmsac, fnmsac)
    VV_VF(vfmadd, fmadd)
    VV_VF(vfnmadd, fnmadd)
    VV_VF(vfmsub, fmsub)
    VV_VF(vfnmsub, fnmsub)
#undef VV_VF
    default: return false;
  }
}

// Which SEWs SSE4.1 has an instruction for, per operation (bit = log2(SEW/8)).
unsigned sews_of(VIop o) {
  switch (o) {
    case VIop::add: case VIop::sub: case VIop::rsub: case VIop::and_: case VIop::or_: case VIop::xor_:
    case VIop::seq: case VIop::sne: case VIop::andn: case VIop::rev8:
      return 0xf;
    case VIop::sll: case VIop::srl: case VIop::ror: case VIop::rol:
      return 0xe;                                            // psllw/d/q (no byte shifts)
    case VIop::sra: return 0x6;                              // psraw/d
    case VIop::mul: case VIop::macc: case VIop::nmsac: case VIop::madd: case VIop::nmsub:
      return 0xe;                                            // pmullw, pmulld, pmuludq x3 (VecCode::mul)
    case VIop::mulh: case VIop::mulhu: return 0x6;           // pmulh(u)w; pmul(u)dq on even/odd lanes
    case VIop::clmul: case VIop::clmulh: return 0x8;         // pclmulqdq (Zvbc is SEW 64 only)
    case VIop::minu: case VIop::min: case VIop::maxu: case VIop::max:
    case VIop::sltu: case VIop::slt: case VIop::sleu: case VIop::sle: case VIop::sgtu: case VIop::sgt:
      return 0x7;                                            // pminub..pminud, pcmpgtb..d
    default: return 0xc;                                     // FP: single, double
  }
}

}  // namespace

// Widening ops: vd (2*SEW, 2*LMUL) from narrow sources (and, for .wv/.wx,
// a wide vs2). Narrow source groups must not overlap vd (the spec allows
// some overlaps; those go to the interpreter, which also rejects the rest).
bool widen_op(const DecodedInsn& d, VPlan* p) {
  switch (d.op) {
#define W(n, o, s, w) case Opcode::n: p->op = VIop::o; p->src = VSrc::s; p->wide_vs2 = w; break;
    W(vwaddu_vv, add, vv, false) W(vwaddu_vx, add, vx, false) W(vwaddu_wv, add, vv, true) W(vwaddu_wx, add, vx, true)
    W(vwsubu_vv, sub, vv, false) W(vwsubu_vx, sub, vx, false) W(vwsubu_wv, sub, vv, true) W(vwsubu_wx, sub, vx, true)
    W(vwmulu_vv, mul, vv, false) W(vwmulu_vx, mul, vx, false)
    W(vwmaccu_vv, macc, vv, false) W(vwmaccu_vx, macc, vx, false)
#undef W
#define W(n, o, s, w) case Opcode::n: p->op = VIop::o; p->src = VSrc::s; p->wide_vs2 = w; p->sgn = true; break;
    W(vwadd_vv, add, vv, false) W(vwadd_vx, add, vx, false) W(vwadd_wv, add, vv, true) W(vwadd_wx, add, vx, true)
    W(vwsub_vv, sub, vv, false) W(vwsub_vx, sub, vx, false) W(vwsub_wv, sub, vv, true) W(vwsub_wx, sub, vx, true)
    W(vwmul_vv, mul, vv, false) W(vwmul_vx, mul, vx, false)
    W(vwmacc_vv, macc, vv, false) W(vwmacc_vx, macc, vx, false)
#undef W
    default: return false;
  }
  return true;
}

namespace {

// The vector crypto rows (Zvkned, Zvknha/b, Zvkg): true when d is one (p
// then says whether it runs inline). Inline only where the interpreter
// (interp_v_crypto.cpp's legal) would run it for this vtype: SEW 32 with
// one register or more per element group (LMUL >= 1), or SHA-512 at SEW 64
// (LMUL >= 2), aligned groups, none of the overlaps the spec reserves; vl
// and vstart are checked when it runs.
// Any other case keeps call_interp, which raises the illegal instruction.
bool crypto_plan(const DecodedInsn& d, const v::Vtype& t, const VecHost& host, VPlan* p) {
  VKind k;
  bool ok_host;
  switch (d.op) {
    case Opcode::vsha2ms_vv: case Opcode::vsha2ch_vv: case Opcode::vsha2cl_vv:
      k = t.sew == 64 ? VKind::sha512 : VKind::sha2, ok_host = t.sew == 64 || host.sha;
      break;
    case Opcode::vaesdm_vv: case Opcode::vaesdf_vv: case Opcode::vaesem_vv: case Opcode::vaesef_vv:
    case Opcode::vaesdm_vs: case Opcode::vaesdf_vs: case Opcode::vaesem_vs: case Opcode::vaesef_vs:
    case Opcode::vaesz_vs: case Opcode::vaeskf1_vi: case Opcode::vaeskf2_vi:
      k = VKind::aes, ok_host = host.aes;
      break;
    case Opcode::vghsh_vv: case Opcode::vgmul_vv:
      k = VKind::ghash, ok_host = host.clmul;
      break;
    default: return false;
  }
  const unsigned n = p->nregs;
  // SHA-512's element groups are 256 bits: two registers (LMUL >= 2).
  const bool sha512 = k == VKind::sha512;
  if (!ok_host || t.sew != (sha512 ? 64u : 32u) || t.lmul < (sha512 ? 1 : 0) || !aligned(d.rd, n)) return true;
  auto overlaps = [&](unsigned r, unsigned rn) { return r < d.rd + n && d.rd < r + rn; };
  const bool vs_form = d.op == Opcode::vaesdm_vs || d.op == Opcode::vaesdf_vs || d.op == Opcode::vaesem_vs ||
                       d.op == Opcode::vaesef_vs || d.op == Opcode::vaesz_vs;
  if (vs_form ? overlaps(d.rs2, 1) : !aligned(d.rs2, n)) return true;  // .vs: vs2's first group
  if ((k == VKind::sha2 || sha512) && (!aligned(d.rs1, n) || overlaps(d.rs1, n) || overlaps(d.rs2, n))) return true;
  if (d.op == Opcode::vghsh_vv && !aligned(d.rs1, n)) return true;
  p->kind = k;
  return true;
}

}  // namespace

VPlan vec_plan(const DecodedInsn& d, uint64_t vtype, const VecHost& host) {
  VPlan p;
  if (!host.sse41 || !v::vtype_supported(vtype) || (vtype & kVtypeVill)) return p;
  const v::Vtype t = v::vtype_of(vtype);
  p.sew = static_cast<uint8_t>(t.sew);
  p.lmul = static_cast<int8_t>(t.lmul);
  p.nregs = static_cast<uint8_t>(t.lmul > 0 ? 1u << t.lmul : 1u);
  p.bytes = static_cast<uint8_t>(t.lmul >= 0 ? 16u : 16u >> -t.lmul);
  if (p.bytes < 4) return p;  // e8/mf8: two bytes, no host move of that size
  const unsigned sew_bit = 1u << __builtin_ctz(t.sew / 8);
  const unsigned n = p.nregs;
  const bool vm = vm_bit(d);
  const uint32_t w = d.expanded;
  switch (d.op) {
    case Opcode::vle8_v: case Opcode::vle16_v: case Opcode::vle32_v: case Opcode::vle64_v:
    case Opcode::vle8ff_v: case Opcode::vle16ff_v: case Opcode::vle32ff_v: case Opcode::vle64ff_v:
    case Opcode::vse8_v: case Opcode::vse16_v: case Opcode::vse32_v: case Opcode::vse64_v: {
      // EEW may differ from SEW: the group is EMUL = EEW/SEW * LMUL registers.
      static constexpr unsigned kEew[8] = {8, 0, 0, 0, 0, 16, 32, 64};
      const int emul = t.lmul + __builtin_ctz(kEew[(w >> 12) & 7]) - __builtin_ctz(t.sew);
      // Fault-only-first: the group lies in one page (checked when it
      // runs), so a fault can only hit element 0 and vl never shrinks.
      const bool ff = d.op == Opcode::vle8ff_v || d.op == Opcode::vle16ff_v || d.op == Opcode::vle32ff_v ||
                      d.op == Opcode::vle64ff_v;
      if (emul < -3 || emul > 3 || (w >> 29) != 0 || !vm || (ff && emul > 0)) return p;
      p.nregs = static_cast<uint8_t>(emul > 0 ? 1u << emul : 1u);
      p.bytes = static_cast<uint8_t>(emul >= 0 ? 16u : 16u >> -emul);
      if (p.bytes < 4 || !aligned(d.rd, p.nregs)) return p;
      p.kind = (w & 0x7f) == 0x27 ? VKind::store : VKind::load;
      // Loads past vl read within the page of element 0 (the group is in
      // one page), which is readable when element 0 is.
      p.tail_ok = p.kind == VKind::load && emul <= 0;
      return p;
    }
    case Opcode::vlse8_v: case Opcode::vlse16_v: case Opcode::vlse32_v: case Opcode::vlse64_v: {
      // Stride x0: every element from the same address (element 0's fault
      // is the only one possible). Other strides: the interpreter.
      static constexpr unsigned kEew[8] = {8, 0, 0, 0, 0, 16, 32, 64};
      if (d.rs2 != 0 || (w >> 29) != 0 || !vm || kEew[(w >> 12) & 7] != t.sew || !aligned(d.rd, n)) return p;
      p.kind = VKind::bload;
      p.tail_ok = t.lmul <= 0;
      return p;
    }
    case Opcode::vzext_vf2: case Opcode::vzext_vf4: case Opcode::vzext_vf8:
    case Opcode::vsext_vf2: case Opcode::vsext_vf4: case Opcode::vsext_vf8: {
      // vd (SEW, LMUL) from vs2 (SEW/f, LMUL/f): pmovzx/pmovsx per register.
      const unsigned f = d.op == Opcode::vzext_vf2 || d.op == Opcode::vsext_vf2 ? 2
                         : d.op == Opcode::vzext_vf4 || d.op == Opcode::vsext_vf4 ? 4 : 8;
      const int semul = t.lmul - __builtin_ctz(f);
      if (!vm || t.sew / f < 8 || semul < -3 || !aligned(d.rd, n) || (p.bytes / f) < 4) return p;
      const unsigned sregs = semul > 0 ? 1u << semul : 1u;
      if (d.rs2 < d.rd + n && d.rd < d.rs2 + sregs) return p;  // overlaps: the interpreter decides
      p.op = d.op == Opcode::vzext_vf2 || d.op == Opcode::vzext_vf4 || d.op == Opcode::vzext_vf8 ? VIop::add
                                                                                                  : VIop::sub;
      p.src = static_cast<VSrc>(0);
      p.kind = VKind::ext;
      p.factor = static_cast<uint8_t>(f);
      p.tail_ok = t.lmul <= 0;
      return p;
    }
    case Opcode::vnsrl_wi: case Opcode::vnsrl_wx: case Opcode::vnsra_wi: case Opcode::vnsra_wx: {
      // vd (SEW, LMUL) = vs2 (2*SEW, 2*LMUL) >> shift, truncated.
      const bool sra = d.op == Opcode::vnsra_wi || d.op == Opcode::vnsra_wx;
      if (!vm || t.sew > (sra ? 16u : 32u) || t.lmul > 2 || !aligned(d.rd, n)) return p;
      const unsigned sregs = t.lmul + 1 > 0 ? 1u << (t.lmul + 1) : 1u;
      if (!aligned(d.rs2, sregs) || (d.rs2 != d.rd && d.rs2 < d.rd + n && d.rd < d.rs2 + sregs)) return p;
      p.op = sra ? VIop::sra : VIop::srl;
      p.src = d.op == Opcode::vnsrl_wi || d.op == Opcode::vnsra_wi ? VSrc::vi : VSrc::vx;
      p.kind = VKind::narrow;
      p.tail_ok = t.lmul < 0;
      return p;
    }
    case Opcode::vmv_v_v: case Opcode::vmv_v_x: case Opcode::vmv_v_i:
      if (!aligned(d.rd, n) || (d.op == Opcode::vmv_v_v && !aligned(d.rs1, n))) return p;
      p.src = d.op == Opcode::vmv_v_v ? VSrc::vv : d.op == Opcode::vmv_v_x ? VSrc::vx : VSrc::vi;
      p.kind = VKind::splat;
      p.tail_ok = t.lmul <= 0;
      return p;
    case Opcode::vmerge_vvm: case Opcode::vmerge_vxm: case Opcode::vmerge_vim:
      // vd = v0 ? (vs1 | x[rs1] | imm) : vs2; groups (LMUL > 1) for .vvm:
      // aligned, vd's not v0's (rd != 0), in register order.
      p.src = d.op == Opcode::vmerge_vvm ? VSrc::vv : d.op == Opcode::vmerge_vxm ? VSrc::vx : VSrc::vi;
      if (d.rd == 0 || (t.lmul > 0 && (p.src != VSrc::vv || !aligned(d.rd, n) || !aligned(d.rs2, n) ||
                                       !aligned(d.rs1, n))))
        return p;
      p.kind = VKind::merge;
      p.tail_ok = t.lmul <= 0;
      return p;
    case Opcode::vmv1r_v: case Opcode::vmv2r_v: case Opcode::vmv4r_v: case Opcode::vmv8r_v: {
      const unsigned nr = 1u + ((w >> 15) & 7);  // simm5 = NREG - 1
      if ((nr & (nr - 1)) || !aligned(d.rd, nr) || !aligned(d.rs2, nr)) return p;
      p.nregs = static_cast<uint8_t>(nr);
      p.bytes = 16;
      p.kind = VKind::vmvnr;
      return p;
    }
    case Opcode::vid_v:
      if (!vm || !aligned(d.rd, n)) return p;
      p.kind = VKind::vid;
      p.tail_ok = t.lmul <= 0;
      return p;
    case Opcode::vmv_x_s: p.kind = VKind::mvxs; return p;
    case Opcode::vmv_s_x: p.kind = VKind::mvsx; return p;
    case Opcode::vfmv_f_s:
      if (t.sew >= 32) p.kind = VKind::fmvfs;
      return p;
    case Opcode::vfmv_v_f:
      p.src = VSrc::vf;
      if (t.sew >= 32 && host.fp_inline && aligned(d.rd, n)) p.kind = VKind::fsplat;
      return p;
    case Opcode::vfmv_s_f:
      p.src = VSrc::vf;
      if (t.sew >= 32 && host.fp_inline) p.kind = VKind::fmvsf;
      return p;
    case Opcode::vfredosum_vs: case Opcode::vfredusum_vs:
      if (t.sew >= 32 && t.lmul == 0 && vm && host.fp_inline) p.kind = VKind::fredsum;
      return p;
    case Opcode::vredsum_vs:
      if (t.sew >= 32 && t.lmul == 0 && vm) p.kind = VKind::redsum;
      return p;
    case Opcode::vredand_vs: case Opcode::vredor_vs: case Opcode::vredxor_vs:
    case Opcode::vredminu_vs: case Opcode::vredmin_vs: case Opcode::vredmaxu_vs: case Opcode::vredmax_vs:
      p.op = d.op == Opcode::vredand_vs ? VIop::and_ : d.op == Opcode::vredor_vs ? VIop::or_
             : d.op == Opcode::vredxor_vs ? VIop::xor_ : d.op == Opcode::vredminu_vs ? VIop::minu
             : d.op == Opcode::vredmin_vs ? VIop::min : d.op == Opcode::vredmaxu_vs ? VIop::maxu : VIop::max;
      if (t.lmul == 0 && vm && (sews_of(p.op) & sew_bit)) p.kind = VKind::ired;
      return p;
    case Opcode::vmand_mm: case Opcode::vmnand_mm: case Opcode::vmandn_mm: case Opcode::vmxor_mm:
    case Opcode::vmor_mm: case Opcode::vmnor_mm: case Opcode::vmorn_mm: case Opcode::vmxnor_mm:
      // Bits below vl of one register; the others (tail) stay.
      if (vm && v::vlmax(t.sew, t.lmul) <= 64) p.kind = VKind::mlogic;
      return p;
    case Opcode::vmfeq_vv: case Opcode::vmfeq_vf: case Opcode::vmfne_vv: case Opcode::vmfne_vf:
    case Opcode::vmflt_vv: case Opcode::vmflt_vf: case Opcode::vmfle_vv: case Opcode::vmfle_vf:
    case Opcode::vmfgt_vf: case Opcode::vmfge_vf:
      // cmpps/cmppd's predicates raise invalid as RISC-V does: == and != on
      // signaling NaNs only, < <= > >= on any NaN; NaN compares false.
      switch (d.op) {
        case Opcode::vmfeq_vv: case Opcode::vmfeq_vf: p.op = VIop::feq; break;
        case Opcode::vmfne_vv: case Opcode::vmfne_vf: p.op = VIop::fne; break;
        case Opcode::vmflt_vv: case Opcode::vmflt_vf: p.op = VIop::flt; break;
        case Opcode::vmfle_vv: case Opcode::vmfle_vf: p.op = VIop::fle; break;
        case Opcode::vmfgt_vf: p.op = VIop::fgt; break;
        default: p.op = VIop::fge; break;
      }
      p.src = (w >> 14 & 1) ? VSrc::vf : VSrc::vv;  // OPFVF (funct3 101) or OPFVV (001)
      if (vm && t.sew >= 32 && t.lmul <= 0 && host.fp_inline) p.kind = VKind::fcmp;
      return p;
    case Opcode::vfmin_vv: case Opcode::vfmin_vf: case Opcode::vfmax_vv: case Opcode::vfmax_vf:
      p.op = d.op == Opcode::vfmin_vv || d.op == Opcode::vfmin_vf ? VIop::fmin : VIop::fmax;
      p.src = (w >> 14 & 1) ? VSrc::vf : VSrc::vv;
      if (vm && t.sew >= 32 && t.lmul <= 0 && host.fp_inline) p.kind = VKind::fminmax;
      return p;
    case Opcode::vfcvt_f_x_v: case Opcode::vfcvt_x_f_v: case Opcode::vfcvt_rtz_x_f_v:
      // One register: a slow path after part of a group was written would
      // rerun on a changed source when vd = vs2.
      p.op = d.op == Opcode::vfcvt_f_x_v ? VIop::cvt_f_x : d.op == Opcode::vfcvt_x_f_v ? VIop::cvt_x_f
                                                                                      : VIop::cvt_rtz_x_f;
      if (vm && t.sew == 32 && t.lmul <= 0 && host.fp_inline) p.kind = VKind::fcvt;
      return p;
    case Opcode::vfirst_m: case Opcode::vcpop_m:
      p.op = d.op == Opcode::vfirst_m ? VIop::sub : VIop::add;
      if (v::vlmax(t.sew, t.lmul) <= 64 && (d.op == Opcode::vfirst_m || host.popcnt)) p.kind = VKind::mscan;
      return p;
    default: break;
  }
  if (widen_op(d, &p)) {
    // Dest 2*SEW with 2*LMUL: p.nregs/p.bytes describe the destination.
    if (!vm || t.sew > 32 || t.lmul > 2) return VPlan{};
    const int wl = t.lmul + 1;
    p.nregs = static_cast<uint8_t>(wl > 0 ? 1u << wl : 1u);
    p.bytes = static_cast<uint8_t>(wl >= 0 ? 16u : 16u >> -wl);
    const unsigned wn = p.nregs;
    auto narrow_overlaps = [&](unsigned r) { return r < d.rd + wn && d.rd < r + n; };
    if (!aligned(d.rd, wn) || (p.src == VSrc::vv && narrow_overlaps(d.rs1))) return VPlan{};
    if (p.wide_vs2 ? !aligned(d.rs2, wn) : narrow_overlaps(d.rs2)) return VPlan{};
    p.kind = VKind::widen;
    p.tail_ok = wl <= 0;
    return p;
  }
  if (crypto_plan(d, t, host, &p)) return p;
  VIop o;
  VSrc s;
  if (!int_op(d.op, &o, &s) || !(sews_of(o) & sew_bit)) return p;
  if ((o == VIop::clmul || o == VIop::clmulh) && !host.clmul) return p;
  // Masked: integer element ops of one register (v0 is no destination then).
  if (!vm && (o >= VIop::seq || t.lmul > 0 || d.rd == 0)) return p;
  p.masked = !vm;
  p.op = o;
  p.src = s;
  if (o >= VIop::fadd) {
    // One register (fractional: the used lanes only, loaded with the
    // others zero); FMA only on whole registers (a third operand).
    if (!host.fp_inline || t.lmul > 0) return p;
    if (o >= VIop::fmacc && (!host.fma || p.bytes != 16)) return p;
    if ((o == VIop::fdiv || o == VIop::frdiv) && p.bytes != 16) return p;  // no 0/0 in unused lanes
    p.kind = o >= VIop::fmacc ? VKind::ffma : VKind::fbin;
    return p;
  }
  if (o >= VIop::seq) {
    if (t.lmul > 0) return p;  // mask bits of one register only
    p.kind = VKind::icmp;
    return p;
  }
  if (!aligned(d.rd, n) || !aligned(d.rs2, n) || (s == VSrc::vv && o != VIop::rev8 && !aligned(d.rs1, n))) return p;
  p.kind = o >= VIop::macc ? VKind::imacc : VKind::ibin;
  // vmulh(u) at SEW 32, products at SEW 64 and rotates by x[rs1] need
  // xmm13, the tail mode's mask: full vl only.
  const bool mul64 = t.sew == 64 && (o == VIop::mul || o >= VIop::macc);
  p.tail_ok = t.lmul <= 0 && !((o == VIop::mulh || o == VIop::mulhu) && t.sew == 32) &&
              !((o == VIop::ror || o == VIop::rol) && s == VSrc::vx) && !mul64;
  return p;
}

uint64_t vtype_vlmax(uint64_t vtype) {
  const v::Vtype t = v::vtype_of(vtype);
  return v::vlmax(t.sew, t.lmul);
}

namespace {

// Whether vl will be below VLMAX after vsetvli/vsetivli d (see VBlockState).
bool predict_tail_after(const GuestBlock& blk, const FrontendOptions& opt, const DecodedInsn& d, uint64_t vtype,
                        bool before) {
  const uint64_t max = vtype_vlmax(vtype);
  if (d.op == Opcode::vsetivli) return d.rs1 < max;
  if (d.rs1 == 0) return d.rd == 0 && before;  // x0: VLMAX, or the old vl kept
  if (!opt.x_hint) return false;
  for (size_t k = 0; k + 1 < blk.insns.size(); ++k)  // written earlier in the block: no guess
    if (blk.insns[k].second.rd == d.rs1) return false;
  return opt.x_hint[d.rs1] < max;
}

}  // namespace

bool is_vcsr_read(const DecodedInsn& d) {
  const bool pure_read = (d.op == Opcode::csrrs || d.op == Opcode::csrrc || d.op == Opcode::csrrsi ||
                          d.op == Opcode::csrrci) && d.rs1 == 0;
  return pure_read && (d.imm == 0xc20 || d.imm == 0xc21 || d.imm == 0xc22);
}

bool trans_vcsr_read(IrBlock& ir, GuestBlock& blk, const FrontendOptions& opt, const DecodedInsn& d) {
  if (!is_vcsr_read(d) || !opt.host_sse41 || !opt.vector_inline) return false;
  const int64_t idx = static_cast<int64_t>(blk.helper_insns.size());
  blk.helper_insns.push_back(d);
  IrInsn in;
  in.op = d.rd ? IrOp::vec_x : IrOp::vec;
  in.a = ir.movi(0);
  in.imm = idx;
  in.imm2 = 0;
  if (d.rd) in.dst = ir.new_temp();
  ir.insns.push_back(in);
  if (d.rd) ir.set_reg(d.rd, in.dst);
  return true;
}

void trans_vector(IrBlock& ir, GuestBlock& blk, const FrontendOptions& opt, const DecodedInsn& d,
                  VBlockState& vs) {
  const VecHost host{opt.host_sse41 && opt.vector_inline, opt.host_fma, opt.fp_dynamic_inline, opt.host_popcnt,
                     opt.host_clmul, opt.host_aes, opt.host_sha};
  VPlan p;
  uint64_t vtype = 0;
  if (d.op == Opcode::vsetvli || d.op == Opcode::vsetivli) {
    vtype = static_cast<uint64_t>(d.imm);
    if (host.sse41 && v::vtype_supported(vtype)) p.kind = VKind::setvl;
    vs.vtype = p.kind == VKind::setvl ? static_cast<int64_t>(vtype) : -1;
    vs.speculative = false;
    if (p.kind == VKind::setvl) vs.predict_tail = predict_tail_after(blk, opt, d, vtype, vs.predict_tail);
  } else if (d.op == Opcode::vsetvl) {
    vs.vtype = -1;
  } else if (vs.vtype >= 0) {
    vtype = static_cast<uint64_t>(vs.vtype);
    p = vec_plan(d, vtype, host);
  }
  const int64_t idx = static_cast<int64_t>(blk.helper_insns.size());
  blk.helper_insns.push_back(d);
  if (p.kind == VKind::none) {
    ir.emit(IrOp::call_interp, kNoTemp, kNoTemp, idx);
    return;
  }
  // The scalar operand (a constant 0 when there is none): x[rs1] for .vx
  // forms, AVL, bases, vmv.s.x; f[rs1] for .vf forms and vfmv.
  Temp a;
  if (p.kind == VKind::setvl)
    a = d.op == Opcode::vsetvli && d.rs1 ? ir.get_reg(d.rs1) : ir.movi(0);
  else if (p.src == VSrc::vf)
    a = ir.get_freg(d.rs1);
  else if (p.kind == VKind::load || p.kind == VKind::store || p.kind == VKind::bload || p.kind == VKind::mvsx ||
           p.src == VSrc::vx)
    a = ir.get_reg(d.rs1);
  else
    a = ir.movi(0);
  const int64_t imm2 = vec_imm2(vtype, vs.speculative && p.kind != VKind::setvl, vs.predict_tail);
  const bool x_result = (p.kind == VKind::setvl || p.kind == VKind::mvxs || p.kind == VKind::mscan) && d.rd != 0;
  if (x_result || p.kind == VKind::fmvfs) {
    Temp t = ir.new_temp();
    IrInsn in;
    in.op = IrOp::vec_x;
    in.dst = t;
    in.a = a;
    in.imm = idx;
    in.imm2 = imm2;
    ir.insns.push_back(in);
    if (p.kind == VKind::fmvfs) ir.set_freg(d.rd, t); else ir.set_reg(d.rd, t);
  } else {
    ir.emit(IrOp::vec, a, kNoTemp, idx, imm2);
  }
}

}  // namespace hart
