// tests/gdb/ifconv.c — a loop whose body hart's frontend if-converts (a
// beqz over one addi: docs/ARCHITECTURE.md "If-conversion"), in inline asm
// so that its shape does not depend on the compiler, for gdb.break_in_ifconv:
// the loop runs once with no breakpoint set (translated as one converted
// self-loop block), the program stops itself with SIGUSR1, the debugger
// sets a breakpoint on the skipped addi (ifc_skipped), and the second run
// of the loop must stop there each time the addi runs (v odd: 7, 11, 17,
// 13, 5), stepi must go from it to the join (ifc_join).
#include <signal.h>
#include <stdio.h>

static long collatz_steps(long v) {
  long steps;
  __asm__ volatile(
      "  li %0, 0\n"
      "1: andi t0, %1, 1\n"
      "  slli t1, %1, 1\n"
      "  add t1, t1, %1\n"
      "  srli %1, %1, 1\n"
      "  beqz t0, ifc_join\n"
      "  .globl ifc_skipped\n"
      "ifc_skipped: addi %1, t1, 1\n"
      "  .globl ifc_join\n"
      "ifc_join: addi %0, %0, 1\n"
      "  li t2, 1\n"
      "  bne %1, t2, 1b\n"
      : "=&r"(steps), "+r"(v)
      :
      : "t0", "t1", "t2");
  return steps;
}

static void on_usr1(int sig) { (void)sig; }

int main(void) {
  signal(SIGUSR1, on_usr1);
  long a = collatz_steps(7);
  raise(SIGUSR1);  // the debugger stops here and sets its breakpoint
  long b = collatz_steps(7);
  printf("steps %ld %ld\n", a, b);
  return 0;
}
