// linux-abi/syscalls/sys_futex_pi.cpp — priority-inheritance futexes (FUTEX_LOCK_PI,
// FUTEX_LOCK_PI2, FUTEX_TRYLOCK_PI, FUTEX_UNLOCK_PI) and futex_waitv.
//
// A PI futex word holds its owner's thread id, which for a guest is a
// virtual tid the host kernel does not know, so hartd keeps the kernel's
// side here: a queue of waiters per futex word, the FUTEX_WAITERS bit, and
// the hand-over at unlock (the word becomes the first waiter's tid, with
// FUTEX_WAITERS while others wait), as Linux's futex_lock_pi/unlock_pi do.
// There are no priorities to inherit: waiters are served in arrival order.
// The word is changed under AddressSpace::guarded (the guest may unmap it), and a
// dead owner's word (robust lists: OWNER_DIED, tid 0) is taken over by the
// next waiter, which looks again every 20 ms. Words are keyed by their host
// address, so a PI futex in memory shared between two guest processes is
// not one lock for both (Partial). The requeue-PI operations (used by
// glibc's pre-2.25 PI condition variables only) are ENOSYS.
// futex_waitv and the futex2 calls of Linux 6.7 (futex_wake, futex_wait,
// futex_requeue) pass through: the host's calls on the guest words' host
// addresses after Linux's argument checks, waits interruptible
// (safe_syscall).
// Owns: futex_pi, sys_futex_waitv and the futex2 calls. Locking: g_pi (a leaf; never held
// while taking a Process::mutex_).
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include "linux-abi/syscalls/safe_syscall.h"
#include "linux-abi/process/signals.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

constexpr uint32_t kWaiters = 0x80000000u, kOwnerDied = 0x40000000u, kTidMask = 0x3fffffffu;
enum { kLockPi = 6, kUnlockPi = 7, kTrylockPi = 8, kLockPi2 = 13 };

// A thread blocked in FUTEX_LOCK_PI. The unlock that hands it the lock
// wakes it alone (its own condition, with g_pi), not every PI waiter of
// every launch; it also looks every 20 ms for signals and its deadline.
struct PiWaiter {
  int tid = 0;
  bool granted = false;
  std::condition_variable cv;
};

std::mutex g_pi;
std::map<uintptr_t, std::deque<PiWaiter*>> g_queues;  // host address of the word → waiters

// Atomic operations on a guest word that fail (false) instead of faulting.
struct WordOp {
  uint32_t* word;
  uint32_t expected, desired;
  bool load_only, ok = false;
};
void word_op(void* arg) {
  auto* o = static_cast<WordOp*>(arg);
  if (o->load_only) {
    o->expected = __atomic_load_n(o->word, __ATOMIC_SEQ_CST);
    o->ok = true;
  } else {
    o->ok = __atomic_compare_exchange_n(o->word, &o->expected, o->desired, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST);
  }
}
// *val = the word; false on a fault.
bool load(AddressSpace& as, uint32_t* w, uint32_t* val) {
  WordOp o{w, 0, 0, true};
  if (!as.guarded(word_op, &o)) return false;
  *val = o.expected;
  return true;
}
// 1 swapped, 0 the word changed (*val = now), -1 a fault.
int cas(AddressSpace& as, uint32_t* w, uint32_t* val, uint32_t desired) {
  WordOp o{w, *val, desired, false};
  if (!as.guarded(word_op, &o)) return -1;
  *val = o.expected;
  return o.ok ? 1 : 0;
}

// Is tid a live thread of the caller's launch (the processes that can share
// the word)? Another launch's threads are never looked at: their existence
// is not the guest's to learn, and a scan of the whole daemon per call
// would cost every guest.
bool tid_alive(Process& caller, int tid) {
  for (auto& p : Process::members(caller.tree())) {
    if (p->zombie()) continue;
    std::lock_guard<std::mutex> lock(p->mutex());
    if (p->thread_by_tid(tid)) return true;
  }
  return false;
}

int64_t lock_pi(SyscallCtx& ctx, uint32_t* w, bool try_only, bool has_deadline,
                std::chrono::system_clock::time_point deadline_rt,
                std::chrono::steady_clock::time_point deadline_mono, bool realtime) {
  Process& p = ctx.proc;
  AddressSpace& as = p.as();
  Thread& self = Process::thread_of(ctx.vcpu);
  const uint32_t me = static_cast<uint32_t>(self.tid);
  PiWaiter waiter;
  waiter.tid = self.tid;
  bool queued = false;
  auto key = reinterpret_cast<uintptr_t>(w);
  std::unique_lock<std::mutex> lock(g_pi);
  auto leave_queue = [&] {
    if (!queued) return;
    auto& q = g_queues[key];
    std::erase(q, &waiter);
    if (q.empty()) g_queues.erase(key);
    queued = false;
  };
  for (;;) {
    if (waiter.granted) return 0;  // the unlocker made us the owner
    uint32_t val;
    if (!load(as, w, &val)) {
      leave_queue();
      return -EFAULT;
    }
    uint32_t owner = val & kTidMask;
    if (owner == 0) {  // free (perhaps after its owner died): take it
      bool others = g_queues.count(key) && g_queues[key].size() > (queued ? 1u : 0u);
      int r = cas(as, w, &val, me | (val & kOwnerDied) | (others ? kWaiters : 0));
      if (r < 0) {
        leave_queue();
        return -EFAULT;
      }
      if (r == 1) {
        leave_queue();
        return 0;
      }
      continue;
    }
    if (owner == me) {
      leave_queue();
      return -EDEADLK;
    }
    if (!(val & kOwnerDied) && !tid_alive(p, static_cast<int>(owner))) {
      leave_queue();
      return -ESRCH;
    }
    if (try_only) return -EAGAIN;
    if (!(val & kWaiters)) {
      int r = cas(as, w, &val, val | kWaiters);
      if (r < 0) {
        leave_queue();
        return -EFAULT;
      }
      if (r == 0) continue;
    }
    if (!queued) {
      g_queues[key].push_back(&waiter);
      queued = true;
    }
    waiter.cv.wait_for(lock, std::chrono::milliseconds(20));
    if (waiter.granted) return 0;
    bool timed_out = has_deadline && (realtime ? std::chrono::system_clock::now() >= deadline_rt
                                               : std::chrono::steady_clock::now() >= deadline_mono);
    lock.unlock();
    int64_t stop = 0;
    {
      std::lock_guard<std::mutex> plock(p.mutex());
      if (p.should_stop(self)) stop = -EINTR;
      else if (has_deliverable(p, self.sig)) stop = kERESTARTNOINTR;  // Linux restarts LOCK_PI
    }
    lock.lock();
    if (waiter.granted) return 0;
    if (timed_out || stop) {
      leave_queue();
      // Nobody left waiting: the next unlock may take the fast path again.
      if (!g_queues.count(key)) {
        uint32_t v;
        if (load(as, w, &v) && (v & kWaiters)) cas(as, w, &v, v & ~kWaiters);
      }
      return timed_out ? -ETIMEDOUT : stop;
    }
  }
}

int64_t unlock_pi(SyscallCtx& ctx, uint32_t* w) {
  AddressSpace& as = ctx.proc.as();
  const uint32_t me = static_cast<uint32_t>(ctx.proc.tid_of(ctx.vcpu));
  auto key = reinterpret_cast<uintptr_t>(w);
  std::lock_guard<std::mutex> lock(g_pi);
  for (;;) {
    uint32_t val;
    if (!load(as, w, &val)) return -EFAULT;
    if ((val & kTidMask) != me) return -EPERM;
    auto it = g_queues.find(key);
    PiWaiter* next = it == g_queues.end() || it->second.empty() ? nullptr : it->second.front();
    uint32_t desired = 0;
    if (next) desired = static_cast<uint32_t>(next->tid) | (it->second.size() > 1 ? kWaiters : 0);
    int r = cas(as, w, &val, desired);
    if (r < 0) return -EFAULT;
    if (r == 0) continue;
    if (next) {
      it->second.pop_front();
      if (it->second.empty()) g_queues.erase(it);
      next->granted = true;
      next->cv.notify_one();
    }
    return 0;
  }
}

}  // namespace

int64_t futex_pi(SyscallCtx& ctx, int cmd, int op) {
  uint64_t uaddr = ctx.a[0];
  AddressSpace& as = ctx.proc.as();
  if (cmd != kLockPi && cmd != kUnlockPi && cmd != kTrylockPi && cmd != kLockPi2) return -ENOSYS;
  if (cmd == kLockPi && (op & FUTEX_CLOCK_REALTIME)) return -ENOSYS;  // LOCK_PI is always realtime
  bool has_deadline = false, realtime = cmd == kLockPi || (op & FUTEX_CLOCK_REALTIME);
  std::chrono::system_clock::time_point rt{};
  std::chrono::steady_clock::time_point mono{};
  if ((cmd == kLockPi || cmd == kLockPi2) && ctx.a[3]) {  // an absolute deadline
    GuestTimespec t;
    if (!as.read(ctx.a[3], &t, sizeof t)) return -EFAULT;
    if (t.tv_sec < 0 || static_cast<uint64_t>(t.tv_nsec) >= 1000000000) return -EINVAL;
    // The guest's clocks are the host's: convert through the clock's now.
    struct timespec now;
    clock_gettime(realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, &now);
    auto left = std::chrono::seconds(t.tv_sec - now.tv_sec) + std::chrono::nanoseconds(t.tv_nsec - now.tv_nsec);
    rt = std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(left);
    mono = std::chrono::steady_clock::now() + left;
    has_deadline = true;
  }
  if (uaddr & 3) return -EINVAL;
  if (!as.check(uaddr, 4, PROT_READ | PROT_WRITE)) return -EFAULT;
  auto* w = reinterpret_cast<uint32_t*>(as.base() + uaddr);
  if (cmd == kUnlockPi) return unlock_pi(ctx, w);
  return lock_pi(ctx, w, cmd == kTrylockPi, has_deadline, rt, mono, realtime);
}

// futex_waitv(waiters, nr, flags, timeout, clockid): struct futex_waitv
// { u64 val; u64 uaddr; u32 flags; u32 reserved; } — the same on both
// sides but for the address, which becomes the host's.
namespace {

// struct futex_waitv; FUTEX2_* flags (linux/futex.h): only 32-bit words
// (FUTEX2_NUMA and the other sizes are EINVAL in 6.12), private or not.
struct Waitv {
  uint64_t val, uaddr;
  uint32_t flags, reserved;
};
constexpr uint32_t kF2SizeMask = 3, kF2SizeU32 = 2, kF2Private = 128;
bool futex2_flags_ok(uint32_t flags) {
  return !(flags & ~(kF2SizeMask | kF2Private)) && (flags & kF2SizeMask) == kF2SizeU32;
}

// Reads nr struct futex_waitv and makes their addresses host ones: 0,
// -EFAULT or -EINVAL (Linux's futex_parse_waitv).
int64_t read_waitv(AddressSpace& as, uint64_t addr, std::vector<Waitv>* w) {
  if (!as.read(addr, w->data(), w->size() * sizeof(Waitv))) return -EFAULT;
  for (Waitv& v : *w) {
    if (v.reserved || !futex2_flags_ok(v.flags)) return -EINVAL;
    if (v.uaddr & 3) return -EINVAL;
    if (!as.check(v.uaddr, 4, PROT_READ)) return -EFAULT;
    v.uaddr = reinterpret_cast<uint64_t>(as.base() + v.uaddr);
  }
  return 0;
}

// A futex2 word's host address: -EINVAL (misaligned) or -EFAULT as Linux's
// get_futex_key, after the flag and value checks.
int64_t futex2_word(AddressSpace& as, uint64_t uaddr, uint32_t** host) {
  if (uaddr & 3) return -EINVAL;
  if (!as.check(uaddr, 4, PROT_READ)) return -EFAULT;
  *host = reinterpret_cast<uint32_t*>(as.base() + uaddr);
  return 0;
}

}  // namespace

// futex_wake(uaddr, mask, nr, flags): the woken count.
int64_t sys_futex_wake(SyscallCtx& ctx) {
  uint32_t flags = static_cast<uint32_t>(ctx.a[3]);
  if (!futex2_flags_ok(flags) || (ctx.a[1] >> 32)) return -EINVAL;  // the mask fits the word
  uint32_t* host = nullptr;
  int64_t r = futex2_word(ctx.proc.as(), ctx.a[0], &host);
  if (r < 0) return r;
  return host_ret(syscall(SYS_futex_wake, host, ctx.a[1], static_cast<int>(ctx.a[2]), flags));
}

// futex_wait(uaddr, val, mask, flags, timeout, clockid): an absolute
// timeout on CLOCK_MONOTONIC or CLOCK_REALTIME; a signal restarts it with
// the same deadline (-ERESTARTSYS, as Linux).
int64_t sys_futex_wait(SyscallCtx& ctx) {
  uint32_t flags = static_cast<uint32_t>(ctx.a[3]);
  if (!futex2_flags_ok(flags) || (ctx.a[1] >> 32) || (ctx.a[2] >> 32)) return -EINVAL;
  struct timespec ts{};
  if (ctx.a[4]) {
    int clock = static_cast<int>(ctx.a[5]);
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) return -EINVAL;
    GuestTimespec t;
    if (!ctx.proc.as().read(ctx.a[4], &t, sizeof t)) return -EFAULT;
    if (t.tv_sec < 0 || static_cast<uint64_t>(t.tv_nsec) >= 1000000000) return -EINVAL;
    ts = {t.tv_sec, t.tv_nsec};
  }
  uint32_t* host = nullptr;
  int64_t r = futex2_word(ctx.proc.as(), ctx.a[0], &host);
  if (r < 0) return r;
  r = safe_syscall(&ctx.vcpu.state.exit_request, SYS_futex_wait, reinterpret_cast<long>(host),
                   static_cast<long>(ctx.a[1]), static_cast<long>(ctx.a[2]), static_cast<long>(flags),
                   ctx.a[4] ? reinterpret_cast<long>(&ts) : 0, static_cast<long>(ctx.a[5]));
  return r == -EINTR ? kERESTARTSYS : r;
}

// futex_requeue(waiters[2], flags, nr_wake, nr_requeue): waiters[0].val is
// compared (EAGAIN), nr_wake woken and up to nr_requeue moved to waiters[1].
int64_t sys_futex_requeue(SyscallCtx& ctx) {
  if (ctx.a[1] != 0) return -EINVAL;
  std::vector<Waitv> w(2);
  int64_t r = read_waitv(ctx.proc.as(), ctx.a[0], &w);
  if (r < 0) return r;
  return host_ret(syscall(SYS_futex_requeue, w.data(), 0, static_cast<int>(ctx.a[2]),
                          static_cast<int>(ctx.a[3])));
}

int64_t sys_futex_waitv(SyscallCtx& ctx) {
  uint64_t nr = static_cast<uint32_t>(ctx.a[1]);
  if (ctx.a[2] || nr == 0 || nr > 128) return -EINVAL;  // FUTEX_WAITV_MAX
  AddressSpace& as = ctx.proc.as();
  std::vector<Waitv> w(nr);
  int64_t rv = read_waitv(as, ctx.a[0], &w);
  if (rv < 0) return rv;
  struct timespec ts{};
  if (ctx.a[3]) {
    GuestTimespec t;
    if (!as.read(ctx.a[3], &t, sizeof t)) return -EFAULT;
    ts = {t.tv_sec, t.tv_nsec};
  }
  int64_t r = safe_syscall(&ctx.vcpu.state.exit_request, SYS_futex_waitv,
                           reinterpret_cast<long>(w.data()), static_cast<long>(nr), 0,
                           ctx.a[3] ? reinterpret_cast<long>(&ts) : 0, static_cast<long>(ctx.a[4]));
  return r == -EINTR ? kERESTARTSYS : r;
}

}  // namespace hart::linux
