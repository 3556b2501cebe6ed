// tests/guest/isa/amo_faults.c — how the Zacas/Zabha AMOs fault: a
// misaligned halfword AMO (amoadd.h) and a misaligned amocas.q (16-byte
// alignment) are SIGBUS (BUS_ADRALN; si_addr is not checked: Linux gives
// the pc, as hart does, QEMU the address); amocas.w on a
// read-only page faults as a store (SIGSEGV, SEGV_ACCERR) even when the
// comparison fails, and memory is unchanged; amocas.q with an odd rd or
// rs2 is reserved: SIGILL. Checked against the spec and Linux's signals;
// runs under hart and QEMU 10.
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf jb;
static volatile int got_sig, got_code;
static void* volatile got_addr;

static void on_signal(int sig, siginfo_t* si, void* uc) {
  (void)uc;
  got_sig = sig;
  got_code = si->si_code;
  got_addr = si->si_addr;
  siglongjmp(jb, 1);
}

static int fail(int n) {
  printf("FAIL amo_faults %d (signal %d code %d)\n", n, got_sig, got_code);
  return n;
}

// funct7 = funct5 << 2; amoadd 0x00, amocas 0x05; funct3 1 h, 2 w, 4 q.
#define NOINLINE __attribute__((noinline))
NOINLINE static void do_amoadd_h(char* p) {  // amoadd.h a0, t1, (p) with t1 = 1
  __asm__ volatile("li t1, 1\n\t.insn r 0x2f, 1, 0x00, a0, %0, t1" ::"r"(p) : "a0", "t1", "memory");
}
NOINLINE static void do_amocas_w(char* p, long expected) {  // amocas.w a0, t1, (p) with t1 = 7
  __asm__ volatile("mv a0, %1\n\tli t1, 7\n\t.insn r 0x2f, 2, 0x14, a0, %0, t1"
                   ::"r"(p), "r"(expected) : "a0", "t1", "memory");
}
NOINLINE static void do_amocas_q(char* p) {  // amocas.q a2, a4, (p): expects 0,0, stores 1,2
  __asm__ volatile("li a2, 0\n\tli a3, 0\n\tli a4, 1\n\tli a5, 2\n\t"
                   ".insn r 0x2f, 4, 0x14, a2, %0, a4" ::"r"(p) : "a2", "a3", "a4", "a5", "memory");
}
NOINLINE static void do_amocas_q_odd(char* p) {  // amocas.q a3, a4, (p): odd rd, reserved
  __asm__ volatile(".insn r 0x2f, 4, 0x14, a3, %0, a4" ::"r"(p) : "a3", "a4", "memory");
}

#define TRY(call)                      \
  do {                                 \
    got_sig = 0;                       \
    if (!sigsetjmp(jb, 1)) call;       \
  } while (0)
static int amoadd_h(char* p) { TRY(do_amoadd_h(p)); return got_sig; }
static int amocas_w(char* p, long e) { TRY(do_amocas_w(p, e)); return got_sig; }
static int amocas_q(char* p) { TRY(do_amocas_q(p)); return got_sig; }
static int amocas_q_odd(char* p) { TRY(do_amocas_q_odd(p)); return got_sig; }

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0);
  sigaction(SIGBUS, &sa, 0);
  sigaction(SIGILL, &sa, 0);
  long pg = sysconf(_SC_PAGESIZE);
  char* m = mmap(0, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return fail(1);
  memset(m, 0, 2 * pg);
  m[pg] = 5;
  mprotect(m + pg, pg, PROT_READ);
  if (amoadd_h(m + 2) != 0 || m[2] != 1) return fail(2);
  if (amoadd_h(m + 3) != SIGBUS || got_code != BUS_ADRALN) return fail(3);
  if (m[3] != 0 || m[4] != 0) return fail(4);
  if (amocas_q(m + 32) != 0 || *(uint64_t*)(m + 32) != 1 || *(uint64_t*)(m + 40) != 2) return fail(5);
  if (amocas_q(m + 56) != SIGBUS || got_code != BUS_ADRALN) return fail(6);
  if (amocas_q_odd(m + 64) != SIGILL || got_code != ILL_ILLOPC) return fail(7);
  if (amocas_w(m + 8, 0) != 0 || *(int32_t*)(m + 8) != 7) return fail(8);
  if (amocas_w(m + pg, 4) != SIGSEGV || got_code != SEGV_ACCERR || got_addr != m + pg) return fail(9);
  if (amocas_w(m + pg, 5) != SIGSEGV || got_code != SEGV_ACCERR) return fail(10);
  if (m[pg] != 5) return fail(11);
  printf("PASS amo_faults\n");
  return 0;
}
