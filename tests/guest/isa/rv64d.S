// tests/guest/isa/rv64d.S — D extension: every double-precision instruction
// with exact fflags (NX UF OF DZ NV): arithmetic and rounding (static modes
// and dynamic frm), canonical NaN results, fmin/fmax on ±0 and q/sNaN, the
// fused multiply-adds (single rounding; inf*0+qNaN raises NV), fsqrt of
// negatives, fdiv by zero, quiet feq vs signaling flt/fle, fclass's 10
// classes, fcvt saturation with NV/NX, fcvt.s.d/fcvt.d.s, fmv and fld/fsd
// bit-exactness (sNaN payloads pass through untouched).
#include "test_macros.h"

#define NX FFLAG_NX
#define UF FFLAG_UF
#define OF FFLAG_OF
#define DZ FFLAG_DZ
#define NV FFLAG_NV
#define D_0_5   0x3fe0000000000000
#define D_N0_5  0xbfe0000000000000
#define D_1_5   0x3ff8000000000000
#define D_N1_5  0xbff8000000000000
#define D_2_5   0x4004000000000000
#define D_N2_5  0xc004000000000000
#define D_4     0x4010000000000000
#define D_5     0x4014000000000000
#define D_N5    0xc014000000000000
#define D_N2    0xc000000000000000
#define D_THIRD 0x3fd5555555555555   // 1/3 rounded to nearest
#define D_EPS2  0x3ca0000000000000   // 2^-53 (half an ulp of 1.0)
#define D_1P    0x3ff0000000000001   // 1 + 2^-52
#define D_1M    0x3feffffffffffffe   // 1 - 2^-52
#define D_QNANP 0x7ff8000000000123   // quiet NaN with payload
#define D_2P31  0x41e0000000000000
#define D_N2P31 0xc1e0000000000000
#define D_2P63  0x43e0000000000000
#define D_N2P63 0xc3e0000000000000
#define D_2P64  0x43f0000000000000

  .data
  .balign 16
dbuf: .dword D_SNAN | 0x5, 0, 0

TEST_BEGIN("rv64d")

//      num flags  expected   v1  v2  v3   code
// fadd/fsub/fmul/fdiv
TEST_DD(  1, 0,     D_2_5,    D_1_5, D_P1, 0, fadd.d fa0, fa1, fa2)
TEST_DD(  2, NX,    D_P1,     D_P1, D_EPS2, 0, fadd.d fa0, fa1, fa2)          // tie → even
TEST_DD(  3, NX,    D_1P,     D_P1, D_EPS2, 0, fadd.d fa0, fa1, fa2, rup)
TEST_DD(  4, NX,    D_P1,     D_P1, D_EPS2, 0, fadd.d fa0, fa1, fa2, rtz)
TEST_DD(  5, NX,    D_1P,     D_P1, D_EPS2, 0, fadd.d fa0, fa1, fa2, rmm)     // tie → away
TEST_DD(  6, NV,    D_QNAN,   D_PINF, D_NINF, 0, fadd.d fa0, fa1, fa2)
TEST_DD(  7, OF|NX, D_PINF,   D_MAX, D_MAX, 0, fadd.d fa0, fa1, fa2)
TEST_DD(  8, OF|NX, D_MAX,    D_MAX, D_MAX, 0, fadd.d fa0, fa1, fa2, rtz)
TEST_DD(  9, OF|NX, D_MAX,    D_MAX, D_MAX, 0, fadd.d fa0, fa1, fa2, rdn)
TEST_DD( 10, 0,     D_QNAN,   D_QNANP, D_P1, 0, fadd.d fa0, fa1, fa2)         // payload not propagated
TEST_DD( 11, NV,    D_QNAN,   D_SNAN, D_P1, 0, fadd.d fa0, fa1, fa2)
TEST_DD( 12, 0,     D_P0,     D_N0, D_P0, 0, fadd.d fa0, fa1, fa2)
TEST_DD( 13, 0,     D_N0,     D_N0, D_P0, 0, fadd.d fa0, fa1, fa2, rdn)
TEST_DD( 14, 0,     D_P0,     D_1_5, D_N1_5, 0, fadd.d fa0, fa1, fa2)
TEST_DD( 15, 0,     D_N0,     D_1_5, D_N1_5, 0, fadd.d fa0, fa1, fa2, rdn)    // x + -x = -0 in RDN
TEST_DD( 16, 0,     D_N0,     D_N0, D_N0, 0, fadd.d fa0, fa1, fa2)
TEST_DD( 17, 0,     D_0_5,    D_1_5, D_P1, 0, fsub.d fa0, fa1, fa2)
TEST_DD( 18, NV,    D_QNAN,   D_PINF, D_PINF, 0, fsub.d fa0, fa1, fa2)
TEST_DD( 19, 0,     D_NINF,   D_NINF, D_PINF, 0, fsub.d fa0, fa1, fa2)
TEST_DD( 20, 0,     D_N0,     D_N0, D_P0, 0, fsub.d fa0, fa1, fa2)
TEST_DD( 21, 0,     D_N5,     D_2_5, D_N2, 0, fmul.d fa0, fa1, fa2)
TEST_DD( 22, NV,    D_QNAN,   D_P0, D_PINF, 0, fmul.d fa0, fa1, fa2)
TEST_DD( 23, UF|NX, D_P0,     D_MIN, D_MIN, 0, fmul.d fa0, fa1, fa2)          // underflow to 0
TEST_DD( 24, UF|NX, D_SUB,    D_MIN, D_MIN, 0, fmul.d fa0, fa1, fa2, rup)
TEST_DD( 25, 0,     0x0008000000000000, D_MIN, D_0_5, 0, fmul.d fa0, fa1, fa2)  // exact subnormal: no UF
TEST_DD( 26, UF|NX, D_SUB,    D_SUB, D_0_5, 0, fmul.d fa0, fa1, fa2, rup)
TEST_DD( 27, UF|NX, D_P0,     D_SUB, D_0_5, 0, fmul.d fa0, fa1, fa2)          // tie → even (0)
TEST_DD( 28, 0,     D_N0,     D_N1, D_P0, 0, fmul.d fa0, fa1, fa2)
TEST_DD( 29, OF|NX, D_NINF,   D_MAX, D_N2, 0, fmul.d fa0, fa1, fa2)
TEST_DD( 30, NX,    D_THIRD,  D_P1, D_P3, 0, fdiv.d fa0, fa1, fa2)
TEST_DD( 31, NX,    D_THIRD+1, D_P1, D_P3, 0, fdiv.d fa0, fa1, fa2, rup)
TEST_DD( 32, NX,    D_THIRD,  D_P1, D_P3, 0, fdiv.d fa0, fa1, fa2, rdn)
TEST_DD( 33, DZ,    D_PINF,   D_P1, D_P0, 0, fdiv.d fa0, fa1, fa2)
TEST_DD( 34, DZ,    D_NINF,   D_N1, D_P0, 0, fdiv.d fa0, fa1, fa2)
TEST_DD( 35, DZ,    D_PINF,   D_N1, D_N0, 0, fdiv.d fa0, fa1, fa2)
TEST_DD( 36, NV,    D_QNAN,   D_P0, D_P0, 0, fdiv.d fa0, fa1, fa2)            // 0/0 is NV, not DZ
TEST_DD( 37, NV,    D_QNAN,   D_PINF, D_NINF, 0, fdiv.d fa0, fa1, fa2)
TEST_DD( 38, 0,     D_N0,     D_P1, D_NINF, 0, fdiv.d fa0, fa1, fa2)
TEST_DD( 39, 0,     D_PINF,   D_PINF, D_P0, 0, fdiv.d fa0, fa1, fa2)          // inf/0: no DZ
TEST_DD( 40, 0,     D_QNAN,   D_QNAN, D_P0, 0, fdiv.d fa0, fa1, fa2)
// fsqrt
TEST_DD( 45, 0,     D_P2,     D_4, 0, 0, fsqrt.d fa0, fa1)
TEST_DD( 46, NX,    0x3ff6a09e667f3bcd, D_P2, 0, 0, fsqrt.d fa0, fa1)
TEST_DD( 47, NX,    0x3ff6a09e667f3bcc, D_P2, 0, 0, fsqrt.d fa0, fa1, rtz)
TEST_DD( 48, NV,    D_QNAN,   D_N1, 0, 0, fsqrt.d fa0, fa1)
TEST_DD( 49, 0,     D_N0,     D_N0, 0, 0, fsqrt.d fa0, fa1)                    // sqrt(-0) = -0
TEST_DD( 50, 0,     D_PINF,   D_PINF, 0, 0, fsqrt.d fa0, fa1)
TEST_DD( 51, NV,    D_QNAN,   D_NINF, 0, 0, fsqrt.d fa0, fa1)
TEST_DD( 52, 0,     D_QNAN,   D_QNANP, 0, 0, fsqrt.d fa0, fa1)
TEST_DD( 53, NV,    D_QNAN,   D_SNAN, 0, 0, fsqrt.d fa0, fa1)
TEST_DD( 54, 0,     0x1e60000000000000, D_SUB, 0, 0, fsqrt.d fa0, fa1)        // sqrt(2^-1074) = 2^-537
// fused multiply-add: single rounding
TEST_DD( 60, 0,     D_5,      D_P1, D_P2, D_P3, fmadd.d fa0, fa1, fa2, fa3)
TEST_DD( 61, 0,     D_N1,     D_P1, D_P2, D_P3, fmsub.d fa0, fa1, fa2, fa3)
TEST_DD( 62, 0,     D_P1,     D_P1, D_P2, D_P3, fnmsub.d fa0, fa1, fa2, fa3)    // -(a*b) + c
TEST_DD( 63, 0,     D_N5,     D_P1, D_P2, D_P3, fnmadd.d fa0, fa1, fa2, fa3)    // -(a*b) - c
TEST_DD( 64, 0,     0xb970000000000000, D_1P, D_1M, D_P1, fmsub.d fa0, fa1, fa2, fa3)  // -2^-104, exact
TEST_DD( 65, 0,     0x3970000000000000, D_1P, D_1M, D_P1, fnmsub.d fa0, fa1, fa2, fa3)
TEST_DD( 66, 0,     0xb970000000000000, D_1P, D_1M, D_N1, fmadd.d fa0, fa1, fa2, fa3)
TEST_DD( 67, 0,     0x3970000000000000, D_1P, D_1M, D_N1, fnmadd.d fa0, fa1, fa2, fa3)
TEST_DD( 68, NX,    D_P0,     D_1P, D_1M, D_P1, fmul.d ft0, fa1, fa2; fsub.d fa0, ft0, fa3)  // two roundings: 0
TEST_DD( 69, NV,    D_QNAN,   D_PINF, D_P0, D_QNAN, fmadd.d fa0, fa1, fa2, fa3) // inf*0 + qNaN: NV
TEST_DD( 70, NV,    D_QNAN,   D_PINF, D_P1, D_NINF, fmadd.d fa0, fa1, fa2, fa3)
TEST_DD( 71, 0,     D_QNAN,   D_P1, D_P1, D_QNANP, fmadd.d fa0, fa1, fa2, fa3)
TEST_DD( 72, NV,    D_QNAN,   D_P1, D_P1, D_SNAN, fnmadd.d fa0, fa1, fa2, fa3)
TEST_DD( 73, 0,     D_N0,     D_P1, D_P0, D_P0, fnmadd.d fa0, fa1, fa2, fa3)     // -(+0) - 0 = -0
TEST_DD( 74, 0,     D_P0,     D_P1, D_P0, D_P0, fnmsub.d fa0, fa1, fa2, fa3)     // -(+0) + 0 = +0
TEST_DD( 75, NX,    D_1P,     D_P1, D_P1, D_EPS2, fmadd.d fa0, fa1, fa2, fa3, rup)
TEST_DD( 76, OF|NX, D_PINF,   D_MAX, D_P2, D_NINF+0*0, fmadd.d fa0, fa1, fa2, fa1)
// fsgnj*: sign manipulation only, never canonicalizes, never sets flags
TEST_DD( 80, 0,     D_N1,     D_P1, D_N2, 0, fsgnj.d fa0, fa1, fa2)
TEST_DD( 81, 0,     D_P1,     D_N1, D_P2, 0, fsgnj.d fa0, fa1, fa2)
TEST_DD( 82, 0,     D_P1,     D_P1, D_N2, 0, fsgnjn.d fa0, fa1, fa2)
TEST_DD( 83, 0,     D_N1,     D_P1, D_P2, 0, fsgnjn.d fa0, fa1, fa2)
TEST_DD( 84, 0,     D_P1,     D_N1, D_N2, 0, fsgnjx.d fa0, fa1, fa2)
TEST_DD( 85, 0,     D_N1,     D_N1, D_P2, 0, fsgnjx.d fa0, fa1, fa2)
TEST_DD( 86, 0,     D_NQNAN,  D_QNAN, 0, 0, fneg.d fa0, fa1)
TEST_DD( 87, 0,     D_SNAN|0x8000000000000000, D_SNAN, D_N1, 0, fsgnj.d fa0, fa1, fa2)
TEST_DD( 88, 0,     D_QNANP,  D_QNANP|0x8000000000000000, 0, 0, fabs.d fa0, fa1)
TEST_DD( 89, 0,     D_P1,     D_N1, 0, 0, fsgnjx.d fa0, fa1, fa1)               // fabs
// fmin/fmax: -0 < +0; one NaN → the other operand; sNaN → NV
TEST_DD( 90, 0,     D_N0,     D_N0, D_P0, 0, fmin.d fa0, fa1, fa2)
TEST_DD( 91, 0,     D_N0,     D_P0, D_N0, 0, fmin.d fa0, fa1, fa2)
TEST_DD( 92, 0,     D_P0,     D_N0, D_P0, 0, fmax.d fa0, fa1, fa2)
TEST_DD( 93, 0,     D_P0,     D_P0, D_N0, 0, fmax.d fa0, fa1, fa2)
TEST_DD( 94, 0,     D_P1,     D_P1, D_QNAN, 0, fmin.d fa0, fa1, fa2)
TEST_DD( 95, 0,     D_P1,     D_QNANP, D_P1, 0, fmax.d fa0, fa1, fa2)
TEST_DD( 96, NV,    D_P1,     D_P1, D_SNAN, 0, fmin.d fa0, fa1, fa2)
TEST_DD( 97, NV,    D_N1,     D_SNAN, D_N1, 0, fmax.d fa0, fa1, fa2)
TEST_DD( 98, 0,     D_QNAN,   D_QNANP, D_NQNAN, 0, fmin.d fa0, fa1, fa2)        // both NaN: canonical
TEST_DD( 99, NV,    D_QNAN,   D_SNAN, D_QNANP, 0, fmax.d fa0, fa1, fa2)
TEST_DD(100, 0,     D_NINF,   D_NINF, D_P1, 0, fmin.d fa0, fa1, fa2)
TEST_DD(101, 0,     D_PINF,   D_MAX, D_PINF, 0, fmax.d fa0, fa1, fa2)
TEST_DD(102, 0,     D_N2,     D_N2, D_P1, 0, fmin.d fa0, fa1, fa2)
TEST_DD(103, 0,     D_P1,     D_N2, D_P1, 0, fmax.d fa0, fa1, fa2)
// compares: feq is quiet (NV only for sNaN), flt/fle signal on any NaN
TEST_DX(110, 0,     1,        D_P1, D_P1, feq.d a0, fa1, fa2)
TEST_DX(111, 0,     1,        D_N0, D_P0, feq.d a0, fa1, fa2)
TEST_DX(112, 0,     0,        D_QNAN, D_QNAN, feq.d a0, fa1, fa2)
TEST_DX(113, NV,    0,        D_SNAN, D_P1, feq.d a0, fa1, fa2)
TEST_DX(114, 0,     1,        D_P1, D_P2, flt.d a0, fa1, fa2)
TEST_DX(115, 0,     0,        D_P2, D_P1, flt.d a0, fa1, fa2)
TEST_DX(116, 0,     0,        D_N0, D_P0, flt.d a0, fa1, fa2)
TEST_DX(117, NV,    0,        D_QNAN, D_P1, flt.d a0, fa1, fa2)
TEST_DX(118, NV,    0,        D_P1, D_SNAN, flt.d a0, fa1, fa2)
TEST_DX(119, 0,     1,        D_NINF, D_MAX, flt.d a0, fa1, fa2)
TEST_DX(120, 0,     1,        D_N0, D_P0, fle.d a0, fa1, fa2)
TEST_DX(121, 0,     1,        D_P1, D_P1, fle.d a0, fa1, fa2)
TEST_DX(122, 0,     0,        D_P2, D_P1, fle.d a0, fa1, fa2)
TEST_DX(123, NV,    0,        D_P1, D_QNAN, fle.d a0, fa1, fa2)
TEST_DX(124, 0,     1,        D_N1, D_P1, fle.d a0, fa1, fa2)
// fclass.d: one bit per class
TEST_DX(130, 0, 1<<0, D_NINF, 0, fclass.d a0, fa1)
TEST_DX(131, 0, 1<<1, D_N1, 0, fclass.d a0, fa1)
TEST_DX(132, 0, 1<<2, D_SUB|0x8000000000000000, 0, fclass.d a0, fa1)
TEST_DX(133, 0, 1<<3, D_N0, 0, fclass.d a0, fa1)
TEST_DX(134, 0, 1<<4, D_P0, 0, fclass.d a0, fa1)
TEST_DX(135, 0, 1<<5, 0x000fffffffffffff, 0, fclass.d a0, fa1)
TEST_DX(136, 0, 1<<6, D_MIN, 0, fclass.d a0, fa1)
TEST_DX(137, 0, 1<<7, D_PINF, 0, fclass.d a0, fa1)
TEST_DX(138, 0, 1<<8, D_SNAN, 0, fclass.d a0, fa1)
TEST_DX(139, 0, 1<<8, 0xfff0000000000001, 0, fclass.d a0, fa1)
TEST_DX(140, 0, 1<<9, D_QNAN, 0, fclass.d a0, fa1)
TEST_DX(141, 0, 1<<9, D_NQNAN, 0, fclass.d a0, fa1)
// fcvt.w.d / fcvt.wu.d / fcvt.l.d / fcvt.lu.d: rounding, saturation, NV/NX
TEST_DX(150, 0,  0xffffffffffffffff, D_N1, 0, fcvt.w.d a0, fa1)           // sign-extended
TEST_DX(151, NX, 2,                  D_1_5, 0, fcvt.w.d a0, fa1)
TEST_DX(152, NX, 0,                  D_N0_5, 0, fcvt.w.d a0, fa1, rtz)
TEST_DX(153, NV, 0x7fffffff,         D_2P31, 0, fcvt.w.d a0, fa1, rtz)
TEST_DX(154, 0,  0xffffffff80000000, D_N2P31, 0, fcvt.w.d a0, fa1, rtz)
TEST_DX(155, NV, 0xffffffff80000000, 0xc1e0000000200000, 0, fcvt.w.d a0, fa1, rtz)  // -2^31-1
TEST_DX(156, NV, 0x7fffffff,         0x41dfffffffe00000, 0, fcvt.w.d a0, fa1)       // 2^31-0.5 rounds out: NV only
TEST_DX(157, NX, 0x7fffffff,         0x41dfffffffe00000, 0, fcvt.w.d a0, fa1, rtz)
TEST_DX(158, NX, 0xffffffff80000000, 0xc1e0000000100000, 0, fcvt.w.d a0, fa1, rtz) // -2^31-0.5
TEST_DX(159, NV, 0x7fffffff,         D_QNAN, 0, fcvt.w.d a0, fa1)
TEST_DX(160, NV, 0x7fffffff,         D_NQNAN, 0, fcvt.w.d a0, fa1)                // NaN → max, any sign
TEST_DX(161, NV, 0x7fffffff,         D_PINF, 0, fcvt.w.d a0, fa1)
TEST_DX(162, NV, 0xffffffff80000000, D_NINF, 0, fcvt.w.d a0, fa1)
TEST_DX(163, 0,  0,                  D_N0, 0, fcvt.w.d a0, fa1)
TEST_DX(170, NV, 0,                  D_N1, 0, fcvt.wu.d a0, fa1)
TEST_DX(171, NX, 0,                  D_N0_5, 0, fcvt.wu.d a0, fa1, rtz)         // rounds to 0: in range
TEST_DX(172, 0,  0xffffffffffffffff, 0x41efffffffe00000, 0, fcvt.wu.d a0, fa1)  // 2^32-1, sign-extended
TEST_DX(173, 0,  0xffffffffb2d05e00, 0x41e65a0bc0000000, 0, fcvt.wu.d a0, fa1)  // 3e9
TEST_DX(174, NV, 0xffffffffffffffff, 0x41f0000000000000, 0, fcvt.wu.d a0, fa1)  // 2^32
TEST_DX(175, NV, 0xffffffffffffffff, D_QNAN, 0, fcvt.wu.d a0, fa1)
TEST_DX(176, NV, 0,                  D_NINF, 0, fcvt.wu.d a0, fa1)
TEST_DX(177, NX, 0xffffffffffffffff, 0x41effffffff00000, 0, fcvt.wu.d a0, fa1, rtz)  // 2^32-0.5
TEST_DX(180, NX, 2,                  D_1_5, 0, fcvt.l.d a0, fa1)
TEST_DX(181, NV, 0x7fffffffffffffff, D_2P63, 0, fcvt.l.d a0, fa1)
TEST_DX(182, 0,  0x8000000000000000, D_N2P63, 0, fcvt.l.d a0, fa1)
TEST_DX(183, NV, 0x8000000000000000, 0xc3e0000000000001, 0, fcvt.l.d a0, fa1)
TEST_DX(184, NV, 0x7fffffffffffffff, D_QNAN, 0, fcvt.l.d a0, fa1)
TEST_DX(185, NV, 0x8000000000000000, D_NINF, 0, fcvt.l.d a0, fa1)
TEST_DX(186, 0,  0xffffffff80000000, D_N2P31, 0, fcvt.l.d a0, fa1)
TEST_DX(187, 0,  0x0000000080000000, D_2P31, 0, fcvt.l.d a0, fa1)
TEST_DX(190, 0,  0x8000000000000000, D_2P63, 0, fcvt.lu.d a0, fa1)
TEST_DX(191, NV, 0xffffffffffffffff, D_2P64, 0, fcvt.lu.d a0, fa1)
TEST_DX(192, NV, 0,                  D_N1, 0, fcvt.lu.d a0, fa1)
TEST_DX(193, NV, 0xffffffffffffffff, D_SNAN, 0, fcvt.lu.d a0, fa1)
TEST_DX(194, NV, 0xffffffffffffffff, D_PINF, 0, fcvt.lu.d a0, fa1)
TEST_DX(195, NX, 0,                  D_N0_5, 0, fcvt.lu.d a0, fa1)             // RNE: -0.5 → -0 → 0
TEST_DX(196, NX, 1,                  D_0_5, 0, fcvt.lu.d a0, fa1, rup)
// rounding modes: static rm field, then dynamic through frm
//     tests  value     RNE RTZ RDN RUP RMM
#define RM_ROW(n, val, e_rne, e_rtz, e_rdn, e_rup, e_rmm)  /* tests n0..n9 */   \
  TEST_DX(n##0, NX, e_rne, val, 0, fcvt.l.d a0, fa1, rne)                         \
  TEST_DX(n##1, NX, e_rtz, val, 0, fcvt.l.d a0, fa1, rtz)                         \
  TEST_DX(n##2, NX, e_rdn, val, 0, fcvt.l.d a0, fa1, rdn)                         \
  TEST_DX(n##3, NX, e_rup, val, 0, fcvt.l.d a0, fa1, rup)                         \
  TEST_DX(n##4, NX, e_rmm, val, 0, fcvt.l.d a0, fa1, rmm)                         \
  TEST_DX(n##5, NX, e_rne, val, 0, fsrmi 0; fcvt.l.d a0, fa1, dyn)                \
  TEST_DX(n##6, NX, e_rtz, val, 0, fsrmi 1; fcvt.l.d a0, fa1, dyn)                \
  TEST_DX(n##7, NX, e_rdn, val, 0, fsrmi 2; fcvt.l.d a0, fa1, dyn)                \
  TEST_DX(n##8, NX, e_rup, val, 0, fsrmi 3; fcvt.l.d a0, fa1, dyn)                \
  TEST_DX(n##9, NX, e_rmm, val, 0, fsrmi 4; fcvt.l.d a0, fa1, dyn)
RM_ROW(20, D_2_5,    2,  2,  2,  3,  3)
RM_ROW(21, D_N2_5,  -2, -2, -3, -2, -3)
RM_ROW(22, D_1_5,    2,  1,  1,  2,  2)
RM_ROW(23, D_N1_5,  -2, -1, -2, -1, -2)
RM_ROW(24, 0x3ff199999999999a, 1, 1, 1, 2, 1)    // 1.1
// dynamic rounding for arithmetic: 1/3 in RUP via frm, and frm is left as set
TEST_DD(250, NX, D_THIRD+1, D_P1, D_P3, 0, fsrmi 3; fdiv.d fa0, fa1, fa2)
TEST_DD(251, NX, D_THIRD,   D_P1, D_P3, 0, fsrmi 3; fdiv.d fa0, fa1, fa2, rne)   // static overrides frm
TEST_DD(252, NX, D_1P,      D_P1, D_EPS2, 0, fsrmi 4; fadd.d fa0, fa1, fa2)
TEST_DD(253, 0,  D_N0,      D_1_5, D_N1_5, 0, fsrmi 2; fsub.d fa0, fa1, fa1)
// integer → double
TEST_XD(260, 0,  D_N1,      0xffffffffffffffff, fcvt.d.w fa0, a1)
TEST_XD(261, 0,  D_N1,      0x00000000ffffffff, fcvt.d.w fa0, a1)                // only low 32 bits
TEST_XD(262, 0,  D_N2P31,   0x0000000080000000, fcvt.d.w fa0, a1)
TEST_XD(263, 0,  D_P0,      0xffffffff00000000, fcvt.d.w fa0, a1)                // +0, not -0
TEST_XD(264, 0,  0x41efffffffe00000, 0xffffffffffffffff, fcvt.d.wu fa0, a1)
TEST_XD(265, 0,  D_2P31,    0x0000000080000000, fcvt.d.wu fa0, a1)
TEST_XD(266, NX, D_2P63,    0x7fffffffffffffff, fcvt.d.l fa0, a1)
TEST_XD(267, NX, 0x43dfffffffffffff, 0x7fffffffffffffff, fcvt.d.l fa0, a1, rtz)
TEST_XD(268, 0,  D_N2P63,   0x8000000000000000, fcvt.d.l fa0, a1)
TEST_XD(269, 0,  D_N1,      0xffffffffffffffff, fcvt.d.l fa0, a1)
TEST_XD(270, NX, D_2P64,    0xffffffffffffffff, fcvt.d.lu fa0, a1)
TEST_XD(271, NX, 0x43efffffffffffff, 0xffffffffffffffff, fcvt.d.lu fa0, a1, rdn)
TEST_XD(272, 0,  D_2P63,    0x8000000000000000, fcvt.d.lu fa0, a1)
TEST_XD(273, 0,  D_P0,      0, fcvt.d.lu fa0, a1)
// double ↔ single
TEST_DS(280, 0,  0x3fc00000, D_1_5, 0, 0, fcvt.s.d fa0, fa1)
TEST_DS(281, NX, 0x3eaaaaab, D_THIRD, 0, 0, fcvt.s.d fa0, fa1)
TEST_DS(282, NX, 0x3eaaaaaa, D_THIRD, 0, 0, fcvt.s.d fa0, fa1, rtz)
TEST_DS(283, OF|NX, S_PINF,  D_MAX, 0, 0, fcvt.s.d fa0, fa1)
TEST_DS(284, OF|NX, S_MAX,   D_MAX, 0, 0, fcvt.s.d fa0, fa1, rtz)
TEST_DS(285, UF|NX, S_P0,    0x01a56e1fc2f8f359, 0, 0, fcvt.s.d fa0, fa1)       // 1e-300
TEST_DS(286, 0,  S_QNAN,     D_QNANP, 0, 0, fcvt.s.d fa0, fa1)
TEST_DS(287, NV, S_QNAN,     D_SNAN, 0, 0, fcvt.s.d fa0, fa1)
TEST_DS(288, 0,  S_NINF,     D_NINF, 0, 0, fcvt.s.d fa0, fa1)
TEST_DS(289, 0,  S_N0,       D_N0, 0, 0, fcvt.s.d fa0, fa1)
TEST_DS(290, 0,  S_SUB,      0x36a0000000000000, 0, 0, fcvt.s.d fa0, fa1)       // 2^-149 exact
TEST_SD(291, 0,  D_1_5,      0x3fc00000, 0, 0, fcvt.d.s fa0, fa1)
TEST_SD(292, 0,  0x36a0000000000000, S_SUB, 0, 0, fcvt.d.s fa0, fa1)
TEST_SD(293, 0,  D_QNAN,     0x7fc00123, 0, 0, fcvt.d.s fa0, fa1)
TEST_SD(294, NV, D_QNAN,     S_SNAN, 0, 0, fcvt.d.s fa0, fa1)
TEST_SD(295, 0,  D_NINF,     S_NINF, 0, 0, fcvt.d.s fa0, fa1)
TEST_SD(296, 0,  D_QNAN,     0, 0, 0, li t0, 0x000000003f800000; fmv.d.x fa1, t0; fcvt.d.s fa0, fa1)  // unboxed input
// fmv.x.d / fmv.d.x / fld / fsd: raw bits, no canonicalization, no flags
TEST_DX(300, 0, D_SNAN|0x5, D_SNAN|0x5, 0, fmv.x.d a0, fa1)
TEST_XD(301, 0, 0xfff0000000000001, 0xfff0000000000001, fmv.d.x fa0, a1)
TEST_DD(302, 0, D_SNAN|0x5, 0, 0, 0, lla a1, dbuf; fld fa0, 0(a1))
TEST_DX(303, 0, D_QNANP, D_QNANP, 0, lla a1, dbuf; fsd fa1, 8(a1); ld a0, 8(a1))
TEST_DX(304, 0, D_QNANP, D_QNANP, 0, lla a1, dbuf; fsd fa1, 3(a1); fld fa2, 3(a1); fmv.x.d a0, fa2)  // misaligned
TEST_DD(305, 0, D_N1, D_N1, 0, 0, lla a1, dbuf+2048; fsd fa1, -2040(a1); fld fa0, -2040(a1))

// RMM: a normal product whose error lies below the subnormal range (no tie),
// and a tie in a subnormal quotient (static rm and frm = RMM via fsrmi 4)
TEST_DD(310, NX,    0x0020000000000000, 0x0010000000000001, 0x3fffffffffffffff, 0, fmul.d fa0, fa1, fa2, rmm)
TEST_DD(311, NX,    0x0020000000000000, 0x0010000000000001, 0x3fffffffffffffff, 0, fsrmi 4; fmul.d fa0, fa1, fa2, dyn)
TEST_DD(312, UF|NX, 0x0008000000000001, 0x0010000000000001, D_P2, 0, fdiv.d fa0, fa1, fa2, rmm)
TEST_DD(313, UF|NX, 0x0008000000000001, 0x0010000000000001, D_P2, 0, fsrmi 4; fdiv.d fa0, fa1, fa2, dyn)
TEST_DD(314, UF|NX, 0x0008000000000000, 0x0010000000000001, D_P2, 0, fdiv.d fa0, fa1, fa2)  // RNE: even
TEST_DD(315, UF|NX, 0x8000000000000001, D_SUB, 0xc000000000000000, 0, fsrmi 4; fdiv.d fa0, fa1, fa2, dyn)

TEST_END
