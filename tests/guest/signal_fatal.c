// tests/guest/signal_fatal.c — a synchronous fault whose signal is blocked
// cannot be held back: Linux unblocks it, resets the handler to SIG_DFL and
// the process dies of SIGSEGV (the handler never runs).
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_segv(int sig) {
  (void)sig;
  static const char msg[] = "handler ran\n";
  write(1, msg, sizeof msg - 1);
  _exit(3);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_segv;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGSEGV);
  sigprocmask(SIG_BLOCK, &s, NULL);
  printf("before fault\n");
  fflush(stdout);
  volatile int* volatile p = NULL;
  *p = 1;
  printf("not reached\n");
  return 0;
}
