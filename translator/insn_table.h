// translator/insn_table.h — THE instruction table: every RV64GC instruction
// (RV64I, M, A, F, D, Zicsr, Zifencei) and the ratified bit-manipulation
// extensions Zba, Zbb, Zbs, Zbc (RV64 encodings), Zicond, Zihintpause,
// Zawrs, Zimop (mop_r/mop_rr: one row each, N in the operand bits),
// Zicbop (prefetch.*), Zicboz (cbo.zero) and, in their own group
// (HART_INSN_TABLE_RVA23_SCALAR), Zfhmin/Zfh, Zfa, Zicbom, Zacas and Zabha
// as (name, mask, match,
// format, flags). The decoder, the disassembler, the interpreter dispatch and the
// JIT dispatch are all generated from this one list. Compressed (C)
// instructions are not listed: decode.cpp expands them to the 32-bit
// instruction they stand for, so each instruction has exactly one
// semantic implementation.
// Names that are C++ keywords carry a trailing underscore (and_, or_, xor_);
// a dot in a spec mnemonic is an underscore (add_uw is add.uw, orc_b orc.b).
// Formats (operand layout, RISC-V unprivileged spec ch. 2):
//   R rd,rs1,rs2   R1 rd,rs1 (integer unary: clz, rev8...)
//   I rd,rs1,imm   S rs2,imm(rs1)   B rs1,rs2,pc+imm
//   U rd,imm<<12   J rd,pc+imm    SH rd,rs1,shamt  L rd,imm(rs1)
//   A rd,rs2,(rs1) (AMO/SC)  LR rd,(rs1)  CSR rd,csr,rs1  CSRI rd,csr,uimm
//   F fp ops with rm: FR rd,rs1,rs2  FR1 rd,rs1  FR4 rd,rs1,rs2,rs3
//   N no operands  FENCE pred,succ
// Operand register files are given by flag bits: kFd (rd is an f reg),
// kFs1/kFs2/kFs3 (sources are f regs), kRm (instruction has an rm field).
#pragma once

#include <cstdint>

#include "translator/insn_table_v.h"
#include "translator/insn_table_vk.h"

namespace hart {

enum class InsnFormat : uint8_t {
  R, R1, I, S, B, U, J, SH, L, A, LR, CSR, CSRI, FR, FR1, FR4, N, FENCE,
  // V 1.0 (insn_table_v.h)
  VSETVLI, VSETIVLI, VL, VLS, VLX, VV, VX, VI, VVR, VXR, VVM, VXM, VIM, V2, VD, XV, V1V, V1X, V1I,
};

enum InsnFlags : uint32_t {
  kFd = 1, kFs1 = 2, kFs2 = 4, kFs3 = 8, kRm = 16,
  kLoad = 32, kStore = 64, kBranch = 128, kJump = 256, kAmo = 512, kSystem = 1024,
  kEndsTb = 2048,  // control leaves the straight-line sequence
  // V 1.0 (insn_table_v.h)
  kVector = 1u << 20,  // a vector instruction (interp_v*.cpp)
  kVUimm = 1u << 21,   // its 5-bit immediate is unsigned
};

#define HART_FD (kFd)
#define HART_FFF (kFd | kFs1 | kFs2 | kRm)
// X(name, mask, match, format, flags)
#define HART_INSN_TABLE(X)                                                        \
  /* RV64I */                                                                     \
  X(lui, 0x0000007f, 0x00000037, U, 0)                                            \
  X(auipc, 0x0000007f, 0x00000017, U, 0)                                          \
  X(jal, 0x0000007f, 0x0000006f, J, kJump | kEndsTb)                              \
  X(jalr, 0x0000707f, 0x00000067, I, kJump | kEndsTb)                             \
  X(beq, 0x0000707f, 0x00000063, B, kBranch | kEndsTb)                            \
  X(bne, 0x0000707f, 0x00001063, B, kBranch | kEndsTb)                            \
  X(blt, 0x0000707f, 0x00004063, B, kBranch | kEndsTb)                            \
  X(bge, 0x0000707f, 0x00005063, B, kBranch | kEndsTb)                            \
  X(bltu, 0x0000707f, 0x00006063, B, kBranch | kEndsTb)                           \
  X(bgeu, 0x0000707f, 0x00007063, B, kBranch | kEndsTb)                           \
  X(lb, 0x0000707f, 0x00000003, L, kLoad)                                         \
  X(lh, 0x0000707f, 0x00001003, L, kLoad)                                         \
  X(lw, 0x0000707f, 0x00002003, L, kLoad)                                         \
  X(ld, 0x0000707f, 0x00003003, L, kLoad)                                         \
  X(lbu, 0x0000707f, 0x00004003, L, kLoad)                                        \
  X(lhu, 0x0000707f, 0x00005003, L, kLoad)                                        \
  X(lwu, 0x0000707f, 0x00006003, L, kLoad)                                        \
  X(sb, 0x0000707f, 0x00000023, S, kStore)                                        \
  X(sh, 0x0000707f, 0x00001023, S, kStore)                                        \
  X(sw, 0x0000707f, 0x00002023, S, kStore)                                        \
  X(sd, 0x0000707f, 0x00003023, S, kStore)                                        \
  X(addi, 0x0000707f, 0x00000013, I, 0)                                           \
  X(slti, 0x0000707f, 0x00002013, I, 0)                                           \
  X(sltiu, 0x0000707f, 0x00003013, I, 0)                                          \
  X(xori, 0x0000707f, 0x00004013, I, 0)                                           \
  /* Zicbop: ori x0 with imm[4:0] 0/1/3 (hints; offset = imm[11:5] << 5) */         \
  X(prefetch_i, 0x01f07fff, 0x00006013, I, 0)                                     \
  X(prefetch_r, 0x01f07fff, 0x00106013, I, 0)                                     \
  X(prefetch_w, 0x01f07fff, 0x00306013, I, 0)                                     \
  X(ori, 0x0000707f, 0x00006013, I, 0)                                            \
  X(andi, 0x0000707f, 0x00007013, I, 0)                                           \
  X(slli, 0xfc00707f, 0x00001013, SH, 0)                                          \
  X(srli, 0xfc00707f, 0x00005013, SH, 0)                                          \
  X(srai, 0xfc00707f, 0x40005013, SH, 0)                                          \
  X(add, 0xfe00707f, 0x00000033, R, 0)                                            \
  X(sub, 0xfe00707f, 0x40000033, R, 0)                                            \
  X(sll, 0xfe00707f, 0x00001033, R, 0)                                            \
  X(slt, 0xfe00707f, 0x00002033, R, 0)                                            \
  X(sltu, 0xfe00707f, 0x00003033, R, 0)                                           \
  X(xor_, 0xfe00707f, 0x00004033, R, 0)                                            \
  X(srl, 0xfe00707f, 0x00005033, R, 0)                                            \
  X(sra, 0xfe00707f, 0x40005033, R, 0)                                            \
  X(or_, 0xfe00707f, 0x00006033, R, 0)                                             \
  X(and_, 0xfe00707f, 0x00007033, R, 0)                                            \
  X(addiw, 0x0000707f, 0x0000001b, I, 0)                                          \
  X(slliw, 0xfe00707f, 0x0000101b, SH, 0)                                         \
  X(srliw, 0xfe00707f, 0x0000501b, SH, 0)                                         \
  X(sraiw, 0xfe00707f, 0x4000501b, SH, 0)                                         \
  X(addw, 0xfe00707f, 0x0000003b, R, 0)                                           \
  X(subw, 0xfe00707f, 0x4000003b, R, 0)                                           \
  X(sllw, 0xfe00707f, 0x0000103b, R, 0)                                           \
  X(srlw, 0xfe00707f, 0x0000503b, R, 0)                                           \
  X(sraw, 0xfe00707f, 0x4000503b, R, 0)                                           \
  X(pause, 0xffffffff, 0x0100000f, N, 0) /* Zihintpause: fence w,0 */             \
  X(fence, 0x0000707f, 0x0000000f, FENCE, 0)                                      \
  X(cbo_zero, 0xfff07fff, 0x0040200f, N, 0) /* Zicboz: zero the 64-byte block */ \
  X(fence_i, 0x0000707f, 0x0000100f, N, kEndsTb)                                  \
  X(ecall, 0xffffffff, 0x00000073, N, kSystem | kEndsTb)                          \
  X(ebreak, 0xffffffff, 0x00100073, N, kSystem | kEndsTb)                         \
  /* Zicsr */                                                                     \
  X(csrrw, 0x0000707f, 0x00001073, CSR, kSystem)                                  \
  X(csrrs, 0x0000707f, 0x00002073, CSR, kSystem)                                  \
  X(csrrc, 0x0000707f, 0x00003073, CSR, kSystem)                                  \
  X(csrrwi, 0x0000707f, 0x00005073, CSRI, kSystem)                                \
  X(csrrsi, 0x0000707f, 0x00006073, CSRI, kSystem)                                \
  X(csrrci, 0x0000707f, 0x00007073, CSRI, kSystem)                                \
  /* M */                                                                         \
  X(mul, 0xfe00707f, 0x02000033, R, 0)                                            \
  X(mulh, 0xfe00707f, 0x02001033, R, 0)                                           \
  X(mulhsu, 0xfe00707f, 0x02002033, R, 0)                                         \
  X(mulhu, 0xfe00707f, 0x02003033, R, 0)                                          \
  X(div, 0xfe00707f, 0x02004033, R, 0)                                            \
  X(divu, 0xfe00707f, 0x02005033, R, 0)                                           \
  X(rem, 0xfe00707f, 0x02006033, R, 0)                                            \
  X(remu, 0xfe00707f, 0x02007033, R, 0)                                           \
  X(mulw, 0xfe00707f, 0x0200003b, R, 0)                                           \
  X(divw, 0xfe00707f, 0x0200403b, R, 0)                                           \
  X(divuw, 0xfe00707f, 0x0200503b, R, 0)                                          \
  X(remw, 0xfe00707f, 0x0200603b, R, 0)                                           \
  X(remuw, 0xfe00707f, 0x0200703b, R, 0)                                          \
  /* A */                                                                         \
  X(lr_w, 0xf9f0707f, 0x1000202f, LR, kAmo | kLoad)                               \
  X(sc_w, 0xf800707f, 0x1800202f, A, kAmo | kStore)                               \
  X(amoswap_w, 0xf800707f, 0x0800202f, A, kAmo)                                   \
  X(amoadd_w, 0xf800707f, 0x0000202f, A, kAmo)                                    \
  X(amoxor_w, 0xf800707f, 0x2000202f, A, kAmo)                                    \
  X(amoand_w, 0xf800707f, 0x6000202f, A, kAmo)                                    \
  X(amoor_w, 0xf800707f, 0x4000202f, A, kAmo)                                     \
  X(amomin_w, 0xf800707f, 0x8000202f, A, kAmo)                                    \
  X(amomax_w, 0xf800707f, 0xa000202f, A, kAmo)                                    \
  X(amominu_w, 0xf800707f, 0xc000202f, A, kAmo)                                   \
  X(amomaxu_w, 0xf800707f, 0xe000202f, A, kAmo)                                   \
  X(lr_d, 0xf9f0707f, 0x1000302f, LR, kAmo | kLoad)                               \
  X(sc_d, 0xf800707f, 0x1800302f, A, kAmo | kStore)                               \
  X(amoswap_d, 0xf800707f, 0x0800302f, A, kAmo)                                   \
  X(amoadd_d, 0xf800707f, 0x0000302f, A, kAmo)                                    \
  X(amoxor_d, 0xf800707f, 0x2000302f, A, kAmo)                                    \
  X(amoand_d, 0xf800707f, 0x6000302f, A, kAmo)                                    \
  X(amoor_d, 0xf800707f, 0x4000302f, A, kAmo)                                     \
  X(amomin_d, 0xf800707f, 0x8000302f, A, kAmo)                                    \
  X(amomax_d, 0xf800707f, 0xa000302f, A, kAmo)                                    \
  X(amominu_d, 0xf800707f, 0xc000302f, A, kAmo)                                   \
  X(amomaxu_d, 0xf800707f, 0xe000302f, A, kAmo)                                   \
  /* F */                                                                         \
  X(flw, 0x0000707f, 0x00002007, L, kFd | kLoad)                                  \
  X(fsw, 0x0000707f, 0x00002027, S, kFs2 | kStore)                                \
  X(fmadd_s, 0x0600007f, 0x00000043, FR4, HART_FFF | kFs3)                        \
  X(fmsub_s, 0x0600007f, 0x00000047, FR4, HART_FFF | kFs3)                        \
  X(fnmsub_s, 0x0600007f, 0x0000004b, FR4, HART_FFF | kFs3)                       \
  X(fnmadd_s, 0x0600007f, 0x0000004f, FR4, HART_FFF | kFs3)                       \
  X(fadd_s, 0xfe00007f, 0x00000053, FR, HART_FFF)                                 \
  X(fsub_s, 0xfe00007f, 0x08000053, FR, HART_FFF)                                 \
  X(fmul_s, 0xfe00007f, 0x10000053, FR, HART_FFF)                                 \
  X(fdiv_s, 0xfe00007f, 0x18000053, FR, HART_FFF)                                 \
  X(fsqrt_s, 0xfff0007f, 0x58000053, FR1, kFd | kFs1 | kRm)                       \
  X(fsgnj_s, 0xfe00707f, 0x20000053, FR, kFd | kFs1 | kFs2)                       \
  X(fsgnjn_s, 0xfe00707f, 0x20001053, FR, kFd | kFs1 | kFs2)                      \
  X(fsgnjx_s, 0xfe00707f, 0x20002053, FR, kFd | kFs1 | kFs2)                      \
  X(fmin_s, 0xfe00707f, 0x28000053, FR, kFd | kFs1 | kFs2)                        \
  X(fmax_s, 0xfe00707f, 0x28001053, FR, kFd | kFs1 | kFs2)                        \
  X(fcvt_w_s, 0xfff0007f, 0xc0000053, FR1, kFs1 | kRm)                            \
  X(fcvt_wu_s, 0xfff0007f, 0xc0100053, FR1, kFs1 | kRm)                           \
  X(fcvt_l_s, 0xfff0007f, 0xc0200053, FR1, kFs1 | kRm)                            \
  X(fcvt_lu_s, 0xfff0007f, 0xc0300053, FR1, kFs1 | kRm)                           \
  X(fmv_x_w, 0xfff0707f, 0xe0000053, FR1, kFs1)                                   \
  X(fclass_s, 0xfff0707f, 0xe0001053, FR1, kFs1)                                  \
  X(feq_s, 0xfe00707f, 0xa0002053, FR, kFs1 | kFs2)                               \
  X(flt_s, 0xfe00707f, 0xa0001053, FR, kFs1 | kFs2)                               \
  X(fle_s, 0xfe00707f, 0xa0000053, FR, kFs1 | kFs2)                               \
  X(fcvt_s_w, 0xfff0007f, 0xd0000053, FR1, kFd | kRm)                             \
  X(fcvt_s_wu, 0xfff0007f, 0xd0100053, FR1, kFd | kRm)                            \
  X(fcvt_s_l, 0xfff0007f, 0xd0200053, FR1, kFd | kRm)                             \
  X(fcvt_s_lu, 0xfff0007f, 0xd0300053, FR1, kFd | kRm)                            \
  X(fmv_w_x, 0xfff0707f, 0xf0000053, FR1, kFd)                                    \
  /* D */                                                                         \
  X(fld, 0x0000707f, 0x00003007, L, kFd | kLoad)                                  \
  X(fsd, 0x0000707f, 0x00003027, S, kFs2 | kStore)                                \
  X(fmadd_d, 0x0600007f, 0x02000043, FR4, HART_FFF | kFs3)                        \
  X(fmsub_d, 0x0600007f, 0x02000047, FR4, HART_FFF | kFs3)                        \
  X(fnmsub_d, 0x0600007f, 0x0200004b, FR4, HART_FFF | kFs3)                       \
  X(fnmadd_d, 0x0600007f, 0x0200004f, FR4, HART_FFF | kFs3)                       \
  X(fadd_d, 0xfe00007f, 0x02000053, FR, HART_FFF)                                 \
  X(fsub_d, 0xfe00007f, 0x0a000053, FR, HART_FFF)                                 \
  X(fmul_d, 0xfe00007f, 0x12000053, FR, HART_FFF)                                 \
  X(fdiv_d, 0xfe00007f, 0x1a000053, FR, HART_FFF)                                 \
  X(fsqrt_d, 0xfff0007f, 0x5a000053, FR1, kFd | kFs1 | kRm)                       \
  X(fsgnj_d, 0xfe00707f, 0x22000053, FR, kFd | kFs1 | kFs2)                       \
  X(fsgnjn_d, 0xfe00707f, 0x22001053, FR, kFd | kFs1 | kFs2)                      \
  X(fsgnjx_d, 0xfe00707f, 0x22002053, FR, kFd | kFs1 | kFs2)                      \
  X(fmin_d, 0xfe00707f, 0x2a000053, FR, kFd | kFs1 | kFs2)                        \
  X(fmax_d, 0xfe00707f, 0x2a001053, FR, kFd | kFs1 | kFs2)                        \
  X(fcvt_s_d, 0xfff0007f, 0x40100053, FR1, kFd | kFs1 | kRm)                      \
  X(fcvt_d_s, 0xfff0007f, 0x42000053, FR1, kFd | kFs1 | kRm)                      \
  X(feq_d, 0xfe00707f, 0xa2002053, FR, kFs1 | kFs2)                               \
  X(flt_d, 0xfe00707f, 0xa2001053, FR, kFs1 | kFs2)                               \
  X(fle_d, 0xfe00707f, 0xa2000053, FR, kFs1 | kFs2)                               \
  X(fclass_d, 0xfff0707f, 0xe2001053, FR1, kFs1)                                  \
  X(fcvt_w_d, 0xfff0007f, 0xc2000053, FR1, kFs1 | kRm)                            \
  X(fcvt_wu_d, 0xfff0007f, 0xc2100053, FR1, kFs1 | kRm)                           \
  X(fcvt_l_d, 0xfff0007f, 0xc2200053, FR1, kFs1 | kRm)                            \
  X(fcvt_lu_d, 0xfff0007f, 0xc2300053, FR1, kFs1 | kRm)                           \
  X(fcvt_d_w, 0xfff0007f, 0xd2000053, FR1, kFd | kRm)                             \
  X(fcvt_d_wu, 0xfff0007f, 0xd2100053, FR1, kFd | kRm)                            \
  X(fcvt_d_l, 0xfff0007f, 0xd2200053, FR1, kFd | kRm)                             \
  X(fcvt_d_lu, 0xfff0007f, 0xd2300053, FR1, kFd | kRm)                            \
  X(fmv_x_d, 0xfff0707f, 0xe2000053, FR1, kFs1)                                   \
  X(fmv_d_x, 0xfff0707f, 0xf2000053, FR1, kFd)                                    \
  /* Zba (zext.w is add.uw rd,rs1,zero) */                                        \
  X(add_uw, 0xfe00707f, 0x0800003b, R, 0)                                         \
  X(sh1add, 0xfe00707f, 0x20002033, R, 0)                                         \
  X(sh2add, 0xfe00707f, 0x20004033, R, 0)                                         \
  X(sh3add, 0xfe00707f, 0x20006033, R, 0)                                         \
  X(sh1add_uw, 0xfe00707f, 0x2000203b, R, 0)                                      \
  X(sh2add_uw, 0xfe00707f, 0x2000403b, R, 0)                                      \
  X(sh3add_uw, 0xfe00707f, 0x2000603b, R, 0)                                      \
  X(slli_uw, 0xfc00707f, 0x0800101b, SH, 0)                                       \
  /* Zbb */                                                                       \
  X(andn, 0xfe00707f, 0x40007033, R, 0)                                           \
  X(orn, 0xfe00707f, 0x40006033, R, 0)                                            \
  X(xnor, 0xfe00707f, 0x40004033, R, 0)                                           \
  X(clz, 0xfff0707f, 0x60001013, R1, 0)                                           \
  X(clzw, 0xfff0707f, 0x6000101b, R1, 0)                                          \
  X(ctz, 0xfff0707f, 0x60101013, R1, 0)                                           \
  X(ctzw, 0xfff0707f, 0x6010101b, R1, 0)                                          \
  X(cpop, 0xfff0707f, 0x60201013, R1, 0)                                          \
  X(cpopw, 0xfff0707f, 0x6020101b, R1, 0)                                         \
  X(max, 0xfe00707f, 0x0a006033, R, 0)                                            \
  X(maxu, 0xfe00707f, 0x0a007033, R, 0)                                           \
  X(min, 0xfe00707f, 0x0a004033, R, 0)                                            \
  X(minu, 0xfe00707f, 0x0a005033, R, 0)                                           \
  X(sext_b, 0xfff0707f, 0x60401013, R1, 0)                                        \
  X(sext_h, 0xfff0707f, 0x60501013, R1, 0)                                        \
  X(zext_h, 0xfff0707f, 0x0800403b, R1, 0)                                        \
  X(rol, 0xfe00707f, 0x60001033, R, 0)                                            \
  X(rolw, 0xfe00707f, 0x6000103b, R, 0)                                           \
  X(ror, 0xfe00707f, 0x60005033, R, 0)                                            \
  X(rori, 0xfc00707f, 0x60005013, SH, 0)                                          \
  X(roriw, 0xfe00707f, 0x6000501b, SH, 0)                                         \
  X(rorw, 0xfe00707f, 0x6000503b, R, 0)                                           \
  X(orc_b, 0xfff0707f, 0x28705013, R1, 0)                                         \
  X(rev8, 0xfff0707f, 0x6b805013, R1, 0)                                          \
  /* Zbs */                                                                       \
  X(bclr, 0xfe00707f, 0x48001033, R, 0)                                           \
  X(bclri, 0xfc00707f, 0x48001013, SH, 0)                                         \
  X(bext, 0xfe00707f, 0x48005033, R, 0)                                           \
  X(bexti, 0xfc00707f, 0x48005013, SH, 0)                                         \
  X(binv, 0xfe00707f, 0x68001033, R, 0)                                           \
  X(binvi, 0xfc00707f, 0x68001013, SH, 0)                                         \
  X(bset, 0xfe00707f, 0x28001033, R, 0)                                           \
  X(bseti, 0xfc00707f, 0x28001013, SH, 0)                                         \
  /* Zbc */                                                                       \
  X(clmul, 0xfe00707f, 0x0a001033, R, 0)                                          \
  X(clmulh, 0xfe00707f, 0x0a003033, R, 0)                                         \
  X(clmulr, 0xfe00707f, 0x0a002033, R, 0)                                         \
  /* Zicond */                                                                    \
  X(czero_eqz, 0xfe00707f, 0x0e005033, R, 0)                                      \
  X(czero_nez, 0xfe00707f, 0x0e007033, R, 0)                                      \
  /* Zawrs: may return at once (treated as pause) */                              \
  X(wrs_nto, 0xffffffff, 0x00d00073, N, 0)                                        \
  X(wrs_sto, 0xffffffff, 0x01d00073, N, 0)                                        \
  /* Zimop: mop.r.N (N = bits 30,27:26,21:20), mop.rr.N (N = bits 30,27:26); */   \
  /* both write 0 to rd */                                                        \
  X(mop_r, 0xb3c0707f, 0x81c04073, R1, 0)                                         \
  X(mop_rr, 0xb200707f, 0x82004073, R, 0)                                         \
  HART_INSN_TABLE_RVA23_SCALAR(X)

// RVA23 scalar extensions beyond the above, one group each (kept apart from
// the V rows so that the two grow independently).
#define HART_INSN_TABLE_RVA23_SCALAR(X)                                           \
  /* Zfhmin: half-precision loads/stores, moves, conversions to/from S and D */  \
  X(flh, 0x0000707f, 0x00001007, L, kFd | kLoad)                                  \
  X(fsh, 0x0000707f, 0x00001027, S, kFs2 | kStore)                                \
  X(fmv_x_h, 0xfff0707f, 0xe4000053, FR1, kFs1)                                   \
  X(fmv_h_x, 0xfff0707f, 0xf4000053, FR1, kFd)                                    \
  X(fcvt_s_h, 0xfff0007f, 0x40200053, FR1, kFd | kFs1 | kRm)                      \
  X(fcvt_h_s, 0xfff0007f, 0x44000053, FR1, kFd | kFs1 | kRm)                      \
  X(fcvt_d_h, 0xfff0007f, 0x42200053, FR1, kFd | kFs1 | kRm)                      \
  X(fcvt_h_d, 0xfff0007f, 0x44100053, FR1, kFd | kFs1 | kRm)                      \
  /* Zfh: half-precision arithmetic, compares, class, integer conversions */     \
  X(fmadd_h, 0x0600007f, 0x04000043, FR4, HART_FFF | kFs3)                        \
  X(fmsub_h, 0x0600007f, 0x04000047, FR4, HART_FFF | kFs3)                        \
  X(fnmsub_h, 0x0600007f, 0x0400004b, FR4, HART_FFF | kFs3)                       \
  X(fnmadd_h, 0x0600007f, 0x0400004f, FR4, HART_FFF | kFs3)                       \
  X(fadd_h, 0xfe00007f, 0x04000053, FR, HART_FFF)                                 \
  X(fsub_h, 0xfe00007f, 0x0c000053, FR, HART_FFF)                                 \
  X(fmul_h, 0xfe00007f, 0x14000053, FR, HART_FFF)                                 \
  X(fdiv_h, 0xfe00007f, 0x1c000053, FR, HART_FFF)                                 \
  X(fsqrt_h, 0xfff0007f, 0x5c000053, FR1, kFd | kFs1 | kRm)                       \
  X(fsgnj_h, 0xfe00707f, 0x24000053, FR, kFd | kFs1 | kFs2)                       \
  X(fsgnjn_h, 0xfe00707f, 0x24001053, FR, kFd | kFs1 | kFs2)                      \
  X(fsgnjx_h, 0xfe00707f, 0x24002053, FR, kFd | kFs1 | kFs2)                      \
  X(fmin_h, 0xfe00707f, 0x2c000053, FR, kFd | kFs1 | kFs2)                        \
  X(fmax_h, 0xfe00707f, 0x2c001053, FR, kFd | kFs1 | kFs2)                        \
  X(feq_h, 0xfe00707f, 0xa4002053, FR, kFs1 | kFs2)                               \
  X(flt_h, 0xfe00707f, 0xa4001053, FR, kFs1 | kFs2)                               \
  X(fle_h, 0xfe00707f, 0xa4000053, FR, kFs1 | kFs2)                               \
  X(fclass_h, 0xfff0707f, 0xe4001053, FR1, kFs1)                                  \
  X(fcvt_w_h, 0xfff0007f, 0xc4000053, FR1, kFs1 | kRm)                            \
  X(fcvt_wu_h, 0xfff0007f, 0xc4100053, FR1, kFs1 | kRm)                           \
  X(fcvt_l_h, 0xfff0007f, 0xc4200053, FR1, kFs1 | kRm)                            \
  X(fcvt_lu_h, 0xfff0007f, 0xc4300053, FR1, kFs1 | kRm)                           \
  X(fcvt_h_w, 0xfff0007f, 0xd4000053, FR1, kFd | kRm)                             \
  X(fcvt_h_wu, 0xfff0007f, 0xd4100053, FR1, kFd | kRm)                            \
  X(fcvt_h_l, 0xfff0007f, 0xd4200053, FR1, kFd | kRm)                             \
  X(fcvt_h_lu, 0xfff0007f, 0xd4300053, FR1, kFd | kRm)                            \
  /* Zfa (RV64: fmvh.x.d/fmvp.d.x are RV32-only and stay reserved) */            \
  X(fli_s, 0xfff0707f, 0xf0100053, FR1, kFd)                                      \
  X(fli_d, 0xfff0707f, 0xf2100053, FR1, kFd)                                      \
  X(fli_h, 0xfff0707f, 0xf4100053, FR1, kFd)                                      \
  X(fminm_s, 0xfe00707f, 0x28002053, FR, kFd | kFs1 | kFs2)                       \
  X(fmaxm_s, 0xfe00707f, 0x28003053, FR, kFd | kFs1 | kFs2)                       \
  X(fminm_d, 0xfe00707f, 0x2a002053, FR, kFd | kFs1 | kFs2)                       \
  X(fmaxm_d, 0xfe00707f, 0x2a003053, FR, kFd | kFs1 | kFs2)                       \
  X(fminm_h, 0xfe00707f, 0x2c002053, FR, kFd | kFs1 | kFs2)                       \
  X(fmaxm_h, 0xfe00707f, 0x2c003053, FR, kFd | kFs1 | kFs2)                       \
  X(fround_s, 0xfff0007f, 0x40400053, FR1, kFd | kFs1 | kRm)                      \
  X(froundnx_s, 0xfff0007f, 0x40500053, FR1, kFd | kFs1 | kRm)                    \
  X(fround_d, 0xfff0007f, 0x42400053, FR1, kFd | kFs1 | kRm)                      \
  X(froundnx_d, 0xfff0007f, 0x42500053, FR1, kFd | kFs1 | kRm)                    \
  X(fround_h, 0xfff0007f, 0x44400053, FR1, kFd | kFs1 | kRm)                      \
  X(froundnx_h, 0xfff0007f, 0x44500053, FR1, kFd | kFs1 | kRm)                    \
  X(fcvtmod_w_d, 0xfff0707f, 0xc2801053, FR1, kFs1 | kRm) /* rm field: rtz only */ \
  X(fleq_s, 0xfe00707f, 0xa0004053, FR, kFs1 | kFs2)                              \
  X(fltq_s, 0xfe00707f, 0xa0005053, FR, kFs1 | kFs2)                              \
  X(fleq_d, 0xfe00707f, 0xa2004053, FR, kFs1 | kFs2)                              \
  X(fltq_d, 0xfe00707f, 0xa2005053, FR, kFs1 | kFs2)                              \
  X(fleq_h, 0xfe00707f, 0xa4004053, FR, kFs1 | kFs2)                              \
  X(fltq_h, 0xfe00707f, 0xa4005053, FR, kFs1 | kFs2)                              \
  /* Zicbom (cbo.inval stays illegal in user mode, as Linux leaves it) */         \
  X(cbo_inval, 0xfff07fff, 0x0000200f, N, 0)                                      \
  X(cbo_clean, 0xfff07fff, 0x0010200f, N, 0)                                      \
  X(cbo_flush, 0xfff07fff, 0x0020200f, N, 0)                                      \
  /* Zacas (amocas.q: rd and rs2 are even register pairs) */                      \
  X(amocas_w, 0xf800707f, 0x2800202f, A, kAmo)                                    \
  X(amocas_d, 0xf800707f, 0x2800302f, A, kAmo)                                    \
  X(amocas_q, 0xf800707f, 0x2800402f, A, kAmo)                                    \
  /* Zabha: byte and halfword AMOs (amocas.b/h with Zacas) */                     \
  X(amoswap_b, 0xf800707f, 0x0800002f, A, kAmo)                                   \
  X(amoadd_b, 0xf800707f, 0x0000002f, A, kAmo)                                    \
  X(amoxor_b, 0xf800707f, 0x2000002f, A, kAmo)                                    \
  X(amoand_b, 0xf800707f, 0x6000002f, A, kAmo)                                    \
  X(amoor_b, 0xf800707f, 0x4000002f, A, kAmo)                                     \
  X(amomin_b, 0xf800707f, 0x8000002f, A, kAmo)                                    \
  X(amomax_b, 0xf800707f, 0xa000002f, A, kAmo)                                    \
  X(amominu_b, 0xf800707f, 0xc000002f, A, kAmo)                                   \
  X(amomaxu_b, 0xf800707f, 0xe000002f, A, kAmo)                                   \
  X(amocas_b, 0xf800707f, 0x2800002f, A, kAmo)                                    \
  X(amoswap_h, 0xf800707f, 0x0800102f, A, kAmo)                                   \
  X(amoadd_h, 0xf800707f, 0x0000102f, A, kAmo)                                    \
  X(amoxor_h, 0xf800707f, 0x2000102f, A, kAmo)                                    \
  X(amoand_h, 0xf800707f, 0x6000102f, A, kAmo)                                    \
  X(amoor_h, 0xf800707f, 0x4000102f, A, kAmo)                                     \
  X(amomin_h, 0xf800707f, 0x8000102f, A, kAmo)                                    \
  X(amomax_h, 0xf800707f, 0xa000102f, A, kAmo)                                    \
  X(amominu_h, 0xf800707f, 0xc000102f, A, kAmo)                                   \
  X(amomaxu_h, 0xf800707f, 0xe000102f, A, kAmo)                                   \
  X(amocas_h, 0xf800707f, 0x2800102f, A, kAmo)

enum class Opcode : uint16_t {
#define X(name, mask, match, fmt, flags) name,
  HART_INSN_TABLE(X)
  HART_INSN_TABLE_V(X)
  HART_INSN_TABLE_VK(X)
#undef X
  illegal,
  count
};

struct InsnInfo {
  const char* name;  // table name ("fadd_s"); insn_mnemonic() gives "fadd.s"
  uint32_t mask, match;
  InsnFormat format;
  uint32_t flags;
};

// Indexed by Opcode.
extern const InsnInfo kInsnInfo[static_cast<int>(Opcode::count)];
inline const InsnInfo& insn_info(Opcode op) { return kInsnInfo[static_cast<int>(op)]; }
// The spec mnemonic: "fadd.s", "lr.w", "fence.i".
const char* insn_mnemonic(Opcode op);

}  // namespace hart
