// tests/unit/translator/chaining_test.cpp — chained exits reach their
// target: a block's exit, once the dispatcher links it, is a rel32 jump
// straight to the next block's code, so all translated code must stay
// within 2 GiB of itself — also code translated after guests' 256 GiB
// address spaces were reserved (Jit::create maps the JIT's one code block,
// with the dispatcher, first; code mapped later could land past a
// reservation and never chain). A loop runs; every block lies within reach
// of the dispatcher's code, starts on a 64-byte boundary, and every exit
// the cache says is linked jumps to its target's code, not back to its own
// stub. An exit request stops
// every cycle chained code can run without the dispatcher (DESIGN.md: a
// running vCPU stops within one TB): each shape of cycle — chained exits
// forward and back, a call and its return through the jump cache,
// indirect jumps only — runs forever here and must stop when asked; code
// that does not read the request (loads before any way out, self-loop
// rounds) must stop on one kick, wherever it lands.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <csignal>
#include <cstring>
#include <future>
#include <random>
#include <sstream>
#include <thread>

#include <pthread.h>

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
    // Chained jumps land on a cache line's start (CodeArena::kAlign).
    EXPECT_EQ(reinterpret_cast<uintptr_t>(tb->code) % 64, 0u) << std::hex << "the block at " << pc;
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

// Runs `code` (an endless loop) from its first word, raises the exit
// request once it has run a while and expects the vCPU back within
// seconds, with its links made (the cycle ran as chained code). A vCPU
// that never comes back cannot be stopped from here: the test process
// fails at once.
void expect_request_stops(const std::vector<uint32_t>& code, const char* shape, bool direct = true) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  diff::Machine m(*jit);
  m.as->poke(diff::kCode, code.data(), code.size() * 4);
  m.vcpu->state.x[11] = diff::kCode;  // a1: the loop's start, for jalr shapes
  m.vcpu->state.pc = diff::kCode;
  auto done = std::async(std::launch::async, [&] { return m.vcpu->run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  m.vcpu->state.exit_request.store(1, std::memory_order_release);
  if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    fprintf(stderr, "FAILED: %s: the exit request was not honoured within 10 s\n", shape);
    fflush(stderr);
    std::_Exit(1);
  }
  EXPECT_EQ(done.get(), ExitReason::ExitRequest) << shape;
  EXPECT_GT(m.vcpu->state.x[10], 1000u) << shape << ": the loop did not run";
  int linked = 0, cached = 0;
  for (uint64_t pc = diff::kCode; pc < diff::kCode + code.size() * 4; pc += 2)
    if (TranslationBlock* tb = m.cache->lookup(pc, 0)) {
      for (int i = 0; i < tb->n_exits; ++i) linked += tb->exits[i].linked != nullptr;
      for (TranslationBlock* e : m.vcpu->state.jmp_cache) cached += e == tb;
    }
  if (direct) EXPECT_GT(linked, 0) << shape << ": nothing was chained";
  else EXPECT_GT(cached, 0) << shape << ": no block in the jump cache";
}

TEST(Chaining, ExitRequestStopsEveryCycle) {
  // Forward to a block that jumps back (the back jump's block checks).
  expect_request_stops({0x00150513u,   // loop: addi a0, a0, 1
                        0x0040006fu,   // j next
                        0x00150513u,   // next: addi a0, a0, 1
                        0xff9ff06fu},  // j loop
                       "forward then back");
  // Three blocks, the backward edge in the middle one, the last block
  // reached by a conditional branch forward: loop -> b -> c -> b ...
  expect_request_stops({0x00150513u,   // loop: addi a0, a0, 1
                        0x0040006fu,   // j b
                        0x00150513u,   // b: addi a0, a0, 1
                        0x00051463u,   // bnez a0, c (always: forward)
                        0x0000006fu,   // j . (never)
                        0xff5ff06fu},  // c: j b
                       "a cycle entered half way");
  // A call to a function placed after the caller, and its ret (the cycle's
  // one backward step is the ret: an indirect jump through the jump cache).
  // (f's branch keeps the frontend from inlining it: FrontendOptions::
  // inline_leaf_insns would make the cycle one self-loop block.)
  expect_request_stops({0x008000efu,   // loop: jal ra, f
                        0xffdff06fu,   // j loop (backward: checked)
                        0x00150513u,   // f: addi a0, a0, 1
                        0x00051263u,   // bnez a0, 1f
                        0x00008067u},  // 1: ret
                       "call and return");
  // Only indirect jumps: jalr to the start every round.
  expect_request_stops({0x00150513u,   // loop: addi a0, a0, 1
                        0x00058067u},  // jr a1 (a1 = loop)
                       "indirect jumps only", false);
}

// A self-loop with a guest access does not read the exit request each
// round, nor does a block whose first access comes before any way out
// read it at its entry: the request needs a kick, whose handler poisons
// the memory base (vcpu_kicked), and the next access leaves with exact
// state. The kick here is the linux layer's: a signal whose handler calls
// vcpu_kicked.
void on_test_kick(int, siginfo_t*, void* uc) { vcpu_kicked(uc); }

// SIGUSR2 runs on_test_kick while it lives.
struct TestKicks {
  struct sigaction old {};
  TestKicks() {
    struct sigaction sa {};
    sa.sa_sigaction = on_test_kick;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, &old);
  }
  ~TestKicks() { sigaction(SIGUSR2, &old, nullptr); }
};

// A machine with `code` at diff::kCode, pc there, and a1 = diff::kData.
std::unique_ptr<diff::Machine> machine_with(Jit& jit, const std::vector<uint32_t>& code) {
  auto m = std::make_unique<diff::Machine>(jit);
  m->as->poke(diff::kCode, code.data(), code.size() * 4);
  m->vcpu->state.x[11] = diff::kData;
  m->vcpu->state.pc = diff::kCode;
  return m;
}

struct KickedRun {
  diff::Machine& m;
  std::future<ExitReason> done;
  pthread_t thread{};
  explicit KickedRun(diff::Machine& machine) : m(machine) {
    std::promise<pthread_t> who;
    auto started = who.get_future();
    done = std::async(std::launch::async, [this, &who] {
      who.set_value(pthread_self());
      return m.vcpu->run();
    });
    thread = started.get();
  }
  // Raises the request, kicks if asked, and waits up to `wait`.
  bool stops(bool kick, std::chrono::milliseconds wait) {
    m.vcpu->state.exit_request.store(1, std::memory_order_release);
    if (kick) pthread_kill(thread, SIGUSR2);
    return done.wait_for(wait) == std::future_status::ready;
  }
};

// cold_call: the round calls into hartd (a cold path), after which it
// reads the request itself (a kick during the call finds no generated code
// to poison): the request alone stops it.
// The stop is at the access at the loop's start; a2 ends as `a2`.
void expect_kick_stops(const std::vector<uint32_t>& code, uint64_t data, const char* shape, bool cold_call,
                       uint64_t a2) {
  TestKicks kicks;
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  auto machine = machine_with(*jit, code);  // (a1: the loop reads there)
  diff::Machine& m = *machine;
  m.as->poke(diff::kData, &data, 8);
  for (int round = 0; round < 2; ++round) {
    KickedRun run(m);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    // Without a kick the rounds go on (they do not read the request)...
    if (!cold_call) {
      EXPECT_FALSE(run.stops(false, std::chrono::milliseconds(200))) << shape << ": stopped unkicked";
    }
    // ...and with one they stop, at the access that begins a round.
    if (!run.stops(!cold_call, std::chrono::seconds(10))) {
      fprintf(stderr, "FAILED: %s: the kicked loop did not stop within 10 s\n", shape);
      fflush(stderr);
      std::_Exit(1);
    }
    EXPECT_EQ(run.done.get(), ExitReason::ExitRequest) << shape;
    const CpuState& s = m.vcpu->state;
    EXPECT_EQ(s.pc, diff::kCode) << shape;
    EXPECT_GT(s.x[10], 1000u) << shape << ": the loop did not run";
    EXPECT_EQ(s.x[13], 3 * s.x[10]) << shape << ": a3 is not three times a0 at the round boundary";
    m.vcpu->state.exit_request.store(0);  // and it runs on from there
  }
  EXPECT_EQ(m.vcpu->state.x[12], a2) << shape;
}

TEST(Chaining, KickStopsUnpolledLoops) {
  expect_kick_stops({0x0005a603u,   // loop: lw a2, 0(a1)   (3)
                     0x00c686b3u,   // add a3, a3, a2
                     0x00150513u,   // addi a0, a0, 1
                     0xfe051ae3u,   // bnez a0, loop (a0 counts up from 0)
                     0x00000073u},  // ecall
                    3, "a load each round", false, 3);
  // The same with an FP conversion whose operand is a NaN: its cold path
  // calls into hartd every round (where a kick finds no generated code),
  // and reads the request after the call.
  uint64_t nan;
  const double qnan = __builtin_nan("");
  memcpy(&nan, &qnan, 8);
  expect_kick_stops({0x0005b007u,   // loop: fld ft0, 0(a1)  (a NaN)
                     0xc2001653u,   // fcvt.w.d a2, ft0, rtz (NaN: 0x7fffffff, cold path)
                     0x00368693u,   // addi a3, a3, 3
                     0x00150513u,   // addi a0, a0, 1
                     0xfe0518e3u,   // bnez a0, loop
                     0x00000073u},  // ecall
                    nan, "a cold call each round", true, 0x7fffffff);
}

// Stops `code` (an endless cycle) `trials` times with one kick each, as
// hartd raises a request (the flag, then one signal), at a random moment:
// a kick that lands where it cannot poison (hartd's code, a helper) must
// be seen by a read before the cycle goes on, for nothing else will come.
void expect_one_kick_stops(const std::vector<uint32_t>& code, const char* shape, int trials) {
  TestKicks kicks;
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  auto machine = machine_with(*jit, code);
  diff::Machine& m = *machine;
  std::mt19937 rng(12345);
  for (int k = 0; k < trials; ++k) {
    KickedRun run(m);
    std::this_thread::sleep_for(std::chrono::microseconds(k == 0 ? 50000 : 200 + rng() % 3000));
    if (!run.stops(true, std::chrono::seconds(10))) {
      fprintf(stderr, "FAILED: %s: one kick did not stop the vCPU within 10 s (trial %d)\n", shape, k);
      fflush(stderr);
      std::_Exit(1);
    }
    EXPECT_EQ(run.done.get(), ExitReason::ExitRequest) << shape;
    m.vcpu->state.exit_request.store(0);  // and on from where it stopped
  }
  EXPECT_GT(m.vcpu->state.x[10], 1000u) << shape << ": the cycle did not run";
}

TEST(Chaining, OneKickStopsCyclesThatDoNotReadTheRequest) {
  // The callee: a load first, so its block does not read the request.
  const std::vector<uint32_t> f = {0x0005a603u,   // f: lw a2, 0(a1)
                                   0x00150513u,   // addi a0, a0, 1
                                   0x00008067u};  // ret
  auto with_f = [&](std::vector<uint32_t> caller) {
    caller.insert(caller.end(), f.begin(), f.end());
    return caller;
  };
  // A call and its return, each block making a load before any way out:
  // neither reads the request at its entry.
  expect_one_kick_stops(with_f({0x0005a603u,    // loop: lw a2, 0(a1)
                                0x008000efu,    // jal ra, f
                                0xff9ff06fu}),  // j loop
                        "call and return with loads", 20);
  // The same with a call into hartd in the caller (an FP op with a static
  // rounding mode runs in the interpreter), after its load: most kicks
  // land in the helper, where there is nothing to poison; the block reads
  // the request after the call.
  expect_one_kick_stops(with_f({0x0005a603u,    // loop: lw a2, 0(a1)
                                0x02100053u,    // fadd.d f0, f0, f1, rne (a helper call)
                                0x008000efu,    // jal ra, f
                                0xff5ff06fu}),  // j loop
                        "a helper call in a cycle of loads", 30);
}

// A request raised after the run loop's last read and before the
// dispatcher jumps into a block that does not read it (a kick there lands
// in hartd, with nothing to poison): the dispatcher reads it itself, after
// loading the memory base, and leaves before the block runs.
TEST(Chaining, DispatcherReadsTheRequestBeforeTheBlock) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  auto machine = machine_with(*jit, {
                                        0x0005a603u,  // loop: lw a2, 0(a1)
                                        0x00150513u,  // addi a0, a0, 1
                                        0x0040006fu,  // j next
                                        0x0005a603u,  // next: lw a2, 0(a1)
                                        0xff5ff06fu,  // j loop (-12)
                                    });
  diff::Machine& m = *machine;
  m.vcpu->state.x[12] = 7;
  {
    TestKicks kicks;
    KickedRun run(m);  // (translated and chained, then stopped)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(run.stops(true, std::chrono::seconds(10)));
  }
  m.vcpu->state.exit_request.store(0);
  TranslationBlock* tb = m.cache->lookup(diff::kCode, 0);
  ASSERT_NE(tb, nullptr);
  m.vcpu->state.pc = diff::kCode;
  const uint64_t a0 = m.vcpu->state.x[10];
  m.vcpu->state.exit_request.store(1);
  auto done = std::async(std::launch::async, [&] { return jit->enter(*m.vcpu, tb); });
  if (done.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    fprintf(stderr, "FAILED: the dispatcher ran a block with the request up\n");
    fflush(stderr);
    std::_Exit(1);
  }
  EXPECT_EQ(done.get(), ExitValue{0});
  EXPECT_EQ(m.vcpu->state.pc, diff::kCode);
  EXPECT_EQ(m.vcpu->state.x[10], a0);  // nothing ran
  EXPECT_EQ(m.vcpu->state.x[12], 0u);  // (the loads ran before: the data page is zero)
}

// A block that takes r14 as a temp (no guest access, many live values:
// plan_mem_free) holds a guest value there, which a kick must not poison
// (vcpu_kicked compares r14 with the memory base), and the blocks after
// it may not read the request: a kick there poisons
// CpuState::mem_base_reload instead, from which the block reloads the
// base at its end. Run here: the block reloads from that field, which
// Jit::enter sets to the memory base (the block's result is right). (A
// kick inside such a block cannot be timed from a test.)
// Runs a block that takes r14 as a temp (plan_mem_free): t0..t6, s2..s5 =
// a0 + a1..a7...: eleven values live at once, then `middle`, then all
// folded into a0; ecall. Checks a0 and that r14 was reloaded from
// mem_base_reload; returns the block's host code (out_asm).
std::string run_with_r14_taken(diff::Machine& m, const std::vector<uint32_t>& middle) {
  std::vector<uint32_t> code;
  const unsigned dst[] = {5, 6, 7, 28, 29, 30, 31, 18, 19, 20, 21};
  for (unsigned k = 0; k < 11; ++k) code.push_back(0x00000033u | dst[k] << 7 | 10u << 15 | (11u + k % 7) << 20);
  code.insert(code.end(), middle.begin(), middle.end());
  for (unsigned k = 0; k < 11; ++k) code.push_back(0x00004033u | 10u << 7 | 10u << 15 | dst[k] << 20);  // xor a0, a0, d
  code.push_back(0x00000073u);  // ecall
  m.as->poke(diff::kCode, code.data(), code.size() * 4);
  std::string logged;
  m.log.set_sink([&](const std::string& text) { logged += text; });
  m.log.set_mask(kLog_out_asm);
  m.vcpu->state.pc = diff::kCode;
  for (int r = 10; r <= 17; ++r) m.vcpu->state.x[r] = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(r);
  uint64_t a0 = m.vcpu->state.x[10];
  for (unsigned k = 0; k < 11; ++k) a0 ^= m.vcpu->state.x[10] + m.vcpu->state.x[11 + k % 7];
  EXPECT_EQ(m.vcpu->run(), ExitReason::Ecall);
  EXPECT_EQ(m.vcpu->state.x[10], a0);
  m.log.set_sink(nullptr);
  char reload[32];
  snprintf(reload, sizeof reload, "mov r14, [r15+0x%zX]", offsetof(CpuState, mem_base_reload));
  EXPECT_NE(logged.find(reload), std::string::npos) << "no block took r14 as a temp:\n" << logged;
  return logged;
}

TEST(Chaining, BlocksUsingTheMemoryBaseRegisterReloadItFromThePoisonableField) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  diff::Machine m(*jit);
  const std::string logged = run_with_r14_taken(m, {});
  char from_base[32];
  snprintf(from_base, sizeof from_base, "mov r14, [r15+0x%zX]", offsetof(CpuState, mem_base));
  std::istringstream in(logged);
  for (std::string line; std::getline(in, line);)
    EXPECT_EQ(line.find(from_base), std::string::npos) << "a reload from mem_base:\n" << logged;
}

// The same kind of block with a conversion whose cold path calls into
// hartd: after the call it checks the request (a kick during the call
// poisoned nothing), and there r14 may hold a guest value, so it poisons
// mem_base_reload, from which the block reloads r14 at its end, never r14
// itself (which would overwrite that value).
TEST(Chaining, ColdCallsInBlocksUsingTheMemoryBaseRegisterPoisonTheReloadField) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  diff::Machine m(*jit);
  const double qnan = __builtin_nan("");
  memcpy(&m.vcpu->state.f[0], &qnan, 8);
  const std::string logged = run_with_r14_taken(m, {0xc2001653u});  // fcvt.w.d a2, ft0, rtz (NaN: cold path)
  EXPECT_EQ(m.vcpu->state.x[12], 0x7fffffffu);
  EXPECT_EQ(logged.find("mov r14, 0x8000000000000000"), std::string::npos)
      << "a guest value in r14 overwritten by the poison:\n" << logged;
  char poison[48];
  snprintf(poison, sizeof poison, "bts qword ptr [r15+0x%zX], 0x3F", offsetof(CpuState, mem_base_reload));
  EXPECT_NE(logged.find(poison), std::string::npos) << "no poison of mem_base_reload:\n" << logged;
}

// Runs m's vCPU from pc to its next exit with the exec log on (which turns
// chaining off, not the jump cache), counting the blocks the run loop
// entered: how often generated code went back to it.
int run_counting_entries(diff::Machine& m, uint64_t pc, ExitReason* reason) {
  int entries = 0;
  m.log.set_sink([&](const std::string& text) {
    for (size_t at = text.find("Trace 0:"); at != std::string::npos; at = text.find("Trace 0:", at + 1)) ++entries;
  });
  m.log.set_mask(kLog_exec);
  m.vcpu->state.pc = pc;
  *reason = m.vcpu->run();
  m.log.set_sink(nullptr);
  return entries;
}

// An indirect jump whose target has a block stays in generated code: its
// probe of the jump cache finds the block in the set the vCPU put it in
// (Vcpu::jmp_cache_set, pc bits 2..14). The loop is one block that ends in
// a jump to its own start (computed: the exit is 64 bytes on), whose pc has
// bits set in the slot's (a probe that read another slot would miss every
// round and leave to the run loop, which the exec log counts; that log
// turns chaining off, not the jump cache).
TEST(Chaining, IndirectJumpsFindTheirTargetInTheJumpCache) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  diff::Machine m(*jit);
  constexpr uint32_t kLoop = 0x6ac6;  // the loop's offset: set bits 2..14 mixed, 14 too
  std::vector<uint16_t> code(kLoop / 2 + 40, 0x0001);  // c.nop
  const uint32_t head = 0x0000006fu | (kLoop & 0x7fe) << 20 | (kLoop >> 11 & 1) << 20 | (kLoop & 0xff000);
  memcpy(code.data(), &head, 4);  // j loop
  const uint32_t loop[] = {
      0x00150513u,  // loop: addi a0, a0, 1
      0x40c502b3u,  // sub t0, a0, a2
      0x0012b293u,  // seqz t0, t0
      0x00629293u,  // slli t0, t0, 6
      0x00b282b3u,  // add t0, t0, a1 (a1 = loop: to loop, or at the end to loop + 64)
      0x00028067u,  // jr t0
  };
  memcpy(code.data() + kLoop / 2, loop, sizeof loop);
  const uint32_t ecall = 0x00000073u;
  memcpy(code.data() + (kLoop + 64) / 2, &ecall, 4);
  m.as->poke(diff::kCode, code.data(), code.size() * 2);
  m.vcpu->state.x[11] = diff::kCode + kLoop;
  m.vcpu->state.x[12] = 20000;
  ExitReason reason;
  const int entries = run_counting_entries(m, diff::kCode, &reason);
  ASSERT_EQ(reason, ExitReason::Ecall);
  EXPECT_EQ(m.vcpu->state.x[10], 20000u);
  EXPECT_LT(entries, 50) << "indirect jumps went back to the run loop";
}

// Two blocks 32 KiB apart (the same jump cache set) that jump to each
// other indirectly, round after round: both stay in the cache, and no jump
// leaves generated code. (With one slot per set, each jump evicted the
// block the next one wanted: CPython's type slots went back to the run
// loop a million times in bench/py/mix.py.)
TEST(Chaining, IndirectJumpsBetweenBlocksOfOneJumpCacheSet) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  diff::Machine m(*jit);
  constexpr uint32_t kA = 0x40, kB = kA + 0x8000;
  ASSERT_EQ(Vcpu::jmp_cache_set(diff::kCode + kA), Vcpu::jmp_cache_set(diff::kCode + kB));
  std::vector<uint16_t> code(kB / 2 + 40, 0x0001);  // c.nop
  const uint32_t a[] = {
      0x00150513u,  // A: addi a0, a0, 1
      0x00058067u,  // jr a1 (B)
  };
  const uint32_t b[] = {
      0x40c502b3u,  // B: sub t0, a0, a2
      0x0012b293u,  // seqz t0, t0
      0x00629293u,  // slli t0, t0, 6
      0x00f282b3u,  // add t0, t0, a5 (a5 = A: to A, or at the end to A + 64)
      0x00028067u,  // jr t0
  };
  memcpy(code.data() + kA / 2, a, sizeof a);
  memcpy(code.data() + kB / 2, b, sizeof b);
  const uint32_t ecall = 0x00000073u;
  memcpy(code.data() + (kA + 64) / 2, &ecall, 4);
  m.as->poke(diff::kCode, code.data(), code.size() * 2);
  m.vcpu->state.x[11] = diff::kCode + kB;
  m.vcpu->state.x[15] = diff::kCode + kA;
  m.vcpu->state.x[12] = 20000;
  ExitReason reason;
  const int entries = run_counting_entries(m, diff::kCode + kA, &reason);
  ASSERT_EQ(reason, ExitReason::Ecall);
  EXPECT_EQ(m.vcpu->state.x[10], 20000u);
  EXPECT_EQ(m.vcpu->state.pc, diff::kCode + kA + 64);
  EXPECT_LT(entries, 50) << "indirect jumps went back to the run loop";
}

}  // namespace
}  // namespace hart
