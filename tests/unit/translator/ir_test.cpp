// tests/unit/translator/ir_test.cpp — IR verifier, printer and passes, and
// the frontend's IR for the bit-manipulation instructions and for
// if-converted branches.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>

#include "translator/frontend.h"
#include "translator/ir.h"
#include "translator/ir_opt.h"
#include "core/debug.h"

namespace hart {
namespace {

int count(const IrBlock& b, IrOp op) {
  int n = 0;
  for (auto& i : b.insns) n += i.op == op;
  return n;
}

// The constant a set_reg stores (the test fails if it is not one).
std::optional<int64_t> stored_constant(const IrBlock& b, const IrInsn& set) {
  for (const IrInsn& d : b.insns)
    if ((ir_info(d.op).flags & kIrDst) && d.dst == set.a && d.op == IrOp::movi) return d.imm;
  return std::nullopt;
}

TEST(Ir, VerifierCatchesMalformedBlocks) {
  IrBlock b;
  EXPECT_NE(b.verify(), "");  // empty
  Temp t = b.movi(1);
  EXPECT_NE(b.verify().find("terminator"), std::string::npos);
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x1000);
  EXPECT_EQ(b.verify(), "");
  IrBlock c;
  c.emit_dst(IrOp::add, 7, t);  // temp 7 never defined
  c.emit(IrOp::goto_tb);
  EXPECT_NE(c.verify().find("before definition"), std::string::npos);
}

TEST(Ir, PrinterNamesOps) {
  IrBlock b;
  Temp a = b.get_reg(10);
  Temp c = b.emit_dst(IrOp::add, a, b.movi(5));
  b.set_reg(10, c);
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x10078);
  std::string p = b.print();
  EXPECT_NE(p.find("t0 = get_reg x10"), std::string::npos) << p;
  EXPECT_NE(p.find("t2 = add t0, t1"), std::string::npos) << p;
  EXPECT_NE(p.find("goto_tb 0x10078"), std::string::npos) << p;
}

TEST(IrOpt, FoldsConstantsAndForwardsRegisters) {
  // li a0, 3 ; addi a0, a0, 4 ; add a1, a0, x0 ; j
  IrBlock b;
  b.set_reg(10, b.emit_dst(IrOp::add, b.get_reg(0), b.movi(3)));
  b.set_reg(10, b.emit_dst(IrOp::add, b.get_reg(10), b.movi(4)));
  b.set_reg(11, b.emit_dst(IrOp::add, b.get_reg(10), b.get_reg(0)));
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x2000);
  ir_optimize(b);
  EXPECT_EQ(b.verify(), "") << b.print();
  EXPECT_EQ(count(b, IrOp::get_reg), 0) << b.print();
  EXPECT_EQ(count(b, IrOp::add), 0) << b.print();
  // a0 = 3 is overwritten before anything can observe it: only a0 = 7 and
  // a1 = 7 are stored.
  ASSERT_EQ(count(b, IrOp::set_reg), 2) << b.print();
  for (auto& i : b.insns)
    if (i.op == IrOp::set_reg && i.imm == 11) {
      EXPECT_EQ(stored_constant(b, i), 7) << b.print();
    }
}

// Right shifts of constants fold like every other pure op, including the
// slli/srli 32 pair that becomes a zext_w (an unrolled sieve loop's index:
// `slli a2,a4,32; srli a2,a2,32` with a4 known in each round).
TEST(IrOpt, RightShiftsOfConstantsFold) {
  IrBlock b;
  Temp k = b.movi(6);
  b.set_reg(12, b.emit_dst(IrOp::shr, b.emit_dst(IrOp::shl, k, b.movi(32)), b.movi(32)));
  b.set_reg(13, b.emit_dst(IrOp::sar, b.emit_dst(IrOp::shl, b.movi(-5), b.movi(32)), b.movi(32)));
  b.set_reg(14, b.emit_dst(IrOp::shr, b.movi(0x900), b.movi(8)));
  b.set_reg(15, b.emit_dst(IrOp::sar, b.movi(-256), b.movi(4)));
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x1000);
  ir_optimize(b);
  EXPECT_EQ(b.verify(), "") << b.print();
  EXPECT_EQ(count(b, IrOp::shr) + count(b, IrOp::sar) + count(b, IrOp::shl), 0) << b.print();
  EXPECT_EQ(count(b, IrOp::zext_w) + count(b, IrOp::sext_w), 0) << b.print();
  const int64_t want[4] = {6, -5, 9, -16};
  for (const IrInsn& i : b.insns)
    if (i.op == IrOp::set_reg) {
      EXPECT_EQ(stored_constant(b, i), want[i.imm - 12]) << "x" << i.imm << "\n" << b.print();
    }
}

// GCC's sub-word extensions without Zbb: (x << 48) >> 48 is zext_h, the
// arithmetic forms sext_h and (x << 56) >> 56 sext_b.
TEST(IrOpt, ShiftPairsBecomeSubWordExtensions) {
  IrBlock b;
  Temp x = b.get_reg(10);
  auto pair = [&](IrOp right, int64_t c) {
    return b.emit_dst(right, b.emit_dst(IrOp::shl, x, b.movi(c)), b.movi(c));
  };
  b.set_reg(11, pair(IrOp::shr, 48));
  b.set_reg(12, pair(IrOp::sar, 48));
  b.set_reg(13, pair(IrOp::sar, 56));
  b.set_reg(14, pair(IrOp::shr, 40));  // no such extension: stays
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x1000);
  ir_optimize(b);
  EXPECT_EQ(b.verify(), "") << b.print();
  EXPECT_EQ(count(b, IrOp::zext_h), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::sext_h), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::sext_b), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::shl), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::shr), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::sar), 0) << b.print();
}

// y + (x << k), k = 1..3, becomes one shadd when the shift has no other
// reader; a shift that is also a guest register's value stays an add.
TEST(IrOpt, ShiftThenAddBecomesShadd) {
  IrBlock b;
  Temp x = b.get_reg(10), y = b.get_reg(11);
  b.set_reg(12, b.emit_dst(IrOp::add, b.emit_dst(IrOp::shl, x, b.movi(1)), y));
  b.set_reg(13, b.emit_dst(IrOp::add, y, b.emit_dst(IrOp::shl, x, b.movi(3))));
  Temp seen = b.emit_dst(IrOp::shl, x, b.movi(2));
  b.set_reg(14, seen);
  b.set_reg(15, b.emit_dst(IrOp::add, seen, y));
  b.set_reg(16, b.emit_dst(IrOp::add, b.emit_dst(IrOp::shl, x, b.movi(4)), y));  // k = 4: no lea
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x1000);
  ir_optimize(b);
  EXPECT_EQ(b.verify(), "") << b.print();
  EXPECT_EQ(count(b, IrOp::shadd), 2) << b.print();
  EXPECT_EQ(count(b, IrOp::add), 2) << b.print();
  EXPECT_EQ(count(b, IrOp::shl), 2) << b.print();
  for (const IrInsn& i : b.insns)
    if (i.op == IrOp::shadd) {
      EXPECT_EQ(i.a, x);
      EXPECT_EQ(i.b, y);
      EXPECT_TRUE(i.aux == 1 || i.aux == 3) << b.print();
    }
}

// (x >>u k) & (2^w - 1) keeps bits k..k+w-1 of x, which a rotation by k
// puts at the bottom too: the shift becomes one (rorx copies as it
// rotates), unless another reads the shift or the field runs past the
// shift's width (then the rotation would bring in low bits).
TEST(IrOpt, ShiftedFieldsBecomeRotations) {
  IrBlock b;
  Temp x = b.get_reg(10);
  b.set_reg(11, b.emit_dst(IrOp::and_, b.emit_dst(IrOp::shrw, x, b.movi(8)), b.movi(0xff)));
  b.set_reg(12, b.emit_dst(IrOp::and_, b.movi(0xffff), b.emit_dst(IrOp::shr, x, b.movi(48))));
  b.set_reg(13, b.emit_dst(IrOp::and_, b.emit_dst(IrOp::shrw, x, b.movi(25)), b.movi(0xff)));  // 25 + 8 > 32
  b.set_reg(14, b.emit_dst(IrOp::and_, b.emit_dst(IrOp::shr, x, b.movi(8)), b.movi(0xfe)));  // not a low mask
  Temp seen = b.emit_dst(IrOp::shr, x, b.movi(16));
  b.set_reg(15, seen);
  b.set_reg(16, b.emit_dst(IrOp::and_, seen, b.movi(0xff)));  // the shift is a guest register's value too
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x1000);
  ir_optimize(b);
  EXPECT_EQ(b.verify(), "") << b.print();
  EXPECT_EQ(count(b, IrOp::rotrw), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::rotr), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::shrw), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::shr), 2) << b.print();
  for (const IrInsn& i : b.insns) {
    if (i.op == IrOp::rotrw) {
      EXPECT_EQ(i.aux, 1) << b.print();  // (its reader keeps low bits only)
    }
  }
  // The values, by the IR's own evaluation, for a few x.
  for (uint64_t v : {uint64_t{0}, ~uint64_t{0}, uint64_t{0x8123456789abcdefull}, uint64_t{0x00000000fedcba98ull}}) {
    EXPECT_EQ((v >> 8) & 0xff, ir_eval(IrOp::and_, ir_eval(IrOp::rotrw, v, 8, 1), 0xff, 0));
    EXPECT_EQ((v >> 48) & 0xffff, ir_eval(IrOp::and_, ir_eval(IrOp::rotr, v, 48, 0), 0xffff, 0));
  }
}

// (x << 32) >> c, c = 1..31, is a zero-extended word shifted left by
// 32 - c; with an add after it, a shadd. A shl that is also a guest
// register's value stays (the shr is rewritten all the same); >> 32 is
// zext_w as before, and a shift pair of another width is left alone.
TEST(IrOpt, ShiftedWordIndexBecomesZextAndShadd) {
  IrBlock b;
  Temp x = b.get_reg(10), y = b.get_reg(11);
  auto pair = [&](int64_t left, int64_t right) {
    return b.emit_dst(IrOp::shr, b.emit_dst(IrOp::shl, x, b.movi(left)), b.movi(right));
  };
  b.set_reg(12, b.emit_dst(IrOp::add, pair(32, 29), y));  // -> shadd.3 (zext_w x), y
  b.set_reg(13, pair(32, 20));                            // -> zext_w x << 12
  Temp kept = b.emit_dst(IrOp::shl, x, b.movi(32));
  b.set_reg(14, kept);
  b.set_reg(15, b.emit_dst(IrOp::shr, kept, b.movi(30)));  // -> zext_w x << 2; kept stays
  b.set_reg(16, pair(31, 29));                             // not 32: stays
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x1000);
  ir_optimize(b);
  EXPECT_EQ(b.verify(), "") << b.print();
  EXPECT_EQ(count(b, IrOp::shadd), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::shr), 1) << b.print();
  // zext_w of x feeds the shadd and both rewritten shifts (one per pattern,
  // or one shared: either way no shift by 32 is read by any of them).
  int zext_readers = 0;
  std::vector<bool> is_zext(b.num_temps, false);
  for (const IrInsn& i : b.insns)
    if (i.op == IrOp::zext_w) {
      EXPECT_EQ(i.a, x) << b.print();
      is_zext[i.dst] = true;
    }
  for (const IrInsn& i : b.insns) {
    if (i.op == IrOp::shadd) {
      EXPECT_TRUE(is_zext[i.a]) << b.print();
      EXPECT_EQ(i.b, y) << b.print();
      EXPECT_EQ(i.aux, 3) << b.print();
      ++zext_readers;
    }
    if (i.op == IrOp::shl && is_zext[i.a]) ++zext_readers;
  }
  EXPECT_EQ(zext_readers, 3) << b.print();
  EXPECT_EQ(count(b, IrOp::shl), 4) << b.print();  // x << 12, x << 2, kept, the pair of 31
}

// An AES round's shape: four table indexes computed first from two live
// state words and a live base, each used much later by a load. ir_sink
// moves each index to just before its load (one live at a time instead of
// four); a value whose operand dies at it stays, and so does every
// set_reg, load and store, in order.
TEST(IrOpt, SinkMovesPureOpsToTheirReader) {
  IrBlock b;
  Temp s0 = b.get_reg(10), s1 = b.get_reg(11), base = b.get_reg(12);
  Temp idx[4];
  for (int k = 0; k < 4; ++k) idx[k] = b.emit_dst(IrOp::shrw, k < 2 ? s0 : s1, b.movi(8 * (k + 1)));
  Temp dies = b.emit_dst(IrOp::add, b.get_reg(13), b.movi(5));  // x13's value is read only here
  b.set_reg(14, b.emit_dst(IrOp::xor_, s0, s1));
  Temp acc = b.movi(0);
  for (int k = 0; k < 4; ++k) {
    Temp v = b.emit_dst(IrOp::load, b.emit_dst(IrOp::shadd, idx[k], base, 0, 2), kNoTemp, 0x100 * k, 4);
    b.emit(IrOp::store, base, v, 0x800 + 4 * k, 0, 4);
    acc = b.emit_dst(IrOp::xor_, acc, v);
  }
  b.set_reg(15, b.emit_dst(IrOp::add, acc, dies));
  b.set_reg(10, b.emit_dst(IrOp::add, s0, s1));
  b.set_reg(11, b.emit_dst(IrOp::add, s1, base));
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x1000);
  const IrBlock before = b;
  ir_sink(b);
  EXPECT_EQ(b.verify(), "") << b.print();
  ASSERT_EQ(b.insns.size(), before.insns.size());
  auto pos = [&](const IrBlock& blk, Temp t) {
    for (size_t k = 0; k < blk.insns.size(); ++k)
      if ((ir_info(blk.insns[k].op).flags & kIrDst) && blk.insns[k].dst == t) return static_cast<int>(k);
    return -1;
  };
  for (int k = 0; k < 4; ++k) {  // each index right before the shadd that reads it
    const int at = pos(b, idx[k]);
    ASSERT_GE(at, 0);
    EXPECT_EQ(b.insns[at + 1].op, IrOp::shadd) << k << "\n" << b.print();
    EXPECT_EQ(b.insns[at + 1].a, idx[k]) << b.print();
  }
  const int d = pos(b, dies);  // its operand dies there: it stays, after that operand's read
  ASSERT_GT(d, 0);
  EXPECT_EQ(b.insns[d - 1].op, IrOp::get_reg) << b.print();
  EXPECT_EQ(b.insns[d - 1].imm, 13) << b.print();
  // Effects in the same order.
  std::vector<IrInsn> fx, fx0;
  for (const IrInsn& i : b.insns)
    if (ir_info(i.op).flags & (kIrSide | kIrFault)) fx.push_back(i);
  for (const IrInsn& i : before.insns)
    if (ir_info(i.op).flags & (kIrSide | kIrFault)) fx0.push_back(i);
  ASSERT_EQ(fx.size(), fx0.size());
  for (size_t k = 0; k < fx.size(); ++k) {
    EXPECT_EQ(fx[k].op, fx0[k].op) << k;
    EXPECT_EQ(fx[k].imm, fx0[k].imm) << k;
  }
}

TEST(IrOpt, RegisterWritesBeforeFaultPointsStay) {
  // addi a0, a0, 1 ; ld t0, 0(sp) ; addi a0, a0, 1: if the load faults, the
  // handler must see the first a0 update.
  IrBlock b;
  b.set_reg(10, b.emit_dst(IrOp::add, b.get_reg(10), b.movi(1)));
  b.set_reg(5, b.emit_dst(IrOp::load, b.get_reg(2), kNoTemp, 0, 8));
  b.set_reg(10, b.emit_dst(IrOp::add, b.get_reg(10), b.movi(1)));
  b.set_reg(10, b.emit_dst(IrOp::add, b.get_reg(10), b.movi(1)));
  b.emit(IrOp::goto_tb);
  ir_optimize(b);
  int a0_writes = 0;
  for (auto& i : b.insns) a0_writes += i.op == IrOp::set_reg && i.imm == 10;
  EXPECT_EQ(a0_writes, 2) << b.print();  // before the load, and the last one
}

TEST(IrOpt, FmaReadsNoGuestState) {
  // fadd.s ft1 ; fnmsub.d ft1, ft1, ... : an FMA's NaN path reads its
  // operands from host registers, not the guest's f registers in CpuState
  // (it once re-ran the instruction in the interpreter, and the first ft1
  // write had to be stored: jit-diff-fuzz, seed 1882459617912353), so that
  // write is dead.
  IrBlock b;
  b.set_freg(1, b.emit_dst(IrOp::fadd, b.get_freg(1), b.get_freg(0), 0, 1));
  b.set_freg(1, b.emit_dst3(IrOp::fnmsub, b.get_freg(1), b.get_freg(9), b.get_freg(5), 0));
  b.emit(IrOp::goto_tb);
  ir_optimize(b);
  int writes = 0;
  for (auto& i : b.insns) writes += i.op == IrOp::set_freg && i.imm == 1;
  EXPECT_EQ(writes, 1) << b.print();
  EXPECT_EQ(ir_info(IrOp::fmadd).flags & (kIrReadsState | kIrClobbers), 0);
}

TEST(IrOpt, HelperCallsClobberForwarding) {
  IrBlock b;
  Temp a = b.get_reg(5);
  b.emit(IrOp::call_interp);
  Temp c = b.get_reg(5);  // must be reloaded: the helper may have changed x5
  b.set_reg(6, b.emit_dst(IrOp::add, a, c));
  b.emit(IrOp::goto_tb);
  ir_optimize(b);
  EXPECT_EQ(count(b, IrOp::get_reg), 2) << b.print();
}

TEST(IrOpt, ConstantBranchBecomesGoto) {
  IrBlock b;
  b.emit(IrOp::brcond, b.movi(1), b.movi(2), 0x100, 0x200, static_cast<uint8_t>(IrCond::lt));
  ir_optimize(b);
  ASSERT_EQ(b.insns.back().op, IrOp::goto_tb);
  EXPECT_EQ(b.insns.back().imm, 0x100);
}

TEST(IrOpt, DeadCodeRemovedButLoadsKept) {
  IrBlock b;
  Temp base = b.get_reg(2);
  b.emit_dst(IrOp::mul, base, base);                      // unused: removed
  b.emit_dst(IrOp::load, base, kNoTemp, 8, 8);            // unused but may fault: kept
  b.emit(IrOp::goto_tb);
  ir_optimize(b);
  EXPECT_EQ(count(b, IrOp::mul), 0);
  EXPECT_EQ(count(b, IrOp::load), 1);
}

// A sext_w of a value that is already sign-extended (an addw's result, a
// word shift, lw, a 32-bit op's xor) becomes a copy; one of a 64-bit value
// or of lwu stays. Likewise zext_w of a value whose upper word is zero.
TEST(IrOpt, DropsRedundantExtensions) {
  IrBlock b;
  Temp x = b.get_reg(10), y = b.get_reg(11);
  Temp w = b.emit_dst(IrOp::sext_w, b.emit_dst(IrOp::add, x, y));      // addw: stays
  Temp w2 = b.emit_dst(IrOp::sext_w, b.emit_dst(IrOp::add, w, b.movi(1)));  // a 64-bit add: stays
  Temp s = b.emit_dst(IrOp::shlw, w2, b.movi(3));
  Temp e1 = b.emit_dst(IrOp::sext_w, s);                               // redundant
  Temp l = b.emit_dst(IrOp::load, x, kNoTemp, 0, 4 | 0x10);            // lw
  Temp e2 = b.emit_dst(IrOp::sext_w, b.emit_dst(IrOp::xor_, l, e1));   // redundant
  Temp lu = b.emit_dst(IrOp::load, x, kNoTemp, 8, 4);                  // lwu
  Temp e3 = b.emit_dst(IrOp::sext_w, lu);                              // stays
  Temp z = b.emit_dst(IrOp::zext_w, lu);                               // redundant
  Temp z2 = b.emit_dst(IrOp::zext_w, l);                               // stays
  b.set_reg(5, e2);
  b.set_reg(6, e3);
  b.set_reg(7, z);
  b.set_reg(28, z2);
  b.set_reg(29, w);   // (guest-visible: ir_narrow keeps their extensions)
  b.set_reg(30, w2);
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x1000);
  ir_optimize(b);
  EXPECT_EQ(b.verify(), "");
  EXPECT_EQ(count(b, IrOp::sext_w), 3) << b.print();
  EXPECT_EQ(count(b, IrOp::zext_w), 1) << b.print();
  bool lu_stored = false;
  for (const IrInsn& i : b.insns)
    if (i.op == IrOp::set_reg && i.imm == 7) lu_stored = i.a == lu;
  EXPECT_TRUE(lu_stored) << b.print();
}

// Rotates written with two shifts (GCC without Zbb): (x << c) | (x >> 64-c)
// becomes rotr x, 64-c, and the W forms rotrw; other shift pairs stay.
TEST(IrOpt, ShiftPairsBecomeRotates) {
  IrBlock b;
  Temp x = b.get_reg(10), y = b.get_reg(11);
  Temp r64 = b.emit_dst(IrOp::or_, b.emit_dst(IrOp::shl, x, b.movi(14)),
                        b.emit_dst(IrOp::shr, x, b.movi(50)));                 // rotr x, 50
  Temp r32 = b.emit_dst(IrOp::xor_, b.emit_dst(IrOp::shrw, x, b.movi(16)),
                        b.emit_dst(IrOp::shlw, x, b.movi(16)));                // rotrw x, 16
  Temp no1 = b.emit_dst(IrOp::or_, b.emit_dst(IrOp::shl, x, b.movi(14)),
                        b.emit_dst(IrOp::shr, y, b.movi(50)));                 // two values
  Temp no2 = b.emit_dst(IrOp::add, b.emit_dst(IrOp::shl, x, b.movi(14)),
                        b.emit_dst(IrOp::shr, x, b.movi(49)));                 // 14 + 49 != 64
  b.set_reg(5, r64);
  b.set_reg(6, r32);
  b.set_reg(7, no1);
  b.set_reg(28, no2);
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x1000);
  ir_optimize(b);
  EXPECT_EQ(b.verify(), "");
  EXPECT_EQ(count(b, IrOp::rotr), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::rotrw), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::shl), 2) << b.print();
  EXPECT_EQ(count(b, IrOp::shr), 2) << b.print();
  EXPECT_EQ(count(b, IrOp::shlw), 0) << b.print();
  const uint64_t v = 0x8123456789abcdefull;
  EXPECT_EQ(ir_eval(IrOp::rotr, v, 50, 0), (v << 14) | (v >> 50));
  EXPECT_EQ(ir_eval(IrOp::rotrw, v, 16, 0),
            static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(0xcdef89abu))));
}

// ir_narrow: a word whose upper half no reader needs is not sign-extended
// (NORX-style rounds: addw, xor, rotate, slliw, xor, sext.w); anything
// guest-visible (set_reg, a 64-bit store, a compare) keeps the extension.
TEST(IrOpt, NarrowDropsExtensionsNobodyReads) {
  IrBlock b;
  Temp a = b.get_reg(10), c = b.get_reg(11), d = b.get_reg(12);
  Temp s = b.emit_dst(IrOp::sext_w, b.emit_dst(IrOp::add, a, c));         // addw: read by the xor only
  Temp r = b.emit_dst(IrOp::rotrw, b.emit_dst(IrOp::xor_, d, s), b.movi(16));
  Temp t = b.emit_dst(IrOp::shlw, r, b.movi(1));                          // read by the xor only
  Temp u = b.emit_dst(IrOp::sext_w, b.emit_dst(IrOp::xor_, t, r));        // read by the addw only
  Temp v = b.emit_dst(IrOp::sext_w, b.emit_dst(IrOp::add, u, a));         // guest-visible
  Temp w = b.emit_dst(IrOp::shlw, a, c);                                  // a register count
  Temp e = b.emit_dst(IrOp::sext_w, b.emit_dst(IrOp::sub, d, a));         // a compare reads it
  Temp lt = b.emit_dst(IrOp::setcond, e, c, 0, static_cast<uint8_t>(IrCond::lt));
  b.emit(IrOp::store, a, b.emit_dst(IrOp::sext_w, b.emit_dst(IrOp::add, c, d)), 0, 0, 4);  // sw: low half
  Temp sr = b.emit_dst(IrOp::sarw, c, d);                                 // stored by sw only
  b.emit(IrOp::store, a, sr, 4, 0, 4);
  b.set_reg(13, v);
  b.set_reg(14, b.emit_dst(IrOp::xor_, w, lt));
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x1000);
  ir_optimize(b);
  EXPECT_EQ(b.verify(), "") << b.print();
  EXPECT_EQ(count(b, IrOp::sext_w), 2) << b.print();  // v and e
  EXPECT_EQ(count(b, IrOp::shlw), 1) << b.print();    // w
  EXPECT_EQ(count(b, IrOp::shl), 1) << b.print();     // t
  for (auto& i : b.insns)
    if (i.op == IrOp::rotrw || i.op == IrOp::sarw) {
      EXPECT_EQ(i.aux, 1) << b.print();  // no movsxd
    } else if (i.op == IrOp::shlw) {
      EXPECT_EQ(i.aux, 0) << b.print();  // w is guest-visible: extended
    }
  EXPECT_EQ(count(b, IrOp::rotrw), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::sarw), 1) << b.print();
}

// An and with a constant below 2^31 reads only the low half of its other
// argument (`sraiw a4,a5,2; andi a4,a4,15`, a bit field of a word): the
// sraiw needs no sign extension, even though the and's result is
// guest-visible. A wider mask (or a negative one) reads the upper half.
TEST(IrOpt, NarrowSmallMaskReadsTheLowHalf) {
  IrBlock b;
  Temp x = b.get_reg(15), c = b.get_reg(6);
  Temp f = b.emit_dst(IrOp::sarw, x, b.movi(2));
  b.set_reg(14, b.emit_dst(IrOp::and_, f, b.movi(15)));
  Temp g = b.emit_dst(IrOp::shrw, x, b.movi(5));
  b.set_reg(16, b.emit_dst(IrOp::and_, b.movi(0x7fffffff), g));
  Temp h = b.emit_dst(IrOp::sarw, x, c);
  b.set_reg(17, b.emit_dst(IrOp::and_, h, b.movi(0x80000000)));
  Temp k = b.emit_dst(IrOp::sarw, c, x);
  b.set_reg(18, b.emit_dst(IrOp::and_, k, b.movi(-16)));
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x1000);
  ir_optimize(b);
  EXPECT_EQ(b.verify(), "") << b.print();
  int narrowed = 0, extended = 0;
  for (auto& i : b.insns)
    if (i.op == IrOp::sarw || i.op == IrOp::shrw) (i.aux == 1 ? narrowed : extended)++;
  EXPECT_EQ(narrowed, 2) << b.print();  // f, g
  EXPECT_EQ(extended, 2) << b.print();  // h, k
}

// gzip's hash chain step, `and a5,a5,t1; slli a4,a5,32; srli a5,a4,31;
// add a5,a5,t4`: the and's low half is all that is read (a shift by 32
// and a zext_w), so the and itself zero-extends (aux 1, a 32-bit op) and
// the zext_w goes; so does an add's. An op whose upper half a set_reg
// reads keeps its zext_w.
TEST(IrOpt, NarrowFoldsZeroExtensionIntoTheOp) {
  IrBlock b;
  Temp x = b.get_reg(15), m = b.get_reg(6), base = b.get_reg(29);
  Temp masked = b.emit_dst(IrOp::and_, x, m);
  Temp high = b.emit_dst(IrOp::shl, masked, b.movi(32));
  b.set_reg(14, high);
  b.set_reg(15, b.emit_dst(IrOp::add, b.emit_dst(IrOp::shr, high, b.movi(31)), base));
  Temp kept = b.emit_dst(IrOp::xor_, x, base);  // read whole by x16 too
  b.set_reg(16, kept);
  b.set_reg(17, b.emit_dst(IrOp::shr, b.emit_dst(IrOp::shl, kept, b.movi(32)), b.movi(32)));
  // bzip2's `addw a5,s2,t6; slli a5,a5,32; srli a5,a5,32` (the addw's
  // sign extension is dropped under the zero extension first).
  Temp sum = b.emit_dst(IrOp::sext_w, b.emit_dst(IrOp::add, x, m));
  b.set_reg(19, b.emit_dst(IrOp::shr, b.emit_dst(IrOp::shl, sum, b.movi(32)), b.movi(32)));
  Temp wide = b.emit_dst(IrOp::or_, x, m);  // a shift by 31 reads bit 32
  b.set_reg(18, b.emit_dst(IrOp::shr, b.emit_dst(IrOp::shl, wide, b.movi(31)), b.movi(31)));
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0x1000);
  ir_optimize(b);
  EXPECT_EQ(b.verify(), "") << b.print();
  EXPECT_EQ(count(b, IrOp::zext_w), 1) << b.print();  // kept's
  EXPECT_EQ(count(b, IrOp::shadd), 1) << b.print();
  EXPECT_EQ(count(b, IrOp::sext_w), 0) << b.print();
  EXPECT_EQ(count(b, IrOp::add), 1) << b.print();
  for (const IrInsn& i : b.insns) {
    if (i.op == IrOp::and_ || i.op == IrOp::add) {
      EXPECT_EQ(i.aux, 1) << b.print();
    } else if (i.op == IrOp::xor_ || i.op == IrOp::or_) {
      EXPECT_EQ(i.aux, 0) << b.print();
    } else if (i.op == IrOp::shadd) {
      EXPECT_EQ(i.a, masked) << b.print();
    }
  }
  EXPECT_EQ(ir_eval(IrOp::and_, ~uint64_t{0}, 0xf0000000f0u, 1), 0xf0u);
  EXPECT_EQ(ir_eval(IrOp::xor_, uint64_t{1} << 40, 0x80000000u, 1), 0x80000000u);
  EXPECT_EQ(ir_eval(IrOp::add, 0xffffffffu, 2, 1), 1u);
}

TEST(IrEval, RiscvDivisionSemantics) {
  const uint64_t min = uint64_t{1} << 63;
  EXPECT_EQ(ir_eval(IrOp::div, 7, 0, 0), ~uint64_t{0});
  EXPECT_EQ(ir_eval(IrOp::rem, 7, 0, 0), 7u);
  EXPECT_EQ(ir_eval(IrOp::div, min, ~uint64_t{0}, 0), min);
  EXPECT_EQ(ir_eval(IrOp::rem, min, ~uint64_t{0}, 0), 0u);
  EXPECT_EQ(ir_eval(IrOp::divw, 0x80000000u, ~uint64_t{0}, 0), 0xffffffff80000000u);
  EXPECT_EQ(ir_eval(IrOp::remuw, 0x80000005u, 0, 0), 0xffffffff80000005u);
  EXPECT_EQ(ir_eval(IrOp::divuw, 5, 0, 0), ~uint64_t{0});
  EXPECT_EQ(ir_eval(IrOp::mulhsu, ~uint64_t{0}, 2, 0), ~uint64_t{0});  // -1 * 2 = -2: high = -1
}

TEST(IrEval, BitManipulation) {
  const uint64_t m1 = ~uint64_t{0}, min = uint64_t{1} << 63;
  EXPECT_EQ(ir_eval(IrOp::shadd, 3, 10, 2), 22u);
  EXPECT_EQ(ir_eval(IrOp::andn, m1, 0xff, 0), ~uint64_t{0xff});
  EXPECT_EQ(ir_eval(IrOp::clz, 0, 0, 0), 64u);
  EXPECT_EQ(ir_eval(IrOp::clzw, 0xffffffff00000000u, 0, 0), 32u);
  EXPECT_EQ(ir_eval(IrOp::ctz, 0, 0, 0), 64u);
  EXPECT_EQ(ir_eval(IrOp::ctzw, 0x100000000u, 0, 0), 32u);
  EXPECT_EQ(ir_eval(IrOp::cpop, m1, 0, 0), 64u);
  EXPECT_EQ(ir_eval(IrOp::cpopw, m1, 0, 0), 32u);
  EXPECT_EQ(ir_eval(IrOp::min, min, 1, 0), min);
  EXPECT_EQ(ir_eval(IrOp::maxu, min, 1, 0), min);
  EXPECT_EQ(ir_eval(IrOp::sext_b, 0x80, 0, 0), 0xffffffffffffff80u);
  EXPECT_EQ(ir_eval(IrOp::rotl, min | 1, 65, 0), 3u);
  EXPECT_EQ(ir_eval(IrOp::rotrw, 1, 1, 0), 0xffffffff80000000u);
  EXPECT_EQ(ir_eval(IrOp::orc_b, 0x0100000000000001u, 0, 0), 0xff000000000000ffu);
  EXPECT_EQ(ir_eval(IrOp::bswap, 0x0102030405060708u, 0, 0), 0x0807060504030201u);
  EXPECT_EQ(ir_eval(IrOp::bset, 0, 64, 0), 1u);
  EXPECT_EQ(ir_eval(IrOp::bext, min, 63, 0), 1u);
  EXPECT_EQ(ir_eval(IrOp::clmul, 3, 3, 0), 5u);
  EXPECT_EQ(ir_eval(IrOp::clmulh, min, min, 0), uint64_t{1} << 62);
  EXPECT_EQ(ir_eval(IrOp::clmulr, min, min, 0), min);
}

TEST(IrOpt, FoldsBitManipulation) {
  IrBlock b;
  Temp x = b.emit_dst(IrOp::clz, b.movi(1));
  Temp y = b.emit_dst(IrOp::shadd, x, b.movi(100), 0, 3);  // 63 * 8 + 100
  b.set_reg(5, y);
  b.emit(IrOp::goto_tb);
  EXPECT_NE(b.print().find("shadd.3"), std::string::npos) << b.print();
  ir_optimize(b);
  EXPECT_EQ(count(b, IrOp::clz), 0) << b.print();
  EXPECT_EQ(count(b, IrOp::shadd), 0) << b.print();
  ASSERT_EQ(b.insns[0].op, IrOp::movi);
  bool found = false;
  for (const IrInsn& i : b.insns) found |= i.op == IrOp::movi && i.imm == 63 * 8 + 100;
  EXPECT_TRUE(found) << b.print();
}

// Every Zba/Zbb/Zbs/Zbc opcode (from its match, rd a0, rs1 a1, rs2 a2)
// becomes well-formed IR without a helper call, except clmul* on hosts
// without PCLMULQDQ.
TEST(Frontend, BitManipulationIr) {
  std::vector<uint32_t> words;
  for (int k = static_cast<int>(Opcode::add_uw); k <= static_cast<int>(Opcode::clmulr); ++k)
    words.push_back(kInsnInfo[k].match | 10u << 7 | 11u << 15 |
                    (kInsnInfo[k].mask & (0x1fu << 20) ? 0u : 12u << 20));
  FetchFn fetch = [&](uint64_t pc, uint16_t* parcel) {
    if (pc < 0x1000 || pc >= 0x1000 + 4 * words.size()) return false;
    memcpy(parcel, reinterpret_cast<const uint8_t*>(words.data()) + (pc - 0x1000), 2);
    return true;
  };
  for (bool clmul : {true, false}) {
    FrontendOptions opt;
    opt.host_clmul = clmul;
    GuestBlock blk;
    uint64_t fault_pc = 0;
    ASSERT_TRUE(translate_block(0x1000, opt, fetch, &blk, &fault_pc));
    EXPECT_EQ(blk.insns.size(), words.size());
    EXPECT_EQ(blk.ir.verify(), "") << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::call_interp), clmul ? 0 : 3) << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::clz), 1);
    EXPECT_EQ(count(blk.ir, IrOp::shadd), 6);
    ir_optimize(blk.ir);
    EXPECT_EQ(blk.ir.verify(), "") << blk.ir.print();
  }
}

// Guest words at 0x1000 for translate_block.
FetchFn fetch_words(const std::vector<uint32_t>& words) {
  return [&words](uint64_t pc, uint16_t* parcel) {
    if (pc < 0x1000 || pc >= 0x1000 + 4 * words.size()) return false;
    memcpy(parcel, reinterpret_cast<const uint8_t*>(words.data()) + (pc - 0x1000), 2);
    return true;
  };
}

// bne a0, a1, off
uint32_t bne_a0_a1(int32_t off) {
  const uint32_t u = static_cast<uint32_t>(off);
  return 0x63 | ((u >> 11) & 1) << 7 | ((u >> 1) & 0xf) << 8 | 1u << 12 | 10u << 15 | 11u << 20 |
         ((u >> 5) & 0x3f) << 25;
}

// The block at 0x1000 of words (well-formed IR, or the test fails).
void translate_words(const std::vector<uint32_t>& words, GuestBlock* blk, bool anywhere = true) {
  FetchFn fetch = fetch_words(words);
  uint64_t fault_pc = 0;
  FrontendOptions opt;
  opt.if_convert_outside_loops = anywhere;  // the shapes, wherever they are
  opt.max_trace_exits = 0;  // (a branch not converted ends the block: Frontend.Trace* for traces)
  ASSERT_TRUE(translate_block(0x1000, opt, fetch, blk, &fault_pc));
  ASSERT_EQ(blk->ir.verify(), "") << blk->ir.print();
}

// select tests `a cond b`: constant a and b pick a side (also with
// kCondTest: `(a & b) cond 0`), equal sides are a copy.
TEST(IrOpt, SelectFolds) {
  IrBlock b;
  Temp x = b.get_reg(5), y = b.get_reg(6);
  auto sel = [&](IrCond c, Temp a, Temp p, Temp q, Temp rhs = kNoTemp, uint8_t test = 0) {
    return b.select(a, rhs == kNoTemp ? b.movi(0) : rhs, static_cast<uint8_t>(static_cast<uint8_t>(c) | test), p, q);
  };
  b.set_reg(7, sel(IrCond::ne, b.movi(0), x, y));     // y
  b.set_reg(8, sel(IrCond::ne, b.movi(3), x, y));     // x
  b.set_reg(9, sel(IrCond::eq, b.get_reg(10), x, x));  // x
  b.set_reg(12, sel(IrCond::lt, b.movi(-1), x, y));   // x
  b.set_reg(13, sel(IrCond::ge, b.movi(-1), x, y));   // y
  b.set_reg(14, sel(IrCond::ltu, b.movi(-1), x, y));  // y: nothing is below 0
  b.set_reg(15, sel(IrCond::geu, b.movi(0), x, y));   // x
  b.set_reg(16, sel(IrCond::lt, b.movi(2), x, y, b.movi(3)));  // x: 2 < 3
  b.set_reg(17, sel(IrCond::ltu, b.movi(-1), x, y, b.movi(3)));  // y
  b.set_reg(18, sel(IrCond::eq, b.movi(6), x, y, b.movi(1), kCondTest));  // x: 6 & 1 == 0
  b.set_reg(19, sel(IrCond::ne, b.movi(6), x, y, b.movi(2), kCondTest));  // x: 6 & 2 != 0
  b.set_reg(11, sel(IrCond::eq, b.get_reg(10), x, y));  // stays
  b.emit(IrOp::goto_tb, kNoTemp, kNoTemp, 0);
  ASSERT_EQ(b.verify(), "");
  ir_optimize(b);
  ASSERT_EQ(b.verify(), "") << b.print();
  EXPECT_EQ(count(b, IrOp::select), 1) << b.print();
  for (const IrInsn& i : b.insns) {
    if (i.op == IrOp::set_reg && i.imm != 11) {
      EXPECT_EQ(i.a, i.imm == 7 || i.imm == 13 || i.imm == 14 || i.imm == 17 ? y : x) << i.imm << "\n" << b.print();
    }
  }
}

// A compare whose only readers are conditions tests its operands in them
// (ir_fuse_compares): xor/sub for eq/ne, and_ as kCondTest, setcond with
// its own or the opposite condition; one read elsewhere (a set_reg), a
// condition other than eq/ne for xor/setcond, or a non-zero second operand
// keeps it.
TEST(IrOpt, FuseComparesIntoConditions) {
  struct Case {
    IrOp producer;
    IrCond pcond;   // setcond's
    IrCond cond;    // the select's, against 0
    bool visible;   // the producer is also stored to a register
    bool fused;
    uint8_t aux;    // the select's aux after fusing
  };
  const Case cases[] = {
      {IrOp::xor_, IrCond::eq, IrCond::eq, false, true, static_cast<uint8_t>(IrCond::eq)},
      {IrOp::sub, IrCond::eq, IrCond::ne, false, true, static_cast<uint8_t>(IrCond::ne)},
      {IrOp::xor_, IrCond::eq, IrCond::lt, false, false, 0},
      {IrOp::and_, IrCond::eq, IrCond::eq, false, true, static_cast<uint8_t>(IrCond::eq) | kCondTest},
      {IrOp::and_, IrCond::eq, IrCond::lt, false, true, static_cast<uint8_t>(IrCond::lt) | kCondTest},
      {IrOp::and_, IrCond::eq, IrCond::ne, true, false, 0},
      {IrOp::setcond, IrCond::ltu, IrCond::ne, false, true, static_cast<uint8_t>(IrCond::ltu)},
      {IrOp::setcond, IrCond::lt, IrCond::eq, false, true, static_cast<uint8_t>(IrCond::ge)},
      {IrOp::setcond, IrCond::lt, IrCond::geu, false, false, 0},
  };
  for (const Case& c : cases) {
    IrBlock b;
    Temp x = b.get_reg(5), y = b.get_reg(6);
    Temp t = b.emit_dst(c.producer, x, y, 0, static_cast<uint8_t>(c.pcond));
    if (c.visible) b.set_reg(7, t);
    b.set_reg(8, b.select(t, b.movi(0), static_cast<uint8_t>(c.cond), x, y));
    b.set_reg(9, b.select(t, b.movi(0), static_cast<uint8_t>(c.cond), y, x));  // two selects on one compare
    b.emit(IrOp::brcond, t, b.movi(0), 0x2000, 0x3000, static_cast<uint8_t>(c.cond));  // and the exit branch
    ir_optimize(b);
    ASSERT_EQ(b.verify(), "") << b.print();
    EXPECT_EQ(count(b, c.producer), c.fused ? 0 : 1) << b.print();
    for (const IrInsn& i : b.insns) {
      if (i.op != IrOp::select && i.op != IrOp::brcond) continue;
      if (c.fused) {
        EXPECT_EQ(i.a, x) << b.print();
        EXPECT_EQ(i.b, y) << b.print();
        EXPECT_EQ(i.aux, c.aux) << b.print();
      } else {
        EXPECT_EQ(i.a, t) << b.print();
      }
    }
  }
}

// threads2's Collatz step (bench/threads2.c, GCC -O2 without Zicond):
//   0x1000 slli a4,a5,1; andi a3,a5,1; add a4,a4,a5; srli a5,a5,1
//   0x1010 beqz a3,0x1018; addi a5,a4,1
//   0x1018 addiw a2,a2,1; beq a5,a1,0x1024; bne a2,a6,0x1000; ecall
// The beqz is if-converted (a5 selects), the beq becomes a side exit and
// the bne the back edge: the whole loop is one block. With a breakpoint
// in the skipped run, or without if-conversion, the block ends at the beqz.
// glibc's quiet compare: frflags a4; flt.d a5, fa5, fs7; fsflags a4. The
// fsflags (csrrw x0, fflags, a4) reads nothing: one fflags_read in the
// block, the frflags one; with rd = a5 it reads the old flags too.
TEST(Frontend, FsflagsToX0ReadsNoFlags) {
  const uint32_t frflags_a4 = 0x00102773, flt = 0xa37797d3, ecall = 0x00000073;
  for (unsigned rd : {0u, 15u}) {
    GuestBlock blk;
    translate_words({frflags_a4, flt, 0x001u << 20 | 14u << 15 | 1u << 12 | rd << 7 | 0x73, ecall}, &blk);
    EXPECT_EQ(count(blk.ir, IrOp::fflags_read), rd ? 2 : 1) << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::fflags_write), 1);
  }
}

TEST(Frontend, IfConversionMakesOneLoopBlock) {
  const std::vector<uint32_t> words = {0x00179713, 0x0017f693, 0x00f70733, 0x0017d793, 0x00068463,
                                       0x00170793, 0x0016061b, 0x00b78463, 0xff0610e3, 0x00000073};
  FetchFn fetch = fetch_words(words);
  uint64_t fault_pc = 0;
  {
    GuestBlock blk;
    ASSERT_TRUE(translate_block(0x1000, FrontendOptions{}, fetch, &blk, &fault_pc));
    ASSERT_EQ(blk.ir.verify(), "") << blk.ir.print();
    EXPECT_EQ(blk.insns.size(), 9u) << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::select), 1) << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::exit_if), 1) << blk.ir.print();
    const IrInsn& t = blk.ir.insns.back();
    EXPECT_EQ(t.op, IrOp::brcond);
    EXPECT_EQ(t.imm, 0x1000);
    EXPECT_EQ(blk.pc_end, 0x1024u);
    ir_optimize(blk.ir);
    EXPECT_EQ(blk.ir.verify(), "") << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::select), 1) << blk.ir.print();
  }
  FrontendOptions off;
  off.if_convert = false;
  DebugController dbg;
  dbg.insert_breakpoint(0x1014);
  FrontendOptions bp;
  bp.debug = &dbg;
  {
    // Without if-conversion the beqz is a second side exit, to a second
    // target: with the back edge's fall-through that is three exits, which
    // a TB can chain (kChainableExits): still one loop block.
    GuestBlock blk;
    ASSERT_TRUE(translate_block(0x1000, off, fetch, &blk, &fault_pc));
    EXPECT_EQ(blk.insns.size(), 9u) << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::exit_if), 2) << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::select), 0);
    EXPECT_EQ(blk.ir.insns.back().op, IrOp::brcond);
    EXPECT_EQ(blk.ir.insns.back().imm, 0x1000);
  }
  {
    // With a breakpoint there is no superblock: the block ends at the beqz.
    GuestBlock blk;
    ASSERT_TRUE(translate_block(0x1000, bp, fetch, &blk, &fault_pc));
    EXPECT_EQ(blk.insns.size(), 5u) << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::exit_if), 0) << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::select), 0);
    EXPECT_EQ(blk.ir.insns.back().op, IrOp::brcond);
  }
}

// An outer loop whose body holds an inner loop (a matrix row times a
// column): the inner back edge is taken on nearly every round, so it is not
// made a side exit of an outer self-loop (which would leave at almost every
// entry, after its preamble); the block ends at it, and the inner loop's
// own block takes the rounds.
TEST(Frontend, InnerLoopBackEdgeIsNoSideExit) {
  const std::vector<uint32_t> words = {
      0xee080693,  // addi a3, a6, -288   <- outer (0x1000)
      0x000e0613,  // mv a2, t3
      0x00000513,  // li a0, 0
      0x00069703,  // lh a4, 0(a3)        <- inner (0x100c)
      0x01868693,  // addi a3, a3, 24
      0x00e5053b,  // addw a0, a0, a4
      0xff069ae3,  // bne a3, a6, inner
      0x00188893,  // addi a7, a7, 1
      0xffd890e3,  // bne a7, t4, outer
      0x00000073,  // ecall
  };
  FetchFn fetch = fetch_words(words);
  uint64_t fault_pc = 0;
  GuestBlock blk;
  ASSERT_TRUE(translate_block(0x1000, FrontendOptions{}, fetch, &blk, &fault_pc));
  EXPECT_EQ(count(blk.ir, IrOp::exit_if), 0) << blk.ir.print();
  EXPECT_EQ(blk.insns.size(), 7u) << blk.ir.print();
  const IrInsn& t = blk.ir.insns.back();
  EXPECT_EQ(t.op, IrOp::brcond);
  EXPECT_EQ(t.imm, 0x100c);
  EXPECT_EQ(t.imm2, 0x101c);
  // The inner loop is a self-loop block of its own.
  GuestBlock inner;
  ASSERT_TRUE(translate_block(0x100c, FrontendOptions{}, fetch, &inner, &fault_pc));
  EXPECT_EQ(inner.insns.size(), 4u) << inner.ir.print();
  EXPECT_EQ(inner.ir.insns.back().imm, 0x100c);
}

// The loop look-ahead's pre-filter reads branch and jal targets from the
// bits (branch_target): it must agree with the decoder on every encoding
// of the conditional branches, jal, c.j, c.beqz and c.bnez, and say nothing
// of anything else (else a loop goes unseen or costs a decode).
TEST(Frontend, BranchTargetAgreesWithTheDecoder) {
  uint64_t x = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
  };
  int branches = 0, compressed = 0;
  for (int n = 0; n < 400000; ++n) {
    uint32_t w = static_cast<uint32_t>(next());
    switch (n % 4) {  // (biased towards the formats that count)
      case 0: w = (w & ~0x7fu) | 0x63; break;
      case 1: w = (w & ~0x7fu) | 0x6f; break;
      case 2: w = (w & 0xffff0000u) | (w & 0x1fff) | (5u + static_cast<uint32_t>(n % 3)) << 13; w = (w & ~3u) | 1; break;
      default: break;
    }
    const uint16_t lo = static_cast<uint16_t>(w), hi = static_cast<uint16_t>(w >> 16);
    const DecodedInsn d = decode(is_compressed(lo) ? lo : w);
    const uint64_t at = 0x40000000 + (next() & 0xfffffe);
    const bool is_target = d.op != Opcode::illegal && ((d.info().flags & kBranch) || d.op == Opcode::jal);
    uint64_t target = 0;
    ASSERT_EQ(branch_target(at, lo, hi, &target), is_target) << std::hex << w;
    if (!is_target) continue;
    ++branches;
    compressed += d.len == 2;
    EXPECT_EQ(target, at + static_cast<uint64_t>(d.imm)) << std::hex << w;
  }
  EXPECT_GT(branches, 150000);
  EXPECT_GT(compressed, 50000);
}

// A branch on values the block set itself is decided while translating: a
// loop with a constant trip count is unrolled into the block (no brcond);
// with a breakpoint set, or counting (loop_superblocks off), it is not.
TEST(Frontend, KnownBranchesUnrollConstantLoops) {
  const std::vector<uint32_t> words = {
      0x00300693,  // li a3, 3
      0x00150513,  // addi a0, a0, 1      <- loop (0x1004)
      0xfff6869b,  // addiw a3, a3, -1
      0xfe069ce3,  // bnez a3, loop (-8)
      0x00000073,  // ecall
  };
  GuestBlock blk;
  translate_words(words, &blk, false);
  EXPECT_EQ(blk.insns.size(), 1u + 3 * 3 + 1) << blk.ir.print();
  EXPECT_EQ(count(blk.ir, IrOp::brcond), 0) << blk.ir.print();
  EXPECT_EQ(blk.ir.insns.back().op, IrOp::exit) << blk.ir.print();  // the ecall
  FetchFn fetch = fetch_words(words);
  uint64_t fault_pc = 0;
  DebugController dbg;
  dbg.insert_breakpoint(0x2000);  // anywhere: a debugged guest sees every branch run
  FrontendOptions bp, counting;
  bp.debug = &dbg;
  counting.loop_superblocks = false;
  for (const FrontendOptions& o : {bp, counting}) {
    GuestBlock plain;
    ASSERT_TRUE(translate_block(0x1000, o, fetch, &plain, &fault_pc));
    EXPECT_EQ(plain.insns.size(), 4u) << plain.ir.print();
    EXPECT_EQ(plain.ir.insns.back().op, IrOp::brcond) << plain.ir.print();
  }
}

// amocas.q writes a register pair: a branch on the odd half's old constant
// is not decided (found by jit-diff-fuzz --mode exits: a loop ran on past
// its side exit).
TEST(Frontend, KnownRegsForgetBothHalvesOfAmocasQ) {
  const std::vector<uint32_t> words = {
      0x00500893,  // li a7, 5
      0x28e5482f,  // amocas.q a6, a4, (a0): writes a6 and a7
      0x00089463,  // bnez a7, +8
      0x00150513,  // addi a0, a0, 1
      0x00000073,  // ecall
  };
  GuestBlock blk;
  translate_words(words, &blk, false);
  EXPECT_EQ(blk.insns.size(), 3u) << blk.ir.print();
  EXPECT_EQ(blk.ir.insns.back().op, IrOp::brcond) << blk.ir.print();
}

// Trace superblocks: a branch forward becomes a side exit and the block
// goes on at its fall-through, at most max_trace_exits times, and only as
// many as leave every exit chainable (a brcond at the end takes two of
// kChainableExits); with tier 0's counts, only where the fall-through was
// met at least twice as often as the target and less often than the block
// itself; never for a branch backward.
TEST(Frontend, TraceSuperblocks) {
  const uint32_t beq_out = 0x00b50c63;  // beq a0,a1,+24
  const uint32_t addi = 0x00160613;     // addi a2,a2,1
  const uint32_t bne_out = 0x00e69a63;  // bne a3,a4,+20
  const uint32_t ecall = 0x00000073;
  uint64_t fault_pc = 0;
  // The block at 0x1000: its side exits, size and terminator.
  auto expect_block = [&](const std::vector<uint32_t>& words, long exit_ifs, size_t insns, IrOp term) {
    FetchFn fetch = fetch_words(words);
    GuestBlock blk;
    ASSERT_TRUE(translate_block(0x1000, FrontendOptions{}, fetch, &blk, &fault_pc));
    EXPECT_EQ(count(blk.ir, IrOp::exit_if), exit_ifs) << blk.ir.print();
    EXPECT_EQ(blk.insns.size(), insns) << blk.ir.print();
    EXPECT_EQ(blk.ir.insns.back().op, term) << blk.ir.print();
  };
  // Two traced branches, then the ecall: three exits in all.
  expect_block({beq_out, addi, bne_out, addi, ecall, ecall, ecall, ecall}, 2, 5, IrOp::exit);
  // A third branch ends the block: with two side exits its brcond would
  // make four exits, so the block keeps one side exit and ends sooner.
  const uint32_t blt_out = 0x00f64463;  // blt a2,a5,+8
  expect_block({beq_out, addi, bne_out, addi, blt_out, addi, ecall, ecall}, 1, 3, IrOp::brcond);
  // A branch backward (not to the block's start) ends the block.
  const uint32_t bne_back = 0xfee69ee3;  // bne a3,a4,-4
  expect_block({addi, addi, bne_back, addi, ecall}, 0, 3, IrOp::brcond);
  {
    // Tier 0 met the first branch's target more than half as often as its
    // fall-through: the block ends there; the second branch, whose sides
    // tier 0 never met, it traces.
    const std::vector<uint32_t> words = {beq_out, addi, bne_out, addi, ecall, ecall, ecall, ecall};
    FetchFn fetch = fetch_words(words);
    FrontendOptions o;
    o.heat = [](const void*, uint64_t pc) -> unsigned {
      return pc == 0x1000 ? 12 : pc == 0x1004 ? 7 : pc == 0x1018 ? 4 : 0;
    };
    GuestBlock blk;
    ASSERT_TRUE(translate_block(0x1000, o, fetch, &blk, &fault_pc));
    EXPECT_EQ(blk.insns.size(), 1u) << blk.ir.print();
    EXPECT_EQ(blk.ir.insns.back().op, IrOp::brcond) << blk.ir.print();
    GuestBlock next;
    ASSERT_TRUE(translate_block(0x1004, o, fetch, &next, &fault_pc));
    EXPECT_EQ(count(next.ir, IrOp::exit_if), 1) << next.ir.print();
    EXPECT_EQ(next.ir.insns.back().op, IrOp::exit) << next.ir.print();
    // Twice as often: traced.
    o.heat = [](const void*, uint64_t pc) -> unsigned {
      return pc == 0x1000 ? 12 : pc == 0x1004 ? 8 : pc == 0x1018 ? 4 : 0;
    };
    GuestBlock biased;
    ASSERT_TRUE(translate_block(0x1000, o, fetch, &biased, &fault_pc));
    EXPECT_EQ(count(biased.ir, IrOp::exit_if), 2) << biased.ir.print();
    // The fall-through met as often as the block itself (reached from
    // elsewhere too, or translated on its own): not traced, so its code is
    // not translated twice.
    o.heat = [](const void*, uint64_t pc) -> unsigned { return pc == 0x1000 || pc == 0x1004 ? 12 : 0; };
    GuestBlock join;
    ASSERT_TRUE(translate_block(0x1000, o, fetch, &join, &fault_pc));
    EXPECT_EQ(join.insns.size(), 1u) << join.ir.print();
  }
}

// By default only a loop body is if-converted: the same run before an
// ecall (no loop) ends the block at its branch; before a branch back to the
// block's start it converts.
TEST(Frontend, IfConversionOnlyInLoops) {
  const uint32_t addi = 0x00150513;  // addi a0,a0,1
  GuestBlock straight;
  translate_words({bne_a0_a1(8), addi, 0x00000073}, &straight, false);
  EXPECT_EQ(count(straight.ir, IrOp::select), 0) << straight.ir.print();
  EXPECT_EQ(straight.insns.size(), 1u) << straight.ir.print();
  // bne a0,a1,+8; addi; bne a2,a3,0x1000 (back to the start: -8 from 0x1008)
  const uint32_t back = 0xfed61ce3;  // bne a2,a3,-8
  GuestBlock loop;
  translate_words({bne_a0_a1(8), addi, back}, &loop, false);
  EXPECT_EQ(count(loop.ir, IrOp::select), 1) << loop.ir.print();
  EXPECT_EQ(loop.insns.size(), 3u) << loop.ir.print();
}

// Which runs are converted: up to 4 skipped instructions, all pure integer
// ops, rejoining exactly at the target; register writes select, x0 writes
// vanish, reads after a write in the run take the written value.
TEST(Frontend, IfConversionRuns) {
  struct Case {
    std::vector<uint32_t> run;  // after "bne a0, a1, <past the run>" at 0x1000
    int selects;                // -1: not converted
  };
  const Case cases[] = {
      {{}, 0},
      {{0x00150513}, 1},                                      // addi a0,a0,1 (rd = a branch source)
      {{0x00100013, 0x00b50033}, 0},                          // addi x0,x0,1; add x0,a0,a1
      {{0x00158593, 0x00b585b3, 0x02b585bb}, 1},              // a1 += 1; a1 += a1; mulw a1,a1,a1
      {{0x00158593, 0x00c50633, 0x40b60633, 0x0015d693}, 3},  // 4 insns, 3 registers
      {{0x00158593, 0x00158593, 0x00158593, 0x00158593, 0x00158593}, -1},  // 5: too long
      {{0x0005b583}, -1},                                     // ld a1,0(a1)
      {{0x02b5c5b3}, -1},                                     // div a1,a1,a1
      {{0x00b5b023}, -1},                                     // sd a1,0(a1)
      {{0x0000006f}, -1},                                     // j .
      {{0x00102573}, -1},                                     // csrr a0, fflags (CSR)
      {{0x00b575d3}, -1},                                     // fadd.s fa1,fa0,fa1 (FP)
  };
  for (const Case& c : cases) {
    std::vector<uint32_t> words;
    words.push_back(bne_a0_a1(static_cast<int32_t>(4 * (c.run.size() + 1))));
    words.insert(words.end(), c.run.begin(), c.run.end());
    words.push_back(0x00000073);  // ecall
    GuestBlock blk;
    translate_words(words, &blk);
    if (c.selects < 0) {
      EXPECT_EQ(blk.insns.size(), 1u) << blk.ir.print();
      EXPECT_EQ(blk.ir.insns.back().op, IrOp::brcond);
      continue;
    }
    EXPECT_EQ(blk.insns.size(), c.run.size() + 2) << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::select), c.selects) << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::brcond), 0) << blk.ir.print();
    EXPECT_EQ(blk.ir.insns.back().op, IrOp::exit) << blk.ir.print();  // the ecall
    ir_optimize(blk.ir);
    EXPECT_EQ(blk.ir.verify(), "") << blk.ir.print();
  }
}

// If-then-else diamonds: "bne a0, a1, else; <then>; j join; else: <else>;
// join: ecall" converts when both runs are plain and at most 4 long; a
// register either side writes selects once.
TEST(Frontend, IfConversionDiamonds) {
  struct Case {
    std::vector<uint32_t> then_run, else_run;
    int selects;  // -1: not converted
  };
  const Case cases[] = {
      {{0x00150513}, {0x00158593}, 2},                 // a0 += 1 | a1 += 1
      {{0x00150513}, {0x00a50533}, 1},                 // a0 += 1 | a0 += a0
      {{}, {0x00158593, 0x00b585b3}, 1},                // (nothing) | a1 += 1; a1 += a1
      {{0x00158593, 0x00b585b3}, {}, 1},                // a1 += 1; a1 += a1 | (nothing)
      {{0x00100013}, {0x00b50033}, 0},                 // x0 writes only
      {{0x00158593, 0x00158593, 0x00158593, 0x00158593}, {0x00158593, 0x00158593, 0x00158593, 0x00158593}, 1},
      {{0x00150513}, {0x00158593, 0x00158593, 0x00158593, 0x00158593, 0x00158593}, -1},  // else too long
      {{0x00150513}, {0x0005b583}, -1},                // ld in the else-run
      {{0x0005b583}, {0x00150513}, -1},                // ld in the then-run
  };
  for (const Case& c : cases) {
    std::vector<uint32_t> words;
    const size_t nt = c.then_run.size(), ne = c.else_run.size();
    words.push_back(bne_a0_a1(static_cast<int32_t>(4 * (nt + 2))));  // bne a0, a1, else
    words.insert(words.end(), c.then_run.begin(), c.then_run.end());
    const uint32_t j = static_cast<uint32_t>(4 * (ne + 1));
    words.push_back(0x6f | ((j >> 1) & 0x3ff) << 21);  // j join
    words.insert(words.end(), c.else_run.begin(), c.else_run.end());
    words.push_back(0x00000073);  // ecall
    GuestBlock blk;
    translate_words(words, &blk);
    if (c.selects < 0) {
      EXPECT_EQ(count(blk.ir, IrOp::select), 0) << blk.ir.print();
      EXPECT_EQ(count(blk.ir, IrOp::brcond), 1) << blk.ir.print();
      continue;
    }
    EXPECT_EQ(blk.insns.size(), nt + ne + 3) << blk.ir.print();
    EXPECT_EQ(count(blk.ir, IrOp::select), c.selects) << blk.ir.print();
    EXPECT_EQ(blk.ir.insns.back().op, IrOp::exit) << blk.ir.print();  // the ecall
    ir_optimize(blk.ir);
    EXPECT_EQ(blk.ir.verify(), "") << blk.ir.print();
  }
}

}  // namespace
}  // namespace hart
