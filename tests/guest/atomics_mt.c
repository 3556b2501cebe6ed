// tests/guest/atomics_mt.c — the A extension under contention: 8 threads
// hammer counters through amoadd (fetch_add), LR/SC loops (compare-exchange
// and fetch_xor/fetch_max built on it), an amoswap spinlock protecting a
// plain counter, and a bounded lock-free MPMC queue (sequence-numbered
// slots, CAS on the indices) with 4 producers and 4 consumers. Every total
// is exact, so the output is the same on any correct machine.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define THREADS 8
#define ITERS 200000

static long counter_add, counter_cas, counter_locked;
static unsigned long xor_acc;
static long max_seen;
static int lock;

static void spin_lock(int* l) {
  while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE)) {
    while (__atomic_load_n(l, __ATOMIC_RELAXED)) {
    }
  }
}
static void spin_unlock(int* l) { __atomic_store_n(l, 0, __ATOMIC_RELEASE); }

static void* hammer(void* arg) {
  long id = (long)arg;
  for (long i = 0; i < ITERS; ++i) {
    __atomic_fetch_add(&counter_add, 1, __ATOMIC_RELAXED);
    long old = __atomic_load_n(&counter_cas, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(&counter_cas, &old, old + 2, 1, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED)) {
    }
    __atomic_fetch_xor(&xor_acc, (unsigned long)(id * ITERS + i), __ATOMIC_RELAXED);
    long m = __atomic_load_n(&max_seen, __ATOMIC_RELAXED);
    long want = id * ITERS + i;
    while (want > m && !__atomic_compare_exchange_n(&max_seen, &m, want, 0, __ATOMIC_RELAXED,
                                                     __ATOMIC_RELAXED)) {
    }
    if ((i & 7) == 0) {
      spin_lock(&lock);
      ++counter_locked;
      spin_unlock(&lock);
    }
  }
  return NULL;
}

// Bounded MPMC queue: each slot carries a sequence number telling whether it
// is ready for the producer or the consumer of a given position.
#define QSIZE 1024
struct slot {
  unsigned long seq;
  long value;
};
static struct slot q[QSIZE];
static unsigned long enq_pos, deq_pos;

static void enqueue(long v) {
  for (;;) {
    unsigned long pos = __atomic_load_n(&enq_pos, __ATOMIC_RELAXED);
    struct slot* s = &q[pos % QSIZE];
    long diff = (long)__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) - (long)pos;
    if (diff == 0 && __atomic_compare_exchange_n(&enq_pos, &pos, pos + 1, 1, __ATOMIC_RELAXED,
                                                 __ATOMIC_RELAXED)) {
      s->value = v;
      __atomic_store_n(&s->seq, pos + 1, __ATOMIC_RELEASE);
      return;
    }
  }
}

static long dequeue(void) {
  for (;;) {
    unsigned long pos = __atomic_load_n(&deq_pos, __ATOMIC_RELAXED);
    struct slot* s = &q[pos % QSIZE];
    long diff = (long)__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) - (long)(pos + 1);
    if (diff == 0 && __atomic_compare_exchange_n(&deq_pos, &pos, pos + 1, 1, __ATOMIC_RELAXED,
                                                 __ATOMIC_RELAXED)) {
      long v = s->value;
      __atomic_store_n(&s->seq, pos + QSIZE, __ATOMIC_RELEASE);
      return v;
    }
  }
}

#define PER_PRODUCER 100000
static long consumed_sum[4];

static void* producer(void* arg) {
  long id = (long)arg;
  for (long i = 1; i <= PER_PRODUCER; ++i) enqueue(id * 1000000 + i);
  return NULL;
}
static void* consumer(void* arg) {
  long id = (long)arg, sum = 0;
  for (long i = 0; i < PER_PRODUCER; ++i) sum += dequeue();
  consumed_sum[id] = sum;
  return NULL;
}

int main(void) {
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; ++i) pthread_create(&t[i], NULL, hammer, (void*)i);
  for (int i = 0; i < THREADS; ++i) pthread_join(t[i], NULL);
  printf("amoadd %ld\ncas %ld\nspinlock %ld\nmax %ld\nxor %lu\n", counter_add, counter_cas,
         counter_locked, max_seen, xor_acc);

  for (unsigned long i = 0; i < QSIZE; ++i) q[i].seq = i;
  for (long i = 0; i < 4; ++i) pthread_create(&t[i], NULL, producer, (void*)i);
  for (long i = 0; i < 4; ++i) pthread_create(&t[4 + i], NULL, consumer, (void*)i);
  for (int i = 0; i < 8; ++i) pthread_join(t[i], NULL);
  long total = 0;
  for (int i = 0; i < 4; ++i) total += consumed_sum[i];
  printf("queue total %ld\n", total);
  return 0;
}
