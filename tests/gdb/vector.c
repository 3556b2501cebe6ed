// tests/gdb/vector.c — a vector loop for the gdb.vector scenario: at the
// line marked below, v1 holds 1,2,3,4 (e32), vl is 4 and vtype e32,m1,ta,ma;
// the debugger sets v2 and vl, and the program prints what it then sees.
#include <stdint.h>
#include <stdio.h>

int main(void) {
  uint32_t in[4] = {1, 2, 3, 4}, out[4] = {0};
  unsigned long vl = 0;
  __asm__ volatile("vsetivli t0, 4, e32, m1, ta, ma\n vle32.v v1, (%0)\n vmv.v.i v2, 0" : : "r"(in) : "t0", "memory");
  __asm__ volatile("nop");  // line for "break"
  __asm__ volatile("vadd.vv v3, v1, v2\n vse32.v v3, (%1)\n csrr %0, vl" : "=r"(vl) : "r"(out) : "memory");
  printf("vl=%lu out=%u,%u,%u,%u\n", vl, out[0], out[1], out[2], out[3]);
  return 0;
}
