// core/executor.h — the interface core defines and the translator implements:
// turn guest code into TBs, run them, chain them, and recover exact guest
// state when a host fault hits generated code.
// Owns: the contract only. Implemented by translator/ (JIT).
#pragma once

#include <cstdint>
#include <memory>
#include <ucontext.h>

#include "core/tb.h"

namespace hart {

class Vcpu;
class TbCache;
struct CpuState;

// Value returned by Executor::enter: 0 = plain exit (the next pc in
// CpuState::pc); otherwise the address of the TB that exited, with (exit
// index + 1) in the low two bits, so the dispatcher can chain that exit to
// the next TB, whose pc is that exit's target_pc (CpuState::pc is not set).
using ExitValue = uintptr_t;

class Executor {
 public:
  virtual ~Executor() = default;
  // Translates the block at pc into tb (blank, from the TB cache's arena:
  // its address is final, generated code may name it). On a fetch fault at
  // pc returns false with the fault described in vcpu.state.
  virtual bool translate(Vcpu& vcpu, uint64_t pc, uint32_t flags, TranslationBlock* tb) = 0;
  // Runs generated code from tb until it leaves.
  virtual ExitValue enter(Vcpu& vcpu, TranslationBlock* tb) = 0;
  // Patches exit `index` of `from` to jump straight to `to` (or back to its stub).
  virtual void link(TranslationBlock* from, int index, TranslationBlock* to) = 0;
  virtual void unlink(TranslationBlock* from, int index) = 0;
  virtual void free_code(TranslationBlock* tb) = 0;
  // After the TB's guest pages were write-protected: true if the guest code
  // is still what tb was translated from. A write that landed between the
  // translator's read and the protection would otherwise go unnoticed.
  virtual bool code_unchanged(Vcpu&, const TranslationBlock*) { return true; }
  // After a host fault at host_pc inside tb: write the guest registers held
  // in host registers (found in uc) back to the CPU state and set its pc.
  virtual void restore_state(Vcpu& vcpu, const TranslationBlock* tb, uintptr_t host_pc,
                             const ucontext_t* uc) = 0;
  // True if kTbCount blocks count their instructions in generated code
  // (CpuState::icount_budget); otherwise a counting vCPU returns to its loop
  // after every block.
  virtual bool counts_in_code() const { return false; }
  // Runs guest code from state.pc without translating it, to the end of
  // one block (after a jump or branch; ecall, ebreak, faults and fence.i
  // leave as from generated code, with state.exit_reason set). Called by
  // the vCPU loop inside guest context (fault recovery armed) for code it
  // has met too few times to translate (VcpuOptions::translate_at).
  // Returns false if the executor cannot (then it is never asked again).
  virtual bool interpret(Vcpu&) { return false; }
  // Blocks interpret() ran for a vCPU since its last report, told when the
  // vCPU leaves Vcpu::run (statistics: a count shared by every guest's
  // threads is written once a run, not once a block).
  virtual void interpreted(uint64_t /*blocks*/) {}
  // Finished translations of other guests (shared): may_copy is a cheap
  // "one may be stored for (pc, flags)", copy fills tb with one whose guest
  // bytes are the vCPU's now (false, nothing done, if none). Tier 0 takes
  // such a copy at a block's first meeting instead of interpreting it.
  virtual bool may_copy(Vcpu&, uint64_t /*pc*/, uint32_t /*flags*/) { return false; }
  virtual bool copy(Vcpu&, uint64_t /*pc*/, uint32_t /*flags*/, TranslationBlock*) { return false; }
  // A TB cache (one guest address space) was created / is being destroyed
  // (called first thing in its destructor, while its TBs are intact). An
  // executor that shares translations between guests learns here when
  // there is more than one guest to share with.
  virtual void cache_opened(TbCache&) {}
  virtual void cache_closing(TbCache&) {}
  // Code memory: may `cache` take more for a new block? False once the
  // cache holds its budget, or every cache together the executor's cap
  // (the vCPU then flushes the cache, and runs blocks without translating
  // them until the old code is freed). Executors without code memory: true.
  virtual bool code_room(TbCache&) { return true; }
  // Every TB of the cache was just invalidated (TbCache::flush): their
  // code will be freed; the executor may arrange to give its memory back.
  virtual void cache_flushed(TbCache&) {}
  // True if host_pc lies in code this executor generated outside any TB
  // (dispatcher, helpers' trampolines) — faults there are internal errors.
  virtual bool owns_code(uintptr_t host_pc) const = 0;
  // True if host_pc lies in generated guest code where the memory base
  // register is the memory base unless that code uses it as a temp (the
  // caller compares it): there a kick may poison it (kPoisonedMemBase).
  // Called from a signal handler: no lock, no allocation.
  virtual bool poisonable(uintptr_t /*host_pc*/) const { return false; }
};

}  // namespace hart
