// linux-abi/syscalls/sys_pidfd.cpp — pidfds: pidfd_open, pidfd_send_signal,
// pidfd_getfd, the pidfd of clone(CLONE_PIDFD)/clone3 (open_pidfd) and
// waitid(P_PIDFD)'s lookup (pidfd_pid). pidfd_send_signal also takes an fd
// of a /proc/<pid> directory, as Linux does. A pidfd is a guest fd whose HostFd
// names a guest process (PidFdTarget) over a host eventfd that the
// process's exit makes readable, so poll, select and epoll report the exit
// as Linux does (POLLIN); read() and write() of it are EINVAL as on Linux
// (sys_fs.cpp), and /proc/<pid>/fdinfo shows its Pid: (proc_fdinfo.cpp).
// Owns: these calls. Does not own: signal delivery (signals.cpp) or the
// exit notification (Process::watch_exit).
#include <fcntl.h>
#include <sys/eventfd.h>

#include <cerrno>

#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {
constexpr int kPidfdNonblock = 04000;  // O_NONBLOCK
constexpr int kSiTkill = -6;
}  // namespace

int open_pidfd(Process& owner, const std::shared_ptr<Process>& target, bool nonblock) {
  int efd = eventfd(0, EFD_CLOEXEC | (nonblock ? EFD_NONBLOCK : 0));
  if (efd < 0) return -errno;
  auto ref = std::make_shared<PidFdTarget>();
  ref->pid = target->pid();
  ref->proc = target;
  auto file = std::make_shared<HostFd>(efd, std::move(ref));
  target->watch_exit(file);
  return owner.fds().install(std::move(file), true);  // always close-on-exec
}

int pidfd_pid(Process& p, int fd, bool* nonblock) {
  std::shared_ptr<HostFd> f = p.fds().get(fd);
  if (!f || !f->pidfd()) return -EBADF;
  if (nonblock) *nonblock = fcntl(f->fd(), F_GETFL) & O_NONBLOCK;
  return f->pidfd()->pid;
}

int64_t sys_pidfd_open(SyscallCtx& ctx) {
  int pid = static_cast<int>(ctx.a[0]);
  uint64_t flags = ctx.a[1];
  if (flags & ~uint64_t{kPidfdNonblock}) return -EINVAL;
  if (pid <= 0) return -EINVAL;
  // A zombie (ended, not yet reaped) has its pidfd as on Linux, readable at
  // once: a parent may open it after the child exited (asyncio's
  // PidfdChildWatcher does for a child that ends quickly).
  std::shared_ptr<Process> t =
      pid == ctx.proc.pid() ? ctx.proc.shared_from_this() : Process::find(pid, &ctx.proc, true);
  if (!t) {
    // A thread that is not a leader: ENOENT; nothing at all: ESRCH.
    std::lock_guard<std::mutex> lock(ctx.proc.mutex());
    return ctx.proc.thread_by_tid(pid) ? -ENOENT : -ESRCH;
  }
  return open_pidfd(ctx.proc, t, flags & kPidfdNonblock);
}

namespace {
// The live process a pidfd names: -EBADF (not a pidfd), -ESRCH (ended).
int64_t pidfd_process(SyscallCtx& ctx, int fd, std::shared_ptr<Process>* out) {
  std::shared_ptr<HostFd> f = ctx.proc.fds().get(fd);
  if (!f || !f->pidfd()) return -EBADF;
  *out = f->pidfd()->proc.lock();
  if (!*out || (*out)->exited() || (*out)->zombie()) return -ESRCH;
  return 0;
}
}  // namespace

// Linux's order: flags, the fd, the siginfo, then the signal and the
// permission (kill's checks), then whether the process still runs.
int64_t sys_pidfd_send_signal(SyscallCtx& ctx) {
  int fd = static_cast<int>(ctx.a[0]);
  int sig = static_cast<int>(ctx.a[1]);
  uint64_t uinfo = ctx.a[2], flags = ctx.a[3];
  if (flags & ~uint64_t{7} || __builtin_popcountll(flags) > 1) return -EINVAL;  // PIDFD_SIGNAL_*
  std::shared_ptr<HostFd> f = ctx.proc.fds().get(fd);
  bool proc_dir = f && f->synth() && f->synth()->is_pid_dir;
  if (!f || (!f->pidfd() && !proc_dir)) return -EBADF;
  std::shared_ptr<Process> t = proc_dir ? f->synth()->pid_dir.lock() : f->pidfd()->proc.lock();
  GuestSiginfo info{};
  if (uinfo) {
    if (!ctx.proc.as().read(uinfo, &info, sizeof info)) return -EFAULT;
    if (info.si_signo != sig) return -EINVAL;
    if (t.get() != &ctx.proc && (info.si_code >= 0 || info.si_code == kSiTkill)) return -EPERM;
  } else {
    info.si_signo = sig;
    info.si_code = kSI_USER;
    info.f.kill.pid = ctx.proc.pid();
    info.f.kill.uid = Process::thread_of(ctx.vcpu).cred.ruid;
  }
  if (sig < 0 || sig > kGuestNSig) return -EINVAL;
  if (!t) return -ESRCH;
  if (int e = may_signal(ctx, *t, sig)) return e;
  // Until it is reaped, an ended process takes signals as Linux's zombie
  // does: 0, and nothing happens.
  if (t->reaped()) return -ESRCH;
  if (sig && !t->exited() && !t->zombie())
    send_signal(*t, nullptr, info, t.get() == &ctx.proc ? &ctx.vcpu : nullptr);
  return 0;
}

// pidfd_getfd: a duplicate of another process's fd (close-on-exec), with
// ptrace's permission rule: the same real, effective and saved ids or
// CAP_SYS_PTRACE.
int64_t sys_pidfd_getfd(SyscallCtx& ctx) {
  if (ctx.a[2]) return -EINVAL;
  std::shared_ptr<Process> t;
  if (int64_t e = pidfd_process(ctx, static_cast<int>(ctx.a[0]), &t)) return e;
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  Credentials them = t.get() == &ctx.proc ? me : t->creds();
  bool same = me.ruid == them.euid && me.ruid == them.suid && me.ruid == them.ruid &&
              me.rgid == them.egid && me.rgid == them.sgid && me.rgid == them.rgid;
  if (!same && !me.capable(kCapSysPtrace)) return -EPERM;
  std::shared_ptr<HostFd> file = t->fds().get(static_cast<int>(ctx.a[1]));
  if (!file) return -EBADF;
  return ctx.proc.fds().install(std::move(file), true);
}

}  // namespace hart::linux
