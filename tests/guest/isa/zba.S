// tests/guest/isa/zba.S — Zba (address generation): add.uw, zext.w,
// sh1add/sh2add/sh3add and their .uw forms, slli.uw (shift amounts up to
// 63). Expected values follow the RISC-V bit-manipulation spec; each case
// also runs with operands unknown at translation time (TEST_*_RT).
#include "test_macros.h"
.option arch, +zba, +zbb, +zbs, +zbc
TEST_BEGIN("zba")

// add.uw: rs2 + zext32(rs1)
TEST_RR_OP_RT(  1, add.uw,   0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
TEST_RR_OP_RT(  2, add.uw,   0x0000000080000006, 0x1234567880000001, 0x0000000000000005)  // upper half of rs1 ignored
TEST_RR_OP_RT(  3, add.uw,   0x0000000100000000, 0xffffffffffffffff, 0x0000000000000001)  // 0xffffffff + 1: no 32-bit wrap
TEST_RR_OP_RT(  4, add.uw,   0x000000007ffffffe, 0x000000007fffffff, 0xffffffffffffffff)
TEST_RR_OP_RT(  5, add.uw,   0xffffffffffffffff, 0xffffffff00000000, 0xffffffffffffffff)
TEST_RR_OP_RT(  6, add.uw,   0x8000000080000000, 0x0000000080000000, 0x8000000000000000)
// shNadd: rs2 + (rs1 << N), 64-bit wrap
TEST_RR_OP_RT(  7, sh1add,   0x0000000000000010, 0x0000000000000003, 0x000000000000000a)
TEST_RR_OP_RT(  8, sh1add,   0xfffffffffffffffe, 0xffffffffffffffff, 0x0000000000000000)
TEST_RR_OP_RT(  9, sh1add,   0x0000000000000001, 0x8000000000000000, 0x0000000000000001)  // bit 63 shifted out
TEST_RR_OP_RT( 10, sh1add,   0x8000000000000000, 0x4000000000000000, 0x0000000000000000)
TEST_RR_OP_RT( 11, sh1add,   0xfffffffffffffffd, 0xffffffffffffffff, 0xffffffffffffffff)
TEST_RR_OP_RT( 12, sh1add,   0x3579be02468acef1, 0x123456789abcdef0, 0x1111111111111111)
TEST_RR_OP_RT( 13, sh2add,   0x0000000000000016, 0x0000000000000003, 0x000000000000000a)
TEST_RR_OP_RT( 14, sh2add,   0xfffffffffffffffc, 0xffffffffffffffff, 0x0000000000000000)
TEST_RR_OP_RT( 15, sh2add,   0x8000000000000000, 0x2000000000000000, 0x0000000000000000)
TEST_RR_OP_RT( 16, sh2add,   0x0000000000000003, 0x4000000000000001, 0xffffffffffffffff)
TEST_RR_OP_RT( 17, sh2add,   0x59e26af37c048cd1, 0x123456789abcdef0, 0x1111111111111111)
TEST_RR_OP_RT( 18, sh3add,   0x0000000000000022, 0x0000000000000003, 0x000000000000000a)
TEST_RR_OP_RT( 19, sh3add,   0xfffffffffffffff8, 0xffffffffffffffff, 0x0000000000000000)
TEST_RR_OP_RT( 20, sh3add,   0x8000000000000000, 0x1000000000000000, 0x0000000000000000)
TEST_RR_OP_RT( 21, sh3add,   0x000000000000000f, 0xe000000000000001, 0x0000000000000007)
TEST_RR_OP_RT( 22, sh3add,   0xa2b3c4d5e6f80891, 0x123456789abcdef0, 0x1111111111111111)
// shNadd.uw: rs2 + (zext32(rs1) << N)
TEST_RR_OP_RT( 23, sh1add.uw, 0x00000001fffffffe, 0xffffffffffffffff, 0x0000000000000000)
TEST_RR_OP_RT( 24, sh1add.uw, 0x000000002468acf1, 0x8000000012345678, 0x0000000000000001)
TEST_RR_OP_RT( 25, sh1add.uw, 0x00000000ffffffff, 0x0000000080000000, 0xffffffffffffffff)
TEST_RR_OP_RT( 26, sh2add.uw, 0x00000003fffffffc, 0xffffffffffffffff, 0x0000000000000000)
TEST_RR_OP_RT( 27, sh2add.uw, 0x0000000048d159e1, 0x8000000012345678, 0x0000000000000001)
TEST_RR_OP_RT( 28, sh2add.uw, 0x0000000200000010, 0xffffffff80000000, 0x0000000000000010)
TEST_RR_OP_RT( 29, sh3add.uw, 0x00000007fffffff8, 0xffffffffffffffff, 0x0000000000000000)
TEST_RR_OP_RT( 30, sh3add.uw, 0x0000000091a2b3c1, 0x8000000012345678, 0x0000000000000001)
TEST_RR_OP_RT( 31, sh3add.uw, 0x8000000000000008, 0xffffffff00000001, 0x8000000000000000)
// slli.uw: zext32(rs1) << shamt (6 bits)
TEST_IMM_OP_RT( 32, slli.uw,  0x0000000080000001, 0xffffffff80000001, 0)
TEST_IMM_OP_RT( 33, slli.uw,  0x0000000100000002, 0xffffffff80000001, 1)
TEST_IMM_OP_RT( 34, slli.uw,  0x4000000080000000, 0xffffffff80000001, 31)
TEST_IMM_OP_RT( 35, slli.uw,  0x8000000100000000, 0xffffffff80000001, 32)
TEST_IMM_OP_RT( 36, slli.uw,  0x8000000000000000, 0xffffffff80000001, 63)
TEST_IMM_OP_RT( 37, slli.uw,  0xffffff0000000000, 0xffffffffffffffff, 40)
TEST_IMM_OP_RT( 38, slli.uw,  0x0000000000000000, 0x1234567800000000, 5)  // only the upper half set: 0
// zext.w is add.uw rd,rs1,zero
TEST_CASE( 90, a4, 0x00000000ffffffff, li a1, -1; zext.w a4, a1)
TEST_CASE( 91, a4, 0x0000000080000000, li a1, 0xabcdef0080000000; zext.w a4, a1)
TEST_CASE( 92, a4, 0x0000000012345678, li a1, 0x12345678; TB_BREAK; zext.w a4, a1)
TEST_CASE( 93, a5, 0x0000000080000001, li a5, 0xffffffff80000001; TB_BREAK; zext.w a5, a5)

TEST_END
