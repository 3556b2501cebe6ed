// tests/guest/isa/rv64c.S — C extension (RV64C): every compressed
// instruction except c.ebreak, each checked against the base instruction it
// expands to: immediate sign extension (c.li, c.lui, c.andi, c.addiw),
// scaled offsets of the loads/stores (incl. sp-relative and FP ones),
// c.jalr's link = pc + 2, c.beqz/c.bnez both ways, and mixed 16/32-bit code
// including a 32-bit instruction that straddles a page boundary.
#include "test_macros.h"

  .data
  .balign 16
cbuf: .dword 0x8182838485868788, 0x0102030405060708, 0, 0

TEST_BEGIN("rv64c")
  .option rvc

// CI/CR/CA arithmetic
TEST_CASE( 1, a0, 0xffffffffffffffe0, c.li a0, -32)
TEST_CASE( 2, a4, 31,                 c.li a4, 31)                         // c.li with any rd
TEST_CASE( 3, a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)                   // nzimm[17] sign-extends
TEST_CASE( 4, a0, 0x000000000001f000, c.lui a0, 0x1f)
TEST_CASE( 5, a0, 0x0000000000000009, li a0, 10; c.addi a0, -1)
TEST_CASE( 6, a0, 0x0000000000000029, li a0, 10; c.addi a0, 31)
TEST_CASE( 7, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
TEST_CASE( 8, a0, 0x0000000012345678, li a0, 0xabcdef0012345678; c.addiw a0, 0)   // sext.w
TEST_CASE( 9, a0, 0xffffffffffffffff, li a0, 0; c.addiw a0, -1)
TEST_CASE(10, a4, 64, mv a5, sp; c.addi16sp sp, -64; sub a4, a5, sp; mv sp, a5)
TEST_CASE(11, a5, 496, mv a5, sp; c.addi16sp sp, 496; sub a5, sp, a5; c.addi16sp sp, -496)
TEST_CASE(12, a0, 1020, c.addi4spn a0, sp, 1020; sub a0, a0, sp)
TEST_CASE(13, a0, 4, c.addi4spn a0, sp, 4; sub a0, a0, sp)
TEST_CASE(14, a0, 0x0000000000000001, li a0, 0x8000000000000000; c.srli a0, 63)
TEST_CASE(15, a0, 0x0000000080000000, li a0, 0x8000000000000000; c.srli a0, 32)
TEST_CASE(16, a0, 0xffffffff80000000, li a0, 0x8000000000000000; c.srai a0, 32)
TEST_CASE(17, a0, 0xffffffffffffffff, li a0, 0x8000000000000000; c.srai a0, 63)
TEST_CASE(18, a0, 0x8000000000000000, li a0, 1; c.slli a0, 63)
TEST_CASE(19, a4, 0x0000000100000000, li a4, 1; c.slli a4, 32)            // c.slli with any rd
TEST_CASE(20, a0, 0x00000000000000e0, li a0, 0xff; c.andi a0, -32)       // imm sign-extended
TEST_CASE(21, a0, 0x000000000000000f, li a0, 0xff; c.andi a0, 15)
TEST_CASE(22, a0, 0x0000000000000005, li a0, 7; li a1, 2; c.sub a0, a1)
TEST_CASE(23, a0, 0x00ff00ff00ff00ff, li a0, 0xff00ff00ff00ff00; li a1, -1; c.xor a0, a1)
TEST_CASE(24, a0, 0xfff0fff0fff0fff0, li a0, 0xff00ff00ff00ff00; li a1, 0x0ff00ff00ff00ff0; c.or a0, a1)
TEST_CASE(25, a0, 0x0f000f000f000f00, li a0, 0xff00ff00ff00ff00; li a1, 0x0ff00ff00ff00ff0; c.and a0, a1)
TEST_CASE(26, a0, 0x000000007fffffff, li a0, 0x0000000080000000; li a1, 1; c.subw a0, a1)
TEST_CASE(27, a0, 0xffffffff80000000, li a0, 0x7fffffff; li a1, 1; c.addw a0, a1)
TEST_CASE(28, s1, 0xffffffffffffffff, li s1, 0x1000000000000000; li s0, -1; c.addw s1, s0)  // low 32 bits only
TEST_CASE(29, a4, 0x1234, li a5, 0x1234; c.mv a4, a5)
TEST_CASE(30, a4, 0x1235, li a4, 1; li t2, 0x1234; c.add a4, t2)
TEST_CASE(31, a0, 7, li a0, 7; c.nop)
// loads/stores: CL/CS (x8..x15, f8..f15) and sp-relative
TEST_CASE(40, a1, 0xffffffff85868788, lla a0, cbuf; c.lw a1, 0(a0))
TEST_CASE(41, a1, 0x0000000005060708, lla a0, cbuf; c.lw a1, 8(a0))
TEST_CASE(42, a1, 0x0102030405060708, lla a0, cbuf; c.ld a1, 8(a0))
TEST_CASE(43, a1, 0x1122334455667788, lla a0, cbuf; li a2, 0x1122334455667788; c.sd a2, 16(a0); c.ld a1, 16(a0))
TEST_CASE(44, a1, 0x11223344ffffffff, lla a0, cbuf; li a2, -1; c.sw a2, 16(a0); c.ld a1, 16(a0))
TEST_CASE(45, a1, 0x8182838485868788, lla a0, cbuf; c.fld fa2, 0(a0); fmv.x.d a1, fa2)
TEST_CASE(46, a1, 0x8182838485868788, lla a0, cbuf; c.fsd fa2, 24(a0); ld a1, 24(a0))
TEST_CASE(47, a4, 0x0102030405060708, addi sp, sp, -64; li a5, 0x0102030405060708; c.sdsp a5, 56(sp); c.ldsp a4, 56(sp); addi sp, sp, 64)
TEST_CASE(48, a4, 0xffffffff80000001, addi sp, sp, -64; li a5, 0x80000001; c.swsp a5, 4(sp); c.lwsp a4, 4(sp); addi sp, sp, 64)
TEST_CASE(49, a4, 0x4008000000000000, addi sp, sp, -512; li a5, 0x4008000000000000; fmv.d.x ft3, a5; c.fsdsp ft3, 504(sp); c.fldsp ft4, 504(sp); fmv.x.d a4, ft4; addi sp, sp, 512)
TEST_CASE(50, a4, 0x4008000000000000, addi sp, sp, -512; ld a4, 504(sp); addi sp, sp, 512)     // 504 = largest c.fsdsp offset
// control transfer
TEST_CASE(60, a4, 1, li a4, 0; c.j 1f; c.li a4, 2; 1: c.addi a4, 1)
TEST_CASE(61, a4, 1, li a0, 0; li a4, 1; c.beqz a0, 1f; li a4, 5; 1:)
TEST_CASE(62, a4, 5, li a0, 1; li a4, 1; c.beqz a0, 1f; li a4, 5; 1:)
TEST_CASE(63, a4, 1, li a0, 0x100000000; li a4, 1; c.bnez a0, 1f; li a4, 5; 1:)   // full 64-bit test
TEST_CASE(64, a4, 5, li a0, 0; li a4, 1; c.bnez a0, 1f; li a4, 5; 1:)
TEST_CASE(65, a4, 0, lla a1, 1f; lla a5, 2f; c.jalr a1; 2: j fail; 1: sub a4, ra, a5)   // link = pc + 2
TEST_CASE(66, a4, 3, lla a1, 1f; li a4, 3; c.jr a1; j fail; 1:)
TEST_CASE(67, a4, 10, li a4, 0; li a0, 4; 1: c.addi a4, 1; c.addi a0, -1; c.bnez a0, 1b; c.addi a4, 6)
// mixed 16/32-bit, 32-bit instructions at 2-mod-4 addresses, page straddle
TEST_CASE(70, a4, 1234+1, li a4, 1; j straddle; straddle_ret:)
  j after_straddle
  .balign 4096
  .skip 4094                      // never executed
straddle:
  .option push
  .option norvc
  addiw a4, a4, 1234              // bytes 4094..4097 of the page pair
  .option pop
  j straddle_ret
after_straddle:

TEST_END

