// tests/unit/translator/shadow_stack_test.cpp — guest calls and returns on
// the host's call and ret (translator/backend_x86_call.cpp): whatever a
// program does with its return addresses, the JIT leaves the registers,
// memory, pc and exit the interpreter leaves. Each program runs its calls
// in a loop, so that the second round on runs chained, on the shadow stack:
//  - recursion far deeper than kShadowDepth (the stack drops its frames
//    and starts again; the returns past them take the sentinel), and deep
//    enough that frames kept without that bound would overflow the host
//    stack;
//  - returns elsewhere than the call's return pc (a callee that skips the
//    instruction after its call; a longjmp out of two frames), whose
//    landings must compare the target;
//  - returns with no call (a jump to a function that returns through a
//    link the program computed), indirect calls to alternating callees,
//    calls and returns through t0 (millicode), a coroutine-style jalr ra, t0;
//  - a fault inside a callee two calls deep, with values spilled.
// It also checks that the JIT did make calls and returns of those blocks
// (TranslateStats::calls, ::returns), so that it tests what it says.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/unit/translator/jit_diff.h"

namespace hart {
namespace {

using diff::kData;
using diff::kDataSize;

enum : unsigned { zero = 0, ra = 1, sp = 2, t0 = 5, t1 = 6, t2 = 7, s0 = 8, s1 = 9, a0 = 10, a1 = 11, a2 = 12,
                  a3 = 13, a4 = 14, a5 = 15, s2 = 18, s3 = 19, s4 = 20, s5 = 21, s6 = 22, s7 = 23, s8 = 24,
                  s9 = 25, s10 = 26, s11 = 27, t3 = 28, t4 = 29, t5 = 30, t6 = 31 };

// The guest stack: 4 MiB below kStackTop.
constexpr uint64_t kStackTop = 0x4000000, kStackSize = 4 << 20;

// A little RV64I assembler with labels (branch and jump offsets resolved
// when the code is taken).
class Asm {
 public:
  void label(const std::string& l) { labels_[l] = pc(); }
  void emit(uint32_t w) { code_.push_back(w); }
  void addi(unsigned rd, unsigned a, int32_t imm) { i_type(0x13, 0, rd, a, imm); }
  void ld(unsigned rd, unsigned base, int32_t imm) { i_type(0x03, 3, rd, base, imm); }
  void sd(unsigned src, unsigned base, int32_t imm) {
    const uint32_t o = static_cast<uint32_t>(imm);
    emit((o >> 5 & 0x7f) << 25 | src << 20 | base << 15 | 3 << 12 | (o & 0x1f) << 7 | 0x23);
  }
  void add(unsigned rd, unsigned a, unsigned b) { emit(b << 20 | a << 15 | rd << 7 | 0x33); }
  void sub(unsigned rd, unsigned a, unsigned b) { emit(0x20u << 25 | b << 20 | a << 15 | rd << 7 | 0x33); }
  void xor_(unsigned rd, unsigned a, unsigned b) { emit(b << 20 | a << 15 | 4 << 12 | rd << 7 | 0x33); }
  void mul(unsigned rd, unsigned a, unsigned b) { emit(1u << 25 | b << 20 | a << 15 | rd << 7 | 0x33); }
  void jalr(unsigned rd, unsigned rs1, int32_t imm) { i_type(0x67, 0, rd, rs1, imm); }
  void ret() { jalr(zero, ra, 0); }
  void ecall() { emit(0x00000073); }
  void jal(unsigned rd, const std::string& l) { fix_.push_back({code_.size(), l, 'j'}), emit(0x6f | rd << 7); }
  void beq(unsigned a, unsigned b, const std::string& l) { branch(0, a, b, l); }
  void bne(unsigned a, unsigned b, const std::string& l) { branch(1, a, b, l); }
  void blt(unsigned a, unsigned b, const std::string& l) { branch(4, a, b, l); }
  // rd = the address of label l (auipc + addi).
  void la(unsigned rd, const std::string& l) {
    fix_.push_back({code_.size(), l, 'a'});
    emit(0x17 | rd << 7);
    emit(0x13 | rd << 7 | rd << 15);
  }
  uint64_t pc() const { return diff::kCode + 4 * code_.size(); }
  uint64_t at(const std::string& l) const { return labels_.at(l); }
  std::vector<uint32_t> take() const {
    std::vector<uint32_t> c = code_;
    for (const Fix& f : fix_) {
      const uint32_t off = static_cast<uint32_t>(labels_.at(f.label) - (diff::kCode + 4 * f.at));
      uint32_t& w = c[f.at];
      if (f.kind == 'j') {
        w |= (off >> 20 & 1) << 31 | (off >> 1 & 0x3ff) << 21 | (off >> 11 & 1) << 20 | (off >> 12 & 0xff) << 12;
      } else if (f.kind == 'b') {
        w |= (off >> 12 & 1) << 31 | (off >> 5 & 0x3f) << 25 | (off >> 1 & 0xf) << 8 | (off >> 11 & 1) << 7;
      } else {  // auipc + addi
        const uint32_t lo = off & 0xfff, hi = (off + 0x800) & 0xfffff000;
        w |= hi;
        c[f.at + 1] |= lo << 20;
      }
    }
    return c;
  }

 private:
  struct Fix {
    size_t at;
    std::string label;
    char kind;
  };
  void i_type(uint32_t op, uint32_t f3, unsigned rd, unsigned rs1, int32_t imm) {
    emit(static_cast<uint32_t>(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op);
  }
  void branch(uint32_t f3, unsigned a, unsigned b, const std::string& l) {
    fix_.push_back({code_.size(), l, 'b'});
    emit(b << 20 | a << 15 | f3 << 12 | 0x63);
  }
  std::vector<uint32_t> code_;
  std::vector<Fix> fix_;
  std::map<std::string, uint64_t> labels_;
};

// Function prologue and epilogue: a 32-byte frame with ra and s0.
void enter(Asm& a) {
  a.addi(sp, sp, -32);
  a.sd(ra, sp, 24);
  a.sd(s0, sp, 16);
}
void leave(Asm& a) {
  a.ld(ra, sp, 24);
  a.ld(s0, sp, 16);
  a.addi(sp, sp, 32);
  a.ret();
}

struct State {  // what a run leaves visible
  uint64_t x[32] = {};
  uint64_t pc = 0, fault_addr = 0;
  ExitReason exit_reason = ExitReason::None;
  std::vector<uint8_t> mem;  // the data page and the stack
};
struct Outcome {
  ExitReason exit = ExitReason::None;
  State jit, interp;
};

// Runs the program translated and interpreted from the same registers
// (sp at kStackTop, s2 at kData, a0 = arg), the interpreter for at most
// max_insns instructions.
Outcome run_prog(Jit& jit, const Asm& a, uint64_t arg, uint64_t max_insns) {
  const std::vector<uint32_t> code = a.take();
  diff::Machine jm(jit), im(jit);
  for (diff::Machine* m : {&jm, &im}) {
    m->as->map(kStackTop - kStackSize, kStackSize, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, "");
    m->as->poke(diff::kCode, code.data(), code.size() * 4);
    CpuState& s = m->vcpu->state;
    for (int r = 1; r < 32; ++r) s.x[r] = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(r);
    s.x[sp] = kStackTop;
    s.x[s2] = kData;
    s.x[a0] = arg;
    s.pc = diff::kCode;
  }
  Outcome o;
  o.exit = jm.vcpu->run();
  im.vcpu->run_guarded([](Vcpu& v, void* n) { interp_run(v, *static_cast<uint64_t*>(n)); }, &max_insns);
  for (auto [m, st] : {std::pair{&jm, &o.jit}, std::pair{&im, &o.interp}}) {
    const CpuState& s = m->vcpu->state;
    memcpy(st->x, s.x, sizeof st->x);
    st->pc = s.pc;
    st->fault_addr = s.fault_addr;
    st->exit_reason = s.exit_reason;
    st->mem.resize(kDataSize + kStackSize);
    m->as->read(kData, st->mem.data(), kDataSize);
    m->as->read(kStackTop - kStackSize, st->mem.data() + kDataSize, kStackSize);
  }
  return o;
}

void expect_same(const Outcome& r, ExitReason exit) {
  EXPECT_EQ(r.exit, exit);
  EXPECT_EQ(r.jit.exit_reason, r.interp.exit_reason);
  EXPECT_EQ(r.jit.pc, r.interp.pc);
  for (int k = 0; k < 32; ++k) EXPECT_EQ(r.jit.x[k], r.interp.x[k]) << "x" << k;
  if (exit == ExitReason::MemFault) {
    EXPECT_EQ(r.jit.fault_addr, r.interp.fault_addr);
  }
  EXPECT_TRUE(r.jit.mem == r.interp.mem) << "memory differs";
}

class ShadowStack : public testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    jit_ = Jit::create(&err);
    ASSERT_TRUE(jit_) << err;
  }
  // The blocks made since the last call with a call, with a return.
  std::pair<uint64_t, uint64_t> made() {
    const Jit::TranslateStats st = jit_->translate_stats();
    std::pair<uint64_t, uint64_t> n{st.calls - calls_, st.returns - returns_};
    calls_ = st.calls;
    returns_ = st.returns;
    return n;
  }
  std::unique_ptr<Jit> jit_;
  uint64_t calls_ = 0, returns_ = 0;
};

// sum(n) = n + sum(n - 1), recursively (a frame per level), three rounds;
// a1 accumulates n * sum(n) in each, s1 counts the rounds.
Asm recursion() {
  Asm a;
  a.addi(s1, zero, 3);
  a.addi(a1, zero, 0);
  a.addi(s3, a0, 0);
  a.label("round");
  a.addi(a0, s3, 0);
  a.jal(ra, "sum");
  a.mul(t1, a0, s3);
  a.add(a1, a1, t1);
  a.addi(s1, s1, -1);
  a.bne(s1, zero, "round");
  a.ecall();
  a.label("sum");
  enter(a);
  a.addi(s0, a0, 0);
  a.beq(a0, zero, "base");
  a.addi(a0, a0, -1);
  a.jal(ra, "sum");
  a.add(a0, a0, s0);
  a.label("base");
  leave(a);
  return a;
}

TEST_F(ShadowStack, RecursionDeeperThanTheShadowStack) {
  for (uint64_t depth : {3u, 63u, 64u, 65u, 200u, 1000u}) {
    SCOPED_TRACE(depth);
    const Outcome r = run_prog(*jit_, recursion(), depth, 3 * 13 * (depth + 2) + 20);
    expect_same(r, ExitReason::Ecall);
    EXPECT_EQ(r.jit.x[a0], depth * (depth + 1) / 2);
  }
  const auto [calls, returns] = made();
  EXPECT_GT(calls, 0u);
  EXPECT_GT(returns, 0u);
}

// Without the bound on its depth the shadow stack would take 500 bytes of
// host stack per guest call: 60,000 levels are 30 MB, past the 8 MiB of
// the thread running the test.
TEST_F(ShadowStack, RecursionFarDeeperThanTheHostStack) {
  const uint64_t depth = 60000;  // (32 bytes a frame: 1.9 MB of the guest stack)
  const Outcome r = run_prog(*jit_, recursion(), depth, 3 * 13 * (depth + 2) + 20);
  expect_same(r, ExitReason::Ecall);
  EXPECT_EQ(r.jit.x[a0], depth * (depth + 1) / 2);
}

// A callee that returns past the instruction after its call (ra + 4), in a
// loop: the landing after the call must see that the target is not its
// return pc. The skipped instruction would add 1000 to a1.
TEST_F(ShadowStack, ReturnsElsewhereThanTheCallsReturnPc) {
  Asm a;
  a.addi(s1, zero, 50);
  a.addi(a1, zero, 0);
  a.label("loop");
  a.jal(ra, "skip");
  a.addi(a1, a1, 1000);  // never runs
  a.addi(a1, a1, 1);
  a.jal(ra, "plain");
  a.addi(a1, a1, 7);
  a.addi(s1, s1, -1);
  a.bne(s1, zero, "loop");
  a.ecall();
  a.label("skip");
  a.addi(a2, a2, 3);
  a.addi(ra, ra, 4);
  a.ret();
  a.label("plain");
  a.addi(a2, a2, 5);
  a.ret();
  const Outcome r = run_prog(*jit_, a, 0, 20 * 50 + 10);
  expect_same(r, ExitReason::Ecall);
  EXPECT_EQ(r.jit.x[a1], 50u * 8);
  // (plain's return is inlined with it: KnownRegs, a leaf call.)
  const auto [calls, returns] = made();
  EXPECT_GE(calls, 2u);
  EXPECT_GE(returns, 1u);
}

// longjmp: three calls deep, the innermost function returns straight to
// the outermost call's return pc with the outermost frame's sp (setjmp's
// saved ra and sp in s4, s5); the two landings below get the wrong target,
// later returns meet entries of calls that never returned (two more a
// round: past kShadowDepth after 32 rounds).
TEST_F(ShadowStack, LongjmpOutOfTwoFrames) {
  Asm a;
  a.addi(s1, zero, 50);
  a.label("loop");
  a.addi(s5, sp, 0);        // setjmp: sp
  a.la(s4, "landed");       // setjmp: the return pc
  a.jal(ra, "f1");
  a.addi(a1, a1, 1000);     // never runs: f1 does not return here
  a.label("landed");
  a.addi(a1, a1, 1);
  a.jal(ra, "f4");          // an ordinary call and return after it
  a.addi(s1, s1, -1);
  a.bne(s1, zero, "loop");
  a.ecall();
  a.label("f1");
  enter(a);
  a.addi(a2, a2, 1);
  a.jal(ra, "f2");
  a.addi(a2, a2, 1000);     // never runs
  leave(a);
  a.label("f2");
  enter(a);
  a.addi(a3, a3, 1);
  a.jal(ra, "f3");
  a.addi(a3, a3, 1000);     // never runs
  leave(a);
  a.label("f3");
  a.addi(sp, s5, 0);        // longjmp
  a.addi(ra, s4, 0);
  a.ret();
  a.label("f4");
  enter(a);
  a.addi(a4, a4, 2);
  leave(a);
  const Outcome r = run_prog(*jit_, a, 0, 40 * 50 + 10);
  expect_same(r, ExitReason::Ecall);
  EXPECT_EQ(r.jit.x[sp], kStackTop);
}

// Returns with no call (a function reached by a jump returns through a
// link computed with auipc), indirect calls to two callees in turn, a
// millicode call through t0 (jal t0 / jr t0), a coroutine-style jalr ra, t0
// (pop and push at once: neither here) and a call whose callee calls on
// through a tail jump.
TEST_F(ShadowStack, ReturnsWithoutCallsAndOtherLinks) {
  Asm a;
  a.addi(s1, zero, 40);
  a.addi(a1, zero, 0);
  a.la(s6, "odd");
  a.la(s7, "even");
  a.label("loop");
  // No call: ra computed, then a plain jump to a function that returns.
  a.la(ra, "back");
  a.jal(zero, "plain");
  a.addi(a1, a1, 1000);  // never runs
  a.label("back");
  // Indirect calls: odd and even rounds call different functions.
  a.emit(0x0014f793 | 0);  // andi a5, s1, 1
  a.addi(t2, s6, 0);
  a.bne(a5, zero, "pick");
  a.addi(t2, s7, 0);
  a.label("pick");
  a.jalr(ra, t2, 0);
  a.add(a1, a1, a0);
  // Millicode: jal t0, save; save returns with jr t0.
  a.jal(t0, "save");
  a.addi(a1, a1, 3);
  // Coroutine-style: ra = back2, t0 = coroutine; jalr ra, 0(t0) writes
  // ra with the next pc, and the coroutine returns through it.
  a.la(t0, "coroutine");
  a.jalr(ra, t0, 0);
  a.addi(a1, a1, 5);
  // A call whose callee tail-jumps to another function, which returns to
  // the call.
  a.jal(ra, "tail");
  a.addi(a1, a1, 11);
  a.addi(s1, s1, -1);
  a.bne(s1, zero, "loop");
  a.ecall();
  a.label("plain");
  a.addi(a2, a2, 1);
  a.ret();
  a.label("odd");
  a.addi(a0, zero, 17);
  a.ret();
  a.label("even");
  a.addi(a0, zero, 29);
  a.ret();
  a.label("save");
  a.addi(a3, a3, 1);
  a.jalr(zero, t0, 0);
  a.label("coroutine");
  a.addi(a4, a4, 1);
  a.jalr(zero, ra, 0);
  a.label("tail");
  a.addi(s8, s8, 1);
  a.jal(zero, "plain");
  const Outcome r = run_prog(*jit_, a, 0, 40 * 40 + 20);
  expect_same(r, ExitReason::Ecall);
  EXPECT_EQ(r.jit.x[a1], 20u * (17 + 29) + 40u * (3 + 5 + 11));
  const auto [calls, returns] = made();
  EXPECT_GE(calls, 4u);
  EXPECT_GE(returns, 4u);
}

// A loop calls f, which calls g, which keeps more values live than the
// host has registers and then loads through a pointer that walks off the
// data page: the fault comes two calls deep, in a later round, with values
// in spill slots of g's frame.
TEST_F(ShadowStack, FaultTwoCallsDeep) {
  Asm a;
  a.addi(s3, s2, 0);
  a.label("loop");
  a.jal(ra, "f");
  a.add(a1, a1, a0);
  a.jal(zero, "loop");
  a.label("f");
  enter(a);
  a.jal(ra, "g");
  a.addi(a0, a0, 1);
  leave(a);
  a.label("g");
  const unsigned vals[] = {t1, t2, a2, a3, a4, a5, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6};
  unsigned prev = s3;
  for (unsigned v : vals) {
    a.mul(v, prev, s1);
    a.addi(v, v, static_cast<int32_t>(v));
    prev = v;
  }
  a.ld(a0, s3, 0);
  a.addi(s3, s3, 512);
  for (unsigned v : vals) a.xor_(a0, a0, v);
  a.sd(a0, s3, -8);
  a.ret();
  const uint64_t rounds = kDataSize / 512;
  const Outcome r = run_prog(*jit_, a, 0, rounds * 70 + 70);
  expect_same(r, ExitReason::MemFault);
  EXPECT_EQ(r.jit.fault_addr, kData + kDataSize);
  EXPECT_EQ(r.jit.pc, a.at("g") + 4 * 2 * std::size(vals));
}

}  // namespace
}  // namespace hart
