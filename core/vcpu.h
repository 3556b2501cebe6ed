// core/vcpu.h — one virtual CPU: the architectural state of a guest thread
// and the loop that finds (or translates) the TB for the current pc, runs
// it, chains it to its successor, and returns to its caller on anything the
// guest's environment must handle (ecall, ebreak, fault, illegal
// instruction, exit request). Like QEMU's cpu_exec, minus the Linux part.
// Owns: CpuState, the per-vCPU jump cache, host-fault recovery for this
// thread. Does not own: the meaning of an ecall or a fault (linux-abi).
#pragma once

#include <pthread.h>

#include <atomic>
#include <csetjmp>
#include <cstdint>
#include <memory>
#include <signal.h>
#include <string>

#include "core/address_space.h"
#include "core/cpu_state.h"
#include "core/debug.h"
#include "core/executor.h"
#include "core/log.h"
#include "core/tb_cache.h"

namespace hart {

struct VcpuOptions {
  bool one_insn_per_tb = false;  // -one-insn-per-tb / -singlestep
  // Tier 0: code the loop meets untranslated is run by the executor's
  // interpreter (Executor::interpret) the first translate_at - 1 times it
  // meets that pc, and translated the translate_at-th time — most blocks
  // of a program's start-up run once or twice, and interpreting them costs
  // far less than translating. 0 or 1: translate at once; at most 255. Only in plain
  // runs: never with a debugger, instruction counting, one-instruction
  // blocks or -d output about blocks (there every block a run meets is
  // translated and shown, as QEMU does), unless tier0_with_logs.
  unsigned translate_at = 0;
  // hart-run -tier0: keep tier 0 with -d in_asm/op/op_opt/out_asm, so that
  // the log shows the blocks a plain run translates, made as it makes them
  // (trace superblocks and loops read tier 0's counts): bench/profile.py.
  bool tier0_with_logs = false;
  // hart-run's and hartd's launches: a block runs interpreted 11 times and
  // is translated the 12th, unless $HART_TRANSLATE_AT says otherwise.
  // (Measured on bench/run.py's tools and Python runs, CPU time, geomean:
  // 3 -> 12 is 5-6% less; the short runs gain most, grep 20%. A long od -x
  // lost 3-9% in its generated code while blocks were 16-byte aligned: the
  // same code in another layout; blocks start on 64 bytes now, CodeArena.)
  static constexpr unsigned kLaunchTranslateAt = 12;
  // kLaunchTranslateAt, or $HART_TRANSLATE_AT (0..255) if set; false with
  // *error when that is not such a count.
  static bool launch_translate_at(unsigned* out, std::string* error);
};

// The kick signal's handler (linux::kick_host_thread) calls this on the
// kicked thread with its ucontext: a vCPU running generated code whose
// memory base register holds its memory base (Executor::poisonable) gets
// it poisoned, so its next guest access leaves (kPoisonedMemBase).
void vcpu_kicked(void* ucontext);

class Vcpu {
 public:
  Vcpu(AddressSpace& as, TbCache& cache, Executor& exec, GuestLog& log);
  ~Vcpu();
  Vcpu(const Vcpu&) = delete;
  Vcpu& operator=(const Vcpu&) = delete;

  // Runs guest code until the guest needs its environment. The reason is
  // also in state.exit_reason.
  ExitReason run();

  // Runs fn (code outside generated code that touches guest memory, such as
  // the reference interpreter) with this thread's fault recovery armed, so a
  // guest fault inside it returns MemFault here like one in translated code.
  ExitReason run_guarded(void (*fn)(Vcpu&, void*), void* arg);

  CpuState state{};

  // Jump cache (CpuState::jmp_cache): pc's set is slots jmp_cache_set(pc)
  // (way 0) and the one after it (way 1). Generated code probes both
  // inline for indirect jumps. Two ways, because two hot blocks whose pcs
  // agree in bits 2..14 (32 KiB apart, or any multiple: functions of a
  // large library called in turn through jalr) took one slot from each
  // other at every jump in a direct-mapped cache, and each jump left
  // generated code for the run loop (a million times in bench/py/mix.py
  // 30: CPython's type slots).
  static constexpr unsigned kJmpCacheSize = CpuState::kJmpCacheSize;
  static unsigned jmp_cache_set(uint64_t pc) { return (pc >> 1) & (kJmpCacheSize - 2); }
  // The block for probe key `key` in pc's set of jc, or null.
  static TranslationBlock* jmp_cache_find(TranslationBlock* const* jc, uint64_t pc, uint64_t key) {
    const unsigned set = jmp_cache_set(pc);
    if (jc[set]->probe_key == key) return jc[set];
    if (jc[set + 1]->probe_key == key) return jc[set + 1];
    return nullptr;
  }
  // Puts tb in way 0 of its set; the block there moves to way 1 (the most
  // recently put two stay, whichever of them the next jump wants).
  static void jmp_cache_put(TranslationBlock** jc, uint64_t pc, TranslationBlock* tb) {
    const unsigned set = jmp_cache_set(pc);
    if (jc[set] != tb) jc[set + 1] = jc[set];
    jc[set] = tb;
  }
  VcpuOptions options;
  // Debugger hooks (core/debug.h), set by the environment while a debugger
  // is attached; null otherwise (then run() has no debug cost at all).
  // debug_step: run exactly one instruction and return Step. Watch mode
  // (debug->watch_active()) runs one instruction per TB and checks each
  // access; a hit returns Watchpoint *before* the access, with the hit in
  // debug_event (resuming at the same pc runs the instruction).
  DebugController* debug = nullptr;
  bool debug_step = false;
  StopEvent debug_event;
  // Retired-instruction counting (record/replay, linux-abi/process/record.h).
  // While `counting`, icount is exact whenever run() returns. With the JIT
  // (Executor::counts_in_code) blocks are translated with kTbCount: each
  // takes its instruction count off CpuState::icount_budget on entry (and
  // names itself in count_tb), chaining and the jump cache stay; a block
  // that does not fit in the budget leaves without running. Otherwise every
  // block returns to the loop (no chaining, no inline jump-cache hits) and
  // adds its count. Either way an exit inside a block counts the
  // instructions before the exit point from the block's pc map (plus the
  // ecall or fence.i that exited). run() returns Icount once icount reaches
  // icount_stop, approaching it with one-instruction blocks. Off (the
  // default) nothing is counted and the loop does no extra work.
  bool counting = false;
  uint64_t icount = 0;
  uint64_t icount_stop = ~uint64_t{0};
  // A restored checkpoint: the watch hit noted at some pc is history.
  void forget_watch_skip() { watch_skip_pc_ = ~uint64_t{0}; }
  // Pages the interpreter found executable (interp_run), direct-mapped by
  // page number: valid while the address space's code_epoch() is still
  // `epoch` (every mmap, munmap, mprotect and mremap moves it), so tier 0's
  // interpreted blocks skip the VMA lookups (a lock and a map search, twice:
  // 14% of the interpreter's instructions in `python3 -c pass` with one page
  // remembered, whose code calls across many).
  struct FetchPages {
    static constexpr unsigned kSlots = 256;
    uint64_t page[kSlots];
    bool exec_only[kSlots];  // not readable: fetch through AddressSpace::fetch
    uint64_t epoch = 0;
    FetchPages() { forget(); }
    void forget() {
      for (uint64_t& p : page) p = ~uint64_t{0};
    }
    static unsigned slot(uint64_t page) { return static_cast<unsigned>(page / kPageSize) & (kSlots - 1); }
  } fetch_pages;
  // How often tier 0 has met the block at pc (0: not met lately, or its
  // slot holds another pc; 255: found translated), without counting this
  // look. The translator reads it to tell the likely side of a branch.
  unsigned heat_of(uint64_t pc) const;
  // Opaque back-pointer for the environment that runs this vCPU (linux-abi
  // stores its Thread here). core never reads it.
  void* user = nullptr;
  AddressSpace& as() { return as_; }
  TbCache& tb_cache() { return cache_; }
  Executor& executor() { return exec_; }
  GuestLog& log() { return log_; }

  // The vCPU running on this host thread, if it is inside guest code.
  static Vcpu* current();

  // If the vCPU is inside run(): raises its exit request and, on another
  // host thread, interrupts that thread (the function set_kick installed:
  // the environment's kick signal, whose handler calls vcpu_kicked), so it
  // leaves generated code within one block.
  void kick();
  static void set_kick(void (*fn)(pthread_t));
  // The generation synchronised with, plus one (TbCache::vcpus()).
  std::atomic<uint64_t>& synced_generation() { return synced_gen_; }

  // Called by helpers and the interpreter on a guest memory fault: leaves
  // guest code at once (the caller's pc must already be in state).
  [[noreturn]] void raise_fault(FaultKind kind, uint64_t guest_addr, bool is_write);

  // Installs the process-wide SIGSEGV/SIGBUS handler once.
  static void install_fault_handler();

 private:
  friend void vcpu_host_fault(int, siginfo_t*, void*);
  friend void vcpu_kicked(void*);
  // In a signal handler on this vCPU's thread, interrupted at uc: if that
  // is generated code (Executor::poisonable) with the memory base in r14,
  // poison it (kPoisonedMemBase).
  void poison_memory_base(void* uc);
  // The loop proper, outside run() so that no local lives across sigsetjmp.
  __attribute__((noinline)) ExitReason run_loop();
  // After a block ran (translated or interpreted): handles a fence.i exit;
  // false when run() returns (state.exit_reason says why).
  bool after_block(bool stepping);
  // After siglongjmp back from a guest fault: unblock, classify.
  ExitReason finish_fault();
  // The TB for (pc, flags), translated if need be; copy_only: only a copy
  // of a shared translation (Executor::copy), else null with nothing set.
  TranslationBlock* find_tb(uint64_t pc, uint32_t flags, bool copy_only = false);
  // Tier 0: should the block at pc be interpreted rather than run
  // translated? While pc has been met fewer than translate_at times (counts
  // in a direct-mapped table of pc tag | last meeting | count, 128 KiB of
  // address space per vCPU, mapped at the first use: a page of it gets
  // memory when a slot on it is first met, so a guest that runs little code
  // holds a few of them, not 128 KiB; heat_written_). A block is translated
  // when its count reaches translate_at, so a pc whose count is running
  // needs no TB cache lookup; one that takes a slot afresh (first met, or
  // after a collision) is looked up once, and a TB found makes it hot. A pc
  // taking the slot from one met recently inherits the slot's count, so
  // colliding hot blocks are translated after translate_at meetings between
  // them, not never.
  bool interpret_first(uint64_t pc, uint32_t flags);
  static constexpr unsigned kHeatSlots = 16384;
  static constexpr uint64_t kHeatRecent = 256;  // meetings: "met recently"
  // A slot: heat_tag(pc) << kHeatTagShift | last meeting << 8 | count; the
  // slot of pc is heat_[heat_index(pc)] (pc bits 1..14), on page
  // heat_page(index) of the table (heat_written_).
  static constexpr unsigned kHeatTagShift = 31;
  static constexpr uint64_t kHeatClockMask = (uint64_t{1} << (kHeatTagShift - 8)) - 1;
  static uint64_t heat_tag(uint64_t pc) { return pc >> 15; }
  static unsigned heat_index(uint64_t pc) { return static_cast<unsigned>(pc >> 1) & (kHeatSlots - 1); }
  static unsigned heat_page(unsigned index) { return index / (4096 / sizeof(uint64_t)); }
  struct HeatUnmap {
    void operator()(uint64_t* p) const;
  };
  std::unique_ptr<uint64_t[], HeatUnmap> heat_;
  // Pages of heat_ written since it was mapped or last zeroed (bit p: page
  // p). A slot on a page not written yet is written (its zero) before it
  // is read: reading first would map the kernel's zero page, and the write
  // that always follows would then copy it and flush that mapping from
  // every CPU this host process runs on (an interrupt to each: in a shell
  // loop spawning processes, 18% of the CPU time went to these faults on
  // fresh heat and decode-memo pages; decode_memo does the same).
  uint32_t heat_written_ = 0;
  static_assert(kHeatSlots * sizeof(uint64_t) / 4096 <= 32, "one bit per page of the heat table");
  uint64_t heat_clock_ = 0;  // meetings counted by interpret_first
  bool interpret_ok_ = true;  // the executor can interpret (Executor::interpret)
  uint64_t interpreted_ = 0;  // blocks it ran, not yet told to it (Executor::interpreted)
  // Counting: the instructions tb retired in the exit that just happened.
  uint64_t retired_in(const TranslationBlock* tb) const;
  // Counting in generated code: set the budget from icount/icount_stop;
  // after leaving generated code, icount from what the budget lost.
  void arm_code_count();
  void settle_code_count();
  void save_count_budget();  // a guest fault inside counting code
  uint64_t count_base_ = 0;  // icount + icount_budget when armed
  bool code_counting_ = false;  // inside generated code that counts
  void log_cpu_state();

  AddressSpace& as_;
  TbCache& cache_;
  Executor& exec_;
  GuestLog& log_;
  void clear_jmp_cache();
  // Clears the jump cache if the TB cache's generation moved since it was filled.
  // Also publishes the generation synchronised with (TbCache::vcpus()).
  void sync_jmp_cache();
  uint64_t jmp_cache_gen_ = 0;
  std::atomic<uint64_t> synced_gen_{0};
  std::shared_ptr<TbCache::Vcpus> vcpus_;  // where this vCPU is registered
  pthread_t host_thread_{};  // the thread inside run()
  // kick() holds the vCPU inside run() (its thread alive) while it reads
  // synced_gen_ and signals; leaving run() waits for it.
  std::atomic<int> kick_pins_{0};
  void leave_run();
  // find_tb: the cache holds all the code memory it may (Executor::
  // code_room) and flushing it freed none yet: interpret the block instead
  // (interpret_for_room_ set by find_tb, which then returns null), where
  // run_loop allows it (may_interpret_for_room_).
  bool make_code_room();
  bool may_interpret_for_room_ = false;
  bool interpret_for_room_ = false;
  bool told_no_code_ = false;  // logged "out of code memory" once
  sigjmp_buf recovery_;
  volatile bool in_guest_ = false;
  uint64_t watch_skip_pc_ = ~uint64_t{0};  // watch hit reported here: run it next
  const TranslationBlock* counted_tb_ = nullptr;  // counting: the block running now
  std::unique_ptr<TranslationBlock*[]> count_cache_;  // counting: find_tb's cache (count_cache())
  TranslationBlock** count_cache();
  bool last_run_counted_ = false;
};

}  // namespace hart
