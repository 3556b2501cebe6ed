// linux-abi/sys_util.h — helpers shared by the syscall handler files:
// host-result to -errno conversion, guest path reading and *at() path
// resolution (sysroot, cwd, /proc/self emulation), guest buffer checks.
// Owns: nothing stateful. Internal to linux-abi/.
#pragma once

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
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
  int dirfd = -1;
  std::string path;   // host path to pass to the host *at() call
  std::string guest;  // as the guest wrote it
};
// 0 or -errno. Absolute guest paths go through the sysroot; relative ones
// through dirfd (AT_FDCWD = the process cwd).
int resolve_at(Process& p, int64_t dirfd, uint64_t path_addr, AtPath* out,
               bool allow_empty = false);

// True if the guest path names this process's /proc/self/<what> (or /proc/<pid>/<what>).
bool is_proc_self(const Process& p, const std::string& path, const char* what);

// Guest buffer → host pointer after checking every page has prot; nullptr if not.
inline uint8_t* guest_buf(Process& p, uint64_t addr, uint64_t len, int prot) {
  if (len == 0) return p.as().base() + (addr < kGuestVaLimit ? addr : 0);
  if (!p.as().check(addr, len, prot)) return nullptr;
  return p.as().base() + addr;
}

// execve: deletes p's POSIX timers (timer_create), as Linux's exec does (sys_time.cpp).
void delete_posix_timers(Process& p);

}  // namespace hart::linux
