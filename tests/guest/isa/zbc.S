// tests/guest/isa/zbc.S — Zbc (carry-less multiplication): clmul, clmulh,
// clmulr (bits 63..0, 127..64 and 126..63 of the 128-bit carry-less
// product). Expected values follow the RISC-V bit-manipulation spec; each
// case also runs with operands unknown at translation time (TEST_*_RT).
#include "test_macros.h"
.option arch, +zba, +zbb, +zbs, +zbc
TEST_BEGIN("zbc")

// clmul: bits 63..0 of the carry-less product
TEST_RR_OP_RT(  1, clmul,    0x0000000000000000, 0x0000000000000000, 0xffffffffffffffff)
TEST_RR_OP_RT(  2, clmul,    0x123456789abcdef0, 0x0000000000000001, 0x123456789abcdef0)
TEST_RR_OP_RT(  3, clmul,    0x0000000000000005, 0x0000000000000003, 0x0000000000000003)  // (x+1)^2 = x^2+1
TEST_RR_OP_RT(  4, clmul,    0x5555555555555555, 0xffffffffffffffff, 0xffffffffffffffff)
TEST_RR_OP_RT(  5, clmul,    0x0000000000000000, 0x8000000000000000, 0x8000000000000000)
TEST_RR_OP_RT(  6, clmul,    0x0000000000000001, 0x8000000000000001, 0x8000000000000001)
TEST_RR_OP_RT(  7, clmul,    0x40a0789828c810f0, 0x123456789abcdef0, 0x0fedcba987654321)
TEST_RR_OP_RT(  8, clmul,    0x0000000000000000, 0x0000000000000002, 0x8000000000000000)  // x^64 shifted out
// clmulh: bits 127..64
TEST_RR_OP_RT( 20, clmulh,   0x0000000000000000, 0x0000000000000000, 0xffffffffffffffff)
TEST_RR_OP_RT( 21, clmulh,   0x0000000000000000, 0x0000000000000001, 0xffffffffffffffff)
TEST_RR_OP_RT( 22, clmulh,   0x5555555555555555, 0xffffffffffffffff, 0xffffffffffffffff)
TEST_RR_OP_RT( 23, clmulh,   0x4000000000000000, 0x8000000000000000, 0x8000000000000000)
TEST_RR_OP_RT( 24, clmulh,   0x0000000000000001, 0x0000000000000002, 0x8000000000000000)
TEST_RR_OP_RT( 25, clmulh,   0x00e038d8688850b0, 0x123456789abcdef0, 0x0fedcba987654321)
TEST_RR_OP_RT( 26, clmulh,   0x0000000055555555, 0x00000000ffffffff, 0xffffffff00000000)
// clmulr: bits 126..63
TEST_RR_OP_RT( 40, clmulr,   0x0000000000000000, 0x0000000000000000, 0xffffffffffffffff)
TEST_RR_OP_RT( 41, clmulr,   0x0000000000000000, 0x0000000000000001, 0x0000000000000001)
TEST_RR_OP_RT( 42, clmulr,   0x0000000000000001, 0x0000000000000001, 0x8000000000000000)
TEST_RR_OP_RT( 43, clmulr,   0xaaaaaaaaaaaaaaaa, 0xffffffffffffffff, 0xffffffffffffffff)
TEST_RR_OP_RT( 44, clmulr,   0x8000000000000000, 0x8000000000000000, 0x8000000000000000)
TEST_RR_OP_RT( 45, clmulr,   0x01c071b0d110a160, 0x123456789abcdef0, 0x0fedcba987654321)
TEST_RR_OP_RT( 46, clmulr,   0x00000000aaaaaaaa, 0x00000000ffffffff, 0xffffffff00000000)

TEST_END
