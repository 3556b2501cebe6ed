// tests/guest/isa/zihint_mop.S — hints and may-be-operations: Zihintpause
// (pause), Zihintntl (ntl.p1/pall/s1/all = add x0,x0,x2..x5, and their
// c.add x0,rs2 forms), Zawrs (wrs.nto, wrs.sto: return at once here), Zimop
// (mop.r.N, mop.rr.N: rd = 0) and Zcmop (c.mop.N: writes nothing, not even
// x[N]). binutils 2.40 knows pause and wrs.*; the rest use .insn / .2byte.
#include "test_macros.h"
.option arch, +zihintpause, +zawrs
// mop.r.N rd, rs1: 1 N[4] 00 N[3:2] 0111 N[1:0] rs1 100 rd 1110011
.macro mop.r n, rd, rs1
  .insn i 0x73, 4, \rd, \rs1, -0x800 + 0x1c + (((\n) & 16) << 6) + (((\n) & 12) << 4) + ((\n) & 3)
.endm
// mop.rr.N rd, rs1, rs2: 1 N[2] 00 N[1:0] 1 rs2 rs1 100 rd 1110011
.macro mop.rr n, rd, rs1, rs2
  .insn r 0x73, 4, 0x41 + (((\n) & 4) << 3) + (((\n) & 3) << 1), \rd, \rs1, \rs2
.endm
TEST_BEGIN("zihint_mop")

  li a1, 11; li a2, 22
  pause
  TEST_CASE(1, a1, 11)
  wrs.nto
  wrs.sto
  TEST_CASE(2, a2, 22)
  // ntl.*: add zero, zero, sp/gp/tp/t0 (ntl.pall)
  add zero, zero, sp; add zero, zero, gp; add zero, zero, tp; add zero, zero, t0
  TEST_CASE(3, a1, 11)
  // c.ntl.p1 .. c.ntl.all: c.add x0, x2..x5
  .2byte 0x900a; .2byte 0x900e; .2byte 0x9012; .2byte 0x9016
  TEST_CASE(4, a2, 22)
  // mop.r.N: rd = 0 whatever rs1 is
  TEST_CASE(5, a4, 0, li a4, 5; mop.r 0, a4, a1)
  TEST_CASE(6, a4, 0, li a4, 5; mop.r 31, a4, a1)
  TEST_CASE(7, a4, 0, li a4, 5; TB_BREAK; mop.r 19, a4, a4)
  TEST_CASE(8, a1, 11)
  // mop.rr.N
  TEST_CASE(9, a4, 0, li a4, 5; mop.rr 0, a4, a1, a2)
  TEST_CASE(10, a4, 0, li a4, 5; TB_BREAK; mop.rr 7, a4, a4, a4)
  TEST_CASE(11, a2, 22)
  mop.r 3, zero, a1
  // c.mop.1, c.mop.3 ... c.mop.15: x1..x15 (odd) keep their values
  li ra, 101; li s1, 103; li t0, 105; li a5, 115
  .2byte 0x6081; .2byte 0x6181; .2byte 0x6281; .2byte 0x6381
  .2byte 0x6481; .2byte 0x6581; .2byte 0x6681; .2byte 0x6781
  TEST_CASE(12, ra, 101)
  TEST_CASE(13, s1, 103)
  TEST_CASE(14, t0, 105)
  TEST_CASE(15, a5, 115)

TEST_END
