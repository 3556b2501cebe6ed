// linux-abi/syscalls/sys_openat2.cpp — openat2: struct open_how {u64 flags,
// mode, resolve}, extensible by size, checked as Linux's build_open_how and
// build_open_flags check it (every flag bit known, the mode only when
// creating, O_PATH with its own few flags, one scoping flag,
// RESOLVE_CACHED never creating). Outside a root, a lookup on the host's
// file system goes to the host's openat2 with the guest's resolve flags
// (RESOLVE_BENEATH / RESOLVE_IN_ROOT relative to the guest's dirfd, with the
// path as the guest wrote it); what it reaches is checked by what it is
// (host_object_check), so the host's /proc is never opened. Lookups that
// the /proc and /dev emulation answers (a path there, or relative to an
// emulated directory) are resolved by hart, which applies the resolve
// flags to the symlinks it emulates: following a magic link (fd/N, exe,
// cwd, root) is ELOOP with RESOLVE_NO_MAGICLINKS or RESOLVE_NO_SYMLINKS and
// EXDEV under RESOLVE_BENEATH, RESOLVE_IN_ROOT or RESOLVE_NO_XDEV; /proc/self,
// /proc/thread-self, /dev/fd and /dev/std* are symlinks (ELOOP with
// RESOLVE_NO_SYMLINKS); entering /proc or /dev from elsewhere crosses a
// mount (EXDEV with RESOLVE_NO_XDEV); an absolute path or one climbing out
// of the dirfd is EXDEV under the scoping flags (Linux's RESOLVE_IN_ROOT
// would stay inside instead). In a root (jail) every lookup is confined
// anyway and the resolve flags beyond that are not applied (Partial).
// Owns: this handler. Does not own: path resolution (resolve_at,
// sys_fs.cpp) or the emulation (proc_dev.cpp).
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "linux-abi/syscalls/sys_util.h"
#include "linux-abi/vfs/root_fs.h"

namespace hart::linux {

namespace {

constexpr uint64_t kValidOpenFlags = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |
                                     O_NONBLOCK | O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE |
                                     O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC |
                                     O_PATH | O_TMPFILE;
constexpr uint64_t kOPathFlags = O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC;
constexpr uint64_t kResolveAll = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |
                                 RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED;

struct OpenHow {
  uint64_t flags, mode, resolve;
};

// build_open_how + build_open_flags: 0 or -errno.
int check_how(const OpenHow& how) {
  if (how.flags & ~kValidOpenFlags) return -EINVAL;
  if (how.resolve & ~kResolveAll) return -EINVAL;
  if ((how.resolve & RESOLVE_BENEATH) && (how.resolve & RESOLVE_IN_ROOT)) return -EINVAL;
  bool creates = (how.flags & O_CREAT) || (how.flags & O_TMPFILE) == O_TMPFILE;
  if (creates ? (how.mode & ~uint64_t{07777}) : how.mode != 0) return -EINVAL;
  if (how.flags & (O_TMPFILE & ~O_DIRECTORY)) {
    if ((how.flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE) return -EINVAL;
    if ((how.flags & O_ACCMODE) == O_RDONLY) return -EINVAL;
  }
  if ((how.flags & O_PATH) && (how.flags & ~kOPathFlags)) return -EINVAL;
  if ((how.resolve & RESOLVE_CACHED) && (how.flags & (O_TRUNC | O_CREAT | (O_TMPFILE & ~O_DIRECTORY))))
    return -EAGAIN;
  return 0;
}

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// The resolve flags on a lookup the emulation answered (see the top):
// at is its result, start the guest path of the directory the lookup
// started from ("" if unknown), follow whether the last component is
// followed. 0 or -errno.
int check_emulated(const AtPath& at, const std::string& start, uint64_t resolve, bool follow) {
  bool scoped = resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT);
  bool absolute = !at.guest.empty() && at.guest[0] == '/';
  if (scoped && absolute) return -EXDEV;
  std::string full = absolute ? at.guest : start + "/" + at.guest;
  std::vector<std::string> parts = components(full);
  // /proc/self, /proc/thread-self, /dev/fd and /dev/std* are plain symlinks
  // on Linux: the walk goes through one when more follows or it is followed.
  bool self_dir = parts.size() >= 2 &&
                  ((parts[0] == "proc" && (parts[1] == "self" || parts[1] == "thread-self")) ||
                   (parts[0] == "dev" && (parts[1] == "fd" || parts[1] == "stdin" ||
                                          parts[1] == "stdout" || parts[1] == "stderr")));
  bool plain_link = self_dir && (parts.size() > 2 || follow);
  if ((resolve & RESOLVE_NO_SYMLINKS) && plain_link) return -ELOOP;
  // The last component a magic link (not one of those plain ones; /dev/std*
  // lead on to one), followed.
  bool magic = at.has_link && follow &&
               !(parts.size() == 2 && self_dir && parts[1].compare(0, 3, "std") != 0);
  if (magic && (resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS))) return -ELOOP;
  if (magic && (scoped || (resolve & RESOLVE_NO_XDEV))) return -EXDEV;
  if (scoped) {  // ".." must not climb out of the starting directory
    std::string n = normalize_path(full), s = normalize_path("/" + start);
    if (s != "/" && n != s && n.compare(0, s.size() + 1, s + "/") != 0) return -EXDEV;
  }
  if (resolve & RESOLVE_NO_XDEV) {  // /proc and /dev are mounts of their own
    std::vector<std::string> from = components(absolute ? "/" : start);
    std::string top = parts.empty() ? "" : parts[0];
    if (from.empty() || from[0] != top) return -EXDEV;
  }
  return 0;
}

// The guest path of the directory a lookup starts from ("" if unknown).
std::string start_dir(Process& p, int64_t dirfd) {
  std::shared_ptr<HostFd> dir;
  int h = p.host_dirfd(dirfd, &dir);
  if (h < 0 && h != AT_FDCWD) return "";
  if (dir && dir->synth()) return dir->synth()->guest_path;
  std::string g = guest_path_of_fd(p, h == AT_FDCWD ? p.cwd_fd() : h);
  return g.empty() || g[0] != '/' ? "" : g;
}

int64_t open_emulated(SyscallCtx& ctx, AtPath& at, const OpenHow& how, int64_t dirfd) {
  bool follow = !(how.flags & O_NOFOLLOW);
  if (int e = check_emulated(at, start_dir(ctx.proc, dirfd), how.resolve, follow)) return e;
  bool reroute = false;
  SyscallCtx c = ctx;
  c.a[3] = how.mode;
  int64_t fd = open_resolved(c, at, static_cast<int64_t>(how.flags), &reroute);
  return reroute ? -ENOENT : fd;
}

}  // namespace

int64_t sys_openat2(SyscallCtx& ctx) {
  OpenHow how{};
  uint64_t size = ctx.a[3];
  if (size < sizeof how) return -EINVAL;
  if (size > kPageSize) return -E2BIG;
  std::vector<uint8_t> raw(size);
  if (!ctx.proc.as().read(ctx.a[2], raw.data(), size)) return -EFAULT;
  for (uint64_t i = sizeof how; i < size; ++i)
    if (raw[i]) return -E2BIG;
  memcpy(&how, raw.data(), sizeof how);
  if (int e = check_how(how)) return e;
  if (how.resolve == 0 || ctx.proc.root()) {
    SyscallCtx plain = ctx;
    plain.a[2] = how.flags;
    plain.a[3] = how.mode;
    return sys_openat(plain);
  }
  int64_t gdirfd = static_cast<int32_t>(ctx.a[0]);
  bool follow = !(how.flags & O_NOFOLLOW);
  AtPath at;
  int r = resolve_at(ctx.proc, gdirfd, ctx.a[1], &at, false, follow);
  if (r < 0) return r;
  if (at.through_link) {  // on past a magic link (/dev/fd/N/..., /proc/self/cwd/...)
    bool scoped = how.resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT);
    if (scoped && !at.guest.empty() && at.guest[0] == '/') return -EXDEV;
    if (how.resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS)) return -ELOOP;
    if (scoped || (how.resolve & RESOLVE_NO_XDEV)) return -EXDEV;
  }
  if (at.emulated()) return open_emulated(ctx, at, how, gdirfd);
  std::shared_ptr<HostFd> keep;
  int dirfd = at.dirfd;
  std::string path = at.path;
  if (how.resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) {
    path = at.guest;
    dirfd = ctx.proc.host_dirfd(gdirfd, &keep);
    if (dirfd < 0 && dirfd != AT_FDCWD) return dirfd;
  }
  struct open_how host{};
  host.flags = how.flags | O_CLOEXEC;
  host.mode = create_mode(ctx.proc, how.mode);
  host.resolve = how.resolve;
  int hfd = static_cast<int>(syscall(SYS_openat2, dirfd, path.c_str(), &host, sizeof host));
  if (hfd < 0) return -errno;
  // Decide by the object, not the path: the host's /proc is looked up again
  // through the emulation.
  if (int c = host_object_check(hfd); c != 0) {
    close(hfd);
    if (c < 0) return c;
    AtPath em;
    if ((r = reroute_host_proc(ctx.proc, at, follow, &em)) < 0) return r;
    return open_emulated(ctx, em, how, gdirfd);
  }
  return ctx.proc.fds().install_host(hfd, how.flags & O_CLOEXEC);
}

}  // namespace hart::linux
