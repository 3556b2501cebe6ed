// tests/guest/vector/vint.c — V 1.0 integer arithmetic against qemu:
// single-width ALU ops (.vv/.vx/.vi), masked forms, carry ops, compares to
// masks, merges and moves, multiply/divide, multiply-add, widening and
// narrowing forms, sign/zero extension, at several SEW/LMUL (fractional
// included) and vl below VLMAX (undisturbed tails).
#include "vtest.h"

int main(void) {
  fill_int(1);
  T_INT(100, "vadd.vv v8, v16, v24");
  T_INT(100, "vadd.vx v8, v16, a0");
  T_INT(100, "vadd.vi v8, v16, -7");
  T_INT(5, "vadd.vv v8, v16, v24, v0.t");
  T_INT(100, "vsub.vv v8, v16, v24");
  T_INT(100, "vrsub.vx v8, v16, a0");
  T_INT(100, "vrsub.vi v8, v16, 9");
  T_INT(100, "vminu.vv v8, v16, v24");
  T_INT(100, "vmin.vv v8, v16, v24, v0.t");
  T_INT(100, "vmaxu.vx v8, v16, a0");
  T_INT(100, "vmax.vv v8, v16, v24");
  T_INT(100, "vand.vv v8, v16, v24");
  T_INT(100, "vor.vi v8, v16, -16");
  T_INT(100, "vxor.vx v8, v16, a0");
  T_INT(100, "vsll.vv v8, v16, v24");
  T_INT(100, "vsll.vi v8, v16, 31");
  T_INT(100, "vsrl.vx v8, v16, a0");
  T_INT(100, "vsra.vv v8, v16, v24");
  T_INT(100, "vsra.vi v8, v16, 3");
  T_INT(100, "vadc.vvm v8, v16, v24, v0");
  T_INT(100, "vadc.vim v8, v16, 5, v0");
  T_INT(100, "vsbc.vxm v8, v16, a0, v0");
  T_INT(100, "vmadc.vvm v8, v16, v24, v0");
  T_INT(100, "vmadc.vv v8, v16, v24");
  T_INT(100, "vmadc.vi v8, v16, -1");
  T_INT(100, "vmsbc.vvm v8, v16, v24, v0");
  T_INT(100, "vmsbc.vx v8, v16, a0");
  T_INT(100, "vmseq.vv v8, v16, v24");
  T_INT(100, "vmsne.vi v8, v16, 3");
  T_INT(100, "vmsltu.vv v8, v16, v24");
  T_INT(100, "vmslt.vx v8, v16, a0, v0.t");
  T_INT(100, "vmsleu.vi v8, v16, -2");
  T_INT(100, "vmsle.vv v8, v16, v24");
  T_INT(100, "vmsgtu.vx v8, v16, a0");
  T_INT(100, "vmsgt.vi v8, v16, -3");
  T_INT(100, "vmerge.vvm v8, v16, v24, v0");
  T_INT(100, "vmerge.vxm v8, v16, a0, v0");
  T_INT(100, "vmerge.vim v8, v16, -9, v0");
  T_INT(100, "vmv.v.v v8, v24");
  T_INT(3, "vmv.v.x v8, a0");
  T_INT(100, "vmv.v.i v8, -11");
  T_INT(100, "vmul.vv v8, v16, v24");
  T_INT(100, "vmulh.vv v8, v16, v24");
  T_INT(100, "vmulhu.vx v8, v16, a0");
  T_INT(100, "vmulhsu.vv v8, v16, v24");
  T_INT(100, "vdivu.vv v8, v16, v24");
  T_INT(100, "vdiv.vv v8, v16, v24");
  T_INT(100, "vremu.vx v8, v16, a0");
  T_INT(100, "vrem.vv v8, v16, v24, v0.t");
  T_INT(100, "vdiv.vx v8, v16, zero");
  T_INT(100, "vrem.vx v8, v16, zero");
  T_INT(100, "vmacc.vv v8, v24, v16");
  T_INT(100, "vnmsac.vx v8, a0, v16");
  T_INT(100, "vmadd.vv v8, v24, v16");
  T_INT(100, "vnmsub.vv v8, v24, v16, v0.t");
  // Widening (SEW <= 32) and narrowing
  T("e8,m1,tu,mu", 100, "vwaddu.vv v8, v16, v24");
  T("e16,m2,tu,mu", 100, "vwadd.vx v8, v16, a0");
  T("e32,m1,tu,mu", 100, "vwsubu.vv v8, v16, v24, v0.t");
  T("e8,mf2,tu,mu", 100, "vwsub.vv v8, v16, v24");
  T("e16,m1,tu,mu", 100, "vwaddu.wv v8, v16, v24");
  T("e32,m1,tu,mu", 100, "vwsub.wx v8, v16, a0");
  T("e8,m1,tu,mu", 100, "vwmulu.vv v8, v16, v24");
  T("e16,m1,tu,mu", 100, "vwmulsu.vv v8, v16, v24");
  T("e32,m2,tu,mu", 100, "vwmul.vx v8, v16, a0");
  T("e8,m1,tu,mu", 100, "vwmaccu.vv v8, v24, v16");
  T("e16,m1,tu,mu", 100, "vwmacc.vx v8, a0, v16");
  T("e32,m1,tu,mu", 100, "vwmaccsu.vv v8, v24, v16");
  T("e8,m1,tu,mu", 100, "vwmaccus.vx v8, a0, v16");
  T("e8,m1,tu,mu", 100, "vnsrl.wv v8, v16, v24");
  T("e16,m1,tu,mu", 100, "vnsra.wx v8, v16, a0");
  T("e32,m1,tu,mu", 100, "vnsrl.wi v8, v16, 17");
  T("e32,mf2,tu,mu", 100, "vnsra.wi v8, v16, 31");
  T("e16,m2,tu,mu", 100, "vzext.vf2 v8, v16");
  T("e32,m1,tu,mu", 100, "vsext.vf2 v8, v16");
  T("e32,m1,tu,mu", 100, "vzext.vf4 v8, v16, v0.t");
  T("e64,m1,tu,mu", 100, "vsext.vf4 v8, v16");
  T("e64,m2,tu,mu", 100, "vzext.vf8 v8, v16");
  T("e64,m1,tu,mu", 100, "vsext.vf8 v8, v16");
  // LMUL 4/8 widening and narrowing, fractional LMUL
  T("e16,m4,tu,mu", 100, "vwmul.vv v8, v16, v24");
  T("e8,m4,tu,mu", 200, "vnsra.wv v8, v16, v24, v0.t");
  T("e8,mf8,tu,mu", 100, "vmul.vx v8, v16, a0");
  T("e16,mf4,tu,mu", 100, "vwaddu.vv v8, v16, v24");
  T("e32,mf2,tu,mu", 100, "vdivu.vv v8, v16, v24, v0.t");
  // LMUL 8 and vl 0
  T("e8,m8,tu,mu", 200, "vadd.vv v8, v16, v24");
  T("e32,m4,tu,mu", 0, "vadd.vv v8, v16, v24");
  return 0;
}
