// linux-abi/syscalls/sys_time.cpp — clocks and sleeping: clock_gettime,
// clock_getres, gettimeofday, nanosleep, clock_nanosleep (interruptible,
// through safe_syscall; a relative sleep is resumed by restart_syscall with
// the time left), setitimer/getitimer (real, virtual and profiling timers;
// itimer.h). struct timespec
// and timeval are two 64-bit words on both riscv64 and x86-64.
// POSIX timers (timer_create family): one host thread per timer sleeps until
// the expiry and queues the guest signal (SIGEV_SIGNAL to the process,
// SIGEV_THREAD_ID to a thread, SIGEV_NONE nothing) with si_code SI_TIMER;
// an expiry while the previous signal is still pending counts as an
// overrun. CPU-time clocks are virtual: the process clock sums the guest
// process's own threads; the encoded per-thread/per-process clocks glibc
// builds (pthread_getcpuclockid, clock_getcpuclockid) name guest tids/pids.
// Owns: these handlers, the guest→host clock id mapping and the POSIX timer
// registry. Does not own: the interval timers' threads (itimer.cpp).
#include <pthread.h>
#include <sys/timex.h>
#include <sys/syscall.h>
#include <time.h>

#include <cerrno>
#include <condition_variable>
#include <map>
#include <thread>

#include "linux-abi/process/itimer.h"
#include "linux-abi/riscv64_abi.h"
#include "linux-abi/syscalls/safe_syscall.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

// Guest clock id → host clock id, or -1 if invalid.
clockid_t host_clock(int64_t id) {
  switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_TAI:
      return static_cast<clockid_t>(id);
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
      return CLOCK_THREAD_CPUTIME_ID;
    case CLOCK_REALTIME_ALARM:
    case CLOCK_BOOTTIME_ALARM:
      return static_cast<clockid_t>(id);
    default:
      // Negative ids are glibc's encodings of another process's/thread's CPU clock.
      if (id < 0 && static_cast<int32_t>(id) == id) return CLOCK_THREAD_CPUTIME_ID;
      return -1;
  }
}

bool valid_ts(const GuestTimespec& t) { return t.tv_sec >= 0 && t.tv_nsec >= 0 && t.tv_nsec < 1000000000; }

}  // namespace

namespace {

uint64_t ts_ns(const struct timespec& ts) {
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// CPU-time clocks (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID and the
// negative encodings ((~id) << 3) | perthread << 2 | type): 1 if id is not
// one, 0 with *ns, or -EINVAL.
int cpu_clock_ns(SyscallCtx& ctx, int64_t id, uint64_t* ns) {
  Process& p = ctx.proc;
  struct timespec ts;
  if (id == CLOCK_THREAD_CPUTIME_ID) {
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    *ns = ts_ns(ts);
    return 0;
  }
  if (id == CLOCK_PROCESS_CPUTIME_ID) {
    *ns = p.info().cpu_ns;
    return 0;
  }
  if (id >= 0) return 1;
  if ((id & 3) == 3) return -EINVAL;
  int who = static_cast<int>(~(id >> 3));
  if (id & 4) {  // a thread of this process
    if (who == 0) who = p.tid_of(ctx.vcpu);
    std::lock_guard<std::mutex> lock(p.mutex());
    Vcpu* v = p.thread_by_tid(who);
    if (!v) return -EINVAL;
    Thread& t = Process::thread_of(*v);
    clockid_t clk;
    if (!t.running || pthread_getcpuclockid(t.host, &clk) != 0 || clock_gettime(clk, &ts) != 0)
      return -EINVAL;
    *ns = ts_ns(ts);
    return 0;
  }
  if (who == 0 || who == p.pid()) {
    *ns = p.info().cpu_ns;
    return 0;
  }
  auto other = Process::find(who, &p);
  if (!other) return -EINVAL;
  *ns = other->info().cpu_ns;
  return 0;
}

}  // namespace

int64_t sys_clock_gettime(SyscallCtx& ctx) {
  int64_t id = static_cast<int32_t>(ctx.a[0]);
  struct timespec ts;
  uint64_t ns;
  int c = cpu_clock_ns(ctx, id, &ns);
  if (c < 0) return c;
  if (c == 0) {
    ts.tv_sec = static_cast<time_t>(ns / 1000000000u);
    ts.tv_nsec = static_cast<long>(ns % 1000000000u);
  } else {
    clockid_t hc = host_clock(id);
    if (hc == -1) return -EINVAL;
    if (clock_gettime(hc, &ts) != 0) return -errno;
  }
  GuestTimespec g{ts.tv_sec, ts.tv_nsec};
  return ctx.proc.as().write(ctx.a[1], &g, sizeof g) ? 0 : -EFAULT;
}

int64_t sys_clock_getres(SyscallCtx& ctx) {
  int64_t id = static_cast<int32_t>(ctx.a[0]);
  uint64_t ns;
  if (id < 0 && cpu_clock_ns(ctx, id, &ns) < 0) return -EINVAL;
  clockid_t c = host_clock(id);
  if (c == -1) return -EINVAL;
  struct timespec ts;
  if (clock_getres(c, &ts) != 0) return -errno;
  if (!ctx.a[1]) return 0;
  GuestTimespec g{ts.tv_sec, ts.tv_nsec};
  return ctx.proc.as().write(ctx.a[1], &g, sizeof g) ? 0 : -EFAULT;
}

// ---- setting the clock ---------------------------------------------------------------
// A guest never sets the host's clock: it is answered as in a container
// without CAP_SYS_TIME (EPERM), after Linux's own checks of the arguments.
// adjtimex/clock_adjtime with no modes only read the clock's state, which
// anyone may.

int64_t sys_clock_settime(SyscallCtx& ctx) {
  int64_t id = static_cast<int32_t>(ctx.a[0]);
  GuestTimespec t;
  if (!ctx.proc.as().read(ctx.a[1], &t, sizeof t)) return -EFAULT;
  if (id != CLOCK_REALTIME) return -EINVAL;  // only CLOCK_REALTIME is settable
  if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000) return -EINVAL;
  return -EPERM;
}

int64_t sys_settimeofday(SyscallCtx& ctx) {
  if (ctx.a[0]) {
    GuestTimeval tv;
    if (!ctx.proc.as().read(ctx.a[0], &tv, sizeof tv)) return -EFAULT;
    if (tv.tv_usec < 0 || tv.tv_usec >= 1000000 || tv.tv_sec < 0) return -EINVAL;
  }
  if (ctx.a[1]) {
    int32_t tz[2];
    if (!ctx.proc.as().read(ctx.a[1], tz, sizeof tz)) return -EFAULT;
    if (tz[0] < -15 * 60 || tz[0] > 15 * 60) return -EINVAL;
  }
  return ctx.a[0] || ctx.a[1] ? -EPERM : 0;
}

namespace {
// struct timex (208 bytes, the same on riscv64 and x86-64): read-only
// queries pass through, changes are refused.
int64_t adjtime_query(SyscallCtx& ctx, clockid_t clock, uint64_t addr) {
  struct timex tx;
  static_assert(sizeof tx == 208);
  if (!ctx.proc.as().read(addr, &tx, sizeof tx)) return -EFAULT;
  if (tx.modes != 0 && tx.modes != 0xa001 /* ADJ_OFFSET_SS_READ */) return -EPERM;
  tx.modes = 0;
  int r = static_cast<int>(syscall(SYS_clock_adjtime, clock, &tx));
  if (r < 0) return -errno;
  return ctx.proc.as().write(addr, &tx, sizeof tx) ? r : -EFAULT;
}
}  // namespace

int64_t sys_adjtimex(SyscallCtx& ctx) { return adjtime_query(ctx, CLOCK_REALTIME, ctx.a[0]); }

int64_t sys_clock_adjtime(SyscallCtx& ctx) {
  int64_t id = static_cast<int32_t>(ctx.a[0]);
  if (id != CLOCK_REALTIME && id != CLOCK_TAI) return -EINVAL;
  return adjtime_query(ctx, static_cast<clockid_t>(id), ctx.a[1]);
}

int64_t sys_gettimeofday(SyscallCtx& ctx) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (ctx.a[0]) {
    GuestTimeval tv{ts.tv_sec, ts.tv_nsec / 1000};
    if (!ctx.proc.as().write(ctx.a[0], &tv, sizeof tv)) return -EFAULT;
  }
  if (ctx.a[1]) {
    int32_t tz[2] = {0, 0};
    if (!ctx.proc.as().write(ctx.a[1], tz, sizeof tz)) return -EFAULT;
  }
  return 0;
}

struct timespec deadline_after(clockid_t c, const GuestTimespec& rel) {
  struct timespec now{};
  clock_gettime(c, &now);
  constexpr int64_t kMaxSec = INT64_MAX / 1000000000;  // KTIME_MAX in seconds
  struct timespec d;
  if (rel.tv_sec >= kMaxSec - now.tv_sec) return {kMaxSec, 0};
  d.tv_sec = now.tv_sec + rel.tv_sec;
  d.tv_nsec = now.tv_nsec + rel.tv_nsec;
  if (d.tv_nsec >= 1000000000) d.tv_sec++, d.tv_nsec -= 1000000000;
  return d;
}

namespace {

// Linux's do_nanosleep on an absolute deadline (rb.clock, rb.deadline): 0
// once it has passed. Interrupted: the time left goes to rb.addr if the call
// had a rem pointer (0 without writing when none is left, -EFAULT if it
// cannot be written), and restart_syscall resumes the sleep.
int64_t sleep_until(SyscallCtx& ctx, RestartBlock& rb) {
  int64_t e = safe_syscall(&ctx.vcpu.state.exit_request, SYS_clock_nanosleep, rb.clock,
                           TIMER_ABSTIME, reinterpret_cast<long>(&rb.deadline), 0);
  if (e != -EINTR) return e;
  if (rb.addr) {
    struct timespec now{};
    clock_gettime(rb.clock, &now);
    GuestTimespec rem{rb.deadline.tv_sec - now.tv_sec, rb.deadline.tv_nsec - now.tv_nsec};
    if (rem.tv_nsec < 0) rem.tv_sec--, rem.tv_nsec += 1000000000;
    if (rem.tv_sec < 0 || (rem.tv_sec == 0 && rem.tv_nsec == 0)) return 0;
    if (!ctx.proc.as().write(rb.addr, &rem, sizeof rem)) return -EFAULT;
  }
  rb.fn = sleep_until;  // restart_syscall sleeps on to the same deadline
  return kERESTART_RESTARTBLOCK;  // -EINTR if a handler runs, else restart_syscall
}

// A relative sleep of rel on clock c, rem to rem_addr (0: none).
int64_t sleep_for(SyscallCtx& ctx, clockid_t c, const GuestTimespec& rel, uint64_t rem_addr) {
  RestartBlock& rb = Process::thread_of(ctx.vcpu).restart;
  rb = RestartBlock{};
  rb.clock = c;
  rb.deadline = deadline_after(c, rel);
  rb.addr = rem_addr;
  return sleep_until(ctx, rb);
}

}  // namespace

// nanosleep and relative clock_nanosleep sleep until an absolute deadline,
// so that restart_syscall (after a stop and continue, or a signal with no
// handler) sleeps only the rest. A relative CLOCK_REALTIME sleep runs on
// CLOCK_MONOTONIC, as Linux's hrtimers do (a clock change does not move it).
int64_t sys_nanosleep(SyscallCtx& ctx) {
  GuestTimespec req;
  if (!ctx.proc.as().read(ctx.a[0], &req, sizeof req)) return -EFAULT;
  if (!valid_ts(req)) return -EINVAL;
  return sleep_for(ctx, CLOCK_MONOTONIC, req, ctx.a[1]);
}

namespace {
// clock_nanosleep on a process's CPU clock (Linux's posix_cpu_nsleep): the
// guest process's CPU time is the sum of its threads', so the sleep looks
// at it every few milliseconds (it passes no faster than they run) until
// it reaches rb.deadline. Interrupted: the rest to rb.addr (relative
// sleeps) and restart_syscall sleeps on, as sleep_until.
int64_t sleep_until_cpu(SyscallCtx& ctx, RestartBlock& rb) {
  const uint64_t deadline = ts_ns(rb.deadline);
  for (;;) {
    uint64_t now = 0;
    if (int e = cpu_clock_ns(ctx, rb.cpu_clock, &now)) return e < 0 ? e : -EINVAL;
    if (now >= deadline) return 0;
    struct timespec slice{0, static_cast<long>(std::min<uint64_t>(deadline - now, 5000000))};
    int64_t e = safe_syscall(&ctx.vcpu.state.exit_request, SYS_clock_nanosleep, CLOCK_MONOTONIC, 0,
                             reinterpret_cast<long>(&slice), 0);
    if (e != -EINTR) continue;
    if (rb.addr) {
      cpu_clock_ns(ctx, rb.cpu_clock, &now);
      if (now >= deadline) return 0;
      const uint64_t left = deadline - now;
      GuestTimespec rem{static_cast<int64_t>(left / 1000000000), static_cast<int64_t>(left % 1000000000)};
      if (!ctx.proc.as().write(rb.addr, &rem, sizeof rem)) return -EFAULT;
    }
    rb.fn = sleep_until_cpu;
    return kERESTART_RESTARTBLOCK;
  }
}
}  // namespace

int64_t sys_clock_nanosleep(SyscallCtx& ctx) {
  int64_t id = static_cast<int32_t>(ctx.a[0]);
  if (id == CLOCK_THREAD_CPUTIME_ID) return -EINVAL;
  if (id == CLOCK_PROCESS_CPUTIME_ID || id < 0) {  // CPU clocks: a process's only
    if (id < 0 && ((id & 4) || (id & 3) == 3)) return -EINVAL;
    uint64_t now = 0;
    if (int e = cpu_clock_ns(ctx, id, &now)) return e < 0 ? e : -EINVAL;
    GuestTimespec req;
    if (!ctx.proc.as().read(ctx.a[2], &req, sizeof req)) return -EFAULT;
    if (!valid_ts(req)) return -EINVAL;
    RestartBlock& rb = Process::thread_of(ctx.vcpu).restart;
    rb = RestartBlock{};
    rb.cpu_clock = id;
    // (Saturated: a deadline past 2^64 ns is never reached, not wrapped to a near one.)
    constexpr uint64_t kNever = ~uint64_t{0};
    const uint64_t sec = static_cast<uint64_t>(req.tv_sec), nsec = static_cast<uint64_t>(req.tv_nsec);
    const uint64_t want = sec > (kNever - nsec) / 1000000000u ? kNever : sec * 1000000000u + nsec;
    const bool abs = static_cast<int>(ctx.a[1]) & TIMER_ABSTIME;
    const uint64_t deadline = abs ? want : want > kNever - now ? kNever : now + want;
    rb.deadline = {static_cast<time_t>(deadline / 1000000000), static_cast<long>(deadline % 1000000000)};
    rb.addr = abs ? 0 : ctx.a[3];
    int64_t r = sleep_until_cpu(ctx, rb);
    if (abs && r == kERESTART_RESTARTBLOCK) {
      rb = RestartBlock{};
      return kERESTARTNOHAND;  // (the same deadline again, as Linux)
    }
    return r;
  }
  clockid_t c = host_clock(id);
  if (c == -1) return -EINVAL;
  int flags = static_cast<int>(ctx.a[1]);
  GuestTimespec req;
  if (!ctx.proc.as().read(ctx.a[2], &req, sizeof req)) return -EFAULT;
  if (!valid_ts(req)) return -EINVAL;
  Process::thread_of(ctx.vcpu).restart = RestartBlock{};
  if (flags & TIMER_ABSTIME) {
    // Linux: no rem, and -ERESTARTNOHAND: restarted with the same deadline.
    struct timespec r{req.tv_sec, req.tv_nsec};
    int64_t e = safe_syscall(&ctx.vcpu.state.exit_request, SYS_clock_nanosleep, c, TIMER_ABSTIME,
                             reinterpret_cast<long>(&r), 0);
    return e == -EINTR ? kERESTARTNOHAND : e;
  }
  return sleep_for(ctx, c == CLOCK_REALTIME ? CLOCK_MONOTONIC : c, req, ctx.a[3]);
}

// ---- interval timers ----------------------------------------------------------------

namespace {
constexpr int kItimerReal = 0;
struct GuestItimerval {
  GuestTimeval interval, value;
};
uint64_t tv_us(const GuestTimeval& t) { return t.tv_sec * 1000000ull + t.tv_usec; }
GuestTimeval us_tv(uint64_t us) { return GuestTimeval{int64_t(us / 1000000), int64_t(us % 1000000)}; }
}  // namespace

int64_t sys_setitimer(SyscallCtx& ctx) {
  int which = static_cast<int>(ctx.a[0]);
  Process& p = ctx.proc;
  GuestItimerval nv{};
  if (ctx.a[1] && !p.as().read(ctx.a[1], &nv, sizeof nv)) return -EFAULT;
  if (which < 0 || which > 2) return -EINVAL;
  for (const GuestTimeval* t : {&nv.interval, &nv.value})
    if (t->tv_sec < 0 || t->tv_usec < 0 || t->tv_usec >= 1000000) return -EINVAL;
  uint64_t ov = 0, oi = 0;
  uint64_t cpu = which == kItimerReal ? 0 : p.info().cpu_ns;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    std::unique_ptr<ITimer>& t = p.itimers[which];
    if (!t) t = std::make_unique<ITimer>(p, static_cast<ITimer::Which>(which));
    t->set(tv_us(nv.value), tv_us(nv.interval), &ov, &oi, cpu);
  }
  if (ctx.a[2]) {
    GuestItimerval old{us_tv(oi), us_tv(ov)};
    if (!p.as().write(ctx.a[2], &old, sizeof old)) return -EFAULT;
  }
  return 0;
}

int64_t sys_getitimer(SyscallCtx& ctx) {
  int which = static_cast<int>(ctx.a[0]);
  if (which < 0 || which > 2) return -EINVAL;
  Process& p = ctx.proc;
  uint64_t v = 0, i = 0;
  uint64_t cpu = which == kItimerReal ? 0 : p.info().cpu_ns;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    if (p.itimers[which]) p.itimers[which]->get(&v, &i, cpu);
  }
  GuestItimerval cur{us_tv(i), us_tv(v)};
  return p.as().write(ctx.a[1], &cur, sizeof cur) ? 0 : -EFAULT;
}

// ---- POSIX timers -----------------------------------------------------------------------

namespace {

constexpr int kSigevSignal = 0, kSigevNone = 1, kSigevThreadId = 4;
constexpr int kSiTimer = -2;

struct PosixTimer {
  using Clock = std::chrono::steady_clock;
  std::weak_ptr<Process> proc;
  int id = 0;
  clockid_t clock = CLOCK_MONOTONIC;
  int notify = kSigevSignal, signo = SIGALRM, tid = 0;
  uint64_t value = 0;
  std::mutex m;  // a leaf
  std::condition_variable cv;
  bool armed = false, stop = false;
  Clock::time_point deadline{};
  uint64_t interval_ns = 0;
  int overrun = 0, last_overrun = 0;
};

struct ProcTimers {
  std::weak_ptr<Process> owner;
  std::map<int, std::shared_ptr<PosixTimer>> timers;
};
std::mutex g_timers_mutex;
std::map<const Process*, ProcTimers> g_timers;

void fire(PosixTimer& t, int overrun) {
  auto p = t.proc.lock();
  if (!p || p->exited() || t.notify == kSigevNone) return;
  GuestSiginfo info{};
  info.si_signo = t.signo;
  info.si_code = kSiTimer;
  info.f.kill.pid = t.id;  // si_tid (the timer id), same offset as si_pid
  info.f.kill.uid = static_cast<uint32_t>(overrun);
  info.f.kill.value = t.value;
  if (t.notify == kSigevThreadId)
    send_signal_tid(*p, t.tid, info, nullptr);
  else
    send_signal(*p, nullptr, info, nullptr);
}

// True while the timer's previous signal is still queued (an overrun).
bool still_pending(PosixTimer& t) {
  auto p = t.proc.lock();
  if (!p) return false;
  std::lock_guard<std::mutex> lock(p->mutex());
  uint64_t pending = p->signals.shared.mask();
  p->for_each_thread([&](Vcpu&, ThreadSignals& ts) { pending |= ts.pending.mask(); });
  return pending & sig_bit(t.signo);
}

void timer_loop(std::shared_ptr<PosixTimer> t) {
  std::unique_lock<std::mutex> l(t->m);
  bool queued = false;
  while (!t->stop) {
    auto p = t->proc.lock();
    if (!p || p->exited()) break;
    p.reset();
    if (!t->armed) {
      t->cv.wait_for(l, std::chrono::seconds(1));
      continue;
    }
    if (t->cv.wait_until(l, t->deadline) != std::cv_status::timeout) continue;
    if (!t->armed || PosixTimer::Clock::now() < t->deadline) continue;
    int missed = 0;
    if (t->interval_ns) {
      auto step = std::chrono::nanoseconds(t->interval_ns);
      t->deadline += step;
      auto now = PosixTimer::Clock::now();
      while (t->deadline <= now && missed < INT32_MAX) t->deadline += step, ++missed;
    } else {
      t->armed = false;
    }
    l.unlock();
    bool overrun = queued && t->notify != kSigevNone && still_pending(*t);
    l.lock();
    t->overrun += missed;
    if (overrun) {
      ++t->overrun;
      continue;
    }
    int ov = t->overrun;
    t->last_overrun = ov;
    t->overrun = 0;
    l.unlock();
    fire(*t, ov);
    queued = true;
    l.lock();
  }
}

std::shared_ptr<PosixTimer> find_timer(Process& p, int64_t id) {
  std::lock_guard<std::mutex> lock(g_timers_mutex);
  auto it = g_timers.find(&p);
  if (it == g_timers.end() || it->second.owner.expired()) return nullptr;
  auto t = it->second.timers.find(static_cast<int>(id));
  return t == it->second.timers.end() ? nullptr : t->second;
}

struct GuestItimerspec {
  GuestTimespec interval, value;
};

uint64_t g_ts_ns(const GuestTimespec& t) { return t.tv_sec * 1000000000ull + t.tv_nsec; }
GuestTimespec ns_g_ts(uint64_t ns) {
  return GuestTimespec{int64_t(ns / 1000000000u), int64_t(ns % 1000000000u)};
}

GuestItimerspec current(PosixTimer& t) {  // t.m held
  GuestItimerspec cur{ns_g_ts(t.interval_ns), {0, 0}};
  if (t.armed) {
    auto left = t.deadline - PosixTimer::Clock::now();
    int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    cur.value = ns_g_ts(ns > 0 ? ns : 1);
  }
  return cur;
}

}  // namespace

int64_t sys_timer_create(SyscallCtx& ctx) {
  Process& p = ctx.proc;
  int64_t id = static_cast<int32_t>(ctx.a[0]);
  uint64_t ns;
  int c = cpu_clock_ns(ctx, id, &ns);
  if (c < 0) return c;
  clockid_t hc = c == 0 ? CLOCK_MONOTONIC : host_clock(id);  // CPU clocks: wall time (Partial)
  if (hc == -1) return -EINVAL;
  // Clocks Linux knows but has no timers on (their k_clock has no timer_create).
  if (hc == CLOCK_MONOTONIC_RAW || hc == CLOCK_REALTIME_COARSE || hc == CLOCK_MONOTONIC_COARSE)
    return -EOPNOTSUPP;
  auto t = std::make_shared<PosixTimer>();
  t->proc = p.shared_from_this();
  t->clock = hc;
  bool value_is_id = true;
  if (ctx.a[1]) {
    struct {
      uint64_t value;
      int32_t signo, notify, tid;
    } ev;
    if (!p.as().read(ctx.a[1], &ev, 20)) return -EFAULT;
    t->value = ev.value;
    value_is_id = false;
    t->notify = ev.notify;
    t->signo = ev.signo;
    t->tid = ev.tid;
    if (ev.notify != kSigevSignal && ev.notify != kSigevNone && ev.notify != kSigevThreadId)
      return -EINVAL;
    if (ev.notify != kSigevNone && (ev.signo <= 0 || ev.signo > kGuestNSig)) return -EINVAL;
    if (ev.notify == kSigevThreadId) {
      std::lock_guard<std::mutex> lock(p.mutex());
      if (!p.thread_by_tid(ev.tid)) return -EINVAL;
    }
  }
  {
    std::lock_guard<std::mutex> lock(g_timers_mutex);
    ProcTimers& pt = g_timers[&p];
    if (pt.owner.expired() || pt.owner.lock().get() != &p) pt = ProcTimers{t->proc, {}};
    int nid = 0;
    while (pt.timers.count(nid)) ++nid;
    t->id = nid;
    if (value_is_id) t->value = static_cast<uint64_t>(nid);
    pt.timers[nid] = t;
  }
  int32_t out = t->id;
  if (!p.as().write(ctx.a[2], &out, 4)) {
    std::lock_guard<std::mutex> lock(g_timers_mutex);
    g_timers[&p].timers.erase(t->id);
    return -EFAULT;
  }
  std::thread(timer_loop, t).detach();
  return 0;
}

int64_t sys_timer_settime(SyscallCtx& ctx) {
  Process& p = ctx.proc;
  GuestItimerspec nv;
  if (!p.as().read(ctx.a[2], &nv, sizeof nv)) return -EFAULT;
  auto t = find_timer(p, static_cast<int32_t>(ctx.a[0]));
  if (!t) return -EINVAL;
  if (!valid_ts(nv.interval) || !valid_ts(nv.value)) return -EINVAL;
  GuestItimerspec old;
  {
    std::lock_guard<std::mutex> lock(t->m);
    old = current(*t);
    t->interval_ns = g_ts_ns(nv.interval);
    t->overrun = 0;
    uint64_t v = g_ts_ns(nv.value);
    t->armed = v != 0;
    if (t->armed) {
      int64_t rel = static_cast<int64_t>(v);
      if (ctx.a[1] & TIMER_ABSTIME) {
        struct timespec now;
        clock_gettime(t->clock, &now);
        rel = static_cast<int64_t>(v) - static_cast<int64_t>(ts_ns(now));
        if (rel < 0) rel = 0;
      }
      t->deadline = PosixTimer::Clock::now() + std::chrono::nanoseconds(rel);
    }
    t->cv.notify_all();
  }
  if (ctx.a[3] && !p.as().write(ctx.a[3], &old, sizeof old)) return -EFAULT;
  return 0;
}

int64_t sys_timer_gettime(SyscallCtx& ctx) {
  auto t = find_timer(ctx.proc, static_cast<int32_t>(ctx.a[0]));
  if (!t) return -EINVAL;
  GuestItimerspec cur;
  {
    std::lock_guard<std::mutex> lock(t->m);
    cur = current(*t);
  }
  return ctx.proc.as().write(ctx.a[1], &cur, sizeof cur) ? 0 : -EFAULT;
}

int64_t sys_timer_getoverrun(SyscallCtx& ctx) {
  auto t = find_timer(ctx.proc, static_cast<int32_t>(ctx.a[0]));
  if (!t) return -EINVAL;
  std::lock_guard<std::mutex> lock(t->m);
  return t->last_overrun;
}

void delete_posix_timers(Process& p) {
  ProcTimers gone;
  {
    std::lock_guard<std::mutex> lock(g_timers_mutex);
    auto it = g_timers.find(&p);
    if (it == g_timers.end()) return;
    gone = std::move(it->second);
    g_timers.erase(it);
  }
  for (auto& [id, t] : gone.timers) {
    std::lock_guard<std::mutex> lock(t->m);
    t->stop = true;
    t->armed = false;
    t->cv.notify_all();
  }
}

int64_t sys_timer_delete(SyscallCtx& ctx) {
  std::shared_ptr<PosixTimer> t;
  {
    std::lock_guard<std::mutex> lock(g_timers_mutex);
    auto it = g_timers.find(&ctx.proc);
    if (it == g_timers.end() || it->second.owner.expired()) return -EINVAL;
    auto ti = it->second.timers.find(static_cast<int32_t>(ctx.a[0]));
    if (ti == it->second.timers.end()) return -EINVAL;
    t = ti->second;
    it->second.timers.erase(ti);
  }
  std::lock_guard<std::mutex> lock(t->m);
  t->stop = true;
  t->armed = false;
  t->cv.notify_all();
  return 0;
}

}  // namespace hart::linux
