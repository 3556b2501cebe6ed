// tests/guest/smc_shared.c — a program that rewrites its own code, for the
// translations hartd shares between guests (translator/shared_code.h): the
// same static binary at the same addresses in every launch.
//   smc_shared read            prints the values its code returns
//   smc_shared patch FILE      the same, then rewrites that code (its own
//                              .text, and code it generated at a fixed
//                              address), prints the new values, waits until
//                              FILE exists, prints them again
//   smc_shared gen N           generates code returning N at the fixed
//                              address and prints what it returns
// A launch of `read` while or after `patch` runs must print the original
// values: one guest's writes never change another guest's code.
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

// value(): `addi a0, zero, 1; ret`, uncompressed, alone on its page.
__asm__(".text\n.balign 4096\n.globl value\nvalue:\n"
        ".option push\n.option norvc\naddi a0, zero, 1\njalr zero, 0(ra)\n.option pop\n"
        ".balign 4096\n");
long value(void);

#define GEN_ADDR ((void*)0x30000000)

static uint32_t addi_a0(int imm) { return 0x00000513u | ((uint32_t)(imm & 0xfff) << 20); }

static long (*generate(int imm))(void) {
  uint32_t* p = mmap(GEN_ADDR, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED) p = GEN_ADDR;  // already mapped by this process
  p[0] = addi_a0(imm);
  p[1] = 0x00008067u;  // ret
  __builtin___clear_cache((char*)p, (char*)(p + 2));
  return (long (*)(void))p;
}

int main(int argc, char** argv) {
  if (argc >= 3 && strcmp(argv[1], "gen") == 0) {
    printf("generated %ld\n", generate(atoi(argv[2]))());
    return 0;
  }
  long (*gen)(void) = generate(5);
  printf("value %ld generated %ld\n", value(), gen());
  if (argc >= 3 && strcmp(argv[1], "patch") == 0) {
    uintptr_t page = (uintptr_t)&value & ~(uintptr_t)4095;
    if (mprotect((void*)page, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) return 1;
    *(volatile uint32_t*)(void*)&value = addi_a0(2);
    __asm__ volatile("fence.i" ::: "memory");
    gen = generate(6);
    printf("patched value %ld generated %ld\n", value(), gen());
    fflush(stdout);
    for (int i = 0; i < 600 && access(argv[2], F_OK) != 0; ++i) usleep(100000);
    printf("still value %ld generated %ld\n", value(), gen());
  }
  return 0;
}
