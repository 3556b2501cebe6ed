// tests/guest/isa/rv64m.S — M extension: mul/mulh/mulhsu/mulhu, div/divu/
// rem/remu and the W forms, including division by zero (quotient all ones,
// remainder = dividend) and signed overflow (-2^63 / -1 = -2^63, rem 0),
// and sign extension of every W result.
#include "test_macros.h"
TEST_BEGIN("rv64m")

#define MIN64 0x8000000000000000
#define M1    0xffffffffffffffff
//          num  inst     expected              v1                    v2
TEST_RR_OP(  1, mul,    0x0000000000000000, 0, 0x1234)
TEST_RR_OP(  2, mul,    0x0000000000000006, 2, 3)
TEST_RR_OP(  3, mul,    0xfffffffffffffffa, 0xfffffffffffffffe, 3)
TEST_RR_OP(  4, mul,    0x0000000000000001, M1, M1)
TEST_RR_OP(  5, mul,    0x8000000000000000, MIN64, M1)
TEST_RR_OP(  6, mul,    0xfffffffe00000001, 0x00000000ffffffff, 0x00000000ffffffff)
TEST_RR_OP(  7, mul,    0x0000000100000000, 0x0000000080000000, 2)                 // no 32-bit truncation
TEST_RR_OP( 10, mulh,   0x0000000000000000, 2, 3)
TEST_RR_OP( 11, mulh,   0xffffffffffffffff, 0xfffffffffffffffe, 3)                 // -6 → high = -1
TEST_RR_OP( 12, mulh,   0x0000000000000000, M1, M1)                                // 1
TEST_RR_OP( 13, mulh,   0x4000000000000000, MIN64, MIN64)                          // 2^126
TEST_RR_OP( 14, mulh,   0xffffffffffffffff, MIN64, 2)
TEST_RR_OP( 15, mulh,   0x3fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff)
TEST_RR_OP( 20, mulhu,  0x0000000000000000, 2, 3)
TEST_RR_OP( 21, mulhu,  0xfffffffffffffffe, M1, M1)
TEST_RR_OP( 22, mulhu,  0x4000000000000000, MIN64, MIN64)
TEST_RR_OP( 23, mulhu,  0x0000000000000002, 0xfffffffffffffffe, 3)
TEST_RR_OP( 30, mulhsu, 0xffffffffffffffff, M1, 1)                                 // -1 * 1
TEST_RR_OP( 31, mulhsu, 0xffffffffffffffff, M1, M1)                                // -1 * (2^64-1)
TEST_RR_OP( 32, mulhsu, 0x7ffffffffffffffe, 0x7fffffffffffffff, M1)
TEST_RR_OP( 33, mulhsu, 0xc000000000000000, MIN64, MIN64)                          // -2^63 * 2^63
TEST_RR_OP( 34, mulhsu, 0x0000000000000000, 2, 3)
TEST_RR_OP( 40, div,    0x0000000000000003, 20, 6)
TEST_RR_OP( 41, div,    0xfffffffffffffffd, 0xffffffffffffffec, 6)                 // -20/6 = -3 (truncates)
TEST_RR_OP( 42, div,    0xfffffffffffffffd, 20, 0xfffffffffffffffa)
TEST_RR_OP( 43, div,    0x0000000000000003, 0xffffffffffffffec, 0xfffffffffffffffa)
TEST_RR_OP( 44, div,    MIN64, MIN64, M1)                                          // overflow
TEST_RR_OP( 45, div,    M1, 20, 0)                                                 // by zero
TEST_RR_OP( 46, div,    M1, MIN64, 0)
TEST_RR_OP( 47, div,    M1, 0, 0)
TEST_RR_OP( 50, divu,   0x0000000000000003, 20, 6)
TEST_RR_OP( 51, divu,   0x2aaaaaaaaaaaaaa7, 0xffffffffffffffec, 6)
TEST_RR_OP( 52, divu,   0x0000000000000000, 20, 0xfffffffffffffffa)
TEST_RR_OP( 53, divu,   0x0000000000000000, MIN64, M1)
TEST_RR_OP( 54, divu,   M1, 20, 0)                                                 // by zero: 2^64-1
TEST_RR_OP( 55, divu,   M1, 0, 0)
TEST_RR_OP( 60, rem,    0x0000000000000002, 20, 6)
TEST_RR_OP( 61, rem,    0xfffffffffffffffe, 0xffffffffffffffec, 6)                 // sign of dividend
TEST_RR_OP( 62, rem,    0x0000000000000002, 20, 0xfffffffffffffffa)
TEST_RR_OP( 63, rem,    0xfffffffffffffffe, 0xffffffffffffffec, 0xfffffffffffffffa)
TEST_RR_OP( 64, rem,    0x0000000000000000, MIN64, M1)                             // overflow: 0
TEST_RR_OP( 65, rem,    0x0000000000000014, 20, 0)                                 // by zero: dividend
TEST_RR_OP( 66, rem,    MIN64, MIN64, 0)
TEST_RR_OP( 70, remu,   0x0000000000000002, 20, 6)
TEST_RR_OP( 71, remu,   0x0000000000000002, 0xffffffffffffffec, 6)
TEST_RR_OP( 72, remu,   0x0000000000000014, 20, 0xfffffffffffffffa)
TEST_RR_OP( 73, remu,   MIN64, MIN64, M1)
TEST_RR_OP( 74, remu,   0xffffffffffffffec, 0xffffffffffffffec, 0)                 // by zero: dividend
// W forms: low 32 bits in, 32-bit result sign-extended
TEST_RR_OP( 80, mulw,   0x0000000000000006, 2, 3)
TEST_RR_OP( 81, mulw,   0xffffffff80000000, 0x0000000040000000, 2)                 // sign-extends
TEST_RR_OP( 82, mulw,   0x0000000000000000, 0x0000000100000000, 0x0000000100000000)
TEST_RR_OP( 83, mulw,   0xfffffffffffffffa, 0x12345678fffffffe, 0xabcdef0000000003)  // high bits ignored
TEST_RR_OP( 84, mulw,   0x0000000000000001, 0x00000000ffffffff, 0x00000000ffffffff)
TEST_RR_OP( 90, divw,   0x0000000000000003, 20, 6)
TEST_RR_OP( 91, divw,   0xfffffffffffffffd, 0x00000000ffffffec, 6)                 // -20/6
TEST_RR_OP( 92, divw,   0xffffffff80000000, 0x0000000080000000, 0x00000000ffffffff)  // overflow
TEST_RR_OP( 93, divw,   M1, 20, 0)                                                 // by zero
TEST_RR_OP( 94, divw,   M1, 20, 0x0000000100000000)                                // divisor's low 32 bits are 0
TEST_RR_OP( 95, divw,   0x0000000000000005, 0xffffffff0000000a, 2)
TEST_RR_OP(100, divuw,  0x0000000000000003, 20, 6)
TEST_RR_OP(101, divuw,  0x000000002aaaaaa7, 0x00000000ffffffec, 6)
TEST_RR_OP(102, divuw,  0xffffffff80000000, 0x0000000080000000, 1)                 // sign-extends
TEST_RR_OP(103, divuw,  M1, 20, 0)                                                 // by zero: 0xffffffff sext
TEST_RR_OP(104, divuw,  0x0000000000000000, 0x0000000080000000, 0x00000000ffffffff)
TEST_RR_OP(110, remw,   0x0000000000000002, 20, 6)
TEST_RR_OP(111, remw,   0xfffffffffffffffe, 0x00000000ffffffec, 6)
TEST_RR_OP(112, remw,   0x0000000000000000, 0x0000000080000000, 0x00000000ffffffff)  // overflow
TEST_RR_OP(113, remw,   0xffffffff80000000, 0x0000000080000000, 0)                 // by zero: sext(dividend)
TEST_RR_OP(114, remw,   0x0000000012345678, 0xabcdef0012345678, 0)
TEST_RR_OP(120, remuw,  0x0000000000000002, 20, 6)
TEST_RR_OP(121, remuw,  0x0000000000000002, 0x00000000ffffffec, 6)
TEST_RR_OP(122, remuw,  0xffffffff80000000, 0x0000000080000000, 0)                 // by zero: sext(dividend)
TEST_RR_OP(123, remuw,  0xffffffffffffffec, 0x00000000ffffffec, 0x0000000100000000)
TEST_RR_OP(124, remuw,  0xffffffff80000001, 0x0000000080000001, 0x00000000ffffffff)  // sign-extends

TEST_END
