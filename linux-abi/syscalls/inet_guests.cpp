// linux-abi/syscalls/inet_guests.cpp — see inet_guests.h.
#include "linux-abi/syscalls/inet_guests.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <unordered_set>

namespace hart::linux {

namespace {
std::mutex g_mutex;
std::unordered_set<uint64_t> g_inodes;
size_t g_prune_at = 4096;

// Keeps the records of sockets the kernel still has (in any state, in any
// fd table or in flight): those listed in /proc/net/tcp and tcp6. Lock held.
void prune_locked() {
  std::unordered_set<uint64_t> alive;
  for (const char* path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    FILE* f = fopen(path, "re");
    if (!f) return;  // cannot tell: keep everything
    char line[512];
    if (!fgets(line, sizeof line, f)) {
      fclose(f);
      continue;
    }
    while (fgets(line, sizeof line, f)) {
      unsigned long long inode = 0;
      // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
      if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %llu", &inode) == 1 &&
          g_inodes.count(inode))
        alive.insert(inode);
    }
    fclose(f);
  }
  g_inodes.swap(alive);
  g_prune_at = std::max<size_t>(4096, 2 * g_inodes.size());
}
}  // namespace

void inet_record_guest(int host_fd) {
  int domain = 0;
  socklen_t len = sizeof domain;
  if (getsockopt(host_fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 ||
      (domain != AF_INET && domain != AF_INET6))
    return;
  struct stat st;
  if (fstat(host_fd, &st) != 0) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_inodes.insert(st.st_ino).second && g_inodes.size() >= g_prune_at) prune_locked();
}

bool inet_is_guest_socket(uint64_t inode) {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_inodes.count(inode) != 0;
}

}  // namespace hart::linux
