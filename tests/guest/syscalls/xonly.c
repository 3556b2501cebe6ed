// tests/guest/syscalls/xonly.c — execute-only and unfetchable code: a
// function copied into a page that is then made PROT_EXEC only (Linux and
// qemu-riscv64 run it), the same after fork, a page made PROT_NONE (SIGSEGV
// at the call), file mappings past the end of their file (SIGBUS at the
// call). hart must run what Linux runs and fault only the guest for the
// rest; the native build on Linux is the oracle.
#include "sc.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/wait.h>

// "return 42" in the host's machine code.
#if defined(__riscv)
static const unsigned char kCode[] = {0x13, 0x05, 0xa0, 0x02,   // li a0, 42
                                      0x67, 0x80, 0x00, 0x00};  // ret
#elif defined(__x86_64__)
static const unsigned char kCode[] = {0xb8, 0x2a, 0x00, 0x00, 0x00,  // mov eax, 42
                                      0xc3};                          // ret
#else
#error "xonly.c: riscv64 or x86-64"
#endif

typedef int (*fn_t)(void);

static void* code_page(int final_prot) {
  long ps = sysconf(_SC_PAGESIZE);
  void* p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  memcpy(p, kCode, sizeof kCode);
  __builtin___clear_cache((char*)p, (char*)p + sizeof kCode);
  if (mprotect(p, ps, final_prot) != 0) return NULL;
  return p;
}

// Runs f in a child; prints its status as "exit N" or "died".
static void in_child(const char* label, void (*f)(void*), void* arg) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    f(arg);
    _exit(0);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  if (WIFEXITED(st)) printf("%s: exit %d\n", label, WEXITSTATUS(st));
  else if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGSEGV || WTERMSIG(st) == SIGBUS))
    printf("%s: died\n", label);
  else printf("%s: status %#x\n", label, st);
  fflush(stdout);
}

static void call_exit(void* p) { _exit(((fn_t)p)()); }

static sigjmp_buf jb;
static volatile void* fault_addr;
static volatile int fault_sig;
static void on_fault(int sig, siginfo_t* si, void* uc) {
  (void)uc;
  fault_addr = si->si_addr;
  fault_sig = sig;
  siglongjmp(jb, 1);
}

// Calls p with SIGSEGV and SIGBUS caught; prints the result or the signal.
static void call_caught(const char* label, void* p) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  if (sigsetjmp(jb, 1) == 0) {
    printf("%s: %d\n", label, ((fn_t)p)());
  } else {
    printf("%s: %s at the page: %s\n", label, fault_sig == SIGBUS ? "SIGBUS" : "SIGSEGV",
           fault_addr == p ? "yes" : "no");
  }
  signal(SIGSEGV, SIG_DFL);
  signal(SIGBUS, SIG_DFL);
  fflush(stdout);
}

int main(void) {
  long ps = sysconf(_SC_PAGESIZE);
  void* x = code_page(PROT_EXEC);
  printf("execute-only page: %s\n", x ? "ok" : "mprotect failed");
  if (x) printf("call into it: %d\n", ((fn_t)x)());
  if (x) in_child("call into it after fork", call_exit, x);
  void* rx = code_page(PROT_READ | PROT_EXEC);
  if (rx) printf("call into r-x: %d\n", ((fn_t)rx)());
  // The same page made execute-only after it ran (translations must not
  // outlive the change in a way that breaks it).
  if (rx && mprotect(rx, ps, PROT_EXEC) == 0) printf("r-x then --x: %d\n", ((fn_t)rx)());

  // PROT_NONE: SIGSEGV at the page, caught.
  void* none = code_page(PROT_NONE);
  if (none) call_caught("call into PROT_NONE", none);

  // A file mapping past the end of its file.
  char path[] = "/tmp/hart-xonly-XXXXXX";
  int fd = mkstemp(path);
  if (fd >= 0) {
    unlink(path);
    if (write(fd, kCode, sizeof kCode) != (ssize_t)sizeof kCode) printf("write failed\n");
    char* m = mmap(NULL, 2 * ps, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
      printf("call into the file's page: %d\n", ((fn_t)m)());
      call_caught("call past the end of the file", m + ps);
      char* s = mmap(NULL, 2 * ps, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
      if (s != MAP_FAILED) {
        call_caught("call past the end of a shared file mapping", s + ps);
        in_child("the same in a child", call_exit, s + ps);
      }
    }
    close(fd);
  }
  // System calls handed memory that faults on the host (a file page past
  // the end of its file): the call fails with EFAULT (or a short count),
  // the process goes on.
  char path2[] = "/tmp/hart-xonly-XXXXXX";
  fd = mkstemp(path2);
  if (fd >= 0) {
    unlink(path2);
    if (write(fd, "x", 1) != 1) printf("write failed\n");
    char* m = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m != MAP_FAILED) {
      struct timespec* beyond = (struct timespec*)(m + ps);
      ERR("nanosleep reading past the end of a file", nanosleep(beyond, NULL));
      ERR("clock_gettime writing past the end of a file", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, beyond));
      int p2[2];
      if (pipe(p2) == 0) {
        ERR("write from past the end of a file", write(p2[1], m + ps, 16));
        if (write(p2[1], "abc", 3) == 3) ERR("read into past the end of a file", read(p2[0], m + ps, 3));
      }
      ERR("uname into past the end of a file", syscall(SYS_uname, m + ps));
    }
    close(fd);
  }
  printf("still running\n");
  return 0;
}
