// linux-abi/process/fd_table.h — the guest file descriptor table of one process:
// guest fd numbers (lowest-free, per-fd FD_CLOEXEC) mapped to refcounted host
// fds. dup() shares one HostFd; the host fd closes with its last reference.
// Owns: fd numbering and host fd lifetime. Does not own: what the fds are
// used for (sys_fs.cpp) or path resolution (process.h).
//
// Locking: one mutex guards the table; HostFd itself is immutable but for
// its atomic open-file-description state.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hart::linux {

class Process;

// An emulated directory (/proc/self/fd, /proc/self/task, /dev in a root...):
// its entries are fixed when it is opened; getdents64 reads them from here
// (proc_dev.cpp). The read position belongs to the open file description,
// so dup'ed and inherited fds share it, as on Linux.
struct SynthDir {
  struct Entry {
    std::string name;
    uint8_t type;  // DT_DIR, DT_REG, DT_LNK, DT_CHR
  };
  std::string guest_path;  // what the guest opened ("/proc/self/fd"), for *at() on it
  std::vector<Entry> entries;
  // If set, fills `entries` at the first read (so /proc/self/fd lists the
  // directory's own fd, as on Linux).
  std::function<std::vector<Entry>()> fill;
  // /proc/<pid> itself: the process, for pidfd_send_signal (which Linux lets
  // take such a directory fd in place of a pidfd).
  bool is_pid_dir = false;
  std::weak_ptr<Process> pid_dir;
  std::mutex mutex;
  size_t pos = 0;  // guarded by mutex
};

// An emulated file whose contents hartd serves on every read and write
// (/proc/<pid>/mem, /proc/<pid>/oom_score_adj; proc_dev.cpp). Its host fd is
// only a stand-in for fstat and is never read or written. The file position
// belongs to the open file description, as on Linux.
struct EmuFile {
  virtual ~EmuFile() = default;
  // Bytes transferred at offset off, or -errno (off may exceed INT64_MAX
  // for mem, where it is a guest address).
  virtual int64_t pread(uint8_t* buf, uint64_t len, uint64_t off) = 0;
  virtual int64_t pwrite(const uint8_t* buf, uint64_t len, uint64_t off) = 0;
  bool readable = true, writable = false;  // from the open flags
  std::mutex mutex;
  uint64_t pos = 0;  // guarded by mutex
};

// A pidfd (pidfd_open, CLONE_PIDFD; sys_pidfd.cpp): the guest process it
// names. Its host fd is an eventfd that the process's exit makes readable
// (Process::watch_exit), so poll/epoll/select see what Linux shows.
struct PidFdTarget {
  int pid = 0;
  std::weak_ptr<Process> proc;
};

// A host file descriptor owned by hartd on behalf of guests.
class HostFd {
 public:
  explicit HostFd(int fd) : fd_(fd) {}
  HostFd(int fd, std::shared_ptr<SynthDir> dir) : fd_(fd), synth_(std::move(dir)) {}
  HostFd(int fd, std::shared_ptr<EmuFile> file) : fd_(fd), emu_(std::move(file)) {}
  HostFd(int fd, std::shared_ptr<PidFdTarget> pid) : fd_(fd), pid_(std::move(pid)) {}
  ~HostFd();
  HostFd(const HostFd&) = delete;
  HostFd& operator=(const HostFd&) = delete;
  int fd() const { return fd_; }
  // Non-null for an emulated directory (fd is then an empty host directory).
  SynthDir* synth() const { return synth_.get(); }
  const std::shared_ptr<SynthDir>& synth_ptr() const { return synth_; }
  // Non-null for an emulated file served by hartd (fd is then a stand-in).
  EmuFile* emu() const { return emu_.get(); }
  // Non-null for a pidfd (fd is then an eventfd).
  const PidFdTarget* pidfd() const { return pid_.get(); }

  // State of the open file description that names guest ids, kept here and
  // never given to the host (a host owner would have the host kernel signal
  // a host pid, or hartd itself): F_SETOWN/F_SETOWN_EX (type as
  // F_OWNER_TID/PID/PGRP, id a guest id), F_SETSIG, F_SETLEASE.
  std::atomic<int> owner_type{1}, owner_id{0}, io_signal{0}, lease{2 /* F_UNLCK */};
  // Owner id of this description's OFD locks in file_locks.cpp (0: none yet).
  std::atomic<int64_t> ofd_lock_id{0};
  // Set by its first FdTable::install: a HostFd is new to guests (its host
  // fd was just made for them) exactly until then.
  std::atomic<bool> installed{false};
  // The launch's count of host fds this one is charged to (set at that
  // first install; released here).
  std::shared_ptr<std::atomic<int>> charged_to;
  // A /proc file hartd generates (its host fd a memfd): the host file that
  // fstat, fstatfs and stat of the fd show in its place, as a lookup of its
  // path does (proc_dev.cpp); set before the first install, then constant.
  std::string stand_in;
  // The launch's count of kernel objects of a per-user pool this one is
  // (an inotify instance: ProcessTree::inotify_instances); released here.
  std::shared_ptr<std::atomic<int>> instance_of;
  // A cwd that chdir reached by the host path of a folder inside the
  // sysroot (-L), not through the sysroot: getcwd and /proc/PID/cwd give
  // that host path back, as qemu-riscv64 does (its cwd is the host's),
  // rather than the sysroot's guest path; set before set_cwd, then constant.
  bool host_named = false;

 private:
  int fd_;
  std::shared_ptr<SynthDir> synth_;
  std::shared_ptr<EmuFile> emu_;
  std::shared_ptr<PidFdTarget> pid_;
};

// hartd's own host fds (control connections, launches' stdio pipes, logs,
// translations) must not run out because guests opened files: host fd
// numbers from `first` up are kept for hartd, and a guest fd whose new host
// fd lands there is refused with ENFILE, as when Linux's file-max is
// reached. The host gives the lowest free number, so a host fd at `first`
// or above means every number below is taken, and guests never hold one
// there. And one launch (all the fd tables charged to one count: a
// ProcessTree's host_fds) may hold at most `launch_share` of them, so that
// one hostile launch cannot leave the others none (ENFILE too). Defaults:
// no reserve, no share (INT_MAX).
void set_host_fd_limits(int first_reserved, int launch_share);
int first_reserved_host_fd();
// What hartd and hart-run do at start: raise the soft RLIMIT_NOFILE to the
// hard one and reserve its top eighth (at least 64 numbers); with
// `share_between_launches` (hartd), a launch may hold a quarter of the rest.
// Returns the first reserved number.
int reserve_host_fds(bool share_between_launches);
// The RLIMIT_NOFILE a launch's first process starts with: in hart-run
// (reserve_host_fds without sharing) the limits hart-run was started with,
// as a child inherits its parent's; in hartd 1024 and 4096 (a launch's
// open_files sets others).
void guest_nofile_limits(uint64_t* soft, uint64_t* hard);
// The highest hard RLIMIT_NOFILE a guest may set (EPERM above, even with
// CAP_SYS_RESOURCE): 65536, or hart-run's own hard limit if higher.
uint64_t guest_nofile_max();
// How many inotify instances one launch may hold: a quarter of the host's
// fs.inotify.max_user_instances (at least 1) once set_host_fd_limits gave
// launches a share (hartd), else no cap (INT_MAX). The host's limit is per
// user, one pool for hartd and every guest: one launch taking it all would
// leave the others EMFILE.
int inotify_launch_share();

class FdTable {
 public:
  static constexpr int kDefaultLimit = 1024;  // RLIMIT_NOFILE soft limit seen by guests

  // Installs file at the lowest free guest fd >= min_fd. Returns the fd,
  // -EMFILE when the table is full, -EINVAL when min_fd is out of range,
  // -ENFILE when file is new to guests and its host fd is in hartd's
  // reserve (set_first_reserved_host_fd).
  int install(std::shared_ptr<HostFd> file, bool cloexec, int min_fd = 0);
  // Wraps a fresh host fd (takes ownership) and installs it; closes it on failure.
  int install_host(int host_fd, bool cloexec, int min_fd = 0);
  // Puts file at exactly fd, closing what was there (dup2/dup3). -EBADF if
  // fd is out of range.
  int install_at(int fd, std::shared_ptr<HostFd> file, bool cloexec);
  std::shared_ptr<HostFd> get(int fd) const;
  // Host fd number for a guest fd, or -1 (callers keep get() alive while using it).
  int host(int fd) const;
  int close(int fd);  // 0 or -EBADF
  int get_cloexec(int fd) const;             // 0/1 or -EBADF
  int set_cloexec(int fd, bool cloexec);     // 0 or -EBADF
  void close_on_exec();
  // fork: this table becomes a copy of other (same HostFds, same flags).
  void copy_from(const FdTable& other);
  // Process exit: drops every entry.
  void close_all();
  std::vector<int> open_fds() const;
  int limit() const { return limit_; }
  void set_limit(int n);
  // The launch's count that new host fds installed here are charged to
  // (copy_from copies it: a fork child is of the same launch).
  void set_charge(std::shared_ptr<std::atomic<int>> count) { charge_ = std::move(count); }
  // Guest 0, 1, 2 become dups of host 0, 1, 2 (skipped if the host fd is closed).
  void init_stdio();
  // The guest pid owning this table's POSIX record locks (file_locks.h):
  // closing an fd releases them for its file, close_all releases all.
  void set_lock_owner(int pid) { lock_owner_ = pid; }

 private:
  // Released files, reported to file_locks.cpp after the table lock is dropped.
  void closed(const std::vector<std::shared_ptr<HostFd>>& files);
  int lock_owner_ = 0;
  std::shared_ptr<std::atomic<int>> charge_;
  struct Entry {
    std::shared_ptr<HostFd> file;
    bool cloexec = false;
  };
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  int limit_ = kDefaultLimit;
};

}  // namespace hart::linux
