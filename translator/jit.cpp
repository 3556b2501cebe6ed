// translator/jit.cpp — see jit.h.
#include "translator/jit.h"

#include <Zydis/Zydis.h>
#include <asmjit/x86.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>

#include "core/address_space.h"
#include "core/tb_cache.h"
#include "core/vcpu.h"
#include "translator/backend_x86.h"
#include "translator/disas.h"
#include "translator/frontend.h"
#include "translator/interp.h"
#include "translator/ir_opt.h"
#include "translator/jit_helpers.h"
#include "translator/spare_vectors.h"

namespace hart {

using namespace asmjit;

namespace {

// Blocks are emitted into one buffer per thread (asmjit's text buffer,
// external and fixed) instead of a fresh ~8 KiB heap buffer per block, and
// copied out to the code arena. A block that does not fit (asmjit's
// kErrorTooLarge, seen by this handler) is translated again one
// instruction at a time, as for any other emission failure.
constexpr size_t kEmitBufferBytes = 512 * 1024;
struct EmitErrors : ErrorHandler {
  bool too_large = false;
  void handleError(Error err, const char*, BaseEmitter*) override {
    if (err == kErrorTooLarge) too_large = true;
  }
};
// One CodeHolder and Assembler per translating thread, reset (softly: its
// zone keeps its memory) for each block instead of built and torn down
// around it — asmjit's per-block setup (zone blocks, section and label
// tables) was a tenth of translating. Most blocks do not even reset it:
// the text section is rewound to offset 0 and the labels of earlier blocks
// (all bound, never named again) stay, until kRewindLabels of them
// accumulate, a block leaves a relocation or an unresolved link, or one
// failed (clean = false: the next block starts from a reset holder).
struct ThreadAssembler {
  static constexpr uint32_t kRewindLabels = 4096;
  CodeHolder code;
  x86::Assembler a;
  EmitErrors errors;
  bool clean = false;  // the holder may be rewound instead of reset
  // Default-initialized: only the pages a thread's blocks touch are used.
  std::unique_ptr<uint8_t[]> buffer{new uint8_t[kEmitBufferBytes]};
  // The assembler, attached to an empty code holder.
  x86::Assembler& begin() {
    errors.too_large = false;
    if (clean && code.labelCount() < kRewindLabels && code.relocEntries().empty() && !code.hasUnresolvedLinks() &&
        a.code() == &code) {
      a._bufferPtr = a._bufferData;
      code.textSection()->_buffer._size = 0;
      return a;
    }
    clean = true;
    code.reset(ResetPolicy::kSoft);
    code.init(Environment::host());
    errors.too_large = false;
    code.setErrorHandler(&errors);
    CodeBuffer& cb = code.textSection()->_buffer;
    cb._data = buffer.get();
    cb._size = 0;
    cb._capacity = kEmitBufferBytes;
    cb._flags = CodeBufferFlags::kIsExternal | CodeBufferFlags::kIsFixed;
    code.attach(&a);
    return a;
  }
};
ThreadAssembler& thread_assembler() {
  thread_local ThreadAssembler t;
  return t;
}

}  // namespace

// Code memory of one TB cache: chunks from the Jit's allocator, handed out
// by bumping a pointer; released when the cache goes. Blocks invalidated
// before then stay (dead bytes); past a bound the cache allocates from the
// Jit's allocator again, so a guest that rewrites code forever (its own JIT)
// wastes at most that bound. Released chunks go to the Jit's spare pool
// first (Jit::spare_): the next launch writes its code into pages that are
// already there instead of faulting in (and zeroing) fresh shared-memory
// pages, and ending a launch unmaps nothing.
struct CodeArena {
  static constexpr size_t kChunk = 256 * 1024;
  // Every block starts on a 64-byte boundary (a cache line: the host
  // fetches and caches decoded instructions by aligned windows of it, and
  // blocks are mostly entered by jumps to their start). With 16, the same
  // code ran up to 10% slower or faster depending only on where the
  // translation order put it (od -x translated at the 12th meeting against
  // the 3rd: every block byte-identical, 0.342 against 0.325 s; both about
  // 0.31 s at 64); over bench/run.py's programs the geomean gains 1%
  // (sed 8%, python 5%, od 3%).
  static constexpr size_t kAlign = 64;
  static constexpr size_t aligned(size_t size) { return (size + kAlign - 1) & ~(kAlign - 1); }
  Jit* jit;
  std::mutex mutex;
  // Code is bumped into the chunks of the current part. A flush of the
  // cache (Jit::cache_flushed) starts a new part, and an old part gives
  // its chunks back once every block in it has been freed: the cache's
  // memory shrinks as soon as its old code is, whatever it translated
  // since. (Parts by id, TranslationBlock::code_part; one or two.)
  struct Part {
    std::vector<Jit::Chunk> chunks;
    size_t used = 0, dead = 0;
  };
  std::map<uint32_t, Part> parts;
  uint32_t cur = 0;
  uint8_t *rx = nullptr, *rw = nullptr;
  size_t left = 0;
  // A fresh chunk is shared memory seen twice, written through rw and run
  // through rx: each of its pages faulted twice, once to be allocated and
  // zeroed as the backend's bytes were copied in, once to be mapped when
  // its code first ran (3% of python3 -c pass in those faults). Once the
  // cache has handed out kPopulate bytes of code, it is populated ahead
  // instead, kPopulate bytes at a time as blocks reach them (rw up to
  // `ready` is): one call per 16 pages for both views. A guest that
  // translates less (most of a hartd's 4,000 sleepers) faults as before
  // and holds no page more. (Spare chunks are populated already; a host
  // without MADV_POPULATE_* (Linux < 5.14) faults as before.)
  static constexpr size_t kPopulate = 64 * 1024;
  uint8_t* ready = nullptr;
  size_t handed_out = 0;  // bytes of code, in all chunks
  void populate_to(const uint8_t* end) {
    if (handed_out < kPopulate) return;  // (ready stays: population starts from it)
    const uint8_t* chunk_end = rw + left;
    while (ready < end && ready < chunk_end) {
      const size_t n = std::min<size_t>(kPopulate, static_cast<size_t>(chunk_end - ready));
      // (Whole pages: the allocator's chunks start on 64-byte boundaries.
      // A page shared with the neighbouring allocation is only faulted in.)
      const uint64_t a = page_down(reinterpret_cast<uintptr_t>(ready));
      const uint64_t b = page_up(reinterpret_cast<uintptr_t>(ready) + n);
      madvise(reinterpret_cast<void*>(a), b - a, MADV_POPULATE_WRITE);
      madvise(rx + (reinterpret_cast<uint8_t*>(a) - rw), b - a, MADV_POPULATE_READ);
      ready += n;
    }
  }
  size_t n_chunks = 0;  // in every part
  size_t singles = 0;   // bytes of blocks allocated one by one (code_with_cache false)
  explicit CodeArena(Jit* j) : jit(j) {}
  ~CodeArena() {
    std::lock_guard<std::mutex> lock(jit->alloc_mutex_);
    for (auto& [id, p] : parts) give_back_locked(p.chunks, 0);
  }
  bool wasteful() {
    const Part& p = parts[cur];
    return p.dead > std::max<size_t>(size_t{4} << 20, p.used - p.dead);
  }
  // Host code memory the cache holds (Jit::code_room).
  size_t held() const { return n_chunks * kChunk + singles; }
  // Chunks from `keep` on go to the Jit's spares or back to the allocator
  // (under the Jit's alloc_mutex_).
  void give_back_locked(std::vector<Jit::Chunk>& chunks, size_t keep) {
    for (size_t i = keep; i < chunks.size(); ++i) {
      if (jit->spare_.size() < Jit::kSpareChunks)
        jit->spare_.push_back(chunks[i]);
      else
        jit->alloc_->release(chunks[i].rx);
    }
    if (chunks.size() <= keep) return;
    n_chunks -= chunks.size() - keep;
    jit->held_.fetch_sub((chunks.size() - keep) * kChunk, std::memory_order_relaxed);
    chunks.resize(keep);
  }
  // A block of part `id` freed.
  void freed(uint32_t id, size_t bytes) {
    auto it = parts.find(id);
    if (it == parts.end()) return;
    it->second.dead += bytes;
    if (id == cur || it->second.dead != it->second.used) return;
    std::lock_guard<std::mutex> lock(jit->alloc_mutex_);
    give_back_locked(it->second.chunks, 0);
    parts.erase(it);
  }
};

namespace {

std::string host_disassembly(const uint8_t* code, size_t size) {
  std::string out;
  ZyanUSize off = 0;
  ZydisDisassembledInstruction insn;
  while (off < size) {
    uint64_t addr = reinterpret_cast<uint64_t>(code) + off;
    if (!ZYAN_SUCCESS(ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, addr, code + off, size - off,
                                            &insn)))
      break;
    char line[160];
    snprintf(line, sizeof line, "0x%016lx:  %s\n", (unsigned long)addr, insn.text);
    out += line;
    off += insn.info.length;
  }
  return out;
}

}  // namespace

JitHostFeatures JitHostFeatures::detect() {
  JitHostFeatures f;
  const char* baseline = getenv("HART_JIT_BASELINE_X86");
  if (baseline && strcmp(baseline, "0") != 0 && *baseline) return f;
  const CpuFeatures::X86& x = CpuInfo::host().features().x86();
  f.fma = x.hasFMA();
  f.bmi1 = x.hasBMI();
  f.bmi2 = x.hasBMI2();
  f.lzcnt = x.hasLZCNT();
  f.popcnt = x.hasPOPCNT();
  f.pclmul = x.hasPCLMULQDQ();
  f.sse41 = x.hasSSE4_1();
  f.aes = x.hasAESNI();
  f.sha = x.hasSHA();
  return f;
}

std::unique_ptr<Jit> Jit::create(std::string* error, const JitHostFeatures* features) {
  std::unique_ptr<Jit> jit(new Jit());
  JitAllocator::CreateParams params;
  params.options = JitAllocatorOptions::kUseDualMapping;
  // One block for all the code, mapped now (for the dispatcher), before
  // any guest address space: chained exits are rel32 jumps, and a block
  // mapped later lay past a guest's 256 GiB reservation, out of reach, so
  // exits between the two never chained (bzip2 ran 3x slower whenever the
  // host's layout put its hot blocks in different asmjit blocks). Memory
  // is committed as code is written (a sparse memfd).
  params.blockSize = uint32_t{128} << 20;
  jit->alloc_ = std::make_unique<JitAllocator>(&params);

  CodeHolder code;
  code.init(Environment::host());
  x86::Assembler a(&code);
  Label exit_label = a.newLabel(), fault_label = a.newLabel(), pc_label = a.newLabel();
  Label ind_label = a.newLabel(), poll_start = a.newLabel(), poll_end = a.newLabel();
  emit_dispatcher(a, exit_label, fault_label, pc_label, ind_label, poll_start, poll_end);
  size_t size = code.codeSize();
  void *rx = nullptr, *rw = nullptr;
  if (!jit->alloc_noted_locked(size, &rx, &rw)) {  // (no other thread has the Jit yet)
    if (error) *error = "cannot allocate executable memory for the JIT (dual mapping refused?)";
    return nullptr;
  }
  code.relocateToBase(reinterpret_cast<uint64_t>(rx));
  code.copyFlattenedData(rw, size);
  jit->dispatch_ = reinterpret_cast<DispatchFn>(rx);
  jit->exit_path_ = static_cast<uint8_t*>(rx) + code.labelOffsetFromBase(exit_label);
  jit->fault_path_ = static_cast<uint8_t*>(rx) + code.labelOffsetFromBase(fault_label);
  jit->pc_path_ = static_cast<uint8_t*>(rx) + code.labelOffsetFromBase(pc_label);
  jit->ind_path_ = static_cast<uint8_t*>(rx) + code.labelOffsetFromBase(ind_label);
  jit->dispatch_code_ = static_cast<uint8_t*>(rx);
  jit->dispatch_size_ = size;
  jit->dispatch_poll_start_ = reinterpret_cast<uintptr_t>(rx) + code.labelOffsetFromBase(poll_start);
  jit->dispatch_poll_end_ = reinterpret_cast<uintptr_t>(rx) + code.labelOffsetFromBase(poll_end);
  jit->host_ = features ? *features : JitHostFeatures::detect();
  // $HART_SHARED_CODE: the shared translations' budget (a size, 0 = off).
  if (const char* v = getenv("HART_SHARED_CODE"); v && *v) {
    const bool off = strcmp(v, "0") == 0;
    uint64_t bytes = 0;
    std::string e;
    if (!off && !parse_size(v, &bytes, &e)) {
      if (error) *error = std::string("HART_SHARED_CODE: ") + e;
      return nullptr;
    }
    jit->set_shared_code_budget(bytes);
  }
  // Translated code: $HART_CODE_CACHE per guest address space (a size,
  // 0 = none); a quarter of the host's memory for all of them.
  uint64_t per_cache = kDefaultCodeBudget;
  if (const char* v = getenv("HART_CODE_CACHE"); v && *v) {
    std::string e;
    if (strcmp(v, "0") == 0) {
      per_cache = 0;
    } else if (!parse_size(v, &per_cache, &e)) {
      if (error) *error = std::string("HART_CODE_CACHE: ") + e;
      return nullptr;
    }
  }
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  jit->set_code_budget(per_cache, pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) / 4 : 0);
  return jit;
}

Jit::~Jit() {
  for (const Chunk& c : spare_) alloc_->release(c.rx);
  if (dispatch_code_) alloc_->release(dispatch_code_);
  if (perf_map_) fclose(perf_map_);
}

void Jit::enable_perf_map() {
  char path[64];
  snprintf(path, sizeof path, "/tmp/perf-%d.map", static_cast<int>(getpid()));
  std::lock_guard<std::mutex> lock(alloc_mutex_);
  if (perf_map_) return;
  perf_map_ = fopen(path, "w");
  // The dispatcher (its entry, exit paths and the shadow stack's sentinel)
  // by name too.
  if (perf_map_)
    fprintf(perf_map_, "%lx %zx hart_dispatcher\n", static_cast<unsigned long>(reinterpret_cast<uintptr_t>(dispatch_code_)),
            dispatch_size_);
}

bool Jit::may_share(Vcpu& vcpu, uint32_t flags) const {
  // Shared translations depend on (pc, flags, guest bytes) only: not with
  // debugger breakpoints in the code or -d output that would be skipped,
  // nor counting blocks (their code names their own TB).
  GuestLog& log = vcpu.log();
  return shared_->enabled() && !vcpu.debug && !(flags & kTbCount) && !log.enabled(kLog_in_asm) &&
         !log.enabled(kLog_op) && !log.enabled(kLog_op_opt) && !log.enabled(kLog_out_asm);
}

bool Jit::may_copy(Vcpu& vcpu, uint64_t pc, uint32_t flags) {
  return may_share(vcpu, flags) && publishing_.load(std::memory_order_acquire) && shared_->has_key(pc, flags);
}

bool Jit::copy(Vcpu& vcpu, uint64_t pc, uint32_t flags, TranslationBlock* tb) {
  // A copy of a shared translation is not timed (two clock reads would be
  // a tenth of its cost): translation_seconds is time spent translating.
  // (Nothing is stored before publishing starts: no lookup either.)
  if (!may_share(vcpu, flags) || !publishing_.load(std::memory_order_acquire) ||
      !shared_->use_match(vcpu.as(), pc, flags,
                          [this, &vcpu, tb](const SharedBlock& b) { return instantiate(vcpu, b, tb); }))
    return false;
  n_copies_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

namespace {
// The translating thread's malloc arena: glibc gives each thread its own
// heap and grows it by one mprotect per page as the translator's per-block
// data needs it (1,236 calls in python3 -c pass, each taking the process's
// mmap_lock for writing, which every guest thread of a hartd shares). A
// thread that has translated 1024 blocks is running a large program: its
// heap is grown by 4 MiB, and by 8 MiB more at 4096 blocks (python3 -c
// pass translates 11,000), in pieces below the mmap threshold that are
// freed at once. glibc keeps a heap's protection at its high-water mark
// and gives the freed pages back (MADV_DONTNEED), so that much growth
// costs no system call, and no memory until it is used.
void grow_malloc_arena(size_t bytes) {
  constexpr size_t kPiece = 120 * 1024, kMaxPieces = 72;  // (below the default 128 KiB mmap threshold)
  void* p[kMaxPieces];
  const size_t n = std::min(kMaxPieces, bytes / kPiece);
  for (size_t i = 0; i < n; ++i) p[i] = malloc(kPiece);
  for (size_t i = 0; i < n; ++i) free(p[i]);
}
}  // namespace

bool Jit::translate(Vcpu& vcpu, uint64_t pc, uint32_t flags, TranslationBlock* tb) {
  const bool share = may_share(vcpu, flags);
  if (copy(vcpu, pc, flags, tb)) return true;
  // (Copies are not counted: they allocate no per-block data of their own.)
  static thread_local uint64_t translated_here = 0;
  ++translated_here;
  if (translated_here == 1024) grow_malloc_arena(size_t{4} << 20);
  if (translated_here == 4096) grow_malloc_arena(size_t{8} << 20);
  const auto t0 = std::chrono::steady_clock::now();
  bool shareable = false;
  bool ok = translate_block_at(vcpu, pc, flags, tb, &shareable);
  tb->shareable = ok && share && shareable;
  // (A block translated while another thread starts publishing may be
  // missed by both: the next guest then translates it for itself.)
  if (tb->shareable && publishing_.load(std::memory_order_acquire)) {
    shared_->publish(to_shared(*tb));
    n_published_.fetch_add(1, std::memory_order_relaxed);
  }
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0);
  vcpu.tb_cache().add_translate_time(static_cast<uint64_t>(ns.count()));
  if (ok) {
    n_blocks_.fetch_add(1, std::memory_order_relaxed);
    n_insns_.fetch_add(tb->icount, std::memory_order_relaxed);
  }
  n_ns_.fetch_add(static_cast<uint64_t>(ns.count()), std::memory_order_relaxed);
  return ok;
}

std::unique_ptr<SharedBlock> Jit::to_shared(const TranslationBlock& tb) {
  auto blk = std::make_unique<SharedBlock>();
  blk->pc = tb.pc;
  blk->flags = tb.flags;
  blk->guest_lo = tb.guest_lo;
  blk->pc_end = tb.pc_end;
  blk->icount = tb.icount;
  blk->code.assign(tb.code, tb.code + tb.code_size);
  blk->n_exits = tb.n_exits;
  for (int i = 0; i < tb.n_exits; ++i) {
    TbExit& e = blk->exits[i];
    e = tb.exits[i];
    e.linked = nullptr;
    e.next_in_tb = nullptr;
    // Unchained, as the backend left it (a block published later may be
    // chained by now): the jump goes to the exit's own stub.
    const int32_t rel = static_cast<int32_t>(e.stub_offset) - static_cast<int32_t>(e.rel_offset + 4);
    memcpy(blk->code.data() + e.rel_offset, &rel, 4);
  }
  blk->pc_map = tb.pc_map;
  blk->data = std::static_pointer_cast<const TbData>(tb.data);
  blk->guest = blk->data->code.view();
  return blk;
}

Jit::TranslateStats Jit::translate_stats() const {
  TranslateStats st;
  st.blocks = n_blocks_.load(std::memory_order_relaxed);
  st.insns = n_insns_.load(std::memory_order_relaxed);
  st.ns = n_ns_.load(std::memory_order_relaxed);
  st.copies = n_copies_.load(std::memory_order_relaxed);
  st.published = n_published_.load(std::memory_order_relaxed);
  st.interpreted = n_interpreted_.load(std::memory_order_relaxed);
  st.retried = n_retried_.load(std::memory_order_relaxed);
  st.remat = n_remat_.load(std::memory_order_relaxed);
  st.based = n_based_.load(std::memory_order_relaxed);
  st.calls = n_calls_.load(std::memory_order_relaxed);
  st.returns = n_returns_.load(std::memory_order_relaxed);
  st.frontend_ns = n_phase_ns_[0].load(std::memory_order_relaxed);
  st.passes_ns = n_phase_ns_[1].load(std::memory_order_relaxed);
  st.backend_ns = n_phase_ns_[2].load(std::memory_order_relaxed);
  st.install_ns = n_phase_ns_[3].load(std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(retry_mutex_);
    st.last_retry = last_retry_;
  }
  return st;
}

void Jit::set_share_policy(SharePolicy p) {
  std::lock_guard<std::mutex> lock(caches_mutex_);
  policy_ = p;
  publishing_.store(p == SharePolicy::Always || caches_.size() >= 2, std::memory_order_release);
}

void Jit::cache_opened(TbCache& cache) {
  std::lock_guard<std::mutex> lock(caches_mutex_);
  caches_.push_back(&cache);
  n_caches_.store(caches_.size(), std::memory_order_relaxed);
  if (publishing_.load(std::memory_order_relaxed) || caches_.size() < 2) return;
  // A second guest: from now on blocks are published as they are made, and
  // what the others translated so far goes to the store now.
  publishing_.store(true, std::memory_order_release);
  if (!shared_->enabled()) return;
  for (TbCache* c : caches_)
    if (c != &cache) publish_cache(*c);
}

void Jit::cache_closing(TbCache& cache) {
  std::lock_guard<std::mutex> lock(caches_mutex_);
  std::erase(caches_, &cache);
  n_caches_.store(caches_.size(), std::memory_order_relaxed);
}

void Jit::publish_cache(TbCache& cache) {
  // (Under the cache's lock: no exit is chained or unchained meanwhile.)
  cache.for_each_valid([this](const TranslationBlock& tb) {
    if (tb.shareable && !tb.reused && tb.code) {
      shared_->publish(to_shared(tb));
      n_published_.fetch_add(1, std::memory_order_relaxed);
    }
  });
}

bool Jit::alloc_code(Vcpu& vcpu, size_t size, TranslationBlock* tb, void** rx, void** rw) {
  std::shared_ptr<void>& data = vcpu.tb_cache().executor_data();
  if (!data) data = std::make_shared<CodeArena>(this);
  auto* arena = static_cast<CodeArena*>(data.get());
  const size_t need = CodeArena::aligned(size);
  {
    std::lock_guard<std::mutex> lock(arena->mutex);
    if (need <= CodeArena::kChunk / 4 && !arena->wasteful()) {
      CodeArena::Part& part = arena->parts[arena->cur];
      if (arena->left < need) {
        Chunk c;
        bool spare = false;
        {
          std::lock_guard<std::mutex> alock(alloc_mutex_);
          if (!spare_.empty()) {
            c = spare_.back();
            spare_.pop_back();
            spare = true;
          } else if (!alloc_noted_locked(CodeArena::kChunk, &c.rx, &c.rw)) {
            return false;
          }
          held_.fetch_add(CodeArena::kChunk, std::memory_order_relaxed);
        }
        part.chunks.push_back(c);
        arena->n_chunks++;
        arena->rx = static_cast<uint8_t*>(c.rx);
        arena->rw = static_cast<uint8_t*>(c.rw);
        arena->left = CodeArena::kChunk;
        arena->ready = spare ? arena->rw + CodeArena::kChunk : arena->rw;
      }
      arena->handed_out += need;
      arena->populate_to(arena->rw + need);
      *rx = arena->rx;
      *rw = arena->rw;
      arena->rx += need;
      arena->rw += need;
      arena->left -= need;
      part.used += need;
      tb->code_arena = arena;
      tb->code_with_cache = true;
      tb->code_part = arena->cur;
      return true;
    }
    std::lock_guard<std::mutex> alock(alloc_mutex_);
    if (!alloc_noted_locked(size, rx, rw)) return false;
    arena->singles += need;
    held_.fetch_add(need, std::memory_order_relaxed);
  }
  tb->code_arena = arena;
  tb->code_with_cache = false;
  return true;
}

bool Jit::code_room(TbCache& cache) {
  auto* arena = static_cast<CodeArena*>(cache.executor_data().get());
  if (!arena) return true;
  std::lock_guard<std::mutex> lock(arena->mutex);
  const uint64_t mine = arena->held();
  if (mine >= code_budget_) return false;
  // Past the cap for all, only a cache holding more than its share is
  // flushed (a guest that just started still translates): the total stays
  // below twice the cap.
  if (held_.load(std::memory_order_relaxed) < code_cap_) return true;
  return mine <= code_cap_ / std::max<size_t>(1, n_caches_.load(std::memory_order_relaxed));
}

void Jit::cache_flushed(TbCache& cache) {
  // Every block of the cache invalidated: new ones go to a new part, and
  // the current one gives its chunks back once its blocks are freed. (If
  // they all are already, its first chunk is simply reused.)
  auto* arena = static_cast<CodeArena*>(cache.executor_data().get());
  if (!arena) return;
  std::lock_guard<std::mutex> lock(arena->mutex);
  CodeArena::Part& p = arena->parts[arena->cur];
  if (p.used == p.dead && !p.chunks.empty()) {
    {
      std::lock_guard<std::mutex> alock(alloc_mutex_);
      arena->give_back_locked(p.chunks, 1);
    }
    p.used = p.dead = 0;
    arena->rx = static_cast<uint8_t*>(p.chunks[0].rx);
    arena->rw = static_cast<uint8_t*>(p.chunks[0].rw);
    arena->left = CodeArena::kChunk;
    return;
  }
  if (p.used == p.dead) return;
  arena->parts[++arena->cur];
  arena->left = 0;
}

void Jit::set_code_budget(uint64_t per_cache, uint64_t all) {
  code_budget_ = per_cache ? per_cache : UINT64_MAX;
  code_cap_ = all ? all : UINT64_MAX;
}

bool Jit::alloc_noted_locked(size_t size, void** rx, void** rw) {
  if (alloc_->alloc(rx, rw, size) != kErrorOk) return false;
  if (note_code_locked(*rx, size)) return true;
  alloc_->release(*rx);
  return false;
}

bool Jit::note_code_locked(void* rx, size_t size) {
  const uintptr_t first = reinterpret_cast<uintptr_t>(rx) >> kRegionShift;
  const uintptr_t last = (reinterpret_cast<uintptr_t>(rx) + size - 1) >> kRegionShift;
  for (uintptr_t r = first; r <= last; ++r) {
    const int n = n_regions_.load(std::memory_order_relaxed);
    bool known = false;
    for (int k = 0; k < n && !known; ++k) known = regions_[k].load(std::memory_order_relaxed) == r;
    if (known) continue;
    if (n == kMaxRegions) return false;
    regions_[n].store(r, std::memory_order_relaxed);
    n_regions_.store(n + 1, std::memory_order_release);  // (after the entry: a reader sees it whole)
  }
  return true;
}

bool Jit::poisonable(uintptr_t host_pc) const {
  const uintptr_t d = reinterpret_cast<uintptr_t>(dispatch_code_);
  if (host_pc - d < dispatch_size_) return host_pc >= dispatch_poll_start_ && host_pc < dispatch_poll_end_;
  const uintptr_t r = host_pc >> kRegionShift;
  const int n = n_regions_.load(std::memory_order_acquire);
  for (int k = 0; k < n; ++k)
    if (regions_[k].load(std::memory_order_relaxed) == r) return true;
  return false;
}

bool Jit::instantiate(Vcpu& vcpu, const SharedBlock& blk, TranslationBlock* tb) {
  void *rx = nullptr, *rw = nullptr;
  if (!alloc_code(vcpu, blk.code.size(), tb, &rx, &rw)) return false;
  auto* code_rw = static_cast<uint8_t*>(rw);
  memcpy(code_rw, blk.code.data(), blk.code.size());
  tb->pc = blk.pc;
  tb->flags = blk.flags;
  tb->guest_lo = blk.guest_lo;
  tb->pc_end = blk.pc_end;
  tb->icount = blk.icount;
  tb->code = static_cast<uint8_t*>(rx);
  tb->code_rw = code_rw;
  tb->code_size = static_cast<uint32_t>(blk.code.size());
  tb->n_exits = blk.n_exits;
  for (int i = 0; i < blk.n_exits; ++i) {
    tb->exits[i] = blk.exits[i];
    // The exit stubs name their TB (the dispatcher chains from it).
    const uint64_t self = reinterpret_cast<uint64_t>(tb) | static_cast<uint64_t>(i + 1);
    memcpy(code_rw + blk.exits[i].tb_imm_offset, &self, 8);
  }
  tb->pc_map = blk.pc_map;
  tb->data = blk.data;
  tb->reused = true;
  note_perf_map(*tb);
  return true;
}

void Jit::note_perf_map(const TranslationBlock& tb) {
  if (!perf_map_) return;
  std::lock_guard<std::mutex> lock(alloc_mutex_);
  fprintf(perf_map_, "%lx %x guest_0x%lx\n", (unsigned long)tb.code, tb.code_size,
          (unsigned long)tb.pc);
  fflush(perf_map_);
}

bool Jit::translate_block_at(Vcpu& vcpu, uint64_t pc, uint32_t flags, TranslationBlock* tb,
                             bool* shareable) {
  // Phase timing (set_phase_timing): time since the last mark, to phase k.
  auto mark = phase_timing_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  auto phase_done = [this, &mark](int k) {
    if (!phase_timing_) return;
    const auto now = std::chrono::steady_clock::now();
    n_phase_ns_[k].fetch_add(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - mark).count()),
                             std::memory_order_relaxed);
    mark = now;
  };
  AddressSpace& as = vcpu.as();
  GuestLog& log = vcpu.log();
  // Instruction bytes are fetched an aligned 1 KiB window at a time (inside
  // one page: the same protection; a block and its look-aheads mostly fit
  // one, and copying a whole page per block was a tenth of the fetch cost)
  // through AddressSpace::fetch, which reads execute-only pages and fails
  // (a guest fault) instead of faulting hartd when the page goes away
  // meanwhile.
  constexpr uint64_t kFetchWindow = 1024;
  static_assert(kPageSize % kFetchWindow == 0);
  struct Fetcher {
    explicit Fetcher(AddressSpace& a) : as(a) {}
    AddressSpace& as;
    FetchWindow view;  // (the frontend reads inside it without a call)
    alignas(8) uint8_t window[kFetchWindow];  // (not zeroed: read before use)
  };
  Fetcher fetcher(as);
  // (One pointer captured: the std::function needs no allocation.)
  FetchFn fetch = [f = &fetcher](uint64_t a, uint16_t* parcel) {
    const uint64_t wva = a & ~(kFetchWindow - 1);
    if (wva != f->view.va) {
      f->view = FetchWindow{};  // (nothing valid until the fetch succeeds)
      if (!f->as.fetch(wva, f->window, kFetchWindow)) return false;
      f->view = FetchWindow{wva, kFetchWindow, f->window};
    }
    memcpy(parcel, f->window + (a - wva), 2);
    return true;
  };
  auto data = std::make_shared<TbData>();
  // The block's big vectors come from this thread's spares (spare_vectors.h)
  // and go back when this call ends, however.
  GuestBlock blk;
  blk.ir.insns = take_vector(0, IrInsn{});
  blk.insns = take_vector(0, std::pair<uint64_t, DecodedInsn>{});
  struct GiveBack {
    GuestBlock& b;
    ~GiveBack() {
      give_vector(b.ir.insns);
      give_vector(b.insns);
    }
  } give_back{blk};
  uint64_t fault_pc = 0;
  FrontendOptions fopt;
  fopt.max_insns = (flags & kTbOneInsn) ? 1 : kMaxBlockInsns;
  fopt.window = &fetcher.view;
  fopt.fp_dynamic_inline = !(flags & kTbFrmNoHost);
  fopt.loop_superblocks = !(flags & (kTbOneInsn | kTbDebugStep | kTbCount));
  static const bool no_if_convert = getenv("HART_JIT_NO_IFCVT") != nullptr;
  fopt.if_convert = fopt.loop_superblocks && !no_if_convert;
  fopt.if_convert_outside_loops = if_convert_everywhere_;
  fopt.host_fma = host_.fma;
  fopt.host_clmul = host_.pclmul;
  fopt.host_sse41 = host_.sse41;
  fopt.host_popcnt = host_.popcnt;
  fopt.host_aes = host_.aes;
  fopt.host_sha = host_.sha;
  // Vector fast paths (frontend_v.h): the vtype this vCPU has now is the
  // guess for vector instructions before the block's first vsetvli.
  static const bool no_vector_inline = getenv("HART_JIT_NO_VECTOR") != nullptr;
  fopt.vector_inline = !no_vector_inline;
  if (!(vcpu.state.vtype & kVtypeVill)) fopt.vtype_hint = static_cast<int64_t>(vcpu.state.vtype);
  fopt.x_hint = vcpu.state.x;
  fopt.vl_hint = vcpu.state.vl;
  fopt.debug = vcpu.debug;  // debugger breakpoints (null: none)
  fopt.heat = [](const void* v, uint64_t at) { return static_cast<const Vcpu*>(v)->heat_of(at); };
  fopt.heat_ctx = &vcpu;
  fopt.debug_step = (flags & kTbDebugStep) != 0;
  fopt.pmlen = (flags & kTbPm7) ? 7 : (flags & kTbPm16) ? 16 : 0;
  if (!translate_block(pc, fopt, fetch, &blk, &fault_pc)) {
    vcpu.state.fault_addr = fault_pc;
    // Mapped and executable but unreadable on the host: past the end of a file.
    vcpu.state.fault_kind = as.check(fault_pc, 2, PROT_EXEC) ? FaultKind::Bus
                            : as.check(fault_pc, 1, 0)      ? FaultKind::Protection
                                                            : FaultKind::Unmapped;
    vcpu.state.fault_is_write = 0;
    vcpu.state.exit_reason = ExitReason::MemFault;
    return false;
  }
  data->helper_insns = std::move(blk.helper_insns);
  phase_done(0);

  if (log.enabled(kLog_in_asm)) {
    std::string s = "----------------\nIN: \n";
    for (auto& [ipc, d] : blk.insns) s += format_in_asm_line(d, ipc) + "\n";
    log.write(s + "\n");
  }
  if (log.enabled(kLog_op)) log.write("OP:\n" + blk.ir.print() + "\n");
  ir_optimize(blk.ir);
  phase_done(1);
  if (log.enabled(kLog_op_opt)) log.write("OP after optimization:\n" + blk.ir.print() + "\n");
#ifndef NDEBUG
  std::string bad = blk.ir.verify();
  if (!bad.empty()) {
    log.printf("IR verifier: %s\n", bad.c_str());
    abort();
  }
#endif

  *tb = TranslationBlock{};
  tb->pc = pc;
  tb->guest_lo = blk.lo;
  tb->pc_end = blk.pc_end;
  tb->flags = flags;
  tb->icount = static_cast<uint32_t>(blk.insns.size());
  tb->data = data;

  ThreadAssembler& ta = thread_assembler();
  x86::Assembler& a = ta.begin();
  CodeHolder& code = ta.code;
  const EmitErrors& emit_errors = ta.errors;
  BackendOptions bopt;
  bopt.host_fma = host_.fma;
  bopt.host_bmi1 = host_.bmi1;
  bopt.host_bmi2 = host_.bmi2;
  bopt.host_lzcnt = host_.lzcnt;
  bopt.host_popcnt = host_.popcnt;
  bopt.host_pclmul = host_.pclmul;
  bopt.host_sse41 = host_.sse41;
  bopt.host_aes = host_.aes;
  bopt.host_sha = host_.sha;
  // Blocks whose first guest access comes before any way out, and the
  // rounds of self-loops with an access, may leave the exit request unread
  // (a kick poisons the memory base: Emitter::plan_unpolled).
  static const bool poll = getenv("HART_JIT_POLL") != nullptr;  // (for comparisons)
  bopt.unpolled = !poll;
  std::string err = emit_block(a, blk.ir, tb, data->helper_insns, bopt, &data->recovery, &data->pc_map);
  tb->pc_map = std::shared_ptr<const PcMap>(data, &data->pc_map);  // (owned by data)
  if (err.empty() && emit_errors.too_large) err = "block larger than the emit buffer";
  phase_done(2);
  if (!err.empty()) {
    ta.clean = false;  // (labels or links of the failed block may be left: reset for the next)
    // Retry one instruction at a time: a single instruction always fits.
    if (fopt.max_insns > 1) {
      n_retried_.fetch_add(1, std::memory_order_relaxed);
      {
        std::lock_guard<std::mutex> lock(retry_mutex_);
        last_retry_ = err;
      }
      if (!translate_block_at(vcpu, pc, flags | kTbOneInsn, tb, shareable)) return false;
      // Cached under the key it was asked for, so that it is found next
      // time instead of being translated again at every execution.
      tb->flags = flags;
      return true;
    }
    log.printf("translation of 0x%lx failed: %s\n", (unsigned long)pc, err.c_str());
    abort();
  }
  if (!data->recovery.remat.empty()) n_remat_.fetch_add(1, std::memory_order_relaxed);
  if (data->recovery.based) n_based_.fetch_add(data->recovery.based, std::memory_order_relaxed);
  if (data->recovery.calls) n_calls_.fetch_add(1, std::memory_order_relaxed);
  if (data->recovery.returns) n_returns_.fetch_add(1, std::memory_order_relaxed);
  size_t size = code.codeSize();
  void *rx = nullptr, *rw = nullptr;
  if (!alloc_code(vcpu, size, tb, &rx, &rw)) return false;
  code.relocateToBase(reinterpret_cast<uint64_t>(rx));
  code.copyFlattenedData(rw, size);
  // The TB keeps the guest code it was made from (code_unchanged, the
  // shared store): the parcels of the instructions it translated, as they
  // were decoded (DecodedInsn::bits), not every parcel the look-aheads read.
  thread_local ParcelLog parcels;
  parcels.clear();
  for (const auto& [ipc, d] : blk.insns) {
    parcels.add(ipc, static_cast<uint16_t>(d.bits));
    if (d.len == 4) parcels.add(ipc + 2, static_cast<uint16_t>(d.bits >> 16));
  }
  parcels.to_code(&data->code);
  // Code with relocations depends on where it lies: not shared. (The
  // backend addresses helpers through registers, so there are none today.)
  *shareable = data->code.valid && data->code.n_runs != 0 && code.relocEntries().empty();
  tb->code = static_cast<uint8_t*>(rx);
  tb->code_rw = static_cast<uint8_t*>(rw);
  tb->code_size = static_cast<uint32_t>(size);
  phase_done(3);
  note_perf_map(*tb);
  if (log.enabled(kLog_out_asm)) {
    char head[64];
    snprintf(head, sizeof head, "OUT: [size=%zu]\n", size);
    log.write(head + host_disassembly(tb->code, size) + "\n");
  }
  return true;
}

ExitValue Jit::enter(Vcpu& vcpu, TranslationBlock* tb) {
  CpuState& s = vcpu.state;
  s.jit_exit = exit_path_;
  s.jit_fault_exit = fault_path_;
  s.jit_pc_exit = pc_path_;
  s.jit_ind_jump = ind_path_;
  s.mxcsr = guest_mxcsr(s.frm);
  s.mem_base_reload = s.mem_base;
  ExitValue ev = dispatch_(&s, s.mem_base, tb->code);
  s.fflags |= fflags_of_mxcsr(s.mxcsr);
  return ev;
}

bool Jit::interpret(Vcpu& vcpu) {
  // (The interpreter keeps fflags itself: no guest MXCSR to set up. The
  // vCPU counts the block: Executor::interpreted.)
  interp_run(vcpu, kMaxBlockInsns, /*to_block_end=*/true);
  return true;
}

void Jit::interpreted(uint64_t blocks) { n_interpreted_.fetch_add(blocks, std::memory_order_relaxed); }

void Jit::patch_jump(TranslationBlock* tb, int index, const uint8_t* target) {
  const TbExit& e = tb->exits[index];
  const uint8_t* next = tb->code + e.rel_offset + 4;  // the rel32 ends the jump
  int64_t rel = target - next;
  if (rel != static_cast<int32_t>(rel)) return;  // out of reach: stays unchained
  int32_t r = static_cast<int32_t>(rel);
  __atomic_store_n(reinterpret_cast<int32_t*>(tb->code_rw + e.rel_offset), r, __ATOMIC_RELEASE);
}

void Jit::link(TranslationBlock* from, int index, TranslationBlock* to) {
  patch_jump(from, index, to->code);
}

void Jit::unlink(TranslationBlock* from, int index) {
  patch_jump(from, index, from->code + from->exits[index].stub_offset);
}

bool Jit::code_unchanged(Vcpu& vcpu, const TranslationBlock* tb) {
  const auto* data = static_cast<const TbData*>(tb->data.get());
  return data && data->code.matches(vcpu.as());
}

void Jit::free_code(TranslationBlock* tb) {
  if (!tb->code) return;
  auto* arena = static_cast<CodeArena*>(tb->code_arena);
  if (arena && tb->code_with_cache) {
    // Arena code goes with its cache or its part; count what is dead meanwhile.
    std::lock_guard<std::mutex> lock(arena->mutex);
    arena->freed(tb->code_part, CodeArena::aligned(tb->code_size));
  } else if (arena) {
    std::lock_guard<std::mutex> lock(arena->mutex);
    arena->singles -= CodeArena::aligned(tb->code_size);
    held_.fetch_sub(CodeArena::aligned(tb->code_size), std::memory_order_relaxed);
    std::lock_guard<std::mutex> alock(alloc_mutex_);
    alloc_->release(tb->code);
  } else {
    std::lock_guard<std::mutex> lock(alloc_mutex_);
    alloc_->release(tb->code);
  }
  tb->code = tb->code_rw = nullptr;
  tb->code_arena = nullptr;
  tb->code_with_cache = false;
}

void Jit::restore_state(Vcpu& vcpu, const TranslationBlock* tb, uintptr_t host_pc,
                        const ucontext_t* uc) {
  // Registers not pinned are stored at every set_reg; pinned ones are in
  // the host registers of the interrupted code (except where the code lent
  // one out: its value is in CpuState), and so are the FP flags.
  CpuState& s = vcpu.state;
  s.pc = tb->guest_pc_at(host_pc);
  const uint32_t off = static_cast<uint32_t>(host_pc - reinterpret_cast<uintptr_t>(tb->code));
  const auto* data = static_cast<const TbData*>(tb->data.get());
  unsigned lent = 0;
  if (data)
    for (const LentRange& r : data->recovery.lent)
      if (off >= r.start && off < r.end) lent |= 1u << r.pin;
  for (int p = 0; p < 7; ++p)
    if (!(lent >> p & 1))
      s.x[kPinnedRegs[p].xreg] =
          static_cast<uint64_t>(uc->uc_mcontext.gregs[ucontext_greg_of(kPinnedRegs[p].host_id)]);
  // Deferred set_regs: the values, all read before any is written (one may
  // be in another register's CpuState slot).
  if (data) {
    // (A fixed array: this runs in the fault handler. At most one live
    // deferral per guest register at any offset, plus a rematerialised
    // value, DeferredReg::remat, which wins.)
    std::pair<unsigned, uint64_t> vals[32], remat_vals[32];
    size_t n = 0, n_remat = 0;
    // (Generated code's frame: backend_x86.h, kSpillOffset.)
    const auto* frame = reinterpret_cast<const char*>(uc->uc_mcontext.gregs[REG_RSP]);
    for (const DeferredReg& d : data->recovery.deferred) {
      if (off < d.start || off >= d.end) continue;
      uint64_t v = 0;
      switch (d.kind) {
        case DeferredReg::HostReg: v = static_cast<uint64_t>(uc->uc_mcontext.gregs[ucontext_greg_of(d.index)]); break;
        case DeferredReg::HostRegSext32:  // a narrow loop register (its upper half unspecified)
          v = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(uc->uc_mcontext.gregs[ucontext_greg_of(d.index)])));
          break;
        case DeferredReg::SpillSlot: memcpy(&v, frame + kSpillOffset + 8 * d.index, 8); break;
        case DeferredReg::Constant: v = static_cast<uint64_t>(d.value); break;
        case DeferredReg::GuestSlot: v = s.x[d.index]; break;
      }
      if (d.remat) {
        if (n_remat < std::size(remat_vals)) remat_vals[n_remat++] = {d.xreg, v};
      } else if (n < std::size(vals)) {
        vals[n++] = {d.xreg, v};
      }
    }
    for (size_t i = 0; i < n; ++i) s.x[vals[i].first] = vals[i].second;
    // (A rematerialised register may also be a resident, whose record
    // holds its register's stale value.)
    for (size_t i = 0; i < n_remat; ++i) s.x[remat_vals[i].first] = remat_vals[i].second;
    // Rematerialised registers, from the registers restored above (never
    // from one another). In a self-loop block's first iteration those whose
    // set_reg comes later still hold their value from before the loop.
    uint32_t later = 0;
    memcpy(&later, frame + kLoopFlagSlot, 4);
    for (const RematReg& r : data->recovery.remat) {
      if (off < r.start || off >= r.end || (r.after_first && !later)) continue;
      const uint64_t b = r.src2 ? s.x[r.src2] : static_cast<uint64_t>(static_cast<int64_t>(r.imm));
      s.x[r.xreg] = RematReg::eval(r.op, s.x[r.src], b);
    }
  }
  if (uc->uc_mcontext.fpregs) {
    s.fflags |= fflags_of_mxcsr(uc->uc_mcontext.fpregs->mxcsr);
    if (data)
      for (const FpResident& r : data->recovery.fp) {
        if (off < r.start || off >= r.end) continue;
        const uint32_t* e = uc->uc_mcontext.fpregs->_xmm[r.xmm].element;
        s.f[r.freg] = uint64_t{e[1]} << 32 | e[0];
      }
  }
}

bool Jit::owns_code(uintptr_t host_pc) const {
  auto p = reinterpret_cast<uintptr_t>(dispatch_code_);
  return host_pc >= p && host_pc < p + dispatch_size_;
}

}  // namespace hart
