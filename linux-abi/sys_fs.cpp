// linux-abi/sys_fs.cpp — file and fd syscalls: read/write families, open,
// close, seek, stat (converted to the riscv64 asm-generic struct stat),
// statx, links, directories, cwd, dup, fcntl, ioctl (terminal subset),
// pipes, plus the path helpers of sys_util.h. read/write/readv/writev block
// through safe_syscall, so signals interrupt them. Open flags, AT_* flags, fcntl
// commands, struct flock, statx, statfs, dirent64 and iovec have the same
// values and layouts on riscv64 and x86-64 (both asm-generic), so they pass
// through; struct stat does not.
// Owns: these handlers and guest path resolution. Does not own: the fd
// table itself (fd_table.cpp) or mmap (sys_mm.cpp).
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "linux-abi/riscv64_abi.h"
#include "linux-abi/sys_util.h"
#include "linux-abi/safe_syscall.h"
#include "linux-abi/signals.h"
#include "linux-abi/sys_poll.h"

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

bool is_proc_self(const Process& p, const std::string& path, const char* what) {
  std::string w = what;
  return path == "/proc/self/" + w || path == "/proc/" + std::to_string(p.pid()) + "/" + w ||
         path == "/proc/thread-self/" + w;
}

namespace {
int proc_self_fd(const Process& p, const std::string& path);
}

int resolve_at(Process& p, int64_t dirfd, uint64_t path_addr, AtPath* out, bool allow_empty) {
  int r = read_guest_path(p, path_addr, &out->guest, allow_empty);
  if (r < 0) return r;
  if (int n = proc_self_fd(p, out->guest); n >= 0) {
    // /dev/fd/N, /proc/self/fd/N name the guest's fd N, not hartd's: every
    // path call (stat, access, open...) goes to its host fd.
    out->keep = p.fds().get(n);
    if (!out->keep) return -ENOENT;
    out->path = "/proc/self/fd/" + std::to_string(out->keep->fd());
    out->dirfd = AT_FDCWD;
    return 0;
  }
  if (!out->guest.empty() && out->guest[0] == '/') {
    out->path = p.host_path(out->guest);
    out->dirfd = AT_FDCWD;
    return 0;
  }
  out->path = out->guest;
  out->dirfd = p.host_dirfd(dirfd, &out->keep);
  return out->dirfd < 0 && out->dirfd != AT_FDCWD ? out->dirfd : 0;
}

namespace {

// Host fd for guest fd a, with a reference held in keep; -EBADF if none.
int host_fd(SyscallCtx& ctx, uint64_t a, std::shared_ptr<HostFd>* keep) {
  *keep = ctx.proc.fds().get(static_cast<int>(a));
  return *keep ? (*keep)->fd() : -EBADF;
}

// /proc/self/maps contents, Linux format.
std::string proc_maps(Process& p) {
  std::string out;
  for (const Vma& v : p.as().vmas()) {
    char line[512];
    snprintf(line, sizeof line, "%08lx-%08lx %c%c%c%c %08lx 00:00 0", (unsigned long)v.start,
             (unsigned long)v.end, (v.prot & PROT_READ) ? 'r' : '-',
             (v.prot & PROT_WRITE) ? 'w' : '-', (v.prot & PROT_EXEC) ? 'x' : '-',
             v.shared ? 's' : 'p', (unsigned long)v.offset);
    out += line;
    if (!v.name.empty()) {
      size_t len = strlen(line);
      out += std::string(len < 73 ? 73 - len : 1, ' ') + v.name;
    }
    out += '\n';
  }
  return out;
}

// A read-only memfd holding text (for emulated /proc files).
int memfd_with(const std::string& text) {
  int fd = static_cast<int>(syscall(SYS_memfd_create, "hart-proc", MFD_CLOEXEC));
  if (fd < 0) return -errno;
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n <= 0) {
      int e = errno;
      close(fd);
      return -e;
    }
    off += n;
  }
  lseek(fd, 0, SEEK_SET);
  return fd;
}

std::string join_nul(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    out += s;
    out += '\0';
  }
  return out;
}

// "/proc/self/fd/N" (or /proc/<pid>/fd/N, /proc/thread-self/fd/N, /dev/fd/N):
// N, else -1.
int proc_self_fd(const Process& p, const std::string& path) {
  std::string rest;
  for (std::string pre : {std::string("/proc/self/fd/"), "/proc/" + std::to_string(p.pid()) + "/fd/",
                          std::string("/proc/thread-self/fd/"), std::string("/dev/fd/")})
    if (path.compare(0, pre.size(), pre) == 0) rest = path.substr(pre.size());
  if (rest.empty() || rest.size() > 9 || rest.find_first_not_of("0123456789") != std::string::npos)
    return -1;
  return std::stoi(rest);
}

// What readlink of a host fd shows, with the sysroot prefix removed.
std::string guest_link_of(const Process& p, int host_fd) {
  char buf[PATH_MAX];
  std::string link = "/proc/self/fd/" + std::to_string(host_fd);
  ssize_t n = readlink(link.c_str(), buf, sizeof buf);
  if (n < 0) return "";
  std::string t(buf, n);
  const std::string& root = p.sysroot();
  if (!root.empty() && t.compare(0, root.size(), root) == 0 &&
      (t.size() == root.size() || t[root.size()] == '/'))
    t = t.size() == root.size() ? "/" : t.substr(root.size());
  return t;
}

// /proc/self/status: the fields programs read (Name, State, Tgid, Pid, PPid,
// Uid/Gid, memory sizes, Threads, signal masks).
std::string proc_status(Process& p, const Vcpu& self) {
  Process::Info in = p.info();
  uint64_t pend, shd, blk, ign = 0, cgt = 0;
  {
    std::lock_guard<std::mutex> lock(p.mutex());
    ThreadSignals& ts = p.thread_signals(self);
    pend = ts.pending.mask();
    shd = p.signals.shared.mask();
    blk = ts.blocked;
    for (int s = 1; s <= kGuestNSig; ++s) {
      uint64_t h = p.signals.action[s].handler;
      if (h == kSigIgn) ign |= sig_bit(s);
      else if (h != kSigDfl) cgt |= sig_bit(s);
    }
  }
  uint64_t kb = in.mapped_bytes / 1024;
  char buf[2048];
  snprintf(buf, sizeof buf,
           "Name:\t%s\nUmask:\t%04o\nState:\tR (running)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
           "PPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n"
           "FDSize:\t%d\nGroups:\t\nVmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t       0 kB\n"
           "VmRSS:\t%8lu kB\nThreads:\t%d\nSigQ:\t0/%lu\nSigPnd:\t%016lx\nShdPnd:\t%016lx\n"
           "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\nCapInh:\t0000000000000000\n"
           "CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nSeccomp:\t0\n"
           "Cpus_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n",
           p.comm, p.umask(), p.pid(), p.pid(), p.ppid(), getuid(), geteuid(), geteuid(), geteuid(),
           getgid(), getegid(), getegid(), getegid(), p.fds().limit() < 64 ? 64 : 64,
           (unsigned long)kb, (unsigned long)kb, (unsigned long)kb, in.threads,
           (unsigned long)p.rlimits[RLIMIT_SIGPENDING].rlim_cur, (unsigned long)pend,
           (unsigned long)shd, (unsigned long)blk, (unsigned long)ign, (unsigned long)cgt);
  return buf;
}

// /proc/self/stat: the 52 fields of Linux's do_task_stat (unknown ones 0).
std::string proc_stat(Process& p) {
  Process::Info in = p.info();
  uint64_t ticks = in.cpu_ns / 10000000;  // USER_HZ = 100
  const StackLayout& st = p.stack();
  char buf[1024];
  snprintf(buf, sizeof buf,
           "%d (%s) R %d %d %d 0 -1 4194304 0 0 0 0 %lu 0 0 0 20 0 %d 0 0 %lu %lu %lu %lu %lu "
           "%lu %lu 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 %lu %lu %lu %lu %lu %lu %lu 0\n",
           p.pid(), p.comm, p.ppid(), p.pid(), p.pid(), (unsigned long)ticks, in.threads,
           (unsigned long)in.mapped_bytes, (unsigned long)(in.mapped_bytes / 4096),
           (unsigned long)RLIM_INFINITY, (unsigned long)p.image().exe.lo,
           (unsigned long)p.brk_start, (unsigned long)st.sp, (unsigned long)st.sp,
           (unsigned long)p.brk_start, (unsigned long)p.brk_start, (unsigned long)p.brk_cur,
           (unsigned long)st.args_start, (unsigned long)st.args_end,
           (unsigned long)st.env_start, (unsigned long)st.env_end);
  return buf;
}

// Opens an emulated /proc/self file, or returns 1 if path is not one.
int open_proc_self(Process& p, const Vcpu& self, const std::string& path, int64_t flags) {
  if (int n = proc_self_fd(p, path); n >= 0) {
    auto f = p.fds().get(n);
    if (!f) return -ENOENT;
    std::string link = "/proc/self/fd/" + std::to_string(f->fd());
    return open(link.c_str(), (flags & ~O_CREAT) | O_CLOEXEC);
  }
  if (is_proc_self(p, path, "status")) return memfd_with(proc_status(p, self));
  if (is_proc_self(p, path, "stat")) return memfd_with(proc_stat(p));
  if (is_proc_self(p, path, "exe")) return open(p.exe_path().c_str(), (flags & ~O_CREAT) | O_CLOEXEC);
  if (is_proc_self(p, path, "maps")) return memfd_with(proc_maps(p));
  if (is_proc_self(p, path, "cmdline")) return memfd_with(join_nul(p.argv()));
  if (is_proc_self(p, path, "environ")) return memfd_with(join_nul(p.envp()));
  if (is_proc_self(p, path, "comm")) return memfd_with(std::string(p.comm) + "\n");
  if (is_proc_self(p, path, "auxv")) {
    std::string data;
    for (auto& [k, v] : p.stack().auxv_entries) {
      data.append(reinterpret_cast<const char*>(&k), 8);
      data.append(reinterpret_cast<const char*>(&v), 8);
    }
    return memfd_with(data);
  }
  return 1;
}

// A blocking read/write interrupted by a signal: -ERESTARTSYS, so it
// restarts after an SA_RESTART handler (or when no handler runs) and
// fails with EINTR otherwise. Linux gives EINTR only when nothing was
// transferred, which is what the host call reports too.
int64_t interruptible(SyscallCtx&, int64_t r) { return r == -EINTR ? kERESTARTSYS : r; }

// EPIPE from a write: the guest gets SIGPIPE (hartd ignores the host's).
int64_t write_result(SyscallCtx& ctx, int64_t r) {
  if (r == -EPIPE) {
    GuestSiginfo info{};
    info.si_signo = SIGPIPE;
    info.si_code = kSI_USER;
    info.f.kill.pid = ctx.proc.pid();
    info.f.kill.uid = getuid();
    send_signal(ctx.proc, &ctx.vcpu, info, &ctx.vcpu);
  }
  return interruptible(ctx, r);
}

int64_t rw_vector(SyscallCtx& ctx, bool is_write, bool positioned, int64_t pos) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  int64_t cnt = static_cast<int64_t>(ctx.a[2]);
  if (cnt < 0 || cnt > 1024) return -EINVAL;
  std::vector<uint64_t> raw(cnt * 2);
  if (cnt && !ctx.proc.as().read(ctx.a[1], raw.data(), cnt * 16)) return -EFAULT;
  std::vector<iovec> iov(cnt);
  uint64_t total = 0;
  for (int64_t i = 0; i < cnt; ++i) {
    uint64_t base = raw[2 * i], len = raw[2 * i + 1];
    if (static_cast<int64_t>(len) < 0) return -EINVAL;
    total += len;
    if (total > kMaxRwCount) len -= total - kMaxRwCount, total = kMaxRwCount;
    uint8_t* h = guest_buf(ctx.proc, base, len, is_write ? PROT_READ : PROT_WRITE);
    if (!h) return -EFAULT;
    iov[i] = {h, len};
  }
  if (positioned)
    return host_ret(is_write ? pwritev(fd, iov.data(), static_cast<int>(cnt), pos)
                             : preadv(fd, iov.data(), static_cast<int>(cnt), pos));
  int64_t r = safe_syscall(&ctx.vcpu.state.exit_request, is_write ? SYS_writev : SYS_readv, fd,
                           reinterpret_cast<long>(iov.data()), cnt);
  return is_write ? write_result(ctx, r) : interruptible(ctx, r);
}

}  // namespace

// ---- read / write -------------------------------------------------------------

int64_t sys_read(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  if (int64_t r; signalfd_read(ctx, keep, ctx.a[1], ctx.a[2], &r)) return r;  // sys_poll.cpp
  uint64_t len = std::min<uint64_t>(ctx.a[2], kMaxRwCount);
  uint8_t* buf = guest_buf(ctx.proc, ctx.a[1], len, PROT_WRITE);
  if (!buf) return -EFAULT;
  return interruptible(ctx, safe_syscall(&ctx.vcpu.state.exit_request, SYS_read, fd,
                                         reinterpret_cast<long>(buf), static_cast<long>(len)));
}

int64_t sys_write(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  uint64_t len = std::min<uint64_t>(ctx.a[2], kMaxRwCount);
  uint8_t* buf = guest_buf(ctx.proc, ctx.a[1], len, PROT_READ);
  if (!buf) return -EFAULT;
  return write_result(ctx, safe_syscall(&ctx.vcpu.state.exit_request, SYS_write, fd,
                                        reinterpret_cast<long>(buf), static_cast<long>(len)));
}

int64_t sys_pread64(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  if (static_cast<int64_t>(ctx.a[3]) < 0) return -EINVAL;
  uint64_t len = std::min<uint64_t>(ctx.a[2], kMaxRwCount);
  uint8_t* buf = guest_buf(ctx.proc, ctx.a[1], len, PROT_WRITE);
  if (!buf) return -EFAULT;
  return host_ret(pread(fd, buf, len, static_cast<off_t>(ctx.a[3])));
}

int64_t sys_pwrite64(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  if (static_cast<int64_t>(ctx.a[3]) < 0) return -EINVAL;
  uint64_t len = std::min<uint64_t>(ctx.a[2], kMaxRwCount);
  uint8_t* buf = guest_buf(ctx.proc, ctx.a[1], len, PROT_READ);
  if (!buf) return -EFAULT;
  return host_ret(pwrite(fd, buf, len, static_cast<off_t>(ctx.a[3])));
}

int64_t sys_readv(SyscallCtx& ctx) { return rw_vector(ctx, false, false, 0); }
int64_t sys_writev(SyscallCtx& ctx) { return rw_vector(ctx, true, false, 0); }

int64_t sys_lseek(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  return host_ret(lseek(fd, static_cast<off_t>(ctx.a[1]), static_cast<int>(ctx.a[2])));
}

// ---- open / close -------------------------------------------------------------

int64_t sys_openat(SyscallCtx& ctx) {
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int64_t>(static_cast<int32_t>(ctx.a[0])), ctx.a[1], &at);
  if (r < 0) return r;
  int64_t flags = static_cast<int32_t>(ctx.a[2]);
  bool cloexec = flags & O_CLOEXEC;
  int hfd = open_proc_self(ctx.proc, ctx.vcpu, at.guest, flags);
  if (hfd == 1) {
    mode_t mode = static_cast<mode_t>(ctx.a[3]) & 07777 & ~ctx.proc.umask();
    hfd = openat(at.dirfd, at.path.c_str(), static_cast<int>(flags) | O_CLOEXEC, mode);
    if (hfd < 0) return -errno;
  } else if (hfd < 0) {
    return hfd == -1 ? -errno : hfd;
  }
  return ctx.proc.fds().install_host(hfd, cloexec);
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
  if (fstat(fd, &st) != 0) return -errno;
  GuestStat g = to_guest_stat(st);
  return ctx.proc.as().write(ctx.a[1], &g, sizeof g) ? 0 : -EFAULT;
}

int64_t sys_newfstatat(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[3]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) return -EINVAL;
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, flags & AT_EMPTY_PATH);
  if (r < 0) return r;
  struct stat st;
  if (is_proc_self(ctx.proc, at.guest, "exe") && !(flags & AT_SYMLINK_NOFOLLOW)) {
    if (stat(ctx.proc.exe_path().c_str(), &st) != 0) return -errno;
  } else if (fstatat(at.dirfd, at.path.c_str(), &st, flags) != 0) {
    return -errno;
  }
  GuestStat g = to_guest_stat(st);
  return ctx.proc.as().write(ctx.a[2], &g, sizeof g) ? 0 : -EFAULT;
}

int64_t sys_statx(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[2]);
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, flags & AT_EMPTY_PATH);
  if (r < 0) return r;
  struct statx sx;
  if (statx(at.dirfd, at.path.c_str(), flags, static_cast<unsigned>(ctx.a[3]), &sx) != 0)
    return -errno;
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
  if (fstatfs(fd, &sf) != 0) return -errno;
  return ctx.proc.as().write(ctx.a[1], &sf, sizeof sf) ? 0 : -EFAULT;
}

int64_t sys_readlinkat(SyscallCtx& ctx) {
  int64_t size = static_cast<int64_t>(ctx.a[3]);
  if (static_cast<int32_t>(size) <= 0) return -EINVAL;
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at);
  if (r < 0) return r;
  std::string target;
  int pfd = proc_self_fd(ctx.proc, at.guest);
  if (is_proc_self(ctx.proc, at.guest, "exe")) {
    target = ctx.proc.exe_path();
  } else if (pfd >= 0) {  // the guest's fd N, not hartd's
    auto f = ctx.proc.fds().get(pfd);
    if (!f) return -ENOENT;
    target = guest_link_of(ctx.proc, f->fd());
  } else if (is_proc_self(ctx.proc, at.guest, "cwd")) {
    target = guest_link_of(ctx.proc, ctx.proc.cwd_fd());
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
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at);
  if (r < 0) return r;
  return faccessat(at.dirfd, at.path.c_str(), mode, 0) == 0 ? 0 : -errno;
}

int64_t sys_faccessat2(SyscallCtx& ctx) {
  int mode = static_cast<int>(ctx.a[2]);
  int flags = static_cast<int>(ctx.a[3]);
  if (mode & ~(R_OK | W_OK | X_OK)) return -EINVAL;
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, flags & AT_EMPTY_PATH);
  if (r < 0) return r;
  return syscall(SYS_faccessat2, at.dirfd, at.path.c_str(), mode, flags) == 0 ? 0 : -errno;
}

// ---- directories and links -------------------------------------------------------

int64_t sys_getdents64(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  uint64_t len = std::min<uint64_t>(ctx.a[2], kMaxRwCount);
  uint8_t* buf = guest_buf(ctx.proc, ctx.a[1], len, PROT_WRITE);
  if (!buf) return -EFAULT;
  return host_ret(syscall(SYS_getdents64, fd, buf, len));
}

int64_t sys_getcwd(SyscallCtx& ctx) {
  char buf[PATH_MAX];
  std::string link = "/proc/self/fd/" + std::to_string(ctx.proc.cwd_fd());
  ssize_t n = readlink(link.c_str(), buf, sizeof buf - 1);
  if (n < 0) return -errno;
  std::string cwd(buf, n);
  const std::string& root = ctx.proc.sysroot();
  if (!root.empty() && cwd.compare(0, root.size(), root) == 0 &&
      (cwd.size() == root.size() || cwd[root.size()] == '/'))
    cwd = cwd.size() == root.size() ? "/" : cwd.substr(root.size());
  if (cwd.size() + 1 > ctx.a[1]) return -ERANGE;
  return ctx.proc.as().write(ctx.a[0], cwd.c_str(), cwd.size() + 1)
             ? static_cast<int64_t>(cwd.size() + 1)
             : -EFAULT;
}

int64_t sys_chdir(SyscallCtx& ctx) {
  AtPath at;
  int r = resolve_at(ctx.proc, AT_FDCWD, ctx.a[0], &at);
  if (r < 0) return r;
  int fd = openat(at.dirfd, at.path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -errno;
  ctx.proc.set_cwd(std::make_shared<HostFd>(fd));
  return 0;
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

int64_t sys_mkdirat(SyscallCtx& ctx) {
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at);
  if (r < 0) return r;
  mode_t mode = static_cast<mode_t>(ctx.a[2]) & 07777 & ~ctx.proc.umask();
  return mkdirat(at.dirfd, at.path.c_str(), mode) == 0 ? 0 : -errno;
}

int64_t sys_unlinkat(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[2]);
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at);
  if (r < 0) return r;
  return unlinkat(at.dirfd, at.path.c_str(), flags) == 0 ? 0 : -errno;
}

int64_t sys_renameat2(SyscallCtx& ctx) {
  AtPath from, to;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &from);
  if (r < 0) return r;
  r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[2]), ctx.a[3], &to);
  if (r < 0) return r;
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
  r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[1]), ctx.a[2], &at);
  if (r < 0) return r;
  return symlinkat(target.c_str(), at.dirfd, at.path.c_str()) == 0 ? 0 : -errno;
}

int64_t sys_linkat(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[4]);
  AtPath from, to;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &from, flags & AT_EMPTY_PATH);
  if (r < 0) return r;
  r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[2]), ctx.a[3], &to);
  if (r < 0) return r;
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
  if (r < 0) return r;
  return fchmodat(at.dirfd, at.path.c_str(), static_cast<mode_t>(ctx.a[2]), 0) == 0 ? 0 : -errno;
}

int64_t sys_fchownat(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[4]);
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at, flags & AT_EMPTY_PATH);
  if (r < 0) return r;
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
  return ftruncate(fd, static_cast<off_t>(ctx.a[1])) == 0 ? 0 : -errno;
}

int64_t sys_truncate(SyscallCtx& ctx) {
  AtPath at;
  int r = resolve_at(ctx.proc, AT_FDCWD, ctx.a[0], &at);
  if (r < 0) return r;
  int fd = openat(at.dirfd, at.path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  int rc = ftruncate(fd, static_cast<off_t>(ctx.a[1])) == 0 ? 0 : -errno;
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
  if (!ctx.a[1]) {  // futimens form
    std::shared_ptr<HostFd> keep;
    int fd = host_fd(ctx, ctx.a[0], &keep);
    if (fd < 0) return fd;
    return futimens(fd, tsp) == 0 ? 0 : -errno;
  }
  AtPath at;
  int r = resolve_at(ctx.proc, static_cast<int32_t>(ctx.a[0]), ctx.a[1], &at);
  if (r < 0) return r;
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
    case F_SETFL:
      return host_ret(fcntl(fd, F_SETFL, static_cast<int>(arg)));
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: {
      struct flock fl;
      static_assert(sizeof(struct flock) == 32);
      if (!ctx.proc.as().read(arg, &fl, sizeof fl)) return -EFAULT;
      if (fcntl(fd, cmd, &fl) != 0) return -errno;
      if ((cmd == F_GETLK || cmd == F_OFD_GETLK) && !ctx.proc.as().write(arg, &fl, sizeof fl))
        return -EFAULT;
      return 0;
    }
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
    case F_GET_SEALS:
    case F_ADD_SEALS:
    case F_GETOWN:
    case F_SETOWN:
      return host_ret(fcntl(fd, cmd, static_cast<int>(arg)));
    default:
      return -EINVAL;
  }
}

int64_t sys_pipe2(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[1]);
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -EINVAL;
  if (!ctx.proc.as().check(ctx.a[0], 8, PROT_WRITE)) return -EFAULT;
  int hp[2];
  if (pipe2(hp, flags | O_CLOEXEC) != 0) return -errno;
  auto r = std::make_shared<HostFd>(hp[0]);
  auto w = std::make_shared<HostFd>(hp[1]);
  int g0 = ctx.proc.fds().install(r, flags & O_CLOEXEC);
  if (g0 < 0) return g0;
  int g1 = ctx.proc.fds().install(w, flags & O_CLOEXEC);
  if (g1 < 0) {
    ctx.proc.fds().close(g0);
    return g1;
  }
  int32_t out[2] = {g0, g1};
  if (!ctx.proc.as().write(ctx.a[0], out, sizeof out)) {
    ctx.proc.fds().close(g0);
    ctx.proc.fds().close(g1);
    return -EFAULT;
  }
  return 0;
}

// ---- ioctl ------------------------------------------------------------------------

int64_t sys_ioctl(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_fd(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  uint64_t req = ctx.a[1] & 0xffffffffu, arg = ctx.a[2];
  AddressSpace& as = ctx.proc.as();
  switch (req) {
    case kTCGETS: {
      GuestTermios t;
      if (!as.check(arg, sizeof t, PROT_WRITE)) return -EFAULT;
      if (ioctl(fd, TCGETS, &t) != 0) return -errno;
      return as.write(arg, &t, sizeof t) ? 0 : -EFAULT;
    }
    case kTCSETS:
    case kTCSETSW:
    case kTCSETSF: {
      GuestTermios t;
      if (!as.read(arg, &t, sizeof t)) return -EFAULT;
      return ioctl(fd, req, &t) == 0 ? 0 : -errno;
    }
    case kTIOCGWINSZ: {
      GuestWinsize w;
      if (!as.check(arg, sizeof w, PROT_WRITE)) return -EFAULT;
      if (ioctl(fd, TIOCGWINSZ, &w) != 0) return -errno;
      return as.write(arg, &w, sizeof w) ? 0 : -EFAULT;
    }
    case kTIOCSWINSZ: {
      GuestWinsize w;
      if (!as.read(arg, &w, sizeof w)) return -EFAULT;
      return ioctl(fd, TIOCSWINSZ, &w) == 0 ? 0 : -errno;
    }
    case kTIOCGPGRP: {
      int pg;
      if (ioctl(fd, TIOCGPGRP, &pg) != 0) return -errno;
      int32_t v = ctx.proc.pid();  // the guest is its own process group
      return as.write(arg, &v, sizeof v) ? 0 : -EFAULT;
    }
    case kFIONREAD: {
      int n;
      if (ioctl(fd, FIONREAD, &n) != 0) return -errno;
      int32_t v = n;
      return as.write(arg, &v, sizeof v) ? 0 : -EFAULT;
    }
    case kFIONBIO: {
      int32_t v;
      if (!as.read(arg, &v, sizeof v)) return -EFAULT;
      int n = v;
      return ioctl(fd, FIONBIO, &n) == 0 ? 0 : -errno;
    }
    case kFIOCLEX:
      return ctx.proc.fds().set_cloexec(static_cast<int>(ctx.a[0]), true);
    case kFIONCLEX:
      return ctx.proc.fds().set_cloexec(static_cast<int>(ctx.a[0]), false);
    default:
      if (ctx.proc.log().enabled(kLog_unimp))
        ctx.proc.log().printf("Unsupported ioctl: cmd=%#lx\n", (unsigned long)req);
      return -ENOTTY;
  }
}

}  // namespace hart::linux
