// tests/guest/vector/villegal.c — which vector encodings are illegal for
// the current vtype, against qemu: misaligned register groups, a masked
// destination v0, widening at SEW 64 or LMUL 8, EMUL out of range for
// loads/stores and vrgatherei16, FP at SEW 8, vill, and the register
// group overlaps the spec reserves (slide-up, gather, compress, iota,
// set-before-first, widening/narrowing destination against its sources,
// each field of an indexed segment load against the index group).
// Each case prints "ok" or "SIGILL".
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf jb;
static void on_ill(int sig) {
  (void)sig;
  siglongjmp(jb, 1);
}
static unsigned char buf[1024] __attribute__((aligned(16)));

#define C(vt, insn)                                                                          \
  do {                                                                                       \
    const char* volatile r = "ok";                                                                 \
    if (sigsetjmp(jb, 1) == 0)                                                               \
      __asm__ volatile("vsetvli t0, zero, " vt "\n mv a0, %0\n " insn : : "r"(buf) : "t0", "a0", "memory"); \
    else                                                                                     \
      r = "SIGILL";                                                                          \
    printf("%-16s %-36s %s\n", vt, insn, r);                                                 \
  } while (0)

int main(void) {
  signal(SIGILL, on_ill);
  // alignment of groups
  C("e32,m2,ta,ma", "vadd.vv v1, v2, v4");
  C("e32,m2,ta,ma", "vadd.vv v2, v3, v4");
  C("e32,m4,ta,ma", "vadd.vv v4, v8, v12");
  C("e32,m4,ta,ma", "vadd.vv v4, v8, v14");
  C("e8,m8,ta,ma", "vmv.v.i v8, 1");
  C("e8,m8,ta,ma", "vmv.v.i v4, 1");
  // masked destination v0
  C("e32,m1,ta,ma", "vadd.vv v0, v2, v4, v0.t");
  C("e32,m1,ta,ma", "vmseq.vv v0, v2, v4, v0.t");
  C("e32,m1,ta,ma", "vredsum.vs v0, v2, v4, v0.t");
  // widening / narrowing
  C("e64,m1,ta,ma", "vwadd.vv v2, v4, v6");
  C("e32,m8,ta,ma", "vwadd.vv v8, v16, v24");
  C("e32,m1,ta,ma", "vwadd.vv v2, v2, v4");
  C("e32,m1,ta,ma", "vwadd.vv v2, v3, v4");
  C("e32,m1,ta,ma", "vwadd.vv v2, v4, v3");
  C("e32,m2,ta,ma", "vwadd.wv v4, v4, v6");
  C("e32,m2,ta,ma", "vwadd.wv v4, v6, v4");
  C("e32,m1,ta,ma", "vnsrl.wv v2, v2, v4");
  C("e32,m1,ta,ma", "vnsrl.wv v3, v2, v4");
  C("e32,m1,ta,ma", "vnsrl.wv v4, v2, v4");
  C("e32,mf2,ta,ma", "vwadd.vv v2, v2, v3");
  C("e64,m1,ta,ma", "vzext.vf8 v2, v2");
  C("e64,m2,ta,ma", "vzext.vf2 v2, v3");
  C("e64,m2,ta,ma", "vzext.vf2 v2, v2");
  C("e8,m1,ta,ma", "vzext.vf2 v2, v4");
  // compares with LMUL > 1: the mask may overlap only the source's first register
  C("e32,m2,ta,ma", "vmseq.vv v2, v2, v4");
  C("e32,m2,ta,ma", "vmseq.vv v3, v2, v4");
  C("e32,m2,ta,ma", "vmseq.vv v5, v2, v4");
  // slides, gathers, compress, iota, vmsbf
  C("e32,m1,ta,ma", "vslideup.vi v2, v2, 1");
  C("e32,m2,ta,ma", "vslideup.vi v2, v4, 1");
  C("e32,m1,ta,ma", "vslidedown.vi v2, v2, 1");
  C("e32,m1,ta,ma", "vslide1up.vx v2, v2, a0");
  C("e32,m1,ta,ma", "vrgather.vv v2, v2, v4");
  C("e32,m1,ta,ma", "vrgather.vv v2, v4, v2");
  C("e32,m1,ta,ma", "vrgather.vi v2, v2, 1");
  C("e8,m8,ta,ma", "vrgatherei16.vv v8, v16, v24");
  C("e8,m4,ta,ma", "vrgatherei16.vv v8, v16, v24");
  C("e32,m1,ta,ma", "vcompress.vm v2, v2, v4");
  C("e32,m1,ta,ma", "vcompress.vm v2, v4, v2");
  C("e32,m1,ta,ma", "viota.m v2, v2");
  C("e32,m1,ta,ma", "vmsbf.m v2, v2");
  C("e32,m1,ta,ma", "vmsbf.m v0, v2, v0.t");
  // FP widths (SEW 16 FP is Zvfh: vfp16 compares it with QEMU 10)
  C("e8,m1,ta,ma", "vfadd.vv v2, v4, v6");
  C("e64,m1,ta,ma", "vfwadd.vv v2, v4, v6");
  C("e16,m1,ta,ma", "vfwcvt.f.x.v v2, v4");
  // loads and stores
  C("e8,m1,ta,ma", "vle64.v v8, (a0)");
  C("e8,m2,ta,ma", "vle64.v v8, (a0)");
  C("e64,mf2,ta,ma", "vle8.v v2, (a0)");
  C("e32,m4,ta,ma", "vlseg3e32.v v8, (a0)");
  C("e32,m2,ta,ma", "vlseg4e32.v v8, (a0)");
  C("e32,m2,ta,ma", "vlseg4e32.v v26, (a0)");
  C("e32,m1,ta,ma", "vle32.v v0, (a0), v0.t");
  C("e32,m1,ta,ma", "vse32.v v0, (a0), v0.t");
  C("e32,m1,ta,ma", "vl2re32.v v3, (a0)");
  C("e32,m1,ta,ma", "vluxei8.v v2, (a0), v2");
  C("e8,m1,ta,ma", "vluxei32.v v2, (a0), v2");
  C("e32,m1,ta,ma", "vluxei64.v v2, (a0), v3");
  // indexed segment loads: every field's group against the index group
  C("e32,m1,ta,ma", "vmv.v.i v9, 0\n vluxseg2ei8.v v8, (a0), v9");
  C("e32,m1,ta,ma", "vmv.v.i v9, 0\n vluxseg2ei32.v v8, (a0), v9");
  C("e32,m1,ta,ma", "vmv.v.i v10, 0\n vmv.v.i v11, 0\n vluxseg2ei64.v v9, (a0), v10");
  C("e32,m1,ta,ma", "vmv.v.i v10, 0\n vmv.v.i v11, 0\n vluxseg3ei64.v v8, (a0), v10");
  C("e32,m1,ta,ma", "vmv.v.i v10, 0\n vmv.v.i v11, 0\n vloxseg4ei64.v v8, (a0), v10");
  C("e16,m1,ta,ma", "vmv.v.i v12, 0\n vluxseg4ei8.v v9, (a0), v12");
  C("e16,m1,ta,ma", "vmv.v.i v12, 0\n vluxseg4ei8.v v10, (a0), v12");
  C("e16,m1,ta,ma", "vmv.v.i v12, 0\n vluxseg4ei8.v v8, (a0), v12");
  C("e32,m2,ta,ma", "vmv.v.i v12, 0\n vloxseg2ei32.v v8, (a0), v12");
  C("e32,m2,ta,ma", "vmv.v.i v12, 0\n vloxseg3ei32.v v8, (a0), v12");
  C("e32,m1,ta,ma", "vmv.v.i v9, 0\n vsuxseg2ei32.v v8, (a0), v9");
  C("e32,m2,ta,ma", "vmv2r.v v2, v5");
  // vill
  C("e64,mf8,ta,ma", "vadd.vv v2, v4, v6");
  C("e64,mf8,ta,ma", "vl1re8.v v2, (a0)");
  C("e64,mf8,ta,ma", "vmv1r.v v2, v4");
  return 0;
}
