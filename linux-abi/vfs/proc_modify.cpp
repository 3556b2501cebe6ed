// linux-abi/vfs/proc_modify.cpp — Linux's answers to calls that would change
// /proc (proc_modify.h), as Linux 6.18 gives them (probed with calls that
// fail): procfs's lookup of a missing name fails, so every name to create
// is ENOENT (EEXIST if there, ENOTDIR under a file); removing or renaming an
// entry is EPERM once the caller passes the directory's permission check
// and EACCES otherwise (`refused` has which directories pass for whom); rename between /proc and another file system is EXDEV before
// the names are looked up, link after (link into /proc: ENOENT); chmod
// reaches procfs's setattr, which refuses a mode change (EPERM) for
// everyone; truncate, chown and utimensat meet its permission checks
// (proc_setattr_errno), and succeed where Linux's change has no lasting
// effect. Differences: root's chmod of a top-level /proc file (cpuinfo,
// version...) succeeds on Linux and is EPERM here, root's chown of one and
// allowed utimensat stay EACCES (Linux keeps those changes; hart's /proc
// cannot show them).
#include "linux-abi/vfs/proc_modify.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <vector>

#include "linux-abi/syscalls/sys_util.h"
#include "linux-abi/vfs/root_fs.h"

namespace hart::linux {

namespace {

// The normalized absolute guest path at names if it lies in /proc, else "".
std::string proc_path(Process& p, const AtPath& at) {
  std::string abs;
  if (!at.guest.empty() && at.guest[0] == '/') {
    abs = at.guest;
  } else if (!at.guest.empty()) {
    std::shared_ptr<HostFd> dir;
    p.host_dirfd(at.guest_dirfd, &dir);
    if (dir && dir->synth()) abs = dir->synth()->guest_path + "/" + at.guest;
    else if (!at.abs.empty()) abs = at.abs;
  }
  if (abs.empty()) return "";
  std::string norm = normalize_through_links(abs);
  if (norm != "/proc" && norm.rfind("/proc/", 0) != 0) return "";
  // A path on through a descriptor's link (/proc/self/fd/N/...) names the
  // file there, wherever it is, not a /proc entry.
  AtPath em;
  if (emulate_path(p, norm, p.root() != nullptr, &em) == 0 && em.via) return "";
  return norm;
}

struct Found {
  bool exists = false, dir = false, link = false;
  bool emulated_dir = false;  // a /proc directory (a link's target, if a link)
  int err = 0;  // the lookup's own error (other than "no such entry")
};

// What the emulation has at norm (the final component not followed).
Found look(Process& p, const std::string& norm, bool names_itself) {
  Found f;
  AtPath em;
  int r = emulate_path(p, norm, p.root() != nullptr, &em);
  if (r == -ENOENT || r == 1) return f;
  if (r < 0) {
    f.err = r;
    return f;
  }
  struct stat st;
  bool stat_ok = fstatat(em.dirfd, em.path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
  f.exists = em.synth || stat_ok;
  f.emulated_dir = em.synth != nullptr;
  f.link = em.has_link && names_itself;
  f.dir = !f.link && (em.synth || (stat_ok && S_ISDIR(st.st_mode)));
  return f;
}

// A name that must be new (mkdir, mknod, symlink, link's target): procfs's
// lookup of a missing name fails (ENOENT) where other file systems give a
// name to create, so it is EEXIST if there, ENOTDIR under a non-directory,
// else ENOENT.
int must_be_new(Process& p, const std::string& norm, const Found& f) {
  if (f.err) return f.err;
  if (f.exists) return -EEXIST;
  size_t slash = norm.rfind('/');
  Found parent = look(p, slash == 0 ? "/" : norm.substr(0, slash), false);
  if (parent.err) return parent.err;
  return parent.exists && !parent.dir ? -ENOTDIR : -ENOENT;
}

// The components of norm after /proc.
std::vector<std::string> components(const std::string& norm) {
  std::vector<std::string> c;
  for (size_t at = 6; at <= norm.size();) {
    size_t next = norm.find('/', at);
    if (next == std::string::npos) next = norm.size();
    c.push_back(norm.substr(at, next - at));
    at = next + 1;
  }
  return c;
}

// Removing or renaming the entry at norm: EPERM (procfs has no such
// operation) once the caller passes its directory's permission check,
// EACCES before. As Linux 6.18 answers: /proc/sys refuses writes to its
// directories (EACCES, root too); with CAP_DAC_OVERRIDE the rest passes;
// without it a process directory (/proc/<pid>, task/<tid>) passes for
// anyone, an fd/ directory for its own process, and the others (/proc
// itself, fdinfo/, ns/, net/, attr/) do not.
int refused(SyscallCtx& ctx, const std::string& norm) {
  std::string parent = norm.substr(0, norm.rfind('/'));
  if (parent == "/proc/sys" || parent.rfind("/proc/sys/", 0) == 0) return -EACCES;
  if (Process::thread_of(ctx.vcpu).cred.capable(kCapDacOverride)) return -EPERM;
  // The parent's components after /proc: <pid> [task <tid>] [fd].
  std::vector<std::string> c = components(parent);
  if (c.empty()) return -EACCES;
  bool self = c[0] == "self" || c[0] == "thread-self" || c[0] == std::to_string(ctx.proc.pid());
  size_t base = c[0] == "thread-self" ? 0 : (c.size() >= 3 && c[1] == "task" ? 2 : 0);
  if (c.size() == base + 1) return -EPERM;  // a process's (or thread's) directory
  if (c.size() == base + 2 && c[base + 1] == "fd") return self ? -EPERM : -EACCES;
  return -EACCES;
}

// Which setattr of Linux's procfs serves norm: a process's entries
// (proc_setattr: no mode change, the owner put back by the next lookup),
// /proc/sys (proc_sys_setattr: no mode or owner change, sysctl
// permissions), or the rest (proc_notify_change or simple_setattr, which
// keep what they change: /proc itself, top-level files, the self links,
// per-netns net/ entries). A process's or thread's own directory refuses
// owner changes (EPERM, root too; probed on 6.18).
enum class Kind { Pid, PidDir, Sys, Kept };
Kind kind_of(const std::string& norm, bool link_itself) {
  std::vector<std::string> c = components(norm);
  auto number = [](const std::string& s) { return s.find_first_not_of("0123456789") == std::string::npos; };
  if (c.empty()) return Kind::Kept;
  if (c[0] == "sys") return Kind::Sys;
  bool self = c[0] == "self" || c[0] == "thread-self";
  if (!self && !number(c[0])) return Kind::Kept;
  if (self && c.size() == 1 && link_itself) return Kind::Kept;
  for (size_t i = 1; i < c.size(); ++i)
    if (c[i] == "net") return Kind::Kept;
  if (c.size() == 1 || (c.size() == 3 && c[1] == "task" && number(c[2]))) return Kind::PidDir;
  return Kind::Pid;
}

// inode_permission(MAY_WRITE) on an entry with stat st: sysctl files by
// their mode bits alone (root their owner's, no CAP_DAC_OVERRIDE), the
// others as generic_permission.
bool may_write(const Credentials& cr, const struct stat& st, Kind k) {
  if (k == Kind::Sys) {
    mode_t m = cr.euid == 0 ? st.st_mode >> 6 : cr.in_group(0) ? st.st_mode >> 3 : st.st_mode;
    return m & 2;
  }
  if (cr.capable(kCapDacOverride)) return true;
  mode_t m = cr.fsuid == st.st_uid ? st.st_mode >> 6 : cr.in_group(st.st_gid) ? st.st_mode >> 3 : st.st_mode;
  return m & 2;
}

}  // namespace

int proc_change_errno(SyscallCtx& ctx, const AtPath& at, ProcChange op) {
  std::string norm = proc_path(ctx.proc, at);
  if (norm.empty()) return 1;
  Found f = look(ctx.proc, norm, names_link(at.guest));
  switch (op) {
    case ProcChange::Mkdir:
    case ProcChange::Mknod:
    case ProcChange::Symlink:
      return must_be_new(ctx.proc, norm, f);
    case ProcChange::Unlink:
    case ProcChange::Rmdir:
      if (f.err) return f.err;
      if (norm == "/proc") {  // the mount point, in / (which only root may write here)
        if (!Process::thread_of(ctx.vcpu).cred.capable(kCapDacOverride)) return -EACCES;
        return op == ProcChange::Rmdir ? -EBUSY : -EISDIR;
      }
      return f.exists ? refused(ctx, norm) : -ENOENT;
    case ProcChange::Chmod:
      if (norm == "/proc") return 1;  // procfs's root inode: EACCES as before
      // Followed: an fd's file changes as any file; /proc/self is a /proc
      // directory.
      if (f.link && !f.emulated_dir) return 1;
      if (f.err) return f.err;
      return f.exists ? -EPERM : -ENOENT;
  }
  return 1;
}

int proc_move_errno(SyscallCtx& ctx, const AtPath& from, const AtPath& to, bool link) {
  std::string a = proc_path(ctx.proc, from), b = proc_path(ctx.proc, to);
  if (a.empty() && b.empty()) return 1;
  if (a == "/proc" || b == "/proc") return 1;  // the mount point itself: EACCES as before
  struct stat st;
  if (link) {
    // do_linkat: the source's lookup, the new name's, then the mount.
    if (!a.empty()) {
      Found f = look(ctx.proc, a, false);
      if (f.err) return f.err;
      if (!f.exists) return -ENOENT;
    } else if (fstatat(from.dirfd, from.path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return -errno;
    }
    if (!b.empty()) return must_be_new(ctx.proc, b, look(ctx.proc, b, true));
    if (fstatat(to.dirfd, to.path.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return -EEXIST;
    return -EXDEV;
  }
  // do_renameat2: the two parents, the mount, then the names.
  if (a.empty() || b.empty()) return -EXDEV;
  Found f = look(ctx.proc, a, true);
  if (f.err) return f.err;
  if (!f.exists) return -ENOENT;
  Found g = look(ctx.proc, b, true);
  if (g.err) return g.err;
  if (!g.exists) return must_be_new(ctx.proc, b, g);
  return refused(ctx, a);
}

int proc_setattr_errno(SyscallCtx& ctx, const AtPath& at, bool follow, ProcAttr op, uint32_t uid,
                       uint32_t gid, bool times_set) {
  std::string norm = proc_path(ctx.proc, at);
  if (norm.empty()) return 1;
  bool itself = names_link(at.guest);
  Found f = look(ctx.proc, norm, itself);
  if (f.err) return f.err;
  if (!f.exists) return -ENOENT;
  // Followed: an fd's (or a namespace's) file is not procfs's.
  if (f.link && follow && !f.emulated_dir) return 1;
  bool link_itself = f.link && !follow;
  bool dir = f.dir || (f.link && follow);
  Kind k = kind_of(norm, link_itself);
  struct stat st;
  if (fstatat(at.dirfd, at.path.c_str(), &st, link_itself ? AT_SYMLINK_NOFOLLOW : 0) != 0) return 1;
  const Credentials& cr = Process::thread_of(ctx.vcpu).cred;
  switch (op) {
    case ProcAttr::Truncate:
      // vfs_truncate: a directory, then write permission; procfs's setattr
      // then copies nothing of a size change (truncate(2) asks no time
      // change), so it succeeds without effect.
      if (dir) return -EISDIR;
      if (!S_ISREG(st.st_mode)) return -EINVAL;
      return may_write(cr, st, k) ? 0 : -EACCES;
    case ProcAttr::Chown: {
      // Neither id: only the ctime changes (hart's /proc shows the
      // stand-in's times).
      if (uid == ~0u && gid == ~0u) return 0;
      if (k == Kind::Sys || k == Kind::PidDir) return -EPERM;
      // setattr_prepare's chown_ok and chgrp_ok.
      bool owner = cr.fsuid == st.st_uid, cap = cr.capable(kCapChown);
      if (uid != ~0u && !(cap || (owner && uid == st.st_uid))) return -EPERM;
      if (gid != ~0u && !(cap || (owner && (gid == st.st_gid || cr.in_group(gid))))) return -EPERM;
      // A process's entries get their owner back at the next lookup; the
      // rest would keep it.
      return k == Kind::Pid ? 0 : 1;
    }
    case ProcAttr::Times:
      // Explicit times: the owner or CAP_FOWNER (setattr_prepare); now:
      // also whoever may write (notify_change). Linux keeps the times it
      // sets, which hart's /proc (the stand-in's times) cannot show.
      if (cr.fsuid == st.st_uid || cr.capable(kCapFowner)) return 1;
      if (times_set) return -EPERM;
      return may_write(cr, st, k) ? 1 : -EACCES;
  }
  return 1;
}

}  // namespace hart::linux
