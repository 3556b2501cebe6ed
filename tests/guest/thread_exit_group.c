// tests/guest/thread_exit_group.c — exit() (exit_group) from a non-main
// thread while the main thread waits in pthread_join (futex), one thread in
// pthread_cond_wait (futex) and one in read() on an empty pipe: every
// thread must end and the process status must be the exiting thread's.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int fds[2];

static void* cond_waiter(void* a) {
  (void)a;
  pthread_mutex_lock(&m);
  for (;;) pthread_cond_wait(&c, &m);
  return NULL;
}

static void* reader(void* a) {
  (void)a;
  char b;
  for (;;) read(fds[0], &b, 1);
  return NULL;
}

static void* exiter(void* a) {
  (void)a;
  usleep(100 * 1000);
  printf("exiting from a thread\n");
  fflush(stdout);
  exit(5);
}

int main(void) {
  if (pipe(fds) != 0) return 1;
  pthread_t t1, t2, t3;
  pthread_create(&t1, NULL, cond_waiter, NULL);
  pthread_create(&t2, NULL, reader, NULL);
  pthread_create(&t3, NULL, exiter, NULL);
  pthread_join(t1, NULL);
  printf("not reached\n");
  return 0;
}
