// linux-abi/process/file_locks.cpp — POSIX record locks between guest processes.
// See file_locks.h.
#include "linux-abi/process/file_locks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <vector>

#include "linux-abi/process/process.h"
#include "linux-abi/process/signals.h"
#include "linux-abi/syscalls/syscall_table.h"

namespace hart::linux {

namespace {

constexpr int64_t kOffsetMax = INT64_MAX;  // Linux's OFFSET_MAX: "to the end of any file"

// Owners: a guest pid (POSIX locks, > 0) or minus an open file
// description's id (OFD locks, < 0).
using Owner = int64_t;

struct Lock {
  Owner owner;
  short type;  // F_RDLCK or F_WRLCK
  int64_t start, end;  // inclusive
};

using FileKey = std::pair<dev_t, ino_t>;

std::mutex g_mutex;
std::map<FileKey, std::vector<Lock>> g_files;
// Threads blocked in F_SETLKW, by file (g_mutex): a change of a file's
// locks wakes that file's waiters only. (One condition for all woke every
// waiter of every launch at each lock change anywhere: a guest holding
// hundreds of threads blocked on its own file made every other guest's
// unlock cost hundreds of wake-ups.) Waiters also wake every 20 ms, for
// signals.
struct Waiters {
  std::condition_variable cv;
  int n = 0;  // threads waiting on cv; the entry goes with the last
};
std::map<FileKey, Waiters> g_waiters;
std::map<Owner, int> g_owner_locks;  // owner → number of locks held (fast close path)
std::map<Owner, Owner> g_waiting_for;  // owner → the owner whose lock it waits for
std::atomic<int64_t> g_next_ofd{1};

bool overlap(const Lock& l, int64_t s, int64_t e) { return l.start <= e && s <= l.end; }
bool conflicts(const Lock& l, Owner owner, short type, int64_t s, int64_t e) {
  return l.owner != owner && overlap(l, s, e) && (l.type == F_WRLCK || type == F_WRLCK);
}

void count(Owner owner, int delta) {
  int& n = g_owner_locks[owner];
  n += delta;
  if (n <= 0) g_owner_locks.erase(owner);
}

// flock → [start, end]: 0 or -errno (Linux's flock_to_posix_lock).
int to_range(int fd, const struct flock& fl, int64_t* s, int64_t* e) {
  int64_t base;
  switch (fl.l_whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR:
      base = lseek(fd, 0, SEEK_CUR);
      if (base < 0) return -errno;
      break;
    case SEEK_END: {
      struct stat st;
      if (fstat(fd, &st) != 0) return -errno;
      base = st.st_size;
      break;
    }
    default: return -EINVAL;
  }
  int64_t start;
  if (__builtin_add_overflow(base, static_cast<int64_t>(fl.l_start), &start)) return -EOVERFLOW;
  if (start < 0) return -EINVAL;
  int64_t len = fl.l_len;
  if (len > 0) {
    if (len - 1 > kOffsetMax - start) return -EOVERFLOW;
    *s = start;
    *e = start + len - 1;
  } else if (len < 0) {
    *e = start - 1;
    if (start + len < 0) return -EINVAL;
    *s = start + len;
  } else {
    *s = start;
    *e = kOffsetMax;
  }
  return 0;
}

// Applies a lock (or unlock) of owner to the list; no conflict check.
void apply(std::vector<Lock>& locks, Owner owner, short type, int64_t s, int64_t e) {
  std::vector<Lock> out;
  int64_t ns = s, ne = e;
  int removed = 0, added = 0;
  for (const Lock& l : locks) {
    if (l.owner != owner) {
      out.push_back(l);
      continue;
    }
    bool adjacent = (l.end != kOffsetMax && l.end + 1 == s) || (e != kOffsetMax && e + 1 == l.start);
    if (type != F_UNLCK && l.type == type && (overlap(l, s, e) || adjacent)) {
      ns = std::min(ns, l.start);
      ne = std::max(ne, l.end);
      ++removed;
      continue;
    }
    if (!overlap(l, s, e)) {
      out.push_back(l);
      continue;
    }
    ++removed;
    if (l.start < s) out.push_back({owner, l.type, l.start, s - 1}), ++added;
    if (l.end > e) out.push_back({owner, l.type, e + 1, l.end}), ++added;
  }
  if (type != F_UNLCK) out.push_back({owner, type, ns, ne}), ++added;
  locks.swap(out);
  count(owner, added - removed);
}

// The locks of `key` changed: its waiters look again. g_mutex held.
void wake(const FileKey& key) {
  auto it = g_waiters.find(key);
  if (it != g_waiters.end()) it->second.cv.notify_all();
}

bool file_key(int fd, FileKey* key) {
  struct stat st;
  if (fstat(fd, &st) != 0) return false;
  *key = {st.st_dev, st.st_ino};
  return true;
}

}  // namespace

int64_t posix_lock_fcntl(SyscallCtx& ctx, HostFd& file, int cmd, uint64_t arg) {
  Process& p = ctx.proc;
  int host_fd = file.fd();
  bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
  struct flock fl;
  static_assert(sizeof(struct flock) == 32);
  if (!p.as().read(arg, &fl, sizeof fl)) return -EFAULT;
  if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK) return -EINVAL;
  if (ofd && fl.l_pid != 0) return -EINVAL;  // Linux: OFD requests must have l_pid 0
  int64_t s = 0, e = 0;
  if (int r = to_range(host_fd, fl, &s, &e); r < 0) return r;
  FileKey key;
  if (!file_key(host_fd, &key)) return -errno;
  Owner owner = p.pid();
  if (ofd) {
    int64_t id = file.ofd_lock_id.load();
    if (!id) {
      int64_t fresh = g_next_ofd.fetch_add(1);
      id = file.ofd_lock_id.compare_exchange_strong(id, fresh) ? fresh : id;
    }
    owner = -id;
  }
  if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
    if (fl.l_type == F_UNLCK) return -EINVAL;
    const short asked = fl.l_type;
    std::lock_guard<std::mutex> lock(g_mutex);
    fl.l_type = F_UNLCK;
    auto it = g_files.find(key);
    // The conflicting lock that starts lowest (Linux walks the file's
    // locks in order of their start).
    const Lock* first = nullptr;
    if (it != g_files.end())
      for (const Lock& l : it->second)
        if (conflicts(l, owner, asked, s, e) && (!first || l.start < first->start)) first = &l;
    if (first) {
      fl.l_type = first->type;
      fl.l_whence = SEEK_SET;
      fl.l_start = first->start;
      fl.l_len = first->end == kOffsetMax ? 0 : first->end - first->start + 1;
      fl.l_pid = first->owner > 0 ? static_cast<pid_t>(first->owner) : -1;
    }
    return p.as().write(arg, &fl, sizeof fl) ? 0 : -EFAULT;
  }
  int acc = fcntl(host_fd, F_GETFL);
  if (acc < 0) return -errno;
  acc &= O_ACCMODE;
  if (fl.l_type == F_RDLCK && acc == O_WRONLY) return -EBADF;
  if (fl.l_type == F_WRLCK && acc == O_RDONLY) return -EBADF;
  Thread& self = Process::thread_of(ctx.vcpu);
  std::unique_lock<std::mutex> lock(g_mutex);
  for (;;) {
    std::vector<Lock>& locks = g_files[key];
    const Lock* blocker = nullptr;
    if (fl.l_type != F_UNLCK)
      for (const Lock& l : locks)
        if (conflicts(l, owner, fl.l_type, s, e)) {
          blocker = &l;
          break;
        }
    if (!blocker) {
      apply(locks, owner, fl.l_type, s, e);
      if (locks.empty()) g_files.erase(key);
      wake(key);
      return 0;
    }
    if (cmd == F_SETLK || cmd == F_OFD_SETLK) return -EAGAIN;
    // Deadlock: does the blocker (transitively) wait for us? (POSIX locks
    // only, as Linux.)
    Owner o = ofd ? 0 : blocker->owner;
    for (int i = 0; o && i < 256; ++i) {
      if (o == owner) return -EDEADLK;
      auto w = g_waiting_for.find(o);
      if (w == g_waiting_for.end()) break;
      o = w->second;
    }
    g_waiting_for[owner] = blocker->owner;
    {
      Waiters& w = g_waiters[key];
      ++w.n;
      w.cv.wait_for(lock, std::chrono::milliseconds(20));
      if (--w.n == 0) g_waiters.erase(key);
    }
    g_waiting_for.erase(owner);
    lock.unlock();
    {
      std::lock_guard<std::mutex> plock(p.mutex());
      if (p.should_stop(self)) return -EINTR;
      if (has_deliverable(p, self.sig)) return kERESTARTSYS;
    }
    lock.lock();
  }
}

namespace {
// Drops every lock of owner (on the file `only`, or on all files). g_mutex held.
void drop_locks(Owner owner, const FileKey* only) {
  for (auto it = g_files.begin(); it != g_files.end();) {
    if (only && it->first != *only) {
      ++it;
      continue;
    }
    auto& v = it->second;
    size_t before = v.size();
    std::erase_if(v, [&](const Lock& l) { return l.owner == owner; });
    count(owner, -static_cast<int>(before - v.size()));
    if (v.size() != before) wake(it->first);
    it = v.empty() ? g_files.erase(it) : std::next(it);
  }
}
}  // namespace

void ofd_locks_released(int64_t id) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_owner_locks.count(-id)) drop_locks(-id, nullptr);
}

void posix_locks_closed(int owner, int host_fd) {
  FileKey key{};
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_owner_locks.count(owner)) return;
  }
  if (host_fd >= 0 && !file_key(host_fd, &key)) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  drop_locks(owner, host_fd >= 0 ? &key : nullptr);
}

}  // namespace hart::linux
