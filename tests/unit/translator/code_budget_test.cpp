// tests/unit/translator/code_budget_test.cpp — a guest's translated code
// stays within its budget (Jit::set_code_budget): a guest that runs
// megabytes of distinct code, as a hostile one or a guest JIT would, has
// its cache flushed when it holds the budget, the old code's memory given
// back once no vCPU can be inside it, and the new code translated as
// before; it computes what it would have without a budget. With a second
// vCPU of the same cache spinning in a loop that never leaves generated
// code, that vCPU is kicked out of the flushed code so it can be freed,
// and the first goes on translating (not interpreting everything). The
// cap for all caches together holds the same way.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <thread>

#include <pthread.h>

#include "tests/unit/translator/jit_diff.h"

namespace hart {
namespace {

constexpr uint64_t kFns = 0x1000000;        // the functions, 256 bytes each
constexpr unsigned kFnInsns = 64, kNumFns = 12288;  // 3 MiB of guest code
constexpr uint64_t kBudget = uint64_t{1} << 20;
// What a cache may hold past its budget: the check comes before a block
// is translated, and code is taken in 256 KiB chunks.
constexpr uint64_t kSlack = uint64_t{256} << 10;

// Maps and fills the functions (63 addi a0, a0, imm; ret) and the driver
// at diff::kCode, which calls each once and ends in ecall; returns the sum
// the functions add to a0.
uint64_t load_churn(diff::Machine& m) {
  std::vector<uint32_t> fns(kNumFns * kFnInsns);
  uint64_t sum = 0;
  for (unsigned f = 0; f < kNumFns; ++f) {
    for (unsigned i = 0; i + 1 < kFnInsns; ++i) {
      const uint32_t imm = (f * 7 + i * 13) % 2047;
      fns[f * kFnInsns + i] = imm << 20 | 10u << 15 | 10u << 7 | 0x13;  // addi a0, a0, imm
      sum += imm;
    }
    fns[f * kFnInsns + kFnInsns - 1] = 0x00008067u;  // ret
  }
  EXPECT_EQ(m.as->map(kFns, fns.size() * 4, PROT_READ | PROT_EXEC, kMapFixed, -1, 0, ""),
            static_cast<int64_t>(kFns));
  m.as->poke(kFns, fns.data(), fns.size() * 4);
  const std::vector<uint32_t> driver = {
      0x010002b7u,  // lui t0, 0x1000       (kFns)
      0x00003337u,  // lui t1, 0x3          (kNumFns)
      0x000280e7u,  // loop: jalr ra, 0(t0)
      0x10028293u,  // addi t0, t0, 256
      0xfff30313u,  // addi t1, t1, -1
      0xfe031ae3u,  // bnez t1, loop
      0x00000073u,  // ecall
  };
  m.as->poke(diff::kCode, driver.data(), driver.size() * 4);
  m.vcpu->state.pc = diff::kCode;
  m.vcpu->state.x[10] = 0;
  return sum;
}

std::unique_ptr<Jit> jit_with_budget(uint64_t budget) {
  std::string err;
  auto jit = Jit::create(&err);
  EXPECT_TRUE(jit) << err;
  if (jit) jit->set_code_budget(budget, 0);
  return jit;
}

TEST(CodeBudget, FlushesKeepTheCacheWithinItsBudget) {
  auto jit = jit_with_budget(kBudget);
  ASSERT_TRUE(jit);
  diff::Machine m(*jit);
  const uint64_t sum = load_churn(m);
  ASSERT_EQ(m.vcpu->run(), ExitReason::Ecall);
  EXPECT_EQ(m.vcpu->state.x[10], sum);
  const TbCache::Stats st = m.cache->stats();
  EXPECT_GE(st.budget_flushes, 3u) << "over 5 MiB of host code through a 1 MiB budget";
  EXPECT_LE(jit->code_held(), kBudget + kSlack);
  EXPECT_LE(st.code_bytes, kBudget + kSlack);
  // The blocks were translated, not interpreted (one vCPU frees old code
  // at once).
  EXPECT_GE(jit->translate_stats().blocks, kNumFns);
  EXPECT_EQ(jit->translate_stats().interpreted, 0u);

  // Without a budget the same code is all kept (the test would see it).
  auto free_jit = jit_with_budget(0);
  ASSERT_TRUE(free_jit);
  diff::Machine big(*free_jit);
  load_churn(big);
  ASSERT_EQ(big.vcpu->run(), ExitReason::Ecall);
  EXPECT_GT(free_jit->code_held(), 4 * kBudget);
  EXPECT_EQ(big.cache->stats().budget_flushes, 0u);
}

// Past the cap for every cache together, a cache holding more than its
// share (the cap over the caches) is flushed; the total stays near the cap
// (below twice it, whatever the number of guests).
TEST(CodeBudget, AllCachesTogetherStayNearTheCap) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  jit->set_code_budget(0, 2 * kBudget);  // no budget per cache: the cap alone
  diff::Machine a(*jit), b(*jit);
  const uint64_t sum = load_churn(a);
  load_churn(b);
  ASSERT_EQ(a.vcpu->run(), ExitReason::Ecall);
  EXPECT_EQ(a.vcpu->state.x[10], sum);
  EXPECT_LE(jit->code_held(), 2 * kBudget + kSlack);
  ASSERT_EQ(b.vcpu->run(), ExitReason::Ecall);
  EXPECT_EQ(b.vcpu->state.x[10], sum);
  EXPECT_GE(a.cache->stats().budget_flushes, 1u);
  EXPECT_GE(b.cache->stats().budget_flushes, 1u);
  EXPECT_LE(jit->code_held(), 2 * (2 * kBudget) + kSlack);
  EXPECT_EQ(jit->translate_stats().interpreted, 0u);
}

void on_kick(int, siginfo_t*, void* uc) { vcpu_kicked(uc); }

TEST(CodeBudget, AVcpuSpinningInFlushedCodeIsKickedOutOfIt) {
  struct sigaction sa {}, old {};
  sa.sa_sigaction = on_kick;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR2, &sa, &old);
  Vcpu::set_kick([](pthread_t t) { pthread_kill(t, SIGUSR2); });

  auto jit = jit_with_budget(kBudget);
  ASSERT_TRUE(jit);
  diff::Machine m(*jit);
  const uint64_t sum = load_churn(m);
  // A second vCPU of the same address space and cache: a loop that never
  // leaves its block (a load each round, no way out).
  const std::vector<uint32_t> spin = {0x0005a603u,   // spin: lw a2, 0(a1)
                                      0x00168693u,   // addi a3, a3, 1
                                      0xff9ff06fu};  // j spin
  const uint64_t spin_pc = diff::kCode + 0x1000;
  m.as->poke(spin_pc, spin.data(), spin.size() * 4);
  Vcpu other(*m.as, *m.cache, *jit, m.log);
  other.state.pc = spin_pc;
  other.state.x[11] = diff::kData;
  std::atomic<bool> stop{false};
  std::atomic<int> kicked{0};
  std::promise<pthread_t> who;
  std::thread spinner([&] {
    who.set_value(pthread_self());
    while (!stop.load()) {
      if (other.run() == ExitReason::ExitRequest && !stop.load()) ++kicked;
      other.state.exit_request.store(0);
    }
  });
  const pthread_t spinner_thread = who.get_future().get();
  // (Spinning in its block: its registers are in host registers till it leaves.)
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  ASSERT_EQ(m.vcpu->run(), ExitReason::Ecall);
  EXPECT_EQ(m.vcpu->state.x[10], sum);
  EXPECT_GE(m.cache->stats().budget_flushes, 3u);
  EXPECT_LE(jit->code_held(), kBudget + kSlack);
  EXPECT_GE(kicked.load(), 1);
  // Kicked, the spinner leaves the flushed code soon and the churn goes on
  // translating: few blocks ran interpreted while the old code waited.
  EXPECT_LT(jit->translate_stats().interpreted, kNumFns / 8);

  stop.store(true);
  other.state.exit_request.store(1);
  pthread_kill(spinner_thread, SIGUSR2);
  spinner.join();
  EXPECT_GT(other.state.x[13], 1000u);
  Vcpu::set_kick(nullptr);
  sigaction(SIGUSR2, &old, nullptr);
}

}  // namespace
}  // namespace hart
