// tests/security/hog.c — a guest that takes all it may of what hartd shares
// between launches, for the exhaustion suite (run_exhaustion_test.py).
//
//   hog fds DONE_FILE KIDS   forks KIDS children that each open /dev/null
//                            until refused; prints "hog N fds, EMFILE a,
//                            ENFILE b, other c"
//   hog threads DONE_FILE    starts threads until refused; prints
//                            "hog N threads, EAGAIN a, other b"
//   hog inotify DONE_FILE    makes inotify instances until refused (the
//                            host's max_user_instances is one pool for
//                            hartd's user); prints "hog N inotify, EMFILE a,
//                            other b"
//   hog bystander            opens a file, starts a thread and makes an
//                            inotify instance; prints "open: ok|why",
//                            "thread: ok|why" and "inotify: ok|why"
//   hog buffers              asks system calls that take a length for
//                            1 GiB buffers (recvmsg's and sendmsg's control
//                            data, SIOCGIFCONF), in untouched memory, and
//                            prints each errno (or "ok"); Linux: recvmsg
//                            EAGAIN, sendmsg ENOBUFS (past optmem_max),
//                            SIOCGIFCONF ok
//   hog shm NAME             writes 1 MiB to /dev/shm/NAME and leaves it
//                            there (a jailed launch's /dev/shm is private:
//                            it must go with the launch)
//   hog code BYTES ROUNDS    makes hartd translate as much code as it can:
//                            writes BYTES of distinct functions (63 addi
//                            and a ret each) into fresh memory, calls each
//                            once, unmaps it, ROUNDS times, while a second
//                            thread spins in a loop that never leaves its
//                            block; prints "code N calls, sum ok|wrong"
//
// A hog holds what it took until DONE_FILE appears (or 60 s pass).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void hold(const char* done) {
  struct timespec ts = {0, 10 * 1000 * 1000};
  for (int i = 0; i < 6000 && access(done, F_OK) != 0; ++i) nanosleep(&ts, NULL);
}

static void* sleeper(void* arg) {
  hold(arg);
  return NULL;
}

static int fds(const char* done, int kids) {
  int made = 0;
  int p[2];
  if (pipe(p) != 0) return 101;
  for (int k = 0; k < kids; ++k) {
    pid_t c = fork();
    if (c < 0) break;
    ++made;
    if (c != 0) continue;
    close(p[0]);
    int n = 0;
    while (open("/dev/null", O_RDONLY) >= 0) ++n;
    dprintf(p[1], "%d %d\n", n, errno);
    close(p[1]);
    hold(done);
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

static int threads(const char* done) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  int n = 0, e;
  pthread_t t;
  while ((e = pthread_create(&t, &attr, sleeper, (void*)done)) == 0) ++n;
  printf("hog %d threads, EAGAIN %d, other %d\n", n, e == EAGAIN, e != EAGAIN);
  fflush(stdout);
  hold(done);
  _exit(0);
}

static int inotify(const char* done) {
  int n = 0;
  while (inotify_init1(0) >= 0) ++n;
  printf("hog %d inotify, EMFILE %d, other %d\n", n, errno == EMFILE, errno != EMFILE);
  fflush(stdout);
  hold(done);
  return 0;
}

static int bystander(void) {
  int fd = open("/dev/null", O_RDONLY);
  printf("open: %s\n", fd >= 0 ? "ok" : strerror(errno));
  pthread_t t;
  int e = pthread_create(&t, NULL, sleeper, "/");
  if (e == 0) pthread_join(t, NULL);
  printf("thread: %s\n", e == 0 ? "ok" : strerror(e));
  printf("inotify: %s\n", inotify_init1(0) >= 0 ? "ok" : strerror(errno));
  return 0;
}

static const char* outcome(long r) { return r >= 0 ? "ok" : strerrorname_np(errno); }

static int buffers(void) {
  size_t len = (size_t)1 << 30;
  char* big = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  int sv[2];
  if (big == MAP_FAILED || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 101;
  char byte = 'x';
  struct iovec iov = {&byte, 1};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = big, .msg_controllen = len};
  printf("recvmsg: %s\n", outcome(recvmsg(sv[1], &m, MSG_DONTWAIT)));
  printf("sendmsg: %s\n", outcome(sendmsg(sv[0], &m, 0)));
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct ifconf ifc = {.ifc_len = (int)(len - 1), .ifc_buf = big};
  printf("SIOCGIFCONF: %s\n", outcome(ioctl(s, SIOCGIFCONF, &ifc)));
  return 0;
}

static int shm(const char* name) {
  char path[256], block[4096];
  snprintf(path, sizeof path, "/dev/shm/%s", name);
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0) return 101;
  memset(block, 'h', sizeof block);
  for (int i = 0; i < 256; ++i)
    if (write(fd, block, sizeof block) != (ssize_t)sizeof block) return 102;
  printf("wrote /dev/shm/%s\n", name);
  return close(fd) == 0 ? 0 : 103;
}

static volatile int spin_stop;

static void* spinner(void* arg) {
  volatile long n = 0;
  while (!spin_stop) n++;
  return arg;
}

static int code(long bytes, int rounds) {
  enum { kFnInsns = 64 };
  pthread_t t;
  if (pthread_create(&t, NULL, spinner, NULL) != 0) return 102;
  const long nfn = bytes / (kFnInsns * 4);
  unsigned long sum = 0, want = 0;
  for (int r = 0; r < rounds; ++r) {
    uint32_t* fns = mmap(NULL, bytes, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (fns == MAP_FAILED) return 103;
    for (long f = 0; f < nfn; ++f) {
      uint32_t* p = fns + f * kFnInsns;
      for (int i = 0; i < kFnInsns - 1; ++i) {
        const uint32_t imm = (uint32_t)((f * 7 + i * 13 + r * 101) % 2047);
        p[i] = imm << 20 | 10u << 15 | 10u << 7 | 0x13;  // addi a0, a0, imm
        want += imm;
      }
      p[kFnInsns - 1] = 0x00008067;  // ret
    }
    __builtin___clear_cache((char*)fns, (char*)fns + bytes);
    for (long f = 0; f < nfn; ++f) sum += ((unsigned long (*)(unsigned long))(void*)(fns + f * kFnInsns))(0);
    munmap(fns, bytes);
  }
  spin_stop = 1;
  pthread_join(t, NULL);
  printf("code %ld calls, sum %s\n", nfn * rounds, sum == want ? "ok" : "wrong");
  return 0;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc >= 4 && strcmp(argv[1], "fds") == 0) return fds(argv[2], atoi(argv[3]));
  if (argc >= 3 && strcmp(argv[1], "threads") == 0) return threads(argv[2]);
  if (argc >= 3 && strcmp(argv[1], "inotify") == 0) return inotify(argv[2]);
  if (argc >= 2 && strcmp(argv[1], "bystander") == 0) return bystander();
  if (argc >= 2 && strcmp(argv[1], "buffers") == 0) return buffers();
  if (argc >= 3 && strcmp(argv[1], "shm") == 0) return shm(argv[2]);
  if (argc >= 4 && strcmp(argv[1], "code") == 0) return code(atol(argv[2]), atoi(argv[3]));
  fprintf(stderr, "usage: hog fds DONE KIDS | hog threads DONE | hog inotify DONE | hog bystander | hog buffers | hog shm NAME | hog code BYTES ROUNDS\n");
  return 100;
}
