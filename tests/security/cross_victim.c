// tests/security/cross_victim.c — launch B of the cross-launch suite
// (run_cross_launch_test.py): a process with a second thread, each with
// its own name and CPU affinity, and process-wide settings of its own
// (oom_score_adj, coredump_filter, timerslack_ns, loginuid). It prints
// "victim PID TID" and "before: STATE", waits until the file argv[1]
// appears (or 60 s pass), and prints "after: STATE", read by itself: the
// suite passes only if the two states are equal after launch A's attacks.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile int thread_tid;
static volatile int stop;

static void put(const char* path, const char* text) {
  int fd = open(path, O_WRONLY);
  if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
    printf("victim: cannot write %s: %s\n", path, strerror(errno));
    exit(2);
  }
  close(fd);
}

// The file's first line, without its newline.
static void get(const char* path, char* out, size_t n) {
  int fd = open(path, O_RDONLY);
  ssize_t r = fd >= 0 ? read(fd, out, n - 1) : -1;
  if (fd >= 0) close(fd);
  if (r < 0) {
    snprintf(out, n, "error:%d", errno);
    return;
  }
  out[r] = 0;
  out[strcspn(out, "\n")] = 0;
}

static unsigned long mask_of(int tid) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(tid, sizeof set, &set) != 0) return 0;
  unsigned long m = 0;
  for (int i = 0; i < 64; ++i)
    if (CPU_ISSET(i, &set)) m |= 1ul << i;
  return m;
}

static void print_state(const char* when) {
  char path[96], comm_main[32], comm_thread[32], oom[32], filter[32], slack[32], login[32],
      session[32];
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", getpid());
  get(path, comm_main, sizeof comm_main);
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", thread_tid);
  get(path, comm_thread, sizeof comm_thread);
  get("/proc/self/oom_score_adj", oom, sizeof oom);
  get("/proc/self/coredump_filter", filter, sizeof filter);
  get("/proc/self/timerslack_ns", slack, sizeof slack);
  get("/proc/self/loginuid", login, sizeof login);
  get("/proc/self/sessionid", session, sizeof session);
  printf("%s: main %s %lx thread %s %lx oom_score_adj %s coredump_filter %s timerslack_ns %s "
         "loginuid %s sessionid %s\n",
         when, comm_main, mask_of(0), comm_thread, mask_of(thread_tid), oom, filter, slack, login,
         session);
  fflush(stdout);
}

static void* second(void* arg) {
  (void)arg;
  prctl(PR_SET_NAME, "vic-thread");
  // The thread runs on the last CPU it may use; the main thread keeps all.
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof set, &set);
  int last = -1;
  for (int i = 0; i < CPU_SETSIZE; ++i)
    if (CPU_ISSET(i, &set)) last = i;
  CPU_ZERO(&set);
  CPU_SET(last, &set);
  sched_setaffinity(0, sizeof set, &set);
  thread_tid = (int)syscall(SYS_gettid);
  while (!stop) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  prctl(PR_SET_NAME, "vic-main");
  put("/proc/self/oom_score_adj", "345");
  put("/proc/self/coredump_filter", "0x13");
  put("/proc/self/timerslack_ns", "77777");
  put("/proc/self/loginuid", "4242");
  pthread_t th;
  if (pthread_create(&th, NULL, second, NULL) != 0) return 2;
  while (!thread_tid) {
    struct timespec ts = {0, 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  printf("victim %d %d\n", getpid(), thread_tid);
  print_state("before");
  struct timespec ts = {0, 10 * 1000 * 1000};
  for (int i = 0; i < 6000 && access(argv[1], F_OK) != 0; ++i) nanosleep(&ts, NULL);
  print_state("after");
  stop = 1;
  pthread_join(th, NULL);
  return 0;
}
