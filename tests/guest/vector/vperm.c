// tests/guest/vector/vperm.c — V 1.0 masks, reductions and permutations
// against qemu: mask logical ops, vcpop/vfirst, vmsbf/vmsif/vmsof,
// viota, vid, integer reductions (single-width and widening), scalar
// moves, slides, vrgather(ei16), vcompress and whole-register moves.
#include "vtest.h"

int main(void) {
  fill_int(3);
  T_INT(100, "vmand.mm v8, v16, v24");
  T_INT(100, "vmnand.mm v8, v16, v24");
  T_INT(100, "vmandn.mm v8, v16, v24");
  T_INT(100, "vmxor.mm v8, v16, v24");
  T_INT(100, "vmor.mm v8, v16, v24");
  T_INT(100, "vmnor.mm v8, v16, v24");
  T_INT(100, "vmorn.mm v8, v16, v24");
  T_INT(100, "vmxnor.mm v8, v16, v24");
  T_INT(100, "vcpop.m t2, v16\n vmv.v.x v8, t2");
  T_INT(100, "vcpop.m t2, v16, v0.t\n vmv.v.x v8, t2");
  T_INT(100, "vfirst.m t2, v16\n vmv.v.x v8, t2");
  T_INT(100, "vmclr.m v16\n vfirst.m t2, v16\n vmv.v.x v8, t2");
  T_INT(100, "vmsbf.m v8, v16");
  T_INT(100, "vmsif.m v8, v16, v0.t");
  T_INT(100, "vmsof.m v8, v16");
  T_INT(100, "viota.m v8, v16");
  T_INT(100, "viota.m v8, v16, v0.t");
  T_INT(100, "vid.v v8");
  T_INT(100, "vid.v v8, v0.t");
  T_INT(100, "vredsum.vs v8, v16, v24");
  T_INT(100, "vredand.vs v8, v16, v24");
  T_INT(100, "vredor.vs v8, v16, v24, v0.t");
  T_INT(100, "vredxor.vs v8, v16, v24");
  T_INT(100, "vredminu.vs v8, v16, v24");
  T_INT(100, "vredmin.vs v8, v16, v24");
  T_INT(100, "vredmaxu.vs v8, v16, v24");
  T_INT(100, "vredmax.vs v8, v16, v24, v0.t");
  T("e8,m1,tu,mu", 100, "vwredsumu.vs v8, v16, v24");
  T("e16,m2,tu,mu", 100, "vwredsum.vs v8, v16, v24");
  T("e32,m1,tu,mu", 100, "vwredsum.vs v8, v16, v24, v0.t");
  T_INT(100, "vmv.x.s t2, v16\n vmv.v.x v8, t2");
  T_INT(100, "vmv.s.x v8, a0");
  T_INT(0, "vmv.s.x v8, a0");
  T_INT(100, "vslideup.vx v8, v16, a0");
  T_INT(100, "li t2, 3\n vslideup.vx v8, v16, t2");
  T_INT(100, "vslideup.vi v8, v16, 5, v0.t");
  T_INT(100, "vslidedown.vi v8, v16, 3");
  T_INT(100, "li t2, 2\n vslidedown.vx v8, v16, t2, v0.t");
  T_INT(100, "vslidedown.vx v8, v16, a0");
  T_INT(100, "vslide1up.vx v8, v16, a0");
  T_INT(100, "vslide1down.vx v8, v16, a0");
  T_INT(100, "vrgather.vv v8, v16, v24");
  T_INT(100, "vand.vi v24, v24, 15\n vrgather.vv v8, v16, v24, v0.t");
  T_INT(100, "vrgather.vx v8, v16, a0");
  T_INT(100, "vrgather.vi v8, v16, 3");
  T("e8,m1,tu,mu", 100, "vrgatherei16.vv v8, v16, v24");
  T("e32,m1,tu,mu", 100, "vrgatherei16.vv v8, v16, v24");
  T("e64,m2,tu,mu", 100, "vrgatherei16.vv v8, v16, v24");
  T_INT(100, "vcompress.vm v8, v16, v24");
  T("e8,m8,tu,mu", 200, "vrgather.vv v8, v16, v24");
  T("e16,m4,tu,mu", 200, "vslideup.vi v8, v16, 7");
  T("e32,m8,tu,mu", 200, "vslidedown.vx v8, v16, a0, v0.t");
  T("e8,m2,tu,mu", 200, "vslide1down.vx v8, v16, a0, v0.t");
  T("e64,m8,tu,mu", 200, "vredsum.vs v8, v16, v24, v0.t");
  T("e16,m8,tu,mu", 200, "viota.m v8, v16");
  T("e8,m4,tu,mu", 200, "vcompress.vm v8, v16, v24");
  T("e8,m1,tu,mu", 100, "vmv1r.v v8, v16");
  T("e32,m1,tu,mu", 100, "vmv2r.v v8, v16");
  T("e16,m1,tu,mu", 100, "vmv4r.v v8, v16");
  T("e64,m1,tu,mu", 100, "vmv8r.v v8, v16");
  return 0;
}
