// linux-abi/sys_time.cpp — clocks and sleeping: clock_gettime,
// clock_getres, gettimeofday, nanosleep, clock_nanosleep. struct timespec
// and timeval are two 64-bit words on both riscv64 and x86-64.
// Owns: these handlers and the guest→host clock id mapping (CPU-time clocks
// of the process map to the calling thread's, since a guest process is not a
// host process). Does not own: timers (later).
#include <time.h>

#include <cerrno>

#include "linux-abi/riscv64_abi.h"
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
  if (nanosleep(&r, &rem) == 0) return 0;
  int e = errno;
  if (e == EINTR && ctx.a[1]) {
    GuestTimespec g{rem.tv_sec, rem.tv_nsec};
    if (!ctx.proc.as().write(ctx.a[1], &g, sizeof g)) return -EFAULT;
  }
  return -e;
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
  int e = clock_nanosleep(c, flags & TIMER_ABSTIME, &r, &rem);
  if (e == EINTR && ctx.a[3] && !(flags & TIMER_ABSTIME)) {
    GuestTimespec g{rem.tv_sec, rem.tv_nsec};
    if (!ctx.proc.as().write(ctx.a[3], &g, sizeof g)) return -EFAULT;
  }
  return -e;
}

}  // namespace hart::linux
