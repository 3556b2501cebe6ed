// translator/ir_sink.cpp — ir_sink: pure value ops move down to just
// before their first reader when that shortens what is live at once.
// Compilers schedule for 31 registers: GCC's AES rounds compute all sixteen
// table indexes first (srliw, andi) and use them much later, which on
// x86's 12 allocatable registers spills them to the stack and loads them
// back. An op whose operands stay live until its first reader anyway
// (constants, values read again at or after that point) only shortens its
// own result's life when it moves there, and lengthens nothing. Guest
// state does not move: set_reg, loads, stores, helpers and every other op
// with an effect or a fault stay where they are, in order, and an op is
// never moved past its reader (so never past the set_reg that publishes
// it). Reads of guest registers (get_reg, get_freg) and of frm stay too:
// a later write of the register would change them.
#include <algorithm>
#include <climits>
#include <cstdlib>

#include "translator/ir_opt.h"

namespace hart {

namespace {
bool sinkable(IrOp op) {
  return ir_is_pure_value_op(op) && op != IrOp::get_freg && op != IrOp::frm_read;
}
}  // namespace

void ir_sink(IrBlock& b) {
  static const bool off = getenv("HART_JIT_NO_SINK") != nullptr;  // (for comparisons)
  const size_t n = b.insns.size();
  if (n < 3 || off) return;
  ArenaScope arena;
  ArenaArray<bool> constant = arena.array(b.num_temps, false);  // defined by a movi
  for (const IrInsn& i : b.insns)
    if (i.op == IrOp::movi) constant[i.dst] = true;
  // Backwards: each insn's final place (its own index, or the final place
  // of its first reader when it sinks there); readers are decided first.
  // At insn k, last_use holds each temp's last reader after k (-1: none
  // after k): what an operand's last reader is when it is read after k at
  // all, which is all a move to a place after k needs to know.
  ArenaArray<int> last_use = arena.array(b.num_temps, -1);
  ArenaArray<int> first_reader = arena.array(b.num_temps, INT32_MAX);  // final position
  ArenaArray<int> place = arena.uninit<int>(n);  // (every entry written below)
  bool moved = false;
  for (size_t k = n; k-- > 0;) {
    const IrInsn& i = b.insns[k];
    place[k] = static_cast<int>(k);
    uint32_t args[kIrMaxArgs];
    const int na = ir_args(i, args);
    const bool dst = ir_info(i.op).flags & kIrDst;
    if (dst && sinkable(i.op) && first_reader[i.dst] != INT32_MAX && first_reader[i.dst] > static_cast<int>(k) + 1) {
      const int to = first_reader[i.dst];
      bool ok = true;
      for (int j = 0; j < na && ok; ++j) ok = constant[args[j]] || last_use[args[j]] >= to;
      if (ok) {
        place[k] = to;
        moved = true;
      }
    }
    for (int j = 0; j < na; ++j) {
      first_reader[args[j]] = std::min(first_reader[args[j]], place[k]);
      if (last_use[args[j]] < 0) last_use[args[j]] = static_cast<int>(k);
    }
  }
  if (!moved) return;
  // By place, in the original order: the insns that sank to place p (its
  // first reader, or operands of those), then insn p itself if it stayed.
  ArenaArray<int> head = arena.array(n, -1), tail = arena.array(n, -1), next = arena.array(n, -1);
  for (size_t k = 0; k < n; ++k) {
    const int p = place[k];
    if (p == static_cast<int>(k)) continue;
    if (tail[p] < 0) head[p] = static_cast<int>(k);
    else next[tail[p]] = static_cast<int>(k);
    tail[p] = static_cast<int>(k);
  }
  ArenaArray<IrInsn> out = arena.array(n, IrInsn{});
  size_t m = 0;
  for (size_t p = 0; p < n; ++p) {
    for (int k = head[p]; k >= 0; k = next[k]) out[m++] = b.insns[k];
    if (place[p] == static_cast<int>(p)) out[m++] = b.insns[p];
  }
  std::copy(out.begin(), out.end(), b.insns.begin());
}

}  // namespace hart
