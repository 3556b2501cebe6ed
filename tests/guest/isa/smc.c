// tests/guest/isa/smc.c — self-modifying code under static glibc: a function
// is written, made visible to instruction fetch, called, rewritten at the
// same address and called again. The ways covered, one case each: fence.i
// in an RWX mapping, __builtin___clear_cache, the riscv_flush_icache syscall
// (259), RW→RX mprotect flips, and patching the text segment itself (a page
// of it made writable with mprotect). Prints "PASS smc" or "FAIL smc <case>".
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096
typedef long (*fn_t)(void);

static uint32_t li_a0(int32_t imm) { return ((uint32_t)imm << 20) | 0x513u; }  // addi a0, zero, imm
static const uint32_t kRet = 0x00008067u;                                      // jalr zero, 0(ra)

static void fail(int n) {
  printf("FAIL smc %d\n", n);
  exit(n);
}
static void emit(uint32_t* p, int32_t v) {
  p[0] = li_a0(v);
  p[1] = kRet;
}
static void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }
static void flush_syscall(void* a, size_t n) {
  if (syscall(259, a, (char*)a + n, 0) != 0) fail(99);
}

// A function in its own page of the text segment: li a0, 1; ret.
__asm__(".pushsection .text.smc_page, \"ax\"\n"
        ".balign 4096\n"
        ".globl smc_text_fn\n"
        "smc_text_fn:\n"
        ".option push\n.option norvc\n"
        "  li a0, 1\n"
        "  ret\n"
        ".option pop\n"
        ".balign 4096\n"
        ".popsection\n");
extern long smc_text_fn(void);

int main(void) {
  uint32_t* p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) fail(1);
  fn_t f = (fn_t)(uintptr_t)p;

  // 1: fence.i, repeatedly rewriting the same address
  for (int i = 1; i <= 50; i++) {
    emit(p, i);
    fence_i();
    if (f() != i) fail(2);
  }
  // 2: __builtin___clear_cache
  emit(p, 123);
  __builtin___clear_cache((char*)p, (char*)(p + 2));
  if (f() != 123) fail(3);
  emit(p, -5);
  __builtin___clear_cache((char*)p, (char*)(p + 2));
  if (f() != -5) fail(4);
  // 3: riscv_flush_icache syscall
  emit(p, 700);
  flush_syscall(p, 8);
  if (f() != 700) fail(5);
  emit(p, 701);
  flush_syscall(p, 8);
  if (f() != 701) fail(6);
  // 4: a different function body at the same address (longer code)
  p[0] = li_a0(20);
  p[1] = 0x00150513u;  // addi a0, a0, 1
  p[2] = 0x00a50533u;  // add a0, a0, a0
  p[3] = kRet;
  fence_i();
  if (f() != 42) fail(7);
  munmap(p, PAGE);

  // 5: W^X: RW while writing, RX while running
  p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) fail(10);
  f = (fn_t)(uintptr_t)p;
  for (int i = 0; i < 10; i++) {
    if (mprotect(p, PAGE, PROT_READ | PROT_WRITE)) fail(11);
    emit(p, 1000 + i);
    if (mprotect(p, PAGE, PROT_READ | PROT_EXEC)) fail(12);
    fence_i();
    if (f() != 1000 + i) fail(13);
  }
  munmap(p, PAGE);

  // 6: the text segment: make smc_text_fn's page writable and patch it
  uintptr_t page = (uintptr_t)&smc_text_fn & ~(uintptr_t)(PAGE - 1);
  if (smc_text_fn() != 1) fail(20);
  if (mprotect((void*)page, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC)) fail(21);
  volatile uint32_t* insn = (volatile uint32_t*)(uintptr_t)&smc_text_fn;
  for (int i = 2; i < 12; i++) {
    *insn = (*insn & 0xfffffu) | ((uint32_t)i << 20);
    fence_i();
    if (smc_text_fn() != i) fail(22);
  }
  puts("PASS smc");
  return 0;
}
