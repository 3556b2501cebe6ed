// translator/insn_table_vk.h — the vector bit-manipulation and crypto rows
// of THE instruction table (insn_table.h appends HART_INSN_TABLE_VK after
// HART_INSN_TABLE_V; same X(name, mask, match, format, flags) layout and
// formats as insn_table_v.h). Spec: "RISC-V Cryptography Extensions
// Volume II: Vector Instructions" 1.0.
//   Zvbb (includes Zvkb): OP-V (0x57) — vandn, vbrev, vbrev8, vrev8, vclz,
//     vctz, vcpop.v (VXUNARY0, funct6 010010, the operation in vs1), vrol,
//     vror (vror.vi has a 6-bit immediate: imm[5] is bit 26, so its row
//     leaves bit 26 free), vwsll.
//   Zvbc: OP-V — vclmul, vclmulh (SEW 64 only).
//   Zvkg, Zvkned, Zvknha/b: OP-VE (0x77), always unmasked (vm=1 is part of
//     the match): vghsh, vgmul; vaes{ef,em,df,dm}.{vv,vs}, vaesz.vs (the
//     operation in vs1, funct6 101000 .vv / 101001 .vs), vaeskf1/2.vi;
//     vsha2ms, vsha2ch, vsha2cl.
// Owns: these encodings. Semantics: interp_v_bits.cpp (Zvbb, Zvbc) and
// interp_v_crypto.cpp (Zvkg, Zvkned, Zvknh).
#pragma once

// X(name, mask, match, format, flags)
#define HART_INSN_TABLE_VK(X)                                                           \
  /* Zvbb / Zvkb (OP-V) */                                                             \
  X(vandn_vv, 0xfc00707f, 0x04000057, VV, kVector)                                    \
  X(vandn_vx, 0xfc00707f, 0x04004057, VX, kVector)                                    \
  X(vbrev8_v, 0xfc0ff07f, 0x48042057, V2, kVector)                                    \
  X(vrev8_v, 0xfc0ff07f, 0x4804a057, V2, kVector)                                     \
  X(vbrev_v, 0xfc0ff07f, 0x48052057, V2, kVector)                                     \
  X(vclz_v, 0xfc0ff07f, 0x48062057, V2, kVector)                                      \
  X(vctz_v, 0xfc0ff07f, 0x4806a057, V2, kVector)                                      \
  X(vcpop_v, 0xfc0ff07f, 0x48072057, V2, kVector)                                     \
  X(vror_vv, 0xfc00707f, 0x50000057, VV, kVector)                                     \
  X(vror_vx, 0xfc00707f, 0x50004057, VX, kVector)                                     \
  X(vror_vi, 0xf800707f, 0x50003057, VI, kVector | kVUimm)                            \
  X(vrol_vv, 0xfc00707f, 0x54000057, VV, kVector)                                     \
  X(vrol_vx, 0xfc00707f, 0x54004057, VX, kVector)                                     \
  X(vwsll_vv, 0xfc00707f, 0xd4000057, VV, kVector)                                    \
  X(vwsll_vx, 0xfc00707f, 0xd4004057, VX, kVector)                                    \
  X(vwsll_vi, 0xfc00707f, 0xd4003057, VI, kVector | kVUimm)                           \
  /* Zvbc (OP-V, OPMVV/OPMVX) */                                                       \
  X(vclmul_vv, 0xfc00707f, 0x30002057, VV, kVector)                                   \
  X(vclmul_vx, 0xfc00707f, 0x30006057, VX, kVector)                                   \
  X(vclmulh_vv, 0xfc00707f, 0x34002057, VV, kVector)                                  \
  X(vclmulh_vx, 0xfc00707f, 0x34006057, VX, kVector)                                  \
  /* Zvkg (OP-VE, vm=1) */                                                             \
  X(vghsh_vv, 0xfe00707f, 0xb2002077, VV, kVector)                                    \
  X(vgmul_vv, 0xfe0ff07f, 0xa208a077, V2, kVector)                                    \
  /* Zvkned (OP-VE, vm=1) */                                                           \
  X(vaesdm_vv, 0xfe0ff07f, 0xa2002077, V2, kVector)                                   \
  X(vaesdf_vv, 0xfe0ff07f, 0xa200a077, V2, kVector)                                   \
  X(vaesem_vv, 0xfe0ff07f, 0xa2012077, V2, kVector)                                   \
  X(vaesef_vv, 0xfe0ff07f, 0xa201a077, V2, kVector)                                   \
  X(vaesdm_vs, 0xfe0ff07f, 0xa6002077, V2, kVector)                                   \
  X(vaesdf_vs, 0xfe0ff07f, 0xa600a077, V2, kVector)                                   \
  X(vaesem_vs, 0xfe0ff07f, 0xa6012077, V2, kVector)                                   \
  X(vaesef_vs, 0xfe0ff07f, 0xa601a077, V2, kVector)                                   \
  X(vaesz_vs, 0xfe0ff07f, 0xa603a077, V2, kVector)                                    \
  X(vaeskf1_vi, 0xfe00707f, 0x8a002077, VI, kVector | kVUimm)                         \
  X(vaeskf2_vi, 0xfe00707f, 0xaa002077, VI, kVector | kVUimm)                         \
  /* Zvknha / Zvknhb (OP-VE, vm=1) */                                                  \
  X(vsha2ms_vv, 0xfe00707f, 0xb6002077, VV, kVector)                                  \
  X(vsha2ch_vv, 0xfe00707f, 0xba002077, VV, kVector)                                  \
  X(vsha2cl_vv, 0xfe00707f, 0xbe002077, VV, kVector)
