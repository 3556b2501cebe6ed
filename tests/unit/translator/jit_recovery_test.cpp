// tests/unit/translator/jit_recovery_test.cpp — exact guest state after a
// fault in the middle of a block whose code lends pinned host registers out
// to temps and defers set_regs of other guest registers (backend_x86.h,
// BlockRecovery): a hand-written block with more live values than the
// register pool, whose load faults (on the host, past the data page, or at
// the range check, past the address-space limit) while pinned registers
// hold temps and deferred values sit in host registers; the JIT must leave
// the registers, pc and fault the interpreter leaves. The test also checks
// that the block did lend and defer (so it tests what it says).
// The SelfLoopRemat tests fault a self-loop block whose registers written
// once and never read are rematerialised (BlockRecovery::remat,
// backend_x86_remat.cpp) in its first and a later iteration, before and
// after their set_regs, and let it run to its end.
#include <gtest/gtest.h>

#include "tests/unit/translator/jit_diff.h"
#include "translator/shared_code.h"

namespace hart {
namespace {

using diff::kData;
using diff::kDataSize;

uint32_t r_type(uint32_t f7, unsigned rs2, unsigned rs1, uint32_t f3, unsigned rd) {
  return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | 0x33;
}
uint32_t add(unsigned rd, unsigned a, unsigned b) { return r_type(0, b, a, 0, rd); }
uint32_t xor_(unsigned rd, unsigned a, unsigned b) { return r_type(0, b, a, 4, rd); }
uint32_t mul(unsigned rd, unsigned a, unsigned b) { return r_type(1, b, a, 0, rd); }
uint32_t ld(unsigned rd, unsigned base, int32_t imm) {
  return static_cast<uint32_t>(imm & 0xfff) << 20 | base << 15 | 3 << 12 | rd << 7 | 0x03;
}
uint32_t and_(unsigned rd, unsigned a, unsigned b) { return r_type(0, b, a, 7, rd); }
uint32_t i_type(uint32_t f3, unsigned rd, unsigned rs1, int32_t imm) {
  return static_cast<uint32_t>(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | 0x13;
}
uint32_t addi(unsigned rd, unsigned a, int32_t imm) { return i_type(0, rd, a, imm); }
uint32_t srli(unsigned rd, unsigned a, unsigned sh) { return i_type(5, rd, a, static_cast<int32_t>(sh)); }
uint32_t slli(unsigned rd, unsigned a, unsigned sh) { return i_type(1, rd, a, static_cast<int32_t>(sh)); }
uint32_t bne(unsigned a, unsigned b, int32_t off) {
  const uint32_t o = static_cast<uint32_t>(off);
  return (o >> 12 & 1) << 31 | (o >> 5 & 0x3f) << 25 | b << 20 | a << 15 | 1 << 12 | (o >> 1 & 0xf) << 8 |
         (o >> 11 & 1) << 7 | 0x63;
}

// Register numbers (a5 a4 a0 a3 are pinned; t0..t6, s1..s7 are not).
enum : unsigned { ra = 1, t0 = 5, t1 = 6, t2 = 7, s0 = 8, s1 = 9, a0 = 10, a1 = 11, a2 = 12, a3 = 13,
                  a4 = 14, a5 = 15, a6 = 16, s2 = 18, s3 = 19, s4 = 20, s5 = 21, s6 = 22, s7 = 23, t3 = 28,
                  t4 = 29, t5 = 30, t6 = 31 };

// The block: the old values of a5, a4, a0 and a3 are read early and the
// registers written only after the faulting load (so their host registers
// are lent out across it); t0 and t1 are written twice around it (deferred);
// eight values stay live to the end (more than the pool holds).
std::vector<uint32_t> block(unsigned fault_base, int32_t fault_disp) {
  return {
      mul(a1, a1, a3), add(t0, a5, a4), xor_(t1, a0, t0), add(s2, a1, t1), add(s3, s2, t0),
      add(s4, s3, a1), ld(t2, 31, 0), add(s5, s4, t2), xor_(s6, s5, s3), add(t0, t0, t2),
      add(t3, s6, s2), ld(t4, 31, 8), xor_(t1, t1, t4), add(ra, t3, t0), add(s1, ra, t1),
      ld(a3, fault_base, fault_disp),  // may fault here
      add(a5, s2, s3), add(a4, s4, s5), add(a0, s6, t3), xor_(t0, t0, s1), add(t1, t1, ra),
      add(a5, a5, a4), xor_(a0, a0, a5), add(t3, t3, a3), 0x00000073 /* ecall */};
}

struct Regs {  // what a fault leaves visible
  uint64_t x[32];
  uint64_t pc, fault_addr;
  ExitReason exit_reason;
  FaultKind fault_kind;
  explicit Regs(const CpuState& s)
      : pc(s.pc), fault_addr(s.fault_addr), exit_reason(s.exit_reason), fault_kind(s.fault_kind) {
    memcpy(x, s.x, sizeof x);
  }
  Regs() : x{}, pc(0), fault_addr(0), exit_reason(ExitReason::None), fault_kind(FaultKind::Unmapped) {}
};

struct Outcome {
  Regs jit, interp;
  ExitReason exit = ExitReason::None;
  size_t lent = 0, deferred = 0, remat = 0;
};

// Runs code from kCode translated and interpreted, from the same state.
Outcome run_code(Jit& jit, const std::vector<uint32_t>& code, const CpuState& init, uint64_t max_insns = 0,
                 bool map_top_page = false) {
  diff::Machine jm(jit), im(jit);
  for (diff::Machine* m : {&jm, &im}) {
    if (map_top_page) m->as->map(diff::kTopPage, 0x1000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, "");
    m->as->poke(diff::kCode, code.data(), code.size() * 4);
    uint64_t words[2] = {0x1111222233334444ull, 0x5555666677778888ull};
    m->as->write(kData, words, sizeof words);
    memcpy(m->vcpu->state.x, init.x, sizeof init.x);
    m->vcpu->state.pc = diff::kCode;
  }
  Outcome o;
  o.exit = jm.vcpu->run();
  uint64_t max = max_insns ? max_insns : code.size() + 1;
  im.vcpu->run_guarded([](Vcpu& v, void* n) { interp_run(v, *static_cast<uint64_t*>(n)); }, &max);
  o.jit = Regs(jm.vcpu->state);
  o.interp = Regs(im.vcpu->state);
  if (TranslationBlock* tb = jm.cache->lookup(diff::kCode, 0)) {
    const auto* data = static_cast<const TbData*>(tb->data.get());
    o.lent = data->recovery.lent.size();
    o.deferred = data->recovery.deferred.size();
    o.remat = data->recovery.remat.size();
  }
  return o;
}

// Distinct values in every register, with two bases that fault: 8(s0) is
// past the data page (a host fault), 32(a2) past the address space (the
// range check).
void set_faulting_regs(CpuState& init) {
  for (int r = 1; r < 32; ++r) init.x[r] = 0x0123456789abcdefull * static_cast<uint64_t>(r) + 77;
  init.x[s0] = kData + kDataSize - 8;
  init.x[a2] = kGuestVaMax - 16;
}

Outcome run(Jit& jit, unsigned fault_base, int32_t fault_disp) {
  CpuState init{};
  set_faulting_regs(init);
  init.x[31] = kData;
  return run_code(jit, block(fault_base, fault_disp), init);
}

void expect_same(const Outcome& o) {
  EXPECT_EQ(o.jit.exit_reason, o.interp.exit_reason);
  EXPECT_EQ(o.jit.pc, o.interp.pc);
  for (int r = 0; r < 32; ++r) EXPECT_EQ(o.jit.x[r], o.interp.x[r]) << "x" << r;
  if (o.exit == ExitReason::MemFault) {
    EXPECT_EQ(o.jit.fault_addr, o.interp.fault_addr);
    EXPECT_EQ(o.jit.fault_kind, o.interp.fault_kind);
  }
}

// Runs both prepared machines from their state (the interpreter at most
// `max` instructions): the JIT's exit and both sides' registers.
Outcome run_both(diff::Machine& jm, diff::Machine& im, uint64_t max) {
  Outcome o;
  o.exit = jm.vcpu->run();
  im.vcpu->run_guarded([](Vcpu& v, void* n) { interp_run(v, *static_cast<uint64_t*>(n)); }, &max);
  o.jit = Regs(jm.vcpu->state);
  o.interp = Regs(im.vcpu->state);
  return o;
}

TEST(JitRecovery, HostFaultWithLentAndDeferredRegisters) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  Outcome o = run(*jit, s0, 8);
  EXPECT_EQ(o.exit, ExitReason::MemFault);
  EXPECT_GT(o.lent, 0u);      // pinned registers lent across the load
  EXPECT_GT(o.deferred, 0u);  // set_regs deferred across the loads
  expect_same(o);
}

TEST(JitRecovery, RangeCheckFaultWithLentAndDeferredRegisters) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  Outcome o = run(*jit, a2, 32);
  EXPECT_EQ(o.exit, ExitReason::MemFault);
  EXPECT_EQ(o.jit.fault_kind, FaultKind::OutOfRange);
  EXPECT_GT(o.lent, 0u);
  expect_same(o);
}

// A register set to an address and loaded through right away (`addi t0,
// s0, 8; ld t0, 0(t0)`): its set_reg is deferred to the load's, and the
// load's result takes the address's register, which the load writes only
// if it does not fault. Faulting there, on the host and at the range
// check, shows t0 as the address, as the interpreter does.
TEST(JitRecovery, LoadIntoItsOwnDeferredAddress) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  for (bool range : {false, true}) {
    SCOPED_TRACE(range ? "range check" : "host fault");
    CpuState init{};
    set_faulting_regs(init);
    const unsigned base = range ? a2 : s0;
    const std::vector<uint32_t> code = {
        addi(t0, base, range ? 32 : 8), ld(t0, t0, 0), add(t1, t0, t0), ld(t0, t1, 0), 0x00000073,
    };
    Outcome o = run_code(*jit, code, init);
    EXPECT_EQ(o.exit, ExitReason::MemFault);
    EXPECT_GT(o.deferred, 0u);
    expect_same(o);
    EXPECT_EQ(o.jit.x[t0], init.x[base] + (range ? 32 : 8));
    EXPECT_EQ(o.jit.pc, diff::kCode + 4);
  }
}

// Accesses at addresses known when translating (auipc + ld, lui + ld: the
// backend folds base and displacement into one constant): a load of the
// code page, then one past the limit and one that wraps below 0, each
// faulting exactly as the interpreter does.
TEST(JitRecovery, ConstantAddresses) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  const uint32_t kFarLui = 0x800006b7u;  // lui a3, 0x80000: a3 = 0xffffffff80000000
  const uint32_t kZeroLui = 0x000006b7u;  // lui a3, 0
  for (uint32_t lui : {kFarLui, kZeroLui}) {
    std::vector<uint32_t> code = {
        0x00000597u,  // auipc a1, 0
        0x0105b603u,  // ld a2, 16(a1): the code page
        lui,
        lui == kFarLui ? 0x0006b703u : 0xff86b703u,  // ld a4, 0(a3) / ld a4, -8(a3): 2^64 - 8
        0x00000073u,  // ecall
    };
    CpuState init{};
    Outcome o = run_code(*jit, code, init);
    EXPECT_EQ(o.exit, ExitReason::MemFault);
    EXPECT_EQ(o.jit.fault_kind, FaultKind::OutOfRange);
    EXPECT_EQ(o.jit.fault_addr, lui == kFarLui ? 0xffffffff80000000ull : ~uint64_t{7});
    EXPECT_EQ(o.jit.pc, diff::kCode + 12);
    EXPECT_EQ(o.jit.x[12], 0x73u);  // the ecall, then nothing
    expect_same(o);
  }
}

// A base's first check is made at its lowest displacement in the block
// (one check for a frame's saves). Here that lower address wraps below 0
// while the first access's own is in range: the block leaves exact before
// that access, which runs alone (a one-instruction block), then the next
// access faults at its own address. With page 0 unmapped the first access
// faults itself, at 8.
// Both machines (JIT, interpreter) with `code` at kCode, the registers of
// init, and page 0 mapped (holding `word0` at 8) when asked.
void set_up_page0_case(diff::Machine& jm, diff::Machine& im, const std::vector<uint32_t>& code,
                       const CpuState& init, bool page0, uint64_t word0) {
  for (diff::Machine* m : {&jm, &im}) {
    if (page0) {
      ASSERT_EQ(m->as->map(0, 0x1000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, ""), 0u);
      m->as->write(8, &word0, sizeof word0);
    }
    m->as->poke(diff::kCode, code.data(), code.size() * 4);
    memcpy(m->vcpu->state.x, init.x, sizeof init.x);
    m->vcpu->state.pc = diff::kCode;
  }
}

TEST(JitRecovery, LowestDisplacementCheckRetriesOneInstruction) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  const std::vector<uint32_t> code = {
      0x0005b603u,  // ld a2, 0(a1)
      0xff05b683u,  // ld a3, -16(a1)
      0x00000073u,  // ecall
  };
  for (bool page0 : {false, true}) {
    SCOPED_TRACE(page0 ? "page 0 mapped" : "page 0 unmapped");
    CpuState init{};
    init.x[11] = 8;
    diff::Machine jm(*jit), im(*jit);
    set_up_page0_case(jm, im, code, init, page0, 0x1122334455667788ull);
    const Outcome o = run_both(jm, im, code.size() + 1);
    EXPECT_EQ(o.exit, ExitReason::MemFault);
    expect_same(o);
    EXPECT_EQ(o.jit.pc, diff::kCode + (page0 ? 4 : 0));
    EXPECT_EQ(o.jit.fault_addr, page0 ? ~uint64_t{7} : 8u);
    EXPECT_EQ(o.jit.x[12], page0 ? 0x1122334455667788ull : 0u);
    EXPECT_NE(jm.cache->lookup(diff::kCode, kTbOneInsn), nullptr);  // the retry ran
    EXPECT_EQ(jm.vcpu->state.one_insn_once, 0u);
  }
}

// The same through a base the block computes (`addi sp,sp,-48` and the
// frame's saves at its displacements: a constant index off the old value):
// one check at the lowest displacement of the new base covers the saves;
// the new base wraps below 0 here, so that check fails, the first save
// (at 16) runs alone, and the second faults at the wrapped address.
TEST(JitRecovery, LowestDisplacementCheckOfAComputedBase) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  const std::vector<uint32_t> code = {
      0xfe058593u,  // addi a1, a1, -32
      0x00a5bc23u,  // sd a0, 24(a1)
      0x00a5b023u,  // sd a0, 0(a1)
      0x00000073u,  // ecall
  };
  for (bool page0 : {false, true}) {
    SCOPED_TRACE(page0 ? "page 0 mapped" : "page 0 unmapped");
    CpuState init{};
    init.x[10] = 0x5566778899aabbccull;
    init.x[11] = 24;
    diff::Machine jm(*jit), im(*jit);
    set_up_page0_case(jm, im, code, init, page0, 0);
    const Outcome o = run_both(jm, im, code.size() + 1);
    EXPECT_EQ(o.exit, ExitReason::MemFault);
    expect_same(o);
    EXPECT_EQ(o.jit.pc, diff::kCode + (page0 ? 8 : 4));
    EXPECT_EQ(o.jit.fault_addr, page0 ? ~uint64_t{7} : 16u);
    EXPECT_EQ(o.jit.x[11], ~uint64_t{7});
    if (page0) {
      uint64_t word = 0;
      ASSERT_TRUE(jm.as->read(16, &word, sizeof word));
      EXPECT_EQ(word, init.x[10]);
    }
  }
}

// A self-loop's induction base (a1, advanced by 64 or -64 each round, or by
// a4, which the loop does not write) is checked once, before the loop, and
// not in its body: walking from below the limit into the guard after it,
// or down past address 0 into the guard below the reservation, the store
// faults there exactly as the interpreter's does; starting past the limit,
// or with a register stride larger than the guard, the check before the
// loop fails and the block runs in its kTbChecked form (every access
// checked in place) — which faults at the store, or leaves by the side exit
// before it without any fault.
TEST(JitRecovery, InductionBaseCheckedOnceBeforeTheLoop) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  std::vector<uint32_t> code = {
      0x00150513u,  // loop: addi a0, a0, 1
      0x00c50863u,  // beq a0, a2, out (a side exit before the store)
      0x00a5b023u,  // sd a0, 0(a1)
      0x04058593u,  // addi a1, a1, 64 (or -64: 0xfc058593; or add a1, a1, a4)
      0xfed518e3u,  // bne a0, a3, loop
      0x00000073u,  // out: ecall
  };
  struct Case {
    int64_t step;
    int by_a4;    // add a1, a1, a4 (a4 = step); 2: before the store (sd a0, 0(a1) through the sum)
    uint64_t a1, a2;
    ExitReason exit;
    uint64_t fault_addr;
    bool retry;  // the check before the loop failed
  };
  const uint64_t kTop = kGuestVaMax - 0x1000;
  const Case cases[] = {
      {64, 0, kData, ~uint64_t{0}, ExitReason::Ecall, 0, false},  // ten rounds
      {64, 0, kGuestVaMax - 3 * 64, ~uint64_t{0}, ExitReason::MemFault, kGuestVaMax, false},  // the 4th, in the guard
      {64, 0, kGuestVaMax + 8, ~uint64_t{0}, ExitReason::MemFault, kGuestVaMax + 8, true},
      {64, 0, kGuestVaMax + 8, 1, ExitReason::Ecall, 0, true},
      {-64, 0, kData + 0x800, ~uint64_t{0}, ExitReason::Ecall, 0, false},
      {-64, 0, 2 * 64, ~uint64_t{0}, ExitReason::MemFault, ~uint64_t{63}, false},  // the 4th, below 0
      {8, 1, kData, ~uint64_t{0}, ExitReason::Ecall, 0, false},
      {-8, 1, 16, ~uint64_t{0}, ExitReason::MemFault, ~uint64_t{7}, false},  // the 4th, below 0
      {64, 1, kGuestVaMax - 3 * 64, ~uint64_t{0}, ExitReason::MemFault, kGuestVaMax, false},
      {int64_t{4} << 20, 1, kData, ~uint64_t{0}, ExitReason::MemFault, kData + (4 << 20), true},  // past the guard
      {-(int64_t{4} << 20), 1, 0x800, 2, ExitReason::Ecall, 0, true},  // (leaves before the 2nd)
      {8, 2, kData, ~uint64_t{0}, ExitReason::Ecall, 0, false},
      {64, 2, kGuestVaMax - 4 * 64, ~uint64_t{0}, ExitReason::MemFault, kGuestVaMax, false},
      {-8, 2, 32, ~uint64_t{0}, ExitReason::MemFault, ~uint64_t{7}, false},
      {int64_t{4} << 20, 2, kData, ~uint64_t{0}, ExitReason::MemFault, kData + (4 << 20), true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << "step " << c.step << " a1 " << std::hex << c.a1 << " a2 " << c.a2);
    code[2] = 0x00a5b023u;  // sd a0, 0(a1)
    code[3] = c.by_a4 ? 0x00e585b3u : c.step > 0 ? 0x04058593u : 0xfc058593u;
    if (c.by_a4 == 2) std::swap(code[2], code[3]);
    diff::Machine jm(*jit), im(*jit);
    for (diff::Machine* m : {&jm, &im}) {
      ASSERT_EQ(m->as->map(kTop, 0x1000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, ""), kTop);
      ASSERT_EQ(m->as->map(0, 0x1000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, ""), 0u);
      m->as->poke(diff::kCode, code.data(), code.size() * 4);
      m->vcpu->state.x[11] = c.a1;
      m->vcpu->state.x[12] = c.a2;
      m->vcpu->state.x[13] = 10;
      m->vcpu->state.x[14] = static_cast<uint64_t>(c.step);
      m->vcpu->state.pc = diff::kCode;
    }
    const Outcome o = run_both(jm, im, 100);
    EXPECT_EQ(o.exit, c.exit);
    expect_same(o);
    if (c.exit == ExitReason::MemFault) {
      EXPECT_EQ(o.jit.fault_addr, c.fault_addr);
      EXPECT_EQ(o.jit.pc, diff::kCode + (c.by_a4 == 2 ? 12 : 8));
    }
    for (uint64_t page : {uint64_t{0}, kData, kTop}) {
      std::vector<uint8_t> a(0x1000), b(0x1000);
      jm.as->read(page, a.data(), a.size());
      im.as->read(page, b.data(), b.size());
      EXPECT_EQ(a, b);
    }
    EXPECT_EQ(jm.cache->lookup(diff::kCode, kTbChecked) != nullptr, c.retry);
    EXPECT_EQ(jm.vcpu->state.one_insn_once, 0u);
  }
}

// The sieve's store, s[j] = 0 with j an unsigned word: base + zext32(j).
// The base is checked once before the loop; the index, whatever it is,
// reaches at most 4 GiB past the limit, which the wide guard after the
// reservation covers: an index that leaves the guest's space faults where
// the interpreter does, and no store lands outside the reservation. (The
// second form, an int array, zext32(j) * 4, is checked per access.)
TEST(JitRecovery, WideIndexFaultsInTheGuard) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  std::vector<uint32_t> code = {
      0x02071613u,  // loop: slli a2, a4, 32
      0x02065613u,  // srli a2, a2, 32 (or 30: the index times 4)
      0x00b60633u,  // add a2, a2, a1
      0x00060023u,  // sb zero, 0(a2) (or sw)
      0x00f7073bu,  // addw a4, a4, a5
      0xfed766e3u,  // bltu a4, a3, loop
      0x00000073u,  // ecall
  };
  struct Case {
    uint64_t a1, a4, a5, a3;
    ExitReason exit;
    uint64_t fault_addr;  // (for scale 1)
  };
  const uint64_t kTop = kGuestVaMax - 0x1000;
  const Case cases[] = {
      {kData, 0, 64, 640, ExitReason::Ecall, 0},
      {kData, 0, 0x40000000, ~uint64_t{0}, ExitReason::MemFault, kData + 0x40000000},  // unmapped
      {kTop, 0, 0x800, ~uint64_t{0}, ExitReason::MemFault, kGuestVaMax},               // the limit
      {kTop, 0x7fffff00, 0x10, ~uint64_t{0}, ExitReason::MemFault, kTop + 0x7fffff00},
      {kTop, 0xffffffff80000000ull, 1, ~uint64_t{0}, ExitReason::MemFault, kTop + 0x80000000ull},
      {kTop, ~uint64_t{0}, 1, ~uint64_t{0}, ExitReason::MemFault, kTop + 0xffffffffull},  // the largest index
      {kGuestVaMax + 8, 0, 64, ~uint64_t{0}, ExitReason::MemFault, kGuestVaMax + 8},   // the base is out
      {~uint64_t{0xfff}, 0x1000, 64, 0x1400, ExitReason::Ecall, 0},                     // wraps to page 0
  };
  for (int scale : {1, 4}) {
    code[1] = scale == 1 ? 0x02065613u : 0x01e65613u;
    code[3] = scale == 1 ? 0x00060023u : 0x00062023u;
    for (const Case& c : cases) {
      SCOPED_TRACE(testing::Message() << "scale " << scale << std::hex << " a1 " << c.a1 << " a4 " << c.a4);
      diff::Machine jm(*jit), im(*jit);
      for (diff::Machine* m : {&jm, &im}) {
        ASSERT_EQ(m->as->map(kTop, 0x1000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, ""), kTop);
        ASSERT_EQ(m->as->map(0, 0x4000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, ""), 0u);
        m->as->poke(diff::kCode, code.data(), code.size() * 4);
        m->vcpu->state.x[11] = c.a1;
        m->vcpu->state.x[13] = c.a3;
        m->vcpu->state.x[14] = c.a4;
        m->vcpu->state.x[15] = c.a5;
        m->vcpu->state.pc = diff::kCode;
      }
      const Outcome o = run_both(jm, im, 100);
      EXPECT_EQ(o.exit, c.exit);
      expect_same(o);
      if (c.exit == ExitReason::MemFault) {
        EXPECT_EQ(o.jit.pc, diff::kCode + 12);
        if (scale == 1) {
          EXPECT_EQ(o.jit.fault_addr, c.fault_addr);
        }
      }
      for (uint64_t page : {uint64_t{0}, uint64_t{0x3000}, kData, kTop}) {
        std::vector<uint8_t> a(0x1000), b(0x1000);
        jm.as->read(page, a.data(), a.size());
        im.as->read(page, b.data(), b.size());
        EXPECT_EQ(a, b);
      }
    }
  }
}

// A word counter in a self-loop (addiw a0, a0, 1, read only by W ops at
// the head) is a narrow loop register: its host register keeps the sum
// before the sign extension. A fault while it holds 0x80000000 (the round
// that crosses 2^31) must restore a0 = 0xffffffff80000000, as the
// interpreter has it; a counter that enters not sign-extended runs the
// block's kTbChecked form.
TEST(JitRecovery, NarrowLoopCounterAtAFault) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  const std::vector<uint32_t> code = {
      0x0015051bu,  // loop: addiw a0, a0, 1
      0x00a5b023u,  // sd a0, 0(a1)
      0x04058593u,  // addi a1, a1, 64
      0xfed51ae3u,  // bne a0, a3, loop
      0x00000073u,  // ecall
  };
  const uint64_t kTop = kGuestVaMax - 0x1000;
  for (uint64_t a0 : {uint64_t{0x7ffffffe}, uint64_t{0x17ffffffe}}) {
    SCOPED_TRACE(testing::Message() << "a0 " << std::hex << a0);
    diff::Machine jm(*jit), im(*jit);
    for (diff::Machine* m : {&jm, &im}) {
      ASSERT_EQ(m->as->map(kTop, 0x1000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, ""), kTop);
      m->as->poke(diff::kCode, code.data(), code.size() * 4);
      m->vcpu->state.x[10] = a0;
      m->vcpu->state.x[11] = kGuestVaMax - 64;  // the second round's store faults
      m->vcpu->state.x[13] = 0x1234;
      m->vcpu->state.pc = diff::kCode;
    }
    const Outcome o = run_both(jm, im, 100);
    EXPECT_EQ(o.exit, ExitReason::MemFault);
    expect_same(o);
    EXPECT_EQ(o.jit.x[10], 0xffffffff80000000ull);
    EXPECT_EQ(o.jit.pc, diff::kCode + 4);
    EXPECT_EQ(jm.cache->lookup(diff::kCode, kTbChecked) != nullptr, a0 >> 32 != 0);
  }
}

// A self-loop block's body as out_asm logged it: after the exit-request
// check (a `cmp dword ptr [r15+...], 0x00` and its jnz; before the loop
// head, as the rounds do not read it) and the head's alignment, up to the
// back edge; and as one text.
std::vector<std::string> loop_body(const std::string& logged, std::string* text) {
  std::istringstream in(logged);
  std::vector<std::string> body;
  bool in_body = false, after_check = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find("cmp dword ptr [r15+") != std::string::npos && line.find(", 0x00") != std::string::npos) {
      after_check = true;
      continue;
    }
    if (after_check) {  // the check's jnz
      after_check = false;
      in_body = true;
      continue;
    }
    if (!in_body || (body.empty() && line.find(":  nop") != std::string::npos)) continue;
    body.push_back(line);
    if (line.find(":  j") != std::string::npos) break;
  }
  for (const std::string& l : body) *text += l + "\n";
  return body;
}

// A loop over the bytes at kData (a5 walks them up to t3, a3 and a1 start
// at the values given), run by the JIT and the interpreter from the same
// state to its ecall; the JIT's host code goes to *logged.
Outcome run_byte_loop(const std::vector<uint32_t>& code, const std::vector<uint8_t>& bytes, uint64_t a3,
                      uint64_t a1, size_t insns_per_byte, std::string* logged) {
  std::string err;
  auto jit = Jit::create(&err);
  EXPECT_TRUE(jit) << err;
  diff::Machine jm(*jit), im(*jit);
  jm.log.set_sink([logged](const std::string& text) { *logged += text; });
  jm.log.set_mask(kLog_out_asm);
  for (diff::Machine* m : {&jm, &im}) {
    m->as->poke(diff::kCode, code.data(), code.size() * 4);
    m->as->poke(kData, bytes.data(), bytes.size());
    m->vcpu->state.x[15] = kData;
    m->vcpu->state.x[28] = kData + bytes.size();
    m->vcpu->state.x[13] = a3;
    m->vcpu->state.x[11] = a1;
    m->vcpu->state.pc = diff::kCode;
  }
  const Outcome o = run_both(jm, im, insns_per_byte * bytes.size() + 1);
  EXPECT_EQ(o.exit, ExitReason::Ecall);
  expect_same(o);
  return o;
}

// The byte sum `lbu a4,0(a5); addi a5,a5,1; addw a4,a4,a3; sext.w a3,a4;
// bne a5,t3`: a4 and a3 are both narrow loop registers set from the one
// sext_w of the add, which each set_reg reads from under (set_src_). The
// extension itself is then read by nothing and must not be emitted, even
// with no 32-bit compare in the loop (it was: a movsxd into a register
// nothing read, 8 host instructions per round instead of 6). The sums
// that cross 2^31 are the interpreter's.
TEST(JitRecovery, NarrowRegistersFromOneExtensionEmitNoExtension) {
  const std::vector<uint32_t> code = {
      0x0007c703u,  // loop: lbu a4, 0(a5)
      0x00178793u,  // addi a5, a5, 1
      0x00d7073bu,  // addw a4, a4, a3
      0x0007069bu,  // sext.w a3, a4
      0xffc798e3u,  // bne a5, t3, loop
      0x00000073u,  // ecall
  };
  std::string logged;
  const std::vector<uint8_t> bytes(200, 0xff);
  const Outcome o = run_byte_loop(code, bytes, 0x7fffff00, 0, 5, &logged);  // (crosses 2^31 after two bytes)
  EXPECT_EQ(o.jit.x[13], static_cast<uint64_t>(static_cast<int32_t>(0x7fffff00u + 200 * 0xff)));
  std::string text;
  const std::vector<std::string> body = loop_body(logged, &text);
  ASSERT_GE(body.size(), 4u) << text;
  EXPECT_EQ(text.find("movsxd"), std::string::npos) << text;
  EXPECT_LE(body.size(), 6u) << text;
}

// A byte sum and a sum of its shifted values, in words (`addw a3,a3,a4;
// slliw a2,a3,3; addw a1,a1,a2`): a3 and a1 are narrow loop registers. The
// round's other reader of a3's new value, the slliw, reads only its low
// half, so drop_low_extensions points it under the extension, which is not
// emitted (it was a movsxd into a second register beside the narrow
// register's copy). The slliw extends as a W shift does (a2 is no narrow
// register: its value is no sext_w). Wrapping sums are the interpreter's.
TEST(JitRecovery, NarrowWordChainEmitsNoExtension) {
  const std::vector<uint32_t> code = {
      0x0007c703u,  // loop: lbu a4, 0(a5)
      0x00178793u,  // addi a5, a5, 1
      0x00e686bbu,  // addw a3, a3, a4
      0x0036961bu,  // slliw a2, a3, 3
      0x00c585bbu,  // addw a1, a1, a2
      0xffc796e3u,  // bne a5, t3, loop
      0x00000073u,  // ecall
  };
  std::string logged;
  std::vector<uint8_t> bytes(300);
  for (size_t k = 0; k < bytes.size(); ++k) bytes[k] = static_cast<uint8_t>(k * 37 + 11);
  const Outcome o = run_byte_loop(code, bytes, 0x7fffff00, 5, 6, &logged);  // (a3 crosses 2^31 at once)
  uint32_t sum = 0x7fffff00, total = 5;
  for (uint8_t b : bytes) sum += b, total += sum << 3;
  auto word = [](uint32_t v) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))); };
  EXPECT_EQ(o.jit.x[13], word(sum));
  EXPECT_EQ(o.jit.x[11], word(total));
  std::string text;
  const std::vector<std::string> body = loop_body(logged, &text);
  ASSERT_GE(body.size(), 5u) << text;
  size_t extensions = 0;
  for (const std::string& l : body) extensions += l.find("movsxd") != std::string::npos;
  EXPECT_EQ(extensions, 1u) << text;
}

// A word counter compared with an invariant register: the compare is
// 32-bit (plan_narrow), with the bound checked sign-extended before the
// loop. Across the sign boundary (0x7fffffff -> 0xffffffff80000000), signed
// and unsigned, the rounds are the interpreter's; a bound that is no
// sign-extended word runs the kTbChecked form, as does a counter that is not.
TEST(JitRecovery, WordCompareAcrossTheSignBoundary) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  std::vector<uint32_t> code = {
      0x0015051bu,  // loop: addiw a0, a0, 1
      0x00a5b023u,  // sd a0, 0(a1)
      0x00858593u,  // addi a1, a1, 8
      0xfed56ae3u,  // bltu a0, a3, loop (or blt)
      0x00000073u,  // ecall
  };
  struct Case {
    bool is_signed;
    uint64_t a0, a3;
    bool checked;
  };
  const Case cases[] = {
      {false, 0x7ffffffc, 0xffffffff80000005ull, false},  // 9 rounds across the boundary
      {true, 0x7ffffffc, 0x7fffffff, false},              // 3 rounds
      {true, 0xfffffffffffffff0ull, 5, false},            // negative up to 5
      {false, 0x7ffffffc, 0x80000005ull, true},           // not sign-extended: checked form
      {true, 0x17ffffffcull, 0x7fffffff, true},           // the counter is not either
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << (c.is_signed ? "blt" : "bltu") << std::hex << " a0 " << c.a0 << " a3 " << c.a3);
    code[3] = c.is_signed ? 0xfed54ae3u : 0xfed56ae3u;
    diff::Machine jm(*jit), im(*jit);
    for (diff::Machine* m : {&jm, &im}) {
      m->as->poke(diff::kCode, code.data(), code.size() * 4);
      m->vcpu->state.x[10] = c.a0;
      m->vcpu->state.x[11] = kData;
      m->vcpu->state.x[13] = c.a3;
      m->vcpu->state.pc = diff::kCode;
    }
    const Outcome o = run_both(jm, im, 100);
    EXPECT_EQ(o.exit, ExitReason::Ecall);
    expect_same(o);
    std::vector<uint8_t> a(0x400), b(0x400);
    jm.as->read(kData, a.data(), a.size());
    im.as->read(kData, b.data(), b.size());
    EXPECT_EQ(a, b);
    EXPECT_EQ(jm.cache->lookup(diff::kCode, kTbChecked) != nullptr, c.checked);
  }
}

TEST(JitRecovery, NoFaultSameBlock) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  Outcome o = run(*jit, 31, 0);
  EXPECT_EQ(o.exit, ExitReason::Ecall);
  expect_same(o);
}

// A loop shaped like a SHA-2 round (state words passed down a chain of
// registers, the halves of a rotate and a Ch-like `and` written once and
// never read): t3 = t6 >> 7, s0 = t6 << 3 (s0 is pinned), t0 = t4 & t6,
// s1 = a copy of a loop invariant and a6's first value t4 << 5 (its second,
// after load B, is a loaded value) are rematerialised, from t6, t4 and a2.
// s6 copies t2 before load A overwrites it and is read at the end: at
// load B no register holds that value, a temp does (RematUse::temp).
// Load A (base `a_base`, 8 bytes on) comes before their set_regs: a fault
// there shows the previous iteration's values, or in the first iteration
// those from before the loop; load B (base `b_base`) comes after them.
// t5 walks by 8 per iteration; t1 counts 5 iterations down.
std::vector<uint32_t> remat_loop(unsigned a_base, unsigned b_base) {
  const std::vector<uint32_t> body = {
      addi(s6, t2, 0),                          // s6 = the old t2: in a temp at B
      ld(t2, a_base, 8),                        // A
      addi(t4, t6, 0), addi(t6, a1, 0),         // mv t4, t6; mv t6, a1
      srli(t3, t6, 7), slli(s0, t6, 3),         // rotate halves, never read
      and_(t0, t4, t6), addi(s1, a2, 0),        // Ch-like and, a copy of a2
      slli(a6, t4, 5),                          // a6's first value: rematerialised
      ld(s2, b_base, 0),                        // B
      add(a6, t2, s2),                          // its second: stored
      add(a1, a1, a6), xor_(a1, a1, s2), xor_(a1, a1, t4),
      addi(s7, s6, 0),                          // (reads it: still live at B)
      addi(t5, t5, 8), addi(t1, t1, -1),
  };
  std::vector<uint32_t> code = body;
  code.push_back(bne(t1, 0, -static_cast<int32_t>(body.size() * 4)));
  code.push_back(0x00000073);  // ecall
  return code;
}

Outcome run_remat(Jit& jit, unsigned a_base, unsigned b_base, uint64_t walker) {
  CpuState init{};
  for (int r = 1; r < 32; ++r) init.x[r] = 0x0123456789abcdefull * static_cast<uint64_t>(r) + 77;
  init.x[t1] = 5;
  init.x[t5] = walker;
  init.x[s4] = kData;  // a base that never faults
  const std::vector<uint32_t> code = remat_loop(a_base, b_base);
  return run_code(jit, code, init, code.size() * 6, walker > kData + kDataSize);
}

TEST(JitRecovery, SelfLoopRematHostFaults) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  const uint64_t end = kData + kDataSize;
  struct Case {
    const char* what;
    unsigned a_base, b_base;
    uint64_t walker;
    uint64_t fault_pc;
  } cases[] = {
      {"A, first iteration", t5, s4, end - 8, diff::kCode + 4},
      {"A, third iteration", t5, s4, end - 24, diff::kCode + 4},
      {"B, third iteration", s4, t5, end - 16, diff::kCode + 9 * 4},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Outcome o = run_remat(*jit, c.a_base, c.b_base, c.walker);
    EXPECT_EQ(o.exit, ExitReason::MemFault);
    EXPECT_EQ(o.jit.pc, c.fault_pc);
    EXPECT_GT(o.remat, 0u);  // the block does rematerialise
    expect_same(o);
  }
}

TEST(JitRecovery, SelfLoopRematRangeCheckFaults) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  struct Case {
    const char* what;
    unsigned a_base, b_base;
    uint64_t walker;
  } cases[] = {
      {"A, first iteration", t5, s4, kGuestVaMax - 8},
      {"A, third iteration", t5, s4, kGuestVaMax - 24},
      {"B, third iteration", s4, t5, kGuestVaMax - 16},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Outcome o = run_remat(*jit, c.a_base, c.b_base, c.walker);
    EXPECT_EQ(o.exit, ExitReason::MemFault);
    EXPECT_EQ(o.jit.fault_kind, FaultKind::OutOfRange);
    expect_same(o);
  }
}

TEST(JitRecovery, SelfLoopRematRunsToTheEnd) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  Outcome o = run_remat(*jit, s4, t5, kData);
  EXPECT_EQ(o.exit, ExitReason::Ecall);
  EXPECT_EQ(o.jit.x[t1], 0u);
  EXPECT_GT(o.remat, 0u);
  expect_same(o);
}

// A self-loop with an fmadd.s accumulator (fa4 += ft0 * fa2, ft0 loaded
// with flw) and a double sum (fs1 += fs2): fa4, fa2, fs1 and ft0 stay in
// xmm registers across iterations (FpLoopReg, backend_x86_loop.cpp). Run
// to its end; walking off the data page (a host fault in the third
// iteration: the f registers come from the signal context); and entered
// with fa4 or fa2 not NaN-boxed (the preamble's check fails and the
// checked form runs: they read as the canonical NaN). Each against the
// interpreter, f registers and fflags included.
TEST(JitRecovery, SelfLoopFpResidents) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  enum : unsigned { ft0 = 0, fs1 = 9, fa2 = 12, fa4 = 14, fs2 = 18 };
  const uint32_t flw = 0u << 20 | a0 << 15 | 2u << 12 | ft0 << 7 | 0x07;
  const uint32_t fmadd_s = fa4 << 27 | fa2 << 20 | ft0 << 15 | 7u << 12 | fa4 << 7 | 0x43;
  const uint32_t fadd_d = 1u << 25 | fs2 << 20 | fs1 << 15 | 7u << 12 | fs1 << 7 | 0x53;
  const std::vector<uint32_t> code = {flw, fmadd_s, fadd_d, addi(a0, a0, 4), addi(a1, a1, -1), bne(a1, 0, -20),
                                      0x00000073};
  struct Case {
    const char* what;
    uint64_t a0, fa4, fa2;
    ExitReason exit;
  };
  const uint64_t one_s = 0xffffffff3f800000ull, third_s = 0xffffffff3eaaaaabull, dbl = 0x3ff8000000000000ull;
  for (const Case& c : {Case{"to the end", kData, one_s, third_s, ExitReason::Ecall},
                        Case{"host fault", kData + kDataSize - 8, one_s, third_s, ExitReason::MemFault},
                        Case{"fa4 unboxed", kData, dbl, third_s, ExitReason::Ecall},
                        Case{"fa2 unboxed", kData, one_s, dbl, ExitReason::Ecall}}) {
    SCOPED_TRACE(c.what);
    diff::Machine jm(*jit), im(*jit);
    for (diff::Machine* m : {&jm, &im}) {
      m->as->poke(diff::kCode, code.data(), code.size() * 4);
      std::vector<float> data(kDataSize / 4);
      for (size_t k = 0; k < data.size(); ++k) data[k] = 0.25f + static_cast<float>(k % 7) * 0.375f;
      m->as->write(kData, data.data(), kDataSize);
      CpuState& s = m->vcpu->state;
      s.x[a0] = c.a0;
      s.x[a1] = 40;
      s.f[fa4] = c.fa4;
      s.f[fa2] = c.fa2;
      s.f[fs1] = 0x4000000000000000ull;  // 2.0
      s.f[fs2] = 0x3fb999999999999aull;  // 0.1: inexact sums
      s.f[ft0] = 0x1234;
      s.pc = diff::kCode;
    }
    Outcome o = run_both(jm, im, 40 * 6 + 1);
    EXPECT_EQ(o.exit, c.exit);
    expect_same(o);
    const CpuState &a = jm.vcpu->state, &b = im.vcpu->state;
    for (int r = 0; r < 32; ++r) EXPECT_EQ(a.f[r], b.f[r]) << "f" << r;
    EXPECT_EQ(a.fflags, b.fflags);
    TranslationBlock* tb = jm.cache->lookup(diff::kCode, 0);
    ASSERT_NE(tb, nullptr);
    EXPECT_EQ(static_cast<const TbData*>(tb->data.get())->recovery.fp.size(), 4u);  // ft0, fs1, fa2, fa4
  }
}

// bzip2's partition scan: block[zext32(s2 + ptr[i])] compared with a7 as
// words, walking ptr down. The index is a zero-extended word sum (ir_narrow
// makes `addw; slli 32; srli 32` one 32-bit add), so the access needs no
// check in the body (the wide guard takes any index: the base, invariant,
// is checked before the loop), and the word compare after the subw reads
// the extended value, whose flags the subw leaves: no second register for
// the unextended difference and no test. A base near the top of the space
// faults in the guard as the interpreter does.
TEST(JitRecovery, ZeroExtendedWordIndexInALoop) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  const std::vector<uint32_t> code = {
      0xffc50513u,  // loop: addi a0, a0, -4
      0x00052f83u,  // lw t6, 0(a0)
      0x01f907bbu,  // addw a5, s2, t6
      0x02079793u,  // slli a5, a5, 32
      0x0207d793u,  // srli a5, a5, 32
      0x01b787b3u,  // add a5, a5, s11
      0x0007c783u,  // lbu a5, 0(a5)
      0x411787bbu,  // subw a5, a5, a7
      0xfe0790e3u,  // bnez a5, loop
      0x00000073u,  // ecall
  };
  const uint64_t kTop = kGuestVaMax - 0x1000;
  struct Case {
    uint64_t s11, s2, a7;
    ExitReason exit;
    uint64_t fault_addr;
  };
  const Case cases[] = {
      {kData + 0x1000, 0x10, 0x100000000ull + 0x1a, ExitReason::Ecall, 0},  // found at ptr[10]: word compare
      {kData + 0x1000, 0xfffffff8, 0xffffffff00000002ull, ExitReason::Ecall, 0},  // the sum wraps at 2^32
      {kTop, 0x7fffff00, 7, ExitReason::MemFault, kTop + 0x7fffff00 + 15},    // far past the limit
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << std::hex << "s11 " << c.s11 << " s2 " << c.s2);
    diff::Machine jm(*jit), im(*jit);
    std::string logged;
    jm.log.set_sink([&](const std::string& text) { logged += text; });
    jm.log.set_mask(kLog_out_asm);
    std::vector<uint32_t> ptr(16);
    for (uint32_t k = 0; k < ptr.size(); ++k) ptr[k] = k;
    std::vector<uint8_t> block(0x100);
    for (uint32_t k = 0; k < block.size(); ++k) block[k] = static_cast<uint8_t>(k);
    for (diff::Machine* m : {&jm, &im}) {
      ASSERT_EQ(m->as->map(kTop, 0x1000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, ""), kTop);
      m->as->poke(diff::kCode, code.data(), code.size() * 4);
      m->as->poke(kData, ptr.data(), ptr.size() * 4);
      m->as->poke(kData + 0x1000, block.data(), block.size());
      // a0 past the end of ptr; s2, s11, a7
      for (const auto& [x, v] : {std::pair{10, kData + ptr.size() * 4}, {18, c.s2}, {27, c.s11}, {17, c.a7}})
        m->vcpu->state.x[x] = v;
      m->vcpu->state.pc = diff::kCode;
    }
    const Outcome o = run_both(jm, im, 200);
    EXPECT_EQ(o.exit, c.exit);
    expect_same(o);
    if (c.exit == ExitReason::Ecall) {
      EXPECT_EQ(o.jit.x[10], kData + 10 * 4);
    } else {
      EXPECT_EQ(o.jit.fault_addr, c.fault_addr);
      EXPECT_EQ(o.jit.pc, diff::kCode + 24);
    }
    std::string text;
    const std::vector<std::string> body = loop_body(logged, &text);
    ASSERT_GE(body.size(), 6u) << text;
    char limit[32];
    snprintf(limit, sizeof limit, "[r15+0x%X]", static_cast<unsigned>(offsetof(CpuState, mem_limit)));
    EXPECT_EQ(text.find(limit), std::string::npos) << text;
    EXPECT_EQ(text.find(":  test "), std::string::npos) << text;
  }
}

// Calls into short leaves are translated inline (FrontendOptions::
// inline_leaf_insns): a loop calling two leaves is one block, the leaves'
// returns go on after their calls, and ra is the guest's everywhere. The
// loop walks a0 through the data page: it ends at its ecall, or faults
// inside the first leaf (past the page: a host fault; past the limit: the
// range check) with pc in the leaf and ra the return address, as the
// interpreter has them.
TEST(JitRecovery, InlinedLeafCallsMatchInterpreter) {
  std::string err;
  auto jit = Jit::create(&err);
  ASSERT_TRUE(jit) << err;
  const std::vector<uint32_t> code = {
      0x018000efu,  //  0 loop: jal ra, leaf1 (+0x18)
      0x00850513u,  //  4 addi a0, a0, 8
      0x01c000efu,  //  8 jal ra, leaf2 (+0x1c: 0x24)
      0xfff70713u,  //  c addi a4, a4, -1
      0xfe0718e3u,  // 10 bnez a4, loop
      0x00000073u,  // 14 ecall
      0x00053583u,  // 18 leaf1: ld a1, 0(a0)
      0x00b60633u,  // 1c add a2, a2, a1
      0x00008067u,  // 20 ret
      0x00169793u,  // 24 leaf2: slli a5, a3, 1
      0x00d787b3u,  // 28 add a5, a5, a3
      0x00008067u,  // 2c ret
  };
  struct Case {
    uint64_t a0, a4;
    ExitReason exit;
  };
  const Case cases[] = {
      {kData, 20, ExitReason::Ecall},                         // 20 rounds
      {kData + kDataSize - 24, 10, ExitReason::MemFault},     // the 4th load is past the page
      {kGuestVaMax - 16, 10, ExitReason::MemFault},           // the 3rd is past the limit
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << std::hex << "a0 " << c.a0);
    diff::Machine jm(*jit), im(*jit);
    std::string logged;
    jm.log.set_sink([&](const std::string& text) { logged += text; });
    jm.log.set_mask(kLog_in_asm);
    std::vector<uint64_t> data(kDataSize / 8);
    for (size_t k = 0; k < data.size(); ++k) data[k] = 0x9e3779b97f4a7c15ull * (k + 1);
    for (diff::Machine* m : {&jm, &im}) {
      m->as->poke(diff::kCode, code.data(), code.size() * 4);
      m->as->write(kData, data.data(), kDataSize);
      for (int r = 1; r < 32; ++r) m->vcpu->state.x[r] = 0x1234567 * static_cast<uint64_t>(r);
      m->vcpu->state.x[a0] = c.a0;
      m->vcpu->state.x[14] = c.a4;
      m->vcpu->state.pc = diff::kCode;
    }
    const Outcome o = run_both(jm, im, 1000);
    EXPECT_EQ(o.exit, c.exit);
    expect_same(o);
    if (c.exit == ExitReason::MemFault) {
      EXPECT_EQ(o.jit.pc, diff::kCode + 0x18);
      EXPECT_EQ(o.jit.x[ra], diff::kCode + 4);
    }
    // One block for the loop, with both leaves in it (and their returns).
    const size_t first = logged.find("IN:");
    ASSERT_NE(first, std::string::npos) << logged;
    const std::string loop = logged.substr(first, logged.find("IN:", first + 3) - first);
    EXPECT_NE(loop.find("0x0000000000010024:"), std::string::npos) << loop;
    EXPECT_NE(loop.find("0x0000000000010010:"), std::string::npos) << loop;
  }
}

}  // namespace
}  // namespace hart
