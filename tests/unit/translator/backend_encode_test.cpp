// tests/unit/translator/backend_encode_test.cpp — the x86 backend's own
// encodings of common instructions (translator/backend_x86_emitter.h:
// encode_fast_mov) are byte for byte what asmjit encodes, for every
// register and the displacement sizes, and decline every other form.
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

}  // namespace
}  // namespace hart::x86be
