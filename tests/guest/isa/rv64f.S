// tests/guest/isa/rv64f.S — F extension: every single-precision instruction
// with exact fflags, plus NaN-boxing: every single result must be NaN-boxed
// (upper 32 bits of the f register all ones; TEST_SS checks the full 64
// bits), a single operand read from a register that is not properly boxed is
// the canonical NaN, while the transfers fmv.x.w and fsw move the low 32 bits
// as they are. fmv.x.w sign-extends.
#include "test_macros.h"

#define NX FFLAG_NX
#define UF FFLAG_UF
#define OF FFLAG_OF
#define DZ FFLAG_DZ
#define NV FFLAG_NV
#define S_0_5   0x3f000000
#define S_N0_5  0xbf000000
#define S_1_5   0x3fc00000
#define S_N1_5  0xbfc00000
#define S_2_5   0x40200000
#define S_N2_5  0xc0200000
#define S_4     0x40800000
#define S_5     0x40a00000
#define S_N5    0xc0a00000
#define S_N2    0xc0000000
#define S_THIRD 0x3eaaaaab   // 1/3 rounded to nearest (rounded up)
#define S_EPS2  0x33800000   // 2^-24 (half an ulp of 1.0)
#define S_1P    0x3f800001   // 1 + 2^-23
#define S_1M    0x3f7ffffe   // 1 - 2^-23
#define S_QNANP 0x7fc00123
#define S_2P31  0x4f000000
#define S_N2P31 0xcf000000
#define S_2P32  0x4f800000
#define S_2P63  0x5f000000
#define S_2P64  0x5f800000
// an f register value that is not a NaN-boxed single: reads as canonical NaN
#define UNBOX(freg, bits) li t0, bits; fmv.d.x freg, t0

  .data
  .balign 16
sbuf: .word S_SNAN | 5, 0, 0, 0

TEST_BEGIN("rv64f")

//      num flags  expected   v1  v2  v3   code
TEST_SS(  1, 0,     S_2_5,    S_1_5, S_P1, 0, fadd.s fa0, fa1, fa2)
TEST_SS(  2, NX,    S_P1,     S_P1, S_EPS2, 0, fadd.s fa0, fa1, fa2)
TEST_SS(  3, NX,    S_1P,     S_P1, S_EPS2, 0, fadd.s fa0, fa1, fa2, rup)
TEST_SS(  4, NX,    S_1P,     S_P1, S_EPS2, 0, fadd.s fa0, fa1, fa2, rmm)
TEST_SS(  5, NV,    S_QNAN,   S_PINF, S_NINF, 0, fadd.s fa0, fa1, fa2)
TEST_SS(  6, OF|NX, S_PINF,   S_MAX, S_MAX, 0, fadd.s fa0, fa1, fa2)
TEST_SS(  7, OF|NX, S_MAX,    S_MAX, S_MAX, 0, fadd.s fa0, fa1, fa2, rtz)
TEST_SS(  8, 0,     S_QNAN,   S_QNANP, S_P1, 0, fadd.s fa0, fa1, fa2)
TEST_SS(  9, NV,    S_QNAN,   S_SNAN, S_P1, 0, fadd.s fa0, fa1, fa2)
TEST_SS( 10, 0,     S_N0,     S_1_5, S_N1_5, 0, fadd.s fa0, fa1, fa2, rdn)
TEST_SS( 11, 0,     S_0_5,    S_1_5, S_P1, 0, fsub.s fa0, fa1, fa2)
TEST_SS( 12, NV,    S_QNAN,   S_NINF, S_NINF, 0, fsub.s fa0, fa1, fa2)
TEST_SS( 13, 0,     S_N5,     S_2_5, S_N2, 0, fmul.s fa0, fa1, fa2)
TEST_SS( 14, NV,    S_QNAN,   S_NINF, S_N0, 0, fmul.s fa0, fa1, fa2)
TEST_SS( 15, UF|NX, S_P0,     S_MIN, S_MIN, 0, fmul.s fa0, fa1, fa2)
TEST_SS( 16, 0,     0x00400000, S_MIN, S_0_5, 0, fmul.s fa0, fa1, fa2)        // exact subnormal
TEST_SS( 17, UF|NX, S_SUB,    S_SUB, S_0_5, 0, fmul.s fa0, fa1, fa2, rup)
TEST_SS( 18, NX,    S_THIRD,  S_P1, S_P3, 0, fdiv.s fa0, fa1, fa2)
TEST_SS( 19, NX,    S_THIRD-1, S_P1, S_P3, 0, fdiv.s fa0, fa1, fa2, rtz)
TEST_SS( 20, DZ,    S_NINF,   S_P1, S_N0, 0, fdiv.s fa0, fa1, fa2)
TEST_SS( 21, NV,    S_QNAN,   S_N0, S_P0, 0, fdiv.s fa0, fa1, fa2)
TEST_SS( 22, 0,     S_P0,     S_P1, S_PINF, 0, fdiv.s fa0, fa1, fa2)
TEST_SS( 25, 0,     S_P2,     S_4, 0, 0, fsqrt.s fa0, fa1)
TEST_SS( 26, NX,    0x3fb504f3, S_P2, 0, 0, fsqrt.s fa0, fa1)
TEST_SS( 27, NX,    0x3fb504f4, S_P2, 0, 0, fsqrt.s fa0, fa1, rup)
TEST_SS( 28, NV,    S_QNAN,   S_N1, 0, 0, fsqrt.s fa0, fa1)
TEST_SS( 29, 0,     S_N0,     S_N0, 0, 0, fsqrt.s fa0, fa1)
TEST_SS( 30, NV,    S_QNAN,   S_SNAN, 0, 0, fsqrt.s fa0, fa1)
TEST_SS( 31, 0,     0x1a800000, 0x00000002, 0, 0, fsqrt.s fa0, fa1)          // sqrt(2^-148) = 2^-74
// fused: single rounding
TEST_SS( 40, 0,     S_5,      S_P1, S_P2, S_P3, fmadd.s fa0, fa1, fa2, fa3)
TEST_SS( 41, 0,     S_N1,     S_P1, S_P2, S_P3, fmsub.s fa0, fa1, fa2, fa3)
TEST_SS( 42, 0,     S_P1,     S_P1, S_P2, S_P3, fnmsub.s fa0, fa1, fa2, fa3)
TEST_SS( 43, 0,     S_N5,     S_P1, S_P2, S_P3, fnmadd.s fa0, fa1, fa2, fa3)
TEST_SS( 44, 0,     0xa8800000, S_1P, S_1M, S_P1, fmsub.s fa0, fa1, fa2, fa3)  // -2^-46 exact
TEST_SS( 45, 0,     0x28800000, S_1P, S_1M, S_N1, fnmadd.s fa0, fa1, fa2, fa3)
TEST_SS( 46, NX,    S_P0,     S_1P, S_1M, S_P1, fmul.s ft0, fa1, fa2; fsub.s fa0, ft0, fa3)  // two roundings
TEST_SS( 47, NV,    S_QNAN,   S_P0, S_NINF, S_QNAN, fmadd.s fa0, fa1, fa2, fa3)  // 0*inf + qNaN: NV
TEST_SS( 48, 0,     S_QNAN,   S_P1, S_P1, S_QNANP, fmsub.s fa0, fa1, fa2, fa3)
TEST_SS( 49, 0,     S_N0,     S_P1, S_P0, S_P0, fnmadd.s fa0, fa1, fa2, fa3)
// sign injection
TEST_SS( 50, 0,     S_N1,     S_P1, S_N2, 0, fsgnj.s fa0, fa1, fa2)
TEST_SS( 51, 0,     S_P1,     S_P1, S_N2, 0, fsgnjn.s fa0, fa1, fa2)
TEST_SS( 52, 0,     S_P1,     S_N1, S_N2, 0, fsgnjx.s fa0, fa1, fa2)
TEST_SS( 53, 0,     S_N1,     S_N1, S_P2, 0, fsgnjx.s fa0, fa1, fa2)
TEST_SS( 54, 0,     S_SNAN|0x80000000, S_SNAN, S_N1, 0, fsgnj.s fa0, fa1, fa2)   // no canonicalization
TEST_SS( 55, 0,     S_NQNAN,  S_QNAN, 0, 0, fneg.s fa0, fa1)
// min/max
TEST_SS( 60, 0,     S_N0,     S_P0, S_N0, 0, fmin.s fa0, fa1, fa2)
TEST_SS( 61, 0,     S_P0,     S_N0, S_P0, 0, fmax.s fa0, fa1, fa2)
TEST_SS( 62, 0,     S_N0,     S_N0, S_P0, 0, fmin.s fa0, fa1, fa2)
TEST_SS( 63, 0,     S_P0,     S_P0, S_N0, 0, fmax.s fa0, fa1, fa2)
TEST_SS( 64, 0,     S_P1,     S_QNAN, S_P1, 0, fmin.s fa0, fa1, fa2)
TEST_SS( 65, NV,    S_P1,     S_SNAN, S_P1, 0, fmax.s fa0, fa1, fa2)
TEST_SS( 66, 0,     S_QNAN,   S_QNANP, S_NQNAN, 0, fmax.s fa0, fa1, fa2)
TEST_SS( 67, NV,    S_QNAN,   S_SNAN, S_SNAN, 0, fmin.s fa0, fa1, fa2)
TEST_SS( 68, 0,     S_N2,     S_N2, S_P1, 0, fmin.s fa0, fa1, fa2)
TEST_SS( 69, 0,     S_P1,     S_N2, S_P1, 0, fmax.s fa0, fa1, fa2)
// compares
TEST_SX( 70, 0,     1,        S_N0, S_P0, feq.s a0, fa1, fa2)
TEST_SX( 71, 0,     0,        S_QNAN, S_P1, feq.s a0, fa1, fa2)
TEST_SX( 72, NV,    0,        S_P1, S_SNAN, feq.s a0, fa1, fa2)
TEST_SX( 73, 0,     1,        S_N1, S_P1, flt.s a0, fa1, fa2)
TEST_SX( 74, 0,     0,        S_N0, S_P0, flt.s a0, fa1, fa2)
TEST_SX( 75, NV,    0,        S_QNAN, S_P1, flt.s a0, fa1, fa2)
TEST_SX( 76, 0,     1,        S_N0, S_P0, fle.s a0, fa1, fa2)
TEST_SX( 77, 0,     0,        S_P2, S_P1, fle.s a0, fa1, fa2)
TEST_SX( 78, NV,    0,        S_P1, S_QNAN, fle.s a0, fa1, fa2)
// fclass.s
TEST_SX( 80, 0, 1<<0, S_NINF, 0, fclass.s a0, fa1)
TEST_SX( 81, 0, 1<<1, S_N1, 0, fclass.s a0, fa1)
TEST_SX( 82, 0, 1<<2, 0x807fffff, 0, fclass.s a0, fa1)
TEST_SX( 83, 0, 1<<3, S_N0, 0, fclass.s a0, fa1)
TEST_SX( 84, 0, 1<<4, S_P0, 0, fclass.s a0, fa1)
TEST_SX( 85, 0, 1<<5, S_SUB, 0, fclass.s a0, fa1)
TEST_SX( 86, 0, 1<<6, S_MAX, 0, fclass.s a0, fa1)
TEST_SX( 87, 0, 1<<7, S_PINF, 0, fclass.s a0, fa1)
TEST_SX( 88, 0, 1<<8, S_SNAN, 0, fclass.s a0, fa1)
TEST_SX( 89, 0, 1<<9, S_QNAN, 0, fclass.s a0, fa1)
// float → integer
TEST_SX( 90, 0,  0xffffffffffffffff, S_N1, 0, fcvt.w.s a0, fa1)
TEST_SX( 91, NX, 2,                  S_2_5, 0, fcvt.w.s a0, fa1)
TEST_SX( 92, NX, 3,                  S_2_5, 0, fcvt.w.s a0, fa1, rmm)
TEST_SX( 93, NX, 0xfffffffffffffffd, S_N2_5, 0, fcvt.w.s a0, fa1, rdn)
TEST_SX( 94, NV, 0x7fffffff,         S_2P31, 0, fcvt.w.s a0, fa1)
TEST_SX( 95, 0,  0xffffffff80000000, S_N2P31, 0, fcvt.w.s a0, fa1)
TEST_SX( 96, 0,  0x7fffff80,         0x4effffff, 0, fcvt.w.s a0, fa1)
TEST_SX( 97, NV, 0x7fffffff,         S_QNAN, 0, fcvt.w.s a0, fa1)
TEST_SX( 98, NV, 0xffffffff80000000, S_NINF, 0, fcvt.w.s a0, fa1)
TEST_SX( 99, NV, 0xffffffff80000000, 0xcf000001, 0, fcvt.w.s a0, fa1)
TEST_SX(100, NV, 0,                  S_N1, 0, fcvt.wu.s a0, fa1)
TEST_SX(101, NX, 0,                  S_N0_5, 0, fcvt.wu.s a0, fa1)
TEST_SX(102, 0,  0xffffffffffffff00, 0x4f7fffff, 0, fcvt.wu.s a0, fa1)        // sign-extended
TEST_SX(103, 0,  0xffffffffb2d05e00, 0x4f32d05e, 0, fcvt.wu.s a0, fa1)
TEST_SX(104, NV, 0xffffffffffffffff, S_2P32, 0, fcvt.wu.s a0, fa1)
TEST_SX(105, NV, 0xffffffffffffffff, S_SNAN, 0, fcvt.wu.s a0, fa1)
TEST_SX(106, NV, 0,                  S_NINF, 0, fcvt.wu.s a0, fa1)
TEST_SX(110, NX, 0xfffffffffffffffe, S_N1_5, 0, fcvt.l.s a0, fa1)
TEST_SX(111, NV, 0x7fffffffffffffff, S_2P63, 0, fcvt.l.s a0, fa1)
TEST_SX(112, 0,  0x8000000000000000, 0xdf000000, 0, fcvt.l.s a0, fa1)
TEST_SX(113, NV, 0x8000000000000000, 0xdf000001, 0, fcvt.l.s a0, fa1)
TEST_SX(114, NV, 0x7fffffffffffffff, S_NQNAN, 0, fcvt.l.s a0, fa1)
TEST_SX(115, NX, 1,                  0x3f8ccccd, 0, fcvt.l.s a0, fa1, rtz)   // 1.1
TEST_SX(116, NX, 2,                  0x3f8ccccd, 0, fsrmi 3; fcvt.l.s a0, fa1)  // dyn = RUP
TEST_SX(120, 0,  0x8000000000000000, S_2P63, 0, fcvt.lu.s a0, fa1)
TEST_SX(121, NV, 0xffffffffffffffff, S_2P64, 0, fcvt.lu.s a0, fa1)
TEST_SX(122, NV, 0,                  S_N1, 0, fcvt.lu.s a0, fa1)
TEST_SX(123, NV, 0xffffffffffffffff, S_QNAN, 0, fcvt.lu.s a0, fa1)
TEST_SX(124, NX, 0,                  S_N0_5, 0, fcvt.lu.s a0, fa1, rtz)
// integer → float
TEST_XS(130, 0,  S_N1,       0xffffffffffffffff, fcvt.s.w fa0, a1)
TEST_XS(131, 0,  S_N2P31,    0x0000000080000000, fcvt.s.w fa0, a1)
TEST_XS(132, NX, S_2P31,     0x000000007fffffff, fcvt.s.w fa0, a1)
TEST_XS(133, NX, 0x4effffff, 0x000000007fffffff, fcvt.s.w fa0, a1, rtz)
TEST_XS(134, NX, 0x4b800000, 0x0000000001000001, fcvt.s.w fa0, a1)          // 2^24+1 tie → even
TEST_XS(135, NX, 0x4b800001, 0x0000000001000001, fcvt.s.w fa0, a1, rmm)
TEST_XS(136, 0,  S_P0,       0xffffffff00000000, fcvt.s.w fa0, a1)
TEST_XS(137, NX, S_2P32,     0xffffffffffffffff, fcvt.s.wu fa0, a1)
TEST_XS(138, 0,  S_2P31,     0x0000000080000000, fcvt.s.wu fa0, a1)
TEST_XS(139, NX, S_2P63,     0x7fffffffffffffff, fcvt.s.l fa0, a1)
TEST_XS(140, 0,  0xdf000000, 0x8000000000000000, fcvt.s.l fa0, a1)
TEST_XS(141, NX, S_2P64,     0xffffffffffffffff, fcvt.s.lu fa0, a1)
TEST_XS(142, NX, 0x5f7fffff, 0xffffffffffffffff, fcvt.s.lu fa0, a1, rtz)
TEST_XS(143, 0,  S_P1,       1, fcvt.s.lu fa0, a1)
// fmv.x.w sign-extends; fmv.w.x boxes; neither touches flags or NaN bits
TEST_SX(150, 0, 0xffffffff80000000, S_N0, 0, fmv.x.w a0, fa1)
TEST_SX(151, 0, 0xffffffffbf800000, S_N1, 0, fmv.x.w a0, fa1)
TEST_SX(152, 0, 0x000000007fa00000, S_SNAN, 0, fmv.x.w a0, fa1)
TEST_XS(153, 0, S_SNAN|1,    0xffffffff7fa00001, fmv.w.x fa0, a1)                   // sNaN bits kept
TEST_XS(154, 0, 0x3f800000,  0xabcdef013f800000, fmv.w.x fa0, a1)           // upper x bits ignored
// flw boxes; fsw stores the raw low 32 bits
TEST_SS(160, 0, S_SNAN|5, 0, 0, 0, lla a1, sbuf; flw fa0, 0(a1))
TEST_SX(161, 0, 0x000000007fc00123, S_QNANP, 0, lla a1, sbuf; fsw fa1, 4(a1); lwu a0, 4(a1))
TEST_SX(162, 0, 0x0000000089abcdef, 0, 0, lla a1, sbuf; UNBOX(fa1, 0x0123456789abcdef); fsw fa1, 8(a1); lwu a0, 8(a1))
TEST_SS(163, 0, S_N1_5, S_N1_5, 0, 0, lla a1, sbuf; fsw fa1, 5(a1); flw fa0, 5(a1))   // misaligned
// NaN-boxing: improperly boxed inputs are the canonical NaN
TEST_SS(170, 0,  S_QNAN, 0, S_P1, 0, UNBOX(fa1, 0x000000003f800000); fadd.s fa0, fa1, fa2)
TEST_SS(171, 0,  S_QNAN, 0, S_P1, 0, UNBOX(fa1, 0xfffffffe3f800000); fmul.s fa0, fa2, fa1)
TEST_SS(172, 0,  S_QNAN, 0, 0, 0, UNBOX(fa1, 0x7ff0000000000000); fsqrt.s fa0, fa1)
TEST_SS(173, 0,  S_NQNAN, 0, S_N1, 0, UNBOX(fa1, 0x00000000bf800000); fsgnj.s fa0, fa1, fa2)
TEST_SS(174, 0,  S_N1,   S_P1, 0, 0, UNBOX(fa2, 0x00000000bf800000); fsgnjn.s fa0, fa1, fa2)  // rs2 = +qNaN
TEST_SS(175, 0,  S_P1,   S_P1, 0, 0, UNBOX(fa2, 0x00000000bf800000); fsgnjx.s fa0, fa1, fa2)
TEST_SS(176, 0,  S_P2,   S_P2, 0, 0, UNBOX(fa2, 0x0000000000000000); fmin.s fa0, fa1, fa2)   // NaN operand ignored
TEST_SS(177, 0,  S_QNAN, 0, 0, 0, UNBOX(fa1, 0x0000000040000000); fmv.s fa0, fa1)
TEST_SS(178, 0,  S_QNAN, S_P1, S_P1, 0, UNBOX(fa3, 0x0000000000000000); fmadd.s fa0, fa1, fa2, fa3)
TEST_SX(180, 0,  0,      S_P1, 0, UNBOX(fa2, 0x000000003f800000); feq.s a0, fa1, fa2)
TEST_SX(181, NV, 0,      S_P1, 0, UNBOX(fa2, 0x000000003f800000); flt.s a0, fa1, fa2)
TEST_SX(182, 0,  1<<9,   0, 0, UNBOX(fa1, 0x000000003f800000); fclass.s a0, fa1)
TEST_SX(183, NV, 0x7fffffff, 0, 0, UNBOX(fa1, 0x000000003f800000); fcvt.w.s a0, fa1)
TEST_SX(184, 0,  0x000000003f800000, 0, 0, UNBOX(fa1, 0x123456783f800000); fmv.x.w a0, fa1)  // transfer: raw low bits
TEST_SX(185, 0,  0xffffffff80000000, 0, 0, UNBOX(fa1, 0x0000000080000000); fmv.x.w a0, fa1)
TEST_DX(186, 0,  0xffffffff3f800000, 0, 0, li t0, S_P1; fmv.w.x fa0, t0; fmv.x.d a0, fa0)   // fmv.w.x boxes
// a double op overwrites the whole register; a single op re-boxes it
TEST_SS(187, 0,  S_P2,   S_P1, S_P1, 0, LOAD_D(fa0, 0x4000000000000000) fadd.s fa0, fa1, fa2)

// RMM ties in subnormal quotients (static rm and frm = RMM via fsrmi 4):
// 0x00800001 / 2 = 0x00400000.8 units → away from zero
TEST_SS(190, UF|NX, 0x00400001, 0x00800001, S_P2, 0, fdiv.s fa0, fa1, fa2, rmm)
TEST_SS(191, UF|NX, 0x00400001, 0x00800001, S_P2, 0, fsrmi 4; fdiv.s fa0, fa1, fa2, dyn)
TEST_SS(192, UF|NX, 0x80400001, 0x00800001, 0xc0000000, 0, fsrmi 4; fdiv.s fa0, fa1, fa2, dyn)
TEST_SS(193, UF|NX, 0x00400000, 0x00800001, S_P2, 0, fdiv.s fa0, fa1, fa2)   // RNE: even
TEST_SS(194, UF|NX, S_SUB,      S_SUB, S_P2, 0, fsrmi 4; fdiv.s fa0, fa1, fa2, dyn)  // half the unit → away

TEST_END
