// core/tb_cache.cpp — see tb_cache.h.
#include "core/tb_cache.h"

#include <sys/mman.h>

#include <algorithm>
#include <new>

#include "core/address_space.h"
#include "core/vcpu.h"

namespace hart {

// 256 TBs are 18 pages: constructing them faulted each page in turn, some
// 730 faults in python3 -c pass. One MADV_POPULATE_WRITE over the chunk's
// whole pages takes them in a call (a host without it faults as before).
TranslationBlock* TbCache::new_chunk() {
  constexpr size_t bytes = kChunk * sizeof(TranslationBlock);
  void* m = ::operator new(bytes, std::align_val_t{alignof(TranslationBlock)});
  const uint64_t a = page_up(reinterpret_cast<uintptr_t>(m)), b = page_down(reinterpret_cast<uintptr_t>(m) + bytes);
  if (b > a) madvise(reinterpret_cast<void*>(a), b - a, MADV_POPULATE_WRITE);
  auto* tbs = static_cast<TranslationBlock*>(m);
  for (size_t i = 0; i < kChunk; ++i) new (&tbs[i]) TranslationBlock();
  return tbs;
}

void TbCache::ChunkDelete::operator()(TranslationBlock* tbs) const {
  for (size_t i = 0; i < kChunk; ++i) tbs[i].~TranslationBlock();
  ::operator delete(tbs, std::align_val_t{alignof(TranslationBlock)});
}

TbCache::~TbCache() {
  exec_.cache_closing(*this);
  // Code in the executor's per-cache memory (code_with_cache) goes with
  // executor_data_; the rest is freed block by block.
  for (size_t c = 0; c < chunks_.size(); ++c) {
    const size_t n = c + 1 == chunks_.size() ? chunk_used_ : kChunk;
    for (size_t i = 0; i < n; ++i) {
      TranslationBlock* tb = &chunks_[c][i];
      if (tb->code && !tb->code_with_cache) exec_.free_code(tb);
    }
  }
}

TranslationBlock* TbCache::lookup(uint64_t pc, uint32_t flags) {
  std::lock_guard<std::mutex> lock(mutex_);
  return by_pc_.find(key(pc, flags));
}

TranslationBlock* TbCache::new_tb() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!free_tbs_.empty()) {
    TranslationBlock* tb = free_tbs_.back();
    free_tbs_.pop_back();
    *tb = TranslationBlock{};
    return tb;
  }
  if (chunk_used_ == kChunk) {
    chunks_.emplace_back(new_chunk());
    chunk_used_ = 0;
  }
  return &chunks_.back()[chunk_used_++];
}

void TbCache::discard(TranslationBlock* tb) {
  exec_.free_code(tb);
  std::lock_guard<std::mutex> lock(mutex_);
  free_tbs_.push_back(tb);
}

TranslationBlock* TbCache::insert(TranslationBlock* tb) {
  std::lock_guard<std::mutex> lock(mutex_);
  TranslationBlock*& slot = by_pc_[key(tb->pc, tb->flags)];
  if (slot) {
    tb->valid = false;
    graveyard_.push_back(tb);
    return slot;
  }
  slot = tb;
  TranslationBlock* t = tb;
  __atomic_store_n(&t->probe_key, tb_probe_key(t->pc, t->flags), __ATOMIC_RELEASE);
  host_index_add(t);
  count_pages(t, +1);
  (t->reused ? stats_.reused : stats_.translated)++;
  stats_.code_bytes += t->code_size;
  return t;
}

TranslationBlock* TbCache::find_by_host_pc(uintptr_t host_pc) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto inside = [host_pc](const HostEntry& e) {
    return host_pc >= e.first && host_pc < e.first + e.second->code_size;
  };
  for (const HostEntry& e : by_host_tail_)
    if (inside(e)) return e.second;
  auto it = std::upper_bound(by_host_.begin(), by_host_.end(), host_pc,
                             [](uintptr_t pc, const HostEntry& e) { return pc < e.first; });
  if (it != by_host_.begin() && inside(*std::prev(it))) return std::prev(it)->second;
  // Invalidated but still running (a block that wrote its own code, then
  // faulted or was kicked): its code and records stay until reclaim().
  for (TranslationBlock* tb : graveyard_)
    if (tb->code && inside({reinterpret_cast<uintptr_t>(tb->code), tb})) return tb;
  return nullptr;
}

void TbCache::host_index_add(TranslationBlock* tb) {
  by_host_tail_.emplace_back(reinterpret_cast<uintptr_t>(tb->code), tb);
  if (by_host_tail_.size() < std::max<size_t>(64, by_host_.size() / 16)) return;
  std::sort(by_host_tail_.begin(), by_host_tail_.end());
  size_t mid = by_host_.size();
  by_host_.insert(by_host_.end(), by_host_tail_.begin(), by_host_tail_.end());
  std::inplace_merge(by_host_.begin(), by_host_.begin() + static_cast<ptrdiff_t>(mid), by_host_.end());
  by_host_tail_.clear();
}

void TbCache::host_index_remove(const std::vector<TranslationBlock*>& dead) {
  if (dead.empty()) return;
  std::vector<TranslationBlock*> d = dead;
  std::sort(d.begin(), d.end());
  auto gone = [&d](const HostEntry& e) { return std::binary_search(d.begin(), d.end(), e.second); };
  std::erase_if(by_host_, gone);
  std::erase_if(by_host_tail_, gone);
}

namespace {

// Removes (from, index) from the list of exits chained to `to`.
void remove_incoming(TranslationBlock* to, TranslationBlock* from, int index) {
  TranslationBlock** tb = &to->incoming.tb;
  int* idx = &to->incoming.index;
  while (*tb) {
    TbExit& e = (*tb)->exits[*idx];
    if (*tb == from && *idx == index) {
      *tb = e.next_in_tb;
      *idx = e.next_in_index;
      e.next_in_tb = nullptr;
      return;
    }
    tb = &e.next_in_tb;
    idx = &e.next_in_index;
  }
}

}  // namespace

void TbCache::link(TranslationBlock* from, int index, TranslationBlock* to) {
  std::lock_guard<std::mutex> lock(mutex_);
  TbExit& e = from->exits[index];
  if (!from->valid || !to->valid || e.linked == to) return;
  if (e.target_pc != to->pc || from->flags != to->flags) return;
  if (e.linked) remove_incoming(e.linked, from, index);
  exec_.link(from, index, to);
  e.linked = to;
  e.next_in_tb = to->incoming.tb;
  e.next_in_index = to->incoming.index;
  to->incoming = ExitRef{from, index};
}

void TbCache::unlink_all(TranslationBlock* tb) {
  for (ExitRef in = tb->incoming; in.tb;) {
    TbExit& e = in.tb->exits[in.index];
    exec_.unlink(in.tb, in.index);
    e.linked = nullptr;
    in = ExitRef{e.next_in_tb, e.next_in_index};
    e.next_in_tb = nullptr;
  }
  tb->incoming = ExitRef{};
  for (int i = 0; i < tb->n_exits; ++i)
    if (TranslationBlock* to = tb->exits[i].linked) {
      remove_incoming(to, tb, i);
      exec_.unlink(tb, i);
      tb->exits[i].linked = nullptr;
    }
}

void TbCache::count_pages(const TranslationBlock* tb, int delta) {
  for (uint64_t p = tb->guest_lo >> kPageShift; p <= (tb->pc_end - 1) >> kPageShift; ++p) {
    HotPage& h = hot_pages_[p % kHotPages];
    if (h.page != p || !h.count) {
      h.page = p;
      h.count = &code_pages_[p];
    }
    *h.count += delta;
    if (*h.count == 0) {
      code_pages_.erase(p);
      h = HotPage{};
    }
  }
}

void TbCache::invalidate(uint64_t start, uint64_t end) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (end <= start) return;
  auto first = code_pages_.lower_bound(start >> kPageShift);
  if (first == code_pages_.end() || first->first > (end - 1) >> kPageShift) return;  // no code there
  std::vector<TranslationBlock*> dead;
  by_pc_.for_each([&](uint64_t, TranslationBlock*& tb) {
    if (tb->guest_lo < end && tb->pc_end > start) dead.push_back(tb);
  });
  for (TranslationBlock* tb : dead) {
    unlink_all(tb);
    tb->valid = false;
    __atomic_store_n(&tb->probe_key, kNoProbeKey, __ATOMIC_RELEASE);
    count_pages(tb, -1);
    stats_.invalidated++;
    stats_.code_bytes -= tb->code_size;
    by_pc_.erase(key(tb->pc, tb->flags));
    graveyard_.emplace_back(tb);
  }
  host_index_remove(dead);
  // (Sequentially consistent: against a vCPU publishing the generation it
  // synchronised with, then looking blocks up; see reclaim_quiet.)
  if (!dead.empty()) graveyard_gen_ = generation_.fetch_add(1, std::memory_order_seq_cst) + 1;
}

void TbCache::flush_for_room() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (by_pc_.size() == 0) return;
    stats_.budget_flushes++;
  }
  flush();
}

void TbCache::flush() {
  invalidate(0, UINT64_MAX);
  exec_.cache_flushed(*this);
}

void TbCache::reclaim() {
  std::lock_guard<std::mutex> lock(mutex_);
  reclaim_locked();
}

void TbCache::reclaim_locked() {
  if (graveyard_.empty()) return;
  for (TranslationBlock* tb : graveyard_) {
    exec_.free_code(tb);
    tb->data.reset();  // (its records: freed now, not when the TB is reused)
    tb->pc_map.reset();
    free_tbs_.push_back(tb);
  }
  graveyard_.clear();
}

bool TbCache::reclaim_quiet(const Vcpu* self, bool kick) {
  std::lock_guard<std::mutex> lock(mutex_);
  // A vCPU that published generation g (as g + 1) before the bump that
  // made graveyard_gen_ may still run such a block's code; one that
  // published a later generation, or nothing (outside run()), cannot: its
  // lookups come after its publication, so after the blocks left by_pc_,
  // and its jump cache was cleared. One publishing only now, after this
  // read, looks up after the invalidation too (the lock orders both).
  bool quiet = true;
  std::lock_guard<std::mutex> vlock(vcpus_->mutex);  // (each stays alive meanwhile)
  for (Vcpu* v : vcpus_->list) {
    if (v == self) continue;
    const uint64_t g = v->synced_generation().load(std::memory_order_seq_cst);
    if (g == 0 || g - 1 >= graveyard_gen_) continue;
    quiet = false;
    if (!kick) break;
    v->kick();
  }
  if (!quiet) return graveyard_.empty();
  reclaim_locked();
  return true;
}

TbCache::Stats TbCache::stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  Stats s = stats_;
  s.tbs = by_pc_.size();
  s.translate_ns = translate_ns_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace hart
