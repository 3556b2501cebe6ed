// translator/backend_x86.cpp — IR → x86-64: the block's emission pass
// (Emitter::run), integer ops, exits, atomics, helper calls, the inline
// indirect-jump cache and the dispatcher. Value locations and register
// allocation: backend_x86_alloc.cpp; FP ops: backend_x86_fp.cpp;
// bit-manipulation ops (Zba/Zbb/Zbs/Zbc): backend_x86_zb.cpp; memory
// checks: backend_x86_mem.cpp; self-loop blocks: backend_x86_loop.cpp.
#include "translator/backend_x86.h"

#include <ucontext.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "core/address_space.h"
#include "core/vcpu.h"
#include "translator/backend_x86_emitter.h"
#include "translator/jit_helpers.h"

namespace hart {

// The guest registers used most by compiled RV64 code (static counts over
// glibc and the benchmarks: a5, a4, sp, a0, a3, s0, a2), pinned in host
// registers the System V ABI does not need for arguments of our helpers.
const PinnedReg kPinnedRegs[7] = {
    {15, asmjit::x86::Gp::kIdBx},  {14, asmjit::x86::Gp::kIdBp}, {2, asmjit::x86::Gp::kIdR12},
    {10, asmjit::x86::Gp::kIdR13}, {13, asmjit::x86::Gp::kIdR8}, {8, asmjit::x86::Gp::kIdR9},
    {12, asmjit::x86::Gp::kIdR10},
};

int ucontext_greg_of(int host_id) {
  // asmjit ids: ax cx dx bx sp bp si di r8..r15
  static const int map[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                               REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                               REG_R12, REG_R13, REG_R14, REG_R15};
  return map[host_id];
}

namespace x86be {

CondCode cc_of(IrCond c) {
  switch (c) {
    case IrCond::eq: return CondCode::kE;
    case IrCond::ne: return CondCode::kNE;
    case IrCond::lt: return CondCode::kL;
    case IrCond::ge: return CondCode::kGE;
    case IrCond::ltu: return CondCode::kB;
    default: return CondCode::kAE;
  }
}

namespace {

}  // namespace

PinTable::PinTable() {
  for (int& h : host) h = -1;
  for (int& h : pin_of_host) h = -1;
  for (int p = 0; p < 7; ++p) {
    host[kPinnedRegs[p].xreg] = kPinnedRegs[p].host_id;
    pin_of_host[kPinnedRegs[p].host_id] = p;
    xreg_of_pin[p] = kPinnedRegs[p].xreg;
  }
}

const PinTable& PinTable::initial() {
  static const PinTable t;
  return t;
}

// (arg_next_ for each insn's arguments, lend_ok_, lend_soft_ and
// prev_fault_ for every insn are written by run's walks before any read:
// not filled.)
Emitter::Emitter(Assembler& a, const IrBlock& ir, TranslationBlock* tb,
                 const std::vector<DecodedInsn>& helpers, const BackendOptions& opt,
                 BlockRecovery* recovery)
    : a_(a), ir_(ir), tb_(tb), helpers_(helpers), opt_(opt), loc_(arena_.array(ir.num_temps, Loc{})),
      last_use_(arena_.array(ir.num_temps, -1)), gp_owner_(arena_.array(16, kNoTemp)),
      xmm_owner_(arena_.array(16, kNoTemp)), slot_busy_(arena_.array(kSpillSlots, false)),
      boxed_(arena_.array(ir.num_temps, false)), next_use_(arena_.array(ir.num_temps, INT_MAX)),
      first_use_(arena_.array(ir.insns.size(), INT_MAX)), arg_next_(arena_.uninit<int>(ir.insns.size() * kIrMaxArgs)),
      xhome_(arena_.array<int8_t>(ir.num_temps, -1)), alt_reg_(arena_.array<int8_t>(ir.num_temps, -1)),
      checked_disp_(arena_.array<int64_t>(ir.num_temps, INT64_MAX)),
      lend_ok_(arena_.uninit<uint8_t>(ir.insns.size())), lend_soft_(arena_.uninit<uint8_t>(ir.insns.size())),
      rec_(recovery), next_set_(arena_.array(ir.insns.size(), -1)), prev_fault_(arena_.uninit<int>(ir.insns.size())),
      pending_mask_(arena_.array<uint32_t>(ir.num_temps, 0)),
      cold_(take_vector(0, ColdStub{})), exit_stubs_(take_vector(0, ExitStub{})) {
  for (int& b : pin_busy_until_) b = -1;
  for (Temp& t : pending_) t = kNoTemp;
}

Emitter::~Emitter() {
  // (The arena tables go with arena_.)
  give_vector(cold_);
  give_vector(exit_stubs_);
}

void Emitter::emit_leave_plain() { embed(stubs_.leave); }

namespace {
// The bytes asmjit emits for what `body` assembles.
template <class F>
StubBytes assemble_stub(F body) {
  CodeHolder code;
  code.init(Environment::host());
  Assembler a(&code);
  body(a);
  const CodeBuffer& buf = code.textSection()->buffer();
  StubBytes s;
  if (buf.size() > sizeof s.b) abort();  // (a template that cannot fit: a bug here)
  s.n = static_cast<uint8_t>(buf.size());
  memcpy(s.b, buf.data(), buf.size());
  return s;
}
}  // namespace

const StubTemplates& stub_templates() {
  static const StubTemplates t = [] {
    StubTemplates r;
    auto leave = [](Assembler& a) { a.jmp(state_mem(offsetof(CpuState, jit_exit))); };
    r.store_pc = assemble_stub([](Assembler& a) { a.mov(state_mem(offsetof(CpuState, pc)), rcx); });
    r.leave = assemble_stub(leave);
    r.leave_pc = assemble_stub([](Assembler& a) { a.jmp(state_mem(offsetof(CpuState, jit_pc_exit))); });
    r.leave_fault = assemble_stub([](Assembler& a) { a.jmp(state_mem(offsetof(CpuState, jit_fault_exit))); });
    r.ind_jump = assemble_stub([](Assembler& a) { a.jmp(state_mem(offsetof(CpuState, jit_ind_jump))); });
    r.leave0 = assemble_stub([&](Assembler& a) {
      a.xor_(eax, eax);
      leave(a);
    });
    r.fault_head = assemble_stub([](Assembler& a) {
      a.mov(state_mem(offsetof(CpuState, fault_addr)), rax);
      a.mov(state_mem(offsetof(CpuState, fault_kind), 4), Imm(0x7fffffff));  // (imm32: patched)
    });
    for (int w = 0; w < 2; ++w)
      r.fault_tail[w] = assemble_stub([&](Assembler& a) {
        a.mov(state_mem(offsetof(CpuState, fault_is_write), 4), Imm(w));
        a.mov(state_mem(offsetof(CpuState, exit_reason), 4), Imm(static_cast<int>(ExitReason::MemFault)));
        a.xor_(eax, eax);
        leave(a);
      });
    r.jump_ind = assemble_stub([&](Assembler& a) {
      emit_jump_cache_probe(a, 0);
      a.mov(state_mem(offsetof(CpuState, pc)), rax);  // (a miss: the dispatcher's next pc)
      a.xor_(eax, eax);
      leave(a);
    });
    r.entry_check = assemble_stub([](Assembler& a) { a.cmp(state_mem(offsetof(CpuState, exit_request), 4), 0); });
    return r;
  }();
  return t;
}

// A chainable exit: a jmp rel32 — or, for the taken side of a branch, the
// jcc rel32 itself, for a guest call the call rel32 (kCallRel,
// backend_x86_call.cpp) — whose rel32 field link() patches (4-byte aligned, so
// the patch is atomic); by default it goes to a stub leaving with
// "TB | index+1". Stubs are emitted with the cold code.
void Emitter::emit_exit_jump(int index, uint64_t target_pc, CondCode cc) {
  const bool cond = cc != kNoCond && cc != kCallRel;
  const int rel_at = cond ? 2 : 1;  // 0F 8x rel32 / E9 rel32
  // Pad with one multi-byte nop (it may be executed).
  static const uint8_t kNops[3][3] = {{0x90}, {0x66, 0x90}, {0x0f, 0x1f, 0x00}};
  unsigned pad = (4 - ((a_.offset() + rel_at) & 3)) & 3;
  if (pad) put(kNops[pad - 1], pad);
  ExitStub s;
  s.index = index;
  s.target_pc = target_pc;
  TbExit& e = tb_->exits[index];
  e.target_pc = target_pc;
  e.rel_offset = static_cast<uint32_t>(a_.offset()) + rel_at;
  // (rel32 written by emit_exit_stub: no asmjit label, link and bind per exit.)
  s.rel_offset = emit_jump_rel32(cc);
  exit_stubs_.push_back(s);
  if (index + 1 > tb_->n_exits) tb_->n_exits = index + 1;
}

uint32_t Emitter::emit_jump_rel32(CondCode cc) {
  if (cc == kCallRel) {
    const uint8_t call[5] = {0xe8, 0, 0, 0, 0};
    put(call, sizeof call);
  } else if (cc != kNoCond) {
    const uint8_t jcc[6] = {0x0f, static_cast<uint8_t>(0x80 | static_cast<uint8_t>(cc)), 0, 0, 0, 0};
    put(jcc, sizeof jcc);
  } else {
    const uint8_t jmp[5] = {0xe9, 0, 0, 0, 0};
    put(jmp, sizeof jmp);
  }
  return static_cast<uint32_t>(a_.offset()) - 4;
}

void Emitter::patch_rel32(uint32_t at) {
  const uint32_t here = static_cast<uint32_t>(a_.offset());
  if (at + 4 > here) return;  // (the jump did not fit the buffer: the block is dropped)
  const int32_t rel = static_cast<int32_t>(here - (at + 4));
  memcpy(a_.bufferData() + at, &rel, 4);
}

void Emitter::emit_exit_stub(const ExitStub& s) {
  patch_rel32(s.rel_offset);
  tb_->exits[s.index].stub_offset = static_cast<uint32_t>(a_.offset());
  // (No pc store: the dispatcher takes the next pc from the exit itself,
  // TbExit::target_pc. 17 bytes fewer per exit; padding every stub by 34
  // made bench/run.py's tools and Python 1.2% slower, by 100 2.9%.)
  // mov rax, imm64 always in its 10-byte form, so a copy of this code for
  // another TB (shared translations) can rewrite the imm64 in place.
  const uint64_t self = reinterpret_cast<uint64_t>(tb_) | static_cast<uint64_t>(s.index + 1);
  uint8_t movabs[10] = {0x48, 0xb8};
  memcpy(movabs + 2, &self, 8);
  tb_->exits[s.index].tb_imm_offset = static_cast<uint32_t>(a_.offset()) + 2;
  put(movabs, sizeof movabs);
  emit_leave_plain();
}

// AMOs, LR and SC. The address must be naturally aligned (else a
// misaligned-access fault, like Linux's SIGBUS). Locked x86 instructions are
// full barriers, which covers every aq/rl combination.
void Emitter::emit_atomic(const IrInsn& i) {
  const unsigned size = i.aux & 0xf;
  Gp addr = emit_address(i, i.op != IrOp::lr);
  cold_.back().align_mask = static_cast<uint8_t>(size - 1);
  if (addr != rax) a_.mov(rax, addr);
  ColdStub mis = cold_.back();  // same pc and write flag as the range check
  mis.label = a_.newLabel();
  mis.jump_at = ColdStub::kNoJump;
  mis.addr_reg = -1;
  mis.fault_kind = static_cast<uint8_t>(FaultKind::Misaligned);
  mis.align_mask = 0;
  a_.test(al, size - 1);
  a_.jnz(mis.label);
  cold_.push_back(mis);
  a_.add(rax, kMem);  // rax = host address from here on
  Mem m = ptr(rax, 0, size);
  auto r = [&](const Gp& g) {
    return size == 8 ? Gp(g.r64()) : size == 4 ? Gp(g.r32()) : size == 2 ? Gp(g.r16()) : Gp(g.r8());
  };
  auto widen = [&](const Gp& g) {  // B/H/W results are sign-extended
    if (size == 4) a_.movsxd(g.r64(), g.r32());
    if (size == 2) a_.movsx(g.r64(), g.r16());
    if (size == 1) a_.movsx(g.r64(), g.r8());
  };
  if (i.op == IrOp::lr) {
    a_.mov(r(rcx), m);
    widen(rcx);
    a_.sub(rax, kMem);
    a_.mov(state_mem(offsetof(CpuState, res_addr)), rax);
    a_.mov(state_mem(offsetof(CpuState, res_value)), rcx);
    a_.mov(state_mem(offsetof(CpuState, res_size), 4), Imm(size));
  } else if (i.op == IrOp::amocas) {
    // lock cmpxchg: rax = expected in, memory's old value out (stored or not).
    a_.mov(rdx, rax);
    Gp v = gp_in_reg(i.b, rcx);
    if (v != rcx) a_.mov(rcx, v);
    Gp e = gp_in_reg(i.c, rax);
    if (e != rax) a_.mov(rax, e);
    a_.lock().cmpxchg(ptr(rdx, 0, size), r(rcx));
    a_.mov(rcx, rax);
    widen(rcx);
  } else if (i.op == IrOp::sc) {
    // Succeeds iff the reservation is for this address and size and memory
    // still holds the value LR saw (compare-and-swap).
    Label fail = a_.newLabel(), done = a_.newLabel();
    a_.mov(rdx, rax);
    a_.sub(rdx, kMem);
    a_.cmp(rdx, state_mem(offsetof(CpuState, res_addr)));
    a_.jne(fail);
    a_.cmp(state_mem(offsetof(CpuState, res_size), 4), Imm(size));
    a_.jne(fail);
    a_.mov(rdx, rax);
    Gp v = gp_in_reg(i.b, rcx);
    if (v != rcx) a_.mov(rcx, v);
    a_.mov(rax, state_mem(offsetof(CpuState, res_value)));
    a_.lock().cmpxchg(ptr(rdx, 0, size), r(rcx));
    a_.setne(cl);
    a_.movzx(ecx, cl);  // 0 = success
    a_.jmp(done);
    a_.bind(fail);
    a_.mov(ecx, 1);
    a_.bind(done);
    a_.mov(state_mem(offsetof(CpuState, res_size), 4), Imm(0));
  } else {
    IrAmo op = static_cast<IrAmo>(i.aux >> 4);
    Gp v = gp_in_reg(i.b, rcx);
    if (v != rcx) a_.mov(rcx, v);
    if (op == IrAmo::swap) {
      a_.xchg(m, r(rcx));
    } else if (op == IrAmo::add) {
      a_.lock().xadd(m, r(rcx));
    } else {
      // Compare-and-swap loop: rdx = host address, the operand parked at
      // [rsp], rax = old value (cmpxchg's comparand), rcx = new value.
      a_.mov(rdx, rax);
      a_.push(rcx);
      Mem operand = ptr(rsp, 0, size);
      a_.mov(r(rax), ptr(rdx, 0, size));
      Label again = a_.newLabel();
      a_.bind(again);
      a_.mov(r(rcx), r(rax));
      switch (op) {
        case IrAmo::xor_: a_.xor_(r(rcx), operand); break;
        case IrAmo::and_: a_.and_(r(rcx), operand); break;
        case IrAmo::or_: a_.or_(r(rcx), operand); break;
        default: {  // keep old if (old keep v), else take v
          CondCode keep = op == IrAmo::min ? CondCode::kL : op == IrAmo::max ? CondCode::kG
                          : op == IrAmo::minu ? CondCode::kB : CondCode::kA;
          a_.cmp(r(rax), operand);
          if (size == 1) {  // no 8-bit cmov (Zabha bytes)
            Label kept = a_.newLabel();
            a_.j(keep, kept);
            a_.mov(r(rcx), operand);
            a_.bind(kept);
          } else {
            a_.cmov(negateCond(keep), r(rcx), operand);
          }
          break;
        }
      }
      a_.lock().cmpxchg(ptr(rdx, 0, size), r(rcx));
      a_.jnz(again);
      a_.add(rsp, 8);
      a_.mov(rcx, rax);
    }
    widen(rcx);  // rcx = old value
  }
  finish_in(i, rcx);
}

// The low 32 bits of a GP operand: its 32-bit register, a 4-byte memory
// operand, an immediate as it is.
static Operand low32(Operand o) {
  if (o.isReg()) return Operand(o.as<Gp>().r32());
  if (o.isMem()) o.as<Mem>().setSize(4);
  return o;
}

void Emitter::emit_binop(const IrInsn& i, InstId id, bool commutative) {
  Temp a = i.a, b = i.b;
  // Prefer the operand that is a dying pool temp (or a non-immediate) as the first.
  if (commutative && loc_[a].kind == LocKind::Const) std::swap(a, b);
  auto reusable = [&](Temp t) {
    return (dying(t) && loc_[t].kind == LocKind::Gp && owned_reg(loc_[t].reg)) || reusable_pinned(t);
  };
  if (commutative && !reusable(a) && reusable(b))
    std::swap(a, b);
  Gp d = alloc_gp_dst(i.dst, a);
  bool spill = !d.isValid();
  if (spill) d = rax;
  // If b sits in d (and is not a), writing a into d first would lose it:
  // a commutative op takes d as its first operand instead.
  auto in_d = [&](Temp t) { return loc_[t].kind == LocKind::Gp && loc_[t].reg == d.id(); };
  if (commutative && b != a && in_d(b) && !in_d(a)) std::swap(a, b);
  const Loc& lb = loc_[b];
  bool b_in_d = b != a && lb.kind == LocKind::Gp && lb.reg == d.id();
  Gp work = b_in_d ? Gp(rax) : d;
  Operand sa = gp_src(a, rcx);
  // and/or/xor with aux 1 (ir_narrow): zext32(a OP b), which the 32-bit op
  // computes (its zero extension is the zext_w it replaced). No flags are
  // recorded for a compare with zero then: the 32-bit op's sign is bit 31.
  // (The three-operand forms into a 32-bit register zero-extend too.)
  const bool w32 = (i.aux & 1) && (id == Inst::kIdAdd || id == Inst::kIdAnd || id == Inst::kIdOr || id == Inst::kIdXor);
  if (!(sa.isReg() && sa.as<Gp>() == work) && emit_three_operand(id, w32 ? work.r32() : work, sa, b)) {
    // lea / movzx wrote work without the copy of a first
  } else if (w32) {
    if (sa.isImm()) a_.mov(work.r32(), Imm(static_cast<int32_t>(sa.as<Imm>().value())));
    else if (!(sa.isReg() && sa.as<Gp>() == work)) emit_mov(work.r32(), low32(sa));
    Operand sb = gp_src(b, rdx);
    emit_alu(id, work.r32(), sb.isImm() ? Operand(Imm(static_cast<int32_t>(sb.as<Imm>().value()))) : low32(sb));
  } else {
    if (!(sa.isReg() && sa.as<Gp>() == work)) emit_mov(work, sa);
    Operand sb = gp_src(b, rdx);
    emit_alu(id, work, sb);
    if (work == d && !spill) {
      const bool logic = id == Inst::kIdAnd || id == Inst::kIdOr || id == Inst::kIdXor;
      if (logic || id == Inst::kIdAdd || id == Inst::kIdSub)
        zf_ = {static_cast<int>(idx_), i.dst, static_cast<int>(d.id()), logic, static_cast<uint32_t>(a_.offset())};
    }
  }
  if (work != d) a_.mov(d, work);
  free_dead_operands();
  if (spill) {
    set_spill(i.dst);
    a_.mov(mem_of(loc_[i.dst]), rax);
  } else {
    set_gp(i.dst, d);
  }
}

// `work = sa OP b` in one host instruction where x86 has a three-operand
// form, instead of `mov work, sa; OP work, b`: add of a register or imm32 is
// `lea` (flags are not read after an add: conditions compare their own
// operands), and with 0xff / 0xffff / 0xffffffff is a zero-extending move
// (of a register or straight from memory). Only for b already in a register
// or an imm32, so nothing is loaded into a scratch that sa may be. False
// (nothing emitted) otherwise.
bool Emitter::emit_three_operand(InstId id, const Gp& work, const Operand& sa, Temp b) {
  const Loc& lb = loc_[b];
  if (id == Inst::kIdAdd && sa.isReg()) {
    if (lb.kind == LocKind::Gp) {
      emit_lea(work, ptr(sa.as<Gp>(), gp_of_id(lb.reg)));
      return true;
    }
    if (lb.kind == LocKind::Const && fits_i32(lb.value)) {
      emit_lea(work, ptr(sa.as<Gp>(), static_cast<int32_t>(lb.value)));
      return true;
    }
    return false;
  }
  if (id != Inst::kIdAnd || lb.kind != LocKind::Const || !(sa.isReg() || sa.isMem())) return false;
  const uint32_t width = lb.value == 0xff ? 1 : lb.value == 0xffff ? 2 : lb.value == 0xffffffff ? 4 : 0;
  if (width == 0) return false;
  Operand s = sa;
  if (s.isMem()) {
    s.as<Mem>().setSize(width);
  } else {
    const Gp r = sa.as<Gp>();
    s = width == 1 ? Operand(r.r8()) : width == 2 ? Operand(r.r16()) : Operand(r.r32());
  }
  a_.emit(width == 4 ? Inst::kIdMov : Inst::kIdMovzx, work.r32(), s);
  return true;
}

// add, sub or mul whose only reader is the next insn, a sext_w of it (addw,
// addiw, subw, mulw): computed in 32 bits (lea when it can) straight into
// the sext_w's result; the two insns become one. False if i is not such.

bool Emitter::emit_word_op(const IrInsn& i) {
  if (idx_ + 1 >= ir_.insns.size()) return false;
  const IrInsn& n = ir_.insns[idx_ + 1];
  if (n.op != IrOp::sext_w || n.a != i.dst || last_use_[i.dst] != static_cast<int>(idx_ + 1) ||
      last_use_[n.dst] < 0)
    return false;
  Temp a = i.a, b = i.b;
  if (i.op != IrOp::sub && loc_[a].kind == LocKind::Const) std::swap(a, b);
  Operand sa = gp_src(a, rcx), sb = gp_src(b, rdx);
  bool flags_set = false;
  if (i.op == IrOp::add && sa.isReg() && sb.isReg()) {
    emit_lea(eax, ptr(sa.as<Gp>(), sb.as<Gp>()));
  } else if (i.op == IrOp::add && sa.isReg() && sb.isImm()) {
    emit_lea(eax, ptr(sa.as<Gp>(), sb.as<Imm>().valueAs<int32_t>()));
  } else if (i.op == IrOp::mul && sb.isImm() && !sa.isImm()) {
    a_.emit(Inst::kIdImul, eax, low32(sa), sb);
  } else {
    emit_mov(eax, low32(sa));
    InstId id = i.op == IrOp::add ? Inst::kIdAdd : i.op == IrOp::sub ? Inst::kIdSub : Inst::kIdImul;
    if (id == Inst::kIdImul && sb.isImm()) {
      a_.mov(edx, sb.as<Imm>());
      sb = edx;
    }
    a_.emit(id, eax, low32(sb));
    flags_set = id != Inst::kIdImul;
  }
  free_dead_operands();
  ++idx_;  // now at the sext_w
  Gp d = alloc_gp_dst(n.dst);
  if (d.isValid()) {
    a_.movsxd(d, eax);
    set_gp(n.dst, d);
    // The 32-bit add/sub's zero flag is its sign extension's (movsxd
    // leaves the flags): `subw a5,a5,a7; beqz a5` needs no test.
    if (flags_set)
      zf_ = {static_cast<int>(idx_), n.dst, static_cast<int>(d.id()), false, static_cast<uint32_t>(a_.offset())};
  } else {
    a_.movsxd(rax, eax);
    set_spill(n.dst);
    a_.mov(mem_of(loc_[n.dst]), rax);
  }
  return true;
}

void Emitter::emit_shift(const IrInsn& i, InstId id, bool w) {
  const Loc& lb = loc_[i.b];
  bool imm = lb.kind == LocKind::Const;
  if (!imm && opt_.host_bmi2) {  // d = a shifted by b, no cl and no copy of a
    InstId x = id == Inst::kIdShl ? Inst::kIdShlx : id == Inst::kIdShr ? Inst::kIdShrx : Inst::kIdSarx;
    // The count in rax unless a constant or XMM a needs it (uses_scratch).
    const bool a_in_rax = loc_[i.a].kind == LocKind::Const || loc_[i.a].kind == LocKind::Xmm;
    Gp count = gp_in_reg(i.b, a_in_rax ? rcx : rax);
    Operand sa = gp_src(i.a, rax);
    if (sa.isImm()) { a_.mov(rax, sa.as<Imm>()); sa = rax; }
    Gp d = alloc_gp_dst(i.dst, i.a);
    Gp work = d.isValid() ? d : Gp(rax);
    if (w) {
      if (sa.isReg()) sa = sa.as<Gp>().r32();
      else sa.as<Mem>().setSize(4);
      a_.emit(x, work.r32(), sa, count.r32());
      if (!(i.aux & 1)) a_.movsxd(work, work.r32());  // (aux 1: ir_narrow, no reader needs it)
    } else {
      a_.emit(x, work, sa, count);
    }
    free_dead_operands();
    place_result(i, d);
    return;
  }
  if (imm) {  // in place: d = a; shift d; (sign-extend d)
    Gp d = alloc_gp_dst(i.dst, i.a);
    Gp work = d.isValid() ? d : Gp(rax);
    Operand sa = gp_src(i.a, rax);
    if (!(sa.isReg() && sa.as<Gp>() == work)) emit_mov(work, sa);
    if (w) {
      a_.emit(id, work.r32(), Imm(lb.value & 31));
      // srliw by 1..31 leaves bit 31 clear: the 32-bit op's zero extension
      // is the sign extension already.
      if (!(id == Inst::kIdShr && (lb.value & 31) != 0) && !(i.aux & 1)) a_.movsxd(work, work.r32());
    } else {
      a_.emit(id, work, Imm(lb.value & 63));
    }
    free_dead_operands();
    place_result(i, d);
    return;
  }
  if (!imm) {
    Gp c = gp_in_reg(i.b, rcx);
    if (c != rcx) a_.mov(ecx, c.r32());
  }
  Gp va = gp_in_reg(i.a, rax);
  if (va != rax) a_.mov(rax, va);
  if (w) {
    if (imm) a_.emit(id, eax, Imm(lb.value & 31)); else a_.emit(id, eax, cl);
    if (!(i.aux & 1)) a_.movsxd(rax, eax);
  } else {
    if (imm) a_.emit(id, rax, Imm(lb.value & 63)); else a_.emit(id, rax, cl);
  }
  finish_in(i, rax);
}

void Emitter::emit_div(const IrInsn& i) {
  const bool w = i.op == IrOp::divw || i.op == IrOp::divuw || i.op == IrOp::remw || i.op == IrOp::remuw;
  const bool is_signed = i.op == IrOp::div || i.op == IrOp::rem || i.op == IrOp::divw || i.op == IrOp::remw;
  const bool is_rem = i.op == IrOp::rem || i.op == IrOp::remu || i.op == IrOp::remw || i.op == IrOp::remuw;
  Label zero = a_.newLabel(), done = a_.newLabel(), normal = a_.newLabel();
  emit_mov(rcx, gp_src(i.b, rcx));
  emit_mov(rax, gp_src(i.a, rax));
  if (w) {
    a_.test(ecx, ecx);
    a_.jz(zero);
    if (is_signed) {
      a_.cmp(ecx, -1);
      a_.jne(normal);
      if (is_rem) a_.xor_(eax, eax); else a_.neg(eax);  // x / -1 = -x (wraps), x % -1 = 0
      a_.movsxd(rax, eax);
      a_.jmp(done);
    }
    a_.bind(normal);
    if (is_signed) { a_.cdq(edx, eax); a_.idiv(edx, eax, ecx); }
    else { a_.xor_(edx, edx); a_.div(edx, eax, ecx); }
    a_.movsxd(rax, is_rem ? edx : eax);
    a_.jmp(done);
    a_.bind(zero);  // /0 = all ones; %0 = dividend
    if (is_rem) a_.movsxd(rax, eax); else a_.mov(rax, -1);
  } else {
    a_.test(rcx, rcx);
    a_.jz(zero);
    if (is_signed) {
      a_.cmp(rcx, -1);
      a_.jne(normal);
      if (is_rem) a_.xor_(eax, eax); else a_.neg(rax);
      a_.jmp(done);
    }
    a_.bind(normal);
    if (is_signed) { a_.cqo(rdx, rax); a_.idiv(rdx, rax, rcx); }
    else { a_.xor_(edx, edx); a_.div(rdx, rax, rcx); }
    if (is_rem) a_.mov(rax, rdx);
    a_.jmp(done);
    a_.bind(zero);
    if (!is_rem) a_.mov(rax, -1);
  }
  a_.bind(done);
  finish_in(i, rax);
}

void Emitter::emit_set_reg(const IrInsn& i) {
  int x = static_cast<int>(i.imm);
  if (const Temp t = set_src_[idx_]; t != kNoTemp) {
    // A narrow loop register (plan_narrow) takes the value before its
    // sign extension; the extension, if still read, stays where it is.
    Gp pin = pinned_of(x);
    if (!(loc_[t].kind == LocKind::Gp && loc_[t].reg == pin.id())) {
      evict(LocKind::Gp, pin.id());
      emit_mov(pin, gp_src(t, rax));
    }
    pin_busy_until_[pin.id()] = last_use_[t];
    if (last_use_[t] == static_cast<int>(idx_)) {
      Loc& l = loc_[t];
      if (l.kind == LocKind::Gp && gp_owner_[l.reg] == t) gp_owner_[l.reg] = kNoTemp;
      if (l.kind == LocKind::Spill) slot_busy_[l.index] = false;
    }
    free_dead_operands();
    return;
  }
  const Loc& l = loc_[i.a];
  Gp pin = pinned_of(x);
  if (pin.isValid()) {
    pin_busy_until_[pin.id()] = last_use_[i.a];  // the register holds x's value for them
    if (l.kind == LocKind::Gp && l.reg == pin.id()) {  // computed in place
      if (gp_owner_[pin.id()] == i.a) {  // a temp of the lent register becomes x's value
        end_lend(pins().pin_of_host[pin.id()]);
        alt_reg_[i.a] = -1;
      }
      free_dead_operands();
      return;
    }
    evict(LocKind::Gp, pin.id());
    Operand s = gp_src(i.a, rax);
    if (s.isImm() && s.as<Imm>().value() == 0)
      a_.xor_(pin.r32(), pin.r32());
    else
      emit_mov(pin, s);
    // The value is in pin now too: later reads use the register (a value
    // read in place from its guest slot keeps that slot as its home), and
    // a register it leaves falls back to the copy without a move.
    Loc& la = loc_[i.a];
    if (la.kind == LocKind::GuestX && pins().host[la.index] < 0) {
      xhome_[i.a] = static_cast<int8_t>(la.index);
      la.kind = LocKind::Gp;
      la.reg = static_cast<uint8_t>(pin.id());
      note_gp(pin.id());
    } else if (la.kind == LocKind::Gp) {
      alt_reg_[i.a] = static_cast<int8_t>(pin.id());
      note_gp(pin.id());
    }
  } else {
    if (xslot_bits_ >> x & 1) {  // (else no temp is in x's slot or has a copy there)
      evict(LocKind::GuestX, x);
      // (The temps evict scans: those outside are dead or not defined yet.)
      for (Temp t = scan_lo_; t < scan_hi_; ++t)
        if (xhome_[t] == x) xhome_[t] = -1;
      xslot_bits_ &= ~(1u << x);
    }
    cancel_pending(x);  // overwritten before anything could see it: never stored
    const Loc& la = loc_[i.a];
    const int next = rec_ ? next_set_[idx_] : -1;
    if (next >= 0 && (la.kind == LocKind::Gp || la.kind == LocKind::Spill || la.kind == LocKind::Const)) {
      // Deferred: x's next set_reg comes before anything but plain memory
      // accesses could see x; keep the value alive until the last of those
      // accesses (none: nothing can see this value, nothing to keep).
      const int until = prev_fault_[next] > static_cast<int>(idx_) ? prev_fault_[next] : -1;
      if (until < 0) {
        free_dead_operands();
        return;
      }
      pending_[x] = i.a;
      pending_bits_ |= 1u << x;
      pending_until_[x] = until;
      pending_mask_[i.a] |= 1u << x;
      // Alive through that access, not only up to it: were it dying there,
      // the access's own result could take its register before the access
      // records where the value is (note_pending).
      if (last_use_[i.a] < until + 1) last_use_[i.a] = until + 1;  // (real_last_ keeps the last read)
      if (la.kind == LocKind::Gp && pins().pin_of_host[la.reg] >= 0 && !owned_reg(la.reg))
        pin_busy_until_[la.reg] = std::max(pin_busy_until_[la.reg], until);
      if (alt_reg_[i.a] >= 0) pin_busy_until_[alt_reg_[i.a]] = std::max(pin_busy_until_[alt_reg_[i.a]], until);
      free_dead_operands();
      return;
    }
    Operand s = gp_src(i.a, rax);
    if (s.isMem()) {
      emit_mov(rax, s);
      s = rax;
    }
    emit_mov(xreg_mem(x), s);
    if (loc_[i.a].kind == LocKind::Gp) {
      xhome_[i.a] = static_cast<int8_t>(x);
      note_xslot(x);
    }
  }
  free_dead_operands();
}

void Emitter::emit_helper(const IrInsn& i) {
  // The helper sees CpuState: values still needed leave guest locations,
  // pinned registers are stored, caller-saved temps saved.
  evict_all_volatile();
  for (int8_t& h : xhome_) h = -1;  // the helper may write any guest register
  xslot_bits_ = 0;  // (no live temp is in a guest slot after evict_all_volatile)
  for (const PinnedReg& p : kPinnedRegs) a_.mov(xreg_mem(p.xreg), gp_of_id(p.host_id));
  std::vector<Gp> saved;
  for (const Gp& r : kPool)
    if (is_pool(r.id()) && gp_owner_[r.id()] != kNoTemp && live_after(gp_owner_[r.id()])) saved.push_back(r);
  std::vector<int> saved_xmm;
  for (int k = 0; k < kXmmPoolSize; ++k)
    if (xmm_owner_[k] != kNoTemp && live_after(xmm_owner_[k])) saved_xmm.push_back(k);
  int frame = static_cast<int>(saved_xmm.size()) * 8;
  if ((saved.size() * 8 + frame) % 16) frame += 8;  // keep rsp 16-byte aligned
  for (const Gp& r : saved) a_.push(r);
  if (frame) a_.sub(rsp, frame);
  for (size_t k = 0; k < saved_xmm.size(); ++k)
    a_.movsd(ptr(rsp, static_cast<int32_t>(k * 8)), Xmm(xmm(saved_xmm[k])));
  a_.mov(rax, cur_pc_);
  a_.mov(state_mem(offsetof(CpuState, pc)), rax);
  a_.mov(rdi, kState);
  a_.mov(rsi, reinterpret_cast<uint64_t>(&helpers_[i.imm]));
  a_.mov(rax, reinterpret_cast<uint64_t>(&jit_call_interp));
  a_.call(rax);
  for (size_t k = 0; k < saved_xmm.size(); ++k)
    a_.movsd(Xmm(xmm(saved_xmm[k])), ptr(rsp, static_cast<int32_t>(k * 8)));
  if (frame) a_.add(rsp, frame);
  for (auto it = saved.rbegin(); it != saved.rend(); ++it) a_.pop(*it);
  for (const PinnedReg& p : kPinnedRegs) a_.mov(gp_of_id(p.host_id), xreg_mem(p.xreg));
  // The helper may have stopped the guest (illegal CSR, bad frm...). And
  // a kick during the call found no generated code to poison: leave here
  // if the request is up (CpuState is exact, its pc the next insn's), or
  // the blocks after this one, which may not read it, would run on.
  Label ok = a_.newLabel(), stop = a_.newLabel();
  a_.cmp(state_mem(offsetof(CpuState, exit_reason), 4), 0);
  a_.jne(stop);
  a_.cmp(state_mem(offsetof(CpuState, exit_request), 4), 0);
  a_.je(ok);
  a_.bind(stop);
  emit_leave0();
  a_.bind(ok);
}

// jalr and friends: probe the vCPU's jump cache inline and jump straight to
// the target's code (pinned registers stay live); leave to the dispatcher on
// a miss, with the target as the next pc (only then: no block reads
// CpuState::pc, which every exit and helper call that needs it stores).
// The jump cache probe of jump_ind (target pc in rax): the TB's code if
// the jump cache holds the TB for (rax, flags), else on (a miss).
void emit_jump_cache_probe(Assembler& a, uint32_t flags) {
  Label way1 = a.newLabel(), miss = a.newLabel();
  // pc's set (Vcpu::jmp_cache_set): slots (pc >> 1) & (size - 2) and the
  // one after, 8 bytes each: way 0's offset is (pc masked to bits
  // 2..kJmpCacheBits) * 4, so no shift. One compare per way checks pc,
  // flags and validity (see tb_probe_key).
  const int32_t base = static_cast<int32_t>(offsetof(CpuState, jmp_cache));
  const Mem key = ptr(rdx, static_cast<int32_t>(offsetof(TranslationBlock, probe_key)));
  for (int way = 0; way < 2; ++way) {
    if (way == 0 || flags != 0) {  // (way 1 without flags: rcx still holds the set's offset)
      a.mov(ecx, eax);
      a.and_(ecx, (CpuState::kJmpCacheSize - 2) << 1);
    }
    a.mov(rdx, ptr(kState, rcx, 2, base + 8 * way));
    if (flags == 0) {
      a.cmp(rax, key);
    } else {
      a.mov(rcx, tb_probe_key(0, flags));
      a.or_(rcx, rax);
      a.cmp(rcx, key);
    }
    a.jne(way == 0 ? way1 : miss);
    a.jmp(ptr(rdx, static_cast<int32_t>(offsetof(TranslationBlock, code))));
    if (way == 0) a.bind(way1);
  }
  a.bind(miss);
}

void Emitter::emit_jump_ind(const IrInsn& i) {
  emit_mov(rax, gp_src(i.a, rax));
  if (tb_->flags == 0) {  // (the common case: its bytes, assembled once)
    embed(stubs_.jump_ind);
    return;
  }
  emit_jump_cache_probe(a_, tb_->flags);
  a_.mov(state_mem(offsetof(CpuState, pc)), rax);
  emit_leave0();
}

CondCode Emitter::emit_compare(Temp a, Temp b, uint8_t aux, bool w32) {
  CondCode cc = cc_of(ir_cond_of(aux));
  const bool test = aux & kCondTest;
  if (loc_[a].kind == LocKind::Const && loc_[b].kind != LocKind::Const) {
    std::swap(a, b);
    if (!test) cc = reverseCond(cc);  // b cond' a
  }
  Operand sa = gp_src(a, rax);
  if (sa.isImm()) {  // (both constant: the passes fold these)
    a_.mov(rax, sa.as<Imm>());
    sa = rax;
  }
  if (w32) sa = low32(sa);
  const bool b_const = loc_[b].kind == LocKind::Const;
  if (!test && b_const && (w32 ? static_cast<int32_t>(loc_[b].value) : loc_[b].value) == 0) {
    if (!w32 && zero_flag_holds(a, sa, cc)) return cc;  // (the flags of a 64-bit result)
    if (sa.isReg()) emit_alu(Inst::kIdTest, sa, sa);
    else emit_alu(Inst::kIdCmp, sa, Imm(0));
    return cc;
  }
  // (A 32-bit compare takes any constant's low half as its immediate.)
  Operand sb = w32 && b_const ? Operand(Imm(static_cast<int32_t>(loc_[b].value))) : gp_src(b, rdx);
  if (sa.isMem() && sb.isMem()) {
    const Gp r = w32 ? Gp(eax) : Gp(rax);
    emit_mov(r, sa);
    sa = r;
  }
  if (w32) sb = low32(sb);
  if (test && sb.isMem()) std::swap(sa, sb);  // test r/m, r
  emit_alu(test ? Inst::kIdTest : Inst::kIdCmp, sa, sb);
  return cc;
}

bool Emitter::zero_flag_holds(Temp t, const Operand& sa, CondCode cc) const {
  if (zf_.idx < 0 || zf_.t != t || zf_.end != a_.offset() || !sa.isReg() ||
      static_cast<int>(sa.as<Gp>().id()) != zf_.reg)
    return false;
  if (!zf_.logic && cc != CondCode::kEqual && cc != CondCode::kNotEqual) return false;
  return only_moves_since(zf_.idx);
}

bool Emitter::flags_hold(const IrInsn& i) const {
  if (flags_from_.idx < 0 || flags_from_.a != i.a || flags_from_.b != i.b ||
      flags_from_.test != (i.aux & kCondTest) || flags_from_.end != a_.offset())
    return false;
  return only_moves_since(flags_from_.idx);
}

bool Emitter::only_moves_since(int from) const {
  for (size_t k = static_cast<size_t>(from) + 1; k < idx_; ++k) {
    const IrOp op = ir_.insns[k].op;
    if (op != IrOp::get_reg && op != IrOp::set_reg && op != IrOp::movi && op != IrOp::insn_start) return false;
  }
  return true;
}

void Emitter::emit_int(const IrInsn& i) {
  if (based_def_.size() && based_def_[idx_]) {  // (its based accesses add it up themselves)
    free_dead_operands();
    return;
  }
  if (i.op == IrOp::or_ && !i.aux && box_or_[i.dst] && loc_[i.a].kind == LocKind::Xmm) {
    emit_box_or(i);
    return;
  }
  switch (i.op) {
    case IrOp::insn_start:
      cur_pc_ = static_cast<uint64_t>(i.imm);
      pc_map.emplace_back(static_cast<uint32_t>(a_.offset()), cur_pc_);
      return;
    case IrOp::movi:
      loc_[i.dst].kind = LocKind::Const;
      loc_[i.dst].value = i.imm;
      return;
    case IrOp::mov:
      loc_[i.dst] = loc_[i.a];  // the optimizer leaves few of these; share the location
      if (loc_[i.a].kind == LocKind::Gp || loc_[i.a].kind == LocKind::Xmm || loc_[i.a].kind == LocKind::Spill) {
        // Pool registers and slots have one owner: copy instead.
        Gp d = alloc_gp_dst(i.dst);
        Operand s = gp_src(i.a, rax);
        free_dead_operands();
        if (!d.isValid()) {
          if (s.isMem()) { emit_mov(rax, s); s = rax; }
          set_spill(i.dst);
          emit_mov(mem_of(loc_[i.dst]), s);
        } else {
          emit_mov(d, s);
          set_gp(i.dst, d);
        }
      }
      return;
    case IrOp::get_reg: {
      if (inv_host_[i.imm] >= 0) {  // (a self-loop's invariant: its register is never written)
        loc_[i.dst].kind = LocKind::Gp;
        loc_[i.dst].reg = static_cast<uint8_t>(inv_host_[i.imm]);
        note_gp(inv_host_[i.imm]);
        return;
      }
      Gp pin = pinned_of(static_cast<int>(i.imm));
      if (pin.isValid()) {
        loc_[i.dst].kind = LocKind::Gp;
        loc_[i.dst].reg = static_cast<uint8_t>(pin.id());
        note_gp(pin.id());
        pin_busy_until_[pin.id()] = std::max(pin_busy_until_[pin.id()], last_use_[i.dst]);
      } else {
        loc_[i.dst].kind = LocKind::GuestX;
        loc_[i.dst].index = static_cast<int32_t>(i.imm);
        note_xslot(static_cast<int>(i.imm));
      }
      return;
    }
    case IrOp::set_reg: emit_set_reg(i); return;
    case IrOp::add:
      if (!emit_word_op(i)) emit_binop(i, Inst::kIdAdd, true);
      return;
    case IrOp::sub:
      if (emit_word_op(i)) return;
      if (loc_[i.a].kind == LocKind::Const && loc_[i.a].value == 0) {  // neg
        Gp d = alloc_gp_dst(i.dst, i.b);
        Gp work = d.isValid() ? d : Gp(rax);
        Operand sb = gp_src(i.b, rax);
        if (!(sb.isReg() && sb.as<Gp>() == work)) emit_mov(work, sb);
        a_.neg(work);
        free_dead_operands();
        place_result(i, d);
        return;
      }
      emit_binop(i, Inst::kIdSub, false);
      return;
    case IrOp::and_: emit_binop(i, Inst::kIdAnd, true); return;
    case IrOp::or_: emit_binop(i, Inst::kIdOr, true); return;
    case IrOp::xor_: emit_binop(i, Inst::kIdXor, true); return;
    case IrOp::mul:  // imul r, r/m | imm32
      if (!emit_word_op(i)) emit_binop(i, Inst::kIdImul, true);
      return;
    case IrOp::shl: emit_shift(i, Inst::kIdShl, false); return;
    case IrOp::shr: emit_shift(i, Inst::kIdShr, false); return;
    case IrOp::sar: emit_shift(i, Inst::kIdSar, false); return;
    case IrOp::shlw: emit_shift(i, Inst::kIdShl, true); return;
    case IrOp::shrw: emit_shift(i, Inst::kIdShr, true); return;
    case IrOp::sarw: emit_shift(i, Inst::kIdSar, true); return;
    case IrOp::sext_w:
    case IrOp::zext_w: {
      if (last_use_[i.dst] < 0) {  // (an extension plan_narrow left without readers)
        free_dead_operands();
        return;
      }
      Operand s = gp_src(i.a, rax);
      if (s.isReg()) s = s.as<Gp>().r32();
      else if (s.isMem()) s.as<Mem>().setSize(4);
      else { a_.mov(rax, s.as<Imm>()); s = eax; }
      Gp d = alloc_gp_dst(i.dst, i.a);
      Gp work = d.isValid() ? d : Gp(rax);
      if (i.op == IrOp::sext_w) a_.emit(Inst::kIdMovsxd, work, s);
      else emit_mov(work.r32(), s);
      free_dead_operands();
      place_result(i, d);
      return;
    }
    case IrOp::setcond: {
      Operand sa = gp_src(i.a, rax);
      if (!sa.isReg()) { emit_mov(rax, sa); sa = rax; }
      emit_alu(Inst::kIdCmp, sa, gp_src(i.b, rdx));
      a_.set(cc_of(static_cast<IrCond>(i.aux)), al);
      a_.movzx(eax, al);
      finish_in(i, rax);
      return;
    }
    case IrOp::mulh:
    case IrOp::mulhu:
    case IrOp::mulhsu: {
      emit_mov(rcx, gp_src(i.b, rcx));
      emit_mov(rax, gp_src(i.a, rax));
      if (i.op == IrOp::mulhsu) {  // hi(s*u) = hiu(a,b) - (a < 0 ? b : 0)
        a_.push(rax);
        a_.mul(rdx, rax, rcx);
        a_.pop(rax);
        a_.sar(rax, 63);
        a_.and_(rax, rcx);
        a_.sub(rdx, rax);
      } else if (i.op == IrOp::mulh) {
        a_.imul(rdx, rax, rcx);
      } else {
        a_.mul(rdx, rax, rcx);
      }
      a_.mov(rax, rdx);
      finish_in(i, rax);
      return;
    }
    case IrOp::div: case IrOp::divu: case IrOp::rem: case IrOp::remu:
    case IrOp::divw: case IrOp::divuw: case IrOp::remw: case IrOp::remuw:
      emit_div(i);
      return;
    case IrOp::load: {
      Mem m = emit_guest_mem(i, false);
      unsigned size = i.aux & 0xf;
      bool sgn = i.aux & 0x10;
      m.setSize(size);
      if (fp_load_[i.dst]) {  // an fld or flw: straight into an XMM register when one is free
        const int k = alloc_xmm();
        if (k >= 0) {
          const PendingPlaces before = pending_places();
          free_dead_operands();
          xmm_owner_[k] = i.dst;
          loc_[i.dst].kind = LocKind::Xmm;
          loc_[i.dst].reg = static_cast<uint8_t>(k);
          loc_[i.dst].index = 0;  // (raw bits: a single read from it is box-checked)
          const uint32_t at = static_cast<uint32_t>(a_.offset());
          if (size == 8) a_.movsd(Xmm(xmm(static_cast<uint32_t>(k))), m);
          else a_.movss(Xmm(xmm(static_cast<uint32_t>(k))), m);  // (flw: boxed by its or_)
          note_pending(at, &before);
          return;
        }
      }
      // The destination is allocated while the address register is still
      // owned by its temp: evictions for it must not land there. (It may be
      // that register when the address dies here: park_dying.) The
      // deferred values' places are taken before, for the record.
      const PendingPlaces before = pending_places();
      Gp d = alloc_gp_dst(i.dst, i.a, true);
      free_dead_operands();
      Gp t = d.isValid() ? d : Gp(rax);
      const uint32_t at = static_cast<uint32_t>(a_.offset());
      switch (size) {
        case 1: emit_guest_access(sgn ? GuestAccess::Sx8 : GuestAccess::Zx8, t, m); break;
        case 2: emit_guest_access(sgn ? GuestAccess::Sx16 : GuestAccess::Zx16, t, m); break;
        case 4: emit_guest_access(sgn ? GuestAccess::Sx32 : GuestAccess::Ld32, t, m); break;
        default: emit_guest_access(GuestAccess::Ld64, t, m); break;
      }
      note_pending(at, &before);
      place_result(i, d);
      return;
    }
    case IrOp::store: {
      Mem m = emit_guest_mem(i, true);
      m.setSize(i.aux);
      const Loc& lb = loc_[i.b];
      if (lb.kind == LocKind::Const && fits_i32(lb.value)) {
        int64_t v = lb.value;
        if (i.aux == 1) v = static_cast<int8_t>(v);
        if (i.aux == 2) v = static_cast<int16_t>(v);
        const uint32_t at = static_cast<uint32_t>(a_.offset());
        a_.mov(m, Imm(v));
        note_pending(at);
      } else if (lb.kind == LocKind::Xmm && (i.aux == 8 || i.aux == 4)) {  // fsd, fsw: from the XMM register
        const Xmm x = Xmm(xmm(lb.reg));
        const uint32_t at = static_cast<uint32_t>(a_.offset());
        if (i.aux == 8) a_.movsd(m, x); else a_.movss(m, x);
        note_pending(at);
      } else {
        Gp v = gp_in_reg(i.b, rcx);
        const uint32_t at = static_cast<uint32_t>(a_.offset());
        switch (i.aux) {
          case 1: emit_guest_access(GuestAccess::St8, v, m); break;
          case 2: emit_guest_access(GuestAccess::St16, v, m); break;
          case 4: emit_guest_access(GuestAccess::St32, v, m); break;
          default: emit_guest_access(GuestAccess::St64, v, m); break;
        }
        note_pending(at);
      }
      free_dead_operands();
      return;
    }
    case IrOp::amo: case IrOp::amocas: case IrOp::lr: case IrOp::sc:
      emit_atomic(i);
      return;
    case IrOp::fence:
      if (i.aux) a_.mfence();
      return;
    case IrOp::call_interp:
      emit_helper(i);
      return;
    case IrOp::vec: case IrOp::vec_x:
      emit_vector(i);
      return;
    case IrOp::goto_tb:
      if (loop_) emit_loop_branch(i, kNoCond);
      else if (ir_is_call(i) && shadow_ok()) emit_call_known(i);
      else emit_exit_jump(0, static_cast<uint64_t>(i.imm));
      return;
    case IrOp::exit_if: {
      const Cmp32& c = cmp32_[idx_];
      const CondCode cc = c.a != kNoTemp ? emit_compare(c.a, c.b, i.aux, true) : emit_compare(i.a, i.b, i.aux);
      if (!loop_ && plain_exit_next_ < kTbExits) {
        // A plain block's side exit (a trace superblock): the guest state
        // is exact here (exit_if is hard for lending and deferral), so the
        // jcc itself is the chainable exit, as a brcond's taken side is.
        emit_exit_jump(plain_exit_next_++, static_cast<uint64_t>(i.imm), cc);
      } else {
        SideExit s{a_.newLabel(), static_cast<uint64_t>(i.imm)};
        a_.j(cc, s.label);
        side_exits_.push_back(s);
      }
      free_dead_operands();
      return;
    }
    case IrOp::brcond: {
      const Cmp32& c = cmp32_[idx_];
      const CondCode cc = c.a != kNoTemp ? emit_compare(c.a, c.b, i.aux, true) : emit_compare(i.a, i.b, i.aux);
      if (loop_) {
        emit_loop_branch(i, cc);
        return;
      }
      emit_exit_jump(0, static_cast<uint64_t>(i.imm), cc);
      emit_exit_jump(1, static_cast<uint64_t>(i.imm2));
      return;
    }
    case IrOp::jump_ind:
      if (ir_is_call(i) && shadow_ok()) emit_call_ind(i);
      else if (ir_is_ret(i) && shadow_ok()) emit_ret(i);
      else emit_jump_ind(i);
      return;
    case IrOp::exit:
      a_.mov(state_mem(offsetof(CpuState, insn_bits), 4), Imm(static_cast<int32_t>(i.imm2)));
      a_.mov(state_mem(offsetof(CpuState, exit_reason), 4), Imm(i.aux));
      emit_leave_at(static_cast<uint64_t>(i.imm));
      return;
    default:
      if (i.op >= IrOp::shadd && i.op <= IrOp::clmulr) {
        emit_bitmanip(i);
        return;
      }
      error_ = std::string("backend: no code for IR op ") + ir_info(i.op).name;
      return;
  }
}

void Emitter::plan_mem_free() {
  if (loop_ || (tb_->flags & (kTbCount | kTbOneInsn | kTbDebugStep))) return;
  for (const IrInsn& i : ir_.insns) {
    const uint8_t f = ir_info(i.op).flags;
    if ((f & (kIrFault | kIrClobbers | kIrReadsState)) || i.op == IrOp::vec || i.op == IrOp::vec_x ||
        i.op == IrOp::fence)
      return;
  }
  // Only where values computed by the block outnumber the pool somewhere
  // (the reload of r14 at the end delays the next block's first access).
  ArenaArray<int> delta = arena_.array(ir_.insns.size() + 1, 0);
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    const IrInsn& i = ir_.insns[k];
    if (!(ir_info(i.op).flags & kIrDst) || i.op == IrOp::movi || i.op == IrOp::get_reg) continue;
    if (last_use_[i.dst] <= static_cast<int>(k)) continue;
    ++delta[k];
    --delta[static_cast<size_t>(last_use_[i.dst])];
  }
  int live = 0, most = 0;
  for (int d : delta) most = std::max(most, live += d);
  mem_free_ = mem_free_block_ = most > 5;
}

void Emitter::end_mem_free() {
  evict(LocKind::Gp, kMem.id(), true);  // (the terminator's operands too)
  mem_free_ = false;
  // (From mem_base_reload: a kick while r14 held a guest value poisons
  // that instead of r14, vcpu_kicked; the next block may not read the
  // request.)
  a_.mov(kMem, state_mem(offsetof(CpuState, mem_base_reload)));
}

void Emitter::emit_poison_if_requested() {
  Label on = a_.newLabel();
  a_.cmp(state_mem(offsetof(CpuState, exit_request), 4), 0);
  a_.je(on);
  if (mem_free_block_) {
    // r14 may hold a guest value here: poison what the block reloads r14
    // from at its end, as a kick in it does (vcpu_kicked). (No register
    // is free: rax holds the call's result. 0, then bit 63.)
    static_assert(kPoisonedMemBase == uint64_t{1} << 63);
    const Mem reload = state_mem(offsetof(CpuState, mem_base_reload));
    a_.mov(reload, 0);
    a_.bts(reload, 63);
  } else {
    a_.mov(kMem, Imm(static_cast<int64_t>(kPoisonedMemBase)));
  }
  a_.bind(on);
}

std::string Emitter::run() {
  plan_loop();  // may re-home pins: before the passes below read pins()
  // A plain block's side exits take the exits its terminator leaves free
  // (a brcond takes 0 and 1, a goto_tb 0, a call's landing the next).
  // A call's landing takes one more, where this block has one (shadow_ok):
  // no exit index may be left unused below one that is used.
  if (!loop_ && !ir_.insns.empty()) {
    const IrInsn& term = ir_.insns.back();
    plain_exit_next_ = static_cast<int>(ir_plain_term_exits(term)) - (ir_is_call(term) && !shadow_ok() ? 1 : 0);
  }
  const size_t n_insns = ir_.insns.size();
  def_at_ = arena_.array(ir_.num_temps, INT_MAX);
  defined_end_ = arena_.uninit<Temp>(n_insns);  // (filled by the forward walk)
  // Forward: last readers and definitions (last_use_, def_at_,
  // defined_end_), the last insn before each that may fault (prev_fault_),
  // and temps that are NaN-boxed singles by construction (boxed_: flw,
  // fmv.w.x — an or_ with a constant whose upper 32 bits are ones — need no
  // box check).
  {
    ArenaArray<bool> box_const = arena_.array(ir_.num_temps, false);
    int last_fault = -1;
    Temp defined_end = 0;
    bool scalar_fp = false;  // an op that may put a temp in xmm0-9
    for (size_t k = 0; k < n_insns; ++k) {
      const IrInsn& i = ir_.insns[k];
      const uint8_t f = ir_info(i.op).flags;
      scalar_fp |= i.op == IrOp::get_freg || i.op == IrOp::set_freg || (i.op >= IrOp::unbox_s && i.op <= IrOp::frm_read);
      uint32_t args[kIrMaxArgs];
      int n = ir_args(i, args);
      for (int j = 0; j < n; ++j) last_use_[args[j]] = static_cast<int>(k);
      if (f & kIrDst) {
        def_at_[i.dst] = static_cast<int>(k);
        if (i.dst >= defined_end) defined_end = i.dst + 1;
      }
      defined_end_[k] = defined_end;
      prev_fault_[k] = last_fault;
      if (f & kIrFault) last_fault = static_cast<int>(k);
      if (i.op == IrOp::movi && (static_cast<uint64_t>(i.imm) >> 32) == 0xffffffffu) box_const[i.dst] = true;
      if (i.op == IrOp::or_ && !i.aux && (box_const[i.a] || box_const[i.b])) boxed_[i.dst] = true;
    }
    vcache_slots_ = scalar_fp ? kVecCacheSize : kVecCacheWide;
  }
  plan_indexed();  // (extends last_use_ of indexed accesses' bases)
  plan_heads();
  plan_fp_loop();
  plan_fp_loads();
  plan_induction();
  plan_narrow();  // (extends last_use_ of the values narrow set_regs take instead)
  plan_invariants();  // (extends last_use_ of based accesses' indexes)
  real_last_ = arena_.copy(last_use_);
  plan_mem_free();
  plan_unpolled();
  // Backward, in one walk:
  // - next readers (next_use_ is the scratch "next reader after k");
  // - where pinned registers may be lent out (lend_ok_, lend_soft_):
  //   `lend_set` has bit p while the next access of kPinnedRegs[p] is a
  //   set_reg before any helper call, exit or FP state read; `lend_soft`
  //   while a memory access that may fault lies before that set_reg;
  // - deferrable set_regs (next_set_): `defer_set` has bit x while x's next
  //   access is a set_reg (at nxt[x]) with only plain loads and stores
  //   before it.
  uint8_t narrow_pins = 0;  // (never lent: their value is not the guest's as it stands)
  if (loop_)  // (only self-loop blocks have narrow registers)
    for (int x = 1; x < 32; ++x)
      if (narrow_[x]) narrow_pins |= static_cast<uint8_t>(1u << pins().pin_of_host[pins().host[x]]);
  {
    uint8_t lend_set = 0, lend_soft = 0;
    uint32_t defer_set = 0;
    int nxt[32];
    for (int& n : nxt) n = -1;
    for (size_t k = n_insns; k-- > 0;) {
      const IrInsn& i = ir_.insns[k];
      if (i.op == IrOp::insn_start) {  // (changes none of the state below; not emitted: run's loop)
        lend_ok_[k] = lend_soft_[k] = 0;
        continue;
      }
      const uint8_t f = ir_info(i.op).flags;
      uint32_t args[kIrMaxArgs];
      int n = ir_args(i, args);
      for (int j = 0; j < n; ++j) arg_next_[kIrMaxArgs * k + j] = next_use_[args[j]];
      for (int j = 0; j < n; ++j) next_use_[args[j]] = static_cast<int>(k);
      if (f & kIrDst) first_use_[k] = next_use_[i.dst];

      const bool reg = i.op == IrOp::get_reg || i.op == IrOp::set_reg;
      const bool lend_hard = (f & (kIrClobbers | kIrTerm | kIrReadsState)) || i.op == IrOp::exit_if;
      uint8_t touch = 0;
      if (reg && pins().host[i.imm] >= 0) touch = static_cast<uint8_t>(1u << pins().pin_of_host[pins().host[i.imm]]);
      lend_ok_[k] = lend_hard ? 0 : static_cast<uint8_t>(lend_set & ~touch & ~narrow_pins);
      lend_soft_[k] = lend_soft;  // (the insn's own fault: lend_soft_here)
      if (lend_hard) {
        lend_set = lend_soft = 0;
      } else {
        if (f & kIrFault) lend_soft = 0x7f;
        if (i.op == IrOp::set_reg) { lend_set |= touch; lend_soft &= static_cast<uint8_t>(~touch); }
        if (i.op == IrOp::get_reg) lend_set &= static_cast<uint8_t>(~touch);
      }

      const bool defer_hard = (f & (kIrClobbers | kIrTerm | kIrReadsState)) ||
                              ((f & kIrFault) && i.op != IrOp::load && i.op != IrOp::store);
      const int x = reg ? static_cast<int>(i.imm) : 0;
      if (i.op == IrOp::set_reg && x != 0 && pins().host[x] < 0 && (defer_set >> x & 1)) next_set_[k] = nxt[x];
      if (defer_hard) {
        defer_set = 0;
      } else if (i.op == IrOp::set_reg) {
        defer_set |= 1u << x;
        nxt[x] = static_cast<int>(k);
      } else if (i.op == IrOp::get_reg) {
        defer_set &= ~(1u << x);
      }
    }
  }
  pc_map.reserve(tb_->icount);  // one entry per guest insn: one allocation, no growth
  // Entry: honour an exit request within one TB (unless the block's first
  // guest access, which a poisoned r14 makes fault, comes before any way
  // out: plan_unpolled).
  uint32_t req_jump = 0;
  if (loop_) {
    emit_loop_entry();  // (its loop head checks the exit request)
  } else if (!skip_entry_read_) {
    embed(stubs_.entry_check);
    req_jump = emit_jump_rel32(CondCode::kNE);
  }
  if (tb_->flags & kTbCount) emit_count_entry();
  for (idx_ = 0; idx_ < n_insns; ++idx_) {
    const IrInsn& i = ir_.insns[idx_];
    if (i.op == IrOp::insn_start) {  // (no operand, result or code: none of the bookkeeping below)
      emit_int(i);
      continue;
    }
    const size_t first = idx_;
    advance_scan(idx_);
    // rcx and rdx: free them if this insn's code may use them as scratch
    // (in turn: rdx stays reserved from the insn before while rcx is freed).
    if (never_uses_scratch(i.op)) {
      reserved_[Gp::kIdCx] = reserved_[Gp::kIdDx] = false;
    } else {
      for (int id : {static_cast<int>(Gp::kIdCx), static_cast<int>(Gp::kIdDx)}) {
        reserved_[id] = false;
        if (!uses_scratch(i, id)) continue;
        reserved_[id] = true;
        evict(LocKind::Gp, id, true);
      }
    }
    if (mem_free_ && (ir_info(i.op).flags & kIrTerm)) end_mem_free();
    park_dying(i);
    promote_operands(i);
    if ((i.op >= IrOp::unbox_s && i.op <= IrOp::frm_read) || i.op == IrOp::get_freg || i.op == IrOp::set_freg)
      emit_fp(i);
    else
      emit_int(i);
    if (!error_.empty()) return error_;
    if (skip_entry_read_ && first_access_ >= static_cast<int>(first) && first_access_ <= static_cast<int>(idx_) &&
        loop_accesses_ == 0)
      return "a block without an entry read whose first access made no guest access";  // (plan_unpolled)
    // Deferred values past the last access that could see them: dropped
    // (x is set again before anything else reads it).
    for (uint32_t m = pending_bits_; m; m &= m - 1) {
      const int x = __builtin_ctz(m);
      if (pending_until_[x] <= static_cast<int>(idx_)) cancel_pending(x);
    }
    if (lent_open_) {
      for (LentRange& r : rec_->lent)
        if (r.end == UINT32_MAX) r.end = static_cast<uint32_t>(a_.offset());
      lent_open_ = false;
    }
    for (size_t k = first; k <= idx_; ++k) {  // emit_word_op may have taken two insns
      const IrInsn& done = ir_.insns[k];
      uint32_t args[kIrMaxArgs];
      int n = ir_args(done, args);
      for (int j = 0; j < n; ++j) next_use_[args[j]] = arg_next_[kIrMaxArgs * k + j];
      if (ir_info(done.op).flags & kIrDst) next_use_[done.dst] = first_use_[k];
    }
    // Results nobody reads release their register at once.
    if ((ir_info(i.op).flags & kIrDst) && last_use_[i.dst] == -1) {
      Loc& l = loc_[i.dst];
      if (l.kind == LocKind::Gp && gp_owner_[l.reg] == i.dst) gp_owner_[l.reg] = kNoTemp;
      if (l.kind == LocKind::Xmm && xmm_owner_[l.reg] == i.dst) xmm_owner_[l.reg] = kNoTemp;
      if (l.kind == LocKind::Spill) slot_busy_[l.index] = false;
    }
  }
  // Cold paths.
  emit_vector_cold();
  emit_side_exits();  // (before the exit stubs: they may add one)
  for (size_t k = 0; k < exit_stubs_.size(); ++k) emit_exit_stub(exit_stubs_[k]);
  if (loop_) {
    finish_loop();
  } else if (!skip_entry_read_) {
    patch_rel32(req_jump);
    emit_leave_at(tb_->pc);
  }
  if (tb_->flags & kTbCount) emit_count_cold();
  for (const ColdStub& s : cold_) {
    if (s.kind != ColdStub::Fault) emit_cold_fp(s);
    else emit_fault_stub(s);
  }
  // (The body's accesses are the only ones: cold paths make none.)
  if (unpolled_ && loop_accesses_ == 0) return "an unpolled self-loop without a guest access";  // (plan_unpolled)
  return {};
}

}  // namespace x86be

std::string emit_block(asmjit::x86::Assembler& a, const IrBlock& ir, TranslationBlock* tb,
                       const std::vector<DecodedInsn>& helper_insns, const BackendOptions& opt,
                       BlockRecovery* recovery, PcMap* pc_map) {
  // Self-loop blocks may rematerialise some guest registers instead of
  // storing them (backend_x86_remat.cpp): the Emitter gets the IR without
  // their set_regs.
  IrBlock remat_ir;  // (also a self-loop candidate's own copy: Emitter::own_ir_)
  std::vector<x86be::RematUse> remat;
  uint8_t dropped[32] = {};
  static const bool no_remat = getenv("HART_JIT_NO_REMAT") != nullptr;  // (for comparisons)
  bool rm = recovery && !no_remat && x86be::plan_remat(ir, tb, &remat_ir, &remat, dropped);
  // The loop flag costs a store per round: worth it where at least two
  // set_regs go (glibc's copy loops, which drop one, ran 0.64 -> 0.67 s).
  constexpr int kMinRematDrops = 2;
  int n_dropped = 0;
  for (uint8_t d : dropped) n_dropped += d;
  if (rm && n_dropped < kMinRematDrops) {
    rm = false;
    remat.clear();
    memset(dropped, 0, sizeof dropped);
  }
  // A self-loop candidate's IR is copied (if remat did not already), so that
  // plan_narrow may rewrite it: loops are few, and their code runs long.
  const bool own = rm || (recovery && !ir.insns.empty() && ir_goes_back_to(ir.insns.back(), tb->pc));
  if (own && !rm) remat_ir = ir;
  x86be::Emitter e(a, own ? remat_ir : ir, tb, helper_insns, opt, recovery);
  if (own) e.own_ir_ = &remat_ir;
  e.remat_ = std::move(remat);
  memcpy(e.remat_dropped_, dropped, sizeof dropped);
  std::string err = e.run();
  if (pc_map) *pc_map = std::move(e.pc_map);
  else tb->pc_map = std::make_shared<const PcMap>(std::move(e.pc_map));
  return err;
}

void emit_dispatcher(asmjit::x86::Assembler& a, asmjit::Label exit_label, asmjit::Label fault_label,
                     asmjit::Label pc_label, asmjit::Label ind_label, asmjit::Label poll_start,
                     asmjit::Label poll_end) {
  using namespace asmjit::x86;
  using x86be::kMem;
  using x86be::kState;
  // ExitValue fn(CpuState* rdi, uint8_t* rsi, const void* rdx)
  a.push(rbx);
  a.push(rbp);
  a.push(r12);
  a.push(r13);
  a.push(r14);
  a.push(r15);
  a.sub(rsp, kFrameBytes);
  const Mem host_mxcsr = dword_ptr(rsp, kHostMxcsrSlot);
  a.mov(kState, rdi);
  a.mov(kMem, rsi);
  // The shadow stack (backend_x86_call.cpp): empty but for the sentinel.
  asmjit::Label sentinel = a.newLabel();
  a.lea(rax, asmjit::x86::ptr(sentinel));
  a.mov(ptr(rsp), rax);
  a.mov(x86be::state_mem(offsetof(CpuState, jit_sp)), rsp);
  a.lea(rax, ptr(rsp, -kShadowDepth * kShadowFrame));
  a.mov(x86be::state_mem(offsetof(CpuState, jit_sp_floor)), rax);
  // Guest rounding mode, flags clear (skipped when MXCSR holds that already).
  asmjit::Label loaded = a.newLabel();
  a.stmxcsr(host_mxcsr);
  a.mov(eax, host_mxcsr);
  a.cmp(eax, x86be::state_mem(offsetof(CpuState, mxcsr), 4));
  a.je(loaded);
  a.ldmxcsr(x86be::state_mem(offsetof(CpuState, mxcsr), 4));
  a.bind(loaded);
  for (const PinnedReg& p : kPinnedRegs)
    a.mov(Gp(gpq(static_cast<uint32_t>(p.host_id))), x86be::xreg_mem(p.xreg));
  x86be::emit_dispatch_count_in(a);
  asmjit::Label requested = a.newLabel();
  a.bind(poll_start);
  a.cmp(x86be::state_mem(offsetof(CpuState, exit_request), 4), 0);
  a.jne(requested);
  a.jmp(rdx);
  // A guest return with no call of this entry to generated code left to
  // return to (rax: its target): back to the bottom of the stack (the
  // sentinel's entry rewritten, whatever overwrote it), then the jump
  // cache, as an indirect jump. Inside [poll_start, poll_end): a kick here
  // poisons the memory base, as in a block.
  a.bind(sentinel);
  a.mov(rsp, x86be::state_mem(offsetof(CpuState, jit_sp)));
  a.lea(rcx, asmjit::x86::ptr(sentinel));
  a.mov(ptr(rsp), rcx);
  a.bind(ind_label);
  x86be::emit_jump_cache_probe(a, 0);
  a.mov(x86be::state_mem(offsetof(CpuState, pc)), rax);
  a.xor_(eax, eax);
  a.jmp(exit_label);
  a.bind(poll_end);
  a.bind(requested);  // a plain exit before the block: the run loop sees the request
  a.xor_(eax, eax);
  a.jmp(exit_label);
  // A range check's fault stub (emit_fault_stub) comes here with the pc in
  // rcx and fault_kind | fault_is_write << 8 in edx: what every stub
  // stored itself before (37 bytes more per stub).
  a.bind(fault_label);
  a.movzx(eax, dl);
  a.mov(x86be::state_mem(offsetof(CpuState, fault_kind), 4), eax);
  a.shr(edx, 8);
  a.mov(x86be::state_mem(offsetof(CpuState, fault_is_write), 4), edx);
  a.mov(x86be::state_mem(offsetof(CpuState, exit_reason), 4), asmjit::Imm(static_cast<int>(ExitReason::MemFault)));
  // Leaving with the next pc in rcx (emit_leave_at), plain.
  a.bind(pc_label);
  a.mov(x86be::state_mem(offsetof(CpuState, pc)), rcx);
  a.xor_(eax, eax);
  a.bind(exit_label);
  a.mov(rsp, x86be::state_mem(offsetof(CpuState, jit_sp)));  // (any guest calls' frames dropped)
  x86be::emit_dispatch_count_out(a);
  for (const PinnedReg& p : kPinnedRegs)
    a.mov(x86be::xreg_mem(p.xreg), Gp(gpq(static_cast<uint32_t>(p.host_id))));
  // Back to the host's MXCSR only if its rounding or masks differ: sticky
  // flags do not matter to hartd's own code, and ldmxcsr is slow.
  const Mem guest_mxcsr = x86be::state_mem(offsetof(CpuState, mxcsr), 4);
  asmjit::Label same = a.newLabel();
  a.stmxcsr(guest_mxcsr);
  a.mov(ecx, guest_mxcsr);
  a.xor_(ecx, host_mxcsr);
  a.test(ecx, ~0x3f);
  a.jz(same);
  a.ldmxcsr(host_mxcsr);
  a.bind(same);
  a.add(rsp, kFrameBytes);
  a.pop(r15);
  a.pop(r14);
  a.pop(r13);
  a.pop(r12);
  a.pop(rbp);
  a.pop(rbx);
  a.ret();
}

}  // namespace hart
