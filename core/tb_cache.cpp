// core/tb_cache.cpp — see tb_cache.h.
#include "core/tb_cache.h"

namespace hart {

TbCache::~TbCache() {
  for (auto& [k, tb] : by_pc_) exec_.free_code(tb.get());
  for (auto& tb : graveyard_) exec_.free_code(tb.get());
}

TranslationBlock* TbCache::lookup(uint64_t pc, uint32_t flags) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_pc_.find(key(pc, flags));
  return it == by_pc_.end() ? nullptr : it->second.get();
}

TranslationBlock* TbCache::insert(std::unique_ptr<TranslationBlock> tb) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = by_pc_.try_emplace(key(tb->pc, tb->flags));
  if (!inserted) {
    graveyard_.push_back(std::move(tb));
    graveyard_.back()->valid = false;
    return it->second.get();
  }
  it->second = std::move(tb);
  TranslationBlock* t = it->second.get();
  __atomic_store_n(&t->probe_key, tb_probe_key(t->pc, t->flags), __ATOMIC_RELEASE);
  by_host_[reinterpret_cast<uintptr_t>(t->code)] = t;
  count_pages(t, +1);
  stats_.translated++;
  stats_.code_bytes += t->code_size;
  return t;
}

TranslationBlock* TbCache::find_by_host_pc(uintptr_t host_pc) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_host_.upper_bound(host_pc);
  if (it == by_host_.begin()) return nullptr;
  --it;
  TranslationBlock* tb = it->second;
  if (host_pc < it->first + tb->code_size) return tb;
  return nullptr;
}

void TbCache::link(TranslationBlock* from, int index, TranslationBlock* to) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!from->valid || !to->valid || from->exits[index].linked == to) return;
  if (from->exits[index].target_pc != to->pc || from->flags != to->flags) return;
  if (from->exits[index].linked) {
    auto& in = from->exits[index].linked->incoming;
    std::erase(in, std::make_pair(from, index));
  }
  exec_.link(from, index, to);
  from->exits[index].linked = to;
  to->incoming.emplace_back(from, index);
}

void TbCache::unlink_all(TranslationBlock* tb) {
  for (auto& [src, idx] : tb->incoming) {
    exec_.unlink(src, idx);
    src->exits[idx].linked = nullptr;
  }
  tb->incoming.clear();
  for (int i = 0; i < tb->n_exits; ++i)
    if (TranslationBlock* to = tb->exits[i].linked) {
      std::erase(to->incoming, std::make_pair(tb, i));
      exec_.unlink(tb, i);
      tb->exits[i].linked = nullptr;
    }
}

void TbCache::count_pages(const TranslationBlock* tb, int delta) {
  for (uint64_t p = tb->guest_lo >> kPageShift; p <= (tb->pc_end - 1) >> kPageShift; ++p) {
    uint32_t& n = code_pages_[p];
    n += delta;
    if (n == 0) code_pages_.erase(p);
  }
}

void TbCache::invalidate(uint64_t start, uint64_t end) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (end <= start) return;
  auto first = code_pages_.lower_bound(start >> kPageShift);
  if (first == code_pages_.end() || first->first > (end - 1) >> kPageShift) return;  // no code there
  bool any = false;
  for (auto it = by_pc_.begin(); it != by_pc_.end();) {
    TranslationBlock* tb = it->second.get();
    if (tb->guest_lo < end && tb->pc_end > start) {
      unlink_all(tb);
      tb->valid = false;
      __atomic_store_n(&tb->probe_key, kNoProbeKey, __ATOMIC_RELEASE);
      by_host_.erase(reinterpret_cast<uintptr_t>(tb->code));
      count_pages(tb, -1);
      stats_.invalidated++;
      stats_.code_bytes -= tb->code_size;
      graveyard_.push_back(std::move(it->second));
      it = by_pc_.erase(it);
      any = true;
    } else {
      ++it;
    }
  }
  if (any) generation_.fetch_add(1, std::memory_order_acq_rel);
}

void TbCache::reclaim() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& tb : graveyard_) exec_.free_code(tb.get());
  graveyard_.clear();
}

TbCache::Stats TbCache::stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  Stats s = stats_;
  s.tbs = by_pc_.size();
  s.translate_ns = translate_ns_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace hart
