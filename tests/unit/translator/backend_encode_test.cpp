// tests/unit/translator/backend_encode_test.cpp — the x86 backend's own
// encodings of common instructions (translator/backend_x86_emitter.h:
// encode_fast_mov, encode_guest_access, encode_alu, encode_lea) are byte for byte what asmjit
// encodes, for every register and the displacement sizes, and decline
// every other form.
#include <gtest/gtest.h>

#include <asmjit/x86.h>

#include <vector>

#include "translator/backend_x86_emitter.h"

namespace hart::x86be {
namespace {

std::vector<uint8_t> asmjit_mov(const Operand& dst, const Operand& src) {
  CodeHolder code;
  code.init(Environment::host());
  Assembler a(&code);
  EXPECT_EQ(a.emit(Inst::kIdMov, dst, src), kErrorOk);
  const CodeBuffer& buf = code.textSection()->buffer();
  return std::vector<uint8_t>(buf.data(), buf.data() + buf.size());
}

std::vector<uint8_t> fast_mov(const Operand& dst, const Operand& src) {
  uint8_t b[kFastMovMax];
  const size_t n = encode_fast_mov(dst, src, b);
  return std::vector<uint8_t>(b, b + n);
}

TEST(BackendEncode, FastMovIsAsmjitsEncoding) {
  const int32_t disps[] = {0, 1, 8, 0x78, 0x7f, 0x80, 0xf8, 0x100, 0x268, -8, -128, -129, 0x7fffffff,
                           INT32_MIN};
  for (uint32_t d = 0; d < 16; ++d) {
    for (uint32_t s = 0; s < 16; ++s) EXPECT_EQ(fast_mov(gpq(d), gpq(s)), asmjit_mov(gpq(d), gpq(s))) << d << " " << s;
    for (int32_t disp : disps) {
      const Mem m = ptr(kState, disp, 8);
      EXPECT_EQ(fast_mov(m, gpq(d)), asmjit_mov(m, gpq(d))) << d << " " << disp;
      EXPECT_EQ(fast_mov(gpq(d), m), asmjit_mov(gpq(d), m)) << d << " " << disp;
    }
  }
}

TEST(BackendEncode, FastMovDeclinesOtherForms) {
  const Operand others[][2] = {
      {eax, ecx},                      // 32-bit registers
      {rax, ecx},
      {rax, Imm(5)},                   // immediates
      {ptr(kState, 8, 8), Imm(5)},
      {ptr(kState, 8, 4), eax},        // not a qword
      {rax, ptr(kState, 8, 4)},
      {ptr(rbx, 8, 8), rax},           // another base
      {rax, ptr(r14, rbx, 0, 8, 8)},   // an index
      {rax, ptr(kState, rbx, 0, 8, 8)},
      {xmm0, ptr(kState, 8, 8)},       // not a general register
  };
  for (const auto& o : others) EXPECT_EQ(fast_mov(o[0], o[1]).size(), 0u);
}

std::vector<uint8_t> asmjit_bytes(InstId id, const Operand& dst, const Operand& src) {
  CodeHolder code;
  code.init(Environment::host());
  Assembler a(&code);
  EXPECT_EQ(a.emit(id, dst, src), kErrorOk);
  const CodeBuffer& buf = code.textSection()->buffer();
  return std::vector<uint8_t>(buf.data(), buf.data() + buf.size());
}

std::vector<uint8_t> guest_access(GuestAccess op, uint32_t reg, const Mem& m) {
  uint8_t b[kGuestAccessMax];
  const size_t n = encode_guest_access(op, reg, m, b);
  return std::vector<uint8_t>(b, b + n);
}

// What Emitter::emit_guest_access asks asmjit for, by op: the instruction
// and the register operand as sized there.
struct AccessForm {
  GuestAccess op;
  InstId id;
  uint32_t size;  // of the memory operand
  bool store;
  Gp (*reg)(uint32_t id);
};
const AccessForm kAccessForms[] = {
    {GuestAccess::Zx8, Inst::kIdMovzx, 1, false, [](uint32_t r) { return Gp(gpd(r)); }},
    {GuestAccess::Zx16, Inst::kIdMovzx, 2, false, [](uint32_t r) { return Gp(gpd(r)); }},
    {GuestAccess::Sx8, Inst::kIdMovsx, 1, false, [](uint32_t r) { return Gp(gpq(r)); }},
    {GuestAccess::Sx16, Inst::kIdMovsx, 2, false, [](uint32_t r) { return Gp(gpq(r)); }},
    {GuestAccess::Ld32, Inst::kIdMov, 4, false, [](uint32_t r) { return Gp(gpd(r)); }},
    {GuestAccess::Sx32, Inst::kIdMovsxd, 4, false, [](uint32_t r) { return Gp(gpq(r)); }},
    {GuestAccess::Ld64, Inst::kIdMov, 8, false, [](uint32_t r) { return Gp(gpq(r)); }},
    {GuestAccess::St8, Inst::kIdMov, 1, true, [](uint32_t r) { return Gp(gpb_lo(r)); }},
    {GuestAccess::St16, Inst::kIdMov, 2, true, [](uint32_t r) { return Gp(gpw(r)); }},
    {GuestAccess::St32, Inst::kIdMov, 4, true, [](uint32_t r) { return Gp(gpd(r)); }},
    {GuestAccess::St64, Inst::kIdMov, 8, true, [](uint32_t r) { return Gp(gpq(r)); }},
};

TEST(BackendEncode, GuestAccessIsAsmjitsEncoding) {
  const int32_t disps[] = {0, 1, -1, 0x7f, -128, 0x80, -129, 0x1b0, -0x650, 0x7fffffff, INT32_MIN};
  size_t checked = 0;
  for (const AccessForm& f : kAccessForms) {
    for (uint32_t r = 0; r < 16; ++r) {
      for (uint32_t x = 0; x < 16; ++x) {
        if (x == Gp::kIdSp) continue;
        for (int32_t disp : disps) {
          // As emit_guest_mem makes it: then sized by the load or store.
          Mem m = ptr(kMem, gpq(x), 0, disp);
          m.setSize(f.size);
          const Gp reg = f.reg(r);
          const std::vector<uint8_t> want = f.store ? asmjit_bytes(f.id, m, reg) : asmjit_bytes(f.id, reg, m);
          ASSERT_EQ(guest_access(f.op, r, m), want) << static_cast<int>(f.op) << " r" << r << " x" << x << " " << disp;
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 11u * 16 * 15 * 11);
}

TEST(BackendEncode, GuestAccessDeclinesOtherForms) {
  const Mem others[] = {
      ptr(kMem, 8, 4),                    // no index
      ptr(kMem, rsp, 0, 8, 4),            // rsp cannot be an index
      ptr(kMem, rbx, 2, 8, 4),            // scaled
      ptr(kState, rbx, 0, 8, 4),          // another base
      ptr(rbx, r14, 0, 8, 4),
      ptr(kMem, ebx, 0, 8, 4),            // 32-bit index
      ptr(kMem, rbx, 0, 8, 8),            // not the op's size
      ptr(kMem, rbx, 0, 8, 2),
  };
  for (const Mem& m : others) EXPECT_EQ(guest_access(GuestAccess::Ld32, 3, m).size(), 0u);
  Mem seg = ptr(kMem, rbx, 0, 8, 4);
  seg.setSegment(fs);
  EXPECT_EQ(guest_access(GuestAccess::Ld32, 3, seg).size(), 0u);
}

std::vector<uint8_t> alu(InstId id, const Operand& dst, const Operand& src) {
  uint8_t b[kAluMax];
  const size_t n = encode_alu(id, dst, src, b);
  return std::vector<uint8_t>(b, b + n);
}

TEST(BackendEncode, AluIsAsmjitsEncoding) {
  const InstId ids[] = {Inst::kIdAdd, Inst::kIdOr, Inst::kIdAnd, Inst::kIdSub, Inst::kIdXor, Inst::kIdCmp};
  const int64_t imms[] = {0, 1, -1, 0x7f, -128, 0x80, -129, 0xff, 0x7fffffff, INT32_MIN, 0x12345};
  const int32_t disps[] = {0, 8, 0x7f, 0x80, 0x268, -8, 0x7fffffff};
  size_t checked = 0;
  auto same = [&](InstId id, const Operand& d, const Operand& s) {
    EXPECT_EQ(alu(id, d, s), asmjit_bytes(id, d, s)) << id << " " << d.id() << " " << s.id();
    ++checked;
  };
  for (uint32_t size : {4u, 8u}) {
    auto reg = [size](uint32_t r) { return size == 8 ? Gp(gpq(r)) : Gp(gpd(r)); };
    for (uint32_t d = 0; d < 16; ++d) {
      for (uint32_t r = 0; r < 16; ++r) {
        for (InstId id : ids) same(id, reg(d), reg(r));
        same(Inst::kIdTest, reg(d), reg(r));
      }
      for (InstId id : ids) {
        for (int64_t v : imms) same(id, reg(d), Imm(v));
        for (int32_t disp : disps) {
          same(id, reg(d), ptr(kState, disp, size));
          same(id, ptr(kState, disp, size), reg(d));
          for (int64_t v : imms) same(id, ptr(kState, disp, size), Imm(v));
        }
      }
    }
  }
  EXPECT_EQ(checked, 2u * 16 * (16 * 7 + 6 * (11 + 7 * (2 + 11))));
}

TEST(BackendEncode, AluDeclinesOtherForms) {
  const Operand others[][2] = {
      {rax, ecx},                      // sizes differ
      {eax, Imm(int64_t{1} << 32)},    // an immediate wider than 32 bits
      {rax, Imm(int64_t{0x80000000})},
      {ax, cx},                        // 16- and 8-bit operands
      {al, cl},
      {rax, ptr(kState, 8, 4)},        // a slot of another size
      {rax, ptr(rbx, 8, 8)},           // another base
      {rax, ptr(kState, rbx, 0, 8, 8)},// an index
      {ptr(kState, 8, 8), ptr(kState, 16, 8)},
      {xmm0, xmm1},
  };
  for (const auto& o : others) EXPECT_EQ(alu(Inst::kIdAdd, o[0], o[1]).size(), 0u);
  EXPECT_EQ(alu(Inst::kIdTest, rax, Imm(1)).size(), 0u);  // test: registers only
  EXPECT_EQ(alu(Inst::kIdTest, ptr(kState, 8, 8), rax).size(), 0u);
  EXPECT_EQ(alu(Inst::kIdAdc, rax, rcx).size(), 0u);     // not one of the ops
  EXPECT_EQ(alu(Inst::kIdImul, rax, rcx).size(), 0u);
}

std::vector<uint8_t> lea(const Gp& dst, const Mem& m) {
  uint8_t b[kLeaMax];
  const size_t n = encode_lea(dst, m, b);
  return std::vector<uint8_t>(b, b + n);
}

TEST(BackendEncode, LeaIsAsmjitsEncoding) {
  const int32_t disps[] = {0, 1, -1, 0x7f, -128, 0x80, -129, 0x7fffffff, INT32_MIN};
  size_t checked = 0;
  for (uint32_t d = 0; d < 16; ++d) {
    for (const Gp& dst : {Gp(gpq(d)), Gp(gpd(d))}) {
      for (uint32_t b = 0; b < 16; ++b) {
        for (int32_t disp : disps) {
          const Mem m = ptr(gpq(b), disp);
          ASSERT_EQ(lea(dst, m), asmjit_bytes(Inst::kIdLea, dst, m)) << d << " " << b << " " << disp;
          ++checked;
          for (uint32_t x = 0; x < 16; ++x) {
            if (x == Gp::kIdSp) continue;
            for (uint32_t shift = 0; shift < 4; ++shift) {
              const Mem mx = ptr(gpq(b), gpq(x), shift, disp);
              ASSERT_EQ(lea(dst, mx), asmjit_bytes(Inst::kIdLea, dst, mx)) << d << " " << b << " " << x << " " << disp;
              ++checked;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 16u * 2 * 16 * 9 * (1 + 15 * 4));
}

TEST(BackendEncode, LeaDeclinesOtherForms) {
  EXPECT_EQ(lea(rax, ptr(rbx, rsp, 0, 8)).size(), 0u);  // rsp cannot be an index
  EXPECT_EQ(lea(rax, ptr(ebx, 8)).size(), 0u);          // 32-bit base
  EXPECT_EQ(lea(rax, ptr(rbx, ecx, 0, 8)).size(), 0u);  // 32-bit index
  EXPECT_EQ(lea(ax, ptr(rbx, 8)).size(), 0u);           // 16-bit destination
  EXPECT_EQ(lea(rax, ptr(uint64_t{0x1000})).size(), 0u);  // no base
  Mem seg = ptr(rbx, 8);
  seg.setSegment(fs);
  EXPECT_EQ(lea(rax, seg).size(), 0u);
}

}  // namespace
}  // namespace hart::x86be
