/* tests/gdb/rexec_threads.c — the program of the multi-threaded reverse-
 * execution scenarios (run_reverse_tests.py rexec_threads*): main starts
 * four threads; each reads the time (clock_gettime and rdtime), a file (its
 * own executable's ELF magic), random bytes (getrandom) and takes a signal
 * main sends it (pthread_kill, handled), then adds to a shared total under a
 * mutex in several rounds (worker_mark at each). main joins them and writes
 * one line per thread and the total (and "joined" first when a debugger
 * set say_joined). The markers name the lines the
 * scenarios break at. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 4
#define ROUNDS 5

volatile long total;
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
const char* self_path;
volatile int ready;
volatile int say_joined; /* 0 here; a test sets it to make a replay leave its recording */

struct result {
  long t_ns;
  uint64_t ticks;
  unsigned char rnd[8];
  char head[4];
  volatile int got;
  long added;
} results[NTHREADS];

__thread int my_id;

void on_usr1(int sig) {
  results[my_id].got += sig; /* HANDLER */
}

static uint64_t rdtime(void) {
  uint64_t v;
  __asm__ volatile("rdtime %0" : "=r"(v));
  return v;
}

void __attribute__((noinline)) worker_mark(int id, int round, long amount) {
  pthread_mutex_lock(&lock);
  total += amount; /* WORKER_MARK */
  pthread_mutex_unlock(&lock);
  results[id].added += amount;
  (void)round;
}

static long spin(long a) {
  long s = 0;
  for (int i = 0; i < 2000; i++) s += a * i + (s >> 3);
  return s;
}

void* worker(void* arg) {
  int id = (int)(intptr_t)arg;
  my_id = id;
  struct result* r = &results[id];
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  r->t_ns = ts.tv_sec * 1000000000L + ts.tv_nsec;
  r->ticks = rdtime();
  int fd = open(self_path, O_RDONLY);
  if (fd < 0 || read(fd, r->head, 4) != 4) return (void*)1;
  close(fd);
  if (getrandom(r->rnd, sizeof r->rnd, 0) != sizeof r->rnd) return (void*)2;
  __atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
  while (!r->got) usleep(100); /* main's signal */
  for (int round = 0; round < ROUNDS; round++) {
    long amount = (id + 1) * 1000 + round * 10 + (r->rnd[round] & 7) + (spin(r->rnd[round]) & 1);
    worker_mark(id, round, amount);
  }
  return 0;
}

int main(int argc, char** argv) {
  (void)argc;
  self_path = argv[0];
  signal(SIGUSR1, on_usr1);
  pthread_t th[NTHREADS];
  for (int i = 0; i < NTHREADS; i++)
    if (pthread_create(&th[i], 0, worker, (void*)(intptr_t)i) != 0) return 3;
  while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < NTHREADS) usleep(100);
  for (int i = 0; i < NTHREADS; i++) pthread_kill(th[i], SIGUSR1);
  for (int i = 0; i < NTHREADS; i++) {
    void* ret;
    pthread_join(th[i], &ret);
    if (ret) return 4;
  }
  if (say_joined) fprintf(stderr, "joined\n");
  for (int i = 0; i < NTHREADS; i++) {
    struct result* r = &results[i];
    printf("thread %d head %c%c%c rnd %02x%02x ns %ld ticks %lu got %d added %ld\n", i, r->head[1], r->head[2],
           r->head[3], r->rnd[0], r->rnd[1], r->t_ns % 1000000, (unsigned long)(r->ticks % 1000000), r->got,
           r->added);
  }
  printf("total %ld\n", total); /* LATE */
  return 0; /* END */
}
