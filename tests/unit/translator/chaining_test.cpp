// tests/unit/translator/chaining_test.cpp — chained exits reach their
// target: a block's exit, once the dispatcher links it, is a rel32 jump
// straight to the next block's code, so all translated code must stay
// within 2 GiB of itself — also code translated after guests' 256 GiB
// address spaces were reserved (Jit::create maps the JIT's one code block,
// with the dispatcher, first; code mapped later could land past a
// reservation and never chain). A loop runs; every block lies within reach
// of the dispatcher's code, and every exit the cache says is linked jumps
// to its target's code, not back to its own stub.
#include <gtest/gtest.h>

#include "tests/unit/translator/jit_diff.h"

namespace hart {
namespace {

TEST(Chaining, LinkedExitsJumpToTheirTarget) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  // Several guests' address spaces (each 256 GiB) before any translation.
  std::vector<std::unique_ptr<diff::Machine>> others;
  for (int k = 0; k < 3; ++k) others.push_back(std::make_unique<diff::Machine>(*jit));
  diff::Machine m(*jit);
  const std::vector<uint32_t> code = {
      0x00150513u,  // loop: addi a0, a0, 1
      0x0040006fu,  // j next (a block of its own: the frontend follows it, so
                    //         the branch below targets a block start)
      0x00b50463u,  // next: beq a0, a1, out
      0xff5ff06fu,  // j loop
      0x00000073u,  // out: ecall
  };
  m.as->poke(diff::kCode, code.data(), code.size() * 4);
  m.vcpu->state.x[11] = 100000;
  m.vcpu->state.pc = diff::kCode;
  ASSERT_EQ(m.vcpu->run(), ExitReason::Ecall);
  EXPECT_EQ(m.vcpu->state.x[10], 100000u);
  int linked = 0, blocks = 0;
  const auto* dispatcher = static_cast<const uint8_t*>(m.vcpu->state.jit_exit);
  for (uint64_t pc = diff::kCode; pc < diff::kCode + code.size() * 4; pc += 4) {
    TranslationBlock* tb = m.cache->lookup(pc, 0);
    if (!tb) continue;
    ++blocks;
    const int64_t dist = tb->code - dispatcher;
    EXPECT_EQ(dist, static_cast<int32_t>(dist)) << std::hex << "the block at " << pc;
    for (int i = 0; i < tb->n_exits; ++i) {
      const TbExit& e = tb->exits[i];
      if (!e.linked) continue;
      ++linked;
      int32_t rel;
      memcpy(&rel, tb->code + e.rel_offset, 4);
      EXPECT_EQ(tb->code + e.rel_offset + 4 + rel, e.linked->code)
          << std::hex << "exit " << i << " of the block at " << pc << " to " << e.target_pc;
    }
  }
  EXPECT_GT(blocks, 0);
  EXPECT_GT(linked, 0);
}

}  // namespace
}  // namespace hart
