// tests/gdb/mi.c — guest program for the gdb/MI session (run_gdb_tests.py
// mi_session): a struct to show as a variable object with children, a line
// to step over, then a spin until the debugger sets `stop`.
#include <stdio.h>

struct point {
  int x, y;
};

volatile int stop = 0;
volatile unsigned long spins = 0;

int main(void) {
  struct point pt = {3, 4};
  int total = pt.x + pt.y;
  while (!stop) spins++;
  printf("total=%d\n", total);
  return total == 7 ? 0 : 1;
}
