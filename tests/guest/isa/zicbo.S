// tests/guest/isa/zicbo.S — Zicboz (cbo.zero: zero the 64-byte block that
// holds rs1, aligned down) and Zicbop (prefetch.i/r/w: hints, ori x0 forms
// that change nothing). The blocks around the zeroed one keep their bytes.
#include "test_macros.h"
.option arch, +zicboz, +zicbop
TEST_BEGIN("zicbo")

  lla s1, buf
  // fill 256 bytes with 0xff
  li t0, -1; mv t1, s1; li t2, 32
1: sd t0, 0(t1); addi t1, t1, 8; addi t2, t2, -1; bnez t2, 1b
  addi a0, s1, 64 + 37          // inside block 1
  cbo.zero (a0)
TEST_CASE( 1, a1, 0xff, lbu a1, 63(s1))
TEST_CASE( 2, a1, 0, ld a1, 64(s1))
TEST_CASE( 3, a1, 0, ld a1, 120(s1))
TEST_CASE( 4, a1, 0xff, lbu a1, 128(s1))
TEST_CASE( 5, a0, 0, sub a0, a0, s1; addi a0, a0, -101)   // rs1 unchanged
  // an aligned address, operand unknown at translation time
  addi a2, s1, 192
  TB_BREAK
  cbo.zero (a2)
TEST_CASE( 6, a1, 0, ld a1, 248(s1))
TEST_CASE( 7, a1, 0, ld a1, 192(s1))
TEST_CASE( 8, a1, -1, ld a1, 184(s1))
  // prefetches: no effect on registers or memory
  li a3, 77
  prefetch.r 64(s1)
  prefetch.w -64(a3)
  prefetch.i 0(s1)
  prefetch.r 2016(a3)
TEST_CASE( 9, a3, 77)
TEST_CASE(10, a1, -1, ld a1, 8(s1))

TEST_END

.data
.balign 64
buf: .space 256
