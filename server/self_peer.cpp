// server/self_peer.cpp — see self_peer.h.
#include "server/self_peer.h"

#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "gdbstub/server.h"
#include "linux-abi/syscalls/inet_guests.h"

namespace hart::server {

namespace {

// An Internet address and port as one form for both families: IPv4 as
// IPv6's v4-mapped ::ffff:a.b.c.d (an AF_INET6 socket connected to
// ::ffff:127.0.0.1 is an IPv4 peer to an AF_INET listener).
struct InetKey {
  uint8_t addr[16] = {};
  uint16_t port = 0;  // host order
  bool operator==(const InetKey& o) const { return port == o.port && memcmp(addr, o.addr, 16) == 0; }
};

bool inet_key(const sockaddr_storage& a, InetKey* k) {
  *k = InetKey{};
  if (a.ss_family == AF_INET) {
    const auto& x = reinterpret_cast<const sockaddr_in&>(a);
    k->addr[10] = k->addr[11] = 0xff;
    memcpy(k->addr + 12, &x.sin_addr.s_addr, 4);
    k->port = ntohs(x.sin_port);
    return true;
  }
  if (a.ss_family == AF_INET6) {
    const auto& x = reinterpret_cast<const sockaddr_in6&>(a);
    memcpy(k->addr, &x.sin6_addr, 16);
    k->port = ntohs(x.sin6_port);
    return true;
  }
  return false;
}

bool same_inet_address(const sockaddr_storage& a, const sockaddr_storage& b) {
  InetKey x, y;
  return inet_key(a, &x) && inet_key(b, &y) && x == y;
}

// 127.0.0.0/8 (v4-mapped) or ::1: a peer on this host, whose socket must
// be listed in this network namespace's /proc/net/tcp or tcp6.
bool is_loopback(const InetKey& k) {
  static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static const uint8_t v6lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return (memcmp(k.addr, v4mapped, 12) == 0 && k.addr[12] == 127) || memcmp(k.addr, v6lo, 16) == 0;
}

// One address column of /proc/net/tcp ("0100007F:1F90", the address as the
// kernel's 32-bit words in host order) or tcp6 (four such words).
bool parse_proc_address(const char* text, bool v6, InetKey* k) {
  *k = InetKey{};
  const int words = v6 ? 4 : 1;
  uint32_t w[4] = {};
  for (int i = 0; i < words; ++i) {
    char hex[9] = {};
    memcpy(hex, text + 8 * i, 8);
    char* end = nullptr;
    w[i] = static_cast<uint32_t>(strtoul(hex, &end, 16));
    if (end != hex + 8) return false;
  }
  if (text[8 * words] != ':') return false;
  if (v6) {
    memcpy(k->addr, w, 16);
  } else {
    k->addr[10] = k->addr[11] = 0xff;
    memcpy(k->addr + 12, w, 4);
  }
  k->port = static_cast<uint16_t>(strtoul(text + 8 * words + 1, nullptr, 16));
  return true;
}

// The inode of the TCP socket whose local address is `local` and whose
// peer is `remote` (the other end of one of our connections), from
// /proc/net/tcp and tcp6: 0 for a socket no process holds any more (its
// owner closed it; the kernel finishes the connection), -1 if none is
// listed.
int64_t tcp_socket_inode(const InetKey& local, const InetKey& remote) {
  for (bool v6 : {false, true}) {
    FILE* f = fopen(v6 ? "/proc/net/tcp6" : "/proc/net/tcp", "re");
    if (!f) continue;
    char line[512];
    int64_t found = -1;
    if (fgets(line, sizeof line, f)) {
      while (found < 0 && fgets(line, sizeof line, f)) {
        char l[64], r[64];
        unsigned long long inode = 0;
        InetKey lk, rk;
        if (sscanf(line, "%*s %63s %63s %*s %*s %*s %*s %*s %*s %llu", l, r, &inode) == 3 &&
            parse_proc_address(l, v6, &lk) && parse_proc_address(r, v6, &rk) && lk == local && rk == remote)
          found = static_cast<int64_t>(inode);
      }
    }
    fclose(f);
    if (found >= 0) return found;
  }
  return -1;
}

// Is fd (not `skip`) a socket of ours whose local address is addr?
bool own_socket_at(int fd, int skip, const sockaddr_storage& addr) {
  if (fd == skip) return false;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  return getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 &&
         same_inet_address(local, addr);
}

}  // namespace

bool peer_is_self(int fd, std::string* why) {
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) {
    *why = std::string("getsockname: ") + strerror(errno);
    return true;
  }
  if (local.ss_family == AF_UNIX) {
    ucred cred{};
    socklen_t cl = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0) {
      *why = std::string("SO_PEERCRED: ") + strerror(errno);
      return true;
    }
    if (cred.pid != getpid()) return false;
    *why = "the peer is hartd's own process (a guest)";
    return true;
  }
  if (local.ss_family != AF_INET && local.ss_family != AF_INET6) return false;
  sockaddr_storage peer{};
  len = sizeof peer;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) {
    *why = std::string("getpeername: ") + strerror(errno);
    return true;
  }
  *why = "the peer socket belongs to hartd's own process (a guest)";
  // A guest's socket is found by its inode even when no fd holds it (in
  // flight in an SCM_RIGHTS message); one nobody holds any more (closed
  // right after writing a request) cannot be told from a guest's: refused.
  InetKey pk, lk;
  if (inet_key(peer, &pk) && inet_key(local, &lk)) {
    // (A socket that moves to TIME_WAIT while the table is read may be
    // missed: look again.)
    int64_t inode = -1;
    for (int i = 0; i < 3 && inode < 0; ++i) {
      if (i) usleep(2000);
      inode = tcp_socket_inode(pk, lk);
    }
    if (inode < 0 && is_loopback(pk)) {
      *why = "the peer socket is not in /proc/net/tcp (a guest's cannot be told apart)";
      return true;
    }
    if (inode == 0) {
      *why = "the peer closed its socket before it was accepted (a guest's cannot be told apart)";
      return true;
    }
    if (inode > 0 && linux::inet_is_guest_socket(static_cast<uint64_t>(inode))) return true;
  }
  if (DIR* d = opendir("/proc/self/fd")) {
    bool self = false;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      int n = atoi(e->d_name);
      if (n != dirfd(d) && own_socket_at(n, fd, peer)) {
        self = true;
        break;
      }
    }
    closedir(d);
    return self;
  }
  // No /proc (or no fd left to read it): every possible fd number.
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  int top = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (1u << 20) ? 1 << 20 : static_cast<int>(rl.rlim_cur);
  for (int n = 0; n < top; ++n)
    if (own_socket_at(n, fd, peer)) return true;
  return false;
}

bool log_refusal_now() {
  static std::mutex m;
  static std::chrono::steady_clock::time_point window;
  static int logged = 0;
  std::lock_guard<std::mutex> lock(m);
  auto now = std::chrono::steady_clock::now();
  if (now - window > std::chrono::seconds(10)) {
    window = now;
    logged = 0;
  }
  return ++logged <= 20;
}

int accept_from_outside(int listen_fd, int timeout_ms, std::string* refused) {
  int fd = gdb::accept_connection(listen_fd, timeout_ms);
  if (fd < 0) return -1;
  std::string why;
  if (!peer_is_self(fd, &why)) return fd;
  ::close(fd);
  *refused = why;
  return -1;
}

}  // namespace hart::server
