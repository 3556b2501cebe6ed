// tests/guest/signal_basic.c — asynchronous signals to self: handlers run by
// raise, kill, tgkill and sigqueue; SA_SIGINFO fields (si_signo, si_code,
// si_pid, si_value); blocking, sigpending and delivery on unblock; the order
// of several signals unblocked at once; SA_RESETHAND; SA_NODEFER; nested
// handlers; the mask inside a handler (sa_mask itself is checked by
// tests/unit/linux-abi/signals_test.cpp: qemu-riscv64 7.2 ignores it); sigsuspend; sigtimedwait; queued
// real-time signals; SIG_IGN discarding pending signals; default-ignored
// signals. Portable: prints the same natively on x86-64 Linux.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int count[65];
static volatile int order[32], norder;
static volatile int info_signo, info_code, info_pid_ok, info_value;
static volatile int depth, max_depth;
static volatile int mask_usr1, mask_usr2;
static volatile int rt_values[8], nrt;

static void on_count(int sig) {
  count[sig]++;
  if (norder < 32) order[norder++] = sig;
}

static void on_info(int sig, siginfo_t* si, void* uc) {
  (void)uc;
  count[sig]++;
  info_signo = si->si_signo;
  info_code = si->si_code;
  info_pid_ok = si->si_pid == getpid();
  info_value = si->si_value.sival_int;
}

static void on_rt(int sig, siginfo_t* si, void* uc) {
  (void)sig;
  (void)uc;
  if (nrt < 8) rt_values[nrt++] = si->si_value.sival_int;
}

// Raises its own signal once more from inside: nests only with SA_NODEFER.
static void on_reenter(int sig) {
  depth++;
  if (depth > max_depth) max_depth = depth;
  count[sig]++;
  if (count[sig] == 1) raise(sig);
  depth--;
}

// SIGUSR1 handler that raises SIGUSR2 (handled by on_count) and looks at its mask.
static void on_outer(int sig) {
  count[sig]++;
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  mask_usr1 = sigismember(&cur, SIGUSR1);
  mask_usr2 = sigismember(&cur, SIGUSR2);
  int before = count[SIGUSR2];
  raise(SIGUSR2);
  if (norder < 32) order[norder++] = count[SIGUSR2] > before ? 100 : -100;
}

static void set_handler(int sig, void (*fn)(int), int flags, int mask_sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  if (mask_sig) sigaddset(&sa.sa_mask, mask_sig);
  sigaction(sig, &sa, NULL);
}

static void set_info_handler(int sig, void (*fn)(int, siginfo_t*, void*)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fn;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static void block(int sig, int how) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  sigprocmask(how, &s, NULL);
}

int main(void) {
  // 1. Plain handler through raise, kill, tgkill.
  set_handler(SIGUSR1, on_count, 0, 0);
  raise(SIGUSR1);
  printf("raise: %d\n", count[SIGUSR1]);
  kill(getpid(), SIGUSR1);
  printf("kill: %d\n", count[SIGUSR1]);
  syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
  printf("tgkill: %d\n", count[SIGUSR1]);

  // 2. SA_SIGINFO.
  set_info_handler(SIGUSR2, on_info);
  kill(getpid(), SIGUSR2);
  printf("siginfo kill: signo=%d code=%d pid_ok=%d\n", info_signo, info_code, info_pid_ok);
  raise(SIGUSR2);
  printf("siginfo raise: signo=%d code=%d pid_ok=%d\n", info_signo, info_code, info_pid_ok);
  union sigval v = {.sival_int = 77};
  sigqueue(getpid(), SIGUSR2, v);
  printf("siginfo sigqueue: signo=%d code=%d pid_ok=%d value=%d\n", info_signo, info_code,
         info_pid_ok, info_value);

  // 3. Blocked: pending, then delivered on unblock.
  count[SIGUSR1] = 0;
  block(SIGUSR1, SIG_BLOCK);
  raise(SIGUSR1);
  raise(SIGUSR1);  // a classic signal is pending once
  sigset_t pend;
  sigpending(&pend);
  printf("blocked: count=%d pending=%d\n", count[SIGUSR1], sigismember(&pend, SIGUSR1));
  block(SIGUSR1, SIG_UNBLOCK);
  sigpending(&pend);
  printf("unblocked: count=%d pending=%d\n", count[SIGUSR1], sigismember(&pend, SIGUSR1));

  // 4. Two signals unblocked together.
  set_handler(SIGUSR2, on_count, 0, 0);
  norder = 0;
  sigset_t both;
  sigemptyset(&both);
  sigaddset(&both, SIGUSR1);
  sigaddset(&both, SIGUSR2);
  sigprocmask(SIG_BLOCK, &both, NULL);
  raise(SIGUSR2);
  raise(SIGUSR1);
  sigprocmask(SIG_UNBLOCK, &both, NULL);
  printf("order:");
  for (int i = 0; i < norder; ++i) printf(" %d", order[i]);
  printf("\n");

  // 5. SA_RESETHAND.
  count[SIGUSR1] = 0;
  set_handler(SIGUSR1, on_count, SA_RESETHAND, 0);
  raise(SIGUSR1);
  struct sigaction cur;
  sigaction(SIGUSR1, NULL, &cur);
  printf("resethand: count=%d reset=%d\n", count[SIGUSR1], cur.sa_handler == SIG_DFL);

  // 6. Re-raising inside the handler: deferred, or nested with SA_NODEFER.
  count[SIGUSR1] = 0;
  max_depth = 0;
  set_handler(SIGUSR1, on_reenter, 0, 0);
  raise(SIGUSR1);
  printf("defer: count=%d max_depth=%d\n", count[SIGUSR1], max_depth);
  count[SIGUSR1] = 0;
  max_depth = 0;
  set_handler(SIGUSR1, on_reenter, SA_NODEFER, 0);
  raise(SIGUSR1);
  printf("nodefer: count=%d max_depth=%d\n", count[SIGUSR1], max_depth);

  // 7. Nested: SIGUSR1's handler raises SIGUSR2 (not in its sa_mask).
  count[SIGUSR1] = count[SIGUSR2] = 0;
  norder = 0;
  set_handler(SIGUSR1, on_outer, 0, 0);
  raise(SIGUSR1);
  printf("nested: usr1=%d usr2=%d ran_inside=%d mask_usr1=%d mask_usr2=%d\n", count[SIGUSR1],
         count[SIGUSR2], order[1], mask_usr1, mask_usr2);
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  printf("after: usr1 blocked=%d usr2 blocked=%d\n", sigismember(&now, SIGUSR1),
         sigismember(&now, SIGUSR2));

  // 8. sigsuspend: the pending signal runs, the old mask comes back.
  count[SIGUSR1] = 0;
  set_handler(SIGUSR1, on_count, 0, 0);
  block(SIGUSR1, SIG_BLOCK);
  raise(SIGUSR1);
  sigset_t empty;
  sigemptyset(&empty);
  int r = sigsuspend(&empty);
  int e = errno;
  sigprocmask(SIG_BLOCK, NULL, &now);
  printf("sigsuspend: r=%d eintr=%d count=%d still_blocked=%d\n", r, e == EINTR,
         count[SIGUSR1], sigismember(&now, SIGUSR1));
  block(SIGUSR1, SIG_UNBLOCK);

  // 9. sigtimedwait takes a blocked pending signal without running its handler.
  count[SIGUSR2] = 0;
  block(SIGUSR2, SIG_BLOCK);
  raise(SIGUSR2);
  sigset_t waitset;
  sigemptyset(&waitset);
  sigaddset(&waitset, SIGUSR2);
  siginfo_t si;
  struct timespec zero = {0, 0}, short_wait = {0, 10 * 1000 * 1000};
  r = sigtimedwait(&waitset, &si, &zero);
  printf("sigtimedwait: r=%d signo=%d code=%d handler_ran=%d\n", r, si.si_signo, si.si_code,
         count[SIGUSR2]);
  r = sigtimedwait(&waitset, &si, &zero);
  printf("sigtimedwait empty: r=%d eagain=%d\n", r, errno == EAGAIN);
  r = sigtimedwait(&waitset, &si, &short_wait);
  printf("sigtimedwait timeout: r=%d eagain=%d\n", r, errno == EAGAIN);
  block(SIGUSR2, SIG_UNBLOCK);

  // 10. Real-time signals queue every instance, in order.
  int rt = SIGRTMIN + 1;
  set_info_handler(rt, on_rt);
  block(rt, SIG_BLOCK);
  for (int i = 1; i <= 3; ++i) {
    v.sival_int = i * 10;
    sigqueue(getpid(), rt, v);
  }
  block(rt, SIG_UNBLOCK);
  printf("rt queued:");
  for (int i = 0; i < nrt; ++i) printf(" %d", rt_values[i]);
  printf("\n");

  // 11. SIG_IGN: nothing runs, and a pending signal is discarded.
  count[SIGUSR2] = 0;
  set_handler(SIGUSR2, on_count, 0, 0);
  block(SIGUSR2, SIG_BLOCK);
  raise(SIGUSR2);
  signal(SIGUSR2, SIG_IGN);
  sigpending(&pend);
  int was_pending = sigismember(&pend, SIGUSR2);
  block(SIGUSR2, SIG_UNBLOCK);
  raise(SIGUSR2);
  printf("ignored: count=%d pending_after_ign=%d\n", count[SIGUSR2], was_pending);

  // 12. Signals whose default action is to do nothing.
  raise(SIGCHLD);
  raise(SIGWINCH);
  raise(SIGURG);
  printf("default-ignored: survived\n");
  return 0;
}
