// tests/guest/exit_status.c — a program whose only output is its exit
// status. Built twice: with glibc (crt1's _start calls main) and "nolibc"
// (-nostdlib -nostartfiles: our weak _start runs, with a raw exit_group).

__attribute__((noreturn)) static void sys_exit_group(long code) {
  register long a0 __asm__("a0") = code;
  register long a7 __asm__("a7") = 94;  // exit_group
  __asm__ volatile("ecall" : : "r"(a0), "r"(a7) : "memory");
  __builtin_unreachable();
}

int main(void);

// Weak: crt1.o's strong _start wins when glibc's start files are linked.
__attribute__((weak)) void _start(void) { sys_exit_group(main()); }

int main(void) {
  volatile int x = 6;
  return x * 7;
}
