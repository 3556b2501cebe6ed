// translator/backend_x86_zb.cpp — IR bit-manipulation ops (from Zba, Zbb,
// Zbs, Zbc) → x86-64. Each op uses the host's instruction for it when CPUID
// (asmjit's CpuInfo, read once by Jit::create) reports the extension, and a
// portable sequence on baseline x86-64 otherwise, so the code is correct on
// any x86-64:
//   op            with                       fallback (baseline x86-64)
//   shadd         lea                        —
//   andn          ANDN (BMI1)                mov, not, and
//   min/max(u)    cmp + cmovcc               —
//   select        cmp/test + cmovcc          — (if-conversion, not Zb)
//   sext/zext     movsx / movzx              —
//   clz, clzw     LZCNT (ABM/LZCNT)          bsr + cmovz + xor (zero → width)
//   ctz, ctzw     TZCNT (BMI1)               bsf + cmovz (zero → width)
//   cpop, cpopw   POPCNT                     SWAR bit count (masks, imul)
//   rotl/rotr(w)  RORX for constants (BMI2)  rol/ror (by imm or cl)
//   bswap         bswap                      —
//   orc_b         SSE2 pcmpeqb against zero  —
//   bset/bclr/    bts/btr/btc (register      —
//    binv          bit index is mod 64)
//   bext          SHRX + and (BMI2)          bt + setc
//   clmul*        PCLMULQDQ                  none here: without it the
//                                            frontend sends clmul to the
//                                            interpreter (call_interp)
// LZCNT/TZCNT/POPCNT get their destination cleared first when it is not
// the source (their false output dependency on some Intel cores).
// Owns: code for these ops only; value locations and allocation are
// backend_x86.cpp's.
#include "translator/backend_x86_emitter.h"

namespace hart::x86be {

namespace {
bool same_reg(const Operand& o, const Gp& r) { return o.isReg() && o.as<Gp>().id() == r.id(); }
// The operand with the given width (4 or 8 bytes; 1, 2 for extensions).
Operand sized(Operand o, uint32_t size) {
  if (o.isReg()) {
    Gp g = o.as<Gp>();
    switch (size) {
      case 1: return g.r8();
      case 2: return g.r16();
      case 4: return g.r32();
      default: return g.r64();
    }
  }
  if (o.isMem()) o.as<Mem>().setSize(size);
  return o;
}
}  // namespace

void Emitter::emit_bitmanip(const IrInsn& i) {
  // The destination first (it may evict values from a pinned register),
  // then the operands; results go to `work`, which is rax when no register
  // is free (place_result spills it).
  Gp d = alloc_gp_dst(i.dst, i.op == IrOp::select ? i.d : i.a);
  Gp work = d.isValid() ? d : Gp(rax);
  // An operand in a register or memory (never an immediate), in `scratch`
  // if it must be loaded.
  auto src_rm = [&](Temp t, const Gp& scratch) {
    Operand o = gp_src(t, scratch);
    if (o.isImm()) {
      a_.mov(scratch, o.as<Imm>());
      o = scratch;
    }
    return o;
  };
  // Copies operand a into work unless it is there already.
  auto load_work = [&](const Operand& sa, uint32_t size = 8) {
    if (!same_reg(sa, work)) emit_mov(size == 4 ? Operand(work.r32()) : Operand(work), sized(sa, size));
  };
  // Operand b in a register that writing work does not clobber.
  auto b_reg_not_work = [&](const Gp& scratch) {
    Gp r = gp_in_reg(i.b, scratch);
    if (r.id() == work.id()) {
      a_.mov(scratch, r);
      r = scratch;
    }
    return r;
  };
  const bool b_const = ir_info(i.op).nargs == 2 && loc_[i.b].kind == LocKind::Const;
  const int64_t b_val = b_const ? loc_[i.b].value : 0;
  const bool w = i.op == IrOp::clzw || i.op == IrOp::ctzw || i.op == IrOp::cpopw || i.op == IrOp::rotlw ||
                 i.op == IrOp::rotrw;
  const uint32_t size = w ? 4 : 8;
  const Gp wk = w ? Gp(work.r32()) : work;
  auto done = [&] {
    free_dead_operands();
    place_result(i, d);
  };

  switch (i.op) {
    case IrOp::shadd: {  // work = b + a * 2^aux, with no scratch but rax (uses_scratch)
      const unsigned sh = i.aux & 3;
      Gp ra = gp_in_reg(i.a, rax);
      if (loc_[i.b].kind == LocKind::Gp) {
        emit_lea(work, ptr(gp_of_id(loc_[i.b].reg), ra, sh));
      } else if (ra.id() != work.id()) {  // b into work, then a scaled on top
        Operand sb = gp_src(i.b, work);
        if (!same_reg(sb, work)) emit_mov(work, sb);
        emit_lea(work, ptr(work, ra, sh));
      } else if (work.id() != rax.id()) {  // a is in work: b into rax, then one lea (one step on a's chain)
        emit_mov(rax, gp_src(i.b, rax));
        emit_lea(work, ptr(rax, work, sh));
      } else {  // a is in work, which is rax: shift it, add b
        if (sh) a_.shl(work, sh);
        a_.emit(Inst::kIdAdd, work, gp_src(i.b, rcx));
      }
      done();
      return;
    }
    case IrOp::andn: {  // a & ~b
      if (opt_.host_bmi1) {
        Gp rb = gp_in_reg(i.b, rcx);
        Operand sa = src_rm(i.a, rax);
        a_.emit(Inst::kIdAndn, work, rb, sa);
      } else {
        emit_mov(rcx, gp_src(i.b, rcx));
        a_.not_(rcx);
        Operand sa = gp_src(i.a, rax);
        if (sa.isImm()) {
          a_.emit(Inst::kIdAnd, rcx, sa);
          a_.mov(work, rcx);
        } else {
          load_work(sa);
          a_.and_(work, rcx);
        }
      }
      done();
      return;
    }
    case IrOp::min: case IrOp::max: case IrOp::minu: case IrOp::maxu: {
      // work = a; take b where b is smaller (min) or larger (max).
      Operand sb = src_rm(i.b, rcx);
      if (same_reg(sb, work)) {
        a_.mov(rdx, work);
        sb = rdx;
      }
      load_work(gp_src(i.a, rax));
      a_.emit(Inst::kIdCmp, work, sb);
      CondCode take_b = i.op == IrOp::min ? CondCode::kG : i.op == IrOp::max ? CondCode::kL
                        : i.op == IrOp::minu ? CondCode::kA : CondCode::kB;
      a_.emit(Inst::cmovccFromCond(take_b), work, sb);
      done();
      return;
    }
    case IrOp::select: {  // (a cond b) ? c : d: cmp/test a, b; work = d; cmov work, c
      // The compare reads a and b before work is written (either may be
      // there); after it only movs (flags unchanged) up to the cmov.
      const CondCode cc0 = cc_of(ir_cond_of(i.aux));
      const bool reuse = flags_hold(i);
      const CondCode cc = !reuse ? emit_compare(i.a, i.b, i.aux) : flags_from_.swapped ? reverseCond(cc0) : cc0;
      Operand sc = src_rm(i.c, rcx);
      if (same_reg(sc, work)) {  // work holds the true side: take d where the condition fails
        Operand sd = src_rm(i.d, rcx);
        if (!same_reg(sd, work)) a_.emit(Inst::cmovccFromCond(negateCond(cc)), work, sd);
      } else {
        load_work(gp_src(i.d, rax));
        a_.emit(Inst::cmovccFromCond(cc), work, sc);
      }
      flags_from_ = {static_cast<int>(idx_), i.a, i.b, static_cast<uint8_t>(i.aux & kCondTest),
                     cc != cc0, static_cast<uint32_t>(a_.offset())};
      done();
      return;
    }
    case IrOp::sext_b: case IrOp::sext_h: case IrOp::zext_h: {
      Operand sa = sized(src_rm(i.a, rax), i.op == IrOp::sext_b ? 1 : 2);
      if (i.op == IrOp::zext_h) a_.emit(Inst::kIdMovzx, work.r32(), sa);
      else a_.emit(Inst::kIdMovsx, work, sa);
      done();
      return;
    }
    case IrOp::clz: case IrOp::clzw: {
      Operand sa = sized(src_rm(i.a, rax), size);
      if (opt_.host_lzcnt) {
        if (!same_reg(sa, work)) a_.xor_(work.r32(), work.r32());
        a_.emit(Inst::kIdLzcnt, wk, sa);
      } else {  // width-1-bsr; bsr sets ZF for 0, then (2*width-1) ^ (width-1) = width
        a_.mov(ecx, w ? 63 : 127);
        a_.emit(Inst::kIdBsr, wk, sa);
        a_.cmovz(wk, w ? Gp(ecx) : Gp(rcx));
        a_.xor_(wk, w ? 31 : 63);
      }
      done();
      return;
    }
    case IrOp::ctz: case IrOp::ctzw: {
      Operand sa = sized(src_rm(i.a, rax), size);
      if (opt_.host_bmi1) {
        if (!same_reg(sa, work)) a_.xor_(work.r32(), work.r32());
        a_.emit(Inst::kIdTzcnt, wk, sa);
      } else {  // bsf sets ZF for 0 (destination undefined): take the width
        a_.mov(ecx, w ? 32 : 64);
        a_.emit(Inst::kIdBsf, wk, sa);
        a_.cmovz(wk, w ? Gp(ecx) : Gp(rcx));
      }
      done();
      return;
    }
    case IrOp::cpop: case IrOp::cpopw: {
      Operand sa = sized(src_rm(i.a, rax), size);
      if (opt_.host_popcnt) {
        if (!same_reg(sa, work)) a_.xor_(work.r32(), work.r32());
        a_.emit(Inst::kIdPopcnt, wk, sa);
        done();
        return;
      }
      // SWAR: 2-bit, 4-bit, 8-bit sums, then the byte sums added by a multiply.
      if (w) emit_mov(eax, sa); else emit_mov(rax, sa);
      a_.mov(rcx, rax);
      a_.shr(rcx, 1);
      a_.mov(rdx, 0x5555555555555555u);
      a_.and_(rcx, rdx);
      a_.sub(rax, rcx);
      a_.mov(rdx, 0x3333333333333333u);
      a_.mov(rcx, rax);
      a_.and_(rax, rdx);
      a_.shr(rcx, 2);
      a_.and_(rcx, rdx);
      a_.add(rax, rcx);
      a_.mov(rcx, rax);
      a_.shr(rcx, 4);
      a_.add(rax, rcx);
      a_.mov(rdx, 0x0f0f0f0f0f0f0f0fu);
      a_.and_(rax, rdx);
      a_.mov(rdx, 0x0101010101010101u);
      a_.imul(rax, rdx);
      a_.shr(rax, 56);
      if (work != rax) a_.mov(work, rax);
      done();
      return;
    }
    case IrOp::rotl: case IrOp::rotr: case IrOp::rotlw: case IrOp::rotrw: {
      const bool left = i.op == IrOp::rotl || i.op == IrOp::rotlw;
      const unsigned bits = w ? 32 : 64;
      if (b_const) {
        unsigned n = static_cast<unsigned>(b_val) & (bits - 1);
        Operand sa = sized(src_rm(i.a, rax), size);
        if (opt_.host_bmi2) {  // non-destructive: rorx work, a, n
          a_.emit(Inst::kIdRorx, wk, sa, Imm(left ? (bits - n) & (bits - 1) : n));
        } else {
          load_work(sa, size);
          a_.emit(left ? Inst::kIdRol : Inst::kIdRor, wk, Imm(n));
        }
      } else {  // x86 masks a cl count to 5 or 6 bits, like RISC-V
        Gp c = gp_in_reg(i.b, rcx);
        if (c != rcx) a_.mov(ecx, c.r32());
        load_work(gp_src(i.a, rax), size);
        a_.emit(left ? Inst::kIdRol : Inst::kIdRor, wk, cl);
      }
      if (w && !(i.aux & 1)) a_.movsxd(work, work.r32());  // (aux 1: only the low half is read, ir_narrow)
      done();
      return;
    }
    case IrOp::bswap:
      load_work(src_rm(i.a, rax));
      a_.bswap(work);
      done();
      return;
    case IrOp::orc_b: {  // bytes equal to zero → 0xff, then complement
      Operand sa = src_rm(i.a, rax);
      a_.emit(Inst::kIdMovq, xmm14, sa);
      a_.pxor(xmm15, xmm15);
      a_.pcmpeqb(xmm14, xmm15);
      a_.movq(work, xmm14);
      a_.not_(work);
      done();
      return;
    }
    case IrOp::bset: case IrOp::bclr: case IrOp::binv: {
      InstId id = i.op == IrOp::bset ? Inst::kIdBts : i.op == IrOp::bclr ? Inst::kIdBtr : Inst::kIdBtc;
      if (b_const) {
        load_work(gp_src(i.a, rax));
        a_.emit(id, work, Imm(b_val & 63));
      } else {  // bt* on a register takes the bit index modulo 64
        Gp c = b_reg_not_work(rcx);
        load_work(gp_src(i.a, rax));
        a_.emit(id, work, c);
      }
      done();
      return;
    }
    case IrOp::bext: {
      if (b_const) {
        load_work(gp_src(i.a, rax));
        unsigned n = static_cast<unsigned>(b_val) & 63;
        if (n) a_.shr(work, n);
        a_.and_(work.r32(), 1);
      } else if (opt_.host_bmi2) {
        Gp c = gp_in_reg(i.b, rcx);
        Operand sa = src_rm(i.a, rax);
        a_.emit(Inst::kIdShrx, work, sa, c);
        a_.and_(work.r32(), 1);
      } else {  // bt with a register base (a memory base would index a bit string)
        Gp c = gp_in_reg(i.b, rcx);
        Gp ra = gp_in_reg(i.a, rax);
        a_.bt(ra, c);
        a_.setc(al);
        a_.movzx(work.r32(), al);
      }
      done();
      return;
    }
    case IrOp::clmul: case IrOp::clmulh: case IrOp::clmulr: {
      if (!opt_.host_pclmul) {
        error_ = "backend: clmul without PCLMULQDQ (the frontend calls the interpreter)";
        return;
      }
      a_.emit(Inst::kIdMovq, xmm14, src_rm(i.a, rax));
      a_.emit(Inst::kIdMovq, xmm15, src_rm(i.b, rcx));
      a_.pclmulqdq(xmm14, xmm15, 0);  // 128-bit product of the low quadwords
      if (i.op == IrOp::clmul) {
        a_.movq(work, xmm14);
      } else if (i.op == IrOp::clmulh) {
        a_.psrldq(xmm14, 8);
        a_.movq(work, xmm14);
      } else {  // bits 126..63: (high << 1) | (low >> 63)
        a_.movq(rax, xmm14);
        a_.psrldq(xmm14, 8);
        a_.movq(rcx, xmm14);
        a_.shr(rax, 63);
        emit_lea(work, ptr(rax, rcx, 1));
      }
      done();
      return;
    }
    default:
      error_ = std::string("backend: no code for IR op ") + ir_info(i.op).name;
      return;
  }
}

}  // namespace hart::x86be
