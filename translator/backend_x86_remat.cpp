// translator/backend_x86_remat.cpp — rematerialised guest registers of
// self-loop blocks. A value the loop body writes to a guest register it
// never reads (SHA-2's rotate halves, copies of state words), which is
// op(y, constant), op(y, z) or a copy of another guest register y, need not be stored
// (nor even computed, when nothing else reads the value) if at every point
// that can see it — each guest memory access and every way out of the loop
// — some guest register still holds y's value: the recovery computes it
// there. Before its set_reg in an iteration, the register shows the
// previous iteration's value, found through the registers' values at the
// iteration's start; in the first iteration it shows its value from before
// the loop, still in its CpuState slot (kLoopFlagSlot tells them apart).
// plan_remat finds such registers on the IR and takes their set_regs (and
// dead values) out; Emitter::emit_remat writes the code that stores them
// on the way out; Jit::restore_state evaluates BlockRecovery::remat after a
// host fault. See "Register allocation" in docs/ARCHITECTURE.md.
#include <array>

#include "translator/backend_x86_emitter.h"

namespace hart::x86be {

namespace {

constexpr int kMaxComputedTempUses = 2;

// The recovery op and the operands of an insn computing a register's value
// from one value and a constant or from two values (false: not one we
// recompute). *from2 = kNoTemp: the second operand is *imm.
bool remat_op(const IrBlock& ir, const std::vector<int>& def, const IrInsn& d, RematReg::Op* op,
              Temp* from, Temp* from2, int32_t* imm) {
  auto constant = [&](Temp t, int64_t* v) {
    const int k = def[t];
    if (k < 0 || ir.insns[static_cast<size_t>(k)].op != IrOp::movi) return false;
    *v = ir.insns[static_cast<size_t>(k)].imm;
    return true;
  };
  *from2 = kNoTemp;
  *imm = 0;
  if (d.op == IrOp::mov) {
    *op = RematReg::Mov;
    *from = d.a;
    return true;
  }
  int64_t c = 0;
  bool shift = false;
  switch (d.op) {
    case IrOp::shl: *op = RematReg::Shl; shift = true; break;
    case IrOp::shr: *op = RematReg::Shr; shift = true; break;
    case IrOp::sar: *op = RematReg::Sar; shift = true; break;
    case IrOp::rotr: *op = RematReg::Rotr; shift = true; break;
    case IrOp::rotl: *op = RematReg::Rotr; shift = true; break;
    case IrOp::and_: case IrOp::or_: case IrOp::xor_:
      if (d.aux & 1) return false;  // (zero-extended from 32 bits: ir_narrow)
      *op = d.op == IrOp::and_ ? RematReg::And : d.op == IrOp::or_ ? RematReg::Or : RematReg::Xor;
      break;
    case IrOp::add:
      if (d.aux & 1) return false;  // (zero-extended from 32 bits: ir_narrow)
      *op = RematReg::Add;
      break;
    default: return false;
  }
  if (constant(d.b, &c)) {
    *from = d.a;
  } else if (!shift && constant(d.a, &c)) {
    *from = d.b;
  } else if (!shift) {
    *from = d.a;
    *from2 = d.b;
    return true;
  } else {
    return false;
  }
  if (shift) c = d.op == IrOp::rotl ? (64 - (c & 63)) & 63 : c & 63;
  if (c != static_cast<int32_t>(c)) return false;
  *imm = static_cast<int32_t>(c);
  return true;
}

}  // namespace

bool plan_remat(const IrBlock& ir, const TranslationBlock* tb, IrBlock* out, std::vector<RematUse>* uses,
                uint8_t dropped[32]) {
  // Only where the Emitter makes a self-loop block (plan_loop) with no
  // side exit, and where the only fault points are plain loads and stores.
  const size_t n = ir.insns.size();
  if (n == 0 || (tb->flags & (kTbOneInsn | kTbDebugStep | kTbCount))) return false;
  const IrInsn& term = ir.insns.back();
  const uint64_t pc = tb->pc;
  if (!ir_goes_back_to(term, pc)) return false;
  const uint32_t N = ir.num_temps;
  std::vector<int> def(N, -1), readers(N, 0), last_read(N, -1);
  // sym: a temp's value as a temp of this iteration, or N + R for the value
  // guest register R had when the iteration began.
  std::vector<uint32_t> sym(N);
  for (uint32_t t = 0; t < N; ++t) sym[t] = t;
  std::array<uint32_t, 32> cur;
  for (uint32_t r = 0; r < 32; ++r) cur[r] = N + r;
  std::vector<std::pair<size_t, std::array<uint32_t, 32>>> points;  // guest state at each access
  std::vector<int> get_at[32];  // each register's get_regs
  std::vector<int> set_at[32];  // each register's set_regs
  for (size_t k = 0; k < n; ++k) {
    const IrInsn& i = ir.insns[k];
    const uint8_t f = ir_info(i.op).flags;
    if ((f & (kIrClobbers | kIrReadsState)) || i.op == IrOp::exit_if) return false;
    if (f & kIrFault) {
      if (i.op != IrOp::load && i.op != IrOp::store) return false;
      points.emplace_back(k, cur);
    }
    uint32_t args[kIrMaxArgs];
    const int na = ir_args(i, args);
    for (int j = 0; j < na; ++j) {
      ++readers[args[j]];
      last_read[args[j]] = static_cast<int>(k);
    }
    if (f & kIrDst) def[i.dst] = static_cast<int>(k);
    if (i.op == IrOp::get_reg) {
      sym[i.dst] = cur[i.imm];
      get_at[i.imm].push_back(static_cast<int>(k));
    } else if (i.op == IrOp::set_reg) {
      cur[i.imm] = sym[i.a];
      set_at[i.imm].push_back(static_cast<int>(k));
    } else if (i.op == IrOp::mov) {
      sym[i.dst] = sym[i.a];
    }
  }
  const std::array<uint32_t, 32> end = cur;
  bool pinned[32] = {};
  for (const PinnedReg& p : kPinnedRegs) pinned[p.xreg] = true;
  // The guest register holding value s in state st, preferring pinned
  // ones; 0: none.
  bool target[32] = {}, source[32] = {};
  auto find = [&](const std::array<uint32_t, 32>& st, uint32_t s, int not_x) {
    int best = 0;
    for (int r = 1; r < 32; ++r) {
      if (r == not_x || target[r] || st[r] != s) continue;
      if (!best || (pinned[r] && !pinned[best])) best = r;
    }
    return best;
  };
  // Before a register's set_reg, it shows the previous iteration's value:
  // the source is a register that still holds what some register R0 held
  // at that iteration's end (R0's value at this one's start).
  auto find_prev = [&](const std::array<uint32_t, 32>& st, uint32_t s, int not_x) {
    for (int r0 = 1; r0 < 32; ++r0) {
      if (r0 == not_x || end[r0] != s) continue;
      if (int r = find(st, N + static_cast<uint32_t>(r0), not_x)) return r;
    }
    return 0;
  };
  std::vector<bool> drop(n, false);
  std::vector<RematUse> found;
  // Each set_reg whose value the block does not read back: it shows from
  // there to the next one (the last one's to the end of the iteration and,
  // in the next, up to the first one).
  for (int x = 1; x < 32; ++x) {
    const std::vector<int>& sx = set_at[x];
    if (sx.empty() || source[x]) continue;
    for (size_t j = 0; j < sx.size(); ++j) {
      const int S = sx[j];
      const bool last = j + 1 == sx.size();
      const int until = last ? static_cast<int>(n) : sx[j + 1];
      bool read = false;
      for (int g : get_at[x]) read |= (g > S && g < until) || (last && g < sx[0]);
      if (read) continue;
      const Temp v = ir.insns[static_cast<size_t>(S)].a;
      RematReg::Op op = RematReg::Mov;
      Temp from = v, from2 = kNoTemp;
      int32_t imm = 0;
      const int d = def[v];
      bool computed = false;
      if (sym[v] >= N) {
        // a copy of a register's value at the iteration's start
      } else if (d >= 0 && remat_op(ir, def, ir.insns[static_cast<size_t>(d)], &op, &from, &from2, &imm)) {
        computed = true;
      } else {
        continue;
      }
      const uint32_t s1 = sym[from], s2 = from2 == kNoTemp ? 0 : sym[from2];
      std::vector<RematUse> mine;
      bool ok = true;
      int n_temp = 0;
      auto add = [&](int pos, const std::array<uint32_t, 32>& st, bool before) {
        RematUse u;
        u.pos = pos;
        u.set_pos = S;
        RematReg& r = u.r;
        r.xreg = static_cast<uint8_t>(x);
        r.op = op;
        r.imm = imm;
        r.after_first = before;
        r.src = static_cast<uint8_t>(before ? find_prev(st, s1, x) : find(st, s1, x));
        if (from2 != kNoTemp) r.src2 = static_cast<uint8_t>(before ? find_prev(st, s2, x) : find(st, s2, x));
        if (!r.src || (from2 != kNoTemp && !r.src2)) {
          // No register holds the operands here, but the value itself is
          // still live (read after this access): its location will do.
          if (before || pos == kRematEnd || last_read[v] <= pos) ok = false;
          ++n_temp;
          r = RematReg{};
          r.xreg = static_cast<uint8_t>(x);
          u.temp = v;
        }
        mine.push_back(u);
      };
      for (const auto& [k, st] : points) {
        const int p = static_cast<int>(k);
        if (p > S && p < until) add(p, st, false);
        else if (last && p < sx[0]) add(p, st, true);
      }
      if (last) add(kRematEnd, end, false);  // every way out of the loop sees an iteration's end
      // A computed value without its store has no copy to fall back on when
      // its register is needed: over a few accesses only (AES's index
      // registers, seen by up to 8 loads each: 0.66 -> 0.70 s CPU with no
      // limit; SHA-512 gains 0.57 -> 0.55 with this one). Copies of a
      // register's value at the iteration's start have no limit.
      if (sym[v] < N && n_temp > kMaxComputedTempUses) ok = false;
      if (!ok) continue;
      target[x] = true;
      for (const RematUse& m : mine)
      if (m.temp == kNoTemp) source[m.r.src] = source[m.r.src2] = true;
      found.insert(found.end(), mine.begin(), mine.end());
      drop[static_cast<size_t>(S)] = true;
      ++dropped[x];
      if (computed && readers[v] == 1) drop[static_cast<size_t>(d)] = true;
    }
  }
  // A value taken from a temp must still be live after its access; a reader
  // it counted on may have gone with another register's set_reg (or the
  // value that only such a set_reg read): then this set_reg stays. So does
  // one whose temp may still sit in a rematerialised register's CpuState
  // slot (a get_reg read in place: that register's slot is written on the
  // way out too, and the fault stubs store in order).
  {
    std::vector<int> live_to(N, -1);
    for (size_t k = 0; k < n; ++k) {
      if (drop[k]) continue;
      uint32_t args[kIrMaxArgs];
      const int na = ir_args(ir.insns[k], args);
      for (int j = 0; j < na; ++j) live_to[args[j]] = static_cast<int>(k);
    }
    std::vector<bool> keep(n, false);
    for (const RematUse& u : found)
      if (u.temp != kNoTemp && (live_to[u.temp] <= u.pos || (sym[u.temp] >= N && target[sym[u.temp] - N])))
        keep[static_cast<size_t>(u.set_pos)] = true;
    size_t w = 0;
    for (const RematUse& u : found) {
      if (!keep[static_cast<size_t>(u.set_pos)]) {
        found[w++] = u;
        continue;
      }
      if (drop[static_cast<size_t>(u.set_pos)]) {
        drop[static_cast<size_t>(u.set_pos)] = false;  // (its value was not dropped: a temp reads it later)
        --dropped[u.r.xreg];
      }
    }
    found.resize(w);
  }
  if (found.empty()) return false;
  // The IR without the dropped insns; the uses at the new positions.
  std::vector<int> at(n, -1);
  *out = ir;
  out->insns.clear();
  for (size_t k = 0; k < n; ++k) {
    if (drop[k]) continue;
    at[k] = static_cast<int>(out->insns.size());
    out->insns.push_back(ir.insns[k]);
  }
  for (RematUse& m : found)
    if (m.pos != kRematEnd) m.pos = at[static_cast<size_t>(m.pos)];
  *uses = std::move(found);
  return true;
}

void Emitter::emit_remat(int pos, bool after_first) {
  // Called on the way out: the registers the sources are in hold their
  // guest values (lent ones reloaded, deferred ones stored; residents still
  // in their host registers); rax is free.
  for (const RematUse& use : remat_) {
    const RematReg& u = use.r;
    if (use.pos != pos || u.after_first != after_first || use.temp != kNoTemp) continue;
    auto guest = [&](int x) -> Operand {
      const int h = pins().host[x];
      return h >= 0 ? Operand(gp_of_id(h)) : Operand(xreg_mem(x));
    };
    emit_mov(rax, guest(u.src));
    const Operand b = u.src2 ? guest(u.src2) : Operand(Imm(u.imm));
    switch (u.op) {
      case RematReg::Mov: break;
      case RematReg::Shl: a_.shl(rax, u.imm); break;
      case RematReg::Shr: a_.shr(rax, u.imm); break;
      case RematReg::Sar: a_.sar(rax, u.imm); break;
      case RematReg::Rotr: a_.ror(rax, u.imm); break;
      case RematReg::And: a_.emit(Inst::kIdAnd, rax, b); break;
      case RematReg::Or: a_.emit(Inst::kIdOr, rax, b); break;
      case RematReg::Xor: a_.emit(Inst::kIdXor, rax, b); break;
      case RematReg::Add: a_.emit(Inst::kIdAdd, rax, b); break;
    }
    // (A pinned register still in its host register: there; a displaced
    // one's slot, which emit_loop_leave reloads it from next.)
    emit_mov(guest(u.xreg), rax);
  }
}

void Emitter::emit_remat_at(int pos) {
  // Values taken from temps went to their slots with the deferred ones; a
  // pinned or resident register gets its own from there (emit_loop_leave
  // stores a resident from its register).
  for (const RematUse& u : remat_) {
    const int h = pins().host[u.r.xreg];
    if (u.pos == pos && u.temp != kNoTemp && h >= 0) a_.mov(gp_of_id(h), xreg_mem(u.r.xreg));
  }
  emit_remat(pos, false);
  bool any = false;
  for (const RematUse& u : remat_) any |= u.pos == pos && u.r.after_first && u.temp == kNoTemp;
  if (!any) return;
  Label first = a_.newLabel();
  a_.cmp(dword_ptr(rsp, kLoopFlagSlot), 0);
  a_.je(first);
  emit_remat(pos, true);
  a_.bind(first);
}

void Emitter::note_remat(uint32_t start) {
  for (const RematUse& u : remat_) {
    if (u.pos != static_cast<int>(idx_)) continue;
    if (u.temp != kNoTemp) {
      note_at(start, u.r.xreg, loc_[u.temp], true);
      continue;
    }
    RematReg r = u.r;
    r.start = start;
    r.end = static_cast<uint32_t>(a_.offset());
    rec_->remat.push_back(r);
  }
}

}  // namespace hart::x86be
