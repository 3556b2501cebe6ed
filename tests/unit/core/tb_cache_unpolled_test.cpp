// tests/unit/core/tb_cache_unpolled_test.cpp — the TB cache's table of
// unpolled code (TbCache::unpolled_*), which the kick's signal handler
// reads: a set range matches exactly its host pcs, a reserved slot matches
// none, a full table refuses (the executor then emits code that reads the
// exit request: a guest with more loops than slots stays stoppable), and
// slots come back when their block's code goes (discard, reclaim).
#include <gtest/gtest.h>

#include <set>

#include "core/tb_cache.h"

namespace hart {
namespace {

// An executor that translates nothing: the table needs none.
struct NoExecutor : Executor {
  bool translate(Vcpu&, uint64_t, uint32_t, TranslationBlock*) override { return false; }
  ExitValue enter(Vcpu&, TranslationBlock*) override { return 0; }
  void link(TranslationBlock*, int, TranslationBlock*) override {}
  void unlink(TranslationBlock*, int) override {}
  void free_code(TranslationBlock* tb) override { tb->code = nullptr; }
  void restore_state(Vcpu&, const TranslationBlock*, uintptr_t, const ucontext_t*) override {}
  bool owns_code(uintptr_t) const override { return false; }
};

TEST(TbCacheUnpolled, RangesMatchExactlyTheirHostPcs) {
  NoExecutor ex;
  TbCache cache(ex);
  const uintptr_t base = 0x7f0012340000;
  EXPECT_FALSE(cache.unpolled_contains(base));  // (an empty table)
  const int reserved = cache.unpolled_reserve();
  ASSERT_GE(reserved, 0);
  EXPECT_FALSE(cache.unpolled_contains(base));  // reserved, not set: no range yet
  TranslationBlock* tb = cache.new_tb();
  const int slot = cache.unpolled_reserve();
  ASSERT_GE(slot, 0);
  cache.unpolled_set(tb, slot, base + 0x40, base + 0x140);
  EXPECT_EQ(tb->unpolled_slot, slot);
  EXPECT_FALSE(cache.unpolled_contains(base + 0x3f));
  EXPECT_TRUE(cache.unpolled_contains(base + 0x40));
  EXPECT_TRUE(cache.unpolled_contains(base + 0x13f));
  EXPECT_FALSE(cache.unpolled_contains(base + 0x140));
  EXPECT_FALSE(cache.unpolled_contains(0));
  // Its block's code goes: the range goes with it, the slot comes back.
  cache.discard(tb);
  EXPECT_EQ(tb->unpolled_slot, -1);
  EXPECT_FALSE(cache.unpolled_contains(base + 0x40));
  EXPECT_EQ(cache.unpolled_reserve(), slot);
  cache.unpolled_release(reserved);
}

TEST(TbCacheUnpolled, AFullTableRefusesAndReleasedSlotsComeBack) {
  NoExecutor ex;
  TbCache cache(ex);
  std::set<int> slots;
  for (int k = 0; k < TbCache::kUnpolledSlots; ++k) {
    const int s = cache.unpolled_reserve();
    ASSERT_GE(s, 0) << "reservation " << k;
    slots.insert(s);
  }
  EXPECT_EQ(slots.size(), static_cast<size_t>(TbCache::kUnpolledSlots));
  EXPECT_EQ(cache.unpolled_reserve(), -1);
  EXPECT_EQ(cache.unpolled_reserve(), -1);
  // The last segment's slots are set and found like the first one's.
  TranslationBlock* tb = cache.new_tb();
  const uintptr_t base = 0x7f0056780000;
  cache.unpolled_set(tb, TbCache::kUnpolledSlots - 1, base, base + 0x1ffff);
  EXPECT_TRUE(cache.unpolled_contains(base + 0x1fffe));
  EXPECT_FALSE(cache.unpolled_contains(base + 0x1ffff));
  cache.unpolled_release(1234);
  EXPECT_EQ(cache.unpolled_reserve(), 1234);
  EXPECT_EQ(cache.unpolled_reserve(), -1);
}

}  // namespace
}  // namespace hart
