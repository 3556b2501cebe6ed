// tests/guest/isa/rva23_insn.h — encodings of the RVA23 scalar instructions
// binutils 2.40 does not know (Zfa, Zacas, Zabha), as .insn lines named by
// their mnemonic: FLI_S(fa0, 16) is "fli.s fa0, 1.0", AMOCAS_W(a0, a2, a1)
// is "amocas.w a0, a2, (a1)". Register operands are names; the fli index
// and the rounding mode are numbers (0 rne, 1 rtz, 2 rdn, 3 rup, 4 rmm, 7 dyn).

// Zfa (OP-FP, opcode 0x53; funct7 gives the format: 0x.0 S, 0x.1 D, 0x.2 H)
#define FLI_S(rd, idx) .insn r 0x53, 0, 0x78, rd, x##idx, x1
#define FLI_D(rd, idx) .insn r 0x53, 0, 0x79, rd, x##idx, x1
#define FLI_H(rd, idx) .insn r 0x53, 0, 0x7a, rd, x##idx, x1
#define FMINM_S(rd, rs1, rs2) .insn r 0x53, 2, 0x14, rd, rs1, rs2
#define FMAXM_S(rd, rs1, rs2) .insn r 0x53, 3, 0x14, rd, rs1, rs2
#define FMINM_D(rd, rs1, rs2) .insn r 0x53, 2, 0x15, rd, rs1, rs2
#define FMAXM_D(rd, rs1, rs2) .insn r 0x53, 3, 0x15, rd, rs1, rs2
#define FMINM_H(rd, rs1, rs2) .insn r 0x53, 2, 0x16, rd, rs1, rs2
#define FMAXM_H(rd, rs1, rs2) .insn r 0x53, 3, 0x16, rd, rs1, rs2
#define FROUND_S(rd, rs1, rm) .insn r 0x53, rm, 0x20, rd, rs1, x4
#define FROUNDNX_S(rd, rs1, rm) .insn r 0x53, rm, 0x20, rd, rs1, x5
#define FROUND_D(rd, rs1, rm) .insn r 0x53, rm, 0x21, rd, rs1, x4
#define FROUNDNX_D(rd, rs1, rm) .insn r 0x53, rm, 0x21, rd, rs1, x5
#define FROUND_H(rd, rs1, rm) .insn r 0x53, rm, 0x22, rd, rs1, x4
#define FROUNDNX_H(rd, rs1, rm) .insn r 0x53, rm, 0x22, rd, rs1, x5
#define FCVTMOD_W_D(rd, rs1) .insn r 0x53, 1, 0x61, rd, rs1, x8   /* rm must be rtz */
#define FLEQ_S(rd, rs1, rs2) .insn r 0x53, 4, 0x50, rd, rs1, rs2
#define FLTQ_S(rd, rs1, rs2) .insn r 0x53, 5, 0x50, rd, rs1, rs2
#define FLEQ_D(rd, rs1, rs2) .insn r 0x53, 4, 0x51, rd, rs1, rs2
#define FLTQ_D(rd, rs1, rs2) .insn r 0x53, 5, 0x51, rd, rs1, rs2
#define FLEQ_H(rd, rs1, rs2) .insn r 0x53, 4, 0x52, rd, rs1, rs2
#define FLTQ_H(rd, rs1, rs2) .insn r 0x53, 5, 0x52, rd, rs1, rs2

// AMOs (opcode 0x2f): funct7 = funct5 << 2 | aq << 1 | rl; funct3 the
// width (0 b, 1 h, 2 w, 3 d, 4 q). AMO(funct5, width, rd, rs2, rs1).
#define AMO(f5, w, rd, rs2, rs1) .insn r 0x2f, w, (f5) << 2, rd, rs1, rs2
#define AMOCAS_B(rd, rs2, rs1) AMO(0x05, 0, rd, rs2, rs1)
#define AMOCAS_H(rd, rs2, rs1) AMO(0x05, 1, rd, rs2, rs1)
#define AMOCAS_W(rd, rs2, rs1) AMO(0x05, 2, rd, rs2, rs1)
#define AMOCAS_D(rd, rs2, rs1) AMO(0x05, 3, rd, rs2, rs1)
#define AMOCAS_Q(rd, rs2, rs1) AMO(0x05, 4, rd, rs2, rs1)
#define AMOCAS_D_AQRL(rd, rs2, rs1) .insn r 0x2f, 3, 0x17, rd, rs1, rs2
#define AMOSWAP_B(rd, rs2, rs1) AMO(0x01, 0, rd, rs2, rs1)
#define AMOADD_B(rd, rs2, rs1) AMO(0x00, 0, rd, rs2, rs1)
#define AMOXOR_B(rd, rs2, rs1) AMO(0x04, 0, rd, rs2, rs1)
#define AMOAND_B(rd, rs2, rs1) AMO(0x0c, 0, rd, rs2, rs1)
#define AMOOR_B(rd, rs2, rs1) AMO(0x08, 0, rd, rs2, rs1)
#define AMOMIN_B(rd, rs2, rs1) AMO(0x10, 0, rd, rs2, rs1)
#define AMOMAX_B(rd, rs2, rs1) AMO(0x14, 0, rd, rs2, rs1)
#define AMOMINU_B(rd, rs2, rs1) AMO(0x18, 0, rd, rs2, rs1)
#define AMOMAXU_B(rd, rs2, rs1) AMO(0x1c, 0, rd, rs2, rs1)
#define AMOSWAP_H(rd, rs2, rs1) AMO(0x01, 1, rd, rs2, rs1)
#define AMOADD_H(rd, rs2, rs1) AMO(0x00, 1, rd, rs2, rs1)
#define AMOXOR_H(rd, rs2, rs1) AMO(0x04, 1, rd, rs2, rs1)
#define AMOAND_H(rd, rs2, rs1) AMO(0x0c, 1, rd, rs2, rs1)
#define AMOOR_H(rd, rs2, rs1) AMO(0x08, 1, rd, rs2, rs1)
#define AMOMIN_H(rd, rs2, rs1) AMO(0x10, 1, rd, rs2, rs1)
#define AMOMAX_H(rd, rs2, rs1) AMO(0x14, 1, rd, rs2, rs1)
#define AMOMINU_H(rd, rs2, rs1) AMO(0x18, 1, rd, rs2, rs1)
#define AMOMAXU_H(rd, rs2, rs1) AMO(0x1c, 1, rd, rs2, rs1)
