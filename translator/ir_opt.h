// translator/ir_opt.h — IR passes: x0 removal (done by the next two), constant folding and
// propagation, copy propagation (incl. forwarding guest register values
// within the block), dead-code elimination, dropping sign extensions of
// words whose upper half nobody reads (ir_narrow.cpp). Guest-visible state stays exact:
// set_reg, loads, stores and helper calls are never removed or reordered.
#pragma once

#include "translator/block_arena.h"
#include "translator/ir.h"

namespace hart {

// Constant folding and propagation, copy propagation (reads of x0 become
// 0 here; its writes go in ir_dce, with the other dead code).
void ir_propagate(IrBlock& b);
void ir_dce(IrBlock& b);
// A compare whose only readers are conditions (select, brcond, exit_if
// testing `t cond 0`) becomes part of them: xor/sub (eq, ne) and setcond
// give `x cond y`, and_ gives `(x & y) cond 0` (kCondTest), so the backend
// emits cmp/test + cmov/jcc instead of setcc, movzx, test.
void ir_fuse_compares(IrBlock& b);
// (x << 32) >> c, c = 1..31: zext_w(x) << (32 - c), GCC's
// `(uint64_t)(uint32_t)x << k` without Zba (an unsigned int index scaled to
// bytes): one mov r32, r32 and, after ir_fuse_shadd, a lea with the add
// that follows, in place of two shifts. The shl stays if another reads it.
// True if it made any zext_w.
bool ir_zext_shifts(IrBlock& b);
// y + (x << k), k = 1..3, where the shift has no other reader (GCC's array
// indexing without Zba; a shift that is also a guest register's value
// stays): one shadd, a lea base + index * 2^k.
void ir_fuse_shadd(IrBlock& b);
// (x >>u k) & m, m = 2^w - 1 with k + w within the shift's width and the
// shift read only there: the shift becomes a rotation by k (rotr, or rotrw
// with its upper half unspecified), whose low w bits are the same. With
// BMI2 that is one rorx, which copies as it rotates, where a shift of a
// value that stays live needs a mov first (a table index taken from a
// byte of a cipher's state word: `srliw t, x, 8; andi t, t, 255` was mov,
// shr, and; it is rorx, movzx).
void ir_rotate_fields(IrBlock& b);
// Word values whose upper 32 bits no reader needs lose their sign
// extensions (ir_narrow.cpp); rotrw/rotlw get aux 1 (upper half unspecified).
// full[t] (sized num_temps, false on entry): some reader of t, directly or
// through ops whose low half depends only on their operands' low halves,
// reads t's upper 32 bits (ir_narrow's analysis; the backend's narrow
// loop residents use it too).
// low_insn (optional, by insn): insns that read only the low 32 bits of
// all their arguments besides those reads_low_only knows (the backend's
// 32-bit compares of loops).
void ir_upper_read(const IrBlock& b, ArenaArray<bool>& full, const bool* low_insn = nullptr);
void ir_narrow(IrBlock& b);
// The ops ir_narrow looks at: a block without any is left as it is.
inline bool ir_narrow_op(IrOp op) {
  return op == IrOp::sext_w || op == IrOp::zext_w || op == IrOp::shlw || op == IrOp::rotlw || op == IrOp::rotrw ||
         op == IrOp::sarw || op == IrOp::shrw;
}
// Pure value ops move down to just before their first reader when their
// operands are live there anyway (ir_sink.cpp): shorter lives, fewer spills.
void ir_sink(IrBlock& b);
// All passes in order.
void ir_optimize(IrBlock& b);

// Value of a pure two-operand op on constants (RISC-V semantics for
// division). Used by folding and by tests of the backend.
uint64_t ir_eval(IrOp op, uint64_t a, uint64_t b, uint8_t aux);
bool ir_is_pure_value_op(IrOp op);

}  // namespace hart
