// translator/backend_x86_call.cpp — guest calls and returns on the host's
// call and ret: the shadow stack ("Calls and returns" in
// docs/ARCHITECTURE.md).
//
// A guest return is an indirect jump. Through the jump cache its host jmp
// is predicted by target history only, and a function that returns to
// several call sites in turn often mispredicts. So a guest call (ir_is_call) is
// a host call and a guest return (ir_is_ret) a host ret, which the CPU's
// return stack predicts:
//  - the call reserves a frame for the callee's blocks (kShadowFrame: its
//    return address, padding, spill slots, loop flag) and makes a host call
//    to the target: a call rel32 that is the chainable exit itself for a
//    known target, or a call to the jump cache probe for an indirect one;
//  - the host return address is the call's landing, right after it in the
//    caller's block: it pops the frame and, if the guest target (rax) is
//    the call's return pc, leaves through a chainable exit to it (a je),
//    else through the dispatcher's jump cache probe (CpuState::
//    jit_ind_jump: longjmp, a swapped return address);
//  - a return is `mov rax, target; ret`.
// The guest target is always compared, so a host return that pairs with
// the wrong call costs time, never correctness. At the bottom of the stack
// lies the dispatcher's sentinel entry, whose code takes the jump cache
// (emit_dispatcher). A call with kShadowDepth frames below the dispatcher's
// drops them all (rsp back to the dispatcher's frame) before it pushes.
// Every way out of generated code resets rsp (the dispatcher's exit path,
// or siglongjmp from a fault), so entries live only while the vCPU stays in
// generated code: a landing's block, invalidated meanwhile, keeps its code
// until then (TbCache::reclaim_quiet), and the landing's chainable exit was
// unlinked with it.
// Only blocks with no TB flags take part: counting blocks keep their budget
// in the dispatcher's frame, and debugger and checked blocks are rare.
// Owns: the call and return sequences. Does not own: the frame layout
// (backend_x86.h), the sentinel (emit_dispatcher in backend_x86.cpp), the
// hints that make a jump a call or a return (frontend.cpp: trans_jalr).
#include <cstdlib>

#include "translator/backend_x86_emitter.h"

namespace hart::x86be {

bool Emitter::shadow_ok() const {
  static const bool off = getenv("HART_JIT_NO_SHADOW") != nullptr;  // (for comparisons)
  return opt_.shadow_calls && !off && tb_->flags == 0 && !loop_;
}

Emitter::ShadowPush Emitter::emit_shadow_push() {
  // Full: drop every entry (the callee's returns to them take the jump
  // cache), out of line: the hot path's only branch here is not taken.
  const ShadowPush p{a_.newLabel(), a_.newLabel()};
  a_.lea(rsp, ptr(rsp, -(kShadowFrame - 8)));  // (the call pushes the last 8 bytes)
  a_.cmp(rsp, state_mem(offsetof(CpuState, jit_sp_floor)));
  a_.jb(p.full);
  a_.bind(p.room);
  return p;
}

void Emitter::emit_shadow_full(const ShadowPush& p) {
  a_.bind(p.full);
  a_.mov(rsp, state_mem(offsetof(CpuState, jit_sp)));
  a_.lea(rsp, ptr(rsp, -(kShadowFrame - 8)));
  a_.jmp(p.room);
}

void Emitter::emit_landing(uint64_t ret_pc, int exit_index) {
  // rax: the guest pc the callee returned to. The je is the chainable
  // exit; elsewhere, the dispatcher's jump cache probe (7 bytes here, not
  // the 50 of a probe).
  a_.lea(rsp, ptr(rsp, kShadowFrame - 8));
  if (fits_i32(static_cast<int64_t>(ret_pc))) {
    a_.cmp(rax, Imm(static_cast<int32_t>(ret_pc)));
  } else {
    a_.mov(rcx, ret_pc);
    a_.cmp(rax, rcx);
  }
  emit_exit_jump(exit_index, ret_pc, CondCode::kE);
  embed(stubs_.ind_jump);
}

void Emitter::emit_call_known(const IrInsn& i) {
  if (rec_) rec_->calls = 1;
  const ShadowPush push = emit_shadow_push();
  emit_exit_jump(0, static_cast<uint64_t>(i.imm), kCallRel);
  emit_landing(static_cast<uint64_t>(i.imm2), 1);
  emit_shadow_full(push);
}

void Emitter::emit_call_ind(const IrInsn& i) {
  if (rec_) rec_->calls = 1;
  emit_mov(rax, gp_src(i.a, rax));
  const ShadowPush push = emit_shadow_push();
  Label probe = a_.newLabel();
  a_.call(probe);
  emit_landing(static_cast<uint64_t>(i.imm2), 0);
  a_.bind(probe);
  embed(stubs_.jump_ind);
  emit_shadow_full(push);
}

void Emitter::emit_ret(const IrInsn& i) {
  if (rec_) rec_->returns = 1;
  emit_mov(rax, gp_src(i.a, rax));
  a_.ret();
}

}  // namespace hart::x86be
