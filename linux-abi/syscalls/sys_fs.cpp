// linux-abi/syscalls/sys_fs.cpp — file and fd syscalls: read/write families, open,
// close, seek, stat (converted to the riscv64 asm-generic struct stat),
// statx, links, directories, cwd, dup, fcntl, pipes, flock, vmsplice, plus the path helpers of sys_util.h. The read/write
// families (readv/writev/preadv/pwritev and the v2 forms) and vmsplice block
// through safe_syscall, so signals interrupt them; their buffers go to the
// host as they are (host_span, import_iovec), so a buffer that runs into
// unmapped memory gets Linux's partial count. Open flags, AT_* flags, fcntl
// commands, struct flock, statx, statfs, dirent64 and iovec have the same
// values and layouts on riscv64 and x86-64 (both asm-generic), so they pass
// through; struct stat does not.
// Owns: these handlers and guest path resolution (resolve_at). Does not
// own: the fd table itself (fd_table.cpp), openat2 (sys_openat2.cpp),
// RLIMIT_FSIZE (write_limits.cpp), ioctl (sys_ioctl.cpp), mmap (sys_mm.cpp), emulated
// /proc and /dev (proc_dev.cpp), lookups inside a root (root_fs.cpp) or
// POSIX record locks (file_locks.cpp).
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "linux-abi/process/async_io.h"
#include "linux-abi/process/file_locks.h"
#include "linux-abi/riscv64_abi.h"
#include "linux-abi/syscalls/sys_util.h"
#include "linux-abi/vfs/proc_modify.h"
#include "linux-abi/syscalls/safe_syscall.h"
#include "linux-abi/process/signals.h"
#include "linux-abi/syscalls/sys_poll.h"

namespace hart::linux {

// ---- helpers (sys_util.h) ---------------------------------------------------

GuestStat to_guest_stat(const struct stat& st) {
  GuestStat g{};
  g.st_dev = st.st_dev;
  g.st_ino = st.st_ino;
  g.st_mode = st.st_mode;
  g.st_nlink = static_cast<uint32_t>(st.st_nlink);
  g.st_uid = st.st_uid;
  g.st_gid = st.st_gid;
  g.st_rdev = st.st_rdev;
  g.st_size = st.st_size;
  g.st_blksize = static_cast<int32_t>(st.st_blksize);
  g.st_blocks = st.st_blocks;
  g.st_atime_sec = st.st_atim.tv_sec;
  g.st_atime_nsec = st.st_atim.tv_nsec;
  g.st_mtime_sec = st.st_mtim.tv_sec;
  g.st_mtime_nsec = st.st_mtim.tv_nsec;
  g.st_ctime_sec = st.st_ctim.tv_sec;
  g.st_ctime_nsec = st.st_ctim.tv_nsec;
  return g;
}

int read_guest_path(Process& p, uint64_t addr, std::string* out, bool allow_empty) {
  if (!p.as().read_string(addr, out, PATH_MAX)) {
    // Distinguish a fault from an over-long name.
    if (p.as().check(addr, 1, PROT_READ) && out->size() >= PATH_MAX) return -ENAMETOOLONG;
    return -EFAULT;
  }
  if (out->size() >= PATH_MAX) return -ENAMETOOLONG;
  if (out->empty() && !allow_empty) return -ENOENT;
  return 0;
}

int64_t import_iovec(Process& p, uint64_t addr, uint64_t cnt, int prot,
                     std::vector<struct iovec>* out) {
  if (cnt > 1024) return -EINVAL;  // UIO_MAXIOV
  out->assign(cnt, iovec{});
  if (cnt == 0) return 0;
  std::vector<uint64_t> raw(cnt * 2);
  // Supm: the array may come from inside a structure (a msghdr), tagged.
  addr = pointer_mask(addr, p.tagged_pmlen.load(std::memory_order_relaxed));
  if (!p.as().read(addr, raw.data(), cnt * 16)) return -EFAULT;
  uint64_t total = 0;
  for (uint64_t i = 0; i < cnt; ++i) {
    uint64_t base = raw[2 * i], len = raw[2 * i + 1];
    if (static_cast<int64_t>(len) < 0) return -EINVAL;
    uint8_t* h = host_span(p, base, &len, prot);
    if (!h) return -EFAULT;
    len = std::min(len, kMaxRwCount - total);
    total += len;
    (*out)[i] = {h, len};
  }
  return static_cast<int64_t>(total);
}

namespace {
// AT_EMPTY_PATH: the fd itself.
int resolve_empty(Process& p, int64_t dirfd, AtPath* out) {
  out->guest_dirfd = dirfd;
  out->guest.clear();
  out->path = "";
  out->dirfd = p.host_dirfd(dirfd, &out->keep);
  return out->dirfd < 0 && out->dirfd != AT_FDCWD ? out->dirfd : 0;
}

// fstatat and statx since Linux 6.11 (getname_maybe_null): a NULL path
// with AT_EMPTY_PATH is the empty one.
int resolve_stat_at(Process& p, int64_t dirfd, uint64_t path_addr, int flags, AtPath* out) {
  int r = path_addr == 0 && (flags & AT_EMPTY_PATH)
              ? resolve_empty(p, dirfd, out)
              : resolve_at(p, dirfd, path_addr, out, flags & AT_EMPTY_PATH, !(flags & AT_SYMLINK_NOFOLLOW));
  if (r == 0 && out->guest.empty() && out->keep && !out->keep->stand_in.empty() &&
      access(out->keep->stand_in.c_str(), F_OK) == 0) {
    out->dirfd = AT_FDCWD;  // a generated /proc file: its stand-in, as sys_fstat
    out->path = out->keep->stand_in;
  }
  return r;
}
}  // namespace

int take_via(AtPath* out, int depth, std::shared_ptr<HostFd>* fd, std::string* rest) {
  *fd = std::move(out->via_fd);
  *rest = std::move(out->via_rest);
  AtPath fresh;
  fresh.guest = std::move(out->guest);
  fresh.guest_dirfd = out->guest_dirfd;
  fresh.through_link = true;
  *out = std::move(fresh);
  if (depth >= 40) return -ELOOP;
  if (*fd && (*fd)->emu()) return -ENOTDIR;  // (a file hartd serves has no host directory behind it)
  return 0;
}

namespace {
// resolve_at without a root: path (non-empty) looked up from dir (host fd
// hdir; AT_FDCWD for the cwd) unless it is absolute. depth counts the
// links to other files followed (AtPath::via).
int resolve_plain(Process& p, std::shared_ptr<HostFd> dir, int hdir, const std::string& path,
                  AtPath* out, int depth) {
  // /proc/self/..., /dev/fd/N: the guest's, not hartd's (proc_dev.cpp).
  std::string abs;
  if (path[0] == '/') abs = path;
  else if (dir && dir->synth()) abs = dir->synth()->guest_path + "/" + path;  // an emulated directory
  if (!abs.empty()) {
    int r = emulate_path(p, normalize_through_links(abs), false, out);
    if (r == 0 && out->via) {
      std::shared_ptr<HostFd> f;
      std::string rest;
      if (int e = take_via(out, depth, &f, &rest)) return e;
      const int fd = f ? f->fd() : AT_FDCWD;
      return resolve_plain(p, std::move(f), fd, rest, out, depth + 1);
    }
    if (r <= 0) return r;
  }
  if (path[0] == '/') {
    out->path = p.host_path(path);
    out->dirfd = AT_FDCWD;
    return 0;
  }
  out->path = path;
  out->dirfd = hdir;
  out->keep = std::move(dir);
  return 0;
}
}  // namespace

int resolve_at(Process& p, int64_t dirfd, uint64_t path_addr, AtPath* out, bool allow_empty,
               bool follow) {
  int r = read_guest_path(p, path_addr, &out->guest, allow_empty);
  if (r < 0) return r;
  out->guest_dirfd = dirfd;
  if (out->guest.empty()) return resolve_empty(p, dirfd, out);
  return resolve_guest_path(p, dirfd, out, follow);
}

int resolve_guest_path(Process& p, int64_t dirfd, AtPath* out, bool follow) {
  out->guest_dirfd = dirfd;
  if (p.root()) return resolve_in_root(p, dirfd, out->guest, follow, out);
  std::shared_ptr<HostFd> dir;
  int hdir = AT_FDCWD;
  if (out->guest[0] != '/') {
    hdir = p.host_dirfd(dirfd, &dir);
    if (hdir < 0 && hdir != AT_FDCWD) return hdir;
  }
  const std::string guest = out->guest;
  return resolve_plain(p, std::move(dir), hdir, guest, out, 0);
}

bool names_link(const std::string& g) {
  if (g.empty() || g.back() == '/') return false;
  size_t s = g.rfind('/');
  std::string last = s == std::string::npos ? g : g.substr(s + 1);
  return last != "." && last != "..";
}

namespace {

// Host fd for guest fd a, with a reference held in keep; -EBADF if none.
int host_fd(SyscallCtx& ctx, uint64_t a, std::shared_ptr<HostFd>* keep) {
  *keep = ctx.proc.fds().get(static_cast<int>(a));
  return *keep ? (*keep)->fd() : -EBADF;
}


// A blocking read/write interrupted by a signal: -ERESTARTSYS, so it
// restarts after an SA_RESTART handler (or when no handler runs) and
// fails with EINTR otherwise. Linux gives EINTR only when nothing was
// transferred, which is what the host call reports too.
int64_t interruptible(SyscallCtx&, int64_t r) { return r == -EINTR ? kERESTARTSYS : r; }

// EPIPE from a write: the guest gets SIGPIPE (hartd ignores the host's).
int64_t write_result(SyscallCtx& ctx, int64_t r) {
  if (r == -EPIPE) signal_self(ctx, SIGPIPE);
  return interruptible(ctx, r);
}

// The read/write families on an emulated file served by hartd (EmuFile,
// proc_dev.cpp), through a bounce buffer. pos < 0: at the file position,
// which then advances.
int64_t emu_rw(SyscallCtx& ctx, EmuFile& f, uint64_t addr, uint64_t len, int64_t pos,
               bool is_write) {
  if (is_write ? !f.writable : !f.readable) return -EBADF;
  len = std::min<uint64_t>(len, uint64_t{1} << 20);
  std::vector<uint8_t> buf(len);
  std::lock_guard<std::mutex> lock(f.mutex);
  uint64_t off = pos < 0 ? f.pos : static_cast<uint64_t>(pos);
  int64_t r;
  if (is_write) {
    if (len && !ctx.proc.as().read(addr, buf.data(), len)) return -EFAULT;
    r = f.pwrite(buf.data(), len, off);
  } else {
    r = f.pread(buf.data(), len, off);
    if (r > 0 && !ctx.proc.as().write(addr, buf.data(), static_cast<uint64_t>(r))) return -EFAULT;
  }
  if (r > 0 && pos < 0) f.pos = off + static_cast<uint64_t>(r);
  return r;
}

// readv/writev and the positioned forms on an EmuFile: element by element.
int64_t emu_rw_vector(SyscallCtx& ctx, EmuFile& f, bool is_write, int64_t pos) {
  uint64_t cnt = ctx.a[2];
  if (cnt > 1024) return -EINVAL;
  std::vector<uint64_t> raw(cnt * 2);
  if (cnt && !ctx.proc.as().read(ctx.a[1], raw.data(), cnt * 16)) return -EFAULT;
  int64_t total = 0;
  for (uint64_t i = 0; i < cnt; ++i) {
    if (raw[2 * i + 1] == 0) continue;
    int64_t r = emu_rw(ctx, f, raw[2 * i], raw[2 * i + 1], pos < 0 ? -1 : pos + total, is_write);
    if (r < 0) return total ? total : r;
    total += r;
    if (static_cast<uint64_t>(r) < raw[2 * i + 1]) break;
  }
  return total;
}

// readv/writev (nr = SYS_readv/SYS_writev) and the positioned forms
// (SYS_preadv/pwritev/preadv2/pwritev2, whose offset is one 64-bit word on
// riscv64 and x86-64 alike: pos_h is ignored).
int64_t rw_vector(SyscallCtx& ctx, bool is_write, long nr) {
  bool positioned = nr != SYS_readv && nr != SYS_writev;
  bool v2 = nr == SYS_preadv2 || nr == SYS_pwritev2;
  int64_t pos = static_cast<int64_t>(ctx.a[3]);
  // Linux checks the offset first (-1 = the file position for the v2 forms).
  if (positioned && pos < 0 && !(v2 && pos == -1)) return -EINVAL;
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  if (EmuFile* f = keep->emu()) return emu_rw_vector(ctx, *f, is_write, positioned ? pos : -1);
  if (keep->pidfd()) return -EINVAL;  // Linux's pidfd has no read or write (its eventfd has)
  std::vector<iovec> iov;
  int64_t total = import_iovec(ctx.proc, ctx.a[1], ctx.a[2], is_write ? PROT_READ : PROT_WRITE, &iov);
  if (total < 0) return total;
  long a4 = positioned ? static_cast<long>(pos) : 0;
  long a6 = v2 ? static_cast<long>(static_cast<int32_t>(ctx.a[5])) : 0;
  if (is_write) {
    int64_t allowed = fsize_clamp(ctx, fd, positioned ? pos : -1, static_cast<uint64_t>(total),
                                  (a6 & RWF_APPEND) != 0);
    if (allowed < 0) return allowed;
    if (allowed < total) trim_iovec(&iov, static_cast<uint64_t>(allowed));
  }
  int64_t r = safe_syscall(&ctx.vcpu.state.exit_request, nr, fd, reinterpret_cast<long>(iov.data()),
                           static_cast<long>(iov.size()), a4, 0, a6);
  return is_write ? write_result(ctx, r) : interruptible(ctx, r);
}

}  // namespace

// ---- read / write -------------------------------------------------------------

int64_t sys_read(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  if (int64_t r; signalfd_read(ctx, keep, ctx.a[1], ctx.a[2], &r)) return r;  // sys_poll.cpp
  if (EmuFile* f = keep->emu()) return emu_rw(ctx, *f, ctx.a[1], ctx.a[2], -1, false);
  if (keep->pidfd()) return -EINVAL;
  uint64_t len = ctx.a[2];
  uint8_t* buf = rw_span(ctx.proc, ctx.a[1], &len, PROT_WRITE);
  if (!buf) return -EFAULT;
  return interruptible(ctx, safe_syscall(&ctx.vcpu.state.exit_request, SYS_read, fd,
                                         reinterpret_cast<long>(buf), static_cast<long>(len)));
}

int64_t sys_write(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  if (EmuFile* f = keep->emu()) return emu_rw(ctx, *f, ctx.a[1], ctx.a[2], -1, true);
  if (keep->pidfd()) return -EINVAL;
  uint64_t len = ctx.a[2];
  uint8_t* buf = rw_span(ctx.proc, ctx.a[1], &len, PROT_READ);
  if (!buf) return -EFAULT;
  int64_t allowed = fsize_clamp(ctx, fd, -1, len);
  if (allowed < 0) return allowed;
  len = static_cast<uint64_t>(allowed);
  return write_result(ctx, safe_syscall(&ctx.vcpu.state.exit_request, SYS_write, fd,
                                        reinterpret_cast<long>(buf), static_cast<long>(len)));
}

int64_t sys_pread64(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  if (static_cast<int64_t>(ctx.a[3]) < 0) return -EINVAL;
  if (EmuFile* f = keep->emu()) return emu_rw(ctx, *f, ctx.a[1], ctx.a[2], static_cast<int64_t>(ctx.a[3]), false);
  uint64_t len = ctx.a[2];
  uint8_t* buf = rw_span(ctx.proc, ctx.a[1], &len, PROT_WRITE);
  if (!buf) return -EFAULT;
  return host_ret(pread(fd, buf, len, static_cast<off_t>(ctx.a[3])));
}

int64_t sys_pwrite64(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  if (static_cast<int64_t>(ctx.a[3]) < 0) return -EINVAL;
  if (EmuFile* f = keep->emu()) return emu_rw(ctx, *f, ctx.a[1], ctx.a[2], static_cast<int64_t>(ctx.a[3]), true);
  uint64_t len = ctx.a[2];
  uint8_t* buf = rw_span(ctx.proc, ctx.a[1], &len, PROT_READ);
  if (!buf) return -EFAULT;
  int64_t allowed = fsize_clamp(ctx, fd, static_cast<int64_t>(ctx.a[3]), len);
  if (allowed < 0) return allowed;
  return host_ret(pwrite(fd, buf, static_cast<uint64_t>(allowed), static_cast<off_t>(ctx.a[3])));
}

int64_t sys_readv(SyscallCtx& ctx) { return rw_vector(ctx, false, SYS_readv); }
int64_t sys_writev(SyscallCtx& ctx) { return rw_vector(ctx, true, SYS_writev); }
int64_t sys_preadv(SyscallCtx& ctx) { return rw_vector(ctx, false, SYS_preadv); }
int64_t sys_pwritev(SyscallCtx& ctx) { return rw_vector(ctx, true, SYS_pwritev); }
int64_t sys_preadv2(SyscallCtx& ctx) { return rw_vector(ctx, false, SYS_preadv2); }
int64_t sys_pwritev2(SyscallCtx& ctx) { return rw_vector(ctx, true, SYS_pwritev2); }

// vmsplice: the guest's iovecs into a pipe (fd open for writing) or out of
// one into guest memory (fd open for reading only), by the host's vmsplice
// on the same pages, so what moves, blocking, partial counts, EBADF for a
// non-pipe and EPIPE are Linux's. SPLICE_F_GIFT is accepted and not passed
// on (guest pages are never given away).
int64_t sys_vmsplice(SyscallCtx& ctx) {
  unsigned flags = static_cast<unsigned>(ctx.a[3]);
  if (flags & ~(SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)) return -EINVAL;
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || (fl & O_PATH)) return -EBADF;
  bool to_pipe = (fl & O_ACCMODE) != O_RDONLY;  // FMODE_WRITE wins, as in Linux
  std::vector<iovec> iov;
  int64_t total = import_iovec(ctx.proc, ctx.a[1], ctx.a[2], to_pipe ? PROT_READ : PROT_WRITE, &iov);
  if (total <= 0) return total;
  int64_t r = safe_syscall(&ctx.vcpu.state.exit_request, SYS_vmsplice, fd,
                           reinterpret_cast<long>(iov.data()), static_cast<long>(iov.size()),
                           static_cast<long>(flags & ~SPLICE_F_GIFT));
  return to_pipe ? write_result(ctx, r) : interruptible(ctx, r);
}

int64_t sys_lseek(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  if (EmuFile* f = keep->emu()) {  // /proc/<pid>/mem: any offset is an address
    std::lock_guard<std::mutex> lock(f->mutex);
    if (ctx.a[2] == SEEK_SET) f->pos = ctx.a[1];
    else if (ctx.a[2] == SEEK_CUR) f->pos += ctx.a[1];
    else return -EINVAL;
    return static_cast<int64_t>(f->pos);
  }
  if (SynthDir* d = keep->synth()) {  // rewinddir/seekdir on an emulated directory
    int64_t off = static_cast<int64_t>(ctx.a[1]);
    if (ctx.a[2] != SEEK_SET || off < 0) return -EINVAL;
    std::lock_guard<std::mutex> lock(d->mutex);
    d->pos = static_cast<size_t>(off);
    return off;
  }
  return host_ret(lseek(fd, static_cast<off_t>(ctx.a[1]), static_cast<int>(ctx.a[2])));
}

// ---- open / close -------------------------------------------------------------

int64_t open_resolved(SyscallCtx& ctx, AtPath& at, int64_t flags, bool* reroute) {
  bool cloexec = flags & O_CLOEXEC;
  mode_t mode = create_mode(ctx.proc, ctx.a[3]);
  int hfd;
  if (at.synth) {  // an emulated directory (proc_dev.cpp)
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)) return -EISDIR;
    hfd = open(at.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (hfd < 0) return -errno;
    return ctx.proc.fds().install(std::make_shared<HostFd>(hfd, at.synth), cloexec);
  }
  if (at.open_emu) {  // an emulated file served by hartd (/proc/<pid>/mem...)
    if ((flags & O_CREAT) && (flags & O_EXCL)) return -EEXIST;
    std::shared_ptr<HostFd> f;
    int r = at.open_emu(flags, &f);
    if (r < 0) return r;
    if (at.path.rfind("/proc/", 0) == 0) f->stand_in = at.path;
    return ctx.proc.fds().install(std::move(f), cloexec);
  }
  bool emulated = false;
  if (at.open_emulated) {
    if ((flags & O_CREAT) && (flags & O_EXCL)) return -EEXIST;
    hfd = at.open_emulated(ctx.vcpu, flags);
    if (hfd < 0) return hfd;
    emulated = true;
  } else if (at.root_base >= 0) {  // inside a root: openat2(RESOLVE_IN_ROOT)
    constexpr int64_t kValid = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |
                               O_NONBLOCK | O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE |
                               O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC |
                               O_PATH | O_TMPFILE;
    hfd = RootFs::open_beneath(at.root_base, at.root_rel, static_cast<int>(flags & kValid), mode);
    if (hfd < 0) return hfd;
  } else {
    hfd = openat(at.dirfd, at.path.c_str(), static_cast<int>(flags) | O_CLOEXEC, mode);
    if (hfd < 0) return -errno;
  }
  // Decide by the object, not the path (proc_dev.cpp).
  if (int c = host_object_check(hfd); c != 0) {
    // The emulation hands out host procfs files read-only (/proc/meminfo,
    // /proc/sys...); anything else there is looked up again through it.
    bool read_only = (flags & O_ACCMODE) == O_RDONLY && !(flags & (O_CREAT | O_TRUNC));
    if (c > 0 && emulated && read_only) return ctx.proc.fds().install_host(hfd, cloexec);
    close(hfd);
    if (c < 0 || emulated) return -EACCES;
    *reroute = true;
    return -ENOENT;
  }
  if (emulated && at.path.rfind("/proc/", 0) == 0 && is_generated_proc_file(hfd)) {
    auto f = std::make_shared<HostFd>(hfd);
    f->stand_in = at.path;
    return ctx.proc.fds().install(std::move(f), cloexec);
  }
  return ctx.proc.fds().install_host(hfd, cloexec);
}

int64_t sys_openat(SyscallCtx& ctx) {
  AtPath at;
  int64_t flags = static_cast<int32_t>(ctx.a[2]);
  // Linux 6.4+ (build_open_flags), before the lookup: also for the
  // emulated directories, which the host never sees.
  if ((flags & (O_DIRECTORY | O_CREAT)) == (O_DIRECTORY | O_CREAT)) return -EINVAL;
  bool follow = !(flags & O_NOFOLLOW);
  int r = resolve_at(ctx.proc, static_cast<int64_t>(static_cast<int32_t>(ctx.a[0])), ctx.a[1], &at,
                     false, !ctx.proc.root());
  if (r < 0) return r;
  if (RootFs* root = ctx.proc.root(); root && at.root_base >= 0 && !at.abs.empty() && follow) {
    // The last component may be a symlink into the emulated /proc or /dev.
    struct stat st;
    if (fstatat(at.dirfd, at.path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
      if (std::string e = walk_to_emulated(*root, at.abs, true); !e.empty()) {
        AtPath em;
        if ((r = emulate_found(ctx.proc, e, at.guest, follow, &em)) < 0) return r;
        at = std::move(em);
      }
  }
  bool reroute = false;
  int64_t fd = open_resolved(ctx, at, flags, &reroute);
  if (!reroute) return fd;
  AtPath em;
  if ((r = reroute_host_proc(ctx.proc, at, follow, &em)) < 0) return r;
  reroute = false;
  fd = open_resolved(ctx, em, flags, &reroute);
  return reroute ? -ENOENT : fd;
}

int64_t sys_close(SyscallCtx& ctx) { return ctx.proc.fds().close(static_cast<int>(ctx.a[0])); }

int64_t sys_close_range(SyscallCtx& ctx) {
  uint32_t first = static_cast<uint32_t>(ctx.a[0]), last = static_cast<uint32_t>(ctx.a[1]);
  uint64_t flags = ctx.a[2];
  constexpr uint64_t kCloseRangeUnshare = 2, kCloseRangeCloexec = 4;
  if (flags & ~(kCloseRangeUnshare | kCloseRangeCloexec)) return -EINVAL;
  if (first > last) return -EINVAL;
  for (int fd : ctx.proc.fds().open_fds()) {
    if (static_cast<uint32_t>(fd) < first || static_cast<uint32_t>(fd) > last) continue;
    if (flags & kCloseRangeCloexec)
      ctx.proc.fds().set_cloexec(fd, true);
    else
      ctx.proc.fds().close(fd);
  }
  return 0;
}

// ---- stat family --------------------------------------------------------------

int64_t sys_fstat(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  struct stat st;
  // A generated /proc file's stand-in (gone with its host fd, for fdinfo/N:
  // the memfd's own then).
  if ((keep->stand_in.empty() || stat(keep->stand_in.c_str(), &st) != 0) && fstat(fd, &st) != 0)
    return -errno;
  GuestStat g = to_guest_stat(st);
  return ctx.proc.as().write(ctx.a[1], &g, sizeof g) ? 0 : -EFAULT;
}

namespace {

// A lookup that opened nothing (stat, readlink, access) and found an object
// on the host's procfs (dev: its st_dev): *at becomes the emulated object
// the guest's path names (true), or the call fails with *err = -ENOENT.
bool reroute_stat(SyscallCtx& ctx, AtPath& at, bool follow, dev_t dev, int* err) {
  // An empty path (AT_EMPTY_PATH) names a guest fd, checked when it was opened.
  if (at.guest.empty() || at.emulated() || !host_dev_on_procfs(dev)) return false;
  AtPath em;
  *err = reroute_host_proc(ctx.proc, at, follow, &em);
  if (*err == 0) at = std::move(em);
  return true;
}

// reroute_stat for a call that looks at what at names without stat'ing it
// (readlink, access): 0, or -ENOENT when it reached the host's procfs and
// the guest's path names nothing emulated there.
int reroute_lookup(SyscallCtx& ctx, AtPath& at, bool follow) {
  if (at.guest.empty() || at.emulated()) return 0;
  struct stat st;
  if (fstatat(at.dirfd, at.path.c_str(), &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0) return 0;
  int r = 0;
  reroute_stat(ctx, at, follow, st.st_dev, &r);
  return r;
}

// faccessat/faccessat2 (flags already checked).
int64_t do_faccessat(SyscallCtx& ctx, int mode, int flags) {
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, flags & AT_EMPTY_PATH,
                     !(flags & AT_SYMLINK_NOFOLLOW));
  if (r < 0) return r;
  if ((r = reroute_lookup(ctx, at, !(flags & AT_SYMLINK_NOFOLLOW))) < 0) return r;
  return guest_faccessat(ctx.proc, Process::thread_of(ctx.vcpu), at.dirfd, at.path.c_str(), mode,
                         flags) == 0
             ? 0
             : -errno;
}

}  // namespace

int64_t sys_newfstatat(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[3]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) return -EINVAL;
  AtPath at;
  int r = resolve_stat_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], flags, &at);
  if (r < 0) return r;
  struct stat st;
  for (int pass = 0;; ++pass) {
    if (at.has_link && (flags & AT_SYMLINK_NOFOLLOW) && names_link(at.guest))
      at.dirfd = AT_FDCWD, at.path = "/proc/self/cwd";  // an emulated symlink: a host one's stat
    if (fstatat(at.dirfd, at.path.c_str(), &st, flags) != 0) return -errno;
    if (pass || !reroute_stat(ctx, at, !(flags & AT_SYMLINK_NOFOLLOW), st.st_dev, &r)) break;
    if (r < 0) return r;
  }
  GuestStat g = to_guest_stat(st);
  return ctx.proc.as().write(ctx.a[2], &g, sizeof g) ? 0 : -EFAULT;
}

int64_t sys_statx(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[2]);
  // Linux checks the flags and the mask before the lookup.
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
    return -EINVAL;
  if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE) return -EINVAL;
  if (static_cast<uint32_t>(ctx.a[3]) & STATX__RESERVED) return -EINVAL;
  AtPath at;
  int r = resolve_stat_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], flags, &at);
  if (r < 0) return r;
  struct statx sx;
  for (int pass = 0;; ++pass) {
    if (at.has_link && (flags & AT_SYMLINK_NOFOLLOW) && names_link(at.guest))
      at.dirfd = AT_FDCWD, at.path = "/proc/self/cwd";
    if (statx(at.dirfd, at.path.c_str(), flags, static_cast<unsigned>(ctx.a[3]), &sx) != 0)
      return -errno;
    dev_t dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
    if (pass || !reroute_stat(ctx, at, !(flags & AT_SYMLINK_NOFOLLOW), dev, &r)) break;
    if (r < 0) return r;
  }
  static_assert(sizeof(struct statx) == 256);
  return ctx.proc.as().write(ctx.a[4], &sx, sizeof sx) ? 0 : -EFAULT;
}

int64_t sys_statfs(SyscallCtx& ctx) {
  AtPath at;
  int r = resolve_at(ctx.proc, AT_FDCWD, ctx.a[0], &at);
  if (r < 0) return r;
  std::string p = at.path[0] == '/' ? at.path
                                    : "/proc/self/fd/" + std::to_string(at.dirfd) + "/" + at.path;
  struct statfs sf;
  if (statfs(p.c_str(), &sf) != 0) return -errno;
  static_assert(sizeof(struct statfs) == 120);
  return ctx.proc.as().write(ctx.a[1], &sf, sizeof sf) ? 0 : -EFAULT;
}

int64_t sys_fstatfs(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  struct statfs sf;
  if ((keep->stand_in.empty() || statfs(keep->stand_in.c_str(), &sf) != 0) && fstatfs(fd, &sf) != 0)
    return -errno;
  return ctx.proc.as().write(ctx.a[1], &sf, sizeof sf) ? 0 : -EFAULT;
}

int64_t sys_readlinkat(SyscallCtx& ctx) {
  int64_t size = static_cast<int64_t>(ctx.a[3]);
  if (static_cast<int32_t>(size) <= 0) return -EINVAL;
  AtPath at;
  // Linux looks up with LOOKUP_EMPTY: "" reads the symlink that dirfd is
  // (an O_PATH | O_NOFOLLOW fd of one).
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, true, false);
  if (r < 0) return r;
  std::string target;
  if ((r = reroute_lookup(ctx, at, false)) < 0) return r;
  if (at.has_link && names_link(at.guest)) {  // an emulated link (/proc/self/exe, ...)
    target = at.link;
  } else if (at.synth || at.open_emulated) {  // an emulated directory or file
    return -EINVAL;
  } else {
    char buf[PATH_MAX];
    ssize_t n = readlinkat(at.dirfd, at.path.c_str(), buf, sizeof buf);
    if (n < 0) return -errno;
    target.assign(buf, n);
  }
  uint64_t n = std::min<uint64_t>(target.size(), static_cast<uint32_t>(size));
  return ctx.proc.as().write(ctx.a[2], target.data(), n) ? static_cast<int64_t>(n) : -EFAULT;
}

int64_t sys_faccessat(SyscallCtx& ctx) {
  int mode = static_cast<int>(ctx.a[2]);
  if (mode & ~(R_OK | W_OK | X_OK)) return -EINVAL;
  return do_faccessat(ctx, mode, 0);
}

int64_t sys_faccessat2(SyscallCtx& ctx) {
  int mode = static_cast<int>(ctx.a[2]);
  int flags = static_cast<int>(ctx.a[3]);
  if (mode & ~(R_OK | W_OK | X_OK)) return -EINVAL;
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  return do_faccessat(ctx, mode, flags);
}

// ---- directories and links -------------------------------------------------------

int64_t sys_getdents64(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  uint64_t len = std::min<uint64_t>(ctx.a[2], kMaxRwCount);
  uint8_t* buf = guest_buf(ctx.proc, ctx.a[1], len, PROT_WRITE);
  if (!buf) return -EFAULT;
  if (SynthDir* d = keep->synth()) return synth_getdents(*d, buf, len);  // proc_dev.cpp
  return host_ret(syscall(SYS_getdents64, fd, buf, len));
}

namespace {
// chdir with a sysroot (-L): whether the guest named the folder by its host
// path — an absolute path the sysroot did not reroute, or a relative one from
// a cwd named so or lying outside the sysroot — so that getcwd gives that
// host path back (HostFd::host_named).
bool named_on_host(Process& p, const AtPath& at) {
  if (at.guest[0] == '/') return at.path == at.guest;
  std::shared_ptr<HostFd> old = p.cwd();
  if (!old || old->fd() < 0 || old->synth()) return false;
  return old->host_named || guest_link_of(p, old->fd()) == host_link_of(old->fd());
}
}  // namespace

int64_t sys_getcwd(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> dir;
  ctx.proc.host_dirfd(AT_FDCWD, &dir);
  std::string cwd = host_named_cwd(ctx.proc);
  if (cwd.empty()) cwd = dir && dir->synth() ? dir->synth()->guest_path : guest_link_of(ctx.proc, ctx.proc.cwd_fd());
  if (cwd.empty()) return -ENOENT;
  if (cwd.size() + 1 > ctx.a[1]) return -ERANGE;
  return ctx.proc.as().write(ctx.a[0], cwd.c_str(), cwd.size() + 1)
             ? static_cast<int64_t>(cwd.size() + 1)
             : -EFAULT;
}

int64_t sys_chdir(SyscallCtx& ctx) {
  AtPath at;
  int r = resolve_at(ctx.proc, AT_FDCWD, ctx.a[0], &at);
  if (r < 0) return r;
  for (int pass = 0;; ++pass) {
    if (at.open_emu) return -ENOTDIR;
    int fd = at.open_emulated ? at.open_emulated(ctx.vcpu, O_RDONLY | O_DIRECTORY)
                              : openat(at.dirfd, at.path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return at.open_emulated ? fd : -errno;
    if (at.open_emulated) {  // a read-only host view (/proc/sys...)
      ctx.proc.set_cwd(std::make_shared<HostFd>(fd));
      return 0;
    }
    if (at.synth) {  // an emulated directory: relative lookups go through its guest path
      ctx.proc.set_cwd(std::make_shared<HostFd>(fd, at.synth));
      return 0;
    }
    if (!host_fd_on_procfs(fd)) {
      auto cwd = std::make_shared<HostFd>(fd);
      if (!ctx.proc.sysroot().empty() && !ctx.proc.root() && pass == 0)
        cwd->host_named = named_on_host(ctx.proc, at);
      ctx.proc.set_cwd(std::move(cwd));
      return 0;
    }
    close(fd);
    AtPath em;
    if (pass || (r = reroute_host_proc(ctx.proc, at, true, &em)) < 0) return pass ? -ENOENT : r;
    at = std::move(em);
  }
}

int64_t sys_fchdir(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  struct stat st;
  if (fstat(fd, &st) != 0) return -errno;
  if (!S_ISDIR(st.st_mode)) return -ENOTDIR;
  ctx.proc.set_cwd(keep);
  return 0;
}

namespace {
// resolve_at's result r for a call that would change what at names: the
// answer Linux gives inside /proc (proc_modify.h), r's error, EACCES for
// another emulated entry (/dev in a root), or 1 to go on.
int changing(SyscallCtx& ctx, int r, const AtPath& at, ProcChange op) {
  if (r < 0 && r != -ENOENT) return r;
  int e = proc_change_errno(ctx, at, op);
  if (e != 1) return e;
  if (r < 0) return r;
  return at.host_only && op != ProcChange::Chmod ? -EACCES : 1;
}
}  // namespace

int64_t sys_mkdirat(SyscallCtx& ctx) {
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, false, false);
  if (int e = changing(ctx, r, at, ProcChange::Mkdir); e != 1) return e;
  mode_t mode = create_mode(ctx.proc, ctx.a[2]);
  return mkdirat(at.dirfd, at.path.c_str(), mode) == 0 ? 0 : -errno;
}

int64_t sys_unlinkat(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[2]);
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, false, false);
  ProcChange op = flags & AT_REMOVEDIR ? ProcChange::Rmdir : ProcChange::Unlink;
  if (int e = changing(ctx, r, at, op); e != 1) return e;
  return unlinkat(at.dirfd, at.path.c_str(), flags) == 0 ? 0 : -errno;
}

int64_t sys_renameat2(SyscallCtx& ctx) {
  unsigned flags = static_cast<unsigned>(ctx.a[4]);
  constexpr unsigned kNoReplace = 1, kExchange = 2, kWhiteout = 4;
  if (flags & ~(kNoReplace | kExchange | kWhiteout)) return -EINVAL;
  if ((flags & (kNoReplace | kWhiteout)) && (flags & kExchange)) return -EINVAL;
  AtPath from, to;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &from, false, false);
  if (r < 0 && r != -ENOENT) return r;
  int r2 = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[2]), ctx.a[3], &to, false, false);
  if (r2 < 0 && r2 != -ENOENT) return r2;
  if (int e = proc_move_errno(ctx, from, to, false); e != 1) return e;
  if (r < 0 || r2 < 0) return r < 0 ? r : r2;
  if (from.host_only || to.host_only) return -EACCES;
  return syscall(SYS_renameat2, from.dirfd, from.path.c_str(), to.dirfd, to.path.c_str(),
                 static_cast<unsigned>(ctx.a[4])) == 0
             ? 0
             : -errno;
}

int64_t sys_symlinkat(SyscallCtx& ctx) {
  std::string target;
  int r = read_guest_path(ctx.proc, ctx.a[0], &target);
  if (r < 0) return r;
  AtPath at;
  r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[1]), ctx.a[2], &at, false, false);
  if (int e = changing(ctx, r, at, ProcChange::Symlink); e != 1) return e;
  return symlinkat(target.c_str(), at.dirfd, at.path.c_str()) == 0 ? 0 : -errno;
}

int64_t sys_linkat(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[4]);
  AtPath from, to;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &from, flags & AT_EMPTY_PATH,
                     (flags & AT_SYMLINK_FOLLOW) != 0);
  if (r < 0 && r != -ENOENT) return r;
  int r2 = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[2]), ctx.a[3], &to, false, false);
  if (r2 < 0 && r2 != -ENOENT) return r2;
  // A descriptor's link followed (/proc/self/fd/N with AT_SYMLINK_FOLLOW:
  // open(2)'s way to name an O_TMPFILE file) links the descriptor's file;
  // the host's own link of it decides (ENOENT for an O_EXCL tmpfile).
  if (r == 0 && (flags & AT_SYMLINK_FOLLOW) && from.has_link && from.keep2 && !from.keep2->synth() &&
      !from.keep2->emu()) {
    AtPath none;
    if (int e = proc_move_errno(ctx, none, to, true); e != 1) return e;
    if (r2 < 0) return r2;
    if (to.host_only) return -EACCES;
    const std::string link = "/proc/self/fd/" + std::to_string(from.keep2->fd());
    return linkat(AT_FDCWD, link.c_str(), to.dirfd, to.path.c_str(), AT_SYMLINK_FOLLOW) == 0 ? 0 : -errno;
  }
  if (int e = proc_move_errno(ctx, from, to, true); e != 1) return e;
  if (r < 0 || r2 < 0) return r < 0 ? r : r2;
  if (from.host_only || to.host_only) return -EACCES;
  return linkat(from.dirfd, from.path.c_str(), to.dirfd, to.path.c_str(), flags) == 0 ? 0 : -errno;
}

// ---- attributes -----------------------------------------------------------------

int64_t sys_fchmod(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  return fchmod(fd, static_cast<mode_t>(ctx.a[1])) == 0 ? 0 : -errno;
}

int64_t sys_fchmodat(SyscallCtx& ctx) {
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at);
  if (int e = changing(ctx, r, at, ProcChange::Chmod); e != 1) return e;
  if (at.host_only) return -EACCES;  // an emulated /dev entry
  return fchmodat(at.dirfd, at.path.c_str(), static_cast<mode_t>(ctx.a[2]), 0) == 0 ? 0 : -errno;
}

// fchmodat2 (Linux 6.6): fchmodat with flags. AT_SYMLINK_NOFOLLOW on a
// symlink is EOPNOTSUPP (Linux has no symlink modes to change); AT_EMPTY_PATH
// changes dirfd's file. Without the host call (a host older than 6.6) a
// final symlink is found with fstatat and the rest is fchmodat.
int64_t sys_fchmodat2(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[3]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, flags & AT_EMPTY_PATH,
                     !(flags & AT_SYMLINK_NOFOLLOW));
  if (int e = changing(ctx, r, at, ProcChange::Chmod); e != 1) return e;
  if (at.host_only) return -EACCES;  // an emulated /dev entry
  mode_t mode = static_cast<mode_t>(ctx.a[2]);
  int hflags = flags & AT_SYMLINK_NOFOLLOW;
  if (at.path.empty()) hflags |= AT_EMPTY_PATH;
  long h = syscall(SYS_fchmodat2, at.dirfd, at.path.c_str(), mode, hflags);
  if (h == 0 || errno != ENOSYS) return h == 0 ? 0 : -errno;
  struct stat st;
  if (fstatat(at.dirfd, at.path.c_str(), &st, hflags) != 0) return -errno;
  if (S_ISLNK(st.st_mode)) return -EOPNOTSUPP;
  if (at.path.empty()) return fchmod(at.dirfd, mode) == 0 ? 0 : -errno;
  return fchmodat(at.dirfd, at.path.c_str(), mode, 0) == 0 ? 0 : -errno;
}

int64_t sys_fchownat(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[4]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, flags & AT_EMPTY_PATH,
                     !(flags & AT_SYMLINK_NOFOLLOW));
  if (r < 0) return r;
  if (int e = proc_setattr_errno(ctx, at, !(flags & AT_SYMLINK_NOFOLLOW), ProcAttr::Chown,
                                 static_cast<uint32_t>(ctx.a[2]), static_cast<uint32_t>(ctx.a[3]));
      e != 1)
    return e;
  if (at.host_only) return -EACCES;  // an emulated /dev or /proc entry
  return fchownat(at.dirfd, at.path.c_str(), static_cast<uid_t>(ctx.a[2]),
                  static_cast<gid_t>(ctx.a[3]), flags) == 0
             ? 0
             : -errno;
}

int64_t sys_fchown(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  return fchown(fd, static_cast<uid_t>(ctx.a[1]), static_cast<gid_t>(ctx.a[2])) == 0 ? 0 : -errno;
}

int64_t sys_ftruncate(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  if (int e = fsize_check_size(ctx, fd, static_cast<int64_t>(ctx.a[1]))) return e;
  return ftruncate(fd, static_cast<off_t>(ctx.a[1])) == 0 ? 0 : -errno;
}

int64_t sys_truncate(SyscallCtx& ctx) {
  if (static_cast<int64_t>(ctx.a[1]) < 0) return -EINVAL;  // before the lookup, as Linux
  AtPath at;
  int r = resolve_at(ctx.proc, AT_FDCWD, ctx.a[0], &at);
  if (r < 0) return r;
  if (int e = proc_setattr_errno(ctx, at, true, ProcAttr::Truncate); e != 1) return e;
  if (at.host_only) return -EACCES;  // an emulated /dev or /proc entry
  // The host's truncate of the file itself, as Linux's: an open for
  // writing would show watchers (inotify) an open and a close besides the
  // modification. O_PATH opens nothing.
  int fd = openat(at.dirfd, at.path.c_str(), O_PATH | O_CLOEXEC);
  if (fd < 0) return -errno;
  const std::string self = "/proc/self/fd/" + std::to_string(fd);
  const int64_t size = static_cast<int64_t>(ctx.a[1]);
  int rc = 0;
  struct stat st;
  const uint64_t limit = ctx.proc.rlimits[RLIMIT_FSIZE].rlim_cur;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && size > st.st_size && static_cast<uint64_t>(size) > limit) {
    // Past RLIMIT_FSIZE: SIGXFSZ and EFBIG, once the caller may write it.
    if (faccessat(AT_FDCWD, self.c_str(), W_OK, AT_EACCESS) != 0) {
      rc = -errno;
    } else {
      signal_self(ctx, SIGXFSZ);
      rc = -EFBIG;
    }
  }
  if (rc == 0) rc = truncate(self.c_str(), static_cast<off_t>(size)) == 0 ? 0 : -errno;
  close(fd);
  return rc;
}

int64_t sys_fsync(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  return fsync(fd) == 0 ? 0 : -errno;
}

int64_t sys_fdatasync(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  return fdatasync(fd) == 0 ? 0 : -errno;
}

int64_t sys_sync(SyscallCtx&) {
  sync();
  return 0;
}

int64_t sys_utimensat(SyscallCtx& ctx) {
  struct timespec ts[2];
  struct timespec* tsp = nullptr;
  if (ctx.a[2]) {
    if (!ctx.proc.as().read(ctx.a[2], ts, sizeof ts)) return -EFAULT;
    tsp = ts;
  }
  int flags = static_cast<int>(ctx.a[3]);
  auto nsec_ok = [](long ns) { return ns == UTIME_NOW || ns == UTIME_OMIT || (ns >= 0 && ns < 1000000000); };
  if (tsp && (!nsec_ok(ts[0].tv_nsec) || !nsec_ok(ts[1].tv_nsec))) return -EINVAL;
  if (!ctx.a[1]) {  // futimens form
    std::shared_ptr<HostFd> keep;
    int fd = host_fd(ctx, ctx.a[0], &keep);
    if (fd < 0) return fd;
    return futimens(fd, tsp) == 0 ? 0 : -errno;
  }
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, false, !(flags & AT_SYMLINK_NOFOLLOW));
  if (r < 0) return r;
  bool times_set = tsp && !(ts[0].tv_nsec == UTIME_NOW && ts[1].tv_nsec == UTIME_NOW);
  if (int e = proc_setattr_errno(ctx, at, !(flags & AT_SYMLINK_NOFOLLOW), ProcAttr::Times, ~0u, ~0u,
                                 times_set);
      e != 1)
    return e;
  if (at.host_only) return -EACCES;
  return utimensat(at.dirfd, at.path.c_str(), tsp, flags) == 0 ? 0 : -errno;
}

int64_t sys_umask(SyscallCtx& ctx) { return ctx.proc.set_umask(static_cast<uint32_t>(ctx.a[0])); }

int64_t sys_fadvise64(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  if (ctx.a[3] > 5) return -EINVAL;
  return 0;
}

// ---- dup / fcntl / pipe --------------------------------------------------------

int64_t sys_dup(SyscallCtx& ctx) {
  auto f = ctx.proc.fds().get(static_cast<int>(ctx.a[0]));
  if (!f) return -EBADF;
  return ctx.proc.fds().install(f, false);
}

int64_t sys_dup3(SyscallCtx& ctx) {
  int oldfd = static_cast<int>(ctx.a[0]), newfd = static_cast<int>(ctx.a[1]);
  int flags = static_cast<int>(ctx.a[2]);
  if (flags & ~O_CLOEXEC) return -EINVAL;
  if (oldfd == newfd) return -EINVAL;
  auto f = ctx.proc.fds().get(oldfd);
  if (!f) return -EBADF;
  return ctx.proc.fds().install_at(newfd, f, flags & O_CLOEXEC);
}

namespace {

// The fcntl commands that name guest ids or would have the host signal
// someone (owners, the I/O signal, leases): kept in the HostFd, never set on
// the host (a host owner of a guest's fd would let the host kernel send
// SIGIO to a host pid, or to hartd). O_ASYNC's signals come from
// process/async_io.cpp; lease-break signals are not delivered (Partial).
int64_t fcntl_owner(SyscallCtx& ctx, HostFd& f, int cmd, uint64_t arg) {
  constexpr int kOwnerTid = 0, kOwnerPid = 1, kOwnerPgrp = 2;
  auto exists = [&](int type, int id) {
    if (id == 0) return true;
    if (type == kOwnerPgrp) {
      for (auto& m : Process::members(ctx.proc.tree()))
        if (!m->zombie() && m->group_id() == id) return true;
      return false;
    }
    if (type == kOwnerTid) {
      std::lock_guard<std::mutex> lock(ctx.proc.mutex());
      if (ctx.proc.thread_by_tid(id)) return true;
    }
    return Process::find(id, &ctx.proc) != nullptr;
  };
  switch (cmd) {
    case F_GETOWN:
      return f.owner_type.load() == kOwnerPgrp ? -f.owner_id.load() : f.owner_id.load();
    case F_SETOWN: {
      int who = static_cast<int>(arg);
      int type = who < 0 ? kOwnerPgrp : kOwnerPid;
      if (who == INT32_MIN) return -EINVAL;
      if (who < 0) who = -who;
      if (!exists(type, who)) return -ESRCH;
      f.owner_type = type;
      f.owner_id = who;
      return 0;
    }
    case F_GETOWN_EX: {
      int32_t ex[2] = {f.owner_type.load(), f.owner_id.load()};
      return ctx.proc.as().write(arg, ex, sizeof ex) ? 0 : -EFAULT;
    }
    case F_SETOWN_EX: {
      int32_t ex[2];
      if (!ctx.proc.as().read(arg, ex, sizeof ex)) return -EFAULT;
      if (ex[0] < kOwnerTid || ex[0] > kOwnerPgrp) return -EINVAL;
      if (ex[1] < 0 || !exists(ex[0], ex[1])) return -ESRCH;
      f.owner_type = ex[0];
      f.owner_id = ex[1];
      return 0;
    }
    case F_GETSIG:
      return f.io_signal.load();
    case F_SETSIG:
      if (arg > static_cast<uint64_t>(kGuestNSig)) return -EINVAL;
      f.io_signal = static_cast<int>(arg);
      return 0;
    case F_GETLEASE:
      return f.lease.load();
    case F_SETLEASE: {
      int type = static_cast<int>(arg);
      if (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK) return -EINVAL;
      int fl = fcntl(f.fd(), F_GETFL);
      struct stat st;
      if (fl < 0 || fstat(f.fd(), &st) != 0) return -EBADF;
      if (!S_ISREG(st.st_mode)) return -EINVAL;
      // Linux: the file's owner (or CAP_LEASE); a read lease needs the fd
      // read-only.
      if (type != F_UNLCK && st.st_uid != geteuid() && geteuid() != 0) return -EACCES;
      if (type == F_RDLCK && (fl & O_ACCMODE) != O_RDONLY) return -EAGAIN;
      f.lease = type;
      return 0;
    }
    default:
      return -EINVAL;
  }
}

}  // namespace

int64_t sys_fcntl(SyscallCtx& ctx) {
  int gfd = static_cast<int>(ctx.a[0]);
  int cmd = static_cast<int>(ctx.a[1]);
  uint64_t arg = ctx.a[2];
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  FdTable& t = ctx.proc.fds();
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      int min = static_cast<int>(arg);
      if (min < 0 || min >= t.limit()) return -EINVAL;
      return t.install(keep, cmd == F_DUPFD_CLOEXEC, min);
    }
    case F_GETFD:
      return t.get_cloexec(gfd);
    case F_SETFD:
      return t.set_cloexec(gfd, arg & FD_CLOEXEC);
    case F_GETFL:
      return host_ret(fcntl(fd, F_GETFL));
    case F_SETFL: {
      int64_t r = host_ret(fcntl(fd, F_SETFL, static_cast<int>(arg)));
      if (r == 0) set_async_io(keep, gfd, ctx.proc.shared_from_this(), arg & O_ASYNC);
      return r;
    }
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:  // between guest processes, POSIX and OFD alike: file_locks.cpp
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
      return posix_lock_fcntl(ctx, *keep, cmd, arg);
    case F_NOTIFY:  // dnotify: process/async_io.cpp signals the owner
      return dnotify_fcntl(keep, gfd, ctx.proc.shared_from_this(), static_cast<uint32_t>(arg));
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
    case F_GET_SEALS:
    case F_ADD_SEALS:
      return host_ret(fcntl(fd, cmd, static_cast<int>(arg)));
    default:
      return fcntl_owner(ctx, *keep, cmd, arg);
  }
}

// flock(): per open file description, which host fds are (a forked child
// shares its parent's); a blocking LOCK_SH/LOCK_EX is interruptible.
int64_t sys_flock(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  int op = static_cast<int>(ctx.a[1]);
  int kind = op & ~LOCK_NB;
  if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN) return -EINVAL;
  if (op & LOCK_NB || kind == LOCK_UN) return host_ret(flock(fd, op));
  int64_t r = safe_syscall(&ctx.vcpu.state.exit_request, SYS_flock, fd, op);
  return r == -EINTR ? kERESTARTSYS : r;
}

int64_t sys_pipe2(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[1]);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -EINVAL;
  if (!ctx.proc.as().check(ctx.a[0], 8, PROT_WRITE)) return -EFAULT;
  int hp[2];
  if (pipe2(hp, flags | O_CLOEXEC) != 0) return -errno;
  return install_fd_pair(ctx.proc, hp[0], hp[1], flags & O_CLOEXEC, ctx.a[0]);
}

int64_t install_fd_pair(Process& p, int h0, int h1, bool cloexec, uint64_t out_addr) {
  auto f0 = std::make_shared<HostFd>(h0);  // closed with their last reference
  auto f1 = std::make_shared<HostFd>(h1);
  int g0 = p.fds().install(f0, cloexec);
  if (g0 < 0) return g0;
  int g1 = p.fds().install(f1, cloexec);
  if (g1 < 0) {
    p.fds().close(g0);
    return g1;
  }
  int32_t out[2] = {g0, g1};
  if (!p.as().write(out_addr, out, sizeof out)) {
    p.fds().close(g0);
    p.fds().close(g1);
    return -EFAULT;
  }
  return 0;
}

}  // namespace hart::linux
