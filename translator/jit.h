// translator/jit.h — the JIT executor: implements core's Executor with the
// frontend (RISC-V → IR), the IR passes and the x86-64 backend. Code memory
// comes from asmjit's JitAllocator with dual mapping, so no page is ever
// writable and executable at the same address; chaining patches the
// writable view.
// Owns: code memory, the dispatcher, per-TB frontend data, -d in_asm / op /
// op_opt / out_asm output.
#pragma once

#include <asmjit/core.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <vector>

#include "core/executor.h"
#include "core/log.h"
#include "translator/shared_code.h"

namespace hart {

// The x86-64 extensions generated code may use. Each has a baseline
// x86-64 fallback (backend_x86_zb.cpp, FMA through the interpreter), so
// any subset gives correct code.
struct JitHostFeatures {
  bool fma = false, bmi1 = false, bmi2 = false, lzcnt = false, popcnt = false, pclmul = false,
       sse41 = false;
  bool aes = false, sha = false;  // AES-NI, SHA-NI (the vector crypto fast paths)
  // The host's, from CPUID (asmjit's CpuInfo); none of them when the
  // environment has HART_JIT_BASELINE_X86=1 (to run the fallbacks).
  static JitHostFeatures detect();
};

class Jit final : public Executor {
 public:
  // Returns nullptr with *error set if code memory cannot be set up.
  // features: the host extensions to use (default: detect()).
  static std::unique_ptr<Jit> create(std::string* error, const JitHostFeatures* features = nullptr);
  // Writes /tmp/perf-<pid>.map (one line per translated block, named by its
  // guest pc) so that `perf report` attributes samples to guest code.
  void enable_perf_map();
  // Translations shared by every guest this executor runs (shared_code.h),
  // within `bytes` of memory; 0 turns sharing off. Call before any guest runs.
  void set_shared_code_budget(size_t bytes) { shared_ = std::make_unique<SharedCodeStore>(bytes); }
  SharedCodeStore::Stats shared_code_stats() { return shared_->stats(); }
  // When translations go to the shared store. Always: as each block is
  // translated (hartd: the next launch may come any moment, or run
  // alongside). WhenShared: only once a second guest address space exists
  // (hart-run: most runs are one process, which would pay for copies no one
  // uses); its arrival publishes the blocks the others translated so far,
  // and from then on every block is published as it is made.
  enum class SharePolicy { Always, WhenShared };
  // What translating cost, over every guest of this executor: blocks
  // translated, their guest instructions and the time it took (wall clock
  // of Jit::translate, without copies), blocks copied from the shared
  // store, blocks published to it, blocks run by the interpreter instead
  // (Executor::interpret), and blocks the backend could not emit whole
  // (retried one instruction at a time: a backend limit, or a bug the
  // differential tests look for). (hart-run prints it with $HART_JIT_STATS.)
  // With phase timing on (set_phase_timing), ns split by phase: the
  // frontend (fetch, decode, IR), the IR passes, the backend (register
  // allocation and asmjit emission), install (code memory, copy, the TB's
  // guest-code record); the rest of ns is the shared store and the clock.
  struct TranslateStats {
    uint64_t blocks = 0, insns = 0, ns = 0, copies = 0, published = 0, interpreted = 0, retried = 0;
    uint64_t remat = 0;  // blocks with rematerialised guest registers (BlockRecovery::remat)
    uint64_t based = 0;  // self-loop accesses at [r14 + x + (index << sh)] (BlockRecovery::based)
    // Blocks ending in a guest call, a guest return on the shadow stack (BlockRecovery::calls, ::returns).
    uint64_t calls = 0, returns = 0;
    uint64_t frontend_ns = 0, passes_ns = 0, backend_ns = 0, install_ns = 0;
    std::string last_retry;  // the backend's reason for the last retry
  };
  TranslateStats translate_stats() const;
  // Time each phase of translating (four more clock reads per block).
  void set_phase_timing(bool on) { phase_timing_ = on; }
  void set_share_policy(SharePolicy p);
  // If-conversion outside loops too (FrontendOptions::if_convert_outside_loops):
  // for the differential tests and fuzzers, so that every shape is reached.
  void set_if_convert_everywhere(bool on) { if_convert_everywhere_ = on; }
  ~Jit() override;

  bool translate(Vcpu& vcpu, uint64_t pc, uint32_t flags, TranslationBlock* tb) override;
  ExitValue enter(Vcpu& vcpu, TranslationBlock* tb) override;
  void link(TranslationBlock* from, int index, TranslationBlock* to) override;
  void unlink(TranslationBlock* from, int index) override;
  void free_code(TranslationBlock* tb) override;
  bool code_unchanged(Vcpu& vcpu, const TranslationBlock* tb) override;
  void restore_state(Vcpu& vcpu, const TranslationBlock* tb, uintptr_t host_pc,
                     const ucontext_t* uc) override;
  bool owns_code(uintptr_t host_pc) const override;
  bool poisonable(uintptr_t host_pc) const override;
  bool interpret(Vcpu& vcpu) override;
  void interpreted(uint64_t blocks) override;
  bool may_copy(Vcpu& vcpu, uint64_t pc, uint32_t flags) override;
  bool copy(Vcpu& vcpu, uint64_t pc, uint32_t flags, TranslationBlock* tb) override;
  void cache_opened(TbCache& cache) override;
  void cache_closing(TbCache& cache) override;
  bool counts_in_code() const override { return true; }
  bool code_room(TbCache& cache) override;
  void cache_flushed(TbCache& cache) override;
  // Host memory for translated code: at most per_cache bytes for one guest
  // address space (a TB cache) and `all` for every cache together (0:
  // none); a cache past either is flushed (Executor::code_room). Blocks
  // are 64-byte aligned and arena chunks 256 KiB, so what counts is the
  // memory held, not the blocks' bytes. Call before any guest runs.
  void set_code_budget(uint64_t per_cache, uint64_t all);
  uint64_t code_held() const { return held_.load(std::memory_order_relaxed); }
  uint64_t code_budget() const { return code_budget_ == UINT64_MAX ? 0 : code_budget_; }
  uint64_t code_cap() const { return code_cap_ == UINT64_MAX ? 0 : code_cap_; }
  static constexpr uint64_t kDefaultCodeBudget = uint64_t{256} << 20;

 private:
  Jit() = default;
  // May vcpu's blocks with these flags be copied from / published to the
  // shared store?
  bool may_share(Vcpu& vcpu, uint32_t flags) const;
  void patch_jump(TranslationBlock* tb, int index, const uint8_t* target);
  // translate() without the timing (it retries itself one instruction at a time).
  bool translate_block_at(Vcpu& vcpu, uint64_t pc, uint32_t flags, TranslationBlock* tb,
                          bool* shareable);
  // The shared translation's code copied into tb, a new TB of this guest.
  bool instantiate(Vcpu& vcpu, const SharedBlock& blk, TranslationBlock* tb);
  std::unique_ptr<SharedBlock> to_shared(const TranslationBlock& tb);
  void note_perf_map(const TranslationBlock& tb);
  // Code memory for a TB of vcpu's cache: from the cache's arena (one bump
  // per block, everything released at once with the cache) while the
  // arena's dead bytes stay small, else from the allocator.
  bool alloc_code(Vcpu& vcpu, size_t size, TranslationBlock* tb, void** rx, void** rw);
  friend struct CodeArena;

  bool if_convert_everywhere_ = false;
  bool phase_timing_ = false;
  std::unique_ptr<asmjit::JitAllocator> alloc_;
  std::mutex alloc_mutex_;
  // Arena chunks (CodeArena::kChunk bytes) of ended caches kept for the
  // next ones, at most kSpareChunks (guarded by alloc_mutex_).
  struct Chunk {
    void* rx = nullptr;
    void* rw = nullptr;
  };
  static constexpr size_t kSpareChunks = 128;  // 32 MiB: two Python starts' code
  std::vector<Chunk> spare_;
  // Code memory every cache holds (arena chunks, blocks allocated one by
  // one; not the spares or the dispatcher), and the budgets it is held to.
  std::atomic<uint64_t> held_{0};
  uint64_t code_budget_ = kDefaultCodeBudget, code_cap_ = UINT64_MAX;
  using DispatchFn = ExitValue (*)(CpuState*, uint8_t*, const void*);
  DispatchFn dispatch_ = nullptr;
  const void* exit_path_ = nullptr;
  const void* fault_path_ = nullptr;  // CpuState::jit_fault_exit
  const void* pc_path_ = nullptr;     // CpuState::jit_pc_exit
  const void* ind_path_ = nullptr;    // CpuState::jit_ind_jump
  uint8_t* dispatch_code_ = nullptr;
  size_t dispatch_size_ = 0;
  // Where generated code lies, for poisonable() (asked in a signal
  // handler: no lock): the 2^kRegionShift-byte regions that hold memory the
  // allocator gave out (all of it generated code), recorded as it gives it
  // out (note_code_locked, under alloc_mutex_; at most kMaxRegions, 128
  // GiB of address space, far past any host's memory for code: an
  // allocation beyond them fails; a kick scans only the regions in use,
  // one or two). All of it but the dispatcher, whose
  // [dispatch_poll_start_, dispatch_poll_end_) alone may be poisoned
  // (emit_dispatcher).
  static constexpr int kRegionShift = 27, kMaxRegions = 1024;
  std::atomic<uintptr_t> regions_[kMaxRegions] = {};
  std::atomic<int> n_regions_{0};
  uintptr_t dispatch_poll_start_ = 0, dispatch_poll_end_ = 0;
  bool note_code_locked(void* rx, size_t size);
  // alloc_->alloc, with the code's regions noted (none left: released, false).
  bool alloc_noted_locked(size_t size, void** rx, void** rw);
  JitHostFeatures host_;
  FILE* perf_map_ = nullptr;
  std::unique_ptr<SharedCodeStore> shared_ = std::make_unique<SharedCodeStore>(kDefaultSharedCode);
  // The live TB caches (guest address spaces) and whether blocks are
  // published now (SharePolicy); caches_mutex_ guards caches_ and the
  // switch from not publishing to publishing.
  std::mutex caches_mutex_;
  std::vector<TbCache*> caches_;
  std::atomic<size_t> n_caches_{0};  // caches_.size(), read without the lock
  SharePolicy policy_ = SharePolicy::Always;
  std::atomic<bool> publishing_{true};
  std::atomic<uint64_t> n_blocks_{0}, n_insns_{0}, n_ns_{0}, n_copies_{0}, n_published_{0},
      n_interpreted_{0}, n_retried_{0}, n_remat_{0}, n_based_{0}, n_calls_{0}, n_returns_{0};
  std::atomic<uint64_t> n_phase_ns_[4] = {};  // TranslateStats::frontend_ns .. install_ns
  mutable std::mutex retry_mutex_;
  std::string last_retry_;  // guarded by retry_mutex_
  void publish_cache(TbCache& cache);

 public:
  static constexpr size_t kDefaultSharedCode = size_t{512} << 20;
};

}  // namespace hart
