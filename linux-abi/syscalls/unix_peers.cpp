// linux-abi/syscalls/unix_peers.cpp — guest credentials of Unix socket ends
// (unix_peers.h). Records are keyed by the host socket's cookie (SO_COOKIE,
// never reused); a socket's peer is found with one NETLINK_SOCK_DIAG query
// for its peer's inode and one for that inode's cookie; a client whose
// connection is not accepted yet is found in its listener's queue (one dump
// of the host's Unix sockets, UDIAG_SHOW_ICONS), an end accepted a moment
// before its listener's thread recorded it by its listener's address
// (UDIAG_SHOW_NAME). What a stream end was found connected to is kept, so
// it is still named once that peer has closed (if asked before). When the table
// grows past 4096 records (or twice what the last sweep kept), records of
// sockets the host no longer has are dropped (one sock_diag dump). Without sock_diag on the host, nothing is
// found and the callers keep the host's answer.
// Owns: the record table (g_mutex, a leaf lock).
#include "linux-abi/syscalls/unix_peers.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "linux-abi/process/process.h"

namespace hart::linux {

namespace {

std::mutex g_mutex;
std::unordered_map<uint64_t, GuestCred> g_ends;       // cookie -> this end's guest
std::unordered_map<uint64_t, GuestCred> g_listeners;  // cookie -> listener's guest at listen()
// cookie -> the guest found at its other end, kept for when that end is
// gone (Linux keeps a socket's peer credentials after the peer closes).
std::unordered_map<uint64_t, GuestCred> g_peers;

uint64_t cookie_of(int fd) {
  uint64_t c = 0;
  socklen_t len = sizeof c;
  if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &c, &len) != 0) return 0;
  return c;
}

GuestCred self_cred(SyscallCtx& ctx) {
  const Credentials& c = Process::thread_of(ctx.vcpu).cred;
  return GuestCred{ctx.proc.pid(), c.euid, c.egid, c.groups};
}

// One sock_diag request for AF_UNIX sockets; calls fn for each message.
template <typename Fn>
bool diag(uint32_t ino, uint32_t show, bool dump, Fn fn) {
  int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (s < 0) return false;
  struct timeval tv = {1, 0};  // the kernel always answers; never wait long if it does not
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct {
    nlmsghdr nlh;
    unix_diag_req r;
  } req{};
  req.nlh.nlmsg_len = sizeof req;
  req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.nlh.nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
  req.r.sdiag_family = AF_UNIX;
  req.r.udiag_states = ~0u;
  req.r.udiag_ino = ino;
  req.r.udiag_show = show;
  req.r.udiag_cookie[0] = req.r.udiag_cookie[1] = ~0u;  // INET_DIAG_NOCOOKIE
  bool ok = send(s, &req, sizeof req, 0) == static_cast<ssize_t>(sizeof req);
  alignas(nlmsghdr) char buf[16384];
  for (bool done = !ok; !done;) {
    ssize_t n = recv(s, buf, sizeof buf, 0);
    if (n <= 0) break;
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, static_cast<size_t>(n));
         h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
        done = true;
        break;
      }
      fn(*reinterpret_cast<unix_diag_msg*>(NLMSG_DATA(h)), h);
    }
    if (!dump) done = true;
  }
  close(s);
  return ok;
}

// Drops records of sockets the host no longer has (g_mutex held).
void sweep_locked() {
  std::unordered_set<uint64_t> alive;
  diag(0, 0, true, [&](const unix_diag_msg& m, nlmsghdr*) {
    alive.insert(uint64_t{m.udiag_cookie[0]} | uint64_t{m.udiag_cookie[1]} << 32);
  });
  if (alive.empty()) return;
  for (auto* t : {&g_ends, &g_listeners, &g_peers})
    for (auto it = t->begin(); it != t->end();) it = alive.count(it->first) ? std::next(it) : t->erase(it);
}

// The record count at which the next sweep runs: at least 4096, and twice
// what the last sweep kept, so that many live sockets do not make every
// record a sweep (a dump of all the host's Unix sockets). g_mutex.
size_t g_sweep_at = 4096;

void put(std::unordered_map<uint64_t, GuestCred>& t, uint64_t cookie, const GuestCred& c) {
  if (!cookie) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  auto count = [] { return g_ends.size() + g_listeners.size() + g_peers.size(); };
  if (count() >= g_sweep_at) {
    sweep_locked();
    g_sweep_at = std::max<size_t>(4096, 2 * count());
  }
  t[cookie] = c;
}

}  // namespace

void unix_record_self(SyscallCtx& ctx, int host_fd) { put(g_ends, cookie_of(host_fd), self_cred(ctx)); }

void unix_record_listener(SyscallCtx& ctx, int host_fd) {
  put(g_listeners, cookie_of(host_fd), self_cred(ctx));  // listen() again: the new caller's
}

void unix_forget_listener(int host_fd) {
  int listening = 0;
  socklen_t len = sizeof listening;
  if (getsockopt(host_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  g_listeners.erase(cookie_of(host_fd));
}

void unix_record_accepted(int listener_fd, int accepted_fd) {
  uint64_t l = cookie_of(listener_fd);
  GuestCred c;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_listeners.find(l);
    if (!l || it == g_listeners.end()) return;  // not a Unix listener of a guest
    c = it->second;
  }
  put(g_ends, cookie_of(accepted_fd), c);
}

namespace {

uint64_t cookie_in(const unix_diag_msg& m) {
  return uint64_t{m.udiag_cookie[0]} | uint64_t{m.udiag_cookie[1]} << 32;
}

// Calls fn(type, payload, length) for each attribute of a sock_diag message.
template <typename Fn>
void each_attr(nlmsghdr* h, Fn fn) {
  int len = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(sizeof(unix_diag_msg)));
  for (auto* a = reinterpret_cast<rtattr*>(static_cast<char*>(NLMSG_DATA(h)) + sizeof(unix_diag_msg));
       RTA_OK(a, len); a = RTA_NEXT(a, len))
    fn(a->rta_type, RTA_DATA(a), RTA_PAYLOAD(a));
}

// The cookie of the listening socket whose accept queue holds a connection
// from the client socket with inode `client` (not accepted yet), or 0: one
// dump of the host's listening Unix sockets with their queues (the queue
// lists its connections' client inodes).
uint64_t listener_of_queued(uint32_t client) {
  constexpr uint32_t kListen = 10;  // TCP_LISTEN
  uint64_t found = 0;
  diag(0, UDIAG_SHOW_ICONS, true, [&](const unix_diag_msg& m, nlmsghdr* h) {
    if (m.udiag_state != kListen || found) return;
    each_attr(h, [&](int type, const void* data, size_t n) {
      if (type != UNIX_DIAG_ICONS) return;
      const auto* inos = static_cast<const uint32_t*>(data);
      for (size_t i = 0; i < n / sizeof(uint32_t); ++i)
        if (inos[i] == client) found = cookie_in(m);
    });
  });
  return found;
}

// The cookie of the listening socket bound to the address of the socket
// with inode `accepted`, or 0 (one dump with the sockets' addresses).
uint64_t listener_by_name(uint32_t accepted) {
  constexpr uint32_t kListen = 10;  // TCP_LISTEN
  std::string want;
  std::unordered_map<std::string, uint64_t> listeners;
  diag(0, UDIAG_SHOW_NAME, true, [&](const unix_diag_msg& m, nlmsghdr* h) {
    each_attr(h, [&](int type, const void* data, size_t n) {
      if (type != UNIX_DIAG_NAME || !n) return;
      std::string name(static_cast<const char*>(data), n);
      if (m.udiag_ino == accepted) want = name;
      if (m.udiag_state == kListen) listeners[name] = cookie_in(m);
    });
  });
  auto it = listeners.find(want);
  return want.empty() || it == listeners.end() ? 0 : it->second;
}

bool lookup(const std::unordered_map<uint64_t, GuestCred>& t, uint64_t cookie, GuestCred* out) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto it = t.find(cookie);
  if (!cookie || it == t.end()) return false;
  *out = it->second;
  return true;
}

}  // namespace


namespace {
// unix_peer's lookups: the guest at the other end of host_fd (st its stat).
bool find_peer(int host_fd, const struct stat& st, GuestCred* out) {
  // Twice at most: a connection accepted between the two looks of the
  // first round is found in the second.
  for (int round = 0; round < 2; ++round) {
    uint32_t peer = 0;
    diag(static_cast<uint32_t>(st.st_ino), UDIAG_SHOW_PEER, false, [&](const unix_diag_msg&, nlmsghdr* h) {
      each_attr(h, [&](int type, const void* data, size_t) {
        if (type == UNIX_DIAG_PEER) memcpy(&peer, data, sizeof peer);
      });
    });
    if (!peer) {
      // A listener: Linux gives it its own credentials of listen(). A client
      // connected but not accepted yet (its peer has no inode before accept):
      // the listener's, found by the client's inode in the listener's queue.
      if (lookup(g_listeners, cookie_of(host_fd), out) ||
          lookup(g_listeners, listener_of_queued(static_cast<uint32_t>(st.st_ino)), out))
        return true;
      continue;
    }
    uint64_t cookie = 0;
    diag(peer, 0, false, [&](const unix_diag_msg& m, nlmsghdr*) { cookie = cookie_in(m); });
    if (lookup(g_ends, cookie, out)) return true;
    // Accepted a moment ago, before its listener's thread recorded it: the
    // accepted socket has its listener's address, and so its credentials.
    if (!cookie || !lookup(g_listeners, listener_by_name(peer), out)) return false;
    put(g_ends, cookie, *out);
    return true;
  }
  return false;
}
}  // namespace

bool unix_peer(int host_fd, GuestCred* out) {
  struct stat st;
  if (fstat(host_fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  // Kept for connection-oriented ends only: a datagram socket may connect
  // elsewhere, and its credentials are its socketpair's or none.
  int type = 0;
  socklen_t len = sizeof type;
  bool stream = getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type != SOCK_DGRAM;
  uint64_t own = stream ? cookie_of(host_fd) : 0;
  if (!find_peer(host_fd, st, out)) return own && lookup(g_peers, own, out);  // the peer closed
  if (own) put(g_peers, own, *out);
  return true;
}
}  // namespace hart::linux
