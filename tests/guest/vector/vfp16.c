// tests/guest/vector/vfp16.c — Zvfh (with Zvfhmin) against QEMU 10: FP16
// vector arithmetic (add/sub/mul/div, fused multiply-add, min/max, sign
// injection, sqrt, compares, classify, reciprocal estimates), conversions
// to and from integers (single-width, widening from int8, narrowing to
// int8), Zvfhmin's vfwcvt.f.f.v / vfncvt.f.f.w between half and single
// (and the round-to-odd form), widening arithmetic and reductions from
// half to single, merges and scalar moves with NaN-boxed halves; with
// special values (NaNs, infinities, subnormals, -0), the rounding modes
// and exact fflags, masked and with vl below VLMAX.
#include "vtest.h"

static const uint16_t kF16[] = {0x3c00, 0xbc00, 0x7c00, 0xfc00, 0x7e00, 0x7d00, 0x0001, 0x8000,
                                0x0000, 0x7bff, 0x4248, 0xd640, 0x3555, 0x6801, 0x0400, 0x2e66,
                                0x03ff, 0xfbff, 0x5640, 0x1400};
static void fill_f16(unsigned rot) {
  uint16_t w[256];
  for (unsigned i = 0; i < 256; ++i) w[i] = kF16[(i * 7 + rot + i / 8) % (sizeof kF16 / 2)];
  memcpy(regs_in, w, 512);
  memset(regs_in, 0x6d, 16);  // v0: mask
}
// fa0 holds a NaN-boxed half (1.5, or 2.0 boxed incorrectly: the canonical NaN).
static void set_f16_arg(uint64_t bits) { memcpy(&f_arg, &bits, 8); }

#define H(insn) T("e16,m1,tu,mu", 100, insn); T("e16,m2,tu,mu", 11, insn); T("e16,mf2,tu,mu", 3, insn)

int main(void) {
  for (unsigned rot = 0; rot < 2; ++rot) {
    fill_f16(rot);
    set_f16_arg(0xffffffffffff3e00ull);
    H("vfadd.vv v8, v16, v24");
    H("vfadd.vf v8, v16, fa0, v0.t");
    H("vfsub.vv v8, v16, v24");
    H("vfrsub.vf v8, v16, fa0");
    H("vfmul.vv v8, v16, v24, v0.t");
    H("vfdiv.vv v8, v16, v24");
    H("vfrdiv.vf v8, v16, fa0");
    H("fsrmi 1\n vfadd.vv v8, v16, v24\n fsrmi 0");
    H("fsrmi 2\n vfmul.vv v8, v16, v24\n fsrmi 0");
    H("fsrmi 3\n vfdiv.vv v8, v16, v24\n fsrmi 0");
    H("fsrmi 4\n vfsub.vv v8, v16, v24\n fsrmi 0");
    H("vfmacc.vv v8, v16, v24");
    H("vfnmsac.vf v8, fa0, v16");
    H("vfmadd.vv v8, v16, v24, v0.t");
    H("vfnmadd.vv v8, v16, v24");
    H("vfmin.vv v8, v16, v24");
    H("vfmax.vf v8, v16, fa0");
    H("vfsgnj.vv v8, v16, v24");
    H("vfsgnjn.vf v8, v16, fa0");
    H("vfsgnjx.vv v8, v16, v24");
    H("vfsqrt.v v8, v16");
    H("vfclass.v v8, v16");
    H("vfrec7.v v8, v16");
    H("fsrmi 2\n vfrec7.v v8, v16\n fsrmi 0");
    H("vfrsqrt7.v v8, v16, v0.t");
    H("vmfeq.vv v8, v16, v24");
    H("vmflt.vv v8, v16, v24");
    H("vmfle.vf v8, v16, fa0");
    H("vmfgt.vf v8, v16, fa0, v0.t");
    H("vfcvt.xu.f.v v8, v16");
    H("vfcvt.x.f.v v8, v16");
    H("vfcvt.rtz.x.f.v v8, v16");
    H("vfcvt.f.x.v v8, v16");
    H("vfcvt.f.xu.v v8, v16, v0.t");
    H("vfwcvt.f.f.v v8, v16");
    H("vfwcvt.xu.f.v v8, v16");
    H("vfwcvt.rtz.x.f.v v8, v16");
    H("vfncvt.f.xu.w v8, v16");
    H("vfncvt.f.x.w v8, v16");
    H("vfwadd.vv v8, v16, v24");
    H("vfwsub.wf v8, v16, fa0");
    H("vfwmul.vf v8, v16, fa0, v0.t");
    H("vfwmacc.vv v8, v16, v24");
    H("vfwnmsac.vf v8, fa0, v16");
    H("vfredusum.vs v8, v16, v24");
    H("vfredosum.vs v8, v16, v24, v0.t");
    H("vfredmin.vs v8, v16, v24");
    H("vfredmax.vs v8, v16, v24");
    H("vfwredusum.vs v8, v16, v24");
    H("vfwredosum.vs v8, v16, v24");
    H("vfmerge.vfm v8, v16, fa0, v0");
    H("vfmv.v.f v8, fa0");
    H("vfmv.s.f v8, fa0");
    H("vfmv.f.s fa1, v16\n vfmv.s.f v8, fa1");
    H("vfslide1up.vf v8, v16, fa0");
    // a half that is not NaN-boxed reads as the canonical NaN
    set_f16_arg(0x4000000000000000ull);
    H("vfadd.vf v8, v16, fa0");
    H("vfmv.v.f v8, fa0");
  }
  // Zvfhmin's conversions from single and from int8 / to int8.
  fill_f32(2);
  T("e16,m1,tu,mu", 100, "vfncvt.f.f.w v8, v16");
  T("e16,m2,tu,mu", 100, "fsrmi 1\n vfncvt.f.f.w v8, v16\n fsrmi 0");
  T("e16,m1,tu,mu", 5, "fsrmi 3\n vfncvt.f.f.w v8, v16, v0.t\n fsrmi 0");
  T("e16,m1,tu,mu", 100, "vfncvt.rod.f.f.w v8, v16");
  fill_f16(1);
  T("e8,m1,tu,mu", 100, "vfncvt.x.f.w v8, v16");
  T("e8,mf2,tu,mu", 100, "vfncvt.rtz.xu.f.w v8, v16");
  fill_int(3);
  T("e8,m1,tu,mu", 100, "vfwcvt.f.x.v v8, v16");
  T("e8,m2,tu,mu", 100, "vfwcvt.f.xu.v v8, v16, v0.t");
  return 0;
}
