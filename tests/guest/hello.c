// tests/guest/hello.c — the first guest program: stdio through glibc.
#include <stdio.h>

int main(void) {
  printf("Hello from RISC-V!\n");
  return 0;
}
