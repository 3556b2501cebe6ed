// tests/guest/isa/ebreak.c — ebreak and c.ebreak under Linux: each raises
// SIGTRAP (si_code TRAP_BRKPT) with the signal context's pc at the breakpoint
// instruction itself; the handler steps over it (4 or 2 bytes) and execution
// goes on. Prints "PASS ebreak" or "FAIL ebreak <n>".
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

extern char brk32[], brk16[];
static volatile int traps;
static volatile uintptr_t trap_pc[2];
static volatile int trap_code[2];

static void on_trap(int sig, siginfo_t* si, void* ctx) {
  (void)sig;
  ucontext_t* uc = ctx;
  uintptr_t pc = uc->uc_mcontext.__gregs[REG_PC];
  if (traps < 2) {
    trap_pc[traps] = pc;
    trap_code[traps] = si->si_code;
  }
  traps++;
  uc->uc_mcontext.__gregs[REG_PC] = pc + ((*(uint16_t*)pc & 3) == 3 ? 4 : 2);
}

static void fail(int n) {
  printf("FAIL ebreak %d\n", n);
  exit(n);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_trap;
  sa.sa_flags = SA_SIGINFO;
  if (sigaction(SIGTRAP, &sa, NULL)) fail(1);
  long v = 1;
  __asm__ volatile(".option push\n.option norvc\n"
                   ".globl brk32\nbrk32: ebreak\n"
                   "addi %0, %0, 1\n"
                   ".option rvc\n"
                   ".globl brk16\nbrk16: c.ebreak\n"
                   "addi %0, %0, 1\n"
                   ".option pop\n"
                   : "+r"(v)::"memory");
  if (traps != 2) fail(2);
  if (v != 3) fail(3);
  if (trap_pc[0] != (uintptr_t)brk32) fail(4);
  if (trap_pc[1] != (uintptr_t)brk16) fail(5);
  if (trap_code[0] != TRAP_BRKPT || trap_code[1] != TRAP_BRKPT) fail(6);
  puts("PASS ebreak");
  return 0;
}
