// tests/gdb/spin.c — spins until gdb sets `stop` (interrupt test).
#include <stdio.h>

volatile int stop = 0;
volatile unsigned long spins = 0;

int main(void) {
  while (!stop) spins++;
  printf("stopped after spinning\n");
  return 0;
}
