// linux-abi/syscalls/sys_signal.cpp — signal syscalls: rt_sigaction, rt_sigprocmask,
// rt_sigpending, rt_sigsuspend, rt_sigtimedwait, sigaltstack, kill, tkill,
// tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, rt_sigreturn, restart_syscall.
// Owns: argument checking and the errno each case gets, as Linux's
// kernel/signal.c gives them. Does not own: signal state, delivery and the
// frame (signals.cpp). Other processes are found in the pid table
// (Process::find), limited to the caller's launch tree; process groups are
// not modelled yet.
#include <unistd.h>

#include <sys/resource.h>

#include <cerrno>
#include <chrono>
#include <csignal>

#include "linux-abi/process/signals.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

bool valid_signal(int64_t sig) { return sig >= 0 && sig <= kGuestNSig; }

GuestSiginfo user_siginfo(Process& p, int sig, int code) {
  GuestSiginfo info{};
  info.si_signo = sig;
  info.si_code = code;
  info.f.kill.pid = p.pid();
  info.f.kill.uid = p.creds().ruid;
  return info;
}

}  // namespace

// kill(2)'s permission check (creds.h): 0 or -EPERM.
int may_signal(SyscallCtx& ctx, Process& target, int sig) {
  if (&target == &ctx.proc) return 0;
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  return cred_may_signal(me, target.creds(), sig, target.sid == ctx.proc.sid) ? 0 : -EPERM;
}

namespace {
// A signal to pid 1 (is_outside_init): EPERM, for root too (init is of
// another user namespace). kill(1, 0) thus says "it exists".
int64_t signal_outside_init(SyscallCtx&, int) { return -EPERM; }
}  // namespace

namespace {

// kill(2)'s pid argument names this process (the only one visible yet)?

}  // namespace

int64_t sys_rt_sigaction(SyscallCtx& ctx) {
  int64_t sig = static_cast<int>(ctx.a[0]);
  if (ctx.a[3] != 8) return -EINVAL;
  Process& p = ctx.proc;
  GuestSigaction act{};
  if (ctx.a[1] && !p.as().read(ctx.a[1], &act, sizeof act)) return -EFAULT;
  if (sig < 1 || sig > kGuestNSig) return -EINVAL;
  if (ctx.a[1] && (sig == SIGKILL || sig == SIGSTOP)) return -EINVAL;
  GuestSigaction old;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    old = p.signals.action[sig];
    if (ctx.a[1]) {
      act.flags &= kSaUapiFlags;  // SA_RESTORER included: riscv has none
      act.mask &= ~kUnblockableSignals;
      p.signals.action[sig] = act;
      // POSIX: setting a pending signal to be ignored discards it.
      if (handler_ignores(act, static_cast<int>(sig))) {
        p.signals.shared.discard(static_cast<int>(sig));
        p.for_each_thread([&](Vcpu&, ThreadSignals& ts) { ts.pending.discard(static_cast<int>(sig)); });
      }
    }
  }
  if (ctx.a[2] && !p.as().write(ctx.a[2], &old, sizeof old)) return -EFAULT;
  return 0;
}

int64_t sys_rt_sigprocmask(SyscallCtx& ctx) {
  int how = static_cast<int>(ctx.a[0]);
  if (ctx.a[3] != 8) return -EINVAL;
  Process& p = ctx.proc;
  uint64_t set = 0, old;
  if (ctx.a[1] && !p.as().read(ctx.a[1], &set, 8)) return -EFAULT;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    ThreadSignals& ts = p.thread_signals(ctx.vcpu);
    old = ts.blocked;
    if (ctx.a[1]) {
      set &= ~kUnblockableSignals;
      if (how == SIG_BLOCK)
        ts.blocked |= set;
      else if (how == SIG_UNBLOCK)
        ts.blocked &= ~set;
      else if (how == SIG_SETMASK)
        ts.blocked = set;
      else
        return -EINVAL;
    }
  }
  // Newly unblocked pending signals are delivered when the syscall returns.
  if (ctx.a[2] && !p.as().write(ctx.a[2], &old, 8)) return -EFAULT;
  return 0;
}

int64_t sys_rt_sigpending(SyscallCtx& ctx) {
  uint64_t size = ctx.a[1];
  if (size > 8) return -EINVAL;
  Process& p = ctx.proc;
  uint64_t set;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    ThreadSignals& ts = p.thread_signals(ctx.vcpu);
    set = (ts.pending.mask() | p.signals.shared.mask()) & ts.blocked;
  }
  return p.as().write(ctx.a[0], &set, size) ? 0 : -EFAULT;
}

int64_t sys_rt_sigsuspend(SyscallCtx& ctx) {
  if (ctx.a[1] != 8) return -EINVAL;
  Process& p = ctx.proc;
  uint64_t mask;
  if (!p.as().read(ctx.a[0], &mask, 8)) return -EFAULT;
  std::unique_lock<std::mutex> lock(p.mutex());
  ThreadSignals& ts = p.thread_signals(ctx.vcpu);
  ts.saved_blocked = ts.blocked;
  ts.restore_blocked = true;  // the handler's frame records the old mask
  ts.blocked = mask & ~kUnblockableSignals;
  Thread& self = Process::thread_of(ctx.vcpu);
  p.signal_cv().wait(lock, [&] { return p.should_stop(self) || has_deliverable(p, ts); });
  return kERESTARTNOHAND;  // becomes -EINTR once a handler runs
}

int64_t sys_rt_sigtimedwait(SyscallCtx& ctx) {
  if (ctx.a[3] != 8) return -EINVAL;
  Process& p = ctx.proc;
  uint64_t set;
  if (!p.as().read(ctx.a[0], &set, 8)) return -EFAULT;
  set &= ~kUnblockableSignals;
  bool has_timeout = ctx.a[2] != 0;
  GuestTimespec to{};
  if (has_timeout) {
    if (!p.as().read(ctx.a[2], &to, sizeof to)) return -EFAULT;
    if (to.tv_sec < 0 || to.tv_nsec < 0 || to.tv_nsec >= 1000000000) return -EINVAL;
  }
  GuestSiginfo info{};
  int sig;
  {
    std::unique_lock<std::mutex> lock(p.mutex());
    ThreadSignals& ts = p.thread_signals(ctx.vcpu);
    sig = dequeue_signal(p, ts, set, &info);
    if (!sig) {
      if (has_timeout && to.tv_sec == 0 && to.tv_nsec == 0) return -EAGAIN;
      // While waiting, the awaited signals count as unblocked (so they wake
      // us); any other deliverable signal interrupts the wait.
      uint64_t saved = ts.blocked;
      ts.blocked &= ~set;
      Thread& self = Process::thread_of(ctx.vcpu);
      auto ready = [&] { return p.should_stop(self) || has_deliverable(p, ts); };
      bool timed_out = false;
      if (has_timeout) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(to.tv_sec) +
                        std::chrono::nanoseconds(to.tv_nsec);
        timed_out = !p.signal_cv().wait_until(lock, deadline, ready);
      } else {
        p.signal_cv().wait(lock, ready);
      }
      ts.blocked = saved;
      sig = dequeue_signal(p, ts, set, &info);
      if (!sig) return timed_out ? -EAGAIN : -EINTR;
    }
  }
  if (ctx.a[1] && !p.as().write(ctx.a[1], &info, sizeof info)) return -EFAULT;
  return sig;
}

int64_t sys_sigaltstack(SyscallCtx& ctx) {
  Process& p = ctx.proc;
  GuestStackT ns{}, os{};
  if (ctx.a[0] && !p.as().read(ctx.a[0], &ns, sizeof ns)) return -EFAULT;
  int r;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    r = do_sigaltstack(p.thread_signals(ctx.vcpu), ctx.a[0] ? &ns : nullptr, &os,
                       ctx.vcpu.state.x[2]);
  }
  if (r) return r;
  if (ctx.a[1] && !p.as().write(ctx.a[1], &os, sizeof os)) return -EFAULT;
  return 0;
}

int64_t sys_kill(SyscallCtx& ctx) {
  int pid = static_cast<int>(ctx.a[0]);
  int64_t sig = static_cast<int>(ctx.a[1]);
  if (!valid_signal(sig)) return -EINVAL;
  Process& p = ctx.proc;
  GuestSiginfo info = user_siginfo(p, static_cast<int>(sig), kSI_USER);
  if (pid > 0) {
    // A zombie (ended, not reaped) takes the signal as on Linux: 0, nothing happens.
    std::shared_ptr<Process> target = pid == p.pid() ? p.shared_from_this() : Process::find_task(pid, &p, true);
    if (!target) return is_outside_init(pid) ? signal_outside_init(ctx, static_cast<int>(sig)) : -ESRCH;
    if (int e = may_signal(ctx, *target, static_cast<int>(sig))) return e;
    if (sig && !target->zombie()) send_signal(*target, nullptr, info, target.get() == &p ? &ctx.vcpu : nullptr);
    return 0;
  }
  // 0: the caller's process group; -1: every process the caller can see
  // (its launch) but itself; -N: process group N.
  int group = pid == 0 ? p.group_id() : -pid;
  // Success if any process got it; else EPERM if one was refused (Linux).
  bool any = false, sent = false;
  // Ended processes not yet reaped count as Linux's zombies do (still in
  // their group): they take the signal, and nothing happens.
  for (const std::shared_ptr<Process>& q : Process::members(p.tree())) {
    if (q->reaped()) continue;
    bool hit = pid == -1 ? q.get() != &p : q->group_id() == group;
    if (!hit) continue;
    any = true;
    if (may_signal(ctx, *q, static_cast<int>(sig))) continue;
    sent = true;
    if (sig && !q->exited()) send_signal(*q, nullptr, info, q.get() == &p ? &ctx.vcpu : nullptr);
  }
  return sent ? 0 : any ? -EPERM : -ESRCH;
}

namespace {
int64_t signal_thread(SyscallCtx& ctx, int tgid, int tid, int64_t sig) {
  if (tid <= 0) return -EINVAL;
  if (!valid_signal(sig)) return -EINVAL;
  Process& p = ctx.proc;
  GuestSiginfo info = user_siginfo(p, static_cast<int>(sig), kSI_TKILL);
  if (tgid != -1 && tgid != p.pid()) {
    std::shared_ptr<Process> other = Process::find(tgid, &p, true);
    if (!other) return is_outside_init(tgid) && tid == tgid ? signal_outside_init(ctx, static_cast<int>(sig)) : -ESRCH;
    if (other->zombie() && tid != tgid) return -ESRCH;
    if (int e = may_signal(ctx, *other, static_cast<int>(sig))) return e;
    // A zombie's leader is still a task on Linux: 0, and nothing happens.
    return other->zombie() ? 0 : send_signal_tid(*other, tid, info, nullptr);
  }
  int r = send_signal_tid(p, tid, info, &ctx.vcpu);
  if (r == -ESRCH && tgid == -1) {
    // tkill(tid) of another process's thread.
    std::shared_ptr<Process> other = Process::find_task(tid, &p, true);
    if (!other) return is_outside_init(tid) ? signal_outside_init(ctx, static_cast<int>(sig)) : -ESRCH;
    if (int e = may_signal(ctx, *other, static_cast<int>(sig))) return e;
    return other->zombie() ? 0 : send_signal_tid(*other, tid, info, nullptr);
  }
  return r;
}
}  // namespace

int64_t sys_tkill(SyscallCtx& ctx) {
  return signal_thread(ctx, -1, static_cast<int>(ctx.a[0]), static_cast<int>(ctx.a[1]));
}

int64_t sys_tgkill(SyscallCtx& ctx) {
  int tgid = static_cast<int>(ctx.a[0]);
  if (tgid <= 0) return -EINVAL;
  return signal_thread(ctx, tgid, static_cast<int>(ctx.a[1]), static_cast<int>(ctx.a[2]));
}

namespace {
// rt_sigqueueinfo / rt_tgsigqueueinfo: the caller supplies the siginfo; to
// itself any si_code is allowed (to others, Linux refuses si_code >= 0 and
// SI_TKILL with EPERM).
// target: the pid (rt_sigqueueinfo) or tid (rt_tgsigqueueinfo) the caller
// named.
int64_t queue_info(SyscallCtx& ctx, Process& p, int tid, int64_t sig, uint64_t uinfo, int target) {
  GuestSiginfo info;
  if (!ctx.proc.as().read(uinfo, &info, sizeof info)) return -EFAULT;
  // Not even root may pass a signal off as the kernel's (si_code >= 0) or
  // as kill's or tgkill's (SI_TKILL), except to itself (its own tid).
  constexpr int kSiTkill = -6;
  if ((info.si_code >= 0 || info.si_code == kSiTkill) && target != Process::thread_of(ctx.vcpu).tid)
    return -EPERM;
  if (!valid_signal(sig)) return -EINVAL;
  info.si_signo = static_cast<int>(sig);
  if (int e = may_signal(ctx, p, static_cast<int>(sig))) return e;
  // RLIMIT_SIGPENDING: a queued real-time signal past the target's limit
  // fails with EAGAIN (Linux counts per user; hartd per target process).
  if (sig >= kGuestSigRtMin && info.si_code < 0) {
    std::lock_guard<std::mutex> lock(p.mutex());
    uint64_t n = p.signals.shared.queued();
    p.for_each_thread([&](Vcpu&, ThreadSignals& ts) { n += ts.pending.queued(); });
    if (n >= p.rlimits[RLIMIT_SIGPENDING].rlim_cur) return -EAGAIN;
  }
  // A zombie (ended, not reaped) takes it as on Linux: 0, nothing happens
  // (its leader only, for rt_tgsigqueueinfo).
  if (p.zombie()) return tid && tid != p.pid() ? -ESRCH : 0;
  if (tid) return send_signal_tid(p, tid, info, &ctx.vcpu);
  if (sig == 0) return 0;
  send_signal(p, nullptr, info, &p == &ctx.proc ? &ctx.vcpu : nullptr);
  return 0;
}
}  // namespace

int64_t sys_rt_sigqueueinfo(SyscallCtx& ctx) {
  int pid = static_cast<int>(ctx.a[0]);
  int sig = static_cast<int>(ctx.a[1]);
  if (pid == ctx.proc.pid()) return queue_info(ctx, ctx.proc, 0, sig, ctx.a[2], pid);
  std::shared_ptr<Process> other = pid > 0 ? Process::find_task(pid, &ctx.proc, true) : nullptr;
  if (!other) return -ESRCH;
  return queue_info(ctx, *other, 0, sig, ctx.a[2], pid);
}

int64_t sys_rt_tgsigqueueinfo(SyscallCtx& ctx) {
  int tgid = static_cast<int>(ctx.a[0]), tid = static_cast<int>(ctx.a[1]);
  int sig = static_cast<int>(ctx.a[2]);
  if (tgid <= 0 || tid <= 0) return -EINVAL;
  if (tgid == ctx.proc.pid()) return queue_info(ctx, ctx.proc, tid, sig, ctx.a[3], tid);
  std::shared_ptr<Process> other = Process::find(tgid, &ctx.proc, true);
  if (!other) return -ESRCH;
  return queue_info(ctx, *other, tid, sig, ctx.a[3], tid);
}

int64_t sys_rt_sigreturn(SyscallCtx& ctx) { return do_rt_sigreturn(ctx.proc, ctx.vcpu); }

// restart_syscall: resumes the call recorded in the thread's restart block
// (signals.h) with what is left of its deadline; EINTR when none is recorded
// (called directly, or after rt_sigreturn), as Linux's do_no_restart_syscall.
int64_t sys_restart_syscall(SyscallCtx& ctx) {
  RestartBlock& rb = Process::thread_of(ctx.vcpu).restart;
  if (!rb.fn) return -EINTR;
  return rb.fn(ctx, rb);
}

}  // namespace hart::linux
