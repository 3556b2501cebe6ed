// tests/guest/vector/vk_insn.h — encodings of the vector bit-manipulation
// and crypto instructions binutils 2.40 does not know (Zvbb, Zvbc, Zvkg,
// Zvkned, Zvknh), as ".4byte expression" text for inline assembly, named
// by their mnemonic: VANDN_VV(8, 16, 24, 1) is "vandn.vv v8, v16, v24"
// (last argument vm: 1 unmasked, 0 masked by v0). Register operands are
// numbers; the .vx forms take x registers by number (10 is a0).
// Layout (spec "RISC-V Cryptography Extensions Volume II"): funct6 31:26,
// vm 25, vs2 24:20, vs1/rs1/imm 19:15, funct3 14:12, vd 11:7, opcode 6:0
// (OP-V 0x57 for Zvbb/Zvbc, OP-VE 0x77 for the others).
#pragma once

#define VK_ENC(f6, vm, vs2, vs1, f3, vd, op)                                                        \
  ".4byte ((" #f6 ") << 26) | ((" #vm ") << 25) | ((" #vs2 ") << 20) | ((" #vs1 ") << 15) | ((" #f3 \
  ") << 12) | ((" #vd ") << 7) | " #op "\n"

// Zvbb / Zvkb
#define VANDN_VV(vd, vs2, vs1, vm) VK_ENC(0x01, vm, vs2, vs1, 0, vd, 0x57)
#define VANDN_VX(vd, vs2, rs1, vm) VK_ENC(0x01, vm, vs2, rs1, 4, vd, 0x57)
#define VBREV8_V(vd, vs2, vm) VK_ENC(0x12, vm, vs2, 8, 2, vd, 0x57)
#define VREV8_V(vd, vs2, vm) VK_ENC(0x12, vm, vs2, 9, 2, vd, 0x57)
#define VBREV_V(vd, vs2, vm) VK_ENC(0x12, vm, vs2, 10, 2, vd, 0x57)
#define VCLZ_V(vd, vs2, vm) VK_ENC(0x12, vm, vs2, 12, 2, vd, 0x57)
#define VCTZ_V(vd, vs2, vm) VK_ENC(0x12, vm, vs2, 13, 2, vd, 0x57)
#define VCPOP_V(vd, vs2, vm) VK_ENC(0x12, vm, vs2, 14, 2, vd, 0x57)
#define VROR_VV(vd, vs2, vs1, vm) VK_ENC(0x14, vm, vs2, vs1, 0, vd, 0x57)
#define VROR_VX(vd, vs2, rs1, vm) VK_ENC(0x14, vm, vs2, rs1, 4, vd, 0x57)
#define VROR_VI(vd, vs2, imm, vm) VK_ENC(0x14 | ((imm) >> 5), vm, vs2, (imm) & 31, 3, vd, 0x57)
#define VROL_VV(vd, vs2, vs1, vm) VK_ENC(0x15, vm, vs2, vs1, 0, vd, 0x57)
#define VROL_VX(vd, vs2, rs1, vm) VK_ENC(0x15, vm, vs2, rs1, 4, vd, 0x57)
#define VWSLL_VV(vd, vs2, vs1, vm) VK_ENC(0x35, vm, vs2, vs1, 0, vd, 0x57)
#define VWSLL_VX(vd, vs2, rs1, vm) VK_ENC(0x35, vm, vs2, rs1, 4, vd, 0x57)
#define VWSLL_VI(vd, vs2, imm, vm) VK_ENC(0x35, vm, vs2, imm, 3, vd, 0x57)
// Zvbc
#define VCLMUL_VV(vd, vs2, vs1, vm) VK_ENC(0x0c, vm, vs2, vs1, 2, vd, 0x57)
#define VCLMUL_VX(vd, vs2, rs1, vm) VK_ENC(0x0c, vm, vs2, rs1, 6, vd, 0x57)
#define VCLMULH_VV(vd, vs2, vs1, vm) VK_ENC(0x0d, vm, vs2, vs1, 2, vd, 0x57)
#define VCLMULH_VX(vd, vs2, rs1, vm) VK_ENC(0x0d, vm, vs2, rs1, 6, vd, 0x57)
// Zvkg
#define VGHSH_VV(vd, vs2, vs1) VK_ENC(0x2c, 1, vs2, vs1, 2, vd, 0x77)
#define VGMUL_VV(vd, vs2) VK_ENC(0x28, 1, vs2, 0x11, 2, vd, 0x77)
// Zvkned
#define VAESDM_VV(vd, vs2) VK_ENC(0x28, 1, vs2, 0, 2, vd, 0x77)
#define VAESDF_VV(vd, vs2) VK_ENC(0x28, 1, vs2, 1, 2, vd, 0x77)
#define VAESEM_VV(vd, vs2) VK_ENC(0x28, 1, vs2, 2, 2, vd, 0x77)
#define VAESEF_VV(vd, vs2) VK_ENC(0x28, 1, vs2, 3, 2, vd, 0x77)
#define VAESDM_VS(vd, vs2) VK_ENC(0x29, 1, vs2, 0, 2, vd, 0x77)
#define VAESDF_VS(vd, vs2) VK_ENC(0x29, 1, vs2, 1, 2, vd, 0x77)
#define VAESEM_VS(vd, vs2) VK_ENC(0x29, 1, vs2, 2, 2, vd, 0x77)
#define VAESEF_VS(vd, vs2) VK_ENC(0x29, 1, vs2, 3, 2, vd, 0x77)
#define VAESZ_VS(vd, vs2) VK_ENC(0x29, 1, vs2, 7, 2, vd, 0x77)
#define VAESKF1_VI(vd, vs2, imm) VK_ENC(0x22, 1, vs2, imm, 2, vd, 0x77)
#define VAESKF2_VI(vd, vs2, imm) VK_ENC(0x2a, 1, vs2, imm, 2, vd, 0x77)
// Zvknha / Zvknhb
#define VSHA2MS_VV(vd, vs2, vs1) VK_ENC(0x2d, 1, vs2, vs1, 2, vd, 0x77)
#define VSHA2CH_VV(vd, vs2, vs1) VK_ENC(0x2e, 1, vs2, vs1, 2, vd, 0x77)
#define VSHA2CL_VV(vd, vs2, vs1) VK_ENC(0x2f, 1, vs2, vs1, 2, vd, 0x77)
