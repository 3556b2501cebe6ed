// translator/backend_x86_mem.cpp — memory checks of plain loads and stores
// (see "Memory checks" in docs/ARCHITECTURE.md): the range check of a
// guest address against CpuState::mem_limit and its fault stub, the
// per-base displacement tracking that lets later accesses of a block skip
// the check (the guard after the reservation catches them), and indexed
// accesses — add(base, small index) — checked once per base.
#include <algorithm>
#include <climits>

#include "core/address_space.h"
#include "translator/backend_x86_emitter.h"

namespace hart::x86be {

namespace {
// Indexes up to this bound share their base's check (table lookups such as
// base + (x & 0xff) * 4 or base + (x >> 56) * 8).
constexpr uint64_t kMaxIndexSpan = kGuardBytes / 4;

// Whether a check of base + `checked` (INT64_MAX: none yet) shows that
// base + disp .. + extent lies below limit + guard.
bool guard_covers(int64_t checked, int64_t disp, int64_t extent) {
  return checked != INT64_MAX && disp >= checked && disp - checked + extent <= static_cast<int64_t>(kGuardBytes);
}
}  // namespace

void Emitter::plan_indexed() {
  indexed_ = arena_.array(ir_.insns.size(), Indexed{});
  low_disp_ = arena_.array<int64_t>(ir_.num_temps, INT64_MAX);
  high_end_ = arena_.array<int64_t>(ir_.num_temps, INT64_MIN);
  // Counting blocks: the retry path of the fault stub (below) would count
  // the block's first instructions twice.
  if (tb_->flags & kTbCount) return;
  // Which accesses' addresses are add or shadd results (def_at_: temps are
  // SSA). None (most blocks: base + displacement): no bounds to work out.
  bool any_access = false, any_sum = false;
  for (const IrInsn& i : ir_.insns) {
    if (i.op != IrOp::load && i.op != IrOp::store) continue;
    any_access = true;
    const int d = def_at_[i.a];
    any_sum |= d != INT_MAX && (ir_.insns[d].op == IrOp::add || ir_.insns[d].op == IrOp::shadd);
  }
  if (!any_access) return;  // (no access to plan for)
  // An access that is not indexed counts towards its base's span (see
  // low_disp_).
  auto note_span = [&](const IrInsn& i) {
    low_disp_[i.a] = std::min(low_disp_[i.a], i.imm);
    high_end_[i.a] = std::max(high_end_[i.a], i.imm + static_cast<int64_t>(i.aux & 0xf));
  };
  if (!any_sum) {
    for (const IrInsn& i : ir_.insns)
      if ((i.op == IrOp::load || i.op == IrOp::store) && fits_i32(i.imm)) note_span(i);
    return;
  }
  // Unsigned upper bounds of the block's values, forwards (UINT64_MAX:
  // unknown), and which temps are constants.
  ArenaArray<uint64_t> bound = arena_.array(ir_.num_temps, UINT64_MAX);
  ArenaArray<int> def = arena_.array(ir_.num_temps, -1);
  auto cval = [&](Temp t, uint64_t* v) {
    if (def[t] < 0 || ir_.insns[def[t]].op != IrOp::movi) return false;
    *v = static_cast<uint64_t>(ir_.insns[def[t]].imm);
    return true;
  };
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    const IrInsn& i = ir_.insns[k];
    if (!(ir_info(i.op).flags & kIrDst)) continue;
    def[i.dst] = static_cast<int>(k);
    const uint64_t ba = ir_info(i.op).nargs >= 1 ? bound[i.a] : UINT64_MAX;
    const uint64_t bb = ir_info(i.op).nargs >= 2 ? bound[i.b] : UINT64_MAX;
    uint64_t c = 0, r = UINT64_MAX;
    switch (i.op) {
      case IrOp::movi: r = static_cast<uint64_t>(i.imm); break;
      case IrOp::mov: r = ba; break;
      case IrOp::and_: r = std::min(ba, bb); break;
      case IrOp::or_: case IrOp::xor_:
        if (std::max(ba, bb) < (uint64_t{1} << 32)) r = (uint64_t{2} << (63 - __builtin_clzll(std::max(ba, bb) | 1))) - 1;
        break;
      case IrOp::add:
        if (ba < (uint64_t{1} << 62) && bb < (uint64_t{1} << 62)) r = ba + bb;
        break;
      case IrOp::shadd:  // (a << aux) + b
        if (ba < (uint64_t{1} << 58) && bb < (uint64_t{1} << 62)) r = (ba << (i.aux & 3)) + bb;
        break;
      case IrOp::shl:
        if (cval(i.b, &c) && c < 64 && ba <= (UINT64_MAX >> c)) r = ba << c;
        break;
      case IrOp::shr:
        if (cval(i.b, &c)) r = ba >> (c & 63);
        break;
      case IrOp::shrw:  // by at least 1: the sign bit is clear
        if (cval(i.b, &c) && (c & 31) != 0) r = std::min<uint64_t>(ba, 0xffffffffu) >> (c & 31);
        break;
      case IrOp::zext_w: r = std::min<uint64_t>(ba, 0xffffffffu); break;
      case IrOp::zext_h: r = std::min<uint64_t>(ba, 0xffffu); break;
      case IrOp::sext_w: if (ba <= 0x7fffffffu) r = ba; break;
      case IrOp::setcond: r = 1; break;
      case IrOp::load:
        if (!(i.aux & 0x10) && (i.aux & 0xf) < 8) r = (uint64_t{1} << (8 * (i.aux & 0xf))) - 1;
        break;
      default: break;
    }
    // (add/and/or/xor with aux 1: zext32 of the result, ir_narrow's form
    // of `addw a5,s2,t6; slli a5,a5,32; srli a5,a5,32`.)
    if ((i.aux & 1) && (i.op == IrOp::add || i.op == IrOp::and_ || i.op == IrOp::or_ || i.op == IrOp::xor_))
      r = std::min<uint64_t>(r, 0xffffffffu);
    bound[i.dst] = r;
  }
  // Each access whose address is add/shadd(base, small index) is indexed;
  // the others count towards their base's span (see low_disp_).
  // base + an index below span: small spans count in the guard arithmetic;
  // wide ones (a 32-bit unsigned index) lie in the wide part of the guard
  // after the limit (kWideIndexBytes) and count as 0.
  auto indexed = [&](size_t k, Temp base, uint64_t span) -> Indexed {
    if (span >= kWideIndexBytes) return {};
    if (last_use_[base] < static_cast<int>(k)) last_use_[base] = static_cast<int>(k);
    if (span > kMaxIndexSpan) return {base, 0, false, 0, true};
    return {base, static_cast<uint32_t>(span)};
  };
  auto plan = [&](size_t k, const IrInsn& i) -> Indexed {
    if (def[i.a] < 0) return {};
    const IrInsn& d = ir_.insns[def[i.a]];
    if (d.op == IrOp::shadd) {  // base + (index << k): table lookups without Zba
      const unsigned sh = d.aux & 3;
      return indexed(k, d.b, bound[d.a] < (kWideIndexBytes >> sh) ? bound[d.a] << sh : UINT64_MAX);
    }
    if (d.op != IrOp::add || (d.aux & 1)) return {};  // (aux 1: zext32 of the sum, not base + index)
    Temp base = d.a, index = d.b;
    if (bound[base] < bound[index]) std::swap(base, index);
    uint64_t c = 0;
    const bool cb = cval(d.b, &c), ca = !cb && cval(d.a, &c);
    if (ca || cb) {  // base + constant
      const int64_t disp = static_cast<int64_t>(c) + i.imm;
      if (fits_i32(static_cast<int64_t>(c)) && fits_i32(disp)) return {cb ? d.a : d.b, 0, true, static_cast<int64_t>(c)};
      return {};
    }
    return indexed(k, base, bound[index]);
  };
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    const IrInsn& i = ir_.insns[k];
    if ((i.op != IrOp::load && i.op != IrOp::store) || !fits_i32(i.imm)) continue;
    indexed_[k] = plan(k, i);
    // (A constant index counts too: after `addi sp,sp,-48` the frame's
    // saves are at the new sp's displacements, one check for all.)
    if (indexed_[k].base != kNoTemp && !indexed_[k].constant) continue;
    note_span(i);
  }
}

void Emitter::plan_induction() {
  induction_.clear();
  static const bool off = getenv("HART_JIT_NO_INDUCTION") != nullptr;  // (for comparisons)
  if (!loop_ || low_disp_.size() == 0 || (tb_->flags & kTbChecked) || off) return;
  const ArenaArray<int8_t>& entry_of = head_of_;
  const int* last_set = last_set_;
  // v as a register's value at the head (*base) plus a constant (*c) or
  // the value of a register the loop does not write (*reg).
  auto as_sum = [&](Temp v, Temp* base, int64_t* c, int* reg) {
    *base = kNoTemp, *c = 0, *reg = -1;
    if (entry_of[v] >= 0) return *base = v, true;
    if (def_at_[v] == INT_MAX || ir_.insns[def_at_[v]].op != IrOp::add || (ir_.insns[def_at_[v]].aux & 1)) return false;
    const IrInsn& add = ir_.insns[def_at_[v]];
    for (const auto& [b, other] : {std::pair{add.a, add.b}, std::pair{add.b, add.a}}) {
      if (entry_of[b] < 0 || def_at_[other] == INT_MAX) continue;
      const IrInsn& o = ir_.insns[def_at_[other]];
      if (o.op == IrOp::movi) return *base = b, *c = o.imm, true;
      if (entry_of[other] >= 0 && last_set[entry_of[other]] < 0) return *base = b, *reg = entry_of[other], true;
    }
    return false;
  };
  // The accesses through such values: each covers [base + disp, base + disp
  // + slack + size) for some slack in [0, span] (span > 0: an indexed
  // access, add(base, index) with index <= span; 0: plain or at a constant
  // index).
  struct Access {
    Temp base;
    int64_t disp, span, end;
    bool wide;  // (its index may be up to 2^32: it shows nothing of the base)
  };
  std::vector<Access> acc;
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    const IrInsn& i = ir_.insns[k];
    if ((i.op != IrOp::load && i.op != IrOp::store) || !fits_i32(i.imm)) continue;
    const Indexed& ix = indexed_[k];
    const int64_t size = i.aux & 0xf;
    Access a{};
    if (ix.base == kNoTemp) a = {i.a, i.imm, 0, 0, false};
    else if (ix.constant) a = {ix.base, ix.value + i.imm, 0, 0, false};
    else a = {ix.base, i.imm, static_cast<int64_t>(ix.span), 0, ix.wide};
    a.end = a.disp + a.span + size;
    if (fits_i32(a.disp)) acc.push_back(a);
  }
  const int64_t kGuard = static_cast<int64_t>(kGuardBytes), kLowGuard = static_cast<int64_t>(kLowGuardBytes);
  for (size_t n = 0; n < acc.size(); ++n) {
    const Temp t = acc[n].base;
    bool seen = false;
    for (size_t j = 0; j < n; ++j) seen |= acc[j].base == t;
    if (seen) continue;
    int64_t low = INT64_MAX, high = INT64_MIN;
    for (const Access& a : acc)
      if (a.base == t) low = std::min(low, a.disp), high = std::max(high, a.end);
    if (high - low > kGuard) continue;  // (the first iteration: one check at low covers them)
    // t's value at the head, and what it is in the next iteration: the
    // anchor (a value of this one, whose accesses ran) + stride, a constant
    // or a register the loop does not write (checked before the loop).
    // Either t is register x's value at the head, and the back edge
    // carries x = t (x not written) or anchor + stride; or t = x + stride
    // and the back edge carries x = t (`add a0,a0,a4; lw a1,0(a0)`).
    Temp anchor = kNoTemp, head = kNoTemp;
    int64_t stride = 0;
    int stride_xreg = -1, add_xreg = -1;
    if (entry_of[t] >= 0 && last_set[entry_of[t]] < 0) {
      // The same value in every iteration: the preamble's check holds.
      induction_.push_back({t, entry_of[t], -1, low, -1, 0, 0});
      continue;
    }
    if (entry_of[t] >= 0) {
      head = t;
      as_sum(ir_.insns[last_set[entry_of[t]]].a, &anchor, &stride, &stride_xreg);
    } else if (Temp e; as_sum(t, &e, &stride, &stride_xreg) && stride_xreg >= 0 &&
               last_set[entry_of[e]] >= 0 && ir_.insns[last_set[entry_of[e]]].a == t) {
      head = e;
      anchor = t;
      add_xreg = stride_xreg;
    }
    if (anchor == kNoTemp || stride < -kLowGuard || stride > kGuard) continue;
    // Iteration n reached the back edge, so each access through the anchor
    // ran: one at disp d with slack up to s shows anchor + d in [-s, limit).
    // Then in iteration n + 1 t's accesses lie in [stride + low - d - s,
    // limit + stride + high - d): in the guest's space or a guard. A
    // register stride must lie in [smin, smax] (the widest such range).
    InductionBase b{t, entry_of[head], add_xreg, low, stride_xreg, 0, 0};
    bool ok = false;
    for (const Access& a : acc) {
      if (a.base != anchor || a.wide) continue;
      const int64_t lo = -kLowGuard - low + a.disp + a.span, hi = kGuard - high + a.disp;
      if (stride_xreg < 0) {
        ok |= stride >= lo && stride <= hi;
      } else if (lo <= hi && (!ok || hi - lo > b.smax - b.smin) && fits_i32(lo) && fits_i32(hi - lo)) {
        ok = true;
        b.smin = lo;
        b.smax = hi;
      }
    }
    if (ok) induction_.push_back(b);
  }
}

void Emitter::emit_induction_checks() {
  for (const InductionBase& b : induction_) {
    const int host = pins().host[b.xreg];
    Gp addr = rax;
    if (host >= 0 && b.low == 0 && b.add_xreg < 0) {
      addr = gp_of_id(host);
    } else if (host >= 0 && b.add_xreg < 0) {
      emit_lea(rax, ptr(gp_of_id(host), static_cast<int32_t>(b.low)));
    } else if (host >= 0 && pins().host[b.add_xreg] >= 0) {
      emit_lea(rax, ptr(gp_of_id(host), gp_of_id(pins().host[b.add_xreg]), 0, static_cast<int32_t>(b.low)));
    } else {
      if (host >= 0) emit_mov(rax, gp_of_id(host));
      else emit_mov(rax, xreg_mem(b.xreg));
      if (b.add_xreg >= 0) {
        const int ah = pins().host[b.add_xreg];
        if (ah >= 0) a_.add(rax, gp_of_id(ah));
        else a_.add(rax, xreg_mem(b.add_xreg));
      }
      if (b.low) a_.add(rax, static_cast<int32_t>(b.low));
    }
    a_.cmp(addr, state_mem(offsetof(CpuState, mem_limit)));
    a_.jae(preamble_fail_);
    // (A stride an earlier base's check already bounded within this range
    // needs no second check: shell sort's two bases step by the same gap.)
    bool bounded = false;
    for (const InductionBase* e = induction_.data(); e != &b; ++e)
      bounded |= e->stride_xreg == b.stride_xreg && e->smin >= b.smin && e->smax <= b.smax;
    if (b.stride_xreg >= 0 && !bounded) {  // smin <= stride <= smax, unsigned: stride - smin <= smax - smin
      const int sh = pins().host[b.stride_xreg];
      if (sh >= 0) {
        emit_lea(rax, ptr(gp_of_id(sh), static_cast<int32_t>(-b.smin)));
      } else {
        emit_mov(rax, xreg_mem(b.stride_xreg));
        a_.sub(rax, static_cast<int32_t>(b.smin));
      }
      a_.cmp(rax, static_cast<int32_t>(b.smax - b.smin));
      a_.ja(preamble_fail_);
    }
    checked_disp_[b.base] = b.low;
  }
}

Gp Emitter::emit_check(Temp base, int64_t imm, bool is_write, Temp real, int64_t real_imm) {
  const Loc& l = loc_[base];
  Gp addr = rax;
  if (l.kind == LocKind::Gp && imm == 0) {
    addr = gp_of_id(l.reg);
  } else if (l.kind == LocKind::Gp) {
    emit_lea(rax, ptr(gp_of_id(l.reg), static_cast<int32_t>(imm)));
  } else if (l.kind == LocKind::Const) {  // auipc + load/store: the address is known
    a_.mov(rax, static_cast<uint64_t>(l.value) + static_cast<uint64_t>(imm));
  } else {
    emit_mov(rax, gp_src(base, rax));
    if (imm) emit_alu(Inst::kIdAdd, rax, Imm(static_cast<int32_t>(imm)));
  }
  emit_limit_check(addr, is_write, real, real_imm);
  return addr;
}

void Emitter::emit_limit_check(const Gp& addr, bool is_write, Temp real, int64_t real_imm) {
  ColdStub s;
  s.kind = ColdStub::Fault;
  s.pc = cur_pc_;
  s.is_write = is_write;
  s.addr_reg = addr == rax ? -1 : static_cast<int>(addr.id());
  s.fault_kind = static_cast<uint8_t>(FaultKind::OutOfRange);
  s.lent = lent_;
  s.ir_pos = static_cast<int>(idx_);
  s.pending = pending_now();
  for (const RematUse& u : remat_)  // (rematerialised values still in temps: stored like deferred ones)
    if (u.pos == static_cast<int>(idx_) && u.temp != kNoTemp) s.pending.emplace_back(u.r.xreg, loc_[u.temp]);
  if (real != kNoTemp) {
    s.indexed = true;
    s.real = loc_[real];
    s.real_imm = real_imm;
  }
  // cmp addr, [r15 + mem_limit] as asmjit encodes it (REX.W 3B /r, base
  // r15, disp8 or disp32), without its encoder: one per checked access.
  {
    constexpr int32_t off = static_cast<int32_t>(offsetof(CpuState, mem_limit));
    const unsigned id = addr.id();
    const uint8_t mod = disp_mod(off);
    uint8_t b[7] = {static_cast<uint8_t>(0x49 | ((id & 8) ? 0x04 : 0)), 0x3b,
                    static_cast<uint8_t>(mod | ((id & 7) << 3) | 7)};
    put(b, 3 + put_disp(b + 3, mod, off));
  }
  s.jump_at = emit_jump_rel32(CondCode::kAE);  // (jae: rel32 written by emit_fault_stub)
  cold_.push_back(s);
}

Mem Emitter::emit_based_check(const IrInsn& i, bool is_write) {
  const BasedAccess& b = based_[idx_];
  const Gp x = xreg_value(b.x).as<Gp>();  // (pinned or an invariant's register)
  const Loc& l = loc_[b.idx];
  const bool in_reg = l.kind == LocKind::Gp;
  Gp index = rax;
  if (in_reg) index = gp_of_id(l.reg);
  else emit_mov(rax, gp_src(b.idx, rax));
  emit_lea(rax, ptr(x, index, b.sh, static_cast<int32_t>(i.imm)));
  emit_limit_check(rax, is_write, kNoTemp, 0);
  ++rec_->based;
  // (An index not in a register: the access goes through the sum in rax.)
  if (!in_reg) return ptr(kMem, rax, 0, 0);
  return ptr(gp_of_id(b.hb), index, b.sh, static_cast<int32_t>(i.imm));
}

Mem Emitter::emit_guest_mem(const IrInsn& i, bool is_write) {
  ++loop_accesses_;  // (plan_unpolled)
  const unsigned size = i.aux & 0xf;
  const Indexed& ix = indexed_[idx_];
  if (based_.size() && based_[idx_].hb >= 0) {
    // An index the base's check (before the loop: an induction base) or
    // the wide guard covers, as below: no check.
    const BasedAccess& b = based_[idx_];
    const int d = ix.base != kNoTemp ? def_at_[ix.base] : INT_MAX;
    if (!ix.constant && d != INT_MAX && ir_.insns[d].op == IrOp::get_reg && ir_.insns[d].imm == b.x &&
        guard_covers(checked_disp_[ix.base], i.imm, static_cast<int64_t>(ix.span + size))) {
      ++rec_->based;
      return ptr(gp_of_id(b.hb), gp_in_reg(b.idx, rax), b.sh, static_cast<int32_t>(i.imm));
    }
    return emit_based_check(i, is_write);
  }
  // The access is at [r14 + i.a + imm] once something has shown that this
  // address lies below limit + guard.
  auto direct = [&]() -> Mem {
    const Loc& l = loc_[i.a];
    if (l.kind == LocKind::Gp) return ptr(kMem, gp_of_id(l.reg), 0, static_cast<int32_t>(i.imm));
    emit_mov(rax, l.kind == LocKind::Const ? Operand(Imm(l.value)) : gp_src(i.a, rax));
    return ptr(kMem, rax, 0, static_cast<int32_t>(i.imm));
  };
  if (ix.base != kNoTemp && ix.constant) {
    // The access is at base + (index + imm): an earlier check of the base
    // may cover it; its own check covers the base's later accesses.
    const int64_t disp = ix.value + i.imm;
    if (guard_covers(checked_disp_[ix.base], disp, size)) return direct();
  }
  if (ix.base != kNoTemp && !ix.constant) {
    // base + imm checked (now or by an earlier access at a displacement
    // <= imm): base + index + imm < limit + guard.
    int64_t& checked = checked_disp_[ix.base];
    if (!guard_covers(checked, i.imm, static_cast<int64_t>(ix.span + size))) {
      emit_check(ix.base, i.imm, is_write, i.a, i.imm);
      if (i.imm < checked) checked = i.imm;
    }
    return direct();
  }
  int64_t& checked = checked_disp_[i.a];
  if (fits_i32(i.imm) && guard_covers(checked, i.imm, size)) return direct();
  // The base's first check, at the lowest displacement of its accesses in
  // this block when they all fit the guard from there: one check covers
  // them all. (Counting blocks, whose retry would count twice, plan no
  // spans: their low_disp_ stays INT64_MAX.)
  const int64_t low = low_disp_[i.a];
  if (fits_i32(i.imm) && low < i.imm && high_end_[i.a] - low <= static_cast<int64_t>(kGuardBytes)) {
    emit_check(i.a, low, is_write, i.a, i.imm);
    checked = std::min(checked, low);
    if (ix.base != kNoTemp && ix.constant && fits_i32(ix.value + low)) {  // i.a = base + value
      int64_t& based = checked_disp_[ix.base];
      based = std::min(based, ix.value + low);
    }
    return direct();
  }
  Gp addr = emit_address(i, is_write);
  if (fits_i32(i.imm) && i.imm < checked) checked = i.imm;
  if (ix.base != kNoTemp && ix.constant) {  // (only after a check of this very address)
    int64_t& based = checked_disp_[ix.base];
    based = std::min(based, ix.value + i.imm);
  }
  return ptr(kMem, addr, 0, 0);
}

void Emitter::emit_fault_stub(const ColdStub& s) {
  if (s.jump_at != ColdStub::kNoJump) patch_rel32(s.jump_at);
  else a_.bind(s.label);
  // Guest state as before the insn: deferred set_regs performed, lent and
  // re-homed registers back (rax is free: the address is stored first).
  auto restore = [&](bool store_pc) {
    for (auto& [x, l] : s.pending) {
      if (l.kind == LocKind::Gp) {
        emit_mov(xreg_mem(x), gp_of_id(l.reg));
        continue;
      }
      if (l.kind == LocKind::Const) a_.mov(rax, static_cast<uint64_t>(l.value));
      else emit_mov(rax, mem_of(l));
      emit_mov(xreg_mem(x), rax);
    }
    for (int p = 0; p < 7; ++p)  // lent registers get their guest values back (stored at lend)
      if (s.lent >> p & 1) emit_mov(gp_of_id(kPinnedRegs[p].host_id), xreg_mem(pins().xreg_of_pin[p]));
    if (!remat_.empty()) emit_remat_at(s.ir_pos);  // (from the registers as restored above)
    if (loop_) emit_loop_leave();  // (after the deferred values, which may be in resident registers)
    if (store_pc) emit_store_pc(s.pc);
  };
  if (s.indexed) {
    // The base failed; the access's own address decides.
    switch (s.real.kind) {
      case LocKind::Gp: emit_mov(rax, gp_of_id(s.real.reg)); break;
      case LocKind::Const: a_.mov(rax, static_cast<uint64_t>(s.real.value)); break;
      case LocKind::Xmm: a_.movq(rax, Xmm(xmm(s.real.reg))); break;
      default: emit_mov(rax, mem_of(s.real)); break;
    }
    if (s.real_imm) emit_alu(Inst::kIdAdd, rax, Imm(static_cast<int32_t>(s.real_imm)));
    Label fault = a_.newLabel();
    emit_alu(Inst::kIdCmp, rax, state_mem(offsetof(CpuState, mem_limit)));
    a_.jae(fault);
    // In range after all (base + imm wrapped past 2^64 and the index
    // brought it back, or a lower displacement of the base than this
    // access's wraps): leave with the state exact before this insn, which
    // the dispatcher runs alone next, checked at its own address.
    restore(true);
    a_.mov(state_mem(offsetof(CpuState, one_insn_once), 4), Imm(1));
    emit_leave0();
    a_.bind(fault);
  } else if (s.addr_reg >= 0) {
    emit_mov(rax, gp_of_id(s.addr_reg));
  }
  if (!s.align_mask) {
    // fault_addr from rax before restore() takes rax; the rest in the
    // dispatcher's fault path (CpuState::jit_fault_exit).
    emit_mov(state_mem(offsetof(CpuState, fault_addr)), rax);
    restore(false);
    emit_pc_in_rcx(s.pc);
    // mov edx, kind (BA imm32, as asmjit encodes it; one per fault stub).
    const uint32_t kind = static_cast<uint32_t>(s.fault_kind) | (s.is_write ? 0x100u : 0u);
    if (a_.logger()) {
      a_.mov(edx, Imm(kind));
    } else {
      uint8_t b[5] = {0xba};
      memcpy(b + 1, &kind, 4);
      put(b, 5);
    }
    embed(stubs_.leave_fault);
    return;
  }
  // An access that must be aligned (atomics): the kind depends on the
  // address, tested before restore() takes rax.
  StubBytes head = stubs_.fault_head;  // fault_addr, fault_kind
  const int32_t kind = s.fault_kind;
  memcpy(head.b + head.n - 4, &kind, 4);
  embed(head);
  Label aligned = a_.newLabel();
  a_.test(al, s.align_mask);
  a_.jz(aligned);
  a_.mov(state_mem(offsetof(CpuState, fault_kind), 4), Imm(static_cast<int>(FaultKind::Misaligned)));
  a_.bind(aligned);
  restore(true);
  embed(stubs_.fault_tail[s.is_write ? 1 : 0]);
}

}  // namespace hart::x86be
