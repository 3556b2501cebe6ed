// tests/guest/vector/vfixp.c — V 1.0 fixed point against qemu: saturating
// add/sub (vxsat), averaging add/sub, vsmul, scaling shifts and narrowing
// clips under each rounding mode (vxrm rnu, rne, rdn, rod), and the vcsr
// view of vxrm/vxsat.
#include "vtest.h"

#define ALL_RM(avl, insn)                          \
  T_INT(avl, "csrwi vxrm, 0\n" insn);              \
  T_INT(avl, "csrwi vxrm, 1\n" insn);              \
  T_INT(avl, "csrwi vxrm, 2\n" insn);              \
  T_INT(avl, "csrwi vxrm, 3\n" insn)

int main(void) {
  fill_int(7);
  T_INT(100, "vsaddu.vv v8, v16, v24");
  T_INT(100, "vsaddu.vi v8, v16, 15");
  T_INT(100, "vsadd.vv v8, v16, v24");
  T_INT(100, "vsadd.vx v8, v16, a0");
  T_INT(100, "vssubu.vv v8, v16, v24");
  T_INT(100, "vssub.vx v8, v16, a0, v0.t");
  ALL_RM(100, "vaaddu.vv v8, v16, v24");
  ALL_RM(100, "vaadd.vx v8, v16, a0");
  ALL_RM(100, "vasubu.vv v8, v16, v24");
  ALL_RM(100, "vasub.vv v8, v16, v24");
  ALL_RM(100, "vsmul.vv v8, v16, v24");
  ALL_RM(100, "vssrl.vv v8, v16, v24");
  ALL_RM(100, "vssra.vi v8, v16, 3");
  ALL_RM(100, "vssrl.vx v8, v16, a0");
  T("e8,m1,tu,mu", 100, "csrwi vxrm, 0\n vnclipu.wv v8, v16, v24");
  T("e16,m1,tu,mu", 100, "csrwi vxrm, 1\n vnclip.wx v8, v16, a0");
  T("e32,m1,tu,mu", 100, "csrwi vxrm, 2\n vnclipu.wi v8, v16, 5");
  T("e8,mf2,tu,mu", 100, "csrwi vxrm, 3\n vnclip.wi v8, v16, 1");
  T("e16,m2,tu,mu", 100, "csrwi vxrm, 0\n vnclip.wv v8, v16, v24, v0.t");
  // vsmul's one overflow: -2^(SEW-1) * -2^(SEW-1)
  T("e8,m1,tu,mu", 100, "li t2, -128\n vmv.v.x v16, t2\n vsmul.vx v8, v16, t2");
  T("e64,m1,tu,mu", 100, "li t2, 1\n slli t2, t2, 63\n vmv.v.x v16, t2\n vsmul.vx v8, v16, t2");
  // vcsr = vxrm << 1 | vxsat
  {
    uint64_t a, b, c2;
    __asm__ volatile("csrwi vcsr, 7\n csrr %0, vxrm\n csrr %1, vxsat\n csrwi vxrm, 2\n csrr %2, vcsr\n csrwi vcsr, 0"
                     : "=r"(a), "=r"(b), "=r"(c2));
    printf("vcsr: vxrm=%lu vxsat=%lu vcsr=%lu\n", (unsigned long)a, (unsigned long)b, (unsigned long)c2);
  }
  return 0;
}
