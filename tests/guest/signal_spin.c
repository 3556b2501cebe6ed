// tests/guest/signal_spin.c — signals reach threads busy in tight loops
// that read memory every round (under hart such a loop is one self-loop
// block whose rounds do not read the exit request: the kick that delivers
// a signal must still stop it). A SIGALRM from setitimer ends main's
// `while (!stop) n++`; pthread_kill ends a worker that sums an array, and
// one that converts a NaN to an integer every round (a cold call out of
// the loop each round); a plain store from another thread ends a third.
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
  run_worker("summer", summer, 0);
  printf("signals: %d\n", signals_seen);
  return 0;
}
