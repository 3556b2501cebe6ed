// tests/guest/vector/vmem.c — V 1.0 loads and stores against qemu:
// unit-stride, strided (positive, negative, zero stride), indexed ordered
// and unordered, segment forms, whole-register and mask loads/stores,
// masked forms, and fault-only-first loads at a page edge (vl shrinks to
// the elements before the inaccessible page; a fault on element 0 is a
// SIGSEGV at that address).
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vtest.h"

static uint8_t mem[4096] __attribute__((aligned(64)));
static void init_mem(void) {
  for (int i = 0; i < 4096; ++i) mem[i] = (uint8_t)(i * 37 + (i >> 8));
}
// A case whose a0 points into mem (at offset 1024, so negative strides stay inside).
#define M(vt, avl, insn)                      \
  do {                                        \
    init_mem();                               \
    x_arg = (uint64_t)(mem + 1024);           \
    T(vt, avl, insn);                         \
  } while (0)
// Stores: then reload the memory around a0 into v8..v15 so the report shows it.
#define S(vt, avl, insn) M(vt, avl, insn "\n addi t2, a0, -64\n vl8re8.v v8, (t2)")
// Index vector v24: offsets 0..120 in steps of 8, computed at the index EEW e.
#define IDX(e) "vsetvli t2, zero, e" #e ", m8, ta, ma\n vand.vi v24, v24, 15\n vsll.vi v24, v24, 3\n vsetvli t0, %[avl], "

static sigjmp_buf jb;
static volatile uintptr_t fault_addr;
static void on_segv(int sig, siginfo_t* si, void* uc) {
  (void)sig, (void)uc;
  fault_addr = (uintptr_t)si->si_addr;
  siglongjmp(jb, 1);
}

static void ff_page_edge(void) {
  long pg = sysconf(_SC_PAGESIZE);
  uint8_t* p = mmap(0, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (long i = 0; i < pg; ++i) p[i] = (uint8_t)(i ^ 0x5a);
  mprotect(p + pg, pg, PROT_NONE);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0);
  static const int offs[] = {12, 16, 4, 64, 6};  // 6: element 1 straddles the edge
  for (unsigned k = 0; k < sizeof offs / sizeof offs[0]; ++k) {
    uint8_t* base = p + pg - offs[k];
    uint64_t vl = 0;
    uint32_t out[8] = {0};
    __asm__ volatile("vsetivli t0, 8, e32, m2, tu, mu\n vmv.v.i v8, 0\n vle32ff.v v8, (%1)\n csrr %0, vl\n"
                     "vsetivli t0, 8, e32, m2, tu, mu\n vse32.v v8, (%2)"
                     : "=r"(vl) : "r"(base), "r"(out) : "t0", "memory");
    printf("vle32ff at edge-%d: vl=%lu data=%08x %08x %08x %08x\n", offs[k], (unsigned long)vl, out[0], out[1], out[2], out[3]);
  }
  // Element 0 inaccessible: a real fault at the page start.
  if (sigsetjmp(jb, 1) == 0) {
    __asm__ volatile("vsetivli t0, 4, e8, m1, tu, mu\n vle8ff.v v8, (%0)" : : "r"(p + pg) : "t0", "memory");
    printf("no fault\n");
  } else {
    printf("vle8ff element 0: SIGSEGV at page+%ld\n", (long)(fault_addr - (uintptr_t)(p + pg)));
  }
  // A plain load crossing into the page faults at the first inaccessible element.
  if (sigsetjmp(jb, 1) == 0) {
    __asm__ volatile("vsetivli t0, 4, e32, m1, tu, mu\n vle32.v v8, (%0)" : : "r"(p + pg - 8) : "t0", "memory");
    printf("no fault\n");
  } else {
    printf("vle32 across the edge: SIGSEGV at page+%ld\n", (long)(fault_addr - (uintptr_t)(p + pg)));
  }
  munmap(p, 2 * pg);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  fill_int(5);
  M("e8,m1,tu,mu", 100, "vle8.v v8, (a0)");
  M("e16,m2,tu,mu", 100, "vle16.v v8, (a0), v0.t");
  M("e32,m1,tu,mu", 3, "vle32.v v8, (a0)");
  M("e64,m4,tu,mu", 100, "vle64.v v8, (a0)");
  M("e32,m1,tu,mu", 100, "vle8.v v8, (a0)");  // EEW 8 with SEW 32: EMUL 1/4
  M("e8,m1,tu,mu", 100, "vle64.v v8, (a0)");  // EEW 64 with SEW 8: EMUL 8
  M("e16,m1,tu,mu", 100, "li t2, 6\n vlse16.v v8, (a0), t2");
  M("e32,m1,tu,mu", 100, "li t2, -12\n vlse32.v v8, (a0), t2, v0.t");
  M("e64,m1,tu,mu", 100, "vlse64.v v8, (a0), zero");
  // stride x0 (GCC's splat from memory; inline in the JIT): a group, a
  // tail (vl 5 of 8), other SEWs
  M("e16,m1,tu,mu", 100, "vlse16.v v8, (a0), zero");
  M("e8,m2,tu,mu", 100, "addi t2, a0, 3\n vlse8.v v8, (t2), zero");
  M("e8,mf2,tu,mu", 5, "vlse8.v v9, (a0), zero");
  M("e32,m1,ta,ma", 100, "addi t2, a0, 6\n vlse32.v v9, (t2), zero");
  M("e8,m1,tu,mu", 100, IDX(8) "e8,m1,tu,mu\n vluxei8.v v8, (a0), v24");
  M("e32,m1,tu,mu", 100, IDX(8) "e32,m1,tu,mu\n vloxei8.v v8, (a0), v24, v0.t");
  M("e64,m2,tu,mu", 100, IDX(16) "e64,m2,tu,mu\n vluxei16.v v8, (a0), v24");
  M("e16,m1,tu,mu", 100, IDX(32) "e16,m1,tu,mu\n vloxei32.v v8, (a0), v24");
  M("e8,m1,tu,mu", 100, "vlseg2e8.v v8, (a0)");
  M("e16,m1,tu,mu", 100, "vlseg3e16.v v8, (a0), v0.t");
  M("e32,m2,tu,mu", 100, "vlseg4e32.v v8, (a0)");
  M("e8,m1,tu,mu", 100, "vlseg8e8.v v8, (a0)");
  M("e32,m1,tu,mu", 100, "li t2, 20\n vlsseg2e32.v v8, (a0), t2");
  M("e16,m1,tu,mu", 100, IDX(8) "e16,m1,tu,mu\n vluxseg3ei8.v v8, (a0), v24");
  M("e64,m1,tu,mu", 100, "vle64ff.v v8, (a0)");
  M("e16,m1,tu,mu", 100, "vlseg2e16ff.v v8, (a0), v0.t");
  M("e32,m1,tu,mu", 100, IDX(16) "e32,m1,tu,mu\n vloxseg2ei16.v v8, (a0), v24, v0.t");
  M("e8,mf4,tu,mu", 100, "vlseg4e8.v v8, (a0)");
  M("e16,m4,tu,mu", 100, "vlseg2e16.v v8, (a0)");
  M("e64,m1,tu,mu", 100, "li t2, 24\n vlsseg3e64.v v8, (a0), t2, v0.t");
  M("e8,m1,tu,mu", 100, "vl1re8.v v8, (a0)");
  M("e8,m1,tu,mu", 100, "vl2re16.v v8, (a0)");
  M("e8,m1,tu,mu", 100, "vl4re32.v v8, (a0)");
  M("e8,m1,tu,mu", 100, "vl8re64.v v8, (a0)");
  M("e8,m1,tu,mu", 13, "vlm.v v8, (a0)");
  S("e8,m1,tu,mu", 100, "vse8.v v16, (a0)");
  S("e16,m1,tu,mu", 100, "vse16.v v16, (a0), v0.t");
  S("e32,m2,tu,mu", 5, "vse32.v v16, (a0)");
  S("e64,m1,tu,mu", 100, "li t2, -16\n vsse64.v v16, (a0), t2");
  S("e32,m1,tu,mu", 100, "li t2, 8\n vsse32.v v16, (a0), t2, v0.t");
  S("e32,m1,tu,mu", 100, IDX(8) "e32,m1,tu,mu\n vsuxei8.v v16, (a0), v24");
  S("e16,m1,tu,mu", 100, IDX(8) "e16,m1,tu,mu\n vsoxei8.v v16, (a0), v24");
  S("e8,m1,tu,mu", 100, "vsseg2e8.v v16, (a0)");
  S("e32,m1,tu,mu", 100, "vsseg3e32.v v16, (a0), v0.t");
  S("e8,m1,tu,mu", 100, "vs1r.v v16, (a0)");
  S("e8,m1,tu,mu", 100, "vs2r.v v16, (a0)");
  S("e8,m1,tu,mu", 100, "vs4r.v v16, (a0)");
  S("e8,m1,tu,mu", 100, "vs8r.v v16, (a0)");
  S("e8,m1,tu,mu", 21, "vsm.v v16, (a0)");
  S("e16,m1,tu,mu", 100, "li t2, -6\n vssseg2e16.v v16, (a0), t2");
  S("e64,m1,tu,mu", 100, IDX(32) "e64,m1,tu,mu\n vsuxseg2ei32.v v16, (a0), v24");
  S("e32,m4,tu,mu", 9, "vse32.v v16, (a0), v0.t");
  ff_page_edge();
  return 0;
}
