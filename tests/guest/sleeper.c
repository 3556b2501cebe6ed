// tests/guest/sleeper.c — a minimal sleeping guest for hartd's capacity
// test: without libc (raw syscalls, its own _start), it sleeps in steps of
// 0.5 s until the file argv[1] exists, then exits 0 (1 after argv[2]
// seconds, default 120, without it; 2 without argv[1]). Thousands of these
// hold hartd at its resource peak while a test looks on.

static long sys3(long n, long a, long b, long c) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a7 __asm__("a7") = n;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

enum { kFaccessat = 48, kExitGroup = 94, kNanosleep = 101, kAtFdcwd = -100 };

struct timespec_ {
  long tv_sec, tv_nsec;
};

static long parse(const char* s, long dflt) {
  if (!s || !*s) return dflt;
  long v = 0;
  for (; *s >= '0' && *s <= '9'; ++s) v = v * 10 + (*s - '0');
  return v;
}

__attribute__((noreturn, used)) void sleeper_main(long* sp) {
  long argc = sp[0];
  char** argv = (char**)(sp + 1);
  long code = 2;
  if (argc > 1) {
    long steps = 2 * parse(argc > 2 ? argv[2] : 0, 120);
    code = 1;
    for (long i = 0; i <= steps; ++i) {
      if (sys3(kFaccessat, kAtFdcwd, (long)argv[1], 0) == 0) {
        code = 0;
        break;
      }
      struct timespec_ half = {0, 500000000};
      sys3(kNanosleep, (long)&half, 0, 0);
    }
  }
  sys3(kExitGroup, code, 0, 0);
  __builtin_unreachable();
}

// The kernel's sp points at argc; hand it to C.
__asm__(".globl _start\n_start:\n  mv a0, sp\n  call sleeper_main\n");
