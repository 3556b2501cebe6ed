// tests/unit/translator/tier0_test.cpp — tier 0 (VcpuOptions::translate_at,
// Executor::interpret): code the vCPU loop meets rarely is run by the
// interpreter, one block at a time, and translated once it is met often
// enough. Results, faults and fence.i exits must be those of translated
// code; the tests also check which path ran (so they test what they say).
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/unit/translator/jit_diff.h"

namespace hart {
namespace {

using diff::kCode;

// a0 = 10 + 9 + ... + 1 in a loop, then ecall. (The count comes from a2,
// 0 in a fresh guest, so the translator does not know it and keeps the loop.)
const uint32_t kLoop[] = {
    0x00000513u,  // li a0, 0
    0x00a60593u,  // addi a1, a2, 10
    0x00b50533u,  // add a0, a0, a1        <- loop (kCode + 8)
    0xfff58593u,  // addi a1, a1, -1
    0xfe059ce3u,  // bnez a1, loop
    0x00000073u,  // ecall
};

class Tier0 : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    jit = Jit::create(&err);
    ASSERT_TRUE(jit) << err;
    jit->set_shared_code_budget(0);  // every block is translated here, or interpreted
  }
  // Runs `code` from kCode in a fresh guest, translating at the
  // translate_at-th meeting of a pc.
  ExitReason run(const uint32_t* code, size_t n, unsigned translate_at) {
    m = std::make_unique<diff::Machine>(*jit);
    EXPECT_TRUE(m->as->poke(kCode, code, n * 4));
    m->vcpu->options.translate_at = translate_at;
    m->vcpu->state.pc = kCode;
    return m->vcpu->run();
  }
  std::unique_ptr<Jit> jit;
  std::unique_ptr<diff::Machine> m;
};

TEST_F(Tier0, ColdCodeIsInterpretedHotCodeTranslated) {
  ASSERT_EQ(run(kLoop, std::size(kLoop), 0), ExitReason::Ecall);
  EXPECT_EQ(m->vcpu->state.x[10], 55u);
  EXPECT_EQ(m->cache->stats().translated, 3u);  // entry, loop, ecall
  EXPECT_EQ(jit->translate_stats().interpreted, 0u);

  ASSERT_EQ(run(kLoop, std::size(kLoop), 2), ExitReason::Ecall);
  EXPECT_EQ(m->vcpu->state.x[10], 55u);
  EXPECT_EQ(m->vcpu->state.x[11], 0u);
  EXPECT_EQ(m->vcpu->state.pc, kCode + 20);
  // The entry (with the first iteration), the loop's first meeting and the
  // ecall ran interpreted; the loop, met again, was translated.
  EXPECT_EQ(m->cache->stats().translated, 1u);
  EXPECT_EQ(jit->translate_stats().interpreted, 3u);
}

// Two blocks of one loop whose pcs share a slot of the heat table (32 KiB
// apart): each meeting of one evicts the other. Both must still become hot
// (before the fix each eviction reset the count, and od -x ran 12 million
// blocks in the interpreter).
TEST_F(Tier0, CollidingHotBlocksAreTranslated) {
  constexpr uint32_t kApart = 0x8000;  // 2 * Vcpu's heat slots: the same slot
  std::vector<uint32_t> code(kApart / 4 + 5, 0x00000013u);  // nops between
  code[0] = 0x3e800593u;                                   // li a1, 1000
  code[1] = 0x00150513u;                                   // A: addi a0, a0, 1
  code[2] = diff::enc_jal0(kApart - 4);                    //    j B
  code[kApart / 4 + 1] = 0xfff58593u;                      // B: addi a1, a1, -1
  code[kApart / 4 + 2] = diff::enc_branch(0, 11, 0, 8);    //    beqz a1, 1f
  code[kApart / 4 + 3] = diff::enc_jal0(-static_cast<int32_t>(kApart) - 8);  // j A
  code[kApart / 4 + 4] = 0x00000073u;                      // 1: ecall
  ASSERT_EQ(run(code.data(), code.size(), 3), ExitReason::Ecall);
  EXPECT_EQ(m->vcpu->state.x[10], 1000u);
  EXPECT_EQ(m->vcpu->state.pc, kCode + kApart + 16);
  // A and B are met 1,000 times each; a handful of meetings run interpreted.
  EXPECT_LE(jit->translate_stats().interpreted, 10u);
  EXPECT_GE(m->cache->stats().translated, 2u);
}

TEST_F(Tier0, FaultInInterpretedCodeIsExact) {
  const uint32_t code[] = {
      0x00100513u,  // li a0, 1
      0x00003603u,  // ld a2, 0(zero): address 0 is unmapped
      0x00200513u,  // li a0, 2
      0x00000073u,  // ecall
  };
  ASSERT_EQ(run(code, std::size(code), 2), ExitReason::MemFault);
  EXPECT_EQ(m->vcpu->state.pc, kCode + 4);
  EXPECT_EQ(m->vcpu->state.fault_addr, 0u);
  EXPECT_EQ(m->vcpu->state.x[10], 1u);
  EXPECT_EQ(m->cache->stats().translated, 0u);
  EXPECT_EQ(jit->translate_stats().interpreted, 1u);
}

TEST_F(Tier0, InterpretedFetchSeesProtectionChanges) {
  // The interpreter remembers its last executable page from block to block
  // (Vcpu::fetch_pages); an mprotect between two runs must still be seen:
  // without PROT_EXEC the next fetch faults, and execute-only code (not
  // readable on the host) still runs.
  const uint32_t code[] = {
      0x00150513u,  // addi a0, a0, 1
      0x00000073u,  // ecall
  };
  ASSERT_EQ(run(code, std::size(code), 255), ExitReason::Ecall);
  EXPECT_EQ(m->vcpu->state.x[10], 1u);
  ASSERT_EQ(m->as->protect(kCode, 0x1000, PROT_READ), 0);
  m->vcpu->state.pc = kCode;
  ASSERT_EQ(m->vcpu->run(), ExitReason::MemFault);
  EXPECT_EQ(m->vcpu->state.fault_addr, kCode);
  EXPECT_EQ(m->vcpu->state.x[10], 1u);
  ASSERT_EQ(m->as->protect(kCode, 0x1000, PROT_EXEC), 0);
  m->vcpu->state.pc = kCode;
  ASSERT_EQ(m->vcpu->run(), ExitReason::Ecall);
  EXPECT_EQ(m->vcpu->state.x[10], 2u);
  EXPECT_EQ(m->cache->stats().translated, 0u);
  EXPECT_EQ(jit->translate_stats().interpreted, 3u);  // (one block each; the fault counts too)
}

// Code that calls across pages: the interpreter remembers several
// executable pages (Vcpu::fetch_pages), and an mprotect of any one of them
// must still be seen: the block on the page that lost PROT_EXEC faults at
// its first instruction, and the pages it had remembered are looked up
// again (execute-only code still runs).
TEST_F(Tier0, InterpretedFetchSeesProtectionChangesOnEveryPage) {
  std::vector<uint32_t> code(0x3000 / 4, 0x00000013u);  // three pages of nops
  code[0] = diff::enc_jal0(0x1000);                     // page 0: j page 1
  code[0x1000 / 4] = 0x00150513u;                       // page 1: addi a0, a0, 1
  code[0x1000 / 4 + 1] = diff::enc_jal0(0x1000 - 4);    //         j page 2
  code[0x2000 / 4] = 0x00158593u;                       // page 2: addi a1, a1, 1
  code[0x2000 / 4 + 1] = 0x00000073u;                   //         ecall
  ASSERT_EQ(run(code.data(), code.size(), 255), ExitReason::Ecall);
  EXPECT_EQ(m->vcpu->state.x[10], 1u);
  EXPECT_EQ(m->vcpu->state.x[11], 1u);
  // Again from page 0 (every page remembered): now page 1 may not run.
  ASSERT_EQ(m->as->protect(kCode + 0x1000, 0x1000, PROT_READ), 0);
  m->vcpu->state.pc = kCode;
  ASSERT_EQ(m->vcpu->run(), ExitReason::MemFault);
  EXPECT_EQ(m->vcpu->state.fault_addr, kCode + 0x1000);
  EXPECT_EQ(m->vcpu->state.pc, kCode + 0x1000);
  EXPECT_EQ(m->vcpu->state.x[10], 1u);
  // Execute-only pages run through the slow fetch; page 2 has not changed.
  ASSERT_EQ(m->as->protect(kCode + 0x1000, 0x1000, PROT_EXEC), 0);
  m->vcpu->state.pc = kCode;
  ASSERT_EQ(m->vcpu->run(), ExitReason::Ecall);
  EXPECT_EQ(m->vcpu->state.x[10], 2u);
  EXPECT_EQ(m->vcpu->state.x[11], 2u);
  EXPECT_EQ(m->cache->stats().translated, 0u);
}

// The interpreter reads an instruction's four bytes at once when they lie
// on one page: a compressed instruction in a page's last two bytes, with
// nothing mapped after it, runs, and the fault is the next instruction's.
TEST_F(Tier0, CompressedInstructionAtTheEndOfTheLastPage) {
  std::vector<uint32_t> code(0x10000 / 4, 0x00000013u);  // the whole code mapping
  code[0] = diff::enc_jal0(0x10000 - 4);                 // j to the last word
  code[0x10000 / 4 - 1] = 0x0505u << 16 | 0x0001u;       // c.nop; c.addi a0, 1
  ASSERT_EQ(run(code.data(), code.size(), 255), ExitReason::MemFault);
  EXPECT_EQ(m->vcpu->state.x[10], 1u);
  EXPECT_EQ(m->vcpu->state.fault_addr, kCode + 0x10000);
  EXPECT_EQ(m->vcpu->state.pc, kCode + 0x10000);
  EXPECT_EQ(m->cache->stats().translated, 0u);
}

TEST_F(Tier0, FenceIExitsAsFromTranslatedCode) {
  // fence.i ends the interpreted block before it runs; the loop drops code
  // and steps past it, as after a translated block's FenceI exit.
  const uint32_t code[] = {
      0x00300513u,  // li a0, 3
      0x0000100fu,  // fence.i
      0x00000073u,  // ecall
  };
  ASSERT_EQ(run(code, std::size(code), 2), ExitReason::Ecall);
  EXPECT_EQ(m->vcpu->state.pc, kCode + 8);
  EXPECT_EQ(m->vcpu->state.x[10], 3u);
  EXPECT_EQ(m->cache->stats().translated, 0u);
  EXPECT_EQ(jit->translate_stats().interpreted, 2u);
}

TEST_F(Tier0, OffUnderADebuggerOrOneInstructionBlocks) {
  // One-instruction blocks (like a debugger's modes) always translate.
  m = std::make_unique<diff::Machine>(*jit);
  ASSERT_TRUE(m->as->poke(kCode, kLoop, sizeof kLoop));
  m->vcpu->options.translate_at = 2;
  m->vcpu->options.one_insn_per_tb = true;
  m->vcpu->state.pc = kCode;
  ASSERT_EQ(m->vcpu->run(), ExitReason::Ecall);
  EXPECT_EQ(m->vcpu->state.x[10], 55u);
  EXPECT_EQ(jit->translate_stats().interpreted, 0u);
  EXPECT_EQ(m->cache->stats().translated, 6u);
}

// -d in_asm (and op, op_opt, out_asm) logs every block a run meets, all
// translated, as QEMU does; hart-run -tier0 (tier0_with_logs) keeps tier 0,
// so the log shows what a plain run translates (bench/profile.py).
TEST_F(Tier0, LoggingTranslatesEverythingUnlessTier0WithLogs) {
  char path[] = "/tmp/hart-tier0-log-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  for (const bool keep : {false, true}) {
    m = std::make_unique<diff::Machine>(*jit);
    ASSERT_TRUE(m->as->poke(kCode, kLoop, sizeof kLoop));
    std::string err;
    ASSERT_TRUE(m->log.open_file(path, &err)) << err;
    m->log.set_mask(kLog_in_asm);
    m->vcpu->options.translate_at = 2;
    m->vcpu->options.tier0_with_logs = keep;
    m->vcpu->state.pc = kCode;
    const uint64_t before = jit->translate_stats().interpreted;
    ASSERT_EQ(m->vcpu->run(), ExitReason::Ecall);
    EXPECT_EQ(m->vcpu->state.x[10], 55u);
    EXPECT_EQ(jit->translate_stats().interpreted - before, keep ? 3u : 0u) << "tier0_with_logs " << keep;
    EXPECT_EQ(m->cache->stats().translated, keep ? 1u : 3u) << "tier0_with_logs " << keep;
  }
  unlink(path);
}

}  // namespace
}  // namespace hart
