// tests/guest/vector/vbits.c — Zvbb (with Zvkb) and Zvbc against QEMU 10:
// vandn, vbrev8, vrev8, vbrev, vclz, vctz, vcpop.v, vror (.vi with a 6-bit
// amount), vrol, vwsll (widening), vclmul/vclmulh (SEW 64), at several
// SEW/LMUL, masked and with vl below VLMAX (undisturbed tails), and which
// encodings are reserved (vclmul at SEW 32, vwsll at SEW 64, misaligned
// groups, masked destination v0): those print SIGILL.
#include <setjmp.h>
#include <signal.h>

#include "vk_insn.h"
#include "vtest.h"

static sigjmp_buf jb;
static void on_ill(int sig) {
  (void)sig;
  siglongjmp(jb, 1);
}
#define ILL(vt, insn)                                                                        \
  do {                                                                                       \
    const char* volatile r = "ok";                                                           \
    if (sigsetjmp(jb, 1) == 0)                                                               \
      __asm__ volatile("vsetvli t0, zero, " vt "\n" insn : : : "t0", "memory");              \
    else                                                                                     \
      r = "SIGILL";                                                                          \
    printf("%-16s %s", vt, r);                                                               \
    printf(" %s", insn);                                                                     \
  } while (0)

int main(void) {
  signal(SIGILL, on_ill);
  fill_int(7);
  T_INT(100, VANDN_VV(8, 16, 24, 1));
  T_INT(100, VANDN_VX(8, 16, 10, 0));
  T_INT(100, VBREV8_V(8, 16, 1));
  T_INT(100, VREV8_V(8, 16, 1));
  T_INT(5, VREV8_V(8, 16, 0));
  T_INT(100, VBREV_V(8, 16, 1));
  T_INT(100, VCLZ_V(8, 16, 1));
  T_INT(100, VCTZ_V(8, 16, 0));
  T_INT(100, VCPOP_V(8, 16, 1));
  T_INT(100, VROR_VV(8, 16, 24, 1));
  T_INT(100, VROR_VX(8, 16, 10, 1));
  T_INT(100, VROR_VI(8, 16, 3, 1));
  T_INT(100, VROR_VI(8, 16, 45, 0));
  T_INT(100, VROL_VV(8, 16, 24, 0));
  T_INT(100, VROL_VX(8, 16, 10, 1));
  T("e8,m1,tu,mu", 100, VWSLL_VV(8, 16, 24, 1));
  T("e16,m2,tu,mu", 100, VWSLL_VX(8, 16, 10, 0));
  T("e32,m1,tu,mu", 3, VWSLL_VI(8, 16, 17, 1));
  T("e32,mf2,tu,mu", 100, VWSLL_VI(8, 16, 31, 0));
  T("e64,m1,tu,mu", 100, VCLMUL_VV(8, 16, 24, 1));
  T("e64,m2,tu,mu", 3, VCLMUL_VX(8, 16, 10, 0));
  T("e64,m1,tu,mu", 100, VCLMULH_VV(8, 16, 24, 0));
  T("e64,m4,tu,mu", 100, VCLMULH_VX(8, 16, 10, 1));
  // no vd/vs overlap restriction for single-width ops
  T("e32,m1,tu,mu", 100, VROR_VV(16, 16, 16, 1));
  // reserved encodings
  ILL("e32,m1,ta,ma", VCLMUL_VV(8, 16, 24, 1));
  ILL("e64,m1,ta,ma", VCLMUL_VV(8, 16, 24, 1));
  ILL("e64,m1,ta,ma", VWSLL_VV(8, 16, 24, 1));
  ILL("e32,m8,ta,ma", VWSLL_VV(8, 16, 24, 1));
  ILL("e32,m1,ta,ma", VWSLL_VV(8, 8, 24, 1));
  ILL("e32,m2,ta,ma", VANDN_VV(9, 16, 24, 1));
  ILL("e32,m2,ta,ma", VCPOP_V(8, 17, 1));
  ILL("e32,m1,ta,ma", VBREV_V(0, 16, 0));
  ILL("e16,m1,ta,ma", VROR_VI(8, 16, 63, 1));
  return 0;
}
