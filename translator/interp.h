// translator/interp.h — the reference interpreter: plain C++ semantics for
// every instruction of the table, over the same decoder as the JIT. It is
// the oracle of the differential tests, and the JIT calls interp_step as
// its helper for instructions it does not translate inline.
// Memory: host = state.mem_base + guest address; an address at or above
// state.mem_limit (the address space's size) raises FaultKind::OutOfRange
// through Vcpu::raise_fault, and a host fault on an unmapped/protected page
// is recovered by the vCPU's fault handler (state.pc is left at the
// faulting instruction).
#pragma once

#include <cstdint>

#include "core/cpu_state.h"
#include "translator/decode.h"

namespace hart {

struct MemAccess;  // core/debug.h

class Vcpu;

// Executes one decoded instruction: updates registers, memory, fflags and
// pc (pc += len, or the jump/branch target). ecall, ebreak and illegal
// instructions leave pc unchanged and set state.exit_reason (and
// insn_bits for illegal). A CSR access to a CSR that does not exist in user
// mode, or a dynamic rounding mode with an invalid frm, is IllegalInsn.
void interp_step(CpuState& state, const DecodedInsn& d);

// Fetches, decodes and executes instructions from state.pc until
// exit_reason becomes non-None or max_insns have run. Fetch from a page
// that is not executable is a MemFault at pc. Returns instructions run.
// Must run on the vCPU's thread inside Vcpu::run (e.g. from an Executor's
// enter()), where Vcpu::current() is set and fault recovery is armed.
// Each retired instruction increments state.instret.
// to_block_end: also stop after the first instruction that ends a
// translation block (a jump, a branch taken or not, ebreak, ecall) and
// before a fence.i, which exits FenceI at its pc as translated code does
// (the vCPU drops code, then steps past it) — a block run without
// translating it (Executor::interpret).
uint64_t interp_run(Vcpu& vcpu, uint64_t max_insns, bool to_block_end = false);

// F/D part of interp_step (interp_fp.cpp): executes d if it is an F/D
// instruction (except loads/stores) and returns true; false otherwise.
// On an invalid dynamic rounding mode it sets IllegalInsn and returns true.
bool interp_step_fp(CpuState& state, const DecodedInsn& d);

// Zba/Zbb/Zbs/Zbc part of interp_step (interp_zb.cpp): executes d if it is
// a bit-manipulation instruction (writes rd, not pc) and returns true;
// false otherwise.
bool interp_step_zb(CpuState& state, const DecodedInsn& d);

// V 1.0 part of interp_step (interp_v*.cpp): executes a vector instruction
// (kVector): registers, memory, vl/vtype/vstart/vxsat/fflags and the
// IllegalInsn exit; pc is left to the caller.
void interp_step_v(CpuState& state, const DecodedInsn& d);
// The bytes the vector load/store d would access in state (interp_v.cpp):
// false if d is not one or is illegal now. For the debugger's watchpoints.
bool vector_mem_access(const CpuState& state, const DecodedInsn& d, MemAccess* out);
// The vector CSRs (interp_v.cpp): false when csr is not one of them, or V
// is turned off for the thread (then the access is illegal).
bool vcsr_read(CpuState& state, uint32_t csr, uint64_t* v);
bool vcsr_write(CpuState& state, uint32_t csr, uint64_t v);

}  // namespace hart
