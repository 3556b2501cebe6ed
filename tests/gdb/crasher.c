// tests/gdb/crasher.c — guest program for the core file tests
// (run_gdb_tests.py core_file): a worker thread waits in worker_wait while
// the main thread crashes in crash_here (SIGSEGV), or calls abort ("abort");
// "fork": a child crashes and the parent prints what waitpid saw
// (WCOREDUMP). The globals and the heap string are looked at in the core.
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int answer = 42;
char* heap_text;
static volatile int worker_ready;

void worker_wait(int id) {
  worker_ready = id;
  for (;;) pause();
}

void* worker(void* arg) {
  worker_wait((int)(long)arg);
  return NULL;
}

void crash_here(int* where, int how) {
  if (how) abort();
  *where = answer;  // SIGSEGV
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "segv";
  if (strcmp(mode, "fork") == 0) {
    pid_t c = fork();
    if (c == 0) crash_here(NULL, 0);
    int st = 0;
    waitpid(c, &st, 0);
    printf("child signal %d core %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0, WCOREDUMP(st) ? 1 : 0);
    return 0;
  }
  heap_text = malloc(64);
  strcpy(heap_text, "text on the heap");
  pthread_t t;
  pthread_create(&t, NULL, worker, (void*)7L);
  while (!worker_ready) usleep(1000);
  crash_here(NULL, strcmp(mode, "abort") == 0);
  return 0;
}
