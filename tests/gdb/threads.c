// tests/gdb/threads.c — 8 worker threads for the gdb tests: every worker
// reaches worker_mark() once all are running, so a breakpoint there stops
// the process with 9 threads alive.
#include <pthread.h>
#include <stdio.h>

#define N 8
pthread_barrier_t barrier;
volatile long results[N];

void worker_mark(long id) { results[id] = id * 10; }

void* worker(void* arg) {
  long id = (long)arg;
  pthread_barrier_wait(&barrier);
  worker_mark(id);
  return NULL;
}

int main(void) {
  pthread_t t[N];
  pthread_barrier_init(&barrier, NULL, N);
  for (long i = 0; i < N; i++) pthread_create(&t[i], NULL, worker, (void*)i);
  for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
  long sum = 0;
  for (int i = 0; i < N; i++) sum += results[i];
  printf("sum=%ld\n", sum);
  return sum == 280 ? 0 : 1;
}
