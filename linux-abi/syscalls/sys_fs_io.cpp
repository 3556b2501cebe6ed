// linux-abi/syscalls/sys_fs_io.cpp — bulk file I/O between descriptors and file
// space management: sendfile, copy_file_range, splice, tee, fallocate,
// readahead, syncfs, sync_file_range, cachestat, inotify and mknodat. Writes
// into a file keep the guest's RLIMIT_FSIZE (write_limits.cpp). The data never
// passes through the
// guest; offsets given by pointer are read from and written back to guest
// memory (EFAULT when they cannot be). Calls that can block go through
// safe_syscall so guest signals interrupt them.
// Owns: these handlers. Does not own: fds (fd_table), paths (sys_fs.cpp).
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "linux-abi/process/process.h"
#include "linux-abi/syscalls/safe_syscall.h"
#include "linux-abi/process/signals.h"
#include "linux-abi/syscalls/sys_util.h"
#include "linux-abi/vfs/proc_modify.h"

namespace hart::linux {

namespace {

// Host fd for guest fd a, kept alive by keep; -EBADF if none.
int host_of(SyscallCtx& ctx, uint64_t a, std::shared_ptr<HostFd>* keep) {
  *keep = ctx.proc.fds().get(static_cast<int>(a));
  return *keep ? (*keep)->fd() : -EBADF;
}

// An optional loff_t passed by pointer: read it into *off; null stays null.
int read_off(SyscallCtx& ctx, uint64_t addr, int64_t* off, int64_t** ptr) {
  *ptr = nullptr;
  if (!addr) return 0;
  if (!ctx.proc.as().read(addr, off, sizeof *off)) return -EFAULT;
  *ptr = off;
  return 0;
}

// EPIPE (a pipe without readers, a shut-down socket) sends the guest
// SIGPIPE, as Linux's pipe and socket code does (hartd ignores the host's).
int64_t blocking(SyscallCtx& ctx, long nr, long a1, long a2, long a3, long a4, long a5 = 0,
                 long a6 = 0) {
  int64_t r = safe_syscall(&ctx.vcpu.state.exit_request, nr, a1, a2, a3, a4, a5, a6);
  if (r == -EPIPE) signal_self(ctx, SIGPIPE);
  return r == -EINTR ? kERESTARTSYS : r;
}

// sendfile and splice into a file write through Linux's splice loop, which
// after a write cut at RLIMIT_FSIZE tries the rest at the limit: SIGXFSZ,
// with the bytes written returned (copy_file_range's one cut write does not).
void cut_at_fsize(SyscallCtx& ctx, int64_t r, int64_t allowed, uint64_t asked) {
  if (r > 0 && r == allowed && static_cast<uint64_t>(allowed) < asked) signal_self(ctx, SIGXFSZ);
}

// Writes back an offset the host call advanced; the call's own result wins.
int64_t finish_off(SyscallCtx& ctx, uint64_t addr, const int64_t* off, int64_t r) {
  if (addr && r >= 0 && !ctx.proc.as().write(addr, off, sizeof *off)) return -EFAULT;
  return r;
}

}  // namespace

int64_t sys_sendfile(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> kout, kin;
  int out = host_of(ctx, ctx.a[0], &kout), in = host_of(ctx, ctx.a[1], &kin);
  if (out < 0) return out;
  if (in < 0) return in;
  int64_t off, *po;
  if (int r = read_off(ctx, ctx.a[2], &off, &po); r < 0) return r;
  int64_t len = fsize_clamp(ctx, out, -1, ctx.a[3]);
  if (len < 0) return len;
  int64_t r = blocking(ctx, SYS_sendfile, out, in, reinterpret_cast<long>(po), static_cast<long>(len));
  cut_at_fsize(ctx, r, len, ctx.a[3]);
  return finish_off(ctx, ctx.a[2], po, r);
}

namespace {
// copy_file_range and splice take (fd_in, off_in*, fd_out, off_out*, len, flags).
int64_t two_offset_call(SyscallCtx& ctx, long nr) {
  std::shared_ptr<HostFd> kin, kout;
  int in = host_of(ctx, ctx.a[0], &kin), out = host_of(ctx, ctx.a[2], &kout);
  if (in < 0) return in;
  if (out < 0) return out;
  int64_t oin, oout, *pin, *pout;
  if (int r = read_off(ctx, ctx.a[1], &oin, &pin); r < 0) return r;
  if (int r = read_off(ctx, ctx.a[3], &oout, &pout); r < 0) return r;
  int64_t len = static_cast<int64_t>(ctx.a[4]);
  // RLIMIT_FSIZE once the flags are valid (Linux checks them first).
  constexpr uint64_t kSpliceFlags = SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT;
  if (nr == SYS_splice ? !(ctx.a[5] & ~kSpliceFlags) : ctx.a[5] == 0) {
    len = fsize_clamp(ctx, out, pout ? *pout : -1, ctx.a[4]);
    if (len < 0) return len;
  }
  int64_t r = blocking(ctx, nr, in, reinterpret_cast<long>(pin), out, reinterpret_cast<long>(pout),
                       static_cast<long>(len), static_cast<long>(ctx.a[5]));
  if (nr == SYS_splice) cut_at_fsize(ctx, r, len, ctx.a[4]);
  r = finish_off(ctx, ctx.a[1], pin, r);
  return finish_off(ctx, ctx.a[3], pout, r);
}
}  // namespace

int64_t sys_copy_file_range(SyscallCtx& ctx) { return two_offset_call(ctx, SYS_copy_file_range); }

int64_t sys_splice(SyscallCtx& ctx) { return two_offset_call(ctx, SYS_splice); }

int64_t sys_tee(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> kin, kout;
  int in = host_of(ctx, ctx.a[0], &kin), out = host_of(ctx, ctx.a[1], &kout);
  if (in < 0) return in;
  if (out < 0) return out;
  return blocking(ctx, SYS_tee, in, out, static_cast<long>(ctx.a[2]), static_cast<long>(ctx.a[3]));
}

int64_t sys_fallocate(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> k;
  int fd = host_of(ctx, ctx.a[0], &k);
  if (fd < 0) return fd;
  int mode = static_cast<int>(ctx.a[1]);
  int64_t off = static_cast<int64_t>(ctx.a[2]), len = static_cast<int64_t>(ctx.a[3]);
  // A size-changing allocation (no FALLOC_FL_KEEP_SIZE) of a valid range.
  if ((mode == 0 || mode == FALLOC_FL_ZERO_RANGE) && off >= 0 && len > 0 && off <= INT64_MAX - len)
    if (int e = fsize_check_size(ctx, fd, off + len)) return e;
  return fallocate(fd, static_cast<int>(ctx.a[1]), static_cast<off_t>(ctx.a[2]),
                   static_cast<off_t>(ctx.a[3])) == 0
             ? 0
             : -errno;
}

// cachestat (Linux 6.5): the page cache state of a file range, from the
// host (struct cachestat_range and struct cachestat are u64s on both).
// Linux's order: the range (EFAULT), flags (EINVAL), the fd (EBADF).
int64_t sys_cachestat(SyscallCtx& ctx) {
  uint64_t range[2];  // off, len
  if (!ctx.proc.as().read(ctx.a[1], range, sizeof range)) return -EFAULT;
  if (ctx.a[3] != 0) return -EINVAL;
  std::shared_ptr<HostFd> keep;
  int fd = host_of(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  uint64_t cs[5] = {};  // nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted
  if (syscall(SYS_cachestat, fd, range, cs, 0) != 0) return -errno;
  return ctx.proc.as().write(ctx.a[2], cs, sizeof cs) ? 0 : -EFAULT;
}

int64_t sys_readahead(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> k;
  int fd = host_of(ctx, ctx.a[0], &k);
  if (fd < 0) return fd;
  return readahead(fd, static_cast<off64_t>(ctx.a[1]), static_cast<size_t>(ctx.a[2])) == 0 ? 0 : -errno;
}

int64_t sys_syncfs(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> k;
  int fd = host_of(ctx, ctx.a[0], &k);
  if (fd < 0) return fd;
  return syncfs(fd) == 0 ? 0 : -errno;
}

// sync_file_range: on the host fd (flags and ranges checked by the host).
int64_t sys_sync_file_range(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> f = ctx.proc.fds().get(static_cast<int>(ctx.a[0]));
  if (!f) return -EBADF;
  return host_ret(syscall(SYS_sync_file_range, f->fd(), static_cast<int64_t>(ctx.a[1]),
                          static_cast<int64_t>(ctx.a[2]), static_cast<unsigned>(ctx.a[3])));
}

// inotify: host inotify instances; watches are added on the guest's
// resolved path (emulated /proc and /dev entries watch their stand-ins).
// Events carry names relative to the watched folder and watch numbers, the
// same on both sides.
int64_t sys_inotify_init1(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[0]);
  if (flags & ~(IN_CLOEXEC | IN_NONBLOCK)) return -EINVAL;
  // The host's max_user_instances is one pool for every launch: one may
  // take a share of it (EMFILE past it, Linux's answer at that limit).
  std::shared_ptr<std::atomic<int>> count = ctx.proc.tree().inotify_instances;
  if (count->fetch_add(1) >= inotify_launch_share()) {
    count->fetch_sub(1);
    return -EMFILE;
  }
  int fd = inotify_init1((flags & IN_NONBLOCK) | IN_CLOEXEC);
  if (fd < 0) {
    count->fetch_sub(1);
    return -errno;
  }
  auto file = std::make_shared<HostFd>(fd);
  file->instance_of = count;
  return ctx.proc.fds().install(std::move(file), flags & IN_CLOEXEC);
}

int64_t sys_inotify_add_watch(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> f = ctx.proc.fds().get(static_cast<int>(ctx.a[0]));
  if (!f) return -EBADF;
  AtPath at;
  uint32_t mask = static_cast<uint32_t>(ctx.a[2]);
  int r = resolve_at(ctx.proc, AT_FDCWD, ctx.a[1], &at, false, !(mask & IN_DONT_FOLLOW));
  if (r < 0) return r;
  std::string path = at.path.empty() || at.path[0] == '/' || at.dirfd == AT_FDCWD
                         ? at.path
                         : "/proc/self/fd/" + std::to_string(at.dirfd) + "/" + at.path;
  return host_ret(inotify_add_watch(f->fd(), path.c_str(), mask));
}

int64_t sys_inotify_rm_watch(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> f = ctx.proc.fds().get(static_cast<int>(ctx.a[0]));
  if (!f) return -EBADF;
  return host_ret(inotify_rm_watch(f->fd(), static_cast<int>(ctx.a[1])));
}

// mknodat: FIFOs, sockets and regular files; device nodes as the host
// allows the caller (root may) — but never inside a root (a jail is a
// container without CAP_MKNOD: a device node there would reach host
// devices), and a node of a memory device is refused when opened anyway
// (host_object_check).
int64_t sys_mknodat(SyscallCtx& ctx) {
  mode_t mode = static_cast<mode_t>(ctx.a[2]);
  mode_t type = mode & S_IFMT;
  if ((type == S_IFCHR || type == S_IFBLK) && ctx.proc.root()) return -EPERM;
  if (type == S_IFDIR) return -EPERM;  // Linux's may_mknod: mkdir's job
  if (type != 0 && type != S_IFREG && type != S_IFIFO && type != S_IFSOCK && type != S_IFCHR &&
      type != S_IFBLK)
    return -EINVAL;
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, false, false);
  if (r < 0 && r != -ENOENT) return r;
  if (int e = proc_change_errno(ctx, at, ProcChange::Mknod); e != 1) return e;
  if (r < 0) return r;
  if (at.host_only) return -EEXIST;  // an emulated /dev entry exists there
  mode_t perm = create_mode(ctx.proc, mode);
  dev_t dev = type == S_IFCHR || type == S_IFBLK ? static_cast<dev_t>(ctx.a[3]) : 0;
  return mknodat(at.dirfd, at.path.c_str(), type | perm, dev) == 0 ? 0 : -errno;
}

}  // namespace hart::linux
