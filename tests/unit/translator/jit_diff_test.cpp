// tests/unit/translator/jit_diff_test.cpp — the differential test in CTest:
// 2000 fixed seeds of 500-instruction streams (over 1,000,000 instructions,
// vector ones with a random vtype per stream among them)
// through the JIT and the interpreter, zero mismatches, and 500 more with
// the JIT limited to baseline x86-64 (the fallbacks; see jit_diff.h;
// tests/fuzz/jit_diff_fuzz.cpp runs the same for as long as asked); then
// branch-free streams (large blocks, more live values than host registers),
// streams that fault in the middle of blocks, and self-loop blocks.
#include <gtest/gtest.h>

#include "tests/unit/translator/jit_diff.h"

namespace hart {
namespace {

TEST(JitDifferential, RandomStreamsMatchInterpreter) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  uint64_t total = 0;
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    diff::Result r = diff::run_case(*jit, seed, 500);
    ASSERT_TRUE(r.ok) << r.what;
    total += 500;
  }
  EXPECT_GE(total, 1000000u);
}

// The same on baseline x86-64 code: no FMA3, BMI1/2, LZCNT, POPCNT or
// PCLMULQDQ, so every fallback sequence runs (whatever the host has).
TEST(JitDifferential, BaselineX86MatchesInterpreter) {
  std::string err;
  JitHostFeatures none;
  auto jit = Jit::create(&err, &none);
  ASSERT_TRUE(jit) << err;
  for (uint64_t seed = 1000001; seed <= 1000500; ++seed) {
    diff::Result r = diff::run_case(*jit, seed, 500);
    ASSERT_TRUE(r.ok) << r.what;
  }
}

// Blocks of up to 256 instructions: register pressure far beyond the
// backend's pool (spills, values dropped to their guest register's slot).
TEST(JitDifferential, LargeBlocksMatchInterpreter) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  diff::CaseOptions o;
  o.branches = false;
  for (uint64_t seed = 2000001; seed <= 2000400; ++seed) {
    diff::Result r = diff::run_case(*jit, seed, 500, nullptr, o);
    ASSERT_TRUE(r.ok) << r.what;
  }
}

// Word arithmetic on a few registers (ARX ciphers, hashes: make_word_insn):
// ir_narrow drops the sign extensions nobody reads; whatever reaches a
// guest register, memory or a compare must still be exact. Large blocks
// (no branches) and, in a third of the cases, branches; half of the cases
// with few memory accesses (pure ALU blocks, where r14 holds temps).
TEST(JitDifferential, WordStreamsMatchInterpreter) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  for (uint64_t seed = 5000001; seed <= 5000600; ++seed) {
    diff::CaseOptions o;
    o.words = true;
    o.branches = seed % 3 == 0;
    o.few_mem = seed % 2;
    diff::Result r = diff::run_case(*jit, seed, 250, nullptr, o);
    ASSERT_TRUE(r.ok) << r.what;
  }
}

// Supm: with PMLEN 7 or 16 and tagged base registers, the JIT's masking
// translations (kTbPm7/kTbPm16) and the interpreter agree, faults included.
TEST(JitDifferential, PointerMaskingMatchesInterpreter) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  int completed = 0;  // tagged bases work: cases without planned faults end at the ecall
  for (uint64_t seed = 4000001; seed <= 4000300; ++seed) {
    diff::CaseOptions o;
    o.pmlen = seed % 2 ? 7 : 16;
    o.branches = seed % 3 != 0;
    o.faults = seed % 5 == 0;
    diff::Result r = diff::run_case(*jit, seed, 300, nullptr, o);
    ASSERT_TRUE(r.ok) << r.what;
    completed += !o.faults && !r.fault;
  }
  EXPECT_GE(completed, 200);
}

// Faults in the middle of blocks: host faults past the data page (pinned
// registers recovered from the signal context) and accesses past the
// address-space limit (checked, or caught by the guard when the block
// checked the base already). Same registers, pc, fault address and kind.
TEST(JitDifferential, FaultsInBlocksMatchInterpreter) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  int faults = 0, past_limit = 0;
  for (uint64_t seed = 3000001; seed <= 3001000; ++seed) {
    diff::CaseOptions o;
    o.faults = true;
    o.branches = seed % 2;
    diff::Result r = diff::run_case(*jit, seed, 300, nullptr, o);
    ASSERT_TRUE(r.ok) << r.what;
    faults += r.fault;
    past_limit += r.fault && r.fault_kind == FaultKind::OutOfRange;
  }
  EXPECT_GE(faults, 500);  // most cases end in a fault,
  EXPECT_GE(past_limit, 100);  // many of them past the address-space limit
}

// Mostly vector instructions with vsetvlis that fix the vtype within the
// block (the JIT's inline SIMD fast paths, frontend_v.h), vl = VLMAX most of
// the time, masks, register groups of every LMUL; half of the cases fault
// in the middle of blocks (vector loads/stores past the data page and past
// the address-space limit).
TEST(JitDifferential, VectorStreamsMatchInterpreter) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  for (uint64_t seed = 4000001; seed <= 4001000; ++seed) {
    diff::CaseOptions o;
    o.vector = true;
    o.faults = seed % 2;
    o.branches = seed % 3 != 0;
    diff::Result r = diff::run_case(*jit, seed, 200, nullptr, o);
    ASSERT_TRUE(r.ok) << r.what;
  }
}

// Self-loop blocks (backend_x86_loop.cpp): random integer bodies with far
// more live values than host registers, run 1..6 times by a block that
// branches to its own start, with guest registers resident in host
// registers across iterations; most cases fault in a later iteration
// through the walker (off the data page: a host fault, resident and
// re-homed registers recovered from the signal context; past the limit: the
// range check's stub or the guard), some also through the body's accesses.
TEST(JitDifferential, SelfLoopsMatchInterpreter) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  int faults = 0, past_limit = 0, completed = 0;
  for (uint64_t seed = 4000001; seed <= 4000400; ++seed) {
    diff::CaseOptions o;
    o.loop = true;
    o.branches = false;
    o.faults = seed % 4 == 0;
    diff::Result r = diff::run_case(*jit, seed, 40 + seed % 160, nullptr, o);
    ASSERT_TRUE(r.ok) << r.what;
    faults += r.fault;
    past_limit += r.fault && r.fault_kind == FaultKind::OutOfRange;
    completed += !r.fault;
  }
  EXPECT_GE(faults, 100);
  EXPECT_GE(past_limit, 10);
  EXPECT_GE(completed, 50);
}

}  // namespace
}  // namespace hart
