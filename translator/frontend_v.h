// translator/frontend_v.h — which V 1.0 instructions the JIT runs inline
// on host SIMD, and how (the VPlan the frontend decides and the backend,
// backend_x86_v.cpp, emits). A vector instruction gets an inline fast path
// only when its vtype is known at translation time: an inline vsetvli/
// vsetivli earlier in the same block fixed it (VBlockState). Everything
// else keeps call_interp.
// Owns: the choice of fast-pathed instructions (vec_plan) and the IR the
// frontend emits for vector instructions (trans_vector). Does not own: the
// semantics (the interpreter, interp_v*.cpp, is the oracle and the slow
// path of every fast path).
#pragma once

#include <cstdint>

#include "translator/decode.h"
#include "translator/ir.h"

namespace hart {

struct GuestBlock;
struct FrontendOptions;

// What an inline vector instruction does (VPlan::kind).
enum class VKind : uint8_t {
  none,     // not inline: call_interp
  setvl,    // vsetvli / vsetivli with a supported immediate vtype
  load,     // unit-stride vle<EEW>.v and vle<EEW>ff.v (EMUL <= 1), unmasked
  store,    // unit-stride vse<EEW=SEW>.v, unmasked
  bload,    // vlse<EEW=SEW>.v with stride x0: one element loaded into every one (GCC's splat from memory)
  ibin,     // integer element op vd = vs2 OP (vs1 | x[rs1] | imm), vmulh/vmulhu too; Zvbb's vandn, vror/vrol
            // (.vi/.vx), vrev8.v
  imacc,    // vmacc/vnmsac/vmadd/vnmsub
  icmp,     // integer compare into a mask register (LMUL <= 1)
  merge,    // vmerge.v[vxi]m (v0 selects; LMUL > 1: .vvm only)
  ext,      // vzext/vsext.vf2/4/8 (op add: zero-extend, sub: sign-extend)
  widen,    // vwadd(u)/vwsub(u) .vv/.vx/.wv/.wx, vwmul(u), vwmacc(u) (op add/sub/mul/macc)
  narrow,   // vnsrl/vnsra .wi/.wx (op srl/sra)
  splat,    // vmv.v.v / vmv.v.x / vmv.v.i
  vmvnr,    // vmv<N>r.v
  vid,      // vid.v
  mvxs,     // vmv.x.s
  mvsx,     // vmv.s.x
  fmvfs,    // vfmv.f.s
  fsplat,   // vfmv.v.f
  fmvsf,    // vfmv.s.f
  fredsum,  // vfredosum/vfredusum.vs (both in element order, as the interpreter)
  fbin,     // FP add/sub/rsub/mul (LMUL <= 1), div/rdiv (whole register)
  ffma,     // FP fused multiply-adds (LMUL <= 1)
  redsum,   // vredsum.vs at SEW 32/64
  ired,     // vredand/or/xor (any SEW), vredminu/min/maxu/max (SEW 8-32), LMUL 1, unmasked
  mlogic,   // vmand/vmnand/vmandn/vmxor/vmor/vmnor/vmorn/vmxnor.mm (VLMAX <= 64)
  mscan,    // vfirst.m / vcpop.m (op sub: vfirst, add: vcpop; VLMAX <= 64)
  fcmp,     // vmfeq/vmfne/vmflt/vmfle .vv/.vf, vmfgt/vmfge.vf into a mask (LMUL <= 1)
  fminmax,  // vfmin/vfmax .vv/.vf (LMUL <= 1; NaN operands: the interpreter)
  fcvt,     // vfcvt.f.x.v, vfcvt.x.f.v, vfcvt.rtz.x.f.v at SEW 32 (LMUL <= 1)
  vcsr,     // csrr of vl, vtype or vlenb (csrrs/csrrc/csrrsi/csrrci with rs1 = 0)
  // Vector crypto (backend_x86_vk.cpp), element groups of 4 x 32 bits, one
  // register each (SEW 32, LMUL >= 1), unmasked (vm = 1 is in their encodings):
  sha2,     // vsha2ms/vsha2ch/vsha2cl at SEW 32 (SHA-NI)
  aes,      // vaesem/ef/dm/df .vv/.vs, vaesz.vs, vaeskf1/vaeskf2.vi (AES-NI)
  ghash,    // vghsh.vv, vgmul.vv (PCLMULQDQ)
  sha512,   // vsha2ms/ch/cl at SEW 64 (groups of 2 registers, LMUL >= 2): a direct call of the interpreter's code
};

// Integer element operations (VKind::ibin, imacc, icmp).
enum class VIop : uint8_t {
  add, sub, rsub, and_, or_, xor_, sll, srl, sra, mul, minu, min, maxu, max,
  mulh, mulhu,  // high halves of the products (SEW 16: pmulhw/pmulhuw; 32: pmuldq/pmuludq)
  clmul, clmulh,  // Zvbc's carry-less products at SEW 64 (PCLMULQDQ)
  andn, ror, rol, rev8,  // Zvbb/Zvkb: vs2 & ~op; rotates (two shifts, or); vrev8.v (pshufb, vs2 alone)
  macc, nmsac, madd, nmsub,
  seq, sne, sltu, slt, sleu, sle, sgtu, sgt,
  fadd, fsub, frsub, fmul, fdiv, frdiv,
  fmacc, fnmacc, fmsac, fnmsac, fmadd, fnmadd, fmsub, fnmsub,
  fmin, fmax,                    // VKind::fminmax
  feq, fne, flt, fle, fgt, fge,  // VKind::fcmp
  cvt_f_x, cvt_x_f, cvt_rtz_x_f, // VKind::fcvt
};

// The second operand's source.
enum class VSrc : uint8_t { vv, vx, vi, vf };

struct VPlan {
  VKind kind = VKind::none;
  VIop op = VIop::add;
  VSrc src = VSrc::vv;
  uint8_t sew = 0;   // element width in bits
  int8_t lmul = 0;   // log2(LMUL)
  uint8_t nregs = 1; // registers per operand group (vmv<N>r: N)
  uint8_t bytes = 16;  // bytes used in each register (< 16 for fractional LMUL)
  uint8_t factor = 1;   // ext: 2, 4, 8
  bool masked = false;  // vm = 0: v0 selects the elements written (ibin, imacc)
  // One destination register, element-wise: runs for any 0 < vl <= VLMAX
  // (elements past vl keep their values through a blend).
  bool tail_ok = false;
  bool sgn = false;     // widen: sign-extend the narrow operands
  bool wide_vs2 = false;  // widen: .wv/.wx (vs2 is already 2*SEW)
};

struct VecHost {
  bool sse41 = false;  // the fast paths need SSE4.1 (pmulld, pminsd...)
  bool fma = false;    // FP fused multiply-adds
  bool fp_inline = false;  // frm has a host rounding mode (FP fast paths)
  bool popcnt = false;     // POPCNT (vcpop.m)
  bool clmul = false;      // PCLMULQDQ (vclmul/vclmulh, vghsh/vgmul)
  bool aes = false;        // AES-NI (Zvkned)
  bool sha = false;        // SHA-NI (Zvknha at SEW 32)
};

// The plan for d under the known vtype (a supported one; vill excluded);
// kind none when it has no fast path.
VPlan vec_plan(const DecodedInsn& d, uint64_t vtype, const VecHost& host);

// The vtype a `vec` IR op was planned for, in its imm2; with
// kVecSpeculative, a guess (the vCPU's vtype when the block was
// translated, before any vsetvli of the block) that its code checks.
// kVecTail: vl is expected below VLMAX here (see VBlockState).
constexpr int64_t kVecSpeculative = int64_t{1} << 62, kVecTail = int64_t{1} << 61;
inline int64_t vec_imm2(uint64_t vtype, bool speculative, bool tail) {
  return static_cast<int64_t>(vtype) | (speculative ? kVecSpeculative : 0) | (tail ? kVecTail : 0);
}
// VLMAX of a supported vtype.
uint64_t vtype_vlmax(uint64_t vtype);

// Per block: the vtype known (or guessed) at this point of the block.
// predict_tail: vl is expected to be below VLMAX (the vCPU's vl when the
// block was translated, or a vsetvli's AVL from the vCPU's x registers when
// the block has not written that register before it). Such instructions
// blend with the elements past vl instead of checking vl = VLMAX (whose
// failure leaves the block); blocks entered at a loop's last, partial
// iteration are translated so.
struct VBlockState {
  int64_t vtype = -1;  // -1: unknown
  bool speculative = false;
  bool predict_tail = false;
};

// Emits IR for the vector instruction d (kVector rows): a `vec` op with an
// inline fast path, or call_interp. Updates the block's known vtype.
void trans_vector(IrBlock& ir, GuestBlock& blk, const FrontendOptions& opt, const DecodedInsn& d,
                  VBlockState& vs);

// csrr rd, vl/vtype/vlenb inline (a `vec_x` op of kind vcsr; V disabled:
// the interpreter raises the illegal instruction). False: not such a read
// (nothing emitted).
bool trans_vcsr_read(IrBlock& ir, GuestBlock& blk, const FrontendOptions& opt, const DecodedInsn& d);
// Whether d is such a read.
bool is_vcsr_read(const DecodedInsn& d);

}  // namespace hart
