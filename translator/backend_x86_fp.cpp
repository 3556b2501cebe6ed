// translator/backend_x86_fp.cpp — IR FP ops → SSE (and FMA3) scalar code.
// RISC-V rules on top of the host FPU: single-precision operands that are
// not NaN-boxed read as the canonical NaN; every NaN result becomes the
// canonical NaN; single results are NaN-boxed; the rounding mode and the
// accrued exception flags live in MXCSR (see jit_helpers.h), whose flags map
// one to one onto fflags (x86 SSE, like RISC-V, detects tininess after
// rounding; DE has no counterpart and is ignored). Also here: which loads
// go straight into XMM registers (plan_fp_loads, flw's boxing in place),
// and spilling XMM temps when all ten hold live values (spill_xmm).
#include <algorithm>

#include "translator/backend_x86_emitter.h"
#include "translator/fp_ops.h"
#include "translator/jit_helpers.h"

namespace hart::x86be {

namespace {
Mem canon_mem(bool single) {
  return state_mem(single ? offsetof(CpuState, fp_canon_s) : offsetof(CpuState, fp_canon_d));
}
Xmm xmm_of(int id) { return Xmm(xmm(static_cast<uint32_t>(id))); }
}  // namespace

// Calls fn(state, rcx, rdx, eax) (as rdi, rsi, rdx, ecx) from a cold path,
// preserving every caller-saved register that may hold a live value (the
// result is in rax).
void Emitter::emit_cold_call_saved(uint64_t fn) {
  static const Gp saved[] = {rsi, rdi, r8, r9, r10, r11};
  for (const Gp& r : saved) a_.push(r);
  // The XMM temps, and a self-loop's FP residents (xmm10 on).
  const int n = n_fp_loop_ ? kFpLoopFirst + n_fp_loop_ : kXmmPoolSize;
  a_.sub(rsp, n * 16);  // 6 pushes + 16 bytes per register keep rsp aligned
  for (int k = 0; k < n; ++k) a_.movdqu(ptr(rsp, k * 16), xmm_of(k));
  a_.mov(rdi, kState);
  a_.mov(rsi, rcx);
  a_.mov(ecx, eax);  // 4th argument (jit_fminmax's aux); rdx is the 3rd
  a_.mov(rax, fn);
  a_.call(rax);
  for (int k = 0; k < n; ++k) a_.movdqu(xmm_of(k), ptr(rsp, k * 16));
  a_.add(rsp, n * 16);
  for (int k = 5; k >= 0; --k) a_.pop(saved[k]);
  // A kick during the call found no generated code to poison: poison r14
  // here if the request is up (the next access leaves; blocks after this
  // one may not read the request).
  emit_poison_if_requested();
}

void Emitter::emit_cold_fp(const ColdStub& s) {
  a_.bind(s.label);
  if (s.kind == ColdStub::CvtToInt) {
    // The cases the inline conversion leaves (NaN, out of range, negative
    // to unsigned, RISC-V's saturation): fp_ops computes result and flags.
    if (s.helper & kFcvtSingle) a_.movd(ecx, xmm_of(s.xmm)); else a_.movq(rcx, xmm_of(s.xmm));
    a_.mov(edx, static_cast<uint32_t>(s.helper));
    emit_cold_call_saved(reinterpret_cast<uint64_t>(&jit_fcvt_to_int));
    a_.mov(rcx, rax);
    a_.jmp(s.resume);
    return;
  }
  if (s.kind == ColdStub::MinMaxNaN) {
    // An operand is a NaN: fp_ops picks the other one (or the canonical
    // NaN) and raises NV for a signaling NaN.
    const bool single = s.helper & 1;
    if (single) {
      a_.movd(ecx, xmm_of(s.xmm));
      a_.movd(edx, xmm_of(s.xmm2));
    } else {
      a_.movq(rcx, xmm_of(s.xmm));
      a_.movq(rdx, xmm_of(s.xmm2));
    }
    a_.mov(eax, static_cast<uint32_t>(s.helper));
    emit_cold_call_saved(reinterpret_cast<uint64_t>(&jit_fminmax));
    a_.movq(xmm_of(s.dst_xmm), rax);
    a_.jmp(s.resume);
    return;
  }
  if (s.kind == ColdStub::U64ToFp) {
    // rax >= 2^63: convert (rax >> 1) with the lost bit kept as a sticky
    // bit (so one rounding gives the right result in every mode), double it.
    a_.mov(rcx, rax);
    a_.shr(rcx, 1);
    a_.and_(eax, 1);
    a_.or_(rcx, rax);
    if (s.helper & kFcvtSingle) {
      a_.cvtsi2ss(xmm_of(s.xmm), rcx);
      a_.addss(xmm_of(s.xmm), xmm_of(s.xmm));
    } else {
      a_.cvtsi2sd(xmm_of(s.xmm), rcx);
      a_.addsd(xmm_of(s.xmm), xmm_of(s.xmm));
    }
    a_.jmp(s.resume);
    return;
  }
  if (s.kind != ColdStub::FmaNaN) {
    a_.movsd(xmm_of(s.xmm), canon_mem(s.kind != ColdStub::CanonD));
    a_.jmp(s.resume);
    return;
  }
  // An FMA gave a NaN: the result is the canonical NaN. x86 raised IE for
  // signaling operands, inf - inf and 0 * inf with an addend that is not a
  // NaN; RISC-V raises NV for 0 * inf also when the addend is a quiet NaN.
  // The factors are still in xmm and xmm2 (the product went to a third
  // register).
  const bool single = s.helper & 1;
  Label nv = a_.newLabel(), done = a_.newLabel(), b_zero = a_.newLabel();
  const Gp x = single ? Gp(eax) : Gp(rax), y = single ? Gp(ecx) : Gp(rcx), inf = single ? Gp(edx) : Gp(rdx);
  if (single) {
    a_.movd(eax, xmm_of(s.xmm));
    a_.movd(ecx, xmm_of(s.xmm2));
    a_.mov(edx, 0xff000000u);  // infinity's bits shifted left by one
  } else {
    a_.movq(rax, xmm_of(s.xmm));
    a_.movq(rcx, xmm_of(s.xmm2));
    a_.mov(rdx, 0xffe0000000000000ull);
  }
  a_.add(x, x);  // (the sign bits out)
  a_.add(y, y);
  a_.jz(b_zero);  // (the flags of the second add)
  a_.test(x, x);
  a_.jnz(done);
  a_.cmp(y, inf);  // 0 * inf
  a_.je(nv);
  a_.jmp(done);
  a_.bind(b_zero);
  a_.cmp(x, inf);  // inf * 0
  a_.jne(done);
  a_.bind(nv);
  a_.or_(state_mem(offsetof(CpuState, fflags), 4), 0x10);
  a_.bind(done);
  a_.movsd(xmm_of(s.dst_xmm), canon_mem(single));
  a_.jmp(s.resume);
}

// fmin/fmax: minsd/maxsd when ordered and different; equal operands (only
// +0 and -0 can differ in bits) give a | b for min and a & b for max, so
// -0 < +0; a NaN operand goes to jit_fminmax. ucomisd raises IE only for
// signaling NaNs, which that path reports too.
void Emitter::emit_fminmax(const IrInsn& i) {
  const bool single = i.aux, is_max = i.op == IrOp::fmax;
  Xmm a = xmm_src(i.a, xmm14, single);
  Xmm b = xmm_src(i.b, xmm15, single);
  Xmm d = alloc_xmm_dst(i.dst, i.a);
  if (d == b) {  // b would be overwritten by the copy of a
    a_.movaps(xmm15, b);
    b = xmm15;
  }
  ColdStub s;
  s.label = a_.newLabel();
  s.resume = a_.newLabel();
  s.kind = ColdStub::MinMaxNaN;
  s.xmm = static_cast<uint8_t>(a.id());
  s.xmm2 = static_cast<uint8_t>(b.id());
  s.dst_xmm = static_cast<uint8_t>(d.id());
  s.helper = (single ? 1 : 0) | (is_max ? 2 : 0);
  Label differ = a_.newLabel();
  if (single) a_.ucomiss(a, b); else a_.ucomisd(a, b);
  a_.jp(s.label);
  a_.jne(differ);
  if (d != a) a_.movaps(d, a);
  if (is_max) a_.andpd(d, b); else a_.orpd(d, b);
  a_.jmp(s.resume);
  a_.bind(differ);
  if (d != a) a_.movaps(d, a);
  if (single) {
    if (is_max) a_.maxss(d, b); else a_.minss(d, b);
  } else {
    if (is_max) a_.maxsd(d, b); else a_.minsd(d, b);
  }
  a_.bind(s.resume);
  cold_.push_back(s);
  if (single) a_.orpd(d, state_mem(offsetof(CpuState, fp_box_mask), 16));
  loc_[i.dst].index = single;
  free_dead_operands();
}

// fclass on the bits, in integers: k = 0 zero, 1 subnormal, 2 normal,
// 3 infinity from the exponent and the fraction; the bit is 3 - k for
// negative values, 4 + k for positive ones; NaNs give bit 8 (signaling) or
// 9 (quiet).
void Emitter::emit_fclass(const IrInsn& i) {
  const bool single = i.aux;
  const int ebits = single ? 8 : 11, fbits = single ? 23 : 52, width = single ? 32 : 64;
  const int emax = (1 << ebits) - 1;
  Operand o = gp_src(i.a, rax);
  if (!(o.isReg() && o.as<Gp>() == rax)) emit_mov(rax, o);
  const Gp x = single ? Gp(eax) : Gp(rax), f = single ? Gp(edx) : Gp(rdx);
  Label zero_sub = a_.newLabel(), normal = a_.newLabel(), have_k = a_.newLabel(), nan = a_.newLabel(),
        pos = a_.newLabel(), done = a_.newLabel();
  a_.mov(rcx, rax);
  a_.shr(single ? Gp(ecx) : Gp(rcx), fbits);
  a_.and_(ecx, emax);  // exponent
  a_.mov(f, x);
  a_.shl(f, width - fbits);  // fraction, at the top (its first bit: quiet)
  a_.test(ecx, ecx);
  a_.jz(zero_sub);
  a_.cmp(ecx, emax);
  a_.jne(normal);
  a_.test(f, f);
  a_.jnz(nan);
  a_.mov(ecx, 3);
  a_.jmp(have_k);
  a_.bind(zero_sub);
  a_.test(f, f);
  a_.setnz(cl);  // ecx is 0 here
  a_.jmp(have_k);
  a_.bind(normal);
  a_.mov(ecx, 2);
  a_.bind(have_k);
  a_.shr(x, width - 1);  // sign
  a_.jz(pos);
  a_.neg(ecx);
  a_.add(ecx, 3);  // bit 3 - k
  a_.jmp(done);
  a_.bind(pos);
  a_.add(ecx, 4);  // bit 4 + k
  a_.jmp(done);
  a_.bind(nan);
  a_.shr(f, width - 1);  // the quiet bit
  emit_lea(ecx, ptr(rdx, 8));  // bit 8 or 9
  a_.bind(done);
  a_.mov(eax, 1);
  a_.shl(eax, cl);
  finish_in(i, rax);
}

// FP -> integer with RISC-V's results. Signed conversions in the dynamic
// mode or RTZ convert at once (cvtsd2si / cvttsd2si: MXCSR holds frm) and
// leave to the cold path only on x86's "integer indefinite" result (NaN, out
// of range, or a true minimum), where x86's flags (IE, or PE when inexact)
// already equal RISC-V's. Unsigned conversions and static modes first check
// that the operand is in a range where the rounded value cannot overflow
// (then the host's flags are exact), rounding with roundsd for a static
// mode; the rest is the cold path's (jit_fcvt_to_int, exact fp_ops code).
void Emitter::emit_fcvt_fi(const IrInsn& i) {
  const bool single = i.aux & kFcvtSingle, wide = i.aux & kFcvtLong, uns = i.aux & kFcvtUnsigned;
  const unsigned rm = ir_fcvt_rm(i.aux);
  const bool round_first = rm != DYN && rm != RTZ;
  Xmm x = xmm_src(i.a, xmm14, single);
  ColdStub s;
  s.label = a_.newLabel();
  s.resume = a_.newLabel();
  s.kind = ColdStub::CvtToInt;
  s.xmm = static_cast<uint8_t>(x.id());
  s.helper = i.aux;
  const bool precheck = uns || round_first;
  if (precheck) {
    if (single) {
      // Float bits: unsigned needs +0 <= x < limit (the sign makes the bits
      // large), signed |x| < limit (the sign shifted out).
      uint32_t lim = uns ? (wide ? 0x5f000000u : 0x4f800000u)    // 2^63, 2^32
                         : (wide ? 0xbe000000u : 0x9e000000u);   // (2^63, 2^31) << 1
      a_.movd(eax, x);
      if (!uns) a_.add(eax, eax);
      a_.cmp(eax, static_cast<int32_t>(lim));
    } else {
      uint64_t lim = uns ? (wide ? 0x43e0000000000000u : 0x41efffffffe00000u)  // 2^63, 2^32-1
                         : (wide ? 0x87c0000000000000u : 0x83bfffffff800000u); // (2^63, 2^31-1) << 1
      a_.movq(rax, x);
      if (!uns) a_.add(rax, rax);
      a_.mov(rdx, lim);
      a_.cmp(rax, rdx);
    }
    a_.jae(s.label);
  }
  Xmm src = x;
  if (round_first) {
    // roundsd/roundss imm: 0 nearest-even, 1 down, 2 up; PE raised if inexact.
    const uint8_t mode = rm == RNE ? 0 : rm == RDN ? 1 : 2;
    if (single) a_.roundss(xmm15, x, mode); else a_.roundsd(xmm15, x, mode);
    src = xmm15;
  }
  const Gp r = (wide || uns) ? Gp(rcx) : Gp(ecx);
  if (rm == RTZ) {
    if (single) a_.cvttss2si(r, src); else a_.cvttsd2si(r, src);
  } else {
    if (single) a_.cvtss2si(r, src); else a_.cvtsd2si(r, src);
  }
  if (!precheck) {
    a_.cmp(r, 1);  // overflows only for the minimum: x86's integer indefinite
    a_.jo(s.label);
  }
  if (!wide) a_.movsxd(rcx, ecx);
  a_.bind(s.resume);
  cold_.push_back(s);
  finish_in(i, rcx);
}

// Integer -> FP: cvtsi2sd/ss round in MXCSR's mode (frm) and raise PE when
// inexact. Unsigned 32-bit values convert as 64-bit ones; unsigned 64-bit
// values >= 2^63 take a cold path.
void Emitter::emit_fcvt_if(const IrInsn& i) {
  const bool single = i.aux & kFcvtSingle, wide = i.aux & kFcvtLong, uns = i.aux & kFcvtUnsigned;
  Operand o = gp_src(i.a, rax);
  Gp g;
  if (o.isReg()) {
    g = o.as<Gp>();
  } else {
    emit_mov(rax, o);
    g = rax;
  }
  if (uns && !wide) {
    a_.mov(eax, g.r32());
    g = rax;
  }
  Xmm d = alloc_xmm_dst(i.dst, kNoTemp);
  a_.xorps(d, d);  // no dependency on d's old value; a single's upper bits known
  ColdStub s;
  if (uns && wide) {
    if (g != rax) a_.mov(rax, g);
    g = rax;
    s.label = a_.newLabel();
    s.resume = a_.newLabel();
    s.kind = ColdStub::U64ToFp;
    s.xmm = static_cast<uint8_t>(d.id());
    s.helper = i.aux;
    a_.test(rax, rax);
    a_.js(s.label);
    cold_.push_back(s);
  }
  Gp src = (wide || uns) ? Gp(g.r64()) : Gp(g.r32());
  if (single) a_.cvtsi2ss(d, src); else a_.cvtsi2sd(d, src);
  if (uns && wide) a_.bind(s.resume);
  if (single) a_.orpd(d, state_mem(offsetof(CpuState, fp_box_mask), 16));
  loc_[i.dst].index = single;
  free_dead_operands();
}

// The operand of an FP op in an XMM register. Singles are checked for
// NaN-boxing unless they come straight from a single-precision op or are
// boxed by construction (boxed_).
Xmm Emitter::xmm_src(Temp t, const Xmm& scratch, bool single) {
  const Loc& l = loc_[t];
  if (single && boxed_[t] && (l.kind == LocKind::Gp || is_mem(l))) {
    if (l.kind == LocKind::Gp) {
      a_.movd(scratch, Gp(gpq(l.reg)).r32());
    } else {
      Mem m = mem_of(l);
      m.setSize(4);
      a_.movss(scratch, m);
    }
    return scratch;
  }
  auto unbox_stub = [&](void) {
    ColdStub s;
    s.label = a_.newLabel();
    s.resume = a_.newLabel();
    s.kind = ColdStub::UnboxS;
    s.xmm = static_cast<uint8_t>(scratch.id());
    cold_.push_back(s);
    return s;
  };
  switch (l.kind) {
    case LocKind::Xmm:
      if (!single || l.index == 1) return xmm_of(l.reg);
      a_.movq(rax, xmm_of(l.reg));  // a double's bits read as a single
      {
        ColdStub s = unbox_stub();
        a_.mov(rcx, rax);
        a_.shr(rcx, 32);
        a_.cmp(ecx, -1);
        a_.jne(s.label);
        a_.movd(scratch, eax);
        a_.bind(s.resume);
      }
      return scratch;
    case LocKind::Const: {
      uint64_t v = static_cast<uint64_t>(l.value);
      if (single && (v >> 32) != 0xffffffffu) v = 0xffffffff7fc00000u;
      a_.mov(rax, v);
      a_.movq(scratch, rax);
      return scratch;
    }
    case LocKind::Gp: {
      Gp r = Gp(gpq(l.reg));
      if (!single) {
        a_.movq(scratch, r);
        return scratch;
      }
      ColdStub s = unbox_stub();
      a_.mov(rcx, r);
      a_.shr(rcx, 32);
      a_.cmp(ecx, -1);
      a_.jne(s.label);
      a_.movd(scratch, r.r32());
      a_.bind(s.resume);
      return scratch;
    }
    case LocKind::None:
      error_ = "backend: FP temp used without a location";
      return scratch;
    default: {
      Mem m = mem_of(l);
      if (!single) {
        a_.movsd(scratch, m);
        return scratch;
      }
      ColdStub s = unbox_stub();
      Mem hi = m;
      hi.addOffset(4);
      hi.setSize(4);
      a_.cmp(hi, -1);
      a_.jne(s.label);
      m.setSize(4);
      a_.movss(scratch, m);
      a_.bind(s.resume);
      return scratch;
    }
  }
}

void Emitter::plan_fp_loads() {
  fp_load_ = arena_.array(ir_.num_temps, false);
  box_or_ = arena_.array(ir_.num_temps, false);
  auto fp_reader_op = [](IrOp op) {
    switch (op) {
      case IrOp::set_freg:
      case IrOp::fadd: case IrOp::fsub: case IrOp::fmul: case IrOp::fdiv: case IrOp::fsqrt:
      case IrOp::fmadd: case IrOp::fmsub: case IrOp::fnmsub: case IrOp::fnmadd:
      case IrOp::feq: case IrOp::flt: case IrOp::fle: case IrOp::fmin: case IrOp::fmax:
      case IrOp::fcvt_fi: case IrOp::fcvt_ds:
        return true;
      default:
        return false;
    }
  };
  // No FP reader in the block (most blocks): no load goes to an XMM
  // register. (One whose value nobody reads could; in a GPR it costs the
  // same.)
  if (std::none_of(ir_.insns.begin(), ir_.insns.end(), [&](const IrInsn& i) { return fp_reader_op(i.op); }))
    return;
  // By temp: its readers, and whether every one of them is set_freg or an
  // FP op taking XMM operands.
  ArenaArray<int> readers = arena_.array(ir_.num_temps, 0);
  ArenaArray<bool> fp_only = arena_.array(ir_.num_temps, true);
  for (const IrInsn& i : ir_.insns) {
    const bool fp_reader = fp_reader_op(i.op);
    uint32_t args[kIrMaxArgs];
    const int n = ir_args(i, args);
    for (int j = 0; j < n; ++j) {
      ++readers[args[j]];
      if (!fp_reader) fp_only[args[j]] = false;
    }
  }
  // fld: its value only FP readers'. flw: a 4-byte load read only by its
  // NaN-boxing or_ (boxed_: with a constant whose upper half is ones), whose
  // result only FP readers read: movss, then orpd in the XMM register.
  for (const IrInsn& i : ir_.insns) {
    if (i.op == IrOp::load && (i.aux & 0xf) == 8) fp_load_[i.dst] = fp_only[i.dst];
    if (i.op != IrOp::or_ || !boxed_[i.dst] || !fp_only[i.dst] || readers[i.a] != 1) continue;
    const int d = def_at_[i.a];
    if (d != INT_MAX && ir_.insns[d].op == IrOp::load && ir_.insns[d].aux == 4)
      fp_load_[i.a] = box_or_[i.dst] = true;
  }
}

// flw's NaN-boxing: the loaded single in an XMM register (its upper bits
// zero) or'ed with the box mask there.
void Emitter::emit_box_or(const IrInsn& i) {
  const Xmm a = xmm_of(loc_[i.a].reg);
  const Xmm d = alloc_xmm_dst(i.dst, i.a);
  if (d != a) a_.movaps(d, a);
  a_.orpd(d, state_mem(offsetof(CpuState, fp_box_mask), 16));
  loc_[i.dst].index = 1;
  free_dead_operands();
}

// Whether x, t's operand register, is t's own XMM register holding a
// NaN-boxed single (a single-precision result, or a boxed self-loop
// resident): bits 32..63 of x are ones.
bool Emitter::boxed_in(Temp t, const Xmm& x) const {
  const Loc& l = loc_[t];
  return l.kind == LocKind::Xmm && l.index == 1 && xmm_of(l.reg) == x;
}

// No XMM temp register free: the one whose value is read furthest ahead
// (not an operand of this insn) goes to a spill slot (Belady, as for the
// GPR pool); -1 if none can.
int Emitter::spill_xmm() {
  Temp victim = kNoTemp;
  for (int k = 0; k < kXmmPoolSize; ++k) {
    const Temp t = xmm_owner_[k];
    if (t == kNoTemp || is_operand(t)) continue;
    if (victim == kNoTemp || next_use_[t] > next_use_[victim]) victim = t;
  }
  if (victim == kNoTemp) return -1;
  const int k = loc_[victim].reg;
  xmm_owner_[k] = kNoTemp;
  if (!live_after(victim)) {
    loc_[victim].kind = LocKind::None;  // read by nobody any more
    return k;
  }
  set_spill(victim);
  a_.movsd(mem_of(loc_[victim]), xmm_of(k));
  return k;
}

Xmm Emitter::alloc_xmm_dst(Temp dst, Temp reuse) {
  int k = -1;
  if (reuse != kNoTemp && dying(reuse) && loc_[reuse].kind == LocKind::Xmm &&
      xmm_owner_[loc_[reuse].reg] == reuse)
    k = loc_[reuse].reg;
  if (k < 0) k = alloc_xmm();
  if (k < 0) k = spill_xmm();
  if (k < 0) {
    error_ = "too many live FP values in one block";
    k = 0;
  }
  xmm_owner_[k] = dst;
  loc_[dst].kind = LocKind::Xmm;
  loc_[dst].reg = static_cast<uint8_t>(k);
  return xmm_of(k);
}

void Emitter::canonicalize(const Xmm& x, bool single, const ColdStub* fma, bool boxed) {
  ColdStub s;
  if (fma) s = *fma;
  s.label = a_.newLabel();
  s.resume = a_.newLabel();
  s.kind = fma ? ColdStub::FmaNaN : single ? ColdStub::CanonS : ColdStub::CanonD;
  s.xmm = fma ? fma->xmm : static_cast<uint8_t>(x.id());
  s.dst_xmm = static_cast<uint8_t>(x.id());
  if (single) a_.ucomiss(x, x); else a_.ucomisd(x, x);
  a_.jp(s.label);  // unordered: x is a NaN
  a_.bind(s.resume);
  cold_.push_back(s);
  if (single && !boxed) a_.orpd(x, state_mem(offsetof(CpuState, fp_box_mask), 16));
}

// The result of FP op i is in d: canonical NaN, precision noted (a single
// is NaN-boxed in d), operands released.
void Emitter::finish_fp(const IrInsn& i, const Xmm& d, bool single, const ColdStub* fma, bool boxed) {
  canonicalize(d, single, fma, boxed);
  loc_[i.dst].index = single;
  free_dead_operands();
}

void Emitter::emit_set_freg(const IrInsn& i) {
  int f = static_cast<int>(i.imm);
  if (const int k = fp_res_[f]; k >= 0) {  // into a self-loop's resident register
    evict_fp_resident(k);
    const Xmm r = xmm_of(fp_loop_regs_[k].xmm);
    const Loc& l = loc_[i.a];
    if (l.kind == LocKind::Xmm) {
      if (l.reg != r.id()) a_.movaps(r, xmm_of(l.reg));
    } else if (l.kind == LocKind::Gp) {
      a_.movq(r, Gp(gpq(l.reg)));
    } else if (l.kind == LocKind::Const) {
      a_.mov(rax, static_cast<uint64_t>(l.value));
      a_.movq(r, rax);
    } else {
      a_.movsd(r, mem_of(l));
    }
    free_dead_operands();
    return;
  }
  evict(LocKind::GuestF, f);
  const Loc& l = loc_[i.a];
  if (l.kind == LocKind::Xmm) {
    a_.movsd(freg_mem(f), xmm_of(l.reg));
  } else {
    Operand s = gp_src(i.a, rax);
    if (s.isMem()) {
      emit_mov(rax, s);
      s = rax;
    }
    emit_mov(freg_mem(f), s);
  }
  free_dead_operands();
}

void Emitter::emit_fcmp(const IrInsn& i) {
  bool single = i.aux;
  Xmm a = xmm_src(i.a, xmm14, single);
  Xmm b = xmm_src(i.b, xmm15, single);
  if (i.op == IrOp::feq) {  // quiet: NV only for signaling NaNs
    if (single) a_.ucomiss(a, b); else a_.ucomisd(a, b);
    a_.sete(al);
    a_.setnp(cl);
    a_.and_(al, cl);
  } else {  // signaling: NV for any NaN; a < b is b > a, unordered is false
    if (single) a_.comiss(b, a); else a_.comisd(b, a);
    if (i.op == IrOp::flt) a_.seta(al); else a_.setae(al);
  }
  a_.movzx(eax, al);
  finish_in(i, rax);
}

void Emitter::emit_unbox(const IrInsn& i) {
  emit_mov(rax, gp_src(i.a, rax));
  Label ok = a_.newLabel();
  a_.mov(rcx, rax);
  a_.shr(rcx, 32);
  a_.cmp(ecx, -1);
  a_.je(ok);
  a_.mov(rax, state_mem(offsetof(CpuState, fp_canon_s)));
  a_.bind(ok);
  finish_in(i, rax);
}

// fflags = CpuState::fflags | the flags accrued in MXCSR. Reading leaves
// MXCSR alone; writing clears MXCSR's flags only when it holds one the new
// value lacks (ldmxcsr is slow): glibc's frflags / flt / fsflags idiom
// stays free of it unless an operand is a NaN.
void Emitter::emit_fflags(const IrInsn& i) {
  const Mem mx = state_mem(offsetof(CpuState, mxcsr), 4);
  const Mem ff = state_mem(offsetof(CpuState, fflags), 4);
  const uint64_t table = reinterpret_cast<uint64_t>(fp::detail::kFflagsFromMxcsr.v);
  a_.stmxcsr(mx);
  a_.mov(ecx, mx);
  a_.and_(ecx, fp::kMxcsrFlagMask);
  a_.mov(rdx, table);
  a_.movzx(ecx, byte_ptr(rdx, rcx));  // ecx = fflags accrued in MXCSR
  if (i.op == IrOp::fflags_read) {
    a_.or_(ecx, ff);
    Gp d = alloc_gp_dst(i.dst);
    if (d.isValid()) {
      a_.mov(d.r32(), ecx);
      set_gp(i.dst, d);
    } else {
      set_spill(i.dst);
      a_.mov(mem_of(loc_[i.dst]), rcx);
    }
    return;
  }
  Operand v = gp_src(i.a, rax);
  if (v.isReg()) a_.mov(eax, v.as<Gp>().r32());
  else if (v.isMem()) { Mem m = v.as<Mem>(); m.setSize(4); a_.mov(eax, m); }
  else a_.mov(eax, v.as<Imm>());
  a_.and_(eax, 0x1f);
  a_.mov(ff, eax);
  a_.not_(eax);
  a_.test(ecx, eax);
  Label keep = a_.newLabel();
  a_.jz(keep);
  a_.and_(mx, ~static_cast<int32_t>(fp::kMxcsrFlagMask));
  a_.ldmxcsr(mx);
  a_.bind(keep);
  free_dead_operands();
}

void Emitter::emit_fp(const IrInsn& i) {
  const bool single = i.aux;
  switch (i.op) {
    case IrOp::get_freg:
      if (const int k = fp_res_[i.imm]; k >= 0) {  // a self-loop's resident: read in its register
        loc_[i.dst].kind = LocKind::Xmm;
        loc_[i.dst].reg = fp_loop_regs_[k].xmm;
        loc_[i.dst].index = fp_loop_regs_[k].box;
        return;
      }
      loc_[i.dst].kind = LocKind::GuestF;
      loc_[i.dst].index = static_cast<int32_t>(i.imm);
      fslot_bits_ |= 1u << i.imm;
      return;
    case IrOp::set_freg:
      emit_set_freg(i);
      return;
    case IrOp::unbox_s:
      emit_unbox(i);
      return;
    case IrOp::fflags_read: case IrOp::fflags_write:
      emit_fflags(i);
      return;
    case IrOp::frm_read:  // CpuState::frm is kept exact (MXCSR only mirrors it)
      a_.mov(eax, state_mem(offsetof(CpuState, frm), 4));
      finish_in(i, rax);
      return;
    case IrOp::feq: case IrOp::flt: case IrOp::fle:
      emit_fcmp(i);
      return;
    case IrOp::fadd: case IrOp::fsub: case IrOp::fmul: case IrOp::fdiv: {
      Xmm a = xmm_src(i.a, xmm14, single);
      Xmm b = xmm_src(i.b, xmm15, single);
      const bool boxed = single && boxed_in(i.a, a);  // (addss keeps a's bits 32..127)
      Xmm d = alloc_xmm_dst(i.dst, i.a);
      if (d != a) a_.movaps(d, a);
      static const InstId sd[] = {Inst::kIdAddsd, Inst::kIdSubsd, Inst::kIdMulsd, Inst::kIdDivsd};
      static const InstId ss[] = {Inst::kIdAddss, Inst::kIdSubss, Inst::kIdMulss, Inst::kIdDivss};
      int k = static_cast<int>(i.op) - static_cast<int>(IrOp::fadd);
      a_.emit(single ? ss[k] : sd[k], d, b);
      finish_fp(i, d, single, nullptr, boxed);
      return;
    }
    case IrOp::fsqrt: {
      Xmm a = xmm_src(i.a, xmm14, single);
      Xmm d = alloc_xmm_dst(i.dst, i.a);
      if (single) a_.sqrtss(d, a); else a_.sqrtsd(d, a);
      finish_fp(i, d, single);
      return;
    }
    case IrOp::fmadd: case IrOp::fmsub: case IrOp::fnmsub: case IrOp::fnmadd: {
      // d = c, then vf*231: d = a * b ± d, with RISC-V's fnmsub = -(a*b)+c
      // being x86's vfnmadd and fnmadd = -(a*b)-c being vfnmsub. a and b
      // stay where they are for the NaN path's 0 * inf test, so d is not
      // their register.
      Xmm a = xmm_src(i.a, xmm14, single);
      Xmm b = xmm_src(i.b, xmm15, single);
      Xmm d = alloc_xmm_dst(i.dst, i.c != i.a && i.c != i.b ? i.c : kNoTemp);
      Xmm c = xmm_src(i.c, d, single);
      const bool boxed = single && boxed_in(i.c, c);  // (vfmadd231ss keeps c's bits 32..127)
      if (c != d) a_.movaps(d, c);
      static const InstId sd[] = {Inst::kIdVfmadd231sd, Inst::kIdVfmsub231sd, Inst::kIdVfnmadd231sd,
                                  Inst::kIdVfnmsub231sd};
      static const InstId ss[] = {Inst::kIdVfmadd231ss, Inst::kIdVfmsub231ss, Inst::kIdVfnmadd231ss,
                                  Inst::kIdVfnmsub231ss};
      int k = static_cast<int>(i.op) - static_cast<int>(IrOp::fmadd);
      a_.emit(single ? ss[k] : sd[k], d, a, b);
      ColdStub nan;
      nan.xmm = static_cast<uint8_t>(a.id());
      nan.xmm2 = static_cast<uint8_t>(b.id());
      nan.helper = single;
      finish_fp(i, d, single, &nan, boxed);
      return;
    }
    case IrOp::fcvt_ds: {
      Xmm a = xmm_src(i.a, xmm14, false);
      Xmm d = alloc_xmm_dst(i.dst, i.a);
      a_.cvtsd2ss(d, a);
      finish_fp(i, d, true);
      return;
    }
    case IrOp::fmin: case IrOp::fmax:
      emit_fminmax(i);
      return;
    case IrOp::fclass:
      emit_fclass(i);
      return;
    case IrOp::fcvt_fi:
      emit_fcvt_fi(i);
      return;
    case IrOp::fcvt_if:
      emit_fcvt_if(i);
      return;
    case IrOp::fcvt_sd: {
      Xmm a = xmm_src(i.a, xmm14, true);
      Xmm d = alloc_xmm_dst(i.dst, i.a);
      a_.cvtss2sd(d, a);
      finish_fp(i, d, false);
      return;
    }
    default:
      error_ = std::string("backend: no code for IR op ") + ir_info(i.op).name;
      return;
  }
}

}  // namespace hart::x86be
