// linux-abi/process/creds.cpp — Linux's credential rules and the vCPU host
// thread's identity and umask. See creds.h.
#include "linux-abi/process/creds.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "linux-abi/process/process.h"

namespace hart::linux {

namespace {

constexpr uint32_t kUnchanged = static_cast<uint32_t>(-1);
constexpr uint64_t kUnknownIdentity = ~uint64_t{0};

std::atomic<uint64_t> g_next_id{1};

// The host thread's identity (Credentials::id it carries), its umask, and
// whether it has a private fs_struct. Only vCPU threads change them.
thread_local uint64_t tl_identity = kUnknownIdentity;
thread_local uint32_t tl_umask = kUnchanged;
thread_local bool tl_private_fs = false;
// What apply_on_host last put on this thread (for HartIdentityScope).
thread_local Credentials tl_applied;

int host_capget(uint64_t* eff, uint64_t* prm, uint64_t* inh) {
  __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct d[2]{};
  if (syscall(SYS_capget, &h, d) != 0) return -errno;
  *eff = d[0].effective | uint64_t{d[1].effective} << 32;
  *prm = d[0].permitted | uint64_t{d[1].permitted} << 32;
  *inh = d[0].inheritable | uint64_t{d[1].inheritable} << 32;
  return 0;
}

int host_capset(uint64_t eff, uint64_t prm, uint64_t inh) {
  __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct d[2]{};
  d[0] = {static_cast<uint32_t>(eff), static_cast<uint32_t>(prm), static_cast<uint32_t>(inh)};
  d[1] = {static_cast<uint32_t>(eff >> 32), static_cast<uint32_t>(prm >> 32),
          static_cast<uint32_t>(inh >> 32)};
  return syscall(SYS_capset, &h, d) == 0 ? 0 : -errno;
}

Credentials read_host_credentials() {
  Credentials c;
  getresuid(&c.ruid, &c.euid, &c.suid);
  getresgid(&c.rgid, &c.egid, &c.sgid);
  c.fsuid = c.euid;
  c.fsgid = c.egid;
  int n = getgroups(0, nullptr);
  if (n > 0) {
    std::vector<gid_t> g(static_cast<size_t>(n));
    n = getgroups(n, g.data());
    for (int i = 0; i < n; ++i) c.groups.push_back(g[i]);
    std::sort(c.groups.begin(), c.groups.end());
  }
  host_capget(&c.cap_eff, &c.cap_prm, &c.cap_inh);
  for (int cap = 0; cap <= kCapLast; ++cap) {
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1) c.cap_bnd |= cap_bit(cap);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) == 1) c.cap_amb |= cap_bit(cap);
  }
  int sb = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
  c.securebits = sb > 0 ? static_cast<uint32_t>(sb) : 0;
  c.id = 0;
  return c;
}

// Puts c's effective and fs ids, groups and effective capabilities on the
// calling host thread (raw system calls: this thread only). Real and saved
// ids and the permitted set stay hartd's, so the next switch is possible.
void apply_on_host(const Credentials& c) {
  const Credentials& h = host_credentials();
  bool ok = host_capset(h.cap_prm, h.cap_prm, h.cap_inh) == 0;
  std::vector<gid_t> groups(c.groups.begin(), c.groups.end());
  ok &= syscall(SYS_setgroups, groups.size(), groups.data()) == 0;
  ok &= syscall(SYS_setresgid, -1, c.egid, -1) == 0;
  syscall(SYS_setfsgid, c.fsgid);
  ok &= syscall(SYS_setresuid, -1, c.euid, -1) == 0;
  ok &= host_capset(h.cap_prm, h.cap_prm, h.cap_inh) == 0;  // the uid change dropped them
  syscall(SYS_setfsuid, c.fsuid);
  ok &= host_capset(c.cap_eff & h.cap_prm, h.cap_prm, h.cap_inh) == 0;
  if (!ok) fprintf(stderr, "hart: cannot switch a vCPU thread's identity: %s\n", strerror(errno));
  tl_identity = c.id;
  tl_applied = c;
}

bool is_one_of(uint32_t v, uint32_t a, uint32_t b, uint32_t c) { return v == a || v == b || v == c; }

// Linux's cap_emulate_setxuid: the capability fix-ups of a uid change.
void fix_setxuid(Credentials* n, const Credentials& o) {
  if (n->securebits & kSecNoSetuidFixup) return;
  bool was_root = o.ruid == 0 || o.euid == 0 || o.suid == 0;
  bool is_root = n->ruid == 0 || n->euid == 0 || n->suid == 0;
  if (was_root && !is_root) {
    if (!(n->securebits & kSecKeepCaps)) n->cap_prm = n->cap_eff = 0;
    n->cap_amb = 0;
  }
  if (o.euid == 0 && n->euid != 0) n->cap_eff = 0;
  if (o.euid != 0 && n->euid == 0) n->cap_eff = n->cap_prm;
}

// Linux's setfsuid fix-up: the fs capabilities follow fsuid 0.
void fix_setfsuid(Credentials* n, const Credentials& o) {
  if (n->securebits & kSecNoSetuidFixup) return;
  if (o.fsuid == 0 && n->fsuid != 0) n->cap_eff &= ~kCapFsMask;
  if (o.fsuid != 0 && n->fsuid == 0) n->cap_eff |= n->cap_prm & kCapFsMask;
}

int commit(Credentials* c, Credentials n) {
  n.id = cred_new_id();
  *c = std::move(n);
  return 0;
}

}  // namespace

bool Credentials::in_group(uint32_t gid) const {
  return gid == fsgid || std::binary_search(groups.begin(), groups.end(), gid);
}

const Credentials& host_credentials() {
  static const Credentials c = read_host_credentials();
  return c;
}

bool host_switches_identity() {
  static const bool yes = [] {
    const Credentials& h = host_credentials();
    return (h.cap_prm & cap_bit(kCapSetuid)) && (h.cap_prm & cap_bit(kCapSetgid));
  }();
  return yes;
}

uint64_t cred_new_id() { return g_next_id.fetch_add(1); }

// ---- set*id: one implementation for uids and gids ----------------------------------

namespace {

// The four ids of one kind, the capability that lifts the rules, and
// whether capabilities follow the change (uids only).
struct IdKind {
  uint32_t Credentials::*r;
  uint32_t Credentials::*e;
  uint32_t Credentials::*s;
  uint32_t Credentials::*fs;
  int cap;
  bool fixups;
};
constexpr IdKind kUids{&Credentials::ruid, &Credentials::euid, &Credentials::suid,
                       &Credentials::fsuid, kCapSetuid, true};
constexpr IdKind kGids{&Credentials::rgid, &Credentials::egid, &Credentials::sgid,
                       &Credentials::fsgid, kCapSetgid, false};

int set_id(const IdKind& k, Credentials* c, uint32_t id) {  // setuid/setgid
  if (id == kUnchanged) return -EINVAL;
  Credentials n = *c;
  if (c->capable(k.cap)) {
    n.*k.r = n.*k.s = id;
  } else if (id != c->*k.r && id != c->*k.s) {
    return -EPERM;
  }
  n.*k.e = n.*k.fs = id;
  if (k.fixups) fix_setxuid(&n, *c);
  return commit(c, std::move(n));
}

int set_reid(const IdKind& k, Credentials* c, uint32_t r, uint32_t e) {
  Credentials n = *c;
  bool cap = c->capable(k.cap);
  if (r != kUnchanged) {
    if (r != c->*k.r && r != c->*k.e && !cap) return -EPERM;
    n.*k.r = r;
  }
  if (e != kUnchanged) {
    if (!is_one_of(e, c->*k.r, c->*k.e, c->*k.s) && !cap) return -EPERM;
    n.*k.e = e;
  }
  if (r != kUnchanged || (e != kUnchanged && e != c->*k.r)) n.*k.s = n.*k.e;
  n.*k.fs = n.*k.e;
  if (k.fixups) fix_setxuid(&n, *c);
  return commit(c, std::move(n));
}

int set_resid(const IdKind& k, Credentials* c, uint32_t r, uint32_t e, uint32_t s) {
  auto is_new = [&](uint32_t v) { return v != kUnchanged && !is_one_of(v, c->*k.r, c->*k.e, c->*k.s); };
  if ((is_new(r) || is_new(e) || is_new(s)) && !c->capable(k.cap)) return -EPERM;
  Credentials n = *c;
  if (r != kUnchanged) n.*k.r = r;
  if (e != kUnchanged) n.*k.e = e;
  if (s != kUnchanged) n.*k.s = s;
  n.*k.fs = n.*k.e;
  if (k.fixups) fix_setxuid(&n, *c);
  return commit(c, std::move(n));
}

// setfsuid/setfsgid: the old value; changed only when allowed.
uint32_t set_fsid(const IdKind& k, Credentials* c, uint32_t id) {
  uint32_t old = c->*k.fs;
  if (id == kUnchanged || id == old) return old;
  if (!is_one_of(id, c->*k.r, c->*k.e, c->*k.s) && !c->capable(k.cap)) return old;
  Credentials n = *c;
  n.*k.fs = id;
  if (k.fixups) fix_setfsuid(&n, *c);
  commit(c, std::move(n));
  return old;
}

}  // namespace

int64_t cred_set_ids(Credentials* c, IdCall call, uint32_t a0, uint32_t a1, uint32_t a2) {
  switch (call) {
    case IdCall::setuid: return set_id(kUids, c, a0);
    case IdCall::setreuid: return set_reid(kUids, c, a0, a1);
    case IdCall::setresuid: return set_resid(kUids, c, a0, a1, a2);
    case IdCall::setfsuid: return set_fsid(kUids, c, a0);
    case IdCall::setgid: return set_id(kGids, c, a0);
    case IdCall::setregid: return set_reid(kGids, c, a0, a1);
    case IdCall::setresgid: return set_resid(kGids, c, a0, a1, a2);
    case IdCall::setfsgid: return set_fsid(kGids, c, a0);
  }
  return -EINVAL;
}

int cred_setgroups(Credentials* c, std::vector<uint32_t> groups) {
  if (!c->capable(kCapSetgid)) return -EPERM;
  Credentials n = *c;
  std::sort(groups.begin(), groups.end());
  n.groups = std::move(groups);
  return commit(c, std::move(n));
}

// ---- capabilities ------------------------------------------------------------------

int cred_capset(Credentials* c, uint64_t eff, uint64_t prm, uint64_t inh) {
  eff &= kCapValidMask;
  prm &= kCapValidMask;
  inh &= kCapValidMask;
  bool inh_capped = !c->capable(kCapSetpcap);
  if (inh_capped && (inh & ~(c->cap_inh | c->cap_prm))) return -EPERM;
  if (inh & ~(c->cap_inh | c->cap_bnd)) return -EPERM;
  if (prm & ~c->cap_prm) return -EPERM;
  if (eff & ~prm) return -EPERM;
  Credentials n = *c;
  n.cap_eff = eff;
  n.cap_prm = prm;
  n.cap_inh = inh;
  n.cap_amb &= prm & inh;
  return commit(c, std::move(n));
}

// Linux's cap_bprm_creds_from_file for a file without capabilities and
// without set-id bits: root (real or effective) gets bounding | inheritable.
void cred_exec(Credentials* c) {
  Credentials n = *c;
  uint64_t prm = 0;
  if (n.euid == 0 || n.ruid == 0) prm = n.cap_bnd | n.cap_inh;
  prm |= n.cap_amb;
  n.cap_prm = prm;
  n.cap_eff = n.euid == 0 ? prm : n.cap_amb;
  n.suid = n.fsuid = n.euid;
  n.sgid = n.fsgid = n.egid;
  n.securebits &= ~kSecKeepCaps;
  commit(c, std::move(n));
}

bool cred_may_signal(const Credentials& from, const Credentials& to, int sig, bool same_session) {
  if (from.euid == to.suid || from.euid == to.ruid || from.ruid == to.suid || from.ruid == to.ruid)
    return true;
  if (from.capable(kCapKill)) return true;
  return sig == SIGCONT && same_session;
}

// ---- the host thread ------------------------------------------------------------------

void init_vcpu_host_thread(uint64_t inherited_id) {
  tl_identity = inherited_id;
  // A private fs_struct: this thread's umask is its guest's alone.
  if (!tl_private_fs && unshare(CLONE_FS) == 0) {
    tl_private_fs = true;
    tl_umask = kUnchanged;
  }
}

uint64_t current_host_identity() { return tl_identity == kUnknownIdentity ? 0 : tl_identity; }

void sync_host_identity(Process& p, Thread& t) {
  if (tl_private_fs && tl_umask != p.umask()) {
    tl_umask = p.umask();
    ::umask(tl_umask);
  }
  if (host_switches_identity() && t.cred.id != tl_identity) apply_on_host(t.cred);
}

bool host_umask_is_guests() { return tl_private_fs; }

HartIdentityScope::HartIdentityScope() {
  if (!host_switches_identity() || tl_identity == 0 || tl_identity == kUnknownIdentity) return;
  guest_ = std::make_unique<Credentials>(tl_applied);
  apply_on_host(host_credentials());
}

HartIdentityScope::~HartIdentityScope() {
  if (guest_) apply_on_host(*guest_);
}

int guest_faccessat(Process& p, Thread& t, int dirfd, const char* path, int mode, int flags) {
  auto call = [&](int f) { return static_cast<int>(syscall(SYS_faccessat2, dirfd, path, mode, f)); };
  if (!host_switches_identity() || (flags & AT_EACCESS)) return call(flags);
  sync_host_identity(p, t);
  // The real ids; root's real uid keeps the permitted set effective, any
  // other loses it (access_override_creds).
  Credentials o = t.cred;
  o.fsuid = o.ruid;
  o.fsgid = o.rgid;
  if (!(o.securebits & kSecNoSetuidFixup)) o.cap_eff = o.ruid == 0 ? o.cap_prm : 0;
  o.id = cred_new_id();
  apply_on_host(o);
  int r = call(flags | AT_EACCESS);
  int e = errno;
  apply_on_host(t.cred);
  errno = e;
  return r;
}

}  // namespace hart::linux
