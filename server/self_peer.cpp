// server/self_peer.cpp — see self_peer.h.
#include "server/self_peer.h"

#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "gdbstub/server.h"

namespace hart::server {

namespace {

bool same_inet_address(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    const auto& x = reinterpret_cast<const sockaddr_in&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in&>(b);
    return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
  }
  const auto& x = reinterpret_cast<const sockaddr_in6&>(a);
  const auto& y = reinterpret_cast<const sockaddr_in6&>(b);
  return x.sin6_port == y.sin6_port && memcmp(&x.sin6_addr, &y.sin6_addr, sizeof x.sin6_addr) == 0;
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
