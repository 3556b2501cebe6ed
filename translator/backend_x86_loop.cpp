// translator/backend_x86_loop.cpp — self-loop blocks: a block whose
// terminator jumps back to its own start (a brcond with one side at the
// block's pc, or a goto_tb to it) keeps guest registers it uses in host
// registers across iterations. The host registers are those of pins
// (kPinnedRegs) whose guest registers the block uses less (or not at all)
// than others: at entry each such pin's guest value goes to its CpuState
// slot and a guest register the block uses more ("resident") is loaded in
// its place; the back edge
// jumps to the loop head (after that preamble) with every resident still in
// its register; every way out (the exits, the exit-request check at the
// loop head, the memory-check fault stubs) stores the residents the block
// writes and reloads the pins. A host fault inside the loop finds the
// residents in the signal context and the re-homed pins in CpuState
// (BlockRecovery ranges: a DeferredReg per resident, a LentRange per pin).
// Like any pin, a resident's register is lent out to temps between its
// last read and its next set_reg in the body (its value stored home first
// if an access may fault meanwhile): those ranges are cut out of its
// DeferredReg. The f registers it uses most stay in xmm10-13 the same way
// (plan_fp_loop: loaded in the preamble, stored at the exits, recovered
// from the signal context's XMM registers). Guest registers the body only
// reads go to pool registers the body can spare (plan_invariants), and
// table lookups through them read [r14 + x] from one (plan_based: "Based
// accesses" in docs/ARCHITECTURE.md). See "Register allocation" there.
#include <algorithm>
#include <climits>

#include "core/address_space.h"
#include "translator/backend_x86_emitter.h"
#include "translator/ir_opt.h"

namespace hart::x86be {

void Emitter::plan_loop() {
  loop_ = false;
  n_loop_ = 0;
  // Counting, single-step and debugger blocks end after what they must
  // count or stop at; without a BlockRecovery a fault could not be mapped.
  if (!rec_ || (tb_->flags & (kTbOneInsn | kTbDebugStep | kTbCount)) || ir_.insns.empty()) return;
  const IrInsn& term = ir_.insns.back();
  const uint64_t pc = tb_->pc;
  if (!ir_goes_back_to(term, pc)) return;
  // The back edge's other side, if any, is exit 0; a side exit takes the other.
  side_exit_index_ = static_cast<int>(ir_loop_term_exits(term));
  bool side_exit = false;
  loop_access_ = false;
  int uses[32] = {};
  bool written[32] = {};
  for (const IrInsn& i : ir_.insns) {
    // Helper calls and code that reads guest registers from CpuState would
    // need every resident stored first: such blocks keep the plain layout.
    if (ir_info(i.op).flags & (kIrClobbers | kIrReadsState)) return;
    side_exit |= i.op == IrOp::exit_if;
    loop_access_ |= i.op == IrOp::load || i.op == IrOp::store;
    if (i.op == IrOp::get_reg || i.op == IrOp::set_reg) {
      ++uses[i.imm];
      if (i.op == IrOp::set_reg) written[i.imm] = true;
    }
  }
  uses[0] = 0;
  // Rematerialised registers are written on the way out; each set_reg
  // taken out still counts as a use, so residents are chosen as without
  // (which keeps SHA-512's rounds at 0.57 s instead of 0.68: a resident
  // fewer on its chains spills them).
  for (const RematUse& u : remat_) written[u.r.xreg] = true;
  for (int x = 1; x < 32; ++x) uses[x] += remat_dropped_[x];
  // The guest registers used most hold the pins' host registers for the
  // whole loop; a pin whose own guest register is not among them lends its
  // host register to one that is (its guest register is then read and
  // written in CpuState, like any register not pinned).
  int order[31];
  for (int x = 1; x < 32; ++x) order[x - 1] = x;
  std::stable_sort(order, order + 31, [&](int a, int b) { return uses[a] > uses[b]; });
  bool top[32] = {};
  for (int k = 0; k < 7 && uses[order[k]] > 0; ++k) top[order[k]] = true;
  int free_pins[7], n_free = 0;
  for (int p = 0; p < 7; ++p)
    if (!top[kPinnedRegs[p].xreg]) free_pins[n_free++] = p;
  int cand[32], n_cand = 0;
  for (int k = 0; k < 31; ++k)
    if (top[order[k]] && pt_.host[order[k]] < 0) cand[n_cand++] = order[k];
  n_loop_ = std::min(n_free, n_cand);
  // (A superblock is a loop even with nothing to re-home: its side exit is
  // then chainable and its back edge skips the chain; so is a loop with a
  // guest access: its rounds need not read the exit request, plan_unpolled.)
  if (n_loop_ == 0 && !side_exit && remat_.empty() && !loop_access_) return;
  loop_ = true;
  for (int k = 0; k < n_loop_; ++k) {
    const int p = free_pins[k], x = cand[k];
    loop_regs_[k] = {static_cast<uint8_t>(p), static_cast<uint8_t>(x), written[x]};
    pt_.host[kPinnedRegs[p].xreg] = -1;  // read from CpuState (never, here)
    pt_.host[x] = kPinnedRegs[p].host_id;
    pt_.xreg_of_pin[p] = x;
  }
}

void Emitter::plan_invariants() {
  for (int8_t& h : inv_host_) h = -1;
  inv_mask_ = 0;
  n_based_regs_ = 0;
  static const bool off = getenv("HART_JIT_NO_INVARIANTS") != nullptr;  // (for comparisons)
  if (!loop_ || off) return;
  // The most values the body holds in temp registers at once (guest
  // register reads and constants take none, nor values computed into a
  // pinned register; FP values count, to be safe). The pool's five
  // registers (r14 aside) less a margin for the insns that reserve rcx and
  // rdx must still hold them.
  int live = 0, most = 0;
  ArenaArray<int> dies = arena_.array(ir_.insns.size() + 1, 0);
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    const IrInsn& i = ir_.insns[k];
    live -= dies[k];
    if (!(ir_info(i.op).flags & kIrDst) || i.op == IrOp::get_reg || i.op == IrOp::movi) continue;
    if (last_use_[i.dst] <= static_cast<int>(k)) continue;
    if (k + 1 < ir_.insns.size()) {  // (computed into a pinned register: pinned_target)
      const IrInsn& s = ir_.insns[k + 1];
      if (s.op == IrOp::set_reg && s.a == i.dst && pt_.host[s.imm] >= 0) continue;
    }
    most = std::max(most, ++live);
    ++dies[last_use_[i.dst]];
  }
  constexpr int kMargin = 1;
  int budget = std::min(3, 5 - kMargin - most);
  if (budget <= 0) return;
  bool written[32] = {};
  for (const IrInsn& i : ir_.insns)
    if (i.op == IrOp::set_reg) written[i.imm] = true;
  for (const RematUse& u : remat_) written[u.r.xreg] = true;
  plan_based(written, &budget);
  // (Reads by a based access's sum, which is not emitted, do not count.)
  int reads[32] = {};
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    const IrInsn& i = ir_.insns[k];
    if (based_def_.size() && based_def_[k]) continue;
    uint32_t args[kIrMaxArgs];
    const int n = ir_args(i, args);
    for (int j = 0; j < n; ++j) {
      const int d = def_at_[args[j]];
      if (d != INT_MAX && ir_.insns[d].op == IrOp::get_reg) ++reads[ir_.insns[d].imm];
    }
  }
  int cand[31], n_cand = 0;
  for (int x = 1; x < 32; ++x)
    if (reads[x] && !written[x] && pt_.host[x] < 0 && !remat_dropped_[x]) cand[n_cand++] = x;
  std::stable_sort(cand, cand + n_cand, [&](int a, int b) { return reads[a] > reads[b]; });
  for (int k = 0; k < n_cand && budget > 0; ++k) {
    if (inv_host_[cand[k]] >= 0) continue;  // (a based access's base: loaded already)
    inv_host_[cand[k]] = take_spare_reg();
    --budget;
  }
}

int8_t Emitter::take_spare_reg() {
  static const Gp kSpare[] = {r11, rdi, rsi};  // (plan_invariants' budget: at most three)
  int r = 0;
  while (inv_mask_ >> kSpare[r].id() & 1) ++r;
  inv_mask_ |= 1u << kSpare[r].id();
  return static_cast<int8_t>(kSpare[r].id());
}

void Emitter::plan_based(const bool written[32], int* budget) {
  based_ = {};
  based_def_ = {};
  static const bool off = getenv("HART_JIT_NO_BASED") != nullptr;  // (for comparisons)
  if (off || *budget < 1) return;
  // Addresses some access reaches outside the guards from a checked
  // x + (index << sh), or that rematerialisation reads.
  ArenaArray<bool> far = arena_.array(ir_.num_temps, false);
  for (const RematUse& u : remat_)  // (read by its records: made as it is)
    if (u.temp != kNoTemp) far[u.temp] = true;
  int accesses = 0;
  for (const IrInsn& i : ir_.insns) {
    if (i.op != IrOp::load && i.op != IrOp::store) continue;
    ++accesses;
    const int64_t size = i.aux & 0xf;
    if (i.imm < -static_cast<int64_t>(kLowGuardBytes) || i.imm + size > static_cast<int64_t>(kGuardBytes)) far[i.a] = true;
  }
  // x + (index << sh): the base register's x, or -1.
  auto split = [&](Temp a, Temp* index, int* sh) {
    const int d = def_at_[a];
    if (d == INT_MAX || far[a]) return -1;
    const IrInsn& s = ir_.insns[d];
    Temp bases[2] = {kNoTemp, kNoTemp}, idxs[2] = {kNoTemp, kNoTemp};
    if (s.op == IrOp::shadd && !(s.aux & ~3)) {
      bases[0] = s.b, idxs[0] = s.a, *sh = s.aux & 3;
    } else if (s.op == IrOp::add && !s.aux) {
      bases[0] = s.a, idxs[0] = s.b, bases[1] = s.b, idxs[1] = s.a, *sh = 0;
    } else {
      return -1;
    }
    for (int j = 0; j < 2 && bases[j] != kNoTemp; ++j) {
      const int bd = def_at_[bases[j]], id = def_at_[idxs[j]];
      if (bd == INT_MAX || ir_.insns[bd].op != IrOp::get_reg) continue;
      const int x = static_cast<int>(ir_.insns[bd].imm);
      if (x == 0 || written[x] || (id != INT_MAX && ir_.insns[id].op == IrOp::movi)) continue;
      *index = idxs[j];
      return x;
    }
    return -1;
  };
  struct Group {
    int x, n;
  };
  Group groups[8];
  int n_groups = 0, n_based = 0;
  for (const IrInsn& i : ir_.insns) {
    if (i.op != IrOp::load && i.op != IrOp::store) continue;
    Temp index;
    int sh = 0;
    const int x = split(i.a, &index, &sh);
    if (x < 0) continue;
    ++n_based;
    int g = 0;
    while (g < n_groups && groups[g].x != x) ++g;
    if (g == n_groups) {
      if (n_groups == 8) continue;
      groups[n_groups++] = {x, 0};
    }
    ++groups[g].n;
  }
  // Another access, through r14, in every round (the body is straight
  // code to the back edge): a kick's poisoned r14 stops the loop there.
  if (n_based == 0) return;
  std::stable_sort(groups, groups + n_groups, [](const Group& a, const Group& b) { return a.n > b.n; });
  // Each base takes a register for hb, and one for x itself unless x is
  // pinned (the check's lea reads it).
  for (int g = 0, taken = 0; g < n_groups; ++g) {
    const int x = groups[g].x;
    const bool in_reg = pt_.host[x] >= 0;
    const int need = in_reg ? 1 : 2;
    if (need > *budget || taken + groups[g].n == accesses) continue;
    taken += groups[g].n;
    BasedReg& r = based_regs_[n_based_regs_++];
    r.x = static_cast<uint8_t>(x);
    r.hb = take_spare_reg();
    if (!in_reg) inv_host_[x] = take_spare_reg();
    *budget -= need;
  }
  if (n_based_regs_ == 0) return;
  // Each based access reads its index instead of the sum (own_ir_, a self-
  // loop's own copy of the IR): every later pass sees the index live up to
  // it. A sum nobody else reads is not made (based_def_).
  based_ = arena_.array(ir_.insns.size(), BasedAccess{});
  based_def_ = arena_.array(ir_.insns.size(), false);
  std::vector<IrInsn>& insns = own_ir_->insns;
  ArenaArray<bool> sums = arena_.array(ir_.num_temps, false);
  for (size_t k = 0; k < insns.size(); ++k) {
    IrInsn& i = insns[k];
    if (i.op != IrOp::load && i.op != IrOp::store) continue;
    Temp index;
    int sh = 0;
    const int x = split(i.a, &index, &sh);
    if (x < 0) continue;
    for (int r = 0; r < n_based_regs_; ++r) {
      const BasedReg& b = based_regs_[r];
      if (b.x != x) continue;
      based_[k] = {index, b.x, static_cast<uint8_t>(sh), b.hb};
      sums[i.a] = true;
      i.a = index;
      last_use_[index] = std::max(last_use_[index], static_cast<int>(k));
      break;
    }
  }
  // The sums' last readers now (-1: none; their add is not emitted).
  for (Temp t = 0; t < ir_.num_temps; ++t)
    if (sums[t]) last_use_[t] = -1;
  for (size_t k = 0; k < insns.size(); ++k) {
    uint32_t args[kIrMaxArgs];
    const int n = ir_args(insns[k], args);
    for (int j = 0; j < n; ++j)
      if (sums[args[j]]) last_use_[args[j]] = static_cast<int>(k);
  }
  for (Temp t = 0; t < ir_.num_temps; ++t)
    if (sums[t] && last_use_[t] < 0) based_def_[def_at_[t]] = true;
}

Operand Emitter::xreg_value(int x) const {
  if (inv_host_[x] >= 0) return gp_of_id(inv_host_[x]);
  if (pins().host[x] >= 0) return gp_of_id(pins().host[x]);
  return xreg_mem(x);
}

void Emitter::emit_based_entry() {
  for (int r = 0; r < n_based_regs_; ++r) {
    const BasedReg& b = based_regs_[r];
    const Operand x = xreg_value(b.x);  // (a register: pinned, or loaded above)
    emit_lea(gp_of_id(b.hb), ptr(kMem, x.as<Gp>()));
  }
}

void Emitter::plan_heads() {
  head_of_ = arena_.array<int8_t>(ir_.num_temps, -1);
  for (int& k : last_set_) k = -1;
  if (!loop_) return;
  bool set[32] = {};
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    const IrInsn& i = ir_.insns[k];
    if (i.op == IrOp::get_reg && i.imm != 0 && !set[i.imm]) head_of_[i.dst] = static_cast<int8_t>(i.imm);
    if (i.op == IrOp::set_reg) {
      set[i.imm] = true;
      last_set_[i.imm] = static_cast<int>(k);
    }
  }
}

// FP registers across the loop (FpLoopReg): the four the block uses most
// (get_freg/set_freg counts) stay in xmm10-13 from the preamble to the
// exits. A register whose values are read as singles (by an op that checks
// NaN-boxing) qualifies only if every value the body gives it is a boxed
// single by construction; the preamble checks its value at entry is boxed,
// and the body reads it with no check (spectral norm's fmadd.s
// accumulator: no store and reload per round).
void Emitter::plan_fp_loop() {
  n_fp_loop_ = 0;
  for (int8_t& r : fp_res_) r = -1;
  static const bool off = getenv("HART_JIT_NO_FP_LOOP") != nullptr;  // (for comparisons)
  if (!loop_ || (tb_->flags & kTbChecked) || off) return;
  // Boxed singles by construction: single-precision results (the backend
  // NaN-boxes them), unbox_s, flw/fmv.w.x (boxed_), constants with ones
  // above bit 31, and the fsgnj family's bit operations on such values.
  ArenaArray<bool> boxed = arena_.array(ir_.num_temps, false);
  ArenaArray<int8_t> freg_of = arena_.array<int8_t>(ir_.num_temps, -1);  // get_freg temps
  int uses[32] = {};
  bool written[32] = {}, read_single[32] = {}, sets_boxed[32];
  for (bool& b : sets_boxed) b = true;
  auto high_ones = [](int64_t v) { return (static_cast<uint64_t>(v) >> 32) == 0xffffffffu; };
  auto high_zero = [](int64_t v) { return (static_cast<uint64_t>(v) >> 32) == 0; };
  for (const IrInsn& i : ir_.insns) {
    if (i.op == IrOp::vec || i.op == IrOp::vec_x) return;  // (xmm10-13; never in a self-loop)
    const bool single = i.aux == 1;
    switch (i.op) {
      case IrOp::get_freg:
        ++uses[i.imm];
        freg_of[i.dst] = static_cast<int8_t>(i.imm);
        break;
      case IrOp::set_freg:
        ++uses[i.imm];
        written[i.imm] = true;
        if (!boxed[i.a]) sets_boxed[i.imm] = false;
        break;
      case IrOp::movi:
        boxed[i.dst] = high_ones(i.imm);
        break;
      case IrOp::unbox_s: case IrOp::fcvt_ds:
        boxed[i.dst] = true;
        break;
      case IrOp::or_: case IrOp::and_: case IrOp::xor_: {
        // (With a constant b, its upper half decides; else both operands.)
        const int d = def_at_[i.b];
        const IrInsn* c = d != INT_MAX && ir_.insns[d].op == IrOp::movi ? &ir_.insns[d] : nullptr;
        if (i.aux & 1) boxed[i.dst] = false;  // (zero-extended: ir_narrow)
        else if (i.op == IrOp::or_) boxed[i.dst] = boxed_[i.dst] || boxed[i.a] || boxed[i.b];
        else if (c) boxed[i.dst] = boxed[i.a] && (i.op == IrOp::and_ ? high_ones(c->imm) : high_zero(c->imm));
        else boxed[i.dst] = i.op == IrOp::and_ && boxed[i.a] && boxed[i.b];
        break;
      }
      case IrOp::fadd: case IrOp::fsub: case IrOp::fmul: case IrOp::fdiv: case IrOp::fsqrt:
      case IrOp::fmadd: case IrOp::fmsub: case IrOp::fnmsub: case IrOp::fnmadd:
      case IrOp::fmin: case IrOp::fmax:
        boxed[i.dst] = single;
        [[fallthrough]];
      case IrOp::feq: case IrOp::flt: case IrOp::fle: {
        if (!single) break;
        uint32_t args[kIrMaxArgs];
        const int n = ir_args(i, args);
        for (int j = 0; j < n; ++j)
          if (freg_of[args[j]] >= 0) read_single[freg_of[args[j]]] = true;
        break;
      }
      case IrOp::fcvt_fi:
        if ((i.aux & kFcvtSingle) && freg_of[i.a] >= 0) read_single[freg_of[i.a]] = true;
        break;
      case IrOp::fcvt_sd:
        if (freg_of[i.a] >= 0) read_single[freg_of[i.a]] = true;
        break;
      case IrOp::fcvt_if:
        boxed[i.dst] = i.aux & kFcvtSingle;
        break;
      default:
        break;
    }
  }
  int order[32];
  for (int f = 0; f < 32; ++f) order[f] = f;
  std::stable_sort(order, order + 32, [&](int a, int b) { return uses[a] > uses[b]; });
  for (int k = 0; k < 32 && n_fp_loop_ < kFpLoopMax; ++k) {
    const int f = order[k];
    if (uses[f] == 0) break;
    if (read_single[f] && !sets_boxed[f]) continue;  // (its reads keep their box checks)
    FpLoopReg& r = fp_loop_regs_[n_fp_loop_];
    r.freg = static_cast<uint8_t>(f);
    r.xmm = static_cast<uint8_t>(kFpLoopFirst + n_fp_loop_);
    r.dirty = written[f];
    r.box = read_single[f];
    fp_res_[f] = static_cast<int8_t>(n_fp_loop_++);
  }
}

void Emitter::evict_fp_resident(int k) {
  const int x = fp_loop_regs_[k].xmm;
  for (Temp t = scan_lo_; t < scan_hi_; ++t) {
    Loc& l = loc_[t];
    if (l.kind != LocKind::Xmm || l.reg != x || !live_after(t)) continue;
    const int to = alloc_xmm();
    if (to >= 0) {
      a_.movaps(Xmm(xmm(static_cast<uint32_t>(to))), Xmm(xmm(static_cast<uint32_t>(x))));
      xmm_owner_[to] = t;
      l.reg = static_cast<uint8_t>(to);  // (index: its precision, unchanged)
    } else {
      set_spill(t);
      a_.movsd(mem_of(loc_[t]), Xmm(xmm(static_cast<uint32_t>(x))));
    }
  }
}

void Emitter::plan_narrow() {
  for (bool& n : narrow_) n = false;
  for (bool& n : sext_check_) n = false;
  set_src_ = arena_.array(ir_.insns.size(), kNoTemp);
  cmp32_ = arena_.array(ir_.insns.size(), Cmp32{});
  static const bool off = getenv("HART_JIT_NO_NARROW") != nullptr;  // (for comparisons)
  if (!loop_ || (tb_->flags & kTbChecked) || off) return;
  // Every value the body gives x is sign-extended from 32 bits, so that
  // x = sext32(its host register) holds everywhere in the loop.
  auto sext32 = [&](Temp v) {
    const int d = def_at_[v];
    if (d == INT_MAX) return false;
    const IrInsn& i = ir_.insns[d];
    switch (i.op) {
      case IrOp::sext_w: case IrOp::divw: case IrOp::divuw: case IrOp::remw: case IrOp::remuw:
        return true;
      case IrOp::shlw: case IrOp::shrw: case IrOp::sarw: case IrOp::rotlw: case IrOp::rotrw:
        return i.aux == 0;  // (aux 1: upper half unspecified, ir_narrow)
      case IrOp::movi:
        return i.imm == static_cast<int32_t>(i.imm);
      case IrOp::load:  // bytes and halves either way, words sign-extended
        return (i.aux & 0xf) < 4 || ((i.aux & 0xf) == 4 && (i.aux & 0x10));
      default:
        return false;
    }
  };
  // 32-bit compares: a brcond or exit_if whose operands are both values
  // sign-extended from 32 bits compares as their low halves do (sext32
  // keeps both the signed and the unsigned order). An operand is sext_w(u)
  // (u's low half is read instead, and the extension may go), a value
  // sign-extended by its definition, or a register's value at the loop
  // head: a narrow register's (its host register's low half is exact) or
  // an invariant one's (the preamble checks it is sign-extended). Such a
  // compare reads only the low halves, which lets the registers it reads
  // at the head be narrow: the shell sort's `bgt a5,t1` before its
  // `subw t1,t1,a5`, the CRC's `addiw a3,a3,-1; bnez a3`.
  auto operand = [&](Temp v, Temp* use, int* head) {
    *use = v, *head = head_of_[v];
    if (*head >= 0) return true;
    const int d = def_at_[v];
    if (d != INT_MAX && ir_.insns[d].op == IrOp::sext_w) return *use = ir_.insns[d].a, true;
    return sext32(v);
  };
  // By candidate compare (low[k]): what it would read of each operand, and
  // whose head value that operand is (-1: none).
  struct Reads {
    Temp use[2];
    int head[2];
  };
  ArenaArray<bool> low = arena_.array(ir_.insns.size(), false);
  ArenaArray<Reads> reads = arena_.array(ir_.insns.size(), Reads{});
  bool any_low = false;
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    const IrInsn& i = ir_.insns[k];
    if ((i.op != IrOp::brcond && i.op != IrOp::exit_if) || (i.aux & kCondTest)) continue;
    Reads& r = reads[k];
    low[k] = operand(i.a, &r.use[0], &r.head[0]) && operand(i.b, &r.use[1], &r.head[1]);
    any_low |= low[k];
  }
  bool narrow[32];
  auto decide = [&] {
    ArenaArray<bool> full = arena_.array(ir_.num_temps, false);
    ir_upper_read(ir_, full, any_low ? low.data() : nullptr);
    bool bad[32] = {};
    for (const IrInsn& i : ir_.insns) {
      // (A read after a write reads the register itself.)
      if (i.op == IrOp::get_reg) bad[i.imm] |= head_of_[i.dst] < 0 || full[i.dst];
      if (i.op == IrOp::set_reg) bad[i.imm] |= !sext32(i.a);
    }
    // (Registers the rematerialisation of self-loops takes out or rebuilds
    // others from are read whole by its records: not narrow.)
    for (const RematUse& u : remat_) bad[u.r.xreg] = bad[u.r.src] = bad[u.r.src2] = true;
    for (int x = 0; x < 32; ++x) {
      narrow[x] = false;
      if (x == 0 || bad[x] || remat_dropped_[x] || last_set_[x] < 0 || pins().host[x] < 0) continue;
      const int d = def_at_[ir_.insns[last_set_[x]].a];
      narrow[x] = d != INT_MAX && ir_.insns[d].op == IrOp::sext_w;
    }
  };
  // A compare stays 32-bit when each head value it reads is a narrow or an
  // invariant register's, and it gains something: an extension it need not
  // read, or a narrow register. Each one given up may make registers wide
  // again: decide anew until nothing changes.
  // Reading u instead of sext_w(u) gains only if nothing else reads the
  // extension (a narrow register's last set_reg reads u itself), or if u
  // lives on anyway: read at or after the compare, or the value a narrow
  // register holds from its last set_reg on. Else the extension stays and u
  // must live on beside it for the compare alone (bzip2's `subw a5,a5,a7;
  // bnez a5` with a5 live out of the round cost a mov and a test).
  // Readers of each temp but the 32-bit compares and the narrow registers'
  // last set_regs (which read what is under the extension), and where the
  // last one reads it.
  ArenaArray<int> others = arena_.array(ir_.num_temps, 0), last_read = arena_.array(ir_.num_temps, -1);
  auto count_readers = [&] {
    for (int& n : others) n = 0;
    for (int& n : last_read) n = -1;
    for (size_t k = 0; k < ir_.insns.size(); ++k) {
      const IrInsn& i = ir_.insns[k];
      if (low[k]) continue;
      if (i.op == IrOp::set_reg && narrow[i.imm] && last_set_[i.imm] == static_cast<int>(k)) {
        last_read[ir_.insns[def_at_[i.a]].a] = INT_MAX;  // (held in the register to the round's end)
        continue;
      }
      uint32_t args[kIrMaxArgs];
      const int n = ir_args(i, args);
      for (int j = 0; j < n; ++j) {
        ++others[args[j]];
        last_read[args[j]] = std::max(last_read[args[j]], static_cast<int>(k));
      }
    }
    for (const RematUse& u : remat_)
      if (u.temp != kNoTemp) ++others[u.temp], last_read[u.temp] = INT_MAX;
  };
  for (bool changed = true; changed;) {
    decide();
    changed = false;
    if (!any_low) break;
    count_readers();
    for (size_t k = 0; k < ir_.insns.size(); ++k) {
      if (!low[k]) continue;
      const IrInsn& i = ir_.insns[k];
      bool ok = true, gain = false;
      for (int j = 0; j < 2; ++j) {
        const int h = reads[k].head[j];
        const Temp operand = j ? i.b : i.a;
        if (h >= 0) ok &= narrow[h] || last_set_[h] < 0, gain |= narrow[h];
        const Temp use = reads[k].use[j];
        gain |= use != operand && (others[operand] == 0 || last_read[use] >= static_cast<int>(k));
      }
      if (!ok || !gain) low[k] = false, changed = true;
    }
  }
  bool any_narrow = false;
  for (int x = 1; x < 32; ++x) {
    if (!narrow[x]) continue;
    const IrInsn& s = ir_.insns[last_set_[x]];
    const Temp t = ir_.insns[def_at_[s.a]].a;
    narrow_[x] = any_narrow = true;
    set_src_[last_set_[x]] = t;
    last_use_[t] = std::max(last_use_[t], last_set_[x]);
  }
  if (!any_low && !any_narrow) return;
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    if (!low[k]) continue;
    const Reads& r = reads[k];
    cmp32_[k] = {r.use[0], r.use[1]};
    for (int j = 0; j < 2; ++j) {
      if (r.head[j] >= 0 && !narrow[r.head[j]]) sext_check_[r.head[j]] = true;
      last_use_[r.use[j]] = std::max(last_use_[r.use[j]], static_cast<int>(k));
    }
  }
  // Extensions nobody reads any more (a narrow register's set_reg reads
  // what is under it; a 32-bit compare likewise) are not emitted
  // (last_use_ -1): the byte sum's `addw a4,a4,a3; sext.w a3,a4` into two
  // narrow registers had a movsxd into a register nothing read.
  count_readers();  // (the compares and narrow registers as decided)
  bool kept = false;
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    if (ir_.insns[k].op != IrOp::sext_w) continue;
    if (others[ir_.insns[k].dst] == 0) last_use_[ir_.insns[k].dst] = -1;
    else kept = true;
  }
  if (kept && any_narrow && own_ir_) drop_low_extensions(low);
}

void Emitter::drop_low_extensions(const ArenaArray<bool>& low) {
  // Extensions whose readers all look at low halves only, now that the
  // narrow registers' last set_regs and the 32-bit compares read what is
  // under them: `addw a3,a1,a5` into a narrow a3 whose value the round's
  // `slliw a5,a3,2` reads had a movsxd into a second register for the
  // slliw, beside the narrow register's copy. Those readers read the value
  // under the extension instead (its low half is the same), and the
  // extension is not emitted.
  ArenaArray<bool> skip = arena_.array(ir_.insns.size(), false);
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    const IrInsn& i = ir_.insns[k];
    skip[k] = low[k] || (i.op == IrOp::set_reg && narrow_[i.imm] && last_set_[i.imm] == static_cast<int>(k));
  }
  ArenaArray<bool> full = arena_.array(ir_.num_temps, false);
  ir_upper_read(ir_, full, skip.data());
  for (const RematUse& u : remat_)  // (its records read them whole)
    if (u.temp != kNoTemp) full[u.temp] = true;
  std::vector<IrInsn>& insns = own_ir_->insns;
  for (size_t k = 0; k < insns.size(); ++k) {
    const IrInsn& e = insns[k];
    if (e.op != IrOp::sext_w || last_use_[e.dst] < 0 || full[e.dst]) continue;
    const Temp d = e.dst, u = e.a;
    for (size_t j = k + 1; j < insns.size() && static_cast<int>(j) <= last_use_[d]; ++j)
      ir_map_args(insns[j], [&](Temp t) { return t == d ? u : t; });
    last_use_[u] = std::max(last_use_[u], last_use_[d]);
    last_use_[d] = -1;
  }
}

// Where the block may leave the exit request unread (see "Exit requests"
// in docs/ARCHITECTURE.md): a kick anywhere in generated code poisons r14
// (Jit::poisonable) and the next guest access faults, with exact state
// from the recovery records every access has. So a self-loop's rounds
// need no read when every round that goes round again makes an access
// (the body is straight code up to the back edge: unpolled_; its preamble
// reads the request on every entry), and a plain block needs none at its
// entry when its first access comes before any way out of it (before
// any exit, branch, helper call or other effect: skip_entry_read_), so
// that a poisoned r14 it is entered with faults there. r14 is the memory
// base in both (plan_mem_free: only blocks without an access take it).
// Counting, single-step and debugger blocks read it as before.
void Emitter::plan_unpolled() {
  loop_accesses_ = 0;
  unpolled_ = loop_ && loop_access_ && opt_.unpolled && !(tb_->flags & kTbCount);  // (loop_: rec_ is there)
  skip_entry_read_ = false;
  first_access_ = -1;
  if (loop_ || !opt_.unpolled || !rec_ || mem_free_ || (tb_->flags & (kTbCount | kTbOneInsn | kTbDebugStep)))
    return;
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    const IrOp op = ir_.insns[k].op;
    if (op == IrOp::load || op == IrOp::store) {
      first_access_ = static_cast<int>(k);
      skip_entry_read_ = true;
      return;
    }
    // (Register moves and plain integer values only: no FP op, whose cold
    // path may call into hartd, and nothing that leaves.)
    if (op == IrOp::insn_start || op == IrOp::set_reg) continue;
    if (ir_info(op).flags & (kIrSide | kIrTerm | kIrClobbers | kIrFault | kIrReadsState)) return;
  }
}

void Emitter::emit_loop_entry() {
  for (int k = 0; k < n_loop_; ++k) {
    const PinnedReg& pr = kPinnedRegs[loop_regs_[k].pin];
    a_.mov(xreg_mem(pr.xreg), gp_of_id(pr.host_id));
    a_.mov(gp_of_id(pr.host_id), xreg_mem(loop_regs_[k].xreg));
  }
  preamble_fail_ = a_.newLabel();
  // (Loaded before any check can fail: the way out stores them back.)
  for (int k = 0; k < n_fp_loop_; ++k)
    a_.movsd(Xmm(xmm(fp_loop_regs_[k].xmm)), freg_mem(fp_loop_regs_[k].freg));
  for (int k = 0; k < n_fp_loop_; ++k) {
    if (!fp_loop_regs_[k].box) continue;
    a_.cmp(freg_mem(fp_loop_regs_[k].freg, 4).cloneAdjusted(4), -1);
    a_.jne(preamble_fail_);
  }
  // Narrow registers start exact: sign-extended from 32 bits already; so
  // do the invariant registers 32-bit compares read.
  for (int x = 1; x < 32; ++x) {
    if (!narrow_[x] && !sext_check_[x]) continue;
    if (pins().host[x] >= 0) {
      const Gp r = gp_of_id(pins().host[x]);
      a_.movsxd(rax, r.r32());
      a_.cmp(rax, r);
    } else {
      Mem m = xreg_mem(x);
      m.setSize(4);
      a_.movsxd(rax, m);
      a_.cmp(rax, xreg_mem(x));
    }
    a_.jne(preamble_fail_);
  }
  for (int x = 1; x < 32; ++x)
    if (inv_host_[x] >= 0) a_.mov(gp_of_id(inv_host_[x]), xreg_mem(x));
  emit_based_entry();
  emit_induction_checks();  // (the residents are in place: read from there)
  if (!remat_.empty()) a_.mov(dword_ptr(rsp, kLoopFlagSlot), 0);  // first iteration
  loop_head_ = a_.newLabel();
  loop_req_ = a_.newLabel();
  if (unpolled_) {
    // Read once per entry; a kick after the read poisons r14.
    a_.cmp(state_mem(offsetof(CpuState, exit_request), 4), 0);
    a_.jne(loop_req_);
  }
  a_.addEncodingOptions(EncodingOptions::kOptimizedAlign);  // a few long nops, run once per entry
  a_.align(AlignMode::kCode, 16);
  a_.bind(loop_head_);
  loop_start_ = static_cast<uint32_t>(a_.offset());
  if (!unpolled_) {
    // The exit request is read once per round, as at every block entry.
    a_.cmp(state_mem(offsetof(CpuState, exit_request), 4), 0);
    a_.jne(loop_req_);
  }
}

void Emitter::emit_loop_leave(bool sext) {
  for (int x = 1; x < 32 && sext; ++x)
    if (narrow_[x]) a_.movsxd(gp_of_id(pins().host[x]), gp_of_id(pins().host[x]).r32());
  for (int k = 0; k < n_loop_; ++k) {
    const LoopReg& r = loop_regs_[k];
    const PinnedReg& pr = kPinnedRegs[r.pin];
    if (r.dirty) a_.mov(xreg_mem(r.xreg), gp_of_id(pr.host_id));
    a_.mov(gp_of_id(pr.host_id), xreg_mem(pr.xreg));
  }
  for (int k = 0; k < n_fp_loop_; ++k)
    if (fp_loop_regs_[k].dirty) a_.movsd(freg_mem(fp_loop_regs_[k].freg), Xmm(xmm(fp_loop_regs_[k].xmm)));
}

void Emitter::emit_loop_branch(const IrInsn& i, CondCode cc) {
  const uint64_t pc = tb_->pc;
  if (!remat_.empty()) a_.mov(dword_ptr(rsp, kLoopFlagSlot), 1);  // (keeps the flags)
  if (i.op == IrOp::goto_tb || static_cast<uint64_t>(i.imm) == static_cast<uint64_t>(i.imm2)) {
    a_.jmp(loop_head_);
    return;
  }
  // One side goes round again; the other leaves, once the registers are
  // home, through the block's only chainable exit (index 0).
  const bool taken_loops = static_cast<uint64_t>(i.imm) == pc;
  a_.j(taken_loops ? cc : negateCond(cc), loop_head_);
  emit_remat(kRematEnd, false);
  emit_loop_leave();
  emit_exit_jump(0, static_cast<uint64_t>(taken_loops ? i.imm2 : i.imm));
}

void Emitter::emit_side_exits() {
  // Side exits to one target share one cold path; in a self-loop block each
  // target takes a chainable exit while one is left (the first is
  // side_exit_index_; the back edge's other side has exit 0), further
  // targets leave through the dispatcher.
  int next_index = side_exit_index_;
  for (size_t k = 0; k < side_exits_.size(); ++k) {
    const uint64_t target = side_exits_[k].target;
    bool seen = false;
    for (size_t j = 0; j < k; ++j) seen |= side_exits_[j].target == target;
    if (seen) continue;
    for (size_t j = k; j < side_exits_.size(); ++j)
      if (side_exits_[j].target == target) a_.bind(side_exits_[j].label);
    if (loop_) {
      emit_loop_leave();
      if (next_index < static_cast<int>(kTbExits)) {
        emit_exit_jump(next_index++, target);
        continue;
      }
    }
    emit_leave_at(target);
  }
}

void Emitter::finish_loop() {
  a_.bind(loop_req_);
  if (!remat_.empty()) {  // (before the first iteration, the registers are still in CpuState)
    Label first = a_.newLabel();
    a_.cmp(dword_ptr(rsp, kLoopFlagSlot), 0);
    a_.je(first);
    emit_remat(kRematEnd, false);
    a_.bind(first);
  }
  emit_loop_leave();
  emit_leave_at(tb_->pc);
  bool box_check = false;
  for (int k = 0; k < n_fp_loop_; ++k) box_check |= fp_loop_regs_[k].box;
  if (!induction_.empty() || std::find(narrow_, narrow_ + 32, true) != narrow_ + 32 ||
      std::find(sext_check_, sext_check_ + 32, true) != sext_check_ + 32 || box_check) {
    // A check before the first iteration failed (an induction base's, a
    // narrow register's): nothing has run; the dispatcher runs the block's
    // kTbChecked form, which checks every access where it runs and has no
    // narrow registers.
    a_.bind(preamble_fail_);
    emit_loop_leave(false);
    emit_store_pc(tb_->pc);
    a_.mov(state_mem(offsetof(CpuState, one_insn_once), 4), Imm(2));
    emit_leave0();
  }
  // From the loop head on (the cold code after the body cannot fault), the
  // residents are in their host registers and the pins' values in CpuState.
  const uint32_t end = static_cast<uint32_t>(a_.offset());
  // Where the body lent a resident's register out (its guest value stored
  // home for that range: LentRange records of its pin), the resident is
  // read from CpuState instead.
  const size_t n_lent = rec_->lent.size();
  for (int k = 0; k < n_loop_; ++k) {
    const LoopReg& r = loop_regs_[k];
    std::vector<std::pair<uint32_t, uint32_t>> gaps;
    for (size_t j = 0; j < n_lent; ++j) {
      const LentRange& l = rec_->lent[j];
      if (l.pin == r.pin && l.start >= loop_start_) gaps.emplace_back(l.start, l.end);
    }
    std::sort(gaps.begin(), gaps.end());
    rec_->lent.push_back({loop_start_, end, r.pin});
    DeferredReg d;
    d.xreg = r.xreg;
    d.kind = narrow_[r.xreg] ? DeferredReg::HostRegSext32 : DeferredReg::HostReg;
    d.index = kPinnedRegs[r.pin].host_id;
    uint32_t from = loop_start_;
    gaps.emplace_back(end, end);
    for (const auto& [gs, ge] : gaps) {
      if (gs > from) {
        d.start = from;
        d.end = gs;
        rec_->deferred.push_back(d);
      }
      from = std::max(from, ge);
    }
  }
  // FP residents are in their xmm registers from the loop head on.
  for (int k = 0; k < n_fp_loop_; ++k)
    rec_->fp.push_back({loop_start_, end, fp_loop_regs_[k].freg, fp_loop_regs_[k].xmm});
  // Narrow pins that stay in their own registers (residents are above).
  for (int x = 1; x < 32; ++x) {
    bool resident = false;
    for (int k = 0; k < n_loop_; ++k) resident |= loop_regs_[k].xreg == x;
    if (!narrow_[x] || resident) continue;
    DeferredReg d;
    d.xreg = static_cast<uint8_t>(x);
    d.kind = DeferredReg::HostRegSext32;
    d.index = pins().host[x];
    d.start = loop_start_;
    d.end = end;
    rec_->deferred.push_back(d);
  }
}

}  // namespace hart::x86be
