// linux-abi/syscalls/sys_poll.cpp — the polling area: ppoll, pselect6 (both with
// their temporary signal mask), epoll_create1/epoll_ctl/epoll_pwait/
// epoll_pwait2, eventfd2, timerfd_create/settime/gettime and signalfd4.
//
// Guest fds are translated to host fds for every host call and back in
// results. struct pollfd, struct itimerspec and fd_set words are the same on
// riscv64 and x86-64; struct epoll_event is NOT (x86-64 packs it to 12
// bytes, riscv64 uses the natural 16-byte layout), so events are converted.
// The epoll data word is opaque and passes through. pselect6 is done with a
// host ppoll so host fd numbers never meet FD_SETSIZE.
//
// signalfd: guest signals are virtual (signals.cpp), so a guest signalfd is
// a host eventfd — which gives poll/epoll/select readiness for free — plus
// a mask kept here. signalfd_notify() (called by signals.cpp when a signal
// is queued) makes the eventfd readable; read() is answered by
// signalfd_read() from the guest's pending signals; poll and read re-sync
// the eventfd with what is actually pending.
//
// Owns: these handlers, the signalfd registry, TempSigmask. Does not own:
// signal state (signals.cpp) or the fd table (fd_table.cpp).
#include "linux-abi/syscalls/sys_poll.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "linux-abi/riscv64_abi.h"
#include "linux-abi/syscalls/safe_syscall.h"
#include "linux-abi/process/signals.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

// ---- temporary signal mask ------------------------------------------------------

bool TempSigmask::begin() {
  if (!active_) return false;
  Process& p = ctx_.proc;
  std::lock_guard<std::mutex> lock(p.mutex());
  ThreadSignals& ts = p.thread_signals(ctx_.vcpu);
  ts.saved_blocked = ts.blocked;
  ts.restore_blocked = true;
  ts.blocked = mask_ & ~kUnblockableSignals;
  return has_deliverable(p, ts);
}

void TempSigmask::end(bool interrupted) {
  if (!active_ || interrupted) return;  // interrupted: the frame restores the mask
  Process& p = ctx_.proc;
  std::lock_guard<std::mutex> lock(p.mutex());
  ThreadSignals& ts = p.thread_signals(ctx_.vcpu);
  if (ts.restore_blocked) {
    ts.blocked = ts.saved_blocked;
    ts.restore_blocked = false;
  }
}

namespace {

// Reads a sigset argument: 0, -EINVAL (size) or -EFAULT.
int read_sigmask(Process& p, uint64_t addr, uint64_t size, uint64_t* mask) {
  if (size != 8) return -EINVAL;
  return p.as().read(addr, mask, 8) ? 0 : -EFAULT;
}

// Reads a timeout: 0, -EFAULT or -EINVAL.
int read_timeout(Process& p, uint64_t addr, struct timespec* ts) {
  GuestTimespec g;
  if (!p.as().read(addr, &g, sizeof g)) return -EFAULT;
  if (g.tv_sec < 0 || g.tv_nsec < 0 || g.tv_nsec >= 1000000000) return -EINVAL;
  ts->tv_sec = g.tv_sec;
  ts->tv_nsec = g.tv_nsec;
  return 0;
}

// ---- signalfd registry -----------------------------------------------------------

struct SignalFd {
  std::weak_ptr<HostFd> file;
  const HostFd* raw = nullptr;
  uint64_t mask = 0;
};

std::mutex g_sfd_mutex;  // a leaf
std::vector<SignalFd> g_sfds;

// The signalfd entry of file (its mask), or false.
bool find_signalfd(const HostFd* file, uint64_t* mask) {
  std::lock_guard<std::mutex> lock(g_sfd_mutex);
  for (auto it = g_sfds.begin(); it != g_sfds.end();) {
    if (it->file.expired()) {
      it = g_sfds.erase(it);
      continue;
    }
    if (it->raw == file) {
      *mask = it->mask;
      return true;
    }
    ++it;
  }
  return false;
}

// Signals pending for the thread ts or its process (Process::mutex held).
uint64_t pending_for(Process& p, ThreadSignals& ts) {
  return ts.pending.mask() | p.signals.shared.mask();
}

void set_ready(int efd, bool ready) {
  struct pollfd pf{efd, POLLIN, 0};
  bool is_ready = poll(&pf, 1, 0) == 1 && (pf.revents & POLLIN);
  if (ready == is_ready) return;
  uint64_t v = 1;
  if (ready) {
    ssize_t n = write(efd, &v, sizeof v);
    (void)n;
  } else {
    ssize_t n = read(efd, &v, sizeof v);  // readable, so it does not block
    (void)n;
  }
}

// Brings the eventfd of a signalfd in line with the caller's pending signals.
void refresh_signalfd(SyscallCtx& ctx, const HostFd& file, uint64_t mask) {
  bool ready;
  {
    std::lock_guard<std::mutex> lock(ctx.proc.mutex());
    ready = pending_for(ctx.proc, ctx.proc.thread_signals(ctx.vcpu)) & mask;
  }
  set_ready(file.fd(), ready);
}

// A signalfd is never writable (Linux's signalfd_poll reports POLLIN only)
// though its eventfd is: callers take the write events out of what they
// ask the host (kSignalfdNoWrite) when this says true.
bool refresh_if_signalfd(SyscallCtx& ctx, const std::shared_ptr<HostFd>& f) {
  uint64_t mask;
  if (!f || !find_signalfd(f.get(), &mask)) return false;
  refresh_signalfd(ctx, *f, mask);
  return true;
}
constexpr short kSignalfdNoWrite = ~static_cast<short>(POLLOUT | POLLWRNORM | POLLWRBAND);

// struct signalfd_siginfo (linux/signalfd.h): 128 bytes, same on both ABIs.
struct GuestSignalfdSiginfo {
  uint32_t ssi_signo;
  int32_t ssi_errno;
  int32_t ssi_code;
  uint32_t ssi_pid;
  uint32_t ssi_uid;
  int32_t ssi_fd;
  uint32_t ssi_tid;
  uint32_t ssi_band;
  uint32_t ssi_overrun;
  uint32_t ssi_trapno;
  int32_t ssi_status;
  int32_t ssi_int;
  uint64_t ssi_ptr;
  uint64_t ssi_utime;
  uint64_t ssi_stime;
  uint64_t ssi_addr;
  uint16_t ssi_addr_lsb;
  uint16_t pad2;
  int32_t ssi_syscall;
  uint64_t ssi_call_addr;
  uint32_t ssi_arch;
  uint8_t pad[28];
};
static_assert(sizeof(GuestSignalfdSiginfo) == 128);

constexpr int kSI_TIMER = -2;

GuestSignalfdSiginfo to_ssi(const GuestSiginfo& in) {
  GuestSignalfdSiginfo o{};
  o.ssi_signo = in.si_signo;
  o.ssi_errno = in.si_errno;
  o.ssi_code = in.si_code;
  int sig = in.si_signo;
  if (in.si_code == kSI_TIMER) {
    o.ssi_tid = in.f.kill.pid;
    o.ssi_overrun = in.f.kill.uid;
    o.ssi_ptr = in.f.kill.value;
    o.ssi_int = static_cast<int32_t>(in.f.kill.value);
  } else if (in.si_code > 0 && in.si_code != kSI_KERNEL && sig == SIGCHLD) {
    o.ssi_pid = in.f.chld.pid;
    o.ssi_uid = in.f.chld.uid;
    o.ssi_status = in.f.chld.status;
    o.ssi_utime = in.f.chld.utime;
    o.ssi_stime = in.f.chld.stime;
  } else if (in.si_code > 0 && in.si_code != kSI_KERNEL &&
             (sig_bit(sig) & kSynchronousSignals)) {
    o.ssi_addr = in.f.fault.addr;
  } else {
    o.ssi_pid = in.f.kill.pid;
    o.ssi_uid = in.f.kill.uid;
    if (in.si_code < 0) {
      o.ssi_ptr = in.f.kill.value;
      o.ssi_int = static_cast<int32_t>(in.f.kill.value);
    }
  }
  return o;
}

}  // namespace

bool signalfd_mask(const HostFd& file, uint64_t* mask) { return find_signalfd(&file, mask); }

void signalfd_notify(Process& p) {
  std::vector<std::pair<std::shared_ptr<HostFd>, uint64_t>> live;
  {
    std::lock_guard<std::mutex> lock(g_sfd_mutex);
    if (g_sfds.empty()) return;
    for (auto& s : g_sfds)
      if (auto f = s.file.lock()) live.emplace_back(std::move(f), s.mask);
  }
  uint64_t pending = p.signals.shared.mask();
  p.for_each_thread([&](Vcpu&, ThreadSignals& ts) { pending |= ts.pending.mask(); });
  std::vector<int> open = p.fds().open_fds();
  for (auto& [f, mask] : live) {
    if (!(pending & mask)) continue;
    bool mine = false;
    for (int fd : open)
      if (p.fds().get(fd) == f) {
        mine = true;
        break;
      }
    if (mine) set_ready(f->fd(), true);
  }
}

bool signalfd_read(SyscallCtx& ctx, const std::shared_ptr<HostFd>& file, uint64_t buf,
                   uint64_t len, int64_t* ret) {
  uint64_t mask;
  if (!file || !find_signalfd(file.get(), &mask)) return false;
  Process& p = ctx.proc;
  uint64_t count = len / sizeof(GuestSignalfdSiginfo);
  if (!count) {
    *ret = -EINVAL;
    return true;
  }
  int fl = fcntl(file->fd(), F_GETFL);
  bool nonblock = fl >= 0 && (fl & O_NONBLOCK);
  Thread& self = Process::thread_of(ctx.vcpu);
  uint64_t done = 0;
  int64_t result = 0;
  while (done < count) {
    GuestSiginfo info{};
    int sig;
    {
      std::unique_lock<std::mutex> lock(p.mutex());
      ThreadSignals& ts = p.thread_signals(ctx.vcpu);
      sig = dequeue_signal(p, ts, mask, &info);
      if (!sig && done == 0 && !nonblock) {
        p.signal_cv().wait(lock, [&] {
          return p.should_stop(self) || (pending_for(p, ts) & mask) || has_deliverable(p, ts);
        });
        sig = dequeue_signal(p, ts, mask, &info);
        if (!sig) {
          result = kERESTARTSYS;
          break;
        }
      }
    }
    if (!sig) {
      if (done == 0) result = -EAGAIN;
      break;
    }
    GuestSignalfdSiginfo o = to_ssi(info);
    if (!p.as().write(buf + done * sizeof o, &o, sizeof o)) {
      if (done == 0) result = -EFAULT;
      break;
    }
    ++done;
  }
  refresh_signalfd(ctx, *file, mask);
  *ret = done ? static_cast<int64_t>(done * sizeof(GuestSignalfdSiginfo)) : result;
  return true;
}

int64_t sys_signalfd4(SyscallCtx& ctx) {
  int gfd = static_cast<int>(ctx.a[0]);
  int flags = static_cast<int>(ctx.a[3]);
  if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK)) return -EINVAL;
  uint64_t mask;
  int r = read_sigmask(ctx.proc, ctx.a[1], ctx.a[2], &mask);
  if (r < 0) return r;
  mask &= ~kUnblockableSignals;
  if (gfd != -1) {
    auto f = ctx.proc.fds().get(gfd);
    if (!f) return -EBADF;
    std::lock_guard<std::mutex> lock(g_sfd_mutex);
    for (auto& s : g_sfds)
      if (s.raw == f.get() && !s.file.expired()) {
        s.mask = mask;
        return gfd;
      }
    return -EINVAL;
  }
  int efd = eventfd(0, EFD_CLOEXEC | ((flags & SFD_NONBLOCK) ? EFD_NONBLOCK : 0));
  if (efd < 0) return -errno;
  auto f = std::make_shared<HostFd>(efd);
  {
    std::lock_guard<std::mutex> lock(g_sfd_mutex);
    g_sfds.push_back(SignalFd{f, f.get(), mask});
  }
  int g = ctx.proc.fds().install(f, flags & SFD_CLOEXEC);
  if (g >= 0) refresh_signalfd(ctx, *f, mask);
  return g;
}

// ---- poll / select ------------------------------------------------------------------

namespace {

// The wait shared by ppoll and pselect6 (a host ppoll; ts updated in place).
int64_t host_poll(SyscallCtx& ctx, std::vector<struct pollfd>& hfds, struct timespec* ts,
                  TempSigmask& m) {
  struct timespec zero{0, 0};
  bool signalled = m.begin();
  int64_t r = safe_syscall(&ctx.vcpu.state.exit_request, SYS_ppoll,
                           reinterpret_cast<long>(hfds.data()), static_cast<long>(hfds.size()),
                           reinterpret_cast<long>(signalled ? &zero : ts), 0, 8);
  bool intr = r == -EINTR || (signalled && r == 0);
  m.end(intr);
  return intr ? kERESTARTNOHAND : r;
}

// The time left goes back to the guest's timeout (Linux's
// poll_select_finish), so a restarted call waits only for the rest. A
// failure is ignored, except that an interrupted call then cannot be
// restarted: kERESTARTNOHAND becomes -EINTR. A zero timeout is not written.
int64_t write_back_timeout(Process& p, uint64_t addr, const struct timespec& orig,
                           const struct timespec& left, int64_t r) {
  if (orig.tv_sec == 0 && orig.tv_nsec == 0) return r;
  GuestTimespec g{left.tv_sec, left.tv_nsec};
  if (p.as().write(addr, &g, sizeof g)) return r;
  return r == kERESTARTNOHAND ? -EINTR : r;
}

}  // namespace

int64_t sys_ppoll(SyscallCtx& ctx) {
  Process& p = ctx.proc;
  uint64_t nfds = ctx.a[1];
  struct timespec ts{}, *tsp = nullptr;
  if (ctx.a[2]) {
    int r = read_timeout(p, ctx.a[2], &ts);
    if (r < 0) return r;
    tsp = &ts;
  }
  uint64_t mask = 0;
  if (ctx.a[3]) {
    int r = read_sigmask(p, ctx.a[3], ctx.a[4], &mask);
    if (r < 0) return r;
  }
  if (nfds > static_cast<uint64_t>(p.fds().limit())) return -EINVAL;
  std::vector<struct pollfd> gfds(nfds);
  if (nfds && !p.as().read(ctx.a[0], gfds.data(), nfds * sizeof(struct pollfd))) return -EFAULT;
  std::vector<struct pollfd> hfds(nfds);
  std::vector<std::shared_ptr<HostFd>> keep(nfds);
  std::vector<bool> nval(nfds);
  bool any_nval = false;
  for (uint64_t i = 0; i < nfds; ++i) {
    hfds[i] = {-1, gfds[i].events, 0};
    if (gfds[i].fd < 0) continue;
    keep[i] = p.fds().get(gfds[i].fd);
    if (!keep[i]) {
      nval[i] = any_nval = true;
      continue;
    }
    if (refresh_if_signalfd(ctx, keep[i])) hfds[i].events &= kSignalfdNoWrite;
    // POLLERR/POLLHUP/POLLNVAL are always reported; the host does so too.
    hfds[i].fd = keep[i]->fd();
  }
  struct timespec zero{0, 0};
  const struct timespec orig = ts;
  TempSigmask m(ctx, ctx.a[3] != 0, mask);
  int64_t r = host_poll(ctx, hfds, any_nval ? &zero : tsp, m);
  if (r < 0) {
    if (tsp && r == kERESTARTNOHAND) r = write_back_timeout(p, ctx.a[2], orig, ts, r);
    return r;
  }
  int64_t n = 0;
  for (uint64_t i = 0; i < nfds; ++i) {
    gfds[i].revents = nval[i] ? POLLNVAL : hfds[i].revents;
    if (gfds[i].revents) ++n;
  }
  if (nfds && !p.as().write(ctx.a[0], gfds.data(), nfds * sizeof(struct pollfd))) return -EFAULT;
  if (tsp) write_back_timeout(p, ctx.a[2], orig, ts, n);
  return n;
}

int64_t sys_pselect6(SyscallCtx& ctx) {
  Process& p = ctx.proc;
  int64_t n = static_cast<int32_t>(ctx.a[0]);
  struct timespec ts{}, *tsp = nullptr;
  if (ctx.a[4]) {
    int r = read_timeout(p, ctx.a[4], &ts);
    if (r < 0) return r;
    tsp = &ts;
  }
  uint64_t mask = 0;
  bool has_mask = false;
  if (ctx.a[5]) {
    uint64_t sd[2];  // { const sigset_t *ss; size_t ss_len; }
    if (!p.as().read(ctx.a[5], sd, sizeof sd)) return -EFAULT;
    if (sd[0]) {
      int r = read_sigmask(p, sd[0], sd[1], &mask);
      if (r < 0) return r;
      has_mask = true;
    }
  }
  if (n < 0) return -EINVAL;
  n = std::min<int64_t>(n, p.fds().limit());
  uint64_t words = (n + 63) / 64;
  std::vector<uint64_t> sets[3];
  for (int k = 0; k < 3; ++k) {
    sets[k].assign(words, 0);
    if (ctx.a[1 + k] && words && !p.as().read(ctx.a[1 + k], sets[k].data(), words * 8))
      return -EFAULT;
  }
  std::vector<struct pollfd> hfds;
  std::vector<int> gfd;
  std::vector<std::shared_ptr<HostFd>> keep;
  for (int64_t fd = 0; fd < n; ++fd) {
    uint64_t bit = uint64_t{1} << (fd % 64);
    bool in = sets[0][fd / 64] & bit, out = sets[1][fd / 64] & bit, ex = sets[2][fd / 64] & bit;
    if (!(in || out || ex)) continue;
    auto f = p.fds().get(static_cast<int>(fd));
    if (!f) return -EBADF;
    const bool sfd = refresh_if_signalfd(ctx, f);
    short ev = (in ? POLLIN | POLLRDNORM | POLLRDBAND : 0) |
               (out ? POLLOUT | POLLWRNORM | POLLWRBAND : 0) | (ex ? POLLPRI : 0);
    if (sfd) ev &= kSignalfdNoWrite;
    hfds.push_back({f->fd(), ev, 0});
    gfd.push_back(static_cast<int>(fd));
    keep.push_back(std::move(f));
  }
  const struct timespec orig = ts;
  TempSigmask m(ctx, has_mask, mask);
  int64_t r = host_poll(ctx, hfds, tsp, m);
  if (r < 0) {
    if (tsp && r == kERESTARTNOHAND) r = write_back_timeout(p, ctx.a[4], orig, ts, r);
    return r;
  }
  for (auto& s : sets) std::fill(s.begin(), s.end(), 0);
  int64_t count = 0;
  constexpr short kIn = POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR;
  constexpr short kOut = POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR;
  for (size_t i = 0; i < hfds.size(); ++i) {
    int fd = gfd[i];
    uint64_t bit = uint64_t{1} << (fd % 64);
    short rev = hfds[i].revents, ev = hfds[i].events;
    if ((ev & POLLIN) && (rev & kIn)) sets[0][fd / 64] |= bit, ++count;
    if ((ev & POLLOUT) && (rev & kOut)) sets[1][fd / 64] |= bit, ++count;
    if ((ev & POLLPRI) && (rev & POLLPRI)) sets[2][fd / 64] |= bit, ++count;
  }
  for (int k = 0; k < 3; ++k)
    if (ctx.a[1 + k] && words && !p.as().write(ctx.a[1 + k], sets[k].data(), words * 8))
      return -EFAULT;
  if (tsp) write_back_timeout(p, ctx.a[4], orig, ts, count);
  return count;
}

// ---- epoll -------------------------------------------------------------------------------

namespace {

// riscv64's struct epoll_event: natural alignment, 16 bytes.
struct GuestEpollEvent {
  uint32_t events;
  uint32_t pad;
  uint64_t data;
};
static_assert(sizeof(GuestEpollEvent) == 16);
constexpr int64_t kEpMaxEvents = INT_MAX / sizeof(GuestEpollEvent);

int64_t epoll_wait_common(SyscallCtx& ctx, int timeout_ms, struct timespec* ts, bool use_ts,
                          uint64_t mask_addr, uint64_t mask_size) {
  Process& p = ctx.proc;
  uint64_t mask = 0;
  if (mask_addr) {
    int r = read_sigmask(p, mask_addr, mask_size, &mask);
    if (r < 0) return r;
  }
  int64_t maxevents = static_cast<int32_t>(ctx.a[2]);
  if (maxevents <= 0 || maxevents > kEpMaxEvents) return -EINVAL;
  if (!p.as().check(ctx.a[1], maxevents * sizeof(GuestEpollEvent), PROT_WRITE)) return -EFAULT;
  auto ep = p.fds().get(static_cast<int>(ctx.a[0]));
  if (!ep) return -EBADF;
  // All maxevents ready events in one call, as Linux's ep_send_events gives
  // them (a selector over 2,000 sockets sees every ready one). The host
  // buffer is 12 bytes an event, less than the guest's 16, and is left
  // uninitialised so that only the events written touch its pages. A second
  // host call to fetch more would not do: level-triggered events come back.
  std::unique_ptr<struct epoll_event[]> ev(new (std::nothrow) struct epoll_event[maxevents]);
  if (!ev) return -ENOMEM;
  int64_t n = maxevents;
  TempSigmask m(ctx, mask_addr != 0, mask);
  struct timespec zero{0, 0};
  bool signalled = m.begin();
  int64_t r;
  if (use_ts)
    r = safe_syscall(&ctx.vcpu.state.exit_request, SYS_epoll_pwait2, ep->fd(),
                     reinterpret_cast<long>(ev.get()), n,
                     reinterpret_cast<long>(signalled ? &zero : ts), 0, 8);
  else
    r = safe_syscall(&ctx.vcpu.state.exit_request, SYS_epoll_pwait, ep->fd(),
                     reinterpret_cast<long>(ev.get()), n, signalled ? 0 : timeout_ms, 0, 8);
  bool intr = r == -EINTR || (signalled && r == 0);
  m.end(intr);
  // Linux's ep_poll: -EINTR, never restarted (even after a stop and continue).
  if (intr) return -EINTR;
  if (r < 0) return r;
  for (int64_t i = 0; i < r; ++i) {
    GuestEpollEvent g{ev[i].events, 0, ev[i].data.u64};
    if (!p.as().write(ctx.a[1] + i * sizeof g, &g, sizeof g)) return i ? i : -EFAULT;
  }
  return r;
}

}  // namespace

int64_t sys_epoll_create1(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[0]);
  if (flags & ~EPOLL_CLOEXEC) return -EINVAL;
  int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return -errno;
  return ctx.proc.fds().install_host(fd, flags & EPOLL_CLOEXEC);
}

int64_t sys_epoll_ctl(SyscallCtx& ctx) {
  Process& p = ctx.proc;
  int op = static_cast<int>(ctx.a[1]);
  struct epoll_event hev{};
  if (op != EPOLL_CTL_DEL) {
    GuestEpollEvent g;
    if (!p.as().read(ctx.a[3], &g, sizeof g)) return -EFAULT;
    hev.events = g.events;
    hev.data.u64 = g.data;
  }
  auto ep = p.fds().get(static_cast<int>(ctx.a[0]));
  if (!ep) return -EBADF;
  auto f = p.fds().get(static_cast<int>(ctx.a[2]));
  if (!f) return -EBADF;
  if (ep == f) return -EINVAL;
  if (op != EPOLL_CTL_DEL && refresh_if_signalfd(ctx, f))
    hev.events &= ~static_cast<uint32_t>(EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
  return epoll_ctl(ep->fd(), op, f->fd(), &hev) == 0 ? 0 : -errno;
}

int64_t sys_epoll_pwait(SyscallCtx& ctx) {
  return epoll_wait_common(ctx, static_cast<int>(ctx.a[3]), nullptr, false, ctx.a[4], ctx.a[5]);
}

int64_t sys_epoll_pwait2(SyscallCtx& ctx) {
  struct timespec ts{}, *tsp = nullptr;
  if (ctx.a[3]) {
    int r = read_timeout(ctx.proc, ctx.a[3], &ts);
    if (r < 0) return r;
    tsp = &ts;
  }
  return epoll_wait_common(ctx, 0, tsp, true, ctx.a[4], ctx.a[5]);
}

// ---- eventfd, timerfd -----------------------------------------------------------------

int64_t sys_eventfd2(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[1]);
  if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)) return -EINVAL;
  int fd = eventfd(static_cast<unsigned>(ctx.a[0]), flags | EFD_CLOEXEC);
  if (fd < 0) return -errno;
  return ctx.proc.fds().install_host(fd, flags & EFD_CLOEXEC);
}

int64_t sys_timerfd_create(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[1]);
  if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK)) return -EINVAL;
  int clk = static_cast<int>(ctx.a[0]);
  if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME &&
      clk != CLOCK_REALTIME_ALARM && clk != CLOCK_BOOTTIME_ALARM)
    return -EINVAL;
  int fd = timerfd_create(clk, flags | TFD_CLOEXEC);
  if (fd < 0) return -errno;
  return ctx.proc.fds().install_host(fd, flags & TFD_CLOEXEC);
}

int64_t sys_timerfd_settime(SyscallCtx& ctx) {
  Process& p = ctx.proc;
  struct itimerspec nv, ov{};
  static_assert(sizeof nv == 32);
  if (!p.as().read(ctx.a[2], &nv, sizeof nv)) return -EFAULT;
  auto f = p.fds().get(static_cast<int>(ctx.a[0]));
  if (!f) return -EBADF;
  if (timerfd_settime(f->fd(), static_cast<int>(ctx.a[1]), &nv, &ov) != 0) return -errno;
  if (ctx.a[3] && !p.as().write(ctx.a[3], &ov, sizeof ov)) return -EFAULT;
  return 0;
}

int64_t sys_timerfd_gettime(SyscallCtx& ctx) {
  Process& p = ctx.proc;
  auto f = p.fds().get(static_cast<int>(ctx.a[0]));
  if (!f) return -EBADF;
  struct itimerspec cur;
  if (timerfd_gettime(f->fd(), &cur) != 0) return -errno;
  return p.as().write(ctx.a[1], &cur, sizeof cur) ? 0 : -EFAULT;
}

}  // namespace hart::linux
