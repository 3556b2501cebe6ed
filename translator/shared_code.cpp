// translator/shared_code.cpp — see shared_code.h.
#include "translator/shared_code.h"

#include <algorithm>
#include <cstring>

#include "core/address_space.h"

namespace hart {

size_t SharedBlock::footprint() const {
  return sizeof(SharedBlock) + code.size() + bytes.size() + runs.size() * sizeof(Run) +
         (pc_map ? pc_map->size() * sizeof((*pc_map)[0]) : 0);
}

bool ParcelLog::to_runs(SharedBlock* out) const {
  std::vector<std::pair<uint64_t, uint16_t>> p = parcels_;
  std::sort(p.begin(), p.end(), [](auto& a, auto& b) { return a.first < b.first; });
  out->runs.clear();
  out->bytes.clear();
  for (size_t i = 0; i < p.size(); ++i) {
    if (i > 0 && p[i].first == p[i - 1].first) {
      if (p[i].second != p[i - 1].second) return false;
      continue;
    }
    SharedBlock::Run* last = out->runs.empty() ? nullptr : &out->runs.back();
    if (last && last->addr + last->len == p[i].first) {
      last->len += 2;
    } else {
      out->runs.push_back({p[i].first, 2, static_cast<uint32_t>(out->bytes.size())});
    }
    out->bytes.push_back(static_cast<uint8_t>(p[i].second));
    out->bytes.push_back(static_cast<uint8_t>(p[i].second >> 8));
  }
  return !out->runs.empty();
}

bool SharedCodeStore::matches(const AddressSpace& as, const SharedBlock& blk) {
  uint8_t buf[1024];
  for (const SharedBlock::Run& r : blk.runs) {
    for (uint32_t done = 0; done < r.len;) {
      uint32_t n = std::min<uint32_t>(r.len - done, sizeof buf);
      // fetch() demands execute permission, as the translator's fetch did.
      if (!as.fetch(r.addr + done, buf, n)) return false;
      if (memcmp(buf, blk.bytes.data() + r.off + done, n) != 0) return false;
      done += n;
    }
  }
  return true;
}

std::shared_ptr<const SharedBlock> SharedCodeStore::find(const AddressSpace& as, uint64_t pc,
                                                         uint32_t flags) {
  std::shared_ptr<const SharedBlock> cand[kMaxPerKey];
  size_t n = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const SharedBlock* b = by_key_.find(key(pc, flags)); b && n < kMaxPerKey; b = b->next)
      cand[n++] = b->shared_from_this();
  }
  for (size_t i = 0; i < n; ++i)
    if (matches(as, *cand[i])) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return cand[i];
    }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void SharedCodeStore::publish(std::shared_ptr<const SharedBlock> blk) {
  size_t size = blk->footprint();
  if (!enabled() || size > budget_ / 4) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const SharedBlock*& head = by_key_[key(blk->pc, blk->flags)];
  size_t n = 0;
  for (const SharedBlock* b = head; b; b = b->next, ++n) {
    if (n + 1 >= kMaxPerKey) return;  // the first programs keep their slots
    // Another vCPU published the same code meanwhile.
    if (b->runs.size() == blk->runs.size() && b->bytes == blk->bytes &&
        std::equal(b->runs.begin(), b->runs.end(), blk->runs.begin(),
                   [](auto& x, auto& y) { return x.addr == y.addr && x.len == y.len; }))
      return;
  }
  blk->next = head;
  head = blk.get();
  fifo_.push_back(std::move(blk));
  bytes_ += size;
  while (bytes_ > budget_ && !fifo_.empty()) {
    drop_locked(fifo_.front().get());
    bytes_ -= fifo_.front()->footprint();
    fifo_.pop_front();
    evicted_++;
  }
}

void SharedCodeStore::drop_locked(const SharedBlock* blk) {
  const uint64_t k = key(blk->pc, blk->flags);
  const SharedBlock* head = by_key_.find(k);
  if (head == blk) {
    if (blk->next)
      by_key_[k] = blk->next;
    else
      by_key_.erase(k);
    return;
  }
  for (const SharedBlock* b = head; b; b = b->next)
    if (b->next == blk) {
      b->next = blk->next;
      return;
    }
}

SharedCodeStore::Stats SharedCodeStore::stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  Stats s;
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  s.blocks = fifo_.size();
  s.bytes = bytes_;
  s.evicted = evicted_;
  s.budget = budget_;
  return s;
}

}  // namespace hart
