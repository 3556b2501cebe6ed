// translator/backend_x86.h — IR → x86-64 machine code with asmjit.
// Register conventions inside generated code (see docs/ARCHITECTURE.md):
//   r15 = CpuState*, r14 = guest memory base, rax = scratch;
//   the hottest guest registers are pinned in host registers across blocks
//   (kPinnedRegs; loaded by the dispatcher, stored when code leaves to it,
//   recovered from the signal context after a host fault, lent out to temps
//   where their guest value is dead); rsi rdi r11 rdx rcx and spill slots
//   hold IR temps (rcx/rdx are reserved as scratch for the insns that need
//   them); xmm0-9 FP temps, xmm10-13 vector registers cached within a
//   block (and xmm1-9 in blocks without scalar FP; in self-loop blocks:
//   f registers held across iterations), xmm14-15 scratch.
//   Guest rounding mode and accrued FP flags live in MXCSR while guest code
//   runs (CpuState::mxcsr outside).
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

// Host x86-64 extensions the code may use (CPUID, read once by
// Jit::create); without them the backend emits baseline x86-64 sequences.
struct BackendOptions {
  bool host_fma = false;     // FMA3 available: fused multiply-adds inline
  bool host_bmi1 = false;    // BMI1: andn, tzcnt
  bool host_bmi2 = false;    // BMI2: shifts by a register without cl (shlx...), rorx
  bool host_lzcnt = false;   // LZCNT (ABM)
  bool host_popcnt = false;  // POPCNT
  bool host_pclmul = false;  // PCLMULQDQ: carry-less multiplication
  bool host_sse41 = false;   // SSE4.1: roundsd/roundss
  bool host_aes = false;     // AES-NI: Zvkned inline (backend_x86_vk.cpp)
  bool host_sha = false;     // SHA-NI: Zvknha (SHA-256) inline
  // A block whose first guest access comes before any way out may leave
  // the exit request unread at its entry, and a self-loop with an access
  // in its rounds: a kick poisons the memory base (Emitter::plan_unpolled).
  bool unpolled = false;
  // Guest calls and returns use the host's call and ret (the shadow stack,
  // backend_x86_call.cpp), so that the host predicts guest returns.
  bool shadow_calls = true;
};

// Guest registers pinned in host registers: (guest x register, asmjit Gp id).
struct PinnedReg {
  int xreg;
  int host_id;
};
extern const PinnedReg kPinnedRegs[7];
// ucontext gregs index of an asmjit Gp id (for fault recovery).
int ucontext_greg_of(int host_id);
// The frame of generated code, rsp-relative (so that the CPU forwards
// spilled values as it does stack slots), at every depth of the shadow
// stack ("Calls and returns" in docs/ARCHITECTURE.md): [rsp] the return
// address of the innermost guest call (a landing in the caller's block, or
// the dispatcher's sentinel), [rsp + 8] padding, then the spill slots; past
// them the host MXCSR (4 bytes; the dispatcher's frame only), the loop
// flag (4 bytes), the instruction budget of counting blocks (kCountSlot,
// backend_x86_count.cpp; the dispatcher's frame only) and padding that
// keeps rsp 16-byte aligned.
constexpr int kSpillOffset = 16;
constexpr int kHostMxcsrSlot = kSpillOffset + kSpillSlots * 8;
// A self-loop block with rematerialised registers (RematReg) keeps 0 here
// during its first iteration, 1 after.
constexpr int kLoopFlagSlot = kHostMxcsrSlot + 4;
constexpr int kCountSlot = kHostMxcsrSlot + 8;
// What the dispatcher reserves below its saved registers (rsp 16-byte
// aligned after it), and what a guest call reserves (its return address
// included): a whole frame each.
constexpr int kFrameBytes = kCountSlot + 8 + 8;
constexpr int kShadowFrame = (kFrameBytes + 15) & ~15;
// Guest calls the shadow stack holds at most; a call past that many drops
// them all (the returns to them then go through the jump cache).
constexpr int kShadowDepth = 64;

// What Jit::restore_state needs to rebuild exact guest registers after a
// host fault inside a block (offsets are in the block's code).
//  - lent: a range in which pinned register kPinnedRegs[pin] holds a temp
//    instead of its guest register, whose value is in CpuState (stored there
//    when the range began). (In a self-loop block the register may hold a
//    resident instead: backend_x86_loop.cpp cuts those ranges out of the
//    resident's DeferredReg, so its value is read from CpuState there too.)
//  - deferred: at a guest memory access in [start, end), x[xreg] has a
//    value its CpuState slot does not hold yet (its set_reg was deferred:
//    the next set_reg of xreg comes before any exit or helper call); it is
//    in host register `index`, spill slot `index`, the constant `value`, or
//    the CpuState slot of x[index].
struct LentRange {
  uint32_t start = 0, end = 0;
  uint8_t pin = 0;
};
struct DeferredReg {
  enum Kind : uint8_t { HostReg, SpillSlot, Constant, GuestSlot, HostRegSext32 };
  uint32_t start = 0, end = 0;
  uint8_t xreg = 0;
  Kind kind = HostReg;
  bool remat = false;  // a rematerialised value still in a temp: wins over another record of xreg
  int32_t index = 0;
  int64_t value = 0;
};
//  - remat: at a guest memory access in [start, end) of a self-loop block,
//    x[xreg] is not in its CpuState slot but equals op(x[src], imm), or
//    op(x[src], x[src2]) if src2 != 0, the sources as recovered by the
//    records above (backend_x86_remat.cpp: the block
//    never stores xreg, and may not even compute it). after_first: only
//    from the loop's second iteration on (kLoopFlagSlot != 0); in the
//    first, the slot still holds xreg's value from before the loop.
struct RematReg {
  enum Op : uint8_t { Mov, Shl, Shr, Sar, Rotr, And, Or, Xor, Add };
  uint32_t start = 0, end = 0;
  uint8_t xreg = 0, src = 0, src2 = 0;
  Op op = Mov;
  bool after_first = false;
  int32_t imm = 0;
  // b: x[src2], or imm sign-extended (a shift count for the shifts).
  static uint64_t eval(Op op, uint64_t v, uint64_t b) {
    const unsigned c = static_cast<unsigned>(b) & 63;
    switch (op) {
      case Mov: return v;
      case Shl: return v << c;
      case Shr: return v >> c;
      case Sar: return static_cast<uint64_t>(static_cast<int64_t>(v) >> c);
      case Rotr: return c ? (v >> c) | (v << (64 - c)) : v;
      case And: return v & b;
      case Or: return v | b;
      case Xor: return v ^ b;
      case Add: return v + b;
    }
    return v;
  }
};
//  - fp: in [start, end) of a self-loop block, f[freg] is in xmm register
//    `xmm` (backend_x86_loop.cpp, FpLoopReg), not in CpuState.
struct FpResident {
  uint32_t start = 0, end = 0;
  uint8_t freg = 0, xmm = 0;
};
struct BlockRecovery {
  std::vector<LentRange> lent;
  std::vector<DeferredReg> deferred;
  std::vector<RematReg> remat;
  std::vector<FpResident> fp;
  uint32_t based = 0;  // (statistics) the self-loop's based accesses (Emitter::BasedAccess)
  // (statistics) a guest call or return on the shadow stack (backend_x86_call.cpp)
  uint8_t calls = 0, returns = 0;
};

// Emits the code for one block into `a` (a fresh Assembler on a fresh
// CodeHolder). Fills tb->exits (offsets) and tb->pc_map (or *pc_map, if
// given: the caller keeps it with the block's other data), and *recovery (if
// given; without it the block lends no register and defers no set_reg)
// with where guest registers are at the block's memory accesses.
// helper_insns must outlive the code (call_interp passes their addresses).
// Returns "" or an error (e.g. too many live temps).
std::string emit_block(asmjit::x86::Assembler& a, const IrBlock& ir, TranslationBlock* tb,
                       const std::vector<DecodedInsn>& helper_insns, const BackendOptions& opt,
                       BlockRecovery* recovery = nullptr, PcMap* pc_map = nullptr);

// The entry/exit trampoline: ExitValue fn(CpuState*, uint8_t* mem_base, const void* code).
// Saves host registers and MXCSR, loads the pinned guest registers and the
// guest MXCSR, and jumps to code. Binds `exit_label` at the return path that
// generated code jumps to, which stores them back, `fault_label` at the
// guest-fault path (CpuState::jit_fault_exit) and `pc_label` at the path
// that stores the next pc from rcx (CpuState::jit_pc_exit), which both
// leave through it. Before the jump it reads CpuState::exit_request (a
// plain exit if it is up): [poll_start, poll_end) is that read and the
// jump, where r14 is the memory base already — the dispatcher's only code
// a kick may poison (Jit::poisonable): a kick before the read is seen by
// it, and the block entered may not read the request itself. ind_label:
// an indirect jump of a block without TB flags to the guest pc in rax (the
// jump cache probe, or a plain exit), for a call's landing whose return
// went elsewhere (CpuState::jit_ind_jump, backend_x86_call.cpp); it and
// the shadow stack's sentinel before it lie in the poll range too.
void emit_dispatcher(asmjit::x86::Assembler& a, asmjit::Label exit_label, asmjit::Label fault_label,
                     asmjit::Label pc_label, asmjit::Label ind_label, asmjit::Label poll_start,
                     asmjit::Label poll_end);

}  // namespace hart
