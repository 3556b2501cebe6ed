// tests/guest/syscalls/futex_pi.c — priority-inheritance mutexes
// (PTHREAD_PRIO_INHERIT: FUTEX_LOCK_PI/UNLOCK_PI/TRYLOCK_PI), a robust PI
// mutex whose owner dies, the raw PI operations' errors, and futex_waitv.
#include "sc.h"

#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

static pthread_mutex_t mu;
static long counter;

static void* worker(void* arg) {
  (void)arg;
  for (int i = 0; i < 20000; ++i) {
    pthread_mutex_lock(&mu);
    ++counter;
    if ((i & 1023) == 0) sched_yield();
    pthread_mutex_unlock(&mu);
  }
  return NULL;
}

static void* try_it(void* arg) {
  (void)arg;
  return (void*)(long)pthread_mutex_trylock(&mu);
}

static pthread_mutex_t robust;
static void* die_holding(void* arg) {
  (void)arg;
  pthread_mutex_lock(&robust);
  return NULL;  // exits with the mutex held
}

static uint32_t fw[2];
static void* wake_second(void* arg) {
  (void)arg;
  usleep(100000);
  __atomic_store_n(&fw[1], 1, __ATOMIC_SEQ_CST);
  syscall(SYS_futex, &fw[1], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
  return NULL;
}

int main(void) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  VAL("setprotocol PRIO_INHERIT", pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT));
  VAL("mutex_init", pthread_mutex_init(&mu, &a));
  pthread_t t[4];
  for (int i = 0; i < 4; ++i) pthread_create(&t[i], NULL, worker, NULL);
  for (int i = 0; i < 4; ++i) pthread_join(t[i], NULL);
  printf("counter: %ld\n", counter);
  pthread_mutex_lock(&mu);
  pthread_t tt;
  void* r;
  pthread_create(&tt, NULL, try_it, NULL);
  pthread_join(tt, &r);
  printf("trylock while held elsewhere: %s\n", sc_errname((int)(long)r));
  printf("relock by the owner (PI, error checking off): %s\n",
         pthread_mutex_trylock(&mu) == EBUSY ? "EBUSY" : "?");
  pthread_mutex_unlock(&mu);

  // Robust + PI: the owner thread exits holding it.
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&robust, &a);
  pthread_create(&tt, NULL, die_holding, NULL);
  pthread_join(tt, NULL);
  int e = pthread_mutex_lock(&robust);
  printf("lock after the owner died: %s\n", e == EOWNERDEAD ? "EOWNERDEAD" : sc_errname(e));
  VAL("consistent", pthread_mutex_consistent(&robust));
  VAL("unlock", pthread_mutex_unlock(&robust));

  // The raw operations.
  uint32_t word = 0;
  OK("TRYLOCK_PI free", syscall(SYS_futex, &word, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0));
  BOOL("word holds our tid", (word & FUTEX_TID_MASK) == (uint32_t)syscall(SYS_gettid));
  ERR("LOCK_PI again: deadlock", syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
  OK("UNLOCK_PI", syscall(SYS_futex, &word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
  BOOL("word is 0", word == 0);
  ERR("UNLOCK_PI not owner", syscall(SYS_futex, &word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0));
  word = 0x3ffffff0;  // an owner that does not exist
  ERR("LOCK_PI of a dead owner's word", syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
  ERR("LOCK_PI bad address", syscall(SYS_futex, (void*)8, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
  ERR("LOCK_PI misaligned", syscall(SYS_futex, (char*)&word + 1, FUTEX_LOCK_PI, 0, NULL, NULL, 0));
  struct timespec now;
  struct timespec bad = {0, 2000000000};
  ERR("LOCK_PI bad timeout", syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, &bad, NULL, 0));

  // futex_waitv: two words, the second one is woken.
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
  struct {
    uint64_t val, uaddr;
    uint32_t flags, reserved;
  } wv[2] = {{0, (uintptr_t)&fw[0], 2 | 128, 0}, {0, (uintptr_t)&fw[1], 2 | 128, 0}};
  pthread_create(&tt, NULL, wake_second, NULL);
  VAL("futex_waitv woken index", syscall(SYS_futex_waitv, wv, 2, 0, NULL, 0));
  pthread_join(tt, NULL);
  wv[0].val = 5;  // does not match: EAGAIN at once
  ERR("futex_waitv mismatch", syscall(SYS_futex_waitv, wv, 2, 0, NULL, 0));
  ERR("futex_waitv bad flags", syscall(SYS_futex_waitv, wv, 2, 1, NULL, 0));
  clock_gettime(CLOCK_MONOTONIC, &now);
  now.tv_nsec += 50000000;
  if (now.tv_nsec >= 1000000000) now.tv_sec++, now.tv_nsec -= 1000000000;
  wv[0].val = 0;
  wv[1].val = 1;
  ERR("futex_waitv timeout", syscall(SYS_futex_waitv, wv, 2, 0, &now, CLOCK_MONOTONIC));
  return 0;
}
