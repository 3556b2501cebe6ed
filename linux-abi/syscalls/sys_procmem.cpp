// linux-abi/syscalls/sys_procmem.cpp — calls that reach into a process by pid:
// process_vm_readv/process_vm_writev, kcmp, process_madvise.
//
// Guests never reach another process's memory (docs/THREAT_MODEL.md):
// process_vm_readv/writev work on the caller's own process only and refuse
// any other existing process with EPERM (Linux's answer when ptrace access
// is denied), ESRCH for an unknown pid. The copies follow Linux's partial
// transfer rules: page by page, the bytes moved before a fault are
// returned, EFAULT only when nothing moved; remote pages need the
// protection the access needs (read for readv, write for writev), as
// get_user_pages without FOLL_FORCE. kcmp compares processes of the
// caller's launch that it may ptrace-read (EPERM otherwise): KCMP_FILE by
// the host open file descriptions (the host's kcmp on hartd itself),
// KCMP_VM, FILES, FS, SIGHAND by the per-process objects (all of a
// process's threads share them), KCMP_IO and KCMP_SYSVSEM by process,
// KCMP_EPOLL_TFD through the host epoll. process_madvise takes a pidfd of
// the caller's own process with MADV_COLD, MADV_PAGEOUT, MADV_WILLNEED or
// MADV_COLLAPSE (Linux 6.12's list; hints with no effect here), EINVAL for
// other advice, EPERM for another process.
// Owns: these handlers.
#include <linux/kcmp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "linux-abi/process/process.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

struct GuestIov {
  uint64_t base, len;
};

// Linux's iovec import for these calls: EINVAL past UIO_MAXIOV or for a
// negative length, EFAULT for the array; the total capped at MAX_RW_COUNT.
int read_iovs(Process& p, uint64_t addr, uint64_t cnt, std::vector<GuestIov>* out,
              uint64_t* total) {
  if (cnt > 1024) return -EINVAL;
  out->resize(cnt);
  *total = 0;
  if (cnt && !p.as().read(addr, out->data(), cnt * sizeof(GuestIov))) return -EFAULT;
  for (GuestIov& v : *out) {
    if (static_cast<int64_t>(v.len) < 0) return -EINVAL;
    v.len = std::min(v.len, kMaxRwCount - *total);
    *total += v.len;
  }
  return 0;
}

int64_t process_vm_rw(SyscallCtx& ctx, bool write) {
  if (ctx.a[5]) return -EINVAL;
  std::vector<GuestIov> local, remote;
  uint64_t ltotal, rtotal;
  if (int r = read_iovs(ctx.proc, ctx.a[1], ctx.a[2], &local, &ltotal)) return r;
  for (const GuestIov& v : local)  // the local side gets access_ok()
    if (v.len && (v.base >= kUserAddrEnd || v.len > kUserAddrEnd - v.base)) return -EFAULT;
  if (int r = read_iovs(ctx.proc, ctx.a[3], ctx.a[4], &remote, &rtotal)) return r;
  if (ltotal == 0 || rtotal == 0) return 0;
  int pid = static_cast<int>(ctx.a[0]);
  if (pid != ctx.proc.pid()) {
    bool mine;
    {
      std::lock_guard<std::mutex> lock(ctx.proc.mutex());
      mine = ctx.proc.thread_by_tid(pid) != nullptr;
    }
    if (!mine) return pid > 0 && Process::find_task(pid, &ctx.proc) ? -EPERM : -ESRCH;
  }
  AddressSpace& as = ctx.proc.as();
  uint64_t moved = 0;
  size_t li = 0;
  uint64_t loff = 0;
  std::vector<uint8_t> buf(kPageSize);
  for (const GuestIov& rv : remote) {
    uint64_t roff = 0;
    while (roff < rv.len) {
      while (li < local.size() && loff == local[li].len) ++li, loff = 0;
      if (li == local.size()) return static_cast<int64_t>(moved);
      uint64_t r = rv.base + roff, l = local[li].base + loff;
      uint64_t n = std::min({rv.len - roff, local[li].len - loff, kPageSize - (r & (kPageSize - 1)),
                             kPageSize - (l & (kPageSize - 1))});
      bool ok;
      if (write) {
        ok = as.read(l, buf.data(), n);
        if (ok && !as.write(r, buf.data(), n)) return moved ? static_cast<int64_t>(moved) : -EFAULT;
      } else {
        if (!as.read(r, buf.data(), n)) return moved ? static_cast<int64_t>(moved) : -EFAULT;
        ok = as.write(l, buf.data(), n);
      }
      if (!ok) return moved ? static_cast<int64_t>(moved) : -EFAULT;
      moved += n;
      roff += n;
      loff += n;
    }
  }
  return static_cast<int64_t>(moved);
}

// The process owning tid (a thread of the caller's launch), or nullptr.
std::shared_ptr<Process> by_tid(SyscallCtx& ctx, int tid) {
  if (tid <= 0) return nullptr;
  for (const std::shared_ptr<Process>& q : Process::members(ctx.proc.tree())) {
    if (q->zombie()) continue;
    std::lock_guard<std::mutex> lock(q->mutex());
    if (q->thread_by_tid(tid)) return q;
  }
  return nullptr;
}

int64_t order(const void* a, const void* b) { return a == b ? 0 : a < b ? 1 : 2; }

}  // namespace

bool may_ptrace_read(SyscallCtx& ctx, Process& t) {
  if (&t == &ctx.proc) return true;
  const Credentials& me = Process::thread_of(ctx.vcpu).cred;
  Credentials them = t.creds();
  bool same = me.ruid == them.euid && me.ruid == them.suid && me.ruid == them.ruid &&
              me.rgid == them.egid && me.rgid == them.sgid && me.rgid == them.rgid;
  return same || me.capable(kCapSysPtrace);
}

int64_t sys_process_vm_readv(SyscallCtx& ctx) { return process_vm_rw(ctx, false); }
int64_t sys_process_vm_writev(SyscallCtx& ctx) { return process_vm_rw(ctx, true); }

int64_t sys_kcmp(SyscallCtx& ctx) {
  std::shared_ptr<Process> t1 = by_tid(ctx, static_cast<int>(ctx.a[0]));
  std::shared_ptr<Process> t2 = by_tid(ctx, static_cast<int>(ctx.a[1]));
  if (!t1 || !t2) return -ESRCH;
  if (!may_ptrace_read(ctx, *t1) || !may_ptrace_read(ctx, *t2)) return -EPERM;
  switch (ctx.a[2]) {
    case KCMP_FILE: {
      std::shared_ptr<HostFd> f1 = t1->fds().get(static_cast<int>(ctx.a[3]));
      std::shared_ptr<HostFd> f2 = t2->fds().get(static_cast<int>(ctx.a[4]));
      if (!f1 || !f2) return -EBADF;
      if (f1 == f2) return 0;
      long r = syscall(SYS_kcmp, getpid(), getpid(), KCMP_FILE, f1->fd(), f2->fd());
      return r >= 0 ? r : order(f1.get(), f2.get());
    }
    case KCMP_VM:
      return order(&t1->as(), &t2->as());
    case KCMP_FILES:
      return order(&t1->fds(), &t2->fds());
    case KCMP_FS:
    case KCMP_SIGHAND:
    case KCMP_IO:
    case KCMP_SYSVSEM:
      return order(t1.get(), t2.get());
    case KCMP_EPOLL_TFD: {
      std::shared_ptr<HostFd> f1 = t1->fds().get(static_cast<int>(ctx.a[3]));
      if (!f1) return -EBADF;
      struct kcmp_epoll_slot slot;
      if (!ctx.proc.as().read(ctx.a[4], &slot, sizeof slot)) return -EFAULT;
      std::shared_ptr<HostFd> ep = t2->fds().get(static_cast<int>(slot.efd));
      if (!ep) return -EBADF;
      std::shared_ptr<HostFd> tgt = t2->fds().get(static_cast<int>(slot.tfd));
      struct kcmp_epoll_slot host{static_cast<uint32_t>(ep->fd()),
                                  tgt ? static_cast<uint32_t>(tgt->fd()) : 0xffffffffu, slot.toff};
      long r = syscall(SYS_kcmp, getpid(), getpid(), KCMP_EPOLL_TFD, f1->fd(), &host);
      return r >= 0 ? r : -errno;
    }
    default:
      return -EINVAL;
  }
}

int64_t sys_process_madvise(SyscallCtx& ctx) {
  if (ctx.a[4]) return -EINVAL;
  std::vector<GuestIov> iov;
  uint64_t total;
  if (int r = read_iovs(ctx.proc, ctx.a[1], ctx.a[2], &iov, &total)) return r;
  bool nonblock;
  int pid = pidfd_pid(ctx.proc, static_cast<int>(ctx.a[0]), &nonblock);
  if (pid < 0) return pid;
  if (pid != ctx.proc.pid()) return Process::find(pid, &ctx.proc) ? -EPERM : -ESRCH;
  int advice = static_cast<int>(ctx.a[3]);
  constexpr int kMadvCollapse = 25;
  if (advice != MADV_COLD && advice != MADV_PAGEOUT && advice != MADV_WILLNEED &&
      advice != kMadvCollapse)
    return -EINVAL;
  uint64_t done = 0;
  for (const GuestIov& v : iov) {
    if (!v.len) continue;
    int64_t err = 0;
    if (v.base & (kPageSize - 1)) err = -EINVAL;
    else if (!ctx.proc.as().check(v.base, page_up(v.len), 0)) err = -ENOMEM;
    if (err) return done ? static_cast<int64_t>(done) : err;
    done += v.len;
  }
  return static_cast<int64_t>(done);
}

}  // namespace hart::linux
