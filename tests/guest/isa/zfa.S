// tests/guest/isa/zfa.S — Zfa: fli.{h,s,d} (every entry of the spec's
// table of 32 constants for singles, the format-dependent ones for halves
// and doubles), fminm/fmaxm (a NaN operand gives the canonical NaN),
// fround/froundnx (NX only for froundnx; NaN, inf, zero and integral
// values), fcvtmod.w.d (modular conversion, NV out of int32 range) and the
// quiet comparisons fleq/fltq, with exact fflags. fmvh.x.d and fmvp.d.x are
// RV32-only and not tested. Encodings in rva23_insn.h (binutils 2.40 lacks
// Zfa).
#include "test_macros.h"
#include "rva23_insn.h"
.option arch, +zfh
#define NX FFLAG_NX
#define UF FFLAG_UF
#define OF FFLAG_OF
#define DZ FFLAG_DZ
#define NV FFLAG_NV
#define S_2_5   0x40200000
#define S_N2_5  0xc0200000
#define S_N0_3  0xbe99999a
#define S_2P30  0x4e800000
#define D_0_5   0x3fe0000000000000
#define D_0_7   0x3fe6666666666666
#define D_1_1   0x3ff199999999999a
#define D_1_5   0x3ff8000000000000
#define D_N1_5  0xbff8000000000000
#define D_2P31  0x41e0000000000000
#define D_N2P31 0xc1e0000000000000
#define D_2P32P5 0x41f0000000500000   // 2^32 + 5
#define D_2P63  0x43e0000000000000
#define D_IMAX  0x41dfffffffc00000   // 2147483647
#define D_IMAXH 0x41dfffffffe00000   // 2147483647.5
#define D_IMINH 0xc1e0000000100000   // -2147483648.5
#define D_BIG   0x4340000000000003   // 2^53 + 6: low 32 bits 6
#define H_2_5   0x4100
#define H_2     0x4000
#define H_SUB   0x0001
#define H_1     0x3c00

TEST_BEGIN("zfa")

// fli.s: the whole table
#define FLIS(n, idx, bits) TEST_SS(n, 0, bits, 0, 0, 0, FLI_S(fa0, idx))
FLIS( 1,  0, 0xbf800000)
FLIS( 2,  1, 0x00800000)
FLIS( 3,  2, 0x37800000)
FLIS( 4,  3, 0x38000000)
FLIS( 5,  4, 0x3b800000)
FLIS( 6,  5, 0x3c000000)
FLIS( 7,  6, 0x3d800000)
FLIS( 8,  7, 0x3e000000)
FLIS( 9,  8, 0x3e800000)
FLIS(10,  9, 0x3ea00000)
FLIS(11, 10, 0x3ec00000)
FLIS(12, 11, 0x3ee00000)
FLIS(13, 12, 0x3f000000)
FLIS(14, 13, 0x3f200000)
FLIS(15, 14, 0x3f400000)
FLIS(16, 15, 0x3f600000)
FLIS(17, 16, 0x3f800000)
FLIS(18, 17, 0x3fa00000)
FLIS(19, 18, 0x3fc00000)
FLIS(20, 19, 0x3fe00000)
FLIS(21, 20, 0x40000000)
FLIS(22, 21, 0x40200000)
FLIS(23, 22, 0x40400000)
FLIS(24, 23, 0x40800000)
FLIS(25, 24, 0x41000000)
FLIS(26, 25, 0x41800000)
FLIS(27, 26, 0x43000000)
FLIS(28, 27, 0x43800000)
FLIS(29, 28, 0x47000000)
FLIS(30, 29, 0x47800000)
FLIS(31, 30, 0x7f800000)
FLIS(32, 31, 0x7fc00000)
// fli.d and fli.h: sign, min (per format), subnormal halves, 2^16 (inf in half), nan
TEST_DD(40, 0, 0xbff0000000000000, 0, 0, 0, FLI_D(fa0, 0))
TEST_DD(41, 0, 0x0010000000000000, 0, 0, 0, FLI_D(fa0, 1))
TEST_DD(42, 0, 0x3ef0000000000000, 0, 0, 0, FLI_D(fa0, 2))
TEST_DD(43, 0, 0x3fd4000000000000, 0, 0, 0, FLI_D(fa0, 9))
TEST_DD(44, 0, 0x40f0000000000000, 0, 0, 0, FLI_D(fa0, 29))
TEST_DD(45, 0, 0x7ff0000000000000, 0, 0, 0, FLI_D(fa0, 30))
TEST_DD(46, 0, 0x7ff8000000000000, 0, 0, 0, FLI_D(fa0, 31))
TEST_HH(47, 0, 0xbc00, 0, 0, 0, FLI_H(fa0, 0))
TEST_HH(48, 0, 0x0400, 0, 0, 0, FLI_H(fa0, 1))
TEST_HH(49, 0, 0x0100, 0, 0, 0, FLI_H(fa0, 2))
TEST_HH(50, 0, 0x0200, 0, 0, 0, FLI_H(fa0, 3))
TEST_HH(51, 0, 0x1c00, 0, 0, 0, FLI_H(fa0, 4))
TEST_HH(52, 0, 0x3500, 0, 0, 0, FLI_H(fa0, 9))
TEST_HH(53, 0, 0x7800, 0, 0, 0, FLI_H(fa0, 28))
TEST_HH(54, 0, 0x7c00, 0, 0, 0, FLI_H(fa0, 29))
TEST_HH(55, 0, 0x7c00, 0, 0, 0, FLI_H(fa0, 30))
TEST_HH(56, 0, 0x7e00, 0, 0, 0, FLI_H(fa0, 31))

// fminm / fmaxm
TEST_SS(60, 0,  S_P1,   S_P1, S_P2, 0, FMINM_S(fa0, fa1, fa2))
TEST_SS(61, 0,  S_N0,   S_P0, S_N0, 0, FMINM_S(fa0, fa1, fa2))
TEST_SS(62, 0,  S_P0,   S_N0, S_P0, 0, FMAXM_S(fa0, fa1, fa2))
TEST_SS(63, 0,  S_QNAN, S_QNAN, S_P1, 0, FMINM_S(fa0, fa1, fa2))
TEST_SS(64, NV, S_QNAN, S_P1, S_SNAN, 0, FMAXM_S(fa0, fa1, fa2))
TEST_SS(65, 0,  S_P1,   S_QNAN, S_P1, 0, fmin.s fa0, fa1, fa2)   // contrast: fmin
TEST_DD(66, 0,  D_QNAN, D_P1, D_NQNAN, 0, FMAXM_D(fa0, fa1, fa2))
TEST_DD(67, 0,  D_P3,   D_P3, D_N1, 0, FMAXM_D(fa0, fa1, fa2))
TEST_DD(68, NV, D_QNAN, D_SNAN, D_P1, 0, FMINM_D(fa0, fa1, fa2))
TEST_HH(69, 0,  0x7e00, 0x7e00, H_1, 0, FMINM_H(fa0, fa1, fa2))
TEST_HH(70, 0,  H_2,    H_2, H_1, 0, FMAXM_H(fa0, fa1, fa2))
// a single operand that is not NaN-boxed is the canonical NaN
TEST_SS(71, 0,  S_QNAN, S_P1, S_P2, 0, li t0, 0x3f800000; fmv.d.x fa1, t0; FMAXM_S(fa0, fa1, fa2))

// fround / froundnx
TEST_SS(80, 0,  S_P2,   S_2_5, 0, 0, FROUND_S(fa0, fa1, 0))
TEST_SS(81, NX, S_P2,   S_2_5, 0, 0, FROUNDNX_S(fa0, fa1, 0))
TEST_SS(82, NX, S_P3,   S_2_5, 0, 0, FROUNDNX_S(fa0, fa1, 4))
TEST_SS(83, NX, S_N0,   S_N0_3, 0, 0, FROUNDNX_S(fa0, fa1, 0))
TEST_SS(84, 0,  0xc0000000, S_N2_5, 0, 0, FROUND_S(fa0, fa1, 3))
TEST_SS(85, 0,  0xc0400000, S_N2_5, 0, 0, FROUND_S(fa0, fa1, 2))
TEST_SS(86, NX, 0xc0000000, S_N2_5, 0, 0, FROUNDNX_S(fa0, fa1, 1))
TEST_SS(87, 0,  S_2P30, S_2P30, 0, 0, FROUNDNX_S(fa0, fa1, 0))
TEST_SS(88, 0,  S_NINF, S_NINF, 0, 0, FROUNDNX_S(fa0, fa1, 0))
TEST_SS(89, NV, S_QNAN, S_SNAN, 0, 0, FROUND_S(fa0, fa1, 0))
TEST_SS(90, 0,  S_QNAN, S_NQNAN, 0, 0, FROUNDNX_S(fa0, fa1, 0))
TEST_SS(91, 0,  S_N0,   S_N0, 0, 0, FROUNDNX_S(fa0, fa1, 3))
TEST_SS(92, NX, S_P1,   S_SUB, 0, 0, FROUNDNX_S(fa0, fa1, 3))
TEST_DD(93, NX, D_P0,   D_0_5, 0, 0, FROUNDNX_D(fa0, fa1, 0))
TEST_DD(94, NX, D_P1,   D_0_5, 0, 0, FROUNDNX_D(fa0, fa1, 4))
TEST_DD(95, 0,  D_P0,   D_0_7, 0, 0, FROUND_D(fa0, fa1, 2))
TEST_DD(96, NX, D_P1,   D_0_7, 0, 0, FROUNDNX_D(fa0, fa1, 3))
TEST_DD(97, NX, D_P2,   D_1_1, 0, 0, li t1, 3; fsrm t1; FROUNDNX_D(fa0, fa1, 7))   // dyn = rup
TEST_DD(98, 0,  D_N1,   D_N1_5, 0, 0, FROUND_D(fa0, fa1, 1))
TEST_DD(99, 0,  D_MAX,  D_MAX, 0, 0, FROUNDNX_D(fa0, fa1, 0))
TEST_HH(100, 0,  H_2,   H_2_5, 0, 0, FROUND_H(fa0, fa1, 0))
TEST_HH(101, NX, H_2,   H_2_5, 0, 0, FROUNDNX_H(fa0, fa1, 0))
TEST_HH(102, NX, H_1,   H_SUB, 0, 0, FROUNDNX_H(fa0, fa1, 3))
TEST_HH(103, 0,  0x4200, 0x4200, 0, 0, FROUNDNX_H(fa0, fa1, 2))

// fcvtmod.w.d
TEST_DX(110, NX, 1,          D_1_5, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(111, NX, -1,         D_N1_5, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(112, NV, 0xffffffff80000000, D_2P31, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(113, 0,  0xffffffff80000000, D_N2P31, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(114, NV, 5,          D_2P32P5, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(115, NV, 0,          D_2P63, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(116, NV, 6,          D_BIG, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(117, NV, 0,          D_QNAN, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(118, NV, 0,          D_NINF, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(119, 0,  0,          D_N0, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(120, 0,  0x7fffffff, D_IMAX, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(121, NX, 0x7fffffff, D_IMAXH, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(122, NX, 0xffffffff80000000, D_IMINH, 0, FCVTMOD_W_D(a0, fa1))
TEST_DX(123, NX, 0,          D_SUB, 0, FCVTMOD_W_D(a0, fa1))

// fleq / fltq: quiet (NV only for a signaling NaN)
TEST_SX(130, 0,  1, S_P1, S_P2, FLTQ_S(a0, fa1, fa2))
TEST_SX(131, 0,  0, S_QNAN, S_P1, FLTQ_S(a0, fa1, fa2))
TEST_SX(132, NV, 0, S_P1, S_QNAN, flt.s a0, fa1, fa2)   // contrast: flt signals
TEST_SX(133, NV, 0, S_SNAN, S_P1, FLEQ_S(a0, fa1, fa2))
TEST_SX(134, 0,  1, S_P2, S_P2, FLEQ_S(a0, fa1, fa2))
TEST_DX(135, 0,  1, D_N0, D_P0, FLEQ_D(a0, fa1, fa2))
TEST_DX(136, 0,  0, D_N0, D_P0, FLTQ_D(a0, fa1, fa2))
TEST_DX(137, 0,  0, D_P1, D_NQNAN, FLEQ_D(a0, fa1, fa2))
TEST_DX(138, NV, 0, D_P1, D_SNAN, FLTQ_D(a0, fa1, fa2))
TEST_HX(139, 0,  1, H_1, H_2, FLTQ_H(a0, fa1, fa2))
TEST_HX(140, 0,  0, 0x7e00, H_2, FLEQ_H(a0, fa1, fa2))
TEST_HX(141, NV, 0, 0x7d00, H_2, FLTQ_H(a0, fa1, fa2))

TEST_END
