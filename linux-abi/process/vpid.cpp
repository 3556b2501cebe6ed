// linux-abi/process/vpid.cpp — the guest pid counter and its host-wide claims.
//
// A claim is a symlink named after the pid in a sticky, world-writable folder
// (/dev/shm/hart-pids, else /tmp/hart-pids) whose target is the claimant's
// host pid and start time (field 22 of /proc/<pid>/stat). A claim whose
// claimant is gone (crashed, killed) is stale: taken over when its number
// comes round, and cleared by an occasional sweep. Claims cost one
// symlinkat per process (not per thread) and hold no descriptor.
// Without a usable folder, numbers are simply not claimed.
//
// Numbers another live instance holds are skipped, often thousands in a
// row (hartd starts at 1000 while a busy daemon holds 1000..4999). Whether
// a claimant lives costs a kill() and a read of its /proc/<pid>/stat, which
// Linux builds by walking all its threads: with thousands of them, and
// thousands of numbers to skip, one launch took minutes and held a control
// connection's thread meanwhile. So a claimant found alive is believed
// alive for kLiveBelief without asking again (a number skipped in error is
// only a number skipped: the counter never needs it back, and a sweep
// that keeps a stale claim leaves it to the next); the last eight such
// claimants are remembered, as concurrent instances' numbers interleave.
//
// The folder's flock (taking over a stale claim, sweeping) is waited for
// at most kLockWait: an instance stopped while it holds the lock (SIGSTOP,
// a debugger attached) must not stall every hart instance on the host.
// Without it, a stale claim is left alone (its number skipped) and the
// sweep waits for another start; after a failed wait, for kLockRest, stale
// claims are skipped at once.
//
// Locks: held_mutex (the claims held), belief_mutex (claimants found
// alive) and lock_mutex (lock_rest_until) are leaves, never held
// together; the folder's flock is taken with none of them.
#include "linux-abi/process/vpid.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include "linux-abi/process/process.h"

namespace hart::linux {

namespace {

std::atomic<int> g_next{kFirstGuestPid};
std::atomic<bool> g_unclaimed{false};  // -pid N: a deterministic sequence
std::atomic<uint64_t> g_probes{0};     // claimants looked up (vpid_claimant_probes)
constexpr std::chrono::seconds kLiveBelief{2};
constexpr std::chrono::milliseconds kLockWait{1000};
constexpr std::chrono::seconds kLockRest{10};

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
  std::string stamp;  // "<host pid> <start time>": the claim's symlink target
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
    unsigned long long started = start_time(getpid());
    stamp = std::to_string(getpid()) + " " + std::to_string(started);
    // Claims of instances killed before they could release them stay until
    // their number comes round again; now and then (one start in 64, or
    // always with HART_PID_SWEEP=1, the tests' knob) one instance clears them.
    const char* force = getenv("HART_PID_SWEEP");
    bool now = force && strcmp(force, "1") == 0;
    if (dir >= 0 && (now || (started + static_cast<unsigned long long>(getpid())) % 64 == 0))
      sweep();
  }
  // The claimant's stamp of a claim ("" if there is none).
  std::string read(const std::string& name) const {
    char buf[64];
    ssize_t n = readlinkat(dir, name.c_str(), buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }
  // Is the claimant this stamp names still running?
  static bool live(const std::string& st) {
    g_probes.fetch_add(1, std::memory_order_relaxed);
    long owner = 0;
    unsigned long long when = 0;
    if (sscanf(st.c_str(), "%ld %llu", &owner, &when) != 2 || owner <= 0) return false;
    if (kill(static_cast<pid_t>(owner), 0) != 0 && errno == ESRCH) return false;
    unsigned long long now = start_time(static_cast<pid_t>(owner));
    return now == 0 || now == when;  // a reused host pid is another process
  }
  // Takes over a stale claim under the folder's lock, so that two instances
  // never both take one, nor remove a fresh claim for a stale one.
  bool take_over(const std::string& name) {
    if (!lock_folder()) return false;
    std::string st = read(name);
    bool ok = false;
    if (st.empty() || !live(st)) {
      if (!st.empty()) unlinkat(dir, name.c_str(), 0);
      ok = symlinkat(stamp.c_str(), dir, name.c_str()) == 0;
    }
    flock(dir, LOCK_UN);
    return ok;
  }
  // A claim is a symlink (its target the stamp): made atomically whole, and
  // on tmpfs no more than an inode.
  bool claim(int pid) {
    if (dir < 0) return true;
    std::string name = std::to_string(pid);
    bool ok = symlinkat(stamp.c_str(), dir, name.c_str()) == 0;
    if (!ok && errno != EEXIST) return true;  // folder trouble: do not stall launches
    if (!ok) {
      std::string st = read(name);
      if (!st.empty() && (believed_live(st) || live_now(st))) return false;
      ok = take_over(name);
    }
    if (ok) {
      std::lock_guard<std::mutex> lock(held_mutex);
      held.insert(pid);
    }
    return ok;
  }
  void release(int pid) {
    if (dir < 0) return;
    {
      std::lock_guard<std::mutex> lock(held_mutex);
      held.erase(pid);
    }
    std::string name = std::to_string(pid);
    if (read(name) == stamp) unlinkat(dir, name.c_str(), 0);  // only our own
  }
  void release_all() {
    std::set<int> all;
    {
      std::lock_guard<std::mutex> lock(held_mutex);
      all.swap(held);
    }
    for (int pid : all) release(pid);
  }
  // A claimant found alive less than kLiveBelief ago.
  bool believed_live(const std::string& st) {
    std::lock_guard<std::mutex> lock(belief_mutex);
    auto now = std::chrono::steady_clock::now();
    for (const Belief& b : believed)
      if (b.stamp == st && now - b.at < kLiveBelief) return true;
    return false;
  }
  // Asks, and remembers a live answer (in place of the oldest one).
  bool live_now(const std::string& st) {
    if (!live(st)) return false;
    std::lock_guard<std::mutex> lock(belief_mutex);
    Belief* slot = &believed[0];
    for (Belief& b : believed) {
      if (b.stamp == st) {
        slot = &b;
        break;
      }
      if (b.at < slot->at) slot = &b;
    }
    *slot = {st, std::chrono::steady_clock::now()};
    return true;
  }
  // The folder's flock within kLockWait (see the top of the file).
  bool lock_folder() {
    auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(lock_mutex);
      if (now < lock_rest_until) return false;
    }
    for (auto deadline = now + kLockWait;;) {
      if (flock(dir, LOCK_EX | LOCK_NB) == 0) return true;
      if (errno != EWOULDBLOCK && errno != EINTR) return false;
      if (std::chrono::steady_clock::now() >= deadline) break;
      usleep(5000);
    }
    std::lock_guard<std::mutex> lock(lock_mutex);
    lock_rest_until = std::chrono::steady_clock::now() + kLockRest;
    return false;
  }
  std::mutex lock_mutex;
  std::chrono::steady_clock::time_point lock_rest_until;
  std::mutex held_mutex;
  std::set<int> held;  // the claims this instance holds
  // The last few claimants found alive, and when (concurrent instances'
  // numbers interleave).
  struct Belief {
    std::string stamp;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex belief_mutex;
  Belief believed[8];
  void sweep() {
    int fd = dup(dir);
    DIR* d = fd >= 0 ? fdopendir(fd) : nullptr;
    if (!d) {
      if (fd >= 0) close(fd);
      return;
    }
    if (!lock_folder()) {
      closedir(d);
      return;
    }
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      std::string st = read(e->d_name);
      if (!believed_live(st) && !live_now(st)) unlinkat(dir, e->d_name, 0);  // (another user's: EPERM, kept)
    }
    flock(dir, LOCK_UN);
    closedir(d);
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

uint64_t vpid_claimant_probes() { return g_probes.load(std::memory_order_relaxed); }

void sweep_stale_vpid_claims() { claims().sweep(); }

void release_all_process_vpids() { claims().release_all(); }

}  // namespace hart::linux
