// linux-abi/process/async_io.cpp — the O_ASYNC and dnotify watcher (see
// async_io.h).
#include "linux-abi/process/async_io.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "linux-abi/process/fd_table.h"
#include "linux-abi/process/process.h"
#include "linux-abi/process/signals.h"
#include "linux-abi/riscv64_abi.h"

namespace hart::linux {

namespace {

constexpr int kOwnerTid = 0, kOwnerPid = 1, kOwnerPgrp = 2;  // F_OWNER_* (fcntl)
constexpr int kPOLL_IN = 1, kPOLL_MSG = 3;  // si_code of F_SETSIG signals: input, dnotify
constexpr int kSIGIO = 29;
constexpr uint64_t kInotifyKey = 0;  // the epoll key of the dnotify inotify fd (registrations start at 1)

// dnotify (fcntl F_NOTIFY, linux/fcntl.h) and the inotify events that stand
// for its fsnotify ones (Linux's convert_arg): a directory's entries created
// or moved in, deleted or moved out, renamed inside it, its entries (or it)
// read, written or changed in attributes.
constexpr uint32_t kDN_ACCESS = 0x1, kDN_MODIFY = 0x2, kDN_CREATE = 0x4, kDN_DELETE = 0x8,
                   kDN_RENAME = 0x10, kDN_ATTRIB = 0x20, kDN_MULTISHOT = 0x80000000;
struct DnEvent {
  uint32_t dn, in;
};
constexpr DnEvent kDnEvents[] = {
    {kDN_ACCESS, IN_ACCESS},
    {kDN_MODIFY, IN_MODIFY},
    {kDN_CREATE, IN_CREATE | IN_MOVED_TO},
    {kDN_DELETE, IN_DELETE | IN_MOVED_FROM},
    {kDN_RENAME, IN_MOVED_FROM | IN_MOVED_TO},  // the pair of a rename inside the folder (dn_bits)
    {kDN_ATTRIB, IN_ATTRIB},
};

uint32_t inotify_mask_of(uint32_t dn) {
  uint32_t m = 0;
  for (const DnEvent& e : kDnEvents)
    if (dn & e.dn) m |= e.in;
  return m;
}

// One F_NOTIFY request: per open file description and process, as Linux's
// dnotify_struct (dn_filp, dn_owner); the inotify watch is per directory.
struct DnRegistration {
  std::weak_ptr<HostFd> file;
  const HostFd* file_id = nullptr;
  std::weak_ptr<Process> setter;
  int owner_pid = 0;
  int guest_fd = -1;  // si_fd: the fd of the last F_NOTIFY (dn_fd)
  uint32_t mask = 0;  // DN_* with DN_MULTISHOT
  int wd = -1;
};

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

  // fcntl(F_NOTIFY) as Linux's fcntl_dirnotify.
  int64_t notify(const std::shared_ptr<HostFd>& f, int guest_fd, const std::shared_ptr<Process>& setter,
                 uint32_t arg) {
    if ((arg & ~kDN_MULTISHOT) == 0) {  // ends this process's request on f, whatever f is
      closed(setter->pid(), f.get());
      return 0;
    }
    struct stat st;
    if (fstat(f->fd(), &st) != 0) return -errno;
    if (!S_ISDIR(st.st_mode)) return -ENOTDIR;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      DnRegistration* reg = nullptr;
      for (auto& r : dn_)
        if (r.file_id == f.get() && r.owner_pid == setter->pid() && r.file.lock() == f) reg = &r;
      uint32_t mask = arg | (reg ? reg->mask : 0);  // Linux ORs a repeated request in
      // One wd per folder: its mask grows here to the union of its requests'
      // and shrinks in rewatch() when one ends.
      int wd = inotify_add_watch(inotify_, ("/proc/self/fd/" + std::to_string(f->fd())).c_str(),
                                 inotify_mask_of(mask) | IN_MASK_ADD);
      if (wd < 0) return errno == ENOSPC ? -ENOMEM : -errno;
      if (!reg) {
        dn_.push_back({f, f.get(), setter, setter->pid(), guest_fd, 0, wd});
        reg = &dn_.back();
      }
      reg->mask = mask;
      reg->guest_fd = guest_fd;
      reg->wd = wd;
    }
    // Linux's __f_setown(filp, task_pid(current), PIDTYPE_TGID): the caller.
    f->owner_type = kOwnerPid;
    f->owner_id = setter->pid();
    return 0;
  }

  // A process closed an fd of file (null: all its fds, at exit): its dnotify
  // requests on that file end (Linux's dnotify_flush from filp_close).
  void closed(int owner_pid, const HostFd* file) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<int> wds;
    for (auto it = dn_.begin(); it != dn_.end();) {
      if (it->owner_pid == owner_pid && (!file || it->file_id == file)) {
        wds.push_back(it->wd);
        it = dn_.erase(it);
      } else {
        ++it;
      }
    }
    for (int wd : wds) rewatch(wd);
  }

 private:
  Watcher() : ep_(epoll_create1(EPOLL_CLOEXEC)), inotify_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kInotifyKey;
    epoll_ctl(ep_, EPOLL_CTL_ADD, inotify_, &ev);
    std::thread([this] { run(); }).detach();
  }

  void run() {
    epoll_event evs[64];
    for (;;) {
      int n = epoll_wait(ep_, evs, 64, 1000);
      if (n < 0 && errno != EINTR) return;
      for (int i = 0; i < n; ++i) {
        if (evs[i].data.u64 == kInotifyKey) read_inotify();
        else fire(evs[i].data.u64, evs[i].events);
      }
      if (n == 0) prune();
    }
  }

  // Sets wd's host mask to what its remaining requests ask (mutex_ held).
  void rewatch(int wd) {
    uint32_t watch = 0;
    std::shared_ptr<HostFd> any;
    for (auto& r : dn_)
      if (r.wd == wd)
        if (auto f = r.file.lock()) watch |= inotify_mask_of(r.mask), any = f;
    if (!any) {
      inotify_rm_watch(inotify_, wd);
      for (auto it = dn_.begin(); it != dn_.end();) it = it->wd == wd ? dn_.erase(it) : it + 1;
      return;
    }
    inotify_add_watch(inotify_, ("/proc/self/fd/" + std::to_string(any->fd())).c_str(), watch);
  }

  // The DN_* bits an inotify event stands for. A rename inside the folder is
  // an IN_MOVED_FROM followed at once by its IN_MOVED_TO (the same cookie and
  // watch): Linux sends DN_RENAME with the first.
  static uint32_t dn_bits(const inotify_event* e, const inotify_event* next) {
    uint32_t dn = 0;
    for (const DnEvent& d : kDnEvents)
      if ((e->mask & d.in) && d.dn != kDN_RENAME) dn |= d.dn;
    if ((e->mask & IN_MOVED_FROM) && next && (next->mask & IN_MOVED_TO) && next->cookie == e->cookie &&
        next->wd == e->wd)
      dn |= kDN_RENAME;
    return dn;
  }

  void read_inotify() {
    alignas(inotify_event) char buf[16384];
    for (;;) {
      ssize_t n = read(inotify_, buf, sizeof buf);
      if (n <= 0) return;
      std::vector<const inotify_event*> evs;
      for (ssize_t off = 0; off < n;) {
        auto* e = reinterpret_cast<const inotify_event*>(buf + off);
        evs.push_back(e);
        off += sizeof(inotify_event) + e->len;
      }
      for (size_t i = 0; i < evs.size(); ++i)
        dnotify_event(evs[i], i + 1 < evs.size() ? evs[i + 1] : nullptr);
    }
  }

  // Linux's dnotify_handle_event: every request on the folder whose mask
  // has the event signals its file's owner (POLL_MSG); a request without
  // DN_MULTISHOT ends with its first signal.
  void dnotify_event(const inotify_event* e, const inotify_event* next) {
    struct Fire {
      std::shared_ptr<HostFd> file;
      std::shared_ptr<Process> setter;
      int fd;
    };
    std::vector<Fire> fires;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (e->mask & IN_IGNORED) {  // the folder is gone, or the watch removed
        for (auto it = dn_.begin(); it != dn_.end();) it = it->wd == e->wd ? dn_.erase(it) : it + 1;
        return;
      }
      uint32_t dn = dn_bits(e, next);
      bool ended = false;
      for (auto it = dn_.begin(); it != dn_.end();) {
        if (it->wd != e->wd || !(it->mask & dn)) {
          ++it;
          continue;
        }
        auto f = it->file.lock();
        auto setter = it->setter.lock();
        if (f && setter) fires.push_back({f, setter, it->guest_fd});
        if (f && setter && (it->mask & kDN_MULTISHOT)) {
          ++it;
        } else {
          it = dn_.erase(it);
          ended = true;
        }
      }
      if (ended) rewatch(e->wd);
    }
    for (auto& fi : fires) signal_owner(*fi.file, *fi.setter, fi.fd, kPOLL_MSG, POLLIN | POLLRDNORM | POLLMSG);
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
    int64_t band = POLLIN | POLLRDNORM;
    if (events & (EPOLLHUP | EPOLLRDHUP)) band |= POLLHUP;
    signal_owner(*f, *setter, fd_no, kPOLL_IN, band);
  }

  // Linux's send_sigio: SIGIO, or the F_SETSIG signal with si_code, si_band
  // and si_fd, to f's owner (looked up in setter's launch).
  static void signal_owner(HostFd& f, Process& setter, int32_t fd_no, int code, int64_t band) {
    int type = f.owner_type.load(), id = f.owner_id.load();
    if (id == 0) return;  // no owner: Linux signals nobody
    GuestSiginfo info{};
    int sig = f.io_signal.load();
    if (sig == 0) {  // plain SIGIO, as from the kernel
      info.si_signo = kSIGIO;
      info.si_code = kSI_KERNEL;
    } else {
      info.si_signo = sig;
      info.si_code = code;
      memcpy(info.f.raw, &band, sizeof band);
      memcpy(info.f.raw + 8, &fd_no, sizeof fd_no);
    }
    if (type == kOwnerPgrp) {
      for (auto& m : Process::members(setter.tree()))
        if (!m->zombie() && m->group_id() == id) send_signal(*m, nullptr, info, nullptr);
      return;
    }
    if (type == kOwnerTid) {
      if (send_signal_tid(setter, id, info, nullptr) == 0) return;
    }
    if (auto p = Process::find(id, &setter)) send_signal(*p, nullptr, info, nullptr);
  }

  int ep_;
  int inotify_;
  std::vector<DnRegistration> dn_;
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

namespace {
std::atomic<bool> g_dnotify_used{false};  // no close pays for dnotify before its first F_NOTIFY
}  // namespace

int64_t dnotify_fcntl(const std::shared_ptr<HostFd>& f, int guest_fd, const std::shared_ptr<Process>& setter,
                      uint32_t arg) {
  g_dnotify_used = true;
  return Watcher::get().notify(f, guest_fd, setter, arg);
}

void dnotify_closed(int owner_pid, const HostFd* file) {
  if (g_dnotify_used.load(std::memory_order_relaxed)) Watcher::get().closed(owner_pid, file);
}

}  // namespace hart::linux
