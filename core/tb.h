// core/tb.h — a translation block (TB): host code for a run of guest
// instructions starting at one guest pc, plus what is needed to chain it,
// invalidate it and map a host pc inside it back to a guest pc.
// Owns: the TB record. Does not own: the code bytes' allocation (Executor).
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace hart {

struct TranslationBlock;
using PcMap = std::vector<std::pair<uint32_t, uint64_t>>;  // (host code offset, guest pc)

// A direct exit of a TB: a patchable jump whose default target leaves to the
// dispatcher with "continue at target_pc".
// Chainable exits per block: a conditional terminator's two sides, or a
// loop superblock's side-exit targets and the back edge's other side. The
// exit stubs return "TB | index + 1" in the low 2 bits: at most 3.
constexpr int kTbExits = 3;

struct TbExit {
  uint64_t target_pc = 0;
  uint32_t rel_offset = 0;            // offset in code of the exit's jmp/jcc rel32 field
  uint32_t stub_offset = 0;           // offset of the default (unchained) target
  uint32_t tb_imm_offset = 0;         // offset of the stub's imm64 "this TB | index + 1"
  TranslationBlock* linked = nullptr; // current chain target, if any
  // The next exit chained to the same target (TranslationBlock::incoming).
  TranslationBlock* next_in_tb = nullptr;
  int next_in_index = 0;
};

// One exit of one TB: (tb, index into tb->exits).
struct ExitRef {
  TranslationBlock* tb = nullptr;
  int index = 0;
};

enum TbFlags : uint32_t {
  kTbOneInsn = 1,    // one instruction per TB (single step, -one-insn-per-tb)
  kTbFrmNoHost = 2,  // frm is RMM or invalid: dynamic-rounding FP ops not inline
  kTbDebugStep = 4,  // debugger single step: one instruction, its breakpoint ignored
  kTbPm7 = 8,        // Supm: data addresses masked with PMLEN 7 (CpuState::pmlen)
  kTbPm16 = 16,      // ... with PMLEN 16
  kTbCount = 32,     // counts retired instructions (CpuState::icount_budget, count_tb)
  kTbChecked = 64,   // every access checked where it runs: no check before a loop (CpuState::one_insn_once 2)
};

// What an indirect jump compares to find a TB in the jump cache: the guest
// pc (< 2^38) with the TB flags above it. An invalidated TB's key is
// kNoProbeKey, which matches no pc, so one compare checks pc, flags and
// validity.
constexpr uint64_t kNoProbeKey = ~uint64_t{0};
inline uint64_t tb_probe_key(uint64_t pc, uint32_t flags) { return pc | (uint64_t{flags} << 48); }

struct TranslationBlock {
  uint64_t probe_key = kNoProbeKey;  // read by generated code (see tb_probe_key)
  uint64_t pc = 0;          // first guest instruction
  // Guest bytes the block was translated from lie in [guest_lo, pc_end): a
  // block may continue through unconditional jumps, so this is a hull.
  uint64_t guest_lo = 0;
  uint64_t pc_end = 0;
  uint32_t flags = 0;
  uint32_t icount = 0;      // guest instructions in the block
  uint8_t* code = nullptr;  // executable view
  uint8_t* code_rw = nullptr;  // writable view of the same bytes (dual mapping)
  uint32_t code_size = 0;
  bool valid = true;
  bool reused = false;  // copied from a shared translation (translator/shared_code.h)
  // The executor may copy this block's code to other guests (it depends on
  // nothing but pc, flags and the guest bytes); set by Executor::translate.
  bool shareable = false;
  // The executor's per-cache memory that accounts for `code`
  // (TbCache::executor_data), if any; code_with_cache: the code lies in
  // memory released with the cache, not block by block.
  void* code_arena = nullptr;
  bool code_with_cache = false;
  uint32_t code_part = 0;  // (the executor's: which part of that memory)
  TbExit exits[kTbExits];
  int n_exits = 0;
  // (host code offset, guest pc) for the start of each guest instruction,
  // ascending, so a host fault inside the TB maps to the exact guest pc.
  // Immutable once the TB exists; copies of a shared translation share it.
  std::shared_ptr<const PcMap> pc_map;
  // Executor-owned data the code refers to (kept alive with the TB).
  std::shared_ptr<const void> data;
  // The exits chained to this TB: a list threaded through those exits'
  // next_in_tb/next_in_index (no allocation per link, nothing to free).
  ExitRef incoming;

  uint64_t guest_pc_at(uintptr_t host_pc) const {
    uint32_t off = static_cast<uint32_t>(host_pc - reinterpret_cast<uintptr_t>(code));
    uint64_t g = pc;
    if (!pc_map) return g;
    for (auto& [o, p] : *pc_map) {
      if (o > off) break;
      g = p;
    }
    return g;
  }
};

}  // namespace hart
