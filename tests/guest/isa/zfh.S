// tests/guest/isa/zfh.S — Zfhmin and Zfh: half-precision loads/stores
// (flh NaN-boxes, fsh stores the low 16 bits as they are), fmv.x.h
// (sign-extends the raw bits) and fmv.h.x, conversions to and from S, D
// and the integers, arithmetic, fma, sqrt, sign injection, min/max,
// compares and fclass, with exact results and fflags in every rounding
// mode tested (ties, overflow to inf or the largest finite, underflow to
// subnormals and zero). A half read from a register that is not NaN-boxed
// as a half (48 ones above) is the canonical NaN 0x7e00.
#include "test_macros.h"
.option arch, +zfh
#define NX FFLAG_NX
#define UF FFLAG_UF
#define OF FFLAG_OF
#define DZ FFLAG_DZ
#define NV FFLAG_NV
#define H_P0    0x0000
#define H_N0    0x8000
#define H_1     0x3c00
#define H_N1    0xbc00
#define H_1_5   0x3e00
#define H_2     0x4000
#define H_N2    0xc000
#define H_2_5   0x4100
#define H_3     0x4200
#define H_4     0x4400
#define H_5     0x4500
#define H_0_5   0x3800
#define H_1P    0x3c01   // 1 + 2^-10
#define H_EPS2  0x1000   // 2^-11: half an ulp of 1
#define H_MAX   0x7bff   // 65504
#define H_MIN   0x0400   // 2^-14
#define H_SUB   0x0001   // 2^-24
#define H_INF   0x7c00
#define H_NINF  0xfc00
#define H_QNAN  0x7e00
#define H_SNAN  0x7d00
#define H_THIRD 0x3555   // 1/3 rounded to nearest (down)

  .data
  .balign 16
hbuf: .half 0xbc00, 0x1234, 0, 0
  .text
TEST_BEGIN("zfh")

// flh / fsh / fmv
TEST_CASE( 1, a4, HBOX(0xbc00), lla a1, hbuf; flh fa0, 0(a1); fmv.x.d a4, fa0)
TEST_CASE( 2, a4, 0x1234, lla a1, hbuf; li t0, 0x5555666677771234; fmv.d.x fa1, t0; fsh fa1, 4(a1); lhu a4, 4(a1))
TEST_CASE( 3, a4, 0, lla a1, hbuf; lhu a4, 6(a1))   // only 2 bytes stored
TEST_CASE( 4, a4, 0xffffffffffffbc00, li t0, HBOX(0xbc00); fmv.d.x fa1, t0; fmv.x.h a4, fa1)
TEST_CASE( 5, a4, 0x3c00, li t0, 0xffffffff00003c00; fmv.d.x fa1, t0; fmv.x.h a4, fa1)  // raw, no unboxing
TEST_CASE( 6, a4, HBOX(0x3c00), li t0, 0x12343c00; fmv.h.x fa0, t0; fmv.x.d a4, fa0)

// conversions between formats
TEST_SD( 10, 0,  0xffffffff3eaaa000, 0, 0, 0, LOAD_H(fa1, H_THIRD) fcvt.s.h fa0, fa1)
TEST_SD( 11, NV, 0xffffffff7fc00000, 0, 0, 0, LOAD_H(fa1, H_SNAN) fcvt.s.h fa0, fa1)
TEST_SD( 12, 0,  0xffffffff33800000, 0, 0, 0, LOAD_H(fa1, H_SUB) fcvt.s.h fa0, fa1)
TEST_DD( 13, 0,  0x40effc0000000000, 0, 0, 0, LOAD_H(fa1, H_MAX) fcvt.d.h fa0, fa1)
TEST_DD( 14, 0,  0xbff0000000000000, 0, 0, 0, LOAD_H(fa1, H_N1) fcvt.d.h fa0, fa1)
TEST_DD( 15, 0,  0x7ff8000000000000, 0, 0, 0, li t0, 0xffffffff00003c00; fmv.d.x fa1, t0; fcvt.d.h fa0, fa1)  // not boxed
TEST_HH( 16, NX, H_THIRD, 0, 0, 0, LOAD_S(fa1, 0x3eaaaaab) fcvt.h.s fa0, fa1)
TEST_HH( 17, NX, 0x3556,  0, 0, 0, LOAD_S(fa1, 0x3eaaaaab) fcvt.h.s fa0, fa1, rup)
TEST_HH( 18, UF|NX, H_P0, 0, 0, 0, LOAD_S(fa1, 0x322bcc77) fcvt.h.s fa0, fa1)
TEST_HH( 19, UF|NX, H_SUB, 0, 0, 0, LOAD_S(fa1, 0x322bcc77) fcvt.h.s fa0, fa1, rup)
TEST_HH( 20, OF|NX, H_INF, 0, 0, 0, LOAD_D(fa1, 0x4202a05f20000000) fcvt.h.d fa0, fa1)
TEST_HH( 21, OF|NX, H_MAX, 0, 0, 0, LOAD_D(fa1, 0x4202a05f20000000) fcvt.h.d fa0, fa1, rtz)
TEST_HH( 22, 0,  H_MAX, 0, 0, 0, LOAD_D(fa1, 0x40effc0000000000) fcvt.h.d fa0, fa1)
TEST_HH( 23, NV, H_QNAN, 0, 0, 0, LOAD_D(fa1, D_SNAN) fcvt.h.d fa0, fa1)
TEST_HH( 24, NX, 0x3c00, 0, 0, 0, LOAD_D(fa1, 0x3ff0020000000000) fcvt.h.d fa0, fa1)        // 1 + 2^-11: tie to even
TEST_HH( 25, NX, 0x3c01, 0, 0, 0, LOAD_D(fa1, 0x3ff0020000000000) fcvt.h.d fa0, fa1, rmm)
TEST_HH( 26, NX, 0x3c01, 0, 0, 0, LOAD_D(fa1, 0x3ff0020000000001) fcvt.h.d fa0, fa1)        // just above the tie
TEST_HH( 27, UF|NX, 0x8002, 0, 0, 0, LOAD_D(fa1, 0xbe70000000000001) fcvt.h.d fa0, fa1, rdn) // -(2^-24 + tiny) toward -inf

// arithmetic
TEST_HH( 30, 0,  H_2_5, H_1_5, H_1, 0, fadd.h fa0, fa1, fa2)
TEST_HH( 31, NX, H_1,   H_1, H_EPS2, 0, fadd.h fa0, fa1, fa2)
TEST_HH( 32, NX, H_1P,  H_1, H_EPS2, 0, fadd.h fa0, fa1, fa2, rup)
TEST_HH( 33, NX, H_1P,  H_1, H_EPS2, 0, fadd.h fa0, fa1, fa2, rmm)
TEST_HH( 34, OF|NX, H_INF, H_MAX, H_MAX, 0, fadd.h fa0, fa1, fa2)
TEST_HH( 35, OF|NX, H_MAX, H_MAX, H_MAX, 0, fadd.h fa0, fa1, fa2, rtz)
TEST_HH( 36, 0,  H_P0,  H_1, H_1, 0, fsub.h fa0, fa1, fa2)
TEST_HH( 37, 0,  H_N0,  H_1, H_1, 0, fsub.h fa0, fa1, fa2, rdn)
TEST_HH( 38, NV, H_QNAN, H_INF, H_INF, 0, fsub.h fa0, fa1, fa2)
TEST_HH( 39, 0,  H_5,   H_2_5, H_2, 0, fmul.h fa0, fa1, fa2)
TEST_HH( 40, 0,  0x0200, H_MIN, H_0_5, 0, fmul.h fa0, fa1, fa2)
TEST_HH( 41, UF|NX, H_P0, H_SUB, H_0_5, 0, fmul.h fa0, fa1, fa2)
TEST_HH( 42, UF|NX, H_SUB, H_SUB, H_0_5, 0, fmul.h fa0, fa1, fa2, rup)
TEST_HH( 43, 0,  H_N0,  H_P0, H_N1, 0, fmul.h fa0, fa1, fa2)
TEST_HH( 44, 0,  H_P0,  H_P0, H_1, 0, fmul.h fa0, fa1, fa2, rdn)
TEST_HH( 45, NV, H_QNAN, H_INF, H_P0, 0, fmul.h fa0, fa1, fa2)
TEST_HH( 46, NX, H_THIRD, H_1, H_3, 0, fdiv.h fa0, fa1, fa2)
TEST_HH( 47, NX, 0x3556, H_1, H_3, 0, fdiv.h fa0, fa1, fa2, rup)
TEST_HH( 48, DZ, H_NINF, H_N1, H_P0, 0, fdiv.h fa0, fa1, fa2)
TEST_HH( 49, NV, H_QNAN, H_P0, H_P0, 0, fdiv.h fa0, fa1, fa2)
TEST_HH( 50, UF|NX, H_SUB, H_MIN, 0x6c00, 0, fdiv.h fa0, fa1, fa2, rup)  // 2^-14 / 2^12
TEST_HH( 51, NX, 0x3da8, H_2, 0, 0, fsqrt.h fa0, fa1)
TEST_HH( 52, NX, 0x3da9, H_2, 0, 0, fsqrt.h fa0, fa1, rup)
TEST_HH( 53, 0,  H_2,   H_4, 0, 0, fsqrt.h fa0, fa1)
TEST_HH( 54, NV, H_QNAN, H_N1, 0, 0, fsqrt.h fa0, fa1)
TEST_HH( 55, 0,  H_N0,  H_N0, 0, 0, fsqrt.h fa0, fa1)
TEST_HH( 56, 0,  H_4,   H_1_5, H_2, H_1, fmadd.h fa0, fa1, fa2, fa3)
TEST_HH( 57, 0,  H_2,   H_1_5, H_2, H_1, fmsub.h fa0, fa1, fa2, fa3)
TEST_HH( 58, 0,  H_N2,  H_1_5, H_2, H_1, fnmsub.h fa0, fa1, fa2, fa3)
TEST_HH( 59, 0,  0xc400, H_1_5, H_2, H_1, fnmadd.h fa0, fa1, fa2, fa3)
TEST_HH( 60, NX, H_1,   H_1, H_1, H_EPS2, fmadd.h fa0, fa1, fa2, fa3)
TEST_HH( 61, NX, H_1P,  H_1, H_1, H_EPS2, fmadd.h fa0, fa1, fa2, fa3, rmm)
TEST_HH( 62, NV, H_QNAN, H_INF, H_P0, H_QNAN, fmadd.h fa0, fa1, fa2, fa3)
TEST_HH( 63, NX, 0x3bff, H_1P, 0x3bfe, H_N0, fmadd.h fa0, fa1, fa2, fa3, rtz)  // one rounding only

// sign injection, min/max
TEST_HH( 70, 0,  H_N2,  H_2, H_N1, 0, fsgnj.h fa0, fa1, fa2)
TEST_HH( 71, 0,  H_2,   H_2, H_N1, 0, fsgnjn.h fa0, fa1, fa2)
TEST_HH( 72, 0,  H_2,   H_N2, H_N1, 0, fsgnjx.h fa0, fa1, fa2)
TEST_HH( 73, 0,  H_1,   H_QNAN, H_1, 0, fmin.h fa0, fa1, fa2)
TEST_HH( 74, 0,  H_N0,  H_P0, H_N0, 0, fmin.h fa0, fa1, fa2)
TEST_HH( 75, NV, H_1,   H_SNAN, H_1, 0, fmax.h fa0, fa1, fa2)
TEST_HH( 76, 0,  H_QNAN, H_QNAN, H_QNAN, 0, fmax.h fa0, fa1, fa2)
TEST_HH( 77, 0,  H_QNAN, 0, 0, 0, li t0, 0xffffffff00003c00; fmv.d.x fa1, t0; fsgnj.h fa0, fa1, fa1)  // not boxed: canonical NaN

// compares and fclass
TEST_HX( 80, 0,  1, H_1, H_1, feq.h a0, fa1, fa2)
TEST_HX( 81, 0,  1, H_N0, H_P0, feq.h a0, fa1, fa2)
TEST_HX( 82, NV, 0, H_SNAN, H_1, feq.h a0, fa1, fa2)
TEST_HX( 83, NV, 0, H_QNAN, H_1, flt.h a0, fa1, fa2)
TEST_HX( 84, 0,  1, H_1, H_2, fle.h a0, fa1, fa2)
TEST_HX( 85, 0,  0, H_2, H_1, flt.h a0, fa1, fa2)
TEST_HX( 86, 0,  0x80,  H_INF, 0, fclass.h a0, fa1)
TEST_HX( 87, 0,  0x04,  0x8001, 0, fclass.h a0, fa1)
TEST_HX( 88, 0,  0x200, H_QNAN, 0, fclass.h a0, fa1)
TEST_HX( 89, 0,  0x100, H_SNAN, 0, fclass.h a0, fa1)
TEST_HX( 90, 0,  0x10,  H_P0, 0, fclass.h a0, fa1)
TEST_HX( 91, 0,  0x02,  H_N1, 0, fclass.h a0, fa1)

// integer conversions
TEST_HX(100, NX, 2,  H_2_5, 0, fcvt.w.h a0, fa1)
TEST_HX(101, NX, 3,  H_2_5, 0, fcvt.w.h a0, fa1, rmm)
TEST_HX(102, NV, 0xffffffff80000000, H_NINF, 0, fcvt.w.h a0, fa1, rtz)
TEST_HX(103, NV, 0,  H_N1, 0, fcvt.wu.h a0, fa1, rtz)
TEST_HX(104, 0,  65504, H_MAX, 0, fcvt.lu.h a0, fa1, rtz)
TEST_HX(105, NV, 0x7fffffffffffffff, H_QNAN, 0, fcvt.l.h a0, fa1, rtz)
TEST_HX(106, NX, -1, 0xbc01, 0, fcvt.l.h a0, fa1, rtz)
TEST_HX(107, NX, 0,  H_SUB, 0, fcvt.wu.h a0, fa1, rne)
TEST_XH(110, OF|NX, H_INF, 65520, fcvt.h.w fa0, a1)
TEST_XH(111, NX, H_MAX, 65520, fcvt.h.w fa0, a1, rtz)
TEST_XH(112, NX, 0x6800, 2049, fcvt.h.l fa0, a1)
TEST_XH(113, NX, 0x6801, 2049, fcvt.h.l fa0, a1, rup)
TEST_XH(114, OF|NX, H_INF, -1, fcvt.h.lu fa0, a1)
TEST_XH(115, OF|NX, H_MAX, -1, fcvt.h.lu fa0, a1, rtz)
TEST_XH(116, 0,  H_N2, -2, fcvt.h.w fa0, a1)
TEST_XH(117, 0,  0x5bd0, 0xffffffff000000fa, fcvt.h.wu fa0, a1)   // 250: upper half ignored
TEST_XH(118, 0,  H_P0, 0, fcvt.h.l fa0, a1)
TEST_XH(119, OF|NX, 0xfbff, 0x8000000000000001, fcvt.h.l fa0, a1, rtz)  // overflow: largest finite under rtz

TEST_END
