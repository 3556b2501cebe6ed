// translator/backend_x86_v.cpp — inline SIMD code for the V 1.0
// instructions frontend_v.cpp planned (IR op `vec`): vsetvli/vsetivli, unit-
// stride loads/stores (fault-only-first too), integer and FP element ops,
// splats, moves, vid, integer reductions, mask logical ops, vfirst/vcpop,
// vredsum, compares into masks. The vector register file stays in
// CpuState::v (register r at v + 16r, 16-byte aligned); each register is
// moved through xmm14/xmm15 (the backend's scratch registers) with SSE2/
// SSE4.1 (FP multiply-adds: FMA3).
//
// Every fast path runs only when it computes exactly what the interpreter
// would: vl = VLMAX (or, in tail mode, 0 < vl with a blend keeping the
// elements past vl) and vstart = 0, memory accesses within one guest page
// below mem_limit (a host fault then hits element 0 with vstart = 0, as
// the interpreter's would), FP results without NaNs (RISC-V's canonical
// NaN differs from x86's). Otherwise it jumps to an out-of-line stub that
// runs the interpreter for the instruction and leaves the block for the
// next one, so the code after a check may rely on it (Emitter::vec_full_
// ...). Whole vector registers are also cached in xmm10-12 (and xmm1-9
// where the block has no scalar FP: vcache_xmm) within a block
// (write-through: CpuState::v is exact at every fault), dropped at any IR
// op that may call C code. FP flags accrue in MXCSR as for scalar FP (frm
// is MXCSR's rounding mode; blocks translated for a frm the host lacks
// plan no FP fast path); a stub taken after an FP op already ran recomputes
// it, and the flags the host raised are a subset of the interpreter's.
// Owns: the x86 sequences of vector instructions (the crypto ones:
// backend_x86_vk.cpp; VecCode itself: backend_x86_v.h). Does not own: which
// instructions/vtypes are inline (frontend_v.cpp), their semantics (the
// interpreter).
#include "translator/backend_x86_v.h"

#include "translator/jit_helpers.h"

namespace hart::x86be {

namespace {

// vid.v's element indices: kVid[log2(SEW/8)][register of the group].
struct VidTable {
  alignas(16) uint8_t b[4][8][16];
  VidTable() {
    for (unsigned s = 0; s < 4; ++s) {
      const unsigned esz = 1u << s, per = 16 / esz;
      for (unsigned k = 0; k < 8; ++k)
        for (unsigned e = 0; e < per; ++e) {
          uint64_t idx = k * per + e;
          for (unsigned j = 0; j < esz; ++j) b[s][k][e * esz + j] = static_cast<uint8_t>(idx >> (8 * j));
        }
    }
  }
};
const VidTable kVid;

// The sign bit of every element, by log2(SEW/8) (unsigned compares).
struct SignTable {
  alignas(16) uint8_t b[4][16];
  SignTable() {
    for (unsigned s = 0; s < 4; ++s)
      for (unsigned j = 0; j < 16; ++j) b[s][j] = (j % (1u << s)) == (1u << s) - 1 ? 0x80 : 0;
  }
};
const SignTable kSigns;

// Mask expansion (expand_v0), by log2(SEW/8): bit i of the mask byte(s)
// selects lane i: b[s][0..15] is 1 << i in lane i; b[0][16..31] is the
// pshufb pattern spreading mask bytes 0 and 1 over the byte lanes.
struct MaskBitsTable {
  alignas(16) uint8_t b[4][32];
  MaskBitsTable() {
    for (unsigned s = 0; s < 4; ++s) {
      const unsigned esz = 1u << s;
      for (unsigned j = 0; j < 32; ++j) b[s][j] = 0;
      for (unsigned lane = 0; lane < 16 / esz; ++lane) b[s][lane * esz] = static_cast<uint8_t>(1u << (lane % 8));
    }
    for (unsigned j = 0; j < 16; ++j) b[0][16 + j] = j < 8 ? 0 : 1;
  }
};
const MaskBitsTable kMaskBits;

// vrev8.v's pshufb patterns by log2(SEW/8): each element's bytes reversed.
struct Rev8Table {
  alignas(16) uint8_t b[4][16];
  Rev8Table() {
    for (unsigned s = 0; s < 4; ++s) {
      const unsigned esz = 1u << s;
      for (unsigned j = 0; j < 16; ++j) b[s][j] = static_cast<uint8_t>(j / esz * esz + (esz - 1 - j % esz));
    }
  }
};
const Rev8Table kRev8;

// Element indices 0, 1 of 64-bit lanes as dwords (0, 0, 1, 0): the tail
// mask compares dwords and copies each low result over its qword.
struct Vid64Lo {
  alignas(16) uint32_t b[4] = {0, 0, 1, 0};
};
const Vid64Lo kVid64Lo;

// Sixteen bytes of ones then sixteen zeros: the 16 bytes from 16 - n have
// ones in their first n (mem_any_vl's lanes below vl).
struct PrefixTable {
  alignas(16) uint8_t b[32];
  PrefixTable() {
    for (unsigned j = 0; j < 32; ++j) b[j] = j < 16 ? 0xff : 0;
  }
};
const PrefixTable kPrefix;

// pshufb masks keeping the low half of each element of 2*SEW bits, packed
// into the low 8 bytes (the others zero), by log2(SEW/8) (narrowing).
struct NarrowTable {
  alignas(16) uint8_t b[3][16];
  NarrowTable() {
    for (unsigned s = 0; s < 3; ++s) {
      const unsigned esz = 1u << s;
      for (unsigned j = 0; j < 16; ++j) b[s][j] = 0x80;
      for (unsigned e = 0; e < 8 / esz; ++e)
        for (unsigned j = 0; j < esz; ++j) b[s][e * esz + j] = static_cast<uint8_t>(e * 2 * esz + j);
    }
  }
};
const NarrowTable kNarrow;

const InstId kZx[3][4] = {{Inst::kIdNone, Inst::kIdPmovzxbw, Inst::kIdPmovzxbd, Inst::kIdPmovzxbq},
                          {Inst::kIdNone, Inst::kIdNone, Inst::kIdPmovzxwd, Inst::kIdPmovzxwq},
                          {Inst::kIdNone, Inst::kIdNone, Inst::kIdNone, Inst::kIdPmovzxdq}};
const InstId kSx[3][4] = {{Inst::kIdNone, Inst::kIdPmovsxbw, Inst::kIdPmovsxbd, Inst::kIdPmovsxbq},
                          {Inst::kIdNone, Inst::kIdNone, Inst::kIdPmovsxwd, Inst::kIdPmovsxwq},
                          {Inst::kIdNone, Inst::kIdNone, Inst::kIdNone, Inst::kIdPmovsxdq}};
const InstId kAddI[4] = {Inst::kIdPaddb, Inst::kIdPaddw, Inst::kIdPaddd, Inst::kIdPaddq};
const InstId kSubI[4] = {Inst::kIdPsubb, Inst::kIdPsubw, Inst::kIdPsubd, Inst::kIdPsubq};
const InstId kMulI[4] = {Inst::kIdNone, Inst::kIdPmullw, Inst::kIdPmulld, Inst::kIdNone};

}  // namespace

InstId VecCode::int_inst(VIop o) const {
  const unsigned s = sew_index(p_.sew);
  static const InstId kAdd[4] = {Inst::kIdPaddb, Inst::kIdPaddw, Inst::kIdPaddd, Inst::kIdPaddq};
  static const InstId kSub[4] = {Inst::kIdPsubb, Inst::kIdPsubw, Inst::kIdPsubd, Inst::kIdPsubq};
  static const InstId kMul[4] = {Inst::kIdNone, Inst::kIdPmullw, Inst::kIdPmulld, Inst::kIdNone};
  static const InstId kMulh[4] = {Inst::kIdNone, Inst::kIdPmulhw, Inst::kIdPmuldq, Inst::kIdNone};
  static const InstId kMulhu[4] = {Inst::kIdNone, Inst::kIdPmulhuw, Inst::kIdPmuludq, Inst::kIdNone};
  static const InstId kMinu[4] = {Inst::kIdPminub, Inst::kIdPminuw, Inst::kIdPminud, Inst::kIdNone};
  static const InstId kMin[4] = {Inst::kIdPminsb, Inst::kIdPminsw, Inst::kIdPminsd, Inst::kIdNone};
  static const InstId kMaxu[4] = {Inst::kIdPmaxub, Inst::kIdPmaxuw, Inst::kIdPmaxud, Inst::kIdNone};
  static const InstId kMax[4] = {Inst::kIdPmaxsb, Inst::kIdPmaxsw, Inst::kIdPmaxsd, Inst::kIdNone};
  static const InstId kSll[4] = {Inst::kIdNone, Inst::kIdPsllw, Inst::kIdPslld, Inst::kIdPsllq};
  static const InstId kSrl[4] = {Inst::kIdNone, Inst::kIdPsrlw, Inst::kIdPsrld, Inst::kIdPsrlq};
  static const InstId kSra[4] = {Inst::kIdNone, Inst::kIdPsraw, Inst::kIdPsrad, Inst::kIdNone};
  static const InstId kEq[4] = {Inst::kIdPcmpeqb, Inst::kIdPcmpeqw, Inst::kIdPcmpeqd, Inst::kIdPcmpeqq};
  static const InstId kGt[4] = {Inst::kIdPcmpgtb, Inst::kIdPcmpgtw, Inst::kIdPcmpgtd, Inst::kIdNone};
  switch (o) {
    case VIop::add: case VIop::macc: case VIop::madd: return kAdd[s];
    case VIop::sub: case VIop::rsub: case VIop::nmsac: case VIop::nmsub: return kSub[s];
    case VIop::and_: return Inst::kIdPand;
    case VIop::andn: return Inst::kIdPandn;
    case VIop::or_: return Inst::kIdPor;
    case VIop::xor_: return Inst::kIdPxor;
    case VIop::mul: return kMul[s];
    case VIop::mulh: return kMulh[s];
    case VIop::mulhu: return kMulhu[s];
    case VIop::minu: return kMinu[s];
    case VIop::min: return kMin[s];
    case VIop::maxu: return kMaxu[s];
    case VIop::max: return kMax[s];
    case VIop::sll: return kSll[s];
    case VIop::srl: return kSrl[s];
    case VIop::sra: return kSra[s];
    case VIop::seq: case VIop::sne: return kEq[s];
    default: return kGt[s];
  }
}

// vsetvli/vsetivli with a supported vtype: vl = min(AVL, VLMAX).
void VecCode::setvl() {
  // V on and marked dirty: once per block (until interpreted code ran), as
  // the speculative vtype check does (Emitter::vec_vtype_ok_).
  if (!e_.vec_vtype_ok_) {
    a_.cmp(state_mem(offsetof(CpuState, v_disabled), 4), 0);
    a_.jne(slow_);
    a_.mov(state_mem(offsetof(CpuState, vs), 4), 3);
  }
  const v::Vtype t = v::vtype_of(vtype_);
  const uint64_t max = v::vlmax(t.sew, t.lmul);
  if (d_.op == Opcode::vsetivli) {
    a_.mov(eax, static_cast<uint32_t>(d_.rs1 < max ? d_.rs1 : max));
  } else if (d_.rs1 == 0 && d_.rd != 0) {
    a_.mov(eax, static_cast<uint32_t>(max));
  } else {
    if (d_.rs1 == 0) a_.mov(rax, state_mem(offsetof(CpuState, vl)));  // keep vl
    else scalar_to_rax();
    a_.mov(ecx, static_cast<uint32_t>(max));
    a_.cmp(rax, rcx);
    a_.cmova(rax, rcx);
  }
  a_.mov(state_mem(offsetof(CpuState, vl)), rax);
  a_.mov(rcx, vtype_);
  a_.mov(state_mem(offsetof(CpuState, vtype)), rcx);
  if (!e_.vec_vstart0_) a_.mov(state_mem(offsetof(CpuState, vstart)), 0);
  e_.vec_vtype_ok_ = true;  // the vtype is the block's from here on (no later op is speculative)
  // vl is VLMAX for sure when AVL is x0 (rd != x0) or an immediate >= VLMAX.
  e_.vec_full_ = (d_.op == Opcode::vsetivli && d_.rs1 >= max) || (d_.op == Opcode::vsetvli && d_.rs1 == 0 && d_.rd != 0);
  e_.vec_vstart0_ = true;
  e_.vec_tmask_ok_ = false;
}

// Unit-stride vle/vse at EEW = SEW: the whole group in one guest page.
void VecCode::mem(bool store) {
  address_in_one_page(p_.nregs * p_.bytes);
  for (unsigned k = 0; k < p_.nregs; ++k) {
    Mem g = ptr(kMem, rax, 0, static_cast<int32_t>(k * 16));
    if (store) {
      vload(kX, d_.rd + k);
      vstore(g, kX);
    } else {
      vload(kX, g);
      put(d_.rd + k, kX, kY);
    }
  }
}

// Unit-stride vle/vse of one register while vl = VLMAX is not known (a
// strip-mined loop whose last round has fewer elements: GCC 15's inline
// memcpy ran that round in the interpreter): the whole register when vl =
// VLMAX, else, for 0 < vl, only the n bytes of the elements below vl. A
// load blends them into vd's old value (tail-undisturbed, as the
// interpreter); a store writes them as two overlapping moves of the
// largest width <= n, from vs3's bytes in CpuState, never a byte past vl
// (another thread may write those). Both ways are inline, inside this
// instruction's code, so a host fault maps to it (element 0 is in the
// first move; the group is in one page). Nothing about vl holds after it.
void VecCode::mem_any_vl(bool store) {
  guard_vstart();
  address_in_one_page(p_.bytes);  // rax = element 0's address
  const uint64_t vlmax = v::vlmax(p_.sew, p_.lmul);
  const unsigned esz_log = static_cast<unsigned>(__builtin_ctz(p_.bytes / vlmax));
  Label partial = a_.newLabel(), done = a_.newLabel();
  a_.cmp(state_mem(offsetof(CpuState, vl)), static_cast<int32_t>(vlmax));
  a_.jne(partial);
  const Mem g = ptr(kMem, rax, 0, 0);
  if (store) {
    vload(kX, d_.rd);
    vstore(g, kX);
  } else {
    vload(kX, g);
    put(d_.rd, kX, kY);
  }
  a_.jmp(done);
  a_.bind(partial);
  a_.mov(rcx, state_mem(offsetof(CpuState, vl)));
  a_.test(rcx, rcx);
  a_.jz(done);  // (vl = 0: no element)
  if (esz_log) a_.shl(ecx, esz_log);  // n = vl * bytes per element < p_.bytes
  if (!store) {
    vload(kX, g);
    a_.mov(rdx, reinterpret_cast<uint64_t>(&kPrefix.b[16]));
    a_.sub(rdx, rcx);
    a_.movdqu(kTmask, ptr(rdx, 0, 16));  // n bytes of ones
    blend_old(d_.rd, kX, kTmask);
    vstore(d_.rd, kX);
    e_.vec_tmask_ok_ = false;
  } else {
    const int32_t src = static_cast<int32_t>(offsetof(CpuState, v) + d_.rd * kVlenb);
    a_.lea(rdx, ptr(kMem, rax));
    Label next = a_.newLabel();
    for (unsigned w = 8; w >= 1; w /= 2) {
      if (w >= p_.bytes) continue;  // (n < p_.bytes)
      if (w > 1) {
        a_.cmp(ecx, static_cast<int32_t>(w));
        a_.jb(next);
      }
      const Gp r = w == 8 ? Gp(rax) : Gp(eax);
      auto move = [&](const Mem& from, const Mem& to) {
        if (w >= 4) {
          a_.mov(r, from);
          a_.mov(to, r);
        } else {
          a_.movzx(eax, from);
          a_.mov(to, w == 2 ? Gp(ax) : Gp(al));
        }
      };
      move(ptr(kState, src, w), ptr(rdx, 0, w));
      if (w > 1) move(ptr(kState, rcx, 0, src - static_cast<int32_t>(w), w), ptr(rdx, rcx, 0, -static_cast<int32_t>(w), w));
      a_.jmp(done);
      a_.bind(next);
      next = a_.newLabel();
    }
  }
  a_.bind(done);
}

// vlse<SEW>.v vd, (rs1), x0: the element at rs1 (below mem_limit, within
// one page) in every element of the group.
void VecCode::bload() {
  const unsigned esize = p_.sew / 8;
  address_in_one_page(esize);
  switch (esize) {
    case 1: a_.movzx(eax, ptr(kMem, rax, 0, 0, 1)); break;
    case 2: a_.movzx(eax, ptr(kMem, rax, 0, 0, 2)); break;
    case 4: a_.mov(eax, ptr(kMem, rax, 0, 0, 4)); break;
    default: a_.mov(rax, ptr(kMem, rax, 0, 0, 8)); break;
  }
  broadcast(kX);
  for (unsigned k = 0; k < p_.nregs; ++k) {
    if (tail_) a_.movaps(kY, kX);  // the blend changes it
    put(d_.rd + k, tail_ ? kY : kX, tail_ ? kX : kY);
  }
}

// vd (2*SEW) = ext(vs2) OP ext(vs1 | x[rs1]) (vs2 as is for .wv/.wx);
// vwmacc: vd += ext(vs1 | x) * ext(vs2). Each destination register k
// takes 8 bytes of a narrow source from byte 8k of its group.
void VecCode::widen() {
  const unsigned ws = p_.sew * 2, wi = sew_index(ws), ni = sew_index(p_.sew);
  const InstId ext = p_.sgn ? kSx[ni][wi] : kZx[ni][wi];
  if (p_.src == VSrc::vx) {
    scalar_to_rax();
    switch (p_.sew) {
      case 8: if (p_.sgn) a_.movsx(rax, al); else a_.movzx(eax, al); break;
      case 16: if (p_.sgn) a_.movsx(rax, ax); else a_.movzx(eax, ax); break;
      default: if (p_.sgn) a_.movsxd(rax, eax); else a_.mov(eax, eax); break;
    }
  }
  // Products at 2*SEW: pmullw/pmulld, or from SEW 32 pmul(u)dq, whose
  // 64-bit product of each qword's low dwords is exact (the operands are
  // extended to 64 bits anyway).
  const InstId wmul = ws == 64 ? (p_.sgn ? Inst::kIdPmuldq : Inst::kIdPmuludq) : kMulI[wi];
  auto narrow_src = [&](unsigned r, unsigned k) {
    return state_mem(offsetof(CpuState, v) + r * kVlenb + k * 8, 8);
  };
  for (unsigned k = 0; k < p_.nregs; ++k) {
    if (p_.wide_vs2) vload(kX, d_.rs2 + k);
    else a_.emit(ext, kX, narrow_src(d_.rs2, k));
    if (p_.src == VSrc::vv) a_.emit(ext, kY, narrow_src(d_.rs1, k));
    else broadcast(kY, ws);
    switch (p_.op) {
      case VIop::add: a_.emit(kAddI[wi], kX, kY); break;
      case VIop::sub: a_.emit(kSubI[wi], kX, kY); break;
      case VIop::mul: a_.emit(wmul, kX, kY); break;
      default:  // macc
        a_.emit(wmul, kX, kY);
        vload(kY, d_.rd + k);
        a_.emit(kAddI[wi], kX, kY);
        break;
    }
    put(d_.rd + k, kX, kY);
  }
}

// vd (SEW) = vs2 (2*SEW) >> (imm | x[rs1]) & (2*SEW - 1), truncated: the
// shift at 2*SEW, then pshufb packs the low halves (8 bytes per source
// register). In register order, so vd = vs2 (allowed) reads each source
// register before it is written.
void VecCode::narrow() {
  const unsigned wi = sew_index(p_.sew * 2);
  static const InstId kSrl[4] = {Inst::kIdNone, Inst::kIdPsrlw, Inst::kIdPsrld, Inst::kIdPsrlq};
  static const InstId kSra[4] = {Inst::kIdNone, Inst::kIdPsraw, Inst::kIdPsrad, Inst::kIdNone};
  const InstId sh = p_.op == VIop::sra ? kSra[wi] : kSrl[wi];
  const unsigned mask = p_.sew * 2 - 1;
  if (p_.src == VSrc::vx) {
    scalar_to_rax();
    a_.and_(eax, static_cast<int32_t>(mask));
  }
  a_.mov(rcx, reinterpret_cast<uint64_t>(&kNarrow.b[sew_index(p_.sew)][0]));
  auto one = [&](unsigned src_reg) {
    a_.movdqu(kX, vreg(src_reg));
    if (p_.src == VSrc::vi) {
      a_.emit(sh, kX, Imm(static_cast<uint64_t>(d_.imm) & mask));
    } else {
      a_.movq(kY, rax);
      a_.emit(sh, kX, kY);
    }
    a_.pshufb(kX, ptr(rcx, 0, 16));
  };
  for (unsigned k = 0; k < p_.nregs; ++k) {
    if (p_.bytes == 16) {
      for (unsigned h = 0; h < 2; ++h) {
        one(d_.rs2 + 2 * k + h);
        a_.movq(state_mem(offsetof(CpuState, v) + (d_.rd + k) * kVlenb + 8 * h, 8), kX);
      }
      vinval(d_.rd + k);
    } else {
      one(d_.rs2);
      put(d_.rd, kX, kY);
    }
  }
}

// Tail mode (one-register element-wise kinds while vl = VLMAX is not
// known): any 0 < vl runs inline; xmm13 gets the lanes below vl (for the
// destination's element width), which put() blends with.
void VecCode::guard_tail() {
  a_.cmp(state_mem(offsetof(CpuState, vl)), 0);
  a_.je(slow_);
  guard_vstart();
  tail_ = true;
  const unsigned ew = p_.bytes * 8 / static_cast<unsigned>(v::vlmax(p_.sew, p_.lmul));
  if (e_.vec_tmask_ok_ && e_.vec_tmask_ew_ == ew) return;
  a_.mov(rax, state_mem(offsetof(CpuState, vl)));
  const uint8_t* vid = &kVid.b[sew_index(ew == 64 ? 32 : ew)][0][0];
  a_.mov(rcx, ew == 64 ? reinterpret_cast<uint64_t>(&kVid64Lo.b[0]) : reinterpret_cast<uint64_t>(vid));
  broadcast(kTmask, ew == 64 ? 32 : ew);
  static const InstId kGt[3] = {Inst::kIdPcmpgtb, Inst::kIdPcmpgtw, Inst::kIdPcmpgtd};
  a_.emit(kGt[sew_index(ew == 64 ? 32 : ew)], kTmask, ptr(rcx, 0, 16));  // vl > i
  if (ew == 64) a_.pshufd(kTmask, kTmask, 0xa0);  // each qword from its low dword
  e_.vec_tmask_ok_ = true;
  e_.vec_tmask_ew_ = ew;
}

// x = all ones in the lanes (SEW wide) of register k of a group whose v0
// bit is set (bits k * 16/(SEW/8) on). Clobbers rax, rcx.
void VecCode::expand_v0(const Xmm& x, unsigned k) {
  const unsigned s = sew_index(p_.sew);
  const unsigned bit = k * (16u >> s);
  a_.mov(rcx, reinterpret_cast<uint64_t>(&kMaskBits.b[s][0]));
  if (p_.sew == 8) {
    a_.movd(x, state_mem(offsetof(CpuState, v) + bit / 8, 4));
    a_.pshufb(x, ptr(rcx, 16, 16));  // byte 0 to lanes 0-7, byte 1 to lanes 8-15
  } else {
    a_.movzx(eax, state_mem(offsetof(CpuState, v) + bit / 8, 1));
    if (bit % 8) a_.shr(eax, bit % 8);
    a_.movd(x, eax);
    a_.punpcklbw(x, x);
    a_.pshuflw(x, x, 0);
    a_.pshufd(x, x, 0);
  }
  a_.pand(x, ptr(rcx, 0, 16));
  static const InstId kEq[4] = {Inst::kIdPcmpeqb, Inst::kIdPcmpeqw, Inst::kIdPcmpeqd, Inst::kIdPcmpeqq};
  a_.emit(kEq[s], x, ptr(rcx, 0, 16));
}

// vror/vrol of kX (vs2's register) by n = imm or rax (both & (SEW - 1)):
// (x >> n) | (x << (SEW - n)) for vror, the shifts swapped for vrol; a
// shift by SEW gives 0, so n = 0 leaves x. Branch-free (Zvkt). By rax:
// the two counts in kY and xmm13 (this plan never runs in tail mode).
void VecCode::rotate() {
  const unsigned s = sew_index(p_.sew);
  static const InstId kSll[4] = {Inst::kIdNone, Inst::kIdPsllw, Inst::kIdPslld, Inst::kIdPsllq};
  static const InstId kSrl[4] = {Inst::kIdNone, Inst::kIdPsrlw, Inst::kIdPsrld, Inst::kIdPsrlq};
  const bool ror = p_.op == VIop::ror;
  const InstId by_n = ror ? kSrl[s] : kSll[s], by_rest = ror ? kSll[s] : kSrl[s];
  a_.movaps(kY, kX);
  if (p_.src == VSrc::vi) {
    const unsigned n = static_cast<unsigned>(d_.imm) & (p_.sew - 1);
    a_.emit(by_n, kX, Imm(n));
    a_.emit(by_rest, kY, Imm(p_.sew - n));
  } else {
    a_.movq(kTmask, rax);
    a_.emit(by_n, kX, kTmask);
    a_.mov(ecx, p_.sew);
    a_.sub(ecx, eax);
    a_.movq(kTmask, rcx);
    a_.emit(by_rest, kY, kTmask);
    e_.vec_tmask_ok_ = false;
  }
  a_.por(kX, kY);
}

void VecCode::int_op(unsigned k) {
  const InstId id = int_inst(p_.op);
  const bool shift = p_.op == VIop::sll || p_.op == VIop::srl || p_.op == VIop::sra;
  vload(kX, d_.rs2 + k);
  if (p_.op == VIop::rev8) {  // vs2 alone
    a_.mov(rcx, reinterpret_cast<uint64_t>(&kRev8.b[sew_index(p_.sew)][0]));
    a_.pshufb(kX, ptr(rcx, 0, 16));
    put(d_.rd + k, kX, kY);
    return;
  }
  if (p_.op == VIop::ror || p_.op == VIop::rol) {
    rotate();
    put(d_.rd + k, kX, kY);
    return;
  }
  if (shift) {
    if (p_.src == VSrc::vi) {
      a_.emit(id, kX, Imm(static_cast<uint64_t>(d_.imm) & (p_.sew - 1)));
    } else {
      a_.movq(kY, rax);  // rax = x[rs1] & (SEW - 1)
      a_.emit(id, kX, kY);
    }
    put(d_.rd + k, kX, kY);
    return;
  }
  operand(kY, k);
  if (p_.op == VIop::clmul || p_.op == VIop::clmulh) {
    clmul(k, kX, kY);
    put(d_.rd + k, kX, kY);
    return;
  }
  if (p_.op == VIop::rsub || p_.op == VIop::andn) {  // op - vs2; ~op & vs2 (pandn)
    a_.emit(id, kY, kX);
    put(d_.rd + k, kY, kX);
    return;
  }
  if ((p_.op == VIop::mulh || p_.op == VIop::mulhu) && p_.sew == 32) {
    // pmul(u)dq multiplies dwords 0 and 2 into qwords: the even elements'
    // products, then the odd ones' (shifted down), and their high dwords
    // interleaved. xmm13 is free: this plan never runs in tail mode.
    a_.movaps(kTmask, kX);
    a_.emit(id, kX, kY);           // even products
    a_.psrlq(kTmask, 32);
    a_.psrlq(kY, 32);
    a_.emit(id, kTmask, kY);       // odd products
    a_.psrlq(kX, 32);              // even highs in dwords 0, 2
    a_.pblendw(kX, kTmask, 0xcc);  // odd highs in dwords 1, 3
    put(d_.rd + k, kX, kY);
    return;
  }
  if (p_.op == VIop::mul) mul(kX, kY);
  else a_.emit(id, kX, kY);
  put(d_.rd + k, kX, kY);
}

// x *= y by element (the low SEW bits of the product). SSE4.1 has no
// 64-bit multiply: x_lo*y_lo (pmuludq) plus the cross products' sum
// shifted up, whose low 32 bits are all that is left of them: pmulld of x
// with y's dwords swapped gives x_lo*y_hi and x_hi*y_lo per qword, phaddd
// sums each pair. xmm13 is the one more register this needs (no tail mode).
void VecCode::mul(const Xmm& x, const Xmm& y) {
  if (p_.sew != 64) {
    a_.emit(int_inst(VIop::mul), x, y);
    return;
  }
  a_.pshufd(kTmask, y, 0xb1);
  a_.pmulld(kTmask, x);
  a_.phaddd(kTmask, kTmask);   // (cross0, cross1, cross0, cross1)
  a_.pmovzxdq(kTmask, kTmask);
  a_.psllq(kTmask, 32);
  a_.pmuludq(x, y);
  a_.paddq(x, kTmask);
}

// vmacc: vd += vs1*vs2; vnmsac: vd -= vs1*vs2; vmadd: vd = vs1*vd + vs2;
// vnmsub: vd = -(vs1*vd) + vs2 (vs1 or x[rs1]).
void VecCode::imacc(unsigned k) {
  const InstId acc = int_inst(p_.op);
  const bool vd_is_factor = p_.op == VIop::madd || p_.op == VIop::nmsub;
  vload(kX, (vd_is_factor ? d_.rd : d_.rs2) + k);
  operand(kY, k);
  mul(kX, kY);
  vload(kY, (vd_is_factor ? d_.rs2 : d_.rd) + k);
  if (p_.op == VIop::macc || p_.op == VIop::madd) {
    a_.emit(acc, kX, kY);
    put(d_.rd + k, kX, kY);
  } else {
    a_.emit(acc, kY, kX);
    put(d_.rd + k, kY, kX);
  }
}

// Compares of one register (LMUL <= 1) into the low VLMAX bits of vd; the
// mask's other bits are tail and stay. Unsigned compares flip the sign bits
// first (pcmpgt is signed).
void VecCode::icmp() {
  const VIop o = p_.op;
  vload(kX, d_.rs2);
  operand(kY, 0);
  if (o == VIop::sltu || o == VIop::sleu || o == VIop::sgtu) {
    a_.mov(rax, reinterpret_cast<uint64_t>(&kSigns.b[sew_index(p_.sew)][0]));
    a_.pxor(kX, ptr(rax, 0, 16));
    a_.pxor(kY, ptr(rax, 0, 16));
  }
  const InstId id = int_inst(o);
  Xmm m = kX;
  bool invert = false;
  switch (o) {
    case VIop::seq: a_.emit(id, kX, kY); break;
    case VIop::sne: a_.emit(id, kX, kY); invert = true; break;
    case VIop::slt: case VIop::sltu: a_.emit(id, kY, kX); m = kY; break;   // op > vs2
    case VIop::sle: case VIop::sleu: a_.emit(id, kX, kY); invert = true; break;  // !(vs2 > op)
    default: a_.emit(id, kX, kY); break;                                   // sgt: vs2 > op
  }
  switch (p_.sew) {
    case 8: a_.pmovmskb(eax, m); break;
    case 16: a_.packsswb(m, m); a_.pmovmskb(eax, m); break;
    case 32: a_.movmskps(eax, m); break;
    default: a_.movmskpd(eax, m); break;
  }
  if (invert) a_.not_(eax);
  store_mask();
}

// eax's low VLMAX bits (a compare's lanes) into the mask register vd; its
// other bits are tail and stay.
void VecCode::store_mask() {
  const unsigned lanes = p_.bytes * 8 / p_.sew;
  vinval(d_.rd);
  if (lanes == 16) {
    a_.mov(vreg(d_.rd, 2), ax);
  } else if (lanes == 8) {
    a_.mov(vreg(d_.rd, 1), al);
  } else {
    const unsigned keep = (1u << lanes) - 1;
    a_.movzx(ecx, vreg(d_.rd, 1));
    a_.and_(ecx, static_cast<int32_t>(~keep & 0xff));
    a_.and_(eax, static_cast<int32_t>(keep));
    a_.or_(ecx, eax);
    a_.mov(vreg(d_.rd, 1), cl);
  }
}

void VecCode::nan_check(const Xmm& r, const Xmm& tmp) {
  a_.movaps(tmp, r);
  if (p_.sew == 32) {
    a_.cmpps(tmp, tmp, 3);  // unordered
    a_.movmskps(eax, tmp);
    a_.test(eax, p_.bytes == 16 ? 0xf : 0x3);
  } else {
    a_.cmppd(tmp, tmp, 3);
    a_.movmskpd(eax, tmp);
    a_.test(eax, 3);
  }
  a_.jnz(slow_);
}

// The second FP operand (vs1, or f[rs1] in rax broadcast) into y: only the
// used lanes, so that the others raise no flags.
void VecCode::fp_second(const Xmm& y) {
  if (p_.src == VSrc::vv) {
    vload(y, d_.rs1);
  } else {
    broadcast(y);
    if (p_.bytes == 8) a_.movq(y, y);
  }
}

// vmfeq/vmfne/vmflt/vmfle (vs2 ? op) and vmfgt/vmfge.vf (op ? vs2 swapped)
// with cmpps/cmppd: EQ_OQ, NEQ_UQ, LT_OS, LE_OS.
void VecCode::fcmp() {
  const bool s = p_.sew == 32;
  if (p_.src == VSrc::vf) scalar_operand();
  vload(kX, d_.rs2);
  fp_second(kY);
  uint8_t pred;
  switch (p_.op) {
    case VIop::feq: pred = 0; break;
    case VIop::fne: pred = 4; break;
    case VIop::flt: case VIop::fgt: pred = 1; break;
    default: pred = 2; break;  // fle, fge
  }
  const bool swap = p_.op == VIop::fgt || p_.op == VIop::fge;
  const Xmm m = swap ? kY : kX, o = swap ? kX : kY;
  if (s) a_.cmpps(m, o, pred); else a_.cmppd(m, o, pred);
  if (s) a_.movmskps(eax, m); else a_.movmskpd(eax, m);
  store_mask();
}

// vfmin/vfmax: any NaN operand goes to the interpreter (checked before any
// flag can be raised: a quiet NaN raises none in RISC-V). min/maxps return
// their second operand on equal values (+0/-0): both orders, then OR
// (min: -0 wins) or AND (max: +0 wins). xmm13 is free: never tail mode.
void VecCode::fminmax() {
  const bool s = p_.sew == 32;
  if (p_.src == VSrc::vf) scalar_operand();
  vload(kX, d_.rs2);
  fp_second(kY);
  a_.movaps(kTmask, kX);
  if (s) a_.cmpps(kTmask, kY, 3); else a_.cmppd(kTmask, kY, 3);  // unordered: a NaN
  if (s) a_.movmskps(eax, kTmask); else a_.movmskpd(eax, kTmask);
  a_.test(eax, s && p_.bytes == 16 ? 0xf : 0x3);
  a_.jnz(slow_);
  a_.movaps(kTmask, kX);
  const bool mn = p_.op == VIop::fmin;
  const InstId id = s ? (mn ? Inst::kIdMinps : Inst::kIdMaxps) : (mn ? Inst::kIdMinpd : Inst::kIdMaxpd);
  a_.emit(id, kTmask, kY);
  a_.emit(id, kY, kX);
  if (mn) a_.orps(kY, kTmask); else a_.andps(kY, kTmask);
  vstore(d_.rd, kY);
}

// vfcvt at SEW 32: cvtdq2ps rounds in MXCSR's mode (frm) with PE for
// inexact, RISC-V's NX; cvt(t)ps2dq's "integer indefinite" 0x80000000 (NaN,
// out of range, or a true -2^31) goes to the interpreter, whose flags
// include the IE x86 raised then.
void VecCode::fcvt() {
  vload(kX, d_.rs2);
  switch (p_.op) {
    case VIop::cvt_f_x: a_.cvtdq2ps(kX, kX); break;
    case VIop::cvt_x_f: a_.cvtps2dq(kX, kX); break;
    default: a_.cvttps2dq(kX, kX); break;
  }
  if (p_.op != VIop::cvt_f_x) {
    a_.mov(rax, reinterpret_cast<uint64_t>(&kSigns.b[2][0]));
    a_.movaps(kY, kX);
    a_.pcmpeqd(kY, ptr(rax, 0, 16));
    a_.movmskps(eax, kY);
    a_.test(eax, p_.bytes == 16 ? 0xf : 0x3);
    a_.jnz(slow_);
  }
  vstore(d_.rd, kX);
}

// FP add/sub/rsub/mul and the fused multiply-adds on one register.
void VecCode::fp(bool fma) {
  const bool s = p_.sew == 32;
  if (p_.src == VSrc::vf) scalar_operand();
  auto second = [&](const Xmm& y) { fp_second(y); };
  if (!fma) {
    vload(kX, d_.rs2);
    second(kY);
    Xmm r = kX, o = kY;
    if (p_.op == VIop::frsub || p_.op == VIop::frdiv) std::swap(r, o);
    InstId id;
    switch (p_.op) {
      case VIop::fadd: id = s ? Inst::kIdAddps : Inst::kIdAddpd; break;
      case VIop::fmul: id = s ? Inst::kIdMulps : Inst::kIdMulpd; break;
      case VIop::fdiv: case VIop::frdiv: id = s ? Inst::kIdDivps : Inst::kIdDivpd; break;
      default: id = s ? Inst::kIdSubps : Inst::kIdSubpd; break;
    }
    a_.emit(id, r, o);
    nan_check(r, o);
    vstore(d_.rd, r);
    return;
  }
  // kX = vd; kY = vs1 or f[rs1]; the third operand from memory.
  vload(kX, d_.rd);
  second(kY);
  InstId id;
  switch (p_.op) {  // 231: kX = kY*[vs2] + kX; 213: kX = kY*kX + [vs2]
    case VIop::fmacc: id = s ? Inst::kIdVfmadd231ps : Inst::kIdVfmadd231pd; break;
    case VIop::fnmacc: id = s ? Inst::kIdVfnmsub231ps : Inst::kIdVfnmsub231pd; break;
    case VIop::fmsac: id = s ? Inst::kIdVfmsub231ps : Inst::kIdVfmsub231pd; break;
    case VIop::fnmsac: id = s ? Inst::kIdVfnmadd231ps : Inst::kIdVfnmadd231pd; break;
    case VIop::fmadd: id = s ? Inst::kIdVfmadd213ps : Inst::kIdVfmadd213pd; break;
    case VIop::fnmadd: id = s ? Inst::kIdVfnmsub213ps : Inst::kIdVfnmsub213pd; break;
    case VIop::fmsub: id = s ? Inst::kIdVfmsub213ps : Inst::kIdVfmsub213pd; break;
    default: id = s ? Inst::kIdVfnmadd213ps : Inst::kIdVfnmadd213pd; break;  // fnmsub
  }
  if (is_cached(d_.rs2)) {
    touch(d_.rs2);
    a_.emit(id, kX, kY, cached(d_.rs2));
  } else {
    a_.emit(id, kX, kY, vreg(d_.rs2));
  }
  nan_check(kX, kY);
  vstore(d_.rd, kX);
}

// dst = the low vl bits set (vl from CpuState, 0 < vl <= 64; vl = 0 takes
// the slow path; where the block knows vl = VLMAX, a constant).
void VecCode::vl_bits(const Gp& dst) {
  if (e_.vec_full_) {  // vl = VLMAX (<= 64) of this vtype: a constant (GCC 15's strlen: vsetvli rd, x0)
    const uint64_t vlmax = v::vlmax(p_.sew, p_.lmul);
    a_.mov(dst, vlmax >= 64 ? ~uint64_t{0} : (uint64_t{1} << vlmax) - 1);
    return;
  }
  a_.mov(rcx, state_mem(offsetof(CpuState, vl)));
  a_.test(rcx, rcx);
  a_.jz(slow_);
  a_.neg(ecx);
  a_.and_(ecx, 63);  // 64 - vl (mod 64: vl = 64 shifts by 0)
  a_.mov(dst, -1);
  a_.shr(dst, cl);
}

// The bytes of a mask register that hold its VLMAX (<= 64) bits: 1, 2, 4
// or 8. Masks are read and written at this width, the width a compare
// stores them at (store_mask): a wider read of a narrower store just made
// cannot be forwarded from the store buffer (GCC 15's inline strlen, a
// vmseq.vi then vfirst.m per 16 bytes, waited on it at every round).
unsigned VecCode::mask_bytes() const {
  const uint64_t vlmax = v::vlmax(p_.sew, p_.lmul);
  return vlmax <= 8 ? 1 : vlmax <= 16 ? 2 : vlmax <= 32 ? 4 : 8;
}

// dst = mask register r's mask_bytes(), zero-extended.
void VecCode::load_mask(const Gp& dst, unsigned r) {
  switch (mask_bytes()) {
    case 1: a_.movzx(dst.r32(), vreg(r, 1)); break;
    case 2: a_.movzx(dst.r32(), vreg(r, 2)); break;
    case 4: a_.mov(dst.r32(), vreg(r, 4)); break;
    default: a_.mov(dst.r64(), vreg(r, 8)); break;
  }
}

// vfirst.m / vcpop.m of the low vl (<= 64) mask bits of vs2 (and v0's
// when masked) into rax.
void VecCode::mscan() {
  guard_vstart();
  vl_bits(rdx);
  load_mask(rax, d_.rs2);
  a_.and_(rdx, rax);
  if (!vm()) {
    load_mask(rax, 0);
    a_.and_(rdx, rax);
  }
  if (p_.op == VIop::add) {
    a_.popcnt(rax, rdx);
  } else {
    a_.mov(rax, -1);
    a_.bsf(rdx, rdx);  // ZF when no bit is set (rdx then undefined)
    a_.cmovnz(rax, rdx);
  }
}

// Mask logical ops on the low vl (<= 64) bits; vd's other bits stay.
void VecCode::mlogic() {
  guard_vstart();
  vl_bits(rdx);
  load_mask(rax, d_.rs2);
  load_mask(rcx, d_.rs1);
  switch (d_.op) {
    case Opcode::vmand_mm: a_.and_(rax, rcx); break;
    case Opcode::vmnand_mm: a_.and_(rax, rcx); a_.not_(rax); break;
    case Opcode::vmandn_mm: a_.not_(rcx); a_.and_(rax, rcx); break;
    case Opcode::vmxor_mm: a_.xor_(rax, rcx); break;
    case Opcode::vmor_mm: a_.or_(rax, rcx); break;
    case Opcode::vmnor_mm: a_.or_(rax, rcx); a_.not_(rax); break;
    case Opcode::vmorn_mm: a_.not_(rcx); a_.or_(rax, rcx); break;
    default: a_.xor_(rax, rcx); a_.not_(rax); break;  // vmxnor
  }
  vinval(d_.rd);
  // vd = old ^ ((old ^ r) & bits), in vd's mask_bytes() (vl <= VLMAX: the
  // bytes above are tail and stay)
  load_mask(rcx, d_.rd);
  a_.xor_(rax, rcx);
  a_.and_(rax, rdx);
  a_.xor_(rax, rcx);
  switch (mask_bytes()) {
    case 1: a_.mov(vreg(d_.rd, 1), al); break;
    case 2: a_.mov(vreg(d_.rd, 2), ax); break;
    case 4: a_.mov(vreg(d_.rd, 4), eax); break;
    default: a_.mov(vreg(d_.rd, 8), rax); break;
  }
}

// vd[0] = vs1[0] OP vs2[0] OP ... OP vs2[VLMAX-1] (one register, vl =
// VLMAX): halves folded together down to one element.
void VecCode::ired() {
  const InstId id = int_inst(p_.op);
  vload(kX, d_.rs2);
  a_.pshufd(kY, kX, 0x4e);
  a_.emit(id, kX, kY);
  if (p_.sew <= 32) {
    a_.pshufd(kY, kX, 0xb1);
    a_.emit(id, kX, kY);
  }
  if (p_.sew <= 16) {
    a_.movaps(kY, kX);
    a_.psrld(kY, 16);
    a_.emit(id, kX, kY);
  }
  if (p_.sew == 8) {
    a_.movaps(kY, kX);
    a_.psrlw(kY, 8);
    a_.emit(id, kX, kY);
  }
  a_.movq(kY, vreg(d_.rs1, 8));
  a_.emit(id, kX, kY);
  a_.movq(rax, kX);
  store_elem0();
}

// vd[0] = rax's low SEW bits; vd's other elements stay.
void VecCode::store_elem0() {
  vinval(d_.rd);
  switch (p_.sew) {
    case 8: a_.mov(vreg(d_.rd, 1), al); break;
    case 16: a_.mov(vreg(d_.rd, 2), ax); break;
    case 32: a_.mov(vreg(d_.rd, 4), eax); break;
    default: a_.mov(vreg(d_.rd, 8), rax); break;
  }
}

void VecCode::emit() {
  if (p_.kind == VKind::setvl) {
    setvl();
    return;
  }
  if (p_.kind == VKind::mvxs) {  // any vl; vstart must be 0 to leave it so. Result in rax.
    guard_vstart();
    switch (p_.sew) {
      case 8: a_.movsx(rax, vreg(d_.rs2, 1)); break;
      case 16: a_.movsx(rax, vreg(d_.rs2, 2)); break;
      case 32: a_.movsxd(rax, vreg(d_.rs2, 4)); break;
      default: a_.mov(rax, vreg(d_.rs2, 8)); break;
    }
    return;
  }
  if (p_.kind == VKind::fmvfs) {  // result (NaN-boxed for SEW 32) in rax
    guard_vstart();
    if (p_.sew == 32) {
      a_.mov(eax, vreg(d_.rs2, 4));
      a_.mov(rcx, uint64_t{0xffffffff00000000u});
      a_.or_(rax, rcx);
    } else {
      a_.mov(rax, vreg(d_.rs2, 8));
    }
    return;
  }
  if (p_.kind == VKind::mvsx || p_.kind == VKind::fmvsf) {  // vd[0] = x[rs1] / f[rs1] when vl > 0
    guard_vstart();
    Label skip = a_.newLabel();
    if (!e_.vec_full_) {
      a_.cmp(state_mem(offsetof(CpuState, vl)), 0);
      a_.je(skip);
    }
    scalar_operand();
    store_elem0();
    a_.bind(skip);
    return;
  }
  if (p_.kind == VKind::vcsr) {  // csrr vl/vtype/vlenb: result in rax
    if (!e_.vec_vtype_ok_) {
      a_.cmp(state_mem(offsetof(CpuState, v_disabled), 4), 0);
      a_.jne(slow_);
      a_.mov(state_mem(offsetof(CpuState, vs), 4), 3);
    }
    if (d_.imm == 0xc22) a_.mov(eax, static_cast<uint32_t>(kVlenb));
    else a_.mov(rax, state_mem(d_.imm == 0xc20 ? offsetof(CpuState, vl) : offsetof(CpuState, vtype)));
    return;
  }
  if (p_.kind == VKind::mscan) {  // result in rax
    mscan();
    return;
  }
  if (p_.kind == VKind::mlogic) {
    mlogic();
    return;
  }
  if (p_.kind == VKind::sha2 || p_.kind == VKind::aes || p_.kind == VKind::ghash || p_.kind == VKind::sha512) {
    crypto();
    return;
  }
  if ((p_.kind == VKind::load || p_.kind == VKind::store) && p_.nregs == 1 && !e_.vec_full_ && !p_.tail_ok) {
    mem_any_vl(p_.kind == VKind::store);
    return;
  }
  if (p_.kind == VKind::vmvnr) guard_vstart(); else guard_full();
  switch (p_.kind) {
    case VKind::load: mem(false); break;
    case VKind::store: mem(true); break;
    case VKind::bload: bload(); break;
    case VKind::ibin: {
      const bool shift = p_.op == VIop::sll || p_.op == VIop::srl || p_.op == VIop::sra || p_.op == VIop::ror ||
                         p_.op == VIop::rol;
      // (Shifts and rotates by an immediate take it as one: no scalar.)
      if (p_.src == VSrc::vx || (p_.src == VSrc::vi && !shift)) {
        scalar_operand();
        if (shift) a_.and_(eax, p_.sew - 1);
      }
      for (unsigned k = 0; k < p_.nregs; ++k) int_op(k);
      break;
    }
    case VKind::imacc:
      if (p_.src == VSrc::vx) scalar_operand();
      for (unsigned k = 0; k < p_.nregs; ++k) imacc(k);
      break;
    case VKind::splat:
      if (p_.src != VSrc::vv) {
        scalar_operand();
        broadcast(kX);
      }
      for (unsigned k = 0; k < p_.nregs; ++k) {
        if (p_.src == VSrc::vv) vload(kX, d_.rs1 + k);
        if (tail_) a_.movaps(kY, kX);  // the blend changes it
        put(d_.rd + k, tail_ ? kY : kX, tail_ ? kX : kY);
      }
      break;
    case VKind::merge:  // vd = vs2 ^ ((vs2 ^ op1) & v0 lanes), by register (.vx/.vi: one)
      if (p_.src != VSrc::vv) scalar_operand();
      for (unsigned k = 0; k < p_.nregs; ++k) {
        if (p_.src == VSrc::vv) vload(kX, d_.rs1 + k);
        else broadcast(kX);
        vload(kY, d_.rs2 + k);
        a_.pxor(kX, kY);
        expand_v0(kY, k);
        a_.pand(kX, kY);
        a_.pxor(kX, vreg(d_.rs2 + k));
        put(d_.rd + k, kX, kY);
      }
      break;
    case VKind::ext: {  // pmovzx/pmovsx from vs2's bytes k*16/f.. for vd's register k
      const unsigned to = sew_index(p_.sew), from = sew_index(p_.sew / p_.factor);
      const InstId id = p_.op == VIop::add ? kZx[from][to] : kSx[from][to];
      const uint32_t msize = 16u / p_.factor;  // the instruction's memory operand
      for (unsigned k = 0; k < p_.nregs; ++k) {
        Mem src = state_mem(offsetof(CpuState, v) + d_.rs2 * kVlenb + k * msize, msize);
        a_.emit(id, kX, src);
        put(d_.rd + k, kX, kY);
      }
      break;
    }
    case VKind::fsplat:
      scalar_operand();
      broadcast(kX);
      for (unsigned k = 0; k < p_.nregs; ++k) vstore(d_.rd + k, kX);
      break;
    case VKind::vmvnr:
      if (d_.rd != d_.rs2)
        for (unsigned k = 0; k < p_.nregs; ++k) {
          vload(kX, d_.rs2 + k);
          vstore(d_.rd + k, kX);
        }
      break;
    case VKind::vid:
      a_.mov(rax, reinterpret_cast<uint64_t>(&kVid.b[sew_index(p_.sew)][0][0]));
      for (unsigned k = 0; k < p_.nregs; ++k) {
        vload(kX, ptr(rax, static_cast<int32_t>(k * 16)));
        put(d_.rd + k, kX, kY);
      }
      break;
    case VKind::redsum:  // vd[0] = vs1[0] + sum(vs2); vd's other elements stay
      vload(kX, d_.rs2);
      vinval(d_.rd);
      a_.pshufd(kY, kX, 0x4e);
      if (p_.sew == 32) {
        a_.paddd(kX, kY);
        a_.pshufd(kY, kX, 0xb1);
        a_.paddd(kX, kY);
        a_.movd(kY, vreg(d_.rs1, 4));
        a_.paddd(kX, kY);
        a_.movd(vreg(d_.rd, 4), kX);
      } else {
        a_.paddq(kX, kY);
        a_.movq(kY, vreg(d_.rs1, 8));
        a_.paddq(kX, kY);
        a_.movq(vreg(d_.rd, 8), kX);
      }
      break;
    case VKind::ired: ired(); break;
    case VKind::widen: widen(); break;
    case VKind::narrow: narrow(); break;
    case VKind::fredsum: {  // vd[0] = vs1[0] + vs2[0] + vs2[1] + ..., in element order
      const bool s = p_.sew == 32;
      const unsigned n = 16 / (p_.sew / 8);
      if (s) a_.movss(kX, vreg(d_.rs1, 4)); else a_.movsd(kX, vreg(d_.rs1, 8));
      for (unsigned j = 0; j < n; ++j) {
        Mem m = state_mem(offsetof(CpuState, v) + d_.rs2 * kVlenb + j * (p_.sew / 8), p_.sew / 8);
        if (s) a_.addss(kX, m); else a_.addsd(kX, m);
      }
      if (s) a_.ucomiss(kX, kX); else a_.ucomisd(kX, kX);
      a_.jp(slow_);  // a NaN: RISC-V's canonical NaN, from the interpreter
      vinval(d_.rd);
      if (s) a_.movss(vreg(d_.rd, 4), kX); else a_.movsd(vreg(d_.rd, 8), kX);
      break;
    }
    case VKind::icmp:
      if (p_.src != VSrc::vv) scalar_operand();
      icmp();
      break;
    case VKind::fcmp: fcmp(); break;
    case VKind::fminmax: fminmax(); break;
    case VKind::fcvt: fcvt(); break;
    case VKind::fbin: fp(false); break;
    case VKind::ffma: fp(true); break;
    default: break;
  }
}


void Emitter::emit_vector(const IrInsn& i) {
  const DecodedInsn& d = helpers_[i.imm];
  const bool speculative = i.imm2 & kVecSpeculative;
  const uint64_t vtype = static_cast<uint64_t>(i.imm2 & ~(kVecSpeculative | kVecTail));
  VPlan p;
  if (d.op == Opcode::vsetvli || d.op == Opcode::vsetivli)
    p.kind = VKind::setvl;
  else if (is_vcsr_read(d))
    p.kind = VKind::vcsr;
  else
    p = vec_plan(d, vtype, VecHost{opt_.host_sse41, opt_.host_fma, true, opt_.host_popcnt, opt_.host_pclmul,
                                          opt_.host_aes, opt_.host_sha});
  // What earlier vec ops established holds unless something between them
  // may have changed the vector state (an interpreted instruction).
  // The cached vector registers (vcache_xmm) survive only inline integer
  // code, loads and stores: helpers and FP cold paths call C functions.
  bool keep_cache = vec_last_ != SIZE_MAX;
  if (vec_last_ != SIZE_MAX)
    for (size_t k = vec_last_ + 1; k < idx_; ++k) {
      const IrOp op = ir_.insns[k].op;
      if (ir_info(op).flags & kIrClobbers) vec_full_ = vec_vstart0_ = vec_vtype_ok_ = false;
      if (!(op < IrOp::unbox_s || op == IrOp::load || op == IrOp::store || op == IrOp::fence)) keep_cache = false;
    }
  if (vec_last_ == SIZE_MAX) vec_full_ = vec_vstart0_ = vec_vtype_ok_ = false;
  if (!keep_cache) {
    vec_tmask_ok_ = false;
    for (int8_t& c : vcache_) c = -1;
    for (int8_t& r : vcache_reg_) r = -1;
    for (uint32_t& u : vcache_used_) u = 0;
  }
  vec_last_ = idx_;
  VecSlow slow{a_.newLabel(), i.imm, cur_pc_, cur_pc_ + d.len};
  vec_slow_.push_back(slow);
  if (!(i.imm2 & kVecTail)) p.tail_ok = false;  // vl = VLMAX expected: check it once
  if (p.kind == VKind::none) {  // cannot happen (the frontend planned it); stay correct anyway
    a_.jmp(slow.label);
    if (i.op == IrOp::vec_x) finish_in(i, rax);  // unreachable, but the result needs a place
    else free_dead_operands();
    return;
  }
  if (speculative && !vec_vtype_ok_) {  // the vtype was a guess: check it (a valid vtype: V is on)
    a_.cmp(state_mem(offsetof(CpuState, vtype)), static_cast<int32_t>(vtype));
    a_.jne(slow.label);
    a_.mov(state_mem(offsetof(CpuState, vs), 4), 3);
    vec_vtype_ok_ = true;
  }
  VecCode code(*this, i, d, p, vtype, vec_slow_.back().label);
  code.emit();
  if (i.op == IrOp::vec_x) {
    a_.mov(rdx, rax);
    finish_in(i, rdx);
  } else {
    free_dead_operands();
  }
}

// A vec op that cannot run inline: the interpreter runs it (on exact guest
// state: pinned registers stored first), then the block is left for the
// next instruction (or the interpreter's exit: illegal instruction,
// fault). Leaving lets the inline code after it rely on what the fast
// paths checked (vec_full_...), and keeps the slow path out of line.
void Emitter::emit_vector_cold() {
  for (const VecSlow& s : vec_slow_) {
    a_.bind(s.label);
    for (const PinnedReg& p : kPinnedRegs) a_.mov(xreg_mem(p.xreg), Gp(gpq(static_cast<uint32_t>(p.host_id))));
    a_.mov(rax, s.pc);
    a_.mov(state_mem(offsetof(CpuState, pc)), rax);
    a_.mov(rdi, kState);
    a_.mov(rsi, reinterpret_cast<uint64_t>(&helpers_[s.helper]));
    a_.mov(rax, reinterpret_cast<uint64_t>(&jit_call_interp));
    a_.call(rax);
    for (const PinnedReg& p : kPinnedRegs) a_.mov(Gp(gpq(static_cast<uint32_t>(p.host_id))), xreg_mem(p.xreg));  // the exit stores them
    Label stopped = a_.newLabel();
    a_.cmp(state_mem(offsetof(CpuState, exit_reason), 4), 0);
    a_.jne(stopped);
    a_.mov(rax, s.next_pc);
    a_.mov(state_mem(offsetof(CpuState, pc)), rax);
    a_.bind(stopped);
    emit_leave0();
  }
}

}  // namespace hart::x86be
