// tests/guest/isa/rv64a.S — A extension: lr.w/sc.w and lr.d/sc.d (success
// returns 0 and stores; failure returns nonzero and does not store: SC with
// no reservation, a second SC after one consumed the reservation, SC to an
// address outside the reservation set) and every AMO in .w and .d form (rd =
// old value, .w sign-extended; memory = op result; neighbouring word kept).
#include "test_macros.h"

  .data
  .balign 64
amo_w: .dword 0
amo_d: .dword 0
  .balign 4096
other_page: .dword 0

TEST_BEGIN("rv64a")

#define HI 0x5a5a5a5a00000000
// .w: memory word at amo_w (upper neighbour word = 0x5a5a5a5a) starts as mem0.
#define AMO_W(num, inst, mem0, src, rd_exp, mem_exp)                  \
  TEST_CASE(num, a4, rd_exp, lla a1, amo_w; li t1, HI | (mem0); sd t1, 0(a1); li a2, src; inst a4, a2, (a1)) \
  ld a5, 0(a1); CHECK(a5, HI | (mem_exp))                             \
  li a2, src; sd t1, 0(a1); inst a2, a2, (a1); CHECK(a2, rd_exp)  /* rd == rs2 */ \
  li a2, src; sd t1, 0(a1); inst zero, a2, (a1); ld a5, 0(a1); CHECK(a5, HI | (mem_exp))
#define AMO_D(num, inst, mem0, src, rd_exp, mem_exp)                  \
  TEST_CASE(num, a4, rd_exp, lla a1, amo_d; li t1, mem0; sd t1, 0(a1); li a2, src; inst a4, a2, (a1)) \
  ld a5, 0(a1); CHECK(a5, mem_exp)                                    \
  li a2, src; sd t1, 0(a1); inst a2, a2, (a1); CHECK(a2, rd_exp)      \
  li a2, src; sd t1, 0(a1); inst zero, a2, (a1); ld a5, 0(a1); CHECK(a5, mem_exp)

//     num  inst          mem before   rs2                   rd (old, sext)        memory after
AMO_W(  1, amoswap.w,    0x80000000, 0x0000000012345678, 0xffffffff80000000, 0x12345678)
AMO_W(  2, amoswap.w.aq, 0x7fffffff, 0xffffffff87654321, 0x000000007fffffff, 0x87654321)
AMO_W(  3, amoadd.w,     0x7fffffff, 1,                  0x000000007fffffff, 0x80000000)  // wraps in 32 bits
AMO_W(  4, amoadd.w.rl,  0xffffffff, 1,                  0xffffffffffffffff, 0x00000000)  // no carry into neighbour
AMO_W(  5, amoxor.w,     0xff00ff00, 0x0ff00ff0,         0xffffffffff00ff00, 0xf0f0f0f0)
AMO_W(  6, amoand.w,     0xff00ff00, 0x0ff00ff0,         0xffffffffff00ff00, 0x0f000f00)
AMO_W(  7, amoor.w,      0xff00ff00, 0x0ff00ff0,         0xffffffffff00ff00, 0xfff0fff0)
AMO_W(  8, amomin.w,     0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x80000000)
AMO_W(  9, amomin.w,     0x00000001, 0x00000000ffffffff, 0x0000000000000001, 0xffffffff)  // rs2 low 32 = -1
AMO_W( 10, amomax.w,     0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x7fffffff)
AMO_W( 11, amomax.w.aqrl,0xffffffff, 0x0000000100000000, 0xffffffffffffffff, 0x00000000)  // rs2 low 32 = 0 > -1
AMO_W( 12, amominu.w,    0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x7fffffff)
AMO_W( 13, amominu.w,    0x00000001, 0xffffffff00000002, 0x0000000000000001, 0x00000001)
AMO_W( 14, amomaxu.w,    0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x80000000)
AMO_W( 15, amomaxu.w,    0x00000001, 0x00000000fffffffe, 0x0000000000000001, 0xfffffffe)
AMO_D( 20, amoswap.d,    0x8000000000000000, 0x0123456789abcdef, 0x8000000000000000, 0x0123456789abcdef)
AMO_D( 21, amoadd.d,     0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000)
AMO_D( 22, amoadd.d.aq,  0x00000000ffffffff, 1, 0x00000000ffffffff, 0x0000000100000000)
AMO_D( 23, amoxor.d,     0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0)
AMO_D( 24, amoand.d,     0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00)
AMO_D( 25, amoor.d.rl,   0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0)
AMO_D( 26, amomin.d,     0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
AMO_D( 27, amomin.d,     0x0000000080000000, 0xffffffffffffffff, 0x0000000080000000, 0xffffffffffffffff)
AMO_D( 28, amomax.d,     0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
AMO_D( 29, amomax.d.aqrl,0xffffffffffffffff, 0x0000000000000000, 0xffffffffffffffff, 0x0000000000000000)
AMO_D( 30, amominu.d,    0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
AMO_D( 31, amominu.d,    0x0000000100000000, 0x00000000ffffffff, 0x0000000100000000, 0x00000000ffffffff)
AMO_D( 32, amomaxu.d,    0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
AMO_D( 33, amomaxu.d,    0x0000000100000000, 0x00000000ffffffff, 0x0000000100000000, 0x0000000100000000)

// LR/SC
// lr.w sign-extends; sc.w success writes 0 to rd and stores
TEST_CASE(40, a4, 0xffffffff80000001, lla a1, amo_w; li t1, HI | 0x80000001; sd t1, 0(a1); lr.w a4, (a1))
TEST_CASE(41, a5, 0, li a2, 0x11223344; lla a1, amo_w; lr.w a4, (a1); sc.w a5, a2, (a1))
TEST_CASE(42, a4, HI | 0x11223344, ld a4, 0(a1))
// second SC without a new LR fails and does not store
TEST_CASE(43, a5, 1, li a2, 0x55667788; sc.w a5, a2, (a1); snez a5, a5)
TEST_CASE(44, a4, HI | 0x11223344, ld a4, 0(a1))
// SC to an address outside the reservation set fails
TEST_CASE(45, a5, 1, lla a1, amo_w; lla a3, other_page; sd zero, 0(a3); lr.w a4, (a1); li a2, 7; sc.w a5, a2, (a3); snez a5, a5)
TEST_CASE(46, a4, 0, ld a4, 0(a3))
// lr.d / sc.d
TEST_CASE(50, a4, 0x8000000000000001, lla a1, amo_d; li t1, 0x8000000000000001; sd t1, 0(a1); lr.d a4, (a1))
TEST_CASE(51, a5, 0, li a2, 0x0123456789abcdef; sc.d a5, a2, (a1))
TEST_CASE(52, a4, 0x0123456789abcdef, ld a4, 0(a1))
TEST_CASE(53, a5, 1, li a2, 0x55; sc.d a5, a2, (a1); snez a5, a5)
TEST_CASE(54, a4, 0x0123456789abcdef, ld a4, 0(a1))
TEST_CASE(55, a5, 1, lla a1, amo_d; lla a3, other_page; sd zero, 0(a3); lr.d.aq a4, (a1); li a2, 7; sc.d.rl a5, a2, (a3); snez a5, a5)
TEST_CASE(56, a4, 0, ld a4, 0(a3))
// an LR/SC increment loop (the usual atomic-add idiom) 1000 times
TEST_CASE(60, a4, 1000, lla a1, amo_d; sd zero, 0(a1); li t2, 1000; 1: lr.d.aqrl t1, (a1); addi t1, t1, 1; sc.d.aqrl t3, t1, (a1); bnez t3, 1b; addi t2, t2, -1; bnez t2, 1b; ld a4, 0(a1))

TEST_END
