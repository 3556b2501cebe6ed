// tests/guest/isa/fence_i.S — fence (all predecessor/successor sets,
// fence.tso, pause) and Zifencei fence.i: code written to memory becomes
// visible to instruction fetch after fence.i — in an RWX mmap region (write,
// fence.i, call, rewrite at the same address, fence.i, call again), in an
// RW→RX mprotect'ed region, and for an instruction later in the currently
// executing block of a text page made writable with mprotect; and data
// stored next to running code, in a loop.
#include "test_macros.h"

#define SYS_munmap   215
#define SYS_mmap     222
#define SYS_mprotect 226
#define PROT_RW   3
#define PROT_RX   5
#define PROT_RWX  7
// addi a0, zero, imm  /  addi a4, zero, imm  /  ret (jalr zero, 0(ra))
#define ENC_LI_A0(imm) (((imm) << 20) | 0x00000513)
#define ENC_LI_A4(imm) (((imm) << 20) | 0x00000713)
#define ENC_RET        0x00008067

// s1 = mmap(NULL, 4096, prot, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
#define MMAP(prot) li a0, 0; li a1, 4096; li a2, prot; li a3, 0x22; li a4, -1; li a5, 0; li a7, SYS_mmap; ecall; mv s1, a0
#define MPROTECT(addr, prot) mv a0, addr; li a1, 4096; li a2, prot; li a7, SYS_mprotect; ecall
// write "li a0, imm; ret" at s1
#define EMIT(imm) li t1, ENC_LI_A0(imm); sw t1, 0(s1); li t1, ENC_RET; sw t1, 4(s1)

TEST_BEGIN("fence_i")

// fences are accepted and have no visible effect on a single hart
TEST_CASE( 1, a4, 3, li a4, 1; fence; fence rw, rw; fence r, r; fence w, w; fence r, rw; fence rw, w; \
                      fence iorw, iorw; fence i, o; fence.tso; .word 0x0100000f /* pause */; addi a4, a4, 2)
TEST_CASE( 2, a4, 9, lla a1, scratch; li a2, 9; sw a2, 0(a1); fence w, r; lw a4, 0(a1))

// RWX anonymous mapping
TEST_CASE(10, a0, 0, MMAP(PROT_RWX); srli a0, a0, 63)                    // not an error
TEST_CASE(11, a0, 1, EMIT(1); fence.i; jalr s1)
TEST_CASE(12, a0, 2, EMIT(2); fence.i; jalr s1)                           // same address, new code
// rewrite + call 100 times, each with a different result
TEST_CASE(13, a4, 100, li s2, 1; 2: li t1, 0x00000513; slli t2, s2, 20; or t1, t1, t2; sw t1, 0(s1); fence.i; jalr s1; \
                        bne a0, s2, fail; addi s2, s2, 1; li t3, 101; bne s2, t3, 2b; li a4, 100)
TEST_CASE(14, a0, 0, mv a0, s1; li a1, 4096; li a7, SYS_munmap; ecall)

// RW, then RX: a fresh mapping at possibly the same address
TEST_CASE(20, a0, 0, MMAP(PROT_RW); srli a0, a0, 63)
TEST_CASE(21, a0, 0, EMIT(5); MPROTECT(s1, PROT_RX))
TEST_CASE(22, a0, 5, fence.i; jalr s1)
TEST_CASE(23, a0, 0, MPROTECT(s1, PROT_RW))
TEST_CASE(24, a0, 0, EMIT(6); MPROTECT(s1, PROT_RX))
TEST_CASE(25, a0, 6, fence.i; jalr s1)
TEST_CASE(26, a0, 0, mv a0, s1; li a1, 4096; li a7, SYS_munmap; ecall)

// patch an instruction further on in the running block, in the text segment
TEST_CASE(30, a0, 0, lla s1, smc_page; MPROTECT(s1, PROT_RWX))
// a loop that stores into its own code page every round, without fence.i
// (data next to code): the first store finds the page protected for its
// translations; it must complete and the loop go on (with the store's
// retry made to leave, the block from the store on was translated, the
// page protected again and the store retried, for ever)
TEST_CASE(31, a4, 1000, call smc_loop)
TEST_CASE(32, a4, 42, call smc_page)
TEST_CASE(33, a4, 43, call smc_page)
TEST_CASE(34, a4, 44, call smc_page)

TEST_END

  .data
scratch: .dword 0
  .text
  .balign 4096
// Each call rewrites its own "li a4, ..." with the next value (42, 43, ...)
// and executes it after fence.i, within the same straight-line block.
smc_page:
  lla a1, smc_insn
  lla a2, smc_next
  lw a3, 0(a2)
  li a5, 0x00000713
  slli t1, a3, 20
  or a5, a5, t1
  sw a5, 0(a1)
  addi a3, a3, 1
  sw a3, 0(a2)
  fence.i
smc_insn:
  li a4, 7
  ret
smc_loop:
  lla a2, smc_word
  li t0, 1000
1:
  lw a4, 0(a2)
  addi a4, a4, 1
  sw a4, 0(a2)
  addi t0, t0, -1
  bnez t0, 1b
  ret
  .balign 8
smc_next: .word 42
smc_word: .word 0
  .balign 4096
