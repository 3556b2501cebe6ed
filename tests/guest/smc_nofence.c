// tests/guest/smc_nofence.c — code rewritten WITHOUT fence.i must still be
// noticed by hart-run (as by qemu-riscv64, which also watches pages holding
// translated code): plain stores over code that already ran, a read()
// syscall whose buffer is that code, and one thread patching code another
// thread keeps executing. (RISC-V only promises this after fence.i; hartd
// detects writes to translated code so that such programs work anyway.)
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef long (*fn_t)(void);

// li a0, imm (addi a0, zero, imm) ; ret
static void emit_return(uint32_t* p, int imm) {
  p[0] = 0x00000513u | ((uint32_t)(imm & 0xfff) << 20);
  p[1] = 0x00008067u;
}

static uint32_t* code;
static volatile int stop;

static void* patcher(void* arg) {
  (void)arg;
  usleep(20000);
  emit_return(code + 16, 77);  // the spinning thread must start seeing 77
  return NULL;
}

int main(void) {
  code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) return 1;
  fn_t f = (fn_t)code;

  emit_return(code, 1);
  __builtin___clear_cache((char*)code, (char*)(code + 2));
  long a = f();
  emit_return(code, 2);  // plain stores, no fence.i
  long b = f();
  printf("stores: %ld %ld\n", a, b);

  int fds[2];
  if (pipe(fds) != 0) return 1;
  uint32_t insn[2];
  emit_return(insn, 3);
  if (write(fds[1], insn, sizeof insn) != sizeof insn) return 1;
  ssize_t n = read(fds[0], code, sizeof insn);  // the kernel writes the code page
  printf("read: %zd %ld\n", n, f());

  emit_return(code + 16, 5);
  __builtin___clear_cache((char*)(code + 16), (char*)(code + 18));
  fn_t g = (fn_t)(code + 16);
  pthread_t t;
  pthread_create(&t, NULL, patcher, NULL);
  long v = 0, spins = 0;
  while ((v = g()) == 5 && spins < 200000000) ++spins;
  pthread_join(t, NULL);
  printf("cross-thread: %ld\n", v);
  return 0;
}
