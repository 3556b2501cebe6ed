// translator/shared_code.h — translations shared by every guest of one
// executor (one hartd, or one hart-run with its forks and execs): the
// host code of a block, kept once, and copied into a guest's own TB cache
// when the same guest bytes sit at the same guest pc.
// Owns: the daemon-wide store of finished translations, its memory budget
// and hit/miss counters. Does not own: per-process TBs, chaining or
// invalidation (core/tb_cache), nor translating (Jit).
//
// Safety: a stored translation is immutable. A guest gets a private copy of
// its code (its chaining patches only that copy) and only after the exact
// guest bytes the translator read — every 16-bit parcel, fetched again from
// that guest's memory with execute permission — compare equal. So a guest
// that rewrites its code changes nothing another guest can see: its own TB
// cache invalidates as before, and its new bytes no longer match. Blocks
// whose translation depends on more than (pc, flags, bytes, host features)
// — debugger breakpoints, -d logging — are neither stored nor looked up.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "core/pc_table.h"
#include "core/tb.h"
#include "translator/backend_x86.h"
#include "translator/decode.h"

namespace hart {

class AddressSpace;

// The guest code a translation read: runs of consecutive bytes
// [addr, addr + len) whose contents start at bytes()[off]. The runs and
// then the bytes lie in one buffer: one allocation per block, and a stored
// block's comparison (match_locked) reaches them through one pointer
// fewer.
// Where a GuestCode's buffer is, for reading it without the GuestCode
// (SharedBlock::guest): the buffer's bytes, its runs, its validity.
struct GuestCodeView {
  const uint8_t* buf = nullptr;
  uint32_t n_runs = 0;
  bool valid = false;
  // True if `as` holds exactly these bytes, executable, now.
  bool matches(const AddressSpace& as) const;
};

struct GuestCode {
  struct Run {
    uint64_t addr;
    uint32_t len, off;
  };
  std::vector<uint8_t> buf;  // n_runs Runs (memcpy'd), then the bytes: GuestCodeView::matches
  uint32_t n_runs = 0;
  bool valid = false;  // false: the code changed while it was being read
  // (A block made of a debugger trap reads no code: valid, no runs.)
  // True if `as` holds exactly these bytes, executable, now.
  bool matches(const AddressSpace& as) const { return view().matches(as); }
  GuestCodeView view() const { return {buf.data(), n_runs, valid}; }
  // (Equal runs have equal offsets: the buffers compare whole.)
  bool same_as(const GuestCode& o) const { return valid && o.valid && n_runs == o.n_runs && buf == o.buf; }
};

// Data a translation's code refers to (helper instructions, by address),
// the guest code it was made from and where its code lends pinned registers
// out (for fault recovery), kept alive with every TB that runs it.
struct TbData {
  std::vector<DecodedInsn> helper_insns;
  PcMap pc_map;  // TranslationBlock::pc_map points here (one allocation for both)
  GuestCode code;
  BlockRecovery recovery;  // by code offset (copies keep the offsets)
};

// One finished translation, as the backend left it before any chaining.
struct SharedBlock {
  uint64_t pc = 0;
  uint32_t flags = 0;
  uint64_t guest_lo = 0, pc_end = 0;
  uint32_t icount = 0;
  std::vector<uint8_t> code;  // position-independent except exit_tb_imm
  TbExit exits[kTbExits];     // linked == nullptr
  int n_exits = 0;
  std::shared_ptr<const PcMap> pc_map;
  std::shared_ptr<const TbData> data;  // helper instructions; the guest code (data->code)
  size_t footprint() const;
  // data->code's buffer (immutable once published, alive with data), next
  // to `next`: the comparison of a stored block reads it without loading
  // data, a cache miss fewer for every stored block met.
  GuestCodeView guest;
  // The next stored translation at the same (pc, flags): another program's
  // code there. Guarded by its shard's mutex.
  mutable const SharedBlock* next = nullptr;
};

// The 16-bit instruction parcels of the instructions a translation decoded
// (in translation order: a parcel appears again where the block unrolls).
class ParcelLog {
 public:
  void add(uint64_t addr, uint16_t parcel) { parcels_.emplace_back(addr, parcel); }
  // Fills `out` (valid unless one address was read twice with different
  // contents: the code changed under the translator). Sorts the log.
  void to_code(GuestCode* out);
  void clear() { parcels_.clear(); }  // (keeps the capacity: one log per translating thread)

 private:
  std::vector<std::pair<uint64_t, uint16_t>> parcels_;
};

class SharedCodeStore {
 public:
  // budget: bytes of stored code and metadata; 0 disables the store.
  explicit SharedCodeStore(size_t budget) : budget_(budget) {}

  bool enabled() const { return budget_ != 0; }
  // Finds a stored translation of (pc, flags) whose guest bytes are those
  // `as` holds now and calls use(block) with it, under the lock that keeps
  // it alive (use copies what it needs). Returns what use returned, or
  // false when nothing matches.
  template <typename F>
  bool use_match(const AddressSpace& as, uint64_t pc, uint32_t flags, F&& use) {
    Shard& sh = shard(key(pc, flags));
    std::lock_guard<std::mutex> lock(sh.mutex);
    if (const SharedBlock* b = match_locked(sh, as, pc, flags)) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      return use(*b);
    }
    misses_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  // Is any translation of (pc, flags) stored, whatever its guest bytes?
  // (Not counted as a hit or a miss; use_match compares the bytes.)
  bool has_key(uint64_t pc, uint32_t flags) {
    Shard& sh = shard(key(pc, flags));
    std::lock_guard<std::mutex> lock(sh.mutex);
    return sh.by_key.find(key(pc, flags)) != nullptr;
  }
  void publish(std::unique_ptr<SharedBlock> blk);

  struct Stats {
    uint64_t hits = 0, misses = 0, blocks = 0, bytes = 0, evicted = 0, budget = 0;
  };
  Stats stats();

 private:
  static constexpr size_t kMaxPerKey = 4;  // programs with different code at one pc
  static constexpr size_t kShards = 16;    // each with its lock, table and budget share
  static uint64_t key(uint64_t pc, uint32_t flags) { return tb_probe_key(pc, flags); }

  struct Shard {
    std::mutex mutex;
    PcTable<const SharedBlock> by_key;  // first of a chain (SharedBlock::next)
    std::deque<std::unique_ptr<const SharedBlock>> fifo;  // owner; oldest first
    size_t bytes = 0;
    uint64_t evicted = 0;
    void drop_locked(const SharedBlock* blk);
  };
  Shard& shard(uint64_t k) { return shards_[(k >> 1) % kShards]; }
  // The stored translation of (pc, flags) whose guest bytes `as` holds now
  // (sh.mutex held), or null.
  static const SharedBlock* match_locked(Shard& sh, const AddressSpace& as, uint64_t pc, uint32_t flags) {
    for (const SharedBlock* b = sh.by_key.find(key(pc, flags)); b; b = b->next)
      if (b->guest.matches(as)) return b;
    return nullptr;
  }

  const size_t budget_;
  Shard shards_[kShards];
  std::atomic<uint64_t> hits_{0}, misses_{0};
};

}  // namespace hart
