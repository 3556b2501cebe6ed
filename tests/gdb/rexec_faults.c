/* tests/gdb/rexec_faults.c — guest faults inside recorded code
 * (run_reverse_tests.py rexec_faults): 200 loads from unmapped pages, each
 * after a loop of a different length, caught by a SIGSEGV handler that
 * siglongjmps back; and 50 illegal instructions (SIGILL). Every fault
 * leaves a translated block in its middle, so the recorded instruction
 * count must be settled from the block's pc map: it must be the same
 * counted by blocks and one instruction at a time, and a replay must meet
 * every fault where the recording did. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static sigjmp_buf jb;
static volatile int segv, ill;

static void on_segv(int s) {
  (void)s;
  segv++;
  siglongjmp(jb, 1);
}

static void on_ill(int s) {
  (void)s;
  ill++;
  siglongjmp(jb, 1);
}

int main(void) {
  signal(SIGSEGV, on_segv);
  signal(SIGILL, on_ill);
  volatile long s = 0;
  for (int i = 0; i < 200; i++) {
    if (!sigsetjmp(jb, 1)) {
      for (int k = 0; k < i; k++) s += k * i;
      volatile int* p = (int*)(long)(16 + i * 8);
      s += *p;
    }
  }
  for (int i = 0; i < 50; i++) {
    if (!sigsetjmp(jb, 1)) {
      for (int k = 0; k < i; k++) s += k;
      __asm__ volatile(".word 0" ::: "memory"); /* an illegal instruction */
    }
  }
  printf("segv %d ill %d s %ld\n", segv, ill, s);
  return 0;
}
