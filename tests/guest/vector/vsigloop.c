// tests/guest/vector/vsigloop.c — signals in the middle of vector loops,
// compared with an RVV qemu: a strip-mined loop keeps its running sums in
// vector registers across iterations while (1) a SIGTRAP (ebreak) arrives
// between its vector instructions and (2) a SIGSEGV hits a vector load in
// the middle of its elements (the handler makes the page readable and
// returns: the load resumes). Each handler clobbers every vector register,
// vl and vtype first; the interrupted loop must see its own state again.
// Prints the sums and the number of signals handled.
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static volatile int traps, segvs;
static uint8_t* guarded;  // a page the SIGSEGV handler makes readable

static void clobber(void) {
  __asm__ volatile(
      "vsetvli t0, zero, e8, m8, ta, ma\n"
      "vmv.v.i v0, -1\n vmv.v.i v8, -1\n vmv.v.i v16, -1\n vmv.v.i v24, -1\n"
      "vsetivli t0, 1, e64, m1, tu, mu\n" ::: "t0", "memory");
}

// SIGTRAP stops at the ebreak (Linux's sepc): the handler steps past it
// (2 or 4 bytes, by the instruction's low bits).
static void on_trap(int sig, siginfo_t* si, void* ctx) {
  (void)sig;
  (void)si;
  ++traps;
  clobber();
  unsigned long* pc = &((ucontext_t*)ctx)->uc_mcontext.__gregs[0];
  *pc += (*(uint16_t*)*pc & 3) == 3 ? 4 : 2;
}

static void on_segv(int sig) {
  (void)sig;
  ++segvs;
  mprotect(guarded, 4096, PROT_READ | PROT_WRITE);
  clobber();
}

// sum[i % 4] of a[] (n elements, 32-bit) with a strip-mined loop at
// vl <= 4; every `every`-th strip executes an ebreak between the load and
// the add.
static void sums(const uint32_t* a, long n, int every, uint32_t out[4]) {
  long i = 0;
  int strip = 0;
  __asm__ volatile("vsetivli t0, 4, e32, m1, ta, ma\n vmv.v.i v12, 0" ::: "t0");
  while (i < n) {
    long vl;
    __asm__ volatile("vsetvli %0, %1, e32, m1, tu, ma" : "=r"(vl) : "r"(n - i < 4 ? n - i : 4));
    if (every && ++strip % every == 0)
      __asm__ volatile("vle32.v v4, (%0)\n ebreak\n vadd.vv v12, v12, v4" ::"r"(a + i) : "memory");
    else
      __asm__ volatile("vle32.v v4, (%0)\n vadd.vv v12, v12, v4" ::"r"(a + i) : "memory");
    i += vl;
  }
  __asm__ volatile("vsetivli t0, 4, e32, m1, ta, ma\n vse32.v v12, (%0)" ::"r"(out) : "t0", "memory");
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_trap;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGTRAP, &sa, 0);
  sa.sa_flags = 0;
  sa.sa_handler = on_segv;
  sigaction(SIGSEGV, &sa, 0);

  static uint32_t a[1000];
  for (int i = 0; i < 1000; ++i) a[i] = (uint32_t)(i * 2654435761u >> 7);
  uint32_t plain[4], trapped[4];
  sums(a, 1000, 0, plain);
  sums(a, 1000, 7, trapped);
  printf("sums %u %u %u %u\n", plain[0], plain[1], plain[2], plain[3]);
  printf("with ebreaks: %s, %d traps\n", memcmp(plain, trapped, sizeof plain) ? "DIFFERENT" : "same", traps);

  // 64 elements straddling a page that is not readable yet: the load faults
  // at the first element on it; the handler opens it and the loop goes on.
  uint8_t* p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  guarded = p + 4096;
  uint32_t* b = (uint32_t*)(guarded - 22 * 4);  // 22 before the page: a load faults at its element 2
  for (int i = 0; i < 64; ++i) b[i] = (uint32_t)(i * 40503u + 7);
  mprotect(guarded, 4096, PROT_NONE);
  uint32_t faulted[4], again[4];
  sums(b, 64, 0, faulted);
  sums(b, 64, 0, again);
  printf("page sums %u %u %u %u\n", faulted[0], faulted[1], faulted[2], faulted[3]);
  printf("after the fault: %s, %d faults\n", memcmp(faulted, again, sizeof again) ? "DIFFERENT" : "same", segvs);
  return 0;
}
