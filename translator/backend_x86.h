// translator/backend_x86.h — IR → x86-64 machine code with asmjit.
// Register conventions inside generated code (see docs/ARCHITECTURE.md):
//   r15 = CpuState*, r14 = guest memory base, rax/rcx/rdx = scratch,
//   rbx rbp rsi rdi r8-r13 = IR temps (linear scan), spill slots on the
//   dispatcher's stack frame. Guest registers live in CpuState; within a
//   block their values are forwarded in temps by the IR passes, and every
//   set_reg is stored at once, so guest state is exact at each fault point.
// Owns: code emission of one block, exit stubs, the dispatcher.
#pragma once

#include <asmjit/x86.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/tb.h"
#include "translator/decode.h"
#include "translator/ir.h"

namespace hart {

constexpr int kSpillSlots = 64;
// Bytes the dispatcher reserves below its saved registers (spill area + pad
// so that rsp is 16-byte aligned inside generated code).
constexpr int kFrameBytes = kSpillSlots * 8 + 8;

// Emits the code for one block into `a` (a fresh Assembler on a fresh
// CodeHolder). Fills tb->exits (offsets) and tb->pc_map. helper_insns must
// outlive the code (call_interp passes their addresses).
// Returns "" or an error (e.g. too many live temps).
std::string emit_block(asmjit::x86::Assembler& a, const IrBlock& ir, TranslationBlock* tb,
                       const std::vector<DecodedInsn>& helper_insns);

// The entry/exit trampoline: ExitValue fn(CpuState*, uint8_t* mem_base, const void* code).
// Binds `exit_label` at the return path that generated code jumps to.
void emit_dispatcher(asmjit::x86::Assembler& a, asmjit::Label exit_label);

}  // namespace hart
