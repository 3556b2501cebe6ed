// linux-abi/process/async_io.cpp — the O_ASYNC watcher (see async_io.h).
#include "linux-abi/process/async_io.h"

#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "linux-abi/process/fd_table.h"
#include "linux-abi/process/process.h"
#include "linux-abi/process/signals.h"
#include "linux-abi/riscv64_abi.h"

namespace hart::linux {

namespace {

constexpr int kOwnerTid = 0, kOwnerPid = 1, kOwnerPgrp = 2;  // F_OWNER_* (fcntl)
constexpr int kPOLL_IN = 1;  // si_code of SIGIO/F_SETSIG signals for input
constexpr int kSIGIO = 29;

struct Registration {
  std::weak_ptr<HostFd> file;
  std::weak_ptr<Process> setter;
  int guest_fd = -1;  // si_fd: the fd O_ASYNC was set through, as Linux's fasync
};

class Watcher {
 public:
  static Watcher& get() {
    static Watcher* w = new Watcher();  // lives as long as hartd: the thread uses it
    return *w;
  }

  void set(const std::shared_ptr<HostFd>& f, int guest_fd, const std::shared_ptr<Process>& setter, bool on) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = by_file_.find(f.get());
    if (it != by_file_.end() && regs_[it->second].file.lock() != f) {  // an old file's address
      regs_.erase(it->second);
      by_file_.erase(it);
      it = by_file_.end();
    }
    if (!on) {
      if (it != by_file_.end()) {
        epoll_ctl(ep_, EPOLL_CTL_DEL, f->fd(), nullptr);
        regs_.erase(it->second);
        by_file_.erase(it);
      }
      return;
    }
    if (it != by_file_.end()) {  // owner lookups follow the latest setter
      regs_[it->second].setter = setter;
      regs_[it->second].guest_fd = guest_fd;
      return;
    }
    uint64_t key = next_key_++;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    ev.data.u64 = key;
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, f->fd(), &ev) != 0) return;  // regular files: never signal
    regs_[key] = {f, setter, guest_fd};
    by_file_[f.get()] = key;
  }

 private:
  Watcher() : ep_(epoll_create1(EPOLL_CLOEXEC)) {
    std::thread([this] { run(); }).detach();
  }

  void run() {
    epoll_event evs[64];
    for (;;) {
      int n = epoll_wait(ep_, evs, 64, 1000);
      if (n < 0 && errno != EINTR) return;
      for (int i = 0; i < n; ++i) fire(evs[i].data.u64, evs[i].events);
      if (n == 0) prune();
    }
  }

  // Registrations whose file or setter is gone (closed fds leave the epoll
  // set by themselves when the last host fd of the file closes).
  void prune() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = regs_.begin(); it != regs_.end();) {
      if (it->second.file.expired() || it->second.setter.expired()) {
        for (auto b = by_file_.begin(); b != by_file_.end(); ++b)
          if (b->second == it->first) {
            by_file_.erase(b);
            break;
          }
        it = regs_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void fire(uint64_t key, uint32_t events) {
    std::shared_ptr<HostFd> f;
    std::shared_ptr<Process> setter;
    int32_t fd_no = -1;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = regs_.find(key);
      if (it == regs_.end()) return;
      f = it->second.file.lock();
      setter = it->second.setter.lock();
      fd_no = it->second.guest_fd;
    }
    if (!f || !setter) return;
    int type = f->owner_type.load(), id = f->owner_id.load();
    if (id == 0) return;  // no owner: Linux signals nobody
    GuestSiginfo info{};
    int sig = f->io_signal.load();
    if (sig == 0) {  // plain SIGIO, as from the kernel
      info.si_signo = kSIGIO;
      info.si_code = kSI_KERNEL;
    } else {
      info.si_signo = sig;
      info.si_code = kPOLL_IN;
      int64_t band = POLLIN | POLLRDNORM;
      if (events & (EPOLLHUP | EPOLLRDHUP)) band |= POLLHUP;
      memcpy(info.f.raw, &band, sizeof band);
      memcpy(info.f.raw + 8, &fd_no, sizeof fd_no);
    }
    if (type == kOwnerPgrp) {
      for (auto& m : Process::members(setter->tree()))
        if (!m->zombie() && m->group_id() == id) send_signal(*m, nullptr, info, nullptr);
      return;
    }
    if (type == kOwnerTid) {
      if (send_signal_tid(*setter, id, info, nullptr) == 0) return;
    }
    if (auto p = Process::find(id, setter.get())) send_signal(*p, nullptr, info, nullptr);
  }

  int ep_;
  std::mutex mutex_;
  uint64_t next_key_ = 1;
  std::map<uint64_t, Registration> regs_;
  std::map<const HostFd*, uint64_t> by_file_;
};

}  // namespace

void set_async_io(const std::shared_ptr<HostFd>& f, int guest_fd, const std::shared_ptr<Process>& setter,
                  bool on) {
  Watcher::get().set(f, guest_fd, setter, on);
}

}  // namespace hart::linux
