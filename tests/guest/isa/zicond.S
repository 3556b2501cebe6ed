// tests/guest/isa/zicond.S — Zicond (integer conditional operations):
// czero.eqz rd,rs1,rs2 (rd = rs2 == 0 ? 0 : rs1) and czero.nez (rd = rs2
// != 0 ? 0 : rs1). binutils 2.40 does not know Zicond: the macros below
// give the encodings with .insn (OP, funct3 5/7, funct7 0000111). Each case
// also runs with operands unknown at translation time (TEST_*_RT).
#include "test_macros.h"
.macro czero.eqz rd, rs1, rs2
  .insn r 0x33, 5, 7, \rd, \rs1, \rs2
.endm
.macro czero.nez rd, rs1, rs2
  .insn r 0x33, 7, 7, \rd, \rs1, \rs2
.endm
TEST_BEGIN("zicond")

TEST_RR_OP_RT(  1, czero.eqz, 0x0000000000000000, 0x123456789abcdef0, 0x0000000000000000)
TEST_RR_OP_RT(  2, czero.eqz, 0x123456789abcdef0, 0x123456789abcdef0, 0x0000000000000001)
TEST_RR_OP_RT(  3, czero.eqz, 0xffffffffffffffff, 0xffffffffffffffff, 0x8000000000000000)
TEST_RR_OP_RT(  4, czero.eqz, 0x0000000000000000, 0x0000000000000000, 0xffffffffffffffff)
TEST_RR_OP_RT(  5, czero.eqz, 0x8000000000000000, 0x8000000000000000, 0x0000000100000000)  // high bits count
TEST_RR_OP_RT( 20, czero.nez, 0x123456789abcdef0, 0x123456789abcdef0, 0x0000000000000000)
TEST_RR_OP_RT( 21, czero.nez, 0x0000000000000000, 0x123456789abcdef0, 0x0000000000000001)
TEST_RR_OP_RT( 22, czero.nez, 0x0000000000000000, 0xffffffffffffffff, 0x8000000000000000)
TEST_RR_OP_RT( 23, czero.nez, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000000)
TEST_RR_OP_RT( 24, czero.nez, 0x0000000000000000, 0x8000000000000000, 0x0000000100000000)

// rs2 = x0: eqz always zero, nez always rs1; rd = x0 writes nothing
TEST_CASE( 40, a4, 0x0000000000000000, li a1, 7; czero.eqz a4, a1, zero)
TEST_CASE( 41, a4, 0x0000000000000007, li a1, 7; czero.nez a4, a1, zero)
TEST_CASE( 42, a4, 0x0000000000000000, li a1, 7; li a4, 5; TB_BREAK; czero.nez a4, a1, a4)
TEST_CASE( 46, a4, 0x0000000000000007, li a1, 7; li a4, 0; TB_BREAK; czero.nez a4, a1, a4)
TEST_CASE( 43, zero, 0, li a1, 7; li a2, 0; TB_BREAK; czero.nez zero, a1, a2)
// rs1 == rs2
TEST_CASE( 44, a4, 0x0000000000000009, li a1, 9; TB_BREAK; czero.eqz a4, a1, a1)
TEST_CASE( 45, a4, 0x0000000000000000, li a1, 9; TB_BREAK; czero.nez a4, a1, a1)

TEST_END
