// linux-abi/process/fd_table.cpp — guest fd table. See fd_table.h.
#include "linux-abi/process/fd_table.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <cerrno>
#include <climits>

#include "linux-abi/process/async_io.h"
#include "linux-abi/process/file_locks.h"

namespace hart::linux {

namespace {
std::atomic<int> g_first_reserved{INT_MAX};
std::atomic<int> g_launch_share{INT_MAX};
// RLIMIT_NOFILE for guests of hart-run: its own, from before it raised it
// (0: hartd's defaults; guest_nofile_limits).
std::atomic<uint64_t> g_inherited_soft{0}, g_inherited_hard{0};
constexpr uint64_t kDaemonSoft = FdTable::kDefaultLimit, kDaemonHard = 4096, kDaemonMax = 65536;
}  // namespace

void guest_nofile_limits(uint64_t* soft, uint64_t* hard) {
  const uint64_t s = g_inherited_soft.load(), h = g_inherited_hard.load();
  *soft = s ? s : kDaemonSoft;
  *hard = s ? h : kDaemonHard;
}

uint64_t guest_nofile_max() { return std::max(kDaemonMax, g_inherited_hard.load()); }

void set_host_fd_limits(int first_reserved, int launch_share) {
  g_first_reserved.store(first_reserved);
  g_launch_share.store(launch_share);
}
int first_reserved_host_fd() { return g_first_reserved.load(); }

int inotify_launch_share() {
  if (g_launch_share.load() == INT_MAX) return INT_MAX;
  static const int share = [] {
    long long v = 128;  // Linux's default
    if (FILE* f = fopen("/proc/sys/fs/inotify/max_user_instances", "re")) {
      if (fscanf(f, "%lld", &v) != 1 || v <= 0) v = 128;
      fclose(f);
    }
    return static_cast<int>(std::max<long long>(1, std::min<long long>(v, INT_MAX) / 4));
  }();
  return share;
}

int reserve_host_fds(bool share_between_launches) {
  struct rlimit rl {};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return first_reserved_host_fd();
  const struct rlimit own = rl;
  if (rl.rlim_cur < rl.rlim_max) {
    struct rlimit raised = {rl.rlim_max, rl.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  // The kernel's nr_open (at most 2^30) bounds the limit; numbers are ints.
  long long limit = static_cast<long long>(std::min<rlim_t>(rl.rlim_cur, rlim_t{1} << 30));
  long long reserve = std::max<long long>(64, limit / 8);
  int first = static_cast<int>(std::max<long long>(3, limit - reserve));
  set_host_fd_limits(first, share_between_launches ? std::max(16, first / 4) : INT_MAX);
  if (!share_between_launches) {
    // hart-run's guest inherits hart-run's limits, as a child inherits its
    // parent's (at most Linux's nr_open ceiling, 2^30). Past the host
    // numbers below the reserve, opens fail with ENFILE, as above.
    const uint64_t hard = std::min<uint64_t>(own.rlim_max, uint64_t{1} << 30);
    g_inherited_hard.store(std::max<uint64_t>(hard, 3));
    g_inherited_soft.store(std::max<uint64_t>(std::min<uint64_t>(own.rlim_cur, hard), 3));
  }
  return first;
}

HostFd::~HostFd() {
  if (charged_to) charged_to->fetch_sub(1);
  if (instance_of) instance_of->fetch_sub(1);
  if (int64_t id = ofd_lock_id.load()) ofd_locks_released(id);
  if (fd_ >= 0) ::close(fd_);
}

int FdTable::install(std::shared_ptr<HostFd> file, bool cloexec, int min_fd) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (min_fd < 0 || min_fd >= limit_) return -EINVAL;
  if (!file->installed.exchange(true)) {  // a host fd new to guests
    if (file->fd() >= g_first_reserved.load()) {
      file->installed = false;
      return -ENFILE;
    }
    if (charge_) {
      if (charge_->fetch_add(1) >= g_launch_share.load()) {
        charge_->fetch_sub(1);
        file->installed = false;
        return -ENFILE;
      }
      file->charged_to = charge_;
    }
  }
  for (int fd = min_fd; fd < limit_; ++fd) {
    if (fd >= static_cast<int>(entries_.size())) entries_.resize(fd + 1);
    if (!entries_[fd].file) {
      entries_[fd].file = std::move(file);
      entries_[fd].cloexec = cloexec;
      return fd;
    }
  }
  return -EMFILE;
}

int FdTable::install_host(int host_fd, bool cloexec, int min_fd) {
  if (host_fd < 0) return -EBADF;
  return install(std::make_shared<HostFd>(host_fd), cloexec, min_fd);
}

void FdTable::closed(const std::vector<std::shared_ptr<HostFd>>& files) {
  if (!lock_owner_) return;
  for (const auto& f : files)
    if (f) posix_locks_closed(lock_owner_, f->fd()), dnotify_closed(lock_owner_, f.get());
}

int FdTable::install_at(int fd, std::shared_ptr<HostFd> file, bool cloexec) {
  std::vector<std::shared_ptr<HostFd>> old(1);  // released outside the lock
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fd < 0 || fd >= limit_) return -EBADF;
    if (fd >= static_cast<int>(entries_.size())) entries_.resize(fd + 1);
    old[0] = std::move(entries_[fd].file);
    entries_[fd].file = std::move(file);
    entries_[fd].cloexec = cloexec;
  }
  closed(old);
  return fd;
}

std::shared_ptr<HostFd> FdTable::get(int fd) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fd < 0 || fd >= static_cast<int>(entries_.size())) return nullptr;
  return entries_[fd].file;
}

int FdTable::host(int fd) const {
  auto f = get(fd);
  return f ? f->fd() : -1;
}

int FdTable::close(int fd) {
  std::vector<std::shared_ptr<HostFd>> old(1);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fd < 0 || fd >= static_cast<int>(entries_.size()) || !entries_[fd].file) return -EBADF;
    old[0] = std::move(entries_[fd].file);
    entries_[fd].cloexec = false;
  }
  closed(old);
  return 0;
}

int FdTable::get_cloexec(int fd) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fd < 0 || fd >= static_cast<int>(entries_.size()) || !entries_[fd].file) return -EBADF;
  return entries_[fd].cloexec ? 1 : 0;
}

int FdTable::set_cloexec(int fd, bool cloexec) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fd < 0 || fd >= static_cast<int>(entries_.size()) || !entries_[fd].file) return -EBADF;
  entries_[fd].cloexec = cloexec;
  return 0;
}

void FdTable::close_on_exec() {
  std::vector<std::shared_ptr<HostFd>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& e : entries_)
      if (e.file && e.cloexec) {
        dropped.push_back(std::move(e.file));
        e.cloexec = false;
      }
  }
  closed(dropped);
}

void FdTable::copy_from(const FdTable& other) {
  std::vector<Entry> copy;
  int limit;
  {
    std::lock_guard<std::mutex> lock(other.mutex_);
    copy = other.entries_;
    limit = other.limit_;
  }
  std::shared_ptr<std::atomic<int>> charge = other.charge_;  // set before other is shared
  std::vector<Entry> old;
  std::lock_guard<std::mutex> lock(mutex_);
  charge_ = std::move(charge);
  old.swap(entries_);
  entries_ = std::move(copy);
  limit_ = limit;
}

void FdTable::close_all() {
  std::vector<Entry> old;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    old.swap(entries_);
  }
  if (lock_owner_) posix_locks_closed(lock_owner_, -1), dnotify_closed(lock_owner_, nullptr);
}

std::vector<int> FdTable::open_fds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<int> out;
  for (int i = 0; i < static_cast<int>(entries_.size()); ++i)
    if (entries_[i].file) out.push_back(i);
  return out;
}

void FdTable::set_limit(int n) {
  std::lock_guard<std::mutex> lock(mutex_);
  limit_ = n < 3 ? 3 : n;
}

void FdTable::init_stdio() {
  for (int fd = 0; fd < 3; ++fd) {
    int h = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (h >= 0) install_at(fd, std::make_shared<HostFd>(h), false);
  }
}

}  // namespace hart::linux
