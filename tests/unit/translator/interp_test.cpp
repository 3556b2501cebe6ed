// tests/unit/translator/interp_test.cpp — reference interpreter semantics on
// edge cases (M overflow, W ops, LR/SC, AMOs, misaligned and faulting
// accesses, CSRs, F/D: NaN-boxing, fmin/fmax, fcvt saturation, rounding
// modes, fflags, tininess, host MXCSR left untouched, software fma vs
// FMA3) and decoder coverage (every table opcode, RVC
// reserved encodings). Runs interp_run inside Vcpu::run through a
// test-only Executor so guest faults are recovered.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "core/address_space.h"
#include "core/tb_cache.h"
#include "core/vcpu.h"
#include "translator/decode.h"
#include "translator/fp_ops.h"
#include "translator/interp.h"

namespace hart {
namespace {

// Executor whose "TBs" just run the interpreter (code = guest pc as a fake
// host address, size 0: never matches a host fault pc).
class InterpExecutor : public Executor {
 public:
  bool translate(Vcpu&, uint64_t pc, uint32_t flags, TranslationBlock* tb) override {
    tb->pc = pc;
    tb->pc_end = pc + 1;
    tb->flags = flags;
    tb->code = reinterpret_cast<uint8_t*>(pc | 1);
    return true;
  }
  ExitValue enter(Vcpu& v, TranslationBlock*) override {
    interp_run(v, 1u << 20);
    if (v.state.exit_reason == ExitReason::None) v.state.exit_reason = ExitReason::Halted;
    return 0;
  }
  void link(TranslationBlock*, int, TranslationBlock*) override {}
  void unlink(TranslationBlock*, int) override {}
  void free_code(TranslationBlock*) override {}
  void restore_state(Vcpu&, const TranslationBlock*, uintptr_t, const ucontext_t*) override {}
  bool owns_code(uintptr_t) const override { return false; }
};

constexpr uint64_t kCode = 0x10000, kData = 0x200000;

struct Machine {
  InterpExecutor ex;
  std::unique_ptr<AddressSpace> as;
  std::unique_ptr<TbCache> cache;
  GuestLog log;
  std::unique_ptr<Vcpu> vcpu;
  std::vector<uint32_t> code;
  Machine() {
    std::string err;
    as = AddressSpace::create(kGuestVaMax, &err);
    cache = std::make_unique<TbCache>(ex);
    vcpu = std::make_unique<Vcpu>(*as, *cache, ex, log);
    EXPECT_GE(as->map(kCode, 0x1000, PROT_READ | PROT_EXEC, kMapFixed, -1, 0, ""), 0);
    EXPECT_GE(as->map(kData, 0x2000, PROT_READ | PROT_WRITE, kMapFixed, -1, 0, ""), 0);
  }
  CpuState& s() { return vcpu->state; }
  // Runs the words (then an ecall) from kCode.
  ExitReason run(std::vector<uint32_t> words) {
    words.push_back(0x00000073);
    EXPECT_TRUE(as->poke(kCode, words.data(), words.size() * 4));
    cache->flush();
    cache->reclaim();
    s().pc = kCode;
    return vcpu->run();
  }
};

// Encoders.
uint32_t R(uint32_t op, unsigned rd, unsigned f3, unsigned rs1, unsigned rs2, unsigned f7) {
  return op | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}
uint32_t I(uint32_t op, unsigned rd, unsigned f3, unsigned rs1, int32_t imm) {
  return op | rd << 7 | f3 << 12 | rs1 << 15 | (static_cast<uint32_t>(imm) & 0xfff) << 20;
}
uint32_t A(unsigned f5, unsigned f3, unsigned rd, unsigned rs1, unsigned rs2) {
  return R(0x2f, rd, f3, rs1, rs2, f5 << 2);
}
uint32_t F(unsigned f7, unsigned rd, unsigned rs1, unsigned rs2, unsigned rm) {
  return R(0x53, rd, rm, rs1, rs2, f7);
}
uint32_t CSR(unsigned f3, unsigned rd, unsigned csr, unsigned rs1) { return I(0x73, rd, f3, rs1, static_cast<int32_t>(csr)); }

TEST(Interp, DivRemEdgeCases) {
  Machine m;
  m.s().x[5] = 0x8000000000000000ull;
  m.s().x[6] = ~0ull;
  m.s().x[7] = 0;
  m.s().x[8] = 0x80000000ull;
  ASSERT_EQ(m.run({R(0x33, 10, 4, 5, 6, 1),    // div a0 = MIN / -1
                   R(0x33, 11, 6, 5, 6, 1),    // rem a1
                   R(0x33, 12, 4, 5, 7, 1),    // div by 0
                   R(0x33, 13, 7, 5, 7, 1),    // remu by 0
                   R(0x3b, 14, 4, 8, 6, 1),    // divw INT32_MIN / -1
                   R(0x3b, 15, 5, 8, 7, 1),    // divuw by 0
                   R(0x3b, 16, 7, 8, 7, 1)}),  // remuw by 0
            ExitReason::Ecall);
  EXPECT_EQ(m.s().x[10], 0x8000000000000000ull);
  EXPECT_EQ(m.s().x[11], 0u);
  EXPECT_EQ(m.s().x[12], ~0ull);
  EXPECT_EQ(m.s().x[13], 0x8000000000000000ull);
  EXPECT_EQ(m.s().x[14], 0xffffffff80000000ull);
  EXPECT_EQ(m.s().x[15], ~0ull);
  EXPECT_EQ(m.s().x[16], 0xffffffff80000000ull);
  EXPECT_EQ(m.s().pc, kCode + 7 * 4);
  EXPECT_EQ(m.s().instret, 7u);
}

TEST(Interp, WordOpsAndShifts) {
  Machine m;
  m.s().x[5] = 0x7fffffff;
  m.s().x[6] = 1;
  m.s().x[7] = 0xffffffff00000001ull;
  ASSERT_EQ(m.run({R(0x3b, 10, 0, 5, 6, 0),          // addw -> 0xffffffff80000000
                   I(0x1b, 11, 5, 7, 0x400 | 1),     // sraiw x7,1 on 0x00000001
                   R(0x33, 12, 5, 7, 6, 0x20),       // sra 64-bit
                   I(0x13, 13, 1, 6, 63),            // slli 63
                   I(0x13, 0, 0, 6, 5)}),            // addi x0 (dropped)
            ExitReason::Ecall);
  EXPECT_EQ(m.s().x[10], 0xffffffff80000000ull);
  EXPECT_EQ(m.s().x[11], 0u);
  EXPECT_EQ(m.s().x[12], 0xffffffff80000000ull);
  EXPECT_EQ(m.s().x[13], 0x8000000000000000ull);
  EXPECT_EQ(m.s().x[0], 0u);
}

TEST(Interp, LrScAndAmo) {
  Machine m;
  uint64_t init = 5;
  ASSERT_TRUE(m.as->write(kData, &init, 8));
  m.s().x[5] = kData;
  m.s().x[6] = 42;
  m.s().x[7] = static_cast<uint64_t>(-3);
  ASSERT_EQ(m.run({A(2, 3, 10, 5, 0),      // lr.d a0,(t0)
                   A(3, 3, 11, 5, 6),      // sc.d a1,t1,(t0)  -> 0
                   A(3, 3, 12, 5, 6),      // sc.d again (no reservation) -> 1
                   A(0x10, 3, 13, 5, 7),   // amomin.d a3,t2,(t0): old 42, new -3
                   A(0x1c, 2, 14, 5, 6),   // amomaxu.w a4,t1,(t0): old 0xfffffffd
                   A(0, 2, 15, 5, 6)}),    // amoadd.w
            ExitReason::Ecall);
  EXPECT_EQ(m.s().x[10], 5u);
  EXPECT_EQ(m.s().x[11], 0u);
  EXPECT_EQ(m.s().x[12], 1u);
  EXPECT_EQ(m.s().x[13], 42u);
  EXPECT_EQ(m.s().x[14], 0xfffffffffffffffdull);  // sign-extended old word
  EXPECT_EQ(m.s().x[15], 0xfffffffffffffffdull);  // maxu kept 0xfffffffd
  uint64_t now = 0;
  ASSERT_TRUE(m.as->read(kData, &now, 8));
  EXPECT_EQ(now, 0xffffffff00000027ull);  // low word 0xfffffffd + 42 wraps
}

TEST(Interp, MisalignedLoadAndFaults) {
  Machine m;
  uint8_t bytes[16];
  for (int i = 0; i < 16; ++i) bytes[i] = static_cast<uint8_t>(i + 1);
  ASSERT_TRUE(m.as->write(kData, bytes, 16));
  m.s().x[5] = kData + 3;
  ASSERT_EQ(m.run({I(0x03, 10, 3, 5, 0)}), ExitReason::Ecall);  // ld a0,0(t0) misaligned
  EXPECT_EQ(m.s().x[10], 0x0b0a090807060504ull);

  // Crossing the limit: from a mapped page, the fault is at the first byte
  // past the limit; from an unmapped one, at the access's first byte (as
  // the JIT's host access faults).
  for (bool mapped : {true, false}) {
    Machine o;
    if (mapped) {
      ASSERT_GE(o.as->map(kGuestVaMax - 0x1000, 0x1000, PROT_READ, kMapFixed, -1, 0, ""), 0);
    }
    o.s().x[5] = kGuestVaMax - 4;
    EXPECT_EQ(o.run({I(0x03, 10, 3, 5, 0)}), ExitReason::MemFault);  // crosses the limit
    EXPECT_EQ(o.s().fault_kind, mapped ? FaultKind::OutOfRange : FaultKind::Unmapped);
    EXPECT_EQ(o.s().fault_addr, mapped ? kGuestVaMax : kGuestVaMax - 4);
    EXPECT_EQ(o.s().pc, kCode);
  }

  Machine u;
  u.s().x[5] = 0x700000;  // unmapped: host SIGSEGV recovered by the vCPU
  EXPECT_EQ(u.run({I(0x13, 6, 0, 0, 1), R(0x23, 0, 3, 5, 6, 0) & ~0xf80u}), ExitReason::MemFault);
  EXPECT_EQ(u.s().fault_addr, 0x700000u);
  EXPECT_TRUE(u.s().fault_is_write);
  EXPECT_EQ(u.s().pc, kCode + 4);
  EXPECT_EQ(u.s().x[6], 1u);

  Machine a;
  a.s().x[5] = kData + 2;
  EXPECT_EQ(a.run({A(0, 2, 10, 5, 6)}), ExitReason::MemFault);  // misaligned AMO
  EXPECT_EQ(a.s().fault_kind, FaultKind::Misaligned);
}

TEST(Interp, FetchFromNonExecutablePage) {
  Machine m;
  m.s().pc = kData;
  EXPECT_EQ(m.vcpu->run(), ExitReason::MemFault);
  EXPECT_EQ(m.s().fault_kind, FaultKind::Protection);
  EXPECT_EQ(m.s().fault_addr, kData);
}

TEST(Interp, CsrAndIllegal) {
  Machine m;
  m.s().x[5] = 0xff;
  ASSERT_EQ(m.run({CSR(1, 10, 3, 5),      // csrrw a0,fcsr,t0
                   CSR(2, 11, 1, 0),      // frflags a1
                   CSR(2, 12, 2, 0),      // frrm a2
                   CSR(6, 13, 1, 0),      // csrrsi a3, fflags, 0 (no write)
                   CSR(2, 14, 0xc02, 0),    // rdinstret a4
                   CSR(2, 15, 0xc02, 0)}),  // rdinstret a5
            ExitReason::Ecall);
  EXPECT_EQ(m.s().x[11], 0x1fu);
  EXPECT_EQ(m.s().x[12], 7u);
  EXPECT_GT(m.s().x[15], m.s().x[14]);  // monotonic (not exact, see interp.cpp)

  Machine w;
  w.s().x[5] = 1;
  EXPECT_EQ(w.run({CSR(1, 0, 0xc00, 5)}), ExitReason::IllegalInsn);  // write cycle
  EXPECT_EQ(w.s().insn_bits, CSR(1, 0, 0xc00, 5));
  EXPECT_EQ(w.s().pc, kCode);
  Machine x;
  EXPECT_EQ(x.run({CSR(2, 10, 0x300, 0)}), ExitReason::IllegalInsn);  // mstatus

  Machine r;  // dynamic rounding with frm = 5 is illegal
  r.s().frm = 5;
  EXPECT_EQ(r.run({F(0x00, 1, 2, 3, 7)}), ExitReason::IllegalInsn);
  Machine e;
  EXPECT_EQ(e.run({0x00100073}), ExitReason::Ebreak);
  EXPECT_EQ(e.s().pc, kCode);
}

uint64_t d2u(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

TEST(Interp, FloatSemantics) {
  Machine m;
  CpuState& s = m.s();
  s.f[1] = fp::box32(f2u(-0.0f));
  s.f[2] = fp::box32(f2u(0.0f));
  s.f[3] = 0x000000003f800000ull;          // 1.0f not NaN-boxed -> canonical NaN
  s.f[4] = fp::box32(0x7f800001u);         // sNaN
  s.f[5] = d2u(3e9);
  s.f[6] = d2u(-1.5);
  s.f[7] = d2u(2.5);
  s.f[8] = d2u(1.0);
  s.f[9] = d2u(3.0);
  ASSERT_EQ(m.run({F(0x14, 10, 1, 2, 0),      // fmin.s -> -0
                   F(0x14, 11, 1, 2, 1),      // fmax.s -> +0
                   F(0x14, 12, 3, 2, 0),      // fmin.s(NaN(unboxed), +0) -> +0
                   F(0x14, 13, 4, 4, 0),      // fmin.s(sNaN, sNaN) -> canonical, NV
                   F(0x00, 14, 3, 2, 0),      // fadd.s with unboxed -> canonical NaN
                   F(0x61, 10, 5, 0, 1),      // fcvt.w.d a0, 3e9 -> saturate 0x7fffffff, NV
                   F(0x61, 11, 6, 1, 1),      // fcvt.wu.d a1, -1.5 rtz -> 0, NV
                   F(0x61, 12, 7, 0, 0),      // fcvt.w.d a2, 2.5 rne -> 2, NX
                   F(0x61, 13, 7, 0, 4),      // fcvt.w.d a3, 2.5 rmm -> 3
                   F(0x61, 14, 6, 0, 2),      // fcvt.w.d a4, -1.5 rdn -> -2
                   F(0x0d, 15, 8, 9, 2),      // fdiv.d 1/3 rdn
                   F(0x0d, 16, 8, 9, 3),      // fdiv.d 1/3 rup
                   F(0x70, 17, 3, 0, 0)}),    // fmv.x.w a7, f3 (raw low bits, no unboxing)
            ExitReason::Ecall);
  EXPECT_EQ(s.f[10], fp::box32(0x80000000u));
  EXPECT_EQ(s.f[11], fp::box32(0u));
  EXPECT_EQ(s.f[12], fp::box32(0u));
  EXPECT_EQ(s.f[13], fp::box32(fp::kCanonicalNaN32));
  EXPECT_EQ(s.f[14], fp::box32(fp::kCanonicalNaN32));
  EXPECT_EQ(s.x[10], 0x7fffffffu);
  EXPECT_EQ(s.x[11], 0u);
  EXPECT_EQ(s.x[12], 2u);
  EXPECT_EQ(s.x[13], 3u);
  EXPECT_EQ(s.x[14], static_cast<uint64_t>(-2));
  EXPECT_EQ(s.f[16] - s.f[15], 1u);  // rup is one ulp above rdn
  EXPECT_EQ(s.x[17], 0x3f800000u);
  EXPECT_EQ(s.fflags, static_cast<uint32_t>(NV | NX));
}

TEST(FpOps, FlagsAndEdgeCases) {
  uint32_t fl = 0;
  // Tininess after rounding: (1-2^-52) * (2^-1022 (1+2^-52)) rounds to the
  // smallest normal: NX but not UF on RISC-V.
  EXPECT_EQ(fp::f64_arith(fp::Arith::Mul, 0x3FEFFFFFFFFFFFFEull, 0x0010000000000001ull, RNE, &fl),
            0x0010000000000000ull);
  EXPECT_EQ(fl, static_cast<uint32_t>(NX));
  fl = 0;
  EXPECT_EQ(fp::f64_arith(fp::Arith::Div, d2u(1.0), d2u(0.0), RNE, &fl), d2u(INFINITY));
  EXPECT_EQ(fl, static_cast<uint32_t>(DZ));
  fl = 0;  // inf - inf: canonical (positive) NaN, not x86's negative default NaN
  EXPECT_EQ(fp::f64_arith(fp::Arith::Sub, d2u(INFINITY), d2u(INFINITY), RNE, &fl), fp::kCanonicalNaN64);
  EXPECT_EQ(fl, static_cast<uint32_t>(NV));
  fl = 0;  // quiet NaN operand propagates as canonical, no flag
  EXPECT_EQ(fp::f64_arith(fp::Arith::Add, 0x7ff8000000000123ull, d2u(1.0), RNE, &fl), fp::kCanonicalNaN64);
  EXPECT_EQ(fl, 0u);
  fl = 0;  // fma single rounding: (1+2^-52)*(1-2^-52) - 1 = -2^-104 exactly
  EXPECT_EQ(fp::f64_fma(d2u(1 + 0x1p-52), d2u(1 - 0x1p-52), d2u(1.0), false, true, RNE, &fl), d2u(-0x1p-104));
  EXPECT_EQ(fl, 0u);
  fl = 0;  // inf*0 + qNaN is invalid
  EXPECT_EQ(fp::f64_fma(d2u(INFINITY), 0, fp::kCanonicalNaN64, false, false, RNE, &fl), fp::kCanonicalNaN64);
  EXPECT_EQ(fl, static_cast<uint32_t>(NV));
  fl = 0;  // feq quiet on qNaN, flt signals
  EXPECT_FALSE(fp::f32_eq(fp::kCanonicalNaN32, 0, &fl));
  EXPECT_EQ(fl, 0u);
  EXPECT_FALSE(fp::f32_lt(fp::kCanonicalNaN32, 0, &fl));
  EXPECT_EQ(fl, static_cast<uint32_t>(NV));
  EXPECT_EQ(fp::f32_class(0x80000000u), 1u << 3);
  EXPECT_EQ(fp::f64_class(0x7ff0000000000001ull), 1u << 8);
  EXPECT_EQ(fp::f64_class(0x0000000000000001ull), 1u << 5);
  fl = 0;  // fcvt.lu.s of 2^64 saturates
  EXPECT_EQ(fp::f32_to_int(f2u(0x1p64f), 64, true, RTZ, &fl), ~0ull);
  EXPECT_EQ(fl, static_cast<uint32_t>(NV));
  fl = 0;  // NaN -> max positive
  EXPECT_EQ(fp::f64_to_int(fp::kCanonicalNaN64, 64, false, RTZ, &fl), 0x7fffffffffffffffull);
  fl = 0;  // 2^63+1 unsigned -> double: inexact; RMM/RNE/RUP
  EXPECT_EQ(fp::int_to_f64((1ull << 63) + 1024, 64, true, RNE, &fl), d2u(0x1p63));
  EXPECT_EQ(fp::int_to_f64((1ull << 63) + 1024, 64, true, RMM, &fl), d2u(0x1p63 + 2048));
  EXPECT_EQ(fp::int_to_f64((1ull << 63) + 1, 64, true, RUP, &fl), d2u(0x1p63 + 2048));
  EXPECT_EQ(fl, static_cast<uint32_t>(NX));
  fl = 0;  // RMM tie on add: 1 + 2^-53 (exact tie) rounds away
  EXPECT_EQ(fp::f64_arith(fp::Arith::Add, d2u(1.0), d2u(0x1p-53), RMM, &fl), d2u(1 + 0x1p-52));
  EXPECT_EQ(fp::f64_arith(fp::Arith::Add, d2u(1.0), d2u(0x1p-53), RNE, &fl), d2u(1.0));
  fl = 0;  // f64 -> f32 RMM tie
  EXPECT_EQ(fp::f64_to_f32(d2u(1 + 0x1p-24), RMM, &fl), f2u(1 + 0x1p-23f));
  EXPECT_EQ(fp::f64_to_f32(d2u(1 + 0x1p-24), RNE, &fl), f2u(1.0f));
}

uint32_t get_mxcsr() {
  uint32_t v;
  asm volatile("stmxcsr %0" : "=m"(v));
  return v;
}
void set_mxcsr(uint32_t v) { asm volatile("ldmxcsr %0" ::"m"(v)); }

TEST(FpOps, MxcsrMappingApi) {
  EXPECT_EQ(fp::fp_fflags_from_mxcsr(0x01), static_cast<uint32_t>(NV));
  EXPECT_EQ(fp::fp_fflags_from_mxcsr(0x04), static_cast<uint32_t>(DZ));
  EXPECT_EQ(fp::fp_fflags_from_mxcsr(0x08), static_cast<uint32_t>(OF));
  EXPECT_EQ(fp::fp_fflags_from_mxcsr(0x10), static_cast<uint32_t>(UF));
  EXPECT_EQ(fp::fp_fflags_from_mxcsr(0x20), static_cast<uint32_t>(NX));
  EXPECT_EQ(fp::fp_fflags_from_mxcsr(0x02), 0u);                      // DE ignored
  EXPECT_EQ(fp::fp_fflags_from_mxcsr(0x7fc0 | 0x02), 0u);             // non-flag bits ignored
  for (uint32_t f = 0; f < 32; ++f) EXPECT_EQ(fp::fp_fflags_from_mxcsr(fp::fp_mxcsr_from_fflags(f)), f);
  EXPECT_EQ(fp::fp_mxcsr_rc(RNE), 0x0000u);
  EXPECT_EQ(fp::fp_mxcsr_rc(RDN), 0x2000u);
  EXPECT_EQ(fp::fp_mxcsr_rc(RUP), 0x4000u);
  EXPECT_EQ(fp::fp_mxcsr_rc(RTZ), 0x6000u);
  EXPECT_EQ(fp::fp_mxcsr_rc(RMM), 0x0000u);  // no x86 equivalent: RNE bits
}

// Helpers must leave any caller MXCSR (RC, FTZ/DAZ, sticky flags incl. DE)
// exactly as found, and their results must not depend on it: the JIT keeps
// the guest's rounding mode and accrued flags in MXCSR while calling them.
TEST(FpOps, CallerMxcsrPreservedAndIgnored) {
  const uint32_t saved = get_mxcsr();
  const uint64_t third_rdn = 0x3fd5555555555555ull, third_rup = 0x3fd5555555555556ull;
  for (uint32_t caller : {0x1f80u, 0x1fbfu, 0x7f80u, 0x3fa1u, 0xdfc2u, 0x5f80u | 0x02u}) {
    for (bool soft : {false, true}) {
      fp::force_soft_fma_for_testing(soft);
      set_mxcsr(caller);
      uint32_t fl = 0;
      const uint64_t rdn = fp::f64_arith(fp::Arith::Div, d2u(1.0), d2u(3.0), RDN, &fl);
      const uint64_t rup = fp::f64_arith(fp::Arith::Div, d2u(1.0), d2u(3.0), RUP, &fl);
      const uint64_t rne = fp::f64_arith(fp::Arith::Add, d2u(1.0), d2u(0x1p-53), RNE, &fl);
      const uint64_t rmm = fp::f64_arith(fp::Arith::Add, d2u(1.0), d2u(0x1p-53), RMM, &fl);
      const uint32_t s32 = fp::f32_sqrt(f2u(2.0f), RTZ, &fl);
      const uint64_t fm = fp::f64_fma(d2u(1 + 0x1p-52), d2u(1 - 0x1p-52), d2u(1.0), false, true, RNE, &fl);
      const uint32_t sub = fp::f32_fma(0x00800001u, 0x3f000000u, 0, false, false, RNE, &fl);  // tiny, inexact
      const uint64_t cv = fp::f32_to_f64(0x00000001u, &fl);                                   // subnormal in
      const uint64_t ti = fp::f64_to_int(d2u(-2.5), 64, false, RNE, &fl);
      const uint64_t fi = fp::int_to_f64((1ull << 63) + 1024, 64, true, RMM, &fl);
      const bool lt = fp::f64_lt(0x0000000000000001ull, 0x0000000000000002ull, &fl);  // subnormals
      const uint32_t ds = fp::f64_to_f32(d2u(1 + 0x1p-24), RMM, &fl);
      const uint32_t after = get_mxcsr();
      set_mxcsr(saved);
      EXPECT_EQ(after, caller) << std::hex << caller;
      EXPECT_EQ(rdn, third_rdn);
      EXPECT_EQ(rup, third_rup);
      EXPECT_EQ(rne, d2u(1.0));
      EXPECT_EQ(rmm, d2u(1 + 0x1p-52));
      EXPECT_EQ(s32, 0x3fb504f3u);
      EXPECT_EQ(fm, d2u(-0x1p-104));
      EXPECT_EQ(sub, 0x00400000u);  // 2^-127 (1+2^-23)/2 -> RNE to even
      EXPECT_EQ(cv, d2u(0x1p-149));
      EXPECT_EQ(ti, static_cast<uint64_t>(-2));
      EXPECT_EQ(fi, d2u(0x1p63 + 2048));
      EXPECT_TRUE(lt);
      EXPECT_EQ(ds, f2u(1 + 0x1p-23f));
      EXPECT_EQ(fl, static_cast<uint32_t>(NX | UF));
    }
  }
  fp::force_soft_fma_for_testing(false);
}

// The software fma (hosts without FMA3, and RMM) against the host's FMA3
// instruction on edge-heavy random operands in RNE/RTZ/RDN/RUP.
TEST(FpOps, SoftFmaMatchesHost) {
  if (!fp::host_has_fma()) GTEST_SKIP() << "host has no FMA3";
  uint64_t st = 0x9e3779b97f4a7c15ull;
  auto rnd = [&] {
    st ^= st << 13;
    st ^= st >> 7;
    st ^= st << 17;
    return st;
  };
  auto pick64 = [&]() -> uint64_t {
    switch (rnd() % 4) {
      case 0: return rnd();
      case 1: return (rnd() & 0x800fffffffffffffull) | ((rnd() % 64) << 52);            // tiny
      case 2: return (rnd() & 0x800fffffffffffffull) | ((1023 + rnd() % 64 - 32) << 52);  // ~1
      default: return (rnd() & 0x800fffffffffffffull) | ((1980 + rnd() % 68) << 52);      // huge/inf/NaN
    }
  };
  auto pick32 = [&]() -> uint32_t {
    switch (rnd() % 4) {
      case 0: return static_cast<uint32_t>(rnd());
      case 1: return static_cast<uint32_t>((rnd() & 0x807fffffu) | ((rnd() % 32) << 23));
      case 2: return static_cast<uint32_t>((rnd() & 0x807fffffu) | ((127 + rnd() % 32 - 16) << 23));
      default: return static_cast<uint32_t>((rnd() & 0x807fffffu) | ((230 + rnd() % 26) << 23));
    }
  };
  int bad = 0;
  for (int i = 0; i < 200000 && bad < 10; ++i) {
    const unsigned rm = static_cast<unsigned>(rnd() % 4);
    uint64_t a = pick64(), b = pick64(), c = pick64();
    if (i % 3 == 0) {  // c close to -(a*b): cancellation, exact zeros, tiny results
      double p = std::bit_cast<double>(a) * std::bit_cast<double>(b);
      c = std::bit_cast<uint64_t>(-p) ^ (rnd() % 4);
    }
    uint32_t x = pick32(), y = pick32(), z = pick32();
    const bool np = rnd() & 1, na = rnd() & 1;
    uint32_t fh = 0, fs = 0;
    fp::force_soft_fma_for_testing(false);
    const uint64_t h64 = fp::f64_fma(a, b, c, np, na, rm, &fh);
    const uint32_t h32 = fp::f32_fma(x, y, z, np, na, rm, &fh);
    fp::force_soft_fma_for_testing(true);
    const uint64_t s64 = fp::f64_fma(a, b, c, np, na, rm, &fs);
    const uint32_t s32 = fp::f32_fma(x, y, z, np, na, rm, &fs);
    if (h64 != s64 || h32 != s32 || fh != fs) {
      ++bad;
      ADD_FAILURE() << std::hex << "rm " << rm << " f64 " << a << " " << b << " " << c << " -> " << h64
                    << " vs " << s64 << "; f32 " << x << " " << y << " " << z << " -> " << h32 << " vs "
                    << s32 << "; flags " << fh << " vs " << fs;
    }
  }
  fp::force_soft_fma_for_testing(false);
  // Tininess after rounding: just below 2^-1022, rounds up to it: NX only.
  uint32_t fl = 0;
  fp::force_soft_fma_for_testing(true);
  EXPECT_EQ(fp::f64_fma(0x3FEFFFFFFFFFFFFEull, 0x0010000000000001ull, 0, false, false, RNE, &fl),
            0x0010000000000000ull);
  EXPECT_EQ(fl, static_cast<uint32_t>(NX));
  fp::force_soft_fma_for_testing(false);
}

// fma with RMM is exact (software): (1+2^-52)^2 + (2^-53 - 2^-104) is
// 1 + 2^-51 + 2^-53, halfway between 1+2*2^-52 and 1+3*2^-52.
TEST(FpOps, FmaRmmTie) {
  const uint64_t a = d2u(1 + 0x1p-52), c = d2u(0x1p-53 - 0x1p-104);
  uint32_t fl = 0;
  EXPECT_EQ(fp::f64_fma(a, a, c, false, false, RNE, &fl), d2u(1 + 0x1p-51));
  EXPECT_EQ(fp::f64_fma(a, a, c, false, false, RMM, &fl), d2u(1 + 3 * 0x1p-52));
  EXPECT_EQ(fp::f64_fma(a, a, c ^ (1ull << 63), true, false, RMM, &fl), d2u(-(1 + 3 * 0x1p-52)));
  EXPECT_EQ(fl, static_cast<uint32_t>(NX));
  // f32: (1+2^-23)^2 + (2^-24 - 2^-46) = 1 + 2^-22 + 2^-24: a tie.
  const uint32_t x = f2u(1 + 0x1p-23f), z = f2u(0x1p-24f - 0x1p-46f);
  EXPECT_EQ(fp::f32_fma(x, x, z, false, false, RNE, &fl), f2u(1 + 0x1p-22f));
  EXPECT_EQ(fp::f32_fma(x, x, z, false, false, RMM, &fl), f2u(1 + 3 * 0x1p-23f));
}

// Zba/Zbb/Zbs/Zbc on edge values (the per-instruction guest tests in
// tests/guest/isa/zb*.S have many more, checked against qemu-riscv64 too).
TEST(Interp, BitManipulation) {
  Machine m;
  m.s().x[5] = 0x8000000000000001ull;
  m.s().x[6] = 0xffffffff80000010ull;
  m.s().x[7] = 0;
  m.s().x[28] = 65;  // shift amounts use the low 6 (5 for W) bits
  ASSERT_EQ(m.run({R(0x33, 10, 2, 6, 5, 0x10),         // sh1add a0 = x5 + (x6 << 1)
                   R(0x3b, 11, 6, 6, 5, 0x10),         // sh3add.uw a1 = x5 + (zext32(x6) << 3)
                   I(0x1b, 12, 1, 6, 0x080 | 40),      // slli.uw a2 = zext32(x6) << 40
                   I(0x13, 13, 1, 7, 0x600),           // clz a3 = clz(0) = 64
                   I(0x1b, 14, 1, 5, 0x601),           // ctzw a4 = ctz32(1) = 0
                   I(0x1b, 15, 1, 7, 0x601),           // ctzw a5 = ctz32(0) = 32
                   I(0x13, 16, 1, 6, 0x602),           // cpop a6 = 34
                   R(0x33, 17, 4, 5, 6, 0x05),         // min a7 = x5 (negative)
                   R(0x33, 18, 5, 5, 6, 0x05),         // minu s2 = x5
                   R(0x3b, 19, 1, 5, 28, 0x30),        // rolw s3 = rotl32(1, 1) = 2
                   R(0x33, 20, 5, 5, 28, 0x30),        // ror s4 = rotr(x5, 1)
                   I(0x13, 21, 5, 6, 0x287),           // orc.b s5
                   I(0x13, 22, 5, 5, 0x6b8),           // rev8 s6
                   R(0x33, 23, 5, 5, 28, 0x24),        // bext s7 = bit 1 of x5 = 0
                   I(0x13, 24, 1, 7, 0x280 | 63),      // bseti s8 = 1 << 63
                   R(0x33, 25, 1, 5, 5, 0x05),         // clmul s9 = x5 clmul x5
                   R(0x33, 26, 3, 5, 5, 0x05),         // clmulh s10
                   R(0x33, 27, 2, 5, 5, 0x05)}),       // clmulr s11
            ExitReason::Ecall);
  EXPECT_EQ(m.s().x[10], 0x8000000000000001ull + 0xffffffff00000020ull);
  EXPECT_EQ(m.s().x[11], 0x8000000000000001ull + (0x80000010ull << 3));
  EXPECT_EQ(m.s().x[12], 0x0000100000000000ull);
  EXPECT_EQ(m.s().x[13], 64u);
  EXPECT_EQ(m.s().x[14], 0u);
  EXPECT_EQ(m.s().x[15], 32u);
  EXPECT_EQ(m.s().x[16], 34u);
  EXPECT_EQ(m.s().x[17], 0x8000000000000001ull);
  EXPECT_EQ(m.s().x[18], 0x8000000000000001ull);
  EXPECT_EQ(m.s().x[19], 2u);
  EXPECT_EQ(m.s().x[20], 0xc000000000000000ull);
  EXPECT_EQ(m.s().x[21], 0xffffffffff0000ffull);
  EXPECT_EQ(m.s().x[22], 0x0100000000000080ull);
  EXPECT_EQ(m.s().x[23], 0u);
  EXPECT_EQ(m.s().x[24], 0x8000000000000000ull);
  // (x^63 + 1)^2 = x^126 + 1 carry-less
  EXPECT_EQ(m.s().x[25], 1u);
  EXPECT_EQ(m.s().x[26], 0x4000000000000000ull);
  EXPECT_EQ(m.s().x[27], 0x8000000000000000ull);
}

TEST(Decode, EveryOpcodeFromItsMatch) {
  for (int i = 0; i < static_cast<int>(Opcode::illegal); ++i) {
    const InsnInfo& in = kInsnInfo[i];
    uint32_t w = in.match;
    if (in.flags & kRm) w |= 0u << 12;  // rm RNE
    if (static_cast<Opcode>(i) == Opcode::ori) w |= 1u << 7;  // ori x0,x0,0 is prefetch.i: rd ra
    DecodedInsn d = decode(w);
    EXPECT_EQ(static_cast<int>(d.op), i) << in.name;
    EXPECT_EQ(d.len, 4);
  }
}

// decode looks its candidates up by major opcode and funct3; whatever the
// word, the opcode it gives is the first of the table (in table order)
// whose mask and match fit — illegal when none does, or when that entry
// takes a rounding mode and the word's is reserved (5 or 6). decode_memo
// gives what decode gives, from a fresh entry and from a remembered one.
TEST(Decode, IndexAndMemoAgreeWithTheTable) {
  uint64_t seed = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    return static_cast<uint32_t>(seed);
  };
  auto same = [](const DecodedInsn& a, const DecodedInsn& b) {
    return a.op == b.op && a.len == b.len && a.rd == b.rd && a.rs1 == b.rs1 && a.rs2 == b.rs2 &&
           a.rs3 == b.rs3 && a.rm == b.rm && a.imm == b.imm && a.bits == b.bits && a.expanded == b.expanded;
  };
  std::vector<uint32_t> words;
  for (uint32_t c = 0; c < 0x10000; ++c)
    if (is_compressed(static_cast<uint16_t>(c))) words.push_back(next() << 16 | c);
  for (int k = 0; k < 300000; ++k) words.push_back(next() | 3);
  for (int i = 0; i < static_cast<int>(Opcode::illegal); ++i)  // each entry with random free fields
    for (int k = 0; k < 8; ++k) words.push_back((next() & ~kInsnInfo[i].mask) | kInsnInfo[i].match);
  int checked = 0;
  for (uint32_t w : words) {
    const DecodedInsn d = decode(w);
    if (d.len == 4 && (w & 0x1c) == 0x1c) continue;  // (48-bit and longer: illegal, no table look-up)
    const uint32_t x = d.len == 2 ? d.expanded : w;
    int first = -1;
    for (int i = 0; i < static_cast<int>(Opcode::illegal) && first < 0 && (d.len == 4 || x != 0); ++i)
      if ((x & kInsnInfo[i].mask) == kInsnInfo[i].match) first = i;
    const uint32_t rm = x >> 12 & 7;
    if (first < 0 || ((kInsnInfo[first].flags & kRm) && (rm == 5 || rm == 6))) {
      ASSERT_EQ(d.op, Opcode::illegal) << std::hex << w;
    } else {
      ASSERT_EQ(static_cast<int>(d.op), first) << std::hex << w << " " << kInsnInfo[first].name;
      ++checked;
    }
    ASSERT_TRUE(same(decode_memo(w), d)) << std::hex << w;
    ASSERT_TRUE(same(decode_memo(w), d)) << std::hex << w;
  }
  EXPECT_GT(checked, 100000);
}

// decode_memo in a thread of its own (its table fresh): an entry on a page
// the thread has not written is not read (a read would map the kernel's
// zero page, which the miss's write then copies, with a TLB flush on every
// CPU: decode_memo_detail::t_written); a miss fills the entry and marks its
// pages, so the word is remembered from then on; once every page is
// written, all of them count as written; results are decode's throughout.
TEST(Decode, MemoWritesEachPageBeforeReadingIt) {
  namespace m = decode_memo_detail;
  std::thread t([] {
    EXPECT_EQ(m::t_written, 0u);
    EXPECT_EQ(m::t_full, nullptr);
    uint64_t seed = 0x2545f4914f6cdd1dull;
    int remembered = 0;
    for (int k = 0; k < 20000; ++k) {
      seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
      const uint32_t w = static_cast<uint32_t>(seed) | 3;
      const unsigned slot = m::slot(w);
      const bool was_written = m::t_table && m::written(slot);
      const DecodedInsn d = decode_memo(w);
      EXPECT_EQ(d.op, decode(w).op) << std::hex << w;
      EXPECT_EQ(d.bits, w);
      ASSERT_TRUE(m::written(slot)) << "a miss left its entry's pages unmarked: " << slot;
      DecodedInsn kept;
      memcpy(&kept, m::t_table[slot], sizeof kept);
      EXPECT_EQ(kept.bits, w);  // (remembered: the next look-up of w reads it)
      remembered += !was_written;
    }
    EXPECT_GT(remembered, 0);
    EXPECT_EQ(m::t_written, m::kAllWritten) << "20,000 words leave a page of the memo unwritten?";
    EXPECT_EQ(m::t_full, m::t_table) << "every page written: the inline look-up reads the table";
    // Entries lying across two pages need both.
    for (unsigned slot = 0; slot < (1u << m::kSlotBits); ++slot) {
      const unsigned lo = slot * sizeof(DecodedInsn) / 4096, hi = (slot * sizeof(DecodedInsn) + sizeof(DecodedInsn) - 1) / 4096;
      EXPECT_EQ(m::pages_of(slot), uint64_t{1} << lo | uint64_t{1} << hi) << slot;
    }
  });
  t.join();
}

TEST(Decode, CompressedReservedAreIllegal) {
  for (uint32_t c : {0x0000u,   // all zero
                     0x0008u,   // c.addi4spn imm 0 (rd' = s0... imm 0)
                     0x6001u,   // c.lui x0? no: c.lui rd=0 imm=0 -> imm 0 reserved
                     0x6201u,   // c.lui tp, 0 (even rd: not a c.mop)
                     0x6101u,   // c.addi16sp 0
                     0x4002u,   // c.lwsp rd 0
                     0x6002u,   // c.ldsp rd 0
                     0x8002u,   // c.jr x0
                     0x2001u,   // c.addiw rd 0
                     0x9000u,   // q0 funct3 4, bits 12:10 = 4 (beyond Zcb)
                     0x8c40u,   // c.sh with bit 6 set
                     0x9c79u})  // Zcb unary op 6
    EXPECT_EQ(decode(c).op, Opcode::illegal) << std::hex << c;
  struct Case { uint16_t c; uint32_t expanded; };
  for (Case k : {Case{0x1101, 0xfe010113},   // c.addi sp,sp,-32
                 Case{0x8082, 0x00008067},   // c.jr ra (ret)
                 Case{0x9002, 0x00100073},   // c.ebreak
                 Case{0x4515, 0x00500513},   // c.li a0,5
                 Case{0x862e, 0x00b00633},   // c.mv a2,a1
                 Case{0xe002, 0x00013023},   // c.sdsp zero,0(sp)
                 Case{0x6281, 0x00000013},   // c.mop.5: a nop (Zcmop)
                 Case{0x9c41, 0x02840433},   // c.mul s0,s0 (Zcb)
                 Case{0x833c, 0x00274783}}) { // c.lbu a5,2(a4) (Zcb)
    DecodedInsn d = decode(k.c);
    EXPECT_EQ(d.len, 2);
    EXPECT_EQ(d.expanded, k.expanded) << std::hex << k.c;
  }
}

}  // namespace
}  // namespace hart
