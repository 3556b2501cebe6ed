// tests/guest/isa/rv64i_alu.S — RV64I integer computational instructions:
// lui, auipc, addi/slti/sltiu/xori/ori/andi, slli/srli/srai, the R-type ALU
// ops, and the W forms (32-bit result sign-extended to 64; shift amounts
// taken mod 64, and mod 32 for the W forms).
#include "test_macros.h"
TEST_BEGIN("rv64i_alu")

//          num  inst   expected              v1                    v2
TEST_RR_OP(  1, add,  0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
TEST_RR_OP(  2, add,  0x0000000000000003, 0x0000000000000001, 0x0000000000000002)
TEST_RR_OP(  3, add,  0x8000000000000000, 0x7fffffffffffffff, 0x0000000000000001)  // wraps
TEST_RR_OP(  4, add,  0x0000000000000000, 0xffffffffffffffff, 0x0000000000000001)
TEST_RR_OP(  5, add,  0x0000000080000000, 0x000000007fffffff, 0x0000000000000001)  // no 32-bit wrap
TEST_RR_OP(  6, sub,  0x0000000000000000, 0x0000000000000005, 0x0000000000000005)
TEST_RR_OP(  7, sub,  0xffffffffffffffff, 0x0000000000000000, 0x0000000000000001)
TEST_RR_OP(  8, sub,  0x7fffffffffffffff, 0x8000000000000000, 0x0000000000000001)
TEST_RR_OP(  9, sll,  0x0000000000000001, 0x0000000000000001, 0)
TEST_RR_OP( 10, sll,  0x0000000080000000, 0x0000000000000001, 31)
TEST_RR_OP( 11, sll,  0x0000000100000000, 0x0000000000000001, 32)
TEST_RR_OP( 12, sll,  0x8000000000000000, 0x0000000000000001, 63)
TEST_RR_OP( 13, sll,  0x0000000000000002, 0x0000000000000001, 65)          // mod 64
TEST_RR_OP( 14, sll,  0x8000000000000000, 0x0000000000000001, 0xffffffffffffffff)
TEST_RR_OP( 15, srl,  0x8000000000000000, 0x8000000000000000, 0)
TEST_RR_OP( 16, srl,  0x0000000100000000, 0x8000000000000000, 31)
TEST_RR_OP( 17, srl,  0x0000000080000000, 0x8000000000000000, 32)
TEST_RR_OP( 18, srl,  0x0000000000000001, 0x8000000000000000, 63)
TEST_RR_OP( 19, srl,  0x4000000000000000, 0x8000000000000000, 0xffffffffffffffc1)  // 1 mod 64
TEST_RR_OP( 20, sra,  0x8000000000000000, 0x8000000000000000, 0)
TEST_RR_OP( 21, sra,  0xffffffff00000000, 0x8000000000000000, 31)
TEST_RR_OP( 22, sra,  0xffffffff80000000, 0x8000000000000000, 32)
TEST_RR_OP( 23, sra,  0xffffffffffffffff, 0x8000000000000000, 63)
TEST_RR_OP( 24, sra,  0x0000000000000001, 0x7fffffffffffffff, 62)
TEST_RR_OP( 25, sra,  0xc000000000000000, 0x8000000000000000, 0x41)        // mod 64
TEST_RR_OP( 26, slt,  0, 0, 0)
TEST_RR_OP( 27, slt,  1, 0xffffffffffffffff, 0)                            // -1 < 0
TEST_RR_OP( 28, slt,  0, 0, 0xffffffffffffffff)
TEST_RR_OP( 29, slt,  1, 0x8000000000000000, 0x7fffffffffffffff)
TEST_RR_OP( 30, slt,  0, 0x7fffffffffffffff, 0x8000000000000000)
TEST_RR_OP( 31, sltu, 0, 0xffffffffffffffff, 0)
TEST_RR_OP( 32, sltu, 1, 0, 0xffffffffffffffff)
TEST_RR_OP( 33, sltu, 0, 0x8000000000000000, 0x7fffffffffffffff)
TEST_RR_OP( 34, sltu, 1, 0x7fffffffffffffff, 0x8000000000000000)
TEST_RR_OP( 35, sltu, 0, 5, 5)
TEST_RR_OP( 36, xor,  0x00ff00ff00ff00ff, 0xff00ff00ff00ff00, 0xffffffffffffffff)
TEST_RR_OP( 37, or,   0xfff0fff0fff0fff0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)
TEST_RR_OP( 38, and,  0x0f000f000f000f00, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)
TEST_RR_OP( 39, xor,  0xf0f0f0f0f0f0f0f0, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0)

//           num  inst   expected              v1                   imm
TEST_IMM_OP( 50, addi,  0x0000000000000000, 0x0000000000000000, 0)
TEST_IMM_OP( 51, addi,  0xfffffffffffff800, 0x0000000000000000, -2048)      // imm sign-extended
TEST_IMM_OP( 52, addi,  0x00000000000007ff, 0x0000000000000000, 2047)
TEST_IMM_OP( 53, addi,  0x8000000000000000, 0x7fffffffffffffff, 1)
TEST_IMM_OP( 54, addi,  0x00000000ffffffff, 0x0000000100000000, -1)
TEST_IMM_OP( 55, slti,  1, 0xffffffffffffffff, 0)
TEST_IMM_OP( 56, slti,  0, 0, -1)
TEST_IMM_OP( 57, slti,  1, 0x8000000000000000, -2048)
TEST_IMM_OP( 58, slti,  0, 0x7fffffffffffffff, 2047)
TEST_IMM_OP( 59, sltiu, 1, 0, -1)                                           // imm sign-extended, then unsigned
TEST_IMM_OP( 60, sltiu, 0, 0xffffffffffffffff, -1)
TEST_IMM_OP( 61, sltiu, 1, 0xfffffffffffffffe, -1)
TEST_IMM_OP( 62, sltiu, 1, 0, 1)                                            // seqz
TEST_IMM_OP( 63, sltiu, 0, 1, 1)
TEST_IMM_OP( 64, xori,  0xffffffffffffff0f, 0x00000000000000f0, -1)         // not
TEST_IMM_OP( 65, xori,  0x00ff00ff00ff0f0f, 0x00ff00ff00ff08f0, 0x7ff)
TEST_IMM_OP( 66, ori,   0xfffffffffffff80f, 0x000000000000000f, -2048)
TEST_IMM_OP( 67, ori,   0x00ff00ff00ff07ff, 0x00ff00ff00ff0000, 0x7ff)
TEST_IMM_OP( 68, andi,  0xff00ff00ff00f800, 0xff00ff00ff00ff00, -2048)
TEST_IMM_OP( 69, andi,  0x000000000000000f, 0xff00ff00ff00ff0f, 0xf)
TEST_IMM_OP( 70, slli,  0x0000000000000001, 1, 0)
TEST_IMM_OP( 71, slli,  0x0000000080000000, 1, 31)
TEST_IMM_OP( 72, slli,  0x0000000100000000, 1, 32)
TEST_IMM_OP( 73, slli,  0x8000000000000000, 1, 63)
TEST_IMM_OP( 74, slli,  0xfffffffe00000000, 0xffffffffffffffff, 33)
TEST_IMM_OP( 75, srli,  0x8000000000000000, 0x8000000000000000, 0)
TEST_IMM_OP( 76, srli,  0x0000000100000000, 0x8000000000000000, 31)
TEST_IMM_OP( 77, srli,  0x0000000080000000, 0x8000000000000000, 32)
TEST_IMM_OP( 78, srli,  0x0000000000000001, 0x8000000000000000, 63)
TEST_IMM_OP( 79, srli,  0x00000000ffffffff, 0xffffffffffffffff, 32)
TEST_IMM_OP( 80, srai,  0x8000000000000000, 0x8000000000000000, 0)
TEST_IMM_OP( 81, srai,  0xffffffff00000000, 0x8000000000000000, 31)
TEST_IMM_OP( 82, srai,  0xffffffff80000000, 0x8000000000000000, 32)
TEST_IMM_OP( 83, srai,  0xffffffffffffffff, 0x8000000000000000, 63)
TEST_IMM_OP( 84, srai,  0x000000007fffffff, 0x7fffffffffffffff, 32)

// W forms: operate on the low 32 bits, sign-extend the 32-bit result.
TEST_RR_OP(100, addw, 0xffffffff80000000, 0x000000007fffffff, 1)
TEST_RR_OP(101, addw, 0x0000000000000000, 0xffffffffffffffff, 1)
TEST_RR_OP(102, addw, 0x0000000000000003, 0x1234567800000001, 0xabcdef0000000002)  // high bits ignored
TEST_RR_OP(103, addw, 0x000000007fffffff, 0xffffffff80000000, 0xffffffffffffffff)
TEST_RR_OP(104, subw, 0x000000007fffffff, 0x0000000080000000, 1)
TEST_RR_OP(105, subw, 0xffffffffffffffff, 0x0000000100000000, 1)
TEST_RR_OP(106, subw, 0xffffffff80000000, 0, 0x0000000080000000)
TEST_RR_OP(107, sllw, 0x0000000000000001, 1, 0)
TEST_RR_OP(108, sllw, 0xffffffff80000000, 1, 31)
TEST_RR_OP(109, sllw, 0x0000000000000001, 1, 32)                           // mod 32
TEST_RR_OP(110, sllw, 0xffffffff80000000, 1, 63)                           // mod 32 = 31
TEST_RR_OP(111, sllw, 0x0000000012345678, 0xffffffff12345678, 0)           // sign-extends
TEST_RR_OP(112, srlw, 0xffffffff80000000, 0x0000000080000000, 0)           // shift 0 still sign-extends
TEST_RR_OP(113, srlw, 0x0000000000000001, 0xffffffff80000000, 31)
TEST_RR_OP(114, srlw, 0xffffffff80000000, 0x0000000080000000, 32)          // mod 32 = 0
TEST_RR_OP(115, srlw, 0x0000000000000001, 0x0000000080000000, 63)
TEST_RR_OP(116, srlw, 0x000000007fffffff, 0x00000000ffffffff, 1)           // high bits ignored
TEST_RR_OP(117, sraw, 0xffffffff80000000, 0x0000000080000000, 0)
TEST_RR_OP(118, sraw, 0xffffffffffffffff, 0x0000000080000000, 31)
TEST_RR_OP(119, sraw, 0xffffffffc0000000, 0x0000000080000000, 33)          // mod 32 = 1
TEST_RR_OP(120, sraw, 0x0000000000000000, 0xffffffff7fffffff, 31)
TEST_RR_OP(121, sraw, 0x0000000000000001, 0x8000000040000000, 30)          // bit 63 ignored
TEST_IMM_OP(130, addiw, 0xffffffff80000000, 0x000000007fffffff, 1)
TEST_IMM_OP(131, addiw, 0x0000000012345678, 0xaaaaaaaa12345678, 0)         // sext.w
TEST_IMM_OP(132, addiw, 0xffffffffffffffff, 0, -1)
TEST_IMM_OP(133, addiw, 0x000000007ffff7ff, 0xffffffff7fffffff, -2048)
TEST_IMM_OP(134, slliw, 0xffffffff80000000, 1, 31)
TEST_IMM_OP(135, slliw, 0x0000000000000000, 0x0000000100000000, 0)
TEST_IMM_OP(136, slliw, 0xffffffff87654321, 0x0000000087654321, 0)
TEST_IMM_OP(137, slliw, 0xffffffffa1908000, 0x0000000087654321, 15)
TEST_IMM_OP(138, srliw, 0xffffffff80000000, 0x0000000080000000, 0)
TEST_IMM_OP(139, srliw, 0x0000000000000001, 0x0000000080000000, 31)
TEST_IMM_OP(140, srliw, 0x0000000000ffffff, 0xffffffffffffffff, 8)
TEST_IMM_OP(141, sraiw, 0xffffffff80000000, 0x0000000080000000, 0)
TEST_IMM_OP(142, sraiw, 0xffffffffffffffff, 0x0000000080000000, 31)
TEST_IMM_OP(143, sraiw, 0x000000003fffffff, 0xffffffff7fffffff, 1)
TEST_IMM_OP(144, sraiw, 0xffffffffff800000, 0x0000000080000000, 8)

// lui: imm << 12, sign-extended from bit 31.
TEST_CASE(150, a4, 0x0000000000000000, lui a4, 0)
TEST_CASE(151, a4, 0x0000000000001000, lui a4, 1)
TEST_CASE(152, a4, 0x000000007ffff000, lui a4, 0x7ffff)
TEST_CASE(153, a4, 0xffffffff80000000, lui a4, 0x80000)
TEST_CASE(154, a4, 0xfffffffffffff000, lui a4, 0xfffff)
TEST_CASE(155, a4, 0xffffffff80000800, lui a4, 0x80001; addi a4, a4, -2048)
TEST_CASE(156, zero, 0, lui zero, 0x12345)                                  // x0 stays 0
// auipc: pc + (imm << 12), offset sign-extended.
TEST_CASE(160, a4, 0, 1: auipc a4, 0; la a5, 1b; sub a4, a4, a5)
TEST_CASE(161, a4, 0x1000, 1: auipc a4, 1; la a5, 1b; sub a4, a4, a5)
TEST_CASE(162, a4, 0xffffffff80000000, 1: auipc a4, 0x80000; la a5, 1b; sub a4, a4, a5)
TEST_CASE(163, a4, 0xfffffffffffff000, 1: auipc a4, 0xfffff; la a5, 1b; sub a4, a4, a5)
// writes to x0 are discarded; reads of x0 give 0
TEST_CASE(170, zero, 0, li a1, 5; add zero, a1, a1)
TEST_CASE(171, a4, 5, li a1, 5; addi zero, a1, 1; add a4, a1, zero)
TEST_CASE(172, a4, 0, li a1, 5; sub a4, zero, zero)

TEST_END
