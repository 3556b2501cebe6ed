// tests/guest/ipc_key.c — creates a message queue and a shm segment under
// fixed keys with IPC_CREAT|IPC_EXCL, holds them argv[1] seconds (default
// 0), removes them. Prints "created" (or the errno when the keys exist)
// and "removed". Two hartd launches run at once must both create: each
// launch is its own IPC namespace (tests/daemon/hartd_test.py).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <time.h>

int main(int argc, char** argv) {
  double secs = argc > 1 ? atof(argv[1]) : 0;
  int q = msgget(0x48415254, IPC_CREAT | IPC_EXCL | 0600);
  int m = shmget(0x48415254, 4096, IPC_CREAT | IPC_EXCL | 0600);
  if (q < 0 || m < 0) {
    printf("exists: %s\n", strerror(errno));
    return 1;
  }
  printf("created\n");
  fflush(stdout);
  struct timespec t = {(time_t)secs, (long)((secs - (time_t)secs) * 1e9)};
  nanosleep(&t, NULL);
  msgctl(q, IPC_RMID, NULL);
  shmctl(m, IPC_RMID, NULL);
  printf("removed\n");
  return 0;
}
