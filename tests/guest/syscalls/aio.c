// tests/guest/syscalls/aio.c — Linux native AIO through the raw system
// calls (as libaio makes them): io_setup's checks and ring header,
// PREAD/PWRITE/PREADV/PWRITEV/FSYNC/FDSYNC/POLL requests and their events,
// per-iocb setup errors ending a batch, IOCB_FLAG_RESFD, io_cancel of a
// pending POLL, io_getevents's argument checks, timeouts and wakeup by
// another thread, reaping from the ring in user space, io_pgetevents's
// sigmask, io_destroy. Events are printed in aio_data order. Same lines
// natively and under hart-run.
#include "sc.h"

#include <fcntl.h>
#include <linux/aio_abi.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

struct ring {
  unsigned id, nr, head, tail, magic, compat, incompat, header_length;
  struct io_event ev[];
};

static long setup(unsigned n, aio_context_t* c) { return syscall(SYS_io_setup, n, c); }
static long submit(aio_context_t c, long n, struct iocb** v) { return syscall(SYS_io_submit, c, n, v); }
static long getev(aio_context_t c, long mn, long n, struct io_event* e, struct timespec* t) {
  return syscall(SYS_io_getevents, c, mn, n, e, t);
}

static struct iocb make(int op, int fd, void* buf, size_t n, long long off, uint64_t data) {
  struct iocb cb;
  memset(&cb, 0, sizeof cb);
  cb.aio_lio_opcode = op;
  cb.aio_fildes = fd;
  cb.aio_buf = (uintptr_t)buf;
  cb.aio_nbytes = n;
  cb.aio_offset = off;
  cb.aio_data = data;
  return cb;
}

static void show_events(aio_context_t c, long want, struct iocb** cbs, int ncb) {
  struct io_event ev[8];
  struct timespec ts = {1, 0};
  long n = getev(c, want, 8, ev, &ts);
  SAY("getevents: %ld", n);
  // Linux runs FSYNC/FDSYNC on a worker: completions may come in any order.
  for (long i = 1; i < n; ++i)
    for (long k = i; k > 0 && ev[k - 1].data > ev[k].data; --k) {
      struct io_event t = ev[k];
      ev[k] = ev[k - 1];
      ev[k - 1] = t;
    }
  for (long i = 0; i < n; ++i) {
    int which = -1;
    for (int k = 0; k < ncb; ++k)
      if (ev[i].obj == (uintptr_t)cbs[k]) which = k;
    SAY("  event data %llu iocb #%d res %lld res2 %lld", (unsigned long long)ev[i].data, which,
        (long long)ev[i].res, (long long)ev[i].res2);
  }
}

static aio_context_t late_ctx;
static int late_fd;
static void* late_submit(void* arg) {
  (void)arg;
  usleep(100000);
  static char b[4];
  static struct iocb cb;
  cb = make(IOCB_CMD_PREAD, late_fd, b, 4, 0, 77);
  struct iocb* v[1] = {&cb};
  submit(late_ctx, 1, v);
  return NULL;
}

int main(void) {
  aio_context_t c = 0;
  ERR("io_setup 0 events", setup(0, &c));
  ERR("io_setup bad pointer", setup(4, BAD_PTR));
  c = 1;
  ERR("io_setup nonzero context", setup(4, &c));
  c = 0;
  ERR("io_setup past aio-max-nr", setup(65537, &c));
  OK("io_setup", setup(8, &c));
  struct ring* r = (struct ring*)c;
  SAY("ring: magic %#x compat %u incompat %u header %u head %u tail %u nr>8 %d", r->magic,
      r->compat, r->incompat, r->header_length, r->head, r->tail, r->nr > 8);
  FILE* maps = fopen("/proc/self/maps", "r");
  char line[512];
  int seen = 0;
  while (maps && fgets(line, sizeof line, maps))
    if (strstr(line, "[aio]")) seen = 1;
  if (maps) fclose(maps);
  BOOL("ring in /proc/self/maps", seen);

  int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0600);
  char w1[] = "hello, aio", w2[] = "second", rb[32] = {0}, rv1[5] = {0}, rv2[6] = {0};
  struct iocb a = make(IOCB_CMD_PWRITE, fd, w1, 10, 0, 1);
  struct iocb b = make(IOCB_CMD_PWRITE, fd, w2, 6, 20, 2);
  struct iocb* v[4] = {&a, &b};
  VAL("submit two writes", submit(c, 2, v));
  show_events(c, 2, v, 2);
  struct iocb rd = make(IOCB_CMD_PREAD, fd, rb, sizeof rb, 0, 3);
  struct iovec iov[2] = {{rv1, 5}, {rv2, 6}};
  struct iocb rdv = make(IOCB_CMD_PREADV, fd, iov, 2, 20, 4);
  struct iocb fs = make(IOCB_CMD_FSYNC, fd, NULL, 0, 0, 5);
  struct iocb fds = make(IOCB_CMD_FDSYNC, fd, NULL, 0, 0, 6);
  struct iocb* v2[4] = {&rd, &rdv, &fs, &fds};
  VAL("submit read, readv, fsync, fdatasync", submit(c, 4, v2));
  show_events(c, 4, v2, 4);
  SAY("read \"%.10s\" readv \"%.5s\"+\"%.1s\"", rb, rv1, rv2);
  SAY("aio_key after submit %u", rd.aio_key);

  struct iocb bad = make(IOCB_CMD_PREAD, 99, rb, 4, 0, 9);
  struct iocb* v3[2] = {&rd, &bad};
  VAL("batch with a closed fd second", submit(c, 2, v3));
  show_events(c, 1, v3, 1);
  ERR("closed fd first", submit(c, 1, &v3[1]));
  bad = make(42, fd, rb, 4, 0, 9);
  ERR("unknown opcode", submit(c, 1, &v3[1]));
  bad = make(IOCB_CMD_PREAD, fd, rb, 4, 0, 9);
  bad.aio_reserved2 = 1;
  ERR("reserved field", submit(c, 1, &v3[1]));
  bad = make(IOCB_CMD_FSYNC, fd, rb, 4, 0, 9);
  ERR("fsync with a buffer", submit(c, 1, &v3[1]));
  bad = make(IOCB_CMD_PREAD, fd, rb, 4, -5, 9);
  ERR("negative offset", submit(c, 1, &v3[1]));
  bad = make(IOCB_CMD_PREAD, fd, rb, 4, 0, 9);
  bad.aio_rw_flags = 0x10000;
  ERR("unknown RWF flag", submit(c, 1, &v3[1]));
  int wo = open("data", O_WRONLY);
  bad = make(IOCB_CMD_PREAD, wo, rb, 4, 0, 9);
  ERR("read on a write-only fd", submit(c, 1, &v3[1]));
  close(wo);
  bad = make(IOCB_CMD_PREAD, fd, BAD_PTR, 4, 0, 9);
  VAL("read into a bad buffer", submit(c, 1, &v3[1]));
  show_events(c, 1, v3, 2);
  ERR("bad iocb array", submit(c, 1, BAD_PTR));
  ERR("negative count", submit(c, -1, v));
  ERR("unknown context", submit(c + 4096, 1, v));

  int efd = eventfd(0, 0);
  a = make(IOCB_CMD_PREAD, fd, rb, 4, 0, 10);
  a.aio_flags = IOCB_FLAG_RESFD;
  a.aio_resfd = efd;
  b = a;
  b.aio_data = 11;
  VAL("two reads with RESFD", submit(c, 2, v));
  uint64_t cnt = 0;
  if (read(efd, &cnt, 8) != 8) cnt = 99;
  SAY("eventfd counter %llu", (unsigned long long)cnt);
  show_events(c, 2, v, 2);
  a.aio_resfd = fd;
  ERR("RESFD not an eventfd", submit(c, 1, v));

  int p[2];
  if (pipe(p)) return 1;
  a = make(IOCB_CMD_POLL, p[0], (void*)(uintptr_t)POLLIN, 0, 0, 20);
  VAL("poll an empty pipe", submit(c, 1, v));
  struct io_event ev[4];
  struct timespec zero = {0, 0};
  VAL("nothing yet", getev(c, 0, 4, ev, &zero));
  if (write(p[1], "x", 1) != 1) return 1;
  show_events(c, 1, v, 1);
  b = make(IOCB_CMD_POLL, p[0], (void*)(uintptr_t)POLLIN, 0, 0, 21);
  VAL("poll a readable pipe", submit(c, 1, &v[1]));
  show_events(c, 1, v, 2);
  char x;
  if (read(p[0], &x, 1) != 1) return 1;
  a = make(IOCB_CMD_POLL, p[0], (void*)(uintptr_t)POLLIN, 0, 0, 22);
  VAL("poll to cancel", submit(c, 1, v));
  struct io_event res;
  ERR("cancel it", syscall(SYS_io_cancel, c, &a, &res));
  show_events(c, 1, v, 1);
  ERR("cancel a finished read", syscall(SYS_io_cancel, c, &rd, &res));
  a = make(IOCB_CMD_POLL, p[0], (void*)(uintptr_t)0x10000, 0, 0, 23);
  ERR("poll with events past 16 bits", submit(c, 1, v));
  a = make(IOCB_CMD_PREAD, p[0], rb, 1, 0, 24);
  if (write(p[1], "y", 1) != 1) return 1;
  VAL("read a pipe", submit(c, 1, v));
  show_events(c, 1, v, 1);

  ERR("getevents min > nr", getev(c, 2, 1, ev, NULL));
  ERR("getevents negative min", getev(c, -1, 1, ev, NULL));
  ERR("getevents unknown context", getev(c + 4096, 0, 1, ev, NULL));
  struct timespec t50 = {0, 50000000};
  VAL("getevents 50 ms, nothing", getev(c, 1, 4, ev, &t50));
  late_ctx = c;
  late_fd = fd;
  pthread_t th;
  pthread_create(&th, NULL, late_submit, NULL);
  long n = getev(c, 1, 4, ev, NULL);
  SAY("woken by another thread: %ld event data %llu", n, (unsigned long long)ev[0].data);
  pthread_join(th, NULL);

  a = make(IOCB_CMD_PREAD, fd, rb, 4, 0, 30);
  submit(c, 1, v);
  SAY("ring holds %u", (r->tail - r->head) % r->nr);
  SAY("user-space reap: data %llu", (unsigned long long)r->ev[r->head].data);
  r->head = (r->head + 1) % r->nr;
  VAL("getevents after user reaping", getev(c, 0, 4, ev, &zero));

  struct {
    const void* mask;
    size_t size;
  } sig = {&cnt, 4};
  ERR("pgetevents bad sigset size", syscall(SYS_io_pgetevents, c, 0, 4, ev, &zero, &sig));
  sig.size = 8;
  cnt = 0;
  VAL("pgetevents with a mask", syscall(SYS_io_pgetevents, c, 0, 4, ev, &zero, &sig));

  OK("io_destroy", syscall(SYS_io_destroy, c));
  ERR("io_destroy again", syscall(SYS_io_destroy, c));
  ERR("submit after destroy", submit(c, 1, v));
  return 0;
}
