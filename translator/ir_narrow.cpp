// translator/ir_narrow.cpp — ir_narrow (see ir_opt.h): word values whose
// upper 32 bits nobody reads need no sign extension. RV64 code computes
// 32-bit words (ARX ciphers, hashes, CRCs) as sign-extended 64-bit values:
// every addw, slliw, rotate-by-W and sext.w ends in a sign extension (a
// movsxd), though the next op often reads only the low 32 bits again. A
// backward pass finds the temps whose readers all look at their low 32
// bits only ("low" temps); then a sext_w/zext_w of such a temp is the
// value itself, a shlw by a constant is a 64-bit shl, and other W shifts
// and rotrw/rotlw leave their upper half unspecified (aux 1: no movsxd in
// the backend).
// Anything guest-visible — set_reg, a 64-bit store, an address, a compare
// — reads all 64 bits, so it still sees the exactly extended values.
#include <vector>

#include "translator/ir_opt.h"
#include "translator/block_arena.h"

namespace hart {

namespace {

// Reads only the low 32 (or fewer) bits of argument j, whatever its
// result is used for.
bool reads_low_only(const IrInsn& i, int j) {
  switch (i.op) {
    case IrOp::sext_w: case IrOp::zext_w: case IrOp::sext_b: case IrOp::sext_h: case IrOp::zext_h:
    case IrOp::shlw: case IrOp::shrw: case IrOp::sarw: case IrOp::rotlw: case IrOp::rotrw:
    case IrOp::divw: case IrOp::divuw: case IrOp::remw: case IrOp::remuw:
    case IrOp::clzw: case IrOp::ctzw: case IrOp::cpopw:
      return true;
    case IrOp::shl: case IrOp::shr: case IrOp::sar: case IrOp::rotl: case IrOp::rotr:
      return j == 1;  // the count: its low 6 bits
    case IrOp::store:
      return j == 1 && (i.aux & 0xf) <= 4;  // the value of a sw/sh/sb, not the address
    default:
      return false;
  }
}

// The low 32 bits of the result depend only on the low 32 bits of the
// arguments (carries and shifts go upwards).
bool low_from_low(IrOp op) {
  switch (op) {
    case IrOp::mov: case IrOp::add: case IrOp::sub: case IrOp::mul: case IrOp::and_: case IrOp::or_:
    case IrOp::xor_: case IrOp::andn: case IrOp::shadd: case IrOp::shl:
      return true;
    default:
      return false;
  }
}

}  // namespace

void ir_upper_read(const IrBlock& b, ArenaArray<bool>& full, const bool* low_insn) {
  // Temps that are constants of 32 or more: a shl by one reads only the
  // low half of what it shifts (`slli a4,a5,32`). Masks below 2^31: an and
  // with one reads only the low half of its other argument (`sraiw
  // a4,a5,2; andi a4,a4,15`: the sraiw needs no sign extension).
  ArenaScope arena;
  ArenaArray<bool> big_count = arena.array(b.num_temps, false);
  ArenaArray<bool> low_mask = arena.array(b.num_temps, false);
  for (const IrInsn& i : b.insns)
    if (i.op == IrOp::movi) {
      if (i.imm >= 32 && i.imm < 64) big_count[i.dst] = true;
      if (i.imm >= 0 && i.imm <= INT32_MAX) low_mask[i.dst] = true;
    }
  // Backwards: SSA, so every reader of a temp is seen before its definition.
  for (size_t k = b.insns.size(); k-- > 0;) {
    const IrInsn& i = b.insns[k];
    if (low_insn && low_insn[k]) continue;
    uint32_t args[kIrMaxArgs];
    const int na = ir_args(i, args);
    const bool dst_low = (ir_info(i.op).flags & kIrDst) && !full[i.dst];
    for (int j = 0; j < na; ++j)
      if (!reads_low_only(i, j) && !(dst_low && low_from_low(i.op)) &&
          !(i.op == IrOp::shl && j == 0 && big_count[i.b]) &&
          !(i.op == IrOp::and_ && low_mask[j == 0 ? i.b : i.a]))
        full[args[j]] = true;
  }
}

void ir_narrow(IrBlock& b) {
  // Nothing to narrow in a block without these ops (most blocks): no walk.
  bool any = false;
  for (const IrInsn& i : b.insns)
    if (ir_narrow_op(i.op)) {
      any = true;
      break;
    }
  if (!any) return;
  const uint32_t n = b.num_temps;
  ArenaScope arena;
  ArenaArray<bool> full = arena.array(n, false);  // some reader needs the upper 32 bits
  ArenaArray<bool> is_const = arena.array(n, false);
  ArenaArray<uint64_t> value = arena.array<uint64_t>(n, 0);
  ArenaArray<Temp> alias = arena.array<Temp>(n, 0);
  ArenaArray<int> def = arena.array(n, -1);
  ir_upper_read(b, full);
  for (Temp t = 0; t < n; ++t) alias[t] = t;
  bool changed = false;
  for (IrInsn& i : b.insns) {
    ir_map_args(i, [&](Temp t) { return alias[t]; });
    const IrOpInfo& info = ir_info(i.op);
    if (i.op == IrOp::movi) {
      is_const[i.dst] = true;
      value[i.dst] = static_cast<uint64_t>(i.imm);
    }
    if (!(info.flags & kIrDst)) continue;
    def[i.dst] = static_cast<int>(&i - b.insns.data());
    if (i.op == IrOp::zext_w && full[i.dst] && !full[i.a] && def[i.a] >= 0) {
      // zext_w of an add/and/or/xor only the low halves of which are read
      // (`and a5,a5,t1; slli a4,a5,32; srli a5,a4,31`, `addw a5,s2,t6;
      // slli a5,a5,32; srli a5,a5,32`): the op itself zero-extends (a
      // 32-bit op on x86), and the extension is its value.
      IrInsn& d = b.insns[static_cast<size_t>(def[i.a])];
      if (d.op == IrOp::add || d.op == IrOp::and_ || d.op == IrOp::or_ || d.op == IrOp::xor_) {
        d.aux = 1;
        i.op = IrOp::mov;
        alias[i.dst] = i.a;
        changed = true;
        continue;
      }
    }
    if (full[i.dst]) continue;
    switch (i.op) {
      case IrOp::sext_w: case IrOp::zext_w:
        i.op = IrOp::mov;  // dead once its readers read i.a (ir_dce)
        alias[i.dst] = i.a;
        changed = true;
        break;
      case IrOp::shlw:
        if (is_const[i.b] && value[i.b] < 32) i.op = IrOp::shl;
        else i.aux = 1;
        break;
      case IrOp::rotlw: case IrOp::rotrw: case IrOp::shrw: case IrOp::sarw:
        i.aux = 1;
        break;
      default:
        break;
    }
  }
  if (changed) ir_dce(b);
}

}  // namespace hart
