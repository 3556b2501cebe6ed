// tests/guest/isa/zicbom.c — Zicbom as Linux (6.15 and later) gives it to
// user mode: cbo.clean and cbo.flush run (no visible effect) on any block
// a load or a store may access, read-only included; on an inaccessible or
// unmapped block they fault as a store would (SIGSEGV with SEGV_ACCERR or
// SEGV_MAPERR, si_addr = rs1); cbo.inval stays an illegal instruction
// (Linux leaves CBIE clear). The expected values come from the spec and
// Linux's behaviour: qemu-user (7.2 and 10) answers SIGILL to every cbo.*
// management instruction, so this test runs under hart only.
#include <setjmp.h>
#include <signal.h>
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

// op: 0 clean, 1 flush, 2 inval (encodings: cbo.* is MISC-MEM funct3 2, imm 0/1/2... inval 0).
static int run(int op, char* p) {
  got_sig = 0;
  if (!sigsetjmp(jb, 1)) {
    if (op == 0) __asm__ volatile(".insn i 0x0f, 2, x0, 1(%0)" ::"r"(p) : "memory");  // cbo.clean (p)
    else if (op == 1) __asm__ volatile(".insn i 0x0f, 2, x0, 2(%0)" ::"r"(p) : "memory");  // cbo.flush (p)
    else __asm__ volatile(".insn i 0x0f, 2, x0, 0(%0)" ::"r"(p) : "memory");  // cbo.inval (p)
  }
  return got_sig;
}

static int fail(int n) {
  printf("FAIL zicbom %d\n", n);
  return n;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0);
  sigaction(SIGILL, &sa, 0);
  long pg = sysconf(_SC_PAGESIZE);
  char* m = mmap(0, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) return fail(1);
  memset(m, 0x5a, pg);
  munmap(m + pg, pg);                     // page 1: unmapped
  mprotect(m + 2 * pg, pg, PROT_NONE);    // page 2: inaccessible
  mprotect(m + 3 * pg, pg, PROT_READ);    // page 3: read-only
  for (int op = 0; op < 2; ++op) {
    if (run(op, m + 100) != 0) return fail(10 + op);       // mapped: no fault
    if (m[100] != 0x5a || m[127] != 0x5a) return fail(12 + op);  // memory kept
    if (run(op, m + 3 * pg + 7) != 0) return fail(14 + op);   // read-only: permitted
    if (run(op, m + pg + 65) != SIGSEGV || got_code != SEGV_MAPERR || got_addr != m + pg + 65)
      return fail(16 + op);
    if (run(op, m + 2 * pg) != SIGSEGV || got_code != SEGV_ACCERR || got_addr != m + 2 * pg)
      return fail(18 + op);
  }
  if (run(2, m + 100) != SIGILL || got_code != ILL_ILLOPC) return fail(20);
  if (m[100] != 0x5a) return fail(21);
  printf("PASS zicbom\n");
  return 0;
}
