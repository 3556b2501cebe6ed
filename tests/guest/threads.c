// tests/guest/threads.c — POSIX threads on hartd: 8 threads incrementing a
// shared counter under a mutex and with atomics (AMOs), a condition-variable
// producer/consumer, thread-local storage, pthread_exit values, a detached
// thread, per-thread tids, pthread_kill to one thread, and a robust mutex
// whose owner dies. Output must equal the native run.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 8
#define ITERS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static long atomic_counter;
static __thread long tls_value = 7;
static int tids[NTHREADS];

static void* worker(void* arg) {
  long id = (long)arg;
  tls_value = id * 100;
  tids[id] = (int)syscall(SYS_gettid);
  for (int i = 0; i < ITERS; ++i) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
    __atomic_fetch_add(&atomic_counter, 1, __ATOMIC_SEQ_CST);
  }
  if (tls_value != id * 100) return (void*)-1;
  if (id % 2) pthread_exit((void*)(id * 3));
  return (void*)(id * 3);
}

// Producer/consumer over a bounded buffer.
#define QSIZE 4
#define ITEMS 2000
static int queue[QSIZE], qhead, qcount;
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;

static void* producer(void* arg) {
  (void)arg;
  for (int i = 1; i <= ITEMS; ++i) {
    pthread_mutex_lock(&qlock);
    while (qcount == QSIZE) pthread_cond_wait(&not_full, &qlock);
    queue[(qhead + qcount) % QSIZE] = i;
    qcount++;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&qlock);
  }
  return NULL;
}

static void* consumer(void* arg) {
  long sum = 0;
  int n = (int)(long)arg;
  for (int k = 0; k < n; ++k) {
    pthread_mutex_lock(&qlock);
    while (qcount == 0) pthread_cond_wait(&not_empty, &qlock);
    sum += queue[qhead];
    qhead = (qhead + 1) % QSIZE;
    qcount--;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&qlock);
  }
  return (void*)sum;
}

// Detached thread: reports through a condition variable.
static pthread_mutex_t dlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dcond = PTHREAD_COND_INITIALIZER;
static int detached_done;
static void* detached(void* arg) {
  (void)arg;
  pthread_mutex_lock(&dlock);
  detached_done = 1;
  pthread_cond_signal(&dcond);
  pthread_mutex_unlock(&dlock);
  return NULL;
}

// pthread_kill: the handler runs on the target thread.
static volatile int handler_tid;
static volatile int go;
static void on_usr1(int s) {
  (void)s;
  handler_tid = (int)syscall(SYS_gettid);
}
static void* spinner(void* arg) {
  int* my_tid = arg;
  *my_tid = (int)syscall(SYS_gettid);
  __atomic_store_n(&go, 1, __ATOMIC_SEQ_CST);
  while (!handler_tid) usleep(1000);
  return NULL;
}

// Robust mutex whose owner exits without unlocking.
static pthread_mutex_t robust;
static void* die_holding(void* arg) {
  (void)arg;
  pthread_mutex_lock(&robust);
  return NULL;
}

int main(void) {
  pthread_t th[NTHREADS];
  for (long i = 0; i < NTHREADS; ++i) pthread_create(&th[i], NULL, worker, (void*)i);
  long exit_sum = 0;
  for (int i = 0; i < NTHREADS; ++i) {
    void* r;
    pthread_join(th[i], &r);
    exit_sum += (long)r;
  }
  printf("mutex counter %ld\n", counter);
  printf("atomic counter %ld\n", atomic_counter);
  printf("exit values sum %ld\n", exit_sum);
  printf("main tls %ld\n", tls_value);
  int distinct = 1;
  for (int i = 0; i < NTHREADS; ++i) {
    if (tids[i] == getpid() || tids[i] <= 0) distinct = 0;
    for (int j = 0; j < i; ++j)
      if (tids[i] == tids[j]) distinct = 0;
  }
  printf("tids distinct %d, main tid is pid %d\n", distinct, (int)syscall(SYS_gettid) == getpid());

  pthread_t p, c1, c2;
  pthread_create(&p, NULL, producer, NULL);
  pthread_create(&c1, NULL, consumer, (void*)(long)(ITEMS / 2));
  pthread_create(&c2, NULL, consumer, (void*)(long)(ITEMS / 2));
  void *s1, *s2;
  pthread_join(p, NULL);
  pthread_join(c1, &s1);
  pthread_join(c2, &s2);
  printf("consumed sum %ld\n", (long)s1 + (long)s2);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t d;
  pthread_create(&d, &attr, detached, NULL);
  pthread_mutex_lock(&dlock);
  while (!detached_done) pthread_cond_wait(&dcond, &dlock);
  pthread_mutex_unlock(&dlock);
  printf("detached thread ran\n");

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  int spin_tid = 0;
  pthread_t sp;
  pthread_create(&sp, NULL, spinner, &spin_tid);
  while (!__atomic_load_n(&go, __ATOMIC_SEQ_CST)) usleep(1000);
  pthread_kill(sp, SIGUSR1);
  pthread_join(sp, NULL);
  printf("pthread_kill reached its thread %d\n", handler_tid == spin_tid);

  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&robust, &ma);
  pthread_t r;
  pthread_create(&r, NULL, die_holding, NULL);
  pthread_join(r, NULL);
  int e = pthread_mutex_lock(&robust);
  printf("robust lock after owner died: %s\n", e == EOWNERDEAD ? "EOWNERDEAD" : strerror(e));
  if (e == EOWNERDEAD) pthread_mutex_consistent(&robust);
  pthread_mutex_unlock(&robust);
  return 0;
}
