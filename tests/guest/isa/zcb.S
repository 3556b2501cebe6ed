// tests/guest/isa/zcb.S — Zcb (simple 16-bit instructions): c.lbu, c.lhu,
// c.lh, c.sb, c.sh, c.zext.b, c.sext.b, c.zext.h, c.sext.h, c.zext.w,
// c.not, c.mul. binutils 2.40 does not know Zcb: the macros build the
// 16-bit encodings from register numbers (x8..x15) with .2byte.
#include "test_macros.h"
// loads/stores: 100 funct3' rs1' b6 b5 rd' 00 (bytes: b5 = uimm[1], b6 = uimm[0])
.macro c_lbu rd, off, rs1
  .2byte 0x8000 | (((\rs1) - 8) << 7) | (((\off) & 1) << 6) | ((((\off) >> 1) & 1) << 5) | (((\rd) - 8) << 2)
.endm
.macro c_lhu rd, off, rs1
  .2byte 0x8400 | (((\rs1) - 8) << 7) | ((((\off) >> 1) & 1) << 5) | (((\rd) - 8) << 2)
.endm
.macro c_lh rd, off, rs1
  .2byte 0x8440 | (((\rs1) - 8) << 7) | ((((\off) >> 1) & 1) << 5) | (((\rd) - 8) << 2)
.endm
.macro c_sb rs2, off, rs1
  .2byte 0x8800 | (((\rs1) - 8) << 7) | (((\off) & 1) << 6) | ((((\off) >> 1) & 1) << 5) | (((\rs2) - 8) << 2)
.endm
.macro c_sh rs2, off, rs1
  .2byte 0x8c00 | (((\rs1) - 8) << 7) | ((((\off) >> 1) & 1) << 5) | (((\rs2) - 8) << 2)
.endm
// unary: 100 111 rd' 11 op 01; c.mul: 100 111 rd' 10 rs2' 01
.macro c_unary op, rd
  .2byte 0x9c61 | (((\rd) - 8) << 7) | ((\op) << 2)
.endm
.macro c_mul rd, rs2
  .2byte 0x9c41 | (((\rd) - 8) << 7) | (((\rs2) - 8) << 2)
.endm
#define ZEXT_B 0
#define SEXT_B 1
#define ZEXT_H 2
#define SEXT_H 3
#define ZEXT_W 4
#define NOT 5
TEST_BEGIN("zcb")

  lla s1, tdata            // x9
  lla a1, tdata + 4        // x11
  lla a2, scratch          // x12
TEST_CASE( 1, a0, 0x81, c_lbu 10, 0, 9)
TEST_CASE( 2, a0, 0x7f, c_lbu 10, 1, 9)
TEST_CASE( 3, a0, 0x34, c_lbu 10, 2, 9)
TEST_CASE( 4, a0, 0x12, c_lbu 10, 3, 9)
TEST_CASE( 5, a0, 0x7f81, c_lhu 10, 0, 9)
TEST_CASE( 6, a0, 0x1234, c_lhu 10, 2, 9)
TEST_CASE( 7, a0, 0x8001, c_lhu 10, 0, 11)
TEST_CASE( 8, a0, 0xffffffffffff8001, c_lh 10, 0, 11)
TEST_CASE( 9, a0, 0xfffffffffffffffe, c_lh 10, 2, 11)
TEST_CASE(10, a0, 0x7f81, c_lh 10, 0, 9)
TEST_CASE(11, s0, 0xfffe, TB_BREAK; c_lhu 8, 2, 11)
  li a3, 0x11; c_sb 13, 0, 12
  li a3, 0x22; c_sb 13, 1, 12
  li a3, 0x33; c_sb 13, 2, 12
  li a3, 0x7744; c_sb 13, 3, 12
TEST_CASE(12, a4, 0x44332211, lwu a4, 0(a2))
  li a3, 0x5566; c_sh 13, 0, 12
  li a3, 0x12347788; c_sh 13, 2, 12
TEST_CASE(13, a4, 0x77885566, lwu a4, 0(a2))
TEST_CASE(14, a4, 0, lwu a4, 4(a2))

TEST_CASE(20, a0, 0xef, li a0, 0x1234567890abcdef; c_unary ZEXT_B, 10)
TEST_CASE(21, a0, 0xffffffffffffffef, li a0, 0x1234567890abcdef; c_unary SEXT_B, 10)
TEST_CASE(22, a0, 0xcdef, li a0, 0x1234567890abcdef; c_unary ZEXT_H, 10)
TEST_CASE(23, a0, 0xffffffffffffcdef, li a0, 0x1234567890abcdef; c_unary SEXT_H, 10)
TEST_CASE(24, a0, 0x90abcdef, li a0, 0x1234567890abcdef; c_unary ZEXT_W, 10)
TEST_CASE(25, a0, 0xedcba9876f543210, li a0, 0x1234567890abcdef; c_unary NOT, 10)
TEST_CASE(26, s1, 0x7f, li s1, 0x7f7f; TB_BREAK; c_unary ZEXT_B, 9)
TEST_CASE(27, a5, 0x0000000000001234, li a5, 0xffffffff00001234; TB_BREAK; c_unary ZEXT_W, 15)
TEST_CASE(28, s0, 0xffffffffffff8000, li s0, 0x8000; TB_BREAK; c_unary SEXT_H, 8)
TEST_CASE(30, a0, -21, li a0, 7; li a1, -3; c_mul 10, 11)
TEST_CASE(31, a1, 0x0000000100000000, li a1, 0x10000; TB_BREAK; c_mul 11, 11)
TEST_CASE(32, a4, 0xfffffffffffffffa, li a4, -2; li a5, 3; TB_BREAK; c_mul 14, 15)

TEST_END

.data
.balign 8
tdata: .byte 0x81, 0x7f, 0x34, 0x12, 0x01, 0x80, 0xfe, 0xff
.balign 8
scratch: .dword 0, 0
