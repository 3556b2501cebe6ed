// tests/guest/isa/test_macros.h — assembler macros for the per-instruction
// ISA tests in this folder (written for hartd, in the spirit of the RISC-V
// ISA tests; no third-party code). Each test file is a table of test lines:
//
//   TEST_RR_OP(num, inst, expected, v1, v2)      inst a4,a1,a2 (+ rd=rs1, rd=rs2)
//   TEST_IMM_OP(num, inst, expected, v1, imm)    inst a4,a1,imm (+ rd=rs1)
//   TEST_R_OP(num, inst, expected, v1)           inst a4,a1 (+ rd=rs1): unary ops
//   TEST_RR_OP_RT / TEST_R_OP_RT / TEST_IMM_OP_RT  the same, and again with
//                                                operands unknown at translation
//                                                time, in many registers
//   TEST_CASE(num, reg, expected, code...)       run code, compare reg
//   TEST_BR_TAKEN / TEST_BR_NOT_TAKEN(num, inst, v1, v2)
//   FP (values are IEEE bit patterns; flags = exact fflags afterwards):
//   TEST_DD(num, flags, expected, v1, v2, v3, code...)  fa1..fa3 = doubles, result fa0 (64 bits)
//   TEST_SS(num, flags, expected, v1, v2, v3, code...)  fa1..fa3 = singles, result fa0 (single,
//                                                         must be NaN-boxed)
//   TEST_DS / TEST_SD                                    double in → single out / single in → double out
//   TEST_DX / TEST_SX(num, flags, expected, v1, v2, code...)  FP in, integer result a0
//   TEST_XD / TEST_XS(num, flags, expected, ival, code...)    integer in a1, FP result fa0
//   TEST_HH / TEST_HX / TEST_XH                          the same for halves (Zfh)
//
// Every FP test starts with fcsr = 0 (no flags, frm = RNE); code may set frm.
// Register use: gp = current test number (never touched by tests), t6 =
// expected value scratch, a0..a7 / t0..t5 / fa0..fa7 free for tests.
//
// Protocol: on the first mismatch the program writes "FAIL <name> <num>\n" to
// stdout and exits with status num % 256 (255 if that is 0); after the last
// test, TEST_END writes "PASS <name>\n" and exits 0.
// Use: #include "test_macros.h" in a .S file, then TEST_BEGIN("name"), test
// lines, TEST_END. gp is not the global pointer here (.option norelax).
// Build: riscv64-linux-gnu-gcc -static -nostdlib -nostartfiles.

#define TESTNUM gp

#define FFLAG_NX 0x01
#define FFLAG_UF 0x02
#define FFLAG_OF 0x04
#define FFLAG_DZ 0x08
#define FFLAG_NV 0x10

// Common double bit patterns.
#define D_P0      0x0000000000000000
#define D_N0      0x8000000000000000
#define D_P1      0x3ff0000000000000
#define D_N1      0xbff0000000000000
#define D_P2      0x4000000000000000
#define D_P3      0x4008000000000000
#define D_PINF    0x7ff0000000000000
#define D_NINF    0xfff0000000000000
#define D_QNAN    0x7ff8000000000000   // canonical NaN
#define D_NQNAN   0xfff8000000000000
#define D_SNAN    0x7ff4000000000000
#define D_MAX     0x7fefffffffffffff
#define D_MIN     0x0010000000000000   // smallest normal
#define D_SUB     0x0000000000000001   // smallest subnormal
// Common single bit patterns.
#define S_P0      0x00000000
#define S_N0      0x80000000
#define S_P1      0x3f800000
#define S_N1      0xbf800000
#define S_P2      0x40000000
#define S_P3      0x40400000
#define S_PINF    0x7f800000
#define S_NINF    0xff800000
#define S_QNAN    0x7fc00000           // canonical NaN
#define S_NQNAN   0xffc00000
#define S_SNAN    0x7fa00000
#define S_MAX     0x7f7fffff
#define S_MIN     0x00800000
#define S_SUB     0x00000001

#define SBOX(x) (0xffffffff00000000 | (x))

#define TEST_BEGIN(name)                                   \
  .section .rodata;                                        \
  test_name: .ascii name;                                  \
  test_name_end:;                                          \
  .text;                                                   \
  .option norvc; .option norelax;                                        \
  .globl _start;                                           \
  _start:;                                                 \
  li TESTNUM, 0;

// Compare reg with a 64-bit constant; jump to fail on mismatch.
#define CHECK(reg, val)                                    \
  li t6, val;                                              \
  beq reg, t6, 1f;                                         \
  j fail;                                                  \
1:;

#define TEST_CASE(num, reg, val, code...)                  \
test_##num:;                                               \
  li TESTNUM, num;                                         \
  code;                                                    \
  CHECK(reg, val)

#define TEST_RR_OP(num, inst, res, v1, v2)                 \
  TEST_CASE(num, a4, res, li a1, v1; li a2, v2; inst a4, a1, a2) \
  li a1, v1; li a2, v2; inst a1, a1, a2; CHECK(a1, res)    \
  li a1, v1; li a2, v2; inst a2, a1, a2; CHECK(a2, res)

#define TEST_IMM_OP(num, inst, res, v1, imm)               \
  TEST_CASE(num, a4, res, li a1, v1; inst a4, a1, imm)     \
  li a1, v1; inst a1, a1, imm; CHECK(a1, res)

// Ends the translation block here (a branch that is always taken), so that
// the next instruction's operands are not known at translation time: the
// JIT runs its code for the instruction instead of folding constants.
#define TB_BREAK beq zero, zero, 7f; 7:

// Unary ops (clz, rev8...): inst a4,a1 and rd=rs1.
#define TEST_R_OP(num, inst, res, v1)                      \
  TEST_CASE(num, a4, res, li a1, v1; inst a4, a1)          \
  li a1, v1; inst a1, a1; CHECK(a1, res)

// The _RT forms run each case twice: folded at translation time (as the
// forms above) and with operands known only at run time (TB_BREAK), in
// registers the JIT keeps in host registers (a0, a2..a5, s0, sp) and in
// memory (a1, t0..t2), with rd equal to rs1, to rs2 and to neither.
#define TEST_RR_OP_RT(num, inst, res, v1, v2)              \
  TEST_RR_OP(num, inst, res, v1, v2)                       \
  li a1, v1; li a2, v2; TB_BREAK; inst a4, a1, a2; CHECK(a4, res) \
  li a1, v1; li a2, v2; TB_BREAK; inst a1, a1, a2; CHECK(a1, res) \
  li a1, v1; li a2, v2; TB_BREAK; inst a2, a1, a2; CHECK(a2, res) \
  li a5, v1; li a4, v2; TB_BREAK; inst a5, a5, a4; CHECK(a5, res) \
  li a3, v1; li a0, v2; TB_BREAK; inst a0, a3, a0; CHECK(a0, res) \
  li t0, v1; li t1, v2; TB_BREAK; inst t2, t0, t1; CHECK(t2, res) \
  li t0, v1; li t1, v2; TB_BREAK; inst t1, t0, t1; CHECK(t1, res)

#define TEST_R_OP_RT(num, inst, res, v1)                   \
  TEST_R_OP(num, inst, res, v1)                            \
  li a1, v1; TB_BREAK; inst a4, a1; CHECK(a4, res)         \
  li a5, v1; TB_BREAK; inst a5, a5; CHECK(a5, res)         \
  li a3, v1; TB_BREAK; inst t2, a3; CHECK(t2, res)         \
  li t0, v1; TB_BREAK; inst t0, t0; CHECK(t0, res)

#define TEST_IMM_OP_RT(num, inst, res, v1, imm)            \
  TEST_IMM_OP(num, inst, res, v1, imm)                     \
  li a1, v1; TB_BREAK; inst a4, a1, imm; CHECK(a4, res)    \
  li a5, v1; TB_BREAK; inst a5, a5, imm; CHECK(a5, res)    \
  li t0, v1; TB_BREAK; inst t0, t0, imm; CHECK(t0, res)

// A taken branch must go to its target, forward and backward.
#define TEST_BR_TAKEN(num, inst, v1, v2)                   \
test_##num:;                                               \
  li TESTNUM, num;                                         \
  li a1, v1; li a2, v2;                                    \
  inst a1, a2, 2f;                                         \
  j fail;                                                  \
3: j 4f;                                                   \
2: inst a1, a2, 3b;                                        \
  j fail;                                                  \
4:;

#define TEST_BR_NOT_TAKEN(num, inst, v1, v2)               \
test_##num:;                                               \
  li TESTNUM, num;                                         \
  li a1, v1; li a2, v2;                                    \
  inst a1, a2, 2f;                                         \
  j 3f;                                                    \
2: j fail;                                                 \
3:;

// ---- floating point ----
#define FP_PROLOGUE(num)                                   \
test_##num:;                                               \
  li TESTNUM, num;                                         \
  csrw fcsr, zero;

#define LOAD_D(freg, bits) li t0, bits; fmv.d.x freg, t0;
#define LOAD_S(freg, bits) li t0, bits; fmv.w.x freg, t0;

#define FP_CHECK_FLAGS(flags) frflags a5; CHECK(a5, flags)

#define TEST_DD(num, flags, res, v1, v2, v3, code...)      \
  FP_PROLOGUE(num)                                         \
  LOAD_D(fa1, v1) LOAD_D(fa2, v2) LOAD_D(fa3, v3)          \
  code;                                                    \
  FP_CHECK_FLAGS(flags)                                    \
  fmv.x.d a4, fa0; CHECK(a4, res)

#define TEST_SS(num, flags, res, v1, v2, v3, code...)      \
  FP_PROLOGUE(num)                                         \
  LOAD_S(fa1, v1) LOAD_S(fa2, v2) LOAD_S(fa3, v3)          \
  code;                                                    \
  FP_CHECK_FLAGS(flags)                                    \
  fmv.x.d a4, fa0; CHECK(a4, SBOX(res))

#define TEST_DS(num, flags, res, v1, v2, v3, code...)      \
  FP_PROLOGUE(num)                                         \
  LOAD_D(fa1, v1) LOAD_D(fa2, v2) LOAD_D(fa3, v3)          \
  code;                                                    \
  FP_CHECK_FLAGS(flags)                                    \
  fmv.x.d a4, fa0; CHECK(a4, SBOX(res))

#define TEST_SD(num, flags, res, v1, v2, v3, code...)      \
  FP_PROLOGUE(num)                                         \
  LOAD_S(fa1, v1) LOAD_S(fa2, v2) LOAD_S(fa3, v3)          \
  code;                                                    \
  FP_CHECK_FLAGS(flags)                                    \
  fmv.x.d a4, fa0; CHECK(a4, res)

#define TEST_DX(num, flags, res, v1, v2, code...)          \
  FP_PROLOGUE(num)                                         \
  LOAD_D(fa1, v1) LOAD_D(fa2, v2)                          \
  code;                                                    \
  FP_CHECK_FLAGS(flags)                                    \
  CHECK(a0, res)

#define TEST_SX(num, flags, res, v1, v2, code...)          \
  FP_PROLOGUE(num)                                         \
  LOAD_S(fa1, v1) LOAD_S(fa2, v2)                          \
  code;                                                    \
  FP_CHECK_FLAGS(flags)                                    \
  CHECK(a0, res)

#define TEST_XD(num, flags, res, ival, code...)            \
  FP_PROLOGUE(num)                                         \
  li a1, ival;                                             \
  code;                                                    \
  FP_CHECK_FLAGS(flags)                                    \
  fmv.x.d a4, fa0; CHECK(a4, res)

#define TEST_XS(num, flags, res, ival, code...)            \
  FP_PROLOGUE(num)                                         \
  li a1, ival;                                             \
  code;                                                    \
  FP_CHECK_FLAGS(flags)                                    \
  fmv.x.d a4, fa0; CHECK(a4, SBOX(res))

// Halves (Zfh): NaN-boxed with 48 ones above; loaded with fmv.h.x, so a
// file using these needs .option arch, +zfh.
#define HBOX(x) (0xffffffffffff0000 | (x))
#define LOAD_H(freg, bits) li t0, bits; fmv.h.x freg, t0;

#define TEST_HH(num, flags, res, v1, v2, v3, code...)      \
  FP_PROLOGUE(num)                                         \
  LOAD_H(fa1, v1) LOAD_H(fa2, v2) LOAD_H(fa3, v3)          \
  code;                                                    \
  FP_CHECK_FLAGS(flags)                                    \
  fmv.x.d a4, fa0; CHECK(a4, HBOX(res))

#define TEST_HX(num, flags, res, v1, v2, code...)          \
  FP_PROLOGUE(num)                                         \
  LOAD_H(fa1, v1) LOAD_H(fa2, v2)                          \
  code;                                                    \
  FP_CHECK_FLAGS(flags)                                    \
  CHECK(a0, res)

#define TEST_XH(num, flags, res, ival, code...)            \
  FP_PROLOGUE(num)                                         \
  li a1, ival;                                             \
  code;                                                    \
  FP_CHECK_FLAGS(flags)                                    \
  fmv.x.d a4, fa0; CHECK(a4, HBOX(res))

// ---- pass / fail epilogue ----
#define SYS_write 64
#define SYS_exit_group 94

#define TEST_END                                           \
  lla a1, pass_msg; li a2, 5; call put;                     \
  lla a1, test_name; lla a2, test_name_end; sub a2, a2, a1; call put; \
  lla a1, nl_msg; li a2, 1; call put;                       \
  li a0, 0; li a7, SYS_exit_group; ecall;                  \
fail:;                                                     \
  lla a1, fail_msg; li a2, 5; call put;                     \
  lla a1, test_name; lla a2, test_name_end; sub a2, a2, a1; call put; \
  lla a1, sp_msg; li a2, 1; call put;                       \
  /* decimal digits of TESTNUM, built backwards on the stack */ \
  addi sp, sp, -32; addi a1, sp, 32; mv t0, TESTNUM; li t1, 10; \
5: addi a1, a1, -1; remu t2, t0, t1; addi t2, t2, 48; sb t2, 0(a1); \
  divu t0, t0, t1; bnez t0, 5b;                            \
  addi a2, sp, 32; sub a2, a2, a1; call put;               \
  lla a1, nl_msg; li a2, 1; call put;                       \
  andi a0, TESTNUM, 255; bnez a0, 6f; li a0, 255;          \
6: li a7, SYS_exit_group; ecall;                           \
put: li a0, 1; li a7, SYS_write; ecall; ret;               \
  .section .rodata;                                        \
pass_msg: .ascii "PASS ";                                  \
fail_msg: .ascii "FAIL ";                                  \
sp_msg: .ascii " ";                                        \
nl_msg: .ascii "\n";                                       \
  .text
