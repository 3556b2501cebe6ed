// tests/security/fd_hog.c — a guest that takes every file descriptor it
// may, for the exhaustion suite (run_exhaustion_test.py). It first opens
// /dev/null once and prints "open: ok" or why not (so with KIDS 0 it is the
// bystander that checks it can still open a file); then it forks KIDS
// children that each open /dev/null until refused, prints how many fds
// they hold and how they were refused ("hog N fds, EMFILE a, ENFILE b,
// other c"), then holds them until the file named by argv[1] appears (or
// 60 s pass).
//
//   fd_hog DONE_FILE KIDS
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3) return 100;
  int first = open("/dev/null", O_RDONLY);
  printf("open: %s\n", first >= 0 ? "ok" : strerror(errno));
  fflush(stdout);
  if (first >= 0) close(first);
  int kids = atoi(argv[2]), made = 0;
  int p[2];
  if (pipe(p) != 0) return 101;
  for (int k = 0; k < kids; ++k) {
    pid_t c = fork();
    if (c < 0) break;
    ++made;
    if (c != 0) continue;
    close(p[0]);
    int n = 0, fd;
    while ((fd = open("/dev/null", O_RDONLY)) >= 0) ++n;
    dprintf(p[1], "%d %d\n", n, errno);
    close(p[1]);
    struct timespec ts = {0, 10 * 1000 * 1000};
    for (int i = 0; i < 6000 && access(argv[1], F_OK) != 0; ++i) nanosleep(&ts, NULL);
    _exit(0);
  }
  close(p[1]);
  FILE* f = fdopen(p[0], "r");
  long total = 0;
  int n, e, emfile = 0, enfile = 0, other = 0;
  for (int k = 0; k < made && fscanf(f, "%d %d", &n, &e) == 2; ++k) {
    total += n;
    if (e == EMFILE) ++emfile;
    else if (e == ENFILE) ++enfile;
    else ++other;
  }
  printf("hog %ld fds, EMFILE %d, ENFILE %d, other %d\n", total, emfile, enfile, other);
  fflush(stdout);
  while (wait(NULL) > 0) {
  }
  return 0;
}
