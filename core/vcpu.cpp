// core/vcpu.cpp — the vCPU loop and host-fault recovery. See vcpu.h.
#include "core/vcpu.h"

#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace hart {

namespace {
thread_local Vcpu* tls_vcpu = nullptr;
struct sigaction g_prev_segv, g_prev_bus;

void chain_to_previous(int sig, siginfo_t* si, void* uc) {
  struct sigaction& prev = sig == SIGBUS ? g_prev_bus : g_prev_segv;
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction) prev.sa_sigaction(sig, si, uc);
    return;
  }
  if (prev.sa_handler == SIG_IGN) return;
  if (prev.sa_handler != SIG_DFL) {
    prev.sa_handler(sig);
    return;
  }
  // A fault in hartd itself: die the default way so it is debuggable.
  signal(sig, SIG_DFL);
  raise(sig);
}
}  // namespace

// A host SIGSEGV/SIGBUS: if it hit guest memory while this thread ran guest
// code, turn it into a guest fault; otherwise it is hartd's own bug.
void vcpu_host_fault(int sig, siginfo_t* si, void* ucv) {
  Vcpu* v = tls_vcpu;
  auto* uc = static_cast<ucontext_t*>(ucv);
  // A guest access through a poisoned memory base (a kick in generated
  // code, vcpu_kicked): leave before it, as for an exit request.
  if (v && v->in_guest_ && sig == SIGSEGV &&
      static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_R14]) == kPoisonedMemBase) {
    const uintptr_t host_pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
    if (TranslationBlock* tb = v->cache_.find_by_host_pc(host_pc)) {
      v->exec_.restore_state(*v, tb, host_pc, uc);
      v->state.exit_reason = ExitReason::ExitRequest;
      v->save_count_budget();
      siglongjmp(v->recovery_, 1);
    }
  }
  // A write to a page made read-only because it holds translated code
  // (from guest code, a helper, or hartd writing guest memory on this
  // thread): drop its translations, make it writable, retry the write.
  if (v && sig == SIGSEGV && si->si_code == SEGV_ACCERR && (uc->uc_mcontext.gregs[REG_ERR] & 2) &&
      v->as_.contains_host(si->si_addr)) {
    uint64_t g = static_cast<uint8_t*>(si->si_addr) - v->as_.base();
    if (v->as_.unprotect_code(g, 1)) {
      // Guest code that wrote code leaves at the next read of the request
      // (a block entry, a loop preamble; code that reads none runs on with
      // what it was translated from, as RISC-V allows until a fence.i,
      // which leaves anyway). Not by poisoning the memory base: the write
      // retried here would leave before it is done, and the page, written
      // by nothing, would be translated and protected again, for ever.
      if (v->in_guest_) v->state.exit_request.store(1, std::memory_order_release);
      return;
    }
  }
  // hartd copying guest memory (AddressSpace::read/write/peek): that copy fails.
  guarded_copy_fault(si->si_addr);
  if (!v || !v->in_guest_ || !v->as_.contains_host(si->si_addr)) {
    chain_to_previous(sig, si, ucv);
    return;
  }
  uintptr_t host_pc = uc->uc_mcontext.gregs[REG_RIP];
  if (TranslationBlock* tb = v->cache_.find_by_host_pc(host_pc)) {
    v->exec_.restore_state(*v, tb, host_pc, uc);
  } else if (v->exec_.owns_code(host_pc)) {
    chain_to_previous(sig, si, ucv);  // dispatcher code must never fault
    return;
  }
  // else: a helper or the interpreter faulted; it stored pc before the access.
  uint64_t gaddr = static_cast<uint8_t*>(si->si_addr) - v->as_.base();
  v->state.fault_addr = gaddr;
  v->state.fault_kind = sig == SIGBUS ? FaultKind::Bus : FaultKind::Unmapped;  // refined later
  v->state.fault_is_write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
  v->state.exit_reason = ExitReason::MemFault;
  v->save_count_budget();
  siglongjmp(v->recovery_, 1);
}

void Vcpu::poison_memory_base(void* ucv) {
  auto* uc = static_cast<ucontext_t*>(ucv);
  const uintptr_t host_pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  // Generated code only. Where r14 is not the memory base, a block holds
  // a guest value in it (plan_mem_free), and reloads the base at its end
  // from mem_base_reload: poisoned too, always (a kick in such a block
  // before it takes r14 poisons r14, which the block then overwrites).
  if (!in_guest_ || !exec_.poisonable(host_pc)) return;
  state.mem_base_reload = reinterpret_cast<uint8_t*>(kPoisonedMemBase);
  if (static_cast<uint64_t>(uc->uc_mcontext.gregs[REG_R14]) == reinterpret_cast<uint64_t>(state.mem_base))
    uc->uc_mcontext.gregs[REG_R14] = static_cast<greg_t>(kPoisonedMemBase);
}

void vcpu_kicked(void* ucontext) {
  if (Vcpu* v = tls_vcpu) v->poison_memory_base(ucontext);
}

void Vcpu::install_fault_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = vcpu_host_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_prev_segv);
    sigaction(SIGBUS, &sa, &g_prev_bus);
  });
}

Vcpu::Vcpu(AddressSpace& as, TbCache& cache, Executor& exec, GuestLog& log)
    : as_(as), cache_(cache), exec_(exec), log_(log) {
  state.mem_base = as.base();
  state.mem_base_reload = state.mem_base;
  state.mem_limit = as.limit();
  clear_jmp_cache();
  state.fp_box_mask[0] = 0xffffffff00000000u;
  state.fp_canon_d[0] = 0x7ff8000000000000u;
  state.fp_canon_s[0] = 0xffffffff7fc00000u;
  install_fault_handler();
  vcpus_ = cache.vcpus();
  std::lock_guard<std::mutex> lock(vcpus_->mutex);
  vcpus_->list.push_back(this);
}

Vcpu::~Vcpu() {
  if (tls_vcpu == this) tls_vcpu = nullptr;
  std::lock_guard<std::mutex> lock(vcpus_->mutex);
  std::erase(vcpus_->list, this);
}

Vcpu* Vcpu::current() { return tls_vcpu; }

namespace {
std::atomic<void (*)(pthread_t)> g_kick{nullptr};
}

void Vcpu::set_kick(void (*fn)(pthread_t)) { g_kick.store(fn, std::memory_order_release); }

void Vcpu::kick() {
  // (Sequentially consistent, against leave_run: either this sees it
  // outside run(), or it waits for this to be done with its thread.)
  kick_pins_.fetch_add(1, std::memory_order_seq_cst);
  // (A request already up came with its kick: another would only
  // interrupt the thread again while it is leaving.)
  if (synced_gen_.load(std::memory_order_seq_cst) != 0 &&
      !state.exit_request.exchange(1, std::memory_order_acq_rel))
    if (auto fn = g_kick.load(std::memory_order_acquire); fn && !pthread_equal(host_thread_, pthread_self()))
      fn(host_thread_);
  kick_pins_.fetch_sub(1, std::memory_order_release);
}

void Vcpu::leave_run() {
  if (interpreted_) exec_.interpreted(interpreted_);
  interpreted_ = 0;
  synced_gen_.store(0, std::memory_order_seq_cst);
  while (kick_pins_.load(std::memory_order_acquire)) sched_yield();
}

void Vcpu::raise_fault(FaultKind kind, uint64_t guest_addr, bool is_write) {
  state.fault_kind = kind;
  state.fault_addr = guest_addr;
  state.fault_is_write = is_write;
  state.exit_reason = ExitReason::MemFault;
  save_count_budget();
  siglongjmp(recovery_, 2);
}

namespace {
TranslationBlock g_empty_slot;  // probe_key kNoProbeKey: matches no pc
}  // namespace

void Vcpu::clear_jmp_cache() {
  for (TranslationBlock*& e : state.jmp_cache) e = &g_empty_slot;
  if (count_cache_)
    for (unsigned i = 0; i < kJmpCacheSize; ++i) count_cache_[i] = &g_empty_slot;
}

void Vcpu::sync_jmp_cache() {
  uint64_t gen = cache_.generation();
  if (gen != jmp_cache_gen_) {
    clear_jmp_cache();
    jmp_cache_gen_ = gen;
  }
  // Published before any lookup (TbCache::reclaim_quiet): one store per
  // run() and per invalidation.
  if (synced_gen_.load(std::memory_order_relaxed) != gen + 1)
    synced_gen_.store(gen + 1, std::memory_order_seq_cst);
}

bool Vcpu::make_code_room() {
  // Every block of the cache goes (as QEMU's tb_flush when its buffer is
  // full); its code is freed once no other vCPU may be inside it.
  cache_.flush_for_room();
  sync_jmp_cache();  // (this vCPU holds none of the old blocks: not one to wait for)
  // Blocks are met translate_at times again before they are translated
  // again: a hot set larger than the budget then translates only what
  // runs often between flushes, and interprets the rest.
  if (heat_) {  // (back to zero pages: what a flush touched no longer counts)
    if (madvise(heat_.get(), kHeatSlots * sizeof(uint64_t), MADV_DONTNEED) == 0) {
      heat_written_ = 0;
    } else {
      std::fill(heat_.get(), heat_.get() + kHeatSlots, uint64_t{0});
      heat_written_ = ~uint32_t{0};
    }
  }
  // Others still inside the old code are kicked out of it; they leave
  // within a block once they run, so wait a little for them (up to 20 ms:
  // the host may not be running them now) rather than interpret.
  if (!cache_.reclaim_quiet(this, /*kick=*/true)) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    do {
      sched_yield();
    } while (!cache_.reclaim_quiet(this, /*kick=*/false) && std::chrono::steady_clock::now() < until);
  }
  return exec_.code_room(cache_);
}

bool VcpuOptions::launch_translate_at(unsigned* out, std::string* error) {
  *out = kLaunchTranslateAt;
  const char* v = getenv("HART_TRANSLATE_AT");
  if (!v || !*v) return true;
  char* end = nullptr;
  unsigned long n = strtoul(v, &end, 10);
  if (*end || n > 255 || *v == '-') {
    *error = std::string("HART_TRANSLATE_AT: not a count from 0 to 255: ") + v;
    return false;
  }
  *out = static_cast<unsigned>(n);
  return true;
}

void Vcpu::HeatUnmap::operator()(uint64_t* p) const { munmap(p, kHeatSlots * sizeof(uint64_t)); }

bool Vcpu::interpret_first(uint64_t pc, uint32_t flags) {
  sync_jmp_cache();
  // The pc's heat slot (read below unless a TB is found) is loaded while
  // the jump cache is probed: both mostly miss the cache, and the probe's
  // two dependent loads were most of this function's time. So is the
  // guest's code at pc, which the interpreter or the translator reads next
  // (a prefetch does not fault, wherever pc points).
  if (const uint64_t* heat = heat_.get())
    asm volatile("prefetcht0 %0" : : "m"(heat[heat_index(pc)]));
  // (The address in integers: pc may lie past the guest's memory.)
  const char* code = reinterpret_cast<const char*>(reinterpret_cast<uintptr_t>(state.mem_base) + pc);
  asm volatile("prefetcht0 %0" : : "m"(*code));
  if (jmp_cache_find(state.jmp_cache, pc, tb_probe_key(pc, flags))) return false;
  if (!heat_) {  // (tag 0, count 0: a fresh slot)
    void* m = mmap(nullptr, kHeatSlots * sizeof(uint64_t), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return false;  // (no room to count: translate)
    heat_.reset(static_cast<uint64_t*>(m));
  }
  // A slot holds the pc's bits above the slot index (pcs are below 2^48),
  // the heat clock when the pc was last met, and the count (up to 255).
  const uint64_t tag = heat_tag(pc), now = ++heat_clock_ & kHeatClockMask;
  const unsigned index = heat_index(pc), page = heat_page(index);
  uint64_t& h = heat_[index];
  if (!(heat_written_ >> page & 1)) {  // (write before the first read: heat_written_)
    *static_cast<volatile uint64_t*>(&h) = 0;
    heat_written_ |= 1u << page;
  }
  if (h >> kHeatTagShift != tag) {
    // A pc that takes the slot from one met within the last kHeatRecent
    // meetings keeps the slot's count: two hot blocks whose pcs collide
    // would otherwise reset each other's count at every meeting and stay
    // interpreted for ever (od -x's output loop ran 12 million blocks in
    // the interpreter). Taking it from one met long ago starts afresh, so
    // code that runs once stays interpreted.
    const uint64_t then = h >> 8 & kHeatClockMask;
    const uint64_t count = h != 0 && ((now - then) & kHeatClockMask) < kHeatRecent ? h & 0xff : 0;
    h = tag << kHeatTagShift | count;
    if (TranslationBlock* tb = cache_.lookup(pc, flags)) {
      jmp_cache_put(state.jmp_cache, pc, tb);
      h |= 0xff;
      return false;
    }
    // Another guest's finished translation of the same code costs a copy,
    // less than interpreting the block once: take it now (its bytes are
    // compared once, by the copy; none matching, the block is met as any).
    if (exec_.may_copy(*this, pc, flags) && find_tb(pc, flags, /*copy_only=*/true)) {
      h |= 0xff;
      return false;
    }
  }
  h = (h & ~(kHeatClockMask << 8)) | now << 8;
  if ((h & 0xff) < 0xff) ++h;
  return (h & 0xff) < options.translate_at;
}

unsigned Vcpu::heat_of(uint64_t pc) const {
  if (!heat_) return 0;
  const unsigned index = heat_index(pc);
  if (!(heat_written_ >> heat_page(index) & 1)) return 0;  // (not read before written: heat_written_)
  const uint64_t h = heat_[index];
  return h >> kHeatTagShift == heat_tag(pc) ? static_cast<unsigned>(h & 0xff) : 0;
}

TranslationBlock* Vcpu::find_tb(uint64_t pc, uint32_t flags, bool copy_only) {
  sync_jmp_cache();
  // Counting: the loop's own cache, so that generated code (which probes
  // state.jmp_cache for indirect jumps) never goes from block to block
  // without coming back here to count.
  TranslationBlock** jc = counting && !exec_.counts_in_code() ? count_cache() : state.jmp_cache;
  TranslationBlock* tb = jmp_cache_find(jc, pc, tb_probe_key(pc, flags));
  if (tb) return tb;
  while (!(tb = cache_.lookup(pc, flags))) {
    // Past the code budget: flush, and if the old code cannot be freed yet
    // (another thread may be running it), run this block interpreted.
    // Where that is not allowed (debugger, counting: they need blocks) the
    // budget is exceeded instead.
    if (!exec_.code_room(cache_) && !make_code_room() && may_interpret_for_room_ && !copy_only) {
      interpret_for_room_ = true;
      return nullptr;
    }
    const uint64_t epoch = as_.code_epoch();
    TranslationBlock* fresh = cache_.new_tb();
    state.exit_reason = ExitReason::None;
    if (!(copy_only ? exec_.copy(*this, pc, flags, fresh) : exec_.translate(*this, pc, flags, fresh))) {
      cache_.discard(fresh);
      // Not a fetch fault: no code memory (the host's is exhausted).
      if (!copy_only && state.exit_reason == ExitReason::None) {
        if (!told_no_code_)
          log_.printf("hart: no memory for translated code at pc 0x%lx: running interpreted\n",
                      (unsigned long)pc);
        told_no_code_ = true;
        interpret_for_room_ = may_interpret_for_room_;
      }
      return nullptr;
    }
    tb = cache_.insert(fresh);
    // Guest writes to this code must now be noticed (self-modifying code,
    // other threads, guest JITs without fence.i)...
    const bool watched = as_.protect_code(tb->guest_lo, tb->pc_end);
    // ...and one that came between the translator's read and that
    // protection (another thread's store) must not leave stale code:
    // translate again. Nothing can have come if the pages were watched
    // before the read and no change was noted since (code_epoch).
    if (watched && as_.code_epoch() == epoch) break;
    if (exec_.code_unchanged(*this, tb)) break;
    cache_.invalidate(tb->guest_lo, tb->pc_end);
  }
  jmp_cache_put(jc, pc, tb);
  return tb;
}

TranslationBlock** Vcpu::count_cache() {
  if (!count_cache_) {
    count_cache_.reset(new TranslationBlock*[kJmpCacheSize]);
    for (unsigned i = 0; i < kJmpCacheSize; ++i) count_cache_[i] = &g_empty_slot;
  }
  return count_cache_.get();
}

void Vcpu::save_count_budget() {
  // Leaving generated code by longjmp: its frame, where the budget is, goes.
  if (code_counting_ && state.count_slot) state.icount_budget = *state.count_slot;
}

void Vcpu::arm_code_count() {
  state.icount_budget = icount_stop > icount ? icount_stop - icount : 0;
  count_base_ = icount + state.icount_budget;
  state.count_tb = nullptr;
}

void Vcpu::settle_code_count() {
  // Every block that ran took its whole count off the budget on entry;
  // one left inside (state.exit_reason set) ran only part of it.
  icount = count_base_ - state.icount_budget;
  if (state.exit_reason != ExitReason::None && state.count_tb)
    icount -= state.count_tb->icount - retired_in(state.count_tb);
  arm_code_count();
}

uint64_t Vcpu::retired_in(const TranslationBlock* tb) const {
  if (state.exit_reason == ExitReason::None) return tb->icount;  // ran to one of its exits
  // Left at state.pc (a fault, ecall, breakpoint, exit request...): the
  // instructions before it ran; an ecall or fence.i at pc ran too (the
  // environment or the loop moves past it).
  uint64_t n = 0;
  if (tb->pc_map)
    for (auto& [off, pc] : *tb->pc_map) {
      if (pc == state.pc) break;
      ++n;
    }
  if (n >= tb->icount) return tb->icount;
  bool done = state.exit_reason == ExitReason::Ecall || state.exit_reason == ExitReason::FenceI;
  return n + (done ? 1 : 0);
}

// QEMU's -d cpu layout (" x2/sp    0000..." four to a line), plus the FP
// registers and fcsr with -d fpu.
void Vcpu::log_cpu_state() {
  std::string out;
  char buf[96];
  snprintf(buf, sizeof buf, " %-8s %016lx\n", "pc", (unsigned long)state.pc);
  out += buf;
  auto bank = [&](char prefix, const char* const* names, const uint64_t* regs) {
    for (int i = 0; i < 32; ++i) {
      char name[16];
      snprintf(name, sizeof name, "%c%d/%s", prefix, i, names[i]);
      snprintf(buf, sizeof buf, " %-8s %016lx%s", name, (unsigned long)regs[i], (i % 4 == 3) ? "\n" : "");
      out += buf;
    }
  };
  bank('x', kXRegAbiName, state.x);
  if (log_.enabled(kLog_fpu)) {
    bank('f', kFRegAbiName, state.f);
    snprintf(buf, sizeof buf, " %-8s %016lx\n", "fcsr", (unsigned long)state.fcsr());
    out += buf;
  }
  log_.write(out);
}

ExitReason Vcpu::run() {
  tls_vcpu = this;
  state.exit_reason = ExitReason::None;
  struct Running {  // leaving run() (also by a fault's longjmp back here) publishes it
    Vcpu* v;
    explicit Running(Vcpu* vcpu) : v(vcpu) { v->host_thread_ = pthread_self(); }
    ~Running() { v->leave_run(); }
  } running(this);
  if (sigsetjmp(recovery_, 0)) return finish_fault();
  return run_loop();
}

ExitReason Vcpu::finish_fault() {
  // Back from a guest fault (host signal or helper). Unblock the signals the
  // kernel blocked for the handler, and classify the access.
  in_guest_ = false;
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGSEGV);
  sigaddset(&s, SIGBUS);
  pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
  // The JIT checks a base register once per block; later accesses off it
  // past the limit fault in the guard after the reservation.
  if (state.fault_kind == FaultKind::Unmapped && state.fault_addr >= as_.limit())
    state.fault_kind = FaultKind::OutOfRange;
  else if (state.fault_kind == FaultKind::Unmapped && as_.check(state.fault_addr, 1, 0))
    state.fault_kind = FaultKind::Protection;
  if (counted_tb_) {  // counting: the instructions before the faulting one ran
    icount += retired_in(counted_tb_);
    counted_tb_ = nullptr;
  }
  if (code_counting_) settle_code_count();
  code_counting_ = false;
  return state.exit_reason;
}

ExitReason Vcpu::run_guarded(void (*fn)(Vcpu&, void*), void* arg) {
  tls_vcpu = this;
  state.exit_reason = ExitReason::None;
  if (sigsetjmp(recovery_, 0)) return finish_fault();
  in_guest_ = true;
  fn(*this, arg);
  in_guest_ = false;
  return state.exit_reason;
}

ExitReason Vcpu::run_loop() {
  uint32_t base_flags = options.one_insn_per_tb ? uint32_t{kTbOneInsn} : 0u;
  bool chain = !(log_.mask() & (kLog_nochain | kLog_cpu | kLog_exec)) && !options.one_insn_per_tb;
  // Debugger modes, fixed for this run (they change only while the thread
  // is parked): a step runs one instruction; watch mode checks every access.
  // A step ignores watchpoints (gdb steps over a reported access that way).
  DebugController* dbg = debug;
  const bool stepping = dbg && debug_step;
  const bool watching = dbg && !stepping && dbg->watch_active();
  const bool watch_after = watching && dbg->watch_after.load(std::memory_order_relaxed);
  bool watch_pending = false;  // watch_after: a hit, reported once its instruction ran
  if (stepping) base_flags = kTbOneInsn | kTbDebugStep;
  if (watching) base_flags |= kTbOneInsn;
  if (stepping || watching) chain = false;
  const bool count = counting;
  // Counting: in generated code when the executor can (kTbCount blocks,
  // chained as usual); otherwise every block comes back here to be counted.
  const bool code_count = count && exec_.counts_in_code();
  if (code_count) {
    base_flags |= kTbCount;
    arm_code_count();
  } else if (count) {
    chain = false;
    if (!last_run_counted_)  // generated code must find no TB in the jump cache
      for (TranslationBlock*& e : state.jmp_cache) e = &g_empty_slot;
  }
  last_run_counted_ = count && !code_count;
  // Tier 0 (VcpuOptions::translate_at) in plain runs only: what the
  // debugger, counting and block logging see stays translated blocks
  // (unless tier0_with_logs asks for the log of a plain run).
  const bool tier0 = options.translate_at > 1 && interpret_ok_ && base_flags == 0 && chain && !dbg &&
                     (options.tier0_with_logs ||
                      !(log_.mask() & (kLog_in_asm | kLog_op | kLog_op_opt | kLog_out_asm)));
  TranslationBlock* last = nullptr;
  int last_exit = 0;
  // One block run by the interpreter; false when run() returns.
  auto interpret_block = [&] {
    ++interpreted_;  // (before: a guest fault leaves interpret() by longjmp)
    in_guest_ = true;
    interpret_ok_ = exec_.interpret(*this);
    in_guest_ = false;
    last = nullptr;
    return !interpret_ok_ || after_block(false);
  };
  for (;;) {
    if (state.exit_request.load(std::memory_order_acquire)) {
      state.exit_reason = ExitReason::ExitRequest;
      return state.exit_reason;
    }
    // Code for a rounding mode the host lacks (RMM, invalid frm) differs.
    uint32_t flags = base_flags | (state.frm > RUP ? uint32_t{kTbFrmNoHost} : 0u);
    // Supm: a thread that enabled pointer masking runs code that masks.
    if (state.pmlen) flags |= state.pmlen == 7 ? uint32_t{kTbPm7} : uint32_t{kTbPm16};
    if (count && icount >= icount_stop) {
      state.exit_reason = ExitReason::Icount;
      return state.exit_reason;
    }
    // A memory check's retry (CpuState::one_insn_once): this instruction alone.
    const bool retry_one = state.one_insn_once != 0;
    if (retry_one) flags |= state.one_insn_once == 2 ? kTbChecked : kTbOneInsn;
    state.one_insn_once = 0;
    if (!retry_one && tier0 && interpret_ok_ && interpret_first(state.pc, flags)) {
      // Not translated yet and met only rarely so far: interpret one block.
      if (!interpret_block()) return state.exit_reason;
      continue;
    }
    // (Interpreting instead of translating when out of code memory: plain
    // runs only, as tier 0.)
    may_interpret_for_room_ = interpret_ok_ && base_flags == 0 && !count && !retry_one && !dbg;
    TranslationBlock* tb = find_tb(state.pc, flags);
    if (!tb && interpret_for_room_) {
      interpret_for_room_ = false;
      if (!interpret_block()) return state.exit_reason;
      continue;
    }
    if (!tb) return state.exit_reason;  // fetch fault, described in state
    // Near the stop: one instruction at a time (and no chain into that
    // block, which would stay on the hot path).
    bool near_stop = retry_one;  // (a retry's block is not chained into)
    if (count && tb->icount > icount_stop - icount && !(flags & kTbOneInsn)) {
      tb = find_tb(state.pc, flags | kTbOneInsn);
      if (!tb) return state.exit_reason;
      near_stop = true;
    }
    if (log_.enabled(kLog_exec))
      log_.printf("Trace 0: %p [%08lx/%016lx/%08x/%08x] \n", (void*)tb->code, 0ul,
                  (unsigned long)tb->pc, tb->flags, 0u);
    if (log_.enabled(kLog_cpu)) log_cpu_state();
    if (chain && last && last->valid && tb->valid && !near_stop) cache_.link(last, last_exit, tb);
    // Watch mode: an instruction that touches a watched range stops *before*
    // it runs (gdb's riscv watchpoints are non-steppable: gdb steps over
    // the access itself, then compares values). Resuming at that pc runs it.
    // For a debugger that wants hits after the access (LLDB), the one
    // instruction runs first; a fault in it is reported instead.
    if (watching && state.pc != watch_skip_pc_ && dbg->watch_hit(state, as_, &debug_event)) {
      if (!watch_after) {
        watch_skip_pc_ = state.pc;
        state.exit_reason = ExitReason::Watchpoint;
        return state.exit_reason;
      }
      debug_event.after_access = true;
      watch_pending = true;
    }
    watch_skip_pc_ = ~uint64_t{0};
    in_guest_ = true;
    counted_tb_ = count && !code_count ? tb : nullptr;
    code_counting_ = code_count;
    ExitValue ev = exec_.enter(*this, tb);
    in_guest_ = false;
    code_counting_ = false;
    if (code_count) settle_code_count();
    else if (count) icount += retired_in(tb);
    counted_tb_ = nullptr;
    if (ev & 3) {
      last = reinterpret_cast<TranslationBlock*>(ev & ~uintptr_t{3});
      last_exit = static_cast<int>(ev & 3) - 1;
      state.pc = last->exits[last_exit].target_pc;  // (the stub leaves it there)
    } else {
      last = nullptr;
    }
    if (state.exit_reason == ExitReason::FenceI) last = nullptr;
    if (watch_pending && state.exit_reason == ExitReason::None) {  // watch_after: its access ran
      state.exit_reason = ExitReason::Watchpoint;
      return state.exit_reason;
    }
    if (!after_block(stepping)) return state.exit_reason;
  }
}

bool Vcpu::after_block(bool stepping) {
  if (state.exit_reason == ExitReason::FenceI) {
    // Stores to translated code are seen as they happen (protect_code), so
    // only code on pages whose writes cannot be seen is dropped here.
    // Outside generated code, free old code too once no other vCPU may be
    // in it (else a guest JIT looping on fence.i would grow hartd's memory).
    for (uint64_t page : as_.unwatched_code_pages()) cache_.invalidate(page, page + kPageSize);
    cache_.reclaim_quiet(this, /*kick=*/false);
    state.pc += 4;
    state.exit_reason = ExitReason::None;
    if (!stepping) return true;
  }
  if (state.exit_reason != ExitReason::None) return false;
  if (stepping) {
    state.exit_reason = ExitReason::Step;
    return false;
  }
  return true;
}

}  // namespace hart
