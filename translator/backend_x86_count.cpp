// translator/backend_x86_count.cpp — instruction counting in generated code
// (kTbCount blocks, used while a process is recorded: linux-abi/process/
// record.h). A counting block, after the exit-request check, stores its own
// TranslationBlock* in CpuState::count_tb and subtracts its instruction
// count from the budget; if the budget is short it adds the count back and
// leaves to the dispatcher at its first pc without running anything, so
// the vCPU loop can approach the stop one instruction at a time. The
// budget lives in the dispatcher's frame while guest code runs (kCountSlot,
// rsp-relative: the CPU forwards it from block to block far faster than a
// read-modify-write of CpuState, ~1.35x instead of ~1.8x on short-block
// code); the dispatcher copies it from and back to CpuState::icount_budget,
// and a guest fault copies it back through CpuState::count_slot (Vcpu). Blocks stay chained and indirect jumps still use the jump cache:
// the loop recovers the exact count from the budget, and an exit inside a
// block (ecall, fault, breakpoint) from count_tb's pc map (Vcpu::run_loop).
// Owns: that entry sequence and its cold path. Does not own: the block
// layout (backend_x86.cpp), the count's meaning (core/vcpu.cpp).
#include "translator/backend_x86_emitter.h"

namespace hart::x86be {

void Emitter::emit_count_entry() {
  // rax and rcx are free at entry (the exit-request path uses them too).
  count_label_ = a_.newLabel();
  a_.mov(rax, reinterpret_cast<uint64_t>(tb_));
  a_.mov(state_mem(offsetof(CpuState, count_tb)), rax);
  a_.sub(ptr(rsp, kCountSlot, 8), Imm(static_cast<int32_t>(tb_->icount)));
  a_.jb(count_label_);  // borrow: fewer than icount instructions left
}

void Emitter::emit_count_cold() {
  a_.bind(count_label_);
  a_.add(ptr(rsp, kCountSlot, 8), Imm(static_cast<int32_t>(tb_->icount)));
  emit_leave_at(tb_->pc);
}

void emit_dispatch_count_in(Assembler& a) {
  a.mov(rcx, state_mem(offsetof(CpuState, icount_budget)));
  a.mov(ptr(rsp, kCountSlot), rcx);
  a.lea(rcx, ptr(rsp, kCountSlot));
  a.mov(state_mem(offsetof(CpuState, count_slot)), rcx);
}

void emit_dispatch_count_out(Assembler& a) {
  a.mov(rcx, ptr(rsp, kCountSlot));
  a.mov(state_mem(offsetof(CpuState, icount_budget)), rcx);
}

}  // namespace hart::x86be
