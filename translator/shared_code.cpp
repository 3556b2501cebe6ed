// translator/shared_code.cpp — see shared_code.h.
#include "translator/shared_code.h"

#include <algorithm>
#include <cstring>

#include "core/address_space.h"

namespace hart {

size_t SharedBlock::footprint() const {
  return sizeof(SharedBlock) + sizeof(TbData) + code.size() + data->code.buf.size() +
         data->helper_insns.size() * sizeof(DecodedInsn) +
         (pc_map ? pc_map->size() * sizeof((*pc_map)[0]) : 0);
}

void ParcelLog::to_code(GuestCode* out) {
  std::vector<std::pair<uint64_t, uint16_t>>& p = parcels_;
  auto by_addr = [](auto& a, auto& b) { return a.first < b.first; };
  if (!std::is_sorted(p.begin(), p.end(), by_addr))  // (straight-line blocks are read in order)
    std::sort(p.begin(), p.end(), by_addr);
  out->buf.clear();
  out->n_runs = 0;
  out->valid = false;
  // The runs and the bytes are gathered in this thread's scratch and
  // copied out at once (not a push_back per byte, nor a zero-filled resize).
  static thread_local std::vector<GuestCode::Run> runs;
  static thread_local std::vector<uint8_t> scratch;
  runs.clear();
  if (scratch.size() < 2 * p.size()) scratch.resize(2 * p.size());
  uint8_t* bytes = scratch.data();
  uint32_t n = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (i > 0 && p[i].first == p[i - 1].first) {
      if (p[i].second != p[i - 1].second) return;
      continue;
    }
    if (!runs.empty() && runs.back().addr + runs.back().len == p[i].first)
      runs.back().len += 2;
    else
      runs.push_back({p[i].first, 2, n});
    bytes[n] = static_cast<uint8_t>(p[i].second);
    bytes[n + 1] = static_cast<uint8_t>(p[i].second >> 8);
    n += 2;
  }
  const size_t run_bytes = runs.size() * sizeof(GuestCode::Run);
  out->buf.resize(run_bytes + n);
  if (run_bytes) memcpy(out->buf.data(), runs.data(), run_bytes);
  if (n) memcpy(out->buf.data() + run_bytes, bytes, n);
  out->n_runs = static_cast<uint32_t>(runs.size());
  out->valid = true;  // (no bytes at all: a block that is only a debugger trap)
}

bool GuestCodeView::matches(const AddressSpace& as) const {
  if (!valid) return false;
  const uint8_t* bytes = buf + size_t{n_runs} * sizeof(GuestCode::Run);
  for (uint32_t i = 0; i < n_runs; ++i) {
    GuestCode::Run r;
    memcpy(&r, buf + size_t{i} * sizeof r, sizeof r);
    if (!as.fetch_equals(r.addr, bytes + r.off, r.len)) return false;
  }
  return true;
}

void SharedCodeStore::publish(std::unique_ptr<SharedBlock> blk) {
  const size_t size = blk->footprint();
  const size_t budget = budget_ / kShards;
  if (!enabled() || size > budget / 4) return;
  const uint64_t k = key(blk->pc, blk->flags);
  Shard& sh = shard(k);
  std::lock_guard<std::mutex> lock(sh.mutex);
  const SharedBlock*& head = sh.by_key[k];
  size_t n = 0;
  for (const SharedBlock* b = head; b; b = b->next, ++n) {
    if (n + 1 >= kMaxPerKey) return;  // the first programs keep their slots
    // Another vCPU published the same code meanwhile.
    if (b->data->code.same_as(blk->data->code)) return;
  }
  blk->next = head;
  head = blk.get();
  sh.fifo.push_back(std::move(blk));
  sh.bytes += size;
  while (sh.bytes > budget && !sh.fifo.empty()) {
    sh.drop_locked(sh.fifo.front().get());
    sh.bytes -= sh.fifo.front()->footprint();
    sh.fifo.pop_front();
    sh.evicted++;
  }
}

void SharedCodeStore::Shard::drop_locked(const SharedBlock* blk) {
  const uint64_t k = key(blk->pc, blk->flags);
  const SharedBlock* head = by_key.find(k);
  if (head == blk) {
    if (blk->next)
      by_key[k] = blk->next;
    else
      by_key.erase(k);
    return;
  }
  for (const SharedBlock* b = head; b; b = b->next)
    if (b->next == blk) {
      b->next = blk->next;
      return;
    }
}

SharedCodeStore::Stats SharedCodeStore::stats() {
  Stats s;
  for (Shard& sh : shards_) {
    std::lock_guard<std::mutex> lock(sh.mutex);
    s.blocks += sh.fifo.size();
    s.bytes += sh.bytes;
    s.evicted += sh.evicted;
  }
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  s.budget = budget_;
  return s;
}

}  // namespace hart
