// core/tb_cache.h — the translation cache of one guest address space: TBs by
// guest pc (hash table), by host code address (for fault recovery), chaining
// bookkeeping and invalidation of guest ranges.
// Owns: TB lifetime. Does not own: translating (Executor) or the per-vCPU
// jump cache (Vcpu).
//
// Locking: mutex_ guards every table and every TB's links. Invalidated TBs are
// unlinked at once but their code is freed only by reclaim(), which callers
// run when no vCPU of the address space is inside generated code.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "core/executor.h"
#include "core/pc_table.h"
#include "core/tb.h"

namespace hart {

class Vcpu;

class TbCache {
 public:
  static constexpr unsigned kPageShift = 12;
  explicit TbCache(Executor& exec) : exec_(exec) { exec_.cache_opened(*this); }
  ~TbCache();

  TranslationBlock* lookup(uint64_t pc, uint32_t flags);
  // A blank TB from the cache's arena, for the executor to fill; then
  // insert() or discard() it.
  TranslationBlock* new_tb();
  void discard(TranslationBlock* tb);
  // Returns the TB now in the cache (an equal one may have been inserted by
  // another vCPU meanwhile; tb then goes to the graveyard).
  TranslationBlock* insert(TranslationBlock* tb);
  TranslationBlock* find_by_host_pc(uintptr_t host_pc);
  // The executor reports how long a translation took.
  void add_translate_time(uint64_t ns) { translate_ns_.fetch_add(ns, std::memory_order_relaxed); }
  // Chains exit `index` of `from` to `to`, unless either has been invalidated.
  void link(TranslationBlock* from, int index, TranslationBlock* to);
  // Drops every TB with guest bytes in [start, end).
  void invalidate(uint64_t start, uint64_t end);
  void flush();
  // Frees code of invalidated TBs. Only when no vCPU runs generated code.
  void reclaim();
  // Code memory held past the executor's budget (Executor::code_room):
  // every TB goes, counted in Stats::budget_flushes.
  void flush_for_room();

  // Calls f(tb) for every valid TB, under the cache's lock (f may not call
  // back into the cache).
  template <typename F>
  void for_each_valid(F&& f) {
    std::lock_guard<std::mutex> lock(mutex_);
    by_pc_.for_each([&f](uint64_t, TranslationBlock*& tb) {
      if (tb->valid) f(*tb);
    });
  }

  // State the executor keeps per cache (its code memory): created by the
  // executor, destroyed after every TB of the cache has been freed.
  std::shared_ptr<void>& executor_data() { return executor_data_; }

  // The vCPUs of this cache, each registered for its life (shared: the
  // cache and a vCPU may go in either order). Each publishes the
  // generation it last synchronised with (Vcpu::synced_generation, plus
  // one; 0 while it is outside run()): it holds no block invalidated at or
  // before that generation (it looks blocks up only after publishing it,
  // and its jump cache was cleared), so code of such blocks may be freed
  // while it runs.
  struct Vcpus {
    std::mutex mutex;
    std::vector<Vcpu*> list;
  };
  const std::shared_ptr<Vcpus>& vcpus() { return vcpus_; }
  // Frees the code of invalidated TBs if no vCPU other than `self` (the
  // caller, outside generated code; registered or not) may still hold one
  // (see vcpus()). Otherwise, with `kick`, asks those that may to leave
  // generated code (Vcpu::kick), so that a later call can. Returns whether
  // the graveyard is empty now.
  bool reclaim_quiet(const Vcpu* self, bool kick);

  // Bumped on every invalidation; vCPUs clear their jump caches when it moves.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  struct Stats {
    // translated: blocks this cache translated itself; reused: blocks copied
    // from translations shared by the executor's other guests.
    uint64_t tbs = 0, code_bytes = 0, translated = 0, reused = 0, invalidated = 0;
    uint64_t translate_ns = 0;  // time spent translating (executor-reported)
    uint64_t budget_flushes = 0;  // flush_for_room() calls that dropped code
  };
  Stats stats();

 private:
  static uint64_t key(uint64_t pc, uint32_t flags) { return pc | (uint64_t{flags} << 48); }
  void unlink_all(TranslationBlock* tb);

  Executor& exec_;
  std::shared_ptr<void> executor_data_;  // declared first: destroyed last
  std::mutex mutex_;
  PcTable<TranslationBlock> by_pc_;
  // TBs live in chunks (no allocation per TB, one free per chunk at the
  // end); reclaimed ones are reused. A chunk's pages are populated at once
  // before its TBs are constructed (new_chunk), not faulted in one by one.
  static constexpr size_t kChunk = 256;
  struct ChunkDelete {
    void operator()(TranslationBlock* tbs) const;
  };
  static TranslationBlock* new_chunk();
  std::vector<std::unique_ptr<TranslationBlock[], ChunkDelete>> chunks_;
  size_t chunk_used_ = kChunk;
  std::vector<TranslationBlock*> free_tbs_;
  // TBs by host code address, for faults in generated code: a sorted run
  // plus a short unsorted tail merged in as it grows (no allocation per TB,
  // and find_by_host_pc, called from the fault handler, never allocates).
  using HostEntry = std::pair<uintptr_t, TranslationBlock*>;
  std::vector<HostEntry> by_host_, by_host_tail_;
  void host_index_add(TranslationBlock* tb);
  void host_index_remove(const std::vector<TranslationBlock*>& dead);
  // Guest pages (number → TBs touching it) that hold translated code, so
  // invalidating a range without code (most mmap/munmap) costs one lookup.
  std::map<uint64_t, uint32_t> code_pages_;
  // Counters of code_pages_ met recently, by page number (map nodes do not
  // move; a page's entry goes when its node does): a block's pages are
  // mostly counted already, and the map's walk missed the cache (0.8% of
  // python3 -c pass's samples with the last page remembered alone, 0.6%
  // with 256 (4 KiB a process), 0.5% with 1024: what remains is the
  // node's own counter).
  struct HotPage {
    uint64_t page = ~uint64_t{0};
    uint32_t* count = nullptr;
  };
  static constexpr unsigned kHotPages = 256;
  HotPage hot_pages_[kHotPages];
  void count_pages(const TranslationBlock* tb, int delta);
  std::vector<TranslationBlock*> graveyard_;
  std::atomic<uint64_t> generation_{0};
  std::shared_ptr<Vcpus> vcpus_ = std::make_shared<Vcpus>();
  uint64_t graveyard_gen_ = 0;  // generation that put the newest TB in the graveyard
  void reclaim_locked();
  std::atomic<uint64_t> translate_ns_{0};
  Stats stats_;
};

}  // namespace hart
