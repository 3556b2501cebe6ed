// linux-abi/sys_util.h — helpers shared by the syscall handler files:
// host-result to -errno conversion, guest path reading and *at() path
// resolution (sysroot, root, cwd, /proc and /dev emulation), guest buffer
// checks.
// Owns: nothing stateful. Internal to linux-abi/.
#pragma once

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "linux-abi/fd_table.h"
#include "linux-abi/process.h"
#include "linux-abi/syscall_table.h"

namespace hart::linux {

constexpr uint64_t kMaxRwCount = 0x7ffff000;  // Linux's MAX_RW_COUNT

// r < 0 → -errno (of the host call that just failed), else r.
inline int64_t host_ret(int64_t r) { return r < 0 ? -static_cast<int64_t>(errno) : r; }

// Reads a guest path: 0, -EFAULT, -ENAMETOOLONG, or -ENOENT when empty
// (unless allow_empty).
int read_guest_path(Process& p, uint64_t addr, std::string* out, bool allow_empty = false);

// A resolved *at() path: host dirfd + host path (relative to dirfd, or absolute).
struct AtPath {
  std::shared_ptr<HostFd> keep;  // keeps the dirfd open during the call
  std::shared_ptr<HostFd> keep2;
  int dirfd = -1;
  std::string path;   // host path to pass to the host *at() call
  std::string guest;  // as the guest wrote it
  // Emulated files (/proc, /dev; proc_dev.cpp). path then names a host file
  // to stat in its place.
  std::shared_ptr<SynthDir> synth;  // an emulated directory: open() gives this listing
  // An emulated file: open() calls this (host fd or -errno).
  std::function<int(const Vcpu& self, int64_t flags)> open_emulated;
  bool has_link = false;  // an emulated symlink: readlink gives `link`
  // path is a host file standing in for an emulated one (/dev/null, a /proc
  // file, the folder behind an emulated directory): never changed for the
  // guest (chmod, unlink, rename... fail with EACCES).
  bool host_only = false;
  std::string link;
  // Inside a root (root_fs.h): what openat2 opens for a plain open().
  int root_base = -1;
  std::string root_rel;
  int resolved_fd = -1;  // the O_PATH fd path names (root lookups that follow)
  std::string abs;       // the guest path made absolute (root lookups; "" if unknown)
};
// 0 or -errno. Absolute guest paths go through the sysroot (or the root);
// relative ones through dirfd (AT_FDCWD = the process cwd). follow: the
// call follows a final symlink (matters inside a root only).
int resolve_at(Process& p, int64_t dirfd, uint64_t path_addr, AtPath* out,
               bool allow_empty = false, bool follow = true);

// /proc and /dev emulation for a normalized absolute guest path
// (proc_dev.cpp): 1 if the path is not emulated, 0 with *out set, or -errno.
// in_root: the process has a root, so all of /proc and /dev is emulated.
int emulate_path(Process& p, const std::string& norm, bool in_root, AtPath* out);
// getdents64 on an emulated directory.
int64_t synth_getdents(SynthDir& d, uint8_t* buf, uint64_t len);
// What readlink of a host fd shows the guest (root/sysroot prefix removed).
std::string guest_link_of(const Process& p, int host_fd);

// True if the guest path names this process's /proc/self/<what> (or /proc/<pid>/<what>).
bool is_proc_self(const Process& p, const std::string& path, const char* what);

// pipe2/socketpair: installs two new host fds as guest fds and stores the
// pair (int[2]) at out_addr; on any failure nothing stays installed or open.
int64_t install_fd_pair(Process& p, int h0, int h1, bool cloexec, uint64_t out_addr);

// Guest buffer → host pointer after checking every page has prot; nullptr if not.
inline uint8_t* guest_buf(Process& p, uint64_t addr, uint64_t len, int prot) {
  if (len == 0) return p.as().base() + (addr < kGuestVaLimit ? addr : 0);
  if (!p.as().check(addr, len, prot)) return nullptr;
  return p.as().base() + addr;
}

// execve: deletes p's POSIX timers (timer_create), as Linux's exec does (sys_time.cpp).
void delete_posix_timers(Process& p);

}  // namespace hart::linux
