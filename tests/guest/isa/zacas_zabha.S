// tests/guest/isa/zacas_zabha.S — Zacas (amocas.w/d/q: rd holds the
// expected value and gets the old one, sign-extended; the store happens
// only when memory equals rd; .w compares the low 32 bits; .q works on the
// even register pairs rd/rd+1 and rs2/rs2+1, x0 as a pair reading 0 and
// not written) and Zabha (byte and halfword AMOs with sign-extended
// results, amocas.b/h; the neighbouring bytes are untouched). Encodings in
// rva23_insn.h (binutils 2.40 lacks both extensions).
#include "test_macros.h"
#include "rva23_insn.h"

  .data
  .balign 16
mem: .dword 0, 0, 0, 0
  .text
TEST_BEGIN("zacas_zabha")
  lla s1, mem

// amocas.w
TEST_CASE( 1, a0, 5, li t0, 5; sw t0, 0(s1); li a0, 5; li a2, 7; AMOCAS_W(a0, a2, s1))
TEST_CASE( 2, a3, 7, lw a3, 0(s1))
TEST_CASE( 3, a0, 7, li a0, 5; li a2, 9; AMOCAS_W(a0, a2, s1))   // fails: old value
TEST_CASE( 4, a3, 7, lw a3, 0(s1))
TEST_CASE( 5, a0, 0xffffffff80000000, li t0, 0x80000000; sw t0, 0(s1); li a0, 0x80000000; li a2, 1; AMOCAS_W(a0, a2, s1))  // low 32 bits compared
TEST_CASE( 6, a3, 1, lw a3, 0(s1))
TEST_CASE( 7, a3, 0, lw a3, 4(s1))
// amocas.d
TEST_CASE(10, a0, -2, li t0, -2; sd t0, 8(s1); addi a1, s1, 8; li a0, -2; li a2, 0x123456789; AMOCAS_D(a0, a2, a1))
TEST_CASE(11, a3, 0x123456789, ld a3, 8(s1))
TEST_CASE(12, a0, 0x123456789, addi a1, s1, 8; li a0, 0x123456788; li a2, 3; AMOCAS_D_AQRL(a0, a2, a1))
TEST_CASE(13, a3, 0x123456789, ld a3, 8(s1))
TEST_CASE(14, a0, 0x123456789, addi a1, s1, 8; li a0, 0x123456789; AMOCAS_D(zero, a0, a1); ld a0, 8(s1))  // rd x0: compares with 0, fails
// amocas.q (16-byte aligned at mem+16)
TEST_CASE(20, a2, 1, li t0, 1; sd t0, 16(s1); li t0, 2; sd t0, 24(s1); addi a1, s1, 16; li a2, 1; li a3, 2; li a4, 3; li a5, 4; AMOCAS_Q(a2, a4, a1))
TEST_CASE(21, a3, 2)
TEST_CASE(22, a6, 3, ld a6, 16(s1))
TEST_CASE(23, a6, 4, ld a6, 24(s1))
TEST_CASE(24, a2, 3, li a2, 3; li a3, 5; li a4, 7; li a5, 8; AMOCAS_Q(a2, a4, a1))   // high half differs: fails
TEST_CASE(25, a3, 4)
TEST_CASE(26, a6, 3, ld a6, 16(s1))
TEST_CASE(27, a6, 0, sd zero, 16(s1); sd zero, 24(s1); li a4, 11; li a5, 12; AMOCAS_Q(zero, a4, a1); ld a6, 0(s1); addi a6, a6, -1)  // mem+0 untouched (1)
TEST_CASE(28, a6, 11, ld a6, 16(s1))
TEST_CASE(29, a6, 12, ld a6, 24(s1))
TEST_CASE(30, a6, 0, li a2, 11; li a3, 12; AMOCAS_Q(a2, zero, a1); ld a6, 16(s1); ld a7, 24(s1); or a6, a6, a7)   // rs2 x0: stores zeros
TEST_CASE(31, a2, 11)

// Zabha: bytes at mem+0..7 = 0x7f 0x80 0x01 0xff ..
  li t0, 0x00000000ff01807f
  sd t0, 0(s1)
TEST_CASE(40, a0, 0x7f, li a2, 1; AMOADD_B(a0, a2, s1))
TEST_CASE(41, a0, 0xffffffffffffff80, lbu a0, 0(s1); sext.b a0, a0)
.option arch, +zbb
TEST_CASE(42, a0, 0xffffffffffffff80, addi a1, s1, 1; li a2, 5; AMOMIN_B(a0, a2, a1))
TEST_CASE(43, a0, 0x80, lbu a0, 1(s1))
TEST_CASE(44, a0, 0xffffffffffffff80, addi a1, s1, 1; li a2, 5; AMOMINU_B(a0, a2, a1))
TEST_CASE(45, a0, 5, lbu a0, 1(s1))
TEST_CASE(46, a0, 1, addi a1, s1, 2; li a2, -3; AMOMAX_B(a0, a2, a1))
TEST_CASE(47, a0, 1, lbu a0, 2(s1))
TEST_CASE(48, a0, 1, addi a1, s1, 2; li a2, -3; AMOMAXU_B(a0, a2, a1))
TEST_CASE(49, a0, 0xfd, lbu a0, 2(s1))
TEST_CASE(50, a0, -1, addi a1, s1, 3; li a2, 0x3c; AMOAND_B(a0, a2, a1))
TEST_CASE(51, a0, 0x3c, addi a1, s1, 3; li a2, 0x41; AMOOR_B(a0, a2, a1))
TEST_CASE(52, a0, 0x7d, addi a1, s1, 3; li a2, 0xff; AMOXOR_B(a0, a2, a1))
TEST_CASE(53, a0, 0x82, addi a1, s1, 3; li a2, 0x1234; AMOSWAP_B(a0, a2, a1); andi a0, a0, 0xff)
TEST_CASE(54, a0, 0x34fd0580, ld a0, 0(s1))   // all four bytes, nothing beyond
TEST_CASE(55, a0, 0xffffffffffffff80, li a0, -128; li a2, 9; AMOCAS_B(a0, a2, s1))
TEST_CASE(56, a0, 9, lbu a0, 0(s1))
TEST_CASE(57, a0, 9, li a0, 8; li a2, 10; AMOCAS_B(a0, a2, s1))   // fails
TEST_CASE(58, a0, 9, lbu a0, 0(s1))
// halfwords at mem+8
  li t0, 0x000000007fff8000
  sd t0, 8(s1)
  addi a1, s1, 8
  addi s2, s1, 10
TEST_CASE(60, a0, 0xffffffffffff8000, li a2, -1; AMOADD_H(a0, a2, a1))
TEST_CASE(61, a0, 0x7fff, lhu a0, 8(s1))
TEST_CASE(62, a0, 0x7fff, li a2, 0x8000; AMOMAX_H(a0, a2, s2))
TEST_CASE(63, a0, 0x7fff, lhu a0, 10(s1))
TEST_CASE(64, a0, 0x7fff, li a2, 0x8000; AMOMAXU_H(a0, a2, s2))
TEST_CASE(65, a0, 0xffffffffffff8000, li a2, 0x1234; AMOMINU_H(a0, a2, s2))
TEST_CASE(66, a0, 0x1234, li a2, -1; AMOMIN_H(a0, a2, s2))
TEST_CASE(67, a0, 0xffffffffffffffff, li a2, 0xf0f0; AMOSWAP_H(a0, a2, s2))
TEST_CASE(68, a0, 0xfffffffffffff0f0, li a2, 0x0ff0; AMOXOR_H(a0, a2, s2))
TEST_CASE(69, a0, 0xffffffffffffff00, li a2, 0x00ff; AMOAND_H(a0, a2, s2))
TEST_CASE(70, a0, 0, li a2, 0x8000; AMOOR_H(a0, a2, s2))
TEST_CASE(71, a0, 0xffffffffffff8000, li a0, 0x8000; li a2, 0x4242; AMOCAS_H(a0, a2, s2))
TEST_CASE(72, a0, 0x42427fff, ld a0, 8(s1))

TEST_END
