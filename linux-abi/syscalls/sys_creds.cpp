// linux-abi/syscalls/sys_creds.cpp — identity system calls: get/set of real,
// effective, saved and fs uids and gids, supplementary groups,
// capget/capset (v1, v2 and v3 headers) and the credential options of prctl
// (capability bounding set, ambient set, keep-caps, securebits). Every call
// reads and writes the calling guest thread's credentials (Linux's per-thread
// semantics; glibc broadcasts set*id to every thread itself).
// Owns: argument handling and guest-memory layouts of these calls. Does
// not own: the rules (creds.cpp) or the host-side identity switch.
#include <linux/capability.h>
#include <sys/prctl.h>

#include <cerrno>

#include "linux-abi/process/creds.h"
#include "linux-abi/syscalls/sys_util.h"

namespace hart::linux {

namespace {

Credentials& my_creds(SyscallCtx& ctx) { return Process::thread_of(ctx.vcpu).cred; }

uint32_t arg_id(uint64_t v) { return static_cast<uint32_t>(v); }

// Applies one rule to a copy of the caller's credentials and commits it.
template <class F>
int64_t change_creds(SyscallCtx& ctx, F rule) {
  Credentials c = my_creds(ctx);
  int64_t r = rule(&c);
  if (c.id != my_creds(ctx).id) ctx.proc.set_creds(Process::thread_of(ctx.vcpu), std::move(c));
  return r;
}

// Changes a field no rule guards (after the caller's own checks).
template <class F>
int64_t edit_creds(SyscallCtx& ctx, F edit) {
  return change_creds(ctx, [&](Credentials* c) {
    edit(*c);
    c->id = cred_new_id();
    return 0;
  });
}

int64_t write_three(SyscallCtx& ctx, uint32_t a, uint32_t b, uint32_t c) {
  AddressSpace& as = ctx.proc.as();
  if (!as.write(ctx.a[0], &a, 4) || !as.write(ctx.a[1], &b, 4) || !as.write(ctx.a[2], &c, 4))
    return -EFAULT;
  return 0;
}

}  // namespace

// ---- getters ---------------------------------------------------------------------

int64_t sys_getuid(SyscallCtx& ctx) { return my_creds(ctx).ruid; }
int64_t sys_geteuid(SyscallCtx& ctx) { return my_creds(ctx).euid; }
int64_t sys_getgid(SyscallCtx& ctx) { return my_creds(ctx).rgid; }
int64_t sys_getegid(SyscallCtx& ctx) { return my_creds(ctx).egid; }

int64_t sys_getresuid(SyscallCtx& ctx) {
  const Credentials& c = my_creds(ctx);
  return write_three(ctx, c.ruid, c.euid, c.suid);
}

int64_t sys_getresgid(SyscallCtx& ctx) {
  const Credentials& c = my_creds(ctx);
  return write_three(ctx, c.rgid, c.egid, c.sgid);
}

int64_t sys_getgroups(SyscallCtx& ctx) {
  int size = static_cast<int>(ctx.a[0]);
  if (size < 0) return -EINVAL;
  const std::vector<uint32_t>& g = my_creds(ctx).groups;
  int n = static_cast<int>(g.size());
  if (size) {
    if (n > size) return -EINVAL;
    if (n && !ctx.proc.as().write(ctx.a[1], g.data(), g.size() * 4)) return -EFAULT;
  }
  return n;
}

// ---- setters ---------------------------------------------------------------------

namespace {
int64_t set_ids(SyscallCtx& ctx, IdCall call) {
  return change_creds(ctx, [&](Credentials* c) {
    return cred_set_ids(c, call, arg_id(ctx.a[0]), arg_id(ctx.a[1]), arg_id(ctx.a[2]));
  });
}
}  // namespace

int64_t sys_setuid(SyscallCtx& ctx) { return set_ids(ctx, IdCall::setuid); }
int64_t sys_setreuid(SyscallCtx& ctx) { return set_ids(ctx, IdCall::setreuid); }
int64_t sys_setresuid(SyscallCtx& ctx) { return set_ids(ctx, IdCall::setresuid); }
int64_t sys_setfsuid(SyscallCtx& ctx) { return set_ids(ctx, IdCall::setfsuid); }
int64_t sys_setgid(SyscallCtx& ctx) { return set_ids(ctx, IdCall::setgid); }
int64_t sys_setregid(SyscallCtx& ctx) { return set_ids(ctx, IdCall::setregid); }
int64_t sys_setresgid(SyscallCtx& ctx) { return set_ids(ctx, IdCall::setresgid); }
int64_t sys_setfsgid(SyscallCtx& ctx) { return set_ids(ctx, IdCall::setfsgid); }

// Linux's order: permission, then the count, then the list.
int64_t sys_setgroups(SyscallCtx& ctx) {
  if (!my_creds(ctx).capable(kCapSetgid)) return -EPERM;
  int n = static_cast<int>(ctx.a[0]);
  if (static_cast<unsigned>(n) > static_cast<unsigned>(kNgroupsMax)) return -EINVAL;
  std::vector<uint32_t> g(static_cast<size_t>(n));
  if (n && !ctx.proc.as().read(ctx.a[1], g.data(), g.size() * 4)) return -EFAULT;
  return change_creds(ctx, [&](Credentials* c) { return cred_setgroups(c, std::move(g)); });
}

// ---- capabilities ---------------------------------------------------------------------

namespace {

// The header's version: 0 and the number of 32-bit data structs, or
// -EINVAL after writing the preferred version back (cap_validate_magic).
int64_t cap_header(SyscallCtx& ctx, unsigned* structs) {
  uint32_t version;
  if (!ctx.proc.as().read(ctx.a[0], &version, 4)) return -EFAULT;
  switch (version) {
    case _LINUX_CAPABILITY_VERSION_1:
      *structs = 1;
      return 0;
    case _LINUX_CAPABILITY_VERSION_2:
    case _LINUX_CAPABILITY_VERSION_3:
      *structs = 2;
      return 0;
    default: {
      uint32_t v3 = _LINUX_CAPABILITY_VERSION_3;
      if (!ctx.proc.as().write(ctx.a[0], &v3, 4)) return -EFAULT;
      return -EINVAL;
    }
  }
}

}  // namespace

int64_t sys_capget(SyscallCtx& ctx) {
  unsigned n = 0;
  int64_t r = cap_header(ctx, &n);
  if (!ctx.a[1] || r) return (!ctx.a[1] && r == -EINVAL) ? 0 : r;
  int32_t pid;
  if (!ctx.proc.as().read(ctx.a[0] + 4, &pid, 4)) return -EFAULT;
  if (pid < 0) return -EINVAL;
  Credentials c;
  if (pid == 0 || pid == ctx.proc.tid_of(ctx.vcpu)) {
    c = my_creds(ctx);
  } else {
    std::unique_lock<std::mutex> lock(ctx.proc.mutex());
    if (Vcpu* v = ctx.proc.thread_by_tid(pid)) {
      c = Process::thread_of(*v).cred;
    } else {
      lock.unlock();
      std::shared_ptr<Process> other = Process::find_task(pid, &ctx.proc);
      if (!other) return -ESRCH;
      c = other->creds();
    }
  }
  __user_cap_data_struct d[2] = {
      {static_cast<uint32_t>(c.cap_eff), static_cast<uint32_t>(c.cap_prm),
       static_cast<uint32_t>(c.cap_inh)},
      {static_cast<uint32_t>(c.cap_eff >> 32), static_cast<uint32_t>(c.cap_prm >> 32),
       static_cast<uint32_t>(c.cap_inh >> 32)}};
  return ctx.proc.as().write(ctx.a[1], d, n * sizeof d[0]) ? 0 : -EFAULT;
}

int64_t sys_capset(SyscallCtx& ctx) {
  unsigned n = 0;
  if (int64_t r = cap_header(ctx, &n)) return r;
  int32_t pid;
  if (!ctx.proc.as().read(ctx.a[0] + 4, &pid, 4)) return -EFAULT;
  if (pid != 0 && pid != ctx.proc.tid_of(ctx.vcpu)) return -EPERM;  // only the caller
  __user_cap_data_struct d[2] = {};
  if (!ctx.proc.as().read(ctx.a[1], d, n * sizeof d[0])) return -EFAULT;
  auto join = [](uint32_t lo, uint32_t hi) { return lo | uint64_t{hi} << 32; };
  uint64_t eff = join(d[0].effective, d[1].effective);
  uint64_t prm = join(d[0].permitted, d[1].permitted);
  uint64_t inh = join(d[0].inheritable, d[1].inheritable);
  return change_creds(ctx, [&](Credentials* c) { return cred_capset(c, eff, prm, inh); });
}

// prctl's credential options (sys_process.cpp's sys_prctl hands them here).
int64_t prctl_creds(SyscallCtx& ctx) {
  int option = static_cast<int>(ctx.a[0]);
  uint64_t arg2 = ctx.a[1], arg3 = ctx.a[2], arg4 = ctx.a[3], arg5 = ctx.a[4];
  const Credentials& me = my_creds(ctx);
  auto valid = [](uint64_t cap) { return cap <= static_cast<uint64_t>(kCapLast); };
  switch (option) {
    case PR_CAPBSET_READ:
      if (!valid(arg2)) return -EINVAL;
      return (me.cap_bnd >> arg2) & 1;
    case PR_CAPBSET_DROP:  // the privilege first, as Linux's cap_prctl_drop
      if (!me.capable(kCapSetpcap)) return -EPERM;
      if (!valid(arg2)) return -EINVAL;
      return edit_creds(ctx, [&](Credentials& c) {
        c.cap_bnd &= ~cap_bit(static_cast<int>(arg2));
      });
    case PR_GET_KEEPCAPS:
      return (me.securebits & kSecKeepCaps) ? 1 : 0;
    case PR_SET_KEEPCAPS:
      if (arg2 > 1) return -EINVAL;
      if (me.securebits & kSecKeepCapsLocked) return -EPERM;
      return edit_creds(ctx, [&](Credentials& c) {
        c.securebits = arg2 ? (c.securebits | kSecKeepCaps) : (c.securebits & ~kSecKeepCaps);
      });
    case PR_GET_SECUREBITS:
      return me.securebits;
    case PR_SET_SECUREBITS: {
      constexpr uint64_t kAllBits = 0x555, kAllLocks = kAllBits << 1;
      uint64_t old = me.securebits;
      if ((((old & kAllLocks) >> 1) & (old ^ arg2)) || (old & kAllLocks & ~arg2) ||
          (arg2 & ~(kAllLocks | kAllBits)) || !me.capable(kCapSetpcap))
        return -EPERM;
      return edit_creds(ctx, [&](Credentials& c) {
        c.securebits = static_cast<uint32_t>(arg2);
      });
    }
    case PR_CAP_AMBIENT: {
      if (arg2 == PR_CAP_AMBIENT_CLEAR_ALL) {
        if (arg3 | arg4 | arg5) return -EINVAL;
        return edit_creds(ctx, [&](Credentials& c) {
          c.cap_amb = 0;
        });
      }
      if (!valid(arg3) || arg4 || arg5) return -EINVAL;
      uint64_t bit = cap_bit(static_cast<int>(arg3));
      if (arg2 == PR_CAP_AMBIENT_IS_SET) return (me.cap_amb & bit) ? 1 : 0;
      if (arg2 != PR_CAP_AMBIENT_RAISE && arg2 != PR_CAP_AMBIENT_LOWER) return -EINVAL;
      if (arg2 == PR_CAP_AMBIENT_RAISE &&
          (!(me.cap_prm & bit) || !(me.cap_inh & bit) || (me.securebits & kSecNoCapAmbientRaise)))
        return -EPERM;
      return edit_creds(ctx, [&](Credentials& c) {
        c.cap_amb = arg2 == PR_CAP_AMBIENT_RAISE ? (c.cap_amb | bit) : (c.cap_amb & ~bit);
      });
    }
    default:
      return -EINVAL;
  }
}

}  // namespace hart::linux
