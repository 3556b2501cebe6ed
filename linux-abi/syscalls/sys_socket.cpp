// linux-abi/syscalls/sys_socket.cpp — the sockets area: socket, socketpair, bind,
// listen, accept/accept4, connect, getsockname, getpeername, sendto,
// recvfrom, sendmsg/recvmsg, sendmmsg/recvmmsg, setsockopt/getsockopt,
// shutdown. Sockets are host sockets behind guest fds.
//
// riscv64 and x86-64 share the socket ABI values (asm-generic socket.h:
// SOCK_*, MSG_*, SOL_SOCKET/SO_* numbers, struct sockaddr*, struct msghdr,
// struct mmsghdr, struct cmsghdr, struct ucred are identical on the two
// LP64 ABIs), so what needs translating is: guest pointers inside msghdr
// (name, iovec array, control), fds carried by SCM_RIGHTS (guest fds ↔ host
// fds, both ways), the pid of SCM_CREDENTIALS/SO_PEERCRED, and AF_UNIX
// paths, which are guest paths: resolved against the guest cwd and the
// sysroot like other paths (through an O_PATH handle of the directory:
// "/proc/self/fd/N/name"), and reported back to the guest as the guest
// wrote them. Options holding a pointer are translated (SO_ATTACH_FILTER)
// or refused (TCP_ZEROCOPY_RECEIVE), so the host kernel never follows a
// guest address. Blocking calls go through safe_syscall.
// Owns: these handlers and the AF_UNIX name registry.
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <climits>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include "linux-abi/syscalls/safe_syscall.h"
#include "linux-abi/process/signals.h"
#include "linux-abi/syscalls/sys_util.h"
#include "linux-abi/syscalls/inet_guests.h"
#include "linux-abi/syscalls/unix_peers.h"

namespace hart::linux {

namespace {

constexpr int kUioMaxIov = 1024;

// Control data (cmsgs) goes through a host buffer of hartd's, never sized by
// the guest alone: a guest asking for a 2 GiB buffer, in many threads at
// once, would have hartd hold that much memory per call. Linux copies a
// sendmsg's control data into a buffer of at most net.core.optmem_max bytes
// (sock_kmalloc: ENOBUFS past it); recvmsg writes into the caller's buffer
// only what it receives, which never comes near kRecvControlMax (SCM_RIGHTS
// holds at most 253 fds), so the host is given that much and the rest of the
// guest's buffer stays untouched, as on Linux.
constexpr uint64_t kRecvControlMax = 64 * 1024;
uint64_t send_control_max() {
  static const uint64_t max = [] {
    uint64_t v = 0;
    if (FILE* f = fopen("/proc/sys/net/core/optmem_max", "re")) {
      if (fscanf(f, "%lu", &v) != 1) v = 0;
      fclose(f);
    }
    return v ? v : uint64_t{131072};  // Linux 6.x's default
  }();
  return max;
}

int64_t restartable(int64_t r) { return r == -EINTR ? kERESTARTSYS : r; }

// Linux 6.5+: a pidfd of the peer (SO_PEERPIDFD) and, with SO_PASSPIDFD,
// of the sender of each message (SCM_PIDFD). Not in every libc's headers.
constexpr int kSoPeerPidfd = 77;
constexpr int kScmPidfd = 4;

// SO_PEERGROUPS: the supplementary groups of the guest at the other end
// (the host would give hartd's): ENODATA without peer credentials, ERANGE
// with the length needed written back when optlen is too small. A peer hart
// does not know (no sock_diag) is named as SO_PEERCRED names it: the caller.
int64_t peer_groups(SyscallCtx& ctx, int hfd, int32_t optlen) {
  socklen_t probe = 0;
  if (getsockopt(hfd, SOL_SOCKET, SO_PEERGROUPS, nullptr, &probe) != 0 && errno != ERANGE)
    return -errno;
  ucred host{};
  socklen_t len = sizeof host;
  getsockopt(hfd, SOL_SOCKET, SO_PEERCRED, &host, &len);
  GuestCred peer;
  std::vector<uint32_t> groups;
  if (unix_peer(hfd, &peer)) {
    groups = std::move(peer.groups);
  } else if (host.pid == getpid()) {
    groups = Process::thread_of(ctx.vcpu).cred.groups;
  } else {  // a host process outside hart: what the host knows of it
    groups.resize(probe / sizeof(uint32_t));
    socklen_t n = probe;
    if (getsockopt(hfd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &n) != 0) return -errno;
    groups.resize(n / sizeof(uint32_t));
  }
  int32_t need = static_cast<int32_t>(groups.size() * sizeof(uint32_t));
  if (optlen < need) return ctx.proc.as().write(ctx.a[4], &need, 4) ? -ERANGE : -EFAULT;
  if (need && !ctx.proc.as().write(ctx.a[3], groups.data(), need)) return -EFAULT;
  return ctx.proc.as().write(ctx.a[4], &need, 4) ? 0 : -EFAULT;
}

// A new guest pidfd of the guest at the other end of Unix socket hfd:
// -ENODATA where Linux has no peer pid (not connected, not a Unix socket) or
// the peer is no guest this process can see; -ESRCH once it is gone.
int64_t peer_pidfd(SyscallCtx& ctx, int hfd) {
  ucred host{};
  socklen_t len = sizeof host;
  if (getsockopt(hfd, SOL_SOCKET, SO_PEERCRED, &host, &len) != 0) return -errno;
  GuestCred peer;
  if (host.pid == 0 || !unix_peer(hfd, &peer)) return -ENODATA;
  std::shared_ptr<Process> t = peer.pid == ctx.proc.pid() ? ctx.proc.shared_from_this()
                                                          : Process::find(peer.pid, &ctx.proc);
  if (!t) return -ESRCH;
  return open_pidfd(ctx.proc, t, false);
}

// Host socket address paths handed to the kernel → the guest's own name.
std::mutex g_names_mutex;
std::map<std::string, std::string> g_unix_names;

// A socket address read from the guest, translated for the host.
struct InAddr {
  struct sockaddr_storage ss {};
  socklen_t len = 0;
  int dirfd = -1;  // keeps the directory of an AF_UNIX path open
  InAddr() = default;
  InAddr(const InAddr&) = delete;
  ~InAddr() {
    if (dirfd >= 0) close(dirfd);
  }
  const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&ss); }
};

int read_sockaddr(Process& p, uint64_t addr, int64_t len, InAddr* out) {
  if (len < 0 || len > static_cast<int64_t>(sizeof(struct sockaddr_storage))) return -EINVAL;
  if (len && !p.as().read(addr, &out->ss, len)) return -EFAULT;
  out->len = static_cast<socklen_t>(len);
  auto* un = reinterpret_cast<struct sockaddr_un*>(&out->ss);
  if (len <= static_cast<int64_t>(offsetof(sockaddr_un, sun_path)) || un->sun_family != AF_UNIX ||
      un->sun_path[0] == 0)
    return 0;  // not a path (unnamed, abstract, other families)
  size_t max = len - offsetof(sockaddr_un, sun_path);
  std::string guest(un->sun_path, strnlen(un->sun_path, max));
  if (guest[0] == '/' && p.sysroot().empty() && !p.root()) return 0;  // the host sees the same path
  size_t slash = guest.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : guest.substr(0, slash);
  std::string base = slash == std::string::npos ? guest : guest.substr(slash + 1);
  if (RootFs* root = p.root()) {  // the folder, looked up inside the root
    std::shared_ptr<HostFd> keep;
    std::string gdir =
        dir[0] == '/' ? dir : guest_path_of_fd(p, p.host_dirfd(AT_FDCWD, &keep)) + "/" + dir;
    int fd = root->open(gdir, O_PATH | O_DIRECTORY);
    if (fd < 0) return fd;
    out->dirfd = fd;
    struct stat st;
    if (fstatat(fd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
      // The host would follow the link from its own "/": resolve it in the root.
      int target = root->open(gdir + "/" + base, O_PATH);
      if (target < 0) return target;
      close(fd);
      out->dirfd = target;
      base.clear();
    }
  } else if (dir[0] == '/') {
    out->dirfd = open(p.host_path(dir).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  } else {
    std::shared_ptr<HostFd> keep;
    int cwd = p.host_dirfd(AT_FDCWD, &keep);
    out->dirfd = openat(cwd, dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  }
  if (out->dirfd < 0) return -errno;
  std::string host = "/proc/self/fd/" + std::to_string(out->dirfd) + (base.empty() ? "" : "/" + base);
  if (host.size() >= sizeof un->sun_path) return -ENAMETOOLONG;
  memset(un->sun_path, 0, sizeof un->sun_path);
  memcpy(un->sun_path, host.data(), host.size());
  out->len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + host.size() + 1);
  std::lock_guard<std::mutex> lock(g_names_mutex);
  g_unix_names[host] = guest;
  return 0;
}

// Host socket address → what the guest sees (AF_UNIX names back to guest names).
void to_guest_addr(Process& p, struct sockaddr_storage* ss, socklen_t* len) {
  auto* un = reinterpret_cast<struct sockaddr_un*>(ss);
  if (*len <= offsetof(sockaddr_un, sun_path) || un->sun_family != AF_UNIX || !un->sun_path[0])
    return;
  size_t max = *len - offsetof(sockaddr_un, sun_path);
  std::string host(un->sun_path, strnlen(un->sun_path, max));
  std::string guest = host;
  {
    std::lock_guard<std::mutex> lock(g_names_mutex);
    auto it = g_unix_names.find(host);
    if (it != g_unix_names.end()) guest = it->second;
  }
  if (RootFs* r = p.root(); r && guest == host) {
    std::string g = r->to_guest(host);
    if (!g.empty()) guest = g;
  }
  const std::string& root = p.sysroot();
  if (guest == host && !root.empty() && host.compare(0, root.size(), root) == 0 &&
      host.size() > root.size() && host[root.size()] == '/')
    guest = host.substr(root.size());
  if (guest.size() >= sizeof un->sun_path) return;
  memset(un->sun_path, 0, sizeof un->sun_path);
  memcpy(un->sun_path, guest.data(), guest.size());
  *len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + guest.size() + 1);
}

// move_addr_to_user(): 0 or -errno.
int write_sockaddr(Process& p, struct sockaddr_storage* ss, socklen_t hlen, uint64_t addr,
                   uint64_t lenp) {
  if (!addr) return 0;
  int32_t glen;
  if (!p.as().read(lenp, &glen, 4)) return -EFAULT;
  if (glen < 0) return -EINVAL;
  to_guest_addr(p, ss, &hlen);
  uint32_t n = std::min<uint32_t>(static_cast<uint32_t>(glen), hlen);
  if (n && !p.as().write(addr, ss, n)) return -EFAULT;
  int32_t out = static_cast<int32_t>(hlen);
  return p.as().write(lenp, &out, 4) ? 0 : -EFAULT;
}

int host_sock(SyscallCtx& ctx, uint64_t gfd, std::shared_ptr<HostFd>* keep) {
  *keep = ctx.proc.fds().get(static_cast<int>(gfd));
  if (!*keep) return -EBADF;
  return (*keep)->fd();
}

// ---- msghdr -----------------------------------------------------------------------

struct GuestMsghdr {
  uint64_t name;
  uint32_t namelen;
  uint32_t pad;
  uint64_t iov;
  uint64_t iovlen;
  uint64_t control;
  uint64_t controllen;
  int32_t flags;
  uint32_t pad2;
};
static_assert(sizeof(GuestMsghdr) == 56 && sizeof(struct msghdr) == 56);
static_assert(sizeof(struct cmsghdr) == 16 && sizeof(struct mmsghdr) == 64);

struct HostMsg {
  struct msghdr m {};
  InAddr name;
  struct sockaddr_storage rname {};
  std::vector<iovec> iov;
  std::vector<uint8_t> control;
  std::vector<std::shared_ptr<HostFd>> keep;  // fds being sent
};

// Supm's tagged-address ABI: the kernel's uaccess untags the pointers a
// msghdr holds (name, iov, control) too.
void untag_msghdr(const Process& p, GuestMsghdr* g) {
  const unsigned pm = p.tagged_pmlen.load(std::memory_order_relaxed);
  g->name = pointer_mask(g->name, pm);
  g->iov = pointer_mask(g->iov, pm);
  g->control = pointer_mask(g->control, pm);
}

// SCM_CREDENTIALS as Linux's scm_check_creds and __scm_send check it, in
// the guest's terms: the pid must be the sender's own, or the sender needs
// CAP_SYS_ADMIN (then any process of its launch; another number is ESRCH);
// the uid one of its real, effective and saved uids or CAP_SETUID, the gid
// likewise or CAP_SETGID. The host gets hartd's pid (every guest is hartd to
// the host kernel), never a guest number it would read as a host pid.
int check_creds(Process& p, const Credentials& c, ucred* cr) {
  bool own = cr->pid == p.pid();
  if (!own && !c.capable(kCapSysAdmin)) return -EPERM;
  if (cr->uid != c.ruid && cr->uid != c.euid && cr->uid != c.suid && !c.capable(kCapSetuid))
    return -EPERM;
  if (cr->gid != c.rgid && cr->gid != c.egid && cr->gid != c.sgid && !c.capable(kCapSetgid))
    return -EPERM;
  if (!own && !Process::find(cr->pid, &p)) return -ESRCH;
  cr->pid = getpid();
  return 0;
}

int prep_msg(Process& p, const Credentials& cred, const GuestMsghdr& g, bool send, HostMsg* h) {
  if (g.iovlen > kUioMaxIov) return -EMSGSIZE;
  std::vector<uint64_t> raw(g.iovlen * 2);
  if (g.iovlen && !p.as().read(g.iov, raw.data(), g.iovlen * 16)) return -EFAULT;
  h->iov.resize(g.iovlen);
  uint64_t total = 0;
  for (uint64_t i = 0; i < g.iovlen; ++i) {
    uint64_t base = raw[2 * i], len = raw[2 * i + 1];
    if (static_cast<int64_t>(len) < 0) return -EINVAL;
    total += len;
    if (total > kMaxRwCount) len -= total - kMaxRwCount, total = kMaxRwCount;
    // Unchecked page by page, as read/write (sys_util.h host_span): a
    // segment running into unmapped memory moves what Linux would move.
    uint8_t* b = host_span(p, base, &len, send ? PROT_READ : PROT_WRITE);
    if (!b) return -EFAULT;
    h->iov[i] = {b, len};
  }
  h->m.msg_iov = h->iov.data();
  h->m.msg_iovlen = g.iovlen;
  if (g.name) {
    if (send) {
      int r = read_sockaddr(p, g.name, static_cast<int32_t>(g.namelen), &h->name);
      if (r < 0) return r;
      h->m.msg_name = &h->name.ss;
      h->m.msg_namelen = h->name.len;
    } else {
      if (static_cast<int32_t>(g.namelen) < 0) return -EINVAL;
      h->m.msg_name = &h->rname;
      h->m.msg_namelen = sizeof h->rname;
    }
  }
  if (g.controllen > INT_MAX || (send && g.controllen >= send_control_max())) return -ENOBUFS;
  if (g.controllen) {
    uint64_t host_len = send ? g.controllen : std::min(g.controllen, kRecvControlMax);
    h->control.assign(host_len, 0);
    if (send) {
      if (!p.as().read(g.control, h->control.data(), g.controllen)) return -EFAULT;
    } else if (!p.as().check(g.control, g.controllen, PROT_WRITE)) {
      return -EFAULT;
    }
    h->m.msg_control = h->control.data();
    h->m.msg_controllen = host_len;
  }
  if (send && g.controllen) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&h->m); c; c = CMSG_NXTHDR(&h->m, c)) {
      if (c->cmsg_len < CMSG_LEN(0) ||
          reinterpret_cast<uint8_t*>(c) + c->cmsg_len > h->control.data() + h->control.size())
        return -EINVAL;
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SCM_RIGHTS) {
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int* fds = reinterpret_cast<int*>(CMSG_DATA(c));
        for (size_t i = 0; i < n; ++i) {
          auto f = p.fds().get(fds[i]);
          if (!f) return -EBADF;
          fds[i] = f->fd();
          h->keep.push_back(std::move(f));
        }
      } else if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(ucred))) {
        if (int e = check_creds(p, cred, reinterpret_cast<ucred*>(CMSG_DATA(c)))) return e;
      }
    }
  }
  return 0;
}

// After a host recvmsg: installs received fds, fixes credentials, copies the
// control data and the out fields of msghdr back to the guest.
int finish_recv(Process& p, int hfd, uint64_t gaddr, GuestMsghdr* g, HostMsg* h, int flags) {
  if (h->m.msg_controllen) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&h->m); c; c = CMSG_NXTHDR(&h->m, c)) {
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SCM_RIGHTS) {
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int* fds = reinterpret_cast<int*>(CMSG_DATA(c));
        for (size_t i = 0; i < n; ++i) {
          int gfd = p.fds().install_host(fds[i], flags & MSG_CMSG_CLOEXEC);
          if (gfd < 0) {  // the rest are dropped, as scm_detach_fds does
            for (size_t j = i + 1; j < n; ++j) close(fds[j]);
            c->cmsg_len = CMSG_LEN(i * sizeof(int));
            h->m.msg_flags |= MSG_CTRUNC;
            break;
          }
          fds[i] = gfd;
        }
      } else if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(ucred))) {
        auto* cr = reinterpret_cast<ucred*>(CMSG_DATA(c));
        if (cr->pid == getpid()) {  // a guest: the one at the other end, if hart knows it
          GuestCred peer;
          cr->pid = unix_peer(hfd, &peer) ? peer.pid : p.pid();
        }
      } else if (c->cmsg_type == kScmPidfd && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
        // The host installed a pidfd (of hartd, or of a host process) in
        // hartd's table: closed, and the guest gets a pidfd of the guest at
        // the other end, or the error Linux puts there (-ESRCH).
        int host_pidfd;
        memcpy(&host_pidfd, CMSG_DATA(c), sizeof host_pidfd);
        if (host_pidfd >= 0) close(host_pidfd);
        GuestCred peer;
        std::shared_ptr<Process> t;
        if (unix_peer(hfd, &peer))
          t = peer.pid == p.pid() ? p.shared_from_this() : Process::find(peer.pid, &p);
        int v = t ? open_pidfd(p, t, false) : -ESRCH;
        memcpy(CMSG_DATA(c), &v, sizeof v);
      }
    }
    if (!p.as().write(g->control, h->control.data(), h->m.msg_controllen)) return -EFAULT;
  }
  g->controllen = h->m.msg_controllen;
  // hartd always asks the host for MSG_CMSG_CLOEXEC (its own fds); Linux
  // reports it in msg_flags only when the caller passed it.
  g->flags = (h->m.msg_flags & ~MSG_CMSG_CLOEXEC) | (flags & MSG_CMSG_CLOEXEC);
  if (g->name) {
    socklen_t len = h->m.msg_namelen;
    to_guest_addr(p, &h->rname, &len);
    uint32_t n = std::min<uint32_t>(g->namelen, len);
    if (n && !p.as().write(g->name, &h->rname, n)) return -EFAULT;
    g->namelen = len;
  }
  if (!p.as().write(gaddr + offsetof(GuestMsghdr, namelen), &g->namelen, 4) ||
      !p.as().write(gaddr + offsetof(GuestMsghdr, controllen), &g->controllen, 8) ||
      !p.as().write(gaddr + offsetof(GuestMsghdr, flags), &g->flags, 4))
    return -EFAULT;
  return 0;
}

// EPIPE from a send: the guest gets SIGPIPE unless it passed MSG_NOSIGNAL (the
// host call always uses MSG_NOSIGNAL so hartd itself never gets one).
int64_t after_send(SyscallCtx& ctx, int64_t r, int flags) {
  if (r == -EPIPE && !(flags & MSG_NOSIGNAL)) signal_self(ctx, SIGPIPE);
  return restartable(r);
}

int64_t do_sendmsg(SyscallCtx& ctx, int hfd, uint64_t gaddr, int flags) {
  GuestMsghdr g;
  if (!ctx.proc.as().read(gaddr, &g, sizeof g)) return -EFAULT;
  untag_msghdr(ctx.proc, &g);
  HostMsg h;
  int r = prep_msg(ctx.proc, Process::thread_of(ctx.vcpu).cred, g, true, &h);
  if (r < 0) return r;
  return after_send(ctx,
                    safe_syscall(&ctx.vcpu.state.exit_request, SYS_sendmsg, hfd,
                                 reinterpret_cast<long>(&h.m), flags | MSG_NOSIGNAL),
                    flags);
}

int64_t do_recvmsg(SyscallCtx& ctx, int hfd, uint64_t gaddr, int flags) {
  GuestMsghdr g;
  if (!ctx.proc.as().read(gaddr, &g, sizeof g)) return -EFAULT;
  untag_msghdr(ctx.proc, &g);
  HostMsg h;
  int r = prep_msg(ctx.proc, Process::thread_of(ctx.vcpu).cred, g, false, &h);
  if (r < 0) return r;
  int64_t n = safe_syscall(&ctx.vcpu.state.exit_request, SYS_recvmsg, hfd,
                           reinterpret_cast<long>(&h.m), flags | MSG_CMSG_CLOEXEC);
  if (n < 0) return restartable(n);
  r = finish_recv(ctx.proc, hfd, gaddr, &g, &h, flags);
  return r < 0 ? r : n;
}

}  // namespace

// ---- creation, names, connections ---------------------------------------------------

int64_t sys_socket(SyscallCtx& ctx) {
  int type = static_cast<int>(ctx.a[1]);
  if (type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK | 0xf)) return -EINVAL;
  int fd = socket(static_cast<int>(ctx.a[0]), type | SOCK_CLOEXEC, static_cast<int>(ctx.a[2]));
  if (fd < 0) return -errno;
  inet_record_guest(fd);  // hartd's control plane refuses its connections
  return ctx.proc.fds().install_host(fd, type & SOCK_CLOEXEC);
}

int64_t sys_socketpair(SyscallCtx& ctx) {
  int type = static_cast<int>(ctx.a[1]);
  if (type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK | 0xf)) return -EINVAL;
  int sv[2];
  if (socketpair(static_cast<int>(ctx.a[0]), type | SOCK_CLOEXEC, static_cast<int>(ctx.a[2]),
                 sv) != 0)
    return -errno;
  if (ctx.a[0] == AF_UNIX)  // both ends carry the creator's credentials
    for (int s : sv) unix_record_self(ctx, s);
  return install_fd_pair(ctx.proc, sv[0], sv[1], type & SOCK_CLOEXEC, ctx.a[3]);
}

int64_t sys_bind(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  InAddr a;
  int r = read_sockaddr(ctx.proc, ctx.a[1], static_cast<int32_t>(ctx.a[2]), &a);
  if (r < 0) return r;
  return bind(fd, a.sa(), a.len) == 0 ? 0 : -errno;
}

int64_t sys_connect(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  InAddr a;
  int r = read_sockaddr(ctx.proc, ctx.a[1], static_cast<int32_t>(ctx.a[2]), &a);
  if (r < 0) return r;
  // Recorded before the host call: the other end may be accepted and asked
  // for its peer before this thread runs again (an end that never connects
  // is nobody's peer).
  if (a.sa()->sa_family == AF_UNIX) unix_record_self(ctx, fd);
  inet_record_guest(fd);  // (one it did not create: received in SCM_RIGHTS)
  int64_t rc = safe_syscall(&ctx.vcpu.state.exit_request, SYS_connect, fd,
                            reinterpret_cast<long>(a.sa()), a.len);
  return restartable(rc);
}

int64_t sys_listen(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  // Recorded before the host call, as connect's (a client may connect and
  // ask before this thread runs again); dropped if listen fails.
  int domain = 0;
  socklen_t dlen = sizeof domain;
  bool unix_domain = getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dlen) == 0 && domain == AF_UNIX;
  if (unix_domain) unix_record_listener(ctx, fd);
  if (listen(fd, static_cast<int>(ctx.a[1])) != 0) {
    int e = errno;
    if (unix_domain) unix_forget_listener(fd);
    return -e;
  }
  return 0;
}

int64_t sys_accept4(SyscallCtx& ctx) {
  int flags = static_cast<int>(ctx.a[3]);
  if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) return -EINVAL;
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  struct sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  int64_t nfd = safe_syscall(&ctx.vcpu.state.exit_request, SYS_accept4, fd,
                             reinterpret_cast<long>(&ss), reinterpret_cast<long>(&len),
                             flags | SOCK_CLOEXEC);
  if (nfd < 0) return restartable(nfd);
  unix_record_accepted(fd, static_cast<int>(nfd));  // a Unix listener's guest
  int r = write_sockaddr(ctx.proc, &ss, len, ctx.a[1], ctx.a[2]);
  if (r < 0) {
    close(static_cast<int>(nfd));
    return r;
  }
  return ctx.proc.fds().install_host(static_cast<int>(nfd), flags & SOCK_CLOEXEC);
}

int64_t sys_accept(SyscallCtx& ctx) {
  ctx.a[3] = 0;
  return sys_accept4(ctx);
}

static int64_t get_name(SyscallCtx& ctx, bool peer) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  struct sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  int rc = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len)
                : getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (rc != 0) return -errno;
  if (!ctx.a[1]) return -EFAULT;
  return write_sockaddr(ctx.proc, &ss, len, ctx.a[1], ctx.a[2]);
}

int64_t sys_getsockname(SyscallCtx& ctx) { return get_name(ctx, false); }
int64_t sys_getpeername(SyscallCtx& ctx) { return get_name(ctx, true); }

int64_t sys_shutdown(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  return shutdown(fd, static_cast<int>(ctx.a[1])) == 0 ? 0 : -errno;
}

// ---- data -------------------------------------------------------------------------------

int64_t sys_sendto(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  uint64_t len = std::min<uint64_t>(ctx.a[2], kMaxRwCount);
  uint8_t* buf = host_span(ctx.proc, ctx.a[1], &len, PROT_READ);
  if (!buf) return -EFAULT;
  int flags = static_cast<int>(ctx.a[3]);
  InAddr a;
  if (ctx.a[4]) {
    int r = read_sockaddr(ctx.proc, ctx.a[4], static_cast<int32_t>(ctx.a[5]), &a);
    if (r < 0) return r;
  }
  return after_send(ctx,
                    safe_syscall(&ctx.vcpu.state.exit_request, SYS_sendto, fd,
                                 reinterpret_cast<long>(buf), static_cast<long>(len),
                                 flags | MSG_NOSIGNAL,
                                 ctx.a[4] ? reinterpret_cast<long>(a.sa()) : 0,
                                 ctx.a[4] ? a.len : 0),
                    flags);
}

int64_t sys_recvfrom(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  uint64_t len = std::min<uint64_t>(ctx.a[2], kMaxRwCount);
  uint8_t* buf = host_span(ctx.proc, ctx.a[1], &len, PROT_WRITE);
  if (!buf) return -EFAULT;
  struct sockaddr_storage ss{};
  socklen_t slen = sizeof ss;
  int64_t n = safe_syscall(&ctx.vcpu.state.exit_request, SYS_recvfrom, fd,
                           reinterpret_cast<long>(buf), static_cast<long>(len),
                           static_cast<int>(ctx.a[3]), reinterpret_cast<long>(&ss),
                           reinterpret_cast<long>(&slen));
  if (n < 0) return restartable(n);
  if (ctx.a[4]) {
    int r = write_sockaddr(ctx.proc, &ss, slen, ctx.a[4], ctx.a[5]);
    if (r < 0) return r;
  }
  return n;
}

int64_t sys_sendmsg(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  return do_sendmsg(ctx, fd, ctx.a[1], static_cast<int>(ctx.a[2]));
}

int64_t sys_recvmsg(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  return do_recvmsg(ctx, fd, ctx.a[1], static_cast<int>(ctx.a[2]));
}

// struct mmsghdr: a msghdr, then msg_len (u32) at offset 56.
// sendmmsg/recvmmsg: one message at a time through `one(address, index)`,
// storing each length in its struct mmsghdr (64 bytes on riscv64, msg_len
// at 56). Returns how many went through, or the first error if none did.
template <class F>
int64_t mmsg_loop(SyscallCtx& ctx, uint64_t vec, uint64_t vlen, F one) {
  uint64_t i = 0;
  int64_t err = 0;
  for (; i < vlen; ++i) {
    uint64_t at = vec + i * 64;
    int64_t n = one(at, i);
    if (n < 0) {
      err = n;
      break;
    }
    uint32_t len = static_cast<uint32_t>(n);
    if (!ctx.proc.as().write(at + 56, &len, 4)) {
      err = -EFAULT;
      break;
    }
  }
  return i ? static_cast<int64_t>(i) : err;
}

int64_t sys_sendmmsg(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  uint64_t vlen = std::min<uint64_t>(static_cast<uint32_t>(ctx.a[2]), kUioMaxIov);
  int flags = static_cast<int>(ctx.a[3]);
  return mmsg_loop(ctx, ctx.a[1], vlen, [&](uint64_t at, uint64_t) { return do_sendmsg(ctx, fd, at, flags); });
}

int64_t sys_recvmmsg(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  uint64_t vlen = std::min<uint64_t>(static_cast<uint32_t>(ctx.a[2]), kUioMaxIov);
  int flags = static_cast<int>(ctx.a[3]);
  if (ctx.a[4]) {
    struct timespec ts;
    GuestTimespec g;
    if (!ctx.proc.as().read(ctx.a[4], &g, sizeof g)) return -EFAULT;
    if (g.tv_sec < 0 || g.tv_nsec < 0 || g.tv_nsec >= 1000000000) return -EINVAL;
    (void)ts;  // the timeout is checked but only bounds the wait for the first message
  }
  return mmsg_loop(ctx, ctx.a[1], vlen, [&](uint64_t at, uint64_t i) {
    int f = flags & ~MSG_WAITFORONE;
    if (i && (flags & MSG_WAITFORONE)) f |= MSG_DONTWAIT;
    return do_recvmsg(ctx, fd, at, f);
  });
}

// ---- options --------------------------------------------------------------------------------

int64_t sys_setsockopt(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  int level = static_cast<int>(ctx.a[1]), name = static_cast<int>(ctx.a[2]);
  int32_t optlen = static_cast<int32_t>(ctx.a[4]);
  if (optlen < 0) return -EINVAL;
  uint8_t* val = guest_buf(ctx.proc, ctx.a[3], optlen, PROT_READ);
  if (!val) return -EFAULT;
  if (level == SOL_SOCKET && (name == SO_ATTACH_FILTER || name == SO_ATTACH_REUSEPORT_CBPF)) {
    // struct sock_fprog holds a pointer to the filter: translate it.
    struct {
      uint16_t len;
      uint16_t pad[3];
      uint64_t filter;
    } gprog;
    if (optlen < static_cast<int32_t>(sizeof gprog)) return -EINVAL;
    memcpy(&gprog, val, sizeof gprog);
    uint8_t* f = guest_buf(ctx.proc, gprog.filter, uint64_t{gprog.len} * sizeof(sock_filter),
                           PROT_READ);
    if (!f) return -EFAULT;
    struct sock_fprog hprog{gprog.len, reinterpret_cast<sock_filter*>(f)};
    return setsockopt(fd, level, name, &hprog, sizeof hprog) == 0 ? 0 : -errno;
  }
  return setsockopt(fd, level, name, val, static_cast<socklen_t>(optlen)) == 0 ? 0 : -errno;
}

int64_t sys_getsockopt(SyscallCtx& ctx) {
  std::shared_ptr<HostFd> keep;
  int fd = host_sock(ctx, ctx.a[0], &keep);
  if (fd < 0) return fd;
  int level = static_cast<int>(ctx.a[1]), name = static_cast<int>(ctx.a[2]);
  int32_t optlen;
  if (!ctx.proc.as().read(ctx.a[4], &optlen, 4)) return -EFAULT;
  if (optlen < 0) return -EINVAL;
  if (level == IPPROTO_TCP && name == TCP_ZEROCOPY_RECEIVE) return -EOPNOTSUPP;
  if (level == SOL_SOCKET && name == kSoPeerPidfd) {
    // Never asked of the host, which would put a pidfd of hartd in hartd's
    // own fd table: a guest pidfd of the guest at the other end instead.
    int64_t pidfd = peer_pidfd(ctx, fd);
    if (pidfd < 0) return pidfd;
    uint32_t n = std::min<uint32_t>(static_cast<uint32_t>(optlen), sizeof(int32_t));
    int32_t v = static_cast<int32_t>(pidfd), out = static_cast<int32_t>(n);
    if ((n && !ctx.proc.as().write(ctx.a[3], &v, n)) || !ctx.proc.as().write(ctx.a[4], &out, 4)) {
      ctx.proc.fds().close(static_cast<int>(pidfd));
      return -EFAULT;
    }
    return 0;
  }
  if (level == SOL_SOCKET && name == SO_PEERGROUPS) return peer_groups(ctx, fd, optlen);
  std::vector<uint8_t> buf(std::min<int32_t>(optlen, 1 << 16) + 1);
  socklen_t len = static_cast<socklen_t>(std::min<int32_t>(optlen, 1 << 16));
  if (getsockopt(fd, level, name, buf.data(), &len) != 0) return -errno;
  if (level == SOL_SOCKET && name == SO_PEERCRED && len >= sizeof(ucred)) {
    auto* cr = reinterpret_cast<ucred*>(buf.data());
    GuestCred peer;
    if (unix_peer(fd, &peer)) {  // another guest (or this one): its pid and ids then
      cr->pid = peer.pid;
      cr->uid = peer.uid;
      cr->gid = peer.gid;
    } else if (cr->pid == getpid()) {
      cr->pid = ctx.proc.pid();
    }
  }
  if (len && !ctx.proc.as().write(ctx.a[3], buf.data(), len)) return -EFAULT;
  int32_t out = static_cast<int32_t>(len);
  return ctx.proc.as().write(ctx.a[4], &out, 4) ? 0 : -EFAULT;
}

}  // namespace hart::linux
