// linux-abi/syscalls/sys_aio.cpp — Linux native AIO: io_setup, io_destroy,
// io_submit, io_cancel, io_getevents, io_pgetevents.
//
// A context is Linux's: its completion ring lives in guest memory (an
// anonymous read-write mapping named "/[aio] (deleted)" whose address is
// the context id), with Linux's header (id, nr, head, tail, magic
// 0xa10a10a1, compat 1, incompat 0, header length 32) and 32-byte
// io_events, so libaio's user-space reaping (reading the ring and moving
// head) works as on Linux and io_getevents consumes from the head the
// guest left. The ring holds Linux's number of events (nr_events raised
// to 4 per CPU, doubled, rounded up to whole pages); a submission needs a
// free slot (EAGAIN otherwise); all contexts of the daemon together take at
// most fs.aio-max-nr (65536) requested events (EAGAIN).
//
// Requests run at submission, on the submitting thread, as Linux runs
// buffered (non-O_DIRECT) I/O: PREAD, PWRITE, PREADV, PWRITEV (host
// preadv2/pwritev2 with the RWF flags, a non-seekable file at its
// position), FSYNC, FDSYNC; the result goes to the ring and, with
// IOCB_FLAG_RESFD, 1 is added to the eventfd. Setup errors (EBADF, EINVAL,
// EFAULT, EOPNOTSUPP, access mode) end the batch as Linux's do; errors of
// the I/O itself are the event's res. IOCB_CMD_POLL completes at once when
// the file is ready; otherwise it stays pending and is completed by the
// next io_getevents/io_pgetevents/io_submit/io_cancel of the context that
// finds it ready (its RESFD and ring entry appear only then: a guest that
// only polls the eventfd or the ring for a POLL request never sees it);
// io_cancel completes a pending POLL (res 0) with -EINPROGRESS, as Linux.
// Contexts are per process (Linux: per mm): fork does not copy them, exec
// and exit drop them.
// Owns: the contexts (Process::aio). Lock order: AioContext::mutex alone.
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <algorithm>
#include <map>

#include "linux-abi/process/process.h"
#include "linux-abi/syscalls/safe_syscall.h"
#include "linux-abi/process/signals.h"
#include "linux-abi/syscalls/sys_poll.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

constexpr uint32_t kRingMagic = 0xa10a10a1;
constexpr uint64_t kRingHeader = 32, kEventSize = 32;
constexpr uint64_t kAioMaxNr = 65536;
std::atomic<uint64_t> g_aio_nr{0};

struct RingHeader {
  uint32_t id, nr, head, tail, magic, compat, incompat, header_length;
};

struct PendingPoll {
  uint64_t obj = 0, data = 0;
  short events = 0;
  std::shared_ptr<HostFd> file, resfd;
  bool deferred = false;  // not ready at submission
};

}  // namespace

struct AioContext {
  std::mutex mutex;
  uint64_t ring = 0, ring_bytes = 0;  // guest address (the id) and size
  uint32_t nr = 0;                    // events the ring holds
  uint64_t max_reqs = 0;              // what io_setup asked (aio-max-nr)
  uint32_t tail = 0;
  std::vector<PendingPoll> polls;
  std::vector<int> waiters;  // eventfds of threads waiting in io_getevents
  ~AioContext() { g_aio_nr.fetch_sub(max_reqs); }
};

struct AioTable {
  std::mutex mutex;
  uint32_t next_id = 0;
  std::map<uint64_t, std::shared_ptr<AioContext>> by_ring;
};

namespace {

std::shared_ptr<AioContext> lookup(Process& p, uint64_t id) {
  std::lock_guard<std::mutex> lock(p.aio_mutex);
  if (!p.aio) return nullptr;
  auto it = p.aio->by_ring.find(id);
  return it == p.aio->by_ring.end() ? nullptr : it->second;
}

// Adds an event at the ring's tail and wakes waiters. c.mutex held.
void complete(Process& p, AioContext& c, uint64_t data, uint64_t obj, int64_t res,
              const std::shared_ptr<HostFd>& resfd) {
  struct io_event ev{data, obj, res, 0};
  uint32_t slot = c.tail % c.nr;
  p.as().write(c.ring + kRingHeader + uint64_t{slot} * kEventSize, &ev, sizeof ev);
  c.tail = (c.tail + 1) % c.nr;
  std::atomic_thread_fence(std::memory_order_release);
  p.as().write(c.ring + offsetof(RingHeader, tail), &c.tail, 4);
  if (resfd) {
    uint64_t one = 1;
    if (write(resfd->fd(), &one, 8) != 8) {}
  }
  uint64_t one = 1;
  for (int w : c.waiters)
    if (write(w, &one, 8) != 8) {}
}

// Events in the ring not yet consumed (head as the guest left it).
uint32_t in_ring(Process& p, AioContext& c) {
  uint32_t head = 0;
  p.as().read(c.ring + offsetof(RingHeader, head), &head, 4);
  head %= c.nr;
  return (c.tail + c.nr - head) % c.nr;
}

// Completes the pending POLL requests that are ready now. c.mutex held.
// Linux's res: at submission the ready events among those asked; later the
// mask of the wakeup, which carries the companion bits (POLLIN with
// POLLRDNORM, POLLOUT with POLLWRNORM).
void check_polls(Process& p, AioContext& c) {
  for (size_t i = 0; i < c.polls.size();) {
    PendingPoll& q = c.polls[i];
    short want = q.events | POLLERR | POLLHUP;
    short ask = q.events;
    if (q.deferred) {
      if (q.events & (POLLIN | POLLRDNORM)) ask |= POLLIN | POLLRDNORM;
      if (q.events & (POLLOUT | POLLWRNORM)) ask |= POLLOUT | POLLWRNORM;
    }
    struct pollfd pf = {q.file->fd(), ask, 0};
    if (poll(&pf, 1, 0) == 1 && (pf.revents & want)) {
      PendingPoll r = std::move(q);
      c.polls.erase(c.polls.begin() + static_cast<long>(i));
      complete(p, c, r.data, r.obj, r.deferred ? pf.revents : pf.revents & want, r.resfd);
    } else {
      q.deferred = true;
      ++i;
    }
  }
}

bool is_eventfd(int host_fd) {
  char path[64], link[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", host_fd);
  ssize_t n = readlink(path, link, sizeof link - 1);
  if (n < 0) return false;
  link[n] = 0;
  return strcmp(link, "anon_inode:[eventfd]") == 0;
}

// One iocb: 0 when it was taken (completed or pending), else the -errno
// that ends the batch.
int64_t submit_one(SyscallCtx& ctx, AioContext& c, uint64_t iocb_addr) {
  Process& p = ctx.proc;
  struct iocb cb;
  if (!p.as().read(iocb_addr, &cb, sizeof cb)) return -EFAULT;
  if (cb.aio_reserved2) return -EINVAL;
  if (static_cast<int64_t>(cb.aio_nbytes) < 0) return -EINVAL;
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    if (in_ring(p, c) + c.polls.size() + 1 >= c.nr) return -EAGAIN;
  }
  std::shared_ptr<HostFd> file = p.fds().get(static_cast<int>(cb.aio_fildes));
  if (!file || static_cast<int32_t>(cb.aio_fildes) < 0) return -EBADF;
  int fl = fcntl(file->fd(), F_GETFL);
  if (fl < 0 || (fl & O_PATH)) return -EBADF;
  std::shared_ptr<HostFd> resfd;
  if (cb.aio_flags & IOCB_FLAG_RESFD) {
    resfd = p.fds().get(static_cast<int>(cb.aio_resfd));
    if (!resfd) return -EBADF;
    if (!is_eventfd(resfd->fd())) return -EINVAL;
  }
  uint32_t key = 0;  // KIOCB_KEY
  if (!p.as().write(iocb_addr + offsetof(struct iocb, aio_key), &key, 4)) return -EFAULT;
  int64_t res;
  switch (cb.aio_lio_opcode) {
    case IOCB_CMD_PREAD:
    case IOCB_CMD_PWRITE:
    case IOCB_CMD_PREADV:
    case IOCB_CMD_PWRITEV: {
      bool wr = cb.aio_lio_opcode == IOCB_CMD_PWRITE || cb.aio_lio_opcode == IOCB_CMD_PWRITEV;
      bool vec = cb.aio_lio_opcode == IOCB_CMD_PREADV || cb.aio_lio_opcode == IOCB_CMD_PWRITEV;
      if (cb.aio_rw_flags & ~0xffu) return -EOPNOTSUPP;  // past RWF_SUPPORTED
      int acc = fl & O_ACCMODE;
      if (wr ? acc == O_RDONLY : acc == O_WRONLY) return -EBADF;
      if (file->emu() || file->synth() || file->pidfd()) return -EINVAL;  // no read_iter/write_iter
      std::vector<struct iovec> iov;
      if (vec) {
        int64_t n = import_iovec(p, cb.aio_buf, cb.aio_nbytes, wr ? PROT_READ : PROT_WRITE, &iov);
        if (n < 0) return n;
      } else {
        uint64_t len = std::min<uint64_t>(cb.aio_nbytes, kMaxRwCount);
        uint8_t* b = host_span(p, cb.aio_buf, &len, wr ? PROT_READ : PROT_WRITE);
        if (!b) return -EFAULT;
        iov.push_back({b, len});
      }
      bool seekable = lseek(file->fd(), 0, SEEK_CUR) >= 0;
      int64_t off = seekable ? cb.aio_offset : -1;
      if (seekable && cb.aio_offset < 0) return -EINVAL;
      res = safe_syscall(&ctx.vcpu.state.exit_request, wr ? SYS_pwritev2 : SYS_preadv2, file->fd(),
                         reinterpret_cast<long>(iov.data()), static_cast<long>(iov.size()),
                         static_cast<long>(off), 0, static_cast<long>(cb.aio_rw_flags));
      break;
    }
    case IOCB_CMD_FSYNC:
    case IOCB_CMD_FDSYNC:
      if (cb.aio_buf || cb.aio_offset || cb.aio_nbytes || cb.aio_rw_flags) return -EINVAL;
      if (file->emu() || file->synth() || file->pidfd()) return -EINVAL;
      res = cb.aio_lio_opcode == IOCB_CMD_FSYNC ? fsync(file->fd()) : fdatasync(file->fd());
      if (res < 0) res = -errno;
      break;
    case IOCB_CMD_POLL: {
      if (static_cast<uint16_t>(cb.aio_buf) != cb.aio_buf) return -EINVAL;
      if (cb.aio_offset || cb.aio_nbytes || cb.aio_rw_flags) return -EINVAL;
      PendingPoll r{iocb_addr, cb.aio_data, static_cast<short>(cb.aio_buf), file, resfd};
      std::lock_guard<std::mutex> lock(c.mutex);
      c.polls.push_back(std::move(r));
      check_polls(p, c);
      return 0;
    }
    default:
      return -EINVAL;
  }
  if (res == -EINTR) res = -EINTR;  // an interrupted transfer completes with EINTR
  std::lock_guard<std::mutex> lock(c.mutex);
  complete(p, c, cb.aio_data, iocb_addr, res, resfd);
  return 0;
}

// io_getevents's work: up to nr events into `events`, waiting (deadline on
// CLOCK_MONOTONIC, or none) until min_nr are there. The count, or -errno
// when none was read.
int64_t get_events(SyscallCtx& ctx, AioContext& c, int64_t min_nr, int64_t nr, uint64_t events,
                   const timespec* deadline) {
  Process& p = ctx.proc;
  int64_t got = 0;
  int wake = -1;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(c.mutex);
      if (wake >= 0) c.waiters.erase(std::find(c.waiters.begin(), c.waiters.end(), wake));
      check_polls(p, c);
      RingHeader h;
      p.as().read(c.ring, &h, sizeof h);
      uint32_t head = h.head % c.nr;
      while (got < nr && head != c.tail) {
        struct io_event ev;
        p.as().read(c.ring + kRingHeader + uint64_t{head} * kEventSize, &ev, sizeof ev);
        if (!p.as().write(events + static_cast<uint64_t>(got) * sizeof ev, &ev, sizeof ev)) {
          if (wake >= 0) close(wake);
          return got ? got : -EFAULT;
        }
        head = (head + 1) % c.nr;
        ++got;
        p.as().write(c.ring + offsetof(RingHeader, head), &head, 4);
      }
      if (got >= min_nr || got >= nr) break;
      if (deadline && deadline->tv_sec == 0 && deadline->tv_nsec == 0) break;
      if (wake < 0) wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (wake < 0) break;
      c.waiters.push_back(wake);
    }
    // Sleep until a completion, a pending POLL's file, a signal or the deadline.
    std::vector<struct pollfd> fds{{wake, POLLIN, 0}};
    {
      std::lock_guard<std::mutex> lock(c.mutex);
      for (const PendingPoll& r : c.polls) fds.push_back({r.file->fd(), r.events, 0});
    }
    struct timespec left, *lp = nullptr;
    if (deadline) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      int64_t ns = (deadline->tv_sec - now.tv_sec) * 1000000000 + (deadline->tv_nsec - now.tv_nsec);
      if (ns < 0) ns = 0;
      left = {ns / 1000000000, ns % 1000000000};
      lp = &left;
    }
    int64_t r = safe_syscall(&ctx.vcpu.state.exit_request, SYS_ppoll,
                             reinterpret_cast<long>(fds.data()), static_cast<long>(fds.size()),
                             reinterpret_cast<long>(lp), 0, 8);
    uint64_t v;
    if (read(wake, &v, 8) < 0) {}
    if (r == -EINTR || (r == 0 && deadline)) {
      std::lock_guard<std::mutex> lock(c.mutex);
      c.waiters.erase(std::find(c.waiters.begin(), c.waiters.end(), wake));
      close(wake);
      wake = -1;
      if (r == -EINTR) return got ? got : -EINTR;
      // The deadline passed: one last look.
      deadline = nullptr;
      min_nr = 0;
      continue;
    }
  }
  if (wake >= 0) close(wake);
  return got;
}

}  // namespace

int64_t sys_io_setup(SyscallCtx& ctx) {
  uint32_t nr_events = static_cast<uint32_t>(ctx.a[0]);
  uint64_t cur;
  if (!ctx.proc.as().read(ctx.a[1], &cur, 8)) return -EFAULT;
  if (cur || nr_events == 0) return -EINVAL;
  uint64_t n = std::max<uint64_t>(nr_events, 4 * static_cast<uint64_t>(sysconf(_SC_NPROCESSORS_CONF)));
  n *= 2;
  if (n > 0x10000000u / kEventSize) return -EINVAL;
  if (nr_events > kAioMaxNr) return -EAGAIN;
  uint64_t bytes = page_up(kRingHeader + n * kEventSize);
  uint32_t nr = static_cast<uint32_t>((bytes - kRingHeader) / kEventSize);
  uint64_t prev = g_aio_nr.fetch_add(nr_events);
  if (prev + nr_events > kAioMaxNr) {
    g_aio_nr.fetch_sub(nr_events);
    return -EAGAIN;
  }
  auto c = std::make_shared<AioContext>();
  c->max_reqs = nr_events;
  c->nr = nr;
  c->ring_bytes = bytes;
  SyscallCtx m{ctx.proc, ctx.vcpu, 222, {0, bytes, PROT_READ | PROT_WRITE,
                                         MAP_SHARED | MAP_ANONYMOUS, static_cast<uint64_t>(-1), 0}};
  int64_t addr = sys_mmap(m);
  if (addr < 0) return -ENOMEM;  // c's destructor gives back nr_events
  c->ring = static_cast<uint64_t>(addr);
  ctx.proc.as().set_name(c->ring, "/[aio] (deleted)");
  RingHeader h{0, nr, 0, 0, kRingMagic, 1, 0, static_cast<uint32_t>(kRingHeader)};
  {
    std::lock_guard<std::mutex> lock(ctx.proc.aio_mutex);
    if (!ctx.proc.aio) ctx.proc.aio = std::make_shared<AioTable>();
    h.id = ctx.proc.aio->next_id++;
    ctx.proc.aio->by_ring[c->ring] = c;
  }
  ctx.proc.as().write(c->ring, &h, sizeof h);
  if (!ctx.proc.as().write(ctx.a[1], &c->ring, 8)) {
    SyscallCtx io{ctx.proc, ctx.vcpu, 1, {c->ring, 0, 0, 0, 0, 0}};
    sys_io_destroy(io);
    return -EFAULT;
  }
  return 0;
}

int64_t sys_io_destroy(SyscallCtx& ctx) {
  std::shared_ptr<AioContext> c;
  {
    std::lock_guard<std::mutex> lock(ctx.proc.aio_mutex);
    if (!ctx.proc.aio) return -EINVAL;
    auto it = ctx.proc.aio->by_ring.find(ctx.a[0]);
    if (it == ctx.proc.aio->by_ring.end()) return -EINVAL;
    c = std::move(it->second);
    ctx.proc.aio->by_ring.erase(it);
  }
  {
    std::lock_guard<std::mutex> lock(c->mutex);
    c->polls.clear();  // cancelled with the context
    uint64_t one = 1;
    for (int w : c->waiters)
      if (write(w, &one, 8) != 8) {}
  }
  SyscallCtx m{ctx.proc, ctx.vcpu, 215, {c->ring, c->ring_bytes, 0, 0, 0, 0}};
  sys_munmap(m);
  return 0;
}

int64_t sys_io_submit(SyscallCtx& ctx) {
  int64_t nr = static_cast<int64_t>(ctx.a[1]);
  if (nr < 0) return -EINVAL;
  std::shared_ptr<AioContext> c = lookup(ctx.proc, ctx.a[0]);
  if (!c) return -EINVAL;
  nr = std::min<int64_t>(nr, c->nr);
  int64_t i = 0, err = 0;
  for (; i < nr; ++i) {
    uint64_t iocb;
    if (!ctx.proc.as().read(ctx.a[2] + 8 * static_cast<uint64_t>(i), &iocb, 8)) {
      err = -EFAULT;
      break;
    }
    if ((err = submit_one(ctx, *c, iocb)) != 0) break;
  }
  return i ? i : err;
}

int64_t sys_io_cancel(SyscallCtx& ctx) {
  std::shared_ptr<AioContext> c = lookup(ctx.proc, ctx.a[0]);
  if (!c) return -EINVAL;
  uint32_t key;
  if (!ctx.proc.as().read(ctx.a[1] + offsetof(struct iocb, aio_key), &key, 4)) return -EFAULT;
  if (key != 0) return -EINVAL;
  std::lock_guard<std::mutex> lock(c->mutex);
  check_polls(ctx.proc, *c);
  for (size_t i = 0; i < c->polls.size(); ++i) {
    if (c->polls[i].obj != ctx.a[1]) continue;
    PendingPoll r = std::move(c->polls[i]);
    c->polls.erase(c->polls.begin() + static_cast<long>(i));
    complete(ctx.proc, *c, r.data, r.obj, 0, r.resfd);
    return -EINPROGRESS;
  }
  return -EINVAL;  // done already, or never cancellable (reads, writes, fsync)
}

namespace {
int64_t getevents(SyscallCtx& ctx, bool with_sigmask) {
  int64_t min_nr = static_cast<int64_t>(ctx.a[1]), nr = static_cast<int64_t>(ctx.a[2]);
  GuestTimespec t{};
  if (ctx.a[4] && !ctx.proc.as().read(ctx.a[4], &t, sizeof t)) return -EFAULT;
  uint64_t mask = 0;
  bool has_mask = false;
  if (with_sigmask && ctx.a[5]) {
    struct {
      uint64_t sigmask, sigsetsize;
    } s;
    if (!ctx.proc.as().read(ctx.a[5], &s, sizeof s)) return -EFAULT;
    if (s.sigmask) {
      if (s.sigsetsize != 8) return -EINVAL;
      if (!ctx.proc.as().read(s.sigmask, &mask, 8)) return -EFAULT;
      has_mask = true;
    }
  }
  std::shared_ptr<AioContext> c = lookup(ctx.proc, ctx.a[0]);
  if (!c || min_nr > nr || min_nr < 0) return -EINVAL;
  timespec deadline, *dp = nullptr;
  if (ctx.a[4]) {
    if (t.tv_sec < 0 || (t.tv_sec == 0 && t.tv_nsec <= 0)) {
      deadline = {0, 0};  // already expired: no wait
    } else {
      deadline = deadline_after(CLOCK_MONOTONIC, t);
    }
    dp = &deadline;
  }
  TempSigmask m(ctx, has_mask, mask);
  bool signalled = m.begin();
  if (signalled) dp = &(deadline = {0, 0});
  int64_t r = get_events(ctx, *c, min_nr, nr, ctx.a[3], dp);
  bool intr = signalled ? r == 0 : r == -EINTR;
  m.end(intr);
  if (intr) return with_sigmask ? kERESTARTNOHAND : -EINTR;
  return r;
}
}  // namespace

int64_t sys_io_getevents(SyscallCtx& ctx) { return getevents(ctx, false); }
int64_t sys_io_pgetevents(SyscallCtx& ctx) { return getevents(ctx, true); }

void aio_drop_contexts(Process& p) {
  std::lock_guard<std::mutex> lock(p.aio_mutex);
  p.aio.reset();
}

}  // namespace hart::linux
