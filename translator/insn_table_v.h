// translator/insn_table_v.h — the V 1.0 rows of THE instruction table
// (insn_table.h appends HART_INSN_TABLE_V to HART_INSN_TABLE; one Opcode
// enum, one decoder, one disassembler). Kept in its own file so the scalar
// table and this one grow independently.
// Layout (RISC-V V spec 1.0, "Vector Instruction Formats"): OP-V (0x57)
// holds the arithmetic, funct3 picking the operand category — OPIVV 0,
// OPFVV 1, OPMVV 2, OPIVI 3, OPIVX 4, OPFVF 5, OPMVX 6, OPCFG 7 — and funct6
// (bits 31:26) the operation; vm (bit 25) is 0 for a v0-masked instruction.
// Loads and stores live in LOAD-FP/STORE-FP with width 0/5/6/7 (EEW
// 8/16/32/64), mop (27:26) unit-stride/indexed-unordered/strided/
// indexed-ordered, lumop/sumop (24:20) plain/whole-register/mask/fault-
// only-first, nf (31:29) the segment field count minus one (an operand of
// the unit-stride, strided and indexed rows: the disassembler names nf > 0
// the segment form, vlseg3e16.v; the whole-register rows fix nf).
// Formats (operand text as binutils/qemu print it; ",v0.t" when vm=0):
//   VSETVLI rd,rs1,vtypei  VSETIVLI rd,uimm,vtypei
//   VL vd,(rs1)  VLS vd,(rs1),rs2  VLX vd,(rs1),vs2   (stores: vs3 in vd)
//   VV vd,vs2,vs1  VX vd,vs2,rs1|fs1  VI vd,vs2,imm
//   VVR vd,vs1,vs2  VXR vd,rs1|fs1,vs2   (multiply-add order)
//   VVM vd,vs2,vs1,v0  VXM vd,vs2,rs1|fs1,v0  VIM vd,vs2,imm,v0 (vm=0 fixed)
//   V2 vd,vs2 (unary)  VD vd  XV rd|fd,vs2  V1V vd,vs1  V1X vd,rs1|fs1  V1I vd,imm
// Flags: kVector on every row; kFs1 when the scalar operand is an f
// register, kFd for vfmv.f.s; kVUimm when the 5-bit immediate is unsigned
// (shifts, slides, vrgather.vi, narrowing clips); otherwise it is simm5.
#pragma once

// X(name, mask, match, format, flags)
#define HART_INSN_TABLE_V(X)                                                            \
  /* configuration (OPCFG): vsetvl is R-format */                                     \
  X(vsetvli, 0x8000707f, 0x00007057, VSETVLI, kVector)                                \
  X(vsetivli, 0xc000707f, 0xc0007057, VSETIVLI, kVector)                              \
  X(vsetvl, 0xfe00707f, 0x80007057, R, kVector)                                       \
  /* loads (LOAD-FP, width 0/5/6/7 = EEW 8/16/32/64); nf (bits 31:29) is an */        \
  /* operand of the unit-stride, strided and indexed rows: nf > 0 is the segment form */\
  X(vle8_v, 0x1df0707f, 0x00000007, VL, kVector)                                      \
  X(vle16_v, 0x1df0707f, 0x00005007, VL, kVector)                                     \
  X(vle32_v, 0x1df0707f, 0x00006007, VL, kVector)                                     \
  X(vle64_v, 0x1df0707f, 0x00007007, VL, kVector)                                     \
  X(vle8ff_v, 0x1df0707f, 0x01000007, VL, kVector)                                    \
  X(vle16ff_v, 0x1df0707f, 0x01005007, VL, kVector)                                   \
  X(vle32ff_v, 0x1df0707f, 0x01006007, VL, kVector)                                   \
  X(vle64ff_v, 0x1df0707f, 0x01007007, VL, kVector)                                   \
  X(vlse8_v, 0x1c00707f, 0x08000007, VLS, kVector)                                    \
  X(vlse16_v, 0x1c00707f, 0x08005007, VLS, kVector)                                   \
  X(vlse32_v, 0x1c00707f, 0x08006007, VLS, kVector)                                   \
  X(vlse64_v, 0x1c00707f, 0x08007007, VLS, kVector)                                   \
  X(vluxei8_v, 0x1c00707f, 0x04000007, VLX, kVector)                                  \
  X(vluxei16_v, 0x1c00707f, 0x04005007, VLX, kVector)                                 \
  X(vluxei32_v, 0x1c00707f, 0x04006007, VLX, kVector)                                 \
  X(vluxei64_v, 0x1c00707f, 0x04007007, VLX, kVector)                                 \
  X(vloxei8_v, 0x1c00707f, 0x0c000007, VLX, kVector)                                  \
  X(vloxei16_v, 0x1c00707f, 0x0c005007, VLX, kVector)                                 \
  X(vloxei32_v, 0x1c00707f, 0x0c006007, VLX, kVector)                                 \
  X(vloxei64_v, 0x1c00707f, 0x0c007007, VLX, kVector)                                 \
  /* whole-register loads: nf+1 registers (1, 2, 4, 8), vm=1 */                       \
  X(vl1re8_v, 0xfff0707f, 0x02800007, VL, kVector)                                    \
  X(vl1re16_v, 0xfff0707f, 0x02805007, VL, kVector)                                   \
  X(vl1re32_v, 0xfff0707f, 0x02806007, VL, kVector)                                   \
  X(vl1re64_v, 0xfff0707f, 0x02807007, VL, kVector)                                   \
  X(vl2re8_v, 0xfff0707f, 0x22800007, VL, kVector)                                    \
  X(vl2re16_v, 0xfff0707f, 0x22805007, VL, kVector)                                   \
  X(vl2re32_v, 0xfff0707f, 0x22806007, VL, kVector)                                   \
  X(vl2re64_v, 0xfff0707f, 0x22807007, VL, kVector)                                   \
  X(vl4re8_v, 0xfff0707f, 0x62800007, VL, kVector)                                    \
  X(vl4re16_v, 0xfff0707f, 0x62805007, VL, kVector)                                   \
  X(vl4re32_v, 0xfff0707f, 0x62806007, VL, kVector)                                   \
  X(vl4re64_v, 0xfff0707f, 0x62807007, VL, kVector)                                   \
  X(vl8re8_v, 0xfff0707f, 0xe2800007, VL, kVector)                                    \
  X(vl8re16_v, 0xfff0707f, 0xe2805007, VL, kVector)                                   \
  X(vl8re32_v, 0xfff0707f, 0xe2806007, VL, kVector)                                   \
  X(vl8re64_v, 0xfff0707f, 0xe2807007, VL, kVector)                                   \
  X(vlm_v, 0xfff0707f, 0x02b00007, VL, kVector)                                       \
  /* stores (STORE-FP), same layout; vd is vs3 */                                     \
  X(vse8_v, 0x1df0707f, 0x00000027, VL, kVector)                                      \
  X(vse16_v, 0x1df0707f, 0x00005027, VL, kVector)                                     \
  X(vse32_v, 0x1df0707f, 0x00006027, VL, kVector)                                     \
  X(vse64_v, 0x1df0707f, 0x00007027, VL, kVector)                                     \
  X(vsse8_v, 0x1c00707f, 0x08000027, VLS, kVector)                                    \
  X(vsse16_v, 0x1c00707f, 0x08005027, VLS, kVector)                                   \
  X(vsse32_v, 0x1c00707f, 0x08006027, VLS, kVector)                                   \
  X(vsse64_v, 0x1c00707f, 0x08007027, VLS, kVector)                                   \
  X(vsuxei8_v, 0x1c00707f, 0x04000027, VLX, kVector)                                  \
  X(vsuxei16_v, 0x1c00707f, 0x04005027, VLX, kVector)                                 \
  X(vsuxei32_v, 0x1c00707f, 0x04006027, VLX, kVector)                                 \
  X(vsuxei64_v, 0x1c00707f, 0x04007027, VLX, kVector)                                 \
  X(vsoxei8_v, 0x1c00707f, 0x0c000027, VLX, kVector)                                  \
  X(vsoxei16_v, 0x1c00707f, 0x0c005027, VLX, kVector)                                 \
  X(vsoxei32_v, 0x1c00707f, 0x0c006027, VLX, kVector)                                 \
  X(vsoxei64_v, 0x1c00707f, 0x0c007027, VLX, kVector)                                 \
  X(vs1r_v, 0xfff0707f, 0x02800027, VL, kVector)                                      \
  X(vs2r_v, 0xfff0707f, 0x22800027, VL, kVector)                                      \
  X(vs4r_v, 0xfff0707f, 0x62800027, VL, kVector)                                      \
  X(vs8r_v, 0xfff0707f, 0xe2800027, VL, kVector)                                      \
  X(vsm_v, 0xfff0707f, 0x02b00027, VL, kVector)                                       \
  /* OPIVV / OPIVX / OPIVI */                                                         \
  X(vadd_vv, 0xfc00707f, 0x00000057, VV, kVector)                                     \
  X(vadd_vx, 0xfc00707f, 0x00004057, VX, kVector)                                     \
  X(vadd_vi, 0xfc00707f, 0x00003057, VI, kVector)                                     \
  X(vsub_vv, 0xfc00707f, 0x08000057, VV, kVector)                                     \
  X(vsub_vx, 0xfc00707f, 0x08004057, VX, kVector)                                     \
  X(vrsub_vx, 0xfc00707f, 0x0c004057, VX, kVector)                                    \
  X(vrsub_vi, 0xfc00707f, 0x0c003057, VI, kVector)                                    \
  X(vminu_vv, 0xfc00707f, 0x10000057, VV, kVector)                                    \
  X(vminu_vx, 0xfc00707f, 0x10004057, VX, kVector)                                    \
  X(vmin_vv, 0xfc00707f, 0x14000057, VV, kVector)                                     \
  X(vmin_vx, 0xfc00707f, 0x14004057, VX, kVector)                                     \
  X(vmaxu_vv, 0xfc00707f, 0x18000057, VV, kVector)                                    \
  X(vmaxu_vx, 0xfc00707f, 0x18004057, VX, kVector)                                    \
  X(vmax_vv, 0xfc00707f, 0x1c000057, VV, kVector)                                     \
  X(vmax_vx, 0xfc00707f, 0x1c004057, VX, kVector)                                     \
  X(vand_vv, 0xfc00707f, 0x24000057, VV, kVector)                                     \
  X(vand_vx, 0xfc00707f, 0x24004057, VX, kVector)                                     \
  X(vand_vi, 0xfc00707f, 0x24003057, VI, kVector)                                     \
  X(vor_vv, 0xfc00707f, 0x28000057, VV, kVector)                                      \
  X(vor_vx, 0xfc00707f, 0x28004057, VX, kVector)                                      \
  X(vor_vi, 0xfc00707f, 0x28003057, VI, kVector)                                      \
  X(vxor_vv, 0xfc00707f, 0x2c000057, VV, kVector)                                     \
  X(vxor_vx, 0xfc00707f, 0x2c004057, VX, kVector)                                     \
  X(vxor_vi, 0xfc00707f, 0x2c003057, VI, kVector)                                     \
  X(vrgather_vv, 0xfc00707f, 0x30000057, VV, kVector)                                 \
  X(vrgather_vx, 0xfc00707f, 0x30004057, VX, kVector)                                 \
  X(vrgather_vi, 0xfc00707f, 0x30003057, VI, kVector | kVUimm)                        \
  X(vrgatherei16_vv, 0xfc00707f, 0x38000057, VV, kVector)                             \
  X(vslideup_vx, 0xfc00707f, 0x38004057, VX, kVector)                                 \
  X(vslideup_vi, 0xfc00707f, 0x38003057, VI, kVector | kVUimm)                        \
  X(vslidedown_vx, 0xfc00707f, 0x3c004057, VX, kVector)                               \
  X(vslidedown_vi, 0xfc00707f, 0x3c003057, VI, kVector | kVUimm)                      \
  X(vadc_vvm, 0xfe00707f, 0x40000057, VVM, kVector)                                   \
  X(vadc_vxm, 0xfe00707f, 0x40004057, VXM, kVector)                                   \
  X(vadc_vim, 0xfe00707f, 0x40003057, VIM, kVector)                                   \
  X(vsbc_vvm, 0xfe00707f, 0x48000057, VVM, kVector)                                   \
  X(vsbc_vxm, 0xfe00707f, 0x48004057, VXM, kVector)                                   \
  X(vmadc_vvm, 0xfe00707f, 0x44000057, VVM, kVector)                                  \
  X(vmadc_vv, 0xfe00707f, 0x46000057, VV, kVector)                                    \
  X(vmadc_vxm, 0xfe00707f, 0x44004057, VXM, kVector)                                  \
  X(vmadc_vx, 0xfe00707f, 0x46004057, VX, kVector)                                    \
  X(vmadc_vim, 0xfe00707f, 0x44003057, VIM, kVector)                                  \
  X(vmadc_vi, 0xfe00707f, 0x46003057, VI, kVector)                                    \
  X(vmsbc_vvm, 0xfe00707f, 0x4c000057, VVM, kVector)                                  \
  X(vmsbc_vv, 0xfe00707f, 0x4e000057, VV, kVector)                                    \
  X(vmsbc_vxm, 0xfe00707f, 0x4c004057, VXM, kVector)                                  \
  X(vmsbc_vx, 0xfe00707f, 0x4e004057, VX, kVector)                                    \
  X(vmerge_vvm, 0xfe00707f, 0x5c000057, VVM, kVector)                                 \
  X(vmv_v_v, 0xfff0707f, 0x5e000057, V1V, kVector)                                    \
  X(vmerge_vxm, 0xfe00707f, 0x5c004057, VXM, kVector)                                 \
  X(vmv_v_x, 0xfff0707f, 0x5e004057, V1X, kVector)                                    \
  X(vmerge_vim, 0xfe00707f, 0x5c003057, VIM, kVector)                                 \
  X(vmv_v_i, 0xfff0707f, 0x5e003057, V1I, kVector)                                    \
  X(vmseq_vv, 0xfc00707f, 0x60000057, VV, kVector)                                    \
  X(vmseq_vx, 0xfc00707f, 0x60004057, VX, kVector)                                    \
  X(vmseq_vi, 0xfc00707f, 0x60003057, VI, kVector)                                    \
  X(vmsne_vv, 0xfc00707f, 0x64000057, VV, kVector)                                    \
  X(vmsne_vx, 0xfc00707f, 0x64004057, VX, kVector)                                    \
  X(vmsne_vi, 0xfc00707f, 0x64003057, VI, kVector)                                    \
  X(vmsltu_vv, 0xfc00707f, 0x68000057, VV, kVector)                                   \
  X(vmsltu_vx, 0xfc00707f, 0x68004057, VX, kVector)                                   \
  X(vmslt_vv, 0xfc00707f, 0x6c000057, VV, kVector)                                    \
  X(vmslt_vx, 0xfc00707f, 0x6c004057, VX, kVector)                                    \
  X(vmsleu_vv, 0xfc00707f, 0x70000057, VV, kVector)                                   \
  X(vmsleu_vx, 0xfc00707f, 0x70004057, VX, kVector)                                   \
  X(vmsleu_vi, 0xfc00707f, 0x70003057, VI, kVector)                                   \
  X(vmsle_vv, 0xfc00707f, 0x74000057, VV, kVector)                                    \
  X(vmsle_vx, 0xfc00707f, 0x74004057, VX, kVector)                                    \
  X(vmsle_vi, 0xfc00707f, 0x74003057, VI, kVector)                                    \
  X(vmsgtu_vx, 0xfc00707f, 0x78004057, VX, kVector)                                   \
  X(vmsgtu_vi, 0xfc00707f, 0x78003057, VI, kVector)                                   \
  X(vmsgt_vx, 0xfc00707f, 0x7c004057, VX, kVector)                                    \
  X(vmsgt_vi, 0xfc00707f, 0x7c003057, VI, kVector)                                    \
  X(vsaddu_vv, 0xfc00707f, 0x80000057, VV, kVector)                                   \
  X(vsaddu_vx, 0xfc00707f, 0x80004057, VX, kVector)                                   \
  X(vsaddu_vi, 0xfc00707f, 0x80003057, VI, kVector)                                   \
  X(vsadd_vv, 0xfc00707f, 0x84000057, VV, kVector)                                    \
  X(vsadd_vx, 0xfc00707f, 0x84004057, VX, kVector)                                    \
  X(vsadd_vi, 0xfc00707f, 0x84003057, VI, kVector)                                    \
  X(vssubu_vv, 0xfc00707f, 0x88000057, VV, kVector)                                   \
  X(vssubu_vx, 0xfc00707f, 0x88004057, VX, kVector)                                   \
  X(vssub_vv, 0xfc00707f, 0x8c000057, VV, kVector)                                    \
  X(vssub_vx, 0xfc00707f, 0x8c004057, VX, kVector)                                    \
  X(vsll_vv, 0xfc00707f, 0x94000057, VV, kVector)                                     \
  X(vsll_vx, 0xfc00707f, 0x94004057, VX, kVector)                                     \
  X(vsll_vi, 0xfc00707f, 0x94003057, VI, kVector | kVUimm)                            \
  X(vsmul_vv, 0xfc00707f, 0x9c000057, VV, kVector)                                    \
  X(vsmul_vx, 0xfc00707f, 0x9c004057, VX, kVector)                                    \
  X(vmv1r_v, 0xfe0ff07f, 0x9e003057, V2, kVector)                                     \
  X(vmv2r_v, 0xfe0ff07f, 0x9e00b057, V2, kVector)                                     \
  X(vmv4r_v, 0xfe0ff07f, 0x9e01b057, V2, kVector)                                     \
  X(vmv8r_v, 0xfe0ff07f, 0x9e03b057, V2, kVector)                                     \
  X(vsrl_vv, 0xfc00707f, 0xa0000057, VV, kVector)                                     \
  X(vsrl_vx, 0xfc00707f, 0xa0004057, VX, kVector)                                     \
  X(vsrl_vi, 0xfc00707f, 0xa0003057, VI, kVector | kVUimm)                            \
  X(vsra_vv, 0xfc00707f, 0xa4000057, VV, kVector)                                     \
  X(vsra_vx, 0xfc00707f, 0xa4004057, VX, kVector)                                     \
  X(vsra_vi, 0xfc00707f, 0xa4003057, VI, kVector | kVUimm)                            \
  X(vssrl_vv, 0xfc00707f, 0xa8000057, VV, kVector)                                    \
  X(vssrl_vx, 0xfc00707f, 0xa8004057, VX, kVector)                                    \
  X(vssrl_vi, 0xfc00707f, 0xa8003057, VI, kVector | kVUimm)                           \
  X(vssra_vv, 0xfc00707f, 0xac000057, VV, kVector)                                    \
  X(vssra_vx, 0xfc00707f, 0xac004057, VX, kVector)                                    \
  X(vssra_vi, 0xfc00707f, 0xac003057, VI, kVector | kVUimm)                           \
  X(vnsrl_wv, 0xfc00707f, 0xb0000057, VV, kVector)                                    \
  X(vnsrl_wx, 0xfc00707f, 0xb0004057, VX, kVector)                                    \
  X(vnsrl_wi, 0xfc00707f, 0xb0003057, VI, kVector | kVUimm)                           \
  X(vnsra_wv, 0xfc00707f, 0xb4000057, VV, kVector)                                    \
  X(vnsra_wx, 0xfc00707f, 0xb4004057, VX, kVector)                                    \
  X(vnsra_wi, 0xfc00707f, 0xb4003057, VI, kVector | kVUimm)                           \
  X(vnclipu_wv, 0xfc00707f, 0xb8000057, VV, kVector)                                  \
  X(vnclipu_wx, 0xfc00707f, 0xb8004057, VX, kVector)                                  \
  X(vnclipu_wi, 0xfc00707f, 0xb8003057, VI, kVector | kVUimm)                         \
  X(vnclip_wv, 0xfc00707f, 0xbc000057, VV, kVector)                                   \
  X(vnclip_wx, 0xfc00707f, 0xbc004057, VX, kVector)                                   \
  X(vnclip_wi, 0xfc00707f, 0xbc003057, VI, kVector | kVUimm)                          \
  X(vwredsumu_vs, 0xfc00707f, 0xc0000057, VV, kVector)                                \
  X(vwredsum_vs, 0xfc00707f, 0xc4000057, VV, kVector)                                 \
  /* OPMVV / OPMVX */                                                                 \
  X(vredsum_vs, 0xfc00707f, 0x00002057, VV, kVector)                                  \
  X(vredand_vs, 0xfc00707f, 0x04002057, VV, kVector)                                  \
  X(vredor_vs, 0xfc00707f, 0x08002057, VV, kVector)                                   \
  X(vredxor_vs, 0xfc00707f, 0x0c002057, VV, kVector)                                  \
  X(vredminu_vs, 0xfc00707f, 0x10002057, VV, kVector)                                 \
  X(vredmin_vs, 0xfc00707f, 0x14002057, VV, kVector)                                  \
  X(vredmaxu_vs, 0xfc00707f, 0x18002057, VV, kVector)                                 \
  X(vredmax_vs, 0xfc00707f, 0x1c002057, VV, kVector)                                  \
  X(vaaddu_vv, 0xfc00707f, 0x20002057, VV, kVector)                                   \
  X(vaaddu_vx, 0xfc00707f, 0x20006057, VX, kVector)                                   \
  X(vaadd_vv, 0xfc00707f, 0x24002057, VV, kVector)                                    \
  X(vaadd_vx, 0xfc00707f, 0x24006057, VX, kVector)                                    \
  X(vasubu_vv, 0xfc00707f, 0x28002057, VV, kVector)                                   \
  X(vasubu_vx, 0xfc00707f, 0x28006057, VX, kVector)                                   \
  X(vasub_vv, 0xfc00707f, 0x2c002057, VV, kVector)                                    \
  X(vasub_vx, 0xfc00707f, 0x2c006057, VX, kVector)                                    \
  X(vslide1up_vx, 0xfc00707f, 0x38006057, VX, kVector)                                \
  X(vslide1down_vx, 0xfc00707f, 0x3c006057, VX, kVector)                              \
  X(vmv_x_s, 0xfe0ff07f, 0x42002057, XV, kVector)                                     \
  X(vcpop_m, 0xfc0ff07f, 0x40082057, XV, kVector)                                     \
  X(vfirst_m, 0xfc0ff07f, 0x4008a057, XV, kVector)                                    \
  X(vmv_s_x, 0xfff0707f, 0x42006057, V1X, kVector)                                    \
  X(vzext_vf8, 0xfc0ff07f, 0x48012057, V2, kVector)                                   \
  X(vsext_vf8, 0xfc0ff07f, 0x4801a057, V2, kVector)                                   \
  X(vzext_vf4, 0xfc0ff07f, 0x48022057, V2, kVector)                                   \
  X(vsext_vf4, 0xfc0ff07f, 0x4802a057, V2, kVector)                                   \
  X(vzext_vf2, 0xfc0ff07f, 0x48032057, V2, kVector)                                   \
  X(vsext_vf2, 0xfc0ff07f, 0x4803a057, V2, kVector)                                   \
  X(vmsbf_m, 0xfc0ff07f, 0x5000a057, V2, kVector)                                     \
  X(vmsof_m, 0xfc0ff07f, 0x50012057, V2, kVector)                                     \
  X(vmsif_m, 0xfc0ff07f, 0x5001a057, V2, kVector)                                     \
  X(viota_m, 0xfc0ff07f, 0x50082057, V2, kVector)                                     \
  X(vid_v, 0xfdfff07f, 0x5008a057, VD, kVector)                                       \
  X(vcompress_vm, 0xfe00707f, 0x5e002057, VV, kVector)                                \
  X(vmandn_mm, 0xfe00707f, 0x62002057, VV, kVector)                                   \
  X(vmand_mm, 0xfe00707f, 0x66002057, VV, kVector)                                    \
  X(vmor_mm, 0xfe00707f, 0x6a002057, VV, kVector)                                     \
  X(vmxor_mm, 0xfe00707f, 0x6e002057, VV, kVector)                                    \
  X(vmorn_mm, 0xfe00707f, 0x72002057, VV, kVector)                                    \
  X(vmnand_mm, 0xfe00707f, 0x76002057, VV, kVector)                                   \
  X(vmnor_mm, 0xfe00707f, 0x7a002057, VV, kVector)                                    \
  X(vmxnor_mm, 0xfe00707f, 0x7e002057, VV, kVector)                                   \
  X(vdivu_vv, 0xfc00707f, 0x80002057, VV, kVector)                                    \
  X(vdivu_vx, 0xfc00707f, 0x80006057, VX, kVector)                                    \
  X(vdiv_vv, 0xfc00707f, 0x84002057, VV, kVector)                                     \
  X(vdiv_vx, 0xfc00707f, 0x84006057, VX, kVector)                                     \
  X(vremu_vv, 0xfc00707f, 0x88002057, VV, kVector)                                    \
  X(vremu_vx, 0xfc00707f, 0x88006057, VX, kVector)                                    \
  X(vrem_vv, 0xfc00707f, 0x8c002057, VV, kVector)                                     \
  X(vrem_vx, 0xfc00707f, 0x8c006057, VX, kVector)                                     \
  X(vmulhu_vv, 0xfc00707f, 0x90002057, VV, kVector)                                   \
  X(vmulhu_vx, 0xfc00707f, 0x90006057, VX, kVector)                                   \
  X(vmul_vv, 0xfc00707f, 0x94002057, VV, kVector)                                     \
  X(vmul_vx, 0xfc00707f, 0x94006057, VX, kVector)                                     \
  X(vmulhsu_vv, 0xfc00707f, 0x98002057, VV, kVector)                                  \
  X(vmulhsu_vx, 0xfc00707f, 0x98006057, VX, kVector)                                  \
  X(vmulh_vv, 0xfc00707f, 0x9c002057, VV, kVector)                                    \
  X(vmulh_vx, 0xfc00707f, 0x9c006057, VX, kVector)                                    \
  X(vmadd_vv, 0xfc00707f, 0xa4002057, VVR, kVector)                                   \
  X(vmadd_vx, 0xfc00707f, 0xa4006057, VXR, kVector)                                   \
  X(vnmsub_vv, 0xfc00707f, 0xac002057, VVR, kVector)                                  \
  X(vnmsub_vx, 0xfc00707f, 0xac006057, VXR, kVector)                                  \
  X(vmacc_vv, 0xfc00707f, 0xb4002057, VVR, kVector)                                   \
  X(vmacc_vx, 0xfc00707f, 0xb4006057, VXR, kVector)                                   \
  X(vnmsac_vv, 0xfc00707f, 0xbc002057, VVR, kVector)                                  \
  X(vnmsac_vx, 0xfc00707f, 0xbc006057, VXR, kVector)                                  \
  X(vwaddu_vv, 0xfc00707f, 0xc0002057, VV, kVector)                                   \
  X(vwaddu_vx, 0xfc00707f, 0xc0006057, VX, kVector)                                   \
  X(vwadd_vv, 0xfc00707f, 0xc4002057, VV, kVector)                                    \
  X(vwadd_vx, 0xfc00707f, 0xc4006057, VX, kVector)                                    \
  X(vwsubu_vv, 0xfc00707f, 0xc8002057, VV, kVector)                                   \
  X(vwsubu_vx, 0xfc00707f, 0xc8006057, VX, kVector)                                   \
  X(vwsub_vv, 0xfc00707f, 0xcc002057, VV, kVector)                                    \
  X(vwsub_vx, 0xfc00707f, 0xcc006057, VX, kVector)                                    \
  X(vwaddu_wv, 0xfc00707f, 0xd0002057, VV, kVector)                                   \
  X(vwaddu_wx, 0xfc00707f, 0xd0006057, VX, kVector)                                   \
  X(vwadd_wv, 0xfc00707f, 0xd4002057, VV, kVector)                                    \
  X(vwadd_wx, 0xfc00707f, 0xd4006057, VX, kVector)                                    \
  X(vwsubu_wv, 0xfc00707f, 0xd8002057, VV, kVector)                                   \
  X(vwsubu_wx, 0xfc00707f, 0xd8006057, VX, kVector)                                   \
  X(vwsub_wv, 0xfc00707f, 0xdc002057, VV, kVector)                                    \
  X(vwsub_wx, 0xfc00707f, 0xdc006057, VX, kVector)                                    \
  X(vwmulu_vv, 0xfc00707f, 0xe0002057, VV, kVector)                                   \
  X(vwmulu_vx, 0xfc00707f, 0xe0006057, VX, kVector)                                   \
  X(vwmulsu_vv, 0xfc00707f, 0xe8002057, VV, kVector)                                  \
  X(vwmulsu_vx, 0xfc00707f, 0xe8006057, VX, kVector)                                  \
  X(vwmul_vv, 0xfc00707f, 0xec002057, VV, kVector)                                    \
  X(vwmul_vx, 0xfc00707f, 0xec006057, VX, kVector)                                    \
  X(vwmaccu_vv, 0xfc00707f, 0xf0002057, VVR, kVector)                                 \
  X(vwmaccu_vx, 0xfc00707f, 0xf0006057, VXR, kVector)                                 \
  X(vwmacc_vv, 0xfc00707f, 0xf4002057, VVR, kVector)                                  \
  X(vwmacc_vx, 0xfc00707f, 0xf4006057, VXR, kVector)                                  \
  X(vwmaccus_vx, 0xfc00707f, 0xf8006057, VXR, kVector)                                \
  X(vwmaccsu_vv, 0xfc00707f, 0xfc002057, VVR, kVector)                                \
  X(vwmaccsu_vx, 0xfc00707f, 0xfc006057, VXR, kVector)                                \
  /* OPFVV / OPFVF (scalar operand fs1: kFs1) */                                      \
  X(vfadd_vv, 0xfc00707f, 0x00001057, VV, kVector)                                    \
  X(vfadd_vf, 0xfc00707f, 0x00005057, VX, kVector | kFs1)                             \
  X(vfredusum_vs, 0xfc00707f, 0x04001057, VV, kVector)                                \
  X(vfsub_vv, 0xfc00707f, 0x08001057, VV, kVector)                                    \
  X(vfsub_vf, 0xfc00707f, 0x08005057, VX, kVector | kFs1)                             \
  X(vfredosum_vs, 0xfc00707f, 0x0c001057, VV, kVector)                                \
  X(vfmin_vv, 0xfc00707f, 0x10001057, VV, kVector)                                    \
  X(vfmin_vf, 0xfc00707f, 0x10005057, VX, kVector | kFs1)                             \
  X(vfredmin_vs, 0xfc00707f, 0x14001057, VV, kVector)                                 \
  X(vfmax_vv, 0xfc00707f, 0x18001057, VV, kVector)                                    \
  X(vfmax_vf, 0xfc00707f, 0x18005057, VX, kVector | kFs1)                             \
  X(vfredmax_vs, 0xfc00707f, 0x1c001057, VV, kVector)                                 \
  X(vfsgnj_vv, 0xfc00707f, 0x20001057, VV, kVector)                                   \
  X(vfsgnj_vf, 0xfc00707f, 0x20005057, VX, kVector | kFs1)                            \
  X(vfsgnjn_vv, 0xfc00707f, 0x24001057, VV, kVector)                                  \
  X(vfsgnjn_vf, 0xfc00707f, 0x24005057, VX, kVector | kFs1)                           \
  X(vfsgnjx_vv, 0xfc00707f, 0x28001057, VV, kVector)                                  \
  X(vfsgnjx_vf, 0xfc00707f, 0x28005057, VX, kVector | kFs1)                           \
  X(vfslide1up_vf, 0xfc00707f, 0x38005057, VX, kVector | kFs1)                        \
  X(vfslide1down_vf, 0xfc00707f, 0x3c005057, VX, kVector | kFs1)                      \
  X(vfmv_f_s, 0xfe0ff07f, 0x42001057, XV, kVector | kFd)                              \
  X(vfmv_s_f, 0xfff0707f, 0x42005057, V1X, kVector | kFs1)                            \
  X(vfcvt_xu_f_v, 0xfc0ff07f, 0x48001057, V2, kVector)                                \
  X(vfcvt_x_f_v, 0xfc0ff07f, 0x48009057, V2, kVector)                                 \
  X(vfcvt_f_xu_v, 0xfc0ff07f, 0x48011057, V2, kVector)                                \
  X(vfcvt_f_x_v, 0xfc0ff07f, 0x48019057, V2, kVector)                                 \
  X(vfcvt_rtz_xu_f_v, 0xfc0ff07f, 0x48031057, V2, kVector)                            \
  X(vfcvt_rtz_x_f_v, 0xfc0ff07f, 0x48039057, V2, kVector)                             \
  X(vfwcvt_xu_f_v, 0xfc0ff07f, 0x48041057, V2, kVector)                               \
  X(vfwcvt_x_f_v, 0xfc0ff07f, 0x48049057, V2, kVector)                                \
  X(vfwcvt_f_xu_v, 0xfc0ff07f, 0x48051057, V2, kVector)                               \
  X(vfwcvt_f_x_v, 0xfc0ff07f, 0x48059057, V2, kVector)                                \
  X(vfwcvt_f_f_v, 0xfc0ff07f, 0x48061057, V2, kVector)                                \
  X(vfwcvt_rtz_xu_f_v, 0xfc0ff07f, 0x48071057, V2, kVector)                           \
  X(vfwcvt_rtz_x_f_v, 0xfc0ff07f, 0x48079057, V2, kVector)                            \
  X(vfncvt_xu_f_w, 0xfc0ff07f, 0x48081057, V2, kVector)                               \
  X(vfncvt_x_f_w, 0xfc0ff07f, 0x48089057, V2, kVector)                                \
  X(vfncvt_f_xu_w, 0xfc0ff07f, 0x48091057, V2, kVector)                               \
  X(vfncvt_f_x_w, 0xfc0ff07f, 0x48099057, V2, kVector)                                \
  X(vfncvt_f_f_w, 0xfc0ff07f, 0x480a1057, V2, kVector)                                \
  X(vfncvt_rod_f_f_w, 0xfc0ff07f, 0x480a9057, V2, kVector)                            \
  X(vfncvt_rtz_xu_f_w, 0xfc0ff07f, 0x480b1057, V2, kVector)                           \
  X(vfncvt_rtz_x_f_w, 0xfc0ff07f, 0x480b9057, V2, kVector)                            \
  X(vfsqrt_v, 0xfc0ff07f, 0x4c001057, V2, kVector)                                    \
  X(vfrsqrt7_v, 0xfc0ff07f, 0x4c021057, V2, kVector)                                  \
  X(vfrec7_v, 0xfc0ff07f, 0x4c029057, V2, kVector)                                    \
  X(vfclass_v, 0xfc0ff07f, 0x4c081057, V2, kVector)                                   \
  X(vfmerge_vfm, 0xfe00707f, 0x5c005057, VXM, kVector | kFs1)                         \
  X(vfmv_v_f, 0xfff0707f, 0x5e005057, V1X, kVector | kFs1)                            \
  X(vmfeq_vv, 0xfc00707f, 0x60001057, VV, kVector)                                    \
  X(vmfeq_vf, 0xfc00707f, 0x60005057, VX, kVector | kFs1)                             \
  X(vmfle_vv, 0xfc00707f, 0x64001057, VV, kVector)                                    \
  X(vmfle_vf, 0xfc00707f, 0x64005057, VX, kVector | kFs1)                             \
  X(vmflt_vv, 0xfc00707f, 0x6c001057, VV, kVector)                                    \
  X(vmflt_vf, 0xfc00707f, 0x6c005057, VX, kVector | kFs1)                             \
  X(vmfne_vv, 0xfc00707f, 0x70001057, VV, kVector)                                    \
  X(vmfne_vf, 0xfc00707f, 0x70005057, VX, kVector | kFs1)                             \
  X(vmfgt_vf, 0xfc00707f, 0x74005057, VX, kVector | kFs1)                             \
  X(vmfge_vf, 0xfc00707f, 0x7c005057, VX, kVector | kFs1)                             \
  X(vfdiv_vv, 0xfc00707f, 0x80001057, VV, kVector)                                    \
  X(vfdiv_vf, 0xfc00707f, 0x80005057, VX, kVector | kFs1)                             \
  X(vfrdiv_vf, 0xfc00707f, 0x84005057, VX, kVector | kFs1)                            \
  X(vfmul_vv, 0xfc00707f, 0x90001057, VV, kVector)                                    \
  X(vfmul_vf, 0xfc00707f, 0x90005057, VX, kVector | kFs1)                             \
  X(vfrsub_vf, 0xfc00707f, 0x9c005057, VX, kVector | kFs1)                            \
  X(vfmadd_vv, 0xfc00707f, 0xa0001057, VVR, kVector)                                  \
  X(vfmadd_vf, 0xfc00707f, 0xa0005057, VXR, kVector | kFs1)                           \
  X(vfnmadd_vv, 0xfc00707f, 0xa4001057, VVR, kVector)                                 \
  X(vfnmadd_vf, 0xfc00707f, 0xa4005057, VXR, kVector | kFs1)                          \
  X(vfmsub_vv, 0xfc00707f, 0xa8001057, VVR, kVector)                                  \
  X(vfmsub_vf, 0xfc00707f, 0xa8005057, VXR, kVector | kFs1)                           \
  X(vfnmsub_vv, 0xfc00707f, 0xac001057, VVR, kVector)                                 \
  X(vfnmsub_vf, 0xfc00707f, 0xac005057, VXR, kVector | kFs1)                          \
  X(vfmacc_vv, 0xfc00707f, 0xb0001057, VVR, kVector)                                  \
  X(vfmacc_vf, 0xfc00707f, 0xb0005057, VXR, kVector | kFs1)                           \
  X(vfnmacc_vv, 0xfc00707f, 0xb4001057, VVR, kVector)                                 \
  X(vfnmacc_vf, 0xfc00707f, 0xb4005057, VXR, kVector | kFs1)                          \
  X(vfmsac_vv, 0xfc00707f, 0xb8001057, VVR, kVector)                                  \
  X(vfmsac_vf, 0xfc00707f, 0xb8005057, VXR, kVector | kFs1)                           \
  X(vfnmsac_vv, 0xfc00707f, 0xbc001057, VVR, kVector)                                 \
  X(vfnmsac_vf, 0xfc00707f, 0xbc005057, VXR, kVector | kFs1)                          \
  X(vfwadd_vv, 0xfc00707f, 0xc0001057, VV, kVector)                                   \
  X(vfwadd_vf, 0xfc00707f, 0xc0005057, VX, kVector | kFs1)                            \
  X(vfwredusum_vs, 0xfc00707f, 0xc4001057, VV, kVector)                               \
  X(vfwsub_vv, 0xfc00707f, 0xc8001057, VV, kVector)                                   \
  X(vfwsub_vf, 0xfc00707f, 0xc8005057, VX, kVector | kFs1)                            \
  X(vfwredosum_vs, 0xfc00707f, 0xcc001057, VV, kVector)                               \
  X(vfwadd_wv, 0xfc00707f, 0xd0001057, VV, kVector)                                   \
  X(vfwadd_wf, 0xfc00707f, 0xd0005057, VX, kVector | kFs1)                            \
  X(vfwsub_wv, 0xfc00707f, 0xd8001057, VV, kVector)                                   \
  X(vfwsub_wf, 0xfc00707f, 0xd8005057, VX, kVector | kFs1)                            \
  X(vfwmul_vv, 0xfc00707f, 0xe0001057, VV, kVector)                                   \
  X(vfwmul_vf, 0xfc00707f, 0xe0005057, VX, kVector | kFs1)                            \
  X(vfwmacc_vv, 0xfc00707f, 0xf0001057, VVR, kVector)                                 \
  X(vfwmacc_vf, 0xfc00707f, 0xf0005057, VXR, kVector | kFs1)                          \
  X(vfwnmacc_vv, 0xfc00707f, 0xf4001057, VVR, kVector)                                \
  X(vfwnmacc_vf, 0xfc00707f, 0xf4005057, VXR, kVector | kFs1)                         \
  X(vfwmsac_vv, 0xfc00707f, 0xf8001057, VVR, kVector)                                 \
  X(vfwmsac_vf, 0xfc00707f, 0xf8005057, VXR, kVector | kFs1)                          \
  X(vfwnmsac_vv, 0xfc00707f, 0xfc001057, VVR, kVector)                                \
  X(vfwnmsac_vf, 0xfc00707f, 0xfc005057, VXR, kVector | kFs1)

