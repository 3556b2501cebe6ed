// translator/backend_x86_alloc.cpp — the backend's value locations and
// register allocation: where each temp lives (host register, guest slot,
// spill slot, constant, XMM), the pool, lending pinned registers, deferred
// set_regs and their fault-recovery records, spilling (furthest next use)
// and eviction before code that clobbers registers. The code emitted for
// each IR op is in backend_x86.cpp and its siblings. See "Register
// allocation" in docs/ARCHITECTURE.md.
#include <algorithm>
#include <climits>

#include "translator/backend_x86_emitter.h"

namespace hart::x86be {
Gp Emitter::pinned_of(int xreg) const {
  int h = pins().host[xreg];
  return h < 0 ? Gp() : gp_of_id(h);
}

Mem Emitter::mem_of(const Loc& l) const {
  switch (l.kind) {
    case LocKind::GuestX: return xreg_mem(l.index);
    case LocKind::GuestF: return freg_mem(l.index);
    default: return ptr(rsp, kSpillOffset + l.index * 8, 8);  // (Spill)
  }
}

Operand Emitter::gp_src(Temp t, const Gp& scratch) {
  const Loc& l = loc_[t];
  switch (l.kind) {
    case LocKind::Const:
      if (fits_i32(l.value)) return Imm(l.value);
      a_.mov(scratch, static_cast<uint64_t>(l.value));
      return scratch;
    case LocKind::Gp:
      return gp_of_id(l.reg);
    case LocKind::Xmm:
      a_.movq(scratch, Xmm(xmm(l.reg)));
      return scratch;
    case LocKind::None:
      error_ = "backend: temp t" + std::to_string(t) + " used without a location (at IR insn " + std::to_string(idx_) + ", " + ir_info(ir_.insns[idx_].op).name + ")";
      return scratch;
    default:
      return mem_of(l);
  }
}

Gp Emitter::gp_in_reg(Temp t, const Gp& scratch) {
  Operand o = gp_src(t, scratch);
  if (o.isReg()) return o.as<Gp>();
  emit_mov(scratch, o);
  return scratch;
}

void Emitter::set_gp(Temp t, const Gp& r) {
  loc_[t].kind = LocKind::Gp;
  loc_[t].reg = static_cast<uint8_t>(r.id());
  note_gp(r.id());
  if (owned_reg(r.id())) gp_owner_[r.id()] = t;
}

bool Emitter::owned_reg(int id) const {
  if (is_pool(id)) return true;
  int p = pins().pin_of_host[id];
  return p >= 0 && (lent_ >> p & 1);
}

// The result of i is in `from` (a scratch register): release dying operands
// and move it to the result's own location.
void Emitter::finish_in(const IrInsn& i, const Gp& from) {
  free_dead_operands();
  Gp d = alloc_gp_dst(i.dst);
  if (d.isValid()) {
    a_.mov(d, from);
    set_gp(i.dst, d);
  } else {
    set_spill(i.dst);
    a_.mov(mem_of(loc_[i.dst]), from);
  }
}

// The result of i was computed in d, or in rax when no register was free.
void Emitter::place_result(const IrInsn& i, const Gp& d) {
  if (d.isValid()) {
    set_gp(i.dst, d);
  } else {
    set_spill(i.dst);
    a_.mov(mem_of(loc_[i.dst]), rax);
  }
}

void Emitter::set_spill(Temp t) {
  for (int s = 0; s < kSpillSlots; ++s)
    if (!slot_busy_[s]) {
      slot_busy_[s] = true;
      loc_[t].kind = LocKind::Spill;
      loc_[t].index = s;
      return;
    }
  error_ = "too many live values in one block";
}

int Emitter::pinned_target(Temp dst, int* at) const {
  // The next insn assigns dst to a pinned guest register: compute it there
  // (later readers find it there; if the register is overwritten while dst
  // is still needed, evict() moves dst first).
  // (An extension between them that nobody reads is not emitted: a narrow
  // register's `addw`, whose compare reads the sum: plan_narrow.)
  size_t k = idx_ + 1;
  while (k < ir_.insns.size() && ir_.insns[k].op == IrOp::sext_w && ir_.insns[k].a == dst &&
         last_use_[ir_.insns[k].dst] < 0)
    ++k;
  if (k >= ir_.insns.size()) return -1;
  const IrInsn& n = ir_.insns[k];
  if (n.op != IrOp::set_reg || (set_src_[k] != kNoTemp ? set_src_[k] : n.a) != dst) return -1;
  if (at) *at = static_cast<int>(k);
  return pins().host[n.imm] >= 0 ? static_cast<int>(n.imm) : -1;
}

Gp Emitter::alloc_gp_dst(Temp dst, Temp reuse, bool load_result) {
  int at = 0;
  int x = pinned_target(dst, &at);
  if (x >= 0) {
    // Compute straight into the guest register's host register. Values
    // still needed from it are moved away first (it may be lent out).
    evict(LocKind::Gp, pins().host[x]);
    pin_busy_until_[pins().host[x]] = at;  // not lent before its set_reg
    return pinned_of(x);
  }
  if (reuse != kNoTemp && dying(reuse) && loc_[reuse].kind == LocKind::Gp && owned_reg(loc_[reuse].reg) &&
      gp_owner_[loc_[reuse].reg] == reuse) {
    Gp r = gp_of_id(loc_[reuse].reg);
    gp_owner_[r.id()] = kNoTemp;
    return r;
  }
  // (A register lent here takes the result itself: lend_soft_here.)
  lending_load_dst_ = load_result;
  if (reuse != kNoTemp && reusable_pinned(reuse)) {  // the guest value's last read: lend its register
    const int id = loc_[reuse].reg;
    lend(pins().pin_of_host[id]);
    lending_load_dst_ = false;
    return gp_of_id(id);
  }
  Gp r = free_pool_reg();
  lending_load_dst_ = false;
  return r.isValid() ? r : take_pool_reg(dst);
}

Gp Emitter::free_pool_reg(int avoid) {
  for (const Gp& r : kPool)
    if (is_pool(r.id()) && gp_owner_[r.id()] == kNoTemp && !reserved_[r.id()] && static_cast<int>(r.id()) != avoid)
      return r;
  // A pinned register already lent out and free again, else one to lend.
  int candidate = -1;
  for (int p = 0; p < 7; ++p) {
    const int id = kPinnedRegs[p].host_id;
    if (id == avoid) continue;
    if ((lent_ >> p & 1) && gp_owner_[id] == kNoTemp) return gp_of_id(id);
    if (candidate < 0 && !(lent_ >> p & 1) && lendable(p)) candidate = p;
  }
  if (candidate < 0) return Gp();
  lend(candidate);
  return gp_of_id(kPinnedRegs[candidate].host_id);
}

void Emitter::cancel_pending(int x) {
  Temp t = pending_[x];
  if (t == kNoTemp) return;
  pending_[x] = kNoTemp;
  pending_bits_ &= ~(1u << x);
  pending_mask_[t] &= ~(1u << x);
  if (last_use_[t] > static_cast<int>(idx_) || is_operand(t)) return;
  // Kept alive only for this register: release its location.
  Loc& l = loc_[t];
  if (l.kind == LocKind::Gp && gp_owner_[l.reg] == t) gp_owner_[l.reg] = kNoTemp;
  if (l.kind == LocKind::Spill) slot_busy_[l.index] = false;
}

void Emitter::park_dying(const IrInsn& i) {
  // A deferred value read for the last time here, in a register, with no
  // pool register free: stored home now, so that its register can take
  // this insn's result instead of being held until x's next set_reg.
  // A store has no result to make room for. A load may put its result in
  // the register of its own address when nothing needs that value after
  // it: the load writes the register only if it does not fault, so the
  // recovery record of this access (made from the locations before the
  // result is placed) still finds the value there.
  if (!pending_bits_ || i.op == IrOp::store) return;
  uint32_t args[kIrMaxArgs];
  int n = ir_args(i, args);
  int pool_free = -1;  // (found once, if an argument needs it)
  for (int k = 0; k < n; ++k) {
    Temp t = args[k];
    if (!pending_mask_[t] || real_last_[t] != static_cast<int>(idx_) || loc_[t].kind != LocKind::Gp) continue;
    if (i.op == IrOp::load && t == i.a) {
      bool ends_here = true;
      for (uint32_t m = pending_mask_[t]; m; m &= m - 1) ends_here &= pending_until_[__builtin_ctz(m)] == static_cast<int>(idx_);
      if (ends_here && owned_reg(loc_[t].reg) && gp_owner_[loc_[t].reg] == t) {
        last_use_[t] = static_cast<int>(idx_);
        continue;
      }
    }
    if (pool_free < 0) {
      pool_free = 0;
      for (const Gp& r : kPool)
        if (is_pool(r.id()) && gp_owner_[r.id()] == kNoTemp && !reserved_[r.id()]) pool_free = 1;
    }
    if (pool_free) continue;
    const Loc keep = loc_[t];
    park(t, gp_of_id(keep.reg));
    loc_[t] = keep;  // still read from the register by this insn
    last_use_[t] = static_cast<int>(idx_);
  }
}

void Emitter::park(Temp t, const Gp& from) {
  int first = -1;
  for (uint32_t m = pending_mask_[t]; m; m &= m - 1) {
    const int x = __builtin_ctz(m);
    a_.mov(xreg_mem(x), from);
    pending_[x] = kNoTemp;
    if (first < 0) first = x;
  }
  pending_bits_ &= ~pending_mask_[t];
  pending_mask_[t] = 0;
  loc_[t].kind = LocKind::GuestX;  // readable from there until x is written again
  loc_[t].index = first;
  note_xslot(first);
}

std::vector<std::pair<uint8_t, Loc>> Emitter::pending_now() const {
  std::vector<std::pair<uint8_t, Loc>> v;
  for (uint32_t m = pending_bits_; m; m &= m - 1) {
    const int x = __builtin_ctz(m);
    v.emplace_back(static_cast<uint8_t>(x), loc_[pending_[x]]);
  }
  return v;
}

Emitter::PendingPlaces Emitter::pending_places() const {
  PendingPlaces p;
  for (uint32_t m = pending_bits_; m; m &= m - 1, ++p.n) {
    p.x[p.n] = static_cast<uint8_t>(__builtin_ctz(m));
    p.l[p.n] = loc_[pending_[p.x[p.n]]];
  }
  return p;
}

void Emitter::note_pending(uint32_t start, const PendingPlaces* before) {
  if (!rec_) return;
  if (before) {
    for (int k = 0; k < before->n; ++k) note_at(start, before->x[k], before->l[k]);
  } else {
    for (uint32_t m = pending_bits_; m; m &= m - 1) {  // (as pending_now(), without building a vector per access)
      const int x = __builtin_ctz(m);
      note_at(start, x, loc_[pending_[x]]);
    }
  }
  if (!remat_.empty()) note_remat(start);
}

void Emitter::note_at(uint32_t start, int x, const Loc& l, bool remat) {
  DeferredReg d;
  d.remat = remat;
  d.start = start;
  d.end = static_cast<uint32_t>(a_.offset());
  d.xreg = static_cast<uint8_t>(x);
  switch (l.kind) {
    case LocKind::Gp: d.kind = DeferredReg::HostReg; d.index = l.reg; break;
    case LocKind::Spill: d.kind = DeferredReg::SpillSlot; d.index = l.index; break;
    case LocKind::Const: d.kind = DeferredReg::Constant; d.value = l.value; break;
    case LocKind::GuestX: d.kind = DeferredReg::GuestSlot; d.index = l.index; break;
    default: error_ = "backend: deferred register in an XMM register"; break;
  }
  rec_->deferred.push_back(d);
}

bool Emitter::reusable_pinned(Temp t) const {
  if (!dying(t) || loc_[t].kind != LocKind::Gp) return false;
  const int id = loc_[t].reg, p = pins().pin_of_host[id];
  return p >= 0 && !(lent_ >> p & 1) && idx_ < lend_ok_.size() && (lend_ok_[idx_] >> p & 1) &&
         (rec_ || !lend_soft_here(p)) && pin_busy_until_[id] <= static_cast<int>(idx_);
}

bool Emitter::lend_soft_here(int p) const {
  // A later access before the guest register's set_reg, or this insn's
  // own fault — except a plain load's into the register lent for its
  // result: the load writes it only if it does not fault, so at the fault
  // the register still holds the guest value (Jit::restore_state reads it
  // from the context; the check's fault stub runs before the lend).
  if (lend_soft_[idx_] >> p & 1) return true;
  return (ir_info(ir_.insns[idx_].op).flags & kIrFault) && !lending_load_dst_;
}

bool Emitter::lendable(int p) const {
  if (idx_ >= lend_ok_.size() || !(lend_ok_[idx_] >> p & 1)) return false;
  if (!rec_ && lend_soft_here(p)) return false;  // nowhere to record the range
  return pin_busy_until_[kPinnedRegs[p].host_id] < static_cast<int>(idx_);
}

void Emitter::lend(int p) {
  const PinnedReg& pr = kPinnedRegs[p];
  lent_ |= static_cast<uint8_t>(1u << p);
  gp_owner_[pr.host_id] = kNoTemp;
  if (lend_soft_here(p)) {
    // A load or store may fault before the guest register is written: its
    // value goes home, where Jit::restore_state finds it.
    a_.mov(xreg_mem(pins().xreg_of_pin[p]), gp_of_id(pr.host_id));
    lent_start_[p] = static_cast<uint32_t>(a_.offset());
  } else {
    lent_start_[p] = UINT32_MAX;  // nothing can observe the guest register meanwhile
  }
}

void Emitter::end_lend(int p) {
  if (!(lent_ >> p & 1)) return;
  lent_ &= static_cast<uint8_t>(~(1u << p));
  gp_owner_[kPinnedRegs[p].host_id] = kNoTemp;
  // The range ends with the current insn's code: a load whose result goes
  // to the register may still fault after this point.
  if (lent_start_[p] != UINT32_MAX && rec_) {
    rec_->lent.push_back({lent_start_[p], UINT32_MAX, static_cast<uint8_t>(p)});
    lent_open_ = true;
  }
}

bool Emitter::uses_scratch(const IrInsn& i, int id) const {
  // gp_src(t, scratch) writes the scratch register for an XMM value or a
  // constant that is not an imm32.
  auto loaded = [&](Temp t) {
    const Loc& l = loc_[t];
    return l.kind == LocKind::Xmm || (l.kind == LocKind::Const && !fits_i32(l.value));
  };
  const bool rcx = id == Gp::kIdCx;
  if (never_uses_scratch(i.op)) return false;
  switch (i.op) {
    case IrOp::add: case IrOp::sub: case IrOp::and_: case IrOp::or_: case IrOp::xor_:
      return loaded(i.a) || loaded(i.b);  // emit_binop, emit_word_op (operands may swap)
    case IrOp::setcond:
      return !rcx && loaded(i.b);
    case IrOp::shl: case IrOp::shr: case IrOp::sar: case IrOp::shlw: case IrOp::shrw: case IrOp::sarw:
      // The count (cl; with BMI2's shlx, rax unless a constant or XMM a takes it).
      return rcx && loc_[i.b].kind != LocKind::Const &&
             (!opt_.host_bmi2 || loc_[i.a].kind == LocKind::Const || loc_[i.a].kind == LocKind::Xmm);
    case IrOp::store: {
      const Loc& l = loc_[i.b];
      return rcx && l.kind != LocKind::Gp && !(l.kind == LocKind::Const && fits_i32(l.value));
    }
    case IrOp::exit_if:  // emit_compare: rax, and rdx for a b that must be loaded (operands may swap)
      return !rcx && (loaded(i.a) || loaded(i.b) ||
                      (cmp32_[idx_].a != kNoTemp && (loaded(cmp32_[idx_].a) || loaded(cmp32_[idx_].b))));
    case IrOp::select:  // emit_compare, then c and d through rcx when not in a register or memory
      return rcx ? loc_[i.c].kind == LocKind::Const || loc_[i.c].kind == LocKind::Xmm ||
                       loc_[i.d].kind == LocKind::Const || loc_[i.d].kind == LocKind::Xmm
                 : loaded(i.a) || loaded(i.b);
    case IrOp::mul:  // emit_binop, emit_word_op (imul with an imm32, or edx for an immediate b)
      return loaded(i.a) || loaded(i.b) || (!rcx && loc_[i.a].kind == LocKind::Const);
    // backend_x86_zb.cpp: only rax, or rcx for an operand that must be loaded
    // (decided by what cannot change before the op's code: constants and
    // XMM homes, not whether a value is in a register).
    case IrOp::shadd:
      return rcx && loaded(i.b);
    case IrOp::rotl: case IrOp::rotr: case IrOp::rotlw: case IrOp::rotrw:
    case IrOp::bset: case IrOp::bclr: case IrOp::binv: case IrOp::bext:
      return rcx && loc_[i.b].kind != LocKind::Const;
    case IrOp::andn:  // (b's place may change before the code: the destination is chosen first)
      return rcx;
    case IrOp::clz: case IrOp::clzw:
      return rcx && !opt_.host_lzcnt;
    case IrOp::ctz: case IrOp::ctzw:
      return rcx && !opt_.host_bmi1;
    case IrOp::cpop: case IrOp::cpopw:
      return !opt_.host_popcnt;
    default:
      return true;
  }
}

bool Emitter::is_operand(Temp t) const {
  uint32_t args[kIrMaxArgs];
  int n = ir_args(ir_.insns[idx_], args);
  for (int k = 0; k < n; ++k)
    if (args[k] == t) return true;
  // An indexed access reads its base too (its check: plan_indexed), and a
  // 32-bit compare and a narrow register's set_reg the values they read
  // instead of their arguments (plan_narrow); any of these may have no
  // reader left after this insn, and a register taken from it for this
  // insn's own needs (the set_reg's eviction of its pinned register's
  // temp) would leave the insn without the value.
  if (idx_ < cmp32_.size() && (cmp32_[idx_].a == t || cmp32_[idx_].b == t)) return true;
  if (idx_ < set_src_.size() && set_src_[idx_] == t) return true;
  return idx_ < indexed_.size() && indexed_[idx_].base == t && !indexed_[idx_].constant;
}

Gp Emitter::take_pool_reg(Temp dst) {
  const int dst_next = ir_.insns[idx_].dst == dst ? first_use_[idx_] : static_cast<int>(idx_) + 1;
  Temp victim = kNoTemp;
  auto consider = [&](int id) {
    Temp t = gp_owner_[id];
    if (t == kNoTemp || reserved_[id] || is_operand(t)) return;
    if (victim == kNoTemp || next_use_[t] > next_use_[victim]) victim = t;
  };
  for (const Gp& r : kPool)
    if (is_pool(r.id())) consider(r.id());
  for (int p = 0; p < 7; ++p)
    if (lent_ >> p & 1) consider(kPinnedRegs[p].host_id);
  if (victim == kNoTemp || next_use_[victim] <= dst_next) return Gp();
  Gp r = gp_of_id(loc_[victim].reg);
  gp_owner_[r.id()] = kNoTemp;
  if (!live_after(victim)) {
    loc_[victim].kind = LocKind::None;  // read by nobody any more
  } else if (drop_to_copy(victim, r.id())) {  // a pinned register or CpuState has it: no store
  } else if (pending_mask_[victim]) {  // a deferred set_reg's value: stored home now
    park(victim, r);
  } else {
    set_spill(victim);
    a_.mov(mem_of(loc_[victim]), r);
  }
  return r;
}

int Emitter::alloc_xmm() {
  for (int k = 0; k < kXmmPoolSize; ++k)
    if (xmm_owner_[k] == kNoTemp) return k;
  return -1;
}

void Emitter::free_dead_operands() {
  uint32_t args[kIrMaxArgs];
  int n = ir_args(ir_.insns[idx_], args);
  for (int k = 0; k < n; ++k) {
    Temp t = args[k];
    if (last_use_[t] != static_cast<int>(idx_)) continue;
    Loc& l = loc_[t];
    if (l.kind == LocKind::Gp && gp_owner_[l.reg] == t) gp_owner_[l.reg] = kNoTemp;
    if (l.kind == LocKind::Xmm && xmm_owner_[l.reg] == t) xmm_owner_[l.reg] = kNoTemp;
    if (l.kind == LocKind::Spill) slot_busy_[l.index] = false;
  }
}

// Moves every temp that is still needed out of a location about to change:
// a pinned host register (kind Gp, reg id) or a guest register slot.
void Emitter::promote_operands(const IrInsn& i) {
  uint32_t args[kIrMaxArgs];
  int n = ir_args(i, args);
  for (int k = 0; k < n; ++k) {
    Temp t = args[k];
    Loc& l = loc_[t];
    if (l.kind != LocKind::GuestX || arg_next_[kIrMaxArgs * idx_ + k] == INT_MAX) continue;
    Gp r = free_pool_reg();
    if (!r.isValid()) r = take_clean_reg(arg_next_[kIrMaxArgs * idx_ + k]);
    if (!r.isValid()) return;
    a_.mov(r, xreg_mem(l.index));
    xhome_[t] = static_cast<int8_t>(l.index);  // the slot still holds it
    set_gp(t, r);
  }
}

Gp Emitter::take_clean_reg(int before) {
  // The pool temp read last, if that is after `before` and it has a copy
  // elsewhere (or no reader left): its register, at no cost.
  Temp victim = kNoTemp;
  for (const Gp& r : kPool) {
    const Temp t = gp_owner_[r.id()];
    if (!is_pool(r.id()) || t == kNoTemp || reserved_[r.id()] || is_operand(t) || pending_mask_[t]) continue;
    if (victim == kNoTemp || next_use_[t] > next_use_[victim]) victim = t;
  }
  if (victim == kNoTemp || next_use_[victim] <= before) return Gp();
  const int id = loc_[victim].reg;
  if (live_after(victim) && !(alt_reg_[victim] >= 0 && alt_reg_[victim] != id) && xhome_[victim] < 0) return Gp();
  gp_owner_[id] = kNoTemp;
  if (!live_after(victim)) loc_[victim].kind = LocKind::None;
  else drop_to_copy(victim, id);
  return gp_of_id(id);
}

bool Emitter::drop_to_copy(Temp t, int leaving) {
  Loc& l = loc_[t];
  if (alt_reg_[t] >= 0 && alt_reg_[t] != leaving) {
    l.kind = LocKind::Gp;
    l.reg = static_cast<uint8_t>(alt_reg_[t]);
    alt_reg_[t] = -1;
    return true;
  }
  if (xhome_[t] >= 0) {
    l.kind = LocKind::GuestX;
    l.index = xhome_[t];
    return true;
  }
  return false;
}

void Emitter::evict(LocKind kind, int which, bool operands_too) {
  if (kind == LocKind::Gp && owned_reg(which)) gp_owner_[which] = kNoTemp;  // its temp moves below
  uint32_t& bits = kind == LocKind::Gp ? gp_bits_ : kind == LocKind::GuestX ? xslot_bits_ : fslot_bits_;
  const bool scan = bits >> which & 1;
  if (kind == LocKind::Gp) bits &= ~(1u << which);  // (what stays there is dead: moved below otherwise)
  for (Temp t = scan ? scan_lo_ : scan_hi_; t < scan_hi_; ++t) {
    Loc& l = loc_[t];
    if (kind == LocKind::Gp && alt_reg_[t] == which) alt_reg_[t] = -1;  // that copy is overwritten
    bool here = l.kind == kind && (kind == LocKind::Gp ? l.reg == which : l.index == which);
    if (!here || !(live_after(t) || (operands_too && last_use_[t] == static_cast<int>(idx_)))) continue;
    if (kind == LocKind::Gp && drop_to_copy(t, which)) continue;
    if (kind == LocKind::Gp && pending_mask_[t] && next_use_[t] == INT_MAX) {  // no reader left but the record
      park(t, gp_of_id(which));
      continue;
    }
    Operand from = kind == LocKind::Gp ? Operand(gp_of_id(which)) : Operand(mem_of(l));
    Gp r = free_pool_reg(kind == LocKind::Gp ? which : -1);
    if (!r.isValid() && kind == LocKind::Gp && pending_mask_[t]) {
      park(t, gp_of_id(which));
      continue;
    }
    if (r.isValid()) {
      emit_mov(r, from);
      set_gp(t, r);
    } else {
      if (from.isMem()) {
        emit_mov(rax, from);
        from = rax;
      }
      set_spill(t);
      emit_mov(mem_of(loc_[t]), from);
    }
  }
  // A lent pinned register about to be written is its guest register's again.
  if (kind == LocKind::Gp && pins().pin_of_host[which] >= 0) end_lend(pins().pin_of_host[which]);
}

// Before code that may change any guest register or clobber caller-saved
// host registers: nothing that is still needed may stay in a pinned host
// register or a guest register slot.
void Emitter::advance_scan(size_t insn) {
  // Insns up to insn + 1 may have placed their results (emit_word_op takes two).
  const size_t last = std::min(insn + 1, defined_end_.size() - 1);
  if (defined_end_[last] > scan_hi_) scan_hi_ = defined_end_[last];
  while (scan_lo_ < scan_hi_ && def_at_[scan_lo_] < static_cast<int>(insn) &&
         last_use_[scan_lo_] < static_cast<int>(insn))
    ++scan_lo_;
}

void Emitter::evict_all_volatile() {
  for (const PinnedReg& p : kPinnedRegs) evict(LocKind::Gp, p.host_id);
  for (int r = 1; r < 32; ++r) evict(LocKind::GuestX, r);
  for (int r = 0; r < 32; ++r) evict(LocKind::GuestF, r);
}

}  // namespace hart::x86be
