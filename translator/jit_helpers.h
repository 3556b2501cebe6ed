// translator/jit_helpers.h — C++ functions that generated code calls.
// Owns: the boundary between MXCSR-resident guest FP state (rounding mode,
// accrued flags, while generated code runs) and CpuState (fflags, frm).
#pragma once

#include "core/cpu_state.h"
#include "translator/decode.h"

namespace hart {

// Runs the interpreter's semantics for one instruction from generated code:
// folds the flags accrued in MXCSR into fflags first (the instruction may
// read them), and afterwards leaves MXCSR with cleared flags and the
// rounding mode of the (possibly new) frm.
void jit_call_interp(CpuState* state, const DecodedInsn* insn);

// vsha2ms/vsha2ch/vsha2cl at SEW 64 (SHA-512, no host instruction): the
// interpreter's semantics called directly from inline code that checked
// the vtype, vstart = 0 and vl % 4 = 0 (backend_x86_vk.cpp), without the
// interpreter's decode and dispatch. Integer code: MXCSR is left alone.
void jit_vsha2(CpuState* state, const DecodedInsn* insn);

// The RISC-V result of an FP -> integer fcvt (aux: IrFcvt bits of the IR
// op; bits: the operand, a single in the low 32 bits) for the cases inline
// code leaves to it; accrues the flags in fflags (fp_ops is integer code:
// MXCSR is left alone).
uint64_t jit_fcvt_to_int(CpuState* state, uint64_t bits, uint32_t aux);

// RISC-V fmin/fmax (aux bit 0: single, bit 1: max) of operands of which
// one is a NaN (the inline code does the rest); a single's result is
// NaN-boxed. Accrues NV for a signaling NaN in fflags.
uint64_t jit_fminmax(CpuState* state, uint64_t a, uint64_t b, uint32_t aux);

// MXCSR for generated code: all exceptions masked, flags clear, rounding
// from frm (RNE for modes the host lacks; such code is translated without
// inline dynamic-rounding FP ops).
uint32_t guest_mxcsr(uint32_t frm);
// fflags bits for the exception flags in an MXCSR value.
uint32_t fflags_of_mxcsr(uint32_t mxcsr);

}  // namespace hart
