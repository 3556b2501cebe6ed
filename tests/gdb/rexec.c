/* tests/gdb/rexec.c — the program of the reverse-execution scenarios
 * (run_gdb_tests.py rexec_*): single-threaded, it reads every kind of
 * input a recording must log — the time (clock_gettime and rdtime), a
 * file (its own executable's ELF magic), random bytes (getrandom), a
 * signal it sends itself (handled) — then
 * changes a watched variable in several places and writes one line. The
 * markers name the lines the scenarios break at. */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

volatile long counter;
unsigned char rnd[16];
char head[4];
long t_ns;
uint64_t ticks;
volatile int got;

void on_usr1(int sig) {
  got += sig; /* HANDLER */
}

static uint64_t rdtime(void) {
  uint64_t v;
  __asm__ volatile("rdtime %0" : "=r"(v));
  return v;
}

void mark(int step) {
  counter += step; /* MARK */
}

long mix(long a) {
  long s = 0;
  for (int i = 0; i < 100; i++) s += a * i + (s >> 3);
  return s;
}

int main(int argc, char** argv) {
  (void)argc;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  t_ns = ts.tv_sec * 1000000000L + ts.tv_nsec;
  ticks = rdtime();
  int fd = open(argv[0], O_RDONLY);
  if (fd < 0 || read(fd, head, 4) != 4) return 1;
  close(fd);
  if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd) return 2;
  signal(SIGUSR1, on_usr1);
  raise(SIGUSR1);
  mark(1); /* FIRST_MARK */
  long m = mix(rnd[0]);
  mark(2); /* SECOND_MARK */
  counter = counter * 10 + (rnd[1] & 7) + 1; /* LAST_CHANGE */
  printf("head %c%c%c counter %ld m %ld got %d\n", head[1], head[2], head[3], counter, m, got);
  return 0; /* END */
}
