// translator/frontend.h — RISC-V → IR: decodes the guest instructions of one
// block and emits IR for each (trans_<insn> per instruction family).
// F and D run inline when they use the dynamic rounding mode (what
// compilers emit), and so do fcvt between integers and FP (with static
// modes too: RTZ for C casts, RDN/RUP for floor/ceil), fmin/fmax and
// fclass; instructions without an inline translation (Zicsr but fflags/frm
// reads, other static rounding modes, RMM, Zbc's carry-less products on
// hosts without PCLMULQDQ) become a call_interp op that runs the reference
// interpreter's semantics on exact guest state. Knows nothing about x86 or Linux.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/debug.h"
#include "core/tb.h"
#include "translator/decode.h"
#include "translator/ir.h"

namespace hart {

struct GuestBlock {
  uint64_t pc = 0;
  uint64_t lo = 0, pc_end = 0;  // hull of the guest bytes translated
  std::vector<std::pair<uint64_t, DecodedInsn>> insns;  // for -d in_asm
  std::vector<DecodedInsn> helper_insns;                 // call_interp #imm
  IrBlock ir;
};

constexpr unsigned kMaxBlockInsns = 256;
// A loop superblock (a block that branches back to its own start) may
// hold up to this many conditional side exits (exit_if), and may run up
// to kLoopExtraInsns past max_insns when that closes the loop.
constexpr unsigned kMaxSideExits = 3;
constexpr unsigned kLoopExtraInsns = 24;
// A block's chainable exits (TranslationBlock::exits): a superblock whose
// side-exit targets and back edge's other side need more would leave
// through the dispatcher every time it takes one of the others.
constexpr unsigned kChainableExits = kTbExits;

// Reads the instruction parcel (16 bits) at pc; false if pc is not fetchable.
using FetchFn = std::function<bool(uint64_t pc, uint16_t* parcel)>;
// Guest code a FetchFn has read and keeps (FrontendOptions::window): bytes
// [va, va + size) are at data. The frontend reads an instruction that lies
// inside from there, without a call (issue 13: translation time).
struct FetchWindow {
  uint64_t va = ~uint64_t{0};
  uint64_t size = 0;
  const uint8_t* data = nullptr;
};

// The target of the conditional branch or jal (32-bit or compressed) at
// `at` whose parcels are lo and hi (hi unused for a compressed one), read
// from the bits without decoding; false for any other instruction.
bool branch_target(uint64_t at, uint16_t lo, uint16_t hi, uint64_t* target);

struct FrontendOptions {
  unsigned max_insns = kMaxBlockInsns;
  // What the FetchFn holds now (it may change at every call), or null.
  const FetchWindow* window = nullptr;
  // FP ops with the dynamic rounding mode are translated inline (the host
  // runs them in frm's rounding mode); false when frm has no host
  // equivalent (RMM or an invalid value), then the interpreter does them.
  bool fp_dynamic_inline = true;
  bool host_fma = false;  // the host has FMA3: fused multiply-adds inline
  bool host_clmul = false;  // the host has PCLMULQDQ: clmul/clmulh/clmulr inline
  bool host_sse41 = false;  // SSE4.1 (roundsd): fcvt to integers with static RNE/RDN/RUP inline
  bool host_popcnt = false;  // POPCNT: vcpop.m inline
  bool host_aes = false;  // AES-NI: Zvkned inline (frontend_v.h)
  bool host_sha = false;  // SHA-NI: Zvknha's SHA-256 inline
  // Vector instructions of a known vtype get inline SIMD fast paths
  // (frontend_v.h; needs host_sse41); false: all go through call_interp.
  bool vector_inline = true;
  // The vtype guessed for vector instructions before the block's first
  // vsetvli (-1: none); their fast paths check it at run time.
  int64_t vtype_hint = -1;
  // The vCPU's vl and x registers when the block is translated: whether vl
  // will be below VLMAX (the vector fast paths then blend tails) is guessed
  // from them. Null: no guess (vl = VLMAX expected).
  const uint64_t* x_hint = nullptr;
  uint64_t vl_hint = 0;
  // Unconditional jumps (j) to targets nearer than this continue the block
  // at the target instead of ending it, so small loops become one block.
  uint64_t follow_jumps_within = 4096;
  // A conditional branch early in a block whose fall-through path soon
  // branches back to the block's start becomes a side exit (exit_if) and
  // the block goes on: a loop spanning the branch becomes one self-loop
  // block (see "Self-loop blocks" in docs/ARCHITECTURE.md). Off for
  // counting, single-step and debugger blocks.
  bool loop_superblocks = true;
  // How many distinct targets a superblock's side exits may have (each
  // takes a chainable exit; see kChainableExits).
  unsigned max_side_targets = kMaxSideExits;
  // A trace superblock: a conditional branch forward (static prediction:
  // not taken) becomes a side exit (exit_if) and the block goes on at its
  // fall-through, up to this many times per block ("Trace superblocks" in
  // docs/ARCHITECTURE.md). Needs loop_superblocks.
  unsigned max_trace_exits = 2;
  // A call (jal with a link register) to a leaf of at most this many
  // instructions, straight code that returns through its link register
  // (jalr x0, 0(link)) and writes it nowhere before, does not end the
  // block: the block goes on into the leaf, and at its return, whose
  // target the block knows (KnownRegs), goes on after the call (lrint,
  // small getters: one block round a loop instead of three). A jalr to a
  // target the block knows otherwise leaves through a direct exit. 0: off.
  // Needs loop_superblocks (not in counting, single-step or debugger
  // blocks: a debugger sees every call and return as the guest runs it).
  unsigned inline_leaf_insns = 8;
  // Tier 0's meeting counts by block start (Vcpu::heat_of), if known (the
  // block's own is not 0): a trace goes on at a branch's fall-through only
  // where that was met at least twice as often as the branch target (a
  // branch taken half the time would have both sides translated) and less
  // often than the block itself (else the fall-through is also reached
  // another way, or translated already: its code would be translated
  // twice). Without them: always.
  unsigned (*heat)(const void* ctx, uint64_t pc) = nullptr;
  const void* heat_ctx = nullptr;
  // A conditional branch forward over a few instructions that only compute
  // integer registers does not end the block: the skipped instructions run
  // and each register they write selects its value by the branch condition
  // ("If-conversion" in docs/ARCHITECTURE.md). Off for counting,
  // single-step and debugger blocks (and wherever a breakpoint is set).
  bool if_convert = true;
  // Only inside a loop body that closes at the block's start (where it makes
  // the loop one self-loop block), unless this is set (tests and fuzzers,
  // to reach every shape).
  bool if_convert_outside_loops = false;
  // Debugger breakpoints: the block stops before an instruction that has
  // one (an exit with ExitReason::Breakpoint, pc on it). A debugger step
  // (debug_step) runs its one instruction even if it has a breakpoint.
  const DebugController* debug = nullptr;
  bool debug_step = false;
  // Supm: data addresses are masked with this PMLEN (0, 7, 16: kTbPm7/16).
  unsigned pmlen = 0;
};

// Builds the block at pc. Returns false if the first instruction cannot be
// fetched (the caller reports an instruction fetch fault at fault_pc).
bool translate_block(uint64_t pc, const FrontendOptions& opt, const FetchFn& fetch,
                     GuestBlock* out, uint64_t* fault_pc);

// The data access of the instruction at s.pc (loads, stores, AMOs, FP
// loads/stores), for the debugger's watch mode (DebugController). false if
// it does not access memory or cannot be fetched.
bool insn_mem_access(const CpuState& s, const AddressSpace& as, MemAccess* out);

}  // namespace hart
