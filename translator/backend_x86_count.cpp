// translator/backend_x86_count.cpp — instruction counting in generated code
// (kTbCount blocks, used while a process is recorded: linux-abi/process/
// record.h). A counting block, after the exit-request check, stores its own
// TranslationBlock* in CpuState::count_tb and subtracts its instruction
// count from CpuState::icount_budget; if the budget is short it adds the
// count back and leaves to the dispatcher at its first pc without running
// anything, so the vCPU loop can approach the stop one instruction at a
// time. Blocks stay chained and indirect jumps still use the jump cache:
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
  a_.sub(state_mem(offsetof(CpuState, icount_budget)), Imm(static_cast<int32_t>(tb_->icount)));
  a_.jb(count_label_);  // borrow: fewer than icount instructions left
}

void Emitter::emit_count_cold() {
  a_.bind(count_label_);
  a_.add(state_mem(offsetof(CpuState, icount_budget)), Imm(static_cast<int32_t>(tb_->icount)));
  a_.mov(rcx, tb_->pc);
  a_.mov(state_mem(offsetof(CpuState, pc)), rcx);
  a_.xor_(eax, eax);
  emit_leave_plain();
}

}  // namespace hart::x86be
