// tests/unit/translator/shared_code_test.cpp — translations shared by the
// guests of one Jit (translator/shared_code.h): the same bytes at the same
// pc are copied, not translated; other bytes, code one guest rewrote, or
// code without execute permission are never taken from the store.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include "tests/unit/translator/jit_diff.h"

namespace hart {
namespace {

using diff::kCode;

// addi a0, zero, imm; ecall
void load_program(diff::Machine& m, int imm) {
  const uint32_t code[2] = {0x00000513u | (static_cast<uint32_t>(imm & 0xfff) << 20), 0x00000073u};
  ASSERT_TRUE(m.as->poke(kCode, code, sizeof code));
}

uint64_t run(diff::Machine& m) {
  m.vcpu->state.pc = kCode;
  EXPECT_EQ(m.vcpu->run(), ExitReason::Ecall);
  return m.vcpu->state.x[10];
}

class SharedCode : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    jit = Jit::create(&err);
    ASSERT_TRUE(jit) << err;
  }
  std::unique_ptr<Jit> jit;
};

TEST_F(SharedCode, SameBytesAreCopiedNotTranslated) {
  diff::Machine a(*jit), b(*jit);
  load_program(a, 1);
  load_program(b, 1);
  EXPECT_EQ(run(a), 1u);
  EXPECT_EQ(a.cache->stats().translated, 1u);
  EXPECT_EQ(a.cache->stats().reused, 0u);
  EXPECT_EQ(run(b), 1u);
  EXPECT_EQ(b.cache->stats().translated, 0u);
  EXPECT_EQ(b.cache->stats().reused, 1u);
  SharedCodeStore::Stats s = jit->shared_code_stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.blocks, 1u);
  EXPECT_GT(s.bytes, 0u);
}

TEST_F(SharedCode, OtherBytesAtTheSamePcAreTranslated) {
  diff::Machine a(*jit), b(*jit);
  load_program(a, 1);
  load_program(b, 2);  // one bit differs
  EXPECT_EQ(run(a), 1u);
  EXPECT_EQ(run(b), 2u);
  EXPECT_EQ(b.cache->stats().translated, 1u);
  EXPECT_EQ(b.cache->stats().reused, 0u);
  // Both are stored now; a third guest gets the one matching its bytes.
  diff::Machine c(*jit);
  load_program(c, 2);
  EXPECT_EQ(run(c), 2u);
  EXPECT_EQ(c.cache->stats().reused, 1u);
}

TEST_F(SharedCode, CodeOneGuestRewroteReachesNoOtherGuest) {
  diff::Machine a(*jit);
  load_program(a, 1);
  EXPECT_EQ(run(a), 1u);
  // The guest rewrites its code; its own cache drops the block (as the
  // address space's change listener does in a real process).
  load_program(a, 7);
  a.cache->invalidate(kCode, kCode + 8);
  EXPECT_EQ(run(a), 7u);
  // A guest with the original bytes still runs the original code, one
  // with the new bytes the new code: each from the store.
  diff::Machine b(*jit), c(*jit);
  load_program(b, 1);
  load_program(c, 7);
  EXPECT_EQ(run(b), 1u);
  EXPECT_EQ(run(c), 7u);
  EXPECT_EQ(b.cache->stats().reused + c.cache->stats().reused, 2u);
}

TEST_F(SharedCode, CopiesChainAndFaultLikeTranslations) {
  // Two blocks (a jump between them) and a load from an unmapped address:
  // the copy's exits chain in its own cache and its fault reports the
  // exact pc, as the original's would.
  const uint32_t code[5] = {
      0x00100513u,  // addi a0, zero, 1
      0x0040006fu,  // jal zero, +4 (ends the block)
      0x00000593u,  // addi a1, zero, 0
      0x0005b603u,  // ld a2, 0(a1): address 0 is unmapped
      0x00000073u,  // ecall
  };
  for (int round = 0; round < 2; ++round) {
    diff::Machine m(*jit);
    ASSERT_TRUE(m.as->poke(kCode, code, sizeof code));
    m.vcpu->state.pc = kCode;
    EXPECT_EQ(m.vcpu->run(), ExitReason::MemFault);
    EXPECT_EQ(m.vcpu->state.pc, kCode + 12);
    EXPECT_EQ(m.vcpu->state.fault_addr, 0u);
    EXPECT_EQ(m.vcpu->state.x[10], 1u);
    if (round == 1) {
      EXPECT_EQ(m.cache->stats().translated, 0u);
    }
  }
}

TEST_F(SharedCode, Tier0CopiesAStoredTranslationAtTheFirstMeeting) {
  // Tier 0 interprets a block the first translate_at - 1 times, but one
  // another guest translated costs only a copy: taken at once. Other bytes
  // at that pc are interpreted as usual.
  diff::Machine a(*jit), b(*jit), c(*jit);
  for (diff::Machine* m : {&a, &b, &c}) m->vcpu->options.translate_at = 3;
  load_program(a, 1);
  load_program(b, 1);
  load_program(c, 2);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(run(a), 1u);
  EXPECT_EQ(a.cache->stats().translated, 1u);
  EXPECT_EQ(jit->translate_stats().interpreted, 2u);
  EXPECT_EQ(run(b), 1u);
  EXPECT_EQ(b.cache->stats().reused, 1u);
  EXPECT_EQ(jit->translate_stats().interpreted, 2u);
  EXPECT_EQ(run(c), 2u);
  EXPECT_EQ(c.cache->stats().reused + c.cache->stats().translated, 0u);
  EXPECT_EQ(jit->translate_stats().interpreted, 3u);
}

TEST_F(SharedCode, FetchEqualsDemandsExecutePermission) {
  diff::Machine m(*jit);
  load_program(m, 1);
  uint32_t code[2];
  ASSERT_TRUE(m.as->fetch(kCode, code, sizeof code));
  EXPECT_TRUE(m.as->fetch_equals(kCode, code, sizeof code));
  code[0] ^= 1u << 20;
  EXPECT_FALSE(m.as->fetch_equals(kCode, code, sizeof code));
  code[0] ^= 1u << 20;
  // Data pages hold the same bytes but are not executable.
  ASSERT_TRUE(m.as->write(diff::kData, code, sizeof code));
  EXPECT_FALSE(m.as->fetch_equals(diff::kData, code, sizeof code));
  // Execute-only code (unreadable on the host) still compares.
  ASSERT_EQ(m.as->protect(kCode, 0x1000, PROT_EXEC), 0);
  EXPECT_TRUE(m.as->fetch_equals(kCode, code, sizeof code));
}

TEST_F(SharedCode, BudgetZeroTurnsSharingOff) {
  jit->set_shared_code_budget(0);
  diff::Machine a(*jit), b(*jit);
  load_program(a, 1);
  load_program(b, 1);
  EXPECT_EQ(run(a), 1u);
  EXPECT_EQ(run(b), 1u);
  EXPECT_EQ(b.cache->stats().reused, 0u);
  EXPECT_EQ(jit->shared_code_stats().blocks, 0u);
}

TEST_F(SharedCode, WhenSharedPublishesOnceASecondGuestExists) {
  // hart-run's policy: a lone guest neither stores nor looks up; a second
  // guest's arrival publishes what the first translated, chained exits
  // included (the store keeps them unchained: a copy jumps to its own stubs).
  jit->set_share_policy(Jit::SharePolicy::WhenShared);
  const uint32_t code[5] = {
      0x00160513u,  // addi a0, a2, 1 (a2 = 0, unknown to the translator)
      0x00051463u,  // bne a0, zero, +8 (ends the block; chained to the next)
      0x02b5c5b3u,  // div a1, a1, a1 (skipped; a division: not if-converted)
      0x00250593u,  // addi a1, a0, 2
      0x00000073u,  // ecall
  };
  auto run_chained = [&](diff::Machine& m) {
    ASSERT_TRUE(m.as->poke(kCode, code, sizeof code));
    for (int round = 0; round < 2; ++round) {  // the second round runs chained
      m.vcpu->state.pc = kCode;
      m.vcpu->state.x[11] = 0;
      m.vcpu->state.x[12] = 0;
      EXPECT_EQ(m.vcpu->run(), ExitReason::Ecall);
      EXPECT_EQ(m.vcpu->state.x[11], 3u);
    }
  };
  auto a = std::make_unique<diff::Machine>(*jit);
  run_chained(*a);
  EXPECT_EQ(a->cache->stats().translated, 2u);
  SharedCodeStore::Stats s = jit->shared_code_stats();
  EXPECT_EQ(s.blocks, 0u);
  EXPECT_EQ(s.hits + s.misses, 0u);
  diff::Machine b(*jit);
  EXPECT_EQ(jit->shared_code_stats().blocks, 2u);
  run_chained(b);
  EXPECT_EQ(b.cache->stats().translated, 0u);
  EXPECT_EQ(b.cache->stats().reused, 2u);
  // From now on blocks are published as they are made, also once the
  // first guest is gone.
  a.reset();
  load_program(b, 5);
  b.cache->invalidate(kCode, kCode + 8);
  EXPECT_EQ(run(b), 5u);
  EXPECT_EQ(jit->shared_code_stats().blocks, 3u);
}

// Program i at its own pc: kCode + 16 * i.
uint64_t run_at(Jit& jit, int i, TbCache::Stats* st) {
  diff::Machine m(jit);
  const uint32_t code[2] = {0x00000513u | (static_cast<uint32_t>(i & 0x7ff) << 20), 0x00000073u};
  EXPECT_TRUE(m.as->poke(kCode + 16 * i, code, sizeof code));
  m.vcpu->state.pc = kCode + 16 * i;
  EXPECT_EQ(m.vcpu->run(), ExitReason::Ecall);
  *st = m.cache->stats();
  return m.vcpu->state.x[10];
}

TEST_F(SharedCode, BudgetEvictsOldestFirst) {
  TbCache::Stats st;
  run_at(*jit, 0, &st);
  const uint64_t one = jit->shared_code_stats().bytes;  // one block's footprint
  ASSERT_GT(one, 0u);
  // Room for about eight blocks per shard (a block may take a quarter).
  jit->set_shared_code_budget(16 * 8 * one + 16);
  for (int i = 0; i < 200; ++i) ASSERT_EQ(run_at(*jit, i, &st), static_cast<uint64_t>(i));
  SharedCodeStore::Stats s = jit->shared_code_stats();
  EXPECT_LE(s.bytes, s.budget);
  EXPECT_GT(s.evicted, 100u);
  run_at(*jit, 199, &st);  // the newest is still there
  EXPECT_EQ(st.reused, 1u);
  run_at(*jit, 0, &st);  // the oldest went first
  EXPECT_EQ(st.translated, 1u);
}

}  // namespace
}  // namespace hart
