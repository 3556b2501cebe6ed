// tests/guest/isa/guest_jit.c — a tiny JIT running inside the guest: our own
// RV64 instruction encoder generates a function into an mmap'ed buffer (sum
// 1..n with a loop), the buffer is made executable and called; then
// different code (n! with mul, then a chain of branches) is generated at the
// same address, made visible with fence.i, and called again. Each round
// flips the buffer RW→RX. Prints "PASS guest_jit" or "FAIL guest_jit <n>".
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

enum { ZERO = 0, RA = 1, A0 = 10, A1 = 11, A2 = 12 };
typedef long (*fn1_t)(long);

// ---- encoder (formats from the RISC-V unprivileged spec, ch. 2) ----
static uint32_t r_type(uint32_t f7, int rs2, int rs1, uint32_t f3, int rd, uint32_t op) {
  return f7 << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 | f3 << 12 | (uint32_t)rd << 7 | op;
}
static uint32_t i_type(int32_t imm, int rs1, uint32_t f3, int rd, uint32_t op) {
  return ((uint32_t)imm & 0xfff) << 20 | (uint32_t)rs1 << 15 | f3 << 12 | (uint32_t)rd << 7 | op;
}
static uint32_t b_type(int32_t off, int rs2, int rs1, uint32_t f3) {
  uint32_t o = (uint32_t)off;
  return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | (uint32_t)rs2 << 20 | (uint32_t)rs1 << 15 |
         f3 << 12 | ((o >> 1) & 0xf) << 8 | ((o >> 11) & 1) << 7 | 0x63;
}
static uint32_t j_type(int32_t off, int rd) {
  uint32_t o = (uint32_t)off;
  return ((o >> 20) & 1) << 31 | ((o >> 1) & 0x3ff) << 21 | ((o >> 11) & 1) << 20 | ((o >> 12) & 0xff) << 12 |
         (uint32_t)rd << 7 | 0x6f;
}
static uint32_t addi(int rd, int rs1, int32_t imm) { return i_type(imm, rs1, 0, rd, 0x13); }
static uint32_t add(int rd, int rs1, int rs2) { return r_type(0, rs2, rs1, 0, rd, 0x33); }
static uint32_t mul(int rd, int rs1, int rs2) { return r_type(1, rs2, rs1, 0, rd, 0x33); }
static uint32_t beq(int rs1, int rs2, int32_t off) { return b_type(off, rs2, rs1, 0); }
static uint32_t blt(int rs1, int rs2, int32_t off) { return b_type(off, rs2, rs1, 4); }
static uint32_t jal(int rd, int32_t off) { return j_type(off, rd); }
static uint32_t ret(void) { return i_type(0, RA, 0, ZERO, 0x67); }

#define PAGE 4096
static uint32_t* buf;

static void fail(int n) {
  printf("FAIL guest_jit %d\n", n);
  exit(n);
}
static void writable(void) {
  if (mprotect(buf, PAGE, PROT_READ | PROT_WRITE)) fail(90);
}
static fn1_t executable(void) {
  if (mprotect(buf, PAGE, PROT_READ | PROT_EXEC)) fail(91);
  __asm__ volatile("fence.i" ::: "memory");
  return (fn1_t)(uintptr_t)buf;
}

// sum(n) = n + (n-1) + ... + 1
static void gen_sum(uint32_t* c) {
  c[0] = addi(A1, ZERO, 0);  //        a1 = 0
  c[1] = beq(A0, ZERO, 16);  // loop:  if a0 == 0 goto done
  c[2] = add(A1, A1, A0);    //        a1 += a0
  c[3] = addi(A0, A0, -1);   //        a0 -= 1
  c[4] = jal(ZERO, -12);     //        goto loop
  c[5] = addi(A0, A1, 0);    // done:  return a1
  c[6] = ret();
}
// fact(n) = n!  (counts up: i = 1; while (i < n+1) acc *= i++)
static void gen_fact(uint32_t* c) {
  c[0] = addi(A1, ZERO, 1);  //        acc = 1
  c[1] = addi(A2, ZERO, 1);  //        i = 1
  c[2] = addi(A0, A0, 1);    //        limit = n + 1
  c[3] = blt(A2, A0, 8);     // loop:  if i < limit goto body
  c[4] = jal(ZERO, 16);      //        goto done
  c[5] = mul(A1, A1, A2);    // body:  acc *= i
  c[6] = addi(A2, A2, 1);    //        i++
  c[7] = jal(ZERO, -16);     //        goto loop
  c[8] = addi(A0, A1, 0);    // done:  return acc
  c[9] = ret();
}
// k(n) = n + k, as a run of k addi's (a long straight-line block)
static void gen_add_chain(uint32_t* c, int k) {
  for (int i = 0; i < k; i++) c[i] = addi(A0, A0, 1);
  c[k] = ret();
}

int main(void) {
  buf = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buf == MAP_FAILED) fail(1);

  gen_sum(buf);
  fn1_t f = executable();
  if (f(100) != 5050) fail(2);
  if (f(0) != 0) fail(3);
  if (f(100000) != 5000050000L) fail(4);

  writable();
  gen_fact(buf);
  f = executable();
  if (f(10) != 3628800) fail(5);
  if (f(20) != 2432902008176640000L) fail(6);
  if (f(1) != 1) fail(7);

  for (int k = 1; k < 40; k++) {
    writable();
    gen_add_chain(buf, k);
    f = executable();
    if (f(1000) != 1000 + k) fail(8);
  }

  // back to the first function: stale translations must not survive
  writable();
  gen_sum(buf);
  f = executable();
  if (f(10) != 55) fail(9);

  // same again without mprotect: an RWX buffer, rewritten in place + fence.i
  if (mprotect(buf, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC)) fail(10);
  gen_fact(buf);
  __asm__ volatile("fence.i" ::: "memory");
  if (f(5) != 120) fail(11);
  gen_sum(buf);
  __asm__ volatile("fence.i" ::: "memory");
  if (f(5) != 15) fail(12);

  puts("PASS guest_jit");
  return 0;
}
