// tests/unit/translator/block_arena_test.cpp — the translator's per-thread
// block arena (translator/block_arena.h): tables are filled as asked,
// aligned, given back at the end of their scope (nested scopes too) and
// reused without new chunks; tables larger than a chunk work; and a block
// translated (frontend, passes, backend) on a thread whose arena was
// filled with garbage by earlier use is byte for byte the block a fresh
// thread makes (no table depends on what the arena held before).
#include <gtest/gtest.h>

#include <asmjit/x86.h>

#include <cstring>
#include <thread>

#include "translator/backend_x86.h"
#include "translator/block_arena.h"
#include "translator/frontend.h"
#include "translator/ir_opt.h"

namespace hart {
namespace {

TEST(BlockArena, TablesAreFilledAlignedAndReleasedWithTheirScope) {
  BlockArena& arena = BlockArena::thread();
  const uint8_t* first = nullptr;
  {
    ArenaScope scope;
    ArenaArray<uint8_t> bytes = scope.array<uint8_t>(3, 0x5a);
    ArenaArray<int64_t> words = scope.array<int64_t>(5, -7);
    ArenaArray<bool> flags = scope.array(9, true);
    first = bytes.data();
    ASSERT_EQ(bytes.size(), 3u);
    for (uint8_t b : bytes) EXPECT_EQ(b, 0x5a);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(words.data()) % alignof(int64_t), 0u);
    for (int64_t w : words) EXPECT_EQ(w, -7);
    for (bool f : flags) EXPECT_TRUE(f);
    ArenaArray<int64_t> copy = scope.copy(words);
    EXPECT_NE(copy.data(), words.data());
    words[0] = 1;
    EXPECT_EQ(copy[0], -7);
    {
      ArenaScope inner;
      ArenaArray<int> in = inner.array(4, 3);
      EXPECT_GT(reinterpret_cast<uintptr_t>(in.data()), reinterpret_cast<uintptr_t>(copy.data()));
    }
    // The inner scope's bytes are free again: the next table starts there.
    ArenaArray<int> again = scope.array(4, 0);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(again.data()) % alignof(int), 0u);
    for (int v : again) EXPECT_EQ(v, 0);
  }
  const size_t chunks = arena.chunk_count();
  for (int round = 0; round < 100; ++round) {
    ArenaScope scope;
    ArenaArray<uint8_t> bytes = scope.array<uint8_t>(3, 1);
    EXPECT_EQ(bytes.data(), first);  // the same memory every time
    scope.array<uint64_t>(1000, 0);
  }
  EXPECT_EQ(arena.chunk_count(), chunks);  // reuse allocates nothing
}

TEST(BlockArena, TablesLargerThanAChunk) {
  ArenaScope scope;
  const size_t n = 3 * BlockArena::kChunkBytes / sizeof(uint32_t);
  ArenaArray<uint32_t> big = scope.array<uint32_t>(n, 0xfeedu);
  ArenaArray<uint32_t> small = scope.array<uint32_t>(10, 2);
  for (size_t k = 0; k < n; ++k) big[k] += static_cast<uint32_t>(k);
  for (size_t k = 0; k < n; ++k) ASSERT_EQ(big[k], 0xfeedu + k);
  for (uint32_t v : small) EXPECT_EQ(v, 2u);
}

// A block with ALU ops, loads and stores, pinned and plain registers, a
// deferred write and a branch: enough to fill every table of the backend.
const uint32_t kBlock[] = {
    0x00b50533,  // add a0, a0, a1
    0x0005b283,  // ld t0, 0(a1)
    0x00a2b023,  // sd a0, 0(t0)
    0x40628333,  // sub t1, t0, t1
    0x0062a423,  // sw t1, 8(t0)
    0x0003039b,  // addiw t2, t1, 0
    0x0072e2b3,  // or t0, t0, t2
    0x00c2b383,  // ld t2, 12(t0)
    0x00731463,  // bne t1, t2, +8
};
constexpr uint64_t kPc = 0x10000;

struct Translation {
  std::vector<uint8_t> code;
  PcMap pc_map;
  size_t lent = 0, deferred = 0;
  std::string ir;
};

Translation translate_here(TranslationBlock* tb) {
  FetchFn fetch = [](uint64_t a, uint16_t* parcel) {
    if (a < kPc || a + 2 > kPc + sizeof kBlock) return false;
    memcpy(parcel, reinterpret_cast<const uint8_t*>(kBlock) + (a - kPc), 2);
    return true;
  };
  GuestBlock blk;
  uint64_t fault_pc = 0;
  FrontendOptions fopt;
  EXPECT_TRUE(translate_block(kPc, fopt, fetch, &blk, &fault_pc));
  ir_optimize(blk.ir);
  Translation out;
  out.ir = blk.ir.print();
  *tb = TranslationBlock{};
  tb->pc = kPc;
  tb->icount = static_cast<uint32_t>(blk.insns.size());
  asmjit::CodeHolder code;
  code.init(asmjit::Environment::host());
  asmjit::x86::Assembler a(&code);
  BlockRecovery rec;
  EXPECT_EQ(emit_block(a, blk.ir, tb, blk.helper_insns, BackendOptions{}, &rec), "");
  code.flatten();
  const asmjit::CodeBuffer& buf = code.textSection()->buffer();
  out.code.assign(buf.data(), buf.data() + buf.size());
  out.pc_map = *tb->pc_map;
  out.lent = rec.lent.size();
  out.deferred = rec.deferred.size();
  return out;
}

TEST(BlockArena, BlockTranslatedAfterReuseIsIdenticalToAFreshOne) {
  TranslationBlock tb;  // (the exit stubs name their TB: one for both)
  Translation fresh, reused;
  std::thread([&] { fresh = translate_here(&tb); }).join();  // a new thread: a new arena
  std::thread([&] {
    // Leave garbage everywhere the arena hands out, and other blocks' tables.
    {
      ArenaScope scope;
      ArenaArray<uint8_t> junk = scope.array<uint8_t>(4 * BlockArena::kChunkBytes, 0xa5);
      (void)junk;
    }
    translate_here(&tb);
    reused = translate_here(&tb);
  }).join();
  ASSERT_FALSE(fresh.code.empty());
  EXPECT_EQ(fresh.ir, reused.ir);
  EXPECT_EQ(fresh.code, reused.code);
  EXPECT_EQ(fresh.pc_map, reused.pc_map);
  EXPECT_EQ(fresh.lent, reused.lent);
  EXPECT_EQ(fresh.deferred, reused.deferred);
}

}  // namespace
}  // namespace hart
