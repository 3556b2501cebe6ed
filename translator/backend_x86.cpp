// translator/backend_x86.cpp — see backend_x86.h.
#include "translator/backend_x86.h"

#include <cstddef>

#include "core/cpu_state.h"
#include "core/address_space.h"
#include "translator/interp.h"

namespace hart {

using namespace asmjit;
using namespace asmjit::x86;

namespace {

const Gp kState = r15, kMem = r14;
const Gp kPool[] = {rbx, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13};
constexpr int kPoolSize = sizeof(kPool) / sizeof(kPool[0]);
bool caller_saved(const Gp& r) {
  return r == rsi || r == rdi || r == r8 || r == r9 || r == r10 || r == r11;
}

Mem st(size_t off, uint32_t size = 8) { return ptr(kState, static_cast<int32_t>(off), size); }
Mem xreg(int64_t r) { return st(offsetof(CpuState, x) + 8 * r); }

struct Loc {
  bool in_reg = false;
  Gp reg;
  int slot = -1;
};

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

struct FaultStub {
  Label label;
  uint64_t pc;
  bool is_write;
};

class Emitter {
 public:
  Emitter(Assembler& a, const IrBlock& ir, TranslationBlock* tb, const std::vector<DecodedInsn>& h)
      : a_(a), ir_(ir), tb_(tb), helpers_(h), loc_(ir.num_temps), last_use_(ir.num_temps, -1),
        const_(ir.num_temps, false), value_(ir.num_temps, 0) {}

  std::string run();

 private:
  // Operand of a temp: its register or its spill slot.
  Operand op(Temp t) const {
    const Loc& l = loc_[t];
    if (l.in_reg) return l.reg;
    return ptr(rsp, l.slot * 8, 8);
  }
  Operand op32(Temp t) const {
    const Loc& l = loc_[t];
    if (l.in_reg) return l.reg.r32();
    return ptr(rsp, l.slot * 8, 4);
  }
  bool imm32(Temp t, int32_t* v) const {
    if (!const_[t]) return false;
    int64_t x = static_cast<int64_t>(value_[t]);
    if (x != static_cast<int32_t>(x)) return false;
    *v = static_cast<int32_t>(x);
    return true;
  }
  void mov_to_rax(Temp t) { a_.emit(Inst::kIdMov, rax, op(t)); }
  void store_rax(Temp t) { a_.emit(Inst::kIdMov, op(t), rax); }
  void alloc(Temp t);
  void release_dead(size_t idx);
  void emit_exit_jump(int index, uint64_t target_pc);
  void emit_leave(uint64_t pc, bool set_pc);
  void emit_address(const IrInsn& i, bool is_write);
  void emit_div(const IrInsn& i);
  void emit_helper(const IrInsn& i);
  std::string emit(size_t idx, const IrInsn& i);

  Assembler& a_;
  const IrBlock& ir_;
  TranslationBlock* tb_;
  const std::vector<DecodedInsn>& helpers_;
  std::vector<Loc> loc_;
  std::vector<int> last_use_;
  std::vector<bool> const_;
  std::vector<uint64_t> value_;
  bool reg_busy_[kPoolSize] = {};
  bool slot_busy_[kSpillSlots] = {};
  uint64_t cur_pc_ = 0;
  std::vector<FaultStub> fault_stubs_;
  Label req_label_;
  std::string error_;
};

void Emitter::alloc(Temp t) {
  for (int k = 0; k < kPoolSize; ++k)
    if (!reg_busy_[k]) {
      reg_busy_[k] = true;
      loc_[t].in_reg = true;
      loc_[t].reg = kPool[k];
      return;
    }
  for (int s = 0; s < kSpillSlots; ++s)
    if (!slot_busy_[s]) {
      slot_busy_[s] = true;
      loc_[t].slot = s;
      return;
    }
  error_ = "too many live values in one block";
}

void Emitter::release_dead(size_t idx) {
  const IrInsn& i = ir_.insns[idx];
  const IrOpInfo& info = ir_info(i.op);
  Temp args[2] = {i.a, i.b};
  for (int k = 0; k < info.nargs; ++k) {
    Temp t = args[k];
    if (last_use_[t] != static_cast<int>(idx)) continue;
    last_use_[t] = -2;  // released once
    if (loc_[t].in_reg) {
      for (int r = 0; r < kPoolSize; ++r)
        if (kPool[r] == loc_[t].reg) reg_busy_[r] = false;
    } else if (loc_[t].slot >= 0) {
      slot_busy_[loc_[t].slot] = false;
    }
  }
}

// Leaves generated code: rax = exit value (already set by the caller).
void Emitter::emit_leave(uint64_t pc, bool set_pc) {
  if (set_pc) {
    a_.mov(rcx, pc);
    a_.mov(st(offsetof(CpuState, pc)), rcx);
  }
  a_.jmp(st(offsetof(CpuState, jit_exit)));
}

// A chainable exit: a jmp rel32 (patched by link()) that by default falls
// into a stub leaving with "TB | index+1".
void Emitter::emit_exit_jump(int index, uint64_t target_pc) {
  while ((a_.offset() + 1) & 3) a_.nop();  // rel32 4-byte aligned: atomic patching
  Label stub = a_.newLabel();
  TbExit& e = tb_->exits[index];
  e.target_pc = target_pc;
  e.jmp_offset = static_cast<uint32_t>(a_.offset());
  a_.long_().jmp(stub);
  a_.bind(stub);
  e.stub_offset = static_cast<uint32_t>(a_.offset());
  a_.mov(rax, reinterpret_cast<uint64_t>(tb_) | static_cast<uint64_t>(index + 1));
  emit_leave(target_pc, true);
  if (index + 1 > tb_->n_exits) tb_->n_exits = index + 1;
}

// rax = guest address of a load/store; jumps to a fault stub if it is
// outside the guest's address space.
void Emitter::emit_address(const IrInsn& i, bool is_write) {
  mov_to_rax(i.a);
  if (i.imm) a_.add(rax, static_cast<int32_t>(i.imm));
  a_.mov(rdx, rax);
  a_.shr(rdx, kGuestVaBits);
  FaultStub fs{a_.newLabel(), cur_pc_, is_write};
  a_.jnz(fs.label);
  fault_stubs_.push_back(fs);
}

void Emitter::emit_div(const IrInsn& i) {
  const bool w = i.op == IrOp::divw || i.op == IrOp::divuw || i.op == IrOp::remw || i.op == IrOp::remuw;
  const bool is_signed = i.op == IrOp::div || i.op == IrOp::rem || i.op == IrOp::divw || i.op == IrOp::remw;
  const bool is_rem = i.op == IrOp::rem || i.op == IrOp::remu || i.op == IrOp::remw || i.op == IrOp::remuw;
  Label zero = a_.newLabel(), done = a_.newLabel(), normal = a_.newLabel();
  if (w) {
    a_.emit(Inst::kIdMov, ecx, op32(i.b));
    a_.emit(Inst::kIdMov, eax, op32(i.a));
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
    a_.emit(Inst::kIdMov, rcx, op(i.b));
    a_.emit(Inst::kIdMov, rax, op(i.a));
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
  store_rax(i.dst);
}

void Emitter::emit_helper(const IrInsn& i) {
  // State is exact: every set_reg was stored. Save the live caller-saved temps.
  std::vector<Gp> saved;
  for (int k = 0; k < kPoolSize; ++k)
    if (reg_busy_[k] && caller_saved(kPool[k])) saved.push_back(kPool[k]);
  if (saved.size() & 1) saved.push_back(rax);  // keep rsp 16-byte aligned
  for (const Gp& r : saved) a_.push(r);
  a_.mov(rax, cur_pc_);
  a_.mov(st(offsetof(CpuState, pc)), rax);
  a_.mov(rdi, kState);
  a_.mov(rsi, reinterpret_cast<uint64_t>(&helpers_[i.imm]));
  a_.mov(rax, reinterpret_cast<uint64_t>(&interp_step));
  a_.call(rax);
  for (auto it = saved.rbegin(); it != saved.rend(); ++it) a_.pop(*it);
  // The helper may have stopped the guest (illegal CSR, bad frm...).
  Label ok = a_.newLabel();
  a_.cmp(st(offsetof(CpuState, exit_reason), 4), 0);
  a_.je(ok);
  a_.xor_(eax, eax);
  emit_leave(0, false);
  a_.bind(ok);
}

std::string Emitter::emit(size_t idx, const IrInsn& i) {
  const IrOpInfo& info = ir_info(i.op);
  auto binop = [&](InstId id) {
    int32_t v;
    mov_to_rax(i.a);
    if (imm32(i.b, &v)) a_.emit(id, rax, Imm(v)); else a_.emit(id, rax, op(i.b));
    release_dead(idx);
    alloc(i.dst);
    store_rax(i.dst);
  };
  auto shift = [&](InstId id, bool w) {
    int32_t v;
    bool im = imm32(i.b, &v);
    if (!im) a_.emit(Inst::kIdMov, rcx, op(i.b));
    if (w) {
      a_.emit(Inst::kIdMov, eax, op32(i.a));
      if (im) a_.emit(id, eax, Imm(v & 31)); else a_.emit(id, eax, cl);
      a_.movsxd(rax, eax);
    } else {
      mov_to_rax(i.a);
      if (im) a_.emit(id, rax, Imm(v & 63)); else a_.emit(id, rax, cl);
    }
    release_dead(idx);
    alloc(i.dst);
    store_rax(i.dst);
  };

  switch (i.op) {
    case IrOp::insn_start:
      cur_pc_ = static_cast<uint64_t>(i.imm);
      tb_->pc_map.emplace_back(static_cast<uint32_t>(a_.offset()), cur_pc_);
      return "";
    case IrOp::movi:
      alloc(i.dst);
      const_[i.dst] = true;
      value_[i.dst] = static_cast<uint64_t>(i.imm);
      if (i.imm == static_cast<int32_t>(i.imm)) {
        a_.emit(Inst::kIdMov, op(i.dst), Imm(i.imm));
      } else {
        a_.mov(rax, static_cast<uint64_t>(i.imm));
        store_rax(i.dst);
      }
      return "";
    case IrOp::mov:
      mov_to_rax(i.a);
      const_[i.dst] = const_[i.a];
      value_[i.dst] = value_[i.a];
      release_dead(idx);
      alloc(i.dst);
      store_rax(i.dst);
      return "";
    case IrOp::get_reg:
      alloc(i.dst);
      if (loc_[i.dst].in_reg) {
        a_.mov(loc_[i.dst].reg, xreg(i.imm));
      } else {
        a_.mov(rax, xreg(i.imm));
        store_rax(i.dst);
      }
      return "";
    case IrOp::set_reg: {
      int32_t v;
      if (imm32(i.a, &v)) {
        a_.mov(xreg(i.imm), Imm(v));
      } else if (loc_[i.a].in_reg) {
        a_.mov(xreg(i.imm), loc_[i.a].reg);
      } else {
        mov_to_rax(i.a);
        a_.mov(xreg(i.imm), rax);
      }
      release_dead(idx);
      return "";
    }
    case IrOp::add: binop(Inst::kIdAdd); return "";
    case IrOp::sub: binop(Inst::kIdSub); return "";
    case IrOp::and_: binop(Inst::kIdAnd); return "";
    case IrOp::or_: binop(Inst::kIdOr); return "";
    case IrOp::xor_: binop(Inst::kIdXor); return "";
    case IrOp::mul:
      mov_to_rax(i.a);
      a_.emit(Inst::kIdImul, rax, op(i.b));
      release_dead(idx);
      alloc(i.dst);
      store_rax(i.dst);
      return "";
    case IrOp::shl: shift(Inst::kIdShl, false); return "";
    case IrOp::shr: shift(Inst::kIdShr, false); return "";
    case IrOp::sar: shift(Inst::kIdSar, false); return "";
    case IrOp::shlw: shift(Inst::kIdShl, true); return "";
    case IrOp::shrw: shift(Inst::kIdShr, true); return "";
    case IrOp::sarw: shift(Inst::kIdSar, true); return "";
    case IrOp::sext_w:
      a_.emit(Inst::kIdMovsxd, rax, op32(i.a));
      release_dead(idx);
      alloc(i.dst);
      store_rax(i.dst);
      return "";
    case IrOp::zext_w:
      a_.emit(Inst::kIdMov, eax, op32(i.a));
      release_dead(idx);
      alloc(i.dst);
      store_rax(i.dst);
      return "";
    case IrOp::setcond: {
      int32_t v;
      mov_to_rax(i.a);
      if (imm32(i.b, &v)) a_.cmp(rax, Imm(v)); else a_.emit(Inst::kIdCmp, rax, op(i.b));
      a_.set(cc_of(static_cast<IrCond>(i.aux)), al);
      a_.movzx(eax, al);
      release_dead(idx);
      alloc(i.dst);
      store_rax(i.dst);
      return "";
    }
    case IrOp::mulh:
    case IrOp::mulhu:
    case IrOp::mulhsu:
      if (i.op == IrOp::mulhsu) {  // hi(s*u) = hiu(a,b) - (a < 0 ? b : 0)
        a_.emit(Inst::kIdMov, rcx, op(i.a));
        a_.sar(rcx, 63);
        a_.emit(Inst::kIdAnd, rcx, op(i.b));
      }
      mov_to_rax(i.a);
      if (i.op == IrOp::mulh) a_.emit(Inst::kIdImul, rdx, rax, op(i.b));
      else a_.emit(Inst::kIdMul, rdx, rax, op(i.b));
      if (i.op == IrOp::mulhsu) a_.sub(rdx, rcx);
      a_.mov(rax, rdx);
      release_dead(idx);
      alloc(i.dst);
      store_rax(i.dst);
      return "";
    case IrOp::div: case IrOp::divu: case IrOp::rem: case IrOp::remu:
    case IrOp::divw: case IrOp::divuw: case IrOp::remw: case IrOp::remuw:
      release_dead(idx);  // operands are read into rcx/rax before dst is written
      alloc(i.dst);
      emit_div(i);
      return "";
    case IrOp::load: {
      emit_address(i, false);
      Mem m = ptr(kMem, rax, 0, 0);
      unsigned size = i.aux & 0xf;
      bool sgn = i.aux & 0x10;
      m.setSize(size);
      switch (size) {
        case 1: if (sgn) a_.movsx(rax, m); else a_.movzx(eax, m); break;
        case 2: if (sgn) a_.movsx(rax, m); else a_.movzx(eax, m); break;
        case 4: if (sgn) a_.movsxd(rax, m); else a_.mov(eax, m); break;
        default: a_.mov(rax, m); break;
      }
      release_dead(idx);
      alloc(i.dst);
      store_rax(i.dst);
      return "";
    }
    case IrOp::store: {
      emit_address(i, true);
      a_.emit(Inst::kIdMov, rcx, op(i.b));
      Mem m = ptr(kMem, rax, 0, 0);
      switch (i.aux) {
        case 1: m.setSize(1); a_.mov(m, cl); break;
        case 2: m.setSize(2); a_.mov(m, cx); break;
        case 4: m.setSize(4); a_.mov(m, ecx); break;
        default: m.setSize(8); a_.mov(m, rcx); break;
      }
      release_dead(idx);
      return "";
    }
    case IrOp::fence:
      if (i.aux) a_.mfence();
      return "";
    case IrOp::call_interp:
      emit_helper(i);
      return "";
    case IrOp::goto_tb:
      emit_exit_jump(0, static_cast<uint64_t>(i.imm));
      return "";
    case IrOp::brcond: {
      int32_t v;
      mov_to_rax(i.a);
      if (imm32(i.b, &v)) a_.cmp(rax, Imm(v)); else a_.emit(Inst::kIdCmp, rax, op(i.b));
      Label taken = a_.newLabel();
      a_.j(cc_of(static_cast<IrCond>(i.aux)), taken);
      emit_exit_jump(1, static_cast<uint64_t>(i.imm2));
      a_.bind(taken);
      emit_exit_jump(0, static_cast<uint64_t>(i.imm));
      return "";
    }
    case IrOp::jump_ind:
      mov_to_rax(i.a);
      a_.mov(st(offsetof(CpuState, pc)), rax);
      a_.xor_(eax, eax);
      emit_leave(0, false);
      return "";
    case IrOp::exit:
      a_.mov(st(offsetof(CpuState, insn_bits), 4), Imm(static_cast<int32_t>(i.imm2)));
      a_.mov(st(offsetof(CpuState, exit_reason), 4), Imm(i.aux));
      a_.xor_(eax, eax);
      emit_leave(static_cast<uint64_t>(i.imm), true);
      return "";
    default:
      return std::string("backend: no code for IR op ") + info.name;
  }
}

std::string Emitter::run() {
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    const IrInsn& i = ir_.insns[k];
    const IrOpInfo& info = ir_info(i.op);
    if (info.nargs >= 1) last_use_[i.a] = static_cast<int>(k);
    if (info.nargs >= 2) last_use_[i.b] = static_cast<int>(k);
  }
  // Entry: honour an exit request within one TB, count instructions.
  req_label_ = a_.newLabel();
  a_.cmp(st(offsetof(CpuState, exit_request), 4), 0);
  a_.jne(req_label_);
  a_.add(st(offsetof(CpuState, instret)), Imm(tb_->icount));
  for (size_t k = 0; k < ir_.insns.size(); ++k) {
    std::string e = emit(k, ir_.insns[k]);
    if (!e.empty()) return e;
    if (!error_.empty()) return error_;
    // Temps defined but never used die at once.
    const IrInsn& i = ir_.insns[k];
    if ((ir_info(i.op).flags & kIrDst) && last_use_[i.dst] == -1) {
      last_use_[i.dst] = -2;
      const Loc& l = loc_[i.dst];
      if (l.in_reg) {
        for (int r = 0; r < kPoolSize; ++r)
          if (kPool[r] == l.reg) reg_busy_[r] = false;
      } else if (l.slot >= 0) {
        slot_busy_[l.slot] = false;
      }
    }
  }
  // Cold paths.
  a_.bind(req_label_);
  a_.xor_(eax, eax);
  emit_leave(tb_->pc, true);
  for (const FaultStub& fs : fault_stubs_) {
    a_.bind(fs.label);
    a_.mov(st(offsetof(CpuState, fault_addr)), rax);
    a_.mov(st(offsetof(CpuState, fault_kind), 4), Imm(static_cast<int>(FaultKind::OutOfRange)));
    a_.mov(st(offsetof(CpuState, fault_is_write), 4), Imm(fs.is_write ? 1 : 0));
    a_.mov(st(offsetof(CpuState, exit_reason), 4), Imm(static_cast<int>(ExitReason::MemFault)));
    a_.xor_(eax, eax);
    emit_leave(fs.pc, true);
  }
  return "";
}

}  // namespace

std::string emit_block(Assembler& a, const IrBlock& ir, TranslationBlock* tb,
                       const std::vector<DecodedInsn>& helper_insns) {
  Emitter e(a, ir, tb, helper_insns);
  return e.run();
}

void emit_dispatcher(Assembler& a, Label exit_label) {
  // ExitValue fn(CpuState* rdi, uint8_t* rsi, const void* rdx)
  a.push(rbx);
  a.push(rbp);
  a.push(r12);
  a.push(r13);
  a.push(r14);
  a.push(r15);
  a.sub(rsp, kFrameBytes);
  a.mov(kState, rdi);
  a.mov(kMem, rsi);
  a.jmp(rdx);
  a.bind(exit_label);
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
