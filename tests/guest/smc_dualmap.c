// tests/guest/smc_dualmap.c — the W^X pattern of guest JITs: one memfd
// mapped twice, written through a read-write view and executed through a
// read-execute view at another address; fence.i between rewrites must make
// the new code visible (the executing view itself is never written).
// qemu-riscv64 7.2 runs the stale code here (prints 50), so the test is
// hart-run only; Linux on RISC-V hardware prints 1275.
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static void emit_return(volatile uint32_t* p, int imm) {
  p[0] = 0x00000513u | ((uint32_t)(imm & 0xfff) << 20);  // li a0, imm
  p[1] = 0x00008067u;                                    // ret
}

int main(void) {
  int fd = memfd_create("jit", 0);
  if (fd < 0 || ftruncate(fd, 4096) != 0) return 1;
  volatile uint32_t* rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  void* rx = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
  if (rw == MAP_FAILED || rx == MAP_FAILED) return 1;
  long (*f)(void) = (long (*)(void))rx;
  long sum = 0;
  for (int i = 1; i <= 50; ++i) {
    emit_return(rw, i);
    __asm__ volatile("fence.i" ::: "memory");
    sum += f();
  }
  printf("dual-mapped: %ld\n", sum);  // 1 + 2 + ... + 50
  return 0;
}
