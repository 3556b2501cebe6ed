// linux-abi/syscalls/sys_process.cpp — process and identity syscalls: exit,
// exit (one thread), exit_group, thread-exit bookkeeping (set_tid_address,
// robust lists; the exit-time work is Process::thread_exited), rseq,
// virtual pids/tids, rlimits, getrandom, affinity, scheduling policy and
// nice values (virtual per process), sysinfo, rusage, times, prctl (its
// credential options in sys_creds.cpp), and futex (host futex on the guest word's host
// address; waits go through safe_syscall so signals interrupt them).
// Signal syscalls are in sys_signal.cpp; clone/fork/exec/wait in sys_clone.cpp.
// Owns: these handlers. Does not own: the exit path of the run loop
// (cpu_loop.cpp reads Process::exited()).
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include "linux-abi/riscv64_abi.h"
#include "linux-abi/syscalls/safe_syscall.h"
#include "linux-abi/process/fd_table.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

// ---- exit -------------------------------------------------------------------

int64_t sys_exit(SyscallCtx& ctx) {
  // This thread only; the run loop sees `leave` and ends it (the last
  // thread's status becomes the process's).
  Thread& t = Process::thread_of(ctx.vcpu);
  t.exit_code = static_cast<int>(ctx.a[0]);
  t.leave.store(true);
  return 0;
}

int64_t sys_exit_group(SyscallCtx& ctx) {
  ctx.proc.exit_with_status(static_cast<int>(ctx.a[0]));
  return 0;
}

int64_t sys_set_tid_address(SyscallCtx& ctx) {
  Thread& t = Process::thread_of(ctx.vcpu);
  t.clear_child_tid = ctx.a[0];
  return t.tid;
}

int64_t sys_set_robust_list(SyscallCtx& ctx) {
  if (ctx.a[1] != 24) return -EINVAL;  // sizeof(struct robust_list_head)
  Thread& t = Process::thread_of(ctx.vcpu);
  t.robust_list = ctx.a[0];
  t.robust_list_len = ctx.a[1];
  return 0;
}

int64_t sys_get_robust_list(SyscallCtx& ctx) {
  int tid = static_cast<int>(ctx.a[0]);
  uint64_t head;
  {
    std::lock_guard<std::mutex> lock(ctx.proc.mutex());
    Vcpu* v = tid == 0 ? &ctx.vcpu : ctx.proc.thread_by_tid(tid);
    if (!v) return -ESRCH;
    head = Process::thread_of(*v).robust_list;
  }
  uint64_t len = 24;
  if (!ctx.proc.as().write(ctx.a[1], &head, 8)) return -EFAULT;
  if (!ctx.proc.as().write(ctx.a[2], &len, 8)) return -EFAULT;
  return 0;
}

// glibc treats ENOSYS from rseq as "no rseq" and goes on.
int64_t sys_rseq(SyscallCtx&) { return -ENOSYS; }

// ---- ids ----------------------------------------------------------------------

int64_t sys_getpid(SyscallCtx& ctx) { return ctx.proc.pid(); }
int64_t sys_getppid(SyscallCtx& ctx) { return ctx.proc.ppid(); }
int64_t sys_gettid(SyscallCtx& ctx) { return ctx.proc.tid_of(ctx.vcpu); }
// uids, gids, groups: sys_creds.cpp.

// ---- process groups and sessions ---------------------------------------------------
// Virtual: pgid/sid live in Process (0 = the process's own pid for pgid).
namespace {
// A zombie (ended, not reaped) is found as on Linux: it keeps its group and session.
std::shared_ptr<Process> self_or(SyscallCtx& ctx, int pid) {
  if (pid == 0 || pid == ctx.proc.pid()) return ctx.proc.shared_from_this();
  return Process::find_task(pid, &ctx.proc, true);
}
}  // namespace

int64_t sys_getpgid(SyscallCtx& ctx) {
  int pid = static_cast<int>(ctx.a[0]);
  if (pid < 0) return -ESRCH;
  auto p = self_or(ctx, pid);
  return p ? p->group_id() : is_outside_init(pid) ? pid : -ESRCH;
}

int64_t sys_getsid(SyscallCtx& ctx) {
  int pid = static_cast<int>(ctx.a[0]);
  if (pid < 0) return -ESRCH;
  auto p = self_or(ctx, pid);
  return p ? p->sid : is_outside_init(pid) ? pid : -ESRCH;
}

// setpgid(pid, pgid): for the caller or one of its children, in its session;
// a session leader cannot move; the target group must be the process itself
// or an existing group of the same session.
int64_t sys_setpgid(SyscallCtx& ctx) {
  int pid = static_cast<int>(ctx.a[0]), pgid = static_cast<int>(ctx.a[1]);
  if (pgid < 0) return -EINVAL;
  if (pid < 0) return -ESRCH;
  auto p = self_or(ctx, pid);
  if (!p || (p.get() != &ctx.proc && p->ppid() != ctx.proc.pid())) return -ESRCH;
  if (p->sid != ctx.proc.sid) return -EPERM;
  if (p->sid == p->pid()) return -EPERM;  // a session leader
  if (pgid == 0) pgid = p->pid();
  if (pgid != p->pid()) {
    auto leader = Process::find(pgid, &ctx.proc);
    if (!leader || leader->sid != p->sid || leader->group_id() != pgid) return -EPERM;
  }
  p->pgid = pgid;
  return 0;
}

// setsid: a new session and group led by the caller, unless it already leads a group.
int64_t sys_setsid(SyscallCtx& ctx) {
  if (ctx.proc.group_id() == ctx.proc.pid()) return -EPERM;
  ctx.proc.sid = ctx.proc.pid();
  ctx.proc.pgid = ctx.proc.pid();
  return ctx.proc.pid();
}

// ---- system information ----------------------------------------------------------

// uname, sethostname, setdomainname: sys_system.cpp.

int64_t sys_sysinfo(SyscallCtx& ctx) {
  struct sysinfo si;
  if (sysinfo(&si) != 0) return -errno;
  GuestSysinfo g{};
  g.uptime = si.uptime;
  for (int i = 0; i < 3; ++i) g.loads[i] = si.loads[i];
  g.totalram = si.totalram;
  g.freeram = si.freeram;
  g.sharedram = si.sharedram;
  g.bufferram = si.bufferram;
  g.totalswap = si.totalswap;
  g.freeswap = si.freeswap;
  g.procs = 1;
  g.totalhigh = si.totalhigh;
  g.freehigh = si.freehigh;
  g.mem_unit = si.mem_unit;
  return ctx.proc.as().write(ctx.a[0], &g, sizeof g) ? 0 : -EFAULT;
}

int64_t sys_getrusage(SyscallCtx& ctx) {
  int who = static_cast<int>(ctx.a[0]);
  struct rusage ru {};
  if (who == RUSAGE_SELF || who == RUSAGE_THREAD) {
    if (getrusage(RUSAGE_THREAD, &ru) != 0) return -errno;
    if (who == RUSAGE_SELF) {  // the guest process's threads, not hartd's
      uint64_t ns = ctx.proc.info().cpu_ns;
      ru.ru_utime.tv_sec = static_cast<time_t>(ns / 1000000000u);
      ru.ru_utime.tv_usec = static_cast<suseconds_t>(ns % 1000000000u / 1000);
      ru.ru_stime = {0, 0};
    }
  } else if (who != RUSAGE_CHILDREN) {
    return -EINVAL;
  }
  static_assert(sizeof(struct rusage) == 144);
  return ctx.proc.as().write(ctx.a[1], &ru, sizeof ru) ? 0 : -EFAULT;
}

int64_t sys_times(SyscallCtx& ctx) {
  int64_t ticks = static_cast<int64_t>(ctx.proc.info().cpu_ns / 10000000);  // USER_HZ
  if (ctx.a[0]) {
    int64_t t[4] = {ticks, 0, 0, 0};
    if (!ctx.proc.as().write(ctx.a[0], t, sizeof t)) return -EFAULT;
  }
  struct tms dummy;
  return static_cast<int64_t>(times(&dummy));
}

// ---- limits -----------------------------------------------------------------------

namespace {
// The limits of `p` (the caller's own process, or the one prlimit names):
// the new ones read from and the old ones written to the caller's memory.
int64_t do_prlimit(SyscallCtx& ctx, Process& p, int resource, uint64_t new_addr, uint64_t old_addr) {
  if (resource < 0 || resource >= 16) return -EINVAL;
  GuestRlimit nl{};
  if (new_addr) {
    if (!ctx.proc.as().read(new_addr, &nl, sizeof nl)) return -EFAULT;
    if (nl.rlim_cur > nl.rlim_max) return -EINVAL;
  }
  std::lock_guard<std::mutex> lock(p.mutex());
  GuestRlimit old = p.rlimits[resource];
  if (old_addr && !ctx.proc.as().write(old_addr, &old, sizeof old)) return -EFAULT;
  if (new_addr) {
    if (nl.rlim_max > old.rlim_max && !Process::thread_of(ctx.vcpu).cred.capable(kCapSysResource))
      return -EPERM;
    // (An ended process keeps the values only: no files, no CPU timer.)
    if (resource == RLIMIT_NOFILE) {
      if (nl.rlim_max > guest_nofile_max()) return -EPERM;
      if (!p.exited()) p.fds().set_limit(static_cast<int>(nl.rlim_cur));
    }
    p.rlimits[resource] = nl;
    if (resource == RLIMIT_CPU && !p.exited()) update_cpu_rlimit(p);  // SIGXCPU, then SIGKILL (itimer.cpp)
  }
  return 0;
}
}  // namespace

// prlimit64 on another task (a thread id names its process), as Linux
// checks it: the caller's real uid is the target's real, effective and
// saved uid and its real gid the target's three gids, or the caller has
// CAP_SYS_RESOURCE; else EPERM, reads included. An ended child not yet
// reaped is still found. The init outside the guests (pid 1) is hartd's:
// its limits are not the guests' to change, and read only with the
// capability.
int64_t sys_prlimit64(SyscallCtx& ctx) {
  const int pid = static_cast<int>(ctx.a[0]);
  const int resource = static_cast<int>(ctx.a[1]);
  if (pid == 0 || pid == ctx.proc.pid() || ctx.proc.with_thread(pid, [](Thread&) {}))
    return do_prlimit(ctx, ctx.proc, resource, ctx.a[2], ctx.a[3]);
  if (pid < 0) return -ESRCH;
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  if (is_outside_init(pid)) {
    if (resource < 0 || resource >= 16) return -EINVAL;
    if (ctx.a[2] || !me.capable(kCapSysResource)) return -EPERM;
    struct rlimit hl;
    if (getrlimit(static_cast<__rlimit_resource>(resource), &hl) != 0) return -EINVAL;
    GuestRlimit gl{hl.rlim_cur, hl.rlim_max};
    return !ctx.a[3] || ctx.proc.as().write(ctx.a[3], &gl, sizeof gl) ? 0 : -EFAULT;
  }
  std::shared_ptr<Process> t = Process::find_task(pid, &ctx.proc, /*zombies=*/true);
  if (!t) return -ESRCH;
  const Credentials tc = t->creds();
  const bool same = me.ruid == tc.ruid && me.ruid == tc.euid && me.ruid == tc.suid && me.rgid == tc.rgid &&
                    me.rgid == tc.egid && me.rgid == tc.sgid;
  if (!same && !me.capable(kCapSysResource)) return -EPERM;
  return do_prlimit(ctx, *t, resource, ctx.a[2], ctx.a[3]);
}

int64_t sys_getrlimit(SyscallCtx& ctx) {
  return do_prlimit(ctx, ctx.proc, static_cast<int>(ctx.a[0]), 0, ctx.a[1]);
}

int64_t sys_setrlimit(SyscallCtx& ctx) {
  return do_prlimit(ctx, ctx.proc, static_cast<int>(ctx.a[0]), ctx.a[1], 0);
}

// ---- randomness, scheduling -----------------------------------------------------

int64_t sys_getrandom(SyscallCtx& ctx) {
  unsigned flags = static_cast<unsigned>(ctx.a[2]);
  constexpr unsigned kInsecure = 4;  // GRND_INSECURE
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | kInsecure)) return -EINVAL;
  if ((flags & (GRND_RANDOM | kInsecure)) == (GRND_RANDOM | kInsecure)) return -EINVAL;
  // Straight into guest memory: a buffer that runs into an unmapped page
  // gets the bytes before it (host_span), EFAULT only if none fit.
  uint64_t len = ctx.a[1];
  uint8_t* buf = rw_span(ctx.proc, ctx.a[0], &len, PROT_WRITE);
  if (!buf) return -EFAULT;
  // GRND_INSECURE is not passed on (hosts before Linux 5.6 refuse it; the
  // host's pool is initialised anyway).
  return host_ret(syscall(SYS_getrandom, buf, len, flags & ~kInsecure));
}

// CPU affinity is per guest thread (Thread::affinity, applied to the host
// thread that runs it). A task is named as Linux names it: 0 the caller, a
// thread of the caller's process by its tid, another process of the launch
// by its pid (its main thread); the outside init (pid 1) has hartd's CPUs.
namespace {
// fn(Thread&) for the task pid names, under its process's mutex: 0, or -ESRCH.
template <class F>
int with_task(SyscallCtx& ctx, int pid, F fn) {
  if (pid == 0) pid = ctx.proc.tid_of(ctx.vcpu);
  if (ctx.proc.with_thread(pid, fn)) return 0;
  std::shared_ptr<Process> other = Process::find_task(pid, &ctx.proc);
  return other && other->with_thread(pid, fn) ? 0 : -ESRCH;
}

// The process of the caller's launch, not yet reaped, whose leader pid
// names after that leader ended (Linux still finds the task: a zombie), and
// the CPUs the leader ended with (mask may be null); else nullptr.
std::shared_ptr<Process> ended_leader(SyscallCtx& ctx, int pid, cpu_set_t* mask) {
  cpu_set_t unused;
  std::shared_ptr<Process> z = pid > 0 ? Process::find_task(pid, &ctx.proc, true) : nullptr;
  return z && z->ended_leader_affinity(pid, mask ? mask : &unused) ? z : nullptr;
}
}  // namespace

int64_t sys_sched_getaffinity(SyscallCtx& ctx) {
  int pid = static_cast<int>(ctx.a[0]);
  uint64_t size = ctx.a[1];
  if (pid < 0) return -ESRCH;
  if (size < 8 || (size & 7)) return -EINVAL;
  cpu_set_t set = hartd_cpus();
  if (!(pid > 0 && is_outside_init(pid))) {
    int r = with_task(ctx, pid, [&](Thread& t) { set = t.affinity; });
    // An ended leader not yet reaped keeps its mask (Linux: a zombie task).
    if (r && !ended_leader(ctx, pid, &set)) return r;
  }
  uint64_t mask = 0;
  for (int i = 0; i < 64; ++i)
    if (CPU_ISSET(i, &set)) mask |= uint64_t{1} << i;
  return ctx.proc.as().write(ctx.a[2], &mask, 8) ? 8 : -EFAULT;
}

// Linux's order: the mask (EFAULT), the task (ESRCH), the permission (the
// caller's euid is the target's euid or uid, or CAP_SYS_NICE: EPERM), then
// the CPUs hartd may use (none left: EINVAL).
int64_t sys_sched_setaffinity(SyscallCtx& ctx) {
  int pid = static_cast<int>(ctx.a[0]);
  uint64_t size = ctx.a[1];
  if (pid < 0) return -ESRCH;
  std::vector<uint8_t> bytes(std::min<uint64_t>(size, 1024));
  if (!ctx.proc.as().read(ctx.a[2], bytes.data(), bytes.size())) return -EFAULT;
  cpu_set_t want;
  CPU_ZERO(&want);
  for (size_t i = 0; i < bytes.size() * 8 && i < CPU_SETSIZE; ++i)
    if (bytes[i / 8] & (1u << (i % 8))) CPU_SET(i, &want);
  CPU_AND(&want, &want, &hartd_cpus());
  if (pid > 0 && is_outside_init(pid)) return -EPERM;
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  auto refused = [&](const Credentials& c) { return me.euid != c.euid && me.euid != c.ruid && !me.capable(kCapSysNice); };
  int64_t result = 0;
  int r = with_task(ctx, pid, [&](Thread& t) {
    if (refused(t.cred)) {
      result = -EPERM;
      return;
    }
    if (CPU_COUNT(&want) == 0) {
      result = -EINVAL;
      return;
    }
    t.affinity = want;
    if (t.running && pthread_setaffinity_np(t.host, sizeof want, &want) != 0) result = -EINVAL;
  });
  if (r) {  // an ended leader not yet reaped takes the mask (Linux: 0)
    std::shared_ptr<Process> z = ended_leader(ctx, pid, nullptr);
    if (!z) return r;
    if (refused(z->creds())) return -EPERM;
    if (CPU_COUNT(&want) == 0) return -EINVAL;
    return z->set_ended_leader_affinity(pid, want) ? 0 : r;
  }
  return result;
}

int64_t sys_sched_yield(SyscallCtx&) {
  sched_yield();
  return 0;
}

// Scheduling policy and real-time priority: virtual, per process (the
// host thread keeps hartd's policy), with Linux's checks: priority range per
// policy (EINVAL), real-time policies and changing another user's process
// need CAP_SYS_NICE (EPERM).
namespace {
constexpr int kSchedOther = 0, kSchedFifo = 1, kSchedRr = 2, kSchedBatch = 3, kSchedIdle = 5,
              kSchedDeadline = 6, kSchedResetOnFork = 0x40000000;
bool rt_policy(int policy) { return policy == kSchedFifo || policy == kSchedRr; }
int64_t priority_max(int policy) {
  if (rt_policy(policy)) return 99;
  if (policy == kSchedOther || policy == kSchedBatch || policy == kSchedIdle || policy == kSchedDeadline)
    return 0;
  return -EINVAL;
}

// A sched_* getter's answers for pid 1 (is_outside_init): SCHED_OTHER,
// priority 0, no flags. Setters get EPERM.
constexpr int64_t kOutsideInit = 1;

// The target of a sched_* call: the caller for 0, else a process of its
// launch (an ended one until it is reaped, as Linux finds a zombie);
// kOutsideInit (and no process) for pid 1.
int64_t sched_target(SyscallCtx& ctx, int64_t pid, std::shared_ptr<Process>* out) {
  if (pid < 0) return -EINVAL;
  bool mine = pid == 0 || pid == ctx.proc.pid();
  if (!mine) {
    std::lock_guard<std::mutex> lock(ctx.proc.mutex());
    mine = ctx.proc.thread_by_tid(static_cast<int>(pid)) != nullptr;
  }
  *out = mine ? ctx.proc.shared_from_this() : Process::find_task(static_cast<int>(pid), &ctx.proc, true);
  return *out ? 0 : is_outside_init(static_cast<int>(pid)) ? kOutsideInit : -ESRCH;
}

// Linux's order: NULL param or negative pid (EINVAL), the param (EFAULT),
// the process (ESRCH), then policy, range and permission.
int64_t set_sched(SyscallCtx& ctx, int policy, bool keep_policy) {
  int32_t prio;
  uint64_t param = keep_policy ? ctx.a[1] : ctx.a[2];
  if (!param || static_cast<int>(ctx.a[0]) < 0) return -EINVAL;
  if (!ctx.proc.as().read(param, &prio, 4)) return -EFAULT;
  std::shared_ptr<Process> t;
  if (int64_t e = sched_target(ctx, static_cast<int>(ctx.a[0]), &t)) return e == kOutsideInit ? -EPERM : e;
  bool reset = keep_policy ? t->sched_reset_on_fork.load() : (policy & kSchedResetOnFork) != 0;
  if (keep_policy) policy = t->sched_policy.load();
  policy &= ~kSchedResetOnFork;
  int64_t max = priority_max(policy);
  if (max < 0 || prio < (rt_policy(policy) ? 1 : 0) || prio > max) return -EINVAL;
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  if (!me.capable(kCapSysNice)) {
    if (rt_policy(policy)) return -EPERM;
    if (t.get() != &ctx.proc) {
      Credentials them = t->creds();
      if (them.ruid != me.euid && them.euid != me.euid) return -EPERM;
    }
  }
  if (!me.capable(kCapSysNice) && t->sched_reset_on_fork.load() && !reset) return -EPERM;
  t->sched_policy.store(policy);
  t->sched_priority.store(prio);
  t->sched_reset_on_fork.store(reset);
  return 0;
}
}  // namespace

int64_t sys_sched_getscheduler(SyscallCtx& ctx) {
  std::shared_ptr<Process> t;
  if (int64_t e = sched_target(ctx, static_cast<int>(ctx.a[0]), &t)) return e == kOutsideInit ? kSchedOther : e;
  return t->sched_policy.load() | (t->sched_reset_on_fork.load() ? kSchedResetOnFork : 0);
}

int64_t sys_sched_getparam(SyscallCtx& ctx) {
  std::shared_ptr<Process> t;
  if (!ctx.a[1]) return -EINVAL;
  int64_t e = sched_target(ctx, static_cast<int>(ctx.a[0]), &t);
  if (e < 0) return e;
  int32_t prio = e == kOutsideInit ? 0 : t->sched_priority.load();
  return ctx.proc.as().write(ctx.a[1], &prio, 4) ? 0 : -EFAULT;
}

int64_t sys_sched_setscheduler(SyscallCtx& ctx) {
  int policy = static_cast<int>(ctx.a[1]);
  if (policy < 0) return -EINVAL;
  return set_sched(ctx, policy, false);
}

int64_t sys_sched_setparam(SyscallCtx& ctx) { return set_sched(ctx, 0, true); }

// sched_setattr/sched_getattr: struct sched_attr (48 bytes, 56 with the
// utilization clamps), with Linux's size protocol (a size of 0 means 48;
// one below 48, past a page or with a nonzero tail beyond what hart knows
// is E2BIG with the size hart knows written back), the same virtual state
// as sched_setscheduler plus nice (fair policies), SCHED_DEADLINE's
// parameters and SCHED_RESET_ON_FORK. Utilization clamps are EOPNOTSUPP,
// as on a kernel without CONFIG_UCLAMP_TASK. A fair task's sched_runtime
// is its slice: the host thread's own (EEVDF's base slice) unless the
// guest set one (clamped to 0.1..100 ms, as Linux 6.12 does).
namespace {
struct GuestSchedAttr {
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
  uint32_t sched_util_min, sched_util_max;
};
static_assert(sizeof(GuestSchedAttr) == 56);
constexpr uint64_t kSchedFlagResetOnFork = 1, kSchedFlagKeepPolicy = 8, kSchedFlagKeepParams = 16,
                   kSchedFlagUtilClamp = 0x60, kSchedFlagAll = 0x7f, kSchedFlagSugov = 0x10000000;

bool dl_params_valid(const GuestSchedAttr& a) {
  if (a.sched_deadline == 0 || a.sched_runtime < 1024) return false;
  if ((a.sched_deadline | a.sched_period) >> 63) return false;
  uint64_t period = a.sched_period ? a.sched_period : a.sched_deadline;
  if (period < a.sched_deadline || a.sched_deadline < a.sched_runtime) return false;
  return period >= 100000 && period <= (uint64_t{1} << 22) * 1000;  // sched_deadline_period_{min,max}_us
}

uint64_t host_slice() {
  GuestSchedAttr a{};
  if (syscall(SYS_sched_getattr, 0, &a, sizeof a, 0) != 0) return 0;
  return a.sched_policy == 0 || a.sched_policy == 3 || a.sched_policy == 5 ? a.sched_runtime : 0;
}
}  // namespace

int64_t sys_sched_setattr(SyscallCtx& ctx) {
  int pid = static_cast<int>(ctx.a[0]);
  if (!ctx.a[1] || pid < 0 || ctx.a[2]) return -EINVAL;
  uint32_t size;
  if (!ctx.proc.as().read(ctx.a[1], &size, 4)) return -EFAULT;
  if (!size) size = 48;
  GuestSchedAttr a{};
  bool too_big = size < 48 || size > 4096;
  if (!too_big) {
    if (!ctx.proc.as().read(ctx.a[1], &a, std::min<uint32_t>(size, sizeof a))) return -EFAULT;
    for (uint32_t off = sizeof a; off < size && !too_big; ++off) {
      uint8_t b;
      if (!ctx.proc.as().read(ctx.a[1] + off, &b, 1)) return -EFAULT;
      too_big = b != 0;
    }
  }
  if (too_big) {
    uint32_t known = sizeof a;
    return ctx.proc.as().write(ctx.a[1], &known, 4) ? -E2BIG : -EFAULT;
  }
  if ((a.sched_flags & kSchedFlagUtilClamp) && size < 56) return -EINVAL;
  a.sched_nice = std::clamp(a.sched_nice, -20, 19);
  int policy = static_cast<int>(a.sched_policy);
  if (policy < 0) return -EINVAL;
  std::shared_ptr<Process> t;
  if (int64_t e = sched_target(ctx, pid, &t)) return e == kOutsideInit ? -EPERM : e;
  bool reset = a.sched_flags & kSchedFlagResetOnFork;
  if (a.sched_flags & kSchedFlagKeepPolicy) {
    policy = t->sched_policy.load();
    reset = t->sched_reset_on_fork.load();
  }
  if (a.sched_flags & kSchedFlagKeepParams) {
    a.sched_nice = t->nice.load();
    a.sched_priority = t->sched_priority.load();
    a.sched_runtime = t->dl_runtime.load();
    a.sched_deadline = t->dl_deadline.load();
    a.sched_period = t->dl_period.load();
  }
  if (priority_max(policy) < 0) return -EINVAL;
  if (a.sched_flags & ~(kSchedFlagAll | kSchedFlagSugov)) return -EINVAL;
  if (a.sched_priority > 99) return -EINVAL;
  bool dl = policy == kSchedDeadline;
  if ((dl && !dl_params_valid(a)) || rt_policy(policy) != (a.sched_priority != 0)) return -EINVAL;
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  bool fair = policy == kSchedOther || policy == kSchedBatch;  // SCHED_IDLE keeps its nice
  if (!me.capable(kCapSysNice)) {
    uint64_t nice_rlim = std::min<uint64_t>(ctx.proc.rlimits[RLIMIT_NICE].rlim_cur, 40);
    bool priv = false;
    if (fair && a.sched_nice < t->nice.load() && 20 - a.sched_nice > static_cast<int64_t>(nice_rlim))
      priv = true;
    if (rt_policy(policy) || dl) priv = true;  // RLIMIT_RTPRIO is 0 for guests
    if (t->sched_policy.load() == kSchedIdle && policy != kSchedIdle &&
        20 - t->nice.load() > static_cast<int64_t>(nice_rlim))
      priv = true;
    if (t.get() != &ctx.proc) {
      Credentials them = t->creds();
      if (them.ruid != me.euid && them.euid != me.euid) priv = true;
    }
    if (t->sched_reset_on_fork.load() && !reset) priv = true;
    if (priv) return -EPERM;
  }
  if (a.sched_flags & kSchedFlagSugov) return -EINVAL;
  if (a.sched_flags & kSchedFlagUtilClamp) return -EOPNOTSUPP;
  t->sched_policy.store(policy);
  t->sched_priority.store(static_cast<int>(a.sched_priority));
  t->sched_reset_on_fork.store(reset);
  if (dl) {
    t->dl_runtime.store(a.sched_runtime);
    t->dl_deadline.store(a.sched_deadline);
    t->dl_period.store(a.sched_period ? a.sched_period : a.sched_deadline);
  } else if (!rt_policy(policy)) {
    if (fair) t->nice.store(a.sched_nice);
    if (a.sched_runtime)
      t->sched_slice.store(std::clamp<uint64_t>(a.sched_runtime, 100000, 100000000));
  }
  return 0;
}

int64_t sys_sched_getattr(SyscallCtx& ctx) {
  int pid = static_cast<int>(ctx.a[0]);
  uint64_t usize = static_cast<uint32_t>(ctx.a[2]);
  if (!ctx.a[1] || pid < 0 || usize > 4096 || usize < 48 || ctx.a[3]) return -EINVAL;
  std::shared_ptr<Process> t;
  int64_t e = sched_target(ctx, pid, &t);
  if (e < 0) return e;
  GuestSchedAttr a{};
  if (e == kOutsideInit) {  // SCHED_OTHER, nice 0
    a.sched_runtime = host_slice();
    a.size = static_cast<uint32_t>(std::min<uint64_t>(usize, sizeof a));
    return ctx.proc.as().write(ctx.a[1], &a, a.size) ? 0 : -EFAULT;
  }
  a.sched_policy = static_cast<uint32_t>(t->sched_policy.load());
  if (t->sched_reset_on_fork.load()) a.sched_flags |= kSchedFlagResetOnFork;
  if (a.sched_policy == kSchedDeadline) {
    a.sched_runtime = t->dl_runtime.load();
    a.sched_deadline = t->dl_deadline.load();
    a.sched_period = t->dl_period.load();
  } else if (rt_policy(static_cast<int>(a.sched_policy))) {
    a.sched_priority = static_cast<uint32_t>(t->sched_priority.load());
  } else {
    a.sched_nice = t->nice.load();
    a.sched_runtime = t->sched_slice.load() ? t->sched_slice.load() : host_slice();
  }
  a.size = static_cast<uint32_t>(std::min<uint64_t>(usize, sizeof a));
  return ctx.proc.as().write(ctx.a[1], &a, a.size) ? 0 : -EFAULT;
}

// ---- I/O priorities ------------------------------------------------------------------
//
// ioprio_set/ioprio_get: a virtual value per thread (Thread::ioprio; the
// host thread's I/O priority is hartd's), with Linux 6.x's rules: the
// value is class << 13 | hint << 3 | level kept in 16 bits; the real-time
// class needs CAP_SYS_ADMIN or CAP_SYS_NICE (EPERM); a bad class or level
// is EINVAL; another user's thread needs CAP_SYS_NICE (EPERM). A thread
// that never set one reports IOPRIO_CLASS_NONE (0); over a group or a user
// the best value wins, NONE counting as best-effort level 4.
namespace {
constexpr int kIoprioWhoProcess = 1, kIoprioWhoPgrp = 2, kIoprioWhoUser = 3;
int ioprio_best(int a, int b) {
  constexpr int kBeNorm = (2 << 13) | 4;
  if ((a >> 13) == 0) a = kBeNorm;
  if ((b >> 13) == 0) b = kBeNorm;
  return std::min(a, b);
}
// Calls fn(process, thread) for every thread named by (which, who), each
// under its process's mutex (the caller's own thread for WHO_PROCESS 0):
// 0, -ESRCH when none, -EINVAL for a bad which, or fn's first error.
template <class F>
int for_ioprio_targets(SyscallCtx& ctx, int which, int who, F fn) {
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  if (which == kIoprioWhoProcess && who == 0) return fn(ctx.proc, Process::thread_of(ctx.vcpu));
  if (which < kIoprioWhoProcess || which > kIoprioWhoUser) return -EINVAL;
  int group = who ? who : ctx.proc.group_id();
  uint32_t uid = who ? static_cast<uint32_t>(who) : me.ruid;
  bool found = false;
  for (const std::shared_ptr<Process>& q : Process::members(ctx.proc.tree())) {
    if (q->exited() || q->zombie()) continue;
    if (which == kIoprioWhoPgrp && q->group_id() != group) continue;
    if (which == kIoprioWhoUser && (q.get() == &ctx.proc ? me : q->creds()).ruid != uid) continue;
    std::lock_guard<std::mutex> lock(q->mutex());
    int err = 0;
    if (which == kIoprioWhoProcess) {
      Vcpu* v = q->thread_by_tid(who);
      if (!v) continue;
      found = true;
      err = fn(*q, Process::thread_of(*v));
    } else {
      q->for_each_thread([&](Vcpu& v, ThreadSignals&) {
        found = true;
        if (!err) err = fn(*q, Process::thread_of(v));
      });
    }
    if (err) return err;
    if (found && which == kIoprioWhoProcess) break;
  }
  return found ? 0 : -ESRCH;
}
}  // namespace

int64_t sys_ioprio_set(SyscallCtx& ctx) {
  int which = static_cast<int>(ctx.a[0]), who = static_cast<int>(ctx.a[1]);
  int value = static_cast<int>(ctx.a[2]);
  int cls = (value >> 13) & 7, level = value & 7;
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  switch (cls) {
    case 1:  // IOPRIO_CLASS_RT
      if (!me.capable(kCapSysAdmin) && !me.capable(kCapSysNice)) return -EPERM;
      break;
    case 2:  // IOPRIO_CLASS_BE
    case 3:  // IOPRIO_CLASS_IDLE
      break;
    case 0:  // IOPRIO_CLASS_NONE
      if (level) return -EINVAL;
      break;
    default:
      return -EINVAL;
  }
  Thread* self = &Process::thread_of(ctx.vcpu);
  auto refused = [&](const Credentials& c) { return c.ruid != me.euid && c.ruid != me.ruid && !me.capable(kCapSysNice); };
  const int r = for_ioprio_targets(ctx, which, who, [&](Process&, Thread& th) {
    // th.cred is stable under its process's mutex, held here.
    if (&th != self && refused(th.cred)) return -EPERM;
    th.ioprio.store(static_cast<uint16_t>(value));
    return 0;
  });
  // An ended leader not yet reaped: 0 and nothing kept (Linux 6.x; it has no
  // I/O context left, ioprio_get answers IOPRIO_CLASS_NONE).
  if (r == -ESRCH && which == kIoprioWhoProcess)
    if (std::shared_ptr<Process> z = ended_leader(ctx, who, nullptr)) return refused(z->creds()) ? -EPERM : 0;
  return r;
}

int64_t sys_ioprio_get(SyscallCtx& ctx) {
  int which = static_cast<int>(ctx.a[0]), who = static_cast<int>(ctx.a[1]);
  int best = -1;
  int r = for_ioprio_targets(ctx, which, who, [&](Process&, Thread& th) {
    int v = th.ioprio.load();
    best = which == kIoprioWhoProcess ? v : best < 0 ? ioprio_best(v, v) : ioprio_best(best, v);
    return 0;
  });
  // An ended leader not yet reaped has no I/O context left: IOPRIO_CLASS_NONE
  // (Linux 6.x: 0, whatever it set).
  if (r == -ESRCH && which == kIoprioWhoProcess && ended_leader(ctx, who, nullptr)) return 0;
  return r < 0 ? r : best;
}

int64_t sys_sched_get_priority_max(SyscallCtx& ctx) {
  return priority_max(static_cast<int>(ctx.a[0]));
}

int64_t sys_sched_get_priority_min(SyscallCtx& ctx) {
  int policy = static_cast<int>(ctx.a[0]);
  int64_t max = priority_max(policy);
  return max < 0 ? max : rt_policy(policy) ? 1 : 0;
}

// The host's time slice of the calling host thread (SCHED_OTHER), or
// SCHED_RR's 100 ms.
int64_t sys_sched_rr_get_interval(SyscallCtx& ctx) {
  std::shared_ptr<Process> t;
  int64_t e = sched_target(ctx, static_cast<int>(ctx.a[0]), &t);
  if (e < 0) return e;
  const int policy = e == kOutsideInit ? kSchedOther : t->sched_policy.load();
  struct timespec ts {};
  if (policy == kSchedRr) ts.tv_nsec = 100000000;
  else if (policy != kSchedFifo && sched_rr_get_interval(0, &ts) != 0) return -errno;
  GuestTimespec g{ts.tv_sec, ts.tv_nsec};
  return ctx.proc.as().write(ctx.a[1], &g, sizeof g) ? 0 : -EFAULT;
}

// getpriority/setpriority: a virtual nice value per process (PRIO_PROCESS
// by pid, PRIO_PGRP by group, PRIO_USER by real uid, 0 = the caller's),
// with Linux's rules: changing another user's process needs CAP_SYS_NICE
// (EPERM), lowering the value below RLIMIT_NICE's floor too (EACCES).
// The host thread's priority is not changed.
namespace {
std::vector<std::shared_ptr<Process>> priority_targets(SyscallCtx& ctx, int which, int who) {
  std::vector<std::shared_ptr<Process>> out;
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  if (which == PRIO_PROCESS) {
    std::shared_ptr<Process> p = who == 0 || who == ctx.proc.pid() ? ctx.proc.shared_from_this()
                                                                   : Process::find_task(who, &ctx.proc, true);
    if (p) out.push_back(p);
    return out;
  }
  int group = who ? who : ctx.proc.group_id();
  uint32_t uid = who ? static_cast<uint32_t>(who) : me.euid;
  for (const std::shared_ptr<Process>& q : Process::members(ctx.proc.tree())) {
    if (q->exited() || q->zombie()) continue;
    if (which == PRIO_PGRP ? q->group_id() == group : q->creds().ruid == uid) out.push_back(q);
  }
  return out;
}
}  // namespace

int64_t sys_getpriority(SyscallCtx& ctx) {
  int which = static_cast<int>(ctx.a[0]), who = static_cast<int>(ctx.a[1]);
  if (which < PRIO_PROCESS || which > PRIO_USER) return -EINVAL;
  int best = -1;
  for (const std::shared_ptr<Process>& q : priority_targets(ctx, which, who))
    best = std::max(best, 20 - q->nice.load());  // the kernel returns 20 - nice
  if (best < 0 && which != PRIO_USER && is_outside_init(who)) return 20;  // init (its group too): nice 0
  return best < 0 ? -ESRCH : best;
}

int64_t sys_setpriority(SyscallCtx& ctx) {
  int which = static_cast<int>(ctx.a[0]), who = static_cast<int>(ctx.a[1]);
  if (which < PRIO_PROCESS || which > PRIO_USER) return -EINVAL;
  int nice = std::clamp(static_cast<int>(ctx.a[2]), -20, 19);
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  int64_t err = -ESRCH;
  for (const std::shared_ptr<Process>& q : priority_targets(ctx, which, who)) {
    Credentials them = q.get() == &ctx.proc ? me : q->creds();
    if (them.ruid != me.euid && them.euid != me.euid && !me.capable(kCapSysNice)) {
      err = -EPERM;
      continue;
    }
    // RLIMIT_NICE n allows nice values down to 20 - n.
    int64_t floor = 20 - static_cast<int64_t>(std::min<uint64_t>(ctx.proc.rlimits[RLIMIT_NICE].rlim_cur, 40));
    if (nice < q->nice.load() && nice < floor && !me.capable(kCapSysNice)) {
      err = -EACCES;
      continue;
    }
    q->nice.store(nice);
    if (err == -ESRCH) err = 0;
  }
  if (err == -ESRCH && which != PRIO_USER && is_outside_init(who)) return -EPERM;
  return err;
}

int64_t sys_getcpu(SyscallCtx& ctx) {
  uint32_t zero = 0;
  if (ctx.a[0] && !ctx.proc.as().write(ctx.a[0], &zero, 4)) return -EFAULT;
  if (ctx.a[1] && !ctx.proc.as().write(ctx.a[1], &zero, 4)) return -EFAULT;
  return 0;
}

// ---- prctl -------------------------------------------------------------------------

// Supm, as arch/riscv/kernel/process.c's set_tagged_addr_ctrl(): the
// smallest PMLEN (7 or 16, both supported) at least the one asked for; the
// tagged-address ABI needs a non-zero PMLEN; without
// PR_TAGGED_ADDR_ENABLE the masking is still set but syscalls take
// pointers as they are. A memory shared with other threads keeps its ABI
// PMLEN (EBUSY to change it).
static int64_t prctl_set_tagged_addr_ctrl(SyscallCtx& ctx) {
  const uint64_t arg = ctx.a[1];
  if (arg & ~(kPrPmlenMask | kPrTaggedAddrEnable)) return -EINVAL;
  uint64_t pmlen = (arg & kPrPmlenMask) >> kPrPmlenShift;
  if (pmlen > 16) return -EINVAL;
  pmlen = pmlen > 7 ? 16 : pmlen > 0 ? 7 : 0;
  if ((arg & kPrTaggedAddrEnable) && !pmlen) return -EINVAL;
  const uint8_t abi = (arg & kPrTaggedAddrEnable) ? static_cast<uint8_t>(pmlen) : 0;
  Process& p = ctx.proc;
  std::lock_guard<std::mutex> lock(p.mutex());  // mmap_write_lock
  if (p.pmlen_locked.load() && p.tagged_pmlen.load() != abi) return -EBUSY;
  ctx.vcpu.state.pmlen = static_cast<uint32_t>(pmlen);  // envcfg.PMM: this thread's accesses
  p.tagged_pmlen.store(abi);
  Process::thread_of(ctx.vcpu).tagged_pmlen = abi;
  return 0;
}

int64_t sys_prctl(SyscallCtx& ctx) {
  Process& p = ctx.proc;
  switch (static_cast<int>(ctx.a[0])) {
    case 15: {  // PR_SET_NAME: the calling thread's name
      std::string s;
      if (!p.as().read_string(ctx.a[1], &s, 4096)) return -EFAULT;
      p.set_thread_comm(Process::thread_of(ctx.vcpu).tid, s);
      return 0;
    }
    case 16: {  // PR_GET_NAME
      char buf[16] = {};
      std::string s = p.thread_comm(Process::thread_of(ctx.vcpu).tid);
      memcpy(buf, s.data(), std::min(s.size(), sizeof buf - 1));
      return p.as().write(ctx.a[1], buf, sizeof buf) ? 0 : -EFAULT;
    }
    case 3:  // PR_GET_DUMPABLE
      return p.dumpable.load();
    case 4:  // PR_SET_DUMPABLE: SUID_DUMP_DISABLE or SUID_DUMP_USER
      if (ctx.a[1] > 1) return -EINVAL;
      p.dumpable.store(static_cast<int>(ctx.a[1]));
      return 0;
    case 1:  // PR_SET_PDEATHSIG
      if (ctx.a[1] > static_cast<uint64_t>(kGuestNSig)) return -EINVAL;
      p.pdeath_signal.store(static_cast<int>(ctx.a[1]));
      return 0;
    case 2: {  // PR_GET_PDEATHSIG
      int32_t v = p.pdeath_signal.load();
      return p.as().write(ctx.a[1], &v, 4) ? 0 : -EFAULT;
    }
    case 13:  // PR_GET_TIMING: only PR_TIMING_STATISTICAL exists
      return 0;
    case 14:  // PR_SET_TIMING
      return ctx.a[1] == 0 ? 0 : -EINVAL;
    case 31:  // PR_TASK_PERF_EVENTS_DISABLE: no perf events to stop
    case 32:  // PR_TASK_PERF_EVENTS_ENABLE
      return 0;
    case 33:  // PR_MCE_KILL: CLEAR (arg3 0), or SET with LATE 0, EARLY 1, DEFAULT 2
      if (ctx.a[3] || ctx.a[4]) return -EINVAL;
      if (ctx.a[1] == 0) {
        if (ctx.a[2]) return -EINVAL;
        p.mce_kill.store(2);
        return 0;
      }
      if (ctx.a[1] != 1 || ctx.a[2] > 2) return -EINVAL;
      p.mce_kill.store(static_cast<int>(ctx.a[2]));
      return 0;
    case 34:  // PR_MCE_KILL_GET
      if (ctx.a[1] || ctx.a[2] || ctx.a[3] || ctx.a[4]) return -EINVAL;
      return p.mce_kill.load();
    case 40: {  // PR_GET_TID_ADDRESS: set_tid_address's pointer
      uint64_t v = Process::thread_of(ctx.vcpu).clear_child_tid;
      return p.as().write(ctx.a[1], &v, 8) ? 0 : -EFAULT;
    }
    case 41:  // PR_SET_THP_DISABLE
      if (ctx.a[2] || ctx.a[3] || ctx.a[4]) return -EINVAL;
      p.thp_disable.store(ctx.a[1] != 0);
      return 0;
    case 42:  // PR_GET_THP_DISABLE
      if (ctx.a[1] || ctx.a[2] || ctx.a[3] || ctx.a[4]) return -EINVAL;
      return p.thp_disable.load() ? 1 : 0;
    case kPrSetMdwe: {
      uint64_t bits = ctx.a[1];
      if (ctx.a[2] || ctx.a[3] || ctx.a[4]) return -EINVAL;
      if (bits & ~uint64_t{kPrMdweRefuseExecGain | kPrMdweNoInherit}) return -EINVAL;
      if ((bits & kPrMdweNoInherit) && !(bits & kPrMdweRefuseExecGain)) return -EINVAL;
      uint32_t cur = p.mdwe.load();
      if (cur && cur != bits) return -EPERM;  // it cannot be turned off or changed
      p.mdwe.store(static_cast<uint32_t>(bits));
      return 0;
    }
    case kPrGetMdwe:
      if (ctx.a[1] || ctx.a[2] || ctx.a[3] || ctx.a[4]) return -EINVAL;
      return p.mdwe.load();
    case kPrGetAuxv: {  // saved_auxv: the entries, then zeros
      if (ctx.a[3] || ctx.a[4]) return -EINVAL;
      std::string saved = p.stack().auxv_bytes();
      saved.resize(kSavedAuxvBytes, '\0');
      uint64_t n = std::min<uint64_t>(ctx.a[2], saved.size());
      if (n && !p.as().write(ctx.a[1], saved.data(), n)) return -EFAULT;
      return static_cast<int64_t>(kSavedAuxvBytes);
    }
    case PR_SET_NO_NEW_PRIVS:
      if (ctx.a[1] != 1 || ctx.a[2] || ctx.a[3] || ctx.a[4]) return -EINVAL;
      p.no_new_privs.store(true);
      return 0;
    case PR_GET_NO_NEW_PRIVS:
      if (ctx.a[1] || ctx.a[2] || ctx.a[3] || ctx.a[4]) return -EINVAL;
      return p.no_new_privs.load() ? 1 : 0;
    case PR_SET_CHILD_SUBREAPER:
      p.child_subreaper.store(ctx.a[1] != 0);
      return 0;
    case PR_GET_CHILD_SUBREAPER: {
      int32_t v = p.child_subreaper.load() ? 1 : 0;
      return p.as().write(ctx.a[1], &v, 4) ? 0 : -EFAULT;
    }
    case PR_SET_TIMERSLACK: {
      Thread& t = Process::thread_of(ctx.vcpu);
      t.timer_slack_ns.store(ctx.a[1] ? ctx.a[1] : t.default_timer_slack_ns.load());
      return 0;
    }
    case PR_GET_TIMERSLACK:
      return static_cast<int64_t>(Process::thread_of(ctx.vcpu).timer_slack_ns.load());
    case kPrRiscvVGetControl:
      return Process::thread_of(ctx.vcpu).v_ctrl & kPrRiscvVCtrlMask;
    case kPrRiscvVSetControl: {  // riscv_v_vstate_ctrl_set_current()
      Thread& t = Process::thread_of(ctx.vcpu);
      const uint64_t arg = ctx.a[1];
      if (arg & ~uint64_t{kPrRiscvVCtrlMask}) return -EINVAL;
      uint32_t cur = arg & kPrRiscvVCtrlCurMask;
      const uint32_t old_cur = t.v_ctrl & kPrRiscvVCtrlCurMask;
      if (cur == kPrRiscvVCtrlOff && old_cur != kPrRiscvVCtrlOff) return -EPERM;  // V stays on once on
      if (cur == kPrRiscvVCtrlDefault) cur = old_cur;
      if (cur > kPrRiscvVCtrlOn) return -EINVAL;
      const uint32_t next = (arg & kPrRiscvVCtrlNextMask) >> 2;
      if (next > kPrRiscvVCtrlOn) return -EINVAL;
      t.v_ctrl = cur | next << 2 | (arg & kPrRiscvVCtrlInherit);
      ctx.vcpu.state.v_disabled = cur == kPrRiscvVCtrlOff;
      return 0;
    }
    case kPrSetTaggedAddrCtrl: return prctl_set_tagged_addr_ctrl(ctx);
    case kPrGetTaggedAddrCtrl: {  // get_tagged_addr_ctrl()
      if (ctx.a[1] || ctx.a[2] || ctx.a[3] || ctx.a[4]) return -EINVAL;
      const uint32_t pm = ctx.vcpu.state.pmlen;  // envcfg.PMM
      return (Process::thread_of(ctx.vcpu).tagged_pmlen ? kPrTaggedAddrEnable : 0) |
             static_cast<int64_t>(uint64_t{pm} << kPrPmlenShift);
    }
    case PR_GET_SECCOMP:
      return 0;
    case PR_SET_SECCOMP:  // mode STRICT / FILTER = seccomp(SET_MODE_STRICT / SET_MODE_FILTER)
      if (ctx.a[1] == 1) return seccomp_unsupported(ctx, 0, 0, 0);
      if (ctx.a[1] == 2) return seccomp_unsupported(ctx, 1, 0, ctx.a[2]);
      return -EINVAL;
    case PR_GET_KEEPCAPS:
    case PR_SET_KEEPCAPS:
    case PR_CAPBSET_READ:
    case PR_CAPBSET_DROP:
    case PR_GET_SECUREBITS:
    case PR_SET_SECUREBITS:
    case PR_CAP_AMBIENT:
      return prctl_creds(ctx);  // sys_creds.cpp
    default:
      return -EINVAL;
  }
}

}  // namespace hart::linux

// ---- futex ---------------------------------------------------------------------------
// Guest futex words are host memory (base + guest address), so the host
// futex does the work; only addresses are translated and validated.

namespace hart::linux {

namespace {

int64_t futex_wait_restart(SyscallCtx& ctx, RestartBlock& rb);

// A futex wait with an absolute deadline (rb: uaddr, val, bitset, op flags,
// clock and deadline), as a host FUTEX_WAIT_BITSET. Interrupted: Linux's
// futex_wait arms the restart block, so restart_syscall waits again until
// the same deadline (-EINTR if a handler runs).
int64_t futex_wait_until(SyscallCtx& ctx, RestartBlock& rb) {
  uint32_t* host = reinterpret_cast<uint32_t*>(ctx.proc.as().base() + rb.addr);
  int64_t r = safe_syscall(&ctx.vcpu.state.exit_request, SYS_futex, reinterpret_cast<long>(host),
                           FUTEX_WAIT_BITSET | rb.op, rb.val, reinterpret_cast<long>(&rb.deadline),
                           0, rb.bitset);
  if (r != -EINTR) return r;
  rb.fn = futex_wait_restart;
  return kERESTART_RESTARTBLOCK;
}

int64_t futex_wait_restart(SyscallCtx& ctx, RestartBlock& rb) {
  rb.fn = nullptr;
  if (!ctx.proc.as().check(rb.addr, 4, PROT_READ)) return -EFAULT;  // unmapped meanwhile
  return futex_wait_until(ctx, rb);
}

}  // namespace

int64_t sys_futex(SyscallCtx& ctx) {
  uint64_t uaddr = ctx.a[0];
  int op = static_cast<int>(ctx.a[1]);
  int cmd = op & 0x7f;  // without FUTEX_PRIVATE_FLAG / FUTEX_CLOCK_REALTIME
  AddressSpace& as = ctx.proc.as();
  enum { kWait = 0, kWake = 1, kRequeue = 3, kCmpRequeue = 4, kWakeOp = 5, kWaitBitset = 9,
         kWakeBitset = 10 };
  if (cmd == kWait || cmd == kWaitBitset) {
    // Linux's order: the timeout (EFAULT, EINVAL), the clock flag (ENOSYS
    // for FUTEX_WAIT), the bitset, then the address (EINVAL, EFAULT).
    bool timed = ctx.a[3] != 0;
    GuestTimespec t{};
    if (timed) {
      if (!as.read(ctx.a[3], &t, sizeof t)) return -EFAULT;
      if (t.tv_sec < 0 || static_cast<uint64_t>(t.tv_nsec) >= 1000000000) return -EINVAL;
    }
    if (cmd == kWait && (op & FUTEX_CLOCK_REALTIME)) return -ENOSYS;
    uint32_t bitset = cmd == kWait ? FUTEX_BITSET_MATCH_ANY : static_cast<uint32_t>(ctx.a[5]);
    if (bitset == 0) return -EINVAL;
    if (uaddr & 3) return -EINVAL;
    if (!as.check(uaddr, 4, PROT_READ)) return -EFAULT;
    uint32_t* host = reinterpret_cast<uint32_t*>(as.base() + uaddr);
    if (!timed) {
      // Blocks: interruptible by a signal, exit_group or execve (safe_syscall).
      // Linux: -ERESTARTSYS without a timeout (restarted after a handler
      // with SA_RESTART, or when no handler runs).
      int64_t r = safe_syscall(&ctx.vcpu.state.exit_request, SYS_futex,
                               reinterpret_cast<long>(host), FUTEX_WAIT_BITSET | (op & ~0x7f),
                               static_cast<uint32_t>(ctx.a[2]), 0, 0, bitset);
      return r == -EINTR ? kERESTARTSYS : r;
    }
    // With a timeout: an absolute deadline (FUTEX_WAIT's relative one is
    // measured on CLOCK_MONOTONIC from now), kept for restart_syscall.
    RestartBlock& rb = Process::thread_of(ctx.vcpu).restart;
    rb = RestartBlock{};
    rb.addr = uaddr;
    rb.val = static_cast<uint32_t>(ctx.a[2]);
    rb.bitset = bitset;
    rb.op = op & (FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    rb.deadline = cmd == kWait ? deadline_after(CLOCK_MONOTONIC, t) : timespec{t.tv_sec, t.tv_nsec};
    return futex_wait_until(ctx, rb);
  }
  if (uaddr & 3) return -EINVAL;
  if (!as.check(uaddr, 4, PROT_READ)) return -EFAULT;
  uint32_t* host = reinterpret_cast<uint32_t*>(as.base() + uaddr);
  switch (cmd) {
    case kWake:
    case kWakeBitset:
      if (cmd == kWakeBitset && static_cast<uint32_t>(ctx.a[5]) == 0) return -EINVAL;
      return host_ret(syscall(SYS_futex, host, op, static_cast<uint32_t>(ctx.a[2]), nullptr,
                              nullptr, static_cast<uint32_t>(ctx.a[5])));
    case kRequeue:
    case kCmpRequeue:
    case kWakeOp: {
      uint64_t uaddr2 = ctx.a[4];
      if (uaddr2 & 3) return -EINVAL;
      if (!as.check(uaddr2, 4, cmd == kWakeOp ? PROT_READ | PROT_WRITE : PROT_READ)) return -EFAULT;
      return host_ret(syscall(SYS_futex, host, op, static_cast<uint32_t>(ctx.a[2]),
                              reinterpret_cast<void*>(ctx.a[3]), as.base() + uaddr2,
                              static_cast<uint32_t>(ctx.a[5])));
    }
    default:
      return futex_pi(ctx, cmd, op);  // PI operations (sys_futex_pi.cpp)
  }
}

}  // namespace hart::linux
