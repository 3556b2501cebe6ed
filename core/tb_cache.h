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
#include <unordered_map>
#include <vector>

#include "core/executor.h"
#include "core/tb.h"

namespace hart {

class TbCache {
 public:
  static constexpr unsigned kPageShift = 12;
  explicit TbCache(Executor& exec) : exec_(exec) {}
  ~TbCache();

  TranslationBlock* lookup(uint64_t pc, uint32_t flags);
  // Takes ownership; returns the TB now in the cache (an equal one may have
  // been inserted by another vCPU meanwhile).
  TranslationBlock* insert(std::unique_ptr<TranslationBlock> tb);
  TranslationBlock* find_by_host_pc(uintptr_t host_pc);
  // The executor reports how long a translation took.
  void add_translate_time(uint64_t ns) { translate_ns_.fetch_add(ns, std::memory_order_relaxed); }
  // Chains exit `index` of `from` to `to`, unless either has been invalidated.
  void link(TranslationBlock* from, int index, TranslationBlock* to);
  // Drops every TB with guest bytes in [start, end).
  void invalidate(uint64_t start, uint64_t end);
  void flush() { invalidate(0, UINT64_MAX); }
  // Frees code of invalidated TBs. Only when no vCPU runs generated code.
  void reclaim();

  // vCPUs inside Vcpu::run with this cache. The only one, outside generated
  // code, may reclaim: any other vCPU enters run() through find_tb, which
  // drops jump-cache entries older than the last invalidation before it
  // touches a block (see Vcpu's fence.i handling).
  void enter_run() { running_.fetch_add(1, std::memory_order_acq_rel); }
  void leave_run() { running_.fetch_sub(1, std::memory_order_acq_rel); }
  int running() const { return running_.load(std::memory_order_acquire); }

  // Bumped on every invalidation; vCPUs clear their jump caches when it moves.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  struct Stats {
    uint64_t tbs = 0, code_bytes = 0, translated = 0, invalidated = 0;
    uint64_t translate_ns = 0;  // time spent translating (executor-reported)
  };
  Stats stats();

 private:
  static uint64_t key(uint64_t pc, uint32_t flags) { return pc | (uint64_t{flags} << 48); }
  void unlink_all(TranslationBlock* tb);

  Executor& exec_;
  std::mutex mutex_;
  std::unordered_map<uint64_t, std::unique_ptr<TranslationBlock>> by_pc_;
  std::map<uintptr_t, TranslationBlock*> by_host_;
  // Guest pages (number → TBs touching it) that hold translated code, so
  // invalidating a range without code (most mmap/munmap) costs one lookup.
  std::map<uint64_t, uint32_t> code_pages_;
  void count_pages(const TranslationBlock* tb, int delta);
  std::vector<std::unique_ptr<TranslationBlock>> graveyard_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> running_{0};
  std::atomic<uint64_t> translate_ns_{0};
  Stats stats_;
};

}  // namespace hart
