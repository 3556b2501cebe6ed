// translator/frontend.cpp — see frontend.h. One trans_* function per
// instruction family (trans_bitmanip: Zba/Zbb/Zbs/Zbc); each emits IR for
// one decoded instruction and says whether it ended the block.
#include "translator/frontend.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "core/address_space.h"
#include "core/cpu_state.h"
#include "translator/fp_ops.h"
#include "translator/frontend_v.h"
#include "translator/interp.h"
#include "translator/spare_vectors.h"

namespace hart {

namespace {

struct Ctx {
  IrBlock& ir;
  GuestBlock& blk;
  const FrontendOptions& opt;
  uint64_t pc;
  const DecodedInsn& d;
  uint64_t follow = 0;  // set by a jump the block continues through
  VBlockState* vstate = nullptr;  // the vtype known so far in the block (frontend_v.h)
  bool inline_call = false;  // a jal into a leaf the block goes on into (inline_leaf)
  uint64_t next() const { return pc + d.len; }
  Temp rs1() { return ir.get_reg(d.rs1); }
  Temp rs2() { return ir.get_reg(d.rs2); }
  Temp imm() { return ir.movi(d.imm); }
  void rd(Temp v) { ir.set_reg(d.rd, v); }
  // A data access's base and displacement: rs1 and *disp as they are, or,
  // with Supm pointer masking (opt.pmlen), the masked effective address
  // (rs1 + *disp sign-extended from bit 63 - pmlen) and 0.
  Temp mem_base(int64_t* disp) {
    if (!opt.pmlen) return rs1();
    Temp a = rs1();
    if (*disp) a = ir.emit_dst(IrOp::add, a, ir.movi(*disp));
    *disp = 0;
    const int64_t n = opt.pmlen;
    return ir.emit_dst(IrOp::sar, ir.emit_dst(IrOp::shl, a, ir.movi(n)), ir.movi(n));
  }
  Temp mem_base() {
    int64_t zero = 0;
    return mem_base(&zero);
  }
};

void exit_with(Ctx& c, ExitReason why) {
  c.ir.emit(IrOp::exit, kNoTemp, kNoTemp, static_cast<int64_t>(c.pc), c.d.bits,
            static_cast<uint8_t>(why));
}

bool trans_op_imm(Ctx& c) {
  IrOp op;
  switch (c.d.op) {
    case Opcode::addi: op = IrOp::add; break;
    case Opcode::xori: op = IrOp::xor_; break;
    case Opcode::ori: op = IrOp::or_; break;
    case Opcode::andi: op = IrOp::and_; break;
    case Opcode::slli: op = IrOp::shl; break;
    case Opcode::srli: op = IrOp::shr; break;
    case Opcode::srai: op = IrOp::sar; break;
    case Opcode::slliw: op = IrOp::shlw; break;
    case Opcode::srliw: op = IrOp::shrw; break;
    case Opcode::sraiw: op = IrOp::sarw; break;
    case Opcode::slti:
      c.rd(c.ir.emit_dst(IrOp::setcond, c.rs1(), c.imm(), 0, static_cast<uint8_t>(IrCond::lt)));
      return false;
    case Opcode::sltiu:
      c.rd(c.ir.emit_dst(IrOp::setcond, c.rs1(), c.imm(), 0, static_cast<uint8_t>(IrCond::ltu)));
      return false;
    case Opcode::addiw: {
      Temp s = c.ir.emit_dst(IrOp::add, c.rs1(), c.imm());
      c.rd(c.ir.emit_dst(IrOp::sext_w, s));
      return false;
    }
    default: return false;
  }
  c.rd(c.ir.emit_dst(op, c.rs1(), c.imm()));
  return false;
}

bool trans_op(Ctx& c) {
  IrOp op;
  bool w = false;  // result is sext32 of the 64-bit op
  switch (c.d.op) {
    case Opcode::add: op = IrOp::add; break;
    case Opcode::sub: op = IrOp::sub; break;
    case Opcode::sll: op = IrOp::shl; break;
    case Opcode::srl: op = IrOp::shr; break;
    case Opcode::sra: op = IrOp::sar; break;
    case Opcode::xor_: op = IrOp::xor_; break;
    case Opcode::or_: op = IrOp::or_; break;
    case Opcode::and_: op = IrOp::and_; break;
    case Opcode::mul: op = IrOp::mul; break;
    case Opcode::mulh: op = IrOp::mulh; break;
    case Opcode::mulhu: op = IrOp::mulhu; break;
    case Opcode::mulhsu: op = IrOp::mulhsu; break;
    case Opcode::div: op = IrOp::div; break;
    case Opcode::divu: op = IrOp::divu; break;
    case Opcode::rem: op = IrOp::rem; break;
    case Opcode::remu: op = IrOp::remu; break;
    case Opcode::addw: op = IrOp::add; w = true; break;
    case Opcode::subw: op = IrOp::sub; w = true; break;
    case Opcode::mulw: op = IrOp::mul; w = true; break;
    case Opcode::sllw: op = IrOp::shlw; break;
    case Opcode::srlw: op = IrOp::shrw; break;
    case Opcode::sraw: op = IrOp::sarw; break;
    case Opcode::divw: op = IrOp::divw; break;
    case Opcode::divuw: op = IrOp::divuw; break;
    case Opcode::remw: op = IrOp::remw; break;
    case Opcode::remuw: op = IrOp::remuw; break;
    case Opcode::slt:
      c.rd(c.ir.emit_dst(IrOp::setcond, c.rs1(), c.rs2(), 0, static_cast<uint8_t>(IrCond::lt)));
      return false;
    case Opcode::sltu:
      c.rd(c.ir.emit_dst(IrOp::setcond, c.rs1(), c.rs2(), 0, static_cast<uint8_t>(IrCond::ltu)));
      return false;
    default: return false;
  }
  Temp v = c.ir.emit_dst(op, c.rs1(), c.rs2());
  if (w) v = c.ir.emit_dst(IrOp::sext_w, v);
  c.rd(v);
  return false;
}

bool trans_lui_auipc(Ctx& c) {
  int64_t v = c.d.op == Opcode::lui ? c.d.imm : static_cast<int64_t>(c.pc) + c.d.imm;
  c.rd(c.ir.movi(v));
  return false;
}

// x1 (ra) and x5 (t0): the link registers of the return-address hints.
bool is_link_reg(unsigned r) { return r == 1 || r == 5; }

// A jump to a known target after its link is written: followed (the block
// translates on at the target; the caller checks for loops) when `follow`
// and near, else a direct exit. True if it ended the block.
// (A call, when it writes a link register: ir_is_call.)
bool jump_known(Ctx& c, uint64_t target, bool follow) {
  c.rd(c.ir.movi(static_cast<int64_t>(c.next())));
  const uint64_t dist = target > c.pc ? target - c.pc : c.pc - target;
  if (follow && dist < c.opt.follow_jumps_within) {
    c.follow = target;
    return false;
  }
  const int64_t ret = is_link_reg(c.d.rd) ? static_cast<int64_t>(c.next()) : 0;
  c.ir.emit(IrOp::goto_tb, kNoTemp, kNoTemp, static_cast<int64_t>(target), ret);
  return true;
}

bool trans_jal(Ctx& c) { return jump_known(c, c.pc + c.d.imm, c.d.rd == 0 || c.inline_call); }

// jalr whose rs1 the block knows (KnownRegs: `link`): a jump to a known
// target, followed like a j when near (a leaf's return after its inlined
// call), else a direct exit (chainable, no jump-cache probe).
bool trans_known_jalr(Ctx& c, int64_t link) {
  return jump_known(c, static_cast<uint64_t>(link + c.d.imm) & ~uint64_t{1}, c.d.rd == 0);
}

// The return-address hints of the unprivileged spec's jalr table: rd a
// link register pushes (a call), rs1 one with rd not pops (a return); rd
// and rs1 two different links (a coroutine swap: pop, then push) is
// neither here.
bool trans_jalr(Ctx& c) {
  Temp t = c.ir.emit_dst(IrOp::add, c.rs1(), c.imm());  // read rs1 before writing rd
  t = c.ir.emit_dst(IrOp::and_, t, c.ir.movi(~int64_t{1}));
  c.rd(c.ir.movi(static_cast<int64_t>(c.next())));
  const bool push = is_link_reg(c.d.rd), pop = is_link_reg(c.d.rs1);
  if (push && (!pop || c.d.rd == c.d.rs1))
    c.ir.emit(IrOp::jump_ind, t, kNoTemp, 0, static_cast<int64_t>(c.next()));
  else if (pop && !push)
    c.ir.emit(IrOp::jump_ind, t, kNoTemp, 0, 0, kJumpRet);
  else
    c.ir.emit(IrOp::jump_ind, t);
  return true;
}

// The condition under which a conditional branch is taken.
IrCond branch_cond(Opcode op) {
  switch (op) {
    case Opcode::beq: return IrCond::eq;
    case Opcode::bne: return IrCond::ne;
    case Opcode::blt: return IrCond::lt;
    case Opcode::bge: return IrCond::ge;
    case Opcode::bltu: return IrCond::ltu;
    default: return IrCond::geu;
  }
}

bool trans_branch(Ctx& c) {
  c.ir.emit(IrOp::brcond, c.rs1(), c.rs2(), static_cast<int64_t>(c.pc) + c.d.imm,
            static_cast<int64_t>(c.next()), static_cast<uint8_t>(branch_cond(c.d.op)));
  return true;
}

bool trans_load(Ctx& c) {
  uint8_t aux;
  switch (c.d.op) {
    case Opcode::lb: aux = 1 | 0x10; break;
    case Opcode::lh: aux = 2 | 0x10; break;
    case Opcode::lw: aux = 4 | 0x10; break;
    case Opcode::ld: aux = 8; break;
    case Opcode::lbu: aux = 1; break;
    case Opcode::lhu: aux = 2; break;
    default: aux = 4; break;  // lwu
  }
  int64_t disp = c.d.imm;
  const Temp base = c.mem_base(&disp);
  c.rd(c.ir.emit_dst(IrOp::load, base, kNoTemp, disp, aux));
  return false;
}

bool trans_store(Ctx& c) {
  uint8_t size = c.d.op == Opcode::sb ? 1 : c.d.op == Opcode::sh ? 2 : c.d.op == Opcode::sw ? 4 : 8;
  int64_t disp = c.d.imm;
  const Temp base = c.mem_base(&disp);
  c.ir.emit(IrOp::store, base, c.rs2(), disp, 0, size);
  return false;
}

bool trans_fence(Ctx& c) {
  // pred = imm[7:4], succ = imm[3:0]; bit 1 = R, bit 0 = W. Only a store→load
  // ordering needs a host barrier on x86-TSO.
  unsigned pred = (c.d.imm >> 4) & 0xf, succ = c.d.imm & 0xf;
  c.ir.emit(IrOp::fence, kNoTemp, kNoTemp, 0, 0, ((pred & 1) && (succ & 2)) ? 1 : 0);
  return false;
}

constexpr int64_t kBoxHigh = static_cast<int64_t>(0xffffffff00000000u);

bool trans_fp_load(Ctx& c) {
  int64_t disp = c.d.imm;
  const Temp base = c.mem_base(&disp);
  if (c.d.op == Opcode::flw) {
    Temp v = c.ir.emit_dst(IrOp::load, base, kNoTemp, disp, 4);
    c.ir.set_freg(c.d.rd, c.ir.emit_dst(IrOp::or_, v, c.ir.movi(kBoxHigh)));  // NaN-box
  } else {
    c.ir.set_freg(c.d.rd, c.ir.emit_dst(IrOp::load, base, kNoTemp, disp, 8));
  }
  return false;
}

bool trans_fp_store(Ctx& c) {
  const uint8_t size = c.d.op == Opcode::fsw ? 4 : c.d.op == Opcode::fsh ? 2 : 8;
  int64_t disp = c.d.imm;
  const Temp base = c.mem_base(&disp);
  c.ir.emit(IrOp::store, base, c.ir.get_freg(c.d.rs2), disp, 0, size);
  return false;
}
// Zfhmin's data moves and Zfa's fli, inline: flh (a 16-bit load NaN-boxed
// with 48 ones: also a valid boxed single NaN, so the backend's boxed-
// single tracking stays right), fmv.x.h (sign-extends the raw low 16
// bits), fmv.h.x (ones above the low 16 bits), fli (a constant).
constexpr int64_t kBoxHigh16 = static_cast<int64_t>(0xffffffffffff0000u);
bool trans_zfh_move(Ctx& c) {
  switch (c.d.op) {
    case Opcode::flh: {
      int64_t disp = c.d.imm;
      const Temp base = c.mem_base(&disp);
      c.ir.set_freg(c.d.rd, c.ir.emit_dst(IrOp::or_, c.ir.emit_dst(IrOp::load, base, kNoTemp, disp, 2),
                                          c.ir.movi(kBoxHigh16)));
      break;
    }
    case Opcode::fmv_x_h: c.rd(c.ir.emit_dst(IrOp::sext_h, c.ir.get_freg(c.d.rs1))); break;
    case Opcode::fmv_h_x: c.ir.set_freg(c.d.rd, c.ir.emit_dst(IrOp::or_, c.rs1(), c.ir.movi(kBoxHigh16))); break;
    case Opcode::fli_h: c.ir.set_freg(c.d.rd, c.ir.movi(static_cast<int64_t>(fp::box16(fp::f16_fli(c.d.rs1))))); break;
    case Opcode::fli_s: c.ir.set_freg(c.d.rd, c.ir.movi(static_cast<int64_t>(fp::box32(fp::f32_fli(c.d.rs1))))); break;
    default: c.ir.set_freg(c.d.rd, c.ir.movi(static_cast<int64_t>(fp::f64_fli(c.d.rs1)))); break;  // fli.d
  }
  return false;
}

// fsgnj family on raw bits; singles are unboxed first (bit 31 is the sign).
bool trans_fsgnj(Ctx& c, bool single) {
  Temp a = c.ir.get_freg(c.d.rs1), b = c.ir.get_freg(c.d.rs2);
  if (single) {
    a = c.ir.emit_dst(IrOp::unbox_s, a);
    b = c.ir.emit_dst(IrOp::unbox_s, b);
  }
  int64_t sign = single ? int64_t{0x80000000} : static_cast<int64_t>(0x8000000000000000u);
  Temp r;
  if (c.d.rs1 == c.d.rs2) {  // fmv, fneg, fabs
    switch (c.d.op) {
      case Opcode::fsgnj_s: case Opcode::fsgnj_d: r = a; break;
      case Opcode::fsgnjn_s: case Opcode::fsgnjn_d:
        r = c.ir.emit_dst(IrOp::xor_, a, c.ir.movi(sign));
        break;
      default: r = c.ir.emit_dst(IrOp::and_, a, c.ir.movi(~sign)); break;
    }
    c.ir.set_freg(c.d.rd, r);
    return false;
  }
  switch (c.d.op) {
    case Opcode::fsgnj_s: case Opcode::fsgnj_d:
      r = c.ir.emit_dst(IrOp::or_, c.ir.emit_dst(IrOp::and_, a, c.ir.movi(~sign)),
                        c.ir.emit_dst(IrOp::and_, b, c.ir.movi(sign)));
      break;
    case Opcode::fsgnjn_s: case Opcode::fsgnjn_d:
      r = c.ir.emit_dst(IrOp::or_, c.ir.emit_dst(IrOp::and_, a, c.ir.movi(~sign)),
                        c.ir.emit_dst(IrOp::and_, c.ir.emit_dst(IrOp::xor_, b, c.ir.movi(-1)),
                                      c.ir.movi(sign)));
      break;
    default:  // fsgnjx
      r = c.ir.emit_dst(IrOp::xor_, a, c.ir.emit_dst(IrOp::and_, b, c.ir.movi(sign)));
      break;
  }
  c.ir.set_freg(c.d.rd, r);
  return false;
}

bool trans_fmv(Ctx& c) {
  switch (c.d.op) {
    case Opcode::fmv_x_w:
      c.rd(c.ir.emit_dst(IrOp::sext_w, c.ir.get_freg(c.d.rs1)));
      break;
    case Opcode::fmv_x_d:
      c.rd(c.ir.get_freg(c.d.rs1));
      break;
    case Opcode::fmv_w_x:
      c.ir.set_freg(c.d.rd, c.ir.emit_dst(IrOp::or_, c.rs1(), c.ir.movi(kBoxHigh)));
      break;
    default:  // fmv.d.x
      c.ir.set_freg(c.d.rd, c.rs1());
      break;
  }
  return false;
}

bool trans_helper(Ctx& c);

// frflags and fsflags (glibc saves and restores flags around quiet
// comparisons, so they are hot in FP code), frrm and frcsr run inline;
// other CSR accesses go to the interpreter. Returns false if the access is not one of these.
bool trans_fflags(Ctx& c) {
  const bool pure_read = (c.d.op == Opcode::csrrs || c.d.op == Opcode::csrrc || c.d.op == Opcode::csrrsi ||
                          c.d.op == Opcode::csrrci) && c.d.rs1 == 0;
  if (pure_read && (c.d.imm == 0x002 || c.d.imm == 0x003)) {  // frrm, frcsr
    Temp v = c.ir.emit_dst(IrOp::frm_read);
    if (c.d.imm == 0x003)
      v = c.ir.emit_dst(IrOp::or_, c.ir.emit_dst(IrOp::shl, v, c.ir.movi(5)),
                        c.ir.emit_dst(IrOp::fflags_read));
    c.rd(v);
    return true;
  }
  if (c.d.imm != 0x001) return false;
  bool reg_src = c.d.op == Opcode::csrrw || c.d.op == Opcode::csrrs || c.d.op == Opcode::csrrc;
  bool writes = !(c.d.op == Opcode::csrrs || c.d.op == Opcode::csrrc || c.d.op == Opcode::csrrsi ||
                  c.d.op == Opcode::csrrci) ||
                c.d.rs1 != 0;
  if (writes && c.d.op != Opcode::csrrw && c.d.op != Opcode::csrrwi) return false;  // set/clear bits
  // (fsflags with rd = x0, glibc's restore after a quiet compare, reads
  // nothing: fflags_read is never removed, since its place among the FP
  // ops matters.)
  const Temp old = writes && c.d.rd == 0 ? kNoTemp : c.ir.emit_dst(IrOp::fflags_read);
  if (writes) c.ir.emit(IrOp::fflags_write, reg_src ? c.rs1() : c.ir.movi(c.d.rs1));
  if (old != kNoTemp) c.rd(old);
  return true;
}

// Arithmetic with the dynamic rounding mode runs inline on the host FPU.
bool trans_fp_arith(Ctx& c, IrOp op, bool single, int nargs) {
  bool uses_rm = c.d.info().flags & kRm;
  if (uses_rm && (c.d.rm != DYN || !c.opt.fp_dynamic_inline)) return trans_helper(c);
  if (nargs == 3 && !c.opt.host_fma) return trans_helper(c);
  Temp a = c.ir.get_freg(c.d.rs1);
  Temp b = nargs >= 2 ? c.ir.get_freg(c.d.rs2) : kNoTemp;
  Temp r;
  uint8_t aux = single ? 1 : 0;
  if (nargs == 3)
    r = c.ir.emit_dst3(op, a, b, c.ir.get_freg(c.d.rs3), aux);
  else
    r = c.ir.emit_dst(op, a, b, 0, aux);
  if (op == IrOp::feq || op == IrOp::flt || op == IrOp::fle)
    c.rd(r);
  else
    c.ir.set_freg(c.d.rd, r);
  return false;
}

// fcvt between integers and FP, inline. FP -> integer: the dynamic mode
// (when frm has a host mode) and any static mode but RMM (which has no x86
// counterpart); integer -> FP: the dynamic mode, or any valid mode when the
// result is exact (int32 -> double). Other cases run in the interpreter.
bool trans_fcvt_int(Ctx& c, bool single, bool wide, bool is_unsigned, bool to_int) {
  unsigned rm = c.d.rm;
  bool exact = !to_int && !single && !wide;  // fcvt.d.w, fcvt.d.wu
  bool ok = rm == DYN ? c.opt.fp_dynamic_inline
                      : (rm <= RMM && (exact || (to_int && rm != RMM &&
                                                 (rm == RTZ || c.opt.host_sse41))));
  if (!ok) return trans_helper(c);
  uint8_t aux = static_cast<uint8_t>((single ? kFcvtSingle : 0) | (wide ? kFcvtLong : 0) |
                                     (is_unsigned ? kFcvtUnsigned : 0) | (exact ? RNE : rm) << 4);
  if (to_int) {
    c.rd(c.ir.emit_dst(IrOp::fcvt_fi, c.ir.get_freg(c.d.rs1), kNoTemp, 0, aux));
  } else {
    c.ir.set_freg(c.d.rd, c.ir.emit_dst(IrOp::fcvt_if, c.rs1(), kNoTemp, 0, aux));
  }
  return false;
}

// A extension on host atomics: AMOs as locked x86 instructions, LR/SC with a
// reservation (address, value) and compare-and-swap, like the interpreter.
bool trans_atomic(Ctx& c) {
  uint8_t size = 4;
  IrAmo op = IrAmo::swap;
  switch (c.d.op) {
#define HART_AMO(base, kind)                                        \
  case Opcode::base##_w: op = IrAmo::kind; break;                   \
  case Opcode::base##_d: op = IrAmo::kind; size = 8; break;         \
  case Opcode::base##_b: op = IrAmo::kind; size = 1; break; /* Zabha */ \
  case Opcode::base##_h: op = IrAmo::kind; size = 2; break;
    HART_AMO(amoswap, swap) HART_AMO(amoadd, add) HART_AMO(amoxor, xor_) HART_AMO(amoand, and_)
    HART_AMO(amoor, or_) HART_AMO(amomin, min) HART_AMO(amomax, max) HART_AMO(amominu, minu)
    HART_AMO(amomaxu, maxu)
#undef HART_AMO
    case Opcode::amocas_w: case Opcode::amocas_d: case Opcode::amocas_b: case Opcode::amocas_h: {
      // Zacas (and Zabha's byte/halfword forms): rd is the expected value.
      const uint8_t w = c.d.op == Opcode::amocas_d ? 8 : c.d.op == Opcode::amocas_w ? 4
                        : c.d.op == Opcode::amocas_h ? 2 : 1;
      const Temp base = c.mem_base();
      c.rd(c.ir.emit_dst3(IrOp::amocas, base, c.rs2(), c.ir.get_reg(c.d.rd), w));
      return false;
    }
    case Opcode::lr_w: case Opcode::lr_d:
      c.rd(c.ir.emit_dst(IrOp::lr, c.mem_base(), kNoTemp, 0, c.d.op == Opcode::lr_d ? 8 : 4));
      return false;
    case Opcode::sc_w: case Opcode::sc_d: {
      const Temp base = c.mem_base();
      c.rd(c.ir.emit_dst(IrOp::sc, base, c.rs2(), 0, c.d.op == Opcode::sc_d ? 8 : 4));
      return false;
    }
    default:
      return false;
  }
  const Temp base = c.mem_base();
  c.rd(c.ir.emit_dst(IrOp::amo, base, c.rs2(), 0, static_cast<uint8_t>(static_cast<uint8_t>(op) << 4 | size)));
  return false;
}

// Zba, Zbb, Zbs, Zbc: one IR op per instruction, except that the .uw forms
// zero-extend rs1 first (zext_w), orn and xnor are or/xor with a complement,
// and the immediate forms (rori, roriw, bclri...) pass shamt as a constant.
// Carry-less products run in the interpreter when the host has no
// PCLMULQDQ (opt.host_clmul).
bool trans_bitmanip(Ctx& c) {
  enum Src : uint8_t { kRs2, kImm, kUnary };
  IrOp op;
  Src src = kRs2;
  uint8_t aux = 0;
  bool uw = false;  // rs1 is zero-extended from 32 bits
  switch (c.d.op) {
    case Opcode::add_uw: op = IrOp::add; uw = true; break;
    case Opcode::sh1add: op = IrOp::shadd; aux = 1; break;
    case Opcode::sh2add: op = IrOp::shadd; aux = 2; break;
    case Opcode::sh3add: op = IrOp::shadd; aux = 3; break;
    case Opcode::sh1add_uw: op = IrOp::shadd; aux = 1; uw = true; break;
    case Opcode::sh2add_uw: op = IrOp::shadd; aux = 2; uw = true; break;
    case Opcode::sh3add_uw: op = IrOp::shadd; aux = 3; uw = true; break;
    case Opcode::slli_uw: op = IrOp::shl; src = kImm; uw = true; break;
    case Opcode::andn: op = IrOp::andn; break;
    case Opcode::orn:
      c.rd(c.ir.emit_dst(IrOp::or_, c.rs1(), c.ir.emit_dst(IrOp::xor_, c.rs2(), c.ir.movi(-1))));
      return false;
    case Opcode::xnor:
      c.rd(c.ir.emit_dst(IrOp::xor_, c.ir.emit_dst(IrOp::xor_, c.rs1(), c.rs2()), c.ir.movi(-1)));
      return false;
    case Opcode::clz: op = IrOp::clz; src = kUnary; break;
    case Opcode::clzw: op = IrOp::clzw; src = kUnary; break;
    case Opcode::ctz: op = IrOp::ctz; src = kUnary; break;
    case Opcode::ctzw: op = IrOp::ctzw; src = kUnary; break;
    case Opcode::cpop: op = IrOp::cpop; src = kUnary; break;
    case Opcode::cpopw: op = IrOp::cpopw; src = kUnary; break;
    case Opcode::max: op = IrOp::max; break;
    case Opcode::maxu: op = IrOp::maxu; break;
    case Opcode::min: op = IrOp::min; break;
    case Opcode::minu: op = IrOp::minu; break;
    case Opcode::sext_b: op = IrOp::sext_b; src = kUnary; break;
    case Opcode::sext_h: op = IrOp::sext_h; src = kUnary; break;
    case Opcode::zext_h: op = IrOp::zext_h; src = kUnary; break;
    case Opcode::rol: op = IrOp::rotl; break;
    case Opcode::rolw: op = IrOp::rotlw; break;
    case Opcode::ror: op = IrOp::rotr; break;
    case Opcode::rori: op = IrOp::rotr; src = kImm; break;
    case Opcode::roriw: op = IrOp::rotrw; src = kImm; break;
    case Opcode::rorw: op = IrOp::rotrw; break;
    case Opcode::orc_b: op = IrOp::orc_b; src = kUnary; break;
    case Opcode::rev8: op = IrOp::bswap; src = kUnary; break;
    case Opcode::bclr: op = IrOp::bclr; break;
    case Opcode::bclri: op = IrOp::bclr; src = kImm; break;
    case Opcode::bext: op = IrOp::bext; break;
    case Opcode::bexti: op = IrOp::bext; src = kImm; break;
    case Opcode::binv: op = IrOp::binv; break;
    case Opcode::binvi: op = IrOp::binv; src = kImm; break;
    case Opcode::bset: op = IrOp::bset; break;
    case Opcode::bseti: op = IrOp::bset; src = kImm; break;
    case Opcode::clmul: case Opcode::clmulh: case Opcode::clmulr:
      if (!c.opt.host_clmul) return trans_helper(c);
      op = c.d.op == Opcode::clmul ? IrOp::clmul : c.d.op == Opcode::clmulh ? IrOp::clmulh : IrOp::clmulr;
      break;
    default:
      return trans_helper(c);
  }
  Temp a = c.rs1();
  if (uw) a = c.ir.emit_dst(IrOp::zext_w, a);
  Temp b = src == kRs2 ? c.rs2() : src == kImm ? c.imm() : kNoTemp;
  c.rd(c.ir.emit_dst(op, a, b, 0, aux));
  return false;
}

bool trans_helper(Ctx& c) {
  c.ir.emit(IrOp::call_interp, kNoTemp, kNoTemp, static_cast<int64_t>(c.blk.helper_insns.size()));
  c.blk.helper_insns.push_back(c.d);
  return false;
}

// Emits IR for one instruction; true if it ended the block.
bool trans_insn(Ctx& c) {
  switch (c.d.op) {
    case Opcode::lui: case Opcode::auipc:
      return trans_lui_auipc(c);
    case Opcode::jal:
      return trans_jal(c);
    case Opcode::jalr:
      return trans_jalr(c);
    case Opcode::beq: case Opcode::bne: case Opcode::blt:
    case Opcode::bge: case Opcode::bltu: case Opcode::bgeu:
      return trans_branch(c);
    case Opcode::lb: case Opcode::lh: case Opcode::lw: case Opcode::ld:
    case Opcode::lbu: case Opcode::lhu: case Opcode::lwu:
      return trans_load(c);
    case Opcode::sb: case Opcode::sh: case Opcode::sw: case Opcode::sd:
      return trans_store(c);
    case Opcode::addi: case Opcode::slti: case Opcode::sltiu: case Opcode::xori:
    case Opcode::ori: case Opcode::andi: case Opcode::slli: case Opcode::srli:
    case Opcode::srai: case Opcode::addiw: case Opcode::slliw: case Opcode::srliw:
    case Opcode::sraiw:
      return trans_op_imm(c);
    case Opcode::add: case Opcode::sub: case Opcode::sll: case Opcode::slt:
    case Opcode::sltu: case Opcode::xor_: case Opcode::srl: case Opcode::sra:
    case Opcode::or_: case Opcode::and_: case Opcode::addw: case Opcode::subw:
    case Opcode::sllw: case Opcode::srlw: case Opcode::sraw: case Opcode::mul:
    case Opcode::mulh: case Opcode::mulhsu: case Opcode::mulhu: case Opcode::div:
    case Opcode::divu: case Opcode::rem: case Opcode::remu: case Opcode::mulw:
    case Opcode::divw: case Opcode::divuw: case Opcode::remw: case Opcode::remuw:
      return trans_op(c);
    case Opcode::fence:
      return trans_fence(c);
    case Opcode::add_uw: case Opcode::sh1add: case Opcode::sh2add: case Opcode::sh3add:
    case Opcode::sh1add_uw: case Opcode::sh2add_uw: case Opcode::sh3add_uw: case Opcode::slli_uw:
    case Opcode::andn: case Opcode::orn: case Opcode::xnor: case Opcode::clz: case Opcode::clzw:
    case Opcode::ctz: case Opcode::ctzw: case Opcode::cpop: case Opcode::cpopw: case Opcode::max:
    case Opcode::maxu: case Opcode::min: case Opcode::minu: case Opcode::sext_b: case Opcode::sext_h:
    case Opcode::zext_h: case Opcode::rol: case Opcode::rolw: case Opcode::ror: case Opcode::rori:
    case Opcode::roriw: case Opcode::rorw: case Opcode::orc_b: case Opcode::rev8: case Opcode::bclr:
    case Opcode::bclri: case Opcode::bext: case Opcode::bexti: case Opcode::binv: case Opcode::binvi:
    case Opcode::bset: case Opcode::bseti: case Opcode::clmul: case Opcode::clmulh:
    case Opcode::clmulr:
      return trans_bitmanip(c);
    case Opcode::pause: case Opcode::wrs_nto: case Opcode::wrs_sto:
    case Opcode::prefetch_i: case Opcode::prefetch_r: case Opcode::prefetch_w:
      return false;  // spin-loop and prefetch hints: nothing to do
    case Opcode::mop_r: case Opcode::mop_rr:
      c.rd(c.ir.movi(0));
      return false;
    case Opcode::czero_eqz: case Opcode::czero_nez: {
      // Zicond: rd = rs1 & -(rs2 != 0) (eqz) or rs1 & -(rs2 == 0) (nez).
      Temp keep = c.ir.emit_dst(IrOp::setcond, c.rs2(), c.ir.movi(0), 0,
                                static_cast<uint8_t>(c.d.op == Opcode::czero_eqz ? IrCond::ne : IrCond::eq));
      Temp mask = c.ir.emit_dst(IrOp::sub, c.ir.movi(0), keep);
      c.rd(c.ir.emit_dst(IrOp::and_, c.rs1(), mask));
      return false;
    }
    case Opcode::lr_w: case Opcode::sc_w: case Opcode::lr_d: case Opcode::sc_d:
    case Opcode::amoswap_w: case Opcode::amoadd_w: case Opcode::amoxor_w: case Opcode::amoand_w:
    case Opcode::amoor_w: case Opcode::amomin_w: case Opcode::amomax_w: case Opcode::amominu_w:
    case Opcode::amomaxu_w: case Opcode::amoswap_d: case Opcode::amoadd_d: case Opcode::amoxor_d:
    case Opcode::amoand_d: case Opcode::amoor_d: case Opcode::amomin_d: case Opcode::amomax_d:
    case Opcode::amominu_d: case Opcode::amomaxu_d:
    case Opcode::amoswap_b: case Opcode::amoadd_b: case Opcode::amoxor_b: case Opcode::amoand_b:
    case Opcode::amoor_b: case Opcode::amomin_b: case Opcode::amomax_b: case Opcode::amominu_b:
    case Opcode::amomaxu_b: case Opcode::amoswap_h: case Opcode::amoadd_h: case Opcode::amoxor_h:
    case Opcode::amoand_h: case Opcode::amoor_h: case Opcode::amomin_h: case Opcode::amomax_h:
    case Opcode::amominu_h: case Opcode::amomaxu_h:
    case Opcode::amocas_w: case Opcode::amocas_d: case Opcode::amocas_b: case Opcode::amocas_h:
      return trans_atomic(c);
    case Opcode::flw: case Opcode::fld:
      return trans_fp_load(c);
    case Opcode::fsw: case Opcode::fsd: case Opcode::fsh:
      return trans_fp_store(c);
    case Opcode::flh: case Opcode::fmv_x_h: case Opcode::fmv_h_x:
    case Opcode::fli_h: case Opcode::fli_s: case Opcode::fli_d:
      return trans_zfh_move(c);
    case Opcode::fsgnj_s: case Opcode::fsgnjn_s: case Opcode::fsgnjx_s:
      return trans_fsgnj(c, true);
    case Opcode::fsgnj_d: case Opcode::fsgnjn_d: case Opcode::fsgnjx_d:
      return trans_fsgnj(c, false);
    case Opcode::fmv_x_w: case Opcode::fmv_x_d: case Opcode::fmv_w_x: case Opcode::fmv_d_x:
      return trans_fmv(c);
    case Opcode::fadd_s: return trans_fp_arith(c, IrOp::fadd, true, 2);
    case Opcode::fsub_s: return trans_fp_arith(c, IrOp::fsub, true, 2);
    case Opcode::fmul_s: return trans_fp_arith(c, IrOp::fmul, true, 2);
    case Opcode::fdiv_s: return trans_fp_arith(c, IrOp::fdiv, true, 2);
    case Opcode::fsqrt_s: return trans_fp_arith(c, IrOp::fsqrt, true, 1);
    case Opcode::fmadd_s: return trans_fp_arith(c, IrOp::fmadd, true, 3);
    case Opcode::fmsub_s: return trans_fp_arith(c, IrOp::fmsub, true, 3);
    case Opcode::fnmsub_s: return trans_fp_arith(c, IrOp::fnmsub, true, 3);
    case Opcode::fnmadd_s: return trans_fp_arith(c, IrOp::fnmadd, true, 3);
    case Opcode::feq_s: return trans_fp_arith(c, IrOp::feq, true, 2);
    case Opcode::flt_s: return trans_fp_arith(c, IrOp::flt, true, 2);
    case Opcode::fle_s: return trans_fp_arith(c, IrOp::fle, true, 2);
    case Opcode::fadd_d: return trans_fp_arith(c, IrOp::fadd, false, 2);
    case Opcode::fsub_d: return trans_fp_arith(c, IrOp::fsub, false, 2);
    case Opcode::fmul_d: return trans_fp_arith(c, IrOp::fmul, false, 2);
    case Opcode::fdiv_d: return trans_fp_arith(c, IrOp::fdiv, false, 2);
    case Opcode::fsqrt_d: return trans_fp_arith(c, IrOp::fsqrt, false, 1);
    case Opcode::fmadd_d: return trans_fp_arith(c, IrOp::fmadd, false, 3);
    case Opcode::fmsub_d: return trans_fp_arith(c, IrOp::fmsub, false, 3);
    case Opcode::fnmsub_d: return trans_fp_arith(c, IrOp::fnmsub, false, 3);
    case Opcode::fnmadd_d: return trans_fp_arith(c, IrOp::fnmadd, false, 3);
    case Opcode::feq_d: return trans_fp_arith(c, IrOp::feq, false, 2);
    case Opcode::flt_d: return trans_fp_arith(c, IrOp::flt, false, 2);
    case Opcode::fle_d: return trans_fp_arith(c, IrOp::fle, false, 2);
    case Opcode::fclass_s:
      c.rd(c.ir.emit_dst(IrOp::fclass, c.ir.emit_dst(IrOp::unbox_s, c.ir.get_freg(c.d.rs1)), kNoTemp, 0, 1));
      return false;
    case Opcode::fclass_d:
      c.rd(c.ir.emit_dst(IrOp::fclass, c.ir.get_freg(c.d.rs1)));
      return false;
    case Opcode::fmin_s: return trans_fp_arith(c, IrOp::fmin, true, 2);
    case Opcode::fmax_s: return trans_fp_arith(c, IrOp::fmax, true, 2);
    case Opcode::fmin_d: return trans_fp_arith(c, IrOp::fmin, false, 2);
    case Opcode::fmax_d: return trans_fp_arith(c, IrOp::fmax, false, 2);
    case Opcode::fcvt_s_d: return trans_fp_arith(c, IrOp::fcvt_ds, false, 1);
    case Opcode::fcvt_d_s:  // exact: no rounding, any valid rm
      if (c.d.rm != DYN && c.d.rm <= RMM) {
        c.ir.set_freg(c.d.rd, c.ir.emit_dst(IrOp::fcvt_sd, c.ir.get_freg(c.d.rs1), kNoTemp, 0, 1));
        return false;
      }
      return trans_fp_arith(c, IrOp::fcvt_sd, true, 1);
    case Opcode::fcvt_w_s: return trans_fcvt_int(c, true, false, false, true);
    case Opcode::fcvt_wu_s: return trans_fcvt_int(c, true, false, true, true);
    case Opcode::fcvt_l_s: return trans_fcvt_int(c, true, true, false, true);
    case Opcode::fcvt_lu_s: return trans_fcvt_int(c, true, true, true, true);
    case Opcode::fcvt_w_d: return trans_fcvt_int(c, false, false, false, true);
    case Opcode::fcvt_wu_d: return trans_fcvt_int(c, false, false, true, true);
    case Opcode::fcvt_l_d: return trans_fcvt_int(c, false, true, false, true);
    case Opcode::fcvt_lu_d: return trans_fcvt_int(c, false, true, true, true);
    case Opcode::fcvt_s_w: return trans_fcvt_int(c, true, false, false, false);
    case Opcode::fcvt_s_wu: return trans_fcvt_int(c, true, false, true, false);
    case Opcode::fcvt_s_l: return trans_fcvt_int(c, true, true, false, false);
    case Opcode::fcvt_s_lu: return trans_fcvt_int(c, true, true, true, false);
    case Opcode::fcvt_d_w: return trans_fcvt_int(c, false, false, false, false);
    case Opcode::fcvt_d_wu: return trans_fcvt_int(c, false, false, true, false);
    case Opcode::fcvt_d_l: return trans_fcvt_int(c, false, true, false, false);
    case Opcode::fcvt_d_lu: return trans_fcvt_int(c, false, true, true, false);
    case Opcode::csrrw: case Opcode::csrrs: case Opcode::csrrc:
    case Opcode::csrrwi: case Opcode::csrrsi: case Opcode::csrrci:
      if (trans_fflags(c)) return false;
      if (trans_vcsr_read(c.ir, c.blk, c.opt, c.d)) return false;
      trans_helper(c);
      if (c.d.imm == 2 || c.d.imm == 3) {
        // frm may have changed: the following code must be looked up (and
        // translated) for the new rounding mode, so leave unchained.
        c.ir.emit(IrOp::jump_ind, c.ir.movi(static_cast<int64_t>(c.next())));
        return true;
      }
      return false;
    case Opcode::fence_i:
      exit_with(c, ExitReason::FenceI);
      return true;
    case Opcode::ecall:
      exit_with(c, ExitReason::Ecall);
      return true;
    case Opcode::ebreak:
      exit_with(c, ExitReason::Ebreak);
      return true;
    case Opcode::illegal:
      exit_with(c, ExitReason::IllegalInsn);
      return true;
    default:
      if (c.d.info().flags & kVector) {
        trans_vector(c.ir, c.blk, c.opt, c.d, *c.vstate);
        return false;
      }
      return trans_helper(c);
  }
}

}  // namespace

// The instructions one translation (translate_block) has fetched and
// decoded, by pc: the look-aheads (loops_back, if_shape) and the main loop
// read most instructions two or three times, and a fetch through the
// FetchFn and a decode cost more than this lookup (issue 13: translation
// time). Direct-mapped; an entry is valid while its generation is the
// translation's (bumped at every translate_block). Only instructions that
// were fetched are here: their parcels are in the translation's log.
struct DecodeCache {
  static constexpr unsigned kSize = 256;
  uint32_t gen = 1;
  uint32_t gen_of[kSize] = {};
  uint64_t pc_of[kSize] = {};
  DecodedInsn insn[kSize];
  static unsigned slot(uint64_t pc) { return static_cast<unsigned>(pc >> 1) & (kSize - 1); }
  const DecodedInsn* find(uint64_t pc) const {
    const unsigned s = slot(pc);
    return gen_of[s] == gen && pc_of[s] == pc ? &insn[s] : nullptr;
  }
  void add(uint64_t pc, const DecodedInsn& d) {
    const unsigned s = slot(pc);
    gen_of[s] = gen;
    pc_of[s] = pc;
    insn[s] = d;
  }
  const FetchWindow* window = nullptr;  // (this translation's: FrontendOptions::window)
  void next_translation(const FetchWindow* w) {
    window = w;
    if (++gen == 0) {  // (wrapped: no entry may look current)
      for (uint32_t& g : gen_of) g = 0;
      gen = 1;
    }
  }
};
static DecodeCache& decode_cache() {
  // (On the heap, made by a thread's first translation: in the thread's TLS
  // block every host thread of hartd would carry its 9 KiB.)
  static thread_local std::unique_ptr<DecodeCache> c;
  if (!c) c = std::make_unique<DecodeCache>();
  return *c;
}

// The parcels of the instruction at pc (hi: the next parcel, or 0 past a
// compressed one, which ignores it), from the fetcher's window where both
// lie inside it, else through fetch; false if pc is not fetchable.
// (Inlined: a call per instruction cost 1.7% of translating.)
[[gnu::always_inline]] static inline bool read_parcels(const FetchFn& fetch, const FetchWindow* w, uint64_t pc,
                                                       uint16_t* lo, uint16_t* hi) {
  if (w && w->size >= 4 && pc - w->va <= w->size - 4) {
    memcpy(lo, w->data + (pc - w->va), 2);
    memcpy(hi, w->data + (pc - w->va) + 2, 2);
    return true;
  }
  return fetch(pc, lo) && (is_compressed(*lo) || fetch(pc + 2, hi));
}

// Fetches and decodes the instruction at pc; false if it is not fetchable.
static bool fetch_insn(const FetchFn& fetch, uint64_t pc, DecodedInsn* d) {
  DecodeCache& cache = decode_cache();
  if (const DecodedInsn* hit = cache.find(pc)) {
    *d = *hit;
    return true;
  }
  uint16_t lo = 0, hi = 0;
  if (!read_parcels(fetch, cache.window, pc, &lo, &hi)) return false;
  *d = decode_memo(lo | static_cast<uint32_t>(hi) << 16);
  cache.add(pc, *d);
  return true;
}

// If-conversion ("If-conversion" in docs/ARCHITECTURE.md): a conditional
// branch forward over at most kIfRunMax instructions that only compute
// integer registers from integer registers (if_pure: no memory access,
// helper call, FP or CSR state, control flow or division) does not end the
// block; nor does an if-then-else diamond of two such runs (`bCC else;
// then-run; j join; else: else-run; join:`). The runs are translated with
// their register writes kept in temps, and each register they write gets
// `select rs1, rs2, else-value, then-value` at the join (a register one run
// does not write keeps its old value there; IR select tests the branch's
// condition and becomes cmp + cmov), so the guest state there is what
// either path gives.
constexpr int kIfRunMax = 4;

static bool if_pure(const DecodedInsn& d) {
  switch (d.op) {
    case Opcode::lui: case Opcode::auipc:
    case Opcode::addi: case Opcode::slti: case Opcode::sltiu: case Opcode::xori: case Opcode::ori:
    case Opcode::andi: case Opcode::slli: case Opcode::srli: case Opcode::srai: case Opcode::addiw:
    case Opcode::slliw: case Opcode::srliw: case Opcode::sraiw:
    case Opcode::add: case Opcode::sub: case Opcode::sll: case Opcode::slt: case Opcode::sltu:
    case Opcode::xor_: case Opcode::srl: case Opcode::sra: case Opcode::or_: case Opcode::and_:
    case Opcode::addw: case Opcode::subw: case Opcode::sllw: case Opcode::srlw: case Opcode::sraw:
    case Opcode::mul: case Opcode::mulh: case Opcode::mulhsu: case Opcode::mulhu: case Opcode::mulw:
    case Opcode::czero_eqz: case Opcode::czero_nez:
      return true;
    case Opcode::clmul: case Opcode::clmulh: case Opcode::clmulr:  // maybe call_interp
      return false;
    default:  // Zba/Zbb/Zbs: one IR op each (trans_bitmanip; Frontend.BitManipulationIr)
      return d.op >= Opcode::add_uw && d.op <= Opcode::clmulr;
  }
}

// An if-convertible branch: the then-run after it, an optional `j join`
// after that, the else-run (empty without the jump), and the join.
struct IfShape {
  int then_n = 0, else_n = 0;
  bool jump = false;  // a diamond: the then-run ends with `j join`
  uint64_t join = 0;
  int insns() const { return 1 + then_n + jump + else_n; }  // the branch included
};

// Counts the if_pure instructions from `from` up to exactly `to` (at most
// kIfRunMax); -1 if there are others or more.
static int pure_run(const FetchFn& fetch, uint64_t from, uint64_t to) {
  int k = 0;
  for (uint64_t cur = from; cur < to; ++k) {
    DecodedInsn d;
    if (k == kIfRunMax || !fetch_insn(fetch, cur, &d) || !if_pure(d)) return -1;
    cur += d.len;
    if (cur > to) return -1;
  }
  return k;
}

// Whether the branch br at pc can be if-converted, and its shape.
static bool if_shape(const FetchFn& fetch, uint64_t pc, const DecodedInsn& br, IfShape* out) {
  if (!(br.info().flags & kBranch) || br.imm <= 0) return false;
  const uint64_t target = pc + static_cast<uint64_t>(br.imm);
  IfShape s;
  uint64_t cur = pc + br.len;
  for (; cur < target; ++s.then_n) {
    DecodedInsn d;
    if (!fetch_insn(fetch, cur, &d)) return false;
    if (d.op == Opcode::jal && d.rd == 0 && d.imm > 0 && cur + d.len == target) {  // j join
      s.jump = true;
      s.join = cur + static_cast<uint64_t>(d.imm);
      s.else_n = pure_run(fetch, target, s.join);
      if (s.else_n < 0) return false;
      *out = s;
      return true;
    }
    if (s.then_n == kIfRunMax || !if_pure(d)) return false;
    cur += d.len;
  }
  if (cur != target) return false;
  s.join = target;
  *out = s;
  return true;
}

// Translates the n instructions from pc (if_pure, fetched before) with
// their register writes kept in value[] (x0 writes dropped; a read after a
// write in the run takes its temp); returns the pc after them.
static uint64_t translate_run(GuestBlock& blk, const FrontendOptions& opt, const FetchFn& fetch, uint64_t pc,
                              int n, VBlockState* vstate, Temp value[32]) {
  IrBlock& ir = blk.ir;
  const size_t first = ir.insns.size();
  for (int k = 0; k < n; ++k) {
    DecodedInsn d;
    fetch_insn(fetch, pc, &d);
    blk.insns.emplace_back(pc, d);
    ir.emit(IrOp::insn_start, kNoTemp, kNoTemp, static_cast<int64_t>(pc));
    Ctx c{ir, blk, opt, pc, d, 0, vstate};
    trans_insn(c);  // pure: never ends the block
    pc += d.len;
  }
  std::fill(value, value + 32, kNoTemp);
  size_t kept = first;
  for (size_t k = first; k < ir.insns.size(); ++k) {
    IrInsn i = ir.insns[k];
    if (i.op == IrOp::set_reg) {
      if (i.imm != 0) value[i.imm] = i.a;
      continue;
    }
    if (i.op == IrOp::get_reg && value[i.imm] != kNoTemp) {
      i.op = IrOp::mov;
      i.a = value[i.imm];
      i.imm = 0;
    }
    ir.insns[kept++] = i;
  }
  ir.insns.resize(kept);
  return pc;
}

// Translates the branch br at pc and the code of its shape as straight
// code ending in the selects; returns the join.
static uint64_t if_convert(GuestBlock& blk, const FrontendOptions& opt, const FetchFn& fetch, uint64_t pc,
                           const DecodedInsn& br, const IfShape& shape, VBlockState* vstate) {
  IrBlock& ir = blk.ir;
  blk.insns.emplace_back(pc, br);
  ir.emit(IrOp::insn_start, kNoTemp, kNoTemp, static_cast<int64_t>(pc));
  // The selects test the branch's own condition (`rs1 cond rs2`: cmp +
  // cmov in the backend).
  const uint8_t cond = static_cast<uint8_t>(branch_cond(br.op));
  const Temp lhs = ir.get_reg(br.rs1), rhs = ir.get_reg(br.rs2);
  Temp then_v[32], else_v[32];
  uint64_t cur = translate_run(blk, opt, fetch, pc + br.len, shape.then_n, vstate, then_v);
  if (shape.jump) {  // j join: no code
    DecodedInsn j;
    fetch_insn(fetch, cur, &j);
    blk.insns.emplace_back(cur, j);
    ir.emit(IrOp::insn_start, kNoTemp, kNoTemp, static_cast<int64_t>(cur));
    cur += j.len;
  }
  // The else-run reads the registers as they were before the branch (the
  // then-run wrote none of them yet).
  translate_run(blk, opt, fetch, cur, shape.else_n, vstate, else_v);
  for (unsigned r = 1; r < 32; ++r) {
    if (then_v[r] == kNoTemp && else_v[r] == kNoTemp) continue;
    const Temp old = then_v[r] == kNoTemp || else_v[r] == kNoTemp ? ir.get_reg(r) : kNoTemp;
    ir.set_reg(r, ir.select(lhs, rhs, cond, else_v[r] == kNoTemp ? old : else_v[r],
                            then_v[r] == kNoTemp ? old : then_v[r]));
  }
  blk.lo = std::min(blk.lo, pc);
  blk.pc_end = std::max(blk.pc_end, shape.join);
  return shape.join;
}

// A loop whose body ends in two conditional branches back to the block's
// start with a short pure run between them (GCC 15's shape for an if
// inside a loop: `bCC1 head; run; bCC2 head`, the fall-through leaving):
// the run is done under the first branch's condition as selects, and the
// block's terminator goes back when either branch would (bCC2's condition,
// on the run's values, or on values that satisfy it where bCC1 is taken),
// so both ways round stay in one self-loop block instead of the run's side
// leaving and entering it again (threads2's collatz step built by GCC 15:
// half of its rounds did).
struct BackShape {
  int run_n = 0;
  DecodedInsn second;  // bCC2
  uint64_t second_pc = 0;
  int insns() const { return 2 + run_n; }
};

static bool back_shape(const FetchFn& fetch, uint64_t head, uint64_t pc, const DecodedInsn& br, BackShape* out) {
  if (!(br.info().flags & kBranch) || br.imm >= 0 || pc + static_cast<uint64_t>(br.imm) != head) return false;
  BackShape s;
  uint64_t cur = pc + br.len;
  for (;; ++s.run_n) {
    DecodedInsn d;
    if (!fetch_insn(fetch, cur, &d)) return false;
    if (d.info().flags & kBranch) {
      if (d.imm >= 0 || cur + static_cast<uint64_t>(d.imm) != head) return false;
      s.second = d;
      s.second_pc = cur;
      *out = s;
      return true;
    }
    if (s.run_n == kIfRunMax || !if_pure(d)) return false;
    cur += d.len;
  }
}

// Translates bCC1 at pc, the run and bCC2 (back_shape), ending the block;
// returns the pc after bCC2.
static uint64_t back_convert(GuestBlock& blk, const FrontendOptions& opt, const FetchFn& fetch, uint64_t head,
                             uint64_t pc, const DecodedInsn& br, const BackShape& shape, VBlockState* vstate) {
  IrBlock& ir = blk.ir;
  blk.insns.emplace_back(pc, br);
  ir.emit(IrOp::insn_start, kNoTemp, kNoTemp, static_cast<int64_t>(pc));
  const uint8_t cond1 = static_cast<uint8_t>(branch_cond(br.op));
  const Temp lhs1 = ir.get_reg(br.rs1), rhs1 = ir.get_reg(br.rs2);
  Temp run_v[32];
  translate_run(blk, opt, fetch, pc + br.len, shape.run_n, vstate, run_v);
  const DecodedInsn& b2 = shape.second;
  blk.insns.emplace_back(shape.second_pc, b2);
  ir.emit(IrOp::insn_start, kNoTemp, kNoTemp, static_cast<int64_t>(shape.second_pc));
  // bCC2 reads what the run wrote (it runs only where bCC1 was not taken).
  const Temp lhs2 = run_v[b2.rs1] != kNoTemp ? run_v[b2.rs1] : ir.get_reg(b2.rs1);
  const Temp rhs2 = run_v[b2.rs2] != kNoTemp ? run_v[b2.rs2] : ir.get_reg(b2.rs2);
  for (unsigned r = 1; r < 32; ++r)
    if (run_v[r] != kNoTemp) ir.set_reg(r, ir.select(lhs1, rhs1, cond1, ir.get_reg(r), run_v[r]));
  // The terminator tests bCC2's condition on operands that satisfy it
  // where bCC1 is taken: `a cond2 b` with a = (cond1 ? A : lhs2), and b =
  // rhs2 or (cond1 ? B : rhs2); a cmov each, no setcc.
  const IrCond cond2 = branch_cond(b2.op);
  Temp a = kNoTemp, b = rhs2;
  switch (cond2) {
    case IrCond::eq: case IrCond::ge: case IrCond::geu:  // rhs2 cond2 rhs2
      a = ir.select(lhs1, rhs1, cond1, rhs2, lhs2);
      break;
    case IrCond::ne:  // (rhs2 ^ 1) != rhs2
      a = ir.select(lhs1, rhs1, cond1, ir.emit_dst(IrOp::xor_, rhs2, ir.movi(1)), lhs2);
      break;
    default:  // lt, ltu: 0 < 1
      a = ir.select(lhs1, rhs1, cond1, ir.movi(0), lhs2);
      b = ir.select(lhs1, rhs1, cond1, ir.movi(1), rhs2);
      break;
  }
  const uint64_t fall = shape.second_pc + b2.len;
  ir.emit(IrOp::brcond, a, b, static_cast<int64_t>(head), static_cast<int64_t>(fall), static_cast<uint8_t>(cond2));
  blk.lo = std::min(blk.lo, pc);
  blk.pc_end = std::max(blk.pc_end, fall);
  return fall;
}

// Integer registers whose values the block knows at translate time: set by
// constant chains inside the block (li, lui, auipc, addi/addiw of a known
// value, ...; x0 always 0), forgotten by any other write. A conditional
// branch on known values is decided while translating (static_branch): the
// block goes on along the path it takes, so a loop with a small constant
// trip count (a CRC's `for (k = 0; k < 8; ++k)`) is unrolled into the block
// that enters it, and an enclosing loop can become one self-loop block.
struct KnownRegs {
  uint32_t mask = 1;  // bit r: val[r] is known
  int64_t val[32] = {};
  bool get(unsigned r, int64_t* v) const {
    if (!((mask >> r) & 1)) return false;
    *v = val[r];
    return true;
  }
  void set(unsigned r, int64_t v) {
    if (r == 0) return;
    mask |= 1u << r;
    val[r] = v;
  }
  void forget(unsigned r) {
    if (r) mask &= ~(1u << r);
  }
  // After d (at pc) ran: what it wrote. Anything not evaluated here forgets
  // its rd (an instruction without one, a store or FP op, only makes that
  // forgetting conservative).
  void step(const DecodedInsn& d, uint64_t pc) {
    int64_t a = 0, b = 0;
    const bool ka = get(d.rs1, &a), kb = get(d.rs2, &b);
    const uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
    const uint64_t ui = static_cast<uint64_t>(d.imm);
    auto w = [](uint64_t x) { return static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(x))); };
    switch (d.op) {
      case Opcode::lui: set(d.rd, d.imm); return;
      case Opcode::auipc: set(d.rd, static_cast<int64_t>(pc + ui)); return;
      case Opcode::addi: if (ka) return set(d.rd, static_cast<int64_t>(ua + ui)); break;
      case Opcode::addiw: if (ka) return set(d.rd, w(ua + ui)); break;
      case Opcode::andi: if (ka) return set(d.rd, a & d.imm); break;
      case Opcode::ori: if (ka) return set(d.rd, a | d.imm); break;
      case Opcode::xori: if (ka) return set(d.rd, a ^ d.imm); break;
      case Opcode::slli: if (ka) return set(d.rd, static_cast<int64_t>(ua << (d.imm & 63))); break;
      case Opcode::srli: if (ka) return set(d.rd, static_cast<int64_t>(ua >> (d.imm & 63))); break;
      case Opcode::add: if (ka && kb) return set(d.rd, static_cast<int64_t>(ua + ub)); break;
      case Opcode::sub: if (ka && kb) return set(d.rd, static_cast<int64_t>(ua - ub)); break;
      case Opcode::addw: if (ka && kb) return set(d.rd, w(ua + ub)); break;
      case Opcode::subw: if (ka && kb) return set(d.rd, w(ua - ub)); break;
      case Opcode::jal: case Opcode::jalr: return set(d.rd, static_cast<int64_t>(pc + d.len));  // the link
      default: break;
    }
    forget(d.rd);
    if (d.op == Opcode::amocas_q && d.rd < 31) forget(d.rd + 1u);  // (the pair's odd half)
  }
};

// The direction of the conditional branch d if both its operands are known:
// 1 taken, 0 not taken, -1 unknown.
static int static_branch(const KnownRegs& k, const DecodedInsn& d) {
  int64_t a = 0, b = 0;
  if (!k.get(d.rs1, &a) || !k.get(d.rs2, &b)) return -1;
  const uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
  switch (d.op) {
    case Opcode::beq: return a == b;
    case Opcode::bne: return a != b;
    case Opcode::blt: return a < b;
    case Opcode::bge: return a >= b;
    case Opcode::bltu: return ua < ub;
    case Opcode::bgeu: return ua >= ub;
    default: return -1;
  }
}

// Whether the block holds an instruction at pc already.
static bool holds(const GuestBlock& b, uint64_t pc) {
  for (const auto& [ipc, di] : b.insns)
    if (ipc == pc) return true;
  return false;
}

// The instructions loops_back looks at past a block's end.
constexpr unsigned kLookAhead = 24;

// The target of a conditional branch or jal (either length) whose first
// parcel is lo and second hi; false for any other instruction. RISC-V
// unprivileged spec, B/J and CB/CJ formats (RV64C: no c.jal).
bool branch_target(uint64_t at, uint16_t lo, uint16_t hi, uint64_t* target) {
  auto bit = [](uint32_t v, int from, int to) { return ((v >> from) & 1u) << to; };
  int64_t off;
  if (is_compressed(lo)) {
    const uint32_t c = lo, f3 = c >> 13;
    if ((c & 3) != 1 || f3 < 5) return false;
    if (f3 == 5) {  // c.j: offset[11|4|9:8|10|6|7|3:1|5] = c[12|11|10:9|8|7|6|5:3|2]
      const uint32_t u = bit(c, 12, 11) | bit(c, 11, 4) | bit(c, 10, 9) | bit(c, 9, 8) | bit(c, 8, 10) |
                         bit(c, 7, 6) | bit(c, 6, 7) | bit(c, 5, 3) | bit(c, 4, 2) | bit(c, 3, 1) | bit(c, 2, 5);
      off = static_cast<int32_t>(u << 20) >> 20;
    } else {  // c.beqz/c.bnez: offset[8|4:3] = c[12|11:10], offset[7:6|2:1|5] = c[6:5|4:3|2]
      const uint32_t u = bit(c, 12, 8) | bit(c, 11, 4) | bit(c, 10, 3) | bit(c, 6, 7) | bit(c, 5, 6) |
                         bit(c, 4, 2) | bit(c, 3, 1) | bit(c, 2, 5);
      off = static_cast<int32_t>(u << 23) >> 23;
    }
  } else {
    const uint32_t w = lo | static_cast<uint32_t>(hi) << 16;
    const uint32_t f3 = (w >> 12) & 7;
    if ((w & 0x7f) == 0x63 && f3 != 2 && f3 != 3) {  // B: imm[12|10:5] = w[31|30:25], imm[4:1|11] = w[11:8|7]
      const uint32_t u = bit(w, 31, 12) | ((w >> 25) & 0x3f) << 5 | ((w >> 8) & 0xf) << 1 | bit(w, 7, 11);
      off = static_cast<int32_t>(u << 19) >> 19;
    } else if ((w & 0x7f) == 0x6f) {  // J: imm[20|10:1|11|19:12] = w[31|30:21|20|19:12]
      const uint32_t u = bit(w, 31, 20) | ((w >> 21) & 0x3ff) << 1 | bit(w, 20, 11) | (w & 0xff000);
      off = static_cast<int32_t>(u << 11) >> 11;
    } else {
      return false;
    }
  }
  *target = at + static_cast<uint64_t>(off);
  return true;
}

// Whether loops_back's look-ahead from `from` may find a back edge: a
// branch or jal to `pc` (with `held`: to any earlier address) among the
// kLookAhead instructions from there, before a jalr or a jal elsewhere
// (where that look-ahead stops too) and within the block's size limit. Read
// from the parcels without decoding; most blocks that end at a branch have
// no such edge, and the look-ahead, which decodes, runs only where this
// finds one (issue 13: translation time).
static bool back_edge_ahead(const FetchFn& fetch, uint64_t pc, uint64_t from, unsigned n, bool held) {
  const FetchWindow* w = decode_cache().window;
  uint64_t cur = from;
  for (unsigned k = 0; k < n; ++k) {
    uint16_t lo = 0, hi = 0;
    if (!read_parcels(fetch, w, cur, &lo, &hi)) return false;
    const bool c = is_compressed(lo);
    // (Only these change control: the others go on, as the look-ahead does.)
    const uint32_t op = c ? (lo & 3u) | (lo >> 13) << 2 : lo & 0x7fu;
    const bool maybe = c ? op == (1u | 5u << 2) || op == (1u | 6u << 2) || op == (1u | 7u << 2) || op == (2u | 4u << 2)
                         : op == 0x63 || op == 0x6f || op == 0x67;
    if (maybe) {
      uint64_t target;
      if (branch_target(cur, lo, hi, &target)) {
        if (target == pc || (held && target < cur)) return true;
        const bool jal = c ? (lo >> 13) == 5 : op == 0x6f;
        if (jal) return false;  // (a jump elsewhere: the look-ahead stops there)
      } else if (!c && op == 0x67) {
        return false;  // jalr
      } else if (c && op == (2u | 4u << 2) && ((lo >> 7) & 31) != 0 && ((lo >> 2) & 31) == 0) {
        return false;  // c.jr, c.jalr
      }
    }
    cur += c ? 2 : 4;
  }
  return false;
}

// Whether the straight code from `from` reaches, within a few instructions
// and the block's size limit, a branch or jump back to the block's start
// `pc` (with no other control flow, system instruction or breakpoint
// before it; a branch that is if-converted (if_shape) is straight code, and
// so are up to `exits` other conditional branches, which go on at their
// fall-through as a side exit would). With `held`, a branch or jump back to
// any instruction the block holds closes a loop too (a loop inside the
// block, which it may unroll: KnownRegs).
static bool loops_back(const FetchFn& fetch, uint64_t pc, uint64_t from, unsigned done, unsigned max_insns,
                       bool if_convert, unsigned exits = 0, const GuestBlock* held = nullptr) {
  if (!back_edge_ahead(fetch, pc, from, std::min(kLookAhead, max_insns > done ? max_insns - done : 0), held != nullptr))
    return false;
  // Past a branch taken as a further side exit, the back edge must come
  // within kLookAfterExit more instructions (tight multi-exit loops; every
  // block ending at a branch runs this scan, so it stays short elsewhere).
  constexpr unsigned kLookAfterExit = 12;
  unsigned limit = kLookAhead;
  uint64_t cur = from;
  for (unsigned k = 0; k < limit && done + k < max_insns; ++k) {
    DecodedInsn d;
    if (!fetch_insn(fetch, cur, &d)) return false;
    const uint32_t f = d.info().flags;
    if (d.op == Opcode::illegal || (f & kSystem)) return false;
    if (f & kEndsTb) {
      const bool branch = f & kBranch;
      const bool jump = d.op == Opcode::jal && d.rd == 0;
      const uint64_t target = cur + static_cast<uint64_t>(d.imm);
      if ((branch || jump) && target == pc) return true;
      if ((branch || jump) && held && target < cur && holds(*held, target)) return true;
      IfShape shape;
      if (if_convert && if_shape(fetch, cur, d, &shape) && done + k + shape.insns() < max_insns) {
        k += shape.insns() - 1;
        cur = shape.join;
        continue;
      }
      if (!branch || exits == 0) return false;
      --exits;
      limit = std::min(limit, k + 1 + kLookAfterExit);
    }
    cur += d.len;
  }
  return false;
}

// Whether the code at target is a leaf of at most `max` instructions that
// returns through `link` (jalr x0, 0(link)): straight code (no branch,
// jump or system instruction) that writes `link` nowhere before.
static bool inline_leaf(const FetchFn& fetch, uint64_t target, unsigned link, unsigned max) {
  uint64_t p = target;
  for (unsigned k = 0; k <= max; ++k) {
    DecodedInsn d;
    if (!fetch_insn(fetch, p, &d)) return false;
    if (d.op == Opcode::jalr) return d.rd == 0 && d.rs1 == link && d.imm == 0;
    // (An AMO may write a register pair: amocas.q.)
    if ((d.info().flags & (kBranch | kAmo)) || d.op == Opcode::jal || d.op == Opcode::ecall ||
        d.op == Opcode::ebreak || d.op == Opcode::illegal || d.rd == link)
      return false;
    p += d.len;
  }
  return false;
}

// A block with a side exit must become a self-loop block in the backend
// (Emitter::plan_loop): it ends with a branch or jump back to `pc` and has
// no helper call or op that reads guest registers from CpuState.
static bool self_loop_ok(const IrBlock& ir, uint64_t pc) {
  if (!ir_goes_back_to(ir.insns.back(), pc)) return false;
  for (const IrInsn& i : ir.insns)
    if (ir_info(i.op).flags & (kIrClobbers | kIrReadsState)) return false;
  return true;
}

bool translate_block(uint64_t pc, const FrontendOptions& opt, const FetchFn& fetch,
                     GuestBlock* out, uint64_t* fault_pc) {
  // A loop body a little longer than max_insns (the NORX round: 263
  // instructions) may still be one self-loop block: see the end of the loop.
  unsigned max_insns = opt.max_insns;
  decode_cache().next_translation(opt.window);
  struct ForgetWindow {  // (it lives in the caller's frame)
    ~ForgetWindow() { decode_cache().window = nullptr; }
  } forget_window;
  out->pc = pc;
  out->lo = pc;
  out->pc_end = pc;
  uint64_t cur = pc;
  bool ended = false;
  SpareVector<uint64_t> starts_s(0, 0);  // (this thread's spare: no allocation per block)
  std::vector<uint64_t>& starts = starts_s.v;  // where each straight run began (loop check)
  starts.push_back(pc);
  unsigned side_exits = 0;  // exit_ifs so far (loop and trace superblocks: at most kMaxSideExits)
  // Where each exit_if is, to end the block there instead if need be.
  struct SideExitAt {
    size_t ir_index, n_insns;
    uint64_t fall;  // its fall-through
  } exit_at[kMaxSideExits] = {};
  auto make_side_exit = [&](IrInsn& br) {
    exit_at[side_exits] = {out->ir.insns.size() - 1, out->insns.size(), static_cast<uint64_t>(br.imm2)};
    br.op = IrOp::exit_if;
    br.imm2 = 0;
    ++side_exits;
  };
  uint64_t side_targets[kMaxSideExits] = {};  // their distinct targets
  unsigned n_side_targets = 0;
  // May a side exit go to target (one of the targets so far, or room for
  // another)? take_target counts it among them.
  auto target_ok = [&](uint64_t target) {
    for (unsigned k = 0; k < n_side_targets; ++k)
      if (side_targets[k] == target) return true;
    return n_side_targets < opt.max_side_targets;
  };
  auto take_target = [&](uint64_t target) {
    for (unsigned k = 0; k < n_side_targets; ++k)
      if (side_targets[k] == target) return;
    side_targets[n_side_targets++] = target;
  };
  unsigned trace_exits = 0;  // of them, exit_ifs of a trace superblock (opt.max_trace_exits)
  const bool check_bp = opt.debug && opt.debug->has_breakpoints();
  // Branches on values known here are decided here (KnownRegs), in plain
  // blocks only: a debugger or a count sees every branch as the guest runs it.
  const bool decide_branches = opt.loop_superblocks && !check_bp;
  KnownRegs known;
  VBlockState vstate;
  vstate.vtype = opt.vtype_hint;
  vstate.speculative = opt.vtype_hint >= 0;
  vstate.predict_tail = opt.vtype_hint >= 0 && opt.x_hint &&
                        opt.vl_hint < vtype_vlmax(static_cast<uint64_t>(opt.vtype_hint));
  for (unsigned n = 0; n < max_insns && !ended; ++n) {
    if (check_bp && !(n == 0 && opt.debug_step) && opt.debug->breakpoint_at(cur)) {
      // Stop before the instruction; the hull covers it so that removing
      // the breakpoint drops this block.
      out->ir.emit(IrOp::exit, kNoTemp, kNoTemp, static_cast<int64_t>(cur), 0,
                   static_cast<uint8_t>(ExitReason::Breakpoint));
      out->lo = std::min(out->lo, cur);
      out->pc_end = std::max(out->pc_end, cur + 2);
      return true;
    }
    DecodedInsn d;
    if (!fetch_insn(fetch, cur, &d)) {
      if (n == 0) {
        uint16_t lo = 0;
        *fault_pc = fetch(cur, &lo) ? cur + 2 : cur;
        return false;
      }
      break;  // the next block starts at the unfetchable instruction and faults there
    }
    // If-conversion only inside a loop body that closes at the block's
    // start (the block's one side exit may still come): there it makes the
    // loop one self-loop block; elsewhere a branch the host predicts well
    // costs less than running both sides, and keeps the host's branch
    // history (an indirect call after a converted `max` mispredicted more:
    // virtual_calls ran 40% slower).
    IfShape shape;
    if (opt.if_convert && !check_bp && if_shape(fetch, cur, d, &shape) && n + shape.insns() < max_insns &&
        (opt.if_convert_outside_loops ||
         (opt.loop_superblocks &&
          loops_back(fetch, pc, cur, n, max_insns, true, kMaxSideExits - side_exits, out)))) {
      // The registers either run writes are no longer known.
      for (uint64_t p = cur; p < shape.join;) {
        DecodedInsn r;
        if (!fetch_insn(fetch, p, &r)) break;
        known.forget(r.rd);
        p += r.len;
      }
      cur = if_convert(*out, opt, fetch, cur, d, shape, &vstate);
      n += shape.insns() - 1;
      continue;
    }
    BackShape back;
    if (opt.if_convert && opt.loop_superblocks && !check_bp && (d.info().flags & kBranch) &&
        static_branch(known, d) < 0 && back_shape(fetch, pc, cur, d, &back) && n + back.insns() <= max_insns &&
        static_branch(known, back.second) < 0) {
      cur = back_convert(*out, opt, fetch, pc, cur, d, back, &vstate);
      ended = true;
      continue;
    }
    if (decide_branches && (d.info().flags & kBranch)) {
      if (int taken = static_branch(known, d); taken >= 0) {
        // No code: the block goes on where the branch goes, even to code it
        // holds already (a loop unrolled; max_insns bounds it).
        out->insns.emplace_back(cur, d);
        out->ir.emit(IrOp::insn_start, kNoTemp, kNoTemp, static_cast<int64_t>(cur));
        out->lo = std::min(out->lo, cur);
        out->pc_end = std::max(out->pc_end, cur + d.len);
        cur = taken ? cur + static_cast<uint64_t>(d.imm) : cur + d.len;
        if (taken) starts.push_back(cur);
        continue;
      }
    }
    // Calls into short leaves go on into them, and their returns (known
    // targets) go on after the call (FrontendOptions::inline_leaf_insns).
    const bool inlining = opt.inline_leaf_insns && decide_branches;
    int64_t link = 0;
    const bool known_jalr = inlining && d.op == Opcode::jalr && known.get(d.rs1, &link);
    out->insns.emplace_back(cur, d);
    out->ir.emit(IrOp::insn_start, kNoTemp, kNoTemp, static_cast<int64_t>(cur));
    Ctx c{out->ir, *out, opt, cur, d, 0, &vstate};
    c.inline_call = inlining && d.op == Opcode::jal && d.rd != 0 &&
                    inline_leaf(fetch, cur + static_cast<uint64_t>(d.imm), d.rd, opt.inline_leaf_insns);
    ended = known_jalr ? trans_known_jalr(c, link) : trans_insn(c);
    known.step(d, cur);
    out->lo = std::min(out->lo, cur);
    out->pc_end = std::max(out->pc_end, cur + d.len);
    cur += d.len;
    if (ended && side_exits < kMaxSideExits && opt.loop_superblocks && !check_bp && !out->ir.insns.empty() &&
        out->ir.insns.back().op == IrOp::brcond &&
        loops_back(fetch, pc, cur, n + 1, max_insns, opt.if_convert, kMaxSideExits - 1 - side_exits)) {
      // Leave through the taken side only; the fall-through goes on to the
      // back edge (loops_back).
      IrInsn& br = out->ir.insns.back();
      const uint64_t target = static_cast<uint64_t>(br.imm);
      // A branch back to an instruction the block holds is an inner loop's
      // back edge, taken on nearly every round: as a side exit, the outer
      // self-loop would leave at almost every entry, paying its preamble.
      const bool inner_loop = target > pc && target < cur && holds(*out, target);
      if (target != pc && !inner_loop && static_cast<uint64_t>(br.imm2) == cur && target_ok(target)) {
        take_target(target);
        make_side_exit(br);
        ended = false;
      }
    }
    if (ended && trace_exits < opt.max_trace_exits && side_exits < kMaxSideExits && opt.loop_superblocks &&
        !check_bp && n + 1 < max_insns && !out->ir.insns.empty() && out->ir.insns.back().op == IrOp::brcond) {
      // A trace superblock: a branch forward (static prediction: not
      // taken) leaves through its taken side, and the block goes on at the
      // fall-through, unless the block holds that already.
      IrInsn& br = out->ir.insns.back();
      const uint64_t target = static_cast<uint64_t>(br.imm), at = cur - d.len;
      bool likely = true;
      if (const unsigned self = opt.heat ? opt.heat(opt.heat_ctx, pc) : 0; self) {
        const unsigned fall = opt.heat(opt.heat_ctx, cur);
        likely = fall >= 2 * opt.heat(opt.heat_ctx, target) && fall < self;
      }
      if (target > at && target != pc && static_cast<uint64_t>(br.imm2) == cur && likely && !holds(*out, cur) &&
          target_ok(target)) {
        take_target(target);
        make_side_exit(br);
        ++trace_exits;
        ended = false;
      }
    }
    if (!ended && n + 1 == max_insns && max_insns == opt.max_insns && opt.loop_superblocks && !check_bp &&
        max_insns > 1 && loops_back(fetch, pc, c.follow ? c.follow : cur, n + 1, max_insns + kLoopExtraInsns,
                                    opt.if_convert, kMaxSideExits - side_exits)) {
      // The loop closes at the block's start a few instructions on: take
      // them too (one self-loop block instead of two chained blocks).
      max_insns += kLoopExtraInsns;
    }
    if (c.follow) {
      // Continue at the jump target unless this block already covers it
      // (an inlined leaf may be met again: its return cannot loop).
      bool seen = false;
      for (uint64_t s : starts) seen |= s == c.follow;
      seen |= holds(*out, c.follow);
      if (c.inline_call) seen = false;
      if (seen || n + 1 >= max_insns) {
        out->ir.emit(IrOp::goto_tb, kNoTemp, kNoTemp, static_cast<int64_t>(c.follow));
        ended = true;
      } else {
        cur = c.follow;
        starts.push_back(cur);
      }
    }
  }
  if (!ended) out->ir.emit(IrOp::goto_tb, kNoTemp, kNoTemp, static_cast<int64_t>(cur));
  auto again = [&](const FrontendOptions& o) {
    out->insns.clear();
    out->helper_insns.clear();
    out->ir.insns.clear();
    out->ir.num_temps = 0;
    return translate_block(pc, o, fetch, out, fault_pc);
  };
  if (!side_exits) return true;
  // Every exit chainable. In a self-loop block (the backend's plan_loop:
  // self_loop_ok) side exits to one target share an exit and the back
  // edge's other side, if it leaves, takes one (threads2's outer loop had
  // taken its inner loop's first round, and went through the dispatcher at
  // every return to the inner loop's block). In a plain block each side
  // exit is a chainable jcc of its own and the terminator takes its own.
  const IrInsn& term = out->ir.insns.back();
  if (self_loop_ok(out->ir, pc)) {
    const unsigned term_exits = ir_loop_term_exits(term);
    if (n_side_targets + term_exits > kChainableExits && opt.max_side_targets > kChainableExits - term_exits) {
      FrontendOptions fewer = opt;
      fewer.max_side_targets = kChainableExits - term_exits;
      return again(fewer);
    }
    return true;
  }
  unsigned term_exits = ir_plain_term_exits(term);
  while (side_exits + term_exits > kChainableExits) {
    // The block ends at its last side exit instead, which becomes its
    // terminator again (what follows it goes: no second translation).
    const SideExitAt& e = exit_at[--side_exits];
    out->ir.insns.resize(e.ir_index + 1);
    IrInsn& br = out->ir.insns.back();
    br.op = IrOp::brcond;
    br.imm2 = static_cast<int64_t>(e.fall);
    out->insns.resize(e.n_insns);
    term_exits = 2;
    out->lo = out->pc_end = pc;
    for (const auto& [ipc, di] : out->insns) {
      out->lo = std::min(out->lo, ipc);
      out->pc_end = std::max(out->pc_end, ipc + di.len);
    }
  }
  return true;
}

bool insn_mem_access(const CpuState& s, const AddressSpace& as, MemAccess* out) {
  uint16_t lo = 0, hi = 0;
  if (!as.fetch(s.pc, &lo, 2)) return false;
  if (!is_compressed(lo) && !as.fetch(s.pc + 2, &hi, 2)) return false;
  DecodedInsn d = decode(lo | static_cast<uint32_t>(hi) << 16);
  uint32_t f = d.info().flags;
  if (f & kVector) return vector_mem_access(s, d, out);
  if (!(f & (kLoad | kStore | kAmo))) return false;
  // funct3 gives the width for every load, store and AMO (b/h/w/d; 4 is
  // amocas.q's 16 bytes).
  out->size = d.op == Opcode::amocas_q ? 16u : 1u << ((d.expanded >> 12) & 3);
  bool amo = f & kAmo;
  out->addr = pointer_mask(s.x[d.rs1] + (amo ? 0 : static_cast<uint64_t>(d.imm)), s.pmlen);
  out->read = (f & kLoad) || (amo && !(f & kStore));
  out->write = (f & kStore) || (amo && !(f & kLoad));
  return true;
}

}  // namespace hart
