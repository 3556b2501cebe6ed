// tests/guest/vector/vsignal.c — the Linux V ABI under hart-run: the vector
// context in the signal frame (RISCV_V_MAGIC header after sigcontext's FP
// state, struct __riscv_v_ext_state, the registers at datap, an END
// header), restored by rt_sigreturn (a handler that clobbers the vector
// registers does not disturb the interrupted code; a change it makes in the
// frame is what the code sees); vstart in the frame of a fault in the
// middle of a vector load, and the load resuming from it; AT_HWCAP bit V;
// prctl(PR_RISCV_V_GET/SET_CONTROL), and V off after an execve asked for
// with next = off (GET says off, a vector instruction is SIGILL, the
// vector CSRs too). qemu-riscv64 7.2 saves no vector
// state in its frames, so this runs under hart-run alone.
// Prints "PASS vsignal" or "FAIL vsignal <n>" (exit n).
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <ucontext.h>
#include <unistd.h>

#define RISCV_V_MAGIC 0x53465457
struct ctx_hdr {
  uint32_t magic, size;
};
struct v_state {
  unsigned long vstart, vl, vtype, vcsr, vlenb;
  void* datap;
};

static volatile int failed;
static void fail(int n) {
  if (!failed) failed = n;
}

// The first extension header: the last 8 bytes of sigcontext's FP union.
static struct ctx_hdr* ext_hdr(ucontext_t* uc) {
  return (struct ctx_hdr*)((char*)&uc->uc_mcontext.__fpregs + 528 - 8);
}
static struct v_state* v_ctx(ucontext_t* uc, int n) {
  struct ctx_hdr* h = ext_hdr(uc);
  if (h->magic != RISCV_V_MAGIC) return fail(n), (struct v_state*)0;
  if (h->size != 8 + sizeof(struct v_state) + 32 * 16) return fail(n + 1), (struct v_state*)0;
  struct v_state* vs = (struct v_state*)(h + 1);
  if (vs->vlenb != 16 || vs->datap != (void*)(vs + 1) || ((uintptr_t)vs->datap & 15)) return fail(n + 2), (struct v_state*)0;
  struct ctx_hdr* end = (struct ctx_hdr*)((char*)vs->datap + 32 * 16);
  if (end->magic != 0 || end->size != 0) return fail(n + 3), (struct v_state*)0;
  return vs;
}

static void on_trap(int sig, siginfo_t* si, void* ucv) {
  (void)sig, (void)si;
  ucontext_t* uc = ucv;
  struct v_state* vs = v_ctx(uc, 10);
  if (vs) {
    uint32_t* v4 = (uint32_t*)((char*)vs->datap + 4 * 16);
    if (vs->vl != 3 || vs->vtype != 0xd0 || vs->vstart != 0 || vs->vcsr != (2 << 1 | 1)) fail(20);  // e32,m1,ta,ma
    if (v4[0] != 0 || v4[1] != 1 || v4[2] != 2 || v4[3] != 3) fail(21);
    uint32_t* v5 = (uint32_t*)((char*)vs->datap + 5 * 16);
    for (int i = 0; i < 4; ++i) v5[i] = 0xdeadbeef;  // seen after sigreturn
  }
  // Clobber the live vector state: sigreturn restores it.
  __asm__ volatile("vsetvli t0, zero, e8, m8, tu, mu\n vmv.v.i v0, 7\n vmv.v.i v8, 7\n csrwi vcsr, 0"
                   ::: "t0");
  uintptr_t* pc = (uintptr_t*)&uc->uc_mcontext.__gregs[0];
  *pc += (*(uint16_t*)*pc & 3) == 3 ? 4 : 2;  // past the ebreak
}

static uint8_t* page2;
static void on_segv(int sig, siginfo_t* si, void* ucv) {
  (void)sig;
  ucontext_t* uc = ucv;
  if (si->si_addr != page2) fail(30);
  struct v_state* vs = v_ctx(uc, 31);
  if (vs) {
    if (vs->vstart != 2 || vs->vl != 4) fail(35);
    uint32_t* v8 = (uint32_t*)((char*)vs->datap + 8 * 16);
    v8[0] = v8[1] = 0x11111111;  // below vstart: the resumed load leaves them
  }
  mprotect(page2, 4096, PROT_READ | PROT_WRITE);
  ((uint32_t*)page2)[0] = 0x2222;
  ((uint32_t*)page2)[1] = 0x3333;
}

static sigjmp_buf ill_jb;
static void on_ill(int sig) {
  (void)sig;
  siglongjmp(ill_jb, 1);
}

// After execve with next = off: V is off in the new image.
static int child_v_off(void) {
  if (prctl(70) != 1) return printf("FAIL vsignal 60 (ctrl %d)\n", prctl(70)), 60;
  signal(SIGILL, on_ill);
  int ills = 0;
  if (sigsetjmp(ill_jb, 1) == 0) __asm__ volatile("vsetivli t0, 4, e32, m1, ta, ma" ::: "t0");
  else ++ills;
  if (sigsetjmp(ill_jb, 1) == 0) {
    unsigned long x;
    __asm__ volatile("csrr %0, vlenb" : "=r"(x));
  } else {
    ++ills;
  }
  if (ills != 2) return printf("FAIL vsignal 61\n"), 61;
  printf("PASS vsignal\n");
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && !strcmp(argv[1], "v-off")) return child_v_off();
  if (!(getauxval(AT_HWCAP) & (1ul << ('V' - 'A')))) fail(1);
  if (prctl(69 + 1) != 2) fail(2);                                  // GET: cur ON
  if (prctl(69, 1) != -1 || errno != EPERM) fail(3);                 // cannot turn V off now
  if (prctl(69, 2 | 1 << 2) != 0 || prctl(70) != (2 | 1 << 2)) fail(4);  // next exec: off
  if (prctl(69, 0) != 0 || prctl(70) != 2) fail(5);                  // back to default
  if (prctl(69, 1 << 5) != -1 || errno != EINVAL) fail(6);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_trap;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGTRAP, &sa, 0);
  uint32_t v4[4], v5[4];
  unsigned long vl, vtype, vcsr;
  __asm__ volatile("vsetivli t0, 4, e32, m1, ta, ma\n vid.v v4\n vmv.v.i v5, 0\n vsetivli t0, 3, e32, m1, ta, ma\n"
                   "csrwi vcsr, 5\n ebreak\n csrr %0, vl\n csrr %1, vtype\n csrr %2, vcsr\n"
                   "vsetivli t0, 4, e32, m1, ta, ma\n vse32.v v4, (%3)\n vse32.v v5, (%4)"
                   : "=&r"(vl), "=&r"(vtype), "=&r"(vcsr) : "r"(v4), "r"(v5) : "t0", "memory");
  if (vl != 3 || vtype != 0xd0 || vcsr != 5) fail(40);
  if (v4[0] != 0 || v4[3] != 3 || v5[0] != 0xdeadbeef || v5[3] != 0xdeadbeef) fail(41);

  // A fault on element 2 of a load: vstart = 2 in the frame, resumed from there.
  uint8_t* p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  page2 = p + 4096;
  mprotect(page2, 4096, PROT_NONE);
  ((uint32_t*)page2)[-2] = 0xaaaa, ((uint32_t*)page2)[-1] = 0xbbbb;
  sa.sa_sigaction = on_segv;
  sigaction(SIGSEGV, &sa, 0);
  uint32_t out[4];
  unsigned long vstart;
  __asm__ volatile("vsetivli t0, 4, e32, m1, tu, mu\n vmv.v.i v8, 0\n vle32.v v8, (%1)\n csrr %0, vstart\n vse32.v v8, (%2)"
                   : "=&r"(vstart) : "r"(page2 - 8), "r"(out) : "t0", "memory");
  if (vstart != 0) fail(50);
  if (out[0] != 0x11111111 || out[1] != 0x11111111 || out[2] != 0x2222 || out[3] != 0x3333) {
    printf("%x %x %x %x\n", out[0], out[1], out[2], out[3]);
    fail(51);
  }
  if (failed) {
    printf("FAIL vsignal %d\n", failed);
    return failed;
  }
  // V off for the next image: the child checks it and prints PASS.
  if (prctl(69, 2 | 1 << 2) != 0) return printf("FAIL vsignal 62\n"), 62;
  fflush(stdout);
  char* args[] = {argv[0], "v-off", 0};
  execv("/proc/self/exe", args);
  printf("FAIL vsignal 63\n");
  return 63;
}
