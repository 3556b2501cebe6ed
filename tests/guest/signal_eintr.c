// tests/guest/signal_eintr.c — signals interrupt blocking syscalls: a
// SIGALRM from setitimer interrupts read() on an empty pipe (EINTR without
// SA_RESTART; restarted with SA_RESTART, so the read returns the data a
// thread writes later), nanosleep (EINTR, remaining time reported), a
// futex wait (sem_wait: EINTR without SA_RESTART), and a signal sent by
// another thread interrupts read(). Output must equal the native run.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int alarms, usr1s;
static void on_alarm(int s) { (void)s; alarms++; }
static void on_usr1(int s) { (void)s; usr1s++; }

static void handle(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigaction(sig, &sa, NULL);
}

static void arm(long ms) {
  struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
  setitimer(ITIMER_REAL, &it, NULL);
}

static int fds[2];
static void* late_writer(void* a) {
  (void)a;
  usleep(300 * 1000);
  write(fds[1], "x", 1);
  return NULL;
}

static pthread_t main_thread;
static void* kicker(void* a) {
  (void)a;
  usleep(100 * 1000);
  pthread_kill(main_thread, SIGUSR1);
  return NULL;
}

int main(void) {
  char b;
  if (pipe(fds) != 0) return 1;

  handle(SIGALRM, on_alarm, 0);
  arm(100);
  ssize_t r = read(fds[0], &b, 1);
  printf("read without SA_RESTART: %zd %s, alarms %d\n", r, r < 0 ? strerror(errno) : "", alarms);

  handle(SIGALRM, on_alarm, SA_RESTART);
  pthread_t w;
  pthread_create(&w, NULL, late_writer, NULL);
  arm(100);
  r = read(fds[0], &b, 1);
  pthread_join(w, NULL);
  printf("read with SA_RESTART: %zd '%c', alarms %d\n", r, r == 1 ? b : '?', alarms);

  handle(SIGALRM, on_alarm, 0);
  arm(100);
  struct timespec req = {5, 0}, rem = {0, 0};
  int n = nanosleep(&req, &rem);
  printf("nanosleep: %d %s, remaining > 3s %d, alarms %d\n", n, n < 0 ? strerror(errno) : "",
         rem.tv_sec >= 3, alarms);

  sem_t sem;
  sem_init(&sem, 0, 0);
  arm(100);
  n = sem_wait(&sem);
  printf("sem_wait: %d %s, alarms %d\n", n, n < 0 ? strerror(errno) : "", alarms);

  handle(SIGUSR1, on_usr1, 0);
  main_thread = pthread_self();
  pthread_t k;
  pthread_create(&k, NULL, kicker, NULL);
  r = read(fds[0], &b, 1);
  pthread_join(k, NULL);
  printf("read interrupted by another thread: %zd %s, usr1 %d\n", r,
         r < 0 ? strerror(errno) : "", usr1s);

  struct itimerval cur;
  arm(10000);
  getitimer(ITIMER_REAL, &cur);
  printf("getitimer armed %d\n", cur.it_value.tv_sec >= 9 && cur.it_value.tv_sec <= 10);
  arm(0);
  getitimer(ITIMER_REAL, &cur);
  printf("getitimer disarmed %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
  return 0;
}
