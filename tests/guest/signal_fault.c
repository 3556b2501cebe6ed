// tests/guest/signal_fault.c — synchronous signals and the signal frame:
// SIGSEGV on a NULL write left with siglongjmp (twice: the mask comes back),
// SIGSEGV on a write to a read-only page and a read of a PROT_NONE page
// (si_code, si_addr), SIGILL (si_addr = pc), a handler that edits the
// ucontext (skips the faulting load and sets its destination register), the
// interrupted mask in uc_sigmask, floating-point registers and fcsr kept
// across a handler that clobbers them, and sigaltstack with SA_ONSTACK
// (nested handlers on the alternate stack). Prints the same natively on
// x86-64 Linux (the instruction-level parts have one variant per arch).
#define _GNU_SOURCE
#if !defined(__riscv)
#include <fenv.h>  // riscv64 uses fcsr directly: guest programs link no libm
#endif
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile int hits, code;
static void* volatile addr;
static volatile uintptr_t pc_at_fault;

static void on_fault(int sig, siginfo_t* si, void* ucv) {
  ucontext_t* uc = ucv;
  hits++;
  code = si->si_code;
  addr = si->si_addr;
#if defined(__riscv)
  pc_at_fault = uc->uc_mcontext.__gregs[REG_PC];
#else
  pc_at_fault = uc->uc_mcontext.gregs[REG_RIP];
#endif
  (void)sig;
  siglongjmp(env, 1);
}

static void install(int sig, void (*fn)(int, siginfo_t*, void*), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fn;
  sa.sa_flags = SA_SIGINFO | flags;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

// ---- ucontext editing: skip a faulting 8-byte load, set its result. -------
static void on_skip(int sig, siginfo_t* si, void* ucv) {
  (void)sig;
  ucontext_t* uc = ucv;
  hits++;
  addr = si->si_addr;
#if defined(__riscv)
  uc->uc_mcontext.__gregs[REG_PC] += 4;       // ld a5, 0(a4) (not compressed)
  uc->uc_mcontext.__gregs[REG_A0 + 5] = 4242;  // a5
#else
  uc->uc_mcontext.gregs[REG_RIP] += 3;  // mov (%rdx), %rax
  uc->uc_mcontext.gregs[REG_RAX] = 4242;
#endif
}

static long load_skipped(void) {
#if defined(__riscv)
  register long r asm("a5") = 1;
  register long* p asm("a4") = 0;
  __asm__ volatile(".option push\n.option norvc\nld a5, 0(a4)\n.option pop"
                   : "+r"(r)
                   : "r"(p)
                   : "memory");
#else
  long r = 1;
  long* p = 0;
  __asm__ volatile(".byte 0x48, 0x8b, 0x02" : "+a"(r) : "d"(p) : "memory");
#endif
  return r;
}

// ---- uc_sigmask ----------------------------------------------------------------
static volatile int uc_had_usr2, in_handler_usr1;
static void on_usr1_mask(int sig, siginfo_t* si, void* ucv) {
  (void)sig;
  (void)si;
  ucontext_t* uc = ucv;
  uc_had_usr2 = sigismember(&uc->uc_sigmask, SIGUSR2);
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  in_handler_usr1 = sigismember(&cur, SIGUSR1);
}

// ---- floating point across a handler -----------------------------------------
static volatile double sink;
static void on_fp_clobber(int sig) {
  (void)sig;
  volatile double a = 1.0, b = 3.0;
  double acc = 0;
#if defined(__riscv)
  __asm__ volatile("fsrm %0, %1" : "=r"(sig) : "r"(3) : "memory");  // round up
  for (int i = 0; i < 50; ++i) acc += a / (b + i);
  sink = acc;
  __asm__ volatile(
      "fsflags zero, %0\n"
#define Z(n) "fmv.d.x f" #n ", zero\n"
      Z(0) Z(1) Z(2) Z(3) Z(4) Z(5) Z(6) Z(7) Z(8) Z(9) Z(10) Z(11) Z(12) Z(13) Z(14) Z(15)
      Z(16) Z(17) Z(18) Z(19) Z(20) Z(21) Z(22) Z(23) Z(24) Z(25) Z(26) Z(27) Z(28) Z(29)
      Z(30) Z(31)
#undef Z
      ::"r"(0x1f) : "memory");
#else
  fesetround(FE_UPWARD);
  for (int i = 0; i < 50; ++i) acc += a / (b + i);
  sink = acc;
  feraiseexcept(FE_ALL_EXCEPT);
#endif
}

static int fp_preserved(void) {
  signal(SIGUSR1, on_fp_clobber);
#if defined(__riscv)
  // f0..f31 and fcsr (frm = RTZ, fflags = NX|OF) set, tgkill, stored back:
  // nothing but the handler runs in between.
  static uint64_t in[32], out[32];
  for (int i = 0; i < 32; ++i) in[i] = 0x4000000000000000ull + (uint64_t)i * 0x1234567ull;
  long pid = getpid(), tid = gettid();
  unsigned long fcsr_out;
  __asm__ volatile(
      "fscsr zero, %[fcsr]\n"
#define L(n) "fld f" #n ", " #n "*8(%[in])\n"
      L(0) L(1) L(2) L(3) L(4) L(5) L(6) L(7) L(8) L(9) L(10) L(11) L(12) L(13) L(14) L(15)
      L(16) L(17) L(18) L(19) L(20) L(21) L(22) L(23) L(24) L(25) L(26) L(27) L(28) L(29)
      L(30) L(31)
#undef L
      "mv a0, %[pid]\n"
      "mv a1, %[tid]\n"
      "li a2, 10\n"   // SIGUSR1
      "li a7, 131\n"  // tgkill
      "ecall\n"
#define S(n) "fsd f" #n ", " #n "*8(%[out])\n"
      S(0) S(1) S(2) S(3) S(4) S(5) S(6) S(7) S(8) S(9) S(10) S(11) S(12) S(13) S(14) S(15)
      S(16) S(17) S(18) S(19) S(20) S(21) S(22) S(23) S(24) S(25) S(26) S(27) S(28) S(29)
      S(30) S(31)
#undef S
      "frcsr %[fcsr_out]\n"
      "fscsr zero, zero\n"
      : [fcsr_out] "=&r"(fcsr_out)
      : [in] "r"(in), [out] "r"(out), [pid] "r"(pid), [tid] "r"(tid), [fcsr] "r"((1 << 5) | 5)
      : "a0", "a1", "a2", "a7", "memory", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8",
        "f9", "f10", "f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21",
        "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31");
  return memcmp(in, out, sizeof in) == 0 && fcsr_out == ((1 << 5) | 5);
#else
  volatile double x = 1.0 / 3.0;
  double before = x * 7.0;
  fesetround(FE_TOWARDZERO);
  feclearexcept(FE_ALL_EXCEPT);
  raise(SIGUSR1);
  int ok = fegetround() == FE_TOWARDZERO && fetestexcept(FE_ALL_EXCEPT) == 0;
  fesetround(FE_TONEAREST);
  return ok && before == x * 7.0;
#endif
}

// ---- sigaltstack ------------------------------------------------------------------
static char altstack[64 * 1024] __attribute__((aligned(16)));
static volatile uintptr_t local1, local2;
static volatile int flags1, flags2;
static void on_alt2(int sig) {
  (void)sig;
  volatile char c = 0;
  local2 = (uintptr_t)&c;
  stack_t o;
  sigaltstack(NULL, &o);
  flags2 = o.ss_flags;
}
static void on_alt1(int sig) {
  (void)sig;
  volatile char c = 0;
  local1 = (uintptr_t)&c;
  stack_t o;
  sigaltstack(NULL, &o);
  flags1 = o.ss_flags;
  raise(SIGUSR2);  // nested, also SA_ONSTACK: stays on the alternate stack
}
static int in_alt(uintptr_t a) {
  return a >= (uintptr_t)altstack && a < (uintptr_t)altstack + sizeof altstack;
}

int main(void) {
  long pagesz = sysconf(_SC_PAGESIZE);
  install(SIGSEGV, on_fault, 0);

  // NULL write, twice: siglongjmp restores the mask that blocked SIGSEGV.
  for (int i = 0; i < 2; ++i) {
    if (sigsetjmp(env, 1) == 0) {
      volatile int* volatile p = NULL;
      *p = 1;
      puts("not reached");
    }
    printf("null write %d: hits=%d code=%d addr=%p\n", i, hits, code, addr);
  }

  // Write to a read-only page.
  char* ro = mmap(NULL, 2 * pagesz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (sigsetjmp(env, 1) == 0) {
    ((volatile char*)ro)[pagesz + 123] = 1;
    puts("not reached");
  }
  printf("read-only write: hits=%d code=%d offset=%ld\n", hits, code, (long)((char*)addr - ro));
  // Read of a PROT_NONE page.
  mprotect(ro, pagesz, PROT_NONE);
  if (sigsetjmp(env, 1) == 0) {
    sink = ((volatile char*)ro)[77];
    puts("not reached");
  }
  printf("prot-none read: hits=%d code=%d offset=%ld\n", hits, code, (long)((char*)addr - ro));
  munmap(ro, 2 * pagesz);

  // Illegal instruction: si_addr and the context pc are the instruction.
  install(SIGILL, on_fault, 0);
  extern char bad_insn[];
  if (sigsetjmp(env, 1) == 0) {
#if defined(__riscv)
    __asm__ volatile(".globl bad_insn\nbad_insn: .word 0" ::: "memory");
#else
    __asm__ volatile(".globl bad_insn\nbad_insn: ud2" ::: "memory");
#endif
    puts("not reached");
  }
#if defined(__riscv)
  int ill_code = ILL_ILLOPC;
#else
  int ill_code = ILL_ILLOPN;
#endif
  printf("sigill: hits=%d code_ok=%d addr_ok=%d pc_ok=%d\n", hits, code == ill_code,
         addr == (void*)bad_insn, pc_at_fault == (uintptr_t)bad_insn);

  // The handler moves pc past the faulting load and supplies its result.
  hits = 0;
  install(SIGSEGV, on_skip, 0);
  long v = load_skipped();
  printf("skip: hits=%d value=%ld addr=%p\n", hits, v, addr);

  // uc_sigmask is the interrupted mask; the handler's own signal is blocked.
  install(SIGUSR1, on_usr1_mask, 0);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR2);
  sigprocmask(SIG_BLOCK, &s, NULL);
  raise(SIGUSR1);
  sigprocmask(SIG_UNBLOCK, &s, NULL);
  printf("uc_sigmask: usr2=%d usr1_blocked_inside=%d\n", uc_had_usr2, in_handler_usr1);

  // FP registers and fcsr survive a handler that clobbers them.
  printf("fp preserved: %d\n", fp_preserved());

  // sigaltstack + SA_ONSTACK.
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  printf("sigaltstack: %d\n", sigaltstack(&ss, NULL));
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_flags = SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_alt1;
  sigaction(SIGUSR1, &sa, NULL);
  sa.sa_handler = on_alt2;
  sigaction(SIGUSR2, &sa, NULL);
  raise(SIGUSR1);
  stack_t o;
  sigaltstack(NULL, &o);
  printf("onstack: h1=%d h2=%d nested_below=%d flags1=%d flags2=%d after=%d\n", in_alt(local1),
         in_alt(local2), local2 < local1, flags1, flags2, o.ss_flags);
  // Without SA_ONSTACK the handler stays on the normal stack.
  sa.sa_flags = 0;
  sa.sa_handler = on_alt2;
  sigaction(SIGUSR2, &sa, NULL);
  raise(SIGUSR2);
  printf("no onstack: h=%d flags=%d\n", in_alt(local2), flags2);
  // Too small a stack, and a disabled one.
  ss.ss_size = 1024;
  int r = sigaltstack(&ss, NULL);
  printf("small: r=%d\n", r);
  ss.ss_flags = SS_DISABLE;
  sigaltstack(&ss, NULL);
  sigaltstack(NULL, &o);
  printf("disabled: flags=%d\n", o.ss_flags);
  return 0;
}
