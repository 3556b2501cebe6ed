// tests/guest/signal_oddpc.c — an odd pc from a signal handler: Linux
// resumes a sigreturn whose saved pc is odd at that pc with bit 0 cleared,
// and runs a handler registered at an odd address from the even one (the
// kernel's sret writes sepc, whose bit 0 is always zero: RISC-V privileged
// spec), where an emulator that jumps to the odd address takes SIGILL
// (qemu-riscv64 7.2 does: the manifest skips its comparison). The native
// x86-64 build prints the same lines without the riscv-only edits.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <ucontext.h>

static volatile int ran;

static void make_odd(int sig, siginfo_t* info, void* ctx) {
  (void)sig, (void)info;
#if defined(__riscv)
  ucontext_t* uc = ctx;
  uc->uc_mcontext.__gregs[REG_PC] |= 1;
#else
  (void)ctx;
#endif
  ++ran;
}

static void plain(int sig, siginfo_t* info, void* ctx) {
  (void)sig, (void)info, (void)ctx;
  ++ran;
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = make_odd;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, 0);
  raise(SIGUSR1);
  printf("resumed after an odd saved pc: handler ran %d time(s)\n", ran);
  unsigned long h = (unsigned long)plain;
#if defined(__riscv)
  h |= 1;
#endif
  sa.sa_sigaction = (void (*)(int, siginfo_t*, void*))h;
  sigaction(SIGUSR2, &sa, 0);
  raise(SIGUSR2);
  printf("handler at an odd address: ran %d time(s) in all\n", ran);
  return 0;
}
