// tests/guest/signal_spin.c — signals reach threads busy in tight loops
// that read memory every round (under hart such a loop is one self-loop
// block whose rounds do not read the exit request: the kick that delivers
// a signal must still stop it). A SIGALRM from setitimer ends main's
// `while (!stop) n++`; pthread_kill ends a worker that sums an array, and
// one that converts a NaN to an integer every round (a cold call out of
// the loop each round); a plain store from another thread ends a third.
// Cycles of blocks that read no exit request at their entry (their first
// guest access comes first) stop on the one kick of a pthread_kill too:
// a call and return that both load, the same with a CSR read (rdtime)
// after a load, which hart runs in its interpreter (most kicks land
// there, in hartd), and with a long run of arithmetic on many live values
// between (a block that borrows hart's memory base register).
// Output must equal the native run.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int stop;
static volatile long data[64];
static volatile double nan_in;
static volatile int signals_seen, sink;
static volatile unsigned long long_sink;

static void on_signal(int s) {
  (void)s;
  signals_seen++;
  stop = 1;
}

static void* summer(void* arg) {
  long n = 0, sum = 0;
  while (!stop) {
    sum += data[n & 63];
    n++;
  }
  *(long*)arg = n;
  return NULL;
}

static void* converter(void* arg) {
  long n = 0;
  while (!stop) {
    sink = (int)nan_in;  // fcvt.w.d of a NaN: hart's cold path
    n++;
  }
  *(long*)arg = n;
  return NULL;
}

static __attribute__((noinline)) long load_one(long i) { return data[i & 63]; }

static void* caller(void* arg) {
  long n = 0, sum = 0;
  while (!stop) {
    sum += load_one(n);
    n++;
  }
  *(long*)arg = n;
  long_sink = (unsigned long)sum;
  return NULL;
}

static void* helper_caller(void* arg) {
  long n = 0, sum = 0;
  while (!stop) {
    long first, t;  // (a load, then the helper: the block reads no request)
#if defined(__riscv)
    __asm__ volatile("ld %0, 0(%2)\n rdtime %1" : "=&r"(first), "=r"(t) : "r"(&data[1]));
#else
    first = data[1];
    t = 0;
#endif
    sum += load_one(n) + first + (t & 0);
    n++;
  }
  *(long*)arg = n;
  long_sink = (unsigned long)sum;
  return NULL;
}

// Straight-line arithmetic with eleven values live at once and no memory
// access (what GCC writes for such code loads its constants and saves
// registers: written out here).
#if defined(__riscv)
unsigned long mix(unsigned long a, unsigned long b);
__asm__(".text\n.globl mix\nmix:\n"
        "add t0, a0, a1\n  xor t1, a0, a1\n  sub t2, a0, a1\n  or t3, a0, a1\n"
        "and t4, a0, a1\n  slli t5, a0, 7\n  srli t6, a1, 3\n  addi a2, a0, 99\n"
        "xori a3, a1, 1234\n  slli a4, a1, 11\n  srli a5, a0, 13\n"
        "add t0, t0, t6\n  xor t1, t1, t5\n  add t2, t2, a5\n  xor t3, t3, a4\n"
        "add t4, t4, a3\n  xor t5, t5, a2\n  add t6, t6, t0\n  xor a2, a2, t1\n"
        "add a3, a3, t2\n  xor a4, a4, t3\n  add a5, a5, t4\n"
        "xor a0, t0, t1\n  xor a0, a0, t2\n  xor a0, a0, t3\n  xor a0, a0, t4\n"
        "xor a0, a0, t5\n  xor a0, a0, t6\n  xor a0, a0, a2\n  xor a0, a0, a3\n"
        "xor a0, a0, a4\n  xor a0, a0, a5\n  ret\n");
#else
static __attribute__((noinline)) unsigned long mix(unsigned long a, unsigned long b) { return a * 31 + (b ^ 1234); }
#endif

static void* mixer(void* arg) {
  long n = 0;
  unsigned long acc = 1;
  while (!stop) {
    acc = mix(acc, (unsigned long)load_one(n));
    n++;
  }
  *(long*)arg = n;
  long_sink = acc;
  return NULL;
}

static void run_worker(const char* name, void* (*fn)(void*), int by_signal) {
  pthread_t t;
  long rounds = 0;
  stop = 0;
  pthread_create(&t, NULL, fn, &rounds);
  usleep(100 * 1000);
  if (by_signal) pthread_kill(t, SIGUSR1);
  else stop = 1;
  pthread_join(t, NULL);
  printf("%s: stopped (%s), ran: %s\n", name, by_signal ? "signal" : "store", rounds > 0 ? "yes" : "no");
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGALRM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  for (int i = 0; i < 64; ++i) data[i] = i;
  nan_in = __builtin_nan("");

  struct itimerval it = {{0, 0}, {0, 200 * 1000}};
  setitimer(ITIMER_REAL, &it, NULL);
  long n = 0;
  while (!stop) n++;
  printf("main: stopped by SIGALRM, ran: %s\n", n > 0 ? "yes" : "no");

  run_worker("summer", summer, 1);
  run_worker("converter", converter, 1);
  run_worker("caller", caller, 1);
  run_worker("helper caller", helper_caller, 1);
  run_worker("mixer", mixer, 1);
  run_worker("summer", summer, 0);
  printf("signals: %d\n", signals_seen);
  return 0;
}
