// linux-abi/process/vpid.cpp — the guest pid counter and its host-wide claims.
//
// A claim is a file named after the pid in a sticky, world-writable folder
// (/dev/shm/hart-pids, else /tmp/hart-pids) holding the claimant's host pid
// and its start time (field 22 of /proc/<pid>/stat). A claim whose claimant
// is gone (crashed, killed) is stale and taken over. Claims cost one
// open/write/close per process, not per thread, and hold no descriptor.
// Without a usable folder, numbers are simply not claimed.
#include "linux-abi/process/vpid.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>

#include "linux-abi/process/process.h"

namespace hart::linux {

namespace {

std::atomic<int> g_next{kFirstGuestPid};
std::atomic<bool> g_unclaimed{false};  // -pid N: a deterministic sequence

// The host process's start time in clock ticks since boot (0: unknown).
unsigned long long start_time(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  const char* p = strrchr(buf, ')');  // comm may hold spaces and parentheses
  if (!p) return 0;
  // After ")": field 3 (state) ... field 22 (starttime): 20 more fields.
  for (int field = 2; field < 22 && p; ++field) p = strchr(p + 1, ' ');
  return p ? strtoull(p + 1, nullptr, 10) : 0;
}

struct Claims {
  int dir = -1;
  std::string stamp;  // "<host pid> <start time>\n"
  Claims() {
    for (const char* d : {"/dev/shm/hart-pids", "/tmp/hart-pids"}) {
      mode_t old = umask(0);
      mkdir(d, 01777);
      umask(old);
      int fd = open(d, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      struct stat st;
      // Only a real sticky folder: in any other, someone could delete claims.
      if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) &&
          access(d, W_OK) == 0) {
        dir = fd;
        break;
      }
      if (fd >= 0) close(fd);
    }
    stamp = std::to_string(getpid()) + " " + std::to_string(start_time(getpid())) + "\n";
  }
  // Is the claimant recorded in this claim still running?
  bool live(int fd) const {
    char buf[64] = {};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return true;  // being written right now: respect it
    long owner = 0;
    unsigned long long when = 0;
    if (sscanf(buf, "%ld %llu", &owner, &when) != 2 || owner <= 0) return false;
    if (kill(static_cast<pid_t>(owner), 0) != 0 && errno == ESRCH) return false;
    unsigned long long now = start_time(static_cast<pid_t>(owner));
    return now == 0 || now == when;  // a reused host pid is another process
  }
  bool claim(int pid) {
    if (dir < 0) return true;
    std::string name = std::to_string(pid);
    for (int attempt = 0; attempt < 2; ++attempt) {
      int fd = openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd >= 0) {
        // A short write leaves a claim that reads as stale: harmless.
        (void)!write(fd, stamp.data(), stamp.size());
        close(fd);
        return true;
      }
      if (errno != EEXIST) return true;  // folder trouble: do not stall launches
      fd = openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) continue;  // released meanwhile
      bool taken = live(fd);
      close(fd);
      if (taken) return false;
      if (unlinkat(dir, name.c_str(), 0) != 0 && errno != ENOENT) return false;  // another user's
    }
    return false;
  }
  void release(int pid) {
    if (dir < 0) return;
    std::string name = std::to_string(pid);
    int fd = openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    char buf[64] = {};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    if (n > 0 && stamp == buf) unlinkat(dir, name.c_str(), 0);  // only our own
  }
};

Claims& claims() {
  static Claims c;
  return c;
}

}  // namespace

void set_first_vpid(int pid, bool forced) {
  g_next.store(pid);
  g_unclaimed.store(forced);
}

int allocate_process_vpid() {
  for (;;) {
    int pid = g_next.fetch_add(1);
    if (g_unclaimed.load() || claims().claim(pid)) return pid;
  }
}

int allocate_thread_vpid() { return g_next.fetch_add(1); }

void reserve_vpids_through(int pid) {
  for (int cur = g_next.load(); cur <= pid && !g_next.compare_exchange_weak(cur, pid + 1);) {
  }
}

void release_process_vpid(int pid) { claims().release(pid); }

}  // namespace hart::linux
