// linux-abi/syscalls/sys_xattr.cpp — extended attributes: {,l,f}{set,get,list,remove}xattr.
// Passed through to the host on the object the guest names: path forms go
// through resolve_at (sysroot, root, cwd, dirfds; the host call gets the
// resolved path, "/proc/self/fd/DIRFD/rel" for a relative one), fd forms
// through the guest fd table. Names, values and lists cross through bounce
// buffers so every guest pointer is checked (EFAULT) and the limits are
// Linux's (xattr.h), checked in Linux's order: the name (ERANGE when empty
// or longer than XATTR_NAME_MAX), the flags (EINVAL), the value size
// (E2BIG past XATTR_SIZE_MAX for set; get/list sizes are capped there).
// The namespaces are whatever the host filesystem allows (user.* on ext4
// and tmpfs). Objects emulated by hartd (/proc, /dev, their directories)
// have no attributes: get/set/remove give EOPNOTSUPP, list gives 0, as
// procfs does.
// Owns: these handlers. Does not own: path resolution (sys_fs.cpp).
#include <fcntl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

constexpr uint64_t kXattrNameMax = 255;     // XATTR_NAME_MAX
constexpr uint64_t kXattrSizeMax = 65536;   // XATTR_SIZE_MAX
constexpr uint64_t kXattrListMax = 65536;   // XATTR_LIST_MAX

// The object an xattr call acts on: a host path (path forms) or a host fd.
struct Target {
  AtPath at;
  std::shared_ptr<HostFd> fd;
  std::string host;   // path forms: what the host call gets
  bool emulated = false;
};

// Which form: 0 path (follows), 1 l (no follow), 2 f (fd).
enum Form { kPath, kLink, kFd };

int target(SyscallCtx& ctx, Form form, Target* t) {
  if (form == kFd) {
    t->fd = ctx.proc.fds().get(static_cast<int>(ctx.a[0]));
    if (!t->fd) return -EBADF;
    t->emulated = t->fd->synth() || t->fd->emu();
    return 0;
  }
  int r = resolve_at(ctx.proc, AT_FDCWD, ctx.a[0], &t->at, false, form == kPath);
  if (r < 0) return r;
  t->emulated = t->at.emulated();
  const AtPath& at = t->at;
  t->host = at.path.empty() || at.path[0] == '/' || at.dirfd == AT_FDCWD
                ? at.path
                : "/proc/self/fd/" + std::to_string(at.dirfd) + "/" + at.path;
  if (at.path.empty()) t->host = "/proc/self/fd/" + std::to_string(at.dirfd);
  return 0;
}

// Linux's import_xattr_name: 0, -EFAULT, or -ERANGE (empty, too long).
int read_name(SyscallCtx& ctx, uint64_t addr, std::string* name) {
  name->clear();
  for (uint64_t i = 0; i <= kXattrNameMax; ++i) {
    char c;
    if (!ctx.proc.as().read(addr + i, &c, 1)) return -EFAULT;
    if (c == 0) return name->empty() ? -ERANGE : 0;
    name->push_back(c);
  }
  return -ERANGE;
}

int64_t do_set(SyscallCtx& ctx, Form form) {
  std::string name;
  int r = read_name(ctx, ctx.a[1], &name);
  if (r < 0) return r;
  const uint64_t size = ctx.a[3];
  const int flags = static_cast<int>(ctx.a[4]);
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) return -EINVAL;
  if (size > kXattrSizeMax) return -E2BIG;
  std::vector<char> value(size);
  if (size && !ctx.proc.as().read(ctx.a[2], value.data(), size)) return -EFAULT;
  Target t;
  if ((r = target(ctx, form, &t)) < 0) return r;
  if (t.emulated) return -EOPNOTSUPP;
  int rc = form == kFd   ? fsetxattr(t.fd->fd(), name.c_str(), value.data(), size, flags)
           : form == kLink ? lsetxattr(t.host.c_str(), name.c_str(), value.data(), size, flags)
                         : setxattr(t.host.c_str(), name.c_str(), value.data(), size, flags);
  return rc == 0 ? 0 : -errno;
}

int64_t do_get(SyscallCtx& ctx, Form form) {
  std::string name;
  int r = read_name(ctx, ctx.a[1], &name);
  if (r < 0) return r;
  const uint64_t size = std::min(ctx.a[3], kXattrSizeMax);
  Target t;
  if ((r = target(ctx, form, &t)) < 0) return r;
  if (t.emulated) return -EOPNOTSUPP;
  std::vector<char> value(size);
  ssize_t n = form == kFd     ? fgetxattr(t.fd->fd(), name.c_str(), value.data(), size)
              : form == kLink ? lgetxattr(t.host.c_str(), name.c_str(), value.data(), size)
                              : getxattr(t.host.c_str(), name.c_str(), value.data(), size);
  if (n < 0) return -errno;
  if (size && n > 0 && !ctx.proc.as().write(ctx.a[2], value.data(), static_cast<uint64_t>(n)))
    return -EFAULT;
  return n;
}

int64_t do_list(SyscallCtx& ctx, Form form) {
  const uint64_t size = std::min(ctx.a[2], kXattrListMax);
  Target t;
  int r = target(ctx, form, &t);
  if (r < 0) return r;
  if (t.emulated) return 0;
  std::vector<char> list(size);
  ssize_t n = form == kFd     ? flistxattr(t.fd->fd(), list.data(), size)
              : form == kLink ? llistxattr(t.host.c_str(), list.data(), size)
                              : listxattr(t.host.c_str(), list.data(), size);
  if (n < 0) return -errno;
  if (size && n > 0 && !ctx.proc.as().write(ctx.a[1], list.data(), static_cast<uint64_t>(n)))
    return -EFAULT;
  return n;
}

int64_t do_remove(SyscallCtx& ctx, Form form) {
  std::string name;
  int r = read_name(ctx, ctx.a[1], &name);
  if (r < 0) return r;
  Target t;
  if ((r = target(ctx, form, &t)) < 0) return r;
  if (t.emulated) return -EOPNOTSUPP;
  int rc = form == kFd     ? fremovexattr(t.fd->fd(), name.c_str())
           : form == kLink ? lremovexattr(t.host.c_str(), name.c_str())
                           : removexattr(t.host.c_str(), name.c_str());
  return rc == 0 ? 0 : -errno;
}

}  // namespace

// sys_<op>xattr, sys_l<op>xattr, sys_f<op>xattr.
#define HART_XATTR_FORMS(op)                                                    \
  int64_t sys_##op##xattr(SyscallCtx& ctx) { return do_##op(ctx, kPath); }    \
  int64_t sys_l##op##xattr(SyscallCtx& ctx) { return do_##op(ctx, kLink); }   \
  int64_t sys_f##op##xattr(SyscallCtx& ctx) { return do_##op(ctx, kFd); }
HART_XATTR_FORMS(set)
HART_XATTR_FORMS(get)
HART_XATTR_FORMS(list)
HART_XATTR_FORMS(remove)
#undef HART_XATTR_FORMS

}  // namespace hart::linux
