// tests/guest/isa/rv64i_branch.S — RV64I control transfer: beq/bne/blt/bge/
// bltu/bgeu taken and not taken (forward and backward, signed/unsigned
// boundaries), jal and jalr link values, jalr clearing bit 0 of the target,
// jalr with rd == rs1, and a short loop (backward branch in a hot block).
#include "test_macros.h"
TEST_BEGIN("rv64i_branch")

//                num  inst  v1                   v2
TEST_BR_TAKEN(     1, beq,  0, 0)
TEST_BR_TAKEN(     2, beq,  0xffffffffffffffff, 0xffffffffffffffff)
TEST_BR_NOT_TAKEN( 3, beq,  0x0000000100000000, 0)                    // differs only above bit 31
TEST_BR_NOT_TAKEN( 4, beq,  1, 0)
TEST_BR_TAKEN(     5, bne,  0x0000000100000000, 0)
TEST_BR_TAKEN(     6, bne,  1, 0)
TEST_BR_NOT_TAKEN( 7, bne,  0x8000000000000000, 0x8000000000000000)
TEST_BR_TAKEN(     8, blt,  0xffffffffffffffff, 0)                    // -1 < 0
TEST_BR_TAKEN(     9, blt,  0x8000000000000000, 0x7fffffffffffffff)
TEST_BR_TAKEN(    10, blt,  0xfffffffffffffffe, 0xffffffffffffffff)
TEST_BR_NOT_TAKEN(11, blt,  0, 0)
TEST_BR_NOT_TAKEN(12, blt,  0, 0xffffffffffffffff)
TEST_BR_NOT_TAKEN(13, blt,  0x7fffffffffffffff, 0x8000000000000000)
TEST_BR_NOT_TAKEN(14, blt,  0x0000000080000000, 0x000000007fffffff)   // 64-bit compare, not 32
TEST_BR_TAKEN(    15, bge,  0, 0)
TEST_BR_TAKEN(    16, bge,  0, 0xffffffffffffffff)
TEST_BR_TAKEN(    17, bge,  0x7fffffffffffffff, 0x8000000000000000)
TEST_BR_NOT_TAKEN(18, bge,  0xffffffffffffffff, 0)
TEST_BR_NOT_TAKEN(19, bge,  0x8000000000000000, 0x7fffffffffffffff)
TEST_BR_TAKEN(    20, bltu, 0, 0xffffffffffffffff)
TEST_BR_TAKEN(    21, bltu, 0x7fffffffffffffff, 0x8000000000000000)
TEST_BR_TAKEN(    22, bltu, 0x00000000ffffffff, 0x0000000100000000)
TEST_BR_NOT_TAKEN(23, bltu, 0xffffffffffffffff, 0)
TEST_BR_NOT_TAKEN(24, bltu, 0x8000000000000000, 0x7fffffffffffffff)
TEST_BR_NOT_TAKEN(25, bltu, 5, 5)
TEST_BR_TAKEN(    26, bgeu, 5, 5)
TEST_BR_TAKEN(    27, bgeu, 0xffffffffffffffff, 0)
TEST_BR_TAKEN(    28, bgeu, 0x8000000000000000, 0x7fffffffffffffff)
TEST_BR_NOT_TAKEN(29, bgeu, 0, 0xffffffffffffffff)
TEST_BR_NOT_TAKEN(30, bgeu, 0x7fffffffffffffff, 0x8000000000000000)

// jal: rd = address of the jal + 4
TEST_CASE(40, a4, 0, lla a5, 2f; jal a4, 1f; 2: j fail; 1: sub a4, a4, a5)
TEST_CASE(41, a4, 0, lla a5, 2f; j 3f; 1: sub a4, a4, a5; j 4f; 3: jal a4, 1b; 2: j fail; 4:)  // backward
TEST_CASE(42, zero, 0, jal zero, 1f; j fail; 1:)                      // j: no link
// jalr: target = (rs1 + imm) & ~1, rd = pc + 4
TEST_CASE(43, a4, 0, lla a1, 1f; lla a5, 2f; jalr a4, 0(a1); 2: j fail; 1: sub a4, a4, a5)
TEST_CASE(44, a4, 0, lla a1, 1f; lla a5, 2f; addi a1, a1, 1; jalr a4, 0(a1); 2: j fail; 1: sub a4, a4, a5)  // bit 0 of rs1
TEST_CASE(45, a4, 0, lla a1, 1f; lla a5, 2f; jalr a4, 1(a1); 2: j fail; 1: sub a4, a4, a5)  // bit 0 of imm
TEST_CASE(46, a4, 0, lla a1, 1f; lla a5, 2f; addi a1, a1, 16; jalr a4, -16(a1); 2: j fail; 1: sub a4, a4, a5)
TEST_CASE(47, a1, 0, lla a1, 1f; lla a5, 2f; jalr a1, 0(a1); 2: j fail; 1: sub a1, a1, a5)  // rd == rs1: old rs1 used
TEST_CASE(48, a4, 7, lla a1, 1f; li a4, 7; jalr zero, 0(a1); j fail; 1:)                   // jr
// call/ret through ra
TEST_CASE(49, a0, 42, li a0, 40; call add2; j 1f; add2: addi a0, a0, 2; ret; 1:)
// a counted loop: backward branch taken 100 times
TEST_CASE(50, a4, 5050, li a1, 100; li a4, 0; 1: add a4, a4, a1; addi a1, a1, -1; bnez a1, 1b)
// branch to a far target (near the ±4 KiB limit of B-type)
TEST_CASE(51, a4, 1, li a4, 0; beqz a4, 1f; j fail; .skip 2000; 1: li a4, 1)

TEST_END
