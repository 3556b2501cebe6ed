// tests/guest/vector/vsetvl.c — vsetvli/vsetivli/vsetvl against qemu: vl
// for every SEW and LMUL (fractional included) and a range of AVLs, the
// rs1=x0 forms (VLMAX; keep vl), unsupported vtypes (vill, vl=0), and the
// vector CSRs (vlenb, vl, vtype, vstart, vxrm, vxsat, vcsr).
#include "vtest.h"

static void show(const char* what, uint64_t rd, uint64_t vl, uint64_t vtype) {
  printf("%-28s rd=%-4lu vl=%-4lu vtype=%016lx\n", what, (unsigned long)rd, (unsigned long)vl, (unsigned long)vtype);
}
#define VLI(vt, avl)                                                                    \
  do {                                                                                  \
    uint64_t rd, vl, vtype;                                                             \
    __asm__ volatile("vsetvli %0, %3, " vt "\n csrr %1, vl\n csrr %2, vtype"           \
                     : "=r"(rd), "=r"(vl), "=r"(vtype) : "r"((uint64_t)(avl)));          \
    show("vsetvli " vt, rd, vl, vtype);                                                 \
  } while (0)
#define ALL_AVL(vt) VLI(vt, 0); VLI(vt, 1); VLI(vt, 3); VLI(vt, 16); VLI(vt, 17); VLI(vt, 129); VLI(vt, -1)

int main(void) {
  ALL_AVL("e8,m1,ta,ma"); ALL_AVL("e8,m2,tu,mu"); ALL_AVL("e8,m4,ta,mu"); ALL_AVL("e8,m8,tu,ma");
  ALL_AVL("e8,mf2,ta,ma"); ALL_AVL("e8,mf4,ta,ma"); ALL_AVL("e8,mf8,ta,ma");
  ALL_AVL("e16,m1,ta,ma"); ALL_AVL("e16,m8,ta,ma"); ALL_AVL("e16,mf2,ta,ma"); ALL_AVL("e16,mf4,ta,ma");
  ALL_AVL("e16,mf8,ta,ma");  // SEW 16 > LMUL*ELEN = 8: vill
  ALL_AVL("e32,m1,ta,ma"); ALL_AVL("e32,m2,ta,ma"); ALL_AVL("e32,mf2,ta,ma"); ALL_AVL("e32,mf4,ta,ma");
  ALL_AVL("e64,m1,ta,ma"); ALL_AVL("e64,m4,ta,ma"); ALL_AVL("e64,m8,ta,ma"); ALL_AVL("e64,mf2,ta,ma");
  // vsetvl with register vtypes, reserved ones included
  static const uint64_t vts[] = {0x00, 0x08, 0x13, 0xc2, 0x1b, 0x04, 0x20, 0x100, 0x8000000000000000ull, 0x3d, 0x45};
  for (unsigned i = 0; i < sizeof vts / sizeof vts[0]; ++i) {
    uint64_t rd, vl, vtype;
    __asm__ volatile("vsetvl %0, %3, %4\n csrr %1, vl\n csrr %2, vtype"
                     : "=r"(rd), "=r"(vl), "=r"(vtype) : "r"((uint64_t)37), "r"(vts[i]));
    printf("vsetvl vtype=%lx: ", (unsigned long)vts[i]);
    show("", rd, vl, vtype);
  }
  // vsetivli, and rs1 = x0 forms
  {
    uint64_t a, b, c, d, vl;
    __asm__ volatile("vsetivli %0, 31, e8, m1, ta, ma\n vsetivli %1, 5, e32, m4, tu, mu\n"
                     "vsetvli %2, zero, e16, m2, ta, ma\n vsetivli zero, 3, e8, m1, ta, ma\n"
                     "vsetvli zero, zero, e16, m2, ta, ma\n csrr %4, vl\n vsetivli %3, 0, e64, m1, ta, ma"
                     : "=r"(a), "=r"(b), "=r"(c), "=r"(d), "=r"(vl));
    printf("vsetivli 31=%lu 5=%lu vlmax=%lu keep=%lu ivli0=%lu\n", (unsigned long)a, (unsigned long)b,
           (unsigned long)c, (unsigned long)vl, (unsigned long)d);
  }
  // CSRs
  {
    uint64_t vlenb, vst, vxrm, vxsat, vcsr;
    __asm__ volatile("csrr %0, vlenb\n csrwi vstart, 5\n csrr %1, vstart\n csrwi vstart, 0\n"
                     "csrwi vxrm, 3\n csrr %2, vxrm\n csrwi vxsat, 1\n csrr %3, vxsat\n csrr %4, vcsr\n csrwi vcsr, 0"
                     : "=r"(vlenb), "=r"(vst), "=r"(vxrm), "=r"(vxsat), "=r"(vcsr));
    printf("vlenb=%lu vstart=%lu vxrm=%lu vxsat=%lu vcsr=%lu\n", (unsigned long)vlenb, (unsigned long)vst,
           (unsigned long)vxrm, (unsigned long)vxsat, (unsigned long)vcsr);
  }
  return 0;
}
