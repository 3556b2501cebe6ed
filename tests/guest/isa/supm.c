// tests/guest/isa/supm.c — Supm pointer masking as the riscv Linux kernel
// offers it: prctl(PR_SET_TAGGED_ADDR_CTRL / PR_GET_TAGGED_ADDR_CTRL) with
// the kernel's rules (PMLEN rounded up to 7 or 16, invalid bits, the
// tagged-address ABI needs a PMLEN, EBUSY once threads share the memory),
// data accesses through tagged pointers (loads, stores, FP, AMOs, LR/SC,
// cbo.zero, vector loads/stores: the top PMLEN bits ignored, the address
// sign-extended from bit 63 - PMLEN), syscalls taking tagged pointers
// (and iovecs holding them) only with PR_TAGGED_ADDR_ENABLE, inheritance
// by threads and fork, and exec starting without masking. No qemu-user implements this prctl for riscv,
// so the program checks the expected values itself. Prints "PASS supm" or
// "FAIL supm <n>" (exit n).
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define SET 55 /* PR_SET_TAGGED_ADDR_CTRL */
#define GET 56 /* PR_GET_TAGGED_ADDR_CTRL */
#define ENABLE 1L
#define PMLEN(n) ((long)(n) << 24)

static int fail(int n) {
  printf("FAIL supm %d\n", n);
  fflush(stdout);
  return n;
}

static uint64_t data[16] __attribute__((aligned(64)));
static uint64_t block[16] __attribute__((aligned(64)));

// p with tag bits in its top pmlen bits.
static void* tag(void* p, unsigned pmlen, uint64_t t) {
  return (void*)((uintptr_t)p | (t << (64 - pmlen)));
}

// Every kind of data access through tagged pointers; 0 if all read and
// wrote the untagged memory.
static int accesses(unsigned pmlen, uint64_t t) {
  volatile uint64_t* d = tag(data, pmlen, t);
  data[0] = 41;
  d[0] += 1;  // ld / sd
  if (data[0] != 42) return 1;
  ((volatile uint8_t*)d)[9] = 7;  // sb
  if (((uint8_t*)data)[9] != 7 || ((volatile uint16_t*)d)[4] != 0x700) return 2;
  double f;
  data[2] = 0x4000000000000000ull;  // 2.0
  __asm__ volatile("fld %0, 16(%1)" : "=f"(f) : "r"(d));
  if (f != 2.0) return 3;
  uint64_t old;
  data[3] = 0;
  __asm__ volatile("amoadd.d %0, %2, (%1)" : "=r"(old) : "r"(d + 3), "r"(5L) : "memory");
  if (old != 0 || data[3] != 5) return 4;
  uint64_t v, fail_sc;
  __asm__ volatile("1: lr.d %0, (%2)\n addi %0, %0, 1\n sc.d %1, %0, (%2)\n bnez %1, 1b"
                   : "=&r"(v), "=&r"(fail_sc)
                   : "r"(d + 3)
                   : "memory");
  if (data[3] != 6) return 5;
  memset(block, 0xff, sizeof block);
  __asm__ volatile(".option push\n .option arch, +zicboz\n cbo.zero (%0)\n .option pop" : : "r"(tag(block, pmlen, t)) : "memory");
  if (block[0] != 0 || block[7] != 0) return 6;
  for (int i = 0; i < 4; ++i) data[8 + i] = 100 + i;
  __asm__ volatile(".option push\n .option arch, +v\n vsetivli zero, 4, e64, m2, ta, ma\n vle64.v v2, (%0)\n"
                   "vadd.vi v2, v2, 1\n vse64.v v2, (%1)\n .option pop"
                   : : "r"(d + 8), "r"(d + 12) : "memory");
  if (data[12] != 101 || data[15] != 104) return 7;
  return 0;
}

static void* thread_main(void* arg) {
  (void)arg;
  if (prctl(GET, 0, 0, 0, 0) != (ENABLE | PMLEN(16))) return (void*)1;
  if (accesses(16, 0xbeef)) return (void*)2;
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1) {  // after exec: masking is off again
    printf("%ld\n", (long)prctl(GET, 0, 0, 0, 0));
    return 0;
  }
  if (prctl(GET, 0, 0, 0, 0) != 0) return fail(1);
  if (prctl(SET, 2, 0, 0, 0) != -1 || errno != EINVAL) return fail(2);
  if (prctl(SET, PMLEN(17), 0, 0, 0) != -1 || errno != EINVAL) return fail(3);
  if (prctl(SET, ENABLE, 0, 0, 0) != -1 || errno != EINVAL) return fail(4);
  // Masking without the tagged-address ABI: the hardware ignores the tag,
  // syscalls do not (EFAULT for a tagged buffer).
  if (prctl(SET, PMLEN(3), 0, 0, 0) != 0) return fail(5);
  if (prctl(GET, 0, 0, 0, 0) != PMLEN(7)) return fail(6);
  if (accesses(7, 0x5a)) return fail(10 + accesses(7, 0x5a));
  if (accesses(7, 0x7f)) return fail(20);  // tag bits 63..57 set: bit 56 is 0, so positive
  char msg[] = "tagged write\n", back[32] = {0};
  int pfd[2];
  if (pipe(pfd)) return fail(21);
  if (write(pfd[1], tag(msg, 7, 0x11), strlen(msg)) != -1 || errno != EFAULT) return fail(21);
  // The ABI on: tagged pointers in syscalls too.
  if (prctl(SET, ENABLE | PMLEN(7), 0, 0, 0) != 0) return fail(22);
  if (prctl(GET, 0, 0, 0, 0) != (ENABLE | PMLEN(7))) return fail(23);
  if (write(pfd[1], tag(msg, 7, 0x11), strlen(msg)) != (ssize_t)strlen(msg)) return fail(24);
  if (read(pfd[0], tag(back, 7, 0x22), sizeof back) != (ssize_t)strlen(msg) || strcmp(back, msg)) return fail(24);
  // iovecs: the array and the buffers it points at may be tagged.
  struct iovec iov[2] = {{tag(msg, 7, 0x33), 7}, {tag(msg + 7, 7, 0x44), 6}};
  if (writev(pfd[1], tag(iov, 7, 0x55), 2) != 13) return fail(27);
  memset(back, 0, sizeof back);
  if (read(pfd[0], back, sizeof back) != 13 || strcmp(back, msg)) return fail(28);
  // ... also from inside a msghdr
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) return fail(29);
  struct msghdr mh = {0};
  mh.msg_iov = tag(iov, 7, 0x66);
  mh.msg_iovlen = 2;
  if (sendmsg(sv[0], tag(&mh, 7, 0x77), 0) != 13) return fail(29);
  memset(back, 0, sizeof back);
  if (read(sv[1], back, sizeof back) != 13 || strcmp(back, msg)) return fail(29);
  // PMLEN 8..16 gives 16.
  if (prctl(SET, ENABLE | PMLEN(9), 0, 0, 0) != 0) return fail(25);
  if (prctl(GET, 0, 0, 0, 0) != (ENABLE | PMLEN(16))) return fail(26);
  if (accesses(16, 0xbeef)) return fail(30 + accesses(16, 0xbeef));
  // Without masking again: a tagged pointer is outside the address space.
  if (prctl(SET, 0, 0, 0, 0) != 0 || prctl(GET, 0, 0, 0, 0) != 0) return fail(40);
  if (prctl(SET, ENABLE | PMLEN(16), 0, 0, 0) != 0) return fail(41);
  // fork: the child inherits the masking and the ABI.
  pid_t pid = fork();
  if (pid == 0) _exit(prctl(GET, 0, 0, 0, 0) == (ENABLE | PMLEN(16)) && accesses(16, 0x1234) == 0 ? 0 : 1);
  int st;
  if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) return fail(42);
  // A thread shares the memory: it inherits the state, and the ABI's PMLEN
  // is locked from then on.
  pthread_t th;
  void* ret;
  if (pthread_create(&th, 0, thread_main, 0) || pthread_join(th, &ret) || ret) return fail(43);
  if (prctl(SET, ENABLE | PMLEN(7), 0, 0, 0) != -1 || errno != EBUSY) return fail(44);
  if (prctl(SET, ENABLE | PMLEN(16), 0, 0, 0) != 0) return fail(45);
  // exec: masking off in the new program.
  fflush(stdout);
  int fds[2];
  if (pipe(fds)) return fail(46);
  pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    char* args[] = {argv[0], "after-exec", 0};
    execv(argv[0], args);
    _exit(127);
  }
  close(fds[1]);
  char buf[32] = {0};
  ssize_t n = read(fds[0], buf, sizeof buf - 1);
  if (waitpid(pid, &st, 0) != pid || n <= 0 || strcmp(buf, "0\n") != 0) return fail(47);
  printf("PASS supm\n");
  return 0;
}
