// linux-abi/syscalls/sys_refused.cpp — system calls a guest gets the answer of an
// unprivileged container to (the table's Refused level), where Linux checks
// some arguments before it checks the privilege: umount2, setns,
// fanotify_mark, io_uring_enter/register, fsconfig; plus the calls of the
// same families that work unprivileged on Linux and so work here:
// open_tree without OPEN_TREE_CLONE (an O_PATH open), name_to_handle_at
// (the host's handle of the resolved file), process_mrelease.
// The plain R rows of syscall_table.h (mount, reboot, bpf, keyctl...) need
// no code; docs/SYSCALLS.md gives every refused call and its reason.
// Owns: these handlers. Does not own: paths (sys_fs.cpp), pidfds
// (sys_pidfd.cpp).
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "linux-abi/process/process.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {
bool fd_open(SyscallCtx& ctx, uint64_t fd) {
  return static_cast<int32_t>(fd) >= 0 && ctx.proc.fds().get(static_cast<int>(fd)) != nullptr;
}
}  // namespace

// mount: the strings (EFAULT), the target's lookup (ENOENT, EACCES...),
// MS_NOUSER (EINVAL), then may_mount() (EPERM).
int64_t sys_mount(SyscallCtx& ctx) {
  std::string s;
  for (int i : {2, 0})
    if (ctx.a[i] && !ctx.proc.as().read_string(ctx.a[i], &s, 4096)) return -EFAULT;
  AtPath at;
  if (int r = resolve_at(ctx.proc, AT_FDCWD, ctx.a[1], &at)) return r;
  struct stat st;
  if (!at.emulated() && fstatat(at.dirfd, at.path.c_str(), &st, 0) != 0) return -errno;
  if (ctx.a[3] & (1u << 31)) return -EINVAL;  // MS_NOUSER
  return -EPERM;
}

// open_by_handle_at: the mount fd (EBADF), the handle's header (EFAULT,
// EINVAL for a size of 0 or past MAX_HANDLE_SZ, a negative type), then the
// privilege to decode handles (EPERM).
int64_t sys_open_by_handle_at(SyscallCtx& ctx) {
  if (static_cast<int32_t>(ctx.a[0]) != AT_FDCWD && !fd_open(ctx, ctx.a[0])) return -EBADF;
  struct {
    uint32_t bytes;
    int32_t type;
  } h;
  if (!ctx.proc.as().read(ctx.a[1], &h, sizeof h)) return -EFAULT;
  if (h.bytes == 0 || h.bytes > 128 || h.type < 0) return -EINVAL;
  return -EPERM;
}

// Flags first (EINVAL), then the path lookup (ENOENT, ENOTDIR...), then
// may_mount() (EPERM): hartd never unmounts anything.
int64_t sys_umount2(SyscallCtx& ctx) {
  constexpr uint64_t kValid = 1 | 2 | 4 | 8;  // MNT_FORCE|MNT_DETACH|MNT_EXPIRE|UMOUNT_NOFOLLOW
  if (static_cast<uint32_t>(ctx.a[1]) & ~kValid) return -EINVAL;
  bool follow = !(ctx.a[1] & 8);
  AtPath at;
  if (int r = resolve_at(ctx.proc, AT_FDCWD, ctx.a[0], &at, false, follow)) return r;
  struct stat st;
  if (!at.emulated() &&
      fstatat(at.dirfd, at.path.c_str(), &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0)
    return -errno;
  return -EPERM;
}

// A namespace file or a pidfd is needed (EBADF, EINVAL); joining needs
// CAP_SYS_ADMIN over the target namespaces, which a launch never grants.
int64_t sys_setns(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> f = ctx.proc.fds().get(static_cast<int>(ctx.a[0]));
  if (static_cast<int32_t>(ctx.a[0]) < 0 || !f) return -EBADF;
  uint32_t flags = static_cast<uint32_t>(ctx.a[1]);
  struct statfs sf;
  if (!f->pidfd() && fstatfs(f->fd(), &sf) == 0 && sf.f_type == NSFS_MAGIC) {
    // A namespace file (/proc/<pid>/ns/*: the host's namespaces, hartd's
    // own): flags 0 or its type, else EINVAL; entering one's own user
    // namespace is EINVAL for everyone (userns_install), the others need
    // CAP_SYS_ADMIN (EPERM).
    constexpr unsigned long kNsGetNstype = 0xb703;  // _IO(0xb7, 0x3)
    int type = ioctl(f->fd(), kNsGetNstype);
    if (type < 0) return -EINVAL;
    if (flags && flags != static_cast<uint32_t>(type)) return -EINVAL;
    constexpr int kNewUser = 0x10000000;
    return type == kNewUser ? -EINVAL : -EPERM;
  }
  if (!f->pidfd()) return -EINVAL;  // neither a namespace file nor a pidfd
  constexpr uint64_t kNsAll = 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 |
                              0x40000000 | 0x00000080;  // UTS IPC USER PID NET CGROUP TIME
  if (!flags || (flags & ~kNsAll)) return -EINVAL;
  return -EPERM;
}

// No fanotify group can exist (fanotify_init is refused).
int64_t sys_fanotify_mark(SyscallCtx& ctx) {
  return fd_open(ctx, ctx.a[0]) ? -EINVAL : -EBADF;
}

// No io_uring instance can exist (io_uring_setup is refused): the flags,
// then the fd (EBADF), then "not a ring" (EOPNOTSUPP).
int64_t sys_io_uring_enter(SyscallCtx& ctx) {
  uint32_t flags = static_cast<uint32_t>(ctx.a[3]);
  if (flags & ~0xffu) return -EINVAL;
  if (flags & 16) return -EINVAL;  // IORING_ENTER_REGISTERED_RING: none registered
  return fd_open(ctx, ctx.a[0]) ? -EOPNOTSUPP : -EBADF;
}

int64_t sys_io_uring_register(SyscallCtx& ctx) {
  uint32_t op = static_cast<uint32_t>(ctx.a[1]);
  if (op & 0x80000000u) return -EINVAL;  // IORING_REGISTER_USE_REGISTERED_RING
  if (op >= 33) return -EINVAL;           // past IORING_REGISTER_LAST of 6.12
  if (static_cast<int32_t>(ctx.a[0]) == -1) return -EINVAL;  // blind: needs a ring
  return fd_open(ctx, ctx.a[0]) ? -EOPNOTSUPP : -EBADF;
}

// No filesystem context can exist (fsopen and fspick are refused).
int64_t sys_fsconfig(SyscallCtx& ctx) {
  if (static_cast<int32_t>(ctx.a[0]) < 0) return -EINVAL;
  if (static_cast<uint32_t>(ctx.a[1]) > 8) return -EOPNOTSUPP;  // past FSCONFIG_CMD_CREATE_EXCL
  return fd_open(ctx, ctx.a[0]) ? -EINVAL : -EBADF;
}

// open_tree without OPEN_TREE_CLONE is an O_PATH open of the path; a
// detached copy of a mount needs may_mount() (EPERM).
int64_t sys_open_tree(SyscallCtx& ctx) {
  constexpr uint64_t kEmptyPath = 0x1000, kNoAutomount = 0x800, kRecursive = 0x8000,
                     kNoFollow = 0x100, kClone = 1, kCloexec = O_CLOEXEC;
  uint64_t flags = static_cast<uint32_t>(ctx.a[2]);
  if (flags & ~(kEmptyPath | kNoAutomount | kRecursive | kNoFollow | kClone | kCloexec))
    return -EINVAL;
  if ((flags & (kRecursive | kClone)) == kRecursive) return -EINVAL;
  if (flags & kClone) return -EPERM;
  SyscallCtx open{ctx.proc, ctx.vcpu, 56, {ctx.a[0], ctx.a[1], 0, 0, 0, 0}};
  open.a[2] = O_PATH | (flags & kCloexec ? O_CLOEXEC : 0) | (flags & kNoFollow ? O_NOFOLLOW : 0);
  return sys_openat(open);
}

// The host's file handle of the resolved file (handles are only useful to
// open_by_handle_at, which is refused, and to compare files). Emulated
// /proc and /dev objects cannot be exported (EOPNOTSUPP, as procfs).
int64_t sys_name_to_handle_at(SyscallCtx& ctx) {
  constexpr int kFollow = 0x400, kEmpty = 0x1000, kFid = 0x200, kMntUnique = 1, kConnectable = 2;
  int flags = static_cast<int>(ctx.a[4]);
  if (flags & ~(kFollow | kEmpty | kFid | kMntUnique | kConnectable)) return -EINVAL;
  AtPath at;
  if (int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, flags & kEmpty,
                         flags & kFollow))
    return r;
  uint32_t bytes;
  if (!ctx.proc.as().read(ctx.a[2], &bytes, 4)) return -EFAULT;
  if (bytes > 128) return -EINVAL;  // MAX_HANDLE_SZ
  if (at.emulated()) return -EOPNOTSUPP;
  std::vector<uint8_t> h(8 + 128);
  memcpy(h.data(), &bytes, 4);
  uint64_t mnt = 0;
  int host_flags = (flags & ~kEmpty) | (at.path.empty() ? kEmpty : 0);
  long r = syscall(SYS_name_to_handle_at, at.dirfd, at.path.c_str(), h.data(), &mnt, host_flags);
  if (r != 0 && errno != EOVERFLOW) return -errno;
  int err = r != 0 ? errno : 0;
  uint32_t out_bytes;
  memcpy(&out_bytes, h.data(), 4);
  if (!ctx.proc.as().write(ctx.a[3], &mnt, flags & kMntUnique ? 8 : 4) ||
      !ctx.proc.as().write(ctx.a[2], h.data(), 8 + (err ? 0 : out_bytes)))
    return -EFAULT;
  return -err;
}

// quotactl: the quota type (EINVAL), no device (Q_SYNC of every
// filesystem succeeds, anything else ENODEV), the device's lookup (ENOENT,
// ENOTBLK...), then the privilege: guests manage no quotas.
int64_t sys_quotactl(SyscallCtx& ctx) {
  uint32_t cmd = static_cast<uint32_t>(ctx.a[0]);
  if ((cmd & 0xff) >= 3) return -EINVAL;  // MAXQUOTAS
  if (!ctx.a[1]) return (cmd >> 8) == 0x800001 ? 0 : -ENODEV;  // Q_SYNC
  AtPath at;
  if (int r = resolve_at(ctx.proc, AT_FDCWD, ctx.a[1], &at)) return r;
  struct stat st;
  if (fstatat(at.dirfd, at.path.c_str(), &st, 0) != 0) return -errno;
  if (!S_ISBLK(st.st_mode) || at.emulated()) return -ENOTBLK;
  return -EPERM;
}

// chroot: the lookup (ENOENT, ENOTDIR), search permission (EACCES), then
// EPERM for every guest: a launch's root is fixed when it starts (hart-run
// -R, the launch field "root"), so a guest cannot change it, as a process
// without CAP_SYS_CHROOT cannot. docs/SYSCALLS.md.
int64_t sys_chroot(SyscallCtx& ctx) {
  AtPath at;
  if (int r = resolve_at(ctx.proc, AT_FDCWD, ctx.a[0], &at)) return r;
  struct stat st;
  if (fstatat(at.dirfd, at.path.c_str(), &st, 0) != 0) return -errno;
  if (!S_ISDIR(st.st_mode)) return -ENOTDIR;
  if (guest_faccessat(ctx.proc, Process::thread_of(ctx.vcpu), at.dirfd, at.path.c_str(), X_OK,
                      AT_EACCESS) != 0)
    return -EACCES;
  return -EPERM;
}

// ptrace: hartd's guests are debugged through its gdb stubs (README, gdb),
// never by another guest. PTRACE_TRACEME is refused; attaching finds the
// process (ESRCH) and is refused (EPERM); every other request names a
// process the caller does not trace (ESRCH), as on Linux.
int64_t sys_ptrace(SyscallCtx& ctx) {
  int64_t req = static_cast<int64_t>(ctx.a[0]);
  if (req == 0) return -EPERM;  // PTRACE_TRACEME
  if (req != 16 && req != 0x4206) return -ESRCH;  // not PTRACE_ATTACH / PTRACE_SEIZE
  int pid = static_cast<int>(ctx.a[1]);
  if (pid <= 0) return -ESRCH;
  if (pid != ctx.proc.pid() && !Process::find_task(pid, &ctx.proc)) {
    std::lock_guard<std::mutex> lock(ctx.proc.mutex());
    if (!ctx.proc.thread_by_tid(pid)) return -ESRCH;
  }
  return -EPERM;
}

// Reaping the memory of a dying process early: a process that is still
// running is refused (EINVAL), one that has exited has nothing left (0).
int64_t sys_process_mrelease(SyscallCtx& ctx) {
  if (ctx.a[1]) return -EINVAL;
  bool nonblock;
  int pid = pidfd_pid(ctx.proc, static_cast<int>(ctx.a[0]), &nonblock);
  if (pid < 0) return pid;
  std::shared_ptr<Process> t =
      pid == ctx.proc.pid() ? ctx.proc.shared_from_this() : Process::find(pid, &ctx.proc);
  if (!t || t->exited() || t->zombie()) return 0;
  return -EINVAL;
}

}  // namespace hart::linux
