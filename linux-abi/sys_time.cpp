// linux-abi/sys_time.cpp — clocks and sleeping: clock_gettime,
// clock_getres, gettimeofday, nanosleep, clock_nanosleep (interruptible,
// through safe_syscall), setitimer/getitimer (ITIMER_REAL; itimer.h). struct timespec
// and timeval are two 64-bit words on both riscv64 and x86-64.
// Owns: these handlers and the guest→host clock id mapping (CPU-time clocks
// of the process map to the calling thread's, since a guest process is not a
// host process). Does not own: the timer thread (itimer.cpp); POSIX timers
// (timer_create) are not done yet.
#include <sys/syscall.h>
#include <time.h>

#include <cerrno>

#include "linux-abi/itimer.h"
#include "linux-abi/riscv64_abi.h"
#include "linux-abi/safe_syscall.h"
#include "linux-abi/sys_util.h"

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

int64_t sys_clock_gettime(SyscallCtx& ctx) {
  clockid_t c = host_clock(static_cast<int32_t>(ctx.a[0]));
  if (c == -1) return -EINVAL;
  struct timespec ts;
  if (clock_gettime(c, &ts) != 0) return -errno;
  GuestTimespec g{ts.tv_sec, ts.tv_nsec};
  return ctx.proc.as().write(ctx.a[1], &g, sizeof g) ? 0 : -EFAULT;
}

int64_t sys_clock_getres(SyscallCtx& ctx) {
  clockid_t c = host_clock(static_cast<int32_t>(ctx.a[0]));
  if (c == -1) return -EINVAL;
  struct timespec ts;
  if (clock_getres(c, &ts) != 0) return -errno;
  if (!ctx.a[1]) return 0;
  GuestTimespec g{ts.tv_sec, ts.tv_nsec};
  return ctx.proc.as().write(ctx.a[1], &g, sizeof g) ? 0 : -EFAULT;
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

int64_t sys_nanosleep(SyscallCtx& ctx) {
  GuestTimespec req;
  if (!ctx.proc.as().read(ctx.a[0], &req, sizeof req)) return -EFAULT;
  if (!valid_ts(req)) return -EINVAL;
  struct timespec r{req.tv_sec, req.tv_nsec}, rem{};
  int64_t e = safe_syscall(&ctx.vcpu.state.exit_request, SYS_nanosleep,
                           reinterpret_cast<long>(&r), reinterpret_cast<long>(&rem));
  if (e == -EINTR) {
    if (ctx.a[1]) {
      GuestTimespec g{rem.tv_sec, rem.tv_nsec};
      if (!ctx.proc.as().write(ctx.a[1], &g, sizeof g)) return -EFAULT;
    }
    return kERESTART_RESTARTBLOCK;  // -EINTR for the guest (no restart_syscall yet)
  }
  return e;
}

int64_t sys_clock_nanosleep(SyscallCtx& ctx) {
  int64_t id = static_cast<int32_t>(ctx.a[0]);
  if (id == CLOCK_THREAD_CPUTIME_ID) return -EINVAL;
  clockid_t c = host_clock(id);
  if (c == -1) return -EINVAL;
  int flags = static_cast<int>(ctx.a[1]);
  GuestTimespec req;
  if (!ctx.proc.as().read(ctx.a[2], &req, sizeof req)) return -EFAULT;
  if (!valid_ts(req)) return -EINVAL;
  struct timespec r{req.tv_sec, req.tv_nsec}, rem{};
  int64_t e = safe_syscall(&ctx.vcpu.state.exit_request, SYS_clock_nanosleep, c,
                           flags & TIMER_ABSTIME, reinterpret_cast<long>(&r),
                           reinterpret_cast<long>(&rem));
  if (e == -EINTR) {
    if (flags & TIMER_ABSTIME) return kERESTARTNOHAND;  // the same deadline again
    if (ctx.a[3]) {
      GuestTimespec g{rem.tv_sec, rem.tv_nsec};
      if (!ctx.proc.as().write(ctx.a[3], &g, sizeof g)) return -EFAULT;
    }
    return kERESTART_RESTARTBLOCK;
  }
  return e;
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
  if (which != kItimerReal) return -EINVAL;  // ITIMER_VIRTUAL/PROF: not yet
  for (const GuestTimeval* t : {&nv.interval, &nv.value})
    if (t->tv_sec < 0 || t->tv_usec < 0 || t->tv_usec >= 1000000) return -EINVAL;
  uint64_t ov = 0, oi = 0;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    if (!p.itimer) p.itimer = std::make_unique<ITimer>(p);
    p.itimer->set(tv_us(nv.value), tv_us(nv.interval), &ov, &oi);
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
  if (which == kItimerReal) {
    std::lock_guard<std::mutex> lock(p.mutex());
    if (p.itimer) p.itimer->get(&v, &i);
  }
  GuestItimerval cur{us_tv(i), us_tv(v)};
  return p.as().write(ctx.a[1], &cur, sizeof cur) ? 0 : -EFAULT;
}

}  // namespace hart::linux
